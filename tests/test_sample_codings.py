"""The bundled sample codings (transcripts_sample/codings/) fit the sample they code.

The two coders' files are hand-made: ana coded P01-P05, ben P01-P03 and P06-P08. These
tests build a project from the sample transcripts and the MHTR codebook through the
library and check that every row points at a codable line and a codable code, that
each coder has enough codings to be a useful demo, and that the double-coded
transcripts show the partial agreement two real coders would reach, not a copy.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

import themekit
from themekit.codebook.validate import load_codebook
from themekit.codebook.versions import commit_codebook
from themekit.project import Project

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "transcripts_sample"
CODINGS = SAMPLE / "codings"
CODEBOOK = ROOT / "codebooks" / "mhtr.yaml"
COLUMNS = ["transcript", "line", "code", "memo"]
DOUBLE_CODED = ["P01", "P02", "P03"]
EXPECTED_TRANSCRIPTS = {
    "ana": {"P01", "P02", "P03", "P04", "P05"},
    "ben": {"P01", "P02", "P03", "P06", "P07", "P08"},
}

Assignments = dict[tuple[str, int], set[str]]


def expand_lines(text: str) -> list[int]:
    first, _, last = text.partition("-")
    start = int(first)
    end = int(last) if last else start
    assert end >= start, f"range {text!r} runs backwards"
    return list(range(start, end + 1))


def read_rows(coder: str) -> list[dict[str, str]]:
    with (CODINGS / f"coder_{coder}.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def assignments(coder: str) -> Assignments:
    """(transcript, line) -> codes; fails on a code given twice to the same line."""
    found: Assignments = defaultdict(set)
    for row in read_rows(coder):
        for line in expand_lines(row["line"]):
            key = (row["transcript"], line)
            assert row["code"] not in found[key], f"{coder}: {key} has {row['code']} twice"
            found[key].add(row["code"])
    return dict(found)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    built = Project.init(tmp_path_factory.mktemp("sample") / "project")
    themekit.import_transcripts(built, [SAMPLE])
    commit_codebook(built, load_codebook(CODEBOOK), source="test")
    yield built
    built.close()


@pytest.fixture(scope="module")
def codable_codes() -> set[str]:
    return {entry.code.id for entry in load_codebook(CODEBOOK).walk() if entry.code.codable}


def test_the_folder_holds_exactly_the_two_coders() -> None:
    assert sorted(p.name for p in CODINGS.glob("coder_*.csv")) == [
        "coder_ana.csv",
        "coder_ben.csv",
    ]


@pytest.mark.parametrize("coder", ["ana", "ben"])
def test_every_row_names_a_codable_line_and_a_codable_code(
    coder: str, project: Project, codable_codes: set[str]
) -> None:
    problems = []
    for (transcript, line), codes in sorted(assignments(coder).items()):
        segment = project.store.segment_at(transcript, line)
        if segment is None:
            problems.append(f"{transcript}:{line} does not exist")
        elif not segment.codable:
            problems.append(f"{transcript}:{line} is not codable: {segment.text[:40]!r}")
        problems += [f"{transcript}:{line} {code} is not codable" for code in codes - codable_codes]
    assert problems == []


@pytest.mark.parametrize("coder", ["ana", "ben"])
def test_each_coder_codes_their_transcripts_with_at_least_300_codings(coder: str) -> None:
    found = assignments(coder)
    assert {transcript for transcript, _ in found} == EXPECTED_TRANSCRIPTS[coder]
    assert sum(len(codes) for codes in found.values()) >= 300


def test_ben_codes_fewer_lines_than_ana_on_the_double_coded_transcripts() -> None:
    def lines(coder: str) -> int:
        return sum(1 for t, _ in assignments(coder) if t in DOUBLE_CODED)

    assert lines("ben") < lines("ana")


def test_raw_agreement_on_double_coded_segments_is_partial(project: Project) -> None:
    ana, ben = assignments("ana"), assignments("ben")
    agreed = compared = 0
    for transcript in DOUBLE_CODED:
        for segment in project.store.segments(transcript, codable_only=True):
            key = (transcript, segment.line)
            first, second = ana.get(key, set()), ben.get(key, set())
            if first or second:  # a segment neither coder coded says nothing here
                compared += 1
                agreed += first == second
    assert compared > 200
    assert 0.5 <= agreed / compared <= 0.95


def test_ranges_are_well_formed() -> None:
    assert expand_lines("12") == [12]
    assert expand_lines("12-15") == [12, 13, 14, 15]
    with pytest.raises(AssertionError, match="runs backwards"):
        expand_lines("15-12")
