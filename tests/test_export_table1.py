"""``themekit export table1``: build_table1 through the anonymiser, the gate and the writers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from test_export_quotes import REGISTER, build_export_study, leftovers
from themekit.export.tables import Table
from themekit.project import Project


@pytest.fixture
def study(project: Project) -> Project:
    return build_export_study(project)


def test_markdown_with_counts_by_site_is_exact(study: Project, cli) -> None:
    result = cli("export", "table1", "--counts", "participants", "--by", "site")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "**Table 1. Outline of key themes.**\n"
        "\n"
        "| Theme | Sub-theme | Participants (N = 3) | [Site 1] (n = 1) | [Site 2] (n = 2) |\n"
        "|---|---|---|---|---|\n"
        "| Benefits | Increasing options in community sentencing | 3/3 (100%) | 1/1 (100%)"
        " | 2/2 (100%) |\n"
        "|  | Filling a previous gap in services | 1/3 (33%) | 0/1 (0%) | 1/2 (50%) |\n"
        "|  | Increasing access to other services | 0/3 (0%) | 0/1 (0%) | 0/2 (0%) |\n"
        "| Challenges | Sustainability of funding | 2/3 (67%) | 1/1 (100%) | 1/2 (50%) |\n"
        "|  | Appropriate sentencing and breach | 1/3 (33%) | 0/1 (0%) | 1/2 (50%) |\n"
        "| Other |  | 0/3 (0%) | 0/1 (0%) | 0/2 (0%) |\n"
        "\n"
        "Counts are participants with at least one coded segment for the sub-theme"
        " (n/N, % rounded half up); N = 3 participants interviewed. Counts pool the codings"
        " of ana and ben: a participant counts when any of them applied the code.\n"
    )
    assert "Ashbury" not in result.stdout and "Fenwick" not in result.stdout


def test_csv_counts_segments_for_one_coder(study: Project, cli) -> None:
    result = cli("export", "table1", "-f", "csv", "--counts", "segments", "--coder", "ben")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Theme,Sub-theme,Coded segments\n"
        "Benefits,Increasing options in community sentencing,2\n"
        ",Filling a previous gap in services,0\n"
        ",Increasing access to other services,0\n"
        "Challenges,Sustainability of funding,1\n"
        ",Appropriate sentencing and breach,0\n"
        "Other,,0\n"
    )


def test_docx_cells(study: Project, cli, tmp_path: Path) -> None:
    from docx import Document

    target = tmp_path / "table1.docx"
    result = cli("export", "table1", "--counts", "participants", "--by", "role", "-o", str(target))
    assert result.exit_code == 0, result.output
    table = Document(str(target)).tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == [
        "Theme",
        "Sub-theme",
        "Participants (N = 3)",
        "Probation Service (n = 2)",  # the participants table's order: P01 comes first
        "Judiciary (n = 1)",
    ]
    assert rows[4] == [
        "Challenges",
        "Sustainability of funding",
        "2/3 (67%)",
        "2/2 (100%)",
        "0/1 (0%)",
    ]


def test_xlsx_cells_and_format_from_the_extension(study: Project, cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "table1.xlsx"
    assert cli("export", "table1", "-o", str(target)).exit_code == 0
    sheet = load_workbook(target).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Table 1. Outline of key themes."
    assert values[1] == ["Theme", "Sub-themes"]
    assert values[2] == [
        "Benefits",
        "Increasing options in community sentencing\nFilling a previous gap in services\n"
        "Increasing access to other services",
    ]


def test_tex_and_html(study: Project, cli) -> None:
    tex = cli("export", "table1", "-f", "tex")
    assert "\\caption{Outline of key themes.}\n\\label{tab:table1}" in tex.stdout
    html = cli("export", "table1", "-f", "html", "--by", "site")
    assert "<th>[Site 1] (n = 1)</th>" in html.stdout


def test_a_registered_term_in_a_code_label_fails_and_writes_nothing(
    project: Project, cli, tmp_path: Path
) -> None:
    book = {
        "codes": [
            {
                "id": "sf",
                "label": "Success factors",
                "codable": False,
                "children": [{"id": "sf.group", "label": "The Ashbury steering group"}],
            }
        ]
    }
    build_export_study(project, codebook=book, codings={"ana": [("P01", 3, "sf.group")]})
    target = tmp_path / "table1.docx"
    result = cli("export", "table1", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: leak gate: 1 registered term found in Table 1 row 1 column 2 (code sf and its"
        " sub-themes: rename it with 'themekit codebook rename'): registered site"
        " name (name of sites entry 1, "
    )
    assert "Ashbury" not in result.stderr
    assert not target.exists() and leftovers(tmp_path) == []
    # Without anonymisation the label goes out as written, and the audit log says so.
    raw = cli("export", "table1", "--no-anonymise")
    assert "The Ashbury steering group" in raw.stdout
    assert len(project.store.audit_entries(action="export.no_anonymise")) == 1


def test_unknown_attribute(study: Project, cli) -> None:
    result = cli("export", "table1", "--by", "gender")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --by gender: unknown participant attribute (known: id, role, site, years)."
        " Use one of the known attributes.\n"
    )


def test_nothing_coded(project: Project, cli) -> None:
    build_export_study(project, codings={})
    result = cli("export", "table1")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Nothing is coded yet.")


def test_codebook_without_sub_themes(project: Project, cli) -> None:
    flat = {"codes": [{"id": "benefits.options", "label": "Options"}]}
    build_export_study(project, codebook=flat, codings={"ana": [("P02", 2, "benefits.options")]})
    result = cli("export", "table1")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: The codebook has no sub-themes (no code has children). Table 1 lists themes"
        " with their sub-themes; group codes under themes.\n"
    )


def test_missing_folder_and_unwritable_folder(study: Project, cli, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "t.docx"
    result = cli("export", "table1", "-o", str(missing))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {missing}: the folder {missing.parent} does not exist."
        " Create it or choose another -o.\n"
    )
    # A folder nobody may write to (as root, where permission bits do not apply, /sys).
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    if os.access(locked, os.W_OK):
        locked = Path("/sys")
    try:
        result = cli("export", "table1", "-o", str(locked / "t.md"))
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {locked / 't.md'}: cannot write there (Permission denied)."
            " Choose another -o path.\n"
        )
        assert not (locked / "t.md").exists()
    finally:
        if locked != Path("/sys"):
            locked.chmod(0o700)
    beside_a_file = tmp_path / "notes.txt"
    beside_a_file.write_text("x", encoding="utf-8")
    result = cli("export", "table1", "-o", str(beside_a_file / "t.md"))
    assert (
        result.stderr
        == f"Error: {beside_a_file / 't.md'}: {beside_a_file} is not a folder. Choose another -o.\n"
    )


def test_output_is_a_folder(study: Project, cli, tmp_path: Path) -> None:
    result = cli("export", "table1", "-o", str(tmp_path), "-f", "md")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path}: is a folder, not a file; it is left as it is."
        " Give a file name with -o.\n"
    )


def test_unknown_extension(study: Project, cli, tmp_path: Path) -> None:
    result = cli("export", "table1", "-o", str(tmp_path / "t.pdf"))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --format pdf: not available here (use docx, md, csv, xlsx, tex, html)."
        " Pass --format, or an -o file name ending in one of those.\n"
    )


def test_first_export_writes_a_register_and_says_so(project: Project, cli) -> None:
    build_export_study(project, register=None)
    result = cli("export", "table1", "--by", "site")
    assert result.exit_code == 0, result.output
    assert "warning: wrote" in result.stderr and "redact.yaml" in result.stderr
    assert "[Site 1]" in result.stdout
    assert (project.root / "redact.yaml").read_text(encoding="utf-8") != REGISTER


def test_one_coders_counts_are_out_of_the_participants_they_coded(study: Project, cli) -> None:
    # ben coded P01 and P02 only, so his denominator is 2, not the 3 interviewed.
    result = cli("export", "table1", "-f", "csv", "--counts", "participants", "--coder", "ben")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "Theme,Sub-theme,Participants (N = 2)",
        "Benefits,Increasing options in community sentencing,2/2 (100%)",
        ",Filling a previous gap in services,0/2 (0%)",
    ]


def test_word_files_say_themekit_made_them_today(tmp_path: Path) -> None:
    from datetime import datetime

    from docx import Document

    from themekit.export.tables import Table, write_docx

    path = tmp_path / "t.docx"
    write_docx(Table("Table 1. Outline of key themes", ["Theme", "Sub-themes"]), path)
    props = Document(str(path)).core_properties
    assert props.author == "themekit"
    assert props.created is not None and props.created.date() == datetime.now().date()


# -- counting a paper can defend -----------------------------------------------------------


def _reconcile_taking_ben(project: Project) -> None:
    """A consensus coder, "agreed", that kept ben's codes wherever ana and ben differ."""
    from themekit.agree.reconcile import apply_agreed, decide, plan_reconciliation
    from themekit.coding.service import CodingSession

    plan = plan_reconciliation(project, ["ana", "ben"], include_partial=True)
    session = CodingSession(project, "agreed")
    apply_agreed(plan, session)
    for unit in plan.disputed:
        decide(session, unit, "ben")


