"""REFI-QDA identity: passages from other programs and the GUIDs of what they named.

themekit codes segments, so a passage coded in another program is stored as one coding
per segment it touches. A *passage* row keeps what the exchange format needs to give it
back as it came: the ``PlainTextSelection`` GUID, its whole span (canonical offsets of
the transcript version it was imported into), its attributes (name, creator, dates,
description, notes) and the segment codings it became, each with the ``Coding`` GUID it
came from. ``refi_ids`` keeps the GUID and attributes of users, sources, cases and
variables by their themekit key (coder name, transcript id, participant id, variable
name). Attributes are JSON objects; their keys are the REFI-QDA ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from themekit.store.base import StoreBase


@dataclass
class PassagePiece:
    coding_uid: str
    coding_guid: str
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class PassageRow:
    guid: str
    transcript_id: str
    span_start: int
    span_end: int
    attributes: dict[str, Any]
    pieces: list[PassagePiece] = field(default_factory=list)


class PassageStore(StoreBase):
    def add_passage(
        self,
        *,
        guid: str,
        transcript_id: str,
        span: tuple[int, int],
        attributes: dict[str, Any],
        pieces: list[PassagePiece],
    ) -> bool:
        """Record a passage and its segment codings; False when it is already recorded
        (its new pieces, if any, are added to it)."""
        with self.db.transaction() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO refi_passages"
                " (guid, transcript_id, span_start, span_end, attributes) VALUES (?, ?, ?, ?, ?)",
                (guid, transcript_id, span[0], span[1], self.dumps(attributes)),
            )
            known = conn.execute(
                "SELECT COALESCE(MAX(position), -1) FROM refi_passage_codings"
                " WHERE passage_guid = ?",
                (guid,),
            ).fetchone()[0]
            for offset, piece in enumerate(pieces, start=int(known) + 1):
                conn.execute(
                    "INSERT OR IGNORE INTO refi_passage_codings"
                    " (passage_guid, coding_uid, coding_guid, position, attributes)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        guid,
                        piece.coding_uid,
                        piece.coding_guid,
                        offset,
                        self.dumps(piece.attributes),
                    ),
                )
            return bool(cur.rowcount)

    def passages(self, transcript_id: str | None = None) -> list[PassageRow]:
        """Every recorded passage (of one transcript), with its pieces in order."""
        sql = "SELECT * FROM refi_passages"
        params: tuple[Any, ...] = ()
        if transcript_id is not None:
            sql += " WHERE transcript_id = ?"
            params = (transcript_id,)
        rows = {
            r["guid"]: PassageRow(
                r["guid"],
                r["transcript_id"],
                r["span_start"],
                r["span_end"],
                self.loads(r["attributes"]),
            )
            for r in self.db.query(sql + " ORDER BY transcript_id, span_start, guid", params)
        }
        for r in self.db.query(
            "SELECT * FROM refi_passage_codings ORDER BY passage_guid, position"
        ):
            passage = rows.get(r["passage_guid"])
            if passage is not None:
                passage.pieces.append(
                    PassagePiece(r["coding_uid"], r["coding_guid"], self.loads(r["attributes"]))
                )
        return list(rows.values())

    def set_refi_id(self, kind: str, key: str, guid: str, attributes: dict[str, Any]) -> None:
        """Remember the GUID (and attributes) another program gave a user, source, case,
        variable or set; a later import of the same object replaces it."""
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO refi_ids (kind, key, guid, attributes) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(kind, key) DO UPDATE SET guid = excluded.guid,"
                " attributes = excluded.attributes",
                (kind, key, guid, self.dumps(attributes)),
            )

    def refi_ids(self, kind: str) -> dict[str, tuple[str, dict[str, Any]]]:
        """key -> (GUID, attributes) for one kind (user, source, case, variable, set)."""
        return {
            r["key"]: (r["guid"], self.loads(r["attributes"]))
            for r in self.db.query("SELECT * FROM refi_ids WHERE kind = ?", (kind,))
        }
