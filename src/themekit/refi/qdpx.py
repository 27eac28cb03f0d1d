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
* passage imported from another program (``store.passages``): its own
  ``PlainTextSelection`` again, same GUID, span, name, creator and dates, with one
  ``Coding`` per coding it came with, however many segment codings it became;
* coding memo: a ``Note`` referred to from the ``Coding``;
* segment memo: a ``Note`` referred to from a ``PlainTextSelection`` over the segment,
  with no coding;
* participant roles: a ``Set`` per role, of the transcripts those participants speak in;
* sets that came in with an import (code and document groups): the same ``Set`` again,
  same GUID, name and description, with the member codes and transcripts still in the
  project (``refi_ids``, kind ``set``).

Positions are code points of the stored text, end exclusive. A whole-segment coding is
exported as its segment's span; a span coding keeps its exact span.

**Ids through a round trip.** The standard identifies everything by GUID and has no
field for an application's own ids, so themekit derives every GUID it writes from a
stable key (UUID5; ``io_qdc.derived_guid``), reads GUIDs back where it can (a coding's
``Coding`` GUID is its ``uid``; the GUIDs and attributes of passages, users, sources,
cases and variables are kept in the store, ``store.passages``) and keeps what a GUID
cannot carry in the free-text ``Description``s, as ``themekit ...:`` lines: a code's id
(``io_qdc``), a transcript's id,
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
* positions are converted from the tool's convention, decided per source by where the
  selections land (``positions``: UTF-16 units, CRLF as two, an inclusive end, a counted
  byte-order mark) and every selection is checked against the text: one that does not
  fit or cuts a word is reported with its GUID and offsets and skipped, or with ``snap``
  moved to the nearest boundary and reported as such, never silently misplaced; the
  report counts, per source, the convention and the selections placed exactly, snapped
  and skipped;
* a selection becomes one coding per segment it overlaps, clipped to that segment: a
  whole-segment coding where it covers the segment, a span coding otherwise. Interviewer
  (non-codable) segments are skipped when the selection also covers codable ones. A
  passage row groups them under the selection's GUID, so an export writes the passage
  back whole;
* the coder of a coding is the ``Coding``'s ``creatingUser``; the selection's, the
  source's and the project's stand in, in that order, where it has none;
* a selection's ``Description`` (ATLAS.ti's quotation comment) and its notes become a
  segment memo on its first segment; ``Parent::Child`` code names (ATLAS.ti) become a
  hierarchy unless ``nest_names`` is off; sets are kept (and written back on export)
  with the members that came in; links and graphs are counted, not imported;
* a source whose text the archive lacks is listed and left out, and everything else
  (codebook, users, cases, variables, other sources) still comes in: a partial project
  is imported, and ``ImportReport.complete`` is False; ``strict`` refuses it instead;
