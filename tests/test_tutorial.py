"""docs/tutorial.md is executable: every command runs and every output line it shows appears.

Each ```console block holds commands (``$ themekit ...`` or ``$ cd DIR``) followed by the
output lines the reader is shown. A shown line must appear, as a whole line, in what the
command printed (stdout and stderr together); ``...`` lines stand for output left out,
and ``...`` inside a line for any text (a path that differs from machine to machine). The commands
run in order in a fresh folder holding copies of the sample transcripts and codebooks, with
the network switched off in every process (tests/helpers_offline.py): the whole pipeline,
from import to the anonymised exports, must work offline.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CODEBOOKS, HANG_GUARD_S, REPO, SAMPLE
from helpers_offline import offline_env

pytestmark = pytest.mark.subprocess

TUTORIAL = REPO / "docs" / "tutorial.md"


def console_steps(text: str) -> list[tuple[str, list[str]]]:
    steps: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line.rstrip())
    return steps


def shown_line_matches(expected: str, printed: list[str]) -> bool:
    """A whole-line match, where ``...`` inside a shown line stands for any text."""
    if "..." not in expected:
        return expected in printed
    pattern = re.compile(".*".join(re.escape(part) for part in expected.split("...")))
    return any(pattern.fullmatch(line) for line in printed)


def test_every_tutorial_command_runs_and_prints_what_the_page_shows(tmp_path: Path) -> None:
    shutil.copytree(SAMPLE, tmp_path / "transcripts_sample")
    shutil.copytree(CODEBOOKS, tmp_path / "codebooks")
    # The whole pipeline runs with the network switched off in every process.
    guard = tmp_path / "offline"
    guard.mkdir()
    env = dict(offline_env(guard), COLUMNS="200")
    cwd = tmp_path
    steps = console_steps(TUTORIAL.read_text(encoding="utf-8"))
    assert len(steps) >= 20
    for command, shown in steps:
        words = shlex.split(command)
        if words[0] == "cd":
            cwd = (cwd / words[1]).resolve()
            continue
        assert words[0] == "themekit", command
        result = subprocess.run(
            [sys.executable, "-m", "themekit", *words[1:]],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=HANG_GUARD_S,
        )
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        assert "network access is disabled" not in result.stderr, command
        printed = [line.rstrip() for line in (result.stdout + result.stderr).splitlines()]
        missing = [
            line
            for line in shown
            if line and line != "..." and not shown_line_matches(line, printed)
        ]
        assert not missing, f"{command}: not printed: {missing}\n--- printed:\n" + "\n".join(
            printed[:60]
        )
    # Every themekit process ran under the guard.
    ran = sum(1 for command, _shown in steps if not command.startswith("cd "))
    assert len(list((guard / "markers").iterdir())) >= ran
