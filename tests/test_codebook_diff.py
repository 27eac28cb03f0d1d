"""Diffs between codebook versions, matched by id."""

from __future__ import annotations

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from themekit.codebook import Code, Codebook, CodebookDiff, diff_codebooks
from themekit.codebook.diff import CodeRef, FieldChange, Moved, Renamed


def old_book() -> Codebook:
    return Codebook(
        name="v1",
        codes=[
            Code(
                "benefits",
                "Benefits",
                codable=False,
                children=[
                    Code("benefits.gap", "Gap in services", "d1", examples=["e"]),
                    Code("benefits.access", "Access", "d2", colour="#111111"),
                    Code("benefits.old", "Old code", "d3"),
                ],
            ),
            Code("challenges", "Challenges", codable=False),
        ],
    )


def new_book() -> Codebook:
    return Codebook(
        name="v2",
        codes=[
            Code(
                "benefits",
                "Benefits",
                codable=False,
                children=[
                    Code(
                        "benefits.gap",
                        "Filling a previous gap in services",
                        "d1 revised",
                        examples=["e", "f"],
                    ),
                ],
            ),
            Code(
                "challenges",
                "Challenges",
                codable=False,
                children=[
                    Code("benefits.access", "Access", "d2", colour="#222222", value=1.0),
                    Code("challenges.funding", "Sustainability of funding", "d4"),
                ],
            ),
        ],
    )


def test_every_kind_of_change() -> None:
    diff = diff_codebooks(old_book(), new_book())
    assert diff.added == [CodeRef("challenges.funding", "Challenges > Sustainability of funding")]
    assert diff.removed == [CodeRef("benefits.old", "Benefits > Old code")]
    assert diff.renamed == [
        Renamed(
            "benefits.gap",
            "Gap in services",
            "Filling a previous gap in services",
            "Benefits > Filling a previous gap in services",
        )
    ]
    assert diff.moved == [
        Moved(
            "benefits.access",
            "Benefits > Access",
            "Challenges > Access",
            "benefits",
            "challenges",
        )
    ]
    assert [(c.id, c.field) for c in diff.definition_changed] == [
        ("benefits.gap", "definition"),
        ("benefits.gap", "examples"),
    ]
    assert diff.attribute_changed == [
        FieldChange("benefits.access", "Challenges > Access", "colour", "#111111", "#222222"),
        FieldChange("benefits.access", "Challenges > Access", "value", None, 1.0),
    ]
    assert diff.book_changed == [FieldChange("", "", "name", "v1", "v2")]
    assert not diff.is_empty


def test_human_lines() -> None:
    assert diff_codebooks(old_book(), new_book()).to_lines() == [
        "* codebook name changed",
        "+ added Challenges > Sustainability of funding [challenges.funding]",
        "- removed Benefits > Old code [benefits.old]",
        "~ renamed Gap in services -> Filling a previous gap in services [benefits.gap]",
        "> moved Benefits > Access -> Challenges > Access [benefits.access]",
        "* definition changed Benefits > Filling a previous gap in services [benefits.gap]",
        "* examples changed Benefits > Filling a previous gap in services [benefits.gap]",
        "* colour changed Challenges > Access: #111111 -> #222222 [benefits.access]",
        "* value changed Challenges > Access: (none) -> 1.0 [benefits.access]",
    ]


def test_dict_survives_json_and_comes_back() -> None:
    diff = diff_codebooks(old_book(), new_book())
    stored = json.loads(json.dumps(diff.to_dict()))
    assert stored["moved"] == [
        {
            "id": "benefits.access",
            "old_path": "Benefits > Access",
            "new_path": "Challenges > Access",
            "old_parent_id": "benefits",
            "new_parent_id": "challenges",
        }
    ]
    assert CodebookDiff.from_dict(stored) == diff


def test_codable_change_is_an_attribute_change() -> None:
    old = Codebook(codes=[Code("a", "A", "d")])
    new = Codebook(codes=[Code("a", "A", "d", codable=False)])
    assert diff_codebooks(old, new).to_lines() == ["* codable changed A: true -> false [a]"]


def test_renamed_parent_does_not_rename_children() -> None:
    old = Codebook(codes=[Code("a", "A", children=[Code("b", "B")])])
    new = Codebook(codes=[Code("a", "Alpha", children=[Code("b", "B")])])
    diff = diff_codebooks(old, new)
    assert diff.to_lines() == ["~ renamed A -> Alpha [a]"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["x", "y", "z"]), max_size=6))
def test_identical_books_have_an_empty_diff(labels: list[str]) -> None:
    book = Codebook(codes=[Code(f"c{i}", f"{label}{i}", label) for i, label in enumerate(labels)])
    diff = diff_codebooks(book, copy.deepcopy(book))
    assert diff.is_empty
    assert diff.to_lines() == []
