"""``themekit init``, ``status``, ``backup`` and ``restore``."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from themekit.cli.app import app, env, open_project
from themekit.cli.render import FORCE_OPTION


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@app.command()
def init(
    directory: Path = typer.Argument(Path("."), help="Folder for the new project."),
    name: str | None = typer.Option(None, "--name", help="Project name (default: folder name)."),
    nested: bool = typer.Option(
        False, "--nested", help="Create it even inside another project's folder."
    ),
) -> None:
    """Create a project: themekit.toml (settings) and themekit.db (the database).

    Inside another project's folder it refuses (commands run there would find the new
    project, not the outer one), unless --nested says that is meant.
    """
    from themekit.errors import ProjectExists
    from themekit.project import DB_FILE, Project

    target = directory.resolve()
    outer = next((f for f in target.parents if (f / DB_FILE).exists()), None)
    if outer is not None and not nested:
        raise ProjectExists(
            f"{target} is inside the project in {outer}; nothing was created.",
            hint="Work in that project, or pass --nested to create a separate project inside it.",
        )
    project = Project.init(directory, name=name)
    env().message(f"Created project '{project.settings.name}' in {project.root}")
    env().message("Next: themekit import TRANSCRIPTS... and themekit codebook load FILE")


class StatusFormat(str, Enum):
    table = "table"
    json = "json"


@app.command()
def status(
    fmt: StatusFormat = typer.Option(StatusFormat.table, "--format", "-f", help="table or json."),
) -> None:
    """Transcripts, segments, participants by role, codebook version, coverage per coder."""
    project = open_project()
    report = project.status()
    if fmt == StatusFormat.json:
        env().write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    out = env().out
    out.print(f"Project: {report.name} ({report.root})")
    out.print(
        f"Transcripts: {report.transcripts}  segments: {report.segments}"
        f" (codable {report.codable_segments})  words: {report.words}"
    )
    roles = ", ".join(f"{role} {n}" for role, n in report.participants_by_role.items())
    out.print(f"Participants: {report.participants}" + (f" ({roles})" if roles else ""))
    if report.transcripts_without_participant:
        out.print(
            "Transcripts with no participant: "
            + ", ".join(report.transcripts_without_participant)
            + " (add them to the participants table: transcript and speaker columns)"
        )
    if report.codebook_version is None:
        out.print("Codebook: none loaded (themekit codebook load FILE)")
    else:
        out.print(f"Codebook: version {report.codebook_version}, {report.codes} codes")
    out.print(f"Codings: {report.codings}")
    if report.orphaned_codings:
        out.print(
            f"Orphaned codings: {report.orphaned_codings} (a transcript changed;"
            " see 'themekit codings orphaned')"
        )
    for row in report.coverage:
        share = 100 * int(row["coded"]) / int(row["codable"]) if row["codable"] else 0.0
        out.print(
            f"  {row['coder']}: {_plural(int(row['transcripts_started']), 'transcript')} started,"
            f" {row['transcripts_done']} done; in them {row['coded']}/{row['codable']}"
            f" codable segments coded ({share:.0f}%)"
        )


@app.command()
def backup(
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Backup file (default: backups/themekit-DATE.db)."
    ),
    force: bool = FORCE_OPTION,
) -> None:
    """Copy the project database safely, even while others are coding."""
    if output is not None:
        from themekit.files.writer import check_destination

        check_destination(output, overwrite=force)  # before opening the project
    project = open_project()
    target = project.backup(output, overwrite=force)
    env().message(f"Backed up to {target}")


@app.command()
def restore(
    backup_file: Path = typer.Argument(..., help="A backup made by 'themekit backup'."),
) -> None:
    """Replace the project database with a backup (the current one is kept aside)."""
    project = open_project()
    kept = project.restore(backup_file)
    env().message(f"Restored from {backup_file}; the previous database is kept as {kept.name}")
