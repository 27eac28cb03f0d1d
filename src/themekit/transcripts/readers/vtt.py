"""Subtitle transcripts from Zoom, Teams and similar: WebVTT (.vtt) and SubRip (.srt).

A file is a series of cues (a time range and a few lines of text). The speaker of a cue
comes from a WebVTT voice tag (``<v Sarah Khan>...</v>``, Teams) or from a label at the
start of the cue text (``Sarah Khan: ...``, Zoom; the rule in ``speakers.py``, decided
over all cues of the file). A cue with neither continues the previous speaker. Other
markup (``<c>``, ``<i>``, inline timestamps) is removed and HTML entities are decoded.

Consecutive cues of one speaker form one turn, from the first cue's start to the last
cue's end (seconds, as floats); their texts are joined with single spaces, which also
rejoins sentences that a subtitle tool split across cues. Line breaks inside a cue are
layout and become spaces; non-breaking spaces are kept.

The canonical text has one paragraph per turn, ``"[hh:mm:ss] Speaker: speech"``,
separated by blank lines; each turn points at its speech.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from pathlib import Path

from themekit.errors import TranscriptReadError
from themekit.model.transcripts import ImportSettings, ParsedTranscript
from themekit.transcripts.readers.common import (
    TextBuilder,
    check_line_lengths,
    decode_text,
    read_bytes,
)
from themekit.transcripts.speakers import (
    SpeakerMatch,
    accept_labels,
    compile_speaker_rule,
    match_speaker,
    normalise_speaker,
)

_TIMING = re.compile(
    r"^\s*(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*"
    r"(?P<end>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>]*>")
_LAYOUT_SPACE = re.compile(r"[ \t\n\r]+")


@dataclass
class _Piece:
    speaker: str | None
    text: str
    start: float
    end: float


def read_vtt_transcript(path: Path, settings: ImportSettings) -> ParsedTranscript:
    """Read a WebVTT file."""
    return _read_subtitles(path, settings, "vtt")


def read_srt_transcript(path: Path, settings: ImportSettings) -> ParsedTranscript:
    """Read a SubRip file."""
    return _read_subtitles(path, settings, "srt")


def _read_subtitles(path: Path, settings: ImportSettings, source_format: str) -> ParsedTranscript:
    text, encoding = decode_text(read_bytes(path), path)
    check_line_lengths(text, path)
    pieces, notes = _cue_pieces(text, settings)
    if not pieces:
        raise TranscriptReadError(
            path,
            f"has no subtitle cues with text (no lines like '00:00:01.000 --> 00:00:04.000' "
            f"followed by speech), so it is not a usable .{source_format} transcript",
            hint="Export the transcript again from the meeting tool, or save it as .txt.",
        )
    builder = TextBuilder(settings)
    if any(piece.speaker is not None for piece in pieces):
        turns = _merge_turns(pieces)
    else:  # no speakers: each cue is a turn, not the whole file
        turns = [(None, [piece.text], piece.start, piece.end) for piece in pieces]
    for speaker, texts, start, end in turns:
        builder.add_turn(speaker, " ".join(texts), time_start=start, time_end=end)
    parsed = builder.build(source_format, {"encoding": encoding})
    return replace(parsed, notes=notes + parsed.notes)


def _seconds(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def _cue_pieces(text: str, settings: ImportSettings) -> tuple[list[_Piece], tuple[str, ...]]:
    """The cues' speech with speakers, and the notes of the label decision.

    A ``Name:`` prefix counts only when the cues as a whole pass ``accept_labels``
    (a cue that happens to start "Summary: ..." is speech, not a speaker).
    """
    rule = compile_speaker_rule(settings.speaker_pattern)
    pieces: list[_Piece] = []
    prefixes: list[SpeakerMatch | None] = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines = block.strip("\n").split("\n")
        timing_index = next((i for i, line in enumerate(lines) if _TIMING.match(line)), None)
        if timing_index is None:
            continue  # the WEBVTT header, NOTE, STYLE and REGION blocks, stray text
        timing = _TIMING.match(lines[timing_index])
        assert timing is not None
        start, end = _seconds(timing["start"]), _seconds(timing["end"])
        payload = "\n".join(lines[timing_index + 1 :])
        for speaker, raw in _voices(payload):
            cue_text = _LAYOUT_SPACE.sub(" ", html.unescape(_TAG.sub("", raw))).strip()
            if cue_text:
                pieces.append(_Piece(speaker, cue_text, start, end))
                prefixes.append(match_speaker(cue_text, rule) if speaker is None else None)
    candidates = [(n, match) for n, match in enumerate(prefixes, 1) if match is not None]
    known = sum(1 for piece in pieces if piece.speaker is not None)
    verdict = accept_labels(candidates, known_speakers=known)
    for piece, match in zip(pieces, prefixes, strict=True):
        if match is not None and normalise_speaker(match.speaker).casefold() in verdict.accepted:
            piece.speaker = match.speaker
            piece.text = piece.text[match.speech_offset :].strip()
    return [piece for piece in pieces if piece.text], verdict.notes


def _voices(payload: str) -> list[tuple[str | None, str]]:
    """Split a cue's text at voice tags: [(voice or None, raw text)]."""
    matches = list(_VOICE.finditer(payload))
    if not matches:
        return [(None, payload)]
    parts: list[tuple[str | None, str]] = []
    if payload[: matches[0].start()].strip():
        parts.append((None, payload[: matches[0].start()]))
    for index, match in enumerate(matches):
        stop = matches[index + 1].start() if index + 1 < len(matches) else len(payload)
        parts.append((normalise_speaker(match.group(1)), payload[match.end() : stop]))
    return parts


def _merge_turns(pieces: list[_Piece]) -> list[tuple[str | None, list[str], float, float]]:
    """Consecutive pieces of one speaker (or unlabelled ones) become one turn."""
    turns: list[tuple[str | None, list[str], float, float]] = []
    for piece in pieces:
        if turns and (piece.speaker is None or piece.speaker == turns[-1][0]):
            speaker, texts, start, _ = turns[-1]
            texts.append(piece.text)
            turns[-1] = (speaker, texts, start, piece.end)
        else:
            turns.append((piece.speaker, [piece.text], piece.start, piece.end))
    return turns
