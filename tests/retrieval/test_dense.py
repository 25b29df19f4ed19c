"""The flat scan returns exactly what FAISS's own exhaustive search returns, at small and large sizes."""

from __future__ import annotations

import numpy as np
import pytest

from qa.index.store import new_vector_index
from qa.retrieval.dense import COARSE_FROM, FlatScan, dense_search


def _index(count: int, seed: int = 3) -> tuple[object, np.ndarray]:
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(count, 64)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = new_vector_index(64)
    index.add_with_ids(vectors, np.arange(count, dtype=np.int64) * 7 + 1)  # ids unlike row numbers
    return index, vectors


@pytest.mark.parametrize("count", [5, 500, COARSE_FROM + 1000])
def test_scan_matches_faiss_exhaustive_search(count: int) -> None:
    index, vectors = _index(count)
    scan = FlatScan(index)  # type: ignore[arg-type]
    assert (scan.coarse is not None) == (count >= COARSE_FROM)
    rng = np.random.default_rng(11)
    for _ in range(20):
        query = vectors[rng.integers(count)] + rng.normal(0, 0.5, 64).astype(np.float32)
        query /= np.linalg.norm(query)
        limit = min(60, count)
        scores, ids = index.search(query.reshape(1, -1), limit)  # type: ignore[attr-defined]
        found = scan.search(query, limit)
        assert [cid for cid, _ in found] == ids[0].tolist()
        assert np.allclose([score for _, score in found], scores[0], atol=1e-5)


def test_filtered_search_only_returns_allowed_ids() -> None:
    index, vectors = _index(300)
    allowed = {8, 15, 22, 701}
    found = dense_search(index, vectors[0], 10, allowed)  # type: ignore[arg-type]
    assert {cid for cid, _ in found} == allowed
    assert dense_search(index, vectors[0], 10, set()) == []  # type: ignore[arg-type]
