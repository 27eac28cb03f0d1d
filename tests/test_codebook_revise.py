"""Pure revision helpers: each returns a new codebook or refuses with a clear error."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from themekit.cli.hints import cli_hint
from themekit.codebook import (
    Code,
    Codebook,
    add_code,
    diff_codebooks,
    merge_codes,
    move_code,
    remove_code,
    rename_code,
)
from themekit.codebook.validate import SourceMap, check_codebook
from themekit.errors import CodebookError


def book() -> Codebook:
    return Codebook(
        codes=[
            Code(
                "benefits",
                "Benefits",
                codable=False,
                children=[
                    Code("benefits.gap", "Gap", "d", children=[Code("benefits.gap.x", "X", "d")]),
                    Code("benefits.access", "Access", "d"),
                ],
            ),
            Code(
                "success",
                "Success factors",
                codable=False,
                children=[Code("success.staff", "Staff", "d", children=[Code("s.x", "Y", "d")])],
            ),
        ]
    )


def error_of(call, *args) -> CodebookError:
    with pytest.raises(CodebookError) as caught:
        call(*args)
    return caught.value


def test_rename_keeps_id_and_does_not_touch_the_input() -> None:
    original = book()
    renamed = rename_code(original, "benefits.gap", "Filling a previous gap in services")
    assert original == book()
    assert diff_codebooks(original, renamed).to_lines() == [
        "~ renamed Gap -> Filling a previous gap in services [benefits.gap]"
    ]


def test_rename_refusals() -> None:
    error = error_of(rename_code, book(), "benefits.gpa", "New")
    assert error.message == "no code with id `benefits.gpa` (did you mean `benefits.gap`?)"
    assert error.hint == "The codebook lists the ids."
    assert cli_hint(error) == "Run `themekit codebook show` to list ids."
    error = error_of(rename_code, book(), "benefits.gap", "access")
    assert error.message == "there is already a code `Access` [benefits.access] under Benefits"
    assert error.hint == "Choose another label, or merge into `benefits.access`."
    assert cli_hint(error) == (
        "Choose another label, or merge into it: `themekit codebook merge SRC --into"
        " benefits.access`."
    )
    assert error_of(rename_code, book(), "benefits.gap", "A > B").message == (
        "label `A > B` contains `>` or `\\`, which separate levels in a code path"
    )
    assert error_of(rename_code, book(), "benefits.gap", "  ").message == (
        "a code needs a non-empty label"
    )
    # Changing only the case of its own label is allowed.
    assert rename_code(book(), "benefits.gap", "GAP").by_id()["benefits.gap"].code.label == "GAP"


def test_move_and_move_to_top() -> None:
    moved = move_code(book(), "benefits.access", "success")
    assert moved.by_id()["benefits.access"].path_text == "Success factors > Access"
    top = move_code(book(), "benefits.gap.x", None)
    assert [c.id for c in top.codes] == ["benefits", "success", "benefits.gap.x"]


def test_move_refuses_cycles_and_clashes() -> None:
    error = error_of(move_code, book(), "benefits", "benefits.gap.x")
    assert error.message == (
        "cannot move Benefits under Benefits > Gap > X: it would become its own ancestor"
    )
    assert error_of(move_code, book(), "benefits", "benefits").message == (
        "cannot move Benefits under Benefits: it would become its own ancestor"
    )
    clash = add_code(book(), "success", Code("success.access", "access", "d"))
    assert error_of(move_code, clash, "benefits.access", "success").message == (
        "there is already a code `access` [success.access] under Success factors"
    )


def test_merge_moves_children_and_removes_source() -> None:
    merged = merge_codes(book(), "benefits.gap", "success.staff")
    entries = merged.by_id()
    assert "benefits.gap" not in entries
    assert entries["benefits.gap.x"].path_text == "Success factors > Staff > X"
    assert [c.label for c in entries["success.staff"].code.children] == ["Y", "X"]


def test_merge_refusals() -> None:
    assert error_of(merge_codes, book(), "benefits", "benefits.gap").message == (
        "cannot merge Benefits into Benefits > Gap, which is inside it"
    )
    assert error_of(merge_codes, book(), "benefits.gap", "benefits.gap").message == (
        "cannot merge Benefits > Gap into itself"
    )
    both = add_code(book(), "benefits.access", Code("a.x", "x", "d"))
    error = error_of(merge_codes, both, "benefits.gap", "benefits.access")
    assert (
        error.message == "cannot merge Benefits > Gap into Benefits > Access: both have a child `X`"
    )
    assert error.hint == "Rename or merge Benefits > Gap > X [benefits.gap.x] first."


def test_add_code() -> None:
    added = add_code(book(), None, Code("new", "New", "d", children=[Code("new.a", "A", "d")]))
    assert added.codes[-1].children[0].id == "new.a"
    assert error_of(add_code, book(), None, Code("benefits.gap", "Other", "d")).message == (
        "id `benefits.gap` is already used by Benefits > Gap"
    )
    assert error_of(add_code, book(), "benefits", Code("z", "gap", "d")).message == (
        "there is already a code `Gap` [benefits.gap] under Benefits"
    )
    assert error_of(add_code, book(), "nope", Code("z", "Z", "d")).message == (
        "no code with id `nope`"
    )
    with pytest.raises(CodebookError) as caught:
        add_code(book(), None, Code("old", "Old", "d"), retired_ids={"old"})
    assert caught.value.message == (
        "id `old` belonged to a code that was removed; ids are never reused"
    )
    assert error_of(add_code, book(), None, Code("a b", "AB", "d")).message == (
        "id `a b` is empty or contains white space"
    )
    twins = Code("t", "T", "d", children=[Code("t.1", "Same", "d"), Code("t.2", "same", "d")])
    assert error_of(add_code, book(), None, twins).message == (
        "two children of `T` have the same label"
    )
    dup_inside = Code("t", "T", "d", children=[Code("t", "Inner", "d")])
    assert error_of(add_code, book(), None, dup_inside).message == "id `t` is already used"


def test_remove_code() -> None:
    removed = remove_code(book(), "benefits.access")
    assert "benefits.access" not in removed.by_id()
    error = error_of(remove_code, book(), "benefits.gap")
    assert error.message == "cannot remove Benefits > Gap: it has 1 child code"


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["move", "merge", "rename"]),
            st.sampled_from(
                [
                    "benefits",
                    "benefits.gap",
                    "benefits.gap.x",
                    "benefits.access",
                    "success",
                    "success.staff",
                    "s.x",
                    None,
                ]
            ),
            st.sampled_from(
                [
                    "benefits",
                    "benefits.gap",
                    "benefits.gap.x",
                    "benefits.access",
                    "success",
                    "success.staff",
                    "s.x",
                    None,
                ]
            ),
        ),
        max_size=8,
    )
)
def test_revisions_keep_the_codebook_valid(steps: list[tuple[str, str | None, str | None]]) -> None:
    current = book()
    for action, first, second in steps:
        before = copy.deepcopy(current)
        try:
            if action == "move" and first is not None:
                current = move_code(current, first, second)
            elif action == "merge" and first is not None and second is not None:
                current = merge_codes(current, first, second)
            elif action == "rename" and first is not None:
                current = rename_code(current, first, second or "Renamed")
        except CodebookError:
            assert current == before  # a refusal leaves the codebook as it was
        errors = [p for p in check_codebook(current, SourceMap("x")) if p.severity == "error"]
        assert errors == []
