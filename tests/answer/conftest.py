"""Answering fixtures: a real llama.cpp server on loopback with the tiny SmolLM2 model (started once)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.answer.local_server import LocalServer
from qa.answer.models import resolve_model


@pytest.fixture(scope="session")
def smollm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    log = tmp_path_factory.mktemp("llama") / "llama.log"
    server = LocalServer(resolve_model("smollm2-135m"), context=2048, log_file=log)
    yield server
    server.close()


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")
