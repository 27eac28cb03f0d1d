"""The ``themekit`` command line: a thin shell over the library."""

from __future__ import annotations


def main() -> None:
    from themekit.cli.app import app

    app()
