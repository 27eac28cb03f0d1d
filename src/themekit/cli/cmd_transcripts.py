"""``themekit transcripts list|show|done``."""

from __future__ import annotations

import typer

from themekit.cli.app import app, env, open_project
from themekit.cli.render import FORMAT_OPTION, TableFormat, render_rows
from themekit.errors import CodingError

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
    if not project.store.has_transcript(transcript):
        raise CodingError(f"No transcript '{transcript}'.", hint="See 'themekit transcripts list'.")
    rows = [
        {"line": s.line, "speaker": s.speaker, "codable": s.codable, "text": s.text}
        for s in project.store.segments(transcript)
    ]
    if fmt == TableFormat.table:
        for r in rows:
            mark = " " if r["codable"] else "~"
            env().write(f"{r['line']:>5}{mark} {r['speaker'] or '-'}: {r['text']}")
        return
    render_rows(rows, ["line", "speaker", "codable", "text"], fmt)


@transcripts_app.command("done")
def done_transcripts(
    transcripts: list[str] = typer.Argument(..., help="Transcript ids."),
    coder: str = typer.Option(..., "--coder", "-c", help="The coder who finished them."),
    undo: bool = typer.Option(False, "--undo", help="Mark them as not done again."),
) -> None:
    """Mark transcripts as finished by a coder (agreement compares finished transcripts)."""
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
    with project.store.db.transaction():
        for transcript_id in dict.fromkeys(transcripts):
            session.set_done(transcript_id, not undo)
    state = "not done" if undo else "done"
    env().message(f"Marked {', '.join(dict.fromkeys(transcripts))} as {state} by {session.coder}")
