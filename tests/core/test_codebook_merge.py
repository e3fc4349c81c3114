"""Three-way and two-way codebook merges on stable ids: a table of cases, then properties."""

from __future__ import annotations

from typing import Any

import pytest

from qualcode.core.codebook import Codebook, codebook_to_data, validate_codebook_data
from qualcode.core.codebook_merge import MISSING, Conflict, MergeResult, list_merge, merge_codebooks
from qualcode.importers.codebook_yaml import load_codebook
from tests.conftest import CODEBOOK, codebook_from_text

BASE = """
languages: [id, en]
codes:
  - id: time
    label: {id: Waktu, en: Time}
    key: "1"
    description: Base time.
    rules: {keywords: {id: [lama, antre]}}
    children:
      - {id: time.wait, label: {id: Menunggu, en: Waiting}, key: 1a}
      - {id: time.late, label: {id: Terlambat, en: Late}}
  - id: cost
    label: {id: Biaya, en: Cost}
    key: "2"
    description: Base cost.
    examples: [One., Two.]
  - {id: product, label: {id: Produk, en: Product}}
"""


def cb(text: str) -> Codebook:
    return codebook_from_text(text)


def edit(text: str, *pairs: tuple[str, str]) -> Codebook:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return cb(text)


def kinds(result: MergeResult) -> list[tuple[str | None, str, str]]:
    return [(c.code, c.field, c.kind) for c in result.conflicts]


def valid(codebook: Codebook) -> None:
    assert validate_codebook_data(codebook_to_data(codebook)) == []


