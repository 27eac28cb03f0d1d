"""Weighted and additional coefficients against published worked examples.

Sources of the expected values (each test names its own):

* Gwet, K. L. (2019). "Weighted Chance-corrected Agreement Coefficients", vignette of
  the irrCAC R package (CRAN, irrCAC 1.0; github.com/kgwet/irrCAC,
  vignettes/weighting.html), which reproduces Gwet (2014), Handbook of Inter-Rater
  Reliability, 4th ed., chapter 3. Quadratic weights on three data sets:
  - section "Weighting ratings from a contingency table", ``cont3x3abstractors``:
    weighted kappa 0.8921569, Scott's pi 0.8921093, AC2 0.9402369,
    Brennan-Prediger 0.9175, Krippendorff's alpha 0.8926487, percent agreement 0.9725;
  - section "Weighting for a dataset of raw ratings", ``cac.raw4raters``: percent
    agreement 0.9753788, AC2 0.914, Fleiss' kappa 0.86494, Krippendorff's alpha
    0.84911, Conger's kappa 0.85771, Brennan-Prediger 0.90152;
  - section "Weighting when input data is the distribution of raters", ``distrib.6raters``:
    AC2 0.4837438, Fleiss' kappa 0.2511909, Brennan-Prediger 0.4177778.
* irrCAC overview vignette / README (same repository), ``conger.kappa.raw(cac.raw4raters)``:
  Conger's kappa 0.76282 with chance agreement 0.2334252 (Conger 1980 as in Gwet 2014).
* Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability (ASC departmental
  paper 43), the 4 observers x 12 units example with the ratio metric: alpha = .797.
* Bangdiwala's B (Bangdiwala 1985): computed by hand from the definition B = sum n_kk^2 /
  sum n_k. n_.k on the ``cont3x3abstractors`` table: (13^2 + 20^2 + 56^2) /
  (13*13 + 27*24 + 60*63) = 3705/4597; and on the husbands' and wives' ratings of sexual
  fun (Hout, Duncan and Sobel 1987; the ``SexualFun`` table of R's vcd package), for which
  Friendly and Meyer (2016), Discrete Data Analysis with R, section 4.4, print B = 0.146.
"""

from __future__ import annotations

import numpy as np
import pytest

from test_coefficients import (
    GWET_DISTRIB_6RATERS,
    KRIPPENDORFF_C,
    ratings_from_distribution,
    ratings_from_table,
    value,
)
from themekit.agree.bootstrap import bootstrap_intervals
from themekit.agree.coefficients import (
    NEEDS_TWO_CODERS,
    Coefficient,
    agreement_nominal,
    bangdiwala_b,
    nominal_units,
    weight_matrix,
    weighted_cohen_kappa,
)

ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
FIVE = [1.0, 2.0, 3.0, 4.0, 5.0]


def test_gwet_weighting_vignette_contingency_table_quadratic() -> None:
    ratings = ratings_from_table(ABSTRACTORS)
    result = agreement_nominal(ratings, [0, 1, 2], values=[1, 2, 3], weights="quadratic")
    assert value(result, "cohen_kappa_weighted") == pytest.approx(0.8921569, abs=5e-8)
    # Fleiss' kappa with two coders and no missing data is Scott's pi.
    assert value(result, "fleiss_kappa_weighted") == pytest.approx(0.8921093, abs=5e-8)
    assert value(result, "gwet_ac2") == pytest.approx(0.9402369, abs=5e-8)
    assert value(result, "brennan_prediger_weighted") == pytest.approx(0.9175, abs=5e-8)
    assert value(result, "krippendorff_alpha_interval") == pytest.approx(0.8926487, abs=5e-8)
    assert value(result, "percent_agreement_weighted") == pytest.approx(0.9725, abs=5e-8)
    # Conger's kappa with two coders is Cohen's kappa.
    assert value(result, "conger_kappa_weighted") == pytest.approx(0.8921569, abs=5e-8)


