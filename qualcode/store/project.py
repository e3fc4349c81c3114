"""The Project API: one method per user action, one transaction each.

Every writer (CLI, TUI, services, benchmarks) goes through these methods. Each one
runs in a single database transaction, appends one entry to the action log (with
the row-level changes that undo and redo replay), and returns plain ``core``
dataclasses. No ORM object leaves this package.

:class:`Project` owns the engine and the coder (through
:class:`~qualcode.store.base.ProjectBase`, the transaction and action-log module every
part uses) and exposes one part per subject: ``project.documents``, ``.codings``,
``.codes``, ``.memos``, ``.cases``, ``.themes``, ``.review``, ``.team``, ``.history``,
``.search``, ``.matrices``, ``.refi``, ``.merge`` ... Each part is a plain class in the
module of its subject, given the store and the other parts it needs in its
constructor. The documents, codings, codebook-sync and action-log parts live here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from json.encoder import encode_basestring
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from qualcode.clock import new_guid, now
from qualcode.core.codebook import Code, Codebook, relations_to_data
from qualcode.core.model import (
    CodeCount,
    Coding,
    Document,
    DocumentSummary,
    ImportedDocument,
    ImportResult,
    Origin,
    Sentence,
    SentenceSpan,
    Status,
    SyncReport,
)
from qualcode.core.names import check_name
from qualcode.core.spans import union_length
from qualcode.errors import InputError, NotFoundError, ProjectError
from qualcode.i18n import _, plural
from qualcode.store import convert, staging
from qualcode.store.base import (
    CODEBOOK_META,
    CODEBOOK_PATH,
    SQL_DOC_SPAN,
    SQL_SAME_CODING,
    T_ACTIONS,
    T_ALIASES,
    T_CASE_SOURCES,
    T_CASES,
    T_CODES,
    T_CODINGS,
    T_DOCS,
    T_SENTS,
    T_SETTINGS,
    T_THEME_CODES,
    T_TOMBS,
    T_TURN_SPEAKERS,
    T_TURNS,
    VISIBLE,
    ProjectBase,
    RawFallback,
    Tx,
    insert_stmt,
    sha256_text,
    short_error,
)
from qualcode.store.cases import Cases, front_matter_to_case
from qualcode.store.codebook_ops import Codes
from qualcode.store.document_ops import DocumentEdits
from qualcode.store.engine import (
    make_engine,
    resolve_location,
    upgrade_schema,
)
from qualcode.store.history import ActionHistory
from qualcode.store.matrices import Matrices
from qualcode.store.memos import Memos
from qualcode.store.narrate import Narration
from qualcode.store.project_merge import ProjectMerge
from qualcode.store.recode import Recode
from qualcode.store.refi import Refi
from qualcode.store.reimport import (
    Reimport,
    StructureRows,
    first_keys,
    insert_prepared,
    insert_structure,
    structure_rows,
)
from qualcode.store.retrieval import Retrieval
from qualcode.store.review import CodingReview
from qualcode.store.search import (
    SEARCH_PENDING,
    KwicSearch,
    Search,
    index_document,
    insert_entries,
    pending_documents,
    set_pending,
)
from qualcode.store.suggestions import Suggestions
from qualcode.store.team import Team
from qualcode.store.thematic_map import ThematicMap
from qualcode.store.themes import Themes
from qualcode.store.workbench import Workbench


class Project(ProjectBase):
    """An open project (a SQLite file or a PostgreSQL database).

    Args:
        engine: the engine, schema already at head.
        location: the URL it was opened from.
        coder: the name recorded on codings and actions by default.
    """

    def __init__(self, engine: Engine, location: str, coder: str) -> None:
        super().__init__(engine, location, coder)
        self.team = Team(self)
        """Coders, done marks, the blind view, agreement and adjudication."""
        self.codebook_sync = CodebookSync(self, self.team)
        """The project's codes made equal to a codebook file, and counted."""
        self.documents = Documents(self, self.team)
        """Adding, staging and reading documents."""
        self.codings = Codings(self, self.team)
        """Applying, removing and reading codings."""
        self.log = ActionLog(self, self.team)
        """The action log, newest first."""
        self.retrieval = Retrieval(self, self.codings)
        """Coded passages read back with their context."""
        self.suggestions = Suggestions(self, self.codings)
        """Suggested codings (auto-coding, imports) and their verdicts."""
        self.memos = Memos(self)
        """Memos on the project, documents, codes, cases, themes and codings."""
        self.workbench = Workbench(self)
        """Where each coder left the workbench."""
        self.map = ThematicMap(self)
        """Where the thematic map places its nodes."""
        self.cases = Cases(self)
        """Cases, the documents linked to them, and their attributes."""
        self.themes = Themes(self)
        """Themes, their codes and extracts, and the relations between codes and themes."""
        self.history = ActionHistory(self)
        """Undo and redo of the person's own actions, per window."""
        self.narration = Narration(self, self.history)
        """The project's history told in the researcher's words."""
        self.document_edits = DocumentEdits(self)
        """Renaming and deleting documents."""
        self.reimport = Reimport(self)
        """Replacing a document's text and structure, keeping its codings."""
        self.search = Search(self)
        """Full-text search over the documents."""
        self.kwic = KwicSearch(self)
        """Keyword-in-context search over sentences and their lemmas."""
        self.review = CodingReview(self)
        """Review of codings: verdicts, comments, revisions."""
        self.refi = Refi(self)
        """What a REFI-QDA export reads and an import writes."""
        self.merge = ProjectMerge(self)
        """Merging another copy of the project into this one."""
        self.codes = Codes(self)
        """Adding, editing, moving, merging and deleting codes (one action each)."""
        self.recode = Recode(self, self.codes)
        """Moving codings from code to code, and splitting a code."""
        self.matrices = Matrices(self, self.team)
        """Frequency tables, quote matrices, co-occurrence and segments."""


def _match_codes(
    codebook: Codebook, rows: dict[str, dict[str, Any]], alias_rows: dict[str, int]
) -> dict[str, int]:
    """Each incoming code's existing row (pk): by id first, then by its aliases."""
    matched: dict[str, int] = {}
    for code in codebook.codes:
        if code.id in rows:
            matched[code.id] = rows[code.id]["pk"]
            continue
        for alias in code.aliases:
            if alias in rows and rows[alias]["pk"] not in matched.values():
                matched[code.id] = rows[alias]["pk"]
                break
            if alias in alias_rows and alias_rows[alias] not in matched.values():
                matched[code.id] = alias_rows[alias]
                break
    return matched


