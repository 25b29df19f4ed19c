"""Files in, articles out: .txt, .md, .html, .json and .jsonl, single files, globs or whole folders.

JSON fields (first alias present wins; matching ignores case):

==========  ==============================================================
title       title, headline, name
text        text, body, content, article, maintext, description
url         url, link, href, canonical_url
published   published, published_at, publishedAt, date, pubDate, datetime, publish_date, created_at
outlet      outlet, source, publisher, site, site_name, sitename, domain
author      author, authors, byline, creator
==========  ==============================================================

A JSON file holds one article object, a list of them (the MultiHop-RAG corpus shape), or an object with a
list under ``articles``, ``data``, ``items`` or ``documents``; a .jsonl file holds one object per line.
"""

from __future__ import annotations

import glob
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.index.boilerplate import strip_boilerplate
from qa.index.html import extract_page
from qa.index.metadata import (
    article_id,
    content_hash,
    date_in_filename,
    parse_date,
    parse_dateline,
    split_front_matter,
)
from qa.types import Article, Skipped

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl")
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "text": ("text", "body", "content", "article", "maintext", "description"),
    "url": ("url", "link", "href", "canonical_url"),
    "published": (
        "published",
        "published_at",
        "publishedat",
        "date",
        "pubdate",
        "datetime",
        "publish_date",
        "created_at",
    ),
    "outlet": ("outlet", "source", "publisher", "site", "site_name", "sitename", "domain"),
    "author": ("author", "authors", "byline", "creator"),
}
_LIST_KEYS = ("articles", "data", "items", "documents")
_MIN_TEXT_CHARS = 20


@dataclass(frozen=True)
class SourceFile:
    """A file to read, with the name it is reported under."""

    path: Path

    @property
    def label(self) -> str:
        return str(self.path)


def find_files(inputs: Iterable[str | Path]) -> Iterator[SourceFile | Skipped]:
    """Expand paths, globs and folders (recursively, hidden entries skipped) into files, each once."""
    seen: set[Path] = set()
    for raw in inputs:
        text = str(raw)
        path = Path(text).expanduser()
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p.relative_to(path)))
            candidates = [p for p in candidates if p.suffix.lower() in SUPPORTED_SUFFIXES]
        elif path.is_file():
            candidates = [path]
        elif glob.has_magic(text):
            candidates = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
            if not candidates:
                yield Skipped(text, "the pattern matches no file")
                continue
        else:
            yield Skipped(text, "no such file or folder")
            continue
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield SourceFile(resolved)


