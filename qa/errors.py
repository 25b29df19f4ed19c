"""Errors a user can act on: each says what went wrong and what to do about it."""

from __future__ import annotations


class QAError(Exception):
    """Base class of every error newsqa raises on purpose.

    ``hint`` says what the user can do; the CLI prints ``error: <message> — <hint>``.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class ConfigError(QAError):
    """A setting has a value newsqa cannot use."""


class IngestError(QAError):
    """An article could not be read or indexed."""


class IndexNotFound(QAError):
    """The index directory does not exist or holds no index."""


class IndexCorrupt(QAError):
    """The index directory exists but cannot be read."""


class IndexMismatch(QAError):
    """The index was built with settings (embedder, chunking) that differ from the current ones."""


class IndexLocked(QAError):
    """Another process is writing to the index."""


class BackendError(QAError):
    """An answer backend (a local model, a hosted endpoint) cannot be used as configured."""
