"""The code picker: type a few words of a label in either language (in any order,
inflected, with typos), of an id, alias or definition, and pick; the whole label and
the definition of the highlighted code are shown beside the list (below it on a
narrow screen)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.core.code_match import CodeIndex
from qualcode.core.codebook import Code, Codebook
from qualcode.i18n import N_, _
from qualcode.tui.screens.filtered import FilteredList

__all__ = ["ChoiceModal", "CodeIndex", "CodePicker", "NodePicker", "rank_codes"]


def rank_codes(
    codebook: Codebook,
    query: str,
    recent: Sequence[str] = (),
    limit: int = 50,
    *,
    index: CodeIndex | None = None,
) -> list[tuple[Code, float]]:
    """Codes ranked for ``query`` (see :mod:`qualcode.core.code_match`); an empty query
    lists recent codes first, then the rest in codebook order."""
    if index is None or index.codebook is not codebook:
        index = CodeIndex(codebook)
    return index.rank(query, recent, limit)


class CodePicker(FilteredList):
    """Pick a code; dismisses with its id, or ``None`` on escape."""

    BINDINGS = [
        Binding(
            "escape", "cancel", N_("Cancel"), id="picker-cancel", tooltip=N_("Close the picker.")
        ),
        Binding("down", "cursor_down", N_("Down"), show=False, id="picker-down"),
        Binding("up", "cursor_up", N_("Up"), show=False, id="picker-up"),
    ]

    def __init__(
        self,
        codebook: Codebook,
        *,
        recent: Sequence[str] = (),
        label_lang: str | None = None,
        title: str | None = None,
        extra: Sequence[tuple[str, str]] = (),
        exclude: Sequence[str] = (),
        index: CodeIndex | None = None,
    ) -> None:
        super().__init__()
        self.codebook = codebook
        self.index = index if index is not None and index.codebook is codebook else None
        """The matching index (with lemmas, built ahead); one without lemmas otherwise."""
        self.recent = list(recent)
        self.label_lang = label_lang
        self.title_text = title if title is not None else _("Apply code")
        self.extra = list(extra)
        """(id, label) choices listed first, e.g. ``("", "(top level)")`` when moving."""
        self.exclude = set(exclude)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(self.title_text, id="picker-title")
            yield Input(
                placeholder=_("words of a label (id/en), an id, a key or the definition"),
                id="picker-input",
            )
            with Horizontal(id="picker-body"):
                yield OptionList(id="picker-list")
                yield Static("", id="picker-definition")

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        for key, text in self.extra:
            if not query.strip() or query.strip().lower() in text.lower():
                options.add_option(Option(Text(text, style="italic"), id=key))
        if self.index is None:
            self.index = CodeIndex(self.codebook)
        for code, _score in self.index.rank(query, self.recent):
            if code.id in self.exclude:
                continue
            label = Text()
            label.append("■ ", style=self.codebook.color_of(code.id))
            label.append("{key:<3} ".format(key=code.key or ""), style="bold")
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
            text.append("\n")
            text.append(_("Use when: "), style="bold")
            text.append(code.inclusion + "\n")
        if code.exclusion:
            text.append("\n")
            text.append(_("Not when: "), style="bold")
            text.append(code.exclusion + "\n")
        panel.update(text)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_definition()


class ChoiceModal(ModalScreen[str | None]):
    """Choose one of a few labelled items (e.g. which coding to remove)."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="choice-cancel")]

    def __init__(
        self, title: str, items: Sequence[tuple[str, Text | str]], *, highlight: int = 0
    ) -> None:
        super().__init__()
        self.title_text = title
        self.items = list(items)
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        with Vertical(id="choice"):
            yield Static(self.title_text, id="choice-title")
            yield OptionList(
                *[Option(label, id=key) for key, label in self.items], id="choice-list"
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        if options.option_count:
            options.highlighted = min(self.highlight, options.option_count - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _folded_words(text: str) -> list[str]:
    from qualcode.core.code_match import fold, words

    return words(fold(text))


class NodePicker(FilteredList):
    """Pick a code, a theme or a document by typing a few words (codes are matched
    as the code picker matches them; themes and documents by the words of their names,
    in any order, inside longer words). Dismisses with ``"kind:key"`` or ``None``."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="node-picker-cancel", tooltip="Close."),
        Binding("down", "cursor_down", "Down", show=False, id="node-picker-down"),
        Binding("up", "cursor_up", "Up", show=False, id="node-picker-up"),
    ]

    def __init__(
        self,
        title: str,
        codebook: Codebook,
        others: Sequence[tuple[str, str, Text | str]],
        *,
        label_lang: str | None = None,
        exclude: Sequence[str] = (),
        index: CodeIndex | None = None,
    ) -> None:
        """``others``: (``"theme:ID"`` / ``"document:NAME"``, searchable words, shown
        label); ``exclude``: ``kind:key`` values not offered."""
        super().__init__()
        self.title_text = title
        self.codebook = codebook
        self.others = list(others)
        self.label_lang = label_lang
        self.exclude = set(exclude)
        self.index = index if index is not None and index.codebook is codebook else None
        self._words = [_folded_words(words) for _, words, _ in self.others]

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(self.title_text, id="picker-title")
            yield Input(placeholder="words of a theme, code or document name", id="picker-input")
            yield OptionList(id="picker-list")

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        typed = _folded_words(query)
        for (key, _words, shown), have in zip(self.others, self._words, strict=True):
            if key in self.exclude:
                continue
            if all(any(q in w for w in have) for q in typed):
                options.add_option(Option(shown, id=key))
        if self.index is None:
            self.index = CodeIndex(self.codebook)
        for code, _score in self.index.rank(query, limit=30):
            if f"code:{code.id}" in self.exclude:
                continue
            label = Text()
            label.append("■ ", style=self.codebook.color_of(code.id))
            label.append(code.label_in(self.label_lang))
            label.append("  code", style="dim")
            options.add_option(Option(label, id=f"code:{code.id}"))
        if options.option_count:
            options.highlighted = 0