def test_gwet_weighting_vignette_raw_ratings_four_raters_quadratic() -> None:
    result = agreement_nominal(KRIPPENDORFF_C, FIVE, values=FIVE, weights="quadratic")
    assert value(result, "percent_agreement_weighted") == pytest.approx(0.9753788, abs=5e-8)
    assert value(result, "gwet_ac2") == pytest.approx(0.914, abs=5e-4)
    assert value(result, "fleiss_kappa_weighted") == pytest.approx(0.86494, abs=5e-6)
    assert value(result, "krippendorff_alpha_interval") == pytest.approx(0.84911, abs=5e-6)
    assert value(result, "conger_kappa_weighted") == pytest.approx(0.85771, abs=5e-6)
    assert value(result, "brennan_prediger_weighted") == pytest.approx(0.90152, abs=5e-6)
    assert result["cohen_kappa_weighted"] == Coefficient(None, NEEDS_TWO_CODERS)


def test_gwet_weighting_vignette_distribution_of_six_raters_quadratic() -> None:
    ratings = ratings_from_distribution(GWET_DISTRIB_6RATERS)
    result = agreement_nominal(ratings, [0, 1, 2, 3, 4], values=FIVE, weights="quadratic")
    assert value(result, "gwet_ac2") == pytest.approx(0.4837438, abs=5e-8)
    assert value(result, "fleiss_kappa_weighted") == pytest.approx(0.2511909, abs=5e-8)
    assert value(result, "brennan_prediger_weighted") == pytest.approx(0.4177778, abs=5e-8)
    assert value(result, "percent_agreement_weighted") == pytest.approx(0.8544444, abs=5e-8)


def test_conger_1980_as_in_gwet_irrcac_overview() -> None:
    result = agreement_nominal(KRIPPENDORFF_C, FIVE)
    conger = value(result, "conger_kappa")
    assert conger == pytest.approx(0.76282, abs=5e-6)
    chance = (value(result, "percent_agreement") - conger) / (1 - conger)
    assert chance == pytest.approx(0.2334252, abs=2e-7)


def test_krippendorff_2011_ratio_alpha() -> None:
    result = agreement_nominal(KRIPPENDORFF_C, FIVE, values=FIVE)
    assert value(result, "krippendorff_alpha_ratio") == pytest.approx(0.797, abs=5e-4)


def test_ratio_alpha_matches_krippendorff_package() -> None:
    import krippendorff

    rng = np.random.default_rng(5)
    categories = [1.0, 2.0, 4.0, 7.0]
    for _ in range(10):
        ratings = rng.choice(categories, size=(50, 3))
        ratings[rng.random(ratings.shape) < 0.2] = np.nan
        ours = agreement_nominal(ratings, categories, values=categories)
        theirs = krippendorff.alpha(
            reliability_data=ratings.T, level_of_measurement="ratio", value_domain=categories
        )
        assert value(ours, "krippendorff_alpha_ratio") == pytest.approx(theirs, abs=1e-10)


def test_ratio_alpha_is_left_out_when_a_value_is_not_positive() -> None:
    result = agreement_nominal(KRIPPENDORFF_C, FIVE, values=[0.0, 1.0, 2.0, 3.0, 4.0])
    assert "krippendorff_alpha_ratio" not in result
    assert "krippendorff_alpha_interval" in result


def test_bangdiwala_b_by_hand_on_the_abstractors_table() -> None:
    assert float(bangdiwala_b(np.array(ABSTRACTORS))) == pytest.approx(3705 / 4597)
    result = agreement_nominal(ratings_from_table(ABSTRACTORS), [0, 1, 2])
    assert value(result, "bangdiwala_b") == pytest.approx(3705 / 4597)
    # Perfect agreement gives 1.
    assert float(bangdiwala_b(np.diag([3, 4, 5]))) == pytest.approx(1.0)


