"""Shared fixtures: the developer's machine stays out, the clock and coder are fixed."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualcode.store import Project, open_project

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CODEBOOK = ROOT / "codebooks" / "kepmenpan-63.yaml"
TRANSCRIPTS = ROOT / "transcripts"
FAKE_NOW = "2026-01-15T09:30:00Z"


@pytest.fixture(autouse=True)
def no_discovered_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No user settings, data folder or project leak in; clock and coder are fixed."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("QUALCODE_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("QUALCODE_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("QUALCODE_CODER", "tester")
    monkeypatch.setenv("QUALCODE_FAKE_NOW", FAKE_NOW)
    monkeypatch.delenv("QUALCODE_PROJECT", raising=False)


def require(tool: str) -> None:
    """Skip when ``tool`` is missing on a developer's machine; fail in CI."""
    if shutil.which(tool) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is required in CI (.ci/run installs it)")
        pytest.skip(f"{tool} is not installed")


def dump_db(path: Path) -> list[str]:
    """Every statement that rebuilds the database: equal dumps mean equal contents."""
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def demo_files() -> list[Path]:
    """The shipped demo transcripts."""
    return sorted(
        p for p in TRANSCRIPTS.iterdir() if p.suffix in (".txt", ".md") and p.name != "README.md"
    )


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project built once per test session (spaCy segmentation is slow)."""
    from qualcode import services

    mp = pytest.MonkeyPatch()
    mp.setenv("QUALCODE_FAKE_NOW", FAKE_NOW)
    mp.setenv("QUALCODE_CODER", "tester")
    folder = tmp_path_factory.mktemp("demo-template")
    shutil.copyfile(CODEBOOK, folder / "kepmenpan-63.yaml")
    project = services.init_project(str(folder / "qualcode.db"), folder / "kepmenpan-63.yaml")
    try:
        report = services.import_transcripts(project, demo_files())
        assert not report.errors, report.errors
    finally:
        project.close()
        mp.undo()
    return folder


@pytest.fixture
def demo_dir(_demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo project folder (project file plus its codebook)."""
    target = tmp_path / "demo"
    shutil.copytree(_demo_template, target)
    # the project remembers its codebook file by absolute path: point it at the copy
    con = sqlite3.connect(target / "qualcode.db")
    con.execute(
        "UPDATE settings SET value = ? WHERE key = 'codebook_path'",
        ('"' + str(target / "kepmenpan-63.yaml") + '"',),
    )
    con.commit()
    con.close()
    return target


@pytest.fixture
def demo(demo_dir: Path) -> Iterator[Project]:
    """The demo project, opened."""
    project = open_project(str(demo_dir))
    yield project
    project.close()


@pytest.fixture
def empty_project(tmp_path: Path) -> Iterator[Project]:
    """A new project linked to the shipped codebook, no documents."""
    from qualcode import services

    shutil.copyfile(CODEBOOK, tmp_path / "codebook.yaml")
    project = services.init_project(str(tmp_path / "qualcode.db"), tmp_path / "codebook.yaml")
    yield project
    project.close()


# PostgreSQL: a throwaway cluster per session, a database per test (tests/pg.py)
from tests.pg import backend, pg_db, pg_server, team_template  # noqa: E402, F401
