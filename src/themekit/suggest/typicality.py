"""Quote typicality from cached sentence embeddings, for the quote bank.

``themekit.export`` must not depend on ``themekit.suggest``, so the quote bank takes a
typicality function (``themekit.export.quotes.Typicality``) and the callers that know
both sides (the CLI, ``Project.quote_typicality``) pass this one in. It only reads the
``embeddings`` cache that ``themekit suggest`` fills: no model is loaded, and a
sub-theme with any uncached segment gets no scores (the quote bank then uses its
heuristic and says so in ``selected_by``).

A passage's typicality is the cosine between its mean vector and the sub-theme's
centroid (the mean of every coded segment of the sub-theme), both normalised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from themekit.errors import ThemekitError

if TYPE_CHECKING:
    from themekit.project import Project

ScoreFn = Callable[[Sequence[Sequence[str]]], list[float] | None]


def embedding_model_id(project: Project) -> str | None:
    """The model id the suggester caches vectors under, without loading the model."""
    from themekit.suggest.embedder import make_embedder

    try:
        return make_embedder(project.settings).model_id
    except ThemekitError:
        return None


def embedding_typicality(project: Project) -> ScoreFn | None:
    """A typicality function over the project's embedding cache; None without a model."""
    model_id = embedding_model_id(project)
    if model_id is None:
        return None
    store = project.store

    def score(passages: Sequence[Sequence[str]]) -> list[float] | None:
        import numpy as np

        from themekit.suggest.cache import text_hash

        hashed = [[text_hash(text) for text in texts] for texts in passages]
        every = [h for hashes in hashed for h in hashes]
        if not every:
            return None
        vectors = store.cached_embeddings(model_id, every)
        if any(h not in vectors for h in every):
            return None

        def unit_vector(hashes: Sequence[str]) -> Any:
            mean = np.mean([vectors[h] for h in hashes], axis=0)
            norm = float(np.linalg.norm(mean))
            return mean / norm if norm else mean

        # Each segment belongs to one passage of a sub-theme, so ``every`` lists the
        # sub-theme's coded segments once each.
        centroid = unit_vector(every)
        return [float(unit_vector(hashes) @ centroid) for hashes in hashed]

    return score
