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

Reporting checklists
    COREQ (32 items) and SRQR (21 items) as tables (``themekit.export.checklists``):
    every item the project can answer is filled from its data (software and version,
    coders and blind coding, codebook versions with dates, agreement with intervals and
    what it was computed on, the anonymisation register and method, the quote selection
    rule, transcripts with durations where the captions or participants table hold
    them); every item only the researchers know (recruitment, ethics, reflexivity...) is
    listed "to complete".

Results
    Table 1 with participant counts (by group when there is one), prevalence in words
    (``describe_share``: "almost all interviewees", "several interviewees"), the quote
    bank, and the heatmap of the prevalence matrix: a PNG in html (a data URI) and
    docx (a picture); Markdown cannot hold an image, so it gets the matrix as a table.

Appendices
    A: the codebook (each code's path, definition, first example, participants and
    segments counted); B: memos by code (coding memos, anonymised like interview text);
    C: the audit trail (codebook versions with dates and changes, reconciliation
    decisions, when coders saw each other's codings).
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
from themekit.export.checklists import (
    COREQ_REFERENCE,
    SRQR_REFERENCE,
    ChecklistRow,
    Fact,
    coreq,
    srqr,
)
from themekit.export.matrix import PrevalenceMatrix, build_matrix, matrix_table, render_heatmap
from themekit.export.prevalence import (
    Prevalence,
    compute_prevalence,
    describe_share,
    percent_half_up,
    share_word,
)
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
    add_caption_to_docx,
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
    return f"{percent_half_up(n, total)}%"


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
    group_order: Sequence[str] | None = None,
    allow_unattributed: bool = False,
) -> Report:
    """The report, section by section: methods, reporting checklists, results, appendices;
    every text passes the anonymiser's gate before it is returned."""
    prevalence = compute_prevalence(project, coders=coders, group_order=group_order)
    known = {"id", "role", "site"} | {k for p in project.participants() for k in p.attributes}
    if by is not None and (not project.participants() or by not in known):
        if by != "role":  # an explicit --by must exist; the default quietly falls away
            from themekit.export.prevalence import check_attribute

            check_attribute(project, by)
        by = None
    name = project.settings.name or project.root.name
    report = Report(anonymiser.label(f"{name}: analysis report", "the report title"))
    template = attribution if attribution is not None else project.settings.attribution
    methods = _methods_section(
        project,
        anonymiser,
        prevalence,
        by=by,
        coders=coders,
        bootstrap=bootstrap,
        quote_rule=(
            f"Quotes: up to {per_theme} per sub-theme, 8 to 80 words, at most one per"
            " participant; passages a coder marked as exemplars first, then the most typical;"
            f" each attributed as {template!r}; square brackets mark replaced identifiers."
        ),
    )
    report.blocks += methods.blocks
    report.blocks += _checklist_section(project, prevalence, anonymiser, methods)
    report.blocks += _results_section(
        project,
        anonymiser,
        prevalence,
        by=by,
        per_theme=per_theme,
        attribution=attribution,
        coders=coders,
        typicality=typicality,
        allow_unattributed=allow_unattributed,
    )
    report.blocks += _appendix_section(project, prevalence, anonymiser, methods)
    for text, where in report.texts():
        anonymiser.gate(text, where)
    return report


@dataclass
class _Methods:
    """The methods summary's blocks and the facts the checklists reuse."""

    blocks: list[Block]
    by: str | None
    shown: dict[str, str]  # coder -> the name shown (anonymised)
    coded_by: dict[str, set[str]]
    active: list[str]
    blind: str
    agreement: str
    versions: list[CodebookVersion]
    software: str
    anonymisation: str
    quote_rule: str
    timing: TranscriptTiming


