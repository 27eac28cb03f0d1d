"""Plain records the store hands out (no sqlite3.Row escapes the store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TranscriptInfo:
    id: str
    version: int
    content_hash: str
    source_name: str
    source_format: str
    unit: str
    imported_at: str
    n_segments: int
    n_codable: int
    n_words: int


@dataclass(frozen=True)
class SegmentRow:
    id: int
    transcript_id: str
    version: int
    line: int
    speaker: str | None
    turn_index: int
    start: int
    end: int
    time_start: float | None
    time_end: float | None
    codable: bool
    text: str


@dataclass(frozen=True)
class Participant:
    id: str
    role: str | None
    site: str | None
    attributes: dict[str, Any] = field(default_factory=dict)

    def attribute(self, name: str) -> Any:
        if name == "id":
            return self.id
        if name == "role":
            return self.role
        if name == "site":
            return self.site
        return self.attributes.get(name)


@dataclass(frozen=True)
class CodingRow:
    id: int
    uid: str
    transcript_id: str
    segment_id: int
    line: int
    span_start: int | None
    span_end: int | None
    code_id: str
    coder: str
    codebook_version: int
    source: str
    score: float | None
    model: str | None
    origin: str | None
    memo: str | None
    orphaned: bool
    created_at: str


@dataclass(frozen=True)
class CodebookVersion:
    version: int
    created_at: str
    source: str
    content_hash: str
    changes: dict[str, Any]
    note: str | None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str | None
    action: str
    how: str | None
    codebook_version: int | None
    details: dict[str, Any]


@dataclass(frozen=True)
class SegmentArrays:
    """Segments of several transcripts as parallel numpy arrays (agreement at scale).

    Ordered by transcript (in the order asked for), then line. ``transcript`` indexes
    ``transcript_ids``.
    """

    transcript_ids: tuple[str, ...]
    id: Any  # int64 arrays, one entry per segment
    transcript: Any
    line: Any
    start: Any
    end: Any
    codable: Any  # bool


@dataclass(frozen=True)
class CodingArrays:
    """Codings as parallel numpy arrays: no Python object per coding.

    ``code`` indexes ``code_ids`` and ``coder`` indexes ``coders``; ``span_start`` and
    ``span_end`` are -1 for a coding of the whole segment.
    """

    code_ids: tuple[str, ...]
    coders: tuple[str, ...]
    segment_id: Any  # int64 arrays, one entry per coding
    code: Any
    coder: Any
    span_start: Any
    span_end: Any


@dataclass(frozen=True)
class MemoRow:
    """A memo: on a line (``code_id`` None) or on one coding (``code_id`` its code)."""

    coder: str
    transcript_id: str
    line: int
    segment_id: int
    speaker: str | None
    code_id: str | None
    memo: str
    text: str
    updated_at: str


# A participant linked to a whole transcript rather than to one of its speakers.
ALL_SPEAKERS = "*"


class ParticipantResolver:
    """Says which participant, if any, spoke a segment."""

    def __init__(self, participants: list[Participant], links: dict[tuple[str, str], str]) -> None:
        self.by_id = {p.id: p for p in participants}
        self.links = links

    def resolve(self, transcript_id: str, speaker: str | None, codable: bool) -> Participant | None:
        if speaker is not None and (transcript_id, speaker) in self.links:
            return self.by_id.get(self.links[(transcript_id, speaker)])
        if not codable:
            return None
        if (transcript_id, ALL_SPEAKERS) in self.links:
            return self.by_id.get(self.links[(transcript_id, ALL_SPEAKERS)])
        return self.by_id.get(transcript_id)
