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

from themekit.agree.bootstrap import BootstrapResult, bootstrap_intervals
from themekit.agree.coefficients import (
    TWO_CODER_COEFFICIENTS,
    WEIGHT_SCHEMES,
    AgreementResult,
    CodeAgreement,
    Coefficient,
    DecisionCounts,
    UnitStatistics,
    agreement,
    binary_units,
    character_units,
    per_code_and_pooled,
    unit_statistics,
)
from themekit.agree.report import (
    AgreementReport,
    CodeInfo,
    DomainAgreement,
    SourceRow,
    TranscriptNote,
    domain_agreement,
)
from themekit.agree.units import UnitData, build_units, domain_values
from themekit.errors import AgreementError

if TYPE_CHECKING:
    from themekit.model.codebook import Codebook
    from themekit.project import Project


POOL_CHOICES = ("used-codes", "all-codes")
NEITHER_CODED_CHOICES = ("na", "one")
NVIVO_ONE = "1 by NVivo's convention: neither coder coded it"


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
    under: str | None = None,
    pool: str = "used-codes",
    fold: str = "to-child",
    weights: str = "quadratic",
    by_source: bool = False,
    neither_coded: str = "na",
) -> AgreementReport:
    """Agreement between ``coders`` per code and pooled, with bootstrap intervals.

    ``under`` restricts the run to one branch of the codebook (a code and its
    descendants). ``pool`` chooses the codes behind the pooled figures and the mean:
    ``used-codes`` (default) those at least one coder applied, ``all-codes`` every
    compared code. ``fold`` says how a domain treats codings below its categories
    (``to-child`` or ``report``, see ``units.domain_values``); ``weights`` weights the
    domain's weighted coefficients (``linear`` or ``quadratic``). ``by_source`` adds
    NVivo-style rows per code and transcript (character unit). ``neither_coded="one"``
    follows NVivo: kappa = 1 where neither coder coded a code (in a source).
    """
    _check_choices(
        unit=unit,
        domain=domain,
        ci=ci,
        bootstrap=bootstrap,
        pool=pool,
        weights=weights,
        by_source=by_source,
        neither_coded=neither_coded,
    )
    data = build_units(
        project,
        coders,
        transcripts=transcripts,
        include_partial=include_partial,
        unit=unit,
        level=level,
        under=under,
        with_segments=False,
    )
    _version, codebook = project.store.current_codebook()  # type: ignore[misc]
    entries = codebook.by_id()
    warnings: list[str] = []
    notes: list[str] = []
    stats, used = _unit_statistics(data, unit)
    if data.crossing_spans:
        notes.append(
            f"{data.crossing_spans} coding{'s' if data.crossing_spans != 1 else ''} with a"
            " character span cross segment boundaries; each counts on every segment it covers"
        )
    pooled_codes = used if pool == "used-codes" else list(stats)
    if pool == "used-codes" and len(used) < len(stats):
        unused = len(stats) - len(used)
        notes.append(
            f"pooled figures and the mean cover the {len(used)} codes at least one coder"
            f" used; {unused} code{'s' if unused != 1 else ''} nobody used left out"
            " (pooling: used-codes)"
        )
    result = per_code_and_pooled(stats, pooled_codes)
    n_resample_units = len(data.unit_keys) if unit == "segment" else len(data.included)
    intervals = _intervals(
        stats, pooled_codes, n_resample_units, unit, ci, bootstrap, seed, warnings
    )
    if unit == "character" and neither_coded == "one":
        result = _nvivo_empty_kappa(result, data)
    codes: dict[Hashable, CodeInfo] = {
        code: CodeInfo(code, entries[code].path_text, entries[code].code.label)
        for code in data.codes
    }
    domains: tuple[DomainAgreement, ...] = ()
    if domain is not None:
        domains = (_domain(data, codebook, domain, ci, bootstrap, seed, fold, weights),)
    sources: tuple[SourceRow, ...] = ()
    if by_source:
        sources = _by_source(data, codes, neither_coded)
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
        sources=sources,
        pool=pool,
        pooled_codes=tuple(pooled_codes),
        under=under,
        notes=tuple(notes),
        extra={"units": n_resample_units, "seed": seed, "warnings": warnings},
    )
    return report


