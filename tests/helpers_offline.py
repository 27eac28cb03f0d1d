"""A network guard for child processes: interview data must never leave the laptop.

``offline_env`` returns an environment whose PYTHONPATH holds a ``sitecustomize`` module
that makes ``socket.socket.connect``, ``connect_ex``, ``getaddrinfo`` and
``create_connection`` raise in every Python process started with it, and records each
process it guarded (a file per pid in ``markers``), so a test can prove the guard ran.
"""

from __future__ import annotations

import os
from pathlib import Path

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


def offline_env(tmp_path: Path) -> dict[str, str]:
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
