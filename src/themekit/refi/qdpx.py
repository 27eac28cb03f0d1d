"""REFI-QDA projects (.qdpx): a whole themekit project out to other QDA programs and back.

A .qdpx file is a zip holding ``project.qde`` (XML, ``urn:QDA-XML:project:1.0``) and a
``sources/`` folder. themekit writes, and reads back:

* transcript (current version): a ``TextSource`` named by its id, the stored text
  as ``sources/<guid>.txt``;
* coder: a ``User``;
* codebook: the ``CodeBook`` (see ``qdc``: guidance and id in each ``Description``);
* participant: a ``Case`` with ``VariableValue``s; ``role``, ``site`` and every
  attribute a ``Variable`` (an attribute held empty is a value-less ``VariableValue``);
* coding: a ``PlainTextSelection`` with one ``Coding`` (``creatingUser``,
  ``creationDateTime``; the ``Coding`` GUID is the coding's ``uid``);
* coding memo: a ``Note`` referred to from the ``Coding``;
* segment memo: a ``Note`` referred to from a ``PlainTextSelection`` over the segment,
  with no coding;
* participant roles: a ``Set`` per role, of the transcripts those participants speak in.

Positions are code points of the stored text, end exclusive. A whole-segment coding is
exported as its segment's span; a span coding keeps its exact span.

**Ids through a round trip.** The standard identifies everything by GUID and has no
field for an application's own ids, so themekit derives every GUID it writes from a
stable key (UUID5; ``qdc.derived_guid``), reads GUIDs back where it can (a coding's
``Coding`` GUID is its ``uid``) and keeps what a GUID cannot carry in the free-text
``Description``s, as ``themekit ...:`` lines: a code's id (``qdc``), a transcript's id,
segment unit, format and file name, a participant's speaker links. Other programs show
these lines and leave them alone; a project that never passed through themekit simply
has none, and names stand in for ids.

**Import** reads the archive and checks it completely before touching the project:
the project file may have any ``*.qde`` name, sources may sit in ``sources/`` or
``Sources/``, GUIDs may be upper or lower case with or without braces, any namespace is
accepted, optional elements may be missing. Then everything is written in one
transaction, so a bad file leaves the project as it was:

* each ``TextSource`` becomes a transcript, segmented with the project's import settings
  (a themekit export's recorded unit wins, so segments and line numbers come back
  exactly); a source already in the project with the same text is reused;
* positions are converted from the tool's convention (``positions``: UTF-16 units and
  CRLF-as-two, as NVivo counts, are detected per source) and every selection is checked
  against the text; one that does not fit is reported and skipped, never misplaced;
* a selection becomes one coding per segment it overlaps, clipped to that segment: a
  whole-segment coding where it covers the segment, a span coding otherwise. Interviewer
  (non-codable) segments are skipped when the selection also covers codable ones;
* codes are matched to the project's codebook by GUID, then themekit id, then path;
  unmatched codes are added (a fresh project gets the file's codebook as is);
* codings are stored with ``source = "import"``, their coder, date and uid, and an audit
  entry ``coding.apply`` with ``how = "import"`` each.

Broken input (not a zip, no project file, XML that does not parse, a coding of a code
the file does not define, a source whose text is missing) is a ``RefiError`` naming the
file and the problem.

This module is the entry point and does the import; ``reader`` reads an archive into
plain data and ``writer`` builds and writes exports (both re-exported here).
"""

from __future__ import annotations

import json
import math
import uuid
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from themekit.codebook.io_qdc import (
    RefiCode,
    code_guid,
    normalise_guid,
    to_code,
    unique_id,
)
from themekit.codebook.model import Code, Codebook, CodeEntry
from themekit.codebook.validate import derive_id
from themekit.errors import RefiError
from themekit.refi.positions import (
    Convention,
    OffsetMap,
    Selection,
    check_selection,
    detect_convention,
)
from themekit.refi.reader import (
    RefiProject,
    RefiSource,
    read_qdpx,
)
from themekit.refi.writer import ExportSummary, QdpxPackage, build_qdpx, export_qdpx
from themekit.store.rows import Participant, SegmentRow
from themekit.transcripts.model import ParsedTranscript, Segment

if TYPE_CHECKING:
    from themekit.project import Project

__all__ = [
    "ExportSummary",
    "ImportReport",
    "QdpxPackage",
    "build_qdpx",
    "export_qdpx",
    "import_qdpx",
    "import_qdpx_report",
    "read_qdpx",
]

