"""Bulk acceptance of stored suggestions above a score threshold.

``plan_acceptance`` reads the stored suggestions of the given segments with a score of
at least the threshold and leaves out codes the coder has already applied there and
suggestions the coder already accepted or rejected. ``accept`` carries the plan out
through ``CodingSession.apply(how="suggestion", score=..., model=...)``, so every
coding is audited like a hand-made one, and records an "accepted" decision for each,
all in one transaction: the whole batch lands or none of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from themekit.errors import SuggestError
from themekit.store.suggest_store import StoredSuggestion

if TYPE_CHECKING:
    from themekit.project import Project


@dataclass
class AcceptPlan:
    coder: str
    threshold: float
    items: list[StoredSuggestion] = field(default_factory=list)
    already_coded: int = 0
    already_decided: int = 0
    in_done_transcripts: int = 0  # left alone: the coder finished those transcripts

    def per_code(self) -> dict[str, int]:
        counts = Counter(item.code_id for item in self.items)
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def plan_acceptance(
    project: Project, coder: str, threshold: float, segment_ids: Sequence[int]
) -> AcceptPlan:
    if not 0.0 <= threshold <= 1.0:
        raise SuggestError(
            f"threshold must be between 0 and 1, not {threshold}.",
            hint="Scores are calibrated probabilities; try 0.8.",
            next_step="suggest.accept_above",
        )
    store = project.store
    plan = AcceptPlan(coder, threshold)
    coded = {(c.segment_id, c.code_id) for c in store.codings(coder=coder)}
    decided = store.decided_suggestions(coder)
    # A transcript the coder marked done has been compared and perhaps reconciled: machine
    # codings added to it afterwards would silently change those results.
    finished = store.done_transcripts(coder)
    for item in store.stored_suggestions(segment_ids, min_score=threshold):
        key = (item.segment_id, item.code_id)
        if item.transcript_id in finished:
            plan.in_done_transcripts += 1
        elif key in coded:
            plan.already_coded += 1
        elif key in decided:
            plan.already_decided += 1
        else:
            plan.items.append(item)
    return plan


def accept(project: Project, plan: AcceptPlan) -> int:
    """Apply every planned suggestion as the coder's coding; return how many were new."""
    from themekit.coding.service import CodingSession

    session = CodingSession(project, plan.coder)
    decisions = project.store
    applied = 0
    with project.store.db.transaction():
        for item in plan.items:
            segment = project.store.segment(item.segment_id)
            assert segment is not None
            change = session.apply(
                segment, item.code_id, how="suggestion", score=item.score, model=item.model
            )
            decisions.record_suggestion_decision(
                item.segment_id, item.code_id, plan.coder, "accepted", item.score, item.model
            )
            applied += change is not None
    return applied
