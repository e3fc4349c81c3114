"""Merging codebooks on stable ids: three-way against a common ancestor, or two-way.

Codes are matched by id, and through ``aliases`` when one side gave a code a new
id. With a base (the common ancestor) every field is merged three ways:

* a change made on one side only is taken;
* the same change made on both sides is taken once;
* different changes to the same field, a delete on one side against an edit on the
  other, and the same new id added on both sides with different content are
  **conflicts**: the result keeps our value and the conflict lists base, ours and
  theirs, so that the writer can leave it in the file for a person to resolve. A
  conflicted id, parent or key is the exception: it holds the base id, the base parent
  (or the top level) and no key until resolved, so that which side is "ours" never
  changes the shape of the tree or which codes collide (swapping the sides swaps only
  the sides of the conflicts).

List fields (examples, aliases, auto-coding keywords and phrases per language) are
merged item by item and never conflict: an item removed on one side goes, an item
added on either side comes. Without a base the merge is a two-way union: every code
of both sides is kept, a field set on one side only is taken, and every difference
is reported (two different values of one field are a conflict).

The result is always a structurally valid codebook (unique ids, keys and aliases,
known parents, no cycles): whatever would break it is turned into a conflict too
(two codes given one key, one id used for two codes, a parent deleted on one side
while the other added a sub-code under it, two moves that make a cycle). No code of
either side is ever dropped without a trace: a code is gone from the result only
when one side deleted it and the other left it unchanged, and that deletion is in
:attr:`MergeResult.changes`.

This module is pure: no YAML, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qualcode.core.codebook import (
    Code,
    Codebook,
    Label,
    RelationType,
    Rules,
    relations_to_data,
)
from qualcode.core.diff import (
    TEXT_FIELDS,
    code_fields,
    default_of,
    describe_value,
    is_list_field,
    plain,
    rules_from_fields,
)
from qualcode.core.neardup import DEFAULT_THRESHOLD, NearDuplicate, find_near_duplicates
from qualcode.i18n import N_, _, plural

OURS = "ours"
THEIRS = "theirs"
BOTH = "both"

_SUB_CODE_KEPT_IT = {
    (OURS, THEIRS): N_(
        "deleted in ours, but theirs put sub-code {sub} under it: delete this block to keep "
        "the code, or move its sub-codes and delete it"
    ),
    (THEIRS, OURS): N_(
        "deleted in theirs, but ours put sub-code {sub} under it: delete this block to keep "
        "the code, or move its sub-codes and delete it"
    ),
}
_SUB_CODE_KEPT_IT_ANY = N_(
    "deleted in {by}, but {keeper} put sub-code {sub} under it: delete this block to keep "
    "the code, or move its sub-codes and delete it"
)
"""A parent deleted on one side while the other put a sub-code under it (the rare
other combinations name the sides as the merge's words do)."""

SIDE_VALUE = {
    "base": N_("base {value}"),
    "ours": N_("ours {value}"),
    "theirs": N_("theirs {value}"),
}
"""A conflict's value on each side, as :meth:`Conflict.describe` shows it."""


class _Missing:
    """The value of a field on a side that has no such code (no base)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()
"""No value: a conflict without a base, a code absent on a side."""

_NEW = "+"  # prefix of the identity of a code that the base lacks (ids never start with it)

CONFLICT_KINDS = ("edit", "add", "delete", "id", "key", "alias", "cycle")
"""``edit``: both sides changed a field differently; ``add``: both added the same id with
different content; ``delete``: deleted on one side, changed (or given a sub-code) on the
other; ``id``: one id for two codes; ``key``: one key for two codes; ``alias``: one alias
for two codes or an alias equal to another code's id; ``cycle``: two moves that make a
code its own ancestor."""


@dataclass(frozen=True)
class Conflict:
    """One unresolved difference.

    Attributes:
        code: the code's id in the result (``None``: the codebook's own fields).
        field: ``label.en``, ``description``, ``parent``, ``key``, ``deleted``, ...
        kind: one of :data:`CONFLICT_KINDS`.
        base: the base value (:data:`MISSING` when there is no base).
        ours: our value (the one the result holds).
        theirs: their value.
        why: what happened, in words: an English message (a catalog msgid) with
            ``{placeholders}`` filled from ``why_values`` (English in the merged file,
            translated in :meth:`describe`).
        origin: the code's identity across the three codebooks (its base id, or
            ``+id`` for a new code); ``None`` for conflicts between two codes.
        why_values: the values of ``why``'s placeholders, as (name, value) pairs.
    """

    code: str | None
    field: str
    kind: str
    base: Any = MISSING
    ours: Any = None
    theirs: Any = None
    why: str = ""
    origin: str | None = None
    why_values: tuple[tuple[str, Any], ...] = ()

    @property
    def reason(self) -> str:
        """``why`` in English, its placeholders filled (as the merged file keeps it)."""
        return self.why.format(**dict(self.why_values))

    def describe(self) -> str:
        """One line for people: where, what, and the values."""
        why = (
            _(self.why).format(**dict(self.why_values))
            if self.why
            else _("changed differently on both sides")
        )
        sides = [("base", self.base), ("ours", self.ours), ("theirs", self.theirs)]
        sides = [(name, v) for name, v in sides if v is not MISSING]
        texts = [v for _, v in sides if isinstance(v, str)]
        cut = 0
        if len(texts) == len(sides) and len(texts) > 1:
            # long texts that differ near the end: show where they differ
            same = len(_common_prefix(texts))
            cut = same - 12 if same > 30 else 0
        values = [
            _(SIDE_VALUE[name]).format(
                value=describe_value("…" + v[cut:], 40)
                if cut and isinstance(v, str)
                else describe_value(v, 40)
            )
            for name, v in sides
        ]
        if self.code is not None:
            text = _("code {code!r}: {field}: {why}").format(
                code=self.code, field=self.field, why=why
            )
        else:
            text = _("the codebook: {field}: {why}").format(field=self.field, why=why)
        return text + " (" + "; ".join(values) + ")"

    def block(self) -> dict[str, Any]:
        """The entry written under the code's ``conflict:`` field in the merged file."""
        out: dict[str, Any] = {}
        if self.base is not MISSING:
            out["base"] = plain(self.base)
        out["ours"] = plain(self.ours)
        out["theirs"] = plain(self.theirs)
        if self.why:
            out["why"] = self.reason
        return out

    def to_json(self) -> dict[str, Any]:
        """A plain mapping for ``--json``."""
        out: dict[str, Any] = {"id": self.code, "field": self.field, "kind": self.kind}
        if self.base is not MISSING:
            out["base"] = plain(self.base)
        out["ours"] = plain(self.ours)
        out["theirs"] = plain(self.theirs)
        out["why"] = self.why
        return out


