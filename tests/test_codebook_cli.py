"""Codebook versions in a project: load, diff, safe removal, revision, history, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CODEBOOKS
from themekit.coding.service import CodingSession
from themekit.model.transcripts import ParsedTranscript, Segment
from themekit.project import Project

BOOK = """\
name: Test framework
codes:
  - id: benefits
    label: Benefits
    codable: false
    children:
      - id: benefits.gap
        label: Filling a previous gap in services
        definition: The pilot provides something that did not exist before.
      - id: benefits.access
        label: Increasing access to other services
        definition: Service users reach other services through the pilot.
  - id: challenges
    label: Challenges
    codable: false
    children:
      - id: challenges.funding
        label: Sustainability of funding
        definition: Worries about money running out.
"""


def add_transcript(project: Project) -> None:
    text = "P01: It filled a gap. It opened doors. Money is short."
    sentences = ["It filled a gap.", "It opened doors.", "Money is short."]
    segments = []
    for line, sentence in enumerate(sentences, start=1):
        start = text.index(sentence)
        segments.append(Segment(line, "P01", 0, start, start + len(sentence), sentence, True))
    project.store.add_transcript_version(
        "P01",
        ParsedTranscript(text, [], "txt"),
        segments,
        content_hash="h",
        source_name="P01.txt",
        unit="sentence",
    )


def load(cli, tmp_path: Path, text: str, *extra: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "book.yaml"
    path.write_text(text, encoding="utf-8")
    return cli("codebook", "load", str(path), *extra)


def test_load_prints_diff_and_is_idempotent(project: Project, cli, tmp_path: Path) -> None:
    first = load(cli, tmp_path, BOOK)
    assert first.exit_code == 0, first.output
    assert "Loaded codebook version 1." in first.stderr
    assert "+ added Benefits > Filling a previous gap in services [benefits.gap]" in first.stderr
    again = load(cli, tmp_path, BOOK)
    assert again.stderr == "Codebook unchanged; nothing stored.\n"
    renamed = load(cli, tmp_path, BOOK.replace("Worries about money", "Fears of money"))
    assert renamed.stderr.splitlines()[1:] == [
        "  * definition changed Challenges > Sustainability of funding [challenges.funding]"
    ]
    assert project.store.current_codebook_version() == 2


def test_removing_a_code_with_codings_is_refused(project: Project, cli, tmp_path: Path) -> None:
    load(cli, tmp_path, BOOK)
    add_transcript(project)
    session = CodingSession(project, "ana")
    session.apply(project.store.segment_at("P01", 2), "benefits.access")
    without_access = BOOK.replace(
        """      - id: benefits.access
        label: Increasing access to other services
        definition: Service users reach other services through the pilot.
