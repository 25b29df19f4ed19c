"""Answer backends, one module each, built from config by :func:`make_backend`."""

from __future__ import annotations

import os
from collections.abc import Callable

from qa.answer.backends.base import Backend, Generation
from qa.config import QAConfig
from qa.errors import BackendError

__all__ = ["BACKENDS", "Backend", "Generation", "make_backend"]


def _local(config: QAConfig) -> Backend:
    from qa.answer.backends.local import LocalBackend

    return LocalBackend(
        config.llm_model,
        cache_dir=config.model_cache,
        context=config.llm_context,
        threads=config.llm_threads,
        timeout=config.request_timeout,
        log_file=config.model_cache.parent / "llama.log",
    )


def _openai(config: QAConfig) -> Backend:
    from qa.answer.backends.openai_compatible import ChatBackend

    key_env = config.openai_api_key_env
    return ChatBackend(
        config.openai_base_url,
        model=config.openai_model or None,
        api_key=os.environ.get(key_env) if key_env else None,
        timeout=config.request_timeout,
        key_source=f"the API key in ${key_env}" if key_env else "no API key",
    )


def _extractive(config: QAConfig) -> Backend:
    from qa.answer.backends.extractive import ExtractiveBackend

    return ExtractiveBackend()


BACKENDS: dict[str, Callable[[QAConfig], Backend]] = {
    "local": _local,
    "openai": _openai,
    "extractive": _extractive,
}


def make_backend(config: QAConfig) -> Backend:
    """The backend ``config.backend`` names, not yet started (a local model loads on first use)."""
    factory = BACKENDS.get(config.backend)
    if factory is None:
        raise BackendError(f"backend {config.backend!r} is unknown", f"use one of {', '.join(BACKENDS)}")
    return factory(config)
