"""Pilot tests of the reconciliation app: each key, asserting on the project database.

A small fictional study: two coders (ana, ben) coded two transcripts and disagree on
four lines. The app is driven headless with Textual's Pilot (``asyncio.run`` inside sync
tests, as pytest-asyncio is not used) and the tests check what the consensus coder got:
codings, memos and ``reconcile.decide`` audit entries.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from themekit.agree.reconcile import apply_agreed, plan_reconciliation
from themekit.coding.service import CodingSession
from themekit.coding.tui.reconcile_app import create_reconcile_app, reconcile_markdown_table
from themekit.model.codebook import Codebook
from themekit.model.transcripts import ParsedTranscript, Segment
from themekit.project import Project

pytestmark = pytest.mark.tui

REPO = Path(__file__).resolve().parents[1]
INTO = "consensus"

BOOK = {
    "codes": [
        {
            "id": "benefits",
            "label": "Benefits",
            "codable": False,
            "children": [
                {"id": "options", "label": "More sentencing options"},
                {"id": "gap", "label": "Filling a gap"},
            ],
        },
        {
            "id": "challenges",
            "label": "Challenges",
            "codable": False,
            "children": [
                {"id": "funding", "label": "Funding worries"},
                {"id": "agencies", "label": "Working across agencies"},
            ],
        },
    ]
}

# Fictional interview lines: (speaker, text).
INTERVIEWS = {
    "P03": [
        ("Interviewer", "How did referrals reach your team?"),
        ("P03", "The court officer rang us the same morning."),
        ("P03", "Money was only promised one year at a time."),
        ("Interviewer", "And the other services?"),
        ("P03", "Housing never came to the monthly meetings."),
        ("P03", "We covered people that nobody else would see."),
    ],
    "P04": [("P04", "Magistrates trusted the new order quickly.")],
}

# coder -> transcript -> line -> codes
CODINGS = {
    "ana": {"P03": {2: ["options"], 3: ["funding"], 5: ["agencies"], 6: ["gap"]}, "P04": {}},
    "ben": {
        "P03": {2: ["options", "gap"], 3: ["funding"], 6: ["options"]},
        "P04": {1: ["options"]},
    },
}
# Disputed, in order: P03 line 2, P03 line 5, P03 line 6, P04 line 1.


def make_study(project: Project) -> None:
    for transcript_id, lines in INTERVIEWS.items():
        text, segments, offset = "", [], 0
        for number, (speaker, line_text) in enumerate(lines, start=1):
            start = offset + len(speaker) + 2
            text += f"{speaker}: {line_text}\n"
            segments.append(
                Segment(
                    number,
                    speaker,
                    number - 1,
                    start,
                    start + len(line_text),
                    line_text,
                    speaker != "Interviewer",
                )
            )
            offset = len(text)
        project.store.add_transcript_version(
            transcript_id,
            ParsedTranscript(text, [], "txt"),
            segments,
            content_hash=f"hash-{transcript_id}",
            source_name=f"{transcript_id}.txt",
            unit="sentence",
        )
    project.store.add_codebook_version(Codebook.from_dict(BOOK), source="test", changes={})
    for coder, by_transcript in CODINGS.items():
        session = CodingSession(project, coder)
        for transcript_id, by_line in by_transcript.items():
            for line, codes in by_line.items():
                for code in codes:
                    session.apply(project.store.segment_at(transcript_id, line), code)
            session.set_done(transcript_id)


def drive(project: Project, steps: Callable[[Any, Any], Awaitable[None]]) -> Any:
    """Plan, copy the agreed codings, run the app headless under ``steps``; return the app."""
    plan = plan_reconciliation(project, ["ana", "ben"])
    session = CodingSession(project, INTO)
    apply_agreed(plan, session)
    app = create_reconcile_app(project, plan, session)

    async def main() -> None:
        async with app.run_test(size=(140, 36)) as pilot:
            await pilot.pause()
            await steps(app, pilot)
            await pilot.pause()

    asyncio.run(main())
    return app


def consensus(project: Project, transcript_id: str = "P03") -> dict[int, list[str]]:
    """The consensus coder's codes by line in one transcript."""
    out: dict[int, list[str]] = {}
    for row in project.store.codings(transcript_id=transcript_id, coder=INTO):
        out.setdefault(row.line, []).append(row.code_id)
    return out


def decisions(project: Project) -> list[tuple[str, int, str, list[str]]]:
    return [
        (e.details["transcript"], e.details["line"], e.details["decision"], e.details["codes"])
        for e in project.store.audit_entries(actor=INTO, action="reconcile.decide")
    ]


