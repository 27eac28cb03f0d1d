"""The coding screen: one coder coding one transcript; it wires keys to actions.

Layout::

    +-- transcript (whole lines, wrapped) ------+-- code filter ------------+
    |  41 ● P07  We had nothing for people with  |  codebook tree            |
    |            moderate needs before the pilot.|  [1] Increasing options   |
    |            ● Filling a previous gap        +-- guidance (c toggles) ---+
    |  42   I    And how did it start?           |  definition, include, ... |
    +-- the current line, role, memo ------------+-- codes on this line -----+
                                                 +-- suggestions (if any) ----+
    status: transcript, line, coded/codable, done, blind | last message
    footer: key help

The parts each have their own module: ``transcript_view`` (the transcript pane),
``codebook_pane`` (filter and tree), ``widgets.GuidancePane`` (the highlighted code's
definition, include, exclude and examples), ``line_panes`` (current line, its codings,
its suggestions, the status bar) and ``passages_screen`` (the text coded with a code).
``CodingState`` decides what a key means; this screen turns each key into a state call
and, for a write, one ``CodingSession`` call (the session owns every store read and
write and its transactions), then tells the panes to redraw. A ``ThemekitError`` from
the session becomes the status message, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, ParamSpec, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, OptionList

from themekit.coding.service import Change, CodingSession, OpenedTranscript, Suggestion
from themekit.coding.state import CodingState, split_codings
from themekit.coding.tui.codebook_pane import CodebookPane
from themekit.coding.tui.keys import SHORTCUT_KEYS, screen_keys
from themekit.coding.tui.line_panes import CodingsPane, LineDetail, StatusBar, SuggestionsPane
from themekit.coding.tui.passages_screen import PassagesScreen
from themekit.coding.tui.picker import PickerScreen
from themekit.coding.tui.transcript_view import TranscriptView
from themekit.coding.tui.widgets import ConfirmScreen, GuidancePane, HelpScreen, PromptScreen
from themekit.errors import ThemekitError
from themekit.model.rows import CodingRow

SUGGESTIONS_SHOWN = 5
POSITION_SAVE_DELAY_S = 0.5

P = ParamSpec("P")
T = TypeVar("T")


def _bindings() -> list[BindingType]:
    """The screen's bindings, from the key table (the shortcuts 1-9 are hidden)."""
    bindings: list[BindingType] = [
        Binding(
            key,
            spec.action,
            spec.footer or spec.description,
            show=bool(spec.footer) and key == spec.keys[0],
        )
        for spec in screen_keys()
        if spec.action != "shortcut"
        for key in spec.keys
    ]
    bindings += [Binding(key, f"shortcut({key})", show=False) for key in SHORTCUT_KEYS]
    return bindings


