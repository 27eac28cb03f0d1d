"""Numbered migrations: from a blank database and from the first released schema."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from themekit.project import Project
from themekit.store import Store
from themekit.store.migrations import MIGRATIONS, applied, migrate, pending

FIXTURE = Path(__file__).parent / "fixtures" / "schema_v1.db"


def tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_blank_database_gets_every_migration_recorded(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    ran = migrate(conn)
    assert ran == [name for name, _ in MIGRATIONS]
    assert applied(conn) == ran
    assert pending(conn) == []
    assert {"transcripts", "segments", "codings", "codebook_versions", "embeddings"} <= tables(conn)
    assert migrate(conn) == []  # idempotent


def test_first_schema_fixture_upgrades_and_keeps_its_data(tmp_path: Path) -> None:
    root = tmp_path / "old"
    root.mkdir()
    shutil.copy(FIXTURE, root / "themekit.db")
    conn = sqlite3.connect(root / "themekit.db")
    assert applied(conn) == ["m001_initial"]
    conn.close()

    project = Project.open(root)
    assert pending(project.store.db.conn) == []
    assert [s.text for s in project.store.segments("P01")] == [
        "How did it start?",
        "It started slowly.",
        "Then it grew.",
    ]
    assert project.participants()[0].attributes == {"years_in_role": 4}
    # The automatic backup taken before the upgrade still has the old schema.
    backup = sqlite3.connect(root / "themekit.before-migration-001.db")
    assert applied(backup) == ["m001_initial"]
    assert "codings" not in tables(backup)
    project.close()


def test_failed_migration_rolls_back_with_its_record(tmp_path: Path, monkeypatch) -> None:
    import themekit.store.migrations as m

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(m, "MIGRATIONS", [*m.MIGRATIONS, ("m999_broken", broken)])
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    with pytest.raises(RuntimeError):
        m.migrate(conn)
    assert "half_done" not in tables(conn)
    assert "m999_broken" not in applied(conn)
    assert applied(conn) == [name for name, _ in MIGRATIONS]


def test_store_pragmas(tmp_path: Path) -> None:
    store = Store(tmp_path / "x.db")
    conn = store.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30000
    store.close()


def test_m005_adds_refi_passages_to_a_database_at_m004(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    migrate(conn, upto="m004_agreement_index")
    assert pending(conn) == ["m005_refi_passages"]
    assert "refi_passages" not in tables(conn)
    assert migrate(conn) == ["m005_refi_passages"]
    assert {"refi_passages", "refi_passage_codings", "refi_ids"} <= tables(conn)
    conn.close()
    # The store's methods work on the upgraded database.
    from themekit.store.passages import PassagePiece

    store = Store(tmp_path / "x.db")
    store.db.conn.execute(
        "INSERT INTO transcripts (id, current_version, created_at) VALUES ('T', 1, 'now')"
    )
    store.add_passage(
        guid="g1",
        transcript_id="T",
        span=(3, 9),
        attributes={"name": "words"},
        pieces=[PassagePiece("u1", "c1", {"creatingUser": "Ann"})],
    )
    assert not store.add_passage(
        guid="g1", transcript_id="T", span=(3, 9), attributes={}, pieces=[]
    )
    [passage] = store.passages("T")
    assert (passage.guid, passage.span_start, passage.span_end, passage.attributes) == (
        "g1",
        3,
        9,
        {"name": "words"},
    )
    assert passage.pieces == [PassagePiece("u1", "c1", {"creatingUser": "Ann"})]
    store.set_refi_id("user", "Ann", "a-guid", {"id": "AK"})
    store.set_refi_id("user", "Ann", "b-guid", {})
    assert store.refi_ids("user") == {"Ann": ("b-guid", {})}
    store.close()
