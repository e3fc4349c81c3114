"""Codebook edits that carry codings: add, edit, move, re-id, merge, delete.

Each edit is one action (undoable through the recorded row changes). A code with
codings is never deleted outright: merge it into another code (its codings follow)
instead. A changed id and a merged code's id stay as aliases, so codings, memos and
other people's codebooks still resolve.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select

from qualcode.clock import new_guid, now
from qualcode.core.codebook import (
    VALENCES,
    Code,
    Codebook,
    Label,
    check_color,
    check_id,
    check_key,
    tree_order,
)
from qualcode.errors import ConflictError, InputError, NotFoundError, ProjectError
from qualcode.i18n import _, plural
from qualcode.store import convert
from qualcode.store.base import (
    T_ALIASES,
    T_CODES,
    T_CODINGS,
    T_MEMOS,
    T_THEME_CODES,
    T_TOMBS,
    ProjectBase,
    RowChanged,
    Tx,
)

if TYPE_CHECKING:
    from qualcode.core.codebook_merge import FoldedCode

EDITABLE = (
    "label",
    "description",
    "inclusion",
    "exclusion",
    "examples",
    "color",
    "key",
    "rules",
    "memo",
    "valence",
)
"""Fields :meth:`Codes.update_code` may change."""


def _compare_and_set(tx: Tx, row: dict[str, Any], changed: dict[str, Any]) -> None:
    """Write a code's changed fields only if its version is still the one read: a
    concurrent edit that committed after our read makes the UPDATE match no row
    instead of being overwritten.

    Raises:
        ConflictError: the code was changed meanwhile.
    """
    try:
        tx.update(T_CODES, {"pk": row["pk"]}, changed, expect={"version": row["version"]})
    except RowChanged:
        current = tx.conn.execute(
            select(T_CODES.c.version).where(T_CODES.c.pk == row["pk"])
        ).scalar()
        raise ConflictError(
            _(
                "code {row!r} was changed by someone else meanwhile (version {current}, you edited version {expected_version})"
            ).format(row=row["id"], current=current, expected_version=row["version"]),
            hint=_("reload the codebook and make your change again"),
        ) from None


def _merge_pair(cb: Codebook, source: str, target: str) -> tuple[Code, Code]:
    """The two codes of a merge (aliases resolve).

    Raises:
        NotFoundError: an unknown code.
        InputError: a code merged into itself or into one of its sub-codes.
    """
    src_code, dst_code = cb.get(source), cb.get(target)
    if src_code is None or dst_code is None:
        missing = source if src_code is None else target
        raise NotFoundError(
            _("unknown code {missing!r}").format(missing=missing),
            hint=_("'qualcode codebook show' lists the codes"),
        )
    if src_code.id == dst_code.id:
        raise InputError(_("cannot merge {src_code.id!r} into itself").format(src_code=src_code))
    if src_code.id in cb.path(dst_code.id):
        raise InputError(
            _("cannot merge {src_code.id!r} into its own sub-code {dst_code.id!r}").format(
                src_code=src_code, dst_code=dst_code
            )
        )
    return src_code, dst_code


class Codes:
    """Codebook edits on the project's codes (the working master)."""

    def __init__(self, store: ProjectBase) -> None:
        self.store = store

    # ------------------------------------------------------------------ helpers

    def _code_row(self, conn: Connection, code_id: str) -> dict[str, Any]:
        pk = self.store.code_pk(conn, code_id)
        return dict(conn.execute(select(T_CODES).where(T_CODES.c.pk == pk)).mappings().one())

    def check_free_id(self, conn: Connection, code_id: str) -> None:
        check_id(code_id)
        if conn.execute(select(T_CODES.c.pk).where(T_CODES.c.id == code_id)).first():
            raise InputError(_("a code with id {code_id!r} already exists").format(code_id=code_id))
        if conn.execute(select(T_ALIASES.c.code_pk).where(T_ALIASES.c.alias == code_id)).first():
            raise InputError(
                _("{code_id!r} is already an alias of another code").format(code_id=code_id),
                hint=_("choose another id"),
            )

    def check_free_key(self, conn: Connection, key: str, own_pk: int | None) -> None:
        check_key(key)
        other = conn.execute(select(T_CODES.c.id, T_CODES.c.pk).where(T_CODES.c.key == key)).first()
        if other is not None and other.pk != own_pk:
            raise InputError(
                _("key {key!r} is already used by {other.id!r}").format(key=key, other=other),
                hint=_("choose another key"),
            )

    def reorder(self, tx: Tx, codes: list[Code]) -> None:
        """Give every code its position in the pre-order of ``codes`` (parents first)."""
        pks = self.store.code_pks(tx.conn)
        current = {
            r.pk: r.position for r in tx.conn.execute(select(T_CODES.c.pk, T_CODES.c.position))
        }
        for position, code in enumerate(tree_order(codes)):
            pk = pks[code.id]
            if current.get(pk) != position:
                tx.update(T_CODES, {"pk": pk}, {"position": position})

    def _bump(self, tx: Tx, row: dict[str, Any], expected_version: int | None) -> int:
        if expected_version is not None and row["version"] != expected_version:
            raise ConflictError(
                _(
                    "code {row!r} was changed by someone else meanwhile (version {current}, you edited version {expected_version})"
                ).format(row=row["id"], current=row["version"], expected_version=expected_version),
                hint=_("reload the codebook and make your change again"),
            )
        return int(row["version"]) + 1

    # ------------------------------------------------------------------ operations

    def add_code(
        self, code: Code, *, position: int | None = None, group: str | None = None
    ) -> Code:
        """Add a new code (under ``code.parent``, at sibling ``position`` or last).

        Args:
            code: the new code.
            position: sibling index under its parent (``None``: last).
            group: an action group (undone as one step with the rest of the group).

        Raises:
            InputError: the id or key is taken, the parent is unknown, a bad value.
        """
        with self.store.write("codebook.add", f"add code {code.id}", group=group) as tx:
            conn = tx.conn
            self.check_free_id(conn, code.id)
            if code.key:
                self.check_free_key(conn, code.key, None)
            color = check_color(code.color) if code.color else None
            parent_pk = self.store.code_pk(conn, code.parent) if code.parent else None
            cb = self.store.read_codebook(conn)
            parent_id = cb.get(code.parent).id if code.parent and cb.get(code.parent) else None  # type: ignore[union-attr]
            code = replace(code, color=color, parent=parent_id, aliases=())
            values = convert.code_values(code)
            values.update(
                guid=new_guid(), created=now(), version=1, parent_pk=parent_pk, position=len(cb)
            )
            tx.insert(T_CODES, values)
            self.store.forget_codes()
            self.reorder(tx, insert_sibling(list(cb.codes), code, position))
        return code

    def update_code(
        self, code_id: str, *, expected_version: int | None = None, **fields: Any
    ) -> Code:
        """Change a code's label, description, colour, key, rules, ...

        Args:
            code_id: the code (an alias resolves).
            expected_version: refuse when the code changed since this version.
            **fields: any of :data:`EDITABLE`; ``None`` clears colour and key.

        Raises:
            InputError: unknown field, bad colour or key, key taken.
            ConflictError: the code changed since ``expected_version``.
        """
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise InputError(
                _("cannot edit {unknown} of a code").format(unknown=", ".join(sorted(unknown))),
                hint=_("editable: {EDITABLE}").format(EDITABLE=", ".join(EDITABLE)),
            )
        with self.store.write(
            "codebook.edit", f"edit code {code_id}: {', '.join(sorted(fields))}"
        ) as tx:
            conn = tx.conn
            row = self._code_row(conn, code_id)
            values = {
                name: self._stored_value(conn, row, name, value) for name, value in fields.items()
            }
            changed = {k: v for k, v in values.items() if row[k] != v}
            if changed:
                changed["version"] = self._bump(tx, row, expected_version)
                _compare_and_set(tx, row, changed)
            result = self.store.read_codebook(conn)[row["id"]]
        return result

    def _stored_value(self, conn: Connection, row: dict[str, Any], name: str, value: Any) -> Any:
        """One edited field as the codes table stores it, checked.

        Raises:
            InputError: an empty label, a bad colour, key or valence, a key taken.
        """
        if name == "label":
            if not value or (isinstance(value, str) and not value.strip()):
                raise InputError(_("the label of {row!r} cannot be empty").format(row=row["id"]))
            return convert.label_to_db(value)
        if name == "color":
            return check_color(value) if value else None
        if name == "key":
            if value:
                self.check_free_key(conn, str(value), row["pk"])
            return str(value) if value else None
        if name == "examples":
            return json.dumps(list(value or ()), ensure_ascii=False)
        if name == "rules":
            return convert.rules_to_db(value)
        if name == "valence":
            if value is not None and value not in VALENCES:
                raise InputError(
                    _("bad valence {value!r}").format(value=value),
                    hint=_("use one of: {v}").format(v=", ".join(VALENCES)),
                )
            return value or None
        return value or ""

    def _refuse_others_codings(
        self, conn: Connection, src: dict[str, Any], dst: dict[str, Any]
    ) -> None:
        """A coder's role (not the owner) may not move other coders' codings.

        Raises:
            ProjectError: other coders' codings use ``src``.
        """
        others = conn.execute(
            select(func.count()).where(
                T_CODINGS.c.code_pk == src["pk"], T_CODINGS.c.coder != self.store.coder
            )
        ).scalar_one()
        if others:
            raise ProjectError(
                plural(
                    others,
                    "the database role {coder!r} may not merge code {src!r} into {dst!r}: "
                    "{n} coding of other coders uses it",
                    "the database role {coder!r} may not merge code {src!r} into {dst!r}: "
                    "{n} codings of other coders use it",
                    coder=self.store.coder,
                    src=src["id"],
                    dst=dst["id"],
                ),
                hint=_("only the project's owner moves other coders' codings"),
            )

    def _move_codings(self, tx: Tx, src: dict[str, Any], dst: dict[str, Any]) -> None:
        """``src``'s codings onto ``dst``; one identical to a coding of ``dst`` (same
        document, span and coder) is deleted instead."""
        conn = tx.conn
        existing = {
            (r.document_pk, r.start, r.end, r.coder)
            for r in conn.execute(
                select(
                    T_CODINGS.c.document_pk,
                    T_CODINGS.c.start,
                    T_CODINGS.c.end,
                    T_CODINGS.c.coder,
                ).where(T_CODINGS.c.code_pk == dst["pk"])
            )
        }
        for row in (
            conn.execute(select(T_CODINGS).where(T_CODINGS.c.code_pk == src["pk"])).mappings().all()
        ):
            if (row["document_pk"], row["start"], row["end"], row["coder"]) in existing:
                self.store.delete_coding(tx, row["pk"], row["guid"], None)
            else:
                tx.update(
                    T_CODINGS,
                    {"pk": row["pk"]},
                    {"code_pk": dst["pk"], "version": row["version"] + 1},
                )

    def set_label(self, code_id: str, text: str, *, lang: str | None = None) -> Code:
        """Rename a code's label: in one language (``lang``), or the default one.

        A plain label given a language becomes bilingual, the old text kept under the
        codebook's other language.
        """
        cb = self.store.codebook()
        code = cb.get(code_id)
        if code is None:
            raise NotFoundError(
                _("unknown code {code_id!r}").format(code_id=code_id),
                hint=_("'qualcode codebook show' lists the codes"),
            )
        label: Label
        if isinstance(code.label, str):
            other = next((x for x in cb.languages if x != lang), None) if lang else None
            if lang is None:
                label = text
            elif other is not None:
                label = {
                    x: (text if x == lang else code.label)
                    for x in (*cb.languages, lang)
                    if x in (lang, other)
                }
            else:
                label = {lang: text}
        else:
            if lang is None:
                lang = (
                    cb.languages[0]
                    if cb.languages and cb.languages[0] in code.label
                    else next(iter(code.label))
                )
            label = {**code.label, lang: text}
        return self.update_code(code.id, label=label)

    def move_code(self, code_id: str, parent: str | None, *, position: int | None = None) -> Code:
        """Move a code (with its sub-codes) under ``parent`` (``None``: top level).

        Raises:
            InputError: moving a code under itself or one of its descendants.
        """
        with self.store.write(
            "codebook.move", f"move code {code_id} under {parent or 'the top level'}"
        ) as tx:
            conn = tx.conn
            cb = self.store.read_codebook(conn)
            code = cb.get(code_id)
            if code is None:
                raise NotFoundError(
                    _("unknown code {code_id!r}").format(code_id=code_id),
                    hint=_("'qualcode codebook show' lists the codes"),
                )
            parent_code = cb.get(parent) if parent else None
            if parent and parent_code is None:
                raise NotFoundError(
                    _("unknown code {parent!r}").format(parent=parent),
                    hint=_("'qualcode codebook show' lists the codes"),
                )
            if parent_code is not None and (
                parent_code.id == code.id or code.id in cb.path(parent_code.id)
            ):
                raise InputError(
                    _("cannot move {code.id!r} under its own sub-code {parent_code.id!r}").format(
                        code=code, parent_code=parent_code
                    )
                )
            new_parent = parent_code.id if parent_code else None
            pks = self.store.code_pks(conn)
            tx.update(
                T_CODES,
                {"pk": pks[code.id]},
                {"parent_pk": pks[new_parent] if new_parent else None},
            )
            moved = replace(code, parent=new_parent)
            others = [c for c in cb.codes if c.id != code.id]
            self.reorder(tx, insert_sibling(others, moved, position))
            result = self.store.read_codebook(conn)[code.id]
        return result

    def change_code_id(self, old: str, new: str) -> Code:
        """Give a code a new id; the old id stays as an alias."""
        with self.store.write("codebook.set-id", f"change code id {old} to {new}") as tx:
            conn = tx.conn
            row = self._code_row(conn, old)
            if row["id"] == new:
                return self.store.read_codebook(conn)[new]
            # the new id may be one of this code's own aliases
            own_alias = conn.execute(
                select(T_ALIASES.c.alias).where(
                    T_ALIASES.c.alias == new, T_ALIASES.c.code_pk == row["pk"]
                )
            ).first()
            if own_alias:
                tx.delete(T_ALIASES, {"alias": new})
            else:
                self.check_free_id(conn, new)
            tx.update(T_CODES, {"pk": row["pk"]}, {"id": new, "version": row["version"] + 1})
            tx.insert(T_ALIASES, {"alias": row["id"], "code_pk": row["pk"]})
            self.store.forget_codes()
            result = self.store.read_codebook(conn)[new]
        return result

    def merge_code(self, source: str, target: str) -> FoldedCode:
        """Merge ``source`` into ``target``: codings, sub-codes, memos and aliases follow,
        and so do its keywords, phrases, regular expressions, examples and description
        (see :func:`qualcode.core.codebook_merge.fold_code`); every difference not carried over
        is in the result's ``not_carried``.

        A coding of ``source`` identical to one of ``target`` (same document, span and
        coder) is stored once. ``source``'s id becomes an alias of ``target``.

        Raises:
            InputError: merging a code into itself or into one of its sub-codes.
        """
        from qualcode.core.codebook_merge import FoldedCode, fold_code

        with self.store.write("codebook.merge", f"merge code {source} into {target}") as tx:
            conn = tx.conn
            cb = self.store.read_codebook(conn)
            src_code, dst_code = _merge_pair(cb, source, target)
            src = self._code_row(conn, src_code.id)
            dst = self._code_row(conn, dst_code.id)
            if not self.store.owns_project(conn):
                self._refuse_others_codings(conn, src, dst)
            self._move_codings(tx, src, dst)
            for child in conn.execute(
                select(T_CODES.c.pk).where(T_CODES.c.parent_pk == src["pk"])
            ).all():
                tx.update(T_CODES, {"pk": child.pk}, {"parent_pk": dst["pk"]})
            for memo in conn.execute(
                select(T_MEMOS.c.pk).where(
                    T_MEMOS.c.target_kind == "code", T_MEMOS.c.target_guid == src["guid"]
                )
            ).all():
                tx.update(T_MEMOS, {"pk": memo.pk}, {"target_guid": dst["guid"]})
            for alias in conn.execute(
                select(T_ALIASES.c.alias).where(T_ALIASES.c.code_pk == src["pk"])
            ).all():
                tx.update(T_ALIASES, {"alias": alias.alias}, {"code_pk": dst["pk"]})
            # theme memberships follow the code (a theme holding both keeps one)
            in_dst = {
                pk
                for (pk,) in conn.execute(
                    select(T_THEME_CODES.c.theme_pk).where(T_THEME_CODES.c.code_pk == dst["pk"])
                )
            }
            for member in conn.execute(
                select(T_THEME_CODES.c.pk, T_THEME_CODES.c.theme_pk, T_THEME_CODES.c.guid).where(
                    T_THEME_CODES.c.code_pk == src["pk"]
                )
            ).all():
                if member.theme_pk in in_dst:
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
                else:
                    tx.update(T_THEME_CODES, {"pk": member.pk}, {"code_pk": dst["pk"]})
            lang = cb.languages[0] if cb.languages else None
            folded = fold_code(dst_code, src_code, lang=lang)
            carried = list(folded.carried)
            fields: dict[str, Any] = {}
            if folded.code.rules != dst_code.rules:
                fields["rules"] = convert.rules_to_db(folded.code.rules)
            if folded.code.examples != dst_code.examples:
                fields["examples"] = json.dumps(list(folded.code.examples), ensure_ascii=False)
            if folded.code.description != dst_code.description:
                fields["description"] = folded.code.description
            if src["memo"]:
                fields["memo"] = (
                    dst["memo"] + "\n\n" if dst["memo"] else ""
                ) + f"[merged from {src['id']}] {src['memo']}"
                carried.append(_("its memo"))
            if fields:
                tx.update(T_CODES, {"pk": dst["pk"]}, fields)
            tx.delete(T_CODES, {"pk": src["pk"]})
            tx.insert(T_ALIASES, {"alias": src["id"], "code_pk": dst["pk"]})
            tx.insert(
                T_TOMBS,
                {
                    "guid": src["guid"],
                    "kind": "code",
                    "deleted_at": now(),
                    "coder": self.store.coder,
                },
            )
            tx.update(T_CODES, {"pk": dst["pk"]}, {"version": dst["version"] + 1})
            self.store.forget_codes()
            after = self.store.read_codebook(conn)
            self.reorder(tx, list(after.codes))
            result = self.store.read_codebook(conn)[dst["id"]]
        return FoldedCode(result, tuple(carried), folded.not_carried)

    def delete_code(self, code_id: str) -> None:
        """Delete a code that has no codings and no sub-codes.

        Raises:
            InputError: the code still has codings (merge it instead) or sub-codes.
        """
        with self.store.write("codebook.delete", f"delete code {code_id}") as tx:
            conn = tx.conn
            row = self._code_row(conn, code_id)
            n = conn.execute(
                select(func.count()).where(T_CODINGS.c.code_pk == row["pk"])
            ).scalar_one()
            if n:
                raise InputError(
                    plural(
                        n,
                        "code {row!r} has {n} coding and is never deleted outright",
                        "code {row!r} has {n} codings and is never deleted outright",
                        row=row["id"],
                    ),
                    hint=_(
                        "merge it into another code: qualcode codebook merge {row} OTHER"
                    ).format(row=row["id"]),
                )
            children = (
                conn.execute(select(T_CODES.c.id).where(T_CODES.c.parent_pk == row["pk"]))
                .scalars()
                .all()
            )
            if children:
                raise InputError(
                    _("code {row!r} has sub-codes ({children})").format(
                        row=row["id"], children=", ".join(children)
                    ),
                    hint=_("move or delete them first"),
                )
            for alias in conn.execute(
                select(T_ALIASES.c.alias).where(T_ALIASES.c.code_pk == row["pk"])
            ).all():
                tx.delete(T_ALIASES, {"alias": alias.alias})
            for member in conn.execute(
                select(T_THEME_CODES.c.pk, T_THEME_CODES.c.guid).where(
                    T_THEME_CODES.c.code_pk == row["pk"]
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
            tx.delete(T_CODES, {"pk": row["pk"]})
            tx.insert(
                T_TOMBS,
                {
                    "guid": row["guid"],
                    "kind": "code",
                    "deleted_at": now(),
                    "coder": self.store.coder,
                },
            )
            self.store.forget_codes()
            self.reorder(tx, list(self.store.read_codebook(conn).codes))


def insert_sibling(codes: list[Code], code: Code, position: int | None) -> list[Code]:
    """``codes`` with ``code`` placed at sibling index ``position`` under its parent."""
    ordered = tree_order(codes)
    siblings = [c for c in ordered if c.parent == code.parent]
    if position is None or position >= len(siblings):
        anchor = siblings[-1] if siblings else None
        if anchor is None:
            # first child: right after the parent (or at the very end for the top level)
            if code.parent is None:
                return [*ordered, code]
            index = next(i for i, c in enumerate(ordered) if c.id == code.parent) + 1
            return [*ordered[:index], code, *ordered[index:]]
        # after the last sibling's whole subtree
        cb = Codebook(tuple(ordered))
        last = max(
            i for i, c in enumerate(ordered) if c.id == anchor.id or anchor.id in _ancestors(cb, c)
        )
        return [*ordered[: last + 1], code, *ordered[last + 1 :]]
    before = siblings[max(position, 0)]
    index = next(i for i, c in enumerate(ordered) if c.id == before.id)
    return [*ordered[:index], code, *ordered[index:]]


def _ancestors(cb: Codebook, code: Code) -> set[str]:
    out: set[str] = set()
    current = code
    while current.parent is not None and current.parent not in out:
        out.add(current.parent)
        parent = cb.get(current.parent)
        if parent is None:
            break
        current = parent
    return out
