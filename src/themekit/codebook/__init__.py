"""The codebook: a versioned tree of codes with definitions, read from YAML or a
spreadsheet, validated with a location for every problem, diffed, revised and exported.

Pure library code: no database and no CLI here (the project store records versions,
the CLI calls these functions).

Names are loaded on first use, so importing the package (as the store and the command
line do at start-up) does not load the YAML, spreadsheet and Word machinery.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Code": "themekit.model.codebook",
    "CodeEntry": "themekit.model.codebook",
    "Codebook": "themekit.model.codebook",
    "CodebookDiff": "themekit.codebook.diff",
    "add_code": "themekit.codebook.revise",
    "check_codebook": "themekit.codebook.validate",
    "codebook_to_csv": "themekit.codebook.export",
    "codebook_to_markdown": "themekit.codebook.export",
    "codebook_to_yaml": "themekit.codebook.export",
    "derive_id": "themekit.codebook.validate",
    "diff_codebooks": "themekit.codebook.diff",
    "load_codebook": "themekit.codebook.validate",
    "merge_codes": "themekit.codebook.revise",
    "move_code": "themekit.codebook.revise",
    "parse_codebook_yaml": "themekit.codebook.io_yaml",
    "read_codebook_table": "themekit.codebook.io_table",
    "read_codebook_yaml": "themekit.codebook.io_yaml",
    "remove_code": "themekit.codebook.revise",
    "rename_code": "themekit.codebook.revise",
    "split_path": "themekit.model.codebook",
    "validate_codebook_file": "themekit.codebook.validate",
    "write_codebook_docx": "themekit.codebook.export",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'themekit.codebook' has no attribute {name!r}")
