"""Plain-text and Markdown transcripts (.txt, .md).

The canonical text is the decoded file with line endings normalised to ``"\\n"`` and
nothing else changed: speaker labels and timestamps stay in the text, and each turn's
``start``/``end`` cover only the speech after them (see ``speakers.py`` for what
counts as a label). A text without speaker labels has one turn per paragraph.
Encodings and the checks that reject non-text are described in ``readers/common.py``;
the encoding found is recorded in ``metadata["encoding"]``.
"""

from __future__ import annotations

from pathlib import Path

from themekit.model.transcripts import ImportSettings, ParsedTranscript
from themekit.transcripts.readers.common import check_line_lengths, decode_text, read_bytes
from themekit.transcripts.speakers import detect_speakers


def read_text_transcript(path: Path, settings: ImportSettings) -> ParsedTranscript:
    """Read a .txt or .md transcript."""
    text, encoding = decode_text(read_bytes(path), path)
    check_line_lengths(text, path)
    source_format = "md" if path.suffix.lower() == ".md" else "txt"
    detection = detect_speakers(text, settings.speaker_pattern)
    return ParsedTranscript(
        text=text,
        turns=detection.turns,
        source_format=source_format,
        metadata={"encoding": encoding},
        notes=detection.notes,
    )
