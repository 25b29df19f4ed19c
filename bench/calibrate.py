"""Choose the citation support threshold and the relevance floor by measurement on gold questions.

Runs each gold question once through the assistant with both gates open (threshold 0, relevance 0), records every
answer sentence's best support score and the best evidence sentence's cosine to the question, then sweeps the
thresholds: an answer counts as shown when one of its sentences reaches the threshold.

    python -m bench.calibrate gold/seeds.jsonl --backend local
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from bench.common import offline_environment


def _correct(text: str, answers: list[str]) -> bool:
    folded = " ".join(text.casefold().split())
    return any(" ".join(a.casefold().split()) in folded for a in answers)


def collect(gold: Path, backend: str, model: str | None, corpus: Path) -> list[dict[str, Any]]:
    from qa.answer.assistant import Assistant
    from qa.config import QAConfig
    from qa.news_index import Index

    config = QAConfig(backend=backend, support_threshold=0.0, min_relevance=0.0).replace(llm_model=model)
    with tempfile.TemporaryDirectory() as folder:
        index = Index(Path(folder) / "index", config)
        index.add([corpus])
        assistant = Assistant(index, config)
        rows = []
        for line in gold.read_text().splitlines():
            item = json.loads(line)
            answer = assistant.ask(item["question"])
            sentences = [
                {"text": s.text, "support": max((c.support for c in s.citations), default=0.0)}
                for s in answer.sentences
            ]
            rows.append(
                {
                    "question": item["question"],
                    "answerable": item.get("answerable", True),
                    "correct": _correct(answer.draft, item.get("answers", [])),
                    "refused": answer.abstained,
                    "sentences": sentences,
                    "relevance": answer.relevance,
                    "draft": answer.draft,
                }
            )
        assistant.close()
    return rows


def sweep(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    table = []
    for step in range(0, 19):
        threshold = round(0.3 + step * 0.03, 2)
        shown = [(row, not row["refused"] and any(s["support"] >= threshold for s in row["sentences"])) for row in rows]
        right = sum(1 for row, show in shown if show and row["answerable"] and row["correct"])
        wrong = sum(1 for row, show in shown if show and row["answerable"] and not row["correct"])
        missed = sum(1 for row, show in shown if not show and row["answerable"])
        invented = sum(1 for row, show in shown if show and not row["answerable"])
        abstained = sum(1 for row, show in shown if not show and not row["answerable"])
        table.append(
            {
                "threshold": threshold,
                "right": right,
                "wrong": wrong,
                "missed": missed,
                "invented": invented,
                "abstained": abstained,
                "utility": right + abstained - wrong - invented,
            }
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gold", type=Path)
    parser.add_argument("--backend", default="local")
    parser.add_argument("--model", default=None)
    parser.add_argument("--corpus", type=Path, default=Path("seeds"))
    parser.add_argument("--rows", type=Path, help="reuse rows saved by an earlier run")
    parser.add_argument("--save", type=Path, help="save the collected rows here")
    args = parser.parse_args()
    offline_environment()
    rows = json.loads(args.rows.read_text()) if args.rows else collect(args.gold, args.backend, args.model, args.corpus)
    if args.save:
        args.save.write_text(json.dumps(rows, indent=1))
    print("| support threshold | right | wrong | missed | invented (unanswerable shown) | abstained | utility |")
    print("|---|---|---|---|---|---|---|")
    for row in sweep(rows):
        print(f"| {row['threshold']:.2f} | {row['right']} | {row['wrong']} | {row['missed']} | {row['invented']} "
              f"| {row['abstained']} | {row['utility']} |")  # fmt: skip
    answerable = sorted(round(r["relevance"], 3) for r in rows if r["answerable"])
    unanswerable = sorted(round(r["relevance"], 3) for r in rows if not r["answerable"])
    print(f"\nbest evidence cosine, answerable: min {answerable[0] if answerable else '-'}; "
          f"unanswerable: {unanswerable}")  # fmt: skip


if __name__ == "__main__":
    main()
