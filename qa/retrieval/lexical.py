"""BM25 over chunk texts (bm25s, English stop words, Snowball stemming), with filters applied inside scoring."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import bm25s

_IDS_FILE = "chunk_ids.json"


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _bm25s() -> Any:
    import logging

    import bm25s

    # bm25s sets its logger to DEBUG on import; the application decides what to show.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def tokenize(texts: Sequence[str], *, as_ids: bool) -> Any:
    bm25s = _bm25s()

    return bm25s.tokenize(list(texts), stopwords="en", stemmer=_stemmer(), return_ids=as_ids, show_progress=False)


class LexicalIndex:
    """BM25 rows map to chunk ids through ``chunk_ids`` (row ``i`` is chunk ``chunk_ids[i]``)."""

    def __init__(self, model: bm25s.BM25 | None, chunk_ids: list[int]) -> None:
        self.model = model
        self.chunk_ids = chunk_ids
        self._row_of = {cid: row for row, cid in enumerate(chunk_ids)}

    @classmethod
    def build(cls, chunk_ids: list[int], texts: Sequence[str]) -> LexicalIndex:
        if not chunk_ids:
            return cls(None, [])
        model = _bm25s().BM25()
        model.index(tokenize(texts, as_ids=True), show_progress=False)
        return cls(model, list(chunk_ids))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / _IDS_FILE).write_text(json.dumps(self.chunk_ids))
        if self.model is not None:
            self.model.save(str(folder))

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        chunk_ids = json.loads((folder / _IDS_FILE).read_text())
        if not chunk_ids:
            return cls(None, [])
        return cls(_bm25s().BM25.load(str(folder)), chunk_ids)

    def search(self, query: str, limit: int, allowed: Collection[int] | None = None) -> list[tuple[int, float]]:
        """Best ``limit`` chunks with a positive BM25 score; ``allowed`` restricts to those chunk ids."""
        if self.model is None or limit <= 0:
            return []
        mask = None
        if allowed is not None:
            mask = np.zeros(len(self.chunk_ids), dtype=np.float32)
            rows = [self._row_of[cid] for cid in allowed if cid in self._row_of]
            if not rows:
                return []
            mask[rows] = 1.0
        query_tokens = tokenize([query], as_ids=False)
        if not query_tokens[0]:
            return []
        rows_found, scores = self.model.retrieve(
            # n_threads=0: in the calling thread (any other value starts a thread pool per query).
            query_tokens,
            k=min(limit, len(self.chunk_ids)),
            show_progress=False,
            weight_mask=mask,
            n_threads=0,
        )
        return [
            (self.chunk_ids[int(row)], float(score))
            for row, score in zip(rows_found[0], scores[0], strict=True)
            if score > 0
        ]
