"""What every transcript reader shares: reading bytes, decoding text, checks, and a builder.

Decoding (``decode_text``) follows the one policy for users' text files
(``themekit.files.text.decode_user_text``: BOMs, evident UTF-16, UTF-8, then
Windows-1252; undecodable bytes and control characters are errors). Curly quotes,
dashes and non-breaking spaces are kept as they are; for transcripts, line endings are
normalised (CRLF and CR become LF). Any problem is a ``TranscriptReadError`` naming
the file. So is a line longer than ``MAX_LINE_CHARS`` (1,000,000 characters, ~170,000
words): no transcript has one, and the sentence splitter would otherwise spend minutes
on a file that is really data.

Readers that render their own canonical text (docx, vtt, srt) use ``TextBuilder``: it
appends paragraphs separated by a blank line and records the speaker turns, so that
offsets are right by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from themekit.errors import TextDecodeError, TranscriptReadError
from themekit.files.text import decode_user_text, normalise_newlines, read_user_bytes
from themekit.model.transcripts import ImportSettings, ParsedTranscript
from themekit.transcripts.speakers import (
    SpeakerMatch,
    TurnCollector,
    accept_labels,
    compile_speaker_rule,
    label_kind,
    match_speaker,
    names_under_times,
    normalise_speaker,
    time_line,
)

MAX_LINE_CHARS = 1_000_000


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a missing, unreadable or empty file is a ``TranscriptReadError``."""
    data = read_user_bytes(path, TranscriptReadError)
    if not data.strip():
        raise empty_file_error(path)
    return data


