"""The values that cross module boundaries: articles in, chunks stored, passages out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True)
class Article:
    """One news article, cleaned of page boilerplate.

    ``source`` is where it came from (a file path, with ``#n`` for the n-th object of a JSON file);
    ``id`` is stable across re-ingests of the same source, ``content_hash`` changes when its text or
    metadata does.
    """

    id: str
    title: str
    text: str
    source: str
    content_hash: str
    url: str | None = None
    published: dt.date | None = None
    outlet: str | None = None
    author: str | None = None
    dateline: str | None = None


class Chunk(NamedTuple):
    """A token-budgeted span ``text == article.text[start:end]`` of one article.

    A named tuple, not a dataclass: an index holds one per chunk, and tuples of plain values are invisible to
    Python's cyclic garbage collector, which would otherwise rescan 100,000 of them during searches.
    """

    id: int
    article_id: str
    ordinal: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ArticleInfo:
    """What the index keeps about an article besides its chunks' text."""

    id: str
    title: str
    source: str
    content_hash: str
    chunk_ids: tuple[int, ...]
    url: str | None = None
    published: dt.date | None = None
    outlet: str | None = None
    author: str | None = None
    dateline: str | None = None

    @classmethod
    def of(cls, article: Article, chunk_ids: tuple[int, ...]) -> ArticleInfo:
        return cls(
            id=article.id,
            title=article.title,
            source=article.source,
            content_hash=article.content_hash,
            chunk_ids=chunk_ids,
            url=article.url,
            published=article.published,
            outlet=article.outlet,
            author=article.author,
            dateline=article.dateline,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "content_hash": self.content_hash,
            "chunk_ids": list(self.chunk_ids),
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "outlet": self.outlet,
            "author": self.author,
            "dateline": self.dateline,
        }

    def listing_json(self) -> dict[str, Any]:
        """What a listing shows: the metadata and the number of chunks, not their ids."""
        return {k: v for k, v in self.to_json().items() if k != "chunk_ids"} | {"chunks": len(self.chunk_ids)}

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> ArticleInfo:
        published = row.get("published")
        return cls(
            id=row["id"],
            title=row["title"],
            source=row["source"],
            content_hash=row["content_hash"],
            chunk_ids=tuple(row["chunk_ids"]),
            url=row.get("url"),
            published=dt.date.fromisoformat(published) if published else None,
            outlet=row.get("outlet"),
            author=row.get("author"),
            dateline=row.get("dateline"),
        )


@dataclass(frozen=True)
class SourceRef:
    """Where a passage can be checked: the article, and the passage's character span in its text."""

    article_id: str
    title: str
    source: str
    start: int
    end: int
    url: str | None = None
    published: dt.date | None = None
    outlet: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "outlet": self.outlet,
            "start": self.start,
            "end": self.end,
        }

    def citation(self) -> str:
        """One line a reader can follow: title, outlet, date and where to find it."""
        parts = [f"“{self.title}”"]
        if self.outlet:
            parts.append(self.outlet)
        if self.published:
            parts.append(self.published.isoformat())
        parts.append(self.url or self.source)
        parts.append(f"chars {self.start}–{self.end}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its scores and its source; ``duplicates`` are syndicated copies folded into it."""

    chunk_id: int
    text: str
    score: float
    ref: SourceRef
    dense_score: float | None = None
    lexical_score: float | None = None
    duplicates: tuple[SourceRef, ...] = ()

    @property
    def article_id(self) -> str:
        return self.ref.article_id

    def to_json(self) -> dict[str, Any]:
        return {
            "chunk_id": self.chunk_id,
            "text": self.text,
            "score": self.score,
            "dense_score": self.dense_score,
            "lexical_score": self.lexical_score,
            **self.ref.to_json(),
            "duplicates": [dup.to_json() for dup in self.duplicates],
        }


@dataclass(frozen=True)
class SearchFilters:
    """Metadata filters applied inside retrieval; an article without a date never passes a date filter."""

    since: dt.date | None = None
    until: dt.date | None = None
    outlets: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.since or self.until or self.outlets)

    def admits(self, info: ArticleInfo) -> bool:
        if self.since or self.until:
            if info.published is None:
                return False
            if self.since and info.published < self.since:
                return False
            if self.until and info.published > self.until:
                return False
        if self.outlets:
            wanted = {outlet.casefold() for outlet in self.outlets}
            if (info.outlet or "").casefold() not in wanted:
                return False
        return True


@dataclass(frozen=True)
class Skipped:
    """An input that was not ingested, and why; ``failure`` is false for benign skips (a duplicate)."""

    source: str
    reason: str
    failure: bool = True


@dataclass
class IngestReport:
    """What one ingest did, article by article."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    chunks_added: int = 0
    chunks_removed: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return any(skip.failure for skip in self.skipped)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "skipped": [{"source": s.source, "reason": s.reason, "failure": s.failure} for s in self.skipped],
            "chunks_added": self.chunks_added,
            "chunks_removed": self.chunks_removed,
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len(self.skipped)} skipped "
            f"({self.chunks_added} chunks added, {self.chunks_removed} removed, {self.seconds:.1f}s)"
        )