def _refuse_dropping_coded(
    conn: Connection, rows: dict[str, dict[str, Any]], dropped: list[str], source: str | None
) -> None:
    """Refuse a file that drops codes that still have codings.

    Raises:
        InputError: naming each such code with its number of codings.
    """
    counts: dict[int, int] = dict(
        conn.execute(
            select(T_CODINGS.c.code_pk, func.count())
            .where(T_CODINGS.c.code_pk.in_([rows[i]["pk"] for i in dropped]))
            .group_by(T_CODINGS.c.code_pk)
        ).all()
    )
    blocked = [
        plural(counts[rows[i]["pk"]], "{code} ({n} coding)", "{code} ({n} codings)", code=i)
        for i in dropped
        if counts.get(rows[i]["pk"])
    ]
    if blocked:
        raise InputError(
            _("the codebook file drops codes that still have codings: {blocked}").format(
                blocked=", ".join(blocked)
            ),
            path=source,
            hint=_(
                "keep them in the file, add the old id under 'aliases' of the code that replaces it, or merge them with 'qualcode codebook merge-code'"
            ),
        )


def _write_code(
    tx: Tx,
    code: Code,
    position: int,
    matched: dict[str, int],
    rows: dict[str, dict[str, Any]],
    pk_to_id: dict[int, str],
) -> tuple[int, str]:
    """Write one code's fields (not its parent): its pk and ``added``, ``updated`` or
    ``unchanged``."""
    values = convert.code_values(code)
    values["position"] = position
    if code.id not in matched:
        values.update(guid=new_guid(), created=now(), version=1, parent_pk=None)
        return tx.insert(T_CODES, values), "added"
    pk = matched[code.id]
    old_id = pk_to_id[pk]
    if old_id != code.id:
        # the id changed but the file names the old one as an alias: rename
        values["version"] = rows[old_id]["version"] + 1
    before = rows[old_id]
    diff = {k: v for k, v in values.items() if before.get(k) != v}
    if not diff:
        return pk, "unchanged"
    what = "unchanged"
    if set(diff) - {"position", "version"}:
        diff["version"] = before["version"] + 1
        what = "updated"
    tx.update(T_CODES, {"pk": pk}, diff)
    return pk, what


def _write_parents(
    tx: Tx, codebook: Codebook, pk_by_id: dict[str, int], added: list[str], updated: list[str]
) -> int:
    """Second pass: each code's parent; a code whose only change is its parent joins
    ``updated``. Returns how many did (no longer unchanged)."""
    moved = 0
    for code in codebook.codes:
        parent_pk = pk_by_id[code.parent] if code.parent else None
        pk = pk_by_id[code.id]
        current = tx.conn.execute(select(T_CODES.c.parent_pk).where(T_CODES.c.pk == pk)).scalar()
        if current != parent_pk:
            tx.update(T_CODES, {"pk": pk}, {"parent_pk": parent_pk})
            if code.id not in added and code.id not in updated:
                updated.append(code.id)
                moved += 1
    return moved


def _write_aliases(
    tx: Tx, codebook: Codebook, pk_by_id: dict[str, int], alias_rows: dict[str, int]
) -> None:
    """Aliases: exactly those of the file."""
    wanted = {a: pk_by_id[c.id] for c in codebook.codes for a in c.aliases}
    for alias, code_pk in alias_rows.items():
        if wanted.get(alias) != code_pk:
            tx.delete(T_ALIASES, {"alias": alias})
    for alias, code_pk in wanted.items():
        if alias_rows.get(alias) != code_pk:
            tx.insert(T_ALIASES, {"alias": alias, "code_pk": code_pk})


class CodebookSync:
    """The project's codes made equal to a codebook file, and counted."""

    def __init__(self, store: ProjectBase, team: Team) -> None:
        self.store = store
        self.team = team

    def sync_codebook(self, codebook: Codebook, source: str | None = None) -> SyncReport:
        """Make the project's codes equal to ``codebook`` (one action).

        Codes are matched by id, then by alias (a code renamed in the file keeps its
        codings). A code missing from the file is removed only when nothing is
        coded with it.

        Args:
            codebook: the validated codebook.
            source: the YAML file; remembered as the project's codebook file.

        Raises:
            InputError: when the file would drop codes that still have codings.
        """
        with self.store.write("codebook.sync", f"sync codebook from {source or 'memory'}") as tx:
            conn = tx.conn
            rows = {r["id"]: dict(r) for r in conn.execute(select(T_CODES)).mappings()}
            alias_rows = {r.alias: r.code_pk for r in conn.execute(select(T_ALIASES))}
            pk_to_id = {r["pk"]: i for i, r in rows.items()}
            matched = _match_codes(codebook, rows, alias_rows)
            keep = set(matched.values())
            dropped = [i for i, r in rows.items() if r["pk"] not in keep]
            if dropped:
                _refuse_dropping_coded(conn, rows, dropped, source)
            added: list[str] = []
            updated: list[str] = []
            unchanged = 0
            # first pass: ids/fields, without parents (a parent may be new)
            pk_by_id: dict[str, int] = {}
            for position, code in enumerate(codebook.codes):
                pk, what = _write_code(tx, code, position, matched, rows, pk_to_id)
                pk_by_id[code.id] = pk
                if what == "added":
                    added.append(code.id)
                elif what == "updated":
                    updated.append(code.id)
                else:
                    unchanged += 1
            unchanged -= _write_parents(tx, codebook, pk_by_id, added, updated)
            _write_aliases(tx, codebook, pk_by_id, alias_rows)
            self._remove_codes(tx, rows, dropped)
            self._write_meta(tx, codebook, source)
            # the link to the file is no change a backup protects
            written = sum(1 for ch in tx.changes if not _is_setting(ch, CODEBOOK_PATH))
        return SyncReport(
            tuple(added), tuple(updated), tuple(dropped), max(unchanged, 0), rows=written
        )

    def _remove_codes(self, tx: Tx, rows: dict[str, dict[str, Any]], dropped: list[str]) -> None:
        """Delete the codes the file dropped (no codings, checked before); children
        first, each theme membership with a tombstone."""
        for code_id in sorted(dropped, key=lambda i: -_depth(rows, rows[i]["pk"])):
            for member in tx.conn.execute(
                select(T_THEME_CODES.c.pk, T_THEME_CODES.c.guid).where(
                    T_THEME_CODES.c.code_pk == rows[code_id]["pk"]
                )
            ).all():
                tx.delete(T_THEME_CODES, {"pk": member.pk})
                tx.insert(
                    T_TOMBS,
                    {
                        "guid": member.guid,
                        "kind": "theme_code",
                        "deleted_at": now(),
                        "coder": self.store.coder,
                    },
                )
            tx.delete(T_CODES, {"pk": rows[code_id]["pk"]})

    def _write_meta(self, tx: Tx, codebook: Codebook, source: str | None) -> None:
        """The codebook's name, description, languages, version and relation types
        (and the file it came from)."""
        meta: dict[str, Any] = {
            "name": codebook.name,
            "description": codebook.description,
            "languages": list(codebook.languages),
            "version": codebook.version,
        }
        if codebook.relations is not None:
            meta["relations"] = relations_to_data(codebook.relations)
        stored = tx.conn.execute(
            select(T_SETTINGS.c.value).where(T_SETTINGS.c.key == CODEBOOK_META)
        ).scalar()
        if stored is not None or meta != _EMPTY_META:
            # no setting reads as the empty one: writing it would change nothing
            self.store.put_setting(tx, CODEBOOK_META, meta)
        if source is not None:
            self.store.put_setting(tx, CODEBOOK_PATH, source)

    def code_counts(self, *, coder: str | None = None) -> dict[str, CodeCount]:
        """Codings and documents per code id (accepted codings only)."""
        coder = self.team.visible_coder(coder)
        joined = and_(
            T_CODINGS.c.code_pk == T_CODES.c.pk,
            T_CODINGS.c.status == Status.ACCEPTED.value,
        )
        if coder:
            # in the join, so that a code only others used still counts 0 for this coder
            joined = and_(joined, T_CODINGS.c.coder == coder)
        stmt = (
            select(
                T_CODES.c.id,
                func.count(T_CODINGS.c.pk),
                func.count(func.distinct(T_CODINGS.c.document_pk)),
            )
            .select_from(T_CODES.outerjoin(T_CODINGS, joined))
            .group_by(T_CODES.c.id)
        )
        with self.store.read() as conn:
            return {cid: CodeCount(cid, n, d) for cid, n, d in conn.execute(stmt)}


