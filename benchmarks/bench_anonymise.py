"""Benchmark: anonymisation recall and precision on the fictional interview in the tests.

Run from the repository root::

    .venv/bin/python benchmarks/bench_anonymise.py

The interview (tests/fixtures/anonymisation/P01.txt) is dense with identifiers:
registered and unregistered names, names that are also words, nicknames, possessives,
capitals, multi-word places, titles, phone, e-mail, postcode and NHS number; and with
ordinary-word traps ("Mark my words", "the Grant money", CBT, A&E...). truth.yaml lists
which spans must be replaced and which must stay. For each setting, a project is made,
``themekit anonymise init`` drafts the register (accepted as it stands), every speaker
turn is anonymised, and the leaks (spans left) and false replacements (traps replaced)
are counted, and so are the people or things (truth.yaml ``same``) whose mentions got
more than one placeholder. The baseline rows are the same text with less: the draft without the NER
scan (speaker labels and sites only), and the register and patterns alone (no NER, no
name rules). A Markdown table is printed.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

import yaml

import themekit

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "anonymisation"


def measure(root: Path, *, scan: bool, ner: bool) -> tuple[list[str], list[str], float, int, int]:
    """(leaked terms, falsely replaced traps, seconds to anonymise, candidates left,
    people or things split over several placeholders)."""
    from typer.testing import CliRunner

    from themekit.cli.app import app
    from themekit.export.anonymised import ExportAnonymiser
    from themekit.project import Project

    project = Project.init(root, name="bench")
    themekit.import_transcripts(project, [FIXTURE / "P01.txt"])
    themekit.import_participants(project, FIXTURE / "participants.csv")
    argv = ["--project", str(root), "anonymise", "init", "--accept"]
    result = CliRunner().invoke(app, [*argv, "--scan" if scan else "--no-scan"])
    if result.exit_code != 0:
        raise SystemExit(f"anonymise init failed: {result.output}")
    register = root / "redact.yaml"
    if not ner:
        text = register.read_text(encoding="utf-8")
        register.write_text(re.sub(r"enabled: true", "enabled: false", text), encoding="utf-8")
    store = project.store
    texts = []
    for transcript_id in store.transcript_ids():
        turns: dict[int, list[str]] = {}
        for segment in store.segments(transcript_id):
            turns.setdefault(segment.turn_index, []).append(segment.text)
        texts += [" ".join(pieces) for pieces in turns.values()]
    started = time.perf_counter()
    anonymiser = ExportAnonymiser(project)
    results = anonymiser.preview(texts, [f"turn {n}" for n in range(len(texts))])
    took = time.perf_counter() - started
    truth = yaml.safe_load((FIXTURE / "truth.yaml").read_text(encoding="utf-8"))

    def locate(term: str, snippet: str) -> tuple[int, int, int]:
        holder = next(n for n, text in enumerate(texts) if snippet in text)
        start = texts[holder].index(snippet) + snippet.index(term)
        return holder, start, start + len(term)

    leaks, false = [], []
    for term, snippet in truth["replace"]:
        n, start, end = locate(term, snippet)
        if not any(r.start <= start and end <= r.end for r in results[n].replacements):
            leaks.append(term)
    for term, snippet in truth["keep"]:
        n, start, end = locate(term, snippet)
        if any(r.start < end and start < r.end for r in results[n].replacements):
            false.append(term)
    placeholders = []
    for term, snippet in truth["replace"]:
        n, start, end = locate(term, snippet)
        covering = [r.placeholder for r in results[n].replacements if r.start <= start < r.end]
        placeholders.append(covering[0] if covering else None)
    split = sum(len({placeholders[i] for i in group}) != 1 for group in truth["same"])
    summary = anonymiser.summary
    project.close()
    return leaks, false, took, summary.candidates if summary else 0, split


def main() -> None:
    truth = yaml.safe_load((FIXTURE / "truth.yaml").read_text(encoding="utf-8"))
    settings = [
        ("draft with NER scan, NER and name rules (the default)", True, True),
        ("baseline: draft without the scan, NER and name rules", False, True),
        ("baseline: draft with the scan, register and patterns only", True, False),
    ]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for number, (label, scan, ner) in enumerate(settings):
            leaks, false, took, candidates, split = measure(
                Path(folder) / f"study{number}", scan=scan, ner=ner
            )
            rows.append((label, leaks, false, took, candidates, split))
    print(
        f"\n### Anonymisation: fictional interview, {len(truth['replace'])} identifiers,"
        f" {len(truth['keep'])} ordinary-word traps\n"
    )
    print(
        "| setting | leaks | false replacements | split people | left for review | anonymise (s) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for label, leaks, false, took, candidates, split in rows:
        print(
            f"| {label} | {len(leaks)} | {len(false)} | {split} of {len(truth['same'])}"
            f" | {candidates} | {took:.2f} |"
        )
    print()
    for label, leaks, false, _took, _candidates, _split in rows:
        if leaks or false:
            print(
                f"- {label}: leaked {', '.join(leaks) or 'none'};"
                f" falsely replaced {', '.join(false) or 'none'}."
            )


if __name__ == "__main__":
    main()
