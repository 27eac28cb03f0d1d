"""``CodingSession``: the coding actions every front end uses."""

from __future__ import annotations

import pytest

from helpers_coding import build_study, database_snapshot
from themekit.cli.hints import render_error
from themekit.coding.service import CodingSession
from themekit.errors import CodingError
from themekit.project import Project


@pytest.fixture
def ana(project: Project) -> CodingSession:
    build_study(project)
    return CodingSession(project, "ana")


def test_needs_a_coder_and_a_codebook(project: Project) -> None:
    with pytest.raises(CodingError) as info:
        CodingSession(project, "  ")
    assert str(info.value) == "A coder name is needed. Name the coder."
    assert render_error(info.value) == "A coder name is needed. Pass --coder NAME."
    with pytest.raises(CodingError) as info:
        CodingSession(project, "ana")
    assert str(info.value) == "No codebook is loaded in this project. Load a codebook first."
    assert render_error(info.value) == (
        "No codebook is loaded in this project. Load one with 'themekit codebook load FILE' first."
    )


def test_apply_is_recorded_with_audit(ana: CodingSession) -> None:
    change = ana.apply(ana.segment("P01", 3), "Benefits > Filling a previous gap in services")
    assert change is not None and change.kind == "apply"
    assert (change.coding.line, change.coding.code_id, change.coding.coder) == (
        3,
        "benefits.gap",
        "ana",
    )
    assert change.coding.codebook_version == 1
    (entry,) = ana.store.audit_entries(action="coding.apply")
    assert (entry.actor, entry.how, entry.codebook_version) == ("ana", "hand", 1)
    assert entry.details == {
        "transcript": "P01",
        "line": 3,
        "code": "benefits.gap",
        "coding": change.coding.uid,
    }


def test_apply_twice_returns_none_and_writes_nothing(ana: CodingSession) -> None:
    segment = ana.segment("P01", 3)
    ana.apply(segment, "benefits.gap")
    before = database_snapshot(ana.project)
    assert ana.apply(segment, "benefits.gap") is None
    assert database_snapshot(ana.project) == before


def test_look_up_errors(ana: CodingSession) -> None:
    with pytest.raises(CodingError) as info:
        ana.segment("P77", 1)
    assert render_error(info.value) == "No transcript 'P77'. See 'themekit transcripts list'."
    assert str(info.value) == (
        "No transcript 'P77'. Check the id against the project's transcripts."
    )
    with pytest.raises(CodingError) as info:
        ana.segment("P01", 99)
    assert render_error(info.value) == (
        "Transcript 'P01' has no line 99. See 'themekit transcripts show P01'."
    )
    assert str(info.value) == (
        "Transcript 'P01' has no line 99. Check the line against transcript 'P01'."
    )
    with pytest.raises(CodingError, match="Unknown code 'nope'"):
        ana.apply(ana.segment("P01", 2), "nope")
    with pytest.raises(CodingError) as info:
        ana.apply(ana.segment("P01", 2), "challenges")
    assert info.value.message == "Code 'Challenges' is a grouping node and cannot be applied."


def test_span_must_lie_inside_the_segment(ana: CodingSession) -> None:
    segment = ana.segment("P01", 2)
    with pytest.raises(CodingError, match=r"Span 0-5 is not inside line 2"):
        ana.apply(segment, "other", span=(0, 5))
    change = ana.apply(segment, "other", span=(segment.start, segment.start + 5))
    assert change is not None
    assert (change.coding.span_start, change.coding.span_end) == (
        segment.start,
        segment.start + 5,
    )
    # A whole-line coding with the same code is a different coding.
    assert ana.apply(segment, "other") is not None


def test_toggle_and_undo_restore_the_same_coding(ana: CodingSession) -> None:
    segment = ana.segment("P01", 4)
    applied = ana.toggle(segment, "benefits.options")
    assert applied is not None and applied.kind == "apply"
    removed = ana.toggle(segment, "benefits.options")
    assert removed is not None and removed.kind == "remove"
    assert ana.store.codings() == []
    restored = ana.reverse(removed)
    assert restored is not None
    (coding,) = ana.store.codings()
    assert (coding.uid, coding.created_at) == (applied.coding.uid, applied.coding.created_at)
    undone = ana.reverse(restored)
    assert undone is not None and undone.kind == "remove"
    assert ana.store.codings() == []
    actions = [e.action for e in ana.store.audit_entries() if e.action.startswith("coding.")]
    assert actions == ["coding.apply", "coding.remove", "coding.apply", "coding.remove"]


def test_remove_of_absent_coding_is_none(ana: CodingSession) -> None:
    assert ana.remove(ana.segment("P01", 2), "other") is None


def test_coders_cannot_remove_each_others_codings(ana: CodingSession) -> None:
    ben = CodingSession(ana.project, "ben")
    change = ben.apply(ben.segment("P02", 2), "benefits.options")
    assert change is not None
    with pytest.raises(CodingError) as info:
        ana.remove_coding(change.coding)
    assert info.value.message == f"Coding {change.coding.id} belongs to ben, not ana."
    # ana's remove by segment and code finds only ana's codings.
    assert ana.remove(ben.segment("P02", 2), "benefits.options") is None
    assert len(ana.store.codings()) == 1


def test_memos_exemplars_and_done(ana: CodingSession) -> None:
    segment = ana.segment("P01", 6)
    change = ana.apply(segment, "challenges.funding")
    assert change is not None
    ana.set_coding_memo(change.coding, "money only until March")
    ana.set_segment_memo(segment, "compare with P02")
    ana.set_exemplar(segment, True)
    ana.set_done("P01")
    store = ana.store
    assert store.codings()[0].memo == "money only until March"
    assert store.segment_memos("ana") == {("ana", segment.id): "compare with P02"}
    assert store.exemplars("ana") == {("ana", segment.id)}
    assert store.done_transcripts("ana") == {"P01"}
    ana.set_coding_memo(change.coding, "")
    ana.set_segment_memo(segment, None)
    ana.set_exemplar(segment, False)
    ana.set_done("P01", False)
    assert store.codings()[0].memo is None
    assert store.segment_memos("ana") == {}
    assert store.exemplars("ana") == set()
    assert store.done_transcripts("ana") == set()
    with pytest.raises(CodingError, match="No transcript 'P77'"):
        ana.set_done("P77")