@dataclass(frozen=True)
class Change:
    """A change the merge took (three-way) or a difference it settled (two-way).

    Attributes:
        code: the code's id in the result (or the removed code's id).
        what: ``added``, ``removed``, or the field (``label.en``, ``parent``, ``id``, ...).
        side: ``ours`` or ``theirs`` (where the change or value came from), or ``both``.
        detail: a few words more (``merged into X``, the new value, ...).
    """

    code: str | None
    what: str
    side: str
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        """A plain mapping for ``--json``."""
        return {"id": self.code, "what": self.what, "side": self.side, "detail": self.detail}


@dataclass(frozen=True)
class MergeResult:
    """The merged codebook and everything a person must know about it.

    Attributes:
        codebook: the merged codebook (structurally valid; conflicted fields hold ours).
        conflicts: what is left for a person to decide.
        changes: changes taken from each side (three-way) or every difference (two-way).
        suggestions: near-duplicate pairs among codes added on different sides.
        applied: the suggestions that were merged (``apply_suggestions``).
        two_way: no base was given.
        origins: each result id's identity across the three codebooks (its base id,
            or ``+id`` for a code the base lacks).
    """

    codebook: Codebook
    conflicts: tuple[Conflict, ...] = ()
    changes: tuple[Change, ...] = ()
    suggestions: tuple[NearDuplicate, ...] = ()
    applied: tuple[NearDuplicate, ...] = ()
    two_way: bool = False
    origins: Mapping[str, str] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        """True when nothing is left to resolve."""
        return not self.conflicts

    def conflict_blocks(self) -> dict[str | None, dict[str, dict[str, Any]]]:
        """Conflicts grouped by code id (``None``: the codebook) then field, for the writer."""
        out: dict[str | None, dict[str, dict[str, Any]]] = {}
        for c in self.conflicts:
            fields = out.setdefault(c.code, {})
            name = c.field
            n = 2
            while name in fields:
                name = f"{c.field}.{n}"
                n += 1
            fields[name] = c.block()
        return out

    def to_json(self) -> dict[str, Any]:
        """The documented ``codebook merge-files --json`` report (see docs/codebook.md)."""
        return {
            "clean": self.clean,
            "two_way": self.two_way,
            "codes": len(self.codebook),
            "conflicts": [c.to_json() for c in self.conflicts],
            "changes": [c.to_json() for c in self.changes],
            "suggestions": [
                {**s.to_json(), "applied": s in self.applied} for s in self.suggestions
            ],
        }


# ----------------------------------------------------------------------------
# The merge


@dataclass
class _Node:
    """A code of the result while it is being built (parents as identities)."""

    ident: str
    id: str
    parent: str | None
    fields: dict[str, Any]
    id_side: str
    key_side: str
    parents: tuple[Any, Any, Any]  # base, ours, theirs parent identities (MISSING: absent)
    added_by: str | None = None
    alias_sides: dict[str, str] = field(default_factory=dict)


def _common_prefix(texts: list[str]) -> str:
    first, last = min(texts), max(texts)
    n = 0
    while n < len(first) and n < len(last) and first[n] == last[n]:
        n += 1
    return first[:n]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == () or value is MISSING


def list_merge(base: Sequence[Any], ours: Sequence[Any], theirs: Sequence[Any]) -> tuple[Any, ...]:
    """Three-way merge of a list as a set of items, in our order then their additions.

    An item removed on either side is removed; an item added on either side is added.
    A side that left the list as it was takes the other side's list as it is (order too).
    """
    if tuple(ours) == tuple(base):
        return tuple(theirs)
    if tuple(theirs) == tuple(base):
        return tuple(ours)
    out = [x for x in ours if not (x in base and x not in theirs)]
    for x in theirs:
        if x not in base and x not in out:
            out.append(x)
    return tuple(out)


def _identities_three_way(side: Codebook, base_ids: set[str]) -> dict[str, str]:
    ids = {c.id for c in side}
    out: dict[str, str] = {}
    claimed: set[str] = set()
    for c in side:
        if c.id in base_ids:
            out[c.id] = c.id
            claimed.add(c.id)
    for c in side:
        if c.id in out:
            continue
        alias = next(
            (a for a in c.aliases if a in base_ids and a not in ids and a not in claimed), None
        )
        if alias is not None:
            out[c.id] = alias
            claimed.add(alias)
        else:
            out[c.id] = _NEW + c.id
    return out


def _identities_two_way(side: Codebook, other: Codebook) -> dict[str, str]:
    ids = {c.id for c in side}
    other_ids = {c.id for c in other}
    out: dict[str, str] = {}
    claimed: set[str] = set()
    for c in side:
        if c.id in other_ids:
            out[c.id] = c.id
            claimed.add(c.id)
    for c in side:
        if c.id in out:
            continue
        alias = next(
            (a for a in c.aliases if a in other_ids and a not in ids and a not in claimed), None
        )
        out[c.id] = alias if alias is not None else c.id
        claimed.add(out[c.id])
    return out