_KNOWN_SUFFIXES = (".txt", ".docx", ".doc", ".rtf", ".odt", ".md", ".pdf", ".vtt", ".srt")
_RESERVED_VARIABLES = {"id", "transcript", "speaker"}


def _store_datetime(value: str | None) -> str | None:
    """An xsd:dateTime from a file as themekit stores times (UTC, microseconds)."""
    if not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="microseconds")


# =====================================================================================
# Import: writing into a project
# =====================================================================================
@dataclass
class ImportReport:
    file: str
    transcripts_added: list[str] = field(default_factory=list)
    transcripts_reused: list[str] = field(default_factory=list)
    codes_added: int = 0
    codes_matched: int = 0
    codebook_version: int | None = None
    participants: int = 0
    coders: list[str] = field(default_factory=list)
    codings_added: int = 0
    codings_present: int = 0
    memos: int = 0
    conventions: dict[str, Convention] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{len(self.transcripts_added)} transcripts imported"
            + (
                f" ({len(self.transcripts_reused)} already present)"
                if self.transcripts_reused
                else ""
            ),
            f"{self.codes_added} codes added"
            + (f" ({self.codes_matched} matched)" if self.codes_matched else ""),
            f"{self.participants} participants",
            f"{len(self.coders)} coders",
            f"{self.codings_added} codings"
            + (f" ({self.codings_present} already present)" if self.codings_present else ""),
            f"{self.memos} memos",
        ]
        lines = [", ".join(parts)]
        for tid, convention in sorted(self.conventions.items()):
            if convention is not Convention.CODEPOINTS:
                lines.append(f"  {tid}: positions counted as {convention.value}; converted")
        if self.skipped:
            lines.append(f"  {len(self.skipped)} selections skipped:")
            lines.extend(f"  skipped: {item}" for item in self.skipped)
        lines.extend(f"  warning: {item}" for item in self.warnings)
        return "\n".join(lines)


@dataclass
class _PlannedSource:
    source: RefiSource
    transcript_id: str
    parsed: ParsedTranscript
    segments: list[Segment]
    unit: str
    source_name: str
    offsets: OffsetMap
    names_are_text: bool
    reuse: bool


def _transcript_id(source: RefiSource, taken: set[str]) -> str:
    wanted = source.markers.get("transcript", "").strip()
    if not wanted:
        wanted = source.name
        for suffix in _KNOWN_SUFFIXES:
            if wanted.lower().endswith(suffix) and len(wanted) > len(suffix):
                wanted = wanted[: -len(suffix)]
                break
        wanted = " ".join(wanted.split())
    return unique_id(wanted or f"source-{source.guid[:8]}", taken)


def _plan_sources(project: Project, refi: RefiProject) -> list[_PlannedSource]:
    from themekit.transcripts.segment import UNITS, content_hash, segment_transcript
    from themekit.transcripts.speakers import detect_speakers

    store = project.store
    settings = project.settings.import_settings
    taken: set[str] = set()
    planned = []
    for source in refi.sources:
        tid = _transcript_id(source, taken)
        taken.add(tid)
        canonical = source.text.canonical
        if not canonical.strip():
            refi.warnings.append(f"source '{source.name}' has no text; not imported")
            continue
        unit = source.markers.get("unit", "")
        unit_settings = replace(settings, unit=unit) if unit in UNITS else settings
        source_format = source.markers.get("format", "") or "qdpx"
        speakers = detect_speakers(canonical, unit_settings.speaker_pattern)
        refi.warnings.extend(f"source '{source.name}': {note}" for note in speakers.notes)
        parsed = ParsedTranscript(
            text=canonical,
            turns=speakers.turns,
            source_format=source_format,
            metadata={"refi_source": source.guid},
        )
        reuse = False
        if store.has_transcript(tid):
            if store.current_hash(tid) != content_hash(canonical):
                raise RefiError(
                    refi.file,
                    f"transcript '{tid}' is already in this project with different text",
                    hint="Import into a fresh project, or rename the transcript"
                    " in the project first.",
                    next_step="refi.fresh_project",
                )
            reuse = True
        segments = segment_transcript(parsed, unit_settings)
        if not segments:
            refi.warnings.append(f"source '{source.name}' has no text to code; not imported")
            continue
        detection = detect_convention(
            source.text,
            [Selection(s.start, s.end, s.name) for s in source.selections if not s.canonical],
        )
        planned.append(
            _PlannedSource(
                source=source,
                transcript_id=tid,
                parsed=parsed,
                segments=segments,
                unit=unit_settings.unit,
                source_name=source.markers.get("file") or f"{Path(refi.file).name}:{source.name}",
                offsets=OffsetMap(source.text, detection.convention),
                names_are_text=detection.names_are_text,
                reuse=reuse,
            )
        )
    return planned


