"""Agreement coefficients against published worked examples and independent packages.

Sources of the expected values (each test names its own):

* Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School
  for Communication, University of Pennsylvania, Departmental Papers (ASC) 43.
  Section A (binary data, two observers, no missing data): alpha = 0.095.
  Section C (nominal data, any number of observers, missing data), 4 observers x 12
  units: nominal alpha = 0.743; the same data with the ordinal and interval metrics
  (sections D, E): 0.815 and 0.849.
* Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
  Psychological Bulletin 76(5), 378-382. Table 1 (30 patients x 6 psychiatrists x 5
  diagnoses) and the worked computation: P-bar = .556, P-bar_e = .220, kappa = .430.
* Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed., as computed by the
  author's irrCAC package (README of github.com/kgwet/irrCAC, datasets
  ``cont3x3abstractors``, ``distrib.6raters`` and ``cac.raw4raters``).
* Feinstein, A. R. & Cicchetti, D. V. (1990). High agreement but low kappa: I. The
  problems of two paradoxes. J Clin Epidemiol 43(6), 543-549: two 2x2 tables with the
  same 85% agreement and kappa .70 versus .32.
* QSR International, NVivo help "Run a coding comparison query": 1,000 characters, 50
  coded by both users, 150 by one, 800 by neither -> percentage agreement 85%.
"""

from __future__ import annotations

import numpy as np
import pytest

from themekit.agree.coefficients import (
    NEEDS_TWO_CODERS,
    NO_PAIRS,
    NO_VARIATION,
    Coefficient,
    DecisionCounts,
    agreement_binary,
    agreement_from_counts,
    agreement_nominal,
    binary_units,
    character_units,
    confusion_matrix,
    decision_counts,
    nominal_units,
    per_code_and_pooled,
)

NA = np.nan

# Krippendorff (2011), section C: rows are units, columns observers A-D. Unit 12 is
# rated by one observer only (C), as in Gwet's cac.raw4raters copy of the example.
KRIPPENDORFF_C = [
    [1, 1, NA, 1],
    [2, 2, 3, 2],
    [3, 3, 3, 3],
    [3, 3, 3, 3],
    [2, 2, 2, 2],
    [1, 2, 3, 4],
    [4, 4, 4, 4],
    [1, 1, 2, 1],
    [2, 2, 2, 2],
    [NA, 5, 5, 5],
    [NA, NA, 1, 1],
    [NA, NA, 3, NA],
]

# Krippendorff (2011), section A: observers A and B on ten units.
KRIPPENDORFF_A = np.array(
    [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]], dtype=float
).T

# Fleiss (1971) Table 1: the diagnoses (1 depression, 2 personality disorder,
# 3 schizophrenia, 4 neurosis, 5 other) given to each of 30 patients by 6 raters.
FLEISS_1971 = [
    (4, 4, 4, 4, 4, 4),
    (2, 2, 2, 5, 5, 5),
    (2, 3, 3, 3, 3, 5),
    (5, 5, 5, 5, 5, 5),
    (2, 2, 2, 4, 4, 4),
    (1, 1, 3, 3, 3, 3),
    (3, 3, 3, 3, 5, 5),
    (1, 1, 3, 3, 3, 4),
    (1, 1, 4, 4, 4, 4),
    (5, 5, 5, 5, 5, 5),
    (1, 4, 4, 4, 4, 4),
    (1, 2, 4, 4, 4, 4),
    (2, 2, 2, 3, 3, 3),
    (1, 4, 4, 4, 4, 4),
    (2, 2, 4, 4, 4, 5),
    (3, 3, 3, 3, 3, 5),
    (1, 1, 1, 4, 5, 5),
    (1, 1, 1, 1, 1, 2),
    (2, 2, 4, 4, 4, 4),
    (1, 3, 3, 5, 5, 5),
    (5, 5, 5, 5, 5, 5),
    (2, 4, 4, 4, 4, 4),
    (2, 2, 4, 5, 5, 5),
    (1, 1, 4, 4, 4, 4),
    (1, 4, 4, 4, 4, 5),
    (2, 2, 2, 2, 2, 4),
    (1, 1, 1, 1, 5, 5),
    (2, 2, 4, 4, 4, 4),
    (1, 3, 3, 3, 3, 3),
    (5, 5, 5, 5, 5, 5),
]

