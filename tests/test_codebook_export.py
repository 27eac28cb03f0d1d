"""Writers: YAML and CSV round-trip through the readers; Markdown and Word appendix tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from themekit.codebook import (
    Code,
    Codebook,
    codebook_to_csv,
    codebook_to_markdown,
    codebook_to_yaml,
    parse_codebook_yaml,
    write_codebook_docx,
)
from themekit.codebook.io_table import csv_rows, parse_codebook_rows
from themekit.errors import ExportError

SAMPLE = Codebook(
    name="Sample",
    description="Two lines\nof description.",
    codes=[
        Code(
            "benefits",
            "Benefits",
            "Gains of the pilot.",
            codable=False,
            colour="#2ca02c",
            children=[
                Code(
                    "benefits.gap",
                    "Filling a previous gap in services",
                    "Needs that fell between services.\nSecond line.",
                    "Missing tier of care",
                    "Access to other services",
                    ["Never unwell enough", "A | pipe"],
                    guid="0A1B2C3D-0000-4000-8000-000000000001",
                ),
                Code("benefits.yes", "yes", "A label YAML would read as true", value=2.0),
            ],
        )
    ],
)


def test_yaml_round_trip_of_sample() -> None:
    text = codebook_to_yaml(SAMPLE)
    codebook, problems = parse_codebook_yaml(text)
    assert problems == []
    assert codebook == SAMPLE
    assert text.startswith(
        "name: Sample\ndescription: |-\n  Two lines\n  of description.\ncodes:\n"
    )
    assert "  colour: '#2ca02c'\n" in text
    assert "label: 'yes'" in text


def test_csv_round_trip_of_sample() -> None:
    text = codebook_to_csv(SAMPLE)
    assert (
        text.splitlines()[0]
        == "id,path,definition,include,exclude,examples,colour,codable,value,guid"
    )
    rows, problem = csv_rows(text, "x.csv")
    assert problem is None
    codebook, problems = parse_codebook_rows(rows)
    assert problems == []
    assert codebook is not None
    assert codebook.codes == SAMPLE.codes


# Text a person might type into a codebook, built from words that trip YAML and CSV up
# (booleans, numbers, comment and flow characters, quotes, pipes, accents). No surrounding
# white space (CSV cells are stripped) and no path separators in labels.
_WORDS = [
    "yes",
    "No",
    "007",
    "1.5",
    "null",
    "~",
    "#x",
    "a|b",
    "k: v",
    "[x]",
    "{y}",
    "caf\u00e9",
    "it\u2019s",
    '"q"',
    "'s'",
    "- dash",
    "*star",
    "&amp",
    "!tag",
    "%p",
    "@at",
    "plain",
]
_text = st.lists(st.sampled_from(_WORDS), max_size=4).map(" ".join)
_label = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join)


@st.composite
def codebooks(draw: st.DrawFn) -> Codebook:
    counter = iter(range(10_000))

    def code(depth: int) -> Code:
        n_children = draw(st.integers(0, 3)) if depth < 2 else 0
        children: list[Code] = []
        labels: set[str] = set()
        for _ in range(n_children):
            child = code(depth + 1)
            if child.label.casefold() not in labels:
                labels.add(child.label.casefold())
                children.append(child)
        return Code(
            id=f"c{next(counter)}",
            label=draw(_label),
            definition=draw(_label),
            include=draw(_text),
            exclude=draw(_text),
            examples=draw(st.lists(_label, max_size=3)),
            colour=draw(st.sampled_from([None, "#1f77b4", "#ABC"])),
            codable=draw(st.booleans()),
            value=draw(st.none() | st.integers(-5, 5).map(float) | st.just(0.25)),
            guid=draw(st.none() | st.just("GUID-1")),
            children=children,
        )

    roots: list[Code] = []
    labels: set[str] = set()
    for _ in range(draw(st.integers(1, 3))):
        root = code(0)
        if root.label.casefold() not in labels:
            labels.add(root.label.casefold())
            roots.append(root)
    return Codebook(codes=roots, name=draw(_text), description=draw(_text))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codebooks())
def test_yaml_round_trip_property(codebook: Codebook) -> None:
    parsed, problems = parse_codebook_yaml(codebook_to_yaml(codebook))
    assert [p for p in problems if p.severity == "error"] == []
    assert parsed == codebook


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codebooks())
def test_csv_round_trip_property(codebook: Codebook) -> None:
    rows, _ = csv_rows(codebook_to_csv(codebook), "x.csv")
    parsed, problems = parse_codebook_rows(rows)
    assert [p for p in problems if p.severity == "error"] == []
    assert parsed is not None
    assert parsed.codes == codebook.codes


def test_markdown_appendix_table() -> None:
    assert codebook_to_markdown(SAMPLE) == (
        "**Appendix: Codebook: Sample**\n"
        "\n"
        "| Code | Definition | Include | Exclude | Examples |\n"
        "|---|---|---|---|---|\n"
        "| **Benefits** | Gains of the pilot. |  |  |  |\n"
        "| Benefits > Filling a previous gap in services | Needs that fell between services."
        "<br>Second line. | Missing tier of care | Access to other services |"
        " \u201cNever unwell enough\u201d<br>\u201cA \\| pipe\u201d |\n"
        "| Benefits > yes | A label YAML would read as true |  |  |  |\n"
    )


def test_word_appendix_table(tmp_path: Path) -> None:
    from docx import Document

    path = tmp_path / "appendix.docx"
    write_codebook_docx(SAMPLE, path)
    document = Document(str(path))
    assert document.paragraphs[0].text == "Appendix: Codebook: Sample"
    assert document.paragraphs[0].style.name == "Caption"
    [table] = document.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells == [
        ["Code", "Definition", "Include", "Exclude", "Examples"],
        ["Benefits", "Gains of the pilot.", "", "", ""],
        [
            "Benefits > Filling a previous gap in services",
            "Needs that fell between services.\nSecond line.",
            "Missing tier of care",
            "Access to other services",
            "\u201cNever unwell enough\u201d\n\u201cA | pipe\u201d",
        ],
        ["Benefits > yes", "A label YAML would read as true", "", "", ""],
    ]
    assert table.rows[1].cells[0].paragraphs[0].runs[0].bold is True
    assert document.sections[0].page_width > document.sections[0].page_height


def test_word_into_missing_folder_raises_export_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as caught:
        write_codebook_docx(SAMPLE, tmp_path / "missing" / "a.docx")
    assert caught.value.message.startswith(f"{tmp_path / 'missing' / 'a.docx'}: cannot write")
