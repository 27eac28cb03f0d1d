"""Matching a list of known terms in text: one compiled regex, case-insensitive, word-bounded.

The register (people, places, sites, organisations, custom terms) and the allow-list are
lists of literal phrases. Matching them one by one would cost one pass over the text per
term; instead ``TermMatcher`` compiles every variant into a single alternation, longest
first, so that at any position the longest registered phrase wins ("Priya Castellano"
before "Priya") and the whole text is scanned once.

What counts as "the same phrase" is decided by ``normalise_key``: Unicode NFKC, case
folded, every apostrophe written as ``'``, every dash as ``-``, runs of whitespace as one
space. The regex built for a variant accepts exactly the spellings that normalise to the
variant's key (any whitespace between words, including a line break; straight or curly
apostrophes; any case unless the term asks to match case), so a match is mapped back to
its term with a dictionary lookup on the normalised matched text instead of one regex
group per term.

Word boundaries are ``(?<!\\w)`` and ``(?!\\w)``: "Smith" matches in "Smith's",
"Smith’s", "SMITH" and "(Smith)", never inside "Smithson". A possessive needs no special
case because an apostrophe is not a word character; the "'s" stays outside the match and
so survives replacement ("[Person 1]'s").
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

Payload = TypeVar("Payload")

APOSTROPHES = "'\u2019\u2018\u02bc`\u00b4"
DASHES = "-\u2010\u2011\u2012\u2013"
_APOSTROPHE_CLASS = "[" + re.escape(APOSTROPHES) + "]"
_DASH_CLASS = "[" + re.escape(DASHES) + "]"
_TO_STRAIGHT = str.maketrans({**dict.fromkeys(APOSTROPHES, "'"), **dict.fromkeys(DASHES, "-")})
_POSSESSIVE = re.compile(r"(?:'s|')$")
_WHITESPACE = re.compile(r"\s+")


def normalise_key(text: str, *, casefold: bool = True) -> str:
    """The comparison form of a phrase: NFKC, straight apostrophes, one space, case folded."""
    text = unicodedata.normalize("NFKC", text).translate(_TO_STRAIGHT)
    text = _WHITESPACE.sub(" ", text).strip()
    return text.casefold() if casefold else text


def canonical_key(text: str) -> str:
    """``normalise_key`` without a trailing possessive: "Smith’s" and "SMITH" give "smith"."""
    key = normalise_key(text)
    stripped = _POSSESSIVE.sub("", key)
    return stripped or key


def variant_regex(variant: str) -> str:
    """The regex source accepting every spelling of ``variant`` that normalises alike."""
    words = normalise_key(variant, casefold=False).split(" ")
    pieces = []
    for word in words:
        chars = []
        for char in word:
            if char == "'":
                chars.append(_APOSTROPHE_CLASS)
            elif char == "-":
                chars.append(_DASH_CLASS)
            else:
                chars.append(re.escape(char))
        pieces.append("".join(chars))
    return r"\s+".join(pieces)


@dataclass(frozen=True)
class TermMatch(Generic[Payload]):
    """One occurrence of a registered phrase: character offsets and what it belongs to."""

    start: int
    end: int
    text: str
    payload: Payload


class TermMatcher(Generic[Payload]):
    """All variants of all terms compiled into one word-bounded alternation.

    ``terms`` yields ``(variant, payload, match_case)``. Two variants that normalise to
    the same key must carry the same payload; the register checks this when it loads
    and reports the lines involved, so here it is a programming error.
    """

    def __init__(self, terms: Iterable[tuple[str, Payload, bool]]) -> None:
        self._folded: dict[str, Payload] = {}
        self._exact: dict[str, Payload] = {}
        self._singles: list[tuple[re.Pattern[str], Payload]] = []
        sources: dict[str, str] = {}
        for variant, payload, match_case in terms:
            if not normalise_key(variant):
                continue
            lookup = self._exact if match_case else self._folded
            key = normalise_key(variant, casefold=not match_case)
            if key in lookup and lookup[key] != payload:
                raise ValueError(f"variant key {key!r} registered for two different terms")
            lookup[key] = payload
            body = variant_regex(variant)
            source = f"(?-i:{body})" if match_case else body
            sources[key if not match_case else "\0" + key] = source
            self._singles.append((re.compile(rf"(?:{source})\Z", re.IGNORECASE), payload))
        # Longest first: at a given start the regex engine takes the first alternative
        # that matches, so "Priya Castellano" must come before "Priya".
        ordered = sorted(sources.items(), key=lambda item: (-len(item[0]), item[0]))
        self._regex: re.Pattern[str] | None = None
        if ordered:
            alternation = "|".join(source for _, source in ordered)
            self._regex = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)

    def __bool__(self) -> bool:
        return self._regex is not None

    def finditer(self, text: str) -> Iterator[TermMatch[Payload]]:
        """Non-overlapping occurrences, left to right, longest variant at each start."""
        if self._regex is None:
            return
        for match in self._regex.finditer(text):
            matched = match.group(0)
            yield TermMatch(match.start(), match.end(), matched, self._payload_of(matched))

    def _payload_of(self, matched: str) -> Payload:
        payload = self._exact.get(normalise_key(matched, casefold=False))
        if payload is None:
            payload = self._folded.get(normalise_key(matched))
        if payload is None:
            # Case-insensitive regex matching and str.casefold disagree on a handful of
            # characters (dotted capital I, for one); find the term the slow way.
            payload = next(p for regex, p in self._singles if regex.match(matched))
        return payload


class SpanSet:
    """Non-overlapping ``[start, end)`` spans, sorted, with an O(log n) overlap test.

    Merging detections asks "does this span touch anything already taken?" once per
    candidate; a sorted list and ``bisect`` keep that fast on whole transcripts with
    thousands of hits.
    """

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """The taken spans that share at least one character with ``[start, end)``."""
        index = bisect.bisect_right(self._ends, start)
        found = []
        while index < len(self._starts) and self._starts[index] < end:
            found.append((self._starts[index], self._ends[index]))
            index += 1
        return found

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self._ends, start)
        return index < len(self._starts) and self._starts[index] < end

    def add(self, start: int, end: int) -> None:
        """Take a span; the caller has checked that it overlaps nothing taken."""
        index = bisect.bisect_left(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)
