"""Pure revisions of a codebook: rename, move, merge, add, remove.

Each function takes a codebook and returns a *new* one (the input is never changed),
or raises ``CodebookError`` with a message that names the codes involved and a hint
with the next step. The rules they keep are the ones validation checks, so a revised
codebook is always as valid as the one it came from:

* ids are unique and never reused (``add_code`` can be given the ids of removed codes);
* sibling labels differ, ignoring case;
* no code is its own ancestor (``move_code`` and ``merge_codes`` refuse cycles).

What happens to *codings* is the store's business: a merge re-points the source's
codings to the destination, and a removal of a code that has codings is refused unless
the user asks to merge or drop them. These functions only shape the tree.
"""

from __future__ import annotations

import copy
from collections.abc import Collection

from themekit.codebook.validate import PATH_SEPARATORS, did_you_mean
from themekit.errors import CodebookError, NextStep
from themekit.model.codebook import Code, Codebook, CodeEntry

_SHOW_HINT = "The codebook lists the ids."


def _entry(codebook: Codebook, code_id: str) -> CodeEntry:
    entries = codebook.by_id()
    if code_id not in entries:
        raise CodebookError(
            f"no code with id `{code_id}`{did_you_mean(code_id, entries)}",
            hint=_SHOW_HINT,
            next_step="codebook.show_ids",
        )
    return entries[code_id]


def _siblings(codebook: Codebook, parent_id: str | None) -> list[Code]:
    if parent_id is None:
        return codebook.codes
    return _entry(codebook, parent_id).code.children


def _where(codebook: Codebook, parent_id: str | None) -> str:
    if parent_id is None:
        return "at the top level"
    return f"under {_entry(codebook, parent_id).path_text}"


def _check_label(label: str) -> None:
    if not label.strip():
        raise CodebookError("a code needs a non-empty label", hint="Give the label in quotes.")
    if any(sep in label for sep in PATH_SEPARATORS):
        raise CodebookError(
            f"label `{label}` contains `>` or `\\`, which separate levels in a code path",
            hint="Use another character, e.g. `-` or `/`.",
        )


def _check_free_label(
    codebook: Codebook, parent_id: str | None, label: str, ignore: Code | None = None
) -> None:
    for sibling in _siblings(codebook, parent_id):
        if sibling is not ignore and sibling.label.casefold() == label.strip().casefold():
            raise CodebookError(
                f"there is already a code `{sibling.label}` [{sibling.id}]"
                f" {_where(codebook, parent_id)}",
                hint=f"Choose another label, or merge into `{sibling.id}`.",
                next_step=NextStep("codebook.merge_into_sibling", id=sibling.id),
            )


def rename_code(codebook: Codebook, code_id: str, label: str) -> Codebook:
    """A copy with code ``code_id`` relabelled; its id, place and codings stay."""
    result = copy.deepcopy(codebook)
    entry = _entry(result, code_id)
    _check_label(label)
    _check_free_label(result, entry.parent_id, label, ignore=entry.code)
    entry.code.label = label.strip()
    return result


def move_code(codebook: Codebook, code_id: str, new_parent_id: str | None) -> Codebook:
    """A copy with ``code_id`` (and its subtree) moved to the end of ``new_parent_id``'s
    children, or to the top level when ``new_parent_id`` is ``None``."""
    result = copy.deepcopy(codebook)
    entry = _entry(result, code_id)
    if new_parent_id is not None:
        parent = _entry(result, new_parent_id)
        if new_parent_id == code_id or code_id in _ancestor_ids(result, parent):
            raise CodebookError(
                f"cannot move {entry.path_text} under {parent.path_text}: it would become its"
                " own ancestor",
                hint="Move it under a code outside its own branch.",
            )
    if entry.parent_id == new_parent_id:
        return result
    _check_free_label(result, new_parent_id, entry.code.label)
    _detach(result, entry)
    _siblings(result, new_parent_id).append(entry.code)
    return result


