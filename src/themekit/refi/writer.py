"""Writing a themekit project as a REFI-QDA project (.qdpx); see ``qdpx`` for the mapping.

``build_qdpx`` turns the project into the ``project.qde`` XML and the source texts
without writing anything (tests validate it against Project.xsd); ``export_qdpx`` zips
them atomically. Every GUID themekit makes is derived from a stable key
(``io_qdc.derived_guid``), so repeated exports of the same project, or of two projects
sharing transcripts and a codebook, give the same GUIDs; a GUID another program gave
(a passage, user, source, case, variable: ``store.passages``) is written back as it
came. A passage imported from another program is written whole, one selection with one
``Coding`` per coding it came with, however many segments it was stored as, while its
pieces are all still there on the transcript version it was imported into; otherwise its
remaining codings go out one selection each, like codings made in themekit. Elements
are written in the order the schema's sequences require, and optional groups (``Users``,
``Variables``...) only when they have members, as the schema needs at least one.
"""

from __future__ import annotations

import json
import math
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from themekit.codebook.io_qdc import (
    ORIGIN,
    PROJECT_NS,
    append_codes,
    code_guid,
    derived_guid,
    normalise_guid,
    serialise,
    xml_text,
)
from themekit.files.writer import atomic_writer
from themekit.model.codebook import Codebook
from themekit.model.rows import CodingRow, Participant, SegmentRow
from themekit.refi.reader import PROJECT_FILE, SOURCES_FOLDER
from themekit.store.passages import PassagePiece, PassageRow

if TYPE_CHECKING:
    from themekit.project import Project


def _sub(parent: ET.Element, tag: str, attrs: dict[str, str] | None = None) -> ET.Element:
    return ET.SubElement(parent, tag, attrs or {})


