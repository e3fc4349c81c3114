"""Every format gives the text a coder reads, the same turns, and cue timestamps."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.errors import InputError
from qualcode.importers.base import read_transcript
from qualcode.importers.blocks import Block, assemble
from qualcode.importers.speakers import SpeakerConfig
from tests.conftest import hypothesis_examples, require
from tests.importers import writers
from tests.importers.writers import EXPECTED_TEXT, EXPECTED_TURNS, TIMES_MS, WRITERS


def _turns(path: Path) -> list[tuple[str | None, str]]:
    doc = read_transcript(path)
    return [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns]


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_each_format_gives_the_same_text_and_turns(fmt: str, tmp_path: Path) -> None:
    path = WRITERS[fmt](tmp_path)
    doc = read_transcript(path)
    assert doc.text == EXPECTED_TEXT
    assert [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns] == EXPECTED_TURNS
    assert [t.role for t in doc.turns[1:]] == ["interviewer", "participant"] * 2
    assert doc.source_format == path.suffix.lstrip(".")
    for t in doc.turns:
        assert 0 <= t.start <= t.end <= len(doc.text)


@pytest.mark.parametrize("fmt", ["rtf", "pdf", "odt"])
def test_libreoffice_conversions_of_a_word_file(fmt: str, tmp_path: Path) -> None:
    """RTF, PDF and ODT as LibreOffice saves a Word transcript (bold names, no colon)."""
    require("soffice")
    source = writers.write_docx(tmp_path)
    converted = writers.soffice_convert(source, fmt, tmp_path / "out")
    doc = read_transcript(converted)
    assert doc.text == EXPECTED_TEXT
    assert [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns] == EXPECTED_TURNS


def test_committed_rtf_written_by_libreoffice() -> None:
    """The same conversion, committed, so the RTF reader is tested without LibreOffice."""
    doc = read_transcript(Path(__file__).parent.parent / "data" / "transcripts" / "wawancara.rtf")
    assert doc.text == EXPECTED_TEXT
    assert doc.encoding == "cp1252"


@pytest.mark.parametrize("fmt", ["vtt", "srt"])
def test_cue_timestamps_are_kept_on_the_turns_they_start(fmt: str, tmp_path: Path) -> None:
    doc = read_transcript(WRITERS[fmt](tmp_path))
    assert [t.timestamp_ms for t in doc.turns] == [0, *TIMES_MS]


def test_word_table_template_time_speaker_words(tmp_path: Path) -> None:
    doc = read_transcript(writers.write_docx_table(tmp_path))
    assert [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns] == EXPECTED_TURNS
    assert [t.timestamp_ms for t in doc.turns[1:]] == [1000, 5000, 12000, 15000]


def test_vtt_without_voices_uses_labels_in_cues_and_joins_unlabelled_cues(tmp_path: Path) -> None:
    path = tmp_path / "zoom.vtt"
    path.write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\nInterviewer: How long\n\n"
        "2\n00:00:03.000 --> 00:00:05.000\ndid you wait?\n\n"
        "3\n00:00:06.000 --> 00:00:08.000\nParticipant: <i>Two</i> hours &amp; more.\n\n"
        "4\n00:00:08.500 --> 00:00:09.000\nParticipant: Really.\n",
        encoding="utf-8",
    )
    doc = read_transcript(path)
    assert (
        doc.text
        == "Interviewer: How long did you wait?\n\nParticipant: Two hours & more. Really.\n"
    )
    assert [(t.speaker, t.timestamp_ms) for t in doc.turns] == [
        ("Interviewer", 1000),
        ("Participant", 6000),
    ]


def test_srt_without_speakers_becomes_paragraphs_at_pauses(tmp_path: Path) -> None:
    path = tmp_path / "plain.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:02,000\nthe queue was long\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\nand slow.\n\n"
        "3\n00:00:09,000 --> 00:00:10,000\nThen I left.\n",
        encoding="utf-8",
    )
    doc = read_transcript(path)
    assert doc.text == "the queue was long and slow.\n\nThen I left.\n"
    assert [t.timestamp_ms for t in doc.turns] == [1000, 9000]


def test_a_bold_word_that_starts_one_paragraph_is_not_a_speaker(tmp_path: Path) -> None:
    from docx import Document

    d = Document()
    p = d.add_paragraph()
    p.add_run("Catatan").bold = True
    p.add_run(" wawancara ini direkam.")
    for who, what in [("P1", "Saya setuju."), ("P2", "Saya tidak.")]:
        q = d.add_paragraph()
        q.add_run(who).bold = True
        q.add_run(" " + what)
    d.save(str(tmp_path / "fg.docx"))
    doc = read_transcript(tmp_path / "fg.docx")
    assert doc.text == "Catatan wawancara ini direkam.\n\nP1: Saya setuju.\n\nP2: Saya tidak.\n"
    assert [t.speaker for t in doc.turns] == [None, "P1", "P2"]


def test_project_roles_apply_to_markup_labels(tmp_path: Path) -> None:
    doc = read_transcript(
        WRITERS["vtt"](tmp_path), speakers=SpeakerConfig(roles={"bu sari": "interviewer"})
    )
    assert [t.role for t in doc.turns if t.speaker == "Bu Sari"] == ["interviewer"] * 2


def test_real_qualcoder_transcript(tmp_path: Path) -> None:
    """QualCoder's example transcript (MIT; notice in tests/data/transcripts/README.md)."""
    path = Path(__file__).parent.parent / "data" / "transcripts" / "qualcoder_transcript.txt"
    doc = read_transcript(path)
    assert [t.speaker for t in doc.turns] == ["id1", "id2", "id3", "id1", "id3", "id1", "id2"]
    assert doc.text[doc.turns[1].start : doc.turns[1].end].startswith("I am struggling")


