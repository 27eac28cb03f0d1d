"""REFI-QDA projects (.qdpx): a whole themekit project out to other QDA programs and back.

A .qdpx file is a zip holding ``project.qde`` (XML, ``urn:QDA-XML:project:1.0``) and a
``sources/`` folder. themekit writes, and reads back:

| themekit | REFI-QDA |
|---|---|
| transcript (current version) | ``TextSource`` named by its id; the stored text as ``sources/<guid>.txt`` |
| coder | ``User`` |
| codebook | ``CodeBook`` (see ``qdc``: guidance and id in each ``Description``) |
| participant and attributes | ``Case`` with ``VariableValue``s; ``role``, ``site`` and every attribute a ``Variable`` |
| coding | ``PlainTextSelection`` with one ``Coding`` (``creatingUser``, ``creationDateTime``) |
| coding memo | ``Note`` referenced from the ``Coding`` |
| segment memo | ``Note`` referenced from a ``PlainTextSelection`` over the segment, with no coding |
| participant roles | ``Set`` per role of the transcripts spoken by that role |

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
"""

from __future__ import annotations

import json
import math
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from themekit.codebook.model import Code, Codebook
from themekit.codebook.validate import derive_id
from themekit.errors import RefiError
from themekit.fileio import atomic_writer
from themekit.refi.positions import (
    Convention,
    OffsetMap,
    Selection,
    SourceText,
    check_selection,
    detect_convention,
)
from themekit.refi.qdc import (
    ORIGIN,
    PROJECT_NS,
    RefiCode,
    append_codes,
    child,
    children,
    code_guid,
    derived_guid,
    normalise_guid,
    parse_xml,
    read_codes,
    serialise,
    to_code,
    unique_id,
    xml_text,
)
from themekit.store.rows import CodingRow, Participant, SegmentRow
from themekit.transcripts.model import ParsedTranscript, Segment

if TYPE_CHECKING:
    from themekit.project import Project

PROJECT_FILE = "project.qde"
SOURCES_FOLDER = "sources"
_MARKER = re.compile(r"themekit (transcript|unit|format|file|links)\s*:[ \t]?(.*)", re.I)
_KNOWN_SUFFIXES = (".txt", ".docx", ".doc", ".rtf", ".odt", ".md", ".pdf", ".vtt", ".srt")
_RESERVED_VARIABLES = {"id", "transcript", "speaker"}
_NOT_TEXT_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


def _sub(parent: ET.Element, tag: str, attrs: dict[str, str] | None = None) -> ET.Element:
    return ET.SubElement(parent, tag, attrs or {})


