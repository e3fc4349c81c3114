"""The thematic map's stored data: vertex positions, and the themes and relations as
they stood at a past time, rebuilt from the action log (``map --at DATE``).

Positions live in the project setting ``map.positions`` (``{node key: [x, y]}``),
written in one action, so they too are undone, merged and replayed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from qualcode.core.themes import KeyExtract, Node, Relation, Theme, ThemeTree, theme_tree_order
from qualcode.store import convert
from qualcode.store.base import (
    T_ACTIONS,
    T_CODES,
    T_CODINGS,
    T_DOCS,
    T_RELATIONS,
    T_THEME_CODES,
    T_THEME_EXTRACTS,
    T_THEMES,
    ProjectBase,
)

POSITIONS_KEY = "map.positions"
"""The project setting holding the map's stored vertex positions."""

_REPLAYED = ("themes", "theme_codes", "theme_extracts", "relations", "codes", "settings")


@dataclass(frozen=True)
class PastMap:
    """The themes and relations as they stood at a time.

    Attributes:
        at: the time (UTC, ``YYYY-MM-DDTHH:MM:SSZ``).
        tree: the themes then.
        relations: the relations then.
        positions: the stored positions then.
        actions: how many logged actions the state was rebuilt from.
        unlogged: rows brought in by an action that does not log its rows (a project
            merge, a REFI-QDA import), dated by their creation time instead.
    """

    at: str
    tree: ThemeTree
    relations: tuple[Relation, ...]
    positions: dict[str, tuple[float, float]]
    actions: int
    unlogged: int


def _positions(value: Any) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, list | tuple) and len(v) == 2:
                try:
                    out[str(k)] = (float(v[0]), float(v[1]))
                except (TypeError, ValueError):
                    continue
    return out


