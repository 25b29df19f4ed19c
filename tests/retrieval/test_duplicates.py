"""Folding syndicated copies: by vector similarity or identical words, never within one article."""

from __future__ import annotations

import numpy as np

from qa.retrieval.duplicates import fold_duplicates


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_near_identical_passages_of_other_articles_fold_into_the_first() -> None:
    vectors = np.vstack([unit(1, 0, 0), unit(0.99, 0.05, 0), unit(0, 1, 0), unit(1, 0.01, 0)])
    groups = fold_duplicates([10, 11, 12, 13], ["a", "b", "c", "d"], ["w", "x", "y", "z"], vectors, 0.95, keep=2)
    assert [(g.chunk_id, g.copies) for g in groups] == [(10, [11, 13]), (12, [])]


def test_same_article_passages_are_never_folded() -> None:
    vectors = np.vstack([unit(1, 0), unit(1, 0)])
    groups = fold_duplicates([1, 2], ["a", "a"], ["same", "same"], vectors, 0.9, keep=5)
    assert [g.chunk_id for g in groups] == [1, 2]


def test_identical_words_fold_even_when_vectors_differ() -> None:
    vectors = np.vstack([unit(1, 0), unit(0, 1)])
    texts = ["Kyiv, July 4 - Russia fired 550 drones.", "KYIV July 4: Russia fired 550 drones"]
    groups = fold_duplicates([1, 2], ["a", "b"], texts, vectors, 0.99, keep=5)
    assert [(g.chunk_id, g.copies) for g in groups] == [(1, [2])]


def test_keep_limits_groups_but_later_copies_still_fold() -> None:
    vectors = np.vstack([unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1), unit(0, 1, 0.01)])
    groups = fold_duplicates([1, 2, 3, 4], ["a", "b", "c", "d"], ["p", "q", "r", "s"], vectors, 0.95, keep=2)
    assert [(g.chunk_id, g.copies) for g in groups] == [(1, []), (2, [4])]
