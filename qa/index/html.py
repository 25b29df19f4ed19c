"""Main text and metadata of a news web page; navigation, comments, share bars and ads dropped."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qa.index.boilerplate import strip_boilerplate

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "iframe", "form", "button", "nav", "aside",
    "footer", "figure", "select", "input", "textarea", "dialog", "menu",
)  # fmt: skip
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alert"}
_DROP_CLASS = re.compile(
    r"(?:^|[\s_-])(?:byline|comments?|disqus|share|sharing|social|related|recommend\w*|newsletter|subscribe|signup|"
    r"advert\w*|ads?|promo|sponsor\w*|cookie\w*|consent|sidebar|sphinxsidebar|breadcrumbs?|menu|navbar|nav|"
    r"footer|masthead|popup|modal|paywall|tags|taglist|toolbar|skip-?link)(?:$|[\s_-])",
    re.I,
)
_DECLARED_CHARSET = re.compile(rb"<meta[^>]+charset|<\?xml[^>]+encoding", re.I)
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "header", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
    "blockquote", "pre", "dd", "dt", "dl", "table", "tr", "br", "hr", "figcaption", "caption", "address",
}  # fmt: skip


@dataclass(frozen=True)
class Page:
    """What a web page says about its article; any field may be missing."""

    title: str | None
    text: str
    url: str | None = None
    published: str | None = None
    outlet: str | None = None
    author: str | None = None


def extract_page(html: bytes | str) -> Page:
    """The article a page carries: metadata from meta tags and JSON-LD, text from its main content."""
    import lxml.html

    if isinstance(html, bytes) and not _DECLARED_CHARSET.search(html):
        # libxml2 reads a page that names no charset as Latin-1, turning UTF-8 "Café" into "CafÃ©".
        with contextlib.suppress(UnicodeDecodeError):
            html = html.decode("utf-8-sig")
    root = lxml.html.document_fromstring(html)
    meta = _meta(root)
    ld = _json_ld_article(root)
    main = _main_container(root)
    heading = _first_text(main, ".//h1") or _first_text(root, ".//h1")
    _drop_furniture(main)
    text = strip_boilerplate(_block_text(main))
    title = meta.get("og:title") or _str(ld.get("headline")) or heading or _first_text(root, ".//title")
    if title:
        title = _clean(title)
        # The page repeats its headline as the first line of the body.
        first, _, rest = text.partition("\n")
        if _clean(first) in {title, _clean(heading or "")}:
            text = rest.strip()
    return Page(
        title=title,
        text=text,
        url=_canonical_url(root) or meta.get("og:url") or _str(ld.get("url")),
        published=(
            meta.get("article:published_time")
            or _str(ld.get("datePublished"))
            or next(
                (meta[k] for k in ("pubdate", "publishdate", "date", "dc.date", "dc.date.issued") if k in meta), None
            )
            or _first_attr(root, ".//time[@datetime]", "datetime")
        ),
        outlet=meta.get("og:site_name") or _str(_name(ld.get("publisher"))),
        author=meta.get("author") or meta.get("article:author") or _str(_name(ld.get("author"))),
    )


def _meta(root: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        content = (element.get("content") or "").strip()
        if key and content and key not in found:
            found[key] = content
    return found


def _json_ld_article(root: HtmlElement) -> dict[str, Any]:
    for script in root.xpath('.//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content())
        except ValueError:
            continue
        for node in _walk_ld(data):
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.endswith("Article") for k in kinds):
                return node
    return {}


def _walk_ld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk_ld(item)
    elif isinstance(data, dict):
        yield data
        yield from _walk_ld(data.get("@graph", []))


def _name(value: Any) -> Any:
    if isinstance(value, list):
        names = [_name(v) for v in value]
        return ", ".join(n for n in names if isinstance(n, str)) or None
    if isinstance(value, dict):
        return value.get("name")
    return value


def _main_container(root: HtmlElement) -> HtmlElement:
    """The element holding the article: <article>, <main>, role=main, articleBody, else the densest <p> parent."""
    for path in (
        './/*[@itemprop="articleBody"]',
        ".//article",
        ".//main",
        './/*[@role="main"]',
    ):
        candidates = root.xpath(path)
        if candidates:
            return max(candidates, key=lambda el: len(el.text_content()))
    scores: dict[HtmlElement, int] = {}
    for paragraph in root.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + len(paragraph.text_content())
    if scores:
        return max(scores, key=lambda el: scores[el])
    body = root.find("body")
    return body if body is not None else root


def _drop_furniture(container: HtmlElement) -> None:
    doomed = []
    for element in container.iter():
        if not isinstance(element.tag, str):  # comments, processing instructions
            doomed.append(element)
            continue
        attrs = f"{element.get('class', '')} {element.get('id', '')}"
        if (
            element.tag in _DROP_TAGS
            or (element.get("role") or "").lower() in _DROP_ROLES
            or (element.tag != "body" and _DROP_CLASS.search(attrs))
            or element.get("hidden") is not None
            or element.get("aria-hidden") == "true"
        ):
            doomed.append(element)
    for element in doomed:
        if element is not container and element.getparent() is not None:
            element.drop_tree()


def _block_text(container: HtmlElement) -> str:
    parts: list[str] = []

    # Source line breaks are not text breaks (except in <pre>); block elements are.
    def walk(element: HtmlElement, preformatted: bool) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        preformatted = preformatted or tag == "pre"
        block = tag in _BLOCK_TAGS
        if block:
            parts.append(_BREAK)
        if element.text:
            parts.append(_inline(element.text, preformatted))
        for child in element:
            walk(child, preformatted)
            if child.tail:
                parts.append(_inline(child.tail, preformatted))
        if block:
            parts.append(_BREAK)

    walk(container, False)
    lines = (" ".join(line.split()).rstrip(" ¶") for line in "".join(parts).split(_BREAK))
    return "\n".join(line for line in lines if line)


_BREAK = "\x00"


def _inline(text: str, preformatted: bool) -> str:
    return text.replace("\n", _BREAK) if preformatted else " ".join(text.split(" ")).replace("\n", " ")


def _first_text(root: HtmlElement, path: str) -> str | None:
    found = root.find(path)
    text = _clean(found.text_content()) if found is not None else ""
    return text or None


def _first_attr(root: HtmlElement, path: str, attribute: str) -> str | None:
    found = root.find(path)
    return found.get(attribute) if found is not None else None


def _canonical_url(root: HtmlElement) -> str | None:
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return link.get("href")
    return None


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _clean(text: str) -> str:
    # Sphinx and many CMSs append permalink anchors (¶, #) to headings.
    return " ".join(text.replace("¶", " ").split()).rstrip(" #")
