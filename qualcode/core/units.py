"""The unit a search hit is coded as: the hit itself, its sentence or its turn.

Coding only the matched keyword ("antrean", seven characters) makes one-word
"quotes" in the exports and the report; the sentence around it is what a researcher
quotes, so it is the default.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from qualcode.core.model import Document
from qualcode.i18n import _

UNITS = ("sentence", "turn", "hit")
"""The units, the default first."""


def unit_span(document: Document, start: int, end: int, unit: str) -> tuple[int, int]:
    """The span that codes ``[start, end)`` as ``unit``.

    A sentence or turn that holds the hit's start is taken (grown to the hit's end
    when the hit runs past it); where there is none (a hit in a speaker label, a
    document without sentences), the hit itself.

    Raises:
        ValueError: an unknown unit.
    """
    if unit not in UNITS:
        raise ValueError(
            _("unknown unit {unit!r} (use one of {units})").format(
                unit=unit, units=", ".join(UNITS)
            )
        )
    if unit == "sentence" and document.sentences:
        starts = [s.start for s in document.sentences]
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0:
            s = document.sentences[i]
            if s.start <= start < max(s.end, s.start + 1):
                return s.start, max(s.end, end)
    if unit == "turn":
        for t in document.turns:
            if t.start <= start < max(t.end, t.start + 1) and t.end > t.start:
                return t.start, max(t.end, end)
    return start, end


def unit_spans(
    document: Document, hits: Iterable[tuple[int, int]], unit: str
) -> list[tuple[int, int]]:
    """Each hit's span as ``unit``, in text order, each span once (two hits in one
    sentence code that sentence once)."""
    return sorted({unit_span(document, a, b, unit) for a, b in hits})
