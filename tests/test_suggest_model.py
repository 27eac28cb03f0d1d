"""CodeSuggester and the fake embedder on small hand-made vectors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from themekit.suggest.embedder import FakeEmbedder
from themekit.suggest.model import CodeSuggester, fit_platt


def unit(*rows: list[float]) -> np.ndarray:
    a = np.array(rows, dtype=np.float32)
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def test_fake_embedder_is_deterministic_normalised_and_counts_calls() -> None:
    fake = FakeEmbedder()
    a = fake.encode(["The funding runs out in March.", "the FUNDING runs out in march"])
    assert a.shape == (2, 384) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0)
    assert np.allclose(a[0], a[1])  # case and punctuation do not matter
    assert np.array_equal(
        a,
        FakeEmbedder().encode(["The funding runs out in March.", "the FUNDING runs out in march"]),
    )
    assert (fake.calls, fake.texts_encoded) == (1, 2)
    assert fake.encode([]).shape == (0, 384)
    assert not fake.encode(["the and of"]).any()  # only stopwords: the zero vector


def test_fake_embedder_scores_related_sentences_higher() -> None:
    v = FakeEmbedder().encode(
        [
            "Nobody knows whether the funding continues next year.",
            "The funding for the pilot may not continue.",
            "The hostel found him a bed for the night.",
        ]
    )
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.2


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=6))
def test_fake_embedder_rows_are_unit_or_zero(texts: list[str]) -> None:
    norms = np.linalg.norm(FakeEmbedder().encode(texts), axis=1)
    assert np.all(np.isclose(norms, 1.0, atol=1e-5) | (norms == 0))


PIECES = unit([1, 0, 0], [0, 1, 0], [0, 0, 1])
PIECE_CODES = np.array([0, 1, 2])


def test_zero_shot_ranks_by_prototype_and_stays_in_unit_interval() -> None:
    X = unit([0.9, 0.1, 0.0], [0.1, 0.9, 0.2], [0.0, 0.2, 1.0], [0.5, 0.5, 0.5])
    model = CodeSuggester(PIECES, PIECE_CODES).fit(X, np.zeros((4, 3), bool))
    proba = model.predict_proba(X)
    assert proba.shape == (4, 3)
    assert np.all((proba >= 0) & (proba <= 1))
    assert proba[:3].argmax(axis=1).tolist() == [0, 1, 2]
    assert not model.calibrated_
    assert (model.slope_, model.offset_) == (1.5, -4.0)
    details = model.score_details(X[:1])
    assert details.piece[0].tolist() == [0, 1, 2]
    assert not details.by_examples.any()


def test_examples_outweigh_a_misleading_definition() -> None:
    # Code 0's definition points at axis 0, but everything coded 0 sits near axis 1.
    pieces = unit([1, 0, 0], [0, 0, 1])
    X = unit(
        [0.1, 1, 0],
        [0.15, 1, 0.05],
        [0.1, 0.95, 0.1],
        [0, 0.1, 1],
        [0.05, 0, 1],
        [0.1, 1, 0.02],
        [0.9, 0.1, 0.1],
    )
    Y = np.zeros((7, 2), bool)
    Y[0:3, 0] = True
    Y[3:5, 1] = True
    model = CodeSuggester(pieces, np.array([0, 1]), prior_strength=1.0).fit(X, Y)
    assert model.n_examples_.tolist() == [3, 2]
    assert model.train_index_.tolist() == [0, 1, 2, 3, 4]
    details = model.score_details(X[5:6])
    assert details.proba[0].argmax() == 0
    assert bool(details.by_examples[0, 0])
    assert model.train_index_[details.neighbour[0, 0]] in (0, 1, 2)


def test_a_training_row_is_scored_without_itself() -> None:
    X = unit([1, 0, 0], [0, 1, 0], [0, 0, 1], [0.7, 0.7, 0])
    Y = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 0]], bool)
    model = CodeSuggester(None, None).fit(X, Y)
    # Row 0 is code 0's only example: without itself, code 0 has no examples left.
    loo = model.score_details(X[:1], np.array([0]))
    assert loo.neighbour[0, 1] == 1
    plain = model.score_details(X[:1])
    assert plain.proba[0, 0] > loo.proba[0, 0]


def test_fit_checks_shapes() -> None:
    with pytest.raises(ValueError, match="same rows"):
        CodeSuggester().fit(np.zeros((3, 2)), np.zeros((2, 2)))


def test_platt_recovers_a_known_logistic() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(size=20_000) * 2
    y = rng.random(20_000) < 1 / (1 + np.exp(-(2.0 * z - 1.0)))
    a, b = fit_platt(z, y, l2=0.0)
    assert a == pytest.approx(2.0, abs=0.1)
    assert b == pytest.approx(-1.0, abs=0.1)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_probabilities_always_in_unit_interval(seed: int) -> None:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(12, 5)).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    Y = rng.random((12, 3)) < 0.3
    P = rng.normal(size=(4, 5)).astype(np.float32)
    model = CodeSuggester(P, np.array([0, 1, 2, 2]), chunk_size=5).fit(X, Y)
    proba = model.predict_proba(X)
    assert proba.shape == (12, 3)
    assert np.all(np.isfinite(proba)) and np.all((proba >= 0) & (proba <= 1))


def test_a_background_mask_scales_on_those_rows_alone() -> None:
    X = unit([0.9, 0.1, 0.0], [0.1, 0.9, 0.2], [0.0, 0.2, 1.0], [0.5, 0.5, 0.5], [1, 1, 0])
    keep = np.array([True, True, True, False, False])
    masked = CodeSuggester(PIECES, PIECE_CODES).fit(X, np.zeros((5, 3), bool), background=keep)
    alone = CodeSuggester(PIECES, PIECE_CODES).fit(X[keep], np.zeros((3, 3), bool))
    everything = CodeSuggester(PIECES, PIECE_CODES).fit(X, np.zeros((5, 3), bool))
    assert np.allclose(masked.predict_proba(X), alone.predict_proba(X))
    assert not np.allclose(masked.predict_proba(X), everything.predict_proba(X))
    # An empty mask scales on every row, as no mask does.
    empty = CodeSuggester(PIECES, PIECE_CODES).fit(
        X, np.zeros((5, 3), bool), background=~keep & False
    )
    assert np.allclose(empty.predict_proba(X), everything.predict_proba(X))
    with pytest.raises(ValueError, match="one entry per row"):
        CodeSuggester(PIECES, PIECE_CODES).fit(X, np.zeros((5, 3), bool), background=keep[:3])
