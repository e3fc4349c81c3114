"""Small modal dialogs: a memo editor, a one-line prompt, and a form for a new code."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea


class MemoEditor(ModalScreen[str | None]):
    """Edit a memo; dismisses with the text (``""`` deletes it) or ``None`` on cancel."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="memo-save", tooltip="Save the memo.", priority=True),
        Binding("escape", "cancel", "Cancel", id="memo-cancel", tooltip="Close without saving."),
    ]

    def __init__(self, title: str, text: str = "", *, about: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.about = about

    def compose(self) -> ComposeResult:
        with Vertical(id="memo-editor", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            if self.about:
                yield Static(self.about, id="memo-about")
            yield TextArea(self.text, id="memo-text", soft_wrap=True, tab_behavior="indent")
            yield Static(
                "ctrl+s save · esc cancel · an empty memo is deleted", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text; dismisses with it (enter) or ``None`` (escape).

    A pre-filled value is not selected: the cursor waits at its end, so typing adds
    to it (a rename starts from the old label instead of replacing it).
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt-cancel")]

    def __init__(
        self, title: str, value: str = "", *, hint: str = "", input_id: str = "prompt-input"
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.hint = hint
        self.input_id = input_id

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Input(self.value, id=self.input_id, select_on_focus=False)
            if self.hint:
                yield Static(self.hint, classes="dialog-hint")

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.focus()
        box.cursor_position = len(box.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class NewCode:
    """What the new-code form returns."""

    id: str
    label: str
    key: str
    color: str


class CodeForm(ModalScreen[NewCode | None]):
    """A new code: id, label, key and colour (enter in the last field, or ctrl+s)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Add", id="code-form-save", priority=True),
        Binding("escape", "cancel", "Cancel", id="code-form-cancel"),
    ]

    def __init__(self, title: str, *, code_id: str = "", label: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.code_id = code_id
        self.label = label

    def compose(self) -> ComposeResult:
        with Vertical(id="code-form", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            for name, value, placeholder in (
                ("id", self.code_id, "stable id, e.g. cost.broker"),
                ("label", self.label, "label"),
                ("key", "", "key (optional, 1-3 letters/digits)"),
                ("color", "", "colour (optional, #RRGGBB)"),
            ):
                with Horizontal(classes="form-row"):
                    yield Label(name, classes="form-label")
                    yield Input(
                        value,
                        placeholder=placeholder,
                        id=f"code-form-{name}",
                        select_on_focus=False,
                    )
            yield Static("enter: next field / add · esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#code-form-id", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "code-form-color":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        def value(name: str) -> str:
            return self.query_one(f"#code-form-{name}", Input).value.strip()

        self.dismiss(NewCode(value("id"), value("label"), value("key"), value("color")))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmModal(ModalScreen[bool]):
    """Yes or no."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm", classes="dialog"):
            yield Static(self.question, classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", id="confirm-yes-button", variant="primary")
                yield Button("No (n)", id="confirm-no-button")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes-button")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
