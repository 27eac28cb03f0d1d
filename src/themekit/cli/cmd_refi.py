"""``themekit export qdpx``: the whole project as a REFI-QDA project for other programs.

The command joins the ``export`` group that ``cmd_export`` creates (it is imported
first by ``register_commands``). Import goes the other way through ``themekit import
FILE.qdpx`` (``cmd_import``), codebooks through ``themekit codebook export --format
qdc`` and ``themekit codebook load FILE.qdc``. The library does the work
(``themekit.refi``); this module parses options and reports.

A .qdpx carries the full transcript text (other QDA programs need it to show the
codings), so it is a transfer of the project, not an anonymised export; the export is
recorded in the audit log (by ``export_qdpx``).
"""

from __future__ import annotations

from pathlib import Path

import typer

from themekit.cli.app import env, open_project
from themekit.cli.render import FORCE_OPTION
from themekit.errors import ExportError

export_app: typer.Typer | None
try:
    from themekit.cli.cmd_export import export_app
except ModuleNotFoundError as exc:  # pragma: no cover - the export group is part of themekit
    if exc.name != "themekit.cli.cmd_export":
        raise
    export_app = None


def export_qdpx_command(
    output: Path = typer.Option(..., "--output", "-o", help="The .qdpx file to write."),
    force: bool = FORCE_OPTION,
) -> None:
    """Write the project as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA or
    QualCoder: transcripts (full text), codebook, coders, participants, codings, memos."""
    from themekit.files.writer import check_destination
    from themekit.refi.qdpx import export_qdpx

    if output.suffix.lower() != ".qdpx":
        raise ExportError(
            f"{output}: a REFI-QDA project file must end in .qdpx.",
            hint=f"Use -o {output.with_suffix('.qdpx').name}.",
        )
    check_destination(output, overwrite=force)  # before any work
    project = open_project()
    summary = export_qdpx(project, output, overwrite=force)
    env().message(f"Wrote {output}: {summary.text()}")
    env().warn(
        "a REFI-QDA project is not anonymised: it holds the full transcripts; keep it as"
        " confidential as they are."
    )


if export_app is not None:
    export_app.command("qdpx")(export_qdpx_command)
