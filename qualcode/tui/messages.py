"""Every custom Textual message of the workbench, in one module, with typed fields.

A screen or widget posts one of these; whoever handles it imports it from here.
Each keeps the handler name it had when it was nested in its sender's class
(``namespace=``), so ``on_transcript_view_selection_changed`` and
``on_coding_screen_coding_applied`` still reach it; the sender classes keep the old
names as aliases (``TranscriptView.SelectionChanged``). A test
(tests/test_boundaries.py) fails when a Message subclass is defined anywhere else in
``qualcode.tui``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from qualcode.core.model import CodeCount, Coding

if TYPE_CHECKING:
    from pathlib import Path

    from qualcode.core.matrices import Frequency, QuoteMatrix
    from qualcode.core.text_analysis import KwicLine, WordFrequencies
    from qualcode.tui.widgets.transcript_view import TranscriptView


class SelectionChanged(Message, namespace="transcript_view"):
    """The transcript's selection moved (``can_replace``: only the newest matters)."""

    def __init__(self, view: TranscriptView, start: int, end: int) -> None:
        super().__init__()
        self.view: TranscriptView = view
        """The transcript whose selection moved."""
        self.start: int = start
        """First character of the selection."""
        self.end: int = end
        """End of the selection (exclusive)."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SelectionChanged)


class CodingApplied(Message, namespace="coding_screen"):
    """A coding was stored from the coding screen."""

    def __init__(self, coding: Coding, created: bool) -> None:
        super().__init__()
        self.coding: Coding = coding
        """The coding as stored."""
        self.created: bool = created
        """New (not an identical coding already there)."""


class CountsComputed(Message, namespace="coding_screen"):
    """The coding screen's worker counted the codings per code after a change."""

    def __init__(self, counts: dict[str, CodeCount] | None, generation: int) -> None:
        super().__init__()
        self.counts: dict[str, CodeCount] | None = counts
        """Codings per code id (``None``: the count failed; the next change counts again)."""
        self.generation: int = generation
        """Which request this answers (a newer one makes it stale)."""


@dataclass(frozen=True)
class ReviewData:
    """What the review screen shows, computed in a worker: the frequency matrix and
    the quotes behind every cell, for one state of the screen's filters."""

    freq: Frequency
    quotes: QuoteMatrix
    generation: int
    """Which request this answers (a newer request makes an older answer stale)."""


class ReviewComputed(Message, namespace="review_screen"):
    """The review screen's worker finished recomputing the matrix and the quotes."""

    def __init__(self, data: ReviewData) -> None:
        super().__init__()
        self.data: ReviewData = data
        """The new matrix and quotes."""


class WordsCounted(Message, namespace="text_analysis_screen"):
    """The text analysis screen's worker counted the words for one grouping."""

    def __init__(
        self, freq: WordFrequencies | None, generation: int, error: str | None = None
    ) -> None:
        super().__init__()
        self.freq: WordFrequencies | None = freq
        """The counts (``None`` when counting failed)."""
        self.generation: int = generation
        """Which request this answers (a newer one makes it stale)."""
        self.error: str | None = error
        """Why counting failed, for the user."""


class KwicFound(Message, namespace="text_analysis_screen"):
    """The text analysis screen's worker found the keyword-in-context lines."""

    def __init__(
        self, lines: list[KwicLine] | None, generation: int, error: str | None = None
    ) -> None:
        super().__init__()
        self.lines: list[KwicLine] | None = lines
        """The lines (``None`` when the search failed)."""
        self.generation: int = generation
        """Which request this answers (a newer one makes it stale)."""
        self.error: str | None = error
        """Why the search failed, for the user."""


class TableExported(Message, namespace="text_analysis_screen"):
    """A word or KWIC table was written (in a worker), or could not be."""

    def __init__(self, path: Path | None, note: str = "", error: str | None = None) -> None:
        super().__init__()
        self.path: Path | None = path
        """The file written."""
        self.note: str = note
        """What the user should know about it (the pseudonyms used)."""
        self.error: str | None = error
        """Why nothing was written."""
