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
from dataclasses import dataclass, field, replace
from typing import Any

from qualcode.core.codebook import Code, Codebook, tree_order
from qualcode.core.model import Anchor
from qualcode.core.spans import find_all
from qualcode.i18n import _, plural

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
    our_alias = {a: c.id for c in ours.codes for a in c.aliases}
    matches, matched_by = _match_codes(ours, theirs, our_alias, our_guids or {}, their_guids or {})
    notes = _matched_twice(matches)
    conflicts = _field_conflicts(ours, theirs, matches)
    taken = {c.id for c in ours.codes} | set(our_alias)
    added = _added_codes(ours, theirs, matches, taken, notes)
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


def _match_codes(
    ours: Codebook,
    theirs: Codebook,
    our_alias: Mapping[str, str],
    our_guids: Mapping[str, str],
    their_guids: Mapping[str, str],
) -> tuple[dict[str, str], dict[str, str]]:
    """Their code id -> our code id, and how each matched (``guid``, ``id``, ``alias``)."""
    by_guid = {g: cid for cid, g in our_guids.items()}
    matches: dict[str, str] = {}
    matched_by: dict[str, str] = {}
    for code in theirs.codes:
        guid = their_guids.get(code.id)
        if guid is not None and guid in by_guid:
            matches[code.id], matched_by[code.id] = by_guid[guid], "guid"
        elif code.id in ours:
            matches[code.id], matched_by[code.id] = code.id, "id"
        else:
            target = _alias_match(ours, our_alias, code)
            if target is not None:
                matches[code.id], matched_by[code.id] = target, "alias"
    return matches, matched_by


def _alias_match(ours: Codebook, our_alias: Mapping[str, str], code: Code) -> str | None:
    """Our code whose alias is their id, or whose id is one of their aliases."""
    target = our_alias.get(code.id)
    if target is None:
        for alias in code.aliases:
            found = ours.get(alias)
            if found is not None:
                return found.id
    return target


def _matched_twice(matches: Mapping[str, str]) -> list[str]:
    """A note for each of our codes that several of theirs match."""
    notes: list[str] = []
    matched_twice: dict[str, list[str]] = {}
    for theirs_id, ours_id in matches.items():
        matched_twice.setdefault(ours_id, []).append(theirs_id)
    for ours_id, theirs_ids in matched_twice.items():
        if len(theirs_ids) > 1:
            notes.append(
                _("their codes {theirs_ids} all match our {ours_id!r}").format(
                    theirs_ids=", ".join(theirs_ids), ours_id=ours_id
                )
            )
    return notes


def _field_conflicts(
    ours: Codebook, theirs: Codebook, matches: Mapping[str, str]
) -> list[FieldConflict]:
    """The fields in which matched codes differ (their parent read as ours)."""
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
    return conflicts


def _added_codes(
    ours: Codebook,
    theirs: Codebook,
    matches: Mapping[str, str],
    taken: set[str],
    notes: list[str],
) -> list[Code]:
    """Their codes that match none of ours, parents first, under our parent, without
    a key we use or an alias we have."""
    used_keys = {c.key for c in ours.codes if c.key}
    added: list[Code] = []
    for code in tree_order(list(theirs.codes)):
        if code.id in matches:
            continue
        parent = matches.get(code.parent, code.parent) if code.parent else None
        key = code.key
        if key and key in used_keys:
            notes.append(
                _("their code {code.id!r} keeps no key: {key!r} is ours already").format(
                    code=code, key=key
                )
            )
            key = None
        if key:
            used_keys.add(key)
        aliases = tuple(a for a in code.aliases if a not in taken)
        taken.add(code.id)
        taken.update(aliases)
        added.append(replace(code, parent=parent, key=key, aliases=aliases))
    return added


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


# ---------------------------------------------------------------------- themes

THEME_FIELDS = ("label", "definition", "status", "reason", "color")
"""A theme's own fields a project merge compares (besides its parent)."""


