"""From the project's codings to the unit-by-coder matrices the coefficients take.

Which transcripts enter: by default those every named coder has marked done (an
uncoded line in a finished transcript means "no code applies"); ``include_partial``
adds those that every coder has coded at least once; an explicit list is taken as
given. Every transcript is reported with the reason it entered or not.

Segment unit: each codable segment of an included transcript is a unit; for each code,
a coder's decision is 1 when they applied the code anywhere in the segment (a span
counts), else 0; a span that crosses segment boundaries (imported codings) counts on
every segment it overlaps. Character unit: per code per transcript, the characters of
the transcript coded by both coders, by one only, by neither, as NVivo's coding
comparison counts them (two coders only). ``level`` collapses codes onto their theme
(depth 1) or category (depth 0) ancestor before comparing; ``under`` keeps only the
codings of one branch.

Codings arrive from the store as integer arrays (``store.coding_arrays``) and become a
(codes x units x coders) uint8 cube in a few vectorised steps: 2.5 million codings
never become 2.5 million Python objects. Domain mode (``domain_values``) reads the same
arrays and folds codes below a category into it, or reports them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from themekit.errors import AgreementError
from themekit.model.codebook import Codebook
from themekit.model.rows import CodingArrays, SegmentArrays

if TYPE_CHECKING:
    from themekit.model.rows import SegmentRow
    from themekit.project import Project

LEVEL_DEPTH = {"category": 0, "theme": 1}


def _no_codings() -> CodingArrays:
    empty = np.zeros(0, dtype=np.int64)
    return CodingArrays((), (), empty, empty, empty, empty, empty)


@dataclass
class TranscriptChoice:
    transcript: str
    included: bool
    reason: str


@dataclass
class UnitData:
    coders: list[str]
    transcripts: list[TranscriptChoice]
    unit_keys: list[tuple[str, int]]  # (transcript, line) per unit, segment unit only
    codes: list[str]  # code ids compared, in codebook order
    segment_matrices: dict[str, np.ndarray] = field(default_factory=dict)
    character_tables: dict[str, np.ndarray] = field(default_factory=dict)
    unit_segments: list[SegmentRow] = field(default_factory=list)
    segments: SegmentArrays | None = None
    codings: CodingArrays = field(default_factory=lambda: _no_codings())
    under: str | None = None
    # per coding: index into ``segments`` arrays and compared code (-1: none)
    coding_position: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    coding_target: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    coding_rows: tuple[np.ndarray, np.ndarray] | None = None  # (coding index, unit row)
    crossing_spans: int = 0

    @property
    def included(self) -> list[str]:
        return [t.transcript for t in self.transcripts if t.included]


def choose_transcripts(
    project: Project,
    coders: Sequence[str],
    *,
    transcripts: Sequence[str] | None = None,
    include_partial: bool = False,
) -> list[TranscriptChoice]:
    store = project.store
    known = set(store.transcript_ids())
    if transcripts:
        unknown = [t for t in transcripts if t not in known]
        if unknown:
            raise AgreementError(
                f"Unknown transcript{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.",
                hint="Check the ids against the project's transcripts.",
                next_step="transcripts.list",
            )
        return [TranscriptChoice(t, True, "named with --transcripts") for t in transcripts]
    done = {c: store.done_transcripts(c) for c in coders}
    coded = {c: store.coded_transcripts(c) for c in coders}
    choices = []
    for t in sorted(known):
        if all(t in done[c] for c in coders):
            silent = [c for c in coders if t not in coded[c]]
            reason = "done by every coder"
            if silent:
                # A "done" mark with no codings is usually a slip; say so, loudly.
                reason += (
                    f" (warning: {', '.join(silent)} marked it done but coded nothing in it;"
                    " check with 'themekit codings list -t " + t + "')"
                )
            choices.append(TranscriptChoice(t, True, reason))
        elif all(t in coded[c] for c in coders):
            reason = "coded by every coder, not marked done by " + ", ".join(
                c for c in coders if t not in done[c]
            )
            choices.append(
                TranscriptChoice(
                    t,
                    include_partial,
                    reason + ("" if include_partial else " (add --include-partial)"),
                )
            )
        else:
            missing = [c for c in coders if t not in coded[c]]
            choices.append(TranscriptChoice(t, False, "not coded by " + ", ".join(missing)))
    return choices


def code_mapping(codebook: Codebook, level: str) -> dict[str, str]:
    """Each code id -> the id it is compared as at ``level`` (code, theme or category)."""
    if level == "code":
        return {e.code.id: e.code.id for e in codebook.walk()}
    if level not in LEVEL_DEPTH:
        raise AgreementError(
            f"Unknown level '{level}'.",
            hint="Use the level code, theme or category.",
            next_step="agree.levels",
        )
    depth = LEVEL_DEPTH[level]
    by_id = codebook.by_id()
    if not any(e.depth >= depth for e in by_id.values()):
        raise AgreementError(
            f"The codebook has no {level} level"
            f" (it is only {max(e.depth for e in by_id.values()) + 1} level deep).",
            hint="Compare at the code level.",
            next_step="agree.level_code",
        )
    mapping = {}
    for entry in by_id.values():
        node = entry
        while node.depth > depth and node.parent_id is not None:
            node = by_id[node.parent_id]
        mapping[entry.code.id] = node.code.id
    return mapping


def compared_codes(
    codebook: Codebook, mapping: dict[str, str], under: str | None = None
) -> tuple[list[str], set[str]]:
    """The codes compared (collapsed to their level, codebook order) and the codes whose
    codings count: every code, or with ``under`` only that code and its descendants."""
    by_id = codebook.by_id()
    allowed = set(by_id)
    if under is not None:
        root = codebook.find(under)
        if root is None:
            raise AgreementError(
                f"No code '{under}' in the current codebook.",
                hint="Check the id against the current codebook's codes.",
                next_step="codebook.show_code_ids",
            )
        allowed = {e.code.id for e in by_id.values() if _is_within(by_id, e.code.id, root.code.id)}
    compared: list[str] = []
    for entry in codebook.walk():
        # Only codes a coder could apply, collapsed to their level: a grouping node with
        # no codable descendant would add units on which nobody could ever agree or not.
        compared_as = mapping[entry.code.id]
        if entry.code.codable and entry.code.id in allowed and compared_as not in compared:
            compared.append(compared_as)
    if not compared:
        where = f"under '{under}'" if under is not None else "in the codebook"
        raise AgreementError(
            f"No code that can be applied {where}: nothing to compare.",
            hint="Choose a branch with codable codes.",
            next_step="agree.codable_branch",
        )
    return compared, allowed


def _is_within(by_id: dict, code_id: str, root_id: str) -> bool:
    node: str | None = code_id
    while node is not None:
        if node == root_id:
            return True
        node = by_id[node].parent_id
    return False


def build_units(
    project: Project,
    coders: Sequence[str],
    *,
    transcripts: Sequence[str] | None = None,
    include_partial: bool = False,
    unit: str = "segment",
    level: str = "code",
    under: str | None = None,
    with_segments: bool = True,
) -> UnitData:
    """Collect the unit-by-coder data for the coders and transcripts asked for.

    Codings come from the store as integer arrays (``coding_arrays``), so 100,000s of
    codings never become Python objects. ``with_segments`` also loads each unit's
    ``SegmentRow`` (with its text), which listing disagreements and reconciling need
    and the statistics do not.
    """
    store = project.store
    check_coders(project, coders)
    current = store.current_codebook()
    if current is None:
        raise AgreementError(
            "No codebook is loaded.", hint="Load a codebook first.", next_step="codebook.load"
        )
    codebook = current[1]
    mapping = code_mapping(codebook, level)
    _check_unit(unit, coders)
    compared, allowed = compared_codes(codebook, mapping, under)
    choices = choose_transcripts(
        project, coders, transcripts=transcripts, include_partial=include_partial
    )
    included = [c.transcript for c in choices if c.included]
    if not included:
        raise AgreementError(
            "No transcript is shared by all these coders: "
            + "; ".join(f"{c.transcript}: {c.reason}" for c in choices[:8]),
            hint="Mark finished transcripts as done by each coder, or include partly"
            " coded transcripts, or name the transcripts.",
            next_step="agree.shared_transcripts",
        )
    segments = store.segment_arrays(included)
    codings = store.coding_arrays(included, coders)
    data = UnitData(list(coders), choices, [], compared, segments=segments, codings=codings)
    data.under = under

    target_of_code = _compared_index_of_codes(codings.code_ids, compared, mapping, allowed)
    position = _positions(segments.id, codings.segment_id)
    data.coding_position = position
    target = target_of_code[codings.code]
    target[position < 0] = -1  # a coding on a segment of an older version
    data.coding_target = target

    if unit == "segment":
        _segment_units(data, with_segments, project)
    else:
        _character_units(data, project)
    return data


def _check_unit(unit: str, coders: Sequence[str]) -> None:
    if unit not in ("segment", "character"):
        raise AgreementError(
            f"Unknown unit '{unit}'.",
            hint="Use the unit segment or character.",
            next_step="agree.units",
        )
    if unit == "character" and len(coders) != 2:
        raise AgreementError(
            "The character unit compares exactly two coders, as NVivo does.",
            hint="Name two coders, or use the segment unit for more.",
            next_step="agree.two_coders",
        )


def _compared_index_of_codes(
    code_ids: Sequence[str], compared: list[str], mapping: dict[str, str], allowed: set[str]
) -> np.ndarray:
    """For each code index in the store's codings (and, last, for index -1), the index
    of the compared code it counts as, or -1 where its codings do not count."""
    compared_index = {code: i for i, code in enumerate(compared)}
    return np.array(
        [compared_index.get(mapping.get(cid, ""), -1) if cid in allowed else -1 for cid in code_ids]
        + [-1],  # code index -1 (a code missing from the codes table) maps here
        dtype=np.int64,
    )


def _positions(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """For each of ``wanted``, its index in ``ids`` (-1 when absent)."""
    if ids.size == 0:
        return np.full(wanted.shape, -1, dtype=np.int64)
    lookup = np.full(int(max(ids.max(), wanted.max(initial=0))) + 1, -1, dtype=np.int64)
    lookup[ids] = np.arange(ids.size)
    return lookup[wanted]


def coding_extent(data: UnitData, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (character offsets) of the codings ``index`` (known segments only):
    their span, or their segment's extent for a coding of a whole segment."""
    segments = data.segments
    assert segments is not None
    position = data.coding_position[index]
    span_start = data.codings.span_start[index]
    spanned = span_start >= 0
    start = np.where(spanned, span_start, segments.start[position])
    end = np.where(spanned, data.codings.span_end[index], segments.end[position])
    return start, end


