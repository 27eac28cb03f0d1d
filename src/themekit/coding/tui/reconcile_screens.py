"""The reconciliation app's modal screens: the code picker and the key help.

``CodePickerScreen`` (key ``o``) picks another code by id or label with the shared
``CodeFilter``: an exact id match goes first, ↑/↓ step, Enter returns the highlighted code
and Esc cancels. ``ReconcileHelpScreen`` lists ``RECONCILE_KEYS``.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, OptionList
from textual.widgets.option_list import Option

from themekit.coding.tui.reconcile_keys import RECONCILE_KEYS
from themekit.coding.tui.widgets import CodeFilter
from themekit.model.codebook import CodeEntry


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
