"""The quote bank: a few anonymised, attributed quotes per sub-theme, ready for a manuscript.

Passages
    A candidate quote is a *passage*: one coded segment, or consecutive coded segments
    of the same speaker turn joined with a space (a sentence-segmented answer coded
    line by line comes back as the answer). A coding of part of a segment contributes
    only that part. Each passage belongs to one participant (or, with no participants
    table, to its transcript).

Selection, per sub-theme (or theme with ``level="theme"``)
    1. Exemplars first: passages holding a segment a coder marked as an exemplar.
    2. Then the most typical, by the injected ``typicality`` function when it scores
       the sub-theme's passages (see "Typicality" below). Without scores the heuristic
       is: passages more coders agreed on first, then the word count closest to the
       median of the sub-theme's passages.
    3. At most one quote per participant, up to ``per_theme`` quotes.
    4. Word bounds (8-80 by default): shorter passages are skipped unless a coder
       marked them as exemplars; longer ones are trimmed to whole sentences from the
       start, and the omission is marked ". . ." as in the worked example. A first
       sentence longer than the limit is cut at a word. Square-bracket clarifications
       in the text are kept as written.
    Ties break by transcript and line, so the bank is the same on every run.

Typicality, and the one-way arrow between export and suggest
    This module (and all of ``themekit.export``) never imports ``themekit.suggest``.
    ``build_quote_bank`` takes an optional ``typicality`` callable (``Typicality``): one
    sub-theme's passages, each as the texts of its segments, in; one score per passage
    (higher: more typical) out, or ``None`` when it cannot score them all. The
    embedding-based one is ``themekit.suggest.typicality.embedding_typicality`` (cosine
    between a passage's mean vector and the sub-theme's centroid, from the
    ``embeddings`` cache that ``themekit suggest`` fills). The callers that know both
    sides inject it::

        cli/cmd_export, a notebook  --imports lazily-->  suggest.typicality
                 |
                 +--typicality=fn-->  export.api  -->  export.quotes (calls fn)

Anonymisation and attribution
    The chosen passages are anonymised in one batch by the project's ``ExportAnonymiser``
    (the gate runs on each) and then trimmed. Attribution follows a template,
    ``"({role})"`` by default (``[export] attribution`` in themekit.toml or
    ``--attribution``); its fields are ``id``, ``role``, ``site`` and every participant
    attribute, each passed through the register, so a registered site becomes
    ``[Site 1]``. A quote from a transcript linked to no participant cannot be
    attributed: that is an error naming the transcripts, unless ``allow_unattributed``,
    when such quotes read "(participant not recorded)" and the bank lists the
    transcripts in ``unattributed`` for the export to warn about. csv and xlsx carry the
    transcript and line range of every quote for the audit trail; md and docx show them
    only with ``cite_lines``.
"""

from __future__ import annotations

import csv
import html
import io
import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING, Any, BinaryIO

from themekit.errors import ExportError, NextStep
from themekit.export.prevalence import Prevalence, compute_prevalence
from themekit.export.tables import save_target
from themekit.model.codebook import Codebook, CodeEntry

if TYPE_CHECKING:
    from themekit.export.anonymised import ExportAnonymiser
    from themekit.model.rows import SegmentRow
    from themekit.project import Project

LEVELS = {"theme": 0, "subtheme": 1}
OMISSION = ". . ."
QUOTE_COLUMNS = (
    "theme",
    "subtheme",
    "code_id",
    "rank",
    "quote",
    "attribution",
    "participant",
    "transcript",
    "lines",
    "words",
    "exemplar",
    "selected_by",
    "trimmed",
)
# A sentence ends at . ! ? or … (plus closing quotes/brackets) before a space and a
# capital, an opening quote or bracket, or the end of the text.
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s+[A-Z\"'\u201c\u2018(\[]|\s*$)")


# -- the level of the codebook ---------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A sub-theme (or theme) with every code id whose codings count for it."""

    entry: CodeEntry
    theme: str
    label: str
    code_ids: frozenset[str]

    @property
    def code_id(self) -> str:
        return self.entry.code.id

    @property
    def path(self) -> str:
        return self.entry.path_text


