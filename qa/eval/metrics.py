"""Scores for one question at a time: retrieval, answers, abstention, citations and latency.

Pure functions over plain values (stdlib only), so each number in a report can be recomputed by hand.

Conventions:

- **Retrieval is scored per article.** ``ranked`` holds article ids in the order they were retrieved. Several
  passages of one article yield the same id several times; an id counts once, at its first position
  (:func:`dedupe`), so no retrieval score can exceed 1.0. ``relevant`` is the set of gold article ids.
  Ranks are 1-based, ``k`` cuts the deduplicated list, and a ``k`` longer than the list just takes all of it.
- **Empty inputs score 0.0**, not an error: an empty ranked list, no relevant articles, no gold answers. The one
  exception is :func:`citation_precision`, which returns ``None`` when nothing was cited (no citations is not a
  wrong citation); :func:`mean` skips ``None`` so such questions drop out of the average rather than count as 0.
- **Answers are compared after SQuAD normalization** (:func:`normalize_answer`): lowercase, punctuation removed
  (ASCII and Unicode, e.g. curly quotes and dashes), articles dropped, whitespace collapsed. Our own citation
  markers ("[1]", "[2, 3]", "[unverified]") are removed first, so they never count as answer words.
- **Several gold answers:** the best-matching one counts (max over answers), as in SQuAD.
- **Percentiles** interpolate linearly between the closest ranks, like ``numpy.percentile``'s default.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# ---------------------------------------------------------------------------------------------------------------
# Retrieval


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")


def dedupe(ranked: Sequence[str]) -> list[str]:
    """The ranked article ids with repeats removed, each kept at its first position."""
    return list(dict.fromkeys(ranked))


def hits_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """1.0 if any relevant article is among the first ``k`` distinct articles retrieved, else 0.0."""
    _check_k(k)
    return 1.0 if any(article_id in relevant for article_id in dedupe(ranked)[:k]) else 0.0


def recall_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Share of the relevant articles found among the first ``k`` distinct articles; 0.0 when none are relevant."""
    _check_k(k)
    if not relevant:
        return 0.0
    return len(relevant.intersection(dedupe(ranked)[:k])) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """1 / rank of the first relevant article within the first ``k`` distinct articles, else 0.0."""
    _check_k(k)
    for rank, article_id in enumerate(dedupe(ranked)[:k], start=1):
        if article_id in relevant:
            return 1.0 / rank
    return 0.0


