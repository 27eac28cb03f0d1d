"""Benchmark: one-file import without spaCy, and agreement with spaCy's sentencizer.

Two measurements in one run:

1. agreement: every transcript of transcripts_sample/ is cut into sentences twice, by
   ``transcripts.sentences`` (the default) and by spaCy's rule-based sentencizer (the old
   path, ``segment._sentence_spans(parsed, "spacy")``); the share of spaCy's sentences that
   the pure-Python splitter reproduces exactly is reported (target: at least 99%);
2. time: fresh processes, best of ``--runs``: ``themekit --help`` (start-up), ``themekit
   import`` of one ~2,000-word transcript into a new project (target: under 1 s), the
   same import through the old spaCy path, and a process that only imports spaCy and
   sentencizes the same file (what the old path cost before any of the import's own work).

Run:  .venv/bin/python benchmarks/bench_sentences.py [--runs 5]
Prints a Markdown section for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import measure  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "transcripts_sample"
WORDS = 2000
TARGET_S = 1.0

# The same import through the old spaCy path (kept in segment.py for this comparison).
IMPORT_WITH_SPACY = """
import sys
import themekit.transcripts.segment as segment
segment.SENTENCE_SPLITTER = "spacy"
from themekit.cli import main
sys.argv = ["themekit", *sys.argv[1:]]
main()
"""

SPACY_ONLY = """
import sys
import spacy
nlp = spacy.blank("en")
nlp.add_pipe("sentencizer")
text = open(sys.argv[1], encoding="utf-8").read()
sum(len(list(doc.sents)) for doc in nlp.pipe(text.split("\\n")))
"""


def agreement() -> tuple[int, int]:
    """(sentences both splitters agree on, spaCy's sentences) over the sample."""
    from themekit.model.transcripts import ImportSettings
    from themekit.transcripts.readers import read_transcript
    from themekit.transcripts.segment import _sentence_spans

    same = total = 0
    for path in sorted(SAMPLE.iterdir()):
        if not path.stem.startswith("P"):
            continue
        parsed = read_transcript(path, ImportSettings())
        rules = set(_sentence_spans(parsed, "rules"))
        spacy = set(_sentence_spans(parsed, "spacy"))
        same += len(rules & spacy)
        total += len(spacy)
    return same, total


def two_thousand_words(folder: Path) -> Path:
    """The first ~2,000 words of sample P03, cut at a line end."""
    lines = (SAMPLE / "P03.txt").read_text("utf-8").splitlines()
    kept: list[str] = []
    words = 0
    for line in lines:
        kept.append(line)
        words += len(line.split())
        if words >= WORDS:
            break
    path = folder / "P03_2000.txt"
    path.write_text("\n".join(kept) + "\n", "utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "HF_HUB_OFFLINE": "1"}
    same, total = agreement()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        transcript = two_thousand_words(folder)
        words = len(transcript.read_text("utf-8").split())
        help_runs, import_runs, old_runs, spacy_runs = [], [], [], []
        old_script = folder / "import_with_spacy.py"
        old_script.write_text(IMPORT_WITH_SPACY, "utf-8")
        for run in range(args.runs):
            help_runs.append(measure([sys.executable, "-m", "themekit", "--help"], env=env).wall_s)
            project = folder / f"p{run}"
            measure([sys.executable, "-m", "themekit", "init", str(project)], env=env)
            argv = [
                sys.executable,
                "-m",
                "themekit",
                "--project",
                str(project),
                "import",
                str(transcript),
            ]
            import_runs.append(measure(argv, env=env).wall_s)
            old_project = folder / f"old{run}"
            measure([sys.executable, "-m", "themekit", "init", str(old_project)], env=env)
            old_argv = [sys.executable, str(old_script), "--project", str(old_project), "import"]
            old_runs.append(measure([*old_argv, str(transcript)], env=env).wall_s)
            script = folder / "spacy_only.py"
            script.write_text(SPACY_ONLY, "utf-8")
            spacy_runs.append(
                measure([sys.executable, str(script), str(transcript)], env=env).wall_s
            )
    best_import = min(import_runs)
    print("## One-file import and sentence splitting (bench_sentences.py)\n")
    print(f"CPU cores: {os.cpu_count()}; best of {args.runs} fresh processes.\n")
    print("| measurement | result | target |")
    print("|---|---|---|")
    print(
        f"| sentences identical to spaCy's sentencizer (sample, {total} sentences)"
        f" | {same / total:.2%} | >= 99% |"
    )
    print(f"| `themekit --help` | {min(help_runs):.2f} s | |")
    print(
        f"| `themekit import` one {words:,}-word .txt | {best_import:.2f} s"
        f" | < {TARGET_S:.0f} s ({'met' if best_import < TARGET_S else 'NOT met'}) |"
    )
    print(f"| the same import through the old spaCy path | {min(old_runs):.2f} s | |")
    print(f"| import spaCy + sentencize the same file, nothing else | {min(spacy_runs):.2f} s | |")


if __name__ == "__main__":
    main()
