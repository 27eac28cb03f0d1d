"""Coders, codings, memos, exemplars and per-coder progress.

A coding ties a coder and a code to one segment, optionally to a character span inside
it (absolute offsets into the transcript version's text). ``uid`` is a random id that
travels with the coding through exports, bundles and merges, so a repeated merge never
duplicates. Every write is its own short transaction unless the caller opens a larger
one (a bulk apply is all-or-nothing).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from themekit.model.rows import CodingArrays, CodingRow
from themekit.store.base import StoreBase

_CODING_SELECT = "SELECT c.*, s.line AS line FROM codings c JOIN segments s ON s.id = c.segment_id"


def _coding(r: sqlite3.Row) -> CodingRow:
    return CodingRow(
        id=r["id"],
        uid=r["uid"],
        transcript_id=r["transcript_id"],
        segment_id=r["segment_id"],
        line=r["line"],
        span_start=r["span_start"],
        span_end=r["span_end"],
        code_id=r["code_id"],
        coder=r["coder"],
        codebook_version=r["codebook_version"],
        source=r["source"],
        score=r["score"],
        model=r["model"],
        origin=r["origin"],
        memo=r["memo"],
        orphaned=bool(r["orphaned"]),
        created_at=r["created_at"],
    )


class CodingStore(StoreBase):
    # -- coders ---------------------------------------------------------------------
    def ensure_coder(self, name: str) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO coders (name, created_at) VALUES (?, ?)", (name, self.now())
            )

    def coders(self) -> list[str]:
        return [r[0] for r in self.db.query("SELECT name FROM coders ORDER BY name")]

    def coders_with_source(self, source: str) -> set[str]:
        """Coders with at least one coding made this way (e.g. "reconcile")."""
        return {
            r[0]
            for r in self.db.query("SELECT DISTINCT coder FROM codings WHERE source = ?", (source,))
        }

    # -- codings --------------------------------------------------------------------
    def add_coding(
        self,
        *,
        transcript_id: str,
        segment_id: int,
        code_id: str,
        coder: str,
        codebook_version: int,
        source: str,
        span: tuple[int, int] | None = None,
        score: float | None = None,
        model: str | None = None,
        origin: str | None = None,
        memo: str | None = None,
        uid: str | None = None,
        created_at: str | None = None,
        orphaned: bool = False,
    ) -> int | None:
        """Insert a coding; return its id, or None when the same coding already exists."""
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO coders (name, created_at) VALUES (?, ?)", (coder, self.now())
            )
            cur = conn.execute(
                "INSERT OR IGNORE INTO codings (uid, transcript_id, segment_id, span_start,"
                " span_end, code_id, coder, codebook_version, source, score, model, origin,"
                " memo, orphaned, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    uid or uuid.uuid4().hex,
                    transcript_id,
                    segment_id,
                    span[0] if span else None,
                    span[1] if span else None,
                    code_id,
                    coder,
                    codebook_version,
                    source,
                    score,
                    model,
                    origin,
                    memo,
                    int(orphaned),
                    created_at or self.now(),
                ),
            )
            return cur.lastrowid if cur.rowcount else None

    def add_codings_bulk(
        self, rows: Iterable[tuple[str, int, str, str]], *, codebook_version: int, source: str
    ) -> int:
        """Insert many whole-segment codings (transcript, segment id, code, coder) in one
        transaction; return how many were new. For imports and benchmark fixtures of
        millions of codings, where one ``add_coding`` per coding takes minutes. The
        coders must exist (``ensure_coder``)."""
        now = self.now()
        with self.db.transaction() as conn:
            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO codings (uid, transcript_id, segment_id, code_id, coder,"
                " codebook_version, source, orphaned, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
                (
                    (uuid.uuid4().hex, t, segment, code, coder, codebook_version, source, now)
                    for t, segment, code, coder in rows
                ),
            )
            return conn.total_changes - before

    def coding(self, coding_id: int) -> CodingRow | None:
        row = self.db.query_one(_CODING_SELECT + " WHERE c.id = ?", (coding_id,))
        return _coding(row) if row else None

    def coding_by_uid(self, uid: str) -> CodingRow | None:
        row = self.db.query_one(_CODING_SELECT + " WHERE c.uid = ?", (uid,))
        return _coding(row) if row else None

    def find_coding(
        self, *, coder: str, segment_id: int, code_id: str, span: tuple[int, int] | None = None
    ) -> CodingRow | None:
        row = self.db.query_one(
            _CODING_SELECT + " WHERE c.coder = ? AND c.segment_id = ? AND c.code_id = ?"
            " AND c.span_start IS ? AND c.span_end IS ?",
            (coder, segment_id, code_id, span[0] if span else None, span[1] if span else None),
        )
        return _coding(row) if row else None

    def delete_coding(self, coding_id: int) -> CodingRow | None:
        """Delete a coding and return what it was (for undo and the audit log)."""
        with self.db.transaction() as conn:
            row = conn.execute(_CODING_SELECT + " WHERE c.id = ?", (coding_id,)).fetchone()
            if row is None:
                return None
            conn.execute("DELETE FROM codings WHERE id = ?", (coding_id,))
            return _coding(row)

    def restore_coding(self, row: CodingRow) -> int | None:
        """Put back a deleted coding exactly as it was (undo of a removal)."""
        return self.add_coding(
            transcript_id=row.transcript_id,
            segment_id=row.segment_id,
            code_id=row.code_id,
            coder=row.coder,
            codebook_version=row.codebook_version,
            source=row.source,
            span=(row.span_start, row.span_end) if row.span_start is not None else None,  # type: ignore[arg-type]
            score=row.score,
            model=row.model,
            origin=row.origin,
            memo=row.memo,
            uid=row.uid,
            created_at=row.created_at,
            orphaned=row.orphaned,
        )

    def set_coding_memo(self, coding_id: int, memo: str | None) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE codings SET memo = ? WHERE id = ?", (memo, coding_id))

    def codings(
        self,
        *,
        transcript_id: str | None = None,
        coder: str | None = None,
        code_id: str | None = None,
        segment_id: int | None = None,
        include_orphaned: bool = False,
        orphaned_only: bool = False,
    ) -> list[CodingRow]:
        sql = _CODING_SELECT + " WHERE 1=1"
        params: list[Any] = []
        for column, value in (
            ("c.transcript_id", transcript_id),
            ("c.coder", coder),
            ("c.code_id", code_id),
            ("c.segment_id", segment_id),
        ):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        if orphaned_only:
            sql += " AND c.orphaned = 1"
        elif not include_orphaned:
            sql += " AND c.orphaned = 0"
        sql += " ORDER BY c.transcript_id, s.line, c.coder, c.code_id, c.id"
        return [_coding(r) for r in self.db.query(sql, tuple(params))]

    def coding_arrays(self, transcript_ids: Sequence[str], coders: Sequence[str]) -> CodingArrays:
        """The non-orphaned codings of ``coders`` in ``transcript_ids`` as integer arrays.

        Built for agreement over millions of codings: SQLite reads them from the
        covering index ``codings_by_coder_code`` already grouped by coder and code and
        hands over one comma-separated list of segment ids per (coder, code), which
        numpy parses, so Python never holds an object per coding. Codings with a
        character span come in a second, usually small, query with their offsets.
        """
        import numpy as np

        code_ids = tuple(r[0] for r in self.db.query("SELECT id FROM codes ORDER BY rowid"))
        code_index = {code: i for i, code in enumerate(code_ids)}
        coder_index = {coder: i for i, coder in enumerate(coders)}
        coder_marks = ",".join("?" * len(coders))
        segment_parts: list[Any] = []
        code_parts: list[Any] = []
        coder_parts: list[Any] = []
        spanned: list[tuple[int, int, int, int, int]] = []
        cursor = self.db.conn.cursor()
        cursor.row_factory = None
        known = {r[0] for r in self.db.query("SELECT id FROM transcripts")}
        # Asked for every transcript (the usual case): no per-coding transcript test.
        everything = known <= set(transcript_ids)
        chunks = (
            [[]]
            if everything
            else [list(transcript_ids[i : i + 500]) for i in range(0, len(transcript_ids), 500)]
        )
        for chunk in chunks:
            within = f" AND transcript_id IN ({','.join('?' * len(chunk))})" if chunk else ""
            cursor.execute(
                "SELECT coder, code_id, group_concat(segment_id) FROM codings"
                f" WHERE coder IN ({coder_marks}) AND orphaned = 0{within}"
                " AND span_start IS NULL GROUP BY coder, code_id",
                [*coders, *chunk],
            )
            for coder, code, segment_list in cursor:
                # numpy parses the list in C: no Python int per coding.
                segments = np.fromstring(segment_list, dtype=np.int64, sep=",")
                segment_parts.append(segments)
                code_parts.append(np.full(segments.size, code_index.get(code, -1), np.int32))
                coder_parts.append(np.full(segments.size, coder_index[coder], np.int8))
            cursor.execute(
                "SELECT coder, code_id, segment_id, span_start, span_end FROM codings"
                f" WHERE coder IN ({coder_marks}) AND span_start IS NOT NULL"
                f" AND orphaned = 0{within}",
                [*coders, *chunk],
            )
            spanned.extend(
                (coder_index[coder], code_index.get(code, -1), segment, begin, end)
                for coder, code, segment, begin, end in cursor
            )
        n_whole = sum(part.size for part in segment_parts)
        with_span = np.asarray(spanned, dtype=np.int64).reshape(-1, 5)
        no_span = np.full(n_whole, -1, dtype=np.int32)
        return CodingArrays(
            code_ids,
            tuple(coders),
            np.concatenate([*segment_parts, with_span[:, 2]]),
            np.concatenate([*code_parts, with_span[:, 1].astype(np.int32)]),
            np.concatenate([*coder_parts, with_span[:, 0].astype(np.int8)]),
            np.concatenate([no_span, with_span[:, 3].astype(np.int32)]),
            np.concatenate([no_span, with_span[:, 4].astype(np.int32)]),
        )

    def count_codings(self, *, orphaned: bool = False) -> int:
        row = self.db.query_one("SELECT COUNT(*) FROM codings WHERE orphaned = ?", (int(orphaned),))
        return int(row[0]) if row else 0

    def move_coding(
        self, coding_id: int, *, segment_id: int, span: tuple[int, int] | None, orphaned: bool
    ) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE codings SET segment_id = ?, span_start = ?, span_end = ?, orphaned = ?"
                " WHERE id = ?",
                (
                    segment_id,
                    span[0] if span else None,
                    span[1] if span else None,
                    int(orphaned),
                    coding_id,
                ),
            )

    def repoint_codings(self, src_code: str, dst_code: str) -> int:
        """Move every coding of ``src_code`` onto ``dst_code`` (a merge); drop duplicates."""
        with self.db.transaction() as conn:
            rows = conn.execute(
                "SELECT id, coder, segment_id, span_start, span_end FROM codings WHERE code_id = ?",
                (src_code,),
            ).fetchall()
            moved = 0
            for r in rows:
                clash = conn.execute(
                    "SELECT 1 FROM codings WHERE code_id = ? AND coder = ? AND segment_id = ?"
                    " AND span_start IS ? AND span_end IS ?",
                    (dst_code, r["coder"], r["segment_id"], r["span_start"], r["span_end"]),
                ).fetchone()
                if clash:
                    conn.execute("DELETE FROM codings WHERE id = ?", (r["id"],))
                else:
                    conn.execute(
                        "UPDATE codings SET code_id = ?, origin = COALESCE(origin, ?) WHERE id = ?",
                        (dst_code, self.dumps({"merged_from": src_code}), r["id"]),
                    )
                moved += 1
            return moved

    def delete_codings_for_codes(self, code_ids: Iterable[str]) -> int:
        ids = list(code_ids)
        if not ids:
            return 0
        with self.db.transaction() as conn:
            marks = ",".join("?" * len(ids))
            cur = conn.execute(f"DELETE FROM codings WHERE code_id IN ({marks})", ids)
            return cur.rowcount

    def coding_counts_by_code(self) -> dict[str, tuple[int, int, int]]:
        """code id -> (codings, distinct segments' transcripts, distinct coders)."""
        return {
            r[0]: (int(r[1]), int(r[2]), int(r[3]))
            for r in self.db.query(
                "SELECT code_id, COUNT(*), COUNT(DISTINCT transcript_id), COUNT(DISTINCT coder)"
                " FROM codings WHERE orphaned = 0 GROUP BY code_id"
            )
        }

    # -- memos and exemplars --------------------------------------------------------
    def set_segment_memo(self, coder: str, segment_id: int, text: str | None) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO coders (name, created_at) VALUES (?, ?)", (coder, self.now())
            )
            if text:
                conn.execute(
                    "INSERT INTO segment_memos (coder, segment_id, text, updated_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT(coder, segment_id)"
                    " DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                    (coder, segment_id, text, self.now()),
                )
            else:
                conn.execute(
                    "DELETE FROM segment_memos WHERE coder = ? AND segment_id = ?",
                    (coder, segment_id),
                )

    def segment_memos(self, coder: str | None = None) -> dict[tuple[str, int], str]:
        sql = "SELECT coder, segment_id, text FROM segment_memos"
        params: tuple = ()
        if coder is not None:
            sql += " WHERE coder = ?"
            params = (coder,)
        return {(r[0], r[1]): r[2] for r in self.db.query(sql, params)}

    def set_exemplar(self, coder: str, segment_id: int, on: bool) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO coders (name, created_at) VALUES (?, ?)", (coder, self.now())
            )
            if on:
                conn.execute(
                    "INSERT OR IGNORE INTO exemplars (coder, segment_id, created_at)"
                    " VALUES (?, ?, ?)",
                    (coder, segment_id, self.now()),
                )
            else:
                conn.execute(
                    "DELETE FROM exemplars WHERE coder = ? AND segment_id = ?", (coder, segment_id)
                )

    def exemplars(self, coder: str | None = None) -> set[tuple[str, int]]:
        sql = "SELECT coder, segment_id FROM exemplars"
        params: tuple = ()
        if coder is not None:
            sql += " WHERE coder = ?"
            params = (coder,)
        return {(r[0], r[1]) for r in self.db.query(sql, params)}

    # -- progress -------------------------------------------------------------------
    def set_last_line(self, transcript_id: str, coder: str, line: int) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO coders (name, created_at) VALUES (?, ?)", (coder, self.now())
            )
            conn.execute(
                "INSERT INTO coder_progress (transcript_id, coder, last_line) VALUES (?, ?, ?)"
                " ON CONFLICT(transcript_id, coder) DO UPDATE SET last_line = excluded.last_line",
                (transcript_id, coder, line),
            )

    def last_line(self, transcript_id: str, coder: str) -> int | None:
        row = self.db.query_one(
            "SELECT last_line FROM coder_progress WHERE transcript_id = ? AND coder = ?",
            (transcript_id, coder),
        )
        return int(row[0]) if row and row[0] is not None else None

    def set_done(self, transcript_id: str, coder: str, done: bool) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO coders (name, created_at) VALUES (?, ?)", (coder, self.now())
            )
            conn.execute(
                "INSERT INTO coder_progress (transcript_id, coder, done_at) VALUES (?, ?, ?)"
                " ON CONFLICT(transcript_id, coder) DO UPDATE SET done_at = excluded.done_at",
                (transcript_id, coder, self.now() if done else None),
            )

    def clear_done(self, transcript_id: str) -> list[str]:
        """Un-mark a transcript as done for every coder; return who had marked it."""
        with self.db.transaction() as conn:
            coders = [
                r[0]
                for r in conn.execute(
                    "SELECT coder FROM coder_progress WHERE transcript_id = ?"
                    " AND done_at IS NOT NULL ORDER BY coder",
                    (transcript_id,),
                ).fetchall()
            ]
            conn.execute(
                "UPDATE coder_progress SET done_at = NULL WHERE transcript_id = ?",
                (transcript_id,),
            )
        return coders

    def done_transcripts(self, coder: str) -> set[str]:
        return {
            r[0]
            for r in self.db.query(
                "SELECT transcript_id FROM coder_progress WHERE coder = ? AND done_at IS NOT NULL",
                (coder,),
            )
        }

    def coded_transcripts(self, coder: str) -> set[str]:
        return {
            r[0]
            for r in self.db.query(
                # One index probe per transcript, not a scan of the coder's codings.
                "SELECT t.id FROM transcripts t WHERE EXISTS (SELECT 1 FROM codings c"
                " WHERE c.transcript_id = t.id AND c.coder = ? AND c.orphaned = 0)",
                (coder,),
            )
        }

    def coverage(self) -> list[tuple[str, str, int, int, bool]]:
        """(coder, transcript, coded codable segments, codable segments, done) rows."""
        rows = self.db.query(
            "SELECT cd.name AS coder, t.id AS transcript,"
            " (SELECT COUNT(DISTINCT c.segment_id) FROM codings c JOIN segments s"
            "   ON s.id = c.segment_id WHERE c.coder = cd.name AND c.transcript_id = t.id"
            "   AND c.orphaned = 0 AND s.codable = 1) AS coded,"
            " (SELECT COUNT(*) FROM segments s WHERE s.transcript_id = t.id"
            "   AND s.version = t.current_version AND s.codable = 1) AS codable,"
            " (SELECT done_at FROM coder_progress p WHERE p.coder = cd.name"
            "   AND p.transcript_id = t.id) AS done_at"
            " FROM coders cd CROSS JOIN transcripts t ORDER BY cd.name, t.id"
        )
        return [
            (
                r["coder"],
                r["transcript"],
                int(r["coded"]),
                int(r["codable"]),
                r["done_at"] is not None,
            )
            for r in rows
        ]
