"""Benchmark: `themekit agree` end to end on a project of 100,000 units x 3 coders x 50 codes.

The issue's figure: 34-41 s and 2.2 GB, ~85% of it loading codings into Python objects,
the statistics alone 0.34 s. Target: under 3 s end to end and under 600 MB.

A fictional project is built once (100 transcripts x 1,000 segments, 3 coders, 50
codes, each coder flipping 5% of a true presence with prevalence 1-30%, so about 2.3
million codings) under benchmarks/corpus/agree_e2e/ (gitignored). In the same run it
times, in fresh processes measured alike (``corpus.measure``):

* ``themekit agree --bootstrap 0 -f json`` (every per-code and pooled coefficient),
* the statistics alone on the same decisions held as arrays (no store, no CLI),
* the ``krippendorff`` package's nominal alpha on the same arrays (one call per code),

and checks that themekit's per-code alpha equals the package's.

Run:  .venv/bin/python benchmarks/bench_agree_e2e.py [--transcripts N] [--segments S]
      [--codes C] [--quick]
Prints a Markdown snippet for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import CORPUS_ROOT, measure  # noqa: E402

CODERS = ("ana", "ben", "cal")
TARGET = "< 3 s, < 600 MB"


def decisions(n_units: int, n_codes: int, seed: int = 2024) -> np.ndarray:
    """(codes, units, coders) 0/1: a true presence per unit, each coder flipping 5%."""
    rng = np.random.default_rng(seed)
    out = np.zeros((n_codes, n_units, len(CODERS)), dtype=np.uint8)
    for index in range(n_codes):
        truth = rng.random(n_units) < rng.uniform(0.01, 0.3)
        flips = rng.random((n_units, len(CODERS))) < 0.05
        out[index] = truth[:, None] ^ flips
    return out


def build_project(root: Path, n_transcripts: int, per_transcript: int, n_codes: int) -> None:
    from themekit.model.codebook import Codebook
    from themekit.model.transcripts import ParsedTranscript, Segment
    from themekit.project import Project

    project = Project.init(root, name="bench")
    book = {"codes": [{"id": f"code{i:02d}", "label": f"Code {i:02d}"} for i in range(n_codes)]}
    version = project.store.add_codebook_version(
        Codebook.from_dict(book), source="bench", changes={}
    )
    for coder in CODERS:
        project.store.ensure_coder(coder)
    sentence = "A fictional sentence of the benchmark."
    all_decisions = decisions(n_transcripts * per_transcript, n_codes)
    for t in range(n_transcripts):
        text = " ".join([sentence] * per_transcript)
        step = len(sentence) + 1
        segments = [
            Segment(
                line, "P01", 0, (line - 1) * step, (line - 1) * step + len(sentence), sentence, True
            )
            for line in range(1, per_transcript + 1)
        ]
        tid = f"T{t:03d}"
        project.store.add_transcript_version(
            tid,
            ParsedTranscript(text, [], "txt"),
            segments,
            content_hash=tid,
            source_name=f"{tid}.txt",
            unit="sentence",
        )
        ids = [s.id for s in project.store.segments(tid)]
        block = all_decisions[:, t * per_transcript : (t + 1) * per_transcript]
        code_ix, unit_ix, coder_ix = np.nonzero(block)
        project.store.add_codings_bulk(
            (
                (tid, ids[u], f"code{c:02d}", CODERS[r])
                for c, u, r in zip(
                    code_ix.tolist(), unit_ix.tolist(), coder_ix.tolist(), strict=True
                )
            ),
            codebook_version=version,
            source="bench",
        )
        for coder in CODERS:
            project.store.set_done(tid, coder, True)
    np.save(root / "decisions.npy", all_decisions)
    project.close()


STATS_ONLY = """
import json, sys, time
import numpy as np
start = time.perf_counter()
from themekit.agree.coefficients import binary_units, per_code_and_pooled
cube = np.load(sys.argv[1])
result = per_code_and_pooled({i: binary_units(cube[i].astype(float)) for i in range(len(cube))})
print(json.dumps([result.per_code[i].coefficients["krippendorff_alpha"].value
                  for i in range(len(cube))]))
