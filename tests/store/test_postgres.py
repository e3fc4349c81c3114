"""The same program on PostgreSQL: migrations, the Project API, roles and row-level security."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from qualcode.cli import cli
from qualcode.errors import ProjectError
from qualcode.store import Project, open_project
from qualcode.store.project_merge import read_project
from qualcode.store.schema import Base, compared
from tests.pg import ROLE_PASSWORD, PgDatabase, dump_pg, postgres_copy


def test_migrations_run_on_postgresql_and_equal_the_models(pg_db: PgDatabase) -> None:
    project = open_project(pg_db.url)
    assert project.dialect == "postgresql"
    with project.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": compared})
        diff = compare_metadata(context, Base.metadata)
    project.close()
    assert diff == []


# ---------------------------------------------------------------------- roles

DOC = "wawancara_01_pedagang_pasar"


@pytest.fixture
def team(team_template: Path, pg_db: PgDatabase) -> Iterator[Team]:
    """A PostgreSQL project with two coders and a supervisor, each with a real role."""
    postgres_copy(team_template, pg_db)
    owner = open_project(pg_db.url)
    names = Team(pg_db, pg_db.role("ani"), pg_db.role("budi"), pg_db.role("sri"))
    try:
        for name in (names.ani, names.budi):
            owner.team.add_coder(name, password=ROLE_PASSWORD)
        owner.team.add_coder(names.sri, supervisor=True, password=ROLE_PASSWORD)
    finally:
        owner.close()
    yield names


@dataclass
class Team:
    db: PgDatabase
    ani: str
    budi: str
    sri: str

    def open(self, role: str | None = None, **kw: Any) -> Project:
        return open_project(self.db.url_as(role) if role else self.db.url, **kw)

    def sql(self, role: str, statement: str, **params: Any) -> Any:
        engine = create_engine(self.db.url_as(role))
        try:
            with engine.begin() as conn:
                return conn.execute(text(statement), params).rowcount
        finally:
            engine.dispose()


def test_the_database_role_is_the_coder_and_coder_cannot_override_it(team: Team) -> None:
    ani = team.open(team.ani, coder="someone-else")
    try:
        assert ani.coder == team.ani
        coding, _ = ani.codings.apply_coding(DOC, "cost", 10, 20)
        assert coding.coder == team.ani
        assert ani.log.actions(1)[0]["coder"] == team.ani
        assert ani.team.coder_role() == "coder"
    finally:
        ani.close()
    r = CliRunner().invoke(
        cli,
        [
            "--project",
            team.db.url_as(team.ani),
            "--coder",
            "budi",
            "code",
            DOC,
            "time",
            "--start",
            "0",
            "--end",
            "5",
        ],
        prog_name="qualcode",
    )
    assert r.exit_code == 0, r.stderr
    assert r.stderr == (
        f"notice: on this PostgreSQL project you work as your database role {team.ani!r}; "
        "--coder budi is ignored\n"
    )
    assert [c.coder for c in team.open().codings.codings(code="time")] == [team.ani]


def test_a_coder_adds_and_removes_only_their_own_codings(team: Team) -> None:
    budi = team.open(team.budi)
    theirs, _ = budi.codings.apply_coding(DOC, "cost", 30, 60)
    budi.close()
    ani = team.open(team.ani)
    try:
        mine, _ = ani.codings.apply_coding(DOC, "cost", 30, 60)
        before = dump_pg(team.db.url)
        with pytest.raises(ProjectError, match=f"the database role '{team.ani}' may not code"):
            ani.codings.apply_coding(DOC, "time", 0, 9, coder=team.budi)
        with pytest.raises(ProjectError, match="may not remove coding"):
            ani.codings.remove_coding(theirs.guid)
        with pytest.raises(ProjectError, match="may not memo on coding"):
            ani.memos.set_coding_memo(theirs.guid, "not mine")
        with pytest.raises(ProjectError, match="may not mark"):
            ani.team.mark_done(DOC, coder=team.budi)
        with pytest.raises(ProjectError, match="may not"):
            ani.codes.merge_code("cost", "time")  # moves budi's coding: only the owner
        with pytest.raises(ProjectError, match="may not"):
            ani.set_setting("anything", 1)
        assert dump_pg(team.db.url) == before
        ani.memos.set_coding_memo(mine.guid, "mine")
        ani.codings.remove_coding(mine.guid)
        ani.team.mark_done(DOC)
        ani.codes.update_code("cost", description="coders may edit the codebook")
    finally:
        ani.close()
    owner = team.open()
    assert [(c.coder, c.guid) for c in owner.codings.codings()] == [(team.budi, theirs.guid)]
    owner.codes.merge_code("cost", "time")  # the owner may
    assert owner.codings.codings()[0].code == "time"
    owner.close()


def test_review_status_belongs_to_supervisors(team: Team) -> None:
    budi = team.open(team.budi)
    coding, _ = budi.codings.apply_coding(DOC, "cost", 30, 60)
    budi.close()
    review = "UPDATE codings SET review = 'approved', reviewer = current_user WHERE guid = :g"
    with pytest.raises(ProgrammingError, match="permission denied"):
        team.sql(team.ani, review, g=coding.guid)
    with pytest.raises(ProgrammingError, match="permission denied"):
        team.sql(team.budi, review, g=coding.guid)  # not even on one's own coding
    assert team.sql(team.sri, review, g=coding.guid) == 1
    with pytest.raises(ProgrammingError, match="may not change a coding of"):
        team.sql(team.sri, "UPDATE codings SET start = 0 WHERE guid = :g", g=coding.guid)
    with pytest.raises(ProgrammingError, match="may not add a coding of"):
        team.sql(
            team.sri,
            'INSERT INTO codings (guid, document_pk, code_pk, start, "end", coder, created, '
            "quote, origin, status, review, anchor, version) SELECT 'x', document_pk, code_pk, "
            "0, 3, :c, 'now', 'x', 'manual', 'accepted', 'unreviewed', 'exact', 1 FROM codings "
            "WHERE guid = :g",
            c=team.budi,
            g=coding.guid,
        )
    owner = team.open()
    assert owner.codings.coding(coding.guid).review == "approved"
    assert owner.codings.coding(coding.guid).reviewer == team.sri
    owner.close()


def test_merges_and_team_changes_belong_to_the_owner(team: Team, team_template: Path) -> None:
    ani = team.open(team.ani)
    try:
        with pytest.raises(ProjectError, match="only the project's owner"):
            ani.merge.merge_from(read_project(str(team_template)))
        with pytest.raises(ProjectError, match="only the project's owner"):
            ani.team.add_coder(team.db.role("eve"))
    finally:
        ani.close()


def test_a_supervisor_adjudicates_into_a_consensus_coder(team: Team) -> None:
    for who, span in ((team.ani, (0, 50)), (team.budi, (20, 80))):
        p = team.open(who)
        p.codings.apply_coding(DOC, "cost", *span)
        p.codings.apply_coding(DOC, "time", 100, 120)
        p.team.mark_done(DOC)
        p.close()
    sri = team.open(team.sri)
    try:
        comparison = sri.team.adjudicate(
            DOC, team.ani, team.budi, {1: "b"}, consensus=team.db.role("cons")
        )
    finally:
        sri.close()
    assert comparison.consensus() == {("cost", 20, 80), ("time", 100, 120)}
    owner = team.open()
    got = {(c.code, c.start, c.end) for c in owner.codings.codings(coder=team.db.role("cons"))}
    owner.close()
    assert got == {("cost", 20, 80), ("time", 100, 120)}
    ani = team.open(team.ani)
    with pytest.raises(ProjectError, match="may not"):
        ani.team.adjudicate(DOC, team.ani, team.budi, {1: "a"}, consensus=team.db.role("cons"))
    ani.close()


def test_blind_coding_is_enforced_by_the_database(team: Team) -> None:
    for who in (team.ani, team.budi):
        p = team.open(who)
        p.codings.apply_coding(DOC, "cost", 0, 10)
        p.close()
    owner = team.open()
    owner.team.set_blind(True)
    owner.close()
    count = "SELECT count(*) FROM codings"
    engine = create_engine(team.db.url_as(team.ani))
    with engine.connect() as conn:
        assert conn.execute(text(count)).scalar() == 1
    engine.dispose()
    ani = team.open(team.ani)
    assert [c.coder for c in ani.codings.codings()] == [team.ani]
    with pytest.raises(ProjectError, match="blind coding is on"):
        ani.codings.codings(coder=team.budi)
    ani.close()
    sri = team.open(team.sri)
    assert len(sri.codings.codings()) == 2  # supervisors see everything
    sri.close()


def test_team_add_coder_cli_creates_a_login_role(pg_db: PgDatabase, team_template: Path) -> None:
    url = postgres_copy(team_template, pg_db)
    name = pg_db.role("dewi")
    r = CliRunner().invoke(cli, ["--project", url, "team", "add-coder", name], prog_name="qualcode")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"added coder {name} (database role {name})"
    password = lines[1].removeprefix("password: ")
    assert len(password) >= 12
    dewi = open_project(pg_db.url_as(name, password))
    assert dewi.coder == name and dewi.team.coder_role() == "coder"
    dewi.close()
    r = CliRunner().invoke(cli, ["--project", url, "team", "list"], prog_name="qualcode")
    assert f"{name:<20} coder" in r.stdout
    assert f"{pg_db.owner:<20} owner" in r.stdout
    r = CliRunner().invoke(
        cli,
        ["--project", pg_db.url_as(name, password), "team", "add-coder", pg_db.role("x")],
        prog_name="qualcode",
    )
    assert r.exit_code == 1
    assert r.stderr == (
        f"error: only the project's owner ({pg_db.owner}) can add coders; you are {name!r} "
        "(connect as the owner's role)\n"
    )


@pytest.mark.parametrize("kind", ["unreachable", "wrong-password", "no-database"], ids=lambda k: k)
def test_bad_connections_are_one_line(pg_db: PgDatabase, kind: str) -> None:
    url = {
        "unreachable": "postgresql+psycopg://someone:pw@127.0.0.1:1/nothing",
        "wrong-password": pg_db.url_as(pg_db.owner, "wrong"),
        "no-database": pg_db.server.url("no_such_db", pg_db.owner, ROLE_PASSWORD),
    }[kind]
    r = CliRunner().invoke(cli, ["--project", url, "codings"], prog_name="qualcode")
    assert r.exit_code == 1
    assert r.stdout == ""
    assert len(r.stderr.splitlines()) == 1
    assert r.stderr.startswith("error: cannot open postgresql+psycopg://")
    assert "pw@" not in r.stderr and "wrong" not in r.stderr.split(" failed")[0]
    expected = {
        "unreachable": "Connection refused",
        "wrong-password": "password authentication failed",
        "no-database": 'database "no_such_db" does not exist',
    }[kind]
    assert expected in r.stderr


def test_backup_of_a_postgresql_project_uses_pg_dump(
    pg_db: PgDatabase, team_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres_copy(team_template, pg_db)
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, ["--project", url, "backup"], prog_name="qualcode")
    assert r.exit_code == 0, r.stderr
    path = Path(r.stdout.removeprefix("backed up to ").strip())
    assert path.parent == tmp_path / "backups" and path.suffix == ".dump"
    assert path.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    from qualcode.store import backup as backup_module

    monkeypatch.setattr(backup_module, "pg_tool", lambda name: None)
    r = CliRunner().invoke(cli, ["--project", url, "backup"], prog_name="qualcode")
    assert r.exit_code == 1
    assert r.stderr == (
        "error: pg_dump is not installed, so a PostgreSQL project cannot be backed up "
        "(install the PostgreSQL client programs (Debian: apt-get install postgresql-client))\n"
    )
    before = dump_pg(url)
    r = CliRunner().invoke(
        cli, ["--project", url, "merge", str(team_template)], prog_name="qualcode"
    )
    assert r.exit_code == 1 and r.stderr.startswith("error: pg_dump is not installed")
    assert dump_pg(url) == before
    r = CliRunner().invoke(cli, ["--project", url, "restore", str(path)], prog_name="qualcode")
    assert r.exit_code == 1
    assert r.stderr == (
        "error: pg_restore is not installed, so a PostgreSQL project cannot be restored "
        "(install the PostgreSQL client programs (Debian: apt-get install postgresql-client))\n"
    )
    assert dump_pg(url) == before
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, ["--project", url, "restore", str(path)], prog_name="qualcode")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("restored postgresql+psycopg://")
    assert dump_pg(url) == before


def test_init_and_import_on_postgresql(pg_db: PgDatabase, tmp_path: Path) -> None:
    import shutil

    from tests.conftest import CODEBOOK, TRANSCRIPTS

    shutil.copyfile(CODEBOOK, tmp_path / "cb.yaml")
    r = CliRunner().invoke(
        cli,
        ["--project", pg_db.url, "init", "--codebook", str(tmp_path / "cb.yaml")],
        prog_name="qualcode",
    )
    assert r.exit_code == 0, r.stderr
    hidden = pg_db.url.replace(":secret-pw@", ":***@")
    assert r.stdout == f"created {hidden} with 30 codes from {tmp_path / 'cb.yaml'}\n"
    r = CliRunner().invoke(
        cli,
        ["--project", pg_db.url, "import", str(TRANSCRIPTS / "wawancara_02_petugas_loket.txt")],
        prog_name="qualcode",
    )
    assert r.exit_code == 0, r.stderr
    r = CliRunner().invoke(cli, ["--project", pg_db.url, "init"], prog_name="qualcode")
    assert r.exit_code == 1
    assert r.stderr == f"error: a project already exists at {hidden}\n"


def test_merging_from_a_server_with_wrong_credentials_changes_nothing(
    pg_db: PgDatabase, team_template: Path, tmp_path: Path
) -> None:
    from tests.conftest import dump_db
    from tests.pg import sqlite_copy

    postgres_copy(team_template, pg_db)
    ours = sqlite_copy(team_template, tmp_path / "ours")
    before = dump_db(Path(ours))
    wrong = pg_db.url_as(pg_db.owner, "wrong")
    r = CliRunner().invoke(cli, ["--project", ours, "merge", wrong], prog_name="qualcode")
    assert r.exit_code == 1
    assert len(r.stderr.splitlines()) == 1
    assert r.stderr.startswith(f"error: cannot open {wrong.replace(':wrong@', ':***@')}: ")
    assert "password authentication failed" in r.stderr
    assert dump_db(Path(ours)) == before
    assert not (tmp_path / "ours" / "backups").exists()


def test_the_project_url_from_the_environment(
    pg_db: PgDatabase, team_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres_copy(team_template, pg_db)
    monkeypatch.setenv("QUALCODE_PROJECT", url)
    r = CliRunner().invoke(cli, ["documents"], prog_name="qualcode")
    assert r.exit_code == 0, r.stderr
    assert "wawancara_01_pedagang_pasar" in r.stdout


def test_grants_are_renewed_for_every_registered_coder(team: Team) -> None:
    from qualcode.store import postgres

    owner = team.open()
    ani = team.open(team.ani)
    with owner.engine.begin() as conn:
        conn.exec_driver_sql(f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{team.ani}"')
    with pytest.raises(ProjectError, match="may not"):
        ani.codings.apply_coding(DOC, "cost", 0, 5)
    with pytest.raises(ProjectError) as err:
        team.open(team.ani)
    assert str(err.value).endswith(
        "permission denied for table alembic_version "
        "(ask the project's owner to add you: qualcode team add-coder NAME)"
    )
    with owner.engine.begin() as conn:
        assert postgres.refresh_grants(conn) == 3  # ani, budi (coders), sri (supervisor)
    ani.codings.apply_coding(DOC, "cost", 0, 5)
    ani.close()
    owner.close()


def test_each_coder_keeps_only_their_own_workbench_state(team: Team) -> None:
    """Where a coder left the workbench is theirs: over plain SQL a coder's role reads,
    writes and deletes no one else's row (issue 17)."""
    for who, doc in ((team.ani, DOC), (team.budi, "interview_07_ngo_observer")):
        p = team.open(who)
        try:
            p.workbench.save_workbench_state({"doc": doc, "places": {doc: {"selection": [0, 9]}}})
        finally:
            p.close()
    ani = team.open(team.ani)
    try:
        assert ani.workbench.workbench_state()["doc"] == DOC
        assert ani.workbench.workbench_state(coder=team.budi) == {}  # hidden by the policy
    finally:
        ani.close()
    state = "workbench_state"
    engine = create_engine(team.db.url_as(team.ani))
    with engine.connect() as conn:
        assert conn.execute(text(f"SELECT coder FROM {state}")).scalars().all() == [team.ani]
    engine.dispose()
    assert (
        team.sql(team.ani, f"UPDATE {state} SET state = '{{}}' WHERE coder = :c", c=team.budi) == 0
    )
    assert team.sql(team.ani, f"DELETE FROM {state} WHERE coder = :c", c=team.budi) == 0
    with pytest.raises(DBAPIError, match="row-level security"):
        team.sql(
            team.ani,
            f"INSERT INTO {state} (coder, state, updated) VALUES (:c, '{{}}', 'x')",
            c=team.sri,
        )
    assert (
        team.sql(team.ani, f"UPDATE {state} SET state = '{{}}' WHERE coder = :c", c=team.ani) == 1
    )
    owner = team.open()
    try:
        assert (
            owner.workbench.workbench_state(coder=team.budi)["doc"] == "interview_07_ngo_observer"
        )
    finally:
        owner.close()
