"""Question in, checked answer out: retrieve, pick evidence, generate, verify each sentence, or abstain.

The CLI, the chat UI and the HTTP API all call :class:`Assistant`; none adds answering logic of its own.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace

from qa.answer.backends import Backend, make_backend
from qa.answer.backends.extractive import ExtractiveBackend
from qa.answer.conversation import StandaloneQuestion, Turn, standalone_question
from qa.answer.evidence import EvidencePool, EvidenceSelector
from qa.answer.prompt import AnswerRequest
from qa.answer.time_scope import TimeScope, resolve_time_scope
from qa.answer.types import (
    Answer,
    AnswerEvent,
    AnswerReady,
    AnswerSentence,
    EvidenceReady,
    SentenceReady,
    TextDelta,
    Timings,
)
from qa.answer.verify import CitationChecker, answer_sentences, is_refusal
from qa.config import QAConfig
from qa.errors import BackendError
from qa.index.sentences import sentence_spans
from qa.news_index import Index
from qa.types import Passage, SearchFilters

log = logging.getLogger(__name__)

NOT_IN_ARTICLES = "The articles do not say."
_LEADING_MARKER = re.compile(r"\s*(?:\[\d+(?:\s*[,;]\s*\d+)*\]\s*)+")


class Assistant:
    """Answers questions from an index with verified citations; keeps no state between questions but the backend.

    >>> assistant = Assistant(Index.open("index"), QAConfig(backend="extractive"))  # doctest: +SKIP
    >>> answer = assistant.ask("How many drones and missiles did Russia fire?")  # doctest: +SKIP
    >>> answer.text  # doctest: +SKIP
    'Russia launched 539 drones and 11 missiles ... [1]'
    >>> follow = assistant.ask("And how many were shot down?", history=[Turn(answer.question, answer.text)])
    ... # doctest: +SKIP
    """

    def __init__(
        self,
        index: Index,
        config: QAConfig | None = None,
        backend: Backend | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.index = index
        self.config = config or index.config
        self.backend = backend or make_backend(self.config)
        self.today = today
        self.selector = EvidenceSelector(index.embedder, self.config.evidence_sentences, self.config.evidence_tokens)
        self._fallback = ExtractiveBackend()

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: SearchFilters | None = None,
        k: int | None = None,
    ) -> Answer:
        """The checked answer (the stream, consumed)."""
        for event in self.stream(question, history, filters, k):
            if isinstance(event, AnswerReady):
                return event.answer
        raise AssertionError("the answer stream ended without an answer")  # pragma: no cover

    def stream(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: SearchFilters | None = None,
        k: int | None = None,
    ) -> Iterator[AnswerEvent]:
        """Evidence first, then text and checked sentences as they are generated, then the whole answer."""
        started = time.perf_counter()
        question = " ".join(question.split())
        if not question:
            raise ValueError("the question is empty")
        standalone = standalone_question(question, history)
        scope = self._time_scope(question, filters)
        passages = self._retrieve(standalone.search_query, scope, filters, k or self.config.top_k)
        retrieved = time.perf_counter()
        pool = self.selector.select(standalone.search_query, passages)
        selected = time.perf_counter()
        yield EvidenceReady(pool.sources, standalone.search_query)

        base = Answer(
            question=question,
            search_query=standalone.search_query,
            text="",
            sentences=(),
            sources=pool.sources,
            abstained=True,
            backend=self.backend.name,
            model=self.backend.model,
        )
        timings = Timings(retrieval=retrieved - started, evidence=selected - retrieved)
        relevance = float((pool.vectors @ pool.query_vector).max()) if len(pool.sentences) else 0.0
        base = replace(base, relevance=relevance)
        if not pool.sources or relevance < self.config.min_relevance:
            reason = _nothing_relevant(scope, bool(passages))
            yield AnswerReady(self._abstain(base, reason, timings, started))
            return

        checker = CitationChecker(self.index.embedder, pool, self.config.support_threshold, question=question)
        sentences: list[AnswerSentence] = []
        draft, fallback, first_token, tokens = "", None, None, (0, 0)
        verifying = 0.0
        try:
            generation = self.backend.generate(self._request(question, standalone, pool))
            for delta in self._with_sentences(generation):
                if isinstance(delta, str):
                    if first_token is None:
                        first_token = time.perf_counter() - started
                    draft += delta
                    yield TextDelta(delta)
                    continue
                check_started = time.perf_counter()
                sentence = checker.check(delta[0])
                verifying += time.perf_counter() - check_started
                if sentence.text:
                    sentences.append(sentence)
                    yield SentenceReady(sentence)
            tokens = (generation.tokens_in, generation.tokens_out)
        except BackendError as error:
            if sentences:
                raise
            log.warning("%s backend failed, answering extractively: %s", self.backend.name, error)
            fallback = str(error)
            draft = "".join(self._fallback.generate(self._request(question, standalone, pool)))
            for text in answer_sentences(draft):
                sentence = checker.check(text)
                if sentence.text:
                    sentences.append(sentence)
                    yield SentenceReady(sentence)
        generated = time.perf_counter()
        timings = replace(timings, first_token=first_token, generation=generated - selected, verification=verifying)
        answer = replace(base, draft=draft, fallback=fallback, tokens_in=tokens[0], tokens_out=tokens[1])
        yield AnswerReady(self._finish(answer, sentences, timings, started))

    def _time_scope(self, question: str, filters: SearchFilters | None) -> TimeScope:
        dates = [info.published for info in self.index.snapshot().articles.values() if info.published]
        scope = resolve_time_scope(question, self.today(), dates)
        if filters and (filters.since or filters.until):
            # Dates the user set explicitly win over dates read from the question.
            scope = replace(scope, since=None, until=None)
        return scope

    def _retrieve(self, query: str, scope: TimeScope, filters: SearchFilters | None, k: int) -> list[Passage]:
        filters = filters or SearchFilters()
        wanted = k * 2 if scope.newest_first else k
        found: list[Passage] = []
        if scope.since or scope.until:
            scoped = replace(filters, since=scope.since or filters.since, until=scope.until or filters.until)
            found = self.index.search(query, k=wanted, filters=scoped, mode=self.config.retrieval_mode)
        if not found:
            # No period in the question, or (a date in a question often names when something happened, and
            # reports come out later) no article published in it: search every date rather than answer from nothing.
            found = self.index.search(query, k=wanted, filters=filters, mode=self.config.retrieval_mode)
        if not scope.newest_first:
            return found
        # "the latest ...": the relevant passages, newest article first.
        undated = dt.date.min
        ranked = sorted(found, key=lambda p: p.ref.published or undated, reverse=True)
        return ranked[:k]

    def _request(self, question: str, standalone: StandaloneQuestion, pool: EvidencePool) -> AnswerRequest:
        return AnswerRequest(
            question=question,
            sources=pool.sources,
            previous_question=standalone.follows,
            temperature=self.config.temperature,
            max_tokens=self.config.max_answer_tokens,
            seed=self.config.seed,
        )

    @staticmethod
    def _with_sentences(generation: Iterable[str]) -> Iterator[str | tuple[str]]:
        """The generated deltas, interleaved with each sentence (a 1-tuple) as soon as it is complete."""
        buffer = ""
        for delta in generation:
            yield delta
            buffer += delta
            done = _complete_prefix(buffer)
            if done:
                for sentence in answer_sentences(buffer[:done]):
                    yield (sentence,)
                buffer = buffer[done:]
        for sentence in answer_sentences(buffer):
            yield (sentence,)

    def _finish(self, answer: Answer, sentences: list[AnswerSentence], timings: Timings, started: float) -> Answer:
        refusals = [s for s in sentences if is_refusal(s.text)]
        kept = [s for s in sentences if s not in refusals]
        if not any(s.verified for s in kept):
            reason = (
                "the model found no answer in the sources"
                if refusals or is_refusal(answer.draft)
                else "no sentence of the generated answer is supported by the sources"
            )
            return self._abstain(replace(answer, sentences=tuple(sentences)), reason, timings, started)
        text = " ".join(s.rendered() for s in kept)
        total = time.perf_counter() - started
        return replace(answer, text=text, sentences=tuple(kept), abstained=False, timings=replace(timings, total=total))

    @staticmethod
    def _abstain(answer: Answer, reason: str, timings: Timings, started: float) -> Answer:
        total = time.perf_counter() - started
        return replace(
            answer,
            text=NOT_IN_ARTICLES,
            sentences=(),
            abstained=True,
            abstain_reason=reason,
            draft=answer.draft or " ".join(s.text for s in answer.sentences),
            timings=replace(timings, total=total),
        )

    def close(self) -> None:
        self.backend.close()


def _nothing_relevant(scope: TimeScope, found_any: bool) -> str:
    if not found_any and (scope.since or scope.until):
        period = f"{scope.since or '…'} to {scope.until or '…'}"
        return f"no article from {period} matches the question"
    if not found_any:
        return "the index has no matching passage"
    return "no passage is close enough to the question"


def _complete_prefix(buffer: str) -> int:
    """How much of ``buffer`` is whole sentences: everything before the last sentence, with that sentence's
    citation markers (written after its full stop) included; 0 while the first sentence is still being written.
    """
    spans = sentence_spans(buffer)
    if len(spans) < 2:
        return 0
    start = spans[-1][0]
    if buffer.startswith("[", start) and "]" not in buffer[start:]:
        return 0  # a marker still being written
    marker = _LEADING_MARKER.match(buffer, start)
    if marker:
        if marker.end() >= len(buffer.rstrip()):
            return 0  # only markers so far: they may belong to the sentence before
        start = marker.end()
    return start
