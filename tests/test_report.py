"""``themekit report``: the methods summary, Table 1, prevalence in words, quotes, heatmap."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import themekit
from test_export_quotes import NAMES, build_export_study, leftovers
from themekit.coding.service import CodingSession
from themekit.project import Project


@pytest.fixture
def study(project: Project) -> Project:
    build_export_study(project)
    # One coding that came from an accepted suggestion.
    segment = project.store.segment_at("P03", 5)
    assert segment is not None
    CodingSession(project, "ben").apply(segment, "challenges.funding", how="suggestion", score=0.9)
    return project


def test_markdown_methods_and_results(study: Project, cli) -> None:
    result = cli("report")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "# study: analysis report"
    assert "The project holds 3 transcripts (201 words) from 3 participants." in lines
    assert "Coders: ana (3 transcripts); ben (3 transcripts)." in lines
    assert "3 of 3 transcripts (100%) were coded independently by two or more coders." in lines
    agreement = next(line for line in lines if line.startswith("Agreement between"))
    assert re.fullmatch(
        r"Agreement between ana and ben on the 3 transcripts both coded \(each segment and code"
        r" a decision, pooled over codes\): Percent agreement 0\.\d\d \(95% CI \[0\.\d\d,"
        r" [01]\.\d\d\]\); Cohen's kappa .*; Krippendorff's alpha .*; Gwet's AC1 .*\."
        r" Intervals are bootstrap percentile intervals over 1,000 resamples of segments\.",
        agreement,
    ), agreement
    assert "- version 1 (" in result.stdout
    assert (
        "1 of 15 codings (7%) were suggestions accepted by a coder; the rest were applied by"
        " hand or from coding sheets."
    ) in lines
    assert (
        "- Benefits > Increasing options in community sentencing: all interviewees (3 of 3),"
        " across all the role groups"
    ) in lines
    assert (
        "- Challenges > Sustainability of funding: most interviewees (2 of 3), in 1 of 2 role"
        " groups"
    ) in lines
    assert "## Quote bank" in lines and "**Table 1. Outline of key themes.**" in lines
    assert "**Participants per sub-theme, by role**" in lines  # the heatmap, as a table
    assert not any(name in result.stdout.lower() for name in NAMES)


def test_html_embeds_the_heatmap(study: Project, cli, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = cli("report", "-o", str(target))
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<img alt="Figure 1. Participants per sub-theme, by role' in page
    assert 'src="data:image/png;base64,iVBORw0KGgo' in page
    assert "<blockquote>" in page and "[Person 1]" in page


def test_docx_has_tables_quotes_and_picture(study: Project, cli, tmp_path: Path) -> None:
    from docx import Document

    target = tmp_path / "report.docx"
    result = cli("report", "--format", "docx", "-o", str(target), "--by", "site")
    assert result.exit_code == 0, result.output
    document = Document(str(target))
    assert len(document.inline_shapes) == 1
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "[Site 2] (n = 2)" in cells and "Fenwick" not in cells
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "study: analysis report"
    assert (
        "Funding is the worry; every quarter we wait to hear if the money continues."
        " (Probation Service)" in texts
    )
    assert document.core_properties.title == "study: analysis report"


def test_single_coder_has_no_agreement_figure(project: Project, cli) -> None:
    build_export_study(project, codings={"ana": [("P02", 2, "benefits.options")]})
    result = cli("report", "--by", "role")
    assert result.exit_code == 0, result.output
    assert (
        "No transcript was coded by two coders, so no agreement figure is reported."
        in result.stdout.splitlines()
    )


def test_bad_input(project: Project, cli, tmp_path: Path) -> None:
    build_export_study(project, codings={})
    target = tmp_path / "report.docx"
    nothing = cli("report", "-o", str(target))
    assert nothing.exit_code == 1
    assert nothing.stderr.startswith("Error: Nothing is coded yet.")
    assert not target.exists() and leftovers(tmp_path) == []
    CodingSession(project, "ana").apply(project.store.segment_at("P02", 2), "benefits.options")
    unknown = cli("report", "--by", "gender")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("Error: --by gender: unknown participant attribute")
    docx_to_terminal = cli("report", "--format", "docx")
    assert docx_to_terminal.exit_code == 1


# -- the methods report on the bundled sample ------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "transcripts_sample"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The bundled sample: eight transcripts, the MHTR codebook, ana's and ben's codings,
    and a consensus for P01 reconciled from them (ana's codes taken where they differ)."""
    from themekit.agree.reconcile import apply_agreed, decide, plan_reconciliation
    from themekit.codebook.validate import load_codebook
    from themekit.codebook.versions import commit_codebook
    from themekit.coding.bulk import apply_bulk

    built = Project.init(tmp_path_factory.mktemp("sample") / "mhtr", name="mhtr")
    themekit.import_transcripts(built, [SAMPLE])
    themekit.import_participants(built, SAMPLE / "participants.csv")
    commit_codebook(built, load_codebook(ROOT / "codebooks" / "mhtr.yaml"), source="test")
    for coder in ("ana", "ben"):
        apply_bulk(built, SAMPLE / "codings" / f"coder_{coder}.csv", coder=coder, done=True)
    plan = plan_reconciliation(built, ["ana", "ben"], transcripts=["P01"])
    session = CodingSession(built, "consensus")
    apply_agreed(plan, session)
    for unit in plan.disputed:
        decide(session, unit, "ana")
    yield built
    built.close()


