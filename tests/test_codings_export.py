"""``themekit codings export|list`` and the export -> apply round trip."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from helpers_coding import build_study, coding_keys, load_codebook
from themekit.cli.hints import render_error
from themekit.coding.bulk import apply_bulk
from themekit.coding.exchange import codings_table, export_codings
from themekit.coding.service import CodingSession
from themekit.errors import CodingError, ExportError
from themekit.project import Project

NOT_ANONYMISED = (
    "warning: codings exports are working files with the interview text as recorded; they"
    " are not anonymised (use 'themekit export ...' for anonymised outputs).\n"
)


@pytest.fixture
def coded(project: Project) -> Project:
    """The mini study with codings by two coders: whole lines, a span and memos."""
    build_study(project)
    ana = CodingSession(project, "ana")
    ben = CodingSession(project, "ben")
    s3 = ana.segment("P01", 3)
    ana.apply(s3, "benefits.gap", memo='he said "nothing",\nthen paused')
    ana.apply(ana.segment("P01", 4), "Benefits > Increasing options in community sentencing")
    s6 = ana.segment("P01", 6)
    ana.apply(s6, "challenges.funding", span=(s6.start + 10, s6.end))
    ben.apply(ben.segment("P02", 3), "benefits.gap", memo="=looks like a formula")
    ben.apply(ben.segment("P01", 3), "other")
    return project


def test_table_columns_and_values(coded: Project) -> None:
    table = codings_table(coded)
    assert table.columns == [
        "transcript",
        "line",
        "code",
        "code_path",
        "memo",
        "line_memo",
        "coder",
        "text",
        "speaker",
        "participant",
        "role",
        "site",
        "bench",
        "years",
        "codebook_version",
        "created_at",
        "source",
        "span_start",
        "span_end",
        "uid",
    ]
    first = table.rows[0]
    assert {k: first[k] for k in table.columns[:14]} == {
        "transcript": "P01",
        "line": 3,
        "code": "benefits.gap",
        "code_path": "Benefits > Filling a previous gap in services",
        "memo": 'he said "nothing",\nthen paused',
        "line_memo": None,
        "coder": "ana",
        "text": "Before the pilot we had nothing to offer someone who was unwell.",
        "speaker": "Officer",
        "participant": "P01",
        "role": "Probation Service",
        "site": "Plymouth",
        "bench": None,
        "years": 7,
    }
    span_row = next(r for r in table.rows if r["span_start"] is not None)
    assert span_row["text"] == "nobody knows whether the money lasts past March."
    assert [(r["transcript"], r["line"], r["coder"]) for r in table.rows] == [
        ("P01", 3, "ana"),
        ("P01", 3, "ben"),
        ("P01", 4, "ana"),
        ("P01", 6, "ana"),
        ("P02", 3, "ben"),
    ]
    assert table.rows[-1]["bench"] == "magistrates"


def test_filters(coded: Project) -> None:
    assert len(codings_table(coded, coder="ben").rows) == 2
    assert len(codings_table(coded, transcript="P02").rows) == 1
    with pytest.raises(CodingError, match="Unknown coder 'zoe'. Known coders: ana, ben."):
        codings_table(coded, coder="zoe")
    with pytest.raises(CodingError, match="No transcript 'P77'"):
        codings_table(coded, transcript="P77")


def test_code_path_of_a_retired_code_comes_from_its_version(coded: Project) -> None:
    from helpers_coding import MINI_CODEBOOK

    smaller = json.loads(json.dumps(MINI_CODEBOOK))
    smaller["codes"] = [c for c in smaller["codes"] if c["id"] != "other"]
    load_codebook(coded, smaller)
    rows = codings_table(coded, coder="ben").rows
    assert [(r["code"], r["code_path"]) for r in rows] == [
        ("other", "Other"),
        ("benefits.gap", "Benefits > Filling a previous gap in services"),
    ]


def _fresh_copy(tmp_path: Path) -> Project:
    """A new project with the same transcripts and codebook, and no codings."""
    fresh = Project.init(tmp_path / "fresh")
    build_study(fresh)
    return fresh


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_apply_reproduces_codings(coded: Project, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"codings.{fmt}"
    count, text = export_codings(coded, target)
    assert (count, text) == (5, None)
    with _fresh_copy(tmp_path) as fresh:
        result = apply_bulk(fresh, target)
        assert result.applied == 5
        assert coding_keys(fresh) == coding_keys(coded)
        assert {c.uid for c in fresh.store.codings()} == {c.uid for c in coded.store.codings()}
        again = apply_bulk(fresh, target)
        assert (again.applied, again.already_present) == (0, 5)


def test_export_to_stdout_as_json(coded: Project) -> None:
    count, text = export_codings(coded, fmt="json", transcript="P02")
    assert count == 1
    assert text is not None
    (row,) = json.loads(text)
    assert row["memo"] == "=looks like a formula"
    assert row["span_start"] is None
    assert row["line"] == 3


def test_xlsx_needs_a_file(coded: Project) -> None:
    with pytest.raises(ExportError) as info:
        export_codings(coded, fmt="xlsx")
    assert str(info.value) == (
        "The xlsx format needs an output file."
        " Give an output file, or use the csv or json format for text."
    )
    assert render_error(info.value) == (
        "The xlsx format needs an output file. Pass -o FILE.xlsx, or use --format csv or json"
        " for stdout."
    )


def test_failed_write_leaves_no_partial_file(
    coded: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from themekit.coding import exchange

    target = tmp_path / "out.csv"
    target.write_text("the previous export\n")

    def broken(rows, columns):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(exchange, "to_csv_text", broken)
    with pytest.raises(OSError, match="disk full"):
        export_codings(coded, target, overwrite=True)
    assert target.read_text() == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "study"]


# -- command line -------------------------------------------------------------------------
def test_cli_export_csv_to_stdout(coded: Project, cli) -> None:
    result = cli("codings", "export", "--coder", "ana")
    assert result.exit_code == 0, result.output
    assert result.stderr == NOT_ANONYMISED
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["line"], r["code"], r["memo"]) for r in rows] == [
        ("3", "benefits.gap", 'he said "nothing",\nthen paused'),
        ("4", "benefits.options", ""),
        ("6", "challenges.funding", ""),
    ]


def test_cli_export_to_file_infers_format(coded: Project, cli, tmp_path: Path) -> None:
    target = tmp_path / "all.json"
    result = cli("codings", "export", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stderr == NOT_ANONYMISED + f"Exported 5 codings to {target}\n"
    assert len(json.loads(target.read_text())) == 5


def test_cli_export_xlsx_without_output(coded: Project, cli) -> None:
    result = cli("codings", "export", "--format", "xlsx")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: The xlsx format needs an output file.")


def test_cli_round_trip_through_commands(coded: Project, cli, tmp_path: Path) -> None:
    from conftest import Cli

    target = tmp_path / "c.csv"
    assert cli("codings", "export", "-o", str(target)).exit_code == 0
    with _fresh_copy(tmp_path) as fresh:
        result = Cli(fresh.root)("code", "--apply", str(target))
        assert result.exit_code == 0, result.output
        assert result.stderr == (
            "New coder 'ana' created.\nNew coder 'ben' created.\n"
            "Applied 5 codings to 2 transcripts (0 already present)\n"
        )
        assert coding_keys(fresh) == coding_keys(coded)


def test_json_export_applies_too(coded: Project, cli, tmp_path: Path) -> None:
    from conftest import Cli

    target = tmp_path / "c.json"
    assert cli("codings", "export", "-o", str(target)).exit_code == 0
    with _fresh_copy(tmp_path) as fresh:
        result = Cli(fresh.root)("code", "--apply", str(target))
        assert result.exit_code == 0, result.output
        assert coding_keys(fresh) == coding_keys(coded)


def test_cli_list(coded: Project, cli) -> None:
    result = cli("codings", "list", "--transcript", "P01", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[3] == {
        "transcript": "P01",
        "line": 6,
        "code": "challenges.funding",
        "code_path": "Challenges > Sustainability of funding",
        "coder": "ana",
        "span": rows[3]["span"],
        "memo": None,
        "line_memo": None,
        "source": "hand",
    }
    seg = coded.store.segment_at("P01", 6)
    assert seg is not None
    assert rows[3]["span"] == f"{seg.start + 10}-{seg.end}"
    table = cli("codings", "list", "--coder", "ben")
    assert table.exit_code == 0
    assert "benefits.gap" in table.stdout and "challenges" not in table.stdout
