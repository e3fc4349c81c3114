"""Codebook diff keyed by id: added, removed, renamed, relabelled, moved, changed fields."""

from __future__ import annotations

from qualcode.core.diff import FieldChange, diff_codebooks
from qualcode.importers.codebook_yaml import load_codebook
from tests.conftest import CODEBOOK, codebook_from_text

OLD = """
version: 1
name: Study
languages: [id, en]
codes:
  - id: time
    label: {id: Waktu, en: Time}
    color: "#111111"
    key: "1"
    rules: {keywords: {id: [lama]}}
    children:
      - id: time.wait
        label: {id: Menunggu, en: Waiting}
      - id: time.late
        label: {id: Terlambat, en: Late}
  - id: cost
    label: Biaya
    description: Fees.
  - id: product
    label: Produk
"""

NEW = """
version: 1
name: Study (v2)
languages: [id, en]
codes:
  - id: time
    label: {id: Waktu penyelesaian, en: Time}
    color: "#222222"
    key: "9"
    rules: {keywords: {id: [lama, antre]}, scope: turn}
    children:
      - id: time.wait_long
        label: {id: Menunggu, en: Waiting}
        aliases: [time.wait]
  - id: cost
    label: Biaya pelayanan
    description: Fees and bribes.
    examples: [Uang rokok.]
    children:
      - id: time.late
        label: {id: Terlambat, en: Late}
  - id: facilities
    label: Sarana
"""


def test_every_kind_of_change_is_keyed_by_id() -> None:
    diff = diff_codebooks(codebook_from_text(OLD), codebook_from_text(NEW))
    assert [c.id for c in diff.added] == ["facilities"]
    assert [c.id for c in diff.removed] == ["product"]
    assert diff.renamed == (("time.wait", "time.wait_long"),)
    assert diff.relabelled == (
        FieldChange("time", "label.id", "Waktu", "Waktu penyelesaian"),
        FieldChange("cost", "label", "Biaya", "Biaya pelayanan"),
    )
    assert diff.moved == (FieldChange("time.late", "parent", "time", "cost"),)
    assert diff.changed == (
        FieldChange("time", "color", "#111111", "#222222"),
        FieldChange("time", "key", "1", "9"),
        FieldChange("time", "rules.keywords.id", ("lama",), ("lama", "antre")),
        FieldChange("time", "rules.scope", "sentence", "turn"),
        FieldChange("cost", "description", "Fees.", "Fees and bribes."),
        FieldChange("cost", "examples", (), ("Uang rokok.",)),
    )
    assert diff.codebook == (FieldChange(None, "name", "Study", "Study (v2)"),)
    assert not diff.is_empty()


def test_json_shape() -> None:
    data = diff_codebooks(codebook_from_text(OLD), codebook_from_text(NEW)).to_json()
    assert set(data) == {
        "added",
        "removed",
        "renamed",
        "relabelled",
        "moved",
        "changed",
        "codebook",
        "relations",
    }
    assert data["relations"] == []  # both files use the default vocabulary
    assert data["added"] == [{"id": "facilities", "label": "Sarana", "parent": None}]
    assert data["renamed"] == [{"old": "time.wait", "new": "time.wait_long"}]
    assert data["relabelled"][0] == {
        "id": "time",
        "lang": "id",
        "old": "Waktu",
        "new": "Waktu penyelesaian",
    }
    assert data["relabelled"][1]["lang"] is None
    assert data["moved"] == [{"id": "time.late", "old_parent": "time", "new_parent": "cost"}]
    assert data["changed"][2] == {
        "id": "time",
        "field": "rules.keywords.id",
        "old": ["lama"],
        "new": ["lama", "antre"],
    }


def test_same_codebook_has_an_empty_diff() -> None:
    cb = load_codebook(CODEBOOK)
    assert diff_codebooks(cb, cb).is_empty()


def test_a_move_under_a_renamed_parent_is_not_a_move() -> None:
    old = codebook_from_text(
        "codes: [{id: a, label: A, children: [{id: a.x, label: X}]}]", "old.yaml"
    )
    new = codebook_from_text(
        "codes: [{id: b, label: A, aliases: [a], children: [{id: a.x, label: X}]}]", "new.yaml"
    )
    diff = diff_codebooks(old, new)
    assert diff.renamed == (("a", "b"),)
    assert diff.moved == ()
    assert diff.changed == ()
