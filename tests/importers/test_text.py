"""Plain text and Markdown import: normalization and refusals."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from qualcode.errors import InputError
from qualcode.importers.base import read_transcript
from tests.conftest import DATA

BAD = DATA / "bad" / "transcripts"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_bom_crlf_and_nfc_are_normalized(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Narasumber: Saya ke kafé.")
    data = b"\xef\xbb\xbf" + ("Pewawancara: Halo?\r\n" + decomposed + "\r\n").encode()
    doc = read_transcript(write(tmp_path, "a.txt", data))
    assert doc.text == "Pewawancara: Halo?\nNarasumber: Saya ke kafé.\n"
    assert unicodedata.is_normalized("NFC", doc.text)
    assert doc.encoding == "utf-8-sig"
    assert [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns] == [
        ("Pewawancara", "Halo?"),
        ("Narasumber", "Saya ke kafé."),
    ]


def test_markdown_front_matter_dropped_and_bold_labels_understood(tmp_path: Path) -> None:
    md = "---\ntitle: Wawancara 6\ndate: 2024-05-21\n---\n\n**Pewawancara:** Selamat sore.\n\n**Narasumber**: Sore, Mas.\n"
    doc = read_transcript(write(tmp_path, "w.md", md.encode()))
    assert doc.text == "Pewawancara: Selamat sore.\n\nNarasumber: Sore, Mas.\n"
    assert doc.meta == {"title": "Wawancara 6", "date": "2024-05-21"}
    assert [t.speaker for t in doc.turns] == ["Pewawancara", "Narasumber"]
    assert doc.source_format == "md"


REFUSALS = [
    ("empty.txt", "file is empty (nothing to import)"),
    ("blank.txt", "file is empty (nothing to import)"),
    (
        "binary.txt",
        "is a binary file, not a text transcript (import .txt, .md and other supported formats)",
    ),
    (
        "undecidable.txt",
        "cannot tell the text encoding (not UTF-8, and no other encoding fits) "
        "(save the file as UTF-8, or pass --encoding)",
    ),
]


@pytest.mark.parametrize(("name", "message"), REFUSALS, ids=[n for n, _ in REFUSALS])
def test_bad_transcripts_are_refused_with_one_line(name: str, message: str) -> None:
    path = BAD / name
    with pytest.raises(InputError) as err:
        read_transcript(path)
    sep = "" if message[0].isdigit() else " "
    assert err.value.lines() == [f"{path}:{sep}{message}" if sep == "" else f"{path}: {message}"]


def test_missing_file_and_folder_and_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_transcript(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a folder"):
        read_transcript(tmp_path)
    with pytest.raises(InputError, match="unsupported file type '.xyz'"):
        read_transcript(write(tmp_path, "a.xyz", b"hello"))


def test_explicit_encoding_is_used(tmp_path: Path) -> None:
    doc = read_transcript(BAD / "latin1.txt", encoding="cp1252")
    assert "café" in doc.text
    assert doc.notices == ()


SAMPLE = "Pewawancara: Berapa biayanya?\nNarasumber: “Lima puluh ribu” – di kafé depan… naïve.\n"
ENCODINGS = [
    ("utf-8", SAMPLE.encode("utf-8"), "utf-8", False),
    ("utf-8-bom", b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig", False),
    ("utf-16-le-bom", SAMPLE.encode("utf-16"), "utf-16", False),
    ("utf-16-be-bom", b"\xfe\xff" + SAMPLE.encode("utf-16-be"), "utf-16", False),
    ("cp1252", SAMPLE.encode("cp1252"), "cp1252", True),
    (
        "latin-1",
        SAMPLE.replace("“", '"')
        .replace("”", '"')
        .replace("–", "-")
        .replace("…", "...")
        .encode("latin-1"),
        "cp1252",
        True,
    ),
    ("latin-1-short", "kafé".encode("latin-1"), "cp1252", True),
    (
        "cp1251-cyrillic",
        "Интервьюер: Сколько вы ждали в очереди?\n".encode("cp1251"),
        "cp1251",
        True,
    ),
]


@pytest.mark.parametrize(
    ("name", "data", "encoding", "reported"), ENCODINGS, ids=[e[0] for e in ENCODINGS]
)
def test_encodings_are_decoded_and_a_guess_is_reported(
    name: str, data: bytes, encoding: str, reported: bool, tmp_path: Path
) -> None:
    path = write(tmp_path, f"{name}.txt", data)
    doc = read_transcript(path)
    assert doc.encoding == encoding
    assert "\ufeff" not in doc.text
    if name.startswith(("utf", "cp1252")):
        assert doc.text == SAMPLE
    if reported:
        assert doc.notices == (
            f"{path}: not UTF-8; read as {encoding} (check accented letters, or pass --encoding)",
        )
    else:
        assert doc.notices == ()


def test_latin1_fixture_is_read_as_cp1252_with_a_notice() -> None:
    doc = read_transcript(BAD / "latin1.txt")
    assert "café" in doc.text
    assert doc.encoding == "cp1252"
    assert len(doc.notices) == 1