def status(app: Any) -> str:
    return str(app.query_one("#status").render())


async def type_and_enter(app: Any, pilot: Any, text: str) -> None:
    from textual.widgets import Input

    app.screen.query_one(Input).value = text
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


def test_opens_on_the_first_disputed_line_with_context_and_codes(project: Project) -> None:
    make_study(project)
    seen: dict[str, str] = {}

    async def steps(app: Any, pilot: Any) -> None:
        seen["context"] = str(app.query_one("#context").render())
        seen["coders"] = str(app.query_one("#coders").render())
        seen["decision"] = str(app.query_one("#decision").render())
        seen["status"] = status(app)
        seen["rows"] = str(app.query_one("#units").row_count)

    drive(project, steps)
    assert seen["context"].splitlines() == [
        "P03 · line 2 · P03",
        "   1 Interviewer: How did referrals reach your team?",
        "   2 P03: The court officer rang us the same morning.",
        "   3 P03: Money was only promised one year at a time.",
    ]
    assert seen["coders"].splitlines() == [
        "[1/a] ana: More sentencing options",
        "[2/b] ben: Filling a gap, More sentencing options",
        "all agree on: More sentencing options",
    ]
    assert seen["decision"] == "Not decided yet"
    assert seen["status"] == "0/4 decided · P03 line 2"
    assert seen["rows"] == "4"


def test_take_a_then_b_then_both_then_neither(project: Project) -> None:
    make_study(project)

    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("a")  # P03 line 2: ana's options only
        await pilot.press("b")  # P03 line 5: ben's nothing
        await pilot.press("B")  # P03 line 6: gap + options
        await pilot.press("N")  # P04 line 1: no code is shared
        seen.append(status(app))

    seen: list[str] = []
    app = drive(project, steps)
    assert app.decisions_made == 4
    assert decisions(project) == [
        ("P03", 2, "ana", ["options"]),
        ("P03", 5, "ben", []),
        ("P03", 6, "both", ["gap", "options"]),
        ("P04", 1, "neither", []),
    ]
    assert consensus(project) == {2: ["options"], 3: ["funding"], 6: ["gap", "options"]}
    assert consensus(project, "P04") == {}
    assert seen == [
        "4/4 decided · P04 line 1  |  Line 1: neither → (no code). Every disputed line is"
        " decided; q quits."
    ]


def test_number_keys_take_a_coder(project: Project) -> None:
    make_study(project)

    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("2")  # P03 line 2: ben's options + gap
        await pilot.press("1")  # P03 line 5: ana's agencies

    drive(project, steps)
    assert decisions(project) == [
        ("P03", 2, "ben", ["gap", "options"]),
        ("P03", 5, "ana", ["agencies"]),
    ]
    assert consensus(project) == {2: ["gap", "options"], 3: ["funding"], 5: ["agencies"]}


def test_other_code_by_filter_and_enter(project: Project) -> None:
    make_study(project)

    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("j")  # to P03 line 5
        await pilot.press("o")
        await pilot.pause()
        await type_and_enter(app, pilot, "fund")  # matches the label "Funding worries"

    drive(project, steps)
    assert decisions(project) == [("P03", 5, "code", ["funding"])]
    assert consensus(project)[5] == ["funding"]
    origin = project.store.codings(transcript_id="P03", coder=INTO, code_id="funding")
    assert [c.line for c in origin if c.source == "reconcile"] == [3, 5]


def test_other_code_picker_skips_grouping_codes_and_esc_cancels(project: Project) -> None:
    make_study(project)
    shown: list[list[str]] = []

    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("o")
        await pilot.pause()
        shown.append(list(app.screen.matches))
        await type_and_enter(app, pilot, "")  # nothing typed: Enter takes the first code
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("escape")

    app = drive(project, steps)
    assert shown == [["options", "gap", "funding", "agencies"]]
    assert decisions(project) == [("P03", 2, "code", ["options"])]
    assert app.decisions_made == 1


def test_memo_goes_with_the_decision(project: Project) -> None:
    make_study(project)

    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("m")
        await pilot.pause()
        await type_and_enter(app, pilot, "ben read the phone call as a gap")
        await pilot.press("B")

    drive(project, steps)
    line2 = project.store.segment_at("P03", 2)
    assert project.store.segment_memos(INTO) == {
        (INTO, line2.id): "ben read the phone call as a gap"
    }
    memos = {c.code_id: c.memo for c in project.store.codings(coder=INTO, segment_id=line2.id)}
    assert memos == {"gap": "ben read the phone call as a gap", "options": None}
    # "options" was agreed before the decision, so it keeps its own (empty) memo.
    assert [e.action for e in project.store.audit_entries(actor=INTO)].count("segment.memo") == 1


