"""No interview text in error messages or the audit log unless --debug is given.

On the bundled sample (imported for real), the test provokes ThemekitErrors and
internal errors whose exception messages quote a transcript sentence, and checks that
stderr contains no sentence of any transcript; with --debug the same internal error
does show it (so the check can fail). The audit log, which travels in bundles, is
checked too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import themekit
from conftest import CODEBOOKS, SAMPLE, Cli
from themekit.errors import ExitCode
from themekit.project import Project


@pytest.fixture(scope="module")
def sample_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("no-text") / "study"
    with Project.init(root) as project:
        outcomes = themekit.import_transcripts(project, [SAMPLE], unit="turn")
        assert {o.status for o in outcomes} == {"imported", "skipped"}  # skipped: README.md
        themekit.import_participants(project, SAMPLE / "participants.csv")
        sentences = sorted(
            {
                s.text
                for s in project.store.all_current_segments(codable_only=False)
                if len(s.text) >= 25
            }
        )
    assert len(sentences) > 50
    result = Cli(root)("codebook", "load", str(CODEBOOKS / "mhtr.yaml"))
    assert result.exit_code == 0, result.output
    return root, sentences


def leaked(text: str, sentences: list[str]) -> list[str]:
    return [s for s in sentences if s in text or s[:40] in text]


def test_themekit_errors_quote_no_transcript_text(sample_project, tmp_path: Path) -> None:
    root, sentences = sample_project
    cli = Cli(root)
    bad_sheet = tmp_path / "bad.csv"
    bad_sheet.write_text(
        "transcript,line,code,memo\nP03,9999,benefits,x\nP03,2,no.such.code,y\nNOPE,1,x,z\n",
        encoding="utf-8",
    )
    broken_book = tmp_path / "broken.yaml"
    broken_book.write_text("codes:\n  - label: [unclosed\n", encoding="utf-8")
    calls = [
        ["code", "--coder", "ana", "--apply", str(bad_sheet)],
        ["transcripts", "show", "NOPE"],
        ["codebook", "load", str(broken_book)],
        ["merge", str(tmp_path / "missing.tkb")],
        ["bundle", "--coder", "nobody", "-o", str(tmp_path / "b.tkb")],
        ["agree", "--coders", "ana"],
    ]
    for args in calls:
        result = cli(*args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.startswith("Error: "), (args, result.stderr)
        assert leaked(result.stderr, sentences) == [], args


def test_internal_errors_hide_their_message_unless_debug(
    sample_project, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, sentences = sample_project
    quote = sentences[len(sentences) // 2]

    def explode(self: object) -> None:
        raise ValueError(f"could not handle segment {quote!r}")

    monkeypatch.setattr(Project, "status", explode)
    monkeypatch.delenv("THEMEKIT_RAISE_INTERNAL")  # the line users see, not the test mode
    plain = Cli(root)("status")
    assert plain.exit_code == ExitCode.INTERNAL
    assert plain.stderr == (
        "Error: internal error (ValueError). Run the same command with --debug to see the"
        " traceback, and please report it.\n"
    )
    assert leaked(plain.stderr, sentences) == []
    # --debug lets the exception through, message and all: the check above is a real one
    with pytest.raises(ValueError) as info:
        Cli(root)("--debug", "status")
    assert quote in str(info.value)


def test_import_errors_name_the_file_not_its_text(sample_project, tmp_path: Path) -> None:
    root, sentences = sample_project
    text = (SAMPLE / "P03.txt").read_text(encoding="utf-8")
    broken = tmp_path / "P99.txt"
    broken.write_bytes(text.encode("utf-8") + b"\x00\x01 binary tail")
    result = Cli(root)("import", str(broken))
    assert result.exit_code == 1
    assert str(broken) in result.stderr
    assert leaked(result.stderr, sentences) == []


def test_audit_log_holds_no_transcript_text(sample_project, tmp_path: Path) -> None:
    root, sentences = sample_project
    with Project.open(root) as project:
        segment = project.store.segments("P03", codable_only=True)[0]
        code = next(e.code.id for e in project.store.current_codebook()[1].walk() if e.code.codable)  # type: ignore[index]
    sheet = tmp_path / "ok.csv"
    sheet.write_text(f"transcript,line,code\nP03,{segment.line},{code}\n", encoding="utf-8")
    assert Cli(root)("code", "--coder", "ana", "--apply", str(sheet)).exit_code == 0
    with Project.open(root) as project:
        entries = project.store.audit_entries()
    dumped = json.dumps([e.details for e in entries], ensure_ascii=False)
    assert {"transcript.import", "codebook.version"} <= {e.action for e in entries}
    assert leaked(dumped, sentences) == []
