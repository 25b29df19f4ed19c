"""The corpus as the page lists it, and example questions that the articles answer."""

from __future__ import annotations

from qa.answer.pool import AssistantPool
from qa.news_index import Index
from qa.ui.corpus import corpus_rows, corpus_summary, delete_choices, example_questions, outlet_choices


def test_rows_and_choices_describe_each_article(seed_index: Index) -> None:
    rows = corpus_rows(seed_index)
    info = seed_index.articles()[0]
    assert rows == [[info.title, "2025-07-04", "", len(info.chunk_ids), info.source, info.id]]
    assert delete_choices(seed_index) == [(f"{info.title} (2025-07-04, {info.id})", info.id)]
    assert outlet_choices(seed_index) == []
    assert corpus_summary(seed_index) == f"1 article, {len(seed_index)} passages, published 2025-07-04 to 2025-07-04"


def test_empty_index_lists_nothing(new_index) -> None:  # type: ignore[no-untyped-def]
    index = new_index()
    assert corpus_rows(index) == [] and example_questions(index) == []
    assert "empty" in corpus_summary(index)


def test_every_example_question_is_answered_from_the_articles(extractive_pool: AssistantPool) -> None:
    questions = example_questions(extractive_pool.index)
    assert questions
    for question in questions:
        answer = extractive_pool.get("extractive").ask(question)
        assert not answer.abstained and answer.verified_fraction == 1.0, question
