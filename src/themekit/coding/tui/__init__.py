"""The terminal coding app behind ``themekit code``.

``state`` holds the pure state machine (tested without a terminal), ``keys`` the key
table (bindings, help screen, docs) and ``app`` the Textual app, built from
``coding_screen`` (keys to actions), its panes (``transcript_view``, ``codebook_pane``,
``line_panes``), ``picker`` and ``widgets``. The reconciliation app is split the same way:
``reconcile_keys`` and ``reconcile_state`` without Textual, ``reconcile_screens`` and
``reconcile_app`` with it. Textual is imported only when an app is built, so importing
this package costs nothing at CLI start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from themekit.errors import CodingError

if TYPE_CHECKING:
    from themekit.coding.tui.app import CodingApp
    from themekit.project import Project


def create_coding_app(
    project: Project, *, coder: str, transcript: str | None = None, show_others: bool = False
) -> CodingApp:
    """Build (without running) the app: checks the coder, codebook and transcript first."""
    from themekit.coding.coders import require_known
    from themekit.coding.service import CodingSession

    session = CodingSession(project, require_known(project, coder))
    if transcript is not None:
        project.require_transcript(transcript)
    if transcript is None and not project.store.transcript_ids():
        raise CodingError(
            "This project has no transcripts yet.",
            hint="Import some first.",
            next_step="transcripts.import",
        )
    from themekit.coding.tui.app import CodingApp

    return CodingApp(project, session, transcript=transcript, show_others=show_others)


def run_coding_app(
    project: Project, *, coder: str, transcript: str | None, show_others: bool
) -> None:
    """Run the coding app in the terminal until the coder quits."""
    import sys

    from themekit.errors import CodingError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Without a terminal the app would wait for keys that never come.
        raise CodingError(
            "The coding app needs an interactive terminal.",
            hint="Run it in a terminal window, or apply codings from a table (bulk apply).",
            next_step="code.in_terminal",
        )
    create_coding_app(project, coder=coder, transcript=transcript, show_others=show_others).run()


__all__ = ["create_coding_app", "run_coding_app"]
