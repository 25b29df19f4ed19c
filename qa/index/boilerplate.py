"""Page furniture that scrapers leave in article text: share bars, comment sections, ads, newsletter pitches."""

from __future__ import annotations

import re

# Whole lines that are never article prose.
_FURNITURE = re.compile(
    r"""^(?:
        advertisement|sponsored(?:\s+content)?|ad|
        share(?:\s+(?:this|on)(?:\s+\w+)?)?|tweet|print|e-?mail|facebook|twitter|x|whatsapp|linkedin|reddit|
        (?:post|leave|add|write)\s+a\s+comment|comments?(?:\s*\(\d+\))?|\d+\s+comments?|(?:view|show|hide)\s+comments|
        read\s+more|continue\s+reading|click\s+here.*|back\s+to\s+top|skip\s+to\s+(?:main\s+)?content|
        (?:sign\s+up|subscribe)(?:\s+(?:to|for|now|today|here|free)\b.*)?|follow\s+us\b.*|newsletter|
        tags?:.*|filed\s+under:?.*|topics?:.*|
        (?:related|recommended|more)(?:\s+(?:articles?|stories|posts|news|reading|for\s+you|from\s+.+))?:?|
        you\s+(?:may|might)\s+also\s+like:?|most\s+(?:popular|read):?|trending(?:\s+now)?:?|
        (?:all\s+rights\s+reserved|copyright\s*(?:©|\(c\)|\d{4})|©).*|
        (?:we|this\s+(?:site|website))\s+uses?\s+cookies\b.*|cookies?(?:\s+(?:settings|policy|preferences))?|
        accept(?:\s+all)?(?:\s+cookies)?|loading\W*
    )$""",
    re.I | re.X,
)
# Lines after which the rest of a page is not the article (comment threads, link lists).
_SECTION_END = re.compile(
    r"^(?:comments?|(?:post|leave|add)\s+a\s+comment|\d+\s+comments?|"
    r"(?:related|recommended|more)(?:\s+(?:articles?|stories|posts|news|reading|for\s+you))?|"
    r"you\s+(?:may|might)\s+also\s+like|most\s+(?:popular|read)|read\s+next):?$",
    re.I,
)
# Furniture is short: a real sentence this long is kept even if it starts like a share bar.
_MAX_FURNITURE_WORDS = 10


def is_furniture(line: str) -> bool:
    stripped = line.strip()
    return len(stripped.split()) <= _MAX_FURNITURE_WORDS and bool(_FURNITURE.match(stripped))


def strip_boilerplate(text: str) -> str:
    """The article text without furniture lines and without a trailing comments/related section.

    A section marker ("Comments", "Related stories") cuts the rest of the text only in the second half of
    the text, so an article that opens with such a word keeps its body.
    """
    lines = text.splitlines()
    words_total = sum(len(line.split()) for line in lines) or 1
    words_seen = 0
    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        if _SECTION_END.match(stripped) and words_seen >= words_total / 2:
            break
        words_seen += len(stripped.split())
        if not is_furniture(stripped):
            kept.append(line.rstrip())
    return "\n".join(kept).strip()
