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

from collections.abc import Sequence
from dataclasses import dataclass

from themekit.anonymise.detect import Detection, Source, detect, learned_name_entities
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


@dataclass(frozen=True)
class AnonymisedText:
    """The anonymised string, the string it came from, and every replacement in order."""

    original: str
    text: str
    replacements: tuple[Replacement, ...]

    def __str__(self) -> str:
        return self.text

    def context(self, replacement: Replacement, width: int = 30) -> tuple[str, str]:
        """Up to ``width`` characters of the original either side of a replacement."""
        before = self.original[max(0, replacement.start - width) : replacement.start]
        after = self.original[replacement.end : replacement.end + width]
        return before, after


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
    ) -> None:
        self.register = register
        self.pseudonyms = pseudonyms if pseudonyms is not None else PseudonymMap()
        self.ner: NerBackend | None = None
        if register.ner.enabled:
            self.ner = ner if ner is not None else SpacyNer(register.ner.model)
        self.ner_cache = ner_cache

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
        results = []
        for text, where, found in zip(texts, wheres, entities, strict=True):
            result = self._replace(text, detect(text, self.register, found))
            check_leaks(result.text, self.register, where)
            results.append(result)
        return results

    def _replace(self, text: str, detections: Sequence[Detection]) -> AnonymisedText:
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
                )
            )
            position = detection.end
        pieces.append(text[position:])
        return AnonymisedText(original=text, text="".join(pieces), replacements=tuple(replacements))

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
