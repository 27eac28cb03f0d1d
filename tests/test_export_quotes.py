"""The quote bank: selection, trimming, attribution, anonymisation and the leak gate.

``build_export_study`` (used by the other export tests too) puts three short fictional
interviews straight into the store: turns of several sentences, so that consecutive
coded sentences of one turn come back as one quote, and a registered person mentioned
as "Dr Castellano's", "PRIYA CASTELLANO" and "Castellano" in two transcripts.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pytest

from helpers_coding import MINI_CODEBOOK
from themekit.coding.service import CodingSession
from themekit.export.anonymised import ExportAnonymiser
from themekit.export.quotes import build_quote_bank, split_sentences, trim_quote
from themekit.model.codebook import Codebook
from themekit.model.rows import Participant
from themekit.model.transcripts import ParsedTranscript, Segment, Turn
from themekit.project import Project
from themekit.suggest.typicality import embedding_typicality

INTERVIEWER = "Interviewer"
TRANSCRIPTS: dict[str, list[tuple[str, list[str]]]] = {
    "P01": [
        (INTERVIEWER, ["Could you tell me about your role?"]),
        (
            "Officer",
            [
                "I supervise people on community orders across Ashbury and the villages nearby.",
                "Before the pilot we had nothing at all to offer someone who was clearly unwell.",
                "Dr Castellano's team changed that within a month of starting the clinic.",
            ],
        ),
        (INTERVIEWER, ["And how is it funded?"]),
        (
            "Officer",
            [
                "Honestly, nobody knows whether the money for the clinic lasts past March.",
                "We keep hearing it is a pilot, so everything about it feels temporary.",
            ],
        ),
    ],
    "P02": [
        (INTERVIEWER, ["What changed for you on the bench?"]),
        (
            "Judge",
            [
                "I can now make an order that includes treatment, which I could not do before.",
                "It fills a gap between the GP and the specialist team [the community mental"
                " health team].",
            ],
        ),
        (INTERVIEWER, ["Thank you."]),
        (
            "Judge",
            [
                "PRIYA CASTELLANO explained the model to the magistrates in Fenwick last spring.",
                "Breach is still a worry when people miss their appointments with the clinic.",
            ],
        ),
    ],
    "P03": [
        (INTERVIEWER, ["Where do you work?"]),
        (
            "Officer",
            [
                "The clinic means my officers finally have something real to put before the court.",
                "Castellano is the reason the whole thing holds together, in my honest view.",
            ],
        ),
        (INTERVIEWER, ["And the money?"]),
        (
            "Officer",
            ["Funding is the worry; every quarter we wait to hear if the money continues."],
        ),
    ],
}
CODINGS: dict[str, list[tuple[str, int, str]]] = {
    "ana": [
        ("P01", 3, "benefits.options"),
        ("P01", 4, "benefits.options"),
        ("P02", 2, "benefits.options"),
        ("P03", 2, "benefits.options"),
        ("P03", 3, "benefits.options"),
        ("P02", 3, "benefits.gap"),
        ("P01", 6, "challenges.funding"),
        ("P01", 7, "challenges.funding"),
        ("P03", 5, "challenges.funding"),
        ("P02", 5, "challenges.breach"),
        ("P02", 6, "challenges.breach"),
    ],
    "ben": [
        ("P01", 3, "benefits.options"),
        ("P02", 2, "benefits.options"),
        ("P01", 6, "challenges.funding"),
    ],
}
REGISTER = """\
people:
  - name: Priya Castellano
    aliases: [Dr Castellano, Castellano]
sites:
  - Ashbury
  - Fenwick
allow:
  - Probation Service
ner:
  enabled: false
