"""Chat memory: earlier turns, and the rule that turns a follow-up into a standalone search query.

"And how many were shot down?" retrieves nothing useful on its own. A question that reads as a follow-up (it
opens with a connective, leans on a pronoun, or names almost nothing) is searched together with the question it
follows; the generator still answers the question as the user asked it, told which question came before.
Plain rules, not the LLM: small models rewrite questions unreliably, and rules are instant and repeatable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.answer.support import content_words

_CONNECTIVE = re.compile(
    r"^\s*(?:and|but|also|so|then|or|what about|how about|and what about|what else|why|how come|same for)\b", re.I
)
_NAME = re.compile(r"\b[A-Z][a-z]+")  # a capitalized word after the first: the question names something
_PRONOUN = re.compile(r"\b(?:it|its|they|them|their|those|these|that|this|he|she|him|her|his|there|then)\b", re.I)


@dataclass(frozen=True)
class Turn:
    """One earlier exchange: what the user asked, what was searched, what was answered."""

    question: str
    answer: str = ""
    search_query: str | None = None


@dataclass(frozen=True)
class StandaloneQuestion:
    """What to search for, and the earlier question the current one follows up on (if it does)."""

    search_query: str
    follows: str | None = None


def is_follow_up(question: str) -> bool:
    """Whether a question needs the conversation to be understood."""
    words = content_words(question)
    if _CONNECTIVE.search(question):
        return True
    if len(words) <= 1:
        return True
    names = _NAME.findall(question.split(" ", 1)[1] if " " in question else "")
    return bool(_PRONOUN.search(question)) and len(words) <= 5 and not names


def standalone_question(question: str, history: Sequence[Turn]) -> StandaloneQuestion:
    """The search query for ``question`` given the earlier turns (most recent last)."""
    question = " ".join(question.split())
    if not history or not is_follow_up(question):
        return StandaloneQuestion(question)
    previous = history[-1]
    base = previous.search_query or previous.question
    return StandaloneQuestion(f"{base} {question}", follows=previous.question)
