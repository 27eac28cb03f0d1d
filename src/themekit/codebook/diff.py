"""What changed between two versions of a codebook, matched by code id.

Ids are stable and never reused, so a code with the same id in both versions *is* the
same code, whatever happened to its label or place; that is what lets a rename or a
move keep its codings. The diff therefore sorts every change into one of:

* added / removed: the id exists in only one version;
* renamed: same id, new label;
* moved: same id, new parent (a move *and* a rename are both reported);
* definition changed: any of definition, include, exclude, examples (the guidance
  coders apply; a change here may mean earlier codings need review);
* attribute changed: colour, codable, value, guid.

Changes to the codebook's own name and description are kept too. ``to_lines`` gives
the human summary (``+ added Benefits > X``), ``to_dict``/``from_dict`` the form stored
in the project history and printed as JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from themekit.model.codebook import Codebook

GUIDANCE_FIELDS = ("definition", "include", "exclude", "examples")
ATTRIBUTE_FIELDS = ("colour", "codable", "value", "guid")


@dataclass(frozen=True)
class CodeRef:
    """A code added or removed: its id and its path in the version where it exists."""

    id: str
    path: str


@dataclass(frozen=True)
class Renamed:
    id: str
    old_label: str
    new_label: str
    path: str  # the new path


@dataclass(frozen=True)
class Moved:
    id: str
    old_path: str
    new_path: str
    old_parent_id: str | None
    new_parent_id: str | None


@dataclass(frozen=True)
class FieldChange:
    """One field of one code (or of the codebook itself, with ``id`` empty) changed."""

    id: str
    path: str
    field: str
    old: Any
    new: Any


@dataclass
class CodebookDiff:
    added: list[CodeRef] = field(default_factory=list)
    removed: list[CodeRef] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    definition_changed: list[FieldChange] = field(default_factory=list)
    attribute_changed: list[FieldChange] = field(default_factory=list)
    book_changed: list[FieldChange] = field(default_factory=list)  # name, description

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.added,
                self.removed,
                self.renamed,
                self.moved,
                self.definition_changed,
                self.attribute_changed,
                self.book_changed,
            )
        )

    def to_lines(self) -> list[str]:
        """One line per change, for people: ``+ added``, ``- removed``, ``~ renamed``,
        ``> moved``, ``* definition`` and ``* colour`` (etc.) changes, id in brackets."""
        lines = [f"* codebook {c.field} changed" for c in self.book_changed]
        lines += [f"+ added {ref.path} [{ref.id}]" for ref in self.added]
        lines += [f"- removed {ref.path} [{ref.id}]" for ref in self.removed]
        lines += [f"~ renamed {r.old_label} -> {r.new_label} [{r.id}]" for r in self.renamed]
        lines += [f"> moved {m.old_path} -> {m.new_path} [{m.id}]" for m in self.moved]
        lines += [f"* {c.field} changed {c.path} [{c.id}]" for c in self.definition_changed]
        lines += [
            f"* {c.field} changed {c.path}: {_show(c.old)} -> {_show(c.new)} [{c.id}]"
            for c in self.attribute_changed
        ]
        return lines

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "added": [asdict(x) for x in self.added],
            "removed": [asdict(x) for x in self.removed],
            "renamed": [asdict(x) for x in self.renamed],
            "moved": [asdict(x) for x in self.moved],
            "definition_changed": [asdict(x) for x in self.definition_changed],
            "attribute_changed": [asdict(x) for x in self.attribute_changed],
            "book_changed": [asdict(x) for x in self.book_changed],
        }

    @classmethod
    def from_dict(cls, data: dict[str, list[dict[str, Any]]]) -> CodebookDiff:
        return cls(
            added=[CodeRef(**x) for x in data.get("added", [])],
            removed=[CodeRef(**x) for x in data.get("removed", [])],
            renamed=[Renamed(**x) for x in data.get("renamed", [])],
            moved=[Moved(**x) for x in data.get("moved", [])],
            definition_changed=[FieldChange(**x) for x in data.get("definition_changed", [])],
            attribute_changed=[FieldChange(**x) for x in data.get("attribute_changed", [])],
            book_changed=[FieldChange(**x) for x in data.get("book_changed", [])],
        )


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def diff_codebooks(old: Codebook, new: Codebook) -> CodebookDiff:
    """Every change from ``old`` to ``new``, in the new codebook's order (removals in
    the old one's). Codes are matched by id only."""
    before = old.by_id()
    after = new.by_id()
    diff = CodebookDiff()
    for key in ("name", "description"):
        if getattr(old, key) != getattr(new, key):
            diff.book_changed.append(FieldChange("", "", key, getattr(old, key), getattr(new, key)))
    for code_id, entry in after.items():
        earlier = before.get(code_id)
        if earlier is None:
            diff.added.append(CodeRef(code_id, entry.path_text))
            continue
        was, now = earlier.code, entry.code
        if was.label != now.label:
            diff.renamed.append(Renamed(code_id, was.label, now.label, entry.path_text))
        if earlier.parent_id != entry.parent_id:
            diff.moved.append(
                Moved(
                    code_id,
                    earlier.path_text,
                    entry.path_text,
                    earlier.parent_id,
                    entry.parent_id,
                )
            )
        for name in GUIDANCE_FIELDS:
            if getattr(was, name) != getattr(now, name):
                diff.definition_changed.append(
                    FieldChange(
                        code_id, entry.path_text, name, getattr(was, name), getattr(now, name)
                    )
                )
        for name in ATTRIBUTE_FIELDS:
            if getattr(was, name) != getattr(now, name):
                diff.attribute_changed.append(
                    FieldChange(
                        code_id, entry.path_text, name, getattr(was, name), getattr(now, name)
                    )
                )
    diff.removed = [
        CodeRef(code_id, entry.path_text)
        for code_id, entry in before.items()
        if code_id not in after
    ]
    return diff
