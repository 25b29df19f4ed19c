"""Main-text extraction from pages that have no <article>, and metadata fallbacks."""

from __future__ import annotations

from qa.index.html import extract_page


def test_densest_paragraph_block_wins_without_article_markup() -> None:
    page = b"""<html><head><title>Mayor opens market</title></head><body>
      <div id="menu"><p>Home</p><p>About</p></div>
      <div class="content"><p>The mayor opened the new covered market on Saturday morning.</p>
      <p>Forty traders have signed leases for the first year.</p></div>
      <div class="sidebar"><p>Most read: a cat rescued from a tree</p></div></body></html>"""
    extracted = extract_page(page)
    assert extracted.title == "Mayor opens market"
    assert extracted.text.splitlines() == [
        "The mayor opened the new covered market on Saturday morning.",
        "Forty traders have signed leases for the first year.",
    ]


def test_time_element_and_preformatted_text() -> None:
    page = b"""<html><body><article><h1>Release notes</h1><time datetime="2024-06-01">June 1</time>
      <p>Version 2 is out.</p><pre>line one
line two</pre></article></body></html>"""
    extracted = extract_page(page)
    assert extracted.published == "2024-06-01"
    assert "line one\nline two" in extracted.text
    assert not extracted.text.startswith("Release notes")  # the headline is the title, not body text


def test_charset_from_meta_is_honoured() -> None:
    page = (
        '<html><head><meta charset="iso-8859-1"></head>'
        "<body><article><p>Café owners protested the rent rise.</p></article></body></html>"
    )
    assert "Café owners" in extract_page(page.encode("latin-1")).text
