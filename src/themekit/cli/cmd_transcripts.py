"""``themekit transcripts list|show|done|speakers``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from themekit.cli.app import app, env, open_project
from themekit.cli.cmd_import import warn_codings_on_interviewer_lines
from themekit.cli.render import FORMAT_OPTION, TableFormat, render_rows
from themekit.errors import CodingError

if TYPE_CHECKING:
    from themekit.coding.service import CodingSession

transcripts_app = typer.Typer(help="Imported transcripts.", no_args_is_help=True)
app.add_typer(transcripts_app, name="transcripts")


@transcripts_app.command("list")
def list_transcripts(fmt: TableFormat = FORMAT_OPTION) -> None:
    """List transcripts with their participant, format, segments and words."""
    project = open_project()
    resolver = project.resolver()
    rows = []
    for t in project.store.transcripts():
        speakers = project.store.speakers(t.id)
        person = next(
            (resolver.resolve(t.id, s, c) for s, c, _n in speakers if resolver.resolve(t.id, s, c)),
            None,
        )
        rows.append(
            {
                "id": t.id,
                "participant": person.id if person else None,
                "role": person.role if person else None,
                "site": person.site if person else None,
                "file": t.source_name,
                "format": t.source_format,
                "version": t.version,
                "unit": t.unit,
                "segments": t.n_segments,
                "codable": t.n_codable,
                "words": t.n_words,
            }
        )
    render_rows(
        rows,
        [
            "id",
            "participant",
            "role",
            "site",
            "file",
            "format",
            "version",
            "unit",
            "segments",
            "codable",
            "words",
        ],
        fmt,
        title="Transcripts",
    )


@transcripts_app.command("show")
def show_transcript(
    transcript: str = typer.Argument(..., help="Transcript id."),
    fmt: TableFormat = FORMAT_OPTION,
) -> None:
    """Print a transcript's segments with line numbers and speakers."""
    project = open_project()
    project.require_transcript(transcript)
    rows = [
        {
            "line": s.line,
            "speaker": s.speaker,
            "codable": s.codable,
            "time": s.time_start,
            "text": s.text,
        }
        for s in project.store.segments(transcript)
    ]
    if fmt == TableFormat.table:
        for r in rows:
            mark = " " if r["codable"] else "~"
            env().write(f"{r['line']:>5}{mark} {r['speaker'] or '-'}: {r['text']}")
        return
    render_rows(rows, ["line", "speaker", "codable", "time", "text"], fmt)


@transcripts_app.command("done")
def done_transcripts(
    transcripts: list[str] = typer.Argument(..., help="Transcript ids."),
    coder: str = typer.Option(..., "--coder", "-c", help="The coder who finished them."),
    undo: bool = typer.Option(False, "--undo", help="Mark them as not done again."),
    yes: bool = typer.Option(
        False, "--yes", help="Mark them done even where codable lines are not coded yet."
    ),
) -> None:
    """Mark transcripts as finished by a coder (agreement compares finished transcripts).

    A transcript with codable lines the coder has not coded is marked only after a
    confirmation (or with --yes): marking done sends it to agreement.
    """
    from themekit.coding.service import CodingSession

    project = open_project()
    unknown = [t for t in transcripts if not project.store.has_transcript(t)]
    if unknown:
        raise CodingError(
            "No transcript " + ", ".join(f"'{t}'" for t in unknown) + "; nothing was marked.",
            hint="See 'themekit transcripts list'.",
        )
    from themekit.coding.coders import require_known

    coder = require_known(project, coder)
    session = CodingSession(project, coder)
    if not undo and not yes:
        _confirm_uncoded(session, list(dict.fromkeys(transcripts)))
    with project.store.db.transaction():
        for transcript_id in dict.fromkeys(transcripts):
            session.set_done(transcript_id, not undo)
    state = "not done" if undo else "done"
    env().message(f"Marked {', '.join(dict.fromkeys(transcripts))} as {state} by {session.coder}")


def _confirm_uncoded(session: CodingSession, transcripts: list[str]) -> None:
    """Ask before marking done a transcript with uncoded codable lines (refuse without a
    terminal to ask in): a slip must not send a half-coded transcript to agreement."""
    import sys

    progress = {t: (coded, codable) for t, coded, codable, _done in session.progress()}
    short = [
        f"{t}: {codable - coded} of {codable} codable lines are not coded yet"
        f" ({coded / codable:.0%} coded)"
        for t in transcripts
        for coded, codable in [progress.get(t, (0, 0))]
        if coded < codable
    ]
    if not short:
        return
    if sys.stdin is not None and sys.stdin.isatty():
        for line in short:
            env().message(line)
        if typer.confirm("Mark them done anyway?", default=False, err=True):
            return
    raise CodingError(
        "; ".join(short) + "; nothing was marked.",
        hint="Code them first, or add --yes to mark them done anyway.",
    )


@transcripts_app.command("speakers")
def speakers_transcripts(
    transcripts: list[str] = typer.Argument(
        None, help="Transcript ids (default: every transcript)."
    ),
    interviewers: list[str] = typer.Option(
        [],
        "--interviewer",
        help="A speaker whose lines are interviewer lines (kept, not codable); repeatable."
        " Adds to 'interviewers' in themekit.toml.",
    ),
    pattern: str | None = typer.Option(
        None,
        "--pattern",
        help="A regular expression with a named group 'speaker' for the labels (instead of"
        " [import] speaker_pattern; '' for the built-in labels).",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would change; write nothing."),
    fmt: TableFormat = FORMAT_OPTION,
) -> None:
    """Detect speakers and interviewers again, keeping every coding.

    A transcript whose lines change (speakers, interviewer flags) gets a new version and
    its codings are re-anchored as on re-import; the command says what changed. To keep
    the setting for later imports, put it in themekit.toml ([import] interviewers or
    speaker_pattern).
    """
    import json

    from themekit.transcripts.redetect import redetect_speakers

    project = open_project()
    e = env()
    outcomes = redetect_speakers(
        project, transcripts or [], interviewers=interviewers, pattern=pattern, dry_run=dry_run
    )
    if fmt == TableFormat.json:
        e.write(json.dumps([o.to_dict() for o in outcomes], indent=2, ensure_ascii=False))
    elif fmt == TableFormat.csv:
        rows = [
            {
                "transcript": o.transcript_id,
                "status": o.status,
                "changes": " | ".join(o.changes),
                "warnings": " | ".join(o.report.warnings) if o.report else "",
            }
            for o in outcomes
        ]
        render_rows(rows, ["transcript", "status", "changes", "warnings"], fmt)
    changed = 0
    for outcome in outcomes:
        if outcome.status == "unchanged":
            e.message(f"{outcome.transcript_id}: unchanged")
        else:
            changed += 1
            where = "would change" if dry_run else f"changed (new version {outcome.version})"
            e.message(f"{outcome.transcript_id}: {where}")
            for change in outcome.changes:
                e.message(f"  {change}")
        if outcome.report is not None:
            for line in outcome.report.lines():
                e.message(line)
        if outcome.status == "changed" and not dry_run:
            e.message(
                f"  {outcome.reanchored} codings re-anchored, {len(outcome.orphaned)} orphaned"
            )
            for note in outcome.orphaned:
                e.message(f"  orphaned: {note}")
            warn_codings_on_interviewer_lines(outcome.transcript_id, outcome.on_interviewer_lines)
    verb = "would change" if dry_run else "changed"
    e.message(
        f"{changed} {verb}, {len(outcomes) - changed} unchanged"
        + (" (dry run, nothing written)" if dry_run else "")
    )
