"""The harness end to end: real index, real embedder, real backends; reports on disk; two runs compared."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qa.config import QAConfig
from qa.eval.gold import load_gold
from qa.eval.report import load_run, write_comparison, write_run
from qa.eval.runner import EvalSettings, EvidenceResolver, prepare_index, run_eval
from qa.eval.types import EvidenceRef
from qa.index.embedder import Embedder
from qa.news_index import Index
from qa.types import ArticleInfo
from tests.conftest import ROOT

DATA = Path(__file__).parent / "data"
SEED_GOLD = ROOT / "gold" / "seeds.jsonl"


@pytest.fixture
def config(tmp_path: Path) -> QAConfig:
    return QAConfig(model_cache=tmp_path / "cache" / "models")


def without_timings(data: Any) -> Any:
    """Everything but wall-clock measurements (latency, started)."""
    if isinstance(data, dict):
        return {
            k: without_timings(v)
            for k, v in data.items()
            if k not in ("latency", "started") and not k.endswith("seconds")
        }
    if isinstance(data, list):
        return [without_timings(v) for v in data]
    return data


def info(article_id: str, title: str, source: str, url: str | None = None) -> ArticleInfo:
    return ArticleInfo(article_id, title, source, "hash", (1,), url=url)


def test_evidence_resolves_by_id_url_file_stem_then_title() -> None:
    resolver = EvidenceResolver(
        [
            info("a1", "Port strike ends", "/data/feed.jsonl#3", url="https://www.example.com/strike/"),
            info("a2", "Kyiv attack", "/seeds/kyiv-attack-2025-07-04.txt"),
        ]
    )
    assert resolver.resolve([EvidenceRef(article_id="a2")]) == {"a2"}
    assert resolver.resolve([EvidenceRef(url="http://example.com/strike")]) == {"a1"}
    assert resolver.resolve([EvidenceRef(source_stem="kyiv-attack-2025-07-04")]) == {"a2"}
    assert resolver.resolve([EvidenceRef(title="  port STRIKE ends ")]) == {"a1"}
    assert resolver.resolve([EvidenceRef(title="Elsewhere", url="https://nowhere.example")]) == set()


@pytest.mark.slow
def test_seed_gold_with_the_extractive_backend_is_repeatable(
    config: QAConfig, embedder: Embedder, tmp_path: Path
) -> None:
    gold = load_gold(SEED_GOLD)
    settings = EvalSettings(backend="extractive")
    first = run_eval(gold, prepare_index(gold, config, embedder=embedder), config, settings, progress=False)
    # A second run builds nothing (the cached index is unchanged) and gives the same numbers.
    again = run_eval(gold, prepare_index(gold, config, embedder=embedder), config, settings, progress=False)
    assert without_timings(first.metrics) == without_timings(again.metrics)
    assert [without_timings(r.to_json()) for r in first.rows] == [without_timings(r.to_json()) for r in again.rows]

    overall = first.metrics["overall"]
    assert overall["questions"] == 36 and overall["answerable"] == 28 and overall["unanswerable"] == 8
    assert overall["retrieval"]["questions"] == 28  # unanswerable questions have no gold article
    assert 0 < overall["answers"]["contains"] <= 1 and overall["answers"]["correct"] <= 28
    assert overall["citations"]["citation_precision"] == 1.0  # one article: every citation is to gold evidence
    assert set(first.metrics["by_type"]) >= {"number", "unanswerable"}

    written = write_run(first, tmp_path / "run")
    assert {p.name for p in written} == {
        "metrics.json", "rows.jsonl", "summary.md", "by_type.png", "hits_at_k.png", "latency.png"
    }  # fmt: skip
    for plot in ("by_type.png", "hits_at_k.png", "latency.png"):
        assert (tmp_path / "run" / plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rows = [json.loads(line) for line in (tmp_path / "run" / "rows.jsonl").read_text().splitlines()]
    assert len(rows) == 36 and rows[0]["question"] == gold.questions[0].question
    assert {"gold_answers", "retrieved", "answer", "abstained", "correct", "retrieval"} <= set(rows[0])
    summary = (tmp_path / "run" / "summary.md").read_text()
    assert "| all | 36 |" in summary and "| number | 14 |" in summary


@pytest.mark.slow
def test_compare_reports_the_deltas_between_two_runs(config: QAConfig, embedder: Embedder, tmp_path: Path) -> None:
    gold = load_gold(DATA / "squad-v2-sample.json")
    index = prepare_index(gold, config, embedder=embedder)
    for mode in ("dense", "lexical"):
        run = run_eval(gold, index, config, EvalSettings(backend="none", mode=mode), progress=False)
        write_run(run, tmp_path / mode)
    text, written = write_comparison(tmp_path / "dense", tmp_path / "lexical", tmp_path / "cmp")
    compared = json.loads((tmp_path / "cmp" / "compare.json").read_text())["rows"]
    by_metric = {row["metric"]: row for row in compared}
    dense, lexical = load_run(tmp_path / "dense"), load_run(tmp_path / "lexical")
    hits = by_metric["retrieval.hits@1"]
    assert hits["a"] == dense["metrics"]["overall"]["retrieval"]["hits@1"]
    assert hits["b"] == lexical["metrics"]["overall"]["retrieval"]["hits@1"]
    assert hits["delta"] == pytest.approx(hits["b"] - hits["a"])
    assert "answers.f1" not in by_metric  # retrieval-only runs have no answer metrics
    assert "| retrieval.hits@1 |" in text and (tmp_path / "cmp" / "compare.md").exists() and len(written) == 2


@pytest.mark.slow
def test_multihop_sample_scores_answers_with_its_accuracy(config: QAConfig, embedder: Embedder) -> None:
    gold = load_gold(DATA / "multihop" / "MultiHopRAG.json")
    index = prepare_index(gold, config, embedder=embedder)
    run = run_eval(gold, index, config, EvalSettings(backend="extractive"), progress=False)
    answerable = [row for row in run.rows if row.answerable]
    assert answerable and all(row.multihop_accuracy is not None for row in answerable)
    assert all(row.gold_articles for row in answerable)  # evidence urls resolved to corpus articles
    assert run.metrics["overall"]["retrieval"]["hits@10"] is not None
    assert set(run.metrics["by_type"]) == {row.type for row in run.rows}


def test_an_existing_index_is_used_as_it_is(seed_index: Index, config: QAConfig) -> None:
    index = prepare_index(load_gold(SEED_GOLD), config, seed_index.directory, seed_index.embedder)
    assert index.directory == seed_index.directory and len(index) == len(seed_index)
