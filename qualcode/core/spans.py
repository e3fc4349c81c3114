"""Character spans over a document's normalized text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Span:
    """A half-open range ``[start, end)`` of characters.

    Raises:
        ValueError: when ``start >= end`` or ``start < 0``.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"empty or negative span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end


def union_length(spans: Iterable[tuple[int, int]]) -> int:
    """Number of characters covered by at least one of ``spans``."""
    total = 0
    cur_start = cur_end = -1
    for s, e in sorted(spans):
        if s >= cur_end:
            if cur_end > cur_start:
                total += cur_end - cur_start
            cur_start, cur_end = s, e
        elif e > cur_end:
            cur_end = e
    if cur_end > cur_start:
        total += cur_end - cur_start
    return total


def find_all(text: str, needle: str) -> list[int]:
    """Start offsets of every (possibly overlapping) occurrence of ``needle``."""
    out: list[int] = []
    if not needle:
        return out
    i = text.find(needle)
    while i != -1:
        out.append(i)
        i = text.find(needle, i + 1)
    return out