# (id, ours edits, theirs edits, expected conflicts, checks on the result)
CASES: list[tuple[str, list[tuple[str, str]], list[tuple[str, str]], list[Any], dict[str, Any]]] = [
    (
        "one-side-change-taken",
        [],
        [("Base cost.", "Their cost.")],
        [],
        {"cost.description": "Their cost."},
    ),
    (
        "changes-to-different-fields-both-taken",
        [("Base cost.", "Our cost.")],
        [("{id: Biaya, en: Cost}", "{id: Biaya, en: Costs}")],
        [],
        {"cost.description": "Our cost.", "cost.label": {"id": "Biaya", "en": "Costs"}},
    ),
    (
        "labels-merge-per-language",
        [("{id: Biaya, en: Cost}", "{id: Biaya layanan, en: Cost}")],
        [("{id: Biaya, en: Cost}", "{id: Biaya, en: Service cost}")],
        [],
        {"cost.label": {"id": "Biaya layanan", "en": "Service cost"}},
    ),
    (
        "same-change-both-sides-taken-once",
        [("Base cost.", "Same.")],
        [("Base cost.", "Same.")],
        [],
        {"cost.description": "Same."},
    ),
    (
        "different-changes-same-field-conflict",
        [("Base cost.", "Ours.")],
        [("Base cost.", "Theirs.")],
        [("cost", "description", "edit")],
        {"cost.description": "Ours."},
    ),
    (
        "delete-vs-unchanged-is-taken",
        [("  - {id: product, label: {id: Produk, en: Product}}\n", "")],
        [],
        [],
        {"product": None},
    ),
    (
        "delete-vs-edit-conflict",
        [("  - {id: product, label: {id: Produk, en: Product}}\n", "")],
        [("{id: Produk, en: Product}", "{id: Produk layanan, en: Product}")],
        [("product", "deleted", "delete")],
        {"product.label": {"id": "Produk layanan", "en": "Product"}},
    ),
    (
        "add-same-id-same-content-once",
        [("  - {id: product,", "  - {id: facilities, label: Sarana}\n  - {id: product,")],
        [("  - {id: product,", "  - {id: facilities, label: Sarana}\n  - {id: product,")],
        [],
        {"facilities.label": "Sarana"},
    ),
    (
        "add-same-id-different-content-conflict",
        [("  - {id: product,", "  - {id: facilities, label: Sarana}\n  - {id: product,")],
        [("  - {id: product,", "  - {id: facilities, label: Fasilitas}\n  - {id: product,")],
        [("facilities", "label", "add")],
        {"facilities.label": "Sarana"},
    ),
    (
        "new-id-on-one-side-edit-on-the-other",
        [("id: time.wait,", "id: time.waiting, aliases: [time.wait],")],
        [("{id: Menunggu, en: Waiting}", "{id: Menunggu, en: Waiting time}")],
        [],
        {
            "time.waiting.label": {"id": "Menunggu", "en": "Waiting time"},
            "time.waiting.aliases": ("time.wait",),
            "time.wait": None,
        },
    ),
    (
        "two-new-ids-conflict",
        [("id: time.wait,", "id: time.waiting, aliases: [time.wait],")],
        [("id: time.wait,", "id: time.queue, aliases: [time.wait],")],
        [("time.wait", "id", "edit")],
        {"time.wait.aliases": ()},  # a conflicted id holds the base id until resolved
    ),
    (
        "move-one-side",
        [],
        [
            ("      - {id: time.late, label: {id: Terlambat, en: Late}}\n", ""),
            (
                "  - {id: product,",
                "  - {id: time.late, label: {id: Terlambat, en: Late}}\n  - {id: product,",
            ),
        ],
        [],
        {"time.late.parent": None},
    ),
    (
        "moves-to-different-parents-conflict",
        [
            (
                "  - {id: product, label: {id: Produk, en: Product}}",
                "  - {id: product, label: {id: Produk, en: Product}, parent: cost}",
            )
        ],
        [
            (
                "  - {id: product, label: {id: Produk, en: Product}}",
                "  - {id: product, label: {id: Produk, en: Product}, parent: time}",
            )
        ],
        [("product", "parent", "edit")],
        {"product.parent": None},  # a conflicted parent holds the base parent until resolved
    ),
    (
        "moves-that-make-a-cycle",
        [
            (
                "  - {id: product, label: {id: Produk, en: Product}}",
                "  - {id: product, label: {id: Produk, en: Product}, parent: cost}",
            )
        ],
        [("    examples: [One., Two.]", "    examples: [One., Two.]\n    parent: product")],
        [("cost", "parent", "cycle"), ("product", "parent", "cycle")],
        {"product.parent": None, "cost.parent": None},
    ),
    (
        "parent-deleted-while-other-side-adds-a-child",
        [("  - {id: product, label: {id: Produk, en: Product}}\n", "")],
        [
            (
                "  - {id: product, label: {id: Produk, en: Product}}",
                "  - {id: product, label: {id: Produk, en: Product}}\n  - {id: product.error, label: Salah, parent: product}",
            )
        ],
        [("product", "deleted", "delete")],
        {"product.error.parent": "product"},
    ),
    (
        "one-key-given-to-two-codes",
        [
            (
                "  - {id: product, label: {id: Produk, en: Product}}",
                "  - {id: product, label: {id: Produk, en: Product}, key: '5'}",
            )
        ],
        [
            (
                "    description: Base cost.",
                "    description: Base cost.\n    children: [{id: cost.fee, label: Fee, key: '5'}]",
            )
        ],
        [("cost.fee", "key", "key")],
        {"product.key": "5", "cost.fee.key": None},
    ),
    (
        "one-id-for-two-codes",
        [("id: time.wait,", "id: time.fee, aliases: [time.wait],")],
        [
            (
                "    description: Base cost.",
                "    description: Base cost.\n    children: [{id: time.fee, label: Fee}]",
            )
        ],
        [("time.fee.theirs", "id", "id")],
        {"time.fee.label": {"id": "Menunggu", "en": "Waiting"}, "time.fee.theirs.label": "Fee"},
    ),
    (
        "merged-on-one-side-edited-on-the-other",
        [
            ("      - {id: time.late, label: {id: Terlambat, en: Late}}\n", ""),
            ("key: 1a}", "key: 1a, aliases: [time.late]}"),
        ],
        [("{id: Terlambat, en: Late}", "{id: Terlambat, en: Late arrival}")],
        [("time.late", "deleted", "delete"), ("time.wait", "aliases", "alias")],
        {"time.late.label": {"id": "Terlambat", "en": "Late arrival"}, "time.wait.aliases": ()},
    ),
    (
        "list-fields-merge-item-by-item",
        [
            ("examples: [One., Two.]", "examples: [One., Two., Ours.]"),
            ("[lama, antre]", "[lama, antre, antri]"),
        ],
        [("examples: [One., Two.]", "examples: [Two., Theirs.]"), ("[lama, antre]", "[lama]")],
        [],
        {
            "cost.examples": ("Two.", "Ours.", "Theirs."),
            "time.rules.keywords.id": ("lama", "antri"),
        },
    ),
]


