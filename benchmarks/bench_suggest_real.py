"""Suggestion quality on real human coding, with learning curves and baselines.

    python benchmarks/bench_suggest_real.py [--draws 5] [--fake]

Datasets: the human-coded sets under ``REPO.parent / "shared" / "benchmarks"`` (skipped,
with a note, when that folder is absent; their text is third-party and never copied
here) and the synthetic set of ``suggest_synthetic.py``. For each dataset and each point
of the learning curve (0, 3, 10, 30 coded examples per code, fewer where a code has fewer
in the training pool), ``--draws`` random splits *by document* put ~30% of the documents
in the test set; the examples are drawn from the rest. On the same split and the same
examples it scores:

* **themekit**: ``StackedSuggester`` with neighbouring-segment context, as the engine runs;
* **themekit (old)**: ``CodeSuggester`` alone (the method before issue 17), turn context;
* **cosine zero-shot**: cosine to "label. definition" (point 0 only);
* **emb + LR**: scikit-learn ``LogisticRegression`` (C=1) on the raw sentence vectors;
* **TF-IDF + LR**: ``themekit.suggest.evaluate.tfidf_baseline``.

Per point: top-1, top-3 (a test unit is a hit when one of its gold codes is ranked first /
in the first three), macro-F1 of the top-1 decision over the codes present in the test
set, and ECE (10 equal-width bins) of the scores of the top-3 suggestions against whether
each is a gold code. All text embeddings are cached in ``benchmarks/_out/``. It writes the
reliability diagram of themekit's scores to ``docs/suggestions_reliability.png``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared" / "benchmarks"
OUT = HERE / "_out"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "src"))

from suggest_synthetic import PHRASES, generate  # noqa: E402

from themekit.model.codebook import Codebook  # noqa: E402
from themekit.suggest.embedder import FakeEmbedder, SentenceTransformerEmbedder  # noqa: E402
from themekit.suggest.engine import (  # noqa: E402
    NEIGHBOUR_WEIGHT,
    codable_entries,
    code_pieces,
    neighbour_context,
    turn_context,
)
from themekit.suggest.evaluate import subsample_per_code, tfidf_baseline  # noqa: E402
from themekit.suggest.model import CodeSuggester  # noqa: E402
from themekit.suggest.stack import StackedSuggester, zero_shot_design  # noqa: E402

POINTS = (0, 3, 10, 30)
TEST_SHARE = 0.3
REAL_SETS = (("ci-evidence-claims", "gold"), ("games-as-art-why", "human"))


@dataclass
class Dataset:
    name: str
    texts: list[str]
    docs: list[str]
    turns: list[Any]  # turn key per unit (for the old method's turn context)
    Y: np.ndarray
    piece_texts: list[str]
    piece_codes: np.ndarray
    head_texts: list[str]  # "label. definition" per code


def _cached_encode(embedder: Any, texts: list[str]) -> np.ndarray:
    key = hashlib.sha256(("\x1f".join(texts) + embedder.model_id).encode()).hexdigest()[:20]
    OUT.mkdir(exist_ok=True)
    path = OUT / f"emb-{key}.npy"
    if path.exists():
        return np.load(path)
    vectors = np.asarray(embedder.encode(texts, batch_size=64), dtype=np.float32)
    np.save(path, vectors)
    return vectors


def load_real(folder: Path, coder: str) -> Dataset:
    with (folder / "codebook.csv").open(encoding="utf-8", newline="") as fh:
        book = list(csv.DictReader(fh))
    paths = [r["path"] for r in book]
    col = {p: j for j, p in enumerate(paths)}
    heads = []
    for r in book:
        label = r["path"].split(" > ")[-1]
        heads.append(f"{label}. {r['definition']}".strip() if r["definition"] else label)
    texts: list[str] = []
    docs: list[str] = []
    rows: list[list[int]] = []
    with (folder / "segments.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["coder"] != coder:
                continue
            texts.append(r["text"])
            docs.append(r["document"])
            rows.append([col[c] for c in r["codes"].split(";") if c])
    Y = np.zeros((len(texts), len(paths)), dtype=bool)
    for i, cols in enumerate(rows):
        Y[i, cols] = True
    keep = Y.any(axis=1)
    idx = np.flatnonzero(keep)
    return Dataset(
        folder.name,
        [texts[i] for i in idx],
        [docs[i] for i in idx],
        [(docs[i], i) for i in idx],
        Y[idx],
        heads,
        np.arange(len(paths)),
        heads,
    )


def load_synthetic() -> Dataset:
    codebook = Codebook.from_dict(yaml.safe_load((REPO / "codebooks/mhtr.yaml").read_text()))
    entries = [e for e in codable_entries(codebook) if e.code.id in PHRASES]
    code_ids = [e.code.id for e in entries]
    data = generate()
    pieces = code_pieces(entries)
    first = {int(c): i for i, c in reversed(list(enumerate(pieces.codes.tolist())))}
    return Dataset(
        "synthetic (MHTR)",
        [s.text for s in data],
        [str(s.group) for s in data],
        [(s.group, s.turn) for s in data],
        np.array([[c in s.codes for c in code_ids] for s in data], dtype=bool),
        pieces.texts,
        pieces.codes,
        [pieces.texts[first[c]] for c in range(len(code_ids))],
    )


# -- metrics ----------------------------------------------------------------------------------


def topk(scores: np.ndarray, gold: np.ndarray, k: int) -> float:
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return float(np.take_along_axis(gold, top, axis=1).any(axis=1).mean())


def macro_f1(scores: np.ndarray, gold: np.ndarray) -> float:
    pred = np.zeros_like(gold)
    pred[np.arange(len(pred)), scores.argmax(axis=1)] = True
    present = np.flatnonzero(gold.any(axis=0))
    f1s = []
    for c in present:
        tp = float((pred[:, c] & gold[:, c]).sum())
        fp = float((pred[:, c] & ~gold[:, c]).sum())
        fn = float((~pred[:, c] & gold[:, c]).sum())
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(f1s)) if f1s else float("nan")


def broadest_first(scores: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    """The code most often suggested first: its share of the first suggestions, how often
    it was right there, and the share of units that really have it (issue 17: one broad
    code was first for ~100 of 749 segments and right for 9% of them)."""
    first = scores.argmax(axis=1)
    code = int(np.bincount(first, minlength=gold.shape[1]).argmax())
    chosen = first == code
    return {
        "broad_share": float(chosen.mean()),
        "broad_right": float(gold[chosen, code].mean()) if chosen.any() else float("nan"),
        "broad_gold": float(gold[:, code].mean()),
    }


def top3_pairs(scores: np.ndarray, gold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    top = np.argsort(-scores, axis=1, kind="stable")[:, :3]
    return (
        np.take_along_axis(scores, top, axis=1).ravel(),
        np.take_along_axis(gold, top, axis=1).ravel(),
    )


def ece(conf: np.ndarray, right: np.ndarray, bins: int = 10) -> float:
    conf = np.clip(conf, 0, 1)
    which = np.minimum((conf * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        m = which == b
        if m.any():
            total += m.sum() * abs(conf[m].mean() - right[m].mean())
    return float(total / max(conf.size, 1))


# -- methods ----------------------------------------------------------------------------------


def emb_lr(train_X: np.ndarray, train_Y: np.ndarray, test_X: np.ndarray) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    seen = np.flatnonzero(train_Y.any(axis=0))
    out = np.zeros((test_X.shape[0], train_Y.shape[1]))
    if seen.size < 2:
        out[:, seen] = 1.0
        return out
    rows, cols = np.nonzero(train_Y[:, seen])
    model = LogisticRegression(C=1.0, max_iter=1000).fit(train_X[rows], cols)
    out[:, seen[model.classes_]] = model.predict_proba(test_X)
    return out


def split(docs: list[str], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    distinct = sorted(set(docs))
    order = rng.permutation(len(distinct))
    n_test = max(1, round(TEST_SHARE * len(distinct)))
    test_docs = {distinct[i] for i in order[:n_test]}
    is_test = np.array([d in test_docs for d in docs])
    return np.flatnonzero(~is_test), np.flatnonzero(is_test)


# Per dataset: (design rows, right) of the zero-shot top-3, to fit the zero-shot map.
ZERO_SHOT_PAIRS: list[tuple[np.ndarray, np.ndarray]] = []
MAP_TERMS = ("first", "second", "third or lower", "gap to first", "first-second margin")


def zero_shot_rows(scores: np.ndarray, gold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The zero-shot map's design (``stack.zero_shot_design``) for each top-3 suggestion."""
    bucket, gap, margin = zero_shot_design(scores)
    top = np.argsort(-scores, axis=1, kind="stable")[:, :3]
    b = np.take_along_axis(bucket, top, axis=1).ravel()
    F = np.stack(
        [
            b == 0,
            b == 1,
            b == 2,
            np.take_along_axis(gap, top, axis=1).ravel(),
            np.take_along_axis(np.ascontiguousarray(margin), top, axis=1).ravel(),
        ],
        axis=1,
    ).astype(float)
    return F, np.take_along_axis(gold, top, axis=1).ravel().astype(float)