"""
NAMES = ("castellano", "ashbury", "fenwick")

# The study has one judge and two probation officers: attributions by role could name them.
SMALL_GROUPS_WARNING = (
    "warning: groups by role with fewer than 3 participants can identify them: Judiciary (1),"
    " Probation Service (2). Consider merging groups before publishing.\n"
)
NOT_REVIEWED = (
    "warning: the anonymisation register has not been reviewed; run 'themekit anonymise"
    " review' when you have checked it\n"
)


def add_turns(project: Project, transcript_id: str, turns: list[tuple[str, list[str]]]) -> None:
    """One segment per sentence, one turn per speaker turn; lines numbered from 1."""
    parts: list[str] = []
    turn_rows: list[Turn] = []
    segments: list[Segment] = []
    offset = line = 0
    for index, (speaker, sentences) in enumerate(turns):
        prefix = f"{speaker}: "
        position = offset + len(prefix)
        body = " ".join(sentences)
        turn_rows.append(Turn(speaker, position, position + len(body)))
        for sentence in sentences:
            line += 1
            segments.append(
                Segment(
                    line,
                    speaker,
                    index,
                    position,
                    position + len(sentence),
                    sentence,
                    speaker != INTERVIEWER,
                )
            )
            position += len(sentence) + 1
        parts.append(prefix + body)
        offset += len(prefix) + len(body) + 1
    text = "\n".join(parts) + "\n"
    project.store.add_transcript_version(
        transcript_id,
        ParsedTranscript(text, turn_rows, "txt"),
        segments,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source_name=f"{transcript_id}.txt",
        unit="sentence",
    )


def build_export_study(
    project: Project,
    *,
    register: str | None = REGISTER,
    codings: dict[str, list[tuple[str, int, str]]] | None = None,
    codebook: dict | None = None,
) -> Project:
    for transcript_id, turns in TRANSCRIPTS.items():
        add_turns(project, transcript_id, turns)
    project.store.replace_participants(
        [
            Participant("P01", "Probation Service", "Ashbury", {"years": 7}),
            Participant("P02", "Judiciary", "Fenwick", {"years": 12}),
            Participant("P03", "Probation Service", "Fenwick", {"years": 3}),
        ],
        [],
    )
    project.store.add_codebook_version(
        Codebook.from_dict(codebook or MINI_CODEBOOK), source="test", changes={}
    )
    for coder, rows in (CODINGS if codings is None else codings).items():
        session = CodingSession(project, coder)
        for transcript_id, line, code in rows:
            segment = project.store.segment_at(transcript_id, line)
            assert segment is not None
            session.apply(segment, code)
    if register is not None:
        (project.root / "redact.yaml").write_text(register, encoding="utf-8")
    return project


@pytest.fixture
def study(project: Project) -> Project:
    return build_export_study(project)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


EXPECTED_MD = """\
# Quote bank

## Benefits

### Increasing options in community sentencing

> Before the pilot we had nothing at all to offer someone who was clearly unwell. [Person 1]'s team changed that within a month of starting the clinic. (Probation Service)

> I can now make an order that includes treatment, which I could not do before. (Judiciary)

> The clinic means my officers finally have something real to put before the court. [Person 1] is the reason the whole thing holds together, in my honest view. (Probation Service)

### Filling a previous gap in services

> It fills a gap between the GP and the specialist team [the community mental health team]. (Judiciary)

### Increasing access to other services

_No quote meets the selection rules (8-80 words, one per participant)._

## Challenges

### Sustainability of funding

> Honestly, nobody knows whether the money for the clinic lasts past March. We keep hearing it is a pilot, so everything about it feels temporary. (Probation Service)

> Funding is the worry; every quarter we wait to hear if the money continues. (Probation Service)

### Appropriate sentencing and breach

