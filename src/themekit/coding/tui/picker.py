"""The transcript picker of the coding app: this coder's progress; Enter opens one.

The picker does not open the transcript itself: it posts ``TranscriptChosen`` and the
app switches to a coding screen, so this module needs neither the app nor that screen.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label

from themekit.coding.service import CodingSession


class PickerScreen(Screen[None]):
    """The transcripts with this coder's progress; Enter opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit_app", "quit"),
        Binding("question_mark", "app.help", "help"),
    ]

    class TranscriptChosen(Message):
        """Enter on a transcript's row."""

        def __init__(self, transcript_id: str) -> None:
            super().__init__()
            self.transcript_id = transcript_id

    def __init__(self, session: CodingSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Label(f"Choose a transcript to code as {self.session.coder}", id="picker-title")
        yield DataTable(cursor_type="row", id="picker")
        yield Footer()

    def on_mount(self) -> None:
        table: DataTable[str] = self.query_one("#picker", DataTable)
        table.add_columns("Transcript", "Coded", "Codable", "Progress", "Done")
        for transcript, coded, codable, done in self.session.progress():
            share = f"{coded / codable:.0%}" if codable else "-"
            table.add_row(
                transcript, str(coded), str(codable), share, "done" if done else "", key=transcript
            )
        table.focus()

    @on(DataTable.RowSelected, "#picker")
    def open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(self.TranscriptChosen(str(event.row_key.value)))
