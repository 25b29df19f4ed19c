"""Answers, sources and articles as HTML: text is always escaped, links only http(s), marks well formed."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

from qa.answer.types import Answer, AnswerSentence, Citation, Evidence, Source, Timings
from qa.types import Passage, SourceRef
from qa.ui import render

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'
ARTICLE = "First sentence here. Second sentence with 550 drones. Third one."


class _Tags(HTMLParser):
    """Collects start tags and attributes, and checks every tag is closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.balanced = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.balanced = False


def parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def make_source(number: int = 1, title: str = "Kyiv attack", url: str | None = "https://example.com/a") -> Source:
    ref = SourceRef("a1", title, "/seeds/a.txt", 0, len(ARTICLE), url, dt.date(2025, 7, 4), "Reuters")
    evidence = (Evidence("a1", 21, 53, "Second sentence with 550 drones."),)
    return Source(number, ref, evidence, Passage(1, ARTICLE, 0.9, ref))


def make_answer(sentences: tuple[AnswerSentence, ...], abstained: bool = False, source: Source | None = None) -> Answer:
    source = source or make_source()
    return Answer(
        question="How many drones?",
        search_query="How many drones?",
        text="The articles do not say." if abstained else " ".join(s.rendered() for s in sentences),
        sentences=sentences,
        sources=(source,),
        abstained=abstained,
        backend="extractive",
        abstain_reason="no passage is close enough to the question" if abstained else None,
        timings=Timings(total=0.2),
    )


def verified(text: str, number: int = 1) -> AnswerSentence:
    quote = Evidence("a1", 21, 53, "Second sentence with 550 drones.")
    return AnswerSentence(text, (Citation(number, "a1", 0.9, (quote,)),), verified=True)


def test_text_is_escaped_and_on_one_line() -> None:
    assert render.text('a <b> & "c"\n\nd') == "a &lt;b&gt; &amp; &quot;c&quot; d"


def test_answer_markup_has_only_our_tags_and_no_script_or_handlers() -> None:
    source = make_source(title=EVIL)
    answer = make_answer((verified(EVIL), AnswerSentence(EVIL, problem=EVIL)), source=source)
    html = render.answer_html(answer, turn=0)
    parsed = parse(html)
    assert parsed.balanced
    assert {tag for tag, _ in parsed.tags} <= {"div", "p", "span", "a", "ul", "li"}
    assert not any(name.startswith("on") for _, attrs in parsed.tags for name in attrs)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "\n" not in html  # one line: the chat's Markdown renderer leaves an HTML block alone


def test_citation_links_name_the_answer_source_and_sentence() -> None:
    answer = make_answer((verified("One."), verified("Two.", number=1)))
    links = re.findall(r'href="(#qa-[^"]+)"', render.answer_html(answer, turn=3))
    assert "#qa-cite-3-1-0" in links and "#qa-cite-3-1-1" in links
    assert "#qa-source-3-1" in links  # the source list entry opens the article too


def test_unverified_sentence_is_flagged_with_its_reason() -> None:
    answer = make_answer((verified("Yes."), AnswerSentence("Made up.", problem="number 600 not in source")))
    html = render.answer_html(answer, turn=0)
    assert 'class="qa-sentence qa-unverified"' in html
    assert "unverified: number 600 not in source" in html


def test_abstention_is_distinct_and_lists_closest_sources() -> None:
    html = render.answer_html(make_answer((), abstained=True), turn=0)
    assert "qa-abstained" in html and render.NOT_IN_ARTICLES_TITLE in html
    assert "no passage is close enough" in html
    assert "Closest sources" in html and "#qa-source-0-1" in html


def test_source_line_has_outlet_date_and_only_http_links() -> None:
    html = render.answer_html(make_answer((verified("Yes."),)), turn=0)
    assert "Reuters" in html and "2025-07-04" in html and 'href="https://example.com/a"' in html
    for url in ("javascript:alert(1)", "data:text/html,<b>x</b>", "JaVaScRiPt:alert(1)"):
        evil = make_answer((verified("Yes."),), source=make_source(url=url))
        assert "qa-url" not in render.answer_html(evil, turn=0)


def test_article_panel_marks_the_supporting_sentence_inside_the_passage() -> None:
    source = make_source()
    quote = source.evidence[0]
    html = render.article_html(source.ref, ARTICLE, render.evidence_highlights(source, (quote,)), "Claim.", 1)
    parsed = parse(html)
    assert parsed.balanced
    marked = re.findall(r'<mark class="qa-support" id="qa-first-support">([^<]*)</mark>', html)
    assert marked == ["Second sentence with 550 drones."]
    assert "Cited for: “Claim.”" in html


def test_overlapping_highlights_nest_and_keep_the_text_whole() -> None:
    highlights = [
        render.Highlight(0, 30, "passage"),
        render.Highlight(10, 40, "support"),
        render.Highlight(35, 50, "evidence"),
    ]
    html = render.article_html(make_source().ref, ARTICLE, highlights)
    assert parse(html).balanced
    assert re.sub(r"<[^>]+>", "", html).count(ARTICLE) == 1


def test_article_text_is_escaped_in_the_panel() -> None:
    evil_text = f"Before. {EVIL} After."
    ref = SourceRef("a1", EVIL, "/x.txt", 0, len(evil_text))
    html = render.article_html(ref, evil_text, [render.Highlight(0, 7, "support")])
    assert "<script>" not in html and "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html


def test_deleted_article_panel_shows_the_quotes() -> None:
    html = render.article_html(make_source().ref, None, [], quotes=["Second sentence with 550 drones."])
    assert "no longer in the index" in html and "550 drones" in html


def test_streaming_shows_evidence_before_any_text_and_marks_unchecked_text() -> None:
    first = render.streaming_html(0, (make_source(),), [], "", "local")
    assert "Found 1 source" in first and "#qa-source-0-1" in first and "qa-text" not in first
    later = render.streaming_html(0, (make_source(),), [verified("Checked.")], "Still typ", "local")
    assert "Checked." in later and '<span class="qa-pending"' in later and "Still typ" in later
