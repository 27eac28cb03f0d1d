"""One home per I/O chore: the text decoder, the table reader, the writer, project init.

Through the CLI where there is a command, else through ``themekit.files``.
"""

from __future__ import annotations

import errno
import io
import json
import os
import stat
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers_coding import build_study
from themekit.cli.hints import render_error
from themekit.errors import ExportError, OutputExists, TextDecodeError
from themekit.files import writer
from themekit.files.formats import infer_output_format
from themekit.files.text import decode_user_text
from themekit.files.writer import atomic_write_text, atomic_writer
from themekit.project import Project

SAVE_AS_UTF8 = (
    "Open it in the program that made it and save it as UTF-8 text"
    " (in Excel: Save As > CSV UTF-8; in a text editor: Encoding > UTF-8)."
)
WORKBOOK_HINT = "Open it in your spreadsheet and save it again as .xlsx or CSV."

# -- one decoding policy: transcripts and participants ------------------------------------
TRANSCRIPT = (
    "Interviewer: Was it \u201cworth it\u201d?\nP01: Caf\u00e9-level chaos \u2014 mostly.\n"
)
ENCODED = {
    "utf-8": TRANSCRIPT.encode("utf-8"),
    "utf-8-sig": TRANSCRIPT.encode("utf-8-sig"),
    "utf-16-le": b"\xff\xfe" + TRANSCRIPT.encode("utf-16-le"),
    "utf-16-be": b"\xfe\xff" + TRANSCRIPT.encode("utf-16-be"),
    "cp1252": TRANSCRIPT.encode("cp1252"),
}
UNDECODABLE = b"P01: caf\xe9 and \x81 more\n"
UNDECODABLE_PROBLEM = (
    "is not UTF-8 text (invalid continuation byte at byte 8) and not Windows-1252 text"
    " (byte 0x81 at 14 is undefined there)"
)


