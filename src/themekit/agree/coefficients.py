"""Inter-coder agreement coefficients on plain arrays.

Design
------
Every coefficient here is a function of a handful of *sums over units*. A unit (a
segment, a transcript's characters, one code-unit decision) contributes one row of
"sufficient statistics" (how many coders rated it, the share of its ratings in each
category, its pairwise agreement, its cell in Krippendorff's coincidence matrix, its
cell in the two-coder confusion matrix ...), and a coefficient is a formula over the
column sums of those rows. Three consequences shape the code:

* **Pooling is addition.** Micro-pooling over codes adds the codes' sums; pooling
  NVivo-style character tables over transcripts adds the tables.
* **The bootstrap is a matrix product.** A resample of units is a vector of weights
  (how often each unit was drawn); its sums are ``weights @ rows``
  (see ``themekit.agree.bootstrap``).
* **Units repeat.** With binary decisions and three coders a unit can only show a few
  distinct rating patterns, so units are stored as ``pattern ids`` plus one row of
  statistics per distinct pattern (``UnitStatistics``). 100,000 units x 50 codes cost
  milliseconds.

The coefficient formulas (``coefficients_from_totals``) are written over a leading batch
axis, so the point estimate and 1,000 bootstrap replicates run through the same code.
Internally "undefined" is NaN; at the boundary every value becomes a ``Coefficient``
whose ``value`` is a finite float or ``None`` with a note ("n/a: no variation"), so a
NaN never reaches a report.

Conventions (documented with formulas and references in docs/agreement.md):

* A unit's ratings are integer category codes, -1 for "no rating" (missing).
* Units with fewer than two ratings carry no agreement information: observed
  agreement, Krippendorff's alpha and the two-coder coefficients use only units rated
  by two or more coders (two-coder coefficients: units rated by both).
* Fleiss' kappa and Gwet's AC1 estimate category prevalence as Gwet (2014) does: the
  mean over units rated by at least one coder of the unit's share of ratings in the
  category. With complete data this is Fleiss' (1971) p_j.
* Percent agreement is Fleiss' P-bar: per unit, the share of agreeing coder pairs,
  averaged over units rated by two or more coders. With two coders it is the share of
  units on which they agree.

Only numpy is imported: the statistics never know about the project store or the CLI.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

MISSING = -1

NO_VARIATION = "n/a: no variation"
NO_PAIRS = "n/a: no unit rated by two or more coders"
NEEDS_TWO_CODERS = "n/a: needs exactly two coders"
NO_DEFINED_CODE = "n/a: undefined for every code"
NO_POOLED_CODE = "n/a: no code to pool (no coder used any)"
NEEDS_POSITIVE_VALUES = "n/a: ratio alpha needs every category value above zero"

# Weighting schemes for the weighted coefficients (Cohen 1968; Gwet 2014, ch. 3).
WEIGHT_SCHEMES = ("linear", "quadratic")

# Keys of the coefficient dictionaries, in reporting order, with display labels.
LABELS: dict[str, str] = {
    "percent_agreement": "Percent agreement",
    "cohen_kappa": "Cohen's kappa",
    "fleiss_kappa": "Fleiss' kappa",
    "krippendorff_alpha": "Krippendorff's alpha",
    "krippendorff_alpha_ordinal": "Krippendorff's alpha (ordinal)",
    "krippendorff_alpha_interval": "Krippendorff's alpha (interval)",
    "krippendorff_alpha_ratio": "Krippendorff's alpha (ratio)",
    "conger_kappa": "Conger's kappa",
    "scott_pi": "Scott's pi",
    "gwet_ac1": "Gwet's AC1",
    "brennan_prediger": "Brennan-Prediger",
    "bangdiwala_b": "Bangdiwala's B",
    "percent_agreement_weighted": "Percent agreement (weighted)",
    "cohen_kappa_weighted": "Cohen's kappa (weighted)",
    "fleiss_kappa_weighted": "Fleiss' kappa (weighted)",
    "conger_kappa_weighted": "Conger's kappa (weighted)",
    "gwet_ac2": "Gwet's AC2 (weighted)",
    "brennan_prediger_weighted": "Brennan-Prediger (weighted)",
    "prevalence_index": "Prevalence index",
    "bias_index": "Bias index",
}
TWO_CODER_COEFFICIENTS = frozenset(
    {
        "cohen_kappa",
        "scott_pi",
        "prevalence_index",
        "bias_index",
        "bangdiwala_b",
        "cohen_kappa_weighted",
    }
)
# Coefficients that need numeric category values (domain mode with a ``value`` per child).
VALUE_COEFFICIENTS = (
    "krippendorff_alpha_ordinal",
    "krippendorff_alpha_interval",
    "krippendorff_alpha_ratio",
    "percent_agreement_weighted",
    "cohen_kappa_weighted",
    "fleiss_kappa_weighted",
    "conger_kappa_weighted",
    "gwet_ac2",
    "brennan_prediger_weighted",
)
BINARY_ONLY_COEFFICIENTS = frozenset({"prevalence_index", "bias_index"})

# Differences smaller than this count as "no variation" (1 - expected agreement == 0).
_EPSILON = 1e-12


@dataclass(frozen=True)
class Coefficient:
    """One reported figure: a finite value, or ``None`` with the reason in ``note``.

    ``note`` may also accompany a value (e.g. "mean of 18 of 20 codes").
    """

    value: float | None
    note: str | None = None

    def __post_init__(self) -> None:
        if self.value is not None and not np.isfinite(self.value):
            raise ValueError(f"Coefficient value must be finite, got {self.value!r}")
        if self.value is None and not self.note:
            raise ValueError("An undefined Coefficient needs a note saying why")

    @property
    def defined(self) -> bool:
        return self.value is not None

    def format(self, digits: int = 3) -> str:
        """``0.743`` or the note (``n/a: no variation``)."""
        if self.value is None:
            return str(self.note)
        return f"{self.value:.{digits}f}"

    def __str__(self) -> str:
        return self.format()


@dataclass(frozen=True)
class DecisionCounts:
    """The counts behind the binary coefficients, over units rated by two or more coders.

    With two coders: ``both`` (A and B present), ``a_only``, ``b_only``, ``neither``.
    With more coders ``both`` means "every coder who rated the unit marked it present",
    ``neither`` "every coder marked it absent", ``a_only``/``b_only`` are ``None`` and
    ``split`` counts the units on which the coders differ.
    For character units the counts are characters.
    """

    units: int
    both: int
    neither: int
    split: int
    a_only: int | None = None
    b_only: int | None = None


@dataclass(frozen=True)
class FeatureLayout:
    """Where each sufficient statistic sits in a row of unit statistics."""

    n_categories: int
    n_coders: int

    @property
    def two_coders(self) -> bool:
        return self.n_coders == 2

    @property
    def pairable(self) -> int:  # units rated by >= 2 coders
        return 0

    @property
    def rated(self) -> int:  # units rated by >= 1 coder
        return 1

    @property
    def agreement(self) -> int:  # sum over pairable units of the share of agreeing pairs
        return 2

    @property
    def shares(self) -> slice:  # sum over rated units of n_uc / m_u, per category
        k = self.n_categories
        return slice(3, 3 + k)

    @property
    def coincidences(self) -> slice:  # Krippendorff's o_ck, flattened k x k
        k = self.n_categories
        return slice(3 + k, 3 + k + k * k)

    @property
    def unanimous(self) -> slice:  # pairable units on which every rating is category c
        k = self.n_categories
        start = 3 + k + k * k
        return slice(start, start + k)

    @property
    def confusion(self) -> slice:  # two coders: rows coder A, columns coder B, flattened
        k = self.n_categories
        start = 3 + 2 * k + k * k
        return slice(start, start + (k * k if self.two_coders else 0))

    @property
    def pair_shares(self) -> slice:
        """Per pairable unit, the share of ordered coder pairs rating (c, l), k x k.

        n_uc (n_ul - [c == l]) / (m_u (m_u - 1)): its trace is the unit's agreement, and
        a weight matrix turns it into Gwet's weighted agreement.
        """
        k = self.n_categories
        start = self.confusion.stop
        return slice(start, start + k * k)

    @property
    def coder_counts(self) -> slice:
        """Per coder and category: 1 when that coder rated the unit c (coder-major)."""
        start = self.pair_shares.stop
        return slice(start, start + self.n_coders * self.n_categories)

    @property
    def coder_rated(self) -> slice:
        """Per coder: 1 when that coder rated the unit."""
        start = self.coder_counts.stop
        return slice(start, start + self.n_coders)

    @property
    def width(self) -> int:
        return self.coder_rated.stop


@dataclass(frozen=True)
class UnitStatistics:
    """Units of one code (or one domain) as distinct patterns plus one id per unit.

    ``pattern_of_unit[u]`` indexes a row of ``pattern_rows``; a unit's statistics are that
    row. The totals over units are ``bincount(pattern_of_unit) @ pattern_rows``. For
    character tables each "unit" is a transcript and its row holds that transcript's
    character counts.
    """

    pattern_of_unit: IntArray
    pattern_rows: FloatArray
    n_coders: int
    n_categories: int

    @property
    def layout(self) -> FeatureLayout:
        return FeatureLayout(self.n_categories, self.n_coders)

    @property
    def n_units(self) -> int:
        return int(self.pattern_of_unit.shape[0])

    @property
    def n_patterns(self) -> int:
        return int(self.pattern_rows.shape[0])

    @property
    def pairable_units(self) -> int:
        """Units (or characters) rated by two or more coders."""
        return round(float(self.totals()[self.layout.pairable]))

    def pattern_counts(self) -> FloatArray:
        return np.bincount(self.pattern_of_unit, minlength=self.n_patterns).astype(np.float64)

    def totals(self) -> FloatArray:
        """Column sums of the unit statistics over all units."""
        return self.pattern_counts() @ self.pattern_rows


# ---------------------------------------------------------------------------------------
# From ratings to unit statistics
# ---------------------------------------------------------------------------------------


def encode_binary(ratings: ArrayLike) -> IntArray:
    """(n_units, n_coders) of 1/0/True/False with NaN (or None) for missing -> codes."""
    array = np.asarray(ratings, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"ratings must be 2-D (units x coders), got shape {array.shape}")
    missing = np.isnan(array)
    valid = array[~missing]
    if valid.size and not np.all((valid == 0) | (valid == 1)):
        raise ValueError("binary ratings must be 0, 1 or NaN (missing)")
    codes = np.where(missing, MISSING, array).astype(np.int64)
    return codes


def encode_nominal(ratings: ArrayLike, categories: Sequence[Hashable]) -> IntArray:
    """(n_units, n_coders) of category labels, None/NaN for missing -> codes 0..k-1."""
    array = np.asarray(ratings, dtype=object)
    if array.ndim != 2:
        raise ValueError(f"ratings must be 2-D (units x coders), got shape {array.shape}")
    index = {category: i for i, category in enumerate(categories)}
    if len(index) != len(categories):
        raise ValueError("categories must be distinct")
    codes = np.full(array.shape, MISSING, dtype=np.int64)
    for position, label in np.ndenumerate(array):
        if label is None or (isinstance(label, float) and np.isnan(label)):
            continue
        try:
            codes[position] = index[label]
        except (KeyError, TypeError):
            raise ValueError(f"rating {label!r} is not one of the categories") from None
    return codes


def _pattern_ids(codes: IntArray, n_categories: int) -> tuple[IntArray, IntArray]:
    """Distinct rating rows and, per unit, the index of its row among them."""
    n_units, n_coders = codes.shape
    radix = n_categories + 1
    if n_coders * np.log2(radix) < 62:
        powers = radix ** np.arange(n_coders, dtype=np.int64)
        keys = (codes + 1) @ powers
        space = radix**n_coders
        if space <= 4 * max(n_units, 1024):
            # A lookup table is O(n); np.unique would sort.
            present = np.flatnonzero(np.bincount(keys, minlength=space))
            lookup = np.zeros(space, dtype=np.int64)
            lookup[present] = np.arange(present.size)
            ids = lookup[keys]
            distinct_keys = present
        else:
            distinct_keys, ids = np.unique(keys, return_inverse=True)
        digits = (distinct_keys[:, None] // powers[None, :]) % radix
        return digits - 1, ids.astype(np.int64)
    rows, ids = np.unique(codes, axis=0, return_inverse=True)
    return rows.astype(np.int64), ids.reshape(-1).astype(np.int64)


def _rows_for_patterns(patterns: IntArray, n_categories: int) -> FloatArray:
    """Sufficient statistics for each distinct rating row (one row per pattern)."""
    n_patterns, n_coders = patterns.shape
    k = n_categories
    layout = FeatureLayout(k, n_coders)
    counts = np.zeros((n_patterns, k))
    for coder in range(n_coders):
        rated = patterns[:, coder] != MISSING
        counts[np.flatnonzero(rated), patterns[rated, coder]] += 1
    m = counts.sum(axis=1)
    pairable = m >= 2
    rated_any = m >= 1
    safe_m = np.where(rated_any, m, 1.0)
    safe_pairs = np.where(pairable, m * (m - 1), 1.0)

    rows = np.zeros((n_patterns, layout.width))
    rows[:, layout.pairable] = pairable
    rows[:, layout.rated] = rated_any
    rows[:, layout.agreement] = np.where(
        pairable, (counts * (counts - 1)).sum(axis=1) / safe_pairs, 0.0
    )
    rows[:, layout.shares] = np.where(rated_any[:, None], counts / safe_m[:, None], 0.0)
    outer = counts[:, :, None] * counts[:, None, :] - np.eye(k)[None] * counts[:, :, None]
    scale = np.where(pairable, 1.0 / np.where(pairable, m - 1, 1.0), 0.0)
    rows[:, layout.coincidences] = (outer * scale[:, None, None]).reshape(n_patterns, k * k)
    rows[:, layout.unanimous] = pairable[:, None] & (counts == m[:, None])
    if layout.two_coders:
        both = (patterns[:, 0] != MISSING) & (patterns[:, 1] != MISSING)
        cells = np.zeros((n_patterns, k, k))
        where = np.flatnonzero(both)
        cells[where, patterns[where, 0], patterns[where, 1]] = 1.0
        rows[:, layout.confusion] = cells.reshape(n_patterns, k * k)
    safe_pairs_each = np.where(pairable, m * (m - 1), 1.0)
    pair_shares = np.where(pairable[:, None, None], outer / safe_pairs_each[:, None, None], 0.0)
    rows[:, layout.pair_shares] = pair_shares.reshape(n_patterns, k * k)
    # Conger's kappa uses each coder's own category shares, over every unit that coder
    # rated (as Gwet 2014 and his irrCAC package do, also units nobody else rated).
    by_coder = np.zeros((n_patterns, n_coders, k))
    for coder in range(n_coders):
        rated = patterns[:, coder] != MISSING
        by_coder[np.flatnonzero(rated), coder, patterns[rated, coder]] = 1.0
    rows[:, layout.coder_counts] = by_coder.reshape(n_patterns, n_coders * k)
    rows[:, layout.coder_rated] = by_coder.sum(axis=2)
    return rows


def unit_statistics(codes: IntArray, n_categories: int) -> UnitStatistics:
    """Unit statistics from integer codes (n_units, n_coders), -1 for missing."""
    codes = np.asarray(codes, dtype=np.int64)
    if codes.ndim != 2 or codes.shape[1] < 2:
        raise ValueError(
            f"need a (units x coders) array with two or more coders, got {codes.shape}"
        )
    if n_categories < 1:
        raise ValueError("need at least one category")
    if codes.size and (codes.min() < MISSING or codes.max() >= n_categories):
        raise ValueError("category codes must lie in -1 .. n_categories-1")
    patterns, ids = _pattern_ids(codes, n_categories)
    rows = _rows_for_patterns(patterns, n_categories)
    # Patterns that differ only in which coder gave which rating (three or more coders)
    # have identical statistics: merge them, so the bootstrap's one-hot matrix is narrower.
    distinct_rows, merged = np.unique(rows, axis=0, return_inverse=True)
    merged_ids = merged.reshape(-1).astype(np.int64)[ids]
    return UnitStatistics(merged_ids, distinct_rows, codes.shape[1], n_categories)


def binary_units(ratings: ArrayLike) -> UnitStatistics:
    """Unit statistics for one code's present/absent decisions (units x coders, NaN missing)."""
    return unit_statistics(encode_binary(ratings), 2)


