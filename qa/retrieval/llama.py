"""Our retriever as a LlamaIndex ``BaseRetriever``: hybrid search, filters and folding included."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from qa.types import Passage, SearchFilters

if TYPE_CHECKING:
    from qa.news_index import Index


def passage_node(passage: Passage) -> NodeWithScore:
    ref = passage.ref
    metadata: dict[str, Any] = {
        "article_id": ref.article_id,
        "title": ref.title,
        "source": ref.source,
        "url": ref.url,
        "published": ref.published.isoformat() if ref.published else None,
        "outlet": ref.outlet,
        "start": ref.start,
        "end": ref.end,
        "also_published_by": [dup.outlet or dup.source for dup in passage.duplicates],
    }
    node = TextNode(
        id_=str(passage.chunk_id),
        text=passage.text,
        metadata=metadata,
        start_char_idx=ref.start,
        end_char_idx=ref.end,
        excluded_llm_metadata_keys=["article_id", "start", "end", "source"],
        excluded_embed_metadata_keys=list(metadata),
    )
    return NodeWithScore(node=node, score=passage.score)


class NewsRetriever(BaseRetriever):
    """Drop-in retriever for ``RetrieverQueryEngine`` and chat engines: our hybrid search (or ``mode``), filters
    applied inside retrieval, syndicated copies folded into one node (their outlets in ``also_published_by``).

    >>> from llama_index.core.query_engine import RetrieverQueryEngine  # doctest: +SKIP
    >>> engine = RetrieverQueryEngine.from_args(index.as_retriever(k=5), llm=my_llm)  # doctest: +SKIP
    """

    def __init__(
        self, index: Index, k: int | None = None, filters: SearchFilters | None = None, mode: str | None = None
    ) -> None:
        super().__init__()
        self._index = index
        self._k = k
        self._filters = filters
        self._mode = mode

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        passages = self._index.search(query_bundle.query_str, k=self._k, filters=self._filters, mode=self._mode)
        return [passage_node(passage) for passage in passages]
