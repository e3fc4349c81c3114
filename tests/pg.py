"""A throwaway PostgreSQL cluster for the tests (skipped locally without the
binaries, a failure in CI where ``.ci/run`` installs them).

One cluster per test session: ``initdb`` into a temporary folder (run as the
``postgres`` user when the tests run as root, since PostgreSQL refuses root), a free
port on 127.0.0.1, password authentication over TCP (so wrong credentials are
really refused), ``fsync=off``. Each test gets its own database, owned by its own
role, and every role a test creates ends with the test's suffix so it is dropped
afterwards.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests import pgcluster
from tests.pgcluster import SUPERUSER_PASSWORD, Cluster

ROLE_PASSWORD = "secret-pw"
_counter = itertools.count(1)


@dataclass
class PgServer:
    """The session's running cluster."""

    cluster: Cluster

    @property
    def port(self) -> int:
        return self.cluster.port

    def url(self, database: str, user: str, password: str, driver: str = "+psycopg") -> str:
        return self.cluster.url(database, user, password, driver)

    def admin(self) -> Any:
        import psycopg

        return psycopg.connect(
            self.url("postgres", "postgres", SUPERUSER_PASSWORD, driver=""), autocommit=True
        )


@dataclass
class PgDatabase:
    """One test's database and its owner."""

    server: PgServer
    name: str
    owner: str
    suffix: str

    @property
    def url(self) -> str:
        """The owner's URL (the owner creates the project)."""
        return self.server.url(self.name, self.owner, ROLE_PASSWORD)

    def role(self, base: str) -> str:
        """A role name unique to this test (dropped afterwards)."""
        return f"{base}_{self.suffix}"

    def url_as(self, role: str, password: str = ROLE_PASSWORD) -> str:
        """The URL for connecting as ``role``."""
        return self.server.url(self.name, role, password)


def _missing(reason: str) -> None:
    if os.environ.get("QUALCODE_NO_EXTERNAL"):
        pytest.skip("PostgreSQL: no external programs in make test-fast")
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: PostgreSQL is required in CI (.ci/run installs it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL cluster for this test session (one per pytest-xdist worker)."""
    if os.environ.get("QUALCODE_NO_EXTERNAL"):
        _missing("no external programs")
    bindir = pgcluster.find_bindir()
    if bindir is None:
        _missing("the PostgreSQL server binaries are not installed")
        raise AssertionError  # unreachable
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _missing("psycopg is not installed")
    try:
        cluster = pgcluster.start(bindir)
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"could not start PostgreSQL: {exc.stderr or exc.stdout}")
    try:
        yield PgServer(cluster)
    finally:
        cluster.stop()


@pytest.fixture
def pg_db(pg_server: PgServer) -> Iterator[PgDatabase]:
    """A fresh database owned by a fresh role (which may create coders' roles)."""
    suffix = f"{os.getpid()}_{next(_counter)}"
    db = PgDatabase(pg_server, f"qc_{suffix}", f"owner_{suffix}", suffix)
    with pg_server.admin() as conn:
        conn.execute(f"CREATE ROLE {db.owner} LOGIN CREATEROLE PASSWORD '{ROLE_PASSWORD}'")
        conn.execute(f"CREATE DATABASE {db.name} OWNER {db.owner}")
    try:
        yield db
    finally:
        with pg_server.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {db.name} WITH (FORCE)")
            roles = [
                r[0]
                for r in conn.execute(
                    "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"%\\_{suffix}",)
                )
            ]
            for role in roles:
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def dump_pg(url: str) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every row of every table, in primary-key order: equal dumps, equal contents."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    out: list[tuple[str, list[tuple[Any, ...]]]] = []
    with psycopg.connect(plain) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        for t in tables:
            rows = conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall()
            out.append((t, [tuple(r) for r in rows]))
    return out


# ---------------------------------------------------------------------- both backends

TEAM_DOCS = ("wawancara_01_pedagang_pasar.txt", "interview_07_ngo_observer.txt")


@pytest.fixture(scope="session")
def team_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite project with the shipped codebook and two transcripts, built once."""
    from qualcode import services
    from tests.conftest import CODEBOOK, FAKE_NOW, TRANSCRIPTS

    mp = pytest.MonkeyPatch()
    mp.setenv("QUALCODE_FAKE_NOW", FAKE_NOW)
    mp.setenv("QUALCODE_CODER", "tester")
    folder = tmp_path_factory.mktemp("team-template")
    shutil.copyfile(CODEBOOK, folder / "codebook.yaml")
    project = services.init_project(str(folder / "qualcode.db"), folder / "codebook.yaml")
    try:
        report = services.import_transcripts(project, [TRANSCRIPTS / n for n in TEAM_DOCS])
        assert not report.errors, report.errors
    finally:
        project.close()
        mp.undo()
    return folder / "qualcode.db"


def sqlite_copy(template: Path, folder: Path) -> str:
    """A private copy of a SQLite project whose codebook file is private too."""
    import sqlite3

    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, folder / "qualcode.db")
    shutil.copyfile(template.parent / "codebook.yaml", folder / "codebook.yaml")
    con = sqlite3.connect(folder / "qualcode.db")
    con.execute(
        "UPDATE settings SET value = ? WHERE key = 'codebook_path'",
        ('"' + str(folder / "codebook.yaml") + '"',),
    )
    con.commit()
    con.close()
    return str(folder / "qualcode.db")


def postgres_copy(template: Path, db: PgDatabase) -> str:
    """The template's content in a fresh PostgreSQL project (merged in as the owner)."""
    from qualcode.store import open_project
    from qualcode.store.project_merge import read_project

    project = open_project(db.url)
    try:
        project.merge.merge_from(read_project(str(template)))
    finally:
        project.close()
    return db.url


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, team_template: Path, tmp_path: Path) -> str:
    """The project location (file or URL) of a copy of the team template, on each
    backend."""
    if request.param == "sqlite":
        return sqlite_copy(team_template, tmp_path / "project")
    db: PgDatabase = request.getfixturevalue("pg_db")
    return postgres_copy(team_template, db)
