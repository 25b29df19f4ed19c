"""Shared fixtures: the real embedder (loaded once), the shipped seed article, a built index of it, and a real
llama.cpp server on loopback with the tiny SmolLM2 model (started once, only by tests that ask for it)."""

from __future__ import annotations

import os
import socket

# Tests run offline: nothing may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qa.answer.local_server import LocalServer
from qa.answer.models import resolve_model
from qa.config import QAConfig
from qa.index.embedder import Embedder
from qa.news_index import Index

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_ARTICLE = SEEDS / "kyiv-attack-2025-07-04.txt"


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder()


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Index:
    """An index of seeds/, built once; tests must not write to it."""
    index = Index(tmp_path_factory.mktemp("seed-index"), embedder=embedder)
    index.add([SEEDS])
    return index


@pytest.fixture
def new_index(tmp_path: Path, embedder: Embedder) -> Callable[..., Index]:
    """A factory of empty indexes in a temp dir, sharing the session's embedder."""

    def make(name: str = "index", **settings: object) -> Index:
        return Index(tmp_path / name, config=QAConfig().replace(**settings), embedder=embedder)

    return make


@pytest.fixture(scope="session")
def smollm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    log = tmp_path_factory.mktemp("llama") / "llama.log"
    server = LocalServer(resolve_model("smollm2-135m"), context=2048, log_file=log)
    yield server
    server.close()


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")
