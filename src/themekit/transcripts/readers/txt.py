"""Plain-text and Markdown transcripts (.txt, .md).

The canonical text is the decoded file with line endings normalised to ``"\\n"`` and
nothing else changed: speaker labels stay in the text, and each turn's
``start``/``end`` cover only the speech after the label (see ``speakers.py`` for what
counts as a label). Encodings and the checks that reject non-text are described in
``readers/common.py``; the encoding found is recorded in ``metadata["encoding"]``.
"""

from __future__ import annotations

from pathlib import Path

from themekit.transcripts.model import ImportSettings, ParsedTranscript
from themekit.transcripts.readers.common import check_line_lengths, decode_text, read_bytes
from themekit.transcripts.speakers import detect_turns


def read_text_transcript(path: Path, settings: ImportSettings) -> ParsedTranscript:
    """Read a .txt or .md transcript."""
    text, encoding = decode_text(read_bytes(path), path)
    check_line_lengths(text, path)
    source_format = "md" if path.suffix.lower() == ".md" else "txt"
    return ParsedTranscript(
        text=text,
        turns=detect_turns(text, settings.speaker_pattern),
        source_format=source_format,
        metadata={"encoding": encoding},
    )
