"""Themes and relations: the layer of a thematic analysis over the codes.

A theme is not a code: it groups codes (a code may serve several candidate themes),
has a definition (its central organising concept and its boundaries), a status in
its life (candidate, reviewed, final, or discarded with a reason), sub-themes, and
key extracts (codings chosen to illustrate it, in order, each with an optional
translation). Relations are typed edges between any two of a code, a theme, a
passage (a coding) and a document, directed or not, each with a memo; their
vocabulary (:class:`RelationType`) lives in the codebook YAML (``relations:``) and
defaults to :data:`DEFAULT_RELATION_TYPES`.

Every object has a GUID (so project merges and REFI-QDA match it) and the store
keeps tombstones and action-log entries for it like for codes and codings. A map
(issue 20) places a :class:`Node` (``kind`` + ``guid``) at a position; nodes are the
same endpoints relations use.

This module is pure: no database, no YAML, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from qualcode.core.codebook import (
    DEFAULT_RELATION_TYPES,
    VALENCES,
    Label,
    RelationType,
    label_text,
    relations_from_data,
)
from qualcode.errors import InputError
from qualcode.i18n import N_, _

THEME_STATUSES = ("candidate", "reviewed", "final", "discarded")
"""A theme's life: a candidate, checked against the data (reviewed), named and defined
for the write-up (final), or given up (discarded, with the reason why)."""

STATUS_WORDS = {
    "candidate": N_("candidate"),
    "reviewed": N_("reviewed"),
    "final": N_("final"),
    "discarded": N_("discarded"),
}
"""The statuses in words (translated with :func:`~qualcode.i18n._` when shown)."""

NODE_KINDS = ("code", "theme", "passage", "document")
"""What a relation joins (and what a map places): a passage is one coding."""

DIRECTIONS = ("directed", "undirected")
"""How a relation type reads: from source to target, or both ways alike."""

THEME_ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,199}\Z")
"""A theme id: like a code id (letters, digits, ``_ . -``, no spaces)."""


@dataclass(frozen=True)
class KeyExtract:
    """A coding chosen to illustrate a theme.

    Attributes:
        guid: the extract's own GUID (merges and tombstones).
        coding: the GUID of the coding (the passage).
        position: its place among the theme's extracts (0 first).
        translation: the passage in another language (for a thesis written in it).
        coder: who chose it.
    """

    guid: str
    coding: str
    position: int = 0
    translation: str = ""
    coder: str = ""


@dataclass(frozen=True)
class Theme:
    """A theme of a thematic analysis.

    Attributes:
        guid: the stable GUID.
        id: a stable short name (``waiting``), like a code id; never changes on rename.
        label: its name, plain or by language (``{"id": ..., "en": ...}``).
        definition: the central organising concept and the theme's boundaries.
        status: one of :data:`THEME_STATUSES`.
        reason: why it was discarded (required for ``discarded``), or a note on the status.
        parent: the id of the theme it is a sub-theme of, ``None`` at the top.
        position: its place among its siblings.
        codes: ids of its member codes, in the order they were added.
        extracts: its key extracts, in order.
        color: ``#rrggbb`` for the map, or ``None``.
        created: when it was made.
        coder: who made it.
        version: bumped by every change (optimistic concurrency).
    """

    guid: str
    id: str
    label: Label
    definition: str = ""
    status: str = "candidate"
    reason: str = ""
    parent: str | None = None
    position: int = 0
    codes: tuple[str, ...] = ()
    extracts: tuple[KeyExtract, ...] = ()
    color: str | None = None
    created: str = ""
    coder: str = ""
    version: int = 1

    def label_in(self, lang: str | None = None) -> str:
        """The label in ``lang`` (or the first one given)."""
        return label_text(self.label, lang)

    def labels(self) -> dict[str, str]:
        """Every translation (a plain label appears under ``"*"``)."""
        if isinstance(self.label, str):
            return {"*": self.label}
        return dict(self.label)


@dataclass(frozen=True)
class Node:
    """One end of a relation (or a vertex of the map).

    Attributes:
        kind: one of :data:`NODE_KINDS`.
        guid: the GUID of the code, theme, coding or document.
        name: how a person reads it: a code's or theme's id, a document's name, a
            passage's first words (empty when the object is gone).
    """

    kind: str
    guid: str
    name: str = ""

    def describe(self) -> str:
        """``theme waiting``, ``passage "Saya datang jam..."``, ``document A.txt``."""
        word = _(self.kind)
        if not self.name:
            return _("{kind} (deleted)").format(kind=word)
        if self.kind == "passage":
            return f'{word} "{self.name}"'
        return f"{word} {self.name}"


@dataclass(frozen=True)
class Relation:
    """A typed edge between two nodes.

    Attributes:
        guid: the stable GUID.
        source: where it starts.
        target: where it ends.
        type: the id of its :class:`RelationType`.
        directed: whether it reads from source to target only.
        memo: why the researcher drew it.
        coder: who drew it.
        created: when.
    """

    guid: str
    source: Node
    target: Node
    type: str
    directed: bool = True
    memo: str = ""
    coder: str = ""
    created: str = ""


@dataclass(frozen=True)
class ThemeTree:
    """Every theme of a project in tree order (parents first, siblings by position).

    Attributes:
        themes: the themes.
    """

    themes: tuple[Theme, ...] = ()
    _by_id: dict[str, Theme] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({t.id: t for t in self.themes})

    def __len__(self) -> int:
        return len(self.themes)

    def __iter__(self) -> Any:
        return iter(self.themes)

    def get(self, theme_id: str) -> Theme | None:
        """The theme with this id, or ``None``."""
        return self._by_id.get(theme_id)

    def children(self, theme_id: str | None) -> list[Theme]:
        """The sub-themes of ``theme_id`` (``None``: the top-level themes), in order."""
        return [t for t in self.themes if t.parent == theme_id]

    def descendants(self, theme_id: str) -> list[str]:
        """Ids of every theme below ``theme_id``."""
        out: list[str] = []
        todo = [theme_id]
        while todo:
            current = todo.pop()
            for child in self.children(current):
                if child.id not in out:
                    out.append(child.id)
                    todo.append(child.id)
        return out

    def depth(self, theme_id: str) -> int:
        """0 for a top-level theme, 1 for its sub-themes, ..."""
        n = 0
        current = self.get(theme_id)
        seen: set[str] = set()
        while current is not None and current.parent is not None and current.id not in seen:
            seen.add(current.id)
            n += 1
            current = self.get(current.parent)
        return n

    def themes_of(self, code_id: str) -> list[Theme]:
        """The themes a code is a member of."""
        return [t for t in self.themes if code_id in t.codes]


def theme_tree_order(themes: list[Theme]) -> list[Theme]:
    """Parents before their children, siblings by position then id."""
    by_parent: dict[str | None, list[Theme]] = {}
    ids = {t.id for t in themes}
    for t in themes:
        parent = t.parent if t.parent in ids else None
        by_parent.setdefault(parent, []).append(t)
    out: list[Theme] = []
    seen: set[str] = set()

    def walk(parent: str | None) -> None:
        for t in sorted(by_parent.get(parent, []), key=lambda x: (x.position, x.id)):
            if t.id in seen:
                continue
            seen.add(t.id)
            out.append(t)
            walk(t.id)

    walk(None)
    # a cycle (never written by qualcode, but a hand-edited file may hold one)
    out.extend(t for t in themes if t.id not in seen)
    return out


def check_status(status: str, reason: str) -> tuple[str, str]:
    """A valid (status, reason) pair.

    Raises:
        InputError: an unknown status, or ``discarded`` without a reason.
    """
    status = status.strip().lower()
    if status not in THEME_STATUSES:
        raise InputError(
            _("unknown theme status {status!r}").format(status=status),
            hint=_("use one of: {statuses}").format(statuses=", ".join(THEME_STATUSES)),
        )
    reason = reason.strip()
    if status == "discarded" and not reason:
        raise InputError(
            _("a theme is discarded with a reason"),
            hint=_("say why: --reason TEXT"),
        )
    return status, reason


def check_theme_id(theme_id: str) -> str:
    """A valid theme id.

    Raises:
        InputError: empty, with spaces, or too long.
    """
    if not THEME_ID_RE.match(theme_id):
        raise InputError(
            _("bad theme id {id!r}").format(id=theme_id),
            hint=_("use letters, digits, '_', '-' and '.', no spaces"),
        )
    return theme_id


def slug(text: str) -> str:
    """A theme id made from a label: ``Waktu tunggu lama`` -> ``waktu_tunggu_lama``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^A-Za-z0-9]+", "_", ascii_text).strip("_").lower()
    return out[:60].rstrip("_") or "theme"


