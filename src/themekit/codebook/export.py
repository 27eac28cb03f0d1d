"""Writing a codebook out: YAML (the editable source), and the appendix table as
Markdown, CSV or a Word document.

The YAML writer is the inverse of ``io_yaml``: keys in a fixed, readable order (id,
label, guidance, then attributes, children last), multi-line text as ``|`` blocks, and
only the keys that differ from their defaults, so a file a person wrote and the file
themekit writes back look alike. ``codebook_to_csv`` writes the path layout that
``io_table`` reads, with explicit ids so the round trip keeps them.

The appendix table (Markdown and Word) has one row per code in codebook order:
path, definition, include, exclude and examples; grouping nodes (``codable: false``)
appear too, so the reader sees the hierarchy. python-docx is imported only inside
``write_codebook_docx``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml

from themekit.errors import ExportError
from themekit.model.codebook import Code, Codebook, CodeEntry

APPENDIX_CAPTION = "Appendix: Codebook"
TABLE_HEADERS = ("Code", "Definition", "Include", "Exclude", "Examples")
CSV_COLUMNS = (
    "id",
    "path",
    "definition",
    "include",
    "exclude",
    "examples",
    "colour",
    "codable",
    "value",
    "guid",
)

_BaseDumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _CodebookDumper(_BaseDumper):
    """Writes multi-line strings as literal blocks so definitions stay readable."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    if "\n" in text and text == text.strip():
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", text)


_CodebookDumper.add_representer(str, _represent_text)


def codebook_to_yaml(codebook: Codebook) -> str:
    """The codebook as YAML that ``io_yaml`` reads back to an equal ``Codebook``."""
    data: dict[str, Any] = {}
    if codebook.name:
        data["name"] = codebook.name
    if codebook.description:
        data["description"] = codebook.description
    data["codes"] = [code.to_dict() for code in codebook.codes]
    text: str = yaml.dump(
        data,
        Dumper=_CodebookDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
        indent=2,
    )
    return text


def _examples_text(code: Code, separator: str) -> str:
    return separator.join(f"\u201c{example}\u201d" for example in code.examples)


def _markdown_cell(text: str) -> str:
    # A pipe ends a cell and a line break ends the row: escape both.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def codebook_to_markdown(codebook: Codebook) -> str:
    """The appendix table as a Markdown (GitHub/pandoc pipe) table with a caption line."""
    title = f"{APPENDIX_CAPTION}: {codebook.name}" if codebook.name else APPENDIX_CAPTION
    lines = [f"**{_markdown_cell(title)}**", ""]
    lines.append("| " + " | ".join(TABLE_HEADERS) + " |")
    lines.append("|" + "---|" * len(TABLE_HEADERS))
    for entry in codebook.walk():
        code = entry.code
        path = _markdown_cell(entry.path_text)
        cells = [
            path if code.codable else f"**{path}**",
            _markdown_cell(code.definition),
            _markdown_cell(code.include),
            _markdown_cell(code.exclude),
            _markdown_cell(_examples_text(code, "<br>")),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _csv_examples(examples: list[str]) -> str:
    # One example per line inside the cell: ``io_table`` then splits on line breaks only,
    # so an example that itself contains ``|`` survives the round trip.
    text = "\n".join(example.replace("\n", " ") for example in examples)
    if len(examples) == 1 and "|" in text:
        text += "\n"
    return text


def _value_text(value: float | None) -> str:
    if value is None:
        return ""
    return repr(float(value))


def codebook_to_csv(codebook: Codebook) -> str:
    """The codebook in the path layout that ``io_table`` loads back (ids kept)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in codebook.walk():
        code = entry.code
        writer.writerow(
            [
                code.id,
                entry.path_text,
                code.definition,
                code.include,
                code.exclude,
                _csv_examples(code.examples),
                code.colour or "",
                "true" if code.codable else "false",
                _value_text(code.value),
                code.guid or "",
            ]
        )
    return buffer.getvalue()


def _table_row(entry: CodeEntry) -> list[str]:
    code = entry.code
    return [
        entry.path_text,
        code.definition,
        code.include,
        code.exclude,
        _examples_text(code, "\n"),
    ]


def write_codebook_docx(codebook: Codebook, path: str | Path) -> None:
    """Write the appendix table as a Word document: a caption, then one table.

    The page is landscape because five text columns do not fit a portrait page.
    """
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    from themekit.files.docx import new_docx

    document = new_docx()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width

    caption = document.add_paragraph(APPENDIX_CAPTION, style="Caption")
    if codebook.name:
        caption.add_run(f": {codebook.name}")
    table = document.add_table(rows=1, cols=len(TABLE_HEADERS))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, TABLE_HEADERS, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(heading)
        run.bold = True
    for entry in codebook.walk():
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, _table_row(entry), strict=True)):
            cell.text = text
            if index == 0 and not entry.code.codable:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    try:
        document.save(str(path))
    except OSError as exc:
        raise ExportError(
            f"{path}: cannot write the Word file: {exc.strerror or exc}",
            hint="Check that the folder exists and the file is not open in Word.",
        ) from exc
