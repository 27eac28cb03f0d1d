"""Regenerate the generated documentation: docs/cli.md and docs/storage.md."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def generated() -> dict[Path, str]:
    from themekit.cli.reference import render_reference
    from themekit.store.schema_doc import render_storage_doc

    return {
        REPO / "docs" / "cli.md": render_reference(),
        REPO / "docs" / "storage.md": render_storage_doc(),
    }


def main() -> None:
    check = "--check" in sys.argv
    stale = []
    for path, text in generated().items():
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(REPO)}")
    if stale:
        sys.exit("out of date: " + ", ".join(str(p) for p in stale) + " (run make docs)")


if __name__ == "__main__":
    main()
