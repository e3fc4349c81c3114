"""Speaker turns in every label style researchers write."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.importers.speakers import SpeakerConfig, find_turns, parse_timestamp
from tests.conftest import hypothesis_examples

STYLES: list[tuple[str, str, list[str | None]]] = [
    (
        "name-colon",
        "Bu Sari: Halo.\nPak Darto: Iya.\nBu Sari: Lalu?\n",
        ["Bu Sari", "Pak Darto", "Bu Sari"],
    ),
    (
        "space-before-colon",
        "Pewawancara : Apa kabar?\nNarasumber : Baik.\n",
        ["Pewawancara", "Narasumber"],
    ),
    ("bold", "**Interviewer:** Hi.\n\n**Participant:** Hello.\n", ["Interviewer", "Participant"]),
    (
        "bold-colon-outside",
        "**Interviewer**: Hi.\n**Participant**: Hello.\n",
        ["Interviewer", "Participant"],
    ),
    (
        "bracket",
        "[id1] hello there.\n\n[id2] I am struggling.\n\n[id1] yes.\n",
        ["id1", "id2", "id1"],
    ),
    ("numbered-speaker", "Speaker 1: Hi.\nSpeaker 12: Yes.\n", ["Speaker 1", "Speaker 12"]),
    ("p-numbers", "P1: Saya setuju.\nP2: Saya tidak.\n", ["P1", "P2"]),
    ("shorthand", "I: How long?\nR: Two hours.\nQ: Why?\nA: No idea.\n", ["I", "R", "Q", "A"]),
    (
        "indonesian-roles",
        "Pewawancara: Apa?\nNarasumber: Ini.\nInforman 3: Itu.\n",
        ["Pewawancara", "Narasumber", "Informan 3"],
    ),
    (
        "timestamp-bracket",
        "[00:12:34] Pewawancara: Mulai.\n[00:12:40] Narasumber: Baik.\n",
        ["Pewawancara", "Narasumber"],
    ),
    (
        "timestamp-bare",
        "00:01:02 Interviewer: Hi.\n00:01:05 Participant: Hello.\n",
        ["Interviewer", "Participant"],
    ),
    (
        "hard-wrapped",
        "Interviewer: A question that goes on\nand on over lines.\nParticipant: An answer\nwrapped too.\n",
        ["Interviewer", "Participant"],
    ),
    ("no-labels", "First paragraph.\n\nSecond paragraph.\n", [None, None]),
    (
        "colon-in-sentence-is-not-a-label",
        "Narasumber: Syaratnya ada tiga:\nsyaratnya ada tiga: KTP, KK.\nPewawancara: Oh.\nNarasumber: Ya.\n",
        ["Narasumber", "Pewawancara", "Narasumber"],
    ),
    (
        "preamble",
        "Wawancara 1, 12 Mei.\n\nPewawancara: Halo.\nNarasumber: Hai.\n",
        [None, "Pewawancara", "Narasumber"],
    ),
]


@pytest.mark.parametrize(("name", "text", "speakers"), STYLES, ids=[s[0] for s in STYLES])
def test_label_styles(name: str, text: str, speakers: list[str | None]) -> None:
    turns = find_turns(text)
    assert [t.speaker for t in turns] == speakers
    for t in turns:
        content = text[t.start : t.end]
        assert content == content.strip()
        if t.speaker:
            assert t.speaker not in content[: len(t.speaker)] or name == "no-labels"


# (id, text, number of turns, speakers in order)
COUNTS: list[tuple[str, str, int, list[str | None]]] = [
    (
        "name-colon",
        "Bu Sari: A.\nPak Darto: B.\nBu Sari: C.\n",
        3,
        ["Bu Sari", "Pak Darto", "Bu Sari"],
    ),
    ("name-space-colon", "Pewawancara : A.\nNarasumber : B.\n", 2, ["Pewawancara", "Narasumber"]),
    ("markdown-bold", "**Peneliti:** A.\n\n**Informan 3:** B.\n", 2, ["Peneliti", "Informan 3"]),
    (
        "bracket",
        "[Bu Sari] A.\n[Pak Darto] B.\n[Bu Sari] C.\n",
        3,
        ["Bu Sari", "Pak Darto", "Bu Sari"],
    ),
    (
        "speaker-12",
        "Speaker 1: A.\nSpeaker 12: B.\nSpeaker 1: C.\n",
        3,
        ["Speaker 1", "Speaker 12", "Speaker 1"],
    ),
    ("p-numbers", "P1: A.\nP2: B.\nP10: C.\n", 3, ["P1", "P2", "P10"]),
    ("i-r", "I: A?\nR: B.\nI: C?\nR: D.\n", 4, ["I", "R", "I", "R"]),
    ("q-a", "Q: A?\nA: B.\n", 2, ["Q", "A"]),
    ("tanya-jawab", "T: Berapa lama?\nJ: Dua jam.\n", 2, ["T", "J"]),
    (
        "zoom-bracket-time",
        "[Bu Sari] 10:02:33\nHalo.\n\n[Pak Darto] 10:02:40\nHai.\n",
        2,
        ["Bu Sari", "Pak Darto"],
    ),
    (
        "pewawancara-narasumber",
        "Pewawancara: A?\nNarasumber: B.\n",
        2,
        ["Pewawancara", "Narasumber"],
    ),
    (
        "informan-n",
        "Pewawancara: A?\nInforman 3: B.\nInforman 4: C.\n",
        3,
        ["Pewawancara", "Informan 3", "Informan 4"],
    ),
    (
        "timestamp-bracket",
        "[00:12:34] Bu Sari: A.\n[00:12:50] Pak Darto: B.\n",
        2,
        ["Bu Sari", "Pak Darto"],
    ),
    (
        "timestamp-bare",
        "00:12:34 Interviewer: A.\n00:12:50 Participant: B.\n",
        2,
        ["Interviewer", "Participant"],
    ),
    (
        "timestamp-dash",
        "00:12:34 - Bu Sari: A.\n00:12:50 - Pak Darto: B.\n",
        2,
        ["Bu Sari", "Pak Darto"],
    ),
    (
        "timestamp-short",
        "[01:02] Bu Sari: A.\n[01:09] Pak Darto: B.\n",
        2,
        ["Bu Sari", "Pak Darto"],
    ),
    (
        "rev-paren-time",
        "Interviewer (00:00:01): A.\nSpeaker 2 (00:00:05): B.\n",
        2,
        ["Interviewer", "Speaker 2"],
    ),
    (
        "otter",
        "Speaker 1  0:03\nA, and\nmore.\n\nSpeaker 2  0:07\nB.\n",
        2,
        ["Speaker 1", "Speaker 2"],
    ),
    (
        "uppercase",
        "INTERVIEWER: A.\nRESPONDENT: B.\nINTERVIEWER: C.\n",
        3,
        ["INTERVIEWER", "RESPONDENT", "INTERVIEWER"],
    ),
    (
        "hard-wrapped",
        "Pewawancara: A long\nquestion.\nNarasumber: A long\nanswer\n\nin two paragraphs.\n",
        2,
        ["Pewawancara", "Narasumber"],
    ),
    ("timestamps-only", "[00:00:01] Hello.\n[00:00:05] Hi.\n", 2, [None, None]),
    ("plain-paragraphs", "One.\n\nTwo.\n\nThree.\n", 3, [None, None, None]),
    (
        "colon-inside-sentence",
        "Narasumber: Syaratnya: KTP.\nPewawancara: Oh.\n",
        2,
        ["Narasumber", "Pewawancara"],
    ),
    (
        "time-of-day-in-a-wrapped-line-is-not-a-label",
        "Narasumber: Saya datang\njam sembilan  10:30\nPewawancara: Oh.\n",
        2,
        ["Narasumber", "Pewawancara"],
    ),
]


@pytest.mark.parametrize(("name", "text", "count", "speakers"), COUNTS, ids=[c[0] for c in COUNTS])
def test_label_style_turn_counts(
    name: str, text: str, count: int, speakers: list[str | None]
) -> None:
    turns = find_turns(text)
    assert len(turns) == count
    assert [t.speaker for t in turns] == speakers


def test_turn_content_excludes_label_and_keeps_wrapped_lines() -> None:
    text = "Interviewer: A question that goes on\nand on over lines.\nParticipant: An answer\n"
    turns = find_turns(text)
    assert text[turns[0].start : turns[0].end] == "A question that goes on\nand on over lines."
    assert turns[0].label_start == 0


def test_bracket_label_with_a_time_keeps_the_time_out_of_the_text() -> None:
    text = "[Bu Sari] 10:02:33\nHalo.\n\n[Pak Darto] 10:02:40\nHai.\n"
    turns = find_turns(text)
    assert [(t.timestamp_ms, text[t.start : t.end]) for t in turns] == [
        (36_153_000, "Halo."),
        (36_160_000, "Hai."),
    ]
    assert find_turns("T: Apa?\nJ: Ini.\n")[0].role == "interviewer"


def test_timestamps_are_kept_on_turns() -> None:
    turns = find_turns("[00:12:34] Pewawancara: Mulai.\n[01:02:03.5] Narasumber: Baik.\n")
    assert [t.timestamp_ms for t in turns] == [754_000, 3_723_500]
    assert parse_timestamp("12:34") == 754_000


def test_roles_default_and_configured() -> None:
    turns = find_turns("Pewawancara: Apa?\nNarasumber: Ini.\n")
    assert [t.role for t in turns] == ["interviewer", "participant"]
    config = SpeakerConfig(roles={"Bu Ani": "interviewer"})
    turns = find_turns("Bu Ani: Apa?\nPak Budi: Ini.\nBu Ani: Oh.\n", config)
    assert [t.role for t in turns] == ["interviewer", "participant", "interviewer"]


def test_custom_pattern() -> None:
    config = SpeakerConfig(patterns=(r"^<(?P<name>[A-Z]+)>\s*",))
    turns = find_turns("<INT> Hello\n<RESP> Hi\n", config)
    assert [t.speaker for t in turns] == ["INT", "RESP"]


LINES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "Pewawancara: ",
                "Narasumber: ",
                "P1: ",
                "[id2] ",
                "**A:** ",
                "[00:01:02] I: ",
                "Speaker 2 (00:00:05): ",
                "Speaker 1  0:03\n",
                "00:12:34 - Bu Sari: ",
                "[Bu Sari] 10:02:33\n",
                "T: ",
                "",
                "\n",
            ]
        ),
        st.text(alphabet=st.sampled_from("abc :.,?[]*\n\t0123IPR"), max_size=30),
    ).map(lambda s: s),
    max_size=30,
)


@settings(max_examples=hypothesis_examples(300), derandomize=True, deadline=None)
@given(LINES)
def test_turns_stay_inside_text_and_never_overlap(parts: list[str]) -> None:
    text = "".join(parts)
    turns = find_turns(text)
    previous_end = 0
    for t in turns:
        assert 0 <= t.start <= t.end <= len(text)
        begin = t.label_start if t.label_start is not None else t.start
        assert begin >= previous_end
        assert begin <= t.start
        previous_end = t.end


# ---------------------------------------------------------------- no silent merge
# (follow-up of issue 14, point 2): a paragraph that starts like a label but is not
# taken as one is its own turn without a speaker, reported by line


def _turns(text: str) -> list[tuple[str | None, str]]:
    return [(t.speaker, text[t.start : t.end]) for t in find_turns(text)]


NOT_MERGED: list[tuple[str, str, list[tuple[str | None, str]], tuple[int, ...]]] = [
    (
        "time-lowercase-note-between-bold-labels",
        "**Budi:** Saya datang jam tujuh.\n\n[00:12:34] note: the recording paused here.\n\n"
        "**K:** Berapa lama?\n\n**Budi:** Dua jam.\n",
        [
            ("Budi", "Saya datang jam tujuh."),
            (None, "[00:12:34] note: the recording paused here."),
            ("K", "Berapa lama?"),
            ("Budi", "Dua jam."),
        ],
        (3,),
    ),
    (
        "plain-note-after-the-first-label",
        "Pewawancara: Berapa lama?\nNarasumber: Dua jam.\nNote: the officer came in.\n"
        "Pewawancara: Lalu?\n",
        [
            ("Pewawancara", "Berapa lama?"),
            ("Narasumber", "Dua jam."),
            (None, "Note: the officer came in."),
            ("Pewawancara", "Lalu?"),
        ],
        (3,),
    ),
    (
        "note-before-the-first-label-is-preamble",
        "Catatan: rekaman kedua.\n\nPewawancara: Mulai?\n\nNarasumber: Ya.\n",
        [
            (None, "Catatan: rekaman kedua."),
            ("Pewawancara", "Mulai?"),
            ("Narasumber", "Ya."),
        ],
        (),
    ),
    (
        "bold-note-is-not-a-speaker",
        "**Host:** Welcome.\n\n**Note:** the guest is late.\n\n**Guest:** Sorry!\n\n"
        "**Host:** No problem.\n",
        [
            ("Host", "Welcome."),
            (None, "**Note:** the guest is late."),
            ("Guest", "Sorry!"),
            ("Host", "No problem."),
        ],
        (3,),
    ),
    (
        "lowercase-recurring-label-by-a-time-is-the-speaker",
        "[00:01:00] Budi: Saya antre.\n[00:01:09] Kiki: Lama?\n[00:01:15] budi: Lama sekali.\n",
        [("Budi", "Saya antre."), ("Kiki", "Lama?"), ("Budi", "Lama sekali.")],
        (),
    ),
    (
        "lowercase-role-word-by-a-time",
        "[00:01:00] interviewer: How long?\n[00:01:05] Budi: Two hours.\n",
        [("interviewer", "How long?"), ("Budi", "Two hours.")],
        (),
    ),
    (
        "lowercase-word-once-by-a-time-is-nobody",
        "[00:01:00] Budi: Saya antre.\n\n[00:01:05] well: it was long.\n\n[00:01:09] Kiki: Lama?\n",
        [("Budi", "Saya antre."), (None, "[00:01:05] well: it was long."), ("Kiki", "Lama?")],
        (3,),
    ),
    (
        "lowercase-note-with-a-time-after-it",
        "**A:** Satu.\n\nnote (00:02:00): tape changed.\n\n**B:** Dua.\n",
        [("A", "Satu."), (None, "note (00:02:00): tape changed."), ("B", "Dua.")],
        (3,),
    ),
    (
        "a-time-without-a-colon-continues-the-turn",
        "**A:** Satu.\n\n[00:02:00] and then we left.\n\n**B:** Dua.\n",
        [("A", "Satu.\n\n[00:02:00] and then we left."), ("B", "Dua.")],
        (),
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "turns", "reported"), NOT_MERGED, ids=[c[0] for c in NOT_MERGED]
)
def test_label_like_paragraphs_are_never_merged(
    name: str, text: str, turns: list[tuple[str | None, str]], reported: tuple[int, ...]
) -> None:
    from qualcode.importers.speakers import analyse_turns

    assert _turns(text) == turns
    assert analyse_turns(text).unrecognised == reported


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Interviewer1", "Interviewer 1"),
        ("Interviewer 2", "Interviewer 2"),
        ("Interviewer  3", "Interviewer 3"),
        ("INFORMAN2", "INFORMAN 2"),
        ("Speaker12", "Speaker 12"),
        ("Pewawancara1", "Pewawancara 1"),
        ("P1", "P1"),
        ("R2", "R2"),
        ("Budi2", "Budi2"),
        ("Interviewer", "Interviewer"),
    ],
)
def test_numbered_role_labels_read_the_same(written: str, shown: str) -> None:
    from qualcode.importers.speakers import display_name

    assert display_name(written) == shown
    assert [t.speaker for t in find_turns(f"{written}: Halo?\nBudi: Ya.\n")] == [shown, "Budi"]


def test_a_role_set_for_one_spelling_holds_for_the_other() -> None:
    config = SpeakerConfig(roles={"Interviewer2": "participant"})
    assert config.role_of("Interviewer 2") == "participant"
    assert config.role_of("interviewer2") == "participant"
    assert config.role_of("Interviewer 1") == "interviewer"
