"""REFI-QDA codebooks (.qdc): export valid against Codebook.xsd, stable GUIDs, exact
round trips, tolerant reading of other programs' files, one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import xmlschema
from hypothesis import given
from hypothesis import strategies as st

from conftest import REPO
from themekit.codebook.io_qdc import (
    code_guid,
    codebook_to_qdc,
    derived_guid,
    fold_description,
    normalise_guid,
    parse_qdc,
    read_qdc,
    unfold_description,
)
from themekit.codebook.versions import read_codebook_file
from themekit.errors import CodebookError, RefiError
from themekit.model.codebook import Code, Codebook

SCHEMAS = Path("/work/shared/refi-qda")
if not SCHEMAS.exists():  # a checkout that vendors the schemas
    SCHEMAS = REPO / "schemas" / "refi-qda"
FIXTURES = Path(__file__).parent / "fixtures" / "refi" / "codebooks"

needs_schemas = pytest.mark.skipif(
    not (SCHEMAS / "Codebook.xsd").exists(), reason="REFI-QDA schemas not available"
)

RICH: dict = {
    "codes": [
        {
            "id": "benefits",
            "label": "Benefits",
            "codable": False,
            "colour": "#1f77b4",
            "children": [
                {
                    "id": "benefits.gap",
                    "label": "Filling a previous gap in services",
                    "definition": "People whose needs fell between services.\nSecond line.",
                    "include": "a missing tier of care",
                    "exclude": "access to services\nthat already existed",
                    "examples": ["Never unwell enough", "Nobody picked them up"],
                    "guid": "0f0e0d0c-0b0a-4909-8807-060504030201",
                },
                {"id": "benefits.options", "label": 'Options & "choice" <court', "value": 2.5},
            ],
        },
        {"id": "other", "label": "Other", "definition": "Anything else.", "value": 3.0},
    ]
}


def rich() -> Codebook:
    return Codebook.from_dict(RICH)


@needs_schemas
def test_export_is_valid_against_the_codebook_schema() -> None:
    schema = xmlschema.XMLSchema(str(SCHEMAS / "Codebook.xsd"))
    text = codebook_to_qdc(rich())
    schema.validate(text)
    assert 'isCodable="false"' in text and 'color="#1f77b4"' in text


def test_three_digit_colours_are_written_as_rrggbb() -> None:
    book = Codebook([Code("a", "A", colour="#abc"), Code("b", "B", colour="not a colour")])
    text = codebook_to_qdc(book)
    assert 'color="#aabbcc"' in text
    assert text.count("color=") == 1


def test_guids_are_the_codes_own_or_derived_from_the_id_and_stable() -> None:
    first, second = codebook_to_qdc(rich()), codebook_to_qdc(rich())
    guids = re.findall(r'guid="([^"]+)"', first)
    assert guids == re.findall(r'guid="([^"]+)"', second)
    assert guids == [
        derived_guid("code", "benefits"),
        "0f0e0d0c-0b0a-4909-8807-060504030201",
        derived_guid("code", "benefits.options"),
        derived_guid("code", "other"),
    ]
    # Another codebook using the same ids gets the same GUIDs (a team's shared codebook).
    assert code_guid(Code("other", "Something else")) == guids[3]
    assert code_guid(Code("x", "X", guid="{0F0E0D0C-0B0A-4909-8807-060504030201}")) == (
        "{0F0E0D0C-0B0A-4909-8807-060504030201}"
    )
    assert code_guid(Code("x", "X", guid="nvivo-17")) == derived_guid("code-guid", "nvivo-17")


def test_round_trip_keeps_every_field_and_id() -> None:
    codebook, warnings = parse_qdc(codebook_to_qdc(rich()).encode("utf-8"), "book.qdc")
    assert warnings == []
    assert codebook.to_dict() == rich().to_dict()


def test_an_empty_codebook_cannot_be_exported() -> None:
    with pytest.raises(CodebookError, match="has no codes"):
        codebook_to_qdc(Codebook())


def test_description_folds_guidance_readably() -> None:
    code = rich().codes[0].children[0]
    assert fold_description(code) == (
        "People whose needs fell between services.\nSecond line.\n"
        "Include: a missing tier of care\n"
        "Exclude: access to services\nthat already existed\n"
        "Example: Never unwell enough\nExample: Nobody picked them up\n"
        "themekit id: benefits.gap"
    )


def test_a_description_in_another_shape_is_the_definition() -> None:
    fields = unfold_description("Everything about money: budgets, contracts.\nSee memo 3.")
    assert fields.definition == "Everything about money: budgets, contracts.\nSee memo 3."
    assert (fields.include, fields.exclude, fields.examples, fields.themekit_id) == (
        "",
        "",
        [],
        None,
    )
    hand = unfold_description("About money.\ninclude:budgets\nEXCLUDE: single cases\nValue: x")
    assert (hand.definition, hand.include, hand.exclude, hand.value) == (
        "About money.\nValue: x",
        "budgets",
        "single cases",
        None,
    )


@given(
    definition=st.text(alphabet="ab .\n", max_size=30).map(str.strip),
    include=st.text(alphabet="cd ,\n", max_size=20).map(str.strip),
    exclude=st.text(alphabet="ef -\n", max_size=20).map(str.strip),
    examples=st.lists(st.text(alphabet="gh ", min_size=1).map(str.strip).filter(bool), max_size=3),
)
def test_fold_then_unfold_gives_the_fields_back(
    definition: str, include: str, exclude: str, examples: list[str]
) -> None:
    code = Code("c.1", "C", definition, include, exclude, examples)
    fields = unfold_description(fold_description(code))
    assert (fields.definition, fields.include, fields.exclude, fields.examples) == (
        definition,
        include,
        exclude,
        examples,
    )
    assert fields.themekit_id == "c.1"


def test_guids_are_normalised_whatever_their_case_and_braces() -> None:
    assert normalise_guid(" {0F0E0D0C-0B0A-4909-8807-060504030201} ") == (
        "0f0e0d0c-0b0a-4909-8807-060504030201"
    )
    assert normalise_guid("ABC") == "abc"


def test_another_programs_codebook_is_read_with_repairs_reported() -> None:
    warnings: list[str] = []
    codebook = read_qdc(FIXTURES / "other_tool.qdc", warnings)
    assert codebook.to_dict() == {
        "codes": [
            {
                "id": "challenges",
                "label": "Challenges",
                "definition": "Things that got in the way.",
                "codable": False,
                "guid": "{9F000000-0000-4000-8000-000000000001}",
                "children": [
                    {
                        "id": "challenges.sustainability_of_funding",
                        "label": "Sustainability of funding",
                        "definition": "Worries about paying for it after the pilot.",
                        "include": "short-term contracts",
                        "exclude": "the cost of a single case",
                        "examples": ["Nobody knows if the money lasts past March."],
                        "colour": "#D62728",
                        "guid": "{9F000000-0000-4000-8000-000000000002}",
                    },
                    {
                        "id": "challenges.breach_recall",
                        "label": "Breach / recall",
                        "guid": "{9F000000-0000-4000-8000-000000000003}",
                    },
                    {
                        "id": "challenges.staffing",
                        "label": "Staffing",
                        "guid": "{9F000000-0000-4000-8000-000000000004}",
                    },
                    {
                        "id": "challenges.staffing_2",
                        "label": "staffing (2)",
                        "guid": "{9F000000-0000-4000-8000-000000000005}",
                    },
                ],
            },
            {
                "id": "other",
                "label": "Other",
                "colour": "#ABC",
                "guid": "9f000000-0000-4000-8000-000000000006",
            },
        ]
    }
    assert warnings == [
        "code 'Challenges > Breach > recall': '>' and '\\' separate levels in themekit;"
        " renamed 'Breach / recall'",
        "code 'Challenges > Breach > recall': colour '0x00FF00' is not #RRGGBB; ignored",
        "code 'Challenges > staffing' has a sibling of the same name; renamed 'staffing (2)'",
    ]


def test_a_codebook_without_namespace_or_descriptions() -> None:
    codebook = read_codebook_file(FIXTURES / "no_namespace.qdc")
    assert [(e.code.id, e.code.codable, e.code.definition) for e in codebook.walk()] == [
        ("benefits", False, ""),
        ("benefits.filling_a_previous_gap_in_services", True, ""),
    ]


def test_repairs_are_logged_when_no_list_is_given(caplog: pytest.LogCaptureFixture) -> None:
    read_qdc(FIXTURES / "other_tool.qdc")
    assert len(caplog.records) == 3
    assert caplog.records[0].getMessage().endswith("renamed 'Breach / recall'")


def test_an_id_used_twice_in_the_file_is_replaced() -> None:
    text = codebook_to_qdc(Codebook([Code("a", "A"), Code("b", "B")])).replace(
        "themekit id: b", "themekit id: a"
    )
    codebook, warnings = parse_qdc(text.encode(), "dup.qdc")
    assert [c.id for c in codebook.codes] == ["a", "b"]
    assert warnings == ["code 'B': id 'a' is already used; a new id is derived"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<CodeBook><Codes>", "bad.qdc: the XML does not parse (line 1, column 18)."),
        (
            b"<Other/>",
            "bad.qdc: is not a REFI-QDA codebook (its root element is <Other>, not <CodeBook>).",
        ),
        (b"<CodeBook><Codes/></CodeBook>", "bad.qdc: holds no codes."),
        (b'<Project name="x"/>', "bad.qdc: is a REFI-QDA project without a codebook"),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.qdc"
    path.write_bytes(content)
    with pytest.raises(RefiError) as caught:
        read_codebook_file(path)
    assert caught.value.render().replace(str(tmp_path) + "/", "").startswith(message)


def test_cli_exports_qdc_and_loads_it_into_another_project(cli, bare_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from themekit.codebook.versions import commit_codebook
    from themekit.project import Project

    first = Project.open(cli.root)
    commit_codebook(first, rich(), source="test")
    first.close()
    out = tmp_path / "book.qdc"
    result = cli("codebook", "export", "--format", "qdc", "-o", str(out))
    assert result.exit_code == 0, result.output
    other = Project.init(tmp_path / "other")
    other.close()
    loaded = bare_cli("--project", str(other.root), "codebook", "load", str(out))
    assert loaded.exit_code == 0, loaded.output
    assert "Loaded codebook version 1." in loaded.output
    with Project.open(other.root) as reopened:
        current = reopened.store.current_codebook()
        assert current is not None
        assert current[1].to_dict()["codes"] == RICH["codes"]


def test_cli_load_of_a_broken_qdc_is_one_error_line(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "broken.qdc"
    bad.write_text("<CodeBook>", encoding="utf-8")
    result = cli("codebook", "load", str(bad))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {bad}: the XML does not parse (line 1, column 11). Export the file again"
        " from the program that made it."
    ]
