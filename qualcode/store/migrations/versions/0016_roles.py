"""roles enforced completely: suggestions' owner, review fields, blind action log

Revision ID: 0016
Revises: 0008
Create Date: 2026-12-01

Both dialects: ``codings.run_by`` names the person who ran the auto-code run that
made a suggestion (``NULL`` for every other coding): a suggestion belongs to them
until someone accepts it.

On PostgreSQL this revision replaces the row-level security of revision ``0008``
with policies that leave a coder's role nothing beyond its own rows, and adds a
trigger on ``codings`` for what a policy cannot see (a change from one state to
another). The table owner (who created the project) is subject to neither.

* ``codings``: a coder inserts only their own accepted codings, or suggestions
  whose ``run_by`` is themselves; a supervisor also a consensus coder's. Nobody but
  the owner inserts a coding with a review, reviewer or review time, and nobody
  but a supervisor changes them; the one exception is the reset to
  ``unreviewed`` that ``review revise`` makes on a coder's own coding. A verdict
  removed by its coder's own delete or reset can come back only exactly as it was
  (an undo): the trigger keeps the row image in ``qc_review_kept``, which no
  coder's role can read or write. A coding's identity (guid, document, creation,
  origin, run, batch, selection, anchor) never changes; a coder changes only their
  own codings, except to accept a pending suggestion (which makes it theirs);
  a supervisor changes only the review of others' codings.
* While blind coding is on, a coder's role reads only its own codings (and
  suggestions of its own runs), its own action-log entries (and the
  non-undoable ones, which hold no codings: imports, merges), its own tombstones,
  rejections, the review threads of codings it can see, and no adjudication.
* ``tombstones``: only one's own, and never for a live coding or memo of someone
  else or a live code (a forged tombstone would make the next project merge drop
  someone's coding).
* ``review_comments``: only one's own; a coder writes comments, replies and
  revisions (a revision only on their own coding), never a verdict entry.
* ``actions``: only one's own entries; nobody but the owner changes or deletes one.

Every refusal is SQLSTATE 42501 with a message that names the role and what it
may not do.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from qualcode.store import ddl

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None

SUPERVISOR = "EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor')"
CONSENSUS = "coder IN (SELECT q.name FROM coders q WHERE q.role = 'consensus')"
BLIND = "EXISTS (SELECT 1 FROM settings s WHERE s.key = 'team.blind' AND s.value = 'true')"
SEES_ALL = ddl.group(ddl.either(SUPERVISOR, ddl.negate(BLIND)))

KEPT = "qc_review_kept"
"""PostgreSQL only: row images of reviewed codings removed or reset by their coder."""

POLICIES: list[tuple[str, str, str, str | None, str | None]] = [
    # table, policy, command, USING, WITH CHECK
    (
        "codings",
        "qc_codings_read",
        "SELECT",
        ddl.either("coder = current_user", "run_by = current_user", SEES_ALL),
        None,
    ),
    (
        "codings",
        "qc_codings_insert",
        "INSERT",
        None,
        ddl.either(
            "(coder = current_user AND status <> 'suggested')",
            "(coder = 'rules' AND status = 'suggested' AND run_by = current_user)",
            ddl.group(ddl.both(SUPERVISOR, CONSENSUS)),
        ),
    ),
    (
        "codings",
        "qc_codings_delete",
        "DELETE",
        ddl.either(
            "coder = current_user",
            "(status = 'suggested' AND run_by = current_user)",
            ddl.group(ddl.both(SUPERVISOR, CONSENSUS)),
        ),
        None,
    ),
    (
        "codings",
        "qc_codings_update",
        "UPDATE",
        ddl.either(
            "coder = current_user", "(coder = 'rules' AND status = 'suggested')", SUPERVISOR
        ),
        ddl.either(
            "coder = current_user", "(coder = 'rules' AND status = 'suggested')", SUPERVISOR
        ),
    ),
    (
        "actions",
        "qc_actions_read",
        "SELECT",
        ddl.either("coder = current_user", "NOT undoable", SEES_ALL),
        None,
    ),
    ("actions", "qc_actions_insert", "INSERT", None, "coder = current_user"),
    (
        "tombstones",
        "qc_tombstones_read",
        "SELECT",
        ddl.either("coder = current_user", SEES_ALL),
        None,
    ),
    (
        "tombstones",
        "qc_tombstones_insert",
        "INSERT",
        None,
        "coder = current_user AND qc_tombstone_allowed(guid, current_user::text)",
    ),
    ("tombstones", "qc_tombstones_delete", "DELETE", "coder = current_user", None),
    ("memos", "qc_memos_read", "SELECT", "true", None),
    ("memos", "qc_memos_insert", "INSERT", None, "author = current_user"),
    ("memos", "qc_memos_update", "UPDATE", "author = current_user", "author = current_user"),
    ("memos", "qc_memos_delete", "DELETE", "author = current_user", None),
    (
        "review_comments",
        "qc_comments_read",
        "SELECT",
        ddl.either(
            "author = current_user",
            SEES_ALL,
            "EXISTS (SELECT 1 FROM codings c WHERE c.guid = coding_guid)",
        ),
        None,
    ),
    (
        "review_comments",
        "qc_comments_insert",
        "INSERT",
        None,
        ddl.both(
            "author = current_user",
            ddl.group(
                ddl.either(
                    SUPERVISOR,
                    "kind IN ('comment', 'reply')",
                    "(kind = 'revision' AND EXISTS (SELECT 1 FROM codings c"
                    " WHERE c.guid = coding_guid AND c.coder = current_user))",
                )
            ),
        ),
    ),
    ("review_comments", "qc_comments_delete", "DELETE", "author = current_user", None),
    ("document_marks", "qc_marks_read", "SELECT", "true", None),
    ("document_marks", "qc_marks_insert", "INSERT", None, "coder = current_user"),
    (
        "document_marks",
        "qc_marks_update",
        "UPDATE",
        "coder = current_user",
        "coder = current_user",
    ),
    ("document_marks", "qc_marks_delete", "DELETE", "coder = current_user", None),
    (
        "suggestion_rejections",
        "qc_rejections_read",
        "SELECT",
        ddl.either("coder = current_user", SEES_ALL),
        None,
    ),
    ("suggestion_rejections", "qc_rejections_insert", "INSERT", None, "coder = current_user"),
    ("suggestion_rejections", "qc_rejections_delete", "DELETE", "coder = current_user", None),
    ("adjudications", "qc_adjudications_read", "SELECT", SEES_ALL, None),
    ("adjudications", "qc_adjudications_insert", "INSERT", None, SUPERVISOR),
    ("adjudications", "qc_adjudications_update", "UPDATE", SUPERVISOR, SUPERVISOR),
    ("adjudications", "qc_adjudications_delete", "DELETE", SUPERVISOR, None),
    ("coders", "qc_coders_read", "SELECT", "true", None),
    ("coders", "qc_coders_insert", "INSERT", None, ddl.both(SUPERVISOR, "role = 'consensus'")),
]
"""Every row-level security policy of a shared project (PostgreSQL)."""

IMMUTABLE = (
    "pk",
    "guid",
    "document_pk",
    "created",
    "origin",
    "run_by",
    "batch",
    "selection_guid",
    "anchor",
)
"""Columns of a coding that no role but the owner ever changes."""

FUNCTIONS = """
CREATE TABLE {kept} (
    guid varchar(36) PRIMARY KEY,
    image jsonb NOT NULL
);
REVOKE ALL ON {kept} FROM PUBLIC;