class ThematicMap:
    """The map's positions and its history."""

    def __init__(self, store: ProjectBase) -> None:
        self.store = store

    def map_positions(self) -> dict[str, tuple[float, float]]:
        """Stored vertex positions by node key (``theme:ID``, ``code:ID``, ...)."""
        return _positions(self.store.get_setting(POSITIONS_KEY, {}))

    def code_guids(self) -> dict[str, str]:
        """Every code's GUID by its id."""
        with self.store.read() as conn:
            return {r.id: r.guid for r in conn.execute(select(T_CODES.c.id, T_CODES.c.guid))}

    def codings_by_code(self, *, until: str | None = None) -> dict[str, list[str]]:
        """The GUIDs of every accepted coding by code id (created by ``until``, when
        given): what the map's node sizes count."""
        query = (
            select(T_CODES.c.id, T_CODINGS.c.guid)
            .join(T_CODES, T_CODES.c.pk == T_CODINGS.c.code_pk)
            .where(T_CODINGS.c.status == "accepted")
        )
        if until is not None:
            query = query.where(T_CODINGS.c.created <= until)
        out: dict[str, list[str]] = {}
        with self.store.read() as conn:
            for code_id, guid in conn.execute(query):
                out.setdefault(code_id, []).append(guid)
        return out

    def map_at(self, at: str) -> PastMap:
        """The themes, relations and positions as they stood at ``at`` (UTC,
        ``YYYY-MM-DDTHH:MM:SSZ``), rebuilt by replaying the action log's row changes of
        every action logged up to then (undo and redo included: they log theirs).

        Rows that no logged action wrote (a project merge or a REFI-QDA import brings
        them without row images) are taken from the current tables when created by
        then, and counted in :attr:`PastMap.unlogged`.
        """
        with self.store.read() as conn:
            code_ids = {r.pk: r.id for r in conn.execute(select(T_CODES.c.pk, T_CODES.c.id))}
            past = _Replay(code_ids)
            for (payload,) in conn.execute(
                select(T_ACTIONS.c.payload).where(T_ACTIONS.c.at <= at).order_by(T_ACTIONS.c.seq)
            ):
                past.action(payload)
            unlogged = past.add_unlogged(conn, at)
            names = self._past_names(conn, past.tables["relations"].values(), past.tables["themes"])
        tables = past.tables
        relations = tuple(
            _past_relation(r, names) for _pk, r in sorted(tables["relations"].items())
        )
        setting = tables["settings"].get(POSITIONS_KEY)
        positions = _positions(json.loads(setting["value"])) if setting else {}
        return PastMap(at, past.tree(), relations, positions, past.count, unlogged)

    def _past_names(
        self, conn: Any, relations: Any, themes: Mapping[int, dict[str, Any]]
    ) -> dict[tuple[str, str], str]:
        from qualcode.core.themes import passage_name

        wanted: dict[str, set[str]] = {}
        for r in relations:
            wanted.setdefault(r["source_kind"], set()).add(r["source_guid"])
            wanted.setdefault(r["target_kind"], set()).add(r["target_guid"])
        out: dict[tuple[str, str], str] = {}
        for t in themes.values():
            out[("theme", t["guid"])] = t["id"]
        tables = {
            "code": (T_CODES, T_CODES.c.id),
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


__all__ = ["POSITIONS_KEY", "ThematicMap", "PastMap"]


class _Replay:
    """The theme tables rebuilt from the action log's row changes, action by action."""

    def __init__(self, code_ids: dict[int, str]) -> None:
        self.tables: dict[str, dict[Any, dict[str, Any]]] = {t: {} for t in _REPLAYED}
        self.code_ids = code_ids
        self.seen_guids: set[str] = set()
        self.count = 0
        """The actions that touched a replayed table."""

    def action(self, payload: Any) -> None:
        """Replay one logged action (its payload's ``changes``)."""
        try:
            changes = json.loads(payload).get("changes", [])
        except (ValueError, AttributeError):
            return
        touched = False
        for ch in changes:
            if ch.get("t") in self.tables:
                touched = True
                self._change(ch)
        self.count += touched

    def _change(self, ch: dict[str, Any]) -> None:
        t = ch["t"]
        rows = self.tables[t]
        key_col = "key" if t == "settings" else "pk"
        op = ch.get("op")
        if op == "insert":
            row = dict(ch["row"])
            rows[row[key_col]] = row
            self._seen(row)
            if t == "codes":
                self.code_ids[row["pk"]] = row["id"]
        elif op == "delete":
            row = ch["row"]
            rows.pop(row[key_col], None)
            self._seen(row)
            if t == "themes":  # its members and extracts go with it
                self._drop_theme_rows(row["pk"])
        elif op == "update":
            k = ch["key"][key_col]
            if k in rows:
                rows[k].update(ch["after"])
            if t == "codes" and "id" in ch["after"]:
                self.code_ids[k] = ch["after"]["id"]

    def _seen(self, row: dict[str, Any]) -> None:
        if "guid" in row:
            self.seen_guids.add(str(row["guid"]))

    def _drop_theme_rows(self, theme_pk: int) -> None:
        for sub in ("theme_codes", "theme_extracts"):
            rows = self.tables[sub]
            for k in [k for k, r in rows.items() if r["theme_pk"] == theme_pk]:
                del rows[k]

    def add_unlogged(self, conn: Any, at: str) -> int:
        """Add the rows no logged action wrote (merges, REFI-QDA imports), by creation
        time; returns how many."""
        unlogged = 0
        for name, table in (
            ("themes", T_THEMES),
            ("theme_codes", T_THEME_CODES),
            ("theme_extracts", T_THEME_EXTRACTS),
            ("relations", T_RELATIONS),
        ):
            for found in conn.execute(select(table).where(table.c.created <= at)).mappings():
                if found["guid"] in self.seen_guids or found["pk"] in self.tables[name]:
                    continue
                self.tables[name][found["pk"]] = dict(found)
                unlogged += 1
        return unlogged

    def tree(self) -> ThemeTree:
        """The themes as replayed, with their codes and key extracts."""
        themes = self.tables["themes"]
        id_by_pk = {pk: r["id"] for pk, r in themes.items()}
        codes: dict[int, list[tuple[int, int, str]]] = {}
        for r in self.tables["theme_codes"].values():
            if r["code_pk"] in self.code_ids and r["theme_pk"] in themes:
                codes.setdefault(r["theme_pk"], []).append(
                    (r.get("position", 0), r["pk"], self.code_ids[r["code_pk"]])
                )
        extracts: dict[int, list[KeyExtract]] = {}
        for r in sorted(
            self.tables["theme_extracts"].values(), key=lambda r: (r.get("position", 0), r["pk"])
        ):
            extracts.setdefault(r["theme_pk"], []).append(
                KeyExtract(
                    guid=r["guid"],
                    coding=r["coding_guid"],
                    position=r.get("position", 0),
                    translation=r.get("translation") or "",
                    coder=r.get("coder", ""),
                )
            )
        return ThemeTree(
            tuple(
                theme_tree_order(
                    [
                        _past_theme(
                            r,
                            id_by_pk,
                            tuple(c for _p, _k, c in sorted(codes.get(pk, []))),
                            tuple(extracts.get(pk, ())),
                        )
                        for pk, r in sorted(themes.items())
                    ]
                )
            )
        )


def _past_theme(
    r: dict[str, Any],
    id_by_pk: dict[int, str],
    codes: tuple[str, ...],
    extracts: tuple[KeyExtract, ...],
) -> Theme:
    return Theme(
        guid=r["guid"],
        id=r["id"],
        label=convert.label_from_db(r["label"]),
        definition=r.get("definition") or "",
        status=r.get("status") or "candidate",
        reason=r.get("reason") or "",
        parent=id_by_pk.get(r["parent_pk"]) if r.get("parent_pk") else None,
        position=r.get("position", 0),
        codes=codes,
        extracts=extracts,
        color=r.get("color"),
        created=r.get("created", ""),
        coder=r.get("coder", ""),
        version=r.get("version", 1),
    )


def _past_relation(r: dict[str, Any], names: dict[tuple[str, str], str]) -> Relation:
    return Relation(
        guid=r["guid"],
        source=Node(
            r["source_kind"],
            r["source_guid"],
            names.get((r["source_kind"], r["source_guid"]), ""),
        ),
        target=Node(
            r["target_kind"],
            r["target_guid"],
            names.get((r["target_kind"], r["target_guid"]), ""),
        ),
        type=r["type"],
        directed=bool(r["directed"]),
        memo=r.get("memo") or "",
        coder=r.get("coder", ""),
        created=r.get("created", ""),
    )
