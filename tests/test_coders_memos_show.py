"""Coders are explicit, memos reach every output, ``codings show`` and the init guard."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from helpers_coding import build_study
from themekit.coding.coded_text import coded_passages
from themekit.coding.coders import add_coder, nearest_coder, require_known
from themekit.coding.service import CodingSession
from themekit.errors import CodingError
from themekit.project import Project

ADD_HINT = (
    " Check the spelling ('themekit coders list'), or add a new coder with"
    " 'themekit coders add NAME'.\n"
)


@pytest.fixture
def study(project: Project) -> Project:
    build_study(project)
    add_coder(project, "ana")
    add_coder(project, "ben")
    ana = CodingSession(project, "ana")
    ben = CodingSession(project, "ben")
    ana.apply(ana.segment("P01", 3), "benefits.gap", memo="first mention of the gap")
    ana.apply(ana.segment("P02", 3), "benefits.gap")
    ana.set_segment_memo(ana.segment("P02", 3), "the judge's own words")
    ben.apply(ben.segment("P02", 3), "benefits.gap")
    ben.apply(ben.segment("P01", 6), "challenges.funding")
    return project


# -- coders ---------------------------------------------------------------------------------
def test_coders_add_and_list(project: Project, cli) -> None:
    build_study(project)
    result = cli("coders", "add", "ana", "ben")
    assert result.exit_code == 0, result.output
    assert result.stderr == "New coder 'ana' created.\nNew coder 'ben' created.\n"
    assert project.store.coders() == ["ana", "ben"]
    assert [e.action for e in project.store.audit_entries()][-2:] == ["coder.add", "coder.add"]
    again = cli("coders", "add", "ana")
    assert again.exit_code == 1
    assert again.stderr == "Error: Coder 'ana' already exists. Use that coder.\n"
    case = cli("coders", "add", "Ana")
    assert case.stderr.startswith(
        "Error: Coder 'Ana' differs from the existing 'ana' only in case."
    )
    listed = json.loads(cli("coders", "list", "--format", "json").stdout)
    assert listed == [
        {"coder": "ana", "codings": 0, "transcripts_started": 0, "transcripts_done": 0, "memos": 0},
        {"coder": "ben", "codings": 0, "transcripts_started": 0, "transcripts_done": 0, "memos": 0},
    ]
    assert project.store.coders() == ["ana", "ben"]


def test_nearest_coder() -> None:
    assert nearest_coder("anna", ["ana", "ben"]) == "ana"
    assert nearest_coder("ANA", ["ana", "ben"]) == "ana"
    assert nearest_coder("bem", ["ana", "ben"]) == "ben"
    assert nearest_coder("zoe", ["ana", "ben"]) is None


@pytest.mark.parametrize(
    "argv",
    [
        ("code", "P01", "--coder", "anna"),
        ("codings", "list", "--coder", "anna"),
        ("codings", "export", "--coder", "anna"),
        ("codings", "show", "benefits.gap", "--coder", "anna"),
        ("memos", "list", "--coder", "anna"),
        ("transcripts", "done", "P01", "--coder", "anna"),
        ("suggest", "--coder", "anna", "--transcript", "P01"),
        ("agree", "--coders", "ana,anna"),
        ("reconcile", "--coders", "anna,ben", "--into", "consensus"),
    ],
)
def test_an_unknown_coder_is_an_error_everywhere(study: Project, cli, argv) -> None:
    before = study.store.coders()
    result = cli(*argv)
    assert result.exit_code == 1
    assert result.stderr == "Error: Unknown coder 'anna'. Did you mean 'ana'?" + ADD_HINT
    assert study.store.coders() == before


def test_the_picker_of_a_new_coder_lists_every_transcript(study: Project) -> None:
    add_coder(study, "cleo")
    session = CodingSession(study, require_known(study, "cleo"))
    assert session.progress() == [("P01", 0, 6, False), ("P02", 0, 4, False)]


def test_existing_coders_of_an_older_project_stay_known(study: Project) -> None:
    # Coders who coded before coders were explicit are in the coders table already
    # (every coding references it), so they need no migration.
    study.store.ensure_coder("dev")  # as an older version's first coding did
    assert require_known(study, "dev") == "dev"


# -- memos ----------------------------------------------------------------------------------
def test_memos_in_codings_list_and_export(study: Project, cli) -> None:
    rows = json.loads(cli("codings", "list", "--coder", "ana", "--format", "json").stdout)
    assert [(r["line"], r["memo"], r["line_memo"]) for r in rows] == [
        (3, "first mention of the gap", None),
        (3, None, "the judge's own words"),
    ]
    text = cli("codings", "export", "--coder", "ana", "--format", "csv").stdout
    exported = list(csv.DictReader(io.StringIO(text)))
    assert [(r["memo"], r["line_memo"]) for r in exported] == [
        ("first mention of the gap", ""),
        ("", "the judge's own words"),
    ]


def test_memos_list_and_export(study: Project, cli, tmp_path: Path) -> None:
    rows = json.loads(cli("memos", "list", "--format", "json").stdout)
    assert [
        (r["transcript"], r["line"], r["coder"], r["on"], r["code"], r["memo"]) for r in rows
    ] == [
        ("P01", 3, "ana", "coding", "benefits.gap", "first mention of the gap"),
        ("P02", 3, "ana", "line", None, "the judge's own words"),
    ]
    md = cli("memos", "export").stdout
    assert "## P02" in md
    assert "- **ana** (line 3, Judge): the judge's own words" in md
    assert "- **ana** on benefits.gap (line 3, Officer): first mention of the gap" in md
    target = tmp_path / "memos.csv"
    result = cli("memos", "export", "-o", str(target), "--transcript", "P02")
    assert result.stderr == f"Exported 1 memo to {target}\n"
    written = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [(r["line"], r["memo"], r["text"]) for r in written] == [
        ("3", "the judge's own words", "It fills a gap between the GP and the specialist team.")
    ]
    # An existing file is replaced only with --force.
    again = cli("memos", "export", "-o", str(target))
    assert again.exit_code == 1
    assert again.stderr == (
        f"Error: {target}: already exists; nothing was written. Add --force to replace it,"
        " or choose another -o.\n"
    )
    assert len(list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))) == 1
    forced = cli("memos", "export", "-o", str(target), "--force")
    assert forced.stderr == f"Exported 2 memos to {target}\n"


# -- codings show ---------------------------------------------------------------------------
def test_coded_passages_by_group_coder_and_transcript(study: Project) -> None:
    by_group = coded_passages(study, "benefits.gap")
    assert by_group.code_path == "Benefits > Filling a previous gap in services"
    assert {
        k: [(p.transcript, p.line, p.coder) for p in v] for k, v in by_group.sections.items()
    } == {
        "Judiciary": [("P02", 3, "ana"), ("P02", 3, "ben")],
        "Probation Service": [("P01", 3, "ana")],
    }
    by_coder = coded_passages(study, "Benefits > Filling a previous gap in services", by="coder")
    assert {k: len(v) for k, v in by_coder.sections.items()} == {"ana": 2, "ben": 1}
    only_ben = coded_passages(study, "benefits.gap", by="transcript", coder="ben")
    assert list(only_ben.sections) == ["P02"]
    with pytest.raises(CodingError, match="Unknown code 'nope'"):
        coded_passages(study, "nope")


def test_codings_show_in_the_terminal_and_as_files(study: Project, cli, tmp_path: Path) -> None:
    shown = cli("codings", "show", "benefits.gap")
    assert shown.exit_code == 0, shown.output
    out = shown.stdout
    assert "Benefits > Filling a previous gap in services (benefits.gap)" in out
    assert "3 passages, by group." in out
    assert "Judiciary (2)" in out
    assert "It fills a gap between the GP and the specialist team." in out
    assert "-- P02, line 3, Judge, coded by ben" in out
    assert "memo: first mention of the gap" in out
    assert "line memo: the judge's own words" in out
    md = cli("codings", "show", "benefits.gap", "--by", "coder", "--format", "md").stdout
    assert md.startswith("# Benefits > Filling a previous gap in services (benefits.gap)\n")
    assert "## ben (1)" in md
    assert "> -- P02, line 3, Judge, Judiciary" in md
    target = tmp_path / "gap.csv"
    result = cli("codings", "show", "benefits.gap", "-o", str(target))
    assert result.stderr == f"Wrote 3 passages to {target}\n"
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [(r["heading"], r["line"], r["coder"], r["group"]) for r in rows] == [
        ("Judiciary", "3", "ana", "Judiciary"),
        ("Judiciary", "3", "ben", "Judiciary"),
        ("Probation Service", "3", "ana", "Probation Service"),
    ]
    refused = cli("codings", "show", "benefits.gap", "--by", "coder", "-o", str(target))
    assert refused.exit_code == 1
    assert "already exists; nothing was written. Add --force to replace it" in refused.stderr
    assert target.read_text(encoding="utf-8-sig").count("\n") == len(rows) + 1  # unchanged
    forced = cli("codings", "show", "benefits.gap", "--by", "coder", "-o", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert {r["heading"] for r in csv.DictReader(io.StringIO(target.read_text("utf-8-sig")))} == {
        "ana",
        "ben",
    }
    docx_path = tmp_path / "gap.docx"
    assert cli("codings", "show", "benefits.gap", "-o", str(docx_path)).exit_code == 0
    assert cli("codings", "show", "benefits.gap", "-o", str(docx_path)).exit_code == 1
    from docx import Document

    paragraphs = [p.text for p in Document(str(docx_path)).paragraphs]
    assert "It fills a gap between the GP and the specialist team." in paragraphs
    assert "Judiciary (2)" in paragraphs


# -- init guard -----------------------------------------------------------------------------
def test_init_inside_a_project_refuses_unless_nested(project: Project, bare_cli) -> None:
    inner = project.root / "sub" / "inner"
    result = bare_cli("init", str(inner))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {inner} is inside the project in {project.root}; nothing was created."
        " Work in that project, or pass --nested to create a separate project inside it.\n"
    )
    assert not (inner / "themekit.db").exists()
    nested = bare_cli("init", str(inner), "--nested")
    assert nested.exit_code == 0, nested.output
    assert (inner / "themekit.db").exists()


def test_a_coder_with_no_work_can_be_removed_one_with_work_cannot(study: Project, cli) -> None:
    # A typo that an older version turned into a coder, with a saved position.
    study.store.ensure_coder("anna")
    study.store.set_last_line("P01", "anna", 3)
    result = cli("coders", "remove", "anna")
    assert result.exit_code == 0, result.output
    assert result.stderr == "Coder 'anna' removed.\n"
    assert study.store.coders() == ["ana", "ben"]
    assert study.store.last_line("P01", "anna") is None
    assert study.store.audit_entries(action="coder.remove")[-1].details == {"coder": "anna"}
    kept = cli("coders", "remove", "ana")
    assert kept.exit_code == 1
    assert kept.stderr == (
        "Error: Coder 'ana' has codings, memos, exemplars or done marks; nothing was removed."
        " Only a coder with no work can be removed.\n"
    )
    assert study.store.coders() == ["ana", "ben"]