def nominal_units(ratings: ArrayLike, categories: Sequence[Hashable]) -> UnitStatistics:
    """Unit statistics for one nominal variable (e.g. the children of a parent code)."""
    return unit_statistics(encode_nominal(ratings, categories), len(categories))


def character_units(tables: ArrayLike) -> UnitStatistics:
    """Unit statistics from NVivo-style character counts, one row per transcript.

    ``tables`` is (n_transcripts, 4): characters coded by both coders, by coder A only,
    by coder B only, by neither. Each transcript becomes one resampling unit whose row
    is the sum of its characters' statistics.
    """
    counts = np.asarray(tables, dtype=np.float64)
    if counts.ndim == 1:
        counts = counts[None, :]
    if counts.ndim != 2 or counts.shape[1] != 4:
        raise ValueError("character tables must have 4 columns: both, a_only, b_only, neither")
    if np.any(counts < 0) or not np.all(np.isfinite(counts)):
        raise ValueError("character counts must be finite and non-negative")
    patterns = np.array([[1, 1], [1, 0], [0, 1], [0, 0]], dtype=np.int64)
    per_character = _rows_for_patterns(patterns, 2)
    rows = counts @ per_character
    return UnitStatistics(np.arange(counts.shape[0], dtype=np.int64), rows, 2, 2)