def test_memo_on_an_undecided_line_is_kept_when_skipped(project: Project) -> None:
    make_study(project)

    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("m")
        await pilot.pause()
        await type_and_enter(app, pilot, "come back to this one")
        await pilot.press("s")

    app = drive(project, steps)
    assert app.decisions_made == 0
    assert decisions(project) == []
    line2 = project.store.segment_at("P03", 2)
    assert project.store.segment_memos(INTO) == {(INTO, line2.id): "come back to this one"}


def test_skip_moves_to_the_next_undecided_line_without_deciding(project: Project) -> None:
    make_study(project)
    lines: list[str] = []

    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("s")
        lines.append(status(app))
        await pilot.press("a")  # P03 line 5: ana's agencies
        lines.append(status(app))

    drive(project, steps)
    assert lines == [
        "0/4 decided · P03 line 5  |  Skipped line 2.",
        "1/4 decided · P03 line 6  |  Line 5: ana → Working across agencies.",
    ]
    assert decisions(project) == [("P03", 5, "ana", ["agencies"])]


def test_moving_with_j_k_and_arrows(project: Project) -> None:
    make_study(project)
    lines: list[str] = []

    async def steps(app: Any, pilot: Any) -> None:
        for key in ("j", "down", "j", "j", "k", "up"):
            await pilot.press(key)
            lines.append(status(app).split("  |  ")[0])
        await pilot.press("up")
        await pilot.press("up")
        lines.append(status(app))

    drive(project, steps)
    assert lines == [
        "0/4 decided · P03 line 5",
        "0/4 decided · P03 line 6",
        "0/4 decided · P04 line 1",
        "0/4 decided · P04 line 1",
        "0/4 decided · P03 line 6",
        "0/4 decided · P03 line 5",
        "0/4 decided · P03 line 2  |  This is the first disputed line.",
    ]


def test_resume_after_quit_shows_decided_lines(project: Project) -> None:
    make_study(project)

    async def first(app: Any, pilot: Any) -> None:
        await pilot.press("B")  # P03 line 2
        await pilot.press("q")

    app = drive(project, first)
    assert app.return_value == 1
    seen: dict[str, str] = {}

    async def second(app: Any, pilot: Any) -> None:
        seen["status"] = status(app)
        await pilot.press("k")  # back to the decided line
        seen["decision"] = str(app.query_one("#decision").render())
        seen["list"] = str(app.query_one("#units").get_row_at(0))
        await pilot.press("j")
        await pilot.press("N")  # P03 line 5
        await pilot.press("q")

    again = drive(project, second)
    assert seen["status"] == "1/4 decided · P03 line 5"
    assert seen["decision"] == "Decided (both): Filling a gap, More sentencing options"
    assert seen["list"] == "['P03', '2', '✓ both']"
    assert again.return_value == 1
    assert [d[:3] for d in decisions(project)] == [("P03", 2, "both"), ("P03", 5, "neither")]


def test_deciding_a_decided_line_again_replaces_the_choice(project: Project) -> None:
    make_study(project)

    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("B")  # P03 line 2: gap + options
        await pilot.press("k")
        await pilot.press("a")  # changed mind: ana's options only

    app = drive(project, steps)
    assert app.decisions_made == 2
    assert consensus(project)[2] == ["options"]
    removed = [
        (e.how, e.details["line"], e.details["code"])
        for e in project.store.audit_entries(actor=INTO, action="coding.remove")
    ]
    assert removed == [("reconcile", 2, "gap")]


def test_help_screen_lists_the_keys(project: Project) -> None:
    make_study(project)
    seen: list[int] = []

    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("question_mark")
        await pilot.pause()
        seen.append(app.screen.query_one("#reconcile-help").row_count)
        await pilot.press("escape")
        await pilot.pause()
        seen.append(len(app.screen_stack))

    drive(project, steps)
    assert seen == [12, 1]


def test_no_disputed_lines(project: Project) -> None:
    make_study(project)
    # A plan with nothing to decide, as when the coders agree everywhere.
    plan = plan_reconciliation(project, ["ana", "ben"])
    plan.disputed.clear()
    session = CodingSession(project, INTO)
    app = create_reconcile_app(project, plan, session)
    seen: list[str] = []

    async def main() -> None:
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            await pilot.press("a")
            await pilot.press("s")
            seen.append(status(app))
            await pilot.press("q")

    asyncio.run(main())
    assert seen == [
        "0/0 decided  |  No disputed lines: the coders agree everywhere. Press q to quit."
    ]
    assert app.return_value == 0


