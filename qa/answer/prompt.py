"""The generator's messages, built from the templates in ``qa/answer/prompts/`` (prompts are data, not code).

The system prompt never changes, so llama.cpp reuses its cached keys and values across questions; the sources and
the question follow in the user message, the sources fenced as quoted data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from qa.answer.types import Source


@cache
def template(name: str) -> str:
    """A prompt template shipped in the package (``qa/answer/prompts/NAME.txt``)."""
    return resources.files("qa.answer").joinpath("prompts", f"{name}.txt").read_text(encoding="utf-8")


@dataclass(frozen=True)
class AnswerRequest:
    """What a generator needs: the question as asked, the numbered sources, and the turn it follows up on."""

    question: str
    sources: tuple[Source, ...]
    previous_question: str | None = None
    temperature: float = 0.0
    max_tokens: int = 160
    seed: int = 0


def format_sources(sources: Sequence[Source]) -> str:
    blocks = []
    for source in sources:
        ref = source.ref
        dated = "".join(f", {part}" for part in (ref.outlet, ref.published and ref.published.isoformat()) if part)
        evidence = " ".join(" ".join(e.text.split()) for e in source.evidence)
        blocks.append(
            template("source").format(number=source.number, title=ref.title, dated=dated, evidence=evidence).strip()
        )
    return "\n".join(blocks)


def answer_messages(request: AnswerRequest) -> list[dict[str, str]]:
    """Chat messages for an OpenAI-compatible endpoint."""
    followup = template("followup").format(previous=request.previous_question) if request.previous_question else ""
    user = template("answer_user").format(
        sources=format_sources(request.sources), followup=followup, question=request.question.strip()
    )
    return [
        {"role": "system", "content": template("answer_system").strip()},
        {"role": "user", "content": user.strip()},
    ]
