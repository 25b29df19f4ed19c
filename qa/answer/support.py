"""How well a source sentence supports a claim: shared content words, matching numbers, embedding similarity.

Small models copy the right sentence and change its number, so numbers are checked exactly: a claim whose number
does not appear in the supporting text is not supported, however similar the wording.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.U)
_NUMBER = re.compile(r"(?<![\w.-])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.,-])\d+(?:\.\d+)?(?![\w])")
# Numbers ("1,200", "4.5") and words, in order: what a number counts is the word after it.
_NUMBER_OR_WORD = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[^\W\d_]+(?:['’][^\W\d_]+)?")
_CONJUNCTIONS = {"and", "or", "nor", "plus"}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    "dozen": 12, "dozens": 12,
}  # fmt: skip
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "into",
        "about",
        "over",
        "after",
        "before",
        "than",
        "then",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "it's",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "not",
        "no",
        "nor",
        "so",
        "such",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "own",
        "same",
        "too",
        "very",
        "can",
        "will",
        "just",
        "should",
        "would",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "also",
        "according",
        "source",
        "sources",
        "article",
        "articles",
        "said",
        "says",
        "say",
        "reported",
        "reports",
        "report",
        "i",
        "you",
        "he",
        "she",
        "we",
        "they",
        "them",
        "his",
        "her",
        "their",
        "our",
        "your",
        "my",
        "me",
        "him",
        "us",
        "one",
        "yes",
    ]
)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def content_words(text: str) -> set[str]:
    """Stemmed words that carry meaning (no stop words, no numbers)."""
    words = [w.lower() for w in _WORD.findall(text)]
    kept = [w for w in words if w not in _STOP and not w.isdigit() and w not in _NUMBER_WORDS]
    return set(_stemmer().stemWords(kept))


_NEGATION = frozenset(["not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "n't", "cannot"])


def negated(text: str) -> bool:
    """Whether a sentence says something is not so ("has not yet commented", "no one was killed")."""
    lowered = text.lower().replace("’", "'")
    return "n't" in lowered or any(w in _NEGATION for w in (m.lower() for m in _WORD.findall(lowered)))


def _counted(text: str) -> list[tuple[float, str | None]]:
    """Each number in the text with the first content word after it ("11 missiles" -> (11, "missil"))."""
    tokens = _NUMBER_OR_WORD.findall(text)
    found: list[tuple[float, str | None]] = []
    for position, token in enumerate(tokens):
        lowered = token.lower()
        if token[0].isdecimal():
            value = float(token.replace(",", ""))
        elif lowered in _NUMBER_WORDS:
            value = float(_NUMBER_WORDS[lowered])
        else:
            continue
        following = [t.lower() for t in tokens[position + 1 : position + 4] if not t[0].isdecimal()]
        words = [w for w in following if w not in _STOP and w not in _NUMBER_WORDS]
        found.append((value, _stemmer().stemWord(words[0]) if words else None))
    return found


def misbound_numbers(claim: str, source_text: str) -> tuple[float, ...]:
    """Numbers the source has, but counting something else ("11 Shahed drones" against "11 missiles")."""
    source = _counted(source_text)
    wrong = []
    for value, noun in _counted(claim):
        if noun is None:
            continue
        nouns = [n for v, n in source if v == value]
        if nouns and all(n is not None and n != noun for n in nouns):
            following = [w for v, _ in source if v == value for w in _following_words(source_text, value)]
            if noun not in following:
                wrong.append(value)
    return tuple(wrong)


def _following_words(text: str, value: float) -> list[str]:
    """The next two content words after each occurrence of ``value`` (a looser match than the first word:
    "11 Shahed drones" counts drones), up to a conjunction: "550 drones and missiles" counts both together, so
    it is not a count of missiles."""
    tokens = _NUMBER_OR_WORD.findall(text)
    words: list[str] = []
    for position, token in enumerate(tokens):
        lowered = token.lower()
        number = float(token.replace(",", "")) if token[0].isdecimal() else _NUMBER_WORDS.get(lowered)
        if number is None or float(number) != value:
            continue
        following = []
        for token_after in tokens[position + 1 : position + 6]:
            lowered_after = token_after.lower()
            if token_after[0].isdecimal() or lowered_after in _CONJUNCTIONS:
                break
            following.append(lowered_after)
        words.extend(_stemmer().stemWords([w for w in following if w not in _STOP][:2]))
    return words


def numbers(text: str) -> set[float]:
    """Numeric values written in digits ("1,200", "4.5") or as small number words ("twelve")."""
    found = {float(match.group().replace(",", "")) for match in _NUMBER.finditer(text)}
    found.update(float(_NUMBER_WORDS[w]) for w in (w.lower() for w in _WORD.findall(text)) if w in _NUMBER_WORDS)
    return found


@dataclass(frozen=True)
class Support:
    """How a piece of source text supports a claim; ``score`` is in [0, 1]."""

    score: float
    word_recall: float
    similarity: float
    missing_numbers: tuple[float, ...]
    contradicts: bool = False


def support(
    claim: str,
    claim_vector: np.ndarray,
    source_text: str,
    source_vector: np.ndarray,
    lexical_weight: float = 0.5,
    known_numbers: frozenset[float] = frozenset(),
) -> Support:
    """Blend of the share of the claim's content words found in the source and their embeddings' cosine.

    Any number in the claim that neither the source nor ``known_numbers`` (its article's date, title) contains
    makes the score 0.
    """
    claim_words = content_words(claim)
    recall = len(claim_words & content_words(source_text)) / len(claim_words) if claim_words else 0.0
    similarity = max(0.0, float(np.dot(claim_vector, source_vector)))
    missing = tuple(sorted(numbers(claim) - numbers(source_text) - known_numbers))
    missing += misbound_numbers(claim, source_text)
    contradicts = negated(claim) != negated(source_text)
    score = 0.0 if missing or contradicts else lexical_weight * recall + (1 - lexical_weight) * similarity
    return Support(
        score=score, word_recall=recall, similarity=similarity, missing_numbers=missing, contradicts=contradicts
    )


def best_support(
    claim: str,
    claim_vector: np.ndarray,
    sentences: Sequence[str],
    vectors: np.ndarray,
    lexical_weight: float = 0.5,
    known_numbers: frozenset[float] = frozenset(),
    adjacent: Sequence[bool] = (),
) -> tuple[Support, tuple[int, ...]]:
    """The best-supporting sentence of a source, or pair of neighbouring sentences when a claim joins two.

    ``adjacent[i]`` says whether sentences ``i`` and ``i + 1`` follow each other in the article.
    """
    best = Support(0.0, 0.0, 0.0, ())
    best_rows: tuple[int, ...] = ()
    for row, sentence in enumerate(sentences):
        candidate = support(claim, claim_vector, sentence, vectors[row], lexical_weight, known_numbers)
        if candidate.score > best.score or not best_rows:
            best, best_rows = candidate, (row,)
    for row in range(len(sentences) - 1):
        if row >= len(adjacent) or not adjacent[row]:
            continue
        joined = f"{sentences[row]} {sentences[row + 1]}"
        vector = vectors[row] + vectors[row + 1]
        vector = vector / max(float(np.linalg.norm(vector)), 1e-12)
        candidate = support(claim, claim_vector, joined, vector, lexical_weight, known_numbers)
        # A pair must beat the single sentence clearly; otherwise cite the one sentence.
        if candidate.score > best.score + 0.05:
            best, best_rows = candidate, (row, row + 1)
    return best, best_rows
