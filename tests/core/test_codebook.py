"""Codebook validation: one FILE:LINE:COL line per problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.core.codebook import Codebook, codebook_to_data, parse_codebook
from qualcode.errors import InputError
from qualcode.importers.codebook_yaml import check_codebook, load_codebook
from tests.conftest import CODEBOOK, DATA, codebook_from_text

BAD = DATA / "bad" / "codebooks"

BAD_CODEBOOKS: list[tuple[str, list[str]]] = [
    (
        "broken_yaml.yaml",
        [
            "4:12: YAML syntax error while scanning a quoted scalar: found unexpected end of stream (check indentation and quoting)"
        ],
    ),
    (
        "duplicate_ids.yaml",
        ["8:13: duplicate code id 'procedure', first defined on line 3 (every id must be unique)"],
    ),
    (
        "unknown_field.yaml",
        [
            "5:5: unknown field 'colour' in code 'procedure' (allowed: id, label, description, inclusion, "
            "exclusion, examples, color, key, children, aliases, rules, parent, memo, valence)"
        ],
    ),
    (
        "missing_label.yaml",
        ["3:5: code 'procedure' has no label (add 'label: ...' or 'label: {id: ..., en: ...}')"],
    ),
    (
        "bad_color.yaml",
        ["5:12: bad colour 'red-ish' for code 'procedure' (write it as #RRGGBB or #RGB)"],
    ),
    (
        "duplicate_key.yaml",
        ["8:10: duplicate key '1': code 'time' and code 'procedure' (give each code its own key)"],
    ),
    (
        "parent_cycle.yaml",
        ["5:13: parent cycle: a -> c -> b -> a (a code cannot be its own ancestor)"],
    ),
    ("duplicate_yaml_key.yaml", ["5:5: duplicate key 'label' in the same mapping"]),
    ("not_a_mapping.yaml", ["1:1: a codebook must be a mapping with a 'codes:' list"]),
    (
        "bad_rule.yaml",
        [
            "7:15: bad regular expression '(unclosed' in 'cost': missing ), unterminated subpattern at position 0",
            "8:14: bad rule scope 'paragraph' in 'cost' (use sentence or turn)",
        ],
    ),
    ("empty.yaml", [": the codebook is empty (add a 'codes:' list)"]),
    ("latin1.yaml", [":4: not valid UTF-8 (save the codebook as UTF-8)"]),
    (
        "bad_valence.yaml",
        [
            "5:14: bad valence 'bad' for code 'time' (use one of: negative, positive, neutral, mixed)"
        ],
    ),
    (
        "bad_relations.yaml",
        [
            "5:16: bad direction 'sideways' for relation type 'leads_to' (use directed or undirected)",
            "6:9: duplicate relation type id 'leads_to' (every id must be unique)",
            "8:9: bad relation type id 'Bad Id' (use lowercase letters, digits and '_', e.g. leads_to)",
            "11:5: unknown field 'colour' in relation type 'causes' (allowed: id, label, direction)",
            "13:5: relation type 'nolabel' has no 'label'",
        ],
    ),
    (
        "relations_not_a_list.yaml",
        [
            "2:12: 'relations' must be a list of relation types (each with id, label and "
            "direction (directed or undirected))"
        ],
    ),
]


def _problems(path: Path) -> list[str]:
    try:
        return [p.format() for p in check_codebook(path)]
    except InputError as exc:
        return exc.lines()


@pytest.mark.parametrize(("name", "expected"), BAD_CODEBOOKS, ids=[n for n, _ in BAD_CODEBOOKS])
def test_bad_codebook_reports_file_line_column(name: str, expected: list[str]) -> None:
    path = BAD / name
    assert _problems(path) == [
        f"{path}{e}" if e.startswith(":") else f"{path}:{e}" for e in expected
    ]
    with pytest.raises(InputError):
        load_codebook(path)


def test_every_bad_codebook_file_is_in_the_table() -> None:
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(n for n, _ in BAD_CODEBOOKS)


def test_shipped_codebook_has_six_dimensions_with_bilingual_labels() -> None:
    cb = load_codebook(CODEBOOK)
    top = cb.children(None)
    assert [c.id for c in top] == [
        "procedure",
        "time",
        "cost",
        "product",
        "facilities",
        "competence",
    ]
    assert [c.label_in("id") for c in top] == [
        "Prosedur pelayanan",
        "Waktu penyelesaian",
        "Biaya pelayanan",
        "Produk pelayanan",
        "Sarana dan prasarana",
        "Kompetensi petugas pemberi pelayanan",
    ]
    assert top[5].label_in("en") == "Competence of service providers"
    assert all(c.description for c in cb)
    assert cb.languages == ("id", "en")
    # the findings such studies report are all there
    for needed in (
        "procedure.not_sop",
        "procedure.no_handover",
        "competence.counter_complaints",
        "competence.late_for_duty",
        "time.late_letters",
        "cost.unofficial_fee",
        "procedure.unclear_requirements",
        "facilities.waiting_room_poor",
        "facilities.equipment_poor",
        "procedure.per_sop",
        "competence.friendly_helpful",
    ):
        assert needed in cb
    keys = [c.key for c in cb if c.key]
    assert len(keys) == len(cb) == len(set(keys))


def test_flat_codes_list_as_written_by_the_benchmark_generator() -> None:
    cb = codebook_from_text(
        'codes:\n  - id: "cost.example"\n    label: "service cost: concrete example"\n'
        '    description: "Passages about service cost."\n  - id: time.cause\n    label: time\n'
    )
    assert [c.id for c in cb] == ["cost.example", "time.cause"]
    assert cb.version == 1
    assert cb["cost.example"].parent is None


def test_flat_list_with_parent_fields_builds_the_tree() -> None:
    cb = codebook_from_text(
        "version: 1\ncodes:\n  - {id: b, label: B, parent: a}\n  - {id: a, label: A}\n  - {id: c, label: C, parent: b}\n"
    )
    assert [c.id for c in cb] == ["a", "b", "c"]
    assert cb.top_level("c") == "a"
    assert cb.path("c") == ["a", "b", "c"]


def test_aliases_resolve_and_plain_labels_are_kept() -> None:
    cb = codebook_from_text(
        "codes:\n  - id: time.wait\n    label: Waiting\n    aliases: [time.queue]\n"
    )
    assert cb.get("time.queue") is cb["time.wait"]
    assert cb["time.wait"].label_in("id") == "Waiting"


def test_round_trip_through_data_is_lossless() -> None:
    cb = load_codebook(CODEBOOK)
    again = parse_codebook(codebook_to_data(cb))
    assert again == Codebook(cb.codes, cb.name, cb.description, cb.languages, cb.version)


def test_unknown_parent_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text("codes:\n  - {id: b, label: B, parent: nowhere}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_codebook(path)
    assert err.value.lines() == [f"{path}:2:31: code 'b' names unknown parent 'nowhere'"]


def test_colour_is_normalised() -> None:
    cb = codebook_from_text('codes:\n  - {id: a, label: A, color: "#ABC"}\n')
    assert cb["a"].color == "#aabbcc"
    assert cb.color_of("a") == "#aabbcc"


def test_valence_and_relations_round_trip_and_default() -> None:
    text = (
        "version: 1\n"
        "relations:\n"
        "  - {id: causes, label: {id: menyebabkan, en: causes}}\n"
        "  - {id: sits_with, label: sits with, direction: undirected}\n"
        "codes:\n"
        "  - {id: time, label: Time, valence: negative}\n"
    )
    cb = codebook_from_text(text)
    assert cb["time"].valence == "negative"
    assert cb.relations is not None
    assert [(t.id, t.directed) for t in cb.relation_types] == [
        ("causes", True),
        ("sits_with", False),
    ]
    assert parse_codebook(codebook_to_data(cb)) == cb
    plain = codebook_from_text("version: 1\ncodes:\n  - {id: time, label: Time}\n")
    assert plain.relations is None
    assert [t.id for t in plain.relation_types] == [
        "is_part_of",
        "leads_to",
        "contradicts",
        "is_associated_with",
        "illustrates",
        "refines",
    ]
    assert "relations" not in codebook_to_data(plain)


def test_shipped_codebook_gives_every_sub_code_a_valence() -> None:
    cb = load_codebook(CODEBOOK)
    subs = [c for c in cb.codes if c.parent is not None]
    assert len(subs) == 24
    assert all(c.valence in ("negative", "positive") for c in subs)
    assert all(c.valence is None for c in cb.codes if c.parent is None)
    assert cb["time.late_letters"].valence == "negative"
    assert cb["competence.friendly_helpful"].valence == "positive"
    assert sum(c.valence == "negative" for c in subs) == 14
