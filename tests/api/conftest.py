"""A real API server on loopback (uvicorn in a thread) over a writable index of seeds/."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from qa.api.app import create_app
from qa.config import QAConfig
from qa.index.embedder import Embedder
from qa.news_index import Index
from tests.conftest import SEEDS, free_port

TOKEN = "s3cret-token"


@dataclass
class Served:
    url: str
    index: Index
    token: str | None

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)


def serve(index: Index, config: QAConfig, token: str | None, **options: object) -> Iterator[Served]:
    port = free_port()
    app = create_app(index, config, token=token, **options)  # type: ignore[arg-type]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the API server did not start"
        time.sleep(0.05)
    yield Served(f"http://127.0.0.1:{port}", index, token)
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture
def api_factory(tmp_path: Path, embedder: Embedder) -> Iterator[Callable[..., Served]]:
    """Start servers over fresh indexes of seeds/; each stops when the test ends."""
    running: list[Iterator[Served]] = []

    def start(token: str | None = TOKEN, seeded: bool = True, **options: object) -> Served:
        config = QAConfig(backend="extractive")
        index = Index(tmp_path / f"index{len(running)}", config=config, embedder=embedder)
        if seeded:
            index.add([SEEDS])
        server = serve(index, config, token, **options)
        running.append(server)
        return next(server)

    yield start
    for server in running:
        next(server, None)


@pytest.fixture
def api(api_factory: Callable[..., Served]) -> Served:
    return api_factory()
