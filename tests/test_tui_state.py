"""The coding app's state machine, driven directly (no terminal)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from themekit.coding.service import Change
from themekit.coding.state import CodingState, locate_words, split_codings
from themekit.errors import CodingError
from themekit.model.rows import CodingRow, SegmentRow

# line number -> codable; lines 1, 4 and 7 are the interviewer's
CODABLE = [False, True, True, False, True, True, False, True]


def segments(codable: list[bool] = CODABLE) -> list[SegmentRow]:
    rows = []
    offset = 0
    for i, ok in enumerate(codable):
        text = f"Line {i + 1} says the pilot filled a gap."
        rows.append(
            SegmentRow(
                id=100 + i,
                transcript_id="P07",
                version=1,
                line=i + 1,
                speaker="P07" if ok else "Interviewer",
                turn_index=i,
                start=offset,
                end=offset + len(text),
                time_start=None,
                time_end=None,
                codable=ok,
                text=text,
            )
        )
        offset += len(text) + 1
    return rows


def coding(
    segment_id: int,
    code: str = "gap",
    coder: str = "alice",
    n: int = 1,
    span: tuple[int, int] | None = None,
) -> CodingRow:
    return CodingRow(
        id=n, uid=f"u{segment_id}-{code}-{coder}-{n}", transcript_id="P07",
        segment_id=segment_id, line=segment_id - 99,
        span_start=span[0] if span else None, span_end=span[1] if span else None,
        code_id=code, coder=coder, codebook_version=1, source="hand", score=None,
        model=None, origin=None, memo=None, orphaned=False, created_at="2026-01-01",
    )  # fmt: skip


def lines_of(state: CodingState, moves: list[int]) -> list[int]:
    out = []
    for delta in moves:
        state.move(delta)
        out.append(state.current.line)
    return out


# -- starting and moving -----------------------------------------------------------------
def test_starts_on_first_codable_line() -> None:
    assert CodingState(segments()).current.line == 2


def test_resumes_at_last_line_or_the_next_codable_one() -> None:
    assert CodingState(segments(), start_line=6).current.line == 6
    assert CodingState(segments(), start_line=4).current.line == 5
    assert CodingState(segments(), start_line=7).current.line == 8
    assert CodingState(segments(), start_line=99).current.line == 8


def test_moving_skips_interviewer_lines_and_stops_at_the_ends() -> None:
    state = CodingState(segments())
    assert lines_of(state, [1, 1, 1, 1, 1, -1, -5]) == [3, 5, 6, 8, 8, 6, 2]


def test_moving_can_stop_on_interviewer_lines() -> None:
    state = CodingState(segments(), skip_uncodable=False)
    assert state.current.line == 1
    assert lines_of(state, [1, 1, 1]) == [2, 3, 4]


def test_edges() -> None:
    state = CodingState(segments())
    assert state.move_edge(last=True) == (1, 7)
    assert state.move_edge(last=False) == (7, 1)


def test_goto_line_reaches_any_line_and_refuses_missing_ones() -> None:
    state = CodingState(segments())
    assert state.goto_line(7) == (1, 6)
    assert state.current.line == 7
    assert state.goto_line(42) is None
    assert state.current.line == 7


def test_next_and_previous_uncoded() -> None:
    rows = segments()
    state = CodingState(rows, own=[coding(rows[2].id), coding(rows[4].id)])  # lines 3, 5
    assert state.next_uncoded() == (1, 5)
    assert state.current.line == 6
    assert state.next_uncoded() == (5, 7)
    assert state.next_uncoded() is None
    assert state.next_uncoded(forward=False) == (7, 5)
    assert state.next_uncoded(forward=False) == (5, 1)
    assert state.next_uncoded(forward=False) is None


def test_empty_transcript_is_harmless() -> None:
    state = CodingState([])
    assert state.empty
    assert state.move(1) == (0, 0)
    assert state.next_uncoded() is None
    assert state.progress() == (0, 0)


# -- selection -------------------------------------------------------------------------
def test_selection_targets_only_codable_lines() -> None:
    state = CodingState(segments())
    assert state.targets() == [state.segments[1]]
    state.toggle_selection()
    state.move(2)  # lines 2..5
    assert state.selection() == range(1, 5)
    assert [s.line for s in state.targets()] == [2, 3, 5]
    assert state.toggle_selection() == range(1, 5)
    assert state.selection() is None


def test_extend_starts_a_selection_and_follows_upwards() -> None:
    state = CodingState(segments(), start_line=6)
    state.extend(-1)
    assert state.selection() == range(4, 6)
    assert state.clear_selection() == range(4, 6)
    assert state.selection() is None


# -- toggling --------------------------------------------------------------------------
def test_plan_applies_where_missing_and_removes_when_all_have_it() -> None:
    rows = segments()
    existing = coding(rows[1].id)
    state = CodingState(rows, own=[existing])
    state.toggle_selection()
    state.move(1)  # lines 2 and 3
    plan = state.plan_toggle("gap")
    assert ([s.line for s in plan.apply_to], plan.remove) == ([3], [])
    state.note(Change("apply", coding(rows[2].id)))
    plan = state.plan_toggle("gap")
    assert (plan.apply_to, [r.line for r in plan.remove]) == ([], [2, 3])


def test_span_codings_do_not_count_as_whole_line() -> None:
    rows = segments()
    state = CodingState(rows, own=[coding(rows[1].id, span=(3, 9))])
    plan = state.plan_toggle("gap")
    assert [s.line for s in plan.apply_to] == [2]


def test_interviewer_line_cannot_be_planned() -> None:
    state = CodingState(segments(), skip_uncodable=False)
    with pytest.raises(CodingError, match="Interviewer lines cannot be coded"):
        state.plan_toggle("gap")


# -- progress, undo and redo -------------------------------------------------------------
def test_progress_counts_codable_lines_with_own_codings() -> None:
    rows = segments()
    state = CodingState(rows, own=[coding(rows[1].id), coding(rows[1].id, "options")])
    assert state.progress() == (1, 5)
    state.record([Change("apply", coding(rows[4].id))])
    assert state.progress() == (2, 5)
    state.record([Change("remove", coding(rows[1].id))])
    assert state.progress() == (2, 5)  # "options" is still there
    state.record([Change("remove", coding(rows[1].id, "options"))])
    assert state.progress() == (1, 5)


def test_undo_redo_groups() -> None:
    rows = segments()
    state = CodingState(rows)
    group = [Change("apply", coding(rows[1].id)), Change("apply", coding(rows[2].id))]
    assert state.record(group) == [1, 2]
    taken = state.take_undo()
    assert taken == group
    reversed_group = [Change("remove", c.coding) for c in reversed(group)]
    assert state.finish_undo(reversed_group) == [2, 1]
    assert state.progress() == (0, 5)
    assert state.take_undo() is None
    redo = state.take_redo()
    assert redo == reversed_group
    state.finish_redo([Change("apply", c.coding) for c in group])
    assert state.progress() == (2, 5)
    assert len(state.undo_stack) == 1 and state.redo_stack == []


def test_new_action_clears_redo() -> None:
    rows = segments()
    state = CodingState(rows)
    state.record([Change("apply", coding(rows[1].id))])
    state.finish_undo([Change("remove", coding(rows[1].id))] if state.take_undo() else [])
    assert len(state.redo_stack) == 1
    state.record([Change("apply", coding(rows[2].id))])
    assert state.redo_stack == []


# -- blind filter, spans, memos ----------------------------------------------------------
def test_split_codings_is_blind_unless_asked() -> None:
    mine, theirs = coding(101), coding(101, coder="bob", n=2)
    assert split_codings([mine, theirs], "alice", show_others=False) == ([mine], [])
    assert split_codings([mine, theirs], "alice", show_others=True) == ([mine], [theirs])


def test_locate_words_gives_absolute_offsets() -> None:
    row = segments()[1]  # "Line 2 says the pilot filled a gap." starting after line 1
    start, end = locate_words(row, "  the PILOT ")
    assert (start - row.start, end - row.start) == (12, 21)
    assert row.text[start - row.start : end - row.start] == "the pilot"


def test_locate_words_refuses_missing_or_empty_words() -> None:
    row = segments()[1]
    with pytest.raises(CodingError, match="'waiting list' is not in line 2."):
        locate_words(row, "waiting list")
    with pytest.raises(CodingError, match="No words were typed."):
        locate_words(row, "   ")


def test_pending_span_is_dropped_when_moving() -> None:
    state = CodingState(segments())
    state.set_pending_span("pilot")
    assert state.pending_span is not None
    state.move(1)
    assert state.pending_span is None


def test_memos_and_exemplars() -> None:
    state = CodingState(segments(), memos={101: "check"}, exemplars={102})
    state.set_memo(101, None)
    state.set_memo(104, "contrast with P03")
    state.set_exemplar(102, False)
    state.set_exemplar(105, True)
    assert (state.memos, state.exemplars) == ({104: "contrast with P03"}, {105})


# -- invariants ------------------------------------------------------------------------
@given(
    codable=st.lists(st.booleans(), min_size=1, max_size=30),
    moves=st.lists(st.integers(min_value=-5, max_value=5), max_size=30),
    skip=st.booleans(),
)
def test_cursor_stays_in_range_and_on_codable_lines_when_skipping(
    codable: list[bool], moves: list[int], skip: bool
) -> None:
    state = CodingState(segments(codable), skip_uncodable=skip)
    for delta in moves:
        state.move(delta)
        assert 0 <= state.cursor < len(codable)
        if skip and any(codable):
            assert state.current.codable


@given(
    codable=st.lists(st.booleans(), min_size=1, max_size=20),
    coded=st.sets(st.integers(min_value=0, max_value=19)),
)
def test_next_uncoded_lands_on_an_uncoded_codable_line(
    codable: list[bool], coded: set[int]
) -> None:
    rows = segments(codable)
    own = [coding(rows[i].id) for i in coded if i < len(rows)]
    state = CodingState(rows, own=own)
    moved = state.next_uncoded()
    if moved is None:
        after = [i for i in range(state.cursor + 1, len(rows)) if codable[i]]
        assert all(i in coded for i in after)
    else:
        assert state.current.codable and not state.is_coded(state.cursor)
        assert state.cursor > moved[0]
