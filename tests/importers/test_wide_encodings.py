"""UTF-16 and UTF-32 without a byte-order mark are recognised; ``--encoding`` always
overrides (the check for binary data included)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.importers.decode import decode_text, normalize
from qualcode.store import open_project

TEXTS = {
    "indonesian": "Pewawancara: Berapa lama antre?\n\nNarasumber: Dua jam, kafé tutup. Rp. 50.000!\n",
    "english-crlf": "Interviewer: How long?\r\n\r\nParticipant: Two hours — the café was shut.\r\n",
    "emoji": "Pewawancara: Bagaimana?\n\nNarasumber: Lama sekali 😩 (dua jam).\n",
    "one line": "Narasumber: ya.",
}
WIDE = ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]


@pytest.mark.parametrize("encoding", WIDE)
@pytest.mark.parametrize("name", sorted(TEXTS))
def test_wide_text_without_a_mark_is_recognised(name: str, encoding: str, tmp_path: Path) -> None:
    text = TEXTS[name]
    decoded = decode_text(text.encode(encoding), tmp_path / "x.txt")
    assert decoded.text == text
    assert decoded.encoding == encoding
    assert decoded.notices == (
        f"{tmp_path / 'x.txt'}: {encoding.upper()} without a byte-order mark; read as "
        f"{encoding} (pass --encoding to read it otherwise)",
    )


def test_binary_data_is_still_refused(tmp_path: Path) -> None:
    from qualcode.errors import InputError

    junk = b"\x00\x01\x02\x03\xff\xfe\x00\x00" + bytes(range(256)) * 4
    with pytest.raises(InputError, match="is a binary file"):
        decode_text(junk, tmp_path / "x.txt")


@pytest.mark.parametrize("encoding", WIDE)
def test_import_of_wide_text_without_a_mark(
    empty_project: object, tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / f"wawancara_{encoding}.txt"
    path.write_bytes(TEXTS["indonesian"].encode(encoding))
    r = CliRunner().invoke(
        cli, ["--project", str(tmp_path / "qualcode.db"), "import", str(path)], prog_name="qualcode"
    )
    assert r.exit_code == 0, r.output
    assert "without a byte-order mark" in r.stderr
    with open_project(str(tmp_path / "qualcode.db")) as p:
        assert p.documents.document(path.stem).text == normalize(TEXTS["indonesian"])


def test_encoding_overrides_everything(empty_project: object, tmp_path: Path) -> None:
    db = str(tmp_path / "qualcode.db")
    wide = tmp_path / "wide.txt"
    wide.write_bytes(TEXTS["indonesian"].encode("utf-16-le"))
    # the issue: --encoding utf-16-le used to be refused as a binary file
    r = CliRunner().invoke(
        cli, ["--project", db, "import", "--encoding", "utf-16-le", str(wide)], prog_name="qualcode"
    )
    assert r.exit_code == 0, r.output
    # nothing about the encoding: it was given (the language guess may be noted)
    assert "encoding" not in r.stderr and "utf-16" not in r.stderr, r.stderr
    # a wrong --encoding that makes no text is one line, not a silent import
    other = tmp_path / "other.txt"
    other.write_bytes(TEXTS["english-crlf"].encode("utf-16-be"))
    r = CliRunner().invoke(
        cli, ["--project", db, "import", "--encoding", "latin-1", str(other)], prog_name="qualcode"
    )
    assert r.exit_code == 1
    assert r.stderr.startswith(f"error: {other}: read as latin-1 this is not text (")
    # and on UTF-8 text the override is obeyed, whatever it makes of it
    plain = tmp_path / "plain.txt"
    plain.write_text("Narasumber: kafé.\n", encoding="utf-8")
    r = CliRunner().invoke(
        cli, ["--project", db, "import", "--encoding", "cp1252", str(plain)], prog_name="qualcode"
    )
    assert r.exit_code == 0, r.output
    with open_project(db) as p:
        assert "kafÃ©" in p.documents.document("plain").text


def test_an_attribute_sheet_saved_as_utf16_without_a_mark(demo_dir: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "attributes.csv"
    sheet.write_bytes("case;pekerjaan\nP1;pedagang\n".encode("utf-16-le"))
    r = CliRunner().invoke(
        cli,
        ["--project", str(demo_dir), "attributes", "import", str(sheet), "--create"],
        prog_name="qualcode",
    )
    assert r.exit_code == 0, r.output
