"""Choosing an output format: ``--format`` if given, else the output's extension.

Every command that writes a file in one of several formats (exports, codings exports,
anonymisation keys) decides the same way, with the same message when the choice is not
available: an extension that names no accepted format is an error rather than a silent
fallback, so ``-o codings.txt`` never produces a CSV the user did not ask for.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from themekit.errors import ExportError
from themekit.files.writer import wants_stdout

#: Extensions that are another spelling of a format name.
EXTENSION_ALIASES = {"markdown": "md", "htm": "html", "jpeg": "png", "jpg": "png", "yml": "yaml"}


def infer_output_format(
    output: str | Path | None, requested: str | None, allowed: Sequence[str], default: str
) -> str:
    """``requested`` if given, else the format ``output``'s extension names, else ``default``.

    ``-`` (standard output) and a name without an extension take ``default``. Anything
    not in ``allowed`` is an ``ExportError`` listing the accepted formats.
    """
    if requested:
        fmt = requested.lower()
    elif output is not None and not wants_stdout(output) and Path(output).suffix:
        fmt = Path(output).suffix.lower().lstrip(".")
        fmt = EXTENSION_ALIASES.get(fmt, fmt)
    else:
        fmt = default
    if fmt not in allowed:
        raise ExportError(
            f"format {fmt}: not available here (use {', '.join(allowed)}).",
            hint="Name one of those formats, or an output file ending in one of them.",
            next_step="output.format",
            arguments=("format",),
        )
    return fmt
