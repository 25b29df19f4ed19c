"""Ingest throughput (chunks/s): ours against the embedder's raw encode and LlamaIndex's default pipeline,
on the same documents, chunk size and embedder, in the same run; then re-ingest of the unchanged corpus."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from bench.common import timed
from bench.corpus import Corpus
from qa.config import QAConfig
from qa.index.chunker import Chunker
from qa.index.embedder import Embedder, resolve_model_path
from qa.index.store import embedding_text
from qa.news_index import Index

WARM_UP_TEXTS = 96


def chunk_texts(corpus: Corpus, config: QAConfig) -> list[str]:
    chunker = Chunker(config.chunk_tokens, config.chunk_overlap)
    return [
        embedding_text(article.title, article.text[span.start : span.end])
        for article in corpus.articles
        for span in chunker.split(article.text)
    ]


def warm_up_texts(corpus: Corpus, config: QAConfig) -> list[str]:
    """Real chunks of many lengths: the first encode of each new batch shape pays for kernel selection."""
    texts = chunk_texts(corpus, config)
    step = max(1, len(texts) // WARM_UP_TEXTS)
    return texts[::step][:WARM_UP_TEXTS]


def bench_ours(corpus: Corpus, config: QAConfig, embedder: Embedder, workdir: Path) -> dict[str, Any]:
    """Ours from already-loaded articles, end to end from the HTML files, and the re-ingest of the same files."""
    embedder.embed_documents(warm_up_texts(corpus, config))
    articles_index = Index(workdir / "ours-articles", config, embedder)
    articles_report, articles_seconds = timed(lambda: articles_index.add_articles(corpus.articles))
    files_index = Index(workdir / "ours-files", config, embedder)
    report, seconds = timed(lambda: files_index.add(corpus.files))
    again, reingest_seconds = timed(lambda: files_index.add(corpus.files))
    assert again.chunks_added == 0 and not again.added and len(again.unchanged) == len(corpus.articles)
    return {
        "precision": embedder.precision,
        "chunks": report.chunks_added,
        "files_seconds": seconds,
        "files_chunks_per_s": report.chunks_added / seconds,
        "articles_seconds": articles_seconds,
        "articles_chunks_per_s": articles_report.chunks_added / articles_seconds,
        "articles_chars_per_s": corpus.characters / articles_seconds,
        "reingest_seconds": reingest_seconds,
        "index_dir": str(workdir / "ours-files"),
    }


def bench_raw_encode(texts: list[str], embedder: Embedder) -> dict[str, Any]:
    """The ceiling: the same texts straight through SentenceTransformer.encode, no chunking, no storage."""
    model = embedder.model
    model.encode(texts[:WARM_UP_TEXTS])
    _, seconds = timed(lambda: model.encode(texts, batch_size=embedder.batch_size))
    return {
        "precision": embedder.precision,
        "chunks": len(texts),
        "seconds": seconds,
        "chunks_per_s": len(texts) / seconds,
    }


def bench_llamaindex(corpus: Corpus, config: QAConfig, runs: int = 2) -> dict[str, Any]:
    """LlamaIndex's default: VectorStoreIndex.from_documents over a FaissVectorStore, HuggingFaceEmbedding with
    its defaults (float32, batch 10), SentenceSplitter at our chunk size. Run twice: a re-run of the default
    pipeline re-embeds everything (it has no manifest), and that second run is its re-ingest time."""
    import llama_index.core

    os.environ.setdefault(
        "TIKTOKEN_CACHE_DIR", str(Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache")
    )
    import faiss
    from llama_index.core import Document, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.faiss import FaissVectorStore

    embed_model = HuggingFaceEmbedding(model_name=str(resolve_model_path(config.embed_model)), device="cpu")
    embed_model.get_text_embedding_batch(warm_up_texts(corpus, config))
    documents = [Document(text=a.text, metadata={"title": a.title}) for a in corpus.articles]
    timings = []
    chunks = 0
    for _ in range(runs):
        dimension = len(embed_model.get_text_embedding("dimension probe"))
        storage = StorageContext.from_defaults(vector_store=FaissVectorStore(faiss_index=faiss.IndexFlatIP(dimension)))
        splitter = SentenceSplitter(chunk_size=config.chunk_tokens, chunk_overlap=config.chunk_overlap)
        index, seconds = timed(
            lambda storage=storage, splitter=splitter: VectorStoreIndex.from_documents(
                documents, storage_context=storage, embed_model=embed_model, transformations=[splitter]
            )
        )
        chunks = len(index.docstore.docs)
        timings.append(seconds)
    return {
        "chunks": chunks,
        "seconds": timings[0],
        "chunks_per_s": chunks / timings[0],
        "chars_per_s": corpus.characters / timings[0],
        "reingest_seconds": timings[-1],
    }


def run_ingest_bench(corpus: Corpus, config: QAConfig, llamaindex_runs: int = 2) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="qa-bench-"))
    embedder = Embedder(config.embed_model, config.embed_batch_size, config.embed_precision)
    ours = bench_ours(corpus, config, embedder, workdir)
    raw = bench_raw_encode(chunk_texts(corpus, config), embedder)
    results: dict[str, Any] = {"ours": ours, "raw_encode": raw}
    if embedder.precision != "float32":
        fp32 = Embedder(config.embed_model, config.embed_batch_size, "float32")
        fp32.embed_documents(warm_up_texts(corpus, config))
        fp32_index = Index(workdir / "ours-fp32", config.replace(embed_precision="float32"), fp32)
        report, seconds = timed(lambda: fp32_index.add_articles(corpus.articles))
        results["ours_float32"] = {"chunks": report.chunks_added, "seconds": seconds,
                                   "chunks_per_s": report.chunks_added / seconds}  # fmt: skip
    llama = bench_llamaindex(corpus, config, runs=llamaindex_runs)
    results["llamaindex"] = llama
    results["ratios"] = {
        "ours_vs_raw_encode": ours["articles_chunks_per_s"] / raw["chunks_per_s"],
        "ours_vs_llamaindex": ours["articles_chunks_per_s"] / llama["chunks_per_s"],
        "ours_vs_llamaindex_chars": ours["articles_chars_per_s"] / llama["chars_per_s"],
        "ours_files_vs_llamaindex": ours["files_chunks_per_s"] / llama["chunks_per_s"],
        "reingest_speedup_vs_llamaindex": llama["reingest_seconds"] / ours["reingest_seconds"],
    }
    if "ours_float32" in results:
        results["ratios"]["ours_float32_vs_llamaindex"] = (
            results["ours_float32"]["chunks_per_s"] / llama["chunks_per_s"]
        )
    return results
