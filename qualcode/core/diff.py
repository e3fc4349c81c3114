"""What changed between two codebooks, keyed by stable code ids.

Codes are matched by id; a code whose id is gone but whose old id is listed under
``aliases`` of a code in the newer codebook has been given a new id (``renamed``).
Every other difference is reported field by field: labels per language
(``relabelled``), the parent (``moved``), and description, colour, key, examples,
aliases, memo and each auto-coding rule (``changed``).

This module is pure: no YAML, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from qualcode.core.codebook import Code, Codebook, Label, RelationType, Rules

TEXT_FIELDS = ("description", "inclusion", "exclusion", "memo")
"""Free-text fields of a code."""
SCALAR_FIELDS = (*TEXT_FIELDS, "color", "key", "valence")
"""Fields with one value each (besides label, id and parent)."""
LIST_FIELDS = ("examples", "aliases")
"""Fields holding a list of values, merged item by item."""
RULE_SCALARS = ("scope", "speaker", "match", "min_score")
RULE_LISTS = ("keywords", "phrases", "regex", "patterns", "negative")
RULE_DEFAULTS: dict[str, Any] = {
    "scope": "sentence",
    "speaker": "any",
    "match": "lemma",
    "min_score": None,
}


def is_list_field(name: str) -> bool:
    """True for fields whose values are lists merged item by item."""
    return name in LIST_FIELDS or (name.startswith("rules.") and name.split(".")[1] in RULE_LISTS)


def default_of(name: str) -> Any:
    """The value a field has when a code does not set it."""
    if is_list_field(name):
        return ()
    if name.startswith("rules."):
        return RULE_DEFAULTS.get(name.split(".")[1])
    if name in TEXT_FIELDS:
        return ""
    return None


def code_fields(code: Code) -> dict[str, Any]:
    """A code's own fields as a flat mapping (``label``, ``rules.keywords.id``, ...).

    ``id`` and ``parent`` are left out (the caller keys codes by them). Values are
    plain and comparable: tuples for lists, ``None`` for unset colour and key.
    """
    out: dict[str, Any] = {"label": _label(code.label)}
    for name in SCALAR_FIELDS:
        out[name] = getattr(code, name)
    out["examples"] = tuple(code.examples)
    out["aliases"] = tuple(code.aliases)
    if code.rules is not None:
        out.update(rule_fields(code.rules))
    return out


def rule_fields(rules: Rules) -> dict[str, Any]:
    """Rules as flat fields: ``rules.keywords.id`` (``*`` for every language), ``rules.scope``."""
    out: dict[str, Any] = {}
    for name in RULE_LISTS:
        values: dict[str, tuple[Any, ...]] = getattr(rules, name)
        for lang, items in values.items():
            if items:
                out[f"rules.{name}.{lang}"] = tuple(items)
    for name in RULE_SCALARS:
        value = getattr(rules, name)
        if value != RULE_DEFAULTS[name]:
            out[f"rules.{name}"] = value
    return out


def rules_from_fields(fields: Mapping[str, Any]) -> Rules | None:
    """The inverse of :func:`rule_fields` (``None`` when no rule field is set)."""
    lists: dict[str, dict[str, tuple[Any, ...]]] = {name: {} for name in RULE_LISTS}
    scalars: dict[str, Any] = dict(RULE_DEFAULTS)
    seen = False
    for key, value in fields.items():
        if not key.startswith("rules."):
            continue
        parts = key.split(".", 2)
        if parts[1] in RULE_LISTS and len(parts) == 3:
            if value:
                lists[parts[1]][parts[2]] = tuple(value)
                seen = True
        elif parts[1] in RULE_SCALARS and value != RULE_DEFAULTS[parts[1]]:
            scalars[parts[1]] = value
            seen = True
    if not seen:
        return None
    return Rules(
        keywords=lists["keywords"],
        phrases=lists["phrases"],
        regex=lists["regex"],
        patterns=lists["patterns"],
        negative=lists["negative"],
        scope=scalars["scope"],
        speaker=scalars["speaker"],
        match=scalars["match"],
        min_score=scalars["min_score"],
    )


def _label(label: Label) -> Label:
    return dict(label) if isinstance(label, dict) else label


def plain(value: Any) -> Any:
    """A value as JSON/YAML-friendly data (tuples become lists)."""
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    return value


# ----------------------------------------------------------------------------
# Diff


@dataclass(frozen=True)
class FieldChange:
    """One field of one code (or of the codebook, ``code=None``) that differs.

    Attributes:
        code: the code's id in the newer codebook (``None``: the codebook itself).
        field: ``label``, ``label.en``, ``parent``, ``description``, ``rules.keywords.id``, ...
        old: the value in the older codebook.
        new: the value in the newer one.
    """

    code: str | None
    field: str
    old: Any
    new: Any

    def to_json(self) -> dict[str, Any]:
        """A plain mapping for ``--json``."""
        return {
            "id": self.code,
            "field": self.field,
            "old": plain(self.old),
            "new": plain(self.new),
        }


@dataclass(frozen=True)
class CodebookDiff:
    """Every difference between codebook ``a`` (older) and ``b`` (newer).

    Attributes:
        added: codes of ``b`` that ``a`` lacks.
        removed: codes of ``a`` that ``b`` lacks.
        renamed: ``(old id, new id)`` for codes given a new id (the old one is an alias).
        relabelled: label changes, per language when both labels have languages.
        moved: parent changes (``old``/``new`` are parent ids, ``None`` = top level).
        changed: every other field that differs.
        codebook: name, description and languages of the codebook itself.
        relations: the relation vocabulary in force (``relations:``, else the
            default), keyed by type id: field ``added`` (``new`` its label),
            ``removed`` (``old`` its label), ``label`` / ``label.LANG`` or
            ``direction`` (``directed`` / ``undirected``).
    """

    added: tuple[Code, ...] = ()
    removed: tuple[Code, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()
    relabelled: tuple[FieldChange, ...] = ()
    moved: tuple[FieldChange, ...] = ()
    changed: tuple[FieldChange, ...] = ()
    codebook: tuple[FieldChange, ...] = ()
    relations: tuple[FieldChange, ...] = ()

    def is_empty(self) -> bool:
        """True when the two codebooks hold the same codes with the same fields."""
        return not (
            self.added
            or self.removed
            or self.renamed
            or self.relabelled
            or self.moved
            or self.changed
            or self.codebook
            or self.relations
        )

    def to_json(self) -> dict[str, Any]:
        """The documented ``codebook diff --json`` shape (see docs/codebook.md)."""
        return {
            "added": [_code_json(c) for c in self.added],
            "removed": [_code_json(c) for c in self.removed],
            "renamed": [{"old": old, "new": new} for old, new in self.renamed],
            "relabelled": [
                {
                    "id": ch.code,
                    "lang": ch.field.split(".", 1)[1] if "." in ch.field else None,
                    "old": plain(ch.old),
                    "new": plain(ch.new),
                }
                for ch in self.relabelled
            ],
            "moved": [
                {"id": ch.code, "old_parent": ch.old, "new_parent": ch.new} for ch in self.moved
            ],
            "changed": [ch.to_json() for ch in self.changed],
            "codebook": [ch.to_json() for ch in self.codebook],
            "relations": [ch.to_json() for ch in self.relations],
        }


def _code_json(code: Code) -> dict[str, Any]:
    return {"id": code.id, "label": plain(code.label), "parent": code.parent}


def label_changes(code: str | None, old: Label, new: Label) -> list[FieldChange]:
    """Label differences: per language when both are translations, else whole."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for lang in [*old, *(x for x in new if x not in old)]:
            if old.get(lang) != new.get(lang):
                out.append(FieldChange(code, f"label.{lang}", old.get(lang), new.get(lang)))
        return out
    return [FieldChange(code, "label", old, new)]


