"""The browser tests' harness (also used by benchmarks/bench_serve.py).

``start_server`` runs ``themekit serve --port 0`` in a child process (as a researcher
would) and reads the URL it prints; ``chrome`` starts headless Chromium through
Selenium. ``browser_missing`` names what is missing (Chromium, chromedriver, Selenium)
so the tests skip with that reason.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "transcripts_sample"
CODEBOOKS = REPO / "codebooks"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def chromium_binary() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_missing() -> str | None:
    if importlib.util.find_spec("selenium") is None:
        return "selenium is not installed (pip install -e '.[dev]')"
    if chromium_binary() is None:
        return "chromium is not installed (apt-get install chromium chromium-driver)"
    if shutil.which("chromedriver") is None:
        return "chromedriver is not installed (apt-get install chromium-driver)"
    return None


def themekit(root: Path, *args: str) -> None:
    """One CLI command against the project, in-process."""
    from typer.testing import CliRunner

    from themekit.cli.app import app

    result = CliRunner().invoke(app, ["--project", str(root), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def build_sample_project(root: Path) -> Path:
    """The sample study: transcripts, participants, the MHTR codebook, ana's and ben's codings."""
    from themekit.participants import import_participants
    from themekit.project import Project
    from themekit.transcripts.importer import import_transcripts

    with Project.init(root, name="MHTR sample") as project:
        import_transcripts(project, [SAMPLE])
        import_participants(project, SAMPLE / "participants.csv")
    themekit(root, "codebook", "load", str(CODEBOOKS / "mhtr.yaml"))
    for coder in ("ana", "ben"):
        sheet = SAMPLE / "codings" / f"coder_{coder}.csv"
        themekit(root, "code", "--coder", coder, "--apply", str(sheet), "--done")
    return root


@dataclass
class RunningServer:
    url: str  # with the token
    process: subprocess.Popen[str]

    @property
    def base(self) -> str:
        return self.url.split("/?", 1)[0]

    @property
    def token(self) -> str:
        return self.url.split("token=", 1)[1]


@contextmanager
def start_server(root: Path, *args: str) -> Iterator[RunningServer]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "themekit", "--project", str(root), "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        # The first stdout line is the URL; if the server fails, stdout closes instead.
        line = process.stdout.readline().strip()
        if not line.startswith("http://"):
            process.kill()
            _out, err = process.communicate()
            raise AssertionError(f"themekit serve did not start: {line!r} {err[-2000:]}")
        yield RunningServer(line, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def chrome(download_dir: Path | None = None, size: tuple[int, int] = (1400, 900)) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium_binary() or ""
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        f"--window-size={size[0]},{size[1]}",
    ):
        options.add_argument(flag)
    if download_dir is not None:
        options.add_experimental_option(
            "prefs",
            {
                "download.default_directory": str(download_dir),
                "download.prompt_for_download": False,
            },
        )
    return webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
