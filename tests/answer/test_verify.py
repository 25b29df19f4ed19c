"""Citations are checked against the source text, with exact offsets into the article."""

from __future__ import annotations

import pytest

from qa.answer.evidence import EvidencePool, EvidenceSelector
from qa.answer.verify import CitationChecker
from qa.index.embedder import Embedder
from qa.news_index import Index

QUESTION = "How many drones and missiles did Russia fire, and how many were shot down?"


@pytest.fixture(scope="module")
def pool(seed_index: Index, embedder: Embedder) -> EvidencePool:
    return EvidenceSelector(embedder, max_sentences=6, max_tokens=400).select(QUESTION, seed_index.search(QUESTION))


@pytest.fixture(scope="module")
def checker(embedder: Embedder, pool: EvidencePool) -> CitationChecker:
    return CitationChecker(embedder, pool, threshold=0.66, question=QUESTION)


def test_evidence_sentences_are_exact_spans_of_the_article(seed_index: Index, pool: EvidencePool) -> None:
    assert pool.sources and pool.sources[0].number == 1
    for source in pool.sources:
        text = seed_index.article_text(source.article_id)
        for sentence in source.evidence:
            assert text[sentence.start : sentence.end] == sentence.text


def test_a_supported_sentence_is_cited_with_the_quote_that_supports_it(
    seed_index: Index, checker: CitationChecker
) -> None:
    sentence = checker.check("Russia fired a total of 550 drones and missiles. [1]")
    assert sentence.verified and [c.number for c in sentence.citations] == [1]
    (quote,) = sentence.citations[0].quotes
    assert "550 drones and missiles" in quote.text
    assert seed_index.article_text(quote.article_id)[quote.start : quote.end] == quote.text


def test_a_sentence_without_markers_is_attributed_in_code(checker: CitationChecker) -> None:
    sentence = checker.check("Ukraine shot down 270 of the targets.")
    assert sentence.verified and sentence.citations[0].number == 1
    assert "270" in sentence.citations[0].quotes[0].text


def test_a_marker_pointing_at_no_source_is_dropped(checker: CitationChecker) -> None:
    sentence = checker.check("Russia fired 550 drones and missiles. [7]")
    assert sentence.verified and 7 in sentence.dropped_markers and [c.number for c in sentence.citations] == [1]


@pytest.mark.parametrize(
    ("claim", "problem"),
    [
        ("Russia fired 600 drones and missiles. [1]", "600"),  # the small models' typical error
        ("Russia fired 11 Shahed drones. [1]", "11"),  # a number from the source, counting something else
        ("Russia fired drones and missiles. [1]", "restates the question"),
        ("The mayor resigned after the attack and moved to Lviv. [1]", "no source supports it"),
    ],
)
def test_unsupported_sentences_are_flagged_not_cited(checker: CitationChecker, claim: str, problem: str) -> None:
    sentence = checker.check(claim)
    assert not sentence.verified and not sentence.citations
    assert sentence.problem and problem in sentence.problem
    assert sentence.rendered().endswith("[unverified]")
