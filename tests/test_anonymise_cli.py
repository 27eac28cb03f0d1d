"""``themekit anonymise init|preview|key`` and the project glue behind every export."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

import themekit
from conftest import SAMPLE
from test_export_quotes import REGISTER, add_turns, build_export_study
from themekit.anonymise import load_register
from themekit.export.anonymised import ExportAnonymiser, looks_like_name
from themekit.model.rows import Participant
from themekit.project import Project


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Dr Fielding", True),
        ("Sunita Rahman", True),
        ("Jo O'Neill-Tremaine", True),
        ("P01", False),
        ("RESPONDENT", False),
        ("R", False),
        ("Interviewer", False),
        ("Participant 3", False),
        ("Judge", False),
        ("Dr", False),
    ],
)
def test_looks_like_name(label: str, expected: bool) -> None:
    assert looks_like_name(label, ["Interviewer", "INT"]) is expected


def named_project(project: Project) -> Project:
    add_turns(project, "P01", [("INT", ["Hello there."]), ("Dr Fielding", ["We started in May."])])
    add_turns(project, "P02", [("Interviewer", ["Hi."]), ("Sunita Rahman", ["The clinic helped."])])
    add_turns(project, "P03", [("INTERVIEWER", ["Hi."]), ("RESPONDENT", ["It is a good order."])])
    project.store.replace_participants(
        [
            Participant("P01", "Mental Health Service", "Kelmscott Vale", {}),
            Participant("P02", "Drug and Alcohol Service", "Northmoor", {}),
            Participant("P03", "Judiciary", "Kelmscott Vale", {}),
        ],
        [("P01", "Dr Fielding", "P01"), ("P02", "Sunita Rahman", "P02")],
    )
    return project


def test_init_prefills_names_sites_and_roles(project: Project, cli) -> None:
    named_project(project)
    result = cli("anonymise", "init")
    assert result.exit_code == 0, result.output
    path = project.root / "redact.yaml"
    assert result.stderr == (
        f"Wrote {path}: 2 people (from speaker labels), 2 sites, 23 allowed terms. Review it,"
        " add every name you know of, then run 'themekit anonymise review'.\n"
    )
    register = load_register(path)
    assert [(e.cls, e.name, e.aliases) for e in register.entries] == [
        ("Person", "Dr Fielding", ("Fielding",)),
        ("Person", "Sunita Rahman", ("Sunita", "Rahman")),
        ("Site", "Kelmscott Vale", ()),
        ("Site", "Northmoor", ()),
    ]
    from themekit.export.anonymised import DEFAULT_ALLOW

    assert register.allow == (
        "Mental Health Service",
        "Drug and Alcohol Service",
        "Judiciary",
        *DEFAULT_ALLOW,
    )
    assert {"MHTRs", "CMHT", "GP"} <= set(register.allow)
    assert register.ner.enabled is True
    assert "# Written by themekit from the participants' speaker labels and sites. REVIEW IT:" in (
        path.read_text(encoding="utf-8")
    )
    assert register.reviewed is None
    again = cli("anonymise", "init")
    assert again.exit_code == 1
    assert again.stderr == (
        f"Error: {path}: a register already exists; nothing was changed. Edit it, or run"
        " 'themekit anonymise init --force' to start again (the old one is replaced).\n"
    )
    accepted = cli("anonymise", "init", "--force", "--accept")
    assert accepted.exit_code == 0
    assert accepted.stderr.endswith(" Marked reviewed as drafted.\n")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", load_register(path).reviewed or "")


def test_init_on_an_empty_project_writes_a_commented_template(project: Project, cli) -> None:
    assert cli("anonymise", "init").exit_code == 0
    text = (project.root / "redact.yaml").read_text(encoding="utf-8")
    assert "  # - name: Priya Castellano" in text
    register = load_register(project.root / "redact.yaml")
    assert register.entries == ()
    assert register.allow[:2] == ("MHTR", "MHTRs")


def test_preview_lists_every_replacement(project: Project, cli) -> None:
    build_export_study(project)
    result = cli("anonymise", "preview", "--transcript", "P02", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [
        (r["line"], r["source"], r["detail"], r["original"], r["placeholder"]) for r in rows
    ] == [
        ("5", "register", "people", "PRIYA CASTELLANO", "[Person 1]"),
        ("5", "register", "sites", "Fenwick", "[Site 1]"),
    ]
    assert rows[0]["context"] == ("...[PRIYA CASTELLANO] explained the model to the ma...")
    assert result.stderr == (
        "2 replacements in 2 speaker turns: register 2\n"
        "By class: Person 1, Site 1.\n"
        "No possible names left in the text for review.\n"
        "Register never marked reviewed (run 'themekit anonymise review' once you have read"
        " it).\n"
    )
    assert rows[0]["reason"] == "registered"
    unknown = cli("anonymise", "preview", "--transcript", "P09")
    assert unknown.exit_code == 1
    assert unknown.stderr == "Error: No transcript 'P09'. See 'themekit transcripts list'.\n"


def test_key_is_written_to_a_file_with_a_warning(project: Project, cli, tmp_path: Path) -> None:
    build_export_study(project)
    target = tmp_path / "key.csv"
    empty = cli("anonymise", "key", "-o", str(target))
    assert empty.exit_code == 1
    assert empty.stderr == (
        "Error: No placeholders have been given out yet, so there is no key. Run an export or"
        " 'themekit anonymise preview' first.\n"
    )
    assert cli("export", "quotes").exit_code == 0
    result = cli("anonymise", "key", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"warning: {target} holds the real names behind every")
    assert target.read_text(encoding="utf-8") == (
        "placeholder,original,class,source\n"
        "[Person 1],Priya Castellano,Person,register\n"
        "[Site 1],Fenwick,Site,register\n"
    )
    assert project.store.audit_entries(action="anonymise.key")[0].details == {"output": str(target)}
    no_file = cli("anonymise", "key")
    assert no_file.exit_code == 2  # -o is required: the key never goes to the terminal
    again = cli("anonymise", "key", "-o", str(target))
    assert again.exit_code == 1
    assert again.stderr == (
        f"Error: {target}: already exists; nothing was written. Add --force to replace it,"
        " or choose another -o.\n"
    )
    assert cli("anonymise", "key", "-o", str(target), "--force").exit_code == 0


class CountingNer:
    """A fake NER backend: "Bex" is a person wherever it appears."""

    model_id = "counting-ner@1"

    def __init__(self) -> None:
        self.texts_seen = 0

    def entities(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        self.texts_seen += len(texts)
        return [[(m.start(), m.end(), "PERSON") for m in re.finditer("Bex", t)] for t in texts]


def test_ner_results_are_cached_in_the_store(project: Project) -> None:
    build_export_study(project, register=REGISTER.replace("ner:\n  enabled: false\n", ""))
    texts = ["Bex from the team came along.", "Castellano and Bex met Bex."]
    first_ner = CountingNer()
    first = ExportAnonymiser(project, ner=first_ner)
    assert first.texts(texts, ["a", "b"]) == [
        "[Person 1] from the team came along.",
        "[Person 2] and [Person 1] met [Person 1].",
    ]
    first.finish()
    assert first_ner.texts_seen == 2
    second_ner = CountingNer()
    second = ExportAnonymiser(project, ner=second_ner)
    assert second.texts(texts, ["a", "b"])[0] == "[Person 1] from the team came along."
    assert second_ner.texts_seen == 0
    saved = json.loads(project.store.get_meta("pseudonyms"))
    assert [e["original"] for e in saved["entries"]] == ["Bex", "Priya Castellano"]


def test_a_broken_pseudonym_map_is_a_clear_error(project: Project, cli) -> None:
    build_export_study(project)
    project.store.set_meta("pseudonyms", "{not json")
    result = cli("export", "quotes")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {project.root / 'themekit.db'} (pseudonym map): cannot be read as a pseudonym"
        " map (JSONDecodeError). Restore the project from a backup ('themekit restore FILE');"
        " resetting it renumbers every placeholder.\n"
    )


@pytest.mark.slow
def test_preview_of_a_sample_transcript_with_real_ner(project: Project, cli) -> None:
    themekit.import_transcripts(project, [SAMPLE / "P08.txt"])
    themekit.import_participants(project, SAMPLE / "participants.csv")
    assert cli("anonymise", "init").exit_code == 0
    result = cli("anonymise", "preview", "-t", "P08", "-f", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["source"] for r in rows} >= {"register"}
    # Service acronyms stay (the model tags "ICB" and "IG" as organisations), and the
    # first name of a registered person is that person, not a place.
    assert not {"ICB", "IG"} & {r["original"] for r in rows}
    yvonne = {r["placeholder"] for r in rows if r["original"].startswith("Yvonne")}
    assert len(yvonne) == 1 and yvonne.pop().startswith("[Person ")
    assert all(re.fullmatch(r"\[[A-Za-z ]+ \d+\]", r["placeholder"]) for r in rows)
    # The chair's own name (her speaker label) is registered, so it is never left to NER.
    assert all(r["source"] == "register" for r in rows if "castellano" in r["original"].lower())


@pytest.mark.slow
def test_init_scans_the_transcripts_for_names(project: Project, tmp_path: Path) -> None:
    from themekit.export.anonymised import init_register

    text = (
        "Interviewer: Who helps?\n"
        "P01: I work with Marcus Oyelaran at Halden House most weeks. Motivation matters,"
        " and motivation is hard to keep. Marcus Oyelaran rang again on Monday.\n"
    )
    (tmp_path / "P01.txt").write_text(text, encoding="utf-8")
    themekit.import_transcripts(project, [tmp_path / "P01.txt"])
    path, draft = init_register(project, scan=True)
    assert ("Marcus Oyelaran", 2) in draft.found_people
    assert ("Halden House", 1) in draft.found_organisations
    names = [n for n, _ in draft.found_people + draft.found_organisations + draft.found_places]
    assert "Motivation" not in names  # also written in lower case: an ordinary word
    register = load_register(path)
    assert any(e.name == "Marcus Oyelaran" for e in register.entries)
