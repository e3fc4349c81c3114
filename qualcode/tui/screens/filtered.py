"""What the document switcher and the pickers share: a filter box over a list, the
list refilled as one types, enter (or a click) picks the highlighted entry, up and
down move in the list while typing, escape closes."""

from __future__ import annotations

from textual.screen import ModalScreen
from textual.widgets import Input, OptionList


class FilteredList(ModalScreen[str | None]):
    """A modal of one filter box and one list; dismisses with the picked entry's id,
    or ``None`` on escape. A subclass composes the two, fills the list for what is
    typed (:meth:`_fill`) and binds ``escape``, ``down`` and ``up`` to ``cancel``,
    ``cursor_down`` and ``cursor_up`` (its own binding ids)."""

    def _fill(self, query: str) -> None:
        raise NotImplementedError

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