def test_after_reconciliation_counts_use_the_consensus_and_say_so(study: Project, cli) -> None:
    _reconcile_taking_ben(study)
    result = cli("export", "table1", "--counts", "participants")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")][1:]
    assert rows == [
        # P03 was not reconciled (ben did not code it): ana's codings count there.
        "| Benefits | Increasing options in community sentencing | 3/3 (100%) |",
        # ana's P02 "gap" and "breach" were rejected by the consensus: no longer counted.
        "|  | Filling a previous gap in services | 0/3 (0%) |",
        "|  | Increasing access to other services | 0/3 (0%) |",
        "| Challenges | Sustainability of funding | 2/3 (67%) |",
        "|  | Appropriate sentencing and breach | 0/3 (0%) |",
        "| Other |  | 0/3 (0%) |",
    ]
    assert result.stdout.endswith(
        "N = 3 participants interviewed. Counts use the consensus coding agreed at"
        " reconciliation (agreed) on the 2 reconciled transcripts; codings the consensus did"
        " not keep are not counted. On the 1 other transcript they are the codings of ana.\n"
    )
    pooled = cli("export", "table1", "--counts", "participants", "--coders", "ana,ben")
    assert "|  | Filling a previous gap in services | 1/3 (33%) |" in pooled.stdout
    assert pooled.stdout.endswith(
        "Counts pool the codings of ana and ben (as chosen): a participant counts when any"
        " of them applied the code.\n"
    )


