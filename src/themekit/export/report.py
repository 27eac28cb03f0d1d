"""The analysis report: one document with the methods summary, Table 1, quotes and heatmap.

``build_report`` gathers what a methods and results section needs, as a list of
format-neutral blocks (headings, paragraphs, bullet lists, tables, the quote bank, an
image); ``report_markdown``, ``report_html`` and ``write_report_docx`` render them.
Every piece of text is anonymised or gated on the way in, like any other export, and
the whole output is gated again, as read back from the bytes written (``export.api``).

Methods summary
    Transcripts and words; participants per group; coders and what each coded; the
    share of transcripts coded by two or more coders; agreement on those transcripts
    (the pair of coders sharing most transcripts, through
    ``themekit.agree.service.compute_agreement``: pooled percent agreement, Cohen's
    kappa, Krippendorff's alpha and Gwet's AC1 with 95% bootstrap percentile intervals),
    or a sentence saying why there is no figure; the codebook versions with what each
    changed; the share of codings that were accepted suggestions (``source ==
    "suggestion"``).

Results
    Table 1 with participant counts (by group when there is one), prevalence in words
    (``describe_share``: "almost all interviewees", "several interviewees"), the quote
    bank, and the heatmap of the prevalence matrix: a PNG in html (a data URI) and
    docx (a picture); Markdown cannot hold an image, so it gets the matrix as a table.
"""

from __future__ import annotations

import base64
import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from themekit.export.anonymised import clean_table
from themekit.export.matrix import PrevalenceMatrix, build_matrix, matrix_table, render_heatmap
from themekit.export.prevalence import compute_prevalence, describe_share
from themekit.export.quotes import (
    QuoteBank,
    Typicality,
    build_quote_bank,
    quotes_html,
    quotes_markdown,
)
from themekit.export.table1 import table1_from
from themekit.export.tables import (
    Table,
    add_table_to_docx,
    save_target,
    to_html,
    to_markdown,
)

if TYPE_CHECKING:
    from themekit.export.anonymised import ExportAnonymiser
    from themekit.export.prevalence import Prevalence
    from themekit.model.rows import CodebookVersion
    from themekit.project import Project

AGREEMENT_FIGURES = ("percent_agreement", "cohen_kappa", "krippendorff_alpha", "gwet_ac1")


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class TableBlock:
    table: Table


@dataclass
class QuotesBlock:
    bank: QuoteBank


@dataclass
class Heatmap:
    png: bytes
    caption: str
    table: Table  # what Markdown shows instead of the image


Block = Heading | Paragraph | Bullets | TableBlock | QuotesBlock | Heatmap


@dataclass
class Report:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def texts(self) -> list[tuple[str, str]]:
        """(text, where) of every plain text block, for the gate."""
        found = [(self.title, "the report title")]
        for number, block in enumerate(self.blocks, start=1):
            if isinstance(block, Heading | Paragraph):
                found.append((block.text, f"report block {number}"))
            elif isinstance(block, Bullets):
                found += [(item, f"report block {number}") for item in block.items]
            elif isinstance(block, Heatmap):
                found.append((block.caption, f"report block {number} (heatmap caption)"))
        return found


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}%" if total else "0%"


def build_report(
    project: Project,
    anonymiser: ExportAnonymiser,
    *,
    by: str | None = "role",
    coders: Sequence[str] | None = None,
    per_theme: int = 3,
    attribution: str | None = None,
    bootstrap: int = 1000,
    typicality: Typicality | None = None,
    allow_unattributed: bool = False,
) -> Report:
    prevalence = compute_prevalence(project, coders=coders)
    by = _grouping(project, by)
    name = project.settings.name or project.root.name
    report = Report(anonymiser.label(f"{name}: analysis report", "the report title"))
    report.blocks += _methods_blocks(project, anonymiser, prevalence, by, coders, bootstrap)
    report.blocks += _results_blocks(
        project,
        anonymiser,
        prevalence,
        by,
        coders,
        per_theme=per_theme,
        attribution=attribution,
        typicality=typicality,
        allow_unattributed=allow_unattributed,
    )
    for text, where in report.texts():
        anonymiser.gate(text, where)
    return report