def merge_theme(
    ours: Mapping[str, Any], theirs: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The fields of a theme both projects hold (same guid).

    The side whose version is higher made the later edits: its fields win. At the
    same version with different fields ours stay, and the fields are reported.

    Returns:
        The fields to change on ours (with ``version``), and the names of the fields
        that differ but were kept as ours.
    """
    differ = [f for f in THEME_FIELDS if ours.get(f) != theirs.get(f)]
    if not differ:
        return {}, []
    if int(theirs.get("version", 1)) > int(ours.get("version", 1)):
        changed = {f: theirs.get(f) for f in differ}
        changed["version"] = int(theirs.get("version", 1))
        return changed, []
    return {}, differ


# ---------------------------------------------------------------------- report


@dataclass
class ProjectMergeReport:
    """What ``qualcode merge OTHER`` did (or, with ``--dry-run``, would do).

    Attributes:
        source: the other project.
        dry_run: nothing was written.
        documents_added: their documents we did not have.
        documents_same: matched by content hash (same text).
        documents_reanchored: matched by name, text differs: their codings re-anchored.
        codes_added: their codes we did not have.
        codes_deleted: our unused codes they deleted.
        aliases_added: ``alias -> code`` pairs added so their ids keep resolving.
        code_conflicts: fields of matched codes that differ (ours kept).
        notes: other remarks (keys, codes matched twice, ...).
        codings_added: their codings added.
        codings_updated: codings on both sides whose state (memo, review) was merged.
        codings_identical: identical codings stored once.
        codings_deleted: our codings deleted because they deleted them (tombstone).
        codings_tombstoned: their codings not added because one side deleted them.
        anchors: re-anchored codings by result (exact, moved, needs-review).
        memos_added: memos added.
        memos_updated: memos whose later version came from them.
        memos_deleted: our memos they deleted.
        comments_added: review comments added.
        marks_changed: done marks added or changed.
        coders_added: coders registered.
        cases_added: cases added.
        tombstones_added: deletions learnt from them.
        adjudications_added: adjudication decisions added.
        themes_added: their themes we did not have (by id).
        themes_updated: themes whose newer version came from them (by id).
        themes_deleted: our themes they deleted (by id).
        theme_codes_added: memberships of codes in themes added.
        extracts_added: key extracts added.
        relations_added: relations added.
        theme_rows_deleted: memberships, key extracts and relations they deleted.
        refused: one line per incoming row (or group) that failed validation or
            a tombstone that was not the deleting coder's own (nothing of it merged).
        backup: the backup made before writing (removed again when nothing changed).
        rows_changed: rows written, as the store counted them.
    """

    source: str
    dry_run: bool = False
    documents_added: list[str] = field(default_factory=list)
    documents_same: list[str] = field(default_factory=list)
    documents_reanchored: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    codes_deleted: list[str] = field(default_factory=list)
    aliases_added: list[tuple[str, str]] = field(default_factory=list)
    code_conflicts: list[FieldConflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    codings_added: int = 0
    codings_updated: int = 0
    codings_identical: int = 0
    codings_deleted: int = 0
    codings_tombstoned: int = 0
    anchors: dict[str, int] = field(default_factory=dict)
    memos_added: int = 0
    memos_updated: int = 0
    memos_deleted: int = 0
    comments_added: int = 0
    marks_changed: int = 0
    coders_added: list[str] = field(default_factory=list)
    cases_added: list[str] = field(default_factory=list)
    tombstones_added: int = 0
    adjudications_added: int = 0
    themes_added: list[str] = field(default_factory=list)
    themes_updated: list[str] = field(default_factory=list)
    themes_deleted: list[str] = field(default_factory=list)
    theme_codes_added: int = 0
    extracts_added: int = 0
    relations_added: int = 0
    theme_rows_deleted: int = 0
    refused: list[str] = field(default_factory=list)
    backup: str | None = None
    rows_changed: int = 0
    """Rows the merge wrote (inserted, updated or deleted), counted by the store."""

    @property
    def changed(self) -> bool:
        """Whether the merge changed anything."""
        return self._themes_changed() or any(
            (
                self.rows_changed,
                self.documents_added,
                self.codes_added,
                self.codes_deleted,
                self.aliases_added,
                self.codings_added,
                self.codings_updated,
                self.codings_deleted,
                self.memos_added,
                self.memos_updated,
                self.memos_deleted,
                self.comments_added,
                self.marks_changed,
                self.coders_added,
                self.cases_added,
                self.tombstones_added,
                self.adjudications_added,
            )
        )

    def _themes_changed(self) -> bool:
        """Whether the merge changed a theme, a membership, an extract or a relation."""
        return any(
            (
                self.themes_added,
                self.themes_updated,
                self.themes_deleted,
                self.theme_codes_added,
                self.extracts_added,
                self.relations_added,
                self.theme_rows_deleted,
            )
        )

    def lines(self) -> list[str]:
        """The report for the user, one fact per line (whole sentences, each in a dry
        run's "would add" and a merge's "added" form, for the translations)."""
        out = [self._documents_line(), self._codes_line(), self._codings_line()]
        if self.anchors:
            out.append(
                _("re-anchored: {counts}").format(
                    counts=", ".join(_anchored(k, n) for k, n in sorted(self.anchors.items()))
                )
            )
        out.append(self._memos_line())
        if self._themes_changed():
            out.append(self._themes_line())
        if self.coders_added or self.cases_added:
            people = dict(
                coders=", ".join(self.coders_added) or "-",
                cases=", ".join(self.cases_added) or "-",
            )
            out.append(
                (
                    _("coders would add: {coders}; cases would add: {cases}")
                    if self.dry_run
                    else _("coders added: {coders}; cases added: {cases}")
                ).format(**people)
            )
        for c in self.code_conflicts:
            out.append(
                _("differs: {code}.{field}: ours {ours}, theirs {theirs}").format(
                    code=c.code, field=c.field, ours=_show(c.ours), theirs=_show(c.theirs)
                )
            )
        out += [_("note: {note}").format(note=n) for n in self.notes]
        if self.refused:
            out.append(_("refused: {n} (not merged; the rest was)").format(n=len(self.refused)))
            out += [_("refused: {reason}").format(reason=r) for r in self.refused]
        return out

    def _documents_line(self) -> str:
        docs = dict(
            added=len(self.documents_added),
            same=len(self.documents_same),
            reanchored=len(self.documents_reanchored),
        )
        return (
            _(
                "documents: {added} would add, {same} the same, {reanchored} with a "
                "different text (codings re-anchored)"
            )
            if self.dry_run
            else _(
                "documents: {added} added, {same} the same, {reanchored} with a "
                "different text (codings re-anchored)"
            )
        ).format(**docs)

    def _codes_line(self) -> str:
        codes = dict(
            added=len(self.codes_added),
            names=f" ({', '.join(self.codes_added)})" if self.codes_added else "",
            aliases=len(self.aliases_added),
            fields=len(self.code_conflicts),
        )
        code_line = (
            _(
                "codes: {added} would add{names}, {aliases} aliases, {fields} differing "
                "fields (ours kept)"
            )
            if self.dry_run
            else _(
                "codes: {added} added{names}, {aliases} aliases, {fields} differing fields "
                "(ours kept)"
            )
        ).format(**codes)
        if self.codes_deleted:
            code_line = _("{line}, {n} deleted ({names})").format(
                line=code_line, n=len(self.codes_deleted), names=", ".join(self.codes_deleted)
            )
        return code_line

    def _codings_line(self) -> str:
        codings = dict(
            added=self.codings_added,
            merged=self.codings_updated,
            identical=self.codings_identical,
            deleted=self.codings_deleted,
            tombstoned=self.codings_tombstoned,
        )
        return (
            _(
                "codings: {added} would add, {merged} merged, {identical} identical stored "
                "once, {deleted} deleted (deleted on their side), {tombstoned} not added "
                "(deleted on one side)"
            )
            if self.dry_run
            else _(
                "codings: {added} added, {merged} merged, {identical} identical stored "
                "once, {deleted} deleted (deleted on their side), {tombstoned} not added "
                "(deleted on one side)"
            )
        ).format(**codings)

    def _memos_line(self) -> str:
        memos = dict(
            added=self.memos_added,
            updated=self.memos_updated,
            deleted=self.memos_deleted,
            comments=self.comments_added,
            marks=self.marks_changed,
        )
        return (
            _(
                "memos: {added} would add, {updated} updated, {deleted} deleted; review "
                "comments: {comments} would add; done marks: {marks} changed"
            )
            if self.dry_run
            else _(
                "memos: {added} added, {updated} updated, {deleted} deleted; review "
                "comments: {comments} added; done marks: {marks} changed"
            )
        ).format(**memos)

    def _themes_line(self) -> str:
        themes = dict(
            added=len(self.themes_added),
            added_names=_names(self.themes_added),
            updated=len(self.themes_updated),
            updated_names=_names(self.themes_updated),
            deleted=len(self.themes_deleted),
            deleted_names=_names(self.themes_deleted),
            members=self.theme_codes_added,
            extracts=self.extracts_added,
            relations=self.relations_added,
            removed=self.theme_rows_deleted,
        )
        return (
            _(
                "themes: {added} would add{added_names}, {updated} updated"
                "{updated_names}, {deleted} deleted{deleted_names}; member codes: "
                "{members} would add; key extracts: {extracts} would add; relations: "
                "{relations} would add; {removed} members, extracts or relations deleted"
            )
            if self.dry_run
            else _(
                "themes: {added} added{added_names}, {updated} updated{updated_names}, "
                "{deleted} deleted{deleted_names}; member codes: {members} added; key "
                "extracts: {extracts} added; relations: {relations} added; {removed} "
                "members, extracts or relations deleted"
            )
        ).format(**themes)


def _anchored(how: str, n: int) -> str:
    """``3 exact``, ``2 moved``, ``1 needs-review`` (codings re-anchored each way)."""
    if how == "exact":
        return plural(n, "{n} exact", "{n} exact")
    if how == "moved":
        return plural(n, "{n} moved", "{n} moved")
    if how == "needs-review":
        return plural(n, "{n} needs-review", "{n} needs-review")
    return f"{n} {how}"


def _names(names: list[str]) -> str:
    """`` (a, b)`` after a count, or nothing."""
    return f" ({', '.join(names)})" if names else ""


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"
