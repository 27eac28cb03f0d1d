"""Codebook versions and the registry of every code id ever used.

Each load or revision stores the whole codebook as JSON in ``codebook_versions`` with
the diff against its predecessor. ``codes`` holds one row per id ever seen, with the
code's current label and place, and ``retired_version`` once it left the codebook, so
codings always point at a known id and an id is never silently reused.
"""

from __future__ import annotations

import hashlib
import json

from themekit.model.codebook import Codebook
from themekit.model.rows import CodebookVersion
from themekit.store.base import StoreBase


def codebook_hash(codebook: Codebook) -> str:
    body = json.dumps(codebook.to_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class CodebookStore(StoreBase):
    def current_codebook(self) -> tuple[int, Codebook] | None:
        row = self.db.query_one(
            "SELECT version, body FROM codebook_versions ORDER BY version DESC LIMIT 1"
        )
        if row is None:
            return None
        return int(row[0]), Codebook.from_dict(json.loads(row[1]))

    def current_codebook_version(self) -> int | None:
        row = self.db.query_one("SELECT MAX(version) FROM codebook_versions")
        return int(row[0]) if row and row[0] is not None else None

    def codebook_at(self, version: int) -> Codebook | None:
        row = self.db.query_one("SELECT body FROM codebook_versions WHERE version = ?", (version,))
        return Codebook.from_dict(json.loads(row[0])) if row else None

    def codebook_versions(self) -> list[CodebookVersion]:
        return [
            CodebookVersion(
                r["version"],
                r["created_at"],
                r["source"],
                r["content_hash"],
                self.loads(r["changes"]),
                r["note"],
            )
            for r in self.db.query("SELECT * FROM codebook_versions ORDER BY version")
        ]

    def add_codebook_version(
        self, codebook: Codebook, *, source: str, changes: dict, note: str | None = None
    ) -> int:
        """Store a new version and bring the code registry up to date with it."""
        with self.db.transaction() as conn:
            previous = conn.execute("SELECT MAX(version) FROM codebook_versions").fetchone()[0]
            version = int(previous or 0) + 1
            conn.execute(
                "INSERT INTO codebook_versions (version, created_at, source, content_hash, body,"
                " changes, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    version,
                    self.now(),
                    source,
                    codebook_hash(codebook),
                    self.dumps(codebook.to_dict()),
                    self.dumps(changes),
                    note,
                ),
            )
            seen: set[str] = set()
            for entry in codebook.walk():
                seen.add(entry.code.id)
                conn.execute(
                    "INSERT INTO codes (id, label, parent_id, position, codable, first_version,"
                    " retired_version) VALUES (?, ?, ?, ?, ?, ?, NULL)"
                    " ON CONFLICT(id) DO UPDATE SET label = excluded.label,"
                    " parent_id = excluded.parent_id, position = excluded.position,"
                    " codable = excluded.codable, retired_version = NULL",
                    (
                        entry.code.id,
                        entry.code.label,
                        entry.parent_id,
                        entry.position,
                        int(entry.code.codable),
                        version,
                    ),
                )
            for (code_id,) in conn.execute(
                "SELECT id FROM codes WHERE retired_version IS NULL"
            ).fetchall():
                if code_id not in seen:
                    conn.execute(
                        "UPDATE codes SET retired_version = ? WHERE id = ?", (version, code_id)
                    )
        return version

    def code_registry(self) -> dict[str, int | None]:
        """Every code id ever used, with the version that retired it (None = current)."""
        return {r[0]: r[1] for r in self.db.query("SELECT id, retired_version FROM codes")}
