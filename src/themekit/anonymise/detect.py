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
from functools import cache
from typing import Literal

from themekit.anonymise.names import (
    CALENDAR_WORDS,
    INSTITUTION_WORDS,
    TITLES,
    WORD,
    after_article,
    is_capitalised,
    is_first_name,
    is_word_name,
    name_context,
    next_word,
    ordinary_context,
    sentence_initial,
    word_set,
)
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

Source = Literal["register", "ner", "pattern", "rule"]

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
    # Why, in words, for the preview: "registered, after a verb of speech", "title",
    # "first-name list, before a surname", "NER PERSON"...
    reason: str = ""


@dataclass(frozen=True)
class Candidate:
    """Something that may be a name but was left in the text, for the researcher to review.

    ``reason`` says why it was noticed and why it was kept ("capitalised mid-sentence",
    "NER ORG, also an ordinary word").
    """

    start: int
    end: int
    text: str
    reason: str


# Acronyms of public services and programmes that identify nobody; never replaced by NER
# or the name rules (a register entry still wins). Plurals are listed because allowed
# terms match whole words.
PUBLIC_ACRONYMS = tuple(
    sorted(
        word_set(
            """
            CBT A&E ICB ICBs CPS PCC IG NHS GP GPs MHTR MHTRs CMHT CMHTs DWP PIP ESA UC CAMHS
            IAPT DBT ADHD PTSD OCD ASD NICE CQC ED ICU OT SALT HR IT UK EU MP MPs DRR ATR
            RAR CSTR CSTRs DRRs ATRs RARs AA NA PDF TV DNA ID CRC NPS HMPPS MoJ CJS PSR
            L&D LD SMI EUPD BPD IPS
            """
        )
    )
)


def register_key(entry: RegisterEntry) -> str:
    """The pseudonym key every variant of a register entry shares."""
    return canonical_key(entry.name)


def find_register_terms(text: str, register: Register) -> list[Detection]:
    """Every occurrence of a registered name, alias or derived form (one regex pass)."""
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
            reason=reason,
        )
        for match, reason in register.find_forms(text)
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


def detect(
    text: str,
    register: Register,
    ner_entities: Sequence[Entity] = (),
    *,
    lower_words: frozenset[str] | None = None,
) -> list[Detection]:
    """Everything to replace in ``text``, non-overlapping and sorted by position.

    ``ner_entities`` are the model's ``(start, end, label)`` spans for this exact text
    (every label; the register's ``ner.labels`` choose which are used). Pass none to
    detect with the register and patterns only. ``lower_words`` are the words the
    batch of texts uses in lower case (default: this text's), which marks a capitalised
    word as an ordinary one.
    """
    return detect_with_candidates(text, register, ner_entities, lower_words=lower_words)[0]


def detect_with_candidates(
    text: str,
    register: Register,
    ner_entities: Sequence[Entity] = (),
    *,
    lower_words: frozenset[str] | None = None,
    known_people: Register | None = None,
) -> tuple[list[Detection], list[Candidate]]:
    """``detect``, plus the capitalised words and NER hits left in the text for review.

    ``known_people`` (see ``people_register``) are names the project holds outside the
    register; they are found after the register, with the same forms and rules.
    """
    if lower_words is None:
        lower_words = lowercase_words([text])
    candidates: list[Candidate] = []
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
    if known_people is not None and known_people.entries:
        for match, reason in known_people.find_forms(text):
            if spans.overlaps(match.start, match.end) or any(
                a <= match.start and match.end <= b for a, b in containers
            ):
                continue
            entry, _number = match.payload
            spans.add(match.start, match.end)
            taken.append(
                Detection(
                    start=match.start,
                    end=match.end,
                    text=match.text,
                    cls="Person",
                    source="rule",
                    key=canonical_key(entry.name),
                    detail="speaker label",
                    reason=reason.replace("registered", "speaker label or participant name"),
                )
            )
    allowed = [(m.start, m.end) for m in register.allow_matcher.finditer(text)]
    allowed += [(m.start, m.end) for m in _public_acronyms().finditer(text)]

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
                reason=f"pattern: {hit.kind.replace('_', ' ')}",
            )
        )

    rules = register.ner.enabled and "PERSON" in register.ner.labels
    if rules:
        taken.extend(_titled_names(text, spans, allowed))
    if register.ner.enabled and set(register.ner.labels) & {"GPE", "LOC"}:
        taken.extend(_hyphenated_places(text, spans, allowed))
    if register.ner.enabled:
        labels = set(register.ner.labels)
        for start, end, label in sorted(ner_entities):
            if label not in labels or not 0 <= start < end <= len(text):
                continue
            for piece_start, piece_end in _ner_pieces(text, start, end, spans):
                if _covered_by_allowed(text, piece_start, piece_end, allowed):
                    continue
                cls = NER_LABEL_CLASSES[label]
                ordinary = _ordinary_word_hit(text, piece_start, piece_end, label, lower_words)
                if ordinary is not None:
                    candidates.append(
                        Candidate(piece_start, piece_end, text[piece_start:piece_end], ordinary)
                    )
                    continue
                if (
                    cls == "Person"
                    and _after_place_word(text, piece_start)
                    and name_context(text, piece_start, piece_end) is None
                    and (
                        _after_place_word(text, piece_start, strong=True)
                        or not is_first_name(WORD.findall(text[piece_start:piece_end])[0])
                    )
                ):
                    cls = "Place"  # "in Milton Keynes": a town, whatever the model said
                if cls == "Place":
                    piece_start, piece_end = _whole_place(
                        text, piece_start, piece_end, spans, allowed
                    )
                if spans.overlaps(piece_start, piece_end):
                    continue
                if cls != "Person" and name_context(text, piece_start, piece_end) in (
                    "before 'who'",
                    "after a title",
                ):
                    cls = "Person"  # "Bex, who runs the drop-in": a person, whatever the label
                detection = Detection(
                    start=piece_start,
                    end=piece_end,
                    text=text[piece_start:piece_end],
                    cls=cls,
                    source="ner",
                    key=canonical_key(text[piece_start:piece_end]),
                    detail=label,
                    reason=f"NER {label}",
                )
                spans.add(piece_start, piece_end)
                taken.append(detection)
        taken.extend(_repeats_of_ner_hits(text, taken, spans, allowed))
    if rules:
        taken.extend(_listed_first_names(text, spans, allowed, lower_words))
        candidates.extend(_capitalised_leftovers(text, spans, allowed, lower_words, candidates))
    # A word noticed once and replaced later (a repeat of a name found elsewhere) is done.
    candidates = [c for c in candidates if not spans.overlaps(c.start, c.end)]
    return sorted(taken, key=lambda d: d.start), sorted(candidates, key=lambda c: c.start)


