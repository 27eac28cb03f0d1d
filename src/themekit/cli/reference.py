"""The CLI reference (docs/cli.md), generated from the typer app itself.

Walking the command objects, rather than capturing ``--help`` screens, gives stable
Markdown that does not depend on terminal width. ``scripts/gen_docs.py`` writes it and
a test fails when the committed file differs or a command lacks help text.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from themekit.errors import ExitCode

HEADER = """\
# Command reference

Generated from the themekit command line by `make docs` (scripts/gen_docs.py); do not
edit by hand. Every command also answers `--help`.

Global options (before the command): `--project PATH` / `THEMEKIT_PROJECT` (the project
folder; default: found from the current folder upwards), `--debug` / `THEMEKIT_DEBUG`
(tracebacks), `--quiet`, `--version`.
"""


def _commands(group: Any, prefix: str) -> list[tuple[str, Any]]:
    found = []
    for name in sorted(getattr(group, "commands", {})):
        command = group.commands[name]
        path = f"{prefix} {name}".strip()
        if getattr(command, "commands", None):
            found.append((path, command))
            found.extend(_commands(command, path))
        else:
            found.append((path, command))
    return found


def all_commands() -> list[tuple[str, Any]]:
    import typer.main

    from themekit.cli.app import app

    return _commands(typer.main.get_command(app), "themekit")


def _param_line(param: Any) -> str:
    if param.param_type_name == "argument":
        name = param.name.upper()
        text = f"- `{name}`" + (" (required)" if param.required else "")
    else:
        opts = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
        text = f"- {opts}"
        default = param.default
        if param.is_flag:
            pass
        elif default not in (None, (), []) and not callable(default):
            shown = getattr(default, "value", default)
            text += f" (default: `{shown}`)"
        if param.required:
            text += " (required)"
    help_text = getattr(param, "help", None)
    if help_text:
        text += f": {help_text}"
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        text += " Choices: " + ", ".join(f"`{c.value}`" for c in annotation) + "."
    return text


def exit_code_meanings() -> dict[ExitCode, str]:
    """What each ``ExitCode`` means to someone running ``themekit`` (one per code)."""
    from themekit.errors import ExitCode

    return {
        ExitCode.OK: "Success.",
        ExitCode.USER_ERROR: "An error you can fix: the message names it and the next step.",
        ExitCode.USAGE: "The command line is wrong (unknown option, missing argument...).",
        ExitCode.THRESHOLD_NOT_MET: (
            "`agree --min-alpha` / `--min-kappa`: the pooled figure fell below the threshold."
        ),
        ExitCode.INTERNAL: (
            "A bug in themekit; run the command again with `--debug` (or THEMEKIT_DEBUG=1)"
            " for the traceback, and please report it."
        ),
        ExitCode.INTERRUPTED: "Interrupted (Ctrl-C); everything acknowledged before was saved.",
    }


def exit_code_table() -> str:
    """The exit codes (``themekit.errors.ExitCode``) as a Markdown table."""
    from themekit.errors import ExitCode

    meanings = exit_code_meanings()
    rows = [f"| {int(code)} | `{code.name}` | {meanings[code]} |" for code in ExitCode]
    return "\n".join(
        [
            "## Exit codes\n",
            "Errors are one line on stderr, starting `Error: `, with the next step.\n",
            "| Code | Name (`themekit.errors.ExitCode`) | Meaning |",
            "| --- | --- | --- |",
            *rows,
            "",
        ]
    )


def render_reference() -> str:
    parts = [HEADER, exit_code_table()]
    for path, command in all_commands():
        if path == "themekit":
            continue
        parts.append(f"\n## `{path}`\n")
        parts.append((command.help or "").strip() + "\n")
        params = [p for p in command.params if p.name not in ("help",)]
        if params and not getattr(command, "commands", None):
            parts.append("")
            parts.extend(_param_line(p) for p in params)
            parts.append("")
    text = "\n".join(parts)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip() + "\n"


def commands_without_help() -> list[str]:
    return [path for path, command in all_commands() if not (command.help or "").strip()]
