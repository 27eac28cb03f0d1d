"""Hostile and broken input: every importer and loader either succeeds or says why.

Random bytes, text in random encodings, truncated or damaged .docx/.xlsx/.qdc files,
very long lines and deeply nested YAML go to every reader (``read_transcript`` for
each extension, ``read_participants``, ``validate_codebook_file``/``load_codebook``
and the REFI-QDA codebook reader when present). The only allowed outcomes are a result
or a ``ThemekitError`` with a message that names the file; never another exception,
never a hang. Through the CLI a failed import or
load leaves the project exactly as it was. Paths with spaces and non-ASCII characters
work for import, load, export, backup and bundle.
"""

from __future__ import annotations

import importlib
import io
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import themekit
from conftest import CODEBOOKS, SAMPLE, Cli
from themekit.codebook.validate import load_codebook, validate_codebook_file
from themekit.errors import ThemekitError
from themekit.participants import read_participants
from themekit.project import Project
from themekit.transcripts.readers import SUPPORTED_EXTENSIONS, read_transcript

FUZZ = settings(
    max_examples=25,
    deadline=None,  # timing noise is not a bug; speed is measured in benchmarks/
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "cp1252", "latin-1", "shift_jis"]


def outcome(action: Callable[[], Any], path: Path) -> str:
    """ "ok" or "error"; anything but a ThemekitError naming the file fails the test."""
    try:
        action()
    except ThemekitError as exc:
        text = exc.render()
        assert text.strip(), "empty error message"
        assert path.name in text, text
        return "error"
    return "ok"


def _refi_reader() -> Callable[[Path], Any] | None:
    try:
        module = importlib.import_module("themekit.codebook.io_qdc")
    except ImportError:
        return None
    return getattr(module, "read_qdc", None)


def _sample_docx() -> bytes:
    return (SAMPLE / "P01.docx").read_bytes()


def _sample_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["id", "role", "site"])
    sheet.append(["P01", "Probation Service", "Plymouth"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SAMPLE_QDC = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"'
    b' origin="test"><Codes><Code guid="6f0c1a52-4f0a-4e65-8d1e-2b1f5a9f1c01" name="Benefits"'
    b' isCodable="false"><Code guid="6f0c1a52-4f0a-4e65-8d1e-2b1f5a9f1c02" name="Gap"'
    b' isCodable="true"><Description>Filling a gap.</Description></Code></Code></Codes>'
    b"</CodeBook>\n"
)


def damaged(data: bytes, cut: int, flips: list[tuple[int, int]]) -> bytes:
    """``data`` truncated at a fraction ``cut``/1000 and with some bytes overwritten."""
    buffer = bytearray(data[: max(1, len(data) * cut // 1000)])
    for position, value in flips:
        if buffer:
            buffer[position % len(buffer)] = value
    return bytes(buffer)


DAMAGE = st.tuples(
    st.integers(0, 1000),
    st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), max_size=4),
)


# -- transcripts ---------------------------------------------------------------------------------
@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUPPORTED_EXTENSIONS))
def test_random_bytes_to_every_transcript_reader(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    outcome(lambda: read_transcript(path), path)


@FUZZ
@given(
    text=st.text(max_size=800),
    encoding=st.sampled_from(ENCODINGS),
    suffix=st.sampled_from([".txt", ".md", ".vtt", ".srt"]),
)
def test_text_in_random_encodings(tmp_path: Path, text: str, encoding: str, suffix: str) -> None:
    path = tmp_path / f"encoded{suffix}"
    path.write_bytes(text.encode(encoding, errors="replace"))
    outcome(lambda: read_transcript(path), path)


@FUZZ
@given(damage=DAMAGE)
def test_truncated_or_damaged_docx(
    tmp_path: Path, damage: tuple[int, list[tuple[int, int]]]
) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(damaged(_sample_docx(), *damage))
    outcome(lambda: read_transcript(path), path)


@FUZZ
@given(member=st.binary(max_size=500))
def test_docx_with_garbage_xml_inside(tmp_path: Path, member: bytes) -> None:
    source = zipfile.ZipFile(io.BytesIO(_sample_docx()))
    path = tmp_path / "garbage.docx"
    with zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            body = member if item.filename == "word/document.xml" else source.read(item)
            target.writestr(item, body)
    outcome(lambda: read_transcript(path), path)


def test_a_huge_line_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("Participant: " + "word " * 400_000 + "\n", encoding="utf-8")
    assert outcome(lambda: read_transcript(path), path) == "error"


def test_many_long_lines_are_read_or_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "long.vtt"
    body = "WEBVTT\n\n" + "".join(
        f"00:00:{i % 60:02d}.000 --> 00:00:{i % 60:02d}.500\n<v Ana>{'talk ' * 2000}\n\n"
        for i in range(50)
    )
    path.write_text(body, encoding="utf-8")
    outcome(lambda: read_transcript(path), path)


# -- participants ----------------------------------------------------------------------------------
@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_as_participants_csv(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "participants.csv"
    path.write_bytes(data)
    outcome(lambda: read_participants(path), path)


@FUZZ
@given(
    rows=st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=5), max_size=8),
    encoding=st.sampled_from(ENCODINGS),
)
def test_random_tables_as_participants_csv(
    tmp_path: Path, rows: list[list[str]], encoding: str
) -> None:
    path = tmp_path / "people.csv"
    text = "\n".join(",".join(cells) for cells in [["id", "role"], *rows])
    path.write_bytes(text.encode(encoding, errors="replace"))
    outcome(lambda: read_participants(path), path)