def coding_unit_rows(data: UnitData) -> tuple[np.ndarray, np.ndarray]:
    """(coding index, unit row) pairs: each coding on every codable segment it covers.

    A coding of a whole segment covers that segment. A coding with a character span
    covers every codable segment of its transcript that the span overlaps, so a span
    that crosses a segment boundary counts on each segment it touches (the number of
    such codings is in ``data.crossing_spans``).
    """
    segments = data.segments
    assert segments is not None
    unit_of_position = np.full(segments.id.size, -1, dtype=np.int64)
    codable = np.flatnonzero(segments.codable)
    unit_of_position[codable] = np.arange(codable.size)
    position = data.coding_position
    # Only codings with a span can cross a boundary: check those (usually few) alone.
    spanned = np.flatnonzero((data.codings.span_start >= 0) & (position >= 0))
    span_start, span_end = coding_extent(data, spanned)
    here = position[spanned]
    crosses = (span_start < segments.start[here]) | (span_end > segments.end[here])
    crossing = spanned[crosses]
    keep = position >= 0
    keep[crossing] = False
    simple = np.flatnonzero(keep)
    coding_index = [simple]
    rows = [unit_of_position[position[simple]]]
    data.crossing_spans = int(crossing.size)
    for index, begin, end in zip(crossing, span_start[crosses], span_end[crosses], strict=True):
        transcript = segments.transcript[position[index]]
        # positions of this transcript's segments are contiguous (ordered by line)
        lo = np.searchsorted(segments.transcript, transcript, side="left")
        hi = np.searchsorted(segments.transcript, transcript, side="right")
        overlap = np.flatnonzero((segments.start[lo:hi] < end) & (segments.end[lo:hi] > begin))
        covered = unit_of_position[lo + overlap]
        covered = covered[covered >= 0]
        coding_index.append(np.full(covered.size, index, dtype=np.int64))
        rows.append(covered)
    all_index = np.concatenate(coding_index)
    all_rows = np.concatenate(rows)
    keep = all_rows >= 0
    return all_index[keep], all_rows[keep]


