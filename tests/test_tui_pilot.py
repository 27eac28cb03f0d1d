"""Pilot tests of the coding app: every key path, asserting on the project database.

Each test builds a small fictional study through the store, drives the app headless
with Textual's Pilot and checks what was committed (codings, memos, exemplars,
progress, audit entries, suggestion decisions). pytest-asyncio is not used: each test
runs its coroutine with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from themekit.coding.tui import create_coding_app
from themekit.coding.tui.keys import KEYS, markdown_table
from themekit.errors import CodingError
from themekit.model.codebook import Codebook
from themekit.model.rows import Participant
from themekit.model.transcripts import ParsedTranscript, Segment, Turn
from themekit.project import Project

pytestmark = pytest.mark.tui

REPO = Path(__file__).resolve().parents[1]
CODEBOOK = {
    "name": "MHTR framework (test)",
    "codes": [
        {
            "id": "benefits",
            "label": "Benefits",
            "codable": False,
            "children": [
                {"id": "options", "label": "Increasing options in community sentencing"},
                {"id": "gap", "label": "Filling a previous gap in services"},
            ],
        },
        {
            "id": "challenges",
            "label": "Challenges",
            "codable": False,
            "children": [
                {"id": "funding", "label": "Sustainability of funding"},
                {"id": "multiagency", "label": "Multi-agency working and competing priorities"},
            ],
        },
    ],
}

# (speaker, text): fictional interview lines; the interviewer's are not codable.
LINES = [
    ("Interviewer", "Can you tell me how the pilot started in your area?"),
    ("P07", "We had nothing for people with moderate needs before the pilot."),
    ("P07", "Magistrates now have a real alternative to a short custodial sentence."),
    ("Interviewer", "And how did the teams work together?"),
    ("P07", "Probation and the clinicians met every fortnight to review cases."),
    ("P07", "Nobody knows whether the money will still be there next year."),
    ("Interviewer", "Anything else you would like to add?"),
    ("P07", "The steering group kept everyone pointed in the same direction."),
]


def build_transcript(project: Project, transcript_id: str, lines: list[tuple[str, str]]) -> None:
    text_parts: list[str] = []
    turns: list[Turn] = []
    segments: list[Segment] = []
    offset = 0
    for number, (speaker, line_text) in enumerate(lines, start=1):
        prefix = f"{speaker}: "
        start = offset + len(prefix)
        end = start + len(line_text)
        text_parts.append(prefix + line_text)
        turns.append(Turn(speaker, start, end))
        segments.append(
            Segment(
                line=number,
                speaker=speaker,
                turn_index=number - 1,
                start=start,
                end=end,
                text=line_text,
                codable=speaker != "Interviewer",
            )
        )
        offset = end + 1
    text = "\n".join(text_parts)
    for s in segments:
        assert text[s.start : s.end] == s.text
    project.store.add_transcript_version(
        transcript_id,
        ParsedTranscript(text, turns, "txt"),
        segments,
        content_hash=f"hash-{transcript_id}-{len(lines)}",
        source_name=f"{transcript_id}.txt",
        unit="sentence",
    )


def build_study(project: Project, *, extra_transcripts: int = 0) -> None:
    build_transcript(project, "P07", LINES)
    for n in range(extra_transcripts):
        build_transcript(project, f"P1{n}", LINES[:4])
    project.store.add_codebook_version(Codebook.from_dict(CODEBOOK), source="test", changes={})
    project.store.replace_participants(
        [Participant("P07", "Probation Service", "Plymouth", {})], []
    )
    for coder in ("alice", "bob"):  # as ``themekit coders add`` does
        project.store.ensure_coder(coder)


@pytest.fixture
def study(project: Project) -> Project:
    build_study(project)
    return project


def drive(
    project: Project,
    steps: Callable[[Any, Any], Awaitable[None]],
    *,
    coder: str = "alice",
    transcript: str | None = "P07",
    show_others: bool = False,
) -> Any:
    """Run the app headless, let ``steps(app, pilot)`` drive it, return the app."""
    project.store.ensure_coder(coder)  # as ``themekit coders add`` does
    app = create_coding_app(project, coder=coder, transcript=transcript, show_others=show_others)

    async def main() -> None:
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            await steps(app, pilot)

    asyncio.run(main())
    return app


async def type_into_prompt(app: Any, pilot: Any, text: str) -> None:
    from textual.widgets import Input

    app.screen.query_one(Input).value = text
    await pilot.press("enter")


def codes_by_line(project: Project, coder: str = "alice") -> list[tuple[int, str]]:
    return [(c.line, c.code_id) for c in project.store.codings(transcript_id="P07", coder=coder)]


def actions(project: Project, coder: str = "alice") -> list[str]:
    return [e.action for e in project.store.audit_entries(actor=coder)]


# -- opening ---------------------------------------------------------------------------
def test_opens_on_first_codable_line_and_skips_interviewer(study: Project) -> None:
    seen: list[int] = []

    async def steps(app: Any, pilot: Any) -> None:
        seen.append(app.coding_screen.state.current.line)
        await pilot.press("j", "j")
        seen.append(app.coding_screen.state.current.line)  # line 4 (interviewer) skipped
        await pilot.press("k")
        seen.append(app.coding_screen.state.current.line)
        await pilot.press("i", "j")  # stop on interviewer lines too
        seen.append(app.coding_screen.state.current.line)

    drive(study, steps)
    assert seen == [2, 5, 3, 4]


def test_unknown_transcript_is_refused(study: Project) -> None:
    with pytest.raises(CodingError, match="No transcript 'P99'"):
        create_coding_app(study, coder="alice", transcript="P99")


# -- applying and removing -----------------------------------------------------------
def test_shortcut_applies_and_toggles_off(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("1")
        assert codes_by_line(study) == [(2, "options")]
        await pilot.press("1")

    drive(study, steps)
    assert codes_by_line(study) == []
    entries = study.store.audit_entries(actor="alice", action="coding.apply")
    assert [(e.how, e.details["line"], e.details["code"]) for e in entries] == [
        (("hand", 2, "options"))
    ]
    assert actions(study)[-2:] == ["coding.apply", "coding.remove"]


def test_filter_then_enter_applies_highlighted_code(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("slash", "f", "u", "n", "d", "enter")
        # focus is back on the transcript: j moves again
        await pilot.press("j")
        assert app.coding_screen.state.current.line == 3

    drive(study, steps)
    assert codes_by_line(study) == [(2, "funding")]


def test_enter_in_tree_toggles_highlighted_code(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        from textual.widgets import Tree

        tree = app.screen.query_one("#codebook", Tree)
        tree.focus()
        await pilot.pause()
        assert tree.cursor_node.data == "options"  # first codable code highlighted
        await pilot.press("down", "enter")
        await pilot.press("up", "up", "enter")  # "Benefits" groups codes: not applied
        seen["message"] = app.coding_screen.message

    seen: dict[str, str] = {}
    drive(study, steps)
    assert codes_by_line(study) == [(2, "gap")]
    assert seen["message"] == "'Benefits' groups codes: pick a sub-code."


def test_remove_single_code_with_x(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("3")
        await pilot.press("x")

    drive(study, steps)
    assert codes_by_line(study) == []
    assert actions(study)[-1] == "coding.remove"


def test_remove_from_codes_pane_with_d(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        from textual.widgets import OptionList

        await pilot.press("1", "3", "x")  # two codes: x moves to the codes pane
        pane = app.screen.query_one("#codes", OptionList)
        assert app.screen.focused is pane
        await pilot.press("down", "d")  # the second coding: funding

    drive(study, steps)
    assert codes_by_line(study) == [(2, "options")]


def test_interviewer_line_cannot_be_coded(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("g", "1", "enter")
        assert app.coding_screen.state.current.line == 1
        await pilot.press("1")
        seen["message"] = app.coding_screen.message

    seen: dict[str, str] = {}
    drive(study, steps)
    assert codes_by_line(study) == []
    assert seen["message"].startswith("Interviewer lines cannot be coded.")


# -- ranges, undo, redo ---------------------------------------------------------------
def test_range_toggle_codes_only_codable_lines_and_undo_redo(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("v", "j", "j")  # lines 2..5, line 4 is the interviewer's
        await pilot.press("2")
        assert codes_by_line(study) == [(2, "gap"), (3, "gap"), (5, "gap")]
        await pilot.press("u")
        assert codes_by_line(study) == []
        await pilot.press("ctrl+r")
        assert codes_by_line(study) == [(2, "gap"), (3, "gap"), (5, "gap")]
        await pilot.press("2")  # all selected lines have it: removed from all
        assert codes_by_line(study) == []
        await pilot.press("u")

    drive(study, steps)
    assert codes_by_line(study) == [(2, "gap"), (3, "gap"), (5, "gap")]


def test_shift_arrows_extend_selection(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("shift+down", "4", "escape", "j", "4")

    drive(study, steps)
    assert codes_by_line(study) == [(2, "multiagency"), (3, "multiagency"), (5, "multiagency")]


def test_undo_restores_removed_coding_exactly(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("1")
        await pilot.press("x")
        await pilot.press("u")

    drive(study, steps)
    rows = study.store.codings(transcript_id="P07")
    assert [(r.line, r.code_id, r.source) for r in rows] == [(2, "options", "hand")]
    undo = study.store.audit_entries(action="coding.apply")[-1]
    assert undo.details.get("undo") is True


def test_redo_with_empty_stack_says_so(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("ctrl+r")
        seen["message"] = app.coding_screen.message

    seen: dict[str, str] = {}
    drive(study, steps)
    assert seen["message"] == "Nothing to redo."


# -- moving ----------------------------------------------------------------------------
def test_next_and_previous_uncoded(study: Project) -> None:
    lines: list[int] = []

    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("1", "j", "1", "g", "8", "enter", "1")  # lines 2, 3, 8 coded
        await pilot.press("g", "1", "enter", "n")
        lines.append(app.coding_screen.state.current.line)
        await pilot.press("n")
        lines.append(app.coding_screen.state.current.line)
        await pilot.press("n")  # none left below: stays
        lines.append(app.coding_screen.state.current.line)
        await pilot.press("N")
        lines.append(app.coding_screen.state.current.line)

    drive(study, steps)
    assert lines == [5, 6, 6, 5]


def test_goto_missing_line_says_so(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("g", "9", "9", "enter")
        seen["message"] = app.coding_screen.message
        assert app.coding_screen.state.current.line == 2

    seen: dict[str, str] = {}
    drive(study, steps)
    assert seen["message"] == "There is no line 99."


# -- memos, exemplars, done, resume ---------------------------------------------------
def test_segment_memo_and_coding_memo(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        from textual.widgets import OptionList

        await pilot.press("m")
        await type_into_prompt(app, pilot, "Contrast with the Sefton account")
        await pilot.press("1")
        app.screen.query_one("#codes", OptionList).focus()
        await pilot.pause()
        await pilot.press("m")
        await type_into_prompt(app, pilot, "Clear statement of the gap")

    drive(study, steps)
    segment = study.store.segment_at("P07", 2)
    assert segment is not None
    assert study.store.segment_memos("alice") == {
        ("alice", segment.id): "Contrast with the Sefton account"
    }
    [coding] = study.store.codings(transcript_id="P07")
    assert coding.memo == "Clear statement of the gap"
    assert actions(study)[-3:] == ["segment.memo", "coding.apply", "coding.memo"]


def test_memo_escape_changes_nothing(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("m", "a", "b", "escape")

    drive(study, steps)
    assert study.store.segment_memos("alice") == {}


def test_exemplar_toggles(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("j", "e")
        seg = study.store.segment_at("P07", 3)
        assert seg is not None
        assert study.store.exemplars("alice") == {("alice", seg.id)}
        await pilot.press("e")

    drive(study, steps)
    assert study.store.exemplars("alice") == set()
    ons = [e.details["on"] for e in study.store.audit_entries(action="segment.exemplar")]
    assert ons == [True, False]


def test_done_toggles(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        for _ in range(5):  # code every codable line: D marks done without asking
            await pilot.press("1", "j")
        await pilot.press("D")
        assert study.store.done_transcripts("alice") == {"P07"}
        await pilot.press("D")

    drive(study, steps)
    assert study.store.done_transcripts("alice") == set()
    assert actions(study)[-2:] == ["transcript.done", "transcript.undone"]


def test_done_with_uncoded_lines_asks_first_and_says_how_many(study: Project) -> None:
    seen: dict[str, str] = {}

    async def steps(app: Any, pilot: Any) -> None:
        from textual.widgets import Label

        await pilot.press("1", "D")  # 1 of 5 codable lines coded
        seen["question"] = str(app.screen.query_one("#confirm-question", Label).render())
        await pilot.press("n")
        seen["refused"] = app.coding_screen.message
        assert study.store.done_transcripts("alice") == set()
        await pilot.press("D", "y")
        seen["done"] = app.coding_screen.message

    drive(study, steps)
    assert seen == {
        "question": "4 of 5 codable lines are not coded yet (20% coded). Mark P07 done anyway?",
        "refused": "Not marked done: 4 codable lines are not coded yet.",
        "done": "Transcript marked done.",
    }
    assert study.store.done_transcripts("alice") == {"P07"}
    assert actions(study)[-1] == "transcript.done"


def test_resume_at_last_position(study: Project) -> None:
    async def first(app: Any, pilot: Any) -> None:
        await pilot.press("j", "j", "j", "q")

    drive(study, first)
    assert study.store.last_line("P07", "alice") == 6
    lines: list[int] = []

    async def second(app: Any, pilot: Any) -> None:
        lines.append(app.coding_screen.state.current.line)

    drive(study, second)
    drive(study, second, coder="bob")  # another coder starts at the top
    assert lines == [6, 2]


# -- blind coding ------------------------------------------------------------------------
def _bob_codes_line_2(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("4")

    drive(study, steps, coder="bob")


def test_blind_by_default(study: Project) -> None:
    _bob_codes_line_2(study)
    seen: dict[str, Any] = {}

    async def steps(app: Any, pilot: Any) -> None:
        from textual.widgets import OptionList

        screen = app.coding_screen
        seen["others"] = screen.state.others
        seen["options"] = screen.query_one("#codes", OptionList).option_count
        seen["progress"] = screen.state.progress()

    drive(study, steps)
    assert seen == {"others": {}, "options": 0, "progress": (0, 5)}
    assert study.store.audit_entries(action="coding.show_others") == []


def test_show_others_reveals_read_only_and_is_audited(study: Project) -> None:
    _bob_codes_line_2(study)
    seen: dict[str, Any] = {}

    async def steps(app: Any, pilot: Any) -> None:
        from textual.widgets import OptionList

        screen = app.coding_screen
        pane = screen.query_one("#codes", OptionList)
        seen["ids"] = [
            pane.get_option_at_index(i).id.split(":")[0] for i in range(pane.option_count)
        ]
        pane.focus()
        await pilot.pause()
        await pilot.press("x")  # bob's coding cannot be removed by alice
        seen["message"] = screen.message

    drive(study, steps, show_others=True)
    assert seen["ids"] == ["other"]
    assert seen["message"] == "Highlight one of your own codings to remove it."
    assert codes_by_line(study, "bob") == [(2, "multiagency")]
    [entry] = study.store.audit_entries(action="coding.show_others")
    assert (entry.actor, entry.details) == ("alice", {"transcript": "P07"})


# -- span coding -------------------------------------------------------------------------
def test_span_codes_the_typed_words(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("j", "s")
        await type_into_prompt(app, pilot, "a REAL alternative")
        await pilot.press("1")

    drive(study, steps)
    [coding] = study.store.codings(transcript_id="P07")
    text = study.store.transcript_text("P07")
    assert (coding.line, coding.code_id) == (3, "options")
    assert coding.span_start is not None and coding.span_end is not None
    assert text[coding.span_start : coding.span_end] == "a real alternative"
    entry = study.store.audit_entries(action="coding.apply")[-1]
    assert entry.details["span"] == [coding.span_start, coding.span_end]


def test_span_with_missing_words_is_refused(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("s")
        await type_into_prompt(app, pilot, "waiting lists")
        seen["message"] = app.coding_screen.message
        await pilot.press("1")  # no pending span: codes the whole line

    seen: dict[str, str] = {}
    seen: dict[str, str] = {}
    drive(study, steps)
    assert seen["message"].startswith("'waiting lists' is not in line 2.")
    [coding] = study.store.codings(transcript_id="P07")
    assert coding.span_start is None


# -- suggestions ---------------------------------------------------------------------------
def _suggest(study: Project, learned_from: str = "codebook") -> int:
    segment = study.store.segment_at("P07", 2)
    assert segment is not None
    study.store.replace_suggestions(
        [segment.id],
        [
            (segment.id, "gap", 0.81, "close to 3 coded lines"),
            (segment.id, "funding", 0.42, "close to 1 coded line"),
            (segment.id, "options", 0.3, "weak"),
        ],
        model="fake-embedder/v1",
        learned_from=learned_from,
    )
    return segment.id


def test_blind_coder_does_not_see_suggestions_learned_from_others(study: Project) -> None:
    _suggest(study, learned_from="bob")
    seen: dict[str, int] = {}

    async def steps(app: Any, pilot: Any) -> None:
        from textual.widgets import OptionList

        seen["options"] = app.coding_screen.query_one("#suggestions", OptionList).option_count

    drive(study, steps)
    assert seen["options"] == 0
    drive(study, steps, show_others=True)
    assert seen["options"] == 3
    _suggest(study, learned_from="alice")
    drive(study, steps)
    assert seen["options"] == 3


def test_accept_top_suggestion(study: Project) -> None:
    segment_id = _suggest(study)

    async def steps(app: Any, pilot: Any) -> None:
        from textual.widgets import OptionList

        pane = app.coding_screen.query_one("#suggestions", OptionList)
        assert pane.display is True
        assert pane.option_count == 3
        await pilot.press("a")
        assert pane.option_count == 2  # the accepted code is now applied

    drive(study, steps)
    [coding] = study.store.codings(transcript_id="P07")
    assert (coding.code_id, coding.source, coding.score, coding.model) == (
        "gap",
        "suggestion",
        0.81,
        "fake-embedder/v1",
    )
    decisions = study.store.suggestion_decisions(segment_id=segment_id)
    assert [(d.code_id, d.coder, d.decision, d.score, d.model) for d in decisions] == [
        ("gap", "alice", "accepted", 0.81, "fake-embedder/v1")
    ]
    entry = study.store.audit_entries(action="coding.apply")[-1]
    assert (entry.how, entry.details["score"], entry.details["model"]) == (
        "suggestion",
        0.81,
        "fake-embedder/v1",
    )


def test_reject_top_then_accept_highlighted(study: Project) -> None:
    segment_id = _suggest(study)

    async def steps(app: Any, pilot: Any) -> None:
        from textual.widgets import OptionList

        await pilot.press("r")  # rejects "gap"
        pane = app.coding_screen.query_one("#suggestions", OptionList)
        assert [pane.get_option_at_index(i).id for i in range(pane.option_count)] == [
            "funding",
            "options",
        ]
        pane.focus()
        await pilot.pause()
        await pilot.press("down", "enter")  # accepts "options"

    drive(study, steps)
    assert codes_by_line(study) == [(2, "options")]
    decisions = study.store.suggestion_decisions(segment_id=segment_id)
    assert [(d.code_id, d.decision, d.score) for d in decisions] == [
        ("gap", "rejected", 0.81),
        ("options", "accepted", 0.3),
    ]


def test_suggestions_pane_hidden_without_suggestions(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        from textual.widgets import OptionList

        assert app.coding_screen.query_one("#suggestions", OptionList).display is False
        await pilot.press("a")
        seen["message"] = app.coding_screen.message

    seen: dict[str, str] = {}
    drive(study, steps)
    assert seen["message"] == "No suggestion for this line."


# -- picker and help -----------------------------------------------------------------------
def test_picker_shows_progress_and_opens_a_transcript(project: Project) -> None:
    build_study(project, extra_transcripts=1)
    project.store.set_done("P10", "alice", True)
    seen: dict[str, Any] = {}

    async def steps(app: Any, pilot: Any) -> None:
        from textual.widgets import DataTable

        table = app.screen.query_one("#picker", DataTable)
        seen["rows"] = [table.get_row_at(i) for i in range(table.row_count)]
        await pilot.press("down", "enter")
        await pilot.pause()
        seen["screen"] = type(app.screen).__name__
        seen["transcript"] = app.screen.transcript_id
        await pilot.press("1")

    drive(project, steps, transcript=None)
    assert seen["rows"] == [
        ["P07", "0", "5", "0%", ""],
        ["P10", "0", "2", "0%", "done"],
    ]
    assert (seen["screen"], seen["transcript"]) == ("CodingScreen", "P10")
    assert [(c.transcript_id, c.line) for c in project.store.codings()] == [("P10", 2)]


def test_help_screen_lists_every_key(study: Project) -> None:
    async def steps(app: Any, pilot: Any) -> None:
        from textual.widgets import DataTable

        await pilot.press("question_mark")
        table = app.screen.query_one("#help-table", DataTable)
        rows = table.row_count
        await pilot.press("escape")
        seen["message"] = f"{rows} {type(app.screen).__name__}"

    seen: dict[str, str] = {}
    drive(study, steps)
    assert seen["message"] == f"{len(KEYS)} CodingScreen"


# -- docs and start-up cost -------------------------------------------------------------
def test_docs_list_every_key() -> None:
    docs = (REPO / "docs" / "coding.md").read_text(encoding="utf-8")
    assert markdown_table() in docs


def test_importing_the_package_does_not_import_textual() -> None:
    code = (
        "import sys, themekit.coding.tui, themekit.coding.state, themekit.coding.tui.keys;"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_arrow_and_paging_keys_move_the_cursor_not_just_the_view(project: Project) -> None:
    build_transcript(project, "P07", [("P07", f"Sentence number {n}.") for n in range(1, 201)])
    project.store.add_codebook_version(Codebook.from_dict(CODEBOOK), source="test", changes={})
    lines: list[int] = []

    async def steps(app: Any, pilot: Any) -> None:
        for key in ("down", "down", "up", "end", "home", "pagedown"):
            await pilot.press(key)
            lines.append(app.coding_screen.state.current.line)

    drive(project, steps)
    assert lines[:5] == [2, 3, 2, 200, 1]
    assert lines[5] > 20  # a screen's worth down