def _grouping(project: Project, by: str | None) -> str | None:
    """The participant attribute to group by, or None: the default (role) falls away
    quietly where participants or roles are missing; an attribute asked for must exist."""
    known = {"id", "role", "site"} | {k for p in project.participants() for k in p.attributes}
    if by is not None and (not project.participants() or by not in known):
        if by != "role":  # an explicit --by must exist; the default quietly falls away
            from themekit.export.prevalence import check_attribute

            check_attribute(project, by)
        return None
    return by


def _methods_blocks(
    project: Project,
    anonymiser: ExportAnonymiser,
    prevalence: Prevalence,
    by: str | None,
    coders: Sequence[str] | None,
    bootstrap: int,
) -> list[Block]:
    """The methods summary: material, coders, double coding, agreement, codebook."""
    store = project.store
    blocks: list[Block] = [Heading(1, "Methods summary")]
    transcripts = store.transcripts()
    words = sum(t.n_words for t in transcripts)
    total = len(prevalence.participants)
    blocks.append(
        Paragraph(
            f"The project holds {_plural(len(transcripts), 'transcript')} ({words:,} words)"
            f" from {_plural(total, 'participant')}."
        )
    )
    if by is not None:
        groups = prevalence.groups(by)
        table = Table(f"Participants by {by}", [by.capitalize(), "Participants"])
        for group, members in groups.items():
            table.rows.append([group, str(len(members))])
        blocks.append(
            TableBlock(
                clean_table(
                    _label_first_column(table, anonymiser), anonymiser, "the participants table"
                )
            )
        )
    coder_names = list(coders) if coders else store.coders()
    coded_by = {c: store.coded_transcripts(c) for c in coder_names}
    active = [c for c in coder_names if coded_by[c]]
    shown = {c: anonymiser.label(c, "a coder name") for c in active}
    blocks.append(
        Paragraph(
            "Coders: "
            + "; ".join(f"{shown[c]} ({_plural(len(coded_by[c]), 'transcript')})" for c in active)
            + "."
        )
    )
    counts = Counter(t for c in active for t in coded_by[c])
    double = sorted(t for t, n in counts.items() if n >= 2)
    blocks.append(
        Paragraph(
            f"{len(double)} of {_plural(len(transcripts), 'transcript')}"
            f" ({_pct(len(double), len(transcripts))}) were coded independently by two or"
            " more coders."
        )
    )
    blocks.append(Paragraph(_agreement_sentence(project, active, coded_by, shown, bootstrap)))
    versions = store.codebook_versions()
    blocks.append(Paragraph(f"The codebook had {_plural(len(versions), 'version')}:"))
    blocks.append(Bullets([_version_line(v) for v in versions]))
    all_codings = [c for c in store.codings() if not coders or c.coder in coders]
    suggested = sum(1 for c in all_codings if c.source == "suggestion")
    blocks.append(
        Paragraph(
            f"{suggested} of {_plural(len(all_codings), 'coding')}"
            f" ({_pct(suggested, len(all_codings))}) were suggestions accepted by a coder;"
            " the rest were applied by hand or from coding sheets."
        )
    )
    return blocks


def _results_blocks(
    project: Project,
    anonymiser: ExportAnonymiser,
    prevalence: Prevalence,
    by: str | None,
    coders: Sequence[str] | None,
    *,
    per_theme: int,
    attribution: str | None,
    typicality: Typicality | None,
    allow_unattributed: bool = False,
) -> list[Block]:
    """The results: Table 1, prevalence in words, the quote bank and the heatmap."""
    blocks: list[Block] = [Heading(1, "Results")]
    table1 = table1_from(prevalence, counts="participants", by=by)
    blocks.append(TableBlock(clean_table(table1, anonymiser, "Table 1")))
    blocks.append(Heading(2, "Prevalence in words"))
    matrix = build_matrix(project, anonymiser, by=by, prevalence=prevalence) if by else None
    blocks.append(Bullets(_prevalence_lines(prevalence, matrix, len(prevalence.participants))))
    bank = build_quote_bank(
        project,
        anonymiser,
        per_theme=per_theme,
        attribution=attribution,
        coders=coders,
        prevalence=prevalence,
        typicality=typicality,
        allow_unattributed=allow_unattributed,
    )
    blocks.append(QuotesBlock(bank))
    if matrix is not None:
        from themekit.export.matrix import heatmap_labels

        for label in heatmap_labels(matrix):
            anonymiser.gate(label, "the heatmap labels")
        blocks.append(
            Heatmap(
                render_heatmap(matrix, "png"),
                f"Figure 1. Participants per sub-theme, by {by}: count and % of each group.",
                clean_table(matrix_table(matrix), anonymiser, "the prevalence matrix"),
            )
        )
    return blocks


