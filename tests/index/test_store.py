"""Writes are atomic: a crash or Ctrl-C at any point of a write leaves the previous index readable and complete."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from qa.errors import IndexLocked
from qa.index.store import IndexStore
from qa.news_index import Index
from tests.conftest import ROOT, SEEDS


def write_feed(path: Path, count: int) -> None:
    rows = [
        {
            "title": f"Council vote {n}",
            "body": f"The city council voted {n} times on the new budget for district {n}. Critics objected.",
            "url": f"https://example.test/vote/{n}",
            "published_at": "2024-03-01",
            "source": "City Desk",
        }
        for n in range(count)
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows))


def test_interrupted_write_leaves_previous_index_intact(
    new_index: Callable[..., Index], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import faiss

    index = new_index()
    index.add([SEEDS])
    before = index.store.current_name()
    feed = tmp_path / "feed.jsonl"
    write_feed(feed, 5)

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C in the middle of writing the new generation

    monkeypatch.setattr(faiss, "write_index", interrupted)
    with pytest.raises(KeyboardInterrupt):
        index.add([feed])
    monkeypatch.undo()

    reopened = Index.open(index.directory, embedder=index.embedder)
    assert reopened.store.current_name() == before
    assert len(reopened.articles()) == 1
    assert reopened.search("How many drones did Russia fire?", k=1)

    report = reopened.add([feed])  # the next write succeeds and clears the leftovers
    assert len(report.added) == 5
    leftovers = [p.name for p in index.directory.iterdir() if p.name.endswith(".partial")]
    assert leftovers == []
    assert sorted(p.name for p in index.directory.glob("gen-*")) == [reopened.store.current_name()]


# A child process ingests and kills itself (SIGKILL, no cleanup) at the n-th step of the write path.
_CRASHING_INGEST = textwrap.dedent(
    """
    import os, signal, sys
    import qa.index.store as store
    from qa.news_index import Index

    steps = {"count": 0}
    crash_at = int(sys.argv[3])

    def step(function):
        def wrapped(*args, **kwargs):
            steps["count"] += 1
            if steps["count"] == crash_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return function(*args, **kwargs)
        return wrapped

    for name in ("_write_text", "_write_jsonl", "_fsync_file", "_fsync_dir"):
        setattr(store, name, step(getattr(store, name)))
    store.os.replace = step(store.os.replace)
    Index(sys.argv[1]).add([sys.argv[2]])
    print("completed")
    """
)


@pytest.mark.slow
def test_process_killed_at_any_step_of_a_write_leaves_a_complete_index(
    new_index: Callable[..., Index], tmp_path: Path
) -> None:
    index = new_index()
    index.add([SEEDS])
    feed = tmp_path / "feed.jsonl"
    write_feed(feed, 8)
    outcomes: list[int] = []
    for crash_at in range(1, 30):
        child = subprocess.run(
            [sys.executable, "-c", _CRASHING_INGEST, str(index.directory), str(feed), str(crash_at)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
        )
        reopened = Index.open(index.directory, embedder=index.embedder)
        count = len(reopened.articles())
        snapshot = reopened.snapshot()
        assert snapshot.vectors.ntotal == len(snapshot.chunks) == len(snapshot.lexical.chunk_ids)
        if "completed" in child.stdout:
            assert count == 9
            break
        assert child.returncode == -9, child.stderr
        # Before the switch of CURRENT the old index is live, after it the new one: never anything between.
        assert count in (1, 9), f"killed at step {crash_at}, index has {count} articles"
        outcomes.append(count)
    else:
        pytest.fail("the ingest never completed")
    assert outcomes.count(1) >= 5  # the write path really was cut at several points before the switch


def test_second_writer_is_refused_while_one_writes(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    with store.writer_lock(), pytest.raises(IndexLocked) as caught, IndexStore(tmp_path / "index").writer_lock():
        pass
    assert str(tmp_path / "index") in caught.value.message
