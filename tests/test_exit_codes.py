"""Each documented exit code (themekit.errors.ExitCode), reached through the CLI.

Failures are simulated where the real cause is costly to build: a library call the
command makes is replaced by one that raises. Internal errors exit 70 with one line that
leaves out the exception's message; with --debug, THEMEKIT_DEBUG or the test suite's
THEMEKIT_RAISE_INTERNAL the exception propagates with its traceback instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, Cli
from themekit.errors import ExitCode, ThresholdNotMet
from themekit.project import Project

INTERNAL_LINE = (
    "Error: internal error (RuntimeError). Run the same command with --debug to see the"
    " traceback, and please report it.\n"
)


def make_status_raise(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    def status(self: Project) -> None:
        raise exc

    monkeypatch.setattr(Project, "status", status)


def test_success_and_user_error(cli: Cli) -> None:
    assert cli("status").exit_code == ExitCode.OK
    missing = cli("transcripts", "show", "NOPE")
    assert missing.exit_code == ExitCode.USER_ERROR
    assert missing.stderr == "Error: No transcript 'NOPE'. See 'themekit transcripts list'.\n"


def test_usage_errors_exit_2(cli: Cli) -> None:
    assert cli("status", "--no-such-option").exit_code == ExitCode.USAGE == 2
    assert cli("transcripts", "show").exit_code == ExitCode.USAGE  # missing argument
    assert cli("no-such-command").exit_code == ExitCode.USAGE


def test_threshold_not_met_exits_3(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    make_status_raise(monkeypatch, ThresholdNotMet("pooled alpha 0.412 is below 0.6.", hint=None))
    result = cli("status")
    assert result.exit_code == ExitCode.THRESHOLD_NOT_MET == 3
    assert result.stderr == "Error: pooled alpha 0.412 is below 0.6.\n"


def test_cli_phrases_the_library_next_step(cli: Cli) -> None:
    result = cli("suggest", "--top", "0")
    assert result.exit_code == ExitCode.USER_ERROR
    assert result.stderr == "Error: top must be at least 1, not 0. For example --top 3.\n"


def test_internal_error_exits_70_without_its_message(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_status_raise(monkeypatch, RuntimeError("P03 said something private"))
    monkeypatch.delenv("THEMEKIT_RAISE_INTERNAL")
    result = cli("status")
    assert result.exit_code == ExitCode.INTERNAL == 70
    assert result.stderr == INTERNAL_LINE
    assert result.stdout == ""


@pytest.mark.parametrize("how", ["--debug", "THEMEKIT_DEBUG", "THEMEKIT_RAISE_INTERNAL"])
def test_internal_error_propagates_when_asked(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    make_status_raise(monkeypatch, RuntimeError("the bug"))
    args = ["status"]
    if how != "THEMEKIT_RAISE_INTERNAL":
        monkeypatch.delenv("THEMEKIT_RAISE_INTERNAL")
    if how == "--debug":
        args.insert(0, "--debug")
    elif how == "THEMEKIT_DEBUG":
        monkeypatch.setenv("THEMEKIT_DEBUG", "1")
    with pytest.raises(RuntimeError, match="the bug"):
        cli(*args)


def test_interrupt_exits_130(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    make_status_raise(monkeypatch, KeyboardInterrupt())
    result = cli("status")
    assert result.exit_code == ExitCode.INTERRUPTED == 130
    assert result.stderr == "Interrupted; everything acknowledged before this was saved.\n"


BROKEN_STATUS = """
import sys
from themekit.project import Project
def status(self):
    raise RuntimeError("the bug")
Project.status = status
from themekit.cli import main
sys.argv = ["themekit", *sys.argv[1:]]
main()
"""


def test_the_installed_command_exits_70_with_and_without_debug(project: Project) -> None:
    """The real entry point (themekit.cli.main): --debug shows the traceback, same code."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "THEMEKIT_PROJECT": str(project.root)}
    env.pop("THEMEKIT_RAISE_INTERNAL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", BROKEN_STATUS, *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=Path(project.root),
        )

    plain = run("status")
    assert (plain.returncode, plain.stderr) == (ExitCode.INTERNAL, INTERNAL_LINE)
    debug = run("--debug", "status")
    assert debug.returncode == ExitCode.INTERNAL
    assert "RuntimeError: the bug" in debug.stderr
    assert "Traceback" in debug.stderr
