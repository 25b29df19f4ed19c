"""Answer latency on the seed gold questions: time to first token and total answer time, p50/p95, per backend.

The embedder and the local model are loaded before the clock starts (a warm assistant, as in the chat UI).

    python -m bench.answer --backends local extractive
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from bench.common import offline_environment, summarize_latency


def measure(backend: str, questions: list[str], corpus: Path, index_dir: Path) -> dict[str, Any]:
    from qa.answer.assistant import Assistant
    from qa.config import QAConfig
    from qa.news_index import Index

    config = QAConfig(backend=backend, index_dir=index_dir)
    index = Index(index_dir, config)
    if not index.exists():
        index.add([corpus])
    assistant = Assistant(index, config)
    assistant.ask(questions[0])  # warm: model loaded, prompt cache primed
    first_tokens, totals, prompt_tokens = [], [], []
    abstained = 0
    for question in questions:
        answer = assistant.ask(question)
        totals.append(answer.timings.total)
        if answer.timings.first_token is not None:
            first_tokens.append(answer.timings.first_token)
        prompt_tokens.append(answer.tokens_in)
        abstained += answer.abstained
    assistant.close()
    return {
        "questions": len(questions),
        "first_token": summarize_latency(first_tokens) if first_tokens else None,
        "total": summarize_latency(totals),
        "prompt_tokens_mean": sum(prompt_tokens) / len(prompt_tokens),
        "abstained": abstained,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=Path("gold/seeds.jsonl"))
    parser.add_argument("--corpus", type=Path, default=Path("seeds"))
    parser.add_argument("--backends", nargs="+", default=["local", "extractive"])
    parser.add_argument("--out", type=Path, default=Path("bench/results/answer.json"))
    args = parser.parse_args()
    offline_environment()
    questions = [json.loads(line)["question"] for line in args.gold.read_text().splitlines() if line.strip()]
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for backend in args.backends:
            results[backend] = measure(backend, questions, args.corpus, Path(folder) / "index")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print("| backend | questions | first token p50 / p95 s | total p50 / p95 s | prompt tokens (mean) | abstained |")
    print("|---|---|---|---|---|---|")
    for backend, row in results.items():
        first = row["first_token"]
        first_text = f"{first['p50_ms'] / 1000:.2f} / {first['p95_ms'] / 1000:.2f}" if first else "–"
        total = row["total"]
        print(
            f"| {backend} | {row['questions']} | {first_text} | {total['p50_ms'] / 1000:.2f} / "
            f"{total['p95_ms'] / 1000:.2f} | {row['prompt_tokens_mean']:.0f} | {row['abstained']} |"
        )


if __name__ == "__main__":
    main()
