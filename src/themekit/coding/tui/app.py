"""The Textual coding app: screens and widgets over ``CodingState`` and ``CodingSession``.

This is the only themekit module that imports Textual; ``themekit.coding.tui`` imports
it lazily, so the CLI starts without it.

Layout of the coding screen::

    +-- transcript (one row per segment) --------+-- code filter ------------+
    |  41 ● P07  Probation Service  We had ...   |  codebook tree            |
    |  42   I    -                  And how ...  |  [1] Increasing options   |
    |  43 ● P07  Probation Service  It meant ... +-- codes on this line -----+
    +-- the current line in full, memo ---------+-- suggestions (if any) ----+
    status: transcript, line, coded/codable, done, blind | last message
    footer: key help

Speed: the transcript is a Line-API ``ScrollView`` that renders only the visible rows,
so a 10,000-segment transcript costs no more to draw than a 40-line one, and a keystroke
redraws only the rows whose look changed (old and new cursor row, the selection, a row
whose codes changed). Every write goes through ``CodingSession`` and is committed before
the screen updates.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.segment import Segment as RichSegment
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Click
from textual.geometry import Size
from textual.screen import ModalScreen, Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Static, Tree
from textual.widgets.option_list import Option

from themekit.codebook.model import CodeEntry
from themekit.coding.service import Change, CodingSession
from themekit.coding.tui.keys import SHORTCUT_KEYS, help_rows, screen_keys
from themekit.coding.tui.state import CodingState, split_codings
from themekit.errors import ThemekitError
from themekit.project import Project
from themekit.store.suggestions import CODEBOOK_ONLY, SuggestionStore

SUGGESTIONS_SHOWN = 5
POSITION_SAVE_DELAY_S = 0.5

_CURRENT = Style(bgcolor="#2a4d7a", bold=True)
_SELECTED = Style(bgcolor="#4a4a1a")
_DIM = Style(dim=True)
_MARK = Style(color="#5fd75f", bold=True)
_OTHER_MARK = Style(color="#87afff")
_STAR = Style(color="#ffd75f")


def _fit(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


# -- widgets ---------------------------------------------------------------------------
class TranscriptView(ScrollView, can_focus=True):
    """The transcript, one row per segment, drawn line by line (only visible rows)."""

    DEFAULT_CSS = """
    TranscriptView { overflow-x: hidden; }
    """
    # ScrollView binds these keys to scrolling; here they move the cursor instead.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, f"screen.{action}", show=False)
        for key, action in (
            ("up", "cursor_up"),
            ("down", "cursor_down"),
            ("pageup", "page_up"),
            ("pagedown", "page_down"),
            ("home", "first_line"),
            ("end", "last_line"),
        )
    ]

    def __init__(self, state: CodingState, roles: dict[tuple[str | None, bool], str], **kw: Any):
        super().__init__(**kw)
        self.state = state
        self.roles = roles
        segments = state.segments
        self.number_width = len(str(segments[-1].line)) if segments else 1
        self.speaker_width = min(max([len(s.speaker or "") for s in segments] + [1]), 14)
        self.role_width = min(max([len(r) for r in roles.values()] + [1]), 22)
        self.virtual_size = Size(1, len(segments))

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.size.width
        state = self.state
        if index >= len(state.segments) or width <= 0:
            return Strip.blank(width)
        segment = state.segments[index]
        selection = state.selection()
        if index == state.cursor:
            base = _CURRENT
        elif selection is not None and index in selection:
            base = _SELECTED
        else:
            base = Style()
        text_style = base + _DIM if not segment.codable else base
        own = state.own_on(segment.id)
        if own:
            mark, mark_style = "●", _MARK
        elif state.others_on(segment.id):
            mark, mark_style = "○", _OTHER_MARK
        else:
            mark, mark_style = " ", Style()
        star = "★" if segment.id in state.exemplars else " "
        memo = "✎" if segment.id in state.memos else " "
        role = self.roles.get((segment.speaker, segment.codable), "")
        number = str(segment.line).rjust(self.number_width)
        speaker = _fit(segment.speaker or "", self.speaker_width).ljust(self.speaker_width)
        role_text = _fit(role, self.role_width).ljust(self.role_width)
        used = self.number_width + 4 + self.speaker_width + 1 + self.role_width + 2
        body = _fit(segment.text, max(width - used - 1, 1))
        pieces = [
            RichSegment(number + " ", text_style),
            RichSegment(mark, base + mark_style),
            RichSegment(star, base + _STAR),
            RichSegment(memo + " ", base),
            RichSegment(speaker + " ", text_style),
            RichSegment(role_text + "  ", base + _DIM),
            RichSegment(body, text_style),
        ]
        return Strip(pieces).adjust_cell_length(width, base)

    def redraw(self, *indexes: int) -> None:
        top = int(self.scroll_offset.y)
        for index in indexes:
            if top <= index < top + self.size.height:
                self.refresh_line(index)

    def redraw_range(self, rows: range | None) -> None:
        if rows is not None and len(rows):
            self.refresh_lines(rows.start, len(rows))

    def center_cursor(self) -> None:
        height = self.size.height or 1
        self.scroll_to(y=max(self.state.cursor - height // 2, 0), animate=False, immediate=True)

    def follow_cursor(self) -> None:
        """Scroll just enough to keep the cursor visible, with a little context."""
        height = self.size.height or 1
        top = int(self.scroll_offset.y)
        cursor = self.state.cursor
        margin = 2 if height > 6 else 0
        if cursor < top + margin:
            self.scroll_to(y=max(cursor - margin, 0), animate=False, immediate=True)
        elif cursor >= top + height - margin:
            self.scroll_to(y=cursor - height + margin + 1, animate=False, immediate=True)

    def on_click(self, event: Click) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < len(self.state.segments):
            screen = self.screen
            if isinstance(screen, CodingScreen):
                screen.jump_to(index)


class CodeFilter(Input):
    """A code filter box; ↑/↓ step through the matching codes of its screen.

    Used above the codebook tree of the coding app and in the reconciliation app's code
    picker: the screen says how to step with a ``step_filter_choice(step)`` method.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "step(1)", show=False),
        Binding("up", "step(-1)", show=False),
    ]

    def action_step(self, step: int) -> None:
        stepper = getattr(self.screen, "step_filter_choice", None)
        if stepper is not None:
            stepper(step)