def match_codes(a: Codebook, b: Codebook) -> dict[str, str]:
    """Map ids of ``a`` to ids of ``b``: same id, or ``a``'s id listed as an alias in ``b``."""
    ids_b = {c.id for c in b}
    out: dict[str, str] = {}
    for code in a:
        if code.id in ids_b:
            out[code.id] = code.id
    taken = set(out.values())
    for code in b:
        if code.id in taken:
            continue
        for alias in code.aliases:
            if alias in a and alias not in out:
                out[alias] = code.id
                taken.add(code.id)
                break
    return out


def diff_codebooks(a: Codebook, b: Codebook) -> CodebookDiff:
    """Every difference from ``a`` (older) to ``b`` (newer), keyed by id.

    Args:
        a: the older (or "left") codebook.
        b: the newer (or "right") codebook.
    """
    matched = match_codes(a, b)
    back = {new: old for old, new in matched.items()}
    added = tuple(c for c in b if c.id not in back)
    removed = tuple(c for c in a if c.id not in matched)
    renamed = tuple((old, new) for old, new in matched.items() if old != new)
    relabelled: list[FieldChange] = []
    moved: list[FieldChange] = []
    changed: list[FieldChange] = []
    for old_id, new_id in matched.items():
        ca, cb = a[old_id], b[new_id]
        relabelled.extend(label_changes(new_id, ca.label, cb.label))
        parent_a = matched.get(ca.parent, ca.parent) if ca.parent else None
        if parent_a != cb.parent:
            moved.append(FieldChange(new_id, "parent", ca.parent, cb.parent))
        fa, fb = code_fields(ca), code_fields(cb)
        for key in _keys(fa, fb):
            if key == "label":
                continue
            va, vb = fa.get(key, default_of(key)), fb.get(key, default_of(key))
            if key == "aliases" and old_id != new_id and set(va) | {old_id} == set(vb):
                continue  # the old id became an alias: reported under renamed
            if va != vb:
                changed.append(FieldChange(new_id, key, va, vb))
    meta: list[FieldChange] = []
    for name in ("name", "description"):
        if getattr(a, name) != getattr(b, name):
            meta.append(FieldChange(None, name, getattr(a, name), getattr(b, name)))
    if a.languages != b.languages:
        meta.append(FieldChange(None, "languages", a.languages, b.languages))
    return CodebookDiff(
        relations=relation_changes(a.relation_types, b.relation_types),
        added=added,
        removed=removed,
        renamed=renamed,
        relabelled=tuple(relabelled),
        moved=tuple(moved),
        changed=tuple(changed),
        codebook=tuple(meta),
    )


