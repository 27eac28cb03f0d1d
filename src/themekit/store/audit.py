"""The audit log: who did what, when, under which codebook version, and how."""

from __future__ import annotations

from typing import Any

from themekit.model.rows import AuditEntry
from themekit.store.base import StoreBase


def _system_user() -> str | None:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment
        return None


class AuditStore(StoreBase):
    def log(
        self,
        action: str,
        *,
        actor: str | None = None,
        how: str | None = None,
        codebook_version: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Record an action; call inside the transaction that made the change.

        Actions without a coder (imports, exports, codebook revisions) are recorded under
        the computer's user name, so the log always says who.
        """
        if actor is None:
            actor = _system_user()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO audit_log (at, actor, action, how, codebook_version, details)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (self.now(), actor, action, how, codebook_version, self.dumps(details or {})),
            )

    def audit_entries(
        self, *, actor: str | None = None, action: str | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        sql = "SELECT * FROM audit_log WHERE 1=1"
        params: list[Any] = []
        if actor is not None:
            sql += " AND actor = ?"
            params.append(actor)
        if action is not None:
            sql += " AND action = ?"
            params.append(action)
        sql += " ORDER BY id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [
            AuditEntry(
                r["id"],
                r["at"],
                r["actor"],
                r["action"],
                r["how"],
                r["codebook_version"],
                self.loads(r["details"]),
            )
            for r in self.db.query(sql, tuple(params))
        ]

    def add_audit_entries(self, entries: list[AuditEntry]) -> int:
        """Copy audit entries from another project (merge); skips exact duplicates."""
        added = 0
        with self.db.transaction() as conn:
            for e in entries:
                exists = conn.execute(
                    "SELECT 1 FROM audit_log WHERE at = ? AND action = ? AND actor IS ?"
                    " AND details = ?",
                    (e.at, e.action, e.actor, self.dumps(e.details)),
                ).fetchone()
                if exists:
                    continue
                conn.execute(
                    "INSERT INTO audit_log (at, actor, action, how, codebook_version, details)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (e.at, e.actor, e.action, e.how, e.codebook_version, self.dumps(e.details)),
                )
                added += 1
        return added
