"""Rows <-> core dataclasses, in one place so ORM objects never leak out of the store."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from qualcode.core.codebook import Code, Rules, rules_from_data
from qualcode.core.model import Coding, Turn


def label_to_db(label: str | dict[str, str]) -> str:
    """A label as JSON text (a plain string stays a JSON string)."""
    return json.dumps(label, ensure_ascii=False)


def label_from_db(value: str) -> str | dict[str, str]:
    """The inverse of :func:`label_to_db`."""
    loaded = json.loads(value)
    if isinstance(loaded, dict):
        return {str(k): str(v) for k, v in loaded.items()}
    return str(loaded)


def rules_to_db(rules: Rules | None) -> str | None:
    """Rules as JSON in the YAML shape, ``None`` when there are none."""
    if rules is None:
        return None
    data = rules.to_data()
    return json.dumps(data, ensure_ascii=False, sort_keys=True) if data else None


def code_values(code: Code) -> dict[str, Any]:
    """The code's own columns (no pk, parent, position, guid)."""
    return {
        "id": code.id,
        "label": label_to_db(code.label),
        "description": code.description,
        "inclusion": code.inclusion,
        "exclusion": code.exclusion,
        "examples": json.dumps(list(code.examples), ensure_ascii=False),
        "color": code.color,
        "key": code.key,
        "rules": rules_to_db(code.rules),
        "memo": code.memo,
        "valence": code.valence,
    }


def code_from_row(row: Mapping[Any, Any], parent: str | None, aliases: tuple[str, ...]) -> Code:
    """A :class:`Code` from a ``codes`` row mapping."""
    rules_json = row["rules"]
    return Code(
        id=row["id"],
        label=label_from_db(row["label"]),
        parent=parent,
        description=row["description"] or "",
        inclusion=row["inclusion"] or "",
        exclusion=row["exclusion"] or "",
        examples=tuple(json.loads(row["examples"] or "[]")),
        color=row["color"],
        key=row["key"],
        aliases=aliases,
        rules=rules_from_data(json.loads(rules_json)) if rules_json else None,
        memo=row["memo"] or "",
        valence=row.get("valence"),
    )


_CODING_FIELDS = (
    "guid", "doc", "code", "start", "end", "coder", "created", "quote", "memo", "origin",
    "status", "review", "anchor", "reviewer", "reviewed_at", "memo_author",
)  # fmt: skip


def codings_from_result(keys: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[Coding]:
    """:class:`Coding` objects from plain result tuples (``keys`` names their columns):
    the fast path for a long document's thousands of codings."""
    at = [list(keys).index(f) for f in _CODING_FIELDS]
    return [Coding(*[r[i] for i in at]) for r in rows]


def coding_from_row(row: Mapping[Any, Any]) -> Coding:
    """A :class:`Coding` from a joined row with ``doc`` and ``code`` columns."""
    return Coding(
        guid=row["guid"],
        doc=row["doc"],
        code=row["code"],
        start=row["start"],
        end=row["end"],
        coder=row["coder"],
        created=row["created"],
        quote=row["quote"],
        memo=row["memo"],
        origin=row["origin"],
        status=row["status"],
        review=row["review"],
        anchor=row["anchor"],
        reviewer=row["reviewer"],
        reviewed_at=row["reviewed_at"],
        memo_author=row.get("memo_author") if row["memo"] else None,
    )


def turn_from_row(row: Sequence[Any], joint: list[tuple[str, str | None]] | None) -> Turn:
    """A stored turn from ``(ordinal, start, end, speaker, role, label_start,
    timestamp_ms)``; a joint turn's speakers and roles from ``turn_speakers``."""
    number, start, end, speaker, role, label_start, ts = row
    people = joint or ([(speaker, role)] if speaker else [])
    return Turn(
        number,
        start,
        end,
        speaker,
        role,
        label_start,
        ts,
        tuple(p for p, _ in people),
        tuple(r for _, r in people),
    )
