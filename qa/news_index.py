"""The index as an app uses it: open, add articles, delete, search. One object, safe to share across threads."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qa.config import QAConfig
from qa.errors import IndexNotFound
from qa.index.chunker import Chunker
from qa.index.embedder import Embedder
from qa.index.ingest import IngestPlan, apply_plan, from_file, plan_ingest, read_inputs
from qa.index.store import IndexMeta, IndexStore, Snapshot
from qa.retrieval.retriever import Retriever
from qa.types import Article, ArticleInfo, IngestReport, Passage, SearchFilters

if TYPE_CHECKING:
    from qa.retrieval.llama import NewsRetriever

log = logging.getLogger(__name__)


class Index:
    """A persistent news index in one directory.

    >>> index = Index("index")                                  # doctest: +SKIP
    >>> index.add(["seeds/"]).summary()                         # doctest: +SKIP
    '1 added, 0 updated, 0 unchanged, 0 removed, 0 skipped (6 chunks added, 0 removed, 2.1s)'
    >>> index.search("How many drones did Russia fire?", k=3)   # doctest: +SKIP

    Reads never block: a search uses the snapshot that was current when it started. Writes (add, delete) are
    serialized, within this process and across processes, and become visible all at once.
    """

    def __init__(
        self, directory: str | Path | None = None, config: QAConfig | None = None, embedder: Embedder | None = None
    ) -> None:
        config = config or QAConfig()
        if directory is not None:
            config = config.replace(index_dir=Path(directory))
        self.config = config
        self.directory = config.index_dir
        self.store = IndexStore(self.directory)
        self.embedder = embedder or Embedder(config.embed_model, config.embed_batch_size, config.embed_precision)
        self.chunker = Chunker(config.chunk_tokens, config.chunk_overlap)
        self._snapshot: Snapshot | None = None
        self._write_lock = threading.Lock()
        self._read_lock = threading.Lock()

    @classmethod
    def open(cls, directory: str | Path, config: QAConfig | None = None, embedder: Embedder | None = None) -> Index:
        """An existing index; raises :class:`IndexNotFound` or :class:`IndexCorrupt` naming the directory."""
        index = cls(directory, config, embedder)
        index.snapshot()
        return index

    def exists(self) -> bool:
        return self.store.exists()

    def snapshot(self) -> Snapshot:
        """The current generation, loaded once and reloaded when another process has written a newer one."""
        with self._read_lock:
            current = self.store.current_name()
            if self._snapshot is None or self._snapshot.name != current:
                snapshot = self.store.load()
                snapshot.meta.check_compatible(
                    self.config.embed_model, self.config.chunk_tokens, self.config.chunk_overlap, self.directory
                )
                self._snapshot = snapshot
            return self._snapshot

    # Writing

    def add(
        self, inputs: Iterable[str | Path], progress: bool = False, rebuild: bool = False, strict: bool = False
    ) -> IngestReport:
        """Ingest files, globs and folders. Re-adding an unchanged article does nothing; a changed one replaces
        its chunks; an article gone from a file that was read cleanly is removed. ``strict``: if any input fails,
        change nothing (the report still says what failed)."""
        started = time.perf_counter()

        def plan(base: Snapshot) -> IngestPlan:
            reads, skipped = read_inputs([str(i) for i in inputs], self.config.max_file_bytes, base.files)
            return plan_ingest(base, reads, skipped=skipped)

        return self._commit(plan, progress, rebuild, started, strict=strict)

    def add_articles(self, articles: Iterable[Article], progress: bool = False) -> IngestReport:
        """Ingest articles built in code (see :func:`qa.index.loaders.build_article`)."""
        started = time.perf_counter()
        batch = list(articles)
        return self._commit(lambda base: plan_ingest(base, [], loose_articles=batch), progress, False, started)

    def delete(self, article_ids: Sequence[str] = (), sources: Sequence[str | Path] = ()) -> IngestReport:
        """Remove articles by id, or every article read from the given files; unknown ones are reported skipped."""
        from qa.types import Skipped

        started = time.perf_counter()

        def plan(base: Snapshot) -> IngestPlan:
            result = IngestPlan()
            for article_id in article_ids:
                if article_id in base.articles:
                    result.removed_ids.add(article_id)
                else:
                    result.report.skipped.append(Skipped(article_id, "no article with this id in the index"))
            for source in sources:
                label = str(Path(source).expanduser().resolve())
                matched = [info.id for info in base.articles.values() if from_file(info.source, label)]
                if not matched:
                    result.report.skipped.append(Skipped(str(source), "no article from this source in the index"))
                result.removed_ids.update(matched)
            result.report.removed.extend(sorted(result.removed_ids))
            return result

        if not self.exists():
            raise IndexNotFound(
                f"no index in {self.directory}", f"build one: qa ingest seeds/ --index {self.directory}"
            )
        return self._commit(plan, False, False, started)

    def _commit(
        self,
        make_plan: Callable[[Snapshot], IngestPlan],
        progress: bool,
        rebuild: bool,
        started: float,
        strict: bool = False,
    ) -> IngestReport:
        with self._write_lock, self.store.writer_lock():
            base = self._empty() if rebuild or not self.exists() else self.snapshot()
            plan = make_plan(base)
            if strict and plan.report.failed:
                plan.report.seconds = time.perf_counter() - started
                return _nothing_applied(plan.report)
            # Nothing to change writes nothing: no new generation, and no empty index from a mistyped path.
            if plan.report.changed or rebuild:
                snapshot = apply_plan(base, plan, self.chunker, self.embedder, progress=progress)
                self.store.write(snapshot)
                with self._read_lock:
                    self._snapshot = snapshot
            plan.report.seconds = time.perf_counter() - started
            return plan.report

    def _empty(self) -> Snapshot:
        meta = IndexMeta(
            embed_model=self.config.embed_model,
            dimension=self.embedder.dimension,
            chunk_tokens=self.config.chunk_tokens,
            chunk_overlap=self.config.chunk_overlap,
        )
        return Snapshot.empty(meta)

    # Reading

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        mode: str | None = None,
    ) -> list[Passage]:
        """Ranked passages for ``query``; filters apply inside retrieval, syndicated copies are folded."""
        return Retriever(self.snapshot(), self.embedder, self.config).search(query, k=k, filters=filters, mode=mode)

    def articles(self) -> list[ArticleInfo]:
        """Every indexed article, newest first (undated last)."""
        infos = list(self.snapshot().articles.values())
        return sorted(
            infos,
            key=lambda info: (
                info.published is None,
                -(info.published.toordinal() if info.published else 0),
                info.title,
            ),
        )

    def article_text(self, article_id: str) -> str:
        return self.snapshot().texts[article_id]

    def __len__(self) -> int:
        return len(self.snapshot().chunks)

    def as_retriever(
        self, k: int | None = None, filters: SearchFilters | None = None, mode: str | None = None
    ) -> NewsRetriever:
        """This index as a LlamaIndex ``BaseRetriever`` (for query and chat engines)."""
        from qa.retrieval.llama import NewsRetriever

        return NewsRetriever(self, k=k, filters=filters, mode=mode)


def _nothing_applied(report: IngestReport) -> IngestReport:
    """The report of a strict ingest that was refused: what failed, and no changes."""
    return IngestReport(skipped=report.skipped, seconds=report.seconds)