def _methods_section(
    project: Project,
    anonymiser: ExportAnonymiser,
    prevalence: Prevalence,
    *,
    by: str | None,
    coders: Sequence[str] | None,
    bootstrap: int,
    quote_rule: str,
) -> _Methods:
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
    # A consensus coder is not an independent coder: it does not make a transcript
    # double-coded.
    consensus = store.coders_with_source("reconcile")
    counts = Counter(t for c in active if c not in consensus for t in coded_by[c])
    double = sorted(t for t, n in counts.items() if n >= 2)
    blocks.append(
        Paragraph(
            f"{len(double)} of {_plural(len(transcripts), 'transcript')}"
            f" ({_pct(len(double), len(transcripts))}) were coded independently by two or"
            " more coders."
        )
    )
    blind = _blind_sentence(project, active, shown)
    if blind:
        blocks.append(Paragraph(blind))
    agreement = _agreement_sentence(project, active, coded_by, shown, bootstrap)
    blocks.append(Paragraph(agreement))
    versions = store.codebook_versions()
    blocks.append(Paragraph(f"The codebook had {_plural(len(versions), 'version')}:"))
    blocks.append(Bullets([_version_line(v) for v in versions]))
    blocks.append(Paragraph(prevalence.basis))
    software = _software_sentence()
    blocks.append(Paragraph(software))
    anonymisation = _anonymisation_sentence(anonymiser)
    blocks.append(Paragraph(anonymisation))
    blocks.append(Paragraph(quote_rule))
    timing = _transcript_table(project, prevalence, anonymiser)
    blocks.append(TableBlock(timing.table))
    all_codings = [c for c in store.codings() if not coders or c.coder in coders]
    suggested = sum(1 for c in all_codings if c.source == "suggestion")
    blocks.append(
        Paragraph(
            f"{suggested} of {_plural(len(all_codings), 'coding')}"
            f" ({_pct(suggested, len(all_codings))}) were suggestions accepted by a coder;"
            " the rest were applied by hand or from coding sheets."
        )
    )
    return _Methods(
        blocks,
        by,
        shown,
        coded_by,
        active,
        blind,
        agreement,
        versions,
        software,
        anonymisation,
        quote_rule,
        timing,
    )


def _checklist_section(
    project: Project, prevalence: Prevalence, anonymiser: ExportAnonymiser, methods: _Methods
) -> list[Block]:
    facts = _checklist_facts(
        project,
        prevalence,
        anonymiser,
        by=methods.by,
        shown=methods.shown,
        coded_by=methods.coded_by,
        active=methods.active,
        blind=methods.blind,
        agreement=methods.agreement,
        versions=[_version_line(v) for v in methods.versions],
        software=methods.software,
        anonymisation=methods.anonymisation,
        quote_rule=methods.quote_rule,
        timing=methods.timing,
    )
    return [
        Heading(1, "Reporting checklists"),
        Paragraph(
            "Items filled from the project's data are marked filled; items marked to"
            " complete need facts only the research team has. Item names are short"
            " paraphrases; see the published checklists."
        ),
        TableBlock(
            clean_table(_checklist_table("COREQ", coreq(facts)), anonymiser, "the COREQ checklist")
        ),
        Paragraph(f"COREQ: {COREQ_REFERENCE}"),
        TableBlock(
            clean_table(_checklist_table("SRQR", srqr(facts)), anonymiser, "the SRQR checklist")
        ),
        Paragraph(f"SRQR: {SRQR_REFERENCE}"),
    ]


def _results_section(
    project: Project,
    anonymiser: ExportAnonymiser,
    prevalence: Prevalence,
    *,
    by: str | None,
    per_theme: int,
    attribution: str | None,
    coders: Sequence[str] | None,
    typicality: Typicality | None,
    allow_unattributed: bool,
) -> list[Block]:
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


def _appendix_section(
    project: Project, prevalence: Prevalence, anonymiser: ExportAnonymiser, methods: _Methods
) -> list[Block]:
    blocks: list[Block] = [
        Heading(1, "Appendix A. Codebook"),
        TableBlock(
            clean_table(
                _codebook_table(prevalence, anonymiser), anonymiser, "the codebook appendix"
            )
        ),
        Heading(1, "Appendix B. Memos by code"),
    ]
    blocks += _memo_blocks(project, prevalence, anonymiser, methods.shown)
    blocks += [
        Heading(1, "Appendix C. Audit trail"),
        TableBlock(
            clean_table(_versions_table(methods.versions), anonymiser, "the codebook versions")
        ),
        TableBlock(
            clean_table(
                _decisions_table(project, anonymiser), anonymiser, "the reconciliation decisions"
            )
        ),
    ]
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
            section = document.sections[-1]
            text_width = section.page_width - section.left_margin - section.right_margin
            document.add_picture(io.BytesIO(block.png), width=min(Inches(6.0), text_width))
            add_caption_to_docx(document, block.caption)
    document.save(save_target(path))


