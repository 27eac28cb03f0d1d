"""``CodeSuggester``: scores every code for a segment from two sources of evidence.

The estimator follows scikit-learn's conventions (hyperparameters stored untouched in
``__init__``, ``fit(X, Y)`` returns ``self``, learned state in ``name_`` attributes,
``predict_proba``) but needs only numpy. ``X`` holds L2-normalised sentence vectors,
``Y`` a 0/1 matrix (segments x codes); rows without any code are *background*: they are
not negatives (a segment may simply not be coded yet), they only serve to put every
code's scores on a common scale.

Two channels, each a cosine similarity:

* **prototype** (zero-shot): the best match between the segment and the code's
  *pieces*: its label with definition, its include guidance, each of its examples
  (``prototypes`` with ``prototype_codes``, embedded by the caller).
* **examples** (few-shot): a mix of the similarity to the centroid of the segments coded
  with the code and the mean similarity of the ``k`` nearest of them (a nearest-neighbour
  vote), weighted by ``knn_weight``.

Each channel is standardised per code over the background rows (a z-score: how unusual
this similarity is *for this code*), which makes codes with long and short definitions
comparable. ``fit(..., background=mask)`` restricts the statistics to some rows (the
engine's *score scale*: the transcripts it was set on), so that text added later,
related or not, cannot move the scores of the rest. The two are blended with weight
``n / (n + prior_strength)`` on the examples, where ``n`` is the number of coded
examples of the code: with nothing coded the definition decides; with many examples
they do. A logistic map turns the blended z into a probability in [0, 1]: its slope and
intercept are fitted (Platt scaling) on the coded segments, each scored without itself
(leave-one-out), or set to ``zero_shot_slope`` and ``zero_shot_offset`` when nothing is
coded.
Codes are scored independently (multi-label).

``score_details`` also says what drove each score: the best-matching piece, or the
nearest coded segment, whichever contributed more to the blend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_SCALE_FLOOR = 1e-3


@dataclass(frozen=True)
class ScoreDetails:
    """Per (segment, code): probability, and what drove it.

    ``by_examples`` is True where the coded examples contributed more than the code's
    description; then ``neighbour`` is the index (in the labelled rows of the training
    data, see ``CodeSuggester.train_index_``) of the nearest coded segment. Otherwise
    ``piece`` is the index of the best-matching prototype piece (-1 when none).
    """

    proba: np.ndarray
    by_examples: np.ndarray
    piece: np.ndarray
    neighbour: np.ndarray


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def fit_platt(
    z: np.ndarray, y: np.ndarray, *, l2: float = 1.0, steps: int = 50
) -> tuple[float, float]:
    """Slope and intercept of P(y=1) = sigmoid(a*z + b) by Newton's method (ridge on a)."""
    z = np.asarray(z, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    a, b = 1.0, 0.0
    for _ in range(steps):
        p = _sigmoid(a * z + b)
        w = p * (1 - p)
        grad = np.array([np.sum((p - y) * z) + l2 * a, np.sum(p - y)])
        hess = np.array(
            [[np.sum(w * z * z) + l2, np.sum(w * z)], [np.sum(w * z), np.sum(w) + 1e-9]]
        )
        step = np.linalg.solve(hess, grad)
        a, b = a - step[0], b - step[1]
        if np.max(np.abs(step)) < 1e-8:
            break
    return float(a), float(b)


class CodeSuggester:
    """Prototype + nearest-neighbour code scorer with calibrated, per-code-comparable output."""

    def __init__(
        self,
        prototypes: np.ndarray | None = None,
        prototype_codes: np.ndarray | None = None,
        *,
        prior_strength: float = 4.0,
        k: int = 5,
        knn_weight: float = 0.5,
        calibrate: bool = True,
        zero_shot_slope: float = 1.5,
        zero_shot_offset: float = -4.0,
        chunk_size: int = 2048,
    ) -> None:
        self.prototypes = prototypes
        self.prototype_codes = prototype_codes
        self.prior_strength = prior_strength
        self.k = k
        self.knn_weight = knn_weight
        self.calibrate = calibrate
        self.zero_shot_slope = zero_shot_slope
        self.zero_shot_offset = zero_shot_offset
        self.chunk_size = chunk_size

    # -- fitting ---------------------------------------------------------------------------
    def fit(
        self, X: np.ndarray, Y: np.ndarray, background: np.ndarray | None = None
    ) -> CodeSuggester:
        """``background``: a boolean mask over the rows of ``X``; only those rows set each
        code's mean and spread (default: every row)."""
        X = np.asarray(X, dtype=np.float32)
        Y = np.asarray(Y).astype(bool)
        if X.ndim != 2 or Y.ndim != 2 or X.shape[0] != Y.shape[0]:
            raise ValueError(f"X {X.shape} and Y {Y.shape} must be 2-D with the same rows")
        if background is not None:
            background = np.asarray(background, dtype=bool)
            if background.shape != (X.shape[0],):
                raise ValueError(f"background {background.shape} must have one entry per row")
            if not background.any():
                background = None  # nothing to scale on: every row, as without a mask
        n_codes = Y.shape[1]
        self.n_codes_ = n_codes
        if self.prototypes is None or len(self.prototypes) == 0:
            self.piece_vectors_ = np.zeros((0, X.shape[1]), dtype=np.float32)
            self.piece_codes_ = np.zeros(0, dtype=np.int64)
        else:
            self.piece_vectors_ = np.asarray(self.prototypes, dtype=np.float32)
            self.piece_codes_ = np.asarray(self.prototype_codes, dtype=np.int64)
        self.pieces_of_code_ = [np.flatnonzero(self.piece_codes_ == c) for c in range(n_codes)]
        labelled = Y.any(axis=1)
        self.train_index_ = np.flatnonzero(labelled)
        self.train_X_ = X[labelled]
        self.train_Y_ = Y[labelled]
        self.n_examples_ = self.train_Y_.sum(axis=0).astype(np.int64)
        self.examples_of_code_ = [np.flatnonzero(self.train_Y_[:, c]) for c in range(n_codes)]
        self.code_sums_ = (self.train_Y_.T.astype(np.float32) @ self.train_X_).astype(np.float32)
        self.code_sum_norms2_ = np.einsum("cd,cd->c", self.code_sums_, self.code_sums_)

        # Background statistics of each channel, per code, over the background rows of X.
        self_index = np.full(X.shape[0], -1, dtype=np.int64)
        self_index[self.train_index_] = np.arange(self.train_index_.size)
        scale_rows = None if background is None else np.flatnonzero(background)
        n_scale = X.shape[0] if scale_rows is None else scale_rows.size
        proto_sum = np.zeros(n_codes)
        proto_sq = np.zeros(n_codes)
        few_sum = np.zeros(n_codes)
        few_sq = np.zeros(n_codes)
        few_n = np.zeros(n_codes)
        for start in range(0, n_scale, self.chunk_size):
            if scale_rows is None:
                chunk = slice(start, start + self.chunk_size)
                proto, few, _n, _piece, _nb = self._channels(X[chunk], self_index[chunk])
            else:
                picked = scale_rows[start : start + self.chunk_size]
                proto, few, _n, _piece, _nb = self._channels(X[picked], self_index[picked])
            proto_sum += proto.sum(axis=0)
            proto_sq += (proto.astype(np.float64) ** 2).sum(axis=0)
            ok = ~np.isnan(few)
            few0 = np.where(ok, few, 0.0)
            few_sum += few0.sum(axis=0)
            few_sq += (few0**2).sum(axis=0)
            few_n += ok.sum(axis=0)
        n_rows = max(n_scale, 1)
        self.proto_mean_ = proto_sum / n_rows
        self.proto_scale_ = np.sqrt(np.maximum(proto_sq / n_rows - self.proto_mean_**2, 0))
        self.proto_scale_ = np.maximum(self.proto_scale_, _SCALE_FLOOR)
        safe_n = np.maximum(few_n, 1)
        self.few_mean_ = few_sum / safe_n
        self.few_scale_ = np.maximum(
            np.sqrt(np.maximum(few_sq / safe_n - self.few_mean_**2, 0)), _SCALE_FLOOR
        )

        self.slope_, self.offset_ = self.zero_shot_slope, self.zero_shot_offset
        self.calibrated_ = False
        if self.calibrate and self.train_index_.size >= 2:
            z = self._blend(self.train_X_, np.arange(self.train_index_.size))[0]
            y = self.train_Y_
            if y.any() and not y.all():
                self.slope_, self.offset_ = fit_platt(z, y)
                self.calibrated_ = True
        return self

    # -- scoring ---------------------------------------------------------------------------
    def _channels(
        self, X: np.ndarray, self_index: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Raw prototype and example similarities for a chunk of rows.

        Rows with ``self_index >= 0`` are labelled rows scored without themselves.
        Returns (proto, few, n_effective, best_piece, best_neighbour); ``few`` is NaN
        where the code has no (other) coded example.
        """
        n, n_codes = X.shape[0], self.n_codes_
        proto = np.zeros((n, n_codes), dtype=np.float32)
        best_piece = np.full((n, n_codes), -1, dtype=np.int64)
        if self.piece_vectors_.shape[0]:
            piece_sims = X @ self.piece_vectors_.T
            for c, pieces in enumerate(self.pieces_of_code_):
                if pieces.size:
                    local = piece_sims[:, pieces]
                    arg = local.argmax(axis=1)
                    best_piece[:, c] = pieces[arg]
                    proto[:, c] = local[np.arange(n), arg]
        few = np.full((n, n_codes), np.nan, dtype=np.float32)
        best_neighbour = np.full((n, n_codes), -1, dtype=np.int64)
        n_eff = np.broadcast_to(self.n_examples_, (n, n_codes)).astype(np.int64)
        if self.train_index_.size:
            own = self_index >= 0
            rows = np.flatnonzero(own)
            own_labels = np.zeros((n, n_codes), dtype=bool)
            own_labels[rows] = self.train_Y_[self_index[rows]]
            n_eff = n_eff - own_labels
            sims = X @ self.train_X_.T
            sims[rows, self_index[rows]] = -np.inf
            dots = X @ self.code_sums_.T  # x . (sum of the code's examples)
            self_dot = np.einsum("nd,nd->n", X, X)[:, None]
            # Leave-one-out centroid: remove the row's own vector from its codes' sums.
            sum_x = np.where(own_labels, dots - self_dot, dots)
            norm2 = np.where(
                own_labels,
                self.code_sum_norms2_[None, :] - 2 * dots + self_dot,
                self.code_sum_norms2_[None, :],
            )
            centroid = sum_x / np.sqrt(np.maximum(norm2, 1e-12))
            for c, members in enumerate(self.examples_of_code_):
                if not members.size:
                    continue
                local = sims[:, members]
                kk = min(self.k, members.size)
                top = -np.partition(-local, kk - 1, axis=1)[:, :kk]
                finite = np.isfinite(top)
                counts = finite.sum(axis=1)
                knn = np.where(finite, top, 0).sum(axis=1) / np.maximum(counts, 1)
                best_neighbour[:, c] = members[local.argmax(axis=1)]
                value = (1 - self.knn_weight) * centroid[:, c] + self.knn_weight * knn
                few[:, c] = np.where(n_eff[:, c] > 0, value, np.nan)
        return proto, few, n_eff, best_piece, best_neighbour

    def _blend(
        self, X: np.ndarray, self_index: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        proto, few, n_eff, piece, neighbour = self._channels(X, self_index)
        has_pieces = np.array([p.size > 0 for p in self.pieces_of_code_])
        z_proto = np.where(has_pieces, (proto - self.proto_mean_) / self.proto_scale_, 0.0)
        have_few = ~np.isnan(few)
        z_few = np.where(have_few, (np.nan_to_num(few) - self.few_mean_) / self.few_scale_, 0.0)
        weight = np.where(
            has_pieces, n_eff / (n_eff + self.prior_strength), (n_eff > 0).astype(np.float64)
        )
        weight = np.where(have_few, weight, 0.0)
        from_examples = weight * z_few
        from_pieces = (1 - weight) * z_proto
        z = from_examples + from_pieces
        by_examples = have_few & (from_examples > from_pieces)
        return z, by_examples, piece, neighbour

    def score_details(self, X: np.ndarray, self_index: np.ndarray | None = None) -> ScoreDetails:
        """Probabilities and their drivers; ``self_index[i]`` (>= 0) marks row i as the
        labelled training row of that index, scored without itself."""
        X = np.asarray(X, dtype=np.float32)
        if self_index is None:
            self_index = np.full(X.shape[0], -1, dtype=np.int64)
        parts = [
            self._blend(X[s : s + self.chunk_size], self_index[s : s + self.chunk_size])
            for s in range(0, X.shape[0], self.chunk_size)
        ] or [self._blend(X[:0], self_index[:0])]
        z = np.concatenate([p[0] for p in parts])
        return ScoreDetails(
            proba=_sigmoid(self.slope_ * z + self.offset_),
            by_examples=np.concatenate([p[1] for p in parts]),
            piece=np.concatenate([p[2] for p in parts]),
            neighbour=np.concatenate([p[3] for p in parts]),
        )

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """The blended, standardised score (before the logistic map)."""
        X = np.asarray(X, dtype=np.float32)
        none = np.full(X.shape[0], -1, dtype=np.int64)
        return self._blend(X, none)[0]

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """(n_segments, n_codes) probabilities that each code applies, in [0, 1]."""
        return self.score_details(X).proba
