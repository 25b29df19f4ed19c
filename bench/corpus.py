"""The benchmark corpus: real HTML pages from Debian's Python and PostgreSQL documentation packages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qa.index.loaders import SourceFile, load_file
from qa.types import Article

DOC_ROOTS = (Path("/usr/share/doc/python3.11/html"), Path("/usr/share/doc/postgresql-doc-15/html"))
# Generated index and search pages are lists of links, not documents.
_NOT_DOCUMENTS = ("genindex", "modindex", "search.html", "bookindex.html", "contents.html")
# Pages longer than this (extracted text) are left out so that the three pipelines finish in minutes.
MAX_TEXT_CHARS = 8_000


@dataclass(frozen=True)
class Corpus:
    files: list[Path]
    articles: list[Article]
    pages_available: int

    @property
    def characters(self) -> int:
        return sum(len(article.text) for article in self.articles)


def html_pages() -> list[Path]:
    pages: list[Path] = []
    for root in DOC_ROOTS:
        if not root.is_dir():
            raise SystemExit(f"bench corpus missing: {root} (run: bash bench/prepare.sh)")
        pages.extend(
            path
            for path in sorted(root.rglob("*.html"))
            if not any(part.startswith("_") for part in path.relative_to(root).parts)
            and not path.name.startswith(_NOT_DOCUMENTS)
        )
    return pages


def select_corpus(documents: int) -> Corpus:
    """``documents`` pages spread evenly over the sorted list of pages whose text is at most MAX_TEXT_CHARS."""
    pages = html_pages()
    eligible: list[tuple[Path, Article]] = []
    for page in pages:
        for loaded in load_file(SourceFile(page.resolve()), max_bytes=50_000_000):
            if isinstance(loaded, Article) and len(loaded.text) <= MAX_TEXT_CHARS:
                eligible.append((page, loaded))
    if len(eligible) < documents:
        raise SystemExit(f"only {len(eligible)} eligible pages, asked for {documents}")
    step = len(eligible) / documents
    chosen = [eligible[int(i * step)] for i in range(documents)]
    return Corpus([page for page, _ in chosen], [article for _, article in chosen], len(pages))
