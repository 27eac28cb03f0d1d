"""``themekit export matrix``: counts and % by group, the framework sheet, the heatmap."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_export_quotes import NAMES, build_export_study, leftovers
from themekit.export.anonymised import ExportAnonymiser
from themekit.export.matrix import build_matrix, heatmap_labels
from themekit.project import Project


@pytest.fixture
def study(project: Project) -> Project:
    return build_export_study(project)


def test_markdown_is_exact(study: Project, cli) -> None:
    result = cli("export", "matrix", "--by", "role")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "**Participants per sub-theme, by role**\n"
        "\n"
        "| Theme | Sub-theme | All (N = 3) | Probation Service (n = 2) | Judiciary (n = 1) |\n"
        "|---|---|---|---|---|\n"
        "| Benefits | Increasing options in community sentencing | 3 (100%) | 2 (100%)"
        " | 1 (100%) |\n"
        "|  | Filling a previous gap in services | 1 (33%) | 0 (0%) | 1 (100%) |\n"
        "|  | Increasing access to other services | 0 (0%) | 0 (0%) | 0 (0%) |\n"
        "| Challenges | Sustainability of funding | 2 (67%) | 2 (100%) | 0 (0%) |\n"
        "|  | Appropriate sentencing and breach | 1 (33%) | 0 (0%) | 1 (100%) |\n"
        "\n"
        "Participants with at least one coded segment for the sub-theme, of those interviewed"
        " in each group (N = 3); % rounded half up. Counts pool the codings of ana and ben:"
        " a participant counts when any of them applied the code.\n"
    )


def test_csv_by_site_is_exact(study: Project, cli) -> None:
    result = cli("export", "matrix", "--by", "site", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "theme,subtheme,code_id,all_n,all_pct,[Site 1] (n = 1) n,[Site 1] (n = 1) %,"
        "[Site 2] (n = 2) n,[Site 2] (n = 2) %\n"
        "Benefits,Increasing options in community sentencing,benefits.options,3,100.0,"
        "1,100.0,2,100.0\n"
        "Benefits,Filling a previous gap in services,benefits.gap,1,33.3,0,0.0,1,50.0\n"
        "Benefits,Increasing access to other services,benefits.access,0,0.0,0,0.0,0,0.0\n"
        "Challenges,Sustainability of funding,challenges.funding,2,66.7,1,100.0,1,50.0\n"
        "Challenges,Appropriate sentencing and breach,challenges.breach,1,33.3,0,0.0,1,50.0\n"
    )


def test_xlsx_has_the_matrix_and_the_anonymised_framework(
    study: Project, cli, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "matrix.xlsx"
    result = cli("export", "matrix", "--by", "role", "-o", str(target))
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    assert book.sheetnames == ["Matrix", "Framework"]
    matrix = [[c.value for c in row] for row in book["Matrix"].iter_rows()]
    assert matrix[0] == [
        "theme",
        "subtheme",
        "code_id",
        "all_n",
        "all_pct",
        "Probation Service (n = 2) n",
        "Probation Service (n = 2) %",
        "Judiciary (n = 1) n",
        "Judiciary (n = 1) %",
    ]
    assert matrix[4] == [
        "Challenges",
        "Sustainability of funding",
        "challenges.funding",
        2,
        66.7,
        2,
        100,
        0,
        0,
    ]
    frame = [[c.value for c in row] for row in book["Framework"].iter_rows()]
    assert frame[0][:3] == [
        "participant",
        "role",
        "Benefits: Increasing options in community sentencing",
    ]
    assert [row[:2] for row in frame[1:]] == [
        ["P02", "Judiciary"],
        ["P01", "Probation Service"],
        ["P03", "Probation Service"],
    ]
    assert frame[2][2] == (
        "(lines 3-4) Before the pilot we had nothing at all to offer someone who was clearly"
        " unwell. [Person 1]'s team changed that within a month of starting the clinic."
    )
    assert frame[1][6] == (
        "(lines 5-6) [Person 1] explained the model to the magistrates in [Site 1] last spring."
        " Breach is still a worry when people miss their appointments with the clinic."
    )
    assert frame[1][4] is None  # P02 said nothing coded with access
    every_cell = " ".join(str(v) for row in frame for v in row if v).lower()
    assert not any(name in every_cell for name in NAMES)


def test_png_and_svg_heatmaps(study: Project, cli, tmp_path: Path) -> None:
    png = tmp_path / "heat.png"
    assert cli("export", "matrix", "--by", "role", "-o", str(png)).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = cli("export", "matrix", "--by", "site", "--format", "svg")
    assert svg.exit_code == 0, svg.output
    assert svg.stdout.lstrip().startswith("<?xml")
    assert "[Site 1]" in svg.stdout and "(n = 1)" in svg.stdout
    # Rows name their theme as well as the sub-theme (wrapped to fit the page).
    assert "Challenges: Sustainability of" in svg.stdout
    refused = cli("export", "matrix", "--by", "role", "--format", "png")
    assert refused.stderr == (
        "Error: --format png is written to a file, not the terminal. Add -o FILE.png.\n"
    )


def test_heatmap_labels_are_gated(project: Project, cli, tmp_path: Path) -> None:
    book = {
        "codes": [
            {
                "id": "sf",
                "label": "Success factors",
                "codable": False,
                "children": [{"id": "sf.group", "label": "Fenwick's steering group"}],
            }
        ]
    }
    build_export_study(project, codebook=book, codings={"ana": [("P01", 3, "sf.group")]})
    target = tmp_path / "heat.png"
    result = cli("export", "matrix", "--by", "role", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: leak gate: 1 registered term found in the label of code sf.group (or of its"
        " theme): registered site name (name of sites entry 2, "
    )
    assert not target.exists() and leftovers(tmp_path) == []


def test_theme_level(study: Project) -> None:
    matrix = build_matrix(study, ExportAnonymiser(study), by="role", level="theme")
    assert [(r.label, r.total, r.counts) for r in matrix.rows] == [
        ("Benefits", 3, [2, 1]),
        ("Challenges", 3, [2, 1]),
        ("Other", 0, [0, 0]),
    ]
    assert heatmap_labels(matrix)[0] == "Participants per theme, by role (% of group)"


def test_bad_input(study: Project, cli) -> None:
    unknown = cli("export", "matrix", "--by", "gender")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("Error: --by gender: unknown participant attribute")
    missing = cli("export", "matrix")
    assert missing.exit_code == 2
    assert "Missing option '--by'" in missing.stderr


def test_no_participants_table(project: Project, cli) -> None:
    build_export_study(project)
    project.store.db.conn.execute("DELETE FROM participants")
    result = cli("export", "matrix", "--by", "role")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --by role: no participants are imported. Import them with"
        " 'themekit participants import FILE'.\n"
    )


def test_heatmap_rows_name_their_theme_and_the_figure_fits_a_page(study: Project) -> None:
    import struct

    from themekit.export.matrix import render_heatmap

    matrix = build_matrix(study, ExportAnonymiser(study), by="role")
    assert heatmap_labels(matrix)[3:5] == [
        "Benefits: Increasing options in community sentencing",
        "Benefits: Filling a previous gap in services",
    ]
    png = render_heatmap(matrix, "png")
    width_px, _height_px = struct.unpack(">II", png[16:24])
    assert width_px <= 6.0 * 150  # drawn at 150 dpi no wider than a portrait text width
