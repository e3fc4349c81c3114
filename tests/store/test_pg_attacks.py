"""Attacks on a shared PostgreSQL project over plain SQL, as each role.

A project with an owner, a supervisor (sri) and two coders (ani, budi), each a real
database role holding real work (codings, a suggestion run, memos, done marks,
review threads, tombstones, an adjudication). Every attack in :data:`ATTACKS` is
sent by psycopg as the attacking role, table by table, in its own transaction, and
must fail: an error (SQLSTATE 42501, or a missing grant) or no row touched. The
project is byte for byte as before afterwards. Blind coding is then switched on and
every read in :data:`BLIND_READS` must return nothing. ``docs/team.md`` lists every
attack by name (a test checks that it does).

Control tests show the same roles can still do their own work (so the attacks do
not fail for a trivial reason): coding, undo, the reset of ``review revise`` and its
undo, accepting a suggestion, approving, adjudicating.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from qualcode.core.autocode import Suggestion
from qualcode.store import Project, open_project
from tests.pg import ROLE_PASSWORD, PgDatabase, dump_pg, postgres_copy

ROOT = Path(__file__).resolve().parents[2]
DOC = "wawancara_01_pedagang_pasar"


@dataclass(frozen=True)
class Attack:
    """One forbidden operation, sent over plain SQL by ``role``."""

    table: str
    name: str
    role: str
    """``ani`` or ``budi`` (coders), ``sri`` (the supervisor)."""
    sql: str
    """Statements, one per line; placeholders ``{name}`` are filled from the fixture's
    facts (guids, role names). Only the last statement is the attack."""
    fails_with: str = ""
    """A regular expression the error must match; empty: "no row touched" also counts."""


# facts the attacks refer to (filled in by the fixture; a_ are ani's, b_ budi's):
#   ani, budi, sri, consensus   role names
#   a_plain / b_plain           an unreviewed coding
#   a_coding / b_coding         a coding sri approved (a_approved_at: when)
#   a_other / b_other           a coding sri disputed (a_sri_comment / b_sri_comment)
#   a_tomb / b_tomb             a tombstone of one's own (a removed coding)
#   a_memo / b_memo             a memo
#   a_suggestion / b_suggestion a pending suggestion of one's own run of the rules
#   a_rejection_pk / b_...      one's rejection of a suggestion
#   a_action / b_action         the seq of one of one's action-log entries
#   code_guid, doc_pk, code_pk  a live code and a document
# Every attack by ani is also run mirrored, by budi on ani's rows (see mirrored()).

INSERT_CODING = (
    'INSERT INTO codings (guid, document_pk, code_pk, start, "end", coder, created, quote, '
    "memo, origin, status, review, reviewer, reviewed_at, anchor, batch, version, run_by) "
    "VALUES ({values})"
)


def _coding(
    guid: str = "'attack-1'",
    coder: str = "'{ani}'",
    start: int = 500,
    end: int = 510,
    status: str = "'accepted'",
    review: str = "'unreviewed'",
    reviewer: str = "NULL",
    reviewed_at: str = "NULL",
    run_by: str = "NULL",
) -> str:
    values = (
        f"{guid}, {{doc_pk}}, {{code_pk}}, {start}, {end}, {coder}, '2026-01-01', 'x', NULL, "
        f"'manual', {status}, {review}, {reviewer}, {reviewed_at}, 'exact', NULL, 1, {run_by}"
    )
    return INSERT_CODING.replace("{values}", values)


REVIEW_REFUSED = r"may not add a coding with a review|may not set the review|permission denied"
DENIED = r"may not|row-level security|permission denied|must be owner"

ATTACKS: list[Attack] = [
    # ------------------------------------------------------------------ codings
    Attack("codings", "forge an approval on insert", "ani",
           _coding(review="'approved'", reviewer="'{sri}'", reviewed_at="'2026-01-02'"),
           REVIEW_REFUSED),
    Attack("codings", "forge a dispute on insert", "ani", _coding(review="'disputed'"),
           REVIEW_REFUSED),
    Attack("codings", "forge a reviewer on insert", "ani", _coding(reviewer="'{sri}'"),
           REVIEW_REFUSED),
    Attack("codings", "forge a review time on insert", "ani",
           _coding(reviewed_at="'2026-01-02'"), REVIEW_REFUSED),
    Attack("codings", "delete own coding, insert it again approved", "ani",
           "DELETE FROM codings WHERE guid = '{a_plain}'\n"
           + _coding(guid="'{a_plain}'", review="'approved'", reviewer="'{sri}'",
                     reviewed_at="'2026-01-02'"),
           REVIEW_REFUSED),
    Attack("codings", "delete own approved coding, insert its guid approved on another span",
           "ani",
           "DELETE FROM codings WHERE guid = '{a_coding}'\n"
           + _coding(guid="'{a_coding}'", start=0, end=5, review="'approved'",
                     reviewer="'{sri}'", reviewed_at="'{a_approved_at}'"),
           REVIEW_REFUSED),
    Attack("codings", "approve own coding", "ani",
           "UPDATE codings SET review = 'approved' WHERE guid = '{a_plain}'", REVIEW_REFUSED),
    Attack("codings", "turn own approval into a dispute", "ani",
           "UPDATE codings SET review = 'disputed' WHERE guid = '{a_coding}'", REVIEW_REFUSED),
    Attack("codings", "name a reviewer on own coding", "ani",
           "UPDATE codings SET reviewer = '{sri}' WHERE guid = '{a_plain}'", "permission denied"),
    Attack("codings", "set a review time on own coding", "ani",
           "UPDATE codings SET reviewed_at = '2026-01-02' WHERE guid = '{a_plain}'",
           "permission denied"),
    Attack("codings", "plant a kept verdict, then approve own coding", "ani",
           "SELECT qc_keep_review('{a_plain}')\n"
           "UPDATE codings SET review = 'approved' WHERE guid = '{a_plain}'", REVIEW_REFUSED),
    Attack("codings", "a temporary 'coders' table that makes ani a supervisor", "ani",
           "CREATE TEMP TABLE coders (name text, role text)\n"
           "INSERT INTO coders VALUES ('{ani}', 'supervisor')\n"
           "UPDATE codings SET review = 'approved' WHERE guid = '{a_plain}'", REVIEW_REFUSED),
    Attack("codings", "insert a coding of another coder", "ani", _coding(coder="'{budi}'"),
           DENIED),
    Attack("codings", "insert a coding of the consensus coder", "ani",
           _coding(coder="'{consensus}'"), DENIED),
    Attack("codings", "insert a suggestion in another coder's name", "ani",
           _coding(coder="'rules'", status="'suggested'", run_by="'{budi}'"), DENIED),
    Attack("codings", "insert a suggestion under one's own coder name", "ani",
           _coding(status="'suggested'", run_by="'{ani}'"), DENIED),
    Attack("codings", "change another coder's memo", "ani",
           "UPDATE codings SET memo = 'mine now' WHERE guid = '{b_coding}'"),
    Attack("codings", "take another coder's coding", "ani",
           "UPDATE codings SET coder = '{ani}' WHERE guid = '{b_coding}'"),
    Attack("codings", "move another coder's coding", "ani",
           "UPDATE codings SET start = 0 WHERE guid = '{b_other}'"),
    Attack("codings", "delete another coder's coding", "ani",
           "DELETE FROM codings WHERE guid = '{b_coding}'"),
    Attack("codings", "give own coding to another coder", "ani",
           "UPDATE codings SET coder = '{budi}' WHERE guid = '{a_plain}'", DENIED),
    Attack("codings", "change a coding's guid", "ani",
           "UPDATE codings SET guid = 'attack-2' WHERE guid = '{a_plain}'", "permission denied"),
    Attack("codings", "change a coding's document", "ani",
           "UPDATE codings SET document_pk = document_pk WHERE guid = '{a_plain}'",
           "permission denied"),
    Attack("codings", "reject another coder's suggestion", "ani",
           "DELETE FROM codings WHERE guid = '{b_suggestion}'"),
    Attack("codings", "move another coder's suggestion", "ani",
           "UPDATE codings SET start = start + 1 WHERE guid = '{b_suggestion}'", DENIED),
    Attack("codings", "accept a suggestion into another coder's name", "ani",
           "UPDATE codings SET status = 'accepted', coder = '{budi}' "
           "WHERE guid = '{b_suggestion}'", DENIED),
    Attack("codings", "accept a suggestion and change it", "ani",
           "UPDATE codings SET status = 'accepted', coder = '{ani}', memo = 'changed' "
           "WHERE guid = '{b_suggestion}'", DENIED),
    Attack("codings", "turn own coding into a suggestion", "ani",
           "UPDATE codings SET status = 'suggested' WHERE guid = '{a_plain}'", DENIED),
    Attack("codings", "supervisor inserts a coding of a coder", "sri", _coding(coder="'{budi}'"),
           DENIED),
    Attack("codings", "supervisor moves a coder's coding", "sri",
           "UPDATE codings SET start = 0 WHERE guid = '{b_other}'", DENIED),
    Attack("codings", "supervisor changes a coder's memo", "sri",
           "UPDATE codings SET memo = 'mine' WHERE guid = '{b_other}'", DENIED),
    Attack("codings", "supervisor deletes a coder's coding", "sri",
           "DELETE FROM codings WHERE guid = '{b_coding}'"),
    Attack("codings", "supervisor inserts own coding already approved", "sri",
           _coding(coder="'{sri}'", review="'approved'", reviewer="'{sri}'",
                   reviewed_at="'2026-01-02'"), REVIEW_REFUSED),
    Attack("codings", "empty the table", "ani", "TRUNCATE codings", "permission denied"),
    Attack("codings", "switch the trigger off", "ani",
           "ALTER TABLE codings DISABLE TRIGGER qc_guard_codings", "must be owner"),
    Attack("codings", "switch row-level security off", "ani",
           "ALTER TABLE codings DISABLE ROW LEVEL SECURITY", "must be owner"),
    Attack("codings", "drop a policy", "ani", "DROP POLICY qc_codings_update ON codings",
           "must be owner"),
    Attack("codings", "replace the trigger's function", "ani",
           "CREATE OR REPLACE FUNCTION qc_guard_codings() RETURNS trigger LANGUAGE plpgsql "
           "AS $$ BEGIN RETURN NEW; END $$", "must be owner|permission denied"),
    Attack("codings", "skip triggers as a replica", "ani",
           "SET session_replication_role = replica", "permission denied"),
    Attack("codings", "reset the key sequence", "ani",
           "SELECT setval(pg_get_serial_sequence('codings', 'pk'), 1)", "permission denied"),
    Attack("codings", "read the kept verdicts", "ani", "SELECT * FROM qc_review_kept",
           "permission denied"),
    # ------------------------------------------------------------------ memos
    Attack("memos", "write a memo in another's name", "ani",
           "INSERT INTO memos (guid, target_kind, target_guid, author, created, updated, "
           "title, text) VALUES ('attack-m', 'project', NULL, '{budi}', 'x', 'x', '', 'x')",
           DENIED),
    Attack("memos", "edit another's memo", "ani",
           "UPDATE memos SET text = 'changed' WHERE guid = '{b_memo}'"),
    Attack("memos", "give own memo to another", "ani",
           "UPDATE memos SET author = '{budi}' WHERE guid = '{a_memo}'", DENIED),
    Attack("memos", "delete another's memo", "ani", "DELETE FROM memos WHERE guid = '{b_memo}'"),
    # ------------------------------------------------------------------ tombstones
    Attack("tombstones", "a tombstone for another coder's coding", "ani",
           "INSERT INTO tombstones (guid, kind, deleted_at, coder) "
           "VALUES ('{b_coding}', 'coding', 'x', '{ani}')", DENIED),
    Attack("tombstones", "a tombstone in another coder's name", "ani",
           "INSERT INTO tombstones (guid, kind, deleted_at, coder) "
           "VALUES ('{b_coding}', 'coding', 'x', '{budi}')", DENIED),
    Attack("tombstones", "a tombstone for another's memo", "ani",
           "INSERT INTO tombstones (guid, kind, deleted_at, coder) "
           "VALUES ('{b_memo}', 'memo', 'x', '{ani}')", DENIED),
    Attack("tombstones", "a tombstone for a live code", "ani",
           "INSERT INTO tombstones (guid, kind, deleted_at, coder) "
           "VALUES ('{code_guid}', 'code', 'x', '{ani}')", DENIED),
    Attack("tombstones", "supervisor's tombstone for a coder's coding", "sri",
           "INSERT INTO tombstones (guid, kind, deleted_at, coder) "
           "VALUES ('{b_coding}', 'coding', 'x', '{sri}')", DENIED),
    Attack("tombstones", "delete another's tombstone", "ani",
           "DELETE FROM tombstones WHERE guid = '{b_tomb}'"),
    Attack("tombstones", "rewrite a tombstone", "ani",
           "UPDATE tombstones SET coder = '{ani}' WHERE guid = '{b_tomb}'", "permission denied"),
    # ------------------------------------------------------------------ actions
    Attack("actions", "log an action in another's name", "ani",
           "INSERT INTO actions (guid, at, coder, kind, summary, payload, undoable) "
           "VALUES ('attack-a', 'x', '{budi}', 'code', 'x', '{{}}', true)", DENIED),
    Attack("actions", "rewrite an action", "ani",
           "UPDATE actions SET payload = '{{}}' WHERE seq = {b_action}", "permission denied"),
    Attack("actions", "delete an action", "ani", "DELETE FROM actions WHERE seq = {b_action}",
           "permission denied"),
    # ------------------------------------------------------------------ adjudications
    Attack("adjudications", "a coder decides a disagreement", "ani",
           "INSERT INTO adjudications (guid, document_pk, consensus, key, code, coder_a, "
           "coder_b, decision, decided_by, at) VALUES ('attack-j', {doc_pk}, '{consensus}', "
           "'k', 'cost', '{ani}', '{budi}', 'a', '{ani}', 'x')", DENIED),
    Attack("adjudications", "a coder changes a decision", "ani",
           "UPDATE adjudications SET decision = 'a'", DENIED),
    Attack("adjudications", "a coder deletes a decision", "ani", "DELETE FROM adjudications",
           DENIED),
    # ------------------------------------------------------------------ review comments
    Attack("review_comments", "a comment in the supervisor's name", "ani",
           "INSERT INTO review_comments (guid, coding_guid, author, at, kind, text) "
           "VALUES ('attack-c', '{a_plain}', '{sri}', 'x', 'comment', 'ok')", DENIED),
    Attack("review_comments", "a verdict entry in one's own thread", "ani",
           "INSERT INTO review_comments (guid, coding_guid, author, at, kind, text) "
           "VALUES ('attack-c', '{a_plain}', '{ani}', 'x', 'approved', 'fine')", DENIED),
    Attack("review_comments", "a revision entry on another's coding", "ani",
           "INSERT INTO review_comments (guid, coding_guid, author, at, kind, text) "
           "VALUES ('attack-c', '{b_other}', '{ani}', 'x', 'revision', 'moved')", DENIED),
    Attack("review_comments", "delete the supervisor's comment", "ani",
           "DELETE FROM review_comments WHERE pk = {b_sri_comment}"),
    Attack("review_comments", "rewrite the supervisor's comment", "ani",
           "UPDATE review_comments SET text = 'fine' WHERE pk = {b_sri_comment}",
           "permission denied"),
    # ------------------------------------------------------------------ done marks
    Attack("document_marks", "mark a document done for another", "ani",
           "INSERT INTO document_marks (document_pk, coder, done, at) "
           "VALUES ({doc_pk}, '{sri}', true, 'x')", DENIED),
    Attack("document_marks", "undo another's done mark", "ani",
           "UPDATE document_marks SET done = false WHERE coder = '{budi}'"),
    Attack("document_marks", "delete another's done mark", "ani",
           "DELETE FROM document_marks WHERE coder = '{budi}'"),
    # ------------------------------------------------------------------ rejections
    Attack("suggestion_rejections", "a rejection in another's name", "ani",
           "INSERT INTO suggestion_rejections (document_pk, code_pk, start, \"end\", coder, at) "
           "VALUES ({doc_pk}, {code_pk}, 1, 2, '{budi}', 'x')", DENIED),
    Attack("suggestion_rejections", "delete another's rejection", "ani",
           "DELETE FROM suggestion_rejections WHERE pk = {b_rejection_pk}"),
    # ------------------------------------------------------------------ the owner's
    Attack("coders", "make oneself a supervisor", "ani",
           "UPDATE coders SET role = 'supervisor' WHERE name = '{ani}'", "permission denied"),
    Attack("coders", "register a supervisor", "ani",
           "INSERT INTO coders (guid, name, created, role) "
           "VALUES ('attack-r', 'mallory', 'x', 'supervisor')", "permission denied"),
    Attack("coders", "supervisor registers a supervisor", "sri",
           "INSERT INTO coders (guid, name, created, role) "
           "VALUES ('attack-r', 'mallory', 'x', 'supervisor')", DENIED),
    Attack("settings", "switch blind coding off", "ani",
           "UPDATE settings SET value = 'false' WHERE key = 'team.blind'", "permission denied"),
    Attack("settings", "add a setting", "ani",
           "INSERT INTO settings (key, value) VALUES ('team.blind', 'false')",
           "permission denied"),
    Attack("documents", "change a transcript", "ani", "UPDATE documents SET text = 'x'",
           "permission denied"),
    Attack("documents", "delete a transcript", "budi", "DELETE FROM documents",
           "permission denied"),
    Attack("cases", "rename a case", "ani", "UPDATE cases SET name = 'x'", "permission denied"),
    Attack("case_attributes", "change an attribute", "ani", "DELETE FROM case_attributes",
           "permission denied"),
]  # fmt: skip


def mirrored(attack: Attack) -> Attack:
    """The same attack by budi on ani's rows (a coder's attacks run both ways)."""
    import re as _re

    swap = {"ani": "budi", "budi": "ani"}

    def name(m: _re.Match[str]) -> str:
        key = m.group(1)
        if key in swap:
            key = swap[key]
        elif key[:2] in ("a_", "b_"):
            key = ("b_" if key[0] == "a" else "a_") + key[2:]
        return "{" + key + "}"

    return Attack(
        attack.table,
        attack.name,
        swap.get(attack.role, attack.role),
        _re.sub(r"\{(\w+)\}", name, attack.sql),
        attack.fails_with,
    )


@dataclass(frozen=True)
class BlindRead:
    """A read that must return no row while blind coding is on."""

    table: str
    name: str
    sql: str


BLIND_READS: list[BlindRead] = [
    BlindRead("codings", "another coder's codings", "SELECT guid FROM codings WHERE coder = '{budi}'"),
    BlindRead("codings", "another coder's suggestions",
              "SELECT guid FROM codings WHERE run_by = '{budi}'"),
    BlindRead("codings", "the consensus codings", "SELECT guid FROM codings WHERE coder = '{consensus}'"),
    BlindRead("actions", "another coder's action log (with its codings)",
              "SELECT payload FROM actions WHERE coder = '{budi}'"),
    BlindRead("actions", "another coder's spans in the log", "SELECT summary FROM actions "
              "WHERE payload LIKE '%{b_coding}%' OR summary LIKE '%{b_coding}%'"),
    BlindRead("tombstones", "another coder's tombstones",
              "SELECT guid FROM tombstones WHERE coder = '{budi}'"),
    BlindRead("review_comments", "the thread of another's coding",
              "SELECT text FROM review_comments WHERE coding_guid IN ('{b_coding}', '{b_other}')"),
    BlindRead("adjudications", "adjudication decisions", "SELECT decision FROM adjudications"),
    BlindRead("suggestion_rejections", "another coder's rejections",
              "SELECT pk FROM suggestion_rejections WHERE coder = '{budi}'"),
]  # fmt: skip


# ---------------------------------------------------------------------- the project


@dataclass
class Shared:
    db: PgDatabase
    facts: dict[str, Any]

    def role(self, who: str) -> str:
        return str(self.facts[who])

    def open(self, who: str | None = None) -> Project:
        return open_project(self.db.url_as(self.role(who)) if who else self.db.url)

    def connect(self, who: str) -> Any:
        import psycopg

        url = self.db.url_as(self.role(who)).replace("postgresql+psycopg://", "postgresql://")
        return psycopg.connect(url)


@pytest.fixture
def shared(team_template: Path, pg_db: PgDatabase) -> Iterator[Shared]:
    """The project, with every kind of row each role owns."""
    postgres_copy(team_template, pg_db)
    names = {k: pg_db.role(k) for k in ("ani", "budi", "sri")}
    facts: dict[str, Any] = dict(names)
    facts["consensus"] = pg_db.role("cons")
    owner = open_project(pg_db.url)
    try:
        owner.team.add_coder(names["ani"], password=ROLE_PASSWORD)
        owner.team.add_coder(names["budi"], password=ROLE_PASSWORD)
        owner.team.add_coder(names["sri"], supervisor=True, password=ROLE_PASSWORD)
    finally:
        owner.close()
    s = Shared(pg_db, facts)
    for who, x, base in (("ani", "a", 300), ("budi", "b", 100)):
        p = s.open(who)
        facts[f"{x}_plain"] = p.codings.apply_coding(DOC, "cost", base - 8, base - 2)[0].guid
        facts[f"{x}_coding"] = p.codings.apply_coding(DOC, "cost", base, base + 20)[0].guid
        facts[f"{x}_other"] = p.codings.apply_coding(DOC, "time", base + 30, base + 40)[0].guid
        gone = p.codings.apply_coding(DOC, "time", base + 50, base + 60)[0].guid
        p.codings.remove_coding(gone)
        facts[f"{x}_tomb"] = gone
        facts[f"{x}_memo"] = p.memos.add_memo("project", None, f"{who}'s memo").guid
        p.team.mark_done(DOC)
        run = p.suggestions.add_suggestions(
            [
                Suggestion(DOC, "facilities", base + 100, base + 120, "sentence", 1, ("x",)),
                Suggestion(DOC, "facilities", base + 130, base + 140, "sentence", 2, ("x",)),
            ]
        )
        assert run.created == 2
        pending = sorted(p.suggestions.suggestions(), key=lambda c: c.start)
        facts[f"{x}_suggestion"] = pending[0].guid
        p.suggestions.reject_suggestions([pending[1].guid])
        p.close()
    sri = s.open("sri")
    for x in ("a", "b"):
        sri.review.review_coding(facts[f"{x}_coding"], "approved")
        sri.review.review_coding(facts[f"{x}_other"], "disputed", "wrong code")
    sri.team.adjudicate(DOC, names["ani"], names["budi"], {1: "both"}, consensus=facts["consensus"])
    sri.close()
    with s.open() as owner:
        with owner.engine.connect() as conn:
            from sqlalchemy import text

            one = conn.execute(text("SELECT pk, guid FROM documents WHERE name = :n"), {"n": DOC})
            facts["doc_pk"] = one.one().pk
            code = conn.execute(text("SELECT pk, guid FROM codes WHERE id = 'cost'")).one()
            facts["code_pk"], facts["code_guid"] = code.pk, code.guid
            for who, x in (("ani", "a"), ("budi", "b")):
                facts[f"{x}_action"] = conn.execute(
                    text("SELECT max(seq) FROM actions WHERE coder = :c AND kind = 'code'"),
                    {"c": names[who]},
                ).scalar()
                facts[f"{x}_sri_comment"] = conn.execute(
                    text("SELECT pk FROM review_comments WHERE coding_guid = :g"),
                    {"g": facts[f"{x}_other"]},
                ).scalar()
                facts[f"{x}_rejection_pk"] = conn.execute(
                    text("SELECT pk FROM suggestion_rejections WHERE coder = :c"),
                    {"c": names[who]},
                ).scalar()
                facts[f"{x}_approved_at"] = conn.execute(
                    text("SELECT reviewed_at FROM codings WHERE guid = :g"),
                    {"g": facts[f"{x}_coding"]},
                ).scalar()
    yield s


def _fill(sql: str, facts: dict[str, Any]) -> str:
    return sql.format(**facts)


def _writes(statement: str) -> bool:
    return statement.lstrip().upper().startswith(("UPDATE", "DELETE", "INSERT"))


def _attempt(shared: Shared, attack: Attack) -> str:
    """Run the attack in its own transaction (rolled back); how it failed, or ``""``
    when it touched no row; AssertionError when it succeeded."""
    import psycopg

    con = shared.connect(attack.role)
    try:
        touched = 0
        with con.cursor() as cur:
            # the steps before the last are allowed (deleting one's own coding ...)
            for statement in _fill(attack.sql, shared.facts).split("\n"):
                try:
                    cur.execute(statement)
                except psycopg.Error as exc:
                    return f"{exc.sqlstate}: {exc}"
                touched = max(cur.rowcount, 0) if _writes(statement) else 0
        assert touched == 0, f"{attack.name}: the attack changed {touched} row(s)"
        return ""
    finally:
        con.rollback()
        con.close()


def test_every_attack_fails_table_by_table(shared: Shared) -> None:
    before = dump_pg(shared.db.url)
    outcomes: dict[str, str] = {}
    both_ways = [*ATTACKS, *(mirrored(a) for a in ATTACKS if a.role == "ani")]
    for attack in both_ways:
        how = _attempt(shared, attack)
        if attack.fails_with:
            assert how, f"{attack.table}: {attack.name}: no error (expected {attack.fails_with})"
            assert re.search(attack.fails_with, how), f"{attack.table}: {attack.name}: {how}"
            assert how.startswith("42501"), f"{attack.table}: {attack.name}: {how}"
        outcomes[attack.name] = how
    assert dump_pg(shared.db.url) == before
    assert len(outcomes) == len(ATTACKS)  # every name is unique
    assert len(both_ways) == 146


def test_refusals_name_the_role_and_the_operation(shared: Shared) -> None:
    """The trigger's refusals say which role may not do what, in one line."""
    for attack in ATTACKS:
        if attack.fails_with != REVIEW_REFUSED or "permission denied" in attack.name:
            continue
        how = _attempt(shared, attack)
        if "permission denied" in how:
            continue
        first = how.splitlines()[0]
        assert f"role {shared.role(attack.role)} may not" in first, first


