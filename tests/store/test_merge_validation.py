"""A project merge trusts nothing: hostile rows in the other project are refused,
reported, and never reach our codings, exports or linked YAML file."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.cli import cli
from qualcode.core.project_merge_check import sanitize, tombstone_honoured
from qualcode.store import open_project
from qualcode.store.project_merge import read_project
from tests.conftest import hypothesis_examples
from tests.pg import TEAM_DOCS, sqlite_copy

DOC = TEAM_DOCS[0].removesuffix(".txt")


def _pair(team_template: Path, tmp_path: Path) -> tuple[str, str]:
    ours = sqlite_copy(team_template, tmp_path / "ours")
    theirs = sqlite_copy(team_template, tmp_path / "theirs")
    return ours, theirs


def _raw(path: str, *statements: tuple[str, tuple[Any, ...]]) -> None:
    con = sqlite3.connect(path)  # foreign keys off: a hostile file obeys no constraint
    for sql, params in statements:
        con.execute(sql, params)
    con.commit()
    con.close()


def _doc_pk(path: str, name: str = DOC) -> int:
    con = sqlite3.connect(path)
    pk = con.execute("SELECT pk FROM documents WHERE name = ?", (name,)).fetchone()[0]
    con.close()
    return int(pk)


def _code_pk(path: str, code: str) -> int:
    con = sqlite3.connect(path)
    pk = con.execute("SELECT pk FROM codes WHERE id = ?", (code,)).fetchone()[0]
    con.close()
    return int(pk)


def _insert_coding(path: str, guid: str, start: Any, end: Any, **over: Any) -> None:
    values: dict[str, Any] = {
        "guid": guid,
        "document_pk": _doc_pk(path),
        "code_pk": _code_pk(path, "cost"),
        "start": start,
        "end": end,
        "coder": "budi",
        "created": "2026-01-01T00:00:00Z",
        "quote": "x",
        "memo": None,
        "origin": "manual",
        "status": "accepted",
        "review": "unreviewed",
        "reviewer": None,
        "reviewed_at": None,
        "anchor": "exact",
        "batch": None,
        "version": 1,
    }
    values.update(over)
    cols = ", ".join(f'"{k}"' for k in values)
    marks = ", ".join("?" for _ in values)
    _raw(path, (f"INSERT INTO codings ({cols}) VALUES ({marks})", tuple(values.values())))


def test_spans_outside_the_text_are_refused_and_reported(
    team_template: Path, tmp_path: Path
) -> None:
    ours, theirs = _pair(team_template, tmp_path)
    with open_project(theirs, coder="budi") as p:
        good, _ = p.codings.apply_coding(DOC, "time", 10, 20)
        length = len(p.documents.document(DOC).text)
    _insert_coding(theirs, "bad-negative", -50, 10, quote="Pewawancara")
    _insert_coding(theirs, "bad-huge", 5, 99999999)
    _insert_coding(theirs, "bad-reversed", 40, 30)
    _insert_coding(theirs, "bad-empty", 30, 30)
    _insert_coding(theirs, "bad-state", 1, 2, review="approved-by-me")
    _insert_coding(theirs, "bad-coder", 1, 2, coder="bu\ndi")
    _insert_coding(theirs, "bad-type", "one", 2)
    with open_project(ours) as p:
        report = p.merge.merge_from(read_project(theirs))
        codings = p.codings.codings(status=None)
    assert [c.guid for c in codings] == [good.guid]
    assert report.codings_added == 1
    d = repr(DOC)
    assert report.refused == [
        f"coding of 'cost' in {d} by 'budi' ('Pewawancara'): its span [-50:10] is empty or "
        f"outside the document (0..{length}); refused",
        f"coding of 'cost' in {d} by 'budi' ('x'): its span [5:99999999] is empty or outside "
        f"the document (0..{length}); refused",
        f"coding of 'cost' in {d} by 'budi' ('x'): its span [40:30] is empty or outside the "
        f"document (0..{length}); refused",
        f"coding of 'cost' in {d} by 'budi' ('x'): its span [30:30] is empty or outside the "
        f"document (0..{length}); refused",
        f"coding of 'cost' in {d} by 'budi' ('x'): unknown review 'approved-by-me'; refused",
        f"coding of 'cost' in {d} by 'bu\\ndi' ('x'): its coder 'bu\\ndi' holds a control "
        "character (U+000A); refused",
        f"coding of 'cost' in {d} by 'budi' ('x'): its span is not two whole numbers; refused",
    ]


def test_codings_of_unknown_codes_and_documents_are_refused(
    team_template: Path, tmp_path: Path
) -> None:
    ours, theirs = _pair(team_template, tmp_path)
    _insert_coding(theirs, "no-code", 1, 5, code_pk=9999)
    _insert_coding(theirs, "no-doc", 1, 5, document_pk=9999)
    with open_project(ours) as p:
        report = p.merge.merge_from(read_project(theirs))
        assert p.codings.codings(status=None) == []
    assert report.refused == [
        "1 coding in refused documents not added",
        "1 coding of a refused or unknown code not added",
    ]


def test_a_code_id_that_is_not_an_id_never_reaches_the_yaml(
    team_template: Path, tmp_path: Path
) -> None:
    ours, theirs = _pair(team_template, tmp_path)
    with open_project(theirs, coder="budi") as p:
        kept, _ = p.codings.apply_coding(DOC, "cost", 10, 20)
    # the case: their 'cost' (the same guid as ours) renamed to a path
    _raw(theirs, ("UPDATE codes SET id = '../../x y' WHERE id = 'cost'", ()))
    # a code of their own with a bad id, a bad alias and a bad colour
    _raw(
        theirs,
        (
            "INSERT INTO codes (guid, id, parent_pk, position, label, description, inclusion, "
            "exclusion, examples, color, key, rules, memo, created, version, codable) "
            "VALUES ('g-new', 'new code', NULL, 99, '\"New\"', '', '', '', '[]', NULL, NULL, "
            "NULL, '', 'x', 1, 1)",
            (),
        ),
        (
            "INSERT INTO codes (guid, id, parent_pk, position, label, description, inclusion, "
            "exclusion, examples, color, key, rules, memo, created, version, codable) "
            "VALUES ('g-red', 'reddish', NULL, 100, '\"Red\"', '', '', '', '[]', 'red', NULL, "
            "NULL, '', 'x', 1, 1)",
            (),
        ),
        (
            "INSERT INTO code_aliases (alias, code_pk) VALUES ('../etc', ?)",
            (_code_pk(theirs, "time"),),
        ),
    )
    folder = Path(ours).parent
    r = CliRunner().invoke(
        cli, ["--project", ours, "merge", theirs, "--no-backup"], prog_name="qualcode"
    )
    assert r.exit_code == 1, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "refused: alias '../etc' is not a valid id; refused" in r.stdout
    assert "refused: code 'new code': bad code id 'new code'; refused" in r.stdout
    assert "refused: code 'reddish': bad colour 'red' for code 'reddish'; refused" in r.stdout
    assert (
        "refused: their id '../../x y' of our code 'cost': not a valid id; not added as an alias"
        in r.stdout
    )
    assert r.stderr.endswith(
        "error: 4 incoming row(s) refused as invalid (listed above); the rest was merged\n"
    )
    # their coding of the renamed code still came in, by the code's guid
    with open_project(ours) as p:
        assert [c.guid for c in p.codings.codings()] == [kept.guid]
    v = CliRunner().invoke(
        cli, ["codebook", "validate", str(folder / "codebook.yaml")], prog_name="qualcode"
    )
    assert v.exit_code == 0, v.output
    assert "../" not in (folder / "codebook.yaml").read_text(encoding="utf-8")


def test_a_cycle_of_parents_is_refused(team_template: Path, tmp_path: Path) -> None:
    ours, theirs = _pair(team_template, tmp_path)
    for guid, cid in (("g-a", "loop_a"), ("g-b", "loop_b")):
        _raw(
            theirs,
            (
                "INSERT INTO codes (guid, id, parent_pk, position, label, description, "
                "inclusion, exclusion, examples, color, key, rules, memo, created, version, "
                "codable) VALUES (?, ?, NULL, 99, '\"L\"', '', '', '', '[]', NULL, NULL, NULL, "
                "'', 'x', 1, 1)",
                (guid, cid),
            ),
        )
    a, b = _code_pk(theirs, "loop_a"), _code_pk(theirs, "loop_b")
    _raw(
        theirs,
        ("UPDATE codes SET parent_pk = ? WHERE pk = ?", (b, a)),
        ("UPDATE codes SET parent_pk = ? WHERE pk = ?", (a, b)),
    )
    with open_project(ours) as p:
        report = p.merge.merge_from(read_project(theirs))
        assert p.codebook().get("loop_a") is None
    assert sorted(report.refused) == [
        "code 'loop_a': its parents go round in a circle; refused",
        "code 'loop_b': its parent 'loop_a' was refused; refused",
    ]


def test_a_forged_tombstone_does_not_delete_another_coders_coding(
    team_template: Path, tmp_path: Path
) -> None:
    ours, theirs = _pair(team_template, tmp_path)
    with open_project(ours, coder="budi") as p:
        budis, _ = p.codings.apply_coding(DOC, "cost", 100, 120)
        gone, _ = p.codings.apply_coding(DOC, "time", 10, 20)
    shutil.copyfile(ours, theirs)  # they have both codings
    with open_project(theirs, coder="budi") as p:
        p.codings.remove_coding(gone.guid)  # budi deletes his own: honoured
    _raw(  # ani forges a deletion of budi's coding
        theirs,
        (
            "INSERT INTO tombstones (guid, kind, deleted_at, coder) VALUES (?, 'coding', 'x', 'ani')",
            (budis.guid,),
        ),
        ("DELETE FROM codings WHERE guid = ?", (budis.guid,)),
    )
    with open_project(ours) as p:
        report = p.merge.merge_from(read_project(theirs))
        assert [c.guid for c in p.codings.codings()] == [budis.guid]
    assert report.codings_deleted == 1  # budi's own deletion
    words = budis.quote.split()
    shown = " ".join(words[:6]) + ("…" if len(words) > 6 else "")
    assert report.refused == [
        f"deletion by 'ani' of 'budi''s coding in {DOC!r} ({shown!r}) not honoured "
        "(a coder deletes only their own codings)"
    ]


def test_the_tombstone_rule() -> None:
    coding = {"coder": "budi", "status": "accepted", "run_by": None}
    assert tombstone_honoured({"coder": "budi"}, coding, set())
    assert not tombstone_honoured({"coder": "ani"}, coding, set())
    suggestion = {"coder": "rules", "status": "suggested", "run_by": "budi"}
    assert tombstone_honoured({"coder": "budi"}, suggestion, set())
    assert not tombstone_honoured({"coder": "ani"}, suggestion, set())
    legacy = {"coder": "rules", "status": "suggested", "run_by": None}
    assert tombstone_honoured({"coder": "ani"}, legacy, set())
    consensus = {"coder": "consensus", "status": "accepted", "run_by": None}
    assert tombstone_honoured({"coder": "sri"}, consensus, {"consensus"})
    assert not tombstone_honoured({"coder": "sri"}, consensus, set())


def test_a_document_whose_structure_lies_is_refused_with_its_codings(
    team_template: Path, tmp_path: Path
) -> None:
    ours = sqlite_copy(team_template, tmp_path / "ours")
    with open_project(ours) as p:
        p.merge.merge_from(read_project(str(team_template)))  # nothing new
    theirs = sqlite_copy(team_template, tmp_path / "theirs")
    pk = _doc_pk(theirs)
    _raw(
        theirs,
        ("UPDATE documents SET text = text || ' tambahan', name = 'lain' WHERE pk = ?", (pk,)),
        ('UPDATE sentences SET "end" = 999999 WHERE document_pk = ? AND ordinal = 3', (pk,)),
    )
    con = sqlite3.connect(theirs)
    code = con.execute("SELECT pk FROM codes WHERE id = 'cost'").fetchone()[0]
    con.close()
    _raw(
        theirs,
        (
            'INSERT INTO codings (guid, document_pk, code_pk, start, "end", coder, created, '
            "quote, origin, status, review, anchor, version) VALUES ('on-bad-doc', ?, ?, 1, 5, "
            "'budi', 'x', 'x', 'manual', 'accepted', 'unreviewed', 'exact', 1)",
            (pk, code),
        ),
    )
    with open_project(ours) as p:
        report = p.merge.merge_from(read_project(theirs))
        assert "lain" not in p.documents.document_names()
    n = len(_text(team_template)) + len(" tambahan")
    assert report.refused[0] == (
        f"document 'lain': its sentence 3 [49:999999] is outside its text (0..{n}) or "
        "repeated; refused with everything in it"
    )
    assert report.refused[1] == "1 coding in refused documents not added"


def _text(template: Path) -> str:
    con = sqlite3.connect(template)
    text = con.execute("SELECT text FROM documents WHERE name = ?", (DOC,)).fetchone()[0]
    con.close()
    return str(text)


def test_a_lying_hash_is_computed_again(team_template: Path, tmp_path: Path) -> None:
    """A document claiming another's hash is not matched to it (its codings would land
    on the wrong text)."""
    ours, theirs = _pair(team_template, tmp_path)
    con = sqlite3.connect(theirs)
    real = con.execute("SELECT sha256 FROM documents WHERE name = ?", (DOC,)).fetchone()[0]
    con.close()
    other = TEAM_DOCS[1].removesuffix(".txt")
    _raw(
        theirs,
        ("UPDATE documents SET sha256 = ?, name = 'impostor' WHERE name = ?", (real, other)),
    )
    with open_project(ours) as p:
        report = p.merge.merge_from(read_project(theirs))
    # matched by its true content to our document of that text, not to DOC's
    assert sorted(report.documents_same) == sorted(["impostor", DOC])
    assert report.documents_added == [] and report.documents_reanchored == []


# ---------------------------------------------------------------------- properties

hostile_int = st.one_of(st.integers(-(2**40), 2**40), st.sampled_from([0, 1, -1, 2**31, 10**12]))
hostile_text = st.text(min_size=0, max_size=12)


@settings(
    derandomize=True,
    deadline=None,
    max_examples=hypothesis_examples(60),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.tuples(
            hostile_int, hostile_int, hostile_text, st.sampled_from(["accepted", "suggested", "x"])
        ),
        min_size=1,
        max_size=8,
    )
)
def test_whatever_comes_in_every_coding_merged_fits_its_text(
    team_template: Path, rows: list[tuple[int, int, str, str]]
) -> None:
    """Pure check: sanitize lets through only codings inside their text."""
    con = sqlite3.connect(team_template)
    con.row_factory = sqlite3.Row
    tables = {
        t: [dict(r) for r in con.execute(f'SELECT * FROM "{t}"')]
        for t in ("documents", "turns", "sentences", "codes", "code_aliases")
    }
    con.close()
    doc = tables["documents"][0]
    code = tables["codes"][0]
    tables["codings"] = [
        {
            "guid": f"g{i}",
            "document_pk": doc["pk"],
            "code_pk": code["pk"],
            "start": s,
            "end": e,
            "coder": coder,
            "created": "x",
            "quote": "",
            "memo": None,
            "origin": "manual",
            "status": status,
            "review": "unreviewed",
            "reviewer": None,
            "reviewed_at": None,
            "anchor": "exact",
            "batch": None,
            "version": 1,
            "run_by": None,
        }
        for i, (s, e, coder, status) in enumerate(rows)
    ]
    checked = sanitize(tables, lambda row, aliases: None)
    n = len(doc["text"])
    for c in checked.rows["codings"]:
        assert 0 <= c["start"] < c["end"] <= n
        assert c["coder"].strip() and all(ord(ch) >= 32 for ch in c["coder"])
    assert len(checked.rows["codings"]) + sum(
        1 for r in checked.refused if r.startswith("coding of")
    ) == len(rows)


@pytest.mark.parametrize("bad", ["{not json", "[1, 2", ""])
def test_unreadable_code_fields_are_refused(team_template: Path, tmp_path: Path, bad: str) -> None:
    ours, theirs = _pair(team_template, tmp_path)
    _raw(
        theirs,
        (
            "INSERT INTO codes (guid, id, parent_pk, position, label, description, inclusion, "
            "exclusion, examples, color, key, rules, memo, created, version, codable) "
            "VALUES ('g-j', 'json_bomb', NULL, 99, ?, '', '', '', '[]', NULL, NULL, NULL, '', "
            "'x', 1, 1)",
            (bad,),
        ),
    )
    with open_project(ours) as p:
        report = p.merge.merge_from(read_project(theirs))
        assert p.codebook().get("json_bomb") is None
    assert len(report.refused) == 1
    assert report.refused[0].startswith("code 'json_bomb': ")
