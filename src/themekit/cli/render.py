"""Rendering lists of records as a rich table, CSV or JSON on stdout; shared options."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from enum import Enum
from typing import Any

import typer

from themekit.cli.app import env


class TableFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


FORMAT_OPTION = typer.Option(TableFormat.table, "--format", "-f", help="Output format.")
# One rule for every command that writes a file named with -o: an existing file is
# replaced only when asked. No short form: -f is --format throughout the command line.
FORCE_OPTION = typer.Option(
    False, "--force", help="Replace the -o file if it exists (without it, nothing is written)."
)


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in columns})
    return buffer.getvalue()


def render_rows(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    fmt: TableFormat,
    *,
    title: str | None = None,
) -> None:
    e = env()
    if fmt == TableFormat.json:
        e.write(json.dumps(list(rows), indent=2, ensure_ascii=False, default=str))
    elif fmt == TableFormat.csv:
        e.write(to_csv(rows, columns))
    else:
        from rich.table import Table

        table = Table(title=title, show_lines=False)
        for column in columns:
            table.add_column(column.replace("_", " "))
        for row in rows:
            table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
        e.out.print(table)
