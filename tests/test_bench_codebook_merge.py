"""The codebook-merge benchmark runs and checks its own result (no timing here)."""

from __future__ import annotations

import json

import pytest

from bench import codebook_merge


def test_codebook_merge_benchmark_checks_its_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert codebook_merge.main(["--codes", "400", "--repeat", "1", "--json", "--no-files"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["problems"] == []
    assert figures["conflicts"] >= 10  # the planned ones at least
    assert figures["suggestions"] >= 24  # the planned near duplicates at least
    assert set(figures) >= {"merge_s", "files_s", "codes_ours", "codes_theirs"}


def test_the_plan_is_checked() -> None:
    base, ours, theirs, plan = codebook_merge.make_sides(400, 1)
    assert codebook_merge.check(base, ours, theirs, plan) == []
    plan.near.add(("nope", "nada"))
    assert codebook_merge.check(base, ours, theirs, plan) == [
        "missed near duplicates: [('nope', 'nada')]"
    ]
