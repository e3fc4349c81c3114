"""PostgreSQL roles and grants: who may do what in a shared project.

On PostgreSQL every coder connects as their own database role, and the role name
is the coder (``current_user``): ``--coder`` cannot change it, and the row-level
security policies of migration ``0008`` compare rows with ``current_user``. The
role that created the project owns its tables and may do everything (PostgreSQL
does not apply row-level security to a table's owner).

:func:`grant_role` gives a coder's role what it needs and no more; row-level
security and the trigger of migration ``0016`` then narrow every grant to the
role's own rows (and say so with SQLSTATE 42501 and a message naming the role):

* every table: ``SELECT`` (while blind coding is on, the policies hide others'
  codings, action-log entries, tombstones, rejections and adjudications);
  never the kept verdicts (``qc_review_kept``);
* ``codings``: ``INSERT``, ``DELETE`` and ``UPDATE`` of the columns a coder changes
  on their own codings (span, quote, code, memo and its ``memo_author``, status,
  version, coder when accepting a suggestion, and ``review`` for the reset of
  ``review revise``);
* the action log: ``INSERT`` (own entries); tombstones, review comments: ``INSERT``
  and ``DELETE`` (own rows, for undo);
* memos, done marks, rejected suggestions, the workbench state (where one left
  the workbench): write own rows;
* the codebook (``codes``, ``code_aliases``): edit (a code's ``version`` is checked
  on every edit, so two coders never silently overwrite each other);
* themes, their member codes and key extracts, relations: edit, like the codebook
  (shared analysis; a theme's ``version`` is checked on every edit);
* a supervisor's role also: ``UPDATE`` of the review columns of any coding, the
  codings of a consensus coder, adjudication decisions.

Re-anchoring, code merges that move others' codings and project merges rewrite
other people's codings: no grant allows that, so only the owner can.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

from qualcode.errors import InputError
from qualcode.i18n import _
from qualcode.store import ddl

CODER_GRANTS: dict[str, str] = {
    "codings": 'INSERT, DELETE, UPDATE (memo, memo_author, status, version, start, "end", '
    "quote, code_pk, coder, review)",
    "actions": "INSERT",
    "tombstones": "INSERT, DELETE",
    "review_comments": "INSERT, DELETE",
    "memos": "INSERT, UPDATE, DELETE",
    "document_marks": "INSERT, UPDATE, DELETE",
    "suggestion_rejections": "INSERT, DELETE",
    "codes": "INSERT, UPDATE, DELETE",
    "code_aliases": "INSERT, UPDATE, DELETE",
    "workbench_state": "INSERT, UPDATE, DELETE",
    "themes": "INSERT, UPDATE, DELETE",
    "theme_codes": "INSERT, UPDATE, DELETE",
    "theme_extracts": "INSERT, UPDATE, DELETE",
    "relations": "INSERT, UPDATE, DELETE",
}
"""Table -> privileges of every coder's role (beyond ``SELECT`` on everything)."""

SUPERVISOR_GRANTS: dict[str, str] = {
    "codings": "UPDATE (review, reviewer, reviewed_at)",
    "adjudications": "INSERT, UPDATE, DELETE",
    "coders": "INSERT",
}
"""Table -> privileges a supervisor's role has in addition."""

PRIVATE_TABLES = frozenset({"qc_review_kept"})
"""Tables no coder's role may read (the verdicts kept for undo, read by the trigger)."""

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,62}\Z")
"""A coder name that is also a valid PostgreSQL role name (quoted)."""

RESERVED = {"public", "postgres", "pg_signal_backend", "none", "current_user", "session_user"}


def check_name(name: str) -> str:
    """A coder name usable as a database role.

    Raises:
        InputError: an empty, too long or odd name.
    """
    if not NAME.match(name) or name.lower() in RESERVED or name.lower().startswith("pg_"):
        raise InputError(
            _("{name!r} cannot be a coder's name").format(name=name),
            hint=_("use letters, digits, '_', '.' or '-', starting with a letter (at most 63)"),
        )
    return name


def current_role(conn: Connection) -> str:
    """The connected role: on PostgreSQL, the coder."""
    return str(conn.execute(text("SELECT current_user")).scalar())


def project_owner(conn: Connection) -> str | None:
    """The role that owns the project's tables (it created the project)."""
    owner = conn.execute(
        text(
            "SELECT tableowner FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename = 'codings'"
        )
    ).scalar()
    return str(owner) if owner is not None else None


def role_exists(conn: Connection, name: str) -> bool:
    """Whether a role of this name exists in the cluster."""
    return bool(
        conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    )


def create_role(conn: Connection, name: str, password: str) -> None:
    """Create a login role (roles are cluster-wide; the caller checks it is new)."""
    conn.exec_driver_sql(ddl.create_login_role(name, password))


def set_password(conn: Connection, name: str, password: str) -> None:
    """Change a role's password."""
    conn.exec_driver_sql(ddl.set_role_password(name, password))


def _tables(conn: Connection) -> set[str]:
    return {
        str(r[0])
        for r in conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        )
    }


def grant_role(conn: Connection, name: str, *, supervisor: bool) -> None:
    """Give ``name`` exactly a coder's (or a supervisor's) privileges on this project.

    Earlier write privileges are revoked first, so demoting a supervisor works.
    """
    db = str(conn.execute(text("SELECT current_database()")).scalar())
    schema = str(conn.execute(text("SELECT current_schema()")).scalar())
    conn.exec_driver_sql(ddl.grant_connect(db, name))
    for statement in ddl.grant_schema(schema, name):
        conn.exec_driver_sql(statement)
    existing = _tables(conn)
    for private in PRIVATE_TABLES & existing:
        conn.exec_driver_sql(ddl.revoke_table(private, name))
    grants = [CODER_GRANTS, SUPERVISOR_GRANTS] if supervisor else [CODER_GRANTS]
    for table_grants in grants:
        for table, privileges in table_grants.items():
            if table in existing:
                conn.exec_driver_sql(ddl.grant_table(privileges, table, name))


def refresh_grants(conn: Connection) -> int:
    """Grant every registered coder's role again (after a migration added tables).

    Returns:
        How many roles were granted.
    """
    n = 0
    for name, role in conn.execute(
        text("SELECT name, role FROM coders WHERE role IN ('coder', 'supervisor')")
    ).all():
        if role_exists(conn, str(name)):
            grant_role(conn, str(name), supervisor=role == "supervisor")
            n += 1
    return n
