"""Named exceptions, each carrying the one line a user sees.

Every failure a user can cause is a ``ThemekitError`` (or a subclass). The CLI renders
them in one place (``themekit.cli.app.main``) as a single stderr line and exits with the
error's ``exit_code``; ``--debug`` adds the traceback. Messages name the file and the
problem and, where there is one, the next step (``hint``). They never contain
interview text unless the caller asked for ``--debug``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ThemekitError(Exception):
    """Base class: a problem the user can fix, with a message and an optional hint."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        """The one line shown to the user."""
        if not self.hint:
            return self.message
        # Keep the two sentences apart: "problem (row 3). Next step."
        stop = "" if self.message.rstrip().endswith((".", "!", "?", ":")) else "."
        return f"{self.message}{stop} {self.hint}"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.render()


class ProjectNotFound(ThemekitError):
    """No themekit project in or above the directory, nor given by --project."""


class ProjectExists(ThemekitError):
    """``init`` on a directory that already holds a project."""


class InputFileError(ThemekitError):
    """A file the user gave cannot be read or understood."""

    def __init__(self, path: str | Path, problem: str, *, hint: str | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}", hint=hint)


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
    ) -> None:
        super().__init__(message, hint=hint)
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

    exit_code = 3


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
