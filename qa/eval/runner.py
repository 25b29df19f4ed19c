"""Run gold questions through retrieval and the assistant, one row per question, then aggregate.

Deterministic for fixed inputs: the index is built from the gold set's own corpus (or given), answers use
temperature 0 and a fixed seed, and rows keep the gold order. Only the timings change between runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from qa.answer.assistant import Assistant
from qa.answer.types import Answer
from qa.config import QAConfig
from qa.errors import QAError
from qa.eval import metrics
from qa.eval.types import EvidenceRef, GoldQuestion, GoldSet
from qa.index.embedder import Embedder
from qa.news_index import Index
from qa.types import ArticleInfo

HITS_CURVE = tuple(range(1, 11))
RANK_DEPTH = 10


@dataclass(frozen=True)
class EvalSettings:
    """What a run compares: the retrieval mode and depth, the backend (``none``: retrieval only)."""

    backend: str = "extractive"
    model: str | None = None
    mode: str = "hybrid"
    k: int = 5
    limit: int | None = None


@dataclass
class QuestionRow:
    """Everything measured for one gold question (a line of ``rows.jsonl``)."""

    id: str
    question: str
    type: str
    answerable: bool
    gold_answers: list[str]
    gold_articles: list[str]
    retrieved: list[str]
    retrieval: dict[str, float]
    retrieval_seconds: float
    answer: str | None = None
    abstained: bool | None = None
    abstain_reason: str | None = None
    exact_match: float | None = None
    f1: float | None = None
    contains: float | None = None
    multihop_accuracy: float | None = None
    verified_fraction: float | None = None
    cited_articles: list[str] = field(default_factory=list)
    citation_precision: float | None = None
    answer_seconds: float | None = None
    first_token_seconds: float | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    fallback: str | None = None

    @property
    def correct(self) -> bool | None:
        """Answerable: the answer contains a gold answer; unanswerable: it abstained. None without answers."""
        if self.abstained is None:
            return None
        if not self.answerable:
            return bool(self.abstained)
        score = self.multihop_accuracy if self.multihop_accuracy is not None else self.contains
        return bool(score) and not self.abstained

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "correct": self.correct}


@dataclass
class EvalRun:
    """A finished run: its settings, its rows, and the metrics computed from them."""

    gold: str
    format: str
    settings: EvalSettings
    rows: list[QuestionRow]
    metrics: dict[str, Any]
    started: str
    index_dir: str
    articles: int
    passages: int


def prepare_index(
    gold: GoldSet, config: QAConfig, directory: Path | None = None, embedder: Embedder | None = None
) -> Index:
    """The index to evaluate: ``directory`` as it is, or one built from the gold set's corpus in the cache (kept
    between runs; re-ingesting an unchanged corpus writes nothing)."""
    if directory is not None:
        return Index.open(directory, config, embedder)
    identity = "|".join(
        [gold.format, config.embed_model, str(config.chunk_tokens), str(config.chunk_overlap)]
        + [str(path.resolve()) for path in gold.corpus_files]
        + [article.id for article in gold.corpus_articles]
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:12]
    slug = re.sub(r"[^a-z0-9]+", "-", gold.name.casefold()).strip("-") or "gold"
    index = Index(config.model_cache.parent / "eval" / f"{slug}-{digest}", config, embedder)
    if gold.corpus_files:
        report = index.add(gold.corpus_files)
        if report.failed and not index.exists():
            failures = "; ".join(f"{s.source}: {s.reason}" for s in report.skipped if s.failure)
            raise QAError(f"the corpus of {gold.name} could not be read ({failures})", "fix or pass --corpus")
    if gold.corpus_articles:
        index.add_articles(gold.corpus_articles)
    if not index.exists():
        raise QAError(f"the gold set {gold.name} has no corpus to index", "pass --corpus FILE_OR_FOLDER or --index DIR")
    return index


def run_eval(
    gold: GoldSet, index: Index, config: QAConfig, settings: EvalSettings, progress: bool | None = None
) -> EvalRun:
    """Each gold question: retrieve (timed) and score the ranked articles; ask (timed) and score the answer."""
    from tqdm import tqdm

    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    questions = list(gold.questions[: settings.limit] if settings.limit else gold.questions)
    resolver = EvidenceResolver(index.articles())
    assistant = None
    if settings.backend != "none":
        answer_config = config.replace(backend=settings.backend, top_k=settings.k, retrieval_mode=settings.mode)
        answer_config = answer_config.with_answer_model(settings.model)
        assistant = Assistant(index, answer_config)
    rows: list[QuestionRow] = []
    try:
        if questions:
            # Untimed warm-up: the first search and answer load models and fill caches; percentiles should not.
            index.search(questions[0].question, k=settings.k, mode=settings.mode)
            if assistant is not None:
                assistant.ask(questions[0].question)
        shown = None if progress is None else not progress  # None: a bar only on a terminal
        bar = tqdm(questions, desc=f"eval {gold.name}", unit="q", file=sys.stderr, disable=shown)
        for question in bar:
            row = _retrieve(index, question, resolver, settings)
            if assistant is not None:
                _answer(assistant, question, row, gold.format)
            rows.append(row)
    finally:
        if assistant is not None:
            assistant.close()
    return EvalRun(
        gold=gold.name,
        format=gold.format,
        settings=settings,
        rows=rows,
        metrics=aggregate(rows, settings.k),
        started=started,
        index_dir=str(index.directory),
        articles=len(index.articles()),
        passages=len(index),
    )


class EvidenceResolver:
    """Finds the indexed articles gold evidence points at: by id, then url, then file stem, then title."""

    def __init__(self, articles: Iterable[ArticleInfo]) -> None:
        self.ids: set[str] = set()
        self.by_url: dict[str, set[str]] = defaultdict(set)
        self.by_stem: dict[str, set[str]] = defaultdict(set)
        self.by_title: dict[str, set[str]] = defaultdict(set)
        for info in articles:
            self.ids.add(info.id)
            if info.url:
                self.by_url[_url_key(info.url)].add(info.id)
            self.by_stem[Path(info.source.split("#")[0]).stem.casefold()].add(info.id)
            self.by_title[_title_key(info.title)].add(info.id)

    def resolve(self, evidence: Sequence[EvidenceRef]) -> set[str]:
        found: set[str] = set()
        for ref in evidence:
            if ref.article_id and ref.article_id in self.ids:
                found.add(ref.article_id)
            elif ref.url and _url_key(ref.url) in self.by_url:
                found |= self.by_url[_url_key(ref.url)]
            elif ref.source_stem and ref.source_stem.casefold() in self.by_stem:
                found |= self.by_stem[ref.source_stem.casefold()]
            elif ref.title and _title_key(ref.title) in self.by_title:
                found |= self.by_title[_title_key(ref.title)]
        return found


def _url_key(url: str) -> str:
    return url.strip().rstrip("/").casefold().removeprefix("https://").removeprefix("http://").removeprefix("www.")


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def _retrieve(index: Index, question: GoldQuestion, resolver: EvidenceResolver, settings: EvalSettings) -> QuestionRow:
    started = time.perf_counter()
    passages = index.search(question.question, k=max(RANK_DEPTH, settings.k), mode=settings.mode)
    seconds = time.perf_counter() - started
    ranked = metrics.dedupe([p.article_id for p in passages])
    relevant = resolver.resolve(question.evidence)
    scores: dict[str, float] = {}
    if relevant:
        for k in HITS_CURVE:
            scores[f"hits@{k}"] = metrics.hits_at(ranked, relevant, k)
        scores[f"recall@{settings.k}"] = metrics.recall_at(ranked, relevant, settings.k)
        scores["recall@10"] = metrics.recall_at(ranked, relevant, 10)
        scores["mrr@10"] = metrics.reciprocal_rank(ranked, relevant, 10)
        scores["map@10"] = metrics.average_precision(ranked, relevant, 10)
        scores["ndcg@10"] = metrics.ndcg_at(ranked, relevant, 10)
    return QuestionRow(
        id=question.id,
        question=question.question,
        type=question.type,
        answerable=question.answerable,
        gold_answers=list(question.answers),
        gold_articles=sorted(relevant),
        retrieved=ranked,
        retrieval=scores,
        retrieval_seconds=seconds,
    )


def _answer(assistant: Assistant, question: GoldQuestion, row: QuestionRow, gold_format: str) -> None:
    started = time.perf_counter()
    answer: Answer = assistant.ask(question.question)
    row.answer_seconds = time.perf_counter() - started
    row.answer = answer.text
    row.abstained = answer.abstained
    row.abstain_reason = answer.abstain_reason
    row.first_token_seconds = answer.timings.first_token
    row.tokens_in, row.tokens_out = answer.tokens_in, answer.tokens_out
    row.fallback = answer.fallback
    prediction = "" if answer.abstained else answer.text
    if question.answerable and question.answers:
        row.exact_match = metrics.exact_match(prediction, question.answers)
        row.f1 = metrics.token_f1(prediction, question.answers)
        row.contains = metrics.contains_answer(prediction, question.answers)
        if gold_format == "multihop":
            row.multihop_accuracy = metrics.multihop_accuracy(prediction, question.answers[0])
    if not answer.abstained:
        row.verified_fraction = answer.verified_fraction
        row.cited_articles = sorted({source.article_id for source in answer.cited_sources})
        if row.gold_articles:
            row.citation_precision = metrics.citation_precision(
                [s.article_id for s in answer.cited_sources], set(row.gold_articles)
            )


def aggregate(rows: Sequence[QuestionRow], k: int) -> dict[str, Any]:
    """The run's metrics overall and by question type."""
    result: dict[str, Any] = {"overall": _group_metrics(rows, k)}
    by_type: dict[str, list[QuestionRow]] = defaultdict(list)
    for row in rows:
        by_type[row.type].append(row)
    result["by_type"] = {name: _group_metrics(group, k) for name, group in sorted(by_type.items())}
    return result


