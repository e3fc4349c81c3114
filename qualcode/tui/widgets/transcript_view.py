"""The transcript view: a Line API widget that renders only the visible lines.

The text is wrapped once per width into visual lines (character ranges). Codings
are kept in buckets of :data:`BUCKET` characters, so finding the codings that touch
a line costs the same whether the document has 10 codings or 10,000. Each line is
drawn from its character range: a gutter of coding stripes (one coloured bar per
coding that covers the line, like NVivo's and MAXQDA's stripes), the speaker label,
coded spans tinted with their code's colour, and the selection.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualcode.core.model import Coding, Document

BUCKET = 2048
GUTTER = 7
"""Cells of the stripe gutter: up to 5 stripes, a '+' and a space."""
MAX_STRIPES = 5


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap: the ``(start, end)`` of every visual line.

    Lines break at spaces where possible; a word longer than ``width`` is cut.
    The newline characters themselves belong to no line.
    """
    width = max(width, 8)
    out: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl == -1 else nl
        s = pos
        while end - s > width:
            cut = text.rfind(" ", s + 1, s + width + 1)
            if cut <= s:
                out.append((s, s + width))
                s += width
            else:
                out.append((s, cut))
                s = cut + 1
        out.append((s, end))
        if nl == -1:
            break
        pos = nl + 1
    return out


def _luminance(hex_color: str) -> float:
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@dataclass
class Selection:
    """The current selection in character offsets (``start < end``)."""

    start: int
    end: int


