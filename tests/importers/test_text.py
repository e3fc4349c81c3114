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
        "latin1.txt",
        "2:22: not valid UTF-8 (byte 0xe9) (save the file as UTF-8, or pass --encoding)",
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