class _Merge:
    def __init__(
        self,
        ours: Codebook,
        theirs: Codebook,
        base: Codebook | None,
        *,
        threshold: float,
        find_duplicates: bool,
        apply_suggestions: bool,
    ) -> None:
        self.ours, self.theirs, self.base = ours, theirs, base
        self.two_way = base is None
        self.threshold = threshold
        self.find_duplicates = find_duplicates
        self.apply_suggestions = apply_suggestions
        if base is None:
            self.io = _identities_two_way(ours, theirs)
            self.it = _identities_two_way(theirs, ours)
        else:
            base_ids = {c.id for c in base}
            self.io = _identities_three_way(ours, base_ids)
            self.it = _identities_three_way(theirs, base_ids)
        self.conflicts: list[tuple[str | None, Conflict]] = []
        self.changes: list[tuple[str | None, Change]] = []
        self.nodes: dict[str, _Node] = {}
        self.removed: dict[str, tuple[str, Code, Any]] = {}
        self.redirect: dict[str, str] = {}
        self.kids: tuple[dict[Any, list[str]], dict[Any, list[str]], dict[Any, list[str]]] = (
            self._children(base, None) if base is not None else {},
            self._children(ours, self.io),
            self._children(theirs, self.it),
        )

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _children(cb: Codebook, idents: Mapping[str, str] | None) -> dict[Any, list[str]]:
        out: dict[Any, list[str]] = {}
        for c in cb:
            ident = idents[c.id] if idents is not None else c.id
            parent = (idents[c.parent] if idents is not None else c.parent) if c.parent else None
            out.setdefault(parent, []).append(ident)
        return out

    def _parent_of(self, code: Code | None, side: str) -> Any:
        if code is None:
            return MISSING
        if code.parent is None:
            return None
        if side == "base":
            return code.parent
        idents = self.io if side == OURS else self.it
        return idents.get(code.parent, code.parent)

    def _conflict(
        self,
        ident: str | None,
        field_name: str,
        kind: str,
        *,
        base: Any = MISSING,
        ours: Any = None,
        theirs: Any = None,
        why: str = "",
        origin: bool = True,
        **why_values: Any,
    ) -> None:
        """Record a conflict; ``why`` is an English message marked with ``N_`` whose
        placeholders ``why_values`` fill."""
        conflict = Conflict(
            None,
            field_name,
            kind,
            base,
            ours,
            theirs,
            why,
            ident if origin else None,
            tuple(sorted(why_values.items())),
        )
        self.conflicts.append((ident, conflict))

    def _change(self, ident: str | None, what: str, side: str, detail: str = "") -> None:
        self.changes.append((ident, Change(None, what, side, detail)))

    def _merge3(
        self,
        ident: str | None,
        name: str,
        bv: Any,
        ov: Any,
        tv: Any,
        *,
        union: bool,
        placeholder: Any = MISSING,
    ) -> tuple[Any, str]:
        """One field merged three ways; returns the value and where it came from.

        On a conflict the value is ours, or ``placeholder`` when one is given (fields
        that shape the tree or must be unique hold a neutral value until resolved).
        """
        if ov == tv:
            return ov, BOTH
        if bv is not MISSING:
            if ov == bv:
                return tv, THEIRS
            if tv == bv:
                return ov, OURS
            kind = "edit"
        else:
            if union and _empty(ov):
                return tv, THEIRS
            if union and _empty(tv):
                return ov, OURS
            kind = "add" if not self.two_way else "edit"
        why = (
            N_(
                "both sides gave it a new id: keep one as its id and list the others under "
                "aliases, so that codings made with them still resolve"
            )
            if name == "id"
            else N_("changed differently on both sides")
            if bv is not MISSING
            else (
                N_("different values on the two sides")
                if self.two_way
                else N_("added on both sides with different content")
            )
        )
        self._conflict(ident, name, kind, base=bv, ours=ov, theirs=tv, why=why)
        return (ov if placeholder is MISSING else placeholder), "conflict"

    # ------------------------------------------------------------------ run

    def run(self) -> MergeResult:
        groups: dict[str, list[Code | None]] = {}
        order: list[str] = []

        def group(ident: str) -> list[Code | None]:
            g = groups.get(ident)
            if g is None:
                g = groups[ident] = [None, None, None]
                order.append(ident)
            return g

        for c in self.ours:
            group(self.io[c.id])[1] = c
        for c in self.theirs:
            group(self.it[c.id])[2] = c
        if self.base is not None:
            for c in self.base:
                group(c.id)[0] = c
        self.order = order
        for ident in order:
            b, o, t = groups[ident]
            self._merge_group(ident, b, o, t)
        suggestions, applied = self._near_duplicates()
        for _round in range(len(self.nodes) + len(self.removed) + 2):
            if not (self._restore_parents() or self._break_cycles()):
                break
        self._unique_ids()
        self._unique_aliases()
        self._unique_keys()
        codebook = self._codebook()
        return MergeResult(
            codebook=codebook,
            conflicts=tuple(self._final_conflicts()),
            changes=tuple(
                Change(self._final_id(ident), ch.what, ch.side, ch.detail)
                for ident, ch in self.changes
            ),
            suggestions=tuple(suggestions),
            applied=tuple(applied),
            two_way=self.two_way,
            origins={node.id: ident for ident, node in self.nodes.items()},
        )

    # ------------------------------------------------------------------ groups

    def _flat(self, code: Code) -> dict[str, Any]:
        return code_fields(code)

    def _changed_fields(self, b: Code, s: Code, side: str) -> list[str]:
        fb, fs = self._flat(b), self._flat(s)
        out = [
            k
            for k in dict.fromkeys([*fb, *fs])
            if fb.get(k, default_of(k)) != fs.get(k, default_of(k))
        ]
        if self._parent_of(b, "base") != self._parent_of(s, side):
            out.append("parent")
        if b.id != s.id:
            out.append("id")
        return out

    def _node_from(self, ident: str, code: Code, side: str, parents: tuple[Any, Any, Any]) -> _Node:
        fields = self._flat(code)
        fields["label"] = _copy_label(fields["label"])
        return _Node(
            ident=ident,
            id=code.id,
            parent=self._parent_of(code, side),
            fields=fields,
            id_side=side,
            key_side=side,
            parents=parents,
            alias_sides={a: side for a in code.aliases},
        )

    def _merge_group(self, ident: str, b: Code | None, o: Code | None, t: Code | None) -> None:
        parents = (self._parent_of(b, "base"), self._parent_of(o, OURS), self._parent_of(t, THEIRS))
        if o is not None and t is not None:
            self.nodes[ident] = self._merge_both(ident, b, o, t, parents)
            return
        if o is None and t is None:
            assert b is not None
            self.removed[ident] = (BOTH, b, None)
            self._change(ident, "removed", BOTH)
            return
        present, side = (o, OURS) if o is not None else (t, THEIRS)
        assert present is not None
        other = THEIRS if side == OURS else OURS
        if b is None:
            node = self._node_from(ident, present, side, parents)
            node.added_by = side
            self.nodes[ident] = node
            self._change(ident, "added", side)
            return
        changed = self._changed_fields(b, present, side)
        if changed:
            node = self._node_from(ident, present, side, parents)
            self.nodes[ident] = node
            edited = "changed " + ", ".join(changed)
            self._conflict(
                ident,
                "deleted",
                "delete",
                ours=edited if side == OURS else "deleted",
                theirs=edited if side == THEIRS else "deleted",
                why=N_(
                    "deleted in theirs, changed {fields} in ours: delete this block to keep "
                    "the code, or delete the code"
                )
                if side == OURS
                else N_(
                    "deleted in ours, changed {fields} in theirs: delete this block to keep "
                    "the code, or delete the code"
                ),
                fields=", ".join(changed),
            )
            return
        detail = self._merged_into(b.id, other)
        self.removed[ident] = (other, present, side)
        self._change(ident, "removed", other, detail)

    def _merged_into(self, code_id: str, side: str) -> str:
        cb = self.ours if side == OURS else self.theirs
        owner = cb.get(code_id)
        return f"merged into {owner.id}" if owner is not None and owner.id != code_id else ""

    def _merge_both(
        self, ident: str, b: Code | None, o: Code, t: Code, parents: tuple[Any, Any, Any]
    ) -> _Node:
        fb = self._flat(b) if b is not None else None
        fo, ft = self._flat(o), self._flat(t)
        union = self.two_way
        out: dict[str, Any] = {}
        # the id: a base is known in a two-way merge when one side renamed
        bid: Any = b.id if b is not None else MISSING
        if b is None and self.two_way and o.id != t.id and ident in (o.id, t.id):
            bid = ident
        # a conflicted id, parent or key holds the base id, the base parent (or the top
        # level) and no key until resolved: neither side's choice shapes the result
        new_id, id_side = self._merge3(
            ident, "id", bid, o.id, t.id, union=False, placeholder=o.id if bid is MISSING else bid
        )
        if id_side != BOTH:
            self._change(ident, "id", id_side, f"{bid or o.id} -> {new_id}")
        # the parent (as identities)
        parent, parent_side = self._merge3(
            ident,
            "parent",
            parents[0],
            parents[1],
            parents[2],
            union=False,
            placeholder=None if parents[0] is MISSING else parents[0],
        )
        if parent_side in (OURS, THEIRS):
            self._change(ident, "parent", parent_side)
        # the label: per language when every side has translations
        out["label"] = self._merge_label(ident, fb, fo, ft, union)
        key_side = self._merge_fields(ident, fb, fo, ft, out)
        alias_sides = {a: OURS for a in o.aliases}
        for a in t.aliases:
            alias_sides.setdefault(a, THEIRS)
        return _Node(
            ident=ident,
            id=new_id,
            parent=parent,
            fields=out,
            id_side=id_side,
            key_side=key_side,
            parents=parents,
            alias_sides=alias_sides,
        )

    def _merge_fields(
        self,
        ident: str,
        fb: Mapping[str, Any] | None,
        fo: Mapping[str, Any],
        ft: Mapping[str, Any],
        out: dict[str, Any],
    ) -> str:
        """Every field but the label merged into ``out``; the side the key came from."""
        key_side = BOTH
        for name in dict.fromkeys([*fo, *ft, *(fb or {})]):
            if name == "label":
                continue
            dv = default_of(name)
            bv = fb.get(name, dv) if fb is not None else MISSING
            value, side = self._merge_field(ident, name, bv, fo.get(name, dv), ft.get(name, dv))
            if name == "key":
                key_side = side
            out[name] = value
        return key_side

    def _merge_field(self, ident: str, name: str, bv: Any, ov: Any, tv: Any) -> tuple[Any, str]:
        """One field merged three ways (lists item by item); the value and its side."""
        if is_list_field(name):
            value = list_merge(() if bv is MISSING else bv, ov, tv)
            side = BOTH if ov == tv else (OURS if value == ov else THEIRS)
            if side == THEIRS or (self.two_way and side != BOTH):
                self._change(ident, name, side)
            return value, side
        value, side = self._merge3(
            ident,
            name,
            bv,
            ov,
            tv,
            union=self.two_way,
            placeholder=None if name == "key" else MISSING,
        )
        if side in (OURS, THEIRS):
            self._change(ident, name, side, describe_value(value, 40))
        return value, side

    def _merge_label(
        self,
        ident: str,
        fb: Mapping[str, Any] | None,
        fo: Mapping[str, Any],
        ft: Mapping[str, Any],
        union: bool,
    ) -> Label:
        lb = fb["label"] if fb is not None else MISSING
        lo, lt = fo["label"], ft["label"]
        every = [x for x in (lb, lo, lt) if x is not MISSING]
        if not all(isinstance(x, dict) for x in every):
            value, side = self._merge3(ident, "label", lb, lo, lt, union=False)
            if side in (OURS, THEIRS):
                self._change(ident, "label", side, describe_value(value, 40))
            return _copy_label(value)
        merged: dict[str, str] = {}
        langs = dict.fromkeys([*lo, *lt, *(lb if isinstance(lb, dict) else {})])
        for lang in langs:
            bv = lb.get(lang) if isinstance(lb, dict) else MISSING
            value, side = self._merge3(
                ident, f"label.{lang}", bv, lo.get(lang), lt.get(lang), union=union
            )
            if side in (OURS, THEIRS):
                self._change(ident, f"label.{lang}", side, describe_value(value, 40))
            if value is not None:
                merged[lang] = value
        return merged if merged else _copy_label(lo)

    # ------------------------------------------------------------------ near duplicates

    def _near_duplicates(self) -> tuple[list[NearDuplicate], list[NearDuplicate]]:
        if not self.find_duplicates:
            return [], []
        by_id: dict[str, dict[str, _Node]] = {OURS: {}, THEIRS: {}}
        codes: dict[str, list[Code]] = {OURS: [], THEIRS: []}
        for node in self.nodes.values():
            if node.added_by in (OURS, THEIRS):
                cb = self.ours if node.added_by == OURS else self.theirs
                code = cb[node.id]
                by_id[node.added_by][code.id] = node
                codes[node.added_by].append(code)
        vocabulary = [t for cb in (self.ours, self.theirs) for c in cb for t in c.labels().values()]
        pairs = find_near_duplicates(
            codes[OURS], codes[THEIRS], threshold=self.threshold, vocabulary=vocabulary
        )
        applied: list[NearDuplicate] = []
        if self.apply_suggestions:
            for pair in pairs:
                self._fold(by_id[OURS][pair.ours], by_id[THEIRS][pair.theirs])
                applied.append(pair)
        return pairs, applied

    def _fold(self, keep: _Node, gone: _Node) -> None:
        """Merge the code ``gone`` into ``keep`` (an applied near-duplicate suggestion)."""
        f, g = keep.fields, gone.fields
        if isinstance(f["label"], dict) and isinstance(g["label"], dict):
            for lang, text in g["label"].items():
                f["label"].setdefault(lang, text)
        notes = self._fold_fields(keep, gone)
        if notes:
            memo = f.get("memo") or ""
            f["memo"] = (
                (memo + "\n\n" if memo else "") + f"[merged from {gone.id}] " + "; ".join(notes)
            )
        aliases = [a for a in (*f.get("aliases", ()), gone.id, *g.get("aliases", ())) if a]
        f["aliases"] = tuple(a for a in dict.fromkeys(aliases) if a != keep.id)
        for a in (gone.id, *g.get("aliases", ())):
            keep.alias_sides.setdefault(a, THEIRS)
        for node in self.nodes.values():
            if node.parent == gone.ident:
                node.parent = keep.ident
        del self.nodes[gone.ident]
        self.redirect[gone.ident] = keep.ident
        self._change(keep.ident, "merged", THEIRS, f"near duplicate {gone.id} merged into it")

    @staticmethod
    def _fold_fields(keep: _Node, gone: _Node) -> list[str]:
        """``gone``'s fields into ``keep``'s where it has none (lists joined); the
        texts that differ, as notes for the memo."""
        f, g = keep.fields, gone.fields
        notes: list[str] = []
        for name in dict.fromkeys([*f, *g]):
            if name in ("label", "aliases"):
                continue
            dv = default_of(name)
            fv, gv = f.get(name, dv), g.get(name, dv)
            if is_list_field(name):
                f[name] = tuple(dict.fromkeys([*fv, *gv]))
            elif _empty(fv) and not _empty(gv):
                f[name] = gv
                if name == "key":
                    keep.key_side = THEIRS
            elif name in TEXT_FIELDS and not _empty(gv) and gv != fv:
                notes.append(f"{name}: {gv}")
        return notes

    # ------------------------------------------------------------------ structure

    def _restore_parents(self) -> bool:
        """Bring back a parent deleted on one side while the other put a sub-code under it."""
        changed = False
        for node in list(self.nodes.values()):
            parent = node.parent
            if parent is None or parent in self.nodes:
                continue
            if parent in self.redirect:
                node.parent = self.redirect[parent]
                changed = True
                continue
            if parent in self.removed:
                by, code, side = self.removed.pop(parent)
                restored = self._node_from(parent, code, side or "base", (MISSING,) * 3)
                if side is None:  # deleted on both sides: the base version comes back
                    restored.parent = code.parent
                self.nodes[parent] = restored
                self.changes = [
                    (i, ch) for i, ch in self.changes if not (i == parent and ch.what == "removed")
                ]
                keeper = side or "neither side"
                self._conflict(
                    parent,
                    "deleted",
                    "delete",
                    ours="deleted" if by in (OURS, BOTH) else "kept, with a sub-code under it",
                    theirs="deleted" if by in (THEIRS, BOTH) else "kept, with a sub-code under it",
                    why=_SUB_CODE_KEPT_IT.get((by, keeper), _SUB_CODE_KEPT_IT_ANY),
                    by=by,
                    keeper=keeper,
                    sub=node.id,
                )
                changed = True
                continue
            # a parent that exists nowhere (cannot happen with valid inputs): top level
            self._conflict(
                node.ident,
                "parent",
                "delete",
                base=node.parents[0],
                ours=node.parents[1],
                theirs=node.parents[2],
                why=N_("its parent {parent} is gone; it is at the top level for now"),
                parent=parent.lstrip(_NEW),
            )
            node.parent = None
            changed = True
        return changed

    def _find_cycle(self) -> list[_Node] | None:
        state: dict[str, int] = {}
        for start in self.nodes:
            chain: list[str] = []
            current: str | None = start
            while current is not None and current in self.nodes and state.get(current) is None:
                state[current] = 1
                chain.append(current)
                current = self.nodes[current].parent
            if current is not None and current in chain:
                return [self.nodes[i] for i in chain[chain.index(current) :]]
            for i in chain:
                state[i] = 2
        return None

    def _break_cycles(self) -> bool:
        cycle = self._find_cycle()
        if cycle is None:
            return False
        names = " -> ".join(n.id for n in cycle) + f" -> {cycle[0].id}"
        reverted = False
        for node in cycle:
            base_parent = node.parents[0]
            if base_parent is MISSING or node.parent == base_parent:
                continue
            if base_parent is not None and base_parent not in self.nodes:
                base_parent = None
            self._conflict(
                node.ident,
                "parent",
                "cycle",
                base=node.parents[0],
                ours=node.parents[1],
                theirs=node.parents[2],
                why=N_(
                    "the two sides' moves make a cycle ({names}); it stays where the base had it"
                ),
                names=names,
            )
            node.parent = base_parent
            reverted = True
        if not reverted:
            node = cycle[0]
            self._conflict(
                node.ident,
                "parent",
                "cycle",
                base=node.parents[0],
                ours=node.parents[1],
                theirs=node.parents[2],
                why=N_(
                    "the two sides' moves make a cycle ({names}); it is at the top level for now"
                ),
                names=names,
            )
            node.parent = None
        return True

    def _unique_ids(self) -> None:
        by_id: dict[str, list[_Node]] = {}
        for node in self.nodes.values():
            by_id.setdefault(node.id, []).append(node)
        taken = set(by_id)
        for code_id, nodes in by_id.items():
            if len(nodes) < 2:
                continue
            keeper = next((n for n in nodes if n.id_side in (OURS, BOTH)), nodes[0])
            for node in nodes:
                if node is keeper:
                    continue
                new = f"{code_id}.theirs"
                n = 2
                while new in taken:
                    new = f"{code_id}.theirs{n}"
                    n += 1
                taken.add(new)
                self._conflict(
                    node.ident,
                    "id",
                    "id",
                    ours=code_id,
                    theirs=code_id,
                    why=N_(
                        "both sides use the id {code_id!r} for different codes; theirs is "
                        "kept as {new!r} until you give it another id (or merge the two)"
                    ),
                    origin=False,
                    code_id=code_id,
                    new=new,
                )
                node.id = new

    def _unique_aliases(self) -> None:
        ids = {n.id: n for n in self.nodes.values()}
        owners: dict[str, list[_Node]] = {}
        for node in self.nodes.values():
            kept: list[str] = []
            for alias in node.fields.get("aliases", ()):
                if alias == node.id:
                    continue
                if alias in ids:
                    self._conflict(
                        node.ident,
                        "aliases",
                        "alias",
                        ours=alias,
                        theirs=alias,
                        why=N_(
                            "{alias!r} is the id of code {code!r} and an alias of {owner!r} "
                            "(one side merged or renamed it, the other kept it): keep the "
                            "alias or the code"
                        ),
                        origin=False,
                        alias=alias,
                        code=ids[alias].id,
                        owner=node.id,
                    )
                    continue
                kept.append(alias)
                owners.setdefault(alias, []).append(node)
            node.fields["aliases"] = tuple(kept)
        for alias, nodes in owners.items():
            if len(nodes) < 2:
                continue
            keeper = next((n for n in nodes if n.alias_sides.get(alias) == OURS), nodes[0])
            for node in nodes:
                if node is keeper:
                    continue
                node.fields["aliases"] = tuple(a for a in node.fields["aliases"] if a != alias)
                self._conflict(
                    node.ident,
                    "aliases",
                    "alias",
                    ours=alias,
                    theirs=alias,
                    why=N_(
                        "{alias!r} is an alias of {ours_code!r} in ours and of {theirs_code!r} "
                        "in theirs (each side merged it elsewhere): keep it on one code"
                    ),
                    origin=False,
                    alias=alias,
                    ours_code=keeper.id,
                    theirs_code=node.id,
                )

    def _unique_keys(self) -> None:
        by_key: dict[str, list[_Node]] = {}
        for node in self.nodes.values():
            key = node.fields.get("key")
            if key:
                by_key.setdefault(key, []).append(node)
        for key, nodes in by_key.items():
            if len(nodes) < 2:
                continue
            keeper = next((n for n in nodes if n.key_side in (OURS, BOTH)), nodes[0])
            for node in nodes:
                if node is keeper:
                    continue
                node.fields["key"] = None
                self._conflict(
                    node.ident,
                    "key",
                    "key",
                    ours=key,
                    theirs=key,
                    why=N_(
                        "key {key!r} is given to {first!r} and to {second!r}: give this code "
                        "another key"
                    ),
                    origin=False,
                    key=key,
                    first=keeper.id,
                    second=node.id,
                )

    # ------------------------------------------------------------------ output

    def _final_id(self, ident: str | None) -> str | None:
        if ident is None:
            return None
        ident = self.redirect.get(ident, ident)
        node = self.nodes.get(ident)
        if node is not None:
            return node.id
        return ident[len(_NEW) :] if ident.startswith(_NEW) else ident

    def _final_conflicts(self) -> list[Conflict]:
        out: list[Conflict] = []
        for ident, c in self.conflicts:
            base, ours, theirs = c.base, c.ours, c.theirs
            if c.field == "parent":
                base, ours, theirs = (
                    v if v is MISSING or v is None else self._final_id(v)
                    for v in (base, ours, theirs)
                )
            origin = c.origin
            out.append(
                Conflict(
                    self._final_id(ident),
                    c.field,
                    c.kind,
                    base,
                    ours,
                    theirs,
                    c.why,
                    origin,
                    c.why_values,
                )
            )
        return out

    def _weave(self, parent: Any, wanted: list[str]) -> list[str]:
        wanted_set = set(wanted)
        kb, ko, kt = (k.get(parent, []) for k in self.kids)
        so = [i for i in ko if i in wanted_set]
        st = [i for i in kt if i in wanted_set]
        sb = [i for i in kb if i in wanted_set]
        skeleton, others = so, [st, sb]
        if self.base is not None:
            in_o, in_b = set(so), set(sb)
            if [i for i in so if i in in_b] == [i for i in sb if i in in_o]:
                skeleton, others = st, [so, sb]  # ours kept the base's order: take theirs'
        out = list(skeleton)
        placed = set(out)
        for seq in others:
            _insert_missing(out, placed, seq)
        out.extend(i for i in wanted if i not in placed)
        return out

    def _codebook(self) -> Codebook:
        kids: dict[Any, list[str]] = {}
        in_order = set(self.order)
        for ident in [*self.order, *(i for i in self.nodes if i not in in_order)]:
            node = self.nodes.get(ident)
            if node is not None:
                kids.setdefault(node.parent, []).append(ident)
        codes: list[Code] = []
        seen: set[str] = set()

        def visit(parent: str | None, parent_id: str | None) -> None:
            for ident in self._weave(parent, kids.get(parent, [])):
                if ident in seen:
                    continue
                seen.add(ident)
                node = self.nodes[ident]
                codes.append(_to_code(node, parent_id))
                visit(ident, node.id)

        visit(None, None)
        name, description, languages = self._meta()
        return Codebook(
            codes=tuple(codes),
            name=name,
            description=description,
            languages=languages,
            relations=self._relations(),
        )

    def _relations(self) -> tuple[RelationType, ...] | None:
        """The relation vocabulary merged three ways by id: a type added on either side
        is kept, one removed on a side that did not change it goes, one changed on
        one side takes that change; changed differently on both sides is a conflict
        (ours kept until resolved)."""
        b = self.base
        if self.ours.relations is None and self.theirs.relations is None:
            return None
        base_map = {t.id: t for t in b.relation_types} if b is not None else {}
        ours = {t.id: t for t in self.ours.relation_types}
        theirs = {t.id: t for t in self.theirs.relation_types}
        order = list(ours) + [i for i in theirs if i not in ours]
        out: list[RelationType] = []
        for rid in order:
            bv: Any = base_map.get(rid, MISSING)
            ov: Any = ours.get(rid, MISSING)
            tv: Any = theirs.get(rid, MISSING)
            if ov is MISSING or tv is MISSING:
                present = ov if tv is MISSING else tv
                changed = bv is MISSING or present != bv
                if bv is not MISSING and not changed:
                    continue  # removed on one side, unchanged on the other
                if bv is MISSING:
                    out.append(present)  # added on one side
                    continue
                self._conflict(
                    None,
                    f"relations.{rid}",
                    "edit",
                    base=_relation_data(bv),
                    ours=_relation_data(ov),
                    theirs=_relation_data(tv),
                    why=N_("removed on one side and changed on the other"),
                )
                out.append(present)
                continue
            value, _side = self._merge3(
                None,
                f"relations.{rid}",
                _relation_data(bv) if bv is not MISSING else MISSING,
                _relation_data(ov),
                _relation_data(tv),
                union=False,
            )
            out.append(ov if value == _relation_data(ov) else tv)
        return tuple(out)

    def _meta(self) -> tuple[str, str, tuple[str, ...]]:
        b = self.base
        out: list[Any] = []
        for name in ("name", "description"):
            bv = getattr(b, name) if b is not None else MISSING
            value, side = self._merge3(
                None,
                name,
                bv,
                getattr(self.ours, name),
                getattr(self.theirs, name),
                union=self.two_way,
            )
            if side in (OURS, THEIRS):
                self._change(None, name, side)
            out.append(value)
        languages = list_merge(
            b.languages if b is not None else (), self.ours.languages, self.theirs.languages
        )
        return out[0], out[1], tuple(languages)


