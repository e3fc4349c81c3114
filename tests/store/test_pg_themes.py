"""Themes and relations on a shared PostgreSQL project, over plain SQL as each role:
shared analysis like the codebook (every coder edits them, version-checked), but
no one forges a deletion record that would make a project merge drop a live theme,
member, key extract or relation, and no coder changes the tables themselves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qualcode.errors import ProjectError
from qualcode.store import Project, open_project
from tests.pg import ROLE_PASSWORD, PgDatabase, dump_pg, postgres_copy

DOC = "wawancara_01_pedagang_pasar"


class Team:
    def __init__(self, db: PgDatabase) -> None:
        self.db = db
        self.names = {k: db.role(k) for k in ("ani", "budi", "sri")}
        self.facts: dict[str, Any] = dict(self.names)

    def open(self, who: str | None = None) -> Project:
        return open_project(self.db.url_as(self.names[who]) if who else self.db.url)

    def sql(self, who: str, statement: str) -> tuple[str, int]:
        """Run one statement as ``who`` (rolled back): (SQLSTATE or "", rows touched)."""
        import psycopg

        url = self.db.url_as(self.names[who]).replace("postgresql+psycopg://", "postgresql://")
        con = psycopg.connect(url)
        try:
            with con.cursor() as cur:
                try:
                    cur.execute(statement.format(**self.facts))
                except psycopg.Error as exc:
                    return str(exc.sqlstate), 0
                return "", max(cur.rowcount, 0)
        finally:
            con.rollback()
            con.close()


@pytest.fixture
def team(team_template: Path, pg_db: PgDatabase) -> Iterator[Team]:
    postgres_copy(team_template, pg_db)
    t = Team(pg_db)
    owner = open_project(pg_db.url)
    try:
        owner.team.add_coder(t.names["ani"], password=ROLE_PASSWORD)
        owner.team.add_coder(t.names["budi"], password=ROLE_PASSWORD)
        owner.team.add_coder(t.names["sri"], supervisor=True, password=ROLE_PASSWORD)
    finally:
        owner.close()
    ani = t.open("ani")
    try:
        coding = ani.codings.apply_coding(DOC, "cost", 10, 40)[0]
        theme = ani.themes.add_theme("Pungli", codes=["cost"])
        ani.themes.add_extracts("pungli", [coding.guid])
        rel = ani.themes.add_relation("theme:pungli", "time", "leads_to")
        t.facts.update(theme=theme.guid, relation=rel.guid, coding=coding.guid)
    finally:
        ani.close()
    with t.open() as owner:
        from sqlalchemy import text

        with owner.engine.connect() as conn:
            t.facts["member"] = conn.execute(text("SELECT guid FROM theme_codes")).scalar()
            t.facts["extract"] = conn.execute(text("SELECT guid FROM theme_extracts")).scalar()
    yield t


FORGED = (
    "INSERT INTO tombstones (guid, kind, deleted_at, coder) VALUES ('{g}', '{k}', 'x', '{who}')"
)


@pytest.mark.parametrize(
    ("kind", "fact"),
    [("theme", "theme"), ("theme_code", "member"), ("theme_extract", "extract"), ("relation", "relation")],
)  # fmt: skip
@pytest.mark.parametrize("who", ["ani", "budi", "sri"])
def test_no_role_forges_a_deletion_of_a_live_theme_row(
    team: Team, kind: str, fact: str, who: str
) -> None:
    before = dump_pg(team.db.url)
    state, touched = team.sql(
        who,
        FORGED.replace("{g}", team.facts[fact])
        .replace("{k}", kind)
        .replace("{who}", "{" + who + "}"),
    )
    assert (state, touched) == ("42501", 0)
    assert dump_pg(team.db.url) == before


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE themes CASCADE",
        "DROP TABLE relations",
        "ALTER TABLE themes DROP COLUMN definition",
        "ALTER TABLE theme_codes DISABLE ROW LEVEL SECURITY",
        "DELETE FROM actions WHERE kind LIKE 'theme%'",
        "UPDATE actions SET summary = 'x' WHERE kind LIKE 'theme%'",
    ],
)
def test_no_coder_changes_the_tables_or_the_log_of_themes(team: Team, statement: str) -> None:
    before = dump_pg(team.db.url)
    for who in ("budi", "sri"):
        state, touched = team.sql(who, statement)
        assert state != "" or touched == 0, (who, statement)
    assert dump_pg(team.db.url) == before


def test_themes_are_shared_analysis_like_the_codebook(team: Team) -> None:
    """Every coder edits any theme (as any code), one version-checked action each,
    and undoes only their own actions."""
    # plain SQL: budi may edit ani's theme, as he may edit a code
    assert team.sql("budi", "UPDATE themes SET definition = 'x' WHERE guid = '{theme}'") == ("", 1)
    assert team.sql("budi", "UPDATE codes SET memo = 'x' WHERE id = 'cost'") == ("", 1)
    budi = team.open("budi")
    try:
        budi.themes.define_theme("pungli", "Fees asked outside the rules.")
        budi.themes.add_theme_codes("pungli", ["cost.unofficial_fee"])
        budi.themes.set_theme_status("pungli", "reviewed")
        assert budi.themes.theme("pungli").codes == ("cost", "cost.unofficial_fee")
        budi.history.undo()
        assert budi.themes.theme("pungli").status == "candidate"
    finally:
        budi.close()
    sri = team.open("sri")
    try:
        sri.themes.delete_theme("pungli")
        assert len(sri.themes.themes()) == 0
        assert sri.themes.relations() == []
        sri.history.undo()
        assert sri.themes.theme("pungli").codes == ("cost", "cost.unofficial_fee")
        assert len(sri.themes.relations()) == 1
    finally:
        sri.close()
    ani = team.open("ani")
    try:
        # ani's undo is ani's: the theme she made comes off only after her later actions
        assert ani.history.can_undo() == (
            "relate theme 'Pungli' -> 'Waktu penyelesaian' (leads to)"
        )
    finally:
        ani.close()


def test_a_project_merge_of_themes_is_the_owners(team: Team, tmp_path: Path) -> None:
    from qualcode.store.project_merge import read_project

    other = tmp_path / "other.db"
    p = open_project(str(other), create=True, coder="x")
    p.close()
    budi = team.open("budi")
    try:
        with pytest.raises(ProjectError, match="only the project's owner"):
            budi.merge.merge_from(read_project(str(other)))
    finally:
        budi.close()


def test_a_coder_deletes_a_relation_through_the_program_and_undoes_it(team: Team) -> None:
    """`qualcode relations delete` as another coder on the shared project: one action
    with its tombstone (which plain SQL cannot forge, above), undone by that coder."""
    before = dict(dump_pg(team.db.url))
    budi = team.open("budi")
    try:
        gone = budi.themes.delete_relation(team.facts["relation"])
        assert gone.guid == team.facts["relation"]
        assert budi.themes.relations() == []
        budi.history.undo()
        assert [r.guid for r in budi.themes.relations()] == [team.facts["relation"]]
    finally:
        budi.close()
    # the relation's row is back exactly as it was (the log keeps both actions)
    after = dict(dump_pg(team.db.url))
    assert after["relations"] == before["relations"] and len(after["relations"]) == 1
