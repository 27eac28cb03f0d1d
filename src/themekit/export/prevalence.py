"""Who said what: per code, the participants and segments coded with it.

Prevalence in a thematic analysis is reported in participants ("almost all
interviewees", "several of the probation officers"), not in codings, so the unit here
is the participant: a participant counts for a code when any coder (or the coders
named) applied the code, or one of its descendants, to something they said. When no
participants table was imported, each transcript stands for one participant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from themekit.errors import ExportError
from themekit.model.codebook import Codebook, CodeEntry

if TYPE_CHECKING:
    from themekit.model.rows import CodingRow, Participant, SegmentRow
    from themekit.project import Project


@dataclass
class CodePrevalence:
    entry: CodeEntry
    participants: set[str] = field(default_factory=set)
    segments: set[int] = field(default_factory=set)
    codings: list[CodingRow] = field(default_factory=list)  # own codings, not descendants'


@dataclass
class Prevalence:
    codebook: Codebook
    codebook_version: int
    participants: dict[str, Participant | None]  # interviewed participants (key -> record)
    by_code: dict[str, CodePrevalence]
    segments: dict[int, SegmentRow]
    speaker_of: dict[int, str]  # segment id -> participant key

    def group_of(self, key: str, attribute: str) -> str:
        person = self.participants.get(key)
        if person is None:
            return "(unknown)"
        value = person.attribute(attribute)
        return "(missing)" if value in (None, "") else str(value)

    def groups(self, attribute: str) -> dict[str, set[str]]:
        result: dict[str, set[str]] = {}
        for key in self.participants:
            result.setdefault(self.group_of(key, attribute), set()).add(key)
        return dict(sorted(result.items()))


def check_attribute(project: Project, attribute: str) -> None:
    people = project.participants()
    known = {"id", "role", "site"} | {k for p in people for k in p.attributes}
    if not people:
        raise ExportError(
            f"by {attribute}: no participants are imported.",
            hint="Import the participants table first.",
            next_step="participants.import",
            arguments=("by",),
        )
    if attribute not in known:
        raise ExportError(
            f"by {attribute}: unknown participant attribute (known: {', '.join(sorted(known))}).",
            hint="Use one of the known attributes.",
            arguments=("by",),
        )


def compute_prevalence(project: Project, *, coders: Sequence[str] | None = None) -> Prevalence:
    store = project.store
    current = store.current_codebook()
    if current is None:
        raise ExportError(
            "No codebook is loaded.", hint="Load a codebook first.", next_step="codebook.load"
        )
    version, codebook = current
    if coders:
        unknown = [c for c in coders if c not in store.coders()]
        if unknown:
            raise ExportError(
                f"Unknown coder: {', '.join(unknown)}.",
                hint="Check the names against the project's coders.",
                next_step="project.status",
            )
    resolver = project.resolver()
    people = {p.id: p for p in store.participants()}
    segments = {s.id: s for s in store.all_current_segments(codable_only=False)}
    participants: dict[str, Participant | None] = {}
    speaker_of: dict[int, str] = {}
    # With --coder, the denominator is the participants those coders actually coded
    # (transcripts they coded or marked done), not everyone interviewed.
    worked_on: set[str] | None = None
    if coders:
        worked_on = set()
        for name in coders:
            worked_on |= store.coded_transcripts(name) | store.done_transcripts(name)
    for seg in segments.values():
        if not seg.codable or (worked_on is not None and seg.transcript_id not in worked_on):
            continue
        person = resolver.resolve(seg.transcript_id, seg.speaker, seg.codable)
        key = person.id if person else (seg.transcript_id if not people else None)
        if key is None:
            continue
        participants.setdefault(key, people.get(key))
        speaker_of[seg.id] = key
    by_code = {e.code.id: CodePrevalence(e) for e in codebook.walk()}
    codings = [c for c in store.codings() if not coders or c.coder in coders]
    if not codings:
        raise ExportError(
            "Nothing is coded yet" + (f" by {', '.join(coders)}" if coders else "") + ".",
            hint="Code transcripts first, by hand or from a table of codings.",
            next_step="code.start",
        )
    ancestors: dict[str, list[str]] = {}
    by_id = codebook.by_id()
    for entry in by_id.values():
        chain, parent = [], entry.parent_id
        while parent:
            chain.append(parent)
            parent = by_id[parent].parent_id
        ancestors[entry.code.id] = chain
    for c in codings:
        if c.code_id not in by_code or c.segment_id not in segments:
            continue
        by_code[c.code_id].codings.append(c)
        key = speaker_of.get(c.segment_id)
        for code_id in [c.code_id, *ancestors[c.code_id]]:
            prevalence = by_code[code_id]
            prevalence.segments.add(c.segment_id)
            if key:
                prevalence.participants.add(key)
    return Prevalence(codebook, version, participants, by_code, segments, speaker_of)


def describe_share(n: int, total: int) -> str:
    """Prevalence in the words qualitative papers use (documented in docs/exports.md)."""
    if total == 0 or n == 0:
        return "no interviewees"
    share = n / total
    if n == total:
        return "all interviewees"
    if share >= 0.8:
        return "almost all interviewees"
    if share >= 0.5:
        return "most interviewees"
    if share >= 0.25:
        return "several interviewees"
    if n == 1:
        return "one interviewee"
    return "a few interviewees"
