"""The thematic map in the terminal, drawn with box-drawing characters.

Every top-level theme is a panel: the theme, its sub-themes and codes as a tree
(node size shown as the number of passages), and the relations that leave or reach
it. On a narrow screen (under 120 columns) one theme and its neighbours (the themes
related to it) at a time, ``tab``/``n``/``p`` to the next; on a wider one the whole
map, panels side by side. Arrows or ``hjkl`` move between nodes, ``enter`` opens the
node's passages (the retrieval view), and on a neighbour it goes to that theme.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Static

from qualcode.core.thematic_map import MapData, MapNode
from qualcode.errors import QualcodeError
from qualcode.i18n import N_, _, plural
from qualcode.store import Project
from qualcode.tui.screens.retrieval import Jump

WIDE = 120
"""From this many columns on, the whole map; below, one theme at a time."""

PANEL = 40
"""The width of one theme's panel on a wide screen."""


@dataclass(frozen=True)
class Spot:
    """A node drawn on the canvas: where its line is, and what it is.

    Attributes:
        key: the node's key (``theme:ID``, ``code:ID``, ...).
        row: its line on the canvas.
        col: its first column.
        width: how many columns it takes.
        goto: for a neighbour in the narrow view, the theme it leads to.
    """

    key: str
    row: int
    col: int
    width: int
    goto: str | None = None


class _Canvas:
    """A grid of (character, style) cells, written at any place, made into styled
    text once at the end (cheap however many panels share a line)."""

    def __init__(self) -> None:
        self.lines: list[list[tuple[str, str]]] = []

    def put(self, row: int, col: int, text: str, style: str = "") -> None:
        self.put_parts(row, col, [(text, style)])

    def put_parts(self, row: int, col: int, parts: list[tuple[str, str]]) -> None:
        while len(self.lines) <= row:
            self.lines.append([])
        line = self.lines[row]
        for text, style in parts:
            for ch in text:
                if len(line) < col:
                    line.extend([(" ", "")] * (col - len(line)))
                if len(line) == col:
                    line.append((ch, style))
                else:
                    line[col] = (ch, style)
                col += 1


