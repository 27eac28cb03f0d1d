"""Reading a flat codebook from a spreadsheet (CSV, TSV or XLSX).

Researchers often keep the framework in a spreadsheet, one code per row. Two layouts
are accepted, chosen by the header row:

* **path layout** (a ``path`` column): ``Benefits > Filling a previous gap in services``;
  ``\\`` also separates levels, as MAXQDA and many spreadsheets write ``Benefits\\Gap``.
  Parents need not have rows of their own: a parent that appears only inside children's
  paths is created as a grouping node (``codable: false``). The ``id`` column is
  optional; without it, ids are derived from the path (``benefits.filling_a_previous_gap_
  in_services``), which is stable as long as the path is.
* **parent layout** (``id``, ``label`` and ``parent`` columns): each row names its parent
  by id. Parents may come after their children; a parent chain that loops back on
  itself is reported as a cycle.

Other columns: ``definition``, ``include``, ``exclude``, ``examples`` (several separated
by ``|``, or by line breaks inside the cell), ``colour``, ``codable``, ``value``, ``guid``.
Header names are matched without regard to case, spaces or underscores, and common
synonyms are understood (``description``/``memo``, ``color``, ``inclusion criteria``...).
Unknown columns are a warning, not an error, so a working spreadsheet with a notes
column still loads.

Locations: ``line`` is the line in the CSV file where the row starts (a quoted cell may
span lines) or the row number in the sheet; ``col`` is the column number (A = 1).
openpyxl is imported only when an ``.xlsx`` is read.
"""

from __future__ import annotations

import re
from pathlib import Path

from themekit.codebook.io_yaml import HEX_COLOUR, decode_text
from themekit.codebook.validate import (
    SourceMap,
    check_codebook,
    derive_id,
    did_you_mean,
    errors_only,
)
from themekit.errors import CodebookProblem, InputFileError
from themekit.files.tables import (
    EXCEL_SUFFIXES,
    TableRow,
    read_table,
    table_from_text,
)
from themekit.files.text import read_user_bytes
from themekit.model.codebook import Code, Codebook, split_path

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "path": ("path", "code path", "code", "code system"),
    "label": ("label", "name", "title", "code name"),
    "parent": ("parent", "parent id", "parent code"),
    "id": ("id", "code id"),
    "definition": ("definition", "description", "memo", "code memo", "meaning"),
    "include": ("include", "includes", "inclusion", "inclusion criteria", "when to use"),
    "exclude": ("exclude", "excludes", "exclusion", "exclusion criteria", "when not to use"),
    "examples": ("examples", "example", "example quotes", "example quote"),
    "colour": ("colour", "color"),
    "codable": ("codable",),
    "value": ("value",),
    "guid": ("guid",),
}
_FIELD_BY_HEADER = {alias: name for name, aliases in COLUMN_ALIASES.items() for alias in aliases}
_TRUE = ("true", "yes", "y", "1")
_FALSE = ("false", "no", "n", "0")
_SHEET_NAMES = ("codebook", "codes", "code system")
_CSV_ERROR_LINE = re.compile(r"\(line (\d+):")


def read_codebook_table(path: str | Path) -> tuple[Codebook | None, list[CodebookProblem]]:
    """Read and check a CSV/TSV/XLSX codebook; the codebook is ``None`` when there are errors."""
    path = Path(path)
    file = str(path)
    found: list[CodebookProblem] = []
    try:
        if path.suffix.casefold() in EXCEL_SUFFIXES:
            rows = read_table(path, sheet_names=_SHEET_NAMES).rows
        else:
            # Decoded here rather than in read_table: codebook problems carry a line
            # and column, and a Windows-1252 file is a warning.
            text, found = decode_text(read_user_bytes(path), file)
            if errors_only(found):
                return None, found
            delimiter = "\t" if path.suffix.casefold() == ".tsv" else None
            rows = table_from_text(text, path, delimiter=delimiter).rows
    except InputFileError as exc:
        line = _CSV_ERROR_LINE.search(exc.problem)
        return None, [CodebookProblem(file, int(line.group(1)) if line else 1, 1, exc.problem)]
    codebook, problems = parse_codebook_rows(rows, file)
    return codebook, found + problems


def csv_rows(
    text: str, file: str, delimiter: str | None = None
) -> tuple[list[TableRow], CodebookProblem | None]:
    """Rows of CSV text with their starting line; the delimiter is guessed from the header."""
    try:
        return table_from_text(text, file, delimiter=delimiter).rows, None
    except InputFileError as exc:
        line = _CSV_ERROR_LINE.search(exc.problem)
        return [], CodebookProblem(file, int(line.group(1)) if line else 1, 1, exc.problem)


