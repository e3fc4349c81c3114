"""The theme commands (issue 19): exact words, one action each, undo, and one clear
line with a non-zero exit and the project unchanged for every bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcode.cli import cli
from tests.conftest import dump_content


def run(project: Path, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(
        cli, ["--project", str(project), "--coder", "ana", *args], prog_name="qualcode", input=stdin
    )


def ok(project: Path, *args: str) -> str:
    r = run(project, *args)
    assert r.exit_code == 0, r.output
    return r.stdout


def test_theme_lifecycle_in_the_researchers_words(
    matrix_path: Path, matrix_guids: dict[str, str]
) -> None:
    p = matrix_path
    assert ok(p, "theme", "add", "Menunggu", "--label", "en=Waiting", "--code", "Antre lama") == (
        "added theme 'Menunggu' (menunggu) with 'Antre lama'\n"
    )
    assert ok(p, "theme", "add", "Telat", "--parent", "waiting", "--code", "time.late") == (
        "added sub-theme of menunggu 'Telat' (telat) with 'Petugas telat'\n"
    )
    assert ok(p, "theme", "rename", "menunggu", "Waiting long", "--lang", "en") == (
        "renamed theme 'Waiting long' (menunggu)\n"
    )
    assert ok(p, "theme", "define", "MENUNGGU", "-") == "defined theme 'Menunggu' (menunggu)\n"
    assert ok(p, "theme", "status", "telat", "reviewed") == ("theme 'Telat' (telat) is reviewed\n")
    assert ok(p, "theme", "codes", "telat", "add", "Biaya", "cost") == (
        "added 'Biaya' to theme 'Telat' (telat)\n"
    )
    assert ok(p, "theme", "codes", "telat", "remove", "cost") == (
        "took 'Biaya' out of theme 'Telat' (telat)\n"
    )
    c1, c2 = matrix_guids["c1"], matrix_guids["c2"]
    assert ok(p, "theme", "extracts", "menunggu", "add", c1, c2) == (
        "theme 'Menunggu' (menunggu): 2 key extracts added\n"
    )
    assert ok(p, "theme", "extracts", "menunggu", "order", c2) == (
        "theme 'Menunggu' (menunggu): 2 key extracts in the new order\n"
    )
    assert ok(p, "theme", "move", "telat", "--top") == (
        "moved theme 'Telat' (telat) to the top level\n"
    )
    assert ok(p, "themes") == (
        "Menunggu (menunggu) [candidate] 2 passages, 1 document, 1 participant\n"
        "  codes: Antre lama\n"
        "  2 key extracts\n"
        "Telat (telat) [reviewed] 1 passage, 1 document, 1 participant\n"
        "  codes: Petugas telat\n"
        "codes in no theme: Waktu, Biaya, Sarana, Ruang\n"
    )
    data = json.loads(ok(p, "themes", "--json"))
    assert data[0]["id"] == "menunggu"
    assert data[0]["label"] == {"id": "Menunggu", "en": "Waiting long"}
    assert [e["coding"] for e in data[0]["extracts"]] == [c2, c1]
    assert (data[0]["passages"], data[0]["documents"], data[0]["participants"]) == (2, 1, 1)
    assert data[1]["status"] == "reviewed" and data[1]["parent"] is None
    assert ok(p, "theme", "delete", "telat") == "deleted theme 'Telat' (telat)\n"
    assert ok(p, "undo") == "undid: delete theme telat\n"
    assert [t["id"] for t in json.loads(ok(p, "themes", "--json"))] == ["menunggu", "telat"]


def test_relate_and_relations(matrix_path: Path, matrix_guids: dict[str, str]) -> None:
    p = matrix_path
    ok(p, "theme", "add", "Waiting")
    c1 = matrix_guids["c1"]
    assert ok(p, "relate", f"passage:{c1}", "theme:waiting", "--type", "illustrates") == (
        'related passage "Dua jam antre." -> theme waiting (mengilustrasikan)\n'
    )
    assert ok(p, "relate", "cost", "Time", "--type", "contradicts", "--memo", "why") == (
        "related code cost <-> code time (bertentangan dengan)\n"
    )
    assert ok(p, "relations") == (
        'passage "Dua jam antre." -> theme waiting (mengilustrasikan)\n'
        "code cost <-> code time (bertentangan dengan): why\n"
    )
    data = json.loads(ok(p, "relations", "--json"))
    assert data[1]["source"] == {"kind": "code", "guid": data[1]["source"]["guid"], "name": "cost"}
    assert (data[1]["type"], data[1]["directed"], data[1]["memo"]) == ("contradicts", False, "why")


def test_relation_delete_by_ends_or_guid_is_one_undoable_action(
    matrix_path: Path, matrix_guids: dict[str, str]
) -> None:
    p = matrix_path
    ok(p, "theme", "add", "Menunggu", "--id", "waiting")
    ok(p, "relate", "cost", "theme:waiting", "--type", "leads_to")
    ok(p, "relate", "cost", "theme:waiting", "--type", "contradicts", "--memo", "why")
    ok(p, "relate", f"passage:{matrix_guids['c1']}", "theme:waiting", "--type", "illustrates")
    before = dump_content(p)
    # an undirected relation is found either way round; --type picks one of several
    assert ok(p, "relations", "delete", "theme:waiting", "cost", "--type", "contradicts") == (
        "deleted the relation code cost <-> theme waiting (bertentangan dengan)\n"
    )
    assert ok(p, "relations") == (
        "code cost -> theme waiting (mengarah ke)\n"
        'passage "Dua jam antre." -> theme waiting (mengilustrasikan)\n'
    )
    assert ok(p, "undo") == (
        "undid: delete relation 'Biaya' <-> theme 'Menunggu' (bertentangan dengan)\n"
    )
    assert dump_content(p) == before
    assert ok(p, "redo") == (
        "redid: delete relation 'Biaya' <-> theme 'Menunggu' (bertentangan dengan)\n"
    )
    guid = json.loads(ok(p, "relations", "--json"))[1]["guid"]
    assert ok(p, "relations", "delete", guid[:8]) == (
        'deleted the relation passage "Dua jam antre." -> theme waiting (mengilustrasikan)\n'
    )
    assert ok(p, "relations") == "code cost -> theme waiting (mengarah ke)\n"
    from qualcode.store import open_project

    project = open_project(str(p), coder="ana")
    try:
        kinds = [a["kind"] for a in project.log.actions(3)]
    finally:
        project.close()
    assert kinds == ["relation.delete", "redo", "undo"]


def test_relation_undo_narration_names_both_ends_and_the_type(
    matrix_path: Path, matrix_guids: dict[str, str]
) -> None:
    from qualcode.services.narrate import describe
    from qualcode.store import open_project

    ok(matrix_path, "theme", "add", "Menunggu", "--id", "waiting")
    ok(matrix_path, "relate", "cost", "theme:waiting", "--type", "leads_to")
    ok(matrix_path, "relations", "delete", "cost", "waiting")
    project = open_project(str(matrix_path), coder="ana")
    try:
        step = project.history.undo()
        assert step is not None
        assert describe(project, step, "id") == (
            "undid: deleted the relation Biaya -> theme Menunggu (mengarah ke)"
        )
        step = project.history.undo()
        assert step is not None
        assert describe(project, step, "id") == (
            "undid: related Biaya -> theme Menunggu (mengarah ke)"
        )
    finally:
        project.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("theme", "status", "waiting", "discarded"), "error: a theme is discarded with a reason (say why: --reason TEXT)"),
        (("theme", "rename", "nope", "X"), "error: unknown theme 'nope' ('qualcode themes' lists the themes)"),
        (("theme", "codes", "waiting", "add", "Nope"), "error: unknown code 'Nope' ('qualcode codebook show' lists the codes)"),
        (("theme", "codes", "same", "add", "cost"), "error: 2 themes are named 'same': same_a, same_b (name the theme by its id)"),
        (("theme", "add", "X", "--id", "waiting"), "error: a theme with id 'waiting' already exists (choose another id)"),
        (("theme", "add", "X", "--id", "has space"), "error: bad theme id 'has space' (use letters, digits, '_', '-' and '.', no spaces)"),
        (("theme", "add", "X", "--label", "en"), "error: bad --label 'en' (write it as LANG=TEXT, e.g. --label en=Waiting)"),
        (("theme", "extracts", "waiting", "add", "0000"), "error: no passage (coding) with guid 0000 ('qualcode codings --json' shows each coding's guid)"),
        (("theme", "extracts", "waiting", "order", "0000"), "error: 0000 is not a key extract of this theme ('qualcode themes --json' lists each theme's extracts)"),
        (("theme", "move", "waiting", "--under", "waiting"), "error: cannot move theme 'waiting' under itself"),
        (("relate", "cost", "nothing", "--type", "leads_to"), "error: no code or theme is named 'nothing' ('qualcode codebook show' and 'qualcode themes' list them; write doc:NAME for a document, passage:GUID for a passage)"),
        (("relate", "cost", "time", "--type", "causes"), "error: unknown relation type 'causes' (use one of: is_part_of, leads_to, contradicts, is_associated_with, illustrates, refines)"),
        (("relate", "cost", "doc:d9", "--type", "leads_to"), "error: no document named 'd9' ('qualcode documents' lists them)"),
        (("relations", "delete", "0000"), "error: no relation '0000' (name it by its GUID from 'qualcode relations --json', or by its ends: 'qualcode relations delete A B [--type TYPE]')"),
        (("relations", "delete", "cost", "time"), "error: no relation between code cost and code time ('qualcode relations' lists them)"),
        (("relations", "delete", "cost", "theme:waiting"), "error: code cost and theme waiting have more than one relation: leads_to, refines (say which with --type TYPE, or give the GUID from 'qualcode relations --json')"),
        (("relations", "delete", "cost", "theme:waiting", "--type", "contradicts"), "error: no relation contradicts between code cost and theme waiting ('qualcode relations' lists them)"),
        (("relations", "delete", "nothing", "time"), "error: no code or theme is named 'nothing' ('qualcode codebook show' and 'qualcode themes' list them; write doc:NAME for a document, passage:GUID for a passage)"),
        (("theme", "review", "--by", "attribute:age"), "error: no case attribute named 'age' (the project's attributes: gender, occupation)"),
        (("scorecard", "--by", "speaker"), "error: cannot split by 'speaker' (use --by attribute:NAME (a case attribute such as occupation))"),
        (("scorecard", "--format", "xlsx"), "error: an xlsx file is written to a file, not the terminal (add -o FILE.xlsx)"),
        (("scorecard", "-o", "card.txt"), "error: cannot tell the format from 'card.txt' (pass --format md|csv|xlsx|json)"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_changes_nothing(
    matrix_path: Path, args: tuple[str, ...], message: str
) -> None:
    ok(matrix_path, "theme", "add", "Waiting")
    ok(matrix_path, "theme", "add", "Same", "--id", "same_a")
    ok(matrix_path, "theme", "add", "Same", "--id", "same_b")
    ok(matrix_path, "relate", "cost", "theme:waiting", "--type", "leads_to")
    ok(matrix_path, "relate", "cost", "theme:waiting", "--type", "refines")
    before = dump_content(matrix_path)
    r = run(matrix_path, *args)
    assert r.exit_code != 0
    assert r.stderr == message + "\n"
    assert r.stdout == ""
    assert dump_content(matrix_path) == before


def test_review_and_scorecard_go_to_stdout_or_a_file(matrix_path: Path, tmp_path: Path) -> None:
    ok(matrix_path, "theme", "add", "Waiting", "--code", "time.long_wait")
    md = ok(matrix_path, "theme", "review")
    assert md.startswith("# Theme review\n")
    csv_text = ok(matrix_path, "theme", "review", "--format", "csv")
    assert csv_text.splitlines()[1].startswith("waiting,Waiting,,candidate,2,1,1,1,")
    out = tmp_path / "card.xlsx"
    r = run(matrix_path, "scorecard", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert r.stderr == f"wrote {out}\n"
    assert out.read_bytes()[:2] == b"PK"
    data = json.loads(ok(matrix_path, "scorecard", "--format", "json", "--by", "attribute:gender"))
    assert data["kind"] == "scorecard"
    assert [(r["dimension"], r["group"]) for r in data["sheets"][0]["rows"]] == [
        (d, g) for d in ("time", "cost", "facilities") for g in ("f", "m")
    ]


def test_a_memo_on_a_theme(matrix_path: Path) -> None:
    ok(matrix_path, "theme", "add", "Menunggu", "--label", "en=Waiting")
    assert ok(matrix_path, "memo", "set", "--theme", "waiting", "the core") == (
        "memo set on the theme 'Menunggu' (menunggu)\n"
    )
    data = json.loads(ok(matrix_path, "memos", "--kind", "theme", "--json"))
    assert [(m["kind"], m["target"], m["text"]) for m in data] == [
        ("theme", "menunggu", "the core")
    ]
    assert ok(matrix_path, "undo") == "undid: memo on theme waiting\n"
