"""Every SQL statement qualcode writes with a name in it, in one place.

Statements whose names cannot be bound parameters (DDL, role management, pragmas)
are built only here: row-level security policies (and the joins of the constant
fragments their expressions are made of), the functions and triggers a migration
defines (its constant text with the schema's and tables' names filled in), login
roles and their grants on PostgreSQL, the full-text search table's rows on SQLite,
and the SQLite busy timeout. Everywhere else in qualcode/ values are bound parameters and queries are
SQLAlchemy Core or constant text (``tests/test_sql_text.py`` checks this with the
syntax tree of every module).

Names come from fixed lists (the project's tables, the commands a policy can cover,
the privileges coders get, the search table's key columns) and are quoted with
SQLAlchemy's PostgreSQL identifier preparer; a name not on its list is refused
with ``ValueError``. Role names (a coder's name, checked by
:func:`qualcode.store.postgres.check_name`) are quoted the same way; a password is
written as a standard-conforming string literal, the one form ``CREATE ROLE``
takes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import Connection, Table, insert
from sqlalchemy.dialects import postgresql, sqlite

from qualcode.store.schema import REVIEW_KEPT_TABLE, SEARCH_TABLE, Base

_PREPARER = postgresql.dialect(paramstyle="named").identifier_preparer  # type: ignore[no-untyped-call]
"""Quotes as PostgreSQL and SQLite both read (a named paramstyle: no "%" doubled)."""

TABLES = frozenset(Base.metadata.tables) | {SEARCH_TABLE, REVIEW_KEPT_TABLE}
"""The project's tables (store/schema.py): the only tables DDL here names."""
POLICY_COMMANDS = frozenset({"ALL", "SELECT", "INSERT", "UPDATE", "DELETE"})
_POLICY_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}\Z")
_ROLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]{0,62}\Z")
_COLUMNS = r'(?: \((?:"?[a-z_]+"?)(?:, "?[a-z_]+"?)*\))?'
_PRIVILEGES = re.compile(
    rf"(?:SELECT|INSERT|UPDATE|DELETE|TRUNCATE){_COLUMNS}"
    rf"(?:, (?:SELECT|INSERT|UPDATE|DELETE|TRUNCATE){_COLUMNS})*\Z"
)
SEARCH_KEYS = ("rowid", "sentence_pk")
"""The column of the search table that holds a sentence's key (by schema version)."""


def quoted(name: str) -> str:
    """``name`` as a quoted identifier (``"codings"``; quotes inside doubled)."""
    return str(_PREPARER.quote_identifier(name))


def plain(name: str) -> str:
    """``name`` quoted only where PostgreSQL needs it (``codings``; ``"Tim A"``;
    ``"user"``), as ``quote_ident()`` writes it in a function body."""
    return str(_PREPARER.quote(name))


def table(name: str) -> str:
    """A project table's quoted name.

    Raises:
        ValueError: ``name`` is not one of :data:`TABLES`.
    """
    if name not in TABLES:
        raise ValueError(f"not a table of the project: {name!r}")
    return quoted(name)


def role(name: str) -> str:
    """A role's quoted name (a coder's name: letters, digits, ``_ . -``).

    Raises:
        ValueError: ``name`` cannot be a role name.
    """
    if not _ROLE_NAME.match(name):
        raise ValueError(f"not a role name: {name!r}")
    return quoted(name)


def _policy(name: str) -> str:
    if not _POLICY_NAME.match(name):
        raise ValueError(f"not a policy name: {name!r}")
    return quoted(name)


def _password(value: str) -> str:
    if "\x00" in value:
        raise ValueError("a password cannot hold a NUL character")
    return "'" + value.replace("'", "''") + "'"


# ---------------------------------------------------------------------- row-level security


def enable_rls(name: str) -> str:
    return f"ALTER TABLE {table(name)} ENABLE ROW LEVEL SECURITY"


def disable_rls(name: str) -> str:
    return f"ALTER TABLE {table(name)} DISABLE ROW LEVEL SECURITY"


def create_policy(name: str, on: str, command: str, using: str | None, check: str | None) -> str:
    """``CREATE POLICY``; ``using`` and ``check`` are the policy's own expressions,
    constant text of the migration that defines it."""
    if command not in POLICY_COMMANDS:
        raise ValueError(f"not a policy command: {command!r}")
    sql = f"CREATE POLICY {_policy(name)} ON {table(on)} FOR {command}"
    if using is not None:
        sql += f" USING ({using})"
    if check is not None:
        sql += f" WITH CHECK ({check})"
    return sql


def drop_policy(name: str, on: str) -> str:
    return f"DROP POLICY IF EXISTS {_policy(name)} ON {table(on)}"