# -- methods facts, checklists and appendices ------------------------------------------------

DATE_ATTRIBUTES = ("interview_date", "date", "interviewed")
DURATION_ATTRIBUTES = ("duration_min", "duration", "minutes", "length")


@dataclass
class TranscriptTiming:
    table: Table
    durations: dict[str, float]  # transcript -> minutes, where known
    dates: dict[str, str]  # transcript -> interview date, where known
    formats: Counter[str]
    per_participant: Counter[str]  # participant key -> transcripts


def _software_sentence() -> str:
    from themekit import __version__

    return (
        f"Software: transcripts, codebook, coding, agreement and these outputs were managed"
        f" in themekit {__version__}, which runs offline on the researcher's computer."
    )


def _blind_sentence(project: Project, active: list[str], shown: dict[str, str]) -> str:
    """Who coded blind: a coder who never displayed other coders' codings (audit log)."""
    reconciled = project.store.coders_with_source("reconcile")
    independent = [c for c in active if c not in reconciled]
    if len(independent) < 2:
        return ""
    looked = {e.actor for e in project.store.audit_entries(action="coding.show_others") if e.actor}
    blind = [shown[c] for c in independent if c not in looked]
    saw = [shown[c] for c in independent if c in looked]
    text = (
        "Blind coding: no coder displayed another coder's codings in themekit (audit log)."
        if not saw
        else f"Blind coding: {', '.join(blind) or 'none'} never displayed another coder's"
        f" codings in themekit; {', '.join(saw)} did at some point (audit log, Appendix C)."
    )
    sheets = {c.coder for c in project.store.codings() if c.source == "bulk"} & set(independent)
    if sheets:
        text += (
            f" Codings by {', '.join(shown[c] for c in sorted(sheets))} were imported from"
            " coding sheets made outside themekit, where blinding cannot be checked: state it."
        )
    if reconciled:
        names = ", ".join(shown.get(c, c) for c in sorted(reconciled))
        text += f" Disagreements were then reconciled into a consensus coding ({names})."
    return text


def _anonymisation_sentence(anonymiser: ExportAnonymiser) -> str:
    if not anonymiser.enabled or anonymiser.register is None:
        return "Anonymisation: this report is NOT anonymised; it holds text as recorded."
    register = anonymiser.register
    sections = Counter(entry.section for entry in register.entries)
    listed = ", ".join(f"{n} {section}" for section, n in sorted(sections.items())) or "none"
    variants = sum(len(entry.variants) for entry in register.entries)
    automatic = []
    if register.ner.enabled:
        automatic.append("named-entity recognition of further names")
    kinds = register.patterns.enabled_kinds()
    if kinds:
        automatic.append("patterns (" + ", ".join(kinds) + ")")
    return (
        "Anonymisation: every quote and label was anonymised before export with a register"
        f" of {_plural(len(register.entries), 'identifying term')} ({listed}; {variants}"
        " spellings), each replaced by a consistent placeholder such as [Person 1]"
        + (f", plus {' and '.join(automatic)}" if automatic else "")
        + "; each output was then read back and checked for any registered term."
    )


