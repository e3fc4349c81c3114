"""Adjudication: two coders side by side on one document, decided one by one.

The list on the left holds the disagreements (overlapping codings of one code the
two coders did not make identically), in text order; the two panes show what each
side coded, in context. ``a`` accepts side a, ``b`` side b, ``o`` both, ``n``
neither; each decision is stored at once and the consensus coder's codings are
rebuilt (agreements are in it from the start). The next undecided disagreement is
selected after each decision.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.core.narrate import passage
from qualcode.core.team import Cluster, Comparison, SideSpan
from qualcode.errors import QualcodeError
from qualcode.i18n import N_, _, plural
from qualcode.store import Project

CONTEXT = 120
"""Characters of context shown around a coded passage."""


class AdjudicateScreen(Screen[None]):
    """Decide the disagreements of two coders on one document."""

    BINDINGS = [
        Binding(
            "a",
            "decide('a')",
            N_("Accept a"),
            id="adjudicate-a",
            tooltip=N_("Keep side a's codings."),
        ),
        Binding(
            "b",
            "decide('b')",
            N_("Accept b"),
            id="adjudicate-b",
            tooltip=N_("Keep side b's codings."),
        ),
        Binding(
            "o", "decide('both')", N_("Both"), id="adjudicate-both", tooltip=N_("Keep both sides.")
        ),
        Binding(
            "n",
            "decide('neither')",
            N_("Neither"),
            id="adjudicate-neither",
            tooltip=N_("Keep neither side."),
        ),
        Binding("j", "move(1)", N_("Next"), show=False, id="adjudicate-next"),
        Binding("k", "move(-1)", N_("Previous"), show=False, id="adjudicate-previous"),
        Binding("escape", "back", N_("Back"), id="adjudicate-back", tooltip=N_("Back to coding.")),
    ]
    """Every decision is one key; the footer lists them."""

    def __init__(
        self,
        project: Project,
        doc: str,
        coder_a: str,
        coder_b: str,
        *,
        consensus: str = "consensus",
        label_lang: str | None = None,
    ) -> None:
        super().__init__()
        self.project = project
        self.codebook = project.codebook()
        self.label_lang = label_lang
        self.doc = doc
        self.coder_a = coder_a
        self.coder_b = coder_b
        self.consensus = consensus
        self.text = project.documents.document(doc).text
        self.comparison: Comparison = project.team.compare(
            doc, coder_a, coder_b, consensus=consensus
        )

    def _label(self, code_id: str) -> str:
        """A code by its label (the id of a code no longer in the codebook)."""
        code = self.codebook.get(code_id)
        return code.label_in(self.label_lang) if code is not None else code_id

    def compose(self) -> ComposeResult:
        yield Static("", id="status")
        with Horizontal(id="adjudicate-main"):
            yield OptionList(id="disagreements")
            with Vertical(id="adjudicate-sides"):
                yield Static("", id="side-a", classes="side")
                yield Static("", id="side-b", classes="side")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#disagreements", OptionList).border_title = _("Disagreements")
        self.query_one("#side-a", Static).border_title = f"a: {self.coder_a}"
        self.query_one("#side-b", Static).border_title = f"b: {self.coder_b}"
        self.refresh_list(0)
        self.query_one("#disagreements", OptionList).focus()

    # ------------------------------------------------------------------ display

    def refresh_list(self, highlight: int | None) -> None:
        """Show the disagreements (and the status line) of the current comparison."""
        options = self.query_one("#disagreements", OptionList)
        options.clear_options()
        for i, c in enumerate(self.comparison.clusters, start=1):
            label = Text(f"{i:>3} ")
            label.append(self._label(c.code), style="bold")
            label.append(" " + passage(self.text[c.start : c.end], 24) + " ")
            label.append(c.decision or _("undecided"), style="green" if c.decision else "yellow")
            options.add_option(Option(label, id=c.key))
        if self.comparison.clusters and highlight is not None:
            options.highlighted = min(highlight, len(self.comparison.clusters) - 1)
        self.show_current()
        cmp = self.comparison
        self.query_one("#status", Static).update(
            _(
                "Adjudicate {doc}: {coder_a} (a) vs {coder_b} (b) -> {consensus} · {n} agreed · "
            ).format(
                doc=self.doc,
                coder_a=self.coder_a,
                coder_b=self.coder_b,
                consensus=self.consensus,
                n=len(cmp.agreed),
            )
            + plural(len(cmp.clusters), "{n} disagreement", "{n} disagreements")
            + _(" · {undecided} undecided").format(undecided=cmp.undecided)
        )

    def current(self) -> Cluster | None:
        """The highlighted disagreement."""
        index = self.query_one("#disagreements", OptionList).highlighted
        if index is None or not self.comparison.clusters:
            return None
        return self.comparison.clusters[index]

    def _side(self, spans: tuple[SideSpan, ...], cluster: Cluster) -> Text:
        out = Text()
        out.append(f"{self._label(cluster.code)}\n", style="bold")
        if not spans:
            out.append(_("(not coded)"), style="italic dim")
            return out
        for s in spans:
            out.append(self.text[max(0, s.start - CONTEXT) : s.start], style="dim")
            out.append(self.text[s.start : s.end], style="bold reverse")
            out.append(self.text[s.end : s.end + CONTEXT] + "\n\n", style="dim")
        return out

    def show_current(self) -> None:
        """Show both sides of the highlighted disagreement."""
        cluster = self.current()
        side_a = self.query_one("#side-a", Static)
        side_b = self.query_one("#side-b", Static)
        if cluster is None:
            empty = Text(_("No disagreements: the two coders agree on this document."), style="dim")
            side_a.update(empty)
            side_b.update("")
            return
        side_a.update(self._side(cluster.a, cluster))
        side_b.update(self._side(cluster.b, cluster))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_current()

    # ------------------------------------------------------------------ actions

    def action_decide(self, decision: str) -> None:
        cluster = self.current()
        if cluster is None:
            return
        index = self.comparison.clusters.index(cluster)
        try:
            self.comparison = self.project.team.adjudicate(
                self.doc,
                self.coder_a,
                self.coder_b,
                {cluster.key: decision},
                consensus=self.consensus,
            )
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        clusters = self.comparison.clusters
        following = [i for i in range(index + 1, len(clusters)) if clusters[i].decision is None]
        self.refresh_list(following[0] if following else index)

    def action_move(self, step: int) -> None:
        options = self.query_one("#disagreements", OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_back(self) -> None:
        self.dismiss(None)
