"""The export API and its one writer registry: a notebook call, read-back of every format.

The leak gate's last check reads what each format's reader finds in the bytes that are
about to be written. These tests plant a registered name where only that last check can
see it (the piece-by-piece gates are switched off) and run every export in every format
it offers through the CLI: each must be refused with exit 1 and leave no file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import themekit
import themekit.export
from test_export_quotes import REGISTER, build_export_study, leftovers
from themekit.errors import ExportError, LeakError
from themekit.export.anonymised import ExportAnonymiser, extract_text
from themekit.export.formats import EXPORT_FORMATS, FORMATS, export_format
from themekit.export.readback import Rendered, read_drawn_text
from themekit.project import Project


@pytest.fixture
def study(project: Project) -> Project:
    return build_export_study(project)


def test_a_notebook_gets_a_gated_table1_in_one_call(study: Project, tmp_path: Path) -> None:
    from docx import Document

    target = tmp_path / "t1.docx"
    result = themekit.export.table1(study, target, by="site", counts="participants")
    assert isinstance(result, themekit.export.ExportResult)
    assert (result.export, result.format, result.path, result.text) == (
        "table1",
        "docx",
        target,
        None,
    )
    assert result.anonymised and result.gated
    assert result.gate_checked == "the text read back from the bytes written"
    assert result.replacements == {"Site": 2}  # the two registered sites used as groups
    assert [(w.code, w.message) for w in result.warnings] == [
        (
            "small-groups",
            "groups by site with fewer than 3 participants can identify them: Ashbury (1),"
            " Fenwick (2). Consider merging groups before publishing.",
        ),
        (
            "register-not-reviewed",
            "the anonymisation register has not been reviewed; mark it reviewed once you"
            " have checked it.",
        ),
    ]
    header = [c.text for c in Document(str(target)).tables[0].rows[0].cells]
    assert header == [
        "Theme",
        "Sub-theme",
        "Participants (N = 3)",
        "[Site 1] (n = 1)",
        "[Site 2] (n = 2)",
    ]
    assert "ashbury" not in extract_text(target, "docx").lower()
    assert study.store.audit_entries(action="export")[-1].details == {
        "export": "table1",
        "format": "docx",
        "output": str(target),
    }
    # The same functions are importable from themekit itself.
    assert themekit.export_table1 is themekit.export.table1


def test_text_formats_come_back_as_text_and_nothing_is_printed(
    study: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    result = themekit.export.quotes(study, "-", per_theme=1, format="csv")
    assert result.path is None and result.text is not None
    assert result.text.startswith("theme,subtheme,code_id,rank,quote,")
    assert "castellano" not in result.text.lower()
    assert result.replacements["Person"] >= 1
    assert capsys.readouterr() == ("", "")


def test_raw_exports_say_so_and_are_not_gated(study: Project) -> None:
    result = themekit.export.table1(study, None, anonymise=False)
    assert (result.anonymised, result.gated, result.gate_checked) == (False, False, None)
    assert [w.code for w in result.warnings] == ["not-anonymised"]
    assert len(study.store.audit_entries(action="export.no_anonymise")) == 1


def test_a_png_is_gated_on_the_labels_it_draws_and_says_so(study: Project, tmp_path: Path) -> None:
    result = themekit.export.matrix(study, tmp_path / "heat.png", by="role")
    assert result.gate_checked == (
        "the labels drawn into the image (a PNG holds no text to read back)"
    )
    with pytest.raises(ExportError, match="did not say which text it drew"):
        read_drawn_text(Rendered(b"\x89PNG"))


def test_the_cli_says_what_the_gate_checked_in_a_png(study: Project, cli, tmp_path: Path) -> None:
    result = cli("export", "matrix", "--by", "role", "-o", str(tmp_path / "heat.png"))
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(
        f"Wrote matrix to {tmp_path / 'heat.png'} (anonymised: no replacements).\n"
        "The leak gate checked the labels drawn into the image (a PNG holds no text to read"
        " back).\n"
    )


# -- the registry ---------------------------------------------------------------------------


def test_every_registered_format_has_a_reader_and_every_export_a_writer() -> None:
    for name, entry in FORMATS.items():
        assert entry.name == name
        assert callable(entry.read_back), f"{name} has no read-back function"
        assert entry.renderers, f"{name} renders nothing"
        for export in entry.renderers:
            assert name in EXPORT_FORMATS[export], f"{export} does not list {name}"
    for export, names in EXPORT_FORMATS.items():
        for name in names:
            assert export in FORMATS[name].renderers, f"{export} has no {name} writer"


def test_the_cli_offers_exactly_the_registered_formats() -> None:
    from themekit.cli import cmd_export

    offered = {
        "table1": cmd_export.Table1Format,
        "quotes": cmd_export.QuotesFormat,
        "matrix": cmd_export.MatrixFormat,
        "report": cmd_export.ReportFormat,
        "disagreements": cmd_export.DisagreementsFormat,
    }
    assert {k: tuple(f.value for f in e) for k, e in offered.items()} == EXPORT_FORMATS


def test_an_unknown_format_is_an_error_never_a_pass(study: Project, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="^format odt: not available here"):
        export_format("odt")
    with pytest.raises(ExportError, match="^format png: not available here"):
        export_format("png", "table1")
    odt = tmp_path / "t.odt"
    odt.write_bytes(b"Priya Castellano")
    with pytest.raises(ExportError, match="^format odt"):
        extract_text(odt, "odt")
    with pytest.raises(ExportError, match=r"^format odt: not available here \(use docx, md"):
        themekit.export.table1(study, tmp_path / "t1.odt")
    assert not (tmp_path / "t1.odt").exists()


def test_a_new_format_needs_only_a_writer_and_a_reader(
    study: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What docs/exports.md promises: register a writer and a reader, and it works."""
    from themekit.export.formats import ExportFormat, RenderOptions
    from themekit.export.readback import read_plain
    from themekit.export.tables import Table, to_markdown

    def txt_table1(table: Table, options: RenderOptions) -> Rendered:
        return Rendered(to_markdown(table).replace("|", " ").encode("utf-8"))

    monkeypatch.setitem(
        FORMATS, "txt", ExportFormat("txt", False, {"table1": txt_table1}, read_plain)
    )
    monkeypatch.setitem(EXPORT_FORMATS, "table1", (*EXPORT_FORMATS["table1"], "txt"))
    result = themekit.export.table1(study, tmp_path / "t1.txt", by="site")
    assert (result.format, result.gated) == ("txt", True)
    assert "[Site 1]" in (tmp_path / "t1.txt").read_text(encoding="utf-8")