def _direction(kind: RelationType) -> str:
    return "directed" if kind.directed else "undirected"


def relation_changes(
    a: tuple[RelationType, ...], b: tuple[RelationType, ...]
) -> tuple[FieldChange, ...]:
    """The differences of two relation vocabularies, keyed by type id (``a``'s order,
    then the types only ``b`` has)."""
    old = {t.id: t for t in a}
    new = {t.id: t for t in b}
    out: list[FieldChange] = []
    for type_id in _keys(old, new):
        ta, tb = old.get(type_id), new.get(type_id)
        if tb is None and ta is not None:
            out.append(FieldChange(type_id, "removed", ta.label, None))
        elif ta is None and tb is not None:
            out.append(FieldChange(type_id, "added", None, tb.label))
        elif ta is not None and tb is not None:
            out.extend(label_changes(type_id, ta.label, tb.label))
            if ta.directed != tb.directed:
                out.append(FieldChange(type_id, "direction", _direction(ta), _direction(tb)))
    return tuple(out)


def _keys(*mappings: Mapping[str, Any]) -> list[str]:
    seen: dict[str, None] = {}
    for m in mappings:
        for k in m:
            seen.setdefault(k, None)
    return list(seen)


def describe_value(value: Any, width: int = 60) -> str:
    """A short, one-line rendering of a field value for humans."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        text = " ".join(value.split())
        if not text:
            return "(empty)"
        return repr(text if len(text) <= width else text[: width - 1] + "…")
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {describe_value(v, width)}" for k, v in value.items()) + "}"
    if isinstance(value, Iterable):
        items = list(value)
        return "[" + ", ".join(describe_value(v, width) for v in items) + "]" if items else "[]"
    return str(value)