def empty_file_error(path: Path) -> TranscriptReadError:
    return TranscriptReadError(
        path,
        "is empty (no text found)",
        hint="Check that you exported the right file; a transcript needs some text.",
    )


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode ``data`` (see the module docstring); returns (text, encoding name)."""
    try:
        decoded = decode_user_text(data, path)
    except TextDecodeError as exc:
        raise TranscriptReadError(exc.path, exc.problem, hint=exc.hint) from None
    text = normalise_newlines(decoded.text)
    if not text.strip():
        raise empty_file_error(path)
    return text, decoded.encoding


def check_line_lengths(text: str, path: Path) -> None:
    """Reject a text with a line longer than ``MAX_LINE_CHARS`` (linear, one pass)."""
    if len(text) <= MAX_LINE_CHARS:
        return
    position = 0
    line_number = 1
    while position < len(text):
        newline = text.find("\n", position)
        end = len(text) if newline == -1 else newline
        if end - position > MAX_LINE_CHARS:
            raise TranscriptReadError(
                path,
                f"line {line_number} is {end - position:,} characters long; "
                "this does not look like a transcript",
                hint=f"Lines are limited to {MAX_LINE_CHARS:,} characters. If it is a "
                "transcript, put each speaker turn or paragraph on its own line.",
            )
        position = end + 1
        line_number += 1


def format_time(seconds: float) -> str:
    """``[hh:mm:ss]``, rounded down to the second, as shown in rendered transcripts."""
    whole = int(seconds)
    return f"[{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}]"


class TextBuilder:
    """Renders a canonical text paragraph by paragraph and records its turns.

    Paragraphs are separated by a blank line and the text ends with a newline. Line
    breaks inside a paragraph become spaces: in the canonical text of a rendered
    format, one paragraph is one line. Speaker labels are decided when the text is
    built, for all paragraphs at once (``speakers.accept_labels``): a label counts only
    when the document as a whole reads as a conversation.
    """

    def __init__(self, settings: ImportSettings) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._rule = compile_speaker_rule(settings.speaker_pattern)
        # (kind, offset of the speech, speech, label candidate, speaker, time start, end)
        self._entries: list[_Entry] = []

    def add_paragraph(self, text: str, bold_label: str | None = None) -> None:
        """A paragraph that may begin with a speaker label (else it continues the turn).

        ``bold_label`` is the paragraph's leading bold text (Word transcripts that set
        the speaker's name in bold, with or without a colon).
        """
        line = _one_line(text)
        if not line:
            return
        offset = self._append(line)
        match = match_speaker(line, self._rule)
        if match is None and bold_label:
            match = _bold_match(line, bold_label)
        self._entries.append(_Entry("para", offset, line, match))

    def add_continuation(self, text: str) -> None:
        """A paragraph of the current turn, with no label detection."""
        line = _one_line(text)
        if line:
            self._entries.append(_Entry("cont", self._append(line), line))

    def add_turn(
        self,
        speaker: str | None,
        speech: str,
        time_start: float | None = None,
        time_end: float | None = None,
    ) -> None:
        """A turn whose speaker is known, rendered ``"[hh:mm:ss] Speaker: speech"``."""
        line = _one_line(speech)
        if not line:
            return
        prefix = format_time(time_start) + " " if time_start is not None else ""
        if speaker is not None:
            prefix += f"{speaker}: "
        offset = self._append(prefix + line)
        self._entries.append(
            _Entry("turn", offset + len(prefix), line, None, speaker, time_start, time_end)
        )

    def build(self, source_format: str, metadata: dict[str, str] | None = None) -> ParsedTranscript:
        if self._rule.is_default:
            paragraphs = [i for i, entry in enumerate(self._entries) if entry.kind == "para"]
            found = names_under_times(
                [
                    (self._entries[i].offset, self._entries[i].line, self._entries[i].match)
                    for i in paragraphs
                ]
            )
            for index, (_, _, match) in zip(paragraphs, found, strict=True):
                self._entries[index] = replace(self._entries[index], match=match)
        candidates = [
            (number, entry.match)
            for number, entry in enumerate(self._entries, 1)
            if entry.match is not None
        ]
        known = sum(1 for entry in self._entries if entry.kind == "turn" and entry.speaker)
        verdict = accept_labels(candidates, known_speakers=known)
        labelled = bool(verdict.accepted) or known > 0
        collector = TurnCollector()
        for entry in self._entries:
            match = entry.match
            if entry.kind == "turn":
                collector.start_turn(entry.speaker, entry.time_start, entry.time_end)
                collector.extend(entry.line, entry.offset)
            elif entry.kind == "cont":
                collector.extend(entry.line, entry.offset)
            elif match is not None and normalise_speaker(match.speaker).casefold() in (
                verdict.accepted
            ):
                collector.start_turn(match.speaker, time_start=match.time, role=match.role)
                collector.extend(
                    entry.line[match.speech_offset :], entry.offset + match.speech_offset
                )
            elif (timed := time_line(entry.line)) is not None:
                collector.start_turn(collector.speaker, time_start=timed[0], role=collector.role)
                collector.extend(entry.line[timed[1] :], entry.offset + timed[1])
            else:
                if not labelled and collector.has_speech():
                    collector.start_turn(None)  # without speakers, each paragraph is a turn
                collector.extend(entry.line, entry.offset)
        return ParsedTranscript(
            text="".join(self._parts),
            turns=collector.finish(),
            source_format=source_format,
            metadata=dict(metadata or {}),
            notes=verdict.notes,
        )

    def _append(self, line: str) -> int:
        if self._parts:
            self._parts.append("\n")
            self._length += 1
        offset = self._length
        self._parts.append(line + "\n")
        self._length += len(line) + 1
        return offset


@dataclass(frozen=True)
class _Entry:
    kind: str  # "para" (may hold a label), "cont" (continues the turn), "turn" (known speaker)
    offset: int  # where ``line`` starts in the canonical text
    line: str
    match: SpeakerMatch | None = None
    speaker: str | None = None
    time_start: float | None = None
    time_end: float | None = None


def _bold_match(line: str, bold_label: str) -> SpeakerMatch | None:
    """A label set in bold at the start of a Word paragraph ("Sarah Khan  Thanks...")."""
    label = normalise_speaker(bold_label)
    stripped = line.lstrip()
    if not label or label_kind(label) is None or not stripped.startswith(bold_label.strip()):
        return None
    offset = len(line) - len(stripped) + len(bold_label.strip())
    while offset < len(line) and line[offset] in " \t:":
        offset += 1
    if offset < len(line) and offset > 0 and line[offset - 1] not in " \t:":
        return None  # the bold text ends inside a word
    # A bold paragraph with nothing after it may be a heading: it counts as a label only
    # when it repeats (or is a role), like any label alone on its line.
    return SpeakerMatch(label, offset, None, "bold" if offset < len(line) else "alone")


def _one_line(text: str) -> str:
    """Soft line breaks (``\\n``, ``\\r``, ``\\v``) become spaces; ends stripped."""
    return re.sub(r"[ \t]*[\r\n\x0b][ \t]*", " ", text).strip()
