"""The panes of the coding app that show the current line, and the status bar.

Each pane draws from the ``CodingState`` (and what the screen tells it) when the screen
calls its ``show``; none of them changes the state or the store:

* ``LineDetail`` (``#detail``): the current line's number, speaker and role, its
  pending span (the line with the words highlighted), its memo;
* ``CodingsPane`` (``#codes``): the codings on the line, the coder's own first, other
  coders' read-only below them (only when they are shown);
* ``SuggestionsPane`` (``#suggestions``): the best undecided suggestions for the line;
* ``StatusBar`` (``#status``): transcript, line, progress, done, blind, the last message.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from themekit.coding.service import Suggestion
from themekit.coding.state import CodingState
from themekit.coding.tui.widgets import fit
from themekit.model.codebook import CodeEntry
from themekit.model.rows import CodingRow

OWN_PREFIX = "own:"
OTHER_PREFIX = "other:"


class LineDetail(Static):
    """The current line in full, with its speaker's role, pending span and memo."""

    def __init__(self, roles: dict[tuple[str | None, bool], str] | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self.roles = roles or {}

    def show(self, state: CodingState) -> None:
        if state.empty:
            self.update("")
            return
        segment = state.current
        head = Text(f"Line {segment.line}", "bold")
        if segment.speaker:
            head.append(f"  {segment.speaker}")
        role = self.roles.get((segment.speaker, segment.codable))
        if role and role != segment.speaker:
            head.append(f"  {role}", "dim")
        if not segment.codable:
            head.append("  (interviewer: not coded)", "dim")
        if segment.id in state.exemplars:
            head.append("  ★ exemplar", "yellow")
        parts = [head]
        # The transcript pane shows the whole line; here it is repeated only to show
        # the words a pending span will code.
        if state.pending_span is not None:
            body = Text(segment.text)
            start, end = state.pending_span
            body.stylize("reverse", start - segment.start, end - segment.start)
            parts.append(body)
        if segment.id in state.memos:
            parts.append(Text(f"✎ {state.memos[segment.id]}", "italic"))
        self.update(Text("\n").join(parts))


class CodingsPane(OptionList):
    """The codings on the current line; option ids are ``own:UID`` or ``other:UID``."""

    def __init__(self, by_id: dict[str, CodeEntry], **kw: Any) -> None:
        super().__init__(**kw)
        self.by_id = by_id

    def show(self, state: CodingState) -> None:
        if state.empty:
            self.clear_options()
            return
        segment_id = state.current.id
        options: list[Option] = []
        for row in state.own_on(segment_id):
            options.append(Option(self.label(state, row), id=f"{OWN_PREFIX}{row.uid}"))
        for row in state.others_on(segment_id):
            label = self.label(state, row)
            label.append(f"  ({row.coder}, read-only)", "italic")
            label.stylize("dim")
            options.append(Option(label, id=f"{OTHER_PREFIX}{row.uid}"))
        self.set_options(options)
        if options:
            self.highlighted = 0

    def label(self, state: CodingState, row: CodingRow) -> Text:
        entry = self.by_id.get(row.code_id)
        label = Text(entry.path_text if entry else row.code_id)
        if row.span_start is not None and row.span_end is not None:
            segment = state.current
            words = segment.text[row.span_start - segment.start : row.span_end - segment.start]
            label.append(f'  "{fit(words, 30)}"', "cyan")
        if row.source == "suggestion":
            label.append("  (suggested)", "dim")
        if row.memo:
            label.append(f"  ✎ {fit(row.memo, 30)}", "italic")
        return label

    def highlighted_own(self, state: CodingState) -> CodingRow | None:
        """The coder's own coding under the highlight; None on another coder's."""
        option = self.highlighted_option
        if option is None or option.id is None or not option.id.startswith(OWN_PREFIX):
            return None
        uid = option.id.removeprefix(OWN_PREFIX)
        for row in state.own_on(state.current.id):
            if row.uid == uid:
                return row
        return None


class SuggestionsPane(OptionList):
    """Suggested codes for the current line, best first; option ids are code ids."""

    def __init__(self, by_id: dict[str, CodeEntry], **kw: Any) -> None:
        super().__init__(**kw)
        self.by_id = by_id

    def show(self, rows: list[Suggestion]) -> None:
        options = []
        for code_id, score, _model, reason in rows:
            entry = self.by_id.get(code_id)
            label = Text(f"{score:.2f} ", "bold")
            label.append(entry.code.label if entry else code_id)
            if reason:
                label.append(f"  {fit(reason, 40)}", "dim")
            options.append(Option(label, id=code_id))
        self.set_options(options)
        if options:
            self.highlighted = 0

    def highlighted_code(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None


class StatusBar(Static):
    """One line: where the coder is, how far they got, the mode, the last message."""

    def show(
        self,
        state: CodingState,
        *,
        transcript_id: str,
        done: bool,
        show_others: bool,
        message: str,
    ) -> None:
        coded, codable = state.progress()
        share = f" ({coded / codable:.0%})" if codable else ""
        parts = [transcript_id]
        if not state.empty:
            parts.append(f"line {state.current.line}")
        parts.append(f"coded {coded}/{codable}{share}")
        if done:
            parts.append("DONE")
        parts.append("showing others" if show_others else "blind")
        if state.anchor is not None:
            selected = state.selection()
            parts.append(f"selecting {len(selected) if selected else 0} lines")
        if not state.skip_uncodable:
            parts.append("stopping on interviewer lines")
        text = " · ".join(parts)
        if message:
            text += f"  |  {message}"
        self.update(text)
