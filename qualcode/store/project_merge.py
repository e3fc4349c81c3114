"""Merging another project into this one without losing anything.

:func:`read_project` reads the other project (a SQLite file, never written: it is
copied first, and an older schema is upgraded in the copy; or a PostgreSQL database
at the current schema) into plain rows. :meth:`ProjectMerge.merge_from` then
merges them in one transaction:

* documents by content hash, then by name (a different text re-anchors their
  codings onto ours: :func:`qualcode.core.project_merge.reanchor`);
* codes by guid, then id, then alias (:func:`~qualcode.core.project_merge.union_codebooks`);
* codings by guid, each keeping its coder, memo and review state; a coding one side
  deleted (tombstone) stays deleted; an identical coding is stored once (the lower
  guid survives on both sides, so the two directions agree);
* memos, review comments, done marks, coders, cases and adjudications by guid or name;
* themes, their member codes, key extracts and relations by guid: a theme either
  side deleted (tombstone) stays deleted; a theme both hold takes the fields of the
  side with the later version; their ends and codings follow the codes, documents
  and codings they were matched to.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, select
from sqlalchemy.exc import DatabaseError

from qualcode.clock import new_guid
from qualcode.core.codebook import (
    ID_RE,
    Codebook,
    code_to_data,
    codebook_to_data,
    tree_order,
    validate_codebook_data,
)
from qualcode.core.names import control_character, escape
from qualcode.core.project_merge import (
    CODING_STATE,
    ProjectMergeReport,
    merge_coding_state,
    merge_mark,
    merge_memo,
    merge_theme,
    reanchor,
    survivor,
    union_codebooks,
)
from qualcode.core.project_merge_check import first_words, sanitize, tombstone_honoured
from qualcode.errors import InputError, ProjectError
from qualcode.files import read_head
from qualcode.i18n import N_, _
from qualcode.store import convert
from qualcode.store.base import (
    T_ALIASES,
    T_ATTRS,
    T_CASE_ATTRS,
    T_CASE_SOURCES,
    T_CASES,
    T_CODES,
    T_CODINGS,
    T_DOCS,
    T_MEMOS,
    T_RELATIONS,
    T_SENTS,
    T_THEME_CODES,
    T_THEME_EXTRACTS,
    T_THEMES,
    T_TOMBS,
    T_TURN_SPEAKERS,
    T_TURNS,
    ProjectBase,
    Tx,
)
from qualcode.store.engine import (
    KNOWN_REVISIONS,
    SCHEMA_HEAD,
    SQLITE_MAGIC,
    check_sqlite_file,
    connect_file,
    current_revision,
    ensure_schema,
    make_engine,
    resolve_location,
    sqlite_path,
)
from qualcode.store.schema import (
    AdjudicationRow,
    CoderRow,
    DocumentMarkRow,
    ReviewCommentRow,
)

T_CODERS: Table = CoderRow.__table__  # type: ignore[assignment]
T_MARKS: Table = DocumentMarkRow.__table__  # type: ignore[assignment]
T_ADJ: Table = AdjudicationRow.__table__  # type: ignore[assignment]
T_COMMENTS: Table = ReviewCommentRow.__table__  # type: ignore[assignment]

READ_TABLES = (
    T_DOCS,
    T_TURNS,
    T_TURN_SPEAKERS,
    T_SENTS,
    T_CODES,
    T_ALIASES,
    T_CODINGS,
    T_MEMOS,
    T_COMMENTS,
    T_TOMBS,
    T_MARKS,
    T_CODERS,
    T_CASES,
    T_CASE_SOURCES,
    T_ATTRS,
    T_CASE_ATTRS,
    T_ADJ,
    T_THEMES,
    T_THEME_CODES,
    T_THEME_EXTRACTS,
    T_RELATIONS,
)


@dataclass
class OtherProject:
    """Another project's rows, read once (table name -> rows as dicts)."""

    location: str
    """The file, or the URL with its password hidden."""
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def table(self, t: Table) -> list[dict[str, Any]]:
        """The rows of one table."""
        return self.rows.get(t.name, [])


def _read_rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    try:
        with engine.connect() as conn:
            rows = {
                t.name: [dict(r) for r in conn.execute(select(t)).mappings()] for t in READ_TABLES
            }
    except DatabaseError as exc:  # a damaged or hostile file (a view that calls a function)
        msg = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        where = sqlite_path(str(engine.url)) or engine.url.render_as_string(hide_password=True)
        raise ProjectError(
            _("{where} cannot be read as a project ({msg})").format(where=where, msg=msg),
            hint=_("merge a project qualcode wrote, or restore the other project from a backup"),
        ) from None
    # a document still being imported there (or cut off) is not part of it yet
    staged = {d["pk"] for d in rows.get("documents", []) if d.get("state") is not None}
    if staged:
        rows["documents"] = [d for d in rows["documents"] if d["pk"] not in staged]
        turns = {t["pk"] for t in rows.get("turns", []) if t["document_pk"] in staged}
        for name in ("turns", "sentences"):
            if name in rows:
                rows[name] = [r for r in rows[name] if r["document_pk"] not in staged]
        if "turn_speakers" in rows:
            rows["turn_speakers"] = [r for r in rows["turn_speakers"] if r["turn_pk"] not in turns]
    return rows