def _xsd_datetime(value: str | None) -> str | None:
    """``value`` when it is an ISO date-time with a zone that xsd:dateTime accepts."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return value if value == parsed.isoformat() else parsed.isoformat()


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
# Export
# =====================================================================================
@dataclass
class ExportSummary:
    transcripts: int = 0
    codes: int = 0
    coders: int = 0
    participants: int = 0
    codings: int = 0
    memos: int = 0
    orphaned_skipped: int = 0

    def text(self) -> str:
        line = (
            f"{self.transcripts} transcripts, {self.codes} codes, {self.coders} coders,"
            f" {self.participants} participants, {self.codings} codings, {self.memos} memos"
        )
        if self.orphaned_skipped:
            line += f" ({self.orphaned_skipped} orphaned codings not exported)"
        return line


@dataclass
class QdpxPackage:
    """What goes into the zip: the project XML and the source files by archive path."""

    qde: str
    sources: dict[str, str]
    summary: ExportSummary


def _coding_guid(uid: str) -> str:
    try:
        return str(uuid.UUID(hex=uid))
    except ValueError:
        return derived_guid("coding", uid)


def _variable_type(values: list[Any]) -> str:
    """The REFI variable type that holds every value (None is "no value")."""
    present = [v for v in values if v is not None]
    if not present:
        return "Text"
    if all(isinstance(v, bool) for v in present):
        return "Boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "Integer"
    if all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        for v in present
    ):
        return "Float"
    return "Text"


def _value_element(parent: ET.Element, kind: str, value: Any) -> None:
    """``<TextValue>`` etc.; None writes no value element (the schema allows none)."""
    if value is None:
        return
    element = _sub(parent, f"{kind}Value")
    if kind == "Boolean":
        element.text = "true" if value else "false"
    elif kind == "Float":
        # xsd:decimal has no exponent: 1e-05 is written 0.00001; 7.0 stays 7.0.
        element.text = format(Decimal(str(value)), "f")
    else:
        element.text = xml_text(str(value))


def _participant_transcripts(
    people: list[Participant], links: dict[tuple[str, str], str], transcript_ids: set[str]
) -> dict[str, list[str]]:
    by_person: dict[str, set[str]] = {p.id: set() for p in people}
    for (tid, _speaker), pid in links.items():
        if pid in by_person and tid in transcript_ids:
            by_person[pid].add(tid)
    for pid, tids in by_person.items():
        if pid in transcript_ids:
            tids.add(pid)
    return {pid: sorted(tids) for pid, tids in by_person.items()}


def build_qdpx(project: Project) -> QdpxPackage:
    """The project as REFI-QDA XML plus source texts (nothing is written)."""
    store = project.store
    summary = ExportSummary()
    root = ET.Element(
        "Project",
        {
            "xmlns": PROJECT_NS,
            "name": xml_text(project.settings.name or project.root.name),
            "origin": ORIGIN,
            "creationDateTime": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    current = store.current_codebook()
    codebook = current[1] if current else Codebook()
    code_guids = {entry.code.id: code_guid(entry.code) for entry in codebook.walk()}
    codings = store.codings()
    summary.orphaned_skipped = len(store.codings(orphaned_only=True))
    memos = store.segment_memos()
    coders = sorted(set(store.coders()) | {c.coder for c in codings} | {k[0] for k in memos})
    user_guid = {name: derived_guid("user", name) for name in coders}

    # Users, CodeBook, Variables, Cases, Sources, Notes, Sets: the schema's order.
    if coders:
        users = _sub(root, "Users")
        for name in coders:
            _sub(users, "User", {"guid": user_guid[name], "name": xml_text(name)})
    summary.coders = len(coders)
    if codebook.codes:
        book = _sub(root, "CodeBook")
        append_codes(_sub(book, "Codes"), codebook.codes)
    summary.codes = len(code_guids)

    transcripts = store.transcripts()
    transcript_ids = {t.id for t in transcripts}
    source_guid = {t.id: derived_guid("source", f"{t.id}:{t.content_hash}") for t in transcripts}
    people = store.participants()
    links = store.participant_links()
    spoken_in = _participant_transcripts(people, links, transcript_ids)
    _append_participants(root, people, links, spoken_in, source_guid)
    summary.participants = len(people)

    notes: list[tuple[str, str, str | None, str]] = []  # (guid, text, coder, name)
    sources: dict[str, str] = {}
    segments_by_id: dict[int, SegmentRow] = {}
    if transcripts:
        sources_el = _sub(root, "Sources")
        by_transcript: dict[str, list[CodingRow]] = {}
        for coding in codings:
            by_transcript.setdefault(coding.transcript_id, []).append(coding)
        for info in transcripts:
            segments = store.segments(info.id)
            segments_by_id.update((s.id, s) for s in segments)
            text = store.transcript_text(info.id)
            guid = source_guid[info.id]
            sources[f"{SOURCES_FOLDER}/{guid}.txt"] = text
            attrs = {"guid": guid, "name": xml_text(info.id), "plainTextPath": f"internal://{guid}.txt"}
            imported_at = _xsd_datetime(info.imported_at)
            if imported_at:
                attrs["creationDateTime"] = imported_at
            element = _sub(sources_el, "TextSource", attrs)
            _sub(element, "Description").text = xml_text(
                f"themekit transcript: {info.id}\nthemekit unit: {info.unit}\n"
                f"themekit format: {info.source_format}\nthemekit file: {info.source_name}"
            )
            summary.codings += _append_selections(
                element, text, by_transcript.get(info.id, []), segments_by_id, code_guids,
                user_guid, notes,
            )
            summary.transcripts += 1
        # Segment memos: a selection over the segment with no coding, and a note.
        for (coder, segment_id), memo in sorted(memos.items()):
            segment = segments_by_id.get(segment_id)
            if segment is None:  # on an old version of its transcript
                continue
            note_guid = derived_guid("segment-memo", f"{coder}:{segment.transcript_id}:{segment.line}")
            target = next(
                e for e in sources_el if e.get("guid") == source_guid[segment.transcript_id]
            )
            selection = ET.Element(
                "PlainTextSelection",
                {
                    "guid": derived_guid("memo-selection", note_guid),
                    "name": xml_text(segment.text),
                    "startPosition": str(segment.start),
                    "endPosition": str(segment.end),
                    "creatingUser": user_guid[coder],
                },
            )
            _sub(selection, "NoteRef", {"targetGUID": note_guid})
            _insert_selection(target, selection)
            notes.append((note_guid, memo, coder, f"Memo on {segment.transcript_id} line {segment.line}"))
    if notes:
        notes_el = _sub(root, "Notes")
        for guid, text, coder, name in notes:
            attrs = {"guid": guid, "name": xml_text(name)}
            if coder:
                attrs["creatingUser"] = user_guid[coder]
            note = _sub(notes_el, "Note", attrs)
            _sub(note, "PlainTextContent").text = xml_text(text)
    summary.memos = len(notes)
    _append_role_sets(root, people, spoken_in, source_guid)
    return QdpxPackage(serialise(root), sources, summary)


def _insert_selection(source: ET.Element, selection: ET.Element) -> None:
    """Put a selection after the source's other selections (the schema's order)."""
    position = 0
    for index, item in enumerate(source):
        if item.tag in ("Description", "PlainTextContent", "PlainTextSelection"):
            position = index + 1
    source.insert(position, selection)


def _append_selections(
    source: ET.Element,
    text: str,
    codings: list[CodingRow],
    segments: dict[int, SegmentRow],
    code_guids: dict[str, str],
    user_guid: dict[str, str],
    notes: list[tuple[str, str, str | None, str]],
) -> int:
    written = 0
    for coding in sorted(codings, key=lambda c: (c.span_start or 0, c.line, c.coder, c.code_id)):
        segment = segments.get(coding.segment_id)
        if segment is None or coding.code_id not in code_guids:
            continue
        if coding.span_start is not None and coding.span_end is not None:
            start, end = coding.span_start, coding.span_end
        else:
            start, end = segment.start, segment.end
        when = _xsd_datetime(coding.created_at)
        attrs = {
            "guid": derived_guid("selection", coding.uid),
            "name": xml_text(text[start:end]),
            "startPosition": str(start),
            "endPosition": str(end),
            "creatingUser": user_guid[coding.coder],
        }
        if when:
            attrs["creationDateTime"] = when
        selection = _sub(source, "PlainTextSelection", attrs)
        coding_attrs = {"guid": _coding_guid(coding.uid), "creatingUser": user_guid[coding.coder]}
        if when:
            coding_attrs["creationDateTime"] = when
        coding_el = _sub(selection, "Coding", coding_attrs)
        _sub(coding_el, "CodeRef", {"targetGUID": code_guids[coding.code_id]})
        if coding.memo:
            note_guid = derived_guid("coding-memo", coding.uid)
            _sub(coding_el, "NoteRef", {"targetGUID": note_guid})
            notes.append(
                (note_guid, coding.memo, coding.coder,
                 f"Memo on a coding of {coding.transcript_id} line {coding.line}")
            )
        written += 1
    return written


def _append_participants(
    root: ET.Element,
    people: list[Participant],
    links: dict[tuple[str, str], str],
    spoken_in: dict[str, list[str]],
    source_guid: dict[str, str],
) -> None:
    if not people:
        return
    names: list[str] = []
    if any(p.role is not None for p in people):
        names.append("role")
    if any(p.site is not None for p in people):
        names.append("site")
    for person in people:
        names.extend(k for k in person.attributes if k not in names)
    kinds = {name: _variable_type([p.attribute(name) for p in people]) for name in names}
    variable_guid = {name: derived_guid("variable", name) for name in names}
    if names:
        variables = _sub(root, "Variables")
        for name in names:
            _sub(
                variables,
                "Variable",
                {"guid": variable_guid[name], "name": xml_text(name), "typeOfVariable": kinds[name]},
            )
    cases = _sub(root, "Cases")
    for person in people:
        case = _sub(cases, "Case", {"guid": derived_guid("case", person.id), "name": xml_text(person.id)})
        explicit = sorted([t, s] for (t, s), pid in links.items() if pid == person.id)
        if explicit:
            _sub(case, "Description").text = xml_text(
                "themekit links: " + json.dumps(explicit, ensure_ascii=False)
            )
        for name in names:
            value = person.attribute(name)
            # An attribute held as None is written as a value-less VariableValue, so it
            # comes back as None; role and site are fields, not attributes.
            if value is None and (name in ("role", "site") or name not in person.attributes):
                continue
            holder = _sub(case, "VariableValue")
            _sub(holder, "VariableRef", {"targetGUID": variable_guid[name]})
            _value_element(holder, kinds[name], value)
        for tid in spoken_in.get(person.id, []):
            _sub(case, "SourceRef", {"targetGUID": source_guid[tid]})


def _append_role_sets(
    root: ET.Element,
    people: list[Participant],
    spoken_in: dict[str, list[str]],
    source_guid: dict[str, str],
) -> None:
    by_role: dict[str, set[str]] = {}
    for person in people:
        if person.role and spoken_in.get(person.id):
            by_role.setdefault(person.role, set()).update(spoken_in[person.id])
    if not by_role:
        return
    sets = _sub(root, "Sets")
    for role in sorted(by_role):
        item = _sub(sets, "Set", {"guid": derived_guid("role-set", role), "name": xml_text(f"Role: {role}")})
        _sub(item, "Description").text = "Transcripts of the participants with this role (themekit)."
        for tid in sorted(by_role[role]):
            _sub(item, "MemberSource", {"targetGUID": source_guid[tid]})


def export_qdpx(project: Project, path: str | Path) -> ExportSummary:
    """Write the project to ``path`` as a .qdpx archive (atomically)."""
    package = build_qdpx(project)
    with atomic_writer(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PROJECT_FILE, package.qde.encode("utf-8"))
        for name, text in package.sources.items():
            archive.writestr(name, text.encode("utf-8"))
    return package.summary


# =====================================================================================
# Import: reading the archive into plain data
# =====================================================================================
@dataclass
class RefiCoding:
    guid: str
    code_guid: str
    creator: str | None
    created: str | None
    note_refs: list[str] = field(default_factory=list)


@dataclass
class RefiSelection:
    guid: str
    start: int
    end: int
    name: str | None
    creator: str | None
    created: str | None
    codings: list[RefiCoding] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)
    canonical: bool = False  # positions already in canonical offsets (whole-source codings)


@dataclass
class RefiSource:
    guid: str
    name: str
    markers: dict[str, str]
    text: SourceText
    creator: str | None
    selections: list[RefiSelection] = field(default_factory=list)


@dataclass
class RefiNote:
    guid: str
    text: str
    creator: str | None


@dataclass
class RefiCase:
    guid: str
    name: str
    markers: dict[str, str]
    values: list[tuple[str, str, str]]  # (variable guid, value kind or "" for none, text)
    source_refs: list[str]


@dataclass
class RefiProject:
    """Everything themekit takes from a .qdpx, GUIDs normalised (see ``normalise_guid``)."""

    file: str
    name: str
    creator: str | None
    users: dict[str, str]
    codes: list[RefiCode]
    variables: dict[str, str]  # guid -> name
    cases: list[RefiCase]
    sources: list[RefiSource]
    notes: dict[str, RefiNote]
    warnings: list[str] = field(default_factory=list)


def _markers(text: str | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in (text or "").splitlines():
        match = _MARKER.fullmatch(line.strip())
        if match:
            found[match.group(1).lower()] = match.group(2).strip()
    return found


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class _Archive:
    """A .qdpx zip: finds the project file and source files whatever their case."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = str(path)
        if not path.exists():
            raise RefiError(path, "no such file", hint="Check the path and the file name.")
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            raise RefiError(
                path,
                "is not a zip archive, so not a REFI-QDA project (.qdpx)",
                hint="Export the project again from your QDA program as a REFI-QDA project.",
            ) from None
        self.names = [n for n in self.zip.namelist() if not n.endswith("/")]
        self.by_lower = {n.lower(): n for n in self.names}

    def close(self) -> None:
        self.zip.close()

    def project_file(self) -> str:
        candidates = [
            n for n in self.names if n.lower().endswith(".qde") and "__macosx" not in n.lower()
        ]
        if not candidates:
            raise RefiError(
                self.path,
                "holds no project file (*.qde)",
                hint="A .qdpx must contain project.qde; export the project again.",
            )
        candidates.sort(key=lambda n: (n.lower() != PROJECT_FILE, n.count("/"), n.lower()))
        return candidates[0]

    def read(self, name: str) -> bytes:
        try:
            return self.zip.read(name)
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
            raise RefiError(self.path, f"{name} cannot be read from the archive ({exc})") from None

    def find_source(self, reference: str) -> str | None:
        """The archive member a ``plainTextPath`` points at, if it is in the archive."""
        target = reference.strip()
        scheme = ""
        if "://" in target:
            scheme, target = target.split("://", 1)
        target = target.replace("\\", "/").lstrip("/")
        lowered = target.lower()
        if scheme.lower() in ("internal", ""):
            for candidate in (f"{SOURCES_FOLDER}/{lowered}", lowered):
                if candidate in self.by_lower:
                    return self.by_lower[candidate]
        basename = PurePosixPath(lowered).name
        matches = [n for n in self.names if PurePosixPath(n.lower()).name == basename]
        matches.sort(key=lambda n: (not n.lower().startswith(f"{SOURCES_FOLDER}/"), n))
        return matches[0] if matches else None


