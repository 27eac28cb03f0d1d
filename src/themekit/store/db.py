"""The SQLite connection and transactions.

themekit keeps everything for a project in one SQLite file, ``themekit.db``, opened in
WAL mode with foreign keys on, ``synchronous=FULL`` (a committed coding survives a
crash or a kill) and a busy timeout, so several coders' processes can share a project.

Connections run in autocommit mode and every change happens inside
``Database.transaction()``: ``BEGIN IMMEDIATE`` takes the write lock up front (so two
writers queue on the busy timeout instead of failing on lock upgrade) and the whole
block commits or rolls back as one. Nested blocks become savepoints.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

BUSY_TIMEOUT_MS = 30_000
_RETRIES = 20


class Database:
    """A connection to a project database with explicit, retrying transactions."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.conn = sqlite3.connect(
            str(self.path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
        )
        self.conn.row_factory = sqlite3.Row
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._retry(lambda: self.conn.execute("PRAGMA journal_mode = WAL"))
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA synchronous = FULL")
        self._depth = 0

    def close(self) -> None:
        self.conn.close()

    @staticmethod
    def _retry(action: Callable[[], T]) -> T:
        """Run ``action``, retrying on a locked database beyond the busy timeout."""
        for attempt in range(_RETRIES):
            try:
                return action()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if attempt == _RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work; nested calls become savepoints."""
        if self._depth:
            name = f"sp{self._depth}"
            self.conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self.conn
            except BaseException:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                raise
            else:
                self.conn.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1
            return
        self._retry(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self._retry(lambda: self.conn.execute("COMMIT"))
        finally:
            self._depth = 0

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        return self._retry(lambda: self.conn.execute(sql, params).fetchall())

    def query_one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def integrity_ok(self) -> bool:
        row = self.conn.execute("PRAGMA integrity_check").fetchone()
        return bool(row and row[0] == "ok")


# -- copying whole databases -------------------------------------------------------------
# Backups, restores, merge snapshots and the copy kept before a migration all copy a
# database page by page with SQLite's online backup API, which is safe while other
# processes write. These helpers are the one place that does it.


def _open(source: sqlite3.Connection | Path, *, read_only: bool) -> sqlite3.Connection:
    if isinstance(source, sqlite3.Connection):
        return source
    if read_only:
        # as_uri escapes spaces, '#', '?' and non-ASCII characters in the path.
        return sqlite3.connect(Path(source).resolve().as_uri() + "?mode=ro", uri=True)
    return sqlite3.connect(str(source))


def copy_database(
    source: sqlite3.Connection | Path,
    target: sqlite3.Connection | Path,
    *,
    read_only_source: bool = True,
) -> None:
    """Copy ``source`` into ``target`` (paths or open connections) with the backup API.

    A path given as ``source`` is opened read-only unless ``read_only_source`` is False,
    so the copied database is never written to; connections passed in are not closed.
    Raises ``sqlite3.DatabaseError`` when the source is not a readable database.
    """
    source_conn = _open(source, read_only=read_only_source)
    try:
        target_conn = _open(target, read_only=False)
        try:
            with target_conn:
                source_conn.backup(target_conn)
        finally:
            if target_conn is not target:
                target_conn.close()
    finally:
        if source_conn is not source:
            source_conn.close()


def check_project_database(path: Path) -> bool:
    """True if ``path`` passes SQLite's integrity check; ``sqlite3.DatabaseError`` when it
    is not a themekit database at all (no ``schema_migrations`` table)."""
    conn = _open(path, read_only=True)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()
        return bool(ok)
    finally:
        conn.close()
