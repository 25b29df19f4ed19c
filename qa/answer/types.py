"""What an answer is made of: numbered sources, evidence sentences, cited answer sentences, the answer itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qa.types import Passage, SourceRef


@dataclass(frozen=True)
class Evidence:
    """One sentence of an article, with its character span in the article's text."""

    article_id: str
    start: int
    end: int
    text: str
    score: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Source:
    """A numbered source as the generator saw it: one article and the evidence sentences chosen from it."""

    number: int
    ref: SourceRef
    evidence: tuple[Evidence, ...]
    passage: Passage

    @property
    def article_id(self) -> str:
        return self.ref.article_id

    def to_json(self) -> dict[str, Any]:
        article = {key: value for key, value in self.ref.to_json().items() if key not in ("start", "end")}
        return {
            "number": self.number,
            **article,
            "evidence": [e.to_json() for e in self.evidence],
            "passage": {"start": self.ref.start, "end": self.ref.end, "score": self.passage.score},
        }


@dataclass(frozen=True)
class Citation:
    """A source number and the exact sentence(s) of its article that support an answer sentence."""

    number: int
    article_id: str
    support: float
    quotes: tuple[Evidence, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "article_id": self.article_id,
            "support": round(self.support, 4),
            "quotes": [q.to_json() for q in self.quotes],
        }


@dataclass(frozen=True)
class AnswerSentence:
    """A sentence of the answer; ``verified`` when a cited source supports it (``citations`` non-empty)."""

    text: str
    citations: tuple[Citation, ...] = ()
    verified: bool = False
    # Markers the generator wrote that pointed at no source, or at a source that did not support the sentence.
    dropped_markers: tuple[int, ...] = ()
    # A short reason when the sentence is not verified ("no source supports it", "number 600 not in source").
    problem: str | None = None

    @property
    def markers(self) -> str:
        return "".join(f"[{c.number}]" for c in self.citations)

    def rendered(self) -> str:
        """The sentence as shown to a reader: its citation markers, or a flag when nothing supports it."""
        if self.verified:
            return f"{self.text} {self.markers}"
        return f"{self.text} [unverified]"

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "verified": self.verified,
            "citations": [c.to_json() for c in self.citations],
            "dropped_markers": list(self.dropped_markers),
            "problem": self.problem,
        }


@dataclass(frozen=True)
class Timings:
    """Seconds spent in each stage; ``first_token`` is from the question to the first generated token."""

    retrieval: float = 0.0
    evidence: float = 0.0
    first_token: float | None = None
    generation: float = 0.0
    verification: float = 0.0
    total: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {name: (round(value, 4) if value is not None else None) for name, value in self.__dict__.items()}


@dataclass(frozen=True)
class Answer:
    """A cited answer, or an honest abstention listing the closest sources.

    ``text`` is what a reader sees (markers included); ``draft`` is what the generator wrote before checking.
    """

    question: str
    search_query: str
    text: str
    sentences: tuple[AnswerSentence, ...]
    sources: tuple[Source, ...]
    abstained: bool
    backend: str
    model: str | None = None
    abstain_reason: str | None = None
    draft: str = ""
    fallback: str | None = None
    timings: Timings = field(default_factory=Timings)
    tokens_in: int = 0
    tokens_out: int = 0
    # Cosine between the question and the closest evidence sentence (what the relevance floor is compared with).
    relevance: float = 0.0

    @property
    def verified_fraction(self) -> float:
        """Share of answer sentences whose citation was verified (0.0 for an abstention)."""
        if not self.sentences:
            return 0.0
        return sum(s.verified for s in self.sentences) / len(self.sentences)

    @property
    def cited_sources(self) -> tuple[Source, ...]:
        numbers = {c.number for s in self.sentences for c in s.citations}
        return tuple(source for source in self.sources if source.number in numbers)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "search_query": self.search_query,
            "answer": self.text,
            "abstained": self.abstained,
            "abstain_reason": self.abstain_reason,
            "verified_fraction": round(self.verified_fraction, 4),
            "sentences": [s.to_json() for s in self.sentences],
            "sources": [s.to_json() for s in self.sources],
            "backend": self.backend,
            "model": self.model,
            "fallback": self.fallback,
            "draft": self.draft,
            "timings": self.timings.to_json(),
            "tokens": {"in": self.tokens_in, "out": self.tokens_out},
            "relevance": round(self.relevance, 4),
        }


@dataclass(frozen=True)
class EvidenceReady:
    """Streamed first: the numbered sources, before any generated text."""

    sources: tuple[Source, ...]
    search_query: str


@dataclass(frozen=True)
class SentenceReady:
    """Streamed as each answer sentence is complete and checked."""

    sentence: AnswerSentence


@dataclass(frozen=True)
class TextDelta:
    """Raw generated text as it arrives (for UIs that show typing); not yet checked."""

    text: str


@dataclass(frozen=True)
class AnswerReady:
    """Streamed last: the whole checked answer."""

    answer: Answer


AnswerEvent = EvidenceReady | TextDelta | SentenceReady | AnswerReady