def test_blind_coding_hides_others_work_in_every_table(shared: Shared) -> None:
    with shared.open() as owner:
        owner.team.set_blind(True)
    for read in BLIND_READS:
        for reader, sql in (
            ("ani", _fill(read.sql, shared.facts)),
            ("budi", _fill(mirrored(Attack("", "", "ani", read.sql)).sql, shared.facts)),
        ):
            con = shared.connect(reader)
            try:
                rows = con.execute(sql).fetchall()
            finally:
                con.close()
            assert rows == [], f"{read.table}: {read.name} (by {reader}): {rows}"
        sql = _fill(read.sql, shared.facts)
        con = shared.connect("sri")  # supervisors still see everything
        try:
            seen = con.execute(sql).fetchall()
        finally:
            con.close()
        assert seen, f"{read.table}: {read.name}: the supervisor sees nothing either"


def test_blind_log_and_codings_through_the_program(shared: Shared) -> None:
    from click.testing import CliRunner

    from qualcode.cli import cli

    with shared.open() as owner:
        owner.team.set_blind(True)
    url = shared.db.url_as(shared.role("ani"))
    r = CliRunner().invoke(cli, ["--project", url, "log", "-n", "1000"], prog_name="qualcode")
    assert r.exit_code == 0, r.stderr
    assert shared.role("budi") not in r.stdout
    assert "130" not in r.stdout  # budi's span [130:140]
    r = CliRunner().invoke(cli, ["--project", url, "codings"], prog_name="qualcode")
    assert r.exit_code == 0, r.stderr
    assert shared.role("budi") not in r.stdout and shared.role("ani") in r.stdout


