"""Transcript readers: encodings, layouts, speaker labels, and every kind of bad input."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from themekit.errors import InputFileError, ThemekitError, TranscriptReadError
from themekit.model.transcripts import ImportSettings, ParsedTranscript, Turn
from themekit.transcripts.readers import SUPPORTED_EXTENSIONS, read_transcript
from themekit.transcripts.readers.common import MAX_LINE_CHARS
from themekit.transcripts.speakers import (
    compile_speaker_rule,
    is_interviewer,
    match_speaker,
    parse_time,
)

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"
SETTINGS = ImportSettings()


def speech(parsed: ParsedTranscript) -> list[tuple[str | None, str]]:
    return [(turn.speaker, parsed.text[turn.start : turn.end]) for turn in parsed.turns]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- plain text: encodings and line endings -------------------------------------------

SAMPLE = "Interviewer: Was it “worth it”?\nR: Yes\u00a0— mostly. It’s café-level chaos.\n"


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (b"\xff\xfe" + SAMPLE.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + SAMPLE.encode("utf-16-be"), "utf-16-be"),
        (SAMPLE.encode("cp1252"), "cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "cp1252"],
)
def test_txt_encodings_decode_to_the_same_text(
    tmp_path: Path, encoded: bytes, encoding: str
) -> None:
    parsed = read_transcript(write(tmp_path, "p.txt", encoded), SETTINGS)
    assert parsed.text == SAMPLE
    assert parsed.metadata == {"encoding": encoding}
    assert parsed.source_format == "txt"
    assert speech(parsed) == [
        ("Interviewer", "Was it “worth it”?"),
        ("R", "Yes\u00a0— mostly. It’s café-level chaos."),
    ]


def test_cp1252_curly_quotes_and_dashes_are_kept_not_normalised(tmp_path: Path) -> None:
    # 0x93/0x94 curly double quotes, 0x92 apostrophe, 0x97 em dash, 0xA0 nbsp in cp1252
    raw = b"P02: We call it \x93the gap\x94 \x97 it\x92s real\xa0enough.\r\n"
    parsed = read_transcript(write(tmp_path, "p.txt", raw), SETTINGS)
    assert parsed.text == "P02: We call it “the gap” — it’s real\u00a0enough.\n"


@pytest.mark.parametrize(
    "raw",
    [b"A: one\r\nB: two\r\n\r\nthree", b"A: one\rB: two\r\rthree", b"A: one\nB: two\r\n\rthree"],
    ids=["crlf", "cr", "mixed"],
)
def test_line_endings_are_normalised_to_lf(tmp_path: Path, raw: bytes) -> None:
    parsed = read_transcript(write(tmp_path, "p.txt", raw), SETTINGS)
    assert parsed.text == "A: one\nB: two\n\nthree"
    assert speech(parsed) == [("A", "one"), ("B", "two\n\nthree")]


def test_md_is_read_as_text_with_md_format(tmp_path: Path) -> None:
    parsed = read_transcript(write(tmp_path, "p.md", b"# Interview\n\n**Facilitator:** Hi.\n"))
    assert parsed.source_format == "md"
    assert speech(parsed) == [(None, "# Interview"), ("Facilitator", "Hi.")]


def test_fixture_txt_keeps_labels_in_text_and_turns_point_at_speech() -> None:
    parsed = read_transcript(FIXTURES / "p01_plain.txt", SETTINGS)
    assert parsed.text == (FIXTURES / "p01_plain.txt").read_text(encoding="utf-8")
    assert [turn.speaker for turn in parsed.turns] == [
        None,
        "Interviewer",
        "P01",
        "Interviewer",
        "P01",
    ]
    third = parsed.turns[2]
    assert parsed.text[third.start - 5 : third.start] == "P01: "
    assert parsed.text[third.start : third.end] == (
        "I’m a probation officer. I’ve worked on the MHTR pilot since it began\u00a0— nearly "
        "two years now.\nMost of my caseload is people on community orders."
    )


# --- speaker labels ----------------------------------------------------------------------

RULE = compile_speaker_rule(None)


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("Interviewer: So, how did it start?", "Interviewer"),
        ("INTERVIEWER: So, how did it start?", "INTERVIEWER"),
        ("I: And then?", "I"),
        ("R: Then it stopped.", "R"),
        ("P01: Yes.", "P01"),
        ("Dr Sarah Khan: We met weekly.", "Dr Sarah Khan"),
        ("Dr. Sarah Khan: We met weekly.", "Dr. Sarah Khan"),
        ("Ana de Souza: Right.", "Ana de Souza"),
        ("Speaker 2: Right.", "Speaker 2"),
        ("[Sarah] We met weekly.", "Sarah"),
        ("[P03]: We met weekly.", "P03"),
        ("  Sarah Khan:   indented label", "Sarah Khan"),
        ("**Sarah:** bold label", "Sarah"),
        ("Q:", "Q"),
    ],
)
def test_default_rule_finds_labels(line: str, speaker: str) -> None:
    found = match_speaker(line, RULE)
    assert found is not None
    assert found.speaker == speaker


@pytest.mark.parametrize(
    "line",
    [
        "The thing is: nobody knew.",
        "So: what now?",
        "Yes: that was it.",
        "Note: the recorder stopped.",
        "Monday: the panel met.",
        "at 10:30 we met",
        "Meeting at 10:30 was fine",
        "Sarah:no space after the colon",
        "One Two Three Four Five: too many words for a name",
        "[Laughs] yes, really.",
        "[inaudible] and then",
        "[00:01:02] no label after the time",
        "we said: fine",
    ],
)
def test_default_rule_ignores_sentences_with_colons(line: str) -> None:
    assert match_speaker(line, RULE) is None


@pytest.mark.parametrize(
    ("line", "speaker", "time", "speech"),
    [
        ("[00:01:02] Sarah: Hello.", "Sarah", 62.0, "Hello."),
        ("00:01:02 Sarah: Hello.", "Sarah", 62.0, "Hello."),
        ("Sarah (1:02:03): Hello.", "Sarah", 3723.0, "Hello."),
        ("Speaker 1 [00:00:05.5]: Hello.", "Speaker 1", 5.5, "Hello."),
    ],
)
def test_labels_with_times(line: str, speaker: str, time: float, speech: str) -> None:
    found = match_speaker(line, RULE)
    assert found is not None
    assert (found.speaker, found.time, line[found.speech_offset :].strip()) == (
        speaker,
        time,
        speech,
    )


def test_label_alone_on_a_line_takes_the_following_lines(tmp_path: Path) -> None:
    parsed = read_transcript(
        write(tmp_path, "p.txt", b"INTERVIEWER:\nHow long?\nR:\n\nA year.\nMaybe two.\n")
    )
    assert speech(parsed) == [("INTERVIEWER", "How long?"), ("R", "A year.\nMaybe two.")]
    assert parsed.turns[0] == Turn("INTERVIEWER", 13, 22)


def test_text_before_any_label_has_no_speaker(tmp_path: Path) -> None:
    parsed = read_transcript(write(tmp_path, "p.txt", b"Site visit notes\nI: Ready?\n"))
    assert speech(parsed) == [(None, "Site visit notes"), ("I", "Ready?")]


def test_configurable_speaker_pattern(tmp_path: Path) -> None:
    raw = b"<<Ann>> hello there\nThe thing is: unchanged\n<<Bo>> and you\n"
    settings = ImportSettings(speaker_pattern=r"<<(?P<speaker>\w+)>>\s*")
    parsed = read_transcript(write(tmp_path, "p.txt", raw), settings)
    assert speech(parsed) == [("Ann", "hello there\nThe thing is: unchanged"), ("Bo", "and you")]


def test_configurable_pattern_with_time_group(tmp_path: Path) -> None:
    raw = b"12:01 | Ann | hello\n12:09 | Bo | hi\n"
    settings = ImportSettings(speaker_pattern=r"(?P<time>\d+:\d+) \| (?P<speaker>\w+) \| ")
    parsed = read_transcript(write(tmp_path, "p.txt", raw), settings)
    assert parsed.turns == [Turn("Ann", 14, 19, 721.0), Turn("Bo", 33, 35, 729.0)]


def test_speaker_pattern_without_speaker_group_is_an_error() -> None:
    with pytest.raises(ThemekitError) as caught:
        compile_speaker_rule(r"(?P<name>\w+):")
    assert (
        caught.value.message == "speaker_pattern '(?P<name>\\\\w+):' has no named group 'speaker'"
    )


def test_invalid_speaker_pattern_is_an_error() -> None:
    with pytest.raises(ThemekitError, match=r"is not a valid regular expression"):
        compile_speaker_rule(r"(?P<speaker>\w+")


def test_is_interviewer_is_case_insensitive() -> None:
    labels = SETTINGS.interviewer_labels
    assert is_interviewer("INTERVIEWER", labels)
    assert is_interviewer("facilitator", labels)
    assert is_interviewer("i", labels)
    assert not is_interviewer("Interviewee", labels)
    assert not is_interviewer(None, labels)


def test_parse_time() -> None:
    assert parse_time("01:02:03,500") == 3723.5
    assert parse_time("[02:03]") == 123.0
    assert parse_time("soon") is None


# --- docx ----------------------------------------------------------------------------------


def make_docx(path: Path, build: Callable[[Any], object]) -> Path:
    import docx

    document = docx.Document()
    build(document)
    document.save(str(path))
    return path


def test_docx_paragraphs_in_order_with_header_and_footer_ignored(tmp_path: Path) -> None:
    def build(document: Any) -> None:
        section = document.sections[0]
        section.header.paragraphs[0].text = "CONFIDENTIAL header text"
        section.footer.paragraphs[0].text = "Page footer text"
        document.add_paragraph("Interview P07")
        document.add_paragraph("Interviewer: What helped?")
        document.add_paragraph("")
        document.add_paragraph("P07: The steering group. It met\nevery month.")
        document.add_paragraph("It kept everyone “on board”.")

    parsed = read_transcript(make_docx(tmp_path / "p07.docx", build), SETTINGS)
    assert parsed.source_format == "docx"
    assert parsed.text == (
        "Interview P07\n\nInterviewer: What helped?\n\n"
        "P07: The steering group. It met every month.\n\nIt kept everyone “on board”.\n"
    )
    assert "header" not in parsed.text and "footer" not in parsed.text
    assert speech(parsed) == [
        (None, "Interview P07"),
        ("Interviewer", "What helped?"),
        ("P07", "The steering group. It met every month.\n\nIt kept everyone “on board”."),
    ]


def test_docx_two_column_table_without_header(tmp_path: Path) -> None:
    def build(document: Any) -> None:
        table = document.add_table(rows=0, cols=2)
        for who, said in [
            ("Interviewer", "Tell me about the court."),
            ("Magistrate Lee", "We wanted another option. Short sentences rarely help."),
            ("", "And the reports were quicker."),
        ]:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = who, said

    parsed = read_transcript(make_docx(tmp_path / "t.docx", build), SETTINGS)
    assert parsed.text == (
        "Interviewer: Tell me about the court.\n\n"
        "Magistrate Lee: We wanted another option. Short sentences rarely help.\n\n"
        "And the reports were quicker.\n"
    )
    assert speech(parsed) == [
        ("Interviewer", "Tell me about the court."),
        (
            "Magistrate Lee",
            "We wanted another option. Short sentences rarely help.\n\n"
            "And the reports were quicker.",
        ),
    ]


def test_docx_three_column_table_with_header_row_and_time(tmp_path: Path) -> None:
    def build(document: Any) -> None:
        document.add_paragraph("Transcript of focus group 2")
        table = document.add_table(rows=0, cols=3)
        for row in [
            ("Time", "Speaker", "Text"),
            ("00:00:05", "Moderator", "Shall we start?"),
            ("00:01:10", "Jo: Commissioner", "Yes: funding first."),
        ]:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value

    parsed = read_transcript(make_docx(tmp_path / "t.docx", build), SETTINGS)
    assert parsed.text == (
        "Transcript of focus group 2\n\n"
        "[00:00:05] Moderator: Shall we start?\n\n"
        "[00:01:10] Jo: Commissioner: Yes: funding first.\n"
    )
    assert parsed.turns[1:] == [
        Turn("Moderator", 51, 66, 5.0, None),
        Turn("Jo: Commissioner", 97, 116, 70.0, None),
    ]
    assert speech(parsed)[2] == ("Jo: Commissioner", "Yes: funding first.")


def test_docx_three_column_table_without_header_finds_time_column(tmp_path: Path) -> None:
    def build(document: Any) -> None:
        table = document.add_table(rows=0, cols=3)
        for row in [
            ("Facilitator", "[00:02]", "Who refers people?"),
            ("P11", "[00:09]", "Mostly the liaison and diversion team."),
        ]:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value

    parsed = read_transcript(make_docx(tmp_path / "t.docx", build), SETTINGS)
    assert [(t.speaker, t.time_start) for t in parsed.turns] == [("Facilitator", 2.0), ("P11", 9.0)]
    assert speech(parsed)[1] == ("P11", "Mostly the liaison and diversion team.")


def test_docx_not_a_zip_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    with pytest.raises(TranscriptReadError) as caught:
        read_transcript(path, SETTINGS)
    assert caught.value.message == (
        f"{path}: is not a .docx file (it is not a zip archive); "
        "it looks like an old Word 97-2003 .doc file"
    )
    assert caught.value.hint is not None and "save it as a .docx" in caught.value.hint


def test_zip_that_is_not_a_docx_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a word document")
    with pytest.raises(TranscriptReadError) as caught:
        read_transcript(path, SETTINGS)
    assert caught.value.message == (
        f"{path}: is a zip archive but not a Word document (no word/document.xml)"
    )


def test_docx_with_no_text_is_empty(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "blank.docx", lambda document: document.add_paragraph("  "))
    with pytest.raises(TranscriptReadError, match=r"is empty \(no text found\)"):
        read_transcript(path, SETTINGS)


# --- vtt and srt --------------------------------------------------------------------------


def test_vtt_voice_tags_merge_cues_and_rejoin_split_sentences() -> None:
    parsed = read_transcript(FIXTURES / "teams_voice.vtt", SETTINGS)
    assert parsed.source_format == "vtt"
    assert parsed.text == (
        "[00:00:01] Sam Ortiz: Thanks for joining. Could you tell me about the referral "
        "process?\n\n"
        "[00:00:07] Dr Priya Nair: Sure. Referrals come from the liaison team & the courts. "
        "It mostly works.\n"
    )
    assert parsed.turns == [
        Turn("Sam Ortiz", 22, 87, 1.0, 6.0),
        Turn("Dr Priya Nair", 115, 188, 7.25, 65.75),
    ]


def test_vtt_name_prefixes_and_unlabelled_continuation() -> None:
    parsed = read_transcript(FIXTURES / "zoom_prefix.vtt", SETTINGS)
    assert speech(parsed) == [
        ("Interviewer", "How long have you been in this post?"),
        ("R", "About four years. I started when the service was set up."),
    ]
    assert [(t.time_start, t.time_end) for t in parsed.turns] == [(0.5, 4.0), (5.0, 11.4)]
    assert "  " not in parsed.text


def test_srt_with_name_prefixes() -> None:
    parsed = read_transcript(FIXTURES / "zoom.srt", SETTINGS)
    assert parsed.source_format == "srt"
    assert parsed.turns == [
        Turn("Moderator", 22, 40, 1.0, 3.2),
        Turn("Kofi Mensah", 66, 148, 3.5, 8.0),
    ]
    assert speech(parsed)[1] == (
        "Kofi Mensah",
        "Thanks. I work in the drug and alcohol service. We see about thirty people a week.",
    )


def test_vtt_keeps_nbsp_and_handles_crlf_and_two_voices_in_one_cue(tmp_path: Path) -> None:
    raw = (
        "WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\n<v Ann>Yes\u00a0indeed.</v> <v Bo>No.</v>\r\n"
    ).encode()
    parsed = read_transcript(write(tmp_path, "m.vtt", raw), SETTINGS)
    assert speech(parsed) == [("Ann", "Yes\u00a0indeed."), ("Bo", "No.")]


def test_vtt_without_cues_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "m.vtt", b"WEBVTT\n\nNOTE nothing here\n")
    with pytest.raises(TranscriptReadError) as caught:
        read_transcript(path, SETTINGS)
    assert caught.value.message.startswith(f"{path}: has no subtitle cues with text")


# --- bad input, one test each ---------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.txt", b"")
    with pytest.raises(TranscriptReadError) as caught:
        read_transcript(path, SETTINGS)
    assert caught.value.message == f"{path}: is empty (no text found)"
    assert isinstance(caught.value, InputFileError)
    assert caught.value.hint


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = write(tmp_path, "blank.txt", b" \r\n\t\n")
    with pytest.raises(TranscriptReadError) as caught:
        read_transcript(path, SETTINGS)
    assert caught.value.message == f"{path}: is empty (no text found)"


def test_whitespace_only_utf16_file(tmp_path: Path) -> None:
    path = write(tmp_path, "blank.txt", b"\xff\xfe" + "  \n ".encode("utf-16-le"))
    with pytest.raises(TranscriptReadError) as caught:
        read_transcript(path, SETTINGS)
    assert caught.value.message == f"{path}: is empty (no text found)"


def test_binary_garbage(tmp_path: Path) -> None:
    path = write(tmp_path, "garbage.txt", bytes(range(256)) * 4)
    with pytest.raises(TranscriptReadError) as caught:
        read_transcript(path, SETTINGS)
    assert caught.value.message == (
        f"{path}: contains NUL bytes (first at byte 0); it looks like a binary file, not text"
    )


def test_control_characters_are_not_text(tmp_path: Path) -> None:
    path = write(tmp_path, "ctl.txt", b"R: fine\nR: then \x1b[31m colour codes\n")
    with pytest.raises(TranscriptReadError) as caught:
        read_transcript(path, SETTINGS)
    assert caught.value.problem == (
        "line 2 contains the control character U+001B; this does not look like a text file"
    )


def test_undecodable_text(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.txt", b"R: caf\xe9 and \x81 more")
    with pytest.raises(TranscriptReadError) as caught:
        read_transcript(path, SETTINGS)
    assert caught.value.problem == (
        "is not UTF-8 text (invalid continuation byte at byte 6) and not Windows-1252 text "
        "(byte 0x81 at 12 is undefined there)"
    )


def test_bom_with_invalid_content(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.txt", b"\xef\xbb\xbfok \xff")
    with pytest.raises(TranscriptReadError, match=r"starts with a utf-8 byte-order mark"):
        read_transcript(path, SETTINGS)


def test_huge_single_line_file_is_rejected_quickly(tmp_path: Path) -> None:
    path = write(tmp_path, "dump.txt", b"R: " + b"word " * 10_000_000)  # 50 MB, one line
    with pytest.raises(TranscriptReadError) as caught:
        read_transcript(path, SETTINGS)
    assert caught.value.problem == (
        "line 1 is 50,000,003 characters long; this does not look like a transcript"
    )


def test_line_just_under_the_limit_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "long.txt", b"\nR: " + b"x" * (MAX_LINE_CHARS - 3) + b"\nmore\n")
    assert read_transcript(path, SETTINGS).turns[0].speaker == "R"
    path = write(tmp_path, "long.txt", b"\nR: " + b"x" * (MAX_LINE_CHARS - 2) + b"\n")
    with pytest.raises(TranscriptReadError, match=r"line 2 is 1,000,001 characters long"):
        read_transcript(path, SETTINGS)


def test_unknown_extension_lists_supported_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.pdf", b"%PDF-1.7")
    with pytest.raises(TranscriptReadError) as caught:
        read_transcript(path, SETTINGS)
    assert caught.value.message == f"{path}: unsupported file type '.pdf'"
    assert caught.value.hint == (
        "Supported extensions: .docx, .md, .srt, .txt, .vtt. "
        "Convert the file to one of these and import it again."
    )
    assert SUPPORTED_EXTENSIONS == (".docx", ".md", ".srt", ".txt", ".vtt")


def test_old_doc_extension_gets_specific_advice(tmp_path: Path) -> None:
    with pytest.raises(TranscriptReadError) as caught:
        read_transcript(write(tmp_path, "old.doc", b"x"), SETTINGS)
    assert caught.value.hint is not None and "save as .docx" in caught.value.hint


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TranscriptReadError) as caught:
        read_transcript(tmp_path / "missing.txt", SETTINGS)
    assert caught.value.message == f"{tmp_path / 'missing.txt'}: file not found"


def test_extension_is_case_insensitive(tmp_path: Path) -> None:
    parsed = read_transcript(write(tmp_path, "P.TXT", b"R: hi"), SETTINGS)
    assert speech(parsed) == [("R", "hi")]


def test_readers_do_not_import_heavy_libraries_at_module_load() -> None:
    import subprocess
    import sys

    code = (
        "import sys, themekit.transcripts.readers, themekit.transcripts.segment, "
        "themekit.transcripts.anchor; "
        "print(sorted(m for m in ('docx', 'spacy') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_docx_two_column_table_with_header_row(tmp_path: Path) -> None:
    def build(document: Any) -> None:
        table = document.add_table(rows=0, cols=2)
        for who, said in [("Speaker", "Text"), ("INT", "Ready?"), ("P04", "Ready.")]:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = who, said

    parsed = read_transcript(make_docx(tmp_path / "t.docx", build), SETTINGS)
    assert parsed.text == "INT: Ready?\n\nP04: Ready.\n"
    assert speech(parsed) == [("INT", "Ready?"), ("P04", "Ready.")]


def test_damaged_docx_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "damaged.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not-xml")
        archive.writestr("word/document.xml", "<w:document")
    with pytest.raises(TranscriptReadError) as caught:
        read_transcript(path, SETTINGS)
    assert caught.value.problem.startswith("is a damaged Word document (")


def test_utf16_without_bom_is_read_when_evident(tmp_path: Path) -> None:
    for encoding in ("utf-16-le", "utf-16-be"):
        text = "R: caf\u00e9 \u201chello\u201d"
        parsed = read_transcript(
            write(tmp_path, f"{encoding}.txt", text.encode(encoding)), SETTINGS
        )
        assert parsed.text == text
        assert parsed.metadata == {"encoding": encoding}


def test_nul_bytes_that_are_not_utf16_are_binary(tmp_path: Path) -> None:
    path = write(tmp_path, "odd.txt", "R: hello".encode("utf-16-le") + b"\x00")
    with pytest.raises(TranscriptReadError) as caught:
        read_transcript(path, SETTINGS)
    assert caught.value.problem.startswith("contains NUL bytes (first at byte 1)")
    assert caught.value.hint == "If it is text in another encoding, save it as UTF-8."
