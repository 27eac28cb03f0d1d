"""Participants: reading the attribute table and linking speakers to people.

A participants table (.csv or .xlsx) has an ``id`` column, usually ``role`` and
``site``, and any further attribute columns (years in role, gender, ...). Optional
``transcript`` and ``speaker`` columns say which speaker label in which transcript is
that participant. Without them themekit assumes what most studies do: transcript id =
participant id, and every non-interviewer speaker in it is the participant.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from themekit.errors import ParticipantsError
from themekit.store.rows import Participant

RESERVED = {"id", "role", "site", "transcript", "speaker"}
ALL_SPEAKERS = "*"


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


def _read_rows(path: Path) -> list[dict[str, str]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ParticipantsError(
                path, f"cannot be read ({exc.strerror})", hint="Check the path and permissions."
            ) from exc
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - cp1252 rarely fails
            raise ParticipantsError(
                path,
                "is not UTF-8 or cp1252 text",
                hint="Save it from your spreadsheet as CSV (UTF-8).",
            )
        if not text.strip():
            raise ParticipantsError(path, "is empty", hint="Add a header row with an 'id' column.")
        try:
            # Only the delimiter is taken from the sniffer: its other guesses (such as
            # doublequote=False for an unquoted header) misread quoted cells.
            delimiter = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        try:
            rows = [
                {(k or "").strip().lower(): (v or "") for k, v in row.items() if k is not None}
                for row in reader
            ]
        except csv.Error as exc:
            raise ParticipantsError(
                path,
                f"is not a readable CSV table (line {reader.line_num}: {exc})",
                hint="Save it again from your spreadsheet as CSV (UTF-8).",
            ) from None
        fields = [(f or "").strip().lower() for f in (reader.fieldnames or [])]
    elif suffix in (".xlsx", ".xlsm"):
        import zipfile

        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise ParticipantsError(
                path,
                "is not a readable .xlsx workbook",
                hint="Open it in your spreadsheet and save it again as .xlsx or CSV.",
            ) from exc
        sheet = book.worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
        book.close()
        if not values:
            raise ParticipantsError(path, "is empty", hint="Add a header row with an 'id' column.")
        fields = [str(h or "").strip().lower() for h in values[0]]
        rows = [
            {fields[i]: "" if v is None else str(v) for i, v in enumerate(row) if i < len(fields)}
            for row in values[1:]
            if any(v not in (None, "") for v in row)
        ]
    else:
        raise ParticipantsError(
            path, f"unsupported file type '{path.suffix}'", hint="Use a .csv or .xlsx file."
        )
    if "id" not in fields:
        raise ParticipantsError(
            path,
            "has no 'id' column (found: " + ", ".join(f for f in fields if f) + ")",
            hint="Name the column that holds participant ids 'id'.",
        )
    return rows


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
    for number, row in enumerate(rows, start=2):  # row 1 is the header
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


class ParticipantResolver:
    """Says which participant, if any, spoke a segment."""

    def __init__(self, participants: list[Participant], links: dict[tuple[str, str], str]) -> None:
        self.by_id = {p.id: p for p in participants}
        self.links = links

    def resolve(self, transcript_id: str, speaker: str | None, codable: bool) -> Participant | None:
        if speaker is not None and (transcript_id, speaker) in self.links:
            return self.by_id.get(self.links[(transcript_id, speaker)])
        if not codable:
            return None
        if (transcript_id, ALL_SPEAKERS) in self.links:
            return self.by_id.get(self.links[(transcript_id, ALL_SPEAKERS)])
        return self.by_id.get(transcript_id)
