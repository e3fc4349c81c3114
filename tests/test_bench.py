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
    # a target that cannot be met is reported as missed, with exit status 1
    assert bench("--max-seconds", "0").returncode == 1


def test_matrix_benchmark_runs_small_and_checks_its_counts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bench import matrices

    assert matrices.main(["--docs", "4", "--codes", "12", "--codings", "40", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["codings"] == 40
    assert set(figures) >= {"frequency_s", "xlsx_quotes_s", "xlsx_all_s"}


def test_tui_speed_bench_runs_on_a_small_transcript(capsys: pytest.CaptureFixture[str]) -> None:
    """The workbench benchmark stays runnable (figures are checked, not timed)."""
    from bench import tui_speed

    assert tui_speed.main(["--lines", "200", "--codings", "40", "--keys", "3", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["codings_shown"] == 40
    assert figures["pages"] > 0
    assert set(figures) >= {"open_s", "move_ms_median", "apply_ms_median", "rss_mb_growth"}


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
