"""Flat codebooks: CSV/TSV/XLSX in the path and parent layouts, and their bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from themekit.codebook import Code, load_codebook, validate_codebook_file
from themekit.codebook.io_table import csv_rows, parse_codebook_rows, split_examples


def write(tmp_path: Path, text: str, name: str = "cb.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rendered(path: Path) -> list[str]:
    _, problems = validate_codebook_file(path)
    return [problem.render().removeprefix(f"{path}:") for problem in problems]


PATH_CSV = (
    "Path,Definition,Include,Exclude,Examples,Color\n"
    "Benefits > Filling a previous gap in services,Fell between services,Missing tier,"
    'Other services,"Never unwell enough | Nobody saw them",1f77b4\n'
    "Benefits > Increasing access to other services,Opens doors,,,,\n"
    "Challenges\\Sustainability of funding,Paying after the pilot,,,,#d62728\n"
)


def test_path_layout_with_implicit_parents_and_derived_ids(tmp_path: Path) -> None:
    codebook = load_codebook(write(tmp_path, PATH_CSV))
    assert codebook.codes == [
        Code(
            "benefits",
            "Benefits",
            codable=False,
            children=[
                Code(
                    "benefits.filling_a_previous_gap_in_services",
                    "Filling a previous gap in services",
                    "Fell between services",
                    "Missing tier",
                    "Other services",
                    ["Never unwell enough", "Nobody saw them"],
                    colour="#1f77b4",
                ),
                Code(
                    "benefits.increasing_access_to_other_services",
                    "Increasing access to other services",
                    "Opens doors",
                ),
            ],
        ),
        Code(
            "challenges",
            "Challenges",
            codable=False,
            children=[
                Code(
                    "challenges.sustainability_of_funding",
                    "Sustainability of funding",
                    "Paying after the pilot",
                    colour="#d62728",
                )
            ],
        ),
    ]


def test_parent_row_after_children_fills_the_implicit_parent(tmp_path: Path) -> None:
    text = "id,path,definition\nx,A > B,child\na,A,the parent\n"
    codebook = load_codebook(write(tmp_path, text))
    assert codebook.codes == [Code("a", "A", "the parent", children=[Code("x", "B", "child")])]


def test_semicolon_and_tab_delimiters(tmp_path: Path) -> None:
    semicolon = write(tmp_path, "path;definition\nA > B;d; with semicolon\n")
    # the second ; starts an unnamed column: ignored
    assert load_codebook(semicolon).codes[0].children[0].definition == "d"
    tsv = write(tmp_path, "path\tdefinition\nA > B\td, with comma\n", name="cb.tsv")
    assert load_codebook(tsv).codes[0].children[0].definition == "d, with comma"


def test_parent_layout_any_order(tmp_path: Path) -> None:
    text = "id,label,parent,definition\nb,Beta,a,second\na,Alpha,,first\nc,Gamma,a,third\n"
    codebook = load_codebook(write(tmp_path, text))
    assert codebook.codes == [
        Code(
            "a",
            "Alpha",
            "first",
            children=[Code("b", "Beta", "second"), Code("c", "Gamma", "third")],
        )
    ]


def test_cycle_through_parent_column(tmp_path: Path) -> None:
    text = "id,label,parent,definition\na,A,b,d\nb,B,c,d\nc,C,a,d\nd,D,,d\n"
    path = write(tmp_path, text)
    codebook, _ = validate_codebook_file(path)
    assert codebook is None
    assert rendered(path) == [
        "2:3: cycle: a -> b -> c -> a; a code cannot be its own ancestor (A)",
        "3:3: cycle: b -> c -> a -> b; a code cannot be its own ancestor (B)",
        "4:3: cycle: c -> a -> b -> c; a code cannot be its own ancestor (C)",
    ]


def test_id_that_is_its_own_ancestor_in_paths(tmp_path: Path) -> None:
    text = "id,path,definition\nx,A,d\nx,A > B,d\n"
    path = write(tmp_path, text)
    assert rendered(path) == [
        "3:1: id `x` is also used by its ancestor A on line 2: a code cannot be its own"
        " ancestor; ids must be unique (A > B)"
    ]


def test_duplicate_ids_in_csv(tmp_path: Path) -> None:
    path = write(tmp_path, "id,path,definition\nx,A,d\nx,B,d\n")
    assert rendered(path) == [
        "3:1: duplicate id `x`: also used by A on line 2; ids must be unique and are never"
        " reused (B)"
    ]
    path = write(tmp_path, "id,label,parent,definition\nx,A,,d\nx,B,,d\n")
    assert rendered(path) == [
        "3:1: duplicate id `x` (also on line 2); ids must be unique (B)",
    ]


def test_clashing_derived_ids_suggest_an_id_column(tmp_path: Path) -> None:
    path = write(tmp_path, "path,definition\nCost/benefit,d\nCost benefit,d\n")
    assert rendered(path) == [
        "3:1: duplicate id `cost_benefit`: also used by Cost/benefit on line 2; ids must be"
        " unique and are never reused (ids were derived from the paths; add an `id` column)"
        " (Cost benefit)"
    ]


def test_same_path_twice(tmp_path: Path) -> None:
    path = write(tmp_path, "path,definition\nA > B,d\na > b,d\n")
    assert rendered(path) == ["3:1: path listed twice (also on line 2) (a > b)"]


def test_bad_cells_are_located(tmp_path: Path) -> None:
    text = "path,definition,codable,value,colour,notes\nA,d,perhaps,high,blue,x\n,d,,,,\n"
    path = write(tmp_path, text)
    assert rendered(path) == [
        "1:6: warning: column `notes` is not used",
        "2:3: `codable` must be true or false, found `perhaps` (A)",
        "2:4: `value` must be a number, found `high` (A)",
        '2:5: `colour` must be a hex colour like "#1f77b4", found `#blue` (A)',
        "3:1: empty `path`",
    ]


def test_unknown_column_gets_did_you_mean(tmp_path: Path) -> None:
    path = write(tmp_path, "path,defintion\nA,d\n")
    assert (
        rendered(path)[0]
        == "1:2: warning: column `defintion` is not used (did you mean `definition`?)"
    )


def test_table_that_is_not_a_codebook(tmp_path: Path) -> None:
    path = write(tmp_path, "pth,definition\nA,d\n")
    assert rendered(path) == [
        "1:1: warning: column `pth` is not used (did you mean `path`?)",
        "1:1: not a codebook table: no `path` column (nor `id`/`label`/`parent` columns)"
        " (did you mean `path`?); found `pth`, `definition`",
    ]
    assert rendered(write(tmp_path, "\n\n")) == [
        "1:1: file is empty; a codebook table needs a header row and a row per code"
    ]
    assert rendered(write(tmp_path, "label,parent\nA,\n")) == [
        "1:1: a table with `label` and `parent` columns also needs an `id` column (parents are"
        " named by id); or use one `path` column instead"
    ]


def test_unknown_parent(tmp_path: Path) -> None:
    path = write(tmp_path, "id,label,parent,definition\nalpha,A,,d\nb,B,alpah,d\n")
    assert rendered(path) == [
        "3:3: parent `alpah` is not the id of any row (did you mean `alpha`?) (B)"
    ]


def test_windows_1252_csv_loads_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "cb.csv"
    path.write_bytes("path,definition\nBenefits > Caf\u00e9,d\n".encode("cp1252"))
    codebook, problems = validate_codebook_file(path)
    assert codebook is not None
    assert codebook.codes[0].children[0].label == "Caf\u00e9"
    assert [(p.line, p.col, p.severity) for p in problems] == [(1, 1, "warning")]
    assert problems[0].message.startswith("file is not UTF-8; it was read as Windows-1252")


def test_undecodable_csv_is_located(tmp_path: Path) -> None:
    path = tmp_path / "cb.csv"
    path.write_bytes(b"path,definition\nBenefits > Caf\xe9 \x9d,d\n")
    codebook, problems = validate_codebook_file(path)
    assert codebook is None
    assert [(p.line, p.col) for p in problems] == [(2, 15)]
    assert problems[0].message == (
        "is not UTF-8 text (invalid continuation byte at byte 30) and not Windows-1252 text"
        " (byte 0x9D at 32 is undefined there); save it as UTF-8"
    )


def test_multiline_cells_keep_line_numbers(tmp_path: Path) -> None:
    text = 'path,definition,examples\nA,d,"one\ntwo|three"\nA,d,\n'
    path = write(tmp_path, text)
    assert rendered(path) == ["4:1: path listed twice (also on line 2) (A)"]
    rows, _ = csv_rows(text, "x")
    codebook, _ = parse_codebook_rows(rows[:2])
    assert codebook is not None
    assert codebook.codes[0].examples == ["one", "two|three"]


def test_split_examples() -> None:
    assert split_examples(" a | b |") == ["a", "b"]
    assert split_examples("a|b\nc") == ["a|b", "c"]
    assert split_examples("") == []


def test_xlsx_round_trip_through_openpyxl(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes.append(["not the codebook"])
    sheet = workbook.create_sheet("Codebook")
    sheet.append(["ID", "Code path", "Description", "Value", "Codable"])
    sheet.append(["sev", "Severity", "How severe", None, False])
    sheet.append(["sev.low", "Severity > Low", "Mild", 1, None])
    sheet.append(["sev.high", "Severity > High", None, 2.5, True])
    path = tmp_path / "cb.xlsx"
    workbook.save(path)
    codebook, problems = validate_codebook_file(path)
    assert [p.render().removeprefix(f"{path}:") for p in problems] == [
        "4:2: warning: codable code has no `definition`; coders need one to apply it"
        " consistently (Severity > High)"
    ]
    assert codebook is not None
    assert codebook.codes == [
        Code(
            "sev",
            "Severity",
            "How severe",
            codable=False,
            children=[
                Code("sev.low", "Low", "Mild", value=1.0),
                Code("sev.high", "High", value=2.5),
            ],
        )
    ]


def test_file_that_is_not_an_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "cb.xlsx"
    path.write_text("path\nA\n", encoding="utf-8")
    codebook, problems = validate_codebook_file(path)
    assert codebook is None
    assert problems[0].message == "is not a readable Excel workbook (damaged or not .xlsx)"


@pytest.mark.parametrize("separator", [" > ", "\\", ">"])
def test_path_separators(tmp_path: Path, separator: str) -> None:
    path = write(tmp_path, f"path,definition\nBenefits{separator}Steering group,d\n")
    codebook = load_codebook(path)
    assert codebook.find("Benefits > Steering group") is not None


def test_empty_level_in_a_path_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "path,definition\nChallenges > Funding,money\nChallenges > ,oops\n")
    assert rendered(path) == ["3:1: empty level in path `Challenges >`"]
