"""Check the sample codings against the sample transcripts and the MHTR codebook.

Builds a throwaway project from ``transcripts_sample/`` and ``codebooks/mhtr.yaml`` (or
opens the one given with ``--project``), then, for each ``coder_*.csv`` here: every row
must name a codable line of an imported transcript and a codable code id. Prints the
expanded coding counts per coder and transcript, and the raw agreement on the
transcripts both coders coded.

Raw agreement is counted per codable segment: the two coders agree on a segment when
they gave it exactly the same set of codes. It is reported twice, over the segments
that at least one coder coded (the stricter figure) and over every codable segment of
the double-coded transcripts (segments neither coded count as agreement, which is how
an uncoded line of a finished transcript is read by ``themekit agree``).

    .venv/bin/python transcripts_sample/codings/_check.py [--project PATH]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from themekit.codebook.validate import load_codebook
from themekit.codebook.versions import commit_codebook
from themekit.project import Project

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent
CODEBOOK = SAMPLE.parent / "codebooks" / "mhtr.yaml"

Assignments = dict[tuple[str, int], set[str]]


def expand_lines(text: str) -> list[int]:
    """'12' -> [12]; '12-15' -> [12, 13, 14, 15]."""
    first, _, last = text.strip().partition("-")
    start = int(first)
    end = int(last) if last else start
    if end < start:
        raise ValueError(f"range {text!r} runs backwards")
    return list(range(start, end + 1))


def read_codings(path: Path) -> Assignments:
    """(transcript, line) -> set of code ids, with ranges expanded."""
    assignments: Assignments = defaultdict(set)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != ["transcript", "line", "code", "memo"]:
            raise SystemExit(f"{path.name}: header is {reader.fieldnames}")
        for row in reader:
            for line in expand_lines(row["line"]):
                if row["code"] in assignments[(row["transcript"], line)]:
                    raise SystemExit(
                        f"{path.name}: {row['transcript']} line {line} has {row['code']} twice"
                    )
                assignments[(row["transcript"], line)].add(row["code"])
    return dict(assignments)


def problems(project: Project, codable_codes: set[str], name: str, found: Assignments) -> list[str]:
    out = []
    for (transcript, line), codes in sorted(found.items()):
        segment = project.store.segment_at(transcript, line)
        if segment is None:
            out.append(f"{name}: {transcript} line {line} does not exist")
        elif not segment.codable:
            out.append(f"{name}: {transcript} line {line} is not codable ({segment.text[:40]})")
        for code in sorted(codes - codable_codes):
            out.append(f"{name}: {transcript} line {line}: {code} is not a codable code")
    return out


def raw_agreement(
    project: Project, first: Assignments, second: Assignments, transcripts: list[str]
) -> tuple[float, int, float, int]:
    """(agreement over segments coded by either, n; over all codable segments, n)."""
    either = agree_either = every = agree_every = 0
    for transcript in transcripts:
        for segment in project.store.segments(transcript):
            if not segment.codable:
                continue
            key = (transcript, segment.line)
            a, b = first.get(key, set()), second.get(key, set())
            every += 1
            agree_every += a == b
            if a or b:
                either += 1
                agree_either += a == b
    return agree_either / either, either, agree_every / every, every


def build_project(folder: Path) -> Project:
    project = Project.init(folder)
    project.import_transcripts([SAMPLE])
    commit_codebook(project, load_codebook(CODEBOOK), source="sample codings check")
    return project


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", help="an existing project holding the sample")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.open(args.project) if args.project else build_project(Path(tmp) / "p")
        codebook = load_codebook(CODEBOOK)
        codable_codes = {entry.code.id for entry in codebook.walk() if entry.code.codable}
        coders = {
            p.stem.removeprefix("coder_"): read_codings(p) for p in sorted(HERE.glob("coder_*.csv"))
        }
        found = [
            msg for name, a in coders.items() for msg in problems(project, codable_codes, name, a)
        ]
        for name, assignments in coders.items():
            per_transcript: Counter[str] = Counter()
            lines: Counter[str] = Counter()
            for (transcript, _line), codes in assignments.items():
                per_transcript[transcript] += len(codes)
                lines[transcript] += 1
            total = sum(per_transcript.values())
            detail = ", ".join(
                f"{t} {per_transcript[t]} ({lines[t]} lines)" for t in sorted(per_transcript)
            )
            print(f"{name}: {total} codings on {sum(lines.values())} lines: {detail}")
        names = sorted(coders)
        if len(names) == 2:
            a, b = (coders[n] for n in names)
            shared = sorted({t for t, _ in a} & {t for t, _ in b})
            strict, n_strict, loose, n_loose = raw_agreement(project, a, b, shared)
            print(f"double-coded: {', '.join(shared)}")
            print(f"raw agreement, segments coded by either: {strict:.3f} (n={n_strict})")
            print(f"raw agreement, all codable segments:     {loose:.3f} (n={n_loose})")
        project.close()
    for msg in found:
        print(msg, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
