"""The transcript pane of the coding app: whole lines, wrapped to the pane, drawn row by row.

``TranscriptView`` is a Line-API ``ScrollView``: it renders only the visible rows, so a
10,000-segment transcript costs no more to draw than a 40-line one. Each segment (a
transcript line) takes as many rows as its text needs at the pane's width, wrapped with
a hanging indent under the line number and speaker, followed by a row naming the codes
on it (wrapped the same way). ``measure_all`` measures every segment once per width
(``starts[i]`` is segment i's first row) and ``remeasure`` only the segments whose codes
changed, so a keystroke redraws just the rows whose look changed (old and new cursor
segment, the selection, a segment whose codes changed). The view reads the
``CodingState`` it is given and never changes it: the arrow keys are forwarded to the
screen's actions, and a click is posted as ``LineClicked`` for the screen to act on.

A segment::

    41 ●★✎ P07       We had nothing for people with moderate needs before
                     the pilot, and the bench knew it.
                     ● Filling a previous gap · ○ Sustainability of funding (bob)
       |||           the codes: ● own, ○ other coders' (only when they are shown)
       ||+ memo on the line
       |+ exemplar quote
       + ● own code on the line, ○ only other coders' codes

The speaker's role is shown in the detail pane under the transcript. A line taller than
the pane is read on with the same keys: ↓/j first scrolls through it, then moves on.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from typing import Any, ClassVar

from rich.segment import Segment as RichSegment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.events import Click, Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from themekit.coding.state import CodingState
from themekit.coding.tui.widgets import fit

_CURRENT = Style(bgcolor="#2a4d7a", bold=True)
_SELECTED = Style(bgcolor="#4a4a1a")
_DIM = Style(dim=True)
_MARK = Style(color="#5fd75f", bold=True)
_OTHER_MARK = Style(color="#87afff")
_STAR = Style(color="#ffd75f")
_CODES = Style(color="#5fd75f", italic=True)

SPEAKER_WIDTH_MAX = 12
SPEAKER_WIDTH_MIN = 6
TEXT_WIDTH_MIN = 8
TEXT_WIDTH_COMFORTABLE = 36  # below this the speaker column narrows


def wrap_words(text: str, width: int) -> list[str]:
    """``text`` broken into rows of at most ``width`` characters, at spaces where possible."""
    width = max(width, 1)
    rows: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:  # a word longer than a row is cut
            if current:
                rows.append(current)
                current = ""
            rows.append(word[:width])
            word = word[width:]
        if not word:
            continue
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            rows.append(current)
            current = word
    if current or not rows:
        rows.append(current)
    return rows


class TranscriptView(ScrollView, can_focus=True):
    """The transcript, each line wrapped in full, drawn row by row (only visible rows)."""

    DEFAULT_CSS = """
    TranscriptView { overflow-x: hidden; }
    """
    # ScrollView binds these keys to scrolling; here they move the cursor instead.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, f"screen.{action}", show=False)
        for key, action in (
            ("up", "cursor_up"),
            ("down", "cursor_down"),
            ("pageup", "page_up"),
            ("pagedown", "page_down"),
            ("home", "first_line"),
            ("end", "last_line"),
        )
    ]

    class LineClicked(Message):
        """A row was clicked: ``index`` is the segment's position in the state."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(
        self,
        state: CodingState,
        roles: dict[tuple[str | None, bool], str],
        labels: dict[str, str] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.state = state
        self.roles = roles
        self.labels = labels or {}
        segments = state.segments
        self.number_width = len(str(segments[-1].line)) if segments else 1
        longest = max([len(s.speaker or "") for s in segments] + [1])
        self.full_speaker_width = min(longest, SPEAKER_WIDTH_MAX)
        self.speaker_width = self.full_speaker_width
        # number, space, three marks, space, speaker, space: where the text starts.
        self.indent = self.number_width + 1 + 3 + 1 + self.speaker_width + 1
        self.layout_width = 0
        self.text_width = TEXT_WIDTH_MIN
        self.heights: list[int] = [1] * len(segments)
        self.starts: list[int] = list(range(len(segments)))
        self._rows: dict[int, tuple[list[str], list[str]]] = {}
        self.virtual_size = Size(1, len(segments))

    # -- measuring -----------------------------------------------------------------------
    def code_text(self, index: int) -> str:
        """The codes on segment ``index``: own first (●), then other coders' (○)."""
        state = self.state
        segment_id = state.segments[index].id
        own = state.own_on(segment_id)
        others = state.others_on(segment_id)
        if not own and not others:
            return ""
        parts = [f"● {self._code_label(r.code_id)}" for r in own]
        parts += [f"○ {self._code_label(r.code_id)} ({r.coder})" for r in others]
        return " · ".join(dict.fromkeys(parts))

    def _code_label(self, code_id: str) -> str:
        return self.labels.get(code_id, code_id)

    def rows_of(self, index: int) -> tuple[list[str], list[str]]:
        """(text rows, code rows) of segment ``index`` at the current width (cached)."""
        cached = self._rows.get(index)
        if cached is None:
            segment = self.state.segments[index]
            codes = self.code_text(index)
            cached = (
                wrap_words(segment.text, self.text_width),
                wrap_words(codes, self.text_width) if codes else [],
            )
            self._rows[index] = cached
        return cached

    def _height(self, index: int) -> int:
        text_rows, code_rows = self.rows_of(index)
        return len(text_rows) + len(code_rows)

    def measure_all(self, width: int) -> None:
        """Measure every segment for ``width`` columns (once per width)."""
        if width <= 0 or width == self.layout_width:
            return
        self.layout_width = width
        # In a narrow pane the speaker column gives way (down to a few letters) before the
        # text does: the text is what a coder reads.
        fixed = self.number_width + 1 + 3 + 1 + 1
        room = width - fixed - 1 - TEXT_WIDTH_COMFORTABLE
        self.speaker_width = min(self.full_speaker_width, max(room, SPEAKER_WIDTH_MIN))
        self.indent = fixed + self.speaker_width
        self.text_width = max(width - self.indent - 1, TEXT_WIDTH_MIN)
        self._rows.clear()
        self.heights = [self._height(i) for i in range(len(self.state.segments))]
        self._restart()

    def _restart(self) -> None:
        self.starts = [0, *accumulate(self.heights)][:-1] if self.heights else []
        total = (self.starts[-1] + self.heights[-1]) if self.heights else 0
        self.virtual_size = Size(1, total)

    def remeasure(self, indexes: list[int]) -> bool:
        """Measure again the segments whose codes changed; whether any height changed."""
        changed = False
        for index in indexes:
            if not 0 <= index < len(self.heights):
                continue
            self._rows.pop(index, None)
            height = self._height(index)
            if height != self.heights[index]:
                self.heights[index] = height
                changed = True
        if changed:
            self._restart()
            self.refresh()
        return changed

    def text_area_width(self) -> int:
        """The columns rows are drawn in: the pane less its scrollbar (once it shows)."""
        width = self.scrollable_content_region.width
        return width if width > 0 else self.size.width

    def on_resize(self, event: Resize) -> None:
        self.measure_all(self.text_area_width())
        self.follow_cursor()

    def index_at_row(self, row: int) -> int:
        """The segment drawn on virtual row ``row``."""
        return max(bisect_right(self.starts, row) - 1, 0)

    # -- drawing -------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if width <= 0 or not self.state.segments:
            return Strip.blank(max(width, 0))
        if self.text_area_width() != self.layout_width:
            # The scrollbar came or went since the last measure: wrap for the new width.
            self.measure_all(self.text_area_width())
        row = int(self.scroll_offset.y) + y
        if row >= self.virtual_size.height:
            return Strip.blank(width)
        index = self.index_at_row(row)
        return self._row(index, row - self.starts[index], width)

    def _row_style(self, index: int) -> Style:
        state = self.state
        selection = state.selection()
        if index == state.cursor:
            return _CURRENT
        if selection is not None and index in selection:
            return _SELECTED
        return Style()

    def _row(self, index: int, part: int, width: int) -> Strip:
        state = self.state
        segment = state.segments[index]
        base = self._row_style(index)
        text_style = base + _DIM if not segment.codable else base
        text_rows, code_rows = self.rows_of(index)
        if part == 0:
            if state.own_on(segment.id):
                mark, mark_style = "●", _MARK
            elif state.others_on(segment.id):
                mark, mark_style = "○", _OTHER_MARK
            else:
                mark, mark_style = " ", Style()
            star = "★" if segment.id in state.exemplars else " "
            memo = "✎" if segment.id in state.memos else " "
            number = str(segment.line).rjust(self.number_width)
            speaker = fit(segment.speaker or "", self.speaker_width).ljust(self.speaker_width)
            pieces = [
                RichSegment(number + " ", text_style),
                RichSegment(mark, base + mark_style),
                RichSegment(star, base + _STAR),
                RichSegment(memo + " ", base),
                RichSegment(speaker + " ", text_style),
                RichSegment(text_rows[0], text_style),
            ]
        elif part < len(text_rows):
            pieces = [
                RichSegment(" " * self.indent, base),
                RichSegment(text_rows[part], text_style),
            ]
        else:
            pieces = [
                RichSegment(" " * self.indent, base),
                RichSegment(code_rows[part - len(text_rows)], base + _CODES),
            ]
        return Strip(pieces).adjust_cell_length(width, base)

    def redraw(self, *indexes: int) -> None:
        for index in indexes:
            if 0 <= index < len(self.starts):
                self.refresh_lines(self.starts[index], self.heights[index])

    def redraw_range(self, rows: range | None) -> None:
        if rows is not None and len(rows):
            first, last = rows.start, rows.stop - 1
            end = self.starts[last] + self.heights[last]
            self.refresh_lines(self.starts[first], end - self.starts[first])

    def page_height(self) -> int:
        """How many lines PgUp/PgDn move: about one screen less one row of context."""
        if not self.starts:
            return 1
        top = self.starts[self.state.cursor]
        below = self.index_at_row(top + max(self.size.height - 1, 1))
        return max(below - self.state.cursor, 1)

    def center_cursor(self) -> None:
        height = self.size.height or 1
        if not self.starts:
            return
        self.measure_all(self.text_area_width())
        top = self.starts[self.state.cursor]
        self.scroll_to(y=max(top - height // 2, 0), animate=False, immediate=True)

    def follow_cursor(self) -> None:
        """Scroll just enough to keep the current line in view, with a little context."""
        if not self.starts:
            return
        height = self.size.height or 1
        top = int(self.scroll_offset.y)
        first = self.starts[self.state.cursor]
        last = first + self.heights[self.state.cursor] - 1
        margin = 2 if height > 6 else 0
        if first < top + margin:
            self.scroll_to(y=max(first - margin, 0), animate=False, immediate=True)
        elif last >= top + height - margin:
            y = min(last - height + margin + 1, first)
            self.scroll_to(y=max(y, 0), animate=False, immediate=True)

    def read_on(self, step: int) -> bool:
        """Scroll through a current line taller than the pane (one screen less a row of
        context, ``step`` 1 down or -1 up); False once all of it has been in view."""
        if not self.starts:
            return False
        height = self.size.height or 1
        top = int(self.scroll_offset.y)
        first = self.starts[self.state.cursor]
        last = first + self.heights[self.state.cursor] - 1
        if step > 0 and last >= top + height and top + height > first:
            self.scroll_to(y=min(top + height - 1, last), animate=False, immediate=True)
            return True
        if step < 0 and first < top <= last:
            self.scroll_to(y=max(top - height + 1, first), animate=False, immediate=True)
            return True
        return False

    def on_click(self, event: Click) -> None:
        # The event's own y counts the border too; the row is found in the content area.
        offset = event.get_content_offset(self)
        if offset is None:  # a click on the border
            return
        row = int(self.scroll_offset.y) + offset.y
        if 0 <= row < self.virtual_size.height:
            self.post_message(self.LineClicked(self.index_at_row(row)))

    def visible_text(self) -> list[str]:
        """The rows on screen as plain text, as wide as the scrollbar leaves them."""
        width = self.text_area_width()
        return [self.render_line(y).crop(0, width).text for y in range(self.size.height)]
