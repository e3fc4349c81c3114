"""Messages in the researcher's words: passages by first words, codes by label."""

from __future__ import annotations

import pytest

from qualcode.core.narrate import Fact, describe_action, describe_step, first_words, passage
from qualcode.i18n import plural

LABELS = {"time.long_wait": "Waktu tunggu lama", "cost": "Biaya pelayanan"}


def label(code_id: str) -> str:
    return LABELS.get(code_id, code_id)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Saya datang jam delapan pagi, antre sampai siang.", 24, "Saya datang jam delapan…"),
        ("Dua jam.", 24, "Dua jam."),
        ("  Dua\n jam\tantre.  ", 24, "Dua jam antre."),
        ("Pelayanannyasangatlamasekalipokoknya", 12, "Pelayananny…"),
        ("Saya datang, lalu pulang lagi karena", 14, "Saya datang…"),
    ],
)
def test_first_words(text: str, limit: int, expected: str) -> None:
    assert first_words(text, limit) == expected


def test_passage_quotes_the_first_words() -> None:
    assert passage("Saya datang jam delapan pagi, antre sampai siang.", 24) == (
        "«Saya datang jam delapan…»"
    )


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "0 codings"), (1, "1 coding"), (2, "2 codings"), (21, "21 codings")]
)
def test_plural(n: int, expected: str) -> None:
    assert plural(n, "{n} coding", "{n} codings") == expected


def test_plural_fills_other_values() -> None:
    assert plural(1, "{n} passage in {doc}", "{n} passages in {doc}", doc="w01") == (
        "1 passage in w01"
    )


QUOTE = "Saya datang jam delapan pagi, antre sampai jam sebelas."
CODED = Fact("code", "insert", "codings", doc="w01", code="time.long_wait", quote=QUOTE)


def test_a_coding_is_named_by_its_first_words_and_the_label() -> None:
    assert describe_step("undo", [("code", [CODED])], label) == (
        "undid: coded «Saya datang jam delapan pagi…» with Waktu tunggu lama"
    )
    assert describe_step("redo", [("code", [CODED])], label) == (
        "redid: coded «Saya datang jam delapan pagi…» with Waktu tunggu lama"
    )


def test_a_batch_of_one_code_is_counted() -> None:
    entries = [("code", [CODED]), ("code", [CODED])]
    assert describe_step("undo", entries, label) == (
        "undid: coded 2 passages with Waktu tunggu lama"
    )


def test_a_mixed_step_names_the_newest_and_counts_the_rest() -> None:
    removed = Fact("uncode", "delete", "codings", code="cost", quote="Biaya mahal.")
    entries = [("code", [CODED]), ("uncode", [removed]), ("uncode", [removed])]
    assert describe_step("undo", entries, label) == (
        "undid: removed Biaya pelayanan from «Biaya mahal.» (and 2 more actions in the same step)"
    )
    assert describe_step("redo", entries[:2], label) == (
        "redid: coded «Saya datang jam delapan pagi…» with Waktu tunggu lama "
        "(and 1 more action in the same step)"
    )


@pytest.mark.parametrize(
    ("kind", "facts", "expected"),
    [
        (
            "memo.coding",
            [Fact("memo.coding", "update", "codings", code="cost", quote="Biaya mahal.")],
            "memo on Biaya pelayanan at «Biaya mahal.»",
        ),
        (
            "memo.add",
            [Fact("memo.add", "insert", "memos", target_kind="document", target="w01")],
            "memo on the document w01",
        ),
        (
            "memo.edit",
            [Fact("memo.edit", "update", "memos", target_kind="code", target="cost")],
            "edited the memo on the code Biaya pelayanan",
        ),
        (
            "memo.delete",
            [Fact("memo.delete", "delete", "memos", target_kind="project")],
            "deleted the memo on the project",
        ),
        (
            "codebook.edit",
            [
                Fact("codebook.edit", "update", "codes", code="time", fields=("position",)),
                Fact("codebook.edit", "update", "codes", code="cost", fields=("label", "version")),
            ],
            "renamed the code Biaya pelayanan",
        ),
        (
            "codebook.edit",
            [Fact("codebook.edit", "update", "codes", code="cost", fields=("color", "version"))],
            "recoloured the code Biaya pelayanan",
        ),
        (
            "codebook.merge",
            [
                Fact("codebook.merge", "update", "codings", code="cost", quote="x"),
                Fact("codebook.merge", "delete", "codes", code="cost.fee", label="Pungli"),
                Fact("codebook.merge", "insert", "code_aliases", code="cost"),
            ],
            "merged cost.fee into Biaya pelayanan",
        ),
        (
            "codebook.move",
            [
                Fact(
                    "codebook.move",
                    "update",
                    "codes",
                    code="cost",
                    other="time.long_wait",
                    fields=("parent_pk",),
                )
            ],
            "moved Biaya pelayanan under Waktu tunggu lama",
        ),  # fmt: skip
        (
            "codebook.move",
            [Fact("codebook.move", "update", "codes", code="cost", fields=("parent_pk",))],
            "moved Biaya pelayanan to the top level",
        ),
        (
            "codebook.delete",
            [Fact("codebook.delete", "delete", "codes", code="cost")],
            "deleted the code Biaya pelayanan",
        ),
        ("setting", [Fact("setting", "update", "settings")], "a project setting"),
        ("no.such.kind", [], "a change to the project"),
    ],
)
def test_every_kind_in_words(kind: str, facts: list[Fact], expected: str) -> None:
    assert describe_action(kind, facts, label) == expected


def test_no_offsets_or_guids_in_any_sentence() -> None:
    guid = "6941071c-2377-4f5e-9a51-0a5d6c2b9e11"
    facts = [
        Fact("uncode", "delete", "codings", doc="w01", code="cost", quote="Biaya mahal sekali.")
    ]
    line = describe_step("undo", [("uncode", facts)], label)
    assert guid[:8] not in line and "[" not in line and ":" not in line.split(": ", 1)[1]
