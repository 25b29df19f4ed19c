"""Chunks are token-budgeted runs of whole sentences with exact character offsets."""

from __future__ import annotations

from itertools import pairwise

import pytest

from qa.index.chunker import Chunker
from qa.index.sentences import sentence_spans, split_sentences
from qa.index.tokens import count_tokens
from tests.conftest import SEED_ARTICLE

TEXT = SEED_ARTICLE.read_text().split("\n", 1)[1]


@pytest.mark.parametrize(("budget", "overlap"), [(40, 0), (64, 16), (160, 32), (400, 64)])
def test_chunks_respect_the_budget_and_cover_every_sentence(budget: int, overlap: int) -> None:
    spans = Chunker(budget, overlap).split(TEXT)
    assert spans
    for span in spans:
        assert count_tokens(TEXT[span.start : span.end]) <= budget
    covered = {offset for s in spans for offset in range(s.start, s.end)}
    assert all(set(range(start, end)) <= covered for start, end in sentence_spans(TEXT))
    assert spans[0].start == 0 and spans[-1].end == len(TEXT.rstrip())
    assert [s.start for s in spans] == sorted(s.start for s in spans)


def test_overlap_repeats_trailing_sentences() -> None:
    spans = Chunker(64, 24).split(TEXT)
    overlapping = [b.start < a.end for a, b in pairwise(spans)]
    assert any(overlapping)
    without = Chunker(64, 0).split(TEXT)
    assert all(b.start >= a.end for a, b in pairwise(without))


def test_a_sentence_longer_than_the_budget_is_cut_at_token_boundaries() -> None:
    text = " ".join(f"word{n}" for n in range(1000))
    spans = Chunker(100, 10).split(text)
    assert len(spans) > 5
    assert all(count_tokens(text[s.start : s.end]) <= 100 for s in spans)
    assert "".join(text[s.start : s.end] for s in spans).replace(" ", "") == text.replace(" ", "")


def test_a_long_cjk_sentence_is_cut_between_characters_within_the_budget() -> None:
    text = "東京都は月曜日に新しい防災計画を発表し、" * 60
    spans = Chunker(50, 0).split(text)
    assert len(spans) > 3
    assert all(count_tokens(text[s.start : s.end]) <= 50 for s in spans)
    assert "".join(text[s.start : s.end] for s in spans) == text


def test_empty_text_has_no_chunks() -> None:
    assert Chunker(100, 10).split("") == []
    assert Chunker(100, 10).split("   \n  ") == []


def test_bad_budgets_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        Chunker(10, 10)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Mr. Smith met U.S. officials on Jan. 5. They agreed.",
            ["Mr. Smith met U.S. officials on Jan. 5.", "They agreed."],
        ),
        ("He said: “We won.” Then he left.", ["He said: “We won.”", "Then he left."]),
        ("John F. Kennedy spoke. Crowds cheered!", ["John F. Kennedy spoke.", "Crowds cheered!"]),
        (
            "A headline without a period\nThe body starts here.",
            ["A headline without a period", "The body starts here."],
        ),
        ("Prices rose 3.5 percent. Wages did not.", ["Prices rose 3.5 percent.", "Wages did not."]),
    ],
)
def test_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences
    assert [text[start:end] for start, end in sentence_spans(text)] == sentences
