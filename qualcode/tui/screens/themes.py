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

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.css.styles import RulesMap
from textual.screen import Screen
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import Footer, Input, OptionList, Static, Tree
from textual.widgets.option_list import Option
from textual.widgets.tree import TreeNode

from qualcode.core.code_match import CodeIndex
from qualcode.core.codebook import Codebook
from qualcode.core.model import Coding
from qualcode.core.narrate import passage
from qualcode.core.search import one_line
from qualcode.core.themes import STATUS_WORDS, THEME_STATUSES, Node, Theme
from qualcode.core.themes import ThemeTree as ThemeData
from qualcode.errors import QualcodeError
from qualcode.i18n import N_, _, plural
from qualcode.store import Project
from qualcode.store.retrieval import Passage
from qualcode.tui.heap import Held
from qualcode.tui.screens.modals import ConfirmModal, MemoEditor, TextPrompt
from qualcode.tui.screens.picker import ChoiceModal
from qualcode.tui.screens.retrieval import Jump

NARROW = 100
"""Below this many columns the passages stack under the lists."""
COUNT_WIDTH = 4
"""Cells of one count column in the code list."""
PASSAGES_MAX = 150
"""Passages listed at once for one code or theme (the pane's subtitle says how many
there are in all; ``R`` on the coding screen retrieves every one)."""
CONTEXT = 60
"""Characters of context either side of a passage."""
TOP = "__top__"
PEOPLE_AFTER = 0.1
"""Seconds after a redraw before the participants per code are counted (a worker,
but one that competes for the interpreter with drawing)."""
STATUS_MARK = {"candidate": "○", "reviewed": "◐", "final": "●", "discarded": "✗"}
"""A theme's status at a glance (the words are in the box under the tree)."""
STATUS_STYLE = {"candidate": "", "reviewed": "cyan", "final": "green", "discarded": "red dim"}


class OneLine(Visual):
    """A code line of the list: laid out as one line without wrapping it first, and
    turned into Textual's content only when it is drawn (the list then measures 200
    codes without rendering them, and draws the rows in view)."""

    def __init__(self, text: Text) -> None:
        self.text = text
        self._content: Content | None = None

    def __str__(self) -> str:
        return self.text.plain

    @property
    def content(self) -> Content:
        """The line as Textual content (made on first use)."""
        if self._content is None:
            self._content = Content.from_rich_text(self.text)
        return self._content

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.content.render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.content.get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return 1


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
        Binding("j", "cursor_down", N_("Down"), show=False, id="themes-codes-down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="themes-codes-up"),
        Binding(
            "space",
            "screen.mark",
            N_("Mark"),
            id="themes-mark",
            tooltip=N_(
                "Mark or unmark the highlighted code (several are put into a theme at once)."
            ),
        ),
    ]
    """Keys of the code list."""


