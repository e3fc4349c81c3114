"""The themes screen: from codes to themes by keyboard (issue 19).

Three panes: every code with its passages, documents and participants (filterable as
you type, codes in no theme listed apart, ``space`` marks several); the themes as a
tree (sub-themes, member codes), with the highlighted theme's status and definition
under it; and the passages of the highlighted code or theme beside them (the
retrieval view), so a theme is built while reading the data. One keystroke puts the
marked codes into the highlighted theme (``t``), a new theme (``n``) or a new
sub-theme of the highlighted theme (``s``). In the passages, ``x`` makes the
highlighted passage a key extract of the theme (again: no longer one) and ``K`` /
``J`` move an extract up or down. ``l`` relates the highlighted code, theme or
passage to another (type from the vocabulary, target picked by typing), ``L`` lists
its relations and follows one. ``v`` reviews the highlighted theme.

Every change is one action in the log: ``u`` takes it back, ``ctrl+r`` redoes it.

Below 100 columns the passages stack under the two lists (full width, for reading).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static, Tree
from textual.widgets.option_list import Option

from qualcode.core.code_match import CodeIndex
from qualcode.core.codebook import Codebook
from qualcode.core.search import one_line
from qualcode.i18n import _, plural
from qualcode.store import Project
from qualcode.tui.screens.retrieval import Jump

NARROW = 100
"""Below this many columns the passages stack under the lists."""
COUNT_WIDTH = 4
"""Cells of one count column in the code list."""
PASSAGES_MAX = 400
"""Passages listed at once for one code or theme (the title says how many in all)."""


@dataclass(frozen=True)
class Focus:
    """What the screen's actions act on: a code, a theme, or a passage (a coding)."""

    kind: str
    key: str
    theme: str | None = None
    """For a code under a theme in the tree (or a passage shown for a theme): the theme."""


class CodeList(OptionList):
    """Every code with its counts; ``space`` marks the highlighted code."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="themes-codes-down"),
        Binding("k", "cursor_up", "Up", show=False, id="themes-codes-up"),
        Binding(
            "space",
            "screen.mark",
            "Mark",
            id="themes-mark",
            tooltip="Mark or unmark the highlighted code (several are put into a theme at once).",
        ),
    ]
    """Keys of the code list."""


class ThemeTree(Tree[Focus]):
    """Themes, their sub-themes and member codes."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="themes-tree-down"),
        Binding("k", "cursor_up", "Up", show=False, id="themes-tree-up"),
    ]
    """Keys of the theme tree."""

    DEFAULT_CSS = """
    ThemeTree {
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    """