def fit_zero_shot_map(leave_out: int | None = None) -> np.ndarray:
    """Coefficients of ``MAP_TERMS`` (logistic regression, Newton, tiny ridge), each dataset
    weighted equally; ``leave_out``: fit without that dataset (to measure the map on data it
    never saw)."""
    used = [p for i, p in enumerate(ZERO_SHOT_PAIRS) if i != leave_out]
    F = np.vstack([p[0] for p in used])
    y = np.concatenate([p[1] for p in used])
    w = np.concatenate([np.full(p[1].size, 1.0 / p[1].size) for p in used])
    w *= w.size / w.sum()
    coef = np.zeros(F.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(F @ coef, -30, 30)))
        grad = F.T @ (w * (p - y)) + 1e-3 * coef
        hess = (F * (w * p * (1 - p))[:, None]).T @ F + 1e-3 * np.eye(F.shape[1])
        coef -= np.linalg.solve(hess, grad)
    return coef


def held_out_map_ece(names: list[str]) -> list[str]:
    """Zero-shot ECE of each dataset under the map fitted on the other datasets only, and
    under the map the package ships (fitted on all of them)."""
    lines = []
    for i, name in enumerate(names):
        if len(ZERO_SHOT_PAIRS) < 2:
            break
        F, y = ZERO_SHOT_PAIRS[i]
        conf = 1 / (1 + np.exp(-np.clip(F @ fit_zero_shot_map(leave_out=i), -30, 30)))
        brier = float(np.mean((conf - y) ** 2))
        lines.append(
            f"| {name} | {ece(conf, y):.3f} | {brier:.3f} | {np.mean((y.mean() - y) ** 2):.3f} |"
        )
    return lines


