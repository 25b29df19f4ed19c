"""The index as a user sees it: ingest, re-ingest, change, delete, search with filters, syndicated copies."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from qa.errors import IndexCorrupt, IndexMismatch, IndexNotFound
from qa.index.loaders import build_article
from qa.news_index import Index
from qa.types import Article, SearchFilters
from tests.conftest import SEED_ARTICLE, SEEDS

DRONE_QUESTION = "How many drones and missiles did Russia fire?"
DRONE_FACT = "fired a total of 550 drones and missiles"


def news(title: str, text: str, key: str, published: str | None = None, outlet: str | None = None) -> Article:
    return build_article(
        title=title, text=text, identity=f"test:{key}", source=f"test#{key}", published=published, outlet=outlet
    )


def test_seed_question_finds_the_passage_with_its_citation(seed_index: Index) -> None:
    passages = seed_index.search(DRONE_QUESTION, k=3)
    hits = [p for p in passages if DRONE_FACT in p.text]
    assert hits, [p.text[:80] for p in passages]
    ref = hits[0].ref
    assert ref.title.startswith("Russia launches biggest missile and drone attack on Kyiv")
    assert ref.published == dt.date(2025, 7, 4)
    assert ref.source == str(SEED_ARTICLE.resolve())
    # The citation's offsets point at exactly this passage in the article's stored text.
    assert seed_index.article_text(ref.article_id)[ref.start : ref.end] == hits[0].text


def test_seed_trailer_is_not_indexed(seed_index: Index) -> None:
    (info,) = seed_index.articles()
    text = seed_index.article_text(info.id)
    assert "Post a Comment" not in text
    assert text.rstrip().endswith("The war continues with no sign of resolution in sight.")
    assert info.dateline == "KYIV"


def test_reingest_of_unchanged_corpus_adds_nothing(new_index: Callable[..., Index]) -> None:
    index = new_index()
    first = index.add([SEEDS])
    generation = index.store.current_name()
    second = index.add([SEEDS])
    assert len(first.added) == 1 and first.chunks_added == len(index)
    assert second.added == [] and second.updated == [] and len(second.unchanged) == 1
    assert second.chunks_added == 0
    assert index.store.current_name() == generation  # nothing was rewritten
    assert len(index.articles()) == 1


def test_changed_article_replaces_its_chunks(new_index: Callable[..., Index], tmp_path: Path) -> None:
    article = tmp_path / "corpus" / SEED_ARTICLE.name
    article.parent.mkdir()
    shutil.copy(SEED_ARTICLE, article)
    index = new_index()
    index.add([article.parent])
    old_chunks = set(index.snapshot().chunks)

    article.write_text(article.read_text().replace("550 drones", "610 drones"))
    report = index.add([article.parent])

    assert len(report.updated) == 1 and report.added == []
    assert len(index.articles()) == 1
    assert old_chunks.isdisjoint(index.snapshot().chunks)  # old chunks gone, ids never reused
    texts = " ".join(p.text for p in index.search(DRONE_QUESTION, k=6))
    assert "610 drones" in texts and "550 drones" not in texts
    lexical = " ".join(p.text for p in index.search("550", k=6, mode="lexical"))
    assert "550 drones" not in lexical


def test_delete_removes_article_from_dense_and_bm25(new_index: Callable[..., Index]) -> None:
    index = new_index()
    index.add([SEEDS])
    other = news("Zephyranthes bloom early", "Gardeners report zephyranthes lilies blooming in March.", "lily")
    index.add_articles([other])
    assert any(p.article_id == other.id for p in index.search("zephyranthes lilies", mode="lexical"))

    report = index.delete([other.id])

    assert report.removed == [other.id]
    for mode in ("dense", "lexical", "hybrid"):
        assert all(p.article_id != other.id for p in index.search("zephyranthes lilies", k=10, mode=mode))
    assert [a.id for a in Index.open(index.directory, embedder=index.embedder).articles()] != [other.id]
    assert len(index.articles()) == 1


def test_delete_by_source_and_unknown_ids_are_reported(new_index: Callable[..., Index]) -> None:
    index = new_index()
    index.add([SEEDS])
    report = index.delete(["0000000000000000"], sources=[SEED_ARTICLE])
    assert len(report.removed) == 1
    assert [s.source for s in report.skipped] == ["0000000000000000"]
    assert report.failed
    assert index.articles() == []


def test_article_gone_from_a_file_is_removed(new_index: Callable[..., Index], tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    rows = [
        {"title": "Port strike ends", "body": "Dock workers in Antwerp ended a ten-day strike on Monday.", "url": "u1"},
        {"title": "Rail fares rise", "body": "Rail fares in Britain will rise by five percent in March.", "url": "u2"},
    ]
    feed.write_text("\n".join(json.dumps(r) for r in rows))
    index = new_index()
    assert len(index.add([feed]).added) == 2
    feed.write_text(json.dumps(rows[0]))
    report = index.add([feed])
    assert len(report.removed) == 1 and len(report.unchanged) == 1
    assert [a.title for a in index.articles()] == ["Port strike ends"]


def test_same_text_from_another_path_is_not_duplicated(new_index: Callable[..., Index], tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / SEED_ARTICLE.name
    copy.parent.mkdir()
    shutil.copy(SEED_ARTICLE, copy)
    index = new_index()
    index.add([SEEDS])
    report = index.add([copy])
    assert report.added == [] and len(report.skipped) == 1
    assert not report.failed  # a duplicate is a note, not an error
    assert len(index.articles()) == 1


def test_filters_apply_inside_retrieval_not_after_truncation(new_index: Callable[..., Index]) -> None:
    index = new_index()
    crowd = [
        news(
            f"Flood warning {n}",
            f"Flood warning issued for river district {n} after heavy rain.",
            f"f{n}",
            published="2024-05-01",
            outlet="Daily",
        )
        for n in range(30)
    ]
    target = news("Regional notes", "A brief flood note from the valley.", "target", published="2024-06-10",
                  outlet="Valley Post")  # fmt: skip
    index.add_articles([*crowd, target])
    question = "flood warning heavy rain"
    assert target.id not in {p.article_id for p in index.search(question, k=3)}

    by_date = index.search(question, k=1, filters=SearchFilters(since=dt.date(2024, 6, 1)))
    by_outlet = index.search(question, k=1, filters=SearchFilters(outlets=("valley post",)))
    until = index.search(question, k=50, filters=SearchFilters(until=dt.date(2024, 5, 31)))
    assert [p.article_id for p in by_date] == [target.id]
    assert [p.article_id for p in by_outlet] == [target.id]
    assert target.id not in {p.article_id for p in until} and len(until) == 30
    assert index.search(question, filters=SearchFilters(since=dt.date(2030, 1, 1))) == []


def test_syndicated_copies_are_shown_once_with_all_outlets(new_index: Callable[..., Index]) -> None:
    text = SEED_ARTICLE.read_text().split("\n", 1)[1]
    title = "Russia launches biggest attack on Kyiv"
    copies = [news(title, text, outlet, published="2025-07-04", outlet=outlet) for outlet in ("Wire", "Herald")]
    index = new_index()
    index.add_articles(copies)
    passages = index.search(DRONE_QUESTION, k=3)
    top = passages[0]
    outlets = {top.ref.outlet, *(dup.outlet for dup in top.duplicates)}
    assert outlets == {"Wire", "Herald"}
    assert len({p.chunk_id for p in passages}) == len(passages)
    texts = [p.text for p in passages]
    assert len(texts) == len(set(texts))  # no passage shown twice


def test_opening_a_missing_index_names_the_directory(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound) as caught:
        Index.open(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(caught.value) and "qa ingest" in caught.value.hint


def test_damaged_index_is_reported_with_the_rebuild_command(new_index: Callable[..., Index]) -> None:
    index = new_index()
    index.add([SEEDS])
    generation = index.directory / index.store.current_name()
    (generation / "vectors.faiss").write_bytes(b"not a faiss index")
    with pytest.raises(IndexCorrupt) as caught:
        Index.open(index.directory, embedder=index.embedder)
    assert str(index.directory) in caught.value.message and "--rebuild" in caught.value.hint

    (index.directory / "CURRENT").write_text("gen-999999\n")
    with pytest.raises(IndexCorrupt):
        Index.open(index.directory, embedder=index.embedder)


def test_index_built_with_other_chunking_is_refused(new_index: Callable[..., Index]) -> None:
    index = new_index()
    index.add([SEEDS])
    with pytest.raises(IndexMismatch) as caught:
        Index.open(index.directory, config=index.config.replace(chunk_tokens=96), embedder=index.embedder)
    assert "--rebuild" in caught.value.hint


def test_rebuild_replaces_the_whole_index(new_index: Callable[..., Index]) -> None:
    index = new_index()
    index.add_articles([news("Port strike ends", "Dock workers in Antwerp ended a ten-day strike.", "port")])
    report = index.add([SEEDS], rebuild=True)
    assert len(report.added) == 1
    assert [a.dateline for a in index.articles()] == ["KYIV"]


def test_llamaindex_retriever_returns_nodes_with_citations(seed_index: Index) -> None:
    nodes = seed_index.as_retriever(k=2).retrieve(DRONE_QUESTION)
    assert len(nodes) == 2
    node = nodes[0].node
    assert node.metadata["published"] == "2025-07-04"
    assert seed_index.article_text(node.metadata["article_id"])[node.start_char_idx : node.end_char_idx] == node.text


def test_deleted_article_comes_back_when_its_file_is_ingested_again(new_index: Callable[..., Index]) -> None:
    index = new_index()
    index.add([SEEDS])
    (info,) = index.articles()
    index.delete([info.id])
    report = index.add([SEEDS])
    assert report.added == [info.id]
    assert [a.id for a in index.articles()] == [info.id]


def test_unchanged_file_is_not_parsed_again(new_index: Callable[..., Index], monkeypatch: pytest.MonkeyPatch) -> None:
    import qa.index.ingest as ingest

    index = new_index()
    index.add([SEEDS])
    parsed: list[str] = []
    real_load = ingest.load_file
    monkeypatch.setattr(
        ingest, "load_file", lambda source, limit: parsed.append(source.label) or real_load(source, limit)
    )
    report = index.add([SEEDS])
    assert parsed == [] and len(report.unchanged) == 1


def test_ingest_of_nothing_creates_no_index(new_index: Callable[..., Index], tmp_path: Path) -> None:
    index = new_index()
    report = index.add([tmp_path / "typo"])
    assert report.failed and not index.exists()


def test_strict_add_with_one_bad_file_changes_nothing(new_index: Callable[..., Index], tmp_path: Path) -> None:
    index = new_index()
    index.add([SEEDS])
    generation, chunks = index.store.current_name(), len(index)
    good = tmp_path / "good.txt"
    good.write_text("Port strike ends\nDock workers in Antwerp ended a ten-day strike on Monday, the union said.")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe not utf-8 \xff")
    report = index.add([good, bad], strict=True)
    assert report.failed and not report.added and str(bad) in report.skipped[0].source
    assert (index.store.current_name(), len(index)) == (generation, chunks)
    assert len(index.add([good, bad]).added) == 1  # not strict: the good file goes in, the bad one is reported
