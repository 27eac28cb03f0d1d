"""``kill -9`` during a transcript import or a codebook load leaves a whole project.

Each attempt copies a prepared project, starts ``python -m themekit`` on it in a child
process and kills it with SIGKILL after a seeded random delay. Afterwards:

* SQLite's ``PRAGMA integrity_check`` says ok and the project opens;
* import: every transcript present has exactly the segments a fresh import of the same
  file gives (and one version, and its audit entry); the others are absent. Running
  the import again completes the batch;
* codebook load: the project holds either the old version only or the old and the
  whole new one, and the code registry agrees with the current version; no coding is
  lost.

The transcripts and the codebook are generated; all text is fictional.
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

import themekit
from conftest import HANG_GUARD_S
from helpers_coding import add_transcript, generated_lines
from themekit.codebook.export import codebook_to_yaml
from themekit.coding.service import CodingSession
from themekit.model.codebook import Code, Codebook
from themekit.project import Project
from themekit.store.codebook import codebook_hash

pytestmark = [
    pytest.mark.subprocess,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX only"),
]

N_FILES = 150
TURNS_PER_FILE = 60
N_CODES = 2000
SPEAKERS = ["Interviewer", "Participant"]
WORDS = [
    "the",
    "court",
    "team",
    "service",
    "pilot",
    "funding",
    "referral",
    "pathway",
    "review",
    "hearing",
    "housing",
    "support",
    "clinic",
    "probation",
    "order",
    "treatment",
    "week",
    "month",
    "plan",
    "worker",
    "nurse",
    "group",
    "steering",
]


def _transcript_text(rng: random.Random) -> str:
    turns = []
    for index in range(TURNS_PER_FILE):
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize() + "."
            for _ in range(rng.randint(1, 3))
        ]
        turns.append(f"{SPEAKERS[index % 2]}: {' '.join(sentences)}")
    return "\n\n".join(turns) + "\n"


def _run(root: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "themekit", "--project", str(root), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _kill_after(process: subprocess.Popen[bytes], delay: float) -> None:
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.005)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    _out, err = process.communicate(timeout=HANG_GUARD_S)
    assert process.returncode in (0, -signal.SIGKILL), err.decode()


def _kill_once_imported(process: subprocess.Popen[bytes], root: Path) -> None:
    """SIGKILL as soon as the import has committed its first transcript: a kill that lands
    in the middle of the batch however fast or loaded the machine is."""
    deadline = time.monotonic() + HANG_GUARD_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            conn = sqlite3.connect(f"file:{root / 'themekit.db'}?mode=ro", uri=True)
            try:
                (done,) = conn.execute("SELECT count(*) FROM transcripts").fetchone()
            finally:
                conn.close()
        except sqlite3.OperationalError:
            done = 0  # busy or being set up: look again
        if done:
            break
        time.sleep(0.002)
    _kill_after(process, 0)


def _integrity(root: Path) -> None:
    conn = sqlite3.connect(str(root / "themekit.db"))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def _timed_run(root: Path, *args: str) -> float:
    start = time.monotonic()
    process = _run(root, *args)
    _out, err = process.communicate(timeout=HANG_GUARD_S)
    assert process.returncode == 0, err.decode()
    return time.monotonic() - start


# -- transcript import ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def import_setup(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """An empty project, a folder of transcripts, and their segments from a clean import."""
    base = tmp_path_factory.mktemp("crash-import")
    folder = base / "transcripts"
    folder.mkdir()
    rng = random.Random(7)
    for index in range(N_FILES):
        (folder / f"T{index:03d}.txt").write_text(_transcript_text(rng), encoding="utf-8")
    Project.init(base / "empty").close()
    with Project.init(base / "reference") as reference:
        themekit.import_transcripts(reference, [folder], unit="turn")
        expected = {
            tid: [
                (s.line, s.start, s.end, s.speaker, s.codable, s.text)
                for s in reference.store.segments(tid)
            ]
            for tid in reference.store.transcript_ids()
        }
    assert len(expected) == N_FILES
    duration = _timed_run(
        _copy(base / "empty", base / "timing"), "import", str(folder), "--unit", "turn"
    )
    return base, folder, expected, duration


def _copy(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    return target


def _check_import(root: Path, expected: dict[str, list[tuple[object, ...]]]) -> int:
    _integrity(root)
    with Project.open(root) as project:
        assert project.store.db.integrity_ok()
        present = project.store.transcript_ids()
        imported = {
            e.details["transcript"] for e in project.store.audit_entries(action="transcript.import")
        }
        assert imported == set(present)
        for tid in present:
            got = [
                (s.line, s.start, s.end, s.speaker, s.codable, s.text)
                for s in project.store.segments(tid)
            ]
            assert got == expected[tid], tid
            assert project.store.current_version(tid) == 1
        return len(present)


def test_kill_during_import_leaves_whole_transcripts(import_setup, tmp_path: Path) -> None:
    base, folder, expected, duration = import_setup
    rng = random.Random(3)
    # Three kills spread over the run (the first ~0.5 s is Python starting up).
    delays = sorted(rng.uniform(0.35, 0.95) * duration for _ in range(3))
    counts = []
    for attempt, delay in enumerate(delays):
        root = _copy(base / "empty", tmp_path / f"attempt{attempt}")
        _kill_after(_run(root, "import", str(folder), "--unit", "turn"), delay)
        counts.append(_check_import(root, expected))
    # One more kill, as soon as the first transcript is in: this one lands in the middle
    # of the batch whatever the machine's speed and load (the timed ones may not) ...
    root = _copy(base / "empty", tmp_path / "attempt-first-commit")
    _kill_once_imported(_run(root, "import", str(folder), "--unit", "turn"), root)
    counts.append(_check_import(root, expected))
    assert 0 < counts[-1] < N_FILES, (counts, duration)
    # ... and running the same import again completes it, identical to a clean import.
    process = _run(root, "import", str(folder), "--unit", "turn")
    _out, err = process.communicate(timeout=HANG_GUARD_S)
    assert process.returncode == 0, err.decode()
    assert _check_import(root, expected) == N_FILES


# -- codebook load ---------------------------------------------------------------------------
def _big_codebook(suffix: str) -> Codebook:
    """2,000 codes in 20 categories x 9 themes x 10 sub-themes (+ top-up)."""
    codebook = Codebook(name=f"Generated codebook {suffix}")
    made = 0
    for c in range(20):
        category = Code(id=f"c{c}", label=f"Category {c}", codable=False)
        made += 1
        for t in range(9):
            theme = Code(id=f"c{c}.t{t}", label=f"Theme {c}.{t} {suffix}", definition="Talk.")
            made += 1
            for s in range(10):
                theme.children.append(
                    Code(
                        id=f"c{c}.t{t}.s{s}",
                        label=f"Sub-theme {c}.{t}.{s} {suffix}",
                        definition=f"When people talk about sub-theme {s} ({suffix}).",
                        examples=[f"An example of {c}.{t}.{s}."],
                    )
                )
                made += 1
            category.children.append(theme)
        codebook.codes.append(category)
    while made < N_CODES:
        codebook.codes[-1].children.append(Code(id=f"extra{made}", label=f"Extra {made}"))
        made += 1
    return codebook


@pytest.fixture(scope="module")
def codebook_setup(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A project with codebook v1 (2,000 codes) and 2,000 codings; v2 as a YAML file."""
    base = tmp_path_factory.mktemp("crash-codebook")
    with Project.init(base / "template") as project:
        add_transcript(project, "BIG", generated_lines(1000))
        v1 = _big_codebook("v1")
        project.store.add_codebook_version(v1, source="file:v1.yaml", changes={})
        session = CodingSession(project, "ana")
        codable = [e.code.id for e in v1.walk() if e.code.codable]
        with project.store.db.transaction():
            for line in range(2, 1001):
                if line % 5 != 1:  # interviewer lines are every fifth, from line 1
                    segment = project.store.segment_at("BIG", line)
                    assert segment is not None
                    session.apply(segment, codable[line % len(codable)], how="bulk")
        n_codings = project.store.count_codings()
    v2 = _big_codebook("v2")
    path = base / "codebook v2.yaml"
    path.write_text(codebook_to_yaml(v2), encoding="utf-8")
    duration = _timed_run(_copy(base / "template", base / "timing"), "codebook", "load", str(path))
    return base, path, v2, n_codings, duration


