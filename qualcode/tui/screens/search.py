"""The search screen: full-text or lemma search with keyword-in-context lines.

Type a query and press enter; ``ctrl+l`` switches between the exact text and lemmas
(``mengantre`` also finds ``antre``). ``/`` always puts the cursor in the query (a
query pre-filled from the selection is searched at once, and the cursor stays in
it). In the hits, enter jumps to the hit in its transcript (the hit becomes the
selection), space marks a hit, ``a`` marks all, and ``c`` codes the marked hits (or
the highlighted one) with one code in one step: one action group, so a single undo
takes the whole batch back.

Each hit is coded as a unit: its sentence (the default), its turn, or the hit
itself. The first ``c`` asks (the sentence is offered first); the choice is
remembered, shown in the summary line, and ``u`` changes it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.core.codebook import Codebook
from qualcode.core.search import KwicHit
from qualcode.core.units import UNITS
from qualcode.errors import QualcodeError
from qualcode.i18n import N_, _, plural
from qualcode.store import Project
from qualcode.tui.screens.picker import ChoiceModal, CodeIndex, CodePicker
from qualcode.tui.screens.retrieval import Jump

UNIT_CHOICES = {
    "sentence": N_("its sentence (what a quote usually is)"),
    "turn": N_("its turn (the speaker's whole answer)"),
    "hit": N_("the hit only (just the words found)"),
}
"""The units as the question offers them."""
UNIT_WORDS = {"sentence": N_("its sentence"), "turn": N_("its turn"), "hit": N_("the hit only")}

DOC_WIDTH = 16
CONTEXT = 34


class SearchScreen(Screen[Jump | None]):
    """Search the project, jump to hits, code several hits at once."""

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="search-back", tooltip=N_("Back to coding.")),
        Binding(
            "ctrl+l",
            "toggle_lemma",
            N_("Lemma/text"),
            id="search-lemma",
            tooltip=N_("Search lemmas (all inflected forms) or the exact text."),
            priority=True,
        ),
        Binding(
            "space",
            "toggle_mark",
            N_("Mark"),
            id="search-mark",
            tooltip=N_("Mark or unmark the hit."),
        ),
        Binding(
            "a",
            "mark_all",
            N_("Mark all"),
            id="search-mark-all",
            tooltip=N_("Mark every hit (again: none)."),
        ),
        Binding(
            "c",
            "code_marked",
            N_("Code marked"),
            id="search-code",
            tooltip=N_("Code the marked hits (or the highlighted one) in one step."),
        ),
        Binding(
            "u",
            "choose_unit",
            N_("Unit…"),
            id="search-unit",
            tooltip=N_("Code each hit as its sentence, its turn or the hit itself."),
        ),
        Binding("slash", "focus_query", N_("New search"), id="search-focus", show=False),
        Binding("j", "cursor_down", N_("Down"), show=False, id="search-down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="search-up"),
    ]

    def __init__(
        self,
        project: Project,
        codebook: Codebook,
        *,
        label_lang: str | None = None,
        recent: Sequence[str] = (),
        query: str = "",
        unit: str | None = None,
        remember_unit: Callable[[str], None] | None = None,
        index: CodeIndex | None = None,
    ) -> None:
        super().__init__()
        self.project = project
        self.codebook = codebook
        self.label_lang = label_lang
        self.recent = list(recent)
        self.lemma = False
        self.hits: list[KwicHit] = []
        self.marked: set[int] = set()
        self.initial = query
        self.coded = 0
        self.unit = unit if unit in UNITS else None
        """How hits are coded: ``sentence``, ``turn`` or ``hit`` (``None``: ask)."""
        self.remember_unit = remember_unit
        self.index = index
        self.last_query = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-bar"):
            yield Input(
                self.initial,
                placeholder=_("search the transcripts…"),
                id="search-input",
                select_on_focus=False,
            )
            yield Static("", id="search-mode")
        yield Static("", id="search-summary")
        yield OptionList(id="search-hits")
        yield Footer()

    def on_mount(self) -> None:
        self._show_mode()
        self.action_focus_query()
        if self.initial:
            # searched at once, but the cursor stays in the query: typing refines it
            self.run_search(self.initial, focus_hits=False)

    def _show_mode(self) -> None:
        mode = "lemmas" if self.lemma else _("exact text")
        self.query_one("#search-mode", Static).update(_(" {mode} (ctrl+l)").format(mode=mode))

    # ------------------------------------------------------------------ searching

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.run_search(event.value)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str, focus_hits: bool = True) -> None:
        """Search in a thread (a lemma search loads the lookup tables once)."""
        from qualcode import services

        try:
            hits = services.search_kwic(self.project, query, lemma=self.lemma)
        except QualcodeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="warning")
            return
        self.app.call_from_thread(self.show_hits, query, hits, focus_hits)

    def show_hits(self, query: str, hits: list[KwicHit], focus_hits: bool = True) -> None:
        """Fill the list with keyword-in-context lines (``focus_hits``: and move the
        focus there, as after enter in the query)."""
        self.hits = hits
        self.marked = set()
        self.last_query = query
        self._summary()
        options = self.query_one(OptionList)
        options.clear_options()
        for i, _hit in enumerate(hits):
            options.add_option(Option(self._line(i), id=str(i)))
        if hits:
            options.highlighted = 0
            if focus_hits:
                options.focus()

    def _summary(self) -> None:
        hits = self.hits
        docs = {h.doc for h in hits}
        found = "{hits} for {query} in {documents}".format(
            hits=plural(len(hits), "{n} hit", "{n} hits"),
            query=repr(self.last_query),
            documents=plural(len(docs), "{n} document", "{n} documents"),
        )
        if len(hits) >= 2000:
            found = _("{found} (the first 2000)").format(found=found)
        mode = "lemmas" if self.lemma else _("exact text")
        if self.unit is None:
            coding = _("c code marked (asks: its sentence, its turn or the hit)")
        else:
            coding = _("c code marked as {UNIT_WORDS} (u: change)").format(
                UNIT_WORDS=UNIT_WORDS[self.unit]
            )
        self.query_one("#search-summary", Static).update(
            _("{found} ({mode})  ·  enter jump · space mark · a mark all · {coding}").format(
                found=found, mode=mode, coding=coding
            )
        )

    def _line(self, i: int) -> Text:
        h = self.hits[i]
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append("● " if i in self.marked else "  ", style="bold")
        doc = h.doc if len(h.doc) <= DOC_WIDTH else h.doc[: DOC_WIDTH - 1] + "…"
        line.append(f"{doc:<{DOC_WIDTH}} ", style="dim")
        line.append(f"{h.left[-CONTEXT:]:>{CONTEXT}}")
        line.append(h.match, style="bold reverse")
        line.append(h.right[:CONTEXT])
        return line

    # ------------------------------------------------------------------ actions

    def _highlighted(self) -> int | None:
        options = self.query_one(OptionList)
        return options.highlighted if options.option_count else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        h = self.hits[int(event.option.id or 0)]
        self.dismiss(Jump(h.doc, h.start, h.end))

    def action_toggle_mark(self) -> None:
        i = self._highlighted()
        if i is None:
            return
        self.marked ^= {i}
        self.query_one(OptionList).replace_option_prompt_at_index(i, self._line(i))

    def action_mark_all(self) -> None:
        self.marked = set() if len(self.marked) == len(self.hits) else set(range(len(self.hits)))
        options = self.query_one(OptionList)
        for i in range(len(self.hits)):
            options.replace_option_prompt_at_index(i, self._line(i))

    def action_choose_unit(self, then: Callable[[], None] | None = None) -> None:
        """Ask how hits are coded (the current unit highlighted, the sentence at
        first) and remember it."""
        current = self.unit or "sentence"

        def chosen(unit: str | None) -> None:
            if unit not in UNITS:
                return
            self.unit = unit
            if self.remember_unit is not None:
                self.remember_unit(unit)
            self._summary()
            if then is not None:
                then()

        self.app.push_screen(
            ChoiceModal(
                _("Code each hit as…"),
                [(u, UNIT_CHOICES[u]) for u in UNITS],
                highlight=UNITS.index(current),
            ),
            chosen,
        )

    def action_code_marked(self) -> None:
        if self.unit is None:
            self.action_choose_unit(then=self.action_code_marked)
            return
        chosen_hits = sorted(self.marked) or ([i] if (i := self._highlighted()) is not None else [])
        if not chosen_hits:
            self.notify(_("no hits to code"), severity="warning")
            return
        unit = self.unit

        def chosen(code_id: str | None) -> None:
            if code_id:
                self.code_hits(code_id, [self.hits[i] for i in chosen_hits], unit)

        titles = {
            "sentence": (
                _("Code the sentence of {n} hit with…"),
                _("Code the sentences of {n} hits with…"),
            ),
            "turn": (_("Code the turn of {n} hit with…"), _("Code the turns of {n} hits with…")),
            "hit": (_("Code {n} hit with…"), _("Code {n} hits with…")),
        }
        self.app.push_screen(
            CodePicker(
                self.codebook,
                recent=self.recent,
                label_lang=self.label_lang,
                title=plural(len(chosen_hits), *titles[unit]),
                index=self.index,
            ),
            chosen,
        )

    def code_hits(self, code_id: str, hits: Sequence[KwicHit], unit: str = "hit") -> int:
        """Code every hit as ``unit`` (``sentence``, ``turn`` or ``hit``) with ``code_id``,
        as one action group (one undo); returns how many codings were new."""
        from qualcode.core.units import unit_spans

        group = str(uuid.uuid4())
        created = 0
        spans: list[tuple[str, int, int]] = []
        by_doc: dict[str, list[tuple[int, int]]] = {}
        for h in hits:
            by_doc.setdefault(h.doc, []).append((h.start, h.end))
        try:
            for doc, found in by_doc.items():
                document = self.project.documents.document(doc) if unit != "hit" else None
                if document is None:
                    spans.extend((doc, a, b) for a, b in sorted(set(found)))
                else:
                    spans.extend((doc, a, b) for a, b in unit_spans(document, found, unit))
            for doc, a, b in spans:
                _kept, new = self.project.codings.apply_coding(doc, code_id, a, b, group=group)
                created += new
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
        self.coded += created
        label = self.codebook[code_id].label_in(self.label_lang)
        coded = {
            "sentence": (_("coded {n} sentence with {code}"), _("coded {n} sentences with {code}")),
            "turn": (_("coded {n} turn with {code}"), _("coded {n} turns with {code}")),
            "hit": (_("coded {n} hit with {code}"), _("coded {n} hits with {code}")),
        }[unit]
        message = plural(created, *coded, code=label)
        if len(spans) > created:
            message = plural(
                len(spans) - created,
                "{message}; {n} was coded with it already",
                "{message}; {n} were coded with it already",
                message=message,
            )
        self.notify(_("{message} (one undo step)").format(message=message))
        self.marked = set()
        options = self.query_one(OptionList)
        for i in range(len(self.hits)):
            options.replace_option_prompt_at_index(i, self._line(i))
        return created

    def action_toggle_lemma(self) -> None:
        self.lemma = not self.lemma
        self._show_mode()
        query = self.query_one(Input).value
        if query.strip():
            self.run_search(query)

    def action_focus_query(self) -> None:
        box = self.query_one(Input)
        box.focus()
        box.cursor_position = len(box.value)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()
