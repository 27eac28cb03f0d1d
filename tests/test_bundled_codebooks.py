"""The codebooks shipped in codebooks/ and the examples in docs/codebook.md load cleanly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from themekit.codebook import (
    codebook_to_yaml,
    load_codebook,
    parse_codebook_yaml,
    validate_codebook_file,
)
from themekit.codebook.io_table import csv_rows, parse_codebook_rows

REPO = Path(__file__).resolve().parents[1]
CODEBOOKS = REPO / "codebooks"
DOC = REPO / "docs" / "codebook.md"

# Table 1 of the worked example, names exactly as printed.
TABLE_1 = {
    "Benefits": [
        "Increasing options in community sentencing",
        "Reducing reoffending and use of short-term prison sentences",
        "Filling a previous gap in services",
        "Increasing access to other services",
        "Positive feedback from service users",
    ],
    "Challenges": [
        "Multi-agency working and competing priorities",
        "Sustainability of funding",
        "Service user needs and motivation",
        "Appropriate sentencing and breach",
    ],
    "Success factors": [
        "Multi-agency cooperation",
        "Steering group",
        "Dedicated staff and service provision",
        "Broader support for service users",
    ],
}


@pytest.mark.parametrize("name", ["mhtr.yaml", "cfir.yaml"])
def test_bundled_codebook_has_no_problems(name: str) -> None:
    codebook, problems = validate_codebook_file(CODEBOOKS / name)
    assert [p.render() for p in problems] == []
    assert codebook is not None
    # and it survives a write/read cycle unchanged
    assert parse_codebook_yaml(codebook_to_yaml(codebook))[0] == codebook


def test_mhtr_is_table_1() -> None:
    codebook = load_codebook(CODEBOOKS / "mhtr.yaml")
    assert {c.label: [s.label for s in c.children] for c in codebook.codes} == TABLE_1
    assert [c.id for c in codebook.codes] == ["benefits", "challenges", "success"]
    assert all(not c.codable for c in codebook.codes)
    sub_themes = [s for c in codebook.codes for s in c.children]
    assert len(sub_themes) == 13
    for code in sub_themes:
        assert code.codable and not code.children
        assert re.fullmatch(r"(benefits|challenges|success)\.[a-z_]+", code.id), code.id
        assert code.definition and code.include and code.exclude, code.id
        assert 1 <= len(code.examples) <= 2, code.id
        # every example is attributed to a participant group, as in the paper
        assert all(re.search(r"\([A-Z][A-Za-z ]+\)$", e) for e in code.examples), code.id


def test_mhtr_cross_references_name_real_ids() -> None:
    codebook = load_codebook(CODEBOOKS / "mhtr.yaml")
    ids = set(codebook.by_id())
    for entry in codebook.walk():
        for mentioned in re.findall(
            r"\b(?:benefits|challenges|success)\.[a-z_]+", entry.code.exclude
        ):
            assert mentioned in ids, (entry.code.id, mentioned)


def test_cfir_has_five_domains_and_cites_its_source() -> None:
    codebook = load_codebook(CODEBOOKS / "cfir.yaml")
    assert [c.label for c in codebook.codes] == [
        "Innovation",
        "Outer Setting",
        "Inner Setting",
        "Individuals",
        "Implementation Process",
    ]
    assert "Damschroder" in codebook.description
    assert "Implementation Science. 2022;17:75" in codebook.description
    entries = list(codebook.walk())
    assert all(e.code.definition for e in entries)
    assert codebook.find("Inner Setting > Available Resources > Materials & Equipment")
    assert len([e for e in entries if e.code.codable]) == 67


def _fenced(language: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def test_doc_yaml_example_loads(tmp_path: Path) -> None:
    [block] = _fenced("yaml")
    path = tmp_path / "example.yaml"
    path.write_text(block, encoding="utf-8")
    codebook = load_codebook(path)
    entry = codebook.find("Benefits > Filling a previous gap in services")
    assert entry is not None
    assert entry.code.examples == [
        "They were never unwell enough for the mental health team.",
        "Nobody picked them up before this.",
    ]
    assert [c.value for c in codebook.by_id()["severity"].code.children] == [1.0, 2.0]


def test_doc_csv_example_loads() -> None:
    [block] = _fenced("csv")
    rows, problem = csv_rows(block, "doc.csv")
    assert problem is None
    codebook, problems = parse_codebook_rows(rows, "doc.csv")
    assert problems == []
    assert codebook is not None
    assert [e.code.id for e in codebook.walk()] == [
        "benefits",
        "benefits.filling_a_previous_gap_in_services",
        "benefits.increasing_access_to_other_services",
        "challenges",
        "challenges.sustainability_of_funding",
    ]


def test_doc_lists_every_code_key() -> None:
    from themekit.codebook.io_yaml import CODE_KEYS

    text = DOC.read_text(encoding="utf-8")
    for key in CODE_KEYS:
        assert f"| `{key}` |" in text, key
