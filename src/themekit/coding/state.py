"""The coding app's state machine, free of any terminal code.

``CodingState`` knows one coder's view of one transcript: the segments, the cursor, an
optional range selection, a pending span, the coder's own codings (and, with
``--show-others``, everyone else's, read-only), memos, exemplars, and the undo/redo
stacks. It decides *what* an action means (which segments a toggle touches, where "next
uncoded" is, which character span some typed words are); the Textual app only turns keys
into these calls, performs the resulting store writes through ``CodingSession`` and
redraws the rows the state reports as changed. Tests drive it directly.

Undo works on groups: a toggle on a range of five lines is one group of five service
``Change``s and one ``u`` reverses all five. The app reverses a group with
``CodingSession.reverse_all`` (one transaction) and hands the resulting changes back
(``finish_undo`` / ``finish_redo``) so that redo can reverse them again.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from themekit.coding.service import Change
from themekit.errors import CodingError
from themekit.model.rows import CodingRow, SegmentRow


def split_codings(
    rows: Iterable[CodingRow], coder: str, *, show_others: bool
) -> tuple[list[CodingRow], list[CodingRow]]:
    """The blind filter: (own codings, others' codings shown read-only).

    Blind by default: without ``show_others`` the second list is always empty.
    """
    own: list[CodingRow] = []
    others: list[CodingRow] = []
    for row in rows:
        if row.coder == coder:
            own.append(row)
        elif show_others:
            others.append(row)
    return own, others


@dataclass(frozen=True)
class TogglePlan:
    """What toggling a code on the targets means: apply to some, or remove from all."""

    code_id: str
    apply_to: list[SegmentRow]
    remove: list[CodingRow]


def locate_words(segment: SegmentRow, words: str) -> tuple[int, int]:
    """Absolute offsets of ``words`` inside the segment (exact, then ignoring case).

    Leading and trailing spaces of the typed words are ignored; the first occurrence wins.
    """
    wanted = words.strip()
    if not wanted:
        raise CodingError("No words were typed.", hint="Type the exact words to code.")
    at = segment.text.find(wanted)
    if at < 0:
        at = segment.text.casefold().find(wanted.casefold())
        # casefold can change lengths (ß -> ss); only trust it when it did not.
        if at >= 0 and len(segment.text.casefold()) != len(segment.text):
            at = -1
    if at < 0:
        raise CodingError(
            f"'{wanted}' is not in line {segment.line}.",
            hint="Type the words exactly as they appear in the line.",
        )
    return segment.start + at, segment.start + at + len(wanted)


class CodingState:
    def __init__(
        self,
        segments: Sequence[SegmentRow],
        *,
        own: Iterable[CodingRow] = (),
        others: Iterable[CodingRow] = (),
        exemplars: Iterable[int] = (),
        memos: dict[int, str] | None = None,
        start_line: int | None = None,
        skip_uncodable: bool = True,
    ) -> None:
        self.segments = list(segments)
        self.lines = [s.line for s in self.segments]
        self.index_of = {s.id: i for i, s in enumerate(self.segments)}
        self.skip_uncodable = skip_uncodable
        self.own: dict[int, list[CodingRow]] = {}
        self.others: dict[int, list[CodingRow]] = {}
        for row in own:
            self.own.setdefault(row.segment_id, []).append(row)
        for row in others:
            self.others.setdefault(row.segment_id, []).append(row)
        self.exemplars: set[int] = set(exemplars)
        self.memos: dict[int, str] = dict(memos or {})
        self.n_codable = sum(1 for s in self.segments if s.codable)
        self._coded = {sid for sid, rows in self.own.items() if rows and self._is_codable_id(sid)}
        self.anchor: int | None = None
        self.pending_span: tuple[int, int] | None = None
        self.undo_stack: list[list[Change]] = []
        self.redo_stack: list[list[Change]] = []
        self.cursor = self._start_index(start_line)

    # -- queries ------------------------------------------------------------------------
    @property
    def current(self) -> SegmentRow:
        return self.segments[self.cursor]

    @property
    def empty(self) -> bool:
        return not self.segments

    def is_coded(self, index: int) -> bool:
        return self.segments[index].id in self._coded

    def progress(self) -> tuple[int, int]:
        """(codable segments this coder has coded, codable segments)."""
        return len(self._coded), self.n_codable

    def own_on(self, segment_id: int) -> list[CodingRow]:
        return self.own.get(segment_id, [])

    def others_on(self, segment_id: int) -> list[CodingRow]:
        return self.others.get(segment_id, [])

    def selection(self) -> range | None:
        """The selected index range (inclusive of both ends), or None."""
        if self.anchor is None:
            return None
        low, high = sorted((self.anchor, self.cursor))
        return range(low, high + 1)

    def targets(self) -> list[SegmentRow]:
        """The segments an action applies to: the codable lines selected, or this line."""
        selected = self.selection()
        if selected is None:
            return [self.current]
        return [self.segments[i] for i in selected if self.segments[i].codable]

    def has_whole_coding(self, segment_id: int, code_id: str) -> CodingRow | None:
        for row in self.own.get(segment_id, []):
            if row.code_id == code_id and row.span_start is None:
                return row
        return None

    # -- moving -------------------------------------------------------------------------
    def _is_codable_id(self, segment_id: int) -> bool:
        index = self.index_of.get(segment_id)
        return index is not None and self.segments[index].codable

    def _stops(self, index: int) -> bool:
        return not self.skip_uncodable or self.segments[index].codable

    def _start_index(self, start_line: int | None) -> int:
        if self.empty:
            return 0
        if start_line is not None:
            index = min(bisect.bisect_left(self.lines, start_line), len(self.segments) - 1)
            if self._stops(index):
                return index
            found = self._scan(index, +1)
            if found is None:
                found = self._scan(index, -1)
            if found is not None:
                return found
        first = 0 if self._stops(0) else self._scan(0, +1)
        return first if first is not None else 0

    def _scan(self, index: int, step: int, *, uncoded: bool = False) -> int | None:
        i = index + step
        while 0 <= i < len(self.segments):
            if self._stops(i) and (
                not uncoded or (self.segments[i].codable and not self.is_coded(i))
            ):
                return i
            i += step
        return None

    def _move_to(self, index: int | None) -> tuple[int, int]:
        """Move the cursor (a started selection follows it); return (old, new) index."""
        old = self.cursor
        if index is not None and not self.empty:
            self.cursor = index
        if self.cursor != old:
            self.pending_span = None  # a span belongs to the line it was typed on
        return old, self.cursor

    def move(self, delta: int) -> tuple[int, int]:
        """Move ``delta`` stops up or down (skipping interviewer lines when asked)."""
        if self.empty:
            return 0, 0
        index = self.cursor
        step = 1 if delta > 0 else -1
        for _ in range(abs(delta)):
            found = self._scan(index, step)
            if found is None:
                break
            index = found
        return self._move_to(index)

    def move_edge(self, last: bool) -> tuple[int, int]:
        if self.empty:
            return 0, 0
        if last:
            index = len(self.segments) - 1
            found = index if self._stops(index) else self._scan(index, -1)
        else:
            found = 0 if self._stops(0) else self._scan(0, +1)
        return self._move_to(found)

    def next_uncoded(self, forward: bool = True) -> tuple[int, int] | None:
        """Move to the next (or previous) codable line without own codings; None if none."""
        if self.empty:
            return None
        found = self._scan(self.cursor, 1 if forward else -1, uncoded=True)
        if found is None:
            return None
        return self._move_to(found)

    def goto_line(self, line: int) -> tuple[int, int] | None:
        """Move to the line with this number (even an interviewer line); None if absent."""
        index = bisect.bisect_left(self.lines, line)
        if index >= len(self.lines) or self.lines[index] != line:
            return None
        return self._move_to(index)

    def goto_segment(self, segment_id: int) -> tuple[int, int] | None:
        index = self.index_of.get(segment_id)
        if index is None:
            return None
        return self._move_to(index)

    # -- selecting ----------------------------------------------------------------------
    def toggle_selection(self) -> range | None:
        """Start a selection at the cursor, or end the one in progress; the old range."""
        before = self.selection()
        self.anchor = None if self.anchor is not None else self.cursor
        return before

    def extend(self, delta: int) -> tuple[int, int]:
        if self.anchor is None:
            self.anchor = self.cursor
        return self.move(delta)

    def clear_selection(self) -> range | None:
        before = self.selection()
        self.anchor = None
        self.pending_span = None
        return before

    # -- coding decisions ---------------------------------------------------------------
    def plan_toggle(self, code_id: str) -> TogglePlan:
        """Toggle semantics over the targets: if every target has the code, remove it from
        all; otherwise apply it where it is missing (whole-segment codings only)."""
        targets = self.targets()
        if not targets or not all(t.codable for t in targets):
            raise CodingError(
                "Interviewer lines cannot be coded.",
                hint="Move to a participant's line (interviewer lines are dimmed).",
            )
        existing = [self.has_whole_coding(t.id, code_id) for t in targets]
        if all(existing):
            return TogglePlan(code_id, [], [row for row in existing if row is not None])
        return TogglePlan(
            code_id, [t for t, row in zip(targets, existing, strict=True) if not row], []
        )

    def set_pending_span(self, words: str) -> tuple[int, int]:
        segment = self.current
        if not segment.codable:
            raise CodingError(
                "Interviewer lines cannot be coded.",
                hint="Move to a participant's line (interviewer lines are dimmed).",
            )
        self.pending_span = locate_words(segment, words)
        return self.pending_span

    # -- keeping the picture up to date -------------------------------------------------
    def note(self, change: Change) -> int | None:
        """Reflect a committed change; return the affected row index (to redraw)."""
        row = change.coding
        rows = self.own.setdefault(row.segment_id, [])
        if change.kind == "apply":
            if all(r.uid != row.uid for r in rows):
                rows.append(row)
        else:
            rows[:] = [r for r in rows if r.uid != row.uid]
        if rows and self._is_codable_id(row.segment_id):
            self._coded.add(row.segment_id)
        else:
            self._coded.discard(row.segment_id)
        return self.index_of.get(row.segment_id)

    def replace_coding(self, row: CodingRow) -> None:
        """Swap in a re-read coding (after a memo edit) keeping its place."""
        rows = self.own.get(row.segment_id, [])
        for i, existing in enumerate(rows):
            if existing.uid == row.uid:
                rows[i] = row

    def record(self, changes: list[Change]) -> list[int]:
        """A new user action: note its changes, push one undo group, forget redo."""
        indexes = [i for i in (self.note(c) for c in changes) if i is not None]
        if changes:
            self.undo_stack.append(list(changes))
            self.redo_stack.clear()
        return indexes

    def take_undo(self) -> list[Change] | None:
        return self.undo_stack.pop() if self.undo_stack else None

    def take_redo(self) -> list[Change] | None:
        return self.redo_stack.pop() if self.redo_stack else None

    def finish_undo(self, reversed_changes: list[Change]) -> list[int]:
        indexes = [i for i in (self.note(c) for c in reversed_changes) if i is not None]
        if reversed_changes:
            self.redo_stack.append(list(reversed_changes))
        return indexes

    def finish_redo(self, reversed_changes: list[Change]) -> list[int]:
        indexes = [i for i in (self.note(c) for c in reversed_changes) if i is not None]
        if reversed_changes:
            self.undo_stack.append(list(reversed_changes))
        return indexes

    def set_exemplar(self, segment_id: int, on: bool) -> None:
        if on:
            self.exemplars.add(segment_id)
        else:
            self.exemplars.discard(segment_id)

    def set_memo(self, segment_id: int, text: str | None) -> None:
        if text:
            self.memos[segment_id] = text
        else:
            self.memos.pop(segment_id, None)