def confusion_matrix(a: ArrayLike, b: ArrayLike, categories: Sequence[Hashable]) -> IntArray:
    """k x k counts of units rated by both coders: rows coder A's category, columns B's."""
    codes = encode_nominal(
        np.column_stack([np.asarray(a, dtype=object), np.asarray(b, dtype=object)]), categories
    )
    k = len(categories)
    both = (codes[:, 0] != MISSING) & (codes[:, 1] != MISSING)
    flat = codes[both, 0] * k + codes[both, 1]
    return np.bincount(flat, minlength=k * k).reshape(k, k).astype(np.int64)


# ---------------------------------------------------------------------------------------
# From totals to coefficients (vectorised over any leading axes)
# ---------------------------------------------------------------------------------------


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """numerator / denominator, NaN where the denominator is (numerically) zero."""
    ok = np.abs(denominator) > _EPSILON
    return np.where(ok, numerator / np.where(ok, denominator, 1.0), np.nan)


def _chance_corrected(observed: FloatArray, expected: FloatArray) -> FloatArray:
    return _ratio(observed - expected, 1.0 - expected)


def _ordinal_distances(marginals: FloatArray, order: IntArray) -> FloatArray:
    """Krippendorff's ordinal metric for every category pair, per replicate.

    delta^2(c, k) = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2 with categories in rank order.
    """
    k = marginals.shape[-1]
    ranked = marginals[..., order]
    cumulative = np.cumsum(ranked, axis=-1)
    i, j = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    low, high = np.minimum(i, j), np.maximum(i, j)
    span = cumulative[..., high] - cumulative[..., low] + ranked[..., low]
    distance = (span - (ranked[..., i] + ranked[..., j]) / 2.0) ** 2
    # back from rank order to category order
    inverse = np.argsort(order)
    return distance[..., inverse[:, None], inverse[None, :]]


