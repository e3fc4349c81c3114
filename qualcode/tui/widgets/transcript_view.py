"""The transcript view: a Line API widget that renders only the visible lines.

The text is wrapped once per width into visual lines (character ranges). Codings
are kept in buckets of :data:`BUCKET` characters, so finding the codings that touch
a line costs the same whether the document has 10 codings or 10,000. Each line is
drawn from its character range: a gutter of coding stripes, the speaker label,
coded spans tinted with their code's colour, and the selection.

Coding stripes work like NVivo's and MAXQDA's: every coding gets a *lane* (a gutter
column) for its whole length, assigned so that overlapping codings never share a
lane; nested and overlapping codings therefore stay side by side, and a stripe
never jumps between columns from one line to the next. Up to :data:`LANES` lanes
are drawn; a ``+`` says that more codings cover the line, a ``✎`` that a coding
with a memo starts on it. Hovering over the gutter names the codes of the line.

Without colour (``NO_COLOR``) or with only 16 colours, a tint alone would not tell
coded text from the rest, so every coded character is also underlined (text under
two or more codings also italic); the gutter's shapes (``▛`` where a coding starts,
``▍`` where it goes on, ``+`` for more, ``✎`` for a memo) carry the rest.

Selection: the selection is a character range. Moving without extending selects the
next unit (character, word, sentence, turn) after the selection's start; moving
with extend (shift, or in visual mode) moves the free end of the selection by unit
boundaries while the unit where the selection began stays selected. The mouse
selects characters by dragging, a word by clicking.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualcode.core.model import Coding, Document
from qualcode.core.search import WORD_RE
from qualcode.i18n import N_, _, plural
from qualcode.tui.messages import SelectionChanged

BUCKET = 2048
LANES = 5
"""Stripe lanes drawn in the gutter."""
GUTTER = LANES + 3
"""Cells of the gutter: the lanes, a '+' column, a memo column and a space."""
WORD_COUNT_MAX = 50_000
"""Characters of a selection whose words are counted on every move (a bound)."""


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
    """Codings of one document, bucketed by character position, each in a lane."""

    def __init__(self, codings: Iterable[Coding]) -> None:
        self.codings: dict[str, Coding] = {}
        self.buckets: dict[int, set[str]] = {}
        self.lanes: dict[str, int] = {}
        self._starts: list[tuple[int, str]] = []
        ordered = sorted(codings, key=lambda c: (c.start, -c.end, c.code, c.guid))
        # interval colouring: the lowest lane free at each coding's start
        active: list[tuple[int, int]] = []  # (end, lane)
        free: list[int] = []
        next_lane = 0
        for c in ordered:
            while active and active[0][0] <= c.start:
                _end, lane = heapq.heappop(active)
                heapq.heappush(free, lane)
            if free:
                lane = heapq.heappop(free)
            else:
                lane = next_lane
                next_lane += 1
            heapq.heappush(active, (c.end, lane))
            self._put(c, lane)
        self._starts = sorted((c.start, c.guid) for c in ordered)

    def _put(self, coding: Coding, lane: int) -> None:
        self.codings[coding.guid] = coding
        self.lanes[coding.guid] = lane
        for b in range(coding.start // BUCKET, (coding.end - 1) // BUCKET + 1):
            self.buckets.setdefault(b, set()).add(coding.guid)

    def add(self, coding: Coding) -> None:
        """Index one coding in the lowest lane that is free over its whole span."""
        if coding.guid in self.codings:
            self.remove(coding.guid)
        taken = {self.lanes[c.guid] for c in self.overlapping(coding.start, coding.end)}
        lane = 0
        while lane in taken:
            lane += 1
        self._put(coding, lane)
        bisect.insort(self._starts, (coding.start, coding.guid))

    def remove(self, guid: str) -> None:
        """Forget one coding."""
        coding = self.codings.pop(guid, None)
        if coding is None:
            return
        self.lanes.pop(guid, None)
        for b in range(coding.start // BUCKET, (coding.end - 1) // BUCKET + 1):
            self.buckets.get(b, set()).discard(guid)
        i = bisect.bisect_left(self._starts, (coding.start, guid))
        if i < len(self._starts) and self._starts[i] == (coding.start, guid):
            del self._starts[i]

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

    def next_start(self, offset: int, direction: int, codes: set[str] | None) -> Coding | None:
        """The first coding starting after (``direction`` 1) or before (-1) ``offset``."""
        if direction > 0:
            i = bisect.bisect_right(self._starts, (offset, "\uffff"))
            rng: Iterable[int] = range(i, len(self._starts))
        else:
            i = bisect.bisect_left(self._starts, (offset, ""))
            rng = range(i - 1, -1, -1)
        for k in rng:
            c = self.codings[self._starts[k][1]]
            if codes is None or c.code in codes:
                return c
        return None

    def __len__(self) -> int:
        return len(self.codings)


class TranscriptView(ScrollView, can_focus=True):
    """Shows one document; moves by character, word, sentence and turn; holds the selection."""

    BINDINGS = [
        Binding("down,j", "next_sentence", N_("Next sentence"), show=False, id="next-sentence"),
        Binding(
            "up,k", "previous_sentence", N_("Prev sentence"), show=False, id="previous-sentence"
        ),
        Binding(
            "shift+down,J",
            "extend_sentence(1)",
            N_("Extend"),
            show=True,
            key_display="⇧↓",
            id="extend-down",
            tooltip=N_("Extend the selection by a sentence."),
        ),
        Binding(
            "shift+up,K",
            "extend_sentence(-1)",
            N_("Extend up"),
            show=False,
            id="extend-up",
            tooltip=N_("Extend the selection upwards by a sentence (or shrink it)."),
        ),
        Binding("w", "word(1)", N_("Next word"), show=False, id="next-word"),
        Binding("b", "word(-1)", N_("Prev word"), show=False, id="previous-word"),
        Binding("W", "extend_word(1)", N_("Extend by word"), show=False, id="extend-word"),
        Binding(
            "B", "extend_word(-1)", N_("Extend back by word"), show=False, id="extend-word-back"
        ),
        Binding("right,l", "char(1)", N_("Next character"), show=False, id="next-char"),
        Binding("left,h", "char(-1)", N_("Prev character"), show=False, id="previous-char"),
        Binding(
            "shift+right,L", "extend_char(1)", N_("Extend by char"), show=False, id="extend-char"
        ),
        Binding(
            "shift+left,H",
            "extend_char(-1)",
            N_("Shrink by char"),
            show=False,
            id="extend-char-back",
        ),
        Binding(
            "v",
            "toggle_visual",
            N_("Visual"),
            show=True,
            id="visual-mode",
            tooltip=N_("Visual mode: every move extends the selection."),
        ),
        Binding(
            "t",
            "select_turn",
            N_("Turn"),
            show=True,
            id="select-turn",
            tooltip=N_("Select the turn."),
        ),
        Binding("right_square_bracket", "next_turn", N_("Next turn"), show=False, id="next-turn"),
        Binding(
            "left_square_bracket", "previous_turn", N_("Prev turn"), show=False, id="previous-turn"
        ),
        Binding("pagedown,ctrl+d", "page_down", N_("Page down"), show=False, id="page-down"),
        Binding("pageup,ctrl+u", "page_up", N_("Page up"), show=False, id="page-up"),
        Binding("home,g", "first_sentence", N_("Top"), show=False, id="first-sentence"),
        Binding("end,G", "last_sentence", N_("Bottom"), show=False, id="last-sentence"),
        Binding("n", "next_coding(1)", N_("Next coded"), show=False, id="next-coding"),
        Binding("N", "next_coding(-1)", N_("Prev coded"), show=False, id="previous-coding"),
        Binding(
            "escape", "collapse", N_("Collapse selection"), show=False, id="collapse-selection"
        ),
    ]
    """Movement keys; every one has an id so it can be remapped in the settings."""

    DEFAULT_CSS = """
    TranscriptView {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    """

    visual: reactive[bool] = reactive(False)
    """In visual (extend) mode, moving extends the selection."""

    SelectionChanged = SelectionChanged
    """The selection moved (defined in :mod:`qualcode.tui.messages`)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.document: Document | None = None
        self.index = CodingIndex(())
        self.code_colors: dict[str, str] = {}
        self.code_labels: dict[str, str] = {}
        self.only_codes: set[str] | None = None
        """When set, only codings of these codes are shown (the code filter)."""
        self._lines: list[tuple[int, int]] = []
        self._line_starts: list[int] = []
        self._wrap_width = 0
        self._sentence_starts: list[int] = []
        self._sentence_ends: list[int] = []
        self.sel_anchor: tuple[int, int] = (0, 0)
        """The unit where the selection began."""
        self.caret = 0
        """The free end of the selection (equal to ``anchor[1]`` when not extended)."""
        self.selection: Selection | None = None
        self._style_cache: dict[tuple[str | None, bool, bool, bool], Style] = {}
        self._label_ranges: list[tuple[int, int]] = []
        self._label_starts: list[int] = []
        self._drag_from: int | None = None
        self._dragged = False
        self._pending_top: int | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # keys typed after the code-key prefix belong to the prefix, not to movement
        return not getattr(self.screen, "prefix_active", False)

    # ------------------------------------------------------------------ data

    def load(
        self,
        document: Document,
        codings: Sequence[Coding],
        colors: dict[str, str],
        labels: dict[str, str] | None = None,
    ) -> None:
        """Show ``document`` with its codings; the first sentence is selected."""
        self.document = document
        self.code_colors = colors
        self.code_labels = labels or {}
        self.index = CodingIndex(codings)
        self._sentence_starts = [s.start for s in document.sentences]
        self._sentence_ends = [s.end for s in document.sentences]
        self._label_ranges = [
            (t.label_start, t.start) for t in document.turns if t.label_start is not None
        ]
        self._label_starts = [a for a, _ in self._label_ranges]
        self._wrap_width = 0
        self.visual = False
        self._rewrap()
        self.scroll_to(0, 0, animate=False, immediate=True)
        if document.sentences:
            s = document.sentences[0]
            self._set(s.start, s.end)
        elif document.text:
            self._set(0, min(len(document.text), 1))
        else:
            self.selection = None
        self.refresh()

    def set_colors(self, colors: dict[str, str], labels: dict[str, str]) -> None:
        """New code colours and labels (after a codebook edit)."""
        self.code_colors = colors
        self.code_labels = labels
        self._style_cache.clear()
        self.refresh()

    def set_filter(self, codes: set[str] | None) -> None:
        """Show only codings of ``codes`` (``None``: every coding)."""
        self.only_codes = codes
        self.refresh()

    def add_coding(self, coding: Coding) -> None:
        """Show one more coding (or a changed one)."""
        old = self.index.codings.get(coding.guid)
        self.index.add(coding)
        if old is not None:
            self._refresh_span(old.start, old.end)
        self._refresh_span(coding.start, coding.end)

    def remove_coding(self, guid: str) -> None:
        """Stop showing a coding."""
        coding = self.index.codings.get(guid)
        self.index.remove(guid)
        if coding:
            self._refresh_span(coding.start, coding.end)

    def _shown(self, hits: list[Coding]) -> list[Coding]:
        if self.only_codes is None:
            return hits
        return [c for c in hits if c.code in self.only_codes]

    def codings_at_selection(self) -> list[Coding]:
        """Codings (shown ones) that overlap the selection."""
        if self.selection is None:
            return []
        return self._shown(self.index.overlapping(self.selection.start, self.selection.end))

    def codings_on_line(self, y: int) -> list[Coding]:
        """Codings (shown ones) covering visual line ``y`` of the document."""
        if not 0 <= y < len(self._lines):
            return []
        start, end = self._lines[y]
        return self._shown(self.index.overlapping(start, max(end, start + 1)))

    # ------------------------------------------------------------------ layout

    def _text_width(self) -> int:
        return max(self.scrollable_content_region.width - GUTTER - 1, 20)

    def _rewrap(self) -> None:
        if self.document is None:
            self._lines = []
        elif self.scrollable_content_region.width == 0:
            self._lines, self._line_starts = [], []
            return  # not laid out yet: wrap once the width is known
        else:
            width = self._text_width()
            if width == self._wrap_width and self._lines:
                return
            self._wrap_width = width
            self._lines = wrap_offsets(self.document.text, width)
        self._line_starts = [s for s, _ in self._lines]
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._lines))

    def on_resize(self) -> None:
        # the text at the top stays at the top (a place to return to, or the one shown)
        if self._pending_top is None and self._lines:
            self._pending_top = self.top_offset()
        self._rewrap()
        if not self._apply_top():
            self._scroll_to_selection()

    def line_of(self, offset: int) -> int:
        """The visual line holding character ``offset``."""
        return max(bisect.bisect_right(self._line_starts, offset) - 1, 0)

    def offset_at(self, x: int, y: int) -> int | None:
        """The character under content cell ``(x, y)`` (``None`` in the gutter)."""
        if self.document is None or not self._lines:
            return None
        line = min(max(y + self.scroll_offset.y, 0), len(self._lines) - 1)
        start, end = self._lines[line]
        if x < GUTTER:
            return None
        return min(start + x - GUTTER, max(end - 1, start))

    # ------------------------------------------------------------------ rendering

    @property
    def plain(self) -> bool:
        """Whether colour cannot be relied on: ``NO_COLOR``, or 16 colours or fewer."""
        app = self.app
        if getattr(app, "no_color", False):
            return True
        if app.is_headless:  # no terminal to ask (tests, benchmarks): full colour
            return False
        return app.console.color_system not in ("256", "truecolor")

    def _style(self, color: str | None, selected: bool, label: bool, overlap: bool) -> Style:
        key = (color, selected, label, overlap)
        style = self._style_cache.get(key)
        if style is None:
            base = self.rich_style
            style = Style()
            if color:
                fg = "#000000" if _luminance(color) > 0.45 else "#ffffff"
                style += Style(bgcolor=color, color=fg)
                if self.plain:
                    style += Style(underline=True, italic=overlap)
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

    def notify_style_update(self) -> None:
        self._style_cache.clear()
        super().notify_style_update()

    def _gutter(self, hits: Sequence[Coding], start: int, end: int, base: Style) -> list[Segment]:
        """The gutter of the line ``[start, end)``: each coding in its own lane, a '+' for
        more, a '✎' for a memo."""
        lanes: list[Segment | None] = [None] * LANES
        more = False
        memo = False
        for c in hits:
            lane = self.index.lanes.get(c.guid, 0)
            if lane < LANES:
                glyph = "▍" if c.start < start else "▛"
                lanes[lane] = Segment(
                    glyph, base + Style(color=self.code_colors.get(c.code, "#888888"))
                )
            else:
                more = True
            if c.memo and start <= c.start < max(end, start + 1):
                memo = True
        blank = Segment(" ", base)
        segments: list[Segment] = [seg or blank for seg in lanes]
        segments.append(Segment("+" if more else " ", base))
        segments.append(Segment("✎" if memo else " ", base))
        segments.append(blank)
        return segments

    def _breaks(
        self, hits: Sequence[Coding], sel: Selection | None, start: int, end: int
    ) -> list[int]:
        """The sorted offsets where a text run of ``[start, end)`` begins or ends: at
        codings, the selection and speaker labels."""
        points = {start, end}
        for c in hits:
            points.add(min(max(c.start, start), end))
            points.add(min(max(c.end, start), end))
        if sel is not None:
            points.add(min(max(sel.start, start), end))
            points.add(min(max(sel.end, start), end))
        labels = self._label_ranges
        k = max(bisect.bisect_right(self._label_starts, start) - 1, 0)
        while k < len(labels) and labels[k][0] < end:
            a, b = labels[k]
            points.add(min(max(a, start), end))
            points.add(min(max(b, start), end))
            k += 1
        return sorted(points)

    def render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        index = y + scroll_y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if self.document is None or index >= len(self._lines):
            return Strip.blank(width, base)
        start, end = self._lines[index]
        text = self.document.text
        hits = self._shown(self.index.overlapping(start, max(end, start + 1)))
        segments = self._gutter(hits, start, end, base)
        sel = self.selection
        ordered = self._breaks(hits, sel, start, end)
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
        if sel is not None and sel.start <= end < sel.end and end < len(text):
            # a selection running on past the line end: show it in the margin
            segments.append(Segment(" ", self._style(None, True, False, False)))
            used += 1
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

    # ------------------------------------------------------------------ selection core

    def _set(self, start: int, end: int, *, caret: int | None = None, scroll: bool = True) -> None:
        """Select ``[start, end)`` as a new unit (the anchor) with the caret at its end."""
        self.sel_anchor = (start, end)
        self.caret = end if caret is None else caret
        self._apply(scroll)

    def _apply(self, scroll: bool = True) -> None:
        a0, a1 = self.sel_anchor
        start, end = min(a0, self.caret), max(a1, self.caret)
        old = self.selection
        self.selection = Selection(start, end)
        if old is not None:
            self._refresh_span(old.start, old.end)
        self._refresh_span(start, end)
        if scroll:
            self._scroll_to_selection()
        self.post_message(SelectionChanged(self, start, end))

    def top_offset(self) -> int:
        """The character offset where the first line shown begins (a scroll position
        that survives another terminal width)."""
        y = int(self.scroll_offset.y)
        return self._lines[y][0] if 0 <= y < len(self._lines) else 0

    def place(self, start: int, end: int, top: int | None = None) -> None:
        """Select ``[start, end)`` and show the text from offset ``top`` (where a coder
        left it), as soon as the view knows its width."""
        self._pending_top = top
        self.select_span(start, end)
        self._apply_top()

    def _apply_top(self) -> bool:
        """Scroll so the pending top offset is the first line, if the selection is then
        in view; ``False`` when it was not applied."""
        top = self._pending_top
        if top is None or not self._lines or self.selection is None:
            return False
        self._pending_top = None
        y = self.line_of(top)
        height = max(self.scrollable_content_region.height, 1)
        if y <= self.line_of(self.selection.start) < y + height:
            # forced: right after a re-wrap the scrollbar is not laid out yet
            self.scroll_to(0, y, animate=False, immediate=True, force=True)
            return True
        return False

    def select_span(self, start: int, end: int) -> None:
        """Select an arbitrary character range (a search hit, a retrieved passage)."""
        if self.document is None:
            return
        n = len(self.document.text)
        start = min(max(start, 0), max(n - 1, 0))
        end = min(max(end, start + 1), n)
        self.visual = False
        self._set(start, end)

    @property
    def point(self) -> int:
        """Where non-extending moves start from: the selection's start."""
        return self.selection.start if self.selection is not None else 0

    def _scroll_to_selection(self) -> None:
        if self.document is None or self.selection is None or not self._lines:
            return
        focus = self.caret if self.caret != self.sel_anchor[1] else self.selection.start
        first = self.line_of(min(focus, self.selection.start) if focus != self.caret else focus)
        if self.caret == self.sel_anchor[1]:
            last = self.line_of(max(self.selection.end - 1, self.selection.start))
            height = max(self.scrollable_content_region.height, 1)
            first = self.line_of(self.selection.start)
            last = min(last, first + height - 1)
        else:
            last = first
        self.scroll_to_region(Region(0, first, 1, last - first + 1), animate=False, immediate=True)

    # -------------------------------------------------------------- unit boundaries

    def _sentence_index(self, offset: int) -> int:
        return max(bisect.bisect_right(self._sentence_starts, offset) - 1, 0)

    def _safe_start(self, offset: int) -> int:
        """A position at or before ``offset`` that is not inside a word."""
        assert self.document is not None
        text = self.document.text
        lo = max(0, offset)
        while lo > 0 and (text[lo - 1].isalnum() or text[lo - 1] in "_-'’"):
            lo -= 1
        return lo

    def _words(self, lo: int) -> Iterable[tuple[int, int]]:
        assert self.document is not None
        for m in WORD_RE.finditer(self.document.text, self._safe_start(lo)):
            yield m.start(), m.end()

    def _word_after(self, offset: int) -> tuple[int, int] | None:
        """The first word starting after ``offset``."""
        for w in self._words(offset):
            if w[0] > offset:
                return w
        return None

    def _word_before(self, offset: int) -> tuple[int, int] | None:
        """The last word starting before ``offset``."""
        window = 200
        while True:
            lo = max(0, offset - window)
            found = None
            for w in self._words(lo):
                if w[0] >= offset:
                    break
                found = w
            if found is not None or lo == 0:
                return found
            window *= 4

    def _word_at(self, offset: int) -> tuple[int, int] | None:
        """The word holding character ``offset``."""
        for w in self._words(offset):
            if w[0] > offset:
                return None
            if w[0] <= offset < w[1]:
                return w
        return None

    def _boundary(self, unit: str, offset: int, direction: int, kind: str) -> int | None:
        """The next unit ``kind`` (``start``/``end``) boundary after/before ``offset``."""
        doc = self.document
        assert doc is not None
        n = len(doc.text)
        if unit == "char":
            p = offset + direction
            return p if 0 <= p <= n else None
        if unit == "sentence":
            arr = self._sentence_starts if kind == "start" else self._sentence_ends
            if direction > 0:
                i = bisect.bisect_right(arr, offset)
                return arr[i] if i < len(arr) else None
            i = bisect.bisect_left(arr, offset) - 1
            return arr[i] if i >= 0 else None
        # words
        if direction > 0:
            if kind == "end":
                at = self._word_at(offset) if offset < n else None
                if at is not None:
                    return at[1]
            w = self._word_after(offset)
            if w is None:
                return None
            return w[1] if kind == "end" else w[0]
        w = self._word_before(offset)
        if w is None:
            return None
        if kind == "start":
            return w[0]
        if w[1] < offset:
            return w[1]
        prev = self._word_before(w[0])
        return prev[1] if prev else None

    def _extend(self, unit: str, direction: int) -> None:
        if self.document is None or self.selection is None:
            return
        a0, a1 = self.sel_anchor
        c = self.caret
        if direction > 0:
            if c >= a1:
                nxt = self._boundary(unit, c, 1, "end")
                c = nxt if nxt is not None else c
            else:
                nxt = self._boundary(unit, c, 1, "start")
                c = nxt if nxt is not None and nxt < a0 else a1
        else:
            if c > a1:
                prv = self._boundary(unit, c, -1, "end")
                c = prv if prv is not None and prv > a1 else a1
            else:
                prv = self._boundary(unit, min(c, a0), -1, "start")
                c = prv if prv is not None else min(c, a0)
        self.caret = c
        self._apply()

    def _step(self, unit: str, direction: int) -> None:
        """Select the next/previous unit after the selection's start (or extend)."""
        doc = self.document
        if doc is None or self.selection is None:
            return
        if self.visual:
            self._extend(unit, direction)
            return
        sel = self.selection
        if unit == "sentence":
            self._step_sentence(doc, sel, direction)
        elif unit == "word":
            self._step_word(sel, direction)
        elif unit == "char":
            self._step_char(doc.text, sel, direction)

    def _step_sentence(self, doc: Document, sel: Selection, direction: int) -> None:
        """Forward: the first sentence after the selection; back: the last before it."""
        if not doc.sentences:
            return
        starts = self._sentence_starts
        if direction > 0:
            i = bisect.bisect_left(starts, sel.end)
        else:
            i = bisect.bisect_left(starts, sel.start) - 1
        i = min(max(i, 0), len(doc.sentences) - 1)
        s = doc.sentences[i]
        self._set(s.start, s.end)

    def _step_word(self, sel: Selection, direction: int) -> None:
        """From a longer selection: its first (last) word; from a word: the next one."""
        at = self._word_at(sel.start)
        single = at is not None and at == (sel.start, sel.end)
        if direction > 0:
            w = (
                self._word_after(sel.start)
                if single
                else (at if at is not None and at[0] == sel.start else self._word_after(sel.start))
            )
        else:
            w = self._word_before(sel.start if single else sel.end)
        if w is not None:
            self._set(*w)

    def _step_char(self, text: str, sel: Selection, direction: int) -> None:
        """The next/previous character, skipping line breaks."""
        if sel.end - sel.start > 1:
            q = sel.start if direction > 0 else sel.end - 1
        else:
            q = sel.start + direction
        while 0 <= q < len(text) and text[q] == "\n":
            q += direction
        if 0 <= q < len(text):
            self._set(q, q + 1)

    # ------------------------------------------------------------------ actions

    def action_next_sentence(self) -> None:
        self._step("sentence", 1)

    def action_previous_sentence(self) -> None:
        self._step("sentence", -1)

    def action_extend_sentence(self, direction: int) -> None:
        self._extend("sentence", direction)

    def action_word(self, direction: int) -> None:
        self._step("word", direction)

    def action_extend_word(self, direction: int) -> None:
        self._extend("word", direction)

    def action_char(self, direction: int) -> None:
        self._step("char", direction)

    def action_extend_char(self, direction: int) -> None:
        self._extend("char", direction)

    def action_first_sentence(self) -> None:
        doc = self.document
        if doc is not None and doc.sentences:
            self.visual = False
            self._set(doc.sentences[0].start, doc.sentences[0].end)

    def action_last_sentence(self) -> None:
        doc = self.document
        if doc is not None and doc.sentences:
            self.visual = False
            self._set(doc.sentences[-1].start, doc.sentences[-1].end)

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    def _page(self, direction: int) -> None:
        doc = self.document
        if doc is None or not doc.sentences or not self._lines:
            return
        target_line = self.line_of(self.point) + direction * max(
            self.scrollable_content_region.height - 2, 1
        )
        target_line = min(max(target_line, 0), len(self._lines) - 1)
        offset = self._lines[target_line][0]
        s = doc.sentences[self._sentence_index(offset)]
        self.visual = False
        self._set(s.start, s.end)

    def action_toggle_visual(self) -> None:
        self.visual = not self.visual
        if self.selection is not None:
            if self.visual:
                self.sel_anchor = (self.selection.start, self.selection.end)
                self.caret = self.selection.end
            self._apply(scroll=False)

    def action_collapse(self) -> None:
        self.visual = False
        self._set(*self.sel_anchor)

    def _turn_index(self) -> int | None:
        doc = self.document
        if doc is None or not doc.turns:
            return None
        t = doc.turn_at(self.point)
        if t is not None:
            return t.number - 1
        if doc.sentences:
            turn = doc.sentences[self._sentence_index(self.point)].turn
            return turn - 1 if turn else None
        return None

    def action_select_turn(self) -> None:
        doc = self.document
        ti = self._turn_index()
        if doc is None or ti is None:
            return
        turn = doc.turns[ti]
        if turn.end > turn.start:
            self.visual = False
            self._set(turn.start, turn.end)

    def _jump_turn(self, delta: int) -> None:
        doc = self.document
        ti = self._turn_index()
        if doc is None or ti is None:
            return
        target = ti + 1 + delta
        for s in doc.sentences if delta > 0 else reversed(doc.sentences):
            if s.turn is not None and (
                (delta > 0 and s.turn >= target) or (delta < 0 and s.turn <= max(target, 1))
            ):
                if delta < 0:
                    first = next(x for x in doc.sentences if x.turn == s.turn)
                    s = first
                self.visual = False
                self._set(s.start, s.end)
                return

    def action_next_turn(self) -> None:
        self._jump_turn(1)

    def action_previous_turn(self) -> None:
        self._jump_turn(-1)

    def action_next_coding(self, direction: int) -> None:
        c = self.index.next_start(self.point, direction, self.only_codes)
        if c is not None:
            self.visual = False
            self._set(c.start, c.end)

    # ------------------------------------------------------------------ mouse

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        offset = event.get_content_offset(self)
        if offset is None:
            return
        at = self.offset_at(offset.x, offset.y)
        if at is None:
            return
        self.focus()
        self._drag_from = at
        self._dragged = False
        self.capture_mouse()
        event.stop()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        offset = event.get_content_offset_capture(self)
        if self._drag_from is not None and event.button == 1:
            at = self.offset_at(max(offset.x, GUTTER), offset.y)
            if at is None:
                return
            self._dragged = True
            self.visual = False
            if at >= self._drag_from:
                self.sel_anchor = (self._drag_from, self._drag_from + 1)
                self.caret = at + 1
            else:
                self.sel_anchor = (self._drag_from, self._drag_from + 1)
                self.caret = at
            self._apply(scroll=False)
            return
        if 0 <= offset.x < GUTTER:
            hits = self.codings_on_line(offset.y + self.scroll_offset.y)
            tip = "\n".join(
                f"■ {self.code_labels.get(c.code, c.code)} ({c.coder})"
                + (f" ✎ {c.memo}" if c.memo else "")
                for c in hits
            )
            self.tooltip = tip or None
        else:
            self.tooltip = None

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag_from is None:
            return
        start = self._drag_from
        self._drag_from = None
        self.release_mouse()
        if not self._dragged:
            word = self._word_at(start)
            self._set(*(word or (start, start + 1)), scroll=False)
        event.stop()

    # ------------------------------------------------------------------ status

    def position_text(self) -> str:
        """``sentence 3/154 · turn 2/44 P1 · 12 words`` for the status line (offsets
        are for details views, not for the researcher's eye)."""
        doc = self.document
        if doc is None:
            return ""
        parts = []
        if doc.sentences:
            i = self._sentence_index(self.point)
            parts.append(_("sentence {value}/{n}").format(value=i + 1, n=len(doc.sentences)))
            ti = self._turn_index()
            if ti is not None:
                t = doc.turns[ti]
                parts.append(
                    _("turn {number}/{total}").format(number=t.number, total=len(doc.turns))
                    + (f" {t.speaker}" if t.speaker else "")
                )
        if self.selection is not None and doc.text:
            start, end = self.selection.start, self.selection.end
            n = len(WORD_RE.findall(doc.text, start, min(end, start + WORD_COUNT_MAX)))
            if end - start > WORD_COUNT_MAX:
                parts.append(plural(n, "more than {n} word", "more than {n} words"))
            else:
                parts.append(plural(n, "{n} word", "{n} words"))
        if self.visual:
            parts.append(_("VISUAL"))
        return " · ".join(parts)