# ---------------------------------------------------------------------- the program


def test_merge_code_by_a_coder_is_one_line(shared: Shared) -> None:
    from click.testing import CliRunner

    from qualcode.cli import cli

    before = dump_pg(shared.db.url)
    url = shared.db.url_as(shared.role("ani"))
    r = CliRunner().invoke(
        cli, ["--project", url, "codebook", "merge-code", "cost", "time"], prog_name="qualcode"
    )
    assert r.exit_code == 1
    assert r.stderr == (
        f"error: the database role {shared.role('ani')!r} may not merge code 'cost' into 'time': "
        "3 codings of other coders use it (only the project's owner moves other coders' codings)\n"
    )
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert dump_pg(shared.db.url) == before


def test_the_program_refuses_in_one_line(shared: Shared) -> None:
    """The same attacks through the Project API: one ProjectError line each."""
    from qualcode.errors import ProjectError

    ani = shared.open("ani")
    try:
        with pytest.raises(ProjectError) as caught:
            ani.review.review_coding(shared.facts["a_plain"], "approved")
        assert str(caught.value).startswith(
            f"the database role {shared.role('ani')!r} may not approve coding"
        )
        assert "\n" not in str(caught.value)
        with pytest.raises(ProjectError, match="may not"):
            ani.suggestions.reject_suggestions([shared.facts["b_suggestion"]])
        with pytest.raises(ProjectError, match="may not"):
            ani.recode.recode_codings([shared.facts["b_coding"]], "time")
    finally:
        ani.close()


