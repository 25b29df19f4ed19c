"""Pick the sentences worth sending to the generator, and number their articles as sources.

A small local model spends ~4 ms per prompt token before it writes anything, so the prompt carries the best few
sentences of the retrieved passages, not whole chunks. The sentences are embedded once here and reused by the
citation checker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa.answer.support import content_words
from qa.answer.types import Evidence, Source
from qa.index.embedder import Embedder
from qa.index.sentences import sentence_spans
from qa.index.tokens import count_tokens
from qa.types import Passage


@dataclass(frozen=True)
class EvidencePool:
    """Every sentence of the retrieved passages, embedded, and the numbered sources chosen from them."""

    sources: tuple[Source, ...]
    sentences: tuple[Evidence, ...]
    vectors: np.ndarray
    query_vector: np.ndarray

    def sentences_of(self, article_id: str) -> tuple[list[Evidence], np.ndarray]:
        """The pool's sentences of one article in text order, with their vectors."""
        rows = sorted(
            (row for row, sentence in enumerate(self.sentences) if sentence.article_id == article_id),
            key=lambda row: self.sentences[row].start,
        )
        return [self.sentences[row] for row in rows], self.vectors[rows]


class EvidenceSelector:
    """Scores each sentence of the retrieved passages against the question and keeps the best within a budget.

    >>> selector = EvidenceSelector(embedder, max_sentences=6, max_tokens=220)  # doctest: +SKIP
    >>> pool = selector.select("How many drones did Russia fire?", passages)  # doctest: +SKIP
    >>> pool.sources[0].evidence[0].text  # doctest: +SKIP
    'Russia launched 539 drones and 11 missiles overnight, ...'
    """

    def __init__(self, embedder: Embedder, max_sentences: int = 6, max_tokens: int = 220) -> None:
        if max_sentences < 1 or max_tokens < 1:
            raise ValueError(f"max_sentences={max_sentences} and max_tokens={max_tokens} must be positive")
        self.embedder = embedder
        self.max_sentences = max_sentences
        self.max_tokens = max_tokens

    def select(self, query: str, passages: Sequence[Passage]) -> EvidencePool:
        sentences, ranks = _sentences(passages)
        query_vector = self.embedder.embed_query(query)
        if not sentences:
            empty = np.zeros((0, query_vector.shape[0]), dtype=np.float32)
            return EvidencePool((), (), empty, query_vector)
        vectors = self.embedder.embed_documents([s.text for s in sentences])
        scores = _scores(query, query_vector, sentences, vectors, ranks, len(passages))
        scored = tuple(
            Evidence(s.article_id, s.start, s.end, s.text, float(score))
            for s, score in zip(sentences, scores, strict=True)
        )
        chosen = self._within_budget(scored, np.argsort(-scores, kind="stable"))
        return EvidencePool(_number_sources(chosen, passages), scored, vectors, query_vector)

    def _within_budget(self, sentences: tuple[Evidence, ...], order: np.ndarray) -> list[Evidence]:
        chosen: list[Evidence] = []
        used = 0
        for row in order:
            sentence = sentences[int(row)]
            cost = count_tokens(sentence.text) + 1
            if chosen and used + cost > self.max_tokens:
                continue
            chosen.append(sentence)
            used += cost
            if len(chosen) == self.max_sentences:
                break
        return chosen


def _sentences(passages: Sequence[Passage]) -> tuple[list[Evidence], list[int]]:
    """Sentences of each passage with article offsets; a sentence repeated by overlapping chunks appears once."""
    seen: set[tuple[str, int]] = set()
    sentences: list[Evidence] = []
    ranks: list[int] = []
    for rank, passage in enumerate(passages):
        base = passage.ref.start
        for start, end in sentence_spans(passage.text):
            key = (passage.article_id, base + start)
            if key in seen:
                continue
            seen.add(key)
            sentences.append(Evidence(passage.article_id, base + start, base + end, passage.text[start:end]))
            ranks.append(rank)
    return sentences, ranks


def _scores(
    query: str,
    query_vector: np.ndarray,
    sentences: Sequence[Evidence],
    vectors: np.ndarray,
    ranks: Sequence[int],
    passage_count: int,
) -> np.ndarray:
    """Cosine to the question, plus the share of the question's content words present, plus a small rank prior."""
    similarity = vectors @ query_vector
    query_words = content_words(query)
    overlap = np.array(
        [len(query_words & content_words(s.text)) / len(query_words) if query_words else 0.0 for s in sentences]
    )
    prior = np.array([0.1 * (1 - rank / max(passage_count, 1)) for rank in ranks])
    return np.asarray(similarity + 0.5 * overlap + prior, dtype=np.float64)


def _number_sources(chosen: Sequence[Evidence], passages: Sequence[Passage]) -> tuple[Source, ...]:
    """One source per article, numbered by its best sentence; its sentences kept in text order."""
    best_passage: dict[str, Passage] = {}
    for passage in passages:
        best_passage.setdefault(passage.article_id, passage)
    order: list[str] = []
    by_article: dict[str, list[Evidence]] = {}
    for sentence in chosen:
        if sentence.article_id not in by_article:
            order.append(sentence.article_id)
            by_article[sentence.article_id] = []
        by_article[sentence.article_id].append(sentence)
    return tuple(
        Source(
            number=number,
            ref=best_passage[article_id].ref,
            evidence=tuple(sorted(by_article[article_id], key=lambda e: e.start)),
            passage=best_passage[article_id],
        )
        for number, article_id in enumerate(order, start=1)
    )
