"""Everything a notebook needs is importable from `themekit` without typer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import themekit


def test_every_export_resolves() -> None:
    for name in themekit.__all__:
        assert getattr(themekit, name) is not None, name


def test_library_works_without_the_cli(tmp_path: Path) -> None:
    code = (
        "import sys, themekit\n"
        f"p = themekit.Project.init({str(tmp_path / 'nb')!r})\n"
        f"open({str(tmp_path / 'P01.txt')!r}, 'w')"
        ".write('Interviewer: Hi?\\nP01: Hello. Bye.\\n')\n"
        f"out = themekit.import_transcripts(p, [{str(tmp_path / 'P01.txt')!r}])\n"
        "assert out[0].status == 'imported', out\n"
        "texts = [s.text for s in p.store.segments('P01', codable_only=True)]\n"
        "assert texts == ['Hello.', 'Bye.'], texts\n"
        # spaCy itself imports typer for its own CLI; what matters is that ours stays out.
        "assert not [m for m in sys.modules if m.startswith('themekit.cli')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