_XSD_DATETIME = re.compile(r"-?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def _xsd_datetime(value: str | None) -> str | None:
    """``value`` when it is an ISO date-time with a zone that xsd:dateTime accepts (as
    written, so a date from another program goes back unchanged), else in that form."""
    if not value:
        return None
    if _XSD_DATETIME.fullmatch(value):
        return value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return value if value == parsed.isoformat() else parsed.isoformat()


@dataclass
class ExportSummary:
    transcripts: int = 0
    codes: int = 0
    coders: int = 0
    participants: int = 0
    codings: int = 0
    memos: int = 0
    orphaned_skipped: int = 0
    sets: int = 0  # sets kept from an import and written back (role sets not counted)
    # Members of kept sets that are no longer in the project ("'Site A': code 'x'").
    set_members_gone: list[str] = field(default_factory=list)

    def text(self) -> str:
        line = (
            f"{self.transcripts} transcripts, {self.codes} codes, {self.coders} coders,"
            f" {self.participants} participants, {self.codings} codings, {self.memos} memos"
        )
        if self.sets:
            line += f", {self.sets} sets"
        if self.orphaned_skipped:
            line += f" ({self.orphaned_skipped} orphaned codings not exported)"
        if self.set_members_gone:
            line += "; left out of their sets, no longer in the project: " + "; ".join(
                self.set_members_gone
            )
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
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in present
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
    # GUIDs another program gave users, sources, cases and variables come back as they were.
    known_users = store.refi_ids("user")
    user_guid = {
        name: known_users[name][0] if name in known_users else derived_guid("user", name)
        for name in coders
    }

    # Users, CodeBook, Variables, Cases, Sources, Notes, Sets: the schema's order.
    if coders:
        users = _sub(root, "Users")
        for name in coders:
            attrs = {"guid": user_guid[name], "name": xml_text(name)}
            user_id = known_users.get(name, ("", {}))[1].get("id")
            if user_id:
                attrs["id"] = xml_text(str(user_id))
            _sub(users, "User", attrs)
    summary.coders = len(coders)
    if codebook.codes:
        book = _sub(root, "CodeBook")
        append_codes(_sub(book, "Codes"), codebook.codes)
    summary.codes = len(code_guids)

    transcripts = store.transcripts()
    transcript_ids = {t.id for t in transcripts}
    known_sources = {
        tid: (guid, attrs)
        for tid, (guid, attrs) in store.refi_ids("source").items()
        if attrs.get("content_hash") in {t.content_hash for t in transcripts if t.id == tid}
    }
    source_guid = {
        t.id: known_sources[t.id][0]
        if t.id in known_sources
        else derived_guid("source", f"{t.id}:{t.content_hash}")
        for t in transcripts
    }
    people = store.participants()
    links = store.participant_links()
    spoken_in = _participant_transcripts(people, links, transcript_ids)
    _append_participants(
        root,
        people,
        links,
        spoken_in,
        source_guid,
        store.refi_ids("case"),
        store.refi_ids("variable"),
    )
    summary.participants = len(people)

    notes: list[tuple[str, str, str, str]] = []  # (guid, text, coder, name)
    sources: dict[str, str] = {}
    segments_by_id: dict[int, SegmentRow] = {}
    passages: dict[str, list[PassageRow]] = {}
    for passage in store.passages():
        passages.setdefault(passage.transcript_id, []).append(passage)
    memos_in_passages: set[tuple[str, int]] = set()
    if transcripts:
        sources_el = _sub(root, "Sources")
        by_transcript: dict[str, list[CodingRow]] = {}
        for coding in codings:
            by_transcript.setdefault(coding.transcript_id, []).append(coding)
        # Which coders finished which transcript: agreement compares finished transcripts,
        # and REFI-QDA has no field for it, so it rides in the source's description.
        done_by = {coder: store.done_transcripts(coder) for coder in store.coders()}
        for info in transcripts:
            segments = store.segments(info.id)
            segments_by_id.update((s.id, s) for s in segments)
            text = store.transcript_text(info.id)
            guid = source_guid[info.id]
            sources[f"{SOURCES_FOLDER}/{guid}.txt"] = text
            known = known_sources.get(info.id, ("", {}))[1]
            attrs = {
                "guid": guid,
                "name": xml_text(str(known.get("name") or info.id)),
                "plainTextPath": f"internal://{guid}.txt",
            }
            imported_at = _xsd_datetime(known.get("creationDateTime") or info.imported_at)
            if imported_at:
                attrs["creationDateTime"] = imported_at
            element = _sub(sources_el, "TextSource", attrs)
            _sub(element, "Description").text = xml_text(
                f"themekit transcript: {info.id}\nthemekit unit: {info.unit}\n"
                f"themekit format: {info.source_format}\nthemekit file: {info.source_name}"
                + "".join(
                    f"\nthemekit done: {coder}"
                    for coder, finished in sorted(done_by.items())
                    if info.id in finished
                )
            )
            summary.codings += _append_selections(
                _SourceExport(
                    element=element,
                    text=text,
                    content_hash=info.content_hash,
                    segments=segments_by_id,
                    code_guids=code_guids,
                    user_guid=user_guid,
                    notes=notes,
                    memos=memos,
                    memos_in_passages=memos_in_passages,
                ),
                by_transcript.get(info.id, []),
                passages.get(info.id, []),
            )
            summary.transcripts += 1
        # Segment memos: a selection over the segment with no coding, and a note.
        for (coder, segment_id), memo in sorted(memos.items()):
            segment = segments_by_id.get(segment_id)
            if segment is None:  # on an old version of its transcript
                continue
            if (coder, segment_id) in memos_in_passages:  # written with its passage
                continue
            note_guid = derived_guid(
                "segment-memo", f"{coder}:{segment.transcript_id}:{segment.line}"
            )
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
            notes.append(
                (note_guid, memo, coder, f"Memo on {segment.transcript_id} line {segment.line}")
            )
    if notes:
        notes_el = _sub(root, "Notes")
        for guid, memo_text, author, name in sorted(notes):
            attrs = {"guid": guid, "name": xml_text(name), "creatingUser": user_guid[author]}
            note = _sub(notes_el, "Note", attrs)
            _sub(note, "PlainTextContent").text = xml_text(memo_text)
    summary.memos = len(notes)
    _append_role_sets(root, people, spoken_in, source_guid)
    _append_kept_sets(root, store.refi_ids("set"), code_guids, source_guid, summary)
    return QdpxPackage(serialise(root), sources, summary)


def _append_kept_sets(
    root: ET.Element,
    kept: dict[str, tuple[str, dict[str, Any]]],
    code_guids: dict[str, str],
    source_guid: dict[str, str],
    summary: ExportSummary,
) -> None:
    """The sets an import kept (``qdpx._keep_sets``), with the members still here."""
    if not kept:
        return
    sets = root.find("Sets")
    if sets is None:
        sets = _sub(root, "Sets")
    for guid, (_same, info) in sorted(kept.items(), key=lambda item: str(item[1][1].get("name"))):
        name = str(info.get("name") or guid)
        item = _sub(sets, "Set", {"guid": guid, "name": xml_text(name)})
        if info.get("description"):
            _sub(item, "Description").text = xml_text(str(info["description"]))
        for code_id in info.get("codes", []):
            if code_id in code_guids:
                _sub(item, "MemberCode", {"targetGUID": code_guids[code_id]})
            else:
                summary.set_members_gone.append(f"'{name}': code '{code_id}'")
        for tid in info.get("transcripts", []):
            if tid in source_guid:
                _sub(item, "MemberSource", {"targetGUID": source_guid[tid]})
            else:
                summary.set_members_gone.append(f"'{name}': transcript '{tid}'")
        summary.sets += 1


def _insert_selection(source: ET.Element, selection: ET.Element) -> None:
    """Put a selection after the source's other selections (the schema's order)."""
    position = 0
    for index, item in enumerate(source):
        if item.tag in ("Description", "PlainTextContent", "PlainTextSelection"):
            position = index + 1
    source.insert(position, selection)


@dataclass
class _SourceExport:
    """What writing one source's selections needs."""

    element: ET.Element
    text: str
    content_hash: str
    segments: dict[int, SegmentRow]
    code_guids: dict[str, str]
    user_guid: dict[str, str]
    notes: list[tuple[str, str, str, str]]
    memos: dict[tuple[str, int], str]
    memos_in_passages: set[tuple[str, int]]


def _append_selections(
    job: _SourceExport, codings: list[CodingRow], passages: list[PassageRow]
) -> int:
    """The source's selections: each recorded passage whole (its GUID, span, attributes,
    one ``Coding`` per coding it came with), then every other coding as a selection of
    its own; memo-only passages last. Returns how many ``Coding`` elements were written."""
    by_uid = {c.uid: c for c in codings if c.code_id in job.code_guids}
    coded: list[tuple[tuple[int, int, str], ET.Element]] = []
    memo_only: list[tuple[tuple[str, int, str], ET.Element]] = []
    whole_source: list[ET.Element] = []
    used: set[str] = set()
    written = 0
    for passage in passages:
        if passage.attributes.get("content_hash") != job.content_hash:
            continue  # the transcript changed since: its codings go out one by one
        present = [p for p in passage.pieces if p.coding_uid in by_uid]
        if len(present) != len(passage.pieces):
            continue  # a piece was removed or re-anchored: likewise
        memo_key = _memo_key(passage)
        memo = job.memos.get(memo_key) if memo_key else None
        if not present and not memo:
            continue
        coding_elements = _passage_codings(job, present, by_uid)
        written += len(coding_elements)
        used.update(p.coding_uid for p in present)
        if passage.attributes.get("whole_source") and not memo:
            whole_source.extend(coding_elements)
            continue
        selection = _passage_selection(job, passage, present, by_uid, memo)
        for coding_el in coding_elements:
            _insert_before_notes(selection, coding_el)
        if memo_key and memo:
            job.memos_in_passages.add(memo_key)
        if present:
            coded.append(((passage.span_start, passage.span_end, passage.guid), selection))
        else:
            segment = job.segments.get(memo_key[1]) if memo_key else None
            memo_only.append(
                (
                    (memo_key[0] if memo_key else "", segment.line if segment else 0, passage.guid),
                    selection,
                )
            )
    for coding in codings:
        segment = job.segments.get(coding.segment_id)
        if segment is None or coding.uid in used or coding.code_id not in job.code_guids:
            continue
        if coding.span_start is not None and coding.span_end is not None:
            start, end = coding.span_start, coding.span_end
        else:
            start, end = segment.start, segment.end
        when = _xsd_datetime(coding.created_at)
        guid = derived_guid("selection", coding.uid)
        attrs = {
            "guid": guid,
            "name": xml_text(job.text[start:end]),
            "startPosition": str(start),
            "endPosition": str(end),
            "creatingUser": job.user_guid[coding.coder],
        }
        if when:
            attrs["creationDateTime"] = when
        selection = ET.Element("PlainTextSelection", attrs)
        selection.append(_coding_element(job, coding, _coding_guid(coding.uid), when, None))
        coded.append(((start, end, guid), selection))
        written += 1
    for _place, selection in sorted(coded, key=lambda item: item[0]):
        job.element.append(selection)
    for _order, selection in sorted(memo_only, key=lambda item: item[0]):
        job.element.append(selection)
    for coding_el in whole_source:
        job.element.append(coding_el)
    return written


def _memo_key(passage: PassageRow) -> tuple[str, int] | None:
    memo = passage.attributes.get("memo")
    if isinstance(memo, dict) and "coder" in memo and "segment" in memo:
        return str(memo["coder"]), int(memo["segment"])
    return None


def _insert_before_notes(selection: ET.Element, coding: ET.Element) -> None:
    position = len(selection)
    for index, item in enumerate(selection):
        if item.tag == "NoteRef":
            position = index
            break
    selection.insert(position, coding)


def _coding_element(
    job: _SourceExport,
    coding: CodingRow,
    guid: str,
    when: str | None,
    note_guid: str | None,
) -> ET.Element:
    attrs = {"guid": guid, "creatingUser": job.user_guid[coding.coder]}
    if when:
        attrs["creationDateTime"] = when
    element = ET.Element("Coding", attrs)
    _sub(element, "CodeRef", {"targetGUID": job.code_guids[coding.code_id]})
    if coding.memo:
        note = note_guid or derived_guid("coding-memo", coding.uid)
        _sub(element, "NoteRef", {"targetGUID": note})
        job.notes.append(
            (
                note,
                coding.memo,
                coding.coder,
                f"Memo on a coding of {coding.transcript_id} line {coding.line}",
            )
        )
    return element


def _passage_codings(
    job: _SourceExport, present: list[PassagePiece], by_uid: dict[str, CodingRow]
) -> list[ET.Element]:
    """One ``Coding`` per coding the passage came with (its segment pieces are one)."""
    groups: dict[str, list[PassagePiece]] = {}
    for piece in present:
        groups.setdefault(piece.coding_guid, []).append(piece)
    out = []
    for coding_guid, pieces in groups.items():
        first = by_uid[pieces[0].coding_uid]
        when = _xsd_datetime(pieces[0].attributes.get("creationDateTime") or first.created_at)
        notes = pieces[0].attributes.get("notes") or []
        out.append(_coding_element(job, first, coding_guid, when, notes[0] if notes else None))
    return out


def _passage_selection(
    job: _SourceExport,
    passage: PassageRow,
    present: list[PassagePiece],
    by_uid: dict[str, CodingRow],
    memo: str | None,
) -> ET.Element:
    attributes = passage.attributes
    start, end = passage.span_start, passage.span_end
    creator = str(attributes.get("creatingUser") or "")
    if creator not in job.user_guid and present:
        creator = by_uid[present[0].coding_uid].coder
    attrs = {
        "guid": passage.guid,
        "name": xml_text(str(attributes.get("name", job.text[start:end]))),
        "startPosition": str(start),
        "endPosition": str(end),
    }
    if creator in job.user_guid:
        attrs["creatingUser"] = job.user_guid[creator]
    created = _xsd_datetime(attributes.get("creationDateTime"))
    if created:
        attrs["creationDateTime"] = created
    modifier = normalise_guid(attributes.get("modifyingUser"))
    if modifier and modifier in set(job.user_guid.values()):
        attrs["modifyingUser"] = modifier
    modified = _xsd_datetime(attributes.get("modifiedDateTime"))
    if modified:
        attrs["modifiedDateTime"] = modified
    selection = ET.Element("PlainTextSelection", attrs)
    if not memo:
        return selection
    description = attributes.get("description")
    notes = attributes.get("notes") or []
    memo_key = _memo_key(passage)
    author = memo_key[0] if memo_key else creator
    if description and not notes:
        _sub(selection, "Description").text = xml_text(memo)
        return selection
    if description:
        _sub(selection, "Description").text = xml_text(str(description))
        memo = memo.removeprefix(f"{description}\n\n")
    segment = job.segments.get(memo_key[1]) if memo_key else None
    note_guid = notes[0] if notes else derived_guid("passage-memo", passage.guid)
    _sub(selection, "NoteRef", {"targetGUID": note_guid})
    where = f"{segment.transcript_id} line {segment.line}" if segment else passage.transcript_id
    job.notes.append((note_guid, memo, author, f"Memo on {where}"))
    return selection


def _append_participants(
    root: ET.Element,
    people: list[Participant],
    links: dict[tuple[str, str], str],
    spoken_in: dict[str, list[str]],
    source_guid: dict[str, str],
    known_cases: dict[str, tuple[str, dict[str, Any]]],
    known_variables: dict[str, tuple[str, dict[str, Any]]],
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
    variable_guid = {
        name: known_variables[name][0]
        if name in known_variables
        else derived_guid("variable", name)
        for name in names
    }
    if names:
        variables = _sub(root, "Variables")
        for name in names:
            _sub(
                variables,
                "Variable",
                {
                    "guid": variable_guid[name],
                    "name": xml_text(name),
                    "typeOfVariable": kinds[name],
                },
            )
    cases = _sub(root, "Cases")
    for person in people:
        guid = known_cases[person.id][0] if person.id in known_cases else None
        case = _sub(
            cases,
            "Case",
            {"guid": guid or derived_guid("case", person.id), "name": xml_text(person.id)},
        )
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
        item = _sub(
            sets, "Set", {"guid": derived_guid("role-set", role), "name": xml_text(f"Role: {role}")}
        )
        _sub(
            item, "Description"
        ).text = "Transcripts of the participants with this role (themekit)."
        for tid in sorted(by_role[role]):
            _sub(item, "MemberSource", {"targetGUID": source_guid[tid]})


def export_qdpx(project: Project, path: str | Path, *, overwrite: bool = False) -> ExportSummary:
    """Write the project to ``path`` as a .qdpx archive (atomically) and record it in the
    audit log: the archive holds the full transcript texts."""
    package = build_qdpx(project)
    with (
        atomic_writer(path, overwrite=overwrite) as tmp,
        zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        archive.writestr(PROJECT_FILE, package.qde.encode("utf-8"))
        for name, text in package.sources.items():
            archive.writestr(name, text.encode("utf-8"))
    summary = package.summary
    project.store.log(
        "refi.export",
        how="export",
        details={
            "file": Path(path).name,
            "transcripts": summary.transcripts,
            "codings": summary.codings,
        },
    )
    return summary