def level_units(codebook: Codebook, level: str) -> list[Unit]:
    """The codes at ``level`` in codebook order; codings of descendants roll up into them."""
    if level not in LEVELS:
        raise ExportError(
            f"level {level}: unknown.", hint="Use subtheme or theme.", arguments=("level",)
        )
    depth = LEVELS[level]
    entries = list(codebook.walk())
    units = []
    for entry in entries:
        if entry.depth != depth:
            continue
        ids = frozenset(
            e.code.id
            for e in entries
            if e.depth >= depth and e.path[: depth + 1] == entry.path[: depth + 1]
        )
        label = " > ".join(entry.path[1:]) if depth else entry.code.label
        units.append(Unit(entry, entry.path[0], label, ids))
    if not units:
        raise ExportError(
            "The codebook has no sub-themes (no code has children).",
            hint="Group codes under themes in the codebook, or use the theme level.",
            next_step="quotes.theme_level",
        )
    return units


# -- passages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """Consecutive coded segments of one speaker turn, with who coded them."""

    segments: tuple[SegmentRow, ...]
    texts: tuple[str, ...]
    participant: str | None
    coders: frozenset[str]
    exemplar: bool

    @property
    def transcript_id(self) -> str:
        return self.segments[0].transcript_id

    @property
    def line_start(self) -> int:
        return self.segments[0].line

    @property
    def line_end(self) -> int:
        return self.segments[-1].line

    @property
    def lines(self) -> str:
        a, b = self.line_start, self.line_end
        return str(a) if a == b else f"{a}-{b}"

    @property
    def text(self) -> str:
        return " ".join(t.strip() for t in self.texts if t.strip())

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def owner(self) -> str:
        return self.participant or self.transcript_id


def coded_passages(
    prevalence: Prevalence, unit: Unit, exemplars: set[tuple[str, int]] | None = None
) -> list[Passage]:
    """Every passage coded with ``unit`` (by the coders ``prevalence`` was built for)."""
    coders_of: dict[int, set[str]] = {}
    spans: dict[int, list[tuple[int, int] | None]] = {}
    for code_id in unit.code_ids:
        for coding in prevalence.by_code[code_id].codings:
            coders_of.setdefault(coding.segment_id, set()).add(coding.coder)
            span = None
            if coding.span_start is not None and coding.span_end is not None:
                span = (coding.span_start, coding.span_end)
            spans.setdefault(coding.segment_id, []).append(span)
    marked = {segment_id for _coder, segment_id in (exemplars or set())}
    turns: dict[tuple[str, int], list[SegmentRow]] = {}
    for segment_id in coders_of:
        segment = prevalence.segments.get(segment_id)
        if segment is None or not segment.codable:
            continue
        turns.setdefault((segment.transcript_id, segment.turn_index), []).append(segment)
    passages: list[Passage] = []
    for key in sorted(turns):
        run: list[SegmentRow] = []
        for segment in sorted(turns[key], key=lambda s: s.line):
            if run and segment.line != run[-1].line + 1:
                passages.append(_passage(run, prevalence, coders_of, spans, marked))
                run = []
            run.append(segment)
        if run:
            passages.append(_passage(run, prevalence, coders_of, spans, marked))
    return passages


def _passage(
    run: list[SegmentRow],
    prevalence: Prevalence,
    coders_of: dict[int, set[str]],
    spans: dict[int, list[tuple[int, int] | None]],
    marked: set[int],
) -> Passage:
    texts = []
    for segment in run:
        parts = spans[segment.id]
        text = segment.text
        if parts and all(p is not None for p in parts):
            start = max(segment.start, min(p[0] for p in parts if p))
            end = min(segment.end, max(p[1] for p in parts if p))
            if start < end:
                text = segment.text[start - segment.start : end - segment.start]
        texts.append(text)
    coders = frozenset(c for s in run for c in coders_of[s.id])
    return Passage(
        tuple(run),
        tuple(texts),
        prevalence.speaker_of.get(run[0].id),
        coders,
        any(s.id in marked for s in run),
    )


# -- typicality ---------------------------------------------------------------------------


