"""The list of coder disagreements as an export: anonymised and gated like any other.

``themekit agree --disagreements`` lists each unit where the coders differ, with the
interview text, so they can talk it through and reconcile. That list is a working file
for the coding team; the moment it is shared (a supervisor, an appendix, an e-mail) it
is interview text leaving the project. So it is built here, from
``themekit.agree.service.find_disagreements``, through the project's
``ExportAnonymiser``, and written through the one writer registry
(``themekit.export.formats``) with the final leak gate, like Table 1 or the quote bank.

What is replaced and what is checked follows docs/exports.md: the line's text is
interview text (register, patterns and NER); speaker labels, coder names and transcript
ids are labels from the project's tables (register and patterns); code paths and code
ids are the researchers' own words and are gated. With ``anonymise=False`` (what
``agree --disagreements`` asks for, saying so on stderr) every field is as recorded.

Formats: md (by code), csv and json (one record per unit-code pair), docx (a Word
table). Their layout is the one ``themekit agree --disagreements`` has always printed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from themekit.export.tables import Table

if TYPE_CHECKING:
    from themekit.export.anonymised import ExportAnonymiser
    from themekit.project import Project


@dataclass(frozen=True)
class DisagreementRow:
    """One unit-code pair the coders differ on, as it will be shown."""

    code_id: str
    code_path: str
    transcript: str
    line: int
    speaker: str | None
    text: str
    applied_by: list[str]
    codes_by_coder: dict[str, list[str]]  # keyed by the coder name as shown


@dataclass(frozen=True)
class DisagreementList:
    coders: list[str]  # as shown, in the order asked for
    rows: list[DisagreementRow]


def build_disagreements(
    project: Project,
    anonymiser: ExportAnonymiser,
    coders: Sequence[str],
    *,
    transcripts: Sequence[str] | None = None,
    include_partial: bool = False,
    level: str = "code",
) -> DisagreementList:
    from themekit.agree.service import find_disagreements

    found = find_disagreements(
        project,
        list(coders),
        transcripts=list(transcripts) if transcripts else None,
        include_partial=include_partial,
        level=level,
    )
    shown = {c: anonymiser.label(c, "a coder name") for c in coders}
    # The place names the code id, never the transcript or speaker: an error line must
    # not become the leak.
    wheres = [f"disagreement {n} (code {d.code_id})" for n, d in enumerate(found, start=1)]
    texts = anonymiser.texts([d.text for d in found], wheres)
    rows = []
    for d, text, where in zip(found, texts, wheres, strict=True):
        anonymiser.gate(d.code_path, f"the label of code {d.code_id}")
        rows.append(
            DisagreementRow(
                code_id=d.code_id,
                code_path=d.code_path,
                transcript=anonymiser.label(d.transcript, f"the transcript id of {where}"),
                line=d.line,
                speaker=anonymiser.label(d.speaker, f"the speaker of {where}")
                if d.speaker
                else d.speaker,
                text=text,
                applied_by=[shown.get(c, c) for c in d.applied_by],
                codes_by_coder={shown[c]: list(d.codes_by_coder[c]) for c in coders},
            )
        )
    return DisagreementList([shown[c] for c in coders], rows)


def disagreements_markdown(found: DisagreementList) -> str:
    names = found.coders
    lines = [
        f"# Disagreements between {', '.join(names)}",
        "",
        f"{len(found.rows)} unit-code disagreements.",
        "",
    ]
    current = None
    for d in found.rows:
        if d.code_id != current:
            current = d.code_id
            lines += [f"## {d.code_path} [{d.code_id}]", ""]
        who = ", ".join(d.applied_by)
        others = "; ".join(f"{c}: {' '.join(d.codes_by_coder[c]) or '(none)'}" for c in names)
        lines.append(f'- {d.transcript} line {d.line} ({d.speaker or "-"}): "{d.text}"')
        lines.append(f"  applied by {who}; all codes: {others}")
    lines.append("")
    return "\n".join(lines)


def disagreements_csv(found: DisagreementList) -> str:
    names = found.coders
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "code",
            "code_path",
            "transcript",
            "line",
            "speaker",
            "text",
            *[f"{c}_codes" for c in names],
        ]
    )
    for d in found.rows:
        writer.writerow(
            [
                d.code_id,
                d.code_path,
                d.transcript,
                d.line,
                d.speaker or "",
                d.text,
                *[" ".join(d.codes_by_coder[c]) for c in names],
            ]
        )
    return buffer.getvalue()


def disagreements_json(found: DisagreementList) -> str:
    return json.dumps(
        [
            {
                "code": d.code_id,
                "code_path": d.code_path,
                "transcript": d.transcript,
                "line": d.line,
                "speaker": d.speaker,
                "text": d.text,
                "applied_by": d.applied_by,
                "codes": {c: d.codes_by_coder[c] for c in found.coders},
            }
            for d in found.rows
        ],
        indent=2,
        ensure_ascii=False,
    )


def disagreements_table(found: DisagreementList) -> Table:
    names = found.coders
    table = Table(
        f"Disagreements between {', '.join(names)} ({len(found.rows)} unit-code pairs)",
        ["Code", "Transcript", "Line", "Speaker", "Text", *[f"{c}'s codes" for c in names]],
    )
    for d in found.rows:
        table.rows.append(
            [
                d.code_path,
                d.transcript,
                str(d.line),
                d.speaker or "",
                d.text,
                *[", ".join(d.codes_by_coder[c]) or "(none)" for c in names],
            ]
        )
    return table