def test_bangdiwala_b_on_the_sexual_fun_table() -> None:
    """Rows the husband's rating, columns the wife's (never, fairly often, very often,
    almost always fun): B = (7^2 + 8^2 + 4^2 + 14^2) / (19*12 + 20*28 + 19*18 + 33*33)."""
    sexual_fun = [[7, 7, 2, 3], [2, 8, 3, 7], [1, 5, 4, 9], [2, 8, 9, 14]]
    b = float(bangdiwala_b(np.array(sexual_fun)))
    assert b == pytest.approx(325 / 2219)
    assert round(b, 3) == 0.146


def test_linear_weighted_kappa_matches_sklearn() -> None:
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(3)
    a = rng.integers(0, 4, size=300)
    b = np.clip(a + rng.integers(-1, 2, size=300), 0, 3)
    for scheme in ("linear", "quadratic"):
        ours = agreement_nominal(
            np.column_stack([a, b]), [0, 1, 2, 3], values=[0, 1, 2, 3], weights=scheme
        )
        theirs = cohen_kappa_score(a, b, weights=scheme)
        assert value(ours, "cohen_kappa_weighted") == pytest.approx(theirs, abs=1e-12)


def test_custom_identity_weights_give_the_unweighted_coefficients() -> None:
    ratings = ratings_from_table(ABSTRACTORS)
    unweighted = agreement_nominal(ratings, [0, 1, 2])
    custom = agreement_nominal(ratings, [0, 1, 2], values=[1, 2, 3], weights=np.eye(3))
    assert value(custom, "cohen_kappa_weighted") == pytest.approx(value(unweighted, "cohen_kappa"))
    assert value(custom, "gwet_ac2") == pytest.approx(value(unweighted, "gwet_ac1"))
    assert value(custom, "brennan_prediger_weighted") == pytest.approx(
        value(unweighted, "brennan_prediger")
    )
    assert value(custom, "conger_kappa_weighted") == pytest.approx(
        value(unweighted, "conger_kappa")
    )


def test_weight_matrix_linear_and_refusals() -> None:
    assert weight_matrix("linear", [1, 2, 3]).tolist() == [
        [1.0, 0.5, 0.0],
        [0.5, 1.0, 0.5],
        [0.0, 0.5, 1.0],
    ]
    with pytest.raises(ValueError, match="diagonal"):
        weight_matrix(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="unknown weights"):
        weight_matrix("cubic", [1, 2])
    # A plain table and batched tables give the same weighted kappa.
    single = weighted_cohen_kappa(np.array(ABSTRACTORS), weight_matrix("quadratic", [1, 2, 3]))
    batched = weighted_cohen_kappa(
        np.stack([np.array(ABSTRACTORS)] * 2), weight_matrix("quadratic", [1, 2, 3])
    )
    assert np.allclose(batched, single)


def test_bootstrap_gives_an_interval_for_every_new_coefficient() -> None:
    stats = nominal_units(KRIPPENDORFF_C, FIVE)
    boot = bootstrap_intervals({"d": stats}, resamples=200, seed=1, values=FIVE)
    intervals = boot.per_code["d"]
    for name in (
        "conger_kappa",
        "conger_kappa_weighted",
        "fleiss_kappa_weighted",
        "gwet_ac2",
        "brennan_prediger_weighted",
        "krippendorff_alpha_ratio",
        "percent_agreement_weighted",
    ):
        assert intervals[name].defined, name
        assert intervals[name].low is not None and intervals[name].high is not None
        assert intervals[name].low <= intervals[name].high
    two = nominal_units(ratings_from_table(ABSTRACTORS), [0, 1, 2])
    boot_two = bootstrap_intervals({"d": two}, resamples=200, seed=1, values=[1, 2, 3])
    for name in ("cohen_kappa_weighted", "bangdiwala_b"):
        interval = boot_two.per_code["d"][name]
        assert interval.defined and interval.low is not None
        assert interval.low <= 3705 / 4597 + 0.2
