"""``themekit export table1|quotes|matrix|disagreements`` and ``themekit report``.

Each command parses its options, makes one call to the export API
(``themekit.export.api``) and renders the ``ExportResult``: warnings and messages to
stderr, data to stdout. The API anonymises everything through the project's register
(``redact.yaml``), leak-gates what the format's reader finds in the bytes about to be
written, and writes atomically, so a failure leaves no partial file. ``--no-anonymise``
is the only way to export raw text, and it is recorded in the audit log. The
``--format`` choices come from the writer registry (``themekit.export.formats``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from themekit.cli.app import app, env, open_project
from themekit.cli.render import FORCE_OPTION
from themekit.errors import AgreementError, ThemekitError
from themekit.export.formats import DEFAULT_FORMAT, EXPORT_FORMATS
from themekit.export.readback import FILE_TEXT

if TYPE_CHECKING:
    from themekit.export.api import ExportResult
    from themekit.project import Project

export_app = typer.Typer(
    help="Anonymised exports for the manuscript: Table 1, the quote bank, the matrix.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")


def _format_enum(name: str, export: str) -> type[Enum]:
    """A --format choice per format the registry offers for ``export``, in its order."""
    return Enum(name, [(f, f) for f in EXPORT_FORMATS[export]], type=str)  # type: ignore[return-value]


def _format_help(export: str) -> str:
    *rest, last = EXPORT_FORMATS[export]
    return f"{', '.join(rest)} or {last} (default: from -o, else {DEFAULT_FORMAT})."


if TYPE_CHECKING:  # built at run time from the registry; to a type checker, enums
    Table1Format = Enum
    QuotesFormat = Enum
    MatrixFormat = Enum
    ReportFormat = Enum
    DisagreementsFormat = Enum
else:
    Table1Format = _format_enum("Table1Format", "table1")
    QuotesFormat = _format_enum("QuotesFormat", "quotes")
    MatrixFormat = _format_enum("MatrixFormat", "matrix")
    ReportFormat = _format_enum("ReportFormat", "report")
    DisagreementsFormat = _format_enum("DisagreementsFormat", "disagreements")


class Counts(str, Enum):
    participants = "participants"
    segments = "segments"
    none = "none"


class Level(str, Enum):
    subtheme = "subtheme"
    theme = "theme"


class AgreeLevel(str, Enum):
    code = "code"
    theme = "theme"
    category = "category"


OUTPUT = typer.Option(
    None, "--output", "-o", help="File to write (default: stdout; docx, xlsx and png need one)."
)
NO_ANONYMISE = typer.Option(
    False,
    "--no-anonymise",
    help="Export the raw text, without anonymisation or leak gate (recorded in the audit log).",
)
CODERS = typer.Option(
    None,
    "--coder",
    "--coders",
    "-c",
    help="Count only these coders' codings (repeatable, or comma-separated; default: the"
    " consensus coder after reconciliation, else every coder pooled).",
)
GROUP_ORDER = typer.Option(
    None,
    "--group-order",
    help="Group columns in this order, comma-separated, e.g. 'Probation,Judiciary'"
    " (default: first appearance in the participants table).",
)


def _names(values: list[str] | None) -> list[str] | None:
    """Repeated or comma-separated names, in order."""
    names = [n.strip() for v in values or [] for n in v.split(",") if n.strip()]
    return names or None


ALLOW_UNATTRIBUTED = typer.Option(
    False,
    "--allow-unattributed",
    help="Quote transcripts linked to no participant, attributed '(participant not recorded)'.",
)
NOT_REVIEWED = (
    "the anonymisation register has not been reviewed; run 'themekit anonymise review'"
    " when you have checked it"
)


def _opener() -> Callable[[], Project]:
    """This command's project, opened once and only when the API asks for it (after the
    output checks), so a bad -o is reported before any work."""
    return functools.lru_cache(maxsize=None)(open_project)


def _typicality(opened: Callable[[], Project]) -> Callable[[Sequence[Sequence[str]]], Any]:
    """The embedding-based quote typicality, looked up on first use."""
    scorer: list[Any] = []

    def score(passages: Sequence[Sequence[str]]) -> Any:
        if not scorer:
            from themekit.suggest.typicality import embedding_typicality

            scorer.append(embedding_typicality(opened()))
        return scorer[0](passages) if scorer[0] is not None else None

    return score


def _call(export: Callable[..., ExportResult], *args: Any, **options: Any) -> ExportResult:
    """One library call; warnings raised before a failure are still shown."""
    try:
        return export(*args, how="cli", **options)
    except ThemekitError as exc:
        for warning in getattr(exc, "export_warnings", ()):
            env().warn(warning.message)
        raise


def _anonymised_label(result: ExportResult) -> str:
    """ "anonymised: 14 replacements -- 9 person, 3 site, 2 email; 2 names left for review:
    themekit anonymise preview", from the anonymiser's summary."""
    summary = result.anonymisation
    if summary is None:
        return "anonymised"
    total = summary.replacements
    label = f"anonymised: {total or 'no'} replacement{'' if total == 1 else 's'}"
    if total:
        by_class = [f"{n} {cls.lower()}" for cls, n in summary.by_class.items() if n]
        label += " -- " + ", ".join(by_class)
    if summary.candidates:
        n = summary.candidates
        label += f"; {n} name{'' if n == 1 else 's'} left for review: themekit anonymise preview"
    return label


