"""Request and response bodies of the HTTP API; their limits are part of the OpenAPI schema clients see."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Mode = Literal["hybrid", "dense", "lexical"]
Backend = Literal["local", "openai", "extractive"]


class Filters(BaseModel):
    """Date range and outlets, applied inside retrieval."""

    model_config = ConfigDict(extra="forbid")

    since: dt.date | None = Field(None, description="only articles published on or after this date")
    until: dt.date | None = Field(None, description="only articles published on or before this date")
    outlets: list[str] = Field(default_factory=list, max_length=50, description="only articles from these outlets")

    @model_validator(mode="after")
    def _ordered(self) -> Filters:
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until}); swap the two dates")
        for outlet in self.outlets:
            if not 0 < len(outlet) <= 200:
                raise ValueError("each outlet must be 1 to 200 characters")
        return self


class SearchRequest(Filters):
    query: str = Field(min_length=1, max_length=2000, description="the question or keywords")
    k: int | None = Field(None, ge=1, le=50, description="passages to return (default: the top_k setting)")
    mode: Mode | None = Field(None, description="retrieval mode (default: the retrieval_mode setting)")


class Source(BaseModel):
    article_id: str
    title: str
    source: str
    url: str | None
    published: dt.date | None
    outlet: str | None
    start: int = Field(description="the passage's first character in the article's text")
    end: int


class PassageOut(Source):
    chunk_id: int
    text: str
    score: float
    dense_score: float | None
    lexical_score: float | None
    duplicates: list[Source] = Field(description="syndicated copies of this passage folded into it")


class SearchResponse(BaseModel):
    query: str
    passages: list[PassageOut]


class HistoryTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=2000)
    answer: str = Field("", max_length=20000)


class AskRequest(Filters):
    question: str = Field(min_length=1, max_length=2000)
    history: list[HistoryTurn] = Field(default_factory=list, max_length=20, description="earlier turns, oldest first")
    k: int | None = Field(None, ge=1, le=50)
    backend: Backend | None = Field(None, description="answer backend (default: the server's)")
    stream: bool = Field(False, description="answer as Server-Sent Events: evidence, delta, sentence, answer")


class AnswerOut(BaseModel):
    """The checked answer: ``answer`` is the text with its markers; each sentence carries its citations."""

    question: str
    search_query: str
    answer: str
    abstained: bool
    abstain_reason: str | None
    verified_fraction: float
    sentences: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    backend: str
    model: str | None
    fallback: str | None
    draft: str
    timings: dict[str, float | None]
    tokens: dict[str, int]
    relevance: float


class ArticleIn(BaseModel):
    """An article to index. Give ``id`` or ``url`` to update it later; without them, the text identifies it."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, min_length=1, max_length=200, description="your stable key for this article")
    title: str = Field(min_length=1, max_length=1000)
    text: str = Field(min_length=20, max_length=1_000_000)
    url: str | None = Field(None, max_length=2000)
    published: dt.date | None = None
    outlet: str | None = Field(None, max_length=200)
    author: str | None = Field(None, max_length=500)


class IngestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleIn] = Field(min_length=1, max_length=100)


class SkippedOut(BaseModel):
    source: str
    reason: str
    failure: bool


class IngestResponse(BaseModel):
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    removed: list[str]
    skipped: list[SkippedOut]
    chunks_added: int
    chunks_removed: int
    seconds: float


class ArticleOut(BaseModel):
    id: str
    title: str
    source: str
    url: str | None
    published: dt.date | None
    outlet: str | None
    author: str | None
    chunks: int


class ArticlesResponse(BaseModel):
    articles: list[ArticleOut]


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    index: str
    articles: int
    passages: int
    backend: str
    auth_required_for_writes: bool


class ErrorOut(BaseModel):
    """Every 4xx and 5xx body: what went wrong and what to do."""

    error: str
    hint: str | None = None
    detail: list[dict[str, Any]] | None = None
