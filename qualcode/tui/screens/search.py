"""The search screen: full-text or lemma search with keyword-in-context lines.

Type a query and press enter; ``ctrl+l`` switches between the exact text and lemmas
(``mengantre`` also finds ``antre``). In the hits, enter jumps to the hit in its
transcript (the hit becomes the selection), space marks a hit, ``a`` marks all, and
``c`` codes the marked hits (or the highlighted one) with one code in one step: one
action group, so a single undo takes the whole batch back.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

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
from qualcode.errors import QualcodeError
from qualcode.store import Project
from qualcode.tui.screens.retrieval import Jump

DOC_WIDTH = 16
CONTEXT = 34


class SearchScreen(Screen[Jump | None]):
    """Search the project, jump to hits, code several hits at once."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="search-back", tooltip="Back to coding."),
        Binding(
            "ctrl+l",
            "toggle_lemma",
            "Lemma/text",
            id="search-lemma",
            tooltip="Search lemmas (all inflected forms) or the exact text.",
            priority=True,
        ),
        Binding(
            "space", "toggle_mark", "Mark", id="search-mark", tooltip="Mark or unmark the hit."
        ),
        Binding(
            "a",
            "mark_all",
            "Mark all",
            id="search-mark-all",
            tooltip="Mark every hit (again: none).",
        ),
        Binding(
            "c",
            "code_marked",
            "Code marked",
            id="search-code",
            tooltip="Code the marked hits (or the highlighted one) in one step.",
        ),
        Binding("slash", "focus_query", "New search", id="search-focus", show=False),
        Binding("j", "cursor_down", "Down", show=False, id="search-down"),
        Binding("k", "cursor_up", "Up", show=False, id="search-up"),
    ]

    def __init__(
        self,
        project: Project,
        codebook: Codebook,
        *,
        label_lang: str | None = None,
        recent: Sequence[str] = (),
        query: str = "",
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

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-bar"):
            yield Input(self.initial, placeholder="search the transcripts…", id="search-input")
            yield Static("", id="search-mode")
        yield Static("", id="search-summary")
        yield OptionList(id="search-hits")
        yield Footer()

    def on_mount(self) -> None:
        self._show_mode()
        self.query_one(Input).focus()
        if self.initial:
            self.run_search(self.initial)

    def _show_mode(self) -> None:
        mode = "lemmas" if self.lemma else "exact text"
        self.query_one("#search-mode", Static).update(f" {mode} (ctrl+l)")

    # ------------------------------------------------------------------ searching

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.run_search(event.value)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str) -> None:
        """Search in a thread (a lemma search loads the lookup tables once)."""
        from qualcode import services

        try:
            hits = services.search_kwic(self.project, query, lemma=self.lemma)
        except QualcodeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="warning")
            return
        self.app.call_from_thread(self.show_hits, query, hits)

    def show_hits(self, query: str, hits: list[KwicHit]) -> None:
        """Fill the list with keyword-in-context lines."""
        self.hits = hits
        self.marked = set()
        docs = {h.doc for h in hits}
        more = " (the first 2000)" if len(hits) >= 2000 else ""
        self.query_one("#search-summary", Static).update(
            f"{len(hits)} hits{more} for {query!r} in {len(docs)} documents "
            f"({'lemmas' if self.lemma else 'exact text'})  ·  enter jump · space mark · "
            "a mark all · c code marked"
        )
        options = self.query_one(OptionList)
        options.clear_options()
        for i, _ in enumerate(hits):
            options.add_option(Option(self._line(i), id=str(i)))
        if hits:
            options.highlighted = 0
            options.focus()

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

    def action_code_marked(self) -> None:
        from qualcode.tui.screens.picker import CodePicker

        chosen_hits = sorted(self.marked) or ([i] if (i := self._highlighted()) is not None else [])
        if not chosen_hits:
            self.notify("no hits to code", severity="warning")
            return

        def chosen(code_id: str | None) -> None:
            if code_id:
                self.code_hits(code_id, [self.hits[i] for i in chosen_hits])

        self.app.push_screen(
            CodePicker(
                self.codebook,
                recent=self.recent,
                label_lang=self.label_lang,
                title=f"Code {len(chosen_hits)} hits with…",
            ),
            chosen,
        )

    def code_hits(self, code_id: str, hits: Sequence[KwicHit]) -> int:
        """Code every hit with ``code_id`` as one action group; returns how many were new."""
        group = str(uuid.uuid4())
        created = 0
        try:
            for h in hits:
                _, new = self.project.apply_coding(h.doc, code_id, h.start, h.end, group=group)
                created += new
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
        self.coded += created
        label = self.codebook[code_id].label_in(self.label_lang)
        self.notify(f"coded {created} of {len(hits)} hits with {label} (one undo step)")
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
        self.query_one(Input).focus()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()
