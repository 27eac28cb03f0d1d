"""The score scale: transcripts imported after suggestions were first computed do not move
the scores of the rest, until the user asks for a new scale (issue 17)."""

from __future__ import annotations

import json

import pytest

from helpers_suggest import add_transcript, build, code, load_codebook
from themekit.project import Project
from themekit.suggest.embedder import FakeEmbedder
from themekit.suggest.engine import (
    SCALE_KEY,
    CodeSuggestion,
    SegmentSuggestions,
    SuggestionEngine,
    SuggestRun,
)

# An interview from another study: nothing in it concerns the codebook.
UNRELATED = [
    ("R", "We planted tomatoes along the south wall of the allotment this spring.", 0),
    ("R", "The choir rehearses on Thursdays in the village hall.", 1),
    ("R", "My grandson repairs bicycles and sells them at the market.", 2),
    ("R", "Funding for the choir comes from ticket sales.", 3),
]


def scores(run) -> dict[tuple[str, int, str], float]:  # type: ignore[no-untyped-def]
    return {(s.transcript, s.line, g.code_id): g.score for s in run.segments for g in s.suggestions}


def only(found: dict[tuple[str, int, str], float], tid: str) -> dict[tuple[str, int, str], float]:
    return {k: v for k, v in found.items() if k[0] == tid}


def test_zero_shot_scores_do_not_move_when_an_unrelated_transcript_is_added(
    project: Project,
) -> None:
    build(project)
    before = SuggestionEngine(project, FakeEmbedder()).suggest(floor=0.0)
    assert before.scale is not None
    assert (before.scale.transcripts, before.scale.reset) == (("P01", "P02"), "new")
    assert json.loads(project.store.get_meta(SCALE_KEY) or "") == {"transcripts": ["P01", "P02"]}

    add_transcript(project, "Q01", UNRELATED)
    after = SuggestionEngine(project, FakeEmbedder()).suggest(floor=0.0)
    assert after.scale is not None
    assert (after.scale.transcripts, after.scale.outside, after.scale.reset) == (
        ("P01", "P02"),
        ("Q01",),
        "",
    )
    old, new = scores(before), scores(after)
    assert only(new, "Q01")  # the new transcript is scored
    # Equal up to float32 rounding (the matrix products see a different number of rows).
    assert {k: v for k, v in new.items() if k[0] != "Q01"} == pytest.approx(old, abs=1e-6)

    # Asked for, the scale takes the new transcript in, and the other scores move.
    rescaled = SuggestionEngine(project, FakeEmbedder()).suggest(floor=0.0, rescale=True)
    assert rescaled.scale is not None
    assert (rescaled.scale.transcripts, rescaled.scale.outside, rescaled.scale.reset) == (
        ("P01", "P02", "Q01"),
        (),
        "asked",
    )
    log = [(e.action, e.how) for e in project.store.audit_entries() if e.action == "suggest.scale"]
    assert log == [("suggest.scale", "new"), ("suggest.scale", "asked")]
    moved = scores(rescaled)
    assert moved.keys() >= old.keys()
    assert max(abs(moved[k] - old[k]) for k in old) > 0.01


def test_the_scale_does_not_hold_back_what_the_coder_teaches(project: Project) -> None:
    build(project)
    SuggestionEngine(project, FakeEmbedder()).suggest(floor=0.0)
    add_transcript(project, "Q01", UNRELATED)
    before = scores(SuggestionEngine(project, FakeEmbedder()).suggest(floor=0.0))
    # Codings in a transcript outside the scale are examples like any other.
    code(project, "ana", [("Q01", 4, "funding")])
    after = SuggestionEngine(project, FakeEmbedder()).suggest(learn_from="ana", floor=0.0)
    assert after.examples == 1
    assert max(abs(scores(after).get(k, 0.0) - v) for k, v in before.items()) > 0.01


def test_a_removed_member_leaves_the_scale_and_an_empty_scale_is_set_afresh(
    project: Project,
) -> None:
    build(project)
    engine = SuggestionEngine(project, FakeEmbedder())
    project.store.set_meta(SCALE_KEY, json.dumps({"transcripts": ["P01", "P09"]}))
    scale = engine.score_scale(["P01", "P02", "P02"])
    assert (scale.transcripts, scale.outside, scale.dropped, scale.reset) == (
        ("P01",),
        ("P02",),
        ("P09",),
        "",
    )
    assert json.loads(project.store.get_meta(SCALE_KEY) or "") == {"transcripts": ["P01"]}
    project.store.set_meta(SCALE_KEY, json.dumps({"transcripts": ["P09"]}))
    scale = engine.score_scale(["P01", "P02"])
    assert (scale.transcripts, scale.dropped, scale.reset) == (("P01", "P02"), (), "emptied")
    project.store.set_meta(SCALE_KEY, "not json")
    assert engine.score_scale(["P02"]).reset == "new"