""",
        "",
    )
    refused = load(cli, tmp_path, without_access)
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Error: This change removes codes that have codings: Benefits > Increasing access"
        " to other services [benefits.access] (1 codings). Nothing was changed. Keep them, or"
        " run again with --merge-into ID to move their codings, or --drop-codings to delete"
        " them.\n"
    )
    assert project.store.current_codebook_version() == 1

    merged = load(cli, tmp_path, without_access, "--merge-into", "benefits.gap")
    assert merged.exit_code == 0, merged.output
    codings = project.store.codings()
    assert [(c.line, c.code_id, c.codebook_version) for c in codings] == [(2, "benefits.gap", 1)]
    assert json.loads(codings[0].origin) == {"merged_from": "benefits.access"}


def test_drop_codings(project: Project, cli, tmp_path: Path) -> None:
    load(cli, tmp_path, BOOK)
    add_transcript(project)
    CodingSession(project, "ana").apply(project.store.segment_at("P01", 3), "challenges.funding")
    result = cli("codebook", "remove", "challenges.funding", "--drop-codings")
    assert result.exit_code == 0, result.output
    assert "1 codings dropped (--drop-codings)" in result.stderr
    assert project.store.codings() == []


def test_revision_commands_and_history(project: Project, cli, tmp_path: Path) -> None:
    load(cli, tmp_path, BOOK)
    add_transcript(project)
    session = CodingSession(project, "ana")
    session.apply(project.store.segment_at("P01", 1), "benefits.gap")
    session.apply(project.store.segment_at("P01", 2), "benefits.access")
    session.apply(project.store.segment_at("P01", 2), "benefits.gap")
    assert cli("codebook", "rename", "benefits.gap", "Filling a gap").exit_code == 0
    assert cli("codebook", "move", "challenges.funding", "--under", "benefits").exit_code == 0
    result = cli("codebook", "merge", "benefits.access", "--into", "benefits.gap")
    assert result.exit_code == 0, result.output
    assert (
        cli(
            "codebook",
            "add",
            "Housing",
            "--id",
            "benefits.housing",
            "--parent",
            "benefits",
            "--definition",
            "Accommodation found through the pilot.",
        ).exit_code
        == 0
    )
    # The merge kept one coding per segment and the original codebook version.
    assert [(c.line, c.code_id) for c in project.store.codings()] == [
        (1, "benefits.gap"),
        (2, "benefits.gap"),
    ]
    reused = cli("codebook", "add", "Access again", "--id", "benefits.access")
    assert reused.exit_code == 1
    assert "ids are never reused" in reused.stderr
    history = cli("codebook", "history")
    lines = history.stdout.splitlines()
    assert [line.split("  ")[0] for line in lines if line.startswith("version")] == [
        f"version {n}" for n in range(1, 6)
    ]
    assert (
        "    ~ renamed Filling a previous gap in services -> Filling a gap [benefits.gap]" in lines
    )
    shown = json.loads(cli("codebook", "show", "--format", "json").stdout)
    by_id = {c["id"]: c for c in shown["codes"]}
    assert by_id["benefits.gap"]["codings"] == 2
    assert by_id["benefits.gap"]["coders"] == ["ana"]
    assert by_id["challenges.funding"]["path"] == "Benefits > Sustainability of funding"


def test_validate_reports_locations(cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("codes:\n  - id: a\n    lable: Oops\n", encoding="utf-8")
    result = cli("codebook", "validate", str(bad))
    assert result.exit_code == 1
    lines = [line.replace(str(bad), "FILE") for line in result.stderr.splitlines()]
    assert lines[0] == "FILE:2:5: missing `label`"
    assert lines[2].startswith("FILE:3:5: unknown key `lable` in a code (did you mean `label`?)")
    assert lines[-1] == "Error: FILE: 2 errors. Fix the lines listed above and validate again."


def test_bundled_codebook_loads_and_exports(project: Project, cli, tmp_path: Path) -> None:
    result = cli("codebook", "load", str(CODEBOOKS / "mhtr.yaml"))
    assert result.exit_code == 0, result.output
    md = cli("codebook", "export", "--format", "md")
    assert "Filling a previous gap in services" in md.stdout
    out = tmp_path / "appendix.docx"
    assert cli("codebook", "export", "--format", "docx", "-o", str(out)).exit_code == 0
    from docx import Document

    cells = [c.text for t in Document(str(out)).tables for row in t.rows for c in row.cells]
    assert "Benefits > Filling a previous gap in services" in cells
    yaml_out = cli("codebook", "export", "--format", "yaml").stdout
    again = tmp_path / "again.yaml"
    again.write_text(yaml_out, encoding="utf-8")
    assert load(cli, tmp_path, yaml_out).stderr == "Codebook unchanged; nothing stored.\n"


def test_no_codebook_message(cli) -> None:
    result = cli("codebook", "show")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: No codebook is loaded in this project. Load one with 'themekit codebook load"
        " FILE' (e.g. codebooks/mhtr.yaml).\n"
    )


BAD_CODEBOOKS = {
    "malformed_yaml": ("bad.yaml", b"codes:\n  - id: a\n    label: [unclosed\n"),
    "not_a_codebook": ("list.yaml", b"- just\n- a list\n"),
    "csv_duplicate_ids": (
        "dup.csv",
        b"id,path,definition\na,Benefits > One,x\na,Benefits > Two,y\n",
    ),
    "csv_cycle": ("cycle.csv", b"id,label,parent\na,A,b\nb,B,a\n"),
    "undecodable": ("latin.yaml", b"codes:\n  - id: a\n    label: Caf\xe9 \x81\n"),
    "unknown_type": ("book.pdf", b"%PDF-1.4"),
}


@pytest.mark.parametrize("case", sorted(BAD_CODEBOOKS))
def test_bad_codebook_leaves_project_unchanged(
    project: Project, cli, tmp_path: Path, case: str
) -> None:
    assert load(cli, tmp_path, BOOK).exit_code == 0
    name, data = BAD_CODEBOOKS[case]
    bad = tmp_path / name
    bad.write_bytes(data)
    result = cli("codebook", "load", str(bad))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: {bad}: ")
    assert f"Run `themekit codebook validate {bad}`" in lines[0] or case == "unknown_type"
    assert project.store.current_codebook_version() == 1
    assert "Traceback" not in result.output


def test_validate_accepts_the_qdc_it_exports(project: Project, cli, tmp_path: Path) -> None:
    assert cli("codebook", "load", str(CODEBOOKS / "mhtr.yaml")).exit_code == 0
    qdc = tmp_path / "book.qdc"
    assert cli("codebook", "export", "--format", "qdc", "-o", str(qdc)).exit_code == 0
    result = cli("codebook", "validate", str(qdc))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"{qdc}: valid REFI-QDA codebook, 16 codes\n"
