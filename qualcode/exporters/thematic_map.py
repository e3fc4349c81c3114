"""The thematic map as files: a self-contained SVG, Graphviz DOT and GraphML.

All three are written from one :class:`~qualcode.core.thematic_map.Layout`, so the
positions agree: the SVG draws it, DOT carries them as pinned ``pos`` (``neato -n``
keeps them), GraphML as ``x`` and ``y`` node data next to ``label``, ``kind``,
``passages``, ``color`` (and ``r``, ``g``, ``b``, ``size``), the names Gephi, yEd and
Cytoscape read.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from qualcode.core.thematic_map import (
    CODE_FONT,
    FONT_FAMILY,
    MARGIN,
    THEME_FONT,
    Layout,
    Placed,
    text_width,
)

EDGE_COLORS = {
    "subtheme": "#555555",
    "member": "#b0b0b0",
}
RELATION_COLORS = (
    "#c0392b",
    "#2471a3",
    "#7d3c98",
    "#1e8449",
    "#b9770e",
    "#17202a",
)
"""Colours of relation types, in the order they first appear on the map."""

LEGEND_FONT = CODE_FONT


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _relation_colors(layout: Layout) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in layout.data.edges:
        if e.kind == "relation" and e.type not in out:
            out[e.type] = RELATION_COLORS[len(out) % len(RELATION_COLORS)]
    return out


def _legend(layout: Layout) -> list[tuple[str, str, bool]]:
    """(words, colour, dashed) per relation type on the map."""
    colors = _relation_colors(layout)
    seen: dict[str, tuple[str, str, bool]] = {}
    for e in layout.data.edges:
        if e.kind == "relation" and e.type not in seen:
            seen[e.type] = (e.label or e.type, colors[e.type], not e.directed)
    return list(seen.values())


def svg_size(layout: Layout) -> tuple[float, float]:
    """The SVG's width and height: the layout plus the legend rows under it."""
    legend = _legend(layout)
    width = layout.width
    for words, _color, _dashed in legend:
        width = max(width, MARGIN + 40 + text_width(words, LEGEND_FONT) + MARGIN)
    return width, layout.height + (len(legend) * LEGEND_FONT * 1.8 if legend else 0.0)


def _text(p: Placed) -> str:
    return (
        f'<text x="{_fmt(p.x)}" y="{_fmt(p.baseline)}" font-size="{_fmt(p.font)}" '
        f'text-anchor="middle">{escape(p.node.label)}</text>'
    )


