"""Smoke test of bench/themes_speed.py: it builds its project and measures on a
small one (no timing is asserted: figures are measured in bench/, not in tests)."""

from __future__ import annotations

import json

import pytest

from bench import themes_speed


def test_themes_bench_runs_on_a_small_project(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUALCODE_CODER", "bench")
    assert (
        themes_speed.main(
            [
                "--codes",
                "20",
                "--documents",
                "3",
                "--codings",
                "120",
                "--themes",
                "4",
                "--runs",
                "1",
                "--json",
            ]
        )
        == 0
    )
    figures = json.loads(capsys.readouterr().out)
    assert figures["codes_listed"] == 20
    assert figures["themes_listed"] == 4
    assert figures["codings"] == 120
    for key in ("open_ms_median", "move_ms_median", "into_ms_median"):
        assert figures[key] > 0
