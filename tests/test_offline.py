"""The network guard used by the end-to-end tests works.

The tutorial test (tests/test_tutorial.py) runs every command of docs/tutorial.md, the
whole pipeline on the bundled sample, under this guard: interview data must never leave
the laptop. This file checks that the guard itself blocks the network.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers_offline import offline_env

pytestmark = pytest.mark.subprocess


def test_the_guard_blocks_the_network(tmp_path: Path) -> None:
    code = (
        "import socket\n"
        "try:\n    socket.create_connection(('192.0.2.1', 80), 1)\n"
        "except OSError as e:\n    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=offline_env(tmp_path), capture_output=True, text=True
    )
    assert out.stdout.strip() == "network access is disabled in this test"
    assert len(list((tmp_path / "markers").iterdir())) == 1
