"""Retrieval: every passage coded with a code, across documents, with context and
coder; enter jumps to the passage in its transcript."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.core.codebook import Codebook
from qualcode.core.search import one_line
from qualcode.i18n import N_, _, plural

if TYPE_CHECKING:
    from qualcode.store import Project
    from qualcode.store.retrieval import Passage


@dataclass(frozen=True)
class Jump:
    """Where to go in the transcript: a document and a span."""

    doc: str
    start: int
    end: int


class RetrievalScreen(Screen[Jump | None]):
    """Coded passages of one code (with its sub-codes by default)."""

    BINDINGS = [
        Binding("escape,q", "back", N_("Back"), id="retrieval-back", tooltip=N_("Back to coding.")),
        Binding(
            "s",
            "toggle_children",
            N_("Sub-codes"),
            id="retrieval-children",
            tooltip=N_("Include or leave out the codings of sub-codes."),
        ),
        Binding(
            "c",
            "choose_code",
            N_("Other code"),
            id="retrieval-code",
            tooltip=N_("Retrieve another code."),
        ),
        Binding("j", "cursor_down", N_("Down"), show=False, id="retrieval-down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="retrieval-up"),
    ]

    def __init__(
        self,
        project: Project,
        codebook: Codebook,
        code_id: str,
        *,
        label_lang: str | None = None,
        codes: tuple[str, ...] | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__()
        self.project = project
        self.codebook = codebook
        self.code_id = code_id
        self.label_lang = label_lang
        self.include_children = True
        self.codes = codes
        """Several codes at once (a theme's, from the map), each passage once."""
        self.group_title = title

    def compose(self) -> ComposeResult:
        yield Static("", id="retrieval-title")
        yield OptionList(id="retrieval-list")
        yield Footer()

    def on_mount(self) -> None:
        self.fill()
        self.query_one(OptionList).focus()

    def fill(self) -> None:
        """(Re)read the passages of the current code."""
        code = self.codebook[self.code_id]
        if self.codes is None:
            passages = self.project.retrieval.passages(
                code.id, include_children=self.include_children
            )
        else:
            seen: dict[str, Passage] = {}
            for one in self.codes:
                for found in self.project.retrieval.passages(
                    one, include_children=self.include_children
                ):
                    seen.setdefault(found.coding.guid, found)
            passages = sorted(
                seen.values(), key=lambda x: (x.coding.doc, x.coding.start, x.coding.end)
            )
        docs = {p.coding.doc for p in passages}
        title = Text()
        if self.codes is not None and self.group_title:
            title.append("● ", style="bold")
            title.append(self.group_title, style="bold")
            title.append("  " + plural(len(self.codes), "{n} code", "{n} codes"), style="dim")
        else:
            title.append("■ ", style=self.codebook.color_of(code.id))
            title.append(code.label_in(self.label_lang), style="bold")
            title.append(f"  {code.id}", style="dim")
        title.append(
            "  "
            + "{passages} in {documents}".format(
                passages=plural(len(passages), "{n} passage", "{n} passages"),
                documents=plural(len(docs), "{n} document", "{n} documents"),
            )
            + (
                _("  (with sub-codes)")
                if self.include_children and self.codebook.children(code.id)
                else ""
            )
        )
        self.query_one("#retrieval-title", Static).update(title)
        options = self.query_one(OptionList)
        options.clear_options()
        for p in passages:
            c = p.coding
            label = Text()
            label.append(f"{c.doc}", style="bold")
            label.append(f"  {c.coder}", style="dim")
            if c.code != code.id:
                label.append("  ■ ", style=self.codebook.color_of(c.code))
                label.append(
                    self.codebook[c.code].label_in(self.label_lang)
                    if c.code in self.codebook
                    else c.code,
                    style="dim",
                )
            if c.memo:
                label.append(f"  ✎ {one_line(c.memo)[:60]}", style="italic")
            label.append("\n…" + p.left + " ", style="dim")
            label.append(one_line(c.quote), style="bold " + self.codebook.color_of(c.code))
            label.append(" " + p.right + "…", style="dim")
            options.add_option(Option(label, id=c.guid))
        self._passages = {p.coding.guid: p for p in passages}
        if options.option_count:
            options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        p = self._passages.get(event.option.id or "")
        if p is not None:
            self.dismiss(Jump(p.coding.doc, p.coding.start, p.coding.end))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_toggle_children(self) -> None:
        self.include_children = not self.include_children
        self.fill()

    def action_choose_code(self) -> None:
        from qualcode.tui.screens.picker import CodePicker

        def chosen(code_id: str | None) -> None:
            if code_id:
                self.code_id = code_id
                self.codes = None
                self.fill()

        self.app.push_screen(
            CodePicker(self.codebook, label_lang=self.label_lang, title=_("Retrieve code")), chosen
        )

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()
