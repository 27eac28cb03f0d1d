"""``themekit bundle`` and ``themekit merge``: coding on several machines.

A coder working on a copy of the project sends ``themekit bundle --coder NAME -o FILE``
to whoever keeps the main project, who runs ``themekit merge FILE`` (or merges the
other project's folder directly). The work happens in ``themekit.team``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from themekit.cli.app import app, env, open_project
from themekit.cli.render import FORCE_OPTION
from themekit.errors import MergeError


@app.command()
def bundle(
    coder: str = typer.Option(..., "--coder", "-c", help="Whose work goes into the bundle."),
    output: Path = typer.Option(..., "--output", "-o", help="The bundle file to write."),
    force: bool = FORCE_OPTION,
) -> None:
    """Write one coder's codings, memos, exemplars, progress and audit log to a file.

    The bundle also holds each transcript version those codings were made on (content
    hash and text) and the codebook, so 'themekit merge FILE' in another copy of the
    project can check versions and re-anchor. It contains interview text: share it as
    you would the project.
    """
    from themekit.files.writer import check_destination
    from themekit.team.bundle import collect, write_bundle

    check_destination(output, overwrite=force)  # before any work
    project = open_project()
    name = coder.strip()
    if name not in project.store.coders():
        known = ", ".join(project.store.coders()) or "none yet"
        raise MergeError(
            f"No coder named '{name}' in this project (coders: {known}).",
            hint="Check the name in --coder; see 'themekit status'.",
        )
    data = collect(project.store, coders=[name], source_name=project.root.name)
    write_bundle(data, output, overwrite=force)
    env().message(
        f"Wrote {output}: {len(data.codings)} codings, {len(data.memos)} memos,"
        f" {len(data.exemplars)} exemplars, {len(data.audit)} audit entries of {name}"
    )


@app.command()
def merge(
    other: Path = typer.Argument(..., help="Another project's folder, or a bundle file."),
    coder: list[str] | None = typer.Option(
        None, "--coder", "-c", help="Only this coder's work (repeatable; default: everyone's)."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Report what would happen; change nothing."
    ),
    write_codebook: Path | None = typer.Option(
        None, "--write-codebook", help="Only write OTHER's codebook to this YAML file, for loading."
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace the --write-codebook file if it exists."
    ),
) -> None:
    """Bring in codings, memos, exemplars, done marks and audit log from OTHER.

    Only adds what is missing here: it never deletes or changes anyone's work, and
    merging the same thing twice adds nothing. Transcripts are compared by content
    hash; where they differ, codings are re-anchored by text and whatever cannot be
    placed is listed, not merged. Codes missing from this codebook stop the merge.
    """
    from themekit.team.bundle import read_source
    from themekit.team.merge import merge_team_data

    data = read_source(other, coders=[c.strip() for c in coder] if coder else None)
    e = env()
    if write_codebook is not None:
        from themekit.codebook.export import codebook_to_yaml
        from themekit.errors import OutputExists
        from themekit.files.writer import atomic_write_text

        codebook = data.codebook_object()
        if codebook is None:
            raise MergeError(f"{other}: has no codebook.", hint="Merge without --write-codebook.")
        try:
            atomic_write_text(write_codebook, codebook_to_yaml(codebook), overwrite=force)
        except OutputExists:
            raise OutputExists(
                f"{write_codebook}: already exists; nothing was written.",
                hint="Add --force to replace it, or choose another --write-codebook file.",
            ) from None
        e.message(f"Wrote the codebook of {data.source_name} to {write_codebook}")
        e.message(f"Next: themekit codebook load {write_codebook}, then themekit merge {other}")
        return
    project = open_project()
    report = merge_team_data(project, data, dry_run=dry_run)
    for line in report.lines():
        e.message(line)
