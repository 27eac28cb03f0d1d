"""The leak gate: registered terms in final text are refused, without printing them."""

from __future__ import annotations

from textwrap import dedent

import pytest
from hypothesis import given
from hypothesis import strategies as st

from themekit.anonymise import (
    Anonymiser,
    RegisteredTermLeak,
    check_leaks,
    find_leaks,
    parse_register,
)
from themekit.errors import LeakError, ThemekitError

REGISTER = parse_register(
    dedent(
        """\
        people:
          - name: Priya Castellano
            aliases: [Dr Castellano, Priya]
          - Smith
        sites:
          - Sefton
        terms:
          - {text: Operation Bluebell, class: Project}
          - {text: Will, class: Person, match_case: true}
        ner:
          enabled: false
        """
    ),
    source="redact.yaml",
)
WHERE = "quote 12 (Benefits > Filling a previous gap in services)"


def leak_message(text: str) -> str:
    with pytest.raises(LeakError) as caught:
        check_leaks(text, REGISTER, WHERE)
    return caught.value.message


def test_clean_text_passes() -> None:
    check_leaks("[Person 1] said the MHTR filled a gap.", REGISTER, WHERE)  # does not raise
    assert find_leaks("[Person 1] said the MHTR filled a gap.", REGISTER) == []


@pytest.mark.parametrize(
    "text",
    [
        "It was Smith's idea.",
        "It was Smith\u2019s idea.",
        "It was SMITH'S idea.",
        "It was smith, honestly.",
        "Ask (Smith).",
        "\u201cSmith\u201d said so.",
    ],
)
def test_a_registered_surname_is_caught_with_possessives_case_and_punctuation(text: str) -> None:
    findings = find_leaks(text, REGISTER)
    assert [(f.matched.casefold(), f.entry.name) for f in findings] == [("smith", "Smith")]


def test_names_broken_across_lines_or_spaces_are_caught() -> None:
    findings = find_leaks("she met priya\ncastellano and Dr  Castellano", REGISTER)
    assert [(f.start, f.end, f.variant) for f in findings] == [(8, 24, 0), (29, 43, 1)]


@pytest.mark.parametrize(
    "text",
    [
        "Smithson and Smiths Ltd are different.",
        "Priyanka is someone else.",
        "We will do it.",
        "Seftonshire is not a place.",
    ],
)
def test_words_that_only_contain_a_term_pass(text: str) -> None:
    assert find_leaks(text, REGISTER) == []


def test_the_message_names_place_category_and_register_line_but_not_the_term() -> None:
    text = "Thanks to Dr Castellano\u2019s team."
    message = leak_message(text)
    assert message == (
        "leak gate: 1 registered term found in quote 12 (Benefits > Filling a previous gap in"
        " services): registered person name (alias 1 of people entry 1, redact.yaml line 3)"
        " at character 10"
    )
    assert "castellano" not in message.casefold()


def test_every_category_has_its_own_words() -> None:
    message = leak_message("Sefton ran Operation Bluebell; Will knew.")
    assert message == (
        f"leak gate: 3 registered terms found in {WHERE}:"
        " registered site name (name of sites entry 1, redact.yaml line 6) at character 0;"
        " registered term of class Project (name of terms entry 1, redact.yaml line 8)"
        " at character 11;"
        " registered person name (name of terms entry 2, redact.yaml line 9) at character 31"
    )


def test_many_leaks_are_counted_and_the_first_three_located() -> None:
    message = leak_message("Smith, Smith, Smith, Smith and Priya")
    assert message.startswith(f"leak gate: 5 registered terms found in {WHERE}: ")
    assert message.count("registered person name") == 3
    assert message.endswith("at character 14; and 2 more")


def test_the_error_is_a_themekit_error_with_a_next_step_and_keeps_the_findings() -> None:
    with pytest.raises(RegisteredTermLeak) as caught:
        check_leaks("Ask Priya.", REGISTER, WHERE)
    error = caught.value
    assert isinstance(error, LeakError) and isinstance(error, ThemekitError)
    assert error.where == WHERE
    assert [(f.matched, f.category) for f in error.findings] == [
        ("Priya", "registered person name")
    ]
    assert error.hint == (
        "Nothing was written. Open the register at the line given to see the term,"
        " then fix the text or the register and try again;"
        " `themekit anonymise preview` shows every replacement."
    )


def test_text_changed_after_anonymisation_is_caught() -> None:
    # An exporter adds an attribution or a researcher's clarification after anonymising;
    # the gate on the final text is what stops a name slipping back in.
    anonymised = Anonymiser(REGISTER).anonymise("Priya said it helped.").text
    final = anonymised + " [as Smith put it]"
    assert anonymised == "[Person 1] said it helped."
    message = leak_message(final)
    assert message.endswith("(name of people entry 2, redact.yaml line 4) at character 31")


_FILLER = st.sampled_from(
    ["the", "service", "helped", "and", "we", "said", "will", "probation", ",", ".", "'s"]
)
_NAMES = st.sampled_from(
    [
        "Priya",
        "PRIYA",
        "Priya Castellano",
        "Dr Castellano\u2019s",
        "Smith's",
        "SMITH",
        "Sefton",
        "Operation Bluebell",
        "Will",
    ]
)


@given(st.lists(st.one_of(_FILLER, _NAMES), min_size=1, max_size=30))
def test_anonymised_text_always_passes_the_gate(words: list[str]) -> None:
    text = " ".join(words)
    result = Anonymiser(REGISTER).anonymise(text)
    assert find_leaks(result.text, REGISTER) == []
    # and every registered occurrence in the input was replaced
    assert len(result.replacements) == len(find_leaks(text, REGISTER))
