"""The help screen: every key of the workbench, as remapped in the settings."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from qualcode.tui.keymap import key_table, pretty

INTRO_WIDE = (
    "Keys follow the focused pane: tab / shift+tab move between the document list, the "
    "transcript and the codebook; {open} opens any document. Codebook keys never shadow "
    "these: a code with a one-digit key is applied with that digit, every code key (1a, "
    "3c, …) after the ; prefix. {narrower} and {wider} make the codebook pane (or the "
    "focused document list) narrower or wider. Every binding can be remapped by its id "
    "in settings.yaml (keymap: {{id: keys}})."
)
INTRO_NARROW = (
    "At this width the document list is hidden: tab / shift+tab move between the "
    "transcript and the codebook, and {open} opens another document (or ctrl+p, then "
    '"Open document"). Codebook keys never shadow these: a code with a one-digit key is '
    "applied with that digit, every code key (1a, 3c, …) after the ; prefix. {narrower} "
    "and {wider} make the codebook pane narrower or wider. Every binding can be "
    "remapped by its id in settings.yaml (keymap: {{id: keys}})."
)


class HelpScreen(Screen[None]):
    """Lists every binding with its id, keys and what it does."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "back", "Back", id="help-back"),
        Binding("j,down", "scroll_down", "Down", show=False, id="help-down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="help-up"),
    ]

    def __init__(self, keymap: Mapping[str, str] | None = None, *, narrow: bool = False) -> None:
        super().__init__()
        self.keymap = dict(keymap or {})
        self.narrow = narrow
        """The coding screen is too narrow for the document list: say what exists."""

    def intro(self) -> str:
        """What Tab reaches and how to open documents, at the coding screen's size."""
        keys = {row.id: pretty(row.keys) for row in key_table(self.keymap)}
        text = INTRO_NARROW if self.narrow else INTRO_WIDE
        return text.format(
            open=keys.get("open-document", "o"),
            narrower=keys.get("pane-narrower", "<"),
            wider=keys.get("pane-wider", ">"),
        )

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("Keys", style="bold"), id="help-title")
            yield Static(self.intro(), id="help-intro")
            yield Static(self._table(), id="help-table")
        yield Footer()

    def _table(self) -> Text:
        text = Text()
        area = None
        for row in key_table(self.keymap):
            if self.narrow and row.owner == "documents":
                continue  # the document list is hidden at this width
            if row.area != area:
                area = row.area
                text.append(f"\n{area}\n", style="bold underline")
            text.append(f"  {pretty(row.keys):<22}", style="bold")
            text.append(f"{row.description}")
            text.append(f"  {row.id}\n", style="dim")
        return text

    def action_back(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one(VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one(VerticalScroll).scroll_up(animate=False)