def read_project(location: str, *, ours: str | None = None) -> OtherProject:
    """Read another project without changing it.

    Args:
        location: a project file, a folder holding one, or a PostgreSQL URL.
        ours: our own URL (merging a project into itself is refused).

    Raises:
        InputError: merging a project into itself.
        ProjectError: not a project, a newer schema, an unreachable server, wrong
            credentials.
    """
    url = resolve_location(location)
    if ours is not None and url == ours:
        raise InputError(_("cannot merge a project into itself"), path=location)
    path = sqlite_path(url)
    if path is None:
        engine = make_engine(url)
        try:
            revision = current_revision(engine)
            where = engine.url.render_as_string(hide_password=True)
            if revision is None:
                raise ProjectError(
                    _("{where} is not a qualcode project (it is empty)").format(where=where)
                )
            if revision not in KNOWN_REVISIONS:
                raise ProjectError(
                    _("{where} was written by a newer qualcode (schema {revision})").format(
                        where=where, revision=revision
                    ),
                    hint=_("upgrade qualcode to merge it"),
                )
            if revision != SCHEMA_HEAD:
                raise ProjectError(
                    _("{where} has an older schema ({revision})").format(
                        where=where, revision=revision
                    ),
                    hint=_("open it once with this qualcode to upgrade it, then merge"),
                )
            return OtherProject(where, _read_rows(engine))
        finally:
            engine.dispose()
    if not path.exists():
        raise ProjectError(
            _("no project at {path}").format(path=path),
            hint=_("check the path of the other project"),
        )
    if path.is_dir():
        raise ProjectError(_("{path} is a folder without a qualcode.db").format(path=path))
    try:
        head = read_head(path, 16, what="project file")
    except InputError as exc:
        raise ProjectError(exc.problem.message, path=path, hint=exc.problem.hint) from None
    if head != SQLITE_MAGIC:
        raise ProjectError(
            _("{path} is not a qualcode project (not a SQLite file)").format(path=path)
        )
    check_sqlite_file(path)  # another application's file: refused, not even opened to copy
    with tempfile.TemporaryDirectory(prefix="qualcode-merge-") as tmp:
        copy = Path(tmp) / "other.db"
        try:
            src = connect_file(path, "ro" if os.access(path.parent, os.W_OK) else "immutable")
            dst = connect_file(copy)
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
        except sqlite3.DatabaseError as exc:
            raise ProjectError(
                _("{path} is not a qualcode project ({exc})").format(path=path, exc=exc)
            ) from None
        copied: Engine | None = None
        try:
            copied = engine = make_engine("sqlite:///" + str(copy))
            revision = current_revision(engine)
            if revision is None:
                raise ProjectError(
                    _("{path} is not a qualcode project (it is empty)").format(path=path)
                )
            if revision not in KNOWN_REVISIONS:
                raise ProjectError(
                    _("{path} was written by a newer qualcode (schema {revision})").format(
                        path=path, revision=revision
                    ),
                    hint=_("upgrade qualcode to merge it"),
                )
            ensure_schema(engine, backup=False)  # an older schema is upgraded in the copy only
            return OtherProject(str(path), _read_rows(engine))
        except ProjectError as exc:
            # name the user's file, not the temporary copy
            raise ProjectError(
                exc.problem.message.replace(str(copy), str(path)), hint=exc.problem.hint
            ) from None
        finally:
            if copied is not None:
                copied.dispose()
            shutil.rmtree(tmp, ignore_errors=True)


class _DryRun(Exception):
    def __init__(self, report: ProjectMergeReport) -> None:
        super().__init__("dry run")
        self.report = report


def _codebook(codes: list[dict[str, Any]], aliases: list[dict[str, Any]]) -> Codebook:
    id_by_pk = {r["pk"]: r["id"] for r in codes}
    alias_map: dict[int, list[str]] = {}
    for a in aliases:
        alias_map.setdefault(a["code_pk"], []).append(a["alias"])
    rows = sorted(codes, key=lambda r: (r["position"], r["pk"]))
    return Codebook(
        codes=tuple(
            tree_order(
                [
                    convert.code_from_row(
                        r,
                        id_by_pk.get(r["parent_pk"]) if r["parent_pk"] is not None else None,
                        tuple(sorted(alias_map.get(r["pk"], ()))),
                    )
                    for r in rows
                ]
            )
        )
    )


class ProjectMerge:
    """``qualcode merge OTHER``: bring another project's work into this one."""

    def __init__(self, store: ProjectBase) -> None:
        self.store = store

    def merge_from(
        self, other: OtherProject, *, dry_run: bool = False, backup: str | None = None
    ) -> ProjectMergeReport:
        """Merge ``other`` into this project (one action; nothing written on a dry run).

        A merge that changes nothing writes nothing (no log entry either). One that
        changes something ends every undo history (a barrier); ``backup``, the copy
        made before it, is recorded in its log entry as its undo.

        Raises:
            ProjectError: on PostgreSQL, when the connected role is not the owner.
        """
        if self.store.dialect == "postgresql":
            from qualcode.store import postgres

            with self.store.read() as conn:
                owner, me = postgres.project_owner(conn), postgres.current_role(conn)
            if owner != me:
                raise ProjectError(
                    _(
                        "only the project's owner ({owner}) can merge projects; you are {me!r}"
                    ).format(owner=owner, me=me),
                    hint=_("a merge rewrites other coders' codings"),
                )
        report = ProjectMergeReport(source=other.location, dry_run=dry_run)
        with self.store.read() as conn:
            known = frozenset(conn.execute(select(T_CODES.c.guid)).scalars())
        checked = sanitize(other.rows, _code_problem, known)
        report.refused.extend(checked.refused)
        clean = OtherProject(other.location, checked.rows)
        try:
            with self.store.write(
                "merge", f"merge {other.location}", undoable=False, extra={"source": other.location}
            ) as tx:
                _Merge(self.store, tx, clean, report).run()
                _check_codebook(self.store.read_codebook(tx.conn))
                if dry_run:
                    raise _DryRun(report)
                report.rows_changed = len(tx.changes)
                if tx.changes:
                    tx.extra.update(source=other.location, backup=backup, barrier=True)
        except _DryRun as done:
            return done.report
        self.store.forget_codes()
        return report


def _code_problem(row: dict[str, Any], aliases: list[str]) -> str | None:
    """Why one of their code rows cannot come in (its JSON fields, and every field
    as a YAML codebook would be validated), or ``None``."""
    try:
        code = convert.code_from_row(row, None, tuple(aliases))
    except Exception as exc:  # their JSON fields may be anything
        return _("its fields cannot be read ({error})").format(error=exc.__class__.__name__)
    for name, kind in (("position", int), ("version", int), ("created", str)):
        if not isinstance(row.get(name), kind) or isinstance(row.get(name), bool):
            return _("bad {field} {value!r}").format(field=name, value=row.get(name))
    problems = validate_codebook_data({"version": 1, "codes": [code_to_data(code)]})
    if problems:
        return problems[0].message
    return None


