"""A list of checkboxes whose unticked boxes are empty.

Textual's ``SelectionList`` draws every box with an ``X`` and tells ticked from
unticked by colour alone: a dim ``X`` looks ticked in some themes, in a 16-colour
terminal and in a plain text capture. Here an unticked box is drawn empty
(``▐ ▌``) and a ticked one keeps its ``X`` (``▐X▌``).
"""

from __future__ import annotations

from typing import TypeVar

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

T = TypeVar("T")

EMPTY = " "
"""What an unticked box holds."""


class TickList(SelectionList[T]):
    """A ``SelectionList`` whose unticked boxes are empty in every theme."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        index = self.scroll_offset.y + y
        try:
            option = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return strip
        if getattr(option, "value", None) in self._selected:
            return strip
        segments = list(strip)
        # the box is drawn first: left side, the inner mark, right side
        if len(segments) > 1 and segments[1].text == ToggleButton.BUTTON_INNER:
            segments[1] = Segment(EMPTY, segments[1].style, segments[1].control)
            return Strip(segments, strip.cell_length)
        return strip