* codes are matched to the project's codebook by GUID, then themekit id, then path;
  unmatched codes are added (a fresh project gets the file's codebook as is);
* codings are stored with ``source = "import"``, their coder, date and uid, and an audit
  entry ``coding.apply`` with ``how = "import"`` each.

Broken input (not a zip, no project file, XML that does not parse, a coding of a code
the file does not define, a source file that cannot be decoded) is a ``RefiError``
naming the file and the problem.

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
    derived_guid,
    normalise_guid,
    to_code,
    unique_id,
)
from themekit.codebook.validate import derive_id
from themekit.errors import RefiError
from themekit.model.codebook import Code, Codebook, CodeEntry
from themekit.model.rows import Participant, SegmentRow
from themekit.model.transcripts import ParsedTranscript, Segment
from themekit.refi.positions import (
    Convention,
    OffsetMap,
    Selection,
    check_selection,
    detect_convention,
)
from themekit.refi.reader import (
    RefiProject,
    RefiSelection,
    RefiSource,
    read_qdpx,
    read_qdpx_codebook,
)
from themekit.refi.writer import ExportSummary, QdpxPackage, build_qdpx, export_qdpx
from themekit.store.passages import PassagePiece

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
    "read_qdpx_codebook",
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
class SourcePositions:
    """How one source's selections were counted and placed."""

    convention: Convention
    exact: int = 0
    snapped: int = 0
    skipped: int = 0


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
    positions: dict[str, SourcePositions] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    snapped: list[str] = field(default_factory=list)
    missing_sources: list[str] = field(default_factory=list)
    passages: int = 0
    sets: list[str] = field(default_factory=list)  # "'Site A' (3 transcripts, 1 code)"
    warnings: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every source came in and every selection was placed exactly."""
        return not (self.missing_sources or self.skipped or self.snapped)

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
        placed = list(self.positions.values())
        if placed:
            rules = sorted({p.convention.value for p in placed})
            lines.append(
                f"  selections: {sum(p.exact for p in placed)} placed exactly,"
                f" {sum(p.snapped for p in placed)} snapped, {sum(p.skipped for p in placed)}"
                " skipped; positions counted as "
                + (rules[0] if len(rules) == 1 else "shown per source below")
            )
        for tid, where in sorted(self.positions.items()):
            if not where.convention.standard or where.snapped or where.skipped:
                lines.append(
                    f"  {tid}: positions counted as {where.convention.value}: {where.exact}"
                    f" exact, {where.snapped} snapped, {where.skipped} skipped"
                )
        if self.sets:
            lines.append(f"  sets kept: {'; '.join(self.sets)}")
        lines.extend(f"  skipped: {item}" for item in self.skipped)
        lines.extend(f"  snapped: {item}" for item in self.snapped)
        lines.extend(f"  missing: {item}" for item in self.missing_sources)
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
    project: Project,
    path: str | Path,
    *,
    default_coder: str = "imported",
    snap: bool = False,
    nest_names: bool = True,
    strict: bool = False,
) -> ImportReport:
    """Import a .qdpx into ``project`` (see the module docstring); all or nothing.

    ``snap`` moves a selection that does not fit its source (ends past it, cuts a
    character or a word) to the nearest boundary instead of skipping it; ``nest_names``
    reads ``Parent::Child`` code names as levels; ``strict`` refuses (``RefiError``,
    nothing imported) a project that would come in partially: a source missing from the
    archive, a selection skipped or snapped.
    """
    from themekit.codebook.versions import commit_codebook
    from themekit.transcripts.segment import content_hash

    refi = read_qdpx(path, nest_names=nest_names)
    report = ImportReport(file=str(path))
    for gone in refi.missing_sources:
        report.missing_sources.append(
            f"source '{gone.name}' ({gone.guid}): its text"
            + (f" ({gone.reference})" if gone.reference else "")
            + f" is not in the archive; {gone.selections} selections with {gone.codings}"
            " codings not placed"
        )
    if strict and report.missing_sources:
        raise RefiError(
            refi.file,
            f"{len(report.missing_sources)} of"
            f" {len(refi.sources) + len(refi.missing_sources)} sources are not in the archive"
            f" (first: {refi.missing_sources[0].name})",
            hint="Export the project again with its sources included, or import it without"
            " requiring it to be complete.",
            next_step="refi.partial",
        )
    planned = _plan_sources(project, refi)
    report.warnings.extend(refi.warnings)
    _report_links_graphs(refi, report)
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
            else:
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
            store.set_refi_id(
                "source",
                plan.transcript_id,
                plan.source.guid,
                {**plan.source.attributes, "content_hash": content_hash(plan.parsed.text)},
            )

        _keep_sets(store, refi, planned, mapping, report)
        people, links = _participants(refi, planned, report.warnings)
        if people:
            store.replace_participants(people, links)
        report.participants = len(people)
        _remember_ids(store, refi, people)

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
                _SelectionImport(
                    project=project,
                    refi=refi,
                    plan=plan,
                    mapping=mapping,
                    entries=entries,
                    version=version,
                    coder_of=coder_of,
                    used_uids=used_uids,
                    memo_texts=memo_texts,
                    attached_notes=attached_notes,
                    coders=coders,
                    report=report,
                    snap=snap,
                    content_hash=content_hash(plan.parsed.text),
                )
            )
        unattached = len(set(refi.notes) - attached_notes)
        if unattached:
            report.warnings.append(
                f"{unattached} notes are not attached to a coding or a selection (project,"
                " source or code memos); not imported"
            )
        report.coders = sorted(coders)
        if strict and (report.skipped or report.snapped):
            first = (report.skipped or report.snapped)[0]
            raise RefiError(
                refi.file,
                f"{len(report.skipped)} selections would be skipped and"
                f" {len(report.snapped)} snapped (first: {first})",
                hint="Import it without requiring it to be complete to see every one.",
                next_step="refi.partial",
            )
        store.log(
            "refi.import",
            how="import",
            codebook_version=version,
            details={
                "file": Path(path).name,
                "transcripts": report.transcripts_added,
                "codes_added": report.codes_added,
                "codings": report.codings_added,
                "passages": report.passages,
                "skipped": len(report.skipped),
                "snapped": len(report.snapped),
                "missing_sources": len(report.missing_sources),
            },
        )
    return report


#: The description themekit gives the role sets it writes; they are derived from the
#: participants, so reading them back is not worth a warning.
THEMEKIT_ROLE_SET = "Transcripts of the participants with this role (themekit)."


def _report_links_graphs(refi: RefiProject, report: ImportReport) -> None:
    """Links and graphs have no home in themekit: they are counted."""
    if refi.links:
        report.warnings.append(f"{refi.links} links between objects not imported")
    if refi.graphs:
        report.warnings.append(f"{refi.graphs} graphs (network views) not imported")


def _keep_sets(
    store: Any,
    refi: RefiProject,
    planned: list[_PlannedSource],
    mapping: dict[str, str],
    report: ImportReport,
) -> None:
    """Keep each set of codes and sources (``refi_ids``, kind ``set``: name, description,
    code ids, transcript ids) so that an export writes it back; say what each holds and
    which members could not come (notes, sources missing from the archive)."""
    transcript_of = {plan.source.guid: plan.transcript_id for plan in planned}
    missing = {gone.guid: gone.name for gone in refi.missing_sources}
    for group in refi.sets:
        if group.description == THEMEKIT_ROLE_SET:
            continue  # derived from the participants; written again on export
        name = group.name or group.guid
        codes = list(dict.fromkeys(mapping[g] for g in group.codes if g in mapping))
        transcripts = list(
            dict.fromkeys(transcript_of[g] for g in group.sources if g in transcript_of)
        )
        guid = group.guid or derived_guid("set", name)
        store.set_refi_id(
            "set",
            guid,
            guid,
            {
                "name": group.name,
                "description": group.description,
                "codes": codes,
                "transcripts": transcripts,
            },
        )
        report.sets.append(
            f"'{name}' ({_count(len(transcripts), 'transcript')}, {_count(len(codes), 'code')})"
        )
        lost = [missing[g] for g in group.sources if g in missing]
        unknown = sum(1 for g in group.codes if g not in mapping) + sum(
            1 for g in group.sources if g not in transcript_of and g not in missing
        )
        if lost:
            report.warnings.append(
                f"set '{name}': sources not in the archive, left out of it: "
                + ", ".join(f"'{n}'" for n in lost)
            )
        if unknown:
            report.warnings.append(
                f"set '{name}': {_count(unknown, 'member')} with no code or source of that"
                " GUID in the file; left out of it"
            )
        if group.notes:
            report.warnings.append(
                f"set '{name}': its {_count(len(group.notes), 'note')} not kept (themekit keeps"
                " memos on codings and lines, not in sets)"
            )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _remember_ids(store: Any, refi: RefiProject, people: list[Participant]) -> None:
    """The GUIDs of users, cases and variables, so an export gives them back."""
    for guid, name in refi.users.items():
        attributes = {"id": refi.user_ids[guid]} if guid in refi.user_ids else {}
        store.set_refi_id("user", name, guid, attributes)
    for case, person in zip(refi.cases, people, strict=True):
        store.set_refi_id("case", person.id, case.guid, {})
    for guid, name in refi.variables.items():
        store.set_refi_id("variable", name.strip().lower(), guid, {})


@dataclass
class _SelectionImport:
    project: Project
    refi: RefiProject
    plan: _PlannedSource
    mapping: dict[str, str]
    entries: dict[str, CodeEntry]
    version: int | None
    coder_of: Callable[..., str]
    used_uids: set[str]
    memo_texts: dict[tuple[str, int], str]
    attached_notes: set[str]
    coders: set[str]
    report: ImportReport
    snap: bool
    content_hash: str


def _import_selections(job: _SelectionImport) -> None:
    plan, report = job.plan, job.report
    segments = job.project.store.segments(plan.transcript_id)
    starts = [s.start for s in segments]
    counts = SourcePositions(plan.offsets.convention)
    report.conventions[plan.transcript_id] = plan.offsets.convention
    if any(not s.canonical for s in plan.source.selections):
        report.positions[plan.transcript_id] = counts
    for selection in plan.source.selections:
        if selection.canonical:
            span = (selection.start, selection.end)
        else:
            placed = check_selection(
                plan.offsets,
                Selection(selection.start, selection.end, selection.name),
                names_are_text=plan.names_are_text,
                snap=job.snap,
            )
            where = f"{plan.transcript_id}: selection {selection.guid}"
            if placed.span is None:
                counts.skipped += 1
                report.skipped.append(f"{where}: {placed.problem}")
                job.attached_notes.update(selection.note_refs)
                for coding in selection.codings:
                    job.attached_notes.update(coding.note_refs)
                continue
            span = placed.span
            if placed.snapped:
                counts.snapped += 1
                report.snapped.append(
                    f"{where}: {placed.problem}; placed at characters {span[0]}-{span[1]} of"
                    " the stored text"
                )
            else:
                counts.exact += 1
        targets = _targets(segments, starts, span)
        if not targets:
            report.skipped.append(
                f"{plan.transcript_id}: selection {selection.guid}: selects only white space"
            )
            continue
        _import_passage(job, selection, span, targets)


def _import_passage(
    job: _SelectionImport,
    selection: RefiSelection,
    span: tuple[int, int],
    targets: list[tuple[SegmentRow, tuple[int, int] | None]],
) -> None:
    """One selection: its codings as segment codings, its comment and notes as a segment
    memo, and a passage row that groups them (``store.passages``)."""
    plan, report, refi = job.plan, job.report, job.refi
    store = job.project.store
    source = plan.source
    pieces: list[PassagePiece] = []
    selection_coder = job.coder_of(selection.creator, source.creator, refi.creator)
    for coding in selection.codings:
        code = job.entries[job.mapping[coding.code_guid]].code
        if not code.codable:
            report.skipped.append(
                f"{plan.transcript_id}: selection {selection.guid}: code '{code.id}' is a"
                " grouping node in this project"
            )
            continue
        # The coder is the coding's user; the selection's and the source's stand in.
        coder = job.coder_of(coding.creator, selection.creator, source.creator, refi.creator)
        job.coders.add(coder)
        memo = _note_text(refi, coding.note_refs, job.attached_notes, report)
        created = _store_datetime(coding.created) or _store_datetime(selection.created)
        piece_attributes: dict[str, Any] = {"creatingUser": coder}
        if coding.created:
            piece_attributes["creationDateTime"] = coding.created
        if coding.note_refs:
            piece_attributes["notes"] = coding.note_refs
        for index, (segment, piece) in enumerate(targets):
            uid = _piece_uid(coding.guid, index, job.used_uids)
            coding_id = store.add_coding(
                transcript_id=plan.transcript_id,
                segment_id=segment.id,
                code_id=code.id,
                coder=coder,
                codebook_version=job.version or 0,
                source="import",
                span=piece,
                memo=memo,
                uid=uid,
                created_at=created,
            )
            if coding_id is None:
                report.codings_present += 1
                existing = store.find_coding(
                    coder=coder, segment_id=segment.id, code_id=code.id, span=piece
                )
                if existing is not None:
                    pieces.append(PassagePiece(existing.uid, coding.guid, piece_attributes))
                continue
            pieces.append(PassagePiece(uid, coding.guid, piece_attributes))
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
                codebook_version=job.version,
                details=details,
            )
    attributes: dict[str, Any] = {
        "content_hash": job.content_hash,
        "creatingUser": selection_coder,
        **selection.attributes,
    }
    if selection.canonical:
        attributes["whole_source"] = True
    if selection.name is not None:
        attributes["name"] = selection.name
    if selection.created:
        attributes["creationDateTime"] = selection.created
    memo_parts = []
    if selection.description:
        memo_parts.append(selection.description)
        attributes["description"] = selection.description
    note_memo = None
    if selection.note_refs:
        note_memo = _note_text(refi, selection.note_refs, job.attached_notes, report)
        if note_memo:
            memo_parts.append(note_memo)
            attributes["notes"] = selection.note_refs
    if memo_parts:
        memo = "\n\n".join(memo_parts)
        note = refi.notes.get(selection.note_refs[0]) if note_memo else None
        coder = job.coder_of(
            note.creator if note else None, selection.creator, source.creator, refi.creator
        )
        job.coders.add(coder)
        segment = targets[0][0]
        attributes["memo"] = {"coder": coder, "segment": segment.id}
        present = job.memo_texts.get((coder, segment.id))
        if not (present and memo in present):
            text = f"{present}\n\n{memo}" if present else memo
            store.set_segment_memo(coder, segment.id, text)
            job.memo_texts[(coder, segment.id)] = text
            report.memos += 1
    if (pieces or memo_parts) and store.add_passage(
        guid=selection.guid,
        transcript_id=plan.transcript_id,
        span=span,
        attributes=attributes,
        pieces=pieces,
    ):
        report.passages += 1


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


def import_qdpx(
    project: Project,
    path: str | Path,
    *,
    snap: bool = False,
    nest_names: bool = True,
    strict: bool = False,
) -> str:
    """Import a .qdpx into ``project`` and return a summary for the user to read."""
    return import_qdpx_report(
        project, path, snap=snap, nest_names=nest_names, strict=strict
    ).summary()
