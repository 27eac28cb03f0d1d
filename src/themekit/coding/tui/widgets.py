"""Small Textual pieces shared by the coding and reconciliation apps.

``CodeFilter`` is the one code-filter input of both apps; ``PromptScreen`` asks for one
line of text (a memo, the words of a span, a line number); ``ConfirmScreen`` asks yes or
no; ``GuidancePane`` shows a code's definition, include, exclude and examples (in both
apps); ``HelpScreen`` lists the coding app's keys from ``keys.KEYS``. ``fit`` shortens
text to a column width.
Like ``app``, this module imports Textual at the top: import it only when an app runs.
"""

from __future__ import annotations

from typing import ClassVar, Protocol, runtime_checkable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from themekit.coding.tui.keys import help_rows
from themekit.model.codebook import CodeEntry


def fit(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis if longer."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


@runtime_checkable
class FilterStepper(Protocol):
    """What a ``CodeFilter`` asks of the pane or screen around it."""

    def step_filter_choice(self, step: int) -> None: ...


class CodeFilter(Input):
    """A code filter box; ↑/↓ step through the matching codes.

    Used above the codebook tree of the coding app and in the reconciliation app's code
    picker: the nearest enclosing widget or screen with a ``step_filter_choice(step)``
    method says how to step.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "step(1)", show=False),
        Binding("up", "step(-1)", show=False),
    ]

    def action_step(self, step: int) -> None:
        for node in self.ancestors:
            if isinstance(node, FilterStepper):
                node.step_filter_choice(step)
                return


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


def guidance_text(entry: CodeEntry | None) -> Text:
    """A code's guidance: its path, definition, include, exclude and examples."""
    if entry is None:
        return Text("Highlight a code in the codebook to see its definition.", "dim")
    code = entry.code
    text = Text(entry.path_text, "bold")
    text.append(f"  ({code.id})", "dim")
    if not code.codable:
        text.append("\ngroups codes: pick a sub-code", "italic dim")
    sections = [
        ("Definition", code.definition),
        ("Include", code.include),
        ("Exclude", code.exclude),
    ]
    for title, body in sections:
        if body.strip():
            text.append(f"\n{title}: ", "bold")
            text.append(" ".join(body.split()))
    for example in code.examples:
        text.append("\nExample: ", "bold")
        text.append(f"\u201c{' '.join(example.split())}\u201d", "italic")
    if not (code.definition.strip() or code.include.strip() or code.exclude.strip()) and (
        not code.examples
    ):
        text.append("\nNo definition, include, exclude or example in the codebook.", "dim")
    return text


class GuidancePane(Static):
    """The highlighted code's definition, include and exclude guidance, and examples."""

    def show_code(self, entry: CodeEntry | None) -> None:
        self.code_id = entry.code.id if entry else None
        self.update(guidance_text(entry))


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: y or Enter says yes, n or Esc says no."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 70; max-width: 95%; height: auto;
                               border: round $warning; background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "yes"),
        Binding("enter", "answer(True)", show=False),
        Binding("n", "answer(False)", "no"),
        Binding("escape", "answer(False)", show=False),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, id="confirm-question")
            yield Label("y: yes   n: no", id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


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