# One sub-theme's passages, each as the texts of its segments -> a score per passage
# (higher: more typical), or None when they cannot all be scored (the heuristic is used).
Typicality = Callable[[Sequence[Sequence[str]]], Sequence[float] | None]


def typicality_scores(
    typicality: Typicality | None, units_passages: Sequence[list[Passage]]
) -> list[Sequence[float] | None]:
    """The injected function's scores per unit; ``None`` where it has none (or no function)."""
    result: list[Sequence[float] | None] = []
    for passages in units_passages:
        scores = None
        if typicality is not None and passages:
            scores = typicality([[s.text for s in p.segments] for p in passages])
            if scores is not None and len(scores) != len(passages):
                raise ValueError("a typicality function must score every passage")
        result.append(scores)
    return result


# -- trimming -------------------------------------------------------------------------------


def split_sentences(text: str) -> list[str]:
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        sentences.append(text[start:].strip())
    return sentences


def trim_quote(text: str, max_words: int) -> tuple[str, bool]:
    """Whole sentences from the start up to ``max_words``; ". . ." marks what was left out."""
    if len(text.split()) <= max_words:
        return text, False
    kept: list[str] = []
    count = 0
    for sentence in split_sentences(text):
        n = len(sentence.split())
        if count + n > max_words:
            break
        kept.append(sentence)
        count += n
    if not kept:
        # The first sentence alone is too long: cut it at a word.
        words = text.split()[:max_words]
        return " ".join(words).rstrip(",;:-\u2013\u2014") + " " + OMISSION, True
    return " ".join(kept) + " " + OMISSION, True


# -- attribution ---------------------------------------------------------------------------


def attribution_fields(project: Project) -> list[str]:
    extra = sorted({k for p in project.participants() for k in p.attributes})
    return ["id", "role", "site", *[k for k in extra if k not in ("id", "role", "site")]]


# Participant columns whose values identify a person: never in an anonymised attribution.
IDENTIFYING_FIELD_PARTS = (
    "name",
    "mail",
    "phone",
    "tel",
    "address",
    "postcode",
    "birth",
    "dob",
    "nhs",
)


def check_attribution(template: str, fields: Sequence[str], *, anonymised: bool = True) -> None:
    try:
        names = [name for _lit, name, _spec, _conv in string.Formatter().parse(template) if name]
    except ValueError as exc:
        raise ExportError(
            f"attribution {template!r}: not a valid template ({exc}).",
            hint="Write fields in braces, e.g. '({role})' or '({id}, {role}, {site})'.",
            arguments=("attribution",),
        ) from None
    unknown = [n for n in names if n not in fields]
    if unknown or any(n == "" for n in names):
        raise ExportError(
            f"attribution {template!r}: unknown field {{{unknown[0] if unknown else ''}}}"
            f" (fields: {', '.join(fields)}).",
            hint="Use only those fields, in braces.",
            arguments=("attribution",),
        )
    identifying = [
        n for n in names if any(part in n.casefold() for part in IDENTIFYING_FIELD_PARTS)
    ]
    if anonymised and identifying:
        # Attribution values are participant data, which NER never sees: a name column
        # here would print real names beside every quote.
        raise ExportError(
            f"attribution {template!r}: {{{identifying[0]}}} would identify participants.",
            hint="Attribute quotes by group, e.g. '({role})' or '({role}, {site})'.",
            arguments=("attribution",),
        )


# -- the bank ---------------------------------------------------------------------------------


@dataclass
class Quote:
    rank: int
    text: str
    attribution: str
    participant: str
    transcript_id: str
    lines: str
    words: int
    exemplar: bool
    selected_by: str
    trimmed: bool

    def citation(self) -> str:
        which = "lines" if "-" in self.lines else "line"
        return f"({self.transcript_id}, {which} {self.lines})"


