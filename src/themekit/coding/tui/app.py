"""The Textual coding app: the picker and the coding screen over one ``CodingSession``.

This package's Textual modules are imported only here (and by the reconciliation app),
and ``themekit.coding.tui`` imports this module lazily, so the CLI starts without
Textual. The parts:

* ``picker``: the transcript picker (``PickerScreen``);
* ``coding_screen``: the screen that wires keys to actions (``CodingScreen``);
* ``transcript_view``, ``codebook_pane``, ``line_panes``: the panes of that screen;
* ``widgets``: the code filter, the one-line prompt and the help screen;
* ``state`` and ``keys``: the pure state machine and the key table (no Textual).

Every write goes through ``CodingSession`` and is committed before the screen updates.
"""

from __future__ import annotations

from textual import on
from textual.app import App

from themekit.coding.service import CodingSession
from themekit.coding.tui.coding_screen import CodingScreen
from themekit.coding.tui.picker import PickerScreen
from themekit.coding.tui.transcript_view import TranscriptView
from themekit.coding.tui.widgets import CodeFilter, HelpScreen, PromptScreen
from themekit.project import Project


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

    def _coding_screen(self, transcript_id: str) -> CodingScreen:
        return CodingScreen(self.session, transcript_id, show_others=self.show_others)

    def on_mount(self) -> None:
        if self.transcript is None:
            self.push_screen(PickerScreen(self.session))
        else:
            self.push_screen(self._coding_screen(self.transcript))

    @on(PickerScreen.TranscriptChosen)
    def _transcript_chosen(self, event: PickerScreen.TranscriptChosen) -> None:
        self.open_transcript(event.transcript_id)

    def open_transcript(self, transcript_id: str) -> None:
        self.transcript = transcript_id
        self.switch_screen(self._coding_screen(transcript_id))

    def action_quit_app(self) -> None:
        self.exit()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    @property
    def coding_screen(self) -> CodingScreen:
        screen = self.screen
        assert isinstance(screen, CodingScreen)
        return screen


__all__ = [
    "CodeFilter",
    "CodingApp",
    "CodingScreen",
    "HelpScreen",
    "PickerScreen",
    "PromptScreen",
    "TranscriptView",
]