@FUZZ
@given(damage=DAMAGE)
def test_truncated_participants_xlsx(
    tmp_path: Path, damage: tuple[int, list[tuple[int, int]]]
) -> None:
    path = tmp_path / "people.xlsx"
    path.write_bytes(damaged(_sample_xlsx(), *damage))
    outcome(lambda: read_participants(path), path)


# -- bulk coding files -----------------------------------------------------------------------------
@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_random_bytes_as_bulk_file(tmp_path: Path, data: bytes, suffix: str) -> None:
    from themekit.coding.bulk import read_bulk_file

    path = tmp_path / f"codings{suffix}"
    path.write_bytes(data)
    outcome(lambda: read_bulk_file(path), path)


# -- codebooks -------------------------------------------------------------------------------------
def _codebook_outcome(path: Path) -> None:
    codebook, problems = validate_codebook_file(path)  # never raises for a bad file
    assert (codebook is None) == any(p.severity == "error" for p in problems)
    outcome(lambda: load_codebook(path), path)


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".yaml", ".yml", ".csv", ".xlsx"]))
def test_random_bytes_as_codebook(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"codebook{suffix}"
    path.write_bytes(data)
    _codebook_outcome(path)


@FUZZ
@given(damage=DAMAGE)
def test_damaged_real_codebook_yaml(
    tmp_path: Path, damage: tuple[int, list[tuple[int, int]]]
) -> None:
    path = tmp_path / "mhtr.yaml"
    path.write_bytes(damaged((CODEBOOKS / "mhtr.yaml").read_bytes(), *damage))
    _codebook_outcome(path)


@pytest.mark.parametrize(
    "text",
    [
        "codes:\n"
        + "".join("  " * i + f"- id: c{i}\n" + "  " * i + "  children:\n" for i in range(400)),
        "codes: " + "[" * 5000 + "]" * 5000,
        "codes: " + "{a: " * 3000 + "1" + "}" * 3000,
        "a: &a [*a]\n",
        "x: &x\n  - *x\n" + "codes: *x\n",
        "codes:\n" + "".join(f"  - id: c{i}\n    label: {'L' * 100_000}\n" for i in range(3)),
    ],
    ids=["nested-children", "nested-lists", "nested-maps", "self-alias", "alias", "long-labels"],
)
def test_deep_and_strange_yaml(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    _codebook_outcome(path)


@pytest.mark.skipif(_refi_reader() is None, reason="REFI-QDA reader not present")
@FUZZ
@given(damage=DAMAGE)
def test_damaged_refi_codebook(tmp_path: Path, damage: tuple[int, list[tuple[int, int]]]) -> None:
    reader = _refi_reader()
    assert reader is not None
    path = tmp_path / "book.qdc"
    path.write_bytes(damaged(SAMPLE_QDC, *damage))
    outcome(lambda: reader(path), path)


def test_refi_codebook_billion_laughs(tmp_path: Path) -> None:
    reader = _refi_reader()
    if reader is None:
        pytest.skip("REFI-QDA reader not present")
    path = tmp_path / "laughs.qdc"
    entities = "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10 if i else "lol"}">' for i in range(10)
    )
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE CodeBook [{entities}]>'
        '<CodeBook><Codes><Code guid="x" name="&l9;" isCodable="true"/></Codes></CodeBook>',
        encoding="utf-8",
    )
    outcome(lambda: reader(path), path)


