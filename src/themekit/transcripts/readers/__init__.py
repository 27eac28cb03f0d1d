"""Transcript readers: one file in, a ``ParsedTranscript`` out, chosen by extension.

``read_transcript`` is the only entry point the rest of themekit needs. Each reader
returns the canonical text (stored forever; all offsets point into it) and the speaker
turns found in it; ``transcripts.segment`` cuts the turns into codable segments.

| extension | reader | canonical text |
|---|---|---|
| .txt, .md | ``txt.read_text_transcript`` | the decoded file, line endings normalised |
| .docx | ``docx.read_docx_transcript`` | body paragraphs and table rows, one per paragraph |
| .vtt, .srt | ``vtt.read_vtt_transcript`` / ``read_srt_transcript`` | one turn per paragraph |

Every problem with the file is a ``TranscriptReadError`` ("PATH: problem", with a hint).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from themekit.errors import TranscriptReadError
from themekit.model.transcripts import ImportSettings, ParsedTranscript
from themekit.transcripts.readers.docx import read_docx_transcript
from themekit.transcripts.readers.txt import read_text_transcript
from themekit.transcripts.readers.vtt import read_srt_transcript, read_vtt_transcript

Reader = Callable[[Path, ImportSettings], ParsedTranscript]

READERS: dict[str, Reader] = {
    ".docx": read_docx_transcript,
    ".md": read_text_transcript,
    ".srt": read_srt_transcript,
    ".txt": read_text_transcript,
    ".vtt": read_vtt_transcript,
}
SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(sorted(READERS))

__all__ = ["READERS", "SUPPORTED_EXTENSIONS", "read_transcript"]


def read_transcript(path: Path, settings: ImportSettings | None = None) -> ParsedTranscript:
    """Read one transcript file, choosing the reader by its extension (case-insensitive)."""
    path = Path(path)
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        supported = ", ".join(SUPPORTED_EXTENSIONS)
        problem = (
            f"unsupported file type '{path.suffix}'"
            if path.suffix
            else "has no file extension, so its format is unknown"
        )
        advice = " (for an old Word .doc file, open it in Word and save as .docx)"
        raise TranscriptReadError(
            path,
            problem,
            hint=f"Supported extensions: {supported}. Convert the file to one of these"
            + (advice if suffix == ".doc" else "")
            + " and import it again.",
        )
    return reader(path, settings if settings is not None else ImportSettings())
