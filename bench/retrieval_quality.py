"""Retrieval quality on gold questions: Hits@k and MRR@10 for dense, BM25 and hybrid retrieval, against
LlamaIndex's default dense retriever with the same embedder and chunk size.

- SQuAD 2.0 "Normans" (../shared/data/squad2-normans): each paragraph is an article; answerable questions;
  article level (the rank of the first passage from the gold paragraph, each article counted once).
- The seed article's gold (gold/seeds.jsonl): one article, so passage level (a hit is a passage holding an
  evidence quote).

Run: ``python -m bench.retrieval_quality [--chunk-sweep]``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import offline_environment

ROOT = Path(__file__).resolve().parent.parent
SQUAD = ROOT.parent / "shared" / "data" / "squad2-normans" / "dev-v2.0-normans.json"
SEED_GOLD = ROOT / "gold" / "seeds.jsonl"
MODES = ("dense", "lexical", "hybrid")
DEPTH = 10


@dataclass(frozen=True)
class GoldQuestion:
    question: str
    # A retrieved passage (article id, text) is relevant when this says so.
    relevant: Callable[[str, str], bool]


def hits_at(ranks: Sequence[int | None], k: int) -> float:
    """Share of questions whose first relevant result is within the top k (ranks start at 1)."""
    return sum(1 for rank in ranks if rank is not None and rank <= k) / len(ranks)


def mrr_at(ranks: Sequence[int | None], k: int) -> float:
    return sum(1 / rank for rank in ranks if rank is not None and rank <= k) / len(ranks)


def first_relevant_rank(
    results: Sequence[tuple[str, str]], relevant: Callable[[str, str], bool], by_article: bool
) -> int | None:
    """Rank of the first relevant result; at article level each article counts once, at its best position."""
    seen: set[str] = set()
    rank = 0
    for article_id, text in results:
        if by_article:
            if article_id in seen:
                continue
            seen.add(article_id)
        rank += 1
        if relevant(article_id, text):
            return rank
    return None


def squad_corpus() -> tuple[list[Any], list[GoldQuestion]]:
    from qa.index.loaders import build_article

    data = json.loads(SQUAD.read_text())
    articles, questions = [], []
    for document in data["data"]:
        for number, paragraph in enumerate(document["paragraphs"], start=1):
            article = build_article(
                title=document["title"], text=paragraph["context"], identity=f"squad:{number}", source=f"squad#{number}"
            )
            articles.append(article)
            for qa in paragraph["qas"]:
                if not qa["is_impossible"]:
                    questions.append(GoldQuestion(qa["question"], lambda aid, _t, gold=article.id: aid == gold))
    return articles, questions


def seed_questions() -> list[GoldQuestion]:
    rows = [json.loads(line) for line in SEED_GOLD.read_text().splitlines() if line.strip()]
    return [
        GoldQuestion(row["question"], lambda _aid, text, quotes=tuple(row["evidence"]): any(q in text for q in quotes))
        for row in rows
        if row["answerable"]
    ]


def evaluate(
    search: Callable[[str], list[tuple[str, str]]], questions: list[GoldQuestion], by_article: bool
) -> dict[str, float]:
    ranks = [first_relevant_rank(search(q.question), q.relevant, by_article) for q in questions]
    return {
        "questions": len(ranks),
        "hits@1": hits_at(ranks, 1),
        "hits@4": hits_at(ranks, 4),
        "hits@5": hits_at(ranks, 5),
        "hits@10": hits_at(ranks, 10),
        "mrr@10": mrr_at(ranks, 10),
    }


def ours(articles: list[Any], seed_folder: Path | None, chunk_tokens: int, chunk_overlap: int, embedder: Any) -> Any:
    from qa.config import QAConfig
    from qa.news_index import Index

    index = Index(Path(tempfile.mkdtemp()), QAConfig(chunk_tokens=chunk_tokens, chunk_overlap=chunk_overlap), embedder)
    if seed_folder is not None:
        index.add([seed_folder])
    else:
        index.add_articles(articles)
    return index


def llamaindex_retriever(
    texts: list[tuple[str, str, str]], chunk_tokens: int, chunk_overlap: int
) -> Callable[[str], list[tuple[str, str]]]:
    """LlamaIndex's default dense retriever over (article id, title, text) triples."""
    import llama_index.core

    os.environ.setdefault(
        "TIKTOKEN_CACHE_DIR", str(Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache")
    )
    from llama_index.core import Document, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    from qa.index.embedder import resolve_model_path

    embed_model = HuggingFaceEmbedding(model_name=str(resolve_model_path("all-MiniLM-L6-v2")), device="cpu")
    documents = [
        Document(text=text, metadata={"title": title, "article_id": aid}, excluded_embed_metadata_keys=["article_id"])
        for aid, title, text in texts
    ]
    index = VectorStoreIndex.from_documents(
        documents,
        embed_model=embed_model,
        transformations=[SentenceSplitter(chunk_size=chunk_tokens, chunk_overlap=chunk_overlap)],
    )
    retriever = index.as_retriever(similarity_top_k=DEPTH)

    def search(question: str) -> list[tuple[str, str]]:
        return [(n.node.metadata["article_id"], n.node.get_content()) for n in retriever.retrieve(question)]

    return search


def run(chunk_settings: list[tuple[int, int]], with_baseline: bool) -> dict[str, Any]:
    from qa.index.embedder import Embedder

    embedder = Embedder()
    squad_articles, squad_gold = squad_corpus()
    seed_gold = seed_questions()
    results: dict[str, Any] = {}
    for chunk_tokens, overlap in chunk_settings:
        setting = f"{chunk_tokens}/{overlap}"
        squad_index = ours(squad_articles, None, chunk_tokens, overlap, embedder)
        seed_index = ours([], ROOT / "seeds", chunk_tokens, overlap, embedder)
        for name, index, gold, by_article in (
            ("squad-normans", squad_index, squad_gold, True),
            ("seeds", seed_index, seed_gold, False),
        ):
            for mode in MODES:

                def search(q: str, index: Any = index, mode: str = mode) -> list[tuple[str, str]]:
                    return [(p.article_id, p.text) for p in index.search(q, k=DEPTH, mode=mode)]

                results.setdefault(name, {}).setdefault(setting, {})[mode] = evaluate(search, gold, by_article)
            if with_baseline:
                triples = [(a.id, a.title, index.article_text(a.id)) for a in index.articles()]
                baseline = llamaindex_retriever(triples, chunk_tokens, overlap)
                results[name][setting]["llamaindex-dense"] = evaluate(baseline, gold, by_article)
    return results


def markdown(results: dict[str, Any]) -> str:
    lines = []
    for name, settings in results.items():
        lines += [
            f"\n**{name}**\n",
            "| chunk tokens/overlap | retriever | questions | Hits@1 | Hits@4 | Hits@5 | Hits@10 | MRR@10 |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for setting, modes in settings.items():
            for mode, m in modes.items():
                lines.append(
                    f"| {setting} | {mode} | {m['questions']} | {m['hits@1']:.3f} | {m['hits@4']:.3f} | "
                    f"{m['hits@5']:.3f} | {m['hits@10']:.3f} | {m['mrr@10']:.3f} |"
                )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunk-sweep", action="store_true", help="also try chunk sizes 96..256")
    parser.add_argument("--out", type=Path, default=Path("bench/results/retrieval_quality.json"))
    args = parser.parse_args()
    offline_environment()
    from qa.config import QAConfig

    default = QAConfig()
    settings = [(default.chunk_tokens, default.chunk_overlap)]
    if args.chunk_sweep:
        settings = [(96, 16), (128, 24), (160, 32), (192, 40), (256, 48)]
    results = run(settings, with_baseline=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(markdown(results))


if __name__ == "__main__":
    main()
