"""`themekit agree`: domains in every format, folding, --under, pooling, --by source,
spans across segments and the compact default table, through the CLI.

The project is fictional: one transcript of ten sentences, coded by ana and ben with a
codebook of two themes. "Tone" is a domain whose categories carry numeric values
(negative 1, neutral 2, positive 3); "positive" has a sub-code "delighted".
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from themekit.coding.service import CodingSession
from themekit.model.codebook import Codebook
from themekit.model.transcripts import ParsedTranscript, Segment
from themekit.project import Project

SENTENCES = [f"Sentence number {n} is here." for n in range(1, 11)]
BOOK = {
    "codes": [
        {
            "id": "tone",
            "label": "Tone",
            "codable": False,
            "children": [
                {"id": "neg", "label": "Negative", "value": 1},
                {"id": "neu", "label": "Neutral", "value": 2},
                {
                    "id": "pos",
                    "label": "Positive",
                    "value": 3,
                    "children": [{"id": "glad", "label": "Delighted"}],
                },
            ],
        },
        {
            "id": "topic",
            "label": "Topic",
            "codable": False,
            "children": [
                {"id": "cost", "label": "Cost"},
                {"id": "time", "label": "Time"},
                {"id": "unused", "label": "Never used"},
            ],
        },
    ]
}
# line -> code per coder
ANA = {"neg": [1, 2], "neu": [3, 4], "pos": [5], "glad": [6], "cost": [1, 2, 3], "time": [7]}
BEN = {"neg": [1, 2], "neu": [3], "pos": [4, 5, 6], "cost": [1, 2], "time": [7, 8]}


def make_project(project: Project, book: dict | None = None) -> None:
    text = "P01: " + " ".join(SENTENCES)
    segments = []
    for line, sentence in enumerate(SENTENCES, start=1):
        start = text.index(sentence)
        segments.append(Segment(line, "P01", 0, start, start + len(sentence), sentence, True))
    project.store.add_transcript_version(
        "T1",
        ParsedTranscript(text, [], "txt"),
        segments,
        content_hash="x",
        source_name="T1.txt",
        unit="sentence",
    )
    project.store.add_codebook_version(Codebook.from_dict(book or BOOK), source="test", changes={})
    for coder, plan in (("ana", ANA), ("ben", BEN)):
        session = CodingSession(project, coder)
        for code, lines in plan.items():
            for line in lines:
                session.apply(project.store.segment_at("T1", line), code)
        session.set_done("T1")


def agree(cli, *args: str):  # type: ignore[no-untyped-def]
    result = cli("agree", "--coders", "ana,ben", "--bootstrap", "0", *args)
    assert result.exit_code == 0, result.output
    return result


# -- domains in every format -------------------------------------------------------------


def test_domain_json_folds_grandchildren_into_their_category(project: Project, cli) -> None:
    make_project(project)
    data = json.loads(agree(cli, "--domain", "tone", "-f", "json").stdout)
    domain = data["domains"][0]
    # Units rated by both: 1-2 neg/neg, 3 neu/neu, 4 neu/pos, 5 pos/pos, 6 glad->pos/pos.
    assert domain["units"] == 6
    assert domain["confusion"] == [[2, 0, 0], [0, 1, 1], [0, 0, 2]]
    assert domain["notes"][0] == (
        "1 coding on codes below a category counted as that category (folding rule: to-child)"
    )
    assert domain["coefficients"]["cohen_kappa"]["value"] == pytest.approx(
        (5 / 6 - (2 * 2 + 2 * 1 + 2 * 3) / 36) / (1 - 12 / 36)
    )
    for name in ("krippendorff_alpha_ratio", "gwet_ac2", "cohen_kappa_weighted", "bangdiwala_b"):
        assert domain["coefficients"][name]["value"] is not None, name


def test_domain_fold_report_lists_the_codings_and_leaves_the_unit_missing(
    project: Project, cli
) -> None:
    make_project(project)
    data = json.loads(agree(cli, "--domain", "tone", "--fold", "report", "-f", "json").stdout)
    domain = data["domains"][0]
    assert domain["units"] == 5  # line 6 is missing for ana now
    assert domain["notes"][0] == (
        "1 coding on codes below a category not counted (folding rule: report): glad (1);"
        " those units are missing for that coder unless they also applied a category"
    )


def test_domain_without_values_says_which_coefficients_are_left_out(project: Project, cli) -> None:
    book = json.loads(json.dumps(BOOK))
    del book["codes"][0]["children"][1]["value"]
    make_project(project, book)
    data = json.loads(agree(cli, "--domain", "tone", "-f", "json").stdout)
    domain = data["domains"][0]
    assert (
        "left out: ordinal, interval and ratio alpha and the weighted coefficients; they need"
        " a numeric value on every category (none on: neu)"
    ) in domain["notes"]
    assert "krippendorff_alpha_ordinal" not in domain["coefficients"]
    assert "krippendorff_alpha" in domain["coefficients"]


def test_domain_in_csv(project: Project, cli) -> None:
    make_project(project)
    rows = list(csv.DictReader(io.StringIO(agree(cli, "--domain", "tone", "-f", "csv").stdout)))
    domain = [r for r in rows if r["scope"] == "domain"]
    assert len(domain) == 1
    assert domain[0]["code_id"] == "tone" and domain[0]["units"] == "6"
    assert float(domain[0]["gwet_ac2"]) > 0
    assert domain[0]["note"].startswith("1 coding on codes below a category counted")
    assert [r["code_id"] for r in rows if r["scope"] == "code"][:3] == ["neg", "neu", "pos"]


def test_domain_in_markdown_and_default_table(project: Project, cli) -> None:
    make_project(project)
    md = agree(cli, "--domain", "tone", "-f", "md").stdout
    assert "### Domain: Tone (3 categories, 6 units)" in md
    assert "| Gwet's AC2 (weighted) |" in md
    assert "Note: 1 coding on codes below a category counted as that category" in md
    table = agree(cli, "--domain", "tone").stdout
    assert "Domain: Tone" in table
    assert "Krippendorff's alpha (ratio)" in table
    assert "Rows: ana; columns: ben" in table


def test_domain_in_docx(project: Project, cli, tmp_path: Path) -> None:
    import docx

    make_project(project)
    out = tmp_path / "agree.docx"
    agree(cli, "--domain", "tone", "-f", "docx", "-o", str(out))
    document = docx.Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Domain: Tone (3 categories, 6 units)" in text
    assert "Note: 1 coding on codes below a category counted as that category" in text
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert "Conger's kappa (weighted)" in cells


# -- --under and pooling -----------------------------------------------------------------


def test_under_restricts_the_run_to_one_branch(project: Project, cli) -> None:
    make_project(project)
    data = json.loads(agree(cli, "--under", "topic", "-f", "json").stdout)
    assert [r["code_id"] for r in data["per_code"]] == ["cost", "time", "unused"]
    assert data["under"] == "topic"


def test_under_unknown_code_is_named(project: Project, cli) -> None:
    make_project(project)
    result = cli("agree", "--coders", "ana,ben", "--under", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No code 'nope' in the current codebook.")


def test_pooled_figures_cover_used_codes_by_default(project: Project, cli) -> None:
    make_project(project)
    used = json.loads(agree(cli, "--under", "topic", "-f", "json").stdout)
    assert used["pooling"] == {"choice": "used-codes", "codes": ["cost", "time"]}
    assert used["pooled"]["path"] == "(2 of 3 codes used, pooled)"
    assert used["pooled"]["counts"]["units"] == 20
    assert used["notes"] == [
        "pooled figures and the mean cover the 2 codes at least one coder used; 1 code"
        " nobody used left out (pooling: used-codes)"
    ]
    every = json.loads(agree(cli, "--under", "topic", "--pool", "all-codes", "-f", "json").stdout)
    assert every["pooling"]["choice"] == "all-codes"
    assert every["pooled"]["path"] == "(all codes, pooled)"
    assert every["pooled"]["counts"]["units"] == 30
    # The unused code adds ten "neither" units: percent agreement goes up.
    assert pooled(every, "percent_agreement") > pooled(used, "percent_agreement")
    assert pooled(used, "percent_agreement") == pytest.approx(18 / 20)


def pooled(data: dict, name: str) -> float:
    return data["pooled"]["coefficients"][name]["value"]


# -- readable default ----------------------------------------------------------------------


def test_default_table_is_compact_with_a_summary_line(project: Project, cli) -> None:
    make_project(project)
    out = agree(cli).stdout
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "Fleiss" not in out and "Gwet" not in out
    assert "Substantial or better agreement (Cohen's kappa > 0.60, Landis & Koch 1977) on" in out
    full = cli("agree", "--coders", "ana,ben", "--bootstrap", "0", "--all").stdout
    assert "AC1" in full and "Conger" in full and "Bangd." in full


# -- NVivo-style rows per source, spans across segments -------------------------------------


def test_by_source_rows_and_nvivo_convention(project: Project, cli) -> None:
    make_project(project)
    data = json.loads(agree(cli, "--by", "source", "-f", "json").stdout)
    assert data["unit"] == "character"
    unused = next(r for r in data["by_source"] if r["code_id"] == "unused")
    assert unused["transcript"] == "T1"
    assert unused["coefficients"]["cohen_kappa"] == {"value": None, "note": "n/a: no variation"}
    assert unused["coefficients"]["percent_agreement"]["value"] == 1.0
    nvivo = json.loads(agree(cli, "--by", "source", "--neither-coded", "one", "-f", "json").stdout)
    unused = next(r for r in nvivo["by_source"] if r["code_id"] == "unused")
    assert unused["coefficients"]["cohen_kappa"] == {
        "value": 1.0,
        "note": "1 by NVivo's convention: neither coder coded it",
    }
    md = agree(cli, "--by", "source", "-f", "md").stdout
    assert "### By source (characters, as NVivo's coding comparison)" in md


def test_by_source_refuses_the_segment_unit(project: Project, cli) -> None:
    make_project(project)
    result = cli("agree", "--coders", "ana,ben", "--by", "source", "--unit", "segment")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: --by source counts characters, as NVivo's coding comparison does."
    )


def test_a_span_across_segments_counts_on_each_segment(project: Project, cli) -> None:
    make_project(project)
    first, third = project.store.segment_at("T1", 8), project.store.segment_at("T1", 9)
    version = project.store.current_codebook()[0]  # type: ignore[index]
    # An imported coding (e.g. from NVivo) whose span runs from line 8 into line 9.
    project.store.add_coding(
        transcript_id="T1",
        segment_id=first.id,  # type: ignore[union-attr]
        code_id="time",
        coder="ana",
        codebook_version=version,
        source="import",
        span=(first.start + 3, third.start + 5),  # type: ignore[union-attr]
    )
    data = json.loads(agree(cli, "--under", "topic", "-f", "json").stdout)
    time_row = next(r for r in data["per_code"] if r["code_id"] == "time")
    # ana now has time on 7, 8 and 9; ben on 7 and 8.
    assert time_row["counts"]["both"] == 2 and time_row["counts"]["a_only"] == 1
    assert data["notes"][0] == (
        "1 coding with a character span cross segment boundaries; each counts on every"
        " segment it covers"
    )


def test_codings_in_a_transcript_left_out_do_not_count(project: Project, cli) -> None:
    make_project(project)
    text = "P01: " + " ".join(SENTENCES)
    start = text.index(SENTENCES[0])
    project.store.add_transcript_version(
        "T2",
        ParsedTranscript(text, [], "txt"),
        [Segment(1, "P01", 0, start, start + len(SENTENCES[0]), SENTENCES[0], True)],
        content_hash="y",
        source_name="T2.txt",
        unit="sentence",
    )
    CodingSession(project, "ana").apply(project.store.segment_at("T2", 1), "cost")
    result = agree(cli, "--under", "topic", "-f", "json")
    assert "T2: left out (not coded by ben)" in result.stderr
    data = json.loads(result.stdout)
    cost = next(r for r in data["per_code"] if r["code_id"] == "cost")
    assert cost["counts"]["units"] == 10 and cost["counts"]["a_only"] == 1


def test_domain_at_theme_level_folds_sub_codes_too(project: Project, cli) -> None:
    make_project(project)
    data = json.loads(agree(cli, "--level", "theme", "--domain", "tone", "-f", "json").stdout)
    domain = data["domains"][0]
    assert domain["units"] == 6
    assert domain["confusion"] == [[2, 0, 0], [0, 1, 1], [0, 0, 2]]
    # At theme level "Delighted" is compared as "Positive": no row of its own.
    assert "glad" not in [r["code_id"] for r in data["per_code"]]
