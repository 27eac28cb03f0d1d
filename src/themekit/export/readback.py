"""Reading an export back for the leak gate: from the bytes written to the text in them.

The final leak gate (``themekit.export.api``) never checks what a writer *meant* to
write; it checks what a reader finds in the bytes that are written (or printed). Each
format in the writer registry (``themekit.export.formats.FORMATS``) names its reader
here, and a test fails if one is missing. There is no fallback: asking for the reader
of a format nobody registered is an ``ExportError``, never an empty text that would
pass the gate vacuously.

Formats that hold no text (png) cannot be read back. Their writer hands over the text
it drew (``Rendered.drawn_text``: the heatmap's title, group names and sub-theme
labels), the reader returns that, and ``GateText.source`` says so, so the result of an
export tells the researcher the gate checked the labels, not the pixels. A png writer
that did not say what it drew is refused.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from themekit.errors import ExportError

# Embedded images (html report, svg) are base64: random letters between "+" and "/"
# could spell a short registered term, and they hold no text anyway.
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")


@dataclass(frozen=True)
class Rendered:
    """The bytes of one export, and for image formats the text drawn into them."""

    data: bytes
    drawn_text: tuple[str, ...] | None = None


@dataclass(frozen=True)
class GateText:
    """What the final gate checks, and where it came from (for the export result)."""

    text: str
    source: str


Reader = Callable[[Rendered], GateText]
FILE_TEXT = "the text read back from the bytes written"


def _decoded(rendered: Rendered) -> str:
    return rendered.data.decode("utf-8")


def read_plain(rendered: Rendered) -> GateText:
    """md, csv, tex: the text as written."""
    return GateText(_decoded(rendered), FILE_TEXT)


def read_markup(rendered: Rendered) -> GateText:
    """html and svg: the markup with embedded images left out and entities decoded, so
    "O&#x27;Brien" is checked as "O'Brien"."""
    return GateText(html.unescape(_DATA_URI.sub("data:", _decoded(rendered))), FILE_TEXT)


def read_json(rendered: Rendered) -> GateText:
    """json: every key and string value, unescaped ("\\nCastellano" is not a word)."""
    pieces: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                pieces.append(str(key))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif value is not None:
            pieces.append(str(value))

    walk(json.loads(_decoded(rendered)))
    return GateText("\n".join(pieces), FILE_TEXT)


def read_docx(rendered: Rendered) -> GateText:
    """Every paragraph, table cell (nested tables too), header, footer and title field."""
    from docx import Document

    document = Document(io.BytesIO(rendered.data))
    pieces: list[str] = []

    def walk_tables(tables: Any) -> None:
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    pieces.extend(p.text for p in cell.paragraphs)
                    walk_tables(cell.tables)

    pieces.extend(p.text for p in document.paragraphs)
    walk_tables(document.tables)
    for section in document.sections:
        for part in (section.header, section.footer):
            pieces.extend(p.text for p in part.paragraphs)
    props = document.core_properties
    pieces += [props.title or "", props.subject or "", props.keywords or ""]
    return GateText("\n".join(pieces), FILE_TEXT)


def read_xlsx(rendered: Rendered) -> GateText:
    """Every sheet title and cell value."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(rendered.data), read_only=True)
    pieces: list[str] = []
    for sheet in book.worksheets:
        pieces.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            pieces.extend(str(v) for v in row if v is not None)
    book.close()
    return GateText("\n".join(pieces), FILE_TEXT)


def read_drawn_text(rendered: Rendered) -> GateText:
    """png: no text can be read from pixels, so the text the writer drew is checked."""
    if rendered.drawn_text is None:
        raise ExportError(
            "An image export did not say which text it drew, so the leak gate cannot check"
            " it; nothing was written.",
            hint="This is a bug in the image writer; please report it.",
        )
    return GateText(
        "\n".join(rendered.drawn_text),
        "the labels drawn into the image (a PNG holds no text to read back)",
    )