def _group_metrics(rows: Sequence[QuestionRow], k: int) -> dict[str, Any]:
    scored = [row for row in rows if row.retrieval]
    answered = [row for row in rows if row.abstained is not None]
    answerable = [row for row in answered if row.answerable]
    group: dict[str, Any] = {
        "questions": len(rows),
        "answerable": sum(row.answerable for row in rows),
        "unanswerable": sum(not row.answerable for row in rows),
        "retrieval": {
            "questions": len(scored),
            **{name: metrics.mean(row.retrieval[name] for row in scored) for name in _retrieval_names(scored, k)},
        },
        "latency": {
            "retrieval": metrics.latency_summary([row.retrieval_seconds for row in rows]),
        },
    }
    if not answered:
        return group
    abstention = metrics.abstention_scores([bool(r.abstained) for r in answered], [r.answerable for r in answered])
    first_tokens = [r.first_token_seconds for r in answered if r.first_token_seconds is not None]
    group["answers"] = {
        "questions": len(answerable),
        "correct": sum(bool(r.correct) for r in answerable),
        "abstained": sum(bool(r.abstained) for r in answerable),
        "exact_match": metrics.mean(r.exact_match for r in answerable),
        "f1": metrics.mean(r.f1 for r in answerable),
        "contains": metrics.mean(r.contains for r in answerable),
        "multihop_accuracy": metrics.mean(r.multihop_accuracy for r in answerable),
    }
    group["abstention"] = asdict(abstention)
    group["citations"] = {
        "verified_sentences": metrics.mean(r.verified_fraction for r in answered),
        "citation_precision": metrics.mean(r.citation_precision for r in answered),
    }
    group["latency"]["answer"] = metrics.latency_summary([r.answer_seconds or 0.0 for r in answered])
    group["latency"]["first_token"] = metrics.latency_summary(first_tokens)
    group["tokens"] = {
        "in": sum(r.tokens_in for r in answered),
        "out": sum(r.tokens_out for r in answered),
        "in_per_answer": metrics.mean(float(r.tokens_in) for r in answered),
        "out_per_answer": metrics.mean(float(r.tokens_out) for r in answered),
    }
    return group


def _retrieval_names(rows: Sequence[QuestionRow], k: int) -> list[str]:
    names = [f"hits@{n}" for n in HITS_CURVE]
    names += [f"recall@{k}", "recall@10", "mrr@10", "map@10", "ndcg@10"]
    return list(dict.fromkeys(name for name in names if rows and name in rows[0].retrieval))
