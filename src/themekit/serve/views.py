"""Read helpers: what each page shows, gathered from the project (nothing is written).

The coding view reads one coder's view of a transcript through
``CodingSession.open_transcript`` and splits it with the terminal app's blind filter
(``split_codings``), so both front ends show the same thing. The review pages read
codings, segments and participants straight from the store: they are plain listings,
with no decisions to share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from themekit.coding.state import split_codings

if TYPE_CHECKING:
    from themekit.coding.service import CodingSession
    from themekit.model.codebook import Codebook, CodeEntry
    from themekit.model.rows import CodingRow, SegmentRow
    from themekit.project import Project

SHORTCUTS = 9


@dataclass
class RowView:
    """One transcript line as the coding view draws it."""

    segment: SegmentRow
    role: str
    own: list[CodingRow] = field(default_factory=list)
    others: list[CodingRow] = field(default_factory=list)
    memo: str | None = None
    exemplar: bool = False


@dataclass
class TranscriptPage:
    transcript_id: str
    rows: list[RowView]
    coded: int
    codable: int
    done: bool
    last_line: int | None
    has_suggestions: bool


def codebook_entries(codebook: Codebook) -> tuple[list[CodeEntry], dict[str, int]]:
    """Every code in tree order, and the 1-9 shortcuts of the first codable ones."""
    entries = list(codebook.walk())
    codable = [e.code.id for e in entries if e.code.codable][:SHORTCUTS]
    return entries, {code: number for number, code in enumerate(codable, start=1)}


def _rows(
    session: CodingSession,
    segments: Iterable[SegmentRow],
    codings: Iterable[CodingRow],
    *,
    show_others: bool,
    memos: dict[int, str],
    exemplars: set[int],
    roles: dict[tuple[str | None, bool], str],
) -> list[RowView]:
    own, others = split_codings(codings, session.coder, show_others=show_others)
    own_by: dict[int, list[CodingRow]] = defaultdict(list)
    others_by: dict[int, list[CodingRow]] = defaultdict(list)
    for row in own:
        own_by[row.segment_id].append(row)
    for row in others:
        others_by[row.segment_id].append(row)
    return [
        RowView(
            segment=s,
            role=roles.get((s.speaker, s.codable), ""),
            own=own_by.get(s.id, []),
            others=others_by.get(s.id, []),
            memo=memos.get(s.id),
            exemplar=s.id in exemplars,
        )
        for s in segments
    ]


def transcript_page(
    session: CodingSession, transcript_id: str, *, show_others: bool
) -> TranscriptPage:
    opened = session.open_transcript(transcript_id, show_others=show_others)
    rows = _rows(
        session,
        opened.segments,
        opened.codings,
        show_others=show_others,
        memos=opened.memos,
        exemplars=opened.exemplars,
        roles=opened.roles,
    )
    codable = sum(1 for r in rows if r.segment.codable)
    coded = sum(1 for r in rows if r.segment.codable and r.own)
    return TranscriptPage(
        transcript_id=transcript_id,
        rows=rows,
        coded=coded,
        codable=codable,
        done=opened.done,
        last_line=opened.last_line,
        has_suggestions=opened.has_suggestions,
    )


def changed_rows(
    session: CodingSession, transcript_id: str, segment_ids: Iterable[int], *, show_others: bool
) -> list[RowView]:
    """The rows of some segments after a write, as the coding view draws them.

    Reads only what those rows need, so a write's round trip does not re-read the whole
    transcript (the page recounts its progress from the rows it shows).
    """
    store = session.store
    wanted = set(segment_ids)
    segments = [s for s in (store.segment(i) for i in sorted(wanted)) if s is not None]
    codings = store.codings(
        transcript_id=transcript_id, coder=None if show_others else session.coder
    )
    resolver = session.project.resolver()
    roles: dict[tuple[str | None, bool], str] = {}
    for s in segments:
        person = resolver.resolve(transcript_id, s.speaker, s.codable)
        roles[(s.speaker, s.codable)] = (person.role or person.id) if person else ""
    memos = {
        sid: text for (_c, sid), text in store.segment_memos(session.coder).items() if sid in wanted
    }
    exemplars = {sid for _c, sid in store.exemplars(session.coder) if sid in wanted}
    return _rows(
        session,
        segments,
        [c for c in codings if c.segment_id in wanted],
        show_others=show_others,
        memos=memos,
        exemplars=exemplars,
        roles=roles,
    )


@dataclass(frozen=True)
class Passage:
    """One coding with its words, for the review pages."""

    code_id: str
    code_path: str
    transcript_id: str
    line: int
    coder: str
    group: str
    text: str
    memo: str | None


def passages(
    project: Project, codebook: Codebook, *, by: str = "role", coder: str | None = None
) -> list[Passage]:
    """Every current coding (of one coder, or all) with its text and its speaker's group."""
    store = project.store
    segments = {s.id: s for s in store.all_current_segments(codable_only=False)}
    entries = codebook.by_id()
    resolver = project.resolver()
    found: list[Passage] = []
    for row in store.codings(coder=coder):
        segment = segments.get(row.segment_id)
        if segment is None:
            continue
        text = segment.text
        if row.span_start is not None and row.span_end is not None:
            text = text[row.span_start - segment.start : row.span_end - segment.start]
        person = resolver.resolve(row.transcript_id, segment.speaker, segment.codable)
        value = person.attribute(by) if person is not None else None
        entry = entries.get(row.code_id)
        found.append(
            Passage(
                code_id=row.code_id,
                code_path=entry.path_text if entry else row.code_id,
                transcript_id=row.transcript_id,
                line=row.line,
                coder=row.coder,
                group=str(value) if value not in (None, "") else "(no group)",
                text=text,
                memo=row.memo,
            )
        )
    return found


def group_passages(
    found: list[Passage], by: str
) -> list[tuple[str, list[tuple[str, list[Passage]]]]]:
    """Sections for the review page: by code (one level), or by coder/group, then code."""
    if by == "code":
        by_code: dict[str, list[Passage]] = defaultdict(list)
        for p in found:
            by_code[p.code_path].append(p)
        return [(path, [("", items)]) for path, items in sorted(by_code.items())]
    outer: dict[str, dict[str, list[Passage]]] = defaultdict(lambda: defaultdict(list))
    for p in found:
        key = p.coder if by == "coder" else p.group
        outer[key][p.code_path].append(p)
    return [(key, sorted(inner.items())) for key, inner in sorted(outer.items())]
