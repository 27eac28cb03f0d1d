"""`themekit --help` must start like a bare typer app: no heavy imports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.subprocess

HEAVY = [
    "torch",
    "sentence_transformers",
    "spacy",
    "sklearn",
    "docx",
    "openpyxl",
    "matplotlib",
    "textual",
    "transformers",
    "starlette",
    "uvicorn",
    "jinja2",
]


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys, json\n"
        "from typer.testing import CliRunner\n"
        "from themekit.cli.app import app\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_every_subcommand_help_is_light() -> None:
    code = (
        "import sys, json\n"
        "from typer.testing import CliRunner\n"
        "from themekit.cli.app import app\n"
        "import typer.main\n"
        "group = typer.main.get_command(app)\n"
        "for name, cmd in group.commands.items():\n"
        "    r = CliRunner().invoke(app, [name, '--help'])\n"
        "    assert r.exit_code == 0, (name, r.output)\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
