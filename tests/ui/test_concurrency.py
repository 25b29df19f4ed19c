"""Twenty browser sessions at once on loopback: each gets its own correct answer, and its own memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from qa.answer.assistant import Assistant
from qa.answer.conversation import Turn
from qa.answer.types import Answer
from qa.news_index import Index
from qa.ui import render
from qa.ui.app import ChatPage
from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.slow
SESSIONS = 20
FOLLOW_UP = "And how many people were injured?"


@pytest.fixture(scope="module")
def served(seed_index: Index) -> Iterator[str]:
    chat = ChatPage(seed_index, seed_index.config.replace(backend="extractive", ui_concurrency=4))
    port = free_port()
    blocks = chat.launch("127.0.0.1", port, block=False, warm=False)
    yield f"http://127.0.0.1:{port}/"
    blocks.close()
    chat.close()


def content(message: dict[str, Any]) -> str:
    value = message["content"]
    if isinstance(value, list):
        return "".join(part.get("text", "") for part in value)
    return str(value)


def shows(answer: Answer, html: str) -> bool:
    """The page shows this answer: its abstention, or each of its sentences."""
    if answer.abstained:
        return "qa-abstained" in html
    return "qa-abstained" not in html and all(render.text(s.text) in html for s in answer.sentences)


def test_twenty_concurrent_sessions_each_get_their_own_answer(served: str, seed_index: Index) -> None:
    from gradio_client import Client

    gold = [json.loads(line) for line in (ROOT / "gold" / "seeds.jsonl").read_text().splitlines() if line.strip()]
    questions = [row["question"] for row in gold][:SESSIONS]
    assert len(questions) == SESSIONS
    reference = Assistant(seed_index, seed_index.config.replace(backend="extractive"))
    expected = {q: reference.ask(q) for q in questions}
    expected_follow = {
        q: reference.ask(FOLLOW_UP, history=[Turn(q, a.text, a.search_query)]) for q, a in expected.items()
    }

    def session(question: str) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
        client = Client(served, verbose=False)
        settings = ("extractive", 5, "", "", [])
        _, first = client.predict(question, [], *settings, api_name="/ask")
        _, second = client.predict(FOLLOW_UP, first, *settings, api_name="/ask")
        return question, first, second

    with ThreadPoolExecutor(SESSIONS) as pool:
        results = list(pool.map(session, questions))

    assert len(results) == SESSIONS
    for question, first, second in results:
        assert len(first) == 2 and render.text(question) in content(first[0])
        assert shows(expected[question], content(first[1])), question
        assert len(second) == 4 and render.text(FOLLOW_UP) in content(second[2])
        assert shows(expected_follow[question], content(second[3])), question
        assert "qa-error" not in content(first[1]) + content(second[3])
    # The follow-ups were searched with each session's own first question, so they differ between sessions.
    assert len({expected_follow[q].search_query for q in questions}) == SESSIONS