def _int(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _guid_attr(element: ET.Element, name: str) -> str | None:
    value = element.get(name)
    return normalise_guid(value) if value else None


def _read_codings(parent: ET.Element) -> list[RefiCoding]:
    out = []
    for element in children(parent, "Coding"):
        ref = child(element, "CodeRef")
        out.append(
            RefiCoding(
                guid=_guid_attr(element, "guid") or str(uuid.uuid4()),
                code_guid=normalise_guid(ref.get("targetGUID")) if ref is not None else "",
                creator=_guid_attr(element, "creatingUser"),
                created=element.get("creationDateTime"),
                note_refs=[
                    normalise_guid(n.get("targetGUID")) for n in children(element, "NoteRef")
                ],
            )
        )
    return out


def _source_text(archive: _Archive, element: ET.Element, label: str) -> str:
    content = child(element, "PlainTextContent")
    if content is not None and content.text:
        return content.text
    reference = element.get("plainTextPath")
    if not reference:
        raise RefiError(
            archive.path,
            f"source '{label}' has no plain text (neither PlainTextContent nor plainTextPath)",
            hint="Export the project again with plain-text sources.",
        )
    member = archive.find_source(reference)
    if member is None:
        raise RefiError(
            archive.path,
            f"source '{label}' points at {reference}, which is not in the archive",
            hint="Export the project again with its sources included.",
        )
    return _decode(archive.read(member))


def read_qdpx(path: str | Path) -> RefiProject:
    """Read and check a .qdpx archive (nothing is imported); ``RefiError`` if broken."""
    archive = _Archive(Path(path))
    try:
        return _read(archive)
    finally:
        archive.close()


def _read(archive: _Archive) -> RefiProject:
    qde = archive.project_file()
    where = f"{archive.file} ({qde})"
    root = parse_xml(archive.read(qde), where)
    if root.tag != "Project":
        raise RefiError(
            where,
            f"is not a REFI-QDA project (its root element is <{root.tag}>, not <Project>)",
            hint="Export the project again from your QDA program as a REFI-QDA project.",
        )
    warnings: list[str] = []
    users: dict[str, str] = {}
    users_el = child(root, "Users")
    for element in children(users_el, "User") if users_el is not None else []:
        guid = _guid_attr(element, "guid")
        if guid:
            users[guid] = (element.get("name") or element.get("id") or "").strip() or (
                f"user-{guid[:8]}"
            )
    book = child(root, "CodeBook")
    codes_el = child(book, "Codes") if book is not None else None
    codes = read_codes(codes_el, warnings) if codes_el is not None else []
    variables: dict[str, str] = {}
    variables_el = child(root, "Variables")
    for element in children(variables_el, "Variable") if variables_el is not None else []:
        guid = _guid_attr(element, "guid")
        if guid:
            variables[guid] = (element.get("name") or "").strip() or f"variable-{guid[:8]}"
    cases: list[RefiCase] = []
    cases_el = child(root, "Cases")
    for element in children(cases_el, "Case") if cases_el is not None else []:
        guid = _guid_attr(element, "guid") or str(uuid.uuid4())
        description = child(element, "Description")
        values = []
        for holder in children(element, "VariableValue"):
            ref = child(holder, "VariableRef")
            value = next((v for v in holder if v.tag.endswith("Value")), None)
            if ref is None:
                continue
            kind = value.tag[: -len("Value")] if value is not None else ""
            text = (value.text or "") if value is not None else ""
            values.append((normalise_guid(ref.get("targetGUID")), kind, text))
        cases.append(
            RefiCase(
                guid=guid,
                name=(element.get("name") or "").strip(),
                markers=_markers(description.text if description is not None else None),
                values=values,
                source_refs=[
                    normalise_guid(r.get("targetGUID")) for r in children(element, "SourceRef")
                ],
            )
        )
    notes: dict[str, RefiNote] = {}
    notes_el = child(root, "Notes")
    for element in children(notes_el, "Note") if notes_el is not None else []:
        guid = _guid_attr(element, "guid")
        if not guid:
            continue
        label = element.get("name") or guid
        try:
            text = _source_text(archive, element, f"note {label}")
        except RefiError:
            warnings.append(f"note '{label}' has no readable text; not imported")
            continue
        notes[guid] = RefiNote(guid, text.strip(), _guid_attr(element, "creatingUser"))
    sources = _read_sources(archive, root, warnings)
    _check_references(archive, codes, sources)
    return RefiProject(
        file=archive.file,
        name=root.get("name") or archive.path.stem,
        creator=_guid_attr(root, "creatingUserGUID"),
        users=users,
        codes=codes,
        variables=variables,
        cases=cases,
        sources=sources,
        notes=notes,
        warnings=warnings,
    )


def _read_sources(archive: _Archive, root: ET.Element, warnings: list[str]) -> list[RefiSource]:
    sources: list[RefiSource] = []
    sources_el = child(root, "Sources")
    if sources_el is None:
        return sources
    skipped: dict[str, int] = {}
    for element in sources_el:
        if element.tag in _NOT_TEXT_SOURCES:
            skipped[element.tag] = skipped.get(element.tag, 0) + 1
            continue
        if element.tag != "TextSource":
            continue
        guid = _guid_attr(element, "guid") or str(uuid.uuid4())
        name = (element.get("name") or "").strip() or f"source-{guid[:8]}"
        description = child(element, "Description")
        text = SourceText.from_raw(_source_text(archive, element, name))
        source = RefiSource(
            guid=guid,
            name=name,
            markers=_markers(description.text if description is not None else None),
            text=text,
            creator=_guid_attr(element, "creatingUser"),
        )
        for selection in children(element, "PlainTextSelection"):
            start, end = _int(selection.get("startPosition")), _int(selection.get("endPosition"))
            sel_guid = _guid_attr(selection, "guid") or str(uuid.uuid4())
            if start is None or end is None:
                warnings.append(f"source '{name}': selection {sel_guid} has no valid positions; skipped")
                continue
            source.selections.append(
                RefiSelection(
                    guid=sel_guid,
                    start=start,
                    end=end,
                    name=selection.get("name"),
                    creator=_guid_attr(selection, "creatingUser"),
                    created=selection.get("creationDateTime"),
                    codings=_read_codings(selection),
                    note_refs=[
                        normalise_guid(n.get("targetGUID")) for n in children(selection, "NoteRef")
                    ],
                )
            )
        whole = _read_codings(element)
        if whole:
            warnings.append(
                f"source '{name}': {len(whole)} codings of the whole source are applied to"
                " every segment"
            )
            source.selections.append(
                RefiSelection(
                    guid=derived_guid("whole-source", guid),
                    start=0,
                    end=len(text.canonical),
                    name=None,
                    creator=None,
                    created=None,
                    codings=whole,
                    canonical=True,
                )
            )
        sources.append(source)
    for tag, count in sorted(skipped.items()):
        warnings.append(f"{count} {tag} element(s) not imported (themekit codes text only)")
    return sources


def _check_references(archive: _Archive, codes: list[RefiCode], sources: list[RefiSource]) -> None:
    known = {item.guid for top in codes for item, _path in top.walk()}
    for source in sources:
        for selection in source.selections:
            for coding in selection.codings:
                if coding.code_guid not in known:
                    target = coding.code_guid or "(no CodeRef)"
                    raise RefiError(
                        archive.path,
                        f"a coding in source '{source.name}' refers to code {target},"
                        " which the project's codebook does not define",
                        hint="The file is incomplete; export the project again from the program"
                        " that made it.",
                    )


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
            + (f" ({len(self.transcripts_reused)} already present)" if self.transcripts_reused else ""),
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
    from themekit.transcripts.speakers import detect_turns

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
        parsed = ParsedTranscript(
            text=canonical,
            turns=detect_turns(canonical, unit_settings.speaker_pattern),
            source_format=source_format,
            metadata={"refi_source": source.guid},
        )
        reuse = False
        if store.has_transcript(tid):
            if store.current_hash(tid) != content_hash(canonical):
                raise RefiError(
                    refi.file,
                    f"transcript '{tid}' is already in this project with different text",
                    hint="Import into a fresh project (themekit init), or rename the transcript"
                    " in the project first.",
                )
            reuse = True
        segments = segment_transcript(parsed, unit_settings)
        if not segments:
            refi.warnings.append(f"source '{source.name}' has no text to code; not imported")
            continue
        detection = detect_convention(
            source.text, [Selection(s.start, s.end, s.name) for s in source.selections if not s.canonical]
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


def _coder_namer(refi: RefiProject, default: str, warnings: list[str]):  # type: ignore[no-untyped-def]
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


def _participants(refi: RefiProject, planned: list[_PlannedSource], warnings: list[str]):  # type: ignore[no-untyped-def]
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


def _targets(segments: list[SegmentRow], starts: list[int], span: tuple[int, int]):  # type: ignore[no-untyped-def]
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
                report.warnings.append(f"code '{entries[code.id].path_text}' has codings; made codable")
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
            _import_selections(
                project, refi, plan, mapping, entries, version, coder_of, used_uids,
                memo_texts, attached_notes, coders, report,
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
    entries: dict,  # type: ignore[type-arg]
    version: int | None,
    coder_of,  # type: ignore[no-untyped-def]
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
            span: tuple[int, int] | None = (selection.start, selection.end)
        else:
            placed = check_selection(
                plan.offsets,
                Selection(selection.start, selection.end, selection.name),
                names_are_text=plan.names_are_text,
            )
            if placed.span is None:
                report.skipped.append(f"{plan.transcript_id}: selection {selection.guid}: {placed.problem}")
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
                    "coding.apply", actor=coder, how="import", codebook_version=version,
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
