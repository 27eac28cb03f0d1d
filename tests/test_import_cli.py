"""`themekit import` and `participants import` through the CLI: good files, bad files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from themekit.project import Project

GOOD = (
    "Interviewer: What changed when the pilot started?\n"
    "P01: We finally had somewhere to send people. It filled a real gap.\n"
    "Interviewer: And the difficulties?\n"
    "P01: Funding, always funding. Nobody knows about next year.\n"
)


def write(path: Path, data: bytes | str) -> Path:
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def test_import_text_creates_segments_with_lines(project: Project, cli, tmp_path: Path) -> None:
    result = cli("import", str(write(tmp_path / "P01.txt", GOOD)))
    assert result.exit_code == 0, result.output
    assert "P01: imported, 6 segments (4 codable)" in result.stderr
    segments = project.store.segments("P01")
    assert [(s.line, s.speaker, s.codable) for s in segments] == [
        (1, "Interviewer", False),
        (2, "P01", True),
        (3, "P01", True),
        (4, "Interviewer", False),
        (5, "P01", True),
        (6, "P01", True),
    ]
    text = project.store.transcript_text("P01")
    assert all(text[s.start : s.end] == s.text for s in segments)
    assert segments[2].text == "It filled a real gap."


def test_reimport_identical_is_a_no_op(project: Project, cli, tmp_path: Path) -> None:
    path = write(tmp_path / "P01.txt", GOOD)
    cli("import", str(path))
    result = cli("import", str(path))
    assert result.exit_code == 0
    assert f"P01: already imported ({path})" in result.stderr
    assert project.store.current_version("P01") == 1


def test_id_option_overrides_file_stem(project: Project, cli, tmp_path: Path) -> None:
    result = cli("import", str(write(tmp_path / "interview 7.txt", GOOD)), "--id", "P07")
    assert result.exit_code == 0, result.output
    assert project.store.transcript_ids() == ["P07"]


def test_unit_option(project: Project, cli, tmp_path: Path) -> None:
    cli("import", str(write(tmp_path / "P01.txt", GOOD)), "--unit", "turn")
    assert [s.text for s in project.store.segments("P01", codable_only=True)] == [
        "We finally had somewhere to send people. It filled a real gap.",
        "Funding, always funding. Nobody knows about next year.",
    ]


BAD_FILES = {
    "empty": ("empty.txt", b"", "is empty"),
    "binary": ("garbage.txt", bytes(range(256)) * 40, ""),
    "docx_not_zip": ("notzip.docx", b"this is not a zip file at all", ""),
    "zip_not_docx": ("zipped.docx", zip_bytes({"hello.txt": b"hi"}), ""),
    "undecodable": (
        "bad.txt",
        "Interviewer: caf\u00e9\n".encode("utf-16-le")[:-1] + b"\x81\x8d",
        "",
    ),
    "unknown_ext": ("notes.pdf", b"%PDF-1.4", ""),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_one_clear_line(project: Project, cli, tmp_path: Path, case: str) -> None:
    name, data, fragment = BAD_FILES[case]
    bad = write(tmp_path / name, data)
    result = cli("import", str(bad))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    error_lines = [line for line in lines if line.startswith("Error: ")]
    assert error_lines[0].startswith(f"Error: {bad}: ")
    assert fragment in error_lines[0]
    assert "Traceback" not in result.output
    assert project.store.transcript_ids() == []


def test_fifty_megabyte_single_line(project: Project, cli, tmp_path: Path) -> None:
    bad = write(tmp_path / "huge.txt", b"word " * (10 * 1024 * 1024))
    result = cli("import", str(bad))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(f"Error: {bad}: ")
    assert project.store.transcript_ids() == []


def test_batch_keeps_good_files_and_reports_bad(project: Project, cli, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    write(folder / "P01.txt", GOOD)
    write(folder / "P02.txt", GOOD.replace("P01", "P02"))
    write(folder / "P03.txt", b"")
    result = cli("import", str(folder))
    assert result.exit_code == 1
    assert project.store.transcript_ids() == ["P01", "P02"]
    assert f"Error: {folder / 'P03.txt'}: " in result.stderr
    assert "2 imported, 0 updated, 0 unchanged, 1 failed" in result.stderr
    assert result.stderr.rstrip().endswith(
        "Error: 1 file could not be imported (see above); the others were imported."
        " Fix or remove them and run the same command again."
    )


def test_debug_shows_traceback(project: Project, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from themekit.cli.app import app

    bad = write(tmp_path / "notes.pdf", b"%PDF")
    result = CliRunner().invoke(
        app, ["--project", str(project.root), "--debug", "codebook", "load", str(bad)]
    )
    assert result.exit_code == 1
    assert "Traceback" in result.stderr


def test_changed_transcript_reanchors_codings(project: Project, cli, tmp_path: Path) -> None:
    from themekit.coding.service import CodingSession
    from themekit.model.codebook import Codebook

    project.store.add_codebook_version(
        Codebook.from_dict(
            {"codes": [{"id": "gap", "label": "Gap"}, {"id": "funding", "label": "Funding"}]}
        ),
        source="test",
        changes={},
    )
    path = write(tmp_path / "P01.txt", GOOD)
    cli("import", str(path))
    session = CodingSession(project, "ana")
    session.apply(project.store.segment_at("P01", 3), "gap")  # "It filled a real gap."
    session.apply(project.store.segment_at("P01", 6), "funding")  # "Nobody knows ..."
    session.set_done("P01")
    changed = GOOD.replace(
        "Interviewer: What changed", "Interviewer: Thanks for joining.\nInterviewer: What changed"
    ).replace("Nobody knows about next year.", "Nobody knows what happens in April.")
    write(path, changed)
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert "P01: updated (new version)" in result.stderr
    assert project.store.current_version("P01") == 2
    codings = {c.code_id: c for c in project.store.codings(include_orphaned=True)}
    assert codings["gap"].line == 4 and not codings["gap"].orphaned
    assert project.store.segment(codings["gap"].segment_id).text == "It filled a real gap."
    # The funding sentence changed too much to be matched: kept, orphaned, listed.
    assert codings["funding"].orphaned
    assert "orphaned: P01 line 6: funding (ana)" in result.stderr
    assert (
        "  done marks cleared for ana: check the changed lines, then"
        " 'themekit transcripts done P01 --coder NAME'" in result.stderr
    )
    assert project.store.done_transcripts("ana") == set()
    listing = cli("codings", "orphaned", "-f", "csv")
    assert listing.stdout.splitlines()[1].startswith(
        "P01,1,6,funding,ana,Nobody knows about next year.,"
    )
    assert "Orphaned codings: 1" in cli("status").stdout
    assert cli("codings", "drop-orphaned").stderr == "Dropped 1 orphaned codings.\n"
    assert project.store.codings(orphaned_only=True) == []


def test_participants_import_and_list(project: Project, cli, tmp_path: Path) -> None:
    table = write(
        tmp_path / "people.csv",
        "id,role,site,years_in_role\nP01,Probation Service,Ashbury,4\nP02,Judiciary,Fenwick,12\n",
    )
    result = cli("participants", "import", str(table))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Imported 2 participants from {table}\n"
    listing = cli("participants", "list", "--format", "csv")
    assert listing.stdout == (
        "id,role,site,years_in_role,transcripts\n"
        "P01,Probation Service,Ashbury,4,\n"
        "P02,Judiciary,Fenwick,12,\n"
    )


def test_participants_duplicate_ids(project: Project, cli, tmp_path: Path) -> None:
    table = write(tmp_path / "people.csv", "id,role\nP01,Judiciary\nP01,Probation Service\n")
    result = cli("participants", "import", str(table))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {table}: duplicate participant id 'P01' (row 3)."
        " Each participant needs a unique id.\n"
    )
    assert project.participants() == []


def test_participants_without_id_column(project: Project, cli, tmp_path: Path) -> None:
    table = write(tmp_path / "people.csv", "name,role\nP01,Judiciary\n")
    result = cli("participants", "import", str(table))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {table}: has no 'id' column (found: name, role)."
        " Name the column that holds participant ids 'id'.\n"
    )


def test_participants_xlsx_with_links(project: Project, cli, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["id", "role", "site", "transcript", "speaker"])
    sheet.append(["P01", "Probation Service", "Ashbury", "int01", "Sam"])
    book.save(tmp_path / "people.xlsx")
    cli("import", str(write(tmp_path / "int01.txt", "Interviewer: Hi.\nSam: Hello there.\n")))
    result = cli("participants", "import", str(tmp_path / "people.xlsx"))
    assert result.exit_code == 0, result.output
    segment = project.store.segment_at("int01", 2)
    assert project.participant_for(segment).role == "Probation Service"
    assert project.participant_for(project.store.segment_at("int01", 1)) is None


def test_participants_csv_with_escaped_quotes(project: Project, cli, tmp_path: Path) -> None:
    table = write(
        tmp_path / "people.csv",
        'id,role,note\nP01,Judiciary,"said ""soft option"" twice"\n',
    )
    assert cli("participants", "import", str(table)).exit_code == 0
    assert project.participants()[0].attributes == {"note": 'said "soft option" twice'}


def test_reimport_with_another_unit_resegments(project: Project, cli, tmp_path: Path) -> None:
    path = write(tmp_path / "P01.txt", GOOD)
    cli("import", str(path))
    result = cli("import", str(path), "--unit", "turn")
    assert result.exit_code == 0, result.output
    assert "P01: updated (new version), 4 segments (2 codable)" in result.stderr
    assert project.store.current_unit("P01") == "turn"
    assert "already imported" in cli("import", str(path), "--unit", "turn").stderr


def test_partial_participants_table_adds_instead_of_wiping(
    project: Project, cli, tmp_path: Path
) -> None:
    cli(
        "participants",
        "import",
        str(write(tmp_path / "a.csv", "id,role,site\nP01,Judiciary,Fenwick\n")),
    )
    result = cli(
        "participants",
        "import",
        str(write(tmp_path / "b.csv", "id,years_in_role,transcript,speaker\nP01,7,P09,Sam\n")),
    )
    assert result.exit_code == 0
    person = project.participants()[0]
    assert (person.role, person.site, person.attributes) == (
        "Judiciary",
        "Fenwick",
        {"years_in_role": 7},
    )
    assert "warning: P01: transcript 'P09' is not imported (yet)" in result.stderr


def test_participant_transcript_column_may_hold_file_names(
    project: Project, cli, tmp_path: Path
) -> None:
    cli("import", str(write(tmp_path / "int01.txt", "Interviewer: Hi.\nSam: Hello there.\n")))
    table = write(tmp_path / "p.csv", "id,role,transcript,speaker\nP01,Judiciary,int01.txt,Sam\n")
    result = cli("participants", "import", str(table))
    assert result.stderr == f"Imported 1 participants from {table}\n"
    assert project.participant_for(project.store.segment_at("int01", 2)).id == "P01"
