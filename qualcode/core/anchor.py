"""Re-anchoring codings when an edited transcript replaces the old text.

For each coding (old span and the quote it coded) the decision is, in order:

1. **Exact**: the quote occurs exactly once in the new text. At the same offsets
   -> ``exact``; elsewhere -> ``moved``. When the quote occurred more than once in
   the *old* text, a single new occurrence is only trusted if it lies where the old
   passage maps to (otherwise the coded copy was deleted and another copy remains).
2. **More than once**: the quote occurs several times in the new text -> never
   guessed: ``needs-review``, placed on the occurrence nearest to where the old
   passage maps, quote kept.
3. **Fuzzy**: the quote no longer occurs verbatim (the passage itself was edited).
   The old span is mapped through a line-then-character diff of the two texts, and
   the best alignment near it is scored with rapidfuzz (``fuzz.ratio`` of the quote
   against the mapped span, and ``fuzz.partial_ratio_alignment`` in a window
   around it). At or above :data:`THRESHOLD` and unambiguous (no second
   alignment scores as well) -> ``moved`` to that span, the quote updated to the
   new text. Below, or ambiguous -> ``needs-review`` at the mapped span, the old
   quote kept.

Nothing is ever dropped: every coding gets a span inside the new text.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from qualcode.core.model import Anchor
from qualcode.core.spans import find_all

THRESHOLD = 90.0
"""Minimum rapidfuzz score (0-100) for an edited passage to be re-anchored
automatically. A typo fixed or a word changed in a sentence scores about 95; a
sentence rewritten scores 60-80; 'waktu tunggu lama' against 'lama waktu menunggu'
scores about 89 and is flagged."""

WINDOW = 2000
"""Characters searched on each side of the mapped span for a fuzzy alignment."""


@dataclass(frozen=True)
class Anchored:
    """Where a coding goes in the new text.

    Attributes:
        start: first character in the new text.
        end: end (exclusive), ``start < end``.
        anchor: ``exact``, ``moved`` or ``needs-review``.
        quote: the quote to store (the new text for a fuzzy move, else the old quote).
        score: the rapidfuzz score of a fuzzy decision (100 for an exact match).
    """

    start: int
    end: int
    anchor: str
    quote: str
    score: float = 100.0


class OffsetMap:
    """Maps offsets of the old text to the new one through a diff.

    Lines are aligned first (fast on long transcripts), then the characters of each
    changed block of lines.
    """

    def __init__(self, old: str, new: str) -> None:
        # segments: (old_start, old_end, new_start, new_end, equal)
        self.segments: list[tuple[int, int, int, int, bool]] = []
        old_lines = old.splitlines(keepends=True)
        new_lines = new.splitlines(keepends=True)
        old_pos = _positions(old_lines)
        new_pos = _positions(new_lines)
        sm = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            a1, a2, b1, b2 = old_pos[i1], old_pos[i2], new_pos[j1], new_pos[j2]
            if tag == "equal":
                self.segments.append((a1, a2, b1, b2, True))
            elif tag == "replace" and (a2 - a1) * (b2 - b1) <= 4_000_000:
                inner = difflib.SequenceMatcher(None, old[a1:a2], new[b1:b2], autojunk=False)
                for t2, x1, x2, y1, y2 in inner.get_opcodes():
                    self.segments.append((a1 + x1, a1 + x2, b1 + y1, b1 + y2, t2 == "equal"))
            else:
                self.segments.append((a1, a2, b1, b2, False))
        self._starts = [s[0] for s in self.segments]

    def map(self, offset: int, *, end: bool = False) -> int:
        """The new offset of old ``offset`` (a start maps to the left of a change,
        an end to its right)."""
        if not self.segments:
            return 0
        if end:
            # an end offset belongs to the segment it closes
            i = bisect.bisect_left(self._starts, offset) - 1
        else:
            i = bisect.bisect_right(self._starts, offset) - 1
        i = max(0, min(i, len(self.segments) - 1))
        a1, a2, b1, b2, equal = self.segments[i]
        if equal:
            return b1 + min(max(offset - a1, 0), b2 - b1)
        if a2 == a1:
            return b2 if end else b1
        # inside a changed block: proportional, which keeps order
        share = (offset - a1) / (a2 - a1)
        return b1 + round(share * (b2 - b1))


def _positions(lines: Sequence[str]) -> list[int]:
    out = [0]
    for line in lines:
        out.append(out[-1] + len(line))
    return out


def _clip(start: int, end: int, length: int, want: int) -> tuple[int, int]:
    """A non-empty span inside ``[0, length)`` near ``start``."""
    start = max(0, min(start, length))
    end = max(start, min(end, length))
    if end <= start:
        end = min(length, start + max(want, 1))
        if end <= start:
            start = max(0, length - max(want, 1))
            end = length
    return start, end


def reanchor(old: str, new: str, spans: Sequence[tuple[int, int, str]]) -> list[Anchored]:
    """Decide where each coding goes in the new text (see the module docstring).

    Args:
        old: the document's old text.
        new: the new text (non-empty).
        spans: ``(start, end, quote)`` of each coding in the old text.

    Returns:
        One :class:`Anchored` per span, in the same order.
    """
    from rapidfuzz import fuzz

    mapper: OffsetMap | None = None
    out: list[Anchored] = []
    for start, end, quote in spans:
        quote = quote or old[start:end]
        hits = find_all(new, quote) if quote else []
        if hits:
            if mapper is None:
                mapper = OffsetMap(old, new)
            mapped = mapper.map(start)
            if len(hits) == 1:
                s = hits[0]
                # a quote the old text held several times: its one remaining copy is
                # only this coding's if it lies where the coded passage went
                if len(find_all(old, quote)) == 1 or abs(s - mapped) <= max(2, len(quote) // 4):
                    anchor = Anchor.EXACT if s == start else Anchor.MOVED
                    out.append(Anchored(s, s + len(quote), anchor.value, quote))
                    continue
            else:
                s = min(hits, key=lambda h: (abs(h - mapped), h))
            out.append(Anchored(s, s + len(quote), Anchor.NEEDS_REVIEW.value, quote))
            continue
        if mapper is None:
            mapper = OffsetMap(old, new)
        ms = mapper.map(start)
        me = max(ms, mapper.map(end, end=True))
        best = (ms, me, float(fuzz.ratio(quote, new[ms:me])) if me > ms else 0.0)
        lo = max(0, ms - WINDOW)
        hi = min(len(new), me + WINDOW)
        if quote and hi > lo:
            al = fuzz.partial_ratio_alignment(quote, new[lo:hi])
            if al is not None and al.score > best[2]:
                best = (lo + al.dest_start, lo + al.dest_end, float(al.score))
        s, e, score = best
        s, e = _trim(new, s, e)
        if score >= THRESHOLD and e > s and not _ambiguous(quote, new, lo, hi, s, e):
            out.append(Anchored(s, e, Anchor.MOVED.value, new[s:e], score))
        else:
            s, e = _clip(ms, me, len(new), len(quote))
            out.append(Anchored(s, e, Anchor.NEEDS_REVIEW.value, quote, score))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _ambiguous(quote: str, new: str, lo: int, hi: int, s: int, e: int) -> bool:
    """True when a second, separate passage in the window scores above the threshold."""
    from rapidfuzz import fuzz

    for a, b in ((lo, s), (e, hi)):
        if b - a >= max(1, len(quote) // 2):
            al = fuzz.partial_ratio_alignment(quote, new[a:b], score_cutoff=THRESHOLD)
            if al is not None and al.score >= THRESHOLD:
                return True
    return False
