"""The corpus as the page shows it: a table of articles, filter choices, delete choices, example questions."""

from __future__ import annotations

from qa.news_index import Index
from qa.types import ArticleInfo
from qa.ui.render import count

CORPUS_COLUMNS = ["Title", "Published", "Outlet", "Chunks", "Source", "Id"]


def corpus_rows(index: Index) -> list[list[str | int]]:
    """One row per article, newest first (undated last)."""
    if not index.exists():
        return []
    return [
        [
            info.title,
            info.published.isoformat() if info.published else "",
            info.outlet or "",
            len(info.chunk_ids),
            info.source,
            info.id,
        ]
        for info in index.articles()
    ]


def corpus_summary(index: Index) -> str:
    if not index.exists():
        return "The index is empty: upload articles below."
    infos = index.articles()
    outlets = {info.outlet for info in infos if info.outlet}
    dates = sorted(info.published for info in infos if info.published)
    span = f", published {dates[0]} to {dates[-1]}" if dates else ""
    outlet_part = f", {count(len(outlets), 'outlet')}" if outlets else ""
    return f"{count(len(infos), 'article')}, {count(len(index), 'passage')}{outlet_part}{span}"


def outlet_choices(index: Index) -> list[str]:
    if not index.exists():
        return []
    return sorted({info.outlet for info in index.articles() if info.outlet}, key=str.casefold)


def delete_choices(index: Index) -> list[tuple[str, str]]:
    """(label, article id) pairs for the delete picker."""
    if not index.exists():
        return []
    return [(_label(info), info.id) for info in index.articles()]


def example_questions(index: Index, limit: int = 4) -> list[str]:
    """Questions the newest articles can answer, built from their datelines and headlines."""
    if not index.exists():
        return []
    questions: list[str] = []
    for info in index.articles():
        if info.dateline and info.published:
            questions.append(f"What happened in {_place(info.dateline)} on {_long_date(info)}?")
        questions.append(f"What does the report “{info.title}” say?")
        if len(questions) >= limit:
            break
    if len(index.articles()) > 1 and len(questions) < limit:
        questions.append("What is the latest news?")
    return list(dict.fromkeys(questions))[:limit]


def _label(info: ArticleInfo) -> str:
    date = info.published.isoformat() if info.published else "undated"
    return f"{info.title} ({date}, {info.id})"


def _place(dateline: str) -> str:
    return dateline.title() if dateline.isupper() else dateline


def _long_date(info: ArticleInfo) -> str:
    assert info.published is not None
    return f"{info.published:%B} {info.published.day}, {info.published.year}"