# -- every format's read-back catches a planted name -------------------------------------------

PLANTED_BOOK = {
    "codes": [
        {
            "id": "sf",
            "label": "Success factors",
            "codable": False,
            "children": [{"id": "sf.group", "label": "The Ashbury steering group"}],
        }
    ]
}
EVERY_PAIR = [(export, fmt) for export, formats in EXPORT_FORMATS.items() for fmt in formats]


@pytest.mark.parametrize(("export", "fmt"), EVERY_PAIR)
def test_each_formats_read_back_catches_a_planted_name(
    project: Project, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, export: str, fmt: str
) -> None:
    build_export_study(
        project,
        codebook=PLANTED_BOOK,
        codings={"ana": [("P01", 3, "sf.group")], "ben": [("P01", 4, "sf.group")]},
    )
    real_gate = ExportAnonymiser.gate

    def final_gate_only(self: ExportAnonymiser, text: str, where: str) -> None:
        # A code label is normally refused piece by piece; let it through to the output,
        # so only the check on the read-back bytes stands between it and the file.
        if " output (" in where:
            real_gate(self, text, where)

    monkeypatch.setattr(ExportAnonymiser, "gate", final_gate_only)
    target = tmp_path / f"out.{fmt}"
    args = {
        "table1": ["export", "table1"],
        "quotes": ["export", "quotes", "--min-words", "1"],
        "matrix": ["export", "matrix", "--by", "role"],
        "report": ["report"],
        "disagreements": ["export", "disagreements", "--coders", "ana,ben", "--include-partial"],
    }[export]
    result = cli(*args, "-f", fmt, "-o", str(target))
    assert result.exit_code == 1, result.output
    assert re.match(
        rf"Error: leak gate: \d+ registered terms? found in the {export} output \({fmt}\):"
        r" registered site name \(name of sites entry 1, ",
        result.stderr,
    ), result.stderr
    assert "ashbury" not in result.stderr.lower()
    assert not target.exists() and leftovers(tmp_path) == []


def test_html_entities_are_read_back_as_the_characters_they_stand_for() -> None:
    from themekit.anonymise import check_leaks, parse_register

    register = parse_register("people:\n  - name: Siobhan O'Brien\n", source="redact.yaml")
    found = FORMATS["html"].read_back(Rendered(b"<p>Siobhan O&#x27;Brien said</p>"))
    with pytest.raises(LeakError):
        check_leaks(found.text, register, "the html")
    escaped = json.dumps(["a\nSiobhan O'Brien"]).encode("utf-8")
    with pytest.raises(LeakError):
        check_leaks(FORMATS["json"].read_back(Rendered(escaped)).text, register, "the json")


# -- the disagreements list ----------------------------------------------------------------


def test_export_disagreements_is_anonymised_and_gated(study: Project, cli) -> None:
    result = cli("export", "disagreements", "--coders", "ana,ben", "--include-partial")
    assert result.exit_code == 0, result.output
    assert (
        '- P02 line 5 (Judge): "[Person 1] explained the model to the magistrates in'
        ' [Site 1] last spring."' in result.stdout
    )
    assert not any(name in result.stdout.lower() for name in ("castellano", "fenwick"))
    assert "NOT anonymised" not in result.stderr


def test_agree_disagreements_is_a_raw_working_file_and_says_so(study: Project, cli) -> None:
    result = cli("agree", "--coders", "ana,ben", "--disagreements", "--include-partial")
    assert result.exit_code == 0, result.output
    assert "PRIYA CASTELLANO explained the model to the magistrates in Fenwick" in result.stdout
    assert result.stderr == (
        "warning: this list is the coders' raw working file: it is NOT anonymised and holds"
        " interview text as recorded. For a copy to share, run 'themekit export"
        " disagreements'.\n"
    )
    assert (project_root_register := study.root / "redact.yaml").read_text(
        encoding="utf-8"
    ) == REGISTER, project_root_register
    entries = study.store.audit_entries(action="export.no_anonymise")
    assert [e.details["export"] for e in entries] == ["disagreements"]
