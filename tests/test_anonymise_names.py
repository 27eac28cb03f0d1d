"""Names the register never listed, ordinary words left alone, one placeholder per person.

Most tests use a fake NER backend that tags fixed strings, so each rule is tested on its
own; the acceptance test runs the real packaged spaCy model over the fictional
interview in tests/fixtures/anonymisation/ after ``anonymise init``, accepted as is, and
measures leaks and false replacements against the ground truth there.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path
from textwrap import dedent

import pytest
import yaml

import themekit
from themekit.anonymise import Anonymiser, check_leaks, parse_register
from themekit.anonymise.ner import Entity
from themekit.errors import AnonymisationError, LeakError
from themekit.project import Project

FIXTURE = Path(__file__).parent / "fixtures" / "anonymisation"


class FakeNer:
    """Tags every occurrence of fixed strings with a label."""

    model_id = "fake-names-ner@1"

    def __init__(self, tags: dict[str, str] | None = None) -> None:
        self.tags = tags or {}

    def entities(self, texts: Sequence[str]) -> list[list[Entity]]:
        return [
            sorted(
                (m.start(), m.end(), label)
                for phrase, label in self.tags.items()
                for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)
            )
            for text in texts
        ]


def anonymise(text: str, register: str = "", tags: dict[str, str] | None = None) -> str:
    anonymiser = Anonymiser(parse_register(dedent(register)), ner=FakeNer(tags))
    return anonymiser.anonymise(text).text


# -- ordinary words stay ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Mark my words, it is hard.",
        "Honestly, the Grant money keeps us open.",
        "To be Frank about it, nobody came.",
        "Little did we know.",
        "Said money never arrives.",
        "We pay the bill and drop anchor.",
        "Will you be there?",
    ],
)
def test_word_names_without_a_names_context_stay(text: str) -> None:
    tags = {w: "PERSON" for w in ("Mark", "Frank", "Little", "Said", "Will")} | {"Grant": "ORG"}
    assert anonymise(text, tags=tags) == text


def test_public_acronyms_are_never_replaced_by_ner() -> None:
    text = "She waited for CBT, went to A&E, and the ICB, CPS, PCC and IG all wrote."
    tags = {a: "ORG" for a in ("CBT", "A&E", "ICB", "CPS", "PCC", "IG")}
    assert anonymise(text, tags=tags) == text


def test_an_organisation_that_is_an_ordinary_word_at_a_sentence_start_stays() -> None:
    text = "Motivation is what keeps people coming, and motivation is hard."
    assert anonymise(text, tags={"Motivation": "ORG"}) == text


# -- names nobody registered are found -----------------------------------------------------


def test_word_names_in_a_names_context_are_replaced() -> None:
    text = (
        "Mostly Grace from the outreach team helps. I asked Bill about it and Hope said no."
        " Grace is brilliant."
    )
    assert anonymise(text) == (
        "Mostly [Person 1] from the outreach team helps. I asked [Person 2] about it and"
        " [Person 3] said no. Grace is brilliant."
    )


def test_a_listed_first_name_takes_its_surname_even_when_the_surname_is_a_word() -> None:
    assert anonymise("Our manager, Ann Little, keeps us going. Ann is kind.") == (
        "Our manager, [Person 1], keeps us going. [Person 1] is kind."
    )


def test_names_after_titles_are_people_whatever_ner_says() -> None:
    text = "I saw Dr Okafor, then Cllr Brennan-Hughes and Sister Agnes."
    assert anonymise(text, tags={"Okafor": "ORG"}) == (
        "I saw Dr [Person 1], then Cllr [Person 2] and Sister [Person 3]."
    )


def test_place_names_are_kept_whole() -> None:
    text = "She moved to Market Harborough, then to Stoke-on-Trent."
    assert anonymise(text, tags={"Harborough": "GPE"}) == (
        "She moved to [Place 1], then to [Place 2]."
    )


def test_ner_person_after_a_place_preposition_is_a_place() -> None:
    assert anonymise("We live in Milton Keynes now.", tags={"Milton Keynes": "PERSON"}) == (
        "We live in [Place 1] now."
    )


def test_an_organisation_tag_on_a_person_is_corrected_by_context() -> None:
    assert anonymise("Bex, who runs the drop-in, came.", tags={"Bex": "ORG"}) == (
        "[Person 1], who runs the drop-in, came."
    )


# -- one person, one placeholder -----------------------------------------------------------


def test_every_form_of_a_registered_name_gets_one_placeholder() -> None:
    register = "people:\n  - Dana Whitcombe\n"
    text = "Dana Whitcombe, Dana, DANA, Dana's and Dana’s idea; dana said so to Whitcombe."
    assert anonymise(text, register) == (
        "[Person 1], [Person 1], [Person 1], [Person 1]'s and [Person 1]’s idea;"
        " [Person 1] said so to [Person 1]."
    )


def test_a_registered_persons_nickname_is_the_same_person() -> None:
    register = "people:\n  - Rebecca Hale\n"
    assert anonymise("Bex runs it; Becky and Rebecca are one.", register) == (
        "[Person 1] runs it; [Person 1] and [Person 1] are one."
    )


def test_a_word_part_of_a_registered_name_needs_context() -> None:
    register = "people:\n  - Bill Thornton\n"
    text = "Bill Thornton sent the bill. Bill said no. I told Bill. Bill me later."
    assert anonymise(text, register) == (
        "[Person 1] sent the bill. [Person 1] said no. I told [Person 1]. Bill me later."
    )


def test_case_exact_entries_replace_only_that_spelling() -> None:
    register = "organisations:\n  - {name: Anchor, case: exact}\n"
    assert anonymise("I referred him to Anchor; we drop anchor.", register) == (
        "I referred him to [Organisation 1]; we drop anchor."
    )


def test_the_leak_gate_matches_every_form_by_word_in_any_case() -> None:
    register = parse_register("people:\n  - Dana Whitcombe\n  - Bill Thornton\n")
    for text in ("dana", "DANA’S", "Whitcombe's", "I told Bill."):
        with pytest.raises(LeakError) as caught:
            check_leaks(text, register, "a quote")
        assert "a part or nickname of the name of people entry" in caught.value.message
    for text in ("Danai", "the bill", "Bill me later.", "Bill"):
        check_leaks(text, register, "a quote")


# -- what the anonymiser reports -------------------------------------------------------------


def test_summary_counts_replacements_and_candidates() -> None:
    anonymiser = Anonymiser(
        parse_register("people:\n  - Dana Whitcombe\nreviewed: 2026-12-01\n"), ner=FakeNer()
    )
    result = anonymiser.anonymise("Dana met Zorbulon at Kettleby; call 07700 900123.")
    assert [c.text for c in result.candidates] == ["Zorbulon", "Kettleby"]
    summary = anonymiser.summary
    assert (summary.by_class, summary.by_source) == (
        {"Person": 1, "Phone": 1},
        {"pattern": 1, "register": 1},
    )
    assert (summary.candidates, summary.reviewed, summary.warnings) == (2, "2026-12-01", ())


def test_an_empty_register_is_a_warning_on_the_summary() -> None:
    anonymiser = Anonymiser(parse_register(""), ner=FakeNer())
    anonymiser.anonymise("Nothing here.")
    assert anonymiser.summary.register_empty
    assert anonymiser.summary.warnings == (
        "the anonymisation register lists nobody: only patterns, NER and the name rules"
        " stand between the transcripts and the export",
    )
    assert anonymiser.summary.reviewed is None


# -- register schema ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "people: Dana Whitcombe\n",
            "redact.yaml:1: 'people' must be a list (one '- ' item per line), not a single"
            " value; nothing in it would be replaced | Write each item on its own line under"
            " it, starting with '- '.",
        ),
        (
            "people:\n  - 12\n",
            "redact.yaml:2: people entry 1 is not text (YAML reads it as a number, a date,"
            " true/false or nothing) | Put the name in quotes if it is meant as written, or"
            " remove the line.",
        ),
        (
            "people:\n  - {name: Bill, case: maybe}\n",
            "redact.yaml:2: case of people entry 1 must be 'exact' or 'any' | 'exact' replaces"
            " only the spelling as registered (a name that is also a word, such as Bill);"
            " 'any' ignores case.",
        ),
        (
            "persons:\n  - Dana\n",
            "redact.yaml:1: unknown section 'persons' | Sections are: people, places, sites,"
            " organisations, terms, allow, placeholders, ner, patterns, reviewed.",
        ),
        (
            "reviewed: [yes]\n",
            "redact.yaml:1: reviewed must be a date or true/false",
        ),
    ],
)
def test_register_schema_errors_name_the_line_and_a_next_step(text: str, expected: str) -> None:
    with pytest.raises(AnonymisationError) as caught:
        parse_register(text, source="redact.yaml")
    error = caught.value
    assert (f"{error.message} | {error.hint}" if error.hint else error.message) == expected


def test_reviewed_reads_a_date_or_a_flag() -> None:
    assert parse_register("reviewed: 2026-12-01\n").reviewed == "2026-12-01"
    assert parse_register("reviewed: true\n").reviewed == "yes"
    assert parse_register("reviewed: false\n").reviewed is None


# -- the CLI -----------------------------------------------------------------------------------


def import_fixture(project: Project) -> None:
    themekit.import_transcripts(project, [FIXTURE / "P01.txt"])
    themekit.import_participants(project, FIXTURE / "participants.csv")


def test_review_marks_the_register_and_preview_says_so(project: Project, cli) -> None:
    import_fixture(project)
    (project.root / "redact.yaml").write_text(
        "people:\n  - Dana Whitcombe\nner: {enabled: false}\n", encoding="utf-8"
    )
    before = cli("anonymise", "preview", "-f", "csv")
    assert before.exit_code == 0, before.output
    assert "Register never marked reviewed" in before.stderr
    result = cli("anonymise", "review")
    assert result.exit_code == 0, result.output
    text = (project.root / "redact.yaml").read_text(encoding="utf-8")
    assert re.search(r"^reviewed: \d{4}-\d\d-\d\d$", text, re.MULTILINE)
    after = cli("anonymise", "preview", "-f", "csv")
    assert re.search(r"Register reviewed: \d{4}-\d\d-\d\d\.", after.stderr)
    assert "reason" in after.stdout.splitlines()[0]


def test_an_empty_register_is_warned_about_in_preview(project: Project, cli) -> None:
    import_fixture(project)
    (project.root / "redact.yaml").write_text("", encoding="utf-8")
    result = cli("anonymise", "preview", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert (
        "warning: the anonymisation register lists nobody: only patterns, NER and the name"
        " rules stand between the transcripts and the export." in result.stderr
    )


def test_a_windows_1252_register_is_read_warned_about_and_saved_as_utf8_on_review(
    project: Project,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    import_fixture(project)
    register = project.root / "redact.yaml"
    register.write_bytes("people:\r\n  - Bex\r\n  - Zo\u00eb Hart\r\n".encode("cp1252"))
    before = cli("anonymise", "preview", "-f", "csv")
    assert before.exit_code == 0, before.output
    assert (
        "warning: the anonymisation register is not UTF-8; it was read as Windows-1252: check"
        " that accented names in it look right (themekit anonymise review), or save it as UTF-8."
        in " ".join(before.stderr.split())
    )
    rows = list(csv.DictReader(io.StringIO(before.stdout)))
    assert {(r["source"], r["original"]) for r in rows if r["original"] == "Bex"} == {
        ("register", "Bex")
    }
    reviewed = cli("anonymise", "review")
    assert reviewed.exit_code == 0, reviewed.output
    text = register.read_bytes().decode("utf-8")  # now UTF-8
    assert "  - Zo\u00eb Hart\n" in text
    after = cli("anonymise", "preview", "-f", "csv")
    assert after.exit_code == 0, after.output
    assert "not UTF-8" not in after.stderr


def test_a_malformed_register_stops_preview_with_its_line(project: Project, cli) -> None:
    import_fixture(project)
    (project.root / "redact.yaml").write_text("people: Dana Whitcombe\n", encoding="utf-8")
    result = cli("anonymise", "preview")
    assert result.exit_code != 0
    assert f"{project.root / 'redact.yaml'}:1: 'people' must be a list" in result.stderr


# -- acceptance: the fictional interview, with the real model -------------------------------


def measure(project: Project) -> tuple[list[str], list[str], list[list[str]], dict]:
    """(leaked terms, falsely replaced terms, groups split over several placeholders,
    ground truth) for the fixture after ``init``."""
    from themekit.export.anonymised import ExportAnonymiser

    truth = yaml.safe_load((FIXTURE / "truth.yaml").read_text(encoding="utf-8"))
    store = project.store
    texts = []
    for transcript_id in store.transcript_ids():
        turns: dict[int, list[str]] = {}
        for segment in store.segments(transcript_id):
            turns.setdefault(segment.turn_index, []).append(segment.text)
        texts += [" ".join(pieces) for pieces in turns.values()]
    anonymiser = ExportAnonymiser(project)
    results = anonymiser.preview(texts, [f"turn {n}" for n in range(len(texts))])

    def spans(items: list[list[str]]) -> list[tuple[str, int, int, int]]:
        located = []
        for term, snippet in items:
            holders = [n for n, text in enumerate(texts) if snippet in text]
            assert len(holders) == 1 and texts[holders[0]].count(snippet) == 1, snippet
            start = texts[holders[0]].index(snippet) + snippet.index(term)
            located.append((term, holders[0], start, start + len(term)))
        return located

    leaks = [
        term
        for term, n, start, end in spans(truth["replace"])
        if not any(r.start <= start and end <= r.end for r in results[n].replacements)
    ]
    false = [
        term
        for term, n, start, end in spans(truth["keep"])
        if any(r.start < end and start < r.end for r in results[n].replacements)
    ]
    placeholders = []
    for _term, n, start, _end in spans(truth["replace"]):
        covering = [r.placeholder for r in results[n].replacements if r.start <= start < r.end]
        placeholders.append(covering[0] if covering else None)
    split = [
        [truth["replace"][i][0] for i in group]
        for group in truth["same"]
        if len({placeholders[i] for i in group}) != 1
    ]
    return leaks, false, split, truth


@pytest.mark.slow
def test_the_fictional_interview_leaks_nothing_and_keeps_every_trap(project: Project, cli) -> None:
    import_fixture(project)
    result = cli("anonymise", "init")  # drafted, then accepted as it stands
    assert result.exit_code == 0, result.output
    register = (project.root / "redact.yaml").read_text(encoding="utf-8")
    # Word-names are drafted with 'case: exact' or left for review, never bare.
    assert '- {name: "Anchor", case: exact}' in register
    assert '#   "Frank": used only as an ordinary word' in register
    assert not re.search(r'^\s*- "(Frank|Grant|Motivation|Bill|Bex)"', register, re.MULTILINE)
    leaks, false, split, truth = measure(project)
    assert len(truth["replace"]) >= 30 and len(truth["keep"]) >= 15
    assert (leaks, false, split) == ([], [], [])


def test_a_person_after_spoke_to_stays_a_person() -> None:
    assert (
        anonymise(
            "I spoke to Okafor and went to Kettleby.",
            tags={"Okafor": "PERSON", "Kettleby": "PERSON"},
        )
        == "I spoke to [Person 1] and went to [Place 1]."
    )


def test_init_drafts_one_word_names_that_are_words_with_case_exact(
    project: Project, cli, tmp_path: Path
) -> None:
    (tmp_path / "P01.txt").write_text(
        "[Interviewer] Hello Grace.\n\n[Grace] We drop anchor at Anchor most days.\n",
        encoding="utf-8",
    )
    (tmp_path / "participants.csv").write_text(
        "id,role,site,transcript,speaker\nP01,Volunteer,Anchor,P01.txt,Grace\n",
        encoding="utf-8",
    )
    themekit.import_transcripts(project, [tmp_path / "P01.txt"])
    themekit.import_participants(project, tmp_path / "participants.csv")
    assert cli("anonymise", "init", "--no-scan").exit_code == 0
    text = (project.root / "redact.yaml").read_text(encoding="utf-8")
    assert '  - name: "Grace"\n    case: exact' in text
    assert '  - {name: "Anchor", case: exact}' in text
    register = parse_register(text)
    assert [e.match_case for e in register.entries] == [True, True]


def test_speaker_labels_missing_from_the_register_are_still_found(project: Project) -> None:
    from themekit.export.anonymised import ExportAnonymiser

    import_fixture(project)
    (project.root / "redact.yaml").write_text("ner: {enabled: false}\n", encoding="utf-8")
    anonymiser = ExportAnonymiser(project)
    result = anonymiser.preview(["Dana said so; DANA's notes; Whitcombe signed."], ["a"])[0]
    assert result.text == "[Person 1] said so; [Person 1]'s notes; [Person 1] signed."
    assert {r.detail for r in result.replacements} == {"speaker label"}


def test_a_name_part_off_the_name_lists_matches_only_as_written() -> None:
    # "Recovery" of a mis-filed "Larkspur Recovery" must not take every "recovery".
    register = "people:\n  - Larkspur Recovery\n"
    assert anonymise("Recovery is slow; recovery takes time at Larkspur.", register) == (
        "[Person 1] is slow; recovery takes time at [Person 1]."
    )
