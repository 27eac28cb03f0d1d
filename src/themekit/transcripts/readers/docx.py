"""Word transcripts (.docx): body paragraphs and speaker tables, in document order.

Two layouts are common and may be mixed in one document:

* paragraphs, each starting with a speaker label or continuing the previous turn
  (labels as in ``speakers.py``; a name set in bold at the start of a paragraph is a
  label too, with or without a colon);
* a table of two or three columns, one row per turn: speaker | text, or speaker |
  text | time in any column order, as transcription services produce. A first row of
  headers ("Speaker", "Text", "Time", ...) names the columns and is skipped; without
  one, a column whose cells are all times is the time column, and of the other two the
  one with the shorter cells is the speaker. A row with an empty speaker cell continues
  the previous turn. Tables of another width are read cell by cell as paragraphs.

Only the document body is read: headers, footers, footnotes, comments and text boxes
are not part of the interview. The canonical text renders each paragraph as one line
(its soft line breaks become spaces), with a blank line between paragraphs; a table row
is rendered ``"[hh:mm:ss] Speaker: text"`` (time only when the table has one).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from themekit.errors import TranscriptReadError
from themekit.model.transcripts import ImportSettings, ParsedTranscript
from themekit.transcripts.readers.common import (
    MAX_LINE_CHARS,
    TextBuilder,
    empty_file_error,
    read_bytes,
)
from themekit.transcripts.speakers import normalise_speaker, parse_time

_SPEAKER_HEADERS = frozenset({"speaker", "name", "who", "person", "participant", "speaker name"})
_TEXT_HEADERS = frozenset(
    {"text", "transcript", "transcription", "speech", "utterance", "content", "dialogue"}
)
_TIME_HEADERS = frozenset(
    {"time", "timestamp", "time stamp", "start", "start time", "timecode", "time code"}
)
_TIME_CELL = re.compile(r"^[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?$")


def read_docx_transcript(path: Path, settings: ImportSettings) -> ParsedTranscript:
    """Read a .docx transcript (python-docx is imported here, not at module load)."""
    data = read_bytes(path)
    document = _open_document(path, data)
    builder = TextBuilder(settings)
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            _add_table(block, builder, path)
        else:
            _check_length(block.text, path)
            builder.add_paragraph(block.text, bold_label=_leading_bold(block))
    parsed = builder.build("docx")
    if not parsed.turns:
        raise empty_file_error(path)
    return parsed


def _leading_bold(paragraph: Any) -> str | None:
    """The paragraph's leading bold text, when it is followed by more text or stands alone."""
    bold: list[str] = []
    for run in paragraph.runs:
        if not run.text:
            continue
        if run.bold:
            bold.append(run.text)
            continue
        break
    label = "".join(bold)
    return label if label.strip() else None


def _open_document(path: Path, data: bytes) -> Any:
    hint = "Open it in Word and save it as a .docx document (or as .txt), then import again."
    if not zipfile.is_zipfile(path):
        legacy = data.startswith(b"\xd0\xcf\x11\xe0")  # the OLE header of old .doc files
        problem = "is not a .docx file (it is not a zip archive)"
        if legacy:
            problem += "; it looks like an old Word 97-2003 .doc file"
        raise TranscriptReadError(path, problem, hint=hint)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise TranscriptReadError(
            path, "is a zip archive but not a Word document (no word/document.xml)", hint=hint
        )
    import docx

    try:
        return docx.Document(str(path))
    except Exception as exc:  # python-docx raises many types for damaged packages
        raise TranscriptReadError(
            path, f"is a damaged Word document ({type(exc).__name__}: {exc})", hint=hint
        ) from exc


def _add_paragraph_text(text: str, builder: TextBuilder, path: Path) -> None:
    _check_length(text, path)
    builder.add_paragraph(text)


def _check_length(text: str, path: Path) -> None:
    if len(text) > MAX_LINE_CHARS:
        raise TranscriptReadError(
            path,
            f"a paragraph is {len(text):,} characters long; this does not look like a transcript",
            hint=f"Paragraphs are limited to {MAX_LINE_CHARS:,} characters.",
        )


def _cell_texts(row: Any) -> list[str]:
    """The row's cells, left to right, a cell merged across columns counted once."""
    seen: set[int] = set()
    texts: list[str] = []
    for cell in row.cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        texts.append(cell.text.strip())
    return texts


def _add_table(table: Any, builder: TextBuilder, path: Path) -> None:
    rows = [_cell_texts(row) for row in table.rows]
    rows = [row for row in rows if any(row)]
    width = max((len(row) for row in rows), default=0)
    columns = _column_roles(rows) if width in (2, 3) else None
    if columns is None:
        for row in rows:
            for cell in row:
                _add_paragraph_text(cell, builder, path)
        return
    header, speaker_col, text_col, time_col = columns
    for row in rows[1:] if header else rows:
        if len(row) != width:
            for cell in row:
                _add_paragraph_text(cell, builder, path)
            continue
        speech = row[text_col]
        _check_length(speech, path)
        speaker = normalise_speaker(row[speaker_col])
        time = parse_time(row[time_col]) if time_col is not None and row[time_col] else None
        if speaker:
            builder.add_turn(speaker, speech, time_start=time)
        else:
            builder.add_continuation(speech)


def _column_roles(rows: list[list[str]]) -> tuple[bool, int, int, int | None] | None:
    """(has header row, speaker column, text column, time column) or None if unclear."""
    if not rows:
        return None
    width = len(rows[0])
    header = [cell.lower().strip(" :") for cell in rows[0]]
    speaker_cols = [i for i, cell in enumerate(header) if cell in _SPEAKER_HEADERS]
    text_cols = [i for i, cell in enumerate(header) if cell in _TEXT_HEADERS]
    if speaker_cols and text_cols:
        time_cols = [i for i, cell in enumerate(header) if cell in _TIME_HEADERS]
        return True, speaker_cols[0], text_cols[0], (time_cols[0] if time_cols else None)
    body = [row for row in rows if len(row) == width]
    time_col = None
    if width == 3:
        for index in range(width):
            cells = [row[index] for row in body if row[index]]
            if cells and all(_TIME_CELL.match(cell) for cell in cells):
                time_col = index
                break
        if time_col is None:
            return None
    others = [index for index in range(width) if index != time_col]

    def mean_length(index: int) -> float:
        return sum(len(row[index]) for row in body) / max(len(body), 1)

    speaker_col, text_col = sorted(others, key=mean_length)
    return False, speaker_col, text_col, time_col
