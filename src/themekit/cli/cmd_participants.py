"""``themekit participants import|list``."""

from __future__ import annotations

from pathlib import Path

import typer

from themekit.cli.app import app, env, open_project
from themekit.cli.render import FORMAT_OPTION, TableFormat, render_rows

participants_app = typer.Typer(
    help="Participants and their attributes (role, site, ...).", no_args_is_help=True
)
app.add_typer(participants_app, name="participants")


@participants_app.command("import")
def import_participants(
    file: Path = typer.Argument(..., help="A .csv or .xlsx table with an 'id' column."),
) -> None:
    """Import participants: id, role, site, any attribute columns, optional transcript/speaker."""
    project = open_project()
    from themekit.participants import import_participants, participant_link_warnings

    n = import_participants(project, file)
    env().message(f"Imported {n} participants from {file}")
    for warning in participant_link_warnings(project):
        env().warn(warning)


@participants_app.command("list")
def list_participants(fmt: TableFormat = FORMAT_OPTION) -> None:
    """List participants with their attributes and transcripts."""
    project = open_project()
    people = project.participants()
    links = project.store.participant_links()
    extra: list[str] = []
    for p in people:
        for key in p.attributes:
            if key not in extra:
                extra.append(key)
    rows = []
    for p in people:
        transcripts = sorted({t for (t, _s), pid in links.items() if pid == p.id})
        if not transcripts and project.store.has_transcript(p.id):
            transcripts = [p.id]
        rows.append(
            {
                "id": p.id,
                "role": p.role,
                "site": p.site,
                **p.attributes,
                "transcripts": " ".join(transcripts),
            }
        )
    render_rows(rows, ["id", "role", "site", *extra, "transcripts"], fmt, title="Participants")
