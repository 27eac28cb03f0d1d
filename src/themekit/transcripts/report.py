"""The import report: per transcript, who speaks, who is the interviewer and why, how
much is codable, and every warning speaker detection has (``themekit import`` and
``themekit import --dry-run`` show it; ``--format json`` gives it to scripts).

Warnings come from three places, in this order: the label decision
(``speakers.accept_labels``: "labels not taken as speakers: ..."), the role decision
(``roles.decide_roles``: "one speaker only", "interviewer inferred: ...", "interviewer not
identified: ..."), and the segments (text before the first speaker kept as a header).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from themekit.model.transcripts import ParsedTranscript, Segment
from themekit.transcripts.roles import RoleDecision


@dataclass(frozen=True)
class SpeakerSummary:
    name: str | None  # None: text without a speaker label
    turns: int
    words: int
    interviewer: bool
    reason: str | None  # "named" | "label" | "inferred" (interviewers only)
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "turns": self.turns,
            "words": self.words,
            "interviewer": self.interviewer,
            "reason": self.reason,
            "detail": self.detail or None,
        }


@dataclass
class TranscriptReport:
    """What one transcript's speaker detection found; ``warnings`` are exact messages."""

    speakers: list[SpeakerSummary] = field(default_factory=list)
    segments: int = 0
    codable: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def codable_share(self) -> float:
        return self.codable / self.segments if self.segments else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "speakers": [speaker.to_dict() for speaker in self.speakers],
            "segments": self.segments,
            "codable": self.codable,
            "codable_share": round(self.codable_share, 3),
            "warnings": list(self.warnings),
        }

    def lines(self) -> list[str]:
        """The report as indented text lines for the terminal."""
        out = []
        for speaker in self.speakers:
            name = speaker.name if speaker.name is not None else "(no speaker label)"
            role = ""
            if speaker.interviewer:
                role = f", interviewer ({speaker.detail})"
            out.append(
                f"  {name}: {speaker.turns} turn{'s' if speaker.turns != 1 else ''},"
                f" {speaker.words:,} words{role}"
            )
        out.append(f"  codable: {self.codable} of {self.segments} lines ({self.codable_share:.0%})")
        out.extend(f"  warning: {warning}" for warning in self.warnings)
        return out


def build_report(
    parsed: ParsedTranscript, segments: list[Segment], roles: RoleDecision
) -> TranscriptReport:
    """The report for one transcript read as ``parsed`` and cut into ``segments``."""
    turns: dict[str | None, int] = {}
    words: dict[str | None, int] = {}
    for turn in parsed.turns:
        turns[turn.speaker] = turns.get(turn.speaker, 0) + 1
        words[turn.speaker] = words.get(turn.speaker, 0) + len(
            parsed.text[turn.start : turn.end].split()
        )
    speakers = []
    for name in turns:
        role = roles.roles.get(name) if name is not None else None
        speakers.append(
            SpeakerSummary(
                name,
                turns[name],
                words[name],
                bool(role and role.interviewer),
                role.reason if role and role.interviewer else None,
                role.detail if role and role.interviewer else "",
            )
        )
    warnings = [*parsed.notes, *roles.notes]
    first_labelled = next((s.line for s in segments if s.speaker is not None), None)
    header = sum(
        1
        for s in segments
        if first_labelled is not None and s.line < first_labelled and not s.codable
    )
    if header:
        share = max(1, round(100 * header / len(segments)))
        warnings.append(
            f"{share}% of lines ({header}) before the first speaker treated as header, not codable"
        )
    return TranscriptReport(
        speakers, len(segments), sum(1 for s in segments if s.codable), warnings
    )
