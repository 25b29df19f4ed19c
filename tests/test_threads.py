"""One Index and one Assistant shared by many threads: same answers as one at a time, no write lost."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from qa import Assistant, Index
from qa.index.loaders import build_article
from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.slow


def test_concurrent_answers_searches_and_writes(new_index: Callable[..., Index]) -> None:
    index = new_index(backend="extractive")
    index.add([SEEDS])
    assistant = Assistant(index, index.config)
    gold = [json.loads(line) for line in (ROOT / "gold" / "seeds.jsonl").read_text().splitlines()]
    questions = [row["question"] for row in gold][:16]
    alone = {q: assistant.ask(q).text for q in questions}
    articles = [
        build_article(
            title=f"Ferry service {n} resumes",
            text=f"The ferry line number {n} resumed service on Friday after {n + 2} days of repairs to its engines.",
            identity=f"test:ferry-{n}",
            source=f"test:ferry-{n}",
        )
        for n in range(8)
    ]

    def work(position: int) -> str:
        if position % 3 == 0:
            index.add_articles([articles[position // 3]])
        index.search(questions[position], k=3)
        return assistant.ask(questions[position]).text

    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(work, range(len(questions))))
    assert together == [alone[q] for q in questions]
    titles = {info.title for info in index.articles()}
    assert {a.title for a in articles[: (len(questions) + 2) // 3]} <= titles
    reopened = Index.open(index.directory, index.config, index.embedder)
    assert len(reopened.articles()) == len(index.articles())
