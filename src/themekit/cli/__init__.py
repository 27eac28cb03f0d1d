"""The ``themekit`` command line: a thin shell over the library."""

from __future__ import annotations


def main() -> None:
    """Run the app; a bug let through by ``--debug`` shows its traceback and exits 70."""
    import sys

    from themekit.cli.app import app
    from themekit.errors import ExitCode

    try:
        app()
    except Exception as exc:
        # ThemekitGroup only lets an unexpected exception through under --debug (or in
        # tests): print it with typer's hook (no locals) and keep the documented code.
        sys.excepthook(type(exc), exc, exc.__traceback__)
        sys.exit(ExitCode.INTERNAL)
