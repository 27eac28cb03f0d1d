"""Evaluation maths on tiny hand-computed cases, and the project-level evaluation."""

from __future__ import annotations

import numpy as np
import pytest

from helpers_suggest import build, code
from themekit.cli.hints import render_error
from themekit.errors import SuggestError
from themekit.project import Project
from themekit.suggest.embedder import FakeEmbedder
from themekit.suggest.evaluate import (
    chance_top_k,
    evaluate_coder,
    make_folds,
    pooled_agreement,
    precision_recall_f1,
    subsample_per_code,
    top_k_accuracy,
)


def test_top_k_accuracy_counts_any_gold_code_in_the_top_k() -> None:
    scores = np.array([[0.9, 0.5, 0.1], [0.2, 0.3, 0.8], [0.6, 0.5, 0.4]])
    gold = np.array([[0, 1, 0], [1, 0, 0], [1, 0, 1]], bool)
    assert top_k_accuracy(scores, gold, 1) == pytest.approx(1 / 3)  # only row 2
    assert top_k_accuracy(scores, gold, 2) == pytest.approx(2 / 3)  # rows 0 and 2
    assert top_k_accuracy(scores, gold, 3) == 1.0


def test_chance_top_k_is_exact() -> None:
    # 4 codes, top 3: one gold code is missed only when it is the single one left out.
    assert chance_top_k(np.array([[1, 0, 0, 0]], bool), 3) == pytest.approx(0.75)
    # two gold codes of four can never both be left out of three.
    assert chance_top_k(np.array([[1, 1, 0, 0]], bool), 3) == 1.0
    # 5 codes, one gold: 3/5.
    assert chance_top_k(np.array([[0, 0, 1, 0, 0]], bool), 3) == pytest.approx(0.6)


def test_precision_recall_f1_per_code() -> None:
    gold = np.array([[1, 0], [1, 0], [0, 1], [0, 0]], bool)
    pred = np.array([[1, 0], [0, 1], [0, 1], [1, 0]], bool)
    (p0, r0, f0), (p1, r1, f1) = precision_recall_f1(pred, gold)
    assert (p0, r0, f0) == pytest.approx((0.5, 0.5, 0.5))
    assert (p1, r1, f1) == pytest.approx((0.5, 1.0, 2 / 3))
    assert precision_recall_f1(np.zeros((2, 1), bool), np.zeros((2, 1), bool)) == [(0, 0, 0)]


def test_pooled_agreement_by_hand() -> None:
    gold = np.array([[1, 0], [0, 1], [1, 0], [0, 0]], bool)
    pred = np.array([[1, 0], [0, 0], [1, 1], [0, 0]], bool)
    # Pooled decisions agree on 6 of 8; both coders say "present" 3 times in 8.
    # kappa = (0.75 - (9/64 + 25/64)) / (1 - 34/64) = 7/15
    # alpha = 1 - (n - 1) * disagreeing pairs / (2 * n1 * n0) = 1 - 15 * 4 / 120 = 0.5
    figures = pooled_agreement(pred, gold)
    assert figures["percent_agreement"] == pytest.approx(0.75)
    assert figures["cohen_kappa"] == pytest.approx(7 / 15)
    assert figures["krippendorff_alpha"] == pytest.approx(0.5)


def test_folds_group_by_transcript_when_there_are_enough() -> None:
    groups = ["A", "A", "B", "C", "C", "D"]
    fold, how = make_folds(groups, 2, seed=1)
    assert how == "transcript"
    assert fold[0] == fold[1] and fold[3] == fold[4]
    assert set(fold.tolist()) == {0, 1}
    fold, how = make_folds(groups, 5, seed=1)
    assert how == "segment"
    assert sorted(np.bincount(fold).tolist()) == [1, 1, 1, 1, 2]


def test_subsample_per_code_caps_each_code() -> None:
    Y = np.zeros((10, 2), bool)
    Y[:6, 0] = True
    Y[6:, 1] = True
    rows = subsample_per_code(Y, 3, np.random.default_rng(0))
    assert Y[rows].sum(axis=0).tolist() == [3, 3]


def test_evaluate_coder_reports_every_figure(project: Project) -> None:
    build(project)
    code(
        project,
        "ana",
        [
            ("P01", 2, "funding"),
            ("P01", 3, "funding"),
            ("P01", 4, "housing"),
            ("P01", 5, "housing"),
            ("P02", 1, "staff"),
            ("P02", 2, "funding"),
            ("P02", 3, "housing"),
        ],
    )
    result = evaluate_coder(project, "ana", folds=3, embedder=FakeEmbedder())
    assert (result.units, result.codes, result.folds, result.grouping) == (7, 3, 3, "segment")
    assert result.chance_top3 == 1.0  # three codes: any top 3 holds the gold code
    assert result.top3 == 1.0
    assert 0 <= result.top1 <= 1 and 0 <= result.baseline_top1 <= 1
    assert [p["examples_per_code"] for p in result.learning_curve] == [3, 10, 30]
    assert [c["code_id"] for c in result.per_code] == ["funding", "housing", "staff"]
    assert [c["support"] for c in result.per_code] == [3, 3, 1]
    assert set(result.agreement) == {"cohen_kappa", "krippendorff_alpha", "percent_agreement"}
    assert result.model == "fake-hash-v1/stack-1"


def test_evaluate_needs_codings_by_the_coder(project: Project) -> None:
    build(project)
    code(project, "ana", [("P01", 2, "funding"), ("P01", 4, "housing")])
    with pytest.raises(SuggestError) as info:
        evaluate_coder(project, "bob", embedder=FakeEmbedder())
    assert info.value.render() == (
        "Coder 'bob' has no codings to evaluate on. Coders with codings: ana."
    )


def test_evaluate_rejects_fewer_than_two_folds(project: Project) -> None:
    build(project)
    with pytest.raises(SuggestError) as info:
        evaluate_coder(project, "ana", folds=1, embedder=FakeEmbedder())
    assert str(info.value) == "folds must be at least 2, not 1. For example 5."
    assert render_error(info.value) == "folds must be at least 2, not 1. For example --folds 5."
