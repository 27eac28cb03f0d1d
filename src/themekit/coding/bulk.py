"""Applying codings from a table (.csv or .xlsx), all or nothing.

A bulk file has one row per coding (or per range of lines):

========== =========================================================================
column     meaning
========== =========================================================================
transcript transcript id (required)
line       a line number, or a range ``12-15`` (required); a range codes every
           codable line in it, skipping interviewer lines between the first and last
code       a code id, or a path ``Benefits > Filling a previous gap in services``
           (``\\`` also separates) (required); interviewer lines and headers
           cannot be coded
memo       a memo stored on each coding (optional)
coder      who coded it (optional): used when ``--coder`` is not given; when both
           are, they must agree
span_start absolute character offsets into the transcript text, for a coding of
span_end   part of a line (optional, both or neither, single lines only)
uid        the coding's id (optional, single lines only): a codings export carries
           it, so applying an export elsewhere reproduces the same codings
========== =========================================================================

Other columns are ignored, so a ``themekit codings export`` file applies as it is.

The design is two passes. ``plan_bulk_apply`` reads and validates every row against
the project (transcripts, lines, codebook, existing codings) without writing, and
collects every problem with its row number (the spreadsheet row: the header is row
1); any problem raises one ``BulkApplyError`` listing them all. ``apply_plan`` then
writes everything in one transaction, with an audit entry per coding plus one
summary entry, so a crash or a kill leaves either the whole file applied or none of
it. A coding that is already present (same coder, line, code and span) is left as
it is and counted, so applying the same file twice is harmless.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from themekit.coding.service import resolve_code
from themekit.errors import BulkApplyError, CodingError, InputFileError
from themekit.files.tables import TABLE_SUFFIXES, read_table
from themekit.model.codebook import Codebook, CodeEntry
from themekit.model.rows import SegmentRow

if TYPE_CHECKING:
    from themekit.project import Project
    from themekit.store import Store

REQUIRED_COLUMNS = ("transcript", "line", "code")
OPTIONAL_COLUMNS = ("memo", "coder", "span_start", "span_end", "uid")

_SINGLE = re.compile(r"^(\d+)(?:\.0+)?$")  # spreadsheets turn 12 into 12.0
_RANGE = re.compile(r"^(\d+)\s*[-\u2013\u2014]\s*(\d+)$")  # hyphen, en dash, em dash

# One file row: its number in the file and its cells by normalised column name.
Row = tuple[int, dict[str, str]]


@dataclass(frozen=True)
class PlannedCoding:
    """One coding a bulk file asks for, checked against the project."""

    row: int
    transcript_id: str
    segment_id: int
    line: int
    code_id: str
    coder: str
    span: tuple[int, int] | None
    memo: str | None
    uid: str | None


@dataclass
class BulkPlan:
    """Everything a valid bulk file will do, worked out before anything is written."""

    source: str
    codebook_version: int
    new: list[PlannedCoding] = field(default_factory=list)
    already_present: int = 0
    transcripts: list[str] = field(default_factory=list)  # every transcript in the file
    done_pairs: list[tuple[str, str]] = field(default_factory=list)  # (transcript, coder)
    other_coders_rows: int = 0  # rows left out because --coder picked another coder


@dataclass(frozen=True)
class BulkResult:
    source: str
    applied: int
    already_present: int
    transcripts: list[str]
    coders: list[str]
    marked_done: list[tuple[str, str]]
    other_coders_rows: int = 0

    def summary(self) -> str:
        """The line the CLI prints: ``Applied N codings to T transcripts (K already present)``."""
        n, t = self.applied, len(self.transcripts)
        skipped = (
            f"; {self.other_coders_rows} rows by other coders left out"
            if self.other_coders_rows
            else ""
        )
        return (
            f"Applied {n} coding{'' if n == 1 else 's'} to {t} transcript{'' if t == 1 else 's'}"
            f" ({self.already_present} already present{skipped})"
        )


# -- reading ------------------------------------------------------------------------------
def _normalise_header(name: object) -> str:
    return str(name or "").strip().lower().replace(" ", "_")


def _read_table(path: Path) -> tuple[list[str], list[Row]]:
    """A CSV/TSV/XLSX bulk file: its header and its non-blank rows by spreadsheet row."""
    table = read_table(path)
    if table.header is None:
        return [], []
    header = [_normalise_header(h) for h in table.header.cells]
    rows: list[Row] = [
        (row.number, {header[i]: v for i, v in enumerate(row.cells) if i < len(header)})
        for row in table.body()
    ]
    return header, rows


def _read_json(path: Path) -> tuple[list[str], list[Row]]:
    """A list of objects, as ``themekit codings export --format json`` writes it."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(
            path,
            f"is not readable JSON ({type(exc).__name__})",
            hint="Export the codings again as JSON.",
            next_step="codings.export_json",
        ) from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InputFileError(
            path,
            "is not a list of codings",
            hint="Export the codings again as JSON.",
            next_step="codings.export_json",
        )
    header: list[str] = []
    rows: list[Row] = []
    for number, item in enumerate(data, start=1):
        cells = {_normalise_header(k): "" if v is None else str(v) for k, v in item.items()}
        for key in cells:
            if key not in header:
                header.append(key)
        rows.append((number, cells))
    return header, rows


