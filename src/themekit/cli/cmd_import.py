"""``themekit import``: transcripts (and REFI-QDA projects) into the project."""

from __future__ import annotations

from pathlib import Path

import typer

from themekit.cli.app import app, env, open_project
from themekit.cli.hints import render_error
from themekit.errors import ThemekitError


@app.command("import")
def import_(
    paths: list[Path] = typer.Argument(
        ..., help="Transcript files or folders (.docx .txt .md .vtt .srt .qdpx)."
    ),
    unit: str | None = typer.Option(
        None, "--unit", help="Segment unit: sentence (default), turn, paragraph or line."
    ),
    transcript_id: str | None = typer.Option(
        None, "--id", help="Transcript id (default: the file name without extension)."
    ),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="REFI-QDA projects (.qdpx): import nothing, and exit 1, when a source is missing"
        " or a passage does not fit its text.",
    ),
    snap: bool = typer.Option(
        False,
        "--snap",
        help="REFI-QDA projects: move a passage that cuts a word or a character, or ends"
        " past its text, to the nearest boundary instead of skipping it (both are reported).",
    ),
    flat_codes: bool = typer.Option(
        False,
        "--flat-codes",
        help="REFI-QDA projects: keep ATLAS.ti's 'Parent::Child' code names flat instead of"
        " nesting them.",
    ),
) -> None:
    """Import transcripts as line-numbered, codable segments.

    Each file is imported in its own transaction: good files land, bad ones are
    reported, nothing is half-written. Re-importing identical content does nothing; a
    changed file becomes a new version and existing codings are re-anchored.
    """
    project = open_project()
    e = env()
    qdpx = [p for p in paths if p.suffix.lower() == ".qdpx"]
    if qdpx:
        from themekit.refi.qdpx import import_qdpx_report

        for file in qdpx:
            result = import_qdpx_report(
                project, file, snap=snap, nest_names=not flat_codes, strict=strict
            )
            e.message(f"{file}: {result.summary()}")
            if not result.complete:
                e.warn(
                    f"{file} came in partially: {len(result.missing_sources)} sources missing,"
                    f" {len(result.skipped)} selections skipped, {len(result.snapped)} snapped"
                    " (listed above)."
                )
        paths = [p for p in paths if p.suffix.lower() != ".qdpx"]
        if not paths:
            return
    failed: list[str] = []
    counts = {"imported": 0, "updated": 0, "unchanged": 0}

    def report(outcome) -> None:
        if outcome.status == "skipped":
            e.message(f"skipped {outcome.path}: {outcome.note}")
            return
        if outcome.status == "failed":
            failed.append(outcome.path)
            e.err.print(f"Error: {render_error(outcome.error)}", markup=False, style="red")
            return
        counts[outcome.status] += 1
        if outcome.status == "unchanged":
            e.message(f"{outcome.transcript_id}: already imported ({outcome.path})")
            return
        verb = "imported" if outcome.status == "imported" else "updated (new version)"
        e.message(
            f"{outcome.transcript_id}: {verb}, {outcome.segments} segments"
            f" ({outcome.codable} codable) from {outcome.path}"
        )
        if outcome.status == "updated":
            e.message(
                f"  {outcome.reanchored} codings re-anchored, {len(outcome.orphaned)} orphaned"
            )
            for note in outcome.orphaned:
                e.message(f"  orphaned: {note}")
            if outcome.note:
                e.message(f"  {outcome.note}")

    with e.progress("Importing", None):
        project.import_transcripts(paths, unit=unit, transcript_id=transcript_id, on_file=report)
    e.message(
        f"{counts['imported']} imported, {counts['updated']} updated,"
        f" {counts['unchanged']} unchanged, {len(failed)} failed"
    )
    if failed:
        imported = counts["imported"] + counts["updated"] + counts["unchanged"]
        raise ThemekitError(
            f"{len(failed)} file{'s' if len(failed) > 1 else ''} could not be imported"
            " (see above)" + ("; the others were imported." if imported else "."),
            hint="Fix or remove them and run the same command again.",
        )
