"""The transcript pane of the coding app: one row per segment, drawn line by line.

``TranscriptView`` is a Line-API ``ScrollView``: it renders only the visible rows, so a
10,000-segment transcript costs no more to draw than a 40-line one, and the screen asks
it to redraw only the rows whose look changed (old and new cursor row, the selection, a
row whose codes changed). It reads the ``CodingState`` it is given and never changes it:
the arrow keys are forwarded to the screen's actions, and a click is posted as
``LineClicked`` for the screen to act on.

A row::

    41 ●★✎ P07  Probation Service  We had nothing for people with moderate needs ...
       |||  speaker, role (dim)     the text, cut to the pane's width
       ||+ memo on the line
       |+ exemplar quote
       + ● own code on the line, ○ only other coders' codes
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.segment import Segment as RichSegment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from themekit.coding.tui.state import CodingState
from themekit.coding.tui.widgets import fit

_CURRENT = Style(bgcolor="#2a4d7a", bold=True)
_SELECTED = Style(bgcolor="#4a4a1a")
_DIM = Style(dim=True)
_MARK = Style(color="#5fd75f", bold=True)
_OTHER_MARK = Style(color="#87afff")
_STAR = Style(color="#ffd75f")


class TranscriptView(ScrollView, can_focus=True):
    """The transcript, one row per segment, drawn line by line (only visible rows)."""

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
        self, state: CodingState, roles: dict[tuple[str | None, bool], str], **kw: Any
    ) -> None:
        super().__init__(**kw)
        self.state = state
        self.roles = roles
        segments = state.segments
        self.number_width = len(str(segments[-1].line)) if segments else 1
        self.speaker_width = min(max([len(s.speaker or "") for s in segments] + [1]), 14)
        self.role_width = min(max([len(r) for r in roles.values()] + [1]), 22)
        self.virtual_size = Size(1, len(segments))

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.size.width
        if index >= len(self.state.segments) or width <= 0:
            return Strip.blank(width)
        return self._row(index, width)

    def _row_style(self, index: int) -> Style:
        state = self.state
        selection = state.selection()
        if index == state.cursor:
            return _CURRENT
        if selection is not None and index in selection:
            return _SELECTED
        return Style()

    def _row(self, index: int, width: int) -> Strip:
        state = self.state
        segment = state.segments[index]
        base = self._row_style(index)
        text_style = base + _DIM if not segment.codable else base
        if state.own_on(segment.id):
            mark, mark_style = "●", _MARK
        elif state.others_on(segment.id):
            mark, mark_style = "○", _OTHER_MARK
        else:
            mark, mark_style = " ", Style()
        star = "★" if segment.id in state.exemplars else " "
        memo = "✎" if segment.id in state.memos else " "
        role = self.roles.get((segment.speaker, segment.codable), "")
        number = str(segment.line).rjust(self.number_width)
        speaker = fit(segment.speaker or "", self.speaker_width).ljust(self.speaker_width)
        role_text = fit(role, self.role_width).ljust(self.role_width)
        used = self.number_width + 4 + self.speaker_width + 1 + self.role_width + 2
        body = fit(segment.text, max(width - used - 1, 1))
        pieces = [
            RichSegment(number + " ", text_style),
            RichSegment(mark, base + mark_style),
            RichSegment(star, base + _STAR),
            RichSegment(memo + " ", base),
            RichSegment(speaker + " ", text_style),
            RichSegment(role_text + "  ", base + _DIM),
            RichSegment(body, text_style),
        ]
        return Strip(pieces).adjust_cell_length(width, base)

    def redraw(self, *indexes: int) -> None:
        top = int(self.scroll_offset.y)
        for index in indexes:
            if top <= index < top + self.size.height:
                self.refresh_line(index)

    def redraw_range(self, rows: range | None) -> None:
        if rows is not None and len(rows):
            self.refresh_lines(rows.start, len(rows))

    def page_height(self) -> int:
        """How far PgUp/PgDn move: one screen less one line of context."""
        return max(self.size.height - 1, 1)

    def center_cursor(self) -> None:
        height = self.size.height or 1
        self.scroll_to(y=max(self.state.cursor - height // 2, 0), animate=False, immediate=True)

    def follow_cursor(self) -> None:
        """Scroll just enough to keep the cursor visible, with a little context."""
        height = self.size.height or 1
        top = int(self.scroll_offset.y)
        cursor = self.state.cursor
        margin = 2 if height > 6 else 0
        if cursor < top + margin:
            self.scroll_to(y=max(cursor - margin, 0), animate=False, immediate=True)
        elif cursor >= top + height - margin:
            self.scroll_to(y=cursor - height + margin + 1, animate=False, immediate=True)

    def on_click(self, event: Click) -> None:
        # The event's own y counts the border too; the row is found in the content area.
        offset = event.get_content_offset(self)
        if offset is None:  # a click on the border
            return
        index = int(self.scroll_offset.y) + offset.y
        if 0 <= index < len(self.state.segments):
            self.post_message(self.LineClicked(index))
