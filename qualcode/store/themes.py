"""Themes, their member codes and key extracts, and relations: one action each.

Every method that changes something runs in one transaction that records its row
changes in the action log (so undo, redo and ``map --at DATE`` replay it), and every
deletion leaves a tombstone by guid (so a project merge never brings it back).
Themes are shared analysis, like the codebook: on PostgreSQL every coder's role
edits them (see :mod:`qualcode.store.postgres`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, select

from qualcode.clock import new_guid, now
from qualcode.core.codebook import Label, check_color
from qualcode.core.themes import (
    DEFAULT_RELATION_TYPES,
    KeyExtract,
    Node,
    Relation,
    RelationType,
    Theme,
    ThemeTree,
    check_status,
    check_theme_id,
    free_id,
    passage_name,
    relation_type,
    relation_types_from_data,
    resolve_code,
    resolve_theme,
    slug,
    split_node,
    theme_tree_order,
)
from qualcode.errors import ConflictError, InputError, NotFoundError
from qualcode.i18n import _, plural
from qualcode.store import convert
from qualcode.store.base import (
    CODEBOOK_META,
    T_CASES,
    T_CODES,
    T_CODINGS,
    T_DOCS,
    T_RELATIONS,
    T_SETTINGS,
    T_THEME_CODES,
    T_THEME_EXTRACTS,
    T_THEMES,
    T_TOMBS,
    ProjectBase,
    RowChanged,
    Tx,
)


def read_themes(conn: Connection) -> ThemeTree:
    """Every theme with its codes and extracts, in tree order."""
    rows = conn.execute(select(T_THEMES).order_by(T_THEMES.c.position, T_THEMES.c.pk)).mappings()
    themes = list(rows)
    id_by_pk = {r["pk"]: r["id"] for r in themes}
    codes: dict[int, list[str]] = {}
    for theme_pk, code_id in conn.execute(
        select(T_THEME_CODES.c.theme_pk, T_CODES.c.id)
        .join(T_CODES, T_CODES.c.pk == T_THEME_CODES.c.code_pk)
        .order_by(T_THEME_CODES.c.theme_pk, T_THEME_CODES.c.position, T_THEME_CODES.c.pk)
    ):
        codes.setdefault(theme_pk, []).append(code_id)
    extracts: dict[int, list[KeyExtract]] = {}
    for r in conn.execute(
        select(T_THEME_EXTRACTS).order_by(
            T_THEME_EXTRACTS.c.theme_pk, T_THEME_EXTRACTS.c.position, T_THEME_EXTRACTS.c.pk
        )
    ).mappings():
        extracts.setdefault(r["theme_pk"], []).append(
            KeyExtract(
                guid=r["guid"],
                coding=r["coding_guid"],
                position=r["position"],
                translation=r["translation"] or "",
                coder=r["coder"],
            )
        )
    out = [
        Theme(
            guid=r["guid"],
            id=r["id"],
            label=convert.label_from_db(r["label"]),
            definition=r["definition"] or "",
            status=r["status"],
            reason=r["reason"] or "",
            parent=id_by_pk.get(r["parent_pk"]) if r["parent_pk"] is not None else None,
            position=r["position"],
            codes=tuple(codes.get(r["pk"], ())),
            extracts=tuple(extracts.get(r["pk"], ())),
            color=r["color"],
            created=r["created"],
            coder=r["coder"],
            version=r["version"],
        )
        for r in themes
    ]
    return ThemeTree(tuple(theme_tree_order(out)))


class Themes:
    """Themes and relations of the project."""

    def __init__(self, store: ProjectBase) -> None:
        self.store = store

    # ------------------------------------------------------------------ reading

    def themes(self) -> ThemeTree:
        """Every theme, parents before sub-themes, with member codes and key extracts."""
        with self.store.read() as conn:
            return read_themes(conn)

    def theme(self, name: str) -> Theme:
        """The theme named by id or by label in either language (case-insensitive).

        Raises:
            InputError: unknown, or a label several themes carry.
        """
        return resolve_theme(self.themes(), name)

    def code_valences(self) -> dict[str, str | None]:
        """Every code's valence (``None`` where the code carries none)."""
        with self.store.read() as conn:
            return {r.id: r.valence for r in conn.execute(select(T_CODES.c.id, T_CODES.c.valence))}

    def has_cases(self) -> bool:
        """Whether the project has any case (then participants are cases)."""
        with self.store.read() as conn:
            return conn.execute(select(T_CASES.c.pk).limit(1)).first() is not None

    def relation_types(self) -> tuple[RelationType, ...]:
        """The relation vocabulary: the codebook's ``relations:``, or the default."""
        with self.store.read() as conn:
            return self._relation_types(conn)

    def _relation_types(self, conn: Connection) -> tuple[RelationType, ...]:
        raw = conn.execute(
            select(T_SETTINGS.c.value).where(T_SETTINGS.c.key == CODEBOOK_META)
        ).scalar()
        meta = json.loads(raw) if raw else {}
        data = meta.get("relations")
        return relation_types_from_data(data) if data is not None else DEFAULT_RELATION_TYPES

    def relations(self) -> list[Relation]:
        """Every relation, oldest first, with both ends named."""
        with self.store.read() as conn:
            rows = conn.execute(select(T_RELATIONS).order_by(T_RELATIONS.c.pk)).mappings().all()
            names = self._node_names(conn, rows)
        return [_relation(r, names) for r in rows]

    def _node_names(self, conn: Connection, rows: Sequence[Any]) -> dict[tuple[str, str], str]:
        wanted: dict[str, set[str]] = {}
        for r in rows:
            wanted.setdefault(r["source_kind"], set()).add(r["source_guid"])
            wanted.setdefault(r["target_kind"], set()).add(r["target_guid"])
        out: dict[tuple[str, str], str] = {}
        tables = {
            "code": (T_CODES, T_CODES.c.id),
            "theme": (T_THEMES, T_THEMES.c.id),
            "document": (T_DOCS, T_DOCS.c.name),
            "passage": (T_CODINGS, T_CODINGS.c.quote),
        }
        for kind, guids in wanted.items():
            if kind not in tables:
                continue
            table, column = tables[kind]
            for guid, name in conn.execute(
                select(table.c.guid, column).where(table.c.guid.in_(sorted(guids)))
            ):
                out[(kind, guid)] = passage_name(name) if kind == "passage" else str(name)
        return out

    def resolve_node(self, spec: str) -> Node:
        """The code, theme, passage or document a person names on the command line.

        ``theme:NAME``, ``doc:NAME`` (or ``document:``), ``passage:GUID`` (or
        ``coding:``), ``code:NAME``; a plain name is a code (id, alias or label),
        else a theme (id or label). A plain name that is both is refused.

        Raises:
            InputError: nothing of that name, or more than one thing.
        """
        with self.store.read() as conn:
            return self._resolve_node(conn, spec)

    def _resolve_node(self, conn: Connection, spec: str) -> Node:
        kind, name = split_node(spec)
        if kind == "code" or kind is None:
            cb = self.store.read_codebook(conn)
            try:
                code_id = resolve_code(cb, name)
            except InputError:
                if kind == "code":
                    raise
                code_id = None
            if code_id is not None:
                if kind is None:
                    try:
                        theme = resolve_theme(read_themes(conn), name)
                    except InputError:
                        theme = None
                    if theme is not None:
                        raise InputError(
                            _("{name!r} names both a code and a theme").format(name=name),
                            hint=_("write code:{name} or theme:{name}").format(name=name),
                        )
                guid = conn.execute(select(T_CODES.c.guid).where(T_CODES.c.id == code_id)).scalar()
                return Node("code", str(guid), code_id)
        if kind == "theme" or kind is None:
            try:
                theme = resolve_theme(read_themes(conn), name)
            except InputError as exc:
                if kind == "theme":
                    raise
                raise InputError(
                    _("no code or theme is named {name!r}").format(name=name),
                    hint=_(
                        "'qualcode codebook show' and 'qualcode themes' list them; "
                        "write doc:NAME for a document, passage:GUID for a passage"
                    ),
                ) from exc
            return Node("theme", theme.guid, theme.id)
        if kind == "document":
            row = conn.execute(
                select(T_DOCS.c.guid, T_DOCS.c.name).where(T_DOCS.c.name == name)
            ).first()
            if row is None:
                raise NotFoundError(
                    _("no document named {name!r}").format(name=name),
                    hint=_("'qualcode documents' lists them"),
                )
            return Node("document", row.guid, row.name)
        row = conn.execute(
            select(T_CODINGS.c.guid, T_CODINGS.c.quote).where(T_CODINGS.c.guid == name.lower())
        ).first()
        if row is None:
            raise NotFoundError(
                _("no passage (coding) with guid {guid!r}").format(guid=name),
                hint=_("'qualcode codings --json' shows each coding's guid"),
            )
        return Node("passage", row.guid, passage_name(row.quote))

    # ------------------------------------------------------------------ helpers

    def _theme_row(self, conn: Connection, name: str) -> dict[str, Any]:
        theme = resolve_theme(read_themes(conn), name)
        return dict(
            conn.execute(select(T_THEMES).where(T_THEMES.c.guid == theme.guid)).mappings().one()
        )

    def _theme_pks(self, conn: Connection) -> dict[str, int]:
        return {r.id: r.pk for r in conn.execute(select(T_THEMES.c.id, T_THEMES.c.pk))}

    def _tomb(self, tx: Tx, guid: str, kind: str) -> None:
        if not tx.conn.execute(select(T_TOMBS.c.guid).where(T_TOMBS.c.guid == guid)).first():
            tx.insert(
                T_TOMBS,
                {"guid": guid, "kind": kind, "deleted_at": now(), "coder": self.store.coder},
            )

    def _edit_theme(self, tx: Tx, row: dict[str, Any], values: dict[str, Any]) -> None:
        changed = {k: v for k, v in values.items() if row[k] != v}
        if not changed:
            return
        changed["version"] = row["version"] + 1
        try:
            tx.update(T_THEMES, {"pk": row["pk"]}, changed, expect={"version": row["version"]})
        except RowChanged:
            raise ConflictError(
                _("theme {id!r} was changed by someone else meanwhile").format(id=row["id"]),
                hint=_("reload the themes and make your change again"),
            ) from None

    def _renumber(self, tx: Tx, parent_pk: int | None, ordered: list[int]) -> None:
        """Give the sub-themes of ``parent_pk`` the positions of ``ordered`` (pks)."""
        for position, pk in enumerate(ordered):
            tx.update(T_THEMES, {"pk": pk}, {"position": position})

    def _siblings(self, conn: Connection, parent_pk: int | None) -> list[int]:
        where = (
            T_THEMES.c.parent_pk.is_(None)
            if parent_pk is None
            else T_THEMES.c.parent_pk == parent_pk
        )
        return [
            pk
            for (pk,) in conn.execute(
                select(T_THEMES.c.pk).where(where).order_by(T_THEMES.c.position, T_THEMES.c.pk)
            )
        ]

    def _add_members(self, tx: Tx, theme_pk: int, codes: Iterable[str]) -> list[str]:
        """Add codes (by id, alias or label) to a theme; returns the ids added (a code
        already a member is left as it is)."""
        conn = tx.conn
        cb = self.store.read_codebook(conn)
        ids = list(dict.fromkeys(resolve_code(cb, c) for c in codes))
        have = {
            pk
            for (pk,) in conn.execute(
                select(T_THEME_CODES.c.code_pk).where(T_THEME_CODES.c.theme_pk == theme_pk)
            )
        }
        position = len(have)
        added: list[str] = []
        pks = self.store.code_pks(conn)
        stamp = now()
        for code_id in ids:
            pk = pks[code_id]
            if pk in have:
                continue
            have.add(pk)
            tx.insert(
                T_THEME_CODES,
                {
                    "guid": new_guid(),
                    "theme_pk": theme_pk,
                    "code_pk": pk,
                    "position": position,
                    "coder": self.store.coder,
                    "created": stamp,
                },
            )
            position += 1
            added.append(code_id)
        return added

    # ------------------------------------------------------------------ themes

    def add_theme(
        self,
        label: Label,
        *,
        theme_id: str | None = None,
        parent: str | None = None,
        definition: str = "",
        codes: Sequence[str] = (),
        color: str | None = None,
        position: int | None = None,
    ) -> Theme:
        """Make a new theme (or a sub-theme of ``parent``), with member codes: one action.

        Args:
            label: its name, plain or by language.
            theme_id: its id (default: made from the label).
            parent: the theme it is a sub-theme of (id or label).
            definition: its central organising concept and boundaries.
            codes: member codes (ids, aliases or labels).
            color: ``#rrggbb`` for the map.
            position: its place among its siblings (default: last).

        Raises:
            InputError: an empty label, a taken or bad id, an unknown parent or code.
        """
        texts = [label] if isinstance(label, str) else list(label.values())
        if not texts or not all(t.strip() for t in texts):
            raise InputError(_("a theme needs a name"))
        shown = texts[0].strip()
        with self.store.write("theme.add", f"add theme {shown}") as tx:
            conn = tx.conn
            taken = {r.id for r in conn.execute(select(T_THEMES.c.id))}
            if theme_id is not None:
                check_theme_id(theme_id)
                if theme_id in taken:
                    raise InputError(
                        _("a theme with id {id!r} already exists").format(id=theme_id),
                        hint=_("choose another id"),
                    )
                new_id = theme_id
            else:
                new_id = free_id(slug(shown), taken)
            parent_pk = self._theme_row(conn, parent)["pk"] if parent else None
            siblings = self._siblings(conn, parent_pk)
            pk = tx.insert(
                T_THEMES,
                {
                    "guid": new_guid(),
                    "id": new_id,
                    "parent_pk": parent_pk,
                    "position": len(siblings),
                    "label": convert.label_to_db(
                        label.strip() if isinstance(label, str) else dict(label)
                    ),
                    "definition": definition.strip(),
                    "status": "candidate",
                    "reason": "",
                    "color": check_color(color) if color else None,
                    "coder": self.store.coder,
                    "created": now(),
                    "version": 1,
                },
            )
            if position is not None and position < len(siblings):
                ordered = list(siblings)
                ordered.insert(max(position, 0), pk)
                self._renumber(tx, parent_pk, ordered)
            added = self._add_members(tx, pk, codes)
            if added:
                tx.summary = f"add theme {shown} with " + plural(
                    len(added), "{n} code", "{n} codes"
                )
            theme = resolve_theme(read_themes(conn), new_id)
        return theme

    def rename_theme(self, name: str, text: str, *, lang: str | None = None) -> Theme:
        """Give a theme a new label, in one language (``lang``) or as its plain label.

        Raises:
            InputError: an empty label, an unknown theme.
        """
        text = text.strip()
        if not text:
            raise InputError(_("a theme needs a name"))
        with self.store.write("theme.edit", f"rename theme {name} to {text}") as tx:
            row = self._theme_row(tx.conn, name)
            current = convert.label_from_db(row["label"])
            label: Label
            if lang is None:
                if isinstance(current, dict) and len(current) > 1:
                    first = next(iter(current))
                    label = {**current, first: text}
                else:
                    label = text
            elif isinstance(current, dict):
                label = {**current, lang: text}
            else:
                label = {lang: text}
            self._edit_theme(tx, row, {"label": convert.label_to_db(label)})
            tx.summary = f"rename theme {row['id']} to {text}"
            theme = resolve_theme(read_themes(tx.conn), row["id"])
        return theme

    def define_theme(self, name: str, definition: str) -> Theme:
        """Write a theme's definition (its central organising concept and boundaries)."""
        with self.store.write("theme.edit", f"define theme {name}") as tx:
            row = self._theme_row(tx.conn, name)
            self._edit_theme(tx, row, {"definition": definition.strip()})
            tx.summary = f"define theme {row['id']}"
            theme = resolve_theme(read_themes(tx.conn), row["id"])
        return theme

    def set_theme_status(self, name: str, status: str, reason: str = "") -> Theme:
        """Set a theme's status; ``discarded`` needs a reason.

        Raises:
            InputError: an unknown status, or discarded without a reason.
        """
        status, reason = check_status(status, reason)
        with self.store.write("theme.status", f"set theme {name} {status}") as tx:
            row = self._theme_row(tx.conn, name)
            self._edit_theme(tx, row, {"status": status, "reason": reason})
            tx.summary = f"set theme {row['id']} {status}"
            theme = resolve_theme(read_themes(tx.conn), row["id"])
        return theme

    def move_theme(self, name: str, parent: str | None, *, position: int | None = None) -> Theme:
        """Make a theme a sub-theme of ``parent`` (``None``: a top-level theme), at
        sibling ``position`` (default: last).

        Raises:
            InputError: moving a theme under itself or one of its sub-themes.
        """
        where = parent or "the top level"
        with self.store.write("theme.move", f"move theme {name} under {where}") as tx:
            conn = tx.conn
            tree = read_themes(conn)
            row = self._theme_row(conn, name)
            new_parent = resolve_theme(tree, parent) if parent else None
            if new_parent is not None and (
                new_parent.id == row["id"] or new_parent.id in tree.descendants(row["id"])
            ):
                raise InputError(
                    _("cannot move theme {id!r} under its own sub-theme {parent!r}").format(
                        id=row["id"], parent=new_parent.id
                    )
                    if new_parent.id != row["id"]
                    else _("cannot move theme {id!r} under itself").format(id=row["id"])
                )
            parent_pk = self._theme_pks(conn)[new_parent.id] if new_parent else None
            old_parent = row["parent_pk"]
            if old_parent != parent_pk:
                tx.update(T_THEMES, {"pk": row["pk"]}, {"parent_pk": parent_pk})
                self._renumber(
                    tx, old_parent, [p for p in self._siblings(conn, old_parent) if p != row["pk"]]
                )
            ordered = [p for p in self._siblings(conn, parent_pk) if p != row["pk"]]
            at = len(ordered) if position is None else max(0, min(position, len(ordered)))
            ordered.insert(at, row["pk"])
            self._renumber(tx, parent_pk, ordered)
            fresh = dict(
                conn.execute(select(T_THEMES).where(T_THEMES.c.pk == row["pk"])).mappings().one()
            )
            tx.update(T_THEMES, {"pk": row["pk"]}, {"version": fresh["version"] + 1})
            tx.summary = f"move theme {row['id']} under {new_parent.id if new_parent else where}"
            theme = resolve_theme(read_themes(conn), row["id"])
        return theme

    def delete_theme(self, name: str) -> Theme:
        """Delete a theme: its member list, key extracts and relations go with it (the
        codes and codings stay); its sub-themes move up to its parent. One action,
        undone as one.

        Returns:
            The theme as it was.
        """
        with self.store.write("theme.delete", f"delete theme {name}") as tx:
            conn = tx.conn
            tree = read_themes(conn)
            row = self._theme_row(conn, name)
            theme = resolve_theme(tree, row["id"])
            children = self._siblings(conn, row["pk"])
            if children:
                siblings = self._siblings(conn, row["parent_pk"])
                at = siblings.index(row["pk"])
                for child in children:
                    tx.update(T_THEMES, {"pk": child}, {"parent_pk": row["parent_pk"]})
                ordered = siblings[:at] + children + siblings[at + 1 :]
            else:
                ordered = [p for p in self._siblings(conn, row["parent_pk"]) if p != row["pk"]]
            for member in conn.execute(
                select(T_THEME_CODES.c.pk, T_THEME_CODES.c.guid).where(
                    T_THEME_CODES.c.theme_pk == row["pk"]
                )
            ).all():
                tx.delete(T_THEME_CODES, {"pk": member.pk})
                self._tomb(tx, member.guid, "theme_code")
            for extract in conn.execute(
                select(T_THEME_EXTRACTS.c.pk, T_THEME_EXTRACTS.c.guid).where(
                    T_THEME_EXTRACTS.c.theme_pk == row["pk"]
                )
            ).all():
                tx.delete(T_THEME_EXTRACTS, {"pk": extract.pk})
                self._tomb(tx, extract.guid, "theme_extract")
            self._drop_relations(tx, "theme", row["guid"])
            tx.delete(T_THEMES, {"pk": row["pk"]})
            self._tomb(tx, row["guid"], "theme")
            self._renumber(tx, row["parent_pk"], [p for p in ordered if p != row["pk"]])
            tx.summary = f"delete theme {row['id']}"
        return theme

    def _drop_relations(self, tx: Tx, kind: str, guid: str) -> int:
        rows = tx.conn.execute(
            select(T_RELATIONS.c.pk, T_RELATIONS.c.guid).where(
                ((T_RELATIONS.c.source_kind == kind) & (T_RELATIONS.c.source_guid == guid))
                | ((T_RELATIONS.c.target_kind == kind) & (T_RELATIONS.c.target_guid == guid))
            )
        ).all()
        for r in rows:
            tx.delete(T_RELATIONS, {"pk": r.pk})
            self._tomb(tx, r.guid, "relation")
        return len(rows)

    # ------------------------------------------------------------------ members

    def add_theme_codes(self, name: str, codes: Sequence[str]) -> list[str]:
        """Put codes (ids, aliases or labels) into a theme: one action.

        Returns:
            The ids of the codes added (those already members are left out).

        Raises:
            InputError: an unknown or ambiguous theme or code; no codes given.
        """
        if not codes:
            raise InputError(_("name at least one code"))
        with self.store.write("theme.codes", f"add codes to theme {name}") as tx:
            row = self._theme_row(tx.conn, name)
            added = self._add_members(tx, row["pk"], codes)
            if added:
                tx.summary = f"add {', '.join(added)} to theme {row['id']}"
        return added

    def remove_theme_codes(self, name: str, codes: Sequence[str]) -> list[str]:
        """Take codes out of a theme: one action.

        Returns:
            The ids of the codes removed (those not members are left out).
        """
        if not codes:
            raise InputError(_("name at least one code"))
        with self.store.write("theme.codes", f"remove codes from theme {name}") as tx:
            conn = tx.conn
            row = self._theme_row(conn, name)
            cb = self.store.read_codebook(conn)
            ids = list(dict.fromkeys(resolve_code(cb, c) for c in codes))
            pks = self.store.code_pks(conn)
            removed: list[str] = []
            for code_id in ids:
                member = conn.execute(
                    select(T_THEME_CODES.c.pk, T_THEME_CODES.c.guid).where(
                        T_THEME_CODES.c.theme_pk == row["pk"],
                        T_THEME_CODES.c.code_pk == pks[code_id],
                    )
                ).first()
                if member is None:
                    continue
                tx.delete(T_THEME_CODES, {"pk": member.pk})
                self._tomb(tx, member.guid, "theme_code")
                removed.append(code_id)
            if removed:
                tx.summary = f"remove {', '.join(removed)} from theme {row['id']}"
        return removed

    def theme_with_codes(
        self,
        label: Label,
        codes: Sequence[str],
        *,
        parent: str | None = None,
        theme_id: str | None = None,
    ) -> Theme:
        """A new theme (or sub-theme of ``parent``) holding ``codes``: one action."""
        return self.add_theme(label, theme_id=theme_id, parent=parent, codes=codes)

    # ------------------------------------------------------------------ extracts

    def add_extracts(
        self, name: str, codings: Sequence[str], *, translation: str | None = None
    ) -> list[str]:
        """Make codings (by guid) key extracts of a theme, after its others: one action.

        Args:
            name: the theme.
            codings: coding guids.
            translation: the passage in another language (only with one coding).

        Returns:
            The guids added (those already extracts of the theme are left out, but
            their translation is set when one is given).

        Raises:
            InputError: an unknown coding guid; a translation for several codings.
        """
        if not codings:
            raise InputError(_("name at least one passage (a coding's guid)"))
        if translation is not None and len(codings) != 1:
            raise InputError(_("a translation is given for one passage at a time"))
        with self.store.write("theme.extracts", f"add key extracts to theme {name}") as tx:
            conn = tx.conn
            row = self._theme_row(conn, name)
            wanted = [g.strip().lower() for g in codings]
            known = {
                g
                for (g,) in conn.execute(
                    select(T_CODINGS.c.guid).where(T_CODINGS.c.guid.in_(wanted))
                )
            }
            missing = [g for g in wanted if g not in known]
            if missing:
                raise NotFoundError(
                    plural(
                        len(missing),
                        "no passage (coding) with guid {guids}",
                        "no passages (codings) with guids {guids}",
                        guids=", ".join(missing),
                    ),
                    hint=_("'qualcode codings --json' shows each coding's guid"),
                )
            current = {
                r.coding_guid: r
                for r in conn.execute(
                    select(
                        T_THEME_EXTRACTS.c.pk,
                        T_THEME_EXTRACTS.c.coding_guid,
                        T_THEME_EXTRACTS.c.translation,
                    ).where(T_THEME_EXTRACTS.c.theme_pk == row["pk"])
                )
            }
            position = len(current)
            added: list[str] = []
            stamp = now()
            for guid in dict.fromkeys(wanted):
                if guid in current:
                    if translation is not None:
                        tx.update(
                            T_THEME_EXTRACTS,
                            {"pk": current[guid].pk},
                            {"translation": translation.strip()},
                        )
                    continue
                tx.insert(
                    T_THEME_EXTRACTS,
                    {
                        "guid": new_guid(),
                        "theme_pk": row["pk"],
                        "coding_guid": guid,
                        "position": position,
                        "translation": (translation or "").strip(),
                        "coder": self.store.coder,
                        "created": stamp,
                    },
                )
                position += 1
                added.append(guid)
            tx.summary = f"add {plural(len(added), '{n} key extract', '{n} key extracts')} to theme {row['id']}"
        return added

    def remove_extracts(self, name: str, codings: Sequence[str]) -> list[str]:
        """Take key extracts (by coding guid) off a theme: one action.

        Returns:
            The guids removed (those not extracts of the theme are left out).
        """
        if not codings:
            raise InputError(_("name at least one passage (a coding's guid)"))
        with self.store.write("theme.extracts", f"remove key extracts from theme {name}") as tx:
            conn = tx.conn
            row = self._theme_row(conn, name)
            removed: list[str] = []
            for guid in dict.fromkeys(g.strip().lower() for g in codings):
                ext = conn.execute(
                    select(T_THEME_EXTRACTS.c.pk, T_THEME_EXTRACTS.c.guid).where(
                        T_THEME_EXTRACTS.c.theme_pk == row["pk"],
                        T_THEME_EXTRACTS.c.coding_guid == guid,
                    )
                ).first()
                if ext is None:
                    continue
                tx.delete(T_THEME_EXTRACTS, {"pk": ext.pk})
                self._tomb(tx, ext.guid, "theme_extract")
                removed.append(guid)
            self._renumber_extracts(tx, row["pk"], None)
            tx.summary = f"remove {plural(len(removed), '{n} key extract', '{n} key extracts')} from theme {row['id']}"
        return removed

    def order_extracts(self, name: str, codings: Sequence[str]) -> list[str]:
        """Put a theme's key extracts in this order (coding guids); extracts not named
        keep their order after those named: one action.

        Raises:
            InputError: a guid that is not a key extract of the theme.
        """
        with self.store.write("theme.extracts", f"order key extracts of theme {name}") as tx:
            row = self._theme_row(tx.conn, name)
            order = self._renumber_extracts(tx, row["pk"], [g.strip().lower() for g in codings])
            tx.summary = f"order key extracts of theme {row['id']}"
        return order

    def _renumber_extracts(self, tx: Tx, theme_pk: int, first: list[str] | None) -> list[str]:
        rows = tx.conn.execute(
            select(T_THEME_EXTRACTS.c.pk, T_THEME_EXTRACTS.c.coding_guid)
            .where(T_THEME_EXTRACTS.c.theme_pk == theme_pk)
            .order_by(T_THEME_EXTRACTS.c.position, T_THEME_EXTRACTS.c.pk)
        ).all()
        by_guid = {r.coding_guid: r.pk for r in rows}
        first = list(dict.fromkeys(first or []))
        unknown = [g for g in first if g not in by_guid]
        if unknown:
            raise InputError(
                plural(
                    len(unknown),
                    "{guids} is not a key extract of this theme",
                    "{guids} are not key extracts of this theme",
                    guids=", ".join(unknown),
                ),
                hint=_("'qualcode themes --json' lists each theme's extracts"),
            )
        order = first + [r.coding_guid for r in rows if r.coding_guid not in first]
        for position, guid in enumerate(order):
            tx.update(T_THEME_EXTRACTS, {"pk": by_guid[guid]}, {"position": position})
        return order

    # ------------------------------------------------------------------ relations

    def add_relation(
        self,
        source: str | Node,
        target: str | Node,
        rel_type: str,
        *,
        memo: str = "",
        directed: bool | None = None,
    ) -> Relation:
        """Relate two of code, theme, passage and document: one action.

        Args:
            source: a :class:`Node`, or its command-line name (see :meth:`resolve_node`).
            target: the same for the other end.
            rel_type: a relation type's id or label (the codebook's vocabulary).
            memo: why.
            directed: override the type's direction.

        Raises:
            InputError: an unknown or ambiguous end or type; an end related to itself.
        """
        with self.store.write("relation.add", "add relation") as tx:
            conn = tx.conn
            types = self._relation_types(conn)
            kind = relation_type(types, rel_type)
            a = source if isinstance(source, Node) else self._resolve_node(conn, source)
            b = target if isinstance(target, Node) else self._resolve_node(conn, target)
            if (a.kind, a.guid) == (b.kind, b.guid):
                raise InputError(_("a relation joins two different things"))
            is_directed = kind.directed if directed is None else directed
            stamp = now()
            pk = tx.insert(
                T_RELATIONS,
                {
                    "guid": new_guid(),
                    "source_kind": a.kind,
                    "source_guid": a.guid,
                    "target_kind": b.kind,
                    "target_guid": b.guid,
                    "type": kind.id,
                    "directed": is_directed,
                    "memo": memo.strip(),
                    "coder": self.store.coder,
                    "created": stamp,
                },
            )
            row = conn.execute(select(T_RELATIONS).where(T_RELATIONS.c.pk == pk)).mappings().one()
            names = self._node_names(conn, [row])
            made = _relation(row, names)
            tx.summary = f"relate {self._said(conn, made)}"
        return made

    def delete_relation(
        self, ref: str, target: str | None = None, rel_type: str | None = None
    ) -> Relation:
        """Delete one relation: one action (``qualcode undo`` brings it back).

        Args:
            ref: the relation's GUID (or the start of it, as ``relations --json``
                shows it); with ``target``, the relation's first end instead.
            target: the other end (see :meth:`resolve_node`); an undirected
                relation matches either way round.
            rel_type: narrows the relations between the two ends to one type.

        Raises:
            InputError: no such relation, or more than one (give ``rel_type``).
        """
        with self.store.write("relation.delete", "delete relation") as tx:
            conn = tx.conn
            row = self._relation_row(conn, ref, target, rel_type)
            names = self._node_names(conn, [row])
            gone = _relation(row, names)
            tx.delete(T_RELATIONS, {"pk": row["pk"]})
            self._tomb(tx, row["guid"], "relation")
            tx.summary = f"delete relation {self._said(conn, gone)}"
        return gone

    def _said(self, conn: Connection, r: Relation) -> str:
        """A relation for the log: ``'Biaya' -> theme 'Menunggu' (mengarah ke)``, codes
        and themes by label, the type by its label (the codebook's first language)."""
        cb = self.store.read_codebook(conn)
        lang = cb.languages[0] if cb.languages else None
        themes = {t.guid: t for t in read_themes(conn).themes}

        def end(node: Node) -> str:
            if node.kind == "code" and node.name in cb:
                return repr(cb[node.name].label_in(lang))
            if node.kind == "theme" and node.guid in themes:
                return f"theme {themes[node.guid].label_in(lang)!r}"
            return node.describe()

        kind = next((t for t in self._relation_types(conn) if t.id == r.type), None)
        words = kind.label_in(lang) if kind else r.type
        arrow = "->" if r.directed else "<->"
        return f"{end(r.source)} {arrow} {end(r.target)} ({words})"

    def _relation_row(
        self, conn: Connection, ref: str, target: str | None, rel_type: str | None
    ) -> Any:
        """The one relation a person names (see :meth:`delete_relation`)."""
        if target is None:
            wanted = ref.strip().lower()
            rows = (
                conn.execute(
                    select(T_RELATIONS).where(
                        T_RELATIONS.c.guid.startswith(wanted, autoescape=True)
                    )
                )
                .mappings()
                .all()
                if len(wanted) >= 4
                else []
            )
            if len(rows) != 1:
                raise InputError(
                    _("no relation {ref!r}").format(ref=ref)
                    if not rows
                    else _("{ref!r} starts more than one relation's GUID").format(ref=ref),
                    hint=_(
                        "name it by its GUID from 'qualcode relations --json', "
                        "or by its ends: 'qualcode relations delete A B [--type TYPE]'"
                    ),
                )
            return rows[0]
        a = self._resolve_node(conn, ref)
        b = self._resolve_node(conn, target)
        kind = relation_type(self._relation_types(conn), rel_type) if rel_type else None
        c = T_RELATIONS.c
        forward = (
            (c.source_kind == a.kind)
            & (c.source_guid == a.guid)
            & (c.target_kind == b.kind)
            & (c.target_guid == b.guid)
        )
        backward = (
            (c.source_kind == b.kind)
            & (c.source_guid == b.guid)
            & (c.target_kind == a.kind)
            & (c.target_guid == a.guid)
            & c.directed.is_(False)
        )
        stmt = select(T_RELATIONS).where(forward | backward)
        if kind is not None:
            stmt = stmt.where(c.type == kind.id)
        rows = conn.execute(stmt.order_by(c.pk)).mappings().all()
        if not rows:
            raise InputError(
                _("no relation between {a} and {b}").format(a=a.describe(), b=b.describe())
                if kind is None
                else _("no relation {type} between {a} and {b}").format(
                    type=kind.id, a=a.describe(), b=b.describe()
                ),
                hint=_("'qualcode relations' lists them"),
            )
        if len(rows) > 1:
            raise InputError(
                _("{a} and {b} have more than one relation: {types}").format(
                    a=a.describe(), b=b.describe(), types=", ".join(r["type"] for r in rows)
                ),
                hint=_(
                    "say which with --type TYPE, or give the GUID from 'qualcode relations --json'"
                ),
            )
        return rows[0]

    def relations_of(self, node: Node) -> list[Relation]:
        """The relations that touch ``node`` (either end), oldest first."""
        return [
            r
            for r in self.relations()
            if (r.source.kind, r.source.guid) == (node.kind, node.guid)
            or (r.target.kind, r.target.guid) == (node.kind, node.guid)
        ]


def _relation(row: Any, names: dict[tuple[str, str], str]) -> Relation:
    return Relation(
        guid=row["guid"],
        source=Node(
            row["source_kind"],
            row["source_guid"],
            names.get((row["source_kind"], row["source_guid"]), ""),
        ),
        target=Node(
            row["target_kind"],
            row["target_guid"],
            names.get((row["target_kind"], row["target_guid"]), ""),
        ),
        type=row["type"],
        directed=bool(row["directed"]),
        memo=row["memo"] or "",
        coder=row["coder"],
        created=row["created"],
    )
