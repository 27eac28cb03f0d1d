"""Character positions in REFI-QDA selections, and the conventions tools really use.

The standard says a ``PlainTextSelection`` counts characters of the source's plain text
from 0, with an exclusive end. themekit stores every offset as a code-point index into
the *canonical* text (line endings normalised to ``"\\n"``, no byte-order mark), so for
a well-behaved file the two agree. Real exports differ in four independent ways:

* NVivo (and other .NET or Java programs) count UTF-16 code units: a character outside
  the Basic Multilingual Plane (an emoji, some CJK) counts as two;
* a Windows line break ``"\\r\\n"`` in the exported text counts as two characters, while
  themekit's canonical text holds one ``"\\n"`` for it;
* some tools give the position of the *last* selected character (an inclusive end);
* a source file that starts with a byte-order mark may have it counted as character 0.

A ``Convention`` is one combination of those; an ``OffsetMap`` converts between
canonical offsets and the offsets of one convention for one text. An external offset
that falls inside a character (between the halves of a surrogate pair, or between the
CR and the LF of a Windows line break) maps to nothing: it cannot have come from that
convention. The map holds only the positions of the characters that count two, so it
costs next to nothing for a text without any, and a lookup is a binary search.

**Detection is per source, verification per selection.** ``detect_convention`` tries
every convention that counts this text differently and scores how the selections land
under each: first the most selections whose ``name`` (many tools store the selected
text there) matches the text they cover; then where the selections land: a point for
each that cuts no word and another for each that also starts and ends tightly on a word
or line edge, no white space taken in (a shifted counting cuts words; an inclusive end
read as exclusive cuts the last letter, an exclusive one read as inclusive takes in the
next space); on a tie, the more usual counting (the standard's first). Whether a
selection merely fits inside the text scores nothing: that is how one selection off by
one used to drag a whole source onto the wrong counting.

Every selection is then checked under the chosen convention (``check_selection``): one
that lies outside the text, cuts a character in two, or cuts a word (unless its name
confirms the words) is a *misfit*. A misfit is skipped, or with ``snap`` moved to the
nearest character or word boundary; either way the ``Placement`` says what and why, and
the importer reports it with the selection's GUID and offsets. Nothing else moves.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Convention:
    """How a tool counted positions (``value`` is shown in reports)."""

    utf16: bool = False
    crlf: bool = False
    inclusive_end: bool = False
    bom: bool = False

    CODEPOINTS: ClassVar[Convention]
    UTF16_CRLF: ClassVar[Convention]
    UTF16: ClassVar[Convention]
    CODEPOINTS_CRLF: ClassVar[Convention]

    @property
    def value(self) -> str:
        parts = ["UTF-16 units" if self.utf16 else "code points"]
        if self.crlf:
            parts.append("CRLF as two")
        if self.inclusive_end:
            parts.append("end inclusive")
        if self.bom:
            parts.append("byte-order mark counted")
        return ", ".join(parts)

    @property
    def standard(self) -> bool:
        return self == Convention.CODEPOINTS


Convention.CODEPOINTS = Convention()
Convention.UTF16_CRLF = Convention(utf16=True, crlf=True)
Convention.UTF16 = Convention(utf16=True)
Convention.CODEPOINTS_CRLF = Convention(crlf=True)

#: Preference when the evidence ties: the standard first, then what NVivo writes; an
#: exclusive end before an inclusive one, a byte-order mark not counted before counted.
_COUNTING: tuple[Convention, ...] = (
    Convention.CODEPOINTS,
    Convention.UTF16_CRLF,
    Convention.UTF16,
    Convention.CODEPOINTS_CRLF,
)
PREFERENCE: tuple[Convention, ...] = tuple(
    Convention(c.utf16, c.crlf, inclusive, bom) if inclusive or bom else c
    for bom in (False, True)
    for inclusive in (False, True)
    for c in _COUNTING
)


def all_conventions() -> Iterator[Convention]:
    """Every convention themekit knows, in order of preference."""
    return iter(PREFERENCE)


@dataclass(frozen=True)
class SourceText:
    """A source's text as exported (``raw``) and as themekit stores it (``canonical``).

    ``crlf_breaks`` holds the canonical offsets of the ``"\\n"`` characters that were
    ``"\\r\\n"`` in the raw text (a lone ``"\\r"`` became ``"\\n"`` and still counts one);
    ``bom`` is True when the exported text began with a byte-order mark (removed here).
    """

    raw: str
    canonical: str
    crlf_breaks: frozenset[int]
    bom: bool = False

    @classmethod
    def from_raw(cls, raw: str, *, bom: bool = False) -> SourceText:
        if raw.startswith("\ufeff"):
            raw, bom = raw[1:], True
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
        return cls(raw, "".join(parts), frozenset(breaks), bom)

    @property
    def has_astral(self) -> bool:
        """True when some character lies outside the BMP (two UTF-16 units)."""
        return _ASTRAL.search(self.canonical) is not None

    def conventions(self) -> list[Convention]:
        """The conventions worth trying for this text, in order of preference: counting
        that gives the same answers for this text is tried once; a byte-order mark only
        where the text had one."""
        astral = self.has_astral
        out = []
        for convention in PREFERENCE:
            if convention.utf16 and not astral:
                continue
            if convention.crlf and not self.crlf_breaks:
                continue
            if convention.bom and not self.bom:
                continue
            out.append(convention)
        return out

    def wide_characters(self, convention: Convention) -> list[int]:
        """Canonical offsets of the characters that count two under ``convention``."""
        wide: set[int] = set()
        if convention.utf16:
            wide.update(m.start() for m in _ASTRAL.finditer(self.canonical))
        if convention.crlf:
            wide.update(self.crlf_breaks)
        return sorted(wide)


class OffsetMap:
    """Converts between canonical code-point offsets and one convention's offsets.

    ``_wide_external[k]`` is the external offset at which the k-th character that
    counts two begins; an external offset one past such a start is inside it.
    """

    def __init__(self, text: SourceText, convention: Convention) -> None:
        self.text = text
        self.convention = convention
        self._shift = 1 if convention.bom else 0
        self._wide = text.wide_characters(convention)
        self._wide_external = [offset + k for k, offset in enumerate(self._wide)]

    @property
    def length(self) -> int:
        """The text's length counted in this convention."""
        return len(self.text.canonical) + len(self._wide) + self._shift

    def to_external(self, offset: int) -> int:
        if not 0 <= offset <= len(self.text.canonical):
            raise ValueError(f"offset {offset} is outside the text")
        return offset + bisect_left(self._wide, offset) + self._shift

    def to_canonical(self, offset: int) -> int | None:
        """The canonical offset, or None when ``offset`` is outside the text or inside a
        character of this convention."""
        if not self._shift <= offset <= self.length:
            return None
        offset -= self._shift
        before = bisect_left(self._wide_external, offset)
        if before and self._wide_external[before - 1] == offset - 1:
            return None
        return offset - before

    def external_end(self, end: int) -> int:
        """The exclusive end of a selection whose file says ``end``."""
        return end + 1 if self.convention.inclusive_end else end


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
    """A selection checked under a convention.

    ``span`` is the canonical span it is placed at, or None when it is skipped;
    ``problem`` says why it did not fit (None: it fits exactly); ``snapped`` is True when
    it was moved to the nearest boundary instead of being skipped.
    """

    span: tuple[int, int] | None
    problem: str | None = None
    name_matches: bool = False
    snapped: bool = False

    @property
    def exact(self) -> bool:
        return self.span is not None and self.problem is None


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


