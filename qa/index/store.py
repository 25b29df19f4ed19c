"""The index on disk: immutable generations, switched atomically, so a crash never leaves a half-written index.

Layout of an index directory::

    CURRENT            name of the live generation, replaced atomically (os.replace) after it is complete
    LOCK               held by the one process writing
    gen-000007/
        meta.json      format, embedder, chunking settings, the next unused chunk id
        articles.jsonl metadata, text and chunk ids of each article (the manifest)
        files.json     sha256 of each source file read cleanly (re-ingest skips unchanged files unread)
        chunks.jsonl   chunk id, article id, ordinal and character span in the article text
        vectors.faiss  IndexIDMap2 over IndexFlatIP: chunk ids are ours, never reused after a delete
        bm25/          the BM25 index, rows in chunks.jsonl order
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from qa.errors import IndexCorrupt, IndexLocked, IndexMismatch, IndexNotFound
from qa.types import ArticleInfo, Chunk

if TYPE_CHECKING:
    import faiss

    from qa.retrieval.lexical import LexicalIndex

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
CURRENT = "CURRENT"
LOCK = "LOCK"
_GENERATION_PREFIX = "gen-"


@dataclass(frozen=True)
class IndexMeta:
    """What a generation was built with; an index is only read with the same embedder and chunking."""

    embed_model: str
    dimension: int
    chunk_tokens: int
    chunk_overlap: int
    next_chunk_id: int = 0
    format: int = FORMAT_VERSION
    created: float = field(default_factory=time.time)

    def check_compatible(self, embed_model: str, chunk_tokens: int, chunk_overlap: int, directory: Path) -> None:
        built = (self.embed_model, self.chunk_tokens, self.chunk_overlap)
        wanted = (embed_model, chunk_tokens, chunk_overlap)
        if built != wanted:
            raise IndexMismatch(
                f"the index in {directory} was built with embed_model={built[0]}, chunk_tokens={built[1]}, "
                f"chunk_overlap={built[2]}, but the settings now say {wanted[0]}, {wanted[1]}, {wanted[2]}",
                f"restore those settings, or rebuild: qa ingest SOURCES --index {directory} --rebuild",
            )


@dataclass
class Snapshot:
    """One complete generation, in memory. Never mutated after it is built or loaded."""

    meta: IndexMeta
    articles: dict[str, ArticleInfo]
    texts: dict[str, str]
    chunks: dict[int, Chunk]
    vectors: faiss.IndexIDMap2
    lexical: LexicalIndex
    # Digest of each source file read cleanly, so re-ingesting an unchanged file skips parsing it.
    files: dict[str, str] = field(default_factory=dict)
    name: str = ""
    # Search structures derived from the vectors on first use (the snapshot never changes, so neither do they).
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def empty(cls, meta: IndexMeta) -> Snapshot:
        from qa.retrieval.lexical import LexicalIndex

        return cls(meta, {}, {}, {}, new_vector_index(meta.dimension), LexicalIndex.build([], []))

    def chunk_text(self, chunk_id: int) -> str:
        return self.chunks[chunk_id].text

    def article_of(self, chunk_id: int) -> ArticleInfo:
        return self.articles[self.chunks[chunk_id].article_id]

    def by_content_hash(self) -> dict[str, str]:
        return {info.content_hash: info.id for info in self.articles.values()}


def new_vector_index(dimension: int) -> faiss.IndexIDMap2:
    import faiss

    return faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))


def embedding_text(title: str, chunk_text: str) -> str:
    """What gets embedded and BM25-indexed for a chunk: news retrieval leans on the headline."""
    return f"{title}\n{chunk_text}" if title else chunk_text


class IndexStore:
    """Reads and writes generations of one index directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def exists(self) -> bool:
        return (self.directory / CURRENT).is_file()

    def current_name(self) -> str:
        try:
            name = (self.directory / CURRENT).read_text().strip()
        except FileNotFoundError:
            if self.directory.is_dir() and any(self.directory.iterdir()):
                raise IndexCorrupt(
                    f"{self.directory} holds files but no index ({CURRENT} is missing)",
                    f"point --index at an index directory, or rebuild: qa ingest SOURCES --index {self.directory}",
                ) from None
            raise IndexNotFound(
                f"no index in {self.directory}",
                f"build one: qa ingest seeds/ --index {self.directory}",
            ) from None
        if not name.startswith(_GENERATION_PREFIX) or not (self.directory / name).is_dir():
            raise self._corrupt(f"{CURRENT} names a missing generation {name!r}")
        return name

    def load(self) -> Snapshot:
        """The current generation. A writer may switch generations (and delete the old one) while we read: then
        the read is retried on the new one."""
        for _attempt in range(3):
            name = self.current_name()
            try:
                return self._load_generation(name)
            except IndexCorrupt:
                if self.current_name() == name:
                    raise
        return self._load_generation(self.current_name())

    def _load_generation(self, name: str) -> Snapshot:
        from qa.retrieval.lexical import LexicalIndex

        folder = self.directory / name
        try:
            meta = IndexMeta(**json.loads((folder / "meta.json").read_text()))
            articles: dict[str, ArticleInfo] = {}
            texts: dict[str, str] = {}
            for row in _read_jsonl(folder / "articles.jsonl"):
                info = ArticleInfo.from_json(row)
                articles[info.id] = info
                texts[info.id] = row["text"]
            chunks: dict[int, Chunk] = {}
            for row in _read_jsonl(folder / "chunks.jsonl"):
                text = texts[row["article_id"]][row["start"] : row["end"]]
                chunk = Chunk(row["id"], row["article_id"], row["ordinal"], row["start"], row["end"], text)
                chunks[chunk.id] = chunk
            vectors = _read_faiss(folder / "vectors.faiss")
            lexical = LexicalIndex.load(folder / "bm25")
            files = json.loads((folder / "files.json").read_text())
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            raise self._corrupt(f"generation {name} cannot be read ({type(exc).__name__}: {exc})") from exc
        if meta.format != FORMAT_VERSION:
            raise self._corrupt(f"index format {meta.format} is not the supported format {FORMAT_VERSION}")
        if vectors.ntotal != len(chunks) or len(lexical.chunk_ids) != len(chunks):
            raise self._corrupt(
                f"generation {name} is inconsistent: {len(chunks)} chunks, {vectors.ntotal} vectors, "
                f"{len(lexical.chunk_ids)} BM25 rows"
            )
        return Snapshot(meta, articles, texts, chunks, vectors, lexical, files, name)

    def load_meta(self) -> IndexMeta:
        folder = self.directory / self.current_name()
        try:
            return IndexMeta(**json.loads((folder / "meta.json").read_text()))
        except (OSError, ValueError, TypeError) as exc:
            raise self._corrupt(f"meta.json of {folder.name} cannot be read ({exc})") from exc

    def write(self, snapshot: Snapshot) -> str:
        """Write ``snapshot`` as a new generation and make it current; returns its name.

        Everything is written and fsynced in a temporary folder first; the switch is one atomic rename of
        ``CURRENT``. A crash before that rename leaves the previous generation live and untouched.
        """
        import faiss

        self.directory.mkdir(parents=True, exist_ok=True)
        name = self._next_name()
        staging = self.directory / f".{name}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        meta = snapshot.meta
        _write_text(staging / "meta.json", json.dumps(meta.__dict__, indent=1))
        _write_jsonl(
            staging / "articles.jsonl",
            ({**info.to_json(), "text": snapshot.texts[info.id]} for info in snapshot.articles.values()),
        )
        _write_jsonl(
            staging / "chunks.jsonl",
            (
                {"id": c.id, "article_id": c.article_id, "ordinal": c.ordinal, "start": c.start, "end": c.end}
                for c in (snapshot.chunks[cid] for cid in snapshot.lexical.chunk_ids)
            ),
        )
        _write_text(staging / "files.json", json.dumps(snapshot.files, indent=0))
        faiss.write_index(snapshot.vectors, str(staging / "vectors.faiss"))
        _fsync_file(staging / "vectors.faiss")
        snapshot.lexical.save(staging / "bm25")
        _fsync_dir(staging)
        os.replace(staging, self.directory / name)
        _fsync_dir(self.directory)
        pointer = self.directory / f".{CURRENT}.partial"
        _write_text(pointer, name + "\n")
        os.replace(pointer, self.directory / CURRENT)
        _fsync_dir(self.directory)
        snapshot.name = name
        self._remove_old(keep=name)
        return name

    def destroy(self) -> None:
        """Remove every generation (for --rebuild); the directory itself stays."""
        for entry in self.directory.iterdir() if self.directory.is_dir() else []:
            if entry.name == LOCK:
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()

    @contextlib.contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Exclusive across processes: two ingests into one index would lose each other's work."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / LOCK, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise IndexLocked(
                    f"another process is writing to the index in {self.directory}",
                    "wait for it to finish, then try again",
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _next_name(self) -> str:
        numbers = [
            int(p.name[len(_GENERATION_PREFIX) :])
            for p in self.directory.glob(f"{_GENERATION_PREFIX}*")
            if p.name[len(_GENERATION_PREFIX) :].isdigit()
        ]
        return f"{_GENERATION_PREFIX}{max(numbers, default=0) + 1:06d}"

    def _remove_old(self, keep: str) -> None:
        for entry in self.directory.iterdir():
            stale_generation = entry.name.startswith(_GENERATION_PREFIX) and entry.name != keep
            leftover = entry.name.endswith(".partial")
            if entry.is_dir() and (stale_generation or leftover):
                shutil.rmtree(entry, ignore_errors=True)

    def _corrupt(self, what: str) -> IndexCorrupt:
        return IndexCorrupt(
            f"the index in {self.directory} is damaged: {what}",
            f"rebuild it: qa ingest SOURCES --index {self.directory} --rebuild",
        )


def vectors_of(index: faiss.IndexIDMap2, chunk_ids: list[int]) -> np.ndarray:
    if not chunk_ids:
        return np.zeros((0, index.d), dtype=np.float32)
    return np.vstack([index.reconstruct(int(cid)) for cid in chunk_ids]).astype(np.float32)


def _read_faiss(path: Path) -> faiss.IndexIDMap2:
    import faiss

    return as_id_map(faiss.read_index(str(path)))


def as_id_map(index: faiss.Index) -> faiss.IndexIDMap2:
    """The index as the IndexIDMap2 it is (faiss hands back the base class from reads and clones)."""
    import faiss

    concrete = index if isinstance(index, faiss.IndexIDMap2) else faiss.downcast_index(index)
    if not isinstance(concrete, faiss.IndexIDMap2):
        raise ValueError(f"expected an IndexIDMap2, found {type(concrete).__name__}")
    return concrete


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _write_jsonl(path: Path, rows: Iterator[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _write_text(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