# Gwet (2014) / irrCAC distrib.6raters: raters per category (depression, personality
# disorder, schizophrenia, neurosis, other) for 15 patients.
GWET_DISTRIB_6RATERS = [
    (0, 0, 0, 6, 0),
    (0, 3, 0, 0, 3),
    (0, 1, 4, 0, 1),
    (0, 0, 0, 0, 6),
    (0, 3, 0, 3, 0),
    (2, 0, 4, 0, 0),
    (0, 0, 4, 0, 2),
    (2, 0, 3, 1, 0),
    (2, 0, 0, 4, 0),
    (0, 0, 0, 0, 6),
    (1, 0, 0, 5, 0),
    (1, 1, 0, 4, 0),
    (0, 3, 3, 0, 0),
    (1, 0, 0, 5, 0),
    (0, 2, 0, 3, 1),
]


def ratings_from_table(table: list[list[int]]) -> list[list[int]]:
    """Two-coder ratings (one row per unit) from a contingency table (rows A, columns B)."""
    rows: list[list[int]] = []
    for a, counts in enumerate(table):
        for b, count in enumerate(counts):
            rows += [[a, b]] * count
    return rows


def ratings_from_distribution(distribution: list[tuple[int, ...]]) -> list[list[int]]:
    """One rater column per rating, from counts of raters per category."""
    return [
        [category for category, count in enumerate(row) for _ in range(count)]
        for row in distribution
    ]


def value(result: dict[str, Coefficient], name: str) -> float:
    figure = result[name].value
    assert figure is not None, result[name].note
    return figure


# -- Krippendorff (2011) ------------------------------------------------------------------


def test_krippendorff_2011_section_a_binary_two_observers() -> None:
    result = agreement_binary(KRIPPENDORFF_A)
    assert value(result, "krippendorff_alpha") == pytest.approx(0.095, abs=5e-4)
    assert value(result, "percent_agreement") == pytest.approx(0.6)


def test_krippendorff_2011_section_c_four_observers_with_missing_data() -> None:
    categories = [1.0, 2.0, 3.0, 4.0, 5.0]
    result = agreement_nominal(KRIPPENDORFF_C, categories, values=categories)
    assert value(result, "krippendorff_alpha") == pytest.approx(0.743, abs=5e-4)
    assert value(result, "krippendorff_alpha_ordinal") == pytest.approx(0.815, abs=5e-4)
    assert value(result, "krippendorff_alpha_interval") == pytest.approx(0.849, abs=5e-4)


def test_krippendorff_ordinal_alpha_uses_rank_order_of_values_not_list_order() -> None:
    shuffled = [3.0, 1.0, 5.0, 2.0, 4.0]
    result = agreement_nominal(KRIPPENDORFF_C, shuffled, values=shuffled)
    assert value(result, "krippendorff_alpha_ordinal") == pytest.approx(0.815, abs=5e-4)
    assert value(result, "krippendorff_alpha_interval") == pytest.approx(0.849, abs=5e-4)


# -- Gwet (2014), irrCAC ------------------------------------------------------------------


def test_gwet_2014_raw_ratings_with_missing_data() -> None:
    # irrCAC README, cac.raw4raters (the Krippendorff data above).
    result = agreement_nominal(KRIPPENDORFF_C, [1.0, 2.0, 3.0, 4.0, 5.0])
    assert value(result, "percent_agreement") == pytest.approx(0.8181818, abs=1e-7)
    assert value(result, "gwet_ac1") == pytest.approx(0.77544, abs=5e-6)
    assert value(result, "fleiss_kappa") == pytest.approx(0.76117, abs=5e-6)
    assert value(result, "krippendorff_alpha") == pytest.approx(0.74342, abs=5e-6)
    assert value(result, "brennan_prediger") == pytest.approx(0.77273, abs=5e-6)
    assert result["cohen_kappa"] == Coefficient(None, NEEDS_TWO_CODERS)


def test_gwet_2014_contingency_table_two_raters_three_categories() -> None:
    # irrCAC README, cont3x3abstractors.
    ratings = ratings_from_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]])
    result = agreement_nominal(ratings, [0, 1, 2])
    assert value(result, "cohen_kappa") == pytest.approx(0.7964094, abs=1e-7)
    assert value(result, "scott_pi") == pytest.approx(0.7962397, abs=1e-7)
    assert value(result, "gwet_ac1") == pytest.approx(0.8493305, abs=1e-7)
    assert value(result, "brennan_prediger") == pytest.approx(0.835, abs=1e-9)
    assert value(result, "krippendorff_alpha") == pytest.approx(0.7972585, abs=1e-7)
    assert value(result, "percent_agreement") == pytest.approx(0.89, abs=1e-9)


