"""Re-anchoring codings when a transcript is re-imported with changed content.

A coding points at a segment line (and optionally a character span inside that
segment's text). When a corrected transcript replaces the old one, each anchor is moved
to the new segment that holds the same words, in three steps:

1. **identical**: the two lists of segment texts are aligned: common head and tail
   first, then ``difflib.SequenceMatcher`` on the rest (an order-preserving diff, so a
   repeated "Yeah." maps to the repeat at the same place in the conversation, not the
   first one). An old segment
   the diff keeps maps to its partner. An old segment whose text still exists
   elsewhere (a moved passage) maps to the occurrence nearest to where the diff expects
   it, preferring one not already taken by the diff.
2. **fuzzy**: otherwise, new segments the diff left unmatched in the same region
   (the diff's replace/delete block, widened by ``window`` segments on each side) are
   scored with ``SequenceMatcher.ratio``; the best score of at least ``threshold`` wins
   (ties: the nearest). ``real_quick_ratio``/``quick_ratio`` discard hopeless candidates
   cheaply, and each old segment is scored once however many anchors it has.
3. **orphaned**: no new line; the caller keeps the coding for manual review.

A span moves with its text: unchanged for an identical match; for a fuzzy match its
ends are mapped through the character diff of the two texts. A span that vanishes in
the mapping becomes ``None`` (the whole segment).

This module is pure: no database, no I/O.
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from themekit.model.transcripts import Segment

Method = Literal["identical", "fuzzy", "orphaned"]
DEFAULT_THRESHOLD = 0.8
DEFAULT_WINDOW = 5


@dataclass(frozen=True)
class Anchor:
    """A coding's position: ``key`` is the caller's (e.g. a coding id), opaque here."""

    key: Hashable
    line: int
    span_start: int | None = None  # offsets within the old segment's text
    span_end: int | None = None


@dataclass(frozen=True)
class Reanchored:
    """Where an anchor went: ``line`` is None when orphaned."""

    key: Hashable
    line: int | None
    span_start: int | None
    span_end: int | None
    method: Method
    score: float  # 1.0 for identical, the difflib ratio for fuzzy, 0.0 for orphaned


@dataclass(frozen=True)
class _Target:
    index: int  # into new_segments
    method: Method
    score: float


def reanchor(
    old_segments: Sequence[Segment],
    anchors: Sequence[Anchor],
    new_segments: Sequence[Segment],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window: int = DEFAULT_WINDOW,
) -> list[Reanchored]:
    """Move each anchor from ``old_segments`` to ``new_segments`` (results in input order)."""
    old_index_by_line = {segment.line: index for index, segment in enumerate(old_segments)}
    old_texts = [segment.text for segment in old_segments]
    new_texts = [segment.text for segment in new_segments]
    aligned, regions = _align(old_texts, new_texts)
    taken = set(aligned.values())
    positions_by_text: dict[str, list[int]] = {}
    for index, text in enumerate(new_texts):
        positions_by_text.setdefault(text, []).append(index)

    targets: dict[int, _Target | None] = {}
    results: list[Reanchored] = []
    for anchor in anchors:
        old_index = old_index_by_line.get(anchor.line)
        if old_index is None:
            results.append(_orphan(anchor))
            continue
        if old_index not in targets:
            targets[old_index] = _find_target(
                old_index,
                old_texts,
                new_texts,
                aligned,
                regions,
                taken,
                positions_by_text,
                threshold,
                window,
            )
        target = targets[old_index]
        if target is None:
            results.append(_orphan(anchor))
            continue
        new_segment = new_segments[target.index]
        span_start, span_end = anchor.span_start, anchor.span_end
        if target.method == "fuzzy" and span_start is not None and span_end is not None:
            span_start, span_end = _map_span(
                old_texts[old_index], new_segment.text, span_start, span_end
            )
        results.append(
            Reanchored(
                anchor.key, new_segment.line, span_start, span_end, target.method, target.score
            )
        )
    return results


def _orphan(anchor: Anchor) -> Reanchored:
    return Reanchored(anchor.key, None, None, None, "orphaned", 0.0)


def _align(
    old_texts: list[str], new_texts: list[str]
) -> tuple[dict[int, int], list[tuple[int, int, int, int]]]:
    """The diff's kept pairs (old index -> new index) and its changed regions.

    The common head and tail are matched first, as diff tools do: SequenceMatcher looks
    for the longest block, not the longest common subsequence, and with repeated texts
    ("No.", "No.", "No.") it can otherwise pair them across an insertion.
    """
    head = 0
    limit = min(len(old_texts), len(new_texts))
    while head < limit and old_texts[head] == new_texts[head]:
        head += 1
    tail = 0
    while tail < limit - head and old_texts[len(old_texts) - 1 - tail] == new_texts[-1 - tail]:
        tail += 1
    old_middle = old_texts[head : len(old_texts) - tail]
    new_middle = new_texts[head : len(new_texts) - tail]
    aligned = {index: index for index in range(head)}
    aligned.update((len(old_texts) - 1 - k, len(new_texts) - 1 - k) for k in range(tail))
    regions: list[tuple[int, int, int, int]] = []
    matcher = SequenceMatcher(None, old_middle, new_middle, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        i1, i2, j1, j2 = i1 + head, i2 + head, j1 + head, j2 + head
        if tag == "equal":
            aligned.update(zip(range(i1, i2), range(j1, j2), strict=True))
        elif tag in ("replace", "delete"):
            regions.append((i1, i2, j1, j2))
    return aligned, regions


def _find_target(
    old_index: int,
    old_texts: list[str],
    new_texts: list[str],
    aligned: dict[int, int],
    regions: list[tuple[int, int, int, int]],
    taken: set[int],
    positions_by_text: dict[str, list[int]],
    threshold: float,
    window: int,
) -> _Target | None:
    if old_index in aligned:
        return _Target(aligned[old_index], "identical", 1.0)
    region = regions[bisect.bisect_right(regions, (old_index, len(old_texts) + 1)) - 1]
    i1, _, j1, j2 = region
    expected = min(j1 + (old_index - i1), max(j1, j2 - 1))
    text = old_texts[old_index]

    positions = positions_by_text.get(text)
    if positions:
        free = [index for index in positions if index not in taken] or positions
        nearest = min(free, key=lambda index: (abs(index - expected), index))
        return _Target(nearest, "identical", 1.0)

    best: _Target | None = None
    best_distance = 0
    low, high = max(0, j1 - window), min(len(new_texts), j2 + window)
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(text)  # seq2 is the one SequenceMatcher indexes: set it once
    for index in range(low, high):
        if index in taken:
            continue
        matcher.set_seq1(new_texts[index])
        if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
            continue
        score = matcher.ratio()
        distance = abs(index - expected)
        if score < threshold:
            continue
        if best is None or score > best.score or (score == best.score and distance < best_distance):
            best, best_distance = _Target(index, "fuzzy", score), distance
    return best


def _map_span(old_text: str, new_text: str, start: int, end: int) -> tuple[int | None, int | None]:
    """Carry [start, end) in old_text over to new_text through their character diff."""
    opcodes = SequenceMatcher(None, old_text, new_text, autojunk=False).get_opcodes()

    def carry(position: int, is_end: bool) -> int:
        for tag, i1, i2, j1, j2 in opcodes:
            inside = i1 <= position < i2 or (is_end and i1 < position <= i2)
            if not inside:
                continue
            if tag == "equal":
                return j1 + (position - i1)
            return j2 if is_end else j1
        return len(new_text) if position >= len(old_text) else 0

    new_start, new_end = carry(start, False), carry(end, True)
    # A span whose words were all deleted would otherwise shrink to a stray space.
    while new_start < new_end and new_text[new_start].isspace():
        new_start += 1
    while new_end > new_start and new_text[new_end - 1].isspace():
        new_end -= 1
    if new_start >= new_end:
        return None, None
    return new_start, new_end
