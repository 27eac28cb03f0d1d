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
from dataclasses import dataclass
from pathlib import Path

from themekit.errors import ProjectExists, ProjectNotFound, ThemekitError, UnknownTranscript
from themekit.files.writer import atomic_write_text, atomic_writer, check_destination
from themekit.model.rows import Participant, ParticipantResolver, SegmentRow
from themekit.settings import Settings, render_default_settings
from themekit.store import Store
from themekit.store.db import check_project_database, copy_database
from themekit.store.migrations import migration_state

SETTINGS_FILE = "themekit.toml"
DB_FILE = "themekit.db"
ENV_VAR = "THEMEKIT_PROJECT"


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
        done, waiting = migration_state(db_path)
        if not done or not waiting:
            return
        target = db_path.with_name(f"themekit.before-migration-{len(done):03d}.db")
        copy_database(db_path, target, read_only_source=False)

    # -- transcripts ---------------------------------------------------------------------
    # -- participants ----------------------------------------------------------------------
    def require_transcript(self, transcript_id: str) -> str:
        """``transcript_id`` if the project has it, else the one error every caller gives."""
        if not self.store.has_transcript(transcript_id):
            raise UnknownTranscript(
                f"No transcript '{transcript_id}'.",
                hint="Check the id against the project's transcripts.",
                next_step="transcripts.list",
            )
        return transcript_id

    def participants(self) -> list[Participant]:
        return self.store.participants()

    def resolver(self) -> ParticipantResolver:
        return ParticipantResolver(self.store.participants(), self.store.participant_links())

    def participant_for(self, segment: SegmentRow) -> Participant | None:
        return self.resolver().resolve(segment.transcript_id, segment.speaker, segment.codable)

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
    def backup(self, target: str | Path | None = None, *, overwrite: bool = False) -> Path:
        """Copy the database with SQLite's online backup API (safe while others write).

        The default target, ``backups/themekit-DATE.db``, is new each time; a ``target``
        that exists is replaced only with ``overwrite=True``, and one that is not a
        regular file (a device, a FIFO) never is.
        """
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
        check_destination(target, overwrite=overwrite)
        try:
            with atomic_writer(target, overwrite=overwrite) as tmp:
                copy_database(self.store.db.conn, tmp)
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
        try:
            ok = check_project_database(source)
        except sqlite3.DatabaseError as exc:
            raise ThemekitError(
                f"{source}: not a themekit backup ({exc}).",
                hint="Choose a backup file (see the backups/ folder).",
                next_step="project.choose_backup",
            ) from exc
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
        copy_database(source, self.store.db.conn)
        self.store.close()
        self.store = Store(self.root / DB_FILE)
        self.store.log("restore", details={"from": source.name, "previous": kept.name})
        return kept
