"""Reading a REFI-QDA project archive (.qdpx) into plain data, checked, before import.

``read_qdpx`` opens the zip, finds the project file whatever its name (any ``*.qde``,
``project.qde`` preferred), parses it with every namespace stripped (tools write the
standard's, another, a prefixed one or none), normalises GUIDs (case, braces), reads
each text source's plain text from ``PlainTextContent`` or from the archive
(``sources/`` or ``Sources/``, any case; UTF-8, UTF-16 with a byte-order mark, or
Windows-1252) and returns a ``RefiProject``: users (with their ``id``), codes
(ATLAS.ti's ``Parent::Child`` names nested unless ``nest_names`` is off), variables,
cases, sources with their selections (positions, name, creator, dates, description)
and codings, notes, sets, and warnings about what was left out (pictures, PDFs, audio,
video, links, graphs).

A text source whose text is not in the archive (an ATLAS.ti or NVivo export made
without its documents) does not stop the import: it is listed in ``missing_sources``
with how many selections and codings it had, and everything else still comes in.

It refuses, with a ``RefiError`` naming the file, what cannot be imported faithfully:
a file that is not a zip, a zip with no project file, XML that does not parse, a root
that is not ``<Project>``, a source file that cannot be decoded, and a coding of a code
the codebook does not define. Nothing here touches a project; ``qdpx`` does that.
``read_qdpx_codebook`` takes only the codebook (for loading a codebook from a project).
"""

from __future__ import annotations

import codecs
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from themekit.codebook.io_qdc import (
    RefiCode,
    child,
    children,
    derived_guid,
    nest_qualified_names,
    normalise_guid,
    parse_qdc,
    parse_xml,
    read_codes,
)
from themekit.errors import RefiError, TextDecodeError
from themekit.files.text import decode_user_text
from themekit.model.codebook import Codebook
from themekit.refi.positions import SourceText

PROJECT_FILE = "project.qde"
SOURCES_FOLDER = "sources"
_MARKER = re.compile(r"themekit (transcript|unit|format|file|links|done)\s*:[ \t]?(.*)", re.I)
_NOT_TEXT_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


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
    description: str | None = None  # ATLAS.ti's quotation comment
    attributes: dict[str, str] = field(default_factory=dict)  # modifyingUser, modifiedDateTime


@dataclass
class RefiSource:
    guid: str
    name: str
    markers: dict[str, str]
    text: SourceText
    creator: str | None
    selections: list[RefiSelection] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)  # name, dates, users as written


@dataclass
class MissingSource:
    """A text source whose text the archive does not hold."""

    guid: str
    name: str
    reference: str | None
    selections: int
    codings: int


@dataclass
class RefiSet:
    guid: str
    name: str
    description: str
    codes: list[str]
    sources: list[str]
    notes: list[str]


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
    user_ids: dict[str, str] = field(default_factory=dict)  # guid -> the User's id attribute
    missing_sources: list[MissingSource] = field(default_factory=list)
    sets: list[RefiSet] = field(default_factory=list)
    links: int = 0
    graphs: int = 0


def _markers(text: str | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in (text or "").splitlines():
        match = _MARKER.fullmatch(line.strip())
        if match:
            key, value = match.group(1).lower(), match.group(2).strip()
            if key == "done" and found.get(key):
                value = f"{found[key]},{value}"  # one line per coder who finished it
            found[key] = value
    return found


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
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            NotImplementedError,
            OSError,
            RuntimeError,
            ValueError,
        ) as exc:
            raise RefiError(
                self.path,
                f"{name} cannot be read from the archive ({exc})",
                hint="Export the project again from the program that made it.",
            ) from None

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


class _MissingText(Exception):
    """A source's text is not in the archive (``reference`` is where it should be)."""

    def __init__(self, reference: str | None) -> None:
        super().__init__(reference)
        self.reference = reference


def _source_text(archive: _Archive, element: ET.Element, label: str) -> tuple[str, bool]:
    """The text of a source or note, and whether its file began with a byte-order mark;
    ``_MissingText`` when the archive does not hold it."""
    content = child(element, "PlainTextContent")
    if content is not None and content.text:
        return content.text, False
    reference = element.get("plainTextPath")
    if not reference:
        raise _MissingText(None)
    member = archive.find_source(reference)
    if member is None:
        raise _MissingText(reference)
    data = archive.read(member)
    bom = data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    try:
        return decode_user_text(data, member).text, bom
    except TextDecodeError as exc:
        raise RefiError(
            archive.path,
            f"source '{label}' ({member}) {exc.problem}",
            hint="Export the project again with UTF-8 plain-text sources.",
        ) from None


def read_qdpx(path: str | Path, *, nest_names: bool = True) -> RefiProject:
    """Read and check a .qdpx archive (nothing is imported); ``RefiError`` if broken.
    ``nest_names`` reads ``Parent::Child`` code names as levels."""
    archive = _Archive(Path(path))
    try:
        return _read(archive, nest_names)
    finally:
        archive.close()


