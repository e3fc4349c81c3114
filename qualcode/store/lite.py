"""A read path for the light commands (``documents``, ``codings``, ``codebook show``) and
the workbench's first frame on a SQLite project: Python's ``sqlite3`` alone, no SQLAlchemy and no table models, so the
command answers in a fraction of the time importing them takes.

It answers only when it can answer exactly as :class:`~qualcode.store.Project`
would: a SQLite file at the newest schema, opened read-only, without blind coding
(neither ``--blind`` nor the project's setting). Anything else (PostgreSQL, an older
schema to upgrade, a damaged or foreign file, blind coding) returns ``None`` from
:func:`open_lite`, and the command opens the project the ordinary way, which
upgrades, checks and explains. ``tests/store/test_lite.py`` compares both paths.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from qualcode.core.codebook import Codebook, relations_from_data, tree_order
from qualcode.core.model import CodeCount, Coding, Document, DocumentSummary, Memo, Sentence
from qualcode.core.spans import union_length
from qualcode.errors import NotFoundError
from qualcode.i18n import _
from qualcode.store import convert

PROJECT_FILE = "qualcode.db"
VERSIONS = Path(__file__).parent / "migrations" / "versions"


def schema_head() -> str:
    """The newest revision among the migration files (``NNNN_name.py``)."""
    return max(p.name[:4] for p in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def project_file(location: str | None) -> Path | None:
    """The SQLite file ``--project`` names (as ``resolve_location`` reads it), or
    ``None`` for a database URL."""
    loc = location or os.environ.get("QUALCODE_PROJECT") or PROJECT_FILE
    if "://" in loc:
        return None
    path = Path(loc).expanduser()
    if path.is_dir():
        path = path / PROJECT_FILE
    return path.resolve()


_MEMOS_SQL = {
    "document": (
        "SELECT memos.guid, documents.name, memos.author, memos.created, memos.updated, "
        "memos.title, memos.text FROM memos LEFT JOIN documents "
        "ON documents.guid = memos.target_guid WHERE memos.target_kind = 'document' "
        "ORDER BY memos.created, memos.pk"
    ),
    "code": (
        "SELECT memos.guid, codes.id, memos.author, memos.created, memos.updated, "
        "memos.title, memos.text FROM memos LEFT JOIN codes "
        "ON codes.guid = memos.target_guid WHERE memos.target_kind = 'code' "
        "ORDER BY memos.created, memos.pk"
    ),
}
"""The memos on documents and on codes, each with its target's name."""


