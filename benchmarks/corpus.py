"""A synthetic interview corpus for the benchmarks (generated, never committed).

``make_corpus(n_transcripts, words)`` writes ``n_transcripts`` plain-text transcripts of
about ``words`` words each under ``benchmarks/corpus/<n>x<words>/`` (gitignored) and
returns the folder; an existing folder with the right number of files is reused. Each
transcript alternates an interviewer's short questions with a participant's longer
answers of several sentences, with curly quotes and dashes as Word writes them, so the
sentencizer and the speaker detection do realistic work. Everything is fictional and
seeded: the same arguments give the same bytes.

``measure(argv)`` runs a command in a fresh process and returns its wall time and peak
resident memory (``getrusage`` of a wrapper process whose only child is the command),
which every benchmark here uses for its figure and its baseline alike.

Run directly to pre-generate: ``python benchmarks/corpus.py 200 8000``.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CORPUS_ROOT = Path(__file__).resolve().parent / "corpus"

_SUBJECTS = [
    "the court",
    "my team",
    "the probation service",
    "the psychologist",
    "the steering group",
    "the liaison and diversion team",
    "the magistrates",
    "our commissioners",
    "the charity",
    "the treatment provider",
    "the service user",
    "the GP practice",
    "the housing officer",
]
_VERBS = [
    "changed",
    "supported",
    "slowed down",
    "shaped",
    "complicated",
    "improved",
    "questioned",
    "funded",
    "reviewed",
    "welcomed",
    "delayed",
    "simplified",
]
_OBJECTS = [
    "the referral pathway",
    "our caseload",
    "the assessment",
    "the review hearings",
    "the funding bid",
    "the community order",
    "the treatment plan",
    "the breach process",
    "the weekly meetings",
    "the data sharing",
    "access to housing",
    "the waiting list",
]
_TAILS = [
    "at least in the first year",
    "which surprised everyone",
    "\u2014 honestly \u2014 more than expected",
    "because nobody had tried it before",
    "in every site except one",
    "and that\u2019s the key thing",
    "when the \u201cgap\u201d was at its worst",
    "though it took months",
    "as far as I can tell",
]
_QUESTIONS = [
    "Could you tell me more about that?",
    "What changed for you?",
    "How did that feel?",
    "Was that the same in other sites?",
    "What would you do differently?",
    "And the funding?",
]


def _sentence(rng: random.Random) -> str:
    text = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}"
    if rng.random() < 0.6:
        text += f", {rng.choice(_TAILS)}"
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", "?", "!"])


def transcript_text(seed: int, words: int) -> str:
    """One transcript of about ``words`` words."""
    rng = random.Random(seed)
    turns = [f"Interview T{seed:03d} \u2013 fictional participant, generated for benchmarks", ""]
    count = 0
    while count < words:
        question = rng.choice(_QUESTIONS)
        answer = " ".join(_sentence(rng) for _ in range(rng.randint(3, 9)))
        turns.append(f"Interviewer: {question}")
        turns.append(f"P{seed:03d}: {answer}")
        turns.append("")
        count += len(question.split()) + len(answer.split())
    return "\n".join(turns) + "\n"


def make_corpus(n_transcripts: int, words: int) -> Path:
    folder = CORPUS_ROOT / f"{n_transcripts}x{words}"
    if folder.is_dir() and len(list(folder.glob("*.txt"))) == n_transcripts:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(n_transcripts):
        path = folder / f"T{index:03d}.txt"
        path.write_text(transcript_text(index, words), encoding="utf-8")
    return folder


def corpus_words(folder: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8").split()) for p in sorted(folder.glob("*.txt")))


_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(json.dumps({"wall": wall, "peak_kib": peak_kib, "rc": done.returncode,
                  "stderr": done.stderr[-2000:]}))
"""


@dataclass(frozen=True)
class Measured:
    wall_s: float
    peak_mib: float


def measure(
    argv: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> Measured:
    """Run ``argv`` in a fresh process; its wall time and peak memory (fails loudly)."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["rc"] != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({result['rc']}): {result['stderr']}")
    return Measured(result["wall"], result["peak_kib"] / 1024)


if __name__ == "__main__":
    n, w = (int(a) for a in sys.argv[1:3]) if len(sys.argv) >= 3 else (200, 8000)
    print(make_corpus(n, w))
