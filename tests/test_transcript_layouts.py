"""Speaker layouts people export, the interviewer decision, the import report and
re-detection, all through the CLI and asserted on the database.

Every fixture under fixtures/transcripts/layouts is fictional (written for these tests);
the shapes follow what transcription services and meeting tools export.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from themekit.model.rows import SegmentRow
from themekit.project import Project

LAYOUTS = Path(__file__).parent / "fixtures" / "transcripts" / "layouts"

Row = tuple[str | None, bool, str, float | None]


def four_turns(asker: str, answerer: str, *, times: bool = False, **kwargs: str) -> list[Row]:
    """The four turns every layout fixture holds: two questions, two answers."""
    texts = [
        kwargs.get("q1", "How did the garden start?"),
        kwargs.get("a1", "With six raised beds."),
        kwargs.get("q2", "Who came first?"),
        kwargs.get("a2", "Mostly neighbours."),
    ]
    seconds = [2.0, 5.0, 62.0, 64.0] if times else [None] * 4
    speakers = [asker, answerer, asker, answerer]
    return [
        (speaker, speaker != asker, text, time)
        for speaker, text, time in zip(speakers, texts, seconds, strict=True)
    ]


LONG_ANSWERS = {
    "a1": "With six raised beds and a borrowed hose.",
    "a2": "Mostly neighbours from the flats.",
}

EXPECTED: dict[str, list[Row]] = {
    "name_colon.txt": four_turns("Amira Haddad", "Joe Brennan", **LONG_ANSWERS),
    "name_upper.txt": four_turns("AMIRA", "JOE", **LONG_ANSWERS),
    "name_lower.txt": four_turns(
        "amira",
        "joe",
        q1="how did the garden start?",
        a1="with six raised beds and a borrowed hose.",
        q2="who came first?",
        a2="mostly neighbours from the flats.",
    ),
    "role_numbered_space.txt": four_turns("Interviewer 1", "Participant 12"),
    "role_numbered_joined.txt": [
        ("Interviewer1", False, "How did the garden start?", None),
        ("Respondent", True, "With six raised beds.", None),
        ("Interviewer2", False, "Who came first?", None),
        ("Respondent", True, "Mostly neighbours.", None),
    ],
    "role_codes_numbered.txt": four_turns("INT2", "P3"),
    "codes_i_r.txt": four_turns("I", "R"),
    "codes_q_a.txt": four_turns("Q", "A"),
    "codes_int_resp.txt": four_turns("Int", "Resp"),
    "speaker_numbers.txt": four_turns("Speaker 1", "Speaker 2"),
    "speaker_time_after.txt": four_turns("Speaker 1", "Speaker 2", times=True),
    "time_bracket_before.txt": four_turns("Interviewer", "Joe", times=True),
    "time_bare_before.txt": four_turns("Interviewer", "Joe", times=True),
    "otter.txt": four_turns(
        "Amira Haddad", "Joe Brennan", times=True, a1="With six raised beds\nand a borrowed hose."
    ),
    "rev.txt": four_turns("Interviewer", "Joe Brennan", times=True),
    "temi.txt": four_turns("Speaker 1", "Speaker 2", times=True),
    "time_then_name.txt": four_turns("Interviewer", "Joe Brennan", times=True),
    "name_then_bracket_time.txt": four_turns("Interviewer", "Joe Brennan", times=True),
    "time_after_colon.txt": four_turns("Interviewer", "Joe Brennan", times=True),
    "names_special.txt": four_turns("Dr. J. O'Neil-Smith", "José Núñez"),
    "label_alone.txt": [
        ("Interviewer", False, "How did the garden start?", None),
        ("Respondent", True, "With six raised beds.\nWe had a borrowed hose.", None),
        ("Interviewer", False, "Who came first?", None),
    ],
    "tabs.txt": four_turns("Interviewer", "Joe"),
    "teams_text.txt": four_turns("Amira Haddad", "Joe Brennan", times=True),
    "role_alone_no_colon.txt": [
        ("INTERVIEWER", False, "How did the garden start?", None),
        ("RESPONDENT 2", True, "With six raised beds.\n\nMm-hmm.", None),
        ("INTERVIEWER", False, "Who came first?", None),
    ],
    "timestamps_in_turn.txt": [
        ("Interviewer", False, "How did the garden start?", None),
        ("Joe", True, "With six raised beds.", None),
        ("Joe", True, "We added a shed in spring.", 300.0),
        ("Interviewer", False, "Who came first?", None),
        ("Joe", True, "Mostly neighbours.", 370.0),
    ],
    "markdown_bold.md": [
        (None, False, "# Garden interview", None),
        *four_turns("Interviewer", "Joe Brennan"),
    ],
    "zoom_prefix_lower.vtt": four_turns("interviewer", "joe brennan", times=True),
    "webex_voice.vtt": four_turns("Amira Haddad", "Joe Brennan", times=True),
    "comment_dump.txt": [
        (None, True, line, None)
        for line in [
            "Garden survey comments",
            "Word: compost",
            "Memo: ask about the hose",
            "Comment: the shed door sticks",
            "Date: spring",
            "Author: volunteer",
            "Topic: water",
            "Status: open",
            "Note on the tools: missing",
            "Word: seedlings",
        ]
    ],
    "no_labels.txt": [
        (None, True, "The garden began with six raised beds\nand a borrowed hose.", None),
        (None, True, "Neighbours from the flats came first.", None),
        (None, True, "In spring we added a shed.", None),
    ],
}


def stored(project: Project, transcript_id: str) -> list[Row]:
    return [
        (s.speaker, s.codable, s.text, s.time_start) for s in project.store.segments(transcript_id)
    ]


def test_every_layout_fixture_has_an_expectation() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in LAYOUTS.iterdir())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layout_imports_with_speakers_interviewers_and_stripped_text(
    project: Project, cli, name: str
) -> None:
    result = cli("import", str(LAYOUTS / name), "--unit", "turn")
    assert result.exit_code == 0, result.output
    assert stored(project, Path(name).stem) == EXPECTED[name]


# --- Word ----------------------------------------------------------------------------------


def make_docx(path: Path, paragraphs: list[tuple[str, str]]) -> Path:
    """A .docx whose paragraphs are (bold text, plain text)."""
    import docx

    document = docx.Document()
    for bold, plain in paragraphs:
        paragraph = document.add_paragraph()
        if bold:
            paragraph.add_run(bold).bold = True
        if plain:
            paragraph.add_run(plain)
    document.save(str(path))
    return path


def test_word_bold_speaker_names_without_colon(project: Project, cli, tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "bold.docx",
        [
            ("", "Garden interview, May"),
            ("Interviewer ", "How did the garden start?"),
            ("Joe Brennan", "\tWith six raised beds."),
            ("Interviewer", ""),
            ("", "Who came first?"),
            ("Joe Brennan: ", "Mostly neighbours."),
        ],
    )
    result = cli("import", str(path), "--unit", "turn")
    assert result.exit_code == 0, result.output
    assert stored(project, "bold") == [
        (None, False, "Garden interview, May", None),
        *four_turns("Interviewer", "Joe Brennan"),
    ]


def test_word_speaker_time_text_table(project: Project, cli, tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=0, cols=3)
    for cells in [
        ("Speaker", "Time", "Text"),
        ("Interviewer 2", "00:00:02", "How did the garden start?"),
        ("Joe Brennan", "00:00:05", "With six raised beds."),
        ("Interviewer 2", "00:01:02", "Who came first?"),
        ("Joe Brennan", "00:01:04", "Mostly neighbours."),
    ]:
        row = table.add_row()
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    document.save(str(tmp_path / "table.docx"))
    result = cli("import", str(tmp_path / "table.docx"), "--unit", "turn")
    assert result.exit_code == 0, result.output
    assert stored(project, "table") == four_turns("Interviewer 2", "Joe Brennan", times=True)


# --- who is the interviewer ------------------------------------------------------------------


def test_interviewer_option_names_the_interviewer(project: Project, cli) -> None:
    result = cli(
        "import", str(LAYOUTS / "speaker_numbers.txt"), "--unit", "turn",
        "--interviewer", "speaker 2",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [(s, c) for s, c, _, _ in stored(project, "speaker_numbers")] == [
        ("Speaker 1", True),
        ("Speaker 2", False),
        ("Speaker 1", True),
        ("Speaker 2", False),
    ]
    assert (
        "  Speaker 2: 2 turns, 6 words, interviewer (named in the settings or with"
        " --interviewer)" in result.stderr
    )


def test_interviewers_setting_in_themekit_toml(project: Project, cli) -> None:
    toml = project.root / "themekit.toml"
    toml.write_text(
        toml.read_text("utf-8").replace(
            "\ninterviewers = []\n", '\ninterviewers = ["Joe Brennan", "Someone Else"]\n'
        ),
        "utf-8",
    )
    result = cli("import", str(LAYOUTS / "name_colon.txt"), "--unit", "turn")
    assert result.exit_code == 0, result.output
    assert [(s, c) for s, c, _, _ in stored(project, "name_colon")] == [
        ("Amira Haddad", True),
        ("Joe Brennan", False),
        ("Amira Haddad", True),
        ("Joe Brennan", False),
    ]


def test_interviewers_setting_must_be_a_list_of_names(project: Project, cli) -> None:
    toml = project.root / "themekit.toml"
    toml.write_text(
        toml.read_text("utf-8").replace("\ninterviewers = []\n", "\ninterviewers = [1, 2]\n"),
        "utf-8",
    )
    result = cli("import", str(LAYOUTS / "name_colon.txt"))
    assert result.exit_code != 0
    assert (
        '[import] interviewers must be a list of names, e.g. interviewers = ["Sarah Khan"]'
        in result.stderr
    )


def test_role_after_the_name_marks_the_interviewer(project: Project, cli, tmp_path: Path) -> None:
    path = tmp_path / "roles.txt"
    path.write_text(
        "Amira Haddad (Interviewer): Tell me about the garden.\n"
        "Joe Brennan: It began small.\n"
        "Amira Haddad: And now.\n"
        "Joe Brennan: Now it feeds the street.\n",
        "utf-8",
    )
    result = cli("import", str(path), "--unit", "turn", "--dry-run")
    assert "  Amira Haddad: 2 turns, 7 words, interviewer (by its label (Interviewer))" in (
        result.stderr
    )


# --- the report ------------------------------------------------------------------------------


def test_dry_run_report_with_exact_warnings_and_nothing_written(project: Project, cli) -> None:
    db = project.root / "themekit.db"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    audit_before = len(project.store.audit_entries())
    files = ["name_colon.txt", "no_labels.txt", "comment_dump.txt", "markdown_bold.md"]
    result = cli("import", *(str(LAYOUTS / name) for name in files), "--dry-run", "--unit", "turn")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"name_colon: would be imported, 4 segments (2 codable) from {LAYOUTS / files[0]}",
        "  Amira Haddad: 2 turns, 8 words, interviewer (inferred: 2 of 2 turns are questions)",
        "  Joe Brennan: 2 turns, 13 words",
        "  codable: 2 of 4 lines (50%)",
        "  warning: interviewer inferred: 'Amira Haddad' (2 of 2 turns are questions); if"
        " wrong, name the interviewer with --interviewer NAME or interviewers = [...] in"
        " themekit.toml",
        f"no_labels: would be imported, 3 segments (3 codable) from {LAYOUTS / files[1]}",
        "  (no speaker label): 3 turns, 23 words",
        "  codable: 3 of 3 lines (100%)",
        "  warning: no speaker labels: each paragraph is a turn",
        f"comment_dump: would be imported, 10 segments (10 codable) from {LAYOUTS / files[2]}",
        "  (no speaker label): 10 turns, 30 words",
        "  codable: 10 of 10 lines (100%)",
        "  warning: labels not taken as speakers: 6 of 8 line-start labels are used only"
        " once, which is not how speakers alternate; each paragraph is a turn",
        f"markdown_bold: would be imported, 5 segments (2 codable) from {LAYOUTS / files[3]}",
        "  (no speaker label): 1 turn, 3 words",
        "  Interviewer: 2 turns, 8 words, interviewer (by its label)",
        "  Joe Brennan: 2 turns, 6 words",
        "  codable: 2 of 5 lines (40%)",
        "  warning: 20% of lines (1) before the first speaker treated as header, not codable",
        "dry run, nothing written: 4 would be imported, 0 would be updated, 0 unchanged, 0 failed",
    ]
    assert project.store.transcript_ids() == []
    assert len(project.store.audit_entries()) == audit_before
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_report_warnings_for_one_speaker_and_no_interviewer(
    project: Project, cli, tmp_path: Path
) -> None:
    one = tmp_path / "one.txt"
    one.write_text("Joe: The beds came first.\nJoe: Then the shed.\n", "utf-8")
    three = tmp_path / "three.txt"
    three.write_text(
        "Ann: We planted.\nBo: We watered.\nCy: We ate.\nAnn: Good.\nBo: Yes.\nCy: Fine.\n",
        "utf-8",
    )
    result = cli("import", str(one), str(three), "--dry-run", "-f", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [entry["warnings"] for entry in report] == [
        ["one speaker only ('Joe')"],
        [
            "interviewer not identified: every speaker is codable; name the interviewer with"
            " --interviewer NAME or interviewers = [...] in themekit.toml"
        ],
    ]
    assert report[0] == {
        "file": str(one),
        "transcript": "one",
        "status": "imported",
        "speakers": [
            {
                "name": "Joe",
                "turns": 2,
                "words": 7,
                "interviewer": False,
                "reason": None,
                "detail": None,
            }
        ],
        "segments": 2,
        "codable": 2,
        "codable_share": 1.0,
        "warnings": ["one speaker only ('Joe')"],
        "written": False,
    }
    assert project.store.transcript_ids() == []


def test_normal_import_shows_the_report(project: Project, cli) -> None:
    result = cli("import", str(LAYOUTS / "rev.txt"), "--unit", "turn")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[1:4] == [
        "  Interviewer: 2 turns, 8 words, interviewer (by its label)",
        "  Joe Brennan: 2 turns, 6 words",
        "  codable: 2 of 4 lines (50%)",
    ]


def test_dry_run_bad_file_is_one_line_and_exit_1(project: Project, cli, tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = cli("import", str(bad), str(LAYOUTS / "rev.txt"), "--dry-run")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert errors[0].startswith(f"Error: {bad}: ")
    assert errors[-1] == (
        "Error: 1 file could not be read (see above). Fix or remove them and run the same"
        " command again."
    )
    assert project.store.transcript_ids() == []


# --- fixing after the fact -------------------------------------------------------------------


def code_as_ana(project: Project, segment: SegmentRow) -> None:
    """Code ``segment`` with "beds" as ana (the code is added to the codebook if needed)."""
    from themekit.coding.service import CodingSession
    from themekit.model.codebook import Codebook

    if project.store.current_codebook() is None:
        project.store.add_codebook_version(
            Codebook.from_dict({"codes": [{"id": "beds", "label": "Beds"}]}),
            source="test",
            changes={},
        )
    CodingSession(project, "ana").apply(segment, "beds")


def test_redetect_with_a_pattern_keeps_codings(project: Project, cli, tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_text(
        "<<Amira>> How did it start?\n<<Joe>> With raised beds.\n"
        "<<Amira>> Who came?\n<<Joe>> Neighbours.\n",
        "utf-8",
    )
    cli("import", str(path), "--unit", "turn")
    assert [s for s, _, _, _ in stored(project, "odd")] == [None, None, None, None]
    code_as_ana(project, project.store.segment_at("odd", 2))

    preview = cli(
        "transcripts", "speakers", "odd", "--pattern", r"<<(?P<speaker>\w+)>>\s*", "--dry-run"
    )
    assert preview.exit_code == 0, preview.output
    assert project.store.current_version("odd") == 1
    result = cli(
        "transcripts", "speakers", "odd", "--pattern", r"<<(?P<speaker>\w+)>>\s*",
        "--interviewer", "amira",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[:3] == [
        "odd: changed (new version 2)",
        "  speakers: none -> Amira, Joe",
        "  interviewers: none -> Amira",
    ]
    assert "  1 codings re-anchored, 0 orphaned" in result.stderr
    assert stored(project, "odd") == [
        ("Amira", False, "How did it start?", None),
        ("Joe", True, "With raised beds.", None),
        ("Amira", False, "Who came?", None),
        ("Joe", True, "Neighbours.", None),
    ]
    (coding,) = project.store.codings()
    assert project.store.segment(coding.segment_id).text == "With raised beds."
    assert coding.line == 2 and not coding.orphaned
    again = cli("transcripts", "speakers", "odd", "--pattern", r"<<(?P<speaker>\w+)>>\s*",
                "--interviewer", "amira")  # fmt: skip
    assert again.stderr.splitlines()[0] == "odd: unchanged"


def test_redetect_warns_about_codings_left_on_new_interviewer_lines(
    project: Project,
    cli,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "pair.txt"
    path.write_text(
        "Sam: The raised beds came first, I think.\nJoe: Yes, with raised beds.\n"
        "Sam: I remember the neighbours coming.\nJoe: Neighbours came, yes.\n",
        "utf-8",
    )
    cli("import", str(path), "--unit", "turn")
    # Sam was not taken for the interviewer, and line 1 was coded.
    assert [c for _, c, _, _ in stored(project, "pair")] == [True, True, True, True]
    code_as_ana(project, project.store.segment_at("pair", 1))
    code_as_ana(project, project.store.segment_at("pair", 2))
    result = cli("transcripts", "speakers", "pair", "--interviewer", "Sam")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert "  2 codings re-anchored, 0 orphaned" in lines
    assert (
        "warning: pair: 1 codings are now on interviewer lines (kept; such lines are not"
        " codable, so check them and move or remove them in 'themekit code'):"
        in " ".join(result.stderr.split())
    )
    assert "  line 1 (Sam): beds, by ana" in lines
    assert len(project.store.codings(transcript_id="pair")) == 2  # nothing dropped
    again = cli("transcripts", "speakers", "pair", "--interviewer", "Sam", "--format", "json")
    assert '"on_interviewer_lines": []' in again.stdout  # unchanged: no new version


def test_reimport_with_an_interviewer_warns_about_codings_on_their_lines(
    project: Project,
    cli,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "pair.txt"
    path.write_text(
        "Sam: The raised beds came first, I think.\nJoe: Yes, with raised beds.\n", "utf-8"
    )
    cli("import", str(path), "--unit", "turn")
    code_as_ana(project, project.store.segment_at("pair", 1))
    result = cli("import", str(path), "--interviewer", "Sam")
    assert result.exit_code == 0, result.output
    assert "pair: updated (new version)" in result.stderr
    assert "warning: pair: 1 codings are now on interviewer lines" in " ".join(
        result.stderr.split()
    )
    assert "  line 1 (Sam): beds, by ana" in result.stderr.splitlines()
    path.write_text(path.read_text("utf-8") + "Sam: One more thing.\n", "utf-8")
    as_json = cli("import", str(path), "--interviewer", "Sam", "--format", "json")
    assert as_json.exit_code == 0, as_json.output
    (row,) = json.loads(as_json.stdout)
    assert (row["status"], row["reanchored"], row["orphaned"]) == ("updated", 1, [])
    assert row["on_interviewer_lines"] == ["line 1 (Sam): beds, by ana"]


def test_redetect_unknown_transcript_changes_nothing(project: Project, cli) -> None:
    result = cli("transcripts", "speakers", "nope")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: No transcript 'nope'; nothing was changed. See 'themekit transcripts list'."
    )


def test_reimport_of_unchanged_text_keeps_a_correction(project: Project, cli) -> None:
    path = str(LAYOUTS / "speaker_numbers.txt")
    cli("import", path, "--unit", "turn")
    cli("transcripts", "speakers", "speaker_numbers", "--interviewer", "Speaker 2")
    result = cli("import", path)
    assert "speaker_numbers: already imported" in result.stderr
    assert [c for _, c, _, _ in stored(project, "speaker_numbers")] == [True, False, True, False]


def test_show_lists_the_start_time_of_each_line(project: Project, cli) -> None:
    cli("import", str(LAYOUTS / "rev.txt"), "--unit", "turn")
    result = cli("transcripts", "show", "rev", "--format", "csv")
    assert result.stdout.splitlines()[:3] == [
        "line,speaker,codable,time,text",
        "1,Interviewer,False,2.0,How did the garden start?",
        "2,Joe Brennan,True,5.0,With six raised beds.",
    ]


def test_refi_source_that_is_not_an_interview_has_no_speakers(
    project: Project, cli, tmp_path: Path
) -> None:
    import zipfile

    folder = Path(__file__).parent / "fixtures" / "refi" / "comment_dump"
    package = tmp_path / "comments.qdpx"
    with zipfile.ZipFile(package, "w") as archive:
        archive.write(folder / "project.qde", "project.qde")
    result = cli("import", str(package))
    assert result.exit_code == 0, result.output
    rows = stored(project, "Garden comments")
    assert [(speaker, codable) for speaker, codable, _, _ in rows] == [(None, True)] * 7
    assert rows[1][2] == "Compost: the bins are full by July."
    assert (
        "source 'Garden comments': labels not taken as speakers: 6 of 6 line-start labels are"
        " used only once, which is not how speakers alternate; each paragraph is a turn"
        in result.stderr
    )


def test_word_bold_heading_is_not_a_speaker(project: Project, cli, tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "heading.docx",
        [
            ("Garden Project", ""),
            ("", "Recorded at the allotments."),
            ("Interviewer: ", "How did the garden start?"),
            ("Joe Brennan: ", "With six raised beds."),
        ],
    )
    result = cli("import", str(path), "--unit", "turn")
    assert result.exit_code == 0, result.output
    assert stored(project, "heading") == [
        (None, False, "Garden Project\n\nRecorded at the allotments.", None),
        ("Interviewer", False, "How did the garden start?", None),
        ("Joe Brennan", True, "With six raised beds.", None),
    ]


def test_redetect_with_a_bad_pattern_is_one_line_and_changes_nothing(project: Project, cli) -> None:
    cli("import", str(LAYOUTS / "rev.txt"), "--unit", "turn")
    result = cli("transcripts", "speakers", "--pattern", "(?P<name>x")
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: speaker_pattern '(?P<name>x' is not a valid regular expression")
    assert project.store.current_version("rev") == 1


def test_reimport_with_interviewer_applies_it_and_keeps_codings(project: Project, cli) -> None:
    path = str(LAYOUTS / "speaker_numbers.txt")
    cli("import", path, "--unit", "turn")
    code_as_ana(project, project.store.segment_at("speaker_numbers", 2))
    result = cli("import", path, "--interviewer", "Speaker 2")
    assert result.exit_code == 0, result.output
    assert "speaker_numbers: updated (new version), 4 segments (2 codable)" in result.stderr
    assert "  1 codings re-anchored, 0 orphaned" in result.stderr
    assert [c for _, c, _, _ in stored(project, "speaker_numbers")] == [True, False, True, False]
    (coding,) = project.store.codings()
    assert coding.line == 2 and not coding.orphaned


def test_word_teams_transcript_timing_name_speech(project: Project, cli, tmp_path: Path) -> None:
    paragraphs = []
    for timing, name, speech in [
        ("0:0:2.0 --> 0:0:4.500", "Amira Haddad", "How did the garden start?"),
        ("0:0:5.0 --> 0:0:8.0", "Joe Brennan", "With six raised beds."),
        ("0:1:2.0 --> 0:1:3.500", "Amira Haddad", "Who came first?"),
        ("0:1:4.0 --> 0:1:6.0", "Joe Brennan", "Mostly neighbours."),
    ]:
        paragraphs += [("", timing), ("", name), ("", speech)]
    path = make_docx(tmp_path / "teams.docx", paragraphs)
    result = cli("import", str(path), "--unit", "turn", "--interviewer", "Amira Haddad")
    assert result.exit_code == 0, result.output
    assert stored(project, "teams") == four_turns("Amira Haddad", "Joe Brennan", times=True)