def average_precision(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """AP@k: the sum of precision@i over the relevant ranks i ≤ k, divided by ``min(len(relevant), k)``.

    Dividing by ``min(|relevant|, k)`` rather than ``|relevant|`` gives 1.0 to a list that fills all ``k`` places
    with relevant articles even when more exist. 0.0 when nothing is relevant.
    """
    _check_k(k)
    if not relevant:
        return 0.0
    found = 0
    total = 0.0
    for rank, article_id in enumerate(dedupe(ranked)[:k], start=1):
        if article_id in relevant:
            found += 1
            total += found / rank
    return total / min(len(relevant), k)


def ndcg_at(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """nDCG@k with binary gains: DCG = Σ rel_i / log2(i + 1), over an ideal list of ``min(|relevant|, k)`` hits."""
    _check_k(k)
    if not relevant:
        return 0.0
    dcg = sum(
        1.0 / math.log2(rank + 1)
        for rank, article_id in enumerate(dedupe(ranked)[:k], start=1)
        if article_id in relevant
    )
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return dcg / ideal


# ---------------------------------------------------------------------------------------------------------------
# Answers

# The markers our answers carry: "[1]", "[1, 2]", "[1; 2]", "[unverified]" and "[unverified: reason]".
_CITATION_MARKER = re.compile(r"\[(?:\d+(?:\s*[,;]\s*\d+)*|unverified(?::[^\]]*)?)\]", re.IGNORECASE)
_ARTICLES = re.compile(r"\b(?:a|an|the)\b")
_NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
)  # fmt: skip
_WORD_TO_DIGITS = {word: str(value) for value, word in enumerate(_NUMBER_WORDS)}


def _is_punctuation(char: str) -> bool:
    # string.punctuation covers ASCII (as SQuAD's script does); the Unicode "P*" categories add curly quotes,
    # dashes, ellipses and the like, which news text is full of.
    return char in string.punctuation or unicodedata.category(char).startswith("P")


def normalize_answer(text: str) -> str:
    """SQuAD's answer normalization, after removing our citation markers.

    Punctuation is deleted, not replaced by a space (as in SQuAD's script), so "U.S." becomes "us" in both
    prediction and gold answer.
    """
    text = _CITATION_MARKER.sub(" ", text).lower()
    text = "".join(char for char in text if not _is_punctuation(char))
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match(prediction: str, answers: Sequence[str]) -> float:
    """1.0 if the normalized prediction equals any normalized gold answer; 0.0 when there are no answers."""
    predicted = normalize_answer(prediction)
    return max((1.0 if predicted == normalize_answer(answer) else 0.0 for answer in answers), default=0.0)


def _token_f1(prediction_tokens: list[str], answer_tokens: list[str]) -> float:
    if not prediction_tokens or not answer_tokens:
        # SQuAD's convention: two empty answers agree; one empty against a non-empty one scores 0.
        return 1.0 if prediction_tokens == answer_tokens else 0.0
    common = sum((Counter(prediction_tokens) & Counter(answer_tokens)).values())
    if common == 0:
        return 0.0
    precision = common / len(prediction_tokens)
    recall = common / len(answer_tokens)
    return 2 * precision * recall / (precision + recall)


def token_f1(prediction: str, answers: Sequence[str]) -> float:
    """SQuAD's token-overlap F1 against the best-matching gold answer; 0.0 when there are no answers."""
    predicted = normalize_answer(prediction).split()
    return max((_token_f1(predicted, normalize_answer(answer).split()) for answer in answers), default=0.0)


def _canonical_tokens(text: str) -> list[str]:
    # Number words 0–20 become digits on both sides, so "one" matches "1" and "1" matches "one".
    return [_WORD_TO_DIGITS.get(token, token) for token in normalize_answer(text).split()]


def _contains_sequence(tokens: list[str], needle: list[str]) -> bool:
    width = len(needle)
    return any(tokens[start : start + width] == needle for start in range(len(tokens) - width + 1))


def contains_answer(prediction: str, answers: Sequence[str]) -> float:
    """1.0 if any gold answer appears in the prediction as whole tokens (so "11" is not found in "110").

    Both sides are normalized, and number words zero to twenty count as their digits ("one" = "1"). An answer
    that normalizes to nothing (e.g. just "the") never matches.
    """
    predicted = _canonical_tokens(prediction)
    for answer in answers:
        needle = _canonical_tokens(answer)
        if needle and _contains_sequence(predicted, needle):
            return 1.0
    return 0.0


def multihop_accuracy(prediction: str, answer: str) -> float:
    """MultiHop-RAG's answer accuracy: 1.0 if the gold answer appears in the response, else 0.0.

    Following the paper's description, the normalized gold answer must occur as a substring of the normalized
    prediction. For a "Yes"/"No" gold answer, substring search would find "no" in "not" or "know", so the first
    "yes" or "no" word of the prediction decides instead (no such word scores 0.0).

    The benchmark's released ``qa_evaluate.py`` is laxer: after pulling out ``The answer to the question is
    "..."`` it counts a response as correct when it shares any whitespace-separated word with the gold answer.
    Numbers from this function are therefore not directly comparable to numbers from that script.
    """
    gold = normalize_answer(answer)
    predicted = normalize_answer(prediction)
    if not gold:
        return 0.0
    if gold in ("yes", "no"):
        first = next((token for token in predicted.split() if token in ("yes", "no")), None)
        return 1.0 if first == gold else 0.0
    return 1.0 if gold in predicted else 0.0


# ---------------------------------------------------------------------------------------------------------------
# Abstention and citations


@dataclass(frozen=True)
class AbstentionScores:
    """How well the system declined exactly the questions it should have (positive class: "abstained").

    ``abstained`` counts all abstentions, ``unanswerable`` the questions with no answer in the corpus, and
    ``correct`` the abstentions on those questions.
    """

    precision: float
    recall: float
    f1: float
    abstained: int
    unanswerable: int
    correct: int


def abstention_scores(abstained: Sequence[bool], answerable: Sequence[bool]) -> AbstentionScores:
    """Precision, recall and F1 of abstaining, question by question.

    precision = correct / abstentions, and is 0.0 (not 1.0) when the system never abstained: a system that never
    declines earns no credit for declining well. recall = correct / unanswerable, 0.0 when every question was
    answerable. F1 is their harmonic mean, 0.0 when both are 0.
    """
    if len(abstained) != len(answerable):
        raise ValueError(
            f"abstained and answerable must have one entry per question, got {len(abstained)} and {len(answerable)}"
        )
    abstentions = sum(abstained)
    unanswerable = sum(not is_answerable for is_answerable in answerable)
    correct = sum(did and not is_answerable for did, is_answerable in zip(abstained, answerable, strict=True))
    precision = correct / abstentions if abstentions else 0.0
    recall = correct / unanswerable if unanswerable else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return AbstentionScores(
        precision=precision,
        recall=recall,
        f1=f1,
        abstained=abstentions,
        unanswerable=unanswerable,
        correct=correct,
    )


def citation_precision(cited_article_ids: Sequence[str], gold_article_ids: set[str]) -> float | None:
    """Share of the distinct cited articles that are gold evidence; ``None`` when nothing was cited."""
    cited = dedupe(cited_article_ids)
    if not cited:
        return None
    return sum(article_id in gold_article_ids for article_id in cited) / len(cited)


# ---------------------------------------------------------------------------------------------------------------
# Latency and aggregation


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (q in [0, 100]) with linear interpolation, as ``numpy.percentile`` does by default."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"q must be between 0 and 100, got {q}")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def latency_summary(values: Sequence[float]) -> dict[str, float]:
    """p50, p95, mean and max of some latencies (any unit); an empty dict when there are none."""
    if not values:
        return {}
    return {
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "mean": sum(values) / len(values),
        "max": max(values),
    }


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the values that are not ``None``; ``None`` when there are none."""
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None