BLOCKS = st.lists(
    st.builds(
        lambda text, label, sure, ts: Block(
            text=(f"{label} {text}" if label else text),
            label=label,
            body=text,
            sure=sure,
            timestamp_ms=ts,
        ),
        st.text(alphabet=st.sampled_from("ab :.,\n\t[]*"), max_size=25),
        st.one_of(st.none(), st.sampled_from(["P1", "Bu Sari", "Dr. X", "Smith, J", "A:B"])),
        st.booleans(),
        st.one_of(st.none(), st.integers(0, 10_000)),
    ),
    min_size=1,
    max_size=12,
)


@settings(derandomize=True, deadline=None, max_examples=hypothesis_examples(200))
@given(BLOCKS)
def test_assembled_turns_lie_inside_the_text_and_never_overlap(blocks: list[Block]) -> None:
    try:
        doc = assemble(Path("x.docx"), blocks, fmt="docx", speakers=None, name=None)
    except InputError:
        return  # nothing but blank paragraphs
    previous_end = 0
    for t in doc.turns:
        begin = t.label_start if t.label_start is not None else t.start
        assert 0 <= begin <= t.start <= t.end <= len(doc.text)
        assert begin >= previous_end
        previous_end = t.end


def test_word_speaker_names_on_their_own_lines(tmp_path: Path) -> None:
    """A bold name alone in a paragraph, the words in the next ones."""
    from docx import Document

    d = Document()
    d.add_paragraph().add_run("Transkrip Wawancara").bold = True
    for who, what in [("INTERVIEWER", "How long?"), ("RESPONDENT", "Two hours.\nThen I left.")]:
        d.add_paragraph().add_run(who).bold = True
        d.add_paragraph(what)
    d.add_paragraph().add_run("INTERVIEWER").bold = True
    d.add_paragraph("Why?")
    d.save(str(tmp_path / "own.docx"))
    doc = read_transcript(tmp_path / "own.docx")
    assert [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns] == [
        (None, "Transkrip Wawancara"),
        ("INTERVIEWER", "How long?"),
        ("RESPONDENT", "Two hours.\nThen I left."),
        ("INTERVIEWER", "Why?"),
    ]


def test_a_zip_bomb_named_docx_is_refused_before_it_is_unpacked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    monkeypatch.setattr("qualcode.importers.office.MAX_UNPACKED", 1_000_000)
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>" + " " * 2_000_000 + "</w:document>")
    with pytest.raises(InputError, match="unpacks to 2,000,0"):
        read_transcript(path)