def _check_choices(
    *,
    unit: str,
    domain: str | None,
    ci: float,
    bootstrap: int,
    pool: str,
    weights: str,
    by_source: bool,
    neither_coded: str,
) -> None:
    """Refuse an option value or combination ``compute_agreement`` cannot honour."""
    if not 0 < ci < 1:
        raise AgreementError(
            f"ci {ci}: must lie between 0 and 1.",
            hint="For example 0.95.",
            next_step="agree.ci",
            arguments=("ci",),
        )
    if bootstrap < 0:
        raise AgreementError(
            "bootstrap must be 0 (no intervals) or more.",
            hint="For example 1000.",
            next_step="agree.bootstrap",
            arguments=("bootstrap",),
        )
    if pool not in POOL_CHOICES:
        raise AgreementError(
            f"Unknown pooling choice '{pool}'.", hint="Use used-codes or all-codes."
        )
    if neither_coded not in NEITHER_CODED_CHOICES:
        raise AgreementError(
            f"Unknown convention '{neither_coded}' for codes neither coder coded.",
            hint="Use na or one.",
        )
    if weights not in WEIGHT_SCHEMES:
        raise AgreementError(f"Unknown weights '{weights}'.", hint="Use linear or quadratic.")
    if by_source and unit != "character":
        raise AgreementError(
            "Rows per source count characters, as NVivo's coding comparison does;"
            " the segment unit has no per-source rows.",
            hint="Compare with the character unit.",
        )
    if domain is not None and unit != "segment":
        raise AgreementError(
            "domain works with unit segment.",
            hint="Leave the unit at segment.",
            next_step="agree.drop_unit",
            arguments=("domain", "unit"),
        )


def _unit_statistics(
    data: UnitData, unit: str
) -> tuple[dict[Hashable, UnitStatistics], list[Hashable]]:
    """Each compared code's unit statistics, and the codes at least one coder used."""
    if unit == "segment":
        if not data.unit_keys:
            raise AgreementError(
                "The chosen transcripts have no codable segments.",
                hint="Check the project's transcripts.",
                next_step="transcripts.check_list",
            )
        stats: dict[Hashable, UnitStatistics] = {
            code: binary_units(matrix) for code, matrix in data.segment_matrices.items()
        }
        used: list[Hashable] = [
            code for code, matrix in data.segment_matrices.items() if matrix.any()
        ]
    else:
        stats = {code: character_units(table) for code, table in data.character_tables.items()}
        used = [code for code, table in data.character_tables.items() if table[:, :3].sum() > 0]
    return stats, used


def _intervals(
    stats: dict[Hashable, UnitStatistics],
    pooled_codes: list[Hashable],
    n_resample_units: int,
    unit: str,
    ci: float,
    bootstrap: int,
    seed: int,
    warnings: list[str],
) -> BootstrapResult | None:
    """Bootstrap intervals (None when there is nothing to resample); a warning when the
    units resampled are too few for the intervals to mean much."""
    if bootstrap and n_resample_units < 10:
        what = "transcripts" if unit == "character" else "units"
        warnings.append(
            f"the bootstrap resamples only {n_resample_units} {what}; its intervals are"
            " unreliable with so few"
        )
    if bootstrap and n_resample_units > 1:
        return bootstrap_intervals(
            stats, resamples=bootstrap, level=ci, seed=seed, pooled_codes=pooled_codes
        )
    return None


def _nvivo_empty_kappa(result: AgreementResult, data: UnitData) -> AgreementResult:
    """Kappa = 1 for codes neither coder coded anywhere (NVivo's convention)."""
    per_code = dict(result.per_code)
    for code, table in data.character_tables.items():
        if table[:, :3].sum() == 0 and code in per_code:
            row = per_code[code]
            coefficients = dict(row.coefficients)
            coefficients["cohen_kappa"] = Coefficient(1.0, NVIVO_ONE)
            per_code[code] = CodeAgreement(coefficients, row.counts)
    return AgreementResult(result.n_coders, per_code, result.micro, result.macro)


