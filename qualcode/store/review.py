"""Supervisor review: verdicts, comment threads, replies, revisions and queues.

A review touches only ``codings.review``, ``reviewer`` and ``reviewed_at`` and the
``review_comments`` thread: never the coding's coder, origin, status or anchor. A
researcher's revision changes the coding's span or code (keeping its guid, so the
thread stays attached) and sends it back to the reviewer as ``unreviewed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, select

from qualcode.clock import new_guid, now
from qualcode.core.model import Coding, Review
from qualcode.core.review import (
    APPLY,
    CONFLICT,
    UNCHANGED,
    UNMATCHED,
    VERDICTS,
    CodingState,
    ReviewEntryIn,
    ReviewItem,
    ThreadEntry,
    plan_reviews,
)
from qualcode.errors import ConflictError, InputError, NotFoundError
from qualcode.i18n import _
from qualcode.store import convert
from qualcode.store.base import T_CODES, T_CODINGS, T_DOCS, ProjectBase, Tx
from qualcode.store.schema import ReviewCommentRow

T_COMMENTS: Table = ReviewCommentRow.__table__  # type: ignore[assignment]

QUEUES = ("disputed", "awaiting", "unreviewed", "approved")
"""``disputed``: the researcher's to-do; ``awaiting``: answered (reply or revision) and
back with the reviewer; ``unreviewed`` / ``approved``: by state."""


@dataclass(frozen=True)
class ApplyReport:
    """What ``review apply`` did (or, on a dry run, would do).

    Attributes:
        changed: codings whose verdict or thread changed.
        unchanged: rows the supervisor did not change, or already applied.
        unmatched: one message per row that matches no coding (or the wrong one).
        conflicts: one message per row whose coding was reviewed again after the
            export (the project's verdict kept).
        applied: one message per row applied.
        dry_run: nothing was written.
    """

    changed: int = 0
    unchanged: int = 0
    unmatched: tuple[str, ...] = field(default_factory=tuple)
    conflicts: tuple[str, ...] = field(default_factory=tuple)
    applied: tuple[str, ...] = field(default_factory=tuple)
    dry_run: bool = False


class _DryRun(Exception):
    def __init__(self, report: ApplyReport) -> None:
        super().__init__("dry run")
        self.report = report


class CodingReview:
    """Review verdicts and threads (one action each)."""

    def __init__(self, store: ProjectBase) -> None:
        self.store = store

    def _coding_row(self, conn: Connection, guid: str) -> Any:
        row = (
            conn.execute(self.store.coding_select().where(T_CODINGS.c.guid == guid))
            .mappings()
            .first()
        )
        if row is None:
            raise NotFoundError(
                _("no coding with guid {guid!r}").format(guid=guid),
                hint=_("'qualcode codings --json' lists the guids"),
            )
        return row

    def _thread(self, conn: Connection, guid: str) -> list[ThreadEntry]:
        return [
            ThreadEntry(r.guid, r.coding_guid, r.author, r.at, r.kind, r.text, r.sheet)
            for r in conn.execute(
                select(T_COMMENTS).where(T_COMMENTS.c.coding_guid == guid).order_by(T_COMMENTS.c.pk)
            )
        ]

    def _add_entry(
        self, tx: Tx, guid: str, author: str, kind: str, body: str, *, sheet: str | None = None
    ) -> ThreadEntry:
        entry = ThreadEntry(new_guid(), guid, author, now(), kind, body, sheet)
        tx.insert(
            T_COMMENTS,
            {
                "guid": entry.guid,
                "coding_guid": guid,
                "author": author,
                "at": entry.at,
                "kind": kind,
                "text": body,
                "sheet": sheet,
            },
        )
        return entry

    def _set_verdict(
        self,
        tx: Tx,
        row: Any,
        verdict: str,
        comment: str,
        reviewer: str,
        *,
        sheet: str | None = None,
    ) -> bool:
        """Record ``verdict`` (and the comment) on one coding; False when nothing changed."""
        if verdict not in VERDICTS:
            raise InputError(
                _("unknown review status {verdict!r}").format(verdict=verdict),
                hint=_("use {VERDICTS}").format(VERDICTS=", ".join(VERDICTS)),
            )
        thread = self._thread(tx.conn, row["guid"])
        last_text = thread[-1].text if thread else ""
        same_verdict = row["review"] == verdict
        if same_verdict and (not comment or comment == last_text):
            return False
        if same_verdict:
            self._add_entry(tx, row["guid"], reviewer, "comment", comment, sheet=sheet)
            return True
        tx.update(
            T_CODINGS,
            {"pk": row["pk"]},
            {"review": verdict, "reviewer": reviewer, "reviewed_at": now()},
        )
        self._add_entry(tx, row["guid"], reviewer, verdict, comment, sheet=sheet)
        return True

    def review_coding(
        self, guid: str, verdict: str, comment: str = "", *, reviewer: str | None = None
    ) -> Coding:
        """Approve or dispute a coding (or withdraw a verdict), with a comment (one action).

        Args:
            guid: the coding.
            verdict: ``approved``, ``disputed`` or ``unreviewed``.
            comment: why (kept in the coding's thread).
            reviewer: who (default: the project's coder, i.e. ``--coder`` or settings).

        Raises:
            NotFoundError: no such coding.
            InputError: an unknown verdict.
        """
        reviewer = reviewer or self.store.coder
        verb = {"approved": "approve", "disputed": "dispute", "unreviewed": "reset the review of"}
        what = f"{verb.get(verdict, verdict)} coding {guid}"
        with self.store.write("review", what) as tx:
            row = self._coding_row(tx.conn, guid)
            self._set_verdict(tx, row, verdict, comment.strip(), reviewer)
        return self.coding_by_guid(guid)

    def comment_review(self, guid: str, text: str, *, author: str | None = None) -> ThreadEntry:
        """Add a comment to a coding's thread without changing its verdict."""
        author = author or self.store.coder
        if not text.strip():
            raise InputError(_("a comment needs some text"))
        with self.store.write("review.comment", f"comment on coding {guid}") as tx:
            self._coding_row(tx.conn, guid)
            return self._add_entry(tx, guid, author, "comment", text.strip())

    def reply_review(self, guid: str, text: str, *, author: str | None = None) -> ThreadEntry:
        """The researcher answers a dispute; the coding goes back to the reviewer."""
        author = author or self.store.coder
        if not text.strip():
            raise InputError(_("a reply needs some text"))
        with self.store.write("review.reply", f"reply on coding {guid}") as tx:
            self._coding_row(tx.conn, guid)
            return self._add_entry(tx, guid, author, "reply", text.strip())

    def revise_coding(
        self,
        guid: str,
        *,
        start: int | None = None,
        end: int | None = None,
        code: str | None = None,
        comment: str = "",
        author: str | None = None,
    ) -> Coding:
        """The researcher changes a disputed coding's span or code (one action).

        The guid, coder, origin, status and anchor stay; the thread is kept and gains a
        ``revision`` entry saying what changed; the verdict goes back to
        ``unreviewed`` so the reviewer sees it again.

        Raises:
            NotFoundError: no such coding or code.
            InputError: nothing to change, or a span outside the text.
            ConflictError: the same coder already has an identical coding.
        """
        author = author or self.store.coder
        with self.store.write("review.revise", f"revise coding {guid}") as tx:
            conn = tx.conn
            row = self._coding_row(conn, guid)
            new_start = row["start"] if start is None else start
            new_end = row["end"] if end is None else end
            doc_row = conn.execute(
                select(T_DOCS.c.chars, T_DOCS.c.text).where(T_DOCS.c.pk == row["document_pk"])
            ).one()
            if new_start < 0 or new_end > doc_row.chars or new_start >= new_end:
                raise InputError(
                    _(
                        "span [{new_start}:{new_end}] is outside {row!r} (0..{doc_row.chars}) or empty"
                    ).format(new_start=new_start, new_end=new_end, row=row["doc"], doc_row=doc_row),
                    hint=_("start must be below end, both within the text"),
                )
            code_pk = self.store.code_pk(conn, code) if code is not None else row["code_pk"]
            changes: dict[str, Any] = {}
            what: list[str] = []
            if (new_start, new_end) != (row["start"], row["end"]):
                changes.update(start=new_start, end=new_end, quote=doc_row.text[new_start:new_end])
                what.append(f"span {row['start']}-{row['end']} -> {new_start}-{new_end}")
            if code_pk != row["code_pk"]:
                changes["code_pk"] = code_pk
                new_id = conn.execute(select(T_CODES.c.id).where(T_CODES.c.pk == code_pk)).scalar()
                what.append(f"code {row['code']} -> {new_id}")
            if not changes:
                raise InputError(
                    _("the revision changes nothing"), hint=_("give a new --start/--end or --code")
                )
            clash = conn.execute(
                select(T_CODINGS.c.guid).where(
                    T_CODINGS.c.document_pk == row["document_pk"],
                    T_CODINGS.c.code_pk == changes.get("code_pk", row["code_pk"]),
                    T_CODINGS.c.start == changes.get("start", row["start"]),
                    T_CODINGS.c.end == changes.get("end", row["end"]),
                    T_CODINGS.c.coder == row["coder"],
                    T_CODINGS.c.guid != guid,
                )
            ).scalar()
            if clash is not None:
                raise ConflictError(
                    _("{row} already has that coding ({clash})").format(
                        row=row["coder"], clash=clash
                    ),
                    hint=_("remove one of the two, or revise to another span"),
                )
            changes["version"] = row["version"] + 1
            if row["review"] != Review.UNREVIEWED.value:
                changes["review"] = Review.UNREVIEWED.value
            tx.update(T_CODINGS, {"pk": row["pk"]}, changes)
            body = "; ".join(what) + (f": {comment.strip()}" if comment.strip() else "")
            self._add_entry(tx, guid, author, "revision", body)
        return self.coding_by_guid(guid)

    def review_thread(self, guid: str) -> list[ThreadEntry]:
        """Every entry of a coding's review thread, oldest first."""
        with self.store.read() as conn:
            self._coding_row(conn, guid)
            return self._thread(conn, guid)

    def coding_by_guid(self, guid: str) -> Coding:
        """One coding by guid (with its review state)."""
        with self.store.read() as conn:
            return convert.coding_from_row(self._coding_row(conn, guid))

    def review_queue(self, queue: str = "disputed") -> list[ReviewItem]:
        """Codings waiting for someone, with their threads, in document and text order.

        Args:
            queue: ``disputed`` (the researcher's to-do), ``awaiting`` (answered with a
                reply or revision, back with the reviewer), ``unreviewed`` or ``approved``.
        """
        if queue not in QUEUES:
            raise InputError(
                _("unknown queue {queue!r}").format(queue=queue),
                hint=_("use {QUEUES}").format(QUEUES=", ".join(QUEUES)),
            )
        with self.store.read() as conn:
            stmt = self.store.coding_select().order_by(
                T_DOCS.c.name, T_CODINGS.c.start, T_CODINGS.c.pk
            )
            threads: dict[str, list[ThreadEntry]] = {}
            for r in conn.execute(select(T_COMMENTS).order_by(T_COMMENTS.c.pk)):
                threads.setdefault(r.coding_guid, []).append(
                    ThreadEntry(r.guid, r.coding_guid, r.author, r.at, r.kind, r.text)
                )
            if queue == "awaiting":
                answered = [
                    g for g, t in threads.items() if t and t[-1].kind in ("reply", "revision")
                ]
                stmt = stmt.where(
                    T_CODINGS.c.guid.in_(answered),
                    T_CODINGS.c.review != Review.APPROVED.value,
                )
            else:
                stmt = stmt.where(T_CODINGS.c.review == queue)
            rows = conn.execute(stmt).mappings().all()
        return [
            ReviewItem(convert.coding_from_row(r), tuple(threads.get(r["guid"], ()))) for r in rows
        ]

    def apply_reviews(
        self,
        entries: Sequence[ReviewEntryIn],
        *,
        reviewer: str | None = None,
        source: str = "",
        overwrite: bool = False,
        dry_run: bool = False,
    ) -> ApplyReport:
        """Merge a supervisor's offline verdicts and comments in one action.

        Each row acts only where the supervisor changed it since the export (see
        :func:`qualcode.core.review.plan_reviews`); a coding reviewed again since is
        a conflict and keeps its verdict unless ``overwrite``. Rows that match no
        coding (or the wrong one) are reported and skipped; the others are applied.
        Thread entries remember the sheet they came from, so applying a sheet twice
        changes nothing.

        Raises:
            InputError: an entry with an unknown verdict (nothing is written).
        """
        reviewer = reviewer or self.store.coder
        for e in entries:
            if e.verdict and e.verdict not in VERDICTS:
                raise InputError(
                    _("unknown review status {e.verdict!r}").format(e=e),
                    path=source or None,
                    line=e.row,
                    hint=_("use {VERDICTS}").format(VERDICTS=", ".join(VERDICTS)),
                )
        where = f"{source}:" if source else ""
        try:
            with self.store.write(
                "review.apply", f"apply reviews from {source or 'a sheet'}"
            ) as tx:
                states, code_of = self._review_states(tx.conn, [e.guid for e in entries])
                decisions = plan_reviews(
                    entries, states, code_of, reviewer=reviewer, overwrite=overwrite
                )
                changed = unchanged = 0
                lines: dict[str, list[str]] = {APPLY: [], CONFLICT: [], UNMATCHED: []}
                for d in decisions:
                    place = f"{where}{d.entry.row}: " if d.entry.row is not None else where
                    if d.outcome in lines:
                        lines[d.outcome].append(place + d.message)
                    if d.outcome != APPLY:
                        unchanged += d.outcome == UNCHANGED
                        continue
                    changed += 1
                    if dry_run:
                        continue
                    row = self._coding_row(tx.conn, d.entry.guid)
                    if d.verdict is not None:
                        self._set_verdict(
                            tx, row, d.verdict, d.comment, reviewer, sheet=d.entry.sheet
                        )
                    else:
                        self._add_entry(
                            tx, d.entry.guid, reviewer, "comment", d.comment, sheet=d.entry.sheet
                        )
                report = ApplyReport(
                    changed,
                    unchanged,
                    tuple(lines[UNMATCHED]),
                    tuple(lines[CONFLICT]),
                    tuple(lines[APPLY]),
                    dry_run,
                )
                if dry_run:
                    raise _DryRun(report)
        except _DryRun as done:
            return done.report
        return report

    def _review_states(
        self, conn: Connection, guids: Sequence[str]
    ) -> tuple[dict[str, CodingState], dict[str, str]]:
        """The codings named by ``guids`` as they are now, and every code id and alias
        with the code id it denotes."""
        cb = self.store.read_codebook(conn)
        lang = cb.languages[0] if cb.languages else None
        code_of = {c.id: c.id for c in cb.codes}
        for c in cb.codes:
            for alias in c.aliases:
                code_of.setdefault(alias, c.id)
        names = {
            c.id: frozenset({c.id, *c.aliases, *(v for v in c.labels().values() if v)})
            for c in cb.codes
        }
        states: dict[str, CodingState] = {}
        wanted = sorted(set(guids))
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            threads: dict[str, list[ThreadEntry]] = {}
            for r in conn.execute(
                select(T_COMMENTS)
                .where(T_COMMENTS.c.coding_guid.in_(chunk))
                .order_by(T_COMMENTS.c.pk)
            ):
                threads.setdefault(r.coding_guid, []).append(
                    ThreadEntry(r.guid, r.coding_guid, r.author, r.at, r.kind, r.text, r.sheet)
                )
            for row in conn.execute(
                self.store.coding_select().where(T_CODINGS.c.guid.in_(chunk))
            ).mappings():
                code = cb.get(row["code"])
                states[row["guid"]] = CodingState(
                    guid=row["guid"],
                    doc=row["doc"],
                    code=row["code"],
                    label=code.label_in(lang) if code is not None else row["code"],
                    names=names.get(row["code"], frozenset({row["code"]})),
                    quote=row["quote"],
                    review=row["review"],
                    reviewer=row["reviewer"],
                    reviewed_at=row["reviewed_at"],
                    thread=tuple(threads.get(row["guid"], ())),
                )
        return states, code_of