def unrelated_check(
    ds: Dataset, embedder: Any, unrelated: np.ndarray
) -> dict[str, dict[str, float]]:
    """Zero-shot scores of every unit of ``ds`` alone, then with ``unrelated`` units (the
    other datasets) added to the project: kept out of the score scale, as the engine does
    with transcripts imported later, and let into it, as before issue 17."""
    raw = _cached_encode(embedder, ds.texts)
    pieces = _cached_encode(embedder, ds.piece_texts)
    ctx = neighbour_context(raw.copy(), ds.turns, NEIGHBOUR_WEIGHT)
    n, k = ds.Y.shape
    both = np.vstack([ctx, unrelated])
    none = np.zeros((both.shape[0], k), dtype=bool)
    alone = StackedSuggester(pieces, ds.piece_codes).fit(ctx, none[:n]).predict_proba(ctx)
    own = np.arange(both.shape[0]) < n
    variants = {
        "alone": alone,
        "added, outside the scale": StackedSuggester(pieces, ds.piece_codes)
        .fit(both, none, background=own)
        .predict_proba(ctx),
        "added, inside the scale": StackedSuggester(pieces, ds.piece_codes)
        .fit(both, none)
        .predict_proba(ctx),
    }
    return {
        name: {
            "top1": topk(s, ds.Y, 1),
            "top3": topk(s, ds.Y, 3),
            "max_change": float(np.abs(s - alone).max()),
            "top1_changed": float((s.argmax(axis=1) != alone.argmax(axis=1)).mean()),
        }
        for name, s in variants.items()
    }


Scores = dict[str, list[tuple[np.ndarray, np.ndarray]]]


