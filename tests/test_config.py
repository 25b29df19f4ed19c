"""Settings: defaults, then the TOML file, then QA_* environment variables; bad values named clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.config import QAConfig
from qa.errors import ConfigError


def test_file_then_environment_override_defaults(tmp_path: Path) -> None:
    file = tmp_path / "qa.toml"
    file.write_text('[qa]\ntop_k = 7\nretrieval_mode = "dense"\nindex_dir = "/data/news"\n')
    config = QAConfig.load(file, environ={"QA_TOP_K": "9"})
    assert config.top_k == 9
    assert config.retrieval_mode == "dense"
    assert config.index_dir == Path("/data/news")
    assert config.chunk_tokens == QAConfig().chunk_tokens


def test_replace_ignores_unset_flags() -> None:
    assert QAConfig().replace(top_k=None, rrf_k=10).top_k == QAConfig().top_k


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"QA_TOP_K": "many"}, "top_k"),
        ({"QA_TOP_K": "0"}, "top_k"),
        ({"QA_RETRIEVAL_MODE": "magic"}, "retrieval_mode"),
        ({"QA_CHUNK_OVERLAP": "500"}, "chunk_overlap"),
    ],
)
def test_bad_values_name_the_setting(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        QAConfig.load(environ=environ)
    assert named in str(caught.value)


def test_unknown_setting_in_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "qa.toml"
    file.write_text("top_kk = 3\n")
    with pytest.raises(ConfigError, match="top_kk"):
        QAConfig.load(file, environ={})


def test_broken_file_is_named(tmp_path: Path) -> None:
    file = tmp_path / "qa.toml"
    file.write_text("top_k = \n")
    with pytest.raises(ConfigError, match=str(file)):
        QAConfig.load(file, environ={})