def test_percentages_round_half_up_and_the_prevalence_scale() -> None:
    from themekit.export.prevalence import describe_share, percent_half_up, share_text

    assert [percent_half_up(n, 8) for n in (1, 3, 5, 7)] == [13, 38, 63, 88]
    assert share_text(5, 8) == "5/8 (63%)" and share_text(0, 0) == "0/0"
    assert [describe_share(n, 8) for n in range(9)] == [
        "no interviewees",
        "one interviewee",
        "several interviewees",
        "several interviewees",
        "half the interviewees",  # 4 of 8 is not "most"
        "most interviewees",
        "most interviewees",
        "almost all interviewees",
        "all interviewees",
    ]


def test_group_order_from_the_option_and_its_errors(study: Project, cli) -> None:
    result = cli("export", "table1", "--by", "role", "--group-order", "Judiciary,Probation Service")
    assert result.exit_code == 0, result.output
    assert "| Theme | Sub-theme | Judiciary (n = 1) | Probation Service (n = 2) |" in (
        result.stdout
    )
    wrong = cli("export", "table1", "--by", "role", "--group-order", "Judiciary,Courts")
    assert wrong.exit_code == 1
    assert wrong.stderr.startswith(
        "Error: Group order for role: no role group is called Courts; the order leaves out"
        " Probation Service."
    )


