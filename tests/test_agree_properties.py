"""Invariants of the agreement coefficients and the bootstrap (hypothesis).

* identical coders give 1 (or "n/a: no variation" where undefined);
* every coefficient is symmetric in the coders (the bias index changes sign when the
  two coders swap) and invariant under unit order;
* units nobody rated, or rated by one coder only, change nothing that uses pairs;
* values stay within their bounds;
* the vectorised bootstrap equals a plain loop over resamples with the same draws.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from themekit.agree.bootstrap import bootstrap_ci, bootstrap_intervals
from themekit.agree.coefficients import (
    NO_VARIATION,
    agreement_binary,
    agreement_nominal,
    binary_units,
    nominal_units,
)

CHANCE_CORRECTED = (
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "scott_pi",
    "gwet_ac1",
    "brennan_prediger",
)


@st.composite
def binary_ratings(draw: st.DrawFn, coders: int | None = None, missing: bool = True) -> np.ndarray:
    n_units = draw(st.integers(1, 25))
    n_coders = coders if coders is not None else draw(st.integers(2, 4))
    values = draw(arrays(np.float64, (n_units, n_coders), elements=st.sampled_from([0.0, 1.0])))
    if missing:
        mask = draw(arrays(np.bool_, (n_units, n_coders)))
        values[mask & (draw(st.floats(0, 1)) < 0.5)] = np.nan
    return values


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < 1e-9


@given(binary_ratings(missing=False))
def test_identical_coders_agree_perfectly(ratings: np.ndarray) -> None:
    copies = np.repeat(ratings[:, :1], ratings.shape[1], axis=1)
    result = agreement_binary(copies)
    assert result["percent_agreement"].value == 1.0
    for name in CHANCE_CORRECTED:
        if ratings.shape[1] != 2 and name in ("cohen_kappa", "scott_pi"):
            continue
        figure = result[name]
        assert figure.value == 1.0 or figure.note == NO_VARIATION, (name, figure)


@given(binary_ratings(), st.randoms())
def test_invariant_under_coder_and_unit_order(ratings: np.ndarray, random) -> None:
    coder_order = list(range(ratings.shape[1]))
    random.shuffle(coder_order)
    unit_order = list(range(ratings.shape[0]))
    random.shuffle(unit_order)
    original = agreement_binary(ratings)
    shuffled = agreement_binary(ratings[unit_order][:, coder_order])
    swapped_pair = ratings.shape[1] == 2 and coder_order == [1, 0]
    for name, figure in original.items():
        other = shuffled[name]
        if name == "bias_index" and swapped_pair and figure.value is not None:
            assert other.value is not None and close(other.value, -figure.value)
        else:
            assert close(figure.value, other.value), name
            assert figure.note == other.note


@given(binary_ratings())
def test_units_without_a_pair_change_nothing_pairwise(ratings: np.ndarray) -> None:
    lonely = np.full((3, ratings.shape[1]), np.nan)
    lonely[0, 0] = 1.0  # rated by one coder only
    lonely[1, -1] = 0.0
    before = agreement_binary(ratings)
    after = agreement_binary(np.vstack([ratings, lonely]))
    for name in ("percent_agreement", "krippendorff_alpha", "cohen_kappa", "scott_pi"):
        assert close(before[name].value, after[name].value), name
    # A unit nobody rated changes nothing at all.
    untouched = agreement_binary(np.vstack([ratings, np.full((1, ratings.shape[1]), np.nan)]))
    for name, figure in before.items():
        assert close(figure.value, untouched[name].value), name
        assert figure.note == untouched[name].note


@given(binary_ratings())
def test_values_within_bounds(ratings: np.ndarray) -> None:
    result = agreement_binary(ratings)
    for name, figure in result.items():
        assert figure.value is None or np.isfinite(figure.value)
        if figure.value is None:
            continue
        if name == "percent_agreement":
            assert 0.0 <= figure.value <= 1.0
        elif name in ("prevalence_index", "bias_index"):
            assert -1.0 <= figure.value <= 1.0
        elif name == "fleiss_kappa" and np.isnan(ratings).any():
            # Gwet's prevalence uses singly rated units too, so no lower bound of -1.
            assert figure.value <= 1.0 + 1e-12
        else:
            assert -1.0 - 1e-12 <= figure.value <= 1.0 + 1e-12, (name, figure)


@given(binary_ratings(coders=2, missing=False))
def test_two_coder_fleiss_kappa_is_scotts_pi(ratings: np.ndarray) -> None:
    result = agreement_binary(ratings)
    assert close(result["fleiss_kappa"].value, result["scott_pi"].value)


@settings(max_examples=50)
@given(
    arrays(np.int64, st.tuples(st.integers(2, 20), st.integers(2, 4)), elements=st.integers(-1, 3))
)
def test_nominal_alpha_matches_krippendorff_package(codes: np.ndarray) -> None:
    import krippendorff

    ratings = np.where(codes < 0, np.nan, codes.astype(float))
    ours = agreement_nominal(ratings, [0.0, 1.0, 2.0, 3.0])["krippendorff_alpha"]
    pairable = (np.sum(~np.isnan(ratings), axis=1) >= 2).sum()
    values_present = np.unique(ratings[~np.isnan(ratings)])
    if ours.value is None or pairable == 0 or values_present.size < 2:
        return  # the package raises or returns nan here; we report n/a
    theirs = krippendorff.alpha(reliability_data=ratings.T, level_of_measurement="nominal")
    assert ours.value == pytest.approx(theirs, abs=1e-10)


# -- bootstrap ------------------------------------------------------------------------------


def plain_bootstrap(codes: dict[str, np.ndarray], resamples: int, seed: int) -> dict[str, list]:
    """The textbook loop, drawing the same indices as the vectorised version."""
    rng = np.random.default_rng(seed)
    n_units = next(iter(codes.values())).shape[0]
    draws = rng.integers(0, n_units, size=(resamples, n_units))
    return {
        code: [agreement_binary(ratings[row]) for row in draws] for code, ratings in codes.items()
    }


def test_bootstrap_equals_plain_loop_with_same_draws() -> None:
    rng = np.random.default_rng(2)
    codes = {
        "common": (rng.random((40, 2)) < 0.5).astype(float),
        "rare": (rng.random((40, 2)) < 0.1).astype(float),
    }
    result = bootstrap_ci(codes, n=200, level=0.9, seed=123)
    loop = plain_bootstrap(codes, 200, 123)
    for code in codes:
        for name in ("cohen_kappa", "krippendorff_alpha", "gwet_ac1", "percent_agreement"):
            replicates = np.array(
                [r[name].value if r[name].value is not None else np.nan for r in loop[code]]
            )
            finite = replicates[np.isfinite(replicates)]
            low, high = np.quantile(finite, [0.05, 0.95])
            interval = result.per_code[code][name]
            assert interval.low == pytest.approx(low, abs=1e-12)
            assert interval.high == pytest.approx(high, abs=1e-12)
            assert interval.undefined == replicates.size - finite.size


def test_bootstrap_pooled_uses_the_same_units_for_every_code() -> None:
    rng = np.random.default_rng(4)
    codes = {c: (rng.random((30, 3)) < 0.4).astype(float) for c in ("a", "b", "c")}
    result = bootstrap_ci(codes, n=100, level=0.95, seed=9)
    draws = np.random.default_rng(9).integers(0, 30, size=(100, 30))
    pooled = [
        agreement_binary(np.vstack([codes[c][row] for c in codes]))["krippendorff_alpha"].value
        for row in draws
    ]
    low, high = np.quantile(pooled, [0.025, 0.975])
    assert result.micro["krippendorff_alpha"].low == pytest.approx(low, abs=1e-12)
    assert result.micro["krippendorff_alpha"].high == pytest.approx(high, abs=1e-12)


def test_bootstrap_is_reproducible_with_a_seed() -> None:
    rng = np.random.default_rng(8)
    units = {"x": binary_units((rng.random((50, 2)) < 0.3).astype(float))}
    first = bootstrap_intervals(units, resamples=300, seed=17)
    second = bootstrap_intervals(units, resamples=300, seed=17)
    other = bootstrap_intervals(units, resamples=300, seed=18)
    assert first == second
    assert first.per_code["x"]["cohen_kappa"] != other.per_code["x"]["cohen_kappa"]


def test_bootstrap_undefined_everywhere_gives_a_note() -> None:
    result = bootstrap_ci({"flat": np.zeros((10, 2))}, n=20, seed=1)
    interval = result.per_code["flat"]["cohen_kappa"]
    assert (interval.low, interval.high, interval.note) == (None, None, NO_VARIATION)
    assert interval.format() == NO_VARIATION
    assert result.per_code["flat"]["gwet_ac1"].format() == "[1.000, 1.000]"


def test_bootstrap_of_a_nominal_domain_with_values() -> None:
    rng = np.random.default_rng(6)
    truth = rng.integers(0, 3, size=60)
    ratings = np.column_stack([truth, np.where(rng.random(60) < 0.8, truth, 2)]).astype(float)
    units = {"domain": nominal_units(ratings, [0.0, 1.0, 2.0])}
    result = bootstrap_intervals(units, resamples=200, seed=3, values=[0.0, 1.0, 2.0])
    interval = result.per_code["domain"]["krippendorff_alpha_interval"]
    point = agreement_nominal(ratings, [0.0, 1.0, 2.0], values=[0.0, 1.0, 2.0])
    estimate = point["krippendorff_alpha_interval"].value
    assert interval.low is not None and interval.high is not None and estimate is not None
    assert interval.low < estimate < interval.high


def test_bootstrap_rejects_codes_with_different_units() -> None:
    with pytest.raises(ValueError, match="same units"):
        bootstrap_ci({"a": np.zeros((5, 2)), "b": np.zeros((6, 2))}, n=10)


def test_bootstrap_pooled_over_chosen_codes_uses_only_their_statistics() -> None:
    rng = np.random.default_rng(4)
    stats = {
        name: binary_units((rng.random((40, 2)) < 0.3).astype(float)) for name in ("a", "b", "c")
    }
    chosen = bootstrap_intervals(stats, resamples=50, seed=3, pooled_codes=["a", "c"])
    alone = bootstrap_intervals({"a": stats["a"], "c": stats["c"]}, resamples=50, seed=3)
    assert chosen.micro == alone.micro
    assert chosen.macro == alone.macro
    assert chosen.per_code["b"]["cohen_kappa"] is not None