def splits_word(text: str, offset: int) -> bool:
    """True when ``offset`` falls between two letters or digits of one word."""
    return 0 < offset < len(text) and text[offset - 1].isalnum() and text[offset].isalnum()


def _tight(text: str, start: int, end: int) -> bool:
    """Both ends on a word or line edge: no white space selected at either end."""
    return (
        start < len(text)
        and not text[start].isspace()
        and end > 0
        and not text[end - 1].isspace()
        and not splits_word(text, start)
        and not splits_word(text, end)
    )


_SNAP_REACH = 40  # characters searched either way for a word boundary


def _snap_word(text: str, offset: int, *, prefer_left: bool) -> int | None:
    """The nearest offset that cuts no word (ties go to ``prefer_left``'s side)."""
    for distance in range(1, _SNAP_REACH + 1):
        left, right = offset - distance, offset + distance
        candidates = [left, right] if prefer_left else [right, left]
        for candidate in candidates:
            if 0 <= candidate <= len(text) and not splits_word(text, candidate):
                return candidate
    return None


def _snap_character(offsets: OffsetMap, external: int, *, is_start: bool) -> int | None:
    """The nearest character boundary to ``external`` (one unit either way). Both are
    as near, so take the one that keeps the selected character, unless that would only
    add white space (an end between CR and LF keeps the line, not its break)."""
    text = offsets.text.canonical
    below, above = offsets.to_canonical(external - 1), offsets.to_canonical(external + 1)
    if is_start:
        keep, other = below, above
        adds_space = keep is not None and keep < len(text) and text[keep].isspace()
    else:
        keep, other = above, below
        adds_space = keep is not None and keep > 0 and text[keep - 1].isspace()
    if keep is None or (adds_space and other is not None):
        return other
    return keep


