"""The peer comparison runs end to end on a tiny corpus and checks its own exports
(no timing here). qualcode's side always runs; Taguette's and qc's sides run when
/tmp/peer-venv and /tmp/qc-venv have them (they are not in CI)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import peers, pipeline

SMALL = ["--n", "3", "--words", "400", "--tags", "6", "--per-doc", "5", "--runs", "1", "--json"]

pytestmark = pytest.mark.skipif(peers.find_synth() is None, reason="bench/synth.py is missing")

HAS_TAGUETTE = peers.taguette_version(peers.DEFAULT_TAGUETTE_PYTHON) is not None
HAS_QC = peers.qc_version(peers.DEFAULT_QC_PYTHON) is not None


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = peers.main([*SMALL, *args])
    return code, json.loads(capsys.readouterr().out)


def test_qualcode_side_runs_every_phase_and_checks_its_exports(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = _run(capsys, "--no-peer")
    assert code == 0 and out["ok"] is True, out
    qualcode, taguette, qc = out["sides"]
    assert set(qualcode["seconds"]) == {"startup", *peers.PHASES}
    assert len(qualcode["runs"]) == 1 and qualcode["problems"] == []
    assert qualcode["counts"]["applications"] == out["corpus"]["applications"]
    assert qualcode["counts"]["documents"] == 3
    # Taguette's set: codebook .qdc/.csv/.xlsx, passages .csv/.xlsx/.html, one CSV per code
    assert qualcode["counts"]["export_files"] == 6 + out["corpus"]["codes"]
    assert taguette["skipped"] == qc["skipped"] == "--no-peer"
    assert out["ratios"] == {}
    assert set(out["machine"]) >= {"cpu", "cores", "ram", "python"}


def test_runs_are_interleaved_and_summarised_as_median_and_range(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = _run(capsys, "--no-peer", "--runs", "2")
    assert code == 0, out
    qualcode = out["sides"][0]
    assert out["runs"] == 2 and len(qualcode["runs"]) == 2
    for phase, (low, high) in qualcode["range"].items():
        values = sorted(r[phase] for r in qualcode["runs"])
        assert (low, high) == (values[0], values[-1])
        assert abs(qualcode["seconds"][phase] - (values[0] + values[1]) / 2) < 0.002


def test_a_wrong_export_fails_the_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.expected_counts

    def off_by_one(plan: dict[str, Any]) -> dict[tuple[str, str], int]:
        counts = real(plan)
        first = sorted(counts)[0]
        return counts | {first: counts[first] + 1}

    monkeypatch.setattr(pipeline, "expected_counts", off_by_one)
    code, out = _run(capsys, "--no-peer")
    assert code == 1 and out["ok"] is False
    assert "segments.csv counts differ from the plan" in out["sides"][0]["problems"][0]


def test_the_text_report_shows_each_sides_work(capsys: pytest.CaptureFixture[str]) -> None:
    code = peers.main([*SMALL[:-1], "--no-peer"])
    text = capsys.readouterr().out
    assert code == 0
    assert "| phase | qualcode |" in text
    assert "qualcode: imported 3 transcripts" in text
    assert "plan: 15 passages carrying" in text
    assert "Taguette skipped: --no-peer" in text and "qc skipped: --no-peer" in text


def test_a_missing_peer_is_skipped_with_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out = _run(
        capsys,
        "--taguette-python",
        str(tmp_path / "no-python"),
        "--qc-python",
        str(tmp_path / "no-python"),
    )
    assert code == 0
    assert out["sides"][1]["skipped"].startswith("Taguette is not installed")
    assert out["sides"][2]["skipped"].startswith("qc is not installed")


@pytest.mark.skipif(not HAS_TAGUETTE, reason="Taguette is not installed in /tmp/peer-venv")
def test_taguette_side_over_its_http_api(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out = _run(capsys, "--qc-python", str(tmp_path / "no-python"))
    assert code == 0, out
    _, taguette, _ = out["sides"]
    assert taguette["skipped"] is None and taguette["problems"] == []
    assert taguette["counts"]["applications"] == out["corpus"]["applications"]
    assert taguette["counts"]["export_files"] == 6 + out["corpus"]["codes"]
    assert set(out["ratios"]["taguette"]) == {"startup", *peers.PHASES}


@pytest.mark.skipif(not HAS_QC, reason="qualitative-coding is not installed in /tmp/qc-venv")
def test_qc_side_through_its_commands(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out = _run(capsys, "--taguette-python", str(tmp_path / "no-python"))
    assert code == 0, out
    _, _, qc = out["sides"]
    assert qc["skipped"] is None and qc["problems"] == []
    assert qc["counts"]["documents"] == 3
    # a passage's codes go on its line; two passages on one line share it
    assert 0 < qc["counts"]["coded_lines"] <= out["corpus"]["applications"]
    assert set(out["ratios"]["qc"]) == {"startup", *peers.PHASES}


def test_qc_line_plan_puts_each_passage_on_its_line() -> None:
    from bench import qc_peer

    txt = {"d": "A: one\n\nB: two three\n\nA: four\n"}
    plan = [
        {"doc": "d", "start": 11, "end": 16, "codes": ["x.y", "z"]},
        {"doc": "d", "start": 3, "end": 6, "codes": ["z"]},
        {"doc": "d", "start": 14, "end": 19, "codes": ["z"]},
    ]
    assert qc_peer.planned_lines(txt, plan) == {"d": {2: {"x_y", "z"}, 0: {"z"}}}
    assert qc_peer.qc_name("service.time-2") == "service_time-2"
