"""The project-wide pseudonym map: one number per identified thing, for good.

A ``PseudonymMap`` assigns each key (see ``detect.Detection.key``) a class and a number
within that class, in order of first appearance: the first person met is Person 1, the
second Person 2, and so on. A key keeps its number for the life of the map, so
"[Person 1]" means the same participant in every quote of every export once the map is
persisted (``to_dict`` / ``from_dict``; the project decides where).

The map stores the class and the number, not the rendered placeholder: changing the
placeholder template in the register ("[Participant {n}]") relabels every export
without renumbering anyone. The first class a key was given also stays: if NER calls
"Milton Keynes" a PERSON in one quote and a GPE in the next, both become the same
placeholder, which is what a reader needs. To renumber, start a new map.

The map holds real names (``original``): it is the re-identification key and must be
stored with the same care as the transcripts.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from themekit.errors import AnonymisationError

MAP_FORMAT = "themekit-pseudonyms"
MAP_VERSION = 1
_SOURCES = ("register", "ner", "pattern", "rule")


@dataclass(frozen=True)
class Pseudonym:
    key: str
    cls: str
    number: int
    original: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "class": self.cls,
            "number": self.number,
            "original": self.original,
            "source": self.source,
        }


class PseudonymMap:
    """Key -> Pseudonym, numbered per class in order of first appearance."""

    def __init__(self) -> None:
        self._by_key: dict[str, Pseudonym] = {}
        self._next_number: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[Pseudonym]:
        return iter(self._by_key.values())

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def get(self, key: str) -> Pseudonym | None:
        return self._by_key.get(key)

    def assign(self, key: str, cls: str, original: str, source: str) -> Pseudonym:
        """The pseudonym of ``key``, creating the next number of ``cls`` if it is new."""
        existing = self._by_key.get(key)
        if existing is not None and not (
            existing.source != "register" and source == "register" and existing.cls != cls
        ):
            return existing
        # New, or a guess corrected: the model's class for a name gives way to the class
        # the researcher registered it under ("Larkspur Recovery": Person -> Organisation).
        number = self._next_number.get(cls, 1)
        pseudonym = Pseudonym(key=key, cls=cls, number=number, original=original, source=source)
        self._add(pseudonym)
        return pseudonym

    def _add(self, pseudonym: Pseudonym) -> None:
        self._by_key[pseudonym.key] = pseudonym
        self._next_number[pseudonym.cls] = max(
            self._next_number.get(pseudonym.cls, 1), pseudonym.number + 1
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON- and YAML-safe form; ``from_dict`` reads it back unchanged."""
        return {
            "format": MAP_FORMAT,
            "version": MAP_VERSION,
            "entries": [pseudonym.to_dict() for pseudonym in self],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "pseudonym map") -> PseudonymMap:
        """Rebuild a map from ``to_dict`` output; AnonymisationError names what is wrong."""

        def bad(problem: str) -> AnonymisationError:
            return AnonymisationError(
                f"{source}: {problem}",
                hint="Restore the map from a backup; a new map would renumber every placeholder.",
            )

        if not isinstance(data, Mapping) or data.get("format") != MAP_FORMAT:
            raise bad(f"not a pseudonym map (no 'format: {MAP_FORMAT}')")
        if data.get("version") != MAP_VERSION:
            raise bad(f"unsupported version {data.get('version')!r} (expected {MAP_VERSION})")
        entries = data.get("entries")
        if not isinstance(entries, list):
            raise bad("'entries' must be a list")
        result = cls()
        numbers_taken: set[tuple[str, int]] = set()
        for position, item in enumerate(entries, start=1):
            if not isinstance(item, Mapping):
                raise bad(f"entry {position} is not a mapping")
            for field_name in ("key", "class", "original", "source"):
                if not isinstance(item.get(field_name), str) or not item[field_name]:
                    raise bad(f"entry {position} has no text '{field_name}'")
            number = item.get("number")
            if not isinstance(number, int) or isinstance(number, bool):
                raise bad(f"entry {position} has no whole 'number'")
            pseudonym = Pseudonym(
                key=item["key"],
                cls=item["class"],
                number=number,
                original=item["original"],
                source=item["source"],
            )
            if pseudonym.number < 1 or pseudonym.source not in _SOURCES:
                raise bad(f"entry {position} has an invalid number or source")
            if pseudonym.key in result:
                raise bad(f"entry {position} repeats the key of an earlier entry")
            if (pseudonym.cls, pseudonym.number) in numbers_taken:
                raise bad(f"entry {position} reuses {pseudonym.cls} number {pseudonym.number}")
            numbers_taken.add((pseudonym.cls, pseudonym.number))
            result._add(pseudonym)
        return result