class PassageList(OptionList):
    """The passages of the highlighted code or theme; key extracts first (★)."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="themes-passages-down"),
        Binding("k", "cursor_up", "Up", show=False, id="themes-passages-up"),
    ]
    """Keys of the passage list."""


class ThemesScreen(Screen[Jump | None]):
    """Organise codes into themes while reading their passages."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="themes-back", tooltip="Back to coding."),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="themes-filter",
            tooltip="Filter the codes as you type (words of a label, id or definition).",
        ),
        Binding(
            "t",
            "into_theme",
            "Into theme",
            id="themes-into",
            tooltip="Put the marked codes (or the highlighted one) into the highlighted theme.",
        ),
        Binding(
            "n",
            "new_theme(False)",
            "New theme",
            id="themes-new",
            tooltip="Make a new theme of the marked codes (asks its name).",
        ),
        Binding(
            "s",
            "new_theme(True)",
            "Sub-theme",
            id="themes-new-sub",
            tooltip="Make a new sub-theme of the highlighted theme of the marked codes.",
        ),
    ]
    """Keys of the themes screen (remappable by id)."""

    def __init__(self, project: Project, *, label_lang: str | None = None) -> None:
        super().__init__()
        self.project = project
        self.codebook: Codebook = project.codebook()
        self.label_lang = label_lang or (
            self.codebook.languages[0] if self.codebook.languages else None
        )
        self.marked: list[str] = []
        """Marked code ids, in the order they were marked."""
        self.query_text = ""
        self._index: CodeIndex | None = None
        self._rows: dict[str, tuple[int, int, int]] = {}
        """Code id -> (passages, documents, participants)."""
        self._shown_for: Focus | None = None
        self._passage_guids: list[str] = []

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static("", id="themes-status")
        with Vertical(id="themes-main"):
            with Vertical(id="themes-codes-pane"):
                yield Input(
                    placeholder=_("/ filter codes: words of a label, id or definition"),
                    id="themes-filter-input",
                )
                yield Static("", id="themes-codes-head")
                yield CodeList(id="themes-codes")
            with Vertical(id="themes-tree-pane"):
                yield ThemeTree("themes", id="themes-tree")
                yield Static("", id="themes-info")
            with Vertical(id="themes-passages-pane"):
                yield PassageList(id="themes-passages")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#themes-codes-pane").border_title = _("Codes")
        self.query_one("#themes-tree-pane").border_title = _("Themes")
        self.query_one("#themes-passages-pane").border_title = _("Passages")
        tree = self.query_one(ThemeTree)
        tree.show_root = False
        tree.guide_depth = 2
        self.set_class(self.app.size.width < NARROW, "-narrow")
        self.reload()
        self.query_one(CodeList).focus()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")
        self.query_one(Footer).compact = event.size.width < NARROW
        self._fill_codes()

    # ------------------------------------------------------------------ data

    def label(self, code_id: str) -> str:
        """A code's label in the label language shown (its id when unknown)."""
        code = self.codebook.get(code_id)
        return code.label_in(self.label_lang) if code is not None else code_id

    def reload(self) -> None:
        """Read codes, counts and themes again and redraw every pane."""
        self.codebook = self.project.codebook()
        counts = self.project.code_counts()
        self._rows = {
            cid: (c.codings, c.documents, 0) for cid, c in counts.items() if cid in self.codebook
        }
        self._fill_codes()
        self._fill_tree()
        self._show_passages(self._focus(), force=True)
        self._status()

    def _in_theme(self) -> set[str]:
        return set()

    def _status(self) -> None:
        none = [c.id for c in self.codebook if c.id not in self._in_theme()]
        parts = [
            plural(len(self.codebook), "{n} code", "{n} codes"),
            plural(len(none), "{n} in no theme", "{n} in no theme"),
        ]
        if self.marked:
            parts.append(plural(len(self.marked), "{n} marked", "{n} marked"))
        if self.query_text:
            parts.append(_("filter: {query}").format(query=self.query_text))
        self.query_one("#themes-status", Static).update(
            Text(" · ".join(parts), no_wrap=True, overflow="ellipsis")
        )

    # ------------------------------------------------------------------ the code list

    def _matching(self) -> list[str]:
        """Code ids shown: every code, or those matching the filter (best first)."""
        if not self.query_text.strip():
            return [c.id for c in self.codebook]
        if self._index is None or self._index.codebook is not self.codebook:
            self._index = CodeIndex(self.codebook)
        return [c.id for c, _score in self._index.rank(self.query_text, limit=len(self.codebook))]

    def _code_line(self, code_id: str, width: int) -> Text:
        n, docs, people = self._rows.get(code_id, (0, 0, 0))
        line = Text(no_wrap=True)
        line.append("✓ " if code_id in self.marked else "  ", style="bold")
        line.append("■ ", style=self.codebook.color_of(code_id))
        depth = self.codebook.depth(code_id) if not self.query_text.strip() else 0
        label = Text(" " * depth + self.label(code_id))
        counts = Text(
            "".join(f"{v:>{COUNT_WIDTH}}" for v in (n, docs, people)),
            style="" if n else "dim",
        )
        room = width - 4 - counts.cell_len
        if room > 0 and label.cell_len > room:
            label.truncate(room, overflow="ellipsis")
        label.pad_right(max(room - label.cell_len, 0))
        line.append_text(label)
        line.append_text(counts)
        return line

    def _fill_codes(self) -> None:
        codes = self.query_one(CodeList)
        keep = codes.highlighted_option.id if codes.highlighted_option is not None else None
        width = max(
            (codes.size.width or self.app.size.width // 2) - codes.styles.scrollbar_size_vertical,
            20,
        )
        shown = self._matching()
        members = self._in_theme()
        apart = [c for c in shown if c not in members]
        inside = [c for c in shown if c in members]
        options: list[Option] = []
        for title, ids in (
            (plural(len(apart), "In no theme ({n})", "In no theme ({n})"), apart),
            (plural(len(inside), "In themes ({n})", "In themes ({n})"), inside),
        ):
            if not ids:
                continue
            options.append(Option(Text(title, style="bold underline"), disabled=True))
            options.extend(Option(self._code_line(cid, width), id=cid) for cid in ids)
        codes.clear_options()
        codes.add_options(options)
        head = Text(no_wrap=True)
        head.append(_("code"))
        heads = "".join(f"{h:>{COUNT_WIDTH}}" for h in (_("pas"), _("doc"), _("ppl")))
        head.pad_right(max(width - len(heads) - head.cell_len, 0))
        head.append(heads)
        self.query_one("#themes-codes-head", Static).update(head)
        index = None
        for i, option in enumerate(options):
            if option.id is not None and (keep is None or option.id == keep):
                index = i
                break
        if index is None:
            index = next((i for i, o in enumerate(options) if o.id is not None), None)
        if index is not None:
            codes.highlighted = index

    # ------------------------------------------------------------------ the theme tree

    def _fill_tree(self) -> None:
        tree = self.query_one(ThemeTree)
        tree.clear()
        tree.root.expand()

    # ------------------------------------------------------------------ what is highlighted

    def _focus(self) -> Focus | None:
        """The code, theme or passage the next action acts on."""
        focused = self.focused
        if isinstance(focused, PassageList) and focused.highlighted_option is not None:
            guid = focused.highlighted_option.id
            if guid:
                theme = self._shown_for.theme if self._shown_for is not None else None
                if self._shown_for is not None and self._shown_for.kind == "theme":
                    theme = self._shown_for.key
                return Focus("passage", guid, theme)
        if isinstance(focused, ThemeTree):
            node = focused.cursor_node
            return node.data if node is not None else None
        codes = self.query_one(CodeList)
        option = codes.highlighted_option
        if option is not None and option.id:
            return Focus("code", option.id)
        return None

    def _highlighted_theme(self) -> str | None:
        """The theme highlighted in the tree (a code node: the theme it sits in)."""
        node = self.query_one(ThemeTree).cursor_node
        if node is None or node.data is None:
            return None
        return node.data.key if node.data.kind == "theme" else node.data.theme

    # ------------------------------------------------------------------ the passages

    def _show_passages(self, focus: Focus | None, *, force: bool = False) -> None:
        """The passages of ``focus`` (a code or a theme) in the right pane."""
        if focus is None or focus.kind == "passage":
            if force and focus is None:
                self.query_one(PassageList).clear_options()
            return
        if not force and focus == self._shown_for:
            return
        self._shown_for = focus
        pane = self.query_one("#themes-passages-pane")
        listing = self.query_one(PassageList)
        listing.clear_options()
        if focus.kind == "code":
            if focus.key not in self.codebook:
                return
            passages = self.project.passages(focus.key, include_children=False)
            docs = {p.coding.doc for p in passages}
            pane.border_title = _("Passages of {code}").format(code=self.label(focus.key))
            pane.border_subtitle = "{passages} in {documents}".format(
                passages=plural(len(passages), "{n} passage", "{n} passages"),
                documents=plural(len(docs), "{n} document", "{n} documents"),
            )
            self._passage_guids = [p.coding.guid for p in passages]
            options = [
                Option(
                    passage_prompt(p, self.codebook, self.label_lang, focus.key), id=p.coding.guid
                )
                for p in passages[:PASSAGES_MAX]
            ]
            listing.add_options(options)
            if options:
                listing.highlighted = 0

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if isinstance(event.option_list, CodeList) and event.option.id:
            self._show_passages(Focus("code", event.option.id))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Focus]) -> None:
        data = event.node.data
        if data is not None:
            self._show_passages(data)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if isinstance(event.option_list, PassageList) and event.option.id:
            coding = self.project.coding(event.option.id)
            self.dismiss(Jump(coding.doc, coding.start, coding.end))

    # ------------------------------------------------------------------ filter

    def action_filter(self) -> None:
        self.query_one("#themes-filter-input", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "themes-filter-input":
            self.query_text = event.value
            self._fill_codes()
            self._status()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "themes-filter-input":
            self.query_one(CodeList).focus()

    def on_key(self, event: events.Key) -> None:
        box = self.query_one("#themes-filter-input", Input)
        if self.focused is box and event.key in ("down", "tab"):
            event.stop()
            event.prevent_default()
            self.query_one(CodeList).focus()
        elif self.focused is box and event.key == "escape":
            event.stop()
            event.prevent_default()
            box.value = ""
            self.query_one(CodeList).focus()

    # ------------------------------------------------------------------ marking

    def action_mark(self) -> None:
        codes = self.query_one(CodeList)
        option = codes.highlighted_option
        if option is None or not option.id:
            return
        if option.id in self.marked:
            self.marked.remove(option.id)
        else:
            self.marked.append(option.id)
        assert codes.highlighted is not None
        width = max((codes.size.width or 40) - codes.styles.scrollbar_size_vertical, 20)
        codes.replace_option_prompt_at_index(codes.highlighted, self._code_line(option.id, width))
        codes.action_cursor_down()
        self._status()

    def _chosen_codes(self) -> list[str]:
        """The marked codes, or the highlighted one when none is marked."""
        if self.marked:
            return list(self.marked)
        focus = self._focus()
        if focus is not None and focus.kind == "code":
            return [focus.key]
        option = self.query_one(CodeList).highlighted_option
        return [option.id] if option is not None and option.id else []

    # ------------------------------------------------------------------ theme actions

    def action_into_theme(self) -> None:
        self.notify(_("themes are not available yet"), severity="warning")

    def action_new_theme(self, sub: bool) -> None:
        self.notify(_("themes are not available yet"), severity="warning")

    # ------------------------------------------------------------------ leaving

    def action_back(self) -> None:
        self.dismiss(None)


def passage_prompt(
    p: object, codebook: Codebook, label_lang: str | None, code_id: str | None, *, star: int = 0
) -> Text:
    """One passage as the retrieval view lists it: document, coder, the code when it is
    another than ``code_id``, memo, and the quote in its context; ``star`` > 0 marks a
    key extract (its place)."""
    from qualcode.store.retrieval import Passage

    assert isinstance(p, Passage)
    c = p.coding
    label = Text()
    if star:
        label.append(f"★{star} ", style="bold yellow")
    label.append(f"{c.doc}", style="bold")
    label.append(f"  {c.coder}", style="dim")
    if c.code != code_id:
        label.append("  ■ ", style=codebook.color_of(c.code))
        label.append(
            codebook[c.code].label_in(label_lang) if c.code in codebook else c.code, style="dim"
        )
    if c.memo:
        label.append(f"  ✎ {one_line(c.memo)[:60]}", style="italic")
    label.append("\n…" + p.left + " ", style="dim")
    label.append(one_line(c.quote), style="bold " + codebook.color_of(c.code))
    label.append(" " + p.right + "…", style="dim")
    return label


__all__ = ["Focus", "ThemesScreen", "passage_prompt"]
