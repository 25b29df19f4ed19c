"""No generator at all: the answer is the best supporting sentences of the sources, each cited.

Fast, deterministic, never invents; also the fallback when an LLM backend fails.
"""

from __future__ import annotations

from collections.abc import Iterator

from qa.answer.backends.base import Generation
from qa.answer.prompt import AnswerRequest


class ExtractiveBackend:
    """Quotes the top-scoring evidence sentence, and the next ones whose score is within ``margin`` of it.

    >>> "".join(ExtractiveBackend().generate(request))  # doctest: +SKIP
    'Russia launched 539 drones and 11 missiles overnight. [1]'
    """

    name = "extractive"

    def __init__(self, max_sentences: int = 2, margin: float = 0.1) -> None:
        self.max_sentences = max_sentences
        self.margin = margin

    @property
    def model(self) -> str | None:
        return None

    def generate(self, request: AnswerRequest) -> Generation:
        return Generation(self._sentences(request))

    def _sentences(self, request: AnswerRequest) -> Iterator[str]:
        ranked = sorted(
            ((e.score, e.start, source.number, e.text) for source in request.sources for e in source.evidence),
            key=lambda row: (-row[0], row[2], row[1]),
        )
        if not ranked:
            return
        top = ranked[0][0]
        chosen = [row for row in ranked[: self.max_sentences] if row[0] >= top - self.margin]
        # Read in the order the articles tell it.
        for number, (_, _, source, text) in enumerate(sorted(chosen, key=lambda row: (row[2], row[1]))):
            yield ("" if number == 0 else " ") + f"{' '.join(text.split())} [{source}]"

    def close(self) -> None:
        return None