"""

PACKAGE = """
import json, sys
import numpy as np
import krippendorff
cube = np.load(sys.argv[1])
print(json.dumps([krippendorff.alpha(reliability_data=np.ascontiguousarray(cube[i].T),
                  level_of_measurement="nominal") for i in range(len(cube))]))
"""


def cpu_seconds(argv: list[str]) -> float:
    """User + system CPU time of a fresh process running ``argv``. On a shared machine
    the wall time grows with the load; the CPU time shows what the command costs."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def best(repeats: int, argv: list[str]) -> tuple[float, float, float]:
    """(best wall s, peak MiB, CPU s of the best run's twin) over ``repeats`` runs."""
    runs = [measure(argv) for _ in range(repeats)]
    fastest = min(runs, key=lambda m: m.wall_s)
    cpu = min(cpu_seconds(argv) for _ in range(repeats))
    return fastest.wall_s, max(m.peak_mib for m in runs), cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=100)
    parser.add_argument("--segments", type=int, default=1000, help="segments per transcript")
    parser.add_argument("--codes", type=int, default=50)
    parser.add_argument("--quick", action="store_true", help="10 transcripts (10,000 units)")
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    if args.quick:
        args.transcripts = 10
    n_units = args.transcripts * args.segments
    root = CORPUS_ROOT / f"agree_e2e_{args.transcripts}x{args.segments}x{args.codes}"
    if not (root / "decisions.npy").exists():
        shutil.rmtree(root, ignore_errors=True)
        root.parent.mkdir(parents=True, exist_ok=True)
        build_project(root, args.transcripts, args.segments, args.codes)
    cube_path = root / "decisions.npy"
    n_codings = int(np.load(cube_path).sum())

    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "agree.json"
        argv = [
            sys.executable,
            "-m",
            "themekit",
            "--project",
            str(root),
            "agree",
            "--coders",
            ",".join(CODERS),
            "--bootstrap",
            "0",
            "-f",
            "json",
            "-o",
            str(out),
            "--force",  # each repeat writes the same file
        ]
        cli = best(args.repeats, argv)
        data = json.loads(out.read_text(encoding="utf-8"))
    stats = best(args.repeats, [sys.executable, "-c", STATS_ONLY, str(cube_path)])
    package = best(1, [sys.executable, "-c", PACKAGE, str(cube_path)])
    load = os.getloadavg()[0]

    ours = np.array(
        [row["coefficients"]["krippendorff_alpha"]["value"] for row in data["per_code"]]
    )
    import krippendorff

    cube = np.load(cube_path)
    theirs = np.array(
        [
            krippendorff.alpha(
                reliability_data=np.ascontiguousarray(cube[i].T), level_of_measurement="nominal"
            )
            for i in range(len(cube))
        ]
    )
    difference = float(np.max(np.abs(ours - theirs)))

    print(
        f"### Agreement end to end ({n_units:,} units x {len(CODERS)} coders x {args.codes}"
        f" codes, {n_codings:,} codings)\n"
    )
    print("| Run | wall (best) | CPU (user + sys) | peak memory | target |")
    print("|---|---:|---:|---:|---:|")
    rows = [
        ("`themekit agree --bootstrap 0 -f json` (store, every coefficient, report)", cli, TARGET),
        ("statistics alone on arrays (no store, no CLI)", stats, ""),
        ("`krippendorff` package, nominal alpha only, one call per code", package, ""),
    ]
    for label, (wall, peak, cpu), target in rows:
        print(f"| {label} | {wall:.2f} s | {cpu:.2f} s | {peak:.0f} MiB | {target} |")
    print(
        f"\nEach run is a fresh process (Python start-up included); wall is the best of"
        f" {args.repeats} (of 1 for the package), load average {load:.1f} on"
        f" {os.cpu_count()} CPUs. Largest difference in per-code alpha between"
        f" `themekit agree` and the package: {difference:.1e}."
    )


if __name__ == "__main__":
    main()
