"""Shared fixtures: an isolated project, and a CLI runner that targets it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from themekit.project import Project

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "transcripts_sample"
CODEBOOKS = REPO / "codebooks"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("THEMEKIT_PROJECT", raising=False)
    monkeypatch.delenv("THEMEKIT_DEBUG", raising=False)
    # A bug hit through the CLI fails the test with its traceback, not with exit 70
    # (themekit.cli.app); tests of the exit-70 line unset it.
    monkeypatch.setenv("THEMEKIT_RAISE_INTERNAL", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    proj = Project.init(tmp_path / "study", name="study")
    yield proj
    proj.close()


class Cli:
    def __init__(self, project_root: Path | None) -> None:
        self.root = project_root
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        from themekit.cli.app import app

        argv = list(args)
        if self.root is not None:
            argv = ["--project", str(self.root), *argv]
        return self.runner.invoke(app, argv, input=input, catch_exceptions=False)


@pytest.fixture
def cli(project: Project) -> Callable[..., object]:
    return Cli(project.root)


@pytest.fixture
def bare_cli() -> Cli:
    return Cli(None)
