"""``themekit memos``: every memo, on lines and on codings, listed or exported."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from themekit.cli.app import app, env, open_project
from themekit.cli.render import FORCE_OPTION, FORMAT_OPTION, TableFormat, render_rows

memos_app = typer.Typer(help="Memos: list them, export them.", no_args_is_help=True)
app.add_typer(memos_app, name="memos")


class MemoFormat(str, Enum):
    md = "md"
    csv = "csv"
    json = "json"


@memos_app.command("list")
def list_memos(
    transcript: str | None = typer.Option(None, "--transcript", "-t", help="Only this transcript."),
    coder: str | None = typer.Option(None, "--coder", "-c", help="Only this coder's memos."),
    fmt: TableFormat = FORMAT_OPTION,
) -> None:
    """List memos: transcript, line, speaker, coder, on a line or a coding, the memo."""
    from themekit.coding.memos import MEMO_COLUMNS, memo_table

    rows = memo_table(open_project(), coder=coder, transcript=transcript)
    columns = MEMO_COLUMNS if fmt != TableFormat.table else MEMO_COLUMNS[:-1]
    render_rows(rows, columns, fmt, title="Memos")


@memos_app.command("export")
def export_memos(
    coder: str | None = typer.Option(None, "--coder", "-c", help="Only this coder's memos."),
    transcript: str | None = typer.Option(None, "--transcript", "-t", help="Only this transcript."),
    fmt: MemoFormat | None = typer.Option(
        None, "--format", "-f", help="md, csv or json (default: from the -o extension, else md)."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File to write (default: stdout)."
    ),
    force: bool = FORCE_OPTION,
) -> None:
    """Export memos with the text of their line. The text is the raw interview text."""
    from themekit.coding import memos

    count, text = memos.export_memos(
        open_project(),
        output,
        fmt=fmt.value if fmt else None,
        coder=coder,
        transcript=transcript,
        overwrite=force,
    )
    if text is not None:
        env().write(text)
        return
    env().message(f"Exported {count} memo{'' if count == 1 else 's'} to {output}")
