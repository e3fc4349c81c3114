"""Pure decisions of a project merge: code matching, re-anchoring, state merging.

The store's project merge (``qualcode merge OTHER``) reads both projects and asks
these functions what to do, so every rule is testable without a database:

* :func:`union_codebooks` matches the other side's codes to ours (guid, then id,
  then alias), lists the codes to add and the fields that differ (ours kept): a
  two-way union that never drops a code.
* :func:`reanchor` moves a coding from an old text onto a new one: the exact quote
  near the old offset, else its only occurrence, else ``needs-review`` with the old
  span clipped to the new text. A coding is never dropped.
* :func:`merge_coding_state`, :func:`merge_memo`, :func:`merge_mark` and
  :func:`survivor` decide between two versions of one object so that merging A into
  B and B into A give the same result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from qualcode.core.codebook import Code, Codebook, tree_order
from qualcode.core.model import Anchor
from qualcode.core.spans import find_all

# ---------------------------------------------------------------------- codes

COMPARED_FIELDS = (
    "label",
    "parent",
    "description",
    "inclusion",
    "exclusion",
    "examples",
    "color",
    "key",
    "rules",
    "memo",
)
"""Code fields compared between the two sides (a difference is reported, ours kept)."""


@dataclass(frozen=True)
class FieldConflict:
    """A field of a matched code that differs between the two sides (ours is kept).

    Attributes:
        code: our code id.
        field: the field name.
        ours: our value.
        theirs: their value.
    """

    code: str
    field: str
    ours: object
    theirs: object


@dataclass(frozen=True)
class CodebookUnion:
    """What merging their codebook into ours does.

    Attributes:
        matches: their code id -> our code id, for every matched code.
        matched_by: their code id -> ``guid``, ``id`` or ``alias``.
        added: their codes to add, parents mapped to our ids, tree order.
        aliases: ``(alias, our code id)`` pairs to add so their ids keep resolving.
        conflicts: fields that differ on matched codes (ours kept).
        notes: anything else worth telling (a key already taken, ...).
    """

    matches: dict[str, str]
    matched_by: dict[str, str]
    added: tuple[Code, ...]
    aliases: tuple[tuple[str, str], ...]
    conflicts: tuple[FieldConflict, ...]
    notes: tuple[str, ...]

    def resolve(self, their_id: str) -> str:
        """Our id for one of their code ids (matched or added)."""
        return self.matches.get(their_id, their_id)


def _field(code: Code, name: str) -> Any:
    value = getattr(code, name)
    if name == "rules":
        return value.to_data() if value is not None else None
    return value


def union_codebooks(
    ours: Codebook,
    theirs: Codebook,
    *,
    our_guids: Mapping[str, str] | None = None,
    their_guids: Mapping[str, str] | None = None,
) -> CodebookUnion:
    """A two-way union of two codebooks: every code of both sides is kept.

    Their codes are matched to ours by guid, then by id, then by alias (their id is
    one of our aliases, or one of their aliases is our id or alias). A code only they
    have is added (its parent mapped to ours; a key we already use is dropped). For a
    matched code, fields that differ are reported and ours are kept.

    Args:
        ours: our codebook.
        theirs: their codebook.
        our_guids: our code id -> guid.
        their_guids: their code id -> guid.
    """
    our_guids = our_guids or {}
    their_guids = their_guids or {}
    by_guid = {g: cid for cid, g in our_guids.items()}
    our_alias = {a: c.id for c in ours.codes for a in c.aliases}
    matches: dict[str, str] = {}
    matched_by: dict[str, str] = {}
    for code in theirs.codes:
        guid = their_guids.get(code.id)
        if guid is not None and guid in by_guid:
            matches[code.id], matched_by[code.id] = by_guid[guid], "guid"
        elif code.id in ours:
            matches[code.id], matched_by[code.id] = code.id, "id"
        else:
            target = our_alias.get(code.id)
            if target is None:
                for alias in code.aliases:
                    found = ours.get(alias)
                    if found is not None:
                        target = found.id
                        break
            if target is not None:
                matches[code.id], matched_by[code.id] = target, "alias"
    notes: list[str] = []
    matched_twice: dict[str, list[str]] = {}
    for theirs_id, ours_id in matches.items():
        matched_twice.setdefault(ours_id, []).append(theirs_id)
    for ours_id, theirs_ids in matched_twice.items():
        if len(theirs_ids) > 1:
            notes.append(f"their codes {', '.join(theirs_ids)} all match our {ours_id!r}")
    conflicts: list[FieldConflict] = []
    for code in theirs.codes:
        if code.id not in matches:
            continue
        mine = ours[matches[code.id]]
        for name in COMPARED_FIELDS:
            a, b = _field(mine, name), _field(code, name)
            if name == "parent" and b is not None:
                b = matches.get(b, b)
            if a != b:
                conflicts.append(FieldConflict(mine.id, name, a, b))
    used_keys = {c.key for c in ours.codes if c.key}
    taken = {c.id for c in ours.codes} | set(our_alias)
    added: list[Code] = []
    for code in tree_order(list(theirs.codes)):
        if code.id in matches:
            continue
        parent = matches.get(code.parent, code.parent) if code.parent else None
        key = code.key
        if key and key in used_keys:
            notes.append(f"their code {code.id!r} keeps no key: {key!r} is ours already")
            key = None
        if key:
            used_keys.add(key)
        aliases = tuple(a for a in code.aliases if a not in taken)
        taken.add(code.id)
        taken.update(aliases)
        added.append(replace(code, parent=parent, key=key, aliases=aliases))
    aliases_out: list[tuple[str, str]] = []
    for code in theirs.codes:
        if code.id not in matches:
            continue
        target = matches[code.id]
        for alias in (code.id, *code.aliases):
            if alias != target and alias not in taken:
                taken.add(alias)
                aliases_out.append((alias, target))
    return CodebookUnion(
        matches=matches,
        matched_by=matched_by,
        added=tuple(added),
        aliases=tuple(aliases_out),
        conflicts=tuple(conflicts),
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------- re-anchoring


@dataclass(frozen=True)
class Reanchored:
    """Where a coding lands on the new text.

    Attributes:
        start: new start.
        end: new end (exclusive), ``start < end``.
        anchor: ``exact`` (same place, same text), ``moved`` (same text elsewhere) or
            ``needs-review`` (the quote is not found once; old span kept, clipped).
    """

    start: int
    end: int
    anchor: str


def reanchor(
    new_text: str, start: int, end: int, quote: str, *, window: int | None = None
) -> Reanchored:
    """Put a coding made on an older text onto ``new_text``.

    1. The quote at the same offsets: ``exact``.
    2. The quote within ``window`` characters of the old start (the nearest, the
       earlier on a tie): ``moved``.
    3. The quote exactly once anywhere: ``moved``.
    4. Otherwise ``needs-review``: the old offsets, clipped into the new text (the
       coding keeps its old quote; it is never dropped).

    Args:
        new_text: the text the coding must fit.
        start: the old start.
        end: the old end.
        quote: the text the coding covered.
        window: how far "near" reaches (default: 200 characters, or the
            quote's length when longer).

    Raises:
        ValueError: when ``new_text`` is empty (nothing can hold a coding).
    """
    if not new_text:
        raise ValueError("cannot anchor a coding in an empty text")
    if quote and new_text[start:end] == quote:
        return Reanchored(start, end, Anchor.EXACT.value)
    hits = find_all(new_text, quote) if quote else []
    if hits:
        reach = window if window is not None else max(200, len(quote))
        near = [h for h in hits if abs(h - start) <= reach]
        if near:
            best = min(near, key=lambda h: (abs(h - start), h))
            return Reanchored(best, best + len(quote), Anchor.MOVED.value)
        if len(hits) == 1:
            return Reanchored(hits[0], hits[0] + len(quote), Anchor.MOVED.value)
    n = len(new_text)
    s = min(max(start, 0), n - 1)
    e = min(max(end, s + 1), n)
    return Reanchored(s, e, Anchor.NEEDS_REVIEW.value)


# ---------------------------------------------------------------------- state


CODING_STATE = ("memo", "status", "review", "reviewer", "reviewed_at")
"""Fields of a coding that either side may have changed (its place is not among them)."""


def _order_key(values: tuple[Any, ...]) -> tuple[tuple[int, str], ...]:
    return tuple((0, "") if v is None else (1, str(v)) for v in values)


def merge_coding_state(ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> dict[str, Any]:
    """The state two copies of one coding (same guid) agree on after a merge.

    The copy with the higher ``version`` wins; on equal versions with different
    states, the state that sorts last wins, so that the choice does not depend on
    which side merges into which.

    Returns:
        ``CODING_STATE`` fields plus ``version``.
    """
    a = tuple(ours.get(f) for f in CODING_STATE)
    b = tuple(theirs.get(f) for f in CODING_STATE)
    va, vb = int(ours.get("version") or 1), int(theirs.get("version") or 1)
    if va != vb:
        win, version = (a, va) if va > vb else (b, vb)
    else:
        win, version = max(a, b, key=_order_key), va
    return {**dict(zip(CODING_STATE, win, strict=True)), "version": version}


def merge_memo(ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> dict[str, Any]:
    """The version of a memo (same guid) to keep: the later ``updated`` wins, then
    the one whose ``(title, text)`` sorts last."""
    ka = (str(ours.get("updated") or ""), str(ours.get("title") or ""), str(ours.get("text") or ""))
    kb = (
        str(theirs.get("updated") or ""),
        str(theirs.get("title") or ""),
        str(theirs.get("text") or ""),
    )
    win = ours if ka >= kb else theirs
    return {"updated": win.get("updated"), "title": win.get("title"), "text": win.get("text")}


def merge_mark(ours: tuple[bool, str], theirs: tuple[bool, str]) -> tuple[bool, str]:
    """A coder's done mark on a document, ``(done, at)``: the later one wins; on the
    same time, done wins."""
    return max(ours, theirs, key=lambda m: (m[1], m[0]))


def survivor(a: str, b: str) -> str:
    """Of two identical codings with different guids, the one both sides keep."""
    return min(a, b)
