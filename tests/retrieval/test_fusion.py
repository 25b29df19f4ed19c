"""Reciprocal rank fusion against values computed by hand."""

from __future__ import annotations

import pytest

from qa.retrieval.fusion import reciprocal_rank_fusion


def test_scores_are_sums_of_reciprocal_ranks() -> None:
    fused = dict(reciprocal_rank_fusion([[(1, 0.9), (2, 0.8), (3, 0.1)], [(3, 20.0), (1, 5.0)]], k=60))
    assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[2] == pytest.approx(1 / 62)
    assert fused[3] == pytest.approx(1 / 63 + 1 / 61)


def test_order_is_by_fused_score_then_id() -> None:
    ranked = reciprocal_rank_fusion([[(5, 1.0), (4, 0.5)], [(4, 1.0), (5, 0.5)]], k=1)
    assert [cid for cid, _ in ranked] == [4, 5]  # tie (1/2 + 1/3 each) broken by id


def test_empty_rankings_fuse_to_nothing() -> None:
    assert reciprocal_rank_fusion([[], []]) == []
