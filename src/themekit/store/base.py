"""Shared base of the store mixins."""

from __future__ import annotations

import json
from typing import Any

from themekit.store.db import Database
from themekit.store.migrations import now


class StoreBase:
    db: Database

    @staticmethod
    def now() -> str:
        return now()

    @staticmethod
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    @staticmethod
    def loads(text: str | None) -> Any:
        return json.loads(text) if text else {}
