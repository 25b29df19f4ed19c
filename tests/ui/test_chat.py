"""The answer stream as chat messages, per-tab memory, citation links opening the right article."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qa.answer.backends.openai_compatible import ChatBackend
from qa.answer.local_server import LocalServer
from qa.answer.pool import AssistantPool
from qa.errors import QAError
from qa.index.embedder import Embedder
from qa.news_index import Index
from qa.ui.chat import ChatSession, ChatSettings, respond, source_panel

DRONES = "How many drones and missiles did Russia fire in the attack on Kyiv?"


def final(messages_stream: object) -> list[dict]:
    *_, last = messages_stream  # type: ignore[misc]
    return last


def test_settings_are_checked_and_name_the_bad_field() -> None:
    settings = ChatSettings.parse("hosted", 3, "2025-07-01", "", ["Reuters"])
    assert settings.backend == "openai" and settings.k == 3
    assert settings.filters.since == dt.date(2025, 7, 1) and settings.filters.outlets == ("Reuters",)
    with pytest.raises(QAError, match="Since date 'July 1' is not a date"):
        ChatSettings.parse("local", 5, "July 1", "", [])
    with pytest.raises(QAError, match="is after Until"):
        ChatSettings.parse("local", 5, "2025-07-05", "2025-07-01", [])
    with pytest.raises(QAError, match="not offered"):
        ChatSettings.parse("gpt-9", 5, "", "", [])


def test_answer_streams_evidence_then_a_cited_answer(extractive_pool: AssistantPool) -> None:
    session = ChatSession()
    steps = [list(m) for m in respond(extractive_pool, DRONES, [], session, ChatSettings("extractive"))]
    assert steps[0][-1]["content"].startswith('<div class="qa-answer qa-streaming">')
    assert "Searching" in steps[0][-1]["content"]
    assert any("Found" in step[-1]["content"] and "#qa-source-0-1" in step[-1]["content"] for step in steps[1:-1])
    last = steps[-1]
    assert [m["role"] for m in last] == ["user", "assistant"]
    assert DRONES in last[0]["content"]
    assert "550" in last[1]["content"] and "#qa-cite-0-1-" in last[1]["content"]
    assert len(session.answers) == 1 and session.message_answers == {1: 0}
    assert session.turns[0].question == DRONES


def test_follow_up_uses_this_tabs_history_only(extractive_pool: AssistantPool) -> None:
    first, other = ChatSession(), ChatSession()
    messages = final(respond(extractive_pool, DRONES, [], first, ChatSettings("extractive")))
    final(respond(extractive_pool, "And how many were shot down?", messages, first, ChatSettings("extractive")))
    final(respond(extractive_pool, "And how many were shot down?", [], other, ChatSettings("extractive")))
    assert "Kyiv" in first.answers[1].search_query  # searched together with the question it follows
    assert other.answers[0].search_query == "And how many were shot down?"


def test_citation_link_opens_the_article_at_the_supporting_sentence(extractive_pool: AssistantPool) -> None:
    session = ChatSession()
    final(respond(extractive_pool, DRONES, [], session, ChatSettings("extractive")))
    answer = session.answers[0]
    position, sentence = next((i, s) for i, s in enumerate(answer.sentences) if s.verified)
    number = sentence.citations[0].number
    html = source_panel(extractive_pool.index, session, f"#qa-cite-0-{number}-{position}")
    quote = sentence.citations[0].quotes[0]
    assert 'id="qa-first-support">' in html
    marked = html.split('id="qa-first-support">', 1)[1].split("</mark>", 1)[0]
    assert marked and marked in quote.text
    assert "Cited for:" in html


def test_stale_or_unknown_links_explain_themselves(extractive_pool: AssistantPool) -> None:
    session = ChatSession()
    assert "cleared conversation" in source_panel(extractive_pool.index, session, "qa-cite-4-1-0")
    assert "unknown source link" in source_panel(extractive_pool.index, session, "javascript:alert(1)")
    final(respond(extractive_pool, DRONES, [], session, ChatSettings("extractive")))
    assert "has no source [9]" in source_panel(extractive_pool.index, session, "qa-source-0-9")


def test_deleted_article_still_shows_the_quoted_evidence(writable_index: Index) -> None:
    pool = AssistantPool(writable_index, writable_index.config)
    session = ChatSession()
    final(respond(pool, DRONES, [], session, ChatSettings("extractive")))
    writable_index.delete([session.answers[0].sources[0].article_id])
    html = source_panel(writable_index, session, "qa-source-0-1")
    assert "no longer in the index" in html and "550" in html


def test_an_unanswerable_question_is_shown_as_not_in_the_articles(extractive_pool: AssistantPool) -> None:
    question = "What is the recipe for sourdough bread?"
    messages = final(respond(extractive_pool, question, [], ChatSession(), ChatSettings("extractive")))
    assert "qa-abstained" in messages[-1]["content"] and "Not in the articles" in messages[-1]["content"]


def test_missing_index_is_an_error_message_not_a_traceback(tmp_path: Path, embedder: Embedder) -> None:
    index = Index(tmp_path / "none", embedder=embedder)
    pool = AssistantPool(index, index.config.replace(backend="extractive"))
    messages = final(respond(pool, DRONES, [], ChatSession(), ChatSettings("extractive")))
    assert "qa-error" in messages[-1]["content"] and "no index" in messages[-1]["content"]


@pytest.mark.slow
def test_local_model_streams_text_before_the_checked_answer(seed_index: Index, smollm_server: LocalServer) -> None:
    backend = ChatBackend(smollm_server.base_url, model=None, timeout=60, name="local")
    pool = AssistantPool(seed_index, seed_index.config, backends={"local": backend})
    session = ChatSession()
    steps = [m[-1]["content"] for m in respond(pool, DRONES, [], session, ChatSettings("local"))]
    pool.close()
    streaming = [s for s in steps if "qa-streaming" in s]
    assert any("Found" in s for s in streaming)
    assert any("qa-pending" in s or "qa-sentence" in s for s in streaming)  # text shown as it is generated
    assert "qa-streaming" not in steps[-1]
    answer = session.answers[0]
    assert answer.backend == "local" and answer.draft
    assert ("qa-abstained" in steps[-1]) == answer.abstained
