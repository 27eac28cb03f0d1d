"""Small named values kept with the project (``project_meta``): e.g. the pseudonym map."""

from __future__ import annotations

from themekit.store.base import StoreBase


class MetaStore(StoreBase):
    def get_meta(self, key: str) -> str | None:
        row = self.db.query_one("SELECT value FROM project_meta WHERE key = ?", (key,))
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        with self.db.transaction() as conn:
            if value is None:
                conn.execute("DELETE FROM project_meta WHERE key = ?", (key,))
            else:
                conn.execute(
                    "INSERT INTO project_meta (key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )
