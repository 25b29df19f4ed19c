"""Thumbs up or down on an answer, appended to a JSONL file beside the index with what was asked and cited."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path
from typing import Any

from qa.answer.types import Answer


def feedback_path(index_dir: Path) -> Path:
    """``index/`` → ``index.feedback.jsonl``: beside the index, so a rebuild of the index keeps it."""
    index_dir = Path(index_dir)
    return index_dir.with_name(f"{index_dir.name}.feedback.jsonl")


class FeedbackLog:
    """Appends one JSON object per rating; safe across the server's threads (one ``write`` per line, locked).

    >>> FeedbackLog(Path("index.feedback.jsonl")).record("up", answer)  # doctest: +SKIP
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def record(self, rating: str, answer: Answer, session: str | None = None) -> dict[str, Any]:
        """Store a rating ("up" or "down") of ``answer``; returns the row written."""
        if rating not in ("up", "down"):
            raise ValueError(f"rating must be 'up' or 'down', not {rating!r}")
        row = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "rating": rating,
            "session": session,
            "question": answer.question,
            "answer": answer.text,
            "abstained": answer.abstained,
            "verified_fraction": round(answer.verified_fraction, 4),
            "backend": answer.backend,
            "model": answer.model,
            "sources": [source.to_json() for source in answer.sources],
            "cited": [source.number for source in answer.cited_sources],
        }
        line = json.dumps(row, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
        return row

    def rows(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with open(self.path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
