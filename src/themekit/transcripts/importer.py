"""Importing transcript files into a project.

Each file is read, segmented and stored in one transaction together with its audit
entry and any re-anchored codings, so a batch that meets a bad file keeps the good
ones and leaves nothing half-written. Identical content is recognised by hash and
skipped; changed content becomes a new version and existing codings are moved onto it
(identical segment text first, then a fuzzy match) or kept as orphaned and listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from themekit.errors import ThemekitError, TranscriptReadError
from themekit.model.rows import SegmentRow
from themekit.model.transcripts import ImportSettings, ParsedTranscript, Segment

if TYPE_CHECKING:
    from themekit.project import Project
    from themekit.transcripts.report import TranscriptReport

TRANSCRIPT_SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".srt")
# Files in a folder that are data of another kind or documentation, not transcripts.
_SKIP_IN_FOLDERS = ("readme", "participants", "license", "changelog")


@dataclass
class ImportOutcome:
    """What happened to one file in an import batch."""

    path: str
    transcript_id: str | None
    status: str  # "imported" | "updated" | "unchanged" | "failed" | "skipped"
    segments: int = 0
    codable: int = 0
    reanchored: int = 0
    orphaned: list[str] = field(default_factory=list)
    error: ThemekitError | None = None
    note: str | None = None  # why a file was skipped
    report: TranscriptReport | None = None  # speakers, interviewers and warnings
    # Codings now on interviewer lines (``codings_on_interviewer_lines``), for the report.
    on_interviewer_lines: list[str] = field(default_factory=list)


def import_transcripts(
    project: Project,
    paths: Iterable[str | Path],
    *,
    unit: str | None = None,
    transcript_id: str | None = None,
    on_file: Callable[[ImportOutcome], None] | None = None,
    interviewers: Iterable[str] = (),
    dry_run: bool = False,
) -> list[ImportOutcome]:
    """Import files and folders; each file in its own transaction.

    ``interviewers`` names speakers whose lines are not codable (added to the
    project's ``interviewers`` setting); ``dry_run`` reads and reports, writes nothing.
    """
    skipped: list[tuple[Path, str]] = []
    files = expand_paths([Path(p) for p in paths], skipped)
    if transcript_id and len(files) > 1:
        raise ThemekitError(
            "--id can only be used when importing a single file.",
            hint="Import the files one at a time, or rename them to their ids.",
        )
    outcomes = []
    for path, reason in skipped:
        outcome = ImportOutcome(str(path), None, "skipped", note=reason)
        outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    for file, _explicit in files:
        outcome = import_one(
            project,
            file,
            unit=unit,
            transcript_id=transcript_id,
            interviewers=tuple(interviewers),
            dry_run=dry_run,
        )
        outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    return outcomes


def expand_paths(
    paths: list[Path], skipped: list[tuple[Path, str]] | None = None
) -> list[tuple[Path, bool]]:
    """Files to import, with whether the user named each one explicitly.

    In a folder, files that are plainly not transcripts are passed over; those with a
    transcript's extension (a README.md, say) are added to ``skipped`` with the reason,
    so the user can see that nothing was lost silently.
    """
    files: list[tuple[Path, bool]] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if not child.is_file() or any(p.startswith((".", "_")) for p in rel.parts):
                    continue
                if child.suffix.lower() not in TRANSCRIPT_SUFFIXES:
                    continue
                if child.stem.lower().startswith(_SKIP_IN_FOLDERS):
                    if skipped is not None:
                        skipped.append(
                            (
                                child,
                                "its name says it is not a transcript; import it by name"
                                " if it is one",
                            )
                        )
                    continue
                files.append((child, False))
        elif path.exists():
            files.append((path, True))
        else:
            raise TranscriptReadError(
                path, "no such file or folder", hint="Check the path and try again."
            )
    return files


def import_settings_for(
    project: Project, *, unit: str | None = None, interviewers: tuple[str, ...] = ()
) -> ImportSettings:
    """The project's import settings with a ``--unit`` and ``--interviewer`` names applied."""
    from dataclasses import replace

    settings = project.settings.import_settings
    if unit:
        if unit not in ("sentence", "turn", "paragraph", "line"):
            raise ThemekitError(
                f"Unknown unit '{unit}'.", hint="Use --unit sentence, turn, paragraph or line."
            )
        settings = replace(settings, unit=unit)
    if interviewers:
        settings = replace(settings, interviewers=(*settings.interviewers, *interviewers))
    return settings


def import_one(
    project: Project,
    path: Path,
    *,
    unit: str | None,
    transcript_id: str | None,
    interviewers: tuple[str, ...] = (),
    dry_run: bool = False,
) -> ImportOutcome:
    """Import one file (``dry_run``: read and report, write nothing).

    Identical text is "unchanged", unless ``unit`` or ``interviewers`` make its segments
    (speakers, interviewer flags) come out differently: then it becomes a new version,
    with codings re-anchored.
    """
    from dataclasses import replace

    from themekit.transcripts.readers import read_transcript
    from themekit.transcripts.report import build_report
    from themekit.transcripts.roles import decide_roles
    from themekit.transcripts.segment import content_hash, segment_transcript

    settings = import_settings_for(project, unit=unit, interviewers=interviewers)
    tid = transcript_id or path.stem
    try:
        if path.suffix.lower() == ".qdpx":
            raise TranscriptReadError(
                path, "is a REFI-QDA project", hint="Import it with 'themekit import FILE.qdpx'."
            )
        parsed = read_transcript(path, settings)
        digest = content_hash(parsed.text)
        store = project.store
        same_text = store.current_hash(tid) == digest
        if same_text and unit is None:
            # Same text, no new unit asked for: keep the unit it was imported with.
            settings = replace(settings, unit=store.current_unit(tid) or settings.unit)
        roles = decide_roles(parsed, settings)
        segments = segment_transcript(parsed, settings, roles)
        report = build_report(parsed, segments, roles)
        if not segments:
            raise TranscriptReadError(
                path, "contains no text to code", hint="Check that it is the right file."
            )
        if same_text and (
            (unit is None and not interviewers) or same_segments(store.segments(tid), segments)
        ):
            # Settings changed since the import are applied by 'transcripts speakers', so
            # that importing a folder again never undoes a correction made there.
            return ImportOutcome(str(path), tid, "unchanged")
        existed = store.has_transcript(tid)
        status = "updated" if existed else "imported"
        codable = sum(1 for s in segments if s.codable)
        if dry_run:
            return ImportOutcome(str(path), tid, status, len(segments), codable, report=report)
        reanchored, orphaned, undone = store_version(
            project,
            tid,
            parsed,
            segments,
            source_name=path.name,
            unit=settings.unit,
            action="transcript.update" if existed else "transcript.import",
            how="import",
            details={"file": path.name, "warnings": report.warnings},
        )
        return ImportOutcome(
            str(path),
            tid,
            status,
            len(segments),
            codable,
            reanchored,
            orphaned,
            note=(
                f"done marks cleared for {', '.join(undone)}: check the changed lines, then"
                f" 'themekit transcripts done {tid} --coder NAME'"
                if undone
                else None
            ),
            report=report,
            on_interviewer_lines=codings_on_interviewer_lines(project, tid) if existed else [],
        )
    except ThemekitError as exc:
        return ImportOutcome(str(path), tid, "failed", error=exc)


def codings_on_interviewer_lines(project: Project, transcript_id: str) -> list[str]:
    """Codings of the current version on lines that are not codable (interviewer lines),
    as "line 12 (Sam): funding, by ana": after a new version (re-import, re-detection) a
    re-anchored coding can land on one; it is kept and reported."""
    store = project.store
    not_codable = {s.id: s for s in store.segments(transcript_id) if not s.codable}
    if not not_codable:
        return []
    found = []
    for coding in store.codings(transcript_id=transcript_id):
        segment = not_codable.get(coding.segment_id)
        if segment is not None:
            who = f" ({segment.speaker})" if segment.speaker else ""
            found.append(f"line {segment.line}{who}: {coding.code_id}, by {coding.coder}")
    return found


def same_segments(stored: list[SegmentRow], segments: list[Segment]) -> bool:
    """Whether a new segmentation equals the stored one (text, speakers, codable flags)."""
    return [(s.start, s.end, s.speaker, s.codable, s.time_start) for s in stored] == [
        (s.start, s.end, s.speaker, s.codable, s.time_start) for s in segments
    ]


def store_version(
    project: Project,
    tid: str,
    parsed: ParsedTranscript,
    segments: list[Segment],
    *,
    source_name: str,
    unit: str,
    action: str,
    how: str,
    details: dict[str, object],
) -> tuple[int, list[str], list[str]]:
    """Store a new version in one transaction with its audit entry, moving the codings.

    Returns (codings re-anchored, orphan notes, coders whose done mark was cleared).
    """
    from themekit.transcripts.segment import content_hash

    store = project.store
    existed = store.has_transcript(tid)
    with store.db.transaction():
        old_version = store.current_version(tid)
        version = store.add_transcript_version(
            tid,
            parsed,
            segments,
            content_hash=content_hash(parsed.text),
            source_name=source_name,
            unit=unit,
        )
        reanchored, orphaned = 0, list[str]()
        undone: list[str] = []
        if existed and old_version is not None:
            reanchored, orphaned = _reanchor(project, tid, old_version, version)
            # A coder who finished the old text has not seen the new lines: agreement
            # must not treat what they left uncoded there as "no code applies".
            undone = store.clear_done(tid)
        store.log(
            action,
            how=how,
            details={
                "transcript": tid,
                **details,
                "version": version,
                "segments": len(segments),
                "reanchored": reanchored,
                "orphaned": len(orphaned),
                "done_cleared": undone,
            },
        )
    return reanchored, orphaned, undone


def _as_segment(row: SegmentRow) -> Segment:
    return Segment(
        row.line,
        row.speaker,
        row.turn_index,
        row.start,
        row.end,
        row.text,
        row.codable,
        row.time_start,
        row.time_end,
    )


def _reanchor(
    project: Project, tid: str, old_version: int, new_version: int
) -> tuple[int, list[str]]:
    """Move the transcript's codings onto the new version; return (moved, orphan notes).

    Codings already orphaned on an older version stay where they are. Spans are stored
    as absolute offsets, so they are made relative to their segment for the move.
    """
    from themekit.transcripts.anchor import Anchor, reanchor

    store = project.store
    old_segments = store.segments(tid, old_version)
    old_by_id = {s.id: s for s in old_segments}
    codings = [
        c
        for c in store.codings(transcript_id=tid, include_orphaned=True)
        if c.segment_id in old_by_id
    ]
    if not codings:
        return 0, []
    new_segments = store.segments(tid, new_version)
    anchors = []
    for c in codings:
        seg = old_by_id[c.segment_id]
        if c.span_start is not None and c.span_end is not None:
            anchors.append(Anchor(c.id, seg.line, c.span_start - seg.start, c.span_end - seg.start))
        else:
            anchors.append(Anchor(c.id, seg.line))
    results = reanchor(
        [_as_segment(s) for s in old_segments], anchors, [_as_segment(s) for s in new_segments]
    )
    by_new_line = {s.line: s for s in new_segments}
    by_id = {c.id: c for c in codings}
    moved, orphaned = 0, []
    for result in results:
        coding = by_id[result.key]  # type: ignore[index]
        if result.line is None:
            span = (
                (coding.span_start, coding.span_end)
                if coding.span_start is not None and coding.span_end is not None
                else None
            )
            store.move_coding(coding.id, segment_id=coding.segment_id, span=span, orphaned=True)
            orphaned.append(f"{tid} line {coding.line}: {coding.code_id} ({coding.coder})")
            continue
        target = by_new_line[result.line]
        new_span = None
        if result.span_start is not None and result.span_end is not None:
            new_span = (target.start + result.span_start, target.start + result.span_end)
        store.move_coding(coding.id, segment_id=target.id, span=new_span, orphaned=False)
        moved += 1
    return moved, orphaned