def free_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3``, ... whichever is not taken."""
    if base not in taken:
        return base
    n = 2
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


def relation_type(types: tuple[RelationType, ...], name: str) -> RelationType:
    """The relation type named by id or by a label in any language (case-insensitive).

    Raises:
        InputError: no type of that name.
    """
    wanted = name.strip().casefold()
    for t in types:
        if t.id.casefold() == wanted:
            return t
    for t in types:
        labels = [t.label] if isinstance(t.label, str) else list(t.label.values())
        if any(label.casefold() == wanted for label in labels):
            return t
    raise InputError(
        _("unknown relation type {name!r}").format(name=name),
        hint=_("use one of: {types}").format(types=", ".join(t.id for t in types)),
    )


def passage_name(quote: str, words: int = 6) -> str:
    """A passage as a person names it: its first words (``Saya datang jam tujuh...``)."""
    parts = quote.split()
    text = " ".join(parts[:words])
    return text + ("..." if len(parts) > words else "")


def relation_types_from_data(data: Any) -> tuple[RelationType, ...]:
    """Build the vocabulary from validated ``relations:`` data (``None``: the default)."""
    found = relations_from_data(data)
    return found if found is not None else DEFAULT_RELATION_TYPES


def _labels_of(label: Label) -> list[str]:
    return [label] if isinstance(label, str) else list(label.values())


def resolve_theme(tree: ThemeTree, name: str) -> Theme:
    """The theme ``name`` names: its id, or its label in either language
    (case-insensitive); an id wins over a label.

    Raises:
        InputError: no theme of that name, or a label several themes carry.
    """
    exact = tree.get(name)
    if exact is not None:
        return exact
    wanted = name.strip().casefold()
    by_id = [t for t in tree.themes if t.id.casefold() == wanted]
    if len(by_id) == 1:
        return by_id[0]
    found = [t for t in tree.themes if any(x.casefold() == wanted for x in _labels_of(t.label))]
    if len(found) == 1:
        return found[0]
    if found:
        raise InputError(
            _("{n} themes are named {name!r}: {ids}").format(
                n=len(found), name=name, ids=", ".join(t.id for t in found)
            ),
            hint=_("name the theme by its id"),
        )
    raise InputError(
        _("unknown theme {name!r}").format(name=name),
        hint=_("'qualcode themes' lists the themes"),
    )


def resolve_code(codes: Any, name: str) -> str:
    """The id of the code ``name`` names in a codebook: its id or an alias, or its
    label in either language (case-insensitive).

    Args:
        codes: a :class:`~qualcode.core.codebook.Codebook`.
        name: what the person typed.

    Raises:
        InputError: no code of that name, or a label several codes carry.
    """
    code = codes.get(name)
    if code is not None:
        return str(code.id)
    wanted = name.strip().casefold()
    by_id = [c for c in codes.codes if c.id.casefold() == wanted]
    if len(by_id) == 1:
        return str(by_id[0].id)
    found = [c for c in codes.codes if any(x.casefold() == wanted for x in _labels_of(c.label))]
    if len(found) == 1:
        return str(found[0].id)
    if found:
        raise InputError(
            _("{n} codes are named {name!r}: {ids}").format(
                n=len(found), name=name, ids=", ".join(c.id for c in found)
            ),
            hint=_("name the code by its id"),
        )
    raise InputError(
        _("unknown code {name!r}").format(name=name),
        hint=_("'qualcode codebook show' lists the codes"),
    )


NODE_PREFIXES = {
    "code": "code",
    "theme": "theme",
    "passage": "passage",
    "coding": "passage",
    "doc": "document",
    "document": "document",
}
"""The prefixes of a node on the command line (``theme:NAME``, ``doc:NAME``,
``passage:GUID``); a plain name is a code, else a theme."""


def split_node(spec: str) -> tuple[str | None, str]:
    """``theme:Waiting`` -> ``("theme", "Waiting")``; a plain name -> ``(None, name)``.

    A prefix is recognised only when it is one of :data:`NODE_PREFIXES`, so a code id
    holding a colon still works plainly.
    """
    head, sep, rest = spec.partition(":")
    if sep and head.strip().lower() in NODE_PREFIXES and rest.strip():
        return NODE_PREFIXES[head.strip().lower()], rest.strip()
    return None, spec.strip()


__all__ = [
    "DEFAULT_RELATION_TYPES",
    "DIRECTIONS",
    "NODE_KINDS",
    "NODE_PREFIXES",
    "STATUS_WORDS",
    "THEME_STATUSES",
    "VALENCES",
    "KeyExtract",
    "Node",
    "Relation",
    "RelationType",
    "Theme",
    "ThemeTree",
    "check_status",
    "check_theme_id",
    "free_id",
    "passage_name",
    "relation_type",
    "relation_types_from_data",
    "resolve_code",
    "resolve_theme",
    "slug",
    "split_node",
    "theme_tree_order",
]
