"""Participants, their attributes, and which transcript speaker each one is."""

from __future__ import annotations

from themekit.model.rows import Participant
from themekit.store.base import StoreBase


class ParticipantStore(StoreBase):
    def replace_participants(
        self, participants: list[Participant], links: list[tuple[str, str, str]]
    ) -> None:
        """Insert or update participants and set (transcript, speaker, participant) links.

        An update only changes what the new table says: a missing column or an empty
        cell keeps the stored value, so importing a partial table adds to the record
        instead of wiping it.
        """
        with self.db.transaction() as conn:
            for p in participants:
                row = conn.execute(
                    "SELECT role, site, attributes FROM participants WHERE id = ?", (p.id,)
                ).fetchone()
                if row is None:
                    role, site, attributes = p.role, p.site, dict(p.attributes)
                else:
                    role = p.role if p.role is not None else row["role"]
                    site = p.site if p.site is not None else row["site"]
                    attributes = self.loads(row["attributes"])
                    attributes.update({k: v for k, v in p.attributes.items() if v is not None})
                conn.execute(
                    "INSERT INTO participants (id, role, site, attributes) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(id) DO UPDATE SET role = excluded.role, site = excluded.site,"
                    " attributes = excluded.attributes",
                    (p.id, role, site, self.dumps(attributes)),
                )
            # A table that says where a participant speaks replaces what was said before.
            for pid in {participant_id for _t, _s, participant_id in links}:
                conn.execute("DELETE FROM participant_links WHERE participant_id = ?", (pid,))
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
