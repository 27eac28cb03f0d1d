"""``themekit report``: the methods summary, Table 1, prevalence in words, quotes, heatmap."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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