def read_bulk_file(path: str | Path) -> list[Row]:
    """The rows of a bulk file, with their file row numbers; file-level problems raise."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        header, rows = _read_table(path)
    elif suffix == ".json":
        header, rows = _read_json(path)
    else:
        raise InputFileError(
            path,
            f"unsupported file type '{path.suffix}'",
            hint="Use a .csv, .xlsx or .json file (as a codings export writes).",
            next_step="codings.file_types",
        )
    if not header or not any(header):
        raise InputFileError(
            path, "is empty", hint="Add a header row: transcript,line,code (memo optional)."
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        found = ", ".join(h for h in header if h) or "none"
        raise InputFileError(
            path,
            f"has no {', '.join(repr(m) for m in missing)} column"
            f"{'s' if len(missing) > 1 else ''} (found: {found})",
            hint="A bulk file needs the columns transcript, line and code.",
        )
    if not rows:
        raise InputFileError(path, "has a header but no rows", hint="Add one row per coding.")
    return rows


# -- validating ---------------------------------------------------------------------------
class _RowProblem(Exception):
    """A problem with one row; collected, never shown on its own."""


def _parse_lines(text: str) -> tuple[int, int]:
    value = text.strip()
    if not value:
        raise _RowProblem("missing line")
    single = _SINGLE.match(value)
    if single:
        line = int(single.group(1))
        return line, line
    span = _RANGE.match(value)
    if span:
        first, last = int(span.group(1)), int(span.group(2))
        if first > last:
            raise _RowProblem(f"bad line range '{value}' (the first line is after the last)")
        return first, last
    raise _RowProblem(f"line '{value}' is not a line number or a range like 12-15")


def _parse_offset(text: str, column: str) -> int:
    value = text.strip()
    match = _SINGLE.match(value)
    if not match:
        raise _RowProblem(f"{column} '{value}' is not a character offset")
    return int(match.group(1))


def _target_segments(
    segments: dict[int, SegmentRow],
    transcript_id: str,
    lines: tuple[int, int],
    is_range: bool,
    span: tuple[int, int] | None,
    uid: str | None,
) -> list[SegmentRow]:
    """The codable segments a row's line (or line range) names, its span checked."""
    first, last = lines
    for line in (first, last):
        if line not in segments:
            raise _RowProblem(f"transcript '{transcript_id}' has no line {line}")
    if is_range and span is not None:
        raise _RowProblem(f"a span needs a single line, not the range {first}-{last}")
    if is_range and uid is not None:
        raise _RowProblem(f"a uid needs a single line, not the range {first}-{last}")
    if is_range:
        targets = [segments[n] for n in range(first, last + 1) if n in segments]
        targets = [s for s in targets if s.codable]
        if not targets:
            raise _RowProblem(
                f"lines {first}-{last} of '{transcript_id}' are all interviewer lines (not codable)"
            )
    else:
        targets = [segments[first]]
        if not targets[0].codable:
            # Interviewer lines and headers are never coded: the app refuses them
            # and agreement ignores them, so a table must not slip them in.
            who = targets[0].speaker or "a header"
            raise _RowProblem(f"line {first} of '{transcript_id}' is not codable ({who})")
    if span is not None:
        seg = targets[0]
        start, end = span
        if not (seg.start <= start < end <= seg.end):
            raise _RowProblem(
                f"span {start}-{end} is not inside line {seg.line} of '{transcript_id}'"
                f" (characters {seg.start}-{seg.end})"
            )
    return targets


