"""Caches that make repeated work cheap: embeddings, suggestions, NER results.

Embeddings are float32 little-endian blobs keyed by (model id, sha256 of the text), so a
segment is embedded again only when its text or the model changes; a vector loads with
one ``numpy.frombuffer``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

from themekit.store.base import StoreBase


class CacheStore(StoreBase):
    def cached_embeddings(self, model_id: str, text_hashes: Iterable[str]) -> dict[str, np.ndarray]:
        import numpy as np

        hashes = list(dict.fromkeys(text_hashes))
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.db.query(
                f"SELECT text_hash, vector FROM embeddings WHERE model_id = ?"
                f" AND text_hash IN ({marks})",
                (model_id, *chunk),
            ):
                found[r[0]] = np.frombuffer(r[1], dtype="<f4")
        return found

    def store_embeddings(self, model_id: str, items: Iterable[tuple[str, np.ndarray]]) -> None:
        import numpy as np

        with self.db.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings (model_id, text_hash, dim, vector)"
                " VALUES (?, ?, ?, ?)",
                [
                    (model_id, h, int(v.shape[0]), np.asarray(v, dtype="<f4").tobytes())
                    for h, v in items
                ],
            )

    def ner_cached(self, key: str) -> str | None:
        row = self.db.query_one("SELECT entities FROM ner_cache WHERE key = ?", (key,))
        return row[0] if row else None

    def ner_store(self, key: str, entities_json: str) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO ner_cache (key, entities) VALUES (?, ?)",
                (key, entities_json),
            )
