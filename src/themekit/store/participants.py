"""Participants, their attributes, and which transcript speaker each one is."""

from __future__ import annotations

from themekit.store.base import StoreBase
from themekit.store.rows import Participant


class ParticipantStore(StoreBase):
    def replace_participants(
        self, participants: list[Participant], links: list[tuple[str, str, str]]
    ) -> None:
        """Insert or update participants and set (transcript, speaker, participant) links."""
        with self.db.transaction() as conn:
            for p in participants:
                conn.execute(
                    "INSERT INTO participants (id, role, site, attributes) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(id) DO UPDATE SET role = excluded.role, site = excluded.site,"
                    " attributes = excluded.attributes",
                    (p.id, p.role, p.site, self.dumps(p.attributes)),
                )
            for transcript_id, speaker, participant_id in links:
                conn.execute(
                    "INSERT INTO participant_links (transcript_id, speaker, participant_id)"
                    " VALUES (?, ?, ?) ON CONFLICT(transcript_id, speaker)"
                    " DO UPDATE SET participant_id = excluded.participant_id",
                    (transcript_id, speaker, participant_id),
                )

    def participants(self) -> list[Participant]:
        return [
            Participant(r["id"], r["role"], r["site"], self.loads(r["attributes"]))
            for r in self.db.query("SELECT * FROM participants ORDER BY id")
        ]

    def participant_links(self) -> dict[tuple[str, str], str]:
        return {
            (r[0], r[1]): r[2]
            for r in self.db.query(
                "SELECT transcript_id, speaker, participant_id FROM participant_links"
            )
        }
