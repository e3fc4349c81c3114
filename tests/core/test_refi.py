"""The pure part of REFI-QDA exchange: GUIDs, colours, the metadata block, positions,
readable ids and the matching of imported codes."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.core.refi import (
    META_TAG,
    ExistingCode,
    PositionScheme,
    RefiCode,
    SourcePositions,
    parse_color,
    parse_guid,
    plan_code_import,
    slug,
    split_meta,
)
from tests.conftest import hypothesis_examples

G = "0f8fad5b-d9cb-469f-a165-70867728950e"


def attach_meta(text: str, meta: Mapping[str, object]) -> str:
    """``text`` with the documented ``[qualcode:meta/1]`` block (docs/refi-qda.md) at
    the end, as another tool keeps it."""
    if not meta:
        return text
    block = META_TAG + " " + json.dumps(meta, ensure_ascii=False, sort_keys=True)
    return f"{text}\n\n{block}" if text else block


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (G, G),
        (G.upper(), G),
        ("{" + G.upper() + "}", G),
        ("  {" + G + "}  ", G),
        (G.replace("-", ""), G),
        ("{" + G, None),
        ("not-a-guid", None),
        ("", None),
        (None, None),
    ],
    ids=["lower", "upper", "braces", "spaces", "no-hyphens", "half-brace", "junk", "empty", "none"],
)
def test_parse_guid(raw: str | None, expected: str | None) -> None:
    assert parse_guid(raw) == expected


@pytest.mark.parametrize(
    ("raw", "colour", "noted"),
    [
        ("#abc", "#aabbcc", False),
        ("#A1B2C3", "#a1b2c3", False),
        ("#a1b2c380", "#a1b2c3", True),
        ("#FFa1b2c3", "#a1b2c3", True),
        ("#abcd", "#aabbcc", True),
        ("rgb(161,178,195)", "#a1b2c3", True),
        ("RGB(100%, 0%, 50%)", "#ff0080", True),
        ("a1b2c3", "#a1b2c3", True),
        ("10597059", "#a1b2c3", True),
        ("#12345", None, True),
        ("red", None, True),
        ("", None, False),
    ],
)
def test_parse_color(raw: str, colour: str | None, noted: bool) -> None:
    got, note = parse_color(raw)
    assert got == colour
    assert (note is not None) == noted


def test_meta_block_round_trip_and_broken_block() -> None:
    meta = {"id": "time.late", "label": {"id": "Terlambat", "en": "Late"}}
    text = attach_meta("Definisi.\nBaris dua.", meta)
    assert text.startswith("Definisi.\nBaris dua.\n\n[qualcode:meta/1] {")
    assert split_meta(text) == ("Definisi.\nBaris dua.", meta, None)
    assert split_meta(attach_meta("", meta)) == ("", meta, None)
    assert split_meta("no block") == ("no block", {}, None)
    body, got, problem = split_meta("x\n[qualcode:meta/1] {broken")
    assert (body, got) == ("x\n[qualcode:meta/1] {broken", {})
    assert problem is not None and "not valid JSON" in problem
    # a tag in the middle of a line is text, not a block
    assert split_meta("see [qualcode:meta/1] {}")[1] == {}


def test_crlf_positions_map_onto_the_stored_text() -> None:
    raw = "a\r\nbc\r\nd"
    pos = SourcePositions(raw)
    assert pos.text == "a\nbc\nd"
    std = PositionScheme()
    one = PositionScheme(crlf_as_one=True)
    assert pos.span(3, 5, std) == (2, 4)  # "bc" counted with every \r
    assert pos.span(2, 4, one) == (2, 4)  # "bc" counted with CRLF as one
    assert pos.to_text(2, std) == 1  # between \r and \n: the line break


def test_the_standard_wins_a_tie() -> None:
    pos = SourcePositions("abc def\r\nghi")
    scheme, _ = pos.guess([(0, 3, None)])
    assert scheme.standard


def test_guess_reads_selection_names() -> None:
    raw = "Tanya: Berapa lama?\r\nJawab: Dua jam.\r\nTanya: Lalu?\r\nJawab: Pulang.\r\n"
    text = raw.replace("\r\n", "\n")
    sels = [(text.index(q), text.index(q) + len(q), q) for q in ("Dua jam.", "Pulang.")]
    scheme, confirmed = SourcePositions(raw).guess(sels)
    assert scheme == PositionScheme(crlf_as_one=True)
    assert confirmed == 2


def test_guess_detects_inclusive_ends() -> None:
    text = "Petugasnya ramah sekali. Antrenya lama sekali."
    sels = [(0, 15, None), (25, 44, None)]  # 'Petugasnya ramah' / 'Antrenya lama sekali' inclusive
    scheme, _ = SourcePositions(text).guess(sels)
    assert scheme == PositionScheme(inclusive_end=True)


@settings(derandomize=True, deadline=None, max_examples=hypothesis_examples(200))
@given(
    st.lists(
        st.one_of(
            st.text(alphabet="abc é😀", min_size=1, max_size=6),
            st.just("\r\n"),
            st.just("\n"),
        ),
        min_size=1,
        max_size=30,
    ),
    st.data(),
)
def test_standard_positions_always_give_the_same_passage(
    parts: list[str], data: st.DataObject
) -> None:
    raw = "".join(parts)
    pos = SourcePositions(raw)
    start = data.draw(st.integers(0, len(raw)))
    end = data.draw(st.integers(start, len(raw)))
    s, e = pos.span(start, end, PositionScheme())
    expected = raw[start:end].replace("\r\n", "\n").replace("\r", "\n")
    # a span that starts or ends inside a CRLF takes the whole line break
    if (start and raw[start - 1 : start + 1] == "\r\n") or (
        end and raw[end - 1 : end + 1] == "\r\n"
    ):
        return
    assert pos.text[s:e] == expected


def test_slug_makes_readable_ids() -> None:
    assert slug("Waktu tunggu lama!") == "waktu_tunggu_lama"
    assert slug("Pelayanan — sesuai SOP (ya)") == "pelayanan_sesuai_sop_ya"
    assert slug("Kafé") == "kafe"
    assert slug("時間") == ""


def _code(guid: str, name: str, parent: str | None = None, **meta: object) -> RefiCode:
    return RefiCode(guid=guid, name=name, parent=parent, meta=meta)


def test_codes_match_by_guid_then_id_then_alias_then_name() -> None:
    existing = [
        ExistingCode("time", "00000000-0000-4000-8000-000000000001", labels=("Waktu", "Time")),
        ExistingCode("cost", "00000000-0000-4000-8000-000000000002", labels=("Biaya",)),
        ExistingCode(
            "cost.bribe",
            "00000000-0000-4000-8000-000000000003",
            "cost",
            ("Pungli",),
            ("cost.pungli",),
        ),
        ExistingCode("facilities", "00000000-0000-4000-8000-000000000004", labels=("Sarana",)),
    ]
    incoming = [
        _code("00000000-0000-4000-8000-000000000001", "Anything"),
        _code("10000000-0000-4000-8000-000000000002", "Other", id="cost"),
        _code("10000000-0000-4000-8000-000000000003", "Old", id="cost.pungli"),
        _code("10000000-0000-4000-8000-000000000004", "  SARANA "),
        _code(
            "10000000-0000-4000-8000-000000000005",
            "Ruang tunggu panas",
            "10000000-0000-4000-8000-000000000004",
        ),
        _code("10000000-0000-4000-8000-000000000006", "Waktu"),  # 'time' is taken already
    ]
    plan = plan_code_import(existing, incoming)
    assert plan.matched == {
        "00000000-0000-4000-8000-000000000001": "guid",
        "10000000-0000-4000-8000-000000000002": "id",
        "10000000-0000-4000-8000-000000000003": "alias",
        "10000000-0000-4000-8000-000000000004": "name",
    }
    assert [c.name for c in plan.added] == ["Ruang tunggu panas", "Waktu"]
    assert plan.ids["10000000-0000-4000-8000-000000000005"] == "facilities.ruang_tunggu_panas"
    assert plan.parents["facilities.ruang_tunggu_panas"] == "facilities"
    assert plan.ids["10000000-0000-4000-8000-000000000006"] == "waktu"


def test_a_name_shared_by_two_project_codes_matches_only_under_the_same_parent() -> None:
    existing = [
        ExistingCode("time", "00000000-0000-4000-8000-000000000001", labels=("Waktu",)),
        ExistingCode("cost", "00000000-0000-4000-8000-000000000002", labels=("Biaya",)),
        ExistingCode("time.ok", "00000000-0000-4000-8000-000000000003", "time", ("Positif",)),
        ExistingCode("cost.ok", "00000000-0000-4000-8000-000000000004", "cost", ("Positif",)),
    ]
    incoming = [
        _code("10000000-0000-4000-8000-000000000001", "Biaya"),
        _code(
            "10000000-0000-4000-8000-000000000002",
            "Positif",
            "10000000-0000-4000-8000-000000000001",
        ),
        _code("10000000-0000-4000-8000-000000000003", "Positif"),
    ]
    plan = plan_code_import(existing, incoming)
    assert plan.ids["10000000-0000-4000-8000-000000000002"] == "cost.ok"
    # top-level 'Positif' is ambiguous in the project: added, never guessed
    assert plan.ids["10000000-0000-4000-8000-000000000003"] == "positif"


def test_ids_from_the_metadata_block_and_collisions() -> None:
    existing = [ExistingCode("waktu", "00000000-0000-4000-8000-000000000001", labels=("X",))]
    incoming = [
        _code("10000000-0000-4000-8000-000000000001", "Waktu!", id="bad id"),
        _code("10000000-0000-4000-8000-000000000002", "Waktu?"),
    ]
    plan = plan_code_import(existing, incoming)
    assert [plan.ids[c.guid] for c in incoming] == ["waktu_2", "waktu_3"]