_SAME_TEXT = select(T_DOCS.c.name).where(T_DOCS.c.sha256 == bindparam("sha256"))
_NAME_TAKEN = select(T_DOCS.c.pk).where(T_DOCS.c.name == bindparam("name"))
"""Statements an import runs for every document, built once (SQLAlchemy memoizes a
statement object's cache key, so running it again skips building and compiling)."""


def _index_new_document(
    conn: Connection, doc_pk: int, text: str, prepared: StructureRows | None, *, index: bool
) -> None:
    """A new document's search entries: now (from the rows just prepared, when there
    are, not read back), or marked pending for short transactions after the import."""
    if index and prepared is not None:
        insert_entries(conn, text, [(r[0], r[4], r[5], r[6]) for r in prepared.sentences])
    elif index:
        index_document(conn, doc_pk, text)
    else:
        # its search entries follow in short transactions (index_pending): the
        # write lock is held only for these inserts
        set_pending(conn, {**pending_documents(conn), doc_pk: time.time()})


def _link_cases(
    tx: Tx, doc: ImportedDocument, doc_pk: int, case: str | None, case_per_speaker: bool
) -> None:
    """Link the new document to its case (``--case``) and, per speaker, to a case of
    each participant's name (``--case-per-speaker``); a case is created when new."""
    links: list[tuple[str, str | None]] = [(case, None)] if case else []
    if case_per_speaker:
        seen: set[str] = set()
        for t in doc.turns:
            for who, role in t.people:
                if role != "interviewer" and who not in seen:
                    seen.add(who)
                    links.append((who, who))
    for case_name, speaker in links:
        case_pk = tx.conn.execute(select(T_CASES.c.pk).where(T_CASES.c.name == case_name)).scalar()
        if case_pk is None:  # recorded: undo removes it when nothing else uses it
            case_pk = tx.insert(T_CASES, {"guid": new_guid(), "name": case_name, "description": ""})
        tx.conn.execute(
            insert(T_CASE_SOURCES).values(case_pk=case_pk, document_pk=doc_pk, speaker=speaker)
        )