def test_kill_during_codebook_load_leaves_whole_versions(codebook_setup, tmp_path: Path) -> None:
    base, path, v2, n_codings, duration = codebook_setup
    rng = random.Random(11)
    delays = sorted(rng.uniform(0.4, 1.0) * duration for _ in range(3))
    versions_seen = []
    for attempt, delay in enumerate(delays):
        root = _copy(base / "template", tmp_path / f"attempt{attempt}")
        _kill_after(_run(root, "codebook", "load", str(path)), delay)
        _integrity(root)
        with Project.open(root) as project:
            versions = project.store.codebook_versions()
            assert [v.version for v in versions] in ([1], [1, 2])
            current = project.store.current_codebook()
            assert current is not None
            version, codebook = current
            expected_suffix = "v1" if version == 1 else "v2"
            assert codebook_hash(codebook) == codebook_hash(_big_codebook(expected_suffix))
            assert versions[-1].content_hash == codebook_hash(codebook)
            # The code registry agrees with the current version.
            registry = project.store.code_registry()
            assert len(registry) == N_CODES
            assert all(retired is None for retired in registry.values())
            entries = list(codebook.walk())
            assert len(entries) == N_CODES
            assert project.store.count_codings() == n_codings
            if version == 2:
                assert codebook_hash(codebook) == codebook_hash(v2)
                assert [e.action for e in project.store.audit_entries()][-1] == "codebook.version"
            versions_seen.append(version)
    assert len(versions_seen) == 3
