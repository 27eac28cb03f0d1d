"""Finding what to replace in one text: register terms, then patterns, then NER.

The three sources are merged by priority, not by confidence:

1. **Register** terms (names, aliases, places, sites, organisations, custom terms) are
   what the researcher knows to be identifying. They always win, including over the
   allow-list: if "Birmingham" is a registered site, it is replaced even inside an
   allowed "Birmingham Community Healthcare", because keeping it would leak the site
   and the leak gate would then (rightly) refuse the export.
2. **Patterns** (e-mail, URL, NHS number, phone, postcode) come next. A pattern hit is
   kept only if it lies wholly inside an allowed term (a public helpline the register
   allows, say).
3. **NER** hits are the safety net. Where a hit overlaps something already taken,
   only its leftover stretches holding a capitalised word (not a title such as "Dr")
   are replaced: with "Smith" registered, NER's "John Smith" still loses "John", but the
   "probation office" of "Milton Keynes probation office" stays. A hit that overlaps
   an allowed term is kept as written when nothing outside the allowed term(s) is left
   but "the", "of", "and" or punctuation: NER's "the Probation Service" is kept when
   "Probation Service" is allowed, but "Probation Service Sefton" is replaced. A leading
   "the" and a trailing possessive are trimmed off the span before replacement, so the
   output reads "the [Organisation 1]" and "[Person 1]'s". Finally, every other
   occurrence in the same text of a spelling NER flagged once is replaced too (the
   model often finds a name in one sentence and misses it in the next).

The result is a list of non-overlapping ``Detection``s sorted by position; each has a
``key`` that decides its placeholder: the register entry's name for any of its
variants, the canonical identifier for a pattern, the canonical text for NER.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from themekit.anonymise.ner import Entity
from themekit.anonymise.patterns import find_patterns
from themekit.anonymise.register import NER_LABEL_CLASSES, Register, RegisterEntry
from themekit.anonymise.terms import (
    APOSTROPHES,
    SpanSet,
    TermMatcher,
    canonical_key,
    normalise_key,
)

Source = Literal["register", "ner", "pattern"]

_LEADING_DETERMINER = re.compile(r"(?:the|The|THE)\s+")
_TRAILING_POSSESSIVE = re.compile("[" + re.escape(APOSTROPHES) + "]s?$")
_WORD = re.compile(r"\w+(?:[" + re.escape(APOSTROPHES) + r"-]\w+)*")
_FILLER_WORDS = frozenset({"the", "of", "and", "s"})
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame"})


@dataclass(frozen=True)
class Detection:
    """One stretch of text to replace.

    ``detail`` says why: the register section ("people"), the NER label ("PERSON") or the
    pattern kind ("phone"). ``entry`` and ``variant`` are set for register hits.
    """

    start: int
    end: int
    text: str
    cls: str
    source: Source
    key: str
    detail: str
    entry: RegisterEntry | None = None
    variant: int = 0


def register_key(entry: RegisterEntry) -> str:
    """The pseudonym key every variant of a register entry shares."""
    return canonical_key(entry.name)


def find_register_terms(text: str, register: Register) -> list[Detection]:
    """Every occurrence of a registered name or alias (one regex pass)."""
    return [
        Detection(
            start=match.start,
            end=match.end,
            text=match.text,
            cls=entry.cls,
            source="register",
            key=register_key(entry),
            detail=entry.section,
            entry=entry,
            variant=variant,
        )
        for match in register.term_matcher.finditer(text)
        for entry, variant in [match.payload]
    ]


def learned_name_entities(
    texts: Sequence[str], entities: Sequence[Sequence[Entity]]
) -> list[list[Entity]]:
    """PERSON mentions the model missed, found from the names it did find in the batch.

    NER often finds "Gareth Owen" once and then misses "Gareth" on its own, in the same
    quote or the next. Every capitalised part of a PERSON the model found anywhere in the
    batch (titles and words shorter than three letters left out) is looked for, as a
    whole word with its capital, in every text, and added as a PERSON span where the
    model had none. Over-replacing a capitalised word is the safe error here.
    """
    parts: set[str] = set()
    for text, found in zip(texts, entities, strict=True):
        for start, end, label in found:
            if label != "PERSON" or not 0 <= start < end <= len(text):
                continue
            for word in _WORD.finditer(text, start, end):
                name = _TRAILING_POSSESSIVE.sub("", word.group(0))
                if len(name) >= 3 and name[0].isupper() and name.casefold() not in _TITLES:
                    parts.add(name)
    if not parts:
        return [list(found) for found in entities]
    pattern = re.compile(
        r"(?<!\w)(?:"
        + "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))
        + r")(?!\w)"
    )
    result = []
    for text, found in zip(texts, entities, strict=True):
        extra = [
            (m.start(), m.end(), "PERSON")
            for m in pattern.finditer(text)
            if not any(s <= m.start() and m.end() <= e for s, e, _label in found)
        ]
        result.append([*found, *extra])
    return result


def detect(text: str, register: Register, ner_entities: Sequence[Entity] = ()) -> list[Detection]:
    """Everything to replace in ``text``, non-overlapping and sorted by position.

    ``ner_entities`` are the model's ``(start, end, label)`` spans for this exact text
    (every label; the register's ``ner.labels`` choose which are used). Pass none to
    detect with the register and patterns only.
    """
    pattern_hits = find_patterns(text, register.patterns)
    # An e-mail address or URL is replaced whole, even when a registered name sits inside
    # it ("s.rahman@northmoor..."): replacing only the name would leave the rest behind.
    containers = [(h.start, h.end) for h in pattern_hits if h.kind in ("email", "url")]
    taken = [
        d
        for d in find_register_terms(text, register)
        if not any(a <= d.start and d.end <= b for a, b in containers)
    ]
    spans = SpanSet()
    for detection in taken:
        spans.add(detection.start, detection.end)
    allowed = [(m.start, m.end) for m in register.allow_matcher.finditer(text)]

    for hit in pattern_hits:
        if spans.overlaps(hit.start, hit.end):
            continue
        if any(start <= hit.start and hit.end <= end for start, end in allowed):
            continue
        spans.add(hit.start, hit.end)
        taken.append(
            Detection(
                start=hit.start,
                end=hit.end,
                text=text[hit.start : hit.end],
                cls=hit.cls,
                source="pattern",
                key=hit.key,
                detail=hit.kind,
            )
        )

    if register.ner.enabled:
        labels = set(register.ner.labels)
        for start, end, label in sorted(ner_entities):
            if label not in labels or not 0 <= start < end <= len(text):
                continue
            for piece_start, piece_end in _ner_pieces(text, start, end, spans):
                if _covered_by_allowed(text, piece_start, piece_end, allowed):
                    continue
                detection = Detection(
                    start=piece_start,
                    end=piece_end,
                    text=text[piece_start:piece_end],
                    cls=NER_LABEL_CLASSES[label],
                    source="ner",
                    key=canonical_key(text[piece_start:piece_end]),
                    detail=label,
                )
                spans.add(piece_start, piece_end)
                taken.append(detection)
        taken.extend(_repeats_of_ner_hits(text, taken, spans, allowed))
    return sorted(taken, key=lambda d: d.start)


def _repeats_of_ner_hits(
    text: str, taken: Sequence[Detection], spans: SpanSet, allowed: Sequence[tuple[int, int]]
) -> list[Detection]:
    """Other occurrences, in the same text, of exactly what NER found somewhere in it.

    The model judges each mention from its context and often finds a name once and
    misses it the next time ("Bex from the team came along, Bex is brilliant"). Within
    one text, a spelling NER has flagged is replaced everywhere it appears as a word
    (matching case, so that a false "Will" does not turn every "will" into a person).
    """
    first_hits: dict[str, Detection] = {}
    for detection in taken:
        if detection.source == "ner":
            first_hits.setdefault(normalise_key(detection.text, casefold=False), detection)
    if not first_hits:
        return []
    matcher = TermMatcher((d.text, d, True) for d in first_hits.values())
    repeats = []
    for match in matcher.finditer(text):
        if spans.overlaps(match.start, match.end):
            continue
        if _covered_by_allowed(text, match.start, match.end, allowed):
            continue
        spans.add(match.start, match.end)
        repeats.append(
            Detection(
                start=match.start,
                end=match.end,
                text=match.text,
                cls=match.payload.cls,
                source="ner",
                key=match.payload.key,
                detail=match.payload.detail,
            )
        )
    return repeats


def _ner_pieces(text: str, start: int, end: int, taken: SpanSet) -> list[tuple[int, int]]:
    """The parts of an NER span still to replace, trimmed.

    A span nothing else touches is kept whole. A span that overlaps register or pattern
    hits keeps only its leftover stretches that hold a capitalised word other than a
    title, so "John" survives from NER's "John Smith" when the register knows only
    "Smith" (a first name next to a placeholder is still a leak), while the "probation
    office" of "Milton Keynes probation office" is left as ordinary words.
    """
    overlapping = taken.overlapping(start, end)
    if not overlapping:
        trimmed = _trim_entity(text, start, end)
        return [trimmed] if trimmed is not None else []
    pieces: list[tuple[int, int]] = []
    cursor = start
    for other_start, other_end in [*overlapping, (end, end)]:
        if cursor < other_start:
            pieces.extend(_proper_noun_runs(text, cursor, min(other_start, end)))
        cursor = max(cursor, other_end)
    return pieces


def _proper_noun_runs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Runs of capitalised words (titles and fillers excepted) within ``text[start:end]``."""
    runs: list[tuple[int, int]] = []
    for word in _WORD.finditer(text, start, end):
        name = word.group(0)
        if not name[0].isupper() or name.casefold() in _TITLES | _FILLER_WORDS:
            continue
        word_end = word.end()
        possessive = _TRAILING_POSSESSIVE.search(name)
        if possessive and possessive.start() > 0:
            word_end = word.start() + possessive.start()
        if runs and text[runs[-1][1] : word.start()].isspace():
            runs[-1] = (runs[-1][0], word_end)
        else:
            runs.append((word.start(), word_end))
    return runs


def _trim_entity(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop a leading "the", a trailing possessive and surrounding space; None if empty."""
    while start < end and not text[start].isalnum():
        start += 1
    lead = _LEADING_DETERMINER.match(text, start, end)
    if lead:
        start = lead.end()
    possessive = _TRAILING_POSSESSIVE.search(text, start, end)
    if possessive and possessive.start() > start:
        end = possessive.start()
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if not any(char.isalpha() for char in text[start:end]):
        return None  # a bare number or symbol tagged as an entity is not a name
    words = list(_WORD.finditer(text, start, end))
    capitalised = [w for w in words if w.group(0)[0].isupper()]
    if not capitalised:
        # The small model sometimes tags plain words ("... manager rang me, just to say");
        # names of people, places and organisations are written with capitals.
        return None
    # "the Beacon Project for housing": the name ends at its last capitalised word.
    end = min(end, capitalised[-1].end())
    possessive = _TRAILING_POSSESSIVE.search(text, start, end)
    if possessive and possessive.start() > start:
        end = possessive.start()
    return start, end


def _covered_by_allowed(
    text: str, start: int, end: int, allowed: Sequence[tuple[int, int]]
) -> bool:
    """True when the span touches an allowed term and nothing else in it is a real word."""
    touching = [(a, b) for a, b in allowed if a < end and start < b]
    if not touching:
        return False
    outside = list(text[start:end])
    for a, b in touching:
        for position in range(max(a, start), min(b, end)):
            outside[position - start] = " "
    words = re.findall(r"\w+", normalise_key("".join(outside)))
    return all(word in _FILLER_WORDS for word in words)