def _check_codebook(codebook: Codebook) -> None:
    """The safety net: the merged codebook validates as a YAML file, or nothing is
    written (no linked YAML file ever receives what it would refuse)."""
    problems = validate_codebook_data(codebook_to_data(codebook))
    if problems:
        raise ProjectError(
            _(
                "the merge would leave a codebook that does not validate ({message}); nothing merged"
            ).format(message=problems[0].message),
            hint=_(
                "merge the codebook files first (qualcode codebook merge-files), then the projects"
            ),
        )


class _Merge:
    """One merge: their rows into our transaction."""

    def __init__(
        self, project: ProjectBase, tx: Tx, other: OtherProject, report: ProjectMergeReport
    ) -> None:
        self.p = project
        self.tx = tx
        self.conn: Connection = tx.conn
        self.o = other
        self.r = report
        self.doc_map: dict[int, int] = {}  # their doc pk -> ours
        self.doc_guid_map: dict[str, str] = {}  # their doc guid -> ours
        self.reanchor_docs: set[int] = set()  # their doc pks whose text differs
        self.code_map: dict[int, int] = {}  # their code pk -> ours
        self.code_guid_map: dict[str, str] = {}
        self.renamed_codings: dict[str, str] = {}  # dropped duplicate guid -> survivor
        self.tombs: set[str] = set()  # deletions honoured (see tombstones())
        self.tomb_rows: set[str] = set()  # every tombstone row here, honoured or not

    def _all(self, table: Table) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute(select(table)).mappings()]

    def _guid_free(self, table: Table, guid: str) -> str:
        taken = self.conn.execute(select(table.c.guid).where(table.c.guid == guid)).first()
        return new_guid() if taken else guid

    def run(self) -> None:
        self.tombstones()
        self.documents()
        self.codes()
        self.codings()
        self.comments()
        self.memos()
        self.marks()
        self.coders()
        self.cases()
        self.adjudications()
        self.themes()

    # -------------------------------------------------------------- tombstones

    def tombstones(self) -> None:
        """Learn their deletions; a tombstone counts only when it is the deleting
        coder's own row (:func:`~qualcode.core.project_merge_check.tombstone_honoured`),
        judged against the coding (or memo) on either side, so both directions of a
        merge agree."""
        ours = {r["guid"]: r for r in self._all(T_TOMBS)}
        theirs = {r["guid"]: r for r in self.o.table(T_TOMBS)}
        doc_names = {d["pk"]: d["name"] for d in self.o.table(T_DOCS)}
        our_docs = dict(self.conn.execute(select(T_DOCS.c.pk, T_DOCS.c.name)).all())
        codings: dict[str, list[tuple[dict[str, Any], str]]] = {}
        for c in self._all(T_CODINGS):
            codings.setdefault(c["guid"], []).append((c, our_docs.get(c["document_pk"], "?")))
        for c in self.o.table(T_CODINGS):
            codings.setdefault(c["guid"], []).append((c, doc_names.get(c["document_pk"], "?")))
        memos: dict[str, list[dict[str, Any]]] = {}
        for m in [*self._all(T_MEMOS), *self.o.table(T_MEMOS)]:
            memos.setdefault(m["guid"], []).append(m)
        consensus = {
            r["name"]
            for r in [*self._all(T_CODERS), *self.o.table(T_CODERS)]
            if r["role"] == "consensus"
        }

        def refusal(t: dict[str, Any]) -> str | None:
            if t["kind"] == "coding":
                for c, doc in codings.get(t["guid"], ()):
                    if not tombstone_honoured(t, c, consensus):
                        return _(
                            "deletion by '{by}' of '{coder}''s coding in '{doc}' ('{words}') "
                            "not honoured (a coder deletes only their own codings)"
                        ).format(
                            by=escape(t["coder"]),
                            coder=escape(c["coder"]),
                            doc=escape(str(doc)),
                            words=first_words(c["quote"]),
                        )
            if t["kind"] == "memo":
                for m in memos.get(t["guid"], ()):
                    if m["author"] != t["coder"]:
                        return _(
                            "deletion by '{by}' of a memo by '{author}' not honoured (an author "
                            "deletes only their own memos)"
                        ).format(by=escape(t["coder"]), author=escape(m["author"]))
            return None

        self.tombs = set()
        self.tomb_rows = set(ours)
        for guid, row in sorted(ours.items()):
            if refusal(row) is None:
                self.tombs.add(guid)
        for guid, row in sorted(theirs.items()):
            if guid in ours:
                continue
            why = refusal(row)
            if why is not None:
                self.r.refused.append(why)
                continue
            self.tx.insert(T_TOMBS, dict(row))
            self.r.tombstones_added += 1
            self.tombs.add(guid)
            self.tomb_rows.add(guid)
        for row in self._all(T_CODINGS):
            if row["guid"] in self.tombs:
                self.tx.delete(T_CODINGS, {"pk": row["pk"]})
                self.r.codings_deleted += 1
        for row in self._all(T_MEMOS):
            if row["guid"] in self.tombs:
                self.tx.delete(T_MEMOS, {"pk": row["pk"]})
                self.r.memos_deleted += 1

    # -------------------------------------------------------------- documents

    def documents(self) -> None:
        ours = self.conn.execute(
            select(T_DOCS.c.pk, T_DOCS.c.guid, T_DOCS.c.name, T_DOCS.c.sha256)
        ).all()
        by_hash = {r.sha256: r for r in ours}
        by_name = {r.name: r for r in ours}
        turns: dict[int, list[dict[str, Any]]] = {}
        for t in self.o.table(T_TURNS):
            turns.setdefault(t["document_pk"], []).append(t)
        sents: dict[int, list[dict[str, Any]]] = {}
        for s in self.o.table(T_SENTS):
            sents.setdefault(s["document_pk"], []).append(s)
        for doc in sorted(self.o.table(T_DOCS), key=lambda d: d["name"]):
            if doc["guid"] in self.tombs and doc["sha256"] not in by_hash:
                # deleted here: not brought back, nor anything that hangs on it
                self.r.notes.append(
                    _("their document {doc!r} was deleted here: not added again").format(
                        doc=doc["name"]
                    )
                )
                continue
            mine = by_hash.get(doc["sha256"])
            if mine is not None:
                self.r.documents_same.append(doc["name"])
            elif doc["name"] in by_name:
                mine = by_name[doc["name"]]
                self.reanchor_docs.add(doc["pk"])
                self.r.documents_reanchored.append(doc["name"])
            if mine is not None:
                self.doc_map[doc["pk"]] = mine.pk
                self.doc_guid_map[doc["guid"]] = mine.guid
                continue
            self._add_document(doc, turns.get(doc["pk"], []), sents.get(doc["pk"], []))

    def _add_document(
        self, doc: dict[str, Any], turns: list[dict[str, Any]], sents: list[dict[str, Any]]
    ) -> None:
        """Add their document with its turns (and joint turns' speakers) and sentences."""
        values = {k: v for k, v in doc.items() if k != "pk"}
        values["guid"] = self._guid_free(T_DOCS, doc["guid"])
        pk = self._insert_quiet(T_DOCS, values)
        self.doc_map[doc["pk"]] = pk
        self.doc_guid_map[doc["guid"]] = values["guid"]
        turn_map: dict[int, int] = {}
        for t in sorted(turns, key=lambda t: t["ordinal"]):
            tv = {k: v for k, v in t.items() if k != "pk"}
            tv["document_pk"] = pk
            turn_map[t["pk"]] = self._insert_quiet(T_TURNS, tv)
        for js in self.o.table(T_TURN_SPEAKERS):
            if js["turn_pk"] in turn_map:  # the speakers of a joint turn
                jv = {k: v for k, v in js.items() if k != "pk"}
                jv["turn_pk"] = turn_map[js["turn_pk"]]
                self._insert_quiet(T_TURN_SPEAKERS, jv)
        rows = []
        for s in sorted(sents, key=lambda s: s["ordinal"]):
            sv = {k: v for k, v in s.items() if k != "pk"}
            sv["document_pk"] = pk
            sv["turn_pk"] = turn_map.get(s["turn_pk"]) if s["turn_pk"] is not None else None
            rows.append(sv)
        if rows:
            self.conn.execute(T_SENTS.insert(), rows)
        self.tx.changes.append({"op": "import", "t": "documents", "name": doc["name"]})
        self.r.documents_added.append(doc["name"])

    def _insert_quiet(self, table: Table, values: dict[str, Any]) -> int:
        """Insert without recording the row image (documents are large; a merge is
        undone from its backup)."""
        result = self.conn.execute(table.insert().values(**values))
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    # -------------------------------------------------------------- codes

    def _drop_deleted_codes(self) -> None:
        """Delete our codes that they deleted, when nothing here uses them (no codings,
        no sub-codes); a code that is still used is kept and reported."""
        deleted = {r["guid"] for r in self.o.table(T_TOMBS) if r["kind"] == "code"}
        theirs_used = {c["code_pk"] for c in self.o.table(T_CODINGS) if c["guid"] not in self.tombs}
        their_guid = {r["pk"]: r["guid"] for r in self.o.table(T_CODES)}
        needed = {their_guid[pk] for pk in theirs_used if pk in their_guid}
        rows = self._all(T_CODES)
        for row in sorted(rows, key=lambda r: -r["pk"]):
            if row["guid"] not in deleted or row["guid"] in needed:
                continue
            codings = self.conn.execute(
                select(T_CODINGS.c.pk).where(T_CODINGS.c.code_pk == row["pk"]).limit(1)
            ).first()
            children = self.conn.execute(
                select(T_CODES.c.pk).where(T_CODES.c.parent_pk == row["pk"]).limit(1)
            ).first()
            if codings or children:
                self.r.notes.append(
                    _("they deleted code {row!r}; kept here: it still has codings").format(
                        row=row["id"]
                    )
                    if codings
                    else _("they deleted code {row!r}; kept here: it still has sub-codes").format(
                        row=row["id"]
                    )
                )
                continue
            for alias in self.conn.execute(
                select(T_ALIASES.c.alias).where(T_ALIASES.c.code_pk == row["pk"])
            ).all():
                self.tx.delete(T_ALIASES, {"alias": alias.alias})
            self.tx.delete(T_CODES, {"pk": row["pk"]})
            self.r.codes_deleted.append(row["id"])

    def codes(self) -> None:
        self._drop_deleted_codes()
        our_rows = self._all(T_CODES)
        theirs_rows = self.o.table(T_CODES)
        ours_cb = _codebook(our_rows, self._all(T_ALIASES))
        theirs_cb = _codebook(theirs_rows, self.o.table(T_ALIASES))
        union = union_codebooks(
            ours_cb,
            theirs_cb,
            our_guids={r["id"]: r["guid"] for r in our_rows},
            their_guids={r["id"]: r["guid"] for r in theirs_rows},
        )
        used = {c["code_pk"] for c in self.o.table(T_CODINGS) if c["guid"] not in self.tombs}
        their_by_id = {r["id"]: r for r in theirs_rows}
        pk_by_id = {r["id"]: r["pk"] for r in our_rows}
        guid_by_id = {r["id"]: r["guid"] for r in our_rows}
        position = max((r["position"] for r in our_rows), default=-1) + 1
        for code in union.added:
            theirs = their_by_id[code.id]
            if theirs["guid"] in self.tombs and theirs["pk"] not in used:
                self.r.notes.append(
                    _("their code {code.id!r} was deleted here: not added again").format(code=code)
                )
                continue
            values = convert.code_values(code)
            values.update(
                guid=self._guid_free(T_CODES, theirs["guid"]),
                parent_pk=pk_by_id.get(code.parent) if code.parent else None,
                position=position,
                created=theirs["created"],
                version=theirs["version"],
            )
            position += 1
            pk_by_id[code.id] = self.tx.insert(T_CODES, values)
            guid_by_id[code.id] = values["guid"]
            self.r.codes_added.append(code.id)
            for alias in code.aliases:
                self.tx.insert(T_ALIASES, {"alias": alias, "code_pk": pk_by_id[code.id]})
                self.r.aliases_added.append((alias, code.id))
        for alias, target in union.aliases:
            if not ID_RE.match(alias) or control_character(alias):
                self.r.refused.append(
                    _(
                        "their id '{alias}' of our code {target!r}: not a valid id; not added as an alias"
                    ).format(alias=escape(alias), target=target)
                )
                continue
            self.tx.insert(T_ALIASES, {"alias": alias, "code_pk": pk_by_id[target]})
            self.r.aliases_added.append((alias, target))
        self.r.code_conflicts += union.conflicts
        self.r.notes += union.notes
        for row in theirs_rows:
            target = union.resolve(row["id"])
            if target in pk_by_id:
                self.code_map[row["pk"]] = pk_by_id[target]
                self.code_guid_map[row["guid"]] = guid_by_id[target]
        self.p._code_pk_cache = None

    # -------------------------------------------------------------- codings

    def codings(self) -> None:
        ours = self._all(T_CODINGS)
        by_guid = {r["guid"]: r for r in ours}
        by_identity = {
            (r["document_pk"], r["code_pk"], r["start"], r["end"], r["coder"]): r for r in ours
        }
        texts: dict[int, str] = {}
        for c in sorted(self.o.table(T_CODINGS), key=lambda r: r["guid"]):
            guid = c["guid"]
            if guid in self.tombs:
                self.r.codings_tombstoned += 1
                continue
            if c["document_pk"] not in self.doc_map:  # a document deleted here
                self.r.codings_tombstoned += 1
                continue
            doc_pk = self.doc_map[c["document_pk"]]
            code_pk = self.code_map.get(c["code_pk"])
            if code_pk is None:  # their code was deleted here and is unused: cannot happen
                raise ProjectError(_("their coding {guid} has no code to go to").format(guid=guid))
            mine = by_guid.get(guid)
            if mine is not None:
                self._merge_state(mine, c)
                continue
            start, end, anchor, quote = c["start"], c["end"], c["anchor"], c["quote"]
            if c["document_pk"] in self.reanchor_docs:
                if doc_pk not in texts:
                    texts[doc_pk] = str(
                        self.conn.execute(
                            select(T_DOCS.c.text).where(T_DOCS.c.pk == doc_pk)
                        ).scalar()
                    )
                moved = reanchor(texts[doc_pk], start, end, quote)
                start, end = moved.start, moved.end
                if moved.anchor != "exact" or anchor == "exact":
                    anchor = moved.anchor
                self.r.anchors[moved.anchor] = self.r.anchors.get(moved.anchor, 0) + 1
            identity = (doc_pk, code_pk, start, end, c["coder"])
            twin = by_identity.get(identity)
            if twin is not None:
                self.r.codings_identical += 1
                keep = survivor(twin["guid"], guid)
                if keep == twin["guid"]:
                    self._merge_state(twin, c)
                    self._tombstone(guid, c["coder"])
                    self.renamed_codings[guid] = keep
                    continue
                # their guid survives: ours is replaced by theirs, with both states merged
                self.tx.delete(T_CODINGS, {"pk": twin["pk"]})
                self._tombstone(twin["guid"], twin["coder"])
                self.renamed_codings[twin["guid"]] = guid
                del by_guid[twin["guid"]]
                state = merge_coding_state(twin, c)
            else:
                state = {f: c[f] for f in (*CODING_STATE, "version")}
                self.r.codings_added += 1
            values = {k: v for k, v in c.items() if k != "pk"}
            values.update(
                document_pk=doc_pk,
                code_pk=code_pk,
                start=start,
                end=end,
                anchor=anchor,
                quote=quote,
                **state,
            )
            pk = self.tx.insert(T_CODINGS, values)
            row = {**values, "pk": pk}
            by_guid[guid] = row
            by_identity[identity] = row

    def _merge_state(self, mine: dict[str, Any], theirs: dict[str, Any]) -> None:
        state = merge_coding_state(mine, theirs)
        changed = {k: v for k, v in state.items() if mine[k] != v}
        if changed:
            self.tx.update(T_CODINGS, {"pk": mine["pk"]}, changed)
            mine.update(changed)
            self.r.codings_updated += 1

    def _tombstone(self, guid: str, coder: str) -> None:
        self.tombs.add(guid)
        if guid in self.tomb_rows:
            return
        from qualcode.clock import now

        self.tx.insert(
            T_TOMBS, {"guid": guid, "kind": "coding", "deleted_at": now(), "coder": coder}
        )
        self.tomb_rows.add(guid)
        self.r.tombstones_added += 1

    # -------------------------------------------------------------- the rest

    def comments(self) -> None:
        ours = {r["guid"]: r for r in self._all(T_COMMENTS)}
        for row in ours.values():
            target = self.renamed_codings.get(row["coding_guid"])
            if target is not None:
                self.tx.update(T_COMMENTS, {"pk": row["pk"]}, {"coding_guid": target})
        for row in sorted(self.o.table(T_COMMENTS), key=lambda r: r["guid"]):
            if row["guid"] in ours or row["guid"] in self.tombs:
                continue
            values = {k: v for k, v in row.items() if k != "pk"}
            values["coding_guid"] = self.renamed_codings.get(row["coding_guid"], row["coding_guid"])
            self.tx.insert(T_COMMENTS, values)
            self.r.comments_added += 1

    def memos(self) -> None:
        ours = {r["guid"]: r for r in self._all(T_MEMOS)}
        case_names = {r["guid"]: r["name"] for r in self.o.table(T_CASES)}
        our_cases = {
            r.name: r.guid for r in self.conn.execute(select(T_CASES.c.name, T_CASES.c.guid))
        }
        for row in sorted(self.o.table(T_MEMOS), key=lambda r: r["guid"]):
            if row["guid"] in self.tombs:
                continue
            mine = ours.get(row["guid"])
            if mine is not None:
                merged = merge_memo(mine, row)
                changed = {k: v for k, v in merged.items() if mine[k] != v}
                if changed:
                    self.tx.update(T_MEMOS, {"pk": mine["pk"]}, changed)
                    self.r.memos_updated += 1
                continue
            target = row["target_guid"]
            kind = row["target_kind"]
            if kind == "document":
                target = self.doc_guid_map.get(target, target)
            elif kind == "code":
                target = self.code_guid_map.get(target, target)
            elif kind == "case" and target in case_names:
                target = our_cases.get(case_names[target], target)
            values = {k: v for k, v in row.items() if k != "pk"}
            values["target_guid"] = target
            self.tx.insert(T_MEMOS, values)
            self.r.memos_added += 1

    def marks(self) -> None:
        ours = {(r["document_pk"], r["coder"]): r for r in self._all(T_MARKS)}
        for row in self.o.table(T_MARKS):
            if row["document_pk"] not in self.doc_map:
                continue
            key = (self.doc_map[row["document_pk"]], row["coder"])
            mine = ours.get(key)
            if mine is None:
                self.tx.insert(
                    T_MARKS,
                    {"document_pk": key[0], "coder": key[1], "done": row["done"], "at": row["at"]},
                )
                self.r.marks_changed += 1
                continue
            done, at = merge_mark((bool(mine["done"]), mine["at"]), (bool(row["done"]), row["at"]))
            if (done, at) != (bool(mine["done"]), mine["at"]):
                self.tx.update(
                    T_MARKS, {"document_pk": key[0], "coder": key[1]}, {"done": done, "at": at}
                )
                self.r.marks_changed += 1

    def coders(self) -> None:
        ours = {r["name"] for r in self._all(T_CODERS)}
        for row in sorted(self.o.table(T_CODERS), key=lambda r: r["name"]):
            if row["name"] in ours:
                continue
            values = {k: v for k, v in row.items() if k != "pk"}
            values["guid"] = self._guid_free(T_CODERS, row["guid"])
            self.tx.insert(T_CODERS, values)
            self.r.coders_added.append(row["name"])

    def cases(self) -> None:
        ours = {r["name"]: r["pk"] for r in self._all(T_CASES)}
        their_cases = {r["pk"]: r for r in self.o.table(T_CASES)}
        case_map: dict[int, int] = {}
        for row in sorted(their_cases.values(), key=lambda r: r["name"]):
            if row["name"] in ours:
                case_map[row["pk"]] = ours[row["name"]]
                continue
            values = {k: v for k, v in row.items() if k != "pk"}
            values["guid"] = self._guid_free(T_CASES, row["guid"])
            case_map[row["pk"]] = self.tx.insert(T_CASES, values)
            self.r.cases_added.append(row["name"])
        sources = {
            (r["case_pk"], r["document_pk"], r["speaker"]) for r in self._all(T_CASE_SOURCES)
        }
        for row in self.o.table(T_CASE_SOURCES):
            if row["document_pk"] not in self.doc_map:
                continue
            key = (case_map[row["case_pk"]], self.doc_map[row["document_pk"]], row["speaker"])
            if key not in sources:
                self.tx.insert(
                    T_CASE_SOURCES, {"case_pk": key[0], "document_pk": key[1], "speaker": key[2]}
                )
                sources.add(key)
        self._case_attributes(case_map)

    def _case_attributes(self, case_map: dict[int, int]) -> None:
        """Their attributes and case values: a value fills one that is empty here."""
        attrs = {r["name"]: r["pk"] for r in self._all(T_ATTRS)}
        attr_map: dict[int, int] = {}
        for row in self.o.table(T_ATTRS):
            if row["name"] not in attrs:
                values = {k: v for k, v in row.items() if k != "pk"}
                values["guid"] = self._guid_free(T_ATTRS, row["guid"])
                attrs[row["name"]] = self.tx.insert(T_ATTRS, values)
            attr_map[row["pk"]] = attrs[row["name"]]
        values_now = {
            (r["case_pk"], r["attribute_pk"]): r["value"] for r in self._all(T_CASE_ATTRS)
        }
        for row in self.o.table(T_CASE_ATTRS):
            pair = (case_map[row["case_pk"]], attr_map[row["attribute_pk"]])
            if pair not in values_now:
                self.tx.insert(
                    T_CASE_ATTRS,
                    {"case_pk": pair[0], "attribute_pk": pair[1], "value": row["value"]},
                )
            elif values_now[pair] in (None, "") and row["value"] not in (None, ""):
                self.tx.update(
                    T_CASE_ATTRS,
                    {"case_pk": pair[0], "attribute_pk": pair[1]},
                    {"value": row["value"]},
                )

    def themes(self) -> None:
        """Themes, members, key extracts, relations (see :class:`_ThemeMerge`)."""
        _ThemeMerge(self).run()

    def adjudications(self) -> None:
        ours = {(r["document_pk"], r["consensus"], r["key"]) for r in self._all(T_ADJ)}
        for row in sorted(self.o.table(T_ADJ), key=lambda r: r["guid"]):
            if row["document_pk"] not in self.doc_map:
                continue
            doc_pk = self.doc_map[row["document_pk"]]
            if (doc_pk, row["consensus"], row["key"]) in ours:
                continue
            values = {k: v for k, v in row.items() if k != "pk"}
            values.update(document_pk=doc_pk, guid=self._guid_free(T_ADJ, row["guid"]))
            self.tx.insert(T_ADJ, values)
            self.r.adjudications_added += 1


