"""``reconcile_state.Reconciliation``: decisions, memos and resuming, without a terminal.

The pilot tests in test_reconcile_tui.py drive the same calls through the keys; these
check the promises directly: a changed decision replaces the old one whole, a memo typed
on an undecided line is never lost, and a second run resumes on the first undecided line.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers_coding import build_study
from themekit.agree.reconcile import apply_agreed, plan_reconciliation
from themekit.coding.service import CodingSession
from themekit.coding.tui.reconcile_state import Decided, Reconciliation
from themekit.project import Project

INTO = "consensus"
# coder -> line of P01 -> codes; lines 2 and 3 are disputed, line 4 agreed.
CODINGS = {
    "ana": {2: ["benefits.gap"], 3: ["benefits.options"], 4: ["other"]},
    "ben": {2: ["benefits.gap", "benefits.access"], 3: [], 4: ["other"]},
}


@pytest.fixture
def study(project: Project) -> Project:
    build_study(project)
    for coder, by_line in CODINGS.items():
        session = CodingSession(project, coder)
        for line, codes in by_line.items():
            for code in codes:
                session.apply(session.segment("P01", line), code)
        session.set_done("P01")
    return project


def start(project: Project) -> Reconciliation:
    plan = plan_reconciliation(project, ["ana", "ben"], transcripts=["P01"])
    session = CodingSession(project, INTO)
    apply_agreed(plan, session)
    return Reconciliation(project, plan, session)


def consensus(project: Project) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for row in project.store.codings(transcript_id="P01", coder=INTO):
        out.setdefault(row.line, []).append(row.code_id)
    return {line: sorted(codes) for line, codes in out.items()}


def test_a_second_run_resumes_on_the_first_undecided_line(study: Project) -> None:
    work = start(study)
    assert [u.segment.line for u in work.state.units] == [2, 3]
    assert work.state.cursor == 0
    assert work.decide_current("ben") == ["benefits.access", "benefits.gap"]
    assert work.decisions_made == 1

    again = start(study)
    assert again.state.decided == {("P01", 2): Decided("ben", ["benefits.access", "benefits.gap"])}
    assert (again.state.cursor, again.decisions_made) == (1, 0)


def test_a_changed_decision_replaces_the_old_one(study: Project) -> None:
    work = start(study)
    work.decide_current("both")
    assert consensus(study)[2] == ["benefits.access", "benefits.gap"]
    assert work.decide_current("ana") == ["benefits.gap"]
    assert consensus(study) == {2: ["benefits.gap"], 4: ["other"]}
    [removal] = study.store.audit_entries(actor=INTO, action="coding.remove")
    assert (removal.how, removal.details["code"]) == ("reconcile", "benefits.access")
    assert work.state.decided[("P01", 2)] == Decided("ana", ["benefits.gap"])


def test_a_memo_waits_for_the_decision_or_is_saved_on_leaving(study: Project) -> None:
    work = start(study)
    line2 = work.state.current.segment
    assert work.set_memo("  both read it as a gap  ") == "kept"
    assert work.memo_on(work.state.current) == ("both read it as a gap", True)
    assert study.store.segment_memos(INTO) == {}
    work.decide_current("ana")
    assert study.store.segment_memos(INTO) == {(INTO, line2.id): "both read it as a gap"}
    assert work.memo_on(work.state.units[0]) == ("both read it as a gap", False)

    work.state.cursor = 1
    line3 = work.state.current.segment
    assert work.set_memo("unsure") == "kept"
    assert work.set_memo("") == "dropped"
    assert work.set_memo("ask ana") == "kept"
    work.flush_memo()  # leaving the line undecided keeps the memo, on the line alone
    assert study.store.segment_memos(INTO)[(INTO, line3.id)] == "ask ana"
    assert work.memo_on(work.state.current) == ("ask ana", False)

    work.state.cursor = 0  # decided: a memo is saved (or cleared) at once
    assert work.set_memo("") == "cleared"
    assert (INTO, line2.id) not in study.store.segment_memos(INTO)


def test_neighbours_are_the_lines_around_in_the_transcript(study: Project) -> None:
    work = start(study)
    before, after = work.neighbours(work.state.current.segment)
    assert (before and before.line, after and after.line) == (1, 3)
    first = CodingSession(study, INTO).segment("P01", 1)
    assert work.neighbours(first)[0] is None


def test_importing_the_keys_and_state_does_not_import_textual() -> None:
    code = (
        "import sys, themekit.coding.tui.reconcile_keys, themekit.coding.tui.reconcile_state;"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
