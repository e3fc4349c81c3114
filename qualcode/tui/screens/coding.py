"""The coding screen: documents, the transcript, and the codebook.

Codebook keys never shadow the app's own keys: a code whose key is a single digit
is applied by pressing that digit (the app binds no digits); every key, digits
included, is reachable after the prefix ``;`` (``;`` ``1`` ``a`` applies the code
with key ``1a``). While a prefix is being typed, the status line lists what it
could still become.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static, Tree

from qualcode.core.codebook import Codebook
from qualcode.core.model import Coding
from qualcode.core.spans import union_length
from qualcode.errors import QualcodeError
from qualcode.store import Project
from qualcode.tui.screens.picker import ChoiceModal, CodePicker
from qualcode.tui.widgets.code_tree import CodeTree
from qualcode.tui.widgets.document_list import DocumentList
from qualcode.tui.widgets.transcript_view import TranscriptView

PREFIX_KEY = "semicolon"
RECENT_MAX = 8


class CodingScreen(Screen[None]):
    """Code one document at a time."""

    BINDINGS = [
        Binding(
            "enter,c",
            "pick_code",
            "Code…",
            id="apply-code-picker",
            tooltip="Pick a code for the selection (fuzzy search).",
        ),
        Binding(
            "semicolon",
            "key_prefix",
            "; key",
            id="code-key-prefix",
            tooltip="Type a code's key to apply it.",
        ),
        *[
            Binding(
                d,
                f"apply_key('{d}')",
                "Code by key",
                show=d == "1",
                key_display="0-9",
                id=f"code-key-{d}",
            )
            for d in "1234567890"
        ],
        Binding(
            "x,delete",
            "remove_coding",
            "Uncode",
            id="remove-coding",
            tooltip="Remove a coding at the selection.",
        ),
        Binding(
            "a",
            "case_info",
            "Case",
            show=False,
            id="case-info",
            tooltip="Show the document's case and its attributes.",
        ),
        Binding(
            "r",
            "repeat_last",
            "Repeat",
            show=False,
            id="repeat-code",
            tooltip="Apply the last code again.",
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
        self.recent: list[str] = []
        self._prefix: str | None = None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static("", id="status")
        with Horizontal(id="coding-main"):
            yield DocumentList(id="documents")
            with Vertical(id="transcript-pane"):
                yield TranscriptView(id="transcript")
                yield Static("", id="at-cursor")
            with Vertical(id="codebook-pane"):
                yield CodeTree(id="codes")
                yield Static("", id="code-info")
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < 100, "-narrow")

    def on_mount(self) -> None:
        self.query_one("#documents", DocumentList).border_title = "Documents"
        self.query_one("#codes", CodeTree).border_title = "Codebook"
        self.query_one("#transcript", TranscriptView).border_title = "Transcript"
        self.reload()
        self.query_one(TranscriptView).focus()

    def reload(self) -> None:
        """Re-read documents, codebook and counts from the project."""
        self.codebook = self.project.codebook()
        docs = self.project.documents()
        if self.current_doc is None and docs:
            self.current_doc = docs[0].name
        doc_list = self.query_one(DocumentList)
        doc_list.show(docs, self.current_doc)
        self._colors = {c.id: self.codebook.color_of(c.id) for c in self.codebook}
        self.query_one(CodeTree).show(self.codebook, self.project.code_counts(), self.label_lang)
        if self.current_doc is not None:
            self.open_document(self.current_doc)
        self._update_status()

    def open_document(self, name: str) -> None:
        """Show document ``name``."""
        document = self.project.document(name)
        codings = self.project.codings(doc=name)
        self.current_doc = name
        view = self.query_one(TranscriptView)
        view.border_title = name
        view.load(document, codings, self._colors)
        self._update_status()

    # ------------------------------------------------------------------ events

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if (
            isinstance(event.option_list, DocumentList)
            and event.option.id
            and event.option.id != self.current_doc
        ):
            self.open_document(event.option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if isinstance(event.option_list, DocumentList):
            self.query_one(TranscriptView).focus()

    def on_transcript_view_selection_changed(self, event: TranscriptView.SelectionChanged) -> None:
        self._update_status()

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        code_id = event.node.data
        if code_id is None or code_id not in self.codebook:
            return
        code = self.codebook[code_id]
        text = Text()
        text.append(code.label_in(self.label_lang) + "\n", style="bold")
        text.append(code.id + (f"  key {code.key}" if code.key else "") + "\n", style="dim")
        text.append(code.description)
        self.query_one("#code-info", Static).update(text)

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

        self.app.push_screen(CaseInfoModal(self.current_doc, self.project.cases()))

    def action_apply_key(self, key: str) -> None:
        code = self.codebook.by_key().get(key)
        if code is None:
            self.notify(f"no code has the key {key!r}", severity="warning")
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
            self.notify(f"no code has the key {typed!r}", severity="warning")
            self._update_status()
            return
        if typed in keys and len(candidates) == 1:
            self._prefix = None
            self.apply_code(keys[typed].id)
            return
        self._prefix = typed
        self._update_status()

    # ------------------------------------------------------------------ actions

    def action_key_prefix(self) -> None:
        self._prefix = ""
        self._update_status()

    def action_pick_code(self) -> None:
        view = self.query_one(TranscriptView)
        if view.selection is None:
            self.notify("nothing selected", severity="warning")
            return

        def chosen(code_id: str | None) -> None:
            if code_id:
                self.apply_code(code_id)

        self.app.push_screen(
            CodePicker(self.codebook, recent=self.recent, label_lang=self.label_lang), chosen
        )

    def action_repeat_last(self) -> None:
        if self.recent:
            self.apply_code(self.recent[0])

    def apply_code(self, code_id: str) -> Coding | None:
        """Code the selection with ``code_id``; committed at once."""
        view = self.query_one(TranscriptView)
        if self.current_doc is None or view.selection is None:
            self.notify("nothing selected", severity="warning")
            return None
        sel = view.selection
        try:
            coding, created = self.project.apply_coding(
                self.current_doc, code_id, sel.start, sel.end
            )
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return None
        if code_id in self.recent:
            self.recent.remove(code_id)
        self.recent.insert(0, coding.code)
        del self.recent[RECENT_MAX:]
        label = self.codebook[coding.code].label_in(self.label_lang)
        if created:
            view.add_coding(coding)
            self._after_change()
            self.notify(f"coded with {label}", timeout=2)
        else:
            self.notify(f"already coded with {label}", timeout=2)
        return coding

    def action_remove_coding(self) -> None:
        view = self.query_one(TranscriptView)
        mine = [c for c in view.codings_at_selection() if c.coder == self.project.coder]
        if not mine:
            self.notify("no coding of yours here", severity="warning")
            return
        if len(mine) == 1:
            self._remove(mine[0])
            return
        items = [
            (
                c.guid,
                Text.assemble(
                    ("■ ", self._colors.get(c.code, "")),
                    self.codebook[c.code].label_in(self.label_lang),
                    (f"  [{c.start}:{c.end}] {c.quote[:40]}", "dim"),
                ),
            )
            for c in mine
        ]

        def chosen(guid: str | None) -> None:
            for c in mine:
                if c.guid == guid:
                    self._remove(c)

        self.app.push_screen(ChoiceModal("Remove which coding?", items), chosen)

    def _remove(self, coding: Coding) -> None:
        try:
            self.project.remove_coding(coding.guid)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self.query_one(TranscriptView).remove_coding(coding.guid)
        self._after_change()
        self.notify(f"removed {self.codebook[coding.code].label_in(self.label_lang)}", timeout=2)

    def _after_change(self) -> None:
        self.query_one(CodeTree).update_counts(self.project.code_counts())
        view = self.query_one(TranscriptView)
        doc_list = self.query_one(DocumentList)
        if self.current_doc and view.document is not None and doc_list.highlighted is not None:
            codings = list(view.index.codings.values())
            share = union_length((c.start, c.end) for c in codings) / max(
                len(view.document.text), 1
            )
            doc_list.replace_option_prompt(
                self.current_doc, DocumentList.prompt(self.current_doc, len(codings), share)
            )
        self._update_status()

    # ------------------------------------------------------------------ status

    def _update_status(self) -> None:
        view = self.query_one(TranscriptView)
        parts = [self.current_doc or "no documents", view.position_text()]
        if self._prefix is not None:
            keys = self.codebook.by_key()
            options = sorted(k for k in keys if k.startswith(self._prefix))
            hint = "  ".join(f"{k}={keys[k].label_in(self.label_lang)[:14]}" for k in options[:8])
            parts.append(f"; {self._prefix}▌  {hint}")
        self.query_one("#status", Static).update(" │ ".join(p for p in parts if p))
        here = view.codings_at_selection()
        line = Text()
        if here:
            line.append("here: ")
            for c in here[:6]:
                line.append("■ ", style=self._colors.get(c.code, ""))
                line.append(
                    self.codebook[c.code].label_in(self.label_lang)
                    if c.code in self.codebook
                    else c.code
                )
                line.append(f" ({c.coder})  ", style="dim")
            if len(here) > 6:
                line.append(f"+{len(here) - 6} more")
        self.query_one("#at-cursor", Static).update(line)
