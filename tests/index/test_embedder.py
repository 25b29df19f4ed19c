"""The embedder loads from local disk only: a known name, or any sentence-transformers model folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.errors import ConfigError
from qa.index.embedder import Embedder, resolve_model_path


def test_vectors_are_unit_length_and_queries_match_documents(embedder: Embedder) -> None:
    texts = ["Russia fired 550 drones and missiles at Kyiv.", "The council approved new cycle lanes."]
    vectors = embedder.embed_documents(texts)
    assert vectors.shape == (2, embedder.dimension) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    query = embedder.embed_query(texts[0])
    assert float(query @ vectors[0]) > 0.99
    assert float(query @ vectors[0]) > float(query @ vectors[1]) + 0.3


def test_a_model_folder_path_works_like_the_known_name(embedder: Embedder) -> None:
    by_path = Embedder(str(resolve_model_path("all-MiniLM-L6-v2")), precision=embedder.precision)
    text = "How many drones were shot down?"
    assert float(by_path.embed_query(text) @ embedder.embed_query(text)) > 0.999


def test_float32_and_bfloat16_agree() -> None:
    text = ["Emergency crews removed more than 300 tons of debris."]
    full = Embedder(precision="float32").embed_documents(text)[0]
    half = Embedder(precision="bfloat16").embed_documents(text)[0]
    assert float(full @ half) > 0.995


def test_unknown_model_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="neither a known model"):
        Embedder(str(tmp_path / "no-model")).embed_query("x")
    with pytest.raises(ConfigError, match="embed_precision"):
        Embedder(precision="int4")
