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
    +------------------------+-- each coder's codes ([1]/[a] ana: One) ---------------+
                             +-- decision (or "not decided yet"), memo ---------------+
    status: 1/3 decided · T1 line 5 | last message
    footer: key help

The key table (``RECONCILE_KEYS``) feeds the bindings, the ``?`` screen and
``docs/coding.md`` (a test keeps the docs equal to it). Like ``app``, this module imports
Textual at the top, so callers import it only when the app is about to run.

A memo typed on an undecided line waits for that line's decision (``decide`` stores it on
the line and on the consensus codings); leaving the line or quitting first saves it on the
line alone, so a typed memo is never lost. On a decided line a memo is saved at once.
Deciding a decided line again replaces the earlier choice: codes the new decision does
not keep are removed from the consensus coder (``how="reconcile"``), in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from themekit.agree.reconcile import ReconcilePlan, UnitDisagreement, decide, decided_units
from themekit.codebook.model import CodeEntry
from themekit.coding.service import CodingSession
from themekit.coding.tui.widgets import CodeFilter, PromptScreen
from themekit.errors import ThemekitError
from themekit.project import Project
from themekit.store.rows import SegmentRow

UnitKey = tuple[str, int]
CODER_KEYS = tuple(str(n) for n in range(1, 10))
CODER_LETTERS = ("a", "b")  # the first two coders also answer to a letter

_DISPLAY = {"question_mark": "?", "down": "↓", "up": "↑", "enter": "Enter", "escape": "Esc"}


@dataclass(frozen=True)
class ReconcileKey:
    keys: tuple[str, ...]
    action: str
    description: str
    footer: str = ""

    @property
    def display(self) -> str:
        return " / ".join(_DISPLAY.get(k, k) for k in self.keys)


RECONCILE_KEYS: tuple[ReconcileKey, ...] = (
    ReconcileKey(("1-9",), "take_number", "Take coder 1, 2, ...'s codes for this line"),
    ReconcileKey(("a", "b"), "take_letter", "Take the first / second coder's codes", "take"),
    ReconcileKey(("B",), "both", "Take both: every code any coder applied (the union)", "both"),
    ReconcileKey(("N",), "neither", "Neither: keep only the codes every coder applied", "neither"),
    ReconcileKey(
        ("o",),
        "other_code",
        "Another code: filter the codebook by id or label, ↑/↓ pick, Enter applies",
        "other",
    ),
    ReconcileKey(
        ("m",), "memo", "Memo on this line (saved with the decision, or at once if decided)"
    ),
    ReconcileKey(("j", "down"), "next_line", "Next disputed line"),
    ReconcileKey(("k", "up"), "previous_line", "Previous disputed line"),
    ReconcileKey(("s",), "skip", "Skip: go to the next undecided line", "skip"),
    ReconcileKey(("question_mark",), "help", "Show these keys", "help"),
    ReconcileKey(("q",), "finish", "Quit (every decision is already saved)", "quit"),
)


def reconcile_markdown_table() -> str:
    """The reconcile keys as Markdown (in docs/coding.md; a test keeps them equal)."""
    lines = ["| Keys | What it does |", "|---|---|"]
    for spec in RECONCILE_KEYS:
        lines.append(f"| {spec.display} | {spec.description} |")
    return "\n".join(lines)


# -- state (no Textual) ------------------------------------------------------------------
@dataclass
class Decided:
    """What the consensus has on a decided line: the decision's name and the codes."""

    decision: str
    codes: list[str]


@dataclass
class ReconcileState:
    """Position over the disputed lines and what has been decided (pure, no terminal)."""

    units: list[UnitDisagreement]
    decided: dict[UnitKey, Decided] = field(default_factory=dict)
    cursor: int = 0

    @staticmethod
    def key(unit: UnitDisagreement) -> UnitKey:
        return (unit.segment.transcript_id, unit.segment.line)

    @property
    def current(self) -> UnitDisagreement:
        return self.units[self.cursor]

    @property
    def empty(self) -> bool:
        return not self.units

    def is_decided(self, index: int) -> bool:
        return self.key(self.units[index]) in self.decided

    def decided_count(self) -> int:
        return sum(1 for unit in self.units if self.key(unit) in self.decided)

    def next_undecided(self, start: int) -> int | None:
        """The first undecided line at or after ``start``, wrapping round; None if all are."""
        n = len(self.units)
        for step in range(n):
            index = (start + step) % n
            if not self.is_decided(index):
                return index
        return None

    def move(self, step: int) -> bool:
        target = self.cursor + step
        if self.empty or not 0 <= target < len(self.units):
            return False
        self.cursor = target
        return True


