"""Replacing what was detected with consistent placeholders, and the key that undoes it.

``Anonymiser`` ties the pieces together for a project: the register, a ``PseudonymMap``
shared by every text it handles (so "[Person 1]" is the same person in every quote),
an optional NER backend with an optional cache. ``anonymise(text)`` returns an
``AnonymisedText``: the new string and every replacement with its span in both the
original and the output, which is what a preview needs to show each change in context.
Nothing is written anywhere; stored transcripts are never touched.

Every result passes the leak gate (``gate.check_leaks``) before it is returned, so a
placeholder template that itself contains a registered term, say, fails loudly here
rather than in an export. Exporters run the gate again on the final text they write,
because they add attributions and editorial brackets after anonymisation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from themekit.anonymise.detect import (
    Candidate,
    Detection,
    Source,
    detect_with_candidates,
    learned_name_entities,
    lowercase_words,
    people_register,
)
from themekit.anonymise.gate import check_leaks
from themekit.anonymise.ner import Entity, NerBackend, NerCache, SpacyNer, entities_cached
from themekit.anonymise.pseudonyms import Pseudonym, PseudonymMap
from themekit.anonymise.register import SECTION_CLASSES, Register


@dataclass(frozen=True)
class Replacement:
    """One change: ``original`` at ``start:end`` of the input became ``placeholder`` at
    ``out_start:out_end`` of the output. ``detail`` is the register section, NER label
    or pattern kind that caused it."""

    start: int
    end: int
    original: str
    placeholder: str
    cls: str
    source: Source
    detail: str
    out_start: int
    out_end: int
    reason: str = ""


@dataclass(frozen=True)
class AnonymisedText:
    """The anonymised string, the string it came from, and every replacement in order.

    ``candidates`` are what may be names but were left in the text (see
    ``detect.Candidate``), for the researcher to review.
    """

    original: str
    text: str
    replacements: tuple[Replacement, ...]
    candidates: tuple[Candidate, ...] = ()

    def __str__(self) -> str:
        return self.text

    def context(self, replacement: Replacement, width: int = 30) -> tuple[str, str]:
        """Up to ``width`` characters of the original either side of a replacement."""
        before = self.original[max(0, replacement.start - width) : replacement.start]
        after = self.original[replacement.end : replacement.end + width]
        return before, after


@dataclass(frozen=True)
class AnonymisationSummary:
    """What an anonymiser did, as data for the label an export prints.

    ``by_class`` and ``by_source`` count replacements ("Person": 12; "register": 9);
    ``candidates`` counts what may be names but was left in the text for review;
    ``reviewed`` is the register's ``reviewed:`` value (None: never marked reviewed);
    ``warnings`` are sentences such as "the register is empty".
    """

    texts: int = 0
    by_class: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    candidates: int = 0
    reviewed: str | None = None
    register_empty: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def replacements(self) -> int:
        return sum(self.by_class.values())


EMPTY_REGISTER_WARNING = (
    "the anonymisation register lists nobody: only patterns, NER and the name rules"
    " stand between the transcripts and the export"
)
REGISTER_NOT_UTF8_WARNING = (
    "the anonymisation register is not UTF-8; it was read as Windows-1252: check that"
    " accented names in it look right (themekit anonymise review), or save it as UTF-8"
)
NAME_LISTS_MISSING_WARNING = (
    "the name lists (Python package 'names') are not installed, so first names"
    " the NER model misses are not looked for"
)


@dataclass(frozen=True)
class KeyRow:
    """One line of the pseudonym key: which placeholder stands for whom."""

    placeholder: str
    original: str
    cls: str
    source: str


class Anonymiser:
    """Anonymises texts against one register, numbering placeholders project-wide.

    ``pseudonyms`` is the project's persisted map (a new one if omitted). ``ner`` is the
    NER backend; by default the register's spaCy model, loaded on first use, and none
    at all when the register says ``ner: {enabled: false}``. ``ner_cache`` is any
    mutable mapping the caller keeps (see ``ner.entities_cached``).
    """

    def __init__(
        self,
        register: Register,
        *,
        pseudonyms: PseudonymMap | None = None,
        ner: NerBackend | None = None,
        ner_cache: NerCache | None = None,
        known_people: Sequence[str] = (),
    ) -> None:
        self.register = register
        # Names the project itself holds (speaker labels, participant tables), found with
        # their parts and nicknames even when the register leaves them out.
        self.known_people = people_register(known_people, register)
        self.pseudonyms = pseudonyms if pseudonyms is not None else PseudonymMap()
        self.ner: NerBackend | None = None
        if register.ner.enabled:
            self.ner = ner if ner is not None else SpacyNer(register.ner.model)
        self.ner_cache = ner_cache
        self._by_class: Counter[str] = Counter()
        self._by_source: Counter[str] = Counter()
        self._candidates = 0
        self._texts = 0

    @property
    def summary(self) -> AnonymisationSummary:
        """Counts so far (every text this anonymiser handled), the register's state."""
        from themekit.anonymise.names import name_lists_available

        warnings = []
        if self.register.is_empty:
            warnings.append(EMPTY_REGISTER_WARNING)
        if self.register.encoding == "cp1252":
            warnings.append(REGISTER_NOT_UTF8_WARNING)
        if self.ner is not None and not name_lists_available():
            warnings.append(NAME_LISTS_MISSING_WARNING)
        return AnonymisationSummary(
            texts=self._texts,
            by_class=dict(sorted(self._by_class.items())),
            by_source=dict(sorted(self._by_source.items())),
            candidates=self._candidates,
            reviewed=self.register.reviewed,
            register_empty=self.register.is_empty,
            warnings=tuple(warnings),
        )

    def placeholder(self, pseudonym: Pseudonym) -> str:
        return self.register.render_placeholder(pseudonym.cls, pseudonym.number)

    def anonymise(self, text: str, *, where: str = "text") -> AnonymisedText:
        """Anonymise one text; ``where`` names it in a leak-gate error ("quote 12 (...)")."""
        return self.anonymise_many([text], wheres=[where])[0]

    def anonymise_many(
        self, texts: Sequence[str], *, wheres: Sequence[str] | None = None
    ) -> list[AnonymisedText]:
        """Anonymise several texts in order, running NER over the uncached ones in one batch.

        Placeholders are numbered in order of first appearance across ``texts``.
        """
        if wheres is None:
            wheres = [f"text {number}" for number in range(1, len(texts) + 1)]
        if len(wheres) != len(texts):
            raise ValueError("wheres must name each text")
        entities: list[list[Entity]] = [[] for _ in texts]
        if self.ner is not None and texts:
            entities = entities_cached(self.ner, texts, self.ner_cache)
            entities = learned_name_entities(texts, entities)
        lower_words = lowercase_words(texts)
        found_all = [
            detect_with_candidates(
                text,
                self.register,
                found,
                lower_words=lower_words,
                known_people=self.known_people,
            )
            for text, found in zip(texts, entities, strict=True)
        ]
        keys = self._person_keys([d for detections, _ in found_all for d in detections])
        results = []
        for text, where, (detections, candidates) in zip(texts, wheres, found_all, strict=True):
            detections = [
                replace(d, key=keys[d.key]) if d.key in keys and d.entry is None else d
                for d in detections
            ]
            result = self._replace(text, detections, candidates)
            check_leaks(result.text, self.register, where)
            results.append(result)
        return results

    def _person_keys(self, detections: Sequence[Detection]) -> dict[str, str]:
        """One placeholder per unregistered person: "Ann" -> "ann little" when unambiguous.

        A one-word name found by NER or the name rules is linked to the one longer name
        (in this batch or in the pseudonym map) that it is the first name, the surname or
        a nickname of, so "Ann Little ... Ann" gives one placeholder. Where two longer
        names share the word, it keeps its own.
        """
        from themekit.anonymise.names import nicknames_of

        full_names = {
            d.key for d in detections if d.entry is None and d.cls == "Person" and " " in d.key
        }
        full_names |= {
            p.key
            for p in self.pseudonyms
            if p.cls == "Person" and p.source != "register" and " " in p.key
        }
        owners: dict[str, set[str]] = {}
        for name in full_names:
            parts = name.split()
            for part in {*parts, *(n.casefold() for n in nicknames_of(parts[0]))}:
                owners.setdefault(part, set()).add(name)
        links = {}
        for detection in detections:
            if detection.entry is None and detection.cls == "Person" and " " not in detection.key:
                names = owners.get(detection.key, set())
                if len(names) == 1:
                    links[detection.key] = next(iter(names))
        return links

    def _replace(
        self,
        text: str,
        detections: Sequence[Detection],
        candidates: Sequence[Candidate] = (),
    ) -> AnonymisedText:
        pieces: list[str] = []
        replacements: list[Replacement] = []
        position = 0
        out_length = 0
        for detection in detections:
            original = self._display_original(detection)
            pseudonym = self.pseudonyms.assign(
                detection.key, detection.cls, original, detection.source
            )
            placeholder = self.placeholder(pseudonym)
            kept = text[position : detection.start]
            pieces.extend((kept, placeholder))
            out_start = out_length + len(kept)
            out_length = out_start + len(placeholder)
            replacements.append(
                Replacement(
                    start=detection.start,
                    end=detection.end,
                    original=detection.text,
                    placeholder=placeholder,
                    cls=pseudonym.cls,
                    source=detection.source,
                    detail=detection.detail,
                    out_start=out_start,
                    out_end=out_length,
                    reason=detection.reason,
                )
            )
            self._by_class[pseudonym.cls] += 1
            self._by_source[detection.source] += 1
            position = detection.end
        pieces.append(text[position:])
        self._texts += 1
        self._candidates += len(candidates)
        return AnonymisedText(
            original=text,
            text="".join(pieces),
            replacements=tuple(replacements),
            candidates=tuple(candidates),
        )

    @staticmethod
    def _display_original(detection: Detection) -> str:
        # The key shows a register entry by its name, whichever alias was met first.
        if detection.entry is not None:
            return detection.entry.name
        return " ".join(detection.text.split())

    def key_rows(self) -> list[KeyRow]:
        return pseudonym_key_rows(self.pseudonyms, self.register)


_KEY_CLASS_ORDER = [*SECTION_CLASSES.values()]


def pseudonym_key_rows(pseudonyms: PseudonymMap, register: Register) -> list[KeyRow]:
    """The re-identification key: one row per pseudonym, people first, then by number.

    The rows contain real names; whoever writes them out must treat the file like the
    transcripts themselves.
    """

    def order(pseudonym: Pseudonym) -> tuple[int, str, int]:
        rank = (
            _KEY_CLASS_ORDER.index(pseudonym.cls)
            if pseudonym.cls in _KEY_CLASS_ORDER
            else len(_KEY_CLASS_ORDER)
        )
        return rank, pseudonym.cls, pseudonym.number

    return [
        KeyRow(
            placeholder=register.render_placeholder(pseudonym.cls, pseudonym.number),
            original=pseudonym.original,
            cls=pseudonym.cls,
            source=pseudonym.source,
        )
        for pseudonym in sorted(pseudonyms, key=order)
    ]