def parse_codebook_rows(
    rows: list[TableRow], file: str = "<table>"
) -> tuple[Codebook | None, list[CodebookProblem]]:
    """Check spreadsheet rows (the first non-blank one is the header) as a codebook."""
    reader = _TableReader(file)
    codebook = reader.read(rows)
    problems = reader.problems
    if codebook is not None:
        semantic = check_codebook(codebook, reader.source)
        if reader.columns.get("id") is None:
            semantic = [_explain_derived_id(p) for p in semantic]
        problems += semantic
    problems.sort(key=lambda p: (p.line, p.col))
    if codebook is None or errors_only(problems):
        return None, problems
    return codebook, problems


def _explain_derived_id(problem: CodebookProblem) -> CodebookProblem:
    if " id `" not in problem.message or "also used by" not in problem.message:
        return problem
    message = problem.message + " (ids were derived from the paths; add an `id` column)"
    return CodebookProblem(
        problem.file, problem.line, problem.col, message, problem.code_path, problem.severity
    )


def _normal_header(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().casefold()).strip(" ()")


class _TableReader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.source = SourceMap(file)
        self.problems: list[CodebookProblem] = []
        self.columns: dict[str, int] = {}  # field -> 0-based column index

    def error(
        self, line: int, col: int, message: str, path: str = "", severity: str = "error"
    ) -> None:
        self.problems.append(CodebookProblem(self.file, line, col, message, path, severity))

    def read(self, rows: list[TableRow]) -> Codebook | None:
        rows = [row for row in rows if any(cell.strip() for cell in row.cells)]
        if not rows:
            self.error(
                1, 1, "file is empty; a codebook table needs a header row and a row per code"
            )
            return None
        header, body = rows[0], rows[1:]
        self.read_header(header)
        if "path" in self.columns:
            for ignored in ("label", "parent"):
                if ignored in self.columns:
                    self.error(
                        header.line,
                        self.columns[ignored] + 1,
                        f"column `{ignored}` is ignored because a `path` column gives each"
                        " code's place",
                        severity="warning",
                    )
            return Codebook(codes=self.read_paths(body))
        if "label" in self.columns:
            if "id" not in self.columns:
                self.error(
                    header.line,
                    1,
                    "a table with `label` and `parent` columns also needs an `id` column"
                    " (parents are named by id); or use one `path` column instead",
                )
                return None
            return Codebook(codes=self.read_parents(body))
        found = ", ".join(f"`{c}`" for c in header.cells if c.strip())
        first_unknown = next((c for c in header.cells if c.strip()), "")
        hint = did_you_mean(_normal_header(first_unknown), ["path", "label"])
        self.error(
            header.line,
            1,
            f"not a codebook table: no `path` column (nor `id`/`label`/`parent` columns){hint};"
            f" found {found}",
        )
        return None

    def read_header(self, header: TableRow) -> None:
        for index, name in enumerate(header.cells):
            normal = _normal_header(name)
            if not normal:
                continue
            field = _FIELD_BY_HEADER.get(normal)
            if field is None:
                # A higher cutoff than for YAML keys: free-text column names such as "notes"
                # are common and should not be "corrected" to a field.
                hint = did_you_mean(normal, _FIELD_BY_HEADER, cutoff=0.75)
                self.error(
                    header.line,
                    index + 1,
                    f"column `{name.strip()}` is not used{hint}",
                    severity="warning",
                )
            elif field in self.columns:
                self.error(
                    header.line,
                    index + 1,
                    f"column `{name.strip()}` repeats column"
                    f" {self.columns[field] + 1} (both mean `{field}`)",
                )
            else:
                self.columns[field] = index

    def cell(self, row: TableRow, field: str, *, strip: bool = True) -> str:
        index = self.columns.get(field)
        if index is None or index >= len(row.cells):
            return ""
        return row.cells[index].strip() if strip else row.cells[index]

    def col(self, field: str) -> int:
        return self.columns.get(field, 0) + 1

    def read_paths(self, body: list[TableRow]) -> list[Code]:
        roots: list[Code] = []
        nodes: dict[tuple[str, ...], Code] = {}
        listed_on: dict[tuple[str, ...], int] = {}
        for row in body:
            raw = self.cell(row, "path")
            labels = split_path(raw)
            if not labels or not labels[0]:
                self.error(row.line, self.col("path"), "empty `path`")
                continue
            separator = ">" if ">" in raw else "\\"
            if any(not part.strip() for part in raw.split(separator)):
                # "Challenges > " would otherwise quietly give the parent this row.
                self.error(row.line, self.col("path"), f"empty level in path `{raw}`")
                continue
            key = tuple(label.casefold() for label in labels)
            path_text = " > ".join(labels)
            if key in listed_on:
                self.error(
                    row.line,
                    self.col("path"),
                    f"path listed twice (also on line {listed_on[key]})",
                    path_text,
                )
                continue
            listed_on[key] = row.line
            siblings = roots
            node: Code | None = None
            for depth in range(len(labels)):
                prefix = key[: depth + 1]
                node = nodes.get(prefix)
                if node is None:
                    # A parent named only inside a child's path: a grouping node.
                    node = Code(
                        id=derive_id(labels[: depth + 1]), label=labels[depth], codable=False
                    )
                    self.source.mark_code(node, (row.line, self.col("path")))
                    nodes[prefix] = node
                    siblings.append(node)
                siblings = node.children
            assert node is not None  # labels is never empty here
            self.fill(node, row, labels, path_text)
        return roots

    def read_parents(self, body: list[TableRow]) -> list[Code]:
        by_id: dict[str, tuple[Code, TableRow]] = {}
        parent_of: dict[str, str] = {}
        order: list[str] = []
        for row in body:
            code_id = self.cell(row, "id")
            label = self.cell(row, "label")
            if not code_id:
                hint = f" e.g. `{derive_id([label])}`" if label else ""
                self.error(row.line, self.col("id"), f"missing `id`{hint}", label)
                continue
            if code_id in by_id:
                first = by_id[code_id][1].line
                self.error(
                    row.line,
                    self.col("id"),
                    f"duplicate id `{code_id}` (also on line {first}); ids must be unique",
                    label,
                )
                continue
            code = Code(id=code_id, label=label)
            self.fill(code, row, (label,), label)
            by_id[code_id] = (code, row)
            order.append(code_id)
            parent = self.cell(row, "parent")
            if parent:
                parent_of[code_id] = parent
        roots: list[Code] = []
        for code_id in order:
            code, row = by_id[code_id]
            parent_id = parent_of.get(code_id)
            if parent_id is None:
                roots.append(code)
            elif parent_id not in by_id:
                hint = did_you_mean(parent_id, by_id)
                self.error(
                    row.line,
                    self.col("parent"),
                    f"parent `{parent_id}` is not the id of any row{hint}",
                    code.label,
                )
            elif (loop := self.cycle_from(code_id, parent_of)) is not None:
                self.error(
                    row.line,
                    self.col("parent"),
                    f"cycle: {' -> '.join(loop)}; a code cannot be its own ancestor",
                    code.label,
                )
            else:
                by_id[parent_id][0].children.append(code)
        return roots

    @staticmethod
    def cycle_from(start: str, parent_of: dict[str, str]) -> list[str] | None:
        """The loop of parent links that returns to ``start``, if there is one."""
        chain = [start]
        seen = {start}
        current = parent_of.get(start)
        while current is not None:
            chain.append(current)
            if current == start:
                return chain
            if current in seen:
                return None  # a loop further up: reported on the rows that form it
            seen.add(current)
            current = parent_of.get(current)
        return None

    def fill(self, code: Code, row: TableRow, labels: tuple[str, ...], path: str) -> None:
        """Copy one row's fields into ``code`` and remember where each came from."""
        self.source.mark_code(
            code, (row.line, self.col("path" if "path" in self.columns else "id"))
        )
        for field in COLUMN_ALIASES:
            if field in self.columns:
                self.source.mark_field(code, field, (row.line, self.col(field)))
        if "path" in self.columns:
            self.source.mark_field(code, "label", (row.line, self.col("path")))
        code.label = labels[-1]
        code.id = self.cell(row, "id") or derive_id(labels)
        code.definition = self.cell(row, "definition")
        code.include = self.cell(row, "include")
        code.exclude = self.cell(row, "exclude")
        code.examples = split_examples(self.cell(row, "examples", strip=False))
        code.guid = self.cell(row, "guid") or None
        code.codable = True
        codable = self.cell(row, "codable").casefold()
        if codable in _FALSE:
            code.codable = False
        elif codable and codable not in _TRUE:
            self.error(
                row.line,
                self.col("codable"),
                f"`codable` must be true or false, found `{codable}`",
                path,
            )
        colour = self.cell(row, "colour")
        if colour and not colour.startswith("#"):
            colour = "#" + colour  # spreadsheets often drop the leading #
        if colour and not HEX_COLOUR.match(colour):
            self.error(
                row.line,
                self.col("colour"),
                f'`colour` must be a hex colour like "#1f77b4", found `{colour}`',
                path,
            )
            colour = ""
        code.colour = colour or None
        value = self.cell(row, "value")
        code.value = None
        if value:
            try:
                code.value = float(value)
            except ValueError:
                self.error(
                    row.line, self.col("value"), f"`value` must be a number, found `{value}`", path
                )


def split_examples(cell: str) -> list[str]:
    """Examples from one cell: one per line if the cell has line breaks, else split on ``|``."""
    parts = cell.splitlines() if "\n" in cell or "\r" in cell else cell.split("|")
    return [part.strip() for part in parts if part.strip()]
