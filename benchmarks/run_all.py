"""Run every benchmark in benchmarks/ and rewrite BENCHMARKS.md (``make bench``).

Each ``bench_*.py`` is a script that prints a Markdown section to stdout, with its
figures next to a baseline measured in the same run. This runner starts each one as a
subprocess with a timeout, collects what it printed (a failure or a timeout is written
down as such, with the end of its stderr, and the others still run) and writes
BENCHMARKS.md: the machine (CPU, cores, RAM, Python, commit), a summary of the runs,
then every section in file order. Output that is not Markdown is kept in a code block.

Arguments per benchmark: ``RUNS`` names the invocations of benchmarks that need some
(a sub-command), ``QUICK_RUNS`` the smaller ones for ``--quick``; a benchmark that
accepts ``--quick`` itself gets it in quick mode; the others run as they are.

    .venv/bin/python benchmarks/run_all.py [--quick] [--timeout S] [--only NAME ...]
                                           [--skip NAME ...]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUTPUT = REPO / "BENCHMARKS.md"

RUNS: dict[str, list[list[str]]] = {
    "bench_suggest.py": [["quality"], ["speed"], ["memory"], ["fit"]],
}
# (bench_suggest_real.py runs as it is: its default is the full learning curve.)
QUICK_RUNS: dict[str, list[list[str]]] = {
    "bench_suggest.py": [
        ["quality", "--fake"],
        ["speed", "--n", "2000"],
        ["fit", "--background", "2000"],
    ],
    "bench_suggest_real.py": [["--draws", "2"]],
    "bench_agree.py": [["--units", "20000", "--resamples", "200", "--repeats", "1"]],
    "bench_tui.py": [["--segments", "2000"]],
    "bench_codebook.py": [["--repeat", "3"]],
    "bench_refi.py": [["--mb", "0.5", "--repeats", "1"]],
    "bench_serve.py": [["--loads", "5", "--toggles", "30"]],
}


@dataclass
class Outcome:
    script: str
    args: list[str]
    status: str  # "ok" | "failed (exit N)" | "timed out after S s"
    seconds: float
    stdout: str
    stderr: str
    peak_mib: float | None = None  # peak resident memory of the benchmark's own process


# GNU time reports the peak resident memory of the process it runs; where it is missing
# the column stays empty (benchmarks that start further processes report those themselves).
GNU_TIME = Path("/usr/bin/time")
PEAK_MARK = "THEMEKIT_PEAK_KIB="


def _peak(stderr: str) -> tuple[str, float | None]:
    lines = stderr.splitlines()
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].startswith(PEAK_MARK):
            kib = float(lines[index][len(PEAK_MARK) :] or 0)
            return "\n".join(lines[:index] + lines[index + 1 :]), kib / 1024
    return stderr, None


def invocations(script: Path, quick: bool) -> list[list[str]]:
    name = script.name
    if quick and name in QUICK_RUNS:
        return QUICK_RUNS[name]
    if quick and '"--quick"' in script.read_text(encoding="utf-8"):
        return [["--quick"]]
    return RUNS.get(name, [[]])


def run_one(script: Path, args: list[str], timeout: float) -> Outcome:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONUNBUFFERED="1")
    start = time.perf_counter()
    wrapper = [str(GNU_TIME), "-f", f"{PEAK_MARK}%M"] if GNU_TIME.exists() else []
    try:
        done = subprocess.run(
            [*wrapper, sys.executable, str(script), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=REPO,
            env=env,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        took = time.perf_counter() - start
        return Outcome(script.name, args, f"timed out after {timeout:.0f} s", took, out, err)
    took = time.perf_counter() - start
    status = "ok" if done.returncode == 0 else f"failed (exit {done.returncode})"
    stderr, peak = _peak(done.stderr)
    return Outcome(script.name, args, status, took, done.stdout, stderr, peak)


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
        ).stdout.strip()
    except OSError:
        commit = ""
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores",
        f"- Memory: {memory}",
        f"- System: {platform.system()} {platform.release()}, Python {platform.python_version()}",
        f"- Commit: {commit or 'unknown'}",
    ]


def section(outcome: Outcome) -> str:
    title = " ".join([outcome.script, *outcome.args])
    body = outcome.stdout.strip()
    parts: list[str] = []
    if body and body.lstrip().startswith("#"):
        parts.append(body)
    else:
        parts.append(f"### {title}")
        if body:
            parts.append(f"```text\n{body}\n```")
    if outcome.status != "ok":
        tail = "\n".join(outcome.stderr.strip().splitlines()[-15:])
        parts.append(f"**{title}: {outcome.status}.**")
        if tail:
            parts.append(f"```text\n{tail}\n```")
    return "\n\n".join(parts)


def render(outcomes: list[Outcome], quick: bool, total: float) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    mode = "quick mode (`--quick`: smaller sizes, slow parts skipped)" if quick else "full mode"
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`benchmarks/run_all.py`) on {stamp}, {mode}, in"
        f" {total:.0f} s. Do not edit by hand: run it again. Every figure is shown next to"
        " a baseline measured in the same run on the same machine, so ratios carry over"
        " between machines better than absolute times.",
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "## Runs",
        "",
        "| Benchmark | Arguments | Status | Time | Peak memory |",
        "|---|---|---|---:|---:|",
        *(
            f"| {o.script} | {' '.join(o.args) or '(none)'} | {o.status} | {o.seconds:.0f} s"
            f" | {f'{o.peak_mib:.0f} MiB' if o.peak_mib is not None else ''} |"
            for o in outcomes
        ),
        "",
        "## Results",
    ]
    return "\n".join([*lines, *("\n" + section(o) for o in outcomes)]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes; skip slow parts")
    parser.add_argument(
        "--timeout", type=float, default=None, help="seconds per run (default 1800; quick 300)"
    )
    parser.add_argument("--only", nargs="*", default=None, help="benchmark names to run")
    parser.add_argument("--skip", nargs="*", default=[], help="benchmark names to leave out")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    timeout = args.timeout or (300.0 if args.quick else 1800.0)

    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        wanted = {n if n.endswith(".py") else f"{n}.py" for n in args.only}
        wanted |= {n if n.startswith("bench_") else f"bench_{n}" for n in wanted}
        scripts = [s for s in scripts if s.name in wanted]
    skipped = {n if n.endswith(".py") else f"{n}.py" for n in args.skip}
    skipped |= {n if n.startswith("bench_") else f"bench_{n}" for n in skipped}
    scripts = [s for s in scripts if s.name not in skipped]
    start = time.perf_counter()
    outcomes: list[Outcome] = []
    for script in scripts:
        for run_args in invocations(script, args.quick):
            print(f"running {script.name} {' '.join(run_args)}".rstrip(), file=sys.stderr)
            outcome = run_one(script, run_args, timeout)
            print(f"  {outcome.status} in {outcome.seconds:.1f} s", file=sys.stderr)
            outcomes.append(outcome)
    text = render(outcomes, args.quick, time.perf_counter() - start)
    tmp = args.output.with_name(args.output.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, args.output)
    print(f"wrote {args.output}", file=sys.stderr)
    failed = [o for o in outcomes if o.status != "ok"]
    if failed:
        sys.exit(f"{len(failed)} benchmark run(s) did not finish; see {args.output.name}")


if __name__ == "__main__":
    main()
