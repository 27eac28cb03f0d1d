"""The typer application: global options and the one place errors are rendered.

Each command group lives in its own module and registers itself on ``app``; commands
parse options, call the library and render. Every ``ThemekitError`` is turned into a
single ``Error: ...`` line on stderr and the error's exit code by
``ThemekitGroup.invoke``; ``--debug`` adds the traceback. Unexpected exceptions give a
short line without their message (it could quote interview text) unless ``--debug``.
Locals are never shown (``pretty_exceptions_show_locals=False``): they hold interview
text.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import typer
from typer.core import TyperGroup

from themekit import __version__
from themekit.console import Environment
from themekit.errors import ThemekitError

EXIT_INTERNAL = 2
EXIT_INTERRUPTED = 130


class ThemekitGroup(TyperGroup):
    """Renders themekit's errors for every command below it."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except ThemekitError as exc:
            env = _env_of(ctx)
            if env.debug:
                traceback.print_exc(file=sys.stderr)
            typer.echo(f"Error: {exc.render()}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            # Output piped into `head` and the like: stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None
        except KeyboardInterrupt:
            typer.echo("Interrupted; everything acknowledged before this was saved.", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except Exception as exc:  # a bug: say so without echoing data
            env = _env_of(ctx)
            if env.debug:
                traceback.print_exc(file=sys.stderr)
                typer.echo(f"Error: internal error: {type(exc).__name__}: {exc}", err=True)
            else:
                typer.echo(
                    f"Error: internal error ({type(exc).__name__}). Run the same command with"
                    " --debug to see the traceback, and please report it.",
                    err=True,
                )
            raise typer.Exit(EXIT_INTERNAL) from None


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


def open_project():
    """The project for this command (from --project, THEMEKIT_PROJECT or the cwd)."""
    from themekit.project import Project

    return Project.find(env().project_path)


app = typer.Typer(
    cls=ThemekitGroup,
    name="themekit",
    help="Local-first qualitative thematic analysis of interview transcripts.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"themekit {__version__}")
        raise typer.Exit()


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
        cmd_suggest,
        cmd_team,
        cmd_transcripts,
    )


register_commands()
