"""Sentence-aware, token-budgeted chunks that remember where they sit in the article's text."""

from __future__ import annotations

from dataclasses import dataclass

from qa.index.sentences import sentence_spans
from qa.index.tokens import encoding


@dataclass(frozen=True)
class Span:
    """A chunk before it has an id: ``article.text[start:end]``."""

    start: int
    end: int


class Chunker:
    """Packs whole sentences into chunks of at most ``max_tokens`` tokens, repeating up to ``overlap_tokens``
    tokens of trailing sentences at the start of the next chunk. A sentence longer than the budget is cut at
    token boundaries.

    >>> spans = Chunker(max_tokens=8, overlap_tokens=0).split("One two three. Four five six. Seven.")
    >>> [(s.start, s.end) for s in spans]
    [(0, 29), (30, 36)]
    """

    def __init__(self, max_tokens: int, overlap_tokens: int) -> None:
        if max_tokens <= 0 or not 0 <= overlap_tokens < max_tokens:
            raise ValueError(f"need max_tokens > overlap_tokens >= 0, got {max_tokens} and {overlap_tokens}")
        self.max_tokens = max_tokens
        self.overlap_tokens = overlap_tokens

    def split(self, text: str) -> list[Span]:
        pieces = self._pieces(text)
        chunks: list[Span] = []
        window: list[tuple[int, int, int]] = []  # (start, end, tokens)
        used = 0
        for piece in pieces:
            if window and used + piece[2] > self.max_tokens:
                chunks.append(Span(window[0][0], window[-1][1]))
                window, used = self._overlap(window, piece[2])
            window.append(piece)
            used += piece[2]
        if window:
            chunks.append(Span(window[0][0], window[-1][1]))
        return chunks

    def _overlap(self, window: list[tuple[int, int, int]], incoming: int) -> tuple[list[tuple[int, int, int]], int]:
        """Trailing pieces of ``window`` to repeat, leaving room for the incoming piece."""
        kept: list[tuple[int, int, int]] = []
        used = 0
        for piece in reversed(window):
            if used + piece[2] > self.overlap_tokens or used + piece[2] + incoming > self.max_tokens:
                break
            kept.insert(0, piece)
            used += piece[2]
        return kept, used

    def _pieces(self, text: str) -> list[tuple[int, int, int]]:
        """Sentences with their token counts; over-long sentences cut into budget-sized pieces."""
        spans = sentence_spans(text)
        enc = encoding()
        token_lists = enc.encode_ordinary_batch([text[start:end] for start, end in spans])
        pieces = []
        for (start, end), tokens in zip(spans, token_lists, strict=True):
            if len(tokens) <= self.max_tokens:
                pieces.append((start, end, len(tokens)))
                continue
            _, offsets = enc.decode_with_offsets(tokens)
            for first in range(0, len(tokens), self.max_tokens):
                last = min(first + self.max_tokens, len(tokens))
                piece_start = start + offsets[first]
                piece_end = start + offsets[last] if last < len(tokens) else end
                if piece_end > piece_start:
                    pieces.append((piece_start, piece_end, last - first))
        return pieces