def _segment_units(data: UnitData, with_segments: bool, project: Project) -> None:
    segments = data.segments
    assert segments is not None
    codable = segments.codable
    transcript_ids = segments.transcript_ids
    data.unit_keys = [
        (transcript_ids[t], int(line))
        for t, line in zip(segments.transcript[codable], segments.line[codable], strict=True)
    ]
    index, rows = coding_unit_rows(data)
    data.coding_rows = (index, rows)
    targets = data.coding_target[index]
    coders = data.codings.coder[index]
    valid = targets >= 0
    cube = np.zeros((len(data.codes), len(data.unit_keys), len(data.coders)), dtype=np.uint8)
    cube[targets[valid], rows[valid], coders[valid]] = 1
    data.segment_matrices = {code: cube[i] for i, code in enumerate(data.codes)}
    if with_segments:
        for t in data.included:
            data.unit_segments.extend(project.store.segments(t, codable_only=True))


def _character_units(data: UnitData, project: Project) -> None:
    segments = data.segments
    assert segments is not None
    tables = {code: np.zeros((len(data.included), 4)) for code in data.codes}
    position = data.coding_position
    usable = np.flatnonzero((position >= 0) & (data.coding_target >= 0))
    transcript_of = segments.transcript[position[usable]]
    start_of = np.zeros(position.size, dtype=np.int64)
    end_of = np.zeros(position.size, dtype=np.int64)
    start_of[usable], end_of[usable] = coding_extent(data, usable)
    for ti, t in enumerate(data.included):
        length = len(project.store.transcript_text(t))
        here = usable[transcript_of == ti]
        for code_index in np.unique(data.coding_target[here]):
            of_code = here[data.coding_target[here] == code_index]
            masks = []
            for coder in range(2):
                mine = of_code[data.codings.coder[of_code] == coder]
                # +1 where a span starts, -1 where it ends: covered where the sum > 0.
                change = np.zeros(length + 1, dtype=np.int64)
                np.add.at(change, np.clip(start_of[mine], 0, length), 1)
                np.add.at(change, np.clip(end_of[mine], 0, length), -1)
                masks.append(np.cumsum(change[:length]) > 0)
            a, b = masks
            both = int(np.count_nonzero(a & b))
            a_only = int(np.count_nonzero(a & ~b))
            b_only = int(np.count_nonzero(~a & b))
            tables[data.codes[code_index]][ti] = (
                both,
                a_only,
                b_only,
                length - both - a_only - b_only,
            )
        for code in data.codes:
            if not tables[code][ti].any():
                tables[code][ti] = (0, 0, 0, length)
    data.character_tables = tables


