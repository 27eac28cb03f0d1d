"""`themekit agree` and `themekit reconcile` on a small project with hand-computed values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from themekit.coding.service import CodingSession
from themekit.model.codebook import Codebook
from themekit.model.transcripts import ParsedTranscript, Segment
from themekit.project import Project

SENTENCES = [f"Sentence number {n} is here." for n in range(1, 11)]
ANA = {"c1": [1, 2, 3, 4], "c2": [5, 6]}
BEN = {"c1": [1, 2, 3, 5], "c2": [6, 7]}


def make_project(project: Project, *, ben_done: bool = True) -> None:
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
    book = {
        "codes": [
            {
                "id": "g",
                "label": "Group",
                "codable": False,
                "children": [{"id": "c1", "label": "One"}, {"id": "c2", "label": "Two"}],
            },
        ]
    }
    project.store.add_codebook_version(Codebook.from_dict(book), source="test", changes={})
    for coder, plan in (("ana", ANA), ("ben", BEN)):
        session = CodingSession(project, coder)
        for code, lines in plan.items():
            for line in lines:
                session.apply(project.store.segment_at("T1", line), code)
        if coder == "ana" or ben_done:
            session.set_done("T1")


def pooled(data: dict, name: str) -> float:
    return data["pooled"]["coefficients"][name]["value"]


def per_code(data: dict, code: str) -> dict:
    return next(row for row in data["per_code"] if row["code_id"] == code)


def test_hand_computed_values(project: Project, cli) -> None:
    make_project(project)
    result = cli("agree", "--coders", "ana,ben", "--format", "json", "--bootstrap", "0")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    c1 = per_code(data, "c1")
    assert c1["counts"] == {
        "units": 10,
        "both": 3,
        "a_only": 1,
        "b_only": 1,
        "neither": 5,
        "split": 2,
    }
    # po = .8, pe = .4*.4 + .6*.6 = .52  ->  kappa = .28/.48
    assert c1["coefficients"]["cohen_kappa"]["value"] == pytest.approx(0.28 / 0.48)
    assert per_code(data, "c2")["coefficients"]["cohen_kappa"]["value"] == pytest.approx(
        0.12 / 0.32
    )
    # Pooled over 20 decisions: po = .8, pe = .3*.3 + .7*.7 = .58
    assert pooled(data, "cohen_kappa") == pytest.approx(0.22 / 0.42)
    # Krippendorff: 40 values, 12 ones; 8 disagreeing pairable values.
    assert pooled(data, "krippendorff_alpha") == pytest.approx(1 - 8 / (2 * 28 * 12 / 39))
    assert pooled(data, "percent_agreement") == pytest.approx(0.8)
    assert "T1: included (done by every coder)" in result.stderr


def test_partial_transcripts_need_the_option(project: Project, cli) -> None:
    make_project(project, ben_done=False)
    result = cli("agree", "--coders", "ana,ben")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: No transcript is shared by all these coders: T1: coded by every coder, not"
        " marked done by ben (add --include-partial)."
    )
    ok = cli("agree", "--coders", "ana,ben", "--include-partial", "-f", "csv", "--bootstrap", "0")
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.splitlines()[0].startswith("scope,code_id,path,label,units")


def test_threshold_exit_code(project: Project, cli) -> None:
    make_project(project)
    result = cli(
        "agree", "--coders", "ana,ben", "--min-kappa", "0.6", "--bootstrap", "0", "-f", "md"
    )
    assert result.exit_code == 3
    assert result.stderr.rstrip().endswith(
        "Error: pooled Cohen's kappa 0.524 is below --min-kappa 0.6."
    )
    assert (
        cli(
            "agree", "--coders", "ana,ben", "--min-alpha", "0.5", "--bootstrap", "0", "-f", "md"
        ).exit_code
        == 0
    )


@pytest.mark.parametrize(
    ("coders", "message"),
    [
        ("ana", "Error: Agreement needs at least two coders. Name them with --coders A,B.\n"),
        (
            "ana,zed",
            "Error: Unknown coder 'zed'. Known coders: ana, ben. Check the spelling"
            " ('themekit coders list'), or add a new coder with 'themekit coders add NAME'.\n",
        ),
    ],
)
def test_bad_coders(project: Project, cli, coders: str, message: str) -> None:
    make_project(project)
    result = cli("agree", "--coders", coders)
    assert result.exit_code == 1
    assert result.stderr == message


def test_unknown_transcript(project: Project, cli) -> None:
    make_project(project)
    result = cli("agree", "--coders", "ana,ben", "--transcripts", "T9")
    assert result.exit_code == 1
    assert result.stderr == "Error: Unknown transcript: T9. See 'themekit transcripts list'.\n"


def test_bootstrap_is_reproducible_with_seed(project: Project, cli) -> None:
    make_project(project)
    args = ("agree", "--coders", "ana,ben", "-f", "json", "--bootstrap", "200", "--seed", "7")
    first, second = cli(*args), cli(*args)
    assert first.stdout == second.stdout
    interval = json.loads(first.stdout)["pooled"]["coefficients"]
    assert "cohen_kappa" in interval


def test_character_unit_counts_like_nvivo(project: Project, cli) -> None:
    make_project(project)
    result = cli(
        "agree", "--coders", "ana,ben", "--unit", "character", "-f", "json", "--bootstrap", "0"
    )
    assert result.exit_code == 0, result.output
    counts = per_code(json.loads(result.stdout), "c1")["counts"]
    length = len("Sentence number 1 is here.")  # every sentence but the tenth has this length
    total = len("P01: " + " ".join(SENTENCES))
    assert counts["both"] == 3 * length
    assert counts["a_only"] == length and counts["b_only"] == length
    assert counts["neither"] == total - 5 * length


def test_domain_mode_confusion_matrix(project: Project, cli) -> None:
    make_project(project)
    result = cli("agree", "--coders", "ana,ben", "--domain", "g", "-f", "json", "--bootstrap", "0")
    assert result.exit_code == 0, result.output
    domain = json.loads(result.stdout)["domains"][0]
    # Units rated by both: lines 1-3 (c1, c1), 5 (c2, c1), 6 (c2, c2).
    assert domain["confusion"] == [[3, 0], [1, 1]]
    # po = 4/5; ana .6/.4, ben .8/.2 -> pe = .56
    assert domain["coefficients"]["cohen_kappa"]["value"] == pytest.approx(0.24 / 0.44)


def test_domain_mode_refuses_two_categories_on_one_unit(project: Project, cli) -> None:
    make_project(project)
    CodingSession(project, "ana").apply(project.store.segment_at("T1", 1), "c2")
    result = cli("agree", "--coders", "ana,ben", "--domain", "g")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: --domain g: a coder applied two of its categories to one unit: T1 line 1 (ana)."
    )


def test_disagreements_listing(project: Project, cli) -> None:
    make_project(project)
    result = cli("agree", "--coders", "ana,ben", "--disagreements", "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert rows[0] == "code,code_path,transcript,line,speaker,text,ana_codes,ben_codes"
    assert [r.split(",")[0] + ":" + r.split(",")[3] for r in rows[1:]] == [
        "c1:4",
        "c1:5",
        "c2:5",
        "c2:7",
    ]


def test_reconcile_with_decisions_file(project: Project, cli, tmp_path: Path) -> None:
    make_project(project)
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(
        "transcript,line,decision,code,memo\n"
        "T1,4,ana,,\n"
        "T1,5,both,,both readings fit\n"
        "T1,7,neither,,\n",
        encoding="utf-8",
    )
    result = cli(
        "reconcile", "--coders", "ana,ben", "--into", "consensus", "--decisions", str(decisions)
    )
    assert result.exit_code == 0, result.output
    assert "consensus: 4 agreed codings copied; 3 lines to decide." in result.stderr
    consensus = project.store.codings(coder="consensus")
    assert sorted((c.line, c.code_id) for c in consensus) == [
        (1, "c1"),
        (2, "c1"),
        (3, "c1"),
        (4, "c1"),
        (5, "c1"),
        (5, "c2"),
        (6, "c2"),
    ]
    origins = {(c.line, c.code_id): json.loads(c.origin) for c in consensus}
    assert origins[(1, "c1")]["from"] == "agreed"
    assert origins[(5, "c2")]["decision"] == "both"
    assert project.store.segment_memos("consensus") == {
        ("consensus", project.store.segment_at("T1", 5).id): "both readings fit"
    }


def test_reconcile_decisions_from_a_workbook_with_a_bad_row(
    project: Project, cli, tmp_path: Path
) -> None:
    """Decisions are read by the one table reader: an .xlsx works like a CSV, and a bad row
    is reported with its spreadsheet row number, nothing decided."""
    from openpyxl import Workbook

    make_project(project)
    book = Workbook()
    sheet = book.active
    sheet.append(["Transcript", "Line", "Decision"])
    sheet.append(["T1", 4, "ana"])
    sheet.append(["T1", 99, "ben"])
    decisions = tmp_path / "decisions.xlsx"
    book.save(decisions)
    result = cli(
        "reconcile", "--coders", "ana,ben", "--into", "consensus", "--decisions", str(decisions)
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {decisions}: 1 bad row, nothing applied: row 3: T1 line 99 is not a disputed"
        " unit. Fix the rows listed and run the same command again.\n"
    )
    assert project.store.codings(coder="consensus") == []
    sheet.delete_rows(3)
    book.save(decisions)
    result = cli(
        "reconcile", "--coders", "ana,ben", "--into", "consensus", "--decisions", str(decisions)
    )
    assert result.exit_code == 0, result.output
    assert (4, "c1") in {(c.line, c.code_id) for c in project.store.codings(coder="consensus")}


def test_reconcile_interactive(project: Project, cli) -> None:
    make_project(project)
    result = cli("reconcile", "--coders", "ana,ben", "--into", "agreed", input="b\nquit\n")
    assert result.exit_code == 0, result.output
    assert "1 decisions saved; run again to continue." in result.stderr
    assert sorted(c.line for c in project.store.codings(coder="agreed")) == [1, 2, 3, 6]
    again = cli("reconcile", "--coders", "ana,ben", "--into", "agreed", input="quit\n")
    assert "1 lines were decided earlier; continuing with the rest." in again.stderr


def test_reconcile_prompt_asks_again_after_a_rejected_answer(project: Project, cli) -> None:
    make_project(project)
    # Line 4: a typo is reported and asked again; 'memo' waits for the decision.
    # Line 5 is skipped; line 7 takes ben's codes; the run ends with one line left.
    result = cli(
        "reconcile",
        "--coders",
        "ana,ben",
        "--into",
        "agreed",
        input="maybe\nmemo ana saw it first\na\nskip\nben\n",
    )
    assert result.exit_code == 0, result.output
    assert "  Unknown decision 'maybe'. Use one of: ana, ben, both, neither, code." in (
        result.stderr
    )
    assert "2 decisions saved; 1 lines left (skipped)." in result.stderr
    memos = project.store.segment_memos("agreed")
    assert memos == {("agreed", project.store.segment_at("T1", 4).id): "ana saw it first"}
    rest = cli("reconcile", "--coders", "ana,ben", "--into", "agreed", input="both\n")
    assert "2 lines were decided earlier; continuing with the rest." in rest.stderr
    assert (
        "1 decisions saved; every disputed line is decided. Check the result with"
        " 'themekit codings list --coder agreed' and mark it done with"
        " 'themekit transcripts done ... --coder agreed'."
    ) in rest.stderr.replace("\n", " ")


def test_disagreements_as_word_table(project: Project, cli, tmp_path: Path) -> None:
    from docx import Document

    make_project(project)
    out = tmp_path / "disagreements.docx"
    result = cli("agree", "--coders", "ana,ben", "--disagreements", "-f", "docx", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = [[c.text for c in row.cells] for row in Document(str(out)).tables[0].rows]
    assert rows[0] == [
        "Code",
        "Transcript",
        "Line",
        "Speaker",
        "Text",
        "ana's codes",
        "ben's codes",
    ]
    assert rows[1] == [
        "Group > One",
        "T1",
        "4",
        "P01",
        "Sentence number 4 is here.",
        "c1",
        "(none)",
    ]
