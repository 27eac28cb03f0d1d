"""Reading a user's table (CSV, TSV, XLSX): one reader, one set of failure messages.

Codebook spreadsheets, bulk codings and participants tables are all "a header row and
rows of cells", and researchers save them from Excel, LibreOffice or a text editor.
``read_table`` returns every row as strings, each with its number, so that callers can
validate columns and report problems by row in their own terms:

* ``number`` is the row as a spreadsheet shows it (the header is usually row 1; blank
  rows count), for CSV the record number, for XLSX the sheet row;
* ``line`` is, for CSV, the line of the file where the row starts (a quoted cell may
  span lines), and equals ``number`` for XLSX.

CSV text is decoded with ``themekit.files.text.decode_user_text`` (one encoding
policy everywhere). The delimiter is tab for ``.tsv``; otherwise it is the one of
comma, semicolon and tab that the header line holds most of (Excel writes semicolons
in locales where the comma is the decimal separator); only the delimiter is guessed:
the rest is the Excel dialect, as guessing quoting from one header line misreads
quoted cells.

XLSX cells become the text a CSV would hold: empty for None, ``12`` for Excel's 12.0,
``true``/``false`` for booleans. A damaged workbook fails in many ways inside openpyxl
and the libraries below it (zip, zlib, XML, struct): all of them, whether raised while
opening or while reading rows, become one ``InputFileError`` saying the file is not a
readable Excel workbook. openpyxl is imported only when a workbook is read.
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from themekit.errors import InputFileError
from themekit.files.text import decode_user_text, read_user_bytes

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (",", ";", "\t")
NOT_A_WORKBOOK = "is not a readable Excel workbook (damaged or not .xlsx)"
NOT_A_WORKBOOK_HINT = "Open it in your spreadsheet and save it again as .xlsx or CSV."


@dataclass(frozen=True)
class TableRow:
    """One row of cells, with its spreadsheet row ``number`` and starting file ``line``."""

    number: int
    line: int
    cells: tuple[str, ...]

    @property
    def blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


@dataclass(frozen=True)
class Table:
    """Every row of a table, blank ones included; the header is the first non-blank row."""

    path: str
    rows: list[TableRow]
    encoding: str | None = None  # the text encoding of a CSV; None for a workbook
    sheet: str | None = None  # the sheet read from a workbook

    @property
    def header(self) -> TableRow | None:
        return next((row for row in self.rows if not row.blank), None)

    def body(self) -> list[TableRow]:
        """The non-blank rows after the header."""
        header = self.header
        if header is None:
            return []
        return [row for row in self.rows if row.number > header.number and not row.blank]


def read_table(path: str | Path, *, sheet_names: Sequence[str] = ()) -> Table:
    """Read a CSV/TSV/XLSX table; every unreadable file is one ``InputFileError``.

    ``sheet_names``: in a workbook, the first sheet whose title matches one of these
    (case-insensitively) is read; otherwise the first sheet.
    """
    path = Path(path)
    if path.suffix.casefold() in EXCEL_SUFFIXES:
        return _read_workbook(path, sheet_names)
    return _read_csv(path)


def guess_delimiter(header_line: str) -> str:
    """Comma, semicolon or tab: whichever the header line holds most of (comma on a tie)."""
    return max(DELIMITERS, key=header_line.count)


def _read_csv(path: Path) -> Table:
    decoded = decode_user_text(read_user_bytes(path), path)
    delimiter = "\t" if path.suffix.casefold() == ".tsv" else None
    return table_from_text(decoded.text, path, delimiter=delimiter, encoding=decoded.encoding)


def table_from_text(
    text: str, path: str | Path, *, delimiter: str | None = None, encoding: str | None = None
) -> Table:
    """The rows of CSV text; ``delimiter`` None guesses it from the first non-blank line."""
    if delimiter is None:
        first = next((line for line in text.splitlines() if line.strip()), "")
        delimiter = guess_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    rows: list[TableRow] = []
    start = 1
    try:
        for number, cells in enumerate(reader, start=1):
            rows.append(TableRow(number, start, tuple(cells)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputFileError(
            path,
            f"is not a readable CSV table (line {reader.line_num or 1}: {exc})",
            hint="Save it again from your spreadsheet as CSV (UTF-8).",
        ) from None
    return Table(str(path), rows, encoding=encoding)


def _damaged_workbook_errors() -> tuple[type[BaseException], ...]:
    from openpyxl.utils.exceptions import InvalidFileException

    # SyntaxError covers the XML parsers' errors (ElementTree's ParseError and lxml's
    # XMLSyntaxError both derive from it); the rest are what zip, zlib, struct and
    # openpyxl's readers raise on truncated or altered files.
    return (
        zipfile.BadZipFile,
        zlib.error,
        struct.error,
        EOFError,
        KeyError,
        IndexError,
        ValueError,
        TypeError,
        AttributeError,
        NotImplementedError,
        SyntaxError,
        InvalidFileException,
    )


def _read_workbook(path: Path, sheet_names: Sequence[str]) -> Table:
    import openpyxl

    damaged: tuple[type[BaseException], ...] = (OSError, *_damaged_workbook_errors())
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputFileError(
            path, "file not found", hint="Check the path and the file name."
        ) from None
    except IsADirectoryError:
        raise InputFileError(
            path, "is a folder, not a file", hint="Give the path of one file."
        ) from None
    except PermissionError as exc:
        raise InputFileError(
            path, f"cannot be read ({exc.strerror})", hint="Check the path and permissions."
        ) from None
    except damaged:
        raise InputFileError(path, NOT_A_WORKBOOK, hint=NOT_A_WORKBOOK_HINT) from None
    try:
        # In read-only mode the sheets are parsed lazily: a damaged sheet fails here.
        wanted = {name.casefold() for name in sheet_names}
        sheets = workbook.worksheets
        if not sheets:
            raise InputFileError(path, "has no worksheets", hint=NOT_A_WORKBOOK_HINT)
        sheet = next((ws for ws in sheets if ws.title.casefold() in wanted), sheets[0])
        rows = [
            TableRow(number, number, tuple(cell_text(value) for value in values))
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
        title = sheet.title
    except damaged:
        raise InputFileError(path, NOT_A_WORKBOOK, hint=NOT_A_WORKBOOK_HINT) from None
    finally:
        workbook.close()
    return Table(str(path), rows, sheet=title)


def cell_text(value: object) -> str:
    """A workbook cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 3 as 3.0
    return str(value)
