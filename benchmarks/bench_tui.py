"""Benchmark of the coding app on a large transcript, driven headless by Textual's Pilot.

Builds a throw-away project with one transcript of N segments (default 10,000; every
fourth line is the interviewer's) and a 24-code codebook, then measures:

- open: from building the app to the first painted frame of the coding screen;
- per-keystroke latency for moving (j, k, n) and toggling a code (1): from posting the
  key event to the next frame the app paints (the real cost a coder feels), median and
  95th percentile;
- for reference, the round trip of ``pilot.press``, which adds Pilot's own idle waits
  (at least two 20 ms sleeps per key) on top of the app's work.

Run: ``python benchmarks/bench_tui.py [--segments 10000] [--keys 200]``. Prints a
Markdown snippet.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from themekit.coding.tui import create_coding_app
from themekit.model.codebook import Codebook
from themekit.model.rows import Participant
from themekit.model.transcripts import ParsedTranscript, Segment, Turn
from themekit.project import Project

SENTENCE = (
    "the pilot gave magistrates another option before a short sentence and the clinic"
    " met probation every fortnight while funding stayed uncertain for next year"
)
WORDS = SENTENCE.split()


def build_project(root: Path, n_segments: int) -> Project:
    project = Project.init(root / "bench", name="bench")
    parts: list[str] = []
    turns: list[Turn] = []
    segments: list[Segment] = []
    offset = 0
    for i in range(n_segments):
        speaker = "Interviewer" if i % 4 == 0 else "P01"
        words = [WORDS[(i * 7 + k) % len(WORDS)] for k in range(8 + i % 13)]
        text = " ".join(words).capitalize() + "."
        prefix = f"{speaker}: "
        start = offset + len(prefix)
        parts.append(prefix + text)
        turns.append(Turn(speaker, start, start + len(text)))
        segments.append(
            Segment(i + 1, speaker, i, start, start + len(text), text, speaker != "Interviewer")
        )
        offset = start + len(text) + 1
    project.store.add_transcript_version(
        "P01",
        ParsedTranscript("\n".join(parts), turns, "txt"),
        segments,
        content_hash="bench",
        source_name="P01.txt",
        unit="sentence",
    )
    codes = [
        {
            "id": f"theme{t}",
            "label": f"Theme {t}",
            "codable": False,
            "children": [{"id": f"t{t}c{c}", "label": f"Sub-theme {t}.{c}"} for c in range(5)],
        }
        for t in range(4)
    ]
    project.store.add_codebook_version(
        Codebook.from_dict({"codes": codes}), source="bench", changes={}
    )
    project.store.replace_participants([Participant("P01", "Probation Service", None, {})], [])
    project.store.ensure_coder("bench")  # coders are added on purpose (themekit coders add)
    return project


async def _measure(project: Project, keys: int) -> dict[str, Any]:
    from textual import events

    from themekit.coding.tui.app import CodingScreen

    frames: list[float] = []
    frame_seen = asyncio.Event()
    started = time.perf_counter()
    app = create_coding_app(project, coder="bench", transcript="P01")
    original_display = app._display

    def display(screen: Any, renderable: Any) -> None:
        original_display(screen, renderable)
        if renderable is not None and isinstance(screen, CodingScreen):
            frames.append(time.perf_counter())
            frame_seen.set()

    app._display = display  # type: ignore[method-assign]
    results: dict[str, Any] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        await asyncio.wait_for(frame_seen.wait(), timeout=30)
        results["open"] = frames[0] - started
        await pilot.pause()

        async def timed(key: str) -> float | None:
            await pilot.pause()  # settle: nothing pending before the key
            frame_seen.clear()
            t0 = time.perf_counter()
            driver = app._driver
            assert driver is not None
            driver.send_message(events.Key(key, key if len(key) == 1 else None))
            try:
                await asyncio.wait_for(frame_seen.wait(), timeout=2)
            except TimeoutError:
                return None
            return frames[-1] - t0

        latencies: dict[str, list[float]] = {"j": [], "k": [], "1 (toggle)": [], "n": []}
        for _ in range(keys):
            for key, name in (("j", "j"), ("1", "1 (toggle)")):
                value = await timed(key)
                if value is not None:
                    latencies[name].append(value)
        for _ in range(keys // 2):
            value = await timed("k")
            if value is not None:
                latencies["k"].append(value)
        for _ in range(keys // 4):
            value = await timed("n")
            if value is not None:
                latencies["n"].append(value)
        results["latency"] = latencies

        press: list[float] = []
        for _ in range(max(keys // 4, 10)):
            t0 = time.perf_counter()
            await pilot.press("j")
            press.append(time.perf_counter() - t0)
        results["pilot_press"] = press
        idle: list[float] = []
        for _ in range(max(keys // 4, 10)):
            t0 = time.perf_counter()
            await pilot.press("f12")  # bound to nothing: Pilot's own overhead
            idle.append(time.perf_counter() - t0)
        results["pilot_idle"] = idle
        results["coded"] = app.coding_screen.state.progress()
    return results


def _ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--keys", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        project = build_project(Path(tmp), args.segments)
        build_s = time.perf_counter() - t0
        results = asyncio.run(_measure(project, args.keys))
        project.close()
    rows = []
    for name, values in results["latency"].items():
        values = sorted(values)
        p95 = values[min(int(len(values) * 0.95), len(values) - 1)]
        rows.append(
            f"| `{name}` | {len(values)} | {_ms(statistics.median(values))} | {_ms(p95)}"
            f" | {_ms(values[-1])} |"
        )
    press = results["pilot_press"]
    print(f"### Coding app: {args.segments:,} segments\n")
    print(
        f"Python {platform.python_version()}, {platform.machine()}; project built in"
        f" {build_s:.1f} s (not part of the figures).\n"
    )
    print(f"- Open (build app to first painted coding screen): **{results['open']:.2f} s**")
    print(
        f"- `pilot.press('j')` round trip, for reference: median"
        f" {_ms(statistics.median(press))}; for an unbound key (Pilot's own idle waits)"
        f" {_ms(statistics.median(results['pilot_idle']))}\n"
    )
    print("| key | presses | median key-to-frame | p95 | max |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