def _transcript_table(
    project: Project, prevalence: Prevalence, anonymiser: ExportAnonymiser
) -> TranscriptTiming:
    store = project.store
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    people: dict[str, set[str]] = {}
    for segment in prevalence.segments.values():
        if segment.time_start is not None:
            first[segment.transcript_id] = min(
                first.get(segment.transcript_id, segment.time_start), segment.time_start
            )
        if segment.time_end is not None:
            last[segment.transcript_id] = max(
                last.get(segment.transcript_id, segment.time_end), segment.time_end
            )
        key = prevalence.speaker_of.get(segment.id)
        if key is not None:
            people.setdefault(segment.transcript_id, set()).add(key)
    durations: dict[str, float] = {
        t: (last[t] - first.get(t, 0.0)) / 60 for t in last if last[t] > first.get(t, 0.0)
    }
    dates: dict[str, str] = {}
    unparsed: dict[str, str] = {}
    for transcript, keys in people.items():
        for key in sorted(keys):
            person = prevalence.participants.get(key)
            if person is None:
                continue
            for name in DATE_ATTRIBUTES:
                if person.attribute(name) not in (None, ""):
                    dates.setdefault(transcript, str(person.attribute(name)))
            for name in DURATION_ATTRIBUTES:
                value = person.attribute(name)
                if transcript not in durations and value not in (None, ""):
                    try:
                        durations[transcript] = float(value)
                    except (TypeError, ValueError):  # shown as given, not dropped
                        unparsed[transcript] = str(value)
    table = Table(
        "Transcripts", ["Transcript", "Participants", "Format", "Words", "Duration", "Date"]
    )
    formats: Counter[str] = Counter()
    per_participant: Counter[str] = Counter()
    for info in store.transcripts():
        formats[info.source_format] += 1
        for key in people.get(info.id, set()):
            per_participant[key] += 1
        minutes = durations.get(info.id)
        table.rows.append(
            [
                anonymiser.label(info.id, "a transcript id"),
                ", ".join(
                    anonymiser.label(k, "a participant id") for k in sorted(people.get(info.id, ()))
                ),
                info.source_format,
                f"{info.n_words:,}",
                f"{minutes:.0f} min"
                if minutes is not None
                else unparsed.get(info.id, "not recorded"),
                dates.get(info.id, "not recorded"),
            ]
        )
    table.notes.append(
        "Durations come from caption timings (vtt, srt) or a duration column of the"
        " participants table; dates from a date column there. 'Not recorded': add it."
    )
    return TranscriptTiming(
        clean_table(table, anonymiser, "the transcripts table"),
        durations,
        dates,
        formats,
        per_participant,
    )