class _Planner:
    """Validates rows against one project, caching look-ups so 10,000 rows stay fast."""

    def __init__(
        self, store: Store, codebook: Codebook, codebook_version: int, coder: str | None
    ) -> None:
        self.store = store
        self.codebook = codebook
        self.coder = coder.strip() if coder else None
        self.plan = BulkPlan(source="", codebook_version=codebook_version)
        self._codes: dict[str, CodeEntry | str] = {}  # text -> entry, or the problem
        self._lines: dict[str, dict[int, SegmentRow] | None] = {}
        self._existing: set[tuple[str, int, str, int | None, int | None]] = set()
        self._existing_uids: dict[str, tuple[str, int, str, int | None, int | None]] = {}
        self._loaded: set[str] = set()
        self._seen: dict[tuple[str, int, str, int | None, int | None], tuple[int, str | None]] = {}
        self._seen_uids: dict[str, int] = {}
        self._transcripts: set[str] = set()
        self._done: set[tuple[str, str]] = set()

    # cached look-ups
    def _segments(self, transcript_id: str) -> dict[int, SegmentRow] | None:
        if transcript_id not in self._lines:
            if self.store.has_transcript(transcript_id):
                self._lines[transcript_id] = {s.line: s for s in self.store.segments(transcript_id)}
            else:
                self._lines[transcript_id] = None
        return self._lines[transcript_id]

    def _load_existing(self, transcript_id: str) -> None:
        if transcript_id in self._loaded:
            return
        self._loaded.add(transcript_id)
        for c in self.store.codings(transcript_id=transcript_id, include_orphaned=True):
            key = (c.coder, c.segment_id, c.code_id, c.span_start, c.span_end)
            self._existing.add(key)
            self._existing_uids[c.uid] = key

    def _code(self, text: str) -> CodeEntry:
        if text not in self._codes:
            try:
                self._codes[text] = resolve_code(self.codebook, text)
            except CodingError:
                entry = self.codebook.find(text.strip())
                if entry is not None and not entry.code.codable:
                    self._codes[text] = (
                        f"code '{entry.path_text}' is a grouping node and cannot be applied"
                    )
                else:
                    self._codes[text] = f"unknown code '{text}'"
        found = self._codes[text]
        if isinstance(found, str):
            raise _RowProblem(found)
        return found

    def _row_coder(self, cells: dict[str, str]) -> str:
        in_file = cells.get("coder", "").strip()
        if self.coder and in_file and in_file != self.coder:
            raise _RowProblem(f"coder '{in_file}' does not match the coder named, '{self.coder}'")
        coder = self.coder or in_file
        if not coder:
            raise _RowProblem("no coder (name the coder or fill the 'coder' column)")
        return coder

    # one row
    def add_row(self, number: int, cells: dict[str, str]) -> None:
        problems: list[str] = []

        def check(action: Callable[[], Any]) -> Any:
            try:
                return action()
            except _RowProblem as exc:
                problems.append(str(exc))
                return None

        transcript_id = cells.get("transcript", "").strip()
        segments = None
        if not transcript_id:
            problems.append("missing transcript")
        else:
            segments = self._segments(transcript_id)
            if segments is None:
                problems.append(f"unknown transcript '{transcript_id}'")
        lines = check(lambda: _parse_lines(cells.get("line", "")))
        code_text = cells.get("code", "").strip()
        entry = check(lambda: self._code(code_text)) if code_text else None
        if not code_text:
            problems.append("missing code")
        coder = check(lambda: self._row_coder(cells))
        span = check(lambda: self._span(cells))
        uid = cells.get("uid", "").strip() or None
        raw_memo = cells.get("memo", "")
        memo = raw_memo if raw_memo.strip() else None  # kept as written, for round trips
        if segments is None or lines is None or entry is None or coder is None or problems:
            raise _RowProblem(", ".join(problems))
        is_range = lines[0] != lines[1] or _RANGE.match(cells.get("line", "").strip()) is not None
        targets = _target_segments(segments, transcript_id, lines, is_range, span, uid)
        self._load_existing(transcript_id)
        planned: list[PlannedCoding] = []
        present = 0
        for seg in targets:
            key = (
                coder,
                seg.id,
                entry.code.id,
                span[0] if span else None,
                span[1] if span else None,
            )
            if uid is not None:
                self._check_uid(uid, key, number)
            if key in self._seen:
                earlier_row, earlier_memo = self._seen[key]
                if memo is not None and memo != earlier_memo:
                    raise _RowProblem(f"repeats row {earlier_row} with a different memo")
                present += 1
                continue
            self._seen[key] = (number, memo)
            if key in self._existing:
                present += 1
                continue
            planned.append(
                PlannedCoding(
                    row=number,
                    transcript_id=transcript_id,
                    segment_id=seg.id,
                    line=seg.line,
                    code_id=entry.code.id,
                    coder=coder,
                    span=span,
                    memo=memo,
                    uid=uid,
                )
            )
        self.plan.new.extend(planned)
        self.plan.already_present += present
        self._transcripts.add(transcript_id)
        self._done.add((transcript_id, coder))

    def _span(self, cells: dict[str, str]) -> tuple[int, int] | None:
        start_text = cells.get("span_start", "").strip()
        end_text = cells.get("span_end", "").strip()
        if not start_text and not end_text:
            return None
        if not start_text or not end_text:
            raise _RowProblem("span_start and span_end must be given together")
        start = _parse_offset(start_text, "span_start")
        end = _parse_offset(end_text, "span_end")
        if start >= end:
            raise _RowProblem(f"span {start}-{end} is empty (span_end must be after span_start)")
        return start, end

    def _check_uid(
        self, uid: str, key: tuple[str, int, str, int | None, int | None], number: int
    ) -> None:
        if uid in self._seen_uids:
            raise _RowProblem(f"uid '{uid}' repeats row {self._seen_uids[uid]}")
        owner = self._existing_uids.get(uid)
        if owner is None:
            row = self.store.coding_by_uid(uid)
            if row is not None:
                owner = (row.coder, row.segment_id, row.code_id, row.span_start, row.span_end)
        if owner is not None and owner != key:
            raise _RowProblem(f"uid '{uid}' already belongs to another coding")
        self._seen_uids[uid] = number

    def finish(self, source: str) -> BulkPlan:
        self.plan.source = source
        self.plan.transcripts = sorted(self._transcripts)
        self.plan.done_pairs = sorted(self._done)
        return self.plan


