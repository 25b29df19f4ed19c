"""The assistant end to end on the real index with the extractive backend: cited answers, abstention, memory."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from qa.answer.assistant import NOT_IN_ARTICLES, Assistant
from qa.answer.conversation import Turn, is_follow_up, standalone_question
from qa.answer.types import AnswerReady, EvidenceReady, SentenceReady
from qa.config import QAConfig
from qa.news_index import Index
from qa.types import Article

EXTRACTIVE = QAConfig(backend="extractive")


def test_seed_question_gets_a_cited_answer_whose_quote_is_in_the_article(seed_index: Index) -> None:
    answer = Assistant(seed_index, EXTRACTIVE).ask("How many drones and missiles did Russia fire?")
    assert not answer.abstained and "550" in answer.text and "[1]" in answer.text
    assert answer.verified_fraction == 1.0
    quote = answer.sentences[0].citations[0].quotes[0]
    assert seed_index.article_text(quote.article_id)[quote.start : quote.end] == quote.text
    assert json.loads(json.dumps(answer.to_json()))["sentences"][0]["citations"][0]["quotes"][0]["start"] == quote.start


def test_the_stream_shows_evidence_first_and_the_answer_last(seed_index: Index) -> None:
    events = list(Assistant(seed_index, EXTRACTIVE).stream("How long did the assault last?"))
    assert isinstance(events[0], EvidenceReady) and events[0].sources
    assert isinstance(events[-1], AnswerReady)
    assert any(isinstance(event, SentenceReady) and event.sentence.verified for event in events)
    assert "seven hours" in events[-1].answer.text


def test_out_of_corpus_question_abstains_and_lists_the_closest_sources(seed_index: Index) -> None:
    answer = Assistant(seed_index, EXTRACTIVE).ask("Who won the football World Cup in 2022?")
    assert answer.abstained and answer.text == NOT_IN_ARTICLES
    assert answer.abstain_reason and answer.sources and not answer.sentences


def test_follow_up_is_searched_with_the_question_it_follows(seed_index: Index) -> None:
    assistant = Assistant(seed_index, EXTRACTIVE)
    first = assistant.ask("How many drones and missiles did Russia fire?")
    follow = assistant.ask("And how many were shot down?", history=[Turn(first.question, first.text)])
    assert follow.question == "And how many were shot down?"
    assert follow.search_query.startswith("How many drones and missiles did Russia fire?")
    assert "270" in follow.text


def test_follow_up_rules() -> None:
    assert is_follow_up("And how many were shot down?") and is_follow_up("What about Kharkiv?")
    assert is_follow_up("Why did they do it?")
    assert not is_follow_up("How many ambulances were damaged in the Kyiv attack?")
    history = [Turn("How many drones did Russia fire?")]
    assert standalone_question("Who is the mayor of Kyiv?", history).follows is None
    assert standalone_question("Who is the mayor of Kyiv?", []).search_query == "Who is the mayor of Kyiv?"


def test_relative_dates_become_filters(new_index: Callable[..., Index]) -> None:
    index = new_index()
    index.add_articles(
        [
            Article(
                id=f"bridge-{day}",
                title=f"Bridge report {day}",
                text=f"The river bridge was {state} on this day, the city engineers said in a statement.",
                source=f"bridge-{day}.txt",
                content_hash=str(day),
                published=dt.date(2026, 11, day),
            )
            for day, state in ((2, "closed for repairs"), (20, "reopened to traffic"))
        ]
    )
    assistant = Assistant(index, EXTRACTIVE, today=lambda: dt.date(2026, 11, 25))
    recent = assistant.ask("What happened to the river bridge last week?")
    assert "reopened" in recent.text and "closed" not in recent.text
    latest = assistant.ask("What is the latest news about the river bridge?")
    assert latest.sources[0].ref.published == dt.date(2026, 11, 20)


def test_the_configured_retrieval_mode_is_the_one_used(seed_index: Index) -> None:
    question = "How many missiles were part of the assault?"
    for mode in ("dense", "lexical"):
        config = seed_index.config.replace(backend="extractive", retrieval_mode=mode)
        passages = [source.passage for source in Assistant(seed_index, config).ask(question).sources]
        assert passages
        assert all((p.dense_score is None) == (mode == "lexical") for p in passages)
        assert all((p.lexical_score is None) == (mode == "dense") for p in passages)
