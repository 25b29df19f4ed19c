"""One browser tab's conversation, and the answer stream turned into chat messages.

Nothing here imports gradio: the page (``qa/ui/app.py``) passes plain values in and shows the messages that come
out, so this logic is tested without a browser and the browser tests only check what the page adds.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from qa.answer.conversation import Turn
from qa.answer.pool import AssistantPool
from qa.answer.types import (
    Answer,
    AnswerReady,
    AnswerSentence,
    Evidence,
    EvidenceReady,
    SentenceReady,
    Source,
    TextDelta,
)
from qa.errors import QAError
from qa.news_index import Index
from qa.types import SearchFilters
from qa.ui import render

# What the settings panel offers, and the backend each choice runs.
BACKEND_CHOICES = {"local": "local", "hosted": "openai", "extractive": "extractive"}
Message = dict[str, Any]

_MARKERS = re.compile(r"\s*\[\d+(?:\s*[,;]\s*\d+)*\]")
_CITE_LINK = re.compile(r"^qa-cite-(\d+)-(\d+)-(\d+)$")
_SOURCE_LINK = re.compile(r"^qa-source-(\d+)-(\d+)$")


@dataclass
class ChatSession:
    """A tab's memory: turns for follow-up questions, answers for citation links and feedback.

    ``message_answers`` maps a chat message's position to the answer it shows.
    """

    turns: list[Turn] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    message_answers: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ChatSettings:
    """The settings panel's values, checked."""

    backend: str = "local"
    k: int | None = None
    filters: SearchFilters = field(default_factory=SearchFilters)

    @classmethod
    def parse(
        cls, backend: str, k: float | None, since: str | None, until: str | None, outlets: Sequence[str] | None
    ) -> ChatSettings:
        """Raises :class:`QAError` naming the field when a value is wrong."""
        if backend not in BACKEND_CHOICES:
            raise QAError(f"backend {backend!r} is not offered", f"choose one of {', '.join(BACKEND_CHOICES)}")
        since_date = _date("Since", since)
        until_date = _date("Until", until)
        if since_date and until_date and since_date > until_date:
            raise QAError(f"Since ({since_date}) is after Until ({until_date})", "swap the two dates")
        filters = SearchFilters(since=since_date, until=until_date, outlets=tuple(outlets or ()))
        return cls(BACKEND_CHOICES[backend], int(k) if k else None, filters)


def _date(label: str, value: str | None) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise QAError(f"{label} date {value!r} is not a date", "write it as YYYY-MM-DD, or leave it empty") from None


def user_message(question: str) -> Message:
    return {"role": "user", "content": f'<div class="qa-question">{render.text(question)}</div>'}


def respond(
    pool: AssistantPool,
    question: str,
    messages: list[Message],
    session: ChatSession,
    settings: ChatSettings,
) -> Iterator[list[Message]]:
    """The chat after each step of answering ``question``: searching, evidence found, checked sentences, the
    answer. ``session`` gains the turn and the answer once it is complete."""
    question = " ".join(question.split())
    messages = [*messages, user_message(question), {"role": "assistant", "content": render.searching_html()}]
    turn = len(session.answers)
    slot = len(messages) - 1
    yield messages
    try:
        stream = pool.get(settings.backend).stream(question, session.turns, settings.filters, settings.k)
        progress = _StreamProgress()
        for event in stream:
            if isinstance(event, AnswerReady):
                answer = event.answer
                session.answers.append(answer)
                session.turns.append(Turn(question, answer.text, answer.search_query))
                session.message_answers[slot] = turn
                messages[slot] = {"role": "assistant", "content": render.answer_html(answer, turn)}
            elif progress.update(event):
                html = render.streaming_html(
                    turn, progress.sources, progress.sentences, progress.pending, settings.backend
                )
                messages[slot] = {"role": "assistant", "content": html}
            else:
                continue
            yield messages
    except QAError as error:
        messages[slot] = {"role": "assistant", "content": render.error_html(error.message, error.hint)}
        yield messages


def _pending_start(draft: str, consumed: int, sentence: str) -> int:
    """Where the unchecked text begins once ``sentence`` (normalized by the checker) is checked."""
    words = sentence.split()
    tail = words[-1] if words else ""
    found = draft.find(tail, consumed) if tail else -1
    return len(draft) if found < 0 else found + len(tail)


@dataclass
class _StreamProgress:
    """What the page shows while an answer streams."""

    sources: tuple[Source, ...] = ()
    sentences: list[AnswerSentence] = field(default_factory=list)
    draft: str = ""
    consumed: int = 0

    @property
    def pending(self) -> str:
        return _MARKERS.sub("", self.draft[self.consumed :]).strip()

    def update(self, event: object) -> bool:
        """Take in an event; true when the page should be redrawn."""
        if isinstance(event, EvidenceReady):
            self.sources = event.sources
        elif isinstance(event, TextDelta):
            self.draft += event.text
            return bool(event.text.strip())
        elif isinstance(event, SentenceReady):
            self.sentences.append(event.sentence)
            self.consumed = _pending_start(self.draft, self.consumed, event.sentence.text)
        else:
            return False
        return True


def source_panel(index: Index, session: ChatSession, link: str) -> str:
    """The panel's HTML for a clicked citation or source link (``qa-cite-T-N-S`` or ``qa-source-T-N``)."""
    link = link.strip().lstrip("#")
    cite = _CITE_LINK.match(link)
    source_link = _SOURCE_LINK.match(link)
    if cite:
        turn, number, position = (int(g) for g in cite.groups())
    elif source_link:
        turn, number = (int(g) for g in source_link.groups())
        position = None
    else:
        return render.error_html(f"unknown source link {link!r}")
    if turn >= len(session.answers):
        return render.error_html("that answer belongs to a cleared conversation", "ask the question again")
    answer = session.answers[turn]
    source = next((s for s in answer.sources if s.number == number), None)
    if source is None:
        return render.error_html(f"answer {turn + 1} has no source [{number}]")
    claim = None
    quotes: tuple[Evidence, ...] = ()
    if position is not None and position < len(answer.sentences):
        sentence = answer.sentences[position]
        claim = sentence.text
        quotes = tuple(q for c in sentence.citations if c.number == number for q in c.quotes)
    highlights = render.evidence_highlights(source, quotes)
    shown = quotes or source.evidence
    article_text = _current_text(index, source)
    return render.article_html(source.ref, article_text, highlights, claim, number, [e.text for e in shown])


def _current_text(index: Index, source: Source) -> str | None:
    """The article as indexed now, or None if it was deleted or changed (its offsets would no longer match)."""
    snapshot = index.snapshot()
    info = snapshot.articles.get(source.article_id)
    text = snapshot.texts.get(source.article_id)
    if info is None or text is None:
        return None
    if text[source.ref.start : source.ref.end] != source.passage.text:
        return None
    return text
