"""The retriever: dense and BM25 candidates, filtered inside each search, fused, syndicated copies folded."""

from __future__ import annotations

import logging

from qa.config import QAConfig
from qa.index.embedder import Embedder
from qa.index.store import Snapshot, vectors_of
from qa.retrieval.dense import FlatScan, dense_search
from qa.retrieval.duplicates import fold_duplicates
from qa.retrieval.fusion import reciprocal_rank_fusion
from qa.retrieval.lexical import LexicalIndex
from qa.types import Passage, SearchFilters, SourceRef

log = logging.getLogger(__name__)


class Retriever:
    """Ranked passages for a question from one index snapshot.

    >>> retriever = Retriever(snapshot, embedder, QAConfig())  # doctest: +SKIP
    >>> retriever.search("How many drones did Russia fire?", k=3)[0].ref.title  # doctest: +SKIP
    'Russia launches biggest missile and drone attack on Kyiv since the start of the Ukraine war'
    """

    def __init__(self, snapshot: Snapshot, embedder: Embedder, config: QAConfig) -> None:
        self.snapshot = snapshot
        self.embedder = embedder
        self.config = config

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        mode: str | None = None,
    ) -> list[Passage]:
        k = k or self.config.top_k
        mode = mode or self.config.retrieval_mode
        query = query.strip()
        if not query or not self.snapshot.chunks:
            return []
        allowed = self._allowed_chunks(filters) if filters and filters.active else None
        limit = max(self.config.candidates, 4 * k)
        dense = lexical = []
        if mode in ("hybrid", "dense"):
            query_vector = self.embedder.embed_query(query)
            dense = dense_search(self.snapshot.vectors, query_vector, limit, allowed, self._scan)
        if mode in ("hybrid", "lexical"):
            lexical = self._lexical.search(query, limit, allowed)
        fused = mode == "hybrid"
        ranked = reciprocal_rank_fusion([dense, lexical], k=self.config.rrf_k) if fused else dense or lexical
        return self._passages(ranked, dict(dense), dict(lexical), k)

    @property
    def _scan(self) -> FlatScan:
        scan = self.snapshot.derived.get("flat_scan")
        if scan is None:
            scan = self.snapshot.derived["flat_scan"] = FlatScan(self.snapshot.vectors)
        return scan

    @property
    def _lexical(self) -> LexicalIndex:
        return self.snapshot.lexical

    def _allowed_chunks(self, filters: SearchFilters) -> set[int]:
        return {
            chunk_id for info in self.snapshot.articles.values() if filters.admits(info) for chunk_id in info.chunk_ids
        }

    def _passages(
        self, ranked: list[tuple[int, float]], dense: dict[int, float], lexical: dict[int, float], k: int
    ) -> list[Passage]:
        chunk_ids = [chunk_id for chunk_id, _ in ranked]
        chunks = [self.snapshot.chunks[cid] for cid in chunk_ids]
        groups = fold_duplicates(
            chunk_ids,
            [chunk.article_id for chunk in chunks],
            [chunk.text for chunk in chunks],
            vectors_of(self.snapshot.vectors, chunk_ids),
            self.config.duplicate_similarity,
            keep=k,
        )
        scores = dict(ranked)
        return [
            Passage(
                chunk_id=group.chunk_id,
                text=self.snapshot.chunk_text(group.chunk_id),
                score=scores[group.chunk_id],
                ref=self._ref(group.chunk_id),
                dense_score=dense.get(group.chunk_id),
                lexical_score=lexical.get(group.chunk_id),
                duplicates=tuple(self._ref(copy) for copy in group.copies),
            )
            for group in groups
        ]

    def _ref(self, chunk_id: int) -> SourceRef:
        chunk = self.snapshot.chunks[chunk_id]
        info = self.snapshot.articles[chunk.article_id]
        return SourceRef(
            article_id=info.id,
            title=info.title,
            source=info.source,
            start=chunk.start,
            end=chunk.end,
            url=info.url,
            published=info.published,
            outlet=info.outlet,
        )
