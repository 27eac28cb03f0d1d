"""Position conventions of REFI-QDA selections: conversion, detection, checking."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from themekit.refi.positions import (
    Convention,
    OffsetMap,
    Selection,
    SourceText,
    all_conventions,
    check_selection,
    detect_convention,
    from_utf16_crlf,
    name_matches_text,
    to_utf16_crlf,
)

RAW = "Hi \U0001f642 there.\r\nSecond line\rthird\n"


def test_source_text_normalises_line_breaks_and_remembers_crlf() -> None:
    text = SourceText.from_raw(RAW)
    assert text.canonical == "Hi \U0001f642 there.\nSecond line\nthird\n"
    assert text.crlf_breaks == frozenset({11})  # only the CRLF, not the lone CR or LF
    assert text.has_astral


INCLUSIVE = Convention(inclusive_end=True)


def test_conventions_collapse_when_the_text_cannot_tell_them_apart() -> None:
    assert SourceText.from_raw("plain\ntext").conventions() == [Convention.CODEPOINTS, INCLUSIVE]
    assert SourceText.from_raw("a\r\nb").conventions() == [
        Convention.CODEPOINTS,
        Convention.CODEPOINTS_CRLF,
        INCLUSIVE,
        Convention(crlf=True, inclusive_end=True),
    ]
    assert SourceText.from_raw("\U0001f642").conventions() == [
        Convention.CODEPOINTS,
        Convention.UTF16,
        INCLUSIVE,
        Convention(utf16=True, inclusive_end=True),
    ]
    assert len(SourceText.from_raw(RAW).conventions()) == 8
    # A counted byte-order mark is tried only where the file had one.
    with_bom = SourceText.from_raw("\ufeffplain\ntext")
    assert (with_bom.canonical, with_bom.bom) == ("plain\ntext", True)
    assert with_bom.conventions()[2] == Convention(bom=True)


def test_utf16_crlf_offsets_count_surrogates_and_crlf_as_two() -> None:
    offsets = OffsetMap(SourceText.from_raw(RAW), Convention.UTF16_CRLF)
    # canonical: H0 i1 _2 emoji3 _4 t5 ... .10 \n11 S12
    assert [offsets.to_external(i) for i in (0, 3, 4, 11, 12)] == [0, 3, 5, 12, 14]
    assert offsets.length == len(RAW.encode("utf-16-le")) // 2
    assert offsets.to_canonical(5) == 4
    assert offsets.to_canonical(4) is None  # between the two halves of the emoji
    assert offsets.to_canonical(13) is None  # between CR and LF
    assert offsets.to_canonical(offsets.length + 1) is None
    assert to_utf16_crlf(RAW, 12) == 14
    assert from_utf16_crlf(RAW, 14) == 12


def test_identity_convention_maps_every_offset_to_itself() -> None:
    offsets = OffsetMap(SourceText.from_raw("abc"), Convention.UTF16_CRLF)
    assert [offsets.to_canonical(i) for i in range(5)] == [0, 1, 2, 3, None]


@given(st.lists(st.sampled_from(["a", " ", "\n", "\r\n", "\r", "\U0001f642", "\u00e9"])))
def test_every_canonical_offset_round_trips_in_every_convention(pieces: list[str]) -> None:
    text = SourceText.from_raw("".join(pieces))
    for convention in all_conventions():
        if convention.bom or convention.inclusive_end:
            continue  # shifts of these maps, tested below
        offsets = OffsetMap(text, convention)
        externals = [offsets.to_external(i) for i in range(len(text.canonical) + 1)]
        assert externals == sorted(set(externals))  # strictly increasing
        assert [offsets.to_canonical(e) for e in externals] == list(range(len(text.canonical) + 1))
        assert offsets.length == externals[-1]


@given(st.lists(st.sampled_from(["ab", " ", "\r\n", "\U0001f642", "x."]), min_size=1))
def test_utf16_crlf_matches_python_utf16_of_the_raw_text(pieces: list[str]) -> None:
    raw = "".join(pieces)
    text = SourceText.from_raw(raw)
    offsets = OffsetMap(text, Convention.UTF16_CRLF)
    # Every canonical offset counted NVivo's way is the UTF-16 length of the raw prefix.
    raw_index = 0
    for index in range(len(text.canonical) + 1):
        expected = len(raw[:raw_index].encode("utf-16-le")) // 2
        assert offsets.to_external(index) == expected
        if index < len(text.canonical):
            raw_index += 2 if raw.startswith("\r\n", raw_index) else 1


def test_name_matching_ignores_case_space_and_a_truncating_ellipsis() -> None:
    assert name_matches_text("keep  People", "keep people engaged")
    assert name_matches_text("We try to keep peop\u2026", "We try to keep people engaged first.")
    assert name_matches_text("We try...", "We try to")
    assert not name_matches_text("people", "keep people")
    assert not name_matches_text("", "anything")
    assert not name_matches_text(None, "anything")


def _nvivo_selection(raw: str, words: str) -> Selection:
    text = SourceText.from_raw(raw)
    start = text.canonical.index(words)
    offsets = OffsetMap(text, Convention.UTF16_CRLF)
    return Selection(offsets.to_external(start), offsets.to_external(start + len(words)))


def test_detection_by_word_boundaries_without_names() -> None:
    raw = (
        "Q: Why?\r\nA: Because the \U0001f642 nurse came.\r\n"
        "A: Then the flat \U0001f3e0 arrived.\r\n"
    )
    selections = [_nvivo_selection(raw, w) for w in ("nurse came", "the flat", "arrived")]
    found = detect_convention(SourceText.from_raw(raw), selections)
    assert found.convention is Convention.UTF16_CRLF
    assert (found.fitting, found.total, found.names_are_text) == (3, 3, False)


def test_detection_by_names_beats_word_boundaries() -> None:
    raw = "one two\r\nthree four\r\nfive six\r\n"
    # Counted as code points with CRLF as two: "four" is at 15-19, "six" at 26-29.
    selections = [Selection(15, 19, "four"), Selection(26, 29, "six")]
    found = detect_convention(SourceText.from_raw(raw), selections)
    assert found.convention is Convention.CODEPOINTS_CRLF
    assert found.names_are_text


def test_a_coincidental_name_match_does_not_turn_on_name_checking() -> None:
    text = SourceText.from_raw("Ann: yes\nBob: no\nAnn: maybe\n")
    selections = [Selection(0, 3, "Ann"), Selection(5, 8, "Q1"), Selection(14, 16, "Q2")]
    found = detect_convention(text, selections)
    assert found.convention is Convention.CODEPOINTS
    assert not found.names_are_text


def test_check_selection_reports_why_a_selection_does_not_fit() -> None:
    offsets = OffsetMap(SourceText.from_raw(RAW), Convention.UTF16_CRLF)
    assert check_selection(offsets, Selection(0, 2), names_are_text=False).span == (0, 2)
    assert check_selection(offsets, Selection(5, 99), names_are_text=False).problem == (
        "positions 5-99 end past the text (32 characters counted as UTF-16 units, CRLF as two)"
    )
    assert check_selection(offsets, Selection(4, 6), names_are_text=False).problem == (
        "positions 4-6 cut a character in two (counted as UTF-16 units, CRLF as two)"
    )
    assert check_selection(offsets, Selection(6, 6), names_are_text=False).problem == (
        "positions 6-6 select nothing"
    )
    assert check_selection(offsets, Selection(0, 2, "Ho"), names_are_text=True).problem == (
        "positions 0-2 select text that differs from the selection's name"
    )
    placed = check_selection(offsets, Selection(0, 2, "Hi"), names_are_text=True)
    assert (placed.span, placed.name_matches) == ((0, 2), True)


TALK = "Ann: we kept going.\nBob: the nurse came back.\nAnn: then the money ran out.\n"


def _words(*phrases: str) -> list[tuple[int, int]]:
    return [(TALK.index(p), TALK.index(p) + len(p)) for p in phrases]


def test_an_inclusive_end_is_detected_by_tight_word_edges() -> None:
    spans = _words("kept going", "nurse", "the money ran out")
    inclusive = [Selection(s, e - 1) for s, e in spans]  # the last character's position
    found = detect_convention(SourceText.from_raw(TALK), inclusive)
    assert found.convention == Convention(inclusive_end=True)
    exclusive = [Selection(s, e) for s, e in spans]
    assert detect_convention(SourceText.from_raw(TALK), exclusive).convention is (
        Convention.CODEPOINTS
    )


def test_a_counted_byte_order_mark_is_detected_and_converted() -> None:
    text = SourceText.from_raw(TALK, bom=True)
    spans = _words("kept going", "nurse", "the money ran out")
    found = detect_convention(text, [Selection(s + 1, e + 1) for s, e in spans])
    assert found.convention == Convention(bom=True)
    offsets = OffsetMap(text, found.convention)
    assert offsets.to_canonical(0) is None  # the mark itself
    placed = check_selection(
        offsets, Selection(spans[1][0] + 1, spans[1][1] + 1), names_are_text=False
    )
    assert placed.span == spans[1] and placed.exact


def test_one_misfit_cannot_outvote_the_selections_that_land_on_words() -> None:
    raw = TALK.replace("\n", "\r\n").replace("going", "going \U0001f642")
    text = SourceText.from_raw(raw)
    nvivo = OffsetMap(text, Convention.UTF16_CRLF)
    phrases = ["we kept going", "the nurse came back", "then the money ran out", "Bob"]
    selections = []
    for phrase in phrases:
        start = text.canonical.index(phrase)
        selections.append(
            Selection(nvivo.to_external(start), nvivo.to_external(start + len(phrase)))
        )
    # The last one ends between the CR and the LF after "back.": it fits no counting
    # in which the others land on words; counted as code points every one "fits".
    end_of_line = text.canonical.index("back.") + len("back.")
    selections.append(Selection(selections[1].start, nvivo.to_external(end_of_line) + 1))
    found = detect_convention(text, selections)
    assert found.convention is Convention.UTF16_CRLF
    assert check_selection(nvivo, selections[-1], names_are_text=False).span is None
    snapped = check_selection(nvivo, selections[-1], names_are_text=False, snap=True)
    assert snapped.snapped and snapped.span is not None
    assert text.canonical[snapped.span[0] : snapped.span[1]] == "the nurse came back."