def test_caption_is_configurable(study: Project, cli) -> None:
    result = cli("export", "table1", "--caption", "Table 2. Themes and sub-themes.")
    assert result.stdout.startswith("**Table 2. Themes and sub-themes.**\n")
    tex = cli("export", "table1", "-f", "tex", "--caption", "Table 2. Themes and sub-themes.")
    assert "\\caption{Themes and sub-themes.}" in tex.stdout


# -- layouts that fit ----------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
GROUPS = [
    "Probation services",
    "Mental health services",
    "Judiciary",
    "Liaison and diversion services",
    "Drug and alcohol services",
    "Third sector organisations",
    "Commissioning bodies",
    "Steering group chairs",
]


def wide_table() -> Table:
    """The shape of the study's Table 1 with counts by its eight professional groups."""
    header = ["Theme", "Sub-theme", "Participants (N = 38)"]
    header += [f"{g} (n = 4)" for g in GROUPS]
    table = Table("Table 1. Outline of key themes.", header, ref="table1")
    subs = {
        "Benefits": [
            "Increasing options in community sentencing",
            "Reducing reoffending and use of short-term prison sentences",
        ],
        "Challenges": ["Multi-agency working and competing priorities"],
    }
    for theme, names in subs.items():
        table.group_starts.add(len(table.rows))
        for number, name in enumerate(names):
            table.rows.append(
                [theme if number == 0 else "", name, "38/38 (100%)"] + ["4/4 (100%)"] * 8
            )
    table.notes.append("Counts are participants.")
    return table


def docx_xml(table: Table) -> tuple[object, object]:
    import io
    import zipfile

    from lxml import etree

    from themekit.export.tables import write_docx

    buffer = io.BytesIO()
    write_docx(table, buffer)
    body = etree.fromstring(zipfile.ZipFile(buffer).read("word/document.xml"))
    return body, buffer


def text_width_twips(body: object) -> int:
    sect = body.find(f".//{W}sectPr")  # type: ignore[attr-defined]
    size, margins = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
    return int(size.get(f"{W}w")) - int(margins.get(f"{W}left")) - int(margins.get(f"{W}right"))


def assert_fits(body: object, table: Table) -> None:
    """Columns within the text width; every header word within its column."""
    from themekit.export.tables import CELL_PADDING_PT, text_width_pt

    grid = [int(g.get(f"{W}w")) for g in body.iter(f"{W}gridCol")]  # type: ignore[attr-defined]
    assert sum(grid) <= text_width_twips(body)
    first_row = next(body.iter(f"{W}tr"))  # type: ignore[attr-defined]
    size = first_row.find(f".//{W}sz")
    points = int(size.get(f"{W}val")) / 2
    for cell, width in zip(first_row.iter(f"{W}tc"), grid, strict=True):
        words = "".join(t.text for t in cell.iter(f"{W}t")).split()
        for word in words:
            assert text_width_pt(word, points, bold=True) + CELL_PADDING_PT <= width / 20, word


