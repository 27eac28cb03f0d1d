"""Writing computed suggestions, and reading them back for output and bulk acceptance.

``themekit.suggest`` ranks codes for every codable segment it was asked about and calls
``replace_suggestions`` once per run: the old suggestions of *every* segment in the run
are deleted (also of segments that now get none) and the new ones inserted, ranked by
descending score, in one transaction. So a re-run never leaves a stale suggestion and
an interrupted run leaves the previous one intact.

The read side for the coding UI (``suggestions_for``, decisions) is in
``suggestions.py``; this module only adds what the ``suggest`` command itself needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from themekit.store.base import StoreBase

_CHUNK = 500


@dataclass(frozen=True)
class StoredSuggestion:
    segment_id: int
    transcript_id: str
    line: int
    text: str
    code_id: str
    rank: int
    score: float
    model: str
    reason: str
    learned_from: str


class SuggestionWriteStore(StoreBase):
    def replace_suggestions(
        self,
        segment_ids: Iterable[int],
        items: Iterable[tuple[int, str, float, str]],
        *,
        model: str,
        learned_from: str,
    ) -> int:
        """Replace the suggestions of ``segment_ids`` by ``(segment_id, code_id, score,
        reason)`` items; ranks follow descending score (ties by code id). Returns the
        number stored."""
        by_segment: dict[int, list[tuple[str, float, str]]] = {}
        for segment_id, code_id, score, reason in items:
            by_segment.setdefault(int(segment_id), []).append((code_id, float(score), reason))
        at = self.now()
        rows: list[tuple[Any, ...]] = []
        for segment_id, ranked in by_segment.items():
            ranked.sort(key=lambda item: (-item[1], item[0]))
            rows.extend(
                (segment_id, code_id, rank, score, model, reason, learned_from, at)
                for rank, (code_id, score, reason) in enumerate(ranked, start=1)
            )
        with self.db.transaction() as conn:
            conn.executemany(
                "DELETE FROM suggestions WHERE segment_id = ?",
                [(int(s),) for s in set(segment_ids) | set(by_segment)],
            )
            conn.executemany(
                "INSERT INTO suggestions (segment_id, code_id, rank, score, model, reason,"
                " learned_from, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    def stored_suggestions(
        self,
        segment_ids: Sequence[int] | None = None,
        *,
        min_score: float | None = None,
    ) -> list[StoredSuggestion]:
        """Stored suggestions (of ``segment_ids`` if given), by transcript, line and rank."""
        base = (
            "SELECT g.segment_id, s.transcript_id, s.line, s.text, g.code_id, g.rank, g.score,"
            " g.model, g.reason, g.learned_from FROM suggestions g"
            " JOIN segments s ON s.id = g.segment_id WHERE 1=1"
        )
        params: list[Any] = []
        if min_score is not None:
            base += " AND g.score >= ?"
            params.append(min_score)
        rows = []
        if segment_ids is None:
            rows = self.db.query(base, tuple(params))
        else:
            ids = list(dict.fromkeys(segment_ids))
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows.extend(
                    self.db.query(base + f" AND g.segment_id IN ({marks})", (*params, *chunk))
                )
        result = [StoredSuggestion(*tuple(r)) for r in rows]
        result.sort(key=lambda s: (s.transcript_id, s.line, s.rank))
        return result

    def decided_suggestions(self, coder: str) -> set[tuple[int, str]]:
        """(segment id, code id) pairs that ``coder`` already accepted or rejected."""
        return {
            (int(r[0]), str(r[1]))
            for r in self.db.query(
                "SELECT segment_id, code_id FROM suggestion_decisions WHERE coder = ?", (coder,)
            )
        }