# Policy expressions are composed only from constant fragments of the migration that
# defines them (no value, no name from outside), with these four joins.


def either(*terms: str) -> str:
    """``a OR b OR ...`` of constant policy fragments."""
    return " OR ".join(terms)


def both(*terms: str) -> str:
    """``a AND b AND ...`` of constant policy fragments."""
    return " AND ".join(terms)


def group(term: str) -> str:
    """``(term)``: a fragment in parentheses."""
    return f"({term})"


def negate(term: str) -> str:
    """``NOT term``."""
    return f"NOT {term}"


# ---------------------------------------------------------------------- functions, triggers

ROW_PREFIXES = frozenset({"NEW", "OLD"})
"""The row variables of a PL/pgSQL trigger function."""


def _row(prefix: str, columns: Sequence[str]) -> str:
    if prefix not in ROW_PREFIXES:
        raise ValueError(f"not a trigger row: {prefix!r}")
    known = Base.metadata.tables["codings"].c
    for c in columns:
        if c not in known:
            raise ValueError(f"not a column of codings: {c!r}")
    return "(" + ", ".join(f"{prefix}.{plain(c)}" for c in columns) + ")"


def schema_name(name: str) -> str:
    """The name of the schema a project lives in (as ``current_schema()`` gives
    it), quoted where needed (:func:`plain`).

    Raises:
        ValueError: ``name`` is empty or ``None`` (no schema on the search path) or
            holds a NUL character.
    """
    if not name or "\x00" in name:
        raise ValueError(f"not a schema name: {name!r}")
    return plain(name)


def functions(
    template: str,
    *,
    schema: str | None = None,
    kept: str | None = None,
    immutable: Sequence[str] = (),
) -> str:
    """A migration's functions and triggers (constant ``template`` text) with the
    names it refers to filled in, quoted where needed (:func:`plain`): ``{schema}``
    (:func:`schema_name`),
    ``{kept}`` (a table of :data:`TABLES`), ``{immutable_new}`` and
    ``{immutable_old}`` (the row of ``codings`` columns ``immutable`` of ``NEW`` and
    ``OLD``). The result goes straight to the driver (bodies hold ``%`` and ``$$``).
    """
    names: dict[str, str] = {}
    if schema is not None:
        names["schema"] = schema_name(schema)
    if kept is not None:
        table(kept)  # one of the project's tables, or ValueError
        names["kept"] = plain(kept)
    if immutable:
        names["immutable_new"] = _row("NEW", immutable)
        names["immutable_old"] = _row("OLD", immutable)
    return template.format(**names)


# ---------------------------------------------------------------------- roles and grants


def create_login_role(name: str, password: str) -> str:
    return f"CREATE ROLE {role(name)} LOGIN PASSWORD {_password(password)}"


def set_role_password(name: str, password: str) -> str:
    return f"ALTER ROLE {role(name)} PASSWORD {_password(password)}"


def grant_connect(database: str, name: str) -> str:
    return f"GRANT CONNECT ON DATABASE {quoted(database)} TO {role(name)}"


def grant_schema(schema: str, name: str) -> list[str]:
    """Use of the schema, read access to all its tables and sequences, and no
    write access to any table (the grants of :func:`grant_table` add it back)."""
    s, r = quoted(schema), role(name)
    return [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA {s} FROM {r}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
    ]


def revoke_table(name: str, grantee: str) -> str:
    return f"REVOKE ALL ON {table(name)} FROM {role(grantee)}"


def grant_table(privileges: str, name: str, grantee: str) -> str:
    """``GRANT privileges ON table TO role``; ``privileges`` like ``INSERT, UPDATE
    (memo, status)``."""
    if not _PRIVILEGES.match(privileges):
        raise ValueError(f"not a list of privileges: {privileges!r}")
    return f"GRANT {privileges} ON {table(name)} TO {role(grantee)}"


# ---------------------------------------------------------------------- bulk inserts


def driver_insert(conn: Connection, table: Table, names: Sequence[str], *, named: bool) -> str:
    """SQLAlchemy's ``INSERT`` of ``names`` into ``table`` compiled for the driver, to
    run with ``exec_driver_sql`` (bulk inserts skip SQLAlchemy's per-row work):
    parameters by name (``named``) or by position on SQLite; by name on PostgreSQL."""
    dialect = conn.dialect
    if dialect.name == "sqlite":
        dialect = sqlite.dialect(paramstyle="named" if named else "qmark")
    return str(insert(table).compile(dialect=dialect, column_keys=list(names)))


# ---------------------------------------------------------------------- the SQLite export


