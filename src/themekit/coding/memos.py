"""Memos out of the project: every memo a coder wrote, on a line or on a coding.

Memos are written in the coding app (on a line, or on one coding) and in
reconciliation; ``memo_table`` gathers them with where they were written (transcript,
line, speaker, the code for a memo on a coding) and the line's text, and
``export_memos`` writes them as Markdown, CSV or JSON through the atomic writer.
``line_memos`` gives the memos on lines by (coder, segment), for the codings table and
for reconciliation to show next to the line they were written about.

The text of the line is the raw interview text: a memo file is a working file for the
research team, as confidential as the transcripts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from themekit.coding.coders import require_known
from themekit.files.formats import infer_output_format
from themekit.files.writer import atomic_write_text, wants_stdout

if TYPE_CHECKING:
    from themekit.project import Project

FORMATS = ("md", "csv", "json")
MEMO_COLUMNS = ["transcript", "line", "speaker", "coder", "on", "code", "memo", "text"]


def memo_table(
    project: Project, *, coder: str | None = None, transcript: str | None = None
) -> list[dict[str, Any]]:
    """Every memo (filtered by coder and/or transcript), in transcript and line order.

    ``on`` is "line" for a memo on a line and "coding" for a memo on one coding (whose
    code is in ``code``).
    """
    store = project.store
    if coder is not None:
        coder = require_known(project, coder)
    if transcript is not None:
        project.require_transcript(transcript)
    return [
        {
            "transcript": m.transcript_id,
            "line": m.line,
            "speaker": m.speaker,
            "coder": m.coder,
            "on": "line" if m.code_id is None else "coding",
            "code": m.code_id,
            "memo": m.memo,
            "text": m.text,
        }
        for m in store.memo_rows(coder=coder, transcript_id=transcript)
    ]


def line_memos(project: Project) -> dict[tuple[str, int], str]:
    """(coder, segment id) -> the coder's memo on that line."""
    return project.store.segment_memos()


def memos_markdown(rows: list[dict[str, Any]]) -> str:
    """The memos as Markdown: one section per transcript, each memo under its line."""
    if not rows:
        return "# Memos\n\nNo memos.\n"
    out = ["# Memos", ""]
    current = None
    for row in rows:
        if row["transcript"] != current:
            current = row["transcript"]
            out += [f"## {current}", ""]
        where = f"line {row['line']}"
        if row["speaker"]:
            where += f", {row['speaker']}"
        about = f" on {row['code']}" if row["on"] == "coding" else ""
        out.append(f"- **{row['coder']}**{about} ({where}): {row['memo']}")
        out.append(f"  > {' '.join(str(row['text']).split())}")
    return "\n".join(out) + "\n"


def render_memos(rows: list[dict[str, Any]], fmt: str) -> str:
    """The memos as text in ``fmt`` (md, csv or json)."""
    from themekit.coding.exchange import to_csv_text, to_json_text

    if fmt == "md":
        return memos_markdown(rows)
    if fmt == "csv":
        return to_csv_text(rows, MEMO_COLUMNS)
    return to_json_text(rows, MEMO_COLUMNS) + "\n"


def export_memos(
    project: Project,
    output: str | Path | None = None,
    *,
    fmt: str | None = None,
    coder: str | None = None,
    transcript: str | None = None,
    overwrite: bool = False,
) -> tuple[int, str | None]:
    """Write the memos; return (number of memos, text for stdout or None if written).
    An existing ``output`` is replaced only with ``overwrite`` (else ``OutputExists``)."""
    target = None if output is None or wants_stdout(output) else Path(output)
    chosen = infer_output_format(target, fmt, FORMATS, "md")
    rows = memo_table(project, coder=coder, transcript=transcript)
    text = render_memos(rows, chosen)
    if target is None:
        return len(rows), text
    encoding = "utf-8-sig" if chosen == "csv" else "utf-8"
    atomic_write_text(target, text, encoding=encoding, newline="", overwrite=overwrite)
    return len(rows), None