@pytest.mark.parametrize("encoding", sorted(ENCODED))
def test_transcript_in_each_encoding(project: Project, cli, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "P01.txt"
    path.write_bytes(ENCODED[encoding])
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert project.store.transcript_text("P01") == TRANSCRIPT


def test_undecodable_transcript_is_our_one_line(project: Project, cli, tmp_path: Path) -> None:
    path = tmp_path / "P01.txt"
    path.write_bytes(UNDECODABLE)
    result = cli("import", str(path))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert errors[0] == f"Error: {path}: {UNDECODABLE_PROBLEM}. {SAVE_AS_UTF8}"
    assert project.store.transcript_ids() == []


PEOPLE = "id,role,site\nP01,caseworker \u201clead\u201d,Caf\u00e9 court\n"


@pytest.mark.parametrize(
    "data",
    [
        PEOPLE.encode("utf-8"),
        PEOPLE.encode("utf-8-sig"),
        b"\xff\xfe" + PEOPLE.encode("utf-16-le"),
        b"\xfe\xff" + PEOPLE.encode("utf-16-be"),
        PEOPLE.encode("utf-16-le"),  # no byte-order mark, but evidently UTF-16
        PEOPLE.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le-no-bom", "cp1252"],
)
def test_participants_in_each_encoding(project: Project, cli, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    result = cli("participants", "import", str(path))
    assert result.exit_code == 0, result.output
    [person] = project.participants()
    assert (person.id, person.role, person.site) == (
        "P01",
        "caseworker \u201clead\u201d",
        "Caf\u00e9 court",
    )


def test_undecodable_participants_is_our_one_line(project: Project, cli, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(b"id,role\nP01,caf\xe9 \x81\n")
    result = cli("participants", "import", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}: is not UTF-8 text (invalid continuation byte at byte 15) and not"
        f" Windows-1252 text (byte 0x81 at 17 is undefined there). {SAVE_AS_UTF8}\n"
    )
    assert project.participants() == []


def test_binary_file_with_nuls_is_not_text(tmp_path: Path) -> None:
    with pytest.raises(TextDecodeError) as caught:
        decode_user_text(bytes(range(256)) * 2, tmp_path / "x.csv")
    assert caught.value.render() == (
        f"{tmp_path / 'x.csv'}: contains NUL bytes (first at byte 0); it looks like a binary"
        " file, not text. If it is text in another encoding, save it as UTF-8."
    )


def test_decoder_keeps_line_endings_and_names_the_encoding(tmp_path: Path) -> None:
    decoded = decode_user_text(b"a\r\nb\rc\n", tmp_path / "x.txt")
    assert (decoded.text, decoded.encoding) == ("a\r\nb\rc\n", "utf-8")


# -- one table reader: damaged workbooks ------------------------------------------------------
def _workbook(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def _with_member(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, content if item.filename == name else source.read(item))
    return buffer.getvalue()


def _corrupt_compressed(data: bytes, name: str) -> bytes:
    """The member's deflate stream starts with a reserved block type: zlib must fail."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    assert info.compress_type == zipfile.ZIP_DEFLATED
    header = data[info.header_offset : info.header_offset + 30]
    name_length = int.from_bytes(header[26:28], "little")
    extra_length = int.from_bytes(header[28:30], "little")
    start = info.header_offset + 30 + name_length + extra_length
    damaged = data[:start] + b"\xff\xff\xff\xff" + data[start + 4 :]
    with pytest.raises(zlib.error):  # the damage is what this test means it to be
        zipfile.ZipFile(io.BytesIO(damaged)).read(name)
    return damaged


def _damaged(kind: str, rows: list[list[str]]) -> bytes:
    good = _workbook(rows)
    if kind == "truncated":
        return good[: len(good) // 2]
    if kind == "garbage-sheet-xml":
        return _with_member(good, SHEET, b"<worksheet><sheetData><row r='1'><c")
    if kind == "corrupt-deflate":
        return _corrupt_compressed(
            _with_member(good, SHEET, zipfile.ZipFile(io.BytesIO(good)).read(SHEET)), SHEET
        )
    if kind == "not-a-zip":
        return b"id,role\nP01,x\n"
    raise AssertionError(kind)


DAMAGE = ["truncated", "garbage-sheet-xml", "corrupt-deflate", "not-a-zip"]


def _workbook_error(path: Path) -> str:
    return (
        f"Error: {path}: is not a readable Excel workbook (damaged or not .xlsx). {WORKBOOK_HINT}\n"
    )


@pytest.mark.parametrize("kind", DAMAGE)
def test_damaged_participants_workbook(project: Project, cli, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "people.xlsx"
    path.write_bytes(_damaged(kind, [["id", "role"], ["P01", "caseworker"]]))
    result = cli("participants", "import", str(path))
    assert result.exit_code == 1
    assert result.stderr == _workbook_error(path)
    assert project.participants() == []


@pytest.mark.parametrize("kind", DAMAGE)
def test_damaged_codings_workbook(project: Project, cli, tmp_path: Path, kind: str) -> None:
    build_study(project)
    path = tmp_path / "codings.xlsx"
    path.write_bytes(_damaged(kind, [["transcript", "line", "code"], ["P01", "3", "benefits.gap"]]))
    result = cli("code", "--apply", str(path), "--coder", "ana")
    assert result.exit_code == 1
    assert result.stderr == _workbook_error(path)
    assert project.store.count_codings() == 0


@pytest.mark.parametrize("kind", DAMAGE)
def test_damaged_codebook_workbook(project: Project, cli, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "codebook.xlsx"
    path.write_bytes(_damaged(kind, [["path", "definition"], ["Benefits > Gap", "d"]]))
    result = cli("codebook", "load", str(path))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert f"{path}:1:1: is not a readable Excel workbook (damaged or not .xlsx)" in result.stderr
    assert project.store.current_codebook() is None


def test_undecodable_codebook_csv(project: Project, cli, tmp_path: Path) -> None:
    path = tmp_path / "codebook.csv"
    path.write_bytes(b"path,definition\nBenefits > Gap,caf\xe9 \x8f\n")
    result = cli("codebook", "load", str(path))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert (
        f"{path}:2:19: is not UTF-8 text (invalid continuation byte at byte 34) and not"
        " Windows-1252 text (byte 0x8F at 36 is undefined there); save it as UTF-8"
    ) in result.stderr
    assert project.store.current_codebook() is None


# -- one writer: the file-system rules ----------------------------------------------------------
@pytest.fixture
def coded(project: Project) -> Project:
    from themekit.coding.service import CodingSession

    build_study(project)
    session = CodingSession(project, "ana")
    session.apply(session.segment("P01", 3), "benefits.gap")
    return project


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_codings_export_has_normal_permissions(
    coded: Project, cli, tmp_path: Path, umask_022: None
) -> None:
    target = tmp_path / "codings.csv"
    result = cli("codings", "export", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_replaced_file_keeps_its_permissions(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "private.csv"
    target.write_text("old\n")
    target.chmod(0o600)
    atomic_write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_fifo_destination_is_refused(coded: Project, cli, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    result = cli("codings", "export", "-o", str(fifo))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {fifo}: is a named pipe (FIFO), not a file; it is left as it is."
        " Give a regular file with -o.\n"
    )
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_folder_destination_is_refused(coded: Project, cli, tmp_path: Path) -> None:
    folder = tmp_path / "out.csv"
    folder.mkdir()
    result = cli("codings", "export", "-o", str(folder))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {folder}: is a folder, not a file; it is left as it is."
        " Give a file name with -o.\n"
    )
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_device_destination_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as caught:
        atomic_write_text("/dev/null", "text")
    assert caught.value.message == "/dev/null: is a device, not a file; it is left as it is."


def test_symlink_is_written_through(coded: Project, cli, tmp_path: Path) -> None:
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir()
    real = elsewhere / "codings.csv"
    real.write_text("old export\n")
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    result = cli("codings", "export", "-o", str(link), "--force")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text(encoding="utf-8-sig").startswith("transcript,line,code,")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["codings.csv"]


def test_dash_means_standard_output(coded: Project, cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("codings", "export", "-o", "-", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [row["code"] for row in json.loads(result.stdout)] == ["benefits.gap"]
    assert not (tmp_path / "-").exists()
    with pytest.raises(ExportError) as caught:
        atomic_write_text("-", "text")
    # The writer serves notebooks too: the library says what to do, the CLI names -o.
    assert (
        str(caught.value)
        == "-: this output cannot be written to standard output. Give a file name."
    )
    assert render_error(caught.value) == (
        "-: this output cannot be written to standard output. Give a file name with -o."
    )


def test_disk_full_leaves_nothing_behind(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "out.csv"
    target.write_text("the previous export\n")

    def full(_descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writer.os, "fsync", full)
    with pytest.raises(ExportError) as caught:
        atomic_write_text(target, "new export\n")
    assert render_error(caught.value) == (
        f"{target}: could not be written, the disk is full (No space left on device);"
        " nothing was written. Free some space or choose another -o path."
    )
    assert str(caught.value).endswith("Free some space or choose another path.")
    assert target.read_text() == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_error_inside_the_block_leaves_no_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), atomic_writer(tmp_path / "out.bin") as temp:
        temp.write_bytes(b"half")
        raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []


def test_overwrite_false_refuses_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "key.csv"
    target.write_text("keep me\n")
    with pytest.raises(OutputExists) as caught:
        atomic_write_text(target, "new\n", overwrite=False)
    assert caught.value.render() == (
        f"{target}: already exists; nothing was written."
        " Pass overwrite=True to replace it, or choose another output path."
    )
    assert target.read_text() == "keep me\n"
    atomic_write_text(tmp_path / "fresh.csv", "new\n", overwrite=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.csv", "key.csv"]


# -- one output-format inference ----------------------------------------------------------------
def test_codings_export_with_an_unknown_extension(coded: Project, cli, tmp_path: Path) -> None:
    target = tmp_path / "codings.txt"
    result = cli("codings", "export", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --format txt: not available here (use csv, json, xlsx)."
        " Pass --format, or an -o file name ending in one of those.\n"
    )
    assert not target.exists()


def test_format_inference_rules() -> None:
    allowed = ["md", "html", "csv"]
    assert infer_output_format(None, None, allowed, "md") == "md"
    assert infer_output_format("-", None, allowed, "md") == "md"
    assert infer_output_format(Path("a.HTM"), None, allowed, "md") == "html"
    assert infer_output_format(Path("a.markdown"), None, allowed, "csv") == "md"
    assert infer_output_format(Path("a.md"), "csv", allowed, "md") == "csv"


# -- settings written by a TOML writer; init all or nothing ---------------------------------------
@pytest.mark.parametrize(
    "name", ["Team\\queens", 'Ana\'s "pilot"', "two\nlines", "C:\\study\\2025 \u201cwave\u201d"]
)
def test_init_name_round_trips(bare_cli, tmp_path: Path, name: str) -> None:
    folder = tmp_path / "study"
    result = bare_cli("init", str(folder), "--name", name)
    assert result.exit_code == 0, result.output
    status = bare_cli("--project", str(folder), "status", "--format", "json")
    assert status.exit_code == 0, status.output
    assert json.loads(status.stdout)["name"] == name


def test_status_shows_a_backslash_name(bare_cli, tmp_path: Path) -> None:
    folder = tmp_path / "study"
    assert bare_cli("init", str(folder), "--name", "Team\\queens").exit_code == 0
    status = bare_cli("--project", str(folder), "status")
    assert status.exit_code == 0, status.output
    assert status.stdout.splitlines()[0] == f"Project: Team\\queens ({folder})"


def _settings_write_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import themekit.project

    def full(path: object, text: str, **options: object) -> None:
        raise ExportError(f"{path}: could not be written, the disk is full.")

    monkeypatch.setattr(themekit.project, "atomic_write_text", full)


def _database_build_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    import themekit.project

    def half_built(path: Path) -> None:
        connection = sqlite3.connect(str(path))
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("CREATE TABLE half (x)")
        raise ExportError(f"{path}: could not be written, the disk is full.")

    monkeypatch.setattr(themekit.project, "Store", half_built)


@pytest.mark.parametrize("failure", [_settings_write_fails, _database_build_fails])
def test_failed_init_leaves_no_half_made_project(
    bare_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure
) -> None:
    folder = tmp_path / "new" / "study"
    failure(monkeypatch)
    result = bare_cli("init", str(folder))
    assert result.exit_code == 1
    assert not (tmp_path / "new").exists()
    monkeypatch.undo()
    result = bare_cli("init", str(folder))
    assert result.exit_code == 0, result.output
    names = {p.name for p in folder.iterdir()}
    assert {"themekit.db", "themekit.toml"} <= names
    assert not [name for name in names if name.endswith(".part")]
    status = bare_cli("--project", str(folder), "status", "--format", "json")
    assert json.loads(status.stdout)["name"] == "study"


def test_codebook_export_dash_is_standard_output(
    coded: Project, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("codebook", "export", "--format", "csv", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("id,path,definition,")
    assert not (tmp_path / "-").exists()
    docx = cli("codebook", "export", "--format", "docx", "-o", "-")
    assert docx.exit_code == 1
    assert docx.stderr == "Error: docx output needs a file. Add -o FILE.docx.\n"
