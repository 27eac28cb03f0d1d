"""Stored code suggestions and the coders' decisions on them.

The suggester (``themekit.suggest``) ranks codes for each codable segment and writes the
top ones to ``suggestions`` (one row per segment and code, with rank, score, model and
a short reason). The coding UI reads them per segment and records every accept or
reject in ``suggestion_decisions`` with the score and model that were shown, so the
suggester can be evaluated later on what coders actually did with it.

A decision hides that suggestion from the coder who made it: ``suggestions_for(...,
coder=NAME)`` leaves out codes that coder has already accepted or rejected on the
segment, so "reject the top one" brings the next one up.
"""

from __future__ import annotations

from dataclasses import dataclass

from themekit.store.base import StoreBase

DECISIONS = ("accepted", "rejected")


@dataclass(frozen=True)
class SuggestionDecision:
    id: int
    segment_id: int
    code_id: str
    coder: str
    decision: str
    score: float | None
    model: str | None
    at: str


# ``suggestions.learned_from`` for suggestions made from the codebook alone (no codings).
CODEBOOK_ONLY = "codebook"


class SuggestionStore(StoreBase):
    def has_suggestions(self, transcript_id: str) -> bool:
        """Whether any segment of the transcript's current version has suggestions."""
        row = self.db.query_one(
            "SELECT 1 FROM suggestions g JOIN segments s ON s.id = g.segment_id"
            " JOIN transcripts t ON t.id = s.transcript_id AND t.current_version = s.version"
            " WHERE s.transcript_id = ? LIMIT 1",
            (transcript_id,),
        )
        return row is not None

    def suggestions_for(
        self,
        segment_id: int,
        limit: int = 5,
        *,
        coder: str | None = None,
        learned_from: tuple[str, ...] | None = None,
    ) -> list[tuple[str, float, str, str]]:
        """The best ``(code_id, score, model, reason)`` for a segment, best first.

        With ``coder``, codes that coder already decided on for this segment are left out;
        with ``learned_from``, only suggestions learned from those sources are given.
        """
        sql = "SELECT code_id, score, model, reason FROM suggestions g WHERE segment_id = ?"
        params: list[object] = [segment_id]
        if learned_from is not None:
            sql += f" AND learned_from IN ({','.join('?' * len(learned_from))})"
            params.extend(learned_from)
        if coder is not None:
            sql += (
                " AND NOT EXISTS (SELECT 1 FROM suggestion_decisions d WHERE"
                " d.segment_id = g.segment_id AND d.code_id = g.code_id AND d.coder = ?)"
            )
            params.append(coder)
        sql += " ORDER BY score DESC, rank, code_id LIMIT ?"
        params.append(limit)
        return [(r[0], float(r[1]), r[2], r[3]) for r in self.db.query(sql, tuple(params))]

    def record_suggestion_decision(
        self,
        segment_id: int,
        code_id: str,
        coder: str,
        decision: str,
        score: float | None,
        model: str | None,
    ) -> None:
        """Record that ``coder`` accepted or rejected a suggestion shown with this score."""
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}, not {decision!r}")
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO suggestion_decisions (segment_id, code_id, coder, decision, score,"
                " model, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (segment_id, code_id, coder, decision, score, model, self.now()),
            )

    def suggestion_decisions(
        self, *, coder: str | None = None, segment_id: int | None = None
    ) -> list[SuggestionDecision]:
        sql = "SELECT * FROM suggestion_decisions WHERE 1=1"
        params: list[object] = []
        if coder is not None:
            sql += " AND coder = ?"
            params.append(coder)
        if segment_id is not None:
            sql += " AND segment_id = ?"
            params.append(segment_id)
        return [
            SuggestionDecision(
                r["id"],
                r["segment_id"],
                r["code_id"],
                r["coder"],
                r["decision"],
                r["score"],
                r["model"],
                r["at"],
            )
            for r in self.db.query(sql + " ORDER BY id", tuple(params))
        ]