class Documents:
    """Adding, staging and reading documents."""

    def __init__(self, store: ProjectBase, team: Team) -> None:
        self.store = store
        self.team = team
        self._next_keys: tuple[int, int, int] | None = None
        """The first free keys after this process's last import (SQLite): the next
        document's rows are built on them without a read transaction first (they
        are checked under the write lock, as keys read before it are)."""

    # ------------------------------------------------------------------ documents

    def find_text(self, sha256: str) -> str | None:
        """The name of the document whose text has this SHA-256, if any."""
        with self.store.read() as conn:
            return conn.execute(select(T_DOCS.c.name).where(T_DOCS.c.sha256 == sha256)).scalar()

    def unique_name(self, name: str) -> str:
        """``name``, or ``name-2``, ``name-3`` ... when it is taken."""
        with self.store.read() as conn:
            taken = {
                n
                for (n,) in conn.execute(
                    select(T_DOCS.c.name).where(
                        (T_DOCS.c.name == name) | T_DOCS.c.name.like(name + "-%")
                    )
                )
            }
        if name not in taken:
            return name
        i = 2
        while f"{name}-{i}" in taken:
            i += 1
        return f"{name}-{i}"

    def add_document(
        self,
        doc: ImportedDocument,
        sentences: Sequence[SentenceSpan],
        *,
        case: str | None = None,
        case_per_speaker: bool = False,
        index: bool = True,
        group: str | None = None,
    ) -> ImportResult:
        """Store one imported document with its turns and sentences (one action, which
        undo takes back: see :mod:`qualcode.store.history`).

        A document whose text is already in the project is skipped with a notice.
        The keys of its front matter (``doc.front_matter``) become attributes of its
        case (``case``, else a case named after the document, created when new); an
        attribute the case already has with another value is kept, with a notice.
        With ``index=False`` its search entries are left to :meth:`index_pending`
        (short transactions after this one; the document is listed as pending until
        then, and opening the project finishes the list after a crash).

        Args:
            doc: the importer's output (normalized text and turns).
            sentences: sentence spans from :mod:`qualcode.nlp`.
            case: a case the whole document belongs to (created when new).
            case_per_speaker: every speaker who is not the interviewer becomes a case
                of that name (created when new) linked to their turns in this
                document: a focus group.
            group: the batch this import belongs to (a group guid): one undo takes
                back every document of one ``qualcode import a.txt b.txt``.
        """
        check_name(doc.name, "document name", limit=400, path=doc.source_path)
        digest = sha256_text(doc.text)
        prepared: StructureRows | None = None
        if self.store.dialect == "sqlite":
            # the rows are built before the write lock is taken, on the keys free now;
            # under the lock they are checked still free (else built again)
            keys = self._next_keys
            if keys is None:
                with self.store.read() as conn:
                    keys = first_keys(conn)
            prepared = structure_rows(keys, doc.turns, sentences)
        staged: tuple[int, str] | None = None
        if prepared is not None and len(prepared.turns) + len(prepared.sentences) >= (
            staging.STAGE_MIN_ROWS
        ):
            # a large transcript: its rows go in first, in short transactions, while
            # the document stays invisible (see qualcode.store.staging)
            early = self._stage(doc, digest, sentences, prepared)
            if isinstance(early, ImportResult):
                return early
            staged = early
            staging._pause(staging.STAGE_PAUSE_S)  # a waiting writer goes before the last one
        try:
            result = self._store_document(
                doc, sentences, digest, prepared, staged, case, case_per_speaker, index, group
            )
            if staged is not None:
                # and after it, before the search index's first transaction
                staging._pause(staging.STAGE_PAUSE_S)
            return result
        except _Skipped as same:
            if staged is not None:
                self._discard_staged(staged[0])
            return ImportResult(
                doc.name,
                "skipped",
                _("{path}: already in the project as {existing!r}, skipped").format(
                    path=doc.source_path or doc.name, existing=same.name
                ),
            )
        except BaseException:
            if staged is not None:
                self._discard_staged(staged[0])
            raise

    def _stage(
        self,
        doc: ImportedDocument,
        digest: str,
        sentences: Sequence[SentenceSpan],
        prepared: StructureRows,
    ) -> tuple[int, str] | ImportResult:
        """Store a large document's rows in short transactions while it stays
        invisible (see :mod:`qualcode.store.staging`).

        Returns:
            The staged document's key and guid; or the result when the same text is
            in the project already (nothing is written).

        Raises:
            InputError: another document has that name (nothing is written).
        """
        guid = new_guid()
        with self.store.write("import.stage", f"import {doc.name}") as tx:
            conn = tx.conn
            existing = conn.execute(_SAME_TEXT, {"sha256": digest}).scalar()
            if existing is not None:
                return ImportResult(
                    doc.name,
                    "skipped",
                    _("{path}: already in the project as {existing!r}, skipped").format(
                        path=doc.source_path or doc.name, existing=existing
                    ),
                )
            if conn.execute(_NAME_TAKEN, {"name": doc.name}).first():
                raise InputError(
                    _("a different document named {doc.name!r} is already in the project").format(
                        doc=doc
                    ),
                    path=doc.source_path,
                    hint=_("import it under another name, or use --replace to update it"),
                )
            keys = first_keys(conn)
            if keys != prepared.keys:
                prepared = structure_rows(keys, doc.turns, sentences)
            doc_pk = prepared.keys[0]
            conn.execute(
                insert(T_DOCS).values(
                    pk=doc_pk,
                    guid=guid,
                    name=staging.staged_name(guid),
                    text="",  # written once, by the last transaction (see below)
                    sha256=staging.staged_hash(guid),
                    chars=len(doc.text),
                    lang=doc.lang,
                    source_path=doc.source_path,
                    source_format=doc.source_format,
                    encoding=doc.encoding,
                    imported_at=staging.heartbeat(),
                    meta=json.dumps(doc.meta, ensure_ascii=False),
                    version=1,
                    state=staging.IMPORTING,
                )
            )
            done = staging.reserve(conn, prepared.turns, prepared.sentences)
        try:
            for part in staging.chunks(prepared.turns, prepared.joint, prepared.sentences, done):
                staging._pause(staging.STAGE_PAUSE_S)  # a waiting writer's chance
                with self.store.write("import.stage", f"import {doc.name}") as tx:
                    if not staging.is_staged(tx.conn, doc_pk, guid):
                        raise ProjectError(
                            _(
                                "the import of {name!r} was taken for cut off and removed by "
                                "another qualcode meanwhile; nothing of it was kept"
                            ).format(name=doc.name),
                            path=doc.source_path,
                            hint=_("import the file again"),
                        )
                    part(tx.conn)
                    staging.beat(tx.conn, doc_pk)
        except BaseException:
            self._discard_staged(doc_pk)
            raise
        return doc_pk, guid

    def _discard_staged(self, doc_pk: int) -> None:
        """Remove a staged document and its rows, in short transactions (an import
        that failed or was cancelled before its last transaction; best effort: what
        is left is removed when the project is next opened)."""
        try:
            gone = False
            while not gone:
                with self.store.write("import.discard", "remove an unfinished import") as tx:
                    gone = staging.discard_part(tx.conn, doc_pk)
                staging._pause(staging.STAGE_PAUSE_S)
        except Exception:  # noqa: BLE001 - the next open finishes it
            pass

    def discard_stale_imports(self, *, after: float | None = None) -> int:
        """Remove documents whose staged import was cut off (a kill, a crash): their
        heartbeat has not moved for ``after`` seconds.

        Returns:
            How many were removed.
        """
        with self.store.read() as conn:
            found = staging.stale(
                conn, time.time(), staging.STALE_STAGING_S if after is None else after
            )
        for doc_pk in found:
            self._discard_staged(doc_pk)
        return len(found)

    def _store_document(
        self,
        doc: ImportedDocument,
        sentences: Sequence[SentenceSpan],
        digest: str,
        prepared: StructureRows | None,
        staged: tuple[int, str] | None,
        case: str | None,
        case_per_speaker: bool,
        index: bool,
        group: str | None,
    ) -> ImportResult:
        """The import's one transaction and action-log entry (see :meth:`add_document`);
        a staged document is made whole and visible in it."""
        with self.store.write(
            "import", f"import {doc.name}", group=group, extra={"document": doc.name}
        ) as tx:
            conn = tx.conn
            existing = conn.execute(_SAME_TEXT, {"sha256": digest}).scalar()
            if existing is not None:
                if staged is not None:
                    raise _Skipped(existing)
                return ImportResult(
                    doc.name,
                    "skipped",
                    _("{path}: already in the project as {existing!r}, skipped").format(
                        path=doc.source_path or doc.name, existing=existing
                    ),
                )
            if conn.execute(_NAME_TAKEN, {"name": doc.name}).first():
                raise InputError(
                    _("a different document named {doc.name!r} is already in the project").format(
                        doc=doc
                    ),
                    path=doc.source_path,
                    hint=_("import it under another name, or use --replace to update it"),
                )
            if staged is not None:
                doc_pk, guid = staged
                if not staging.is_staged(conn, doc_pk, guid):
                    raise ProjectError(
                        _(
                            "the import of {name!r} was taken for cut off and removed by "
                            "another qualcode meanwhile; nothing of it was kept"
                        ).format(name=doc.name),
                        path=doc.source_path,
                        hint=_("import the file again"),
                    )
                # the text is written here, not in the first transaction: SQLite
                # rewrites a whole row on every update, so a 50 MB text written there
                # would be written twice under the lock
                conn.execute(
                    update(T_DOCS)
                    .where(T_DOCS.c.pk == doc_pk)
                    .values(
                        name=doc.name, sha256=digest, text=doc.text, state=None, imported_at=now()
                    )
                )
            else:
                if prepared is not None:
                    keys = first_keys(conn)
                    if keys != prepared.keys:
                        prepared = structure_rows(keys, doc.turns, sentences)
                key = {"pk": prepared.keys[0]} if prepared is not None else {}
                guid = new_guid()
                doc_pk = conn.execute(
                    insert_stmt(T_DOCS),
                    {
                        **key,
                        "guid": guid,
                        "name": doc.name,
                        "text": doc.text,
                        "sha256": digest,
                        "chars": len(doc.text),
                        "lang": doc.lang,
                        "source_path": doc.source_path,
                        "source_format": doc.source_format,
                        "encoding": doc.encoding,
                        "imported_at": now(),
                        "meta": json.dumps(doc.meta, ensure_ascii=False),
                        "version": 1,
                    },
                ).inserted_primary_key[0]  # type: ignore[index]
                if prepared is not None:
                    insert_prepared(conn, prepared)
                    first_doc, first_turn, first_sentence = prepared.keys
                    self._next_keys = (
                        first_doc + 1,
                        first_turn + len(prepared.turns),
                        first_sentence + len(prepared.sentences),
                    )
                else:
                    insert_structure(conn, doc_pk, doc.turns, sentences)
            # the undo's record: the document's key, not its rows (undo removes the
            # document with what hangs on it and keeps those rows for redo; recording
            # every turn and sentence here would slow every bulk import)
            tx.changes.append(
                {
                    "op": "import",
                    "t": "documents",
                    "name": doc.name,
                    "row": {"pk": doc_pk, "guid": guid, "name": doc.name, "sha256": digest},
                }
            )
            if sentences:
                _index_new_document(
                    conn, doc_pk, doc.text, prepared if staged is None else None, index=index
                )
            _link_cases(tx, doc, doc_pk, case, case_per_speaker)
            notices = list(doc.notices)
            written: list[str] = []
            meta_case = (case or doc.name) if doc.front_matter else None
            if meta_case is not None:
                written, refused = front_matter_to_case(tx, doc_pk, meta_case, doc.front_matter)
                notices.extend(refused)
        return ImportResult(
            doc.name,
            "imported",
            _("{path}: imported as {name!r} ({turns}, {sentences})").format(
                path=doc.source_path or doc.name,
                name=doc.name,
                turns=plural(len(doc.turns), "{n} turn", "{n} turns"),
                sentences=plural(len(sentences), "{n} sentence", "{n} sentences"),
            ),
            turns=len(doc.turns),
            sentences=len(sentences),
            notices=tuple(notices),
            speakers=doc.speakers,
            lang=doc.lang,
            lang_how=doc.lang_how,
            warnings=doc.warnings,
            case=meta_case,
            attributes=tuple(written),
        )

    def documents(self) -> list[DocumentSummary]:
        """Every document with its counts, by name."""
        mine = self.team.visible_coder(None)
        with self.store.read() as conn:
            docs = conn.execute(
                select(
                    T_DOCS.c.pk,
                    T_DOCS.c.name,
                    T_DOCS.c.guid,
                    T_DOCS.c.lang,
                    T_DOCS.c.chars,
                    T_DOCS.c.source_format,
                )
                .where(VISIBLE)
                .order_by(T_DOCS.c.name)
            ).all()
            turns: dict[int, int] = dict(
                conn.execute(
                    select(T_TURNS.c.document_pk, func.count()).group_by(T_TURNS.c.document_pk)
                ).all()
            )
            sents: dict[int, int] = dict(
                conn.execute(
                    select(T_SENTS.c.document_pk, func.count()).group_by(T_SENTS.c.document_pk)
                ).all()
            )
            spans: dict[int, list[tuple[int, int]]] = {}
            stmt = select(T_CODINGS.c.document_pk, T_CODINGS.c.start, T_CODINGS.c.end).where(
                T_CODINGS.c.status == Status.ACCEPTED.value
            )
            if mine is not None:
                stmt = stmt.where(T_CODINGS.c.coder == mine)
            for d, s, e in conn.execute(stmt):
                spans.setdefault(d, []).append((s, e))
            cases = dict(
                conn.execute(
                    select(T_CASE_SOURCES.c.document_pk, T_CASES.c.name)
                    .join(T_CASES, T_CASES.c.pk == T_CASE_SOURCES.c.case_pk)
                    .where(T_CASE_SOURCES.c.speaker.is_(None))
                ).all()
            )
        return [
            DocumentSummary(
                name=name,
                guid=guid,
                lang=lang,
                chars=chars,
                turns=turns.get(pk, 0),
                sentences=sents.get(pk, 0),
                codings=len(spans.get(pk, ())),
                coded_chars=union_length(spans.get(pk, ())),
                source_format=fmt,
                case=cases.get(pk),
            )
            for pk, name, guid, lang, chars, fmt in docs
        ]

    def document(self, name: str) -> Document:
        """The document with its text, turns and sentences.

        Raises:
            NotFoundError: when there is no such document.
        """
        with self.store.read() as conn:
            row = conn.execute(select(T_DOCS).where(T_DOCS.c.name == name)).mappings().first()
            if row is None:
                raise NotFoundError(
                    _("no document named {name!r}").format(name=name),
                    hint=_("'qualcode documents' lists them"),
                )
            # plain tuples straight from the driver, not mappings: a long transcript
            # has tens of thousands of turns and sentences
            turns_sql = (
                'SELECT ordinal, start, "end", speaker, role, label_start, timestamp_ms '
                "FROM turns WHERE document_pk = {p} ORDER BY ordinal"
            )
            sents_sql = (
                'SELECT s.ordinal, s.start, s."end", t.ordinal FROM sentences s '
                "LEFT JOIN turns t ON t.pk = s.turn_pk WHERE s.document_pk = {p} "
                "ORDER BY s.ordinal"
            )
            if self.store.dialect == "sqlite":
                raw = conn.connection.driver_connection
                assert raw is not None
                trows = raw.execute(turns_sql.format(p="?"), (row["pk"],)).fetchall()
                srows = raw.execute(sents_sql.format(p="?"), (row["pk"],)).fetchall()
            else:
                trows = conn.exec_driver_sql(
                    turns_sql.format(p="%(pk)s"), {"pk": row["pk"]}
                ).fetchall()
                srows = conn.exec_driver_sql(
                    sents_sql.format(p="%(pk)s"), {"pk": row["pk"]}
                ).fetchall()
            joint: dict[int, list[tuple[str, str | None]]] = {}
            for ordinal, speaker, role in conn.execute(
                select(T_TURNS.c.ordinal, T_TURN_SPEAKERS.c.speaker, T_TURN_SPEAKERS.c.role)
                .join(T_TURNS, T_TURNS.c.pk == T_TURN_SPEAKERS.c.turn_pk)
                .where(T_TURNS.c.document_pk == row["pk"])
                .order_by(T_TURNS.c.ordinal, T_TURN_SPEAKERS.c.position)
            ):
                joint.setdefault(ordinal, []).append((speaker, role))
        return Document(
            name=row["name"],
            guid=row["guid"],
            text=row["text"],
            lang=row["lang"],
            turns=tuple(convert.turn_from_row(t, joint.get(t[0])) for t in trows),
            sentences=tuple(Sentence(*s) for s in srows),
            source_format=row["source_format"],
            sha256=row["sha256"],
        )

    def document_names(self) -> list[str]:
        """Names of every document, sorted."""
        with self.store.read() as conn:
            return [
                n
                for (n,) in conn.execute(
                    select(T_DOCS.c.name).where(VISIBLE).order_by(T_DOCS.c.name)
                )
            ]


