"""The case (or cases, for a focus group) of the open document and their attributes.

Opened with ``a`` on the coding screen; ``escape`` or ``a`` closes it.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from qualcode.core.model import Case
from qualcode.i18n import N_, _


def case_table(doc: str, cases: list[Case]) -> Table | Text:
    """A table of the cases linked to ``doc``: one column per case, one row per attribute."""
    linked = [c for c in cases if any(s.doc == doc for s in c.sources)]
    if not linked:
        return Text.assemble(
            (_("{doc} belongs to no case.\n\n").format(doc=doc), "bold"),
            "Import with --case NAME, --case-pattern REGEX or --case-per-speaker, then\n"
            "qualcode attributes import attributes.csv",
        )
    table = Table(title=doc, title_style="bold", expand=True)
    table.add_column(_("attribute"), style="dim", no_wrap=True)
    for c in linked:
        speakers = [s.speaker for s in c.sources if s.doc == doc and s.speaker]
        table.add_column(c.name + (f" ({', '.join(speakers)})" if speakers else ""))
    names = sorted({k for c in linked for k in c.attributes})
    for name in names:
        table.add_row(name, *[c.attributes.get(name) or "—" for c in linked])
    if not names:
        table.add_row(_("(no attributes)"), *["" for _ in linked])
    return table


class CaseInfoModal(ModalScreen[None]):
    """Shows the open document's case(s) and their attributes."""

    BINDINGS = [
        Binding("escape,a,q", "close", N_("Close"), id="case-info-close"),
    ]

    def __init__(self, doc: str, cases: list[Case]) -> None:
        super().__init__()
        self.doc = doc
        self.cases = cases

    def compose(self) -> ComposeResult:
        with Vertical(id="case-info"):
            yield Static(case_table(self.doc, self.cases), id="case-info-table")
            yield Static(_("[dim]escape: close[/dim]"), id="case-info-help")

    def on_mount(self) -> None:
        self.query_one("#case-info", Vertical).border_title = _("Case and attributes")

    def action_close(self) -> None:
        self.dismiss(None)
