"""The coding app's keys: one table for the bindings, the ``?`` screen and the docs.

Each ``KeySpec`` names the Textual key names that trigger it, the action it runs, where
it applies and a one-line description. ``where == "screen"`` entries become bindings of
the coding screen; the others are handled by one pane (the codebook tree, the codes
pane, the suggestions pane) and are listed so that help and docs show every key.
``docs/coding.md`` is checked against this table by the tests, so a new key cannot go
undocumented.

This module imports nothing from Textual: the docs and the help text need no terminal.
"""

from __future__ import annotations

from dataclasses import dataclass

# How Textual spells a few keys, and how a person reads them.
_DISPLAY = {
    "question_mark": "?",
    "slash": "/",
    "down": "↓",
    "up": "↑",
    "shift+down": "shift+↓",
    "shift+up": "shift+↑",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "enter": "Enter",
    "escape": "Esc",
    "tab": "Tab",
    "shift+tab": "shift+Tab",
    "ctrl+r": "ctrl+r",
}


@dataclass(frozen=True)
class KeySpec:
    keys: tuple[str, ...]
    action: str
    description: str
    group: str
    where: str = "screen"  # "screen" (bound on the coding screen) or a pane's name
    footer: str = ""  # short label when the key is shown in the footer

    @property
    def display(self) -> str:
        if self.keys == SHORTCUT_KEYS:
            return "1-9"
        return " / ".join(display_key(k) for k in self.keys)


def display_key(key: str) -> str:
    return _DISPLAY.get(key, key)


SHORTCUT_KEYS = tuple(str(n) for n in range(1, 10))

KEYS: tuple[KeySpec, ...] = (
    # -- moving --------------------------------------------------------------------------
    KeySpec(
        ("down", "j"),
        "cursor_down",
        "Next line (interviewer lines are skipped); in a line taller than the pane, read on",
        "Move",
    ),
    KeySpec(
        ("up", "k"),
        "cursor_up",
        "Previous line (interviewer lines are skipped); in a line taller than the pane, back",
        "Move",
    ),
    KeySpec(("pagedown",), "page_down", "One screen down", "Move"),
    KeySpec(("pageup",), "page_up", "One screen up", "Move"),
    KeySpec(("home",), "first_line", "First codable line", "Move"),
    KeySpec(("end",), "last_line", "Last codable line", "Move"),
    KeySpec(("n",), "next_uncoded", "Next line you have not coded yet", "Move", footer="uncoded"),
    KeySpec(("N",), "previous_uncoded", "Previous line you have not coded yet", "Move"),
    KeySpec(("g",), "goto_line", "Go to a line: type its number, then Enter", "Move"),
    KeySpec(
        ("i",),
        "toggle_interviewer",
        "Stop or start skipping interviewer (non-codable) lines when moving",
        "Move",
    ),
    # -- selecting -----------------------------------------------------------------------
    KeySpec(
        ("v",),
        "toggle_selection",
        "Start a range selection at this line (moving extends it); press again to end it",
        "Select",
    ),
    KeySpec(("shift+down",), "extend_down", "Extend the selection one line down", "Select"),
    KeySpec(("shift+up",), "extend_up", "Extend the selection one line up", "Select"),
    KeySpec(
        ("escape",),
        "cancel",
        "Clear the selection or a pending span; leave the code filter",
        "Select",
    ),
    # -- coding --------------------------------------------------------------------------
    KeySpec(
        SHORTCUT_KEYS,
        "shortcut",
        "Toggle the first nine codable codes (codebook order, numbers shown in the tree)"
        " on this line or the selected range",
        "Code",
    ),
    KeySpec(
        ("slash",),
        "focus_filter",
        "Filter the codebook as you type; ↑/↓ pick a code, Enter toggles it",
        "Code",
        footer="filter",
    ),
    KeySpec(
        ("enter",),
        "toggle_highlighted",
        "Toggle the highlighted code on this line or the selected range",
        "Code",
        where="codebook",
    ),
    KeySpec(
        ("s",),
        "span",
        "Code part of the line: type the exact words, then pick the code (1-9 or Enter)",
        "Code",
    ),
    KeySpec(
        ("x", "d"),
        "remove",
        "Remove a code: your only code on the line at once, otherwise pick it in the codes pane",
        "Code",
        footer="remove",
    ),
    KeySpec(
        ("x", "d"),
        "remove_highlighted",
        "Remove the highlighted coding",
        "Code",
        where="codes",
    ),
    KeySpec(("m",), "memo", "Write a memo on this line (in the codes pane: on the coding)", "Code"),
    KeySpec(("e",), "exemplar", "Mark or unmark this line as an exemplar quote", "Code"),
    KeySpec(("u",), "undo", "Undo the last coding change", "Code", footer="undo"),
    KeySpec(("ctrl+r",), "redo", "Redo what was undone", "Code"),
    # -- suggestions ---------------------------------------------------------------------
    KeySpec(("a",), "accept_suggestion", "Accept the top suggestion for this line", "Suggest"),
    KeySpec(("r",), "reject_suggestion", "Reject the top suggestion for this line", "Suggest"),
    KeySpec(
        ("a", "enter"),
        "accept_highlighted",
        "Accept the highlighted suggestion",
        "Suggest",
        where="suggestions",
    ),
    KeySpec(
        ("r",),
        "reject_highlighted",
        "Reject the highlighted suggestion",
        "Suggest",
        where="suggestions",
    ),
    # -- codebook guidance and coded text ------------------------------------------------
    KeySpec(
        ("c",),
        "toggle_guidance",
        "Show or hide the guidance pane: the highlighted code's definition, include,"
        " exclude and examples",
        "Codebook",
        footer="guidance",
    ),
    KeySpec(
        ("p",),
        "coded_text",
        "Read every passage coded with the highlighted code (else this line's first code),"
        " by group, coder or transcript (b switches)",
        "Codebook",
        footer="passages",
    ),
    # -- transcript and app --------------------------------------------------------------
    KeySpec(
        ("D",),
        "toggle_done",
        "Mark the transcript done (again: not done); with uncoded lines it asks first",
        "Transcript",
    ),
    KeySpec(
        ("t",), "pick_transcript", "Switch transcript (the picker with progress)", "Transcript"
    ),
    KeySpec(("tab", "shift+tab"), "focus_next", "Move between panes", "App", where="app"),
    KeySpec(("question_mark",), "help", "Show these keys", "App", footer="help"),
    KeySpec(("q",), "quit", "Save the position and quit", "App", footer="quit"),
)


def screen_keys() -> list[KeySpec]:
    """The entries bound on the coding screen."""
    return [spec for spec in KEYS if spec.where == "screen"]


def help_rows() -> list[tuple[str, str, str, str]]:
    """(group, keys, where, description) rows for the help screen and the docs."""
    where_text = {
        "screen": "",
        "codebook": "codebook pane",
        "codes": "codes pane",
        "suggestions": "suggestions pane",
        "app": "",
    }
    return [(s.group, s.display, where_text[s.where], s.description) for s in KEYS]


def markdown_table() -> str:
    """The key table as Markdown (pasted into docs/coding.md; a test keeps them equal)."""
    lines = ["| Keys | Where | What it does |", "|---|---|---|"]
    for _group, keys, where, description in help_rows():
        shown = keys.replace("|", "\\|")
        lines.append(f"| {shown} | {where or 'anywhere'} | {description} |")
    return "\n".join(lines)
