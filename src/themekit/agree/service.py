"""Agreement for a project: choose units, compute, bootstrap, report; list disagreements.

This is the glue between the store (``units.build_units``) and the pure statistics
(``coefficients``, ``bootstrap``, ``report``). A notebook user calls
``compute_agreement(project, ["ana", "ben"])`` and gets the same ``AgreementReport`` the
``themekit agree`` command renders.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from themekit.agree.bootstrap import bootstrap_intervals
from themekit.agree.coefficients import (
    UnitStatistics,
    agreement,
    binary_units,
    character_units,
    confusion_matrix,
    nominal_units,
    per_code_and_pooled,
)
from themekit.agree.report import (
    AgreementReport,
    CodeInfo,
    DomainAgreement,
    TranscriptNote,
    domain_agreement,
)
from themekit.agree.units import UnitData, build_units, domain_values
from themekit.errors import AgreementError

if TYPE_CHECKING:
    from themekit.project import Project


def compute_agreement(
    project: Project,
    coders: Sequence[str],
    *,
    transcripts: Sequence[str] | None = None,
    include_partial: bool = False,
    unit: str = "segment",
    level: str = "code",
    domain: str | None = None,
    ci: float = 0.95,
    bootstrap: int = 1000,
    seed: int = 0,
) -> AgreementReport:
    """Agreement between ``coders`` per code and pooled, with bootstrap intervals."""
    if not 0 < ci < 1:
        raise AgreementError(f"--ci {ci}: must lie between 0 and 1.", hint="For example --ci 0.95.")
    if bootstrap < 0:
        raise AgreementError(
            "--bootstrap must be 0 (no intervals) or more.", hint="For example --bootstrap 1000."
        )
    data = build_units(
        project,
        coders,
        transcripts=transcripts,
        include_partial=include_partial,
        unit=unit,
        level=level,
    )
    _version, codebook = project.store.current_codebook()  # type: ignore[misc]
    entries = codebook.by_id()
    if unit == "segment":
        if not data.unit_keys:
            raise AgreementError(
                "The chosen transcripts have no codable segments.",
                hint="Check 'themekit transcripts list'.",
            )
        stats: dict[Hashable, UnitStatistics] = {
            code: binary_units(matrix) for code, matrix in data.segment_matrices.items()
        }
    else:
        stats = {code: character_units(table) for code, table in data.character_tables.items()}
    if not stats:
        raise AgreementError(
            "The codebook has no codable codes to compare.",
            hint="Load a codebook whose codes can be applied ('themekit codebook show').",
        )
    result = per_code_and_pooled(stats)
    intervals = None
    n_resample_units = len(data.unit_keys) if unit == "segment" else len(data.included)
    warnings: list[str] = []
    if bootstrap and n_resample_units < 10:
        what = "transcripts" if unit == "character" else "units"
        warnings.append(
            f"the bootstrap resamples only {n_resample_units} {what}; its intervals are"
            " unreliable with so few"
        )
    if bootstrap and n_resample_units > 1:
        intervals = bootstrap_intervals(stats, resamples=bootstrap, level=ci, seed=seed)
    codes: dict[Hashable, CodeInfo] = {
        code: CodeInfo(code, entries[code].path_text, entries[code].code.label)
        for code in data.codes
    }
    domains: tuple[DomainAgreement, ...] = ()
    if domain is not None:
        if unit != "segment":
            raise AgreementError("--domain works with --unit segment.", hint="Drop --unit.")
        domains = (_domain(project, data, codebook, domain, ci, bootstrap, seed),)
    segment_level = ""
    if unit == "segment":
        units_used = {t.unit for t in project.store.transcripts() if t.id in data.included}
        segment_level = ", ".join(sorted(units_used))
    report = AgreementReport(
        coders=tuple(coders),
        unit=unit,
        level=level,
        segmentation=segment_level,
        codes=codes,
        result=result,
        transcripts=tuple(
            TranscriptNote(t.transcript, t.included, t.reason) for t in data.transcripts
        ),
        intervals=intervals,
        domains=domains,
        extra={"units": n_resample_units, "seed": seed, "warnings": warnings},
    )
    return report


def _domain(project, data: UnitData, codebook, parent: str, ci, bootstrap, seed):
    categories, values = domain_values(data, codebook, parent, project)
    entries = codebook.by_id()
    numeric = [entries[c].code.value for c in categories]
    numbers = [float(v) for v in numeric] if all(v is not None for v in numeric) else None
    stats = nominal_units(values, categories)
    coefficients = agreement(stats, numbers)
    confusion = None
    if len(data.coders) == 2:
        confusion = confusion_matrix(values[:, 0], values[:, 1], categories)
    intervals = None
    if bootstrap and len(data.unit_keys) > 1:
        boot = bootstrap_intervals(
            {parent: stats}, resamples=bootstrap, level=ci, seed=seed, values=numbers
        )
        intervals = boot.per_code[parent]
    info = CodeInfo(parent, entries[parent].path_text, entries[parent].code.label)
    rated = int(np.sum(np.sum(values != None, axis=1) >= 2))  # noqa: E711  (object array)
    return domain_agreement(info, categories, rated, coefficients, confusion, intervals)


@dataclass
class Disagreement:
    transcript: str
    line: int
    speaker: str | None
    text: str
    code_id: str
    code_path: str
    codes_by_coder: dict[str, list[str]]  # every code each coder applied to the unit
    applied_by: list[str]  # coders who applied code_id


def find_disagreements(
    project: Project,
    coders: Sequence[str],
    *,
    transcripts: Sequence[str] | None = None,
    include_partial: bool = False,
    level: str = "code",
) -> list[Disagreement]:
    """Each (unit, code) where the coders differ, grouped by code in codebook order."""
    data = build_units(
        project, coders, transcripts=transcripts, include_partial=include_partial, level=level
    )
    _version, codebook = project.store.current_codebook()  # type: ignore[misc]
    entries = codebook.by_id()
    per_unit: list[dict[str, list[str]]] = [{c: [] for c in coders} for _ in data.unit_keys]
    for code, matrix in data.segment_matrices.items():
        rows, cols = np.nonzero(matrix)
        for r, c in zip(rows, cols, strict=True):
            per_unit[r][coders[int(c)]].append(code)
    found = []
    for code in data.codes:
        matrix = data.segment_matrices[code]
        differing = np.flatnonzero((matrix.min(axis=1) == 0) & (matrix.max(axis=1) == 1))
        for row in differing:
            seg = data.unit_segments[row]
            found.append(
                Disagreement(
                    seg.transcript_id,
                    seg.line,
                    seg.speaker,
                    seg.text,
                    code,
                    entries[code].path_text,
                    per_unit[row],
                    [coders[int(i)] for i in np.flatnonzero(matrix[row])],
                )
            )
    return found
