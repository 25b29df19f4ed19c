"""Thumbs up/down: one JSON line per rating, beside the index, with the question, answer and sources."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from qa.answer.pool import AssistantPool
from qa.ui.chat import ChatSession, ChatSettings, respond
from qa.ui.feedback import FeedbackLog, feedback_path


def test_feedback_lives_beside_the_index_not_inside_it() -> None:
    assert feedback_path(Path("/data/index")) == Path("/data/index.feedback.jsonl")


def test_ratings_are_stored_with_question_answer_and_sources(extractive_pool: AssistantPool, tmp_path: Path) -> None:
    session = ChatSession()
    question = "How many missiles were part of the assault?"
    for _ in respond(extractive_pool, question, [], session, ChatSettings("extractive")):
        pass
    answer = session.answers[0]
    log = FeedbackLog(tmp_path / "index.feedback.jsonl")
    threads = [threading.Thread(target=log.record, args=("up" if i % 2 else "down", answer)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = log.rows()
    assert len(rows) == 20 and sorted({row["rating"] for row in rows}) == ["down", "up"]
    row = rows[0]
    assert row["question"] == "How many missiles were part of the assault?"
    assert row["answer"] == answer.text and row["backend"] == "extractive"
    assert row["sources"][0]["title"].startswith("Russia launches") and row["cited"]
    with pytest.raises(ValueError, match="rating"):
        log.record("meh", answer)
