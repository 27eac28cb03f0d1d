"""Bringing another project's (or a bundle's) coding work into this project.

``merge_team_data`` is additive and idempotent:

* it only ever inserts rows this project lacks, and never deletes or edits one, so the
  work of every coder already here is untouched, a coder present in both projects
  keeps everything they did here, and a second merge of the same source adds nothing
  (codings are recognised by their ``uid``, or by coder, line, code and span);
* a coding that this project's coder removed after an earlier merge (the audit log
  says so) is not brought back, and is listed;
* every transcript is checked by content hash. Rows made on the same text land on the
  same lines. Rows made on a different version are re-anchored by segment text with
  ``themekit.transcripts.anchor.reanchor`` (identical text first, then fuzzy) onto this
  project's current version; what cannot be placed is kept out and listed in the
  report, never silently dropped;
* codes unknown to this project's codebook stop the merge before anything is written,
  with the list of codes: load the other codebook first (``--write-codebook``).

Everything, including the copied audit-log entries and one ``team.merge`` entry, is
written in one transaction. Listings name transcripts, lines, codes and coders but
never quote interview text.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from themekit.errors import MergeError, NextStep
from themekit.model.rows import SegmentRow
from themekit.model.transcripts import Segment
from themekit.team.bundle import BundleSegment, CodingData, SegmentNote, TeamData
from themekit.transcripts.anchor import Anchor, reanchor

if TYPE_CHECKING:
    from themekit.project import Project
    from themekit.store import Store

NOT_IN_PROJECT = "transcript not in this project"
TEXT_GONE = "its text is not in this project's version of the transcript"


@dataclass(frozen=True)
class Unplaced:
    """A row from the source that could not be placed here (kept out of the merge)."""

    kind: str  # "coding" | "memo" | "exemplar" | "progress"
    coder: str
    transcript: str
    line: int | None
    what: str  # the code id for a coding, empty otherwise
    reason: str

    def render(self) -> str:
        where = f"{self.transcript} line {self.line}" if self.line else self.transcript
        what = f"{self.kind} {self.what}" if self.what else self.kind
        return f"{where}: {what} ({self.coder}): {self.reason}"


@dataclass
class MergeReport:
    source: str
    coders: list[str]
    dry_run: bool = False
    transcripts_same: list[str] = field(default_factory=list)
    transcripts_changed: list[str] = field(default_factory=list)
    codings_added: int = 0
    codings_present: int = 0
    codings_reanchored: int = 0  # added on another line or by a fuzzy match
    codings_fuzzy: int = 0
    not_readded: list[str] = field(default_factory=list)
    removed_there_still_here: int = 0
    memos_added: int = 0
    memo_conflicts: list[str] = field(default_factory=list)
    exemplars_added: int = 0
    done_added: int = 0
    audit_added: int = 0
    unplaced: list[Unplaced] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary shown to the user (no interview text)."""
        verb = "Would merge" if self.dry_run else "Merged"
        out = [f"{verb} the work of {', '.join(self.coders) or 'no coder'} from {self.source}:"]
        out.append(
            f"  codings: {self.codings_added} added ({self.codings_reanchored} re-anchored,"
            f" {self.codings_fuzzy} by a fuzzy match), {self.codings_present} already here,"
            f" {sum(1 for u in self.unplaced if u.kind == 'coding')} could not be placed"
        )
        out.append(
            f"  memos: {self.memos_added} added, {len(self.memo_conflicts)} kept as they are"
            f" here; exemplars: {self.exemplars_added} added; done marks: {self.done_added}"
            f" added; audit entries: {self.audit_added} added"
        )
        if self.transcripts_changed:
            out.append(
                "  transcripts with a different version here (re-anchored by text): "
                + ", ".join(self.transcripts_changed)
            )
        for note in self.memo_conflicts:
            out.append(f"  memo kept as it is here: {note}")
        for uid in self.not_readded:
            out.append(f"  not added again (removed here after an earlier merge): coding {uid}")
        if self.removed_there_still_here:
            out.append(
                f"  {self.removed_there_still_here} codings removed in {self.source} are still"
                " here (a merge never deletes; remove them here if they should go)"
            )
        if self.unplaced:
            out.append(f"  not merged ({len(self.unplaced)}), review these by hand:")
            out.extend(f"    {u.render()}" for u in self.unplaced)
        return out

    @property
    def added(self) -> int:
        return (
            self.codings_added
            + self.memos_added
            + self.exemplars_added
            + self.done_added
            + self.audit_added
        )