def _checklist_facts(
    project: Project,
    prevalence: Prevalence,
    anonymiser: ExportAnonymiser,
    *,
    by: str | None,
    shown: dict[str, str],
    coded_by: dict[str, set[str]],
    active: list[str],
    blind: str,
    agreement: str,
    versions: list[str],
    software: str,
    anonymisation: str,
    quote_rule: str,
    timing: TranscriptTiming,
) -> dict[str, Fact]:
    store = project.store
    total = len(prevalence.participants)
    transcripts = store.transcripts()
    themes = [e for e in prevalence.codebook.walk() if e.depth == 0]
    subs = [e for e in prevalence.codebook.walk() if e.depth == 1]
    facts: dict[str, Fact] = {}
    facts["approach"] = Fact(
        f"Thematic analysis with a hierarchical codebook of {_plural(len(themes), 'theme')}"
        f" and {_plural(len(subs), 'sub-theme')}. Add the orientation (e.g. deductive and"
        " inductive) and any theory.",
        complete=False,
    )
    facts["sample_size"] = Fact(
        f"{_plural(total, 'participant')} interviewed ({_plural(len(transcripts), 'transcript')})."
    )
    facts["sampling"] = Fact(facts["sample_size"].text + " Add how they were sampled.", False)
    if by is not None:
        groups = prevalence.groups(by)
        listed = "; ".join(
            f"{anonymiser.label(name, 'a participant group name')} {len(m)}"
            for name, m in groups.items()
        )
        facts["sample"] = Fact(f"Participants by {by}: {listed} (see the table above).")
    repeats = [k for k, n in timing.per_participant.items() if n > 1]
    facts["repeat"] = Fact(
        "No repeat interviews: one transcript per participant."
        if not repeats
        else f"{_plural(len(repeats), 'participant')} had more than one transcript."
    )
    formats = ", ".join(f"{f} ({n})" for f, n in sorted(timing.formats.items()))
    facts["recording"] = Fact(
        f"Transcripts were imported as {formats}. Add how the interviews were recorded.",
        complete=False,
    )
    if timing.durations:
        minutes = sorted(timing.durations.values())
        known = len(minutes)
        facts["duration"] = Fact(
            f"{known} of {_plural(len(transcripts), 'interview')} have a known duration:"
            + (
                f" {minutes[0]:.0f} minutes"
                if round(minutes[0]) == round(minutes[-1])
                else f" {minutes[0]:.0f} to {minutes[-1]:.0f} minutes"
            )
            + ("." if known == len(transcripts) else "; add the others."),
            complete=known == len(transcripts),
        )
    lines = [f"{shown[c]} ({_plural(len(coded_by[c]), 'transcript')})" for c in active]
    facts["coders"] = Fact(
        f"{_plural(len(active), 'coder')}: {'; '.join(lines)}. {blind} {agreement}".strip()
    )
    facts["codebook"] = Fact(
        f"Appendix A lists the coding tree ({_plural(len(prevalence.by_code), 'code')}) with"
        " definitions, examples and counts."
    )
    facts["derivation"] = Fact(
        "Codebook versions: " + "; ".join(versions) + ". Add whether themes were defined in"
        " advance or derived from the data.",
        complete=False,
    )
    facts["software"] = Fact(software)
    facts["quotes"] = Fact(quote_rule)
    facts["consistency"] = Fact(
        "Table 1, the prevalence statements and the quotes are computed from the same"
        f" codings. {prevalence.basis} Add how the findings were checked against the data.",
        complete=False,
    )
    facts["themes"] = Fact(
        f"Table 1 lists {_plural(len(themes), 'theme')} and {_plural(len(subs), 'sub-theme')}"
        " with participant counts."
    )
    rare = [
        " > ".join(e.path)
        for e in subs
        if share_word(len(prevalence.by_code[e.code.id].participants), total)
        in ("a few", "one", "no")
    ]
    if rare:
        facts["minor_themes"] = Fact(
            "Sub-themes raised by few participants (the scale's 'a few', 'one' or 'no'): "
            + "; ".join(rare)
            + ". Add how diverse cases and minor themes are discussed.",
            complete=False,
        )
    facts["processing"] = Fact(f"{anonymisation} {software}")
    facts["analysis"] = Fact(
        facts["approach"].text + " " + facts["coders"].text + " " + prevalence.basis, False
    )
    consensus = store.coders_with_source("reconcile")
    independent = Counter(t for c in active if c not in consensus for t in coded_by[c])
    double = sum(1 for n in independent.values() if n >= 2)
    facts["trustworthiness"] = Fact(
        f"{double} of {_plural(len(transcripts), 'transcript')} coded by two or more coders."
        f" {agreement} An audit trail of codebook changes and reconciliation decisions is in"
        " Appendix C."
    )
    return facts


def _checklist_table(name: str, rows: list[ChecklistRow]) -> Table:
    table = Table(
        f"{name} checklist ({sum(1 for r in rows if r.status != 'to complete')} of"
        f" {len(rows)} items filled or partly filled from the project)",
        ["No.", "Domain", "Item", "Status", "In this project"],
    )
    last = None
    for row in rows:
        if row.domain != last:
            table.group_starts.add(len(table.rows))
        table.rows.append(
            [row.number, row.domain if row.domain != last else "", row.item, row.status, row.text]
        )
        last = row.domain
    return table


def _codebook_table(prevalence: Prevalence, anonymiser: ExportAnonymiser) -> Table:
    entries = list(prevalence.codebook.walk())
    examples = anonymiser.texts(
        [e.code.examples[0] if e.code.examples else "" for e in entries],
        [f"the first example of code {e.code.id}" for e in entries],
    )
    table = Table(
        "Codebook: definitions, examples and counts",
        ["Code", "Definition", "Example", "Participants", "Segments"],
    )
    total = len(prevalence.participants)
    for entry, example in zip(entries, examples, strict=True):
        stats = prevalence.by_code[entry.code.id]
        table.rows.append(
            [
                " > ".join(entry.path),
                entry.code.definition or "(no definition)",
                example,
                f"{len(stats.participants)}/{total}",
                str(len(stats.segments)),
            ]
        )
        table.row_keys.append(f"code {entry.code.id}")
        if entry.depth == 0:
            table.group_starts.add(len(table.rows) - 1)
    table.notes.append(f"Counts as in Table 1. {prevalence.basis}")
    return table


