"""A bulk apply killed with SIGKILL leaves the project intact: all of the file or none.

The project is built once; every attempt runs on a fresh copy of its database, starts
``python -m themekit code --apply`` on 20,000 rows in a child process and kills it
after a random delay: once early (while the file is read and checked), and three
times after the write-ahead log starts growing, that is while the one transaction is
being written (SQLite spills pages to the WAL once its cache fills).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import HANG_GUARD_S
from helpers_coding import add_transcript, generated_lines, load_codebook, write_csv
from themekit.project import Project

pytestmark = [
    pytest.mark.subprocess,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX only"),
]

N_LINES = 5_000
CODES = ["benefits.gap", "benefits.access", "challenges.funding", "other"]
N_ROWS = (N_LINES - N_LINES // 5) * len(CODES)  # interviewer lines are not coded


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A closed project with one long transcript, and a 20,000-row bulk file."""
    folder = tmp_path_factory.mktemp("crash")
    with Project.init(folder / "template") as project:
        add_transcript(project, "BIG", generated_lines(N_LINES))
        load_codebook(project)
    rows = [
        {"transcript": "BIG", "line": str(line), "code": code, "memo": f"m{line}"}
        for line in range(1, N_LINES + 1)
        if line % 5 != 1  # generated_lines gives every fifth line to the interviewer
        for code in CODES
    ]
    bulk = write_csv(folder / "big.csv", rows, ["transcript", "line", "code", "memo"])
    return folder / "template", bulk


def _copy(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    return target


def _start(root: Path, bulk: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "themekit", "--project", str(root)]
        + ["code", "--coder", "ana", "--apply", str(bulk)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _state(root: Path) -> int:
    """Check the database and return how many codings it holds."""
    conn = sqlite3.connect(str(root / "themekit.db"))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    with Project.open(root) as project:
        assert project.store.db.integrity_ok()
        return project.store.count_codings()


def _wait_for_writes(root: Path, process: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait until the transaction spills pages into the WAL; False if it never did."""
    wal = root / "themekit.db-wal"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if wal.stat().st_size > 0:
                return True
        except FileNotFoundError:
            pass  # not there yet, or removed by a checkpoint between two looks
        time.sleep(0.002)
    return False


def test_kill_during_bulk_apply_leaves_all_or_nothing(
    template: tuple[Path, Path], tmp_path: Path
) -> None:
    source, bulk = template
    rng = random.Random(20_000)
    # (wait for the transaction's first writes?, extra random delay in seconds)
    plan = [(False, rng.uniform(0.2, 0.6))] + [(True, rng.uniform(0.0, 0.5)) for _ in range(3)]
    # ... and one kill the moment the transaction's first pages reach the WAL, which lands
    # mid-write however fast the machine finishes the rest.
    plan.append((True, 0.0))
    outcomes: list[tuple[bool, int]] = []
    for attempt, (during_writes, delay) in enumerate(plan):
        root = _copy(source, tmp_path / f"attempt{attempt}")
        process = _start(root, bulk)
        writing = _wait_for_writes(root, process, timeout=HANG_GUARD_S) if during_writes else False
        time.sleep(delay)
        killed_mid_write = writing and process.poll() is None
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        _out, err = process.communicate(timeout=HANG_GUARD_S)
        assert process.returncode in (0, -signal.SIGKILL), err.decode()
        count = _state(root)
        assert count in (0, N_ROWS), (attempt, count)
        outcomes.append((killed_mid_write, count))
    # At least one kill landed while the one transaction was being written.
    assert any(mid_write for mid_write, _count in outcomes), outcomes
