"""``themekit code``: the coding terminal UI, or a bulk apply from a table.

Without ``--apply`` the command opens the keyboard-driven coding app (written in
``themekit.coding.tui``, imported only here so other commands never load Textual).
With ``--apply FILE`` it validates the whole file and applies it in one transaction
(``themekit.coding.bulk``).
"""

from __future__ import annotations

from pathlib import Path

import typer

from themekit.cli.app import app, env, open_project
from themekit.errors import CodingError

# Paragraphs are single strings: rich help keeps line breaks as they are written.
CODE_HELP = "\n\n".join(
    [
        "Code transcripts line by line in the terminal, or apply codings from a table.",
        "Opens the coding app for TRANSCRIPT at the line CODER stopped on; without"
        " TRANSCRIPT it opens a picker of every transcript with CODER's progress. CODER must"
        " be known: add a new coder with 'themekit coders add NAME' first. Every"
        " change is saved at once; quitting loses nothing. Main keys: up/down (j/k) move,"
        " 1-9 toggle the first nine codes, / filters the codebook (Enter toggles), v selects"
        " a range of lines, s codes part of a line, x removes, m memo, u undo, c shows or"
        " hides the highlighted code's definition and examples, p reads every passage coded"
        " with it, D marks the transcript done (asking first while lines are uncoded), ?"
        " shows every key, q quits. --show-others also shows the other"
        " coders' codings (leave it off for blind double coding).",
        "With --apply FILE (.csv or .xlsx: columns transcript, line, code, optional memo,"
        " coder, span_start, span_end, uid) every row is checked first and the file is"
        " applied in one go, or not at all; a line may be a range such as 12-15.",
        "See docs/coding.md.",
    ]
)


@app.command("code", help=CODE_HELP)
def code(
    transcript: str | None = typer.Argument(None, help="Transcript id to open."),
    coder: str | None = typer.Option(None, "--coder", "-c", help="Your coder name."),
    apply: Path | None = typer.Option(
        None, "--apply", help="Apply codings from a .csv or .xlsx file instead of the app."
    ),
    done: bool = typer.Option(
        False, "--done", help="With --apply: mark the file's transcripts as done by the coder."
    ),
    show_others: bool = typer.Option(
        False, "--show-others", help="Show other coders' codings in the app."
    ),
) -> None:
    if apply is not None:
        if transcript is not None:
            raise CodingError(
                "A TRANSCRIPT argument cannot be combined with --apply.",
                hint="The file's 'transcript' column says where each coding goes.",
            )
        if show_others:
            raise CodingError(
                "--show-others only applies to the coding app, not --apply.",
                hint="Drop --show-others.",
            )
        _apply(apply, coder=coder, done=done)
        return
    if done:
        raise CodingError(
            "--done only works with --apply.",
            hint="In the app press D to mark a transcript done, or run"
            " 'themekit transcripts done T --coder NAME'.",
        )
    if not coder or not coder.strip():
        raise CodingError("A coder name is needed.", hint="Pass --coder NAME.")
    project = open_project()
    from themekit.coding.coders import require_known

    name = require_known(project, coder)
    if transcript is not None:
        project.require_transcript(transcript)
    from themekit.coding.tui import run_coding_app

    run_coding_app(project, coder=name, transcript=transcript, show_others=show_others)


def _apply(path: Path, *, coder: str | None, done: bool) -> None:
    from themekit.coding.bulk import apply_bulk

    project = open_project()
    result = apply_bulk(project, path, coder=coder, done=done)
    e = env()
    for name in result.new_coders:
        e.message(f"New coder '{name}' created.")
    e.message(result.summary())
    if result.marked_done:
        by_coder: dict[str, list[str]] = {}
        for transcript_id, name in result.marked_done:
            by_coder.setdefault(name, []).append(transcript_id)
        for name, ids in by_coder.items():
            e.message(f"Marked {', '.join(ids)} as done by {name}")