def _label_first_column(table: Table, anonymiser: ExportAnonymiser) -> Table:
    for row in table.rows:
        row[0] = anonymiser.label(str(row[0]), "a participant group name")
    return table


def _agreement_sentence(
    project: Project,
    coders: Sequence[str],
    coded_by: dict[str, set[str]],
    shown: dict[str, str],
    bootstrap: int,
) -> str:
    # A consensus coder made by reconciliation agrees with its sources by construction:
    # reliability is reported between independent coders only.
    reconciled = project.store.coders_with_source("reconcile")
    coders = [c for c in coders if c not in reconciled]
    pairs = [
        (len(coded_by[a] & coded_by[b]), a, b)
        for i, a in enumerate(coders)
        for b in coders[i + 1 :]
    ]
    pairs = [p for p in pairs if p[0] > 0]
    if not pairs:
        return "No transcript was coded by two coders, so no agreement figure is reported."
    shared, a, b = max(pairs, key=lambda p: (p[0], p[1], p[2]))
    transcripts = sorted(coded_by[a] & coded_by[b])
    try:
        from themekit.agree.service import compute_agreement

        result = compute_agreement(
            project, [a, b], transcripts=transcripts, bootstrap=bootstrap, seed=0
        )
    except ImportError:
        return "Agreement could not be computed here (the agreement module is missing)."
    except Exception as exc:  # an AgreementError, or a statistic that is undefined
        message = getattr(exc, "message", type(exc).__name__)
        return f"Agreement between {shown[a]} and {shown[b]} was not computed: {message}"
    from themekit.agree.coefficients import LABELS

    micro = result.result.micro.coefficients
    intervals = result.intervals.micro if result.intervals else {}
    figures = []
    for name in AGREEMENT_FIGURES:
        if name not in micro:
            continue
        interval = intervals.get(name)
        ci = f" (95% CI {interval.format(2)})" if interval is not None else ""
        figures.append(f"{LABELS[name]} {micro[name].format(2)}{ci}")
    resamples = result.intervals.resamples if result.intervals else 0
    method = (
        f" Intervals are bootstrap percentile intervals over {resamples:,} resamples of segments."
        if resamples
        else ""
    )
    return (
        f"Agreement between {shown[a]} and {shown[b]} on the"
        f" {_plural(shared, 'transcript')} both coded (each segment and code a decision,"
        f" pooled over codes): " + "; ".join(figures) + "." + method
    )


def _version_line(version: CodebookVersion) -> str:
    from themekit.codebook.diff import CodebookDiff

    changes = version.changes or {}
    try:
        diff = CodebookDiff.from_dict(changes)
        kinds: list[tuple[str, list[Any]]] = [
            ("added", diff.added),
            ("removed", diff.removed),
            ("renamed", diff.renamed),
            ("moved", diff.moved),
            ("definitions changed", diff.definition_changed),
            ("other fields changed", diff.attribute_changed),
        ]
        summary = ", ".join(f"{len(items)} {word}" for word, items in kinds if items)
    except (TypeError, KeyError):
        summary = ""
    date = version.created_at[:10]
    return f"version {version.version} ({date}): {summary or 'no code changes recorded'}"


