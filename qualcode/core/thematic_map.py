"""The thematic map: themes, sub-themes, their codes and relations as a graph, laid out.

qualcode lays the map out itself (no Graphviz or other program to install):

1. every top-level theme forms a *cluster*: the theme in the middle, its sub-themes on
   an inner ring, its codes (grouped by sub-theme) on an outer ring sized so that their
   label boxes fit side by side;
2. the clusters, largest first, go on an Archimedean spiral around the middle, each at
   the first place where its circle meets no cluster placed before (a compact, radial
   arrangement);
3. an overlap removal pass on the label boxes (node circle and label below it) pushes
   apart any two that still touch, and a last sweep moves down whatever is left, so no
   label box overlaps another;
4. a stored position (a REFI-QDA Graph vertex, or one the researcher set) wins over the
   computed one.

Text widths are estimated per character for the font the SVG names
(:data:`FONT_FAMILY`, a fixed-width font: every character advances 0.602 em in DejaVu
Sans Mono); the estimate :data:`CHAR_EM` is a little larger, so a label is never
wider than its box (``tests/exporters/test_map_chromium.py`` measures it in Chromium).

Everything here is deterministic: the same data gives the same layout, to the digit.
This module is pure: no database, no I/O.
"""

from __future__ import annotations

import colorsys
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from qualcode.core.codebook import PALETTE, Codebook
from qualcode.core.themes import Node, Relation, Theme, ThemeTree

FONT_FAMILY = "DejaVu Sans Mono, Menlo, Consolas, monospace"
"""The font the SVG names: fixed-width, so a label's width is known from its length."""

CHAR_EM = 0.62
"""Estimated advance of one character in em (DejaVu Sans Mono: 0.602; Liberation Mono,
Menlo and Consolas: 0.60 or less): kept a little high so the estimate is conservative."""

THEME_FONT = 14.0
"""Font size of a theme's label (px)."""

CODE_FONT = 11.0
"""Font size of a code's (or other node's) label (px)."""

MARGIN = 24.0
"""Space around the drawing inside the viewBox (px)."""

GAP = 6.0
"""The least space between two label boxes (px)."""

MAX_LABEL = 40
"""Labels longer than this many characters are shortened with an ellipsis."""


def char_width(ch: str) -> float:
    """Width of one character in em: 0 for a combining mark, twice for a wide one."""
    if unicodedata.combining(ch):
        return 0.0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2 * CHAR_EM
    return CHAR_EM


def text_width(text: str, size: float) -> float:
    """The estimated width of ``text`` at font size ``size`` (px)."""
    return sum(char_width(ch) for ch in text) * size


def short_label(text: str, limit: int = MAX_LABEL) -> str:
    """``text`` on one line, at most ``limit`` characters (an ellipsis marks a cut)."""
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1].rstrip() + "\u2026"


# ---------------------------------------------------------------------- the graph


@dataclass(frozen=True)
class MapNode:
    """One vertex of the map.

    Attributes:
        key: unique in the map: ``theme:ID``, ``code:ID``, ``document:GUID``,
            ``passage:GUID``.
        kind: ``theme``, ``code``, ``document`` or ``passage``.
        guid: the object's GUID (REFI-QDA's representedGUID).
        id: a theme's or code's id; a document's name; a passage's guid.
        label: what the map shows (the label in the chosen language).
        passages: how many passages it holds (a theme: its codes' and sub-themes'
            codings, each once).
        color: ``#rrggbb``.
        theme: the key of the top-level theme whose cluster it is drawn in (``None``
            for a node in no theme).
        parent: a sub-theme's parent theme key, or a code's first theme key.
        depth: 0 for a top-level theme, 1 for a sub-theme, ...; codes and others: -1.
        status: a theme's status (``candidate``, ...), empty for others.
    """

    key: str
    kind: str
    guid: str
    id: str
    label: str
    passages: int = 0
    color: str = "#888888"
    theme: str | None = None
    parent: str | None = None
    depth: int = -1
    status: str = ""


@dataclass(frozen=True)
class MapEdge:
    """One edge of the map.

    Attributes:
        source: the key of the node it starts at.
        target: the key of the node it ends at.
        kind: ``subtheme`` (theme to sub-theme), ``member`` (theme to code) or
            ``relation`` (a typed relation the researcher drew).
        type: a relation's type id (``leads_to``), empty for the others.
        label: a relation's type in words, empty for the others.
        directed: whether it reads from source to target only.
        guid: a relation's GUID, empty for the others.
        memo: a relation's memo.
    """

    source: str
    target: str
    kind: str
    type: str = ""
    label: str = ""
    directed: bool = True
    guid: str = ""
    memo: str = ""


