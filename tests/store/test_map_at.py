"""``map --at DATE``: the map as it stood then, rebuilt from the action log (not from
the current tables), with the project changed at fixed clock times."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.services.thematic_map import map_state, parse_at
from qualcode.store import Project, open_project
from tests.conftest import place_map_nodes


@pytest.fixture
def history(matrix_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    """The matrix project changed on five days of May 2024 (clock fixed each time)."""
    p = open_project(str(matrix_path), coder="ana")

    def at(stamp: str) -> None:
        monkeypatch.setenv("QUALCODE_FAKE_NOW", stamp)

    at("2024-05-01T09:00:00Z")
    p.themes.add_theme({"id": "Menunggu", "en": "Waiting"}, codes=["time.long_wait"])
    at("2024-05-02T10:00:00Z")
    p.themes.add_theme_codes("menunggu", ["time.late"])
    p.themes.add_theme("Biaya", codes=["cost"])
    at("2024-05-03T11:00:00Z")
    p.themes.add_relation("theme:menunggu", "theme:biaya", "leads_to", memo="queues invite fees")
    p.themes.rename_theme("menunggu", "Antre", lang="id")
    place_map_nodes(p, {"theme:biaya": (500.0, 400.0)})
    at("2024-05-04T12:00:00Z")
    p.themes.delete_theme("biaya")
    p.themes.remove_theme_codes("menunggu", ["time.long_wait"])
    at("2024-05-05T13:00:00Z")
    p.history.undo()  # the code comes back into the theme
    yield p
    p.close()


def _shape(project: Project, when: str | None) -> tuple[list[str], list[str], list[str]]:
    data = map_state(project, at=when, lang="id").data
    return (
        [f"{n.key}={n.label}" for n in data.nodes],
        [f"{e.source}>{e.target}:{e.kind}{':' + e.type if e.type else ''}" for e in data.edges],
        sorted(data.positions),
    )


def test_the_map_at_each_day(history: Project) -> None:
    assert _shape(history, "2024-04-30") == ([], [], [])
    assert _shape(history, "2024-05-01") == (
        ["theme:menunggu=Menunggu", "code:time.long_wait=Antre lama"],
        ["theme:menunggu>code:time.long_wait:member"],
        [],
    )
    # the same day, an hour before the change: not yet there
    assert _shape(history, "2024-05-01T08:59:59Z")[0] == []
    assert _shape(history, "2024-05-02")[0] == [
        "theme:menunggu=Menunggu",
        "theme:biaya=Biaya",
        "code:time.long_wait=Antre lama",
        "code:time.late=Petugas telat",
        "code:cost=Biaya",
    ]
    nodes, edges, positions = _shape(history, "2024-05-03T11:00:00Z")
    assert nodes[0] == "theme:menunggu=Antre"
    assert "theme:menunggu>theme:biaya:relation:leads_to" in edges
    assert positions == ["theme:biaya"]
    # the theme deleted (its relation with it), a code taken out
    nodes, edges, _ = _shape(history, "2024-05-04")
    assert nodes == ["theme:menunggu=Antre", "code:time.late=Petugas telat"]
    assert edges == ["theme:menunggu>code:time.late:member"]
    # the undo is in the log too
    nodes, _, _ = _shape(history, "2024-05-05")
    assert sorted(nodes) == [
        "code:time.late=Petugas telat",
        "code:time.long_wait=Antre lama",
        "theme:menunggu=Antre",
    ]
    assert _shape(history, None)[0] == _shape(history, "2024-05-05")[0]


def test_the_past_is_rebuilt_from_the_log_not_the_tables(history: Project) -> None:
    # a row changed behind the log's back shows now, but not in the past
    import sqlite3

    path = history.path
    assert path is not None
    con = sqlite3.connect(path)
    con.execute("UPDATE themes SET label = '\"Tampered\"' WHERE id = 'menunggu'")
    con.commit()
    con.close()
    assert _shape(history, None)[0][0] == "theme:menunggu=Tampered"
    assert _shape(history, "2024-05-05")[0][0] == "theme:menunggu=Antre"


def test_node_sizes_count_the_codings_made_by_then(history: Project) -> None:
    now = {n.key: n.passages for n in map_state(history).data.nodes}
    then = {n.key: n.passages for n in map_state(history, at="2000-01-01").data.nodes}
    assert now["code:time.long_wait"] > 0
    assert then == {}


def test_parse_at() -> None:
    assert parse_at("2024-05-31") == "2024-05-31T23:59:59Z"
    assert parse_at("2024-05-31T14:30") == "2024-05-31T14:30:00Z"
    assert parse_at("2024-05-31 14:30:05") == "2024-05-31T14:30:05Z"
    assert parse_at("2024-05-31T14:30+07:00") == "2024-05-31T07:30:00Z"
    assert parse_at("2024-05-31T14:30:00Z") == "2024-05-31T14:30:00Z"


def test_cli_map_at(history: Project, tmp_path: Path) -> None:
    path = history.path
    out = tmp_path / "may2.graphml"
    result = CliRunner().invoke(
        cli, ["--project", str(path), "map", "-o", str(out), "--at", "2024-05-02"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"wrote {out}: 2 themes, 3 codes, 0 relations",
        "as it stood at 2024-05-02T23:59:59Z, rebuilt from 3 actions of the action log",
    ]
    bad = CliRunner().invoke(
        cli, ["--project", str(path), "map", "-o", str(out), "--at", "last tuesday"]
    )
    assert bad.exit_code != 0
    assert bad.output.strip().splitlines()[-1].startswith("error: cannot read the date")