def _merge_codebook(
    current: Codebook | None,
    items: list[RefiCode],
    registry: set[str],
    report: ImportReport,
) -> tuple[Codebook, dict[str, str], set[str]]:
    """The project's codebook with the file's codes matched or added.

    Returns the new codebook, file GUID -> code id, and the ids added by this import.
    """
    book = current.copy() if current else Codebook()
    by_guid: dict[str, Code] = {}
    by_id: dict[str, Code] = {}
    by_path: dict[tuple[str, ...], Code] = {}
    for entry in book.walk():
        by_guid[normalise_guid(code_guid(entry.code))] = entry.code
        by_id[entry.code.id] = entry.code
        by_path[tuple(p.casefold() for p in entry.path)] = entry.code
    taken = set(registry) | set(by_id)
    mapping: dict[str, str] = {}
    added: set[str] = set()

    def place(nodes: list[RefiCode], parent: Code | None, path: tuple[str, ...]) -> None:
        siblings = parent.children if parent is not None else book.codes
        for item in nodes:
            here = (*path, item.label)
            hint = item.fields.themekit_id
            match = (
                by_guid.get(item.guid)
                or (by_id.get(hint) if hint else None)
                or by_path.get(tuple(p.casefold() for p in here))
            )
            if match is not None:
                report.codes_matched += 1
                mapping[item.guid] = match.id
                place(item.children, match, here)
                continue
            if hint and hint in taken:
                hint = None
            code = to_code(item, hint or unique_id(derive_id(here), taken))
            taken.add(code.id)
            added.add(code.id)
            siblings.append(code)
            report.codes_added += 1
            mapping[item.guid] = code.id
            place(item.children, code, here)

    place(items, None, ())
    return book, mapping, added


def _coder_namer(refi: RefiProject, default: str, warnings: list[str]) -> Callable[..., str]:
    unknown: set[str] = set()

    def name(*guids: str | None) -> str:
        for guid in guids:
            if not guid:
                continue
            if guid in refi.users:
                return refi.users[guid]
            if guid not in unknown:
                unknown.add(guid)
                warnings.append(f"user {guid} is not listed under <Users>; called user-{guid[:8]}")
            return f"user-{guid[:8]}"
        return default

    return name


def _participants(
    refi: RefiProject, planned: list[_PlannedSource], warnings: list[str]
) -> tuple[list[Participant], list[tuple[str, str, str]]]:
    tid_of = {p.source.guid: p.transcript_id for p in planned}
    people: list[Participant] = []
    links: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for case in refi.cases:
        pid = unique_id(case.name or f"case-{case.guid[:8]}", seen)
        seen.add(pid)
        role = site = None
        attributes: dict[str, Any] = {}
        for var_guid, kind, text in case.values:
            name = refi.variables.get(var_guid)
            if name is None:
                warnings.append(f"case '{pid}': a value of unknown variable {var_guid}; ignored")
                continue
            key = name.strip().lower()
            value = _typed_value(kind, text)
            if key == "role":
                role = None if value is None else str(value)
            elif key == "site":
                site = None if value is None else str(value)
            elif key in _RESERVED_VARIABLES:
                warnings.append(f"variable '{name}' has a name themekit reserves; ignored")
            else:
                attributes[key] = value
        people.append(Participant(pid, role, site, attributes))
        marked = case.markers.get("links")
        if marked:
            try:
                pairs = json.loads(marked)
                links.extend((str(t), str(s), pid) for t, s in pairs)
                continue
            except (ValueError, TypeError):
                warnings.append(f"case '{pid}': unreadable themekit links line; ignored")
        for ref in case.source_refs:
            tid = tid_of.get(ref)
            if tid is not None and tid != pid:
                links.append((tid, "*", pid))
    return people, links