class ThemeTree(Tree[Focus]):
    """Themes, their sub-themes and member codes."""

    BINDINGS = [
        Binding("j", "cursor_down", N_("Down"), show=False, id="themes-tree-down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="themes-tree-up"),
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
        Binding("j", "cursor_down", N_("Down"), show=False, id="themes-passages-down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="themes-passages-up"),
    ]
    """Keys of the passage list."""


class ThemesScreen(Screen[Jump | None]):
    """Organise codes into themes while reading their passages."""

    AUTO_FOCUS = "CodeList"
    """The code list has the focus from the start (not the filter box first: each
    change of focus restyles the panes)."""

    BINDINGS = [
        Binding(
            "P",
            "open_map",
            N_("Map"),
            show=False,
            id="themes-map",
            tooltip=N_("The thematic map of these themes."),
        ),
        Binding("escape", "back", N_("Back"), id="themes-back", tooltip=N_("Back to coding.")),
        Binding(
            "slash",
            "filter",
            N_("Filter"),
            id="themes-filter",
            tooltip=N_("Filter the codes as you type (words of a label, id or definition)."),
        ),
        Binding(
            "t",
            "into_theme",
            N_("Into theme"),
            id="themes-into",
            tooltip=N_("Put the marked codes (or the highlighted one) into the highlighted theme."),
        ),
        Binding(
            "n",
            "new_theme(False)",
            N_("New theme"),
            id="themes-new",
            tooltip=N_("Make a new theme of the marked codes (asks its name)."),
        ),
        Binding(
            "s",
            "new_theme(True)",
            N_("Sub-theme"),
            id="themes-new-sub",
            tooltip=N_("Make a new sub-theme of the highlighted theme of the marked codes."),
        ),
        Binding(
            "x",
            "extract",
            N_("Key extract"),
            id="themes-extract",
            tooltip=N_(
                "Make the highlighted passage a key extract of the theme (again: no longer)."
            ),
        ),
        Binding(
            "K",
            "move_extract(-1)",
            N_("Extract up"),
            show=False,
            id="themes-extract-up",
            tooltip=N_("Move the highlighted key extract up in the theme's order."),
        ),
        Binding(
            "J",
            "move_extract(1)",
            N_("Extract down"),
            show=False,
            id="themes-extract-down",
            tooltip=N_("Move the highlighted key extract down in the theme's order."),
        ),
        Binding(
            "l",
            "relate",
            N_("Relate"),
            id="themes-relate",
            tooltip=N_(
                "Relate the highlighted code, theme or passage to another (typed relation)."
            ),
        ),
        Binding(
            "L",
            "relations",
            N_("Relations"),
            show=False,
            id="themes-relations",
            tooltip=N_(
                "List the relations of the highlighted code, theme or passage; enter follows one."
            ),
        ),
        Binding(
            "v",
            "review",
            N_("Review"),
            id="themes-review",
            tooltip=N_("Review the highlighted theme: passages, documents, participants, gaps."),
        ),
        Binding(
            "e",
            "rename",
            N_("Rename"),
            show=False,
            id="themes-rename",
            tooltip=N_("Rename the highlighted theme (in the label language shown)."),
        ),
        Binding(
            "D",
            "define",
            N_("Define"),
            show=False,
            id="themes-define",
            tooltip=N_("Write the highlighted theme's definition (central concept, boundaries)."),
        ),
        Binding(
            "S",
            "status",
            N_("Status"),
            show=False,
            id="themes-status-set",
            tooltip=N_(
                "Set the theme's status: candidate, reviewed, final or discarded (with why)."
            ),
        ),
        Binding(
            "p",
            "move_theme",
            N_("Move"),
            show=False,
            id="themes-move",
            tooltip=N_("Move the highlighted theme under another theme (or to the top level)."),
        ),
        Binding(
            "d,delete",
            "remove",
            N_("Remove"),
            show=False,
            id="themes-remove",
            tooltip=N_(
                "Take the highlighted code out of its theme; on a theme: delete the theme "
                "(its codes and passages stay)."
            ),
        ),
        Binding("u", "undo", N_("Undo"), id="themes-undo", tooltip=N_("Undo your last action.")),
        Binding(
            "ctrl+r",
            "redo",
            N_("Redo"),
            show=False,
            id="themes-redo",
            tooltip=N_("Redo what you undid."),
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
        self.themes: ThemeData = ThemeData(())
        self.marked: list[str] = []
        """Marked code ids, in the order they were marked."""
        self.query_text = ""
        self.shown_for: Focus | None = None
        """What the passages pane shows the passages of."""
        self._index: CodeIndex | None = None
        self._rows: dict[str, tuple[int, int, int]] = {}
        """Code id -> (passages, documents, participants)."""
        self._passages: list[Passage] = []
        self._fills = 0
        """How often the passages pane was filled (a late rest of older passages is dropped)."""
        self._people: dict[str, int] = {}
        self.people_ready = False
        """Whether the participants per code are counted (a worker does it)."""
        self._counts = 0
        """Counts of participants asked for (an older one's answer is dropped)."""
        self._laid_out = 0
        """The width the code lines were laid out for."""
        self._collector = Held()
        """The garbage collector, held off until the first frame is drawn."""
        self._collector.hold()

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static("", id="themes-status")
        with Vertical(id="themes-main"):
            with Vertical(id="themes-codes-pane"):
                yield Input(
                    placeholder=_("/ filter: words of a code"),
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
        self.query_one("#themes-passages-pane").border_title = _("Passages")
        tree = self.query_one(ThemeTree)
        tree.show_root = False
        tree.guide_depth = 2
        narrow = self.app.size.width < NARROW
        self.set_class(narrow, "-narrow")
        self.query_one(Footer).compact = narrow
        self.reload()
        self.query_one(CodeList).focus()
        self.call_after_refresh(self._collector.release)

    def on_unmount(self) -> None:
        self._collector.release()

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self.query_one(Footer).compact = narrow
        self.call_after_refresh(self._refit_codes)

    def _refit_codes(self) -> None:
        """Lay the code lines out again when the list's width changed."""
        if self._code_width() != self._laid_out:
            self._fill_codes()

    # ------------------------------------------------------------------ data

    def label(self, code_id: str) -> str:
        """A code's label in the label language shown (its id when unknown)."""
        code = self.codebook.get(code_id)
        return code.label_in(self.label_lang) if code is not None else code_id

    def theme_label(self, theme_id: str | None) -> str:
        """A theme's name in the label language shown."""
        theme = self.themes.get(theme_id) if theme_id else None
        return theme.label_in(self.label_lang) if theme is not None else (theme_id or "")

    def reload(self, *, recount: bool = True) -> None:
        """Read codes, counts and themes again and redraw every pane; the
        participants per code follow from a worker (they need every coding's
        speaker or case), only when codings may have changed (``recount``): putting
        codes into themes changes no code's participants."""
        if self.is_mounted and self._laid_out:
            self.codebook = self.project.codebook()  # read in __init__ the first time
        self.themes = self.project.themes.themes()
        counts = self.project.codebook_sync.code_counts()
        self._rows = {
            cid: (c.codings, c.documents, self._people.get(cid, 0))
            for cid, c in counts.items()
            if cid in self.codebook
        }
        self.marked = [c for c in self.marked if c in self.codebook]
        self._fill_codes()
        self._fill_tree()
        focus = self._focus()
        if focus is not None and focus.kind == "passage":
            focus = self.shown_for  # the passages stay those of the code or theme read
        self._show_passages(focus, force=True)
        self._status()
        self._info()
        if recount or not self.people_ready:
            # after the frame is drawn: the count would slow the first frame down
            # otherwise (a thread, but one that competes for the interpreter)
            self._counts += 1
            count = self._counts
            self.call_after_refresh(self.set_timer, PEOPLE_AFTER, lambda: self._count_people(count))

    @work(thread=True, exclusive=True, group="themes-people", exit_on_error=False)
    def _count_people(self, count: int) -> None:
        from qualcode.services.themes import code_participants

        people = code_participants(self.project)
        self.app.call_from_thread(self._people_counted, people, count)

    def _people_counted(self, people: dict[str, int], count: int) -> None:
        if count != self._counts:
            return  # an older count (the screen was filled again since)
        self._people = people
        self._rows = {
            cid: (n, docs, people.get(cid, 0)) for cid, (n, docs, _p) in self._rows.items()
        }
        self.people_ready = True
        self._fill_codes()

    def _in_theme(self) -> set[str]:
        """Codes some theme holds (a discarded theme does not count)."""
        from qualcode.core.thematic import codes_in_no_theme

        return {c.id for c in self.codebook} - set(codes_in_no_theme(self.codebook, self.themes))

    def _status(self) -> None:
        held = self._in_theme()
        none = [c.id for c in self.codebook if c.id not in held]
        parts = [
            plural(len(self.themes), "{n} theme", "{n} themes"),
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
        self.query_one("#themes-tree-pane").border_title = plural(
            len(self.themes), "Themes ({n})", "Themes ({n})"
        )

    # ------------------------------------------------------------------ the code list

    def _matching(self) -> list[str]:
        """Code ids shown: every code, or those matching the filter (best first)."""
        if not self.query_text.strip():
            return [c.id for c in self.codebook]
        if self._index is None or self._index.codebook is not self.codebook:
            self._index = CodeIndex(self.codebook)
        return [c.id for c, _score in self._index.rank(self.query_text, limit=len(self.codebook))]

    def _code_width(self) -> int:
        codes = self.query_one(CodeList)
        # before the first layout: the share the grid gives the codes pane (1/2
        # narrow, 3/8 wide), less its border
        share = self.app.size.width // 2 if self.narrow else self.app.size.width * 3 // 8
        width = codes.size.width or share - 2
        # the options' padding (one column each side) and the scrollbar's column
        return max(width - codes.styles.scrollbar_size_vertical - 2, 16)

    @property
    def narrow(self) -> bool:
        """Whether the passages stack under the lists."""
        return self.has_class("-narrow")

    def _code_line(self, code_id: str, width: int) -> Text:
        n, docs, people = self._rows.get(code_id, (0, 0, 0))
        line = Text(no_wrap=True)
        line.append("✓" if code_id in self.marked else " ", style="bold")
        line.append("■", style=self.codebook.color_of(code_id))
        depth = self.codebook.depth(code_id) if not self.query_text.strip() else 0
        label = Text(" " * (depth + 1) + self.label(code_id))
        counts = Text(
            "".join(
                f"{v:>{COUNT_WIDTH}}"
                for v in (str(n), str(docs), str(people) if self.people_ready else "·")
            ),
            style="" if n else "dim",
        )
        room = width - 2 - counts.cell_len
        if room > 0 and label.cell_len > room:
            label.truncate(room, overflow="ellipsis")
        label.pad_right(max(room - label.cell_len, 0))
        line.append_text(label)
        line.append_text(counts)
        return line

    def _fill_codes(self) -> None:
        codes = self.query_one(CodeList)
        keep = codes.highlighted_option.id if codes.highlighted_option is not None else None
        width = self._code_width()
        self._laid_out = width
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
            options.append(Option(Text(title, style="bold"), disabled=True))
            options.extend(Option(OneLine(self._code_line(cid, width)), id=cid) for cid in ids)
        codes.clear_options()
        codes.add_options(options)
        heads = "".join(f"{h:>{COUNT_WIDTH}}" for h in (_("pas"), _("doc"), _("ppl")))
        head = Text(" " + _("code"), no_wrap=True)
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

    def _theme_text(self, theme: Theme) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(STATUS_MARK.get(theme.status, "?") + " ", style=STATUS_STYLE.get(theme.status))
        text.append(theme.label_in(self.label_lang), style="bold")
        text.append(f" {len(theme.codes)}", style="dim")
        if theme.extracts:
            text.append(f" ★{len(theme.extracts)}", style="yellow")
        return text

    def _fill_tree(self, focus: Focus | None = None) -> None:
        tree = self.query_one(ThemeTree)
        node = tree.cursor_node
        keep = focus or (node.data if node is not None else None)
        tree.clear()
        nodes: dict[str, TreeNode[Focus]] = {}
        wanted: TreeNode[Focus] | None = None
        for theme in self.themes:
            parent = nodes.get(theme.parent) if theme.parent else None
            under = parent if parent is not None else tree.root
            here = under.add(self._theme_text(theme), data=Focus("theme", theme.id), expand=True)
            nodes[theme.id] = here
            if keep == here.data:
                wanted = here
        for theme in self.themes:
            here = nodes[theme.id]
            for code_id in theme.codes:
                label = Text(no_wrap=True, overflow="ellipsis")
                label.append("■ ", style=self.codebook.color_of(code_id))
                label.append(self.label(code_id))
                leaf = here.add_leaf(label, data=Focus("code", code_id, theme.id))
                if keep == leaf.data:
                    wanted = leaf
        if wanted is not None:
            tree.last_line  # noqa: B018  (builds the lines, so the node has its line)
            tree.move_cursor(wanted, animate=False)
        elif tree.root.children:
            tree.move_cursor(tree.root.children[0], animate=False)

    # ------------------------------------------------------------------ what is highlighted

    def _focus(self) -> Focus | None:
        """The code, theme or passage the next action acts on."""
        focused = self.focused
        if isinstance(focused, PassageList) and focused.highlighted_option is not None:
            guid = focused.highlighted_option.id
            if guid:
                theme = None
                if self.shown_for is not None:
                    theme = (
                        self.shown_for.key
                        if self.shown_for.kind == "theme"
                        else self.shown_for.theme
                    )
                return Focus("passage", guid, theme)
        if isinstance(focused, ThemeTree):
            node = focused.cursor_node
            return node.data if node is not None else None
        if isinstance(focused, PassageList) and self.shown_for is not None:
            return self.shown_for
        option = self.query_one(CodeList).highlighted_option
        if option is not None and option.id:
            return Focus("code", option.id)
        return None

    def _highlighted_theme(self) -> str | None:
        """The theme highlighted in the tree (a code node: the theme it sits in)."""
        node = self.query_one(ThemeTree).cursor_node
        if node is None or node.data is None:
            return None
        return node.data.key if node.data.kind == "theme" else node.data.theme

    def _info(self) -> None:
        """Under the tree: the highlighted theme's names, status and definition."""
        box = self.query_one("#themes-info", Static)
        theme = self.themes.get(self._highlighted_theme() or "")
        if theme is None:
            box.update(
                Text(
                    _("no themes yet: mark codes (space), n makes a theme of them"),
                    style="italic",
                )
                if not len(self.themes)
                else ""
            )
            return
        text = Text()
        shown = theme.label_in(self.label_lang)
        text.append(shown, style="bold")
        others = [v for v in theme.labels().values() if v != shown]
        if others:
            text.append(" / " + " / ".join(others), style="italic")
        text.append("\n")
        status = _(STATUS_WORDS.get(theme.status, theme.status))
        text.append(status, style=STATUS_STYLE.get(theme.status))
        if theme.reason:
            text.append(f": {theme.reason}")
        text.append(
            " · "
            + plural(len(theme.codes), "{n} code", "{n} codes")
            + " · "
            + plural(len(theme.extracts), "{n} key extract", "{n} key extracts")
            + "\n",
            style="dim",
        )
        if theme.definition:
            text.append(theme.definition)
        else:
            text.append(_("no definition yet (D writes it)"), style="italic dim")
        box.update(text)

    # ------------------------------------------------------------------ the passages

    def _passages_of(self, codings: Sequence[Coding]) -> list[Passage]:
        """The codings with their context (one query, not the documents' whole texts)."""
        return self.project.retrieval.contexts(codings, width=CONTEXT)

    def _show_passages(self, focus: Focus | None, *, force: bool = False) -> None:
        """The passages of ``focus`` (a code or a theme) in the passages pane; a
        theme's key extracts come first, marked ★ with their place."""
        if focus is None or focus.kind == "passage":
            if force and focus is None:
                self._fills += 1
                self.query_one(PassageList).clear_options()
                self.shown_for = None
            return
        if not force and focus == self.shown_for:
            return
        listing = self.query_one(PassageList)
        keep = listing.highlighted_option.id if listing.highlighted_option is not None else None
        self.shown_for = focus
        self._fills += 1
        gathered = (
            self._code_passages(focus) if focus.kind == "code" else self._theme_passages(focus)
        )
        if gathered is None:
            listing.clear_options()
            return
        codings, title, extracts = gathered
        self._list_passages(
            codings, title, keep, focus.key if focus.kind == "code" else None, extracts
        )

    def _code_passages(self, focus: Focus) -> tuple[list[Coding], str, list[str]] | None:
        """A code's codings, the pane's title and (for a code under a theme in the
        tree) the theme's key extracts; ``None`` for a code that is gone."""
        if focus.key not in self.codebook:
            return None
        codings = self.project.codings.codings(code=focus.key)
        title = _("Passages of {code}").format(code=self.label(focus.key))
        theme = self.themes.get(focus.theme or "")
        extracts = [e.coding for e in theme.extracts] if theme is not None else []
        return codings, title, extracts

    def _theme_passages(self, focus: Focus) -> tuple[list[Coding], str, list[str]] | None:
        """A theme's codings (of its member codes, and its key extracts), the pane's
        title and the key extracts; ``None`` for a theme that is gone."""
        theme = self.themes.get(focus.key)
        if theme is None:
            return None
        extracts = [e.coding for e in theme.extracts]
        seen: dict[str, Coding] = {}
        for member in theme.codes:
            if member in self.codebook:
                for c in self.project.codings.codings(code=member):
                    seen.setdefault(c.guid, c)
        for guid in extracts:
            if guid not in seen:
                try:
                    seen[guid] = self.project.codings.coding(guid)
                except QualcodeError:
                    continue
        title = _("Passages of the theme {theme}").format(theme=theme.label_in(self.label_lang))
        return list(seen.values()), title, extracts

    def _list_passages(
        self,
        codings: list[Coding],
        title: str,
        keep: str | None,
        code_id: str | None,
        extracts: list[str],
    ) -> None:
        """Fill the pane: the key extracts first, the screenful in view now, the rest
        after the frame; the passage highlighted before (``keep``) stays so."""
        listing = self.query_one(PassageList)
        pane = self.query_one("#themes-passages-pane")
        place = {g: i for i, g in enumerate(extracts)}
        codings = sorted(codings, key=lambda c: (place.get(c.guid, len(place)),))
        shown = codings[:PASSAGES_MAX]
        ids = [c.guid for c in shown]
        at = ids.index(keep) if keep in ids else 0
        # the passages that fill the pane now, the rest after the frame is drawn (laying
        # out a hundred wrapped passages nobody sees yet would hold the frame up)
        first = at + self._screenful(shown[at:])
        self._passages = self._passages_of(shown[:first])
        docs = {c.doc for c in codings}
        pane.border_title = title
        pane.border_subtitle = "{passages} in {documents}".format(
            passages=plural(len(codings), "{n} passage", "{n} passages"),
            documents=plural(len(docs), "{n} document", "{n} documents"),
        )
        options = self._passage_options(self._passages, place, code_id)
        listing.clear_options()
        listing.add_options(options)
        if options:
            listing.highlighted = at
            # the list settles its new options after this frame (which may take the
            # highlight away): the passage read stays highlighted
            self.call_after_refresh(self._highlight_passage, at)
        if len(shown) > first:
            self.call_after_refresh(self._more_passages, self._fills, shown[first:], place, code_id)

    def _screenful(self, codings: Sequence[Coding]) -> int:
        """How many of ``codings`` surely fill the passages pane: each passage takes
        its header line and at least the lines its quote needs at the pane's widest
        (before the first layout: its share of the screen)."""
        listing = self.query_one(PassageList)
        width = self.app.size.width if self.narrow else self.app.size.width * 3 // 8 + 1
        wide = max(listing.size.width or width - 5, 1)
        rows = listing.size.height or self.app.size.height
        for n, c in enumerate(codings, 1):
            rows -= 1 + -(-(len(one_line(c.quote)) + 2) // wide)
            if rows <= 0:
                return n
        return len(codings)

    def _passage_options(
        self, passages: Sequence[Passage], place: dict[str, int], code_id: str | None
    ) -> list[Option]:
        return [
            Option(
                passage_prompt(
                    p,
                    self.codebook,
                    self.label_lang,
                    code_id,
                    star=place[p.coding.guid] + 1 if p.coding.guid in place else 0,
                ),
                id=p.coding.guid,
            )
            for p in passages
        ]

    def _more_passages(
        self, fill: int, codings: Sequence[Coding], place: dict[str, int], code_id: str | None
    ) -> None:
        """The rest of the passages, after the first frame (unless the pane shows
        others by now)."""
        if fill != self._fills:
            return
        more = self._passages_of(codings)
        self._passages += more
        self.query_one(PassageList).add_options(self._passage_options(more, place, code_id))

    def _highlight_passage(self, at: int) -> None:
        listing = self.query_one(PassageList)
        if at < listing.option_count and listing.highlighted != at:
            listing.highlighted = at

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # the passages follow the pane the researcher moves in (a list refilled
        # behind the scenes moves no passages)
        if (
            isinstance(event.option_list, CodeList)
            and event.option.id
            and event.option_list.has_focus
        ):
            self._show_passages(Focus("code", event.option.id))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Focus]) -> None:
        data = event.node.data
        if data is not None and event.control.has_focus:
            self._show_passages(data)
        self._info()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # the passages follow the pane the researcher is in
        if isinstance(event.widget, CodeList):
            option = event.widget.highlighted_option
            if option is not None and option.id:
                self._show_passages(Focus("code", option.id))
        elif isinstance(event.widget, ThemeTree):
            node = event.widget.cursor_node
            if node is not None and node.data is not None:
                self._show_passages(node.data)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if isinstance(event.option_list, PassageList) and event.option.id:
            self._jump_to_passage(event.option.id)

    def _jump_to_passage(self, guid: str) -> None:
        try:
            coding = self.project.codings.coding(guid)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self.dismiss(Jump(coding.doc, coding.start, coding.end))

    def on_tree_node_selected(self, event: Tree.NodeSelected[Focus]) -> None:
        # enter on a theme or a code in the tree: read its passages
        if event.node.data is not None and len(self.query_one(PassageList).options):
            self.query_one(PassageList).focus()

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
        if self.focused is not box:
            return
        if event.key in ("down", "tab"):
            event.stop()
            event.prevent_default()
            self.query_one(CodeList).focus()
        elif event.key == "escape":
            event.stop()
            event.prevent_default()
            box.value = ""
            self.query_one(CodeList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # while the filter is typed, letters belong to it
        if isinstance(self.focused, Input) and action != "back":
            return False
        return True

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
        codes.replace_option_prompt_at_index(
            codes.highlighted, OneLine(self._code_line(option.id, self._code_width()))
        )
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

    def _codes_words(self, codes: Sequence[str]) -> str:
        if len(codes) <= 2:
            return _(" and ").join(self.label(c) for c in codes)
        return plural(
            len(codes),
            "{first} and {n} other code",
            "{first} and {n} other codes",
            first=self.label(codes[0]),
        ).replace(f" {len(codes)} ", f" {len(codes) - 1} ")

    # ------------------------------------------------------------------ one action each

    def _act(
        self, change: Callable[[], object], what: Callable[[], str], *, focus: Focus | None = None
    ) -> bool:
        """Make one change (one action in the log), reload, and say what was done."""
        try:
            change()
        except QualcodeError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return False
        self.reload(recount=False)
        if focus is not None:
            self._fill_tree(focus)
            self._info()
        self.notify(what(), timeout=4)
        return True

    def action_into_theme(self) -> None:
        theme = self._highlighted_theme()
        if theme is None:
            self.notify(
                _("no theme highlighted: n makes a new theme of the marked codes"),
                severity="warning",
            )
            return
        codes = self._chosen_codes()
        if not codes:
            return
        name = self.theme_label(theme)
        added: list[list[str]] = []

        def said() -> str:
            got = added[0] if added else []
            if not got:
                return _("{codes} already in {theme}").format(
                    codes=self._codes_words(codes), theme=name
                )
            return _("put {codes} into {theme}").format(codes=self._codes_words(got), theme=name)

        if self._act(
            lambda: added.append(self.project.themes.add_theme_codes(theme, codes)),
            said,
            focus=Focus("theme", theme),
        ):
            self.marked = []
            self._fill_codes()
            self._status()

    def action_new_theme(self, sub: bool) -> None:
        parent = self._highlighted_theme() if sub else None
        if sub and parent is None:
            self.notify(_("highlight the theme the sub-theme goes under"), severity="warning")
            return
        codes = self._chosen_codes() if self.marked or sub is False else list(self.marked)
        if sub:
            codes = list(self.marked)

        def named(text: str | None) -> None:
            if text is None or not text.strip():
                return
            made: list[Theme] = []
            label: dict[str, str] | str = (
                {self.label_lang: text.strip()} if self.label_lang else text.strip()
            )

            def said() -> str:
                theme = made[0]
                where = (
                    _("a sub-theme of {parent}").format(parent=self.theme_label(parent))
                    if parent
                    else _("a new theme")
                )
                if not codes:
                    return _("made {theme}, {where}").format(
                        theme=theme.label_in(self.label_lang), where=where
                    )
                return _("made {theme}, {where}, of {codes}").format(
                    theme=theme.label_in(self.label_lang),
                    where=where,
                    codes=self._codes_words(codes),
                )

            def change() -> None:
                made.append(self.project.themes.theme_with_codes(label, codes, parent=parent))

            ok = self._act(change, said)
            if ok and made:
                self.marked = []
                self._fill_codes()
                self._fill_tree(Focus("theme", made[0].id))
                self._info()
                self._status()

        title = (
            _("New sub-theme of {theme}").format(theme=self.theme_label(parent))
            if parent
            else _("New theme")
        )
        if codes:
            title += " · " + plural(len(codes), "{n} code", "{n} codes")
        self.app.push_screen(
            TextPrompt(title, "", hint=_("its name · enter make · esc cancel")), named
        )

    def _need_theme(self) -> str | None:
        theme = self._highlighted_theme()
        if theme is None:
            self.notify(_("no theme highlighted"), severity="warning")
        return theme

    def action_rename(self) -> None:
        theme = self._need_theme()
        if theme is None:
            return
        old = self.theme_label(theme)

        def renamed(text: str | None) -> None:
            if text and text.strip() and text.strip() != old:
                self._act(
                    lambda: self.project.themes.rename_theme(
                        theme, text.strip(), lang=self.label_lang
                    ),
                    lambda: _("renamed {old} to {new}").format(
                        old=old, new=self.theme_label(theme)
                    ),
                    focus=Focus("theme", theme),
                )

        self.app.push_screen(
            TextPrompt(
                _("New name for {theme}").format(theme=old),
                old,
                hint=_("enter save · esc cancel"),
            ),
            renamed,
        )

    def action_define(self) -> None:
        theme_id = self._need_theme()
        theme = self.themes.get(theme_id or "")
        if theme is None:
            return
        name = theme.label_in(self.label_lang)

        def saved(text: str | None) -> None:
            if text is None or text == theme.definition:
                return
            self._act(
                lambda: self.project.themes.define_theme(theme.id, text),
                lambda: (
                    _("defined {theme}").format(theme=name)
                    if text
                    else _("cleared the definition of {theme}").format(theme=name)
                ),
                focus=Focus("theme", theme.id),
            )

        self.app.push_screen(
            MemoEditor(
                _("Definition of {theme}").format(theme=name),
                theme.definition,
                about=_("its central organising concept, and what it is not"),
            ),
            saved,
        )

    def action_status(self) -> None:
        theme_id = self._need_theme()
        theme = self.themes.get(theme_id or "")
        if theme is None:
            return
        name = theme.label_in(self.label_lang)
        items = [
            (status, Text(f"{STATUS_MARK[status]} {_(STATUS_WORDS[status])}"))
            for status in THEME_STATUSES
        ]

        def set_status(status: str, reason: str) -> None:
            self._act(
                lambda: self.project.themes.set_theme_status(theme.id, status, reason),
                lambda: _("{theme} is {status} now").format(
                    theme=name, status=_(STATUS_WORDS[status])
                ),
                focus=Focus("theme", theme.id),
            )

        def chosen(status: str | None) -> None:
            if status is None or status == theme.status and status != "discarded":
                return
            if status == "discarded":

                def why(text: str | None) -> None:
                    if text and text.strip():
                        set_status(status, text.strip())
                    elif text is not None:
                        self.notify(_("a theme is discarded with a reason"), severity="warning")

                self.app.push_screen(
                    TextPrompt(
                        _("Why is {theme} discarded?").format(theme=name),
                        theme.reason,
                        hint=_("the reason is kept with the theme · enter save · esc cancel"),
                    ),
                    why,
                )
            else:
                set_status(status, "")

        self.app.push_screen(
            ChoiceModal(
                _("Status of {theme}").format(theme=name),
                items,
                highlight=THEME_STATUSES.index(theme.status)
                if theme.status in THEME_STATUSES
                else 0,
            ),
            chosen,
        )

    def action_move_theme(self) -> None:
        theme_id = self._need_theme()
        if theme_id is None:
            return
        name = self.theme_label(theme_id)
        below = {theme_id, *self.themes.descendants(theme_id)}
        items: list[tuple[str, Text | str]] = [(TOP, Text(_("(top level)"), style="italic"))]
        items += [
            (t.id, Text("  " * self.themes.depth(t.id) + t.label_in(self.label_lang)))
            for t in self.themes
            if t.id not in below
        ]

        def moved(target: str | None) -> None:
            if target is None:
                return
            parent = None if target == TOP else target
            self._act(
                lambda: self.project.themes.move_theme(theme_id, parent),
                lambda: (
                    _("moved {theme} under {parent}").format(
                        theme=name, parent=self.theme_label(parent)
                    )
                    if parent
                    else _("moved {theme} to the top level").format(theme=name)
                ),
                focus=Focus("theme", theme_id),
            )

        self.app.push_screen(ChoiceModal(_("Move {theme} under…").format(theme=name), items), moved)

    def action_remove(self) -> None:
        node = self.query_one(ThemeTree).cursor_node
        if self.focused is not self.query_one(ThemeTree) or node is None or node.data is None:
            self.notify(_("highlight a theme or a code in the themes pane"), severity="warning")
            return
        data = node.data
        if data.kind == "code" and data.theme is not None:
            theme, code = data.theme, data.key
            self._act(
                lambda: self.project.themes.remove_theme_codes(theme, [code]),
                lambda: _("took {code} out of {theme}").format(
                    code=self.label(code), theme=self.theme_label(theme)
                ),
                focus=Focus("theme", theme),
            )
            return
        if data.kind != "theme":
            return
        name = self.theme_label(data.key)

        def answered(yes: bool | None) -> None:
            if yes:
                self._act(
                    lambda: self.project.themes.delete_theme(data.key),
                    lambda: _("deleted the theme {theme} (u undoes)").format(theme=name),
                )

        self.app.push_screen(
            ConfirmModal(
                _(
                    "Delete the theme {theme}? Its codes and passages stay; its sub-themes move "
                    "up. (u undoes it)"
                ).format(theme=name)
            ),
            answered,
        )

    # ------------------------------------------------------------------ key extracts

    def _passage_theme(self) -> tuple[str, str] | None:
        """(coding guid, theme id) of the highlighted passage, or say what is missing."""
        listing = self.query_one(PassageList)
        option = listing.highlighted_option
        if self.focused is not listing or option is None or not option.id:
            self.notify(_("highlight a passage first (tab to the passages)"), severity="warning")
            return None
        theme = None
        if self.shown_for is not None:
            theme = self.shown_for.key if self.shown_for.kind == "theme" else self.shown_for.theme
        if theme is None:
            theme = self._highlighted_theme()
        if theme is None:
            self.notify(
                _("a key extract belongs to a theme: highlight the theme (or its code) first"),
                severity="warning",
            )
            return None
        return option.id, theme

    def action_extract(self) -> None:
        got = self._passage_theme()
        if got is None:
            return
        guid, theme = got
        name = self.theme_label(theme)
        words = passage(self._quote(guid))
        current = self.themes.get(theme)
        if current is not None and guid in {e.coding for e in current.extracts}:
            self._act(
                lambda: self.project.themes.remove_extracts(theme, [guid]),
                lambda: _("{passage} is no longer a key extract of {theme}").format(
                    passage=words, theme=name
                ),
            )
        else:
            self._act(
                lambda: self.project.themes.add_extracts(theme, [guid]),
                lambda: _("{passage} is a key extract of {theme}").format(
                    passage=words, theme=name
                ),
            )

    def action_move_extract(self, step: int) -> None:
        got = self._passage_theme()
        if got is None:
            return
        guid, theme_id = got
        theme = self.themes.get(theme_id)
        order = [e.coding for e in theme.extracts] if theme is not None else []
        if guid not in order:
            self.notify(_("only a key extract (★) has a place to move"), severity="warning")
            return
        at = order.index(guid)
        to = at + step
        if not 0 <= to < len(order):
            return
        order[at], order[to] = order[to], order[at]
        self._act(
            lambda: self.project.themes.order_extracts(theme_id, order),
            lambda: _("{passage} is key extract {n} of {theme}").format(
                passage=passage(self._quote(guid)), n=to + 1, theme=self.theme_label(theme_id)
            ),
        )

    def _quote(self, guid: str) -> str:
        for p in self._passages:
            if p.coding.guid == guid:
                return p.coding.quote
        try:
            return self.project.codings.coding(guid).quote
        except QualcodeError:
            return guid

    # ------------------------------------------------------------------ relations

    def _node_spec(self, focus: Focus) -> str:
        kind = "passage" if focus.kind == "passage" else focus.kind
        return f"{kind}:{focus.key}"

    def _node_words(self, focus: Focus) -> str:
        if focus.kind == "code":
            return self.label(focus.key)
        if focus.kind == "theme":
            return self.theme_label(focus.key)
        if focus.kind == "passage":
            return passage(self._quote(focus.key))
        return focus.key

    def action_relate(self) -> None:
        from qualcode.tui.screens.picker import NodePicker

        source = self._focus()
        if source is None:
            self.notify(_("highlight a code, a theme or a passage"), severity="warning")
            return
        types = self.project.themes.relation_types()
        src = self._node_words(source)

        def typed(type_id: str | None) -> None:
            if type_id is None:
                return
            kind = next(t for t in types if t.id == type_id)
            others: list[tuple[str, str, Text | str]] = []
            for t in self.themes:
                words = " ".join(t.labels().values()) + " " + t.id
                others.append(
                    (
                        f"theme:{t.id}",
                        words,
                        Text.assemble(
                            (STATUS_MARK.get(t.status, "") + " ", ""),
                            t.label_in(self.label_lang),
                            ("  theme", "dim"),
                        ),
                    )
                )
            for name in self.project.documents.document_names():
                others.append(
                    (f"document:{name}", name, Text.assemble(name, ("  document", "dim")))
                )

            def picked(target: str | None) -> None:
                if not target:
                    return
                kind_name, _sep, key = target.partition(":")
                goal = Focus(kind_name, key)
                self._act(
                    lambda: self.project.themes.add_relation(
                        self._node_spec(source), self._node_spec(goal), kind.id
                    ),
                    lambda: _("related: {a} {type} {b}").format(
                        a=src, type=kind.label_in(self.label_lang), b=self._node_words(goal)
                    ),
                )

            self.app.push_screen(
                NodePicker(
                    _("{a} {type} …").format(a=src, type=kind.label_in(self.label_lang)),
                    self.codebook,
                    others,
                    label_lang=self.label_lang,
                    exclude=[self._node_spec(source)],
                ),
                picked,
            )

        self.app.push_screen(
            ChoiceModal(
                _("Relate {a}: which relation?").format(a=src),
                [
                    (
                        t.id,
                        Text.assemble(
                            t.label_in(self.label_lang),
                            ("  →" if t.directed else "  ↔", "dim"),
                        ),
                    )
                    for t in types
                ],
            ),
            typed,
        )

    def action_relations(self) -> None:
        focus = self._focus()
        if focus is None:
            self.notify(_("highlight a code, a theme or a passage"), severity="warning")
            return
        try:
            node = self.project.themes.resolve_node(self._node_spec(focus))
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        relations = self.project.themes.relations_of(node)
        if not relations:
            self.notify(
                _("{thing} has no relations yet (l adds one)").format(
                    thing=self._node_words(focus)
                ),
                timeout=4,
            )
            return
        types = {t.id: t for t in self.project.themes.relation_types()}
        items: list[tuple[str, Text | str]] = []
        ends: dict[str, Node] = {}
        for r in relations:
            outgoing = (r.source.kind, r.source.guid) == (node.kind, node.guid)
            other = r.target if outgoing else r.source
            word = types[r.type].label_in(self.label_lang) if r.type in types else r.type
            arrow = "↔" if not r.directed else ("→" if outgoing else "←")
            line = Text.assemble(
                (f"{arrow} ", "bold"),
                (word + " ", "italic"),
                self._end_words(other),
                (f"  {other.kind}", "dim"),
            )
            if r.memo:
                line.append(f"  ✎ {one_line(r.memo)[:40]}", style="dim italic")
            items.append((r.guid, line))
            ends[r.guid] = other

        def follow(guid: str | None) -> None:
            if guid is not None and guid in ends:
                self.follow(ends[guid])

        self.app.push_screen(
            ChoiceModal(
                _("Relations of {thing} (enter follows)").format(thing=self._node_words(focus)),
                items,
            ),
            follow,
        )

    def _end_words(self, node: Node) -> str:
        if node.kind == "code":
            return self.label(node.name)
        if node.kind == "theme":
            return self.theme_label(node.name)
        if node.kind == "passage":
            return passage(self._quote(node.guid))
        return node.name or node.describe()

    def follow(self, node: Node) -> None:
        """Go to the other end of a relation: highlight a theme or code here, open a
        passage or a document in the transcript."""
        if node.kind == "theme" and self.themes.get(node.name) is not None:
            tree = self.query_one(ThemeTree)
            self._fill_tree(Focus("theme", node.name))
            tree.focus()
            self._show_passages(Focus("theme", node.name))
            self._info()
        elif node.kind == "code" and node.name in self.codebook:
            self.query_text = ""
            self.query_one("#themes-filter-input", Input).value = ""
            self._fill_codes()
            codes = self.query_one(CodeList)
            for i in range(codes.option_count):
                if codes.get_option_at_index(i).id == node.name:
                    codes.highlighted = i
            codes.focus()
            self._show_passages(Focus("code", node.name))
        elif node.kind == "passage":
            self._jump_to_passage(node.guid)
        elif node.kind == "document" and node.name:
            self.dismiss(Jump(node.name, 0, 0))
        else:
            self.notify(_("{thing} is gone").format(thing=node.describe()), severity="warning")

    # ------------------------------------------------------------------ review

    def action_review(self) -> None:
        from qualcode.tui.screens.theme_review import ThemeReviewScreen

        theme = self._need_theme()
        if theme is None:
            return
        self.app.push_screen(ThemeReviewScreen(self.project, theme, label_lang=self.label_lang))

    # ------------------------------------------------------------------ undo / redo

    def action_undo(self) -> None:
        self._history("undo")

    def action_redo(self) -> None:
        self._history("redo")

    def _history(self, which: str) -> None:
        from qualcode.tui.history import undo_or_redo

        undo_or_redo(self, self.project, which, self.label_lang, self.reload)

    # ------------------------------------------------------------------ leaving

    def action_open_map(self) -> None:
        """The thematic map; a passage chosen from it goes back to the coding screen."""
        from qualcode.tui.screens.thematic_map import MapScreen

        def chosen(jump: Jump | None) -> None:
            if jump is not None:
                self.dismiss(jump)

        self.app.push_screen(MapScreen(self.project, label_lang=self.label_lang), chosen)

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one(CodeList).focus()
            return
        self.dismiss(None)


def passage_prompt(
    p: object, codebook: Codebook, label_lang: str | None, code_id: str | None, *, star: int = 0
) -> Text:
    """One passage as the retrieval view lists it: document, coder, the code when it is
    another than ``code_id``, memo, and the quote in its context; ``star`` > 0 marks a
    key extract (its place)."""
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
