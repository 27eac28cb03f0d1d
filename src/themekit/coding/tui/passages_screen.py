"""The coded-text screen of the coding app: every passage coded with one code.

``p`` opens it for the code highlighted in the codebook (or the first code on the
current line): the passages under one heading per participant group, coder or
transcript (``b`` steps through the three), read from ``CodingSession.coded_text``,
the same ``CodedText`` that ``themekit codings show`` prints. In blind coding only the
coder's own passages are shown. Esc or q closes it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from themekit.coding.coded_text import GROUPINGS, CodedText, passage_source
from themekit.coding.service import CodingSession
from themekit.errors import ThemekitError


def coded_text_view(found: CodedText) -> Text:
    """The passages as one rich Text: headings, each passage, where it is from, memos."""
    text = Text(f"{found.code_path} ({found.code_id})\n", "bold")
    plural = "" if found.count == 1 else "s"
    text.append(f"{found.count} passage{plural}, by {found.by}.\n", "dim")
    for name, passages in found.sections.items():
        text.append(f"\n{name} ({len(passages)})\n", "bold underline")
        for p in passages:
            text.append(f"  {' '.join(p.text.split())}\n")
            text.append(f"    -- {passage_source(p, found.by)}\n", "dim")
            for label, memo in (("memo", p.memo), ("line memo", p.line_memo)):
                if memo:
                    text.append(f"    {label}: {memo}\n", "italic")
    return text


class PassagesScreen(ModalScreen[None]):
    """The text coded with one code, grouped; b changes the grouping."""

    DEFAULT_CSS = """
    PassagesScreen { align: center middle; }
    PassagesScreen > Vertical { width: 95%; height: 90%; border: round $accent;
                                background: $surface; }
    PassagesScreen #passages-scroll { height: 1fr; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "regroup", "group by"),
        Binding("escape", "close", "close"),
        Binding("q", "close", show=False),
    ]

    def __init__(self, session: CodingSession, code_id: str, *, show_others: bool) -> None:
        super().__init__()
        self.session = session
        self.code_id = code_id
        self.show_others = show_others
        self.by = GROUPINGS[0]

    def compose(self) -> ComposeResult:
        with Vertical():
            with VerticalScroll(id="passages-scroll"):
                yield Static(id="passages")
            yield Footer()

    def on_mount(self) -> None:
        self.show()
        self.query_one("#passages-scroll").focus()

    def show(self) -> None:
        try:
            found = self.session.coded_text(self.code_id, by=self.by, everyone=self.show_others)
        except ThemekitError as exc:
            self.query_one("#passages", Static).update(exc.render())
            return
        self.found = found
        self.query_one("#passages", Static).update(coded_text_view(found))

    def action_regroup(self) -> None:
        self.by = GROUPINGS[(GROUPINGS.index(self.by) + 1) % len(GROUPINGS)]
        self.show()

    def action_close(self) -> None:
        self.dismiss(None)
