"""``themekit log``: the audit log, for methods sections and data-protection checks."""

from __future__ import annotations

import typer

from themekit.cli.app import app, open_project
from themekit.cli.render import FORMAT_OPTION, TableFormat, render_rows


@app.command("log")
def log(
    action: str | None = typer.Option(
        None, "--action", "-a", help="Only this action, e.g. export.no_anonymise or coding.apply."
    ),
    actor: str | None = typer.Option(None, "--actor", help="Only this coder or user."),
    last: int | None = typer.Option(None, "--last", "-n", help="Only the last N entries."),
    fmt: TableFormat = FORMAT_OPTION,
) -> None:
    """Show the audit log: who did what, when, under which codebook version, and how."""
    project = open_project()
    entries = project.store.audit_entries(actor=actor, action=action)
    if last is not None:
        entries = entries[-last:] if last > 0 else []
    rows = [
        {
            "at": e.at[:19],
            "actor": e.actor,
            "action": e.action,
            "how": e.how,
            "codebook_version": e.codebook_version,
            "details": ", ".join(f"{k}={v}" for k, v in sorted(e.details.items())),
        }
        for e in entries
    ]
    render_rows(
        rows,
        ["at", "actor", "action", "how", "codebook_version", "details"],
        fmt,
        title="Audit log",
    )
