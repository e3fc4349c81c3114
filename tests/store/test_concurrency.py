"""Coders writing at the same time: nothing lost, nothing doubled, no silent overwrite.

Real processes through the Project API (bench/concurrency.py holds the workers; the
benchmark reports the throughput).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from bench import concurrency
from qualcode.errors import ConflictError
from qualcode.store import Project, open_project
from qualcode.store import engine as engine_module
from qualcode.store.codebook_ops import Codes
from tests.pg import ROLE_PASSWORD, PgDatabase

pytestmark = pytest.mark.serial

CODERS = ["ani", "budi", "citra", "dewi"]


def _postgres(pg_db: PgDatabase) -> tuple[str, list[str]]:
    concurrency.make_project(pg_db.url)
    owner = open_project(pg_db.url)
    roles = [pg_db.role(c) for c in CODERS]
    try:
        for role in roles:
            owner.team.add_coder(role, password=ROLE_PASSWORD)
    finally:
        owner.close()
    return pg_db.url, [pg_db.url_as(r) for r in roles]


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, list[str]]:
    """(the project, one location per coder process)."""
    if request.param == "sqlite":
        location = str(tmp_path / "qualcode.db")
        concurrency.make_project(location)
        return location, [location] * len(CODERS)
    return _postgres(request.getfixturevalue("pg_db"))


@pytest.mark.slow
def test_four_coders_times_500_codings_end_with_exactly_2000(
    shared: tuple[str, list[str]],
) -> None:
    location, locations = shared
    results, _wall = concurrency.run_codings(locations, CODERS, 500)
    assert [r["errors"] for r in results] == [[], [], [], []]
    assert sorted(r["created"] for r in results) == [500, 500, 500, 500]
    assert concurrency.check(location) == {"rows": 2000, "guids": 2000, "identities": 2000}
    coders = {r["coder"] for r in results}
    assert len(coders) == 4  # each process coded as its own coder (role on PostgreSQL)


def test_the_same_coding_applied_by_four_processes_is_stored_once(
    shared: tuple[str, list[str]],
) -> None:
    location, _ = shared
    results = concurrency.run_same_span(location, 4, spans=50)
    assert [r["errors"] for r in results] == [[], [], [], []]
    created = sorted(i for r in results for i in r["created"])
    assert created == list(range(50))  # each one created by exactly one process
    counts = concurrency.check(location)
    assert counts == {"rows": 50, "guids": 50, "identities": 50}


def test_two_concurrent_edits_of_one_code_one_wins_one_is_told(
    shared: tuple[str, list[str]],
) -> None:
    location, _ = shared
    for _round in range(2):
        p = open_project(location)
        version = concurrency.code_version(p, "competence")
        p.close()
        results = concurrency.run_lost_update(location, version)
        winners = [r for r in results if r["won"]]
        losers = [r for r in results if not r["won"]]
        assert len(winners) == 1 and len(losers) == 1
        assert losers[0]["error"] == (
            f"code 'competence' was changed by someone else meanwhile "
            f"(version {version + 1}, you edited version {version}) "
            "(reload the codebook and make your change again)"
        )
        p = open_project(location)
        assert p.codebook()["competence"].description == f"by {winners[0]['label']} at {version}"
        assert concurrency.code_version(p, "competence") == version + 1
        p.close()


def test_compare_and_set_catches_an_edit_between_read_and_write(
    pg_db: PgDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both transactions read version v before either writes (forced with a barrier);
    PostgreSQL's READ COMMITTED would let both UPDATEs through without the version in
    the WHERE clause."""
    concurrency.make_project(pg_db.url)
    barrier = threading.Barrier(2, timeout=30)
    original = Codes._bump

    def bump_after_both_read(self: Any, tx: Any, row: Any, expected: int | None) -> int:
        barrier.wait()
        return original(self, tx, row, expected)

    monkeypatch.setattr(Codes, "_bump", bump_after_both_read)
    outcome: dict[str, str] = {}

    def edit(label: str) -> None:
        project: Project = open_project(pg_db.url)
        try:
            project.codes.update_code("competence", description=label)
            outcome[label] = "won"
        except ConflictError as exc:
            outcome[label] = str(exc)
        finally:
            project.close()

    threads = [threading.Thread(target=edit, args=(x,)) for x in ("one", "two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(v == "won" for v in outcome.values()) == [False, True]
    loser = next(v for v in outcome.values() if v != "won")
    assert loser.startswith("code 'competence' was changed by someone else meanwhile (version 2")


def test_sqlite_writers_retry_when_the_lock_outlasts_busy_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = str(tmp_path / "qualcode.db")
    concurrency.make_project(location)
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 50)
    project = open_project(location)
    blocker = sqlite3.connect(location, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock ...
    timer = threading.Timer(0.3, blocker.execute, args=("COMMIT",))  # ... for 300 ms
    timer.start()
    try:
        _, created = project.codings.apply_coding(concurrency.DOC, "time", 0, 5)
    finally:
        timer.join()
        blocker.close()
        project.close()
    assert created