# ---------------------------------------------------------------------- controls


def test_roles_still_do_their_own_work(shared: Shared) -> None:
    """What each role may do still works: the attacks fail for the right reason."""
    f = shared.facts
    ani = shared.open("ani")
    try:
        # the one exception: review revise resets the verdict on one's own coding
        revised = ani.review.revise_coding(f["a_coding"], start=301, comment="narrower")
        assert revised.review == "unreviewed"
        # and an undo brings back exactly the supervisor's verdict
        ani.history.undo()
        back = ani.codings.coding(f["a_coding"])
        assert (back.review, back.start) == ("approved", 300)
        # deleting one's approved coding and undoing it restores the approval
        ani.codings.remove_coding(f["a_coding"])
        ani.history.undo()
        assert ani.codings.coding(f["a_coding"]).review == "approved"
        # accepting another coder's suggestion makes it one's own (blind coding off)
        accepted = ani.suggestions.accept_suggestions([f["b_suggestion"]])
        assert accepted[0].coder == shared.role("ani")
        ani.history.undo()  # gives it back to the run
        assert ani.codings.coding(f["b_suggestion"]).status == "suggested"
        ani.memos.set_coding_memo(f["a_plain"], "mine")
        ani.memos.add_memo("project", None, "another")
    finally:
        ani.close()
    budi = shared.open("budi")
    try:
        budi.suggestions.reject_suggestions([f["b_suggestion"]])  # the run's owner rejects it
        budi.history.undo()
    finally:
        budi.close()
    sri = shared.open("sri")
    try:
        assert sri.review.review_coding(f["a_plain"], "disputed", "why?").review == "disputed"
    finally:
        sri.close()


def test_the_docs_list_every_attack() -> None:
    doc = (ROOT / "docs" / "team.md").read_text(encoding="utf-8")
    for attack in ATTACKS:
        assert f"| {attack.table} | {attack.role} | {attack.name} |" in doc, attack.name
    for read in BLIND_READS:
        assert f"| {read.table} | {read.name} |" in doc, read.name
