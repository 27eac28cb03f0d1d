"""Shared fixtures: an isolated project, and a CLI runner that targets it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from typer.testing import CliRunner

from themekit.project import Project

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "transcripts_sample"
CODEBOOKS = REPO / "codebooks"
# Property tests: `make test` replays the same examples on every machine and every run
# ("ci", derandomized, no example database), so a red run is our bug and reproduces; no
# check depends on the clock (no per-example deadline, no too-slow health check), so a
# loaded machine cannot fail them. `make fuzz` ("fuzz") draws new examples each time.
_NO_CLOCK = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
hypothesis_settings.register_profile(
    "ci", derandomize=True, database=None, print_blob=True, **_NO_CLOCK
)
hypothesis_settings.register_profile("fuzz", derandomize=False, print_blob=True, **_NO_CLOCK)
hypothesis_settings.load_profile(os.environ.get("THEMEKIT_HYPOTHESIS_PROFILE", "ci"))

# Subprocesses get this long before a test gives up on them. It only stops a hung run from
# hanging CI; it is no speed limit (speed is measured in benchmarks/, never in tests).
HANG_GUARD_S = 900


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark property tests, so `make fuzz` can run them alone with fresh examples."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.property)


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
