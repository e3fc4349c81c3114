"""Supervisor review: verdicts on codings and the thread of comments behind them.

A coding's review state (unreviewed / approved / disputed) lives in its own fields,
apart from its coder, origin, status and anchor, so a review never overwrites a
coder's work. Every verdict, reply and revision is one entry of the coding's thread,
kept for good.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qualcode.core.model import Coding, Review
from qualcode.i18n import N_, _

VERDICTS = (Review.APPROVED.value, Review.DISPUTED.value, Review.UNREVIEWED.value)
"""What a reviewer can set (``unreviewed`` withdraws a verdict)."""


@dataclass(frozen=True)
class ThreadEntry:
    """One entry of a coding's review thread.

    Attributes:
        guid: the entry's identifier.
        coding: the coding's guid.
        author: who wrote it (reviewer or researcher).
        at: when (ISO-8601 UTC).
        kind: a verdict (``approved``, ``disputed``, ``unreviewed``), a plain
            ``comment``, or a researcher's ``reply`` or ``revision``.
        text: the comment (for a revision, what changed).
    """

    guid: str
    coding: str
    author: str
    at: str
    kind: str
    text: str
    sheet: str | None = None
    """The exported review sheet it was applied from (``review apply``), if any."""


@dataclass(frozen=True)
class ReviewItem:
    """A coding with its thread, as a queue lists it."""

    coding: Coding
    thread: tuple[ThreadEntry, ...]

    @property
    def last(self) -> ThreadEntry | None:
        """The newest entry of the thread."""
        return self.thread[-1] if self.thread else None


@dataclass(frozen=True)
class ExportedState:
    """What a quote sheet's row showed when it was exported (its hidden state sheet).

    Attributes:
        code: the coding's own code id at the export.
        shown: what the row's ``code`` column showed (the code, or its dimension when
            the export rolled codes up).
        review: the verdict then.
        comment: the comment column then (the newest entry of the thread).
        reviewer: who gave that verdict.
        reviewed_at: when.
        thread: how many entries the thread had.
    """

    code: str
    shown: str
    review: str
    comment: str
    reviewer: str | None = None
    reviewed_at: str | None = None
    thread: int = 0


@dataclass(frozen=True)
class ReviewEntryIn:
    """One row a supervisor filled in offline (``review apply``).

    Attributes:
        guid: the coding's guid from the sheet.
        verdict: ``approved``, ``disputed``, ``unreviewed`` or ``""`` (no change).
        comment: the supervisor's comment (may be empty).
        code: the code id the sheet shows, checked against the coding's.
        row: the sheet row, for messages.
        exported: what the row showed when the sheet was exported (``None``: a
            sheet, or a row, without recorded states).
        sheet: the exported sheet's id (from its state sheet).
        quote: the row's quote, to name the passage in messages.
    """

    guid: str
    verdict: str
    comment: str
    code: str | None = None
    row: int | None = None
    exported: ExportedState | None = None
    sheet: str | None = None
    quote: str = ""


@dataclass(frozen=True)
class CodingState:
    """A coding as the project holds it now, for planning a review sheet.

    Attributes:
        guid: the coding.
        doc: its document.
        code: its code id.
        label: the code's label (for messages).
        names: every name that denotes its code: the id, its aliases, its labels.
        quote: the coded text.
        review: the verdict now.
        reviewer: who gave it.
        reviewed_at: when.
        thread: every entry of its thread, oldest first.
    """

    guid: str
    doc: str
    code: str
    label: str
    names: frozenset[str]
    quote: str
    review: str
    reviewer: str | None
    reviewed_at: str | None
    thread: tuple[ThreadEntry, ...] = ()


APPLY, UNCHANGED, CONFLICT, UNMATCHED = "apply", "unchanged", "conflict", "unmatched"
# what ``review apply`` does with a row


@dataclass(frozen=True)
class Decision:
    """What ``review apply`` does with one row.

    Attributes:
        entry: the row.
        outcome: ``apply``, ``unchanged``, ``conflict`` or ``unmatched``.
        verdict: the verdict to set (``None``: the verdict stays).
        comment: the comment to add to the thread (``""``: none).
        message: one line for the user (what is done, or why not).
    """

    entry: ReviewEntryIn
    outcome: str
    verdict: str | None = None
    comment: str = ""
    message: str = ""


def passage(state: CodingState) -> str:
    """A coding in the researcher's words: its first words, code label and document."""
    one = " ".join(state.quote.split())
    clipped = one if len(one) <= 40 else one[:39] + "…"
    return f"the coding \u201c{clipped}\u201d ({state.label}, {state.doc})"


