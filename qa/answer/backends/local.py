"""The default backend: a GGUF model on this machine, served by llama.cpp in-process, fully offline."""

from __future__ import annotations

import threading
from pathlib import Path

from qa.answer.backends.base import Generation
from qa.answer.backends.openai_compatible import ChatBackend
from qa.answer.local_server import LocalServer
from qa.answer.models import resolve_model
from qa.answer.prompt import AnswerRequest


class LocalBackend:
    """Starts llama.cpp on first use (model assembled and checked if needed) and talks to it like any endpoint.

    >>> backend = LocalBackend("qwen2.5-coder-0.5b")  # doctest: +SKIP
    >>> "".join(backend.generate(request))  # doctest: +SKIP
    """

    name = "local"

    def __init__(
        self,
        model: str,
        cache_dir: Path | None = None,
        context: int = 4096,
        threads: int = 0,
        timeout: float = 120.0,
        log_file: Path | None = None,
    ) -> None:
        self.model_name = model
        self.cache_dir = cache_dir
        self.context = context
        self.threads = threads
        self.timeout = timeout
        self.log_file = log_file
        self._server: LocalServer | None = None
        self._chat: ChatBackend | None = None
        self._starting = threading.Lock()  # two first questions at once must not start two servers

    @property
    def model(self) -> str | None:
        return self.model_name

    def start(self) -> ChatBackend:
        """Load the model and start serving (once); later calls return at once."""
        with self._starting:
            return self._start()

    def _start(self) -> ChatBackend:
        if self._chat is None:
            path = resolve_model(self.model_name, self.cache_dir)
            self._server = LocalServer(path, context=self.context, threads=self.threads, log_file=self.log_file)
            self._chat = ChatBackend(
                self._server.base_url, model=None, timeout=self.timeout, key_source="no key", name=self.name
            )
            self._chat.check()
        return self._chat

    def generate(self, request: AnswerRequest) -> Generation:
        return self.start().generate(request)

    def close(self) -> None:
        if self._chat is not None:
            self._chat.close()
        if self._server is not None:
            self._server.close()
        self._chat = self._server = None
