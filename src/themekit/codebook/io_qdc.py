"""REFI-QDA codebooks (.qdc): a themekit ``Codebook`` in and out.

A .qdc file is a ``<CodeBook>`` of nested ``<Code guid name isCodable color>`` elements,
each with an optional ``<Description>``. Everything a themekit code has travels:

* hierarchy, label (``name``), ``codable`` (``isCodable``) and ``colour`` (``color``,
  written ``#RRGGBB``; a three-digit colour is expanded);
* the guidance, folded into the one free-text field the standard has, in a shape people
  can read in NVivo, ATLAS.ti or MAXQDA and themekit can parse back::

      People whose needs fell between services.
      Include: a missing tier of care
      Exclude: access to services that already existed
      Example: Never unwell enough for the crisis team
      Value: 2
      themekit id: benefits.gap

  The definition comes first; each ``Include:``, ``Exclude:``, ``Example:``, ``Value:``
  line (case ignored) starts a field that runs to the next such line. A description
  from another tool without these lines is the definition as a whole.
* the code's themekit id, on the last line (``themekit id: ...``). The standard has no
  other place for it, and it makes round trips exact: a code renamed or moved in
  another program still comes back to the same id and keeps its codings. A code
  without the line (made in another program) gets an id derived from its path
  (``Benefits > Filling a gap`` -> ``benefits.filling_a_gap``), made unique.
* the GUID: ``Code.guid`` when set; otherwise a UUID5 of themekit's namespace and the
  code id (``code_guid``), so every export of the same codebook, from any project that
  uses it, gives every code the same GUID, and other tools see re-exports as the same
  codes. On import a GUID that is not the derived one is kept in ``Code.guid``.

Reading is tolerant of what real tools write: any namespace or none, GUIDs in either
case with or without braces, missing descriptions, labels with ``>`` or ``\\`` (which
separate levels in themekit's code paths: replaced by ``/``), duplicate sibling labels
(numbered), colours outside the pattern (dropped), and ATLAS.ti's flat
``Parent::Child`` names, read as levels unless asked not to (``nest_qualified_names``).
Each such repair is a warning, never a silent change. A file that is not XML or not a
codebook is a ``RefiError``.

The helpers for GUIDs, namespaces and descriptions here are shared with ``qdpx``.
"""

from __future__ import annotations

import logging
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from themekit import __version__
from themekit.codebook.validate import derive_id
from themekit.errors import CodebookError, RefiError
from themekit.files.text import read_user_bytes
from themekit.model.codebook import Code, Codebook

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
ORIGIN = f"themekit {__version__}"

#: The namespace of every GUID themekit derives (UUID5 of a kind and a stable key).
THEMEKIT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://themekit.invalid/refi-qda")

HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_GUID = re.compile(
    r"\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?"
)
_FIELD_LINE = re.compile(r"(include|exclude|example|value|themekit id)\s*:[ \t]?(.*)", re.I)
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

log = logging.getLogger("themekit.refi")


# -- GUIDs ----------------------------------------------------------------------------
def derived_guid(kind: str, key: str) -> str:
    """A stable GUID for a themekit object of ``kind`` (code, source, user ...) and key."""
    return str(uuid.uuid5(THEMEKIT_NAMESPACE, f"{kind}:{key}"))


def normalise_guid(text: str | None) -> str:
    """Lower case, no braces, no white space: how themekit compares GUIDs."""
    value = (text or "").strip()
    match = _GUID.fullmatch(value)
    return (match.group(1) if match else value).lower()


def is_guid(text: str | None) -> bool:
    return bool(text) and _GUID.fullmatch((text or "").strip()) is not None


def code_guid(code: Code) -> str:
    """The GUID a code is exported with: its own, or the one derived from its id."""
    if code.guid and is_guid(code.guid):
        return code.guid.strip()
    if code.guid:  # set, but not a GUID: derive from it, so it stays stable
        return derived_guid("code-guid", code.guid)
    return derived_guid("code", code.id)


