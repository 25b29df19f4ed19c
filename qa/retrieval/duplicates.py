"""Fold syndicated copies: the same passage published by several outlets is shown once, its sources together."""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Group:
    """A kept candidate and the candidates of other articles that repeat it."""

    chunk_id: int
    article_id: str
    copies: list[int] = field(default_factory=list)


def fold_duplicates(
    chunk_ids: Sequence[int],
    article_ids: Sequence[str],
    texts: Sequence[str],
    vectors: np.ndarray,
    threshold: float,
    keep: int,
) -> list[Group]:
    """Walk candidates best first; one that repeats a kept candidate of another article (cosine at or above
    ``threshold``, or the same words) becomes its copy, else it is kept, until ``keep`` are kept. Later
    candidates still fold into kept ones, so every outlet carrying a shown passage is listed with it."""
    groups: list[Group] = []
    kept_rows: list[int] = []
    normalized: dict[int, str] = {}

    def same_words(a: int, b: int) -> bool:
        # Normalizing is the costly part: only texts of similar length can have the same words.
        if abs(len(texts[a]) - len(texts[b])) > 0.2 * max(len(texts[a]), len(texts[b])):
            return False
        for row in (a, b):
            if row not in normalized:
                normalized[row] = _normalize(texts[row])
        return normalized[a] == normalized[b]

    for row, chunk_id in enumerate(chunk_ids):
        match = None
        if kept_rows:
            similarity = vectors[kept_rows] @ vectors[row]
            for group_index, kept_row in enumerate(kept_rows):
                if groups[group_index].article_id == article_ids[row]:
                    continue
                if similarity[group_index] >= threshold or same_words(kept_row, row):
                    match = group_index
                    break
        if match is not None:
            groups[match].copies.append(chunk_id)
        elif len(groups) < keep:
            groups.append(Group(chunk_id, article_ids[row]))
            kept_rows.append(row)
    return groups


_PUNCTUATION = str.maketrans(dict.fromkeys(map(ord, string.punctuation + "“”‘’–—…«»"), " "))


def _normalize(text: str) -> str:
    return " ".join(text.casefold().translate(_PUNCTUATION).split())
