"""Code suggestions: rank the codebook's codes for every codable segment.

Layout (data flows down the list):

* ``embedder``: the ``Embedder`` protocol, the sentence-transformers adapter (heavy
  imports deferred to first use), ``FakeEmbedder`` for tests, and ``make_embedder``,
  which honours ``THEMEKIT_EMBEDDER`` (the test seam).
* ``cache``: texts -> vectors through the project's SQLite embedding cache.
* ``model``: ``CodeSuggester``, a scikit-learn-style estimator (definitions and examples
  as prototypes, nearest coded neighbours): the *blend*.
* ``stack``: ``StackedSuggester``, the estimator the engine uses: the blend, plus a
  logistic-regression classifier where held-out codings show it helps, calibrated on
  held-out codings.
* ``engine``: ``SuggestionEngine``: project -> ranked, explained, stored suggestions.
* ``accept``: bulk acceptance of stored suggestions above a threshold.
* ``evaluate``: cross-validation against a coder, with a TF-IDF baseline.

Nothing here imports torch, sentence-transformers or scikit-learn at module level.
"""

from themekit.suggest.embedder import (
    Embedder,
    FakeEmbedder,
    SentenceTransformerEmbedder,
    make_embedder,
    register_embedder,
)

__all__ = [
    "Embedder",
    "FakeEmbedder",
    "SentenceTransformerEmbedder",
    "make_embedder",
    "register_embedder",
]
