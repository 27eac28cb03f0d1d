"""Several processes on one project at once: coders, agreement, backups.

* Two coders bulk-apply thousands of codings each (``themekit code --coder X --apply``)
  while a third process runs ``themekit agree`` over and over. Every process succeeds,
  nobody is shown "database is locked", and the project ends with exactly the codings
  of a serial run: no write lost, none doubled.
* ``themekit backup`` while another process keeps coding (many short transactions)
  gives a file that passes ``PRAGMA integrity_check`` and opens as a project.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import HANG_GUARD_S
from helpers_coding import add_transcript, coding_keys, generated_lines, load_codebook, write_csv
from themekit.project import Project

pytestmark = pytest.mark.subprocess

N_LINES = 1_500
CODES = ["benefits.gap", "benefits.access", "challenges.funding"]
THEMEKIT = [sys.executable, "-m", "themekit"]


def _codable_lines() -> list[int]:
    return [line for line in range(1, N_LINES + 1) if line % 5 != 1]  # interviewer: 1, 6, ...


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """A project with one long transcript, and a bulk file per coder (3,600 rows each)."""
    base = tmp_path_factory.mktemp("concurrency")
    with Project.init(base / "template") as project:
        add_transcript(project, "BIG", generated_lines(N_LINES))
        load_codebook(project)
        project.store.set_done("BIG", "ana", True)
        project.store.set_done("BIG", "ben", True)
    files = {}
    for offset, coder in enumerate(("ana", "ben")):
        rows = [
            {"transcript": "BIG", "line": str(line), "code": code, "memo": f"{coder}{line}"}
            for line in _codable_lines()
            for code in CODES[offset : offset + 2]
        ]
        files[coder] = write_csv(
            base / f"{coder}.csv", rows, ["transcript", "line", "code", "memo"]
        )
    return base / "template", files


def _apply(root: Path, coder: str, bulk: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*THEMEKIT, "--project", str(root), "code", "--coder", coder, "--apply", str(bulk)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _agree(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*THEMEKIT, "--project", str(root), "agree", "--coders", "ana,ben"]
        + ["--transcripts", "BIG", "--bootstrap", "0", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )


def test_two_coders_and_agreement_at_once_equal_a_serial_run(template, tmp_path: Path) -> None:
    source, files = template
    serial = shutil.copytree(source, tmp_path / "serial")
    for coder, bulk in files.items():
        process = _apply(serial, coder, bulk)
        _out, err = process.communicate(timeout=HANG_GUARD_S)
        assert process.returncode == 0, err
    with Project.open(serial) as project:
        expected = coding_keys(project)
    assert len(expected) == 2 * 2 * len(_codable_lines())

    shared = shutil.copytree(source, tmp_path / "shared")
    coders = [_apply(shared, coder, bulk) for coder, bulk in files.items()]
    agree_runs = []
    while any(p.poll() is None for p in coders) or len(agree_runs) < 2:
        agree_runs.append(_agree(shared))
    errors = [p.communicate(timeout=HANG_GUARD_S)[1] for p in coders]
    assert [p.returncode for p in coders] == [0, 0], errors
    for run in agree_runs:
        errors.append(run.stderr)
        assert run.returncode == 0, run.stderr
    assert not [e for e in errors if "locked" in e.lower() or "busy" in e.lower()]
    with Project.open(shared) as project:
        assert project.store.db.integrity_ok()
        assert coding_keys(project) == expected
        assert len(project.store.codings()) == len(expected)


WRITER = """
import sys, time
from themekit.coding.service import CodingSession
from themekit.project import Project

project = Project.open(sys.argv[1])
session = CodingSession(project, "writer")
lines = [n for n in range(1, {n_lines} + 1) if n % 5 != 1]
print("ready", flush=True)
for done, line in enumerate(lines, start=1):
    session.apply(session.segment("BIG", line), "other")
    if done == 100:
        print("started", flush=True)
    if done == len(lines) - 100:
        # Hold the last 100 until the test's backups are done, however slow the machine:
        # every backup then falls strictly inside the writing.
        sys.stdin.readline()
print(len(lines), flush=True)
"""


def test_backup_while_another_process_writes(template, tmp_path: Path) -> None:
    source, _files = template
    root = shutil.copytree(source, tmp_path / "live")
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER.format(n_lines=N_LINES), str(root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdin is not None
    assert writer.stdout.readline().strip() == "ready"
    assert writer.stdout.readline().strip() == "started"
    backups = []
    for index in range(3):
        time.sleep(0.15)
        target = tmp_path / f"backup {index}.db"
        run = subprocess.run(
            [*THEMEKIT, "--project", str(root), "backup", "-o", str(target)],
            capture_output=True,
            text=True,
            timeout=HANG_GUARD_S,
        )
        assert run.returncode == 0, run.stderr
        assert "locked" not in run.stderr.lower()
        backups.append(target)
    out, err = writer.communicate("go\n", timeout=HANG_GUARD_S)
    assert writer.returncode == 0, err
    written = int(out.split()[-1])
    counts = []
    for target in backups:
        conn = sqlite3.connect(str(target))
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
        folder = tmp_path / f"restored-{target.stem.replace(' ', '-')}"
        folder.mkdir()
        shutil.copy(source / "themekit.toml", folder / "themekit.toml")
        shutil.copy(target, folder / "themekit.db")
        with Project.open(folder) as project:
            assert project.store.db.integrity_ok()
            n = len(project.store.codings(coder="writer"))
            # The backup is a consistent snapshot: every coding has its audit entry.
            assert len(project.store.audit_entries(actor="writer", action="coding.apply")) == n
            counts.append(n)
    # The backups were taken while the writer was working, not before or after it.
    assert counts == sorted(counts)
    assert any(0 < n < written for n in counts), (counts, written)
    with Project.open(root) as project:
        assert len(project.store.codings(coder="writer")) == written


def test_many_short_transactions_from_two_processes_lose_nothing(template, tmp_path: Path) -> None:
    """Two processes applying one coding per transaction, interleaved, lose no write."""
    source, _files = template
    root = shutil.copytree(source, tmp_path / "short")
    script = WRITER.replace('"writer"', "sys.argv[2]").format(n_lines=300)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(root), name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("w1", "w2")
    ]
    results = [w.communicate(timeout=HANG_GUARD_S) for w in writers]
    assert [w.returncode for w in writers] == [0, 0], [err for _out, err in results]
    with Project.open(root) as project:
        for name in ("w1", "w2"):
            assert len(project.store.codings(coder=name)) == 240
