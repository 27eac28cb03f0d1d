"""From a project to ranked, explained code suggestions for every codable segment.

The engine gathers what the estimator needs and turns its numbers back into words:

1. **Codes and their pieces.** Every codable code of the current codebook contributes
   "label. definition", its include guidance, and each of its examples (with a trailing
   "(Probation Service)"-style attribution removed) as separate *pieces*.
2. **Vectors.** Pieces and all codable segments of the current transcript versions are
   embedded through the SQLite cache (``cache.embed_texts``): only new or changed texts
   are encoded. A segment's vector is then mixed with its neighbours in the same speaker
   turn (``neighbour_context``, ``context_weight``), because a sentence is often only
   codable in context.
3. **Labels.** The codings of the coder named by ``learn_from`` (or of everyone, with
   ``"all"``) mark coded segments as examples; all other segments are background.
4. **Scores.** ``StackedSuggester`` (``stack.py``) blends definition and examples
   (``CodeSuggester``, ``model.py``), adds a classifier where held-out codings show it
   helps, and calibrates on held-out codings. Each code's similarities are put on a
   common scale by their mean and spread over the segments of the *score scale*: the
   transcripts present when suggestions were first computed (kept in ``project_meta``,
   reset with ``rescale=True``). Transcripts imported later are scored but do not move
   that scale, so adding an interview, above all one from another study, leaves the
   other segments' scores as they were (issue 17: with the whole project as the
   scale, unrelated text moved the scores by up to 0.15-0.61 and cost up to 5 points of
   zero-shot top-1 on the benchmarks; BENCHMARKS.md). Coded segments get held-out scores, so a
   segment never suggests its own code "because it is similar to itself". Suggestions
   under ``floor`` are dropped (``DEFAULT_FLOOR``).
5. **Reasons.** The driver of each score is named: ``definition``, ``example: '...'``
   or ``similar to P03 line 12 (coded by ana)``.

The functions below the engine (``code_pieces``, ``neighbour_context``, ``turn_context``
(the previous context, kept for the benchmarks), ``label_matrix``) are shared with the
evaluation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from themekit.errors import SuggestError
from themekit.model.codebook import Codebook, CodeEntry
from themekit.model.rows import SegmentRow
from themekit.store.suggestions import CODEBOOK_ONLY
from themekit.suggest.cache import embed_texts
from themekit.suggest.embedder import Embedder, make_embedder
from themekit.suggest.stack import StackedSuggester

if TYPE_CHECKING:
    from themekit.project import Project

METHOD = "stack-1"
SCALE_KEY = "suggest.scale"
CONTEXT_WEIGHT = 0.6
NEIGHBOUR_WEIGHT = 0.3
# Suggestions scoring under this are not shown or stored: on the benchmarks' held-out
# data (BENCHMARKS.md) fewer than one in five of them was right. See docs/suggestions.md.
DEFAULT_FLOOR = 0.2
ALL_CODERS = "all"
# A code first for more than this share of segments is reported as possibly too broad
# (``SuggestRun.dominant_codes``); on the benchmarks the most frequent first suggestion
# took 5-17% (BENCHMARKS.md), plain classifiers' up to 62%.
DOMINANT_SHARE = 0.3
DOMINANT_MIN_CODES = 5
DOMINANT_MIN_SEGMENTS = 20
EXAMPLE_REASON_CHARS = 60

Advance = Callable[..., object]
ProgressFactory = Callable[[str, int], AbstractContextManager[Advance]]


@contextmanager
def no_progress(description: str, total: int) -> Iterator[Advance]:
    yield lambda n=1: None


@dataclass(frozen=True)
class CodeSuggestion:
    code_id: str
    path: str
    label: str
    score: float
    reason: str


@dataclass(frozen=True)
class SegmentSuggestions:
    segment_id: int
    transcript: str
    line: int
    text: str
    suggestions: list[CodeSuggestion]

    def to_dict(self) -> dict[str, Any]:
        return {
            "transcript": self.transcript,
            "line": self.line,
            "text": self.text,
            "suggestions": [{**asdict(s), "score": round(s.score, 4)} for s in self.suggestions],
        }


@dataclass
class SuggestRun:
    segments: list[SegmentSuggestions]
    model: str
    learned_from: str
    examples: int  # coded segments learned from
    embedded: int  # texts encoded in this run (the rest came from the cache)
    cached: int
    stored: int = 0
    notes: list[str] = field(default_factory=list)
    scale: ScoreScale | None = None
    codes: int = 0  # codable codes ranked

    def dominant_codes(self, share: float = DOMINANT_SHARE) -> list[tuple[str, str, float]]:
        """(code id, path, share) of each code that is the first suggestion for more than
        ``share`` of the segments with one, in a codebook of at least ``DOMINANT_MIN_CODES``
        codes: a description so broad that it resembles everything (issue 17 found one such
        code first for 13% of real segments and right for 9% of them)."""
        firsts = [s.suggestions[0] for s in self.segments if s.suggestions]
        if self.codes < DOMINANT_MIN_CODES or len(firsts) < DOMINANT_MIN_SEGMENTS:
            return []
        counts: dict[str, int] = {}
        paths: dict[str, str] = {}
        for g in firsts:
            counts[g.code_id] = counts.get(g.code_id, 0) + 1
            paths[g.code_id] = g.path
        found = [
            (c, paths[c], n / len(firsts)) for c, n in counts.items() if n / len(firsts) > share
        ]
        return sorted(found, key=lambda item: (-item[2], item[0]))


@dataclass(frozen=True)
class ScoreScale:
    """The transcripts whose segments set each code's scale (module docstring, step 4).

    ``outside``: transcripts scored in this run but not in the scale (imported after it
    was set); ``dropped``: members no longer in the project; ``reset``: why the scale was
    (re)set in this run (``"new"``, ``"asked"``, ``"emptied"``), or ``""``."""

    transcripts: tuple[str, ...]
    outside: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    reset: str = ""


# -- shared building blocks --------------------------------------------------------------

_ATTRIBUTION = re.compile(r"\s*\([^()]{1,60}\)\s*$")


@dataclass(frozen=True)
class CodePieces:
    """Texts that describe the codes, with the code index and the reason each gives."""

    texts: list[str]
    codes: np.ndarray
    reasons: list[str]


def codable_entries(codebook: Codebook) -> list[CodeEntry]:
    return [entry for entry in codebook.walk() if entry.code.codable]


def _short(text: str, limit: int = EXAMPLE_REASON_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def code_pieces(entries: Sequence[CodeEntry]) -> CodePieces:
    texts: list[str] = []
    codes: list[int] = []
    reasons: list[str] = []
    for index, entry in enumerate(entries):
        code = entry.code
        head = f"{code.label}. {code.definition}".strip() if code.definition else code.label
        items = [(head, "definition")]
        if code.include:
            items.append((code.include, "definition"))
        for example in code.examples:
            clean = _ATTRIBUTION.sub("", example).strip().strip('"').strip()
            if clean:
                items.append((clean, f"example: '{_short(clean)}'"))
        for text, reason in items:
            texts.append(text)
            codes.append(index)
            reasons.append(reason)
    return CodePieces(texts, np.asarray(codes, dtype=np.int64), reasons)


def turn_context(
    vectors: np.ndarray, turn_keys: Sequence[tuple[Any, ...]], weight: float
) -> np.ndarray:
    """Each vector mixed with the mean vector of its turn, then re-normalised.

    Works in place (turns are disjoint, so each turn's mean is taken before its rows
    change) to keep one copy of the vectors in memory; returns ``vectors``.
    """
    if weight <= 0 or vectors.shape[0] == 0:
        return vectors
    groups: dict[tuple[Any, ...], list[int]] = {}
    for row, key in enumerate(turn_keys):
        groups.setdefault(key, []).append(row)
    for rows in groups.values():
        if len(rows) > 1:
            vectors[rows] += weight * vectors[rows].mean(axis=0)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    np.divide(vectors, norms, out=vectors, where=norms > 0)
    return vectors


def neighbour_context(vectors: np.ndarray, doc_keys: Sequence[Any], weight: float) -> np.ndarray:
    """Each vector plus ``weight`` times the mean of its neighbours (the rows just before
    and after it with the same key), then re-normalised. Works in place (the neighbours'
    sum is taken before any row changes) and returns ``vectors``.

    Measured on real coding (issue 17) the +-1 neighbours beat the whole turn's mean as
    context: a turn drifts, the next sentence rarely does.
    """
    if weight <= 0 or vectors.shape[0] == 0:
        return vectors
    keys = list(doc_keys)
    n = len(keys)
    same_prev = np.array([i > 0 and keys[i - 1] == keys[i] for i in range(n)])
    same_next = np.array([i < n - 1 and keys[i + 1] == keys[i] for i in range(n)])
    total = np.zeros_like(vectors)
    count = np.zeros((n, 1), dtype=vectors.dtype)
    total[1:][same_prev[1:]] += vectors[:-1][same_prev[1:]]
    count[1:][same_prev[1:]] += 1
    total[:-1][same_next[:-1]] += vectors[1:][same_next[:-1]]
    count[:-1][same_next[:-1]] += 1
    total /= np.maximum(count, 1)
    total *= weight
    vectors += total  # in place: one extra matrix at a time (100,000 segments: 150 MB)
    del total
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    np.divide(vectors, norms, out=vectors, where=norms > 0)
    return vectors


def label_matrix(
    project: Project, segments: Sequence[SegmentRow], code_ids: Sequence[str], learn_from: str
) -> tuple[np.ndarray, dict[tuple[int, str], list[str]]]:
    """0/1 (segments x codes) from ``learn_from``'s codings (everyone's for "all"),
    and who coded each (segment id, code id)."""
    row_of = {s.id: i for i, s in enumerate(segments)}
    col_of = {c: j for j, c in enumerate(code_ids)}
    Y = np.zeros((len(segments), len(code_ids)), dtype=bool)
    coders: dict[tuple[int, str], list[str]] = {}
    wanted = None if learn_from == ALL_CODERS else learn_from
    for coding in project.store.codings(coder=wanted):
        i, j = row_of.get(coding.segment_id), col_of.get(coding.code_id)
        if i is None or j is None:
            continue
        Y[i, j] = True
        names = coders.setdefault((coding.segment_id, coding.code_id), [])
        if coding.coder not in names:
            names.append(coding.coder)
    return Y, coders


def _what_scores_rest_on(estimator: StackedSuggester, source: str) -> str:
    """One sentence for the coder: what the scores were learned from and calibrated on."""
    coded = int(estimator.train_index_.size)
    if not coded:
        return (
            "No codings to learn from"
            + ("" if source == ALL_CODERS else f" by {source}")
            + ": suggestions come from the codebook's definitions and examples only."
        )
    if estimator.calibrated_:
        how = "with a classifier" if estimator.mode_ == "stacked" else "definitions and examples"
        return (
            f"Scores calibrated on {coded} coded segments, each scored by a model that did"
            f" not learn from it ({how})."
        )
    return (
        f"Only {coded} coded segments: too few to calibrate the scores on, so they come from"
        " the fixed map fitted on the benchmarks (docs/suggestions.md)."
    )


def current_codebook(project: Project) -> tuple[int, Codebook, list[CodeEntry]]:
    current = project.store.current_codebook()
    if current is None:
        raise SuggestError(
            "No codebook is loaded in this project, so there are no codes to suggest.",
            hint="Load a codebook first.",
            next_step="codebook.load",
        )
    version, codebook = current
    entries = codable_entries(codebook)
    if not entries:
        raise SuggestError(
            "The current codebook has no codable codes.",
            hint="Add codes or load another codebook.",
            next_step="codebook.add_or_load",
        )
    return version, codebook, entries


# -- the engine -------------------------------------------------------------------------


class SuggestionEngine:
    """Computes (and stores) suggestions for a project; see the module docstring."""

    def __init__(
        self,
        project: Project,
        embedder: Embedder | None = None,
        *,
        context_weight: float = NEIGHBOUR_WEIGHT,
        model_params: dict[str, Any] | None = None,
        progress: ProgressFactory = no_progress,
    ) -> None:
        self.project = project
        self.store = project.store
        self._embedder = embedder
        self.context_weight = context_weight
        self.model_params = dict(model_params or {})
        self.progress = progress

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.project.settings)
        return self._embedder

    @property
    def model_name(self) -> str:
        return f"{self.embedder.model_id}/{METHOD}"

    def embed(self, texts: Sequence[str], description: str) -> tuple[np.ndarray, int, int]:
        batch = max(1, self.project.settings.batch_size)
        with self.progress(description, len(texts)) as advance:
            result = embed_texts(
                self.store, self.embedder, texts, batch_size=batch, progress=advance
            )
        return result.vectors, result.embedded, result.cached

    def segment_vectors(self, segments: Sequence[SegmentRow]) -> tuple[np.ndarray, int, int]:
        vectors, embedded, cached = self.embed([s.text for s in segments], "Embedding segments")
        keys = [(s.transcript_id, s.version, s.turn_index) for s in segments]
        return neighbour_context(vectors, keys, self.context_weight), embedded, cached

    def score_scale(
        self, transcript_ids: Sequence[str], *, rescale: bool = False, save: bool = True
    ) -> ScoreScale:
        """The scale for segments of ``transcript_ids`` (one id per segment): the saved one,
        less the transcripts gone from the project; set on every transcript present when
        there is none, when none of it is left, or with ``rescale``. ``save``: record a
        new or changed scale in the project at once."""
        present_set = set(transcript_ids)
        present = sorted(present_set)
        saved = self._saved_scale()
        reset = "asked" if rescale else "new" if saved is None else ""
        members = [t for t in saved or [] if t in present_set]
        dropped = tuple(t for t in saved or [] if t not in present_set)
        if not reset and not members:
            reset = "emptied"
        if reset:
            members, dropped = present, ()
        if save and (reset or dropped):
            # Recorded with the audit log in one transaction: scores before and after a
            # reset are not comparable, and the log says when that happened.
            with self.store.db.transaction():
                self.store.set_meta(SCALE_KEY, json.dumps({"transcripts": members}))
                self.store.log(
                    "suggest.scale",
                    how=reset or "dropped",
                    details={"transcripts": members, "dropped": list(dropped)},
                )
        member_set = set(members)
        outside = tuple(t for t in present if t not in member_set)
        return ScoreScale(tuple(members), outside, dropped, reset)

    def _saved_scale(self) -> list[str] | None:
        text = self.store.get_meta(SCALE_KEY)
        if text is None:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            return None
        members = value.get("transcripts") if isinstance(value, dict) else None
        if not isinstance(members, list) or not all(isinstance(t, str) for t in members):
            return None  # unreadable: set afresh, as in a new project
        return members

    def suggest(
        self,
        *,
        coder: str | None = None,
        transcripts: Sequence[str] | None = None,
        top: int = 3,
        learn_from: str | None = None,
        store: bool = True,
        floor: float = DEFAULT_FLOOR,
        rescale: bool = False,
    ) -> SuggestRun:
        """Rank codes for every codable segment (of ``transcripts``, default all).

        Only suggestions scoring at least ``floor`` are kept (0 keeps all ``top``), so a
        segment may have fewer than ``top`` suggestions, or none. ``rescale``: set the
        score scale afresh on every transcript now in the project (``ScoreScale``)."""
        if top < 1:
            raise SuggestError(
                f"top must be at least 1, not {top}.",
                hint="For example 3.",
                next_step="suggest.top",
            )
        if not 0.0 <= floor <= 1.0:
            raise SuggestError(
                f"floor must be between 0 and 1, not {floor}.",
                hint="For example 0.2, or 0 to keep every suggestion.",
                next_step="suggest.floor",
            )
        _version, _codebook, entries = current_codebook(self.project)
        for transcript in transcripts or []:
            self.project.require_transcript(transcript)
        segments = self.store.all_current_segments(codable_only=True)
        wanted = set(transcripts or [])
        targets = [i for i, s in enumerate(segments) if not wanted or s.transcript_id in wanted]
        if not targets:
            where = f" in {', '.join(sorted(wanted))}" if wanted else ""
            raise SuggestError(
                f"No codable segments{where} to suggest codes for.",
                hint="Import transcripts first (interviewer lines are not codable).",
                next_step="transcripts.import_codable",
            )
        source = learn_from or coder or ALL_CODERS
        code_ids = [e.code.id for e in entries]
        Y, coders_of = label_matrix(self.project, segments, code_ids, source)

        pieces = code_pieces(entries)
        piece_vectors, e1, c1 = self.embed(pieces.texts, "Embedding the codebook")
        X, e2, c2 = self.segment_vectors(segments)
        groups = [s.transcript_id for s in segments]
        scale = self.score_scale(groups, rescale=rescale, save=store)
        members = set(scale.transcripts)
        background = np.fromiter((g in members for g in groups), dtype=bool, count=len(groups))
        estimator = StackedSuggester(piece_vectors, pieces.codes, **self.model_params).fit(
            X, Y, groups=groups, background=background
        )

        target_rows = np.asarray(targets, dtype=np.int64)
        self_index = np.full(len(segments), -1, dtype=np.int64)
        self_index[estimator.train_index_] = np.arange(estimator.train_index_.size)
        everything = target_rows.size == len(segments)
        details = estimator.score_details(
            X if everything else X[target_rows], self_index[target_rows]
        )
        k = min(top, len(entries))
        order = np.argsort(-details.proba, axis=1, kind="stable")[:, :k]

        results: list[SegmentSuggestions] = []
        for local, row in enumerate(target_rows):
            segment = segments[row]
            ranked = []
            for c in order[local]:
                if details.proba[local, c] < floor:
                    break
                entry = entries[c]
                if details.by_examples[local, c]:
                    neighbour = segments[estimator.train_index_[details.neighbour[local, c]]]
                    who = ", ".join(coders_of.get((neighbour.id, entry.code.id), []))
                    reason = (
                        f"similar to {neighbour.transcript_id} line {neighbour.line}"
                        f" (coded by {who})"
                    )
                else:
                    piece = details.piece[local, c]
                    reason = pieces.reasons[piece] if piece >= 0 else "definition"
                ranked.append(
                    CodeSuggestion(
                        entry.code.id,
                        entry.path_text,
                        entry.code.label,
                        float(details.proba[local, c]),
                        reason,
                    )
                )
            results.append(
                SegmentSuggestions(
                    segment.id, segment.transcript_id, segment.line, segment.text, ranked
                )
            )
        run = SuggestRun(
            results,
            self.model_name,
            source,
            int(estimator.train_index_.size),
            e1 + e2,
            c1 + c2,
            scale=scale,
            codes=len(entries),
        )
        run.notes.append(_what_scores_rest_on(estimator, source))
        if store:
            # Suggestions that learned from nobody's codings say so, so that blind coders
            # may see them (see the coding app's suggestions pane).
            stored_source = source if estimator.train_index_.size else CODEBOOK_ONLY
            run.stored = self.store.replace_suggestions(
                [r.segment_id for r in results],
                (
                    (r.segment_id, s.code_id, s.score, s.reason)
                    for r in results
                    for s in r.suggestions
                ),
                model=self.model_name,
                learned_from=stored_source,
            )
        return run