_THREAD_VERDICTS = frozenset({*VERDICTS, "revision"})


def plan_reviews(
    entries: Sequence[ReviewEntryIn],
    states: Mapping[str, CodingState],
    code_of: Mapping[str, str],
    *,
    reviewer: str,
    overwrite: bool = False,
) -> list[Decision]:
    """Merge a supervisor's sheet into the project's review state, row by row.

    The sheet is merged, not replayed: a row acts only where the supervisor changed
    its review or comment since the export (its hidden state sheet says what it
    showed). A coding reviewed again after the export (a new verdict or a revision)
    is a conflict and keeps the project's verdict unless ``overwrite``; a row already
    applied from this very sheet (its thread holds an entry from it) is unchanged, so
    applying a sheet twice changes nothing. A code named by an alias or a label (a
    code renamed since the export) matches; a coding moved to another code since the
    export, or a code cell naming another code, does not.

    Args:
        entries: the rows (with the states they were exported with, if recorded).
        states: the codings now, by guid.
        code_of: every code id and alias -> the code id it denotes now.
        reviewer: who applies the sheet (their verdicts).
        overwrite: apply conflicting rows, and rows of a sheet without recorded states.

    Returns:
        One decision per row, in the rows' order.
    """
    out: list[Decision] = []
    for e in entries:
        state = states.get(e.guid)
        if state is None:
            message = (
                _(
                    "no coding with guid {guid!r} (\u201c{quote}\u201d): deleted since the "
                    "export, or the sheet is from another project"
                )
                if e.quote
                else _(
                    "no coding with guid {guid!r}: deleted since the export, or the sheet is "
                    "from another project"
                )
            ).format(guid=e.guid, quote=_clip(e.quote))
            out.append(Decision(e, UNMATCHED, message=message))
            continue
        mismatch = _code_mismatch(e, state, code_of)
        if mismatch:
            out.append(Decision(e, UNMATCHED, message=mismatch))
            continue
        if e.sheet and e.exported is None and not overwrite and (e.verdict or e.comment):
            out.append(
                Decision(
                    e,
                    UNMATCHED,
                    message=_(
                        "{passage} was not in the sheet when it was exported "
                        "(a row added, or its guid edited, since); not applied (--overwrite "
                        "applies it as it is)"
                    ).format(passage=passage(state)),
                )
            )
            continue
        out.append(_decide(e, state, reviewer=reviewer, overwrite=overwrite))
    return out


def _clip(text: str, width: int = 40) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 1] + "…"


def _code_mismatch(e: ReviewEntryIn, state: CodingState, code_of: Mapping[str, str]) -> str | None:
    """Why the row is not about this coding as it is coded now, or ``None``."""
    x = e.exported
    if x is not None and x.code and code_of.get(x.code) != state.code:
        return _(
            "{passage} is coded {code!r} now; the sheet's row was about {was!r} "
            "(recoded since the export)"
        ).format(passage=passage(state), code=state.code, was=x.code)
    cell = (e.code or "").strip()
    if not cell or (x is not None and cell == x.shown) or cell in state.names:
        return None
    return _("{passage} is coded {code!r}, the sheet says {cell!r}").format(
        passage=passage(state), code=state.code, cell=cell
    )


