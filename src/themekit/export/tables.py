"""A small table model and its writers: Markdown, CSV, XLSX, LaTeX, HTML and Word.

Every tabular export (Table 1, the matrix, the codebook appendix) builds a ``Table``
and hands it to ``render_table`` / ``write_table``; the formats stay consistent and
each writer is tested once. Cells hold text; a cell given as a list of lines becomes
line breaks in Word, HTML and LaTeX and "; " elsewhere.

Journal layout (what an editorial office accepts without a formatting query):

* Captions: a caption such as "Table 1. Outline of key themes." is split
  (``caption_parts``) into its label and title. Word gets a real caption (the Caption
  style, "Table " + a ``SEQ Table`` field, inside a ``_Ref`` bookmark so it can be
  cross-referenced); LaTeX gets ``\\caption{title}`` and ``\\label{tab:ref}`` (LaTeX
  numbers it; no "Table 1: Table 1.").
* Word widths come from the content (``docx_layout``): each column is at least as wide
  as its longest word (so no word breaks mid-word); a table whose text fits unwrapped
  is as wide as its content, otherwise the rest of the text width goes to the columns
  with most text. The first layout that fits is used, in this order:
  portrait; portrait with each theme as a row spanning the table; landscape (a section
  of its own); landscape with spanning theme rows; then smaller type (9, 8 pt). Header
  rows repeat on every page (``tblHeader``), rows do not split across pages, and the
  rules are horizontal only (above, under the header, below), like booktabs.
* LaTeX uses booktabs rules and a ``tabularx`` as wide as the text; when the columns'
  longest words cannot fit a portrait text width the table goes on a landscape page
  (``pdflscape``). The packages needed are named in a comment above the table.
* xlsx column widths come from the content, with the header row frozen.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zlib
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
    # Cross-reference name: LaTeX \label{tab:<ref>}, Word bookmark _Ref_<ref>; optional.
    ref: str = ""


_NUMBERED = re.compile(
    r"^(?P<kind>Table|Figure)\s+(?P<number>\d+)(?P<sep>[.:]?\s+)(?P<title>\S.*)$", re.S
)


@dataclass(frozen=True)
class CaptionParts:
    kind: str | None  # "Table" / "Figure" when the caption is numbered
    number: str | None
    separator: str  # what follows the number in the study's style, e.g. ". "
    title: str  # the caption without its label


def caption_parts(caption: str) -> CaptionParts:
    """Split "Table 1. Outline of key themes." into label and title."""
    found = _NUMBERED.match(caption.strip())
    if found is None:
        return CaptionParts(None, None, "", caption.strip())
    return CaptionParts(found["kind"], found["number"], found["sep"], found["title"])


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


# -- text widths ------------------------------------------------------------------------------
# Widths are estimated from character classes of a proportional serif/sans face, erring
# wide (an estimate too narrow would break a word; too wide only costs space).
_NARROW = set("iIjlt.,;:'!|()[]{} f-r`\"")
_WIDE = set("mwMW@%")
_UPPER = set("ABCDEFGHJKLNOPQRSTUVXYZ&#")


def text_width_pt(text: str, size_pt: float, *, bold: bool = False) -> float:
    """Estimated printed width of ``text`` in points at ``size_pt``."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.33
        elif ch in _WIDE:
            em += 0.9
        elif ch in _UPPER:
            em += 0.7
        else:
            em += 0.56
    return em * size_pt * (1.08 if bold else 1.0)


def _lines(cell: Cell) -> list[str]:
    return [
        line for part in (cell if isinstance(cell, list) else [cell]) for line in part.split("\n")
    ]


def _words(cell: Cell) -> list[str]:
    return [word for line in _lines(cell) for word in line.split()]


def longest_word_pt(table: Table, column: int, size_pt: float) -> float:
    """The widest word of a column (header in bold), which its width must hold."""
    widths = [text_width_pt(w, size_pt, bold=True) for w in table.header[column].split()]
    for row in table.rows:
        if column < len(row):
            widths += [text_width_pt(w, size_pt) for w in _words(row[column])]
    return max(widths, default=0.0)


def _natural_pt(table: Table, column: int, size_pt: float) -> float:
    """The width a column would take with no wrapping (capped: long text wraps)."""
    widths = [text_width_pt(table.header[column], size_pt, bold=True)]
    for row in table.rows:
        if column < len(row):
            widths += [text_width_pt(line, size_pt) for line in _lines(row[column])]
    return min(max(widths, default=0.0), 3.2 * 72)


