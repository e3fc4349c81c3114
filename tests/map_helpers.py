"""Shared by the thematic map tests: a generated large map and the SVG's text boxes
measured with the layout's own width estimate."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET

from qualcode.core.codebook import Code, Codebook
from qualcode.core.thematic_map import MapData, build_map, text_width
from qualcode.core.themes import Node, Relation, Theme, ThemeTree

SVG = "{http://www.w3.org/2000/svg}"

WORDS = (
    "antrean waktu tunggu lama petugas terlambat masuk loket surat tidak selesai SOP "
    "biaya pungutan resmi ruang sarana rusak ramah membantu informasi jelas alur berbelit "
    "Wartezeit überlang café naïve 東京 ṭuruq"
).split()


def label(rng: random.Random, lo: int, hi: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


def big_map(themes: int = 30, codes: int = 200, seed: int = 7) -> MapData:
    """``themes`` themes (a third of them sub-themes), ``codes`` codes spread over
    them (some in two themes), relations between themes and between codes."""
    rng = random.Random(seed)
    cb = Codebook(codes=tuple(Code(id=f"c{i:03d}", label=label(rng, 1, 6)) for i in range(codes)))
    tops = themes - themes // 3
    tree: list[Theme] = []
    for t in range(themes):
        parent = None if t < tops else f"t{rng.randrange(tops):02d}"
        members = tuple(f"c{i:03d}" for i in range(codes) if i % themes == t)
        if t % 5 == 0:
            members += (f"c{(t * 7 + 3) % codes:03d}",)
        tree.append(
            Theme(
                guid=f"g-t{t:02d}",
                id=f"t{t:02d}",
                label=label(rng, 1, 5),
                parent=parent,
                position=t,
                codes=members,
                status=("candidate", "reviewed", "final")[t % 3],
            )
        )
    relations = [
        Relation(
            guid=f"r{i}",
            source=Node("theme", f"g-t{rng.randrange(themes):02d}", ""),
            target=Node("theme", f"g-t{rng.randrange(themes):02d}", ""),
            type=("leads_to", "contradicts", "is_associated_with")[i % 3],
            directed=i % 3 == 0,
        )
        for i in range(20)
    ] + [
        Relation(
            guid=f"rc{i}",
            source=Node("code", f"g-c{rng.randrange(codes):03d}", ""),
            target=Node("code", f"g-c{rng.randrange(codes):03d}", ""),
            type="refines",
        )
        for i in range(15)
    ]
    passages = {f"c{i:03d}": rng.choice([0, 1, 3, 10, 50, 200]) for i in range(codes)}
    theme_passages = {f"t{t:02d}": rng.randrange(500) for t in range(themes)}
    return build_map(
        cb,
        ThemeTree(tuple(tree)),
        relations,
        passages,
        theme_passages,
        code_guids={f"c{i:03d}": f"g-c{i:03d}" for i in range(codes)},
    )


def svg_text_boxes(
    svg: str,
) -> tuple[tuple[float, float, float, float], list[tuple[str, tuple[float, float, float, float]]]]:
    """The viewBox and every ``<text>``'s box (x0, y0, x1, y1) from the SVG alone,
    with the layout's width estimate (ascent one font size, descent 0.3)."""
    root = ET.fromstring(svg)
    vb = tuple(float(v) for v in root.attrib["viewBox"].split())
    out = []
    for el in root.iter(f"{SVG}text"):
        text = el.text or ""
        x, y = float(el.attrib["x"]), float(el.attrib["y"])
        size = float(el.attrib["font-size"])
        w = text_width(text, size)
        anchor = el.attrib.get("text-anchor", "start")
        x0 = x - w / 2 if anchor == "middle" else x
        out.append((text, (x0, y - size, x0 + w, y + 0.3 * size)))
    return (vb[0], vb[1], vb[0] + vb[2], vb[1] + vb[3]), out
