"""Table 1: "Outline of key themes", laid out as in the worked example.

Without counts it is the paper's table: one row per top-level theme with its
sub-themes listed in codebook order. With ``counts`` each sub-theme gets its own row and
the number of participants (n of N, with %) or of coded segments, and with ``by`` one
column per participant group (e.g. role), so prevalence can be described in words.

The caption is the study's own sentence, "Table 1. Outline of key themes." by default
(``caption=`` changes it). The writers split it into the label ("Table 1"), which Word
numbers with a SEQ field and LaTeX with ``\\caption``, and the title. The note under a
count table says what a count is, N, and which codings were counted
(``Prevalence.basis``: the consensus after reconciliation by default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from themekit.errors import ExportError
from themekit.export.prevalence import (
    Prevalence,
    check_attribute,
    compute_prevalence,
    share_text,
)
from themekit.export.tables import Table

if TYPE_CHECKING:
    from collections.abc import Sequence

    from themekit.project import Project

CAPTION = "Table 1. Outline of key themes."
_pct = share_text


def build_table1(
    project: Project,
    *,
    counts: str = "none",
    by: str | None = None,
    coders: Sequence[str] | None = None,
    caption: str = CAPTION,
    group_order: Sequence[str] | None = None,
) -> Table:
    if counts not in ("none", "participants", "segments"):
        raise ExportError(
            f"counts {counts}: unknown.",
            hint="Use participants, segments or none.",
            arguments=("counts",),
        )
    if by:
        check_attribute(project, by)
    prevalence = compute_prevalence(project, coders=coders, group_order=group_order)
    return table1_from(prevalence, counts=counts, by=by, caption=caption)


def table1_from(
    prevalence: Prevalence,
    *,
    counts: str = "none",
    by: str | None = None,
    caption: str = CAPTION,
) -> Table:
    themes = [e for e in prevalence.codebook.walk() if e.depth == 0]
    if not any(e.code.children for e in (t for t in themes)):
        raise ExportError(
            "The codebook has no sub-themes (no code has children).",
            hint="Table 1 lists themes with their sub-themes; group codes under themes.",
        )
    total = len(prevalence.participants)
    groups = prevalence.groups(by) if by else {}
    if counts == "none" and not by:
        table = Table(caption, ["Theme", "Sub-themes"], ref="table1")
        for theme in themes:
            names = [
                " > ".join(e.path[1:])
                for e in prevalence.codebook.walk()
                if e.depth > 0 and e.path[0] == theme.code.label
            ]
            table.rows.append([theme.code.label, names])
            table.row_keys.append(f"code {theme.code.id} and its sub-themes")
        return table
    header = ["Theme", "Sub-theme"]
    if counts == "participants":
        header.append(f"Participants (N = {total})")
    elif counts == "segments":
        header.append("Coded segments")
    header += [f"{name} (n = {len(members)})" for name, members in groups.items()]
    table = Table(caption, header, ref="table1")
    for theme in themes:
        first = True
        subs = [
            e for e in prevalence.codebook.walk() if e.depth > 0 and e.path[0] == theme.code.label
        ]
        for entry in subs or [theme]:
            stats = prevalence.by_code[entry.code.id]
            row: list[str | list[str]] = [
                theme.code.label if first else "",
                " > ".join(entry.path[1:]) if entry is not theme else "",
            ]
            if first:
                table.group_starts.add(len(table.rows))
            first = False
            if counts == "participants":
                row.append(_pct(len(stats.participants), total))
            elif counts == "segments":
                row.append(str(len(stats.segments)))
            for members in groups.values():
                row.append(_pct(len(stats.participants & members), len(members)))
            table.rows.append(row)
            table.row_keys.append(f"code {entry.code.id}")
    if counts == "participants" or by:
        table.notes.append(
            "Counts are participants with at least one coded segment for the sub-theme"
            f" (n/N, % rounded half up); N = {total} participants interviewed."
            f" {prevalence.basis}"
        )
    elif counts == "segments":
        table.notes.append(f"Counts are coded segments. {prevalence.basis}")
    return table