def render_svg(layout: Layout, *, title: str | None = None) -> str:
    """A self-contained SVG: no script, no external font or image; every label a
    ``<text>`` element, a ``viewBox``, a ``<title>``.

    Args:
        layout: the laid-out map.
        title: the title (default: the map's).
    """
    title = title if title is not None else layout.data.title
    width, height = svg_size(layout)
    colors = _relation_colors(layout)
    where = {p.node.key: p for p in layout.placed}
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {_fmt(width)} {_fmt(height)}" width="{_fmt(width)}" '
        f'height="{_fmt(height)}" role="img" aria-labelledby="map-title" '
        f"font-family={quoteattr(FONT_FAMILY)}>",
        f'<title id="map-title">{escape(title)}</title>',
        "<defs>",
    ]
    for type_, color in colors.items():
        out.append(
            f'<marker id="arrow-{escape(type_)}" viewBox="0 0 10 10" refX="10" refY="5" '
            'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{color}"/></marker>'
        )
    out.append("</defs>")
    out.append(f'<rect x="0" y="0" width="{_fmt(width)}" height="{_fmt(height)}" fill="#ffffff"/>')
    out.append(
        f'<text x="{_fmt(MARGIN)}" y="{_fmt(MARGIN + THEME_FONT)}" '
        f'font-size="{_fmt(THEME_FONT)}" fill="#222222">{escape(title)}</text>'
    )
    out.append('<g class="edges" fill="none">')
    for e in layout.data.edges:
        a, b = where.get(e.source), where.get(e.target)
        if a is None or b is None:
            continue
        if e.kind == "relation":
            color = colors[e.type]
            dash = "" if e.directed else ' stroke-dasharray="5,3"'
            # stop at the target's circle, so the arrow head shows
            dx, dy = b.x - a.x, b.y - a.y
            dist = max((dx * dx + dy * dy) ** 0.5, 1e-9)
            x2 = b.x - dx / dist * (b.r + 2)
            y2 = b.y - dy / dist * (b.r + 2)
            marker = f' marker-end="url(#arrow-{escape(e.type)})"' if e.directed else ""
            out.append(
                f'<line class="relation" x1="{_fmt(a.x)}" y1="{_fmt(a.y)}" x2="{_fmt(x2)}" '
                f'y2="{_fmt(y2)}" stroke="{color}" stroke-width="1.6"{dash}{marker}>'
                f"<title>{escape(a.node.label)} {escape(e.label)} {escape(b.node.label)}"
                f"</title></line>"
            )
        else:
            width_ = "1.6" if e.kind == "subtheme" else "0.8"
            out.append(
                f'<line class="{e.kind}" x1="{_fmt(a.x)}" y1="{_fmt(a.y)}" x2="{_fmt(b.x)}" '
                f'y2="{_fmt(b.y)}" stroke="{EDGE_COLORS[e.kind]}" stroke-width="{width_}"/>'
            )
    out.append("</g>")
    out.append('<g class="nodes">')
    for p in layout.placed:
        n = p.node
        stroke = "#333333" if n.kind == "theme" else "#666666"
        sw = "1.5" if n.kind == "theme" else "0.6"
        dash = ' stroke-dasharray="3,2"' if n.kind == "theme" and n.status == "candidate" else ""
        out.append(
            f'<g class="node {n.kind}" id="{escape(_svg_id(n.key))}">'
            f"<title>{escape(n.label)} ({n.passages})</title>"
            f'<circle cx="{_fmt(p.x)}" cy="{_fmt(p.y)}" r="{_fmt(p.r)}" fill="{n.color}" '
            f'stroke="{stroke}" stroke-width="{sw}"{dash}/>'
            f'<g fill="#222222" stroke="#ffffff" stroke-width="3" paint-order="stroke" '
            f'stroke-linejoin="round">{_text(p)}</g></g>'
        )
    out.append("</g>")
    legend = _legend(layout)
    y = layout.height
    for words, color, dashed in legend:
        dash = ' stroke-dasharray="5,3"' if dashed else ""
        mid = y + LEGEND_FONT * 0.6
        out.append(
            f'<line x1="{_fmt(MARGIN)}" y1="{_fmt(mid)}" x2="{_fmt(MARGIN + 30)}" '
            f'y2="{_fmt(mid)}" stroke="{color}" stroke-width="1.6"{dash}/>'
            f'<text class="legend" x="{_fmt(MARGIN + 40)}" y="{_fmt(y + LEGEND_FONT)}" '
            f'font-size="{_fmt(LEGEND_FONT)}" fill="#222222">{escape(words)}</text>'
        )
        y += LEGEND_FONT * 1.8
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _svg_id(key: str) -> str:
    return "n-" + "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in key)


