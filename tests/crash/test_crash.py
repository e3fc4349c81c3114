"""Crash safety with real processes: SIGKILL at random moments during coding, import,
merge and export, more than 100 kills per run, every project whole afterwards.

The driver is ``tests/crash/harness.py`` (``python -m tests.crash.harness``) (run it by hand with more kills or another seed);
its victims are forked from a lean server that has imported qualcode's store,
services and command line, but not Textual (and spaCy only to import).
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import FAKE_NOW
from tests.crash import harness as crash

pytestmark = pytest.mark.serial

SEED = 20260115
KILLS = 104


@dataclass
class CrashEnv:
    server: crash.ForkServer
    setup: crash.Setup


@pytest.fixture(scope="module")
def crash_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrashEnv]:
    """One fork server and the projects every scenario starts from."""
    workdir = tmp_path_factory.mktemp("crash")
    home = tmp_path_factory.mktemp("crash-home")
    env = dict(os.environ)
    env.pop("QUALCODE_PROJECT", None)
    env.update(
        QUALCODE_CONFIG_DIR=str(home / "config"),
        QUALCODE_DATA_DIR=str(home / "data"),
        QUALCODE_CODER="tester",
        QUALCODE_FAKE_NOW=FAKE_NOW,
    )
    server = crash.ForkServer(workdir, env=env)
    try:
        yield CrashEnv(server, crash.setup(server, workdir))
    finally:
        server.close()


@pytest.mark.slow
def test_every_project_is_whole_after_each_of_a_hundred_kills(crash_env: CrashEnv) -> None:
    assert crash_env.server.ready["modules"] == []  # neither Textual nor spaCy in a victim
    results = crash.run_scenarios(crash_env.server, crash_env.setup, kills=KILLS, seed=SEED)
    kills = {r.name: r.kills for r in results}
    assert sum(kills.values()) >= 100
    assert set(kills) == {"coding", "import", "merge", "export"}
    assert min(kills.values()) >= 20
    by_name = {r.name: r for r in results}
    assert by_name["coding"].acknowledged > 100
    assert by_name["import"].acknowledged > 50


def test_the_checks_catch_a_program_that_acknowledges_before_it_commits(
    crash_env: CrashEnv,
) -> None:
    with pytest.raises(crash.CrashCheckFailed, match="the codings differ: missing"):
        crash.scenario_coding(
            crash_env.server, crash_env.setup, random.Random(SEED), 30, ack_early=True
        )


def test_the_checks_catch_a_half_imported_document(crash_env: CrashEnv, tmp_path: Path) -> None:
    project = tmp_path / "qualcode.db"
    crash.fresh_copy(crash_env.setup.base, project)
    reference = crash.import_state(project)
    crash.check_import(project, reference, "whole")
    con = sqlite3.connect(project)
    con.execute(
        "DELETE FROM sentence_search WHERE rowid IN (SELECT s.pk FROM sentences s "
        "JOIN documents d ON d.pk = s.document_pk WHERE d.name = 'wawancara_03_petani')"
    )
    con.commit()
    con.close()
    with pytest.raises(crash.CrashCheckFailed, match="half-imported document 'wawancara_03"):
        crash.check_import(project, reference, "damaged")


def test_the_checks_catch_a_damaged_file(crash_env: CrashEnv, tmp_path: Path) -> None:
    project = tmp_path / "qualcode.db"
    shutil.copyfile(crash_env.setup.base, project)
    con = sqlite3.connect(project)
    con.execute("PRAGMA journal_mode=DELETE")
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'sentences'").fetchone()[0]
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    data = bytearray(project.read_bytes())
    data[(root - 1) * page + 8 : (root - 1) * page + 64] = b"\xff" * 56  # the table's root page
    project.write_bytes(bytes(data))
    with pytest.raises(crash.CrashCheckFailed, match="integrity_check|malformed"):
        crash.check_integrity(project, "damaged")
