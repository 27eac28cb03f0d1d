"""The codebook as a tree of codes.

A ``Codebook`` is an ordered forest of ``Code``s. Each code has a stable ``id`` that
never changes and is never reused (codings point at it), a ``label`` that may change
(a rename), a position under a parent (a move), and the guidance coders need:
``definition``, ``include``, ``exclude`` and ``examples``. ``codable`` is false for pure
grouping nodes; ``value`` is an optional number for ordered categories (used by
interval/ordinal agreement). ``guid`` is the REFI-QDA GUID, kept stable across exports.

The model is pure data: parsing, validation, diffing and writing live beside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

PATH_SEPARATOR = " > "


@dataclass
class Code:
    id: str
    label: str
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: list[str] = field(default_factory=list)
    colour: str | None = None
    codable: bool = True
    value: float | None = None
    guid: str | None = None
    children: list[Code] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "label": self.label}
        for key in ("definition", "include", "exclude"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.examples:
            data["examples"] = list(self.examples)
        if self.colour:
            data["colour"] = self.colour
        if not self.codable:
            data["codable"] = False
        if self.value is not None:
            data["value"] = self.value
        if self.guid:
            data["guid"] = self.guid
        if self.children:
            data["children"] = [child.to_dict() for child in self.children]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Code:
        return cls(
            id=str(data["id"]),
            label=str(data["label"]),
            definition=data.get("definition", "") or "",
            include=data.get("include", "") or "",
            exclude=data.get("exclude", "") or "",
            examples=list(data.get("examples", []) or []),
            colour=data.get("colour"),
            codable=bool(data.get("codable", True)),
            value=data.get("value"),
            guid=data.get("guid"),
            children=[cls.from_dict(c) for c in data.get("children", []) or []],
        )


@dataclass(frozen=True)
class CodeEntry:
    """A code seen in its place in the tree (the flat view used by storage and exports)."""

    code: Code
    parent_id: str | None
    depth: int
    position: int  # pre-order index over the whole book
    path: tuple[str, ...]  # labels from the root down to this code

    @property
    def path_text(self) -> str:
        return PATH_SEPARATOR.join(self.path)


@dataclass
class Codebook:
    codes: list[Code] = field(default_factory=list)
    name: str = ""
    description: str = ""

    def walk(self) -> Iterator[CodeEntry]:
        """Every code in pre-order (codebook order), with parent, depth and path."""
        position = 0

        def visit(
            nodes: list[Code], parent: str | None, depth: int, path: tuple[str, ...]
        ) -> Iterator[CodeEntry]:
            nonlocal position
            for node in nodes:
                here = (*path, node.label)
                yield CodeEntry(node, parent, depth, position, here)
                position += 1
                yield from visit(node.children, node.id, depth + 1, here)

        yield from visit(self.codes, None, 0, ())

    def by_id(self) -> dict[str, CodeEntry]:
        return {entry.code.id: entry for entry in self.walk()}

    def find(self, id_or_path: str) -> CodeEntry | None:
        """Look a code up by id, or by path (``A > B``; ``\\`` also separates)."""
        entries = self.by_id()
        if id_or_path in entries:
            return entries[id_or_path]
        wanted = split_path(id_or_path)
        folded = tuple(part.casefold() for part in wanted)
        for entry in entries.values():
            if tuple(p.casefold() for p in entry.path) == folded:
                return entry
        return None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.name:
            data["name"] = self.name
        if self.description:
            data["description"] = self.description
        data["codes"] = [code.to_dict() for code in self.codes]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Codebook:
        return cls(
            codes=[Code.from_dict(c) for c in data.get("codes", [])],
            name=data.get("name", "") or "",
            description=data.get("description", "") or "",
        )

    def copy(self) -> Codebook:
        return Codebook.from_dict(self.to_dict())


def split_path(text: str) -> tuple[str, ...]:
    """Split a code path written as ``A > B`` or ``A\\B`` into labels."""
    for sep in (">", "\\"):
        if sep in text:
            return tuple(part.strip() for part in text.split(sep) if part.strip())
    return (text.strip(),)


def with_children(code: Code, children: list[Code]) -> Code:
    return replace(code, children=children)
