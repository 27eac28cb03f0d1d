"""``themekit import``: transcripts (and REFI-QDA projects) into the project."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from themekit.cli.app import app, env, open_project
from themekit.cli.hints import render_error
from themekit.cli.render import FORMAT_OPTION, TableFormat, to_csv
from themekit.errors import ThemekitError

if TYPE_CHECKING:
    from themekit.transcripts.importer import ImportOutcome

_REPORT_COLUMNS = [
    "file",
    "transcript",
    "status",
    "speaker",
    "turns",
    "words",
    "interviewer",
    "reason",
    "codable_share",
    "warnings",
]


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
    interviewers: list[str] = typer.Option(
        [],
        "--interviewer",
        help="A speaker whose lines are interviewer lines (kept, not codable); repeatable."
        " Adds to 'interviewers' in themekit.toml.",
    ),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="Show the import report (speakers, interviewers, warnings) and write nothing.",
    ),
    fmt: TableFormat = FORMAT_OPTION,
) -> None:
    """Import transcripts as line-numbered, codable segments.

    Each file is imported in its own transaction: good files land, bad ones are
    reported, nothing is half-written. Re-importing identical content does nothing; a
    changed file (or new speaker settings) becomes a new version and existing codings
    are re-anchored. For each file the report lists its speakers with turns and words,
    who is the interviewer and why (label, named, inferred), the codable share and any
    warning; --format json or csv writes it to stdout.
    """
    project = open_project()
    e = env()
    qdpx = [p for p in paths if p.suffix.lower() == ".qdpx"]
    if qdpx:
        if dry_run:
            raise ThemekitError(
                "--dry-run reads transcripts, not REFI-QDA projects.",
                hint="Leave the .qdpx file out, or import it without --dry-run.",
            )
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
    outcomes: list[ImportOutcome] = []
    would = "would be " if dry_run else ""

    def report(outcome: ImportOutcome) -> None:
        outcomes.append(outcome)
        if outcome.status == "skipped":
            e.message(f"skipped {outcome.path}: {outcome.note}")
            return
        if outcome.status == "failed":
            failed.append(outcome.path)
            assert outcome.error is not None
            e.err.print(f"Error: {render_error(outcome.error)}", markup=False, style="red")
            return
        counts[outcome.status] += 1
        if outcome.status == "unchanged":
            e.message(f"{outcome.transcript_id}: already imported ({outcome.path})")
        else:
            verb = "imported" if outcome.status == "imported" else "updated (new version)"
            e.message(
                f"{outcome.transcript_id}: {would}{verb}, {outcome.segments} segments"
                f" ({outcome.codable} codable) from {outcome.path}"
            )
        if outcome.report is not None and (dry_run or outcome.status != "unchanged"):
            for line in outcome.report.lines():
                e.message(line)
        if outcome.status == "updated" and not dry_run:
            e.message(
                f"  {outcome.reanchored} codings re-anchored, {len(outcome.orphaned)} orphaned"
            )
            for note in outcome.orphaned:
                e.message(f"  orphaned: {note}")
            warn_codings_on_interviewer_lines(outcome.transcript_id, outcome.on_interviewer_lines)
            if outcome.note:
                e.message(f"  {outcome.note}")

    from themekit.transcripts.importer import import_transcripts

    with e.progress("Importing", None):
        import_transcripts(
            project,
            paths,
            unit=unit,
            transcript_id=transcript_id,
            on_file=report,
            interviewers=interviewers,
            dry_run=dry_run,
        )
    if fmt == TableFormat.json:
        rows = [{**_as_dict(o), "written": not dry_run} for o in outcomes]
        e.write(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == TableFormat.csv:
        e.write(to_csv([row for o in outcomes for row in _csv_rows(o)], _REPORT_COLUMNS))
    summary = (
        f"{counts['imported']} {would}imported, {counts['updated']} {would}updated,"
        f" {counts['unchanged']} unchanged, {len(failed)} failed"
    )
    e.message(f"dry run, nothing written: {summary}" if dry_run else summary)
    if failed:
        imported = counts["imported"] + counts["updated"] + counts["unchanged"]
        raise ThemekitError(
            f"{len(failed)} file{'s' if len(failed) > 1 else ''} could not be"
            f" {'read' if dry_run else 'imported'} (see above)"
            + ("; the others were imported." if imported and not dry_run else "."),
            hint="Fix or remove them and run the same command again.",
        )


def _as_dict(outcome: ImportOutcome) -> dict[str, Any]:
    data: dict[str, Any] = {
        "file": outcome.path,
        "transcript": outcome.transcript_id,
        "status": outcome.status,
    }
    if outcome.report is not None:
        data.update(outcome.report.to_dict())
    if outcome.error is not None:
        data["error"] = render_error(outcome.error)
    if outcome.note:
        data["note"] = outcome.note
    if outcome.status == "updated":
        data["reanchored"] = outcome.reanchored
        data["orphaned"] = list(outcome.orphaned)
        data["on_interviewer_lines"] = list(outcome.on_interviewer_lines)
    return data


def _csv_rows(outcome: ImportOutcome) -> list[dict[str, Any]]:
    base = {"file": outcome.path, "transcript": outcome.transcript_id, "status": outcome.status}
    if outcome.report is None:
        return [base]
    warnings = " | ".join(outcome.report.warnings)
    share = round(outcome.report.codable_share, 3)
    rows = [
        {
            **base,
            "speaker": speaker.name,
            "turns": speaker.turns,
            "words": speaker.words,
            "interviewer": speaker.interviewer,
            "reason": speaker.reason,
            "codable_share": share,
            "warnings": warnings,
        }
        for speaker in outcome.report.speakers
    ]
    return rows or [{**base, "codable_share": share, "warnings": warnings}]


def warn_codings_on_interviewer_lines(transcript_id: str | None, notes: list[str]) -> None:
    """After a new version (import or 'transcripts speakers'): codings that now sit on
    interviewer lines are kept, and listed so the researcher can move or remove them."""
    if not notes:
        return
    e = env()
    e.warn(
        f"{transcript_id}: {len(notes)} codings are now on interviewer lines (kept; such"
        " lines are not codable, so check them and move or remove them in 'themekit code'):"
    )
    for note in notes:
        e.message(f"  {note}")