def run_dataset(ds: Dataset, embedder: Any, draws: int, log: Callable[[str], None]) -> dict:
    raw = _cached_encode(embedder, ds.texts)
    pieces = _cached_encode(embedder, ds.piece_texts)
    heads = _cached_encode(embedder, ds.head_texts)
    # As the engine: neighbours within a speaker turn (on the real sets a unit is its own).
    ctx = neighbour_context(raw.copy(), ds.turns, NEIGHBOUR_WEIGHT)
    old_ctx = turn_context(raw.copy(), ds.turns, 0.6)
    n, n_codes = ds.Y.shape
    results: dict[int, dict[str, Any]] = {}
    reliability: dict[int, tuple[list[np.ndarray], list[np.ndarray]]] = {}
    zero_z: list[np.ndarray] = []
    zero_y: list[np.ndarray] = []
    for point in POINTS:
        previous = results.get(max([q for q in results if q < point], default=-1))
        if previous and 0 < previous["mean_examples"] < 0.8 * max(results):
            log(f"  {ds.name} @{point}: skipped, the codes have no more examples")
            continue
        per: dict[str, list[dict[str, float]]] = {}
        sizes: list[float] = []
        fit_s: list[float] = []
        pairs: tuple[list[np.ndarray], list[np.ndarray]] = ([], [])
        for draw in range(draws):
            rng = np.random.default_rng(1000 * draw + 7)
            pool, test = split(ds.docs, rng)
            if point:
                train = pool[subsample_per_code(ds.Y[pool], point, rng)]
            else:
                train = np.zeros(0, dtype=np.int64)
            sizes.append(float(ds.Y[train].sum(axis=0).mean()) if train.size else 0.0)
            # themekit sees every unit (as a project would) but only ``train``'s codes.
            Y_fit = np.zeros_like(ds.Y)
            Y_fit[train] = ds.Y[train]
            gold = ds.Y[test]
            scores: dict[str, np.ndarray] = {}
            started = time.perf_counter()
            est = StackedSuggester(pieces, ds.piece_codes).fit(ctx, Y_fit, groups=ds.docs)
            fit_s.append(time.perf_counter() - started)
            scores["themekit"] = est.predict_proba(ctx[test])
            if point == 0:
                design, right = zero_shot_rows(est.decision_function(ctx[test]), gold)
                zero_z.append(design)
                zero_y.append(right)
            old = CodeSuggester(pieces, ds.piece_codes).fit(old_ctx, Y_fit)
            scores["themekit (old)"] = old.predict_proba(old_ctx[test])
            if point == 0:
                scores["cosine zero-shot"] = raw[test] @ heads.T
            else:
                scores["emb + LR"] = emb_lr(raw[train], ds.Y[train], raw[test])
                scores["TF-IDF + LR"] = tfidf_baseline(
                    [ds.texts[i] for i in train], ds.Y[train], [ds.texts[i] for i in test]
                )
            for name, s in scores.items():
                conf, right = top3_pairs(s, gold)
                per.setdefault(name, []).append(
                    {
                        "top1": topk(s, gold, 1),
                        "top3": topk(s, gold, 3),
                        "macro_f1": macro_f1(s, gold),
                        "ece": ece(conf, right),
                        **broadest_first(s, gold),
                    }
                )
                if name == "themekit":
                    pairs[0].append(conf)
                    pairs[1].append(right)
        reliability[point] = pairs
        results[point] = {
            "mean_examples": float(np.mean(sizes)),
            "fit_seconds": float(np.mean(fit_s)),
            "methods": {
                name: {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}
                for name, rows in per.items()
            },
        }
        log(f"  {ds.name} @{point}: done")
        if point == 0:
            ZERO_SHOT_PAIRS.append((np.vstack(zero_z), np.concatenate(zero_y)))
    return {
        "units": n,
        "codes": n_codes,
        "docs": len(set(ds.docs)),
        "points": results,
        "reliability": reliability,
    }


def render(ds_name: str, res: dict, draws: int) -> str:
    lines = [
        f"#### {ds_name}",
        "",
        f"{res['units']} coded units, {res['codes']} codes, {res['docs']} documents;"
        f" {draws} random splits by document (30% of documents held out), mean of the splits."
        " Last column: the code each method puts first most often (per split), the share of"
        " test units it is first for, how often it is right there, and the share of units"
        " that really have it.",
        "",
        "| examples/code (mean drawn) | method | top-1 | top-3 | macro-F1 | ECE"
        " | most-first code: first for / right / has it |",
        "|---|---|---|---|---|---|---|",
    ]
    for point, p in res["points"].items():
        drawn = p["mean_examples"]
        note = f"{point} ({drawn:.1f})"
        if point and drawn < 0.8 * point:
            note += " too small"
        for name, m in p["methods"].items():
            lines.append(
                f"| {note} | {name} | {m['top1']:.3f} | {m['top3']:.3f}"
                f" | {m['macro_f1']:.3f} | {m['ece']:.3f}"
                f" | {m['broad_share']:.0%} / {m['broad_right']:.0%} / {m['broad_gold']:.0%} |"
            )
    return "\n".join(lines)


