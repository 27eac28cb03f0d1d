"""Re-running speaker detection on imported transcripts, keeping every coding.

After an import that took the wrong speakers or the wrong interviewer, the researcher
names the interviewer (``interviewers``) or gives a label pattern (``pattern``) and runs
detection again on the stored text. A transcript whose segments change gets a new
version, with its codings re-anchored exactly as on re-import (``importer.store_version``
and ``anchor.reanchor``: same text first, then a fuzzy match, else orphaned and listed);
one whose segments come out the same is left alone.

Which turns are re-detected: plain text and Markdown (and REFI-QDA sources) are read again
from their stored text with the label rule. Word and subtitle transcripts keep the turns
found on import (a voice tag or a table row is not in the text as a label) unless a
``pattern`` is given; their interviewer roles are decided again either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from themekit.errors import ThemekitError
from themekit.model.rows import SegmentRow
from themekit.model.transcripts import ParsedTranscript, Turn
from themekit.transcripts.report import TranscriptReport

if TYPE_CHECKING:
    from themekit.project import Project

#: Formats whose stored text carries the speaker labels as written in the file.
TEXT_FORMATS = ("txt", "md", "qdpx")


@dataclass
class RedetectOutcome:
    transcript_id: str
    status: str  # "changed" | "unchanged" (with dry_run: what would happen)
    changes: list[str] = field(default_factory=list)
    report: TranscriptReport | None = None
    version: int | None = None
    reanchored: int = 0
    orphaned: list[str] = field(default_factory=list)
    # Codings kept on lines that are now interviewer lines ("line 12 (Interviewer):
    # funding, by ana"): not codable any more, so the researcher should look at them.
    on_interviewer_lines: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "transcript": self.transcript_id,
            "status": self.status,
            "changes": list(self.changes),
            "version": self.version,
            "reanchored": self.reanchored,
            "orphaned": list(self.orphaned),
            "on_interviewer_lines": list(self.on_interviewer_lines),
            **(self.report.to_dict() if self.report else {}),
        }


def redetect_speakers(
    project: Project,
    transcript_ids: Iterable[str] = (),
    *,
    interviewers: Iterable[str] = (),
    pattern: str | None = None,
    dry_run: bool = False,
) -> list[RedetectOutcome]:
    """Detect speakers and interviewers again (all transcripts when no ids are given)."""
    from themekit.transcripts.importer import (
        codings_on_interviewer_lines,
        import_settings_for,
        same_segments,
        store_version,
    )
    from themekit.transcripts.report import build_report
    from themekit.transcripts.roles import decide_roles
    from themekit.transcripts.segment import segment_transcript
    from themekit.transcripts.speakers import compile_speaker_rule, detect_speakers

    store = project.store
    ids = list(dict.fromkeys(transcript_ids)) or store.transcript_ids()
    unknown = [tid for tid in ids if not store.has_transcript(tid)]
    if unknown:
        raise ThemekitError(
            "No transcript " + ", ".join(f"'{t}'" for t in unknown) + "; nothing was changed.",
            hint="Check the ids against the project's transcripts.",
            next_step="transcripts.list",
        )
    settings = import_settings_for(project, interviewers=tuple(interviewers))
    if pattern is not None:
        settings = replace(settings, speaker_pattern=pattern or None)
        compile_speaker_rule(settings.speaker_pattern)  # a bad pattern fails before any change
    infos = {info.id: info for info in store.transcripts()}
    outcomes = []
    for tid in ids:
        info = infos[tid]
        text = store.transcript_text(tid)
        old = store.segments(tid)
        unit_settings = replace(settings, unit=store.current_unit(tid) or settings.unit)
        if info.source_format in TEXT_FORMATS or pattern is not None:
            detection = detect_speakers(text, unit_settings.speaker_pattern)
            parsed = ParsedTranscript(
                text, detection.turns, info.source_format, notes=detection.notes
            )
        else:
            parsed = ParsedTranscript(text, _stored_turns(old), info.source_format)
        roles = decide_roles(parsed, unit_settings)
        segments = segment_transcript(parsed, unit_settings, roles)
        report = build_report(parsed, segments, roles)
        if not segments or same_segments(old, segments):
            outcomes.append(RedetectOutcome(tid, "unchanged", report=report))
            continue
        outcome = RedetectOutcome(tid, "changed", _describe(old, segments), report)
        if not dry_run:
            outcome.reanchored, outcome.orphaned, _undone = store_version(
                project,
                tid,
                parsed,
                segments,
                source_name=info.source_name,
                unit=unit_settings.unit,
                action="transcript.redetect",
                how="redetect",
                details={
                    "interviewers": list(unit_settings.interviewers),
                    "speaker_pattern": unit_settings.speaker_pattern,
                    "changes": outcome.changes,
                },
            )
            outcome.version = store.current_version(tid)
            outcome.on_interviewer_lines = codings_on_interviewer_lines(project, tid)
        outcomes.append(outcome)
    return outcomes


def _stored_turns(segments: list[SegmentRow]) -> list[Turn]:
    """The turns of a stored version, rebuilt from its segments."""
    turns: list[Turn] = []
    by_index: dict[int, list[SegmentRow]] = {}
    for segment in segments:
        by_index.setdefault(segment.turn_index, []).append(segment)
    for index in sorted(by_index):
        rows = by_index[index]
        first, last = rows[0], rows[-1]
        turns.append(Turn(first.speaker, first.start, last.end, first.time_start, first.time_end))
    return turns


def _speakers(segments: Iterable[Any], *, interviewers: bool) -> list[str]:
    names = [
        s.speaker for s in segments if s.speaker is not None and (not interviewers or not s.codable)
    ]
    return list(dict.fromkeys(names))


def _describe(old: list[SegmentRow], new: list[Any]) -> list[str]:
    """What changed, as short lines: speakers, interviewers, codable and total lines."""
    changes = []
    pairs = [
        ("speakers", _speakers(old, interviewers=False), _speakers(new, interviewers=False)),
        ("interviewers", _speakers(old, interviewers=True), _speakers(new, interviewers=True)),
    ]
    for what, before, after in pairs:
        if before != after:
            changes.append(f"{what}: {', '.join(before) or 'none'} -> {', '.join(after) or 'none'}")
    old_codable = sum(1 for s in old if s.codable)
    new_codable = sum(1 for s in new if s.codable)
    if len(old) != len(new):
        changes.append(f"lines: {len(old)} -> {len(new)}")
    if old_codable != new_codable:
        changes.append(f"codable lines: {old_codable} -> {new_codable}")
    return changes