# -- Word layout --------------------------------------------------------------------------------
CELL_PADDING_PT = 2 * 5.4  # Word's default left + right cell margins (0.075 in each)
FONT_SIZES_PT = (10.0, 9.0, 8.0)


@dataclass(frozen=True)
class DocxLayout:
    """How a table is laid out in Word: page orientation, type size, columns."""

    landscape: bool
    font_pt: float
    spanning_themes: bool  # each theme a row across the table, sub-themes below it
    widths_pt: tuple[float, ...]  # of the columns as laid out
    text_width_pt: float
    fits: bool  # every column holds its longest word within the text width

    @property
    def columns(self) -> int:
        return len(self.widths_pt)


def can_span_themes(table: Table) -> bool:
    """Column 1 holds a theme only where a group starts, and column 2 the sub-theme."""
    if len(table.header) < 3 or not table.group_starts:
        return False
    return all(
        bool(_flat(row[0])) == (index in table.group_starts) for index, row in enumerate(table.rows)
    )


def spanned_table(table: Table) -> tuple[Table, list[int]]:
    """The layout with themes as spanning rows: (table without the theme column, the
    indexes of its rows that are theme rows spanning every column)."""
    header = [f"{table.header[0]} / {table.header[1]}", *table.header[2:]]
    out = Table(table.caption, header, notes=list(table.notes), ref=table.ref)
    spanning: list[int] = []
    for index, row in enumerate(table.rows):
        if index in table.group_starts:
            if _flat(row[1]):
                spanning.append(len(out.rows))
                out.group_starts.add(len(out.rows))
                out.rows.append([row[0]] + [""] * (len(header) - 1))
            else:  # a theme with no sub-themes keeps its own counts
                out.group_starts.add(len(out.rows))
                out.rows.append([row[0], *row[2:]])
                continue
        out.rows.append([row[1], *row[2:]])
    return out, spanning


def _widths(
    table: Table, size_pt: float, available: float, skip_rows: frozenset[int] = frozenset()
) -> tuple[list[float], bool]:
    body = Table(
        table.caption, table.header, [r for i, r in enumerate(table.rows) if i not in skip_rows]
    )
    least = [longest_word_pt(body, c, size_pt) + CELL_PADDING_PT for c in range(len(table.header))]
    natural = [
        max(n, m)
        for n, m in zip(
            (_natural_pt(body, c, size_pt) + CELL_PADDING_PT for c in range(len(table.header))),
            least,
            strict=True,
        )
    ]
    if sum(least) > available:
        return least, False
    if sum(natural) <= available:  # no wrapping needed: as wide as the content, no wider
        widths = list(natural)
    else:  # give each column its words, then share the rest by how much text it has
        spare = available - sum(least)
        wants = [n - m for n, m in zip(natural, least, strict=True)]
        total = sum(wants) or 1.0
        widths = [m + spare * w / total for m, w in zip(least, wants, strict=True)]
    return widths, True


def docx_layout(
    table: Table,
    page_width_pt: float,
    page_height_pt: float,
    margins_pt: tuple[float, float, float, float],
) -> DocxLayout:
    """The first layout that fits (see the module docstring): margins are (left, right,
    top, bottom) of the portrait page; a landscape page turns them with it."""
    left, right, top, bottom = margins_pt
    portrait = page_width_pt - left - right
    landscape = page_height_pt - top - bottom
    spannable = can_span_themes(table)
    spanned, span_rows = spanned_table(table) if spannable else (table, [])
    candidates: list[tuple[bool, float, bool]] = []
    for size in FONT_SIZES_PT:
        for is_landscape in (False, True):
            candidates.append((is_landscape, size, False))
            if spannable:
                candidates.append((is_landscape, size, True))
    fallback: DocxLayout | None = None
    for is_landscape, size, span in candidates:
        laid = spanned if span else table
        available = landscape if is_landscape else portrait
        widths, fits = _widths(laid, size, available, frozenset(span_rows) if span else frozenset())
        layout = DocxLayout(is_landscape, size, span, tuple(widths), available, fits)
        if fits:
            return layout
        fallback = layout
    assert fallback is not None
    # Nothing fits (too many groups even at 8 pt on a landscape page): better a table
    # inside the page whose longest words wrap than one running off it; ``fits`` says so.
    scale = fallback.text_width_pt / sum(fallback.widths_pt)
    return DocxLayout(
        fallback.landscape,
        fallback.font_pt,
        fallback.spanning_themes,
        tuple(w * scale for w in fallback.widths_pt),
        fallback.text_width_pt,
        False,
    )