def test_a_scale_computed_without_storing_is_not_saved(project: Project) -> None:
    build(project)
    SuggestionEngine(project, FakeEmbedder()).suggest(store=False)
    assert project.store.get_meta(SCALE_KEY) is None


def test_cli_says_when_the_scale_is_set_and_which_transcripts_are_outside_it(
    project: Project,
    cli,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("THEMEKIT_EMBEDDER", "fake")
    build(project)
    first = cli("suggest")
    assert first.exit_code == 0, first.output
    assert (
        "Score scale set on the 2 transcripts now in the project: transcripts imported"
        " later will not move these scores." in " ".join(first.stderr.split())
    )
    add_transcript(project, "Q01", UNRELATED)
    second = cli("suggest")
    assert second.exit_code == 0, second.output
    assert "Score scale" not in second.stderr
    assert (
        "1 transcript is scored but not in the score scale (imported after it was set):"
        " Q01. Run 'themekit suggest --rescale' to include it if it belongs to this"
        " study; the other scores will then change." in " ".join(second.stderr.split())
    )
    third = cli("suggest", "--rescale")
    assert third.exit_code == 0, third.output
    assert "Score scale set afresh on the 3 transcripts now in the project" in " ".join(
        third.stderr.split()
    )
    assert "not in the score scale" not in third.stderr


def _run_with_firsts(firsts: list[str | None], codes: int) -> SuggestRun:
    segments = [
        SegmentSuggestions(
            i,
            "P01",
            i + 1,
            "text",
            [] if c is None else [CodeSuggestion(c, f"T > {c}", c, 0.5, "definition")],
        )
        for i, c in enumerate(firsts)
    ]
    return SuggestRun(segments, "m", "all", 0, 0, 0, codes=codes)


def test_a_code_first_for_too_many_segments_is_reported() -> None:
    run = _run_with_firsts(["a"] * 7 + ["b"] * 6 + ["c"] * 6 + ["d"] * 1 + [None] * 5, codes=5)
    assert run.dominant_codes() == [("a", "T > a", 0.35)]
    assert run.dominant_codes(share=0.4) == []
    # Too few codes or segments to tell a broad code from a small study.
    assert _run_with_firsts(["a"] * 7 + ["b"] * 13, codes=4).dominant_codes() == []
    assert _run_with_firsts(["a"] * 19, codes=5).dominant_codes() == []


BROAD_BOOK = {
    "name": "Broad book",
    "codes": [
        {"id": "money", "label": "Money", "definition": "The budget, funding and money."},
        {"id": "homes", "label": "Homes", "definition": "Housing and hostel places."},
        {"id": "staff", "label": "Staff", "definition": "Psychologists and nurses."},
        {"id": "courts", "label": "Courts", "definition": "Judges, sentencing and court dates."},
        {"id": "training", "label": "Training", "definition": "Courses and training days."},
    ],
}


def test_cli_warns_when_one_code_is_first_nearly_everywhere(
    project: Project,
    cli,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("THEMEKIT_EMBEDDER", "fake")
    # Most lines mention the budget in passing; a few are about something else.
    lines = [("R", f"The budget for site {i} was cut again this year.", i) for i in range(18)]
    lines += [
        ("R", "A judge set the court date.", 20),
        ("R", "The judge moved the court date twice.", 21),
        ("R", "The hostel had places.", 22),
        ("R", "Two hostel places opened.", 23),
        ("R", "The nurses were overworked.", 24),
        ("R", "Psychologists and nurses left.", 25),
    ]
    add_transcript(project, "P01", lines)
    load_codebook(project, BROAD_BOOK)
    result = cli("suggest")
    assert result.exit_code == 0, result.output
    assert (
        "warning: 'Money' (money) is the first suggestion for 71% of the segments with one:"
        " its definition may be too broad to tell segments apart. Check a few of them"
        " (--format csv) and sharpen its definition, or code some examples."
        in " ".join(result.stderr.split())
    )
    assert result.stderr.count("warning: ") == 1


def test_evaluate_scales_on_the_same_transcripts_as_suggest(project: Project) -> None:
    from themekit.suggest.evaluate import evaluate_coder

    build(project)
    code(
        project,
        "ana",
        [("P01", 2, "funding"), ("P01", 4, "housing"), ("P02", 1, "staff"), ("P02", 2, "funding")],
    )
    SuggestionEngine(project, FakeEmbedder()).suggest()  # sets the scale on P01 and P02
    before = evaluate_coder(project, "ana", folds=2, embedder=FakeEmbedder())
    add_transcript(project, "Q01", UNRELATED)
    after = evaluate_coder(project, "ana", folds=2, embedder=FakeEmbedder())
    # Q01's four uncoded lines stay out of the codes' scale, as in suggest.
    assert before.background_segments == after.background_segments == 3
    assert (after.top1, after.top3, after.per_code) == (before.top1, before.top3, before.per_code)
    assert after.agreement == before.agreement