THEME_FIELD_DIFFERS = {
    "label": N_("theme {theme!r}: its label differs on their side (ours kept)"),
    "definition": N_("theme {theme!r}: its definition differs on their side (ours kept)"),
    "status": N_("theme {theme!r}: its status differs on their side (ours kept)"),
    "reason": N_("theme {theme!r}: its reason differs on their side (ours kept)"),
    "color": N_("theme {theme!r}: its colour differs on their side (ours kept)"),
}
"""A shared theme's field that differs on their side (``THEME_FIELDS``), whole."""


def _theme_problem(row: dict[str, Any]) -> str | None:
    """Why an incoming theme row cannot be merged (``None``: it can)."""
    from qualcode.core.themes import THEME_ID_RE, THEME_STATUSES

    if not isinstance(row.get("id"), str) or not THEME_ID_RE.match(row["id"]):
        return _("a bad id")
    if row.get("status") not in THEME_STATUSES:
        return _("an unknown status {status!r}").format(status=escape(str(row.get("status"))))
    try:
        label = convert.label_from_db(str(row.get("label")))
    except ValueError:
        return _("a label that is not JSON")
    texts = [label] if isinstance(label, str) else list(label.values())
    if not texts or not all(t.strip() for t in texts):
        return _("an empty label")
    return None


