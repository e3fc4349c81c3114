"""Smoke test of bench/tui_work.py: it builds its project and times every call on a
small one (no timing is asserted: figures are measured in bench/, not in tests)."""

from __future__ import annotations

import json

import pytest

from bench import tui_work


def test_tui_work_bench_runs_on_a_small_project(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUALCODE_CODER", "bench")
    args = ["--codings", "120", "--documents", "3", "--runs", "1", "--json"]
    assert tui_work.main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["codings"] == 120
    assert sorted(out["calls"]) == sorted(tui_work.CALLS)
    assert {name: t["worker"] for name, t in out["calls"].items()} == {
        "review: frequency table + quote matrix": True,
        "coding: code counts": True,
        "coding: documents": False,
        "text analysis: word frequencies": True,
        "adjudicate: compare two coders": False,
    }
    assert all(t["median_ms"] >= 0 and t["max_ms"] >= t["median_ms"] for t in out["calls"].values())
