"""Sentence boundaries in pure Python, matching spaCy's rule-based sentencizer.

Importing spaCy costs about two seconds, more than the rest of a one-file import, and
themekit only ever used its punctuation rules (``spacy.blank("en")`` + ``sentencizer``).
This module reproduces what that pipeline decides, from what it documents and from its
observed behaviour, without spaCy:

* a sentence ends at ``.``, ``!`` or ``?`` that stands as a token of its own; the next
  sentence starts at the first following word that is not punctuation, so closing quotes
  and brackets stay with the sentence they close;
* a full stop is *not* a token of its own, and so ends nothing, in abbreviations
  (``ABBREVIATIONS``: "Dr.", "Mr.", "Jan.", "vs.", ...), single letters ("J.", "a."),
  dotted forms ("e.g.", "a.m.", "U.K.", "Ph.D.") and decimals ("3.5");
* an ellipsis ("...", "…") ends nothing;
* a full stop between a lower-case and an upper-case letter ("done.Then") is split off.

``benchmarks/bench_sentences.py`` measures the agreement with spaCy on the bundled
sample (target: at least 99% of sentences identical) and the time saved; the spaCy path
stays available in ``segment.py`` (``SENTENCE_SPLITTER = "spacy"``) for that comparison.
"""

from __future__ import annotations

import re
import unicodedata

# fmt: off
#: Words whose full stop belongs to them (case-sensitive, as written).
ABBREVIATIONS = frozenset(
    [
        "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Jr.", "St.", "Mt.", "Messrs.", "Gov.", "Sen.",
        "Rep.", "Gen.", "Adm.", "Rev.", "Inc.", "Ltd.", "Co.", "Corp.", "Bros.", "vs.", "v.",
        "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.", "Nov.",
        "Dec.", "Ala.", "Ariz.", "Ark.", "Calif.", "Colo.", "Conn.", "Del.", "Fla.", "Ga.",
        "Ill.", "Ind.", "Kan.", "Ky.", "La.", "Md.", "Mass.", "Mich.", "Minn.", "Miss.", "Mo.",
        "Neb.", "Nev.", "Okla.", "Ore.", "Pa.", "Tenn.", "Va.", "Wash.", "Wis.", "c.",
    ]
)
# fmt: on
#: Characters that end a sentence when they stand alone (the sentencizer's own list is
#: longer; these are the ones English transcripts use, plus full-width forms).
SENTENCE_END = frozenset(".!?\u203c\u203d\u2047\u2048\u2049\uff0e\uff01\uff1f\u3002")

_CHUNK = re.compile(r"\S+")
_DOTTED = re.compile(r"(?:[^\W\d_]{1,2}\.){2,}")
_SINGLE_LETTER = re.compile(r"[^\W\d_]\.")
_INFIX_STOP = re.compile(r"(?<=[a-z])\.(?=[A-Z])")


def _is_punct(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def _first_word_char(chunk: str) -> int | None:
    """Index of the first character of ``chunk`` that is not punctuation, if any."""
    for index, char in enumerate(chunk):
        if not _is_punct(char):
            return index
    return None


def _keeps_its_stop(word: str) -> bool:
    """Whether a word ending in "." keeps the stop (an abbreviation, "J.", "e.g.")."""
    return (
        word in ABBREVIATIONS
        or _SINGLE_LETTER.fullmatch(word) is not None
        or _DOTTED.fullmatch(word) is not None
    )


def _ends_sentence(chunk: str) -> bool:
    """Whether ``chunk`` (a run of non-space characters) holds a sentence-ending token."""
    end = len(chunk)
    # Closing quotes and brackets after the stop are tokens of their own.
    while end > 0 and _is_punct(chunk[end - 1]) and chunk[end - 1] not in SENTENCE_END:
        end -= 1
    core = chunk[:end]
    if not core:
        return False
    last = core[-1]
    if last not in SENTENCE_END:
        return False
    if last != "." and last != "\uff0e":
        return True  # "?" and "!" are always tokens of their own
    if core.endswith(".."):
        return False  # an ellipsis
    start = _first_word_char(core)
    if start is None:
        return core == "."
    return not _keeps_its_stop(core[start:])


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` (one paragraph), without edge spaces."""
    starts: list[int] = []
    seen_end = False
    previous_end = 0
    for found in _CHUNK.finditer(text):
        chunk = found.group()
        if seen_end:
            gap = text[previous_end : found.start()]
            word = _first_word_char(chunk)
            if gap != " " and starts:
                starts.append(found.start())  # more than one space is a token of its own
                seen_end = False
            elif word is not None:
                starts.append(found.start() + word)
                seen_end = False
        if not starts:
            starts.append(found.start())
        if not _keeps_its_stop(chunk.lstrip("\"'([{\u201c\u2018")):
            for infix in _INFIX_STOP.finditer(chunk):
                starts.append(found.start() + infix.end())
        if _ends_sentence(chunk):
            seen_end = True
        previous_end = found.end()
    pieces = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            pieces.append((start, end))
    return pieces
