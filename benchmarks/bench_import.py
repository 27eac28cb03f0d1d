"""Benchmark: importing transcripts, against reading them and sentencizing them with spaCy.

themekit's import reads each file, decodes it, finds speaker turns, splits sentences
with spaCy's rule-based sentencizer, hashes the text and stores text, segments and an
audit entry in SQLite, one transaction per file. The baseline, measured in the same
run on the same files, is the irreducible part of that work without themekit: read
each file and run ``spacy.blank("en")`` + ``sentencizer`` over its paragraphs with
``nlp.pipe``. Both run as fresh processes (start-up and imports included), so the
ratio is the cost of everything themekit adds.

Sizes 10, 50 and 200 transcripts of 8,000 words show how the cost grows (target:
200 x 8,000 words in under 60 s). Times are the best of ``--repeats`` runs (3; 1 with
``--quick``), each into a new project.

Run:  .venv/bin/python benchmarks/bench_import.py [--quick] [--words 8000]
Prints a Markdown section for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import corpus_words, make_corpus, measure  # noqa: E402

BASELINE = """
import sys
from pathlib import Path
import spacy

nlp = spacy.blank("en")
nlp.add_pipe("sentencizer")
nlp.max_length = 2_000_000
sentences = 0
for path in sorted(Path(sys.argv[1]).glob("*.txt")):
    text = path.read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\\n") if p.strip()]
    for doc in nlp.pipe(paragraphs, batch_size=256):
        sentences += sum(1 for _ in doc.sents)
print(sentences)
"""

TARGET_S = 60.0


def run_size(n: int, words: int, scratch: Path, repeats: int) -> dict[str, float]:
    folder = make_corpus(n, words)
    total_words = corpus_words(folder)
    ours, base = [], []
    for attempt in range(repeats):
        project = scratch / f"project-{n}-{attempt}"
        measure([sys.executable, "-m", "themekit", "init", str(project)])
        ours.append(
            measure(
                [sys.executable, "-m", "themekit", "--project", str(project), "import", str(folder)]
            )
        )
        base.append(measure([sys.executable, "-c", BASELINE, str(folder)]))
    return {
        "n": n,
        "words": total_words,
        "ours_s": min(m.wall_s for m in ours),
        "ours_mib": max(m.peak_mib for m in ours),
        "base_s": min(m.wall_s for m in base),
        "base_mib": max(m.peak_mib for m in base),
        "db_mib": (project / "themekit.db").stat().st_size / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run per size instead of 3")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--words", type=int, default=8000)
    parser.add_argument("--sizes", type=int, nargs="*", default=None)
    args = parser.parse_args()
    sizes = args.sizes or [10, 50, 200]
    repeats = 1 if args.quick else args.repeats

    with tempfile.TemporaryDirectory(prefix="themekit-bench-import-") as scratch:
        rows = [run_size(n, args.words, Path(scratch), repeats) for n in sizes]

    print(f"### Import ({args.words:,}-word transcripts, default sentence unit)\n")
    print(
        "Wall time of `themekit import FOLDER` into a new project, against a baseline that"
        " reads the same files and sentencizes them with spaCy (`spacy.blank('en')` +"
        " sentencizer, `nlp.pipe`) and nothing else; both in fresh processes, same run;"
        f" best of {repeats} run{'s' if repeats > 1 else ''}.\n"
    )
    print(
        "| Transcripts | Words | themekit | words/s | baseline | ratio | peak memory"
        " (themekit / baseline) | database |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['n']} | {r['words']:,} | {r['ours_s']:.1f} s | {r['words'] / r['ours_s']:,.0f}"
            f" | {r['base_s']:.1f} s | {r['ours_s'] / r['base_s']:.2f}x"
            f" | {r['ours_mib']:.0f} / {r['base_mib']:.0f} MiB | {r['db_mib']:.1f} MiB |"
        )
    first, last = rows[0], rows[-1]
    if len(rows) > 1:
        per_word_first = first["ours_s"] / first["words"]
        per_word_last = last["ours_s"] / last["words"]
        print(
            f"\nGrowth: {last['n'] // first['n']}x the transcripts took"
            f" {last['ours_s'] / first['ours_s']:.1f}x the time (cost per word"
            f" {per_word_last / per_word_first:.2f}x that of the smallest run; start-up is"
            " paid once)."
        )
    big = [r for r in rows if r["n"] == 200]
    if big:
        verdict = "met" if big[0]["ours_s"] < TARGET_S else "NOT met"
        print(
            f"\nTarget 200 x {args.words:,} words under {TARGET_S:.0f} s: {verdict}"
            f" ({big[0]['ours_s']:.1f} s)."
        )


if __name__ == "__main__":
    main()
