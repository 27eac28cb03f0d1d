"""``themekit anonymise init|review|preview|key``: the register, its review, a preview, the key.

``init`` writes ``redact.yaml`` pre-filled from the project (speaker labels that look
like names, sites, roles to keep); ``--accept`` marks the draft reviewed as it stands.
``review`` records that the researcher has read the register (``reviewed: <date>``).
``preview`` shows, on this machine only, what the exports would replace in the codable
text of a transcript (or all of them), with the original, the reason and some context,
then the words left in the text for review and the counts exports report: it prints
identifying text by design. ``key`` writes the re-identification key (placeholder ->
original) to a file, never to the terminal.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from themekit.cli.app import app, env, open_project
from themekit.cli.render import FORCE_OPTION, FORMAT_OPTION, TableFormat, render_rows
from themekit.errors import AnonymisationError

if TYPE_CHECKING:
    from themekit.model.rows import SegmentRow

anonymise_app = typer.Typer(
    help="Anonymisation: the register (redact.yaml), a preview of replacements, the key.",
    no_args_is_help=True,
)
app.add_typer(anonymise_app, name="anonymise")

PREVIEW_COLUMNS = (
    "transcript",
    "line",
    "source",
    "detail",
    "reason",
    "original",
    "placeholder",
    "context",
)
KEY_COLUMNS = ("placeholder", "original", "class", "source")


class KeyFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"
    md = "md"


@anonymise_app.command("init")
def init(
    force: bool = typer.Option(False, "--force", help="Replace an existing redact.yaml."),
    scan: bool = typer.Option(
        True,
        "--scan/--no-scan",
        help="Also list every name the NER model finds in the transcripts, for review.",
    ),
    accept: bool = typer.Option(
        False,
        "--accept",
        help="Accept the draft as it stands: write today's date as 'reviewed:'.",
    ),
) -> None:
    """Write redact.yaml, pre-filled with speaker names, sites, roles and names found by NER."""
    from themekit.export.anonymised import init_register

    project = open_project()
    with env().progress("Looking for names in the transcripts", None):
        path, draft = init_register(project, force=force, scan=scan, accept=accept)
    found = f", and {draft.found} names found by NER in the transcripts" if draft.found else ""
    left = (
        f" {len(draft.review)} found names were left out for review (listed in the file)."
        if draft.review
        else ""
    )
    next_step = (
        " Marked reviewed as drafted."
        if accept
        else " Review it, add every name you know of, then run 'themekit anonymise review'."
    )
    env().message(
        f"Wrote {path}: {len(draft.people)} people (from speaker labels),"
        f" {len(draft.sites)} sites, {len(draft.allow)} allowed terms{found}.{left}{next_step}"
    )


@anonymise_app.command("review")
def review() -> None:
    """Record that you have read redact.yaml: writes today's date as 'reviewed:'."""
    from themekit.export.anonymised import mark_register_reviewed

    project = open_project()
    path = mark_register_reviewed(project)
    project.store.log("anonymise.review", how="cli", details={"register": str(path)})
    env().message(f"Marked {path} as reviewed today; exports will say so.")


