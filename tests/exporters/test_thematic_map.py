"""The demo project's thematic map as SVG, DOT and GraphML (golden files), the
GraphML read back as XML with the keys Gephi, yEd and Cytoscape read, and
``qualcode map``'s refusals."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode import services
from qualcode.cli import cli
from qualcode.clock import reset_fake_guids
from qualcode.services.thematic_map import map_layout, render_map, render_map_svg
from qualcode.store import Project, open_project
from tests.map_helpers import svg_text_boxes

GML = "{http://graphml.graphdrawing.org/xmlns}"
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project with its thematic analysis, built with fixed GUIDs."""
    mp = pytest.MonkeyPatch()
    mp.setenv("QUALCODE_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    mp.setenv("QUALCODE_FAKE_NOW", "2026-01-15T09:30:00Z")
    mp.setenv("QUALCODE_FAKE_GUIDS", "map-demo")
    reset_fake_guids()
    try:
        return services.build_demo()
    finally:
        mp.undo()


@pytest.fixture
def demo_map(demo_db: Path) -> Iterator[Project]:
    project = open_project(str(demo_db))
    yield project
    project.close()


@pytest.mark.parametrize("fmt", ["svg", "dot", "graphml"])
def test_demo_map_golden(demo_map: Project, fmt: str, golden: Callable[[str, str], None]) -> None:
    text = render_map(map_layout(demo_map, lang="id"), fmt)
    golden(f"demo-map.{fmt}", _stable(text))


def _stable(text: str) -> str:
    """GUIDs (codings get time-based ones) as <guid-N>, by first appearance."""
    found: dict[str, str] = {}

    def name(m: re.Match[str]) -> str:
        return found.setdefault(m.group(0), f"guid-{len(found) + 1}")

    return GUID.sub(name, text)


def test_demo_svg_is_self_contained_and_nothing_overlaps(demo_map: Project) -> None:
    svg = render_map_svg(demo_map)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.attrib["viewBox"].startswith("0 0 ")
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Thematic map"  # type: ignore[union-attr]
    for bad in ("<script", "<image", "href=", "@import", "url(http"):
        assert bad not in svg
    (vx0, vy0, vx1, vy1), boxes = svg_text_boxes(svg)
    labels = [t for t, _ in boxes]
    assert "Waktu warga yang terbuang" in labels  # a theme
    assert "Antrean dan waktu tunggu lama" in labels  # a code
    assert "Dokumen yang salah" not in labels  # discarded
    for _t, (x0, y0, x1, y1) in boxes:
        assert vx0 <= x0 and x1 <= vx1 and vy0 <= y0 and y1 <= vy1
    for i, (_a, a) in enumerate(boxes):
        for _b, b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def test_graphml_is_xml_with_the_expected_keys(demo_map: Project) -> None:
    root = ET.fromstring(render_map(map_layout(demo_map), "graphml"))
    keys = {
        (k.attrib["for"], k.attrib["attr.name"]): k.attrib["attr.type"]
        for k in root.iter(f"{GML}key")
    }
    for name, type_ in (
        ("label", "string"),
        ("kind", "string"),
        ("passages", "int"),
        ("color", "string"),
        ("x", "double"),
        ("y", "double"),
        ("size", "double"),
    ):
        assert keys[("node", name)] == type_
    for name in ("kind", "label", "type", "directed"):
        assert ("edge", name) in keys
    graph = root.find(f"{GML}graph")
    assert graph is not None
    nodes = graph.findall(f"{GML}node")
    ids = {n.attrib["id"] for n in nodes}
    for e in graph.findall(f"{GML}edge"):
        assert e.attrib["source"] in ids and e.attrib["target"] in ids
    by_key = {
        n.attrib["id"]: {d.attrib["key"]: d.text for d in n.findall(f"{GML}data")} for n in nodes
    }
    time_lost = by_key["theme:time_lost"]
    assert time_lost["kind"] == "theme"
    assert time_lost["passages"] == "60"
    assert float(time_lost["x"] or 0) > 0 and float(time_lost["y"] or 0) > 0


def test_themes_limit_the_map(demo_map: Project) -> None:
    laid = map_layout(demo_map, themes=["Waktu warga yang terbuang"])
    kinds = sorted((p.node.kind, p.node.id) for p in laid.placed if p.node.kind == "theme")
    assert kinds == [("theme", "nobody_at_the_desk"), ("theme", "time_lost")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "map.png"], "error: cannot write a map as 'map.png'"),
        (["-o", "map.svg", "--themes", "nope"], "error: unknown theme 'nope'"),
        (["-o", "map.svg", "--themes", ","], "error: --themes names no theme"),
        (["-o", "no/such/folder/map.svg"], "error: "),
        (["-o", "map.svg", "--at", "2024-13-45"], "error: cannot read the date '2024-13-45'"),
    ],
)
def test_map_refusals(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--project", str(demo_db), "map", *args])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir())