class Codings:
    """Applying, removing and reading codings."""

    def __init__(self, store: ProjectBase, team: Team) -> None:
        self.store = store
        self.team = team

    # ------------------------------------------------------------------ codings

    def apply_coding(
        self,
        doc: str,
        code: str,
        start: int,
        end: int,
        *,
        coder: str | None = None,
        origin: str = Origin.MANUAL.value,
        status: str = Status.ACCEPTED.value,
        memo: str | None = None,
        group: str | None = None,
    ) -> tuple[Coding, bool]:
        """Code ``[start, end)`` of ``doc`` with ``code`` (one action).

        An identical coding (same document, code, span and coder) is stored once:
        applying it again changes nothing.

        Returns:
            The coding and whether it was created now.

        Raises:
            NotFoundError: unknown document or code.
            InputError: an empty span or one outside the text.
        """
        coder = coder or self.store.coder
        try:
            return self._apply_coding(
                doc, code, start, end, coder, origin=origin, status=status, memo=memo, group=group
            )
        except IntegrityError:
            # a concurrent writer stored the identical coding between our check and
            # our insert (PostgreSQL): the unique constraint makes it "already coded"
            with self.store.read() as conn:
                row = (
                    conn.execute(
                        self.store.coding_select().where(
                            T_DOCS.c.name == doc,
                            T_CODINGS.c.code_pk == self.store.code_pk(conn, code),
                            T_CODINGS.c.start == start,
                            T_CODINGS.c.end == end,
                            T_CODINGS.c.coder == coder,
                        )
                    )
                    .mappings()
                    .first()
                )
            if row is None:
                raise
            return convert.coding_from_row(row), False

    def _apply_coding(
        self,
        doc: str,
        code: str,
        start: int,
        end: int,
        coder: str,
        *,
        origin: str,
        status: str,
        memo: str | None,
        group: str | None,
    ) -> tuple[Coding, bool]:
        fast = self._apply_coding_fast(
            doc, code, start, end, coder, origin=origin, status=status, memo=memo, group=group
        )
        if fast is not None:
            return fast, True
        with self.store.write("code", f"code {doc} [{start}:{end}] with {code}", group=group) as tx:
            conn = tx.conn
            row = conn.execute(
                SQL_DOC_SPAN, {"start": start, "length": max(end - start, 0), "name": doc}
            ).first()
            if row is None:
                raise NotFoundError(
                    _("no document named {doc!r}").format(doc=doc),
                    hint=_("'qualcode documents' lists them"),
                )
            doc_pk, chars, quote = row
            _check_span(start, end, chars, doc)
            code_pk = self.store.code_pk(conn, code)
            self.store.ensure_coder(conn, coder)
            canonical = self.store.code_ids[code_pk]
            same = conn.execute(
                SQL_SAME_CODING,
                {"doc": doc_pk, "code": code_pk, "start": start, "end": end, "coder": coder},
            ).scalar()
            if same is not None:
                existing = (
                    conn.execute(self.store.coding_select().where(T_CODINGS.c.guid == same))
                    .mappings()
                    .one()
                )
                if memo and memo != existing["memo"]:
                    # the identical coding is there: the memo given is set on it
                    # (one action, undone like any other)
                    tx.update(
                        T_CODINGS,
                        {"pk": existing["pk"]},
                        {
                            "memo": memo,
                            "memo_author": self.store.coder,
                            "version": existing["version"] + 1,
                        },
                    )
                    tx.summary = f"memo on the coding {doc} [{start}:{end}] with {canonical}"
                    existing = (
                        conn.execute(self.store.coding_select().where(T_CODINGS.c.guid == same))
                        .mappings()
                        .one()
                    )
                return convert.coding_from_row(existing), False
            values = {
                "guid": new_guid(),
                "document_pk": doc_pk,
                "code_pk": code_pk,
                "start": start,
                "end": end,
                "coder": coder,
                "created": now(),
                "quote": quote,
                "memo": memo,
                "origin": origin,
                "status": status,
                "review": "unreviewed",
                "reviewer": None,
                "reviewed_at": None,
                "anchor": "exact",
                "batch": group,
                "version": 1,
                "memo_author": self.store.coder if memo else None,
            }
            tx.insert(T_CODINGS, values)
        return (
            Coding(
                guid=values["guid"],
                doc=doc,
                code=canonical,
                start=start,
                end=end,
                coder=coder,
                created=values["created"],
                quote=quote,
                memo=memo,
                origin=origin,
                status=status,
                memo_author=self.store.coder if memo else None,
            ),
            True,
        )

    def _apply_coding_fast(
        self,
        doc: str,
        code: str,
        start: int,
        end: int,
        coder: str,
        *,
        origin: str,
        status: str,
        memo: str | None,
        group: str | None,
    ) -> Coding | None:
        """A new coding in two statements (the coding, the action-log entry) on the
        driver's connection: the same row, the same recorded change and the same
        action as the ordinary path, at a fraction of its cost.

        Returns:
            The coding, or ``None`` when the ordinary path must decide: the code or
            coder not yet known to this open project, an unknown document, a span
            outside the text, or the identical coding already there (nothing has
            been written then).
        """
        known = self.store.cached_code(code, coder)
        if known is None:
            return None
        code_pk, canonical = known
        guid, created = new_guid(), now()
        memo_author = self.store.coder if memo else None
        try:
            with self.store.raw_write(
                "code", f"code {doc} [{start}:{end}] with {code}", group=group, at=created
            ) as tx:
                got = tx.execute(
                    _SQL_NEW_CODING,
                    (
                        guid, code_pk, start, end, coder, created, start + 1,
                        max(end - start, 0), memo, origin, status, group, memo_author,
                        doc, start, end, start, end,
                    ),
                ).fetchone()  # fmt: skip
                if got is None:
                    raise RawFallback
                pk, doc_pk, quote = got
                tx.payload = _new_coding_payload(
                    pk, guid, doc_pk, code_pk, start, end, coder, created, quote, memo,
                    origin, status, group, memo_author,
                )  # fmt: skip
        except RawFallback:
            return None
        except IntegrityError:
            # a code deleted meanwhile by another window: the ordinary path says so
            self._code_pk_cache = None
            return None
        return Coding(
            guid=guid,
            doc=doc,
            code=canonical,
            start=start,
            end=end,
            coder=coder,
            created=created,
            quote=quote,
            memo=memo,
            origin=origin,
            status=status,
            memo_author=memo_author,
        )

    def remove_coding(self, guid: str, *, coder: str | None = None) -> Coding:
        """Delete one coding by guid, leaving a tombstone (one action).

        Raises:
            NotFoundError: when no coding has this guid.
        """
        with self.store.write("uncode", f"remove coding {guid}") as tx:
            row = (
                tx.conn.execute(self.store.coding_select().where(T_CODINGS.c.guid == guid))
                .mappings()
                .first()
            )
            if row is None:
                raise NotFoundError(_("no coding with guid {guid!r}").format(guid=guid))
            coding = convert.coding_from_row(row)
            self.store.delete_coding(tx, row["pk"], guid, coder or self.store.coder)
        return coding

    def remove_codings(
        self,
        doc: str,
        start: int,
        end: int,
        *,
        code: str | None = None,
        coder: str | None = None,
        exact: bool = True,
    ) -> list[Coding]:
        """Delete codings of ``doc`` on a span (one action).

        Args:
            doc: document name.
            start: span start.
            end: span end.
            code: only codings of this code (``None``: every code).
            coder: whose codings (default: the project's coder).
            exact: ``True``: codings with exactly this span; ``False``: every coding
                that overlaps it.

        Returns:
            The removed codings (empty when nothing matched).
        """
        coder = coder or self.store.coder
        removed: list[Coding] = []
        with self.store.write("uncode", f"remove codings {doc} [{start}:{end}]") as tx:
            conn = tx.conn
            doc_pk, chars = self.store.document_key(conn, doc)
            _check_span(start, end, chars, doc)
            stmt = self.store.coding_select().where(
                T_CODINGS.c.document_pk == doc_pk, T_CODINGS.c.coder == coder
            )
            if exact:
                stmt = stmt.where(T_CODINGS.c.start == start, T_CODINGS.c.end == end)
            else:
                stmt = stmt.where(T_CODINGS.c.start < end, T_CODINGS.c.end > start)
            if code is not None:
                stmt = stmt.where(T_CODINGS.c.code_pk == self.store.code_pk(conn, code))
            for row in (
                conn.execute(stmt.order_by(T_CODINGS.c.start, T_CODINGS.c.pk)).mappings().all()
            ):
                removed.append(convert.coding_from_row(row))
                self.store.delete_coding(tx, row["pk"], row["guid"], coder)
        return removed

    def codings(
        self,
        *,
        doc: str | None = None,
        code: str | None = None,
        coder: str | None = None,
        status: str | None = Status.ACCEPTED.value,
        include_children: bool = False,
    ) -> list[Coding]:
        """Codings, filtered, in document and text order.

        Args:
            doc: only this document.
            code: only this code (an alias resolves).
            coder: only this coder.
            status: only this status (``None``: suggestions too).
            include_children: with ``code``, also codings of its descendants.
        """
        stmt = self.store.coding_select()
        coder = self.team.visible_coder(coder)
        with self.store.read() as conn:
            if doc is not None:
                stmt = stmt.where(T_CODINGS.c.document_pk == self.store.document_key(conn, doc)[0])
            if code is not None:
                pk = self.store.code_pk(conn, code)
                if include_children:
                    cb = self.store.read_codebook(conn)
                    wanted = {cb[cb.get(code).id].id}  # type: ignore[union-attr]
                    changed = True
                    while changed:
                        changed = False
                        for c in cb.codes:
                            if c.parent in wanted and c.id not in wanted:
                                wanted.add(c.id)
                                changed = True
                    stmt = stmt.where(T_CODES.c.id.in_(wanted))
                else:
                    stmt = stmt.where(T_CODINGS.c.code_pk == pk)
            if coder is not None:
                stmt = stmt.where(T_CODINGS.c.coder == coder)
            if status is not None:
                stmt = stmt.where(T_CODINGS.c.status == status)
            stmt = stmt.order_by(
                T_DOCS.c.name,
                T_CODINGS.c.start,
                T_CODINGS.c.end,
                T_CODES.c.position,
                T_CODINGS.c.pk,
            )
            result = conn.execute(stmt)
            return convert.codings_from_result(list(result.keys()), result.fetchall())

    def coding(self, guid: str) -> Coding:
        """One coding by guid."""
        with self.store.read() as conn:
            row = (
                conn.execute(self.store.coding_select().where(T_CODINGS.c.guid == guid))
                .mappings()
                .first()
            )
        if row is None:
            raise NotFoundError(_("no coding with guid {guid!r}").format(guid=guid))
        return convert.coding_from_row(row)


