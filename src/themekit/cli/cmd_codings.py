"""``themekit codings list|export``: the codings as a table, a CSV, JSON or Excel file."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from themekit.cli.app import app, env, open_project
from themekit.cli.render import FORCE_OPTION, FORMAT_OPTION, TableFormat, render_rows

codings_app = typer.Typer(help="Codings: list them, export them.", no_args_is_help=True)
app.add_typer(codings_app, name="codings")


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


@codings_app.command("list")
def list_codings(
    transcript: str | None = typer.Option(None, "--transcript", "-t", help="Only this transcript."),
    coder: str | None = typer.Option(None, "--coder", "-c", help="Only this coder's codings."),
    fmt: TableFormat = FORMAT_OPTION,
) -> None:
    """List codings: transcript, line, code, coder, span, memo and how each was made."""
    from themekit.coding.exchange import LIST_COLUMNS, codings_table, list_rows

    project = open_project()
    table = codings_table(project, coder=coder, transcript=transcript)
    render_rows(list_rows(table), LIST_COLUMNS, fmt, title="Codings")


# Said on every export, like 'themekit agree --disagreements' says it of its raw list.
CODINGS_NOT_ANONYMISED = (
    "codings exports are working files with the interview text as recorded; they are not"
    " anonymised (use 'themekit export ...' for anonymised outputs)."
)


@codings_app.command("export")
def export_codings(
    coder: str | None = typer.Option(None, "--coder", "-c", help="Only this coder's codings."),
    transcript: str | None = typer.Option(None, "--transcript", "-t", help="Only this transcript."),
    fmt: ExportFormat | None = typer.Option(
        None,
        "--format",
        "-f",
        help="csv, json or xlsx (default: from the -o extension, else csv).",
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File to write (default, or '-': stdout; xlsx needs a file)."
    ),
    force: bool = FORCE_OPTION,
) -> None:
    """Export codings with their text, speaker, participant attributes and code paths.

    The file can be applied to another project holding the same transcripts and
    codebook with 'themekit code --apply FILE', which reproduces the codings exactly.
    The text is the raw interview text, not anonymised: a working file, to keep as
    confidential as the transcripts ('themekit export ...' makes anonymised outputs).
    """
    from themekit.coding import exchange

    project = open_project()
    count, text = exchange.export_codings(
        project,
        output,
        fmt=fmt.value if fmt else None,
        coder=coder,
        transcript=transcript,
        overwrite=force,
    )
    e = env()
    e.warn(CODINGS_NOT_ANONYMISED)
    if text is not None:
        e.write(text)
        return
    e.message(f"Exported {count} coding{'' if count == 1 else 's'} to {output}")


@codings_app.command("orphaned")
def orphaned_codings(fmt: TableFormat = FORMAT_OPTION) -> None:
    """Codings that could not be re-anchored after a transcript changed, with their text.

    They are kept, never dropped: re-apply them by hand in the new version (the text shows
    what was coded), then remove the old ones with 'themekit codings drop-orphaned'.
    """
    project = open_project()
    store = project.store
    rows = []
    for c in store.codings(orphaned_only=True):
        seg = store.segment(c.segment_id)
        rows.append(
            {
                "transcript": c.transcript_id,
                "version": seg.version if seg else None,
                "old_line": c.line,
                "code": c.code_id,
                "coder": c.coder,
                "text": seg.text if seg else "",
                "uid": c.uid,
            }
        )
    render_rows(
        rows,
        ["transcript", "version", "old_line", "code", "coder", "text", "uid"],
        fmt,
        title="Orphaned codings",
    )


@codings_app.command("drop-orphaned")
def drop_orphaned(
    transcript: str | None = typer.Option(None, "--transcript", "-t", help="Only this transcript."),
) -> None:
    """Delete orphaned codings once they have been re-applied by hand (audit-logged)."""
    project = open_project()
    store = project.store
    dropped = 0
    with store.db.transaction():
        for c in store.codings(transcript_id=transcript, orphaned_only=True):
            store.delete_coding(c.id)
            store.log(
                "coding.drop_orphaned",
                actor=c.coder,
                how="hand",
                details={"transcript": c.transcript_id, "code": c.code_id, "coding": c.uid},
            )
            dropped += 1
    env().message(f"Dropped {dropped} orphaned codings.")


class ShowFormat(str, Enum):
    md = "md"
    csv = "csv"
    docx = "docx"


class ShowBy(str, Enum):
    group = "group"
    coder = "coder"
    transcript = "transcript"


@codings_app.command("show")
def show_coded_text(
    code: str = typer.Argument(..., help="Code id or path."),
    by: ShowBy = typer.Option(
        ShowBy.group, "--by", help="Group the passages by group, coder or transcript."
    ),
    attribute: str = typer.Option(
        "role", "--attribute", help="With --by group: the participant attribute naming groups."
    ),
    coder: str | None = typer.Option(None, "--coder", "-c", help="Only this coder's codings."),
    transcript: str | None = typer.Option(None, "--transcript", "-t", help="Only this transcript."),
    fmt: ShowFormat | None = typer.Option(
        None,
        "--format",
        "-f",
        help="md, csv or docx (default: read in the terminal; with -o from its extension).",
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write."),
    force: bool = FORCE_OPTION,
) -> None:
    """Read the text coded with CODE: each passage with speaker, line, group and coder.

    The passages are the raw interview text: keep a file of them as confidential as the
    transcripts.
    """
    from themekit.coding.coded_text import coded_passages, passage_source, write_coded_text

    found = coded_passages(
        open_project(),
        code,
        by=by.value,
        attribute=attribute,
        coder=coder,
        transcript=transcript,
    )
    e = env()
    if fmt is None and output is None:
        from rich.text import Text

        e.out.print(Text(f"{found.code_path} ({found.code_id})", "bold"))
        e.out.print(f"{found.count} passage{'' if found.count == 1 else 's'}, by {found.by}.")
        for name, passages in found.sections.items():
            e.out.print()
            e.out.print(Text(f"{name} ({len(passages)})", "bold underline"))
            for p in passages:
                e.out.print(Text("  " + " ".join(p.text.split())))
                e.out.print(Text(f"    -- {passage_source(p, found.by)}", "dim"))
                for label, memo in (("memo", p.memo), ("line memo", p.line_memo)):
                    if memo:
                        e.out.print(Text(f"    {label}: {memo}", "italic"))
        return
    text = write_coded_text(found, output, fmt=fmt.value if fmt else None, overwrite=force)
    if text is not None:
        e.write(text)
        return
    e.message(f"Wrote {found.count} passage{'' if found.count == 1 else 's'} to {output}")
