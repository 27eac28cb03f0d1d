"""The coding actions every front end uses: apply, remove, memo, exemplar, done.

``CodingSession`` is one coder working in one project. Each action is committed in its
own transaction together with its audit-log entry (who, when, codebook version, how),
so nothing acknowledged is ever lost. Actions return what they did, so a front end can
offer undo: ``undo`` of an apply is a remove and vice versa (``Change`` records carry
enough to reverse themselves).

``how`` is one of: ``hand`` (terminal UI), ``suggestion`` (an accepted suggestion),
``bulk`` (a CSV apply), ``import`` (REFI-QDA or codings export), ``merge``,
``reconcile``.

The terminal app reaches the store only through this class: besides the single actions
it uses ``open_transcript`` (one coder's view of one transcript, read at once), the
all-or-nothing group writes (``apply_and_remove``, ``reverse_all``, ``accept_suggestion``)
and the small look-ups and bookkeeping (suggestions, position, progress).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from themekit.errors import CodingError, NextStep
from themekit.model.codebook import Codebook, CodeEntry
from themekit.model.rows import CodingRow, SegmentRow
from themekit.store.suggestions import CODEBOOK_ONLY

if TYPE_CHECKING:
    from themekit.coding.coded_text import CodedText
    from themekit.project import Project

HOW_VALUES = ("hand", "suggestion", "bulk", "import", "merge", "reconcile")


@dataclass(frozen=True)
class Change:
    """One reversible change: ``kind`` is "apply" or "remove" and ``coding`` the row."""

    kind: str
    coding: CodingRow


@dataclass(frozen=True)
class OpenedTranscript:
    """One coder's view of one transcript, as the coding app opens it.

    ``codings`` holds the coder's own codings and, only when others' codings are shown,
    everyone else's (the app splits them). ``exemplars`` and ``memos`` are the coder's,
    limited to this transcript's segments; ``roles`` maps (speaker, codable) to the role
    (or participant id) shown beside each line.
    """

    transcript_id: str
    segments: list[SegmentRow]
    codings: list[CodingRow]
    exemplars: set[int]
    memos: dict[int, str]
    last_line: int | None
    roles: dict[tuple[str | None, bool], str]
    done: bool
    has_suggestions: bool


# A suggestion as the store gives it: (code_id, score, model, reason).
Suggestion = tuple[str, float, str, str]


class CodingSession:
    def __init__(self, project: Project, coder: str) -> None:
        coder = coder.strip()
        if not coder:
            raise CodingError(
                "A coder name is needed.", hint="Name the coder.", next_step="coder.name"
            )
        self.project = project
        self.store = project.store
        self.coder = coder
        current = self.store.current_codebook()
        if current is None:
            raise CodingError(
                "No codebook is loaded in this project.",
                hint="Load a codebook first.",
                next_step="codebook.load",
            )
        self.codebook_version, self.codebook = current
        # The coder is registered by their first write, not by opening a session, so a
        # typo in --coder does not leave a phantom coder behind.

    def refresh_codebook(self) -> None:
        current = self.store.current_codebook()
        if current is not None:
            self.codebook_version, self.codebook = current

    # -- look-ups -----------------------------------------------------------------------
    def resolve_code(self, id_or_path: str) -> CodeEntry:
        return resolve_code(self.codebook, id_or_path)

    def segment(self, transcript_id: str, line: int) -> SegmentRow:
        segment = self.store.segment_at(transcript_id, line)
        if segment is None:
            if not self.store.has_transcript(transcript_id):
                raise CodingError(
                    f"No transcript '{transcript_id}'.",
                    hint="Check the id against the project's transcripts.",
                    next_step="transcripts.list",
                )
            raise CodingError(
                f"Transcript '{transcript_id}' has no line {line}.",
                hint=f"Check the line against transcript '{transcript_id}'.",
                next_step=NextStep("transcripts.show", transcript=transcript_id),
            )
        return segment

    # -- actions ------------------------------------------------------------------------
    def apply(
        self,
        segment: SegmentRow,
        code_id: str,
        *,
        how: str = "hand",
        span: tuple[int, int] | None = None,
        memo: str | None = None,
        score: float | None = None,
        model: str | None = None,
        origin: str | None = None,
    ) -> Change | None:
        """Apply a code to a segment (or a span in it); None if it was already there."""
        entry = self.resolve_code(code_id)
        if span is not None:
            start, end = span
            if not (segment.start <= start < end <= segment.end):
                raise CodingError(
                    f"Span {start}-{end} is not inside line {segment.line}"
                    f" ({segment.start}-{segment.end}) of {segment.transcript_id}.",
                    hint="Choose a range of characters within the segment.",
                )
        with self.store.db.transaction():
            coding_id = self.store.add_coding(
                transcript_id=segment.transcript_id,
                segment_id=segment.id,
                code_id=entry.code.id,
                coder=self.coder,
                codebook_version=self.codebook_version,
                source=how,
                span=span,
                score=score,
                model=model,
                origin=origin,
                memo=memo,
            )
            if coding_id is None:
                return None
            row = self.store.coding(coding_id)
            assert row is not None
            self._log("coding.apply", how, row)
        return Change("apply", row)

    def remove(
        self,
        segment: SegmentRow,
        code_id: str,
        *,
        how: str = "hand",
        span: tuple[int, int] | None = None,
    ) -> Change | None:
        entry = self.resolve_code(code_id)
        existing = self.store.find_coding(
            coder=self.coder, segment_id=segment.id, code_id=entry.code.id, span=span
        )
        if existing is None:
            return None
        return self.remove_coding(existing, how=how)

    def remove_coding(self, coding: CodingRow, *, how: str = "hand") -> Change | None:
        if coding.coder != self.coder:
            raise CodingError(
                f"Coding {coding.id} belongs to {coding.coder}, not {self.coder}.",
                hint="Coders can only change their own codings.",
            )
        with self.store.db.transaction():
            row = self.store.delete_coding(coding.id)
            if row is None:
                return None
            self._log("coding.remove", how, row)
        return Change("remove", row)

    def toggle(self, segment: SegmentRow, code_id: str, *, how: str = "hand") -> Change | None:
        entry = self.resolve_code(code_id)
        existing = self.store.find_coding(
            coder=self.coder, segment_id=segment.id, code_id=entry.code.id
        )
        if existing is not None:
            return self.remove_coding(existing, how=how)
        return self.apply(segment, entry.code.id, how=how)

    def reverse(self, change: Change) -> Change | None:
        """Undo a change (apply <-> remove), restoring the exact coding on undo-remove."""
        if change.kind == "apply":
            current = self.store.coding_by_uid(change.coding.uid)
            return self.remove_coding(current, how="hand") if current else None
        with self.store.db.transaction():
            new_id = self.store.restore_coding(change.coding)
            if new_id is None:
                return None
            row = self.store.coding(new_id)
            assert row is not None
            self._log("coding.apply", "hand", row, undo=True)
        return Change("apply", row)

    def set_coding_memo(self, coding: CodingRow, memo: str | None) -> None:
        with self.store.db.transaction():
            self.store.set_coding_memo(coding.id, memo or None)
            self.store.log(
                "coding.memo",
                actor=self.coder,
                how="hand",
                codebook_version=self.codebook_version,
                details={"coding": coding.uid, "cleared": not memo},
            )

    def set_segment_memo(self, segment: SegmentRow, memo: str | None) -> None:
        with self.store.db.transaction():
            self.store.set_segment_memo(self.coder, segment.id, memo or None)
            self.store.log(
                "segment.memo",
                actor=self.coder,
                how="hand",
                codebook_version=self.codebook_version,
                details={
                    "transcript": segment.transcript_id,
                    "line": segment.line,
                    "cleared": not memo,
                },
            )

    def set_exemplar(self, segment: SegmentRow, on: bool) -> None:
        with self.store.db.transaction():
            self.store.set_exemplar(self.coder, segment.id, on)
            self.store.log(
                "segment.exemplar",
                actor=self.coder,
                how="hand",
                codebook_version=self.codebook_version,
                details={"transcript": segment.transcript_id, "line": segment.line, "on": on},
            )

    def set_done(self, transcript_id: str, done: bool = True, *, how: str = "hand") -> None:
        if not self.store.has_transcript(transcript_id):
            raise CodingError(
                f"No transcript '{transcript_id}'.",
                hint="Check the id against the project's transcripts.",
                next_step="transcripts.list",
            )
        with self.store.db.transaction():
            self.store.set_done(transcript_id, self.coder, done)
            self.store.log(
                "transcript.done" if done else "transcript.undone",
                actor=self.coder,
                how=how,
                codebook_version=self.codebook_version,
                details={"transcript": transcript_id},
            )

    # -- what the terminal app needs besides single actions ------------------------------
    def open_transcript(self, transcript_id: str, *, show_others: bool) -> OpenedTranscript:
        """Read everything the coding screen shows for one transcript (nothing is written)."""
        store = self.store
        segments = store.segments(transcript_id)
        segment_ids = {s.id for s in segments}
        codings = (
            store.codings(transcript_id=transcript_id)
            if show_others
            else store.codings(transcript_id=transcript_id, coder=self.coder)
        )
        resolver = self.project.resolver()
        roles: dict[tuple[str | None, bool], str] = {}
        for segment in segments:
            key = (segment.speaker, segment.codable)
            if key not in roles:
                person = resolver.resolve(transcript_id, segment.speaker, segment.codable)
                roles[key] = (person.role or person.id) if person else ""
        return OpenedTranscript(
            transcript_id=transcript_id,
            segments=segments,
            codings=codings,
            exemplars={sid for _c, sid in store.exemplars(self.coder) if sid in segment_ids},
            memos={
                sid: text
                for (_c, sid), text in store.segment_memos(self.coder).items()
                if sid in segment_ids
            },
            last_line=store.last_line(transcript_id, self.coder),
            roles=roles,
            done=transcript_id in store.done_transcripts(self.coder),
            has_suggestions=store.has_suggestions(transcript_id),
        )

    def log_show_others(self, transcript_id: str) -> None:
        """Audit that this coder looked at other coders' codings (blind coding ended)."""
        self.store.log(
            "coding.show_others",
            actor=self.coder,
            how="hand",
            details={"transcript": transcript_id},
        )

    def apply_and_remove(
        self,
        code_id: str,
        *,
        apply_to: Sequence[SegmentRow] = (),
        remove: Sequence[CodingRow] = (),
    ) -> list[Change]:
        """Apply ``code_id`` to some segments and remove some codings, all or nothing."""
        changes: list[Change] = []
        with self.store.db.transaction():
            for segment in apply_to:
                change = self.apply(segment, code_id)
                if change is not None:
                    changes.append(change)
            for row in remove:
                change = self.remove_coding(row)
                if change is not None:
                    changes.append(change)
        return changes

    def reverse_all(self, changes: Sequence[Change]) -> list[Change]:
        """Undo a group of changes, last first, all or nothing; what that did, in order."""
        with self.store.db.transaction():
            reversed_changes = [self.reverse(change) for change in reversed(changes)]
        return [change for change in reversed_changes if change is not None]

    def reload_coding(self, coding: CodingRow) -> CodingRow | None:
        """The coding as stored now (after a memo, say); None if it is gone."""
        return self.store.coding(coding.id)

    def suggestions(
        self, segment: SegmentRow, limit: int, *, show_others: bool
    ) -> list[Suggestion]:
        """The best undecided suggestions for this coder on a segment, best first."""
        return self.store.suggestions_for(
            segment.id,
            limit,
            coder=self.coder,
            # Blind coding: suggestions learned from other coders' codings would show
            # their decisions (and their reasons name them), so only the coder's own
            # and the codebook-only ones are offered.
            learned_from=None if show_others else (self.coder, CODEBOOK_ONLY),
        )

    def accept_suggestion(
        self, segment: SegmentRow, code_id: str, score: float, model: str
    ) -> Change | None:
        """Apply a suggested code and record the acceptance, in one transaction."""
        with self.store.db.transaction():
            change = self.apply(segment, code_id, how="suggestion", score=score, model=model)
            self.store.record_suggestion_decision(
                segment.id, code_id, self.coder, "accepted", score, model
            )
        return change

    def reject_suggestion(
        self, segment: SegmentRow, code_id: str, score: float, model: str
    ) -> None:
        """Record that this coder rejected a suggestion shown with this score."""
        self.store.record_suggestion_decision(
            segment.id, code_id, self.coder, "rejected", score, model
        )

    def coded_text(self, code_id: str, *, by: str = "group", everyone: bool = False) -> CodedText:
        """The passages coded with ``code_id``: this coder's, or ``everyone``'s."""
        from themekit.coding.coded_text import coded_passages

        return coded_passages(self.project, code_id, by=by, coder=None if everyone else self.coder)

    def save_position(self, transcript_id: str, line: int) -> None:
        """Remember the line this coder was on, so the next session resumes there."""
        self.store.set_last_line(transcript_id, self.coder, line)

    def progress(self) -> list[tuple[str, int, int, bool]]:
        """(transcript, coded, codable, done) for each transcript, for this coder."""
        return [
            (transcript, coded, codable, done)
            for coder, transcript, coded, codable, done in self.store.coverage()
            if coder == self.coder
        ]

    def _log(self, action: str, how: str, row: CodingRow, *, undo: bool = False) -> None:
        details = {
            "transcript": row.transcript_id,
            "line": row.line,
            "code": row.code_id,
            "coding": row.uid,
        }
        if row.span_start is not None:
            details["span"] = [row.span_start, row.span_end]
        if row.score is not None:
            details["score"] = row.score
            details["model"] = row.model
        if undo:
            details["undo"] = True
        self.store.log(
            action,
            actor=self.coder,
            how=how,
            codebook_version=self.codebook_version,
            details=details,
        )


def resolve_code(codebook: Codebook, id_or_path: str) -> CodeEntry:
    """A codable code by id or path, or a CodingError that says what to do."""
    entry = codebook.find(id_or_path.strip())
    if entry is None:
        raise CodingError(
            f"Unknown code '{id_or_path}'.",
            hint="Use a code id or a path like 'Benefits > Filling a previous gap in services'"
            " (the codebook lists both).",
            next_step="code.id_or_path",
        )
    if not entry.code.codable:
        raise CodingError(
            f"Code '{entry.path_text}' is a grouping node and cannot be applied.",
            hint="Choose one of its sub-codes.",
        )
    return entry
