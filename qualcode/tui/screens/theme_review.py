"""Review one theme (issue 19 point 4, in the workbench): its passages, documents,
participants and cases, the split by a case attribute (``b`` picks it), its codes
with no key extract or carried by one participant only, codes it shares with other
themes, the codes whose codings overlap its passages, and the codes in no theme."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from qualcode.core.codebook import Codebook
from qualcode.i18n import _, plural
from qualcode.store import Project

LIST_MAX = 12
"""Codes named per list before "and N more"."""


class ThemeReviewScreen(Screen[None]):
    """The figures that check one theme against the data."""

    BINDINGS = [
        Binding("escape,q", "back", "Back", id="theme-review-back", tooltip="Back to the themes."),
        Binding(
            "b",
            "by",
            "Split by…",
            id="theme-review-by",
            tooltip="Split the theme's figures by a case attribute (again: the next one).",
        ),
        Binding("j,down", "scroll_down", "Down", show=False, id="theme-review-down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="theme-review-up"),
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
        self.attributes = self.project.attribute_names()
        self.query_one(VerticalScroll).focus()
        self.compute()

    def label(self, code_id: str) -> str:
        """A code's label in the label language shown."""
        code = self.codebook.get(code_id)
        return code.label_in(self.label_lang) if code is not None else code_id

    @work(thread=True, exclusive=True, group="theme-review", exit_on_error=False)
    def compute(self) -> None:
        from qualcode.services.theme_view import theme_review

        review = theme_review(self.project, self.theme, by=self.by)
        tree = self.project.themes()
        self.app.call_from_thread(self.show, review, tree)

    def _codes(self, ids: tuple[str, ...] | list[str]) -> str:
        if not ids:
            return _("none")
        named = ", ".join(self.label(c) for c in ids[:LIST_MAX])
        if len(ids) > LIST_MAX:
            named += " " + plural(len(ids) - LIST_MAX, "and {n} more", "and {n} more")
        return named

    def show(self, review: object, tree: object) -> None:
        """Draw the figures."""
        from qualcode.core.themes import ThemeTree
        from qualcode.services.theme_view import ThemeReview

        assert isinstance(review, ThemeReview) and isinstance(tree, ThemeTree)
        theme = tree.get(self.theme)
        name = theme.label_in(self.label_lang) if theme is not None else self.theme
        self.query_one("#theme-review-title", Static).update(
            Text.assemble(
                (_("Review of {theme}").format(theme=name), "bold"),
                (
                    "  " + _("split by {attribute}").format(attribute=review.by)
                    if review.by
                    else "  " + _("b splits by a case attribute")
                    if self.attributes
                    else "",
                    "dim",
                ),
            )
        )
        t = Text()
        t.append(
            ", ".join(
                [
                    plural(review.passages, "{n} passage", "{n} passages"),
                    plural(review.documents, "{n} document", "{n} documents"),
                    plural(review.participants, "{n} participant", "{n} participants"),
                    plural(review.cases, "{n} case", "{n} cases"),
                ]
            )
            + "\n",
            style="bold",
        )
        if review.single:
            t.append(_("⚠ the whole theme rests on one participant") + "\n", style="bold red")
        if review.split:
            t.append("\n" + _("By {attribute}").format(attribute=review.by) + "\n", style="underline")
            for value, (n, docs, people) in review.split.items():
                t.append(f"  {value}: ", style="bold")
                t.append(
                    ", ".join(
                        [
                            plural(n, "{n} passage", "{n} passages"),
                            plural(docs, "{n} document", "{n} documents"),
                            plural(people, "{n} participant", "{n} participants"),
                        ]
                    )
                    + "\n"
                )
        t.append("\n" + _("Codes") + "\n", style="underline")
        for code in review.codes:
            n, people = review.per_code.get(code, (0, 0))
            t.append("  ■ ", style=self.codebook.color_of(code))
            t.append(self.label(code))
            t.append(
                "  "
                + plural(n, "{n} passage", "{n} passages")
                + ", "
                + plural(people, "{n} participant", "{n} participants")
                + "\n",
                style="dim",
            )
        for title, ids, style in (
            (_("Codes with no key extract"), review.no_extract, "yellow"),
            (_("Codes carried by one participant only"), review.one_participant, "yellow"),
        ):
            t.append("\n" + title + ": ", style="underline")
            t.append(self._codes(ids) + "\n", style=style if ids else "dim")
        t.append("\n" + _("Codes shared with other themes") + ": ", style="underline")
        if review.shared:
            t.append("\n")
            for code, others in review.shared.items():
                names = [
                    (tree.get(o).label_in(self.label_lang) if tree.get(o) else o)  # type: ignore[union-attr]
                    for o in others
                ]
                t.append(f"  {self.label(code)}: " + ", ".join(names) + "\n")
        else:
            t.append(_("none") + "\n", style="dim")
        t.append("\n" + _("Co-occurring codings (other codes on its passages)") + ": ", style="underline")
        if review.cooccurring:
            t.append("\n")
            for code, n in review.cooccurring[:LIST_MAX]:
                t.append(
                    f"  {self.label(code)}: "
                    + plural(n, "on {n} passage", "on {n} passages")
                    + "\n"
                )
        else:
            t.append(_("none") + "\n", style="dim")
        t.append("\n" + _("Codes in no theme") + ": ", style="underline")
        t.append(self._codes(review.in_no_theme) + "\n", style="" if review.in_no_theme else "dim")
        self.query_one("#theme-review-body", Static).update(t)

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
