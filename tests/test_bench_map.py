"""Smoke test of bench/map_speed.py: it builds its project and measures on a small
one (no timing is asserted: figures are measured in bench/, not in tests)."""

from __future__ import annotations

import json

import pytest

from bench import map_speed


def test_map_bench_runs_on_a_small_project(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUALCODE_CODER", "bench")
    argv = ["--codes", "20", "--documents", "3", "--codings", "120", "--themes", "4"]
    assert map_speed.main([*argv, "--relations", "3", "--runs", "1", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["themes"] == 4 and figures["codings"] == 120
    assert figures["nodes"] >= 4
    assert figures["svg_bytes"] > 1000
    for key in ("svg_ms_median", "open_80x24_ms_median", "open_200x50_ms_median"):
        assert figures[key] > 0
