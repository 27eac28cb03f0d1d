"""Re-anchoring codings onto a re-imported transcript."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from themekit.model.transcripts import Segment
from themekit.transcripts.anchor import Anchor, Reanchored, reanchor


def segments(*texts: str) -> list[Segment]:
    """Segments laid out one per line of a text, as a reader + segmenter would give."""
    result: list[Segment] = []
    position = 0
    for line, text in enumerate(texts, start=1):
        result.append(Segment(line, "P01", line - 1, position, position + len(text), text, True))
        position += len(text) + 1
    return result


OLD = segments(
    "We started the pilot in spring.",
    "Yeah.",
    "The referrals came from the liaison team.",
    "Yeah.",
    "Funding was the biggest worry for everyone.",
    "It ended in March.",
)


def test_unchanged_transcript_maps_every_line_to_itself() -> None:
    anchors = [Anchor(f"c{n}", n) for n in range(1, 7)]
    results = reanchor(OLD, anchors, OLD)
    assert [(r.key, r.line, r.method, r.score) for r in results] == [
        (f"c{n}", n, "identical", 1.0) for n in range(1, 7)
    ]


def test_inserted_lines_shift_identical_matches_and_duplicates_keep_their_place() -> None:
    new = segments(
        "Before we begin: consent is recorded.",
        "We started the pilot in spring.",
        "Yeah.",
        "The referrals came from the liaison team.",
        "Yeah.",
        "Funding was the biggest worry for everyone.",
        "It ended in March.",
    )
    results = reanchor(OLD, [Anchor("first-yeah", 2), Anchor("second-yeah", 4)], new)
    assert [(r.key, r.line, r.method) for r in results] == [
        ("first-yeah", 3, "identical"),
        ("second-yeah", 5, "identical"),
    ]


def test_span_is_kept_for_identical_match() -> None:
    new = segments("Intro.", *(s.text for s in OLD))
    (result,) = reanchor(OLD, [Anchor("c", 3, span_start=4, span_end=13)], new)
    assert result == Reanchored("c", 4, 4, 13, "identical", 1.0)
    assert new[3].text[4:13] == "referrals"


def test_edited_segment_is_matched_fuzzily_and_its_span_moves() -> None:
    new = segments(
        "We started the pilot in spring.",
        "Yeah.",
        "The referrals all came from the liaison team.",
        "Yeah.",
        "Funding was the biggest worry for everybody.",
        "It ended in March.",
    )
    anchors = [Anchor("liaison", 3, span_start=28, span_end=35), Anchor("funding", 5)]
    assert OLD[2].text[28:35] == "liaison"
    liaison, funding = reanchor(OLD, anchors, new)
    assert (liaison.line, liaison.method, liaison.span_start, liaison.span_end) == (
        3,
        "fuzzy",
        32,
        39,
    )
    assert new[2].text[32:39] == "liaison"
    assert round(liaison.score, 3) == 0.953
    assert (funding.line, funding.method, funding.span_start) == (5, "fuzzy", None)


def test_rewritten_segment_is_orphaned() -> None:
    new = segments(
        "We started the pilot in spring.",
        "Yeah.",
        "Nobody could say who was responsible for what.",
        "Yeah.",
        "Funding was the biggest worry for everyone.",
        "It ended in March.",
    )
    (result,) = reanchor(OLD, [Anchor("c", 3, 0, 3)], new)
    assert result == Reanchored("c", None, None, None, "orphaned", 0.0)


def test_unknown_old_line_is_orphaned() -> None:
    (result,) = reanchor(OLD, [Anchor("c", 99)], OLD)
    assert result.method == "orphaned" and result.line is None


def test_moved_passage_is_found_as_identical() -> None:
    new = segments(
        "It ended in March.",
        "We started the pilot in spring.",
        "Yeah.",
        "The referrals came from the liaison team.",
        "Yeah.",
        "Funding was the biggest worry for everyone.",
    )
    results = reanchor(OLD, [Anchor("end", 6), Anchor("start", 1)], new)
    assert [(r.key, r.line, r.method) for r in results] == [
        ("end", 1, "identical"),
        ("start", 2, "identical"),
    ]


def test_fuzzy_threshold_is_configurable() -> None:
    new = segments(*(s.text for s in OLD[:4]), "Funding worried everyone.", OLD[5].text)
    (strict,) = reanchor(OLD, [Anchor("f", 5)], new)
    (lenient,) = reanchor(OLD, [Anchor("f", 5)], new, threshold=0.5)
    assert strict.method == "orphaned"
    assert (lenient.line, lenient.method) == (5, "fuzzy")


def test_fuzzy_does_not_take_a_segment_that_matched_identically() -> None:
    old = segments("Staff were stretched.", "Staff were stretched thin.")
    new = segments("Staff were stretched.", "Something else entirely here.")
    (result,) = reanchor(old, [Anchor("thin", 2)], new)
    assert result.method == "orphaned"


def test_span_deleted_in_the_edit_becomes_whole_segment() -> None:
    old = segments("The panel met every single week in the town hall.")
    new = segments("The panel met every week in the town hall.")
    (result,) = reanchor(old, [Anchor("c", 1, span_start=20, span_end=27)], new)
    assert old[0].text[20:27] == "single "
    assert (result.line, result.method, result.span_start, result.span_end) == (
        1,
        "fuzzy",
        None,
        None,
    )


def test_reanchoring_a_large_transcript() -> None:
    texts = [f"Participant remark number {n} about services and funding." for n in range(3000)]
    old = segments(*texts)
    edited = [
        t.replace("services", "the services") if n % 3 == 0 else t for n, t in enumerate(texts)
    ]
    new = segments("A new opening line.", *edited)
    anchors = [Anchor(n, n + 1) for n in range(3000)]
    # Speed is measured in benchmarks/, never asserted here: a test must fail only for bugs.
    results = reanchor(old, anchors, new)
    assert [r.line for r in results] == [n + 2 for n in range(3000)]
    assert sum(r.method == "fuzzy" for r in results) == 1000


@settings(max_examples=80, deadline=None)
@given(
    texts=st.lists(
        st.sampled_from(["Yes.", "No.", "It was hard.", "We met.", "Why?"]), max_size=15
    ),
    inserted=st.lists(st.sampled_from(["New line.", "Another one."]), max_size=3),
    where=st.integers(min_value=0, max_value=15),
)
def test_insertions_never_orphan_or_misplace_unchanged_segments(
    texts: list[str], inserted: list[str], where: int
) -> None:
    old = segments(*texts)
    where = min(where, len(texts))
    new = segments(*texts[:where], *inserted, *texts[where:])
    results = reanchor(old, [Anchor(s.line, s.line) for s in old], new)
    for result, old_segment in zip(results, old, strict=True):
        assert result.method == "identical"
        assert result.line is not None
        assert new[result.line - 1].text == old_segment.text
    assert [r.line for r in results] == sorted(r.line for r in results if r.line is not None)