def _relation_data(t: Any) -> Any:
    """A relation type as comparable plain data (``MISSING`` stays itself)."""
    if t is MISSING or t is None:
        return t
    return relations_to_data([t])[0]


def _copy_label(label: Label) -> Label:
    return dict(label) if isinstance(label, dict) else label


def _to_code(node: _Node, parent: str | None) -> Code:
    f = node.fields
    return Code(
        id=node.id,
        label=_copy_label(f["label"]),
        parent=parent,
        description=f.get("description") or "",
        inclusion=f.get("inclusion") or "",
        exclusion=f.get("exclusion") or "",
        examples=tuple(f.get("examples", ())),
        color=f.get("color"),
        key=f.get("key"),
        aliases=tuple(a for a in f.get("aliases", ()) if a != node.id),
        rules=rules_from_fields(f),
        memo=f.get("memo") or "",
        valence=f.get("valence"),
    )


def merge_codebooks(
    ours: Codebook,
    theirs: Codebook,
    base: Codebook | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    find_duplicates: bool = True,
    apply_suggestions: bool = False,
) -> MergeResult:
    """Merge ``theirs`` into ``ours``, three-way against ``base`` or two-way without it.

    Args:
        ours: our codebook (its values stand in the result where there is a conflict).
        theirs: their codebook.
        base: the common ancestor; ``None`` for a two-way union.
        threshold: the lowest score (0-100) of a near-duplicate suggestion.
        find_duplicates: look for near duplicates among codes added on different sides.
        apply_suggestions: merge each suggested pair (their code into ours; its id
            becomes an alias, its sub-codes and list items follow, texts that differ are
            kept in the memo).

    Returns:
        The merged codebook with its conflicts, changes and suggestions.
    """
    return _Merge(
        ours,
        theirs,
        base,
        threshold=threshold,
        find_duplicates=find_duplicates,
        apply_suggestions=apply_suggestions,
    ).run()


