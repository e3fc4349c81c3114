"""Frequency matrix exports: golden files for every format."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from qualcode import services
from qualcode.errors import InputError
from qualcode.store import Project


def test_csv_has_a_bom_and_matches_golden(
    small_project: Project, tmp_path: Path, golden: Callable[[str, str], None]
) -> None:
    out = tmp_path / "f.csv"
    services.export_frequency(small_project, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    golden("frequency.csv", raw.decode("utf-8-sig"))
    assert b"\r\n" in raw  # RFC 4180 line ends, as Excel writes them


def test_markdown_matches_golden(
    small_project: Project, tmp_path: Path, golden: Callable[[str, str], None]
) -> None:
    out = tmp_path / "f.md"
    services.export_frequency(small_project, out, label_lang="en")
    golden("frequency.md", out.read_text(encoding="utf-8"))


def test_sqlite_tables_a_supervisor_can_query(
    small_project: Project, tmp_path: Path, golden: Callable[[str, str], None]
) -> None:
    out = tmp_path / "f.sqlite"
    services.export_frequency(small_project, out)
    con = sqlite3.connect(out)
    golden("frequency.sqlite.sql", "\n".join(con.iterdump()) + "\n")
    rows = con.execute(
        'SELECT code, "column", count FROM frequency WHERE count > 0 ORDER BY code, "column"'
    ).fetchall()
    assert rows == [
        ("cost", "interview_b", 1),
        ("cost", "wawancara_a", 1),
        ("time.long_wait", "interview_b", 1),
        ("time.long_wait", "wawancara_a", 1),
    ]
    assert con.execute("SELECT total FROM frequency_wide WHERE code = 'cost'").fetchone() == (2,)
    con.close()


def test_existing_output_is_replaced_atomically(small_project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "f.csv"
    out.write_text("old")
    services.export_frequency(small_project, out)
    assert out.read_text(encoding="utf-8-sig").startswith("code,label,")
    assert [p.name for p in folder.iterdir()] == ["f.csv"]


def test_unknown_format_is_refused(small_project: Project, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot tell the format"):
        services.export_frequency(small_project, tmp_path / "f.txt")
