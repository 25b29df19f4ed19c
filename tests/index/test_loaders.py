"""Files in, articles out: each format, the shipped seed, stable ids, and one clear reason per bad input."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from qa.index.loaders import SourceFile, find_files, load_file
from qa.types import Article, Skipped
from tests.conftest import SEED_ARTICLE, SEEDS

DATA = Path(__file__).resolve().parent.parent / "data"
LIMIT = 1_000_000


def load(path: Path, limit: int = LIMIT) -> list[Article | Skipped]:
    return list(load_file(SourceFile(path.resolve()), limit))


def articles(path: Path) -> list[Article]:
    loaded = load(path)
    assert all(isinstance(item, Article) for item in loaded), loaded
    return [item for item in loaded if isinstance(item, Article)]


def only_skip(path: Path, limit: int = LIMIT) -> Skipped:
    (skipped,) = load(path, limit)
    assert isinstance(skipped, Skipped), skipped
    assert skipped.source.startswith(str(path.resolve()))  # a JSON record adds #n
    return skipped


def test_seed_article_loads_with_its_metadata_and_without_the_page_trailer() -> None:
    (article,) = articles(SEED_ARTICLE)
    assert article.title == SEED_ARTICLE.read_text().splitlines()[0]
    assert article.published == dt.date(2025, 7, 4)
    assert article.dateline == "KYIV"
    assert article.text.startswith("KYIV, July 4 – Russia launched its largest drone and missile attack")
    assert article.text.endswith("The war continues with no sign of resolution in sight.")
    assert "Comments" not in article.text and "Post a Comment" not in article.text


def test_html_page_keeps_the_story_and_drops_the_furniture() -> None:
    (article,) = articles(DATA / "news-page.html")
    assert article.title == "Port strike ends after ten days"
    assert article.published == dt.date(2024, 3, 14)
    assert article.outlet == "Harbour Herald"
    assert article.author == "Ana Lopes"
    assert article.url == "https://herald.example/business/port-strike-ends"
    assert article.dateline == "ANTWERP"
    assert article.text.startswith("ANTWERP, March 14 – Dock workers at the port of Antwerp ended a ten-day strike")
    assert "which began on March 4." in article.text  # inline links stay in their sentence
    assert "harbour master Jan Peeters" in article.text
    # A sentence that merely starts with a furniture word is story, not furniture.
    assert "Comments made by the port’s chief executive on Monday" in article.text
    for furniture in (
        "cookies",
        "Skip to content",
        "By Ana Lopes",
        "Tweet",
        "Email",
        "Advertisement",
        "newsletter",
        "Subscriber-only",
        "Related stories",
        "3 Comments",
        "Great news",
        "About time",
        "rights",
        "Privacy",
        "tracker",
        "display: flex",
        "World",
    ):
        assert furniture not in article.text, furniture


def test_html_page_with_json_ld_graph_and_no_declared_charset() -> None:
    (article,) = articles(DATA / "wire-2024-04-02.html")
    assert article.title == "Dam repairs finished early"
    assert article.published == dt.date(2024, 4, 2)
    assert article.outlet == "Valley Post"
    assert article.url == "https://valley.example/news/dam-repairs"
    assert article.dateline == "BRÜCKENAU"
    assert "Zoë Müller, who runs the café" in article.text  # UTF-8 read as UTF-8, not Latin-1
    assert article.text.endswith("The reservoir will be refilled in May.")
    for furniture in ("Home", "Weather", "Share this", "Most read"):
        assert furniture not in article.text, furniture


def test_markdown_front_matter_and_markup() -> None:
    (article,) = articles(DATA / "front-matter.md")
    assert article.title == "Council approves new cycle lanes"
    assert (article.published, article.outlet, article.author) == (dt.date(2024, 5, 2), "City Desk", "Sam Reid")
    assert article.url == "https://citydesk.example/cycle-lanes"
    assert "twelve kilometres of new cycle lanes" in article.text and "see the full plan." in article.text
    assert "**" not in article.text and "map.png" not in article.text and "#" not in article.text
    assert "biggest change to our streets in a generation" in article.text and ">" not in article.text
    assert not article.text.startswith("Council approves")  # the heading repeating the title is not body text


def test_multihop_rag_corpus_shape() -> None:
    first, second, third = articles(DATA / "multihop-corpus.json")
    assert first.title == "Chipmaker beats forecasts"
    assert (first.outlet, first.author, first.published) == ("Tech Wire", "Lee Park", dt.date(2023, 10, 5))
    assert first.url == "https://techwire.example/chipmaker-beats"
    assert second.author is None and second.published == dt.date(2023, 11, 12)
    assert first.source.endswith("multihop-corpus.json#1") and second.source.endswith("#2")
    assert third.text.endswith("remained above target.")  # the trailing "Related stories" list is boilerplate


def test_jsonl_aliases_load_and_a_malformed_line_is_skipped_by_number() -> None:
    loaded = load(DATA / "aliases.jsonl")
    bridge, broken, library, ferry = loaded
    assert isinstance(bridge, Article) and isinstance(library, Article)
    assert (bridge.title, bridge.outlet, bridge.author) == ("Bridge reopens", "Valley Post", "Kim Ode")
    assert bridge.published == dt.date(2024, 3, 1) and bridge.url == "https://news.example/bridge"
    assert library.title == "Library extends hours" and library.published == dt.date(2024, 3, 20)
    assert isinstance(broken, Skipped)
    assert broken.source.endswith("aliases.jsonl:2") and "malformed JSON" in broken.reason
    assert isinstance(ferry, Article)  # after a blank line
    assert (ferry.title, ferry.outlet, ferry.url) == (
        "Ferry fares frozen",
        "Isles Today",
        "https://isles.example/ferry",
    )
    assert ferry.author == "Rob Gray, Ada Moss" and ferry.published == dt.date(2024, 4, 9)  # epoch milliseconds


@pytest.mark.parametrize(
    ("document", "count"),
    [
        ('{"title": "A", "text": "One article in a single JSON object, long enough."}', 1),
        (
            '{"articles": [{"title": "A", "body": "First article in a wrapper list, long enough."},'
            ' {"title": "B", "body": "Second article in a wrapper list, long enough."}]}',
            2,
        ),
    ],
)
def test_json_object_and_wrapped_list(tmp_path: Path, document: str, count: int) -> None:
    path = tmp_path / "feed.json"
    path.write_text(document)
    assert len(articles(path)) == count


def test_ids_are_stable_and_hashes_follow_the_content(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("Title line\nThe first version of the story says one thing at length.")
    (before,) = articles(path)
    (again,) = articles(path)
    path.write_text("Title line\nThe second version of the story says another thing at length.")
    (after,) = articles(path)
    assert before.id == again.id == after.id
    assert before.content_hash == again.content_hash != after.content_hash


def test_json_record_id_comes_from_its_url(tmp_path: Path) -> None:
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    record = '{"title": "Same story", "url": "https://x.example/s", "text": "A story published at one url only."}'
    one.write_text(record)
    two.write_text(f"[{record}]")
    assert articles(one)[0].id == articles(two)[0].id


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("binary.txt", b"GIF89a\x00\x01\x02\x00\x00", "binary"),
        ("latin1.txt", b"Title\nCaf\xe9 owners in the old town protested against the new rents.", "not UTF-8"),
        ("broken.json", b'{"title": "x",\n "text": ', "malformed JSON at line 2"),
        ("number.json", b"42", "must be an article object"),
        ("nothing.json", b"[]", "the JSON list is empty"),
        ("notext.json", b'{"title": "Only a title"}', "no article text"),
        ("tiny.txt", b"Title\nshort", "no article text"),
        ("page.html", b"<html><body><nav>Home | World</nav><footer>(c) 2024</footer></body></html>", "no article text"),
        ("slides.pptx", b"PK\x03\x04", "unsupported file type .pptx"),
    ],
)
def test_bad_input_gives_one_clear_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert reason in only_skip(path).reason


def test_oversized_file_names_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("Title\n" + "A sentence that repeats. " * 100)
    assert "over the 1,000-byte limit" in only_skip(path, limit=1000).reason


def test_folders_are_walked_recursively_skipping_hidden_and_unsupported(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "_drafts").mkdir()
    for path in ("a/one.txt", "a/b/two.md", ".git/three.txt", "_drafts/four.txt", "a/b/five.png", "six.jsonl"):
        (tmp_path / path).write_text("x")
    found = [
        f.path.relative_to(tmp_path.resolve()).as_posix() for f in find_files([tmp_path]) if isinstance(f, SourceFile)
    ]
    assert sorted(found) == ["a/b/two.md", "a/one.txt", "six.jsonl"]


def test_globs_missing_paths_and_repeats(tmp_path: Path) -> None:
    shutil.copy(SEED_ARTICLE, tmp_path / SEED_ARTICLE.name)
    found = list(
        find_files([f"{tmp_path}/*.txt", tmp_path / SEED_ARTICLE.name, tmp_path / "nope.txt", f"{tmp_path}/*.md"])
    )
    files = [f for f in found if isinstance(f, SourceFile)]
    skipped = [f for f in found if isinstance(f, Skipped)]
    assert len(files) == 1  # the glob and the explicit path name the same file
    assert [(s.source, s.reason) for s in skipped] == [
        (str(tmp_path / "nope.txt"), "no such file or folder"),
        (f"{tmp_path}/*.md", "the pattern matches no file"),
    ]


def test_seeds_folder_holds_only_articles() -> None:
    loaded = [item for source in find_files([SEEDS]) if isinstance(source, SourceFile) for item in load(source.path)]
    assert loaded and all(isinstance(item, Article) for item in loaded)