def load_decided(
    project: Project, session: CodingSession, units: list[UnitDisagreement]
) -> dict[UnitKey, Decided]:
    """Decided lines from earlier runs: the last decision's name, the consensus's codes."""
    done = decided_units(session)
    names: dict[UnitKey, str] = {}
    for entry in project.store.audit_entries(actor=session.coder, action="reconcile.decide"):
        names[(entry.details["transcript"], entry.details["line"])] = entry.details["decision"]
    codes_on: dict[int, list[str]] = {}
    for row in project.store.codings(coder=session.coder):
        codes_on.setdefault(row.segment_id, []).append(row.code_id)
    decided = {}
    for unit in units:
        key = ReconcileState.key(unit)
        if key in done:
            decided[key] = Decided(names.get(key, "?"), sorted(codes_on.get(unit.segment.id, [])))
    return decided


# -- screens -----------------------------------------------------------------------------
class CodePickerScreen(ModalScreen[str | None]):
    """Pick a codable code by id or label; Enter returns the highlighted one, Esc cancels."""

    DEFAULT_CSS = """
    CodePickerScreen { align: center middle; }
    CodePickerScreen > Vertical { width: 90; height: 70%; border: round $accent;
                                  background: $surface; padding: 0 1; }
    CodePickerScreen OptionList { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    def __init__(self, entries: list[CodeEntry], line: int) -> None:
        super().__init__()
        self.entries = [e for e in entries if e.code.codable]
        self.line = line
        self.matches: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Another code for line {self.line} (type to filter, Enter applies):")
            yield CodeFilter(placeholder="code id or label", id="code-filter")
            yield OptionList(id="code-options")

    def on_mount(self) -> None:
        self.refilter("")
        self.query_one(CodeFilter).focus()

    def refilter(self, text: str) -> None:
        wanted = text.casefold().strip()
        exact = [e for e in self.entries if e.code.id.casefold() == wanted]
        rest = [
            e
            for e in self.entries
            if e not in exact
            and (not wanted or wanted in e.code.id.casefold() or wanted in e.code.label.casefold())
        ]
        shown = exact + rest  # an exact id match goes first, so Enter picks it
        options = self.query_one("#code-options", OptionList)
        options.set_options(
            [
                Option(Text.assemble(e.path_text, (f"  {e.code.id}", "dim")), id=e.code.id)
                for e in shown
            ]
        )
        self.matches = [e.code.id for e in shown]
        if shown:
            options.highlighted = 0

    def step_filter_choice(self, step: int) -> None:
        options = self.query_one("#code-options", OptionList)
        if not self.matches:
            return
        current = options.highlighted or 0
        options.highlighted = min(max(current + step, 0), len(self.matches) - 1)

    @on(Input.Changed, "#code-filter")
    def changed(self, event: Input.Changed) -> None:
        self.refilter(event.value)

    @on(Input.Submitted, "#code-filter")
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one("#code-options", OptionList)
        option = options.highlighted_option
        self.dismiss(option.id if option is not None else None)

    @on(OptionList.OptionSelected, "#code-options")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReconcileHelpScreen(ModalScreen[None]):
    """Every reconcile key, from ``RECONCILE_KEYS``."""

    DEFAULT_CSS = """
    ReconcileHelpScreen { align: center middle; }
    ReconcileHelpScreen > DataTable { width: 100; height: auto; max-height: 80%;
                                      border: round $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", show=False),
        Binding("q", "close", show=False),
        Binding("question_mark", "close", show=False),
    ]

    def compose(self) -> ComposeResult:
        table: DataTable[str] = DataTable(cursor_type="row", id="reconcile-help")
        table.add_columns("Keys", "What it does")
        for spec in RECONCILE_KEYS:
            table.add_row(spec.display, spec.description)
        yield table

    def action_close(self) -> None:
        self.dismiss(None)


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
    #status { height: 1; background: $boost; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = _screen_bindings()

    def __init__(self, project: Project, plan: ReconcilePlan, session: CodingSession) -> None:
        super().__init__()
        self.project = project
        self.plan = plan
        self.session = session
        self.state = ReconcileState(
            list(plan.disputed), load_decided(project, session, plan.disputed)
        )
        self.decisions_made = 0
        self.message = ""
        self.pending_memos: dict[UnitKey, str] = {}
        self.memos = {
            sid: text for (_c, sid), text in project.store.segment_memos(session.coder).items()
        }
        self.by_id = {e.code.id: e for e in session.codebook.walk()}
        self._segments: dict[str, list[SegmentRow]] = {}
        start = self.state.next_undecided(0) if not self.state.empty else None
        self.state.cursor = start or 0

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

    def segments_of(self, transcript_id: str) -> list[SegmentRow]:
        if transcript_id not in self._segments:
            self._segments[transcript_id] = self.project.store.segments(transcript_id)
        return self._segments[transcript_id]

    def context_text(self, segment: SegmentRow) -> Text:
        rows = self.segments_of(segment.transcript_id)
        where = next((i for i, s in enumerate(rows) if s.line == segment.line), None)
        head = Text(f"{segment.transcript_id} · line {segment.line}", "bold")
        head.append(f" · {segment.speaker or '-'}")
        parts = [head]

        def neighbour(offset: int) -> None:
            if where is None or not 0 <= where + offset < len(rows):
                return
            other = rows[where + offset]
            parts.append(Text(f"{other.line:>4} {other.speaker or '-'}: {other.text}", "dim"))

        neighbour(-1)
        parts.append(Text(f"{segment.line:>4} {segment.speaker or '-'}: {segment.text}", "bold"))
        neighbour(1)
        return Text("\n").join(parts)

    def show(self) -> None:
        """Redraw the panes for the current line and the status bar."""
        context = self.query_one("#context", Static)
        coders = self.query_one("#coders", Static)
        decision = self.query_one("#decision", Static)
        if self.state.empty:
            for pane in (context, coders, decision):
                pane.update("")
            self.update_status()
            return
        unit = self.state.current
        context.update(self.context_text(unit.segment))
        lines = []
        for i, (coder, codes) in enumerate(unit.codes_by_coder.items()):
            keys = [CODER_KEYS[i]] if i < len(CODER_KEYS) else []
            if i < len(CODER_LETTERS):
                keys.append(CODER_LETTERS[i])
            line = Text(f"[{'/'.join(keys)}] ", "bold") if keys else Text("")
            line.append(f"{coder}: ")
            line.append(self.codes_text(codes))
            lines.append(line)
        if unit.agreed:
            lines.append(Text(f"all agree on: {self.codes_text(unit.agreed)}", "dim"))
        coders.update(Text("\n").join(lines))
        key = ReconcileState.key(unit)
        decided = self.state.decided.get(key)
        if decided:
            body = Text(f"Decided ({decided.decision}): ", "green bold")
            body.append(self.codes_text(decided.codes))
        else:
            body = Text("Not decided yet", "yellow")
        memo = self.pending_memos.get(key) or self.memos.get(unit.segment.id)
        if memo:
            suffix = " (saved with the decision)" if key in self.pending_memos else ""
            body.append(f"\n✎ {memo}{suffix}", "italic")
        decision.update(body)
        table = self.query_one(UnitList)
        table.move_cursor(row=self.state.cursor, animate=False)
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

    # -- moving --------------------------------------------------------------------------
    def flush_memo(self) -> None:
        """Save a memo still waiting for a decision on the line being left."""
        if self.state.empty:
            return
        unit = self.state.current
        memo = self.pending_memos.pop(ReconcileState.key(unit), None)
        if memo is None:
            return
        try:
            self.session.set_segment_memo(unit.segment, memo)
        except ThemekitError as exc:
            self.bell()
            self.message = exc.render()
            return
        self.memos[unit.segment.id] = memo

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
        key = ReconcileState.key(unit)
        memo = self.pending_memos.get(key)
        store = self.project.store
        try:
            with store.db.transaction():  # a changed decision replaces the old one whole
                chosen = decide(self.session, unit, decision, other_code=other_code, memo=memo)
                for row in store.codings(coder=self.session.coder, segment_id=unit.segment.id):
                    if row.code_id not in chosen:
                        self.session.remove_coding(row, how="reconcile")
        except ThemekitError as exc:
            self.bell()
            self.say(exc.render())
            return
        self.pending_memos.pop(key, None)
        if memo:
            self.memos[unit.segment.id] = memo
        self.decisions_made += 1
        self.state.decided[key] = Decided(decision, chosen)
        self.refresh_list_row(self.state.cursor)
        done = f"Line {unit.segment.line}: {decision} → {self.codes_text(chosen)}."
        target = self.state.next_undecided(self.state.cursor + 1)
        if target is None:
            self.message = done + " Every disputed line is decided; q quits."
            self.show()
            return
        self.message = done
        self.go(target)

    def refresh_list_row(self, index: int) -> None:
        table = self.query_one(UnitList)
        table.update_cell(str(index), self.decision_column, self.list_status(index))

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
        before = self.pending_memos.get(key) or self.memos.get(unit.segment.id, "")

        def got(value: str | None) -> None:
            if value is None:
                return
            memo = value.strip()
            if key in self.state.decided:
                try:
                    self.session.set_segment_memo(unit.segment, memo or None)
                except ThemekitError as exc:
                    self.bell()
                    self.say(exc.render())
                    return
                if memo:
                    self.memos[unit.segment.id] = memo
                else:
                    self.memos.pop(unit.segment.id, None)
                self.message = "Memo saved." if memo else "Memo cleared."
            elif memo:
                self.pending_memos[key] = memo
                self.message = "Memo kept for this line's decision."
            else:
                self.pending_memos.pop(key, None)
                self.message = "Memo dropped."
            self.show()

        self.push_screen(PromptScreen(f"Memo on {key[0]} line {key[1]}:", before), got)

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