def ids_and_aliases(codebook: Codebook) -> set[str]:
    """Every id and alias of a codebook (what still resolves in it)."""
    out: set[str] = set()
    for c in codebook:
        out.add(c.id)
        out.update(c.aliases)
    return out


def shared_ids(a: Codebook, b: Codebook) -> int:
    """How many codes of ``a`` still resolve in ``b`` (by id or alias)."""
    known = ids_and_aliases(b)
    return sum(1 for c in a if c.id in known)


def summary(result: MergeResult) -> dict[str, int]:
    """Counts for a one-line report: codes, conflicts, and changes by side and kind."""
    counts: dict[str, int] = {"codes": len(result.codebook), "conflicts": len(result.conflicts)}
    for ch in result.changes:
        kind = ch.what if ch.what in ("added", "removed", "merged") else "changed"
        key = f"{ch.side}.{kind}"
        counts[key] = counts.get(key, 0) + 1
    return counts


__all__ = [
    "BOTH",
    "CONFLICT_KINDS",
    "MISSING",
    "OURS",
    "THEIRS",
    "Change",
    "Conflict",
    "MergeResult",
    "ids_and_aliases",
    "list_merge",
    "merge_codebooks",
    "shared_ids",
    "summary",
]


# ---------------------------------------------------------------------- one code into another


