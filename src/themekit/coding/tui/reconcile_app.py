"""The Textual reconciliation app behind ``themekit reconcile`` in a terminal.

Two or more coders disagree on some lines; the consensus coder needs one decision per
line. This app walks those lines (``ReconcilePlan.disputed``) and commits each decision
at once through ``agree.reconcile.decide``, which writes the consensus codings and a
``reconcile.decide`` audit entry. Because ``decided_units`` reads those entries, a second
run resumes where the first stopped: the app opens on the first undecided line and shows
the decided ones with what was chosen (the consensus coder's codings on that line).

Layout::

    Reconciling ana, ben into consensus
    +-- disputed lines ------+-- the line, with the one before and after (dimmed) ----+
    | T1   4  decided: ana   |  T1 · line 4 · P01                                     |
    | T1   5  ·              |  ...                                                  |
    +------------------------+-- each coder's codes ([1]/[a] ana: One), their memos ----+
                             +-- decision (or "not decided yet"), memo ---------------+
                             +-- guidance for the disputed codes (c hides) -----------+
    status: 1/3 decided · T1 line 5 | last message
    footer: key help

The parts: ``reconcile_keys`` (the key table: bindings, the ``?`` screen and
``docs/coding.md``), ``reconcile_state`` (position, decisions, memos and every write,
without Textual), ``reconcile_screens`` (the code picker and the help screen) and this
module, which turns keys into ``Reconciliation`` calls and draws the panes. Like ``app``,
this module imports Textual at the top, so callers import it only when the app is about
to run.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Label, Static

from themekit.agree.reconcile import ReconcilePlan, UnitDisagreement
from themekit.coding.service import CodingSession
from themekit.coding.tui.reconcile_keys import (
    CODER_KEYS,
    CODER_LETTERS,
    RECONCILE_KEYS,
    reconcile_markdown_table,
)
from themekit.coding.tui.reconcile_screens import CodePickerScreen, ReconcileHelpScreen
from themekit.coding.tui.reconcile_state import (
    MemoOutcome,
    ReconcileState,
    Reconciliation,
)
from themekit.coding.tui.widgets import PromptScreen, guidance_text
from themekit.errors import ThemekitError
from themekit.model.rows import SegmentRow
from themekit.project import Project

_MEMO_MESSAGES: dict[MemoOutcome, str] = {
    "saved": "Memo saved.",
    "cleared": "Memo cleared.",
    "kept": "Memo kept for this line's decision.",
    "dropped": "Memo dropped.",
}


class UnitList(DataTable[str], can_focus=False):
    """The disputed lines; the screen keys move its cursor (it never takes focus)."""


def _screen_bindings() -> list[BindingType]:
    bindings: list[BindingType] = []
    for spec in RECONCILE_KEYS:
        if spec.action == "take_number":
            bindings += [Binding(k, f"take({int(k) - 1})", show=False) for k in CODER_KEYS]
        elif spec.action == "take_letter":
            bindings += [
                Binding(k, f"take({i})", spec.footer if i == 0 else "", show=i == 0)
                for i, k in enumerate(CODER_LETTERS)
            ]
        else:
            for key in spec.keys:
                show = bool(spec.footer) and key == spec.keys[0]
                bindings.append(Binding(key, spec.action, spec.footer, show=show))
    return bindings


class ReconcileApp(App[int]):
    """Decide each disputed line for the consensus coder (``session.coder``)."""

    TITLE = "themekit reconcile"
    CSS = """
    #title { height: 1; padding: 0 1; text-style: bold; }
    #units { width: 38; border: round $primary; }
    #right { width: 1fr; }
    #context { height: auto; border: round $primary; padding: 0 1; }
    #coders { height: auto; border: round $primary-darken-2; padding: 0 1; }
    #decision { height: auto; border: round $primary-darken-2; padding: 0 1; }
    #guidance { height: 1fr; border: round $primary-darken-2; padding: 0 1; overflow-y: auto; }
    #status { height: 1; background: $boost; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = _screen_bindings()

    def __init__(self, project: Project, plan: ReconcilePlan, session: CodingSession) -> None:
        super().__init__()
        self.plan = plan
        self.session = session
        self.work = Reconciliation(project, plan, session)
        self.state = self.work.state
        self.message = ""
        self.by_id = {e.code.id: e for e in session.codebook.walk()}
        self.order = {code_id: n for n, code_id in enumerate(self.by_id)}

    @property
    def decisions_made(self) -> int:
        return self.work.decisions_made

    # -- building ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        coders = ", ".join(self.plan.coders)
        yield Label(f"Reconciling {coders} into {self.session.coder}", id="title")
        with Horizontal():
            units = UnitList(cursor_type="row", id="units")
            units.border_title = "Disputed lines"
            yield units
            with Vertical(id="right"):
                yield Static(id="context")
                yield Static(id="coders")
                yield Static(id="decision")
                guidance = Static(id="guidance")
                guidance.border_title = "Guidance for the disputed codes (c hides)"
                yield guidance
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(UnitList)
        self.decision_column = table.add_columns("Transcript", "Line", "Decision")[2]
        for index, unit in enumerate(self.state.units):
            table.add_row(
                unit.segment.transcript_id,
                str(unit.segment.line),
                self.list_status(index),
                key=str(index),
            )
        if self.state.empty:
            self.message = "No disputed lines: the coders agree everywhere. Press q to quit."
        elif self.state.decided_count() == len(self.state.units):
            self.message = "Every disputed line was decided earlier; j/k to review, q to quit."
        self.show()

    # -- drawing -------------------------------------------------------------------------
    def code_name(self, code_id: str) -> str:
        entry = self.by_id.get(code_id)
        return entry.code.label if entry else code_id

    def codes_text(self, codes: set[str] | list[str]) -> str:
        return ", ".join(self.code_name(c) for c in sorted(codes)) or "(no code)"

    def list_status(self, index: int) -> str:
        decided = self.state.decided.get(ReconcileState.key(self.state.units[index]))
        return f"✓ {decided.decision}" if decided else "·"

    def context_text(self, segment: SegmentRow) -> Text:
        """The line in bold between the lines before and after it (dimmed)."""
        head = Text(f"{segment.transcript_id} · line {segment.line}", "bold")
        head.append(f" · {segment.speaker or '-'}")
        before, after = self.work.neighbours(segment)
        parts = [head]
        if before is not None:
            parts.append(Text(f"{before.line:>4} {before.speaker or '-'}: {before.text}", "dim"))
        parts.append(Text(f"{segment.line:>4} {segment.speaker or '-'}: {segment.text}", "bold"))
        if after is not None:
            parts.append(Text(f"{after.line:>4} {after.speaker or '-'}: {after.text}", "dim"))
        return Text("\n").join(parts)

    def coders_text(self, unit: UnitDisagreement) -> Text:
        """Each coder's codes with the keys that take them, then what all agree on."""
        lines = []
        for i, (coder, codes) in enumerate(unit.codes_by_coder.items()):
            keys = [CODER_KEYS[i]] if i < len(CODER_KEYS) else []
            if i < len(CODER_LETTERS):
                keys.append(CODER_LETTERS[i])
            line = Text(f"[{'/'.join(keys)}] ", "bold") if keys else Text("")
            line.append(f"{coder}: ")
            line.append(self.codes_text(codes))
            lines.append(line)
            for who, code_id, memo in self.work.coder_memos.get(unit.segment.id, []):
                if who == coder:
                    about = f" on {self.code_name(code_id)}" if code_id else ""
                    lines.append(Text(f"    ✎ {coder}{about}: {memo}", "italic"))
        if unit.agreed:
            lines.append(Text(f"all agree on: {self.codes_text(unit.agreed)}", "dim"))
        return Text("\n").join(lines)

    def decision_text(self, unit: UnitDisagreement) -> Text:
        """The decision made on the line (or that there is none yet), and its memo."""
        decided = self.state.decided.get(ReconcileState.key(unit))
        if decided:
            body = Text(f"Decided ({decided.decision}): ", "green bold")
            body.append(self.codes_text(decided.codes))
        else:
            body = Text("Not decided yet", "yellow")
        memo, pending = self.work.memo_on(unit)
        if memo:
            suffix = " (saved with the decision)" if pending else ""
            body.append(f"\n✎ {memo}{suffix}", "italic")
        return body

    def guidance(self, unit: UnitDisagreement) -> Text:
        """The codebook's guidance for each code the coders disagree on."""
        every = set().union(*unit.codes_by_coder.values())
        disputed = sorted(every - unit.agreed, key=lambda c: self.order.get(c, len(self.order)))
        if not disputed:
            return Text("The coders differ only in the absence of codes.", "dim")
        return Text("\n\n").join(guidance_text(self.by_id.get(c)) for c in disputed)

    def action_toggle_guidance(self) -> None:
        pane = self.query_one("#guidance", Static)
        pane.display = not pane.display
        self.say("Code guidance shown." if pane.display else "Code guidance hidden (c shows it).")

    def show(self) -> None:
        """Redraw the panes for the current line and the status bar."""
        context = self.query_one("#context", Static)
        coders = self.query_one("#coders", Static)
        decision = self.query_one("#decision", Static)
        guidance = self.query_one("#guidance", Static)
        if self.state.empty:
            for pane in (context, coders, decision, guidance):
                pane.update("")
            self.update_status()
            return
        unit = self.state.current
        context.update(self.context_text(unit.segment))
        coders.update(self.coders_text(unit))
        decision.update(self.decision_text(unit))
        guidance.update(self.guidance(unit))
        self.query_one(UnitList).move_cursor(row=self.state.cursor, animate=False)
        self.update_status()

    def update_status(self) -> None:
        total = len(self.state.units)
        parts = [f"{self.state.decided_count()}/{total} decided"]
        if not self.state.empty:
            segment = self.state.current.segment
            parts.append(f"{segment.transcript_id} line {segment.line}")
        text = " · ".join(parts)
        if self.message:
            text += f"  |  {self.message}"
        self.query_one("#status", Static).update(text)

    def say(self, message: str) -> None:
        self.message = message
        self.update_status()

    def refresh_list_row(self, index: int) -> None:
        table = self.query_one(UnitList)
        table.update_cell(str(index), self.decision_column, self.list_status(index))

    # -- moving --------------------------------------------------------------------------
    def flush_memo(self) -> None:
        """Save a memo still waiting for a decision on the line being left."""
        try:
            self.work.flush_memo()
        except ThemekitError as exc:
            self.bell()
            self.message = exc.render()

    def go(self, index: int) -> None:
        if index != self.state.cursor:
            self.flush_memo()
            self.state.cursor = index
        self.show()

    def action_next_line(self) -> None:
        if self.state.cursor + 1 >= len(self.state.units):
            self.say("This is the last disputed line.")
            return
        self.message = ""
        self.go(self.state.cursor + 1)

    def action_previous_line(self) -> None:
        if self.state.cursor == 0:
            self.say("This is the first disputed line.")
            return
        self.message = ""
        self.go(self.state.cursor - 1)

    def action_skip(self) -> None:
        if self.state.empty:
            return
        target = self.state.next_undecided(self.state.cursor + 1)
        if target is None or target == self.state.cursor:
            self.say("No other undecided line.")
            return
        self.message = f"Skipped line {self.state.current.segment.line}."
        self.go(target)

    @on(DataTable.RowSelected, "#units")
    def row_clicked(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.message = ""
            self.go(int(event.row_key.value))

    # -- deciding ------------------------------------------------------------------------
    def commit(self, decision: str, other_code: str | None = None) -> None:
        """Record ``decision`` for the current line, then go to the next undecided line."""
        if self.state.empty:
            return
        unit = self.state.current
        try:
            chosen = self.work.decide_current(decision, other_code)
        except ThemekitError as exc:
            self.bell()
            self.say(exc.render())
            return
        self.refresh_list_row(self.state.cursor)
        done = f"Line {unit.segment.line}: {decision} → {self.codes_text(chosen)}."
        target = self.state.next_undecided(self.state.cursor + 1)
        if target is None:
            self.message = done + " Every disputed line is decided; q quits."
            self.show()
            return
        self.message = done
        self.go(target)

    def action_take(self, index: int) -> None:
        if self.state.empty:
            return
        coders = list(self.state.current.codes_by_coder)
        if index >= len(coders):
            self.say(f"There are only {len(coders)} coders.")
            return
        self.commit(coders[index])

    def action_both(self) -> None:
        self.commit("both")

    def action_neither(self) -> None:
        self.commit("neither")

    def action_other_code(self) -> None:
        if self.state.empty:
            return

        def picked(code_id: str | None) -> None:
            if code_id:
                self.commit("code", code_id)

        entries = list(self.by_id.values())
        self.push_screen(CodePickerScreen(entries, self.state.current.segment.line), picked)

    def action_memo(self) -> None:
        if self.state.empty:
            return
        unit = self.state.current
        key = ReconcileState.key(unit)
        before, _pending = self.work.memo_on(unit)

        def got(value: str | None) -> None:
            if value is None:
                return
            try:
                outcome = self.work.set_memo(value)
            except ThemekitError as exc:
                self.bell()
                self.say(exc.render())
                return
            self.message = _MEMO_MESSAGES[outcome]
            self.show()

        self.push_screen(PromptScreen(f"Memo on {key[0]} line {key[1]}:", before or ""), got)

    # -- app -----------------------------------------------------------------------------
    def action_help(self) -> None:
        self.push_screen(ReconcileHelpScreen())

    def action_finish(self) -> None:
        self.flush_memo()
        self.exit(self.decisions_made)

    def on_unmount(self) -> None:
        # ctrl+q (Textual's own quit) ends the app without ``action_finish``.
        self.flush_memo()


def create_reconcile_app(
    project: Project, plan: ReconcilePlan, session: CodingSession
) -> ReconcileApp:
    """Build (without running) the app for ``plan``, deciding as ``session.coder``."""
    return ReconcileApp(project, plan, session)


def run_reconcile_app(project: Project, plan: ReconcilePlan, session: CodingSession) -> int:
    """Run the app in the terminal until the user quits; the number of decisions made."""
    app = create_reconcile_app(project, plan, session)
    app.run()
    return app.decisions_made


__all__ = [
    "RECONCILE_KEYS",
    "ReconcileApp",
    "ReconcileState",
    "create_reconcile_app",
    "reconcile_markdown_table",
    "run_reconcile_app",
]
