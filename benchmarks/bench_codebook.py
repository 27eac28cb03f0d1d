"""Benchmark: validate and load a generated 2,000-code codebook (target: under 1 s each).

Run from the repository root::

    .venv/bin/python benchmarks/bench_codebook.py [--codes 2000] [--repeat 5]

The generated codebook has the shape of a large real one: 20 categories, 10 themes in
each, 8 sub-themes under each theme, topped up to 2,000 codes, every code with a definition,
include/exclude guidance and two examples. It is written once as YAML and once as CSV;
each is validated (``validate_codebook_file``) and loaded (``load_codebook``) several
times, and the best and median wall times are printed.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from themekit.codebook import (
    Code,
    Codebook,
    codebook_to_csv,
    codebook_to_yaml,
    load_codebook,
    validate_codebook_file,
)


def generate_codebook(n_codes: int = 2000, categories: int = 20, themes: int = 10) -> Codebook:
    """A codebook of exactly ``n_codes`` codes (at least ``categories * (1 + themes)``)."""
    per_theme = max(0, (n_codes // categories - 1) // themes - 1)
    codebook = Codebook(name=f"Generated {n_codes}-code codebook")
    made = 0

    def code(code_id: str, label: str, codable: bool = True) -> Code:
        nonlocal made
        made += 1
        return Code(
            id=code_id,
            label=label,
            definition=f"Talk about {label.lower()}: what it is and how it is experienced.",
            include=f"Any mention of {label.lower()}, positive or negative.",
            exclude="Passing mentions without any view expressed.",
            examples=[f"We kept coming back to {label.lower()}.", "It mattered a lot to us."],
            codable=codable,
        )

    for c in range(categories):
        category = code(f"c{c}", f"Category {c}", codable=False)
        for t in range(themes):
            theme = code(f"c{c}.t{t}", f"Theme {c}.{t}")
            for s in range(per_theme):
                theme.children.append(code(f"c{c}.t{t}.s{s}", f"Sub-theme {c}.{t}.{s}"))
            category.children.append(theme)
        codebook.codes.append(category)
    while made < n_codes:  # top up when n_codes is not a multiple of the shape
        codebook.codes[-1].children.append(code(f"extra{made}", f"Extra {made}"))
    return codebook


def _time(function, path: Path, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(path)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    codebook = generate_codebook(args.codes)
    with tempfile.TemporaryDirectory() as folder:
        yaml_path = Path(folder, "big.yaml")
        yaml_path.write_text(codebook_to_yaml(codebook), encoding="utf-8")
        csv_path = Path(folder, "big.csv")
        csv_path.write_text(codebook_to_csv(codebook), encoding="utf-8")
        n = len(list(codebook.walk()))
        size_kb = yaml_path.stat().st_size / 1024
        print(f"{n} codes; YAML {size_kb:.0f} KiB, CSV {csv_path.stat().st_size / 1024:.0f} KiB")
        for label, path in (("yaml", yaml_path), ("csv", csv_path)):
            for name, function in (
                ("validate_codebook_file", validate_codebook_file),
                ("load_codebook", load_codebook),
            ):
                times = _time(function, path, args.repeat)
                print(
                    f"{label:4} {name:22} best {min(times) * 1000:7.1f} ms"
                    f"  median {statistics.median(times) * 1000:7.1f} ms"
                )


if __name__ == "__main__":
    main()