def _alpha(coincidences: FloatArray, distances: FloatArray) -> FloatArray:
    """alpha = 1 - (n - 1) * sum o_ck d_ck / sum n_c n_k d_ck (Krippendorff 2011)."""
    marginals = coincidences.sum(axis=-1)
    n = marginals.sum(axis=-1)
    observed = (coincidences * distances).sum(axis=(-2, -1))
    expected = (marginals[..., :, None] * marginals[..., None, :] * distances).sum(axis=(-2, -1))
    return 1.0 - (n - 1.0) * _ratio(observed, expected)


# ---------------------------------------------------------------------------------------
# Weights and the weighted / additional coefficients (each on batched plain arrays)
# ---------------------------------------------------------------------------------------


def weight_matrix(scheme: str | ArrayLike, values: Sequence[float] | None = None) -> FloatArray:
    """Agreement weights w_kl (1 on the diagonal, 0 for the farthest pair).

    ``linear``:    w_kl = 1 - |x_k - x_l| / (x_max - x_min)             (Cohen 1968)
    ``quadratic``: w_kl = 1 - (x_k - x_l)^2 / (x_max - x_min)^2         (Fleiss & Cohen 1973)

    with x the numeric category values (``values``; 1..k when omitted). A square matrix
    is taken as custom weights; it must have ones on the diagonal and lie in [0, 1]
    (Gwet 2014, section 3.5). Identity weights give the unweighted coefficients.
    """
    if not isinstance(scheme, str):
        matrix = np.asarray(scheme, dtype=np.float64)
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise ValueError("custom weights must be a square matrix, one row per category")
        if not np.all(np.isfinite(matrix)) or matrix.min() < 0 or matrix.max() > 1:
            raise ValueError("custom weights must lie between 0 and 1")
        if not np.allclose(np.diag(matrix), 1.0):
            raise ValueError("custom weights must be 1 on the diagonal (full agreement)")
        return matrix
    if scheme not in WEIGHT_SCHEMES:
        raise ValueError(f"unknown weights {scheme!r}; use linear, quadratic or a matrix")
    if values is None:
        raise ValueError(f"{scheme} weights need the categories' numeric values")
    x = np.asarray(values, dtype=np.float64)
    spread = float(x.max() - x.min()) if x.size else 0.0
    if x.ndim != 1 or not np.all(np.isfinite(x)) or spread <= 0:
        raise ValueError("weights need finite category values that are not all equal")
    difference = np.abs(x[:, None] - x[None, :]) / spread
    return 1.0 - (difference if scheme == "linear" else difference**2)