@pytest.mark.parametrize(
    ("ours", "theirs", "conflicts", "checks"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_three_way(
    ours: list[tuple[str, str]],
    theirs: list[tuple[str, str]],
    conflicts: list[Any],
    checks: dict[str, Any],
) -> None:
    base = cb(BASE)
    result = merge_codebooks(edit(BASE, *ours), edit(BASE, *theirs), base)
    assert sorted(kinds(result)) == sorted(conflicts)
    assert result.clean == (not conflicts)
    valid(result.codebook)
    cbk = result.codebook
    for path, expected in checks.items():
        if expected is None and path in ("product", "time.wait"):
            assert cbk.get(path) is None or cbk[path].id != path, path
            continue
        code_id, field = _split(path, cbk)
        code = cbk[code_id]
        if field == "parent":
            assert code.parent == expected, path
        else:
            from qualcode.core.diff import code_fields, default_of

            assert code_fields(code).get(field, default_of(field)) == expected, path


def _split(path: str, codebook: Codebook) -> tuple[str, str]:
    """``time.wait.label`` -> (``time.wait``, ``label``): the longest id that exists."""
    parts = path.split(".")
    for n in range(len(parts) - 1, 0, -1):
        code_id = ".".join(parts[:n])
        if code_id in codebook:
            return code_id, ".".join(parts[n:])
    raise AssertionError(f"no code for {path}")


def test_conflict_records_base_ours_theirs() -> None:
    base = cb(BASE)
    ours = edit(BASE, ("Base cost.", "Ours."))
    theirs = edit(BASE, ("Base cost.", "Theirs."))
    (conflict,) = merge_codebooks(ours, theirs, base).conflicts
    assert conflict == Conflict(
        "cost",
        "description",
        "edit",
        "Base cost.",
        "Ours.",
        "Theirs.",
        "changed differently on both sides",
        "cost",
    )
    assert conflict.block() == {
        "base": "Base cost.",
        "ours": "Ours.",
        "theirs": "Theirs.",
        "why": "changed differently on both sides",
    }
    assert "code 'cost': description:" in conflict.describe()


def test_changes_report_what_came_from_where() -> None:
    base = cb(BASE)
    ours = edit(BASE, ("  - {id: product, label: {id: Produk, en: Product}}\n", ""))
    theirs = edit(BASE, ("Base cost.", "Their cost."))
    result = merge_codebooks(ours, theirs, base)
    assert [(c.code, c.what, c.side) for c in result.changes] == [
        ("cost", "description", "theirs"),
        ("product", "removed", "ours"),
    ]


def test_merged_code_is_reported_as_merged_into() -> None:
    base = cb(BASE)
    ours = edit(
        BASE,
        ("  - {id: product, label: {id: Produk, en: Product}}\n", ""),
        ("    description: Base cost.", "    description: Base cost.\n    aliases: [product]"),
    )
    result = merge_codebooks(ours, base, base)
    assert result.clean
    assert [(c.code, c.what, c.detail) for c in result.changes if c.what == "removed"] == [
        ("product", "removed", "merged into cost")
    ]
    assert result.codebook.get("product") is result.codebook.get("cost")


def test_order_follows_the_side_that_reordered() -> None:
    base = cb(BASE)
    theirs = edit(
        BASE,
        ("  - {id: product, label: {id: Produk, en: Product}}\n", ""),
        ("codes:\n", "codes:\n  - {id: product, label: {id: Produk, en: Product}}\n"),
    )
    ours = edit(
        BASE, ("  - {id: product,", "  - {id: facilities, label: Sarana}\n  - {id: product,")
    )
    result = merge_codebooks(ours, theirs, base)
    assert [c.id for c in result.codebook.children(None)] == [
        "product",
        "time",
        "cost",
        "facilities",
    ]


def test_meta_merges_three_ways() -> None:
    base = cb("name: A\ndescription: D\nlanguages: [id]\ncodes: [{id: x, label: X}]")
    ours = cb("name: B\ndescription: D\nlanguages: [id, en]\ncodes: [{id: x, label: X}]")
    theirs = cb("name: A\ndescription: E\nlanguages: [id]\ncodes: [{id: x, label: X}]")
    result = merge_codebooks(ours, theirs, base)
    assert (result.codebook.name, result.codebook.description) == ("B", "E")
    assert result.codebook.languages == ("id", "en")
    other = cb("name: C\ndescription: D\ncodes: [{id: x, label: X}]")
    assert [(c.code, c.field) for c in merge_codebooks(ours, other, base).conflicts] == [
        (None, "name")
    ]


# ---------------------------------------------------------------------- two-way


def test_two_way_is_a_union_that_reports_every_difference() -> None:
    ours = cb(
        "codes: [{id: a, label: A, description: Ours.}, {id: b, label: B}, "
        "{id: c, label: C, color: '#111111'}]"
    )
    theirs = cb(
        "codes: [{id: a, label: A, description: Theirs.}, {id: b, label: B, description: New.}, "
        "{id: d, label: D}]"
    )
    result = merge_codebooks(ours, theirs)
    assert result.two_way
    # their new code follows the code it follows in their file
    assert [c.id for c in result.codebook] == ["a", "b", "d", "c"]
    assert result.codebook["b"].description == "New."  # set on one side only: taken
    assert result.codebook["c"].color == "#111111"
    assert kinds(result) == [("a", "description", "edit")]
    assert [(c.code, c.what, c.side) for c in result.changes] == [
        ("b", "description", "theirs"),
        ("c", "added", "ours"),
        ("d", "added", "theirs"),
    ]


def test_two_way_recognises_a_new_id_by_its_alias() -> None:
    ours = cb("codes: [{id: a, label: A}]")
    theirs = cb("codes: [{id: a2, label: A, aliases: [a]}]")
    for x, y in ((ours, theirs), (theirs, ours)):
        result = merge_codebooks(x, y)
        assert result.clean
        assert [(c.id, c.aliases) for c in result.codebook] == [("a2", ("a",))]


def test_demo_codebook_merges_with_itself() -> None:
    codebook = load_codebook(CODEBOOK)
    assert merge_codebooks(codebook, codebook, codebook).codebook == codebook
    assert merge_codebooks(codebook, codebook).codebook == codebook


# ---------------------------------------------------------------------- near duplicates


def test_near_duplicates_added_on_different_sides_are_suggested_and_applied() -> None:
    base = cb(BASE)
    ours = edit(
        BASE,
        (
            "      - {id: time.late,",
            "      - {id: time.long_wait, label: {id: Waktu tunggu lama, en: Long waiting time}, "
            "description: Ours., examples: [A.]}\n      - {id: time.late,",
        ),
    )
    theirs = edit(
        BASE,
        (
            "      - {id: time.late,",
            "      - {id: time.wait_too_long, label: {id: Lama waktu menunggu, en: Waiting time too long}, "
            "description: Theirs., examples: [B.], key: 1z, "
            "children: [{id: time.wait_too_long.queue, label: Antre}]}\n"
            "      - {id: time.friendly, label: {id: Petugas tidak ramah}}\n"
            "      - {id: time.late,",
        ),
        ("  - {id: product,", "  - {id: time.rude, label: {id: Petugas ramah}}\n  - {id: product,"),
    )
    result = merge_codebooks(ours, theirs, base)
    assert [(s.ours, s.theirs, s.score) for s in result.suggestions] == [
        ("time.long_wait", "time.wait_too_long", 100.0)
    ]
    assert "time.wait_too_long" in result.codebook
    applied = merge_codebooks(ours, theirs, base, apply_suggestions=True)
    assert applied.applied == applied.suggestions
    assert "time.wait_too_long" not in [c.id for c in applied.codebook]
    kept = applied.codebook["time.long_wait"]
    assert kept.aliases == ("time.wait_too_long",)
    assert kept.examples == ("A.", "B.")
    assert kept.key == "1z"
    assert kept.memo == "[merged from time.wait_too_long] description: Theirs."
    assert applied.codebook["time.wait_too_long.queue"].parent == "time.long_wait"
    assert applied.codebook.get("time.wait_too_long") is kept
    valid(applied.codebook)


def test_no_suggestions_between_codes_both_sides_had() -> None:
    base = cb("codes: [{id: a, label: waktu tunggu lama}, {id: b, label: lama waktu menunggu}]")
    assert merge_codebooks(base, base, base).suggestions == ()


def test_list_merge() -> None:
    assert list_merge(("a", "b"), ("a", "b", "c"), ("b", "d")) == ("b", "c", "d")
    assert list_merge(("a",), ("a",), ("b", "a")) == ("b", "a")
    assert list_merge((), ("x",), ("x",)) == ("x",)
    assert MISSING is type(MISSING)()
