"""The reconciliation app's keys: one table for the bindings, the ``?`` screen and the docs.

``RECONCILE_KEYS`` feeds the app's bindings, its help screen and ``docs/coding.md`` (a
test keeps the docs equal to ``reconcile_markdown_table``). Coders are taken with their
number (1-9) and the first two also with a letter (a, b). This module imports nothing
from Textual.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    ReconcileKey(
        ("c",),
        "toggle_guidance",
        "Show or hide the guidance (definition, include, exclude, examples) of the disputed codes",
        "guidance",
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
