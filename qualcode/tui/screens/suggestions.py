"""Reviewing auto-code suggestions, and running the rules with a progress bar.

One suggestion at a time: the passage in its context (the sentences around it,
the speaker's label), the suggested code with its definition, and what the rules
matched. ``a`` accepts it (it becomes your coding, origin ``rules``), ``r`` or
``x`` rejects it (it is never suggested again), ``A`` accepts every pending
suggestion of the same code. ``u`` runs the rules in a worker thread with a
progress bar; ``escape`` cancels a run (nothing is stored) or leaves the screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, ProgressBar, Static

from qualcode.core.codebook import Codebook
from qualcode.core.model import Coding, Document
from qualcode.errors import QualcodeError
from qualcode.i18n import N_, _, plural
from qualcode.store import Project

CONTEXT_SENTENCES = 2
"""Sentences shown before and after the suggested passage."""


class SuggestionsScreen(Screen[None]):
    """Step through pending suggestions; accept or reject each."""

    BINDINGS = [
        Binding(
            "a",
            "accept",
            N_("Accept"),
            id="suggestion-accept",
            tooltip=N_("Accept: it becomes your coding."),
        ),
        Binding(
            "r,x",
            "reject",
            N_("Reject"),
            id="suggestion-reject",
            tooltip=N_("Reject: it is removed and never suggested again."),
        ),
        Binding(
            "A",
            "accept_code",
            N_("Accept all of code"),
            key_display="A",
            id="suggestion-accept-code",
            tooltip=N_("Accept every pending suggestion of this code."),
        ),
        Binding(
            "j,down,n", "next", N_("Next"), id="suggestion-next", tooltip=N_("The next suggestion.")
        ),
        Binding(
            "k,up,p",
            "previous",
            N_("Previous"),
            id="suggestion-previous",
            tooltip=N_("The previous one."),
        ),
        Binding(
            "u",
            "run_rules",
            N_("Run rules"),
            id="suggestion-run",
            tooltip=N_("Run the codebook's rules (auto-code) over every document."),
        ),
        Binding(
            "escape",
            "back",
            N_("Cancel / back"),
            id="suggestion-back",
            tooltip=N_("Cancel a running auto-code, or go back to coding."),
        ),
    ]

    def __init__(self, project: Project, *, label_lang: str | None = None) -> None:
        super().__init__()
        self.project = project
        self.codebook: Codebook = project.codebook()
        self.label_lang = label_lang or (
            self.codebook.languages[0] if self.codebook.languages else None
        )
        self.pending: list[Coding] = []
        self.index = 0
        self.reviewed = 0
        self._docs: dict[str, Document] = {}
        self._explain: Callable[[Coding], tuple[str, ...]] | None = None
        self._cancel: threading.Event | None = None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static("", id="status")
        with Vertical(id="suggestions-main"):
            yield ProgressBar(id="autocode-progress", show_eta=False)
            with Horizontal(id="suggestion-body"):
                with VerticalScroll(id="suggestion-passage"):
                    yield Static("", id="suggestion-text")
                yield Static("", id="suggestion-code")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#suggestion-passage").border_title = _("Passage")
        self.query_one("#suggestion-code").border_title = _("Suggested code")
        self.query_one(ProgressBar).display = False
        self.reload()

    def reload(self) -> None:
        """Re-read the pending suggestions (and the codebook)."""
        self.codebook = self.project.codebook()
        self.pending = self.project.suggestions.suggestions()
        self._docs.clear()
        self._explain = None
        self.index = min(self.index, max(len(self.pending) - 1, 0))
        self.show()

    # ------------------------------------------------------------------ display

    @property
    def current(self) -> Coding | None:
        """The suggestion on screen."""
        return self.pending[self.index] if 0 <= self.index < len(self.pending) else None

    def _doc(self, name: str) -> Document:
        doc = self._docs.get(name)
        if doc is None:
            (doc,) = self.project.suggestions.documents_full([name])
            self._docs[name] = doc
        return doc

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    def show(self) -> None:
        """Draw the current suggestion (or say there is none)."""
        passage = self.query_one("#suggestion-text", Static)
        side = self.query_one("#suggestion-code", Static)
        c = self.current
        if c is None:
            self._status(
                _(
                    "No pending suggestions ({reviewed} reviewed here). Press u to run the codebook's rules, escape to go back."
                ).format(reviewed=self.reviewed)
            )
            passage.update("")
            side.update("")
            return
        self._status(
            _(
                "Suggestion {value} of {n} · {doc} · a accept · r reject · A accept all {label}"
            ).format(
                value=self.index + 1, n=len(self.pending), doc=c.doc, label=self._label(c.code)
            )
        )
        passage.update(self._passage(c))
        side.update(self._code_panel(c))

    def _passage(self, c: Coding) -> Text:
        doc = self._doc(c.doc)
        text = doc.text
        sents = doc.sentences
        first = next((i for i, s in enumerate(sents) if s.end > c.start), 0)
        last = next((i for i in range(len(sents) - 1, -1, -1) if sents[i].start < c.end), first)
        lo = max(0, first - CONTEXT_SENTENCES)
        hi = min(len(sents), last + CONTEXT_SENTENCES + 1)
        start = min(sents[lo].start, c.start) if sents else c.start
        turns = {t.number: t for t in doc.turns}
        out = Text()
        color = self.codebook.color_of(c.code) if c.code in self.codebook else "#888888"
        current_turn: int | None = None
        pos = start
        for s in sents[lo:hi]:
            if s.turn != current_turn:
                current_turn = s.turn
                turn = turns.get(s.turn) if s.turn is not None else None
                if out:
                    out.append("\n\n")
                if turn is not None and turn.speaker:
                    out.append(f"{turn.speaker}: ", style="bold")
                pos = s.start
            out.append(text[pos : s.start].replace("\n", " "))
            a, b = s.start, s.end
            if b <= c.start or a >= c.end:
                out.append(text[a:b], style="dim")
            else:
                if a < c.start:
                    out.append(text[a : c.start], style="dim")
                out.append(
                    text[max(a, c.start) : min(b, c.end)],
                    style=f"bold on {color}",
                )
                if b > c.end:
                    out.append(text[c.end : b], style="dim")
            pos = b
        return out

    def _label(self, code_id: str) -> str:
        code = self.codebook.get(code_id)
        return code.label_in(self.label_lang) if code is not None else code_id

    def _code_panel(self, c: Coding) -> Text:
        code = self.codebook.get(c.code)
        out = Text()
        if code is None:
            out.append(c.code, style="bold")
            return out
        out.append(code.label_in(self.label_lang), style="bold")
        out.append(f"\n{code.id}", style="dim")
        if code.key:
            out.append(_("  key {key}").format(key=code.key), style="dim")
        if self._explain is None:
            from qualcode import services

            self._explain = services.make_explainer(self.project)
        try:
            evidence = self._explain(c)
        except QualcodeError:
            evidence = ()
        if evidence:
            out.append(_("\n\nMatched: "), style="bold")
            out.append(", ".join(evidence))
        if code.description:
            out.append("\n\n")
            out.append(code.description)
        if code.exclusion:
            out.append(_("\n\nNot when: "), style="bold")
            out.append(code.exclusion)
        return out

    # ------------------------------------------------------------------ actions

    def _done(self, guids: set[str], verb: str) -> None:
        self.reviewed += len(guids)
        self.pending = [c for c in self.pending if c.guid not in guids]
        self.index = min(self.index, max(len(self.pending) - 1, 0))
        self.show()
        messages = {
            "accepted": (_("accepted {n} suggestion"), _("accepted {n} suggestions")),
            "rejected": (_("rejected {n} suggestion"), _("rejected {n} suggestions")),
        }
        self.notify(plural(len(guids), *messages[verb]), timeout=2)

    def action_accept(self) -> None:
        c = self.current
        if c is None:
            return
        try:
            self.project.suggestions.accept_suggestions([c.guid])
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self._done({c.guid}, "accepted")

    def action_reject(self) -> None:
        c = self.current
        if c is None:
            return
        try:
            self.project.suggestions.reject_suggestions([c.guid])
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self._done({c.guid}, "rejected")

    def action_accept_code(self) -> None:
        c = self.current
        if c is None:
            return
        from qualcode import services

        same = {d.guid for d in self.pending if d.code == c.code}
        try:
            services.accept_all(self.project, c.code)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self._done(same, "accepted")

    def action_next(self) -> None:
        if self.index + 1 < len(self.pending):
            self.index += 1
            self.show()

    def action_previous(self) -> None:
        if self.index > 0:
            self.index -= 1
            self.show()

    def action_back(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self._status("Cancelling…")
            return
        self.dismiss(None)

    # ------------------------------------------------------------------ auto-code

    def action_run_rules(self) -> None:
        if self._cancel is not None:
            return
        self._cancel = threading.Event()
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._status(_("Running the rules… (escape cancels; nothing is stored until the end)"))
        self._autocode(self._cancel)

    @work(thread=True, exclusive=True, group="autocode", description="auto-code")
    def _autocode(self, cancel: threading.Event) -> None:
        from qualcode import services

        def progress(done: int, total: int, what: str) -> None:
            self.app.call_from_thread(self._progress, done, total, what)

        try:
            report = services.autocode(self.project, progress=progress, cancel=cancel)
        except QualcodeError as exc:
            self.app.call_from_thread(self._finished, None, str(exc))
            return
        if report.cancelled:
            self.app.call_from_thread(
                self._finished, None, _("Cancelled: nothing was stored."), True
            )
            return
        stored = report.stored.created if report.stored else 0
        self.app.call_from_thread(
            self._finished,
            stored,
            "{stored} from {documents}.".format(
                stored=plural(stored, "{n} new suggestion", "{n} new suggestions"),
                documents=plural(report.documents, "{n} document", "{n} documents"),
            ),
        )

    def _progress(self, done: int, total: int, what: str) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=total, progress=done)
        self._status(
            _("Running the rules: {done}/{total} {what} (escape cancels)").format(
                done=done, total=total, what=what
            )
        )

    def _finished(self, stored: int | None, message: str, cancelled: bool = False) -> None:
        self._cancel = None
        self.query_one(ProgressBar).display = False
        self.reload()
        failed = stored is None and not cancelled  # (the message is in either language)
        self.notify(message, severity="error" if failed else "information")
        if self.current is None:
            self._status(message)
