"""The peer comparison runs end to end on a tiny corpus and checks its own exports
(no timing here). Taguette's side runs when /tmp/peer-venv has it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import peers

SMALL = ["--n", "3", "--words", "400", "--tags", "6", "--per-doc", "5", "--json"]

pytestmark = pytest.mark.skipif(peers.find_synth() is None, reason="bench/synth.py is missing")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = peers.main([*SMALL, *args])
    return code, json.loads(capsys.readouterr().out)


def test_qualcode_side_runs_every_phase_and_checks_its_exports(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = _run(capsys, "--no-peer")
    assert code == 0 and out["ok"] is True
    qualcode, taguette = out["sides"]
    assert set(qualcode["seconds"]) == {"startup", *peers.PHASES}
    assert qualcode["counts"]["applications"] == out["corpus"]["applications"]
    assert qualcode["counts"]["documents"] == 3
    assert taguette["skipped"] == "--no-peer"
    assert out["ratios"] == {}


def test_a_wrong_export_fails_the_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = peers.expected_per_code

    def off_by_one(plan: list[dict[str, Any]], *, distinct: bool) -> dict[str, int]:
        counts = real(plan, distinct=distinct)
        first = sorted(counts)[0]
        return counts | {first: counts[first] + 1}

    monkeypatch.setattr(peers, "expected_per_code", off_by_one)
    code, out = _run(capsys, "--no-peer")
    assert code == 1 and out["ok"] is False
    assert "frequency export differs from the plan" in out["sides"][0]["problems"][0]


def test_a_missing_peer_is_skipped_with_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out = _run(capsys, "--taguette-python", str(tmp_path / "no-python"))
    assert code == 0
    assert out["sides"][1]["skipped"].startswith("Taguette is not installed")


@pytest.mark.skipif(
    peers.taguette_version(peers.DEFAULT_TAGUETTE_PYTHON) is None,
    reason="Taguette is not installed in /tmp/peer-venv",
)
def test_taguette_side_over_its_http_api(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys)
    assert code == 0, out
    qualcode, taguette = out["sides"]
    assert taguette["skipped"] is None and taguette["problems"] == []
    assert taguette["counts"]["applications"] == out["corpus"]["applications"]
    assert set(out["ratios"]) == set(peers.PHASES)