def merge_codes(codebook: Codebook, src_id: str, dst_id: str) -> Codebook:
    """A copy without ``src_id``; its children move (in order) under ``dst_id``.

    The destination keeps its own label and guidance. The caller re-points the
    source's codings to the destination.
    """
    result = copy.deepcopy(codebook)
    src = _entry(result, src_id)
    dst = _entry(result, dst_id)
    if src_id == dst_id:
        raise CodebookError(
            f"cannot merge {src.path_text} into itself",
            hint=_SHOW_HINT,
            next_step="codebook.show_ids",
        )
    if src_id in _ancestor_ids(result, dst):
        raise CodebookError(
            f"cannot merge {src.path_text} into {dst.path_text}, which is inside it",
            hint=f"Move {dst.path_text} out of it first.",
            next_step=NextStep("codebook.move_out", path=dst.path_text, id=dst_id),
        )
    for child in src.code.children:
        try:
            _check_free_label(result, dst_id, child.label)
        except CodebookError as exc:
            raise CodebookError(
                f"cannot merge {src.path_text} into {dst.path_text}: both have a child"
                f" `{child.label}`",
                hint=f"Rename or merge {src.path_text} > {child.label} [{child.id}] first.",
            ) from exc
    _detach(result, src)
    dst.code.children.extend(src.code.children)
    return result


def add_code(
    codebook: Codebook,
    parent_id: str | None,
    code: Code,
    *,
    retired_ids: Collection[str] = (),
) -> Codebook:
    """A copy with ``code`` (and any children it has) appended under ``parent_id``.

    ``retired_ids`` are ids of codes removed in earlier versions: ids are never reused,
    because old codings and history still point at them.
    """
    result = copy.deepcopy(codebook)
    if parent_id is not None:
        _entry(result, parent_id)
    existing = result.by_id()
    new_tree = Codebook(codes=[copy.deepcopy(code)])
    seen: set[str] = set()
    for entry in new_tree.walk():
        new_id = entry.code.id
        _check_label(entry.code.label)
        if not new_id.strip() or any(ch.isspace() for ch in new_id):
            raise CodebookError(
                f"id `{new_id}` is empty or contains white space",
                hint="Use letters, digits, `.`, `_` or `-`, e.g. `benefits.options`.",
            )
        if new_id in existing or new_id in seen:
            other = existing.get(new_id)
            where = f" by {other.path_text}" if other else ""
            raise CodebookError(
                f"id `{new_id}` is already used{where}",
                hint="Choose another id; ids are unique and never reused.",
            )
        if new_id in retired_ids:
            raise CodebookError(
                f"id `{new_id}` belonged to a code that was removed; ids are never reused",
                hint="Choose another id (the codebook history lists the removed ones).",
                next_step="codebook.choose_unused_id",
            )
        seen.add(new_id)
    for entry in new_tree.walk():
        siblings = [c.label.casefold() for c in entry.code.children]
        if len(set(siblings)) != len(siblings):
            raise CodebookError(
                f"two children of `{entry.code.label}` have the same label",
                hint="Sibling labels must differ (case is ignored).",
            )
    _check_free_label(result, parent_id, code.label)
    _siblings(result, parent_id).append(new_tree.codes[0])
    return result


def remove_code(codebook: Codebook, code_id: str) -> Codebook:
    """A copy without ``code_id``; refused while it still has children."""
    result = copy.deepcopy(codebook)
    entry = _entry(result, code_id)
    if entry.code.children:
        raise CodebookError(
            f"cannot remove {entry.path_text}: it has {len(entry.code.children)} child"
            f" code{'s' if len(entry.code.children) != 1 else ''}",
            hint="Move or merge its children first, or merge it into another code.",
            next_step=NextStep("codebook.merge_or_move_children", id=code_id),
        )
    _detach(result, entry)
    return result


def _detach(codebook: Codebook, entry: CodeEntry) -> None:
    siblings = _siblings(codebook, entry.parent_id)
    siblings[:] = [code for code in siblings if code is not entry.code]


def _ancestor_ids(codebook: Codebook, entry: CodeEntry) -> list[str]:
    """Ids from ``entry``'s parent up to the root."""
    entries = codebook.by_id()
    ids = []
    parent = entry.parent_id
    while parent is not None:
        ids.append(parent)
        parent = entries[parent].parent_id
    return ids