def plan_rows(
    project: Project, rows: Sequence[Row], *, source: str, coder: str | None = None
) -> BulkPlan:
    """Validate rows (from a file or built in memory); raise BulkApplyError listing all."""
    current = project.store.current_codebook()
    if current is None:
        raise CodingError(
            "No codebook is loaded in this project.",
            hint="Load a codebook first.",
            next_step="codebook.load",
        )
    version, codebook = current
    if coder is None and rows and not any((cells.get("coder") or "").strip() for _, cells in rows):
        # One line instead of the same complaint for every row.
        raise CodingError(
            f"{source}: no coder named: the file has no 'coder' column values.",
            hint="Name the coder.",
            next_step="coder.name",
        )
    other_coders = 0
    if coder is not None:
        # A table of several coders' work (a codings export): --coder picks that coder's
        # rows; rows with no coder are taken as theirs.
        in_file = {(cells.get("coder") or "").strip() for _n, cells in rows} - {""}
        if in_file and coder not in in_file:
            raise CodingError(
                f"{source}: no rows by '{coder}'"
                f" (coders in the file: {', '.join(sorted(in_file))}).",
                hint="Name one of those coders, or name none to apply every row as recorded.",
                next_step="codings.coder_in_file",
            )
        kept = [r for r in rows if (r[1].get("coder") or "").strip() in ("", coder)]
        other_coders = len(rows) - len(kept)
        rows = kept
    planner = _Planner(project.store, codebook, version, coder)
    errors: list[str] = []
    for number, cells in rows:
        try:
            planner.add_row(number, cells)
        except _RowProblem as exc:
            errors.append(f"row {number}: {exc}")
    if errors:
        raise BulkApplyError(source, errors)
    plan = planner.finish(source)
    plan.other_coders_rows = other_coders
    return plan


