"""The review screen: a matrix, the quotes behind a cell, and a verdict on each.

The supervisor sees the code x document (or case) frequency matrix; Enter on a
cell lists exactly the codings behind that count; ``a`` approves the highlighted
coding (``A``: with a comment), ``d`` disputes it with a comment, ``m`` adds a comment (on one's own coding,
a reply to the dispute), ``f`` shows only disputed codings. Every verdict is
recorded with the reviewer's name (``--coder`` / settings) and the time, in the
coding's review fields and thread, never touching the coding itself. ``u`` rolls
sub-codes up to their dimension, ``b`` switches the columns between documents and
cases, ``Escape`` goes back.

At any width the code column stays in place while the counts scroll under it; codes
read as their key and label cut with ``…``, columns as the part of their names that
tells them apart (``wawancara_01_pedagang_pasar`` -> ``01 pedagang…``); the line
above the matrix names the highlighted cell's code and column in full.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import Worker, WorkerState

from qualcode.core.filters import Filters
from qualcode.core.matrices import Frequency, QuoteMatrix, Segment
from qualcode.errors import QualcodeError
from qualcode.i18n import N_, _, plural
from qualcode.store import Project
from qualcode.tui.messages import ReviewComputed, ReviewData

REVIEW_STYLE = {"approved": "green", "disputed": "bold red", "unreviewed": "dim"}
COLUMN_MAX = 12
"""The widest a document or case column gets (its full name is on the detail line)."""


def clip(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` cells with ``…``."""
    text = " ".join(text.split())
    if cell_len(text) <= width:
        return text
    out = Text(text)
    out.truncate(max(width, 1), overflow="ellipsis")
    return out.plain


def short_names(names: Sequence[str]) -> list[str]:
    """Column labels that tell names apart: the words shared by several names
    (``wawancara``, ``interview``) are left out, unless nothing would be left."""
    split = [[w for w in re.split(r"[_\-\s.]+", n) if w] for n in names]
    shared = Counter(w.lower() for words in split for w in set(words))
    out = []
    for name, words in zip(names, split, strict=True):
        own = [w for w in words if shared[w.lower()] < 2 or w.isdigit()]
        out.append(" ".join(own) if own else name)
    return out


