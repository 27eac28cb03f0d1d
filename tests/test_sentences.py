"""The pure-Python sentence splitter: the cases spaCy's sentencizer decides, and agreement
with spaCy itself on the bundled sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLE
from themekit.model.transcripts import ImportSettings
from themekit.transcripts.readers import read_transcript
from themekit.transcripts.segment import _sentence_spans
from themekit.transcripts.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It began. Then it grew.", ["It began.", "Then it grew."]),
        ("Really?! Yes.", ["Really?!", "Yes."]),
        ("Really? yes", ["Really?", "yes"]),
        ("Mr. Smith came. Dr. Jones too.", ["Mr. Smith came.", "Dr. Jones too."]),
        ("On Jan. 5 we met.", ["On Jan. 5 we met."]),
        ("Apples, e.g. these. Pears, i.e. those.", ["Apples, e.g. these.", "Pears, i.e. those."]),
        ("It was 5 p.m. Then we left.", ["It was 5 p.m. Then we left."]),
        ("Back in the U.K. They said.", ["Back in the U.K. They said."]),
        ("J. Smith came.", ["J. Smith came."]),
        ("It was 3.5 hours. Then home.", ["It was 3.5 hours.", "Then home."]),
        ("Well... then we left.", ["Well... then we left."]),
        ("Well \u2026 then.", ["Well \u2026 then."]),
        ('"Go." He went.', ['"Go."', "He went."]),
        ("the end.) Next one.", ["the end.)", "Next one."]),
        ("It was 2019. Then it ended.", ["It was 2019.", "Then it ended."]),
        ("Apples etc. Then pears.", ["Apples etc.", "Then pears."]),
        ("word.Next word", ["word.", "Next word"]),
        ("No full stop at all", ["No full stop at all"]),
        ("  padded.  Twice  ", ["padded.", "Twice"]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_an_opener_left_at_a_sentence_end_moves_to_the_next() -> None:
    from themekit.transcripts.segment import _repair_boundaries

    text = "Yes. [laughs] No."
    assert sentences(text) == ["Yes. [", "laughs] No."]  # as spaCy decides it
    assert [text[a:b] for a, b in _repair_boundaries(text, split_sentences(text))] == [
        "Yes. ",
        "[laughs] No.",
    ]


def test_agrees_with_spacy_on_at_least_99_percent_of_the_sample() -> None:
    same = total = 0
    for path in sorted(SAMPLE.glob("P0*")):
        parsed = read_transcript(path, ImportSettings())
        spacy = set(_sentence_spans(parsed, "spacy"))
        same += len(set(_sentence_spans(parsed, "rules")) & spacy)
        total += len(spacy)
    assert total > 1000
    assert same / total >= 0.99


def test_importing_a_transcript_does_not_load_spacy(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys, themekit\n"
        f"p = themekit.Project.init({str(tmp_path / 'nb')!r})\n"
        f"out = themekit.import_transcripts(p, [{str(SAMPLE / 'P03.txt')!r}])\n"
        "assert out[0].status == 'imported', out\n"
        "assert 'spacy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
