"""Coders, done marks, the blind view, agreement from a project, and adjudication."""

from __future__ import annotations

from pathlib import Path

import krippendorff
import numpy as np
import pytest

from qualcode.errors import InputError, NotFoundError, ProjectError
from qualcode.store import Project, open_project
from tests.conftest import dump_db

DOC = "wawancara_01_pedagang_pasar"
GURU = "wawancara_06_guru"


def as_coder(demo_dir: Path, coder: str, *, blind: bool = False) -> Project:
    return open_project(str(demo_dir), coder=coder, blind=blind)


def code(
    demo_dir: Path, coder: str, spans: list[tuple[str, str, int, int]], done: list[str]
) -> None:
    p = as_coder(demo_dir, coder)
    try:
        for doc, c, s, e in spans:
            p.codings.apply_coding(doc, c, s, e)
        for doc in done:
            p.team.mark_done(doc)
    finally:
        p.close()


def test_done_marks_per_coder(demo_dir: Path) -> None:
    code(demo_dir, "ani", [], [DOC, GURU])
    code(demo_dir, "budi", [], [DOC])
    p = as_coder(demo_dir, "budi")
    try:
        assert p.team.done_marks() == {DOC: {"ani", "budi"}, GURU: {"ani"}}
        p.team.mark_done(DOC, done=False)
        assert p.team.done_marks() == {DOC: {"ani"}, GURU: {"ani"}}
        p.team.mark_done(DOC, done=False)  # nothing to change: no action
        kinds = [a["kind"] for a in p.log.actions(5)]
        assert kinds[:2] == ["team.done", "team.done"]
        with pytest.raises(NotFoundError):
            p.team.mark_done("nope")
        members = {m.name: m for m in p.team.team_members()}
        assert members["ani"].done == (DOC, GURU)
    finally:
        p.close()


def expanded(
    project: Project, coders: list[str], code_id: str, docs: list[str]
) -> list[list[float]]:
    """Characters as units, built straight from the codings (the obvious way)."""
    rows: list[list[float]] = []
    codings = project.codings.codings(code=code_id)
    for name in docs:
        n = len(project.documents.document(name).text)
        for i in range(n):
            rows.append(
                [
                    float(
                        any(
                            c.doc == name and c.coder == who and c.start <= i < c.end
                            for c in codings
                        )
                    )
                    for who in coders
                ]
            )
    return rows


def test_agreement_from_a_project_equals_the_krippendorff_package(demo_dir: Path) -> None:
    code(
        demo_dir,
        "ani",
        [(DOC, "cost", 100, 400), (DOC, "time", 500, 700), (GURU, "cost", 0, 50)],
        [DOC, GURU],
    )
    code(demo_dir, "budi", [(DOC, "cost", 150, 420), (GURU, "time", 10, 90)], [DOC, GURU])
    code(
        demo_dir, "citra", [(DOC, "cost", 100, 400), (GURU, "cost", 0, 60)], [DOC]
    )  # GURU not done
    p = open_project(str(demo_dir))
    try:
        report = p.team.agreement(["ani", "budi"], unit="char")
        assert report.documents == (DOC, GURU)
        assert [r.code for r in report.codes] == ["time", "cost"]  # codebook order
        rows = expanded(p, ["ani", "budi"], "cost", [DOC, GURU])
        data = np.array(rows).T
        cost = report.codes[1]
        assert cost.units == len(rows)
        assert (
            abs(
                (cost.alpha or 0)
                - krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
            )
            < 1e-9
        )
        a, b = data
        p_o = float(np.mean(a == b))
        p_e = float(np.mean(a) * np.mean(b) + (1 - np.mean(a)) * (1 - np.mean(b)))
        assert abs((cost.kappa or 0) - (p_o - p_e) / (1 - p_e)) < 1e-9
        assert abs((cost.percent or 0) - p_o) < 1e-12
        # three coders, citra has not finished GURU: missing data there
        three = p.team.agreement(["ani", "budi", "citra"], unit="char", codes=["cost"])
        rows3 = expanded(p, ["ani", "budi", "citra"], "cost", [DOC, GURU])
        n_doc = len(p.documents.document(DOC).text)
        for row in rows3[n_doc:]:
            row[2] = np.nan
        ref = krippendorff.alpha(reliability_data=np.array(rows3).T, level_of_measurement="nominal")
        assert abs((three.codes[0].alpha or 0) - ref) < 1e-9
        assert three.codes[0].kappa is None
    finally:
        p.close()