# A word starting with a capital (the name rules look at no other): a quick first filter,
# several times faster than testing every word of a long text.
_CAPITALISED_WORD = re.compile(
    r"(?<![\w" + re.escape(APOSTROPHES) + r"-])[A-Z]\w*(?:[" + re.escape(APOSTROPHES) + r"-]\w+)*"
)


def people_register(names: Sequence[str], register: Register) -> Register | None:
    """A register of people from ``names`` (speaker labels...), less what ``register``
    already matches or allows; None when nothing is left."""
    known = {normalise_key(form.text) for form in register.forms}
    known |= {normalise_key(term) for term in register.allow}
    entries: list[RegisterEntry] = []
    for name in dict.fromkeys(" ".join(n.split()) for n in names):
        if len(name) < 2 or normalise_key(name) in known:
            continue
        known.add(normalise_key(name))
        entries.append(
            RegisterEntry(
                name=name,
                cls="Person",
                section="people",
                index=len(entries) + 1,
                # A one-word name that is also a word ("Grace") only as written.
                match_case=" " not in name and is_word_name(name),
            )
        )
    if not entries:
        return None
    return Register(entries=tuple(entries), allow=register.allow, source="speaker labels")


_LOWER_WORD = re.compile(r"(?<![\w" + re.escape(APOSTROPHES) + r"])[a-z][a-z]+(?!\w)")


_ADDRESS = re.compile(r"\S*[@/]\S*|(?<!\w)www\.\S+")


def lowercase_words(texts: Sequence[str]) -> frozenset[str]:
    """Every word written in lower case somewhere in ``texts`` ("market", "grace").

    E-mail addresses and URLs are left out: "northmoor" in an address says nothing
    about whether "Northmoor" is an ordinary word.
    """
    return frozenset(
        word for text in texts for word in _LOWER_WORD.findall(_ADDRESS.sub(" ", text))
    )


@cache
def _public_acronyms() -> TermMatcher[str]:
    return TermMatcher((term, term, True) for term in PUBLIC_ACRONYMS)


def _ordinary_word_hit(
    text: str, start: int, end: int, label: str, lower_words: frozenset[str]
) -> str | None:
    """Why an NER hit of one word is an ordinary word and stays, or None to replace it.

    One capitalised word the model tags is kept when it is also an ordinary word (used
    in lower case in the texts, or a first name that is also a word) and nothing around
    it says it is a name: "Mark my words", sentence-initial "Said", "Motivation" as an
    organisation, "the Grant money".
    """
    words = WORD.findall(text[start:end])
    if len(words) != 1:
        return None
    word = words[0]
    if word.isupper():
        return None  # an acronym: on an allow-list, or replaced
    context = name_context(text, start, end) if label == "PERSON" else None
    if context is not None:
        return None
    if label == "PERSON" and after_article(text, start):
        return f"NER {label} after an article or possessive"
    if not is_word_name(word, lower_words):
        return None
    if label != "PERSON" and not ordinary_context(text, start):
        return None  # "referred him to Anchor": a capitalised word used as a name
    return f"NER {label}, also an ordinary word, no name context"