def load_file(source: SourceFile, max_bytes: int) -> Iterator[Article | Skipped]:
    """The articles in one file, or why it (or one of its records) was skipped."""
    path = source.path
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield Skipped(source.label, f"unsupported file type {suffix or '(none)'}; use {', '.join(SUPPORTED_SUFFIXES)}")
        return
    try:
        size = path.stat().st_size
        if size == 0:
            yield Skipped(source.label, "empty file")
            return
        if size > max_bytes:
            yield Skipped(source.label, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (max_file_bytes)")
            return
        raw = path.read_bytes()
    except OSError as exc:
        yield Skipped(source.label, f"cannot read: {exc.strerror or exc}")
        return
    if b"\x00" in raw[:8192]:
        yield Skipped(source.label, "binary file, not text")
        return
    if suffix in (".html", ".htm"):
        yield _checked(_article_from_html(raw, path), source.label)
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield Skipped(source.label, f"not UTF-8 text (bad byte at offset {exc.start}); re-save it as UTF-8")
        return
    if suffix == ".json":
        yield from _articles_from_json(text, path, source.label)
    elif suffix == ".jsonl":
        yield from _articles_from_jsonl(text, path, source.label)
    else:
        yield _checked(_article_from_text(text, path, markdown=suffix in (".md", ".markdown")), source.label)


def build_article(
    *,
    title: str | None,
    text: str,
    identity: str,
    source: str,
    url: str | None = None,
    published: object = None,
    outlet: str | None = None,
    author: str | None = None,
    fallback_year: int | None = None,
) -> Article:
    """An article with its id, hash and the metadata its dateline adds (place, date, outlet)."""
    text = strip_boilerplate(text)
    dateline = parse_dateline(text)
    date = parse_date(published)
    if date is None and dateline is not None:
        date = dateline.date(fallback_year)
    if outlet is None and dateline is not None:
        outlet = dateline.outlet
    title = " ".join((title or "").split()) or _first_words(text)
    fields = {"title": title, "text": text, "url": url, "published": date, "outlet": outlet, "author": author}
    return Article(
        id=article_id(identity),
        title=title,
        text=text,
        source=source,
        content_hash=content_hash(**fields),
        url=url,
        published=date,
        outlet=outlet,
        author=author,
        dateline=dateline.place if dateline else None,
    )


def _article_from_text(text: str, path: Path, markdown: bool) -> Article:
    front, body = split_front_matter(text)
    if markdown:
        body = _plain_markdown(body)
    lines = body.strip().splitlines()
    title = front.get("title")
    if title and lines and " ".join(lines[0].split()) == " ".join(title.split()):
        lines = lines[1:]  # the body repeats its title as a heading
    elif not title and len(lines) > 1 and parse_dateline(lines[0]) is None:
        # The first line is the title, unless it is the whole story or a wire story's opening paragraph.
        title, lines = lines[0].strip(), lines[1:]
    file_date = date_in_filename(path.name)
    url = front.get("url")
    return build_article(
        title=title,
        text="\n".join(lines),
        identity=f"url:{url}" if url else f"file:{path}",
        source=str(path),
        url=url,
        published=front.get("published") or front.get("date") or file_date,
        outlet=front.get("outlet") or front.get("source"),
        author=front.get("author"),
        fallback_year=file_date.year if file_date else None,
    )


def _article_from_html(raw: bytes, path: Path) -> Article:
    page = extract_page(raw)
    url = page.url if page.url and not page.url.startswith("file:") else None
    file_date = date_in_filename(path.name)
    return build_article(
        title=page.title,
        text=page.text,
        identity=f"url:{url}" if url else f"file:{path}",
        source=str(path),
        url=url,
        published=page.published or file_date,
        outlet=page.outlet,
        author=page.author,
        fallback_year=file_date.year if file_date else None,
    )


def _articles_from_json(text: str, path: Path, label: str) -> Iterator[Article | Skipped]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Skipped(label, f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")
        return
    if isinstance(data, dict):
        nested = next((data[k] for k in _LIST_KEYS if isinstance(data.get(k), list)), None)
        records = nested if nested is not None else [data]
    elif isinstance(data, list):
        records = data
    else:
        yield Skipped(label, "JSON must be an article object or a list of them")
        return
    if not records:
        yield Skipped(label, "no articles: the JSON list is empty")
        return
    for number, record in enumerate(records, start=1):
        yield _article_from_record(record, path, f"{label}#{number}")


def _articles_from_jsonl(text: str, path: Path, label: str) -> Iterator[Article | Skipped]:
    found = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = True
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(f"{label}:{number}", f"malformed JSON line: {exc.msg}")
            continue
        yield _article_from_record(record, path, f"{label}:{number}")
    if not found:
        yield Skipped(label, "no JSON lines in file")


def _article_from_record(record: Any, path: Path, label: str) -> Article | Skipped:
    if not isinstance(record, dict):
        return Skipped(label, "not a JSON object")
    fields = {key.lower(): value for key, value in record.items()}

    def pick(name: str) -> Any:
        return next((fields[a] for a in FIELD_ALIASES[name] if fields.get(a) not in (None, "", [])), None)

    body = pick("text")
    if not isinstance(body, str):
        return Skipped(label, f"no article text (one of the fields {', '.join(FIELD_ALIASES['text'])})")
    title = _as_text(pick("title"))
    url = _as_text(pick("url"))
    key = f"url:{url}" if url else f"file:{path}#{title or label.rsplit('#', 1)[-1]}"
    return _checked(
        build_article(
            title=title,
            text=body,
            identity=key,
            source=label,
            url=url,
            published=pick("published"),
            outlet=_as_text(pick("outlet")),
            author=_as_text(pick("author")),
        ),
        label,
    )


def _checked(article: Article, label: str) -> Article | Skipped:
    if len(article.text.strip()) < _MIN_TEXT_CHARS:
        return Skipped(label, "no article text found (empty after removing page boilerplate)")
    return article


def _as_text(value: Any) -> str | None:
    if isinstance(value, list):
        names = [_as_text(v) for v in value]
        return ", ".join(n for n in names if n) or None
    if isinstance(value, dict):
        return _as_text(value.get("name"))
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _plain_markdown(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links keep their words
    text = re.sub(r"^\s{0,3}#{1,6}\s+", "", text, flags=re.M)  # heading marks
    text = re.sub(r"^\s{0,3}>\s?", "", text, flags=re.M)  # block quotes
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)  # bold
    return text


def _first_words(text: str, count: int = 12) -> str:
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def _hidden(relative: Path) -> bool:
    return any(part.startswith((".", "_")) for part in relative.parts)
