"""Themes, members, key extracts and relations in the store: one action each,
undo and redo, tombstones, and the counts the themes screen shows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from qualcode.core.thematic import Usage
from qualcode.core.themes import Node
from qualcode.errors import InputError, QualcodeError
from qualcode.services import themes as svc
from qualcode.store import Project
from tests.conftest import dump_db


def _actions(project: Project) -> int:
    return len(project.log.actions())


def test_a_theme_from_marked_codes_is_one_action_and_undoes_whole(
    matrix_project: Project,
) -> None:
    before = _actions(matrix_project)
    theme = svc.new_theme(
        matrix_project, {"id": "Menunggu", "en": "Waiting"}, ["time.long_wait", "Officer late"]
    )
    assert theme.id == "menunggu"
    assert theme.codes == ("time.long_wait", "time.late")
    assert theme.status == "candidate"
    assert _actions(matrix_project) == before + 1
    step = matrix_project.history.undo()
    assert step is not None
    assert len(matrix_project.themes.themes()) == 0
    matrix_project.history.redo()
    again = matrix_project.themes.theme("waiting")
    assert again.guid == theme.guid
    assert again.codes == ("time.long_wait", "time.late")


def test_names_resolve_by_id_or_label_in_either_language(matrix_project: Project) -> None:
    matrix_project.themes.add_theme({"id": "Biaya tinggi", "en": "High cost"}, codes=["Biaya"])
    assert matrix_project.themes.theme("HIGH COST").id == "biaya_tinggi"
    assert matrix_project.themes.theme("biaya tinggi").codes == ("cost",)
    matrix_project.themes.add_theme("High cost", theme_id="other")
    with pytest.raises(InputError) as err:
        matrix_project.themes.theme("high cost")
    assert str(err.value) == (
        "2 themes are named 'high cost': biaya_tinggi, other (name the theme by its id)"
    )
    with pytest.raises(InputError, match="unknown theme 'nothing'"):
        matrix_project.themes.theme("nothing")


def test_every_theme_edit_is_undone_and_redone(
    matrix_project: Project, matrix_guids: dict[str, str]
) -> None:
    p = matrix_project
    p.themes.add_theme("Waiting", codes=["time.long_wait"])
    p.themes.add_theme("Money", codes=["cost"])
    edits = [
        lambda: p.themes.rename_theme("waiting", "Menunggu", lang="id"),
        lambda: p.themes.define_theme("waiting", "Time lost before service."),
        lambda: p.themes.set_theme_status("waiting", "discarded", "too thin"),
        lambda: p.themes.move_theme("money", "waiting"),
        lambda: p.themes.add_theme_codes("waiting", ["time.late", "time"]),
        lambda: p.themes.remove_theme_codes("waiting", ["time.long_wait"]),
        lambda: p.themes.add_extracts("waiting", [matrix_guids["c2"], matrix_guids["c1"]]),
        lambda: p.themes.order_extracts("waiting", [matrix_guids["c1"]]),
        lambda: p.themes.add_extracts(
            "waiting", [matrix_guids["c1"]], translation="Two hours queueing."
        ),
        lambda: p.themes.remove_extracts("waiting", [matrix_guids["c2"]]),
        lambda: p.themes.add_relation("theme:money", "cost", "illustrates", memo="why"),
        lambda: p.themes.delete_theme("waiting"),
    ]
    for edit in edits:
        before_tree, before_rel = p.themes.themes(), p.themes.relations()
        edit()
        after_tree, after_rel = p.themes.themes(), p.themes.relations()
        assert (after_tree, after_rel) != (before_tree, before_rel)
        assert p.history.undo() is not None
        assert (p.themes.themes(), p.themes.relations()) == (before_tree, before_rel)
        assert p.history.redo() is not None
        assert (p.themes.themes(), p.themes.relations()) == (after_tree, after_rel)


def test_discarded_needs_a_reason_and_changes_nothing(matrix_project: Project) -> None:
    matrix_project.themes.add_theme("Waiting")
    before = matrix_project.themes.themes()
    n = _actions(matrix_project)
    with pytest.raises(InputError) as err:
        matrix_project.themes.set_theme_status("waiting", "discarded")
    assert str(err.value) == "a theme is discarded with a reason (say why: --reason TEXT)"
    with pytest.raises(InputError, match="unknown theme status 'done'"):
        matrix_project.themes.set_theme_status("waiting", "done")
    assert matrix_project.themes.themes() == before
    assert _actions(matrix_project) == n


def test_sub_themes_move_and_never_under_themselves(matrix_project: Project) -> None:
    p = matrix_project
    p.themes.add_theme("A")
    p.themes.add_theme("B", parent="a")
    p.themes.add_theme("C", parent="b")
    assert [(t.id, t.parent) for t in p.themes.themes()] == [("a", None), ("b", "a"), ("c", "b")]
    with pytest.raises(InputError, match="cannot move theme 'a' under its own sub-theme 'c'"):
        p.themes.move_theme("a", "c")
    p.themes.move_theme("c", None, position=0)
    assert [(t.id, t.parent, t.position) for t in p.themes.themes()] == [
        ("c", None, 0),
        ("a", None, 1),
        ("b", "a", 0),
    ]
    # deleting a theme moves its sub-themes up to its parent, in its place
    p.themes.delete_theme("a")
    assert [(t.id, t.parent, t.position) for t in p.themes.themes()] == [
        ("c", None, 0),
        ("b", None, 1),
    ]


def test_deletions_leave_tombstones(matrix_project: Project, matrix_guids: dict[str, str]) -> None:
    p = matrix_project
    theme = p.themes.add_theme("Waiting", codes=["time.late"])
    p.themes.add_extracts("waiting", [matrix_guids["c2"]])
    rel = p.themes.add_relation("theme:waiting", "cost", "leads_to")
    p.themes.delete_theme("waiting")
    con = sqlite3.connect(str(p.path))
    tombs = dict(con.execute("SELECT guid, kind FROM tombstones").fetchall())
    con.close()
    assert tombs[theme.guid] == "theme"
    assert tombs[rel.guid] == "relation"
    assert sorted(tombs.values()).count("theme_code") == 1
    assert sorted(tombs.values()).count("theme_extract") == 1


def test_a_code_merge_carries_its_memberships_and_a_delete_drops_them(
    matrix_project: Project,
) -> None:
    p = matrix_project
    p.themes.add_theme("Waiting", codes=["time.long_wait", "time.late"])
    p.themes.add_theme("Late", codes=["time.late"])
    p.codes.merge_code("time.late", "time.long_wait")
    assert p.themes.theme("waiting").codes == ("time.long_wait",)
    assert p.themes.theme("late").codes == ("time.long_wait",)
    p.history.undo()
    assert p.themes.theme("waiting").codes == ("time.long_wait", "time.late")
    from qualcode.core.codebook import Code

    p.codes.add_code(Code("spare", "Spare"))
    p.themes.add_theme_codes("late", ["spare"])
    p.codes.delete_code("spare")
    assert p.themes.theme("late").codes == ("time.late",)


def test_relations_resolve_every_kind_of_end(
    matrix_project: Project, matrix_guids: dict[str, str]
) -> None:
    p = matrix_project
    p.themes.add_theme("Waiting")
    c1 = matrix_guids["c1"]
    r1 = p.themes.add_relation(f"passage:{c1}", "theme:Waiting", "illustrates", memo="clear case")
    r2 = p.themes.add_relation("doc:d1", "Long wait", "is associated with")
    assert r1.source == Node("passage", c1, "Dua jam antre.")
    assert r1.target.kind == "theme" and r1.target.name == "waiting"
    assert r1.directed is True and r1.memo == "clear case"
    assert r2.type == "is_associated_with" and r2.directed is False
    assert r2.source.describe() == "document d1"
    assert [n.other.name for n in svc.follow(p, "theme:waiting")] == ["Dua jam antre."]
    assert [(n.other.name, n.outgoing) for n in svc.follow(p, "time.long_wait")] == [("d1", False)]
    p.themes.add_theme("time.late", theme_id="late_theme")
    cases = {
        "nothing": "no code or theme is named 'nothing'",
        "doc:nope": "no document named 'nope'",
        "passage:abc": "no passage (coding) with guid 'abc'",
        "theme:zzz": "unknown theme 'zzz'",
    }
    for spec, message in cases.items():
        with pytest.raises(QualcodeError) as err:
            p.themes.resolve_node(spec)
        assert str(err.value).startswith(message), spec
    with pytest.raises(InputError, match="unknown relation type 'causes'"):
        p.themes.add_relation("cost", "time", "causes")
    with pytest.raises(InputError, match="a relation joins two different things"):
        p.themes.add_relation("cost", "code:cost", "refines")


def test_overview_counts_exact(matrix_project: Project) -> None:
    p = matrix_project
    p.themes.add_theme("Waiting", codes=["time.long_wait"])
    p.themes.add_theme("Late", parent="waiting", codes=["time.late"])
    p.themes.add_theme("Money", codes=["cost"])
    view = svc.overview(p, lang="en")
    assert view.use_cases is True
    assert [(t.theme.id, t.depth, t.usage) for t in view.themes] == [
        ("waiting", 0, Usage(3, 1, 1)),
        ("late", 1, Usage(1, 1, 1)),
        ("money", 0, Usage(3, 2, 2)),
    ]
    codes = {c.id: (c.label, c.usage, c.themes) for c in view.codes}
    assert codes["time.long_wait"] == ("Long wait", Usage(2, 1, 1), ("waiting",))
    assert codes["cost"] == ("Cost", Usage(3, 2, 2), ("money",))
    assert codes["facilities.room"] == ("Room", Usage(1, 1, 1), ())
    assert view.no_theme == ("time", "facilities", "facilities.room")
    assert [c.id for c in svc.filter_codes(view.codes, "ro")] == ["facilities.room"]
    # the themes screen's participants per code: the overview's, for every code
    assert svc.code_participants(p) == {c.id: c.usage.participants for c in view.codes}
    assert svc.code_participants(p)["cost"] == 2
    assert [s.quote for s in svc.theme_passages(p, "waiting")] == [
        "Berapa lama antre?",
        "Dua jam antre.",
        "Petugas datang telat.",
    ]


def test_review_exact(matrix_project: Project, matrix_guids: dict[str, str]) -> None:
    p = matrix_project
    p.themes.add_theme("Waiting", codes=["time.long_wait", "time.late"])
    p.themes.add_theme("Money", codes=["cost", "time.late"])
    p.themes.add_extracts("waiting", [matrix_guids["c1"]])
    r = svc.review(p, by="attribute:gender")
    assert r.groups == ("f", "m")
    waiting, money = r.themes
    assert waiting.usage == Usage(3, 1, 1)
    assert waiting.cases == 1
    assert waiting.single_participant is True
    assert waiting.split == {"f": Usage(3, 1, 1)}
    assert waiting.codes_without_extract == ("time.late",)
    assert waiting.shared_codes == (("time.late", ("money",)),)
    assert waiting.cooccurring == (("time", 2),)
    assert money.usage == Usage(4, 2, 2)
    assert money.split == {"f": Usage(2, 1, 1), "m": Usage(2, 1, 1)}
    assert money.missing_extracts is True
    assert money.cooccurring == (("facilities.room", 1), ("time", 1))
    assert [c for c, _ in r.no_theme] == ["time", "facilities", "facilities.room"]
    with pytest.raises(InputError, match="no case attribute named 'age'"):
        svc.review(p, by="attribute:age")
    with pytest.raises(InputError, match="cannot split by 'case'"):
        svc.review(p, by="case")


def test_a_refused_write_leaves_the_file_unchanged(matrix_project: Project) -> None:
    matrix_project.themes.add_theme("Waiting")
    before = dump_db(Path(str(matrix_project.path)))
    for bad in (
        lambda: matrix_project.themes.add_theme("Again", theme_id="waiting"),
        lambda: matrix_project.themes.add_theme_codes("waiting", ["nope"]),
        lambda: matrix_project.themes.add_extracts("waiting", ["0000"]),
        lambda: matrix_project.themes.order_extracts("waiting", ["0000"]),
        lambda: matrix_project.themes.move_theme("waiting", "waiting"),
    ):
        with pytest.raises(QualcodeError):
            bad()
    assert dump_db(Path(str(matrix_project.path))) == before


def test_theme_memos(matrix_project: Project) -> None:
    matrix_project.themes.add_theme("Waiting")
    memo = matrix_project.memos.add_memo("theme", "Waiting", "the core of the study")
    assert memo.kind == "theme" and memo.target == "waiting"
    assert [m.text for m in matrix_project.memos.memos("theme")] == ["the core of the study"]


def test_the_relation_vocabulary_and_valence_travel_with_the_codebook_file(
    empty_project: Project, tmp_path: Path
) -> None:
    from qualcode.services.codebook import sync_codebook, write_back

    path = Path(str(empty_project.get_setting("codebook_path")))
    text = path.read_text(encoding="utf-8")
    assert "relations:" not in text
    assert [t.id for t in empty_project.themes.relation_types()][:2] == ["is_part_of", "leads_to"]
    assert empty_project.themes.code_valences()["time.late_letters"] == "negative"
    text = text.replace(
        "codes:\n",
        "relations:\n  - id: causes\n    label: {id: menyebabkan, en: causes}\n"
        "    direction: directed\ncodes:\n",
        1,
    )
    path.write_text(text, encoding="utf-8")
    sync_codebook(empty_project, backup=False)
    assert [(t.id, t.label_in("en")) for t in empty_project.themes.relation_types()] == [
        ("causes", "causes")
    ]
    empty_project.codes.update_code("time", valence="mixed")
    write_back(empty_project)
    written = path.read_text(encoding="utf-8")
    assert "relations:\n  - id: causes\n" in written
    assert '    key: "2"\n    valence: mixed\n' in written
    with pytest.raises(InputError, match="bad valence 'bad'"):
        empty_project.codes.update_code("time", valence="bad")


def test_codebook_merge_keeps_both_sides_relation_types_and_valences() -> None:
    from qualcode.core.codebook import Code, Codebook, RelationType
    from qualcode.core.codebook_merge import merge_codebooks

    base = Codebook((Code("a", "A"), Code("b", "B")))
    ours = Codebook(
        (Code("a", "A", valence="negative"), Code("b", "B")),
        relations=(RelationType("causes", "causes"),),
    )
    theirs = Codebook(
        (Code("a", "A"), Code("b", "B", valence="positive")),
        relations=(RelationType("blocks", "blocks", False),),
    )
    merged = merge_codebooks(ours, theirs, base).codebook
    assert (merged["a"].valence, merged["b"].valence) == ("negative", "positive")
    assert merged.relations is not None
    assert [t.id for t in merged.relations] == ["causes", "blocks"]
    clash = merge_codebooks(
        Codebook((Code("a", "A", valence="negative"),)),
        Codebook((Code("a", "A", valence="positive"),)),
        Codebook((Code("a", "A"),)),
    )
    assert [(c.code, c.field) for c in clash.conflicts] == [("a", "valence")]
