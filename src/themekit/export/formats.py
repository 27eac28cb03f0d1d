"""The one writer registry: every export format, how each export renders in it, and how
the leak gate reads it back.

``FORMATS`` maps a format name to an ``ExportFormat``: whether it needs a file (docx,
xlsx, png cannot go to a terminal), one render function per export that offers the
format (``table1``, ``quotes``, ``matrix``, ``report``, ``disagreements``), and the
reader (``themekit.export.readback``) the final leak gate uses on the rendered bytes.
``EXPORT_FORMATS`` lists, per export, the formats it offers in the order the CLI shows
them (its ``--format`` choices, help text and errors are built from it).

A render function takes the export's document (a ``Table``, a ``QuoteBank``, a
``MatrixExport``, a ``Report`` or a ``DisagreementList``, already anonymised) and
``RenderOptions``, and returns ``Rendered``: the bytes, and for an image the text drawn
into it. It renders into memory; ``themekit.export.api`` gates what the reader finds in
those bytes and only then writes them, atomically, or returns them as text.

Adding a format touches two files (see docs/exports.md, "Adding an export format"):
this one (the render functions, an ``ExportFormat`` entry, and the format's place in
``EXPORT_FORMATS``) and ``readback.py`` (its reader). Heavy libraries are imported
inside the render functions, so importing the registry stays cheap.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from themekit.errors import ExportError
from themekit.export import readback
from themekit.export.readback import Reader, Rendered

if TYPE_CHECKING:
    from themekit.export.matrix import PrevalenceMatrix
    from themekit.export.tables import Table


@dataclass(frozen=True)
class RenderOptions:
    """What the caller chose about the rendering rather than the content."""

    cite_lines: bool = False


@dataclass(frozen=True)
class MatrixExport:
    """The matrix export's document: the matrix, and for md its anonymised table."""

    matrix: PrevalenceMatrix
    table: Table | None = None


Render = Callable[[Any, RenderOptions], Rendered]


@dataclass(frozen=True)
class ExportFormat:
    name: str
    file_only: bool  # binary: written to a file, never to the terminal
    renderers: Mapping[str, Render]  # export name -> render function
    read_back: Reader  # what the final leak gate reads in the rendered bytes


def _text(text: str) -> Rendered:
    return Rendered(text.encode("utf-8"))


def _saved(write: Callable[[io.BytesIO], None]) -> Rendered:
    buffer = io.BytesIO()
    write(buffer)
    return Rendered(buffer.getvalue())


# -- render functions, by format -----------------------------------------------------------


def _md_table1(table: Table, options: RenderOptions) -> Rendered:
    from themekit.export.tables import to_markdown

    return _text(to_markdown(table))


def _md_quotes(bank: Any, options: RenderOptions) -> Rendered:
    from themekit.export.quotes import quotes_markdown

    return _text(quotes_markdown(bank, cite_lines=options.cite_lines))


def _md_matrix(doc: MatrixExport, options: RenderOptions) -> Rendered:
    from themekit.export.matrix import matrix_table
    from themekit.export.tables import to_markdown

    return _text(to_markdown(doc.table or matrix_table(doc.matrix)))


def _md_report(report: Any, options: RenderOptions) -> Rendered:
    from themekit.export.report import report_markdown

    return _text(report_markdown(report, cite_lines=options.cite_lines))


def _md_disagreements(found: Any, options: RenderOptions) -> Rendered:
    from themekit.export.disagreements import disagreements_markdown

    return _text(disagreements_markdown(found))


def _csv_table1(table: Table, options: RenderOptions) -> Rendered:
    from themekit.export.tables import to_csv

    return _text(to_csv(table))


def _csv_quotes(bank: Any, options: RenderOptions) -> Rendered:
    from themekit.export.quotes import quotes_csv

    return _text(quotes_csv(bank))


def _csv_matrix(doc: MatrixExport, options: RenderOptions) -> Rendered:
    from themekit.export.matrix import matrix_csv

    return _text(matrix_csv(doc.matrix))


def _csv_disagreements(found: Any, options: RenderOptions) -> Rendered:
    from themekit.export.disagreements import disagreements_csv

    return _text(disagreements_csv(found))


def _tex_table1(table: Table, options: RenderOptions) -> Rendered:
    from themekit.export.tables import to_latex

    return _text(to_latex(table))


def _html_table1(table: Table, options: RenderOptions) -> Rendered:
    from themekit.export.tables import to_html

    return _text(to_html(table))


def _html_report(report: Any, options: RenderOptions) -> Rendered:
    from themekit.export.report import report_html

    return _text(report_html(report, cite_lines=options.cite_lines))


def _json_disagreements(found: Any, options: RenderOptions) -> Rendered:
    from themekit.export.disagreements import disagreements_json

    return _text(disagreements_json(found))


def _docx_table1(table: Table, options: RenderOptions) -> Rendered:
    from themekit.export.tables import write_docx

    return _saved(lambda buffer: write_docx(table, buffer))