def _line_ranges(lines: Sequence[int]) -> str:
    """[3, 4, 5, 9] -> "lines 3-5, 9"."""
    runs: list[list[int]] = []
    for line in sorted(set(lines)):
        if runs and line == runs[-1][-1] + 1:
            runs[-1].append(line)
        else:
            runs.append([line])
    parts = [f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]
    return ("lines " if len(lines) > 1 else "line ") + ", ".join(parts)


def _memo_blocks(
    project: Project, prevalence: Prevalence, anonymiser: ExportAnonymiser, shown: dict[str, str]
) -> list[Block]:
    """Every coder's coding memos (counted or not: they document the analysis), by code in
    codebook order; one memo written on consecutive lines is listed once with its range."""
    order = {e.code.id: e for e in prevalence.codebook.walk()}
    grouped: dict[str, dict[tuple[str, str, str], list[int]]] = {}
    for coding in project.store.codings():
        if coding.memo and coding.code_id in order:
            key = (coding.coder, coding.transcript_id, coding.memo)
            grouped.setdefault(coding.code_id, {}).setdefault(key, []).append(coding.line)
    if not grouped:
        return [Paragraph("No coding carries a memo.")]
    memos = [
        (code_id, key, lines)
        for code_id in order
        for key, lines in grouped.get(code_id, {}).items()
    ]
    texts = anonymiser.texts(
        [memo for _c, (_coder, _t, memo), _l in memos],
        [f"the memo on {t} line {min(lines)} ({c})" for c, (_x, t, _m), lines in memos],
    )
    blocks: list[Block] = []
    current = None
    items: list[str] = []
    for (code_id, (coder, transcript_id, _memo), lines), text in zip(memos, texts, strict=True):
        if code_id != current:
            if items:
                blocks.append(Bullets(items))
            blocks.append(Heading(2, " > ".join(order[code_id].path)))
            items, current = [], code_id
        transcript = anonymiser.label(transcript_id, "a transcript id")
        who = shown.get(coder) or anonymiser.label(coder, "a coder name")
        items.append(f"{text} ({who}, {transcript} {_line_ranges(lines)})")
    if items:
        blocks.append(Bullets(items))
    return blocks


def _versions_table(versions: Sequence[Any]) -> Table:
    table = Table("Codebook versions", ["Version", "Date", "Source", "Changes", "Note"])
    for version in versions:
        line = _version_line(version)
        table.rows.append(
            [
                str(version.version),
                version.created_at[:10],
                str(version.source),
                line.split(": ", 1)[-1],
                version.note or "",
            ]
        )
    return table


def _decisions_table(project: Project, anonymiser: ExportAnonymiser) -> Table:
    table = Table(
        "Reconciliation decisions and blind-coding events",
        ["Date", "Who", "Event", "Transcript", "Line", "Outcome"],
    )
    for entry in project.store.audit_entries():
        if entry.action not in ("reconcile.decide", "coding.show_others"):
            continue
        details = entry.details or {}
        transcript = str(details.get("transcript", ""))
        table.rows.append(
            [
                entry.at[:10],
                anonymiser.label(entry.actor or "", "a coder name"),
                "reconciliation decision"
                if entry.action == "reconcile.decide"
                else "displayed other coders' codings",
                anonymiser.label(transcript, "a transcript id") if transcript else "",
                str(details.get("line", "")),
                (
                    f"{details.get('decision', '')}: {', '.join(details.get('codes', []))}"
                    if entry.action == "reconcile.decide"
                    else ""
                ),
            ]
        )
    if not table.rows:
        table.notes.append("No reconciliation decisions or blind-coding events are recorded.")
    return table
