"""Themes as REFI-QDA Sets, relations as Links (issue 19, point 6): a qualcode round
trip keeps every theme, member, key extract, relation and memo, the file validates,
and other tools' sets of codes become themes, sets of documents are reported as
skipped, links become relations."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from qualcode import services
from qualcode.services.thematic_map import map_layout
from qualcode.store import Project, open_project
from tests.conftest import place_map_nodes
from tests.refi_files import (
    G_CODE_A,
    G_CODE_B,
    G_CODING,
    G_SOURCE,
    codes,
    project_xml,
    qdpx,
    schema,
    selection,
    source,
    users,
)
from tests.refi_files import TEXT as REFI_TEXT


def _analysed(p: Project, guids: dict[str, str]) -> None:
    p.codes.update_code("time.long_wait", valence="negative")
    p.themes.add_theme({"id": "Menunggu", "en": "Waiting"}, codes=["time.long_wait", "time.late"])
    p.themes.add_theme("Telat", parent="menunggu", codes=["time.late"])
    p.themes.add_theme({"en": "Cost", "id": "Biaya"}, theme_id="biaya", codes=["cost"])
    p.themes.set_theme_status("biaya", "discarded", "folded into waiting")
    p.themes.define_theme("menunggu", "Time lost before service.")
    p.themes.add_extracts("menunggu", [guids["c1"]], translation="Two hours of queueing.")
    p.themes.add_extracts("menunggu", [guids["c2"]])
    p.themes.add_relation(
        "theme:telat", "theme:menunggu", "leads_to", memo="late officers, long queues"
    )
    p.themes.add_relation(f"passage:{guids['c4']}", "theme:biaya", "illustrates")
    p.themes.add_relation("doc:d2", "code:cost", "is_associated_with")
    p.memos.add_memo("theme", "menunggu", "the core")


def _label(label: Any) -> Any:
    """A label with its languages in order (the first is the label's main language)."""
    return list(label.items()) if isinstance(label, dict) else label


def _snapshot(p: Project) -> dict[str, Any]:
    return {
        "themes": [
            (t.guid, t.id, _label(t.label), t.label_in("id"), t.label_in("en"), t.definition, t.status, t.reason, t.parent, t.codes,
             [(e.guid, e.coding, e.translation) for e in t.extracts])
            for t in p.themes.themes()
        ],
        "relations": [
            (r.guid, r.source, r.target, r.type, r.directed, r.memo) for r in p.themes.relations()
        ],
        "memos": [(m.kind, m.target, m.text) for m in p.memos.memos("theme")],
        "positions": {pl.node.key: (pl.x, pl.y) for pl in map_layout(p).placed},
    }  # fmt: skip


def test_a_qualcode_round_trip_keeps_every_theme_member_extract_and_relation(
    matrix_project: Project, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    _analysed(matrix_project, matrix_guids)
    place_map_nodes(
        matrix_project, {"theme:menunggu": (700.0, 500.0), "code:time.late": (80.5, 40.0)}
    )
    assert [_label(t.label) for t in matrix_project.themes.themes()][::2] == [
        [("id", "Menunggu"), ("en", "Waiting")],
        [("en", "Cost"), ("id", "Biaya")],
    ]
    out = tmp_path / "x.qdpx"
    services.export_qdpx(matrix_project, out)
    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde")
    schema("Project").validate(io.BytesIO(qde))
    text = qde.decode("utf-8")
    assert text.count("<Set ") == 3 and text.count("<MemberCode ") == 4
    assert text.count("<Link ") == 3
    assert 'direction="OneWay"' in text and 'direction="Associative"' in text
    fresh = open_project(str(tmp_path / "fresh.db"), create=True, coder="ana")
    try:
        report = services.import_refi(fresh, out)
        assert "themes: 3 in the file, 3 added, 0 matched, 0 skipped" in report.lines()
        assert "relations: 3 in the file, 3 added, 0 matched, 0 skipped" in report.lines()
        assert _snapshot(fresh) == _snapshot(matrix_project)
        # importing it again matches everything by guid and adds nothing
        again = services.import_refi(fresh, out)
        assert "themes: 3 in the file, 0 added, 3 matched (3 by guid), 0 skipped" in again.lines()
        assert _snapshot(fresh) == _snapshot(matrix_project)
    finally:
        fresh.close()


G_SET_CODES = "5e700000-0000-4000-8000-000000000001"
G_SET_DOCS = "5e700000-0000-4000-8000-000000000002"
G_LINK = "11700000-0000-4000-8000-000000000001"
G_LINK2 = "11700000-0000-4000-8000-000000000002"
G_LINK3 = "11700000-0000-4000-8000-000000000003"


def test_other_tools_sets_and_links(tmp_path: Path, empty_project: Project) -> None:
    extra = (
        "<Links>"
        f'<Link guid="{G_LINK}" name="causes" direction="OneWay" originGUID="{G_CODE_B}" '
        f'targetGUID="{G_CODE_A}"/>'
        f'<Link guid="{G_LINK2}" name="contradicts" direction="Associative" '
        f'originGUID="{G_CODING}" targetGUID="{G_SET_CODES}"/>'
        f'<Link guid="{G_LINK3}" name="x" originGUID="{G_SOURCE}" '
        'targetGUID="99990000-0000-4000-8000-000000000009"/>'
        "</Links><Sets>"
        f'<Set guid="{G_SET_CODES}" name="Pelayanan lambat"><Description>Slow service.'
        f'</Description><MemberCode targetGUID="{G_CODE_A}"/><MemberCode targetGUID="{G_CODE_B}"/>'
        f'</Set><Set guid="{G_SET_DOCS}" name="Interviews in May">'
        f'<MemberSource targetGUID="{G_SOURCE}"/></Set></Sets>'
    )
    body = users() + codes() + f"<Sources>{source(selection(13, 34))}</Sources>" + extra
    path = qdpx(
        tmp_path / "t.qdpx",
        {"project.qde": project_xml(body), f"sources/{G_SOURCE}.txt": REFI_TEXT.encode("utf-8")},
    )
    report = services.import_refi(empty_project, path)
    lines = report.lines()
    assert "themes: 2 in the file, 1 added, 0 matched, 1 skipped" in lines
    assert "relations: 3 in the file, 2 added, 0 matched, 1 skipped" in lines
    assert lines[-1] == "not imported: 1 documents or notes in sets"
    warnings = [w.message for w in report.warnings]
    assert (
        "set 'Interviews in May' holds documents or notes, not codes: skipped "
        "(a qualcode theme is a set of codes)"
    ) in warnings
    assert "link 'x': one of its ends is not in the project; skipped" in warnings
    (theme,) = empty_project.themes.themes()
    assert (theme.id, theme.label, theme.definition, theme.status) == (
        "pelayanan_lambat",
        "Pelayanan lambat",
        "Slow service.",
        "candidate",
    )
    assert len(theme.codes) == 2
    rel = {r.guid: r for r in empty_project.themes.relations()}
    # a type the vocabulary does not know: is_associated_with, the link's name kept
    assert (rel[G_LINK].type, rel[G_LINK].directed, rel[G_LINK].memo) == (
        "is_associated_with",
        True,
        "[causes]",
    )
    assert (rel[G_LINK2].source.kind, rel[G_LINK2].target.kind) == ("passage", "theme")
    assert (rel[G_LINK2].type, rel[G_LINK2].directed) == ("contradicts", False)