def check_coders(project: Project, coders: Sequence[str]) -> None:
    if len(coders) < 2:
        raise AgreementError(
            "Agreement needs at least two coders.",
            hint="Name two or more coders.",
            next_step="agree.name_coders",
        )
    if len(set(coders)) != len(coders):
        raise AgreementError(
            "A coder is named twice.", hint="Name each coder once.", next_step="agree.coders_once"
        )
    known = set(project.store.coders())
    unknown = [c for c in coders if c not in known]
    if unknown:
        raise AgreementError(
            f"Unknown coder{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}"
            f" (known: {', '.join(sorted(known)) or 'none'}).",
            hint="Check the coders' names against the known ones.",
            next_step="agree.check_coders",
        )


FOLD_RULES = ("to-child", "report")


@dataclass
class DomainValues:
    """Domain mode: each unit's category per coder, and what was done on the way."""

    categories: list[str]
    codes: np.ndarray  # (n_units, n_coders) category index, -1 = no category
    notes: list[str] = field(default_factory=list)


def domain_values(
    data: UnitData, codebook: Codebook, parent_id: str, *, fold: str = "to-child"
) -> DomainValues:
    """For a domain: each unit's child-of-parent category per coder (-1 = none).

    A coding on a descendant of a category (a grandchild of the parent) is, with
    ``fold="to-child"``, counted as that category; with ``fold="report"`` it is not
    counted and each such coding is listed in the notes. Codings on the parent itself
    name no category; they are counted in a note. Either way nothing is dropped silently.
    """
    if fold not in FOLD_RULES:
        raise AgreementError(f"Unknown folding rule '{fold}'.", hint="Use to-child or report.")
    children, category_of, below = _domain_categories(codebook, parent_id)
    assert data.coding_rows is not None
    index, rows = data.coding_rows
    code_ids = data.codings.code_ids
    kind = np.array(
        [
            0 if cid in category_of else 1 if cid in below else 2 if cid == parent_id else 3
            for cid in code_ids
        ]
        + [3],
        dtype=np.int64,
    )
    category = np.array(
        [category_of.get(cid, below.get(cid, -1)) for cid in code_ids] + [-1], dtype=np.int64
    )
    coding_code = data.codings.code[index]
    coding_kind = kind[coding_code]
    counted, notes = _apply_folding(fold, coding_kind, coding_code, code_ids)
    on_parent = int(np.count_nonzero(coding_kind == 2))
    if on_parent:
        notes.append(
            f"{on_parent} coding{'s' if on_parent != 1 else ''} on {parent_id} itself name no"
            " category; not counted"
        )
    n_units, n_coders = len(data.unit_keys), len(data.coders)
    values = np.full((n_units, n_coders), -1, dtype=np.int64)
    unit_rows = rows[counted]
    unit_coders = data.codings.coder[index][counted]
    unit_categories = category[coding_code[counted]]
    # Two different categories from one coder on one unit: the domain is not exclusive.
    cell = unit_rows * n_coders + unit_coders
    order = np.lexsort((unit_categories, cell))
    cell, unit_categories = cell[order], unit_categories[order]
    same_cell = cell[1:] == cell[:-1]
    clash_cells = np.unique(cell[1:][same_cell & (unit_categories[1:] != unit_categories[:-1])])
    if clash_cells.size:
        clashes = [
            f"{data.unit_keys[c // n_coders][0]} line {data.unit_keys[c // n_coders][1]}"
            f" ({data.coders[c % n_coders]})"
            for c in clash_cells
        ]
        raise AgreementError(
            f"domain {parent_id}: a coder applied two of its categories to one unit: "
            + ", ".join(clashes[:20])
            + (" ..." if len(clashes) > 20 else ""),
            hint="Categories of a domain must be mutually exclusive; fix those codings first.",
            arguments=("domain",),
        )
    values.reshape(-1)[cell] = unit_categories
    return DomainValues(children, values, notes)


