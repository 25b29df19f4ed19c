"""Every metric against numbers worked out by hand; the arithmetic is in the comment beside each expected value."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from qa.eval.metrics import (
    AbstentionScores,
    abstention_scores,
    average_precision,
    citation_precision,
    contains_answer,
    dedupe,
    exact_match,
    hits_at,
    latency_summary,
    mean,
    multihop_accuracy,
    ndcg_at,
    normalize_answer,
    percentile,
    recall_at,
    reciprocal_rank,
    token_f1,
)

# Passages of article "a" retrieved twice: deduplicated, the ranking is a, x, b, y, c (ranks 1-5).
RANKED = ["a", "x", "a", "b", "y", "c"]
RELEVANT = {"a", "b", "c", "d"}

RANKING_METRICS = [hits_at, recall_at, reciprocal_rank, average_precision, ndcg_at]


# ---------------------------------------------------------------------------------------------------------------
# Retrieval


def test_dedupe_keeps_first_positions() -> None:
    assert dedupe(RANKED) == ["a", "x", "b", "y", "c"]
    assert dedupe([]) == []


def test_hits_at() -> None:
    assert hits_at(RANKED, RELEVANT, 1) == 1.0  # rank 1 is "a", relevant
    assert hits_at(["x", "y", "a"], {"a"}, 2) == 0.0  # "a" is at rank 3, outside k = 2
    assert hits_at(["x", "x", "x", "a"], {"a"}, 2) == 1.0  # deduplicated: x, a, so "a" is rank 2


def test_recall_at() -> None:
    # top 3 = a, x, b: 2 of the 4 relevant = 0.5 (without dedupe, a, x, a would give 1/4)
    assert recall_at(RANKED, RELEVANT, 3) == pytest.approx(0.5)
    # top 10 = the whole list a, x, b, y, c: 3 of 4 = 0.75 ("d" is never retrieved)
    assert recall_at(RANKED, RELEVANT, 10) == pytest.approx(0.75)


def test_reciprocal_rank() -> None:
    # deduplicated x, a, b: "b" is rank 3, so 1/3 (counting the repeated "x" would put it at rank 4, 1/4)
    assert reciprocal_rank(["x", "a", "x", "b"], {"b"}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x", "a", "x", "b"], {"b"}, k=2) == 0.0  # rank 3 is outside k = 2
    assert reciprocal_rank(RANKED, RELEVANT) == 1.0  # "a" at rank 1: 1/1


def test_average_precision() -> None:
    # relevant at ranks 1, 3, 5: P@1 = 1/1, P@3 = 2/3, P@5 = 3/5
    # (1 + 2/3 + 3/5) / min(4, 10) = (15/15 + 10/15 + 9/15) / 4 = (34/15) / 4 = 17/30 = 0.56667
    assert average_precision(RANKED, RELEVANT) == pytest.approx(17 / 30)
    # k = 2: top a, x; P@1 = 1, divided by min(4, 2) = 2: 0.5
    assert average_precision(RANKED, RELEVANT, k=2) == pytest.approx(0.5)


def test_ndcg_at() -> None:
    # DCG: hits at ranks 1, 3, 5 = 1/log2(2) + 1/log2(4) + 1/log2(6) = 1 + 0.5 + 0.386853 = 1.886853
    # IDCG: min(4, 10) = 4 hits = 1 + 1/log2(3) + 1/log2(4) + 1/log2(5) = 1 + 0.630930 + 0.5 + 0.430677 = 2.561606
    # 1.886853 / 2.561606 = 0.736590
    assert ndcg_at(RANKED, RELEVANT) == pytest.approx(0.736590, abs=1e-6)
    # k = 2: DCG = 1 (a at rank 1); IDCG = 2 hits = 1 + 0.630930 = 1.630930; 1 / 1.630930 = 0.613147
    assert ndcg_at(RANKED, RELEVANT, k=2) == pytest.approx(0.613147, abs=1e-6)


def test_k_larger_than_the_list() -> None:
    ranked, relevant = ["x", "a"], {"a"}
    assert hits_at(ranked, relevant, 100) == 1.0
    assert recall_at(ranked, relevant, 100) == 1.0  # 1 of 1
    assert reciprocal_rank(ranked, relevant, k=100) == pytest.approx(0.5)  # rank 2: 1/2
    assert average_precision(ranked, relevant, k=100) == pytest.approx(0.5)  # P@2 = 1/2, / min(1, 100) = 1
    # DCG = 1/log2(3) = 0.630930; IDCG = min(1, 100) = 1 hit = 1/log2(2) = 1
    assert ndcg_at(ranked, relevant, k=100) == pytest.approx(0.630930, abs=1e-6)


def test_duplicates_never_push_a_score_above_one() -> None:
    # 50 passages of "a", then 50 of "b": deduplicated just a, b, both relevant, so every score is exactly 1
    ranked = ["a"] * 50 + ["b"] * 50
    for metric in RANKING_METRICS:
        assert metric(ranked, {"a", "b"}, 10) == pytest.approx(1.0), metric.__name__
    # interleaved repeats around irrelevant articles, against one, two or three relevant articles and several k
    ranked = ["a", "a", "x", "b", "a", "b", "y", "a", "b", "c", "c", "c"] * 5
    for relevant in ({"a"}, {"a", "b"}, {"b", "c", "d"}):
        for k in (1, 2, 3, 5, 10, 50):
            for metric in RANKING_METRICS:
                assert 0.0 <= metric(ranked, relevant, k) <= 1.0, (metric.__name__, relevant, k)


@pytest.mark.parametrize("metric", RANKING_METRICS, ids=lambda metric: metric.__name__)
def test_empty_ranking_and_no_relevant_articles_score_zero(metric: Callable[..., float]) -> None:
    assert metric([], RELEVANT, 10) == 0.0
    assert metric([], set(), 10) == 0.0
    assert metric(RANKED, set(), 10) == 0.0
    with pytest.raises(ValueError, match="k must be at least 1, got 0"):
        metric(RANKED, RELEVANT, 0)


# ---------------------------------------------------------------------------------------------------------------
# Answers


def test_normalize_answer() -> None:
    # lowercase; "." and the curly quotes and dash deleted; "the" dropped; "[1]" removed first
    assert normalize_answer("The U.S. “Federal Reserve” — raised rates [1].") == "us federal reserve raised rates"
    assert normalize_answer("[unverified: no source says so] An apple  [2, 3]") == "apple"
    assert normalize_answer("Kyiv's mayor [unverified]") == "kyivs mayor"
    # the articles go only as whole words: "theater" and "another" keep their letters
    assert normalize_answer("A theater, another one") == "theater another one"
    assert normalize_answer("") == ""


def test_exact_match() -> None:
    assert exact_match("The Eiffel Tower.", ["eiffel tower"]) == 1.0  # both normalize to "eiffel tower"
    assert exact_match("Eiffel Tower in Paris", ["Eiffel Tower"]) == 0.0
    assert exact_match("Paris [1]", ["Eiffel Tower", "paris"]) == 1.0  # best of the gold answers
    assert exact_match("Paris", []) == 0.0


def test_token_f1() -> None:
    # prediction eiffel, tower, in, paris (4 tokens); gold eiffel, tower (2); common 2
    # P = 2/4 = 0.5, R = 2/2 = 1, F1 = 2 * 0.5 * 1 / 1.5 = 2/3
    assert token_f1("the Eiffel Tower in Paris", ["Eiffel Tower"]) == pytest.approx(2 / 3)
    # against "Paris, France" alone: common 1 (paris), P = 1/4, R = 1/2, F1 = 2 * 1/8 / (3/4) = 1/3;
    # with both gold answers the better one counts: max(1/3, 2/3) = 2/3
    assert token_f1("the Eiffel Tower in Paris", ["Paris, France"]) == pytest.approx(1 / 3)
    assert token_f1("the Eiffel Tower in Paris", ["Paris, France", "Eiffel Tower"]) == pytest.approx(2 / 3)
    # repeated tokens count once per occurrence in the gold: common = min(3, 1) = 1
    # P = 1/3, R = 1/1, F1 = 2 * 1/3 / (4/3) = 0.5
    assert token_f1("rates rates rates", ["rates"]) == pytest.approx(0.5)
    assert token_f1("Paris", ["London"]) == 0.0
    assert token_f1("Paris", []) == 0.0
    # SQuAD's convention for answers that normalize to nothing: empty vs empty agree, empty vs words do not
    assert token_f1("The", ["a"]) == 1.0
    assert token_f1("The", ["Paris"]) == 0.0


def test_contains_answer_whole_tokens() -> None:
    assert contains_answer("The Federal Reserve raised rates [1].", ["federal reserve"]) == 1.0
    assert contains_answer("It cost 11 dollars.", ["11"]) == 1.0
    assert contains_answer("It cost 110 dollars.", ["11"]) == 0.0  # "11" is not a token of "110"
    assert contains_answer("Reserve Federal", ["Federal Reserve"]) == 0.0  # the tokens must be in order
    assert contains_answer("Anything", []) == 0.0
    assert contains_answer("the end", ["The"]) == 0.0  # an answer that normalizes to nothing never matches


def test_contains_answer_number_words() -> None:
    assert contains_answer("Three people were hurt.", ["3"]) == 1.0
    assert contains_answer("3 people were hurt.", ["three"]) == 1.0
    assert contains_answer("Twenty drones were shot down.", ["20 drones"]) == 1.0
    assert contains_answer("Zero casualties", ["0"]) == 1.0
    assert contains_answer("Three people were hurt.", ["4"]) == 0.0
    assert contains_answer("Twenty-one drones", ["21"]) == 0.0  # only 0-20 are spelled out


def test_multihop_accuracy() -> None:
    assert multihop_accuracy("The answer is Google [1].", "Google") == 1.0
    assert multihop_accuracy("Alphabet", "Google") == 0.0
    # plain substring of the normalized strings, as the paper describes it
    assert multihop_accuracy("Several Teslas", "Tesla") == 1.0
    assert multihop_accuracy("Insufficient information.", "") == 0.0


def test_multihop_accuracy_yes_no_uses_the_first_yes_or_no_word() -> None:
    assert multihop_accuracy("No, it did not.", "No") == 1.0
    assert multihop_accuracy("yes", "Yes") == 1.0
    # first yes/no word is "yes", though "no" comes later
    assert multihop_accuracy("Yes. There is no evidence against it.", "No") == 0.0
    # "not" and "know" contain "no" as a substring, but no word is "no" or "yes"
    assert multihop_accuracy("I do not know.", "No") == 0.0
    assert multihop_accuracy("Maybe.", "Yes") == 0.0


# ---------------------------------------------------------------------------------------------------------------
# Abstention and citations


def test_abstention_scores() -> None:
    abstained = [True, True, False, False, True, True]
    answerable = [False, True, False, True, False, True]
    # abstentions at 0, 1, 4, 5 = 4; unanswerable at 0, 2, 4 = 3; abstained on unanswerable at 0, 4 = 2
    # P = 2/4 = 0.5, R = 2/3, F1 = 2 * (1/2)(2/3) / (1/2 + 2/3) = (2/3) / (7/6) = 4/7
    scores = abstention_scores(abstained, answerable)
    assert (scores.abstained, scores.unanswerable, scores.correct) == (4, 3, 2)
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(2 / 3)
    assert scores.f1 == pytest.approx(4 / 7)


def test_abstention_scores_edge_cases() -> None:
    # never abstained: precision is 0.0 by definition, recall 0/1 = 0
    assert abstention_scores([False, False], [False, True]) == AbstentionScores(0.0, 0.0, 0.0, 0, 1, 0)
    # abstained only on answerable questions, and none was unanswerable: 0/1 and no unanswerable ones
    assert abstention_scores([True, False], [True, True]) == AbstentionScores(0.0, 0.0, 0.0, 1, 0, 0)
    # perfect: the one unanswerable question is the one abstention
    assert abstention_scores([True, False], [False, True]) == AbstentionScores(1.0, 1.0, 1.0, 1, 1, 1)
    assert abstention_scores([], []) == AbstentionScores(0.0, 0.0, 0.0, 0, 0, 0)
    with pytest.raises(ValueError, match="got 2 and 1"):
        abstention_scores([True, False], [True])


def test_citation_precision() -> None:
    # distinct cited a, b, c; only "a" is gold: 1/3 (without dedupe, a, b, a, c would give 2/4)
    assert citation_precision(["a", "b", "a", "c"], {"a", "d"}) == pytest.approx(1 / 3)
    assert citation_precision(["a", "d"], {"a", "d"}) == 1.0
    assert citation_precision(["x"], set()) == 0.0
    assert citation_precision([], {"a"}) is None


# ---------------------------------------------------------------------------------------------------------------
# Latency and aggregation


def test_percentile_interpolates_like_numpy() -> None:
    values = [50.0, 15.0, 40.0, 20.0, 35.0]  # sorted: 15, 20, 35, 40, 50 (positions 0-4)
    assert percentile(values, 0) == 15.0
    assert percentile(values, 40) == pytest.approx(29.0)  # position 4 * 0.40 = 1.6: 20 + (35 - 20) * 0.6 = 29
    assert percentile(values, 50) == pytest.approx(35.0)  # position 4 * 0.50 = 2: exactly 35
    assert percentile(values, 95) == pytest.approx(48.0)  # position 4 * 0.95 = 3.8: 40 + (50 - 40) * 0.8 = 48
    assert percentile(values, 100) == 50.0
    assert percentile([7.0], 95) == 7.0


def test_percentile_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
    with pytest.raises(ValueError, match="got 101"):
        percentile([1.0], 101)
    with pytest.raises(ValueError, match="got -1"):
        percentile([1.0], -1)


def test_latency_summary() -> None:
    # sorted 1, 2, 3, 10; p50: position 3 * 0.5 = 1.5: 2 + (3 - 2) * 0.5 = 2.5
    # p95: position 3 * 0.95 = 2.85: 3 + (10 - 3) * 0.85 = 8.95; mean 16 / 4 = 4; max 10
    summary = latency_summary([3.0, 1.0, 10.0, 2.0])
    assert summary == {
        "p50": pytest.approx(2.5),
        "p95": pytest.approx(8.95),
        "mean": pytest.approx(4.0),
        "max": 10.0,
    }
    assert latency_summary([]) == {}


def test_mean_skips_none() -> None:
    assert mean([1.0, None, 0.0, 0.5]) == pytest.approx(0.5)  # (1 + 0 + 0.5) / 3
    assert mean(score for score in (None, 0.25)) == pytest.approx(0.25)
    assert mean([None, None]) is None
    assert mean([]) is None
