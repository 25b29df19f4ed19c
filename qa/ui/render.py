"""Answers, sources and articles as HTML for the chat page.

Every piece of article, title or model text passes through :func:`text` (escaped) before it reaches the page;
only the tags written here are markup. Chat messages are one line each, wrapped in a ``<div>``, so the chat's
Markdown renderer treats them as an HTML block and leaves the (escaped) text alone.

Links the page's script turns into panel openings (see ``assets/app.js``):
``#qa-cite-T-N-S`` (answer T, source N, answer sentence S) and ``#qa-source-T-N`` (answer T, source N).
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from qa.answer.types import Answer, AnswerSentence, Evidence, Source
from qa.types import SourceRef

NOT_IN_ARTICLES_TITLE = "Not in the articles"


def text(value: str) -> str:
    """Escaped, whitespace collapsed: safe inside any tag or attribute of a one-line message."""
    return html.escape(" ".join(value.split()), quote=True)


def searching_html() -> str:
    return '<div class="qa-answer qa-streaming"><div class="qa-status">Searching the articles…</div></div>'


def streaming_html(
    turn: int, sources: Sequence[Source], sentences: Sequence[AnswerSentence], pending: str, backend: str
) -> str:
    """An answer being written: the evidence found (shown at once), checked sentences, the unchecked tail."""
    if not sources:
        status = "No passage matches; checking…"
    elif sentences or pending.strip():
        status = f"Writing from {count(len(sources), 'source')} ({text(backend)}); each sentence is checked"
    else:
        status = f"Found {count(len(sources), 'source')}; writing the answer ({text(backend)})…"
    body = _sentences_html(turn, sentences)
    if pending.strip():
        body += f' <span class="qa-pending" title="not yet checked against the sources">{text(pending)}</span>'
    parts = [f'<div class="qa-status">{status}</div>']
    if body:
        parts.append(f'<p class="qa-text">{body}</p>')
    if sources:
        parts.append(_sources_html(turn, sources, "Evidence found"))
    return f'<div class="qa-answer qa-streaming">{"".join(parts)}</div>'


def answer_html(answer: Answer, turn: int) -> str:
    """The final answer: cited sentences (unverified ones flagged) and the sources under it, or an abstention."""
    if answer.abstained:
        return _abstention_html(answer, turn)
    parts = [f'<p class="qa-text">{_sentences_html(turn, answer.sentences)}</p>']
    cited = answer.cited_sources or answer.sources
    parts.append(_sources_html(turn, cited, "Sources"))
    parts.append(_note_html(answer))
    parts.append(_meta_html(answer))
    return f'<div class="qa-answer">{"".join(parts)}</div>'


def error_html(message: str, hint: str | None = None) -> str:
    hint_html = f' <span class="qa-hint">{text(hint)}</span>' if hint else ""
    return f'<div class="qa-answer qa-error"><strong>Could not answer:</strong> {text(message)}{hint_html}</div>'


def _abstention_html(answer: Answer, turn: int) -> str:
    reason = f' <span class="qa-reason">({text(answer.abstain_reason)})</span>' if answer.abstain_reason else ""
    parts = [
        f'<div class="qa-abstain-title">{NOT_IN_ARTICLES_TITLE}</div>',
        f'<p class="qa-text">{text(answer.text)}{reason}</p>',
    ]
    if answer.sources:
        parts.append(_sources_html(turn, answer.sources, "Closest sources (they do not answer it)"))
    parts.append(_note_html(answer))
    parts.append(_meta_html(answer))
    return f'<div class="qa-answer qa-abstained">{"".join(parts)}</div>'


def _sentences_html(turn: int, sentences: Sequence[AnswerSentence]) -> str:
    pieces = []
    for position, sentence in enumerate(sentences):
        if sentence.verified:
            markers = "".join(
                f'<a class="qa-cite" href="#qa-cite-{turn}-{c.number}-{position}" '
                f'title="Open source {c.number} at the supporting sentence">[{c.number}]</a>'
                for c in sentence.citations
            )
            pieces.append(f'<span class="qa-sentence qa-verified">{text(sentence.text)}</span>{markers}')
        else:
            problem = sentence.problem or "no source supports it"
            pieces.append(
                f'<span class="qa-sentence qa-unverified" title="{text(problem)}">{text(sentence.text)}</span>'
                f'<span class="qa-flag" title="{text(problem)}">unverified: {text(problem)}</span>'
            )
    return " ".join(pieces)


def _sources_html(turn: int, sources: Iterable[Source], heading: str) -> str:
    items = "".join(f"<li>{_source_line(turn, source)}</li>" for source in sources)
    return f'<div class="qa-sources"><div class="qa-sources-title">{text(heading)}</div><ul>{items}</ul></div>'


def _source_line(turn: int, source: Source) -> str:
    ref = source.ref
    title = f'<a class="qa-source-link" href="#qa-source-{turn}-{source.number}" title="Read this article">'
    title += f"[{source.number}] {text(ref.title)}</a>"
    details = [text(d) for d in (ref.outlet, ref.published.isoformat() if ref.published else None) if d]
    link = external_link(ref)
    if link:
        details.append(link)
    return title + "".join(f' <span class="qa-source-detail">· {d}</span>' for d in details)


def external_link(ref: SourceRef) -> str | None:
    """A link to the article's page, only for http(s) URLs (never ``javascript:`` or ``data:``)."""
    if not ref.url or urlsplit(ref.url).scheme.lower() not in ("http", "https"):
        return None
    return f'<a class="qa-url" href="{text(ref.url)}" target="_blank" rel="noopener noreferrer nofollow">link</a>'


