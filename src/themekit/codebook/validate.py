"""Codebook validation: every problem with a file, a line, a column and a code path.

Validation runs in two layers so that YAML and flat tables (CSV/XLSX) report the same
mistakes in the same words:

1. The readers (``io_yaml``, ``io_table``) check the *shape* of the file: syntax, types,
   unknown keys or columns, missing ids. They build a ``Codebook`` and a ``SourceMap``
   that remembers where each code (and each of its fields) was written.
2. ``check_codebook`` here checks the *meaning* of the tree, whatever it was read from:
   duplicate ids, sibling labels that differ only by case, empty labels, labels that
   contain a path separator, codable codes without a definition (a warning). It asks
   the ``SourceMap`` for locations, so a problem found in the tree still points at the
   line a person must edit.

``validate_codebook_file`` chooses the reader by file suffix and returns the codebook
only when there is no error; ``load_codebook`` raises ``CodebookError`` instead.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from themekit.errors import CodebookError, CodebookProblem, NextStep
from themekit.model.codebook import Code, Codebook, CodeEntry

YAML_SUFFIXES = (".yaml", ".yml")
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx")
#: Labels may not contain these: they separate levels in a code path (``A > B``, ``A\\B``).
PATH_SEPARATORS = (">", "\\")
_WHITESPACE = re.compile(r"\s")

Location = tuple[int, int]  # 1-based (line, column)


@dataclass
class SourceMap:
    """Where each code, and each field of a code, was written in its file.

    Codes are looked up by identity (the ``Code`` objects of the codebook the reader
    built), so two codes with the same id still have different locations: that is the
    point when reporting a duplicate id.
    """

    file: str
    codes: dict[int, Location] = field(default_factory=dict)
    fields: dict[tuple[int, str], Location] = field(default_factory=dict)

    def mark_code(self, code: Code, where: Location) -> None:
        self.codes[id(code)] = where

    def mark_field(self, code: Code, name: str, where: Location) -> None:
        self.fields[(id(code), name)] = where

    def where(self, code: Code, name: str | None = None) -> Location:
        """The field's location if known, else the code's, else the top of the file."""
        if name is not None and (id(code), name) in self.fields:
            return self.fields[(id(code), name)]
        return self.codes.get(id(code), (1, 1))

    def problem(
        self,
        code: Code | None,
        message: str,
        *,
        name: str | None = None,
        path: str = "",
        severity: str = "error",
    ) -> CodebookProblem:
        line, col = self.where(code, name) if code is not None else (1, 1)
        return CodebookProblem(self.file, line, col, message, path, severity)


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """`` (did you mean `x`?)`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(word.casefold(), list(choices), n=1, cutoff=cutoff)
    return f" (did you mean `{close[0]}`?)" if close else ""


def check_codebook(codebook: Codebook, source: SourceMap) -> list[CodebookProblem]:
    """Problems in the meaning of a tree (any reader), located through ``source``."""
    problems: list[CodebookProblem] = []
    first_with_id: dict[str, CodeEntry] = {}
    for entry in codebook.walk():
        code = entry.code
        path = entry.path_text
        problems.extend(_id_problems(entry, first_with_id, source))
        if not code.label.strip():
            problems.append(source.problem(code, "missing `label`", name="label", path=path))
        elif any(sep in code.label for sep in PATH_SEPARATORS):
            problems.append(
                source.problem(
                    code,
                    f"label `{code.label}` contains `>` or `\\`, which separate levels in a code"
                    " path; use another character",
                    name="label",
                    path=path,
                )
            )
        if code.codable and not code.definition.strip():
            problems.append(
                source.problem(
                    code,
                    "codable code has no `definition`; coders need one to apply it consistently",
                    path=path,
                    severity="warning",
                )
            )
    problems.extend(_sibling_label_clashes(codebook.codes, None, source))
    for entry in codebook.walk():
        problems.extend(_sibling_label_clashes(entry.code.children, entry, source))
    problems.sort(key=lambda p: (p.line, p.col))
    return problems


def _id_problems(
    entry: CodeEntry, first_with_id: dict[str, CodeEntry], source: SourceMap
) -> list[CodebookProblem]:
    code, path = entry.code, entry.path_text
    if not code.id.strip():
        message = "missing `id`; every code needs a stable id that never changes"
        if all(label.strip() for label in entry.path):
            message += f", e.g. `id: {derive_id(entry.path)}`"
        return [source.problem(code, message, name="id", path=path)]
    if _WHITESPACE.search(code.id):
        message = f"id `{code.id}` contains white space; use letters, digits, `.`, `_` or `-`"
        return [source.problem(code, message, name="id", path=path)]
    earlier = first_with_id.setdefault(code.id, entry)
    if earlier is entry:
        return []
    line = source.where(earlier.code, "id")[0]
    if _is_prefix(earlier.path, entry.path):
        message = (
            f"id `{code.id}` is also used by its ancestor {earlier.path_text} on line {line}:"
            " a code cannot be its own ancestor; ids must be unique"
        )
    else:
        message = (
            f"duplicate id `{code.id}`: also used by {earlier.path_text} on line {line};"
            " ids must be unique and are never reused"
        )
    return [source.problem(code, message, name="id", path=path)]


def _is_prefix(shorter: tuple[str, ...], longer: tuple[str, ...]) -> bool:
    return len(shorter) < len(longer) and longer[: len(shorter)] == shorter


def _sibling_label_clashes(
    siblings: list[Code], parent: CodeEntry | None, source: SourceMap
) -> list[CodebookProblem]:
    problems = []
    seen: dict[str, Code] = {}
    prefix = f"{parent.path_text} > " if parent else ""
    for code in siblings:
        key = code.label.strip().casefold()
        if not key:
            continue
        if key in seen:
            line = source.where(seen[key], "label")[0]
            problems.append(
                source.problem(
                    code,
                    f"duplicate label `{code.label}` under the same parent (also on line {line});"
                    " sibling labels must differ (case is ignored)",
                    name="label",
                    path=prefix + code.label,
                )
            )
        else:
            seen[key] = code
    return problems


def derive_id(path: Iterable[str]) -> str:
    """A readable, stable id from a code path: ``Benefits > Filling a gap`` ->
    ``benefits.filling_a_gap``. Labels with no ASCII letters or digits get a short hash
    so the id is still stable."""
    parts = []
    for label in path:
        folded = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "_", folded.casefold()).strip("_")
        if not slug:
            slug = "c" + hashlib.sha1(label.strip().encode()).hexdigest()[:8]
        parts.append(slug)
    return ".".join(parts)


def errors_only(problems: Iterable[CodebookProblem]) -> list[CodebookProblem]:
    return [p for p in problems if p.severity == "error"]


def validate_codebook_file(path: str | Path) -> tuple[Codebook | None, list[CodebookProblem]]:
    """Read and check a codebook file (``.yaml``/``.yml``, ``.csv``/``.tsv``, ``.xlsx``).

    Returns the codebook when there is no error (warnings allowed), else ``None``, and
    every problem found, in file order. Never raises for a bad file.
    """
    # Imported here: the readers import ``SourceMap`` and ``check_codebook`` from this module.
    from themekit.codebook.io_table import read_codebook_table
    from themekit.codebook.io_yaml import read_codebook_yaml

    path = Path(path)
    suffix = path.suffix.casefold()
    if suffix in TABLE_SUFFIXES:
        codebook, problems = read_codebook_table(path)
    elif suffix in YAML_SUFFIXES:
        codebook, problems = read_codebook_yaml(path)
    else:
        known = ", ".join(YAML_SUFFIXES + TABLE_SUFFIXES)
        message = f"unsupported codebook file type `{path.suffix or '(none)'}`; use one of {known}"
        return None, [CodebookProblem(str(path), 1, 1, message)]
    if errors_only(problems):
        return None, problems
    return codebook, problems


def load_codebook(path: str | Path) -> Codebook:
    """The codebook in ``path``; ``CodebookError`` listing every problem if it has errors."""
    codebook, problems = validate_codebook_file(path)
    errors = errors_only(problems)
    if codebook is None or errors:
        n = len(errors)
        first = errors[0]
        raise CodebookError(
            f"{path}: {n} error{'s' if n != 1 else ''} in codebook; first: {first.render()}",
            problems=problems,
            hint="Its problems attribute lists every problem with its line.",
            next_step=NextStep("codebook.validate", path=path),
        )
    return codebook
