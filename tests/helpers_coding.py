"""Builders for coding tests: transcripts and a codebook put straight into the store.

They bypass the transcript readers and the codebook files on purpose, so coding tests
depend only on the store. ``build_study`` gives a small project of the worked example's
shape: two participants (a probation officer and a judge), a few interviewer lines that
are not codable, and a mini codebook with two grouping categories.

All interview text here is fictional.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from themekit.model.codebook import Codebook
from themekit.model.rows import Participant
from themekit.model.transcripts import ParsedTranscript, Segment, Turn
from themekit.project import Project

INTERVIEWER = "Interviewer"

MINI_CODEBOOK: dict[str, Any] = {
    "name": "Mini MHTR framework",
    "codes": [
        {
            "id": "benefits",
            "label": "Benefits",
            "codable": False,
            "children": [
                {"id": "benefits.options", "label": "Increasing options in community sentencing"},
                {"id": "benefits.gap", "label": "Filling a previous gap in services"},
                {"id": "benefits.access", "label": "Increasing access to other services"},
            ],
        },
        {
            "id": "challenges",
            "label": "Challenges",
            "codable": False,
            "children": [
                {"id": "challenges.funding", "label": "Sustainability of funding"},
                {"id": "challenges.breach", "label": "Appropriate sentencing and breach"},
            ],
        },
        {"id": "other", "label": "Other"},
    ],
}

# (speaker, sentence) per line; interviewer lines are kept but not codable.
P01_LINES: list[tuple[str, str]] = [
    (INTERVIEWER, "Could you tell me about your role?"),
    ("Officer", "I supervise people on community orders in the north of the county."),
    ("Officer", "Before the pilot we had nothing to offer someone who was unwell."),
    ("Officer", "Now the bench has a real alternative to a few weeks inside."),
    (INTERVIEWER, "And how is it funded?"),
    ("Officer", "Honestly, nobody knows whether the money lasts past March."),
    ("Officer", "We keep hearing it is a pilot, so everything is temporary."),
    ("Officer", "The psychologist also gets people into housing support quickly."),
]

P02_LINES: list[tuple[str, str]] = [
    (INTERVIEWER, "What changed for you on the bench?"),
    ("Judge", "I can now make an order that includes treatment."),
    ("Judge", "It fills a gap between the GP and the specialist team."),
    ("Judge", "Breach is still a worry when people miss appointments."),
    (INTERVIEWER, "Thank you."),
    ("Judge", "You are welcome."),
]


def make_segments(
    lines: Sequence[tuple[str | None, str]], *, interviewer: str = INTERVIEWER
) -> tuple[ParsedTranscript, list[Segment]]:
    """A parsed transcript with one segment (and one turn) per line.

    The canonical text is ``Speaker: sentence`` lines; each segment covers the sentence
    only, so span offsets inside it are easy to compute in tests.
    """
    text_parts: list[str] = []
    turns: list[Turn] = []
    segments: list[Segment] = []
    offset = 0
    for index, (speaker, sentence) in enumerate(lines):
        prefix = f"{speaker}: " if speaker else ""
        start = offset + len(prefix)
        end = start + len(sentence)
        text_parts.append(prefix + sentence)
        turns.append(Turn(speaker, start, end))
        segments.append(
            Segment(
                line=index + 1,
                speaker=speaker,
                turn_index=index,
                start=start,
                end=end,
                text=sentence,
                codable=speaker != interviewer,
            )
        )
        offset += len(prefix) + len(sentence) + 1  # the newline
    text = "\n".join(text_parts) + "\n"
    return ParsedTranscript(text=text, turns=turns, source_format="txt"), segments


def add_transcript(
    project: Project, transcript_id: str, lines: Sequence[tuple[str | None, str]]
) -> list[Segment]:
    parsed, segments = make_segments(lines)
    project.store.add_transcript_version(
        transcript_id,
        parsed,
        segments,
        content_hash=hashlib.sha256(parsed.text.encode("utf-8")).hexdigest(),
        source_name=f"{transcript_id}.txt",
        unit="sentence",
    )
    return segments


def load_codebook(project: Project, data: dict[str, Any] | None = None) -> int:
    return project.store.add_codebook_version(
        Codebook.from_dict(data or MINI_CODEBOOK), source="test", changes={}
    )


def add_participants(project: Project) -> None:
    project.store.replace_participants(
        [
            Participant("P01", "Probation Service", "Plymouth", {"years": 7}),
            Participant("P02", "Judiciary", "Sefton", {"years": 12, "bench": "magistrates"}),
        ],
        [],
    )


def build_study(project: Project) -> Project:
    """Two transcripts (P01, P02), their participants and the mini codebook."""
    add_transcript(project, "P01", P01_LINES)
    add_transcript(project, "P02", P02_LINES)
    add_participants(project)
    load_codebook(project)
    return project


def generated_lines(n: int, *, seed: int = 0) -> list[tuple[str | None, str]]:
    """``n`` made-up participant lines, every fifth one the interviewer's."""
    subjects = ["The court", "My team", "The service", "Funding", "The steering group"]
    verbs = ["changed", "helped", "slowed", "shaped", "supported"]
    objects = ["the referrals", "our caseload", "the pathway", "the reviews", "the hearings"]
    lines: list[tuple[str | None, str]] = []
    for i in range(n):
        k = i + seed
        sentence = (
            f"{subjects[k % 5]} {verbs[(k // 5) % 5]} {objects[(k // 25) % 5]} in week {i + 1}."
        )
        lines.append((INTERVIEWER if i % 5 == 0 else "Participant", sentence))
    return lines


def write_csv(path: Path, rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def coding_keys(project: Project) -> set[tuple[str, int, str, str, int | None, int | None, Any]]:
    """(transcript, line, code, coder, span_start, span_end, memo) of every coding."""
    return {
        (c.transcript_id, c.line, c.code_id, c.coder, c.span_start, c.span_end, c.memo)
        for c in project.store.codings(include_orphaned=True)
    }


def database_snapshot(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a bulk apply may touch, for before/after comparisons."""
    conn = project.store.db.conn
    return {
        table: [tuple(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
        for table in ("codings", "coders", "audit_log", "coder_progress")
    }