def test_gwet_2014_distribution_of_six_raters() -> None:
    # irrCAC README, distrib.6raters.
    ratings = ratings_from_distribution(GWET_DISTRIB_6RATERS)
    result = agreement_nominal(ratings, [0, 1, 2, 3, 4])
    assert value(result, "percent_agreement") == pytest.approx(0.5511111, abs=1e-7)
    assert value(result, "gwet_ac1") == pytest.approx(0.4448007, abs=1e-7)
    assert value(result, "fleiss_kappa") == pytest.approx(0.4139265, abs=1e-7)
    assert value(result, "krippendorff_alpha") == pytest.approx(0.4204384, abs=1e-7)
    assert value(result, "brennan_prediger") == pytest.approx(0.4388889, abs=1e-7)


# -- Fleiss (1971) ------------------------------------------------------------------------


def test_fleiss_1971_table_1() -> None:
    result = agreement_nominal(FLEISS_1971, [1, 2, 3, 4, 5])
    assert value(result, "percent_agreement") == pytest.approx(0.556, abs=5e-4)
    assert value(result, "fleiss_kappa") == pytest.approx(0.430, abs=5e-4)
    # P-bar_e = .220, recovered from kappa and P-bar.
    p_bar = value(result, "percent_agreement")
    kappa = value(result, "fleiss_kappa")
    assert (p_bar - kappa) / (1 - kappa) == pytest.approx(0.220, abs=5e-4)


# -- Feinstein & Cicchetti (1990), Byrt, Bishop & Carlin (1993) ----------------------------


@pytest.mark.parametrize(
    ("both", "a_only", "b_only", "neither", "kappa"),
    [(40, 9, 6, 45, 0.70), (80, 10, 5, 5, 0.32)],
)
def test_feinstein_cicchetti_1990_same_agreement_different_kappa(
    both: int, a_only: int, b_only: int, neither: int, kappa: float
) -> None:
    result = agreement_from_counts(both, a_only, b_only, neither)
    assert value(result, "percent_agreement") == pytest.approx(0.85)
    assert round(value(result, "cohen_kappa"), 2) == kappa
    # Byrt et al.'s PABAK = 2 p_o - 1, which is Brennan-Prediger with two categories.
    assert value(result, "brennan_prediger") == pytest.approx(0.70)


def test_byrt_prevalence_and_bias_indices() -> None:
    # PI = (a - d) / N, BI = (b - c) / N with a = both, b = A only, c = B only, d = neither.
    result = agreement_from_counts(80, 10, 5, 5)
    assert value(result, "prevalence_index") == pytest.approx(0.75)
    assert value(result, "bias_index") == pytest.approx(0.05)


def test_nvivo_help_percentage_agreement_example() -> None:
    # 50 both, 150 by one user (split here as 100 / 50), 800 neither: 85%.
    result = agreement_from_counts(50, 100, 50, 800)
    assert value(result, "percent_agreement") == pytest.approx(0.85)
    # NVivo's kappa: EF1 = 150 * 100 / 1000, EF2 = 850 * 900 / 1000,
    # K = (850 - 780) / (1000 - 780).
    assert value(result, "cohen_kappa") == pytest.approx(70 / 220)


# -- Independent implementations ------------------------------------------------------------


def test_matches_krippendorff_package_on_random_data_with_missing_values() -> None:
    import krippendorff

    rng = np.random.default_rng(7)
    for _ in range(20):
        ratings = rng.integers(0, 4, size=(60, 3)).astype(float)
        ratings[rng.random(ratings.shape) < 0.2] = np.nan
        ours = agreement_nominal(ratings, [0.0, 1.0, 2.0, 3.0], values=[0.0, 1.0, 2.0, 3.0])
        for level, name in [
            ("nominal", "krippendorff_alpha"),
            ("ordinal", "krippendorff_alpha_ordinal"),
            ("interval", "krippendorff_alpha_interval"),
        ]:
            theirs = krippendorff.alpha(reliability_data=ratings.T, level_of_measurement=level)
            assert value(ours, name) == pytest.approx(theirs, abs=1e-10)


def test_matches_sklearn_cohen_kappa() -> None:
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(11)
    for k in (2, 3, 5):
        a = rng.integers(0, k, size=200)
        b = np.where(rng.random(200) < 0.6, a, rng.integers(0, k, size=200))
        ours = agreement_nominal(np.column_stack([a, b]), list(range(k)))
        assert value(ours, "cohen_kappa") == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


# -- Undefined values, counts, confusion matrix ------------------------------------------------


def test_no_variation_is_reported_not_nan() -> None:
    result = agreement_binary(np.zeros((8, 2)))
    for name in ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "scott_pi"):
        assert result[name] == Coefficient(None, NO_VARIATION)
    # AC1 and Brennan-Prediger stay defined: their chance agreement does not depend on
    # the observed prevalence reaching 0 or 1.
    assert result["gwet_ac1"] == Coefficient(1.0)
    assert result["brennan_prediger"] == Coefficient(1.0)
    assert result["percent_agreement"] == Coefficient(1.0)
    assert result["cohen_kappa"].format() == "n/a: no variation"


