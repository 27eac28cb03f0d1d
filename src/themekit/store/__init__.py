"""The project store: the only place in themekit that speaks SQL.

``Store`` is composed of one mixin per table family (transcripts, participants,
codebook, codings, REFI-QDA passages, audit, caches); every other package calls its
intention-revealing methods and never builds SQL. The schema is created and upgraded by
the numbered migrations in ``migrations.py``.
"""

from __future__ import annotations

from pathlib import Path

from themekit.store.audit import AuditStore
from themekit.store.caches import CacheStore
from themekit.store.codebook import CodebookStore
from themekit.store.codings import CodingStore
from themekit.store.db import Database
from themekit.store.meta import MetaStore
from themekit.store.migrations import migrate, pending
from themekit.store.participants import ParticipantStore
from themekit.store.passages import PassageStore
from themekit.store.suggest_store import SuggestionWriteStore
from themekit.store.suggestions import SuggestionStore
from themekit.store.transcripts import TranscriptStore


class Store(
    TranscriptStore,
    ParticipantStore,
    CodebookStore,
    CodingStore,
    PassageStore,
    AuditStore,
    CacheStore,
    SuggestionWriteStore,
    SuggestionStore,
    MetaStore,
):
    def __init__(self, path: str | Path, *, auto_migrate: bool = True) -> None:
        self.db = Database(path)
        if auto_migrate and pending(self.db.conn):
            migrate(self.db.conn)

    def close(self) -> None:
        self.db.close()


__all__ = ["Store", "Database", "migrate", "pending"]