def _docx_quotes(bank: Any, options: RenderOptions) -> Rendered:
    from themekit.export.quotes import write_quotes_docx

    return _saved(lambda buffer: write_quotes_docx(bank, buffer, cite_lines=options.cite_lines))


def _docx_report(report: Any, options: RenderOptions) -> Rendered:
    from themekit.export.report import write_report_docx

    return _saved(lambda buffer: write_report_docx(report, buffer, cite_lines=options.cite_lines))


def _docx_disagreements(found: Any, options: RenderOptions) -> Rendered:
    from themekit.export.disagreements import disagreements_table

    return _docx_table1(disagreements_table(found), options)


def _xlsx_table1(table: Table, options: RenderOptions) -> Rendered:
    from themekit.export.tables import write_xlsx

    return _saved(lambda buffer: write_xlsx(table, buffer))


def _xlsx_quotes(bank: Any, options: RenderOptions) -> Rendered:
    from themekit.export.quotes import write_quotes_xlsx

    return _saved(lambda buffer: write_quotes_xlsx(bank, buffer))


def _xlsx_matrix(doc: MatrixExport, options: RenderOptions) -> Rendered:
    from themekit.export.matrix import write_matrix_xlsx

    return _saved(lambda buffer: write_matrix_xlsx(doc.matrix, buffer))


def _png_matrix(doc: MatrixExport, options: RenderOptions) -> Rendered:
    from themekit.export.matrix import heatmap_labels, render_heatmap

    return Rendered(render_heatmap(doc.matrix, "png"), tuple(heatmap_labels(doc.matrix)))


def _svg_matrix(doc: MatrixExport, options: RenderOptions) -> Rendered:
    from themekit.export.matrix import render_heatmap

    # svg keeps its text as text (svg.fonttype none), so the reader reads the file.
    return Rendered(render_heatmap(doc.matrix, "svg"))


# -- the registry --------------------------------------------------------------------------

FORMATS: dict[str, ExportFormat] = {
    "md": ExportFormat(
        "md",
        False,
        {
            "table1": _md_table1,
            "quotes": _md_quotes,
            "matrix": _md_matrix,
            "report": _md_report,
            "disagreements": _md_disagreements,
        },
        readback.read_plain,
    ),
    "csv": ExportFormat(
        "csv",
        False,
        {
            "table1": _csv_table1,
            "quotes": _csv_quotes,
            "matrix": _csv_matrix,
            "disagreements": _csv_disagreements,
        },
        readback.read_plain,
    ),
    "tex": ExportFormat("tex", False, {"table1": _tex_table1}, readback.read_plain),
    "html": ExportFormat(
        "html", False, {"table1": _html_table1, "report": _html_report}, readback.read_markup
    ),
    "json": ExportFormat("json", False, {"disagreements": _json_disagreements}, readback.read_json),
    "svg": ExportFormat("svg", False, {"matrix": _svg_matrix}, readback.read_markup),
    "docx": ExportFormat(
        "docx",
        True,
        {
            "table1": _docx_table1,
            "quotes": _docx_quotes,
            "report": _docx_report,
            "disagreements": _docx_disagreements,
        },
        readback.read_docx,
    ),
    "xlsx": ExportFormat(
        "xlsx",
        True,
        {"table1": _xlsx_table1, "quotes": _xlsx_quotes, "matrix": _xlsx_matrix},
        readback.read_xlsx,
    ),
    "png": ExportFormat("png", True, {"matrix": _png_matrix}, readback.read_drawn_text),
}

# Per export, its formats in the order the CLI lists them; the default is "md".
EXPORT_FORMATS: dict[str, tuple[str, ...]] = {
    "table1": ("docx", "md", "csv", "xlsx", "tex", "html"),
    "quotes": ("docx", "md", "csv", "xlsx"),
    "matrix": ("xlsx", "csv", "md", "png", "svg"),
    "report": ("html", "docx", "md"),
    "disagreements": ("md", "csv", "json", "docx"),
}
DEFAULT_FORMAT = "md"
FILE_ONLY = frozenset(name for name, entry in FORMATS.items() if entry.file_only)


def export_format(name: str, export: str | None = None) -> ExportFormat:
    """The registry entry of a format (offered by ``export``, when given); an unknown
    format is an error, never a pass."""
    entry = FORMATS.get(name)
    if entry is None or (export is not None and export not in entry.renderers):
        offered = EXPORT_FORMATS.get(export, tuple(FORMATS)) if export else tuple(FORMATS)
        raise ExportError(
            f"format {name}: not available here (use {', '.join(offered)}).",
            hint="Name one of those formats, or an output file ending in one of them.",
            next_step="output.format",
            arguments=("format",),
        )
    return entry


def render(export: str, fmt: str, document: Any, options: RenderOptions) -> Rendered:
    return export_format(fmt, export).renderers[export](document, options)
