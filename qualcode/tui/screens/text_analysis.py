"""Word frequencies and keyword in context, in the workbench.

Two tabs. *Words*: the most frequent lemmas (stop words removed) per corpus,
document, case, code or speaker role; ``b`` changes the grouping. *KWIC*: type a
term and press enter; ``l`` switches between exact words and lemmas, ``+``/``-``
widen or narrow the context. ``e`` writes the table on screen as CSV and ``E`` as
XLSX into the project's ``exports`` folder.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static, TabbedContent, TabPane

from qualcode.core.text_analysis import GROUPINGS, KwicLine, WordFrequencies
from qualcode.errors import QualcodeError
from qualcode.i18n import N_, _, plural
from qualcode.store import Project

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
        """Count again with the current grouping."""
        from qualcode import services

        try:
            self.freq = services.word_frequencies(self.project, by=self.by)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
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
        """Search the term again (after a change of width or mode)."""
        from qualcode import services

        table = self.query_one("#kwic-table", DataTable)
        table.clear()
        if not self.term:
            self.lines = []
            self._status()
            return
        try:
            self.lines = services.keyword_in_context(
                self.project, self.term, width=self.width, lemma=self.lemma
            )
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
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
        from qualcode import services
        from qualcode.services.reports import load_pseudonyms, project_pseudonyms

        try:
            # the project's name map (pseudonyms.csv beside it) goes into every export
            names_file = project_pseudonyms(self.project)
            names = load_pseudonyms(names_file)
            self.export_dir.mkdir(parents=True, exist_ok=True)
            if self.tab == "words":
                if self.freq is None:
                    return
                path = self.export_dir / f"words-by-{self.by}.{fmt}"
                freq = self.freq
                if names:  # counted again on the texts with their names replaced
                    freq = services.word_frequencies(self.project, by=self.by, names=names)
                services.export_words(freq, path, fmt=fmt)
            else:
                if not self.term:
                    self.notify(_("search a term first"), severity="warning")
                    return
                safe = "".join(ch if ch.isalnum() else "_" for ch in names.text(self.term))[:40]
                path = self.export_dir / f"kwic-{safe}.{fmt}"
                lines = self.lines
                if names:
                    lines = services.keyword_in_context(
                        self.project,
                        self.term,
                        width=self.width,
                        lemma=self.lemma,
                        names=names,
                    )
                services.export_kwic(lines, path, fmt=fmt, term=names.text(self.term))
        except (QualcodeError, OSError) as exc:
            self.notify(str(exc), severity="error")
            return
        note = _(" (pseudonyms from {name})").format(name=names_file.name) if names_file else ""
        self.notify(_("wrote {path}{note}").format(path=path, note=note), timeout=4)

    def action_back(self) -> None:
        self.dismiss(None)