def reliability_png(all_res: dict[str, dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(all_res), figsize=(4 * len(all_res), 4), squeeze=False)
    for ax, (name, res) in zip(axes[0], all_res.items(), strict=True):
        ax.plot([0, 1], [0, 1], color="grey", lw=1, ls="--")
        for point, (conf_l, right_l) in res["reliability"].items():
            if not conf_l:
                continue
            conf = np.concatenate(conf_l)
            right = np.concatenate(right_l)
            which = np.minimum((conf * 10).astype(int), 9)
            xs, ys = [], []
            for b in range(10):
                m = which == b
                if m.sum() >= 5:
                    xs.append(conf[m].mean())
                    ys.append(right[m].mean())
            ax.plot(xs, ys, marker="o", label=f"{point}/code")
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("score")
        ax.set_ylabel("share right")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=80)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--fake", action="store_true", help="fake embedder (fast, meaningless)")
    parser.add_argument("--only", default="", help="only datasets whose name contains this")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", module="sklearn")
    embedder = FakeEmbedder() if args.fake else SentenceTransformerEmbedder()
    sets: list[Dataset] = []
    if SHARED.is_dir():
        for folder, coder in REAL_SETS:
            if (SHARED / folder / "segments.csv").exists():
                sets.append(load_real(SHARED / folder, coder))
    else:
        print(f"(real datasets skipped: {SHARED} is absent)\n")
    sets.append(load_synthetic())
    sets = [d for d in sets if args.only in d.name]
    all_res: dict[str, dict] = {}
    started = time.perf_counter()
    print(
        "### Suggestion quality: learning curves on real human coding and the synthetic set\n\n"
        "Every method on the same splits and examples; `too small`: the codes have fewer"
        " examples than the point asks for in the training pool (the mean drawn is given),"
        " and points beyond it are left out.\n",
        flush=True,
    )
    for ds in sets:
        all_res[ds.name] = run_dataset(
            ds, embedder, args.draws, lambda m: print(m, file=sys.stderr)
        )
        print(render(ds.name, all_res[ds.name], args.draws) + "\n", flush=True)
    if len(sets) > 1:
        print(
            "#### Unrelated text added (zero-shot)\n\n"
            "Every unit of a dataset scored with nothing coded, alone and with the units of the"
            " other datasets added to the same project. *Outside the scale*: as `suggest` treats"
            " transcripts imported after the score scale was set; *inside*: as every segment"
            " counted before. Max change: the largest change of any unit's score for any code;"
            " top-1 changed: share of units whose first suggestion changed.\n\n"
            "| dataset | project | top-1 | top-3 | max change | top-1 changed |\n"
            "|---|---|---|---|---|---|"
        )
        for ds in sets:
            others = [o for o in sets if o is not ds]
            unrelated = np.vstack(
                [
                    neighbour_context(
                        _cached_encode(embedder, o.texts).copy(), o.turns, NEIGHBOUR_WEIGHT
                    )
                    for o in others
                ]
            )
            for name, m in unrelated_check(ds, embedder, unrelated).items():
                print(
                    f"| {ds.name} | {name} | {m['top1']:.3f} | {m['top3']:.3f}"
                    f" | {m['max_change']:.4f} | {m['top1_changed']:.3f} |"
                )
        print()
    print(f"embedder {embedder.model_id}; {time.perf_counter() - started:.1f} s in all\n")
    coef = fit_zero_shot_map()
    print(
        "Zero-shot map fitted on these runs, datasets weighted equally ("
        + ", ".join(f"{t} {c:.2f}" for t, c in zip(MAP_TERMS, coef, strict=True))
        + "; the package's constants are these, rounded: `stack.ZERO_SHOT_*`). The ECE at"
        " 0/code above is therefore in-sample. Fitted on the other datasets only, the map"
        " gives (Brier score, and that of the base rate, for reference):\n\n"
        "| dataset | zero-shot ECE, map fitted without it | Brier | base-rate Brier |\n"
        "|---|---|---|---|"
    )
    print("\n".join(held_out_map_ece([ds.name for ds in sets])) + "\n")
    summary = {name: {str(k): v for k, v in res["points"].items()} for name, res in all_res.items()}
    OUT.mkdir(exist_ok=True)
    (OUT / "suggest_real.json").write_text(json.dumps(summary, indent=1))
    if not args.fake and not args.only:
        reliability_png(all_res, REPO / "docs" / "suggestions_reliability.png")


if __name__ == "__main__":
    main()