# -- XML helpers ----------------------------------------------------------------------
def local_name(tag: str) -> str:
    """``{urn:...}Code`` -> ``Code``: namespaces vary between tools and versions."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def strip_namespaces(root: ET.Element) -> ET.Element:
    for element in root.iter():
        element.tag = local_name(element.tag)
        if any("}" in key for key in element.attrib):
            element.attrib = {local_name(k): v for k, v in element.attrib.items()}
    return root


def parse_xml(data: bytes, file: str) -> ET.Element:
    """Parse XML bytes, or a ``RefiError`` with the line and column of the problem."""
    try:
        root = ET.fromstring(data)
    except (LookupError, ValueError) as exc:  # an unknown or impossible declared encoding
        raise RefiError(
            file,
            f"the XML declares an encoding that cannot be read ({exc})",
            hint="Export the file again from the program that made it (UTF-8).",
        ) from None
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise RefiError(
            file,
            f"the XML does not parse (line {line}, column {column + 1})",
            hint="Export the file again from the program that made it.",
        ) from None
    return strip_namespaces(root)


def child(element: ET.Element, name: str) -> ET.Element | None:
    for item in element:
        if item.tag == name:
            return item
    return None


def children(element: ET.Element, name: str) -> list[ET.Element]:
    return [item for item in element if item.tag == name]


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters)."""
    return _BAD_XML_CHARS.sub(" ", text)