@anonymise_app.command("preview")
def preview(
    transcript: str | None = typer.Option(
        None, "--transcript", "-t", help="Only this transcript (default: all)."
    ),
    fmt: TableFormat = FORMAT_OPTION,
) -> None:
    """Show every replacement exports would make, with the original text (identifying!)."""
    from themekit.export.anonymised import ExportAnonymiser

    project = open_project()
    store = project.store
    if transcript is not None:
        project.require_transcript(transcript)
    e = env()
    anonymiser = ExportAnonymiser(project)
    if anonymiser.created_register:
        e.warn(f"wrote {project.root / 'redact.yaml'}; review it (docs/anonymisation.md).")
    summary = anonymiser.summary
    assert summary is not None
    for warning in summary.warnings:
        e.warn(warning + ".")
    texts: list[str] = []
    wheres: list[str] = []
    ids: list[str] = []
    starts: list[list[tuple[int, int]]] = []  # per text: (offset in text, line)
    for tid in [transcript] if transcript else store.transcript_ids():
        turns: dict[int, list[SegmentRow]] = {}
        for segment in store.segments(tid, codable_only=True):
            turns.setdefault(segment.turn_index, []).append(segment)
        for segments in turns.values():
            offsets, pieces, position = [], [], 0
            for segment in segments:
                offsets.append((position, segment.line))
                pieces.append(segment.text)
                position += len(segment.text) + 1
            texts.append(" ".join(pieces))
            wheres.append(f"transcript {tid} line {segments[0].line}")
            ids.append(tid)
            starts.append(offsets)
    results = anonymiser.preview(texts, wheres)
    anonymiser.finish()
    rows = []
    for tid, offsets, result in zip(ids, starts, results, strict=True):
        for rep in result.replacements:
            line = max((ln for at, ln in offsets if at <= rep.start), default=offsets[0][1])
            before, after = result.context(rep)
            rows.append(
                {
                    "transcript": tid,
                    "line": line,
                    "source": rep.source,
                    "detail": rep.detail,
                    "reason": rep.reason,
                    "original": rep.original,
                    "placeholder": rep.placeholder,
                    "context": f"...{before}[{rep.original}]{after}...".replace("\n", " "),
                }
            )
    render_rows(rows, PREVIEW_COLUMNS, fmt, title="Replacements (identifying: do not share)")
    by_source: dict[str, int] = {}
    for row in rows:
        source = str(row["source"])
        by_source[source] = by_source.get(source, 0) + 1
    e.message(
        f"{len(rows)} replacements in {len(texts)} speaker turns"
        + (": " + ", ".join(f"{k} {v}" for k, v in sorted(by_source.items())) if rows else ".")
    )
    summary = anonymiser.summary
    assert summary is not None
    if summary.by_class:
        e.message(
            "By class: " + ", ".join(f"{cls} {n}" for cls, n in summary.by_class.items()) + "."
        )
    left = [
        (tid, offsets, candidate)
        for tid, offsets, result in zip(ids, starts, results, strict=True)
        for candidate in result.candidates
    ]
    if left:
        # Identifying like the rows above: the researcher decides whether each is a name.
        e.message(f"{len(left)} possible names left in the text, for review:")
        for tid, offsets, candidate in left:
            line = max((ln for at, ln in offsets if at <= candidate.start), default=offsets[0][1])
            e.message(f"  transcript {tid} line {line}: {candidate.text!r} ({candidate.reason})")
    else:
        e.message("No possible names left in the text for review.")
    if summary.reviewed:
        e.message(f"Register reviewed: {summary.reviewed}.")
    else:
        e.message(
            "Register never marked reviewed (run 'themekit anonymise review' once you have"
            " read it)."
        )


@anonymise_app.command("key")
def key(
    output: Path = typer.Option(..., "--output", "-o", help="File to write (.csv, .xlsx, .md)."),
    fmt: KeyFormat | None = typer.Option(
        None, "--format", "-f", help="csv, xlsx or md (default: from -o, else csv)."
    ),
    force: bool = FORCE_OPTION,
) -> None:
    """Write the pseudonym key (placeholder -> real name). It re-identifies participants."""
    from themekit.anonymise import pseudonym_key_rows
    from themekit.export.anonymised import (
        check_output,
        load_project_register,
        load_pseudonyms,
    )
    from themekit.export.tables import Table, write_table
    from themekit.files.formats import infer_output_format as infer_format

    chosen = infer_format(output, fmt.value if fmt else None, [f.value for f in KeyFormat], "csv")
    # An older key may be the only record of the placeholders in earlier exports: it is
    # replaced only with --force, as every -o file is.
    check_output(output, chosen, overwrite=force)
    project = open_project()
    pseudonyms = load_pseudonyms(project)
    if not len(pseudonyms):
        raise AnonymisationError(
            "No placeholders have been given out yet, so there is no key.",
            hint="Run an export or 'themekit anonymise preview' first.",
        )
    register, _created = load_project_register(project)
    rows = pseudonym_key_rows(pseudonyms, register)
    table = Table(
        "Pseudonym key: IDENTIFYING, store it like the transcripts",
        list(KEY_COLUMNS),
        [[r.placeholder, r.original, r.cls, r.source] for r in rows],
    )
    write_table(table, chosen, output, overwrite=force)
    project.store.log("anonymise.key", how="cli", details={"output": str(output)})
    e = env()
    e.warn(
        f"{output} holds the real names behind every placeholder. Keep it with the"
        " transcripts, never with exports, and destroy it when your ethics approval says so."
    )
    e.message(f"Wrote {len(rows)} key rows to {output}.")