def checklist_rows(markdown: str, first: str) -> list[list[str]]:
    """The rows of the checklist table whose caption starts with ``first``."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"**{first}"))
    rows = []
    for line in lines[start + 4 :]:
        if not line.startswith("| "):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def test_report_on_the_bundled_sample_lists_every_coreq_and_srqr_item(sample: Project) -> None:
    from themekit import __version__
    from themekit.export import api

    text = api.report(sample, None, format="md").text
    assert text is not None
    coreq = checklist_rows(text, "COREQ checklist")
    assert [row[0] for row in coreq] == [str(n) for n in range(1, 33)]
    assert {row[3] for row in coreq} == {"filled", "partly filled", "to complete"}
    status = {row[0]: (row[3], row[4]) for row in coreq}
    assert [row[1] for row in coreq if row[1]] == [
        "Research team and reflexivity",
        "Study design",
        "Analysis and findings",
    ]
    # What only the team knows is left for them, never guessed.
    for item in ("1", "2", "6", "10", "13", "17", "22", "23", "28"):
        assert status[item][0] == "to complete", item
        assert status[item][1].startswith("Add in the manuscript: ")
    assert status["27"] == (
        "filled",
        f"Software: transcripts, codebook, coding, agreement and these outputs were managed"
        f" in themekit {__version__}, which runs offline on the researcher's computer.",
    )
    assert status["12"] == ("filled", "8 participants interviewed (8 transcripts).")
    # 3 of 8 is 37.5%: rounded half up; the consensus coder does not count as a coder.
    assert "3 of 8 transcripts (38%) were coded independently by two or more coders." in text
    assert (
        status["24"][0] == "filled"
        and "ana (5 transcripts); ben (6 transcripts)" in (status["24"][1])
    )
    assert "95% CI" in status["24"][1]
    assert (
        "Blind coding: no coder displayed another coder's codings in themekit (audit log)."
        " Codings by ana, ben were imported from coding sheets made outside themekit, where"
        " blinding cannot be checked: state it."
    ) in status["24"][1]
    assert status["21"][0] == "partly filled"  # P05 (vtt) and P06 (srt) have timings
    assert status["21"][1] == (
        "2 of 8 interviews have a known duration: 15 minutes; add the others."
    )
    assert status["29"][0] == "filled" and "one per participant" in status["29"][1]
    srqr = checklist_rows(text, "SRQR checklist")
    assert [row[0] for row in srqr] == [f"S{n}" for n in range(1, 22)]
    assert {row[0]: row[3] for row in srqr}["S9"] == "to complete"  # ethics
    assert "Tong A, Sainsbury P, Craig J." in text and "O'Brien BC" in text


def test_report_appendices_and_the_counting_basis(sample: Project) -> None:
    from themekit.export import api

    text = api.report(sample, None, format="md").text
    assert text is not None
    assert (
        "Counts use the consensus coding agreed at reconciliation (consensus) on the 1"
        " reconciled transcript; codings the consensus did not keep are not counted. On the"
        " 7 other transcripts they are the codings of ana and ben."
    ) in text
    assert "## Appendix A. Codebook" in text and "## Appendix C. Audit trail" in text
    memos = text.split("## Appendix B. Memos by code", 1)[1].split("## Appendix C", 1)[0]
    assert "### Benefits > Increasing options in community sentencing" in memos
    # ana's memo on P01, kept although the consensus replaced her codings there.
    assert "- pre-pilot baseline: MHTRs almost never made (ana, P01 lines 15-16)" in memos
    assert memos.count("- peer mentors (ben, P06 lines 109-113)") == 1
    audit = text.split("## Appendix C. Audit trail", 1)[1]
    assert "| reconciliation decision | P01 |" in audit


def test_report_docx_has_a_landscape_section_for_a_wide_table(
    sample: Project, tmp_path: Path
) -> None:
    import zipfile

    from lxml import etree

    from themekit.export import api

    target = tmp_path / "report.docx"
    api.report(sample, target)
    body = etree.fromstring(zipfile.ZipFile(target).read("word/document.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    orientations = [
        s.find(f"{w}pgSz").get(f"{w}orient") or "portrait" for s in body.iter(f"{w}sectPr")
    ]
    # Table 1 by eight roles does not fit a portrait page: it gets a landscape section,
    # and the report goes back to portrait after it.
    assert "landscape" in orientations and orientations[0] == "portrait"
    assert orientations[-1] == "portrait"
    fields = [f.get(f"{w}instr") for f in body.iter(f"{w}fldSimple")]
    assert " SEQ Table \\* ARABIC " in fields
