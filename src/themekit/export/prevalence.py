"""Who said what: per code, the participants and segments coded with it.

Prevalence in a thematic analysis is reported in participants ("almost all
interviewees", "several of the probation officers"), not in codings, so the unit here
is the participant: a participant counts for a code when the codings counted applied
the code, or one of its descendants, to something they said. When no participants
table was imported, each transcript stands for one participant.

Which codings count (``Prevalence.basis`` says it in a sentence for the table note):

* ``coders`` named: exactly those coders' codings; the denominator is the participants
  in the transcripts they coded or marked done;
* otherwise, when reconciliation made a consensus coder (codings written with
  ``source == "reconcile"``), the consensus is the analysis: on every transcript the
  consensus coded, only its codings count (a coding the consensus rejected does not),
  and on the transcripts nobody reconciled, the independent coders' codings, pooled;
* otherwise the independent coders' codings, pooled (the union).

Percentages round half up (5 of 8 is 63%, 7 of 8 is 88%), the same way everywhere
(``percent_half_up``), and prevalence words come from one documented scale
(``describe_share``, ``PREVALENCE_SCALE``). Groups are listed in the order they first
appear in the participants table (sorted by participant id, as stored), or in the
order given (``group_order``); "(missing)" and "(unknown)" come last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from themekit.errors import ExportError
from themekit.model.codebook import Codebook, CodeEntry

if TYPE_CHECKING:
    from themekit.model.rows import CodingRow, Participant, SegmentRow
    from themekit.project import Project


@dataclass
class CodePrevalence:
    entry: CodeEntry
    participants: set[str] = field(default_factory=set)
    segments: set[int] = field(default_factory=set)
    codings: list[CodingRow] = field(default_factory=list)  # own codings, not descendants'


@dataclass
class Prevalence:
    codebook: Codebook
    codebook_version: int
    participants: dict[str, Participant | None]  # interviewed participants (key -> record)
    by_code: dict[str, CodePrevalence]
    segments: dict[int, SegmentRow]
    speaker_of: dict[int, str]  # segment id -> participant key
    basis: str = ""  # which codings were counted, as a sentence for a table note
    coders_counted: tuple[str, ...] = ()
    consensus: tuple[str, ...] = ()  # consensus coders counted by default, if any
    group_order: tuple[str, ...] | None = None  # the caller's order of groups, if any
    participant_order: tuple[str, ...] = ()  # participants table order (first appearance)

    def group_of(self, key: str, attribute: str) -> str:
        person = self.participants.get(key)
        if person is None:
            return "(unknown)"
        value = person.attribute(attribute)
        return "(missing)" if value in (None, "") else str(value)

    def groups(self, attribute: str) -> dict[str, set[str]]:
        """Members of each group of ``attribute``, in the study's order: ``group_order``
        when given (every group named, no other), else first appearance in the
        participants table; "(missing)" and "(unknown)" last."""
        rank = {key: i for i, key in enumerate(self.participant_order)}
        keys = sorted(self.participants, key=lambda k: (rank.get(k, len(rank)), k))
        result: dict[str, set[str]] = {}
        for key in keys:
            result.setdefault(self.group_of(key, attribute), set()).add(key)
        if self.group_order is not None:
            return _ordered_as_given(result, self.group_order, attribute)
        last = [name for name in ("(missing)", "(unknown)") if name in result]
        ordered = [name for name in result if name not in last] + last
        return {name: result[name] for name in ordered}


def _ordered_as_given(
    groups: dict[str, set[str]], order: Sequence[str], attribute: str
) -> dict[str, set[str]]:
    unknown = [name for name in order if name not in groups]
    missing = [name for name in groups if name not in order]
    if unknown or missing:
        problems = []
        if unknown:
            problems.append(f"no {attribute} group is called {', '.join(unknown)}")
        if missing:
            problems.append(f"the order leaves out {', '.join(missing)}")
        raise ExportError(
            f"Group order for {attribute}: {'; '.join(problems)}.",
            hint=f"Name every {attribute} group once: {', '.join(groups)}.",
        )
    return {name: groups[name] for name in order}


def percent_half_up(n: int, total: int) -> int:
    """n of total as a whole percentage, rounding halves up (5/8 -> 63, not 62)."""
    if total <= 0:
        return 0
    return (200 * n + total) // (2 * total)


def share_text(n: int, total: int) -> str:
    """ "n/N (p%)", the cell of a count table."""
    return f"{n}/{total} ({percent_half_up(n, total)}%)" if total else f"{n}/0"


def check_attribute(project: Project, attribute: str) -> None:
    people = project.participants()
    known = {"id", "role", "site"} | {k for p in people for k in p.attributes}
    if not people:
        raise ExportError(
            f"by {attribute}: no participants are imported.",
            hint="Import the participants table first.",
            next_step="participants.import",
            arguments=("by",),
        )
    if attribute not in known:
        raise ExportError(
            f"by {attribute}: unknown participant attribute (known: {', '.join(sorted(known))}).",
            hint="Use one of the known attributes.",
            arguments=("by",),
        )


def compute_prevalence(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    group_order: Sequence[str] | None = None,
) -> Prevalence:
    store = project.store
    current = store.current_codebook()
    if current is None:
        raise ExportError(
            "No codebook is loaded.", hint="Load a codebook first.", next_step="codebook.load"
        )
    version, codebook = current
    if coders:
        unknown = [c for c in coders if c not in store.coders()]
        if unknown:
            raise ExportError(
                f"Unknown coder: {', '.join(unknown)}.",
                hint="Check the names against the project's coders.",
                next_step="project.status",
            )
    resolver = project.resolver()
    people = {p.id: p for p in store.participants()}
    segments = {s.id: s for s in store.all_current_segments(codable_only=False)}
    participants: dict[str, Participant | None] = {}
    speaker_of: dict[int, str] = {}
    # With --coder, the denominator is the participants those coders actually coded
    # (transcripts they coded or marked done), not everyone interviewed.
    worked_on: set[str] | None = None
    if coders:
        worked_on = set()
        for name in coders:
            worked_on |= store.coded_transcripts(name) | store.done_transcripts(name)
    for seg in segments.values():
        if not seg.codable or (worked_on is not None and seg.transcript_id not in worked_on):
            continue
        person = resolver.resolve(seg.transcript_id, seg.speaker, seg.codable)
        key = person.id if person else (seg.transcript_id if not people else None)
        if key is None:
            continue
        participants.setdefault(key, people.get(key))
        speaker_of[seg.id] = key
    by_code = {e.code.id: CodePrevalence(e) for e in codebook.walk()}
    all_codings = store.codings()
    consensus: tuple[str, ...] = ()
    if coders:
        codings = [c for c in all_codings if c.coder in coders]
        counted = tuple(dict.fromkeys(coders))
        basis = _pooled_basis(counted, chosen=True)
    else:
        consensus = tuple(sorted(store.coders_with_source("reconcile")))
        codings, counted, basis = _default_codings(store, all_codings, consensus)
    if not codings:
        raise ExportError(
            "Nothing is coded yet" + (f" by {', '.join(coders)}" if coders else "") + ".",
            hint="Code transcripts first, by hand or from a table of codings.",
            next_step="code.start",
        )
    ancestors: dict[str, list[str]] = {}
    by_id = codebook.by_id()
    for entry in by_id.values():
        chain, parent = [], entry.parent_id
        while parent:
            chain.append(parent)
            parent = by_id[parent].parent_id
        ancestors[entry.code.id] = chain
    for c in codings:
        if c.code_id not in by_code or c.segment_id not in segments:
            continue
        by_code[c.code_id].codings.append(c)
        key = speaker_of.get(c.segment_id)
        for code_id in [c.code_id, *ancestors[c.code_id]]:
            prevalence = by_code[code_id]
            prevalence.segments.add(c.segment_id)
            if key:
                prevalence.participants.add(key)
    return Prevalence(
        codebook,
        version,
        participants,
        by_code,
        segments,
        speaker_of,
        basis=basis,
        coders_counted=counted,
        consensus=consensus,
        group_order=tuple(group_order) if group_order else None,
        participant_order=tuple(p.id for p in store.participants()),
    )


def _names(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _pooled_basis(coders: Sequence[str], *, chosen: bool = False) -> str:
    if not coders:
        return ""
    if len(coders) == 1:
        return f"Counts use the codings of {coders[0]}" + (" (as chosen)." if chosen else ".")
    return (
        f"Counts pool the codings of {_names(coders)}"
        + (" (as chosen)" if chosen else "")
        + ": a participant counts when any of them applied the code."
    )


def _default_codings(
    store: Any, codings: list[CodingRow], consensus: tuple[str, ...]
) -> tuple[list[CodingRow], tuple[str, ...], str]:
    """The codings a paper reports by default: the consensus where there is one."""
    independent = tuple(sorted({c.coder for c in codings} - set(consensus)))
    if not consensus:
        return codings, independent, _pooled_basis(independent)
    reconciled: set[str] = set()
    for name in consensus:
        reconciled |= store.coded_transcripts(name) | store.done_transcripts(name)
    kept = [
        c
        for c in codings
        if c.coder in consensus or (c.coder in independent and c.transcript_id not in reconciled)
    ]
    rest = sorted({c.transcript_id for c in kept if c.coder in independent})
    counted = tuple(dict.fromkeys([*consensus, *sorted({c.coder for c in kept})]))
    basis = (
        f"Counts use the consensus coding agreed at reconciliation ({_names(consensus)}) on"
        f" the {len(reconciled)} reconciled transcript{'s' if len(reconciled) != 1 else ''};"
        " codings the consensus did not keep are not counted."
    )
    if rest:
        others = sorted({c.coder for c in kept if c.coder in independent})
        basis += (
            f" On the {len(rest)} other transcript{'s' if len(rest) != 1 else ''} they are"
            f" the codings of {_names(others)}."
        )
    return kept, counted, basis


# The prevalence scale (docs/exports.md): word, and the share it needs, checked in order.
# "most" means more than half, never half itself; exact fractions, so no rounding edge.
PREVALENCE_SCALE: tuple[tuple[str, str], ...] = (
    ("all", "n = N"),
    ("almost all", "80% <= n/N < 100%"),
    ("most", "50% < n/N < 80%"),
    ("half", "n/N = 50%"),
    ("several", "25% <= n/N < 50%"),
    ("a few", "n >= 2 and n/N < 25%"),
    ("one", "n = 1 and n/N < 25%"),
    ("no", "n = 0"),
)


def share_word(n: int, total: int) -> str:
    """The scale's word for n of total (PREVALENCE_SCALE), compared in whole numbers."""
    if total <= 0 or n <= 0:
        return "no"
    if n >= total:
        return "all"
    if 5 * n >= 4 * total:
        return "almost all"
    if 2 * n > total:
        return "most"
    if 2 * n == total:
        return "half"
    if 4 * n >= total:
        return "several"
    return "one" if n == 1 else "a few"


def describe_share(n: int, total: int) -> str:
    """Prevalence in the words qualitative papers use (the scale in docs/exports.md)."""
    word = share_word(n, total)
    if word == "half":
        return "half the interviewees"
    if word == "one":
        return "one interviewee"
    return f"{word} interviewees"
