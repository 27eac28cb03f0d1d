"""One rule for every command that writes a file named with -o (docs/exports.md,
"Output files: the file-system rules"), the honest "anonymised" label, the working-file
warning of codings exports, and quotes that must be attributed.

Every command is driven through the CLI on the fictional export study of
test_export_quotes (three interviews, two coders, a register). The rules:

* an existing regular file is replaced only with --force; without it, one error line,
  exit 1, and the file untouched;
* a device or a FIFO is refused (with or without --force) before any work, and stays
  what it was; a FIFO is never opened, so nothing blocks;
* a symbolic link is written through: the link stays, its target gets the content;
* ``-o -`` is standard output for text formats, a clear error for binary ones.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from test_export_quotes import add_turns, build_export_study
from themekit.anonymise import AnonymisationSummary
from themekit.cli.app import app  # noqa: F401  (loads the commands; cmd_export is one)
from themekit.cli.cmd_export import _anonymised_label
from themekit.export.api import ExportResult
from themekit.model.rows import Participant
from themekit.project import Project

OLD = "keep me\n"


def exists_error(path: Path) -> str:
    return (
        f"Error: {path}: already exists; nothing was written. Add --force to replace it,"
        " or choose another -o.\n"
    )


@pytest.fixture
def study(project: Project) -> Project:
    return build_export_study(project)


# Each command that writes a file, as the arguments before -o PATH. The suffix picks the
# format where the command infers it.
COMMANDS: dict[str, tuple[list[str], str]] = {
    "export table1": (["export", "table1"], "table1.md"),
    "export quotes": (["export", "quotes", "--per-theme", "1"], "quotes.md"),
    "export matrix": (["export", "matrix", "--by", "role"], "matrix.csv"),
    "export disagreements": (
        ["export", "disagreements", "--coders", "ana,ben", "--include-partial"],
        "disagreements.md",
    ),
    "report": (["report"], "report.md"),
    "export qdpx": (["export", "qdpx"], "study.qdpx"),
    "codings export": (["codings", "export"], "codings.csv"),
    "codebook export": (["codebook", "export"], "codebook.yaml"),
    "backup": (["backup"], "backup.db"),
    "agree": (["agree", "--coders", "ana,ben", "--include-partial", "-f", "md"], "agree.md"),
    "agree --disagreements": (
        ["agree", "--coders", "ana,ben", "--include-partial", "--disagreements", "-f", "md"],
        "raw.md",
    ),
    "bundle": (["bundle", "--coder", "ana"], "ana.tkb"),
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_an_existing_file_is_replaced_only_with_force(
    name: str, study: Project, cli: Callable[..., object], tmp_path: Path
) -> None:
    args, file_name = COMMANDS[name]
    target = tmp_path / file_name
    target.write_text(OLD)
    refused = cli(*args, "-o", str(target))
    assert refused.exit_code == 1, refused.output
    assert refused.stderr == exists_error(target)
    assert refused.stdout == ""
    assert target.read_text() == OLD
    replaced = cli(*args, "-o", str(target), "--force")
    assert replaced.exit_code == 0, replaced.output
    assert target.read_bytes() != OLD.encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["study", file_name])


def test_the_anonymisation_key_uses_the_same_rule(
    study: Project, cli: Callable[..., object], tmp_path: Path
) -> None:
    assert cli("export", "quotes").exit_code == 0  # gives out placeholders
    target = tmp_path / "key.csv"
    target.write_text(OLD)
    refused = cli("anonymise", "key", "-o", str(target))
    assert (refused.exit_code, refused.stderr) == (1, exists_error(target))
    assert target.read_text() == OLD
    assert cli("anonymise", "key", "-o", str(target), "--force").exit_code == 0
    assert target.read_text() != OLD


def test_the_default_backup_name_needs_no_force(study: Project, cli: Callable[..., object]) -> None:
    first = cli("backup")
    assert first.exit_code == 0, first.output
    assert len(list((study.root / "backups").iterdir())) == 1


# -- devices, FIFOs, links and standard output: export table1 and codings export ------------

RULE_COMMANDS = ["export table1", "codings export"]


@pytest.mark.parametrize("name", RULE_COMMANDS)
@pytest.mark.parametrize("force", [False, True])
def test_a_device_is_refused_and_stays_a_device(
    name: str, force: bool, study: Project, cli: Callable[..., object]
) -> None:
    args, _file_name = COMMANDS[name]
    result = cli(*args, "-o", "/dev/null", *(["--force"] if force else []))
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        "Error: /dev/null: is a device, not a file; it is left as it is."
        " Give a regular file with -o.\n"
    )
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("name", RULE_COMMANDS)
def test_a_fifo_is_refused_without_blocking(
    name: str, study: Project, cli: Callable[..., object], tmp_path: Path
) -> None:
    args, _file_name = COMMANDS[name]
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    # Opening a FIFO for writing with no reader would hang this test: it must not happen.
    result = cli(*args, "-o", str(fifo), "--force")
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"Error: {fifo}: is a named pipe (FIFO), not a file; it is left as it is."
        " Give a regular file with -o.\n"
    )
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.parametrize("name", RULE_COMMANDS)
def test_a_symlink_is_written_through_and_kept(
    name: str, study: Project, cli: Callable[..., object], tmp_path: Path
) -> None:
    args, file_name = COMMANDS[name]
    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / file_name
    link = tmp_path / f"latest-{file_name}"
    link.symlink_to(real)
    created = cli(*args, "-o", str(link))  # a link to nothing: the file is new
    assert created.exit_code == 0, created.output
    assert link.is_symlink() and link.resolve() == real
    first = real.read_text(encoding="utf-8-sig")
    assert first.strip()
    real.write_text(OLD)
    refused = cli(*args, "-o", str(link))  # now it points at an existing file
    assert (refused.exit_code, refused.stderr) == (1, exists_error(link))
    assert real.read_text() == OLD
    replaced = cli(*args, "-o", str(link), "--force")
    assert replaced.exit_code == 0, replaced.output
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text(encoding="utf-8-sig") == first
    assert sorted(p.name for p in shared.iterdir()) == [file_name]


@pytest.mark.parametrize("name", RULE_COMMANDS)
def test_dash_is_standard_output(
    name: str,
    study: Project,
    cli: Callable[..., object],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args, _file_name = COMMANDS[name]
    monkeypatch.chdir(tmp_path)
    to_stdout = cli(*args, "-o", "-")
    plain = cli(*args)
    assert to_stdout.exit_code == 0, to_stdout.output
    assert to_stdout.stdout == plain.stdout
    assert to_stdout.stdout.strip()
    assert not (tmp_path / "-").exists()


def test_dash_for_a_binary_format_is_a_clear_error(
    study: Project, cli: Callable[..., object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    table1 = cli("export", "table1", "-f", "docx", "-o", "-")
    assert table1.exit_code == 1
    assert table1.stderr == (
        "Error: --format docx is written to a file, not the terminal. Add -o FILE.docx.\n"
    )
    codings = cli("codings", "export", "-f", "xlsx", "-o", "-")
    assert codings.exit_code == 1
    assert codings.stderr == (
        "Error: The xlsx format needs an output file. Pass -o FILE.xlsx, or use --format csv"
        " or json for stdout.\n"
    )
    backup = cli("backup", "-o", "-")
    assert backup.exit_code == 1
    assert backup.stderr == (
        "Error: -: this output cannot be written to standard output. Give a file name with -o.\n"
    )
    assert not (tmp_path / "-").exists()


def test_library_calls_refuse_an_existing_file_unless_overwrite(
    study: Project, tmp_path: Path
) -> None:
    import themekit
    from themekit.errors import OutputExists

    target = tmp_path / "table1.md"
    target.write_text(OLD)
    with pytest.raises(OutputExists) as caught:
        themekit.export.table1(study, target)
    assert str(caught.value) == (
        f"{target}: already exists; nothing was written. Pass overwrite=True to replace it,"
        " or choose another output path."
    )
    assert target.read_text() == OLD
    themekit.export.table1(study, target, overwrite=True)
    assert target.read_text().startswith("**Table 1. Outline of key themes")


# -- honest labels -------------------------------------------------------------------------

NOT_REVIEWED = (
    "warning: the anonymisation register has not been reviewed; run 'themekit anonymise"
    " review' when you have checked it\n"
)


def test_an_export_lists_its_replacements_and_warns_of_an_unreviewed_register(
    study: Project, cli: Callable[..., object], tmp_path: Path
) -> None:
    target = tmp_path / "quotes.md"
    result = cli(
        "export", "quotes", "--per-theme", "1", "--attribution", "({id})", "-o", str(target)
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        NOT_REVIEWED
        + f"Wrote quotes to {target} (anonymised: 3 replacements -- 2 person, 1 site).\n"
    )
    assert cli("anonymise", "review").exit_code == 0
    again = cli(
        "export",
        "quotes",
        "--per-theme",
        "1",
        "--attribution",
        "({id})",
        "-o",
        str(target),
        "--force",
    )
    assert again.stderr == (
        f"Wrote quotes to {target} (anonymised: 3 replacements -- 2 person, 1 site).\n"
    )


def test_an_unanonymised_export_is_not_called_anonymised(
    study: Project, cli: Callable[..., object], tmp_path: Path
) -> None:
    target = tmp_path / "table1.md"
    result = cli("export", "table1", "--no-anonymise", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "warning: this export is NOT anonymised; it holds interview text as recorded.\n"
        f"Wrote table1 to {target}.\n"
    )
    assert "anonymised:" not in result.stderr and "(anonymised" not in result.stderr


def test_the_label_counts_names_left_for_review() -> None:
    def label(summary: AnonymisationSummary | None, gated: bool = True) -> str:
        result = ExportResult(
            "quotes",
            "docx",
            Path("q.docx"),
            None,
            summary is not None,
            gated,
            None,
            {},
            (),
            summary,
        )
        return _anonymised_label(result)

    summary = AnonymisationSummary(
        by_class={"Email": 2, "Person": 9, "Site": 3}, candidates=2, reviewed="2026-01-01"
    )
    assert label(summary) == (
        "anonymised: 14 replacements -- 2 email, 9 person, 3 site; 2 names left for review:"
        " themekit anonymise preview"
    )
    one = AnonymisationSummary(by_class={"Person": 1}, candidates=1)
    assert label(one) == (
        "anonymised: 1 replacement -- 1 person; 1 name left for review: themekit anonymise preview"
    )
    assert label(AnonymisationSummary()) == "anonymised: no replacements"


# -- working files -------------------------------------------------------------------------


def test_codings_exports_say_they_are_not_anonymised(
    study: Project, cli: Callable[..., object]
) -> None:
    result = cli("codings", "export", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "warning: codings exports are working files with the interview text as recorded;"
        " they are not anonymised (use 'themekit export ...' for anonymised outputs).\n"
    )
    assert "Castellano" in result.stdout  # verbatim, as it says


# -- quotes need attributions ---------------------------------------------------------------

UNLINKED = [
    ("Interviewer", ["How did the clinic start?"]),
    (
        "Officer",
        [
            "Nobody told us the clinic was starting until the first referrals came in.",
            "After that it became the first option I reach for when someone is struggling.",
        ],
    ),
]


@pytest.fixture
def unlinked(study: Project) -> Project:
    """The study plus P09 and P10, two interviews linked to no participant."""
    from themekit.coding.service import CodingSession

    session = CodingSession(study, "ana")
    for transcript_id in ("P09", "P10"):
        add_turns(study, transcript_id, UNLINKED)
        for line in (2, 3):
            segment = study.store.segment_at(transcript_id, line)
            assert segment is not None
            session.apply(segment, "benefits.options")
    return study


UNATTRIBUTED_ERROR = (
    "Error: P09, P10 have no participant, so their quotes cannot be attributed; nothing was"
    " written. Link them in the participants table (transcript column), or pass"
    " --allow-unattributed.\n"
)


@pytest.mark.parametrize(
    "command", [["export", "quotes", "--per-theme", "5"], ["report", "--per-theme", "5"]]
)
def test_quotes_from_unlinked_transcripts_are_an_error(
    command: list[str], unlinked: Project, cli: Callable[..., object], tmp_path: Path
) -> None:
    target = tmp_path / "out.md"
    result = cli(*command, "-o", str(target))
    assert result.exit_code == 1, result.output
    assert result.stderr.endswith(UNATTRIBUTED_ERROR)
    assert not target.exists()


@pytest.mark.parametrize(
    "command", [["export", "quotes", "--per-theme", "5"], ["report", "--per-theme", "5"]]
)
def test_allow_unattributed_says_so_in_the_quote_and_a_warning(
    command: list[str], unlinked: Project, cli: Callable[..., object], tmp_path: Path
) -> None:
    target = tmp_path / "out.md"
    result = cli(*command, "-o", str(target), "--allow-unattributed")
    assert result.exit_code == 0, result.output
    assert (
        "warning: quotes from P09, P10 are attributed (participant not recorded): these"
        " transcripts are linked to no participant.\n"
    ) in result.stderr
    text = target.read_text(encoding="utf-8")
    assert text.count("(participant not recorded)") == 2
    assert "(unknown)" not in text


def test_a_project_without_participants_cannot_attribute_quotes(
    project: Project, cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:  # the study, but no participants table
        patch.setattr(project.store, "replace_participants", lambda *args: None)
        build_export_study(project)
    assert project.participants() == []
    result = cli("export", "quotes", "--per-theme", "1")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: P01, P02, P03 have no participant, so their quotes cannot be attributed;"
        " nothing was written. Link them in the participants table (transcript column), or"
        " pass --allow-unattributed.\n"
    )
    assert result.stdout == ""


def test_linking_the_transcripts_attributes_their_quotes(
    unlinked: Project, cli: Callable[..., object]
) -> None:
    people = list(unlinked.participants())
    people += [
        Participant("P09", "Probation Service", "Fenwick", {}),
        Participant("P10", "Probation Service", "Ashbury", {}),
    ]
    unlinked.store.replace_participants(people, [])
    result = cli("export", "quotes", "--per-theme", "5")
    assert result.exit_code == 0, result.output
    assert "(participant not recorded)" not in result.stdout