def read_qdpx_codebook(
    path: str | Path, warnings: list[str] | None = None, *, nest_names: bool = True
) -> Codebook:
    """The codebook of a .qdpx project, as ``read_qdc`` gives a .qdc file's: its sources
    are not read, so a project exported without them still gives its codebook."""
    archive = _Archive(Path(path))
    try:
        qde = archive.project_file()
        codebook, found = parse_qdc(
            archive.read(qde), f"{archive.file} ({qde})", nest_names=nest_names
        )
    finally:
        archive.close()
    if warnings is not None:
        warnings.extend(found)
    return codebook


def _read(archive: _Archive, nest_names: bool) -> RefiProject:
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
    user_ids: dict[str, str] = {}
    users_el = child(root, "Users")
    for element in children(users_el, "User") if users_el is not None else []:
        guid = _guid_attr(element, "guid")
        if guid:
            users[guid] = (element.get("name") or element.get("id") or "").strip() or (
                f"user-{guid[:8]}"
            )
            if element.get("id"):
                user_ids[guid] = element.get("id") or ""
    book = child(root, "CodeBook")
    codes_el = child(book, "Codes") if book is not None else None
    codes = read_codes(codes_el, warnings) if codes_el is not None else []
    if nest_names:
        codes = nest_qualified_names(codes, warnings)
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
            text, _bom = _source_text(archive, element, f"note {label}")
        except (RefiError, _MissingText):
            warnings.append(f"note '{label}' has no readable text; not imported")
            continue
        notes[guid] = RefiNote(guid, text.strip(), _guid_attr(element, "creatingUser"))
    missing: list[MissingSource] = []
    sources = _read_sources(archive, root, warnings, missing)
    _check_references(archive, codes, sources)
    sets = _read_sets(root)
    links_el, graphs_el = child(root, "Links"), child(root, "Graphs")
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
        user_ids=user_ids,
        missing_sources=missing,
        sets=sets,
        links=len(children(links_el, "Link")) if links_el is not None else 0,
        graphs=len(children(graphs_el, "Graph")) if graphs_el is not None else 0,
    )


def _refs(element: ET.Element, tag: str) -> list[str]:
    return [normalise_guid(r.get("targetGUID")) for r in children(element, tag)]


def _read_sets(root: ET.Element) -> list[RefiSet]:
    sets_el = child(root, "Sets")
    out = []
    for element in children(sets_el, "Set") if sets_el is not None else []:
        description = child(element, "Description")
        out.append(
            RefiSet(
                guid=_guid_attr(element, "guid") or "",
                name=(element.get("name") or "").strip(),
                description=(description.text or "").strip() if description is not None else "",
                codes=_refs(element, "MemberCode"),
                sources=_refs(element, "MemberSource"),
                notes=_refs(element, "MemberNote"),
            )
        )
    return out


def _read_sources(
    archive: _Archive, root: ET.Element, warnings: list[str], missing: list[MissingSource]
) -> list[RefiSource]:
    sources: list[RefiSource] = []
    sources_el = child(root, "Sources")
    if sources_el is None:
        return sources
    skipped: dict[str, int] = {}
    document_values = 0
    for element in sources_el:
        if element.tag in _NOT_TEXT_SOURCES:
            skipped[element.tag] = skipped.get(element.tag, 0) + 1
            continue
        if element.tag != "TextSource":
            continue
        guid = _guid_attr(element, "guid") or str(uuid.uuid4())
        name = (element.get("name") or "").strip() or f"source-{guid[:8]}"
        description = child(element, "Description")
        document_values += len(children(element, "VariableValue"))
        try:
            raw, bom = _source_text(archive, element, name)
        except _MissingText as gone:
            selections = children(element, "PlainTextSelection")
            missing.append(
                MissingSource(
                    guid=guid,
                    name=name,
                    reference=gone.reference,
                    selections=len(selections),
                    codings=sum(len(children(s, "Coding")) for s in selections)
                    + len(children(element, "Coding")),
                )
            )
            continue
        text = SourceText.from_raw(raw, bom=bom)
        source = RefiSource(
            guid=guid,
            name=name,
            markers=_markers(description.text if description is not None else None),
            text=text,
            creator=_guid_attr(element, "creatingUser"),
            attributes={
                key: value
                for key in ("name", "creationDateTime", "modifyingUser", "modifiedDateTime")
                if (value := element.get(key))
            },
        )
        for selection in children(element, "PlainTextSelection"):
            start, end = _int(selection.get("startPosition")), _int(selection.get("endPosition"))
            sel_guid = _guid_attr(selection, "guid") or str(uuid.uuid4())
            if start is None or end is None:
                warnings.append(
                    f"source '{name}': selection {sel_guid} has no valid positions; skipped"
                )
                continue
            comment = child(selection, "Description")
            source.selections.append(
                RefiSelection(
                    guid=sel_guid,
                    start=start,
                    end=end,
                    name=selection.get("name"),
                    creator=_guid_attr(selection, "creatingUser"),
                    created=selection.get("creationDateTime"),
                    codings=_read_codings(selection),
                    note_refs=_refs(selection, "NoteRef"),
                    description=(comment.text or "").strip() or None
                    if comment is not None
                    else None,
                    attributes={
                        key: value
                        for key in ("modifyingUser", "modifiedDateTime")
                        if (value := selection.get(key))
                    },
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
    if document_values:
        warnings.append(
            f"{document_values} values of document variables not imported (themekit keeps"
            " attributes on participants: give them in a participants table)"
        )
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
