"""The whole ``make demo`` pipeline runs with the network switched off.

Interview data must never leave the laptop. A ``sitecustomize`` module on PYTHONPATH
makes ``socket.socket.connect``, ``connect_ex`` and ``getaddrinfo`` raise in this
Python and in every child process (the demo runs each step as ``python -m themekit``),
and records each process it guarded, so the test also proves the guard was active.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import HANG_GUARD_S, REPO

pytestmark = pytest.mark.subprocess

SITECUSTOMIZE = """
import os, socket

def _refuse(*args, **kwargs):
    raise OSError("network access is disabled in this test")

socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.getaddrinfo = _refuse
socket.create_connection = _refuse
marker = os.environ.get("OFFLINE_MARKERS")
if marker:
    open(os.path.join(marker, str(os.getpid())), "w").close()
"""

DRIVER = """
import sys
from pathlib import Path
import importlib.util

spec = importlib.util.spec_from_file_location("demo", sys.argv[1])
demo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(demo)
target = Path(sys.argv[2])
demo.DEMO = target
demo.run.__kwdefaults__ = {"cwd": target}  # bound to the repo's demo/ at definition
demo.main()
"""


def _offline_env(tmp_path: Path) -> dict[str, str]:
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    markers = tmp_path / "markers"
    markers.mkdir()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(guard), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(OFFLINE_MARKERS=str(markers), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("THEMEKIT_PROJECT", None)
    return env


def test_the_guard_blocks_the_network(tmp_path: Path) -> None:
    code = (
        "import socket\n"
        "try:\n    socket.create_connection(('192.0.2.1', 80), 1)\n"
        "except OSError as e:\n    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=_offline_env(tmp_path), capture_output=True, text=True
    )
    assert out.stdout.strip() == "network access is disabled in this test"


def test_demo_pipeline_runs_offline(tmp_path: Path) -> None:
    env = _offline_env(tmp_path)
    target = tmp_path / "demo project"
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(driver), str(REPO / "scripts" / "demo.py"), str(target)],
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "The demo project" in result.stdout
    assert (target / "themekit.db").exists()
    # Whatever the demo writes besides the database lands in the demo folder.
    written = {p.name for p in target.iterdir()} - {"themekit.db", "themekit.toml"}
    assert all((target / name).stat().st_size > 0 for name in written)
    # Every themekit process of the demo ran under the guard (driver + one per step).
    assert len(list((tmp_path / "markers").iterdir())) >= 5
    assert "network access is disabled" not in result.stderr
    from themekit.project import Project

    with Project.open(target) as project:
        status = project.status()
    assert status.transcripts == 8
    assert status.codebook_version == 1
