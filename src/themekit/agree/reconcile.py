"""Reconciliation: turning two (or more) coders' work into one consensus coder.

The consensus coder (``--into NAME``) first receives every coding the coders agree on
(all of them applied the code to the unit). Each unit where they differ then needs a
decision: take one coder's codes, take both (the union), neither, or another code, with
an optional memo. Every consensus coding records where it came from in ``origin``
(``{"from": "agreed"|"decision", "decision": ..., "coders": [...]}``) and is written with
``how="reconcile"``, so the audit trail shows how the consensus was reached.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from themekit.agree.units import build_units
from themekit.coding.service import CodingSession
from themekit.errors import AgreementError, BulkApplyError, CodingError
from themekit.files.tables import read_table

if TYPE_CHECKING:
    from themekit.model.rows import SegmentRow
    from themekit.project import Project

DECISIONS = ("both", "neither", "code")


@dataclass
class UnitDisagreement:
    segment: SegmentRow
    codes_by_coder: dict[str, set[str]]

    @property
    def agreed(self) -> set[str]:
        sets = list(self.codes_by_coder.values())
        return set.intersection(*sets) if sets else set()


@dataclass
class ReconcilePlan:
    coders: list[str]
    agreed: list[tuple[SegmentRow, str]] = field(default_factory=list)
    disputed: list[UnitDisagreement] = field(default_factory=list)


def plan_reconciliation(
    project: Project,
    coders: Sequence[str],
    *,
    transcripts: Sequence[str] | None = None,
    include_partial: bool = False,
) -> ReconcilePlan:
    data = build_units(project, coders, transcripts=transcripts, include_partial=include_partial)
    plan = ReconcilePlan(list(coders))
    for row, segment in enumerate(data.unit_segments):
        by_coder = {
            coder: {code for code, m in data.segment_matrices.items() if m[row, i] == 1}
            for i, coder in enumerate(coders)
        }
        agreed = set.intersection(*by_coder.values())
        for code in sorted(agreed):
            plan.agreed.append((segment, code))
        if any(codes != agreed for codes in by_coder.values()):
            plan.disputed.append(UnitDisagreement(segment, by_coder))
    return plan


def apply_agreed(plan: ReconcilePlan, session: CodingSession) -> int:
    origin = json.dumps({"from": "agreed", "coders": plan.coders})
    added = 0
    with session.store.db.transaction():
        for segment, code in plan.agreed:
            if session.apply(segment, code, how="reconcile", origin=origin):
                added += 1
    return added


def decide(
    session: CodingSession,
    unit: UnitDisagreement,
    decision: str,
    *,
    other_code: str | None = None,
    memo: str | None = None,
) -> list[str]:
    """Record one unit's decision; return the codes the consensus now has there."""
    coders = list(unit.codes_by_coder)
    if decision in coders:
        chosen = set(unit.codes_by_coder[decision])
    elif decision == "both":
        chosen = set().union(*unit.codes_by_coder.values())
    elif decision == "neither":
        chosen = set(unit.agreed)
    elif decision == "code":
        if not other_code:
            raise AgreementError(
                "Decision 'code' needs the code to apply.", hint="Type, e.g., 'code benefits.gap'."
            )
        chosen = set(unit.agreed) | {session.resolve_code(other_code).code.id}
    else:
        raise AgreementError(
            f"Unknown decision '{decision}'.",
            hint=f"Use one of: {', '.join(coders)}, both, neither, code.",
        )
    origin = json.dumps(
        {
            "from": "decision",
            "decision": decision,
            "coders": coders,
            "codes": {c: sorted(v) for c, v in unit.codes_by_coder.items()},
        }
    )
    with session.store.db.transaction():
        for code in sorted(chosen):
            session.apply(unit.segment, code, how="reconcile", origin=origin, memo=memo)
        if memo:
            session.set_segment_memo(unit.segment, memo)
        session.store.log(
            "reconcile.decide",
            actor=session.coder,
            how="reconcile",
            codebook_version=session.codebook_version,
            details={
                "transcript": unit.segment.transcript_id,
                "line": unit.segment.line,
                "decision": decision,
                "codes": sorted(chosen),
            },
        )
    return sorted(chosen)


def redecide(
    session: CodingSession,
    unit: UnitDisagreement,
    decision: str,
    *,
    other_code: str | None = None,
    memo: str | None = None,
) -> list[str]:
    """Like ``decide``, for a unit that may have been decided before: the new decision
    replaces the old one whole, so the consensus coder's codes there that it does not
    keep are removed (``how="reconcile"``), in the same transaction."""
    with session.store.db.transaction():
        chosen = decide(session, unit, decision, other_code=other_code, memo=memo)
        for row in session.store.codings(coder=session.coder, segment_id=unit.segment.id):
            if row.code_id not in chosen:
                session.remove_coding(row, how="reconcile")
    return chosen


UnitKey = tuple[str, int]