def _typed_value(kind: str, text: str) -> Any:
    value = text.strip()
    if not kind or not value:
        return None
    if kind == "Boolean":
        return value.lower() in ("true", "1")
    if kind == "Integer":
        try:
            return int(value)
        except ValueError:
            return value
    if kind == "Float":
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in value else number
    if kind in ("Date", "DateTime"):
        return value
    # Text, read as a participants table is: numbers become numbers.
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


def _piece_uid(coding_guid: str, index: int, used: set[str]) -> str:
    try:
        base = uuid.UUID(coding_guid)
    except ValueError:
        base = uuid.uuid5(uuid.NAMESPACE_OID, coding_guid)
    uid = base.hex if index == 0 else uuid.uuid5(base, f"piece:{index}").hex
    while uid in used:  # a tool that reused a GUID: keep both codings
        uid = uuid.uuid5(uuid.UUID(hex=uid), "again").hex
    used.add(uid)
    return uid


def _targets(
    segments: list[SegmentRow], starts: list[int], span: tuple[int, int]
) -> list[tuple[SegmentRow, tuple[int, int] | None]]:
    """(segment, span or None) for each segment ``span`` overlaps, clipped."""
    start, end = span
    index = max(bisect_right(starts, start) - 1, 0)
    touched = []
    while index < len(segments) and segments[index].start < end:
        segment = segments[index]
        if segment.end > start:
            touched.append(segment)
        index += 1
    codable = [s for s in touched if s.codable]
    out = []
    for segment in codable or touched:
        clipped = (max(start, segment.start), min(end, segment.end))
        out.append((segment, None if clipped == (segment.start, segment.end) else clipped))
    return out


def import_qdpx_report(
    project: Project, path: str | Path, *, default_coder: str = "imported"
) -> ImportReport:
    """Import a .qdpx into ``project`` (see the module docstring); all or nothing."""
    from themekit.codebook.versions import commit_codebook
    from themekit.transcripts.segment import content_hash

    refi = read_qdpx(path)
    report = ImportReport(file=str(path))
    planned = _plan_sources(project, refi)
    report.warnings.extend(refi.warnings)
    store = project.store
    coder_of = _coder_namer(refi, default_coder, report.warnings)
    with store.db.transaction():
        current = store.current_codebook()
        book, mapping, added = _merge_codebook(
            current[1] if current else None, refi.codes, set(store.code_registry()), report
        )
        # A code the other program let people apply but marked not codable: make the
        # new ones codable; codings of an existing grouping node are skipped below.
        used = {c.code_guid for s in refi.sources for sel in s.selections for c in sel.codings}
        entries = book.by_id()
        for guid in used:
            code = entries[mapping[guid]].code
            if not code.codable and code.id in added:
                code.codable = True
                report.warnings.append(
                    f"code '{entries[code.id].path_text}' has codings; made codable"
                )
        if book.codes:
            result = commit_codebook(project, book, source=f"file:{Path(path).name}")
            report.codebook_version = result.version or store.current_codebook_version()
        version = store.current_codebook_version()
        entries = book.by_id()

        for plan in planned:
            if plan.reuse:
                report.transcripts_reused.append(plan.transcript_id)
                continue
            number = store.add_transcript_version(
                plan.transcript_id,
                plan.parsed,
                plan.segments,
                content_hash=content_hash(plan.parsed.text),
                source_name=plan.source_name,
                unit=plan.unit,
            )
            store.log(
                "transcript.import",
                how="import",
                details={
                    "transcript": plan.transcript_id,
                    "file": Path(path).name,
                    "version": number,
                    "segments": len(plan.segments),
                },
            )
            report.transcripts_added.append(plan.transcript_id)

        people, links = _participants(refi, planned, report.warnings)
        if people:
            store.replace_participants(people, links)
        report.participants = len(people)

        coders = {name for name in refi.users.values()}
        for name in sorted(coders):
            store.ensure_coder(name)
        used_uids = {c.uid for c in store.codings(include_orphaned=True)}
        memo_texts = store.segment_memos()
        attached_notes: set[str] = set()
        for plan in planned:
            for coder in filter(None, plan.source.markers.get("done", "").split(",")):
                store.set_done(plan.transcript_id, coder.strip(), True)
        for plan in planned:
            _import_selections(
                project,
                refi,
                plan,
                mapping,
                entries,
                version,
                coder_of,
                used_uids,
                memo_texts,
                attached_notes,
                coders,
                report,
            )
        unattached = len(set(refi.notes) - attached_notes)
        if unattached:
            report.warnings.append(
                f"{unattached} notes are not attached to a coding or a selection (project,"
                " source or code memos); not imported"
            )
        report.coders = sorted(coders)
        store.log(
            "refi.import",
            how="import",
            codebook_version=version,
            details={
                "file": Path(path).name,
                "transcripts": report.transcripts_added,
                "codes_added": report.codes_added,
                "codings": report.codings_added,
                "skipped": len(report.skipped),
            },
        )
    return report


