"""Benchmarks for ``themekit.suggest``: quality on a synthetic labelled set, and speed.

    python benchmarks/bench_suggest.py quality [--fake]     # variants, Markdown table
    python benchmarks/bench_suggest.py speed [--n 10000]    # throughput vs raw encode
    python benchmarks/bench_suggest.py memory [--n 100000]  # peak RSS in a subprocess
    python benchmarks/bench_suggest.py fit                  # fitting time at 30 x 50

``quality`` embeds the synthetic set of ``suggest_synthetic.py`` once (real bundled
model unless ``--fake``), then runs the cross-validated evaluation of
``themekit.suggest.evaluate`` for several variants of the method: which code texts make
the prototypes, how much turn context, nearest-neighbour votes vs centroids, the prior
strength. Each row also reports the TF-IDF + logistic regression baseline on the same
folds. Not a test: figures depend on the machine only for speed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "src"))

from suggest_synthetic import PHRASES, VAGUE, generate  # noqa: E402

from themekit.model.codebook import Codebook  # noqa: E402
from themekit.suggest.embedder import FakeEmbedder, SentenceTransformerEmbedder  # noqa: E402
from themekit.suggest.engine import codable_entries, code_pieces, turn_context  # noqa: E402
from themekit.suggest.evaluate import EvalArrays, evaluate_arrays  # noqa: E402


def _embedder(fake: bool) -> Any:
    return FakeEmbedder() if fake else SentenceTransformerEmbedder()


def _cached_encode(embedder: Any, texts: list[str]) -> np.ndarray:
    """Encode with a throw-away on-disk cache so repeated benchmark runs are quick."""
    key = hashlib.sha256(("\n".join(texts) + embedder.model_id).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"themekit-bench-{key}.npy"
    if path.exists():
        return np.load(path)
    vectors = embedder.encode(texts, batch_size=64)
    np.save(path, vectors)
    return vectors


# -- quality -------------------------------------------------------------------------------


def quality(fake: bool, folds: int) -> None:
    codebook = Codebook.from_dict(yaml.safe_load((REPO / "codebooks/mhtr.yaml").read_text()))
    entries = [e for e in codable_entries(codebook) if e.code.id in PHRASES]
    code_ids = [e.code.id for e in entries]
    data = generate()
    embedder = _embedder(fake)
    texts = [s.text for s in data]
    raw = _cached_encode(embedder, texts)
    Y = np.array([[c in s.codes for c in code_ids] for s in data], dtype=bool)
    vague = np.array([s.text in VAGUE for s in data])
    print(
        f"Synthetic set: {len(data)} segments, {len(code_ids)} codes,"
        f" {len({s.group for s in data})} transcripts, {int(vague.sum())} vague,"
        f" {int((Y.sum(1) > 1).sum())} multi-code; embedder {embedder.model_id}\n"
    )

    def pieces_for(kind: str) -> tuple[np.ndarray, np.ndarray]:
        pieces = code_pieces(entries)
        keep = [
            i
            for i, r in enumerate(pieces.reasons)
            if kind == "all"
            or (kind == "label" and i in _first_piece(pieces.codes))
            or (kind == "definition" and r == "definition")
        ]
        texts_k = [pieces.texts[i] for i in keep]
        if kind == "label":
            texts_k = [entries[int(pieces.codes[i])].code.label for i in keep]
        return _cached_encode(embedder, texts_k), pieces.codes[keep]

    variants: list[tuple[str, dict[str, Any]]] = [
        ("default (all pieces, context 0.6, knn 0.5, prior 4)", {}),
        ("turn context 0.3", {"context": 0.3}),
        ("prototypes: label only", {"pieces": "label"}),
        ("prototypes: label + definition + include", {"pieces": "definition"}),
        ("turn context 0", {"context": 0.0}),
        ("turn context 1.0", {"context": 1.0}),
        ("centroid only (knn weight 0)", {"knn_weight": 0.0}),
        ("nearest neighbours only (knn weight 1)", {"knn_weight": 1.0}),
        ("k = 10", {"k": 10}),
        ("prior strength 1", {"prior_strength": 1.0}),
        ("prior strength 10", {"prior_strength": 10.0}),
        ("no prototypes (examples only)", {"pieces": "none"}),
    ]
    print("| variant | zero-shot top-3 | top-1 | top-3 | top-3 @3 | @10 | @30 | kappa | alpha |")
    print("|---|---|---|---|---|---|---|---|---|")
    baseline_row = None
    for name, v in variants:
        kind = v.get("pieces", "all")
        if kind == "none":
            pv, pc = np.zeros((0, raw.shape[1]), np.float32), np.zeros(0, np.int64)
        else:
            pv, pc = pieces_for(kind)
        X = turn_context(raw.copy(), [(s.group, s.turn) for s in data], v.get("context", 0.6))
        params = {k: v[k] for k in ("knn_weight", "k", "prior_strength") if k in v}
        started = time.perf_counter()
        result = evaluate_arrays(
            EvalArrays(
                X,
                Y,
                texts,
                [s.group for s in data],
                np.zeros((0, X.shape[1]), np.float32),
                pv,
                pc,
                code_ids,
                [e.code.label for e in entries],
            ),
            folds=folds,
            model_params=params,
        )
        curve = {p["examples_per_code"]: p for p in result.learning_curve}
        print(
            f"| {name} | {result.zero_shot_top3:.3f} | {result.top1:.3f} | {result.top3:.3f}"
            f" | {curve[3]['top3']:.3f} | {curve[10]['top3']:.3f} | {curve[30]['top3']:.3f}"
            f" | {result.agreement['cohen_kappa'] or float('nan'):.3f}"
            f" | {result.agreement['krippendorff_alpha'] or float('nan'):.3f} |",
            flush=True,
        )
        _ = started
        if baseline_row is None:
            baseline_row = (
                f"| TF-IDF + LR baseline | - | {result.baseline_top1:.3f}"
                f" | {result.baseline_top3:.3f} | {curve[3]['baseline_top3']:.3f}"
                f" | {curve[10]['baseline_top3']:.3f} | {curve[30]['baseline_top3']:.3f}"
                " | - | - |"
            )
            chance = result.chance_top3
    print(baseline_row)
    print(f"| chance | {chance:.3f} | | {chance:.3f} | | | | | |")


def _first_piece(codes: np.ndarray) -> set[int]:
    seen: set[int] = set()
    first = set()
    for i, c in enumerate(codes.tolist()):
        if c not in seen:
            seen.add(c)
            first.add(i)
    return first


# -- speed -----------------------------------------------------------------------------------


def _texts(n: int, seed: int = 3) -> list[str]:
    """n distinct interview-like sentences from the synthetic phrase pools."""
    rng = np.random.default_rng(seed)
    pools = [p for phrases in PHRASES.values() for p in phrases]
    out = []
    for i in range(n):
        a, b = rng.choice(len(pools), 2, replace=False)
        out.append(f"{pools[a].capitalize()}, and {pools[b]} (remark {i}).")
    return out


def speed(n: int, rounds: int = 5) -> None:
    """Raw encode vs the cached path, interleaved in ``rounds`` blocks of distinct texts so
    that load from other processes hits both alike; then a second, fully cached run."""
    from themekit.store import Store
    from themekit.suggest.cache import embed_texts

    texts = _texts(n)
    embedder = SentenceTransformerEmbedder()
    model = embedder.load()
    model.encode(texts[:64], batch_size=64)  # warm-up
    raw_s = raw_cpu = first_s = first_cpu = 0.0
    blocks = [texts[i::rounds] for i in range(rounds)]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        embedded = 0
        for block in blocks:
            started, cpu0 = time.perf_counter(), time.process_time()
            model.encode(block, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
            raw_s += time.perf_counter() - started
            raw_cpu += time.process_time() - cpu0
            started, cpu0 = time.perf_counter(), time.process_time()
            embedded += embed_texts(store, embedder, block, batch_size=64).embedded
            first_s += time.perf_counter() - started
            first_cpu += time.process_time() - cpu0
        started = time.perf_counter()
        second = embed_texts(store, embedder, texts, batch_size=64)
        second_s = time.perf_counter() - started
        store.close()
    assert embedded == n and second.embedded == 0
    print(f"### Embedding speed, {n:,} segments ({os.cpu_count()} cores, {embedder.model_id})\n")
    print("| run | wall s | segments/s | CPU s |")
    print("|---|---|---|---|")
    print(f"| raw SentenceTransformer.encode | {raw_s:.1f} | {n / raw_s:.0f} | {raw_cpu:.1f} |")
    print(f"| first run through the cache | {first_s:.1f} | {n / first_s:.0f} | {first_cpu:.1f} |")
    print(f"| second run (all cached) | {second_s:.2f} | {n / second_s:.0f} | |")
    print(
        f"\nFirst run = {100 * raw_s / first_s:.0f}% of raw throughput by wall time"
        f" ({100 * raw_cpu / first_cpu:.0f}% by CPU time; bar: >= 85%);"
        f" second run {first_s / second_s:.0f}x faster than the first (bar: >= 20x)."
        f" Measured in {rounds} interleaved blocks; load average at the end:"
        f" {os.getloadavg()[0]:.1f}."
    )


# -- memory ----------------------------------------------------------------------------------

MEMORY_CHILD = r"""
import hashlib, resource, sys, time
import numpy as np
sys.path.insert(0, {src!r}); sys.path.insert(0, {bench!r})
from bench_suggest import build_big_project, SentenceTransformerEmbedder, FakeEmbedder
from themekit.suggest.engine import SuggestionEngine
n, real_new = {n}, {real_new}
project, texts = build_big_project({root!r}, n)
real = SentenceTransformerEmbedder()
real.load()
if real_new < n:
    # Fill the cache for all but the last real_new texts with random unit vectors (as a
    # previous run would have), so only real_new texts go through the real model.
    rng = np.random.default_rng(0)
    for start in range(0, n - real_new, 5000):
        chunk = texts[start:min(start + 5000, n - real_new)]
        vecs = rng.normal(size=(len(chunk), 384)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        project.store.store_embeddings(real.model_id,
            [(hashlib.sha256(t.encode()).hexdigest(), v) for t, v in zip(chunk, vecs)])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
run = SuggestionEngine(project, real).suggest(top=3)
took = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("RESULT", len(run.segments), run.embedded, f"{{took:.1f}}", f"{{before / 1024:.0f}}",
      f"{{peak / 1024:.0f}}")
"""


def build_big_project(root: str, n: int) -> tuple[Any, list[str]]:
    from themekit.model.transcripts import ParsedTranscript, Segment, Turn
    from themekit.project import Project

    project = Project.init(Path(root) / "big", name="big")
    project.store.add_codebook_version(
        Codebook.from_dict(yaml.safe_load((REPO / "codebooks/mhtr.yaml").read_text())),
        source="bench",
        changes={},
    )
    texts = _texts(n, seed=11)
    per = 1000
    for t in range(0, n, per):
        chunk = texts[t : t + per]
        text = "\n".join(chunk) + "\n"
        segments, offset = [], 0
        for i, s in enumerate(chunk):
            segments.append(Segment(i + 1, "R", i // 4, offset, offset + len(s), s, True))
            offset += len(s) + 1
        parsed = ParsedTranscript(text, [Turn("R", 0, len(text))], "txt")
        project.store.add_transcript_version(
            f"T{t // per:04d}",
            parsed,
            segments,
            content_hash=str(t),
            source_name="x",
            unit="sentence",
        )
    return project, texts


def memory(n: int, real_new: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        code = MEMORY_CHILD.format(
            src=str(REPO / "src"), bench=str(HERE), n=n, real_new=real_new, root=tmp
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if out.returncode:
            print(out.stderr[-3000:])
            raise SystemExit(out.returncode)
        line = [x for x in out.stdout.splitlines() if x.startswith("RESULT")][-1]
        segments, embedded, took, before, peak = line.split()[1:]
        print(f"### Peak memory, {int(segments):,} segments\n")
        print(
            "| segments | newly embedded (real model) | seconds | RSS before suggest | peak RSS |"
        )
        print("|---|---|---|---|---|")
        print(f"| {int(segments):,} | {int(embedded):,} | {took} | {before} MB | {peak} MB |")
    _ = resource


# -- the sample transcripts ------------------------------------------------------------------


def sample(folds: int) -> None:
    """Import transcripts_sample, load the MHTR codebook, apply both coders' codings, then
    evaluate against each coder (context weights 0, 0.3 and 0.6)."""
    from themekit.project import Project
    from themekit.suggest.evaluate import evaluate_coder

    codings = REPO / "transcripts_sample" / "codings"
    coders = sorted(p.stem.removeprefix("coder_") for p in codings.glob("coder_*.csv"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "sample"

        def themekit(*args: str) -> None:
            cmd = [sys.executable, "-m", "themekit", "--project", str(root), *args]
            subprocess.run(cmd, check=True, capture_output=True, text=True)

        subprocess.run(
            [sys.executable, "-m", "themekit", "init", str(root)], check=True, capture_output=True
        )
        themekit("import", str(REPO / "transcripts_sample"))
        themekit("codebook", "load", str(REPO / "codebooks/mhtr.yaml"))
        for coder in coders:
            themekit("code", "--coder", coder, "--apply", str(codings / f"coder_{coder}.csv"))
        project = Project.open(root)
        embedder = SentenceTransformerEmbedder()
        print(f"### Sample transcripts ({', '.join(coders)}; {folds} folds)\n")
        print(
            "| coder | context | units | top-1 | top-3 | TF-IDF top-3 | zero-shot top-3 | chance"
            " | @3 (TF-IDF) | @10 (TF-IDF) | @30 (TF-IDF) | kappa | alpha |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for coder in coders:
            for context in (0.0, 0.3, 0.6):
                r = evaluate_coder(
                    project, coder, folds=folds, embedder=embedder, context_weight=context
                )
                c = {p["examples_per_code"]: p for p in r.learning_curve}
                kappa = r.agreement["cohen_kappa"]
                alpha = r.agreement["krippendorff_alpha"]
                print(
                    f"| {coder} | {context} | {r.units} | {r.top1:.3f} | {r.top3:.3f}"
                    f" | {r.baseline_top3:.3f} | {r.zero_shot_top3:.3f} | {r.chance_top3:.3f}"
                    + "".join(
                        f" | {c[p]['top3']:.3f} ({c[p]['baseline_top3']:.3f})" for p in (3, 10, 30)
                    )
                    + f" | {kappa if kappa is None else round(kappa, 3)}"
                    f" | {alpha if alpha is None else round(alpha, 3)} |",
                    flush=True,
                )
        project.close()


# -- fitting ---------------------------------------------------------------------------------


def fitting(per_code: int, codes: int, background: int, rounds: int = 3) -> None:
    """Seconds to fit ``StackedSuggester`` (held-out check and calibration included) on
    ``per_code`` coded examples of each of ``codes`` codes among ``background`` uncoded
    segments (random unit vectors, 384-d, as the real model gives), against the blend alone.
    Issue 17's bar: under 2 s at 30 x 50."""
    import numpy as np

    from themekit.suggest.model import CodeSuggester
    from themekit.suggest.stack import StackedSuggester

    rng = np.random.default_rng(0)
    centres = rng.normal(size=(codes, 384))
    labels = np.repeat(np.arange(codes), per_code)
    coded = centres[labels] + 2.0 * rng.normal(size=(labels.size, 384))
    X = np.vstack([coded, rng.normal(size=(background, 384))]).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    Y = np.zeros((X.shape[0], codes), dtype=bool)
    Y[np.arange(labels.size), labels] = True
    pieces = (centres / np.linalg.norm(centres, axis=1, keepdims=True)).astype(np.float32)
    groups = [f"T{i % 12}" for i in range(X.shape[0])]
    timings: dict[str, list[float]] = {"StackedSuggester.fit": [], "blend alone": []}
    mode = ""
    for _ in range(rounds):
        started = time.perf_counter()
        est = StackedSuggester(pieces, np.arange(codes)).fit(X, Y, groups=groups)
        timings["StackedSuggester.fit"].append(time.perf_counter() - started)
        mode = est.mode_
        started = time.perf_counter()
        CodeSuggester(pieces, np.arange(codes), calibrate=False).fit(X, Y)
        timings["blend alone"].append(time.perf_counter() - started)
    print(
        f"### Fitting, {per_code} examples x {codes} codes, {background:,} uncoded segments"
        f" ({os.cpu_count()} cores)\n"
    )
    print("| estimator | median s | runs |\n|---|---|---|")
    for name, values in timings.items():
        print(f"| {name} | {statistics.median(values):.2f} | {len(values)} |")
    median = statistics.median(timings["StackedSuggester.fit"])
    verdict = "met" if median < 2.0 else "NOT met"
    print(
        f"\nBar (issue 17): under 2 s at 30 x 50: {verdict} ({median:.2f} s; chosen mode"
        f" {mode}); load average at the end: {os.getloadavg()[0]:.1f}.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--fake", action="store_true")
    q.add_argument("--folds", type=int, default=5)
    s = sub.add_parser("speed")
    s.add_argument("--n", type=int, default=10_000)
    m = sub.add_parser("memory")
    m.add_argument("--n", type=int, default=100_000)
    m.add_argument("--real-new", type=int, default=2_000)
    f = sub.add_parser("fit")
    f.add_argument("--per-code", type=int, default=30)
    f.add_argument("--codes", type=int, default=50)
    f.add_argument("--background", type=int, default=10_000)
    sa = sub.add_parser("sample")
    sa.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    if args.what == "quality":
        quality(args.fake, args.folds)
    elif args.what == "sample":
        sample(args.folds)
    elif args.what == "speed":
        speed(args.n)
    elif args.what == "fit":
        fitting(args.per_code, args.codes, args.background)
    else:
        memory(args.n, args.real_new)


if __name__ == "__main__":
    main()
