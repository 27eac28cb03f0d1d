"""``themekit coders add|list``: coders are created on purpose, never by a typo."""

from __future__ import annotations

import typer

from themekit.cli.app import app, env, open_project
from themekit.cli.render import FORMAT_OPTION, TableFormat, render_rows

coders_app = typer.Typer(
    help="Coders: add a new coder (every other command needs a known coder), list, remove.",
    no_args_is_help=True,
)
app.add_typer(coders_app, name="coders")


@coders_app.command("add")
def add(names: list[str] = typer.Argument(..., help="Name(s) of the new coder(s).")) -> None:
    """Add one or more coders; a name that exists already is an error."""
    from themekit.coding.coders import add_coder

    project = open_project()
    for name in names:
        added = add_coder(project, name)
        env().message(f"New coder '{added}' created.")


@coders_app.command("remove")
def remove(name: str = typer.Argument(..., help="The coder to remove.")) -> None:
    """Remove a coder who has no codings, memos, exemplars or done marks (say, a typo)."""
    from themekit.coding.coders import remove_coder

    removed = remove_coder(open_project(), name)
    env().message(f"Coder '{removed}' removed.")


@coders_app.command("list")
def list_coders(fmt: TableFormat = FORMAT_OPTION) -> None:
    """Every coder with their codings, transcripts started and done, and memos."""
    from themekit.coding.coders import coder_summaries

    rows = coder_summaries(open_project())
    columns = ["coder", "codings", "transcripts_started", "transcripts_done", "memos"]
    render_rows(rows, columns, fmt, title="Coders")