@dataclass(frozen=True)
class FoldedCode:
    """What merging one code into another of the same codebook keeps and leaves.

    Attributes:
        code: the target with what it took over (keywords, phrases, regular
            expressions and examples added; the description appended).
        carried: what was taken over, one line each.
        not_carried: every difference that was not taken over, one line each (the
            source's label, criteria, colour, key, negative words, token patterns and
            rule settings), so that nothing disappears without a word.
    """

    code: Code
    carried: tuple[str, ...] = ()
    not_carried: tuple[str, ...] = ()


FOLDED_RULE_LISTS = ("keywords", "phrases", "regex")
"""Rule lists a merged code's entries join (its negative words and token patterns
are reported, not added: they would veto or widen the target's matches)."""


def _rule_count(name: str, n: int) -> str:
    """``3 keywords``, ``1 phrase``, ``2 regex`` (entries of a rule list carried over)."""
    if name == "keywords":
        return plural(n, "{n} keyword", "{n} keywords")
    if name == "phrases":
        return plural(n, "{n} phrase", "{n} phrases")
    return plural(n, "{n} regex", "{n} regex")


def merged_from(source: Code, lang: str | None = None) -> str:
    """The line that introduces a merged code's description in the target's."""
    return f"Merged from {source.id} ({source.label_in(lang)}):"


