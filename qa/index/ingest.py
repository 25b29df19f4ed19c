"""Re-ingest without duplicates: diff incoming articles against the manifest, embed only what changed,
and build the next snapshot (the store then writes it atomically)."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np

from qa.index.chunker import Chunker
from qa.index.embedder import Embedder
from qa.index.loaders import SourceFile, find_files, load_file
from qa.index.store import Snapshot, as_id_map, embedding_text
from qa.retrieval.lexical import LexicalIndex
from qa.types import Article, ArticleInfo, Chunk, IngestReport, Skipped

log = logging.getLogger(__name__)


@dataclass
class FileRead:
    """One input file: its articles, whether every record in it loaded, and its digest.

    ``unchanged`` means the digest matches the one recorded when the file was last ingested cleanly, so the
    file was not parsed at all and ``articles`` is empty.
    """

    source: SourceFile
    digest: str
    articles: list[Article] = field(default_factory=list)
    clean: bool = True
    unchanged: bool = False


@dataclass
class IngestPlan:
    """What an ingest will change: articles to (re)index, article ids to drop, file digests to record."""

    new_articles: list[Article] = field(default_factory=list)
    removed_ids: set[str] = field(default_factory=set)
    file_digests: dict[str, str] = field(default_factory=dict)
    report: IngestReport = field(default_factory=IngestReport)


def read_inputs(
    inputs: Iterable[str], max_bytes: int, known_files: dict[str, str] | None = None
) -> tuple[list[FileRead], list[Skipped]]:
    """Every input file, parsed unless its digest is in ``known_files``, and what was skipped."""
    known_files = known_files or {}
    reads: list[FileRead] = []
    skipped: list[Skipped] = []
    for found in find_files(inputs):
        if isinstance(found, Skipped):
            skipped.append(found)
            continue
        digest = _digest(found)
        if digest is not None and known_files.get(found.label) == digest:
            reads.append(FileRead(found, digest, unchanged=True))
            continue
        read = FileRead(found, digest or "")
        for loaded in load_file(found, max_bytes):
            if isinstance(loaded, Skipped):
                skipped.append(loaded)
                read.clean = False
            else:
                read.articles.append(loaded)
        reads.append(read)
    return reads, skipped


def plan_ingest(
    base: Snapshot,
    reads: list[FileRead],
    loose_articles: Iterable[Article] = (),
    skipped: Iterable[Skipped] = (),
) -> IngestPlan:
    """Classify each article as added, updated, unchanged or skipped (same text already indexed), and find
    articles that vanished from a file read cleanly (removed)."""
    plan = IngestPlan()
    plan.report.skipped.extend(skipped)
    by_hash = base.by_content_hash()
    seen: set[str] = set()
    for read in reads:
        if read.unchanged:
            ids = [info.id for info in base.articles.values() if from_file(info.source, read.source.label)]
            plan.report.unchanged.extend(ids)
            seen.update(ids)
            continue
        for article in read.articles:
            _classify(article, base, by_hash, seen, plan)
        if read.clean:
            plan.file_digests[read.source.label] = read.digest
            for info in base.articles.values():
                if from_file(info.source, read.source.label) and info.id not in seen:
                    plan.removed_ids.add(info.id)
                    plan.report.removed.append(info.id)
    for article in loose_articles:
        _classify(article, base, by_hash, seen, plan)
    return plan


def _classify(article: Article, base: Snapshot, by_hash: dict[str, str], seen: set[str], plan: IngestPlan) -> None:
    if article.id in seen:
        plan.report.skipped.append(
            Skipped(article.source, f"repeats article {article.id} of this input", failure=False)
        )
        return
    seen.add(article.id)
    existing = base.articles.get(article.id)
    twin = by_hash.get(article.content_hash)
    if existing and existing.content_hash == article.content_hash:
        plan.report.unchanged.append(article.id)
    elif twin and twin != article.id:
        where = base.articles[twin].source
        plan.report.skipped.append(
            Skipped(article.source, f"same article as {twin} ({where}), already indexed", failure=False)
        )
    else:
        (plan.report.updated if existing else plan.report.added).append(article.id)
        plan.new_articles.append(article)
        if existing:
            plan.removed_ids.add(article.id)


def apply_plan(
    base: Snapshot, plan: IngestPlan, chunker: Chunker, embedder: Embedder, progress: bool = False
) -> Snapshot:
    """The next snapshot: ``base`` without removed articles, with new ones chunked and embedded."""
    import faiss

    started = time.perf_counter()
    next_id = base.meta.next_chunk_id
    new_chunks: list[Chunk] = []
    infos: dict[str, ArticleInfo] = {}
    for article in plan.new_articles:
        ids = []
        for ordinal, span in enumerate(chunker.split(article.text)):
            new_chunks.append(
                Chunk(next_id, article.id, ordinal, span.start, span.end, article.text[span.start : span.end])
            )
            ids.append(next_id)
            next_id += 1
        infos[article.id] = ArticleInfo.of(article, tuple(ids))
    titles = {article.id: article.title for article in plan.new_articles}
    vectors = embedder.embed_documents(
        [embedding_text(titles[c.article_id], c.text) for c in new_chunks], progress=progress
    )

    removed_chunks = {cid for aid in plan.removed_ids for cid in base.articles[aid].chunk_ids}
    index = as_id_map(faiss.clone_index(base.vectors))
    if removed_chunks:
        index.remove_ids(np.fromiter(removed_chunks, dtype=np.int64))  # type: ignore[arg-type]  # SWIG overload
    if new_chunks:
        index.add_with_ids(vectors, np.array([c.id for c in new_chunks], dtype=np.int64))

    articles = {aid: info for aid, info in base.articles.items() if aid not in plan.removed_ids}
    articles.update(infos)
    texts = {aid: text for aid, text in base.texts.items() if aid in articles}
    texts.update({article.id: article.text for article in plan.new_articles})
    chunks = {cid: chunk for cid, chunk in base.chunks.items() if cid not in removed_chunks}
    chunks.update({chunk.id: chunk for chunk in new_chunks})
    order = [cid for cid in base.lexical.chunk_ids if cid in chunks] + [c.id for c in new_chunks]
    lexical = LexicalIndex.build(
        order, [embedding_text(articles[chunks[cid].article_id].title, chunks[cid].text) for cid in order]
    )
    # A file whose article was removed must be read again next time, or re-ingesting it would not restore it.
    touched = {base.articles[aid].source for aid in plan.removed_ids}
    files = {
        label: digest for label, digest in base.files.items() if not any(from_file(source, label) for source in touched)
    }
    files.update(plan.file_digests)
    plan.report.chunks_added = len(new_chunks)
    plan.report.chunks_removed = len(removed_chunks)
    log.info("indexed %d chunks in %.1fs", len(new_chunks), time.perf_counter() - started)
    meta = replace(base.meta, next_chunk_id=next_id, created=time.time())
    return Snapshot(meta, articles, texts, chunks, index, lexical, files)


def from_file(article_source: str, file_label: str) -> bool:
    """Whether an article with this source was read from this file (JSON records carry #n or :n)."""
    return article_source == file_label or article_source.startswith((f"{file_label}#", f"{file_label}:"))


def _digest(source: SourceFile) -> str | None:
    try:
        return hashlib.sha256(source.path.read_bytes()).hexdigest()
    except OSError:
        return None  # load_file reports why