@dataclass
class QuoteSection:
    code_id: str
    theme: str
    label: str
    path: str
    participants: int  # participants coded with it
    candidates: int  # passages within the rules
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class QuoteBank:
    sections: list[QuoteSection]
    level: str
    total_participants: int
    per_theme: int
    min_words: int
    max_words: int
    anonymised: bool
    title: str = "Quote bank"
    # Transcripts linked to no participant whose quotes read UNATTRIBUTED.
    unattributed: tuple[str, ...] = ()

    @property
    def themes(self) -> list[tuple[str, list[QuoteSection]]]:
        grouped: dict[str, list[QuoteSection]] = {}
        for section in self.sections:
            grouped.setdefault(section.theme, []).append(section)
        return list(grouped.items())

    def rule_text(self) -> str:
        return (
            f"No quote meets the selection rules ({self.min_words}-{self.max_words} words,"
            " one per participant)."
        )


def build_quote_bank(
    project: Project,
    anonymiser: ExportAnonymiser,
    *,
    per_theme: int = 3,
    attribution: str | None = None,
    coders: Sequence[str] | None = None,
    level: str = "subtheme",
    min_words: int = 8,
    max_words: int = 80,
    prevalence: Prevalence | None = None,
    typicality: Typicality | None = None,
    allow_unattributed: bool = False,
) -> QuoteBank:
    _check_sizes(per_theme, min_words, max_words)
    template = attribution if attribution is not None else project.settings.attribution
    check_attribution(template, attribution_fields(project), anonymised=anonymiser.enabled)
    if prevalence is None:
        prevalence = compute_prevalence(project, coders=coders)
    units = level_units(prevalence.codebook, level)
    for unit in units:
        # Code labels are the researchers' words: a registered term there is a mistake
        # to fix in the codebook, so it is gated, not replaced. The place is the code id.
        anonymiser.gate(unit.path, f"the label of code {unit.code_id} (or of its theme)")
    exemplars = project.store.exemplars()
    if coders:
        exemplars = {(c, s) for c, s in exemplars if c in coders}
    all_passages = [coded_passages(prevalence, unit, exemplars) for unit in units]
    # Every transcript that could be quoted, not only those chosen this time, so that one
    # round of linking is enough; before any text is anonymised, and naming no quote.
    unlinked = sorted(
        {p.transcript_id for ps in all_passages for p in ps if not _attributable(p, prevalence)}
    )
    if unlinked and not allow_unattributed:
        raise ExportError(
            f"{', '.join(unlinked)} have no participant, so their quotes cannot be"
            " attributed; nothing was written.",
            hint="Link them to participants (the participants table's transcript column),"
            " or pass allow_unattributed=True.",
            next_step=NextStep("quotes.unattributed"),
        )
    scores = typicality_scores(typicality, all_passages)

    sections: list[QuoteSection] = []
    chosen: list[tuple[QuoteSection, Passage, str]] = []
    for unit, passages, unit_scores in zip(units, all_passages, scores, strict=True):
        eligible = [(i, p) for i, p in enumerate(passages) if p.words >= min_words or p.exemplar]
        section = QuoteSection(
            unit.code_id,
            unit.theme,
            unit.label,
            unit.path,
            len(prevalence.by_code[unit.code_id].participants),
            len(eligible),
        )
        sections.append(section)
        method, ordered = _most_typical_first(eligible, unit_scores)
        for passage in _one_per_participant(ordered, per_theme):
            chosen.append((section, passage, "exemplar" if passage.exemplar else method))

    unattributed = sorted(
        {p.transcript_id for _s, p, _m in chosen if not _attributable(p, prevalence)}
    )
    texts = anonymiser.texts(
        [p.text for _s, p, _m in chosen],
        [f"quote {n} ({s.path})" for n, (s, _p, _m) in enumerate(chosen, start=1)],
    )
    attributions = _Attributions(project, prevalence, anonymiser, template)
    for number, ((section, passage, method), text) in enumerate(
        zip(chosen, texts, strict=True), start=1
    ):
        trimmed_text, trimmed = trim_quote(text, max_words)
        where = f"quote {number} ({section.path})"
        quote = Quote(
            rank=len(section.quotes) + 1,
            text=trimmed_text,
            attribution=attributions.of(passage, where),
            participant=anonymiser.label(passage.owner, f"the participant id of {where}"),
            transcript_id=anonymiser.label(passage.transcript_id, f"the transcript id of {where}"),
            lines=passage.lines,
            words=len(trimmed_text.split()),
            exemplar=passage.exemplar,
            selected_by=method,
            trimmed=trimmed,
        )
        anonymiser.gate(f"{quote.text} {quote.attribution}", where)
        section.quotes.append(quote)
    return QuoteBank(
        sections,
        level,
        len(prevalence.participants),
        per_theme,
        min_words,
        max_words,
        anonymiser.enabled,
        unattributed=tuple(unattributed),
    )