-- remember a reviewed coding as it is now (read from the table, never from the
-- caller: calling this directly records only the truth)
CREATE FUNCTION qc_keep_review(g text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    INSERT INTO {schema}.{kept} (guid, image)
    SELECT c.guid, to_jsonb(c) FROM {schema}.codings c
    WHERE c.guid = $1 AND (c.review <> 'unreviewed' OR c.reviewer IS NOT NULL
                          OR c.reviewed_at IS NOT NULL)
    ON CONFLICT (guid) DO UPDATE SET image = excluded.image
$$;

-- a verdict may come back only exactly as it was kept, once
CREATE FUNCTION qc_take_review(g text, wanted jsonb) RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    WITH taken AS (
        DELETE FROM {schema}.{kept} k WHERE k.guid = $1 AND k.image = $2 RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM taken)
$$;

-- a tombstone only for a guid that is no one else's live coding or memo, nor a code
CREATE FUNCTION qc_tombstone_allowed(g text, who text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    SELECT NOT EXISTS (SELECT 1 FROM {schema}.codings c WHERE c.guid = $1 AND c.coder <> $2)
       AND NOT EXISTS (SELECT 1 FROM {schema}.memos m WHERE m.guid = $1 AND m.author <> $2)
       AND NOT EXISTS (SELECT 1 FROM {schema}.codes k WHERE k.guid = $1)
$$;

CREATE FUNCTION qc_guard_codings() RETURNS trigger
LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
DECLARE
    me text := current_user;
    sup boolean;
    consensus boolean;
    own boolean;
    review_changed boolean;
    other_changed boolean;
BEGIN
    IF me = (SELECT pg_get_userbyid(t.relowner) FROM pg_catalog.pg_class t
             WHERE t.oid = TG_RELID) THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    sup := EXISTS (SELECT 1 FROM {schema}.coders q WHERE q.name = me AND q.role = 'supervisor');
    IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'suggested' THEN
            IF NEW.coder <> 'rules' OR NEW.run_by IS DISTINCT FROM me THEN
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not add a suggestion for someone else (a suggestion is coder rules, run_by the role that ran the rules)';
            END IF;
        ELSIF NEW.coder <> me THEN
            consensus := EXISTS (SELECT 1 FROM {schema}.coders q
                                 WHERE q.name = NEW.coder AND q.role = 'consensus');
            IF NOT (sup AND consensus) THEN
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not add a coding of ' || NEW.coder || ' (coders add only their own codings)';
            END IF;
        END IF;
        IF NEW.review IS DISTINCT FROM 'unreviewed' OR NEW.reviewer IS NOT NULL
           OR NEW.reviewed_at IS NOT NULL THEN
            IF NOT {schema}.qc_take_review(NEW.guid, to_jsonb(NEW)) THEN
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not add a coding with a review, reviewer or review time (only a supervisor reviews, on the coding itself)';
            END IF;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        own := OLD.coder = me OR (OLD.status = 'suggested' AND OLD.run_by = me);
        consensus := EXISTS (SELECT 1 FROM {schema}.coders q
                             WHERE q.name = OLD.coder AND q.role = 'consensus');
        IF NOT (own OR (sup AND consensus)) THEN
            RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not remove a coding of ' || OLD.coder || ' (coders remove only their own codings)';
        END IF;
        IF OLD.review <> 'unreviewed' OR OLD.reviewer IS NOT NULL OR OLD.reviewed_at IS NOT NULL THEN
            PERFORM {schema}.qc_keep_review(OLD.guid);
        END IF;
        RETURN OLD;
    END IF;
    -- UPDATE
    IF {immutable_new} IS DISTINCT FROM {immutable_old} THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not change what a coding is (its guid, document, creation, origin, run, batch, selection or anchor)';
    END IF;
    review_changed := (NEW.review, NEW.reviewer, NEW.reviewed_at)
        IS DISTINCT FROM (OLD.review, OLD.reviewer, OLD.reviewed_at);
    other_changed := (to_jsonb(NEW) - 'review' - 'reviewer' - 'reviewed_at')
        IS DISTINCT FROM (to_jsonb(OLD) - 'review' - 'reviewer' - 'reviewed_at');
    own := OLD.coder = me;
    IF other_changed THEN
        IF own THEN
            IF NEW.coder <> me AND NOT (NEW.coder = 'rules' AND NEW.status = 'suggested'
                                        AND OLD.run_by IS NOT NULL) THEN
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not give a coding to ' || NEW.coder;
            END IF;
            IF NEW.status = 'suggested' AND NEW.coder = me THEN
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not turn a coding into a suggestion';
            END IF;
        ELSIF OLD.status = 'suggested' AND OLD.coder = 'rules' THEN
            IF NOT (NEW.coder = me AND NEW.status = 'accepted'
                    AND (to_jsonb(NEW) - 'coder' - 'status' - 'version')
                        = (to_jsonb(OLD) - 'coder' - 'status' - 'version')) THEN
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not change a suggestion of ' || coalesce(OLD.run_by, 'the rules') || ' but to accept it (it becomes theirs unchanged)';
            END IF;
        ELSE
            consensus := EXISTS (SELECT 1 FROM {schema}.coders q
                                 WHERE q.name = OLD.coder AND q.role = 'consensus');
            IF NOT (sup AND consensus) THEN
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not change a coding of ' || OLD.coder || ' (coders change only their own codings; supervisors only the review of others)';
            END IF;
        END IF;
    END IF;
    IF review_changed AND NOT sup THEN
        IF own AND NEW.review = 'unreviewed'
           AND (NEW.reviewer, NEW.reviewed_at) IS NOT DISTINCT FROM (OLD.reviewer, OLD.reviewed_at)
        THEN
            -- the reset of 'review revise': kept, so that an undo can bring it back
            PERFORM {schema}.qc_keep_review(OLD.guid);
        ELSIF NOT (own AND {schema}.qc_take_review(NEW.guid, to_jsonb(NEW))) THEN
            RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE =
                    'role ' || me || ' may not set the review, reviewer or review time of a coding (only a supervisor reviews)';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER qc_guard_codings BEFORE INSERT OR UPDATE OR DELETE ON codings
FOR EACH ROW EXECUTE FUNCTION qc_guard_codings();
"""

DROP_FUNCTIONS = """
DROP TRIGGER IF EXISTS qc_guard_codings ON codings;
DROP FUNCTION IF EXISTS qc_guard_codings();
DROP FUNCTION IF EXISTS qc_tombstone_allowed(text, text);
DROP FUNCTION IF EXISTS qc_take_review(text, jsonb);
DROP FUNCTION IF EXISTS qc_keep_review(text);
DROP TABLE IF EXISTS {kept};
"""


def _old_policies() -> list[tuple[str, str, str, str | None, str | None]]:
    from importlib import import_module

    return list(import_module("qualcode.store.migrations.versions.0008_team").POLICIES)


def _create(policies: list[tuple[str, str, str, str | None, str | None]]) -> None:
    for table, name, command, using, check in policies:
        op.execute(ddl.create_policy(name, table, command, using, check))


def upgrade() -> None:
    op.add_column("codings", sa.Column("run_by", sa.String(length=200), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar()
    for table, name, *_ in _old_policies():
        op.execute(ddl.drop_policy(name, table))
    for table in sorted({p[0] for p in POLICIES}):
        op.execute(ddl.enable_rls(table))
    # straight to the driver: the function bodies hold % (format) and $$ quoting
    bind.exec_driver_sql(ddl.functions(FUNCTIONS, schema=schema, kept=KEPT, immutable=IMMUTABLE))
    _create(POLICIES)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table, name, *_ in POLICIES:
            op.execute(ddl.drop_policy(name, table))
        bind.exec_driver_sql(ddl.functions(DROP_FUNCTIONS, kept=KEPT))
        _create(_old_policies())
    op.drop_column("codings", "run_by")
