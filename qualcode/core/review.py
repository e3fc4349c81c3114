"""Supervisor review: verdicts on codings and the thread of comments behind them.

A coding's review state (unreviewed / approved / disputed) lives in its own fields,
apart from its coder, origin, status and anchor, so a review never overwrites a
coder's work. Every verdict, reply and revision is one entry of the coding's thread,
kept for good.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualcode.core.model import Coding, Review

VERDICTS = (Review.APPROVED.value, Review.DISPUTED.value, Review.UNREVIEWED.value)
"""What a reviewer can set (``unreviewed`` withdraws a verdict)."""

ENTRY_KINDS = ("approved", "disputed", "unreviewed", "comment", "reply", "revision")
"""Kinds of thread entries: a verdict, a plain comment, a researcher's reply or revision."""


@dataclass(frozen=True)
class ThreadEntry:
    """One entry of a coding's review thread.

    Attributes:
        guid: the entry's identifier.
        coding: the coding's guid.
        author: who wrote it (reviewer or researcher).
        at: when (ISO-8601 UTC).
        kind: one of :data:`ENTRY_KINDS`.
        text: the comment (for a revision, what changed).
    """

    guid: str
    coding: str
    author: str
    at: str
    kind: str
    text: str


@dataclass(frozen=True)
class ReviewItem:
    """A coding with its thread, as a queue lists it."""

    coding: Coding
    thread: tuple[ThreadEntry, ...]

    @property
    def last(self) -> ThreadEntry | None:
        """The newest entry of the thread."""
        return self.thread[-1] if self.thread else None


@dataclass(frozen=True)
class ReviewEntryIn:
    """One row a supervisor filled in offline (``review apply``).

    Attributes:
        guid: the coding's guid from the sheet.
        verdict: ``approved``, ``disputed``, ``unreviewed`` or ``""`` (no change).
        comment: the supervisor's comment (may be empty).
        code: the code id the sheet shows, checked against the coding's.
        row: the sheet row, for messages.
    """

    guid: str
    verdict: str
    comment: str
    code: str | None = None
    row: int | None = None


def normalize_verdict(value: str) -> str | None:
    """A sheet's review cell as a verdict (``""`` for none); ``None`` when unknown."""
    v = value.strip().lower()
    aliases = {
        "": "",
        "approve": "approved",
        "approved": "approved",
        "ok": "approved",
        "dispute": "disputed",
        "disputed": "disputed",
        "unreviewed": "unreviewed",
    }
    return aliases.get(v)
