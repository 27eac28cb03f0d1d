"""Docs that cannot drift: the CLI reference and the storage doc are generated."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO
from themekit.cli.reference import commands_without_help


def test_every_command_has_help_text() -> None:
    assert commands_without_help() == []


def test_generated_docs_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_docs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_readme_quick_start_is_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make demo", "make test"]