class PromptScreen(ModalScreen[str | None]):
    """One line of input (memo, words of a span, line number); Esc cancels."""

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical { width: 80; height: auto; border: round $accent;
                              background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    def __init__(self, prompt: str, value: str = "", *, restrict: str | None = None) -> None:
        super().__init__()
        self.prompt = prompt
        self.value = value
        self.restrict = restrict

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.prompt)
            yield Input(value=self.value, restrict=self.restrict, id="prompt-input")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key, from ``keys.KEYS``."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > DataTable { width: 110; height: 80%; border: round $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", show=False),
        Binding("q", "close", show=False),
        Binding("question_mark", "close", show=False),
    ]

    def compose(self) -> ComposeResult:
        table: DataTable[str] = DataTable(cursor_type="row", id="help-table")
        table.add_columns("", "Keys", "Where", "What it does")
        for row in help_rows():
            table.add_row(*row)
        yield table

    def action_close(self) -> None:
        self.dismiss(None)


# -- screens ---------------------------------------------------------------------------
class PickerScreen(Screen[None]):
    """The transcripts with this coder's progress; Enter opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit_app", "quit"),
        Binding("question_mark", "app.help", "help"),
    ]

    def compose(self) -> ComposeResult:
        yield Label(f"Choose a transcript to code as {self.app_.session.coder}", id="picker-title")
        yield DataTable(cursor_type="row", id="picker")
        yield Footer()

    @property
    def app_(self) -> CodingApp:
        assert isinstance(self.app, CodingApp)
        return self.app

    def on_mount(self) -> None:
        table = self.query_one("#picker", DataTable)
        table.add_columns("Transcript", "Coded", "Codable", "Progress", "Done")
        coder = self.app_.session.coder
        for c_coder, transcript, coded, codable, done in self.app_.project.store.coverage():
            if c_coder != coder:
                continue
            share = f"{coded / codable:.0%}" if codable else "-"
            table.add_row(
                transcript, str(coded), str(codable), share, "done" if done else "", key=transcript
            )
        table.focus()

    @on(DataTable.RowSelected, "#picker")
    def open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.app_.open_transcript(str(event.row_key.value))


class CodingScreen(Screen[None]):
    """One coder coding one transcript."""

    DEFAULT_CSS = """
    CodingScreen #left { width: 2fr; }
    CodingScreen #right { width: 1fr; min-width: 34; }
    CodingScreen #transcript { height: 1fr; border: round $primary; }
    CodingScreen #detail { height: auto; max-height: 9; border: round $primary-darken-2;
                           padding: 0 1; }
    CodingScreen #codebook { height: 1fr; border: round $primary-darken-2; }
    CodingScreen #codes { height: auto; max-height: 10; border: round $primary-darken-2; }
    CodingScreen #suggestions { height: auto; max-height: 8; border: round $primary-darken-2; }
    CodingScreen #status { height: 1; background: $boost; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *[
            Binding(
                key,
                spec.action,
                spec.footer or spec.description,
                show=bool(spec.footer) and key == spec.keys[0],
            )
            for spec in screen_keys()
            if spec.action != "shortcut"
            for key in spec.keys
        ],
        *[Binding(key, f"shortcut({key})", show=False) for key in SHORTCUT_KEYS],
    ]

    def __init__(self, transcript_id: str) -> None:
        super().__init__()
        self.transcript_id = transcript_id
        self._save_timer: Any = None
        self.message = ""

    @property
    def app_(self) -> CodingApp:
        assert isinstance(self.app, CodingApp)
        return self.app

    # -- building --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        app = self.app_
        store = app.project.store
        session = app.session
        coder = session.coder
        segments = store.segments(self.transcript_id)
        own, others = split_codings(
            store.codings(transcript_id=self.transcript_id)
            if app.show_others
            else store.codings(transcript_id=self.transcript_id, coder=coder),
            coder,
            show_others=app.show_others,
        )
        segment_ids = {s.id for s in segments}
        self.state = CodingState(
            segments,
            own=own,
            others=others,
            exemplars={sid for c, sid in store.exemplars(coder) if sid in segment_ids},
            memos={
                sid: text
                for (c, sid), text in store.segment_memos(coder).items()
                if sid in segment_ids
            },
            start_line=store.last_line(self.transcript_id, coder),
        )
        resolver = app.project.resolver()
        roles: dict[tuple[str | None, bool], str] = {}
        for segment in segments:
            key = (segment.speaker, segment.codable)
            if key not in roles:
                person = resolver.resolve(self.transcript_id, segment.speaker, segment.codable)
                roles[key] = (person.role or person.id) if person else ""
        self.suggestions: SuggestionStore = store
        self.with_suggestions = self.suggestions.has_suggestions(self.transcript_id)
        self.entries = list(session.codebook.walk())
        self.by_id = {e.code.id: e for e in self.entries}
        self.shortcuts = [e.code.id for e in self.entries if e.code.codable][: len(SHORTCUT_KEYS)]
        self.done = self.transcript_id in store.done_transcripts(coder)

        with Horizontal():
            with Vertical(id="left"):
                view = TranscriptView(self.state, roles, id="transcript")
                view.border_title = self.transcript_id
                yield view
                yield Static(id="detail")
            with Vertical(id="right"):
                yield CodeFilter(placeholder="/ filter codes", id="filter")
                tree: Tree[str] = Tree("codebook", id="codebook")
                tree.show_root = False
                tree.auto_expand = False
                tree.border_title = "Codebook"
                yield tree
                codes = OptionList(id="codes")
                codes.border_title = "Codes on this line"
                yield codes
                suggestions = OptionList(id="suggestions")
                suggestions.border_title = "Suggestions"
                suggestions.display = self.with_suggestions
                yield suggestions
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.build_tree("")
        view = self.query_one(TranscriptView)
        view.focus()
        if self.app_.show_others:
            self.app_.project.store.log(
                "coding.show_others",
                actor=self.app_.session.coder,
                how="hand",
                details={"transcript": self.transcript_id},
            )
        if self.state.empty:
            self.message = "This transcript has no lines."
        self.call_after_refresh(view.center_cursor)
        self.update_panes()

    def build_tree(self, text: str) -> None:
        """(Re)build the codebook tree, keeping codes that match ``text`` and their parents."""
        tree = self.query_one("#codebook", Tree)
        tree.clear()
        wanted = text.casefold().strip()
        keep: set[str] = set()
        if wanted:
            for entry in self.entries:
                if wanted in entry.code.label.casefold() or wanted in entry.code.id.casefold():
                    keep.add(entry.code.id)
                    parent = entry.parent_id
                    while parent is not None:
                        keep.add(parent)
                        parent = self.by_id[parent].parent_id
        nodes: dict[str | None, Any] = {None: tree.root}
        matches: list[str] = []
        for entry in self.entries:
            if wanted and entry.code.id not in keep:
                continue
            label = Text()
            if entry.code.id in self.shortcuts:
                label.append(f"[{self.shortcuts.index(entry.code.id) + 1}] ", "bold")
            label.append(entry.code.label, "" if entry.code.codable else "italic dim")
            parent = nodes.get(entry.parent_id, tree.root)
            if entry.code.children:
                node = parent.add(label, data=entry.code.id, expand=True)
            else:
                node = parent.add_leaf(label, data=entry.code.id)
            nodes[entry.code.id] = node
            if entry.code.codable and (
                not wanted
                or wanted in entry.code.label.casefold()
                or wanted in entry.code.id.casefold()
            ):
                matches.append(entry.code.id)
        # Enter in the filter applies ``filter_choice``; ↑/↓ step through ``filter_matches``.
        self.filter_nodes = nodes
        self.filter_matches = matches
        self.filter_choice = matches[0] if matches else None
        self.show_filter_choice()

    def show_filter_choice(self) -> None:
        """Put the tree cursor on the filter's choice (once the tree has laid out lines)."""
        node = self.filter_nodes.get(self.filter_choice) if self.filter_choice else None
        if node is None:
            return
        tree = self.query_one("#codebook", Tree)
        if node.line >= 0:
            tree.move_cursor(node)
        else:
            tree.call_after_refresh(self.show_filter_choice)

    def step_filter_choice(self, step: int) -> None:
        if not self.filter_matches:
            return
        index = self.filter_matches.index(self.filter_choice) if self.filter_choice else -1
        index = min(max(index + step, 0), len(self.filter_matches) - 1)
        self.filter_choice = self.filter_matches[index]
        self.show_filter_choice()

    # -- redrawing -----------------------------------------------------------------------
    def after_move(self, old: int, new: int) -> None:
        view = self.query_one(TranscriptView)
        if self.state.anchor is not None:
            view.redraw_range(range(min(old, new), max(old, new) + 1))
        else:
            view.redraw(old, new)
        view.follow_cursor()
        self.update_panes()
        self.schedule_position_save()

    def update_panes(self) -> None:
        state = self.state
        detail = self.query_one("#detail", Static)
        codes = self.query_one("#codes", OptionList)
        if state.empty:
            detail.update("")
            codes.clear_options()
            self.update_status()
            return
        segment = state.current
        head = Text(f"Line {segment.line}", "bold")
        if segment.speaker:
            head.append(f"  {segment.speaker}")
        if not segment.codable:
            head.append("  (interviewer: not coded)", "dim")
        if segment.id in state.exemplars:
            head.append("  ★ exemplar", "yellow")
        body = Text(segment.text)
        if state.pending_span is not None:
            start, end = state.pending_span
            body.stylize("reverse", start - segment.start, end - segment.start)
        parts = [head, body]
        if segment.id in state.memos:
            parts.append(Text(f"✎ {state.memos[segment.id]}", "italic"))
        detail.update(Text("\n").join(parts))

        options: list[Option] = []
        for row in state.own_on(segment.id):
            options.append(Option(self.coding_label(row), id=f"own:{row.uid}"))
        for row in state.others_on(segment.id):
            label = self.coding_label(row)
            label.append(f"  ({row.coder}, read-only)", "italic")
            label.stylize("dim")
            options.append(Option(label, id=f"other:{row.uid}"))
        codes.set_options(options)
        if options:
            codes.highlighted = 0
        if self.with_suggestions:
            self.update_suggestions()
        self.update_status()

    def coding_label(self, row: Any) -> Text:
        entry = self.by_id.get(row.code_id)
        label = Text(entry.path_text if entry else row.code_id)
        if row.span_start is not None:
            segment = self.state.current
            words = segment.text[row.span_start - segment.start : row.span_end - segment.start]
            label.append(f'  "{_fit(words, 30)}"', "cyan")
        if row.source == "suggestion":
            label.append("  (suggested)", "dim")
        if row.memo:
            label.append(f"  ✎ {_fit(row.memo, 30)}", "italic")
        return label

    def current_suggestions(self) -> list[tuple[str, float, str, str]]:
        if self.state.empty or not self.with_suggestions:
            return []
        segment = self.state.current
        applied = {r.code_id for r in self.state.own_on(segment.id)}
        coder = self.app_.session.coder
        rows = self.suggestions.suggestions_for(
            segment.id,
            SUGGESTIONS_SHOWN + len(applied),
            coder=coder,
            # Blind coding: suggestions learned from other coders' codings would show
            # their decisions (and their reasons name them), so only the coder's own
            # and the codebook-only ones are offered.
            learned_from=None if self.app_.show_others else (coder, CODEBOOK_ONLY),
        )
        return [r for r in rows if r[0] not in applied][:SUGGESTIONS_SHOWN]

    def update_suggestions(self) -> None:
        pane = self.query_one("#suggestions", OptionList)
        options = []
        for code_id, score, _model, reason in self.current_suggestions():
            entry = self.by_id.get(code_id)
            label = Text(f"{score:.2f} ", "bold")
            label.append(entry.code.label if entry else code_id)
            if reason:
                label.append(f"  {_fit(reason, 40)}", "dim")
            options.append(Option(label, id=code_id))
        pane.set_options(options)
        if options:
            pane.highlighted = 0

    def update_status(self) -> None:
        coded, codable = self.state.progress()
        share = f" ({coded / codable:.0%})" if codable else ""
        parts = [self.transcript_id]
        if not self.state.empty:
            parts.append(f"line {self.state.current.line}")
        parts.append(f"coded {coded}/{codable}{share}")
        if self.done:
            parts.append("DONE")
        parts.append("showing others" if self.app_.show_others else "blind")
        if self.state.anchor is not None:
            selected = self.state.selection()
            parts.append(f"selecting {len(selected) if selected else 0} lines")
        if not self.state.skip_uncodable:
            parts.append("stopping on interviewer lines")
        text = " · ".join(parts)
        if self.message:
            text += f"  |  {self.message}"
        self.query_one("#status", Static).update(text)

    def say(self, message: str) -> None:
        self.message = message
        self.update_status()

    def schedule_position_save(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(POSITION_SAVE_DELAY_S, self.save_position)

    def save_position(self) -> None:
        if not self.state.empty:
            self.app_.project.store.set_last_line(
                self.transcript_id, self.app_.session.coder, self.state.current.line
            )

    def jump_to(self, index: int) -> None:
        segment = self.state.segments[index]
        moved = self.state.goto_segment(segment.id)
        if moved:
            self.message = ""
            self.after_move(*moved)

    # -- running an action safely -----------------------------------------------------------
    def guarded(self, action: Any, *args: Any) -> Any:
        """Run a store action; a ThemekitError becomes a message instead of a crash."""
        try:
            return action(*args)
        except ThemekitError as exc:
            self.app.bell()
            self.say(exc.render())
            return None

    def attempt(self, action: Any, *args: Any) -> bool:
        """Like ``guarded`` for actions that return nothing: whether it succeeded."""
        try:
            action(*args)
        except ThemekitError as exc:
            self.app.bell()
            self.say(exc.render())
            return False
        return True

    def redraw_indexes(self, indexes: list[int]) -> None:
        self.query_one(TranscriptView).redraw(*indexes)

    # -- moving --------------------------------------------------------------------------
    def _moved(self, moved: tuple[int, int] | None, failure: str = "") -> None:
        self.message = "" if moved else failure
        if moved:
            self.after_move(*moved)
        else:
            self.update_status()

    def action_cursor_down(self) -> None:
        self._moved(self.state.move(1))

    def action_cursor_up(self) -> None:
        self._moved(self.state.move(-1))

    def action_page_down(self) -> None:
        self._moved(self.state.move(max(self.query_one(TranscriptView).size.height - 1, 1)))

    def action_page_up(self) -> None:
        self._moved(self.state.move(-max(self.query_one(TranscriptView).size.height - 1, 1)))

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
        view = self.query_one(TranscriptView)
        view.redraw_range(before)
        view.redraw(self.state.cursor)
        self.say("Selecting: move to extend, then pick a code." if before is None else "")

    def action_extend_down(self) -> None:
        self._moved(self.state.extend(1))

    def action_extend_up(self) -> None:
        self._moved(self.state.extend(-1))

    def action_cancel(self) -> None:
        before = self.state.clear_selection()
        self.query_one(TranscriptView).redraw_range(before)
        self.query_one(TranscriptView).focus()
        if self.query_one("#filter", Input).value:
            self.query_one("#filter", Input).value = ""
        self.message = ""
        self.update_panes()

    # -- coding ----------------------------------------------------------------------------
    def toggle_code(self, code_id: str) -> None:
        if self.state.empty:
            return
        session = self.app_.session
        store = self.app_.project.store
        if self.state.pending_span is not None:
            span = self.state.pending_span
            change = self.guarded(lambda: session.apply(self.state.current, code_id, span=span))
            self.state.pending_span = None
            if change is not None:
                self.redraw_indexes(self.state.record([change]))
                self.message = f"Coded the span with {self.code_name(code_id)}."
            self.update_panes()
            return
        plan = self.guarded(self.state.plan_toggle, code_id)
        if plan is None:
            return

        def run() -> list[Change]:
            changes: list[Change] = []
            with store.db.transaction():  # a range is all-or-nothing
                for segment in plan.apply_to:
                    change = session.apply(segment, code_id)
                    if change is not None:
                        changes.append(change)
                for row in plan.remove:
                    change = session.remove_coding(row)
                    if change is not None:
                        changes.append(change)
            return changes

        changes = self.guarded(run)
        if changes is None:
            return
        self.redraw_indexes(self.state.record(changes))
        verb = "Applied" if plan.apply_to else "Removed"
        where = f"{len(changes)} lines" if len(changes) > 1 else f"line {self.state.current.line}"
        self.message = f"{verb} {self.code_name(code_id)} ({where})."
        self.update_panes()

    def code_name(self, code_id: str) -> str:
        entry = self.by_id.get(code_id)
        return entry.code.label if entry else code_id

    def action_shortcut(self, key: str) -> None:
        number = int(key)
        if number > len(self.shortcuts):
            self.say(f"No code has shortcut {number}.")
            return
        self.toggle_code(self.shortcuts[number - 1])

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.build_tree(event.value)

    @on(Input.Submitted, "#filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        choice = self.filter_choice
        self.query_one("#filter", Input).value = ""
        self.query_one(TranscriptView).focus()
        if choice is None:
            self.say("No code matches the filter.")
            return
        self.pick(choice)

    @on(Tree.NodeSelected, "#codebook")
    def tree_selected(self, event: Tree.NodeSelected) -> None:
        if event.node.data is not None:
            self.pick(str(event.node.data))

    def pick(self, code_id: str) -> None:
        entry: CodeEntry | None = self.by_id.get(code_id)
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

    def highlighted_own(self) -> Any:
        codes = self.query_one("#codes", OptionList)
        option = codes.highlighted_option
        if option is None or option.id is None or not option.id.startswith("own:"):
            return None
        uid = option.id.removeprefix("own:")
        for row in self.state.own_on(self.state.current.id):
            if row.uid == uid:
                return row
        return None

    def remove_row(self, row: Any) -> None:
        change = self.guarded(self.app_.session.remove_coding, row)
        if change is not None:
            self.redraw_indexes(self.state.record([change]))
            self.message = f"Removed {self.code_name(row.code_id)}."
        self.update_panes()

    def action_remove(self) -> None:
        if self.state.empty:
            return
        codes = self.query_one("#codes", OptionList)
        if self.focused is codes:
            row = self.highlighted_own()
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
        session = self.app_.session
        codes = self.query_one("#codes", OptionList)
        if self.focused is codes:
            row = self.highlighted_own()
            if row is None:
                self.say("Highlight one of your own codings to write a memo on it.")
                return

            def on_coding(value: str | None) -> None:
                if value is None:
                    return
                if self.attempt(session.set_coding_memo, row, value):
                    fresh = self.app_.project.store.coding(row.id)
                    if fresh is not None:
                        self.state.replace_coding(fresh)
                    self.message = "Memo saved on the coding." if value else "Memo cleared."
                    self.update_panes()

            self.app.push_screen(
                PromptScreen(f"Memo on {self.code_name(row.code_id)}:", row.memo or ""), on_coding
            )
            return
        segment = self.state.current

        def on_segment(value: str | None) -> None:
            if value is None:
                return
            if self.attempt(session.set_segment_memo, segment, value):
                self.state.set_memo(segment.id, value.strip() or None)
                self.redraw_indexes([self.state.index_of[segment.id]])
                self.message = "Memo saved." if value.strip() else "Memo cleared."
                self.update_panes()

        self.app.push_screen(
            PromptScreen(f"Memo on line {segment.line}:", self.state.memos.get(segment.id, "")),
            on_segment,
        )

    def action_exemplar(self) -> None:
        if self.state.empty:
            return
        segment = self.state.current
        on_now = segment.id not in self.state.exemplars
        if not self.attempt(self.app_.session.set_exemplar, segment, on_now):
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
        session = self.app_.session

        def run() -> list[Change]:
            with self.app_.project.store.db.transaction():
                return [c for c in (session.reverse(ch) for ch in reversed(group)) if c]

        return self.guarded(run) or []

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
    def _suggestion(self, *, highlighted: bool) -> tuple[str, float, str, str] | None:
        rows = self.current_suggestions()
        if not rows:
            self.say("No suggestion for this line.")
            return None
        if highlighted:
            pane = self.query_one("#suggestions", OptionList)
            option = pane.highlighted_option
            if option is not None:
                for row in rows:
                    if row[0] == option.id:
                        return row
        return rows[0]

    def _in_suggestions(self) -> bool:
        return self.focused is self.query_one("#suggestions", OptionList)

    def action_accept_suggestion(self) -> None:
        self.accept(self._suggestion(highlighted=self._in_suggestions()))

    def action_reject_suggestion(self) -> None:
        row = self._suggestion(highlighted=self._in_suggestions())
        if row is None or not self.state.current.codable:
            return
        code_id, score, model, _reason = row
        segment = self.state.current
        self.suggestions.record_suggestion_decision(
            segment.id, code_id, self.app_.session.coder, "rejected", score, model
        )
        self.message = f"Rejected {self.code_name(code_id)} ({score:.2f})."
        self.update_panes()

    @on(OptionList.OptionSelected, "#suggestions")
    def suggestion_selected(self, event: OptionList.OptionSelected) -> None:
        self.accept(self._suggestion(highlighted=True))

    def accept(self, row: tuple[str, float, str, str] | None) -> None:
        if row is None:
            return
        code_id, score, model, _reason = row
        segment = self.state.current
        session = self.app_.session
        if not segment.codable:
            self.say("Interviewer lines cannot be coded.")
            return

        def run() -> Change | None:
            with self.app_.project.store.db.transaction():
                change = session.apply(segment, code_id, how="suggestion", score=score, model=model)
                self.suggestions.record_suggestion_decision(
                    segment.id, code_id, session.coder, "accepted", score, model
                )
            return change

        try:
            change = run()
        except ThemekitError as exc:
            self.app.bell()
            self.say(exc.render())
            return
        if change is not None:
            self.redraw_indexes(self.state.record([change]))
        self.message = f"Accepted {self.code_name(code_id)} ({score:.2f})."
        self.update_panes()

    # -- transcript and app ----------------------------------------------------------------
    def action_toggle_done(self) -> None:
        done = not self.done
        if self.attempt(self.app_.session.set_done, self.transcript_id, done):
            self.done = done
            self.say("Transcript marked done." if done else "Transcript marked not done.")

    def action_pick_transcript(self) -> None:
        self.save_position()
        self.app.switch_screen(PickerScreen())

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_quit(self) -> None:
        self.save_position()
        self.app.exit()

    def on_unmount(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()


class CodingApp(App[None]):
    """``themekit code``: a picker (without a transcript) or straight into coding."""

    TITLE = "themekit code"

    def __init__(
        self,
        project: Project,
        session: CodingSession,
        *,
        transcript: str | None = None,
        show_others: bool = False,
    ) -> None:
        super().__init__()
        self.project = project
        self.session = session
        self.transcript = transcript
        self.show_others = show_others

    def on_mount(self) -> None:
        if self.transcript is None:
            self.push_screen(PickerScreen())
        else:
            self.push_screen(CodingScreen(self.transcript))

    def open_transcript(self, transcript_id: str) -> None:
        self.transcript = transcript_id
        self.switch_screen(CodingScreen(transcript_id))

    def action_quit_app(self) -> None:
        self.exit()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    @property
    def coding_screen(self) -> CodingScreen:
        screen = self.screen
        assert isinstance(screen, CodingScreen)
        return screen