def _by_source(
    data: UnitData, codes: dict[Hashable, CodeInfo], neither_coded: str
) -> tuple[SourceRow, ...]:
    """NVivo's coding comparison rows: one per code and transcript (character counts)."""
    rows: list[SourceRow] = []
    for code, table in data.character_tables.items():
        for ti, transcript in enumerate(data.included):
            both, a_only, b_only, neither = (int(x) for x in table[ti])
            figures = agreement(character_units(table[ti : ti + 1]))
            chosen = {
                "percent_agreement": figures["percent_agreement"],
                "cohen_kappa": figures["cohen_kappa"],
            }
            if both + a_only + b_only == 0 and neither_coded == "one":
                chosen["cohen_kappa"] = Coefficient(1.0, NVIVO_ONE)
            counts = DecisionCounts(
                both + a_only + b_only + neither, both, neither, a_only + b_only, a_only, b_only
            )
            rows.append(SourceRow(codes[code], transcript, counts, chosen))
    return tuple(rows)


def _domain(
    data: UnitData,
    codebook: Codebook,
    parent: str,
    ci: float,
    bootstrap: int,
    seed: int,
    fold: str,
    weights: str,
) -> DomainAgreement:
    found = domain_values(data, codebook, parent, fold=fold)
    categories = found.categories
    entries = codebook.by_id()
    numeric = [entries[c].code.value for c in categories]
    notes = list(found.notes)
    numbers: list[float] | None = None
    try:
        if all(v is not None for v in numeric):
            numbers = [float(v) for v in numeric]  # type: ignore[arg-type]
    except (TypeError, ValueError):
        numbers = None
    if numbers is None:
        lacking = [c for c, v in zip(categories, numeric, strict=True) if v is None]
        notes.append(
            "left out: ordinal, interval and ratio alpha and the weighted coefficients;"
            " they need a numeric value on every category"
            + (f" (none on: {', '.join(lacking)})" if lacking else "")
        )
    elif len(set(numbers)) < 2:
        notes.append(
            "left out: ordinal, interval and ratio alpha and the weighted coefficients;"
            " every category has the same value"
        )
        numbers = None
    elif min(numbers) <= 0:
        notes.append("left out: ratio alpha; it needs every category value above zero")
    if numbers is not None:
        notes.append(f"weighted coefficients use {weights} weights on the category values")
    stats = unit_statistics(found.codes, len(categories))
    coefficients = agreement(stats, numbers, weights)
    if len(data.coders) != 2:
        notes.append(
            "left out: Cohen's kappa, Scott's pi and Bangdiwala's B; they compare exactly"
            " two coders (Fleiss', Conger's kappa and alpha take more)"
        )
        coefficients = {
            name: value
            for name, value in coefficients.items()
            if name not in TWO_CODER_COEFFICIENTS
        }
    confusion = None
    if len(data.coders) == 2:
        k = len(categories)
        both = (found.codes[:, 0] >= 0) & (found.codes[:, 1] >= 0)
        flat = found.codes[both, 0] * k + found.codes[both, 1]
        confusion = np.bincount(flat, minlength=k * k).reshape(k, k)
    intervals = None
    if bootstrap and len(data.unit_keys) > 1:
        boot = bootstrap_intervals(
            {parent: stats},
            resamples=bootstrap,
            level=ci,
            seed=seed,
            values=numbers,
            weights=weights,
        )
        intervals = boot.per_code[parent]
    info = CodeInfo(parent, entries[parent].path_text, entries[parent].code.label)
    rated = int(np.sum(np.sum(found.codes >= 0, axis=1) >= 2))
    return domain_agreement(
        info, categories, rated, coefficients, confusion, intervals, notes=notes
    )


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
