"""Benchmark of ``themekit serve`` in a real headless Chromium (Selenium).

Builds a throw-away project with one transcript of N segments (default 1,000; the
generator of ``bench_tui.py``), starts ``themekit serve`` in a child process, and
measures in the browser:

- page load of the coding view: from the navigation's start to the end of its load
  event (Navigation Timing), and the server's part (request start to response end);
- applying a code, round trip: from the key press ("1", toggling the first code on the
  current line) to the status message the server's answer writes, measured in the page
  with ``performance.now()`` and a MutationObserver; alternately applied and removed.

Run: ``python benchmarks/bench_serve.py [--segments 1000] [--loads 10] [--toggles 60]``.
Prints a Markdown snippet. Needs chromium and chromedriver (it says so if they are missing).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from bench_tui import build_project  # noqa: E402

from helpers_serve import browser_missing, chrome, start_server  # noqa: E402

TOGGLE = """
const done = arguments[arguments.length - 1];
const message = document.getElementById("message");
const before = message.textContent;
const observer = new MutationObserver(() => {
  if (message.textContent && message.textContent !== before) {
    observer.disconnect();
    done(performance.now() - t0);
  }
});
observer.observe(message, {childList: true, characterData: true, subtree: true});
message.textContent = "";
const t0 = performance.now();
document.body.dispatchEvent(new KeyboardEvent("keydown", {key: "1", bubbles: true}));
"""

NAVIGATION = """
const n = performance.getEntriesByType("navigation")[0];
return [n.loadEventEnd - n.startTime, n.responseEnd - n.requestStart];
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segments", type=int, default=1000)
    parser.add_argument("--loads", type=int, default=10)
    parser.add_argument("--toggles", type=int, default=60)
    args = parser.parse_args()
    missing = browser_missing()
    if missing:
        print("## Browser front end (`themekit serve`)\n")
        print(f"Not measured: the benchmark needs {missing}.")
        return
    with tempfile.TemporaryDirectory() as folder:
        project = build_project(Path(folder), args.segments)
        root = project.root
        project.close()
        with start_server(root, "--coder", "bench") as server:
            driver = chrome()
            try:
                driver.get(server.url)
                page = f"{server.base}/code/P01"
                driver.get(page)  # warm: templates compiled, codebook parsed
                loads, server_parts = [], []
                for _ in range(args.loads):
                    driver.get(page)
                    total, server_part = driver.execute_script(NAVIGATION)
                    loads.append(total)
                    server_parts.append(server_part)
                driver.execute_script("window.scrollTo(0, 0)")
                toggles = [driver.execute_async_script(TOGGLE) for _ in range(args.toggles)]
            finally:
                driver.quit()
    warm = toggles[2:]  # the first calls warm the server's code paths
    print(f"## Browser front end (`themekit serve`, {args.segments} segments)\n")
    print(f"Headless Chromium via Selenium; {platform.processor() or platform.machine()}.\n")
    print("| measure | median | 95th percentile |")
    print("|---|---|---|")

    def row(name: str, values: list[float]) -> None:
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        print(f"| {name} | {statistics.median(values):.0f} ms | {p95:.0f} ms |")

    row(f"coding view page load ({args.loads} loads)", loads)
    row("  of which the server (request to response end)", server_parts)
    row(f"apply/remove a code, key to redrawn row ({len(warm)} toggles)", warm)


if __name__ == "__main__":
    main()