def _render(result: ExportResult) -> None:
    e = env()
    for warning in result.warnings:
        e.warn(NOT_REVIEWED if warning.code == "register-not-reviewed" else warning.message)
    # "anonymised" only when the anonymiser and the leak gate both ran on this output.
    honest = result.anonymised and result.gated
    if result.text is not None:
        e.write(result.text)
        if honest:
            e.message(f"Exported {result.export} ({_anonymised_label(result)}).")
    else:
        e.message(
            f"Wrote {result.export} to {result.path}"
            + (f" ({_anonymised_label(result)})." if honest else ".")
        )
    if result.gated and result.gate_checked not in (None, FILE_TEXT):
        # png: nothing to read back, so say what the leak gate did check.
        e.message(f"The leak gate checked {result.gate_checked}.")


def _value(choice: Enum | None) -> str | None:
    return choice.value if choice is not None else None


@export_app.command("table1")
def table1(
    fmt: Table1Format | None = typer.Option(None, "--format", "-f", help=_format_help("table1")),
    output: Path | None = OUTPUT,
    force: bool = FORCE_OPTION,
    counts: Counts = typer.Option(
        Counts.none, "--counts", help="Add counts of participants or coded segments."
    ),
    by: str | None = typer.Option(
        None, "--by", help="One column per participant group (role, site, any attribute)."
    ),
    group_order: str | None = GROUP_ORDER,
    caption: str | None = typer.Option(
        None,
        "--caption",
        help="The caption, label included (default: 'Table 1. Outline of key themes.').",
    ),
    coder: list[str] | None = CODERS,
    no_anonymise: bool = NO_ANONYMISE,
) -> None:
    """Table 1, "Outline of key themes": themes and sub-themes, optionally with counts."""
    from themekit.export import api

    result = _call(
        api.table1,
        _opener(),
        output,
        format=_value(fmt),
        counts=counts.value,
        by=by,
        coders=_names(coder),
        caption=caption,
        group_order=_names([group_order] if group_order else None),
        anonymise=not no_anonymise,
        overwrite=force,
    )
    _render(result)


@export_app.command("quotes")
def quotes(
    per_theme: int = typer.Option(3, "--per-theme", "-n", help="Quotes per sub-theme."),
    fmt: QuotesFormat | None = typer.Option(None, "--format", "-f", help=_format_help("quotes")),
    output: Path | None = OUTPUT,
    force: bool = FORCE_OPTION,
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
    allow_unattributed: bool = ALLOW_UNATTRIBUTED,
) -> None:
    """A bank of anonymised quotes per sub-theme: exemplars first, then the most typical."""
    from themekit.export import api

    opened = _opener()
    result = _call(
        api.quotes,
        opened,
        output,
        format=_value(fmt),
        per_theme=per_theme,
        attribution=attribution,
        cite_lines=cite_lines,
        min_words=min_words,
        max_words=max_words,
        level=level.value,
        coders=_names(coder),
        typicality=_typicality(opened),
        anonymise=not no_anonymise,
        overwrite=force,
        allow_unattributed=allow_unattributed,
    )
    _render(result)


@export_app.command("matrix")
def matrix(
    by: str = typer.Option(..., "--by", help="Participant attribute to group by (e.g. role)."),
    fmt: MatrixFormat | None = typer.Option(None, "--format", "-f", help=_format_help("matrix")),
    output: Path | None = OUTPUT,
    force: bool = FORCE_OPTION,
    level: Level = typer.Option(Level.subtheme, "--level", help="subtheme or theme."),
    framework: bool = typer.Option(
        True,
        "--framework/--no-framework",
        help="xlsx: add the framework sheet (participants x sub-themes, the coded text).",
    ),
    group_order: str | None = GROUP_ORDER,
    coder: list[str] | None = CODERS,
    no_anonymise: bool = NO_ANONYMISE,
) -> None:
    """Participants per sub-theme by group, with %; xlsx adds the framework matrix sheet."""
    from themekit.export import api

    result = _call(
        api.matrix,
        _opener(),
        output,
        by=by,
        format=_value(fmt),
        level=level.value,
        framework=framework,
        coders=_names(coder),
        group_order=_names([group_order] if group_order else None),
        anonymise=not no_anonymise,
        overwrite=force,
    )
    _render(result)