_NAME_WORD = r"[A-Z][\w-]*[a-z][\w-]*"
_TITLED = re.compile(
    r"(?<![\w" + re.escape(APOSTROPHES) + r"])(?P<title>Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Cllr"
    r"|Councillor|Judge|Sister|Father|Sir|Dame|Nurse|PC|DC|DS|Sgt|Rev|Revd)\.?[ \t]+"
    rf"(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD})?)"
)


_HYPHENATED_PLACE = re.compile(
    r"(?<![\w-])[A-Z][a-z]+(?:[-\u2010\u2011](?:on|upon|under|in|le|la|by|over|cum|next|the"
    r"|en|sur|de|du|super|juxta|with|at|sub)(?:[-\u2010\u2011](?:the|la|le))?"
    r"[-\u2010\u2011][A-Z][a-z]+)+(?![\w-])"
)


def _hyphenated_places(
    text: str, spans: SpanSet, allowed: Sequence[tuple[int, int]]
) -> list[Detection]:
    """ "Stoke-on-Trent", "Newcastle-upon-Tyne", "Weston-super-Mare": one place, whole."""
    found = []
    for match in _HYPHENATED_PLACE.finditer(text):
        start, end = match.span()
        if spans.overlaps(start, end) or _touches(start, end, allowed):
            continue
        spans.add(start, end)
        found.append(
            Detection(
                start=start,
                end=end,
                text=match.group(0),
                cls="Place",
                source="rule",
                key=canonical_key(match.group(0)),
                detail="place shape",
                reason="hyphenated place name (X-on-Y)",
            )
        )
    return found


def _titled_names(text: str, spans: SpanSet, allowed: Sequence[tuple[int, int]]) -> list[Detection]:
    """ "Dr Okafor", "Mrs Ann Little", "Cllr Jones", "Sister Mary": the name after a title."""
    found = []
    for match in _TITLED.finditer(text):
        start, end = match.start("name"), match.end("name")
        words = WORD.findall(match.group("name"))
        if not words or words[0].casefold() in CALENDAR_WORDS or words[0].isupper():
            continue
        if spans.overlaps(start, end) or _touches(start, end, allowed):
            continue
        spans.add(start, end)
        found.append(
            Detection(
                start=start,
                end=end,
                text=text[start:end],
                cls="Person",
                source="rule",
                key=canonical_key(text[start:end]),
                detail="title",
                reason=f"after the title {match.group('title')!r}",
            )
        )
    return found


def _listed_first_names(
    text: str, spans: SpanSet, allowed: Sequence[tuple[int, int]], lower_words: frozenset[str]
) -> list[Detection]:
    """Capitalised first names from the name list, with a surname after them if any.

    A first name that is also an ordinary word needs a name's context
    (``names.name_context``); once one occurrence has it, the word's other capitalised
    occurrences in the text that do not start a sentence count too.
    """
    found: list[Detection] = []
    pending: list[re.Match[str]] = []
    established: set[str] = set()
    for word in _CAPITALISED_WORD.finditer(text):
        name = _TRAILING_POSSESSIVE.sub("", word.group(0)) or word.group(0)
        if not is_capitalised(name) or not is_first_name(name):
            continue
        start, end = word.start(), word.start() + len(name)
        if spans.overlaps(start, end) or _touches(start, end, allowed):
            continue
        reason = "first-name list"
        word_name = is_word_name(name, lower_words)
        if word_name or sentence_initial(text, start):
            context = name_context(text, start, end)
            after = next_word(text, end)
            if context == "before a surname" and after and spans.overlaps(*after.span()):
                context = None  # "So Tom Okafor": the next word is someone else's name
            if context is None:
                pending.append(word)
                continue
            reason += f", {context}"
        established.add(name)
        found.append(_person_rule(text, start, end, spans, allowed, reason))
    for word in pending:
        name = _TRAILING_POSSESSIVE.sub("", word.group(0)) or word.group(0)
        start, end = word.start(), word.start() + len(name)
        # Once a name is established in the text, its other mentions count; a word-name
        # still not at a sentence start or after "the", "be"... ("Grace is brilliant").
        if (
            name in established
            and not (is_word_name(name, lower_words) and ordinary_context(text, start))
            and not spans.overlaps(start, end)
        ):
            found.append(
                _person_rule(text, start, end, spans, allowed, "first-name list, named earlier")
            )
    return found


