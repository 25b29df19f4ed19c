"""The HTTP API over one index: FastAPI routes that call :class:`Index` and :class:`Assistant`, nothing more.

>>> app = create_app(Index("index"), QAConfig(), token=os.environ.get("QA_API_TOKEN"))  # doctest: +SKIP
>>> uvicorn.run(app, host="127.0.0.1", port=8000)  # doctest: +SKIP

Reads are open; when a token is set, writes (``POST /articles``, ``DELETE /articles/{id}``) need
``Authorization: Bearer TOKEN``. Every error is JSON: ``{"error": what, "hint": what to do}``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, MutableMapping
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

import qa
from qa.answer.backends import Backend
from qa.answer.conversation import Turn
from qa.answer.pool import AssistantPool
from qa.answer.types import AnswerReady, EvidenceReady, SentenceReady, TextDelta
from qa.api import schemas
from qa.config import QAConfig
from qa.errors import BackendError, IndexCorrupt, IndexLocked, IndexMismatch, IndexNotFound, QAError
from qa.index.loaders import build_article
from qa.news_index import Index
from qa.types import Article, SearchFilters

log = logging.getLogger(__name__)

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": schemas.ErrorOut, "description": description}
    for status, description in (
        (400, "the request cannot be carried out as given"),
        (401, "a write without the right bearer token"),
        (404, "no such article, or no index yet"),
        (409, "another process is writing to the index"),
        (413, "the request body is over the size limit"),
        (422, "the body does not match the schema"),
    )
}


class ApiError(Exception):
    def __init__(self, status: int, error: str, hint: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(error)
        self.status, self.error, self.hint, self.headers = status, error, hint, headers


def create_app(
    index: Index,
    config: QAConfig,
    token: str | None = None,
    backends: Mapping[str, Backend] | None = None,
    max_body_bytes: int = 5_000_000,
) -> FastAPI:
    """The API app over ``index``. ``backends`` supplies ready backends by name (others are made from config)."""
    assistants = AssistantPool(index, config, backends)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        assistants.close()  # a local model's server stops with the service

    app = FastAPI(
        lifespan=lifespan,
        title="newsqa",
        version=qa.__version__,
        description="Search news articles and get answers whose every sentence is checked against its source.",
        responses=ERRORS,
    )
    app.state.assistants = assistants
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    _add_error_handlers(app)
    bearer = HTTPBearer(auto_error=False, description="required for writes when the server has a token")

    def writer(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:  # noqa: B008
        if token is None:
            return
        given = credentials.credentials if credentials else ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise ApiError(
                401,
                "this write needs the server's bearer token" if not given else "the bearer token is wrong",
                "send the header Authorization: Bearer TOKEN",
                {"WWW-Authenticate": "Bearer"},
            )

    @app.get("/health", response_model=schemas.Health, tags=["service"])
    def health() -> dict[str, Any]:
        exists = index.exists()
        return {
            "status": "ok",
            "version": qa.__version__,
            "index": str(index.directory),
            "articles": len(index.snapshot().articles) if exists else 0,
            "passages": len(index) if exists else 0,
            "backend": config.backend,
            "auth_required_for_writes": token is not None,
        }

    @app.post("/search", response_model=schemas.SearchResponse, tags=["read"])
    def search(request: schemas.SearchRequest) -> dict[str, Any]:
        query = _text(request.query, "query")
        passages = index.search(query, k=request.k, filters=_filters(request), mode=request.mode)
        return {"query": query, "passages": [p.to_json() for p in passages]}

    @app.post(
        "/ask",
        response_model=schemas.AnswerOut,
        tags=["read"],
        responses={200: {"content": {"text/event-stream": {}}, "description": "the answer, or its event stream"}},
    )
    def ask(request: schemas.AskRequest) -> Any:
        question = _text(request.question, "question")
        history = [Turn(turn.question, turn.answer) for turn in request.history]
        backend = request.backend or config.backend
        if backend not in (config.backend, "extractive"):
            # Only backends the operator configured: a client must not make the server call out elsewhere.
            raise ApiError(
                400, f"backend {backend!r} is not enabled on this server", f"use {config.backend!r} or 'extractive'"
            )
        assistant = assistants.get(backend)
        if not request.stream:
            return assistant.ask(question, history, _filters(request), request.k).to_json()
        events = assistant.stream(question, history, _filters(request), request.k)
        return StreamingResponse(_server_sent(events), media_type="text/event-stream")

    @app.get("/articles", response_model=schemas.ArticlesResponse, tags=["read"])
    def articles() -> dict[str, Any]:
        if not index.exists():
            return {"articles": []}
        return {"articles": [info.listing_json() for info in index.articles()]}

    @app.post("/articles", response_model=schemas.IngestResponse, tags=["write"], dependencies=[Depends(writer)])
    def add_articles(request: schemas.IngestRequest) -> dict[str, Any]:
        built = [_article(item, position) for position, item in enumerate(request.articles)]
        return index.add_articles(built).to_json()

    @app.delete(
        "/articles/{article_id}",
        response_model=schemas.IngestResponse,
        tags=["write"],
        dependencies=[Depends(writer)],
    )
    def delete_article(article_id: str) -> dict[str, Any]:
        report = index.delete([article_id])
        if not report.removed:
            raise ApiError(404, f"no article with id {article_id!r}", "list the ids with GET /articles")
        return report.to_json()

    return app


def _text(value: str, field: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise ApiError(422, f"{field} is blank", f"send a {field} with words in it")
    return text


def _filters(request: schemas.Filters) -> SearchFilters:
    return SearchFilters(since=request.since, until=request.until, outlets=tuple(request.outlets))


def _article(item: schemas.ArticleIn, position: int) -> Article:
    if item.id:
        identity = f"api:{item.id}"
    elif item.url:
        identity = f"url:{item.url}"
    else:
        identity = "api:" + hashlib.sha256(f"{item.title}\n{item.text}".encode()).hexdigest()[:16]
    article = build_article(
        title=item.title,
        text=item.text,
        identity=identity,
        source=identity,
        url=item.url,
        published=item.published,
        outlet=item.outlet,
        author=item.author,
    )
    if len(article.text.strip()) < 20:
        raise ApiError(
            422, f"articles[{position}] ({item.title!r}) has no article text once page boilerplate is removed"
        )
    return article


def _server_sent(events: Iterator[object]) -> Iterator[str]:
    """``event: evidence | delta | sentence | answer | error`` with one JSON object as data."""
    try:
        for event in events:
            if isinstance(event, EvidenceReady):
                name, data = "evidence", {"search_query": event.search_query,
                                          "sources": [s.to_json() for s in event.sources]}  # fmt: skip
            elif isinstance(event, TextDelta):
                name, data = "delta", {"text": event.text}
            elif isinstance(event, SentenceReady):
                name, data = "sentence", event.sentence.to_json()
            elif isinstance(event, AnswerReady):
                name, data = "answer", event.answer.to_json()
            else:
                continue
            yield f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
    except QAError as error:
        yield f"event: error\ndata: {json.dumps({'error': error.message, 'hint': error.hint})}\n\n"


def _status(error: QAError) -> int:
    if isinstance(error, IndexNotFound):
        return 404
    if isinstance(error, IndexLocked):
        return 409
    if isinstance(error, BackendError):
        return 502
    if isinstance(error, IndexCorrupt | IndexMismatch):
        return 500
    return 400


def _add_error_handlers(app: FastAPI) -> None:
    def body(error: str, hint: str | None = None, detail: Any = None) -> dict[str, Any]:
        out: dict[str, Any] = {"error": error, "hint": hint}
        if detail is not None:
            out["detail"] = jsonable_encoder(detail)
        return out

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(body(exc.error, exc.hint), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(QAError)
    async def qa_error(request: Request, exc: QAError) -> JSONResponse:
        return JSONResponse(body(exc.message, exc.hint), status_code=_status(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        first = errors[0] if errors else {"loc": (), "msg": "invalid"}
        where = ".".join(str(part) for part in first.get("loc", ()))
        return JSONResponse(
            body(f"{where}: {first['msg']}", "see the request schema at /docs or /openapi.json", errors),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(body(str(exc.detail)), status_code=exc.status_code, headers=exc.headers)


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyLimit:
    """Refuses bodies over ``max_bytes`` with 413, by Content-Length or, when chunked, as the bytes arrive."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._refuse(send)
            return
        seen = 0
        started = refused = False

        async def counted() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes and not started:
                    # Answer now; the app is told the client left, and whatever it sends after is dropped.
                    refused = True
                    await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except Exception:
            if not refused:
                raise

    async def _refuse(self, send: Send) -> None:
        payload = json.dumps(
            {"error": f"the request body is over {self.max_bytes:,} bytes", "hint": "send fewer or smaller articles"}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": payload})
