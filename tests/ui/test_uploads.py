"""Uploads: checked first, ingested together or not at all, the index unchanged by a bad one."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.news_index import Index
from qa.ui.uploads import UPLOADS_FOLDER, ingest_uploads

ARTICLE = """Port of Rotterdam reopens after storm
ROTTERDAM, March 3 – The Port of Rotterdam reopened on Monday after a storm closed it for two days, the port
authority said. About 140 ships had waited at anchor off the coast while winds reached 120 km per hour.
"""


def write(folder: Path, name: str, content: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def state(index: Index) -> tuple[str, int]:
    return index.store.current_name(), len(index)


def test_good_upload_is_ingested_and_searchable(writable_index: Index, tmp_path: Path) -> None:
    upload = write(tmp_path / "gradio", "rotterdam.txt", ARTICLE)
    stages: list[str] = []
    result = ingest_uploads(writable_index, [upload], 1_000_000, 5, lambda fraction, stage: stages.append(stage))
    assert result.ok, result
    assert result.report is not None and len(result.report.added) == 1
    assert (writable_index.directory / UPLOADS_FOLDER / "rotterdam.txt").read_text() == ARTICLE
    assert stages[0] == "Checking files" and stages[-1] == "Done"
    top = writable_index.search("How many ships waited at anchor?", k=1)[0]
    assert top.ref.title == "Port of Rotterdam reopens after storm"


def test_uploading_the_same_file_again_updates_instead_of_duplicating(writable_index: Index, tmp_path: Path) -> None:
    ingest_uploads(writable_index, [write(tmp_path / "a", "rotterdam.txt", ARTICLE)], 1_000_000, 5)
    articles = len(writable_index.articles())
    again = ingest_uploads(writable_index, [write(tmp_path / "b", "rotterdam.txt", ARTICLE)], 1_000_000, 5)
    assert again.ok and again.report is not None and again.report.unchanged and not again.report.added
    changed = ingest_uploads(
        writable_index, [write(tmp_path / "c", "rotterdam.txt", ARTICLE.replace("140", "150"))], 1_000_000, 5
    )
    assert changed.report is not None and len(changed.report.updated) == 1
    assert len(writable_index.articles()) == articles


def test_one_bad_file_means_nothing_is_added(writable_index: Index, tmp_path: Path) -> None:
    before = state(writable_index)
    good = write(tmp_path / "up", "rotterdam.txt", ARTICLE)
    cases = {
        "photo.png": b"\x89PNG\r\n\x1a\n",
        "latin1.txt": "Caf\xe9 owners protest new rules in the old town centre today.".encode("latin-1"),
        "binary.txt": b"\x00\x01\x02" * 50,
        "empty.md": b"",
        "broken.json": b'{"title": "x", "text": ',
    }
    for name, content in cases.items():
        bad = write(tmp_path / "up", name, content)
        result = ingest_uploads(writable_index, [good, bad], 1_000_000, 5)
        assert not result.ok, name
        assert result.message.startswith("Nothing was added")
        assert any(problem.startswith(f"{name}:") for problem in result.problems), (name, result.problems)
        assert state(writable_index) == before
        assert not (writable_index.directory / UPLOADS_FOLDER / "rotterdam.txt").exists()


def test_limits_on_size_and_count_are_reported(writable_index: Index, tmp_path: Path) -> None:
    before = state(writable_index)
    big = write(tmp_path / "up", "big.txt", "Headline\n" + "All quiet on the western front. " * 100)
    result = ingest_uploads(writable_index, [big], 500, 5)
    assert not result.ok and "over the 500-byte limit" in result.problems[0]
    many = [write(tmp_path / f"d{i}", "rotterdam.txt", ARTICLE) for i in range(3)]
    assert "more than 2 at once" in ingest_uploads(writable_index, many, 1_000_000, 2).message
    assert "same name" in ingest_uploads(writable_index, many[:2], 1_000_000, 5).message
    assert not ingest_uploads(writable_index, [], 1_000_000, 5).ok
    assert state(writable_index) == before


def test_a_failed_ingest_restores_the_previous_upload(writable_index: Index, tmp_path: Path) -> None:
    ingest_uploads(writable_index, [write(tmp_path / "a", "rotterdam.txt", ARTICLE)], 1_000_000, 5)
    before = state(writable_index)
    saved = writable_index.directory / UPLOADS_FOLDER / "rotterdam.txt"

    def fail(fraction: float, stage: str) -> None:
        if stage.startswith("Embedding"):
            raise KeyboardInterrupt  # the server stopped mid-upload

    changed = write(tmp_path / "b", "rotterdam.txt", ARTICLE.replace("140", "150"))
    with pytest.raises(KeyboardInterrupt):
        ingest_uploads(writable_index, [changed], 1_000_000, 5, fail)
    assert saved.read_text() == ARTICLE
    assert state(writable_index) == before