def test_docs_list_every_reconcile_key() -> None:
    docs = (REPO / "docs" / "coding.md").read_text(encoding="utf-8")
    assert reconcile_markdown_table() in docs


class _Terminal:
    """Stands in for ``sys`` in the command: stdin and stdout look like a terminal."""

    class _Stream:
        def isatty(self) -> bool:
            return True

    stdin = _Stream()
    stdout = _Stream()


def test_command_opens_the_app_in_a_terminal(project: Project, cli, monkeypatch) -> None:
    import themekit.cli.cmd_agree as cmd_agree
    import themekit.coding.tui.reconcile_app as reconcile_app
    from themekit.agree.reconcile import decide

    make_study(project)
    calls: list[tuple[str, int]] = []

    def fake_app(project_: Project, plan: Any, session: CodingSession) -> int:
        calls.append((session.coder, len(plan.disputed)))
        decide(session, plan.disputed[0], "ana")
        return 1

    monkeypatch.setattr(cmd_agree, "sys", _Terminal)
    monkeypatch.setattr(reconcile_app, "run_reconcile_app", fake_app)
    result = cli("reconcile", "--coders", "ana,ben", "--into", INTO)
    assert result.exit_code == 0, result.output
    assert calls == [(INTO, 4)]
    assert "consensus: 2 agreed codings copied; 4 lines to decide." in result.stderr
    assert "1 decisions saved; 3 lines left: run again to continue." in result.stderr


def test_command_keeps_the_prompts_without_a_terminal(project: Project, cli) -> None:
    make_study(project)
    result = cli("reconcile", "--coders", "ana,ben", "--into", INTO, input="b\nquit\n")
    assert result.exit_code == 0, result.output
    assert "1 decisions saved; run again to continue." in result.stderr
    assert decisions(project) == [("P03", 2, "ben", ["gap", "options"])]


def test_keys_typed_into_the_memo_and_picker_are_text_not_decisions(project: Project) -> None:
    make_study(project)

    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("q", "a", "space", "B", "N", "j", "enter")
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("a", "g", "e", "enter")  # "age" matches agencies only

    app = drive(project, steps)
    assert app.decisions_made == 1
    assert decisions(project) == [("P03", 2, "code", ["agencies", "options"])]
    line2 = project.store.segment_at("P03", 2)
    assert project.store.segment_memos(INTO) == {(INTO, line2.id): "qa BNj"}


def test_coders_memos_and_the_disputed_codes_guidance_are_shown(project: Project) -> None:
    make_study(project)
    book = {
        "codes": [
            dict(BOOK["codes"][0]),
            {
                **BOOK["codes"][1],
                "children": [
                    {
                        "id": "funding",
                        "label": "Funding worries",
                        "definition": "Money promised for short spells only.",
                    },
                    {
                        "id": "agencies",
                        "label": "Working across agencies",
                        "definition": "Services meeting, or failing to meet, together.",
                        "exclude": "Referrals from the court (use options).",
                    },
                ],
            },
        ]
    }
    project.store.add_codebook_version(Codebook.from_dict(book), source="test", changes={})
    ana = CodingSession(project, "ana")
    line5 = project.store.segment_at("P03", 5)
    ana.set_segment_memo(line5, "housing never showed up at all")
    coding = project.store.find_coding(coder="ana", segment_id=line5.id, code_id="agencies")
    ana.set_coding_memo(coding, "absent partner")
    seen: dict[str, str] = {}

    async def steps(app: Any, pilot: Any) -> None:
        await pilot.press("j")  # P03 line 5: ana coded agencies, ben nothing
        seen["coders"] = str(app.query_one("#coders").content)
        seen["guidance"] = " ".join(str(app.query_one("#guidance").content).split())
        await pilot.press("c")
        seen["hidden"] = str(app.query_one("#guidance").display)

    drive(project, steps)
    assert seen["coders"].splitlines() == [
        "[1/a] ana: Working across agencies",
        "    ✎ ana: housing never showed up at all",
        "    ✎ ana on Working across agencies: absent partner",
        "[2/b] ben: (no code)",
    ]
    assert seen["guidance"] == (
        "Challenges > Working across agencies (agencies)"
        " Definition: Services meeting, or failing to meet, together."
        " Exclude: Referrals from the court (use options)."
    )
    assert seen["hidden"] == "False"
