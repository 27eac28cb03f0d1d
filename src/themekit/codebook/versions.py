"""Codebook versions inside a project: load, revise, count, never lose a coding.

Every change to a project's codebook, whether a file load or a command-line revision,
goes through ``commit_codebook``: it diffs the new tree against the current version,
refuses to remove a code that still has codings unless the user said where they go
(``merge_into``) or that they may go (``drop_codings``), moves or drops those codings
in the same transaction, stores the new version with its diff, and logs it. Loading an
unchanged codebook is a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from themekit.codebook.diff import CodebookDiff, CodeRef, diff_codebooks
from themekit.errors import CodebookError
from themekit.model.codebook import Codebook
from themekit.store.codebook import codebook_hash

if TYPE_CHECKING:
    from themekit.project import Project


@dataclass
class CommitResult:
    version: int | None  # None when nothing changed
    diff: CodebookDiff
    moved_codings: int = 0
    dropped_codings: int = 0


@dataclass
class CodeStats:
    codings: int = 0
    participants: set[str] = field(default_factory=set)
    coders: set[str] = field(default_factory=set)
    transcripts: set[str] = field(default_factory=set)


def read_codebook_file(path: str | Path, warnings: list[str] | None = None) -> Codebook:
    """A codebook from YAML, CSV/XLSX or REFI-QDA .qdc, or CodebookError.

    Repairs made while reading a .qdc from another program are appended to ``warnings``.
    """
    path = Path(path)
    if not path.exists():
        raise CodebookError(f"{path}: no such file.", hint="Check the path and try again.")
    if path.suffix.lower() == ".qdc":
        from themekit.codebook.io_qdc import read_qdc

        return read_qdc(path, warnings)
    from themekit.codebook.validate import load_codebook

    return load_codebook(path)


def commit_codebook(
    project: Project,
    new: Codebook,
    *,
    source: str,
    merge_into: str | None = None,
    drop_codings: bool = False,
    merges: dict[str, str] | None = None,
    note: str | None = None,
) -> CommitResult:
    """Store ``new`` as the next version (see the module docstring for the rules).

    ``merges`` maps removed code ids to the code that takes over their codings (from
    ``codebook merge``); ``merge_into`` does that for every removed code with codings.
    """
    if merge_into is not None and drop_codings:
        raise CodebookError(
            "Cannot both move the codings of removed codes (merge_into) and delete them"
            " (drop_codings).",
            hint="Choose one: move the codings, or delete them.",
            next_step="codebook.merge_or_drop",
        )
    store = project.store
    current = store.current_codebook()
    old = current[1] if current else Codebook()
    if current and codebook_hash(new) == codebook_hash(old):
        return CommitResult(None, CodebookDiff())
    diff = diff_codebooks(old, new)
    if current is None:
        diff.book_changed = []  # a first version has nothing to have changed from
    merges, unresolved = _codings_of_removed_codes(
        store.coding_counts_by_code(), diff, new, merges, merge_into, drop_codings
    )
    moved = dropped = 0
    with store.db.transaction():
        for src, dst in merges.items():
            moved += store.repoint_codings(src, dst)
        if drop_codings:
            dropped = store.delete_codings_for_codes(r.id for r in unresolved)
        version = store.add_codebook_version(new, source=source, changes=diff.to_dict(), note=note)
        store.log(
            "codebook.version",
            how="load" if source.startswith("file:") else "revise",
            codebook_version=version,
            details={
                "source": source,
                "added": len(diff.added),
                "removed": len(diff.removed),
                "renamed": len(diff.renamed),
                "moved": len(diff.moved),
                "definition_changed": len(diff.definition_changed),
                "codings_moved": moved,
                "codings_dropped": dropped,
                "merges": merges,
            },
        )
    return CommitResult(version, diff, moved, dropped)


def _codings_of_removed_codes(
    counts: dict[str, tuple[int, int, int]],
    diff: CodebookDiff,
    new: Codebook,
    merges: dict[str, str] | None,
    merge_into: str | None,
    drop_codings: bool,
) -> tuple[dict[str, str], list[CodeRef]]:
    """Where the codings of removed codes go: the merges to make (removed id -> code
    taking over), and the removed codes whose codings are to be dropped. Refuses a
    change that would leave codings on a removed code unless they are dropped."""
    removed_with_codings = [ref for ref in diff.removed if counts.get(ref.id, (0, 0, 0))[0]]
    merges = dict(merges or {})
    if merge_into is not None:
        target = new.by_id().get(merge_into)
        if target is None:
            raise CodebookError(
                f"The code to merge into, {merge_into}, is not in the new codebook.",
                hint="Give the id of a code that the new codebook keeps.",
            )
        if not target.code.codable:
            raise CodebookError(
                f"The code to merge into, {merge_into}, is a grouping node ({target.path_text}).",
                hint="Merge into a codable code.",
            )
        for ref in removed_with_codings:
            merges.setdefault(ref.id, merge_into)
    unresolved = [r for r in removed_with_codings if r.id not in merges]
    if unresolved and not drop_codings:
        listing = ", ".join(
            f"{r.path} [{r.id}] ({counts[r.id][0]} codings)" for r in unresolved[:10]
        )
        raise CodebookError(
            f"This change removes codes that have codings: {listing}. Nothing was changed.",
            hint="Keep them, or give merge_into to move their codings,"
            " or drop_codings=True to delete them.",
            next_step="codebook.removed_codings",
        )
    return merges, unresolved


def current_or_error(project: Project) -> tuple[int, Codebook]:
    current = project.store.current_codebook()
    if current is None:
        raise CodebookError(
            "No codebook is loaded in this project.",
            hint="Load one first (e.g. codebooks/mhtr.yaml).",
            next_step="codebook.load_example",
        )
    return current


def retired_ids(project: Project) -> set[str]:
    return {cid for cid, retired in project.store.code_registry().items() if retired is not None}


def code_stats(project: Project, *, rollup: bool = True) -> dict[str, CodeStats]:
    """Per code: codings, participants, coders and transcripts (grouping nodes roll up)."""
    _version, codebook = current_or_error(project)
    resolver = project.resolver()
    stats: dict[str, CodeStats] = {e.code.id: CodeStats() for e in codebook.walk()}
    segments = {s.id: s for s in project.store.all_current_segments(codable_only=False)}
    for c in project.store.codings():
        stat = stats.setdefault(c.code_id, CodeStats())
        stat.codings += 1
        stat.coders.add(c.coder)
        stat.transcripts.add(c.transcript_id)
        seg = segments.get(c.segment_id) or project.store.segment(c.segment_id)
        person = resolver.resolve(c.transcript_id, seg.speaker, seg.codable) if seg else None
        if person:
            stat.participants.add(person.id)
    if rollup:
        by_id = codebook.by_id()
        for entry in sorted(codebook.walk(), key=lambda e: -e.depth):
            parent = entry.parent_id
            if parent and parent in by_id:
                child, mine = stats[entry.code.id], stats[parent]
                mine.participants |= child.participants
                mine.coders |= child.coders
                mine.transcripts |= child.transcripts
                if not by_id[parent].code.codable:
                    mine.codings += child.codings
    return stats
