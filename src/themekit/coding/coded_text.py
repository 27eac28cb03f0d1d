"""Coded text by code: every passage coded with one code, grouped for reading.

``coded_passages`` gathers the passages coded with a code (a span where only part of
the line was coded, the whole line otherwise) with who said it, where, their group
(a participant attribute, ``role`` unless told otherwise), who coded it and the memos,
and groups them by participant group, coder or transcript. ``render_coded_text`` turns
that into Markdown or CSV text and ``write_coded_text`` writes Markdown, CSV or Word
through the atomic writer. The terminal view (``themekit codings show``) and the
coding app's passages screen read the same ``CodedText``.

The passages are the raw interview text: a working view for the research team, as
confidential as the transcripts (``themekit export quotes`` makes anonymised quotes).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from themekit.coding.coders import require_known
from themekit.coding.service import resolve_code
from themekit.errors import CodingError
from themekit.files.formats import infer_output_format
from themekit.files.writer import atomic_write_text, atomic_writer, wants_stdout
from themekit.model.rows import SegmentRow

if TYPE_CHECKING:
    from themekit.project import Project

GROUPINGS = ("group", "coder", "transcript")
FORMATS = ("md", "csv", "docx")
NO_GROUP = "(no group)"
CSV_COLUMNS = [
    "heading",
    "transcript",
    "line",
    "speaker",
    "participant",
    "group",
    "coder",
    "text",
    "memo",
    "line_memo",
]


@dataclass(frozen=True)
class Passage:
    transcript: str
    line: int
    speaker: str | None
    participant: str | None
    group: str | None
    coder: str
    text: str
    memo: str | None  # the memo on the coding
    line_memo: str | None  # the coder's memo on the line


@dataclass
class CodedText:
    """The passages coded with ``code_id``, under one heading per group."""

    code_id: str
    code_path: str
    by: str
    sections: dict[str, list[Passage]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(p) for p in self.sections.values())


def coded_passages(
    project: Project,
    code: str,
    *,
    by: str = "group",
    attribute: str = "role",
    coder: str | None = None,
    transcript: str | None = None,
) -> CodedText:
    """The passages coded with ``code`` (an id or path), grouped ``by`` group/coder/transcript.

    ``attribute`` is the participant attribute that names a passage's group.
    """
    if by not in GROUPINGS:
        raise CodingError(
            f"Cannot group passages by '{by}'.", hint=f"Choose one of: {', '.join(GROUPINGS)}."
        )
    store = project.store
    current = store.current_codebook()
    if current is None:
        raise CodingError(
            "No codebook is loaded in this project.",
            hint="Load a codebook first.",
            next_step="codebook.load",
        )
    entry = resolve_code(current[1], code)
    if coder is not None:
        coder = require_known(project, coder)
    if transcript is not None:
        project.require_transcript(transcript)
    resolver = project.resolver()
    memos = store.segment_memos(coder)
    result = CodedText(entry.code.id, entry.path_text, by)
    texts: dict[tuple[str, int], str] = {}
    passages: list[Passage] = []
    by_transcript: dict[str, dict[int, SegmentRow]] = {}
    for c in store.codings(transcript_id=transcript, coder=coder, code_id=entry.code.id):
        if c.transcript_id not in by_transcript:
            by_transcript[c.transcript_id] = {s.id: s for s in store.segments(c.transcript_id)}
        seg = by_transcript[c.transcript_id].get(c.segment_id) or store.segment(c.segment_id)
        assert seg is not None  # a foreign key guarantees it
        if c.span_start is not None and c.span_end is not None:
            key = (seg.transcript_id, seg.version)
            if key not in texts:
                texts[key] = store.transcript_text(seg.transcript_id, seg.version)
            text = texts[key][c.span_start : c.span_end]
        else:
            text = seg.text
        person = resolver.resolve(c.transcript_id, seg.speaker, seg.codable)
        group = person.attribute(attribute) if person else None
        passages.append(
            Passage(
                transcript=c.transcript_id,
                line=c.line,
                speaker=seg.speaker,
                participant=person.id if person else None,
                group=None if group is None else str(group),
                coder=c.coder,
                text=text,
                memo=c.memo,
                line_memo=memos.get((c.coder, c.segment_id)),
            )
        )
    passages.sort(key=lambda p: (p.transcript, p.line, p.coder))

    def heading(p: Passage) -> str:
        if by == "coder":
            return p.coder
        if by == "transcript":
            return p.transcript
        return p.group or NO_GROUP

    for p in sorted(passages, key=lambda p: heading(p) == NO_GROUP):
        result.sections.setdefault(heading(p), []).append(p)
    result.sections = dict(
        sorted(result.sections.items(), key=lambda kv: (kv[0] == NO_GROUP, kv[0]))
    )
    return result


def passage_source(p: Passage, by: str) -> str:
    """Where a passage comes from, leaving out what its heading already says."""
    parts = [] if by == "transcript" else [p.transcript]
    parts.append(f"line {p.line}")
    if p.speaker:
        parts.append(p.speaker)
    if by != "group" and p.group:
        parts.append(p.group)
    if by != "coder":
        parts.append(f"coded by {p.coder}")
    return ", ".join(parts)


def coded_text_markdown(found: CodedText) -> str:
    title = f"# {found.code_path} ({found.code_id})"
    lines = [title, "", f"{found.count} passage{'' if found.count == 1 else 's'}, by {found.by}."]
    for name, passages in found.sections.items():
        lines += ["", f"## {name} ({len(passages)})", ""]
        for p in passages:
            lines.append(f"> {' '.join(p.text.split())}")
            lines.append(">")
            lines.append(f"> -- {passage_source(p, found.by)}")
            for label, memo in (("memo", p.memo), ("line memo", p.line_memo)):
                if memo:
                    lines.append(f"> *{label}: {' '.join(memo.split())}*")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def coded_text_csv(found: CodedText) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for name, passages in found.sections.items():
        for p in passages:
            values = {
                "heading": name,
                "transcript": p.transcript,
                "line": p.line,
                "speaker": p.speaker,
                "participant": p.participant,
                "group": p.group,
                "coder": p.coder,
                "text": p.text,
                "memo": p.memo,
                "line_memo": p.line_memo,
            }
            writer.writerow({k: "" if v is None else v for k, v in values.items()})
    return buffer.getvalue()


def _write_docx(found: CodedText, path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_heading(f"{found.code_path} ({found.code_id})", level=1)
    document.add_paragraph(f"{found.count} passages, by {found.by}.")
    for name, passages in found.sections.items():
        document.add_heading(f"{name} ({len(passages)})", level=2)
        for p in passages:
            document.add_paragraph(" ".join(p.text.split()), style="Quote")
            document.add_paragraph(f"-- {passage_source(p, found.by)}")
            for label, memo in (("memo", p.memo), ("line memo", p.line_memo)):
                if memo:
                    document.add_paragraph().add_run(f"{label}: {memo}").italic = True
    document.save(str(path))


def render_coded_text(found: CodedText, fmt: str) -> str:
    """Markdown or CSV text (Word needs a file: ``write_coded_text``)."""
    if fmt == "csv":
        return coded_text_csv(found)
    return coded_text_markdown(found)


def write_coded_text(
    found: CodedText,
    output: str | Path | None,
    *,
    fmt: str | None = None,
    overwrite: bool = False,
) -> str | None:
    """Write ``found`` to ``output`` (md, csv or docx) and return None, or the text for
    standard output when ``output`` is None or ``-``. An existing ``output`` is replaced
    only with ``overwrite`` (else ``OutputExists``)."""
    target = None if output is None or wants_stdout(output) else Path(output)
    chosen = infer_output_format(target, fmt, FORMATS, "md")
    if chosen == "docx":
        if target is None:
            raise CodingError(
                "The docx format needs an output file.", hint="Name a file ending in .docx."
            )
        with atomic_writer(target, overwrite=overwrite) as temp:
            _write_docx(found, temp)
        return None
    text = render_coded_text(found, chosen)
    if target is None:
        return text
    atomic_write_text(
        target, text, encoding="utf-8-sig" if chosen == "csv" else "utf-8", overwrite=overwrite
    )
    return None
