"""REFI-QDA exchange in the store: what an export reads beyond the Project API,
and the one transaction that writes an import.

The reads return plain mappings keyed by the project's own names (code ids, coder
names, coding GUIDs); :mod:`qualcode.services.refi_export` turns them into the REFI-QDA
model. :meth:`Refi.import_refi` writes a whole
:class:`~qualcode.core.refi.ImportPlan` in one transaction: a failure leaves the
project exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, func, insert, select

from qualcode.clock import new_guid, now
from qualcode.core.codebook import tree_order
from qualcode.core.names import check_name
from qualcode.store import convert
from qualcode.store.base import (
    T_ALIASES,
    T_ATTRS,
    T_CASE_ATTRS,
    T_CASE_SOURCES,
    T_CASES,
    T_CODERS,
    T_CODES,
    T_CODINGS,
    T_DOCS,
    T_MEMOS,
    T_RELATIONS,
    T_SETTINGS,
    T_THEME_CODES,
    T_THEME_EXTRACTS,
    T_THEMES,
    T_TOMBS,
    VISIBLE,
    ProjectBase,
    Tx,
    sha256_text,
)
from qualcode.store.reimport import insert_structure
from qualcode.store.schema import ReviewCommentRow

if TYPE_CHECKING:
    from qualcode.core.refi import ImportPlan

T_COMMENTS: Table = ReviewCommentRow.__table__  # type: ignore[assignment]


class Refi:
    """Reads and the import transaction for REFI-QDA exchange."""

    def __init__(self, store: ProjectBase) -> None:
        self.store = store

    # ------------------------------------------------------------------ reads

    def coder_guids(self, names: Iterable[str] = ()) -> dict[str, str]:
        """Every coder's GUID by name; coders in ``names`` without a row get one now.

        GUIDs are stored, so every export of a project names its users alike.
        """
        wanted = set(names)
        with self.store.read() as conn:
            rows = {r.name: r.guid for r in conn.execute(select(T_CODERS.c.name, T_CODERS.c.guid))}
        missing = sorted(wanted - set(rows))
        if missing:
            with self.store.write(
                "coders", f"register coders {', '.join(missing)}", undoable=False
            ) as tx:
                for name in missing:
                    self.store.ensure_coder(tx.conn, name)
            with self.store.read() as conn:
                rows = {
                    r.name: r.guid for r in conn.execute(select(T_CODERS.c.name, T_CODERS.c.guid))
                }
        return rows

    def people(self) -> set[str]:
        """Every name that coded, reviewed, commented or wrote a memo."""
        with self.store.read() as conn:
            out = {n for (n,) in conn.execute(select(T_CODINGS.c.coder).distinct())}
            out |= {
                n for (n,) in conn.execute(select(T_CODINGS.c.reviewer).distinct()) if n is not None
            }
            out |= {n for (n,) in conn.execute(select(T_MEMOS.c.author).distinct())}
            out |= {n for (n,) in conn.execute(select(T_COMMENTS.c.author).distinct())}
        return out

    def code_records(self) -> dict[str, dict[str, Any]]:
        """Code id -> ``guid``, ``codable``, ``created``."""
        with self.store.read() as conn:
            return {
                r.id: {"guid": r.guid, "codable": bool(r.codable), "created": r.created}
                for r in conn.execute(
                    select(T_CODES.c.id, T_CODES.c.guid, T_CODES.c.codable, T_CODES.c.created)
                )
            }

    def document_records(self) -> dict[str, dict[str, Any]]:
        """Document name -> ``guid``, ``meta``, ``imported_at``, ``sha256``, ``lang``."""
        with self.store.read() as conn:
            return {
                r.name: {
                    "guid": r.guid,
                    "meta": json.loads(r.meta or "{}"),
                    "imported_at": r.imported_at,
                    "sha256": r.sha256,
                    "lang": r.lang,
                    "source_format": r.source_format,
                }
                for r in conn.execute(
                    select(
                        T_DOCS.c.name,
                        T_DOCS.c.guid,
                        T_DOCS.c.meta,
                        T_DOCS.c.imported_at,
                        T_DOCS.c.sha256,
                        T_DOCS.c.lang,
                        T_DOCS.c.source_format,
                    ).where(VISIBLE)
                )
            }

    def document_texts(self) -> dict[str, str]:
        """Document name -> its text, in one query."""
        with self.store.read() as conn:
            return {
                n: t for n, t in conn.execute(select(T_DOCS.c.name, T_DOCS.c.text).where(VISIBLE))
            }

    def selection_guids(self) -> dict[str, str]:
        """Coding GUID -> the REFI-QDA selection GUID it was imported with."""
        with self.store.read() as conn:
            return {
                g: s
                for g, s in conn.execute(
                    select(T_CODINGS.c.guid, T_CODINGS.c.selection_guid).where(
                        T_CODINGS.c.selection_guid.is_not(None)
                    )
                )
            }

    def review_threads(self) -> dict[str, list[dict[str, Any]]]:
        """Coding GUID -> its review comments, oldest first."""
        out: dict[str, list[dict[str, Any]]] = {}
        with self.store.read() as conn:
            for r in conn.execute(
                select(T_COMMENTS).order_by(T_COMMENTS.c.at, T_COMMENTS.c.pk)
            ).mappings():
                out.setdefault(r["coding_guid"], []).append(
                    {k: r[k] for k in ("guid", "author", "at", "kind", "text")}
                )
        return out

    def known_guids(self) -> dict[str, set[str]]:
        """GUIDs already in the project (and deleted ones), by kind."""
        with self.store.read() as conn:
            return {
                "coding": {g for (g,) in conn.execute(select(T_CODINGS.c.guid))},
                "memo": {g for (g,) in conn.execute(select(T_MEMOS.c.guid))},
                "comment": {g for (g,) in conn.execute(select(T_COMMENTS.c.guid))},
                "tombstone": {g for (g,) in conn.execute(select(T_TOMBS.c.guid))},
            }

    def identical_codings(self) -> set[tuple[str, str, int, int, str]]:
        """``(document, code id, start, end, coder)`` of every stored coding."""
        with self.store.read() as conn:
            return {
                (d, c, s, e, who)
                for d, c, s, e, who in conn.execute(
                    select(
                        T_DOCS.c.name,
                        T_CODES.c.id,
                        T_CODINGS.c.start,
                        T_CODINGS.c.end,
                        T_CODINGS.c.coder,
                    ).select_from(
                        T_CODINGS.join(T_DOCS, T_DOCS.c.pk == T_CODINGS.c.document_pk).join(
                            T_CODES, T_CODES.c.pk == T_CODINGS.c.code_pk
                        )
                    )
                )
            }

    # ------------------------------------------------------------------ the import

    def import_refi(self, plan: ImportPlan, *, summary: str, backup: str | None = None) -> bool:
        """Write an import plan in one transaction (an import is not undone piecewise).

        An import that adds nothing (every code, source and coding already there)
        writes nothing, not even a log entry. One that adds something ends every undo
        history; ``backup``, the copy made before it, is recorded as its undo.

        Returns:
            Whether anything was written.
        """
        with self.store.write("import.refi", summary, undoable=False) as tx:
            conn = tx.conn
            coders_before = conn.execute(select(func.count()).select_from(T_CODERS)).scalar()
            for name, guid in plan.coders:
                self.store.ensure_coder(conn, name, guid)
            self._import_codes(tx, plan)
            for doc, sentences, guid in plan.documents:
                self._import_document(tx, doc, sentences, guid)
            self.store.forget_documents()
            doc_rows = {
                r.name: (r.pk, r.text)
                for r in conn.execute(
                    select(T_DOCS.c.name, T_DOCS.c.pk, T_DOCS.c.text).where(VISIBLE)
                )
            }
            pks = self.store.code_pks(conn)
            seen = {
                (r.document_pk, r.code_pk, r.start, r.end, r.coder)
                for r in conn.execute(
                    select(
                        T_CODINGS.c.document_pk,
                        T_CODINGS.c.code_pk,
                        T_CODINGS.c.start,
                        T_CODINGS.c.end,
                        T_CODINGS.c.coder,
                    )
                )
            }
            guids = {g for (g,) in conn.execute(select(T_CODINGS.c.guid))}
            for coding, selection in plan.codings:
                doc_pk, text = doc_rows[coding.doc]
                code_pk = pks[coding.code]
                key = (doc_pk, code_pk, coding.start, coding.end, coding.coder)
                if key in seen or coding.guid in guids:
                    continue
                seen.add(key)
                guids.add(coding.guid)
                self.store.ensure_coder(conn, coding.coder)
                if coding.reviewer:
                    self.store.ensure_coder(conn, coding.reviewer)
                tx.insert(
                    T_CODINGS,
                    {
                        "guid": coding.guid,
                        "document_pk": doc_pk,
                        "code_pk": code_pk,
                        "start": coding.start,
                        "end": coding.end,
                        "coder": coding.coder,
                        "created": coding.created,
                        "quote": text[coding.start : coding.end],
                        "memo": coding.memo,
                        "origin": coding.origin,
                        "status": coding.status,
                        "review": coding.review,
                        "reviewer": coding.reviewer,
                        "reviewed_at": coding.reviewed_at,
                        "anchor": coding.anchor,
                        "batch": None,
                        "version": 1,
                        "selection_guid": selection,
                    },
                )
            for comment in plan.comments:
                tx.insert(T_COMMENTS, comment)
            self._import_cases(tx, plan)
            self._import_themes(tx, plan)
            for memo in plan.memos:
                target = self._target_guid_for(conn, memo.kind, memo.target)
                tx.insert(
                    T_MEMOS,
                    {
                        "guid": memo.guid,
                        "target_kind": memo.kind,
                        "target_guid": target,
                        "author": memo.author,
                        "created": memo.created,
                        "updated": memo.updated,
                        "title": memo.title,
                        "text": memo.text,
                    },
                )
                self.store.ensure_coder(conn, memo.author)
            for setting, value in plan.settings.items():
                current = conn.execute(
                    select(T_SETTINGS.c.value).where(T_SETTINGS.c.key == setting)
                ).scalar()
                if current is None:
                    self.store.put_setting(tx, setting, value)
                elif setting == "map.positions" and isinstance(value, dict):
                    # the map's positions: the file places the nodes not placed here
                    here = json.loads(current)
                    if isinstance(here, dict):
                        self.store.put_setting(tx, setting, {**value, **here})
            coders_after = conn.execute(select(func.count()).select_from(T_CODERS)).scalar()
            wrote = bool(tx.changes) or coders_after != coders_before
            if wrote:
                tx.extra.update(refi=True, backup=backup, barrier=True)
        self.store.forget_codes()
        return wrote

    def _target_guid_for(self, conn: Any, kind: str, target: str | None) -> str | None:
        if kind == "project" or target is None:
            return None
        if kind == "document":
            return conn.execute(select(T_DOCS.c.guid).where(T_DOCS.c.name == target)).scalar()  # type: ignore[no-any-return]
        if kind == "code":
            pk = self.store.code_pk(conn, target)
            return conn.execute(select(T_CODES.c.guid).where(T_CODES.c.pk == pk)).scalar()  # type: ignore[no-any-return]
        if kind == "theme":
            return conn.execute(  # type: ignore[no-any-return]
                select(T_THEMES.c.guid).where(
                    (T_THEMES.c.guid == target) | (T_THEMES.c.id == target)
                )
            ).scalar()
        return conn.execute(select(T_CASES.c.guid).where(T_CASES.c.name == target)).scalar()  # type: ignore[no-any-return]

    def _import_themes(self, tx: Tx, plan: ImportPlan) -> None:
        """Themes (parents first), their member codes and key extracts, relations."""
        conn = tx.conn
        theme_pk = {r.guid: r.pk for r in conn.execute(select(T_THEMES.c.guid, T_THEMES.c.pk))}
        siblings: dict[int | None, int] = {}
        for parent_pk, n in conn.execute(
            select(T_THEMES.c.parent_pk, func.count()).group_by(T_THEMES.c.parent_pk)
        ):
            siblings[parent_pk] = int(n)
        for row in plan.themes:
            if row["guid"] in theme_pk:
                continue
            parent_pk = theme_pk.get(row["parent"]) if row["parent"] else None
            position = siblings.get(parent_pk, 0)
            siblings[parent_pk] = position + 1
            theme_pk[row["guid"]] = tx.insert(
                T_THEMES,
                {
                    "guid": row["guid"],
                    "id": row["id"],
                    "parent_pk": parent_pk,
                    "position": position,
                    "label": convert.label_to_db(row["label"]),
                    "definition": row["definition"],
                    "status": row["status"],
                    "reason": row["reason"],
                    "color": row["color"],
                    "coder": row["coder"],
                    "created": row["created"],
                    "version": row["version"],
                },
            )
        self._import_theme_codes(tx, plan, theme_pk)
        self._import_theme_extracts(tx, plan, theme_pk)
        used = {g for (g,) in conn.execute(select(T_RELATIONS.c.guid))}
        for rel in plan.relations:
            if rel["guid"] in used:
                continue
            used.add(rel["guid"])
            tx.insert(T_RELATIONS, dict(rel))

    def _import_theme_codes(self, tx: Tx, plan: ImportPlan, theme_pk: dict[str, int]) -> None:
        """The themes' member codes (a pair or guid already here is left)."""
        conn = tx.conn
        pks = self.store.code_pks(conn)
        pairs = {
            (r.theme_pk, r.code_pk)
            for r in conn.execute(select(T_THEME_CODES.c.theme_pk, T_THEME_CODES.c.code_pk))
        }
        used = {g for (g,) in conn.execute(select(T_THEME_CODES.c.guid))}
        for theme_guid, code_id, guid in plan.theme_codes:
            t_pk, c_pk = theme_pk.get(theme_guid), pks.get(code_id)
            if t_pk is None or c_pk is None or (t_pk, c_pk) in pairs or guid in used:
                continue
            pairs.add((t_pk, c_pk))
            used.add(guid)
            tx.insert(
                T_THEME_CODES,
                {
                    "guid": guid,
                    "theme_pk": t_pk,
                    "code_pk": c_pk,
                    "position": sum(1 for p in pairs if p[0] == t_pk) - 1,
                    "coder": self.store.coder,
                    "created": now(),
                },
            )

    def _import_theme_extracts(self, tx: Tx, plan: ImportPlan, theme_pk: dict[str, int]) -> None:
        """The themes' key extracts (one already here is left)."""
        conn = tx.conn
        have = {
            (r.theme_pk, r.coding_guid)
            for r in conn.execute(
                select(T_THEME_EXTRACTS.c.theme_pk, T_THEME_EXTRACTS.c.coding_guid)
            )
        }
        used = {g for (g,) in conn.execute(select(T_THEME_EXTRACTS.c.guid))}
        for theme_guid, coding_guid, translation, guid in plan.theme_extracts:
            t_pk = theme_pk.get(theme_guid)
            if t_pk is None or (t_pk, coding_guid) in have or guid in used:
                continue
            have.add((t_pk, coding_guid))
            used.add(guid)
            tx.insert(
                T_THEME_EXTRACTS,
                {
                    "guid": guid,
                    "theme_pk": t_pk,
                    "coding_guid": coding_guid,
                    "position": sum(1 for h in have if h[0] == t_pk) - 1,
                    "translation": translation,
                    "coder": self.store.coder,
                    "created": now(),
                },
            )

    def _import_codes(self, tx: Tx, plan: ImportPlan) -> None:
        conn = tx.conn
        position = conn.execute(
            select(T_CODES.c.position).order_by(T_CODES.c.position.desc())
        ).scalar()
        position = (position or 0) + 1
        taken_aliases = {a for (a,) in conn.execute(select(T_ALIASES.c.alias))}
        for code, guid, codable in plan.new_codes:
            pks = self.store.code_pks(conn)
            values = convert.code_values(code)
            values.update(
                guid=guid,
                created=now(),
                version=1,
                parent_pk=pks[code.parent] if code.parent else None,
                position=position,
                codable=codable,
            )
            position += 1
            pk = tx.insert(T_CODES, values)
            self.store.forget_codes()
            for alias in code.aliases:
                if alias not in taken_aliases and alias not in pks:
                    tx.insert(T_ALIASES, {"alias": alias, "code_pk": pk})
                    taken_aliases.add(alias)
        for code_id, fields in plan.code_fills.items():
            pk = self.store.code_pk(conn, code_id)
            row = conn.execute(select(T_CODES).where(T_CODES.c.pk == pk)).mappings().one()
            changes = {k: v for k, v in fields.items() if not row[k]}
            if changes:
                changes["version"] = row["version"] + 1
                tx.update(T_CODES, {"pk": pk}, changes)
        # keep positions a pre-order of the tree (parents before children)
        cb = self.store.read_codebook(conn)
        pks = self.store.code_pks(conn)
        current = {r.pk: r.position for r in conn.execute(select(T_CODES.c.pk, T_CODES.c.position))}
        for i, code in enumerate(tree_order(cb.codes)):
            if current.get(pks[code.id]) != i:
                tx.update(T_CODES, {"pk": pks[code.id]}, {"position": i})

    def _import_document(self, tx: Tx, doc: Any, sentences: Any, guid: str) -> None:
        check_name(doc.name, "document name", limit=400, path=doc.source_path)
        conn = tx.conn
        doc_pk = conn.execute(
            insert(T_DOCS).values(
                guid=guid,
                name=doc.name,
                text=doc.text,
                sha256=sha256_text(doc.text),
                chars=len(doc.text),
                lang=doc.lang,
                source_path=doc.source_path,
                source_format=doc.source_format,
                encoding=doc.encoding,
                imported_at=doc.meta.get("created") or now(),
                meta=json.dumps(doc.meta, ensure_ascii=False),
                version=1,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        tx.changes.append({"op": "import", "t": "documents", "name": doc.name})
        insert_structure(conn, doc_pk, doc.turns, sentences)

    def _import_cases(self, tx: Tx, plan: ImportPlan) -> None:
        conn = tx.conn
        for name, guid, type_ in plan.attributes:
            if conn.execute(select(T_ATTRS.c.pk).where(T_ATTRS.c.name == name)).first() is None:
                tx.insert(T_ATTRS, {"guid": guid, "name": name, "type": type_})
        for name, guid, description in plan.cases:
            if conn.execute(select(T_CASES.c.pk).where(T_CASES.c.name == name)).first() is None:
                tx.insert(
                    T_CASES,
                    {"guid": guid or new_guid(), "name": name, "description": description},
                )
        case_pks = {r.name: r.pk for r in conn.execute(select(T_CASES.c.name, T_CASES.c.pk))}
        doc_pks = {r.name: r.pk for r in conn.execute(select(T_DOCS.c.name, T_DOCS.c.pk))}
        attr_pks = {r.name: r.pk for r in conn.execute(select(T_ATTRS.c.name, T_ATTRS.c.pk))}
        links = {
            (r.case_pk, r.document_pk, r.speaker)
            for r in conn.execute(
                select(
                    T_CASE_SOURCES.c.case_pk, T_CASE_SOURCES.c.document_pk, T_CASE_SOURCES.c.speaker
                )
            )
        }
        for case, doc, speaker in plan.case_sources:
            key = (case_pks[case], doc_pks[doc], speaker)
            if key not in links:
                links.add(key)
                tx.insert(
                    T_CASE_SOURCES,
                    {"case_pk": key[0], "document_pk": key[1], "speaker": speaker},
                )
        values = {
            (r.case_pk, r.attribute_pk)
            for r in conn.execute(select(T_CASE_ATTRS.c.case_pk, T_CASE_ATTRS.c.attribute_pk))
        }
        for case, attribute, value in plan.case_values:
            key2 = (case_pks[case], attr_pks[attribute])
            if key2 not in values:
                values.add(key2)
                tx.insert(
                    T_CASE_ATTRS, {"case_pk": key2[0], "attribute_pk": key2[1], "value": value}
                )
