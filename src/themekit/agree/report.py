"""An agreement report as plain data, and its renderings (JSON, CSV, Markdown, rich).

The caller (the ``themekit agree`` command) builds the unit matrices from the project
store, runs ``themekit.agree.coefficients`` and ``themekit.agree.bootstrap`` and hands
the results here together with plain metadata: coder names, code ids/paths/labels and
which transcripts were included and why. Nothing here reads the store.

Every renderer goes through ``AgreementReport.rows()``, one flat row per code plus the
pooled rows, so the formats cannot disagree; domains (``DomainAgreement``, with their
notes) and NVivo-style rows per source (``SourceRow``) appear in every format too. The
terminal table is compact by default (counts, percent agreement, kappa or alpha with
its interval, 100 columns) and ``summary()`` reads it in one plain-language line.
Undefined figures are written as their note ("n/a: no variation"); JSON is produced
with ``allow_nan=False`` so a NaN could never slip into a file.

``threshold_failures`` answers ``--min-alpha`` / ``--min-kappa``: which pooled figure
fell short (the CLI turns a non-empty answer into exit code 3).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from themekit.agree.bootstrap import BootstrapResult, Interval
from themekit.agree.coefficients import (
    LABELS,
    NEEDS_TWO_CODERS,
    AgreementResult,
    Coefficient,
    DecisionCounts,
)

SCOPE_CODE = "code"
SCOPE_POOLED = "pooled"
SCOPE_MEAN = "mean over codes"
SCOPE_DOMAIN = "domain"
SCOPE_SOURCE = "code in source"

# Short column headings for the Markdown and terminal tables.
SHORT_LABELS: dict[str, str] = {
    "percent_agreement": "% agree",
    "cohen_kappa": "Cohen κ",
    "fleiss_kappa": "Fleiss κ",
    "krippendorff_alpha": "Kripp. α",
    "krippendorff_alpha_ordinal": "α ordinal",
    "krippendorff_alpha_interval": "α interval",
    "krippendorff_alpha_ratio": "α ratio",
    "conger_kappa": "Conger κ",
    "scott_pi": "Scott π",
    "gwet_ac1": "Gwet AC1",
    "brennan_prediger": "B-P",
    "bangdiwala_b": "Bangd. B",
    "percent_agreement_weighted": "% agree (w)",
    "cohen_kappa_weighted": "Cohen κw",
    "fleiss_kappa_weighted": "Fleiss κw",
    "conger_kappa_weighted": "Conger κw",
    "gwet_ac2": "Gwet AC2",
    "brennan_prediger_weighted": "B-P (w)",
    "prevalence_index": "Prev. idx",
    "bias_index": "Bias idx",
}
COUNT_FIELDS = ("units", "both", "a_only", "b_only", "neither")
COMPACT_WIDTH = 100  # the default terminal table and its notes fit this many columns


@dataclass(frozen=True)
class CodeInfo:
    """What a reader needs to recognise a code."""

    code_id: str
    path: str
    label: str


@dataclass(frozen=True)
class TranscriptNote:
    """Whether a transcript was included in the comparison, and why (not)."""

    transcript: str
    included: bool
    reason: str


@dataclass(frozen=True)
class DomainAgreement:
    """Domain mode: the children of ``parent`` as categories of one nominal variable."""

    parent: CodeInfo
    categories: tuple[str, ...]
    units: int
    coefficients: dict[str, Coefficient]
    confusion: tuple[tuple[int, ...], ...] | None = None  # two coders: rows A, columns B
    intervals: dict[str, Interval] | None = None
    notes: tuple[str, ...] = ()  # what was folded, left out and why


@dataclass(frozen=True)
class SourceRow:
    """NVivo's coding comparison row: one code in one source (character counts)."""

    code: CodeInfo
    transcript: str
    counts: DecisionCounts
    coefficients: dict[str, Coefficient]  # percent_agreement and cohen_kappa

    def cells(self, digits: int) -> list[str]:
        """The row as every format shows it: code, source, the four counts, % and kappa."""
        c = self.counts
        return [
            self.code.path,
            self.transcript,
            str(c.both),
            str(c.a_only),
            str(c.b_only),
            str(c.neither),
            self.coefficients["percent_agreement"].format(digits),
            self.coefficients["cohen_kappa"].format(digits),
        ]


