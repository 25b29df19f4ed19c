"""Any OpenAI-compatible chat endpoint: OpenAI, vLLM, Ollama, LM Studio, a llama.cpp server, or our own local one.

Every failure a user can hit (wrong URL, refused connection, rejected key, timeout, unknown model) becomes a
:class:`BackendError` that names the endpoint and says what to change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from qa.answer.backends.base import Generation
from qa.answer.prompt import AnswerRequest, answer_messages
from qa.errors import BackendError

log = logging.getLogger(__name__)


class ChatBackend:
    """Streams chat completions from ``base_url`` (which ends in ``/v1`` for most servers).

    >>> backend = ChatBackend("http://127.0.0.1:8080/v1", model="qwen2.5", api_key="unused")  # doctest: +SKIP
    >>> "".join(backend.generate(request))  # doctest: +SKIP
    'Russia launched 539 drones and 11 missiles [1].'
    """

    name = "openai"

    def __init__(
        self,
        base_url: str,
        model: str | None,
        api_key: str | None = None,
        timeout: float = 60.0,
        key_source: str = "the API key",
        name: str = "openai",
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise BackendError(
                f"endpoint URL {base_url!r} is not an http(s) URL", "give one like http://127.0.0.1:8080/v1"
            )
        if timeout <= 0:
            raise BackendError(f"request timeout {timeout} must be positive", "set request_timeout above 0")
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.key_source = key_source
        self._model = model
        self._api_key = api_key or "unused"
        self._client: Any = None
        self._checked = False

    @property
    def model(self) -> str | None:
        return self._model

    def _openai(self) -> Any:
        if self._client is None:
            import openai

            # One retry at most: a refused connection should fail in a second, not after a long backoff.
            self._client = openai.OpenAI(
                base_url=self.base_url, api_key=self._api_key, timeout=self.timeout, max_retries=1
            )
        return self._client

    def check(self) -> None:
        """Reach the endpoint once and make sure it serves the configured model (or pick its only model)."""
        if self._checked:
            return
        try:
            served = [model.id for model in self._openai().models.list()]
        except Exception as exc:
            raise self._error(exc) from None
        if self._model is None:
            if not served:
                raise BackendError(f"the endpoint {self.base_url} serves no models", "load a model on the server")
            self._model = served[0]
        elif served and self._model not in served:
            shown = ", ".join(served[:8]) + ("…" if len(served) > 8 else "")
            raise BackendError(
                f"the endpoint {self.base_url} does not serve model {self._model!r} (it serves: {shown})",
                "set openai_model (or --model) to one of those",
            )
        self._checked = True

    def generate(self, request: AnswerRequest) -> Generation:
        self.check()
        try:
            stream = self._openai().chat.completions.create(
                model=self._model,
                messages=answer_messages(request),
                temperature=request.temperature,
                max_tokens=request.max_tokens,
                seed=request.seed,
                stream=True,
                stream_options={"include_usage": True},
            )
        except Exception as exc:
            raise self._error(exc) from None
        generation = Generation(iter(()))
        generation.chunks = self._deltas(stream, generation)
        return generation

    def _deltas(self, stream: Any, generation: Generation) -> Iterator[str]:
        try:
            for event in stream:
                usage = getattr(event, "usage", None)
                if usage is not None:
                    generation.tokens_in = int(usage.prompt_tokens or 0)
                    generation.tokens_out = int(usage.completion_tokens or 0)
                for choice in event.choices or ():
                    text = getattr(choice.delta, "content", None)
                    if text:
                        yield text
        except BackendError:
            raise
        except Exception as exc:
            raise self._error(exc) from None
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()

    def _error(self, exc: Exception) -> BackendError:
        """The user-facing error for an exception from the openai client."""
        import openai

        url = self.base_url
        if isinstance(exc, openai.APITimeoutError):
            return BackendError(
                f"the endpoint {url} did not answer within {self.timeout:g} s",
                "check that the server is not overloaded, or raise request_timeout",
            )
        if isinstance(exc, openai.APIConnectionError):
            cause = exc.__cause__ or exc
            return BackendError(
                f"cannot connect to {url}: {cause}", "check the URL and that the server is running and reachable"
            )
        if isinstance(exc, openai.AuthenticationError):
            return BackendError(
                f"the endpoint {url} rejected {self.key_source} (401 Unauthorized)", f"set {self.key_source} correctly"
            )
        if isinstance(exc, openai.PermissionDeniedError):
            return BackendError(
                f"the endpoint {url} refused access (403)", f"check the permissions of {self.key_source}"
            )
        if isinstance(exc, openai.NotFoundError):
            if "model" in str(exc).lower():
                return BackendError(
                    f"the endpoint {url} does not know model {self._model!r}", "set openai_model to a model it serves"
                )
            return BackendError(
                f"no OpenAI-compatible API at {url} (404 Not Found)", "the base URL usually ends in /v1"
            )
        if isinstance(exc, openai.RateLimitError):
            return BackendError(f"the endpoint {url} is rate-limiting requests (429)", "wait and ask again")
        if isinstance(exc, openai.APIStatusError):
            return BackendError(
                f"the endpoint {url} answered {exc.status_code}: {_short(exc.message)}", "check the server's logs"
            )
        if isinstance(exc, openai.APIResponseValidationError | ValueError):
            return BackendError(
                f"the endpoint {url} did not answer like an OpenAI-compatible API: {_short(str(exc))}",
                "check the base URL (it usually ends in /v1)",
            )
        return BackendError(f"the endpoint {url} failed: {_short(str(exc))}", "check the endpoint settings")

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