class ActionLog:
    """The action log, newest first."""

    def __init__(self, store: ProjectBase, team: Team) -> None:
        self.store = store
        self.team = team

    # ------------------------------------------------------------------ action log

    def actions(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The newest action-log entries first (seq, at, coder, kind, summary).

        While blind coding holds for this coder, only their own entries and those
        that carry no codings (imports, merges: not undoable) are listed, as the
        database's policies do on PostgreSQL.
        """
        stmt = select(
            T_ACTIONS.c.seq,
            T_ACTIONS.c.at,
            T_ACTIONS.c.coder,
            T_ACTIONS.c.kind,
            T_ACTIONS.c.summary,
        ).order_by(T_ACTIONS.c.seq.desc())
        if self.team.is_blind():
            stmt = stmt.where(
                (T_ACTIONS.c.coder == self.store.coder) | T_ACTIONS.c.undoable.is_(False)
            )
        if limit:
            stmt = stmt.limit(limit)
        with self.store.read() as conn:
            return [dict(r) for r in conn.execute(stmt).mappings()]


def _depth(rows: dict[str, dict[str, Any]], pk: int) -> int:
    by_pk = {r["pk"]: r for r in rows.values()}
    depth = 0
    current = by_pk.get(pk)
    seen: set[int] = set()
    while current is not None and current["parent_pk"] is not None and current["pk"] not in seen:
        seen.add(current["pk"])
        depth += 1
        current = by_pk.get(current["parent_pk"])
    return depth


_SQL_NEW_CODING = (
    'INSERT INTO codings (guid, document_pk, code_pk, start, "end", coder, created, quote, '
    "memo, origin, status, review, reviewer, reviewed_at, anchor, batch, version, "
    "selection_guid, memo_author, run_by) "
    "SELECT ?, pk, ?, ?, ?, ?, ?, substr(\"text\", ?, ?), ?, ?, ?, 'unreviewed', NULL, NULL, "
    "'exact', ?, 1, NULL, ?, NULL FROM documents "
    "WHERE name = ? AND ? >= 0 AND ? <= chars AND ? < ? "
    "ON CONFLICT DO NOTHING RETURNING pk, document_pk, quote"
)
"""A new coding (fast path): its document found by name, the span checked against
the text, the quote cut from it; nothing when the identical coding is there."""


_NEW_CODING_PAYLOAD = (
    '{"changes": [{"op": "insert", "t": "codings", "row": {"pk": %d, "guid": %s, '
    '"document_pk": %d, "code_pk": %d, "start": %d, "end": %d, "coder": %s, '
    '"created": %s, "quote": %s, "memo": %s, "origin": %s, "status": %s, '
    '"review": "unreviewed", "reviewer": null, "reviewed_at": null, "anchor": "exact", '
    '"batch": %s, "version": 1, "selection_guid": null, "memo_author": %s, '
    '"run_by": null}}]}'
)


def _json_text(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def _new_coding_payload(
    pk: int,
    guid: str,
    doc_pk: int,
    code_pk: int,
    start: int,
    end: int,
    coder: str,
    created: str,
    quote: str,
    memo: str | None,
    origin: str,
    status: str,
    group: str | None,
    memo_author: str | None,
) -> str:
    """The action-log payload of a new coding, exactly as ``json.dumps({"changes":
    [{"op": "insert", "t": "codings", "row": ROW}]}, ensure_ascii=False)`` writes it
    for the row in the table's column order (the ordinary path's entry), without
    walking dictionaries: the fast path's JSON cost more than its statements' Python."""
    return _NEW_CODING_PAYLOAD % (
        pk, encode_basestring(guid), doc_pk, code_pk, start, end, encode_basestring(coder),
        encode_basestring(created), encode_basestring(quote), _json_text(memo),
        encode_basestring(origin), encode_basestring(status), _json_text(group),
        _json_text(memo_author),
    )  # fmt: skip


def _check_span(start: int, end: int, chars: int, doc: str) -> None:
    if start < 0 or end > chars or start >= end:
        raise InputError(
            _("span [{start}:{end}] is outside {doc!r} (0..{chars}) or empty").format(
                start=start, end=end, doc=doc, chars=chars
            ),
            hint=_("start must be below end, both within the text"),
        )


_EMPTY_META = {"name": "", "description": "", "languages": [], "version": 1}


def _is_setting(change: dict[str, Any], key: str) -> bool:
    """Whether a recorded change wrote the setting ``key``."""
    if change.get("t") != "settings":
        return False
    row = change.get("row") or change.get("key") or {}
    return bool(row.get("key") == key)


def open_project(
    location: str | None = None,
    *,
    create: bool = False,
    coder: str | None = None,
    blind: bool = False,
    backup: bool = True,
    window: str | None = None,
) -> Project:
    """Open (or create) a project and bring its schema up to date.

    An existing project whose schema is older is backed up first (see
    :func:`~qualcode.store.engine.upgrade_schema`); ``project.schema_upgrade`` says
    what was done and where the copy is.

    Args:
        location: ``--project`` value (file, folder, URL) or ``None``.
        create: create the SQLite file when it does not exist.
        coder: the coder's name, as the front end read it from its settings and
            options (``None``: ``$QUALCODE_CODER``, else the login name; the store
            never reads the settings file); on PostgreSQL the connected database
            role is the coder and this is ignored.
        blind: show only the coder's own codings.
        backup: back an existing project up before upgrading its schema.
        window: the window recorded on every action (``cli`` for the command line, a
            workbench window's id); undo takes back only that window's actions.

    Raises:
        ProjectError: missing file, not a project, newer schema, unreachable server,
            a backup before an upgrade that failed.
    """
    url = resolve_location(location)
    engine = make_engine(url, create=create)
    try:
        upgrade = upgrade_schema(engine, backup=backup)
        if engine.dialect.name == "postgresql":
            # the database role is the coder: --coder cannot change it
            coder = _postgres_session(engine, migrated=upgrade.migrated)
    except ProjectError:
        engine.dispose()
        raise
    except OperationalError as exc:
        engine.dispose()
        raise ProjectError(
            _("cannot open the project: {exc}").format(exc=short_error(exc))
        ) from None
    coder = coder or fallback_coder()
    if engine.dialect.name != "postgresql":
        try:
            check_name(coder, "coder name", hint=_("give another with --coder or QUALCODE_CODER"))
        except InputError:
            engine.dispose()
            raise
    project = Project(engine, url, coder)
    project.team.blind = blind
    project.window = window
    project.schema_upgrade = upgrade
    _finish_staging(project)
    _finish_indexing(project)
    return project


def fallback_coder() -> str:
    """The coder when the caller names none: ``$QUALCODE_CODER``, else the login name.

    The front ends pass the coder of their settings in
    (:func:`qualcode.settings.default_coder`); the store reads no settings file.
    """
    import getpass
    import os

    env = os.environ.get("QUALCODE_CODER")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): still a stable name
        return "coder"


STALE_INDEXING_S = 120.0
"""A document listed for indexing whose indexing has not moved for this long was cut
off (its importer was killed): opening the project finishes it."""


class _Skipped(Exception):
    """The same text was imported meanwhile (a staged import then discards its rows)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _finish_staging(project: Project) -> None:
    """Remove what a staged import cut off left (never visible; SQLite only)."""
    if project.read_only or project.dialect != "sqlite":
        return
    try:
        project.documents.discard_stale_imports()
    except ProjectError:
        pass


def _finish_indexing(project: Project) -> None:
    """Finish the search entries of documents whose import was cut off after the
    document was stored (a crash, a kill) — the project's owner only on PostgreSQL."""
    if project.read_only or not project.get_setting(SEARCH_PENDING):
        return
    try:
        # only what no importer is working on (its heartbeat is older than that)
        project.search.index_pending(stale_after=STALE_INDEXING_S)
    except ProjectError:
        pass  # a coder's role on PostgreSQL: the owner's next open finishes it


def _postgres_session(engine: Engine, *, migrated: bool) -> str:
    """The connected role (the coder); after a migration, the owner grants the
    coders' roles again so new tables are covered."""
    from qualcode.store import postgres

    with engine.begin() as conn:
        role = postgres.current_role(conn)
        if migrated and postgres.project_owner(conn) == role:
            postgres.refresh_grants(conn)
    return role
