"""The typer application: global options and the one place errors are rendered.

Each command group lives in its own module and registers itself on ``app``; commands
parse options, call the library and render. ``ThemekitGroup.invoke`` turns what escapes
a command into one stderr line and an exit code (``themekit.errors.ExitCode``, the table
in docs/cli.md):

- a ``ThemekitError``: ``Error: <message>. <next step>`` (phrased for the command line by
  ``themekit.cli.hints.render_error``), exit 1 (3 for ``ThresholdNotMet``); ``--debug``
  adds the traceback;
- Ctrl-C: a line saying what was saved, exit 130;
- anything else is a bug: one line without the exception's message (it could quote
  interview text) asking for a report, exit 70. With ``--debug`` or ``THEMEKIT_DEBUG``
  set, the exception propagates instead, so its full traceback is shown (``main``
  still exits 70).

Tests: ``THEMEKIT_RAISE_INTERNAL=1`` makes unexpected exceptions propagate too, without
the other effects of ``--debug``. tests/conftest.py sets it for every test and its
``Cli`` runs the app with ``catch_exceptions=False``, so a CLI test that hits a bug fails
with the bug's traceback instead of a bland exit code. Tests of the exit-70 line unset it.
Click's own usage errors (unknown option, missing argument) exit 2 (``ExitCode.USAGE``).
Locals are never shown (``pretty_exceptions_show_locals=False``): they hold interview
text.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from themekit import __version__
from themekit.console import Environment
from themekit.errors import ExitCode, ThemekitError

if TYPE_CHECKING:
    from themekit.project import Project

# Set by the test suite: unexpected exceptions propagate (see the module docstring).
RAISE_INTERNAL_ENV = "THEMEKIT_RAISE_INTERNAL"


class ThemekitGroup(TyperGroup):
    """Renders themekit's errors for every command below it."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except ThemekitError as exc:
            from themekit.cli.hints import render_error

            env = _env_of(ctx)
            if env.debug:
                traceback.print_exc(file=sys.stderr)
            typer.echo(f"Error: {render_error(exc)}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            # Output piped into `head` and the like: stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(ExitCode.OK) from None
        except KeyboardInterrupt:
            typer.echo("Interrupted; everything acknowledged before this was saved.", err=True)
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except Exception as exc:  # a bug: say so without echoing data
            if _env_of(ctx).debug or os.environ.get(RAISE_INTERNAL_ENV):
                raise
            typer.echo(
                f"Error: internal error ({type(exc).__name__}). Run the same command with"
                " --debug to see the traceback, and please report it.",
                err=True,
            )
            raise typer.Exit(ExitCode.INTERNAL) from None


_current: Environment | None = None


def _env_of(ctx: Any) -> Environment:
    root = ctx.find_root()
    if isinstance(root.obj, Environment):
        return root.obj
    return env()


def env() -> Environment:
    """The Environment of the running command (set by the root callback)."""
    global _current
    if _current is None:
        _current = Environment(debug=bool(os.environ.get("THEMEKIT_DEBUG")))
    return _current


def open_project() -> Project:
    """The project for this command (from --project, THEMEKIT_PROJECT or the cwd)."""
    from themekit.project import Project

    return Project.find(env().project_path)


app = typer.Typer(
    cls=ThemekitGroup,
    name="themekit",
    help="Local-first qualitative thematic analysis of interview transcripts.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    pretty_exceptions_short=False,  # --debug promises the full traceback
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"themekit {__version__}")
        raise typer.Exit(ExitCode.OK)


@app.callback()
def root(
    ctx: typer.Context,
    project: str | None = typer.Option(
        None,
        "--project",
        "-p",
        envvar="THEMEKIT_PROJECT",
        help="Project folder (default: found from the current folder upwards).",
    ),
    debug: bool = typer.Option(
        False, "--debug", envvar="THEMEKIT_DEBUG", help="Show tracebacks for errors."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only print data and errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Local-first qualitative thematic analysis of interview transcripts."""
    global _current
    _current = ctx.obj = Environment(debug=debug, project_path=project, quiet=quiet)


def register_commands() -> None:
    """Attach every command group; each module registers its commands on import."""
    from themekit.cli import (  # noqa: F401  (imported for their registrations)
        cmd_agree,
        cmd_anonymise,
        cmd_code,
        cmd_codebook,
        cmd_codings,
        cmd_export,
        cmd_import,
        cmd_log,
        cmd_participants,
        cmd_project,
        cmd_refi,
        cmd_serve,
        cmd_suggest,
        cmd_team,
        cmd_transcripts,
    )


register_commands()