def plan_bulk_apply(project: Project, path: str | Path, *, coder: str | None = None) -> BulkPlan:
    """Read and validate a bulk file without writing anything."""
    return plan_rows(project, read_bulk_file(path), source=str(path), coder=coder)


# -- applying -----------------------------------------------------------------------------
def apply_plan(project: Project, plan: BulkPlan, *, done: bool = False) -> BulkResult:
    """Write a validated plan in one transaction (how="bulk"), with its audit entries."""
    store = project.store
    coders = sorted({c for _t, c in plan.done_pairs})
    if not plan.new and not done:  # nothing to write: a repeated apply leaves no trace
        return BulkResult(
            plan.source,
            0,
            plan.already_present,
            plan.transcripts,
            coders,
            [],
            plan.other_coders_rows,
        )
    applied = 0
    late_duplicates = 0
    created_at = store.now()
    with store.db.transaction():
        for coder in sorted({p.coder for p in plan.new} | {c for _t, c in plan.done_pairs}):
            store.ensure_coder(coder)
        for p in plan.new:
            if _write_planned(store, p, plan.codebook_version, created_at):
                applied += 1
            else:  # another process added it since validation
                late_duplicates += 1
        marked = _mark_done(store, plan) if done else []
        store.log(
            "coding.bulk_apply",
            actor=coders[0] if len(coders) == 1 else None,
            how="bulk",
            codebook_version=plan.codebook_version,
            details={
                "file": Path(plan.source).name,
                "applied": applied,
                "already_present": plan.already_present + late_duplicates,
                "transcripts": plan.transcripts,
                "coders": coders,
                "done": done,
            },
        )
    return BulkResult(
        source=plan.source,
        applied=applied,
        already_present=plan.already_present + late_duplicates,
        transcripts=plan.transcripts,
        coders=coders,
        marked_done=marked,
        other_coders_rows=plan.other_coders_rows,
    )


def _write_planned(store: Store, p: PlannedCoding, codebook_version: int, created_at: str) -> bool:
    """Add one planned coding with its audit entry; False if it exists by now."""
    uid = p.uid or uuid.uuid4().hex
    coding_id = store.add_coding(
        transcript_id=p.transcript_id,
        segment_id=p.segment_id,
        code_id=p.code_id,
        coder=p.coder,
        codebook_version=codebook_version,
        source="bulk",
        span=p.span,
        memo=p.memo,
        uid=uid,
        created_at=created_at,
    )
    if coding_id is None:
        return False
    details: dict[str, object] = {
        "transcript": p.transcript_id,
        "line": p.line,
        "code": p.code_id,
        "coding": uid,
        "row": p.row,
    }
    if p.span is not None:
        details["span"] = list(p.span)
    store.log(
        "coding.apply",
        actor=p.coder,
        how="bulk",
        codebook_version=codebook_version,
        details=details,
    )
    return True


def _mark_done(store: Store, plan: BulkPlan) -> list[tuple[str, str]]:
    """Mark every (transcript, coder) pair of the plan done, with audit entries."""
    marked: list[tuple[str, str]] = []
    for transcript_id, coder in plan.done_pairs:
        store.set_done(transcript_id, coder, True)
        store.log(
            "transcript.done",
            actor=coder,
            how="bulk",
            codebook_version=plan.codebook_version,
            details={"transcript": transcript_id},
        )
        marked.append((transcript_id, coder))
    return marked


def apply_bulk(
    project: Project, path: str | Path, *, coder: str | None = None, done: bool = False
) -> BulkResult:
    """Validate a whole bulk file, then apply all of it in one transaction (or nothing)."""
    return apply_plan(project, plan_bulk_apply(project, path, coder=coder), done=done)