class LiteProject:
    """A read-only view of a SQLite project (see the module's docstring)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> LiteProject:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def documents(self) -> list[DocumentSummary]:
        """:meth:`Project.documents <qualcode.store.project.Project.documents>`."""
        con = self.con
        docs = con.execute(
            "SELECT pk, name, guid, lang, chars, source_format FROM documents "
            "WHERE state IS NULL ORDER BY name"
        ).fetchall()
        turns = dict(con.execute("SELECT document_pk, count(*) FROM turns GROUP BY document_pk"))
        sents = dict(
            con.execute("SELECT document_pk, count(*) FROM sentences GROUP BY document_pk")
        )
        spans: dict[int, list[tuple[int, int]]] = {}
        for d, s, e in con.execute(
            "SELECT document_pk, start, \"end\" FROM codings WHERE status = 'accepted'"
        ):
            spans.setdefault(d, []).append((s, e))
        cases = dict(
            con.execute(
                "SELECT case_sources.document_pk, cases.name FROM case_sources "
                "JOIN cases ON cases.pk = case_sources.case_pk WHERE case_sources.speaker IS NULL"
            )
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

    def codebook(self) -> Codebook:
        """:meth:`Project.codebook <qualcode.store.base.ProjectBase.codebook>`."""
        con = self.con
        cur = con.execute("SELECT * FROM codes ORDER BY position, pk")
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur]
        id_by_pk = {r["pk"]: r["id"] for r in rows}
        aliases: dict[int, list[str]] = {}
        for alias, code_pk in con.execute("SELECT alias, code_pk FROM code_aliases ORDER BY alias"):
            aliases.setdefault(code_pk, []).append(alias)
        codes = [
            convert.code_from_row(
                r,
                id_by_pk.get(r["parent_pk"]) if r["parent_pk"] is not None else None,
                tuple(aliases.get(r["pk"], ())),
            )
            for r in rows
        ]
        meta_raw = self._setting("codebook_meta")
        meta = json.loads(meta_raw) if meta_raw else {}
        return Codebook(
            codes=tuple(tree_order(codes)),
            name=meta.get("name", ""),
            description=meta.get("description", ""),
            languages=tuple(meta.get("languages", ())),
            relations=relations_from_data(meta.get("relations")),
        )

    def code_counts(self) -> dict[str, CodeCount]:
        """:meth:`Project.code_counts <qualcode.store.project.Project.code_counts>`."""
        return {
            cid: CodeCount(cid, n, d)
            for cid, n, d in self.con.execute(
                "SELECT codes.id, count(codings.pk), count(DISTINCT codings.document_pk) "
                "FROM codes LEFT OUTER JOIN codings ON codings.code_pk = codes.pk "
                "AND codings.status = 'accepted' GROUP BY codes.id"
            )
        }

    def codings(
        self,
        *,
        doc: str | None = None,
        code: str | None = None,
        coder: str | None = None,
        status: str | None = "accepted",
    ) -> list[Coding]:
        """:meth:`Project.codings <qualcode.store.project.Project.codings>` without
        ``include_children``.

        Raises:
            NotFoundError: unknown document or code.
        """
        con = self.con
        doc_pk: int | None = None
        code_pk: int | None = None
        if doc is not None:
            row = con.execute("SELECT pk FROM documents WHERE name = ?", (doc,)).fetchone()
            if row is None:
                raise NotFoundError(
                    _("no document named {name!r}").format(name=doc),
                    hint=_("'qualcode documents' lists them"),
                )
            doc_pk = row[0]
        if code is not None:
            row = con.execute("SELECT pk FROM codes WHERE id = ?", (code,)).fetchone() or (
                con.execute("SELECT code_pk FROM code_aliases WHERE alias = ?", (code,)).fetchone()
            )
            if row is None:
                raise NotFoundError(
                    _("unknown code {code!r}").format(code=code),
                    hint=_("'qualcode codebook show' lists the codes"),
                )
            code_pk = row[0]
        # one statement whatever the filters: a filter left out binds NULL
        cur = con.execute(
            "SELECT codings.*, documents.name AS doc, codes.id AS code FROM codings "
            "JOIN documents ON documents.pk = codings.document_pk "
            "JOIN codes ON codes.pk = codings.code_pk "
            "WHERE (:doc IS NULL OR codings.document_pk = :doc) "
            "AND (:code IS NULL OR codings.code_pk = :code) "
            "AND (:coder IS NULL OR codings.coder = :coder) "
            "AND (:status IS NULL OR codings.status = :status) "
            'ORDER BY documents.name, codings.start, codings."end", codes.position, codings.pk',
            {"doc": doc_pk, "code": code_pk, "coder": coder, "status": status},
        )
        return convert.codings_from_result([d[0] for d in cur.description], cur.fetchall())

    def document_names(self) -> list[str]:
        """:meth:`Documents.document_names <qualcode.store.project.Documents.document_names>`."""
        sql = "SELECT name FROM documents WHERE state IS NULL ORDER BY name"
        return [str(n) for (n,) in self.con.execute(sql)]

    def document(self, name: str) -> Document:
        """:meth:`Documents.document <qualcode.store.project.Documents.document>`.

        Raises:
            NotFoundError: when there is no such document.
        """
        con = self.con
        cur = con.execute("SELECT * FROM documents WHERE name = ?", (name,))
        keys = [d[0] for d in cur.description]
        found = cur.fetchone()
        if found is None:
            raise NotFoundError(
                _("no document named {name!r}").format(name=name),
                hint=_("'qualcode documents' lists them"),
            )
        row = dict(zip(keys, found, strict=True))
        trows = con.execute(
            'SELECT ordinal, start, "end", speaker, role, label_start, timestamp_ms '
            "FROM turns WHERE document_pk = ? ORDER BY ordinal",
            (row["pk"],),
        ).fetchall()
        srows = con.execute(
            'SELECT s.ordinal, s.start, s."end", t.ordinal FROM sentences s '
            "LEFT JOIN turns t ON t.pk = s.turn_pk WHERE s.document_pk = ? ORDER BY s.ordinal",
            (row["pk"],),
        ).fetchall()
        joint: dict[int, list[tuple[str, str | None]]] = {}
        for ordinal, speaker, role in con.execute(
            "SELECT turns.ordinal, turn_speakers.speaker, turn_speakers.role FROM turn_speakers "
            "JOIN turns ON turns.pk = turn_speakers.turn_pk WHERE turns.document_pk = ? "
            "ORDER BY turns.ordinal, turn_speakers.position",
            (row["pk"],),
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

    def memos(self, kind: str, target: str | None = None) -> list[Memo]:
        """:meth:`Memos.memos <qualcode.store.memos.Memos.memos>` for the memos on
        documents (``kind`` ``document``) or codes (``code``), oldest first."""
        rows = self.con.execute(_MEMOS_SQL[kind]).fetchall()
        return [
            Memo(guid, kind, name, author, created, updated, title, text)
            for guid, name, author, created, updated, title, text in rows
            if target is None or name == target
        ]

    def workbench_state(self, coder: str) -> dict[str, object]:
        """:meth:`Workbench.workbench_state <qualcode.store.workbench.Workbench.workbench_state>`
        of ``coder``: ``{}`` when there is none, or it cannot be read."""
        try:
            row = self.con.execute(
                "SELECT state FROM workbench_state WHERE coder = ?", (coder,)
            ).fetchone()
            state = json.loads(row[0]) if row and row[0] else {}
        except (sqlite3.Error, ValueError):
            return {}
        return state if isinstance(state, dict) else {}

    def _setting(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])


def open_lite(location: str | None, *, blind: bool = False) -> LiteProject | None:
    """A :class:`LiteProject` on the SQLite project at ``location``, or ``None`` when
    the ordinary path must answer (see the module's docstring)."""
    if blind:
        return None
    path = project_file(location)
    if path is None or not path.is_file():
        return None
    uri = "file:" + quote(str(path), safe="/")
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return None
        # first as it is on disk, taking no lock and creating no file (another
        # application's WAL file keeps every byte, and gets no -wal or -shm beside it)
        if _revision(uri + "?mode=ro&immutable=1") != schema_head():
            return None
        con = sqlite3.connect(uri + "?mode=ro", uri=True)
    except (OSError, sqlite3.Error):
        return None
    try:
        con.execute("PRAGMA trusted_schema=OFF")
        if _revision_of(con) != schema_head():
            con.close()
            return None
        lite = LiteProject(con)
        blind_setting = lite._setting("team.blind")
        if blind_setting is not None and json.loads(blind_setting):
            con.close()
            return None
    except (sqlite3.Error, ValueError):
        con.close()
        return None
    return lite


def _revision_of(con: sqlite3.Connection) -> str | None:
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "alembic_version" not in tables:
        return None
    row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def _revision(uri: str) -> str | None:
    """The schema revision of the file at ``uri`` (``None``: not a qualcode project)."""
    con = sqlite3.connect(uri, uri=True)
    try:
        con.execute("PRAGMA trusted_schema=OFF")
        return _revision_of(con)
    finally:
        con.close()