# -- through the CLI: failures change nothing ---------------------------------------------
def snapshot(root: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(str(root / "themekit.db"))
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}")), key=repr) for t in tables}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def cli_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz-cli") / "project"
    with Project.init(root) as project:
        themekit.import_transcripts(project, [SAMPLE / "P03.txt"], unit="turn")
    return root


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.one_of(st.binary(max_size=1500), DAMAGE.map(lambda d: damaged(_sample_docx(), *d))),
    command=st.sampled_from(["import-txt", "import-docx", "codebook", "participants"]),
)
def test_cli_failure_leaves_the_project_unchanged(
    cli_project: Path, tmp_path: Path, data: bytes, command: str
) -> None:
    cli = Cli(cli_project)
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    name, args = {
        "import-txt": ("T9.txt", ["import", "--unit", "turn"]),
        "import-docx": ("T9.docx", ["import", "--unit", "turn"]),
        "codebook": ("book.yaml", ["codebook", "load"]),
        "participants": ("people.csv", ["participants", "import"]),
    }[command]
    path = folder / name
    path.write_bytes(data)
    before = snapshot(cli_project)
    result = cli(*args, str(path))
    assert "internal error" not in result.stderr, result.stderr
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert result.stderr.startswith("Error: "), result.stderr
        assert snapshot(cli_project) == before


# -- paths with spaces and non-ASCII characters ------------------------------------------
def test_paths_with_spaces_and_accents_work_end_to_end(tmp_path: Path) -> None:
    base = tmp_path / "Études qualitatives" / "projet MHTR ü"
    bare = Cli(None)
    result = bare("init", str(base))
    assert result.exit_code == 0, result.output
    cli = Cli(base)
    inbox = tmp_path / "entrevistas café"
    inbox.mkdir()
    transcript = inbox / "Entrevista nº 3.txt"
    transcript.write_bytes((SAMPLE / "P03.txt").read_bytes())
    book = inbox / "código libro.yaml"
    book.write_bytes((CODEBOOKS / "mhtr.yaml").read_bytes())
    people = inbox / "participantes ö.csv"
    people.write_text("id,role,site\nEntrevista nº 3,Judiciary,Sefton\n", encoding="utf-8")
    for args in (
        ["import", "--unit", "turn", str(transcript)],
        ["codebook", "load", str(book)],
        ["participants", "import", str(people)],
    ):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output)
    with Project.open(base) as project:
        assert project.store.transcript_ids() == ["Entrevista nº 3"]
        segment = project.store.segments("Entrevista nº 3", codable_only=True)[0]
        code = next(e.code.id for e in project.store.current_codebook()[1].walk() if e.code.codable)  # type: ignore[index]
    sheet = inbox / "códigos ana.csv"
    sheet.write_text(
        f"transcript,line,code\nEntrevista nº 3,{segment.line},{code}\n", encoding="utf-8"
    )
    out = tmp_path / "salidas ñ"
    out.mkdir()
    for args in (
        ["code", "--coder", "ana", "--apply", str(sheet)],
        ["codings", "export", "-o", str(out / "codificación final.csv")],
        ["codebook", "export", "-o", str(out / "libro de códigos.yaml")],
        ["backup", "-o", str(out / "copia de seguridad.db")],
        ["bundle", "--coder", "ana", "-o", str(out / "paquete ana.tkb")],
        ["merge", str(out / "paquete ana.tkb")],
        ["merge", str(base)],  # a project folder with spaces and accents (merging itself)
    ):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output)
    exported = (out / "codificación final.csv").read_text(encoding="utf-8")
    assert "Entrevista nº 3" in exported
    assert (out / "libro de códigos.yaml").stat().st_size > 0
    assert (out / "paquete ana.tkb").stat().st_size > 0
    conn = sqlite3.connect(str(out / "copia de seguridad.db"))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
