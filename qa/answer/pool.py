"""Assistants shared by the threads of a server: one per backend, so a local model is loaded once."""

from __future__ import annotations

import threading
from collections.abc import Mapping

from qa.answer.assistant import Assistant
from qa.answer.backends import Backend
from qa.config import QAConfig
from qa.news_index import Index


class AssistantPool:
    """One :class:`Assistant` per backend, shared by every tab (a local model is loaded once), made on first use.

    ``backends`` supplies ready backends by name (an already running server, say); others are made from config.
    """

    def __init__(self, index: Index, config: QAConfig, backends: Mapping[str, Backend] | None = None) -> None:
        self.index = index
        self.config = config
        self._backends = dict(backends or {})
        self._assistants: dict[str, Assistant] = {}
        self._lock = threading.Lock()

    def get(self, backend: str) -> Assistant:
        with self._lock:
            if backend not in self._assistants:
                self._assistants[backend] = Assistant(
                    self.index, self.config.replace(backend=backend), backend=self._backends.get(backend)
                )
            return self._assistants[backend]

    def close(self) -> None:
        with self._lock:
            for assistant in self._assistants.values():
                assistant.close()
            self._assistants.clear()
