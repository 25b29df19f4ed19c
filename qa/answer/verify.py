"""Check every answer sentence against the text of the sources, and cite the sentences that support it.

The generator's own ``[n]`` markers are a hint, not a fact: a marker that points at no source is dropped, a
sentence is verified only when the cited source's text supports it, and a sentence without markers (small models
rarely write them) is attributed to the source sentence that supports it best. A sentence nothing supports is
flagged, never shown as cited.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from qa.answer.evidence import EvidencePool
from qa.answer.support import Support, best_support, content_words, numbers
from qa.answer.types import AnswerSentence, Citation, Evidence, Source
from qa.index.embedder import Embedder
from qa.index.sentences import sentence_spans

_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_MARKERS_AFTER_STOP = re.compile(r"([.!?][\"”’)]?)\s*((?:\[\d+(?:\s*[,;]\s*\d+)*\]\s*)+)")
_SOURCE_WORD = re.compile(r"\s*\((?:source|sources)\s*\d+(?:\s*,\s*\d+)*\)", re.I)
# Phrases with which a model declines to answer from the sources.
_REFUSAL = re.compile(
    r"not in the articles|(?:sources?|articles?|text|context)\s+(?:do(?:es)?\s+not|don't|doesn't)\s+"
    r"(?:say|mention|provide|contain|state|specify|include|give)|no information|not (?:mentioned|stated|specified)|"
    r"cannot (?:answer|determine|be determined)|can't (?:answer|determine)|unable to (?:answer|determine|find)|"
    r"there is no (?:mention|information)|i (?:do not|don't) know",
    re.I,
)


def is_refusal(text: str) -> bool:
    """Whether the generator said that the sources do not answer the question."""
    return bool(_REFUSAL.search(text))


def split_markers(sentence: str) -> tuple[str, tuple[int, ...]]:
    """The sentence without ``[n]`` / ``[n, m]`` markers, and the numbers they named, in order."""
    found: list[int] = []
    for match in _MARKER.finditer(sentence):
        found.extend(int(n) for n in re.split(r"\s*[,;]\s*", match.group(1)))
    text = _SOURCE_WORD.sub("", _MARKER.sub("", sentence)).strip()
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return text, tuple(dict.fromkeys(found))


def answer_sentences(text: str) -> Iterator[str]:
    """The sentences of generated text; markers written after a full stop ("fired. [1]") stay with their
    sentence (moved before the stop: "fired [1].")."""
    text = _MARKERS_AFTER_STOP.sub(lambda m: f" {m.group(2).strip()}{m.group(1)} ", text)
    for start, end in sentence_spans(text):
        piece = text[start:end].strip()
        if piece:
            yield piece


@dataclass(frozen=True)
class _SourceText:
    source: Source
    sentences: list[Evidence]
    vectors: np.ndarray
    known_numbers: frozenset[float]
    adjacent: tuple[bool, ...]


class CitationChecker:
    """Verifies answer sentences against one evidence pool.

    ``threshold`` is the support score (see :func:`qa.answer.support.support`) a sentence needs; it was chosen
    with ``bench/calibrate.py``.

    >>> checker = CitationChecker(embedder, pool, threshold=0.55)  # doctest: +SKIP
    >>> checker.check("Russia fired 539 drones [1].").verified  # doctest: +SKIP
    True
    """

    def __init__(
        self,
        embedder: Embedder,
        pool: EvidencePool,
        threshold: float,
        lexical_weight: float = 0.5,
        question: str = "",
    ) -> None:
        self.embedder = embedder
        self._question_words = content_words(question)
        self._question_numbers = numbers(question)
        self.threshold = threshold
        self.lexical_weight = lexical_weight
        self._sources = {source.number: _source_text(source, pool) for source in pool.sources}

    def check(self, sentence: str) -> AnswerSentence:
        text, markers = split_markers(sentence)
        if not text:
            return AnswerSentence(text="", problem="empty")
        known = [n for n in markers if n in self._sources]
        dropped = [n for n in markers if n not in self._sources]
        if not self._sources:
            return AnswerSentence(text=text, dropped_markers=tuple(markers), problem="no sources")
        if self._restates_question(text):
            return AnswerSentence(text=text, dropped_markers=tuple(markers), problem="it only restates the question")
        vector = self.embedder.embed_documents([text])[0]
        supports = {number: self._support(text, vector, number) for number in self._sources}
        cited = [n for n in known if supports[n][0].score >= self.threshold]
        dropped.extend(n for n in known if n not in cited)
        if not cited:
            # The marker was wrong or missing: cite the source that does support the sentence, if one does.
            best = max(supports, key=lambda n: supports[n][0].score)
            if supports[best][0].score >= self.threshold:
                cited = [best]
        if not cited:
            return AnswerSentence(text=text, dropped_markers=tuple(dropped), problem=_problem(supports))
        citations = tuple(self._citation(n, supports[n]) for n in cited)
        return AnswerSentence(text=text, citations=citations, verified=True, dropped_markers=tuple(dropped))

    def _restates_question(self, text: str) -> bool:
        """A sentence that adds no word or number to the question answers nothing ("Yes, the White House
        commented on the call.")."""
        return content_words(text) <= self._question_words and numbers(text) <= self._question_numbers

    def _support(self, text: str, vector: np.ndarray, number: int) -> tuple[Support, tuple[int, ...]]:
        source = self._sources[number]
        return best_support(
            text,
            vector,
            [s.text for s in source.sentences],
            source.vectors,
            self.lexical_weight,
            source.known_numbers,
            source.adjacent,
        )

    def _citation(self, number: int, found: tuple[Support, tuple[int, ...]]) -> Citation:
        source = self._sources[number]
        support, rows = found
        quotes = tuple(source.sentences[row] for row in rows)
        return Citation(number=number, article_id=source.source.article_id, support=support.score, quotes=quotes)


def _source_text(source: Source, pool: EvidencePool) -> _SourceText:
    sentences, vectors = pool.sentences_of(source.article_id)
    ref = source.ref
    known = numbers(ref.title)
    if ref.published:
        known |= {float(ref.published.year), float(ref.published.month), float(ref.published.day)}
    adjacent = tuple(b.start - a.end <= 3 for a, b in pairwise(sentences))
    return _SourceText(source, sentences, vectors, frozenset(known), adjacent)


def _problem(supports: dict[int, tuple[Support, tuple[int, ...]]]) -> str:
    best = max(supports.values(), key=lambda found: found[0].word_recall + found[0].similarity)[0]
    if best.contradicts:
        return "it contradicts the closest source"
    if best.missing_numbers:
        shown = ", ".join(f"{n:g}" for n in best.missing_numbers)
        return f"the number {shown} is not in the closest source"
    return "no source supports it"
