"""Pseudonyms: replace participants' and officers' names in everything exported.

A name map (real -> pseudonym) is applied to every string of an export or report:
speaker labels, case and document names, quotes, memos, comments. Names match as
whole words, ignoring case (``BU SITI`` and ``Bu Siti`` alike), longest first, so
``Siti Aminah`` wins over ``Siti``. The project itself is never changed.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

KEEP_FIELDS = frozenset(
    {
        "guid",
        "code",
        "unit",
        "path",
        "codes",
        "rows",
        "origin",
        "status",
        "anchor",
        "review",
        "created",
        "updated",
        "at",
        "reviewed_at",
        "kind",
        "by",
        "role",
    }
)
"""Fields that hold identifiers or states, never names: left as they are."""


class Pseudonymizer:
    """Replaces real names by pseudonyms in text.

    Args:
        names: real name -> pseudonym.
    """

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = {k.strip(): v for k, v in names.items() if k.strip()}
        self._lookup = {k.casefold(): v for k, v in self.names.items()}
        if self.names:
            alternatives = sorted(self.names, key=len, reverse=True)
            self._re: re.Pattern[str] | None = re.compile(
                r"(?<!\w)(" + "|".join(re.escape(n) for n in alternatives) + r")(?!\w)",
                re.IGNORECASE,
            )
        else:
            self._re = None

    def __bool__(self) -> bool:
        return bool(self.names)

    def text(self, value: str) -> str:
        """``value`` with every real name replaced."""
        if self._re is None or not value:
            return value
        return self._re.sub(lambda m: self._lookup.get(m.group(0).casefold(), m.group(0)), value)

    def text_map(self, value: str) -> tuple[str, PositionMap]:
        """``value`` with every real name replaced, and the map from positions in
        ``value`` to positions in the result (to move codings onto the new text)."""
        if self._re is None or not value:
            return value, PositionMap(())
        parts: list[str] = []
        spans: list[tuple[int, int, int, int]] = []
        last = 0
        out_len = 0
        for m in self._re.finditer(value):
            new = self._lookup.get(m.group(0).casefold(), m.group(0))
            parts.append(value[last : m.start()])
            out_len += m.start() - last
            spans.append((m.start(), m.end(), out_len, out_len + len(new)))
            parts.append(new)
            out_len += len(new)
            last = m.end()
        parts.append(value[last:])
        return "".join(parts), PositionMap(tuple(spans))

    def longest(self) -> int:
        """The length of the longest real name (context to read around a cut)."""
        return max((len(n) for n in self.names), default=0)

    def apply(self, obj: T) -> T:
        """A copy of ``obj`` (dataclasses, tuples, lists, dicts, strings) with names replaced.

        Identifier and state fields (:data:`KEEP_FIELDS`) are left alone.
        """
        if self._re is None:
            return obj
        return self._walk(obj)  # type: ignore[no-any-return]

    def _walk(self, obj: Any) -> Any:
        if isinstance(obj, str):
            return self.text(obj)
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            changes = {
                f.name: self._walk(getattr(obj, f.name))
                for f in dataclasses.fields(obj)
                if f.name not in KEEP_FIELDS
            }
            return dataclasses.replace(obj, **changes)
        if isinstance(obj, tuple):
            return tuple(self._walk(v) for v in obj)
        if isinstance(obj, list):
            return [self._walk(v) for v in obj]
        if isinstance(obj, dict):
            return {self._walk(k): self._walk(v) for k, v in obj.items()}
        return obj


@dataclass(frozen=True)
class PositionMap:
    """Positions in a text mapped onto the text with its names replaced.

    Attributes:
        spans: every replacement as ``(old start, old end, new start, new end)``, in
            text order.
    """

    spans: tuple[tuple[int, int, int, int], ...]

    def _at(self, position: int, *, end: bool) -> int:
        i = bisect_right([s[0] for s in self.spans], position) - 1
        if i < 0:
            return position
        old_start, old_end, new_start, new_end = self.spans[i]
        if position >= old_end:
            return new_end + (position - old_end)
        if position == old_start:
            return new_start
        # inside a replaced name: a start moves to the name's start, an end to its end
        return new_end if end else new_start

    def start(self, position: int) -> int:
        """Where a passage starting at ``position`` starts in the new text."""
        return self._at(position, end=False)

    def end(self, position: int) -> int:
        """Where a passage ending (exclusive) at ``position`` ends in the new text."""
        return self._at(position, end=True)