def _insert_missing(out: list[str], placed: set[str], seq: Sequence[str]) -> None:
    """Each item of ``seq`` not yet in ``out`` goes right after the nearest item
    before it in ``seq`` that is (or first, when none is)."""
    for k, item in enumerate(seq):
        if item in placed:
            continue
        at = 0
        for m in range(k - 1, -1, -1):
            if seq[m] in placed:
                at = out.index(seq[m]) + 1
                break
        out.insert(at, item)
        placed.add(item)


def fold_code(target: Code, source: Code, *, lang: str | None = None) -> FoldedCode:
    """Merge ``source`` into ``target`` (codes of one codebook), losing nothing silently.

    The target gains the source's keywords, phrases and regular expressions (per
    language, in order, without repeats) and its examples, and the source's
    description is appended under a line naming where it came from. The target keeps
    its own label, criteria, colour, key, negative words, token patterns, scope,
    speaker and matching; each way the source differs there is reported.

    Args:
        target: the code that stays.
        source: the code merged into it.
        lang: the language labels are named in.
    """
    from dataclasses import replace

    carried: list[str] = []
    src = source.rules or Rules()
    dst = target.rules or Rules()
    lists = _fold_rule_lists(src, dst, carried)
    rules: Rules | None = replace(
        dst, keywords=lists["keywords"], phrases=lists["phrases"], regex=lists["regex"]
    )
    if target.rules is None and not any(lists.values()):
        rules = None
    examples = list(target.examples)
    new_examples = [e for e in source.examples if e not in examples]
    if new_examples:
        carried.append(plural(len(new_examples), "{n} example", "{n} examples"))
    examples += new_examples
    description = target.description
    if source.description.strip() and source.description.strip() not in description:
        block = f"{merged_from(source, lang)}\n{source.description.strip()}"
        description = f"{description.rstrip()}\n\n{block}" if description.strip() else block
        carried.append(_("its description"))
    not_carried = _not_carried_fields(target, source, lang)
    not_carried += _not_carried_rules(target, source, src, dst)
    folded = replace(
        target,
        rules=rules,
        examples=tuple(examples),
        description=description,
    )
    return FoldedCode(folded, tuple(carried), tuple(not_carried))