def _domain_categories(
    codebook: Codebook, parent_id: str
) -> tuple[list[str], dict[str, int], dict[str, int]]:
    """A domain's categories (the parent's children), each category's index, and the
    index of the category each code below a category falls under."""
    by_id = codebook.by_id()
    if parent_id not in by_id:
        raise AgreementError(
            f"domain {parent_id}: no such code.",
            hint="Check the id against the current codebook's codes.",
            next_step="codebook.show",
            arguments=("domain",),
        )
    children = [c.id for c in by_id[parent_id].code.children]
    if len(children) < 2:
        raise AgreementError(
            f"domain {parent_id}: it has {len(children)} child codes; a domain needs two or more.",
            hint="Choose a parent whose children are mutually exclusive categories.",
            arguments=("domain",),
        )
    category_of: dict[str, int] = {child: i for i, child in enumerate(children)}
    below: dict[str, int] = {}
    for entry in by_id.values():
        if entry.code.id in category_of or entry.code.id == parent_id:
            continue
        for i, child in enumerate(children):
            if _is_within(by_id, entry.code.id, child):
                below[entry.code.id] = i
    return children, category_of, below


def _apply_folding(
    fold: str, coding_kind: np.ndarray, coding_code: np.ndarray, code_ids: Sequence[str]
) -> tuple[np.ndarray, list[str]]:
    """Which codings count (kind 0: on a category; kind 1: below one, counted only with
    ``fold="to-child"``), and the note saying what was folded or left out."""
    counted = coding_kind == 0
    notes: list[str] = []
    if fold == "to-child":
        counted |= coding_kind == 1
        folded = int(np.count_nonzero(coding_kind == 1))
        if folded:
            notes.append(
                f"{folded} coding{'s' if folded != 1 else ''} on codes below a category"
                " counted as that category (folding rule: to-child)"
            )
    else:
        left = np.flatnonzero(coding_kind == 1)
        if left.size:
            by_code: dict[str, int] = {}
            for position in left:
                name = code_ids[coding_code[position]]
                by_code[name] = by_code.get(name, 0) + 1
            listed = ", ".join(f"{name} ({n})" for name, n in sorted(by_code.items()))
            notes.append(
                f"{left.size} coding{'s' if left.size != 1 else ''} on codes below a category"
                f" not counted (folding rule: report): {listed}; those units are missing for"
                " that coder unless they also applied a category"
            )
    return counted, notes