class CodingScreen(Screen[None]):
    """One coder coding one transcript."""

    DEFAULT_CSS = """
    CodingScreen #left { width: 2fr; }
    CodingScreen #right { width: 1fr; min-width: 34; }
    CodingScreen #transcript { height: 1fr; border: round $primary; }
    CodingScreen #detail { height: auto; max-height: 9; border: round $primary-darken-2;
                           padding: 0 1; }
    CodingScreen #codebook { height: 1fr; min-height: 4; border: round $primary-darken-2; }
    CodingScreen #guidance { height: auto; max-height: 40%; border: round $primary-darken-2;
                             padding: 0 1; overflow-y: auto; }
    CodingScreen #codes { height: auto; max-height: 10; border: round $primary-darken-2; }
    CodingScreen #suggestions { height: auto; max-height: 8; border: round $primary-darken-2; }
    CodingScreen #status { height: 1; background: $boost; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = _bindings()

    def __init__(self, session: CodingSession, transcript_id: str, *, show_others: bool) -> None:
        super().__init__()
        self.session = session
        self.transcript_id = transcript_id
        self.show_others = show_others
        self._save_timer: Timer | None = None
        self.message = ""

    # -- building --------------------------------------------------------------------------
    def _open(self) -> OpenedTranscript:
        """Read the transcript and the coder's work on it into a fresh ``CodingState``."""
        opened = self.session.open_transcript(self.transcript_id, show_others=self.show_others)
        own, others = split_codings(
            opened.codings, self.session.coder, show_others=self.show_others
        )
        self.state = CodingState(
            opened.segments,
            own=own,
            others=others,
            exemplars=opened.exemplars,
            memos=opened.memos,
            start_line=opened.last_line,
        )
        self.with_suggestions = opened.has_suggestions
        self.done = opened.done
        self.entries = list(self.session.codebook.walk())
        self.by_id = {e.code.id: e for e in self.entries}
        self.shortcuts = [e.code.id for e in self.entries if e.code.codable][: len(SHORTCUT_KEYS)]
        return opened

    def compose(self) -> ComposeResult:
        opened = self._open()
        with Horizontal():
            with Vertical(id="left"):
                labels = {e.code.id: e.code.label for e in self.entries}
                view = TranscriptView(self.state, opened.roles, labels, id="transcript")
                view.border_title = self.transcript_id
                yield view
                yield LineDetail(opened.roles, id="detail")
            with Vertical(id="right"):
                yield CodebookPane(self.entries, self.shortcuts)
                guidance = GuidancePane(id="guidance")
                guidance.border_title = "Guidance (c hides)"
                yield guidance
                codes = CodingsPane(self.by_id, id="codes")
                codes.border_title = "Codes on this line"
                yield codes
                suggestions = SuggestionsPane(self.by_id, id="suggestions")
                suggestions.border_title = "Suggestions"
                suggestions.display = self.with_suggestions
                yield suggestions
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.view.focus()
        if self.show_others:
            self.session.log_show_others(self.transcript_id)
        if self.state.empty:
            self.message = "This transcript has no lines."
        self.call_after_refresh(self.view.center_cursor)
        self.update_panes()

    # -- the panes -------------------------------------------------------------------------
    @property
    def view(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    @property
    def codebook_pane(self) -> CodebookPane:
        return self.query_one(CodebookPane)

    @property
    def codes_pane(self) -> CodingsPane:
        return self.query_one("#codes", CodingsPane)

    @property
    def suggestions_pane(self) -> SuggestionsPane:
        return self.query_one("#suggestions", SuggestionsPane)

    # -- redrawing -------------------------------------------------------------------------
    def after_move(self, old: int, new: int) -> None:
        if self.state.anchor is not None:
            self.view.redraw_range(range(min(old, new), max(old, new) + 1))
        else:
            self.view.redraw(old, new)
        self.view.follow_cursor()
        self.update_panes()
        self.schedule_position_save()

    def update_panes(self) -> None:
        self.query_one("#detail", LineDetail).show(self.state)
        self.codes_pane.show(self.state)
        if not self.state.empty and self.with_suggestions:
            self.suggestions_pane.show(self.current_suggestions())
        self.update_status()

    def update_status(self) -> None:
        self.query_one("#status", StatusBar).show(
            self.state,
            transcript_id=self.transcript_id,
            done=self.done,
            show_others=self.show_others,
            message=self.message,
        )

    def say(self, message: str) -> None:
        self.message = message
        self.update_status()

    def redraw_indexes(self, indexes: list[int]) -> None:
        # A change of codes may change how many rows a line takes (its codes row).
        if not self.view.remeasure(indexes):
            self.view.redraw(*indexes)
        self.view.follow_cursor()

    def code_name(self, code_id: str) -> str:
        entry = self.by_id.get(code_id)
        return entry.code.label if entry else code_id

    def current_suggestions(self) -> list[Suggestion]:
        if self.state.empty or not self.with_suggestions:
            return []
        segment = self.state.current
        applied = {r.code_id for r in self.state.own_on(segment.id)}
        rows = self.session.suggestions(
            segment, SUGGESTIONS_SHOWN + len(applied), show_others=self.show_others
        )
        return [r for r in rows if r[0] not in applied][:SUGGESTIONS_SHOWN]

    # -- position ----------------------------------------------------------------------------
    def schedule_position_save(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(POSITION_SAVE_DELAY_S, self.save_position)

    def save_position(self) -> None:
        if not self.state.empty:
            self.session.save_position(self.transcript_id, self.state.current.line)

    @on(TranscriptView.LineClicked)
    def jump_to(self, event: TranscriptView.LineClicked) -> None:
        segment = self.state.segments[event.index]
        moved = self.state.goto_segment(segment.id)
        if moved:
            self.message = ""
            self.after_move(*moved)

    # -- running an action safely -----------------------------------------------------------
    def _failed(self, exc: ThemekitError) -> None:
        self.app.bell()
        self.say(exc.render())

    def guarded(self, action: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
        """Run a store action; a ThemekitError becomes a message instead of a crash."""
        try:
            return action(*args, **kwargs)
        except ThemekitError as exc:
            self._failed(exc)
            return None

    def attempt(self, action: Callable[P, object], *args: P.args, **kwargs: P.kwargs) -> bool:
        """Like ``guarded`` for actions that return nothing: whether it succeeded."""
        try:
            action(*args, **kwargs)
        except ThemekitError as exc:
            self._failed(exc)
            return False
        return True

    # -- moving --------------------------------------------------------------------------
    def _moved(self, moved: tuple[int, int] | None, failure: str = "") -> None:
        self.message = "" if moved else failure
        if moved:
            self.after_move(*moved)
        else:
            self.update_status()

    def action_cursor_down(self) -> None:
        if self.view.read_on(1):  # the rest of a line taller than the pane first
            return
        self._moved(self.state.move(1))

    def action_cursor_up(self) -> None:
        if self.view.read_on(-1):
            return
        self._moved(self.state.move(-1))

    def action_page_down(self) -> None:
        self._moved(self.state.move(self.view.page_height()))

    def action_page_up(self) -> None:
        self._moved(self.state.move(-self.view.page_height()))

    def action_first_line(self) -> None:
        self._moved(self.state.move_edge(last=False))

    def action_last_line(self) -> None:
        self._moved(self.state.move_edge(last=True))

    def action_next_uncoded(self) -> None:
        self._moved(self.state.next_uncoded(True), "No uncoded line below.")

    def action_previous_uncoded(self) -> None:
        self._moved(self.state.next_uncoded(False), "No uncoded line above.")

    def action_goto_line(self) -> None:
        def go(value: str | None) -> None:
            if not value:
                return
            moved = self.state.goto_line(int(value))
            self._moved(moved, f"There is no line {value}.")

        self.app.push_screen(PromptScreen("Go to line:", restrict=r"[0-9]*"), go)

    def action_toggle_interviewer(self) -> None:
        self.state.skip_uncodable = not self.state.skip_uncodable
        self.say(
            "Interviewer lines are skipped."
            if self.state.skip_uncodable
            else "Moving stops on interviewer lines too."
        )

    # -- selecting -------------------------------------------------------------------------
    def action_toggle_selection(self) -> None:
        before = self.state.toggle_selection()
        self.view.redraw_range(before)
        self.view.redraw(self.state.cursor)
        self.say("Selecting: move to extend, then pick a code." if before is None else "")

    def action_extend_down(self) -> None:
        self._moved(self.state.extend(1))

    def action_extend_up(self) -> None:
        self._moved(self.state.extend(-1))

    def action_cancel(self) -> None:
        before = self.state.clear_selection()
        self.view.redraw_range(before)
        self.view.focus()
        self.codebook_pane.clear_filter()
        self.message = ""
        self.update_panes()

    # -- coding ----------------------------------------------------------------------------
    def toggle_code(self, code_id: str) -> None:
        if self.state.empty:
            return
        if self.state.pending_span is not None:
            self._code_pending_span(code_id)
            return
        plan = self.guarded(self.state.plan_toggle, code_id)
        if plan is None:
            return
        changes = self.guarded(
            self.session.apply_and_remove, code_id, apply_to=plan.apply_to, remove=plan.remove
        )
        if changes is None:
            return
        self.redraw_indexes(self.state.record(changes))
        verb = "Applied" if plan.apply_to else "Removed"
        where = f"{len(changes)} lines" if len(changes) > 1 else f"line {self.state.current.line}"
        self.message = f"{verb} {self.code_name(code_id)} ({where})."
        self.update_panes()

    def _code_pending_span(self, code_id: str) -> None:
        span = self.state.pending_span
        change = self.guarded(self.session.apply, self.state.current, code_id, span=span)
        self.state.pending_span = None
        if change is not None:
            self.redraw_indexes(self.state.record([change]))
            self.message = f"Coded the span with {self.code_name(code_id)}."
        self.update_panes()

    def action_shortcut(self, key: str) -> None:
        number = int(key)
        if number > len(self.shortcuts):
            self.say(f"No code has shortcut {number}.")
            return
        self.toggle_code(self.shortcuts[number - 1])

    def action_focus_filter(self) -> None:
        self.codebook_pane.filter_input.focus()

    @on(CodebookPane.FilterSubmitted)
    def filter_submitted(self, event: CodebookPane.FilterSubmitted) -> None:
        self.view.focus()
        if event.code_id is None:
            self.say("No code matches the filter.")
            return
        self.pick(event.code_id)

    @on(CodebookPane.CodeChosen)
    def tree_selected(self, event: CodebookPane.CodeChosen) -> None:
        self.pick(event.code_id)

    def pick(self, code_id: str) -> None:
        entry = self.by_id.get(code_id)
        if entry is None or not entry.code.codable:
            self.say(f"'{entry.code.label if entry else code_id}' groups codes: pick a sub-code.")
            return
        self.toggle_code(code_id)

    def action_span(self) -> None:
        if self.state.empty:
            return

        def got(value: str | None) -> None:
            if not value:
                return
            span = self.guarded(self.state.set_pending_span, value)
            if span is not None:
                self.message = "Span marked: now pick the code (1-9, or / and Enter)."
                self.update_panes()

        self.app.push_screen(PromptScreen(f"Words to code in line {self.state.current.line}:"), got)

    def remove_row(self, row: CodingRow) -> None:
        change = self.guarded(self.session.remove_coding, row)
        if change is not None:
            self.redraw_indexes(self.state.record([change]))
            self.message = f"Removed {self.code_name(row.code_id)}."
        self.update_panes()

    def action_remove(self) -> None:
        if self.state.empty:
            return
        codes = self.codes_pane
        if self.focused is codes:
            row = codes.highlighted_own(self.state)
            if row is None:
                self.say("Highlight one of your own codings to remove it.")
                return
            self.remove_row(row)
            return
        own = self.state.own_on(self.state.current.id)
        if not own:
            self.say("You have no code on this line.")
        elif len(own) == 1:
            self.remove_row(own[0])
        else:
            codes.focus()
            codes.highlighted = 0
            self.say("Pick the coding to remove and press x.")

    def action_memo(self) -> None:
        if self.state.empty:
            return
        if self.focused is self.codes_pane:
            self._memo_on_coding()
        else:
            self._memo_on_line()

    def _memo_on_coding(self) -> None:
        row = self.codes_pane.highlighted_own(self.state)
        if row is None:
            self.say("Highlight one of your own codings to write a memo on it.")
            return

        def save(value: str | None) -> None:
            if value is None:
                return
            if self.attempt(self.session.set_coding_memo, row, value):
                fresh = self.session.reload_coding(row)
                if fresh is not None:
                    self.state.replace_coding(fresh)
                self.message = "Memo saved on the coding." if value else "Memo cleared."
                self.update_panes()

        self.app.push_screen(
            PromptScreen(f"Memo on {self.code_name(row.code_id)}:", row.memo or ""), save
        )

    def _memo_on_line(self) -> None:
        segment = self.state.current

        def save(value: str | None) -> None:
            if value is None:
                return
            if self.attempt(self.session.set_segment_memo, segment, value):
                self.state.set_memo(segment.id, value.strip() or None)
                self.redraw_indexes([self.state.index_of[segment.id]])
                self.message = "Memo saved." if value.strip() else "Memo cleared."
                self.update_panes()

        self.app.push_screen(
            PromptScreen(f"Memo on line {segment.line}:", self.state.memos.get(segment.id, "")),
            save,
        )

    def action_exemplar(self) -> None:
        if self.state.empty:
            return
        segment = self.state.current
        on_now = segment.id not in self.state.exemplars
        if not self.attempt(self.session.set_exemplar, segment, on_now):
            return
        self.state.set_exemplar(segment.id, on_now)
        self.redraw_indexes([self.state.cursor])
        self.message = "Marked as an exemplar quote." if on_now else "No longer an exemplar."
        self.update_panes()

    def action_undo(self) -> None:
        group = self.state.take_undo()
        if group is None:
            self.say("Nothing to undo.")
            return
        done = self._reverse(group)
        indexes = self.state.finish_undo(done)
        self._after_history(indexes, "Undone")

    def action_redo(self) -> None:
        group = self.state.take_redo()
        if group is None:
            self.say("Nothing to redo.")
            return
        done = self._reverse(group)
        indexes = self.state.finish_redo(done)
        self._after_history(indexes, "Redone")

    def _reverse(self, group: list[Change]) -> list[Change]:
        return self.guarded(self.session.reverse_all, group) or []

    def _after_history(self, indexes: list[int], verb: str) -> None:
        self.redraw_indexes(indexes)
        # Show where the undone change was, unless that would break a selection.
        if indexes and self.state.anchor is None and self.state.cursor not in indexes:
            moved = self.state.goto_segment(self.state.segments[min(indexes)].id)
            if moved:
                self.after_move(*moved)
        else:
            self.update_panes()
        n = len(indexes)
        self.say(f"{verb}: {n} coding change{'s' if n != 1 else ''}.")

    # -- suggestions -----------------------------------------------------------------------
    def _suggestion(self, *, highlighted: bool) -> Suggestion | None:
        rows = self.current_suggestions()
        if not rows:
            self.say("No suggestion for this line.")
            return None
        if highlighted:
            code_id = self.suggestions_pane.highlighted_code()
            for row in rows:
                if row[0] == code_id:
                    return row
        return rows[0]

    def _in_suggestions(self) -> bool:
        return self.focused is self.suggestions_pane

    def action_accept_suggestion(self) -> None:
        self.accept(self._suggestion(highlighted=self._in_suggestions()))

    def action_reject_suggestion(self) -> None:
        row = self._suggestion(highlighted=self._in_suggestions())
        if row is None or not self.state.current.codable:
            return
        code_id, score, model, _reason = row
        self.session.reject_suggestion(self.state.current, code_id, score, model)
        self.message = f"Rejected {self.code_name(code_id)} ({score:.2f})."
        self.update_panes()

    @on(OptionList.OptionSelected, "#suggestions")
    def suggestion_selected(self, event: OptionList.OptionSelected) -> None:
        self.accept(self._suggestion(highlighted=True))

    def accept(self, row: Suggestion | None) -> None:
        if row is None:
            return
        code_id, score, model, _reason = row
        segment = self.state.current
        if not segment.codable:
            self.say("Interviewer lines cannot be coded.")
            return
        try:
            change = self.session.accept_suggestion(segment, code_id, score, model)
        except ThemekitError as exc:
            self._failed(exc)
            return
        if change is not None:
            self.redraw_indexes(self.state.record([change]))
        self.message = f"Accepted {self.code_name(code_id)} ({score:.2f})."
        self.update_panes()

    # -- transcript and app ----------------------------------------------------------------
    def action_toggle_done(self) -> None:
        done = not self.done
        coded, codable = self.state.progress()
        if done and coded < codable:
            # Marking done sends the transcript to agreement: never by a slip of a key.
            uncoded = codable - coded
            question = (
                f"{uncoded} of {codable} codable lines are not coded yet"
                f" ({coded / codable:.0%} coded). Mark {self.transcript_id} done anyway?"
            )

            def answered(yes: bool | None) -> None:
                if yes:
                    self._set_done(True)
                else:
                    self.say(f"Not marked done: {uncoded} codable lines are not coded yet.")

            self.app.push_screen(ConfirmScreen(question), answered)
            return
        self._set_done(done)

    def _set_done(self, done: bool) -> None:
        if self.attempt(self.session.set_done, self.transcript_id, done):
            self.done = done
            self.say("Transcript marked done." if done else "Transcript marked not done.")

    # -- guidance and coded text -------------------------------------------------------------
    @property
    def guidance_pane(self) -> GuidancePane:
        return self.query_one("#guidance", GuidancePane)

    @on(CodebookPane.CodeHighlighted)
    def code_highlighted(self, event: CodebookPane.CodeHighlighted) -> None:
        self.guidance_pane.show_code(self.by_id.get(event.code_id))

    def action_toggle_guidance(self) -> None:
        pane = self.guidance_pane
        pane.display = not pane.display
        self.say("Code guidance shown." if pane.display else "Code guidance hidden (c shows it).")

    def passages_code(self) -> str | None:
        """The code whose coded text ``p`` shows: the codebook's highlighted code if it is
        codable, else the first code on the current line."""
        highlighted = self.codebook_pane.highlighted_code()
        entry = self.by_id.get(highlighted) if highlighted else None
        if entry is not None and entry.code.codable:
            return entry.code.id
        if not self.state.empty:
            own = self.state.own_on(self.state.current.id)
            if own:
                return own[0].code_id
        return None

    def action_coded_text(self) -> None:
        code_id = self.passages_code()
        if code_id is None:
            self.say("Highlight a code in the codebook first.")
            return
        self.app.push_screen(PassagesScreen(self.session, code_id, show_others=self.show_others))

    def action_pick_transcript(self) -> None:
        self.save_position()
        self.app.switch_screen(PickerScreen(self.session))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_quit(self) -> None:
        self.save_position()
        self.app.exit()

    def on_unmount(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
