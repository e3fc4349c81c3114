"""The coding screen: documents, the transcript, and the codebook.

Codebook keys never shadow the app's own keys: a code whose key is a single digit
is applied by pressing that digit (the app binds no digits); every key, digits
included, is reachable after the prefix ``;`` (``;`` ``1`` ``a`` applies the code
with key ``1a``). While a prefix is being typed, the status line lists what it
could still become.

Key handling: every key goes through a Binding (with an id, so it can be remapped)
or, for the keys typed after ``;``, through the App-level ``on_key``. Non-priority
bindings run when the key event bubbles back to the App, in the order the keys
arrived; a widget-level ``on_key`` handler would run at another moment and could
reorder keys typed in a burst (over SSH, a paste of keys), so there is none.

Every change is committed at once, is one entry in the action log, and can be undone
with ``u`` (redone with ``ctrl+r``), also after the app was closed and opened again:
``u`` takes back what this window did (another window of the same coder keeps its own
history; see :func:`qualcode.services.history.claim_window`).

Layout: the transcript gets the most width; the codebook pane grows with its longest
label up to a third of the screen, the document list (hidden below 100 columns) up
to a fifth; ``<`` and ``>`` change the focused side pane's width (kept in the
settings), ``=`` sizes the panes to their content again. ``o`` opens any document
at every size (and the command palette has "Open document: NAME" for each).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, OptionList, Static, Tree

from qualcode.core.codebook import Code, Codebook
from qualcode.core.model import CodeCount, Coding, DocumentSummary
from qualcode.core.names import escape
from qualcode.core.narrate import passage
from qualcode.core.search import one_line
from qualcode.core.spans import union_length
from qualcode.core.units import UNITS
from qualcode.errors import (
    InputError,
    ProjectGoneError,
    QualcodeError,
)
from qualcode.i18n import N_, _, plural
from qualcode.tui.messages import CodingApplied, CountsComputed, SelectionChanged
from qualcode.tui.screens.modals import CodeForm, MemoEditor, NewCode, TextPrompt
from qualcode.tui.screens.picker import ChoiceModal, CodeIndex, CodePicker
from qualcode.tui.screens.retrieval import Jump
from qualcode.tui.widgets.code_tree import CodeTree
from qualcode.tui.widgets.document_list import DocumentList, progress
from qualcode.tui.widgets.transcript_view import TranscriptView

if TYPE_CHECKING:
    from qualcode.services.refi_import import RefiImportRun
    from qualcode.store import Project

RECENT_MAX = 8
TOP = "__top__"
STATE_EVERY = 5.0
"""Seconds between checks whether the place to return to changed (then it is kept)."""
MAX_PLACES = 50
"""Documents whose last place is kept per coder."""
NARROW = 100
"""Below this many columns the document list is hidden (``o`` opens documents)."""
MIN_SIDE = 20
"""The narrowest a side pane gets."""
PANE_STEP = 2
"""Columns one press of ``<`` or ``>`` takes or gives."""


def pane_widths(
    width: int, codebook_wants: int, documents_wants: int, chosen: dict[str, int] | None = None
) -> tuple[int, int]:
    """Columns of the document list (0: hidden) and of the codebook pane.

    The panes size to their content: the codebook up to a third of the screen, the
    documents up to a fifth; a width the user chose (``chosen``) is kept as long as
    the transcript stays the widest pane. Below :data:`NARROW` columns the document
    list is hidden.
    """
    chosen = chosen or {}
    documents = 0
    if width >= NARROW:
        want = chosen.get("documents", documents_wants)
        top = width // 3 if "documents" in chosen else width // 5
        documents = max(min(want, top), min(MIN_SIDE, width // 5))
    rest = width - documents
    want = chosen.get("codebook", codebook_wants)
    top = (rest - 1) // 2 if "codebook" in chosen else width // 3
    codebook = max(min(want, top), min(MIN_SIDE, top))
    return documents, codebook


class CodingScreen(Screen[None]):
    """Code one document at a time."""

    CodingApplied = CodingApplied
    """A coding was stored (defined in :mod:`qualcode.tui.messages`)."""

    BINDINGS = [
        Binding(
            "enter,c",
            "pick_code",
            N_("Code…"),
            id="apply-code-picker",
            tooltip=N_(
                "Pick a code for the selection (fuzzy search over ids, labels, definitions)."
            ),
        ),
        Binding(
            "o",
            "open_document",
            N_("Open…"),
            id="open-document",
            tooltip=N_("Open another document (every document, type to filter)."),
        ),
        Binding(
            "semicolon",
            "key_prefix",
            N_("Code key"),
            id="code-key-prefix",
            tooltip=N_("Type a code's key (1a, 3c, …) to apply it."),
        ),
        *[
            Binding(
                d,
                f"apply_key('{d}')",
                N_("Code by key"),
                show=d == "1",
                key_display="0-9",
                id=f"code-key-{d}",
            )
            for d in "1234567890"
        ],
        Binding(
            "less_than_sign",
            "resize_pane(-1)",
            N_("Narrower"),
            show=False,
            id="pane-narrower",
            tooltip=N_(
                "Make the codebook pane (the document list when it has the focus) narrower; kept in the settings."
            ),
        ),
        Binding(
            "greater_than_sign",
            "resize_pane(1)",
            N_("Wider"),
            show=False,
            id="pane-wider",
            tooltip=N_(
                "Make the codebook pane (the document list when it has the focus) wider; kept in the settings."
            ),
        ),
        Binding(
            "equals_sign",
            "reset_panes",
            N_("Fit panes"),
            show=False,
            id="pane-fit",
            tooltip=N_("Size the side panes to their content again."),
        ),
        Binding(
            "a",
            "case_info",
            N_("Case"),
            show=False,
            id="case-info",
            tooltip=N_("Show the document's case and its attributes."),
        ),
        Binding(
            "r",
            "repeat_last",
            N_("Repeat"),
            show=False,
            id="repeat-code",
            tooltip=N_("Apply the last code again."),
        ),
        Binding(
            "i",
            "in_vivo",
            N_("In vivo"),
            show=False,
            id="in-vivo",
            tooltip=N_("Make a new code named by the selected words and apply it."),
        ),
        Binding(
            "x,delete",
            "remove_coding",
            N_("Uncode"),
            id="remove-coding",
            tooltip=N_(
                "Remove one of your codings at the selection (a list when there are several)."
            ),
        ),
        Binding("u", "undo", N_("Undo"), id="undo", tooltip=N_("Undo your last action.")),
        Binding(
            "ctrl+r", "redo", N_("Redo"), show=False, id="redo", tooltip=N_("Redo what you undid.")
        ),
        Binding(
            "m",
            "coding_memo",
            N_("Memo"),
            show=False,
            id="coding-memo",
            tooltip=N_("Write a memo on a coding at the selection."),
        ),
        Binding(
            "M",
            "document_memo",
            N_("Doc memo"),
            show=False,
            id="document-memo",
            tooltip=N_("Write a memo on the document."),
        ),
        Binding(
            "f",
            "filter_code",
            N_("Filter"),
            show=False,
            id="filter-code",
            tooltip=N_("Show only one code's codings (again: show all)."),
        ),
        Binding(
            "slash",
            "search",
            N_("Search"),
            id="search",
            tooltip=N_("Full-text and lemma search; code several hits at once."),
        ),
        Binding(
            "R",
            "retrieve",
            N_("Retrieve"),
            show=False,
            id="retrieve",
            tooltip=N_("Every passage coded with a code, across documents."),
        ),
        Binding(
            "ctrl+o",
            "import_transcripts",
            N_("Import"),
            show=False,
            id="import",
            tooltip=N_("Import transcripts (runs in the background, can be cancelled)."),
        ),
        Binding(
            "ctrl+e",
            "export",
            N_("Export"),
            show=False,
            id="export",
            tooltip=N_("Export the code × document frequency matrix."),
        ),
    ]
    """Every key goes through a binding, so keys typed faster than the screen
    redraws (a burst over SSH) are still handled in the order they were typed."""

    def __init__(self, project: Project, *, label_lang: str | None = None) -> None:
        super().__init__()
        self.project = project
        self.codebook: Codebook = project.codebook()
        self.label_lang = label_lang or (
            self.codebook.languages[0] if self.codebook.languages else None
        )
        self.current_doc: str | None = None
        self.search_unit: str | None = None
        """How search hits are coded (``sentence``, ``turn``, ``hit``); asked once."""
        self.code_index: CodeIndex | None = None
        """The picker's matching index (with lemmas once a worker loaded them)."""
        self._index_builder: Callable[[Codebook], CodeIndex] | None = None
        self._loading_lemmas = False
        self.recent: list[str] = []
        self.filter_code: str | None = None
        self._prefix: str | None = None
        self._colors: dict[str, str] = {}
        self._labels: dict[str, str] = {}
        self._counts_timer: Timer | None = None
        self._counts_asked = 0
        """The newest count asked for (counting runs in a worker)."""
        self._last_event = ""
        self._status_text = ""
        self._counts: dict[str, CodeCount] = {}
        self._doc_memos = 0
        self._documents_asked = 0
        """Reads of the document list asked of the worker (an older one's answer is
        dropped)."""
        self._listed: tuple[list[DocumentSummary], set[str]] = ([], set())
        """The documents the list shows, with those that have a memo (the switcher
        opens with them)."""
        self._widths = (0, 0)
        """The side panes' widths as last laid out (documents, codebook)."""
        self._places: dict[str, dict[str, object]] = {}
        """Document -> where the coder was in it (selection, first line shown)."""
        self._saved_state: dict[str, object] = {}
        self._state_warned = False
        self._view: TranscriptView | None = None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static("", id="status")
        with Horizontal(id="coding-main"):
            yield DocumentList(id="documents")
            with Vertical(id="transcript-pane"):
                yield TranscriptView(id="transcript")
                yield Static("", id="at-cursor")
                with VerticalScroll(id="prefix-hint"):
                    yield Static("", id="prefix-hint-text")
            with Vertical(id="codebook-pane"):
                yield CodeTree(id="codes")
                yield Static("", id="code-info")
        yield Footer()

    @property
    def narrow(self) -> bool:
        """Whether the screen is too narrow for the document list."""
        return self.size.width < NARROW

    def on_resize(self, event: events.Resize) -> None:
        self._layout_panes(event.size.width)
        self.query_one(Footer).compact = event.size.width < NARROW

    def _first_widths(self, names: list[str]) -> None:
        """The side panes' widths before the first frame, so the transcript is wrapped
        once for its final width (wrapping a long transcript takes a moment)."""
        width = self.app.size.width
        if not width:
            return
        self._counts = self.project.codebook_sync.code_counts()
        memo_codes = {m.target for m in self.project.memos.memos("code") if m.target}
        chosen = getattr(self.app, "settings", None)
        widths = pane_widths(
            width,
            CodeTree.width_needed(self.codebook, self._counts, self.label_lang, memo_codes),
            DocumentList.wanted_width(names),
            dict(chosen.pane_widths) if chosen is not None else None,
        )
        self.set_class(width < NARROW, "-narrow")
        self._widths = widths
        if widths[0]:
            self.query_one(DocumentList).styles.width = widths[0]
        self.query_one("#codebook-pane").styles.width = widths[1]

    def _layout_panes(self, width: int | None = None) -> None:
        """Give each pane its width (see :func:`pane_widths`)."""
        width = width if width is not None else self.size.width
        if not width:
            return
        self.set_class(width < NARROW, "-narrow")
        docs = self.query_one(DocumentList)
        if not docs.option_count:
            return  # not filled yet: the first widths stand
        names = [str(docs.get_option_at_index(i).id) for i in range(docs.option_count)]
        chosen = getattr(self.app, "settings", None)
        documents, codebook = pane_widths(
            width,
            self.query_one(CodeTree).wanted_width(),
            DocumentList.wanted_width(names),
            dict(chosen.pane_widths) if chosen is not None else None,
        )
        if (documents, codebook) == self._widths:
            return
        self._widths = (documents, codebook)
        if documents:
            docs.styles.width = documents
        self.query_one("#codebook-pane").styles.width = codebook

    def on_mount(self) -> None:
        self._view = self.query_one(TranscriptView)
        self.query_one("#documents", DocumentList).border_title = _("Documents")
        self.query_one("#codes", CodeTree).border_title = _("Codebook")
        self.query_one("#transcript", TranscriptView).border_title = _("Transcript")
        # the transcript first: the side panes fill in right after the first frame
        self.codebook = self.project.codebook()
        self._colors = {c.id: self.codebook.color_of(c.id) for c in self.codebook}
        self._labels = {c.id: c.label_in(self.label_lang) for c in self.codebook}
        names = self.project.documents.document_names()
        self._first_widths(names)
        state = self.project.workbench.workbench_state()
        self._restore_settings(state)
        left = state.get("doc")
        self.current_doc = left if left in names else (names[0] if names else None)
        if self.current_doc is not None:
            self.open_document(self.current_doc)
            self._restore_place(self.current_doc)
        self.query_one(TranscriptView).focus()
        self.call_after_refresh(self._fill_panes)
        self._saved_state = self._state()
        self.set_interval(STATE_EVERY, self._save_state_if_changed, name="keep-place")

    # ------------------------------------------------------------------ resume

    def _restore_settings(self, state: dict[str, object]) -> None:
        """The coder's filter, search unit and places per document, as they left them."""
        places = state.get("places")
        if isinstance(places, dict):
            self._places = {
                str(k): v for k, v in places.items() if isinstance(v, dict) and len(k) < 500
            }
        unit = state.get("search_unit")
        self.search_unit = unit if isinstance(unit, str) and unit in UNITS else None
        code = state.get("filter")
        if isinstance(code, str) and code in self.codebook:
            self.filter_code = code

    def _restore_place(self, name: str) -> None:
        """Select and scroll to where the coder was in document ``name``."""
        place = self._places.get(name)
        view = self.query_one(TranscriptView)
        if not place or view.document is None:
            return
        sel = place.get("selection")
        top = place.get("top")
        if (
            isinstance(sel, list)
            and len(sel) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in sel)
        ):
            view.place(sel[0], sel[1], top if isinstance(top, int) else None)

    def _remember_place(self) -> None:
        # the widget itself, not a query: this also runs as the screen is taken down
        view = self._view
        if (
            view is None
            or self.current_doc is None
            or view.document is None
            or view.selection is None
        ):
            return
        self._places.pop(self.current_doc, None)
        self._places[self.current_doc] = {
            "selection": [view.selection.start, view.selection.end],
            "top": view.top_offset(),
        }
        while len(self._places) > MAX_PLACES:
            self._places.pop(next(iter(self._places)))

    def _state(self) -> dict[str, object]:
        """Where the coder is now: what reopening the project returns them to."""
        self._remember_place()
        return {
            "doc": self.current_doc,
            "filter": self.filter_code,
            "search_unit": self.search_unit,
            "places": dict(self._places),
        }

    def _save_state(self) -> None:
        """Keep where the coder is in the project (not an action: never undone)."""
        state = self._state()
        try:
            self.project.workbench.save_workbench_state(state)
        except QualcodeError as exc:
            if not self._state_warned:
                self._state_warned = True
                self.notify(str(exc), severity="warning", timeout=6)
            return
        self._saved_state = state

    def keep_place(self) -> None:
        """Keep where the coder is, if it changed (as the workbench closes)."""
        if self._view is not None and self.current_doc is not None:
            self._save_state_if_changed()

    def on_unmount(self) -> None:
        self.keep_place()

    def _save_state_if_changed(self) -> None:
        if self._state() != self._saved_state:
            self._save_state()

    def project_opened(self) -> None:
        """The full project is open (the first frame came from the light read path):
        the status line no longer says it is being opened."""
        self._update_status()

    def _fill_panes(self) -> None:
        self._load_codebook()
        self._fill_documents()
        self._layout_panes()
        self._update_status()

    def reload(self, *, keep_selection: bool = False) -> None:
        """Re-read documents, codebook, memos and counts from the project."""
        view = self.query_one(TranscriptView)
        sel = view.selection if keep_selection else None
        shown = self.current_doc
        self._load_codebook()
        self._refill_documents()
        if self.current_doc != shown:  # it went (an undone import): no selection to keep
            sel = None
        self._layout_panes()
        if self.current_doc is not None:
            self.open_document(self.current_doc)
            if sel is not None:
                view.select_span(sel.start, sel.end)
        self._update_status()

    def _fill_documents(self) -> None:
        """The document list as the screen opens (its first frame shows it)."""
        docs = self.project.documents.documents()
        doc_memos = {m.target for m in self.project.memos.memos("document") if m.target}
        self._show_documents(docs, doc_memos)

    def _refill_documents(self) -> None:
        """The document list after a change: which document stays open is settled
        now from the names (one light query); the codings and coded share of every
        document, which need every coding's span, are read in a worker
        (:meth:`_read_documents`) and shown when they come."""
        names = self.project.documents.document_names()
        if self.current_doc not in names:
            self.current_doc = names[0] if names else None
        self._documents_asked += 1
        self._read_documents(self._documents_asked)

    @work(thread=True, exclusive=True, group="document-list", exit_on_error=False)
    def _read_documents(self, asked: int) -> None:
        try:
            docs = self.project.documents.documents()
            memos = {m.target for m in self.project.memos.memos("document") if m.target}
        except QualcodeError:
            self.app.call_from_thread(self._documents_read, None, set(), asked)
            return
        self.app.call_from_thread(self._documents_read, docs, memos, asked)

    def _documents_read(
        self, docs: list[DocumentSummary] | None, memos: set[str], asked: int
    ) -> None:
        """Show what :meth:`_read_documents` read, unless a newer read is under way
        (``None``: the read failed; the list stays as it was)."""
        if asked != self._documents_asked:
            return
        if docs is not None and self.is_attached:
            self._show_documents(docs, memos)

    def _show_documents(self, docs: list[DocumentSummary], doc_memos: set[str]) -> None:
        names = {d.name for d in docs}
        if self.current_doc not in names:
            self.current_doc = docs[0].name if docs else None
        self._listed = (docs, doc_memos)
        self.query_one(DocumentList).show(docs, self.current_doc, doc_memos)
        self.query_one(DocumentList).border_title = plural(
            len(docs), "Documents ({n})", "Documents ({n})"
        )

    def _load_codebook(self) -> None:
        self.codebook = self.project.codebook()
        self._colors = {c.id: self.codebook.color_of(c.id) for c in self.codebook}
        self._labels = {c.id: c.label_in(self.label_lang) for c in self.codebook}
        tree = self.query_one(CodeTree)
        tree.memo_codes = {m.target for m in self.project.memos.memos("code") if m.target}
        self._counts = self.project.codebook_sync.code_counts()
        tree.show(self.codebook, self._counts, self.label_lang)
        tree.border_title = plural(len(self.codebook), "Codebook ({n})", "Codebook ({n})")
        if self.filter_code is not None and self.filter_code not in self.codebook:
            self.filter_code = None
        view = self.query_one(TranscriptView)
        view.set_colors(self._colors, self._labels)
        view.set_filter(self._filter_set())
        self._show_code_info()

    def _index_codebook(self, *, load: bool = False) -> None:
        """Have the picker's index of the codebook ready: at once without lemmas (or
        with them, once their tables are loaded), and (``load``) start loading the
        lemma tables in a worker, since that takes a moment. Nothing of this runs
        before the first frame."""
        if self.code_index is None or self.code_index.codebook is not self.codebook:
            builder = self._index_builder
            self.code_index = builder(self.codebook) if builder else CodeIndex(self.codebook)
        if load and self._index_builder is None and not self._loading_lemmas:
            self._loading_lemmas = True
            self._load_lemmas()

    def _picker_index(self) -> CodeIndex | None:
        """The index a picker opening now ranks with (and lemmas on their way)."""
        self._index_codebook(load=True)
        return self.code_index

    @work(thread=True, exclusive=True, group="code-index", exit_on_error=False)
    def _load_lemmas(self) -> None:
        from qualcode.services.picker import code_index

        codebook = self.codebook
        index = code_index(codebook, load=True)
        self.app.call_from_thread(self._index_ready, index, code_index)

    def _index_ready(self, index: CodeIndex, builder: Callable[..., CodeIndex]) -> None:
        # from the next picker on: a picker already open keeps its ranking, so the
        # code under the cursor never changes while the researcher reaches for enter
        self._index_builder = builder
        self.code_index = index
        self._index_codebook()  # the codebook may have changed meanwhile

    def open_document(self, name: str) -> None:
        """Show document ``name``."""
        document = self.project.documents.document(name)
        codings = self.project.codings.codings(doc=name)
        self.current_doc = name
        view = self.query_one(TranscriptView)
        view.border_title = name
        self._doc_memos = len(self.project.memos.memos("document", name))
        view.load(document, codings, self._colors, self._labels)
        view.set_filter(self._filter_set())
        self._show_progress()
        self._update_status()

    def _show_progress(self) -> None:
        """The transcript's subtitle: its codings, coded share and memos."""
        view = self.query_one(TranscriptView)
        if view.document is None:
            view.border_subtitle = ""
            return
        codings = list(view.index.codings.values())
        share = union_length((c.start, c.end) for c in codings) / max(len(view.document.text), 1)
        parts = [progress(len(codings), share)]
        if self._doc_memos:
            parts.append(plural(self._doc_memos, "✎ {n} memo", "✎ {n} memos"))
        view.border_subtitle = " · ".join(parts)

    def _filter_set(self) -> set[str] | None:
        if self.filter_code is None:
            return None
        cb = self.codebook
        return {self.filter_code} | {c.id for c in cb if self.filter_code in cb.path(c.id)}

    def label(self, code_id: str) -> str:
        """The code's label in the label language (the id when it is unknown)."""
        return self._labels.get(code_id, code_id)

    # ------------------------------------------------------------------ events

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if (
            isinstance(event.option_list, DocumentList)
            and event.option.id
            and event.option.id != self.current_doc
        ):
            self._switch_to(event.option.id)

    def _switch_to(self, name: str) -> None:
        """Open another document where the coder last was in it."""
        self._remember_place()
        self.open_document(name)
        self._restore_place(name)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if isinstance(event.option_list, DocumentList):
            self.query_one(TranscriptView).focus()

    def on_transcript_view_selection_changed(self, event: SelectionChanged) -> None:
        self._update_status()

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        self._show_code_info(event.node.data)

    def _show_code_info(self, code_id: str | None = None) -> None:
        """The detail box under the codebook: the highlighted code's whole label, its
        other labels, id and key, counts and definition (follows every edit)."""
        if code_id is None:
            code_id = self.query_one(CodeTree).highlighted_code
        box = self.query_one("#code-info", Static)
        if code_id is None or code_id not in self.codebook:
            box.update("")
            return
        code = self.codebook[code_id]
        text = Text()
        shown = code.label_in(self.label_lang)
        text.append(shown + "\n", style="bold")
        others = [v for v in code.labels().values() if v != shown]
        if others:
            text.append(" / ".join(others) + "\n", style="italic")
        count = self._counts.get(code_id)
        n, docs = (count.codings, count.documents) if count is not None else (0, 0)
        text.append(
            "{codings} in {documents}".format(
                codings=plural(n, "{n} coding", "{n} codings"),
                documents=plural(docs, "{n} document", "{n} documents"),
            )
            + "\n"
        )
        text.append(
            (code.id + (_("  key {key}").format(key=code.key) if code.key else "")) + "\n",
            style="dim",
        )
        text.append(code.description)
        box.update(text)

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        if event.node.data:
            self.apply_code(event.node.data)

    @property
    def prefix_active(self) -> bool:
        """True while a code key is being typed after ``;``."""
        return self._prefix is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While a key prefix is typed, every key belongs to it (digits included).
        if self._prefix is not None:
            return False
        return True

    def action_case_info(self) -> None:
        if self.current_doc is None:
            return
        from qualcode.tui.screens.case_info import CaseInfoModal

        self.app.push_screen(CaseInfoModal(self.current_doc, self.project.cases.cases()))

    def action_apply_key(self, key: str) -> None:
        code = self.codebook.by_key().get(key)
        if code is None:
            self.notify(_("no code has the key {key!r}").format(key=key), severity="warning")
            return
        self.apply_code(code.id)

    def prefix_key(self, event: events.Key) -> None:
        """Take one key typed after the ``;`` prefix."""
        assert self._prefix is not None
        if event.key in ("escape", "ctrl+c"):
            self._prefix = None
            self._update_status()
            return
        keys = self.codebook.by_key()
        if event.key in ("enter",):
            code = keys.get(self._prefix)
            self._prefix = None
            if code is not None:
                self.apply_code(code.id)
            else:
                self._update_status()
            return
        if event.key == "backspace":
            self._prefix = self._prefix[:-1]
            self._update_status()
            return
        if not event.character or not event.character.isprintable():
            return
        typed = self._prefix + event.character.lower()
        candidates = [k for k in keys if k.startswith(typed)]
        if not candidates:
            self._prefix = None
            self.notify(_("no code has the key {typed!r}").format(typed=typed), severity="warning")
            self._update_status()
            return
        if typed in keys and len(candidates) == 1:
            self._prefix = None
            self.apply_code(keys[typed].id)
            return
        self._prefix = typed
        self._update_status()

    # ------------------------------------------------------------------ coding

    def action_key_prefix(self) -> None:
        self._prefix = ""
        self._update_status()

    # ------------------------------------------------------------------ documents, panes

    def action_open_document(self) -> None:
        """Show the document switcher over the transcript."""
        from qualcode.tui.screens.documents import DocumentSwitcher

        def chosen(name: str | None) -> None:
            if name:
                self.open_document_named(name)

        # at once with the documents the list shows; the switcher reads them again in
        # a worker (their counts may have moved since) and updates itself
        docs, memos = self._listed
        self.app.push_screen(
            DocumentSwitcher(docs, self.current_doc, memos, project=self.project), chosen
        )

    def open_document_named(self, name: str) -> None:
        """Open document ``name`` (from the switcher or the command palette)."""
        if name != self.current_doc:
            self._switch_to(name)
            doc_list = self.query_one(DocumentList)
            for i in range(doc_list.option_count):
                if doc_list.get_option_at_index(i).id == name:
                    doc_list.highlighted = i
                    break
        self.query_one(TranscriptView).focus()

    def _focused_pane(self) -> str:
        return "documents" if isinstance(self.focused, DocumentList) else "codebook"

    def action_resize_pane(self, direction: int) -> None:
        pane = self._focused_pane()
        widget = (
            self.query_one(DocumentList)
            if pane == "documents"
            else self.query_one("#codebook-pane")
        )
        current = widget.outer_size.width or widget.size.width
        self._set_pane_width(pane, max(current + direction * PANE_STEP, 8))

    def action_reset_panes(self) -> None:
        self._set_pane_width(None, None)

    def _set_pane_width(self, pane: str | None, width: int | None) -> None:
        """Keep the chosen width (``pane`` ``None``: forget every choice) in the
        settings, and lay the panes out again."""
        from qualcode.settings import save_setting

        settings = getattr(self.app, "settings", None)
        if settings is None:
            return
        if pane is None:
            settings.pane_widths = {}
        else:
            assert width is not None
            settings.pane_widths = {**settings.pane_widths, pane: width}
        self._layout_panes()
        try:
            save_setting("pane_widths", dict(settings.pane_widths) or None)
        except (OSError, QualcodeError) as exc:
            self.notify(
                _("the pane width was not saved in the settings: {exc}").format(exc=exc),
                severity="warning",
                timeout=6,
            )

    def action_pick_code(self) -> None:
        self._index_codebook(load=True)
        view = self.query_one(TranscriptView)
        if view.selection is None:
            self.notify(_("nothing selected"), severity="warning")
            return

        def chosen(code_id: str | None) -> None:
            if code_id:
                self.apply_code(code_id)

        self.app.push_screen(
            CodePicker(
                self.codebook,
                recent=self.recent,
                label_lang=self.label_lang,
                index=self._picker_index(),
            ),
            chosen,
        )

    def action_repeat_last(self) -> None:
        if self.recent:
            self.apply_code(self.recent[0])
        else:
            self.notify(_("no code applied yet"), severity="warning")

    def _remember(self, code_id: str) -> None:
        if code_id in self.recent:
            self.recent.remove(code_id)
        self.recent.insert(0, code_id)
        del self.recent[RECENT_MAX:]

    def apply_code(self, code_id: str, *, group: str | None = None) -> Coding | None:
        """Code the selection with ``code_id``; committed at once."""
        view = self.query_one(TranscriptView)
        if self.current_doc is None or view.selection is None:
            self.notify(_("nothing selected"), severity="warning")
            return None
        sel = view.selection
        try:
            coding, created = self.project.codings.apply_coding(
                self.current_doc, code_id, sel.start, sel.end, group=group
            )
        except ProjectGoneError as exc:
            self._gone(exc)
            return None
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return None
        self._show_applied(coding, created)
        return coding

    def _show_applied(self, coding: Coding, created: bool) -> None:
        """Show a stored coding: the stripe, the line under the transcript, the counts."""
        self._remember(coding.code)
        self._last_event = (
            _("coded with {label}").format(label=self.label(coding.code))
            if created
            else _("already coded with {label}").format(label=self.label(coding.code))
        )
        if created:
            self.query_one(TranscriptView).add_coding(coding)
            self._after_change()
        else:
            self._update_status()
        # no toast: a toast is a layout pass over the whole screen; the stripe and the
        # line under the transcript say it
        self.post_message(CodingApplied(coding, created))

    def _gone(self, exc: ProjectGoneError) -> None:
        """The project file vanished: never "coded with", the coding is not in it."""
        self._last_event = _("NOT SAVED: the project file is gone")
        self._update_status()
        lost = getattr(self.app, "project_lost", None)
        if callable(lost):
            lost(exc.problem.message.split(";")[0])

    def action_in_vivo(self) -> None:
        from qualcode import services

        view = self.query_one(TranscriptView)
        if self.current_doc is None or view.selection is None or view.document is None:
            self.notify(_("nothing selected"), severity="warning")
            return
        sel = view.selection
        try:
            made = services.create_in_vivo(
                self.project, self.current_doc, sel.start, sel.end, text=view.document.text
            )
        except ProjectGoneError as exc:
            self._gone(exc)
            return
        except InputError as exc:
            self.notify(str(exc), severity="warning")
            return
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self._not_written(made.not_written)
        self._load_codebook()
        self._show_applied(made.coding, made.created)

    def action_remove_coding(self) -> None:
        view = self.query_one(TranscriptView)
        here = view.codings_at_selection()
        mine = [c for c in here if c.coder == self.project.coder]
        if not mine:
            if here:
                self.notify(
                    plural(
                        len(here),
                        "no coding of yours here ({n} by others)",
                        "no coding of yours here ({n} by others)",
                    ),
                    severity="warning",
                )
            else:
                self.notify(_("no coding of yours here"), severity="warning")
            return
        if len(mine) == 1:
            self._remove(mine[0])
            return

        def chosen(guid: str | None) -> None:
            for c in mine:
                if c.guid == guid:
                    self._remove(c)

        self.app.push_screen(ChoiceModal(_("Remove which coding?"), self._items(mine)), chosen)

    def _items(self, codings: list[Coding]) -> list[tuple[str, Text]]:
        return [
            (
                c.guid,
                Text.assemble(
                    ("■ ", self._colors.get(c.code, "")),
                    self.label(c.code),
                    (f"  {escape(c.coder)}  {passage(c.quote)}", "dim"),
                    (f"  ✎ {one_line(c.memo)[:30]}" if c.memo else "", "italic"),
                ),
            )
            for c in codings
        ]

    def _remove(self, coding: Coding) -> None:
        try:
            self.project.codings.remove_coding(coding.guid)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self.query_one(TranscriptView).remove_coding(coding.guid)
        self._after_change()
        self.notify(
            _("removed {label} from {passage}").format(
                label=self.label(coding.code), passage=passage(coding.quote)
            ),
            timeout=3,
        )

    def _after_change(self) -> None:
        """The transcript shows a change at once; the counts in the side panes follow
        a frame later (one coalesced update), so the key's own frame stays small.
        The transcript's own footer (its codings and coded share, from the view's
        index) is part of the transcript and changes in the key's frame."""
        self._update_status()
        self._show_progress()
        if self._counts_timer is not None:
            self._counts_timer.stop()
        self._counts_timer = self.set_timer(0.05, self._refresh_counts)

    def _refresh_counts(self) -> None:
        self._counts_timer = None
        self._counts_asked += 1
        self._count(self._counts_asked)

    @work(thread=True, exclusive=True, group="code-counts", exit_on_error=False)
    def _count(self, generation: int) -> None:
        """Count the codings per code in a worker (on 10,000 codings, more than a
        frame): the key that made the change never waits for it."""
        try:
            counts = self.project.codebook_sync.code_counts()
        except QualcodeError:
            counts = None  # the project went away meanwhile: the next change counts again
        self.post_message(CountsComputed(counts, generation))

    def on_coding_screen_counts_computed(self, message: CountsComputed) -> None:
        if message.generation != self._counts_asked:
            return  # a newer count is under way
        if message.counts is None:
            return
        self._counts = message.counts
        self.query_one(CodeTree).update_counts(self._counts)
        self._layout_panes()  # a count with one more digit may need a wider pane
        self._show_code_info()
        self._show_progress()
        view = self.query_one(TranscriptView)
        doc_list = self.query_one(DocumentList)
        if self.current_doc and view.document is not None and doc_list.option_count:
            codings = list(view.index.codings.values())
            share = union_length((c.start, c.end) for c in codings) / max(
                len(view.document.text), 1
            )
            memo = bool(self._doc_memos)
            try:
                doc_list.replace_option_prompt(
                    self.current_doc,
                    DocumentList.prompt(self.current_doc, len(codings), share, memo),
                )
            except Exception:  # the list was refilled meanwhile
                pass

    # ------------------------------------------------------------------ undo / redo

    def action_undo(self) -> None:
        self._history("undo")

    def action_redo(self) -> None:
        self._history("redo")

    def _history(self, which: str) -> None:
        from qualcode.tui.history import undo_or_redo

        undo_or_redo(
            self, self.project, which, self.label_lang, lambda: self.reload(keep_selection=True)
        )

    # ------------------------------------------------------------------ memos

    def action_coding_memo(self) -> None:
        here = self.query_one(TranscriptView).codings_at_selection()
        if not here:
            self.notify(_("no coding at the selection"), severity="warning")
            return
        if len(here) == 1:
            self._edit_coding_memo(here[0])
            return

        def chosen(guid: str | None) -> None:
            for c in here:
                if c.guid == guid:
                    self._edit_coding_memo(c)

        self.app.push_screen(ChoiceModal(_("Memo on which coding?"), self._items(here)), chosen)

    def _edit_coding_memo(self, coding: Coding) -> None:
        def saved(text: str | None) -> None:
            if text is None or text == (coding.memo or ""):
                return
            try:
                updated = self.project.memos.set_coding_memo(coding.guid, text or None)
            except QualcodeError as exc:
                self.notify(str(exc), severity="error")
                return
            self.query_one(TranscriptView).add_coding(updated)
            self._update_status()
            self.notify(_("memo saved") if text else _("memo deleted"), timeout=2)

        about = (
            f"{self.label(coding.code)} · {escape(coding.coder)} · “{one_line(coding.quote)[:120]}”"
        )
        self.app.push_screen(
            MemoEditor(_("Memo on the coding"), coding.memo or "", about=about), saved
        )

    def _edit_memo(self, kind: str, target: str, title: str) -> None:
        existing = [
            m for m in self.project.memos.memos(kind, target) if m.author == self.project.coder
        ]
        memo = existing[0] if existing else None
        others = [
            m for m in self.project.memos.memos(kind, target) if m.author != self.project.coder
        ]
        about = "\n".join(f"{m.author}: {one_line(m.text)[:100]}" for m in others[:3])

        def saved(text: str | None) -> None:
            if text is None or (memo is not None and text == memo.text):
                return
            try:
                if memo is None and text:
                    self.project.memos.add_memo(kind, target, text)
                elif memo is not None and text:
                    self.project.memos.update_memo(memo.guid, text)
                elif memo is not None:
                    self.project.memos.delete_memo(memo.guid)
            except QualcodeError as exc:
                self.notify(str(exc), severity="error")
                return
            self.reload(keep_selection=True)
            self.notify(_("memo saved") if text else _("memo deleted"), timeout=2)

        self.app.push_screen(MemoEditor(title, memo.text if memo else "", about=about), saved)

    def _highlighted_doc(self) -> str | None:
        """The document the list highlights when it has the focus, else the open one."""
        doc_list = self.query_one(DocumentList)
        name = self.current_doc
        if self.focused is doc_list and doc_list.highlighted is not None:
            name = doc_list.get_option_at_index(doc_list.highlighted).id or name
        if name is None:
            self.notify(_("no document"), severity="warning")
        return name

    def action_document_memo(self) -> None:
        name = self._highlighted_doc()
        if name is not None:
            self._edit_memo("document", name, _("Memo on the document {name}").format(name=name))

    # ------------------------------------------------------------------ documents

    def action_rename_document(self) -> None:
        from qualcode import services

        old = self._highlighted_doc()
        if old is None:
            return

        def renamed(text: str | None) -> None:
            if not text or not text.strip() or text.strip() == old:
                return
            new = text.strip()
            try:
                services.rename_document(self.project, old, new)
            except QualcodeError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            if self.current_doc == old:
                self.current_doc = new
            self.reload(keep_selection=True)
            self.notify(_("renamed {old} to {new} (u undoes)").format(old=old, new=new), timeout=4)

        self.app.push_screen(
            TextPrompt(f"Rename {old}", old, hint=_("enter save · esc cancel")), renamed
        )

    def action_delete_document(self) -> None:
        from qualcode import services
        from qualcode.tui.screens.modals import ConfirmModal

        name = self._highlighted_doc()
        if name is None:
            return
        codings = self.project.document_edits.document_codings(name)
        memos = len(self.project.memos.memos("document", name))
        what = _("{codings} and {memos}").format(
            codings=plural(codings, "{n} coding", "{n} codings"),
            memos=plural(memos, "{n} memo", "{n} memos"),
        )

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                gone = services.delete_document(self.project, name, force=True)
            except QualcodeError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            self.reload()
            self.notify(
                _("deleted {name} with {codings} codings and {memos} memos (u undoes)").format(
                    name=name, codings=gone.codings, memos=gone.memos
                ),
                timeout=5,
            )

        self.app.push_screen(
            ConfirmModal(
                _("Delete {name} with its {what}? (u undoes it)").format(name=name, what=what)
            ),
            answered,
        )

    def action_link_case(self) -> None:
        from qualcode import services

        name = self._highlighted_doc()
        if name is None:
            return

        def linked(text: str | None) -> None:
            if not text or not text.strip():
                return
            case = text.strip()
            try:
                created = services.link_case(self.project, name, case)
            except QualcodeError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            self.notify(
                _("{name} is part of case {case}").format(name=name, case=case)
                + (_(" (a new case)") if created else ""),
                timeout=4,
            )

        current = services.document_case(self.project, name)
        self.app.push_screen(
            TextPrompt(
                _("Case of {name}").format(name=name),
                current or name,
                hint=_("a case that does not exist is created · enter save · esc cancel"),
            ),
            linked,
        )

    def action_code_memo(self) -> None:
        code_id = self._target_code()
        if code_id is not None:
            self._edit_memo(
                "code", code_id, _("Memo on the code {label}").format(label=self.label(code_id))
            )

    # ------------------------------------------------------------------ filter, search, retrieval

    def action_filter_code(self) -> None:
        self._index_codebook(load=True)
        if self.filter_code is not None:
            self.filter_code = None
            self.query_one(TranscriptView).set_filter(None)
            self._update_status()
            self._save_state()
            self.notify(_("showing every code"), timeout=2)
            return

        def chosen(code_id: str | None) -> None:
            if code_id:
                self.filter_code = code_id
                self.query_one(TranscriptView).set_filter(self._filter_set())
                self._update_status()
                self._save_state()

        self.app.push_screen(
            CodePicker(
                self.codebook,
                recent=self.recent,
                label_lang=self.label_lang,
                title=_("Show only the codings of…"),
                index=self._picker_index(),
            ),
            chosen,
        )

    def jump(self, target: Jump | None) -> None:
        """Open a document at a span (from search or retrieval); the span is selected."""
        if target is None:
            self.reload(keep_selection=True)
            return
        if target.doc != self.current_doc:
            self.current_doc = target.doc
        self.reload()
        view = self.query_one(TranscriptView)
        view.select_span(target.start, target.end)
        view.focus()

    def action_search(self) -> None:
        from qualcode.tui.screens.search import SearchScreen

        self._index_codebook(load=True)
        view = self.query_one(TranscriptView)
        query = ""
        if view.document is not None and view.selection is not None:
            picked = view.document.text[view.selection.start : view.selection.end]
            if len(picked) <= 40 and "\n" not in picked:
                query = picked.strip()
        self.app.push_screen(
            SearchScreen(
                self.project,
                self.codebook,
                label_lang=self.label_lang,
                recent=self.recent,
                query=query if len(query.split()) <= 3 else "",
                unit=self.search_unit,
                remember_unit=self._remember_unit,
                index=self._picker_index(),
            ),
            self.jump,
        )

    def _remember_unit(self, unit: str) -> None:
        self.search_unit = unit
        self._save_state()

    def _target_code(self) -> str | None:
        tree = self.query_one(CodeTree)
        code_id = tree.highlighted_code
        if code_id is None or code_id not in self.codebook:
            self.notify(_("no code highlighted in the codebook"), severity="warning")
            return None
        return code_id

    def action_retrieve(self) -> None:
        from qualcode.tui.screens.retrieval import RetrievalScreen

        def open_for(code_id: str | None) -> None:
            if code_id:
                self.app.push_screen(
                    RetrievalScreen(
                        self.project, self.codebook, code_id, label_lang=self.label_lang
                    ),
                    self.jump,
                )

        tree = self.query_one(CodeTree)
        if self.focused is tree and tree.highlighted_code:
            open_for(tree.highlighted_code)
            return
        self.app.push_screen(
            CodePicker(
                self.codebook,
                recent=self.recent,
                label_lang=self.label_lang,
                title=_("Retrieve the passages of…"),
                index=self._picker_index(),
            ),
            open_for,
        )

    # ------------------------------------------------------------------ codebook edits

    def _not_written(self, problem: str | None) -> None:
        """Warn when the linked codebook file could not follow an edit."""
        if problem is not None:
            self.notify(
                _("saved in the project, but the codebook file was not updated: {exc}").format(
                    exc=problem
                ),
                severity="warning",
                timeout=8,
            )

    def _edit_then(
        self, change: Callable[[], object], what: Callable[[], str], *, focus: str | None = None
    ) -> bool:
        """Make one codebook edit; ``what`` words the message after the reload (so it
        can name codes by their new labels); ``focus`` is the code to highlight."""
        from qualcode import services

        try:
            edit = services.edit_codebook(self.project, change)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return False
        self._not_written(edit.not_written)
        if focus is not None:
            self.query_one(CodeTree).focus_code = focus
        self.reload(keep_selection=True)
        self.notify(what(), timeout=3)
        return True

    def action_add_code(self, top: bool) -> None:
        parent = None if top else self._target_code()
        if not top and parent is None:
            return

        def added(form: NewCode | None) -> None:
            if form is None:
                return
            code = Code(
                id=form.id,
                label=form.label or form.id,
                parent=parent,
                key=form.key or None,
                color=form.color or None,
            )
            self._edit_then(
                lambda: self.project.codes.add_code(code),
                lambda: _("added the code {label}").format(label=self.label(form.id)),
                focus=form.id,
            )

        title = (
            _("New sub-code of {label}").format(label=self.label(parent))
            if parent
            else _("New top-level code")
        )
        self.app.push_screen(CodeForm(title, code_id=f"{parent}." if parent else ""), added)

    def action_rename_code(self) -> None:
        code_id = self._target_code()
        if code_id is None:
            return
        old = self.label(code_id)

        def renamed(text: str | None) -> None:
            if text and text.strip() and text.strip() != old:
                self._edit_then(
                    lambda: self.project.codes.set_label(
                        code_id, text.strip(), lang=self.label_lang
                    ),
                    lambda: _("renamed {old} to {label}").format(
                        old=old, label=self.label(code_id)
                    ),
                )

        title = (
            _("New label for {old} ({label_lang})").format(old=old, label_lang=self.label_lang)
            if self.label_lang
            else _("New label for {old}").format(old=old)
        )
        self.app.push_screen(
            TextPrompt(title, old, hint=_("the id stays; enter save · esc cancel")), renamed
        )

    def action_recolor_code(self) -> None:
        code_id = self._target_code()
        if code_id is None:
            return

        def recoloured(text: str | None) -> None:
            if text is not None and text.strip():
                self._edit_then(
                    lambda: self.project.codes.update_code(code_id, color=text.strip()),
                    lambda: f"recoloured {self.label(code_id)}",
                )

        self.app.push_screen(
            TextPrompt(
                _("Colour of {label}").format(label=self.label(code_id)),
                self.codebook.color_of(code_id),
                hint=_("#RRGGBB or #RGB · enter save · esc cancel"),
            ),
            recoloured,
        )

    def action_rekey_code(self) -> None:
        code_id = self._target_code()
        if code_id is None:
            return

        def rekeyed(text: str | None) -> None:
            if text is not None:
                key = text.strip().lower() or None
                self._edit_then(
                    lambda: self.project.codes.update_code(code_id, key=key),
                    lambda: (
                        _("gave {label} the key {key}").format(label=self.label(code_id), key=key)
                        if key
                        else _("removed the key of {label}").format(label=self.label(code_id))
                    ),
                )

        self.app.push_screen(
            TextPrompt(
                _("Key of {label}").format(label=self.label(code_id)),
                self.codebook[code_id].key or "",
                hint=_(
                    "1-3 lowercase letters or digits; empty removes it · a one-digit key is a single keypress, others follow ;"
                ),
            ),
            rekeyed,
        )

    def action_move_code(self) -> None:
        code_id = self._target_code()
        if code_id is None:
            return

        def moved(parent: str | None) -> None:
            if parent is None:
                return
            new_parent = None if parent == TOP else parent
            self._edit_then(
                lambda: self.project.codes.move_code(code_id, new_parent),
                lambda: (
                    _("moved {label} under {label2}").format(
                        label=self.label(code_id), label2=self.label(new_parent)
                    )
                    if new_parent
                    else _("moved {label} to the top level").format(label=self.label(code_id))
                ),
                focus=code_id,
            )

        self._pick_other_code(
            code_id,
            _("Move {label} under…").format(label=self.label(code_id)),
            moved,
            extra=[(TOP, _("(top level)"))],
        )

    def action_merge_code(self) -> None:
        code_id = self._target_code()
        if code_id is None:
            return
        source = self.label(code_id)

        def merged(target: str | None) -> None:
            if not target:
                return
            done: list[object] = []
            if (
                self._edit_then(
                    lambda: done.append(self.project.codes.merge_code(code_id, target)),
                    lambda: _("merged {source} into {label}; its codings follow (u undoes)").format(
                        source=source, label=self.label(target)
                    ),
                    focus=target,
                )
                and done
            ):
                folded = done[0]
                lines = [*getattr(folded, "carried", ())]
                left = list(getattr(folded, "not_carried", ()))
                if lines or left:
                    text = (_("carried over: ") + ", ".join(lines)) if lines else ""
                    if left:
                        text += ("\n" if text else "") + "\n".join(left)
                    self.notify(text, title=_("merge"), timeout=12)

        self._pick_other_code(code_id, _("Merge {source} into…").format(source=source), merged)

    def _pick_other_code(
        self,
        code_id: str,
        title: str,
        done: Callable[[str | None], None],
        *,
        extra: list[tuple[str, str]] | None = None,
    ) -> None:
        """Pick a code other than ``code_id`` and its sub-codes (a target to move or
        merge it to)."""
        cb = self.codebook
        below = [c.id for c in cb if code_id in cb.path(c.id)]
        self.app.push_screen(
            CodePicker(
                cb,
                label_lang=self.label_lang,
                title=title,
                extra=extra or (),
                exclude=[code_id, *below],
                index=self._picker_index(),
            ),
            done,
        )

    def _key_of(self, binding_id: str, default: str) -> str:
        """The key a binding has now (the settings may remap it), for messages."""
        from qualcode.tui.keymap import pretty

        keymap = getattr(getattr(self.app, "settings", None), "keymap", {}) or {}
        return pretty(keymap.get(binding_id, default)).split(" / ")[0]

    def action_delete_code(self) -> None:
        code_id = self._target_code()
        if code_id is None:
            return
        name = self.label(code_id)
        children = self.codebook.children(code_id)
        if children:
            self.notify(
                plural(
                    len(children),
                    "{code} has {n} sub-code: move it or delete it first",
                    "{code} has {n} sub-codes: move or delete them first",
                    code=name,
                ),
                severity="warning",
                timeout=8,
            )
            return
        merge_key = self._key_of("codebook-merge", "M")
        n = len(self.project.codings.codings(code=code_id, status=None))
        if n:
            self.notify(
                plural(
                    n,
                    "{code} has {n} coding and is never deleted: press {key} to merge it "
                    "into another code (its coding follows)",
                    "{code} has {n} codings and is never deleted: press {key} to merge it "
                    "into another code (its codings follow)",
                    code=name,
                    key=merge_key,
                ),
                severity="warning",
                timeout=10,
            )
            return
        from qualcode import services

        try:
            edit = services.edit_codebook(
                self.project, lambda: self.project.codes.delete_code(code_id)
            )
        except QualcodeError:
            # codings this coder cannot see (blind coding) still count
            self.notify(
                _(
                    "{name} has codings by others and is never deleted: press {merge_key} to merge it into another code (the codings follow)"
                ).format(name=name, merge_key=merge_key),
                severity="warning",
                timeout=10,
            )
            return
        self._not_written(edit.not_written)
        self.reload(keep_selection=True)
        self.notify(_("deleted the code {name}").format(name=name), timeout=3)

    # ------------------------------------------------------------------ long work

    def _project_folder(self) -> Path:
        return Path(self.project.path).parent if self.project.path else Path.cwd()

    def action_import_transcripts(self) -> None:
        from qualcode.services.refi_import import REFI_SUFFIXES, RefiImportRun
        from qualcode.tui.screens.jobs import (
            JobModal,
            JobResult,
            expand_paths,
            import_dialog,
            import_job,
            refi_import_job,
        )

        base = self._project_folder()

        def done(result: JobResult[object] | None) -> None:
            self.reload(keep_selection=True)
            if result is None:
                return
            if result.cancelled:
                self.notify(_("import cancelled; the documents already read are kept"))
            elif result.error:
                self.notify(result.error, severity="error", timeout=8)
            else:
                report = result.value
                done_docs = getattr(report, "imported", [])
                imported = len(done_docs)
                skipped = len(getattr(report, "skipped", []))
                errors = getattr(report, "errors", [])
                message = "{imported}, {skipped}".format(
                    imported=plural(imported, "imported {n} document", "imported {n} documents"),
                    skipped=plural(skipped, "skipped {n}", "skipped {n}"),
                )
                if errors:
                    message = plural(
                        len(errors),
                        "{message}; {n} file refused: {first}",
                        "{message}; {n} files refused, the first: {first}",
                        message=message,
                        first=errors[0],
                    )
                self.notify(message, severity="warning" if errors else "information", timeout=6)
                self._import_summary(done_docs)

        def refi_done(result: JobResult[object] | None) -> None:
            self.reload(keep_selection=True)
            if result is None:
                return
            if result.cancelled:
                self.notify(_("import cancelled; the files already imported are kept"))
            elif result.error:
                self.notify(result.error, severity="error", timeout=8)
            elif isinstance(result.value, RefiImportRun):
                self._refi_summary(result.value)

        def chosen(text: str | None) -> None:
            if not text:
                return
            try:
                paths = expand_paths(text, base)
            except QualcodeError as exc:
                self.notify(str(exc), severity="error")
                return
            title = plural(len(paths), "Importing {n} file", "Importing {n} files")
            refi = [p for p in paths if p.suffix.lower() in REFI_SUFFIXES]
            if refi and len(refi) < len(paths):
                self.notify(
                    _(
                        "import REFI-QDA files (.qdpx, .qdc, .qde) on their own, not with transcripts"
                    ),
                    severity="error",
                )
                return
            if refi:
                self.app.push_screen(
                    JobModal(title, refi_import_job(self.project, paths)), refi_done
                )
                return
            self.app.push_screen(JobModal(title, import_job(self.project, paths)), done)

        self.app.push_screen(import_dialog(base), chosen)

    def _refi_summary(self, run: RefiImportRun) -> None:
        """What a REFI-QDA import did, file by file, as notifications (the CLI prints
        the same lines)."""
        for result in run.results:
            name = result.path.name
            if result.report is None:
                self.notify(f"{name}: {'; '.join(result.errors)}", severity="error", timeout=12)
                continue
            lines = result.report.lines()
            if result.report.codebook_file:
                lines.append(
                    _("codebook file updated: {codebook_file}").format(
                        codebook_file=result.report.codebook_file
                    )
                )
            self.notify(
                _("imported {path}").format(path=name) + "\n" + "\n".join(lines), timeout=12
            )
            for problem in result.report.warnings:
                self.notify(f"{name}: {problem.format()}", severity="warning", timeout=12)

    def _import_summary(self, results: list[object]) -> None:
        """Speakers, roles and every guess of the imported documents, and their
        warnings, as notifications (the CLI prints the same)."""
        from qualcode.importers.speakers import describe_speakers

        for r in results[:5]:
            speakers = getattr(r, "speakers", ())
            name = getattr(r, "name", "")
            lang = getattr(r, "lang", None)
            self.notify(
                f"{name}: {describe_speakers(speakers)}"
                + (_(" · language {lang}").format(lang=lang) if lang else ""),
                timeout=10,
            )
            for warning in getattr(r, "warnings", ()):
                self.notify(f"{name}: {warning}", severity="warning", timeout=12)

    def action_export(self) -> None:
        from qualcode.tui.screens.jobs import JobModal, JobResult, export_dialog, export_job

        base = self._project_folder()

        def done(result: JobResult[object] | None) -> None:
            if result is None:
                return
            if result.error:
                self.notify(result.error, severity="error", timeout=8)
            elif result.cancelled:
                self.notify(_("export cancelled"))
            else:
                from qualcode.services.reports import project_pseudonyms

                names = project_pseudonyms(self.project)
                note = _(" (pseudonyms from {name})").format(name=names.name) if names else ""
                self.notify(
                    _("exported {export_to}{note}").format(export_to=self._export_to, note=note),
                    timeout=5,
                )

        def chosen(text: str | None) -> None:
            if not text or not text.strip():
                return
            out = Path(text.strip()).expanduser()
            if not out.is_absolute():
                out = base / out
            self._export_to = out
            self.app.push_screen(
                JobModal(f"Exporting {out.name}", export_job(self.project, out)), done
            )

        self.app.push_screen(export_dialog("exports/frequency.csv"), chosen)

    # ------------------------------------------------------------------ status

    def _show_prefix_hint(self) -> None:
        """While a key is typed after ``;``: every code it can still become, with its
        whole label (the list wraps, and scrolls when long)."""
        active = self._prefix is not None
        if active != self.has_class("-prefix"):
            self.set_class(active, "-prefix")
        if not active:
            return
        keys = self.codebook.by_key()
        text = Text()
        for k in sorted(k for k in keys if k.startswith(self._prefix or "")):
            if text:
                text.append("   ")
            text.append(k, style="bold reverse")
            text.append(" " + keys[k].label_in(self.label_lang))
        self.query_one("#prefix-hint-text", Static).update(text)

    def _update_status(self) -> None:
        """The top line (document, filter, key prefix) changes rarely and is redrawn
        only when it changes; the position and the codings at the selection sit under
        the transcript, so moving repaints only the transcript pane."""
        view = self.query_one(TranscriptView)
        parts = [self.current_doc or _("no documents")]
        if not getattr(self.project, "opened", True):
            parts.append(_("opening the project…"))
        if self.filter_code is not None:
            parts.append(_("filter: {label} (f: all)").format(label=self.label(self.filter_code)))
        if self._prefix is not None:
            parts.append(_("; {prefix}▌ (esc: cancel)").format(prefix=self._prefix))
        self._show_prefix_hint()
        status = " │ ".join(p for p in parts if p)
        if status != self._status_text:
            self._status_text = status
            self.query_one("#status", Static).update(
                Text(status, no_wrap=True, overflow="ellipsis"), layout=False
            )
        here = view.codings_at_selection()
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(view.position_text(), style="dim")
        if self._last_event:
            line.append(f"  {self._last_event}", style="italic")
            self._last_event = ""
        line.append("\n")
        if here:
            line.append(plural(len(here), "{n} here: ", "{n} here: "))
            for c in here:
                line.append("■ ", style=self._colors.get(c.code, ""))
                line.append(self.label(c.code))
                line.append(f" {escape(c.coder)}", style="dim")
                if c.memo:
                    line.append(" ✎", style="italic")
                line.append("  ")
        self.query_one("#at-cursor", Static).update(line, layout=False)
