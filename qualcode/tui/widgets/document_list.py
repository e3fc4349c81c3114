"""The document list: name, number of codings and coded share."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qualcode.core.model import DocumentSummary


class DocumentList(OptionList):
    """One option per document; the option id is the document name."""

    def show(self, docs: Sequence[DocumentSummary], current: str | None = None) -> None:
        """(Re)fill the list, keeping ``current`` highlighted."""
        self.clear_options()
        for d in docs:
            label = Text(d.name, overflow="ellipsis", no_wrap=True)
            label.append(f"\n{d.codings} codings · {d.coded_share:.0%} coded", style="dim")
            self.add_option(Option(label, id=d.name))
        if current is not None:
            for i, d in enumerate(docs):
                if d.name == current:
                    self.highlighted = i
                    break