class _DryRun(Exception):
    """Raised inside the merge transaction to roll a dry run back."""


@dataclass(frozen=True)
class _Placed:
    segment: SegmentRow
    span: tuple[int, int] | None
    moved: bool  # another line, another version's text, or fuzzy
    fuzzy: bool


def _as_segment(s: BundleSegment | SegmentRow) -> Segment:
    return Segment(s.line, s.speaker, s.turn_index, s.start, s.end, s.text, s.codable)


def check_codes(project: Project, data: TeamData) -> tuple[int, set[str]]:
    """The local codebook version and codable ids; MergeError listing unknown codes."""
    current = project.store.current_codebook()
    used = sorted({c.code for c in data.codings})
    hint = (
        "Load the other project's codebook here first (read_source(...).codebook_object()),"
        " check it, then merge again."
    )
    next_step = NextStep("team.load_codebook", source=data.source_name)
    if current is None:
        if not used:
            return 0, set()
        raise MergeError(
            "No codebook is loaded in this project; nothing was merged.",
            hint=hint,
            next_step=next_step,
        )
    version, codebook = current
    by_id = codebook.by_id()
    unknown = [code for code in used if code not in by_id]
    grouping = [code for code in used if code in by_id and not by_id[code].code.codable]
    if unknown or grouping:
        parts = []
        if unknown:
            parts.append(
                f"{len(unknown)} code{'s' if len(unknown) != 1 else ''} used in"
                f" {data.source_name} {'are' if len(unknown) != 1 else 'is'} not in this"
                f" project's codebook: {', '.join(unknown)}"
            )
        if grouping:
            parts.append(f"grouping nodes here, not codable: {', '.join(grouping)}")
        raise MergeError("; ".join(parts) + ". Nothing was merged.", hint=hint, next_step=next_step)
    return version, {code for code, entry in by_id.items() if entry.code.codable}


def _place_all(
    project: Project, data: TeamData, items: Sequence[CodingData | SegmentNote], report: MergeReport
) -> dict[int, _Placed | str]:
    """For each item (by index): where it lands here, or why it cannot."""
    store = project.store
    groups: dict[tuple[str, int], list[int]] = {}
    for index, item in enumerate(items):
        groups.setdefault((item.transcript, item.version), []).append(index)
    placed: dict[int, _Placed | str] = {}
    changed: set[str] = set()
    same: set[str] = set()
    for (transcript, version), indexes in sorted(groups.items()):
        if not store.has_transcript(transcript):
            placed.update((i, NOT_IN_PROJECT) for i in indexes)
            continue
        theirs = data.version(transcript, version)
        if theirs is None:  # pragma: no cover - collect always records the version
            placed.update((i, "the bundle lacks this transcript version") for i in indexes)
            continue
        identical = theirs.content_hash == store.current_hash(transcript)
        (same if identical else changed).add(transcript)
        local = store.segments(transcript)
        old_by_line = {s.line: s for s in theirs.segments}
        anchors: list[Anchor] = []
        for i in indexes:
            item = items[i]
            old = old_by_line.get(item.line)
            key: Hashable = i
            span_start = getattr(item, "span_start", None)
            span_end = getattr(item, "span_end", None)
            if old is not None and span_start is not None and span_end is not None:
                anchors.append(Anchor(key, item.line, span_start - old.start, span_end - old.start))
            else:
                anchors.append(Anchor(key, item.line))
        results = reanchor(
            [_as_segment(s) for s in theirs.segments], anchors, [_as_segment(s) for s in local]
        )
        local_by_line = {s.line: s for s in local}
        for result in results:
            index = int(result.key)  # type: ignore[call-overload]
            if result.line is None:
                placed[index] = TEXT_GONE
                continue
            target = local_by_line[result.line]
            span = None
            if result.span_start is not None and result.span_end is not None:
                span = (target.start + result.span_start, target.start + result.span_end)
            moved = not identical or result.line != items[index].line or result.method == "fuzzy"
            placed[index] = _Placed(target, span, moved, result.method == "fuzzy")
    report.transcripts_same = sorted(same - changed)
    report.transcripts_changed = sorted(changed)
    return placed


def _last_coding_actions(entries: Sequence[object]) -> dict[str, str]:
    """uid -> the last of "coding.apply" / "coding.remove" recorded for it."""
    last: dict[str, str] = {}
    for entry in entries:
        action = getattr(entry, "action", "")
        if action in ("coding.apply", "coding.remove"):
            uid = getattr(entry, "details", {}).get("coding")
            if isinstance(uid, str):
                last[uid] = action
    return last


