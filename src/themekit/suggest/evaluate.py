"""Cross-validated evaluation of the suggester against one coder's codings.

What is measured (``evaluate_arrays``, on plain arrays so the benchmark can run it on a
synthetic set; ``evaluate_coder`` gathers the arrays from a project):

* **Units** are the segments the coder coded (one or more codes each). Folds are grouped
  by transcript when there are at least as many transcripts as folds, so a transcript's
  sentences never sit on both sides; otherwise segments are dealt into folds at random.
* **top-1 / top-3 accuracy**: a unit is a hit when any of its gold codes is among the
  model's first 1 or 3 codes.
* **Per-code precision, recall and F1** of the decisions "score >= threshold".
* **Agreement** between those decisions and the coder's, per code as binary decisions
  and pooled over codes (every code-unit decision one unit): Cohen's kappa and
  Krippendorff's alpha from ``themekit.agree.coefficients``.
* **Learning curve**: top-3 when the training folds are cut down to 3, 10 and 30
  examples per code (fewer where a code has fewer).
* **Baseline**: TF-IDF (words and word pairs, sublinear tf) with one logistic regression
  per code (C=10), on the same folds and the same learning-curve subsets.
* **Zero-shot top-3** (nothing coded: definitions and examples only) and the **chance**
  top-3 of a random ranking, 1 - C(K-g, 3) / C(K, 3) for a unit with g of K codes.

Segments the coder did not code are used as unlabelled background, as in real use.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import asdict, dataclass, field
from math import comb
from typing import TYPE_CHECKING, Any

import numpy as np

from themekit.errors import SuggestError
from themekit.suggest.engine import (
    NEIGHBOUR_WEIGHT,
    ProgressFactory,
    SuggestionEngine,
    code_pieces,
    current_codebook,
    label_matrix,
    no_progress,
)
from themekit.suggest.stack import StackedSuggester

if TYPE_CHECKING:
    from themekit.project import Project
    from themekit.suggest.embedder import Embedder

CURVE_POINTS = (3, 10, 30)
Scorer = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


# -- small pure functions ----------------------------------------------------------------


def make_folds(groups: Sequence[Any], folds: int, seed: int = 0) -> tuple[np.ndarray, str]:
    """Fold number per unit, and "transcript" or "segment" for how units were grouped."""
    n = len(groups)
    rng = np.random.default_rng(seed)
    distinct = sorted(set(groups), key=str)
    if len(distinct) >= folds:
        order = rng.permutation(len(distinct))
        fold_of_group = {distinct[g]: i % folds for i, g in enumerate(order)}
        return np.array([fold_of_group[g] for g in groups], dtype=np.int64), "transcript"
    fold = np.empty(n, dtype=np.int64)
    fold[rng.permutation(n)] = np.arange(n) % folds
    return fold, "segment"


def rank_codes(scores: np.ndarray, k: int) -> np.ndarray:
    """The k best code indices per row, best first (ties: lower index first)."""
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


def top_k_accuracy(scores: np.ndarray, gold: np.ndarray, k: int) -> float:
    """Share of rows whose top k codes include at least one gold code."""
    if scores.shape[0] == 0:
        return float("nan")
    top = rank_codes(scores, k)
    hits = np.take_along_axis(np.asarray(gold, dtype=bool), top, axis=1).any(axis=1)
    return float(hits.mean())


def chance_top_k(gold: np.ndarray, k: int) -> float:
    """Expected top-k accuracy of a uniformly random ranking of the codes."""
    gold = np.asarray(gold, dtype=bool)
    n_codes = gold.shape[1]
    k = min(k, n_codes)
    per_row = [1 - comb(n_codes - int(g), k) / comb(n_codes, k) for g in gold.sum(axis=1)]
    return float(np.mean(per_row)) if per_row else float("nan")


def precision_recall_f1(pred: np.ndarray, gold: np.ndarray) -> list[tuple[float, float, float]]:
    """Per column (precision, recall, F1) of boolean decisions; 0 where undefined."""
    pred = np.asarray(pred, dtype=bool)
    gold = np.asarray(gold, dtype=bool)
    tp = (pred & gold).sum(axis=0)
    fp = (pred & ~gold).sum(axis=0)
    fn = (~pred & gold).sum(axis=0)
    result = []
    for t, p, n in zip(tp, fp, fn, strict=True):
        precision = t / (t + p) if t + p else 0.0
        recall = t / (t + n) if t + n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result.append((float(precision), float(recall), float(f1)))
    return result


def pooled_agreement(pred: np.ndarray, gold: np.ndarray) -> dict[str, float | None]:
    """Cohen's kappa, Krippendorff's alpha and percent agreement between model and coder,
    pooled over all code-unit binary decisions."""
    from themekit.agree.coefficients import per_code_and_pooled

    pred = np.asarray(pred, dtype=bool)
    gold = np.asarray(gold, dtype=bool)
    units: dict[Hashable, Any] = {
        c: np.stack([gold[:, c], pred[:, c]], axis=1).astype(np.float64)
        for c in range(gold.shape[1])
    }
    micro = per_code_and_pooled(units).micro.coefficients
    return {
        name: micro[name].value
        for name in ("cohen_kappa", "krippendorff_alpha", "percent_agreement")
    }


def subsample_per_code(Y: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Row indices: up to ``n`` random rows for each code (their union, sorted)."""
    chosen: set[int] = set()
    for c in range(Y.shape[1]):
        rows = np.flatnonzero(Y[:, c])
        if rows.size:
            chosen.update(rng.choice(rows, size=min(n, rows.size), replace=False).tolist())
    return np.array(sorted(chosen), dtype=np.int64)