def _check_sizes(per_theme: int, min_words: int, max_words: int) -> None:
    if per_theme < 1:
        raise ExportError(
            f"per_theme {per_theme}: must be at least 1.",
            hint="For example 3.",
            next_step="quotes.per_theme",
            arguments=("per_theme",),
        )
    if not 1 <= min_words <= max_words:
        raise ExportError(
            f"min_words {min_words} / max_words {max_words}: need 1 <= min <= max.",
            hint="For example 8 and 80.",
            next_step="quotes.words",
            arguments=("min_words", "max_words"),
        )


def _most_typical_first(
    eligible: list[tuple[int, Passage]], unit_scores: Sequence[float] | None
) -> tuple[str, list[tuple[int, Passage]]]:
    """The passages (with their index) in the order quotes are picked, and how that order
    was reached: exemplars first, then by embedding typicality where there are scores,
    else by coder agreement and closeness to the median length."""
    if unit_scores is not None:
        return "typical (embeddings)", sorted(
            eligible,
            key=lambda ip: (not ip[1].exemplar, -unit_scores[ip[0]], _place(ip[1])),
        )
    mid = median(p.words for _, p in eligible) if eligible else 0
    return "typical (coder agreement, length)", sorted(
        eligible,
        key=lambda ip: (
            not ip[1].exemplar,
            -len(ip[1].coders),
            abs(ip[1].words - mid),
            _place(ip[1]),
        ),
    )


def _one_per_participant(ordered: list[tuple[int, Passage]], limit: int) -> list[Passage]:
    """The first ``limit`` passages in order, no two from the same participant."""
    picked: list[Passage] = []
    owners: set[str] = set()
    for _i, passage in ordered:
        if passage.owner in owners:
            continue
        owners.add(passage.owner)
        picked.append(passage)
        if len(owners) == limit:
            break
    return picked


def _place(passage: Passage) -> tuple[str, int]:
    return passage.transcript_id, passage.line_start


# The attribution of a quote whose transcript is linked to no participant.
UNATTRIBUTED = "(participant not recorded)"


def _attributable(passage: Passage, prevalence: Prevalence) -> bool:
    """True when ``passage`` was spoken by a participant of the participants table (with
    no table at all, prevalence keys each transcript as a participant with no record)."""
    key = passage.participant
    return key is not None and prevalence.participants.get(key) is not None


class _Attributions:
    """Attribution strings per participant, with every field passed through the register."""

    def __init__(
        self, project: Project, prevalence: Prevalence, anonymiser: ExportAnonymiser, template: str
    ) -> None:
        self.prevalence = prevalence
        self.anonymiser = anonymiser
        self.template = template
        # Only the fields the template uses, so unused ones get no placeholder numbers.
        self.fields = [
            name for _lit, name, _spec, _conv in string.Formatter().parse(template) if name
        ]
        self.cache: dict[str | None, str] = {}

    def of(self, passage: Passage, where: str) -> str:
        key = passage.participant
        if not _attributable(passage, self.prevalence):
            return UNATTRIBUTED
        if key not in self.cache:
            values: dict[str, str] = {}
            for name in self.fields:
                if name == "id":
                    raw: Any = passage.owner
                else:
                    person = self.prevalence.participants.get(key) if key else None
                    raw = person.attribute(name) if person else None
                value = "unknown" if raw in (None, "") else str(raw)
                values[name] = self.anonymiser.label(value, f"the attribution of {where}")
            self.cache[key] = self.template.format_map(values)
        return self.cache[key]


# -- rendering ---------------------------------------------------------------------------------