def weighted_cohen_kappa(confusion: ArrayLike, weights: ArrayLike) -> FloatArray:
    """Cohen's (1968) weighted kappa from a two-coder k x k table (rows A, columns B).

    kappa_w = (P_o(w) - P_e(w)) / (1 - P_e(w)),  P_o(w) = sum_kl w_kl p_kl,
    P_e(w) = sum_kl w_kl p_k. p_.l.  Identity weights give Cohen's (1960) kappa.
    Reference: Cohen, J. (1968). Weighted kappa. Psychological Bulletin 70(4), 213-220.
    ``confusion`` may carry leading batch axes (..., k, k).
    """
    table = np.asarray(confusion, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    n = table.sum(axis=(-2, -1))
    safe = np.where(n > 0, n, np.nan)[..., None, None]
    p = table / safe
    rows, cols = p.sum(axis=-1), p.sum(axis=-2)
    observed = (w * p).sum(axis=(-2, -1))
    expected = (w * rows[..., :, None] * cols[..., None, :]).sum(axis=(-2, -1))
    return _chance_corrected(observed, expected)


def bangdiwala_b(confusion: ArrayLike) -> FloatArray:
    """Bangdiwala's (1985) B from a two-coder k x k table.

    B = sum_k n_kk^2 / sum_k n_k. n_.k : the area of the agreement squares over the area
    of the rectangles of the observer agreement chart. 1 = perfect agreement, 0 = none.
    Not chance-corrected. Reference: Bangdiwala, S. I. (1985). A graphical test for
    observer agreement. Proc. 45th Int. Statistical Institute Meeting, Amsterdam, 1,
    307-308; Bangdiwala & Shankar (2013), BMC Med Res Methodol 13:97.
    """
    table = np.asarray(confusion, dtype=np.float64)
    diagonal = np.diagonal(table, axis1=-2, axis2=-1)
    rows, cols = table.sum(axis=-1), table.sum(axis=-2)
    return _ratio((diagonal**2).sum(axis=-1), (rows * cols).sum(axis=-1))


def gwet_weighted_agreement(
    pair_shares: FloatArray, pairable: FloatArray, weights: ArrayLike
) -> FloatArray:
    """Gwet's (2014, eq. 3.5.x) weighted percent agreement over units rated twice or more.

    P_a(w) = (1 / N') sum_u sum_k n_uk (n*_uk - 1) / (m_u (m_u - 1)),
    n*_uk = sum_l w_kl n_ul. ``pair_shares`` is the sum over units of the k x k shares
    n_uk (n_ul - [k = l]) / (m_u (m_u - 1)), so P_a(w) = sum_kl w_kl shares_kl / N'.
    """
    w = np.asarray(weights, dtype=np.float64)
    return _ratio((w * pair_shares).sum(axis=(-2, -1)), pairable)


def weighted_fleiss_kappa(
    agreement_w: FloatArray, prevalence: FloatArray, weights: ArrayLike
) -> FloatArray:
    """Fleiss' kappa with weights (Gwet 2014, ch. 3): P_e = sum_kl w_kl pi_k pi_l.

    pi_k is the mean over rated units of the unit's share of ratings in k. Identity
    weights give Fleiss' (1971) kappa; with two coders and no missing data it is
    Scott's pi (weighted).
    """
    w = np.asarray(weights, dtype=np.float64)
    expected = (w * prevalence[..., :, None] * prevalence[..., None, :]).sum(axis=(-2, -1))
    return _chance_corrected(agreement_w, expected)


def gwet_ac2(agreement_w: FloatArray, prevalence: FloatArray, weights: ArrayLike) -> FloatArray:
    """Gwet's AC2: AC1 with weights (Gwet 2014, ch. 3; Gwet 2008).

    P_e = T_w / (k (k - 1)) * sum_k pi_k (1 - pi_k), T_w = sum of all weights. Identity
    weights (T_w = k) give AC1.
    """
    w = np.asarray(weights, dtype=np.float64)
    k = w.shape[-1]
    expected = w.sum() / (k * (k - 1)) * (prevalence * (1.0 - prevalence)).sum(axis=-1)
    return _chance_corrected(agreement_w, expected)


def weighted_brennan_prediger(agreement_w: FloatArray, weights: ArrayLike) -> FloatArray:
    """Brennan & Prediger's (1981) coefficient with weights: P_e = T_w / k^2 (Gwet 2014)."""
    w = np.asarray(weights, dtype=np.float64)
    k = w.shape[-1]
    return _chance_corrected(agreement_w, np.full_like(agreement_w, w.sum() / (k * k)))


def conger_kappa(
    agreement_w: FloatArray, coder_shares: FloatArray, weights: ArrayLike
) -> FloatArray:
    """Conger's (1980) kappa for two or more coders, with weights (Gwet 2014, ch. 3).

    Each coder g has their own category shares p_gk (over the units they rated). With
    p_k the mean over the r coders and s2_kl = sum_g (p_gk - p_k)(p_gl - p_l) / (r - 1),

        P_e = sum_kl w_kl (p_k p_l - s2_kl / r)

    which is the mean over coder pairs of sum_kl w_kl p_gk p_hl: with two coders it is
    Cohen's kappa. Reference: Conger, A. J. (1980). Integration and generalization of
    kappas for multiple raters. Psychological Bulletin 88(2), 322-328.
    ``coder_shares`` is (..., r, k).
    """
    w = np.asarray(weights, dtype=np.float64)
    r = coder_shares.shape[-2]
    mean = coder_shares.mean(axis=-2)
    deviation = coder_shares - mean[..., None, :]
    covariance = np.einsum("...gk,...gl->...kl", deviation, deviation) / (r - 1)
    expected = (w * (mean[..., :, None] * mean[..., None, :] - covariance / r)).sum(axis=(-2, -1))
    return _chance_corrected(agreement_w, expected)


def ratio_distances(values: ArrayLike) -> FloatArray:
    """Krippendorff's ratio metric: delta^2(c, k) = ((c - k) / (c + k))^2 (values > 0).

    Reference: Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability,
    section F (ratio metric), and Krippendorff (2004), Content Analysis, 2nd ed., 11.4.
    """
    x = np.asarray(values, dtype=np.float64)
    if np.any(x <= 0):
        raise ValueError("the ratio metric needs category values above zero")
    return ((x[:, None] - x[None, :]) / (x[:, None] + x[None, :])) ** 2


def coefficients_from_totals(
    totals: FloatArray,
    n_categories: int,
    n_coders: int,
    values: Sequence[float] | None = None,
    weights: str | ArrayLike = "quadratic",
) -> dict[str, FloatArray]:
    """Every coefficient from summed unit statistics; NaN where undefined.

    ``totals`` has shape (..., width); each result has shape (...). ``values`` (numeric
    category values) adds Krippendorff's ordinal, interval and (values > 0) ratio alpha
    and the weighted coefficients, with ``weights`` (``linear``, ``quadratic`` or a
    k x k matrix; see ``weight_matrix``).
    """
    layout = FeatureLayout(n_categories, n_coders)
    totals = np.asarray(totals, dtype=np.float64)
    k = n_categories
    out: dict[str, FloatArray] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        pairable = totals[..., layout.pairable]
        rated = totals[..., layout.rated]
        observed = _ratio(totals[..., layout.agreement], pairable)
        out["percent_agreement"] = observed

        prevalence = totals[..., layout.shares] / np.where(rated > 0, rated, np.nan)[..., None]
        coincidences = totals[..., layout.coincidences].reshape(*totals.shape[:-1], k, k)
        nominal = 1.0 - np.eye(k)

        if layout.two_coders:
            confusion = totals[..., layout.confusion].reshape(*totals.shape[:-1], k, k)
            both = confusion.sum(axis=(-2, -1))
            share_a = confusion.sum(axis=-1) / np.where(both > 0, both, np.nan)[..., None]
            share_b = confusion.sum(axis=-2) / np.where(both > 0, both, np.nan)[..., None]
            agree_ab = np.trace(confusion, axis1=-2, axis2=-1) / np.where(both > 0, both, np.nan)
            out["cohen_kappa"] = _chance_corrected(agree_ab, (share_a * share_b).sum(axis=-1))
        else:
            out["cohen_kappa"] = np.full(totals.shape[:-1], np.nan)

        out["fleiss_kappa"] = _chance_corrected(observed, (prevalence**2).sum(axis=-1))
        out["krippendorff_alpha"] = _alpha(coincidences, nominal)
        if values is not None:
            numeric = np.asarray(values, dtype=np.float64)
            if numeric.shape != (k,) or not np.all(np.isfinite(numeric)):
                raise ValueError("values must give one finite number per category")
            order = np.argsort(numeric, kind="stable")
            marginals = coincidences.sum(axis=-1)
            out["krippendorff_alpha_ordinal"] = _alpha(
                coincidences, _ordinal_distances(marginals, order)
            )
            interval = (numeric[:, None] - numeric[None, :]) ** 2
            out["krippendorff_alpha_interval"] = _alpha(coincidences, interval)
            if np.all(numeric > 0):
                out["krippendorff_alpha_ratio"] = _alpha(coincidences, ratio_distances(numeric))

        pair_shares = totals[..., layout.pair_shares].reshape(*totals.shape[:-1], k, k)
        coder_counts = totals[..., layout.coder_counts].reshape(*totals.shape[:-1], n_coders, k)
        coder_rated = totals[..., layout.coder_rated]
        coder_shares = coder_counts / np.where(coder_rated > 0, coder_rated, np.nan)[..., None]
        identity = np.eye(k)
        out["conger_kappa"] = conger_kappa(observed, coder_shares, identity)
        if layout.two_coders:
            out["bangdiwala_b"] = bangdiwala_b(confusion)
        else:
            out["bangdiwala_b"] = np.full(totals.shape[:-1], np.nan)
        if values is not None:
            w = weight_matrix(weights, values)
            if w.shape != (k, k):
                raise ValueError(f"weights must be {k} x {k}, one row per category")
            agreement_w = gwet_weighted_agreement(pair_shares, pairable, w)
            out["percent_agreement_weighted"] = agreement_w
            if layout.two_coders:
                out["cohen_kappa_weighted"] = weighted_cohen_kappa(confusion, w)
            else:
                out["cohen_kappa_weighted"] = np.full(totals.shape[:-1], np.nan)
            out["fleiss_kappa_weighted"] = weighted_fleiss_kappa(agreement_w, prevalence, w)
            out["conger_kappa_weighted"] = conger_kappa(agreement_w, coder_shares, w)
            if k >= 2:
                out["gwet_ac2"] = gwet_ac2(agreement_w, prevalence, w)
            out["brennan_prediger_weighted"] = weighted_brennan_prediger(agreement_w, w)

        if layout.two_coders:
            pooled = (share_a + share_b) / 2.0
            out["scott_pi"] = _chance_corrected(agree_ab, (pooled**2).sum(axis=-1))
        else:
            out["scott_pi"] = np.full(totals.shape[:-1], np.nan)

        if k >= 2:
            chance_ac1 = (prevalence * (1.0 - prevalence)).sum(axis=-1) / (k - 1)
            out["gwet_ac1"] = _chance_corrected(observed, chance_ac1)
            out["brennan_prediger"] = _chance_corrected(observed, np.full_like(observed, 1.0 / k))
        else:
            out["gwet_ac1"] = np.full(totals.shape[:-1], np.nan)
            out["brennan_prediger"] = np.full(totals.shape[:-1], np.nan)

        if k == 2:
            if layout.two_coders:
                # Byrt, Bishop & Carlin (1993): category 1 = present, 0 = absent.
                present_both, absent_both = confusion[..., 1, 1], confusion[..., 0, 0]
                a_only, b_only = confusion[..., 1, 0], confusion[..., 0, 1]
                out["prevalence_index"] = _ratio(present_both - absent_both, both)
                out["bias_index"] = _ratio(a_only - b_only, both)
            else:
                out["prevalence_index"] = np.full(totals.shape[:-1], np.nan)
                out["bias_index"] = np.full(totals.shape[:-1], np.nan)
    return {name: out[name] for name in LABELS if name in out}


def _note_for(name: str, totals: FloatArray, n_coders: int) -> str:
    if name in TWO_CODER_COEFFICIENTS and n_coders != 2:
        return NEEDS_TWO_CODERS
    if totals[0] <= 0:  # no pairable unit
        return NO_PAIRS
    return NO_VARIATION


def as_coefficients(
    raw: Mapping[str, Any], totals: FloatArray, n_coders: int
) -> dict[str, Coefficient]:
    """Scalar raw values -> ``Coefficient``s, replacing NaN by the reason it is undefined."""
    result: dict[str, Coefficient] = {}
    for name, value in raw.items():
        number = float(value)
        if np.isfinite(number):
            # Clip float noise such as 1.0000000000000002 for identical coders.
            if abs(number - 1.0) < 1e-12:
                number = 1.0
            result[name] = Coefficient(number)
        else:
            result[name] = Coefficient(None, _note_for(name, totals, n_coders))
    return result


def agreement(
    units: UnitStatistics,
    values: Sequence[float] | None = None,
    weights: str | ArrayLike = "quadratic",
) -> dict[str, Coefficient]:
    """All coefficients for one code (or domain) from its unit statistics.

    ``values`` (one number per category) adds the ordinal, interval and ratio alphas and
    the weighted coefficients, weighted by ``weights`` (``linear``, ``quadratic`` or a
    k x k matrix).
    """
    totals = units.totals()
    raw = coefficients_from_totals(totals, units.n_categories, units.n_coders, values, weights)
    return as_coefficients(raw, totals, units.n_coders)


def agreement_binary(ratings: ArrayLike) -> dict[str, Coefficient]:
    """Coefficients for present/absent decisions, (n_units, n_coders) with NaN missing."""
    return agreement(binary_units(ratings))


def agreement_nominal(
    ratings: ArrayLike,
    categories: Sequence[Hashable],
    values: Sequence[float] | None = None,
    weights: str | ArrayLike = "quadratic",
) -> dict[str, Coefficient]:
    """Coefficients for one nominal variable with ``categories`` (domain mode).

    ``values`` (one number per category) adds ordinal, interval and ratio alpha and the
    weighted coefficients (``weights``: ``linear``, ``quadratic`` or a k x k matrix).
    """
    return agreement(nominal_units(ratings, categories), values, weights)


def agreement_from_counts(
    both: float, a_only: float, b_only: float, neither: float
) -> dict[str, Coefficient]:
    """Coefficients from a two-coder 2 x 2 table (NVivo's character counts)."""
    return agreement(character_units([[both, a_only, b_only, neither]]))


def decision_counts(units: UnitStatistics) -> DecisionCounts:
    """Both / A only / B only / neither (binary units only)."""
    return counts_from_totals(units.totals(), units.n_coders)


def counts_from_totals(totals: FloatArray, n_coders: int) -> DecisionCounts:
    layout = FeatureLayout(2, n_coders)
    pairable = round(float(totals[layout.pairable]))
    absent_all, present_all = (round(float(x)) for x in totals[layout.unanimous])
    if layout.two_coders:
        confusion = totals[layout.confusion].reshape(2, 2)
        a_only, b_only = round(float(confusion[1, 0])), round(float(confusion[0, 1]))
        return DecisionCounts(pairable, present_all, absent_all, a_only + b_only, a_only, b_only)
    return DecisionCounts(pairable, present_all, absent_all, pairable - present_all - absent_all)


# ---------------------------------------------------------------------------------------
# Per code and pooled
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeAgreement:
    """Coefficients and counts for one code (or for the micro-pooled decisions)."""

    coefficients: dict[str, Coefficient]
    counts: DecisionCounts


@dataclass(frozen=True)
class AgreementResult:
    """Per-code figures, the micro-pooled figures and the mean over codes.

    ``micro`` treats every code-unit decision as one unit (sums of the codes' statistics).
    ``macro`` is the unweighted mean over codes of each coefficient, over the codes where
    it is defined; its note says how many codes were left out.
    """

    n_coders: int
    per_code: dict[Hashable, CodeAgreement]
    micro: CodeAgreement
    macro: dict[str, Coefficient] = field(default_factory=dict)


def macro_mean(per_code: Mapping[Hashable, Mapping[str, Coefficient]]) -> dict[str, Coefficient]:
    """Mean over codes of each coefficient, leaving out codes where it is undefined."""
    if not per_code:
        return {name: Coefficient(None, NO_POOLED_CODE) for name in LABELS}
    names = [name for name in LABELS if any(name in row for row in per_code.values())]
    result: dict[str, Coefficient] = {}
    for name in names:
        cells = [row[name] for row in per_code.values() if name in row]
        defined = [c.value for c in cells if c.value is not None]
        if not defined:
            notes = {c.note for c in cells}
            result[name] = Coefficient(None, notes.pop() if len(notes) == 1 else NO_DEFINED_CODE)
            continue
        left_out = len(cells) - len(defined)
        note = (
            f"mean of {len(defined)} of {len(cells)} codes ({left_out} n/a)" if left_out else None
        )
        result[name] = Coefficient(float(np.mean(defined)), note)
    return result


def per_code_and_pooled(
    units_by_code: Mapping[Hashable, UnitStatistics | ArrayLike],
    pooled_codes: Collection[Hashable] | None = None,
) -> AgreementResult:
    """Binary agreement per code, micro-pooled over code-unit decisions, and the mean.

    Values may be ``UnitStatistics`` (from ``binary_units`` or ``character_units``) or
    (n_units, n_coders) arrays of 1/0/NaN. All codes must have the same coders.
    ``pooled_codes`` limits the pooled figures and the mean to those codes (e.g. the
    codes at least one coder used: a code nobody applied adds only "absent, absent"
    decisions, which inflate percent agreement, AC1 and Brennan-Prediger). ``None``
    pools every code; an empty collection leaves the pooled figures undefined.
    """
    if not units_by_code:
        raise ValueError("no codes to compare")
    units = {
        code: value if isinstance(value, UnitStatistics) else binary_units(value)
        for code, value in units_by_code.items()
    }
    coder_counts = {u.n_coders for u in units.values()}
    if len(coder_counts) != 1 or any(u.n_categories != 2 for u in units.values()):
        raise ValueError("every code must have binary decisions from the same coders")
    n_coders = coder_counts.pop()
    per_code: dict[Hashable, CodeAgreement] = {}
    pooled_totals = np.zeros(FeatureLayout(2, n_coders).width)
    pooled_set = set(units) if pooled_codes is None else set(pooled_codes)
    for code, code_units in units.items():
        totals = code_units.totals()
        raw = coefficients_from_totals(totals, 2, n_coders)
        per_code[code] = CodeAgreement(
            as_coefficients(raw, totals, n_coders), counts_from_totals(totals, n_coders)
        )
        if code in pooled_set:
            pooled_totals = pooled_totals + totals
    micro_raw = coefficients_from_totals(pooled_totals, 2, n_coders)
    micro = CodeAgreement(
        as_coefficients(micro_raw, pooled_totals, n_coders),
        counts_from_totals(pooled_totals, n_coders),
    )
    macro = macro_mean(
        {code: row.coefficients for code, row in per_code.items() if code in pooled_set}
    )
    return AgreementResult(n_coders, per_code, micro, macro)
