"""The pipeline benchmark runs end to end and checks its own counts (no timing here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import pipeline


def _corpus(folder: Path) -> None:
    docs = {
        "interview_0001": "Interviewer: How long did you wait?\n\nParticipant: Two hours. The officer came late.\n",
        "interview_0002": "Interviewer: Did you pay?\n\nParticipant: I paid fifty thousand. Nobody gave a receipt.\n",
    }
    for name, text in docs.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / "codebook.yaml").write_text(
        'codes:\n  - id: "time.negative"\n    label: "time"\n  - id: "cost.negative"\n    label: "cost"\n',
        encoding="utf-8",
    )
    t1 = docs["interview_0001"]
    t2 = docs["interview_0002"]
    plan = {
        "codings": [
            {
                "doc": "interview_0001",
                "start": t1.index("Two"),
                "end": t1.index("late.") + 5,
                "codes": ["time.negative"],
            },
            {
                "doc": "interview_0001",
                "start": t1.index("Two"),
                "end": t1.index("late.") + 5,
                "codes": ["time.negative"],
            },
            {
                "doc": "interview_0002",
                "start": t2.index("I paid"),
                "end": len(t2) - 1,
                "codes": ["cost.negative", "time.negative"],
            },
        ]
    }
    (folder / "plan.json").write_text(json.dumps(plan), encoding="utf-8")


def test_pipeline_counts_distinct_applications(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _corpus(corpus)
    assert pipeline.main(["--corpus", str(corpus), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["applications"] == 4
    assert figures["codings"] == 3  # one application repeats an identical coding
    assert set(figures) >= {"import_s", "code_s", "export_s", "codings", "peak_rss_mb"}


def test_pipeline_refuses_a_folder_without_a_plan(tmp_path: Path) -> None:
    assert pipeline.main(["--corpus", str(tmp_path)]) == 2


def test_refi_bench_round_trips_every_coding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import refi

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _corpus(corpus)
    assert refi.main(["--corpus", str(corpus), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["documents"], figures["codings"]) == (2, 3)
    assert set(figures) >= {"export_s", "read_s", "import_s", "qdpx_bytes", "peak_rss_mb"}


def test_import_speed_benchmark_runs_and_checks_its_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # its own process, as it is run: the peak memory it reports counts the process's
    # children, and in the test process those include LibreOffice and Chromium
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _corpus(corpus)
    script = str(Path(__file__).resolve().parent.parent / "bench" / "import_speed.py")

    def bench(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, script, "--corpus", str(corpus), *args],
            capture_output=True,
            text=True,
            timeout=300,
        )

    done = bench("--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["documents"] == 2 and figures["turns"] == 4
    assert figures["targets_met"] is True
    assert set(figures) >= {"import_s", "cpu_s", "peak_rss_mb", "words", "sentences"}
    assert set(figures) >= {"workers", "peak_processes", "peak_bound_mb"}
    # two files: no workers; the tree's peak is this process's memory at one moment
    assert figures["workers"] == 0 and figures["peak_processes"] >= 1
    assert 0 < figures["peak_rss_mb"] < 1024
    # a target that cannot be met is reported as missed, with exit status 1
    assert bench("--max-seconds", "0").returncode == 1
    # workers asked for, with too few files for the parallel path: still none
    assert json.loads(bench("--json", "--workers", "2").stdout)["workers"] == 0


def test_import_speed_compares_with_another_checkout_interleaved(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _corpus(corpus)
    root = Path(__file__).resolve().parent.parent
    # "another checkout": this one's benchmark and Python, through links
    other = tmp_path / "other"
    (other / ".venv" / "bin").mkdir(parents=True)
    (other / "bench").mkdir()
    python = other / ".venv" / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    (other / "bench" / "import_speed.py").symlink_to(root / "bench" / "import_speed.py")
    done = subprocess.run(
        [sys.executable, str(root / "bench" / "import_speed.py"), "--corpus", str(corpus)]
        + ["--compare", str(other), "--runs", "2", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["documents"], result["runs"], result["same_counts"]) == (2, 2, True)
    for side in ("this", "other"):
        times = result[side]["import_s"]
        assert times["min"] <= times["median"] <= times["max"]
        assert result[side]["tree_peak_mb"]["min"] > 0
    assert result["speedup"] > 0 and result["cpu_ratio"] > 0
    # interleaved: this, other, then other, this
    order = [line.split()[2] for line in done.stderr.splitlines() if line.startswith("run ")]
    assert order == ["this", "other", "other", "this"]


def test_tree_sampler_counts_a_child_process_at_the_same_moment() -> None:
    from bench.proctree import TreeSampler, tree

    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; b = bytearray(80 * 2**20); print('ready', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        sampler = TreeSampler()
        if not sampler.available:
            pytest.skip("no /proc")
        assert child.pid in tree(sampler.pid)
        alone = TreeSampler(child.pid).sample()
        total = sampler.sample()
        assert alone >= 80 * 2**20
        assert total >= alone and sampler.most_processes >= 2
    finally:
        child.communicate("", timeout=60)


def test_matrix_benchmark_runs_small_and_checks_its_counts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bench import matrices

    assert matrices.main(["--docs", "4", "--codes", "12", "--codings", "40", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["codings"] == 40
    assert set(figures) >= {"frequency_s", "xlsx_quotes_s", "xlsx_all_s"}


@pytest.mark.serial
def test_tui_speed_bench_runs_the_binary_in_tmux(capsys: pytest.CaptureFixture[str]) -> None:
    """The workbench benchmark stays runnable through a real terminal (figures are
    checked, not timed)."""
    from bench import tui_speed
    from tests.conftest import require

    require("tmux")
    argv = ["--lines", "200", "--codings", "40", "--keys", "3", "--launches", "2"]
    assert tui_speed.main([*argv, "--ui-lang", "both", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["launches"], figures["keys"], figures["terminal"]) == (2, 3, "tmux 120x40")
    assert list(figures["sides"]) == ["qualcode en", "qualcode id"]  # the languages interleaved
    side = figures["sides"]["qualcode id"]
    for kind in ("open_s", "open_cpu_s", "ready_s", "move_ms", "apply_ms"):
        assert (
            0 < side[kind]["min"] <= side[kind]["median"] <= side[kind]["p95"] <= side[kind]["max"]
        )
    assert side["ready_s"]["min"] >= side["open_s"]["min"]  # ready: the full project open
    assert side["rss_mb"] > 0


def test_tui_speed_ready_reads_the_status_line() -> None:
    from bench import tui_speed

    assert not tui_speed.ready("\n╭─ long_interview")  # the status line not drawn yet
    assert not tui_speed.ready(" long_interview │ opening the project…\n╭─")
    assert not tui_speed.ready(" long_interview │ membuka proyek…\n╭─")
    assert tui_speed.ready(" long_interview\n╭─")


def test_tui_speed_summary_takes_the_p95_rank() -> None:
    from bench import tui_speed

    got = tui_speed.summary([float(v) for v in range(1, 21)])
    assert got == {"median": 10.5, "p95": 19.0, "max": 20.0, "min": 1.0}
    assert tui_speed.summary([4.0]) == {"median": 4.0, "p95": 4.0, "max": 4.0, "min": 4.0}


def test_search_speed_bench_finds_the_same_sentences_both_ways(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import search_speed

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _corpus(corpus)
    (corpus / "interview_0003.txt").write_text(
        "Interviewer: And the counter?\n\nParticipant: We were waiting and waiting at the "
        "counter. The office was waiting too.\n",
        encoding="utf-8",
    )
    assert search_speed.main(["--corpus", str(corpus), "--repeat", "1", "--json"]) == 0
    rows = {(r["query"], r["lemma"]): r for r in json.loads(capsys.readouterr().out)["queries"]}
    assert rows[("waiting", False)]["screen_hits"] == 3  # every occurrence, placed
    assert rows[("waiting", False)]["fts_hits"] == 2  # the sentences holding it
    assert rows[("counter", False)]["screen_hits"] == 2
    assert rows[("wait", True)]["screen_hits"] >= 3  # wait, waiting, waiting


def test_findings_bench_runs_the_real_command_and_reads_the_chapter_back(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from bench import findings_speed

    assert findings_speed.main(["--runs", "1", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["format"] == "docx" and figures["runs"] == 1
    assert figures["median_s"] > 0 and figures["median_cpu_s"] > 0
    assert figures["bytes"] > 10_000


def test_export_speed_benchmark_writes_the_same_files_both_ways(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import export_speed

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _corpus(corpus)
    assert export_speed.main(["--corpus", str(corpus), "--runs", "2", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["problems"] == [] and figures["runs"] == 2
    assert figures["files"] == 6 + 2  # Taguette's set and one CSV for each of the 2 codes
    assert set(figures["bundle"]) == {"wall_s", "wall_range", "cpu_s", "cpu_range"}
