"""Codings out of the project as a table: CSV, JSON or Excel.

One row per coding, with everything needed to read it without themekit (the text
coded, the speaker, the participant and their attributes, the code's path) and
everything needed to apply it again (``transcript``, ``line``, ``code`` as the stable
id, ``coder``, ``memo``, ``span_start``/``span_end`` and ``uid``). Applying an export
with ``themekit code --apply`` into a project holding the same transcripts and
codebook reproduces the codings exactly, uids included, which is how codings travel
between projects. ``line_memo`` is the coder's memo on the whole line (written in the
coding app), repeated on each of their codings of that line; it is for reading and is
not applied back.

The text in an export is the raw interview text: this is a working file for the
research team, not an anonymised output (``themekit export`` makes those).

Files are written with ``themekit.files.writer``'s atomic writer, so an error half-way
never leaves a partial export behind, and the export gets the usual permissions.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from themekit.coding.coders import require_known
from themekit.errors import ExportError
from themekit.files.formats import infer_output_format
from themekit.files.writer import (
    atomic_write_text,
    atomic_writer,
    check_destination,
    wants_stdout,
)
from themekit.model.codebook import Codebook
from themekit.model.rows import CodingRow, SegmentRow

if TYPE_CHECKING:
    from themekit.project import Project
    from themekit.store import Store

FORMATS = ("csv", "json", "xlsx")

LEADING_COLUMNS = [
    "transcript",
    "line",
    "code",
    "code_path",
    "memo",
    "line_memo",
    "coder",
    "text",
]
PERSON_COLUMNS = ["speaker", "participant", "role", "site"]
TRAILING_COLUMNS = [
    "codebook_version",
    "created_at",
    "source",
    "span_start",
    "span_end",
    "uid",
]
LIST_COLUMNS = [
    "transcript",
    "line",
    "code",
    "code_path",
    "coder",
    "span",
    "memo",
    "line_memo",
    "source",
]


@dataclass(frozen=True)
class CodingsTable:
    """Rows of codings with their columns in order (attribute columns vary by project)."""

    columns: list[str]
    rows: list[dict[str, Any]]


def _attribute_columns(names: set[str]) -> dict[str, str]:
    """Participant attribute -> column name, prefixed where it would clash."""
    fixed = set(LEADING_COLUMNS + PERSON_COLUMNS + TRAILING_COLUMNS)
    return {name: f"participant_{name}" if name in fixed else name for name in sorted(names)}


class _CodePaths:
    """Code id -> path text, from the current codebook or the version that coded it."""

    def __init__(self, project: Project) -> None:
        self.store = project.store
        current = self.store.current_codebook()
        self._current = self._paths(current[1]) if current else {}
        self._by_version: dict[int, dict[str, str]] = {}

    @staticmethod
    def _paths(codebook: Codebook) -> dict[str, str]:
        return {entry.code.id: entry.path_text for entry in codebook.walk()}

    def path(self, code_id: str, version: int) -> str:
        if code_id in self._current:
            return self._current[code_id]
        if version not in self._by_version:
            old = self.store.codebook_at(version)
            self._by_version[version] = self._paths(old) if old else {}
        return self._by_version[version].get(code_id, "")


class _CodedText:
    """The segment and the text of each coding, reading each transcript (version) once."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._segments: dict[str, dict[int, SegmentRow]] = {}
        self._texts: dict[tuple[str, int], str] = {}

    def segment(self, transcript_id: str, segment_id: int) -> SegmentRow:
        if transcript_id not in self._segments:
            self._segments[transcript_id] = {s.id: s for s in self.store.segments(transcript_id)}
        found = self._segments[transcript_id].get(segment_id) or self.store.segment(segment_id)
        assert found is not None  # a foreign key guarantees it
        return found

    def text(self, coding: CodingRow, seg: SegmentRow) -> str:
        """The span a coding marks, or its whole segment."""
        if coding.span_start is None or coding.span_end is None:
            return seg.text
        key = (seg.transcript_id, seg.version)
        if key not in self._texts:
            self._texts[key] = self.store.transcript_text(seg.transcript_id, seg.version)
        return self._texts[key][coding.span_start : coding.span_end]


