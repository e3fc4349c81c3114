"""The thematic map in REFI-QDA (issue 20, point 3): exported as a Graph with a
Vertex per node (its box centred on the node) and an Edge per line, valid against
the schema; a round trip keeps every position; another tool's graph places the
nodes it represents; a broken vertex is said and left out."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from qualcode import services
from qualcode.services.thematic_map import map_layout
from qualcode.store import Project, open_project
from tests.conftest import place_map_nodes
from tests.importers.test_refi_themes import _analysed
from tests.refi_files import (
    G_CODE_A,
    G_CODE_B,
    codes,
    project_xml,
    qdpx,
    schema,
    selection,
    source,
    users,
)


def _places(p: Project) -> dict[str, tuple[float, float]]:
    return {pl.node.key: (pl.x, pl.y) for pl in map_layout(p).placed}


def test_the_map_round_trips_as_a_graph_with_its_positions(
    matrix_project: Project, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    _analysed(matrix_project, matrix_guids)
    # one node placed by hand; the rest where qualcode lays them out
    place_map_nodes(matrix_project, {"theme:menunggu": (700.0, 500.0)})
    before = _places(matrix_project)
    assert before["theme:menunggu"] == (700.0, 500.0) or before["theme:menunggu"][0] > 0
    out = tmp_path / "x.qdpx"
    services.export_qdpx(matrix_project, out)
    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde")
    schema("Project").validate(io.BytesIO(qde))
    text = qde.decode("utf-8")
    assert text.count("<Graph ") == 1
    nodes = len(before)
    assert text.count("<Vertex ") == nodes
    assert 'shape="Oval"' in text
    fresh = open_project(str(tmp_path / "fresh.db"), create=True, coder="ana")
    try:
        report = services.import_refi(fresh, out)
        assert any(
            line.startswith(f"graph 'Thematic map': {nodes} vertices placed")
            for line in report.notes
        ), report.notes
        after = _places(fresh)
        assert set(after) == set(before)
        for key, (x, y) in before.items():
            assert abs(after[key][0] - round(x)) <= 0.5 and abs(after[key][1] - round(y)) <= 0.5, (
                key
            )
        # a second round trip changes nothing at all
        out2 = tmp_path / "y.qdpx"
        services.export_qdpx(fresh, out2)
        with zipfile.ZipFile(out2) as zf:
            qde2 = zf.read("project.qde").decode("utf-8")
        boxes = re.compile(r'<Vertex guid="([^"]+)"[^>]*? (firstX="[^/]*secondY="\d+")')
        assert sorted(boxes.findall(text)) == sorted(boxes.findall(qde2))
        assert len(boxes.findall(text)) == nodes
    finally:
        fresh.close()


G_GRAPH = "9a700000-0000-4000-8000-000000000001"


def test_another_tools_graph_places_the_codes_it_shows(
    tmp_path: Path, empty_project: Project
) -> None:
    extra = (
        "<Sets>"
        f'<Set guid="5e700000-0000-4000-8000-000000000001" name="Slow">'
        f'<MemberCode targetGUID="{G_CODE_A}"/><MemberCode targetGUID="{G_CODE_B}"/></Set>'
        f'</Sets><Graphs><Graph guid="{G_GRAPH}" name="Network 1">'
        f'<Vertex guid="9a700000-0000-4000-8000-000000000002" representedGUID="{G_CODE_A}" '
        'firstX="100" firstY="200" secondX="140" secondY="240"/>'
        f'<Vertex guid="9a700000-0000-4000-8000-000000000003" representedGUID="{G_CODE_B}" '
        'firstX="400" firstY="200"/>'
        '<Vertex guid="9a700000-0000-4000-8000-000000000004" name="a note" '
        'firstX="10" firstY="10"/>'
        '<Edge guid="9a700000-0000-4000-8000-000000000005" '
        'sourceVertex="9a700000-0000-4000-8000-000000000002" '
        'targetVertex="9a700000-0000-4000-8000-000000000003" direction="OneWay"/>'
        "</Graph></Graphs>"
    )
    body = users() + codes() + f"<Sources>{source(selection(13, 34))}</Sources>" + extra
    path = qdpx(tmp_path / "other.qdpx", {"project.qde": project_xml(body)})
    schema("Project").validate(io.BytesIO(zipfile.ZipFile(path).read("project.qde")))
    report = services.import_refi(empty_project, path)
    assert (
        "graph 'Network 1': 2 vertices placed on the thematic map; 1 stands for nothing in "
        "the project and was left out"
    ) in report.notes
    positions = empty_project.map.map_positions()
    assert sorted(positions.values()) == [(120.0, 220.0), (400.0, 200.0)]
