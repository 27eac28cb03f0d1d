"""Transcripts, their versions and their segments.

A transcript keeps every version ever imported (``transcript_versions``), each with its
canonical text and its segments. ``transcripts.current_version`` says which one is in
use. Old segments stay so that orphaned codings still point at the text they were made
on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from themekit.model.rows import SegmentArrays, SegmentRow, TranscriptInfo
from themekit.model.transcripts import ParsedTranscript, Segment
from themekit.store.base import StoreBase


def _make_current_version(conn: sqlite3.Connection, transcript_id: str, at: str) -> int:
    """The number of a transcript's next version, made its current one (the transcript
    row is created for a first version)."""
    row = conn.execute(
        "SELECT current_version FROM transcripts WHERE id = ?", (transcript_id,)
    ).fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO transcripts (id, current_version, created_at) VALUES (?, ?, ?)",
            (transcript_id, 1, at),
        )
        return 1
    latest = conn.execute(
        "SELECT MAX(version) FROM transcript_versions WHERE transcript_id = ?", (transcript_id,)
    ).fetchone()[0]
    version = int(latest) + 1
    conn.execute(
        "UPDATE transcripts SET current_version = ? WHERE id = ?", (version, transcript_id)
    )
    return version


def _segment(row: sqlite3.Row) -> SegmentRow:
    return SegmentRow(
        id=row["id"],
        transcript_id=row["transcript_id"],
        version=row["version"],
        line=row["line"],
        speaker=row["speaker"],
        turn_index=row["turn_index"],
        start=row["start"],
        end=row["end"],
        time_start=row["time_start"],
        time_end=row["time_end"],
        codable=bool(row["codable"]),
        text=row["text"],
    )


class TranscriptStore(StoreBase):
    def add_transcript_version(
        self,
        transcript_id: str,
        parsed: ParsedTranscript,
        segments: list[Segment],
        *,
        content_hash: str,
        source_name: str,
        unit: str,
    ) -> int:
        """Store a new version with its segments; return the version number.

        Runs inside the caller's transaction when there is one, so a whole import
        (text, segments, re-anchored codings, audit) commits or vanishes together.
        """
        with self.db.transaction() as conn:
            at = self.now()
            version = _make_current_version(conn, transcript_id, at)
            conn.execute(
                "INSERT INTO transcript_versions (transcript_id, version, content_hash, text,"
                " source_name, source_format, unit, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    transcript_id,
                    version,
                    content_hash,
                    parsed.text,
                    source_name,
                    parsed.source_format,
                    unit,
                    at,
                ),
            )
            conn.executemany(
                "INSERT INTO segments (transcript_id, version, line, speaker, turn_index, start,"
                " end, time_start, time_end, codable, text)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        transcript_id,
                        version,
                        s.line,
                        s.speaker,
                        s.turn_index,
                        s.start,
                        s.end,
                        s.time_start,
                        s.time_end,
                        int(s.codable),
                        s.text,
                    )
                    for s in segments
                ],
            )
        return version

    def transcript_ids(self) -> list[str]:
        return [r[0] for r in self.db.query("SELECT id FROM transcripts ORDER BY id")]

    def has_transcript(self, transcript_id: str) -> bool:
        return (
            self.db.query_one("SELECT 1 FROM transcripts WHERE id = ?", (transcript_id,))
            is not None
        )

    def current_hash(self, transcript_id: str) -> str | None:
        row = self.db.query_one(
            "SELECT v.content_hash FROM transcripts t JOIN transcript_versions v"
            " ON v.transcript_id = t.id AND v.version = t.current_version WHERE t.id = ?",
            (transcript_id,),
        )
        return row[0] if row else None

    def transcripts(self) -> list[TranscriptInfo]:
        rows = self.db.query(
            "SELECT t.id, t.current_version AS version, v.content_hash, v.source_name,"
            " v.source_format, v.unit, v.imported_at,"
            " (SELECT COUNT(*) FROM segments s WHERE s.transcript_id = t.id"
            "   AND s.version = t.current_version) AS n_segments,"
            " (SELECT COUNT(*) FROM segments s WHERE s.transcript_id = t.id"
            "   AND s.version = t.current_version AND s.codable) AS n_codable,"
            " v.text"
            " FROM transcripts t JOIN transcript_versions v"
            " ON v.transcript_id = t.id AND v.version = t.current_version ORDER BY t.id"
        )
        return [
            TranscriptInfo(
                r["id"],
                r["version"],
                r["content_hash"],
                r["source_name"],
                r["source_format"],
                r["unit"],
                r["imported_at"],
                r["n_segments"],
                r["n_codable"],
                len(r["text"].split()),
            )
            for r in rows
        ]

    def transcript_text(self, transcript_id: str, version: int | None = None) -> str:
        if version is None:
            row = self.db.query_one(
                "SELECT v.text FROM transcripts t JOIN transcript_versions v"
                " ON v.transcript_id = t.id AND v.version = t.current_version WHERE t.id = ?",
                (transcript_id,),
            )
        else:
            row = self.db.query_one(
                "SELECT text FROM transcript_versions WHERE transcript_id = ? AND version = ?",
                (transcript_id, version),
            )
        return row[0] if row else ""

    def current_unit(self, transcript_id: str) -> str | None:
        row = self.db.query_one(
            "SELECT v.unit FROM transcripts t JOIN transcript_versions v"
            " ON v.transcript_id = t.id AND v.version = t.current_version WHERE t.id = ?",
            (transcript_id,),
        )
        return row[0] if row else None

    def current_version(self, transcript_id: str) -> int | None:
        row = self.db.query_one(
            "SELECT current_version FROM transcripts WHERE id = ?", (transcript_id,)
        )
        return int(row[0]) if row else None

    def segments(
        self, transcript_id: str, version: int | None = None, *, codable_only: bool = False
    ) -> list[SegmentRow]:
        if version is None:
            version = self.current_version(transcript_id)
            if version is None:
                return []
        sql = "SELECT * FROM segments WHERE transcript_id = ? AND version = ?"
        if codable_only:
            sql += " AND codable = 1"
        return [
            _segment(r) for r in self.db.query(sql + " ORDER BY line", (transcript_id, version))
        ]

    def all_current_segments(self, *, codable_only: bool = True) -> list[SegmentRow]:
        sql = (
            "SELECT s.* FROM segments s JOIN transcripts t ON t.id = s.transcript_id"
            " AND t.current_version = s.version"
        )
        if codable_only:
            sql += " WHERE s.codable = 1"
        return [_segment(r) for r in self.db.query(sql + " ORDER BY s.transcript_id, s.line")]

    def segment(self, segment_id: int) -> SegmentRow | None:
        row = self.db.query_one("SELECT * FROM segments WHERE id = ?", (segment_id,))
        return _segment(row) if row else None

    def segment_arrays(self, transcript_ids: Sequence[str]) -> SegmentArrays:
        """Current-version segments of ``transcript_ids`` as arrays, without their text.

        One query over integers: loading 100,000 segments costs milliseconds, where
        ``segments()`` builds a ``SegmentRow`` (with its text) per segment.
        """
        import numpy as np

        parts: list[Any] = []
        cursor = self.db.conn.cursor()
        cursor.row_factory = None
        for index, transcript_id in enumerate(transcript_ids):
            cursor.execute(
                "SELECT s.id, ?, s.line, s.start, s.end, s.codable FROM segments s"
                " JOIN transcripts t ON t.id = s.transcript_id AND t.current_version = s.version"
                " WHERE s.transcript_id = ?",
                (index, transcript_id),
            )
            parts.append(np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 6))
        table = np.concatenate(parts) if parts else np.zeros((0, 6), dtype=np.int64)
        ids, transcript, line, start, end, codable = table.T
        by_position = np.lexsort((line, transcript))
        return SegmentArrays(
            tuple(transcript_ids),
            ids[by_position],
            transcript[by_position],
            line[by_position],
            start[by_position],
            end[by_position],
            codable[by_position].astype(bool),
        )

    def segment_at(self, transcript_id: str, line: int) -> SegmentRow | None:
        row = self.db.query_one(
            "SELECT s.* FROM segments s JOIN transcripts t ON t.id = s.transcript_id"
            " AND t.current_version = s.version WHERE s.transcript_id = ? AND s.line = ?",
            (transcript_id, line),
        )
        return _segment(row) if row else None

    def count_segments(self) -> tuple[int, int]:
        row = self.db.query_one(
            "SELECT COUNT(*), COALESCE(SUM(s.codable), 0) FROM segments s JOIN transcripts t"
            " ON t.id = s.transcript_id AND t.current_version = s.version"
        )
        assert row is not None
        return int(row[0]), int(row[1])

    def speakers(self, transcript_id: str) -> list[tuple[str | None, bool, int]]:
        """(speaker, codable, number of segments) for the current version."""
        return [
            (r[0], bool(r[1]), int(r[2]))
            for r in self.db.query(
                "SELECT s.speaker, MAX(s.codable), COUNT(*) FROM segments s JOIN transcripts t"
                " ON t.id = s.transcript_id AND t.current_version = s.version"
                " WHERE s.transcript_id = ? GROUP BY s.speaker ORDER BY MIN(s.line)",
                (transcript_id,),
            )
        ]
