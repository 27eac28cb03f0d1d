"""Participants: reading the attribute table and linking speakers to people.

A participants table (.csv or .xlsx) has an ``id`` column, usually ``role`` and
``site``, and any further attribute columns (years in role, gender, ...). Optional
``transcript`` and ``speaker`` columns say which speaker label in which transcript is
that participant. Without them themekit assumes what most studies do: transcript id =
participant id, and every non-interviewer speaker in it is the participant.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from themekit.errors import InputFileError, ParticipantsError
from themekit.files.tables import read_table
from themekit.model.rows import ALL_SPEAKERS, Participant

if TYPE_CHECKING:
    from themekit.project import Project

RESERVED = {"id", "role", "site", "transcript", "speaker"}


@dataclass(frozen=True)
class ParticipantTable:
    participants: list[Participant]
    links: list[tuple[str, str, str]]  # (transcript, speaker or "*", participant id)


def _coerce(value: str) -> Any:
    text = value.strip()
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The non-blank rows by spreadsheet row number, keyed by lower-case header."""
    if path.suffix.lower() not in (".csv", ".tsv", ".xlsx", ".xlsm"):
        raise ParticipantsError(
            path, f"unsupported file type '{path.suffix}'", hint="Use a .csv or .xlsx file."
        )
    try:
        table = read_table(path)
    except InputFileError as exc:
        raise ParticipantsError(exc.path, exc.problem, hint=exc.hint) from None
    if table.header is None:
        raise ParticipantsError(path, "is empty", hint="Add a header row with an 'id' column.")
    fields = [cell.strip().lower() for cell in table.header.cells]
    if "id" not in fields:
        raise ParticipantsError(
            path,
            "has no 'id' column (found: " + ", ".join(f for f in fields if f) + ")",
            hint="Name the column that holds participant ids 'id'.",
        )
    return [
        (row.number, {fields[i]: value for i, value in enumerate(row.cells) if i < len(fields)})
        for row in table.body()
    ]


def _transcript_id(value: str) -> str:
    """A transcript id from a cell that may hold the file name ("P02.docx" -> "P02")."""
    text = value.strip()
    suffix = Path(text).suffix.lower()
    if suffix in (".txt", ".md", ".docx", ".vtt", ".srt"):
        return Path(text).stem
    return text


def read_participants(path: str | Path) -> ParticipantTable:
    """Parse a participants table; raise ParticipantsError naming the file and row."""
    path = Path(path)
    rows = _read_rows(path)
    participants: dict[str, Participant] = {}
    links: list[tuple[str, str, str]] = []
    for number, row in rows:
        pid = row.get("id", "").strip()
        if not pid:
            raise ParticipantsError(
                path, f"row {number} has an empty id", hint="Give every participant an id."
            )
        attributes = {
            key: _coerce(value) for key, value in row.items() if key and key not in RESERVED
        }
        person = Participant(
            pid,
            row.get("role", "").strip() or None,
            row.get("site", "").strip() or None,
            attributes,
        )
        transcript = _transcript_id(row.get("transcript", ""))
        speaker = row.get("speaker", "").strip()
        if pid in participants:
            if transcript and participants[pid] == person:
                # The same person appearing in a second transcript: a further link only.
                links.append((transcript, speaker or ALL_SPEAKERS, pid))
                continue
            raise ParticipantsError(
                path,
                f"duplicate participant id '{pid}' (row {number})",
                hint="Each participant needs a unique id.",
            )
        participants[pid] = person
        if transcript:
            links.append((transcript, speaker or ALL_SPEAKERS, pid))
    if not participants:
        raise ParticipantsError(
            path, "has a header but no participant rows", hint="Add one row per participant."
        )
    return ParticipantTable(list(participants.values()), links)


def import_participants(project: Project, path: str | Path) -> int:
    """Add or update participants from a table; see ``participant_link_warnings``."""
    table = read_participants(path)
    with project.store.db.transaction():
        project.store.replace_participants(table.participants, table.links)
        project.store.log(
            "participants.import",
            how="import",
            details={"file": Path(path).name, "participants": len(table.participants)},
        )
    return len(table.participants)


def participant_link_warnings(project: Project) -> list[str]:
    """Links that point nowhere: unknown transcripts or speakers, shared transcripts."""
    warnings = []
    owners: dict[tuple[str, str], str] = {}
    for (transcript, speaker), pid in sorted(project.store.participant_links().items()):
        if not project.store.has_transcript(transcript):
            warnings.append(f"{pid}: transcript '{transcript}' is not imported (yet)")
            continue
        if speaker != ALL_SPEAKERS:
            speakers = {s for s, _c, _n in project.store.speakers(transcript)}
            if speaker not in speakers:
                warnings.append(
                    f"{pid}: no speaker '{speaker}' in transcript '{transcript}'"
                    f" (speakers: {', '.join(str(s) for s in speakers if s)})"
                )
        other = owners.setdefault((transcript, speaker), pid)
        if other != pid:
            warnings.append(f"{pid} and {other} both claim {transcript} {speaker}")
    return warnings
