"""``themekit codebook ...``: validate, load, show, revise, history, export."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from themekit.cli.app import app, env, open_project
from themekit.cli.render import FORCE_OPTION
from themekit.errors import CodebookError

if TYPE_CHECKING:
    from themekit.codebook.versions import CommitResult

codebook_app = typer.Typer(
    help="The hierarchical codebook: validate, load, show, revise, history, export.",
    no_args_is_help=True,
)
app.add_typer(codebook_app, name="codebook")


class ShowFormat(str, Enum):
    tree = "tree"
    md = "md"
    json = "json"


class ExportFormat(str, Enum):
    yaml = "yaml"
    md = "md"
    csv = "csv"
    docx = "docx"
    qdc = "qdc"


def _print_diff(result: CommitResult, verb: str = "Loaded") -> None:
    e = env()
    if result.version is None:
        e.message("Codebook unchanged; nothing stored.")
        return
    e.message(f"{verb} codebook version {result.version}.")
    for line in result.diff.to_lines():
        e.message(f"  {line}")
    if result.moved_codings:
        e.message(f"  {result.moved_codings} codings moved to the merged code")
    if result.dropped_codings:
        e.message(f"  {result.dropped_codings} codings dropped (--drop-codings)")


@codebook_app.command("validate")
def validate(
    file: Path = typer.Argument(..., help="A codebook (.yaml, .csv, .xlsx, or REFI-QDA .qdc)."),
) -> None:
    """Check a codebook file and list every problem as FILE:LINE:COL: message (code path)."""
    from themekit.codebook.validate import errors_only, validate_codebook_file

    e = env()
    if file.suffix.lower() == ".qdc":
        from themekit.codebook.versions import read_codebook_file

        repairs: list[str] = []
        book = read_codebook_file(file, repairs)  # raises a clear error if unreadable
        for repair in repairs:
            e.warn(repair)
        e.message(f"{file}: valid REFI-QDA codebook, {sum(1 for _ in book.walk())} codes")
        return
    codebook, problems = validate_codebook_file(file)
    for problem in problems:
        e.err.print(problem.render(), markup=False, highlight=False)
    errors = errors_only(problems)
    if errors:
        raise CodebookError(
            f"{file}: {len(errors)} error{'s' if len(errors) != 1 else ''}.",
            hint="Fix the lines listed above and validate again.",
        )
    n = sum(1 for _ in codebook.walk()) if codebook else 0
    warnings = len(problems)
    e.message(f"{file}: valid, {n} codes" + (f", {warnings} warnings" if warnings else ""))


#: What ``codebook load`` reads: themekit's own formats, a REFI-QDA codebook, and the
#: codebook of a REFI-QDA project.
LOADABLE = (".yaml", ".yml", ".csv", ".tsv", ".xlsx", ".qdc", ".qdpx")


@codebook_app.command("load")
def load(
    file: Path = typer.Argument(
        ..., help="A codebook (.yaml, .csv, .xlsx, REFI-QDA .qdc) or a REFI-QDA project (.qdpx)."
    ),
    merge_into: str | None = typer.Option(
        None, "--merge-into", help="Move the codings of removed codes onto this code id."
    ),
    drop_codings: bool = typer.Option(
        False, "--drop-codings", help="Delete the codings of removed codes."
    ),
    flat_codes: bool = typer.Option(
        False,
        "--flat-codes",
        help="REFI-QDA files: keep ATLAS.ti's 'Parent::Child' code names flat.",
    ),
) -> None:
    """Store a new codebook version and print what changed (a no-op when unchanged).

    A .qdpx gives its codebook only (import the whole project with 'themekit import')."""
    from themekit.codebook.versions import commit_codebook, read_codebook_file

    suffix = file.suffix.lower()
    if suffix not in LOADABLE:
        raise CodebookError(
            f"{file}: a codebook is read from {', '.join(LOADABLE[:-1])} or {LOADABLE[-1]}"
            f" files, not {file.suffix or 'a file without an extension'}.",
            hint="Save the codebook in one of those formats.",
        )
    project = open_project()
    warnings: list[str] = []
    if suffix == ".qdpx":
        # The project's codebook; the codebook package does not know REFI projects.
        from themekit.refi.reader import read_qdpx_codebook

        codebook = read_qdpx_codebook(file, warnings, nest_names=not flat_codes)
    elif suffix == ".qdc":
        from themekit.codebook.io_qdc import read_qdc

        if not file.exists():
            raise CodebookError(f"{file}: no such file.", hint="Check the path and try again.")
        codebook = read_qdc(file, warnings, nest_names=not flat_codes)
    else:
        codebook = read_codebook_file(file, warnings)
    for warning in warnings:
        env().warn(warning)
    result = commit_codebook(
        project,
        codebook,
        source=f"file:{file.name}",
        merge_into=merge_into,
        drop_codings=drop_codings,
    )
    _print_diff(result)


@codebook_app.command("show")
def show(
    fmt: ShowFormat = typer.Option(ShowFormat.tree, "--format", "-f", help="tree, md or json."),
) -> None:
    """The current codebook with counts of codings, participants and coders per code."""
    from themekit.codebook.export import codebook_to_markdown
    from themekit.codebook.versions import code_stats, current_or_error

    project = open_project()
    version, codebook = current_or_error(project)
    stats = code_stats(project)
    if fmt == ShowFormat.md:
        env().write(codebook_to_markdown(codebook))
        return
    if fmt == ShowFormat.json:
        rows = []
        for entry in codebook.walk():
            s = stats[entry.code.id]
            rows.append(
                {
                    "id": entry.code.id,
                    "path": entry.path_text,
                    "label": entry.code.label,
                    "parent": entry.parent_id,
                    "depth": entry.depth,
                    "codable": entry.code.codable,
                    "definition": entry.code.definition,
                    "codings": s.codings,
                    "participants": len(s.participants),
                    "coders": sorted(s.coders),
                }
            )
        env().write(json.dumps({"version": version, "codes": rows}, indent=2, ensure_ascii=False))
        return
    from rich.tree import Tree

    tree = Tree(f"Codebook version {version}" + (f": {codebook.name}" if codebook.name else ""))
    nodes: dict[str | None, Tree] = {None: tree}
    for entry in codebook.walk():
        s = stats[entry.code.id]
        label = entry.code.label if entry.code.codable else f"[bold]{entry.code.label}[/bold]"
        counts = (
            f"[dim]{entry.code.id}  {s.codings} codings, {len(s.participants)} participants,"
            f" {len(s.coders)} coders[/dim]"
        )
        nodes[entry.code.id] = nodes[entry.parent_id].add(f"{label}  {counts}")
    env().out.print(tree)


@codebook_app.command("rename")
def rename(
    code_id: str = typer.Argument(..., help="Id of the code."),
    label: str = typer.Argument(..., help="The new label."),
) -> None:
    """Rename a code (its id and codings stay)."""
    from themekit.codebook.revise import rename_code
    from themekit.codebook.versions import commit_codebook, current_or_error

    project = open_project()
    _v, codebook = current_or_error(project)
    result = commit_codebook(
        project, rename_code(codebook, code_id, label), source=f"rename {code_id}"
    )
    _print_diff(result, "Saved")


@codebook_app.command("move")
def move(
    code_id: str = typer.Argument(..., help="Id of the code to move."),
    under: str | None = typer.Option(
        None, "--under", help="Id of the new parent (omit to move to the top level)."
    ),
) -> None:
    """Move a code (with its children and codings) under another parent."""
    from themekit.codebook.revise import move_code
    from themekit.codebook.versions import commit_codebook, current_or_error

    project = open_project()
    _v, codebook = current_or_error(project)
    result = commit_codebook(project, move_code(codebook, code_id, under), source=f"move {code_id}")
    _print_diff(result, "Saved")


@codebook_app.command("merge")
def merge(
    source: str = typer.Argument(..., help="Id of the code that disappears."),
    into: str = typer.Option(..., "--into", help="Id of the code that takes its codings."),
) -> None:
    """Merge SOURCE into another code: its codings are re-pointed and keep their history."""
    from themekit.codebook.revise import merge_codes
    from themekit.codebook.versions import commit_codebook, current_or_error

    project = open_project()
    _v, codebook = current_or_error(project)
    result = commit_codebook(
        project,
        merge_codes(codebook, source, into),
        source=f"merge {source} into {into}",
        merges={source: into},
    )
    _print_diff(result, "Saved")


@codebook_app.command("add")
def add(
    label: str = typer.Argument(..., help="Label of the new code."),
    code_id: str = typer.Option(..., "--id", help="A new, never-used id, e.g. benefits.housing."),
    parent: str | None = typer.Option(None, "--parent", help="Id of the parent code."),
    definition: str = typer.Option("", "--definition", help="When the code applies."),
    include: str = typer.Option("", "--include", help="Apply when ..."),
    exclude: str = typer.Option("", "--exclude", help="Do not apply when ..."),
    grouping: bool = typer.Option(
        False, "--grouping", help="A grouping node that cannot be applied itself."
    ),
) -> None:
    """Add a code to the codebook."""
    from themekit.codebook.revise import add_code
    from themekit.codebook.versions import commit_codebook, current_or_error, retired_ids
    from themekit.model.codebook import Code

    project = open_project()
    _v, codebook = current_or_error(project)
    code = Code(
        id=code_id,
        label=label,
        definition=definition,
        include=include,
        exclude=exclude,
        codable=not grouping,
    )
    new = add_code(codebook, parent, code, retired_ids=retired_ids(project))
    _print_diff(commit_codebook(project, new, source=f"add {code_id}"), "Saved")


@codebook_app.command("remove")
def remove(
    code_id: str = typer.Argument(..., help="Id of the code to remove."),
    merge_into: str | None = typer.Option(
        None, "--merge-into", help="Move its codings onto this code id."
    ),
    drop_codings: bool = typer.Option(False, "--drop-codings", help="Delete its codings."),
) -> None:
    """Remove a code; refused while it has codings unless --merge-into or --drop-codings."""
    from themekit.codebook.revise import remove_code
    from themekit.codebook.versions import commit_codebook, current_or_error

    project = open_project()
    _v, codebook = current_or_error(project)
    result = commit_codebook(
        project,
        remove_code(codebook, code_id),
        source=f"remove {code_id}",
        merge_into=merge_into,
        drop_codings=drop_codings,
    )
    _print_diff(result, "Saved")


class HistoryFormat(str, Enum):
    text = "text"
    json = "json"


@codebook_app.command("history")
def history(
    fmt: HistoryFormat = typer.Option(HistoryFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Every codebook version with its source and changes."""
    from themekit.codebook.diff import CodebookDiff

    project = open_project()
    versions = project.store.codebook_versions()
    if fmt == HistoryFormat.json:
        env().write(
            json.dumps(
                [
                    {
                        "version": v.version,
                        "created_at": v.created_at,
                        "source": v.source,
                        "changes": v.changes,
                    }
                    for v in versions
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    if not versions:
        env().message("No codebook versions yet (themekit codebook load FILE).")
    for v in versions:
        diff = CodebookDiff.from_dict(v.changes) if v.changes else CodebookDiff()
        lines = diff.to_lines()
        n = len(lines) if v.version > 1 else len(diff.added)
        noun = ("change" if v.version > 1 else "code") + ("" if n == 1 else "s")
        summary = f"{n} {noun}"
        env().write(f"version {v.version}  {v.created_at[:19]}  {v.source}  ({summary})")
        for line in lines[:50] if v.version > 1 else []:
            env().write(f"    {line}")


@codebook_app.command("export")
def export(
    fmt: ExportFormat = typer.Option(ExportFormat.yaml, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File (default, or '-': stdout; docx needs a file)."
    ),
    force: bool = FORCE_OPTION,
) -> None:
    """Write the current codebook: yaml, md or csv (appendix table), docx or REFI-QDA qdc."""
    from themekit.codebook import export as cx
    from themekit.codebook.versions import current_or_error
    from themekit.files.writer import (
        atomic_write_text,
        atomic_writer,
        check_destination,
        wants_stdout,
    )

    if wants_stdout(output):
        output = None  # "-o -" asks for standard output, as no -o does
    if fmt == ExportFormat.docx and output is None:
        raise CodebookError("docx output needs a file.", hint="Add -o FILE.docx.")
    if output is not None:
        check_destination(output, overwrite=force)  # before any work
    project = open_project()
    _v, codebook = current_or_error(project)
    if fmt == ExportFormat.docx:
        assert output is not None
        with atomic_writer(output, overwrite=force) as tmp:
            cx.write_codebook_docx(codebook, tmp)
    else:
        if fmt == ExportFormat.qdc:
            from themekit.codebook.io_qdc import codebook_to_qdc

            text = codebook_to_qdc(codebook)
        else:
            text = {
                ExportFormat.yaml: cx.codebook_to_yaml,
                ExportFormat.md: cx.codebook_to_markdown,
                ExportFormat.csv: cx.codebook_to_csv,
            }[fmt](codebook)
        if output is None:
            env().write(text)
            return
        atomic_write_text(output, text, overwrite=force)
    env().message(f"Wrote {output}")
