"""Validation of YAML codebooks: every problem located, bad input never crashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from themekit.cli.hints import cli_hint
from themekit.codebook import (
    Code,
    Codebook,
    codebook_to_yaml,
    derive_id,
    load_codebook,
    validate_codebook_file,
)
from themekit.errors import CodebookError, CodebookProblem


def write(tmp_path: Path, text: str, name: str = "cb.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rendered(path: Path) -> list[str]:
    _, problems = validate_codebook_file(path)
    return [problem.render() for problem in problems]


GOOD = """\
name: Test
codes:
  - id: a
    label: Alpha
    definition: The first.
    children:
      - id: a.b
        label: Beta
        definition: The second.
"""


def test_good_file_loads_without_problems(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    codebook, problems = validate_codebook_file(path)
    assert problems == []
    assert codebook == Codebook(
        name="Test",
        codes=[Code("a", "Alpha", "The first.", children=[Code("a.b", "Beta", "The second.")])],
    )


def test_scalars_are_kept_as_written(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "codes:\n  - id: 007\n    label: No\n    definition: yes\n    value: 3\n    codable: no\n",
    )
    codebook = load_codebook(path)
    code = codebook.codes[0]
    assert (code.id, code.label, code.definition, code.value, code.codable) == (
        "007",
        "No",
        "yes",
        3.0,
        False,
    )


def test_malformed_yaml_reports_its_location(tmp_path: Path) -> None:
    path = write(tmp_path, "codes:\n  - id: a\n    label: [Alpha\n  - id: b\n")
    codebook, problems = validate_codebook_file(path)
    assert codebook is None
    assert len(problems) == 1
    assert (problems[0].line, problems[0].col) == (4, 7)
    # The problem itself is PyYAML's wording; ours is the prefix and the opening line.
    assert problems[0].message.startswith("YAML syntax error: ")
    assert problems[0].message.endswith(" that starts on line 3")


def test_tab_indentation_gets_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, "codes:\n\t- id: a\n")
    [message] = rendered(path)
    assert message.startswith(f"{path}:2:1: YAML syntax error")
    assert message.endswith("indent with spaces, not tabs")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "- id: a\n  label: A\n",
            "1:1: not a codebook: expected a mapping with `name`, `description` and `codes`"
            " at the top, found a list",
        ),
        (
            "just some text\n",
            "1:1: not a codebook: expected a mapping with `name`,"
            " `description` and `codes` at the top, found `just some text`",
        ),
        ("name: X\n", "1:1: not a codebook: no `codes` list at the top level (found name)"),
    ],
)
def test_file_that_is_not_a_codebook(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    assert rendered(path) == [f"{path}:{expected}"]


def test_misspelt_codes_key_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, "name: X\ncode:\n  - id: a\n    label: A\n")
    assert rendered(path) == [
        f"{path}:1:1: not a codebook: no `codes` list at the top level (did you mean `codes`?)"
        " (found name)",
        f"{path}:2:1: unknown key `code` at the top level (did you mean `codes`?);"
        " known keys: name, description, codes, guid",
    ]


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    codebook, problems = validate_codebook_file(write(tmp_path, text))
    assert codebook is None
    assert [(p.line, p.col) for p in problems] == [(1, 1)]
    assert problems[0].message.startswith(("file is empty", "file has no content"))


def test_windows_1252_file_loads_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "cb.yaml"
    path.write_bytes(
        "codes:\n  - id: a\n    label: \u201cQuoted\u201d\n    definition: d\n".encode("cp1252")
    )
    codebook, problems = validate_codebook_file(path)
    assert codebook is not None
    assert codebook.codes[0].label == "\u201cQuoted\u201d"
    assert [p.render() for p in problems] == [
        f"{path}:1:1: warning: file is not UTF-8; it was read as Windows-1252 (check accents"
        " and quotes, or save it as UTF-8)"
    ]


def test_undecodable_file_is_located(tmp_path: Path) -> None:
    path = tmp_path / "cb.yaml"
    path.write_bytes(b"codes:\n  - id: a\n    label: caf\xe9 \x81\n")
    codebook, problems = validate_codebook_file(path)
    assert codebook is None
    assert [p.render() for p in problems] == [
        f"{path}:3:15: is not UTF-8 text (invalid continuation byte at byte 31) and not"
        " Windows-1252 text (byte 0x81 at 33 is undefined there); save it as UTF-8"
    ]


def test_utf8_bom_and_utf16_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(GOOD.encode("utf-8-sig"))
    assert load_codebook(path).name == "Test"
    path.write_bytes(GOOD.encode("utf-16"))
    assert load_codebook(path).name == "Test"


def test_deeply_nested_yaml_does_not_crash(tmp_path: Path) -> None:
    path = write(tmp_path, "codes: " + "[" * 50_000 + "]" * 50_000 + "\n")
    codebook, problems = validate_codebook_file(path)
    assert codebook is None
    assert [p.render() for p in problems] == [
        f"{path}:1:207: YAML nested more than 200 levels deep; this is not a codebook"
    ]


def test_deeply_nested_codes_are_refused(tmp_path: Path) -> None:
    code = Code("c0", "Level 0", "d")
    deepest = code
    for level in range(1, 60):
        child = Code(f"c{level}", f"Level {level}", "d")
        deepest.children.append(child)
        deepest = child
    path = write(tmp_path, codebook_to_yaml(Codebook(codes=[code])))
    codebook, problems = validate_codebook_file(path)
    assert codebook is None
    assert [p.message for p in problems] == ["codes nested more than 50 levels deep"]


def test_second_document_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "---\ncodes: []\n")
    assert rendered(path) == [
        f"{path}:10:1: a second YAML document (`---`) starts here; a codebook file holds one"
    ]


def test_every_kind_of_problem_is_located(tmp_path: Path) -> None:
    text = """\
