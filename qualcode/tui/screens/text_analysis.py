"""Word frequencies and keyword in context, in the workbench.

Two tabs. *Words*: the most frequent lemmas (stop words removed) per corpus,
document, case, code or speaker role; ``b`` changes the grouping. *KWIC*: type a
term and press enter; ``l`` switches between exact words and lemmas, ``+``/``-``
widen or narrow the context. ``e`` writes the table on screen as CSV and ``E`` as
XLSX into the project's ``exports`` folder.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static, TabbedContent, TabPane

from qualcode.core.text_analysis import GROUPINGS, KwicLine, WordFrequencies
from qualcode.errors import QualcodeError
from qualcode.i18n import N_, _, plural
from qualcode.store import Project
from qualcode.tui.messages import KwicFound, TableExported, WordsCounted

TOP_PER_GROUP = 25
"""Words shown per group."""

GROUPING_WORDS = {
    "corpus": N_("corpus"),
    "document": N_("document"),
    "case": N_("case"),
    "code": N_("code"),
    "speaker": N_("speaker"),
}
"""The groupings (``GROUPINGS``) as the screen names them, translated when shown."""


class TextAnalysisScreen(Screen[None]):
    """Word frequencies and KWIC over the project's documents."""

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="text-back", tooltip=N_("Back to coding.")),
        Binding(
            "w",
            "show_tab('tab-words')",
            N_("Words"),
            id="text-words",
            tooltip=N_("The word counts."),
        ),
        Binding(
            "k",
            "show_tab('tab-kwic')",
            N_("KWIC"),
            id="text-kwic",
            tooltip=N_("Keyword in context: type a word or phrase, then enter."),
        ),
        Binding(
            "b",
            "cycle_grouping",
            N_("Group by"),
            id="words-grouping",
            tooltip=N_("Count per corpus, document, case, code or speaker."),
        ),
        Binding(
            "l",
            "toggle_lemma",
            N_("Lemma/exact"),
            id="kwic-lemma",
            tooltip=N_("Match KWIC on lemmas or exact words."),
        ),
        Binding("plus,equals_sign", "wider", N_("Wider"), show=False, id="kwic-wider"),
        Binding("minus", "narrower", N_("Narrower"), show=False, id="kwic-narrower"),
        Binding(
            "e",
            "export('csv')",
            N_("Export CSV"),
            id="text-export-csv",
            tooltip=N_("Write the table as CSV."),
        ),
        Binding(
            "E",
            "export('xlsx')",
            N_("Export XLSX"),
            key_display="E",
            id="text-export-xlsx",
            tooltip=N_("Write the table as XLSX."),
        ),
    ]

    def __init__(self, project: Project, *, export_dir: Path | None = None) -> None:
        super().__init__()
        self.project = project
        self.by = "corpus"
        self.lemma = True
        self.width = 40
        self.term = ""
        self.freq: WordFrequencies | None = None
        self.lines: list[KwicLine] = []
        if export_dir is None:
            base = Path(project.path).parent if project.path else Path.cwd()
            export_dir = base / "exports"
        self.export_dir = export_dir
        self._asked = {"words": 0, "kwic": 0}
        """The newest request of each tab (counting and searching run in workers)."""
        self._shown = {"words": 0, "kwic": 0}
        """The request each tab shows."""

    def compose(self) -> ComposeResult:
        yield Static("", id="status")
        with TabbedContent(id="text-tabs", initial="tab-words"):
            with TabPane(_("Words"), id="tab-words"):
                yield DataTable(id="words-table", cursor_type="row", zebra_stripes=True)
            with TabPane(_("KWIC"), id="tab-kwic"):
                yield Input(placeholder=_("a word or phrase, then enter"), id="kwic-term")
                yield DataTable(id="kwic-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#words-table", DataTable).add_columns(
            _(GROUPING_WORDS[self.by]), _("rank"), _("word"), _("count"), _("per 1000")
        )
        self.query_one("#kwic-table", DataTable).add_columns(
            _("document"), _("left"), _("keyword"), _("right")
        )
        self.refresh_words()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        if tab == "tab-kwic":
            self.query_one("#kwic-term", Input).focus()
        else:
            self.query_one("#words-table", DataTable).focus()

    # ------------------------------------------------------------------ words

    def refresh_words(self) -> None:
        """Count again with the current grouping (in a worker: on a large project
        counting takes far longer than a frame)."""
        self._asked["words"] += 1
        self._count_words(self._asked["words"], self.by)

    @work(thread=True, exclusive=True, group="text-words")
    def _count_words(self, generation: int, by: str) -> None:
        from qualcode import services

        try:
            freq = services.word_frequencies(self.project, by=by)
        except QualcodeError as exc:
            self.post_message(WordsCounted(None, generation, str(exc)))
            return
        self.post_message(WordsCounted(freq, generation))

    def on_text_analysis_screen_words_counted(self, message: WordsCounted) -> None:
        if message.generation != self._asked["words"]:
            return  # a newer count is under way
        self._shown["words"] = message.generation
        if message.freq is None:
            self.notify(message.error or "", severity="error")
            return
        self.freq = message.freq
        table = self.query_one("#words-table", DataTable)
        table.clear(columns=True)
        table.add_columns(
            _(GROUPING_WORDS[self.by]), _("rank"), _("word"), _("count"), _("per 1000")
        )
        for group, rank, word, count, per in self.freq.top(TOP_PER_GROUP):
            shown = _(group) if self.by == "corpus" else group
            table.add_row(shown, rank, word, count, f"{per:.2f}")
        self._status()

    def action_cycle_grouping(self) -> None:
        self.by = GROUPINGS[(GROUPINGS.index(self.by) + 1) % len(GROUPINGS)]
        self.refresh_words()

    # ------------------------------------------------------------------ kwic

    @on(Input.Submitted, "#kwic-term")
    def _search(self, event: Input.Submitted) -> None:
        self.term = event.value.strip()
        self.refresh_kwic()
        self.query_one("#kwic-table", DataTable).focus()

    def refresh_kwic(self) -> None:
        """Search the term again (after a change of width or mode), in a worker."""
        self._asked["kwic"] += 1
        if not self.term:
            self._shown["kwic"] = self._asked["kwic"]
            self.query_one("#kwic-table", DataTable).clear()
            self.lines = []
            self._status()
            return
        self._find(self._asked["kwic"], self.term, self.width, self.lemma)

    @work(thread=True, exclusive=True, group="text-kwic")
    def _find(self, generation: int, term: str, width: int, lemma: bool) -> None:
        from qualcode import services

        try:
            lines = services.keyword_in_context(self.project, term, width=width, lemma=lemma)
        except QualcodeError as exc:
            self.post_message(KwicFound(None, generation, str(exc)))
            return
        self.post_message(KwicFound(lines, generation))

    def on_text_analysis_screen_kwic_found(self, message: KwicFound) -> None:
        if message.generation != self._asked["kwic"]:
            return  # a newer search is under way
        self._shown["kwic"] = message.generation
        table = self.query_one("#kwic-table", DataTable)
        table.clear()
        if message.lines is None:
            self.notify(message.error or "", severity="error")
            return
        self.lines = message.lines
        for k in self.lines:
            table.add_row(f"{k.doc}#{k.sentence}", k.left.rjust(self.width), k.keyword, k.right)
        self._status()

    def action_toggle_lemma(self) -> None:
        self.lemma = not self.lemma
        self.refresh_kwic()

    def action_wider(self) -> None:
        self.width = min(self.width + 10, 200)
        self.refresh_kwic()

    def action_narrower(self) -> None:
        self.width = max(self.width - 10, 10)
        self.refresh_kwic()

    # ------------------------------------------------------------------ common

    @property
    def tab(self) -> str:
        """``words`` or ``kwic``."""
        active = self.query_one(TabbedContent).active
        return "kwic" if active == "tab-kwic" else "words"

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        if self.tab == "kwic":
            self.query_one("#kwic-term", Input).focus()
        self._status()

    def _status(self) -> None:
        if self.tab == "words":
            groups = len(self.freq.counts) if self.freq else 0
            shown = plural(groups, "{n} group", "{n} groups")
            text = _(
                "Words by {by} ({shown}, top {TOP_PER_GROUP}, stop words removed) · b group by · e/E export"
            ).format(by=_(GROUPING_WORDS[self.by]), shown=shown, TOP_PER_GROUP=TOP_PER_GROUP)
        else:
            mode = _("lemma") if self.lemma else _("exact")
            found = (
                plural(
                    len(self.lines),
                    "{n} occurrence of {term}",
                    "{n} occurrences of {term}",
                    term=repr(self.term),
                )
                if self.term
                else _("type a term")
            )
            text = _("KWIC: {found} · {mode} (l) · width {width} (+/-) · e/E export").format(
                found=found, mode=mode, width=self.width
            )
        self.query_one("#status", Static).update(text)

    def action_export(self, fmt: str) -> None:
        if self.tab == "words":
            if self.freq is None:
                return
        elif not self.term:
            self.notify(_("search a term first"), severity="warning")
            return
        self._export(
            fmt, self.tab, self.by, self.freq, self.term, self.width, self.lemma, self.lines
        )

    @work(thread=True, group="text-export")
    def _export(
        self,
        fmt: str,
        tab: str,
        by: str,
        freq: WordFrequencies | None,
        term: str,
        width: int,
        lemma: bool,
        lines: list[KwicLine],
    ) -> None:
        """Write the table on screen (counted again with the project's pseudonyms,
        when it has a name map), in a worker."""
        from qualcode import services
        from qualcode.services.reports import load_pseudonyms, project_pseudonyms

        try:
            # the project's name map (pseudonyms.csv beside it) goes into every export
            names_file = project_pseudonyms(self.project)
            names = load_pseudonyms(names_file)
            self.export_dir.mkdir(parents=True, exist_ok=True)
            if tab == "words":
                assert freq is not None
                path = self.export_dir / f"words-by-{by}.{fmt}"
                if names:  # counted again on the texts with their names replaced
                    freq = services.word_frequencies(self.project, by=by, names=names)
                services.export_words(freq, path, fmt=fmt)
            else:
                safe = "".join(ch if ch.isalnum() else "_" for ch in names.text(term))[:40]
                path = self.export_dir / f"kwic-{safe}.{fmt}"
                if names:
                    lines = services.keyword_in_context(
                        self.project, term, width=width, lemma=lemma, names=names
                    )
                services.export_kwic(lines, path, fmt=fmt, term=names.text(term))
        except (QualcodeError, OSError) as exc:
            self.post_message(TableExported(None, error=str(exc)))
            return
        note = _(" (pseudonyms from {name})").format(name=names_file.name) if names_file else ""
        self.post_message(TableExported(path, note))

    def on_text_analysis_screen_table_exported(self, message: TableExported) -> None:
        if message.path is None:
            self.notify(message.error or "", severity="error")
            return
        self.notify(_("wrote {path}{note}").format(path=message.path, note=message.note), timeout=4)

    def action_back(self) -> None:
        self.dismiss(None)