def quote_line(quote: Quote, cite_lines: bool) -> str:
    tail = f" {quote.citation()}" if cite_lines else ""
    return f"{quote.text} {quote.attribution}{tail}"


def quotes_markdown(bank: QuoteBank, *, cite_lines: bool = False, base_level: int = 1) -> str:
    h = "#" * base_level
    lines = [f"{h} {bank.title}", ""]
    for theme, sections in bank.themes:
        lines += [f"{h}# {theme}", ""]
        for section in sections:
            if bank.level != "theme":
                lines += [f"{h}## {section.label}", ""]
            if not section.quotes:
                lines += [f"_{bank.rule_text()}_", ""]
            for quote in section.quotes:
                lines += [f"> {quote_line(quote, cite_lines)}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def quote_rows(bank: QuoteBank) -> list[dict[str, Any]]:
    rows = []
    for section in bank.sections:
        for q in section.quotes:
            rows.append(
                {
                    "theme": section.theme,
                    "subtheme": section.label if bank.level != "theme" else "",
                    "code_id": section.code_id,
                    "rank": q.rank,
                    "quote": q.text,
                    "attribution": q.attribution,
                    "participant": q.participant,
                    "transcript": q.transcript_id,
                    "lines": q.lines,
                    "words": q.words,
                    "exemplar": "yes" if q.exemplar else "no",
                    "selected_by": q.selected_by,
                    "trimmed": "yes" if q.trimmed else "no",
                }
            )
    return rows


def quotes_csv(bank: QuoteBank) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(QUOTE_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(quote_rows(bank))
    return buffer.getvalue()


def quotes_html(bank: QuoteBank, *, cite_lines: bool = False, base_level: int = 1) -> str:
    def h(level: int, text: str) -> str:
        n = min(6, base_level + level)
        return f"<h{n}>{html.escape(text)}</h{n}>"

    parts = [h(0, bank.title)]
    for theme, sections in bank.themes:
        parts.append(h(1, theme))
        for section in sections:
            if bank.level != "theme":
                parts.append(h(2, section.label))
            if not section.quotes:
                parts.append(f'<p class="note">{html.escape(bank.rule_text())}</p>')
            for quote in section.quotes:
                parts.append(
                    f"<blockquote>{html.escape(quote.text)}"
                    f' <span class="attribution">{html.escape(quote.attribution)}</span>'
                    + (f" <small>{html.escape(quote.citation())}</small>" if cite_lines else "")
                    + "</blockquote>"
                )
    return "\n".join(parts) + "\n"


def add_quotes_to_docx(
    document: Any, bank: QuoteBank, *, cite_lines: bool = False, base_level: int = 1
) -> None:
    document.add_heading(bank.title, level=base_level)
    for theme, sections in bank.themes:
        document.add_heading(theme, level=min(9, base_level + 1))
        for section in sections:
            if bank.level != "theme":
                document.add_heading(section.label, level=min(9, base_level + 2))
            if not section.quotes:
                document.add_paragraph(bank.rule_text()).runs[0].italic = True
            for quote in section.quotes:
                try:
                    paragraph = document.add_paragraph(style="Quote")
                except KeyError:  # a template without the Quote style
                    paragraph = document.add_paragraph()
                paragraph.add_run(quote.text + " ")
                paragraph.add_run(quote.attribution)
                if cite_lines:
                    paragraph.add_run(" " + quote.citation())


def write_quotes_docx(bank: QuoteBank, path: Path | BinaryIO, *, cite_lines: bool = False) -> None:
    from themekit.files.docx import new_docx

    document = new_docx()
    add_quotes_to_docx(document, bank, cite_lines=cite_lines)
    document.save(save_target(path))


def write_quotes_xlsx(bank: QuoteBank, path: Path | BinaryIO) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Quotes"
    sheet.append(list(QUOTE_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in quote_rows(bank):
        sheet.append([row[c] for c in QUOTE_COLUMNS])
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip(
        "ABCDEFGHIJKLM", (18, 30, 16, 6, 70, 24, 10, 10, 8, 7, 9, 22, 8), strict=True
    ):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    book.save(save_target(path))
