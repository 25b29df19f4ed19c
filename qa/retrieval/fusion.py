"""Reciprocal rank fusion: robust to the different scales of cosine and BM25 scores."""

from __future__ import annotations

from collections.abc import Sequence


def reciprocal_rank_fusion(rankings: Sequence[Sequence[tuple[int, float]]], k: int = 60) -> list[tuple[int, float]]:
    """Chunk ids by ``sum(1 / (k + rank))`` over the rankings they appear in (rank from 1), best first.

    >>> reciprocal_rank_fusion([[(7, 0.9), (8, 0.5)], [(8, 12.0)]], k=60)
    [(8, 0.03252247488101534), (7, 0.01639344262295082)]
    """
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, (chunk_id, _score) in enumerate(ranking, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (k + rank)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
