"""The stacked suggester's scores, the floor and the summary (fake embedder; known answers).

The calibration test builds a synthetic set whose right answers are known: each code is a
direction in vector space, each segment a noisy mix near one code. Trained on part of it,
the scores of the held-out top-3 suggestions must mean what they say (small ECE), and the
ranking must be at least as good as a plain classifier's on the same vectors.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from helpers_suggest import build
from themekit.coding.coders import add_coder
from themekit.project import Project
from themekit.suggest.stack import (
    ZERO_SHOT_GAP,
    ZERO_SHOT_MARGIN,
    ZERO_SHOT_RANK,
    StackedSuggester,
    zero_shot_design,
    zero_shot_proba,
)


def _known_set(
    n_codes: int, per_code: int, noise: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_codes, 32))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    labels = np.repeat(np.arange(n_codes), per_code)
    X = centres[labels] + noise * rng.normal(size=(labels.size, 32))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    Y = np.zeros((labels.size, n_codes), dtype=bool)
    Y[np.arange(labels.size), labels] = True
    return X.astype(np.float32), Y, centres.astype(np.float32)


def _ece(conf: np.ndarray, right: np.ndarray) -> float:
    which = np.minimum((conf * 10).astype(int), 9)
    return float(
        sum(
            (which == b).sum() * abs(conf[which == b].mean() - right[which == b].mean())
            for b in range(10)
            if (which == b).any()
        )
        / conf.size
    )


def test_held_out_scores_are_calibrated_and_rank_at_least_as_well_as_a_classifier() -> None:
    from sklearn.linear_model import LogisticRegression

    X, Y, centres = _known_set(n_codes=8, per_code=60, noise=0.22, seed=3)
    rng = np.random.default_rng(0)
    train = rng.random(X.shape[0]) < 0.5
    Y_fit = np.where(train[:, None], Y, False)
    model = StackedSuggester(centres, np.arange(8)).fit(X, Y_fit)
    assert model.calibrated_ and model.mode_ in ("stacked", "blend")
    test = np.flatnonzero(~train)
    proba = model.predict_proba(X[test])
    top = np.argsort(-proba, axis=1)[:, :3]
    conf = np.take_along_axis(proba, top, axis=1).ravel()
    right = np.take_along_axis(Y[test], top, axis=1).ravel()
    assert _ece(conf, right) <= 0.08
    classifier = LogisticRegression(max_iter=1000).fit(X[train], Y[train].argmax(axis=1))
    plain_top1 = float((classifier.predict(X[test]) == Y[test].argmax(axis=1)).mean())
    ours_top1 = float(Y[test][np.arange(test.size), proba.argmax(axis=1)].mean())
    assert ours_top1 >= plain_top1 - 0.01


def test_training_rows_get_held_out_scores_not_their_own_label() -> None:
    X, Y, centres = _known_set(n_codes=4, per_code=20, noise=0.3, seed=5)
    model = StackedSuggester(centres, np.arange(4)).fit(X, Y)
    own = model.score_details(X, np.arange(X.shape[0])).proba
    fresh = model.predict_proba(X)
    assert model.oof_ is not None
    assert not np.allclose(own, fresh)


def test_zero_shot_uses_the_fixed_map_and_stays_in_unit_interval() -> None:
    X, _Y, centres = _known_set(n_codes=5, per_code=10, noise=0.3, seed=7)
    model = StackedSuggester(centres, np.arange(5)).fit(X, np.zeros((X.shape[0], 5), bool))
    assert model.mode_ == "zero-shot" and not model.calibrated_
    proba = model.predict_proba(X)
    assert np.all((proba > 0) & (proba < 1))
    assert (proba.argmax(axis=1) == np.repeat(np.arange(5), 10)).mean() > 0.8


def test_the_zero_shot_map_reads_rank_gap_and_margin() -> None:
    s = np.array([[0.5, 2.0, -1.0, 1.0], [0.1, 0.0, 0.05, -3.0]])
    bucket, gap, margin = zero_shot_design(s)
    assert bucket.tolist() == [[2, 0, 2, 1], [0, 2, 1, 2]]
    assert np.allclose(gap, [[-1.5, 0.0, -3.0, -1.0], [0.0, -0.1, -0.05, -3.1]])
    assert np.allclose(margin, [[1.0] * 4, [0.05] * 4])
    expected = 1 / (
        1
        + np.exp(
            -(np.asarray(ZERO_SHOT_RANK)[bucket] + ZERO_SHOT_GAP * gap + ZERO_SHOT_MARGIN * margin)
        )
    )
    assert np.allclose(zero_shot_proba(s), expected)
    # A clear first suggestion is trusted more than a near tie.
    proba = zero_shot_proba(s)
    assert proba[0, 1] > proba[1, 0]


def test_the_zero_shot_map_keeps_every_segment_ranking() -> None:
    s = np.random.default_rng(11).normal(size=(200, 9))
    proba = zero_shot_proba(s)
    assert np.array_equal(
        np.argsort(-proba, axis=1, kind="stable"), np.argsort(-s, axis=1, kind="stable")
    )
    assert np.all((proba > 0) & (proba < 1))
    # One code: nothing to compare it with, a score all the same.
    assert zero_shot_proba(np.array([[0.3], [2.0]])).shape == (2, 1)


@pytest.fixture(autouse=True)
def _fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THEMEKIT_EMBEDDER", "fake")


def test_floor_hides_weak_suggestions(project: Project, cli) -> None:  # type: ignore[no-untyped-def]
    build(project)
    every = json.loads(cli("suggest", "--format", "json", "--floor", "0").stdout)
    strong = json.loads(cli("suggest", "--format", "json", "--floor", "0.5").stdout)
    scores = [g["score"] for s in every for g in s["suggestions"]]
    kept = [g["score"] for s in strong for g in s["suggestions"]]
    assert len(every) == len(strong) == 7  # every segment is listed, even with none
    assert kept and all(score >= 0.5 for score in kept)
    assert len(kept) == sum(1 for score in scores if score >= 0.5) < len(scores)
    assert len(project.store.stored_suggestions()) == len(kept)


def test_floor_out_of_range_is_an_error(project: Project, cli) -> None:  # type: ignore[no-untyped-def]
    build(project)
    result = cli("suggest", "--floor", "1.5")
    assert result.exit_code != 0
    assert "floor must be between 0 and 1, not 1.5." in result.stderr


def test_table_output_is_a_summary_unless_all(project: Project, cli) -> None:  # type: ignore[no-untyped-def]
    build(project)
    every = json.loads(cli("suggest", "--format", "json").stdout)
    with_any = sum(1 for s in every if s["suggestions"])
    result = cli("suggest")
    assert result.exit_code == 0, result.output
    assert (
        f"7 segments; {with_any} with a suggestion scoring at least 0.2, {7 - with_any} with"
        " none;" in result.stderr
    )
    assert "The budget for the pilot" not in result.stdout  # no per-segment rows
    full = cli("suggest", "--all")
    assert "The budget for the pilot" in full.stdout


def test_accept_above_under_the_floor_warns(project: Project, cli) -> None:  # type: ignore[no-untyped-def]
    build(project)
    add_coder(project, "ana")  # coders are created on purpose; suggest refuses unknown ones
    result = cli("suggest", "--coder", "ana", "--accept-above", "0.1", "--dry-run")
    assert result.exit_code == 0, result.output
    assert (
        "--accept-above 0.1 is under --floor 0.2: suggestions under the floor are not"
        " stored, so none scoring under it will be accepted." in result.stderr
    )
