"""Moving codings between codes: recode selected codings, split a code in two.

Both are one action each (one transaction, one action-log entry with the row-level
changes), so they undo like every other edit. A moved coding keeps its guid, span,
coder, memo, origin, status and review; only its code changes. When the target code
already holds an identical coding (same document, span and coder), the moved one is
removed instead (an identical coding is stored once) and leaves a tombstone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import select

from qualcode.clock import new_guid, now
from qualcode.core.codebook import Code, check_color
from qualcode.core.model import Coding
from qualcode.errors import InputError, NotFoundError
from qualcode.i18n import _, plural
from qualcode.store import convert
from qualcode.store.base import T_CODES, T_CODINGS, ProjectBase, Tx
from qualcode.store.codebook_ops import Codes, insert_sibling


class Recode:
    """Recoding codings and splitting codes."""

    def __init__(self, store: ProjectBase, codes: Codes) -> None:
        self.store = store
        self.codes = codes

    def _move_codings(
        self, tx: Tx, guids: Sequence[str], target_pk: int, *, source_pk: int | None = None
    ) -> list[str]:
        """Point each coding at ``target_pk``; returns the guids that still exist after."""
        conn = tx.conn
        wanted = list(dict.fromkeys(guids))
        if not wanted:
            raise InputError(_("no codings given"), hint=_("name them with --coding GUID"))
        rows = {
            r["guid"]: dict(r)
            for r in conn.execute(select(T_CODINGS).where(T_CODINGS.c.guid.in_(wanted))).mappings()
        }
        missing = [g for g in wanted if g not in rows]
        if missing:
            raise NotFoundError(
                (
                    plural(
                        len(missing) - 1,
                        "no coding with guid {missing!r} (and {n} more)",
                        "no coding with guid {missing!r} (and {n} more)",
                        missing=missing[0],
                    )
                    if len(missing) > 1
                    else _("no coding with guid {missing!r}").format(missing=missing[0])
                ),
                hint=_("'qualcode codings --json' lists the guids"),
            )
        if source_pk is not None:
            ids = self.store.code_ids
            strays = [g for g in wanted if rows[g]["code_pk"] != source_pk]
            if strays:
                row = rows[strays[0]]
                raise InputError(
                    _("coding {strays} is coded with {row!r}, not with {source_pk!r}").format(
                        strays=strays[0],
                        row=ids.get(row["code_pk"], "?"),
                        source_pk=ids.get(source_pk, "?"),
                    ),
                    hint=_("a split moves codings of the code being split"),
                )
        existing = {
            (r.document_pk, r.start, r.end, r.coder)
            for r in conn.execute(
                select(
                    T_CODINGS.c.document_pk, T_CODINGS.c.start, T_CODINGS.c.end, T_CODINGS.c.coder
                ).where(T_CODINGS.c.code_pk == target_pk)
            )
        }
        kept: list[str] = []
        for guid in wanted:
            row = rows[guid]
            if row["code_pk"] == target_pk:
                kept.append(guid)
                continue
            span = (row["document_pk"], row["start"], row["end"], row["coder"])
            if span in existing:
                self.store.delete_coding(tx, row["pk"], guid, None)
                continue
            tx.update(
                T_CODINGS,
                {"pk": row["pk"]},
                {"code_pk": target_pk, "version": row["version"] + 1},
            )
            existing.add(span)
            kept.append(guid)
        return kept

    def _codings_by_guid(self, guids: Sequence[str]) -> list[Coding]:
        if not guids:
            return []
        with self.store.read() as conn:
            rows = conn.execute(
                self.store.coding_select().where(T_CODINGS.c.guid.in_(list(guids)))
            ).mappings()
            by_guid = {r["guid"]: convert.coding_from_row(r) for r in rows}
        return [by_guid[g] for g in guids if g in by_guid]

    def recode_codings(self, guids: Sequence[str], target: str) -> list[Coding]:
        """Move codings to another code (one action).

        Args:
            guids: the codings to move.
            target: the code they move to (an alias resolves).

        Returns:
            The codings as they are now (a coding that was identical to one the target
            already had is gone, and not returned).

        Raises:
            NotFoundError: an unknown coding or code.
            InputError: no codings given.
        """
        with self.store.write("recode", f"recode {len(guids)} codings to {target}") as tx:
            target_pk = self.store.code_pk(tx.conn, target)
            kept = self._move_codings(tx, guids, target_pk)
        return self._codings_by_guid(kept)

    def split_code(
        self,
        source: str,
        new: Code,
        guids: Sequence[str],
        *,
        position: int | None = None,
    ) -> tuple[Code, list[Coding]]:
        """Split ``source``: create the code ``new`` and move the chosen codings to it.

        One action. The new code goes under ``new.parent`` (right after ``source`` when
        it shares ``source``'s parent, unless ``position`` says otherwise).

        Args:
            source: the code being split (an alias resolves).
            new: the new code (its id must be free).
            guids: codings of ``source`` that move to ``new``.
            position: sibling position of the new code (0 first).

        Returns:
            The new code and the moved codings.

        Raises:
            InputError: the id or key is taken, a coding is not ``source``'s, no codings.
            NotFoundError: unknown code, parent or coding.
        """
        with self.store.write("codebook.split", f"split code {source}: {new.id}") as tx:
            conn = tx.conn
            cb = self.store.read_codebook(conn)
            src = cb.get(source)
            if src is None:
                raise NotFoundError(
                    _("unknown code {source!r}").format(source=source),
                    hint=_("'qualcode codebook show' lists the codes"),
                )
            if not guids:
                raise InputError(
                    _("a split needs the codings that move"), hint=_("name them with --coding GUID")
                )
            self.codes.check_free_id(conn, new.id)
            if new.key:
                self.codes.check_free_key(conn, new.key, None)
            parent = cb.get(new.parent) if new.parent else None
            if new.parent and parent is None:
                raise NotFoundError(
                    _("unknown code {new.parent!r}").format(new=new),
                    hint=_("'qualcode codebook show' lists the codes"),
                )
            code = replace(
                new,
                parent=parent.id if parent else None,
                color=check_color(new.color) if new.color else None,
                aliases=(),
            )
            if position is None and code.parent == src.parent:
                siblings = [c.id for c in cb.children(src.parent)]
                position = siblings.index(src.id) + 1
            values: dict[str, Any] = convert.code_values(code)
            values.update(
                guid=new_guid(),
                created=now(),
                version=1,
                parent_pk=self.store.code_pk(conn, parent.id) if parent else None,
                position=len(cb),
            )
            target_pk = tx.insert(T_CODES, values)
            self.store.forget_codes()
            self.codes.reorder(tx, insert_sibling(list(cb.codes), code, position))
            source_pk = self.store.code_pk(conn, src.id)
            kept = self._move_codings(tx, guids, target_pk, source_pk=source_pk)
            result = self.store.read_codebook(conn)[code.id]
        return result, self._codings_by_guid(kept)