class MapCanvas(ScrollView, can_focus=True):
    """The drawn map, line by line on demand (a large map costs no more to show than
    the lines on screen)."""

    DEFAULT_CSS = """
    MapCanvas { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__(id="map-canvas")
        self.lines: list[list[tuple[str, str]]] = []
        self._styles: dict[str, Style] = {}

    def show(self, canvas: _Canvas) -> None:
        """Show a new drawing."""
        self.lines = canvas.lines
        width = max((len(line) for line in self.lines), default=0)
        self.virtual_size = Size(width, len(self.lines))
        self.refresh()

    @property
    def plain(self) -> str:
        """The drawing as plain text (for tests and screen readers)."""
        return "\n".join("".join(ch for ch, _st in line) for line in self.lines)

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = Style.parse(name) if name else Style()
        return style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = y + scroll_y
        if index >= len(self.lines):
            return Strip.blank(width, base)
        line = self.lines[index][scroll_x : scroll_x + width]
        segments: list[Segment] = []
        run: list[str] = []
        current = None
        for ch, st in line:
            if st != current and run:
                segments.append(Segment("".join(run), base + self._style(current or "")))
                run = []
            current = st
            run.append(ch)
        if run:
            segments.append(Segment("".join(run), base + self._style(current or "")))
        if len(line) < width:
            segments.append(Segment(" " * (width - len(line)), base))
        return Strip(segments, width)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


class MapScreen(Screen[Jump | None]):
    """The thematic map, navigable by keyboard."""

    BINDINGS = [
        Binding("escape,q", "back", N_("Back"), id="map-back", tooltip=N_("Back to coding.")),
        Binding(
            "up,k", "move('up')", N_("Up"), show=False, id="map-up", tooltip=N_("The node above.")
        ),
        Binding(
            "down,j",
            "move('down')",
            N_("Down"),
            show=False,
            id="map-down",
            tooltip=N_("The node below."),
        ),
        Binding(
            "left,h",
            "move('left')",
            N_("Left"),
            show=False,
            id="map-left",
            tooltip=N_("The node to the left."),
        ),
        Binding(
            "right,l",
            "move('right')",
            N_("Right"),
            show=False,
            id="map-right",
            tooltip=N_("The node to the right."),
        ),
        Binding(
            "enter",
            "open_node",
            N_("Passages"),
            id="map-open",
            tooltip=N_("The passages of the highlighted code or theme (a neighbour: go to it)."),
        ),
        Binding(
            "tab,n",
            "next_theme",
            N_("Next theme"),
            id="map-next",
            tooltip=N_("The next theme (one at a time on a narrow screen)."),
        ),
        Binding(
            "shift+tab,p",
            "previous_theme",
            N_("Previous"),
            id="map-previous",
            tooltip=N_("The previous theme."),
        ),
    ]

    def __init__(self, project: Project, *, label_lang: str | None = None) -> None:
        super().__init__()
        self.project = project
        self.label_lang = label_lang
        self.data: MapData | None = None
        self.tops: list[str] = []
        self.current = 0
        self.spots: list[Spot] = []
        self.focus_key: str | None = None
        self.focus_at: tuple[int, int] | None = None
        """Which drawing of the focused node (a node may show twice: in its theme's
        tree and as another theme's neighbour); ``None``: its first."""

    def compose(self) -> ComposeResult:
        yield Static("", id="map-title")
        yield MapCanvas()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(MapCanvas).focus()
        self.query_one("#map-title", Static).update(Text(_("drawing the map…"), style="italic"))
        self._read_map()

    @work(thread=True, exclusive=True, group="thematic-map", exit_on_error=False)
    def _read_map(self) -> None:
        """The map's graph, read off the interface thread (every theme's codes,
        passages, documents and relations: longer than a key may take with many
        codings), then drawn by :meth:`_mapped`."""
        from qualcode.services.thematic_map import map_state

        try:
            lang = self.label_lang
            if lang is None:
                languages = self.project.codebook().languages
                lang = languages[0] if languages else None
            data = map_state(self.project, lang=lang).data
        except QualcodeError as exc:
            self.app.call_from_thread(self._not_mapped, str(exc))
            return
        self.app.call_from_thread(self._mapped, data)

    def _mapped(self, data: MapData) -> None:
        if not self.is_attached:
            return
        self.data = data
        self.tops = [n.key for n in data.nodes if n.kind == "theme" and n.depth == 0]
        self.focus_key = self.tops[0] if self.tops else None
        self.draw()

    def _not_mapped(self, error: str) -> None:
        if self.is_attached:
            self.query_one("#map-title", Static).update("")
            self.notify(error, severity="error", timeout=8)

    def on_resize(self) -> None:
        if self.data is not None:
            self.draw()

    # ---------------------------------------------------------------- drawing

    @property
    def wide(self) -> bool:
        return self.size.width >= WIDE

    def _map_nodes(self) -> dict[str, MapNode]:
        assert self.data is not None
        return {n.key: n for n in self.data.nodes}

    def _label(self, node: MapNode) -> str:
        mark = {"theme": "●", "code": "■", "document": "▤", "passage": "❝"}.get(node.kind, "·")
        return f"{mark} {node.label} ({node.passages})"

    def _panel(self, canvas: _Canvas, top: str, row: int, col: int, width: int) -> int:
        """Draw one theme's panel; returns the row under it."""
        assert self.data is not None
        nodes = self._map_nodes()
        theme = nodes[top]
        members = [n for n in self.data.nodes if n.theme == top and n.key != top]
        children: dict[str, list[MapNode]] = {}
        for n in members:
            children.setdefault(n.parent or top, []).append(n)
        inner = width - 2
        title = _fit(self._label(theme), inner - 2)
        self._spot(canvas, theme.key, row + 1, col + 2, title, theme.color, bold=True)
        canvas.put(row, col, "╭" + "─" * inner + "╮", "dim")
        canvas.put(row + 1, col, "│", "dim")
        canvas.put(row + 1, col + width - 1, "│", "dim")
        r = row + 2

        def walk(parent: str, prefix: str) -> None:
            nonlocal r
            kids = children.get(parent, [])
            for i, n in enumerate(kids):
                last = i == len(kids) - 1
                canvas.put(r, col, "│", "dim")
                canvas.put(r, col + 2, prefix + ("└─ " if last else "├─ "), "dim")
                indent = 2 + len(prefix) + 3
                text = _fit(self._label(n), inner - indent)
                self._spot(canvas, n.key, r, col + indent, text, n.color)
                canvas.put(r, col + width - 1, "│", "dim")
                r += 1
                walk(n.key, prefix + ("   " if last else "│  "))

        walk(top, "")
        # the relations of the theme's nodes
        keys = {top, *(n.key for n in members)}
        for e in self.data.edges:
            if e.kind != "relation" or (e.source not in keys and e.target not in keys):
                continue
            outgoing = e.source in keys
            other = nodes.get(e.target if outgoing else e.source)
            if other is None:
                continue
            arrow = ("→ " if outgoing else "← ") if e.directed else "↔ "
            words = f"{arrow}{e.label} "
            canvas.put(r, col, "│", "dim")
            canvas.put(r, col + 2, _fit(words, inner - 4), "italic")
            room = inner - 2 - min(len(words), inner - 4)
            if room > 4:
                goto = other.theme if not self.wide and other.theme != top else None
                self._spot(
                    canvas,
                    other.key,
                    r,
                    col + 2 + len(words),
                    _fit(self._label(other), room - 1),
                    other.color,
                    goto=goto,
                )
            canvas.put(r, col + width - 1, "│", "dim")
            r += 1
        canvas.put(r, col, "╰" + "─" * inner + "╯", "dim")
        return r + 1

    def _spot(
        self,
        canvas: _Canvas,
        key: str,
        row: int,
        col: int,
        text: str,
        color: str,
        *,
        bold: bool = False,
        goto: str | None = None,
    ) -> None:
        if self.focus_at is not None:
            chosen = key == self.focus_key and (row, col) == self.focus_at
        else:
            chosen = key == self.focus_key and self._first(key)
        style = "reverse bold" if chosen else ("bold" if bold else "")
        canvas.put_parts(row, col, [(text[0], f"{color} {style}".strip()), (text[1:], style)])
        self.spots.append(Spot(key, row, col, len(text), goto))
        self._keys_drawn.add(key)

    def _first(self, key: str) -> bool:
        return key not in self._keys_drawn

    def draw(self) -> None:
        """Draw the map for the screen's width."""
        assert self.data is not None
        self.spots = []
        self._keys_drawn: set[str] = set()
        canvas = _Canvas()
        themes = len(self.tops)
        codes = sum(1 for n in self.data.nodes if n.kind == "code")
        header = Text()
        header.append(_("Thematic map"), style="bold")
        header.append(
            "  "
            + plural(themes, "{n} theme", "{n} themes")
            + ", "
            + plural(codes, "{n} code", "{n} codes"),
            style="dim",
        )
        if not self.tops:
            canvas.put(
                0, 1, _("No themes yet: E opens the themes screen, where codes become themes.")
            )
        elif self.wide:
            width = max(PANEL, min(60, (self.size.width - 2) // max(1, self.size.width // PANEL)))
            per_row = max(1, (self.size.width - 2) // width)
            row = 0
            for start in range(0, themes, per_row):
                bottom = row
                for i, top in enumerate(self.tops[start : start + per_row]):
                    bottom = max(bottom, self._panel(canvas, top, row, 1 + i * width, width - 1))
                row = bottom
        else:
            top = self.tops[self.current]
            header.append(
                "  "
                + _("theme {n} of {total}: tab for the next").format(
                    n=self.current + 1, total=themes
                ),
                style="dim",
            )
            self._panel(canvas, top, 0, 0, max(30, self.size.width - 2))
        self.query_one("#map-title", Static).update(header)
        if self.focus_at is not None and not any(
            s.key == self.focus_key and (s.row, s.col) == self.focus_at for s in self.spots
        ):
            self.focus_at = None  # that drawing is gone (another width): the first one
            self.draw()
            return
        self.query_one(MapCanvas).show(canvas)
        self._scroll_to_focus()

    def _scroll_to_focus(self) -> None:
        spot = next((s for s in self.spots if s.key == self.focus_key), None)
        if spot is not None:
            self.query_one(MapCanvas).scroll_to_region(
                Region(spot.col, spot.row, spot.width, 1), animate=False, immediate=True
            )

    # ---------------------------------------------------------------- keys

    def _here(self) -> Spot | None:
        if self.focus_at is not None:
            for s in self.spots:
                if s.key == self.focus_key and (s.row, s.col) == self.focus_at:
                    return s
        return next((s for s in self.spots if s.key == self.focus_key), None)

    def action_move(self, direction: str) -> None:
        here = self._here()
        if here is None:
            return
        best: tuple[float, int, Spot] | None = None
        for i, s in enumerate(self.spots):
            if s is here or s.key == here.key and s.row == here.row:
                continue
            score = _move_score(here, s, direction)
            if score is not None and (best is None or (score, i) < best[:2]):
                best = (score, i, s)
        if best is not None:
            self.focus_key = best[2].key
            self.focus_at = (best[2].row, best[2].col)
            self.draw()

    def action_open_node(self) -> None:
        here = self._here()
        if here is None:
            return
        goto = here.goto
        if goto is not None and goto in self.tops:
            self.current = self.tops.index(goto)
            self.focus_key = goto
            self.focus_at = None
            self.draw()
            return
        nodes = self._map_nodes()
        node = nodes[here.key]
        from qualcode.tui.screens.retrieval import RetrievalScreen

        codebook = self.project.codebook()
        if node.kind == "code":
            screen = RetrievalScreen(self.project, codebook, node.id, label_lang=self.label_lang)
        elif node.kind == "theme":
            assert self.data is not None
            members = [
                n.id for n in self.data.nodes if n.kind == "code" and self._under(n, node.key)
            ]
            if not members:
                self.notify(_("{theme} has no codes yet").format(theme=node.label))
                return
            screen = RetrievalScreen(
                self.project,
                codebook,
                members[0],
                label_lang=self.label_lang,
                codes=tuple(members),
                title=node.label,
            )
        else:
            return
        self.app.push_screen(screen, self._jumped)

    def _under(self, node: MapNode, theme: str) -> bool:
        """Whether ``node`` hangs (at any depth) under ``theme``."""
        assert self.data is not None
        members = {
            e.target
            for e in self.data.edges
            if e.kind in ("member", "subtheme") and e.source == theme
        }
        if node.key in members:
            return True
        return any(self._under(node, m) for m in members if m.startswith("theme:"))

    def _jumped(self, jump: Jump | None) -> None:
        if jump is not None:
            self.dismiss(jump)

    def action_next_theme(self) -> None:
        self._step(1)

    def action_previous_theme(self) -> None:
        self._step(-1)

    def _step(self, by: int) -> None:
        if not self.tops:
            return
        if self.wide:
            here = self._here()
            at = self._map_nodes()[here.key].theme if here else None
            index = self.tops.index(at) if at in self.tops else -1
            self.current = (index + by) % len(self.tops)
        else:
            self.current = (self.current + by) % len(self.tops)
        self.focus_key = self.tops[self.current]
        self.focus_at = None
        self.draw()

    def action_back(self) -> None:
        self.dismiss(None)


def _move_score(here: Spot, s: Spot, direction: str) -> int | None:
    """How far ``s`` lies from ``here`` going ``direction`` (up, down, left, right;
    lower is nearer; up and down weigh rows, left and right columns), or ``None``
    when it does not lie that way."""
    dy, dx = s.row - here.row, s.col - here.col
    if direction == "up" and dy >= 0 or direction == "down" and dy <= 0:
        return None
    same_row = dy == 0
    if direction == "left" and not (s.col + s.width <= here.col or (same_row and s.col < here.col)):
        return None
    if direction == "right" and not (
        s.col >= here.col + here.width or (same_row and s.col > here.col)
    ):
        return None
    if direction in ("up", "down"):
        return abs(dy) * 100 + abs(dx)
    return abs(dx) + abs(dy) * 8