@pytest.mark.parametrize("unit", ["sentence", "turn", "document"])
def test_agreement_on_sentences_turns_and_documents(demo_dir: Path, unit: str) -> None:
    p = open_project(str(demo_dir))
    doc = p.documents.document(DOC)
    p.close()
    s3, s7 = doc.sentences[2], doc.sentences[6]
    code(demo_dir, "ani", [(DOC, "cost", s3.start, s3.end)], [DOC])
    code(
        demo_dir,
        "budi",
        [(DOC, "cost", s3.start + 2, s3.start + 5), (DOC, "cost", s7.start, s7.end)],
        [DOC],
    )
    p = open_project(str(demo_dir))
    try:
        report = p.team.agreement(["ani", "budi"], unit=unit)
    finally:
        p.close()
    row = report.codes[0]
    if unit == "sentence":
        n = len(doc.sentences)
        assert row.units == n
        assert abs((row.percent or 0) - (n - 1) / n) < 1e-12
        assert [(d.unit, d.values) for d in report.disagreements] == [(7, (False, True))]
    elif unit == "turn":
        assert row.units == len(doc.turns)
        t3, t7 = doc.turn_at(s3.start), doc.turn_at(s7.start)
        assert t3 is not None and t7 is not None
        expected = 0 if t3.number == t7.number else 1
        assert len(report.disagreements) == expected
    else:
        assert row.units == 1
        assert row.percent == 1.0 and report.disagreements == ()


def test_agreement_refuses_what_it_cannot_compute(demo_dir: Path) -> None:
    code(demo_dir, "ani", [(DOC, "cost", 0, 10)], [DOC])
    code(demo_dir, "budi", [(DOC, "cost", 0, 10)], [])
    p = open_project(str(demo_dir))
    try:
        with pytest.raises(InputError, match="no document is marked done by two of ani, budi"):
            p.team.agreement(["ani", "budi"])
        with pytest.raises(NotFoundError, match="no coder named 'zed'"):
            p.team.agreement(["ani", "zed"])
        with pytest.raises(InputError, match="two coders or more"):
            p.team.agreement(["ani", "ani"])
        with pytest.raises(InputError, match="unknown unit"):
            p.team.agreement(["ani", "budi"], unit="word")
        report = p.team.agreement(["ani", "budi"], include_unfinished=True)
        assert report.documents == tuple(sorted(p.documents.document_names()))
        with pytest.raises(NotFoundError, match="unknown code"):
            p.team.agreement(["ani", "budi"], codes=["nope"], include_unfinished=True)
    finally:
        p.close()


