"""Benchmark: ``themekit --help`` start-up against a bare typer app with the same options.

The bare app has themekit's global options (``--project``, ``--debug``, ``--quiet``,
``--version``) and one sub-command, and nothing else: it is what any typer CLI costs to
start. Both run as fresh processes many times, alternating, so that machine noise hits
both alike; the medians and their difference are reported (target: themekit within
0.1 s of the bare app), with peak memory. ``themekit codebook --help`` is timed too.

Run:  .venv/bin/python benchmarks/bench_startup.py [--runs 15]
Prints a Markdown section for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Measured, measure  # noqa: E402

BARE_APP = '''
import typer

app = typer.Typer(name="bare", no_args_is_help=True, add_completion=False,
                  pretty_exceptions_show_locals=False)


@app.callback()
def root(
    project: str = typer.Option(None, "--project", "-p", envvar="BARE_PROJECT", help="Project."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only print data and errors."),
    version: bool = typer.Option(False, "--version", is_eager=True, help="Show the version."),
) -> None:
    """A bare typer app."""


@app.command()
def status() -> None:
    """Say something."""
    print("ok")


app()
'''

TARGET_S = 0.1


def _median(runs: list[Measured]) -> tuple[float, float]:
    return statistics.median(r.wall_s for r in runs), max(r.peak_mib for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="7 runs each")
    args = parser.parse_args()
    runs = 7 if args.quick else args.runs

    with tempfile.TemporaryDirectory() as folder:
        bare_path = Path(folder, "bare.py")
        bare_path.write_text(BARE_APP, encoding="utf-8")
        commands = {
            "bare typer app `--help`": [sys.executable, str(bare_path), "--help"],
            "`themekit --help`": [sys.executable, "-m", "themekit", "--help"],
            "`themekit codebook --help`": [sys.executable, "-m", "themekit", "codebook", "--help"],
            "`python -c pass` (interpreter only)": [sys.executable, "-c", "pass"],
        }
        for argv in commands.values():  # warm the file cache once
            measure(argv)
        results: dict[str, list[Measured]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, argv in commands.items():
                results[name].append(measure(argv))

    bare_s, bare_mib = _median(results["bare typer app `--help`"])
    print("### Start-up\n")
    print(
        f"Median wall time of {runs} fresh processes each (alternating), peak memory, and"
        " the ratio to the bare typer app with the same global options, same run.\n"
    )
    print("| Command | median | vs bare app | difference | peak memory |")
    print("|---|---:|---:|---:|---:|")
    for name in commands:
        median_s, peak = _median(results[name])
        print(
            f"| {name} | {median_s * 1000:.0f} ms | {median_s / bare_s:.2f}x"
            f" | {(median_s - bare_s) * 1000:+.0f} ms | {peak:.0f} MiB |"
        )
    ours_s, _ = _median(results["`themekit --help`"])
    verdict = "met" if ours_s - bare_s <= TARGET_S else "NOT met"
    print(
        f"\nTarget `themekit --help` within {TARGET_S * 1000:.0f} ms of the bare app: {verdict}"
        f" ({(ours_s - bare_s) * 1000:+.0f} ms; bare app {bare_mib:.0f} MiB peak)."
    )


if __name__ == "__main__":
    main()