def _below(parent_of: dict[int, Any], wanted: int | None, theme_pk: int) -> bool:
    """Whether ``wanted`` is ``theme_pk`` or below it (it would make a cycle as its
    parent)."""
    probe, seen = wanted, set()
    while probe is not None and probe not in seen:
        seen.add(probe)
        if probe == theme_pk:
            return True
        probe = parent_of.get(probe)
    return False


class _ThemeMerge:
    """Their themes, member codes, key extracts and relations into our transaction."""

    def __init__(self, m: _Merge) -> None:
        self.m = m
        self.tx = m.tx
        self.conn = m.conn
        self.r = m.r

    def run(self) -> None:
        self.drop_deleted()
        theme_map = self.themes()
        self.members(theme_map)
        self.extracts(theme_map)
        self.relations()

    def _delete_relations_of(self, guid: str) -> None:
        for rel in self.m._all(T_RELATIONS):
            if guid in (rel["source_guid"], rel["target_guid"]):
                self.tx.delete(T_RELATIONS, {"pk": rel["pk"]})
                self.r.theme_rows_deleted += 1

    def drop_deleted(self) -> None:
        """Delete what they deleted: members, extracts, relations, then themes (their
        sub-themes move up, their members and extracts go with them)."""
        tombs = self.m.tombs
        for table in (T_THEME_CODES, T_THEME_EXTRACTS, T_RELATIONS):
            for row in self.m._all(table):
                if row["guid"] in tombs:
                    self.tx.delete(table, {"pk": row["pk"]})
                    self.r.theme_rows_deleted += 1
        themes = sorted(self.m._all(T_THEMES), key=lambda r: -r["pk"])
        for row in themes:
            if row["guid"] not in tombs:
                continue
            current = self.conn.execute(
                select(T_THEMES.c.parent_pk).where(T_THEMES.c.pk == row["pk"])
            ).first()
            if current is None:
                continue
            for child in self.conn.execute(
                select(T_THEMES.c.pk).where(T_THEMES.c.parent_pk == row["pk"])
            ).all():
                self.tx.update(T_THEMES, {"pk": child.pk}, {"parent_pk": current.parent_pk})
            for table in (T_THEME_CODES, T_THEME_EXTRACTS):
                for pk in self.conn.execute(
                    select(table.c.pk).where(table.c.theme_pk == row["pk"])
                ).scalars():
                    self.tx.delete(table, {"pk": pk})
            self._delete_relations_of(row["guid"])
            self.tx.delete(T_THEMES, {"pk": row["pk"]})
            self.r.themes_deleted.append(row["id"])

    def themes(self) -> dict[int, int]:
        """Their themes by guid: new ones added (id made unique), shared ones updated
        from the later version; returns their theme pk -> ours."""
        ours = {r["guid"]: r for r in self.m._all(T_THEMES)}
        taken = {r["id"] for r in ours.values()}
        theirs = sorted(self.m.o.table(T_THEMES), key=lambda r: r["pk"])
        theme_map: dict[int, int] = {}
        inserted: set[int] = set()
        newer: set[int] = set()  # shared themes whose later version is theirs
        same: set[int] = set()  # shared themes at the same version on both sides
        position = max((r["position"] for r in ours.values()), default=-1) + 1
        for row in theirs:
            if row["guid"] in self.m.tombs:
                continue
            problem = _theme_problem(row)
            if problem is not None:
                self.r.refused.append(
                    _("their theme '{theme}': {problem}").format(
                        theme=escape(str(row.get("id"))), problem=problem
                    )
                )
                continue
            mine = ours.get(row["guid"])
            if mine is not None:
                theme_map[row["pk"]] = mine["pk"]
                if int(row["version"]) > int(mine["version"]):
                    newer.add(row["pk"])
                elif int(row["version"]) == int(mine["version"]):
                    same.add(row["pk"])
                self._update_shared(mine, row)
                continue
            theme_map[row["pk"]] = self._add_theme(row, taken, position, ours)
            position += 1
            inserted.add(row["pk"])
        self._set_parents(theirs, theme_map, ours, inserted | newer, same)
        return theme_map

    def _update_shared(self, mine: dict[str, Any], row: dict[str, Any]) -> None:
        """A theme on both sides: take their fields where theirs is the later version,
        and say which differing fields ours kept."""
        changed, kept = merge_theme(mine, row)
        if changed:
            self.tx.update(T_THEMES, {"pk": mine["pk"]}, changed)
            mine.update(changed)
            self.r.themes_updated.append(mine["id"])
        for name in kept:
            self.r.notes.append(
                _(THEME_FIELD_DIFFERS[name]).format(theme=mine["id"])
                if name in THEME_FIELD_DIFFERS
                else _("theme {theme!r}: its {field} differs on their side (ours kept)").format(
                    theme=mine["id"], field=name
                )
            )

    def _add_theme(
        self, row: dict[str, Any], taken: set[str], position: int, ours: dict[str, Any]
    ) -> int:
        """Add their new theme (at the top level, its id made unique); returns its pk."""
        from qualcode.core.themes import free_id

        new_id = free_id(row["id"], taken)
        if new_id != row["id"]:
            self.r.notes.append(
                _(
                    "their theme {theme!r} is another theme than ours of that id: "
                    "added as {new_id!r}"
                ).format(theme=row["id"], new_id=new_id)
            )
        taken.add(new_id)
        values = {k: v for k, v in row.items() if k not in ("pk", "parent_pk")}
        values.update(id=new_id, parent_pk=None, position=position)
        pk = self.tx.insert(T_THEMES, values)
        ours[row["guid"]] = {**values, "pk": pk}
        self.r.themes_added.append(new_id)
        return pk

    def _set_parents(
        self,
        theirs: list[dict[str, Any]],
        theme_map: dict[int, int],
        ours: dict[str, Any],
        take: set[int],
        same: set[int],
    ) -> None:
        """Parents: a new theme takes its parent; a shared one the parent of the side
        with the later version (``take``: their pks whose parent wins), never a cycle."""
        parent_of = {
            r.pk: r.parent_pk
            for r in self.conn.execute(select(T_THEMES.c.pk, T_THEMES.c.parent_pk))
        }
        for row in theirs:
            ours_pk = theme_map.get(row["pk"])
            if ours_pk is None:
                continue
            wanted = theme_map.get(row["parent_pk"]) if row["parent_pk"] is not None else None
            if row["parent_pk"] is not None and wanted is None:
                continue  # their parent was refused or deleted: it stays where it is
            mine = ours[row["guid"]]
            if row["pk"] not in take:
                if parent_of.get(ours_pk) != wanted and row["pk"] in same:
                    self.r.notes.append(
                        _("theme {theme!r}: its parent differs on their side (ours kept)").format(
                            theme=mine["id"]
                        )
                    )
                continue
            if parent_of.get(ours_pk) == wanted:
                continue
            if _below(parent_of, wanted, ours_pk):
                self.r.notes.append(
                    _("theme {theme!r}: their parent would make a cycle (ours kept)").format(
                        theme=mine["id"]
                    )
                )
                continue
            self.tx.update(T_THEMES, {"pk": ours_pk}, {"parent_pk": wanted})
            parent_of[ours_pk] = wanted

    def members(self, theme_map: dict[int, int]) -> None:
        ours = self.m._all(T_THEME_CODES)
        guids = {r["guid"] for r in ours}
        pairs = {(r["theme_pk"], r["code_pk"]) for r in ours}
        counts: dict[int, int] = {}
        for r in ours:
            counts[r["theme_pk"]] = max(counts.get(r["theme_pk"], 0), r["position"] + 1)
        for row in sorted(
            self.m.o.table(T_THEME_CODES), key=lambda r: (r["theme_pk"], r["position"], r["pk"])
        ):
            if row["guid"] in guids or row["guid"] in self.m.tombs:
                continue
            theme_pk = theme_map.get(row["theme_pk"])
            code_pk = self.m.code_map.get(row["code_pk"])
            if theme_pk is None or code_pk is None or (theme_pk, code_pk) in pairs:
                continue
            position = counts.get(theme_pk, 0)
            counts[theme_pk] = position + 1
            values = {k: v for k, v in row.items() if k != "pk"}
            values.update(theme_pk=theme_pk, code_pk=code_pk, position=position)
            self.tx.insert(T_THEME_CODES, values)
            pairs.add((theme_pk, code_pk))
            guids.add(row["guid"])
            self.r.theme_codes_added += 1

    def extracts(self, theme_map: dict[int, int]) -> None:
        ours = self.m._all(T_THEME_EXTRACTS)
        guids = {r["guid"] for r in ours}
        pairs = {(r["theme_pk"], r["coding_guid"]) for r in ours}
        counts: dict[int, int] = {}
        for r in ours:
            counts[r["theme_pk"]] = max(counts.get(r["theme_pk"], 0), r["position"] + 1)
        for row in sorted(
            self.m.o.table(T_THEME_EXTRACTS), key=lambda r: (r["theme_pk"], r["position"], r["pk"])
        ):
            if row["guid"] in guids or row["guid"] in self.m.tombs:
                continue
            theme_pk = theme_map.get(row["theme_pk"])
            coding = self.m.renamed_codings.get(row["coding_guid"], row["coding_guid"])
            if theme_pk is None or (theme_pk, coding) in pairs:
                continue
            position = counts.get(theme_pk, 0)
            counts[theme_pk] = position + 1
            values = {k: v for k, v in row.items() if k != "pk"}
            values.update(theme_pk=theme_pk, coding_guid=coding, position=position)
            self.tx.insert(T_THEME_EXTRACTS, values)
            pairs.add((theme_pk, coding))
            guids.add(row["guid"])
            self.r.extracts_added += 1

    def relations(self) -> None:
        from qualcode.core.themes import NODE_KINDS

        ours = {r["guid"] for r in self.m._all(T_RELATIONS)}
        live_themes = {r["guid"] for r in self.m._all(T_THEMES)}

        def end(kind: str, guid: str) -> str | None:
            if kind == "code":
                return self.m.code_guid_map.get(guid)
            if kind == "document":
                return self.m.doc_guid_map.get(guid)
            if kind == "passage":
                return self.m.renamed_codings.get(guid, guid)
            return guid if guid in live_themes else None

        for row in sorted(self.m.o.table(T_RELATIONS), key=lambda r: r["pk"]):  # their order
            if row["guid"] in ours or row["guid"] in self.m.tombs:
                continue
            if row["source_kind"] not in NODE_KINDS or row["target_kind"] not in NODE_KINDS:
                self.r.refused.append(_("a relation with an unknown kind of end: refused"))
                continue
            a = end(row["source_kind"], row["source_guid"])
            b = end(row["target_kind"], row["target_guid"])
            if a is None or b is None:
                continue
            values = {k: v for k, v in row.items() if k != "pk"}
            values.update(source_guid=a, target_guid=b)
            self.tx.insert(T_RELATIONS, values)
            self.r.relations_added += 1
