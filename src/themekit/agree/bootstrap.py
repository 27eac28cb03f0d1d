"""Percentile bootstrap intervals for every coefficient, per code and pooled.

Resampling draws units (segments; for character tables, transcripts) with replacement.
Every coefficient is a formula over sums of per-unit statistics
(``themekit.agree.coefficients``), so a replicate never needs the resampled ratings:
it needs, per code, how many times each *rating pattern* was drawn. With the draw
written as a weight vector ``w`` (how often each unit was drawn),

    pattern counts of code c  =  w @ onehot(pattern of each unit under code c)

and one dense float32 matrix product gives the pattern counts of every code for a block
of replicates at once. The same ``w`` is used for every code, so the micro-pooled figure
of a replicate (the sum of the codes' statistics) and the mean over codes are computed
on the same resampled units, as the point estimates are.

Memory: the one-hot matrix is ``4 * n_units * (total patterns - codes)`` bytes (about
140 MB for 100,000 units x 50 codes x 3 coders) and each block of replicates
``4 * block * n_units`` bytes.

Undefined replicates (a rare code whose resample holds no variation) are left out of
the percentiles and counted in the interval's note. Exact integer counts survive the
float32 product because each count is at most ``n_units`` < 2**24.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from themekit.agree.coefficients import (
    LABELS,
    NEEDS_TWO_CODERS,
    NO_VARIATION,
    TWO_CODER_COEFFICIENTS,
    FloatArray,
    UnitStatistics,
    binary_units,
    coefficients_from_totals,
)

_MAX_BLOCK_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Interval:
    """A percentile interval; ``low``/``high`` are ``None`` (with a note) when undefined."""

    low: float | None
    high: float | None
    level: float
    resamples: int
    undefined: int = 0
    note: str | None = None

    @property
    def defined(self) -> bool:
        return self.low is not None and self.high is not None

    def format(self, digits: int = 3) -> str:
        if self.low is None or self.high is None:
            return str(self.note)
        return f"[{self.low:.{digits}f}, {self.high:.{digits}f}]"


@dataclass(frozen=True)
class BootstrapResult:
    """Intervals per code, for the micro-pooled decisions and for the mean over codes."""

    level: float
    resamples: int
    seed: int
    per_code: dict[Hashable, dict[str, Interval]]
    micro: dict[str, Interval]
    macro: dict[str, Interval] = field(default_factory=dict)


def percentile_interval(
    replicates: FloatArray, level: float, name: str = "", n_coders: int = 2
) -> Interval:
    """Percentile interval over the defined (finite) replicates."""
    finite = replicates[np.isfinite(replicates)]
    total = int(replicates.shape[0])
    undefined = total - int(finite.size)
    if finite.size == 0:
        note = (
            NEEDS_TWO_CODERS if name in TWO_CODER_COEFFICIENTS and n_coders != 2 else NO_VARIATION
        )
        return Interval(None, None, level, total, undefined, note)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(finite, [tail, 1.0 - tail])
    left_out = f"{undefined} of {total} resamples undefined, left out" if undefined else None
    return Interval(float(low), float(high), level, total, undefined, left_out)


def _resample_weights(rng: np.random.Generator, n_units: int, block: int) -> np.ndarray:
    """(block, n_units) float32: how often each unit was drawn in each replicate."""
    draws = rng.integers(0, n_units, size=(block, n_units))
    draws += (np.arange(block) * n_units)[:, None]
    counts = np.bincount(draws.ravel(), minlength=block * n_units)
    return counts.reshape(block, n_units).astype(np.float32)


def bootstrap_intervals(
    units_by_code: Mapping[Hashable, UnitStatistics],
    *,
    resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    values: Sequence[float] | None = None,
    weights: str | np.ndarray = "quadratic",
    pooled_codes: Collection[Hashable] | None = None,
) -> BootstrapResult:
    """Percentile intervals resampling units, the same draws for every code.

    All codes must share their units (same ``n_units``), coders and categories.
    ``values`` adds ordinal/interval/ratio alpha and the weighted coefficients (with
    ``weights``) for nominal domains with numeric categories, so every coefficient the
    point estimate reports gets an interval from the same resamples.
    The same ``seed`` gives the same intervals. ``pooled_codes`` limits the pooled
    figures and the mean over codes to those codes, as ``per_code_and_pooled`` does.
    """
    if not units_by_code:
        raise ValueError("no codes to resample")
    if resamples < 1:
        raise ValueError("resamples must be at least 1")
    if not 0.0 < level < 1.0:
        raise ValueError("level must lie between 0 and 1, e.g. 0.95")
    codes = list(units_by_code)
    tables = [units_by_code[code] for code in codes]
    shapes = {(t.n_units, t.n_coders, t.n_categories) for t in tables}
    if len(shapes) != 1:
        raise ValueError("every code must have the same units, coders and categories")
    n_units, n_coders, n_categories = shapes.pop()
    if n_units == 0:
        raise ValueError("no units to resample")
    in_pool = [pooled_codes is None or code in set(pooled_codes) for code in codes]

    commonest, kept, offsets, onehot = _pattern_onehot(tables, n_units)
    rng = np.random.default_rng(seed)
    block = max(1, min(resamples, _MAX_BLOCK_BYTES // (8 * n_units)))
    per_code_values: list[dict[str, list[FloatArray]]] = [{} for _ in codes]
    micro_values: dict[str, list[FloatArray]] = {}
    macro_values: dict[str, list[FloatArray]] = {}
    done = 0
    while done < resamples:
        size = min(block, resamples - done)
        draws = _resample_weights(rng, n_units, size)
        kept_counts = (draws @ onehot).astype(np.float64)
        pooled = np.zeros((size, tables[0].pattern_rows.shape[1]))
        code_raw: list[dict[str, FloatArray]] = []
        for index, (t, keep, start) in enumerate(zip(tables, kept, offsets[:-1], strict=True)):
            counts = np.empty((size, t.n_patterns))
            counts[:, keep] = kept_counts[:, start : start + keep.size]
            counts[:, commonest[index]] = n_units - counts[:, keep].sum(axis=1)
            totals = counts @ t.pattern_rows
            raw = coefficients_from_totals(totals, n_categories, n_coders, values, weights)
            if in_pool[index]:
                pooled = pooled + totals
                code_raw.append(raw)
            for name, replicate in raw.items():
                per_code_values[index].setdefault(name, []).append(replicate)
        for name, replicate in coefficients_from_totals(
            pooled, n_categories, n_coders, values, weights
        ).items():
            micro_values.setdefault(name, []).append(replicate)
        for name, mean in _mean_over_codes(code_raw).items():
            macro_values.setdefault(name, []).append(mean)
        done += size

    def intervals(collected: dict[str, list[FloatArray]]) -> dict[str, Interval]:
        return {
            name: percentile_interval(np.concatenate(collected[name]), level, name, n_coders)
            for name in LABELS
            if name in collected
        }

    return BootstrapResult(
        level=level,
        resamples=resamples,
        seed=seed,
        per_code={code: intervals(per_code_values[i]) for i, code in enumerate(codes)},
        micro=intervals(micro_values),
        macro=intervals(macro_values),
    )


def _pattern_onehot(
    tables: Sequence[UnitStatistics], n_units: int
) -> tuple[list[int], list[np.ndarray], np.ndarray, np.ndarray]:
    """Each unit's coding pattern per code as one-hot columns, side by side.

    Each code's commonest pattern is left out: its count is n_units minus the others',
    which keeps the matrix (and the product with the resampling weights) smaller.
    Returns the commonest pattern of each code, the patterns kept, where each code's
    columns start (and, last, the total), and the (units x columns) matrix.
    """
    commonest = [int(np.argmax(t.pattern_counts())) for t in tables]
    kept = [
        np.setdiff1d(np.arange(t.n_patterns), [c]) for t, c in zip(tables, commonest, strict=True)
    ]
    offsets = np.concatenate([[0], np.cumsum([k.size for k in kept])])
    onehot = np.zeros((n_units, int(offsets[-1])), dtype=np.float32)
    for t, keep, start in zip(tables, kept, offsets[:-1], strict=True):
        column_of_pattern = np.full(t.n_patterns, -1, dtype=np.int64)
        column_of_pattern[keep] = start + np.arange(keep.size)
        column = column_of_pattern[t.pattern_of_unit]
        rows = np.flatnonzero(column >= 0)
        onehot[rows, column[rows]] = 1.0
    return commonest, kept, offsets, onehot


def _mean_over_codes(code_raw: list[dict[str, FloatArray]]) -> dict[str, FloatArray]:
    """Per coefficient, each replicate's mean over the codes where it is defined (NaN
    where it is defined for none)."""
    means: dict[str, FloatArray] = {}
    for name in code_raw[0] if code_raw else {}:
        stacked = np.stack([raw[name] for raw in code_raw])
        defined = np.isfinite(stacked)
        sums = np.where(defined, stacked, 0.0).sum(axis=0)
        n_defined = defined.sum(axis=0)
        means[name] = np.where(n_defined > 0, sums / np.maximum(n_defined, 1), np.nan)
    return means


def bootstrap_ci(
    ratings_by_code: Mapping[Hashable, UnitStatistics | np.ndarray],
    *,
    n: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> BootstrapResult:
    """Binary convenience form: arrays (units x coders, 1/0/NaN) or ``UnitStatistics``."""
    units = {
        code: value if isinstance(value, UnitStatistics) else binary_units(value)
        for code, value in ratings_by_code.items()
    }
    return bootstrap_intervals(units, resamples=n, level=level, seed=seed)
