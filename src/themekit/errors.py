"""Named exceptions: what went wrong, where, and the next step.

Every failure a user can cause is a ``ThemekitError`` (or a subclass). An error carries

- ``message``: the facts, what and where ("P03.txt: line 12 is empty");
- ``hint``: the next step in the library's own terms ("Name the coder."), so that
  ``str(exc)`` reads right in a notebook, where there are no command-line flags;
- ``next_step`` (optional): the same advice named by a key (and the facts it needs),
  for a front end to phrase in its own terms. The CLI keeps its wording for each key in
  one table (``themekit.cli.hints``) and says "Pass --coder NAME." where the library
  says "Name the coder.".

A message about an argument names it as the library spells it ("top must be at least 1,
not 0"); the CLI's next step names the option ("For example --top 3."). Where the
message itself starts from an argument ("per_theme 0: must be at least 1."), the error
lists it in ``arguments`` and the CLI names the option in its place ("--per-theme 0:
must be at least 1.").

Library code therefore never names a CLI flag or a ``themekit`` command
(tests/test_error_hints.py checks it). The CLI renders errors in one place
(``themekit.cli.app.ThemekitGroup``) as a single stderr line and exits with the error's
``exit_code``, one of ``ExitCode``; ``--debug`` adds the traceback. Messages never
contain interview text unless the caller asked for ``--debug``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """The exit status of the ``themekit`` command (documented in docs/cli.md)."""

    OK = 0
    USER_ERROR = 1  # a ThemekitError: a problem the user can fix
    USAGE = 2  # the command line itself is wrong (click's usage errors use 2 too)
    THRESHOLD_NOT_MET = 3  # agree --min-alpha/--min-kappa: the figure fell below
    INTERNAL = 70  # a bug in themekit (EX_SOFTWARE in BSD's sysexits.h)
    INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as shells report it


class NextStep:
    """The next step named by a key, with the facts a front end needs to phrase it.

    ``NextStep("coder.name")`` or ``NextStep("codebook.move_out", path=..., id=...)``;
    the CLI's wording for each key lives in ``themekit.cli.hints``.
    """

    __slots__ = ("facts", "key")

    def __init__(self, key: str, **facts: object) -> None:
        self.key = key
        self.facts = {name: str(value) for name, value in facts.items()}

    def __repr__(self) -> str:
        return f"NextStep({self.key!r}, **{self.facts!r})"


class ThemekitError(Exception):
    """Base class: a problem the user can fix, with a message and an optional hint."""

    exit_code: ExitCode = ExitCode.USER_ERROR

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        next_step: NextStep | str | None = None,
        arguments: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.next_step = NextStep(next_step) if isinstance(next_step, str) else next_step
        # The library arguments the message names, in the order it names them, each
        # spelled as in the library's signature (``per_theme``), for a front end to
        # name its own option instead (themekit.cli.hints).
        self.arguments = arguments

    def render(self, hint: str | None = None) -> str:
        """The one line shown to the user: the message and ``hint`` (default: ``self.hint``)."""
        return join_hint(self.message, self.hint if hint is None else hint)

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.render()


def join_hint(message: str, hint: str | None) -> str:
    """``message`` followed by ``hint`` as a sentence of its own."""
    if not hint:
        return message
    # Keep the two sentences apart: "problem (row 3). Next step."
    stop = "" if message.rstrip().endswith((".", "!", "?", ":")) else "."
    return f"{message}{stop} {hint}"


class ProjectNotFound(ThemekitError):
    """No themekit project in or above the directory, nor given by --project."""


class ProjectExists(ThemekitError):
    """``init`` on a directory that already holds a project."""


class InputFileError(ThemekitError):
    """A file the user gave cannot be read or understood."""

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        hint: str | None = None,
        next_step: NextStep | str | None = None,
    ) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}", hint=hint, next_step=next_step)


class TranscriptReadError(InputFileError):
    """A transcript file that cannot be imported."""


class ParticipantsError(InputFileError):
    """A participants table that cannot be imported."""


@dataclass(frozen=True)
class CodebookProblem:
    """One finding of codebook validation, with its location."""

    file: str
    line: int
    col: int
    message: str
    code_path: str = ""
    severity: str = "error"  # "error" or "warning"

    def render(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        suffix = f" ({self.code_path})" if self.code_path else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}{suffix}"


class CodebookError(ThemekitError):
    """A codebook file or revision that cannot be accepted."""

    def __init__(
        self,
        message: str,
        *,
        problems: list[CodebookProblem] | None = None,
        hint: str | None = None,
        next_step: NextStep | str | None = None,
    ) -> None:
        super().__init__(message, hint=hint, next_step=next_step)
        self.problems = list(problems or [])


class CodingError(ThemekitError):
    """A coding action that cannot be carried out (unknown code, line, transcript...)."""


class BulkApplyError(ThemekitError):
    """A bulk-apply file with bad rows; nothing from the file was applied."""

    def __init__(self, path: str | Path, row_errors: list[str]) -> None:
        self.path = str(path)
        self.row_errors = list(row_errors)
        n = len(self.row_errors)
        super().__init__(
            f"{self.path}: {n} bad row{'s' if n != 1 else ''}, nothing applied: "
            + "; ".join(self.row_errors[:20])
            + (" ..." if n > 20 else ""),
            hint="Fix the rows listed and run the same command again.",
        )


class AgreementError(ThemekitError):
    """Agreement cannot be computed for the coders or transcripts asked for."""


class ThresholdNotMet(ThemekitError):
    """A pooled agreement figure fell below --min-alpha / --min-kappa."""

    exit_code = ExitCode.THRESHOLD_NOT_MET


class SuggestError(ThemekitError):
    """Suggestions cannot be computed."""


class ModelLoadError(SuggestError):
    """The configured embedding model cannot be loaded."""


class AnonymisationError(ThemekitError):
    """The anonymisation register or detection failed."""


class LeakError(ThemekitError):
    """The leak gate found a registered identifying term in export text."""


class ExportError(ThemekitError):
    """An export cannot be produced or written."""


class RefiError(InputFileError):
    """A REFI-QDA file (.qdc/.qdpx) that cannot be imported."""


class MergeError(ThemekitError):
    """Another project or bundle cannot be merged into this one."""


class TextDecodeError(InputFileError):
    """A user's text file whose bytes are not text themekit can decode.

    ``byte_offset`` is where in the file's bytes the problem is, so that callers reporting
    line and column (codebooks) can locate it; None where bytes do not map to lines
    simply (UTF-16).
    """

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        hint: str | None = None,
        byte_offset: int | None = None,
    ) -> None:
        super().__init__(path, problem, hint=hint)
        self.byte_offset = byte_offset


class OutputExists(ExportError):
    """An output file exists and the caller asked not to overwrite it."""


class UnknownTranscript(CodingError):
    """A transcript id that the project does not have."""
