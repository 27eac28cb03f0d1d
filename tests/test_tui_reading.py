"""What the coding app shows a coder, asserted on the rendered screen at 80x24 and 200x50.

Whole lines wrapped (never cut) with their codes under them, the guidance pane with the
highlighted code's definition, include, exclude and examples, the coded-text screen,
the filter searching definitions, and the picker for a new coder. Each test also checks
the database where a key wrote to it. All interview text is fictional.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from test_tui_pilot import build_transcript
from themekit.coding.coders import add_coder
from themekit.coding.tui import create_coding_app
from themekit.errors import CodingError
from themekit.model.codebook import Codebook
from themekit.model.rows import Participant
from themekit.project import Project

SIZES = [(80, 24), (200, 50)]

LONG = (
    "When the pilot started we had nothing at all for people with moderate mental health"
    " needs, so magistrates kept handing down short custodial sentences that helped nobody"
    " and everyone knew it."
)
LINES = [
    ("Interviewer", "Can you tell me how the pilot started in your area?"),
    ("P07", LONG),
    ("P07", "Nobody knows whether the money will still be there next year."),
    ("Interviewer", "Anything else?"),
    ("P07", "The steering group kept everyone pointed in the same direction."),
]
FILLER = [("P07", f"A short line of talk, number {n}.") for n in range(1, 41)]
BOOK = {
    "codes": [
        {
            "id": "benefits",
            "label": "Benefits",
            "codable": False,
            "children": [
                {
                    "id": "gap",
                    "label": "Filling a previous gap in services",
                    "definition": "The service reaches people no other service reached.",
                    "include": "Talk of people who fell between services before.",
                    "exclude": "Faster access to an existing service (use access).",
                    "examples": ["We had nothing for them before."],
                },
                {"id": "access", "label": "Increasing access to other services"},
            ],
        },
        {
            "id": "funding",
            "label": "Sustainability of funding",
            "definition": "Worries that the money ends, short-term budgets.",
        },
    ]
}


@pytest.fixture
def study(project: Project) -> Project:
    # Enough lines after the long one that the pane scrolls (and shows its scrollbar).
    build_transcript(project, "P07", LINES + FILLER)
    build_transcript(project, "P08", LINES[:3])
    project.store.add_codebook_version(Codebook.from_dict(BOOK), source="test", changes={})
    project.store.replace_participants(
        [Participant("P07", "Probation Service", "Plymouth", {})], []
    )
    add_coder(project, "alice")
    return project


def drive(
    project: Project,
    size: tuple[int, int],
    steps: Callable[[Any, Any], Awaitable[None]],
    *,
    transcript: str | None = "P07",
    coder: str = "alice",
) -> Any:
    app = create_coding_app(project, coder=coder, transcript=transcript)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await steps(app, pilot)

    asyncio.run(main())
    return app


def joined(rows: list[str]) -> str:
    """The visible rows as one run of words (wrapping undone)."""
    return " ".join(" ".join(rows).split())


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "200x50"])
def test_long_lines_are_wrapped_in_full_with_a_hanging_indent(study: Project, size) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: Any, pilot: Any) -> None:
        view = app.coding_screen.view
        rows = view.visible_text()
        seen["rows"] = rows
        seen["height"] = view.heights[1]
        seen["indent"] = view.indent
        seen["width"] = view.text_area_width()
        seen["scrollbar"] = view.size.width - view.text_area_width()

    drive(study, size, steps)
    rows, indent = seen["rows"], seen["indent"]
    assert LONG in joined(rows)  # every word of the line, in order: nothing cut
    assert seen["height"] > 1  # wrapped over several rows
    first = next(i for i, r in enumerate(rows) if r.lstrip().startswith("2 "))
    assert rows[first].split()[:2] == ["2", "P07"]
    for row in rows[first + 1 : first + seen["height"]]:  # hanging indent under the speaker
        assert row[:indent].strip() == ""
        assert row[indent:].strip()
    assert all(len(r) <= seen["width"] for r in rows)
    assert seen["scrollbar"] > 0  # measured for the columns the scrollbar leaves


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "200x50"])
def test_codes_show_under_the_line_and_the_database_has_them(study: Project, size) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: Any, pilot: Any) -> None:
        view = app.coding_screen.view
        before = view.heights[1]
        await pilot.press("1", "3")  # gap and funding on line 2
        await pilot.pause()
        seen["grew"] = view.heights[1] - before
        seen["text"] = joined(view.visible_text())

    drive(study, size, steps)
    assert seen["grew"] >= 1
    assert "● Filling a previous gap in services · ● Sustainability of funding" in seen["text"]
    assert LONG in seen["text"]
    rows = study.store.codings(transcript_id="P07", coder="alice")
    assert sorted((c.line, c.code_id) for c in rows) == [(2, "funding"), (2, "gap")]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "200x50"])
def test_guidance_pane_shows_the_highlighted_codes_definition(study: Project, size) -> None:
    seen: dict[str, str] = {}

    async def steps(app: Any, pilot: Any) -> None:
        from textual.widgets import Tree

        pane = app.screen.query_one("#guidance")
        tree = app.screen.query_one("#codebook", Tree)
        tree.focus()
        await pilot.pause()
        seen["first"] = " ".join(str(pane.content).split())
        await pilot.press("down", "down")  # access, then funding
        await pilot.pause()
        seen["funding"] = " ".join(str(pane.content).split())
        app.coding_screen.view.focus()
        await pilot.press("c")
        seen["hidden"] = str(pane.display)
        await pilot.press("c")
        seen["shown"] = str(pane.display)

    drive(study, size, steps)
    assert seen["first"] == (
        "Benefits > Filling a previous gap in services (gap)"
        " Definition: The service reaches people no other service reached."
        " Include: Talk of people who fell between services before."
        " Exclude: Faster access to an existing service (use access)."
        " Example: \u201cWe had nothing for them before.\u201d"
    )
    assert seen["funding"] == (
        "Sustainability of funding (funding)"
        " Definition: Worries that the money ends, short-term budgets."
    )
    assert (seen["hidden"], seen["shown"]) == ("False", "True")


def test_the_filter_searches_definitions(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("slash", *"budgets", "enter")  # only in funding's definition

    drive(study, (80, 24), steps)
    assert [(c.line, c.code_id) for c in study.store.codings(coder="alice")] == [(2, "funding")]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "200x50"])
def test_coded_text_screen_lists_the_passages(study: Project, size) -> None:
    seen: dict[str, str] = {}

    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("1", "j", "1")  # gap on lines 2 and 3
        await pilot.press("p")
        await pilot.pause()
        seen["group"] = " ".join(str(app.screen.query_one("#passages").content).split())
        await pilot.press("b")
        seen["coder"] = " ".join(str(app.screen.query_one("#passages").content).split())
        await pilot.press("escape")
        seen["back"] = type(app.screen).__name__

    drive(study, size, steps)
    assert seen["group"].startswith(
        "Benefits > Filling a previous gap in services (gap) 2 passages, by group."
        " Probation Service (2) When the pilot started"
    )
    assert "-- P07, line 2, P07, coded by alice" in seen["group"]
    assert "alice (2)" in seen["coder"]
    assert seen["back"] == "CodingScreen"


def test_a_new_coder_sees_every_transcript_in_the_picker(study: Project) -> None:
    add_coder(study, "dan")
    seen: dict[str, Any] = {}

    async def steps(app: Any, pilot: Any) -> None:
        from textual.widgets import DataTable

        table = app.screen.query_one("#picker", DataTable)
        seen["rows"] = [table.get_row_at(i) for i in range(table.row_count)]

    drive(study, (80, 24), steps, transcript=None, coder="dan")
    assert seen["rows"] == [["P07", "0", "43", "0%", ""], ["P08", "0", "2", "0%", ""]]
    assert study.store.coders() == ["alice", "dan"]


def test_an_unknown_coder_cannot_open_the_app(study: Project) -> None:
    with pytest.raises(CodingError, match="Unknown coder 'alcie'. Did you mean 'alice'?"):
        create_coding_app(study, coder="alcie", transcript="P07")
    assert study.store.coders() == ["alice"]


def test_j_reads_on_through_a_line_taller_than_the_pane(project: Project) -> None:
    words = " ".join(f"word{n}" for n in range(400))  # far taller than 80x24 allows
    build_transcript(project, "P07", [("P07", words), ("P07", "The next line.")])
    project.store.add_codebook_version(Codebook.from_dict(BOOK), source="test", changes={})
    add_coder(project, "alice")
    seen: list[tuple[int, bool]] = []

    async def steps(app: Any, pilot: Any) -> None:
        view = app.coding_screen.view
        for _ in range(40):
            text = joined(view.visible_text())
            seen.append((app.coding_screen.state.current.line, "word399" in text))
            if app.coding_screen.state.current.line == 2:
                break
            await pilot.press("j")

    drive(project, (80, 24), steps)
    assert seen[0] == (1, False)  # the line's end is out of view at first
    reached_end = next(i for i, (line, end) in enumerate(seen) if end)
    assert all(line == 1 for line, _ in seen[: reached_end + 1])  # j scrolled, not moved
    assert seen[-1][0] == 2  # then j moves on
