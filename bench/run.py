"""``make bench``: ingest, re-ingest and search benchmarks, reported as ratios to baselines measured in the
same run. Prints a Markdown table and writes JSON (default bench/results/latest.json)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import machine, offline_environment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=1000, help="documents in the corpus (default 1000)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--large-chunks", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("bench/results/latest.json"))
    args = parser.parse_args()
    offline_environment()

    from bench.corpus import select_corpus
    from bench.ingest import run_ingest_bench
    from qa.config import QAConfig

    started = time.perf_counter()
    config = QAConfig()
    corpus = select_corpus(args.docs)
    print(f"corpus: {len(corpus.articles)} of {corpus.pages_available} HTML pages, {corpus.characters:,} characters")
    ingest = run_ingest_bench(corpus, config)
    index_dir = Path(ingest["ours"]["index_dir"])
    search_json = index_dir.parent / "search.json"
    command = [sys.executable, "-m", "bench.search", str(index_dir), str(search_json), "--queries", str(args.queries),
               "--large-chunks", str(args.large_chunks)]  # fmt: skip
    subprocess.run(command, check=True)
    search = json.loads(search_json.read_text())
    results = {
        "machine": machine(),
        "corpus": {"documents": len(corpus.articles), "characters": corpus.characters},
        "config": {
            "chunk_tokens": config.chunk_tokens,
            "chunk_overlap": config.chunk_overlap,
            "embed_batch_size": config.embed_batch_size,
        },
        "ingest": ingest,
        "search": search,
        "seconds": time.perf_counter() - started,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(markdown(results))
    print(f"\nwrote {args.out} in {results['seconds']:.0f}s")


def markdown(results: dict[str, Any]) -> str:
    ingest, search, ratios = results["ingest"], results["search"], results["ingest"]["ratios"]
    ours, raw, llama = ingest["ours"], ingest["raw_encode"], ingest["llamaindex"]
    rows = [
        "| measure | value | baseline | ratio |",
        "|---|---|---|---|",
        f"| ingest, ours ({ours['precision']}), chunks/s | {ours['articles_chunks_per_s']:.1f} | "
        f"LlamaIndex default {llama['chunks_per_s']:.1f} | **{ratios['ours_vs_llamaindex']:.2f}×** |",
        f"| ingest, ours, article characters/s | {ours['articles_chars_per_s']:,.0f} | "
        f"LlamaIndex default {llama['chars_per_s']:,.0f} | {ratios['ours_vs_llamaindex_chars']:.2f}× |",
        f"| ingest, ours vs the embedder's raw encode ({raw['precision']}) | {ours['articles_chunks_per_s']:.1f} | "
        f"{raw['chunks_per_s']:.1f} | {ratios['ours_vs_raw_encode']:.2f}× |",
        f"| ingest from the HTML files (parsing included), chunks/s | {ours['files_chunks_per_s']:.1f} | "
        f"LlamaIndex default {llama['chunks_per_s']:.1f} | {ratios['ours_files_vs_llamaindex']:.2f}× |",
    ]
    if "ours_float32" in ingest:
        rows.append(
            f"| ingest, ours in float32, chunks/s | {ingest['ours_float32']['chunks_per_s']:.1f} | "
            f"LlamaIndex default {llama['chunks_per_s']:.1f} | {ratios['ours_float32_vs_llamaindex']:.2f}× |"
        )
    rows.append(
        f"| re-ingest of the unchanged corpus, s | {ours['reingest_seconds']:.2f} | "
        f"LlamaIndex re-run {llama['reingest_seconds']:.1f} | **{ratios['reingest_speedup_vs_llamaindex']:.0f}×** |"
    )
    for scale in ("corpus", "large"):
        for mode in ("hybrid", "dense"):
            figures = search[scale][mode]
            rows.append(
                f"| search {mode} at {search[scale]['chunks']:,} chunks, p50 / p95 ms | "
                f"{figures['p50_ms']:.1f} / {figures['p95_ms']:.1f} | target p50 < 15 | |"
            )
    return "\n".join(rows)


if __name__ == "__main__":
    main()