def serialise(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"


# -- descriptions ---------------------------------------------------------------------
@dataclass
class DescriptionFields:
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: list[str] = field(default_factory=list)
    value: float | None = None
    themekit_id: str | None = None


def fold_description(code: Code, *, with_id: bool = True) -> str:
    """The code's guidance (and id) as one readable Description text."""
    lines = [code.definition] if code.definition else []
    if code.include:
        lines.append(f"Include: {code.include}")
    if code.exclude:
        lines.append(f"Exclude: {code.exclude}")
    lines.extend(f"Example: {example}" for example in code.examples)
    if code.value is not None:
        number = int(code.value) if float(code.value).is_integer() else code.value
        lines.append(f"Value: {number}")
    if with_id:
        lines.append(f"themekit id: {code.id}")
    return "\n".join(lines)


def unfold_description(text: str | None) -> DescriptionFields:
    """The fields of a Description written by ``fold_description`` (or by a person in
    that shape); any other text is the definition."""
    fields = DescriptionFields()
    if not text:
        return fields
    definition: list[str] = []
    current: list[str] = definition
    found: list[tuple[str, list[str]]] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _FIELD_LINE.fullmatch(line.lstrip())
        if match:
            current = [match.group(2)]
            found.append((match.group(1).lower(), current))
        else:
            current.append(line)
    fields.definition = "\n".join(definition).strip()
    for name, parts in found:
        value = "\n".join(parts).strip()
        if name == "include":
            fields.include = f"{fields.include}\n{value}".strip()
        elif name == "exclude":
            fields.exclude = f"{fields.exclude}\n{value}".strip()
        elif name == "example":
            if value:
                fields.examples.append(value)
        elif name == "value":
            try:
                fields.value = float(value)
            except ValueError:
                fields.definition = f"{fields.definition}\nValue: {value}".strip()
        elif value and not re.search(r"\s", value):
            fields.themekit_id = value
    return fields


# -- writing --------------------------------------------------------------------------
def colour_for_export(colour: str | None) -> str | None:
    """``#RRGGBB`` (a three-digit colour expanded), or None when there is none or it is
    not a hex colour."""
    if not colour or not HEX_COLOUR.fullmatch(colour.strip()):
        return None
    value = colour.strip()
    if len(value) == 4:
        value = "#" + "".join(ch * 2 for ch in value[1:])
    return value


def append_codes(parent: ET.Element, codes: list[Code]) -> None:
    """``<Code>`` elements for ``codes`` (recursively) under ``parent``.

    Elements are built without a namespace and the document's root carries ``xmlns``
    (ElementTree's namespace registry is global state, so it is left alone)."""
    for code in codes:
        attrs = {
            "guid": code_guid(code),
            "name": xml_text(code.label),
            "isCodable": "true" if code.codable else "false",
        }
        colour = colour_for_export(code.colour)
        if colour:
            attrs["color"] = colour
        element = ET.SubElement(parent, "Code", attrs)
        ET.SubElement(element, "Description").text = xml_text(fold_description(code))
        append_codes(element, code.children)


def codebook_to_qdc(codebook: Codebook) -> str:
    """The codebook as a REFI-QDA .qdc document (valid against Codebook.xsd)."""
    if not codebook.codes:
        raise CodebookError(
            "The codebook has no codes; a .qdc file needs at least one.",
            hint="Add codes or load a codebook first.",
            next_step="codebook.add_codes",
        )
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": ORIGIN})
    append_codes(ET.SubElement(root, "Codes"), codebook.codes)
    return serialise(root)


# -- reading --------------------------------------------------------------------------
@dataclass
class RefiCode:
    """A code as read from REFI-QDA XML, before it has a themekit id."""

    guid: str  # normalised, for matching
    label: str
    codable: bool
    colour: str | None
    fields: DescriptionFields
    children: list[RefiCode] = field(default_factory=list)
    written_guid: str = ""  # as the file wrote it, kept in Code.guid

    def walk(self, path: tuple[str, ...] = ()) -> list[tuple[RefiCode, tuple[str, ...]]]:
        here = (*path, self.label)
        out = [(self, here)]
        for item in self.children:
            out.extend(item.walk(here))
        return out


def _boolean(value: str | None, default: bool = True) -> bool:
    if value is None:
        return default
    return value.strip().lower() not in ("false", "0", "no")


def read_codes(codes: ET.Element, warnings: list[str], where: str = "") -> list[RefiCode]:
    """The ``<Code>`` children of ``codes`` as ``RefiCode`` trees, repaired with warnings."""
    out: list[RefiCode] = []
    seen: dict[str, int] = {}
    for element in children(codes, "Code"):
        raw_guid = element.get("guid")
        label = " ".join((element.get("name") or "").split())
        shown = f"{where} > {label}" if where else label
        if not label:
            label = "Unnamed code"
            shown = f"{where} > {label}" if where else label
            warnings.append(f"code {raw_guid or '?'} has no name; called '{label}'")
        if ">" in label or "\\" in label:
            fixed = label.replace(">", "/").replace("\\", "/")
            warnings.append(
                f"code '{shown}': '>' and '\\' separate levels in themekit; renamed '{fixed}'"
            )
            label = fixed
        key = label.casefold()
        if key in seen:
            seen[key] += 1
            renamed = f"{label} ({seen[key]})"
            warnings.append(f"code '{shown}' has a sibling of the same name; renamed '{renamed}'")
            label = renamed
        else:
            seen[key] = 1
        guid = normalise_guid(raw_guid) if raw_guid else derived_guid("unnamed", shown)
        colour = (element.get("color") or "").strip() or None
        if colour and not HEX_COLOUR.fullmatch(colour):
            warnings.append(f"code '{shown}': colour '{colour}' is not #RRGGBB; ignored")
            colour = None
        description = child(element, "Description")
        fields = unfold_description(description.text if description is not None else None)
        code = RefiCode(
            written_guid=(raw_guid or "").strip() or guid,
            guid=guid,
            label=label,
            codable=_boolean(element.get("isCodable")),
            colour=colour,
            fields=fields,
        )
        code.children = read_codes(element, warnings, shown)
        out.append(code)
    return out


#: ATLAS.ti has a flat code list and writes a code's group as a name prefix.
QUALIFIED_SEPARATOR = "::"


def nest_qualified_names(
    items: list[RefiCode], warnings: list[str], separator: str = QUALIFIED_SEPARATOR
) -> list[RefiCode]:
    """``Parent::Child`` code names (ATLAS.ti's prefixes) as a hierarchy.

    The child keeps its GUID and everything else and is renamed ``Child``; it goes under
    the sibling code called ``Parent`` when there is one, else under a new grouping code
    (not codable, GUID derived from its path) that the warnings name. Names with an empty
    part (``::x``) are left as they are.
    """
    created: list[str] = []

    def nest(level: list[RefiCode], path: tuple[str, ...]) -> list[RefiCode]:
        out: list[RefiCode] = []
        by_label = {i.label.casefold(): i for i in level if separator not in i.label}
        for item in level:
            parts = [p.strip() for p in item.label.split(separator)]
            if len(parts) < 2 or not all(parts):
                item.children = nest(item.children, (*path, item.label))
                out.append(item)
                continue
            holder, lookup, here = out, by_label, path
            for part in parts[:-1]:
                here = (*here, part)
                parent = lookup.get(part.casefold())
                if parent is None:
                    parent = RefiCode(
                        guid=derived_guid("code-group", " > ".join(here)),
                        label=part,
                        codable=False,
                        colour=None,
                        fields=DescriptionFields(),
                    )
                    holder.append(parent)
                    lookup[part.casefold()] = parent
                    created.append(" > ".join(here))
                holder = parent.children
                lookup = {c.label.casefold(): c for c in parent.children}
            item.label = parts[-1]
            item.children = nest(item.children, (*here, item.label))
            if item.label.casefold() in lookup:
                warnings.append(
                    f"code '{' > '.join((*here, item.label))}' appears twice after splitting"
                    f" '{separator}' names; both kept"
                )
            holder.append(item)
        return out

    nested = nest(items, ())
    if created:
        warnings.append(
            f"'{separator}' in code names read as levels; grouping codes added: "
            + ", ".join(f"'{name}'" for name in created)
        )
    return nested


def unique_id(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted_2``, ``wanted_3`` ... the first not in ``taken``."""
    candidate, number = wanted, 1
    while candidate in taken:
        number += 1
        candidate = f"{wanted}_{number}"
    return candidate


def to_code(item: RefiCode, code_id: str) -> Code:
    """A themekit ``Code`` (without children) for ``item`` under ``code_id``."""
    derived = derived_guid("code", code_id)
    return Code(
        id=code_id,
        label=item.label,
        definition=item.fields.definition,
        include=item.fields.include,
        exclude=item.fields.exclude,
        examples=list(item.fields.examples),
        colour=item.colour,
        codable=item.codable,
        value=item.fields.value,
        # The GUID themekit would derive is not stored: it is implied by the id. Any
        # other is kept as the file wrote it (case and braces), as codebook files do.
        guid=None if item.guid == derived else (item.written_guid or item.guid),
    )


def assign_ids(
    codes: list[RefiCode], taken: set[str], warnings: list[str], path: tuple[str, ...] = ()
) -> list[Code]:
    """themekit codes for ``codes``: the id in the description when it is free, else one
    derived from the path; ``taken`` grows with every id handed out."""
    out = []
    for item in codes:
        here = (*path, item.label)
        wanted = item.fields.themekit_id
        if wanted and wanted in taken:
            warnings.append(
                f"code '{' > '.join(here)}': id '{wanted}' is already used; a new id is derived"
            )
            wanted = None
        code_id = wanted or unique_id(derive_id(here), taken)
        taken.add(code_id)
        code = to_code(item, code_id)
        code.children = assign_ids(item.children, taken, warnings, here)
        out.append(code)
    return out


def parse_qdc(data: bytes, file: str, *, nest_names: bool = True) -> tuple[Codebook, list[str]]:
    """A codebook from .qdc bytes, with the repairs made (see the module docstring);
    ``nest_names`` reads ``Parent::Child`` names as levels (``nest_qualified_names``)."""
    root = parse_xml(data, file)
    if root.tag == "Project":  # a project file given as a codebook: use its codebook
        book = child(root, "CodeBook")
        if book is None:
            raise RefiError(
                file,
                "is a REFI-QDA project without a codebook",
                hint="Import it as a project (.qdpx) instead.",
                next_step="refi.import_project",
            )
        root = book
    if root.tag != "CodeBook":
        raise RefiError(
            file,
            f"is not a REFI-QDA codebook (its root element is <{root.tag}>, not <CodeBook>)",
            hint="Export the codebook from your QDA program as a REFI-QDA codebook (.qdc).",
        )
    codes = child(root, "Codes")
    warnings: list[str] = []
    items = read_codes(codes, warnings) if codes is not None else []
    if not items:
        raise RefiError(file, "holds no codes", hint="Check that you exported the right file.")
    if nest_names:
        items = nest_qualified_names(items, warnings)
    return Codebook(codes=assign_ids(items, set(), warnings)), warnings


def read_qdc(
    path: str | Path, warnings: list[str] | None = None, *, nest_names: bool = True
) -> Codebook:
    """The codebook in a .qdc file; repairs are appended to ``warnings`` when given,
    else logged on the ``themekit.refi`` logger. ``nest_names``: see ``parse_qdc``."""
    path = Path(path)
    data = read_user_bytes(path, RefiError)
    codebook, found = parse_qdc(data, str(path), nest_names=nest_names)
    if warnings is not None:
        warnings.extend(found)
    else:
        for warning in found:
            log.warning("%s: warning: %s", path, warning)
    return codebook
