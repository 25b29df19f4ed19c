"""Search latency p50/p95 through the real Index.search path (query embedding included), at the bench
corpus's size and at 100,000 chunks."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import summarize_latency
from qa.config import QAConfig
from qa.index.embedder import Embedder
from qa.index.store import IndexStore, Snapshot, embedding_text, new_vector_index
from qa.news_index import Index
from qa.retrieval.lexical import LexicalIndex


def queries_from(index: Index, count: int) -> list[str]:
    """Deterministic questions: 'what is' / 'how to' phrasings of article titles spread over the corpus."""
    titles = sorted(info.title for info in index.articles())
    step = max(1, len(titles) // count)
    templates = ("What is {}?", "How do I use {}", "{} example", "explain {}")
    return [templates[n % len(templates)].format(titles[i]) for n, i in enumerate(range(0, len(titles), step))][:count]


def measure(index: Index, queries: list[str], mode: str, k: int = 5) -> dict[str, float]:
    for query in queries[:5]:
        index.search(query, k=k, mode=mode)  # warm caches
    seconds = []
    for query in queries:
        started = time.perf_counter()
        index.search(query, k=k, mode=mode)
        seconds.append(time.perf_counter() - started)
    return summarize_latency(seconds)


def replicate(snapshot: Snapshot, target_chunks: int, seed: int = 7) -> Snapshot:
    """A snapshot of ``target_chunks`` chunks: copies of the real articles under new ids, their vectors
    perturbed by small noise (re-normalized) so that no two are identical."""
    import faiss

    rng = np.random.default_rng(seed)
    inner = faiss.downcast_index(snapshot.vectors.index)
    ids = faiss.vector_to_array(snapshot.vectors.id_map)
    base_vectors = inner.reconstruct_n(0, inner.ntotal)
    vector_of = {int(cid): base_vectors[row] for row, cid in enumerate(ids)}
    articles = dict(snapshot.articles)
    texts = dict(snapshot.texts)
    chunks = dict(snapshot.chunks)
    next_id = snapshot.meta.next_chunk_id
    new_ids: list[int] = []
    new_vectors: list[np.ndarray] = []
    copy = 0
    while len(chunks) < target_chunks:
        copy += 1
        for info in snapshot.articles.values():
            if len(chunks) >= target_chunks:
                break
            article_id = f"{info.id}-copy{copy}"
            chunk_ids = []
            for cid in info.chunk_ids:
                chunk = snapshot.chunks[cid]
                chunks[next_id] = chunk._replace(id=next_id, article_id=article_id)
                noisy = vector_of[cid] + rng.normal(0, 0.03, vector_of[cid].shape).astype(np.float32)
                new_vectors.append(noisy / np.linalg.norm(noisy))
                new_ids.append(next_id)
                chunk_ids.append(next_id)
                next_id += 1
            articles[article_id] = dataclasses.replace(info, id=article_id, chunk_ids=tuple(chunk_ids))
            texts[article_id] = snapshot.texts[info.id]
    vectors = new_vector_index(snapshot.meta.dimension)
    vectors.add_with_ids(base_vectors, ids)
    vectors.add_with_ids(np.vstack(new_vectors).astype(np.float32), np.array(new_ids, dtype=np.int64))
    order = list(chunks)
    lexical = LexicalIndex.build(
        order, [embedding_text(articles[chunks[c].article_id].title, chunks[c].text) for c in order]
    )
    meta = dataclasses.replace(snapshot.meta, next_chunk_id=next_id)
    return Snapshot(meta, articles, texts, chunks, vectors, lexical)


def run_search_bench(index_dir: Path, config: QAConfig, workdir: Path, queries_count: int = 200,
                     large_chunks: int = 100_000) -> dict[str, Any]:  # fmt: skip
    embedder = Embedder(config.embed_model, config.embed_batch_size, config.embed_precision)
    index = Index.open(index_dir, config, embedder)
    queries = queries_from(index, queries_count)
    results: dict[str, Any] = {"corpus": {"chunks": len(index)}}
    for mode in ("hybrid", "dense"):
        results["corpus"][mode] = measure(index, queries, mode)
    started = time.perf_counter()
    large = replicate(index.snapshot(), large_chunks)
    large_dir = workdir / "large"
    IndexStore(large_dir).write(large)
    build_seconds = time.perf_counter() - started
    large_index = Index.open(large_dir, config, embedder)
    results["large"] = {"chunks": len(large_index), "build_seconds": build_seconds}
    for mode in ("hybrid", "dense"):
        results["large"][mode] = measure(large_index, queries, mode)
    return results


def main() -> None:
    """Run in a process of its own, so objects left by the ingest baselines do not slow the searches."""
    import argparse
    import json

    from bench.common import offline_environment

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--large-chunks", type=int, default=100_000)
    args = parser.parse_args()
    offline_environment()
    results = run_search_bench(args.index_dir, QAConfig(), args.index_dir.parent, args.queries, args.large_chunks)
    args.out.write_text(json.dumps(results))


if __name__ == "__main__":
    main()
