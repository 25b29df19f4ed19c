"""Our retriever inside LlamaIndex's own engines, answering with a real LLM (SmolLM2 on llama.cpp, loopback)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from qa.answer.local_server import LocalServer
from qa.news_index import Index
from qa.types import SearchFilters

pytestmark = pytest.mark.slow
QUESTION = "How many drones and missiles did Russia fire in the attack on Kyiv?"


def llm(server: LocalServer) -> Any:
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(
        model="smollm2", api_base=server.base_url, api_key="unused", is_chat_model=True, temperature=0, max_tokens=60
    )


def test_query_engine_answers_from_our_passages(seed_index: Index, smollm_server: LocalServer) -> None:
    from llama_index.core.query_engine import RetrieverQueryEngine

    engine = RetrieverQueryEngine.from_args(seed_index.as_retriever(k=3), llm=llm(smollm_server))
    response = engine.query(QUESTION)
    assert str(response).strip()
    assert 0 < len(response.source_nodes) <= 3
    node = response.source_nodes[0].node
    article = seed_index.article_text(node.metadata["article_id"])
    assert article[node.metadata["start"] : node.metadata["end"]] == node.get_content()
    assert any("550" in n.node.get_content() for n in response.source_nodes)


def test_chat_engine_keeps_the_conversation(seed_index: Index, smollm_server: LocalServer) -> None:
    from llama_index.core.chat_engine import CondensePlusContextChatEngine

    engine = CondensePlusContextChatEngine.from_defaults(seed_index.as_retriever(k=2), llm=llm(smollm_server))
    first = engine.chat(QUESTION)
    second = engine.chat("And how long did the assault last?")
    assert first.source_nodes and second.source_nodes and str(second).strip()
    assert len(engine.chat_history) == 4


def test_filters_and_mode_apply_inside_the_retriever(seed_index: Index) -> None:
    later = seed_index.as_retriever(filters=SearchFilters(since=dt.date(2026, 1, 1)))
    assert later.retrieve(QUESTION) == []
    dense = seed_index.as_retriever(k=2, mode="dense").retrieve(QUESTION)
    assert len(dense) == 2 and all(n.node.metadata["title"].startswith("Russia launches") for n in dense)
    assert [n.score for n in dense] == [p.score for p in seed_index.search(QUESTION, k=2, mode="dense")]