def check_selection(
    offsets: OffsetMap, selection: Selection, *, names_are_text: bool, snap: bool = False
) -> Placement:
    """Place ``selection`` in the canonical text, or say why it cannot be placed.

    With ``snap``, a selection that ends past the text, cuts a character or cuts a word
    is moved to the nearest boundary (start outwards first, end outwards first) instead
    of being skipped; the placement still names the problem.
    """
    convention = offsets.convention
    text = offsets.text.canonical
    length = offsets.length
    start_ext, end_ext = selection.start, offsets.external_end(selection.end)
    where = f"positions {selection.start}-{selection.end}"
    if end_ext <= start_ext:
        return Placement(None, f"{where} select nothing")
    if start_ext < offsets.to_external(0) or start_ext >= length:
        return Placement(
            None,
            f"{where} lie outside the text ({length} characters counted as {convention.value})",
        )
    problems: list[str] = []
    if end_ext > length:
        problems.append(
            f"{where} end past the text ({length} characters counted as {convention.value})"
        )
        if not snap:
            return Placement(None, problems[0])
        end_ext = length
    start = offsets.to_canonical(start_ext)
    end = offsets.to_canonical(end_ext)
    if start is None or end is None:
        problems.append(f"{where} cut a character in two (counted as {convention.value})")
        if not snap:
            return Placement(None, problems[-1])
        if start is None:
            start = _snap_character(offsets, start_ext, is_start=True)
        if end is None:
            end = _snap_character(offsets, end_ext, is_start=False)
        if start is None or end is None or end <= start:
            return Placement(None, "; ".join(problems))
    matches = name_matches_text(selection.name, text[start:end])
    if names_are_text and selection.name and not matches:
        return Placement(None, f"{where} select text that differs from the selection's name")
    if not matches and (splits_word(text, start) or splits_word(text, end)):
        problems.append(f"{where} cut a word ({_quote_cut(text, start, end)})")
        if not snap:
            return Placement(None, problems[-1])
        if splits_word(text, start):
            start = _snap_word(text, start, prefer_left=True)
        if splits_word(text, end):
            end = _snap_word(text, end, prefer_left=False)
        if start is None or end is None or end <= start:
            return Placement(None, "; ".join(problems))
    if not problems:
        return Placement((start, end), None, matches)
    return Placement((start, end), "; ".join(problems), matches, snapped=True)


def _quote_cut(text: str, start: int, end: int) -> str:
    """Where a word is cut, by character offsets only (messages carry no interview text)."""
    cuts = []
    if splits_word(text, start):
        cuts.append(f"start at character {start}")
    if splits_word(text, end):
        cuts.append(f"end at character {end}")
    return " and ".join(cuts) + " of the stored text"


@dataclass(frozen=True)
class Detection:
    convention: Convention
    names_are_text: bool
    fitting: int
    total: int
    on_boundaries: int = 0


def detect_convention(text: SourceText, selections: Sequence[Selection]) -> Detection:
    """The convention under which ``selections`` fit ``text`` best (see module docstring)."""
    canonical = text.canonical
    best: tuple[tuple[int, int, int], Convention, tuple[int, int, int]] | None = None
    for rank, convention in enumerate(text.conventions()):
        offsets = OffsetMap(text, convention)
        names = fits = boundaries = tight = named = 0
        for selection in selections:
            start_ext, end_ext = selection.start, offsets.external_end(selection.end)
            if end_ext <= start_ext or end_ext > offsets.length:
                continue
            start, end = offsets.to_canonical(start_ext), offsets.to_canonical(end_ext)
            if start is None or end is None:
                continue
            fits += 1
            named += bool(selection.name)
            names += name_matches_text(selection.name, canonical[start:end])
            if not (splits_word(canonical, start) or splits_word(canonical, end)):
                boundaries += 1
                tight += _tight(canonical, start, end)
        # Whether a selection fits at all is no evidence (see the module docstring), so
        # it does not score; a tie goes to the more usual counting.
        score = (names, boundaries + tight, -rank)
        if best is None or score > best[0]:
            best = (score, convention, (named, fits, boundaries))
    assert best is not None  # conventions() always holds CODEPOINTS
    (names, _quality, _rank), convention, (named, fits, boundaries) = best
    # Names are the selected text when most named selections match (a coincidental
    # match of a short label such as a speaker's name must not turn the check on).
    return Detection(
        convention, names > 0 and 2 * names >= named, fits, len(selections), boundaries
    )
