"""The auto-coding speed benchmark builds its corpus and measures (no timing here)."""

from __future__ import annotations

from pathlib import Path

from bench import autocode_speed


def test_corpus_reaches_the_token_count_and_the_run_stores_suggestions(tmp_path: Path) -> None:
    figures = autocode_speed.prepare(tmp_path, 12_000)
    # one copy of the six Indonesian transcripts is not enough: two are made
    assert figures["documents"] == 12
    assert int(figures["tokens"]) >= 12_000  # type: ignore[call-overload]
    assert int(figures["words"]) < int(figures["tokens"])  # type: ignore[call-overload]
    measured = autocode_speed.measure(tmp_path)
    assert int(measured["stored"]) == int(measured["suggestions"]) > 500  # type: ignore[call-overload]
    assert measured["warm_suggestions"] == measured["suggestions"]
    assert float(measured["autocode_cpu_s"]) > 0  # type: ignore[arg-type]
