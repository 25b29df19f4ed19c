"""Nearest chunks by cosine similarity in FAISS, with filters applied as an id selector inside the search."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import faiss


def dense_search(
    index: faiss.IndexIDMap2, query: np.ndarray, limit: int, allowed: Collection[int] | None = None
) -> list[tuple[int, float]]:
    """Best ``limit`` chunk ids with their cosine similarity; ``allowed`` restricts to those chunk ids."""
    import faiss

    if index.ntotal == 0 or limit <= 0:
        return []
    params = None
    if allowed is not None:
        if not allowed:
            return []
        selector = faiss.IDSelectorBatch(np.fromiter(allowed, dtype=np.int64))
        params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]  # SWIG keyword the stubs omit
    scores, ids = index.search(query.reshape(1, -1).astype(np.float32), min(limit, index.ntotal), params=params)
    return [(int(cid), float(score)) for cid, score in zip(ids[0], scores[0], strict=True) if cid >= 0]