def codings_table(
    project: Project, *, coder: str | None = None, transcript: str | None = None
) -> CodingsTable:
    """Every current (not orphaned) coding, filtered by coder and/or transcript."""
    store = project.store
    if transcript is not None:
        project.require_transcript(transcript)
    if coder is not None:
        coder = require_known(project, coder)
    codings = store.codings(transcript_id=transcript, coder=coder)
    # The coder's memo on the line (written in the coding app) rides on each of their
    # codings of that line, so a memo is never left out of the table.
    memos_on_lines = store.segment_memos(coder)
    resolver = project.resolver()
    paths = _CodePaths(project)
    attribute_names: set[str] = set()
    for someone in resolver.by_id.values():
        attribute_names.update(someone.attributes)
    attribute_columns = _attribute_columns(attribute_names)

    coded = _CodedText(store)
    rows: list[dict[str, Any]] = []
    for c in codings:
        seg = coded.segment(c.transcript_id, c.segment_id)
        text = coded.text(c, seg)
        person = resolver.resolve(c.transcript_id, seg.speaker, seg.codable)
        row: dict[str, Any] = {
            "transcript": c.transcript_id,
            "line": c.line,
            "code": c.code_id,
            "code_path": paths.path(c.code_id, c.codebook_version),
            "memo": c.memo,
            "line_memo": memos_on_lines.get((c.coder, c.segment_id)),
            "coder": c.coder,
            "text": text,
            "speaker": seg.speaker,
            "participant": person.id if person else None,
            "role": person.role if person else None,
            "site": person.site if person else None,
        }
        for name, column in attribute_columns.items():
            row[column] = person.attributes.get(name) if person else None
        row.update(
            {
                "codebook_version": c.codebook_version,
                "created_at": c.created_at,
                "source": c.source,
                "span_start": c.span_start,
                "span_end": c.span_end,
                "uid": c.uid,
            }
        )
        rows.append(row)
    columns = LEADING_COLUMNS + PERSON_COLUMNS + list(attribute_columns.values()) + TRAILING_COLUMNS
    return CodingsTable(columns, rows)


def list_rows(table: CodingsTable) -> list[dict[str, Any]]:
    """The short form ``themekit codings list`` shows (no text or attributes)."""
    out = []
    for row in table.rows:
        span = f"{row['span_start']}-{row['span_end']}" if row["span_start"] is not None else None
        out.append({c: row.get(c) for c in LIST_COLUMNS} | {"span": span})
    return out


# -- formats ------------------------------------------------------------------------------
def to_csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: "" if row.get(c) is None else row.get(c) for c in columns})
    return buffer.getvalue()


def to_json_text(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    return json.dumps(
        [{c: row.get(c) for c in columns} for row in rows], indent=2, ensure_ascii=False
    )


def _write_xlsx(path: Path, rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "codings"
    sheet.append(list(columns))
    for r, row in enumerate(rows, start=2):
        for col, name in enumerate(columns, start=1):
            value = row.get(name)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = sheet.cell(row=r, column=col, value=value)
            if isinstance(value, str):
                # Text starting with "=" is speech or a memo, never a formula.
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    book.save(path)


def write_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    fmt: str,
    output: Path | None,
    *,
    overwrite: bool = True,
) -> str | None:
    """Write to ``output`` atomically and return None, or return the text for stdout."""
    if fmt == "xlsx":
        if output is None:
            raise ExportError(
                "The xlsx format needs an output file.",
                hint="Give an output file, or use the csv or json format for text.",
                next_step="codings.xlsx_output",
            )
        with atomic_writer(output, overwrite=overwrite) as temp:
            _write_xlsx(temp, rows, columns)
        return None
    text = to_csv_text(rows, columns) if fmt == "csv" else to_json_text(rows, columns) + "\n"
    if output is None:
        return text
    # A BOM lets Excel open curly quotes and accents correctly; readers skip it.
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    atomic_write_text(output, text, encoding=encoding, newline="", overwrite=overwrite)
    return None


def export_codings(
    project: Project,
    output: str | Path | None = None,
    *,
    fmt: str | None = None,
    coder: str | None = None,
    transcript: str | None = None,
    overwrite: bool = False,
) -> tuple[int, str | None]:
    """Export codings; return (number of codings, text for stdout or None if written).

    ``output`` None or ``-`` means standard output (not possible for xlsx). An existing
    file is replaced only with ``overwrite=True``; the output is checked before any work.
    The text is the interview text as recorded: a working file, never anonymised.
    """
    target = None if output is None or wants_stdout(output) else Path(output)
    chosen = infer_output_format(target, fmt, FORMATS, "csv")
    if target is not None:
        check_destination(target, overwrite=overwrite)
    table = codings_table(project, coder=coder, transcript=transcript)
    return len(table.rows), write_table(
        table.rows, table.columns, chosen, target, overwrite=overwrite
    )
