"""The one interface every answer backend implements: turn a request into a stream of text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from qa.answer.prompt import AnswerRequest


@dataclass
class Generation:
    """Generated text as it streams; token counts are filled in when the stream ends."""

    chunks: Iterator[str]
    tokens_in: int = 0
    tokens_out: int = 0

    def __iter__(self) -> Iterator[str]:
        return self.chunks


class Backend(Protocol):
    """A generator of answers from numbered sources (local llama.cpp, a hosted endpoint, or extractive)."""

    name: str

    @property
    def model(self) -> str | None: ...

    def generate(self, request: AnswerRequest) -> Generation:
        """Start generating; raises :class:`qa.errors.BackendError` when the backend cannot be reached."""
        ...

    def close(self) -> None:
        """Release what the backend holds (a server, connections)."""
        ...