@export_app.command("disagreements")
def disagreements(
    coders: str = typer.Option(..., "--coders", help="Comma-separated coder names, e.g. ana,ben."),
    fmt: DisagreementsFormat | None = typer.Option(
        None, "--format", "-f", help=_format_help("disagreements")
    ),
    output: Path | None = OUTPUT,
    force: bool = FORCE_OPTION,
    transcripts: list[str] | None = typer.Option(
        None,
        "--transcripts",
        "-t",
        help="Transcripts to compare (default: those every coder marked done). Repeatable.",
    ),
    include_partial: bool = typer.Option(
        False,
        "--include-partial",
        help="Also use transcripts every coder coded but did not mark done.",
    ),
    level: AgreeLevel = typer.Option(
        AgreeLevel.code, "--level", help="code, theme or category (as for 'themekit agree')."
    ),
    no_anonymise: bool = NO_ANONYMISE,
) -> None:
    """The lines where coders differ, with their text, anonymised: a copy to share.

    'themekit agree --disagreements' writes the same list raw, as the coders' working file.
    """
    from themekit.export import api

    names = [c.strip() for c in coders.split(",") if c.strip()]
    if len(names) < 2:
        raise AgreementError(
            "Agreement needs at least two coders.", hint="Name them with --coders A,B."
        )
    result = _call(
        api.disagreements,
        _opener(),
        names,
        output,
        format=_value(fmt),
        transcripts=transcripts or None,
        include_partial=include_partial,
        level=level.value,
        anonymise=not no_anonymise,
        overwrite=force,
    )
    _render(result)


RAW_DISAGREEMENTS = (
    "this list is the coders' raw working file: it is NOT anonymised and holds interview"
    " text as recorded. For a copy to share, run 'themekit export disagreements'."
)


def raw_disagreements(
    project: Project,
    coders: Sequence[str],
    transcripts: Sequence[str] | None,
    include_partial: bool,
    level: str,
    fmt: str,
    output: Path | None,
    force: bool = False,
) -> None:
    """``themekit agree --disagreements``: the same export, unanonymised and labelled so."""
    from themekit.export import api

    result = _call(
        api.disagreements,
        project,
        coders,
        output,
        format="md" if fmt == "table" else fmt,
        transcripts=transcripts,
        include_partial=include_partial,
        level=level,
        anonymise=False,
        overwrite=force,
    )
    e = env()
    for warning in result.warnings:
        e.warn(RAW_DISAGREEMENTS if warning.code == "not-anonymised" else warning.message)
    if result.text is not None:
        e.write(result.text)
    else:
        e.message(f"Wrote {result.path}")


@app.command("report")
def report(
    fmt: ReportFormat | None = typer.Option(None, "--format", "-f", help=_format_help("report")),
    output: Path | None = OUTPUT,
    force: bool = FORCE_OPTION,
    by: str = typer.Option("role", "--by", help="Participant groups for Table 1 and the heatmap."),
    per_theme: int = typer.Option(3, "--per-theme", "-n", help="Quotes per sub-theme."),
    attribution: str | None = typer.Option(None, "--attribution", help="Quote attribution."),
    cite_lines: bool = typer.Option(False, "--cite-lines", help="Cite transcript and lines."),
    group_order: str | None = GROUP_ORDER,
    coder: list[str] | None = CODERS,
    no_anonymise: bool = NO_ANONYMISE,
    allow_unattributed: bool = ALLOW_UNATTRIBUTED,
) -> None:
    """One document: methods summary, Table 1, prevalence in words, quotes and heatmap."""
    from themekit.export import api

    opened = _opener()
    result = _call(
        api.report,
        opened,
        output,
        format=_value(fmt),
        by=by,
        per_theme=per_theme,
        attribution=attribution,
        cite_lines=cite_lines,
        coders=_names(coder),
        group_order=_names([group_order] if group_order else None),
        typicality=_typicality(opened),
        anonymise=not no_anonymise,
        overwrite=force,
        allow_unattributed=allow_unattributed,
    )
    _render(result)
