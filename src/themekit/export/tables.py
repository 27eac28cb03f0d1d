"""A small table model and its writers: Markdown, CSV, XLSX, LaTeX, HTML and Word.

Every tabular export (Table 1, the matrix, the codebook appendix) builds a ``Table``
and hands it to ``render_table`` / ``write_table``; the formats stay consistent and
each writer is tested once. Cells hold text; a cell given as a list of lines becomes
line breaks in Word, HTML and LaTeX and "; " elsewhere.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from themekit.errors import ExportError
from themekit.files.writer import atomic_write_text, atomic_writer

Cell = str | list[str]
TEXT_FORMATS = ("md", "csv", "tex", "html")
BINARY_FORMATS = ("docx", "xlsx")


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Row indexes that start a group (drawn with a rule / bold first cell).
    group_starts: set[int] = field(default_factory=set)
    # What each row is about (e.g. a code id), so a message can name it; optional.
    row_keys: list[str] = field(default_factory=list)


def save_target(target: Path | BinaryIO) -> str | BinaryIO:
    """What python-docx and openpyxl save to: a path as text, or an open binary stream
    (the export writers render into memory so the leak gate reads the very bytes written)."""
    return str(target) if isinstance(target, str | Path) else target


def _flat(cell: Cell, sep: str = "; ") -> str:
    return sep.join(cell) if isinstance(cell, list) else cell


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(table: Table) -> str:
    lines = [f"**{table.caption}**", ""] if table.caption else []
    lines.append("| " + " | ".join(_md_escape(h) for h in table.header) + " |")
    lines.append("|" + "|".join("---" for _ in table.header) + "|")
    for row in table.rows:
        cells = [_md_escape(_flat(c, "<br>")) for c in row]
        lines.append("| " + " | ".join(cells) + " |")
    lines.extend(["", *table.notes] if table.notes else [])
    return "\n".join(lines) + "\n"


def to_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([_flat(c) for c in row])
    return buffer.getvalue()


_TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _tex(text: str) -> str:
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in text)


def to_latex(table: Table) -> str:
    spec = "p{0.28\\linewidth}" + "l" * (len(table.header) - 1)
    if len(table.header) == 2:
        spec = "p{0.3\\linewidth}p{0.62\\linewidth}"
    lines = [
        "\\begin{table}[ht]",
        "\\centering",
        f"\\caption{{{_tex(table.caption)}}}",
        f"\\begin{{tabular}}{{{spec}}}",
        "\\hline",
        " & ".join(f"\\textbf{{{_tex(h)}}}" for h in table.header) + " \\\\",
        "\\hline",
    ]
    for index, row in enumerate(table.rows):
        if index in table.group_starts and index:
            lines.append("\\hline")
        cells = [
            " \\newline ".join(_tex(x) for x in c) if isinstance(c, list) else _tex(c) for c in row
        ]
        lines.append(" & ".join(cells) + " \\\\")
    lines += ["\\hline", "\\end{tabular}"]
    lines += [f"\\par\\small {_tex(n)}" for n in table.notes]
    lines.append("\\end{table}")
    return "\n".join(lines) + "\n"


def to_html(table: Table) -> str:
    def cell(c: Cell) -> str:
        if isinstance(c, list):
            return "<br>".join(html.escape(x) for x in c)
        return html.escape(c)

    parts = ['<table class="themekit">', f"<caption>{html.escape(table.caption)}</caption>"]
    parts.append("<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in table.header))
    parts.append("</tr></thead><tbody>")
    for index, row in enumerate(table.rows):
        css = ' class="group"' if index in table.group_starts else ""
        parts.append(f"<tr{css}>" + "".join(f"<td>{cell(c)}</td>" for c in row) + "</tr>")
    parts.append("</tbody></table>")
    parts += [f'<p class="note">{html.escape(n)}</p>' for n in table.notes]
    return "\n".join(parts) + "\n"


def add_table_to_docx(document: Any, table: Table) -> None:
    """Append a captioned, real Word table to a python-docx Document."""
    from docx.shared import Pt

    caption = document.add_paragraph()
    run = caption.add_run(table.caption)
    run.bold = True
    grid = document.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    for i, heading in enumerate(table.header):
        cell = grid.rows[0].cells[i]
        cell.text = ""
        cell.paragraphs[0].add_run(heading).bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for i, value in enumerate(row):
            lines = value if isinstance(value, list) else [value]
            cells[i].text = lines[0] if lines else ""
            for extra in lines[1:]:
                cells[i].add_paragraph(extra)
    for note in table.notes:
        para = document.add_paragraph()
        para.add_run(note).font.size = Pt(9)


def write_docx(table: Table, path: Path | BinaryIO) -> None:
    from themekit.files.docx import new_docx

    document = new_docx()
    add_table_to_docx(document, table)
    document.save(save_target(path))


def write_xlsx(table: Table, path: Path | BinaryIO, sheet_title: str = "Table") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title[:31]
    sheet.append([table.caption])
    sheet["A1"].font = Font(bold=True)
    sheet.append(table.header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(["\n".join(c) if isinstance(c, list) else c for c in row])
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for note in table.notes:
        sheet.append([note])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60
    book.save(save_target(path))


def render_table(table: Table, fmt: str) -> str:
    renderers = {"md": to_markdown, "csv": to_csv, "tex": to_latex, "html": to_html}
    if fmt not in renderers:
        raise ExportError(f"Format '{fmt}' is written to a file.", hint="Add -o FILE.")
    return renderers[fmt](table)


def write_table(table: Table, fmt: str, path: str | Path, *, overwrite: bool = True) -> None:
    if fmt in TEXT_FORMATS:
        atomic_write_text(path, render_table(table, fmt), overwrite=overwrite)
        return
    with atomic_writer(path, overwrite=overwrite) as tmp:
        if fmt == "docx":
            write_docx(table, tmp)
        elif fmt == "xlsx":
            write_xlsx(table, tmp)
        else:
            raise ExportError(
                f"Unknown format '{fmt}'.", hint="Use md, csv, tex, html, docx or xlsx."
            )