@dataclass(frozen=True)
class ThresholdFailure:
    """A pooled figure below its threshold (or undefined, so it cannot be checked)."""

    option: str
    coefficient: str
    value: float | None
    threshold: float
    note: str | None = None

    @property
    def message(self) -> str:
        label = LABELS[self.coefficient]
        if self.value is None:
            return f"pooled {label} is {self.note}, so {self.option} {self.threshold:g} is not met"
        return f"pooled {label} {self.value:.3f} is below {self.option} {self.threshold:g}"


def _coefficient_json(value: Coefficient, interval: Interval | None) -> dict[str, Any]:
    data: dict[str, Any] = {"value": value.value, "note": value.note}
    if interval is not None:
        data["ci"] = {
            "low": interval.low,
            "high": interval.high,
            "undefined_resamples": interval.undefined,
            "note": interval.note,
        }
    return data


def _row_json(row: dict[str, Any]) -> dict[str, Any]:
    """A row of ``AgreementReport.rows()`` as JSON: names, counts and coefficients."""
    out = {key: row[key] for key in ("scope", "code_id", "path", "label")}
    out["counts"] = {key: row[key] for key in (*COUNT_FIELDS, "split")}
    out["coefficients"] = {
        name: _coefficient_json(value, interval)
        for name, (value, interval) in row["coefficients"].items()
    }
    return out


def _domain_json(d: DomainAgreement) -> dict[str, Any]:
    return {
        "parent": {"code_id": d.parent.code_id, "path": d.parent.path},
        "categories": list(d.categories),
        "units": d.units,
        "coefficients": {
            name: _coefficient_json(value, (d.intervals or {}).get(name))
            for name, value in d.coefficients.items()
        },
        "confusion": [list(r) for r in d.confusion] if d.confusion else None,
        "notes": list(d.notes),
    }


def _source_json(r: SourceRow) -> dict[str, Any]:
    return {
        "code_id": r.code.code_id,
        "path": r.code.path,
        "transcript": r.transcript,
        "counts": {
            "characters": r.counts.units,
            "both": r.counts.both,
            "a_only": r.counts.a_only,
            "b_only": r.counts.b_only,
            "neither": r.counts.neither,
        },
        "coefficients": {
            name: {"value": value.value, "note": value.note}
            for name, value in r.coefficients.items()
        },
    }