def _prevalence_lines(
    prevalence: Prevalence, matrix: PrevalenceMatrix | None, total: int
) -> list[str]:
    lines = []
    rows = {row.code_id: row for row in matrix.rows} if matrix else {}
    for entry in prevalence.codebook.walk():
        if entry.depth != 1:
            continue
        n = len(prevalence.by_code[entry.code.id].participants)
        line = f"{' > '.join(entry.path)}: {describe_share(n, total)} ({n} of {total})"
        row = rows.get(entry.code.id)
        if row is not None and matrix is not None and len(matrix.groups) > 1:
            reached = sum(1 for c in row.counts if c)
            if reached == len(matrix.groups):
                line += f", across all the {matrix.by} groups"
            elif reached:
                line += f", in {reached} of {len(matrix.groups)} {matrix.by} groups"
        lines.append(line)
    return lines


# -- renderers ---------------------------------------------------------------------------------


def report_markdown(report: Report, *, cite_lines: bool = False) -> str:
    parts = [f"# {report.title}", ""]
    for block in report.blocks:
        if isinstance(block, Heading):
            parts += [f"{'#' * (block.level + 1)} {block.text}", ""]
        elif isinstance(block, Paragraph):
            parts += [block.text, ""]
        elif isinstance(block, Bullets):
            parts += [*(f"- {item}" for item in block.items), ""]
        elif isinstance(block, TableBlock):
            parts += [to_markdown(block.table)]
        elif isinstance(block, QuotesBlock):
            parts += [quotes_markdown(block.bank, cite_lines=cite_lines, base_level=2)]
        elif isinstance(block, Heatmap):
            parts += [to_markdown(block.table)]
    return "\n".join(parts).rstrip("\n") + "\n"


_CSS = """
body { font-family: Georgia, serif; max-width: 60em; margin: 2em auto; line-height: 1.4; }
table.themekit { border-collapse: collapse; margin: 1em 0; }
table.themekit td, table.themekit th { border: 1px solid #999; padding: 0.3em 0.6em;
  vertical-align: top; }
table.themekit caption { font-weight: bold; text-align: left; }
blockquote { margin: 0.8em 2em; font-style: italic; }
.attribution { font-style: normal; }
.note { font-size: 0.9em; color: #444; }
figure img { max-width: 100%; }
"""


def report_html(report: Report, *, cite_lines: bool = False) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(report.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(report.title)}</h1>",
    ]
    for block in report.blocks:
        if isinstance(block, Heading):
            parts.append(f"<h{block.level + 1}>{html.escape(block.text)}</h{block.level + 1}>")
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{html.escape(block.text)}</p>")
        elif isinstance(block, Bullets):
            items = "".join(f"<li>{html.escape(item)}</li>" for item in block.items)
            parts.append(f"<ul>{items}</ul>")
        elif isinstance(block, TableBlock):
            parts.append(to_html(block.table))
        elif isinstance(block, QuotesBlock):
            parts.append(quotes_html(block.bank, cite_lines=cite_lines, base_level=1))
        elif isinstance(block, Heatmap):
            data = base64.b64encode(block.png).decode("ascii")
            parts.append(
                f'<figure><img alt="{html.escape(block.caption)}"'
                f' src="data:image/png;base64,{data}">'
                f"<figcaption>{html.escape(block.caption)}</figcaption></figure>"
            )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report_docx(report: Report, path: Path | BinaryIO, *, cite_lines: bool = False) -> None:
    import io

    from docx.shared import Inches

    from themekit.export.quotes import add_quotes_to_docx
    from themekit.files.docx import new_docx

    document = new_docx()
    document.core_properties.title = report.title
    document.core_properties.author = "themekit"
    document.add_heading(report.title, level=0)
    for block in report.blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            document.add_paragraph(block.text)
        elif isinstance(block, Bullets):
            for item in block.items:
                document.add_paragraph(item, style="List Bullet")
        elif isinstance(block, TableBlock):
            add_table_to_docx(document, block.table)
        elif isinstance(block, QuotesBlock):
            add_quotes_to_docx(document, block.bank, cite_lines=cite_lines, base_level=1)
        elif isinstance(block, Heatmap):
            document.add_picture(io.BytesIO(block.png), width=Inches(6.3))
            document.add_paragraph(block.caption)
    document.save(save_target(path))