def _set_cell_width(cell: Any, width_pt: float) -> None:
    from docx.shared import Pt

    cell.width = Pt(width_pt)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement

    trPr = row._tr.get_or_add_trPr()
    trPr.append(OxmlElement("w:tblHeader"))


def _keep_row_whole(row: Any) -> None:
    from docx.oxml import OxmlElement

    trPr = row._tr.get_or_add_trPr()
    trPr.append(OxmlElement("w:cantSplit"))


def _set_table_width(grid: Any, widths_pt: tuple[float, ...]) -> None:
    """Fixed layout, the table's and each grid column's width, in twentieths of a point."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    grid.autofit = False
    tblPr = grid._tbl.tblPr
    tblW = tblPr.find(qn("w:tblW"))
    if tblW is None:
        tblW = OxmlElement("w:tblW")
        tblPr.append(tblW)
    tblW.set(qn("w:type"), "dxa")
    tblW.set(qn("w:w"), str(int(sum(widths_pt) * 20)))
    for gridCol, width in zip(grid._tbl.tblGrid.findall(qn("w:gridCol")), widths_pt, strict=True):
        gridCol.set(qn("w:w"), str(int(width * 20)))


def _rules_only(grid: Any) -> None:
    """Horizontal rules only, as journals ask (and as booktabs draws): a rule above the
    table, one under the header row, one below the table; no vertical lines."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def border(parent: Any, side: str, val: str, size: int = 0) -> None:
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), val)
        if size:
            element.set(qn("w:sz"), str(size))
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")
        parent.append(element)

    tblPr = grid._tbl.tblPr
    for old in tblPr.findall(qn("w:tblBorders")):
        tblPr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for side, val, size in (
        ("top", "single", 8),
        ("left", "nil", 0),
        ("bottom", "single", 8),
        ("right", "nil", 0),
        ("insideH", "nil", 0),
        ("insideV", "nil", 0),
    ):
        border(borders, side, val, size)
    tblPr.append(borders)
    for cell in grid.rows[0].cells:
        tcPr = cell._tc.get_or_add_tcPr()
        cell_borders = OxmlElement("w:tcBorders")
        border(cell_borders, "bottom", "single", 4)
        tcPr.append(cell_borders)