class CodingIndex:
    """Codings of one document, bucketed by character position."""

    def __init__(self, codings: Iterable[Coding]) -> None:
        self.codings: dict[str, Coding] = {}
        self.buckets: dict[int, set[str]] = {}
        for c in codings:
            self.add(c)

    def add(self, coding: Coding) -> None:
        """Index one coding."""
        self.codings[coding.guid] = coding
        for b in range(coding.start // BUCKET, (coding.end - 1) // BUCKET + 1):
            self.buckets.setdefault(b, set()).add(coding.guid)

    def remove(self, guid: str) -> None:
        """Forget one coding."""
        coding = self.codings.pop(guid, None)
        if coding is None:
            return
        for b in range(coding.start // BUCKET, (coding.end - 1) // BUCKET + 1):
            self.buckets.get(b, set()).discard(guid)

    def overlapping(self, start: int, end: int) -> list[Coding]:
        """Codings that share a character with ``[start, end)`` (or touch ``start``
        when the range is empty), ordered by start, then longest first."""
        found: set[str] = set()
        end_probe = max(end, start + 1)
        for b in range(start // BUCKET, (end_probe - 1) // BUCKET + 1):
            found |= self.buckets.get(b, set())
        hits = [self.codings[g] for g in found]
        hits = [c for c in hits if c.start < end_probe and c.end > start]
        hits.sort(key=lambda c: (c.start, -c.end, c.code))
        return hits

    def __len__(self) -> int:
        return len(self.codings)


class TranscriptView(ScrollView, can_focus=True):
    """Shows one document; moves a sentence cursor; holds the selection."""

    BINDINGS = [
        Binding("down,j", "next_sentence", "Next sentence", show=False, id="next-sentence"),
        Binding("up,k", "previous_sentence", "Prev sentence", show=False, id="previous-sentence"),
        Binding(
            "shift+down,J", "extend_down", "Extend", show=True, key_display="⇧↓", id="extend-down"
        ),
        Binding("shift+up,K", "extend_up", "Shrink/extend up", show=False, id="extend-up"),
        Binding("v", "toggle_visual", "Visual", show=True, id="visual-mode"),
        Binding("t", "select_turn", "Turn", show=True, id="select-turn"),
        Binding("right_square_bracket", "next_turn", "Next turn", show=False, id="next-turn"),
        Binding(
            "left_square_bracket", "previous_turn", "Prev turn", show=False, id="previous-turn"
        ),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("home,g", "first_sentence", "Top", show=False, id="first-sentence"),
        Binding("end,G", "last_sentence", "Bottom", show=False, id="last-sentence"),
        Binding("escape", "collapse", "Collapse selection", show=False, id="collapse-selection"),
    ]

    DEFAULT_CSS = """
    TranscriptView {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    """

    visual: reactive[bool] = reactive(False)
    """In visual (extend) mode, moving extends the selection."""

    class SelectionChanged(Message):
        """The selection moved (``can_replace``: only the newest matters)."""

        def __init__(self, view: TranscriptView, start: int, end: int) -> None:
            super().__init__()
            self.view = view
            self.start = start
            self.end = end

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, TranscriptView.SelectionChanged)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.document: Document | None = None
        self.index = CodingIndex(())
        self.code_colors: dict[str, str] = {}
        self._lines: list[tuple[int, int]] = []
        self._line_starts: list[int] = []
        self._wrap_width = 0
        self._sentence_starts: list[int] = []
        self.sel_anchor = 0
        """Sentence index where the selection started."""
        self.cursor = 0
        """Sentence index of the moving end of the selection."""
        self.selection: Selection | None = None
        self._style_cache: dict[tuple[str | None, bool, bool, bool], Style] = {}
        self._label_ranges: list[tuple[int, int]] = []
        self._label_starts: list[int] = []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # keys typed after the code-key prefix belong to the prefix, not to movement
        return not getattr(self.screen, "prefix_active", False)

    # ------------------------------------------------------------------ data

    def load(self, document: Document, codings: Sequence[Coding], colors: dict[str, str]) -> None:
        """Show ``document`` with its codings; the cursor goes to the first sentence."""
        self.document = document
        self.code_colors = colors
        self.index = CodingIndex(codings)
        self._sentence_starts = [s.start for s in document.sentences]
        self._label_ranges = [
            (t.label_start, t.start) for t in document.turns if t.label_start is not None
        ]
        self._label_starts = [a for a, _ in self._label_ranges]
        self._wrap_width = 0
        self.sel_anchor = self.cursor = 0
        self._select_sentences()
        self._rewrap()
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def set_codings(self, codings: Sequence[Coding]) -> None:
        """Replace the codings shown."""
        self.index = CodingIndex(codings)
        self.refresh()

    def add_coding(self, coding: Coding) -> None:
        """Show one more coding."""
        self.index.add(coding)
        self._refresh_span(coding.start, coding.end)

    def remove_coding(self, guid: str) -> None:
        """Stop showing a coding."""
        coding = self.index.codings.get(guid)
        self.index.remove(guid)
        if coding:
            self._refresh_span(coding.start, coding.end)

    def codings_at_selection(self) -> list[Coding]:
        """Codings that overlap the selection."""
        if self.selection is None:
            return []
        return self.index.overlapping(self.selection.start, self.selection.end)

    # ------------------------------------------------------------------ layout

    def _text_width(self) -> int:
        return max(self.size.width - GUTTER - 1, 20)

    def _rewrap(self) -> None:
        if self.document is None:
            self._lines = []
        else:
            width = self._text_width()
            if width == self._wrap_width and self._lines:
                return
            self._wrap_width = width
            self._lines = wrap_offsets(self.document.text, width)
        self._line_starts = [s for s, _ in self._lines]
        self.virtual_size = Size(self.size.width, len(self._lines))

    def on_resize(self) -> None:
        self._rewrap()
        self._scroll_to_cursor()

    def line_of(self, offset: int) -> int:
        """The visual line holding character ``offset``."""
        return max(bisect.bisect_right(self._line_starts, offset) - 1, 0)

    # ------------------------------------------------------------------ rendering

    def _style(self, color: str | None, selected: bool, label: bool, overlap: bool) -> Style:
        key = (color, selected, label, overlap)
        style = self._style_cache.get(key)
        if style is None:
            base = self.rich_style
            style = Style()
            if color:
                fg = "#000000" if _luminance(color) > 0.45 else "#ffffff"
                style += Style(bgcolor=color, color=fg)
            if overlap:
                style += Style(underline=True)
            if label:
                style += Style(bold=True)
            if selected:
                style += Style(reverse=True)
            style = base + style
            self._style_cache[key] = style
        return style

    def _is_label(self, offset: int) -> bool:
        i = bisect.bisect_right(self._label_starts, offset) - 1
        if i < 0:
            return False
        a, b = self._label_ranges[i]
        return a <= offset < b

    def render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        index = y + scroll_y
        width = self.size.width
        base = self.rich_style
        if self.document is None or index >= len(self._lines):
            return Strip.blank(width, base)
        start, end = self._lines[index]
        text = self.document.text
        hits = (
            self.index.overlapping(start, end)
            if end > start
            else self.index.overlapping(start, start + 1)
        )
        segments: list[Segment] = []
        # gutter: one stripe per coding that covers this line
        stripes = hits[:MAX_STRIPES]
        for c in stripes:
            segments.append(
                Segment("▍", base + Style(color=self.code_colors.get(c.code, "#888888")))
            )
        more = len(hits) - len(stripes)
        pad = MAX_STRIPES - len(stripes)
        segments.append(Segment(" " * pad + ("+" if more > 0 else " ") + " ", base))
        # text runs: boundaries at codings, selection and labels
        points = {start, end}
        for c in hits:
            points.add(min(max(c.start, start), end))
            points.add(min(max(c.end, start), end))
        sel = self.selection
        if sel is not None:
            points.add(min(max(sel.start, start), end))
            points.add(min(max(sel.end, start), end))
        for a, b in self._label_ranges[
            max(bisect.bisect_right(self._label_starts, start) - 1, 0) :
        ]:
            if a >= end:
                break
            points.add(min(max(a, start), end))
            points.add(min(max(b, start), end))
        ordered = sorted(points)
        used = 0
        for a, b in zip(ordered, ordered[1:], strict=False):
            if b <= a:
                continue
            covering = [c for c in hits if c.start <= a < c.end]
            color = None
            if covering:
                innermost = min(covering, key=lambda c: (c.end - c.start, c.code))
                color = self.code_colors.get(innermost.code)
            selected = sel is not None and sel.start <= a < sel.end
            chunk = text[a:b]
            segments.append(
                Segment(chunk, self._style(color, selected, self._is_label(a), len(covering) > 1))
            )
            used += len(chunk)
        fill = width - GUTTER - used
        if fill > 0:
            segments.append(Segment(" " * fill, base))
        return Strip(segments).crop(0, width)

    def _refresh_span(self, start: int, end: int) -> None:
        first = self.line_of(start) - self.scroll_offset.y
        last = self.line_of(max(end - 1, start)) - self.scroll_offset.y
        top = max(first, 0)
        bottom = min(last, self.size.height - 1)
        if bottom >= top:
            self.refresh(Region(0, top, self.size.width, bottom - top + 1))

    # ------------------------------------------------------------------ selection

    def _select_sentences(self) -> None:
        doc = self.document
        if doc is None or not doc.sentences:
            self.selection = None
            return
        a, b = sorted((self.sel_anchor, self.cursor))
        old = self.selection
        self.selection = Selection(doc.sentences[a].start, doc.sentences[b].end)
        if old is not None:
            self._refresh_span(old.start, old.end)
        self._refresh_span(self.selection.start, self.selection.end)
        self.post_message(self.SelectionChanged(self, self.selection.start, self.selection.end))

    def select_span(self, start: int, end: int) -> None:
        """Select an arbitrary character range (and put the cursor on its sentence)."""
        doc = self.document
        if doc is None:
            return
        old = self.selection
        self.selection = Selection(start, end)
        i = max(bisect.bisect_right(self._sentence_starts, start) - 1, 0)
        self.sel_anchor = self.cursor = i
        if old is not None:
            self._refresh_span(old.start, old.end)
        self._refresh_span(start, end)
        self._scroll_to_offset(start)
        self.post_message(self.SelectionChanged(self, start, end))

    def _scroll_to_offset(self, offset: int) -> None:
        line = self.line_of(offset)
        self.scroll_to_region(Region(0, line, 1, 1), animate=False, immediate=True)

    def _scroll_to_cursor(self) -> None:
        doc = self.document
        if doc is None or not doc.sentences:
            return
        s = doc.sentences[self.cursor]
        first = self.line_of(s.start)
        last = self.line_of(max(s.end - 1, s.start))
        self.scroll_to_region(Region(0, first, 1, last - first + 1), animate=False, immediate=True)

    def _move(self, delta: int, extend: bool) -> None:
        doc = self.document
        if doc is None or not doc.sentences:
            return
        self.cursor = min(max(self.cursor + delta, 0), len(doc.sentences) - 1)
        if not (extend or self.visual):
            self.sel_anchor = self.cursor
        self._select_sentences()
        self._scroll_to_cursor()

    def action_next_sentence(self) -> None:
        self._move(1, False)

    def action_previous_sentence(self) -> None:
        self._move(-1, False)

    def action_extend_down(self) -> None:
        self._move(1, True)

    def action_extend_up(self) -> None:
        self._move(-1, True)

    def action_first_sentence(self) -> None:
        self._move(-(10**9), False)

    def action_last_sentence(self) -> None:
        self._move(10**9, False)

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    def _page(self, direction: int) -> None:
        doc = self.document
        if doc is None or not doc.sentences:
            return
        target_line = self.line_of(doc.sentences[self.cursor].start) + direction * max(
            self.size.height - 2, 1
        )
        target_line = min(max(target_line, 0), len(self._lines) - 1)
        offset = self._lines[target_line][0]
        i = max(bisect.bisect_right(self._sentence_starts, offset) - 1, 0)
        self._move(i - self.cursor, False)

    def action_toggle_visual(self) -> None:
        self.visual = not self.visual
        if not self.visual:
            self.sel_anchor = self.cursor
            self._select_sentences()

    def action_collapse(self) -> None:
        self.visual = False
        self.sel_anchor = self.cursor
        self._select_sentences()

    def _turn_index(self) -> int | None:
        doc = self.document
        if doc is None or not doc.sentences:
            return None
        turn = doc.sentences[self.cursor].turn
        return turn - 1 if turn else None

    def action_select_turn(self) -> None:
        doc = self.document
        ti = self._turn_index()
        if doc is None or ti is None:
            return
        number = ti + 1
        idx = [i for i, s in enumerate(doc.sentences) if s.turn == number]
        if not idx:
            return
        self.sel_anchor, self.cursor = idx[0], idx[-1]
        self._select_sentences()
        self._scroll_to_cursor()

    def _jump_turn(self, delta: int) -> None:
        doc = self.document
        ti = self._turn_index()
        if doc is None or ti is None:
            return
        target = ti + 1 + delta
        for i, s in enumerate(doc.sentences):
            if s.turn is not None and (
                (delta > 0 and s.turn >= target) or (delta < 0 and s.turn == max(target, 1))
            ):
                self.sel_anchor = self.cursor = i
                self._select_sentences()
                self._scroll_to_cursor()
                return

    def action_next_turn(self) -> None:
        self._jump_turn(1)

    def action_previous_turn(self) -> None:
        self._jump_turn(-1)

    # ------------------------------------------------------------------ status

    def position_text(self) -> str:
        """``sentence 3/154 · turn 2/44`` for the status line."""
        doc = self.document
        if doc is None:
            return ""
        parts = []
        if doc.sentences:
            parts.append(f"sentence {self.cursor + 1}/{len(doc.sentences)}")
            turn = doc.sentences[self.cursor].turn
            if turn:
                t = doc.turns[turn - 1]
                parts.append(f"turn {turn}/{len(doc.turns)} {t.speaker or ''}".rstrip())
        if self.selection is not None:
            parts.append(f"[{self.selection.start}:{self.selection.end}]")
        if self.visual:
            parts.append("VISUAL")
        return " · ".join(parts)
