"""Timing and reporting helpers shared by the benchmarks."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


@contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    started = time.perf_counter()
    finished: list[float] = []
    try:
        yield lambda: (finished[0] if finished else time.perf_counter()) - started
    finally:
        finished.append(time.perf_counter())


def timed(function: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summarize_latency(seconds: list[float]) -> dict[str, float]:
    return {
        "p50_ms": percentile(seconds, 0.5) * 1000,
        "p95_ms": percentile(seconds, 0.95) * 1000,
        "mean_ms": statistics.fmean(seconds) * 1000,
        "queries": len(seconds),
    }


def machine() -> dict[str, Any]:
    import faiss
    import torch

    from qa.index.embedder import cpu_has_fast_bfloat16

    return {
        "cpu_cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "cpu_bf16_units": cpu_has_fast_bfloat16(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "faiss": faiss.__version__,
    }


def offline_environment() -> None:
    """Nothing in a benchmark may reach the network or pick up llama-index's OpenAI defaults."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("OPENAI_API_KEY", "sk-no-network-here")  # any accidental OpenAI call fails fast