def test_docx_wide_table_goes_landscape_with_repeated_header_and_a_caption_field() -> None:
    table = wide_table()
    body, _ = docx_xml(table)
    size = body.find(f".//{W}sectPr/{W}pgSz")
    assert size.get(f"{W}orient") == "landscape"
    assert int(size.get(f"{W}w")) > int(size.get(f"{W}h"))
    rows = list(body.iter(f"{W}tr"))
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None  # repeats on every page
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    assert body.find(f".//{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
    borders = {b.tag[len(W) :]: b.get(f"{W}val") for b in body.find(f".//{W}tblBorders")}
    assert borders == {
        "top": "single",
        "left": "nil",
        "bottom": "single",
        "right": "nil",
        "insideH": "nil",
        "insideV": "nil",
    }
    caption = body.find(f"{W}body/{W}p")
    assert caption.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Caption"
    field = caption.find(f"{W}fldSimple")
    assert field.get(f"{W}instr").split() == ["SEQ", "Table", "\\*", "ARABIC"]
    assert caption.find(f"{W}bookmarkStart").get(f"{W}name") == "_Ref_table1"
    text = "".join(t.text for t in caption.iter(f"{W}t"))
    assert text == "Table 1. Outline of key themes."
    assert_fits(body, table)


def test_docx_narrow_table_stays_portrait_and_fits(study: Project, cli, tmp_path: Path) -> None:
    import zipfile

    from lxml import etree

    target = tmp_path / "t1.docx"
    assert (
        cli(
            "export", "table1", "--counts", "participants", "--by", "role", "-o", str(target)
        ).exit_code
        == 0
    )
    body = etree.fromstring(zipfile.ZipFile(target).read("word/document.xml"))
    assert body.find(f".//{W}sectPr/{W}pgSz").get(f"{W}orient") in (None, "portrait")
    grid = [int(g.get(f"{W}w")) for g in body.iter(f"{W}gridCol")]
    assert len(grid) == 5 and sum(grid) <= text_width_twips(body)


def test_docx_layout_prefers_portrait_then_spanning_then_landscape() -> None:
    from themekit.export.tables import docx_layout

    page = (612.0, 792.0, (90.0, 90.0, 72.0, 72.0))  # Letter, the template's margins
    wide = docx_layout(wide_table(), *page)
    assert (wide.landscape, wide.spanning_themes, wide.fits) == (True, True, True)
    assert wide.columns == 10 and sum(wide.widths_pt) <= wide.text_width_pt + 0.01
    huge = wide_table()
    huge.header += [f"Extraordinarily-long-group-name-{n} (n = 1)" for n in range(12)]
    huge.rows = [row + ["1/1 (100%)"] * 12 for row in huge.rows]
    crowded = docx_layout(huge, *page)
    assert crowded.fits is False and crowded.font_pt == 8.0
    assert abs(sum(crowded.widths_pt) - crowded.text_width_pt) < 0.01  # inside the page
    small = Table("Table 1. Outline.", ["Theme", "Sub-themes"], [["Benefits", ["A", "B"]]])
    assert docx_layout(small, *page).landscape is False


def test_latex_caption_label_booktabs_and_width() -> None:
    from themekit.export.tables import to_latex

    tex = to_latex(wide_table())
    assert "\\caption{Outline of key themes.}\n\\label{tab:table1}" in tex
    assert "Table 1" not in tex.split("\\caption", 1)[1]  # LaTeX numbers it
    for rule in ("\\toprule", "\\midrule", "\\bottomrule"):
        assert tex.count(rule) == 1
    assert "\\begin{tabularx}{\\linewidth}" in tex and "\\hline" not in tex
    assert "\\begin{landscape}" in tex and "pdflscape" in tex  # 11 columns: a landscape page
    narrow = to_latex(
        Table(
            "Table 1. Outline of key themes.",
            ["Theme", "Sub-themes"],
            [["Benefits", ["Filling a gap"]]],
            ref="table1",
        )
    )
    assert "landscape" not in narrow.replace("% Needs", "")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no pdflatex on this machine")
def test_latex_compiles(tmp_path: Path) -> None:
    import subprocess

    from themekit.export.tables import to_latex

    document = (
        "\\documentclass{article}\\usepackage{booktabs,tabularx,array,pdflscape}"
        "\\begin{document}" + to_latex(wide_table()) + "\\end{document}"
    )
    (tmp_path / "t.tex").write_text(document, encoding="utf-8")
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "t.tex"], cwd=tmp_path, capture_output=True
    )
    assert done.returncode == 0
    assert b"Overfull \\hbox" not in (tmp_path / "t.log").read_bytes()


def test_xlsx_column_widths_come_from_the_content() -> None:
    from themekit.export.tables import xlsx_column_widths

    widths = xlsx_column_widths(wide_table())
    assert widths[0] == len("Challenges") + 2
    assert widths[1] == 60  # the longest sub-theme (59 characters) is capped: it wraps
    assert widths[3] == len("Probation services (n = 4)") + 2
