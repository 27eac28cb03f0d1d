"""One coder's work as a portable bundle, and the same view of another project folder.

Team members who code on their own laptops send their work to whoever keeps the main
project. ``themekit bundle --coder ana -o ana.tkb`` writes a zip holding one JSON
document (``bundle.json``) with everything that coder did:

* codings (with their ``uid``, so a repeated merge never duplicates), segment memos,
  exemplars, progress (last line, done marks) and the coder's audit-log entries;
* for every transcript version those rows point at: its content hash and its segments
  (line, offsets, text), so the receiving project can re-anchor by text when its
  version differs; the current version's full text travels too;
* the codebook version body, so unknown codes can be named and loaded.

``TeamData`` is that content in memory. ``collect`` builds it from a store (for a
bundle, or straight from another project folder, which ``read_source`` first copies
into a temporary snapshot with SQLite's backup API so the other project is never
written to, not even migrated). ``themekit.team.merge`` consumes it.

Spans are absolute character offsets into their transcript version's text, as in the
store. A bundle contains interview text: it is as confidential as the project itself.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
import zipfile
import zlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from themekit.errors import MergeError
from themekit.files.writer import atomic_writer
from themekit.model.codebook import Codebook
from themekit.model.rows import AuditEntry

BUNDLE_FORMAT = "themekit-bundle"
BUNDLE_VERSION = 1
BUNDLE_MEMBER = "bundle.json"
DB_FILE = "themekit.db"


@dataclass(frozen=True)
class BundleSegment:
    line: int
    start: int
    end: int
    text: str
    speaker: str | None
    turn_index: int
    codable: bool


@dataclass
class TranscriptVersionData:
    """One version of a transcript as the source project holds it."""

    transcript: str
    version: int
    content_hash: str
    current: bool
    segments: list[BundleSegment]
    text: str | None = None  # the full canonical text, for the current version only


@dataclass(frozen=True)
class CodingData:
    uid: str
    transcript: str
    version: int  # the transcript version its segment belongs to
    line: int
    span_start: int | None
    span_end: int | None
    code: str
    coder: str
    source: str
    score: float | None
    model: str | None
    origin: str | None
    memo: str | None
    orphaned: bool
    created_at: str
    codebook_version: int


@dataclass(frozen=True)
class SegmentNote:
    """A segment memo (``text`` set) or an exemplar mark (``text`` None)."""

    coder: str
    transcript: str
    version: int
    line: int
    text: str | None = None


@dataclass(frozen=True)
class ProgressData:
    coder: str
    transcript: str
    last_line: int | None
    done: bool


@dataclass
class TeamData:
    """Everything one project (or bundle) can hand over for the coders named."""

    source_name: str
    coders: list[str]
    codebook_version: int | None
    codebook: dict[str, Any] | None
    transcripts: list[TranscriptVersionData] = field(default_factory=list)
    codings: list[CodingData] = field(default_factory=list)
    memos: list[SegmentNote] = field(default_factory=list)
    exemplars: list[SegmentNote] = field(default_factory=list)
    progress: list[ProgressData] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    created_at: str = ""

    def codebook_object(self) -> Codebook | None:
        return Codebook.from_dict(self.codebook) if self.codebook is not None else None

    def version(self, transcript: str, version: int) -> TranscriptVersionData | None:
        for item in self.transcripts:
            if item.transcript == transcript and item.version == version:
                return item
        return None

    # -- serialisation --------------------------------------------------------------------
    def to_json(self) -> str:
        body = asdict(self)
        body = {"format": BUNDLE_FORMAT, "format_version": BUNDLE_VERSION, **body}
        return json.dumps(body, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, *, where: str) -> TeamData:
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _bad_bundle(where, f"its {BUNDLE_MEMBER} is not valid JSON ({exc.msg})") from None
        if not isinstance(body, dict) or body.get("format") != BUNDLE_FORMAT:
            raise _bad_bundle(where, "is not a themekit bundle")
        if body.get("format_version") != BUNDLE_VERSION:
            raise MergeError(
                f"{where}: bundle format version {body.get('format_version')!r} is not"
                f" supported (this themekit reads version {BUNDLE_VERSION}).",
                hint="Make the bundle again with the same themekit version as this project.",
            )
        try:
            return cls(
                source_name=str(body["source_name"]),
                coders=[str(c) for c in body["coders"]],
                codebook_version=body["codebook_version"],
                codebook=body["codebook"],
                transcripts=[
                    TranscriptVersionData(
                        **{
                            **t,
                            "segments": [BundleSegment(**s) for s in t["segments"]],
                        }
                    )
                    for t in body["transcripts"]
                ],
                codings=[CodingData(**c) for c in body["codings"]],
                memos=[SegmentNote(**m) for m in body["memos"]],
                exemplars=[SegmentNote(**m) for m in body["exemplars"]],
                progress=[ProgressData(**p) for p in body["progress"]],
                audit=[AuditEntry(**a) for a in body["audit"]],
                created_at=str(body.get("created_at", "")),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise _bad_bundle(where, f"is incomplete or damaged ({type(exc).__name__})") from None


def _bad_bundle(where: str, problem: str) -> MergeError:
    return MergeError(
        f"{where}: {problem}.",
        hint="Ask for the bundle again, or give the other project's folder instead.",
        next_step="team.ask_bundle",
    )


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def collect(store: Any, *, coders: list[str] | None, source_name: str) -> TeamData:
    """The work of ``coders`` (every coder when None) in ``store``, as ``TeamData``."""
    names = sorted(store.coders()) if coders is None else list(coders)
    current = store.current_codebook()
    data = TeamData(
        source_name=source_name,
        coders=names,
        codebook_version=current[0] if current else None,
        codebook=current[1].to_dict() if current else None,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    versions: dict[tuple[str, int], TranscriptVersionData] = {}
    segment_place: dict[int, tuple[str, int, int]] = {}

    def place(segment_id: int) -> tuple[str, int, int]:
        """(transcript, version, line) of a segment, recording its version for the bundle."""
        if segment_id not in segment_place:
            segment = store.segment(segment_id)
            key = (segment.transcript_id, segment.version)
            if key not in versions:
                versions[key] = _version_data(store, *key)
            segment_place[segment_id] = (segment.transcript_id, segment.version, segment.line)
        return segment_place[segment_id]

    for name in names:
        for c in store.codings(coder=name, include_orphaned=True):
            transcript, version, line = place(c.segment_id)
            data.codings.append(
                CodingData(
                    uid=c.uid,
                    transcript=transcript,
                    version=version,
                    line=line,
                    span_start=c.span_start,
                    span_end=c.span_end,
                    code=c.code_id,
                    coder=c.coder,
                    source=c.source,
                    score=c.score,
                    model=c.model,
                    origin=c.origin,
                    memo=c.memo,
                    orphaned=c.orphaned,
                    created_at=c.created_at,
                    codebook_version=c.codebook_version,
                )
            )
        for (coder, segment_id), text in sorted(store.segment_memos(name).items()):
            data.memos.append(SegmentNote(coder, *place(segment_id), text=text))
        for coder, segment_id in sorted(store.exemplars(name)):
            data.exemplars.append(SegmentNote(coder, *place(segment_id)))
        done = store.done_transcripts(name)
        for transcript in store.transcript_ids():
            last = store.last_line(transcript, name)
            if last is not None or transcript in done:
                data.progress.append(ProgressData(name, transcript, last, transcript in done))
                if (transcript, store.current_version(transcript)) not in versions:
                    key = (transcript, store.current_version(transcript))
                    versions[key] = _version_data(store, *key)
        data.audit.extend(store.audit_entries(actor=name))
    data.transcripts = [versions[key] for key in sorted(versions)]
    return data


def _version_data(store: Any, transcript: str, version: int) -> TranscriptVersionData:
    text = store.transcript_text(transcript, version)
    current = store.current_version(transcript) == version
    return TranscriptVersionData(
        transcript=transcript,
        version=version,
        content_hash=_hash(text),
        current=current,
        segments=[
            BundleSegment(s.line, s.start, s.end, s.text, s.speaker, s.turn_index, s.codable)
            for s in store.segments(transcript, version)
        ],
        text=text if current else None,
    )


# -- files ------------------------------------------------------------------------------------
def write_bundle(data: TeamData, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``data`` as a bundle (a zip holding bundle.json), atomically; an existing
    file is replaced only with ``overwrite=True``."""
    target = Path(path)
    with (
        atomic_writer(target, overwrite=overwrite) as tmp,
        zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        archive.writestr(BUNDLE_MEMBER, data.to_json())
    return target


def read_bundle(path: str | Path) -> TeamData:
    """Read a bundle file, or raise a ``MergeError`` that says what is wrong with it."""
    where = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                raw = archive.read(BUNDLE_MEMBER)
            except KeyError:
                raise _bad_bundle(where, f"has no {BUNDLE_MEMBER} inside") from None
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, zlib.error):
        raise _bad_bundle(where, "is not a themekit bundle (not a readable zip file)") from None
    except OSError as exc:
        raise MergeError(
            f"{where}: cannot be read ({exc.strerror or exc}).",
            hint="Check the path to the bundle.",
            next_step="team.bundle_path",
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_bundle(where, f"its {BUNDLE_MEMBER} is not UTF-8 text") from None
    return TeamData.from_json(text, where=where)


def read_source(path: str | Path, *, coders: list[str] | None) -> TeamData:
    """``TeamData`` from a bundle file or another project's folder (read, never written)."""
    source = Path(path).expanduser()
    if source.is_dir() or source.name == DB_FILE:
        folder = source if source.is_dir() else source.parent
        return _read_project(folder, coders=coders)
    if not source.exists():
        raise MergeError(
            f"{source}: no such file or folder.",
            hint="Give another project's folder or a bundle file.",
            next_step="team.source",
        )
    data = read_bundle(source)
    if coders:
        unknown = [c for c in coders if c not in data.coders]
        if unknown:
            raise MergeError(
                f"{source}: the bundle holds the work of {', '.join(data.coders) or 'no coder'},"
                f" not {', '.join(unknown)}.",
                hint="Leave out the coders, or ask for a bundle of that coder.",
                next_step="team.bundle_coders",
            )
        data = _only(data, set(coders))
    return data


def _only(data: TeamData, coders: set[str]) -> TeamData:
    data.coders = [c for c in data.coders if c in coders]
    data.codings = [c for c in data.codings if c.coder in coders]
    data.memos = [m for m in data.memos if m.coder in coders]
    data.exemplars = [m for m in data.exemplars if m.coder in coders]
    data.progress = [p for p in data.progress if p.coder in coders]
    data.audit = [a for a in data.audit if a.actor in coders]
    return data


def _read_project(folder: Path, *, coders: list[str] | None) -> TeamData:
    from themekit.store import Store
    from themekit.store.db import copy_database

    db_path = folder / DB_FILE
    if not db_path.exists():
        raise MergeError(
            f"{folder} is not a themekit project (no {DB_FILE}).",
            hint="Give another project's folder or a bundle file.",
            next_step="team.source",
        )
    with tempfile.TemporaryDirectory(prefix="themekit-merge-") as scratch:
        snapshot = Path(scratch) / DB_FILE
        try:
            # Opened read-only: the other project is never written to.
            copy_database(db_path, snapshot)
        except sqlite3.DatabaseError as exc:
            raise MergeError(
                f"{db_path}: cannot be read as a themekit database ({exc}).",
                hint="Ask for a bundle of the coder's work instead.",
                next_step="team.bundle_instead",
            ) from None
        store = Store(snapshot)  # migrates the snapshot if the other project is older
        try:
            if coders:
                unknown = [c for c in coders if c not in store.coders()]
                if unknown:
                    raise MergeError(
                        f"{folder}: no coder named {', '.join(unknown)} there"
                        f" (coders: {', '.join(store.coders()) or 'none'}).",
                        hint="Check the spelling of the coder names.",
                        next_step="team.coder_spelling",
                    )
            return collect(store, coders=coders, source_name=folder.name)
        finally:
            store.close()
