"""The document switcher: every document over the transcript, at any screen size.

``o`` on the coding screen opens it; type part of a name (words in any order) to
narrow the list, enter opens the highlighted document. Each entry shows the whole
name (wrapped when long), its codings and coded share, and a ✎ for a memo.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.core.code_match import fold, words
from qualcode.core.model import DocumentSummary
from qualcode.errors import QualcodeError
from qualcode.i18n import N_, _, plural
from qualcode.tui.screens.filtered import FilteredList
from qualcode.tui.widgets.document_list import progress

if TYPE_CHECKING:
    from qualcode.store import Project


def matches(name: str, query: str) -> bool:
    """Whether every word typed occurs in ``name`` (any order, any case)."""
    folded = fold(name)
    return all(w in folded for w in words(query))


class DocumentSwitcher(FilteredList):
    """Pick a document; dismisses with its name, or ``None`` on escape."""

    BINDINGS = [
        Binding(
            "escape",
            "cancel",
            N_("Cancel"),
            id="documents-cancel",
            tooltip=N_("Close the document list."),
        ),
        Binding("down", "cursor_down", N_("Down"), show=False, id="documents-switch-down"),
        Binding("up", "cursor_up", N_("Up"), show=False, id="documents-switch-up"),
    ]
    """Keys of the document switcher (typing goes to the filter)."""

    def __init__(
        self,
        documents: Sequence[DocumentSummary],
        current: str | None = None,
        memos: set[str] | None = None,
        *,
        project: Project | None = None,
    ) -> None:
        super().__init__()
        self.documents = list(documents)
        self.current = current
        self.memos = memos or set()
        self.project = project
        """Where to read the documents again (in a worker) once the switcher shows;
        ``None``: the documents given are the ones to show."""

    def on_mount(self) -> None:
        super().on_mount()
        if self.project is not None:
            self._read_again(self.project)

    @work(thread=True, exclusive=True, group="document-switcher", exit_on_error=False)
    def _read_again(self, project: Project) -> None:
        """Every document with its codings and coded share, and those with a memo:
        read off the interface thread (with many codings it takes longer than a key
        may), then shown by :meth:`_read`."""
        try:
            docs = project.documents.documents()
            memos = {m.target for m in project.memos.memos("document") if m.target}
        except QualcodeError:
            docs, memos = list(self.documents), self.memos  # keep what is shown
        self.app.call_from_thread(self._read, docs, memos)

    def _read(self, documents: list[DocumentSummary], memos: set[str]) -> None:
        """Show the documents read again, keeping what is typed and highlighted (a
        switcher already closed drops them)."""
        if not self.is_attached:
            return
        options = self.query_one(OptionList)
        option = options.highlighted_option
        keep = option.id if option is not None else None
        self.documents, self.memos = documents, memos
        self.query_one("#switcher-title", Static).update(self._title())
        self._fill(self.query_one(Input).value, keep=keep)

    def _title(self) -> str:
        return plural(
            len(self.documents),
            "Open a document ({n} in this project)",
            "Open a document ({n} in this project)",
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="switcher"):
            yield Static(self._title(), id="switcher-title")
            yield Input(placeholder=_("type part of a name"), id="switcher-input")
            yield OptionList(id="switcher-list")
            yield Static("", id="switcher-hint")

    def _fill(self, query: str, *, keep: str | None = None) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        highlight = 0
        for d in self.documents:
            if d.name == keep and (not query.strip() or matches(d.name, query)):
                highlight = options.option_count
            if query.strip() and not matches(d.name, query):
                continue
            label = Text(d.name, style="bold" if d.name == self.current else "")
            if d.name in self.memos:
                label.append(" ✎", style="italic")
            label.append("  ")
            label.append(progress(d.codings, d.coded_share), style="dim")
            if d.name == self.current and not query.strip() and keep is None:
                highlight = options.option_count
            options.add_option(Option(label, id=d.name))
        if options.option_count:
            options.highlighted = highlight
        shown = plural(
            options.option_count,
            "{n} of {total} shown",
            "{n} of {total} shown",
            total=len(self.documents),
        )
        self.query_one("#switcher-hint", Static).update(
            _("{shown} · enter open · esc back").format(shown=shown)
        )
