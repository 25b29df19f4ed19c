"""Token counting with tiktoken, offline: the BPE file ships inside llama-index-core."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from qa.errors import ConfigError

if TYPE_CHECKING:
    import tiktoken

ENCODING_NAME = "cl100k_base"


def bundled_tiktoken_cache() -> Path:
    """The tiktoken cache directory that llama-index-core ships (holds cl100k_base)."""
    import llama_index.core

    return Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache"


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    """The cl100k_base encoding, loaded from disk; never fetched from the network."""
    cache = os.environ.get("TIKTOKEN_CACHE_DIR")
    if not cache or not Path(cache).is_dir():
        # tiktoken downloads its BPE file unless this points at a cache that has it.
        os.environ["TIKTOKEN_CACHE_DIR"] = str(bundled_tiktoken_cache())
    import tiktoken

    try:
        return tiktoken.get_encoding(ENCODING_NAME)
    except Exception as exc:  # tiktoken raises plain requests/OS errors when the file is missing
        raise ConfigError(
            f"the {ENCODING_NAME} tokenizer file is not in TIKTOKEN_CACHE_DIR={os.environ['TIKTOKEN_CACHE_DIR']}",
            f"unset TIKTOKEN_CACHE_DIR to use the copy in {bundled_tiktoken_cache()}",
        ) from exc


def count_tokens(text: str) -> int:
    return len(encoding().encode_ordinary(text))
