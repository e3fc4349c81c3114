"""Matrices over a hand-made project, checked against counts worked out by hand.

The project (``tests/conftest.py: build_matrix_project``): d1 belongs to case
"Bu Siti" (whole document), d2's participant "P" is case "Pak Budi".

    d1 I:  c5 time.long_wait  "Berapa lama antre?"          (interviewer)
    d1 P:  c1 time.long_wait  "Dua jam antre."
           c2 time.late       "Petugas datang telat."
           c3 time            "Dua jam antre. Petugas datang telat."  (nests c1, c2)
           c4 cost            "Biaya mahal sekali."
    d2 P:  c6 cost            "Tidak ada biaya."            (coder budi)
           c7 facilities.room "Ruang tunggu panas."
           c8 cost            "biaya. Ruang"                 (overlaps c6 and c7)
           c9 time.late       "Ruang tunggu panas."          (suggested)
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from qualcode.core.filters import Filters
from qualcode.errors import InputError, NotFoundError
from qualcode.store import Project
from tests.conftest import D1, D2, span

CODES = ("time", "time.long_wait", "time.late", "cost", "facilities", "facilities.room")


def grid(project: Project, filters: Filters, by: str = "document", measure: str = "codings"):
    m = project.matrices.frequency_table(filters, by=by).measure(measure)
    return {(r, c): m.cell(r, c) for r in m.rows for c in m.columns if m.cell(r, c)}, m


def length(text: str, needle: str) -> int:
    s, e = span(text, needle)
    return e - s


FREQUENCY_CASES = [
    (
        "by-document",
        Filters(),
        "document",
        {
            ("time", "d1"): 1,
            ("time.long_wait", "d1"): 2,
            ("time.late", "d1"): 1,
            ("cost", "d1"): 1,
            ("cost", "d2"): 2,
            ("facilities.room", "d2"): 1,
        },
        8,
    ),
    (
        "rollup",
        Filters(rollup=True),
        "document",
        {("time", "d1"): 4, ("cost", "d1"): 1, ("cost", "d2"): 2, ("facilities", "d2"): 1},
        8,
    ),
    (
        "by-speaker-role",
        Filters(),
        "speaker",
        {
            ("time", "participant"): 1,
            ("time.long_wait", "interviewer"): 1,
            ("time.long_wait", "participant"): 1,
            ("time.late", "participant"): 1,
            ("cost", "participant"): 3,
            ("facilities.room", "participant"): 1,
        },
        8,
    ),
    (
        "by-case",
        Filters(),
        "case",
        {
            ("time", "Bu Siti"): 1,
            ("time.long_wait", "Bu Siti"): 2,
            ("time.late", "Bu Siti"): 1,
            ("cost", "Bu Siti"): 1,
            ("cost", "Pak Budi"): 2,
            ("facilities.room", "Pak Budi"): 1,
        },
        8,
    ),
    (
        "by-attribute",
        Filters(rollup=True),
        "attribute:gender",
        {("time", "f"): 4, ("cost", "f"): 1, ("cost", "m"): 2, ("facilities", "m"): 1},
        8,
    ),
    ("coder-budi", Filters(coders=("budi",)), "document", {("cost", "d2"): 1}, 1),
    (
        "interviewer-only",
        Filters(speaker_role=("interviewer",)),
        "document",
        {("time.long_wait", "d1"): 1},
        1,
    ),
    (
        "suggestions-too",
        Filters(status=()),
        "document",
        {
            ("time", "d1"): 1,
            ("time.long_wait", "d1"): 2,
            ("time.late", "d1"): 1,
            ("time.late", "d2"): 1,
            ("cost", "d1"): 1,
            ("cost", "d2"): 2,
            ("facilities.room", "d2"): 1,
        },
        9,
    ),
    (
        "code-time-with-sub-codes",
        Filters(codes=("time",)),
        "document",
        {("time", "d1"): 1, ("time.long_wait", "d1"): 2, ("time.late", "d1"): 1},
        4,
    ),
    (
        "document-d2",
        Filters(documents=("d2",)),
        "document",
        {("cost", "d2"): 2, ("facilities.room", "d2"): 1},
        3,
    ),
    (
        "case-pak-budi",
        Filters(cases=("Pak Budi",)),
        "case",
        {("cost", "Pak Budi"): 2, ("facilities.room", "Pak Budi"): 1},
        3,
    ),
]


@pytest.mark.parametrize(
    ("filters", "by", "expected", "total"),
    [c[1:] for c in FREQUENCY_CASES],
    ids=[c[0] for c in FREQUENCY_CASES],
)
def test_frequency_counts_match_the_hand_count(
    matrix_project: Project,
    filters: Filters,
    by: str,
    expected: dict[tuple[str, str], int],
    total: int,
) -> None:
    cells, m = grid(matrix_project, filters, by)
    assert cells == expected
    assert m.total() == total
    assert sum(m.row_totals()) == total  # each coding in one column here


def test_rows_are_every_code_in_codebook_order_zero_rows_included(matrix_project: Project) -> None:
    _, m = grid(matrix_project, Filters())
    assert m.rows == CODES
    assert m.columns == ("d1", "d2")
    _, rolled = grid(matrix_project, Filters(rollup=True))
    assert rolled.rows == ("time", "cost", "facilities")
    assert rolled.row_labels == ("Waktu", "Biaya", "Sarana")


def test_documents_and_cases_measures_count_distinct(matrix_project: Project) -> None:
    freq = matrix_project.matrices.frequency_table(Filters(rollup=True), by="speaker")
    # time: c5 (interviewer, d1) and c1-c3 (participant, d1): one document in each column
    assert freq.documents.cell("time", "interviewer") == 1
    assert freq.documents.cell("time", "participant") == 1
    assert freq.documents.row_totals()[0] == 1  # not 2: the same document
    assert freq.cases.cell("cost", "participant") == 2  # Bu Siti (d1) and Pak Budi (d2's P)
    assert freq.cases.total() == 2
    assert freq.codings.row_totals()[0] == 4


def test_share_of_text_counts_nested_and_overlapping_codings_once(matrix_project: Project) -> None:
    freq = matrix_project.matrices.frequency_table(Filters(rollup=True))
    # time in d1: c3 holds c1 and c2, plus the question c5
    covered = length(D1, "Dua jam antre. Petugas datang telat.") + length(D1, "Berapa lama antre?")
    assert freq.share.cell("time", "d1") == pytest.approx(covered / len(D1), abs=1e-6)
    # cost in d2: c6 "Tidak ada biaya." and c8 "biaya. Ruang" overlap on "biaya."
    s6, e6 = span(D2, "Tidak ada biaya.")
    s8, e8 = span(D2, "biaya. Ruang")
    assert freq.share.cell("cost", "d2") == pytest.approx(
        (max(e6, e8) - min(s6, s8)) / len(D2), abs=1e-6
    )
    # the whole of d2 coded: c6, c7, c8 cover "Tidak ada biaya. Ruang tunggu panas."
    assert freq.share.column_totals()[1] == pytest.approx(
        length(D2, "Tidak ada biaya. Ruang tunggu panas.") / len(D2), abs=1e-6
    )
    assert freq.share.total() == pytest.approx(
        (
            covered
            + length(D1, "Biaya mahal sekali.")
            + length(D2, "Tidak ada biaya. Ruang tunggu panas.")
        )
        / (len(D1) + len(D2)),
        abs=1e-6,
    )


def test_share_by_speaker_role_uses_the_role_text(matrix_project: Project) -> None:
    freq = matrix_project.matrices.frequency_table(Filters(), by="speaker")
    interviewer_chars = length(D1, "Berapa lama antre?") + length(D2, "Ada biaya?")
    assert freq.share.cell("time.long_wait", "interviewer") == pytest.approx(
        length(D1, "Berapa lama antre?") / interviewer_chars, abs=1e-6
    )


def test_cooccurrence_overlap_sentence_turn(matrix_project: Project) -> None:
    co = matrix_project.matrices.cooccurrence(Filters())
    assert co.codes == CODES
    overlap = {
        (a, b)
        for i, a in enumerate(co.codes)
        for j, b in enumerate(co.codes)
        if i < j and co.counts["overlap"][i][j]
    }
    assert overlap == {
        ("time", "time.long_wait"),
        ("time", "time.late"),
        ("cost", "facilities.room"),
    }
    assert co.n["overlap"] == (1, 2, 1, 3, 0, 1)
    assert co.count("overlap", "time", "time.long_wait") == 1
    i, j = co.codes.index("time"), co.codes.index("time.long_wait")
    assert co.jaccard["overlap"][i][j] == pytest.approx(1 / (1 + 2 - 1))
    assert co.conditional["overlap"][i][j] == 1.0  # the time coding overlaps a long wait
    assert co.conditional["overlap"][j][i] == 0.5  # one of two long waits overlaps time
    c, r = co.codes.index("cost"), co.codes.index("facilities.room")
    assert co.jaccard["overlap"][c][r] == pytest.approx(1 / 3)
    # sentences touched: time {d1 S2, S3}, long wait {d1 S1, S2}, cost {d1 S4, d2 S2, d2 S3}
    assert co.n["sentence"] == (2, 2, 1, 3, 0, 1)
    assert co.count("sentence", "time", "time.long_wait") == 1
    assert co.jaccard["sentence"][i][j] == pytest.approx(1 / 3)
    assert co.count("sentence", "time.long_wait", "time.late") == 0
    # turns: every code of d1's participant turn shares it
    assert co.n["turn"] == (1, 2, 1, 2, 0, 1)
    assert co.count("turn", "time.long_wait", "time.late") == 1
    assert co.count("turn", "time.long_wait", "cost") == 1
    assert co.count("turn", "cost", "facilities.room") == 1
    lw, cost = co.codes.index("time.long_wait"), co.codes.index("cost")
    assert co.jaccard["turn"][lw][cost] == pytest.approx(1 / 3)
    assert co.jaccard["overlap"][co.codes.index("facilities")][0] == 0.0  # 0 / (0 + 1 - 0)
    assert co.conditional["overlap"][co.codes.index("facilities")][0] is None  # no codings


def test_cooccurrence_rolled_up_to_dimensions(matrix_project: Project) -> None:
    co = matrix_project.matrices.cooccurrence(Filters(rollup=True))
    assert co.codes == ("time", "cost", "facilities")
    assert co.n["overlap"] == (4, 3, 1)
    assert co.count("overlap", "time", "cost") == 0
    assert co.count("overlap", "cost", "facilities") == 1
    assert co.count("turn", "time", "cost") == 1


def test_pairs_behind_an_overlap_count(
    matrix_project: Project, matrix_guids: dict[str, str]
) -> None:
    pairs = matrix_project.matrices.overlapping_pairs()[("cost", "facilities.room")]
    assert [(a.guid, b.guid) for a, b in pairs] == [(matrix_guids["c8"], matrix_guids["c7"])]


def test_quote_matrix_cells_hold_the_quotes_with_place(matrix_project: Project) -> None:
    qm = matrix_project.matrices.quote_matrix(Filters(), by="case")
    assert qm.columns == ("Bu Siti", "Pak Budi")
    cell = qm.cells[qm.rows.index("time.long_wait")][0]
    assert [s.quote for s in cell] == ["Berapa lama antre?", "Dua jam antre."]
    assert [(s.speaker, s.role, s.turn) for s in cell] == [
        ("I", "interviewer", 1),
        ("P", "participant", 2),
    ]
    assert qm.count("cost", "Pak Budi") == 2
    rolled = matrix_project.matrices.quote_matrix(Filters(rollup=True), by="document")
    assert rolled.count("time", "d1") == 4


def test_segments_carry_cases_attributes_speaker_and_state(
    matrix_project: Project, matrix_guids: dict[str, str]
) -> None:
    segs = {s.guid: s for s in matrix_project.matrices.segments(Filters())}
    assert len(segs) == 8
    c1 = segs[matrix_guids["c1"]]
    assert c1.cases == ("Bu Siti",)
    assert c1.attributes == {"gender": "f", "occupation": "pedagang"}
    assert (c1.speaker, c1.role, c1.turn, c1.sentence) == ("P", "participant", 2, 2)
    assert c1.path == ("time", "time.long_wait")
    assert c1.labels == {"id": "Antre lama", "en": "Long wait"}
    assert c1.memo == "Dua jam: menunggu lama"
    c6 = segs[matrix_guids["c6"]]
    assert (c6.cases, c6.coder, c6.attributes) == (("Pak Budi",), "budi", {"gender": "m"})


def test_review_filter_and_review_state_in_segments(
    matrix_project: Project, matrix_guids: dict[str, str]
) -> None:
    matrix_project.review.review_coding(
        matrix_guids["c1"], "approved", "tepat", reviewer="supervisor"
    )
    matrix_project.review.review_coding(
        matrix_guids["c4"], "disputed", "ini biaya resmi?", reviewer="supervisor"
    )
    cells, _ = grid(matrix_project, Filters(review=("disputed",)))
    assert cells == {("cost", "d1"): 1}
    rolled = matrix_project.matrices.frequency_table(Filters(rollup=True), reviews=True)
    # (unreviewed, approved, disputed) per dimension: time holds c1 approved, cost c4 disputed
    assert rolled.reviews == ((3, 1, 0), (2, 0, 1), (1, 0, 0))
    seg = next(s for s in matrix_project.matrices.segments() if s.guid == matrix_guids["c4"])
    assert (seg.review, seg.reviewer, seg.comment, seg.thread) == (
        "disputed",
        "supervisor",
        "ini biaya resmi?",
        1,
    )


def test_appendix_counts_and_examples(matrix_project: Project) -> None:
    rows = {r.code: r for r in matrix_project.matrices.appendix(Filters())}
    assert (rows["cost"].codings, rows["cost"].documents, rows["cost"].cases) == (3, 2, 2)
    assert rows["time"].inclusion == "Lama menunggu."
    assert rows["time.long_wait"].depth == 1
    rolled = {r.code: r for r in matrix_project.matrices.appendix(Filters(rollup=True))}
    assert rolled["time"].codings == 4


def test_memo_rows_include_coding_memos(matrix_project: Project) -> None:
    memos = matrix_project.matrices.memo_rows()
    assert [(m.kind, m.text) for m in memos] == [
        ("project", "Catatan proyek"),
        ("coding", "Dua jam: menunggu lama"),
    ]


@pytest.mark.parametrize(
    ("filters", "by", "message"),
    [
        (Filters(codes=("nope",)), "document", "unknown code 'nope'"),
        (Filters(documents=("d9",)), "document", "no document named 'd9'"),
        (Filters(cases=("Nobody",)), "document", "no case named 'Nobody'"),
        (Filters(), "attribute:age", "no case attribute named 'age'"),
        (Filters(), "colour", "unknown grouping 'colour'"),
    ],
    ids=["code", "document", "case", "attribute", "grouping"],
)
def test_unknown_names_in_filters_are_one_clear_error(
    matrix_project: Project, filters: Filters, by: str, message: str
) -> None:
    with pytest.raises((NotFoundError, InputError), match=message):
        matrix_project.matrices.frequency_table(filters, by=by)


def test_old_frequency_signature_still_works(matrix_project: Project) -> None:
    m = matrix_project.matrices.frequency(coder="budi")
    assert m.total() == 1
    assert m.filters == {"by": "document", "status": "accepted", "coders": "budi"}
    assert replace(Filters(), rollup=True).describe()["rollup"].startswith("sub-codes")