@dataclass(frozen=True)
class MapData:
    """The graph of a thematic map, before layout.

    Attributes:
        nodes: themes in tree order, then codes, then other nodes.
        edges: sub-theme and member edges, then relations.
        title: the map's title (the SVG's ``<title>``).
        positions: stored positions by node key (a stored position wins).
    """

    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]
    title: str = "Thematic map"
    positions: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    def node(self, key: str) -> MapNode | None:
        """The node with this key, or ``None``."""
        for n in self.nodes:
            if n.key == key:
                return n
        return None


def theme_key(theme_id: str) -> str:
    """The map key of a theme."""
    return f"theme:{theme_id}"


def code_key(code_id: str) -> str:
    """The map key of a code."""
    return f"code:{code_id}"


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c * 255))):02x}" for c in rgb)


def lighter(color: str, amount: float = 0.35) -> str:
    """``color`` mixed with white (``amount`` 0: unchanged, 1: white)."""
    c = color.lstrip("#")
    r, g, b = (int(c[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return _hex((r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount))


def theme_color(index: int) -> str:
    """A stable colour for the ``index``-th top-level theme with no colour set: the
    codebook palette first, then hues spread by the golden angle."""
    if index < len(PALETTE):
        return PALETTE[index]
    hue = (index * 0.381966) % 1.0
    return _hex(colorsys.hls_to_rgb(hue, 0.5, 0.55))


def build_map(
    codebook: Codebook,
    tree: ThemeTree,
    relations: Sequence[Relation],
    passages: Mapping[str, int],
    theme_passages: Mapping[str, int],
    *,
    lang: str | None = None,
    themes: Iterable[str] | None = None,
    positions: Mapping[str, tuple[float, float]] | None = None,
    title: str = "Thematic map",
    code_guids: Mapping[str, str] | None = None,
) -> MapData:
    """The graph of the map.

    Args:
        codebook: the codebook (code labels and colours).
        tree: the themes (discarded themes are left out).
        relations: every relation; those whose both ends are on the map (or one end
            on the map and the other a document or passage) are drawn.
        passages: passages per code id.
        theme_passages: passages per theme id (sub-themes included, each coding once).
        lang: the label language.
        themes: limit the map to these top-level or sub-theme ids (with their
            sub-themes); ``None``: every theme.
        positions: stored positions by node key.
        title: the map's title.
        code_guids: every code's GUID by id (the store keeps them; relations name
            their code ends by GUID).
    """
    graph = _MapBuilder(codebook, tree, _kept_themes(tree, themes), passages, lang, code_guids)
    graph.add_themes(theme_passages)
    graph.add_codes()
    graph.add_relations(relations)
    nodes = graph.nodes
    ordered = (
        [n for n in nodes.values() if n.kind == "theme"]
        + [n for n in nodes.values() if n.kind == "code"]
        + [n for n in nodes.values() if n.kind not in ("theme", "code")]
    )
    stored = {k: v for k, v in (positions or {}).items() if k in nodes}
    return MapData(tuple(ordered), tuple(graph.edges), title=title, positions=stored)


def _kept_themes(tree: ThemeTree, themes: Iterable[str] | None) -> list[Theme]:
    """The themes on the map: not discarded, and among ``themes`` (with their
    sub-themes) when given."""
    kept = [t for t in tree.themes if t.status != "discarded"]
    if themes is not None:
        wanted: set[str] = set()
        for tid in themes:
            wanted.add(tid)
            wanted.update(tree.descendants(tid))
        kept = [t for t in kept if t.id in wanted]
    return kept


class _MapBuilder:
    """The nodes and edges of a map, added theme by theme, code by code, relation
    by relation."""

    def __init__(
        self,
        codebook: Codebook,
        tree: ThemeTree,
        kept: list[Theme],
        passages: Mapping[str, int],
        lang: str | None,
        code_guids: Mapping[str, str] | None,
    ) -> None:
        self.codebook = codebook
        self.tree = tree
        self.kept = kept
        self.kept_ids = {t.id for t in kept}
        self.passages = passages
        self.lang = lang
        self.guid_of = dict(code_guids or {})
        self.code_by_guid = {g: c for c, g in self.guid_of.items()}
        self.nodes: dict[str, MapNode] = {}
        self.edges: list[MapEdge] = []
        self.by_guid: dict[tuple[str, str], str] = {}

    def top_of(self, theme_id: str) -> str:
        """The top-level theme on the map above ``theme_id`` (or itself)."""
        current = self.tree.get(theme_id)
        seen: set[str] = set()
        while (
            current is not None
            and current.parent is not None
            and current.parent in self.kept_ids
            and current.id not in seen
        ):
            seen.add(current.id)
            current = self.tree.get(current.parent)
        return current.id if current is not None else theme_id

    def add_themes(self, theme_passages: Mapping[str, int]) -> None:
        """A node per theme (top-level ones coloured from the palette, sub-themes a
        lighter shade of their parent) and an edge to each sub-theme."""
        colors: dict[str, str] = {}
        top_index = 0
        for t in self.kept:
            parent = t.parent if t.parent in self.kept_ids else None
            depth = 0
            if parent is None:
                color = t.color or theme_color(top_index)
                top_index += 1
            else:
                depth = self.tree.depth(t.id) - self.tree.depth(self.top_of(t.id))
                color = t.color or lighter(colors[parent], 0.3)
            colors[t.id] = color
            key = theme_key(t.id)
            self.nodes[key] = MapNode(
                key=key,
                kind="theme",
                guid=t.guid,
                id=t.id,
                label=short_label(t.label_in(self.lang)),
                passages=theme_passages.get(t.id, 0),
                color=color,
                theme=theme_key(self.top_of(t.id)),
                parent=theme_key(parent) if parent else None,
                depth=depth,
                status=t.status,
            )
            if parent is not None:
                self.edges.append(MapEdge(theme_key(parent), key, "subtheme"))

    def add_codes(self) -> None:
        """A node per code of a theme (in its first theme's cluster), an edge per membership."""
        for t in self.kept:
            for code_id in t.codes:
                code = self.codebook.get(code_id)
                if code is None:
                    continue
                ck = code_key(code_id)
                if ck not in self.nodes:
                    self.nodes[ck] = MapNode(
                        key=ck,
                        kind="code",
                        guid=self.guid_of.get(code.id, ""),
                        id=code.id,
                        label=short_label(code.label_in(self.lang)),
                        passages=self.passages.get(code_id, 0),
                        color=self.codebook.color_of(code_id),
                        theme=theme_key(self.top_of(t.id)),
                        parent=theme_key(t.id),
                    )
                self.edges.append(MapEdge(theme_key(t.id), ck, "member"))

    def add_relations(self, relations: Sequence[Relation]) -> None:
        """The relations with an end on the map, in two rounds (a relation whose
        ends both wait for another relation's node is tried again once)."""
        self.by_guid = {(n.kind, n.guid): n.key for n in self.nodes.values()}
        pending = list(relations)
        for _round in range(2):
            pending = [r for r in pending if not self.add_relation(r)]

    def add_relation(self, r: Relation) -> bool:
        """Draw ``r``, adding a node for an end that is not on the map; False when
        neither end is on the map yet, or an end is a theme left out of it."""
        ends: list[str | None] = [
            self.by_guid.get((end.kind, end.guid)) for end in (r.source, r.target)
        ]
        if ends[0] is None and ends[1] is None:
            return False
        for i, end in enumerate((r.source, r.target)):
            if ends[i] is not None:
                continue
            if end.kind == "theme":  # a theme left out of the map (by --themes or discarded)
                return False
            ends[i] = self.add_end(end, self.nodes[ends[1 - i] or ""])
        self.edges.append(
            MapEdge(
                ends[0] or "",
                ends[1] or "",
                "relation",
                type=r.type,
                label=r.type.replace("_", " "),
                directed=r.directed,
                guid=r.guid,
                memo=r.memo,
            )
        )
        return True

    def add_end(self, end: Node, other: MapNode) -> str:
        """A node for a relation's end that is not on the map (a code of no theme on
        it, a document, a passage), drawn beside ``other``; its key."""
        if end.kind == "code":
            name = self.code_by_guid.get(end.guid) or end.name
            code = self.codebook.get(name) if name else None
            label = code.label_in(self.lang) if code is not None else end.name
            ident = code.id if code is not None else end.guid
            key = code_key(ident)
            color = self.codebook.color_of(code.id) if code is not None else "#888888"
            count = self.passages.get(ident, 0)
        else:
            label = end.name or end.guid
            ident = end.guid
            key = f"{end.kind}:{end.guid}"
            color = "#777777" if end.kind == "document" else "#aaaaaa"
            count = 1 if end.kind == "passage" else 0
        self.nodes[key] = MapNode(
            key=key,
            kind=end.kind,
            guid=end.guid,
            id=ident,
            label=short_label(label or ident),
            passages=count,
            color=color,
            theme=other.theme,
            parent=other.key,
        )
        self.by_guid[(end.kind, end.guid)] = key
        return key


def relation_words(data: MapData, words: Mapping[str, str]) -> MapData:
    """The map with each relation's label in words (``leads_to`` -> ``leads to``)."""
    return replace(
        data,
        edges=tuple(
            replace(e, label=words.get(e.type, e.label)) if e.kind == "relation" else e
            for e in data.edges
        ),
    )


# ---------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle (``x0 <= x1``, ``y0 <= y1``)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        """Whether the two boxes are closer than ``gap`` (touching counts as apart)."""
        return (
            self.x0 < other.x1 + gap
            and other.x0 < self.x1 + gap
            and self.y0 < other.y1 + gap
            and other.y0 < self.y1 + gap
        )


@dataclass(frozen=True)
class Placed:
    """A node with its place on the map.

    Attributes:
        node: the node.
        x: the centre of its circle.
        y: the centre of its circle.
        r: the circle's radius (by passages).
        font: the label's font size.
        text_w: the label's estimated width.
        stored: whether the position came from storage rather than the layout.
    """

    node: MapNode
    x: float
    y: float
    r: float
    font: float
    text_w: float
    stored: bool = False

    @property
    def baseline(self) -> float:
        """The y of the label's baseline (the label sits under the circle)."""
        return self.y + self.r + self.font

    def box(self) -> Box:
        """The label box: the circle and the label under it (descenders included)."""
        half = max(self.r, self.text_w / 2)
        return Box(self.x - half, self.y - self.r, self.x + half, self.baseline + 0.3 * self.font)


@dataclass(frozen=True)
class Layout:
    """A laid-out map: every node placed, the drawing in ``0..width x 0..height``.

    Attributes:
        data: the graph.
        placed: every node's place, in the order of ``data.nodes``.
        width: the viewBox width.
        height: the viewBox height.
        x0: the viewBox's left (below 0 only when a stored position lies there).
        y0: the viewBox's top (likewise).
    """

    data: MapData
    placed: tuple[Placed, ...]
    width: float
    height: float
    x0: float = 0.0
    y0: float = 0.0

    def at(self, key: str) -> Placed | None:
        """The place of the node with this key."""
        for p in self.placed:
            if p.node.key == key:
                return p
        return None


def radius(node: MapNode, most: int) -> float:
    """A node's circle radius: by the square root of its passages (area ~ passages)."""
    share = math.sqrt(node.passages / most) if most > 0 and node.passages > 0 else 0.0
    if node.kind == "theme":
        return round(10.0 + 18.0 * share, 2) if node.depth == 0 else round(8.0 + 12.0 * share, 2)
    if node.kind == "code":
        return round(4.0 + 12.0 * share, 2)
    return 4.0


def _ring(items: list[Placed], cx: float, cy: float, inner: float, start: float) -> float:
    """Place ``items`` on a circle around (cx, cy) outside ``inner``; returns the radius
    of the ring's outer edge (label boxes included)."""
    if not items:
        return inner
    widths = [max(p.text_w, 2 * p.r) + GAP * 2 for p in items]
    heights = [p.r * 2 + p.font * 1.3 + GAP * 2 for p in items]
    need = max(max(heights), max(widths) / 2)
    circumference = sum(widths)
    ring = max(inner + need, circumference / (2 * math.pi), 0.0)
    if len(items) == 1:
        ring = inner + need if inner > 0 else 0.0
    total = sum(widths)
    angle = start
    for i, p in enumerate(items):
        share = widths[i] / total * 2 * math.pi
        a = angle + share / 2
        items[i] = replace(p, x=cx + ring * math.cos(a), y=cy + ring * math.sin(a))
        angle += share
    return ring + max(max(widths) / 2, max(heights))


def _spiral_place(circles: list[tuple[float, float, float]], r: float) -> tuple[float, float]:
    """The first point on an Archimedean spiral where a circle of radius ``r`` meets
    none of ``circles`` (x, y, r)."""
    if not circles:
        return 0.0, 0.0
    pitch = max(8.0, min(c[2] for c in circles) / math.pi)
    t = 0.0
    while True:
        # about a quarter of the smallest cluster's radius along the spiral per step
        t += min(0.5, pitch * 0.8 / max(pitch * t, 1.0))
        d = pitch * t
        x, y = d * math.cos(t), d * math.sin(t)
        if all(math.hypot(x - cx, y - cy) >= r + cr + GAP * 3 for cx, cy, cr in circles):
            return round(x, 3), round(y, 3)


def _separate(placed: list[Placed], movable: list[bool], rounds: int = 60) -> None:
    """Push overlapping label boxes apart (both move half the overlap, along the axis
    where the overlap is least); boxes at stored positions stay put."""
    n = len(placed)
    for _round in range(rounds):
        moved = False
        boxes = [p.box() for p in placed]
        order = sorted(range(n), key=lambda i: (boxes[i].x0, i))
        for a_i, i in enumerate(order):
            bi = boxes[i]
            for j in order[a_i + 1 :]:
                bj = boxes[j]
                if bj.x0 >= bi.x1 + GAP:
                    break
                if not bi.overlaps(bj, GAP):
                    continue
                dx = min(bi.x1 + GAP - bj.x0, bj.x1 + GAP - bi.x0)
                dy = min(bi.y1 + GAP - bj.y0, bj.y1 + GAP - bi.y0)
                pi, pj = placed[i], placed[j]
                if dx < dy:
                    sign = 1.0 if (pj.x, j) >= (pi.x, i) else -1.0
                    vx, vy = sign * (dx + 0.5), 0.0
                else:
                    sign = 1.0 if (pj.y, j) >= (pi.y, i) else -1.0
                    vx, vy = 0.0, sign * (dy + 0.5)
                share_i = 0.5 if movable[i] and movable[j] else (1.0 if movable[i] else 0.0)
                share_j = 1.0 - share_i if movable[j] else 0.0
                if not movable[i] and not movable[j]:
                    continue
                placed[i] = replace(pi, x=pi.x - vx * share_i, y=pi.y - vy * share_i)
                placed[j] = replace(pj, x=pj.x + vx * share_j, y=pj.y + vy * share_j)
                boxes[i], boxes[j] = placed[i].box(), placed[j].box()
                bi = boxes[i]
                moved = True
        if not moved:
            return


def _sweep(placed: list[Placed], movable: list[bool]) -> None:
    """The last resort: taking boxes top to bottom, move each box that still overlaps
    one already settled down below it, until it overlaps none (this always ends)."""
    order = sorted(range(len(placed)), key=lambda i: (not not movable[i], placed[i].y, i))
    settled: list[int] = []
    for i in order:
        if movable[i]:
            while True:
                b = placed[i].box()
                hit = [j for j in settled if b.overlaps(placed[j].box(), GAP)]
                if not hit:
                    break
                low = max(placed[j].box().y1 for j in hit)
                placed[i] = replace(placed[i], y=placed[i].y + (low + GAP + 0.5 - b.y0))
        settled.append(i)


def layout(data: MapData) -> Layout:
    """Lay the map out (see the module docstring); deterministic.

    The computed drawing starts at (:data:`MARGIN`, under the title); stored
    positions are used as they are, and the canvas (``x0``, ``y0``, ``width``,
    ``height``) grows to hold them, so a position written out comes back the same.
    """
    proto = _unplaced(data)
    clusters: dict[str | None, list[str]] = {}
    for n in data.nodes:
        clusters.setdefault(n.theme, []).append(n.key)
    # one cluster per top-level theme, laid out around (0, 0)
    laid = {top: _lay_cluster(top, keys, proto) for top, keys in clusters.items()}
    final = _place_clusters(laid, list(clusters))
    placed_list = _under_title([final[n.key] for n in data.nodes])
    # a stored position wins, as it is (the canvas grows to hold it)
    movable = [True] * len(placed_list)
    for i, p in enumerate(placed_list):
        pos = data.positions.get(p.node.key)
        if pos is not None:
            placed_list[i] = replace(p, x=float(pos[0]), y=float(pos[1]), stored=True)
            movable[i] = False
    _separate(placed_list, movable)
    _sweep(placed_list, movable)
    placed_list = [replace(p, x=round(p.x, 2), y=round(p.y, 2)) for p in placed_list]
    return _canvas(data, placed_list)


_TITLE_H = THEME_FONT * 2
"""The height kept for the title above the drawing."""


def _unplaced(data: MapData) -> dict[str, Placed]:
    """Every node's circle and label size, not yet placed (at 0, 0), by key."""
    most_theme = max((n.passages for n in data.nodes if n.kind == "theme"), default=0)
    most_code = max((n.passages for n in data.nodes if n.kind != "theme"), default=0)
    proto: dict[str, Placed] = {}
    for n in data.nodes:
        font = THEME_FONT if n.kind == "theme" and n.depth == 0 else CODE_FONT
        most = most_theme if n.kind == "theme" else most_code
        proto[n.key] = Placed(n, 0.0, 0.0, radius(n, most), font, text_width(n.label, font))
    return proto


def _lay_cluster(
    top: str | None, keys: list[str], proto: Mapping[str, Placed]
) -> tuple[list[Placed], float]:
    """One cluster around (0, 0): its theme in the middle, sub-themes on an inner
    ring, codes (grouped by sub-theme) on an outer ring; and its radius."""
    centre, inner, outer_keys = _cluster_rings(top, keys, proto)
    placed: list[Placed] = []
    extent = 0.0
    if centre:
        c = proto[centre[0]]
        placed.append(c)
        extent = max(c.text_w / 2, c.r) + c.font * 1.3 + GAP
    inner_items = [proto[k] for k in inner]
    extent = _ring(inner_items, 0.0, 0.0, extent if centre else 0.0, -math.pi / 2)
    outer_items = [proto[k] for k in outer_keys]
    extent = _ring(outer_items, 0.0, 0.0, extent if (centre or inner_items) else 0.0, -math.pi / 2)
    if not centre and not inner_items and len(outer_items) == 1:
        extent = max(outer_items[0].text_w / 2, outer_items[0].r) + outer_items[0].font
    return [*placed, *inner_items, *outer_items], extent


def _cluster_rings(
    top: str | None, keys: list[str], proto: Mapping[str, Placed]
) -> tuple[list[str], list[str], list[str]]:
    """A cluster's keys: its theme (the middle), its sub-themes (the inner ring), and
    the rest grouped by sub-theme, then the theme's own (the outer ring)."""
    centre = [k for k in keys if k == top]
    inner = [k for k in keys if k != top and data_kind(proto, k) == "theme"]
    outer_keys: list[str] = []
    for k in [*inner, *centre]:
        outer_keys.extend(
            o for o in keys if proto[o].node.parent == k and data_kind(proto, o) != "theme"
        )
    outer_keys.extend(o for o in keys if o not in outer_keys and o not in inner + centre)
    return centre, inner, outer_keys


def _place_clusters(
    laid: Mapping[str | None, tuple[list[Placed], float]], tops: list[str | None]
) -> dict[str, Placed]:
    """The clusters, biggest first on a spiral (the themeless ones last); every node's
    place by key. ``tops``: the clusters in the order they were met."""
    order = sorted(laid, key=lambda k: (k is None, -laid[k][1], tops.index(k)))
    circles: list[tuple[float, float, float]] = []
    final: dict[str, Placed] = {}
    for top in order:
        items, extent = laid[top]
        ox, oy = _spiral_place(circles, extent)
        circles.append((ox, oy, extent))
        for p in items:
            final[p.node.key] = replace(p, x=round(p.x + ox, 3), y=round(p.y + oy, 3))
    return final


def _under_title(placed: list[Placed]) -> list[Placed]:
    """The computed drawing moved to start at the margin, under the title."""
    if not placed:
        return placed
    boxes = [p.box() for p in placed]
    dx = MARGIN - min(b.x0 for b in boxes)
    dy = MARGIN + _TITLE_H - min(b.y0 for b in boxes)
    return [replace(p, x=p.x + dx, y=p.y + dy) for p in placed]


def _canvas(data: MapData, placed: list[Placed]) -> Layout:
    """The layout with a canvas that holds every node and the title."""
    title_w = text_width(data.title, THEME_FONT) + 2 * MARGIN
    if not placed:
        return Layout(data, (), max(2 * MARGIN + 200, title_w), 2 * MARGIN + 60)
    boxes = [p.box() for p in placed]
    x0 = min(0.0, min(b.x0 for b in boxes) - MARGIN)
    y0 = min(0.0, min(b.y0 for b in boxes) - MARGIN - _TITLE_H)
    x1 = max(b.x1 for b in boxes) + MARGIN
    y1 = max(b.y1 for b in boxes) + MARGIN
    return Layout(
        data,
        tuple(placed),
        round(max(x1 - x0, title_w), 2),
        round(y1 - y0, 2),
        x0=round(x0, 2),
        y0=round(y0, 2),
    )


def data_kind(proto: Mapping[str, Placed], key: str) -> str:
    """The kind of the node with this key."""
    return proto[key].node.kind
