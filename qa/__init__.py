"""newsqa: questions answered from news articles, with citations a reader can check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "Answer",
    "Article",
    "ArticleInfo",
    "Assistant",
    "Index",
    "IngestReport",
    "Passage",
    "QAConfig",
    "QAError",
    "SearchFilters",
    "SourceRef",
    "Turn",
]

if TYPE_CHECKING:
    from qa.answer.assistant import Assistant
    from qa.answer.conversation import Turn
    from qa.answer.types import Answer
    from qa.config import QAConfig
    from qa.errors import QAError
    from qa.news_index import Index
    from qa.types import Article, ArticleInfo, IngestReport, Passage, SearchFilters, SourceRef

_HOMES = {
    "Assistant": "qa.answer.assistant",
    "Answer": "qa.answer.types",
    "Turn": "qa.answer.conversation",
    "QAConfig": "qa.config",
    "QAError": "qa.errors",
    "Index": "qa.news_index",
    "Article": "qa.types",
    "ArticleInfo": "qa.types",
    "IngestReport": "qa.types",
    "Passage": "qa.types",
    "SearchFilters": "qa.types",
    "SourceRef": "qa.types",
}


def __getattr__(name: str) -> Any:
    """Import on first use, so ``import qa`` (and ``qa --help``) stays instant."""
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'qa' has no attribute {name!r}")
