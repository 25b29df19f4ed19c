"""Split models are assembled once, checked by sha256, and never left half-written; the default model answers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from qa.answer import models
from qa.answer.assistant import Assistant
from qa.answer.backends.local import LocalBackend
from qa.answer.models import LocalModel
from qa.config import QAConfig
from qa.errors import BackendError
from qa.news_index import Index


def _parts(tmp_path: Path) -> list[Path]:
    parts = []
    for number, content in enumerate((b"first part;", b"second part;", b"last")):
        part = tmp_path / f"part{number}.bin"
        part.write_bytes(content)
        parts.append(part)
    return parts


def _model(sha256: str) -> LocalModel:
    return LocalModel("tiny", "test", "tiny.gguf", ("a", "b", "c"), "*.bin", sha256, "pip install tiny")


def test_parts_are_concatenated_in_order_and_checked(tmp_path: Path) -> None:
    parts = _parts(tmp_path)
    expected = hashlib.sha256(b"first part;second part;last").hexdigest()
    target = models._assemble(_model(expected), parts, tmp_path / "cache")
    assert target.read_bytes() == b"first part;second part;last"
    stamp = target.stat().st_mtime_ns
    assert models._assemble(_model(expected), parts, tmp_path / "cache").stat().st_mtime_ns == stamp  # reused


def test_a_wrong_checksum_leaves_nothing_behind(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="expected 00") as caught:
        models._assemble(_model("00" * 32), _parts(tmp_path), tmp_path / "cache")
    assert "reinstall" in caught.value.hint
    assert list((tmp_path / "cache").iterdir()) == []


def test_missing_packages_say_what_to_install() -> None:
    with pytest.raises(BackendError, match="not installed") as caught:
        models._part_paths(LocalModel("x", "x", "x.gguf", ("no_such_package_here",), "*.bin", None, "pip install x"))
    assert caught.value.hint == "install it: pip install x"


@pytest.mark.slow
def test_default_model_answers_a_seed_question_with_a_verified_citation(seed_index: Index, model_cache: Path) -> None:
    backend = LocalBackend("qwen2.5-coder-0.5b", cache_dir=model_cache, context=2048)
    try:
        answer = Assistant(seed_index, QAConfig(), backend=backend).ask("How many drones and missiles did Russia fire?")
    finally:
        backend.close()
    assert (model_cache / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf").stat().st_size > 400_000_000
    assert not answer.abstained and "550" in answer.text and "[1]" in answer.text
    assert answer.verified_fraction > 0
