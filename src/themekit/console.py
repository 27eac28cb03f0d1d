"""The terminal environment: where data, messages and progress go.

Data goes to stdout (so it can be piped into a file); messages, warnings and progress
bars go to stderr, and progress switches itself off when stderr is not a terminal.
Tests swap the consoles for ones that record.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.console import Console


def _stdout() -> Console:
    from rich.console import Console

    # Piped output is data for a file or another program: do not squeeze it to 80 columns.
    width = None if sys.stdout.isatty() else 160
    return Console(file=sys.stdout, soft_wrap=True, highlight=False, width=width)


def _stderr() -> Console:
    from rich.console import Console

    return Console(file=sys.stderr, soft_wrap=True, highlight=False)


@dataclass
class Environment:
    debug: bool = False
    project_path: str | None = None
    quiet: bool = False
    _out: Console | None = field(default=None, repr=False)
    _err: Console | None = field(default=None, repr=False)

    @property
    def out(self) -> Console:
        if self._out is None or self._out.file is not sys.stdout:
            self._out = _stdout()
        return self._out

    @property
    def err(self) -> Console:
        if self._err is None or self._err.file is not sys.stderr:
            self._err = _stderr()
        return self._err

    def write(self, text: str) -> None:
        """Raw data to stdout, exactly as given."""
        sys.stdout.write(text)
        if not text.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()

    def message(self, text: str, *, style: str | None = None) -> None:
        if not self.quiet:
            self.err.print(text, style=style, markup=False)

    def warn(self, text: str) -> None:
        self.err.print(f"warning: {text}", style="yellow", markup=False)

    @contextmanager
    def progress(self, description: str, total: int | None) -> Iterator[Any]:
        """A rich progress bar on stderr; a no-op advance function when not a terminal."""
        if self.quiet or not sys.stderr.isatty():
            yield lambda n=1: None
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=self.err,
            transient=True,
        ) as bar:
            task = bar.add_task(description, total=total)
            yield lambda n=1: bar.advance(task, n)