def merge_team_data(project: Project, data: TeamData, *, dry_run: bool = False) -> MergeReport:
    """Merge ``data`` into ``project`` (see the module docstring); return what happened."""
    store = project.store
    local_version, _codable = check_codes(project, data)
    report = MergeReport(source=data.source_name, coders=list(data.coders), dry_run=dry_run)
    items: list[CodingData | SegmentNote] = [*data.codings, *data.memos, *data.exemplars]
    placed = _place_all(project, data, items, report)
    removed_here = {
        uid
        for uid, action in _last_coding_actions(store.audit_entries()).items()
        if action == "coding.remove"
    }
    removed_there = {
        uid for uid, action in _last_coding_actions(data.audit).items() if action == "coding.remove"
    }
    origin = json.dumps({"merged_from": data.source_name}, ensure_ascii=False)
    try:
        with store.db.transaction():
            for index, item in enumerate(items):
                where = placed[index]
                if isinstance(where, str):
                    kind = (
                        "coding"
                        if isinstance(item, CodingData)
                        else ("memo" if item.text is not None else "exemplar")
                    )
                    what = item.code if isinstance(item, CodingData) else ""
                    report.unplaced.append(
                        Unplaced(kind, item.coder, item.transcript, item.line, what, where)
                    )
                    continue
                if isinstance(item, CodingData):
                    _merge_coding(store, item, where, local_version, origin, removed_here, report)
                elif item.text is not None:
                    _merge_memo(store, item, where, report)
                else:
                    if (item.coder, where.segment.id) not in store.exemplars(item.coder):
                        store.set_exemplar(item.coder, where.segment.id, True)
                        report.exemplars_added += 1
            _merge_progress(store, data, report)
            report.audit_added = store.add_audit_entries(data.audit)
            report.removed_there_still_here = sum(
                1 for uid in removed_there if store.coding_by_uid(uid) is not None
            )
            if dry_run:
                raise _DryRun
            store.log(
                "team.merge",
                how="merge",
                codebook_version=local_version or None,
                details={
                    "source": data.source_name,
                    "coders": data.coders,
                    "codings_added": report.codings_added,
                    "codings_present": report.codings_present,
                    "unplaced": len(report.unplaced),
                },
            )
    except _DryRun:
        pass
    return report


def _merge_coding(
    store: Store,
    item: CodingData,
    where: _Placed,
    local_version: int,
    origin: str,
    removed_here: set[str],
    report: MergeReport,
) -> None:
    if store.coding_by_uid(item.uid) is not None:
        report.codings_present += 1
        return
    if item.uid in removed_here:
        report.not_readded.append(item.uid)
        return
    new_id = store.add_coding(
        transcript_id=where.segment.transcript_id,
        segment_id=where.segment.id,
        code_id=item.code,
        coder=item.coder,
        codebook_version=local_version,
        source=item.source,
        span=where.span,
        score=item.score,
        model=item.model,
        origin=item.origin or origin,
        memo=item.memo,
        uid=item.uid,
        created_at=item.created_at,
    )
    if new_id is None:  # the same coding made on both sides under different uids
        report.codings_present += 1
        return
    report.codings_added += 1
    report.codings_reanchored += int(where.moved)
    report.codings_fuzzy += int(where.fuzzy)


def _merge_memo(store: Store, item: SegmentNote, where: _Placed, report: MergeReport) -> None:
    mine = store.segment_memos(item.coder).get((item.coder, where.segment.id))
    if mine is None:
        store.set_segment_memo(item.coder, where.segment.id, item.text)
        report.memos_added += 1
    elif mine != item.text:
        report.memo_conflicts.append(
            f"{where.segment.transcript_id} line {where.segment.line} ({item.coder})"
        )


def _merge_progress(store: Store, data: TeamData, report: MergeReport) -> None:
    for p in data.progress:
        if not store.has_transcript(p.transcript):
            if p.done:
                report.unplaced.append(
                    Unplaced("progress", p.coder, p.transcript, None, "done", NOT_IN_PROJECT)
                )
            continue
        if p.done and p.transcript not in store.done_transcripts(p.coder):
            store.set_done(p.transcript, p.coder, True)
            report.done_added += 1
        if p.last_line is not None and store.last_line(p.transcript, p.coder) is None:
            store.set_last_line(p.transcript, p.coder, p.last_line)