def add_caption_to_docx(document: Any, caption: str, ref: str = "") -> Any:
    """A Word caption: Caption style, "Table " + SEQ Table field (+ bookmark) + title."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    parts = caption_parts(caption)
    paragraph = document.add_paragraph(style="Caption")
    paragraph.paragraph_format.keep_with_next = True
    if parts.kind is None:
        paragraph.add_run(parts.title)
        return paragraph
    name = "_Ref_" + re.sub(r"\W", "_", ref or f"{parts.kind}{parts.number}")[:30]
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(zlib.crc32(name.encode("utf-8")) % 100000))
    start.set(qn("w:name"), name)
    paragraph._p.append(start)
    paragraph.add_run(f"{parts.kind} ")
    field_ = OxmlElement("w:fldSimple")
    field_.set(qn("w:instr"), f" SEQ {parts.kind} \\* ARABIC ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = parts.number or "1"
    run.append(text)
    field_.append(run)
    paragraph._p.append(field_)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), start.get(qn("w:id")))
    paragraph._p.append(end)
    paragraph.add_run(f"{parts.separator.rstrip()} {parts.title}".lstrip())
    return paragraph


def _turn_section(section: Any, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT

    if (section.orientation == WD_ORIENT.LANDSCAPE) == landscape:
        return
    width, height = section.page_width, section.page_height
    top, bottom, left, right = (
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    )
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = height, width
    # The margins turn with the page, as in Word.
    section.left_margin, section.right_margin = top, bottom
    section.top_margin, section.bottom_margin = right, left


def _document_is_empty(document: Any) -> bool:
    body = document.element.body
    return not any(child.tag.endswith(("}p", "}tbl")) for child in body)


def add_table_to_docx(document: Any, table: Table) -> DocxLayout:
    """Append a captioned Word table laid out to fit (``docx_layout``); a table that needs
    a landscape page gets a section of its own (the whole document, if it is empty)."""
    from docx.enum.section import WD_SECTION
    from docx.shared import Pt

    section = document.sections[-1]
    if section.orientation:  # already landscape: measure as the portrait page it turns from
        page = (section.page_height.pt, section.page_width.pt)
        margins = (
            section.top_margin.pt,
            section.bottom_margin.pt,
            section.right_margin.pt,
            section.left_margin.pt,
        )
    else:
        page = (section.page_width.pt, section.page_height.pt)
        margins = (
            section.left_margin.pt,
            section.right_margin.pt,
            section.top_margin.pt,
            section.bottom_margin.pt,
        )
    layout = docx_layout(table, page[0], page[1], margins)
    turned = False
    if layout.landscape:
        if _document_is_empty(document):
            _turn_section(section, True)
        else:
            _turn_section(document.add_section(WD_SECTION.NEW_PAGE), True)
            turned = True
    laid, spanning = spanned_table(table) if layout.spanning_themes else (table, [])
    add_caption_to_docx(document, table.caption, table.ref)
    grid = document.add_table(rows=1, cols=len(laid.header))
    grid.style = "Table Grid"
    size = Pt(layout.font_pt)

    def fill(cell: Any, value: Cell, *, bold: bool = False, indent: bool = False) -> None:
        lines = _lines(value) or [""]
        cell.text = ""
        for number, line in enumerate(lines):
            paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
            run = paragraph.add_run(line)
            run.font.size = size
            run.bold = bold or None
            if indent:
                paragraph.paragraph_format.left_indent = Pt(layout.font_pt)

    header = grid.rows[0]
    _repeat_header(header)
    _keep_row_whole(header)
    for i, heading in enumerate(laid.header):
        fill(header.cells[i], heading, bold=True)
    for index, row in enumerate(laid.rows):
        added = grid.add_row()
        _keep_row_whole(added)
        if index in spanning:
            merged = added.cells[0].merge(added.cells[-1])
            fill(merged, row[0], bold=True)
            continue
        for i, value in enumerate(row):
            bold = layout.spanning_themes and index in laid.group_starts and i == 0
            indent = layout.spanning_themes and i == 0 and not bold
            fill(added.cells[i], value, bold=bold, indent=indent)
    _set_table_width(grid, layout.widths_pt)
    _rules_only(grid)
    for row in grid.rows:
        for cell, width in zip(row.cells, layout.widths_pt, strict=False):
            _set_cell_width(cell, width)
    for number, note in enumerate(table.notes):
        paragraph = document.add_paragraph()
        if number == 0 and not note.startswith("Note"):
            lead = paragraph.add_run("Note. ")
            lead.italic = True
            lead.font.size = Pt(9)
        paragraph.add_run(note).font.size = Pt(9)
    if turned:
        _turn_section(document.add_section(WD_SECTION.NEW_PAGE), False)
    return layout


def write_docx(table: Table, path: Path | BinaryIO) -> None:
    from themekit.files.docx import new_docx

    document = new_docx()
    add_table_to_docx(document, table)
    document.save(save_target(path))


def xlsx_column_widths(table: Table, *, least: int = 8, most: int = 60) -> list[float]:
    """Excel column widths (in characters) from the content: the longest line, capped."""
    widths = []
    for column in range(len(table.header)):
        lengths = [len(w) for w in table.header[column].split()] + [len(table.header[column])]
        for row in table.rows:
            if column < len(row):
                lengths += [len(line) for line in _lines(row[column])]
        widths.append(float(min(max(max(lengths, default=0) + 2, least), most)))
    return widths


def write_xlsx(table: Table, path: Path | BinaryIO, sheet_title: str = "Table") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title[:31]
    sheet.append([table.caption])
    sheet["A1"].font = Font(bold=True)
    sheet.append(table.header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        sheet.append(["\n".join(c) if isinstance(c, list) else c for c in row])
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for note in table.notes:
        sheet.append([note])
    for index, width in enumerate(xlsx_column_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    book.save(save_target(path))


# -- LaTeX ------------------------------------------------------------------------------------
LATEX_TEXT_WIDTH_PT = 345.0  # the article class's text width at 10 pt: a safe portrait guess
LATEX_LANDSCAPE_WIDTH_PT = 550.0  # its text height, the width of a landscape page
LATEX_FONT_PT = 9.0  # \small at 10 pt
LATEX_COLSEP_PT = 12.0  # 2 \tabcolsep
LATEX_PREAMBLE = "\\usepackage{booktabs,tabularx,array}"


def latex_layout(table: Table) -> tuple[bool, list[float]]:
    """(landscape, each column's least width in pt): a column holds its longest word."""
    least = [longest_word_pt(table, c, LATEX_FONT_PT) for c in range(len(table.header))]
    need = sum(least) + LATEX_COLSEP_PT * len(least)
    return need > LATEX_TEXT_WIDTH_PT, least


def _latex_spec(table: Table, least: list[float]) -> str:
    """Label and text columns are ``X`` (sharing the width by how much text they hold);
    short columns (counts) are centred ``p`` columns as wide as their longest word."""
    natural = [_natural_pt(table, c, LATEX_FONT_PT) for c in range(len(table.header))]
    text = [c for c in range(len(natural)) if natural[c] > 1.6 * least[c] + 1] or [0]
    shares = [natural[c] for c in text]
    scale = len(text) / (sum(shares) or 1.0)
    specs = []
    for c in range(len(table.header)):
        if c in text:
            hsize = shares[text.index(c)] * scale
            specs.append(f">{{\\raggedright\\arraybackslash\\hsize={hsize:.2f}\\hsize}}X")
        else:
            specs.append(f">{{\\centering\\arraybackslash}}p{{{least[c] + 1:.0f}pt}}")
    return "@{}" + "".join(specs) + "@{}"


def to_latex(table: Table) -> str:
    parts = caption_parts(table.caption)
    landscape, least = latex_layout(table)
    packages = LATEX_PREAMBLE + ("\\usepackage{pdflscape}" if landscape else "")
    lines = [
        f"% Needs in the preamble: {packages}",
        '% For the study\'s caption style ("Table 1. Title."):'
        " \\usepackage[labelsep=period]{caption}",
    ]
    if landscape:
        lines.append("\\begin{landscape}")
    lines += ["\\begin{table}[htbp]", "\\centering", "\\small", f"\\caption{{{_tex(parts.title)}}}"]
    if table.ref:
        lines.append(f"\\label{{tab:{table.ref}}}")
    lines += [
        f"\\begin{{tabularx}}{{\\linewidth}}{{{_latex_spec(table, least)}}}",
        "\\toprule",
        " & ".join(f"\\textbf{{{_tex(h)}}}" for h in table.header) + " \\\\",
        "\\midrule",
    ]
    for index, row in enumerate(table.rows):
        if index in table.group_starts and index:
            lines.append("\\addlinespace")
        cells = [
            " \\newline ".join(_tex(x) for x in c) if isinstance(c, list) else _tex(c) for c in row
        ]
        lines.append(" & ".join(cells) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabularx}"]
    if table.notes:
        lines.append("\\par\\smallskip")
        notes = " ".join(_tex(n) for n in table.notes)
        lines.append(f"{{\\footnotesize\\textit{{Note.}} {notes}\\par}}")
    lines.append("\\end{table}")
    if landscape:
        lines.append("\\end{landscape}")
    return "\n".join(lines) + "\n"


def to_html(table: Table) -> str:
    def cell(c: Cell) -> str:
        if isinstance(c, list):
            return "<br>".join(html.escape(x) for x in c)
        return html.escape(c)

    ident = f' id="{html.escape(table.ref)}"' if table.ref else ""
    parts = [f'<table class="themekit"{ident}>', f"<caption>{html.escape(table.caption)}</caption>"]
    parts.append("<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in table.header))
    parts.append("</tr></thead><tbody>")
    for index, row in enumerate(table.rows):
        css = ' class="group"' if index in table.group_starts else ""
        parts.append(f"<tr{css}>" + "".join(f"<td>{cell(c)}</td>" for c in row) + "</tr>")
    parts.append("</tbody></table>")
    parts += [f'<p class="note">{html.escape(n)}</p>' for n in table.notes]
    return "\n".join(parts) + "\n"


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
