"""``themekit export table1``: build_table1 through the anonymiser, the gate and the writers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_export_quotes import REGISTER, build_export_study, leftovers
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