def _fold_rule_lists(
    src: Rules, dst: Rules, carried: list[str]
) -> dict[str, dict[str, tuple[Any, ...]]]:
    """The target's keywords, phrases and regex with the source's added (per language,
    in order, no repeats); says in ``carried`` how many of each were added."""
    lists: dict[str, dict[str, tuple[Any, ...]]] = {}
    for name in FOLDED_RULE_LISTS:
        merged = {k: tuple(v) for k, v in getattr(dst, name).items()}
        added = 0
        for key, items in getattr(src, name).items():
            have = list(merged.get(key, ()))
            for item in items:
                if item not in have:
                    have.append(item)
                    added += 1
            if have:
                merged[key] = tuple(have)
        lists[name] = merged
        if added:
            carried.append(_rule_count(name, added))
    return lists


def _not_carried_fields(target: Code, source: Code, lang: str | None) -> list[str]:
    """How the source's label, criteria, colour and key differ (the target keeps its own)."""
    not_carried: list[str] = []
    src_name = source.id
    if source.label_in(lang) != target.label_in(lang) or source.labels() != target.labels():
        not_carried.append(
            _(
                "label of {src_name} not carried over: {label} (its id stays as an alias of {target.id})"
            ).format(src_name=src_name, label=describe_value(source.label), target=target)
        )
    for what, theirs, ours in (
        (N_("inclusion"), source.inclusion, target.inclusion),
        (N_("exclusion"), source.exclusion, target.exclusion),
        (N_("colour"), source.color, target.color),
        (N_("key"), source.key, target.key),
    ):
        if theirs not in (None, "", (), {}) and theirs != ours:
            not_carried.append(_differs(what, src_name, target, theirs, ours))
    return not_carried


def _differs(what: str, src_name: str, target: Code, theirs: object, ours: object) -> str:
    """``colour of a not carried over: #ff0000 (kept b's: #00ff00)``."""
    if ours not in (None, ""):
        return _(
            "{what} of {src_name} not carried over: {theirs} (kept {target.id}'s: {ours})"
        ).format(
            what=_(what),
            src_name=src_name,
            theirs=describe_value(theirs),
            target=target,
            ours=describe_value(ours),
        )
    return _(
        "{what} of {src_name} not carried over: {theirs} (kept {target.id}'s: {value})"
    ).format(
        what=_(what),
        src_name=src_name,
        theirs=describe_value(theirs),
        target=target,
        value=_("none"),
    )


def _not_carried_rules(target: Code, source: Code, src: Rules, dst: Rules) -> list[str]:
    """The source's negative words and token patterns, and its rule settings, where
    they differ from the target's (they would change what the target matches)."""
    not_carried: list[str] = []
    src_name = source.id
    for name in ("negative", "patterns"):
        theirs = {
            k: tuple(i for i in v if i not in getattr(dst, name).get(k, ()))
            for k, v in getattr(src, name).items()
        }
        theirs = {k: v for k, v in theirs.items() if v}
        if theirs:
            shown = theirs["*"] if set(theirs) == {"*"} else theirs
            not_carried.append(
                _(
                    "rules.{name} of {src_name} not carried over: {shown} (they would change what {target.id} matches)"
                ).format(
                    name=name, src_name=src_name, shown=describe_value(plain(shown)), target=target
                )
            )
    if source.rules is not None:
        for name in ("scope", "speaker", "match", "min_score"):
            theirs_v, ours_v = getattr(src, name), getattr(dst, name)
            if theirs_v != ours_v and theirs_v != getattr(Rules(), name):
                not_carried.append(
                    _(
                        "rules.{name} of {src_name} not carried over: {theirs_v!r} (kept {target.id}'s: {ours_v!r})"
                    ).format(
                        name=name,
                        src_name=src_name,
                        theirs_v=theirs_v,
                        target=target,
                        ours_v=ours_v,
                    )
                )
    return not_carried
