"""Numbered schema migrations, recorded in the database.

Each migration is a function ``mNNN_name(conn)`` registered in ``MIGRATIONS`` in order.
``migrate`` applies the ones a database lacks, each in its own transaction together with
its row in ``schema_migrations``, so a crash mid-migration leaves the database at the
previous version rather than half-changed. Never edit a migration that has shipped: add
a new one. ``docs/storage.md`` is generated from the SQL here (``themekit.store.schema_doc``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(func: Migration) -> Migration:
    MIGRATIONS.append((func.__name__, func))
    return func


def _script(conn: sqlite3.Connection, sql: str) -> None:
    # executescript would COMMIT the open transaction; run statements one by one instead.
    for statement in sql.split(";"):
        if statement.strip():
            conn.execute(statement)


M001_SQL = """
CREATE TABLE project_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE transcripts (
    id TEXT PRIMARY KEY,
    current_version INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE transcript_versions (
    transcript_id TEXT NOT NULL REFERENCES transcripts(id),
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    text TEXT NOT NULL,
    source_name TEXT NOT NULL,
    source_format TEXT NOT NULL,
    unit TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (transcript_id, version)
);
CREATE TABLE segments (
    id INTEGER PRIMARY KEY,
    transcript_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    line INTEGER NOT NULL,
    speaker TEXT,
    turn_index INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    time_start REAL,
    time_end REAL,
    codable INTEGER NOT NULL,
    text TEXT NOT NULL,
    FOREIGN KEY (transcript_id, version) REFERENCES transcript_versions(transcript_id, version),
    UNIQUE (transcript_id, version, line)
);
CREATE TABLE participants (
    id TEXT PRIMARY KEY,
    role TEXT,
    site TEXT,
    attributes TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE participant_links (
    transcript_id TEXT NOT NULL,
    speaker TEXT NOT NULL,
    participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    PRIMARY KEY (transcript_id, speaker)
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT,
    action TEXT NOT NULL,
    how TEXT,
    codebook_version INTEGER,
    details TEXT NOT NULL DEFAULT '{}'
)
"""


@migration
def m001_initial(conn: sqlite3.Connection) -> None:
    """Transcripts (versioned), segments, participants and the audit log."""
    _script(conn, M001_SQL)


M002_SQL = """
CREATE TABLE codebook_versions (
    version INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    source TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    body TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '{}',
    note TEXT
);
CREATE TABLE codes (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    parent_id TEXT,
    position INTEGER NOT NULL,
    codable INTEGER NOT NULL,
    first_version INTEGER NOT NULL,
    retired_version INTEGER
);
CREATE TABLE coders (
    name TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
CREATE TABLE codings (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    transcript_id TEXT NOT NULL REFERENCES transcripts(id),
    segment_id INTEGER NOT NULL REFERENCES segments(id),
    span_start INTEGER,
    span_end INTEGER,
    code_id TEXT NOT NULL REFERENCES codes(id),
    coder TEXT NOT NULL REFERENCES coders(name),
    codebook_version INTEGER NOT NULL REFERENCES codebook_versions(version),
    source TEXT NOT NULL,
    score REAL,
    model TEXT,
    origin TEXT,
    memo TEXT,
    orphaned INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX codings_unique ON codings (
    coder, segment_id, code_id, COALESCE(span_start, -1), COALESCE(span_end, -1)
);
CREATE INDEX codings_by_transcript ON codings (transcript_id, coder);
CREATE INDEX codings_by_code ON codings (code_id);
CREATE TABLE segment_memos (
    coder TEXT NOT NULL REFERENCES coders(name),
    segment_id INTEGER NOT NULL REFERENCES segments(id),
    text TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (coder, segment_id)
);
CREATE TABLE exemplars (
    coder TEXT NOT NULL REFERENCES coders(name),
    segment_id INTEGER NOT NULL REFERENCES segments(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (coder, segment_id)
);
CREATE TABLE coder_progress (
    transcript_id TEXT NOT NULL REFERENCES transcripts(id),
    coder TEXT NOT NULL REFERENCES coders(name),
    last_line INTEGER,
    done_at TEXT,
    PRIMARY KEY (transcript_id, coder)
)
"""


@migration
def m002_codebook_and_coding(conn: sqlite3.Connection) -> None:
    """Codebook versions, the code registry, coders, codings, memos, exemplars, progress."""
    _script(conn, M002_SQL)


M003_SQL = """
CREATE TABLE embeddings (
    model_id TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model_id, text_hash)
);
CREATE TABLE suggestions (
    segment_id INTEGER NOT NULL REFERENCES segments(id),
    code_id TEXT NOT NULL REFERENCES codes(id),
    rank INTEGER NOT NULL,
    score REAL NOT NULL,
    model TEXT NOT NULL,
    reason TEXT NOT NULL,
    learned_from TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (segment_id, code_id)
);
CREATE TABLE suggestion_decisions (
    id INTEGER PRIMARY KEY,
    segment_id INTEGER NOT NULL REFERENCES segments(id),
    code_id TEXT NOT NULL REFERENCES codes(id),
    coder TEXT NOT NULL,
    decision TEXT NOT NULL,
    score REAL,
    model TEXT,
    at TEXT NOT NULL
);
CREATE TABLE ner_cache (
    key TEXT PRIMARY KEY,
    entities TEXT NOT NULL
)
"""


@migration
def m003_suggestions_and_caches(conn: sqlite3.Connection) -> None:
    """Embedding cache (float32 blobs by model and text hash), suggestions, NER cache."""
    _script(conn, M003_SQL)


M004_SQL = """
CREATE INDEX codings_by_coder_code ON codings (
    coder, code_id, orphaned, transcript_id, segment_id, span_start
);
CREATE INDEX codings_with_span ON codings (coder, transcript_id) WHERE span_start IS NOT NULL
"""

M005_SQL = """
CREATE TABLE refi_passages (
    guid TEXT PRIMARY KEY,
    transcript_id TEXT NOT NULL REFERENCES transcripts(id),
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    attributes TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX refi_passages_by_transcript ON refi_passages (transcript_id);
CREATE TABLE refi_passage_codings (
    passage_guid TEXT NOT NULL REFERENCES refi_passages(guid) ON DELETE CASCADE,
    coding_uid TEXT NOT NULL,
    coding_guid TEXT NOT NULL,
    position INTEGER NOT NULL,
    attributes TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (passage_guid, coding_uid)
);
CREATE INDEX refi_passage_codings_by_coding ON refi_passage_codings (coding_uid);
CREATE TABLE refi_ids (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    guid TEXT NOT NULL,
    attributes TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (kind, key)
)
"""


@migration
def m004_agreement_index(conn: sqlite3.Connection) -> None:
    """Indexes for reading every coding of some coders by code: agreement over millions
    of codings reads the first alone, already grouped by coder and code; the second
    (partial) finds the few codings with a character span without a scan."""
    _script(conn, M004_SQL)


@migration
def m005_refi_passages(conn: sqlite3.Connection) -> None:
    """REFI-QDA identity: a passage (``PlainTextSelection``) imported from another program
    keeps its GUID, whole span (canonical offsets) and attributes, and groups the segment
    codings it became (``refi_passage_codings``: coding uid, the ``Coding`` GUID it came
    from); ``refi_ids`` keeps the GUID and attributes of users, sources, cases and
    variables by their themekit key, so an export gives them back unchanged (and, later,
    kind ``set``: a set of codes and sources by its GUID, with its members by themekit
    id, written back on export)."""
    _script(conn, M005_SQL)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def ensure_migrations_table(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, applied_at TEXT NOT NULL)"
    )


def applied(conn: sqlite3.Connection) -> list[str]:
    ensure_migrations_table(conn)
    return [row[0] for row in conn.execute("SELECT name FROM schema_migrations ORDER BY id")]


def pending(conn: sqlite3.Connection) -> list[str]:
    done = set(applied(conn))
    return [name for name, _ in MIGRATIONS if name not in done]


def migration_state(db_path: Path) -> tuple[list[str], list[str]]:
    """(applied, pending) migration names of the database file at ``db_path``."""
    conn = sqlite3.connect(str(db_path))
    try:
        return applied(conn), pending(conn)
    finally:
        conn.close()


def migrate(conn: sqlite3.Connection, *, upto: str | None = None) -> list[str]:
    """Apply every pending migration (or those up to ``upto``); return their names."""
    ensure_migrations_table(conn)
    done = set(applied(conn))
    ran: list[str] = []
    for name, func in MIGRATIONS:
        if name not in done:
            conn.execute("BEGIN IMMEDIATE")
            try:
                func(conn)
                conn.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                    (name, now()),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            ran.append(name)
        if upto is not None and name == upto:
            break
    return ran


def schema_sql() -> list[tuple[str, str, str]]:
    """(migration name, docstring, SQL) for each migration, for docs/storage.md."""
    sources = {
        "m001_initial": M001_SQL,
        "m002_codebook_and_coding": M002_SQL,
        "m003_suggestions_and_caches": M003_SQL,
        "m004_agreement_index": M004_SQL,
        "m005_refi_passages": M005_SQL,
    }
    return [
        (name, (func.__doc__ or "").strip(), sources.get(name, "").strip())
        for name, func in MIGRATIONS
    ]