name: Test
codes:
  - id: a
    label: Alpha
    colour: #123456
    definiton: x
    children:
      - id: a
        label: Beta
        definition: d
      - label: beta
        codable: maybe
        definition: d
  - id: b
    label: alpha
    definition: [not, text]
    examples: [x, [y]]
    value: high
  - id: c d
    label: C > D
    definition: d
  - id: e
    definition: d
"""
    path = write(tmp_path, text)
    assert [p.removeprefix(f"{path}:") for p in rendered(path)] == [
        "3:5: warning: codable code has no `definition`; coders need one to apply it"
        " consistently (Alpha)",
        '5:12: `colour` is empty; quote hex colours, e.g. colour: "#1f77b4" (an unquoted #'
        " starts a YAML comment) (Alpha)",
        "6:5: unknown key `definiton` in a code (did you mean `definition`?); known keys: id,"
        " label, definition, include, exclude, examples, colour, codable, value, guid,"
        " children (Alpha)",
        "8:13: id `a` is also used by its ancestor Alpha on line 3: a code cannot be its own"
        " ancestor; ids must be unique (Alpha > Beta)",
        "11:9: missing `id`; every code needs a stable id that never changes, e.g."
        " `id: alpha.beta` (Alpha > beta)",
        "11:16: duplicate label `beta` under the same parent (also on line 9); sibling labels"
        " must differ (case is ignored) (Alpha > beta)",
        "12:18: `codable` must be true or false, found `maybe` (Alpha > beta)",
        "14:5: warning: codable code has no `definition`; coders need one to apply it"
        " consistently (alpha)",
        "15:12: duplicate label `alpha` under the same parent (also on line 4); sibling labels"
        " must differ (case is ignored) (alpha)",
        "16:17: `definition` must be text, found a list (alpha)",
        "17:19: each example must be text, found a list (alpha)",
        "18:12: `value` must be a number, found `high` (alpha)",
        "19:9: id `c d` contains white space; use letters, digits, `.`, `_` or `-` (C > D)",
        "20:12: label `C > D` contains `>` or `\\`, which separate levels in a code path; use"
        " another character (C > D)",
        "22:5: missing `label`",
    ]


def test_duplicate_ids_in_separate_branches(tmp_path: Path) -> None:
    text = (
        "codes:\n"
        "  - {id: x, label: A, definition: d}\n"
        "  - id: b\n    label: B\n    definition: d\n"
        "    children:\n      - {id: x, label: C, definition: d}\n"
    )
    path = write(tmp_path, text)
    assert rendered(path) == [
        f"{path}:7:14: duplicate id `x`: also used by A on line 2; ids must be unique and are"
        " never reused (B > C)"
    ]


def test_duplicate_key_in_a_code(tmp_path: Path) -> None:
    path = write(tmp_path, "codes:\n  - id: a\n    label: A\n    label: B\n    definition: d\n")
    assert rendered(path) == [f"{path}:4:5: key `label` appears twice in a code (A)"]


def test_wrong_container_types(tmp_path: Path) -> None:
    path = write(tmp_path, "codes:\n  - id: a\n    label: A\n    definition: d\n    children: x\n")
    assert rendered(path) == [
        f"{path}:5:15: `children` must be a list of codes (each item starting with `- id:`),"
        " found `x` (A)"
    ]
    path = write(tmp_path, "codes: {a: 1}\n")
    assert rendered(path) == [
        f"{path}:1:8: `codes` must be a list of codes (each item starting with `- id:`),"
        " found a mapping"
    ]
    path = write(tmp_path, "codes:\n  - just a label\n")
    assert rendered(path) == [
        f"{path}:2:5: each code must be a mapping with `id` and `label`, found `just a label`"
    ]


def test_warnings_alone_still_load(tmp_path: Path) -> None:
    path = write(tmp_path, "guid: 1234\ncodes:\n  - id: a\n    label: A\n")
    codebook, problems = validate_codebook_file(path)
    assert codebook is not None
    assert [p.severity for p in problems] == ["warning", "warning"]
    assert problems[0].message.startswith("a codebook-level `guid` is not kept")
    assert load_codebook(path).codes[0].id == "a"


def test_empty_codes_is_a_warning(tmp_path: Path) -> None:
    codebook, problems = validate_codebook_file(write(tmp_path, "name: X\ncodes: []\n"))
    assert codebook == Codebook(name="X")
    assert problems == [
        CodebookProblem(str(tmp_path / "cb.yaml"), 2, 8, "codebook has no codes yet", "", "warning")
    ]


def test_colour_and_guid_are_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path, 'codes:\n  - {id: a, label: A, definition: d, colour: "#1f77b4", guid: G-1}\n'
    )
    code = load_codebook(path).codes[0]
    assert (code.colour, code.guid) == ("#1f77b4", "G-1")


def test_load_codebook_raises_with_every_problem(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "codes:\n  - {id: a, label: A}\n  - {id: a, label: B}\n  - {id: c, label: b}\n",
    )
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    error = caught.value
    assert error.message == (
        f"{path}: 2 errors in codebook; first: {path}:3:10: duplicate id `a`: also used by A"
        " on line 2; ids must be unique and are never reused (B)"
    )
    assert error.hint == "Its problems attribute lists every problem with its line."
    assert (
        cli_hint(error)
        == f"Run `themekit codebook validate {path}` to list every problem with its line."
    )
    assert [(p.line, p.severity) for p in error.problems] == [
        (2, "warning"),
        (3, "warning"),
        (3, "error"),
        (4, "warning"),
        (4, "error"),
    ]


def test_missing_file_and_unknown_suffix(tmp_path: Path) -> None:
    codebook, problems = validate_codebook_file(tmp_path / "nope.yaml")
    assert codebook is None
    assert problems[0].message.startswith("cannot read file: No such file")
    path = write(tmp_path, "x", name="cb.json")
    assert rendered(path) == [
        f"{path}:1:1: unsupported codebook file type `.json`; use one of .yaml, .yml, .csv,"
        " .tsv, .xlsx"
    ]


def test_derive_id() -> None:
    assert derive_id(["Benefits", "Filling a previous gap in services"]) == (
        "benefits.filling_a_previous_gap_in_services"
    )
    assert derive_id(["Café — “quoted”", "Multi-agency working"]) == (
        "cafe_quoted.multi_agency_working"
    )
    assert derive_id(["支援"]) == derive_id(["支援"])
    assert derive_id(["支援"]).startswith("c") and len(derive_id(["支援"])) == 9


def test_two_thousand_codes_validate_in_under_a_second(tmp_path: Path) -> None:
    codebook = Codebook(
        codes=[
            Code(
                f"c{i}",
                f"Category {i}",
                "d",
                codable=False,
                children=[
                    Code(f"c{i}.{j}", f"Code {j}", "a definition", "inc", "exc", ["e"])
                    for j in range(99)
                ],
            )
            for i in range(20)
        ]
    )
    path = write(tmp_path, codebook_to_yaml(codebook))
    # The 1 s target is measured in benchmarks/bench_codebook.py, never asserted here.
    loaded = load_codebook(path)
    assert len(list(loaded.walk())) == 2000


def test_alias_that_makes_a_code_contain_itself(tmp_path: Path) -> None:
    path = write(
        tmp_path, "codes: &all\n  - id: x\n    label: X\n    definition: d\n    children: *all\n"
    )
    assert rendered(path) == [
        f"{path}:2:5: a YAML alias (`*name`) makes this code contain itself (X)"
    ]


def test_alias_reused_elsewhere_is_a_duplicate_id(tmp_path: Path) -> None:
    path = write(tmp_path, "codes:\n  - &c {id: x, label: X, definition: d}\n  - *c\n")
    assert rendered(path)[0] == (
        f"{path}:2:13: duplicate id `x`: also used by X on line 2; ids must be unique and are"
        " never reused (X)"
    )


def test_binary_junk_is_a_located_problem(tmp_path: Path) -> None:
    path = tmp_path / "cb.yaml"
    path.write_bytes(b"codes:\n  - id: a\x00b\n")
    assert rendered(path) == [
        f"{path}:2:10: contains NUL bytes (first at byte 16); it looks like a binary file,"
        " not text; save it as UTF-8"
    ]


def test_python_tags_are_never_executed(tmp_path: Path) -> None:
    path = write(tmp_path, "!!python/object/apply:os.system [echo hacked]\n")
    codebook, problems = validate_codebook_file(path)
    assert codebook is None
    assert problems[0].message.startswith("not a codebook: expected a mapping")
