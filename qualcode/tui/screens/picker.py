"""The fuzzy code picker: type a few letters of an id or a label in either
language (or of a description) and pick; the definition of the highlighted code
is shown beside the list."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.core.codebook import Code, Codebook


def rank_codes(
    codebook: Codebook, query: str, recent: Sequence[str] = (), limit: int = 50
) -> list[tuple[Code, float]]:
    """Codes ranked for ``query``: ids and labels (both languages) score fully,
    descriptions at 80%; an empty query lists recent codes first, then the rest in
    codebook order."""
    if not query.strip():
        seen: set[str] = set()
        ordered: list[tuple[Code, float]] = []
        for cid in recent:
            code = codebook.get(cid)
            if code is not None and code.id not in seen:
                ordered.append((code, 100.0))
                seen.add(code.id)
        ordered += [(c, 0.0) for c in codebook if c.id not in seen]
        return ordered[:limit]
    q = query.strip().lower()
    scored: list[tuple[Code, float]] = []
    for code in codebook:
        fields = [code.id.lower(), *(v.lower() for v in code.labels().values())]
        best = max(fuzz.WRatio(q, f) for f in fields)
        if any(f.startswith(q) for f in fields):
            best = max(best, 100.0)
        if code.key and q == code.key:
            best = 101.0
        if code.description:
            best = max(best, 0.8 * fuzz.partial_ratio(q, code.description.lower()))
        if best >= 45:
            scored.append((code, best))
    scored.sort(key=lambda cs: (-cs[1], codebook.codes.index(cs[0])))
    return scored[:limit]


class CodePicker(ModalScreen[str | None]):
    """Pick a code; dismisses with its id, or ``None`` on escape."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker-cancel", tooltip="Close the picker."),
        Binding("down", "cursor_down", "Down", show=False, id="picker-down"),
        Binding("up", "cursor_up", "Up", show=False, id="picker-up"),
    ]

    def __init__(
        self,
        codebook: Codebook,
        *,
        recent: Sequence[str] = (),
        label_lang: str | None = None,
        title: str = "Apply code",
        extra: Sequence[tuple[str, str]] = (),
        exclude: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.codebook = codebook
        self.recent = list(recent)
        self.label_lang = label_lang
        self.title_text = title
        self.extra = list(extra)
        """(id, label) choices listed first, e.g. ``("", "(top level)")`` when moving."""
        self.exclude = set(exclude)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(self.title_text, id="picker-title")
            yield Input(
                placeholder="type an id, a label (id/en) or a word of the definition",
                id="picker-input",
            )
            with Horizontal(id="picker-body"):
                yield OptionList(id="picker-list")
                yield Static("", id="picker-definition")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        for key, text in self.extra:
            if not query.strip() or query.strip().lower() in text.lower():
                options.add_option(Option(Text(text, style="italic"), id=key))
        for code, _score in rank_codes(self.codebook, query, self.recent):
            if code.id in self.exclude:
                continue
            label = Text()
            label.append("■ ", style=self.codebook.color_of(code.id))
            label.append(f"{code.key or '':<3} ", style="bold")
            label.append(code.label_in(self.label_lang))
            label.append(f"  {code.id}", style="dim")
            options.add_option(Option(label, id=code.id))
        if options.option_count:
            options.highlighted = 0
        self._show_definition()

    def _show_definition(self) -> None:
        options = self.query_one(OptionList)
        panel = self.query_one("#picker-definition", Static)
        if options.highlighted is None:
            panel.update("")
            return
        code = self.codebook.get(options.get_option_at_index(options.highlighted).id or "")
        if code is None:
            panel.update("")
            return
        text = Text()
        text.append(code.label_in(self.label_lang) + "\n", style="bold")
        other = [v for k, v in code.labels().items() if v != code.label_in(self.label_lang)]
        if other:
            text.append(" / ".join(other) + "\n", style="italic")
        text.append(code.id + "\n\n", style="dim")
        if code.description:
            text.append(code.description + "\n")
        if code.inclusion:
            text.append("\nUse when: ", style="bold")
            text.append(code.inclusion + "\n")
        if code.exclusion:
            text.append("\nNot when: ", style="bold")
            text.append(code.exclusion + "\n")
        panel.update(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_definition()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceModal(ModalScreen[str | None]):
    """Choose one of a few labelled items (e.g. which coding to remove)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice-cancel")]

    def __init__(self, title: str, items: Sequence[tuple[str, Text | str]]) -> None:
        super().__init__()
        self.title_text = title
        self.items = list(items)

    def compose(self) -> ComposeResult:
        with Vertical(id="choice"):
            yield Static(self.title_text, id="choice-title")
            yield OptionList(
                *[Option(label, id=key) for key, label in self.items], id="choice-list"
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
