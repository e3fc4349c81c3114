"""Every speaker style of the fixtures in tests/data/transcripts/styles, exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from qualcode.importers.base import read_transcript
from qualcode.importers.speakers import describe_speakers
from tests.conftest import DATA

STYLES = DATA / "transcripts" / "styles"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(
    (STYLES / "expected.yaml").read_text(encoding="utf-8")
)


def test_every_fixture_has_expectations() -> None:
    files = {p.name for p in STYLES.iterdir() if p.suffix in (".md", ".txt")}
    files.discard("README.md")
    assert files == set(EXPECTED)
    assert len(files) >= 19


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_imports_as_expected(name: str) -> None:
    want = EXPECTED[name]
    doc = read_transcript(STYLES / name)
    got = []
    for t in doc.turns:
        who: Any = list(t.speakers) if len(t.speakers) > 1 else t.speaker
        role: Any = list(t.roles) if len(t.speakers) > 1 else t.role
        got.append([who, role, doc.text[t.start : t.end]])
    assert got == want["turns"]
    assert describe_speakers(doc.speakers) == want["speakers"]
    assert {s.name: s.how for s in doc.speakers} == want["how"]
    if "timestamps" in want:
        assert [t.timestamp_ms for t in doc.turns] == want["timestamps"]
    assert doc.front_matter == want.get("front_matter", {})
    assert list(doc.warnings) == want.get("warnings", [])


def test_front_matter_and_markup_are_not_text() -> None:
    doc = read_transcript(STYLES / "podcast.md")
    for gone in ("+++", "title =", "**", "_Antre", "*surat", "](", "`", "# Antre", "- kuota"):
        assert gone not in doc.text, gone
    assert "Antre Bareng" in doc.text and "papan pengumuman" in doc.text


def test_label_lines_of_a_wrapped_transcript_name_the_file_lines(tmp_path: Path) -> None:
    """Line numbers in warnings are the file's, front matter included."""
    text = "---\ntitle: x\n---\n\n" + (STYLES / "minority_labels.txt").read_text("utf-8")
    path = tmp_path / "notes.md"
    path.write_text(text, encoding="utf-8")
    doc = read_transcript(path)
    assert doc.warnings == (
        "3 paragraphs look like speaker labels that were not recognised (each is a turn "
        "without a speaker): lines 10, 14, 16",
    )
