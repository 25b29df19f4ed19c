"""Re-ingest without duplicates: diff incoming articles against the manifest, embed only what changed,
and build the next snapshot (the store then writes it atomically)."""

from __future__ import annotations

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
class IngestPlan:
    """What an ingest will change: articles to (re)index and article ids to drop."""

    new_articles: list[Article] = field(default_factory=list)
    removed_ids: set[str] = field(default_factory=set)
    report: IngestReport = field(default_factory=IngestReport)


def read_inputs(
    inputs: Iterable[str], max_bytes: int
) -> tuple[list[tuple[SourceFile, list[Article], bool]], list[Skipped]]:
    """Articles per file (with whether the whole file was read cleanly) and what was skipped."""
    files: list[tuple[SourceFile, list[Article], bool]] = []
    skipped: list[Skipped] = []
    for found in find_files(inputs):
        if isinstance(found, Skipped):
            skipped.append(found)
            continue
        articles: list[Article] = []
        clean = True
        for loaded in load_file(found, max_bytes):
            if isinstance(loaded, Skipped):
                skipped.append(loaded)
                clean = False
            else:
                articles.append(loaded)
        files.append((found, articles, clean))
    return files, skipped


def plan_ingest(
    base: Snapshot,
    files: list[tuple[SourceFile, list[Article], bool]],
    loose_articles: Iterable[Article] = (),
    skipped: Iterable[Skipped] = (),
) -> IngestPlan:
    """Classify each article as added, updated, unchanged or skipped (same text already indexed), and find
    articles that vanished from a file read cleanly (removed)."""
    plan = IngestPlan()
    plan.report.skipped.extend(skipped)
    by_hash = base.by_content_hash()
    seen: set[str] = set()
    groups = [(articles, source, clean) for source, articles, clean in files] + [(list(loose_articles), None, False)]
    for articles, source, clean in groups:
        for article in articles:
            if article.id in seen:
                plan.report.skipped.append(
                    Skipped(article.source, f"repeats article {article.id} of this input", failure=False)
                )
                continue
            seen.add(article.id)
            existing = base.articles.get(article.id)
            twin = by_hash.get(article.content_hash)
            if existing and existing.content_hash == article.content_hash:
                plan.report.unchanged.append(article.id)
            elif twin and twin != article.id:
                plan.report.skipped.append(
                    Skipped(
                        article.source,
                        f"same article as {twin} ({base.articles[twin].source}), already indexed",
                        failure=False,
                    )
                )
            else:
                (plan.report.updated if existing else plan.report.added).append(article.id)
                plan.new_articles.append(article)
                if existing:
                    plan.removed_ids.add(article.id)
        if source is not None and clean:
            for info in base.articles.values():
                if _from_file(info.source, source.label) and info.id not in seen:
                    plan.removed_ids.add(info.id)
                    plan.report.removed.append(info.id)
    return plan


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
    plan.report.chunks_added = len(new_chunks)
    plan.report.chunks_removed = len(removed_chunks)
    log.info("indexed %d chunks in %.1fs", len(new_chunks), time.perf_counter() - started)
    return Snapshot(
        replace(base.meta, next_chunk_id=next_id, created=time.time()), articles, texts, chunks, index, lexical
    )


def _from_file(article_source: str, file_label: str) -> bool:
    return article_source == file_label or article_source.startswith((f"{file_label}#", f"{file_label}:"))
