"""The answer on a terminal: sources found at once, checked sentences as they come, then the cited quotes."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import TextIO

from qa.answer.types import Answer, AnswerEvent, AnswerReady, AnswerSentence, EvidenceReady, SentenceReady, Source


class TerminalAnswer:
    """Prints an answer stream. Unverified sentences are held back until the answer stands (they are then shown
    flagged), so an abstention never follows a confident-looking invention.
    """

    def __init__(self, out: TextIO, status: TextIO) -> None:
        self.out = out
        self.status = status

    def show(self, stream: Iterable[AnswerEvent]) -> Answer:
        held: list[AnswerSentence] = []
        for event in stream:
            if isinstance(event, EvidenceReady):
                titles = "; ".join(f"[{s.number}] {s.ref.title}" for s in event.sources) or "none"
                print(f"(sources: {titles})", file=self.status, flush=True)
            elif isinstance(event, SentenceReady):
                if event.sentence.verified:
                    for sentence in [*held, event.sentence]:
                        self._sentence(sentence)
                    held.clear()
                else:
                    held.append(event.sentence)
            elif isinstance(event, AnswerReady):
                answer = event.answer
                if not answer.abstained:
                    for sentence in held:
                        self._sentence(sentence)
                self._finish(answer)
                return answer
        raise AssertionError("the answer stream ended without an answer")  # pragma: no cover

    def _sentence(self, sentence: AnswerSentence) -> None:
        text = sentence.rendered()
        if not sentence.verified and sentence.problem:
            text = f"{sentence.text} [unverified: {sentence.problem}]"
        print(text, end=" ", file=self.out, flush=True)

    def _finish(self, answer: Answer) -> None:
        out = self.out
        if answer.abstained:
            print(f"{answer.text} ({answer.abstain_reason})", file=out)
            if answer.sources:
                print("\nClosest sources:", file=out)
                for source in answer.sources:
                    print(_source_line(source), file=out)
                    if source.evidence:
                        print(_quote(source.evidence[0].text), file=out)
        else:
            print(file=out)
            print("\nSources:", file=out)
            for source in answer.cited_sources:
                print(_source_line(source), file=out)
                quotes = {
                    (q.start, q.end): q
                    for s in answer.sentences
                    for c in s.citations
                    if c.number == source.number
                    for q in c.quotes
                }
                for (start, end), quote in sorted(quotes.items()):
                    print(_quote(quote.text) + f"  (chars {start}–{end})", file=out)
        if answer.fallback:
            print(f"\n(note: answered extractively because the {answer.backend} backend failed: {answer.fallback})",
                  file=self.status)  # fmt: skip
        timing = answer.timings
        first = f"first token {timing.first_token:.2f} s, " if timing.first_token is not None else ""
        verified = f"{answer.verified_fraction:.0%} of sentences verified, " if not answer.abstained else ""
        print(f"({verified}{first}total {timing.total:.2f} s)", file=self.status)


def _source_line(source: Source) -> str:
    ref = source.ref
    parts = [ref.title, ref.outlet, ref.published.isoformat() if ref.published else None, ref.url or ref.source]
    return f"[{source.number}] " + " — ".join(p for p in parts if p)


def _quote(text: str) -> str:
    return textwrap.indent(textwrap.fill(f"“{' '.join(text.split())}”", width=100), "    ")
