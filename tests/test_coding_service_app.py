"""``CodingSession``'s methods for the terminal app: reads, group writes, bookkeeping.

The coding screen reaches the store only through these; the pilot tests drive them
through the keys, these check the all-or-nothing promises and the blind filter directly.
"""

from __future__ import annotations

import pytest

from helpers_coding import build_study, database_snapshot
from themekit.coding.service import CodingSession
from themekit.errors import CodingError
from themekit.project import Project


@pytest.fixture
def ana(project: Project) -> CodingSession:
    build_study(project)
    return CodingSession(project, "ana")


def _suggest(session: CodingSession, line: int, learned_from: str) -> int:
    segment = session.segment("P01", line)
    session.store.replace_suggestions(
        [segment.id],
        [
            (segment.id, "benefits.gap", 0.8, "close to 2 coded lines"),
            (segment.id, "challenges.funding", 0.4, "close to 1 coded line"),
        ],
        model="fake-embedder/v1",
        learned_from=learned_from,
    )
    return segment.id


def test_open_transcript_is_blind_unless_others_are_shown(ana: CodingSession) -> None:
    ben = CodingSession(ana.project, "ben")
    ben.apply(ben.segment("P01", 2), "other")
    ana.apply(ana.segment("P01", 3), "benefits.gap")
    ana.set_exemplar(ana.segment("P01", 4), True)
    ana.set_exemplar(ana.segment("P02", 2), True)  # another transcript: left out
    ana.set_segment_memo(ana.segment("P01", 6), "funding worry")
    ana.save_position("P01", 6)
    ana.set_done("P01")

    blind = ana.open_transcript("P01", show_others=False)
    assert [(c.coder, c.line) for c in blind.codings] == [("ana", 3)]
    assert [s.line for s in blind.segments] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert blind.exemplars == {ana.segment("P01", 4).id}
    assert blind.memos == {ana.segment("P01", 6).id: "funding worry"}
    assert (blind.last_line, blind.done, blind.has_suggestions) == (6, True, False)
    assert blind.roles == {("Interviewer", False): "", ("Officer", True): "Probation Service"}

    shown = ana.open_transcript("P01", show_others=True)
    assert sorted((c.coder, c.line) for c in shown.codings) == [("ana", 3), ("ben", 2)]
    # Opening reads only: nothing was logged for looking.
    assert ana.store.audit_entries(action="coding.show_others") == []
    ana.log_show_others("P01")
    [entry] = ana.store.audit_entries(action="coding.show_others")
    assert (entry.actor, entry.details) == ("ana", {"transcript": "P01"})


def test_apply_and_remove_is_all_or_nothing(ana: CodingSession) -> None:
    ben = CodingSession(ana.project, "ben")
    bens = ben.apply(ben.segment("P01", 7), "benefits.gap")
    assert bens is not None
    before = database_snapshot(ana.project)
    segments = [ana.segment("P01", 2), ana.segment("P01", 3)]
    with pytest.raises(CodingError, match="belongs to ben, not ana"):
        ana.apply_and_remove("benefits.gap", apply_to=segments, remove=[bens.coding])
    assert database_snapshot(ana.project) == before

    changes = ana.apply_and_remove("benefits.gap", apply_to=segments)
    assert [(c.kind, c.coding.line) for c in changes] == [("apply", 2), ("apply", 3)]
    again = ana.apply_and_remove("benefits.gap", apply_to=segments[:1])
    assert again == []  # already there: no change to undo
    removed = ana.apply_and_remove("benefits.gap", remove=[c.coding for c in changes])
    assert [(c.kind, c.coding.line) for c in removed] == [("remove", 2), ("remove", 3)]
    assert [c.coder for c in ana.store.codings()] == ["ben"]


def test_reverse_all_undoes_a_group_last_first(ana: CodingSession) -> None:
    segments = [ana.segment("P01", 2), ana.segment("P01", 3)]
    applied = ana.apply_and_remove("other", apply_to=segments)
    undone = ana.reverse_all(applied)
    assert [(c.kind, c.coding.line) for c in undone] == [("remove", 3), ("remove", 2)]
    assert ana.store.codings() == []
    redone = ana.reverse_all(undone)
    assert [(c.kind, c.coding.line) for c in redone] == [("apply", 2), ("apply", 3)]
    assert [c.uid for c in ana.store.codings()] == [c.coding.uid for c in applied]


def test_reload_coding_sees_a_new_memo_and_a_removal(ana: CodingSession) -> None:
    change = ana.apply(ana.segment("P01", 2), "other")
    assert change is not None
    ana.set_coding_memo(change.coding, "first mention")
    fresh = ana.reload_coding(change.coding)
    assert fresh is not None and fresh.memo == "first mention"
    ana.remove_coding(fresh)
    assert ana.reload_coding(change.coding) is None


def test_suggestions_are_blind_and_leave_out_decided_ones(ana: CodingSession) -> None:
    segment = ana.segment("P01", 3)
    _suggest(ana, 3, learned_from="ben")
    assert ana.suggestions(segment, 5, show_others=False) == []
    assert [s[0] for s in ana.suggestions(segment, 5, show_others=True)] == [
        "benefits.gap",
        "challenges.funding",
    ]
    segment_id = _suggest(ana, 3, learned_from="codebook")
    rows = ana.suggestions(segment, 5, show_others=False)
    assert [(s[0], s[1]) for s in rows] == [("benefits.gap", 0.8), ("challenges.funding", 0.4)]

    change = ana.accept_suggestion(segment, "benefits.gap", 0.8, "fake-embedder/v1")
    assert change is not None
    assert (change.coding.source, change.coding.score) == ("suggestion", 0.8)
    ana.reject_suggestion(segment, "challenges.funding", 0.4, "fake-embedder/v1")
    assert ana.suggestions(segment, 5, show_others=False) == []
    decisions = ana.store.suggestion_decisions(segment_id=segment_id)
    assert [(d.code_id, d.coder, d.decision) for d in decisions] == [
        ("benefits.gap", "ana", "accepted"),
        ("challenges.funding", "ana", "rejected"),
    ]


def test_accept_suggestion_records_nothing_when_the_apply_fails(ana: CodingSession) -> None:
    segment = ana.segment("P01", 3)
    segment_id = _suggest(ana, 3, learned_from="codebook")
    with pytest.raises(CodingError, match="grouping node"):
        ana.accept_suggestion(segment, "benefits", 0.8, "fake-embedder/v1")
    assert ana.store.suggestion_decisions(segment_id=segment_id) == []


def test_progress_lists_only_this_coder(ana: CodingSession) -> None:
    ben = CodingSession(ana.project, "ben")
    ben.apply(ben.segment("P02", 2), "other")
    ana.apply(ana.segment("P01", 2), "other")
    ana.set_done("P01")
    rows = ana.progress()
    assert {row[0] for row in rows} == {"P01", "P02"}
    assert ("P01", 1, 6, True) in rows
    assert all(row[1] == 0 for row in rows if row[0] == "P02")
