"""The agreement report as a Word document: the same rows as the Markdown table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from themekit.agree.coefficients import LABELS
from themekit.agree.report import COUNT_FIELDS, SCOPE_CODE, SHORT_LABELS
from themekit.export.tables import Table, add_table_to_docx

if TYPE_CHECKING:
    from themekit.agree.report import AgreementReport


def agreement_table(report: AgreementReport) -> Table:
    names = report.coefficient_names()
    two = len(report.coders) == 2
    head = (
        ["Code", "Units", "Both", f"{report.coders[0]} only", f"{report.coders[1]} only", "Neither"]
        if two
        else ["Code", "Units", "All present", "Split", "All absent"]
    )
    table = Table(
        f"Inter-coder agreement ({', '.join(report.coders)})",
        head + [SHORT_LABELS[n] for n in names],
    )
    for row in report.rows():
        counts = (
            [row[k] for k in COUNT_FIELDS]
            if two
            else [row["units"], row["both"], row["split"], row["neither"]]
        )
        cells: list[str | list[str]] = [row["path"] if row["scope"] == SCOPE_CODE else row["path"]]
        cells += ["" if c is None else str(c) for c in counts]
        for name in names:
            if name in row["coefficients"]:
                value, interval = row["coefficients"][name]
                text = value.format(report.digits)
                if value.value is not None and interval is not None and interval.defined:
                    text += f" {interval.format(report.digits - 1)}"
                cells.append(text)
            else:
                cells.append("")
        table.rows.append(cells)
    table.notes.append(report.summary())
    table.notes.extend(f"Note: {note}." for note in report.notes)
    return table


def domain_tables(report: AgreementReport) -> list[Table]:
    """Per domain: the coefficients (with intervals), its notes and the confusion matrix."""
    tables: list[Table] = []
    for domain in report.domains:
        figures = Table(
            f"Domain: {domain.parent.path} ({len(domain.categories)} categories,"
            f" {domain.units} units)",
            ["Coefficient", "Value"],
        )
        for name, value in domain.coefficients.items():
            interval = (domain.intervals or {}).get(name)
            text = value.format(report.digits)
            if value.value is not None and interval is not None and interval.defined:
                text += f" {interval.format(report.digits - 1)}"
            figures.rows.append([LABELS[name], text])
        figures.notes.extend(f"Note: {note}." for note in domain.notes)
        tables.append(figures)
        if domain.confusion is not None:
            a, b = (tuple(report.coders) + ("A", "B"))[:2]
            matrix = Table(
                f"Domain {domain.parent.path}: rows {a}, columns {b}",
                ["", *domain.categories],
            )
            for category, counts in zip(domain.categories, domain.confusion, strict=True):
                matrix.rows.append([category, *(str(c) for c in counts)])
            tables.append(matrix)
    return tables


def source_table(report: AgreementReport) -> Table | None:
    """NVivo-style rows per code and source, when the report has them."""
    if not report.sources:
        return None
    a, b = (tuple(report.coders) + ("A", "B"))[:2]
    table = Table(
        "By source (characters, as NVivo's coding comparison)",
        ["Code", "Source", "Both", f"{a} only", f"{b} only", "Neither", "% agree", "Cohen κ"],
    )
    for r in report.sources:
        table.rows.append([*r.cells(report.digits)])
    return table


def write_agreement_docx(report: AgreementReport, path: Path) -> None:
    from docx.enum.section import WD_ORIENT

    from themekit.files.docx import new_docx

    document = new_docx()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading("Inter-coder agreement", level=1)
    for line in report.to_markdown().split("\n\n", 1)[0].splitlines():
        document.add_paragraph(line)
    add_table_to_docx(document, agreement_table(report))
    for table in domain_tables(report):
        add_table_to_docx(document, table)
    by_source = source_table(report)
    if by_source is not None:
        add_table_to_docx(document, by_source)
    document.save(str(path))