EXPORT_VIEWS = {
    "v_code_frequency": (
        "CREATE VIEW v_code_frequency AS "
        "SELECT code, dimension, document, COUNT(*) AS codings FROM codings "
        "GROUP BY code, dimension, document"
    ),
    "v_dimension_frequency": (
        "CREATE VIEW v_dimension_frequency AS "
        "SELECT dimension, document, COUNT(*) AS codings, COUNT(DISTINCT code) AS codes "
        "FROM codings GROUP BY dimension, document"
    ),
    "v_code_summary": (
        "CREATE VIEW v_code_summary AS "
        "SELECT code, dimension, COUNT(*) AS codings, COUNT(DISTINCT document) AS documents, "
        "SUM(review = 'approved') AS approved, SUM(review = 'disputed') AS disputed, "
        "SUM(review = 'unreviewed') AS unreviewed FROM codings GROUP BY code, dimension"
    ),
    "v_disputed": (
        "CREATE VIEW v_disputed AS "
        "SELECT guid, document, speaker, code, quote, reviewer, reviewed_at, comment "
        "FROM codings WHERE review = 'disputed'"
    ),
    "v_quotes": (
        "CREATE VIEW v_quotes AS "
        'SELECT code, dimension, cases, document, speaker, turn, start, "end", quote, review, '
        "comment FROM codings ORDER BY dimension, code, cases, document, start"
    ),
}
"""Views over the export's ``codings`` table, for a supervisor with ``sqlite3``."""
EXPORT_TYPES = frozenset({"INTEGER", "REAL", "TEXT"})


def _export_type(sql_type: str) -> str:
    if sql_type not in EXPORT_TYPES:
        raise ValueError(f"not a column type of the export: {sql_type!r}")
    return sql_type


def export_plain_table(name: str, columns: Sequence[tuple[str, str]]) -> str:
    """A sheet's table: ``position`` then its columns (name, SQLite type)."""
    defs = "".join(f", {quoted(c)} {_export_type(t)}" for c, t in columns)
    return f"CREATE TABLE {quoted(name)} (position INTEGER PRIMARY KEY{defs})"


def export_long_table(name: str, value_type: str) -> str:
    """A matrix in long form: one row per code and column."""
    return (
        f'CREATE TABLE {quoted(name)} (code TEXT NOT NULL, label TEXT, "column" TEXT NOT NULL, '
        f'count {_export_type(value_type)} NOT NULL, PRIMARY KEY (code, "column"))'
    )


def export_wide_table(name: str, columns: Sequence[str], value_type: str, total: bool) -> str:
    """A matrix in wide form: a row per code, a column per matrix column."""
    kind = _export_type(value_type)
    defs = "".join(f", {quoted(c)} {kind}" for c in columns)
    last = f", total {kind}" if total else ""
    return (
        f"CREATE TABLE {quoted(name)} (position INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, "
        f"label TEXT{defs}{last})"
    )


def export_insert(name: str, width: int) -> str:
    """Rows into an export table, ``width`` values each (``?`` parameters)."""
    marks = ", ".join("?" * int(width))
    return f"INSERT INTO {quoted(name)} VALUES ({marks})"


# ---------------------------------------------------------------------- SQLite


def busy_timeout(ms: int) -> str:
    """The pragma that makes SQLite wait ``ms`` milliseconds for another writer's lock."""
    return f"PRAGMA busy_timeout={int(ms)}"


def _search_key(key: str) -> str:
    if key not in SEARCH_KEYS:
        raise ValueError(f"not a key column of the search table: {key!r}")
    return key


def search_insert(key: str) -> str:
    """One sentence into the full-text search table (``:pk``, ``:text``, ``:lemmas``)."""
    return (
        f"INSERT INTO sentence_search ({_search_key(key)}, text, lemmas) "
        "VALUES (:pk, :text, :lemmas)"
    )


def search_unindexed(key: str) -> str:
    """A document's sentences not yet in the search table, in key order from
    ``:after``, at most ``:n`` (``:doc``). ``+s.document_pk`` walks the key range
    (an index on the document would make every chunk read its sentences again)."""
    return (
        'SELECT s.pk, s.start, s."end", s.lemmas FROM sentences s '
        "WHERE +s.document_pk = :doc AND s.pk > :after AND NOT EXISTS "
        f"(SELECT 1 FROM sentence_search f WHERE f.{_search_key(key)} = s.pk) "
        "ORDER BY s.pk LIMIT :n"
    )


def search_delete_document(key: str) -> str:
    """A document's sentences out of the full-text search table (``:doc``)."""
    return (
        f"DELETE FROM sentence_search WHERE {_search_key(key)} IN "
        "(SELECT pk FROM sentences WHERE document_pk = :doc)"
    )