def test_adjudication_builds_a_consensus_coder(demo_dir: Path) -> None:
    code(
        demo_dir,
        "ani",
        [(DOC, "cost", 0, 50), (DOC, "time", 100, 150), (DOC, "procedure", 300, 320)],
        [DOC],
    )
    code(
        demo_dir,
        "budi",
        [(DOC, "cost", 10, 60), (DOC, "time", 100, 150), (DOC, "competence", 400, 420)],
        [DOC],
    )
    p = as_coder(demo_dir, "sri")
    try:
        comparison = p.team.compare(DOC, "ani", "budi")
        assert comparison.agreed == (("time", 100, 150),)
        assert [
            (c.code, [(s.start, s.end) for s in c.a], [(s.start, s.end) for s in c.b])
            for c in comparison.clusters
        ] == [
            ("cost", [(0, 50)], [(10, 60)]),
            ("procedure", [(300, 320)], []),
            ("competence", [], [(400, 420)]),
        ]
        assert comparison.undecided == 3
        after = p.team.adjudicate(DOC, "ani", "budi", {1: "b", 2: "neither"})
        assert after.undecided == 1
        got = {(c.code, c.start, c.end) for c in p.codings.codings(coder="consensus")}
        assert got == {("time", 100, 150), ("cost", 10, 60)}
        # changing one's mind removes the old consensus coding (leaving a tombstone)
        after = p.team.adjudicate(DOC, "ani", "budi", {1: "both", 3: "b"})
        got = {(c.code, c.start, c.end) for c in p.codings.codings(coder="consensus")}
        assert got == {
            ("time", 100, 150),
            ("cost", 0, 50),
            ("cost", 10, 60),
            ("competence", 400, 420),
        }
        assert after.undecided == 0
        assert [c.decision for c in p.team.compare(DOC, "ani", "budi").clusters] == [
            "both",
            "neither",
            "b",
        ]
        members = {m.name: m.role for m in p.team.team_members()}
        assert members["consensus"] == "consensus"
    finally:
        p.close()


def test_adjudication_bad_input_changes_nothing(demo_dir: Path) -> None:
    code(demo_dir, "ani", [(DOC, "cost", 0, 50)], [DOC])
    code(demo_dir, "budi", [(DOC, "cost", 10, 60)], [DOC])
    before = dump_db(demo_dir / "qualcode.db")
    p = as_coder(demo_dir, "sri")
    try:
        with pytest.raises(InputError, match="no disagreement 5"):
            p.team.adjudicate(DOC, "ani", "budi", {5: "a"})
        with pytest.raises(InputError, match="unknown decision 'maybe'"):
            p.team.adjudicate(DOC, "ani", "budi", {1: "maybe"})
        with pytest.raises(InputError, match="cannot be 'ani'"):
            p.team.adjudicate(DOC, "ani", "budi", {1: "a"}, consensus="ani")
        with pytest.raises(InputError, match="two different coders"):
            p.team.compare(DOC, "ani", "ani")
    finally:
        p.close()
    assert dump_db(demo_dir / "qualcode.db") == before


def test_blind_view_shows_only_ones_own_codings(demo_dir: Path) -> None:
    code(demo_dir, "ani", [(DOC, "cost", 0, 50)], [])
    code(demo_dir, "budi", [(DOC, "time", 10, 60)], [])
    blind = as_coder(demo_dir, "ani", blind=True)
    try:
        assert [c.coder for c in blind.codings.codings()] == ["ani"]
        assert blind.codebook_sync.code_counts()["time"].codings == 0
        assert {d.name: d.codings for d in blind.documents.documents()}[DOC] == 1
        assert blind.matrices.frequency().total() == 1
        with pytest.raises(ProjectError, match="blind coding is on"):
            blind.codings.codings(coder="budi")
    finally:
        blind.close()
    owner = as_coder(demo_dir, "lead")
    owner.team.add_coder("sri", supervisor=True)
    owner.team.add_coder("ani")
    owner.team.set_blind(True)
    owner.close()
    ani = as_coder(demo_dir, "ani")
    assert ani.team.is_blind() and [c.coder for c in ani.codings.codings()] == ["ani"]
    ani.close()
    sri = as_coder(demo_dir, "sri")
    assert not sri.team.is_blind() and len(sri.codings.codings()) == 2
    sri.close()


def test_add_coder_on_sqlite_registers_the_role(demo_dir: Path) -> None:
    p = open_project(str(demo_dir))
    try:
        assert p.team.add_coder("ani") is None
        p.team.add_coder("sri", supervisor=True)
        assert p.team.coder_role("sri") == "supervisor"
        assert p.team.coder_role("ani") == "coder"
        with pytest.raises(InputError, match="cannot be a coder's name"):
            p.team.add_coder("bad name!")
        assert [m.name for m in p.team.team_members()] == ["ani", "sri"]
    finally:
        p.close()