@dataclass
class AgreementReport:
    """Everything ``themekit agree`` reports, ready to render."""

    coders: tuple[str, ...]
    unit: str  # "segment" or "character"
    level: str  # codebook level compared: "code", "theme" or "category"
    codes: Mapping[Hashable, CodeInfo]
    result: AgreementResult
    transcripts: tuple[TranscriptNote, ...] = ()
    intervals: BootstrapResult | None = None
    domains: tuple[DomainAgreement, ...] = ()
    segmentation: str = ""  # how segment units were cut ("sentence", "turn", ...)
    digits: int = 3
    columns: tuple[str, ...] | None = None  # coefficient keys to show; None: all that apply
    extra: dict[str, Any] = field(default_factory=dict)
    sources: tuple[SourceRow, ...] = ()  # per code and transcript (NVivo-style)
    pool: str = "all-codes"  # which codes the pooled figures cover: all-codes | used-codes
    pooled_codes: tuple[Hashable, ...] | None = None  # None: every code
    under: str | None = None  # the branch the run was restricted to
    notes: tuple[str, ...] = ()  # what the figures cover and what was left out
    show_all: bool = False  # terminal table: every coefficient and count (else compact)

    # -- data --------------------------------------------------------------------------

    def coefficient_names(self) -> list[str]:
        """Coefficients worth a column: leaves out two-coder ones when there are more coders."""
        present = set(self.result.micro.coefficients)
        if self.columns is not None:
            unknown = [name for name in self.columns if name not in LABELS]
            if unknown:
                raise ValueError(f"unknown coefficient(s): {', '.join(unknown)}")
            present &= set(self.columns)
        names = [name for name in LABELS if name in present]
        if len(self.coders) != 2:
            names = [
                name
                for name in names
                if self.result.micro.coefficients[name].note != NEEDS_TWO_CODERS
            ]
        return names

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per code, then the pooled row and the mean-over-codes row."""
        intervals = self.intervals
        rows: list[dict[str, Any]] = []
        for code, agreement in self.result.per_code.items():
            info = self.codes.get(code, CodeInfo(str(code), str(code), str(code)))
            rows.append(
                self._row(
                    SCOPE_CODE,
                    info,
                    agreement.counts,
                    agreement.coefficients,
                    intervals.per_code.get(code) if intervals else None,
                )
            )
        pooled = CodeInfo("", self._pooled_label(), "pooled")
        rows.append(
            self._row(
                SCOPE_POOLED,
                pooled,
                self.result.micro.counts,
                self.result.micro.coefficients,
                intervals.micro if intervals else None,
            )
        )
        mean = CodeInfo("", self._pooled_label(mean=True), "mean over codes")
        rows.append(
            self._row(
                SCOPE_MEAN, mean, None, self.result.macro, intervals.macro if intervals else None
            )
        )
        return rows

    def _pooled_label(self, *, mean: bool = False) -> str:
        total = len(self.result.per_code)
        if self.pool == "used-codes" and self.pooled_codes is not None:
            used = len(self.pooled_codes)
            if mean:
                return f"(mean over the {used} of {total} codes used)"
            return f"({used} of {total} codes used, pooled)"
        return "(mean over codes)" if mean else "(all codes, pooled)"

    def summary(self) -> str:
        """One plain-language line: how many codes reach which band, and the lowest.

        Kappa (two coders) is read with Landis & Koch's (1977) bands; alpha (three or
        more coders) with Krippendorff's (2004) 0.667 and 0.800 cut-offs.
        """
        two = len(self.coders) == 2
        name = "cohen_kappa" if two else "krippendorff_alpha"
        figures = [
            (self.codes.get(code, CodeInfo(str(code), str(code), str(code))).path, row)
            for code, row in self.result.per_code.items()
        ]
        defined = [
            (path, row.coefficients[name].value)
            for path, row in figures
            if name in row.coefficients and row.coefficients[name].value is not None
        ]
        undefined = len(figures) - len(defined)
        if not defined:
            return f"{LABELS[name]} is undefined for every code (n/a); see the notes per code."
        if two:
            good = sum(1 for _, v in defined if v is not None and v > 0.60)
            text = (
                f"Substantial or better agreement (Cohen's kappa > 0.60, Landis & Koch 1977)"
                f" on {good} of {len(figures)} codes"
            )
        else:
            good = sum(1 for _, v in defined if v is not None and v >= 0.800)
            tentative = sum(1 for _, v in defined if v is not None and 0.667 <= v < 0.800)
            text = (
                f"Krippendorff's alpha >= 0.800 on {good} of {len(figures)} codes,"
                f" 0.667 to 0.800 (tentative conclusions only) on {tentative}"
            )
        lowest_path, lowest = min(defined, key=lambda item: float(item[1] or 0.0))
        assert lowest is not None
        text += f"; lowest: {lowest_path} ({lowest:.{self.digits}f}"
        text += f", {landis_koch(lowest)})" if two else ")"
        if undefined:
            text += f"; n/a on {undefined}"
        return text + "."

    def _row(
        self,
        scope: str,
        info: CodeInfo,
        counts: DecisionCounts | None,
        coefficients: Mapping[str, Coefficient],
        intervals: Mapping[str, Interval] | None,
    ) -> dict[str, Any]:
        row: dict[str, Any] = {
            "scope": scope,
            "code_id": info.code_id,
            "path": info.path,
            "label": info.label,
        }
        for name in COUNT_FIELDS:
            row[name] = getattr(counts, name) if counts is not None else None
        row["split"] = counts.split if counts is not None else None
        row["coefficients"] = {
            name: (coefficients[name], intervals.get(name) if intervals else None)
            for name in self.coefficient_names()
            if name in coefficients
        }
        return row

    # -- renderers ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        rows = self.rows()
        data: dict[str, Any] = {
            "coders": list(self.coders),
            "unit": self.unit,
            "level": self.level,
            "under": self.under,
            "pooling": {
                "choice": self.pool,
                "codes": [str(c) for c in self.pooled_codes]
                if self.pooled_codes is not None
                else [str(c) for c in self.result.per_code],
            },
            "summary": self.summary(),
            "notes": list(self.notes),
            "segmentation": self.segmentation,
            "percent_agreement_definition": (
                "mean over units rated by two or more coders of the share of agreeing "
                "coder pairs (Fleiss' P-bar)"
            ),
            "transcripts": [
                {"transcript": t.transcript, "included": t.included, "reason": t.reason}
                for t in self.transcripts
            ],
            "per_code": [_row_json(r) for r in rows if r["scope"] == SCOPE_CODE],
            "pooled": _row_json(next(r for r in rows if r["scope"] == SCOPE_POOLED)),
            "mean_over_codes": _row_json(next(r for r in rows if r["scope"] == SCOPE_MEAN)),
        }
        if self.intervals is not None:
            data["bootstrap"] = {
                "level": self.intervals.level,
                "resamples": self.intervals.resamples,
                "seed": self.intervals.seed,
                "method": "percentile, resampling units with replacement",
            }
        if self.domains:
            data["domains"] = [_domain_json(d) for d in self.domains]
        if self.sources:
            data["by_source"] = [_source_json(r) for r in self.sources]
        data.update(self.extra)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)

    def to_csv(self) -> str:
        """One line per code plus pooled lines; each coefficient has value, low, high columns."""
        rows = self.rows()
        names = self.coefficient_names()
        # Domain figures and rows per source share the file: their coefficients get
        # columns too, and the scope column says which kind of row a line is.
        for domain in self.domains:
            names += [n for n in LABELS if n in domain.coefficients and n not in names]
        for domain in self.domains:
            rows.append(
                {
                    "scope": SCOPE_DOMAIN,
                    "code_id": domain.parent.code_id,
                    "path": domain.parent.path,
                    "label": domain.parent.label,
                    **{key: None for key in (*COUNT_FIELDS, "split")},
                    "units": domain.units,
                    "coefficients": {
                        name: (value, (domain.intervals or {}).get(name))
                        for name, value in domain.coefficients.items()
                    },
                    "note": "; ".join(domain.notes),
                }
            )
        for source in self.sources:
            rows.append(
                {
                    "scope": SCOPE_SOURCE,
                    "code_id": source.code.code_id,
                    "path": source.code.path,
                    "label": source.code.label,
                    "transcript": source.transcript,
                    **{key: getattr(source.counts, key) for key in COUNT_FIELDS},
                    "split": source.counts.split,
                    "coefficients": {n: (v, None) for n, v in source.coefficients.items()},
                }
            )
        header = ["scope", "code_id", "path", "label", *COUNT_FIELDS, "split"]
        if self.sources:
            header.insert(4, "transcript")
        fixed = len(header)
        for name in names:
            header += [name, f"{name}_ci_low", f"{name}_ci_high"]
        if self.domains or self.notes:
            header.append("note")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            line: list[Any] = [row.get(key) for key in header[:fixed]]
            line = ["" if cell is None else cell for cell in line]
            for name in names:
                value, interval = row["coefficients"].get(name, (None, None))
                if value is None:
                    line += ["", "", ""]
                    continue
                line.append(_plain(value))
                line += _interval_cells(interval)
            if self.domains or self.notes:
                note = row.get("note")
                if note is None and row["scope"] == SCOPE_POOLED:
                    note = "; ".join(self.notes)
                line.append(note or "")
            writer.writerow(line)
        return buffer.getvalue()

    def _header_lines(self) -> list[str]:
        unit = f"{self.unit} ({self.segmentation})" if self.segmentation else self.unit
        lines = [f"Coders: {', '.join(self.coders)}. Unit: {unit}. Level: {self.level}."]
        if self.under is not None:
            lines.append(f"Only codes under {self.under}.")
        included = [t for t in self.transcripts if t.included]
        excluded = [t for t in self.transcripts if not t.included]
        if self.transcripts:
            lines.append(f"Transcripts compared: {len(included)}; left out: {len(excluded)}.")
        if self.intervals is not None:
            lines.append(
                f"Intervals: {self.intervals.level:.0%} percentile bootstrap, "
                f"{self.intervals.resamples} resamples of units, seed {self.intervals.seed}."
            )
        return lines

    def _cell(self, value: Coefficient, interval: Interval | None) -> str:
        text = value.format(self.digits)
        if value.value is not None and interval is not None and interval.defined:
            text += f" {interval.format(self.digits - 1)}"
        return text

    def _only_headings(self) -> list[str]:
        """ "ana only", "ben only": the coders' names, not A and B."""
        if len(self.coders) == 2:
            return [f"{self.coders[0]} only", f"{self.coders[1]} only"]
        return ["A only", "B only"]

    def to_markdown(self) -> str:
        names = self.coefficient_names()
        lines = [*self._header_lines(), ""]
        head = ["Code", "Units", "Both", *self._only_headings(), "Neither"]
        if len(self.coders) != 2:
            head = ["Code", "Units", "All present", "Split", "All absent"]
        head += [SHORT_LABELS[name] for name in names]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
        for row in self.rows():
            label = row["path"] if row["scope"] == SCOPE_CODE else f"**{row['path']}**"
            if len(self.coders) == 2:
                counts = [row[key] for key in COUNT_FIELDS]
            else:
                counts = [row["units"], row["both"], row["split"], row["neither"]]
            cells = [_md_escape(label)] + ["" if c is None else str(c) for c in counts]
            cells += [
                self._cell(*row["coefficients"][name]) if name in row["coefficients"] else ""
                for name in names
            ]
            lines.append("| " + " | ".join(cells) + " |")
        lines += ["", self.summary()]
        notes = sorted(
            {
                value.note
                for row in self.rows()
                for value, _ in row["coefficients"].values()
                if value.value is not None and value.note
            }
        )
        for note in [*self.notes, *notes]:
            lines.append(f"\nNote: {_md_escape(note)}.")
        for domain in self.domains:
            lines += ["", *self._domain_markdown(domain)]
        if self.sources:
            lines += ["", *self._sources_markdown()]
        excluded = [t for t in self.transcripts if not t.included]
        if excluded:
            lines += ["", "Transcripts left out:", ""]
            lines += [f"- {_md_escape(t.transcript)}: {_md_escape(t.reason)}" for t in excluded]
        return "\n".join(lines) + "\n"

    def _domain_markdown(self, domain: DomainAgreement) -> list[str]:
        lines = [
            f"### Domain: {_md_escape(domain.parent.path)} "
            f"({len(domain.categories)} categories, {domain.units} units)",
            "",
            "| Coefficient | Value |",
            "|---|---:|",
        ]
        for name, value in domain.coefficients.items():
            interval = (domain.intervals or {}).get(name)
            lines.append(f"| {LABELS[name]} | {self._cell(value, interval)} |")
        if domain.confusion is not None:
            a, b = (self.coders + ("A", "B"))[:2]
            lines += ["", f"Rows: {_md_escape(a)}; columns: {_md_escape(b)}.", ""]
            lines.append("| | " + " | ".join(_md_escape(c) for c in domain.categories) + " |")
            lines.append("|---|" + "---:|" * len(domain.categories))
            for category, counts in zip(domain.categories, domain.confusion, strict=True):
                lines.append(
                    f"| {_md_escape(category)} | " + " | ".join(str(c) for c in counts) + " |"
                )
        for note in domain.notes:
            lines.append(f"\nNote: {_md_escape(note)}.")
        return lines

    def _sources_markdown(self) -> list[str]:
        a, b = (self.coders + ("A", "B"))[:2]
        lines = [
            "### By source (characters, as NVivo's coding comparison)",
            "",
            f"| Code | Source | Characters | Both | {_md_escape(a)} only |"
            f" {_md_escape(b)} only | Neither | % agree | Cohen κ |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in self.sources:
            c = r.counts
            lines.append(
                f"| {_md_escape(r.code.path)} | {_md_escape(r.transcript)} | {c.units} | {c.both}"
                f" | {c.a_only} | {c.b_only} | {c.neither}"
                f" | {r.coefficients['percent_agreement'].format(self.digits)}"
                f" | {r.coefficients['cohen_kappa'].format(self.digits)} |"
            )
        return lines

    def to_rich_table(self) -> Any:
        """A ``rich.table.Table`` of the per-code and pooled rows.

        Compact unless ``show_all``: counts, percent agreement and one chance-corrected
        figure with its interval (Cohen's kappa for two coders, Krippendorff's alpha for
        more), which fits 100 columns; ``show_all`` shows every coefficient.
        """
        from rich.table import Table

        two = len(self.coders) == 2
        if self.show_all:
            names = self.coefficient_names()
        else:
            main = "cohen_kappa" if two else "krippendorff_alpha"
            names = [n for n in ("percent_agreement", main) if n in self.coefficient_names()]
        table = Table(title="Inter-coder agreement", caption=" ".join(self._header_lines()))
        if not self.show_all:
            # A fixed width: the Code column takes what the figures leave of 100 columns;
            # the caption goes under the table as wrapped text (see ``to_rich``).
            table.width = COMPACT_WIDTH
            table.caption = None
        table.add_column("Code", overflow="fold", ratio=1)
        if self.show_all:
            table.add_column("Units", justify="right")
        if two:
            for heading in ("Both", *self._only_headings(), "Neither"):
                table.add_column(heading, justify="right")
        else:
            for heading in ("All present", "Split", "All absent"):
                table.add_column(heading, justify="right")
        for name in names:
            heading = SHORT_LABELS[name]
            if not self.show_all and name != "percent_agreement" and self.intervals:
                heading += f" [{self.intervals.level:.0%} CI]"
            table.add_column(heading, justify="right", no_wrap=not self.show_all)
        rows = self.rows()
        last_code = max((i for i, r in enumerate(rows) if r["scope"] == SCOPE_CODE), default=-1)
        for index, row in enumerate(rows):
            if two:
                counts = [row[key] for key in COUNT_FIELDS[1:]]
            else:
                counts = [row["both"], row["split"], row["neither"]]
            cells = [row["path"]]
            if self.show_all:
                cells.append("" if row["units"] is None else str(row["units"]))
            cells += ["" if c is None else str(c) for c in counts]
            for name in names:
                if name not in row["coefficients"]:
                    cells.append("")
                    continue
                value, interval = row["coefficients"][name]
                if not self.show_all and name == "percent_agreement":
                    interval = None  # the compact table gives one interval: kappa's/alpha's
                cells.append(self._cell(value, interval))
            table.add_row(*cells, end_section=index == last_code)
        return table

    def to_rich(self) -> Any:
        """Everything for the terminal: the table, the summary line, notes, domains and
        rows per source, as one ``rich`` renderable."""
        import textwrap

        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        def lines(text: str) -> Text:
            return Text(textwrap.fill(text, COMPACT_WIDTH))

        parts: list[Any] = [self.to_rich_table()]
        if not self.show_all:
            parts.append(lines(" ".join(self._header_lines())))
        parts.append(lines(self.summary()))
        for note in self.notes:
            parts.append(lines(f"Note: {note}."))
        for domain in self.domains:
            table = Table(
                title=f"Domain: {domain.parent.path}",
                caption=f"{len(domain.categories)} categories, {domain.units} units"
                " rated by two or more coders",
            )
            table.add_column("Coefficient")
            table.add_column("Value", justify="right")
            for name, value in domain.coefficients.items():
                interval = (domain.intervals or {}).get(name)
                table.add_row(LABELS[name], self._cell(value, interval))
            parts.append(table)
            if domain.confusion is not None:
                a, b = (self.coders + ("A", "B"))[:2]
                matrix = Table(title=f"Rows: {a}; columns: {b}")
                matrix.add_column("")
                for category in domain.categories:
                    matrix.add_column(category, justify="right")
                for category, counts in zip(domain.categories, domain.confusion, strict=True):
                    matrix.add_row(category, *(str(c) for c in counts))
                parts.append(matrix)
            for note in domain.notes:
                parts.append(lines(f"Note: {note}."))
        if self.sources:
            a, b = (self.coders + ("A", "B"))[:2]
            table = Table(title="By source (characters, as NVivo's coding comparison)")
            for heading in ("Code", "Source"):
                table.add_column(heading, overflow="fold")
            for heading in ("Both", f"{a} only", f"{b} only", "Neither", "% agree", "Cohen κ"):
                table.add_column(heading, justify="right")
            for r in self.sources:
                table.add_row(*r.cells(self.digits))
            parts.append(table)
        return Group(*parts)


def landis_koch(kappa: float) -> str:
    """Landis & Koch's (1977, p. 165) label for a kappa value."""
    if kappa < 0:
        return "poor"
    for limit, label in (
        (0.20, "slight"),
        (0.40, "fair"),
        (0.60, "moderate"),
        (0.80, "substantial"),
    ):
        if kappa <= limit:
            return label
    return "almost perfect"


def _plain(value: Coefficient) -> str:
    return repr(value.value) if value.value is not None else str(value.note)


def _interval_cells(interval: Interval | None) -> list[str]:
    if interval is None:
        return ["", ""]
    if not interval.defined:
        return [str(interval.note), str(interval.note)]
    return [repr(interval.low), repr(interval.high)]


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def threshold_failures(
    result: AgreementResult,
    *,
    min_alpha: float | None = None,
    min_kappa: float | None = None,
) -> list[ThresholdFailure]:
    """Pooled (micro) figures below ``--min-alpha`` / ``--min-kappa``; empty when all pass.

    ``--min-kappa`` checks Cohen's kappa with two coders and Fleiss' kappa with more.
    An undefined pooled figure fails: a threshold that cannot be checked is not met.
    """
    checks: list[tuple[str, str, float]] = []
    if min_alpha is not None:
        checks.append(("--min-alpha", "krippendorff_alpha", min_alpha))
    if min_kappa is not None:
        kappa = "cohen_kappa" if result.n_coders == 2 else "fleiss_kappa"
        checks.append(("--min-kappa", kappa, min_kappa))
    failures: list[ThresholdFailure] = []
    for option, name, threshold in checks:
        figure = result.micro.coefficients[name]
        if figure.value is None or figure.value < threshold:
            failures.append(ThresholdFailure(option, name, figure.value, threshold, figure.note))
    return failures


def domain_agreement(
    parent: CodeInfo,
    categories: Sequence[str],
    units: int,
    coefficients: Mapping[str, Coefficient],
    confusion: Any = None,
    intervals: Mapping[str, Interval] | None = None,
    *,
    notes: Sequence[str] = (),
) -> DomainAgreement:
    """Build a ``DomainAgreement`` from plain values (confusion may be a numpy array)."""
    matrix = None
    if confusion is not None:
        matrix = tuple(tuple(int(c) for c in row) for row in confusion)
    return DomainAgreement(
        parent,
        tuple(categories),
        int(units),
        dict(coefficients),
        matrix,
        dict(intervals) if intervals is not None else None,
        tuple(notes),
    )
