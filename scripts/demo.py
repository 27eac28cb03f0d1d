"""`make demo`: the whole themekit pipeline on the bundled sample, into demo/.

Each step is the command a researcher would type, run as a separate process so that
what is printed here is exactly what they would see.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "demo"
THEMEKIT = [sys.executable, "-m", "themekit"]
SAMPLE = REPO / "transcripts_sample"


def run(*args: str, cwd: Path = DEMO) -> None:
    shown = "themekit " + " ".join(shlex.quote(a) for a in args)
    print(f"\n$ {shown}", flush=True)
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    result = subprocess.run([*THEMEKIT, *args], cwd=cwd, env=env)
    if result.returncode != 0:
        sys.exit(f"demo: '{shown}' failed with exit code {result.returncode}")


def main() -> None:
    if DEMO.exists():
        shutil.rmtree(DEMO)
    run("init", str(DEMO), "--name", "MHTR pilot evaluation (sample)", cwd=REPO)
    run("import", str(SAMPLE))
    run("participants", "import", str(SAMPLE / "participants.csv"))
    run("codebook", "load", str(REPO / "codebooks" / "mhtr.yaml"))
    codings = SAMPLE / "codings"
    coders = []
    for sheet in sorted(codings.glob("coder_*.csv")) if codings.exists() else []:
        coder = sheet.stem.removeprefix("coder_")
        coders.append(coder)
        run("code", "--coder", coder, "--apply", str(sheet), "--done")
    if len(coders) >= 2:
        run("agree", "--coders", ",".join(coders), "--format", "md", "--bootstrap", "1000",
            "--seed", "1")
    run("status")
    print(f"\nThe demo project is in {DEMO}", flush=True)


if __name__ == "__main__":
    main()
