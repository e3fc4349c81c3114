"""Review one theme (issue 19 point 4, in the workbench): its passages, documents,
participants and cases, the split by a case attribute (``b`` picks it), its codes
with no key extract or carried by one participant only, codes it shares with other
themes, the codes whose codings overlap its passages, and the codes in no theme."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from qualcode.core.codebook import Codebook
from qualcode.core.thematic import Review, ThemeReview, Usage
from qualcode.i18n import N_, _, plural
from qualcode.store import Project

LIST_MAX = 12
"""Codes named per list before "and N more"."""


class ThemeReviewScreen(Screen[None]):
    """The figures that check one theme against the data."""

    BINDINGS = [
        Binding(
            "escape,q",
            "back",
            N_("Back"),
            id="theme-review-back",
            tooltip=N_("Back to the themes."),
        ),
        Binding(
            "b",
            "by",
            N_("Split by…"),
            id="theme-review-by",
            tooltip=N_("Split the theme's figures by a case attribute (again: the next one)."),
        ),
        Binding("j,down", "scroll_down", N_("Down"), show=False, id="theme-review-down"),
        Binding("k,up", "scroll_up", N_("Up"), show=False, id="theme-review-up"),
    ]
    """Keys of the theme review."""

    def __init__(self, project: Project, theme: str, *, label_lang: str | None = None) -> None:
        super().__init__()
        self.project = project
        self.theme = theme
        self.label_lang = label_lang
        self.by = ""
        self.attributes: list[str] = []
        self.codebook: Codebook = project.codebook()

    def compose(self) -> ComposeResult:
        yield Static("", id="theme-review-title")
        with VerticalScroll(id="theme-review"):
            yield Static(_("counting…"), id="theme-review-body")
        yield Footer()

    def on_mount(self) -> None:
        self.attributes = self.project.matrices.attribute_names()
        self.query_one(VerticalScroll).focus()
        self.compute()

    def label(self, code_id: str) -> str:
        """A code's label in the label language shown."""
        code = self.codebook.get(code_id)
        return code.label_in(self.label_lang) if code is not None else code_id

    @work(thread=True, exclusive=True, group="theme-review", exit_on_error=False)
    def compute(self) -> None:
        from qualcode.services.themes import review

        done = review(self.project, by=f"attribute:{self.by}" if self.by else None)
        self.app.call_from_thread(self.show, done)

    def _codes(self, ids: Sequence[str]) -> str:
        if not ids:
            return _("none")
        named = ", ".join(self.label(c) for c in ids[:LIST_MAX])
        if len(ids) > LIST_MAX:
            named += " " + plural(len(ids) - LIST_MAX, "and {n} more", "and {n} more")
        return named

    def _usage(self, use: Usage) -> str:
        return ", ".join(
            [
                plural(use.passages, "{n} passage", "{n} passages"),
                plural(use.documents, "{n} document", "{n} documents"),
                plural(use.participants, "{n} participant", "{n} participants"),
            ]
        )

    def show(self, done: Review) -> None:
        """Draw the figures of the theme."""
        found = [r for r in done.themes if r.theme.id == self.theme]
        title = self.query_one("#theme-review-title", Static)
        body = self.query_one("#theme-review-body", Static)
        if not found:
            title.update(_("the theme is gone"))
            body.update("")
            return
        r = found[0]
        name = r.theme.label_in(self.label_lang)
        hint = (
            _("split by {attribute}").format(attribute=done.attribute)
            if done.attribute
            else _("b splits by a case attribute")
            if self.attributes
            else ""
        )
        title.update(
            Text.assemble((_("Review of {theme}").format(theme=name), "bold"), ("  " + hint, "dim"))
        )
        t = Text()
        self._figures(t, r, done.attribute)
        self._code_lines(t, r)
        self._gaps(t, r, {x.theme.id: x.theme.label_in(self.label_lang) for x in done.themes})
        t.append("\n" + _("Codes in no theme") + ": ", style="underline")
        free = [c for c, _use in done.no_theme]
        t.append(self._codes(free) + "\n", style="" if free else "dim")
        body.update(t)

    def _figures(self, t: Text, r: ThemeReview, attribute: str | None) -> None:
        """The theme's usage, its warnings and its split by ``attribute``."""
        t.append(
            self._usage(r.usage) + ", " + plural(r.cases, "{n} case", "{n} cases") + "\n",
            style="bold",
        )
        if r.single_participant:
            t.append(_("⚠ the whole theme rests on one participant") + "\n", style="bold red")
        if r.missing_extracts:
            t.append(_("no key extract yet") + "\n", style="yellow")
        if r.split:
            t.append(
                "\n" + _("By {attribute}").format(attribute=attribute) + "\n",
                style="underline",
            )
            for value, use in r.split.items():
                t.append(f"  {value}: ", style="bold")
                t.append(self._usage(use) + "\n")

    def _code_lines(self, t: Text, r: ThemeReview) -> None:
        """The theme's codes with their usage and key extracts."""
        t.append("\n" + _("Codes") + "\n", style="underline")
        for c in r.codes:
            t.append("  ■ ", style=self.codebook.color_of(c.code))
            t.append(self.label(c.code))
            t.append("  " + self._usage(c.usage), style="dim")
            if c.extracts:
                t.append("  " + plural(c.extracts, "★ {n} key extract", "★ {n} key extracts"))
            t.append("\n")

    def _gaps(self, t: Text, r: ThemeReview, names: dict[str, str]) -> None:
        """Codes with no key extract or one participant, codes shared with other
        themes (``names``: theme id -> name) and co-occurring codings."""
        one = tuple(c.code for c in r.codes if c.usage.participants == 1)
        for heading, ids in (
            (_("Codes with no key extract"), r.codes_without_extract),
            (_("Codes carried by one participant only"), one),
        ):
            t.append("\n" + heading + ": ", style="underline")
            t.append(self._codes(ids) + "\n", style="yellow" if ids else "dim")
        t.append("\n" + _("Codes shared with other themes") + ": ", style="underline")
        if r.shared_codes:
            t.append("\n")
            for code, others in r.shared_codes:
                t.append(
                    f"  {self.label(code)}: " + ", ".join(names.get(o, o) for o in others) + "\n"
                )
        else:
            t.append(_("none") + "\n", style="dim")
        t.append(
            "\n" + _("Co-occurring codings (other codes on its passages)") + ": ",
            style="underline",
        )
        if r.cooccurring:
            t.append("\n")
            for code, n in r.cooccurring[:LIST_MAX]:
                t.append(
                    f"  {self.label(code)}: "
                    + plural(n, "on {n} passage", "on {n} passages")
                    + "\n"
                )
        else:
            t.append(_("none") + "\n", style="dim")

    def action_by(self) -> None:
        if not self.attributes:
            self.notify(_("no case attributes in this project"), severity="warning")
            return
        names = ["", *self.attributes]
        self.by = names[(names.index(self.by) + 1) % len(names)] if self.by in names else ""
        self.compute()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one(VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one(VerticalScroll).scroll_up(animate=False)
