"""The agreement report as a Word document: the same rows as the Markdown table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

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
    document.save(str(path))
