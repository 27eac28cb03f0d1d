"""requirements.lock is complete, current and what got installed (scripts/lockfile.py)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from conftest import REPO


def _lockfile() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lockfile", REPO / "scripts" / "lockfile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def lockfile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The lock module reading copies of pyproject.toml, constraints.txt and the lock."""
    module = _lockfile()
    for name, attribute in (
        ("pyproject.toml", "PYPROJECT"),
        ("constraints.txt", "CONSTRAINTS"),
        ("requirements.lock", "LOCK"),
    ):
        shutil.copy(REPO / name, tmp_path / name)
        monkeypatch.setattr(module, attribute, tmp_path / name)
    return module


def test_the_lock_is_current_and_installed() -> None:
    assert _lockfile().problems() == []


def test_the_makefile_installs_from_the_lock() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "$(PIP_INSTALL) -c $(LOCK) -e" in makefile
    assert "scripts/lockfile.py check" in makefile


def test_a_changed_requirement_without_make_lock_fails(lockfile: ModuleType) -> None:
    text = lockfile.PYPROJECT.read_text(encoding="utf-8")
    assert '"numpy>=2",' in text
    lockfile.PYPROJECT.write_text(text.replace('"numpy>=2",', '"numpy>=99",'), encoding="utf-8")
    found = lockfile.problems()
    assert found[0] == (
        "requirements.lock was not made from the current pyproject.toml and"
        " constraints.txt: run `make lock`"
    )
    [outside] = [line for line in found[1:] if line.startswith("numpy==")]
    assert outside.endswith(" in the lock is outside 'numpy>=99'")


def test_a_changed_pin_in_constraints_without_make_lock_fails(lockfile: ModuleType) -> None:
    with lockfile.CONSTRAINTS.open("a", encoding="utf-8") as handle:
        handle.write("rich==1.0\n")
    assert lockfile.problems()[0].startswith("requirements.lock was not made from the current")


def test_a_new_requirement_missing_from_the_lock_fails(lockfile: ModuleType) -> None:
    text = lockfile.PYPROJECT.read_text(encoding="utf-8")
    lockfile.PYPROJECT.write_text(
        text.replace('"numpy>=2",', '"numpy>=2",\n  "no-such-package-themekit>=1",'),
        encoding="utf-8",
    )
    assert "no-such-package-themekit is required but not in requirements.lock" in (
        lockfile.problems()
    )


def test_an_environment_that_differs_from_the_lock_fails(lockfile: ModuleType) -> None:
    _digest, pins = lockfile.read_lock(lockfile.LOCK)
    installed = dict(pins)
    installed["numpy"] = "0.0.1"
    del installed["rich"]
    installed["stray-package"] = "1.0"
    found = lockfile.problems(installed)
    assert f"numpy: the lock pins {pins['numpy']}, the environment has 0.0.1" in found
    assert f"rich: the lock pins {pins['rich']}, the environment has nothing" in found
    assert "stray-package 1.0 is installed but not in requirements.lock" in found


def test_writing_the_lock_keeps_pins_and_drops_the_project(lockfile: ModuleType) -> None:
    freeze = "Rich==15.0.0\n-e git+file:///x#egg=themekit\nthemekit==0.1.0\nnumpy==2.4.6\n"
    text = lockfile.write(freeze)
    lines = text.splitlines()
    assert lines[2] == f"# inputs-sha256: {lockfile.inputs_digest()}"
    assert lines[3:] == ["numpy==2.4.6", "Rich==15.0.0"]
