"""Character positions in REFI-QDA selections, and the conventions tools really use.

The standard says a ``PlainTextSelection`` counts characters of the source's plain text
from 0, with an exclusive end. themekit stores every offset as a code-point index into
the *canonical* text (line endings normalised to ``"\\n"``), so for a well-behaved file
the two agree. Real exports differ in two ways:

* NVivo (and other .NET or Java programs) count UTF-16 code units: a character outside
  the Basic Multilingual Plane (an emoji, some CJK) counts as two;
* a Windows line break ``"\\r\\n"`` in the exported text counts as two characters, while
  themekit's canonical text holds one ``"\\n"`` for it.

A ``Convention`` names one way of counting; an ``OffsetMap`` converts between canonical
offsets and the offsets of one convention for one text. An external offset that falls
inside a character (between the halves of a surrogate pair, or between the CR and the
LF of a Windows line break) maps to nothing: it cannot have come from that convention.

``detect_convention`` picks, per source, the convention under which its selections make
most sense: first the most selections whose ``name`` (many tools store the selected
text there) matches the text they cover, then the most selections that fit the text at
all, then the most that start and end on word boundaries (a shifted convention cuts
words), then the standard's own counting. Every selection is then checked under the
chosen convention (``check_selection``); one that does not fit is reported, never
placed somewhere else.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class Convention(str, Enum):
    """How a tool counted positions (``value`` is shown in reports)."""

    CODEPOINTS = "code points"
    UTF16_CRLF = "UTF-16 units, CRLF as two"
    UTF16 = "UTF-16 units"
    CODEPOINTS_CRLF = "code points, CRLF as two"

    @property
    def utf16(self) -> bool:
        return self in (Convention.UTF16, Convention.UTF16_CRLF)

    @property
    def crlf(self) -> bool:
        return self in (Convention.CODEPOINTS_CRLF, Convention.UTF16_CRLF)


#: Preference when the evidence ties: the standard first, then what NVivo writes.
PREFERENCE: tuple[Convention, ...] = (
    Convention.CODEPOINTS,
    Convention.UTF16_CRLF,
    Convention.UTF16,
    Convention.CODEPOINTS_CRLF,
)


@dataclass(frozen=True)
class SourceText:
    """A source's text as exported (``raw``) and as themekit stores it (``canonical``).

    ``crlf_breaks`` holds the canonical offsets of the ``"\\n"`` characters that were
    ``"\\r\\n"`` in the raw text (a lone ``"\\r"`` became ``"\\n"`` and still counts one).
    """

    raw: str
    canonical: str
    crlf_breaks: frozenset[int]

    @classmethod
    def from_raw(cls, raw: str) -> SourceText:
        parts: list[str] = []
        breaks: set[int] = set()
        length = 0
        position = 0
        while True:
            found = raw.find("\r", position)
            if found == -1:
                parts.append(raw[position:])
                break
            parts.append(raw[position:found])
            length += found - position
            parts.append("\n")
            if raw.startswith("\r\n", found):
                breaks.add(length)
                position = found + 2
            else:
                position = found + 1
            length += 1
        return cls(raw, "".join(parts), frozenset(breaks))

    @property
    def has_astral(self) -> bool:
        """True when some character lies outside the BMP (two UTF-16 units)."""
        return any(ord(ch) > 0xFFFF for ch in self.canonical)

    def conventions(self) -> list[Convention]:
        """The conventions that count this text differently, in order of preference."""
        out = []
        for convention in PREFERENCE:
            if convention.utf16 and not self.has_astral:
                continue
            if convention.crlf and not self.crlf_breaks:
                continue
            out.append(convention)
        return out


class OffsetMap:
    """Converts between canonical code-point offsets and one convention's offsets."""

    def __init__(self, text: SourceText, convention: Convention) -> None:
        self.text = text
        self.convention = convention
        self._identity = not (
            (convention.utf16 and text.has_astral) or (convention.crlf and text.crlf_breaks)
        )
        self._external: list[int] = []
        if not self._identity:
            # external[i] is the external offset of canonical offset i (0..len).
            external = [0] * (len(text.canonical) + 1)
            total = 0
            for index, ch in enumerate(text.canonical):
                external[index] = total
                width = 2 if convention.utf16 and ord(ch) > 0xFFFF else 1
                if convention.crlf and index in text.crlf_breaks:
                    width += 1
                total += width
            external[len(text.canonical)] = total
            self._external = external

    @property
    def length(self) -> int:
        """The text's length counted in this convention."""
        return self._external[-1] if self._external else len(self.text.canonical)

    def to_external(self, offset: int) -> int:
        if not 0 <= offset <= len(self.text.canonical):
            raise ValueError(f"offset {offset} is outside the text")
        return self._external[offset] if self._external else offset

    def to_canonical(self, offset: int) -> int | None:
        """The canonical offset, or None when ``offset`` is outside the text or inside a
        character of this convention."""
        if not 0 <= offset <= self.length:
            return None
        if not self._external:
            return offset
        index = bisect_left(self._external, offset)
        if index < len(self._external) and self._external[index] == offset:
            return index
        return None


