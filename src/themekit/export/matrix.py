"""The prevalence matrix, its heatmap, and the framework matrix.

``build_matrix`` counts, for each sub-theme (or theme), the participants of each group
(``--by role``, ``--by site``, any participant attribute) who said something coded with
it or with a code below it, out of the participants interviewed in that group. That is
the evidence behind "across all the professional groups" or "mainly the probation
officers" in a results section.

Group names are participant data, so they pass through the project's register (a
registered site used with ``--by site`` becomes ``[Site 1]``); code labels are gated.

Renderings:

* md: a table of "n (p%)" cells;
* csv: one row per sub-theme, with a count column and a percentage column per group
  (numbers, for further analysis);
* xlsx: the same on a "Matrix" sheet, plus the *framework matrix* on a "Framework"
  sheet: participants by sub-themes, each cell the anonymised coded text, each passage
  prefixed with its line range, as in framework analysis;
* png / svg: a heatmap of the percentages with the counts written in the cells.
  matplotlib is imported inside ``render_heatmap`` and drawn on a bare ``Figure``
  (no pyplot, so no global backend is touched); svg keeps text as text, so the final
  leak gate can read it.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from themekit.export.prevalence import (
    Prevalence,
    check_attribute,
    compute_prevalence,
    percent_half_up,
)
from themekit.export.quotes import Unit, coded_passages, level_units
from themekit.export.tables import Table, save_target

if TYPE_CHECKING:
    from themekit.export.anonymised import ExportAnonymiser
    from themekit.project import Project

EXCEL_CELL_LIMIT = 32_000  # Excel holds 32,767 characters in a cell; keep a margin


@dataclass
class MatrixRow:
    code_id: str
    theme: str
    label: str
    total: int
    counts: list[int]


@dataclass
class FrameworkRow:
    participant: str
    group: str
    cells: list[str]


@dataclass
class PrevalenceMatrix:
    by: str
    level: str
    groups: list[tuple[str, int]]  # (group as shown, participants interviewed in it)
    total: int
    rows: list[MatrixRow]
    framework: list[FrameworkRow] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def level_word(self) -> str:
        return "Theme" if self.level == "theme" else "Sub-theme"


def percent(n: int, total: int) -> float:
    return round(100 * n / total, 1) if total else 0.0


def build_matrix(
    project: Project,
    anonymiser: ExportAnonymiser,
    *,
    by: str,
    coders: Sequence[str] | None = None,
    level: str = "subtheme",
    framework: bool = False,
    prevalence: Prevalence | None = None,
    group_order: Sequence[str] | None = None,
) -> PrevalenceMatrix:
    check_attribute(project, by)
    if prevalence is None:
        prevalence = compute_prevalence(project, coders=coders, group_order=group_order)
    units = level_units(prevalence.codebook, level)
    for unit in units:
        anonymiser.gate(unit.path, f"the label of code {unit.code_id} (or of its theme)")
    groups = prevalence.groups(by)
    shown = [
        (anonymiser.label(name, f"the name of a --by {by} group"), len(members))
        for name, members in groups.items()
    ]
    rows = []
    for unit in units:
        coded = prevalence.by_code[unit.code_id].participants
        rows.append(
            MatrixRow(
                unit.code_id,
                unit.theme,
                unit.label,
                len(coded),
                [len(coded & members) for members in groups.values()],
            )
        )
    matrix = PrevalenceMatrix(by, level, shown, len(prevalence.participants), rows)
    matrix.notes.append(
        f"Participants with at least one coded segment for the {matrix.level_word.lower()},"
        f" of those interviewed in each group (N = {matrix.total}); % rounded half up."
        + (f" {prevalence.basis}" if prevalence.basis else "")
    )
    if framework:
        matrix.framework = _framework(prevalence, units, by, anonymiser)
    return matrix


def _framework(
    prevalence: Prevalence, units: Sequence[Unit], by: str, anonymiser: ExportAnonymiser
) -> list[FrameworkRow]:
    # (participant, column) -> [(line range, index of the passage text)]
    cells: dict[tuple[str, int], list[tuple[str, int]]] = {}
    texts: list[str] = []
    wheres: list[str] = []
    for column, unit in enumerate(units):
        for passage in coded_passages(prevalence, unit):
            cells.setdefault((passage.owner, column), []).append((passage.lines, len(texts)))
            texts.append(passage.text)
            wheres.append(
                f"the framework matrix cell of {passage.owner} and code {unit.code_id}"
                f" (transcript {passage.transcript_id}, lines {passage.lines})"
            )
    cleaned = anonymiser.texts(texts, wheres)
    owners = sorted(
        {*prevalence.participants, *(owner for owner, _ in cells)},
        key=lambda key: (prevalence.group_of(key, by), key),
    )
    rows = []
    for owner in owners:
        row_cells = []
        for column in range(len(units)):
            text = "\n\n".join(
                f"(lines {lines}) {cleaned[index]}"
                for lines, index in cells.get((owner, column), [])
            )
            if len(text) > EXCEL_CELL_LIMIT:
                text = text[:EXCEL_CELL_LIMIT].rsplit(" ", 1)[0] + " . . . (cut to fit the cell)"
            row_cells.append(text)
        rows.append(
            FrameworkRow(
                anonymiser.label(owner, "a participant id in the framework matrix"),
                anonymiser.label(prevalence.group_of(owner, by), f"the name of a --by {by} group"),
                row_cells,
            )
        )
    return rows


# -- text renderings -----------------------------------------------------------------------


def matrix_table(matrix: PrevalenceMatrix) -> Table:
    header = ["Theme", matrix.level_word] if matrix.level != "theme" else ["Theme"]
    header.append(f"All (N = {matrix.total})")
    header += [f"{name} (n = {n})" for name, n in matrix.groups]
    table = Table(
        f"Participants per {matrix.level_word.lower()}, by {matrix.by}",
        header,
        notes=list(matrix.notes),
    )
    last_theme = None
    for row in matrix.rows:
        first = row.theme != last_theme
        if first:
            table.group_starts.add(len(table.rows))
        cells: list[str | list[str]] = [row.theme if first else ""]
        if matrix.level != "theme":
            cells.append(row.label)
        cells.append(f"{row.total} ({percent_half_up(row.total, matrix.total)}%)")
        cells += [
            f"{count} ({percent_half_up(count, n)}%)"
            for count, (_name, n) in zip(row.counts, matrix.groups, strict=True)
        ]
        table.rows.append(cells)
        last_theme = row.theme
    return table


def matrix_records(matrix: PrevalenceMatrix) -> tuple[list[str], list[list[object]]]:
    header = ["theme", "subtheme", "code_id", "all_n", "all_pct"]
    for name, n in matrix.groups:
        header += [f"{name} (n = {n}) n", f"{name} (n = {n}) %"]
    records: list[list[object]] = []
    for row in matrix.rows:
        record: list[object] = [
            row.theme,
            row.label if matrix.level != "theme" else "",
            row.code_id,
            row.total,
            percent(row.total, matrix.total),
        ]
        for count, (_name, n) in zip(row.counts, matrix.groups, strict=True):
            record += [count, percent(count, n)]
        records.append(record)
    return header, records


def matrix_csv(matrix: PrevalenceMatrix) -> str:
    header, records = matrix_records(matrix)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(records)
    return buffer.getvalue()


def write_matrix_xlsx(matrix: PrevalenceMatrix, path: Path | BinaryIO) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Matrix"
    header, records = matrix_records(matrix)
    sheet.append(header)
    for record in records:
        sheet.append(record)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 40
    sheet.freeze_panes = "D2"
    sheet.append([])
    for note in matrix.notes:
        sheet.append([note])
    if matrix.framework is not None:
        frame = book.create_sheet("Framework")
        frame.append(["participant", matrix.by, *[row_label(r) for r in matrix.rows]])
        for cell in frame[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in matrix.framework:
            frame.append([row.participant, row.group, *row.cells])
        for row_cells in frame.iter_rows(min_row=2):
            for cell in row_cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        from openpyxl.utils import get_column_letter

        for index in range(3, len(matrix.rows) + 3):
            frame.column_dimensions[get_column_letter(index)].width = 50
        frame.freeze_panes = "C2"
    book.save(save_target(path))


# -- the heatmap ---------------------------------------------------------------------------------


def row_label(row: MatrixRow) -> str:
    """A heatmap row names its theme too ("Benefits: Filling a previous gap in services"):
    sub-theme names alone are ambiguous once the figure leaves the report."""
    if row.label and row.theme and row.label != row.theme:
        return f"{row.theme}: {row.label}"
    return row.label or row.theme


def heatmap_labels(matrix: PrevalenceMatrix) -> list[str]:
    """Every string drawn on the heatmap (for the gate; images cannot be read back)."""
    return [
        heatmap_title(matrix),
        *[f"{name} (n = {n})" for name, n in matrix.groups],
        *[row_label(row) for row in matrix.rows],
    ]


HEATMAP_MAX_WIDTH_IN = 6.0  # a portrait page's text width (Letter, 1.25 in margins)


def heatmap_title(matrix: PrevalenceMatrix) -> str:
    return f"Participants per {matrix.level_word.lower()}, by {matrix.by} (% of group)"


def render_heatmap(matrix: PrevalenceMatrix, fmt: str = "png") -> bytes:
    import matplotlib
    import numpy as np
    from matplotlib.figure import Figure

    data = np.array(
        [
            [percent(c, n) for c, (_g, n) in zip(r.counts, matrix.groups, strict=True)]
            for r in matrix.rows
        ],
        dtype=float,
    ).reshape(len(matrix.rows), len(matrix.groups))
    # Drawn at the size it is printed (no shrinking text): the width of a portrait page's
    # text, or less; the row labels wrap, and the rows grow with their wrapped lines.
    label_chars = 34
    labels = [textwrap.fill(row_label(r), label_chars) for r in matrix.rows]
    width = min(HEATMAP_MAX_WIDTH_IN, 3.2 + 0.75 * max(1, len(matrix.groups)))
    height = 1.6 + sum(0.16 + 0.12 * label.count("\n") for label in labels) + 0.1 * len(labels)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "themekit"}):
        figure = Figure(figsize=(width, height))
        axes = figure.add_subplot()
        image = axes.imshow(data, cmap="Blues", vmin=0, vmax=100, aspect="auto")
        axes.set_xticks(
            range(len(matrix.groups)),
            labels=[textwrap.fill(g, 16) + f"\n(n = {n})" for g, n in matrix.groups],
            rotation=45 if len(matrix.groups) > 4 else 0,
            ha="right" if len(matrix.groups) > 4 else "center",
            fontsize=7,
        )
        axes.set_yticks(range(len(matrix.rows)), labels=labels, fontsize=7)
        for i, row in enumerate(matrix.rows):
            if i and row.theme != matrix.rows[i - 1].theme:
                axes.axhline(i - 0.5, color="black", linewidth=1.2)
            for j, count in enumerate(row.counts):
                value = data[i, j]
                axes.text(
                    j,
                    i,
                    f"{count}\n{percent_half_up(count, matrix.groups[j][1])}%",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if value > 60 else "black",
                )
        figure.colorbar(image, ax=axes, label="% of participants in the group")
        axes.set_title(heatmap_title(matrix), fontsize=10)
        figure.tight_layout()
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {}
        figure.savefig(buffer, format=fmt, dpi=150, metadata=metadata)
    return buffer.getvalue()
