"""Paragraphs over spaCy's max_length (E088) give the same sentences as one run with
max_length raised."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.core.model import TurnSpan
from qualcode.nlp.pipeline import get_pipeline
from qualcode.nlp.segment import segment


@pytest.mark.slow
def test_a_paragraph_over_a_million_characters_segments_as_with_max_length_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sentence = "Saya antre dua jam di kantor camat, petugas datang telat sekali. "
    body = sentence * (1_050_000 // len(sentence) + 1)  # one paragraph, no blank line
    text = "Narasumber: " + body
    turns = [TurnSpan(start=len("Narasumber: "), end=len(text), speaker="Narasumber")]
    nlp = get_pipeline("id")
    assert len(body) > nlp.max_length
    windows = segment(text, turns, "id")
    monkeypatch.setattr(nlp, "max_length", 10 * len(text))
    raised = segment(text, turns, "id")
    assert windows == raised
    assert len(windows) == body.count(". ")


@pytest.mark.slow
def test_import_of_a_transcript_with_a_huge_paragraph_is_not_a_traceback(
    tmp_path: Path, empty_project: object
) -> None:
    path = tmp_path / "huge_paragraph.txt"
    path.write_text(
        "Pewawancara: Berapa lama?\n\nNarasumber: " + "Saya antre lama sekali. " * 45_000,
        encoding="utf-8",
    )
    r = CliRunner().invoke(
        cli, ["--project", str(tmp_path / "qualcode.db"), "import", str(path)], prog_name="qualcode"
    )
    assert r.exit_code == 0, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "45001 sentences" in r.stdout or "45,001 sentences" in r.stdout
