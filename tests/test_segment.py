"""Segmentation: units, line numbers, offsets, interviewer segments, content hash."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from themekit.errors import ThemekitError
from themekit.model.transcripts import ImportSettings, ParsedTranscript, Segment, Turn
from themekit.transcripts.readers import read_transcript
from themekit.transcripts.segment import content_hash, segment_transcript
from themekit.transcripts.speakers import detect_turns

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"

TEXT = (
    "Focus group notes\n"
    "Interviewer: What worked? Be honest.\n"
    "P02: The court liked it. Dr. Patel joined in Jan. 2020 and\n"
    "it grew from there!\n"
    "\n"
    "Really grew.\n"
)


def parse(text: str, source_format: str = "txt") -> ParsedTranscript:
    return ParsedTranscript(text, detect_turns(text), source_format)


def units(text: str, unit: str, source_format: str = "txt") -> list[tuple[int, str | None, str]]:
    segments = segment_transcript(parse(text, source_format), ImportSettings(unit=unit))
    return [(segment.line, segment.speaker, segment.text) for segment in segments]


def test_sentence_unit_is_the_default_and_keeps_abbreviations_together() -> None:
    segments = segment_transcript(parse(TEXT), ImportSettings())
    assert [(s.line, s.speaker, s.turn_index, s.text, s.codable) for s in segments] == [
        (1, None, 0, "Focus group notes", False),  # header before the first label
        (2, "Interviewer", 1, "What worked?", False),
        (3, "Interviewer", 1, "Be honest.", False),
        (4, "P02", 2, "The court liked it.", True),
        (5, "P02", 2, "Dr. Patel joined in Jan. 2020 and", True),
        (6, "P02", 2, "it grew from there!", True),
        (7, "P02", 2, "Really grew.", True),
    ]
    assert segments[3] == Segment(4, "P02", 2, 60, 79, "The court liked it.", True)


def test_turn_unit() -> None:
    assert units(TEXT, "turn") == [
        (1, None, "Focus group notes"),
        (2, "Interviewer", "What worked? Be honest."),
        (
            3,
            "P02",
            "The court liked it. Dr. Patel joined in Jan. 2020 and\nit grew from there!"
            "\n\nReally grew.",
        ),
    ]


def test_line_unit() -> None:
    assert units(TEXT, "line") == [
        (1, None, "Focus group notes"),
        (2, "Interviewer", "What worked? Be honest."),
        (3, "P02", "The court liked it. Dr. Patel joined in Jan. 2020 and"),
        (4, "P02", "it grew from there!"),
        (5, "P02", "Really grew."),
    ]


def test_paragraph_unit_in_plain_text_is_one_line() -> None:
    assert units(TEXT, "paragraph") == units(TEXT, "line")


def test_paragraph_unit_in_markdown_is_separated_by_blank_lines() -> None:
    assert units(TEXT, "paragraph", "md")[2:] == [
        (3, "P02", "The court liked it. Dr. Patel joined in Jan. 2020 and\nit grew from there!"),
        (4, "P02", "Really grew."),
    ]


def test_markdown_sentence_runs_across_a_wrapped_line() -> None:
    assert units(TEXT, "sentence", "md")[4] == (
        5,
        "P02",
        "Dr. Patel joined in Jan. 2020 and\nit grew from there!",
    )


def test_unknown_unit_is_an_error() -> None:
    with pytest.raises(ThemekitError) as caught:
        segment_transcript(parse(TEXT), ImportSettings(unit="word"))
    assert caught.value.message == "unknown segment unit 'word'"
    assert caught.value.hint == (
        "Set [import] unit in themekit.toml to one of: sentence, turn, paragraph, line."
    )


def test_interviewer_labels_are_configurable_and_case_insensitive() -> None:
    text = "MODERATOR: Hi.\nQ: Why?\nA: Because.\n"
    default = segment_transcript(parse(text), ImportSettings())
    # The default list stands for the built-in interviewer roles, Q among them.
    assert [s.codable for s in default] == [False, False, True]
    custom = segment_transcript(parse(text), ImportSettings(interviewer_labels=("q",)))
    assert [(s.line, s.speaker, s.codable) for s in custom] == [
        (1, "MODERATOR", True),
        (2, "Q", False),
        (3, "A", True),
    ]


def test_timestamps_come_from_the_turn() -> None:
    parsed = read_transcript(FIXTURES / "teams_voice.vtt", ImportSettings())
    segments = segment_transcript(parsed, ImportSettings())
    assert [(s.line, s.speaker, s.text, s.time_start, s.time_end) for s in segments] == [
        (1, "Sam Ortiz", "Thanks for joining.", 1.0, 6.0),
        (2, "Sam Ortiz", "Could you tell me about the referral process?", 1.0, 6.0),
        (3, "Dr Priya Nair", "Sure.", 7.25, 65.75),
        (4, "Dr Priya Nair", "Referrals come from the liaison team & the courts.", 7.25, 65.75),
        (5, "Dr Priya Nair", "It mostly works.", 7.25, 65.75),
    ]


def test_curly_quotes_and_nbsp_survive_segmentation() -> None:
    parsed = read_transcript(FIXTURES / "p01_plain.txt", ImportSettings())
    texts = [s.text for s in segment_transcript(parsed, ImportSettings())]
    assert "I’ve worked on the MHTR pilot since it began\u00a0— nearly two years now." in texts
    assert (
        texts[-1] == "Before the pilot we had nowhere to send people; the “treatment gap” was real."
    )


def test_empty_transcript_gives_no_segments() -> None:
    assert segment_transcript(ParsedTranscript("", [], "txt"), ImportSettings()) == []


def test_overlong_paragraph_from_another_reader_is_cut_not_rejected() -> None:
    # Readers reject such lines, but a ParsedTranscript may come from elsewhere (e.g. REFI).
    sentence = "word " * 199_999 + "end. "
    text = sentence * 2
    parsed = ParsedTranscript(text, [Turn("P1", 0, len(text.rstrip()))], "txt")
    segments = segment_transcript(parsed, ImportSettings())
    assert segments[0].start == 0
    assert segments[-1].end == len(text.rstrip())
    assert all(s.text == text[s.start : s.end] for s in segments)
    assert "".join(s.text for s in segments).replace(" ", "") == text.replace(" ", "")


def test_content_hash_is_sha256_of_utf8() -> None:
    assert content_hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert content_hash("R: café") != content_hash("R: cafe")
    assert len(content_hash(TEXT)) == 64


# --- the offsets invariant, for any text ------------------------------------------------------

LINE_PIECES = st.sampled_from(
    [
        "Interviewer: ",
        "I: ",
        "P01: ",
        "[Sam] ",
        "Dr Sarah Khan: ",
        "The thing is: ",
        "",
        "  ",
        "\u00a0",
        "Yes. ",
        "No! ",
        "Dr. Who? ",
        "“quoted” — ",
        "...",
        "\t",
        "word ",
    ]
)
LINES = st.lists(
    st.one_of(
        st.lists(LINE_PIECES, max_size=6).map("".join),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    ),
    max_size=12,
)


def check_invariants(parsed: ParsedTranscript, segments: list[Segment]) -> None:
    previous_end = 0
    for number, segment in enumerate(segments, start=1):
        assert segment.line == number
        assert segment.text == parsed.text[segment.start : segment.end]
        assert segment.text == segment.text.strip() and segment.text
        assert segment.start >= previous_end
        turn = parsed.turns[segment.turn_index]
        assert turn.start <= segment.start and segment.end <= turn.end
        assert segment.speaker == turn.speaker
        previous_end = segment.end


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=LINES, unit=st.sampled_from(["sentence", "turn", "paragraph", "line"]))
def test_segments_point_into_the_text_in_order_without_overlap(lines: list[str], unit: str) -> None:
    text = "\n".join(lines).replace("\r", "\n")
    for source_format in ("txt", "md"):
        parsed = parse(text, source_format)
        check_invariants(parsed, segment_transcript(parsed, ImportSettings(unit=unit)))


@settings(max_examples=100, deadline=None)
@given(lines=LINES)
def test_turns_cover_all_non_whitespace_text_outside_labels(lines: list[str]) -> None:
    text = "\n".join(lines).replace("\r", "\n")
    parsed = parse(text)
    previous_end = 0
    for turn in parsed.turns:
        assert previous_end <= turn.start < turn.end
        speech = text[turn.start : turn.end]
        assert speech == speech.strip()
        previous_end = turn.end
    # every segment's words are in some turn, and turns together hold all the sentence text
    sentences = segment_transcript(parsed, ImportSettings())
    covered = "".join(s.text for s in sentences)
    spoken = "".join(text[t.start : t.end] for t in parsed.turns)
    assert "".join(covered.split()) == "".join(spoken.split())


@settings(max_examples=60, deadline=None)
@given(
    turns=st.lists(
        st.tuples(
            st.sampled_from(["Interviewer", "P01", "Sam Ortiz"]),
            st.lists(
                st.sampled_from(["Yes.", "It was hard", "no", "Why?", "so\u00a0on"]), min_size=1
            ),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_vtt_round_trip_invariants(
    tmp_path_factory: pytest.TempPathFactory, turns: list[tuple[str, list[str]]]
) -> None:
    cues = ["WEBVTT", ""]
    second = 0
    for speaker, pieces in turns:
        for piece in pieces:
            cues += [
                f"00:00:{second:02d}.000 --> 00:00:{second + 1:02d}.000",
                f"<v {speaker}>{piece}",
                "",
            ]
            second = (second + 1) % 58
    path = tmp_path_factory.mktemp("vtt") / "t.vtt"
    path.write_text("\n".join(cues), encoding="utf-8")
    parsed = read_transcript(path, ImportSettings())
    for unit in ("sentence", "turn"):
        check_invariants(parsed, segment_transcript(parsed, ImportSettings(unit=unit)))
    merged = [turns[0][0]]
    for speaker, _ in turns[1:]:
        if speaker != merged[-1]:
            merged.append(speaker)
    assert [turn.speaker for turn in parsed.turns] == merged
    assert "  " not in parsed.text


def test_unlabelled_transcript_stays_codable() -> None:
    segments = segment_transcript(parse("It started slowly. Then it grew.\n"), ImportSettings())
    assert [(s.speaker, s.codable) for s in segments] == [(None, True), (None, True)]


def test_bracket_and_quote_stay_with_their_sentence() -> None:
    text = (
        "P01: It was a mess on the floor. [laughs] No, that\u2019s unfair."
        " I said \u201cMild\u201d.\n"
    )
    assert units(text, "sentence") == [
        (1, "P01", "It was a mess on the floor."),
        (2, "P01", "[laughs] No, that\u2019s unfair."),
        (3, "P01", "I said \u201cMild\u201d."),
    ]
    quoted = 'P01: She told us what we hear. "She didn\'t judge me." That mattered.\n'
    assert [t for _, _, t in units(quoted, "sentence")][:2] == [
        "She told us what we hear.",
        '"She didn\'t judge me."',
    ]
