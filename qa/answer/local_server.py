"""llama.cpp in this process (xllamacpp), serving the OpenAI API on 127.0.0.1, so local and hosted models share
one client path.

The server starts once per :class:`LocalServer` and is reused for every question. llama.cpp writes its logs to
the process's stderr from its own threads; they are sent to a log file instead (``log_file``) so that they do
not flood the terminal.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qa.errors import BackendError

log = logging.getLogger(__name__)


class LocalServer:
    """An OpenAI-compatible llama.cpp server for one GGUF model, bound to 127.0.0.1 on a free port.

    >>> server = LocalServer(Path("model.gguf"), context=4096)  # doctest: +SKIP
    >>> server.base_url  # doctest: +SKIP
    'http://127.0.0.1:40117/v1'
    """

    def __init__(
        self,
        model_path: Path,
        context: int = 4096,
        threads: int = 0,
        log_file: Path | None = None,
        api_key: str | None = None,
    ) -> None:
        if not model_path.is_file():
            raise BackendError(f"model file {model_path} does not exist", "give the path of a .gguf file")
        self.model_path = model_path
        self.threads = threads or _usable_cores()
        self._lock = threading.Lock()
        with _stderr_to(log_file):
            self._server = self._start(context, api_key)
        self.address = str(self._server.listening_address).rstrip("/")
        self._wait_until_healthy()
        log.info("llama.cpp serving %s at %s", model_path.name, self.address)

    @property
    def base_url(self) -> str:
        return f"{self.address}/v1"

    def _start(self, context: int, api_key: str | None) -> Any:
        try:
            import xllamacpp
        except ImportError:
            raise BackendError(
                "the local backend needs the xllamacpp package", "pip install xllamacpp (make install does this)"
            ) from None
        params = xllamacpp.CommonParams()
        params.model.path = str(self.model_path)
        params.n_ctx = context
        params.n_parallel = 2  # the UI's sessions interleave; more slots would split the context further
        params.cpuparams.n_threads = self.threads
        params.cpuparams_batch.n_threads = self.threads
        params.hostnames = ["127.0.0.1"]
        params.port = 0  # a free port, read back from listening_address
        params.offline = True
        params.cache_prompt = True  # the system prompt's KV is reused across questions
        params.warmup = True
        params.verbosity = 0
        if api_key:
            params.api_keys = [api_key]
        try:
            return xllamacpp.Server(params)
        except Exception as exc:  # xllamacpp raises plain RuntimeError/ValueError for an unloadable model
            raise BackendError(
                f"llama.cpp could not load {self.model_path}: {exc}", "check that the file is a complete GGUF model"
            ) from exc

    def _wait_until_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.address}/health", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise BackendError(
                    f"the local llama.cpp server at {self.address} did not become ready in {timeout:.0f} s",
                    "see the llama.cpp log for the reason",
                )
            time.sleep(0.1)

    def close(self) -> None:
        """Stop serving; the model's memory is freed with the server object."""
        with self._lock:
            server, self._server = self._server, None
        del server


def _usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def _stderr_to(log_file: Path | None) -> Iterator[None]:
    """Point file descriptor 2 at ``log_file`` while llama.cpp starts (its logger keeps writing there)."""
    if log_file is None:
        yield
        return
    log_file.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    with log_file.open("ab") as sink:
        os.dup2(sink.fileno(), 2)
    try:
        yield
    finally:
        # Python's own stderr goes back to the terminal; llama.cpp's threads keep the log file via its logger.
        os.dup2(saved, 2)
        os.close(saved)
