"""Chat-page fixtures: a writable index of seeds/ and the page's assistant pool over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.answer.pool import AssistantPool
from qa.config import QAConfig
from qa.index.embedder import Embedder
from qa.news_index import Index
from tests.conftest import SEEDS


@pytest.fixture
def writable_index(tmp_path: Path, embedder: Embedder) -> Index:
    """A fresh index of seeds/ that a test may change (uploads, deletes)."""
    index = Index(tmp_path / "index", config=QAConfig(backend="extractive"), embedder=embedder)
    index.add([SEEDS])
    return index


@pytest.fixture
def extractive_pool(seed_index: Index) -> Iterator[AssistantPool]:
    pool = AssistantPool(seed_index, seed_index.config.replace(backend="extractive"))
    yield pool
    pool.close()
