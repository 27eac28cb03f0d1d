"""From the project's codings to the unit-by-coder matrices the coefficients take.

Which transcripts enter: by default those every named coder has marked done (an
uncoded line in a finished transcript means "no code applies"); ``include_partial``
adds those that every coder has coded at least once; an explicit list is taken as
given. Every transcript is reported with the reason it entered or not.

Segment unit: each codable segment of an included transcript is a unit; for each code,
a coder's decision is 1 when they applied the code anywhere in the segment (a span
counts), else 0. Character unit: per code per transcript, the characters of the
transcript coded by both coders, by one only, by neither, as NVivo's coding comparison
counts them (two coders only). ``level`` collapses codes onto their theme (depth 1) or
category (depth 0) ancestor before comparing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from themekit.codebook.model import Codebook
from themekit.errors import AgreementError

if TYPE_CHECKING:
    from themekit.project import Project
    from themekit.store.rows import CodingRow, SegmentRow

LEVEL_DEPTH = {"category": 0, "theme": 1}


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
                hint="See 'themekit transcripts list'.",
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
            f"Unknown level '{level}'.", hint="Use --level code, theme or category."
        )
    depth = LEVEL_DEPTH[level]
    by_id = codebook.by_id()
    if not any(e.depth >= depth for e in by_id.values()):
        raise AgreementError(
            f"The codebook has no {level} level"
            f" (it is only {max(e.depth for e in by_id.values()) + 1} level deep).",
            hint="Use --level code.",
        )
    mapping = {}
    for entry in by_id.values():
        node = entry
        while node.depth > depth and node.parent_id is not None:
            node = by_id[node.parent_id]
        mapping[entry.code.id] = node.code.id
    return mapping


def build_units(
    project: Project,
    coders: Sequence[str],
    *,
    transcripts: Sequence[str] | None = None,
    include_partial: bool = False,
    unit: str = "segment",
    level: str = "code",
) -> UnitData:
    """Collect the unit-by-coder data for the coders and transcripts asked for."""
    store = project.store
    check_coders(project, coders)
    current = store.current_codebook()
    if current is None:
        raise AgreementError(
            "No codebook is loaded.", hint="Load one with 'themekit codebook load FILE'."
        )
    codebook = current[1]
    mapping = code_mapping(codebook, level)
    choices = choose_transcripts(
        project, coders, transcripts=transcripts, include_partial=include_partial
    )
    included = [c.transcript for c in choices if c.included]
    if not included:
        raise AgreementError(
            "No transcript is shared by all these coders: "
            + "; ".join(f"{c.transcript}: {c.reason}" for c in choices[:8]),
            hint="Mark finished transcripts with 'themekit transcripts done T --coder NAME',"
            " or add --include-partial, or name them with --transcripts.",
        )
    compared = []
    for entry in codebook.walk():
        # Only codes a coder could apply, collapsed to their level: a grouping node with
        # no codable descendant would add units on which nobody could ever agree or not.
        compared_as = mapping[entry.code.id]
        if entry.code.codable and compared_as not in compared:
            compared.append(compared_as)
    coder_index = {c: i for i, c in enumerate(coders)}
    codings_by_transcript: dict[str, list[CodingRow]] = {}
    for t in included:
        codings_by_transcript[t] = [
            c for c in store.codings(transcript_id=t) if c.coder in coder_index
        ]
    data = UnitData(list(coders), choices, [], compared)
    if unit == "segment":
        segments: list[SegmentRow] = []
        for t in included:
            segments.extend(store.segments(t, codable_only=True))
        position = {s.id: i for i, s in enumerate(segments)}
        data.unit_keys = [(s.transcript_id, s.line) for s in segments]
        data.unit_segments = segments
        matrices = {code: np.zeros((len(segments), len(coders))) for code in compared}
        for t in included:
            for c in codings_by_transcript[t]:
                target = mapping.get(c.code_id)
                row = position.get(c.segment_id)
                if target in matrices and row is not None:
                    matrices[target][row, coder_index[c.coder]] = 1.0
        data.segment_matrices = matrices
    elif unit == "character":
        if len(coders) != 2:
            raise AgreementError(
                "The character unit compares exactly two coders, as NVivo does.",
                hint="Name two coders, or use --unit segment for more.",
            )
        tables = {code: np.zeros((len(included), 4)) for code in compared}
        for ti, t in enumerate(included):
            length = len(store.transcript_text(t))
            segments_by_id = {s.id: s for s in store.segments(t)}
            masks = {(code, k): np.zeros(length, dtype=bool) for code in compared for k in range(2)}
            for c in codings_by_transcript[t]:
                code_target = mapping.get(c.code_id)
                if code_target is None or code_target not in tables:
                    continue
                if c.span_start is not None and c.span_end is not None:
                    start, end = c.span_start, c.span_end
                else:
                    seg = segments_by_id.get(c.segment_id)
                    if seg is None:
                        continue
                    start, end = seg.start, seg.end
                masks[(code_target, coder_index[c.coder])][start:end] = True
            for code in compared:
                a, b = masks[(code, 0)], masks[(code, 1)]
                both = int(np.count_nonzero(a & b))
                a_only = int(np.count_nonzero(a & ~b))
                b_only = int(np.count_nonzero(~a & b))
                tables[code][ti] = (both, a_only, b_only, length - both - a_only - b_only)
        data.character_tables = tables
    else:
        raise AgreementError(f"Unknown unit '{unit}'.", hint="Use --unit segment or character.")
    return data


def check_coders(project: Project, coders: Sequence[str]) -> None:
    if len(coders) < 2:
        raise AgreementError(
            "Agreement needs at least two coders.", hint="Name them with --coders A,B."
        )
    if len(set(coders)) != len(coders):
        raise AgreementError("A coder is named twice.", hint="Name each coder once in --coders.")
    known = set(project.store.coders())
    unknown = [c for c in coders if c not in known]
    if unknown:
        raise AgreementError(
            f"Unknown coder{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}"
            f" (known: {', '.join(sorted(known)) or 'none'}).",
            hint="Check the names in --coders; see 'themekit status'.",
        )


def domain_values(
    data: UnitData, codebook: Codebook, parent_id: str, project: Project
) -> tuple[list[str], np.ndarray]:
    """For --domain: each unit's child-of-parent code per coder (None = missing)."""
    by_id = codebook.by_id()
    if parent_id not in by_id:
        raise AgreementError(
            f"--domain {parent_id}: no such code.", hint="See 'themekit codebook show'."
        )
    children = [c.id for c in by_id[parent_id].code.children]
    if len(children) < 2:
        raise AgreementError(
            f"--domain {parent_id}: it has {len(children)} child codes;"
            " a domain needs two or more.",
            hint="Choose a parent whose children are mutually exclusive categories.",
        )
    index = {key: i for i, key in enumerate(data.unit_keys)}
    coder_index = {c: i for i, c in enumerate(data.coders)}
    values = np.full((len(data.unit_keys), len(data.coders)), None, dtype=object)
    clashes: list[str] = []
    for t in data.included:
        for c in project.store.codings(transcript_id=t):
            if c.code_id not in children or c.coder not in coder_index:
                continue
            row = index.get((c.transcript_id, c.line))
            if row is None:
                continue
            col = coder_index[c.coder]
            if values[row, col] is not None and values[row, col] != c.code_id:
                clashes.append(f"{c.transcript_id} line {c.line} ({c.coder})")
            values[row, col] = c.code_id
    if clashes:
        raise AgreementError(
            f"--domain {parent_id}: a coder applied two of its categories to one unit: "
            + ", ".join(clashes[:20])
            + (" ..." if len(clashes) > 20 else ""),
            hint="Categories of a domain must be mutually exclusive; fix those codings first.",
        )
    return children, values