def unit_key(unit: UnitDisagreement) -> UnitKey:
    """A disputed unit by transcript and line, as the audit trail records decisions."""
    return (unit.segment.transcript_id, unit.segment.line)


def decided_units(session: CodingSession) -> set[UnitKey]:
    """Units the consensus coder has already decided (so a second run resumes)."""
    return {
        (e.details["transcript"], e.details["line"])
        for e in session.store.audit_entries(actor=session.coder, action="reconcile.decide")
    }


def undecided(plan: ReconcilePlan, session: CodingSession) -> list[UnitDisagreement]:
    """The disputed units, in order, that the consensus coder has not decided yet."""
    done = decided_units(session)
    return [unit for unit in plan.disputed if unit_key(unit) not in done]


@dataclass
class Decided:
    """What the consensus has on a decided line: the decision's name and the codes."""

    decision: str
    codes: list[str]


def load_decided(
    session: CodingSession, units: Sequence[UnitDisagreement]
) -> dict[UnitKey, Decided]:
    """Decided lines from earlier runs: the last decision's name, the consensus's codes."""
    done = decided_units(session)
    names: dict[UnitKey, str] = {}
    for entry in session.store.audit_entries(actor=session.coder, action="reconcile.decide"):
        names[(entry.details["transcript"], entry.details["line"])] = entry.details["decision"]
    codes_on: dict[int, list[str]] = {}
    for row in session.store.codings(coder=session.coder):
        codes_on.setdefault(row.segment_id, []).append(row.code_id)
    decided = {}
    for unit in units:
        key = unit_key(unit)
        if key in done:
            decided[key] = Decided(names.get(key, "?"), sorted(codes_on.get(unit.segment.id, [])))
    return decided


Decision = tuple[UnitDisagreement, str, str | None, str | None]


def read_decisions_file(
    plan: ReconcilePlan, session: CodingSession, path: str | Path
) -> list[Decision]:
    """Check a decisions table, CSV or .xlsx (transcript, line, decision[, code][, memo]);
    raise on any bad row."""
    path = Path(path)
    if not path.is_file():
        raise AgreementError(
            f"{path}: no such file.",
            hint="Check the path to the decisions file.",
            next_step="agree.decisions_path",
        )
    # The one table reader: CSV in any encoding themekit reads, or an .xlsx sheet.
    table = read_table(path)
    header = table.header
    names = [cell.strip().casefold() for cell in header.cells] if header else []
    rows = [(row.number, dict(zip(names, row.cells, strict=False))) for row in table.body()]
    if not rows or not {"transcript", "line", "decision"} <= set(names):
        raise AgreementError(
            f"{path}: needs the columns transcript, line, decision (optional: code, memo).",
            hint="Start from the disagreements listed as CSV.",
            next_step="agree.disagreements_csv",
        )
    units = {(u.segment.transcript_id, u.segment.line): u for u in plan.disputed}
    errors, actions = [], []
    for number, row in rows:
        key = (row.get("transcript", "").strip(), row.get("line", "").strip())
        try:
            unit = units[(key[0], int(key[1]))]
        except (KeyError, ValueError):
            errors.append(f"row {number}: {key[0]} line {key[1]} is not a disputed unit")
            continue
        decision = row.get("decision", "").strip()
        if decision not in (*plan.coders, *DECISIONS):
            errors.append(f"row {number}: unknown decision '{decision}'")
            continue
        if decision == "code":
            code = (row.get("code") or "").strip()
            if not code:
                errors.append(f"row {number}: decision 'code' needs a code")
                continue
            try:
                session.resolve_code(code)
            except CodingError as exc:  # unknown or grouping code
                errors.append(f"row {number}: {exc.message}")
                continue
        actions.append(
            (
                unit,
                decision,
                (row.get("code") or "").strip() or None,
                (row.get("memo") or "").strip() or None,
            )
        )
    if errors:
        raise BulkApplyError(path, errors)
    return actions


def apply_decisions(session: CodingSession, actions: list[Decision]) -> int:
    with session.store.db.transaction():
        for unit, decision, code, memo in actions:
            decide(session, unit, decision, other_code=code, memo=memo)
    return len(actions)


def apply_decisions_file(
    project: Project, plan: ReconcilePlan, session: CodingSession, path: str | Path
) -> int:
    """Apply a decisions CSV all or nothing (the library form of ``--decisions``)."""
    return apply_decisions(session, read_decisions_file(plan, session, path))


def reconcile_with_decisions(
    plan: ReconcilePlan, session: CodingSession, path: str | Path
) -> tuple[int, int]:
    """Check a decisions CSV whole, then copy the agreed codings and apply every decision
    in one transaction (all or nothing); the agreed codings copied and decisions applied."""
    actions = read_decisions_file(plan, session, path)
    with session.store.db.transaction():
        added = apply_agreed(plan, session)
        applied = apply_decisions(session, actions)
    return added, applied