def tfidf_baseline(
    train_texts: Sequence[str], train_Y: np.ndarray, test_texts: Sequence[str]
) -> np.ndarray:
    """Scores from TF-IDF + one logistic regression per code (scikit-learn)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    train = vectorizer.fit_transform(train_texts)
    test = vectorizer.transform(test_texts)
    scores = np.zeros((len(test_texts), train_Y.shape[1]))
    for c in range(train_Y.shape[1]):
        y = train_Y[:, c]
        if y.all() or not y.any():
            scores[:, c] = float(y.all())
            continue
        model = LogisticRegression(C=10.0, max_iter=1000).fit(train, y)
        scores[:, c] = model.predict_proba(test)[:, 1]
    return scores


# -- the evaluation ----------------------------------------------------------------------


@dataclass
class Evaluation:
    coder: str
    model: str
    units: int
    codes: int
    folds: int
    grouping: str
    threshold: float
    top1: float
    top3: float
    baseline_top1: float
    baseline_top3: float
    zero_shot_top3: float
    chance_top3: float
    agreement: dict[str, float | None]
    per_code: list[dict[str, Any]] = field(default_factory=list)
    learning_curve: list[dict[str, Any]] = field(default_factory=list)
    # Uncoded segments that set the codes' scale (those of the score scale's transcripts).
    background_segments: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EvalArrays:
    """Everything the evaluation needs, already embedded."""

    X: np.ndarray  # unit vectors (the coder's coded segments)
    Y: np.ndarray  # their gold codes, bool (units x codes)
    texts: list[str]
    groups: list[Any]
    background: np.ndarray  # vectors of uncoded segments
    piece_vectors: np.ndarray
    piece_codes: np.ndarray
    code_ids: list[str]
    code_labels: list[str]


def evaluate_arrays(
    data: EvalArrays,
    *,
    coder: str = "",
    model: str = "",
    folds: int = 5,
    threshold: float = 0.5,
    seed: int = 0,
    curve: Sequence[int] = CURVE_POINTS,
    model_params: dict[str, Any] | None = None,
) -> Evaluation:
    X, Y = data.X, np.asarray(data.Y, dtype=bool)
    n, n_codes = Y.shape
    folds = max(2, min(folds, n))
    fold, grouping = make_folds(data.groups, folds, seed)
    params = dict(model_params or {})
    texts = np.asarray(data.texts, dtype=object)

    def suggester(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        rest = np.setdiff1d(np.arange(n), train)
        fit_X = np.vstack([X[train], X[rest], data.background])
        fit_Y = np.vstack(
            [Y[train], np.zeros((rest.size + data.background.shape[0], n_codes), bool)]
        )
        fit_groups = [data.groups[i] for i in train] + [data.groups[i] for i in rest]
        fit_groups += ["(background)"] * data.background.shape[0]
        est = StackedSuggester(data.piece_vectors, data.piece_codes, **params).fit(
            fit_X, fit_Y, groups=fit_groups
        )
        return est.predict_proba(X[test])

    def baseline(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        return tfidf_baseline(list(texts[train]), Y[train], list(texts[test]))

    model_scores = np.zeros((n, n_codes))
    base_scores = np.zeros((n, n_codes))
    curve_hits: dict[int, list[np.ndarray]] = {p: [] for p in curve}
    curve_base: dict[int, list[np.ndarray]] = {p: [] for p in curve}
    curve_sizes: dict[int, list[float]] = {p: [] for p in curve}
    rng = np.random.default_rng(seed + 1)
    for f in range(folds):
        test = np.flatnonzero(fold == f)
        train = np.flatnonzero(fold != f)
        if not test.size or not train.size:
            continue
        model_scores[test] = suggester(train, test)
        base_scores[test] = baseline(train, test)
        for point in curve:
            subset = train[subsample_per_code(Y[train], point, rng)]
            curve_sizes[point].append(float(Y[subset].sum(axis=0).mean()))
            for store, scorer in ((curve_hits, suggester), (curve_base, baseline)):
                top = rank_codes(scorer(subset, test), 3)
                hits = np.take_along_axis(Y[test], top, axis=1).any(axis=1)
                store[point].append(np.asarray(hits))

    zero = StackedSuggester(data.piece_vectors, data.piece_codes, **params).fit(
        np.vstack([X, data.background]), np.zeros((n + data.background.shape[0], n_codes), bool)
    )
    pred = model_scores >= threshold
    return Evaluation(
        coder=coder,
        model=model,
        units=n,
        codes=n_codes,
        folds=folds,
        grouping=grouping,
        threshold=threshold,
        top1=top_k_accuracy(model_scores, Y, 1),
        top3=top_k_accuracy(model_scores, Y, 3),
        baseline_top1=top_k_accuracy(base_scores, Y, 1),
        baseline_top3=top_k_accuracy(base_scores, Y, 3),
        zero_shot_top3=top_k_accuracy(zero.predict_proba(X), Y, 3),
        chance_top3=chance_top_k(Y, 3),
        agreement=pooled_agreement(pred, Y),
        per_code=_per_code_rows(data, pred, Y),
        learning_curve=[
            _curve_row(point, curve_sizes[point], curve_hits[point], curve_base[point])
            for point in curve
        ],
        background_segments=int(data.background.shape[0]),
    )


def _per_code_rows(data: EvalArrays, pred: np.ndarray, Y: np.ndarray) -> list[dict[str, Any]]:
    """Support, precision, recall and F1 of each code at the threshold."""
    return [
        {
            "code_id": code_id,
            "label": label,
            "support": int(Y[:, c].sum()),
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f1, 4),
        }
        for c, (code_id, label, (p, r, f1)) in enumerate(
            zip(data.code_ids, data.code_labels, precision_recall_f1(pred, Y), strict=True)
        )
    ]


def _curve_row(
    point: int, sizes: list[float], hits: list[np.ndarray], base: list[np.ndarray]
) -> dict[str, Any]:
    """One learning-curve point: examples per code, and top-3 of model and baseline
    over every fold (NaN where no fold had the point)."""
    return {
        "examples_per_code": point,
        "mean_examples": round(float(np.mean(sizes)), 1) if sizes else 0.0,
        "top3": float(np.concatenate(hits).mean()) if hits else float("nan"),
        "baseline_top3": float(np.concatenate(base).mean()) if base else float("nan"),
    }


def evaluate_coder(
    project: Project,
    coder: str,
    *,
    folds: int = 5,
    threshold: float = 0.5,
    embedder: Embedder | None = None,
    seed: int = 0,
    progress: ProgressFactory = no_progress,
    context_weight: float = NEIGHBOUR_WEIGHT,
    model_params: dict[str, Any] | None = None,
) -> Evaluation:
    """Cross-validate the suggester on ``coder``'s codings in ``project``."""
    if folds < 2:
        raise SuggestError(
            f"folds must be at least 2, not {folds}.",
            hint="For example 5.",
            next_step="suggest.folds",
        )
    if not 0.0 <= threshold <= 1.0:
        raise SuggestError(
            f"threshold must be between 0 and 1, not {threshold}.",
            hint="For example 0.3.",
            next_step="suggest.threshold",
        )
    _version, _codebook, entries = current_codebook(project)
    segments = project.store.all_current_segments(codable_only=True)
    code_ids = [e.code.id for e in entries]
    Y_all, _ = label_matrix(project, segments, code_ids, coder)
    coded = np.flatnonzero(Y_all.any(axis=1))
    if coded.size < 2:
        others = sorted({c.coder for c in project.store.codings()} - {coder})
        hint = (
            f"Coders with codings: {', '.join(others)}." if others else "Code some segments first."
        )
        what = "no codings" if coded.size == 0 else "only one coded segment"
        raise SuggestError(f"Coder '{coder}' has {what} to evaluate on.", hint=hint)
    engine = SuggestionEngine(
        project,
        embedder,
        progress=progress,
        context_weight=context_weight,
        model_params=model_params,
    )
    pieces = code_pieces(entries)
    piece_vectors, _, _ = engine.embed(pieces.texts, "Embedding the codebook")
    X_all, _, _ = engine.segment_vectors(segments)
    # As in ``suggest``: only the score scale's uncoded segments set the codes' scale.
    scale = engine.score_scale([s.transcript_id for s in segments], save=False)
    members = set(scale.transcripts)
    uncoded = np.array(
        [
            i
            for i in np.setdiff1d(np.arange(len(segments)), coded)
            if segments[i].transcript_id in members
        ],
        dtype=np.int64,
    )
    data = EvalArrays(
        X=X_all[coded],
        Y=Y_all[coded],
        texts=[segments[i].text for i in coded],
        groups=[segments[i].transcript_id for i in coded],
        background=X_all[uncoded],
        piece_vectors=piece_vectors,
        piece_codes=pieces.codes,
        code_ids=code_ids,
        code_labels=[e.code.label for e in entries],
    )
    return evaluate_arrays(
        data,
        coder=coder,
        model=engine.model_name,
        folds=folds,
        threshold=threshold,
        seed=seed,
        model_params=engine.model_params,
    )
