"""The document list: name, number of codings and coded share.

A name longer than the pane wraps onto the next line: it is never cut.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qualcode.core.model import DocumentSummary
from qualcode.core.names import escape
from qualcode.i18n import N_, plural


def progress(codings: int, share: float) -> str:
    """``3 codings · 12% coded``."""
    return plural(
        codings, "{n} coding · {share:.0%} coded", "{n} codings · {share:.0%} coded", share=share
    )


class DocumentList(OptionList):
    """One option per document; the option id is the document name."""

    BINDINGS = [
        Binding("j", "cursor_down", N_("Down"), show=False, id="documents-down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="documents-up"),
        Binding(
            "m",
            "screen.document_memo",
            N_("Memo"),
            id="documents-memo",
            tooltip=N_("Write a memo on the highlighted document."),
        ),
        Binding(
            "n",
            "screen.rename_document",
            N_("Rename"),
            id="documents-rename",
            tooltip=N_("Rename the highlighted document (u undoes)."),
        ),
        Binding(
            "d",
            "screen.delete_document",
            N_("Delete"),
            id="documents-delete",
            tooltip=N_("Delete the highlighted document with its codings and memos (u undoes)."),
        ),
        Binding(
            "l",
            "screen.link_case",
            N_("Case"),
            id="documents-link-case",
            tooltip=N_("Make the highlighted document part of a case (created when new)."),
        ),
    ]
    """Keys of the document list."""

    @staticmethod
    def prompt(name: str, codings: int, share: float, memo: bool = False) -> Text:
        """The whole name (wrapped when long), then the coding progress."""
        name = escape(name)  # a control character never reaches the terminal
        label = Text(name, overflow="fold")
        if memo:
            label.append(" ✎", style="italic")
        label.append("\n")
        label.append(progress(codings, share), style="dim")
        return label

    @staticmethod
    def wanted_width(names: Sequence[str]) -> int:
        """Columns that show every name on one line (border, padding and scrollbar
        included)."""
        return max((Text(n).cell_len for n in names), default=10) + 6

    def show(
        self,
        docs: Sequence[DocumentSummary],
        current: str | None = None,
        memos: set[str] | None = None,
    ) -> None:
        """(Re)fill the list, keeping ``current`` highlighted."""
        self.clear_options()
        for d in docs:
            self.add_option(
                Option(
                    self.prompt(d.name, d.codings, d.coded_share, d.name in (memos or set())),
                    id=d.name,
                )
            )
        if current is not None:
            for i, d in enumerate(docs):
                if d.name == current:
                    self.highlighted = i
                    break
