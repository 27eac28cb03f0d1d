"""Builders shared by the coding-app tests: a small fictional study, made through the store."""

from __future__ import annotations

from themekit.codebook.model import Codebook
from themekit.project import Project
from themekit.store.rows import Participant
from themekit.transcripts.model import ParsedTranscript, Segment, Turn

CODEBOOK = {
    "name": "MHTR framework (test)",
    "codes": [
        {
            "id": "benefits",
            "label": "Benefits",
            "codable": False,
            "children": [
                {"id": "options", "label": "Increasing options in community sentencing"},
                {"id": "gap", "label": "Filling a previous gap in services"},
            ],
        },
        {
            "id": "challenges",
            "label": "Challenges",
            "codable": False,
            "children": [
                {"id": "funding", "label": "Sustainability of funding"},
                {"id": "multiagency", "label": "Multi-agency working and competing priorities"},
            ],
        },
    ],
}

# (speaker, text): fictional interview lines; the interviewer's are not codable.
LINES = [
    ("Interviewer", "Can you tell me how the pilot started in your area?"),
    ("P07", "We had nothing for people with moderate needs before the pilot."),
    ("P07", "Magistrates now have a real alternative to a short custodial sentence."),
    ("Interviewer", "And how did the teams work together?"),
    ("P07", "Probation and the clinicians met every fortnight to review cases."),
    ("P07", "Nobody knows whether the money will still be there next year."),
    ("Interviewer", "Anything else you would like to add?"),
    ("P07", "The steering group kept everyone pointed in the same direction."),
]


def build_transcript(project: Project, transcript_id: str, lines: list[tuple[str, str]]) -> None:
    text_parts: list[str] = []
    turns: list[Turn] = []
    segments: list[Segment] = []
    offset = 0
    for number, (speaker, line_text) in enumerate(lines, start=1):
        prefix = f"{speaker}: "
        start = offset + len(prefix)
        end = start + len(line_text)
        text_parts.append(prefix + line_text)
        turns.append(Turn(speaker, start, end))
        segments.append(
            Segment(
                line=number,
                speaker=speaker,
                turn_index=number - 1,
                start=start,
                end=end,
                text=line_text,
                codable=speaker != "Interviewer",
            )
        )
        offset = end + 1
    text = "\n".join(text_parts)
    for s in segments:
        assert text[s.start : s.end] == s.text
    project.store.add_transcript_version(
        transcript_id,
        ParsedTranscript(text, turns, "txt"),
        segments,
        content_hash=f"hash-{transcript_id}-{len(lines)}",
        source_name=f"{transcript_id}.txt",
        unit="sentence",
    )


def build_study(project: Project, *, extra_transcripts: int = 0) -> None:
    build_transcript(project, "P07", LINES)
    for n in range(extra_transcripts):
        build_transcript(project, f"P1{n}", LINES[:4])
    project.store.add_codebook_version(Codebook.from_dict(CODEBOOK), source="test", changes={})
    project.store.replace_participants(
        [Participant("P07", "Probation Service", "Plymouth", {})], []
    )