> [Person 1] explained the model to the magistrates in [Site 1] last spring. Breach is still a worry when people miss their appointments with the clinic. (Judiciary)
"""  # noqa: E501


def test_markdown_is_exact_and_anonymised(study: Project, cli) -> None:
    result = cli("export", "quotes")
    assert result.exit_code == 0, result.output
    assert result.stdout == EXPECTED_MD
    assert result.stderr == (
        SMALL_GROUPS_WARNING + NOT_REVIEWED + "Exported quotes (anonymised: 4 replacements --"
        " 3 person, 1 site).\n"
    )
    # Possessive, upper case and bare surname, in two transcripts: one placeholder.
    assert not any(name in result.stdout.lower() for name in NAMES)


def test_csv_is_exact_and_carries_the_audit_trail(study: Project, cli) -> None:
    result = cli("export", "quotes", "--format", "csv", "--per-theme", "1")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == [
        "theme",
        "subtheme",
        "code_id",
        "rank",
        "quote",
        "attribution",
        "participant",
        "transcript",
        "lines",
        "words",
        "exemplar",
        "selected_by",
        "trimmed",
    ]
    assert rows[1] == [
        "Benefits",
        "Increasing options in community sentencing",
        "benefits.options",
        "1",
        "Before the pilot we had nothing at all to offer someone who was clearly unwell."
        " [Person 1]'s team changed that within a month of starting the clinic.",
        "(Probation Service)",
        "P01",
        "P01",
        "3-4",
        "27",
        "no",
        "typical (coder agreement, length)",
        "no",
    ]
    assert [(r[2], r[7], r[8]) for r in rows[2:]] == [
        ("benefits.gap", "P02", "3"),
        ("challenges.funding", "P01", "6-7"),
        ("challenges.breach", "P02", "5-6"),
    ]


def test_placeholders_are_kept_in_the_project(study: Project, cli, tmp_path: Path) -> None:
    assert cli("export", "quotes", "--format", "csv").exit_code == 0
    saved = json.loads(study.store.get_meta("pseudonyms"))
    assert [(e["class"], e["number"], e["original"]) for e in saved["entries"]] == [
        ("Person", 1, "Priya Castellano"),
        ("Site", 1, "Fenwick"),
    ]
    # A later export by site numbers Ashbury next and keeps Fenwick as [Site 1].
    out = cli("export", "matrix", "--by", "site", "--format", "csv")
    assert out.stdout.splitlines()[0].endswith(
        "[Site 2] (n = 1) n,[Site 2] (n = 1) %,[Site 1] (n = 2) n,[Site 1] (n = 2) %"
    )


def test_docx_paragraphs(study: Project, cli, tmp_path: Path) -> None:
    from docx import Document

    target = tmp_path / "quotes.docx"
    result = cli("export", "quotes", "-o", str(target), "--cite-lines", "--per-theme", "1")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        SMALL_GROUPS_WARNING
        + NOT_REVIEWED
        + f"Wrote quotes to {target} (anonymised: 3 replacements -- 2 person, 1 site).\n"
    )
    texts = [p.text for p in Document(str(target)).paragraphs]
    assert texts[:4] == [
        "Quote bank",
        "Benefits",
        "Increasing options in community sentencing",
        "Before the pilot we had nothing at all to offer someone who was clearly unwell."
        " [Person 1]'s team changed that within a month of starting the clinic."
        " (Probation Service) (P01, lines 3-4)",
    ]
    assert (
        "It fills a gap between the GP and the specialist team [the community mental health"
        " team]. (Judiciary) (P02, line 3)" in texts
    )


def test_xlsx_cells(study: Project, cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "quotes.xlsx"
    assert cli("export", "quotes", "-o", str(target)).exit_code == 0
    sheet = load_workbook(target)["Quotes"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:5] == ["theme", "subtheme", "code_id", "rank", "quote"]
    assert rows[3][1:10] == [
        "Increasing options in community sentencing",
        "benefits.options",
        3,
        "The clinic means my officers finally have something real to put before the court."
        " [Person 1] is the reason the whole thing holds together, in my honest view.",
        "(Probation Service)",
        "P03",
        "P03",
        "2-3",
        28,
    ]
    assert len(rows) == 8


def test_attribution_template_fields_pass_the_register(study: Project, cli) -> None:
    result = cli(
        "export", "quotes", "--per-theme", "1", "--attribution", "({id}, {role}, {site}, {years} y)"
    )
    assert result.exit_code == 0, result.output
    assert "(P01, Probation Service, [Site 2], 7 y)" in result.stdout
    assert "(P02, Judiciary, [Site 1], 12 y)" in result.stdout


def test_unknown_attribution_field_lists_the_fields(study: Project, cli) -> None:
    result = cli("export", "quotes", "--attribution", "({group})")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --attribution '({group})': unknown field {group} (fields: id, role, site,"
        " years). Use only those fields, in braces.\n"
    )


def test_a_leak_fails_the_export_names_the_place_and_leaves_no_file(
    study: Project, cli, tmp_path: Path
) -> None:
    target = tmp_path / "quotes.docx"
    result = cli("export", "quotes", "-o", str(target), "--attribution", "({role}, CASTELLANO's)")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: leak gate: 1 registered term found in quote 1 (Benefits > Increasing options in"
        " community sentencing): registered person name (alias 2 of people entry 1,"
    )
    assert "castellano" not in result.stderr.lower()
    assert not target.exists()
    assert leftovers(tmp_path) == []
    assert study.store.get_meta("pseudonyms") is None


def test_no_anonymise_is_explicit_and_audited(study: Project, cli) -> None:
    result = cli("export", "quotes", "--no-anonymise", "--per-theme", "1")
    assert result.exit_code == 0, result.output
    assert "Dr Castellano's team" in result.stdout
    assert "warning: this export is NOT anonymised" in result.stderr
    entries = study.store.audit_entries(action="export.no_anonymise")
    assert [e.details for e in entries] == [
        {"export": "quotes", "format": "md", "output": "stdout"}
    ]


def test_exemplars_come_first(study: Project) -> None:
    segment = study.store.segment_at("P03", 5)
    assert segment is not None
    study.store.set_exemplar("ana", segment.id, True)
    bank = build_quote_bank(study, ExportAnonymiser(study), per_theme=1)
    funding = next(s for s in bank.sections if s.code_id == "challenges.funding")
    assert [(q.transcript_id, q.lines, q.selected_by) for q in funding.quotes] == [
        ("P03", "5", "exemplar")
    ]


def test_typicality_from_cached_embeddings(study: Project, monkeypatch, cli) -> None:
    from themekit.suggest.cache import text_hash

    monkeypatch.setenv("THEMEKIT_EMBEDDER", "fake")
    # P03's passage sits on the centroid's axis, P01's and P02's lean away from it.
    directions = {("P01", 3): 1, ("P01", 4): 1, ("P02", 2): 2, ("P03", 2): 0, ("P03", 3): 0}
    items = []
    for (transcript, line), axis in directions.items():
        segment = study.store.segment_at(transcript, line)
        assert segment is not None
        vector = np.array([1.0, 0.0, 0.0], dtype=np.float32)
        vector[axis] += 0.8 if axis else 0.0
        items.append((text_hash(segment.text), vector / np.linalg.norm(vector)))
    study.store.store_embeddings("fake-hash-v1", items)
    # The typicality function is injected: the export package never imports the suggester.
    bank = build_quote_bank(
        study, ExportAnonymiser(study), per_theme=3, typicality=embedding_typicality(study)
    )
    options = bank.sections[0]
    assert [(q.participant, q.selected_by) for q in options.quotes] == [
        ("P03", "typical (embeddings)"),
        ("P01", "typical (embeddings)"),
        ("P02", "typical (embeddings)"),
    ]
    # Sub-themes without vectors fall back to the heuristic.
    assert bank.sections[1].quotes[0].selected_by == "typical (coder agreement, length)"
    # Without a typicality function, the heuristic everywhere.
    plain = build_quote_bank(study, ExportAnonymiser(study), per_theme=3)
    assert {q.selected_by for q in plain.sections[0].quotes} == {
        "typical (coder agreement, length)"
    }
    # The CLI passes the embedding-based one in.
    result = cli("export", "quotes", "-f", "csv")
    assert result.exit_code == 0, result.output
    cli_rows = csv.DictReader(io.StringIO(result.stdout))
    assert [(r["participant"], r["selected_by"]) for r in cli_rows][:3] == [
        ("P03", "typical (embeddings)"),
        ("P01", "typical (embeddings)"),
        ("P02", "typical (embeddings)"),
    ]


def test_the_export_package_does_not_import_the_suggester() -> None:
    import subprocess
    import sys

    code = (
        "import sys, themekit.export.api, themekit.export.quotes, themekit.export.report\n"
        "import themekit.export.formats\n"
        "print([m for m in sys.modules if m.startswith('themekit.suggest')])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    import re

    importing = re.compile(r"^\s*(from|import) themekit\.suggest", re.M)
    source = (Path(__file__).parents[1] / "src/themekit/export").glob("*.py")
    assert not [p.name for p in source if importing.search(p.read_text(encoding="utf-8"))]


def test_word_bounds_skip_short_and_trim_long(study: Project) -> None:
    bank = build_quote_bank(study, ExportAnonymiser(study), min_words=17, max_words=20)
    options = bank.sections[0]
    assert [(q.participant, q.text, q.trimmed) for q in options.quotes] == [
        (
            "P01",
            "Before the pilot we had nothing at all to offer someone who was clearly unwell. . . .",
            True,
        ),
        (
            "P03",
            "The clinic means my officers finally have something real to put before the court."
            " . . .",
            True,
        ),
    ]
    assert bank.sections[1].quotes == []  # the gap quote has 16 words


def test_trim_keeps_whole_sentences_and_brackets() -> None:
    text = "One two three [the court] four. Five six seven. Eight nine ten eleven."
    assert split_sentences(text) == [
        "One two three [the court] four.",
        "Five six seven.",
        "Eight nine ten eleven.",
    ]
    assert trim_quote(text, 9) == ("One two three [the court] four. Five six seven. . . .", True)
    assert trim_quote(text, 20) == (text, False)
    assert trim_quote("a b c d e f g, h i", 5) == ("a b c d e . . .", True)


def test_level_theme_and_a_flat_codebook(project: Project, cli) -> None:
    flat = {"codes": [{"id": "benefits.options", "label": "Options"}]}
    build_export_study(project, codebook=flat, codings={"ana": [("P02", 2, "benefits.options")]})
    refused = cli("export", "quotes")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Error: The codebook has no sub-themes (no code has children). Group codes under"
        " themes in the codebook, or use --level theme.\n"
    )
    result = cli("export", "quotes", "--level", "theme")
    assert result.stdout == (
        "# Quote bank\n\n## Options\n\n> I can now make an order that includes treatment,"
        " which I could not do before. (Judiciary)\n"
    )


def test_binary_format_needs_a_file(study: Project, cli) -> None:
    result = cli("export", "quotes", "--format", "docx")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --format docx is written to a file, not the terminal. Add -o FILE.docx.\n"
    )


def test_nothing_coded(project: Project, cli) -> None:
    build_export_study(project, codings={})
    result = cli("export", "quotes")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Nothing is coded yet. Code transcripts with 'themekit code' or"
        " 'themekit code --apply FILE'.\n"
    )


@pytest.mark.slow
def test_real_ner_replaces_unregistered_names_and_keeps_the_allow_list(project: Project) -> None:
    with_ner = REGISTER.replace("ner:\n  enabled: false\n", "").replace(
        "  - Probation Service\n", "  - Probation Service\n  - Crown Court\n"
    )
    build_export_study(
        project, register=with_ner, codings={"ana": [("P02", 2, "benefits.options")]}
    )
    anonymiser = ExportAnonymiser(project)
    texts = anonymiser.texts(
        [
            "Tom Okafor from the Probation Service met me at the Crown Court in Harrowgate"
            " Bridge, and Dr Castellano joined us."
        ],
        ["test"],
    )
    assert texts == [
        "[Person 1] from the Probation Service met me at the Crown Court in [Place 1],"
        " and [Person 2] joined us."
    ]
    anonymiser.finish()
    # The NER result is cached in the store: a second run needs no model.
    assert project.store.db.query_one("SELECT COUNT(*) FROM ner_cache")[0] == 1


def test_attribution_by_a_name_column_is_refused() -> None:
    from themekit.cli.hints import render_error
    from themekit.errors import ExportError
    from themekit.export.quotes import check_attribution

    fields = ["id", "role", "site", "full_name"]
    with pytest.raises(ExportError) as info:
        check_attribution("({full_name}, {role})", fields)
    assert str(info.value).startswith("attribution '({full_name}, {role})': {full_name}")
    assert render_error(info.value) == (
        "--attribution '({full_name}, {role})': {full_name} would identify participants."
        " Attribute quotes by group, e.g. '({role})' or '({role}, {site})'."
    )
    check_attribution("({full_name})", fields, anonymised=False)  # --no-anonymise: allowed
    check_attribution("({role}, {site})", fields)


def test_small_group_warning_follows_the_projects_attribution(study: Project, cli) -> None:
    settings = study.root / "themekit.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('attribution = "({role})"', 'attribution = "({site})"'))
    result = cli("export", "quotes", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "warning: groups by site with fewer than 3 participants" in result.stderr
    assert "groups by role" not in result.stderr
