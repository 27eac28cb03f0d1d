"""Plain data that flows from a transcript file to stored segments.

A reader turns a file into a ``ParsedTranscript``: the canonical text that themekit
stores (never modified afterwards; every offset points into it) and the speaker turns
found in it. ``segment.segment_transcript`` then cuts each turn into ``Segment``s, the
codable units with 1-based line numbers that researchers cite ("P07, line 42").
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Turn:
    """One speaker turn: ``text[start:end]`` is the speech, without the speaker label."""

    speaker: str | None
    start: int
    end: int
    time_start: float | None = None
    time_end: float | None = None
    role: str | None = None  # a role written after the name: "Sarah Khan (Interviewer):"


@dataclass(frozen=True)
class ParsedTranscript:
    text: str
    turns: list[Turn]
    source_format: str  # "txt", "md", "docx", "vtt", "srt", "qdpx"
    metadata: dict[str, str] = field(default_factory=dict)
    # What speaker detection has to tell the user ("labels not taken as speakers: ...").
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Segment:
    """A codable unit. ``line`` is 1-based and counts every segment in the transcript."""

    line: int
    speaker: str | None
    turn_index: int
    start: int
    end: int
    text: str
    codable: bool
    time_start: float | None = None
    time_end: float | None = None


@dataclass(frozen=True)
class ImportSettings:
    """The ``[import]`` table of themekit.toml, with defaults."""

    unit: str = "sentence"  # sentence | turn | paragraph | line
    speaker_pattern: str | None = None  # a regex with a named group "speaker"
    interviewer_labels: tuple[str, ...] = (
        "Interviewer",
        "I",
        "INT",
        "Facilitator",
        "Moderator",
    )
    # Speakers named as interviewers (themekit.toml ``interviewers``, ``--interviewer``).
    interviewers: tuple[str, ...] = ()
