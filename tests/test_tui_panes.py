"""Pilot tests of the coding app's panes: mouse clicks and the code filter's own keys.

They complement test_tui_pilot.py (whose study and driver they reuse): a click on a row
of the transcript moves the cursor to that row, and the filter box steps, cancels and
reports a filter that matches nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from test_tui_pilot import CODEBOOK, build_study, build_transcript, codes_by_line, drive
from themekit.model.codebook import Codebook
from themekit.project import Project

pytestmark = pytest.mark.tui


@pytest.fixture
def study(project: Project) -> Project:
    build_study(project)
    return project


def test_a_click_moves_the_cursor_to_the_clicked_row(study: Project) -> None:
    lines: list[int] = []

    async def steps(app: Any, pilot: Any) -> None:
        # The pane has a border: its first row of text is one cell down.
        for row in (3, 1, 5):
            await pilot.click("#transcript", offset=(10, row))
            lines.append(app.coding_screen.state.current.line)
        await pilot.click("#transcript", offset=(10, 0))  # the border: nothing happens
        lines.append(app.coding_screen.state.current.line)

    drive(study, steps)
    assert lines == [3, 1, 5, 5]


def test_a_click_after_scrolling_counts_from_the_top_visible_row(project: Project) -> None:
    build_transcript(project, "P07", [("P07", f"Sentence number {n}.") for n in range(1, 201)])
    project.store.add_codebook_version(Codebook.from_dict(CODEBOOK), source="test", changes={})
    seen: dict[str, int] = {}

    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("end")
        view = app.coding_screen.view
        seen["top"] = int(view.scroll_offset.y)
        await pilot.click("#transcript", offset=(10, 1))
        seen["line"] = app.coding_screen.state.current.line

    drive(project, steps)
    assert seen["top"] > 0
    assert seen["line"] == seen["top"] + 1  # row index 0-based, line numbers from 1


def test_arrows_in_the_filter_step_through_the_matching_codes(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("slash", "down", "down", "up", "enter")

    drive(study, steps)
    assert codes_by_line(study) == [(2, "gap")]


def test_escape_leaves_and_clears_the_filter(study: Project) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: Any, pilot: Any) -> None:
        from textual.widgets import Input, Tree

        await pilot.press("slash", "f", "u", "n")
        screen = app.coding_screen
        tree = screen.query_one("#codebook", Tree)
        seen["while_filtering"] = [node.data for node in tree.root.children]
        await pilot.press("escape")
        seen["value"] = screen.query_one("#filter", Input).value
        seen["focused"] = screen.focused is screen.view
        seen["after"] = [node.data for node in tree.root.children]

    drive(study, steps)
    assert seen == {
        "while_filtering": ["challenges"],
        "value": "",
        "focused": True,
        "after": ["benefits", "challenges"],
    }


def test_a_filter_that_matches_nothing_says_so(study: Project) -> None:
    seen: dict[str, str] = {}

    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("slash", "z", "z", "z", "enter")
        seen["message"] = app.coding_screen.message

    drive(study, steps)
    assert seen["message"] == "No code matches the filter."
    assert codes_by_line(study) == []
