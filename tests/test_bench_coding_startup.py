"""The coding and start-up benchmarks run end to end and check their own counts
(no timing is asserted here)."""

from __future__ import annotations

import json

import pytest

from bench import coding_speed, startup


@pytest.mark.serial
def test_coding_speed_bench_applies_the_plan(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--n", "2", "--words", "300", "--rounds", "1", "--no-pg", "--json"]
    assert coding_speed.main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["corpus"]["documents"] == 2
    (result,) = report["results"]
    assert (result["side"], result["backend"]) == ("qualcode", "sqlite")
    (round_,) = result["rounds"]
    assert round_["applications"] == report["corpus"]["code_links"]
    for part in (round_["full"], round_["normal"], round_["raw"]["full"], round_["raw"]["normal"]):
        assert part["wall"] > 0 and part["cpu"] >= 0
    assert "| qualcode | sqlite | apply_coding |" in coding_speed.table(report)


def test_coding_speed_applications_follow_the_plan() -> None:
    plan = [
        {"doc": "a", "start": 0, "end": 5, "codes": ["x", "y"]},
        {"doc": "b", "start": 3, "end": 9, "codes": ["x"]},
    ]
    assert coding_speed.applications(plan) == [("a", "x", 0, 5), ("a", "y", 0, 5), ("b", "x", 3, 9)]


@pytest.mark.serial
def test_startup_bench_runs_every_light_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert startup.main(["--runs", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    side = report["sides"]["qualcode"]
    assert side["missing"] == []
    assert set(side["commands"]) == set(startup.COMMANDS)
    assert all(v["median_s"] > 0 for v in side["commands"].values())