def _import_selections(
    project: Project,
    refi: RefiProject,
    plan: _PlannedSource,
    mapping: dict[str, str],
    entries: dict[str, CodeEntry],
    version: int | None,
    coder_of: Callable[..., str],
    used_uids: set[str],
    memo_texts: dict[tuple[str, int], str],
    attached_notes: set[str],
    coders: set[str],
    report: ImportReport,
) -> None:
    store = project.store
    segments = store.segments(plan.transcript_id)
    starts = [s.start for s in segments]
    source = plan.source
    report.conventions[plan.transcript_id] = plan.offsets.convention
    for selection in source.selections:
        if selection.canonical:
            span = (selection.start, selection.end)
        else:
            placed = check_selection(
                plan.offsets,
                Selection(selection.start, selection.end, selection.name),
                names_are_text=plan.names_are_text,
            )
            if placed.span is None:
                report.skipped.append(
                    f"{plan.transcript_id}: selection {selection.guid}: {placed.problem}"
                )
                attached_notes.update(selection.note_refs)
                for coding in selection.codings:
                    attached_notes.update(coding.note_refs)
                continue
            span = placed.span
        targets = _targets(segments, starts, span)
        if not targets:
            report.skipped.append(
                f"{plan.transcript_id}: selection {selection.guid}: selects only white space"
            )
            continue
        for coding in selection.codings:
            code = entries[mapping[coding.code_guid]].code
            if not code.codable:
                report.skipped.append(
                    f"{plan.transcript_id}: selection {selection.guid}: code '{code.id}' is a"
                    " grouping node in this project"
                )
                continue
            coder = coder_of(coding.creator, selection.creator, source.creator, refi.creator)
            coders.add(coder)
            memo = _note_text(refi, coding.note_refs, attached_notes, report)
            created = _store_datetime(coding.created) or _store_datetime(selection.created)
            for index, (segment, piece) in enumerate(targets):
                uid = _piece_uid(coding.guid, index, used_uids)
                coding_id = store.add_coding(
                    transcript_id=plan.transcript_id,
                    segment_id=segment.id,
                    code_id=code.id,
                    coder=coder,
                    codebook_version=version or 0,
                    source="import",
                    span=piece,
                    memo=memo,
                    uid=uid,
                    created_at=created,
                )
                if coding_id is None:
                    report.codings_present += 1
                    continue
                report.codings_added += 1
                report.memos += bool(memo and index == 0)
                details: dict[str, Any] = {
                    "transcript": plan.transcript_id,
                    "line": segment.line,
                    "code": code.id,
                    "coding": uid,
                }
                if piece is not None:
                    details["span"] = list(piece)
                store.log(
                    "coding.apply",
                    actor=coder,
                    how="import",
                    codebook_version=version,
                    details=details,
                )
        if selection.note_refs:
            memo = _note_text(refi, selection.note_refs, attached_notes, report)
            if memo:
                note = refi.notes.get(selection.note_refs[0])
                coder = coder_of(
                    note.creator if note else None, selection.creator, source.creator, refi.creator
                )
                coders.add(coder)
                segment = targets[0][0]
                existing = memo_texts.get((coder, segment.id))
                if existing and memo in existing:
                    continue
                text = f"{existing}\n\n{memo}" if existing else memo
                store.set_segment_memo(coder, segment.id, text)
                memo_texts[(coder, segment.id)] = text
                report.memos += 1


def _note_text(
    refi: RefiProject, refs: Iterable[str], attached: set[str], report: ImportReport
) -> str | None:
    texts = []
    for ref in refs:
        note = refi.notes.get(ref)
        if note is None:
            report.warnings.append(f"note {ref} is referred to but not in <Notes>; ignored")
            continue
        attached.add(ref)
        if note.text:
            texts.append(note.text)
    return "\n\n".join(texts) or None


def import_qdpx(project: Project, path: str | Path) -> str:
    """Import a .qdpx into ``project`` and return a summary for the user to read."""
    return import_qdpx_report(project, path).summary()