def to_utf16_crlf(raw: str, offset: int) -> int:
    """A canonical offset of ``raw``'s text counted as NVivo does (a convenience)."""
    return OffsetMap(SourceText.from_raw(raw), Convention.UTF16_CRLF).to_external(offset)


def from_utf16_crlf(raw: str, offset: int) -> int | None:
    """The canonical offset of an NVivo-style offset into ``raw`` (None if impossible)."""
    return OffsetMap(SourceText.from_raw(raw), Convention.UTF16_CRLF).to_canonical(offset)


@dataclass(frozen=True)
class Selection:
    """What detection needs from a selection: its positions and, if any, its name."""

    start: int
    end: int
    name: str | None = None


@dataclass(frozen=True)
class Placement:
    """A selection checked under a convention: canonical span, or why it does not fit."""

    span: tuple[int, int] | None
    problem: str | None = None
    name_matches: bool = False


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def name_matches_text(name: str | None, text: str) -> bool:
    """True when ``name`` is the selected text, or its start (tools truncate names,
    sometimes with an ellipsis); whitespace and case are ignored."""
    if not name:
        return False
    wanted = _normalise(name)
    for ellipsis in ("...", "\u2026"):
        wanted = wanted.removesuffix(ellipsis).rstrip()
    return bool(wanted) and _normalise(text).startswith(wanted)


def check_selection(offsets: OffsetMap, selection: Selection, *, names_are_text: bool) -> Placement:
    """Place ``selection`` in the canonical text, or say why it cannot be placed."""
    length = offsets.length
    if selection.start < 0 or selection.end > length:
        return Placement(
            None,
            f"positions {selection.start}-{selection.end} lie outside the text"
            f" ({length} characters counted as {offsets.convention.value})",
        )
    if selection.end <= selection.start:
        return Placement(None, f"positions {selection.start}-{selection.end} select nothing")
    start = offsets.to_canonical(selection.start)
    end = offsets.to_canonical(selection.end)
    if start is None or end is None:
        return Placement(
            None,
            f"positions {selection.start}-{selection.end} cut a character in two"
            f" (counted as {offsets.convention.value})",
        )
    text = offsets.text.canonical[start:end]
    matches = name_matches_text(selection.name, text)
    if names_are_text and selection.name and not matches:
        return Placement(
            None,
            f"positions {selection.start}-{selection.end} select text that differs from the"
            " selection's name",
        )
    return Placement((start, end), None, matches)


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    def starts_word(i: int) -> bool:
        return i == 0 or not text[i - 1].isalnum() or not text[i].isalnum()

    def ends_word(i: int) -> bool:
        return i == len(text) or not text[i].isalnum() or not text[i - 1].isalnum()

    return starts_word(start) and ends_word(end)


@dataclass(frozen=True)
class Detection:
    convention: Convention
    names_are_text: bool
    fitting: int
    total: int


def detect_convention(text: SourceText, selections: Sequence[Selection]) -> Detection:
    """The convention under which ``selections`` fit ``text`` best (see module docstring)."""
    best: tuple[tuple[int, int, int, int, int], Convention] | None = None
    for rank, convention in enumerate(text.conventions()):
        offsets = OffsetMap(text, convention)
        names = fits = boundaries = named = 0
        for selection in selections:
            placed = check_selection(offsets, selection, names_are_text=False)
            if placed.span is None:
                continue
            fits += 1
            named += bool(selection.name)
            names += placed.name_matches
            boundaries += _on_word_boundaries(text.canonical, *placed.span)
        score = (names, fits, boundaries, -rank)
        if best is None or score[:4] > best[0][:4]:
            best = ((*score, named), convention)
    assert best is not None  # conventions() always holds CODEPOINTS
    (names, fits, _b, _r, named), convention = best
    # Names are the selected text when most named selections match (a coincidental
    # match of a short label such as a speaker's name must not turn the check on).
    return Detection(convention, names > 0 and 2 * names >= named, fits, len(selections))