def _decide(e: ReviewEntryIn, state: CodingState, *, reviewer: str, overwrite: bool) -> Decision:
    x = e.exported
    if x is None:  # no recorded state (refused earlier unless --overwrite): as it is
        return _as_it_is(e, state)
    new_verdict = e.verdict if e.verdict and e.verdict != x.review else None
    comment = _added(x.comment, e.comment)
    if new_verdict is None and not comment:
        return Decision(e, UNCHANGED)
    if e.sheet and any(t.sheet == e.sheet for t in state.thread):
        return Decision(
            e,
            UNCHANGED,
            message=_("{passage}: already applied from this sheet").format(passage=passage(state)),
        )
    later = [t for t in state.thread[x.thread :] if t.kind in _THREAD_VERDICTS]
    changed = (state.review, state.reviewer, state.reviewed_at) != (
        x.review,
        x.reviewer,
        x.reviewed_at,
    )
    if new_verdict is not None and (later or changed) and not overwrite:
        now = _verdict_now(state, later)
        return Decision(
            e,
            CONFLICT,
            verdict=new_verdict,
            comment=comment,
            message=_(
                "{passage} was reviewed again after the sheet was exported: "
                "the sheet says {verdict} ({reviewer}), the project says {now}; "
                "the project's verdict is kept (--overwrite applies the sheet's)"
            ).format(
                passage=passage(state), verdict=_verdict(new_verdict), reviewer=reviewer, now=now
            ),
        )
    verdict = new_verdict if new_verdict != state.review else None
    return _apply(e, state, verdict, comment)


def _as_it_is(e: ReviewEntryIn, state: CodingState) -> Decision:
    """An entry with no recorded state: its verdict where it differs, its comment
    where the thread lacks it."""
    verdict = e.verdict if e.verdict and e.verdict != state.review else None
    texts = {t.text for t in state.thread}
    comment = e.comment.strip() if e.comment.strip() not in texts else ""
    return _apply(e, state, verdict, comment)


def _verdict_now(state: CodingState, later: Sequence[ThreadEntry]) -> str:
    """The project's verdict and who gave it when (the last verdict in the thread
    since the sheet was exported, else the coding's review)."""
    if later:
        last = later[-1]
        return (
            _("{review} (revised {author}, {at})")
            if last.kind == "revision"
            else _("{review} (by {author}, {at})")
        ).format(review=_verdict(state.review), author=last.author, at=last.at)
    return _("{review} (by {author}, {at})").format(
        review=_verdict(state.review),
        author=state.reviewer or "?",
        at=state.reviewed_at or "?",
    )


def _apply(e: ReviewEntryIn, state: CodingState, verdict: str | None, comment: str) -> Decision:
    if verdict is None and not comment:
        return Decision(e, UNCHANGED)
    values = dict(
        verdict=_verdict(verdict or ""), passage=passage(state), comment=_clip(comment, 60)
    )
    if verdict:
        message = _("{verdict} {passage}: {comment}") if comment else _("{verdict} {passage}")
    else:
        message = _("a comment on {passage}: {comment}")
    return Decision(e, APPLY, verdict=verdict, comment=comment, message=message.format(**values))


VERDICT_WORDS = {
    "approved": N_("approved"),
    "disputed": N_("disputed"),
    "unreviewed": N_("unreviewed"),
}
"""The review states as messages name them (stored in English)."""


def _verdict(value: str) -> str:
    return _(VERDICT_WORDS[value]) if value in VERDICT_WORDS else value


def _added(before: str, after: str) -> str:
    """The comment the supervisor added to a cell that showed ``before``."""
    b, a = before.strip(), after.strip()
    if a == b or not a:
        return ""
    if b and a.startswith(b):
        return a[len(b) :].strip()
    return a


def normalize_verdict(value: str) -> str | None:
    """A sheet's review cell as a verdict (``""`` for none); ``None`` when unknown."""
    v = value.strip().lower()
    aliases = {
        "": "",
        "approve": "approved",
        "approved": "approved",
        "ok": "approved",
        "dispute": "disputed",
        "disputed": "disputed",
        "unreviewed": "unreviewed",
    }
    return aliases.get(v)
