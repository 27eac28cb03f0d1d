"""The export API: one call per export, anonymised and leak-gated unless told otherwise.

A notebook and the CLI make the same call::

    import themekit
    project = themekit.Project.open("study")
    result = themekit.export.table1(project, "table1.docx", counts="participants", by="role")
    result.path, result.replacements, [w.message for w in result.warnings]
    text = themekit.export.quotes(project, None, per_theme=2).text      # md, not written

Every function here (``table1``, ``quotes``, ``matrix``, ``report``, ``disagreements``)
runs the same pipeline, in ``_export``:

1. the format: ``format``, else the extension of ``output``, else md (the one call of
   ``infer_output_format``), offered by this export in the writer registry
   (``themekit.export.formats``); then the output is checked (``check_output``) before
   any work: a missing folder, a folder given as the file, a device or FIFO, a binary
   format with no file, and an existing file unless ``overwrite=True``;
2. the project's ``ExportAnonymiser`` (writing a first ``redact.yaml`` if there is none,
   which is reported as a warning) and the export's document, built through it;
3. the registry renders the document into bytes; the format's reader finds the text in
   those bytes and the leak gate checks it; only then are the bytes written atomically
   (or, with no output, returned as text). A leak, or any error, writes nothing;
4. the pseudonym map and NER cache are saved, the export is recorded in the audit log
   (``export``, or ``export.no_anonymise``), and the result says what happened:
   ``anonymised`` and ``gated`` only when the anonymiser and the leak gate ran on this
   output, and ``anonymisation``, the anonymiser's summary (replacements per class,
   names left for review, whether the register was ever marked reviewed).

Quotes (``quotes``, and the quotes of ``report``) from a transcript linked to no
participant are an error naming the transcripts, unless ``allow_unattributed=True``:
then they are attributed "(participant not recorded)" and a warning
(``unattributed``) lists the transcripts.

``anonymise=False`` is the only way to skip anonymisation and the gate; it is never the
default, it is recorded in the audit log, and the result carries a warning. Nothing here
prints: warnings are ``ExportWarning`` data on the ``ExportResult`` (and, when the
export fails after one was raised, on the error as ``export_warnings``), and the caller
shows them. ``project`` may be a ``Project`` or a function returning one, which is then
called only once the output checks have passed.

Quote typicality is injected (``typicality=``, see ``themekit.export.quotes``): this
package does not import ``themekit.suggest``; ``themekit.embedding_typicality(project)`` gives the
embedding-based one.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from themekit.errors import ThemekitError

if TYPE_CHECKING:
    from themekit.anonymise import AnonymisationSummary
    from themekit.export.anonymised import ExportAnonymiser
    from themekit.export.quotes import Typicality
    from themekit.project import Project

Output = str | Path | None
SMALL_GROUP = 3  # groups smaller than this can point at one person


@dataclass(frozen=True)
class ExportWarning:
    """Something the researcher must hear about an export that still went ahead.

    ``code``: ``register-created``, ``not-anonymised``, ``small-groups``,
    ``unattributed``, ``register-not-reviewed`` or ``anonymisation`` (a warning of the
    anonymiser's summary, such as an empty register).
    """

    code: str
    message: str


@dataclass(frozen=True)
class ExportResult:
    """What one export did."""

    export: str  # table1, quotes, matrix, report, disagreements
    format: str
    path: Path | None  # the file written, or None when the output is ``text``
    text: str | None  # the output, for a text format with no file
    anonymised: bool
    gated: bool  # the final leak gate checked the output
    gate_checked: str | None  # what that gate read ("the text read back from ..."), if gated
    replacements: dict[str, int]  # replacements made, per placeholder class
    warnings: tuple[ExportWarning, ...]
    # What the anonymiser did (per class, names left for review, register reviewed);
    # None when the export was not anonymised.
    anonymisation: AnonymisationSummary | None = None


def _export(
    export: str,
    project: Project | Callable[[], Project],
    output: Output,
    format: str | None,
    anonymise: bool,
    build: Callable[[Project, ExportAnonymiser, str], Any],
    *,
    cite_lines: bool = False,
    groups: Sequence[str] = (),
    attribution: str | None = None,
    how: str = "library",
    overwrite: bool = False,
    learnt: list[ExportWarning] | None = None,
) -> ExportResult:
    """Run one export; ``learnt`` collects warnings that ``build`` learns of."""
    from themekit.export.anonymised import (
        ExportAnonymiser,
        check_output,
        record_export,
    )
    from themekit.export.formats import (
        DEFAULT_FORMAT,
        EXPORT_FORMATS,
        FILE_ONLY,
        RenderOptions,
        export_format,
        render,
    )
    from themekit.files.formats import infer_output_format
    from themekit.files.writer import atomic_write_bytes

    target = None if output is None or str(output) == "-" else Path(output)
    fmt = infer_output_format(target, format, EXPORT_FORMATS[export], DEFAULT_FORMAT)
    entry = export_format(fmt, export)
    check_output(target, fmt, binary=FILE_ONLY, overwrite=overwrite)
    from themekit.project import Project

    opened = project if isinstance(project, Project) else project()
    warnings: list[ExportWarning] = []
    try:
        anonymiser = ExportAnonymiser(opened, enabled=anonymise)
        if anonymiser.created_register:
            warnings.append(
                ExportWarning(
                    "register-created",
                    f"wrote {opened.root / 'redact.yaml'} from the participants' speaker labels"
                    " and sites; review it and add every name you know of"
                    " (docs/anonymisation.md).",
                )
            )
        document = build(opened, anonymiser, fmt)
        warnings += learnt or []
        rendered = render(export, fmt, document, RenderOptions(cite_lines=cite_lines))
        checked = None
        if anonymiser.enabled:
            found = entry.read_back(rendered)
            anonymiser.gate(found.text, f"the {export} output ({fmt})")
            checked = found.source
        text = None
        if target is None:
            text = rendered.data.decode("utf-8")
        else:
            atomic_write_bytes(target, rendered.data, overwrite=overwrite)
        anonymiser.finish()
    except ThemekitError as exc:
        # The caller still has to hear about a register written before the failure.
        exc.export_warnings = tuple(warnings)  # type: ignore[attr-defined]
        raise
    record_export(opened, export, fmt, target, anonymiser, how=how)
    warnings += _disclosure_warnings(opened, anonymise, groups, attribution)
    summary = anonymiser.summary
    if summary is not None:
        warnings += [ExportWarning("anonymisation", w) for w in summary.warnings]
        if summary.reviewed is None:
            warnings.append(
                ExportWarning(
                    "register-not-reviewed",
                    "the anonymisation register has not been reviewed; mark it reviewed"
                    " once you have checked it.",
                )
            )
    return ExportResult(
        export=export,
        format=fmt,
        path=target,
        text=text,
        anonymised=anonymiser.enabled,
        gated=anonymiser.enabled,
        gate_checked=checked,
        replacements=dict(sorted(anonymiser.replacements.items())),
        warnings=tuple(warnings),
        anonymisation=summary,
    )


def _unattributed(transcripts: Sequence[str]) -> ExportWarning:
    from themekit.export.quotes import UNATTRIBUTED

    return ExportWarning(
        "unattributed",
        f"quotes from {', '.join(transcripts)} are attributed {UNATTRIBUTED}: these"
        " transcripts are linked to no participant.",
    )


def _disclosure_warnings(
    project: Project, anonymise: bool, groups: Sequence[str], attribution: str | None
) -> list[ExportWarning]:
    """What a written export may disclose: text not anonymised, and groups (the ones
    tabulated or named in quote attributions) small enough to identify people."""
    warnings: list[ExportWarning] = []
    if not anonymise:
        warnings.append(
            ExportWarning(
                "not-anonymised",
                "this export is NOT anonymised; it holds interview text as recorded.",
            )
        )
    fields = list(groups)
    if attribution is not None:
        # The template actually used: the one given, else the project's setting.
        fields += _template_fields(attribution or project.settings.attribution)
    for attribute in dict.fromkeys(fields):
        warning = _small_groups(project, attribute)
        if warning is not None:
            warnings.append(warning)
    return warnings


def _small_groups(project: Project, attribute: str) -> ExportWarning | None:
    """A warning when a group named in an export has so few members that it identifies them."""
    sizes: dict[str, int] = {}
    for person in project.participants():
        value = person.attribute(attribute)
        if value not in (None, ""):
            sizes[str(value)] = sizes.get(str(value), 0) + 1
    small = [f"{name} ({n})" for name, n in sorted(sizes.items()) if n < SMALL_GROUP]
    if not small:
        return None
    return ExportWarning(
        "small-groups",
        f"groups by {attribute} with fewer than {SMALL_GROUP} participants can identify"
        f" them: {', '.join(small)}. Consider merging groups before publishing.",
    )


def _template_fields(template: str) -> list[str]:
    try:
        parsed = string.Formatter().parse(template)
        return [name for _lit, name, _spec, _conv in parsed if name and name != "id"]
    except ValueError:
        return []


# -- the exports ---------------------------------------------------------------------------


def table1(
    project: Project | Callable[[], Project],
    output: Output = None,
    *,
    format: str | None = None,
    counts: str = "none",
    by: str | None = None,
    coders: Sequence[str] | None = None,
    caption: str | None = None,
    group_order: Sequence[str] | None = None,
    anonymise: bool = True,
    how: str = "library",
    overwrite: bool = False,
) -> ExportResult:
    """Table 1, "Outline of key themes" (docx, md, csv, xlsx, tex, html).

    ``coders``: whose codings count (default: the consensus coder after reconciliation,
    else every coder pooled; the table note says which). ``caption``: the full caption,
    label included (default "Table 1. Outline of key themes."). ``group_order``: the
    order of the ``by`` groups (default: first appearance in the participants table).
    """

    def build(project: Project, anonymiser: ExportAnonymiser, fmt: str) -> Any:
        from themekit.export.anonymised import clean_table
        from themekit.export.table1 import CAPTION, build_table1

        table = build_table1(
            project,
            counts=counts,
            by=by,
            coders=coders or None,
            caption=caption or CAPTION,
            group_order=group_order or None,
        )
        return clean_table(table, anonymiser, "Table 1")

    return _export(
        "table1",
        project,
        output,
        format,
        anonymise,
        build,
        groups=[by] if by else [],
        how=how,
        overwrite=overwrite,
    )


def quotes(
    project: Project | Callable[[], Project],
    output: Output = None,
    *,
    format: str | None = None,
    per_theme: int = 3,
    attribution: str | None = None,
    cite_lines: bool = False,
    min_words: int = 8,
    max_words: int = 80,
    level: str = "subtheme",
    coders: Sequence[str] | None = None,
    typicality: Typicality | None = None,
    anonymise: bool = True,
    how: str = "library",
    overwrite: bool = False,
    allow_unattributed: bool = False,
) -> ExportResult:
    """The quote bank (docx, md, csv, xlsx): exemplars first, then the most typical."""
    learnt: list[ExportWarning] = []

    def build(project: Project, anonymiser: ExportAnonymiser, fmt: str) -> Any:
        from themekit.export.quotes import build_quote_bank

        bank = build_quote_bank(
            project,
            anonymiser,
            per_theme=per_theme,
            attribution=attribution,
            coders=coders or None,
            level=level,
            min_words=min_words,
            max_words=max_words,
            typicality=typicality,
            allow_unattributed=allow_unattributed,
        )
        if bank.unattributed:
            learnt.append(_unattributed(bank.unattributed))
        return bank

    return _export(
        "quotes",
        project,
        output,
        format,
        anonymise,
        build,
        cite_lines=cite_lines,
        attribution=attribution or "",
        how=how,
        overwrite=overwrite,
        learnt=learnt,
    )


def matrix(
    project: Project | Callable[[], Project],
    output: Output = None,
    *,
    by: str,
    format: str | None = None,
    level: str = "subtheme",
    framework: bool = True,
    coders: Sequence[str] | None = None,
    group_order: Sequence[str] | None = None,
    anonymise: bool = True,
    how: str = "library",
    overwrite: bool = False,
) -> ExportResult:
    """Participants per sub-theme by group (xlsx, csv, md, png, svg)."""

    def build(project: Project, anonymiser: ExportAnonymiser, fmt: str) -> Any:
        from themekit.export.anonymised import clean_table
        from themekit.export.formats import MatrixExport
        from themekit.export.matrix import build_matrix, heatmap_labels, matrix_table

        result = build_matrix(
            project,
            anonymiser,
            by=by,
            coders=coders or None,
            level=level,
            framework=framework and fmt == "xlsx",
            group_order=group_order or None,
        )
        table = None
        if fmt == "md":
            table = clean_table(matrix_table(result), anonymiser, "the matrix")
        if fmt in ("png", "svg"):
            for label in heatmap_labels(result):
                anonymiser.gate(label, "the heatmap labels")
        return MatrixExport(result, table)

    return _export(
        "matrix",
        project,
        output,
        format,
        anonymise,
        build,
        groups=[by],
        how=how,
        overwrite=overwrite,
    )


def report(
    project: Project | Callable[[], Project],
    output: Output = None,
    *,
    format: str | None = None,
    by: str = "role",
    per_theme: int = 3,
    attribution: str | None = None,
    cite_lines: bool = False,
    coders: Sequence[str] | None = None,
    group_order: Sequence[str] | None = None,
    typicality: Typicality | None = None,
    anonymise: bool = True,
    how: str = "library",
    overwrite: bool = False,
    allow_unattributed: bool = False,
) -> ExportResult:
    """One document (html, docx, md): the methods report (methods summary with COREQ and
    SRQR checklists), Table 1, prevalence, quotes, heatmap, and appendices (codebook,
    memos by code, audit trail)."""
    learnt: list[ExportWarning] = []

    def build(project: Project, anonymiser: ExportAnonymiser, fmt: str) -> Any:
        from themekit.export.report import QuotesBlock, build_report

        document = build_report(
            project,
            anonymiser,
            by=by,
            coders=coders or None,
            per_theme=per_theme,
            attribution=attribution,
            typicality=typicality,
            group_order=group_order or None,
            allow_unattributed=allow_unattributed,
        )
        for block in document.blocks:
            if isinstance(block, QuotesBlock) and block.bank.unattributed:
                learnt.append(_unattributed(block.bank.unattributed))
        return document

    return _export(
        "report",
        project,
        output,
        format,
        anonymise,
        build,
        cite_lines=cite_lines,
        groups=[by],
        attribution=attribution or "",
        how=how,
        overwrite=overwrite,
        learnt=learnt,
    )


def disagreements(
    project: Project | Callable[[], Project],
    coders: Sequence[str],
    output: Output = None,
    *,
    format: str | None = None,
    transcripts: Sequence[str] | None = None,
    include_partial: bool = False,
    level: str = "code",
    anonymise: bool = True,
    how: str = "library",
    overwrite: bool = False,
) -> ExportResult:
    """Each unit where ``coders`` differ, with its text (md, csv, json, docx)."""

    def build(project: Project, anonymiser: ExportAnonymiser, fmt: str) -> Any:
        from themekit.export.disagreements import build_disagreements

        return build_disagreements(
            project,
            anonymiser,
            coders,
            transcripts=transcripts,
            include_partial=include_partial,
            level=level,
        )

    return _export(
        "disagreements", project, output, format, anonymise, build, how=how, overwrite=overwrite
    )


# Names for ``themekit``'s own namespace, where a bare ``table1`` would say too little.
export_table1 = table1
export_quotes = quotes
export_matrix = matrix
export_report = report
export_disagreements = disagreements
