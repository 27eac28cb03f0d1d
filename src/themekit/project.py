"""``Project``: the facade that the CLI, the terminal UI and notebooks use.

A project is a folder holding ``themekit.toml`` (settings) and ``themekit.db`` (the
store). ``Project.find`` looks for one from a directory upwards, as git does;
``--project`` or ``THEMEKIT_PROJECT`` name one explicitly. The capability packages
(transcripts, codebook, coding, agree, suggest, export) do the work; this class wires
them to the store and the settings.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from themekit.errors import ProjectExists, ProjectNotFound, ThemekitError
from themekit.files.writer import atomic_write_text, atomic_writer
from themekit.participants import ParticipantResolver, read_participants
from themekit.settings import Settings, render_default_settings
from themekit.store import Store
from themekit.store.migrations import applied, pending
from themekit.store.rows import Participant, SegmentRow

SETTINGS_FILE = "themekit.toml"
DB_FILE = "themekit.db"
ENV_VAR = "THEMEKIT_PROJECT"


@dataclass
class ImportOutcome:
    """What happened to one file in an import batch."""

    path: str
    transcript_id: str | None
    status: str  # "imported" | "updated" | "unchanged" | "failed" | "skipped"
    segments: int = 0
    codable: int = 0
    reanchored: int = 0
    orphaned: list[str] = field(default_factory=list)
    error: ThemekitError | None = None
    note: str | None = None  # why a file was skipped


@dataclass
class StatusReport:
    name: str
    root: str
    transcripts: int
    segments: int
    codable_segments: int
    words: int
    participants: int
    participants_by_role: dict[str, int]
    transcripts_without_participant: list[str]
    codebook_version: int | None
    codes: int
    codings: int
    orphaned_codings: int
    coverage: list[dict[str, str | int]]  # per coder: name and counts

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


class Project:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.settings = Settings.load(root / SETTINGS_FILE)
        db_path = root / DB_FILE
        self._backup_before_migration(db_path)
        self.store = Store(db_path)

    # -- finding and creating ----------------------------------------------------------
    @classmethod
    def init(cls, directory: str | Path = ".", *, name: str | None = None) -> Project:
        root = Path(directory).resolve()
        if (root / DB_FILE).exists() or (root / SETTINGS_FILE).exists():
            raise ProjectExists(
                f"{root} already holds a themekit project.",
                hint="Use it as it is, or choose another folder.",
            )
        project_name = name or root.name
        # Rendered (and checked) before anything is written: a name TOML cannot hold
        # fails here, leaving nothing behind.
        settings_text = render_default_settings(project_name)
        created = [folder for folder in (root, *root.parents) if not folder.exists()]
        root.mkdir(parents=True, exist_ok=True)
        try:
            # The database is what marks a project (``find``/``open`` look for it), so it
            # appears last, complete: built under a temporary name, with the settings
            # written inside the same block, and renamed into place at its end.
            with atomic_writer(root / DB_FILE, overwrite=False) as building:
                try:
                    store = Store(building)
                    try:
                        store.log("init", details={"name": project_name})
                    finally:
                        store.close()
                finally:
                    # SQLite's side files go with a closed database; not after a failure.
                    for side in ("-wal", "-shm", "-journal"):
                        Path(f"{building}{side}").unlink(missing_ok=True)
                atomic_write_text(root / SETTINGS_FILE, settings_text, overwrite=False)
        except BaseException:
            if not (root / DB_FILE).exists():
                (root / SETTINGS_FILE).unlink(missing_ok=True)
            for folder in created:  # innermost first; only the empty ones we made
                try:
                    folder.rmdir()
                except OSError:
                    break
            raise
        return cls(root)

    @classmethod
    def open(cls, path: str | Path) -> Project:
        """Open the project in ``path`` (a project folder, or its themekit.toml/db)."""
        root = Path(path).expanduser().resolve()
        if root.is_file():
            root = root.parent
        if not (root / DB_FILE).exists():
            raise ProjectNotFound(
                f"{root} is not a themekit project (no {DB_FILE}).",
                hint="Create one there (Project.init), or open another folder.",
                next_step="project.init_there",
            )
        return cls(root)

    @classmethod
    def find(cls, explicit: str | Path | None = None, start: str | Path | None = None) -> Project:
        """The project given explicitly, by THEMEKIT_PROJECT, or found upwards from cwd."""
        if explicit:
            return cls.open(explicit)
        env = os.environ.get(ENV_VAR)
        if env:
            return cls.open(env)
        here = Path(start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / DB_FILE).exists():
                return cls(folder)
        raise ProjectNotFound(
            "Not inside a themekit project (no themekit.db here or in any parent folder).",
            hint="Create one (Project.init), or give the project's folder.",
            next_step="project.init",
        )

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def _backup_before_migration(db_path: Path) -> None:
        """Copy an existing database aside before upgrading its schema."""
        if not db_path.exists():
            return
        conn = sqlite3.connect(str(db_path))
        try:
            if not applied(conn) or not pending(conn):
                return
            stamp = len(applied(conn))
            target = db_path.with_name(f"themekit.before-migration-{stamp:03d}.db")
            backup = sqlite3.connect(str(target))
            with backup:
                conn.backup(backup)
            backup.close()
        finally:
            conn.close()

    # -- transcripts ---------------------------------------------------------------------
    def import_transcripts(
        self,
        paths: Iterable[str | Path],
        *,
        unit: str | None = None,
        transcript_id: str | None = None,
        on_file: Callable[[ImportOutcome], None] | None = None,
    ) -> list[ImportOutcome]:
        """Import files and folders; each file in its own transaction."""
        from themekit.transcripts.importer import expand_paths, import_one

        skipped: list[tuple[Path, str]] = []
        files = expand_paths([Path(p) for p in paths], skipped)
        if transcript_id and len(files) > 1:
            raise ThemekitError(
                "--id can only be used when importing a single file.",
                hint="Import the files one at a time, or rename them to their ids.",
            )
        outcomes = []
        for path, reason in skipped:
            outcome = ImportOutcome(str(path), None, "skipped", note=reason)
            outcomes.append(outcome)
            if on_file:
                on_file(outcome)
        for file, _explicit in files:
            outcome = import_one(self, file, unit=unit, transcript_id=transcript_id)
            outcomes.append(outcome)
            if on_file:
                on_file(outcome)
        return outcomes

    # -- participants ----------------------------------------------------------------------
    def import_participants(self, path: str | Path) -> int:
        """Add or update participants from a table; see ``participant_link_warnings``."""
        table = read_participants(path)
        with self.store.db.transaction():
            self.store.replace_participants(table.participants, table.links)
            self.store.log(
                "participants.import",
                how="import",
                details={"file": Path(path).name, "participants": len(table.participants)},
            )
        return len(table.participants)

    def participant_link_warnings(self) -> list[str]:
        """Links that point nowhere: unknown transcripts or speakers, shared transcripts."""
        warnings = []
        owners: dict[tuple[str, str], str] = {}
        for (transcript, speaker), pid in sorted(self.store.participant_links().items()):
            if not self.store.has_transcript(transcript):
                warnings.append(f"{pid}: transcript '{transcript}' is not imported (yet)")
                continue
            if speaker != "*":
                speakers = {s for s, _c, _n in self.store.speakers(transcript)}
                if speaker not in speakers:
                    warnings.append(
                        f"{pid}: no speaker '{speaker}' in transcript '{transcript}'"
                        f" (speakers: {', '.join(str(s) for s in speakers if s)})"
                    )
            other = owners.setdefault((transcript, speaker), pid)
            if other != pid:
                warnings.append(f"{pid} and {other} both claim {transcript} {speaker}")
        return warnings

    def participants(self) -> list[Participant]:
        return self.store.participants()

    def resolver(self) -> ParticipantResolver:
        return ParticipantResolver(self.store.participants(), self.store.participant_links())

    def participant_for(self, segment: SegmentRow) -> Participant | None:
        return self.resolver().resolve(segment.transcript_id, segment.speaker, segment.codable)

    def quote_typicality(self) -> Callable[[Sequence[Sequence[str]]], list[float] | None] | None:
        """The quote bank's typicality from the embeddings ``themekit suggest`` cached.

        Pass it to ``themekit.export.quotes(..., typicality=...)`` (or ``report``); the
        export package never imports the suggester itself. None when no embedding model
        is configured.
        """
        from themekit.suggest.typicality import embedding_typicality

        return embedding_typicality(self)

    # -- status ------------------------------------------------------------------------------
    def status(self) -> StatusReport:
        transcripts = self.store.transcripts()
        people = self.store.participants()
        by_role: dict[str, int] = {}
        for p in people:
            by_role[p.role or "(no role)"] = by_role.get(p.role or "(no role)", 0) + 1
        current = self.store.current_codebook()
        coverage: dict[str, dict[str, str | int]] = {}
        for coder, _transcript, coded, codable, done in self.store.coverage():
            row = coverage.setdefault(
                coder,
                {
                    "coder": coder,
                    "coded": 0,
                    "codable": 0,
                    "transcripts_done": 0,
                    "transcripts_started": 0,
                },
            )
            if not (coded or done):
                continue  # coverage is measured over the transcripts the coder worked on
            row["coded"] = int(row["coded"]) + coded
            row["codable"] = int(row["codable"]) + codable
            row["transcripts_done"] = int(row["transcripts_done"]) + int(done)
            row["transcripts_started"] = int(row["transcripts_started"]) + 1
        resolver = self.resolver()
        unlinked = [
            t.id
            for t in transcripts
            if people
            and not any(
                resolver.resolve(t.id, speaker, codable)
                for speaker, codable, _n in self.store.speakers(t.id)
            )
        ]
        return StatusReport(
            name=self.settings.name or self.root.name,
            root=str(self.root),
            transcripts=len(transcripts),
            segments=sum(t.n_segments for t in transcripts),
            codable_segments=sum(t.n_codable for t in transcripts),
            words=sum(t.n_words for t in transcripts),
            participants=len(people),
            participants_by_role=dict(sorted(by_role.items())),
            transcripts_without_participant=unlinked,
            codebook_version=current[0] if current else None,
            codes=sum(1 for _ in current[1].walk()) if current else 0,
            codings=self.store.count_codings(),
            orphaned_codings=self.store.count_codings(orphaned=True),
            coverage=list(coverage.values()),
        )

    # -- backups -----------------------------------------------------------------------------
    def backup(self, target: str | Path | None = None) -> Path:
        """Copy the database with SQLite's online backup API (safe while others write)."""
        from datetime import datetime

        if target is None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            folder = self.root / "backups"
            folder.mkdir(exist_ok=True)
            target = folder / f"themekit-{stamp}.db"
        target = Path(target)
        if not target.parent.is_dir():
            raise ThemekitError(
                f"{target}: the folder {target.parent} does not exist.",
                hint="Create it, or choose another -o path.",
            )
        try:
            with atomic_writer(target) as tmp:
                dest = sqlite3.connect(str(tmp))
                try:
                    with dest:
                        self.store.db.conn.backup(dest)
                finally:
                    dest.close()
        except sqlite3.Error as exc:
            raise ThemekitError(
                f"{target}: the backup could not be written ({exc}).",
                hint="Choose another -o path with free space.",
            ) from exc
        return target

    def restore(self, source: str | Path) -> Path:
        """Replace the project database with a backup (the current one is kept aside)."""
        source = Path(source)
        if not source.is_file():
            raise ThemekitError(
                f"{source}: no such backup file.",
                hint="Give the path of a backup file (by default in the project's backups/"
                " folder).",
                next_step="project.backup_file",
            )
        check = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            check.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()
        except sqlite3.DatabaseError as exc:
            raise ThemekitError(
                f"{source}: not a themekit backup ({exc}).",
                hint="Choose a backup file (see the backups/ folder).",
                next_step="project.choose_backup",
            ) from exc
        finally:
            check.close()
        if not ok:
            raise ThemekitError(
                f"{source}: the backup fails SQLite's integrity check.",
                hint="Choose an earlier backup from the backups/ folder.",
            )
        from datetime import datetime

        # A new name each time: a second restore must not overwrite what the first kept.
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        kept = self.backup(self.root / f"themekit.before-restore-{stamp}.db")
        # Copy page by page into the live database with the backup API: other open
        # connections see the restored content instead of a file swapped under them.
        source_conn = sqlite3.connect(str(source))
        try:
            source_conn.backup(self.store.db.conn)
        finally:
            source_conn.close()
        self.store.close()
        self.store = Store(self.root / DB_FILE)
        self.store.log("restore", details={"from": source.name, "previous": kept.name})
        return kept
