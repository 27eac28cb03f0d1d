"""What every transcript reader shares: reading bytes, decoding text, checks, and a builder.

Decoding (``decode_text``) accepts, in this order: UTF-8 with BOM, UTF-16 LE/BE with BOM,
UTF-8, then Windows-1252 (what Word on Windows writes for "Plain Text"). Curly quotes,
dashes and non-breaking spaces are kept as they are; only line endings are normalised
(CRLF and CR become LF). Windows-1252 decodes nearly any byte string, so "undecodable"
is defined as:

* a NUL byte outside UTF-16 (binary data, or UTF-16 without a byte-order mark);
* a byte that is neither valid UTF-8 nor defined in Windows-1252 (0x81, 0x8D, 0x8F,
  0x90, 0x9D);
* a control character other than tab, line feed, carriage return, vertical tab and
  form feed (Word's line and page breaks) in the decoded text.

Any of these is a ``TranscriptReadError`` naming the file. So is a line longer than
``MAX_LINE_CHARS`` (1,000,000 characters, ~170,000 words): no transcript has one, and
the sentence splitter would otherwise spend minutes on a file that is really data.

Readers that render their own canonical text (docx, vtt, srt) use ``TextBuilder``: it
appends paragraphs separated by a blank line and records the speaker turns, so that
offsets are right by construction.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, replace
from pathlib import Path

from themekit.errors import TranscriptReadError
from themekit.transcripts.model import ImportSettings, ParsedTranscript
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
CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_BAD_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_NOT_TEXT_HINT = (
    "Open it in the program that made it and save it as UTF-8 text (.txt), then import again."
)


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a missing, unreadable or empty file is a ``TranscriptReadError``."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TranscriptReadError(
            path, "file not found", hint="Check the path and the file name."
        ) from None
    except IsADirectoryError:
        raise TranscriptReadError(
            path, "is a directory, not a transcript file", hint="Give the path of one file."
        ) from None
    except OSError as exc:
        raise TranscriptReadError(
            path, f"cannot be read ({exc.strerror})", hint="Check the file's permissions."
        ) from None
    if not data.strip():
        raise empty_file_error(path)
    return data


def empty_file_error(path: Path) -> TranscriptReadError:
    return TranscriptReadError(
        path,
        "is empty (no text found)",
        hint="Check that you exported the right file; a transcript needs some text.",
    )


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; nothing else changes."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode ``data`` (see the module docstring); returns (text, encoding name)."""
    text, encoding = _decode(data, path)
    text = normalise_newlines(text)
    bad = _BAD_CONTROL.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        raise TranscriptReadError(
            path,
            f"line {line} contains the control character U+{ord(bad.group()):04X}; "
            "this does not look like a text transcript",
            hint=_NOT_TEXT_HINT,
        )
    if not text.strip():
        raise empty_file_error(path)
    return text, encoding


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8", path), "utf-8-sig"
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding, path), encoding
    if b"\x00" in data:
        raise TranscriptReadError(
            path,
            f"contains NUL bytes (first at byte {data.index(0)}); it looks like a binary "
            "file, not a text transcript",
            hint="If it is UTF-16 text without a byte-order mark, save it as UTF-8; "
            "otherwise export the transcript as .txt or .docx.",
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    for index, byte in enumerate(data):
        if byte in CP1252_UNDEFINED:
            raise TranscriptReadError(
                path,
                f"is not UTF-8 text ({utf8_error.reason} at byte {utf8_error.start}) and not "
                f"Windows-1252 text (byte 0x{byte:02X} at {index} is undefined there)",
                hint=_NOT_TEXT_HINT,
            )
    return data.decode("cp1252"), "cp1252"


def _strict(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise TranscriptReadError(
            path,
            f"starts with a {encoding} byte-order mark but is not valid {encoding} "
            f"({exc.reason} at byte {exc.start})",
            hint=_NOT_TEXT_HINT,
        ) from None


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