class CommentModal(ModalScreen[str | None]):
    """Ask for a comment (Enter keeps it, Escape cancels)."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="comment-cancel")]

    def __init__(self, title: str, *, required: bool) -> None:
        super().__init__()
        self.title_text = title
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical(id="comment-box"):
            yield Static(self.title_text, id="comment-title")
            yield Input(placeholder=_("comment"), id="comment-input")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if self.required and not value:
            self.notify(_("a dispute needs a comment"), severity="warning")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReviewScreen(Screen[None]):
    """Review the matrix and the codings behind each count."""

    BINDINGS = [
        Binding(
            "escape",
            "back",
            N_("Back"),
            id="review-back",
            tooltip=N_("Back to the matrix, or close."),
        ),
        Binding(
            "a",
            "verdict('approved')",
            N_("Approve"),
            id="review-approve",
            tooltip=N_("Approve the highlighted coding."),
        ),
        Binding(
            "A",
            "verdict('approved', True)",
            N_("Approve…"),
            show=False,
            id="review-approve-comment",
            tooltip=N_("Approve the highlighted coding, with a comment."),
        ),
        Binding(
            "d",
            "verdict('disputed')",
            N_("Dispute"),
            id="review-dispute",
            tooltip=N_("Dispute the highlighted coding, with a comment."),
        ),
        Binding(
            "m",
            "comment",
            N_("Comment"),
            id="review-comment",
            tooltip=N_(
                "Comment on the highlighted coding (on your own coding: a reply to a dispute)."
            ),
        ),
        Binding(
            "f",
            "toggle_disputed",
            N_("Disputed only"),
            id="review-disputed",
            tooltip=N_("Show only disputed codings: the researcher's queue."),
        ),
        Binding(
            "u",
            "toggle_rollup",
            N_("Roll up"),
            id="review-rollup",
            tooltip=N_("Sub-codes under dimensions."),
        ),
        Binding(
            "b",
            "toggle_by",
            N_("Docs/cases"),
            id="review-by",
            tooltip=N_("Columns: documents or cases."),
        ),
    ]
    """Keys of the review screen (remappable by id)."""

    def __init__(
        self, project: Project, *, filters: Filters | None = None, label_lang: str | None = None
    ) -> None:
        super().__init__()
        self.project = project
        self.filters = filters or Filters()
        self.label_lang = label_lang
        self.by = "document"
        self.freq: Frequency | None = None
        self.quotes: QuoteMatrix | None = None
        self.shown: list[Segment] = []
        self.cell: tuple[int, int] | None = None
        self._heads: dict[str, str] = {}
        self._generation = 0
        """The newest recomputation asked for."""

    def compose(self) -> ComposeResult:
        yield Static("", id="review-status")
        yield Static("", id="review-detail")
        with Vertical(id="review-main"):
            yield DataTable(
                id="review-matrix", cursor_type="cell", zebra_stripes=True, fixed_columns=1
            )
            yield DataTable(id="review-quotes", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#review-matrix", DataTable).border_title = _("Matrix")
        self.query_one("#review-quotes", DataTable).border_title = _("Quotes (Enter on a count)")
        self.reload()
        self.query_one("#review-matrix", DataTable).focus()

    # ------------------------------------------------------------------ data

    def reload(self) -> None:
        """Recompute the matrix and the quotes behind it, in a thread worker: on a
        project of 10,000 codings that takes far longer than a frame, so the screen
        keeps answering keys; the newest request wins (an older answer is dropped)."""
        self._generation += 1
        self._compute(self._generation, self.filters, self.by)

    @work(thread=True, exclusive=True, group="review-data", exit_on_error=False)
    def _compute(self, generation: int, filters: Filters, by: str) -> None:
        freq = self.project.matrices.frequency_table(filters, by=by, label_lang=self.label_lang)
        quotes = self.project.matrices.quote_matrix(filters, by=by, label_lang=self.label_lang)
        self.post_message(ReviewComputed(ReviewData(freq, quotes, generation)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "review-data" and event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(str(error), severity="error", timeout=8)

    def on_review_screen_review_computed(self, message: ReviewComputed) -> None:
        data = message.data
        if data.generation != self._generation:
            return  # a newer request is under way
        self.freq, self.quotes = data.freq, data.quotes
        self._fill()

    def _fill(self) -> None:
        """Show the matrix (and the highlighted cell's quotes) just computed."""
        assert self.freq is not None
        table = self.query_one("#review-matrix", DataTable)
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        m = self.freq.codings
        codebook = self.project.codebook()
        heads = []
        for code, label in zip(m.rows, m.row_labels, strict=True):
            found = codebook.get(code)
            key = found.key if found is not None and found.key else ""
            heads.append(f"{key:<3} {label}" if key else label)
        width = self.size.width or self.app.size.width
        code_width = min(max((cell_len(h) for h in heads), default=8), max(16, width * 2 // 7))
        table.add_column(_("code"), key="code", width=code_width)
        for i, short in enumerate(short_names(m.columns)):
            table.add_column(clip(short, COLUMN_MAX), key=f"c{i}")
        table.add_column(_("total"), key="total")
        for code, head, cells, total in zip(m.rows, heads, m.cells, m.row_totals(), strict=True):
            row: list[Text | str] = [Text(clip(head, code_width))]
            for value in cells:
                row.append(Text(str(value), style="bold" if value else "dim", justify="right"))
            row.append(Text(str(total), justify="right"))
            table.add_row(*row, key=code)
        self._heads = dict(zip(m.rows, m.row_labels, strict=True))
        if cursor.row < table.row_count and cursor.column < len(table.columns):
            table.move_cursor(row=cursor.row, column=cursor.column)
        elif m.columns:
            table.move_cursor(row=0, column=1)
        if self.cell is not None:
            self.show_cell(*self.cell)
        self._status()

    def _status(self) -> None:
        m = self.freq.codings if self.freq else None
        counts = {"approved": 0, "disputed": 0, "unreviewed": 0}
        if self.quotes is not None:
            for s in self.quotes.segments():
                counts[s.review] = counts.get(s.review, 0) + 1
        parts = [_("review as {coder} · by {by}").format(coder=self.project.coder, by=self.by)]
        if self.filters.rollup:
            parts.append(_("rolled up"))
        if self.filters.review == ("disputed",):
            parts.append(_("disputed only"))
        if m:
            parts.append(plural(int(m.total()), "{n} coding", "{n} codings"))
        parts.append(
            _("{approved} approved · {disputed} disputed").format(
                approved=counts["approved"], disputed=counts["disputed"]
            )
        )
        self.query_one("#review-status", Static).update(" · ".join(parts))
        self._detail()

    def _detail(self) -> None:
        """The highlighted cell's code and column, whole (the matrix shows them cut)."""
        if self.freq is None:
            return
        m = self.freq.codings
        table = self.query_one("#review-matrix", DataTable)
        row, col = table.cursor_coordinate.row, table.cursor_coordinate.column - 1
        box = self.query_one("#review-detail", Static)
        if not 0 <= row < len(m.rows):
            box.update("")
            return
        code = m.rows[row]
        label = self._heads.get(code, code)
        if 0 <= col < len(m.columns):
            n = int(m.cells[row][col])
            box.update(
                Text.assemble(
                    (label, "bold"),
                    " × ",
                    (m.columns[col], "bold"),
                    ": ",
                    plural(n, "{n} coding (enter lists it)", "{n} codings (enter lists them)")
                    if n
                    else _("no codings"),
                )
            )
        else:
            total = int(m.row_totals()[row])
            box.update(
                Text.assemble(
                    (label, "bold"), ": ", plural(total, "{n} coding in all", "{n} codings in all")
                )
            )

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        if event.data_table.id == "review-matrix":
            self._detail()

    def show_cell(self, row: int, col: int) -> None:
        """List the codings behind matrix cell (row, col)."""
        assert self.freq is not None and self.quotes is not None
        m = self.freq.codings
        if not (0 <= row < len(m.rows)) or not (0 <= col < len(m.columns)):
            return
        self.cell = (row, col)
        code, column = m.rows[row], m.columns[col]
        qm = self.quotes
        segs: list[Segment] = []
        if code in qm.rows and column in qm.columns:
            segs = list(qm.cells[qm.rows.index(code)][qm.columns.index(column)])
        self.shown = segs
        table = self.query_one("#review-quotes", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        for name in (N_("review"), N_("code"), N_("quote"), N_("where"), N_("comment")):
            table.add_column(_(name), key=name)
        labels = self._heads
        for s in segs:
            where = [s.doc, *([s.speaker] if s.speaker else [])]
            if s.turn is not None:
                where.append(_("turn {turn}").format(turn=s.turn))
            table.add_row(
                Text(s.review, style=REVIEW_STYLE.get(s.review, "")),
                clip(labels.get(s.code, s.code), 24),
                _clip(s.quote, 60),
                ", ".join(where),
                _clip(s.comment, 40),
                key=s.guid,
            )
        table.border_title = plural(
            len(segs),
            "{code} × {column}: {n} quote",
            "{code} × {column}: {n} quotes",
            code=labels.get(code, code),
            column=column,
        )
        if segs:
            table.move_cursor(row=min(keep, len(segs) - 1))

    # ------------------------------------------------------------------ events

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        if event.data_table.id != "review-matrix":
            return
        col = event.coordinate.column - 1
        self.show_cell(event.coordinate.row, col)
        if self.shown:
            self.query_one("#review-quotes", DataTable).focus()

    def _current(self) -> Segment | None:
        table = self.query_one("#review-quotes", DataTable)
        if not self.shown or not table.has_focus:
            return None
        return self.shown[min(table.cursor_row, len(self.shown) - 1)]

    def action_back(self) -> None:
        quotes = self.query_one("#review-quotes", DataTable)
        if quotes.has_focus:
            self.query_one("#review-matrix", DataTable).focus()
        else:
            self.app.pop_screen()

    def action_verdict(self, verdict: str, with_comment: bool = False) -> None:
        seg = self._current()
        if seg is None:
            self.notify(_("Enter on a count first, then pick a quote"), severity="warning")
            return
        if verdict == "disputed" or with_comment:
            required = verdict == "disputed"

            def done(comment: str | None) -> None:
                if comment is not None and (comment or not required):
                    self._record(seg.guid, verdict, comment)

            title = "Dispute" if required else "Approve"
            self.app.push_screen(
                CommentModal(f"{title}: “{_clip(seg.quote, 60)}”", required=required), done
            )
        else:
            self._record(seg.guid, verdict, "")

    def action_comment(self) -> None:
        seg = self._current()
        if seg is None:
            self.notify(_("Enter on a count first, then pick a quote"), severity="warning")
            return

        own = seg.coder == self.project.coder

        def done(comment: str | None) -> None:
            if comment:
                try:
                    if own:  # the researcher answers a dispute on their own coding
                        self.project.review.reply_review(seg.guid, comment)
                    else:
                        self.project.review.comment_review(seg.guid, comment)
                except QualcodeError as exc:
                    self.notify(str(exc), severity="error")
                self.reload()

        self.app.push_screen(CommentModal("Reply" if own else "Comment", required=True), done)

    def _record(self, guid: str, verdict: str, comment: str) -> None:
        try:
            self.project.review.review_coding(guid, verdict, comment)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        # the verdict shows at once; the counts follow from the worker
        quotes = self.query_one("#review-quotes", DataTable)
        if guid in quotes.rows:
            quotes.update_cell(guid, "review", Text(verdict, style=REVIEW_STYLE.get(verdict, "")))
        self.reload()
        self.query_one("#review-quotes", DataTable).focus()

    def action_toggle_rollup(self) -> None:
        self.filters = replace(self.filters, rollup=not self.filters.rollup)
        self.cell = None
        self.query_one("#review-quotes", DataTable).clear(columns=True)
        self.reload()

    def action_toggle_disputed(self) -> None:
        disputed = self.filters.review == ("disputed",)
        self.filters = replace(self.filters, review=() if disputed else ("disputed",))
        self.cell = None
        self.query_one("#review-quotes", DataTable).clear(columns=True)
        self.reload()

    def action_toggle_by(self) -> None:
        self.by = "case" if self.by == "document" else "document"
        self.cell = None
        self.query_one("#review-quotes", DataTable).clear(columns=True)
        self.reload()


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
