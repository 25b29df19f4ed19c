"""Articles uploaded in the browser: checked first, then ingested all together or not at all.

Uploads are copied into ``INDEX/uploads/`` under their own file names, so uploading a file again with the same
name updates its articles instead of adding copies, and the index never points at a temporary file.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.index.loaders import SourceFile, load_file
from qa.news_index import Index
from qa.types import IngestReport, Skipped

UPLOAD_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl")
UPLOADS_FOLDER = "uploads"
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class UploadResult:
    """What an upload did: ``ok`` false means the index is unchanged and ``problems`` say why."""

    ok: bool
    message: str
    problems: tuple[str, ...] = ()
    report: IngestReport | None = None


def ingest_uploads(
    index: Index,
    files: Sequence[str | Path],
    max_bytes: int,
    max_files: int,
    progress: Progress | None = None,
) -> UploadResult:
    """Check every file, then ingest them in one write; any bad file means nothing is ingested."""
    progress = progress or (lambda fraction, stage: None)
    paths = [Path(f) for f in files]
    if not paths:
        return UploadResult(False, "No file was uploaded.", ("choose one or more article files",))
    if len(paths) > max_files:
        return UploadResult(False, f"{len(paths)} files is more than {max_files} at once.", ("upload fewer files",))
    names = [path.name for path in paths]
    if len(set(names)) != len(names):
        return UploadResult(False, "Two uploaded files have the same name.", ("rename one of them",))
    progress(0.05, "Checking files")
    problems = [problem for path in paths for problem in _problems(path, max_bytes)]
    if problems:
        return UploadResult(False, "Nothing was added: fix these files and upload again.", tuple(problems))

    folder = index.directory / UPLOADS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    targets = [folder / name for name in names]
    previous = {target: target.read_bytes() for target in targets if target.exists()}
    try:
        for path, target in zip(paths, targets, strict=True):
            partial = target.with_name(f".{target.name}.partial")
            shutil.copyfile(path, partial)
            partial.replace(target)
        progress(0.2, f"Embedding {len(targets)} file(s)")
        report = index.add(targets, strict=True)
    except BaseException:
        _restore(targets, previous)
        raise
    if report.failed:
        _restore(targets, previous)
        failures = tuple(f"{Path(s.source).name}: {s.reason}" for s in report.skipped if s.failure)
        return UploadResult(False, "Nothing was added: fix these files and upload again.", failures, report)
    progress(1.0, "Done")
    notes = tuple(f"{Path(s.source).name}: {s.reason}" for s in report.skipped)
    return UploadResult(True, f"Added to the index: {report.summary()}", notes, report)


def _problems(path: Path, max_bytes: int) -> list[str]:
    """Why this file cannot be ingested, in words that name it; empty when it can."""
    name = path.name
    if name.startswith("."):
        return [f"{name}: hidden files are not read; rename it"]
    if path.suffix.lower() not in UPLOAD_SUFFIXES:
        return [f"{name}: {path.suffix or 'no extension'} is not an article format; use {', '.join(UPLOAD_SUFFIXES)}"]
    loaded = list(load_file(SourceFile(path), max_bytes))
    failures = [item for item in loaded if isinstance(item, Skipped) and item.failure]
    if failures:
        return [f"{name}: {failure.reason}" for failure in failures]
    if not any(not isinstance(item, Skipped) for item in loaded):
        return [f"{name}: no article found in it"]
    return []


def _restore(targets: Sequence[Path], previous: dict[Path, bytes]) -> None:
    """Put back the upload folder as it was: earlier versions restored, new files removed."""
    for target in targets:
        if target in previous:
            target.write_bytes(previous[target])
        else:
            target.unlink(missing_ok=True)