def _note_html(answer: Answer) -> str:
    if not answer.fallback:
        return ""
    return (
        f'<div class="qa-note">Answered extractively because the {text(answer.backend)} backend failed: '
        f"{text(answer.fallback)}</div>"
    )


def _meta_html(answer: Answer) -> str:
    parts = []
    if not answer.abstained and answer.sentences:
        verified = sum(s.verified for s in answer.sentences)
        parts.append(f"{verified} of {count(len(answer.sentences), 'sentence')} verified against the sources")
    parts.append(text(answer.backend + (f" · {answer.model}" if answer.model else "")))
    parts.append(f"{answer.timings.total:.1f} s")
    return f'<div class="qa-meta">{" · ".join(parts)}</div>'


def count(number: int, noun: str) -> str:
    """ "1 source", "3 sources", "1,200 passages"."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


@dataclass(frozen=True)
class Highlight:
    """A span of an article's text to mark: ``support`` for the sentence a citation rests on, ``passage`` for
    the retrieved passage around it, ``evidence`` for sentences the generator was shown."""

    start: int
    end: int
    kind: str


def article_html(
    ref: SourceRef,
    article_text: str | None,
    highlights: Sequence[Highlight],
    claim: str | None = None,
    number: int | None = None,
    quotes: Sequence[str] = (),
) -> str:
    """The source panel: the whole article, its metadata, and the cited sentence marked (first one scrolled to).

    ``article_text`` is None when the article has left the index since the answer; ``quotes`` are shown then.
    """
    label = f"[{number}] " if number is not None else ""
    meta = [text(d) for d in (ref.outlet, ref.published.isoformat() if ref.published else None) if d]
    link = external_link(ref)
    if link:
        meta.append(link)
    meta.append(f'<span class="qa-source-file">{text(ref.source)}</span>')
    parts = [
        f'<div class="qa-article-title">{label}{text(ref.title)}</div>',
        f'<div class="qa-article-meta">{" · ".join(meta)}</div>',
    ]
    if claim:
        parts.append(f'<div class="qa-claim">Cited for: “{text(claim)}”</div>')
    if article_text is None:
        parts.append('<div class="qa-gone">This article is no longer in the index. The quoted sentences were:</div>')
        items = "".join(f"<li><mark>{text(quote)}</mark></li>" for quote in quotes)
        parts.append(f'<ul class="qa-quotes">{items}</ul>')
    else:
        parts.append(f'<div class="qa-article-text">{_marked(article_text, highlights)}</div>')
    return f'<div class="qa-article">{"".join(parts)}</div>'


def evidence_highlights(source: Source, quotes: Sequence[Evidence] = ()) -> list[Highlight]:
    """The passage, the sentences shown to the generator, and (when a citation is opened) its quotes."""
    marks = [Highlight(source.ref.start, source.ref.end, "passage")]
    kind = "evidence" if quotes else "support"
    marks += [Highlight(e.start, e.end, kind) for e in source.evidence]
    marks += [Highlight(q.start, q.end, "support") for q in quotes]
    return marks


def _marked(article: str, highlights: Sequence[Highlight]) -> str:
    """The article escaped, with each highlighted span wrapped; overlapping spans nest by splitting at every
    boundary, so the markup is always well formed. The first supporting span gets an id to scroll to."""
    spans = [h for h in highlights if 0 <= h.start < h.end <= len(article)]
    cuts = sorted({0, len(article), *(h.start for h in spans), *(h.end for h in spans)})
    out: list[str] = []
    first_support = True
    for start, end in itertools.pairwise(cuts):
        piece = html.escape(article[start:end], quote=True)
        kinds = {h.kind for h in spans if h.start <= start and end <= h.end}
        if "support" in kinds:
            anchor = ' id="qa-first-support"' if first_support else ""
            first_support = False
            piece = f'<mark class="qa-support"{anchor}>{piece}</mark>'
        elif "evidence" in kinds:
            piece = f'<mark class="qa-evidence">{piece}</mark>'
        if "passage" in kinds:
            piece = f'<span class="qa-passage">{piece}</span>'
        out.append(piece)
    return "".join(out)
