"""`make bench` (bench/run_all.py) runs every benchmark on a corpus it makes itself and
writes one JSON summary: here in its tiny mode, so every benchmark keeps running."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import run_all


def test_last_json_finds_one_line_or_an_indented_value() -> None:
    assert run_all.last_json('# machine\n{"a": 1}\n') == {"a": 1}
    assert run_all.last_json('[\n  {\n    "a": 1\n  }\n]\n# a table\n') == [{"a": 1}]
    assert run_all.last_json("{not json}\n") is None
    assert run_all.last_json("") is None


def test_the_corpus_is_made_here_and_is_the_reference_one(tmp_path: Path) -> None:
    """bench/synth.py is vendored: seed 1 gives the digest docs/benchmarks.md lists."""
    summary = run_all.make_corpus(tmp_path / "c", 20, 3000)
    assert str(summary["corpus_sha256"]).startswith("eece89638eb9ca0b")
    assert (summary["words"], summary["code_links"]) == (61423, 537)


@pytest.mark.slow
def test_make_bench_tiny_runs_every_benchmark_into_one_summary(tmp_path: Path) -> None:
    out = tmp_path / "summary.json"
    assert run_all.main(["--tiny", "--out", str(out), "--workdir", str(tmp_path)]) == 0
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert summary["mode"] == "tiny"
    assert summary["failed"] == []
    assert set(summary["results"]) == set(run_all.BENCHMARKS)
    for name, result in summary["results"].items():
        assert result["figures"], name
    assert summary["corpus"]["documents"] == run_all.TINY.docs
