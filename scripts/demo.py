"""`make demo`: the whole themekit pipeline on the bundled sample, into demo/.

Each step is the command a researcher would type, run as a separate process so that
what is printed here is exactly what they would see. It ends with Table 1 and a few
anonymised, group-attributed quotes; the Word, Excel and HTML versions are in demo/.
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
SAMPLE = REPO / "transcripts_sample"
CODINGS = SAMPLE / "codings"
THEMEKIT = [sys.executable, "-m", "themekit"]


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
    coders = []
    for sheet in sorted(CODINGS.glob("coder_*.csv")):
        coder = sheet.stem.removeprefix("coder_")
        coders.append(coder)
        run("code", "--coder", coder, "--apply", str(sheet), "--done")
    run("agree", "--coders", ",".join(coders), "--format", "md", "--seed", "1")
    run("suggest", "--evaluate", "--coder", coders[-1], "--folds", "3")
    run("anonymise", "init")
    run("export", "table1", "-o", "table1.md")
    run("export", "table1", "--counts", "participants", "--by", "role", "-o", "table1.docx")
    run("export", "quotes", "--per-theme", "1", "-o", "quotes.md")
    run("export", "quotes", "--per-theme", "3", "-o", "quotes.docx")
    run("export", "matrix", "--by", "role", "-o", "matrix.xlsx")
    run("export", "matrix", "--by", "role", "-o", "heatmap.png")
    run("report", "-o", "report.html")
    run("status")
    print("\n" + (DEMO / "table1.md").read_text(encoding="utf-8"))
    print((DEMO / "quotes.md").read_text(encoding="utf-8"))
    print(f"The demo project and its exports are in {DEMO}", flush=True)


if __name__ == "__main__":
    main()
