"""The CLI front end of two use cases the workbench also calls: ``qualcode in-vivo``
(services.create_in_vivo) and ``qualcode adjudicate`` without ``--coders``
(services.adjudication_pair)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.store import open_project
from tests.conftest import D1, span


def run(path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--project", str(path), *args])
    return result.exit_code, result.stdout, result.stderr


def test_in_vivo_names_a_code_by_the_words_and_codes_them(matrix_path: Path) -> None:
    code, out, err = run(matrix_path, "in-vivo", "d1", "--match", "Petugas datang telat.")
    start, end = span(D1, "Petugas datang telat.")
    assert (code, err) == (0, "")
    assert out == (
        f"coded d1 [{start}:{end}] with the new code invivo.petugas_datang_telat "
        "“Petugas datang telat”\n"
    )
    code, out, _err = run(matrix_path, "in-vivo", "d1", "--match", "Petugas datang", "--json")
    assert code == 0
    made = json.loads(out)
    assert made["code"] == {"id": "invivo.petugas_datang", "label": "Petugas datang"}
    assert (made["coding"]["code"], made["coding"]["start"]) == ("invivo.petugas_datang", start)
    project = open_project(str(matrix_path))
    try:
        assert project.codebook().get("invivo.petugas_datang_telat") is not None
    finally:
        project.close()
    code, _out, err = run(matrix_path, "in-vivo", "d1", "--match", "?")
    assert code == 1
    assert err == "error: select some words first\n"


def test_adjudicate_without_coders_takes_the_two_with_most_codings(matrix_path: Path) -> None:
    code, out, _err = run(matrix_path, "adjudicate", "d2", "--json")
    assert code == 0
    shown = json.loads(out)
    assert (shown["a"], shown["b"]) == ("ana", "budi")
    code, _out, err = run(matrix_path, "adjudicate", "d1")
    assert code == 1
    assert err == "error: d1 has codings by fewer than two coders: nothing to adjudicate\n"
    code, _out, err = run(matrix_path, "adjudicate", "nowhere")
    assert code == 1 and err.startswith("error: ") and "nowhere" in err