def _person_rule(
    text: str,
    start: int,
    end: int,
    spans: SpanSet,
    allowed: Sequence[tuple[int, int]],
    reason: str,
) -> Detection:
    """A Person detection from a rule, taking up to two capitalised surnames after it."""
    for _ in range(2):
        after = next_word(text, end)
        if after is None:
            break
        word = _TRAILING_POSSESSIVE.sub("", after.group(0)) or after.group(0)
        if (
            not is_capitalised(word)
            or word.casefold() in CALENDAR_WORDS | TITLES
            or spans.overlaps(after.start(), after.start() + len(word))
            or _touches(after.start(), after.start() + len(word), allowed)
        ):
            break
        end = after.start() + len(word)
        reason = reason if "surname" in reason else reason + ", with surname"
    spans.add(start, end)
    return Detection(
        start=start,
        end=end,
        text=text[start:end],
        cls="Person",
        source="rule",
        key=canonical_key(text[start:end]),
        detail="name list",
        reason=reason,
    )


def _capitalised_leftovers(
    text: str,
    spans: SpanSet,
    allowed: Sequence[tuple[int, int]],
    lower_words: frozenset[str],
    noticed: Sequence[Candidate],
) -> list[Candidate]:
    """Capitalised words in mid-sentence that nothing replaced and that are not words.

    They are left in the text (most are programme names, brands, weekdays' cousins) but
    counted and listed for review, since an unknown surname looks just like them.
    """
    already = {(c.start, c.end) for c in noticed}
    found = []
    for word in _CAPITALISED_WORD.finditer(text):
        name = _TRAILING_POSSESSIVE.sub("", word.group(0)) or word.group(0)
        start, end = word.start(), word.start() + len(name)
        if (
            not is_capitalised(name)
            or len(name) < 3
            or name.casefold() in lower_words
            or name.casefold() in CALENDAR_WORDS | TITLES | _FILLER_WORDS
            or spans.overlaps(start, end)
            or _touches(start, end, allowed)
            or sentence_initial(text, start)
            or any(ch.isdigit() for ch in name)
            or name[:2] in ("I'", "I\u2019")
            or name[:2].isupper()  # an acronym's plural ("KPIs", "GPs")
            or (start, end) in already
        ):
            continue
        found.append(Candidate(start, end, name, "capitalised mid-sentence, not replaced"))
    return found


_PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "around", "outside", "to", "towards"})
_FUNCTION_WORDS = word_set(
    """
    the a an and or of in at to from near on by for with we i you he she they it this that
    when so but then if as our my your their his her its north south east west new
    """
) - {"north", "south", "east", "west", "new"}


_STRONG_PLACE_PREPOSITIONS = frozenset({"in", "near", "around", "outside", "towards"})


def _after_place_word(text: str, start: int, *, strong: bool = False) -> bool:
    """True after "in", "near"... (``strong``: not "to" or "at", which also take people)."""
    before = WORD.findall(text[max(0, start - 30) : start])
    words = _STRONG_PLACE_PREPOSITIONS if strong else _PLACE_PREPOSITIONS
    return bool(before) and before[-1].casefold() in words


def _whole_place(
    text: str, start: int, end: int, spans: SpanSet, allowed: Sequence[tuple[int, int]]
) -> tuple[int, int]:
    """A place name kept whole: "Market" joins "Harborough", "Stoke" becomes "Stoke-on-Trent".

    The span grows to whole words (hyphenated names included) and then over capitalised
    words right next to it on the same line, leftwards and rightwards, stopping at
    function words, institutions ("Council", "Hospital": an organisation's name, not the
    place), anything already replaced and allowed terms.
    """
    for word in WORD.finditer(text, max(0, start - 40), min(len(text), end + 40)):
        if word.start() < start < word.end():
            start = word.start()
        if word.start() < end < word.end():
            end = word.end()
    while True:
        before = list(WORD.finditer(text, max(0, start - 40), start))
        if not before or text[before[-1].end() : start].strip(" \t"):
            break
        word = before[-1]
        if (
            not is_capitalised(word.group(0))
            or word.group(0).casefold() in _FUNCTION_WORDS | TITLES
            or spans.overlaps(word.start(), word.end())
            or _touches(word.start(), word.end(), allowed)
        ):
            break
        start = word.start()
    while True:
        after = next_word(text, end)
        if after is None:
            break
        following = after.group(0)
        if (
            not is_capitalised(following)
            or following.casefold() in _FUNCTION_WORDS | INSTITUTION_WORDS | CALENDAR_WORDS
            or spans.overlaps(after.start(), after.end())
            or _touches(after.start(), after.end(), allowed)
        ):
            break
        end = after.end()
    possessive = _TRAILING_POSSESSIVE.search(text, start, end)
    if possessive and possessive.start() > start:
        end = possessive.start()
    return start, end


def _touches(start: int, end: int, allowed: Sequence[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in allowed)


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
                reason=f"NER {match.payload.detail}, repeated in the text",
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