def _dot_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render_dot(layout: Layout) -> str:
    """Graphviz DOT with the positions pinned (``neato -n2 -Tsvg`` draws qualcode's
    layout; ``dot`` lays it out anew)."""
    _w, height = layout.width, layout.height
    colors = _relation_colors(layout)
    out = [
        f"digraph {_dot_str(layout.data.title)} {{",
        f"  graph [label={_dot_str(layout.data.title)}, labelloc=t, "
        "overlap=false, splines=true, outputorder=edgesfirst];",
        '  node [shape=circle, style=filled, fixedsize=true, fontname="DejaVu Sans Mono", '
        'fontsize=10, xlabel=""];',
    ]
    for p in layout.placed:
        n = p.node
        size = 2 * p.r / 72
        out.append(
            f"  {_dot_str(n.key)} [label={_dot_str('')}, xlabel={_dot_str(n.label)}, "
            f"kind={_dot_str(n.kind)}, passages={n.passages}, "
            f'fillcolor="{n.color}", width={_fmt(size)}, '
            f'pos="{_fmt(p.x)},{_fmt(height - p.y)}!"];'
        )
    for e in layout.data.edges:
        attrs = [f"kind={_dot_str(e.kind)}"]
        if e.kind == "relation":
            attrs.append(f"label={_dot_str(e.label)}")
            attrs.append(f"type={_dot_str(e.type)}")
            attrs.append(f'color="{colors[e.type]}"')
            if not e.directed:
                attrs.append("dir=none, style=dashed")
        else:
            attrs.append(f'color="{EDGE_COLORS[e.kind]}", arrowhead=none')
        out.append(f"  {_dot_str(e.source)} -> {_dot_str(e.target)} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


GRAPHML_NODE_KEYS = (
    ("label", "string"),
    ("kind", "string"),
    ("passages", "int"),
    ("color", "string"),
    ("r", "int"),
    ("g", "int"),
    ("b", "int"),
    ("x", "double"),
    ("y", "double"),
    ("size", "double"),
    ("guid", "string"),
    ("theme", "string"),
)
"""Node data keys (attr.name = id): what Gephi, yEd and Cytoscape read by name."""

GRAPHML_EDGE_KEYS = (
    ("edge_kind", "kind", "string"),
    ("edge_label", "label", "string"),
    ("edge_type", "type", "string"),
    ("edge_directed", "directed", "boolean"),
    ("edge_memo", "memo", "string"),
)
"""Edge data keys: (id, attr.name, type)."""


def render_graphml(layout: Layout) -> str:
    """GraphML 1.0 with typed node and edge data (see :data:`GRAPHML_NODE_KEYS`)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ]
    for name, type_ in GRAPHML_NODE_KEYS:
        out.append(f'  <key id="{name}" for="node" attr.name="{name}" attr.type="{type_}"/>')
    for key, name, type_ in GRAPHML_EDGE_KEYS:
        out.append(f'  <key id="{key}" for="edge" attr.name="{name}" attr.type="{type_}"/>')
    out.append(f'  <graph id={quoteattr(layout.data.title)} edgedefault="directed">')
    index = {p.node.key: i for i, p in enumerate(layout.placed)}
    for p in layout.placed:
        n = p.node
        c = n.color.lstrip("#")
        values = {
            "label": n.label,
            "kind": n.kind,
            "passages": str(n.passages),
            "color": n.color,
            "r": str(int(c[0:2], 16)),
            "g": str(int(c[2:4], 16)),
            "b": str(int(c[4:6], 16)),
            "x": _fmt(p.x),
            "y": _fmt(p.y),
            "size": _fmt(2 * p.r),
            "guid": n.guid,
            "theme": n.theme or "",
        }
        out.append(f"    <node id={quoteattr(n.key)}>")
        for name, _type in GRAPHML_NODE_KEYS:
            out.append(f'      <data key="{name}">{escape(values[name])}</data>')
        out.append("    </node>")
    for i, e in enumerate(layout.data.edges):
        if e.source not in index or e.target not in index:
            continue
        out.append(
            f'    <edge id="e{i}" source={quoteattr(e.source)} target={quoteattr(e.target)} '
            f'directed="{"true" if e.directed and e.kind == "relation" else "false"}">'
        )
        values = {
            "edge_kind": e.kind,
            "edge_label": e.label,
            "edge_type": e.type,
            "edge_directed": "true" if e.directed and e.kind == "relation" else "false",
            "edge_memo": e.memo,
        }
        for key, _name, _type in GRAPHML_EDGE_KEYS:
            if values[key]:
                out.append(f'      <data key="{key}">{escape(values[key])}</data>')
        out.append("    </edge>")
    out.append("  </graph>")
    out.append("</graphml>")
    return "\n".join(out) + "\n"
