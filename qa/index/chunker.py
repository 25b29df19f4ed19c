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
        """Sentences with their token counts; over-long sentences cut into budget-sized pieces.

        A sentence is counted alone (it may open a chunk) and with the whitespace before it (joined to the
        previous sentence, a line break costs a token and a word may tokenize differently); the larger count
        is kept, so that a chunk's text never holds more tokens than the sum of its pieces.
        """
        spans = sentence_spans(text)
        enc = encoding()
        gaps = [spans[number - 1][1] if number else start for number, (start, _) in enumerate(spans)]
        # Not encode_ordinary_batch: it starts a thread pool per call, which costs far more than one article takes.
        alone = [enc.encode_ordinary(text[start:end]) for start, end in spans]
        joined = [enc.encode_ordinary(text[gap:end]) for gap, (_, end) in zip(gaps, spans, strict=True)]
        pieces = []
        for (start, end), tokens, with_gap in zip(spans, alone, joined, strict=True):
            count = max(len(tokens), len(with_gap))
            if count <= self.max_tokens:
                pieces.append((start, end, count))
                continue
            _, offsets = enc.decode_with_offsets(tokens)
            # A cut inside a character (a CJK character or an emoji is several byte tokens) would move the whole
            # character, and a token more, into the next piece: cut only before a token that starts a character.
            opens_char = [not 0x80 <= token[0] < 0xC0 for token in enc.decode_tokens_bytes(tokens)]
            first = 0
            while first < len(tokens):
                last = min(first + self.max_tokens, len(tokens))
                while first + 1 < last < len(tokens) and not opens_char[last]:
                    last -= 1
                piece_start = start + offsets[first]
                piece_end = start + offsets[last] if last < len(tokens) else end
                if piece_end > piece_start:
                    # Only the first piece has the gap before it; the others continue the sentence.
                    pieces.append((piece_start, piece_end, last - first + (count - len(tokens) if first == 0 else 0)))
                first = last
        return pieces
