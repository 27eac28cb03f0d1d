"""``themekit export table1|quotes|matrix`` and ``themekit report``.

Every export is anonymised through the project's register (``redact.yaml``) and its
final text passes the leak gate before anything is written; files are written
atomically, so a failure leaves no partial file. ``--no-anonymise`` is the only way to
export raw text, and it is recorded in the audit log. Data goes to stdout when there
is no ``-o`` (text formats only); messages go to stderr.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path

import typer

from themekit.cli.app import app, env, open_project

export_app = typer.Typer(
    help="Anonymised exports for the manuscript: Table 1, the quote bank, the matrix.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")


class Table1Format(str, Enum):
    docx = "docx"
    md = "md"
    csv = "csv"
    xlsx = "xlsx"
    tex = "tex"
    html = "html"


class QuotesFormat(str, Enum):
    docx = "docx"
    md = "md"
    csv = "csv"
    xlsx = "xlsx"


class MatrixFormat(str, Enum):
    xlsx = "xlsx"
    csv = "csv"
    md = "md"
    png = "png"
    svg = "svg"


class ReportFormat(str, Enum):
    html = "html"
    docx = "docx"
    md = "md"


class Counts(str, Enum):
    participants = "participants"
    segments = "segments"
    none = "none"


class Level(str, Enum):
    subtheme = "subtheme"
    theme = "theme"


OUTPUT = typer.Option(
    None, "--output", "-o", help="File to write (default: stdout; docx, xlsx and png need one)."
)
NO_ANONYMISE = typer.Option(
    False,
    "--no-anonymise",
    help="Export the raw text, without anonymisation or leak gate (recorded in the audit log).",
)
CODERS = typer.Option(None, "--coder", "-c", help="Only this coder's codings (repeatable).")


def _run(
    kind: str,
    fmt_given: Enum | None,
    output: Path | None,
    no_anonymise: bool,
    allowed: type[Enum],
    default: str,
    build: Callable[..., tuple[str | None, Callable[[Path], None] | None]],
    grouped_by: list[str] | None = None,
    attribution: str | None = None,
) -> None:
    """Open the project, check the output, build, gate, write, audit, report."""
    from themekit.export.anonymised import (
        ExportAnonymiser,
        check_output,
        emit,
        record_export,
    )
    from themekit.files.formats import infer_output_format as infer_format

    fmt = infer_format(
        output, fmt_given.value if fmt_given else None, [f.value for f in allowed], default
    )
    check_output(output, fmt)
    project = open_project()
    e = env()
    anonymiser = ExportAnonymiser(project, enabled=not no_anonymise)
    if anonymiser.created_register:
        e.warn(
            f"wrote {project.root / 'redact.yaml'} from the participants' speaker labels and"
            " sites; review it and add every name you know of (docs/anonymisation.md)."
        )
    text, write = build(project, anonymiser, fmt)
    result = emit(anonymiser, what=kind, fmt=fmt, output=output, text=text, write=write)
    record_export(project, kind, fmt, output, anonymiser)
    if no_anonymise:
        e.warn("this export is NOT anonymised; it holds interview text as recorded.")
    groups = list(grouped_by or [])
    if attribution is not None:
        # The template actually used: --attribution, else the project's setting.
        groups += _template_fields(attribution or project.settings.attribution)
    for attribute in dict.fromkeys(groups):
        _warn_small_groups(project, attribute)
    if result is not None:
        e.write(result)
    else:
        e.message(f"Wrote {kind} to {output}" + ("" if no_anonymise else " (anonymised)."))


SMALL_GROUP = 3  # groups smaller than this can point at one person


def _warn_small_groups(project, attribute: str) -> None:
    """Say when a group named in an export has so few members that it identifies them."""
    sizes: dict[str, int] = {}
    for person in project.participants():
        value = person.attribute(attribute)
        if value not in (None, ""):
            sizes[str(value)] = sizes.get(str(value), 0) + 1
    small = [f"{name} ({n})" for name, n in sorted(sizes.items()) if n < SMALL_GROUP]
    if small:
        env().warn(
            f"groups by {attribute} with fewer than {SMALL_GROUP} participants can identify"
            f" them: {', '.join(small)}. Consider merging groups before publishing."
        )


def _template_fields(template: str) -> list[str]:
    import string

    try:
        parsed = string.Formatter().parse(template)
        return [name for _lit, name, _spec, _conv in parsed if name and name != "id"]
    except ValueError:
        return []


@export_app.command("table1")
def table1(
    fmt: Table1Format | None = typer.Option(
        None, "--format", "-f", help="docx, md, csv, xlsx, tex or html (default: from -o, else md)."
    ),
    output: Path | None = OUTPUT,
    counts: Counts = typer.Option(
        Counts.none, "--counts", help="Add counts of participants or coded segments."
    ),
    by: str | None = typer.Option(
        None, "--by", help="One column per participant group (role, site, any attribute)."
    ),
    coder: list[str] | None = CODERS,
    no_anonymise: bool = NO_ANONYMISE,
) -> None:
    """Table 1, "Outline of key themes": themes and sub-themes, optionally with counts."""

    def build(project, anonymiser, fmt):
        from themekit.export.anonymised import clean_table
        from themekit.export.table1 import build_table1
        from themekit.export.tables import TEXT_FORMATS, render_table, write_docx, write_xlsx

        table = clean_table(
            build_table1(project, counts=counts.value, by=by, coders=coder or None),
            anonymiser,
            "Table 1",
        )
        if fmt in TEXT_FORMATS:
            return render_table(table, fmt), None
        writer = write_docx if fmt == "docx" else write_xlsx
        return None, lambda path: writer(table, path)

    _run(
        "table1",
        fmt,
        output,
        no_anonymise,
        Table1Format,
        "md",
        build,
        grouped_by=[by] if by else [],
    )


@export_app.command("quotes")
def quotes(
    per_theme: int = typer.Option(3, "--per-theme", "-n", help="Quotes per sub-theme."),
    fmt: QuotesFormat | None = typer.Option(
        None, "--format", "-f", help="docx, md, csv or xlsx (default: from -o, else md)."
    ),
    output: Path | None = OUTPUT,
    attribution: str | None = typer.Option(
        None,
        "--attribution",
        help="Template after each quote, e.g. '({id}, {role}, {site})'"
        " (default: [export] attribution in themekit.toml, '({role})').",
    ),
    cite_lines: bool = typer.Option(
        False, "--cite-lines", help="Show transcript and lines after each quote in md/docx."
    ),
    min_words: int = typer.Option(8, "--min-words", help="Shortest quote, in words."),
    max_words: int = typer.Option(80, "--max-words", help="Longer quotes are trimmed."),
    level: Level = typer.Option(Level.subtheme, "--level", help="subtheme or theme."),
    coder: list[str] | None = CODERS,
    no_anonymise: bool = NO_ANONYMISE,
) -> None:
    """A bank of anonymised quotes per sub-theme: exemplars first, then the most typical."""

    def build(project, anonymiser, fmt):
        from themekit.export import quotes as q

        bank = q.build_quote_bank(
            project,
            anonymiser,
            per_theme=per_theme,
            attribution=attribution,
            coders=coder or None,
            level=level.value,
            min_words=min_words,
            max_words=max_words,
        )
        if fmt == "md":
            return q.quotes_markdown(bank, cite_lines=cite_lines), None
        if fmt == "csv":
            return q.quotes_csv(bank), None
        if fmt == "docx":
            return None, lambda path: q.write_quotes_docx(bank, path, cite_lines=cite_lines)
        return None, lambda path: q.write_quotes_xlsx(bank, path)

    _run(
        "quotes",
        fmt,
        output,
        no_anonymise,
        QuotesFormat,
        "md",
        build,
        attribution=attribution or "",
    )


@export_app.command("matrix")
def matrix(
    by: str = typer.Option(..., "--by", help="Participant attribute to group by (e.g. role)."),
    fmt: MatrixFormat | None = typer.Option(
        None, "--format", "-f", help="xlsx, csv, md, png or svg (default: from -o, else md)."
    ),
    output: Path | None = OUTPUT,
    level: Level = typer.Option(Level.subtheme, "--level", help="subtheme or theme."),
    framework: bool = typer.Option(
        True,
        "--framework/--no-framework",
        help="xlsx: add the framework sheet (participants x sub-themes, the coded text).",
    ),
    coder: list[str] | None = CODERS,
    no_anonymise: bool = NO_ANONYMISE,
) -> None:
    """Participants per sub-theme by group, with %; xlsx adds the framework matrix sheet."""

    def build(project, anonymiser, fmt):
        from themekit.export import matrix as m
        from themekit.export.anonymised import clean_table
        from themekit.export.tables import render_table

        result = m.build_matrix(
            project,
            anonymiser,
            by=by,
            coders=coder or None,
            level=level.value,
            framework=framework and fmt == "xlsx",
        )
        if fmt == "md":
            table = clean_table(m.matrix_table(result), anonymiser, "the matrix")
            return render_table(table, "md"), None
        if fmt == "csv":
            return m.matrix_csv(result), None
        if fmt == "xlsx":
            return None, lambda path: m.write_matrix_xlsx(result, path)
        for label in m.heatmap_labels(result):
            anonymiser.gate(label, "the heatmap labels")
        image = m.render_heatmap(result, fmt)
        if fmt == "svg":
            return image.decode("utf-8"), None
        return None, lambda path: path.write_bytes(image)

    _run("matrix", fmt, output, no_anonymise, MatrixFormat, "md", build, grouped_by=[by])


@app.command("report")
def report(
    fmt: ReportFormat | None = typer.Option(
        None, "--format", "-f", help="html, docx or md (default: from -o, else md)."
    ),
    output: Path | None = OUTPUT,
    by: str = typer.Option("role", "--by", help="Participant groups for Table 1 and the heatmap."),
    per_theme: int = typer.Option(3, "--per-theme", "-n", help="Quotes per sub-theme."),
    attribution: str | None = typer.Option(None, "--attribution", help="Quote attribution."),
    cite_lines: bool = typer.Option(False, "--cite-lines", help="Cite transcript and lines."),
    coder: list[str] | None = CODERS,
    no_anonymise: bool = NO_ANONYMISE,
) -> None:
    """One document: methods summary, Table 1, prevalence in words, quotes and heatmap."""

    def build(project, anonymiser, fmt):
        from themekit.export import report as r

        document = r.build_report(
            project,
            anonymiser,
            by=by,
            coders=coder or None,
            per_theme=per_theme,
            attribution=attribution,
        )
        if fmt == "md":
            return r.report_markdown(document, cite_lines=cite_lines), None
        if fmt == "html":
            return r.report_html(document, cite_lines=cite_lines), None
        return None, lambda path: r.write_report_docx(document, path, cite_lines=cite_lines)

    _run(
        "report",
        fmt,
        output,
        no_anonymise,
        ReportFormat,
        "md",
        build,
        grouped_by=[by],
        attribution=attribution or "",
    )
