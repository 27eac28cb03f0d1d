"""The reconciliation app's state and writes, free of any terminal code.

``Reconciliation`` is one consensus coder working through the disputed lines of a
``ReconcilePlan``: where they are (``ReconcileState``), what was decided (read back from
earlier runs, so a second run resumes), and the memos typed so far. The app turns keys
into its calls and draws what it reports; every decision is made by
``agree.reconcile`` (``redecide``; earlier decisions are read back by ``load_decided``)
and every other write goes through ``CodingSession``.

A memo typed on an undecided line waits for that line's decision (``decide`` stores it on
the line and on the consensus codings); leaving the line or quitting first saves it on the
line alone, so a typed memo is never lost. On a decided line a memo is saved at once.
Deciding a decided line again replaces the earlier choice: codes the new decision does
not keep are removed from the consensus coder (``how="reconcile"``), in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from themekit.agree.reconcile import (
    Decided,
    ReconcilePlan,
    UnitDisagreement,
    UnitKey,
    load_decided,
    redecide,
    unit_key,
)
from themekit.coding.service import CodingSession
from themekit.model.rows import SegmentRow

if TYPE_CHECKING:
    from themekit.project import Project

MemoOutcome = Literal["saved", "cleared", "kept", "dropped"]


@dataclass
class ReconcileState:
    """Position over the disputed lines and what has been decided (pure, no terminal)."""

    units: list[UnitDisagreement]
    decided: dict[UnitKey, Decided] = field(default_factory=dict)
    cursor: int = 0

    @staticmethod
    def key(unit: UnitDisagreement) -> UnitKey:
        return unit_key(unit)

    @property
    def current(self) -> UnitDisagreement:
        return self.units[self.cursor]

    @property
    def empty(self) -> bool:
        return not self.units

    def is_decided(self, index: int) -> bool:
        return self.key(self.units[index]) in self.decided

    def decided_count(self) -> int:
        return sum(1 for unit in self.units if self.key(unit) in self.decided)

    def next_undecided(self, start: int) -> int | None:
        """The first undecided line at or after ``start``, wrapping round; None if all are."""
        n = len(self.units)
        for step in range(n):
            index = (start + step) % n
            if not self.is_decided(index):
                return index
        return None

    def move(self, step: int) -> bool:
        target = self.cursor + step
        if self.empty or not 0 <= target < len(self.units):
            return False
        self.cursor = target
        return True


class Reconciliation:
    """One consensus coder (``session.coder``) deciding the disputed lines of ``plan``."""

    def __init__(self, project: Project, plan: ReconcilePlan, session: CodingSession) -> None:
        self.project = project
        self.plan = plan
        self.session = session
        self.state = ReconcileState(list(plan.disputed), load_decided(session, plan.disputed))
        self.decisions_made = 0
        self.pending_memos: dict[UnitKey, str] = {}
        self.memos = {
            sid: text for (_c, sid), text in project.store.segment_memos(session.coder).items()
        }
        self._segments: dict[str, list[SegmentRow]] = {}
        start = self.state.next_undecided(0) if not self.state.empty else None
        self.state.cursor = start or 0

    # -- reading -------------------------------------------------------------------------
    def neighbours(self, segment: SegmentRow) -> tuple[SegmentRow | None, SegmentRow | None]:
        """The lines just before and after ``segment`` in its transcript (None at an end)."""
        if segment.transcript_id not in self._segments:
            self._segments[segment.transcript_id] = self.project.store.segments(
                segment.transcript_id
            )
        rows = self._segments[segment.transcript_id]
        where = next((i for i, s in enumerate(rows) if s.line == segment.line), None)
        if where is None:
            return None, None
        before = rows[where - 1] if where > 0 else None
        after = rows[where + 1] if where + 1 < len(rows) else None
        return before, after

    def memo_on(self, unit: UnitDisagreement) -> tuple[str | None, bool]:
        """The memo to show on a line, and whether it still waits for the decision."""
        key = ReconcileState.key(unit)
        memo = self.pending_memos.get(key) or self.memos.get(unit.segment.id)
        return memo, key in self.pending_memos

    # -- writing -------------------------------------------------------------------------
    def flush_memo(self) -> None:
        """Save a memo still waiting for a decision on the current line, on the line alone.

        Raises the session's ``ThemekitError`` if it cannot be saved (the memo is dropped).
        """
        if self.state.empty:
            return
        unit = self.state.current
        memo = self.pending_memos.pop(ReconcileState.key(unit), None)
        if memo is None:
            return
        self.session.set_segment_memo(unit.segment, memo)
        self.memos[unit.segment.id] = memo

    def decide_current(self, decision: str, other_code: str | None = None) -> list[str]:
        """Record ``decision`` for the current line (replacing an earlier one); its codes."""
        unit = self.state.current
        key = ReconcileState.key(unit)
        memo = self.pending_memos.get(key)
        chosen = redecide(self.session, unit, decision, other_code=other_code, memo=memo)
        self.pending_memos.pop(key, None)
        if memo:
            self.memos[unit.segment.id] = memo
        self.decisions_made += 1
        self.state.decided[key] = Decided(decision, chosen)
        return chosen

    def set_memo(self, value: str) -> MemoOutcome:
        """A memo typed on the current line: saved now if decided, else kept for the decision."""
        unit = self.state.current
        key = ReconcileState.key(unit)
        memo = value.strip()
        if key in self.state.decided:
            self.session.set_segment_memo(unit.segment, memo or None)
            if memo:
                self.memos[unit.segment.id] = memo
                return "saved"
            self.memos.pop(unit.segment.id, None)
            return "cleared"
        if memo:
            self.pending_memos[key] = memo
            return "kept"
        self.pending_memos.pop(key, None)
        return "dropped"
