"""All settings in one typed object: defaults, then a TOML file, then ``QA_*`` environment variables, then flags.

Each field's comment is its documentation (the README's settings table is written from it).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from qa.errors import ConfigError

CONFIG_FILE_ENV = "QA_CONFIG"
DEFAULT_CONFIG_FILE = Path("qa.toml")
RETRIEVAL_MODES = ("hybrid", "dense", "lexical")
EMBED_PRECISIONS = ("auto", "float32", "bfloat16")


@dataclass(frozen=True)
class QAConfig:
    """Every setting newsqa reads. Immutable: derive a changed copy with :meth:`replace`.

    >>> QAConfig().replace(top_k=3).top_k
    3
    """

    # Where the index lives (a directory newsqa owns).
    index_dir: Path = field(default_factory=lambda: Path("index"))
    # Embedder: a name from qa.index.embedder.KNOWN_EMBEDDERS or a local sentence-transformers model path.
    embed_model: str = "all-MiniLM-L6-v2"
    # Texts per forward pass when embedding chunks; small batches of length-sorted texts pad least on CPU.
    embed_batch_size: int = 16
    # auto (bfloat16 where the CPU has bf16 matrix units, else float32), float32 or bfloat16.
    embed_precision: str = "auto"
    # Chunk size and overlap in tiktoken (cl100k_base) tokens; chosen with bench/retrieval_quality.py --chunk-sweep.
    chunk_tokens: int = 160
    chunk_overlap: int = 32
    # Files larger than this are skipped at ingest.
    max_file_bytes: int = 20_000_000
    # Passages returned by a search.
    top_k: int = 5
    # Candidates each retriever (dense, BM25) contributes to fusion.
    candidates: int = 60
    # Reciprocal rank fusion constant: score = sum(1 / (rrf_k + rank)).
    rrf_k: int = 60
    # hybrid (dense + BM25 fused), dense, or lexical.
    retrieval_mode: str = "hybrid"
    # Cosine similarity at or above which passages of different articles are one syndicated story.
    duplicate_similarity: float = 0.95

    # Answering. local (llama.cpp on this machine), openai (any OpenAI-compatible endpoint) or extractive.
    backend: str = "local"
    # Local model: a name from qa.answer.models.KNOWN_MODELS or a path to a .gguf file.
    llm_model: str = "qwen2.5-coder-0.5b"
    # Where split models are assembled (and llama.cpp's log is written).
    model_cache: Path = field(default_factory=lambda: _default_model_cache())
    # llama.cpp context size in tokens, and CPU threads (0: every core this process may use).
    llm_context: int = 4096
    llm_threads: int = 0
    # Hosted endpoint: base URL, model name (empty: the endpoint's only model), env variable holding the API key.
    openai_base_url: str = "https://api.openai.com/v1"
    openai_model: str = "gpt-4o-mini"
    openai_api_key_env: str = "OPENAI_API_KEY"
    # Seconds to wait for an endpoint before giving up.
    request_timeout: float = 60.0
    # Sampling: 0 is greedy and repeatable. Longest answer in tokens. Seed for endpoints that sample.
    temperature: float = 0.0
    max_answer_tokens: int = 160
    seed: int = 0
    # Evidence sent to the generator: at most this many sentences and tokens (prompt size drives time to first token).
    evidence_sentences: int = 6
    evidence_tokens: int = 220
    # Abstain without generating when the best passage's cosine to the question is below this (bench/calibrate.py).
    min_relevance: float = 0.25
    # Support score an answer sentence needs from its cited source to count as verified (bench/calibrate.py).
    support_threshold: float = 0.66

    # Chat UI (qa serve): questions answered at once (others wait in the queue), and the upload limits.
    ui_concurrency: int = 4
    upload_max_bytes: int = 5_000_000
    upload_max_files: int = 20

    def __post_init__(self) -> None:
        object.__setattr__(self, "index_dir", Path(self.index_dir))
        object.__setattr__(self, "model_cache", Path(self.model_cache))
        positive = (
            "embed_batch_size", "chunk_tokens", "max_file_bytes", "top_k", "candidates", "rrf_k", "llm_context",
            "max_answer_tokens", "evidence_sentences", "evidence_tokens", "request_timeout", "ui_concurrency",
            "upload_max_bytes", "upload_max_files",
        )  # fmt: skip
        for name in positive:
            if getattr(self, name) <= 0:
                raise ConfigError(f"setting {name}={getattr(self, name)!r} must be positive", "give a number above 0")
        if not 0 <= self.chunk_overlap < self.chunk_tokens:
            raise ConfigError(
                f"setting chunk_overlap={self.chunk_overlap} must be between 0 and chunk_tokens={self.chunk_tokens}",
                "lower chunk_overlap or raise chunk_tokens",
            )
        if self.retrieval_mode not in RETRIEVAL_MODES:
            raise ConfigError(
                f"setting retrieval_mode={self.retrieval_mode!r} is unknown", f"use one of {', '.join(RETRIEVAL_MODES)}"
            )
        if self.embed_precision not in EMBED_PRECISIONS:
            raise ConfigError(
                f"setting embed_precision={self.embed_precision!r} is unknown",
                f"use one of {', '.join(EMBED_PRECISIONS)}",
            )
        if self.llm_threads < 0:
            raise ConfigError(f"setting llm_threads={self.llm_threads} must be 0 (all cores) or more", "fix its value")
        if not 0 <= self.temperature <= 2:
            raise ConfigError(f"setting temperature={self.temperature} is out of range", "use a value in [0, 2]")
        for name in ("min_relevance", "support_threshold"):
            if not 0 <= getattr(self, name) <= 1:
                raise ConfigError(f"setting {name}={getattr(self, name)} is out of range", "use a value in [0, 1]")
        if not 0 < self.duplicate_similarity <= 1:
            raise ConfigError(
                f"setting duplicate_similarity={self.duplicate_similarity} is out of range", "use a value in (0, 1]"
            )

    def replace(self, **changes: Any) -> QAConfig:
        """A copy with ``changes`` applied; ``None`` values are ignored, so CLI flags can be passed as they are."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def with_answer_model(self, model: str | None) -> QAConfig:
        """A copy answering with ``model``: the hosted model name for the openai backend, else the local model."""
        if not model:
            return self
        return self.replace(**{"openai_model" if self.backend == "openai" else "llm_model": model})

    @classmethod
    def load(cls, path: Path | None = None, environ: Mapping[str, str] | None = None) -> QAConfig:
        """Defaults, then the TOML file (``path``, ``$QA_CONFIG`` or ``./qa.toml`` if present), then ``QA_*``."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        file = path or (Path(environ[CONFIG_FILE_ENV]) if environ.get(CONFIG_FILE_ENV) else None)
        if file is None and DEFAULT_CONFIG_FILE.is_file():
            file = DEFAULT_CONFIG_FILE
        if file is not None:
            values.update(_read_toml(file))
        values.update(_read_env(environ))
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown setting(s) {', '.join(unknown)}", f"known settings: {', '.join(sorted(known))}")
        return cls(**{name: _coerce(name, value) for name, value in values.items()})


def _default_model_cache() -> Path:
    from qa.answer.models import default_model_cache

    return default_model_cache()


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist", f"create it or unset {CONFIG_FILE_ENV}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}", "fix the file's syntax") from None
    return dict(data.get("qa", data))


def _read_env(environ: Mapping[str, str]) -> dict[str, Any]:
    names = {f.name for f in fields(QAConfig)}
    return {
        key[3:].lower(): value
        for key, value in environ.items()
        if key.startswith("QA_") and key != CONFIG_FILE_ENV and key[3:].lower() in names
    }


def _coerce(name: str, value: Any) -> Any:
    default = getattr(QAConfig(), name)
    try:
        if isinstance(default, Path):
            return Path(value)
        if isinstance(default, bool):
            return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
    except ValueError:
        raise ConfigError(f"setting {name}={value!r} is not a {type(default).__name__}", "fix its value") from None
    return str(value)
