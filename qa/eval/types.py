"""Gold data as the harness reads it, whatever file format it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qa.types import Article


@dataclass(frozen=True)
class EvidenceRef:
    """One piece of gold evidence: how to find its article in an index (any of id, url, title, file stem), and
    optionally the sentence or fact in it that supports the answer."""

    article_id: str | None = None
    url: str | None = None
    title: str | None = None
    source_stem: str | None = None
    quote: str | None = None


@dataclass(frozen=True)
class GoldQuestion:
    """A question with its acceptable answers; ``answerable`` false means the right reply is an abstention."""

    id: str
    question: str
    answers: tuple[str, ...] = ()
    answerable: bool = True
    # Question type for the breakdown: ours ("number", "who", ...), MultiHop-RAG's ("inference_query", ...), or
    # "unanswerable"/"answerable" for SQuAD.
    type: str = "unknown"
    evidence: tuple[EvidenceRef, ...] = ()


@dataclass(frozen=True)
class GoldSet:
    """Questions and the corpus they are asked of: files to ingest and/or articles built in code."""

    name: str
    format: str
    questions: tuple[GoldQuestion, ...]
    corpus_files: tuple[Path, ...] = ()
    corpus_articles: tuple[Article, ...] = field(default_factory=tuple)
