"""Bulk apply: ``themekit code --apply FILE`` and ``themekit.coding.bulk``."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers_coding import (
    P01_LINES,
    add_transcript,
    build_study,
    coding_keys,
    database_snapshot,
    generated_lines,
    write_csv,
)
from themekit.cli.hints import render_error
from themekit.coding.bulk import apply_bulk, plan_bulk_apply, read_bulk_file
from themekit.errors import BulkApplyError, CodingError, InputFileError
from themekit.project import Project

COLUMNS = ["transcript", "line", "code", "memo"]


@pytest.fixture
def study(project: Project) -> Project:
    return build_study(project)


def _csv(tmp_path: Path, rows: list[dict], columns: list[str] = COLUMNS, name="codes.csv") -> Path:
    return write_csv(tmp_path / name, rows, columns)


# -- the happy path -----------------------------------------------------------------------
def test_applies_ids_and_paths_with_memo(study: Project, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        [
            {"transcript": "P01", "line": "3", "code": "benefits.gap", "memo": "no option before"},
            {
                "transcript": "P01",
                "line": "6",
                "code": "Challenges > Sustainability of funding",
            },
            {
                "transcript": "P02",
                "line": "4",
                "code": "Challenges\\Appropriate sentencing and breach",
            },
        ],
    )
    result = apply_bulk(study, path, coder="ana")
    assert (result.applied, result.already_present, result.transcripts) == (3, 0, ["P01", "P02"])
    assert coding_keys(study) == {
        ("P01", 3, "benefits.gap", "ana", None, None, "no option before"),
        ("P01", 6, "challenges.funding", "ana", None, None, None),
        ("P02", 4, "challenges.breach", "ana", None, None, None),
    }
    assert {c.source for c in study.store.codings()} == {"bulk"}
    assert result.summary() == "Applied 3 codings to 2 transcripts (0 already present)"


def test_range_codes_each_codable_line_and_skips_interviewer(
    study: Project, tmp_path: Path
) -> None:
    # P01 line 5 is the interviewer's: the range 4-7 codes 4, 6 and 7.
    path = _csv(tmp_path, [{"transcript": "P01", "line": "4-7", "code": "benefits.options"}])
    result = apply_bulk(study, path, coder="ana")
    assert result.applied == 3
    assert sorted(c.line for c in study.store.codings()) == [4, 6, 7]
    assert P01_LINES[4][0] == "Interviewer"


def test_en_dash_range_and_spreadsheet_numbers(study: Project, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        [
            {"transcript": "P02", "line": "2\u20133", "code": "benefits.gap"},
            {"transcript": "P02", "line": "6.0", "code": "other"},
        ],
    )
    apply_bulk(study, path, coder="ben")
    assert sorted((c.line, c.code_id) for c in study.store.codings()) == [
        (2, "benefits.gap"),
        (3, "benefits.gap"),
        (6, "other"),
    ]


def test_explicit_interviewer_line_is_refused(study: Project, tmp_path: Path) -> None:
    path = _csv(tmp_path, [{"transcript": "P01", "line": "1", "code": "other"}])
    with pytest.raises(BulkApplyError) as info:
        apply_bulk(study, path, coder="ana")
    assert info.value.row_errors == [
        f"row 2: line 1 of 'P01' is not codable ({study.store.segment_at('P01', 1).speaker})"
    ]


def test_span_coding(study: Project, tmp_path: Path) -> None:
    seg = study.store.segment_at("P01", 6)
    assert seg is not None and seg.text.startswith("Honestly, ")
    start = seg.start + len("Honestly, ")
    path = _csv(
        tmp_path,
        [
            {
                "transcript": "P01",
                "line": "6",
                "code": "challenges.funding",
                "span_start": str(start),
                "span_end": str(seg.end),
            }
        ],
        COLUMNS + ["span_start", "span_end"],
    )
    apply_bulk(study, path, coder="ana")
    (coding,) = study.store.codings()
    assert (coding.span_start, coding.span_end) == (start, seg.end)
    text = study.store.transcript_text("P01")
    assert text[coding.span_start : coding.span_end] == (
        "nobody knows whether the money lasts past March."
    )


def test_applying_twice_is_a_no_op(study: Project, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        [
            {"transcript": "P01", "line": "2-4", "code": "benefits.options"},
            {"transcript": "P01", "line": "3", "code": "benefits.options"},  # repeats line 3
        ],
    )
    first = apply_bulk(study, path, coder="ana")
    assert (first.applied, first.already_present) == (3, 1)
    before = database_snapshot(study)
    second = apply_bulk(study, path, coder="ana")
    assert (second.applied, second.already_present) == (0, 4)
    assert database_snapshot(study) == before


def test_coder_column_and_option(study: Project, tmp_path: Path) -> None:
    columns = ["transcript", "line", "code", "coder"]
    path = _csv(
        tmp_path,
        [
            {"transcript": "P01", "line": "2", "code": "other", "coder": "ana"},
            {"transcript": "P01", "line": "2", "code": "other", "coder": "ben"},
        ],
        columns,
    )
    result = apply_bulk(study, path)
    assert result.coders == ["ana", "ben"]
    assert sorted(c.coder for c in study.store.codings()) == ["ana", "ben"]
    # --coder picks that coder's rows out of a table of several coders' work.
    again = apply_bulk(study, path, coder="ana")
    assert (again.applied, again.already_present, again.other_coders_rows) == (0, 1, 1)
    assert again.summary() == (
        "Applied 0 codings to 1 transcript (1 already present; 1 rows by other coders left out)"
    )
    with pytest.raises(CodingError) as info:
        apply_bulk(study, path, coder="cat")
    assert str(info.value).endswith(
        "Name one of those coders, or name none to apply every row as recorded."
    )
    assert render_error(info.value) == (
        f"{path}: no rows by 'cat' (coders in the file: ana, ben). Pass one of those names with"
        " --coder, or drop --coder to apply every row as recorded."
    )


def test_done_marks_transcripts_for_that_coder(study: Project, tmp_path: Path) -> None:
    path = _csv(tmp_path, [{"transcript": "P02", "line": "2", "code": "other"}])
    result = apply_bulk(study, path, coder="ana", done=True)
    assert result.marked_done == [("P02", "ana")]
    assert study.store.done_transcripts("ana") == {"P02"}
    assert study.store.done_transcripts("ben") == set()


def test_audit_has_one_entry_per_coding_and_a_summary(study: Project, tmp_path: Path) -> None:
    path = _csv(tmp_path, [{"transcript": "P01", "line": "2-3", "code": "other"}])
    apply_bulk(study, path, coder="ana")
    applies = study.store.audit_entries(action="coding.apply")
    assert [(e.actor, e.how, e.details["line"]) for e in applies] == [
        ("ana", "bulk", 2),
        ("ana", "bulk", 3),
    ]
    assert {e.details["coding"] for e in applies} == {c.uid for c in study.store.codings()}
    (summary,) = study.store.audit_entries(action="coding.bulk_apply")
    assert summary.details == {
        "file": "codes.csv",
        "applied": 2,
        "already_present": 0,
        "transcripts": ["P01"],
        "coders": ["ana"],
        "done": False,
    }


def test_xlsx_file(study: Project, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Transcript", "Line", "Code", "Memo"])
    sheet.append(["P01", 3, "benefits.gap", "=not a formula"])
    sheet.append([None, None, None, None])  # blank rows are skipped
    sheet.append(["P02", "2-3", "Benefits > Filling a previous gap in services", None])
    sheet["D2"].data_type = "s"
    book.save(tmp_path / "codes.xlsx")
    result = apply_bulk(study, tmp_path / "codes.xlsx", coder="ana")
    assert result.applied == 3
    assert ("P01", 3, "benefits.gap", "ana", None, None, "=not a formula") in coding_keys(study)


def test_semicolon_csv_in_cp1252(study: Project, tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_bytes(
        "transcript;line;code;memo\r\nP01;3;benefits.gap;caf\xe9 \x93talk\x94\r\n".encode("latin-1")
    )
    apply_bulk(study, path, coder="ana")
    assert [c.memo for c in study.store.codings()] == ["caf\xe9 \u201ctalk\u201d"]


# -- bad files leave the database as it was ------------------------------------------------
BAD_ROWS = [
    {"transcript": "P01", "line": "2", "code": "benefits.gap"},  # row 2: fine
    {"transcript": "P01", "line": "3", "code": "x"},  # row 3
    {"transcript": "P99", "line": "1", "code": "other"},  # row 4
    {"transcript": "P01", "line": "900", "code": "other"},  # row 5
    {"transcript": "P01", "line": "15-12", "code": "other"},  # row 6
    {"transcript": "P01", "line": "4", "code": "Benefits"},  # row 7
    {"transcript": "P01", "line": "abc", "code": "other"},  # row 8
    {"transcript": "", "line": "2", "code": ""},  # row 9
    {"transcript": "P01", "line": "7-12", "code": "other"},  # row 10
]


def test_every_bad_row_is_listed_and_nothing_applied(study: Project, tmp_path: Path) -> None:
    path = _csv(tmp_path, BAD_ROWS)
    before = database_snapshot(study)
    with pytest.raises(BulkApplyError) as info:
        apply_bulk(study, path, coder="ana")
    assert info.value.row_errors == [
        "row 3: unknown code 'x'",
        "row 4: unknown transcript 'P99'",
        "row 5: transcript 'P01' has no line 900",
        "row 6: bad line range '15-12' (the first line is after the last)",
        "row 7: code 'Benefits' is a grouping node and cannot be applied",
        "row 8: line 'abc' is not a line number or a range like 12-15",
        "row 9: missing transcript, missing code",
        "row 10: transcript 'P01' has no line 12",
    ]
    assert info.value.render().startswith(
        f"{path}: 8 bad rows, nothing applied: row 3: unknown code 'x'; row 4: unknown"
    )
    assert database_snapshot(study) == before


@pytest.mark.parametrize(
    ("rows", "columns", "message"),
    [
        ([], COLUMNS, "has a header but no rows"),
        ([{"transcript": "P01", "line": "2"}], ["transcript", "line"], "has no 'code' column"),
        (
            [{"transcript": "P01"}],
            ["transcript", "memo"],
            "has no 'line', 'code' columns (found: transcript, memo)",
        ),
    ],
)
def test_file_level_problems(
    study: Project, tmp_path: Path, rows: list, columns: list, message: str
) -> None:
    path = _csv(tmp_path, rows, columns)
    before = database_snapshot(study)
    with pytest.raises(InputFileError) as info:
        apply_bulk(study, path, coder="ana")
    assert message in info.value.message
    assert database_snapshot(study) == before


def test_empty_file(study: Project, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(InputFileError) as info:
        read_bulk_file(path)
    assert info.value.message == f"{path}: is empty"


def test_span_problems(study: Project, tmp_path: Path) -> None:
    seg = study.store.segment_at("P01", 2)
    assert seg is not None
    columns = COLUMNS + ["span_start", "span_end", "uid"]
    rows = [
        {"transcript": "P01", "line": "2", "code": "other", "span_start": str(seg.start)},
        {
            "transcript": "P01",
            "line": "2",
            "code": "other",
            "span_start": "0",
            "span_end": "3",
        },
        {
            "transcript": "P01",
            "line": "2-3",
            "code": "other",
            "span_start": str(seg.start),
            "span_end": str(seg.start + 2),
        },
        {"transcript": "P01", "line": "2", "code": "other", "span_start": "9", "span_end": "9"},
        {"transcript": "P01", "line": "2-3", "code": "other", "uid": "abc"},
    ]
    with pytest.raises(BulkApplyError) as info:
        plan_bulk_apply(study, _csv(tmp_path, rows, columns), coder="ana")
    assert info.value.row_errors == [
        "row 2: span_start and span_end must be given together",
        f"row 3: span 0-3 is not inside line 2 of 'P01' (characters {seg.start}-{seg.end})",
        "row 4: a span needs a single line, not the range 2-3",
        "row 5: span 9-9 is empty (span_end must be after span_start)",
        "row 6: a uid needs a single line, not the range 2-3",
    ]


def test_conflicting_memos_and_uids(study: Project, tmp_path: Path) -> None:
    columns = COLUMNS + ["uid"]
    rows = [
        {"transcript": "P01", "line": "2", "code": "other", "memo": "a", "uid": "u1"},
        {"transcript": "P01", "line": "2", "code": "other", "memo": "b"},
        {"transcript": "P01", "line": "3", "code": "other", "uid": "u1"},
    ]
    with pytest.raises(BulkApplyError) as info:
        apply_bulk(study, _csv(tmp_path, rows, columns), coder="ana")
    assert info.value.row_errors == [
        "row 3: repeats row 2 with a different memo",
        "row 4: uid 'u1' repeats row 2",
    ]


def test_uid_of_another_coding_is_refused(study: Project, tmp_path: Path) -> None:
    columns = COLUMNS + ["uid"]
    apply_bulk(
        study,
        _csv(tmp_path, [{"transcript": "P01", "line": "2", "code": "other", "uid": "u1"}], columns),
        coder="ana",
    )
    with pytest.raises(BulkApplyError) as info:
        apply_bulk(
            study,
            _csv(
                tmp_path,
                [{"transcript": "P01", "line": "3", "code": "other", "uid": "u1"}],
                columns,
                name="b.csv",
            ),
            coder="ana",
        )
    assert info.value.row_errors == ["row 2: uid 'u1' already belongs to another coding"]


def test_no_coder_anywhere(study: Project, tmp_path: Path) -> None:
    path = _csv(tmp_path, [{"transcript": "P01", "line": "2", "code": "other"}])
    with pytest.raises(CodingError) as info:
        apply_bulk(study, path)
    assert str(info.value).endswith("Name the coder.")
    assert render_error(info.value) == (
        f"{path}: no coder named: the file has no 'coder' column values. Pass --coder NAME."
    )
    assert study.store.codings() == []


def test_no_codebook(project: Project, tmp_path: Path) -> None:
    add_transcript(project, "P01", P01_LINES)
    path = _csv(tmp_path, [{"transcript": "P01", "line": "2", "code": "other"}])
    with pytest.raises(CodingError, match="No codebook is loaded"):
        apply_bulk(project, path, coder="ana")


def test_ten_thousand_rows_apply_in_a_few_seconds(project: Project, tmp_path: Path) -> None:
    build_study(project)
    add_transcript(project, "BIG", generated_lines(2_500))
    codes = ["benefits.gap", "benefits.access", "challenges.funding", "other", "benefits.options"]
    rows = [
        {"transcript": "BIG", "line": str(line), "code": codes[k]}
        for line in range(1, 2_501)
        for k in range(4)
        if line % 5 != 1  # every fifth line is the interviewer's
    ]
    path = _csv(tmp_path, rows)
    # Speed is measured in benchmarks/, never asserted here.
    result = apply_bulk(project, path, coder="ana")
    assert result.applied == len(rows) > 7_000
    assert project.store.count_codings() == len(rows)


# -- property: whatever the file, it is applied whole or not at all -------------------------
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["P01", "P02", "P77"]),
            st.sampled_from(["1", "2", "3", "2-4", "4-2", "8", "99", "x"]),
            st.sampled_from(["other", "benefits.gap", "benefits", "nope"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_all_or_nothing(tmp_path_factory: pytest.TempPathFactory, rows: list) -> None:
    folder = tmp_path_factory.mktemp("prop")
    with Project.init(folder / "study") as proj:
        build_study(proj)
        path = write_csv(
            folder / "rows.csv",
            [{"transcript": t, "line": n, "code": c} for t, n, c in rows],
            COLUMNS,
        )
        try:
            result = apply_bulk(proj, path, coder="ana")
        except BulkApplyError as exc:
            assert exc.row_errors
            assert proj.store.count_codings() == 0
        else:
            assert proj.store.count_codings() == result.applied > 0


# -- the command line ---------------------------------------------------------------------
def test_cli_apply_prints_summary(study: Project, cli, tmp_path: Path) -> None:
    path = _csv(tmp_path, [{"transcript": "P01", "line": "2-4", "code": "other"}])
    result = cli("code", "--coder", "ana", "--apply", str(path), "--done")
    assert result.exit_code == 0, result.output
    # Applying a whole table is deliberate: it creates its coder, and says so once.
    assert result.stderr == (
        "New coder 'ana' created.\n"
        "Applied 3 codings to 1 transcript (0 already present)\nMarked P01 as done by ana\n"
    )
    assert study.store.coders() == ["ana"]
    assert result.stdout == ""
    assert study.store.done_transcripts("ana") == {"P01"}
    again = cli("code", "--coder", "ana", "--apply", str(path))
    assert again.stderr == "Applied 0 codings to 1 transcript (3 already present)\n"


def test_cli_bad_rows_is_one_error_line(study: Project, cli, tmp_path: Path) -> None:
    path = _csv(tmp_path, BAD_ROWS[:3])
    result = cli("code", "--coder", "ana", "--apply", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}: 2 bad rows, nothing applied: row 3: unknown code 'x';"
        " row 4: unknown transcript 'P99'. Fix the rows listed and run the same command"
        " again.\n"
    )
    assert study.store.count_codings() == 0


def test_cli_missing_file(study: Project, cli, tmp_path: Path) -> None:
    result = cli("code", "--coder", "ana", "--apply", str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'nope.csv'}: file not found. Check the path and the file name.\n"
    )


def test_cli_option_conflicts(study: Project, cli, tmp_path: Path) -> None:
    path = _csv(tmp_path, [{"transcript": "P01", "line": "2", "code": "other"}])
    result = cli("code", "P01", "--coder", "ana", "--apply", str(path))
    assert result.stderr == (
        "Error: A TRANSCRIPT argument cannot be combined with --apply."
        " The file's 'transcript' column says where each coding goes.\n"
    )
    result = cli("code", "--coder", "ana", "--done")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --done only works with --apply.")
    result = cli("code")
    assert result.stderr == "Error: A coder name is needed. Pass --coder NAME.\n"


def test_cli_launches_the_coding_app(study: Project, cli, monkeypatch) -> None:
    import themekit.coding.tui as tui

    calls: list[dict] = []
    monkeypatch.setattr(
        tui, "run_coding_app", lambda project, **kw: calls.append({"root": project.root, **kw})
    )
    assert cli("coders", "add", "ana").exit_code == 0
    result = cli("code", "P02", "--coder", " ana ", "--show-others")
    assert result.exit_code == 0, result.output
    assert calls == [{"root": study.root, "coder": "ana", "transcript": "P02", "show_others": True}]
    result = cli("code", "P77", "--coder", "ana")
    assert result.stderr == "Error: No transcript 'P77'. See 'themekit transcripts list'.\n"


def test_cli_transcripts_done_and_undo(study: Project, cli) -> None:
    typo = cli("transcripts", "done", "P01", "--coder", "anna")
    assert typo.exit_code == 1
    assert typo.stderr == (
        "Error: Unknown coder 'anna'. Known coders: none yet. Check the spelling"
        " ('themekit coders list'), or add a new coder with 'themekit coders add NAME'.\n"
    )
    assert study.store.coders() == []
    study.store.ensure_coder("ana")
    study.store.ensure_coder("ben")
    # Nothing coded yet: without a terminal to confirm in, nothing is marked.
    refused = cli("transcripts", "done", "P01", "P02", "--coder", "ana")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: P01: ")
    assert refused.stderr.endswith(
        " codable lines are not coded yet (0% coded); nothing was marked."
        " Code them first, or add --yes to mark them done anyway.\n"
    )
    assert "; P02: " in refused.stderr
    assert study.store.done_transcripts("ana") == set()
    result = cli("transcripts", "done", "P01", "P02", "--coder", "ana", "--yes")
    assert result.exit_code == 0, result.output
    assert result.stderr == "Marked P01, P02 as done by ana\n"
    assert study.store.done_transcripts("ana") == {"P01", "P02"}
    result = cli("transcripts", "done", "P02", "--coder", "ana", "--undo")
    assert result.stderr == "Marked P02 as not done by ana\n"
    assert study.store.done_transcripts("ana") == {"P01"}
    result = cli("transcripts", "done", "P01", "P77", "P78", "--coder", "ben", "--yes")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: No transcript 'P77', 'P78'; nothing was marked. See 'themekit transcripts list'.\n"
    )
    assert study.store.done_transcripts("ben") == set()
    actions = [e.action for e in study.store.audit_entries() if e.action.startswith("transcript.")]
    assert actions == ["transcript.done", "transcript.done", "transcript.undone"]
