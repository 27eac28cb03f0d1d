"""The line-by-line reconciliation prompt: ``themekit reconcile`` with piped input.

A front end only. It shows each undecided disputed line with every coder's codes, reads
an answer (a coder's name or first letter, ``both``, ``neither``, ``code ID``, ``memo
TEXT``, ``skip`` or ``quit``) and hands the decision to ``agree.reconcile.decide``, which
records it; lines decided in an earlier run (``agree.reconcile.decided_units``) are
not asked again. A rejected
answer (an unknown code, a typo) is shown and asked again rather than ending the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

from themekit.agree.reconcile import (
    ReconcilePlan,
    UnitDisagreement,
    decide,
    decided_units,
    unit_key,
)
from themekit.cli.hints import render_error
from themekit.errors import ThemekitError

if TYPE_CHECKING:
    from themekit.coding.service import CodingSession
    from themekit.console import Environment


@dataclass
class PromptRun:
    """How a prompt run ended: decisions made, lines left undecided, and whether the
    user quit (rather than reaching the last line)."""

    decided: int
    left: int
    quit: bool


def prompt_decisions(
    e: Environment, plan: ReconcilePlan, session: CodingSession, coders: list[str]
) -> PromptRun:
    """Ask for a decision on each undecided disputed line of ``plan``, in order."""
    done = decided_units(session)
    pending = [
        (index, unit)
        for index, unit in enumerate(plan.disputed, start=1)
        if unit_key(unit) not in done
    ]
    earlier = len(plan.disputed) - len(pending)
    if earlier:
        e.message(f"{earlier} lines were decided earlier; continuing with the rest.")
    decided = 0
    for index, unit in pending:
        _show(e, unit, index, len(plan.disputed))
        answer = _ask_until_decided(e, session, unit, coders)
        if answer == "quit":
            return PromptRun(decided, len(pending) - decided, quit=True)
        if answer == "decided":
            decided += 1
    return PromptRun(decided, len(pending) - decided, quit=False)


def _show(e: Environment, unit: UnitDisagreement, index: int, total: int) -> None:
    seg = unit.segment
    e.err.print(
        f"\n[{index}/{total}] {seg.transcript_id} line {seg.line}"
        f" ({seg.speaker or '-'}): {seg.text}",
        markup=False,
    )
    for coder, codes in unit.codes_by_coder.items():
        e.err.print(f"  {coder}: {', '.join(sorted(codes)) or '(none)'}", markup=False)


def _ask_until_decided(
    e: Environment, session: CodingSession, unit: UnitDisagreement, coders: list[str]
) -> str:
    """Prompt on one line until it is decided, skipped or the user quits; which it was."""
    shortcuts = {name[0].lower(): name for name in coders}
    memo = None
    while True:
        answer = typer.prompt(
            f"  decision ({'/'.join(coders)}/both/neither/code ID/memo TEXT/skip/quit)",
            err=True,
        ).strip()
        word, _, rest = answer.partition(" ")
        word = shortcuts.get(word.lower(), word) if len(word) == 1 else word
        if word in ("quit", "skip"):
            return word
        if word == "memo":
            memo = rest.strip() or None
            continue
        try:
            chosen = decide(session, unit, word, other_code=rest.strip() or None, memo=memo)
        except ThemekitError as exc:  # a typo should not end the session
            e.err.print(f"  {render_error(exc)}", markup=False)
            continue
        e.err.print(f"  -> {', '.join(chosen) or '(no code)'}", markup=False)
        return "decided"
