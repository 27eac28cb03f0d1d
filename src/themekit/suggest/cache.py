"""Embedding texts through the project's SQLite cache.

A text's vector is stored under (model id, sha256 of the text), so a segment is embedded
again only when its text or the model changes; identical texts (a repeated "Yes.") are
embedded once. ``embed_texts`` looks every hash up in chunks, encodes only the missing
texts, and writes each encoded chunk to the cache as soon as it is done, so an
interrupted run keeps what it finished and memory stays flat: the only large array is
the (n, dim) float32 result itself.

The missing texts are sorted by length before they are cut into chunks. The model pads
every batch to its longest text, so batches of similar lengths waste less work; this is
what ``SentenceTransformer.encode`` does inside one call, done here across chunks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from themekit.suggest.embedder import Embedder

if TYPE_CHECKING:
    from themekit.store.caches import CacheStore

LOOKUP_CHUNK = 5_000
BATCHES_PER_CHUNK = 16


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class EmbeddedTexts:
    """The vectors (one row per input text, in order) and how many texts were new."""

    vectors: np.ndarray
    embedded: int
    cached: int


def embed_texts(
    store: CacheStore,
    embedder: Embedder,
    texts: Sequence[str],
    *,
    batch_size: int = 64,
    progress: Callable[[int], object] | None = None,
) -> EmbeddedTexts:
    """Vectors for ``texts``: from the cache where present, else encoded and cached.

    ``progress(n)`` is called as texts are encoded (n new texts at a time).
    """
    # Rows of the result that each distinct text fills; vectors go straight into the
    # result, so no second copy of 100,000 vectors is held on the way.
    rows_of: dict[str, list[int]] = {}
    first_text: dict[str, str] = {}
    for row, text in enumerate(texts):
        h = text_hash(text)
        rows_of.setdefault(h, []).append(row)
        first_text.setdefault(h, text)
    keys = list(rows_of)
    matrix: np.ndarray | None = None

    def put(h: str, vector: np.ndarray) -> None:
        nonlocal matrix
        if matrix is None:
            matrix = np.empty((len(texts), vector.shape[0]), dtype=np.float32)
        matrix[rows_of[h]] = vector

    missing: list[str] = []
    for start in range(0, len(keys), LOOKUP_CHUNK):
        part = keys[start : start + LOOKUP_CHUNK]
        found = store.cached_embeddings(embedder.model_id, part)
        for h in part:
            if h in found:
                put(h, found[h])
            else:
                missing.append(h)
    missing.sort(key=lambda h: len(first_text[h]))
    chunk = max(1, batch_size * BATCHES_PER_CHUNK)
    for start in range(0, len(missing), chunk):
        part = missing[start : start + chunk]
        vectors = np.asarray(
            embedder.encode([first_text[h] for h in part], batch_size=batch_size),
            dtype=np.float32,
        )
        store.store_embeddings(embedder.model_id, zip(part, vectors, strict=True))
        for h, v in zip(part, vectors, strict=True):
            put(h, v)
        if progress is not None:
            progress(len(part))
    if matrix is None:
        matrix = np.zeros((0, 0), dtype=np.float32)
    return EmbeddedTexts(matrix, len(missing), len(keys) - len(missing))