def test_no_unit_rated_twice_says_so() -> None:
    result = agreement_binary([[1, NA], [NA, 0], [NA, NA]])
    assert result["percent_agreement"] == Coefficient(None, NO_PAIRS)
    assert result["krippendorff_alpha"] == Coefficient(None, NO_PAIRS)


def test_coefficient_refuses_nan_and_unexplained_none() -> None:
    with pytest.raises(ValueError, match="finite"):
        Coefficient(float("nan"))
    with pytest.raises(ValueError, match="note"):
        Coefficient(None)
    assert Coefficient(0.74342).format() == "0.743"


def test_binary_ratings_are_validated() -> None:
    with pytest.raises(ValueError, match="0, 1 or NaN"):
        agreement_binary([[0, 2], [1, 1]])
    with pytest.raises(ValueError, match="2-D"):
        agreement_binary([0, 1, 1])


def test_nominal_rating_outside_categories_is_named() -> None:
    with pytest.raises(ValueError, match="'maybe' is not one of the categories"):
        agreement_nominal([["yes", "maybe"]], ["yes", "no"])


def test_decision_counts_two_coders() -> None:
    ratings = [[1, 1], [1, 0], [0, 1], [0, 1], [0, 0], [NA, 1]]
    assert decision_counts(binary_units(ratings)) == DecisionCounts(
        units=5, both=1, neither=1, split=3, a_only=1, b_only=2
    )


def test_decision_counts_three_coders() -> None:
    ratings = [[1, 1, 1], [1, 0, 1], [0, 0, 0], [0, 0, NA], [1, NA, NA]]
    assert decision_counts(binary_units(ratings)) == DecisionCounts(
        units=4, both=1, neither=2, split=1
    )


def test_confusion_matrix_rows_are_first_coder() -> None:
    a = ["low", "low", "high", "mid", None]
    b = ["low", "high", "high", "low", "low"]
    matrix = confusion_matrix(a, b, ["low", "mid", "high"])
    assert matrix.tolist() == [[1, 0, 1], [1, 0, 0], [0, 0, 1]]


def test_nominal_with_two_categories_equals_binary() -> None:
    rng = np.random.default_rng(3)
    ratings = rng.integers(0, 2, size=(40, 3)).astype(float)
    ratings[rng.random(ratings.shape) < 0.1] = np.nan
    binary = agreement_binary(ratings)
    nominal = agreement_nominal(ratings, [0.0, 1.0])
    for name, figure in nominal.items():
        assert figure == binary[name]


# -- Pooling and characters ------------------------------------------------------------------------


def test_micro_pooling_equals_stacking_all_code_unit_decisions() -> None:
    rng = np.random.default_rng(5)
    codes = {f"c{i}": (rng.random((30, 2)) < 0.3).astype(float) for i in range(4)}
    result = per_code_and_pooled(codes)
    stacked = agreement_binary(np.vstack(list(codes.values())))
    assert result.micro.coefficients == stacked
    assert result.micro.counts.units == 120


def test_macro_mean_leaves_out_undefined_codes_and_says_so() -> None:
    varied = np.array([[1, 1], [1, 0], [0, 0], [0, 0], [0, 1], [1, 1]], dtype=float)
    constant = np.zeros((6, 2))
    result = per_code_and_pooled({"varied": varied, "constant": constant})
    kappa = result.per_code["varied"].coefficients["cohen_kappa"].value
    assert result.per_code["constant"].coefficients["cohen_kappa"].note == NO_VARIATION
    assert result.macro["cohen_kappa"] == Coefficient(kappa, "mean of 1 of 2 codes (1 n/a)")
    assert result.macro["percent_agreement"] == Coefficient((4 / 6 + 1.0) / 2)


def test_character_tables_pool_by_adding_counts() -> None:
    tables = [[50, 100, 50, 800], [10, 0, 30, 160]]
    pooled = per_code_and_pooled({"code": character_units(tables)})
    summed = agreement_from_counts(60, 100, 80, 960)
    assert pooled.per_code["code"].coefficients == summed
    assert pooled.per_code["code"].counts == DecisionCounts(
        units=1200, both=60, neither=960, split=180, a_only=100, b_only=80
    )


def test_units_statistics_compress_repeated_patterns() -> None:
    ratings = np.tile([[1, 0, 1], [0, 0, 0]], (5000, 1)).astype(float)
    units = binary_units(ratings)
    assert units.n_patterns == 2
    assert units.n_units == 10000
    assert nominal_units([["a", "b"], ["b", "b"]], ["a", "b"]).pairable_units == 2
