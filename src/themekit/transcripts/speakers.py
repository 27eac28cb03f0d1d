"""Speaker-label detection: which lines of a transcript start a new speaker turn.

Transcripts mark turns with a label at the start of a line: ``Interviewer:``, ``I:``,
``R:``, ``P01:``, ``Dr Sarah Khan:``, ``[Sarah]``, sometimes with a time before or after
the name (``[00:01:02] Sarah:``, ``Sarah (00:01:02):``) or in Markdown bold
(``**Sarah:**``). The hard part is not to take an ordinary sentence with a colon
("The thing is: ...", "So: what now?") for a label. The default rule is:

* the label is 1 to 4 words and at most 40 characters, before a colon that is followed
  by whitespace or the end of the line (so "10:30" never ends a label);
* every word starts with a capital letter or a digit (name particles such as "de",
  "van", "bin" are allowed between words: "Ana de Souza:");
* the first word is not a common sentence opener or calendar word ("So", "Yes",
  "Note", "The", "Monday", ...): those begin sentences far more often than names;
* a bracketed label ``[Name]`` follows the same rule and is not a transcription
  annotation such as ``[Laughs]``, ``[Crosstalk]`` or ``[Inaudible]``.

Lines without a label continue the previous speaker's turn (see ``TurnCollector``).
A project can replace the rule with ``ImportSettings.speaker_pattern``: a regular
expression with a named group ``speaker`` (and optionally ``time``) matched at the start
of each line; the speech starts where the match ends. A custom pattern is trusted as is:
none of the filters above apply to it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from themekit.errors import ThemekitError
from themekit.transcripts.model import Turn

MAX_LABEL_WORDS = 4
MAX_LABEL_CHARS = 40

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_WORD = r"[^\W_][\w.'\u2019\-]*"
_NAME = rf"{_WORD}(?:[ \t]+{_WORD}){{0,{MAX_LABEL_WORDS + 2}}}"

#: The built-in label rule (the word filters in the module docstring are applied after it).
DEFAULT_SPEAKER_PATTERN = rf"""
    [ \t]*
    (?:[\[(](?P<time>{_TIME})[\])][ \t]*|(?P<bare_time>{_TIME})[ \t]+)?
    (?:
        \[(?P<bracketed>{_NAME})\][ \t]*:?
      | (?:\*\*)?(?P<speaker>{_NAME})(?:\*\*)?
        (?:[ \t]*[\[(](?P<time_after>{_TIME})[\])])?
        [ \t]*:(?:\*\*)?
    )
    (?=\s|$)
"""

# fmt: off
# Words that start sentences (or dates) far more often than they are names.
_NOT_A_NAME_START = frozenset(
    [
        "the", "an", "this", "that", "these", "those", "there", "here", "it", "its", "so", "well",
        "and", "but", "or", "yes", "no", "yeah", "yep", "okay", "ok", "note", "then", "now", "also",
        "because", "if", "when", "what", "why", "how", "where", "who", "which", "we", "they", "he",
        "she", "you", "my", "our", "their", "his", "her", "your", "anyway", "basically", "actually",
        "example", "like", "um", "uh", "er", "erm", "hmm", "oh", "right", "sure", "first", "second",
        "third", "finally", "however", "therefore", "again", "answer", "monday", "tuesday",
        "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday", "tomorrow",
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december",
    ]
)
# Lower-case particles allowed between the capitalised words of a name.
_NAME_PARTICLES = frozenset(
    [
        "de", "da", "del", "della", "di", "du", "la", "le", "van", "von", "der", "den", "bin",
        "binti", "al", "el",
    ]
)
# Bracketed annotations that transcription services put at a line start ("[Laughs]").
_ANNOTATIONS = frozenset(
    [
        "laughs", "laughter", "laughing", "crosstalk", "overtalk", "inaudible", "unclear", "pause",
        "silence", "interruption", "interrupted", "redacted", "cough", "coughs", "sighs", "sigh",
        "noise", "music", "applause", "indistinct", "end", "start", "break", "background noise",
        "long pause", "short pause", "end of interview", "end of recording",
    ]
)
# fmt: on


@dataclass(frozen=True)
class SpeakerMatch:
    """A label found at the start of a line; ``line[speech_offset:]`` is the speech."""

    speaker: str
    speech_offset: int
    time: float | None = None


@dataclass(frozen=True)
class SpeakerRule:
    """A compiled label rule: the regex and whether the built-in word filters apply."""

    regex: re.Pattern[str]
    is_default: bool


@functools.lru_cache(maxsize=32)
def compile_speaker_rule(pattern: str | None) -> SpeakerRule:
    """Compile ``ImportSettings.speaker_pattern`` (``None``: the built-in rule)."""
    if pattern is None:
        return SpeakerRule(re.compile(DEFAULT_SPEAKER_PATTERN, re.VERBOSE), is_default=True)
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise ThemekitError(
            f"speaker_pattern {pattern!r} is not a valid regular expression: {exc}",
            hint="Fix [import] speaker_pattern in themekit.toml, or remove it to use the "
            "built-in speaker labels.",
        ) from exc
    if "speaker" not in regex.groupindex:
        raise ThemekitError(
            f"speaker_pattern {pattern!r} has no named group 'speaker'",
            hint=r"Name the label part (?P<speaker>...), e.g. ^(?P<speaker>[A-Z]\w*):\s*",
        )
    return SpeakerRule(regex, is_default=False)


def normalise_speaker(label: str) -> str:
    """A label as stored: surrounding whitespace, '*' and ':' removed, inner spaces single."""
    return " ".join(label.strip().strip("*:").split())


def parse_time(value: str) -> float | None:
    """Seconds in ``"hh:mm:ss"``, ``"mm:ss"`` or either with ``.ms``/``,ms``; else None."""
    text = value.strip().strip("[]()").replace(",", ".")
    parts = text.split(":")
    if not 2 <= len(parts) <= 3:
        return None
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        return None
    seconds = 0.0
    for number in numbers:
        seconds = seconds * 60 + number
    return seconds


def _looks_like_name(label: str) -> bool:
    words = label.split()
    if not 1 <= len(words) <= MAX_LABEL_WORDS or len(label) > MAX_LABEL_CHARS:
        return False
    if words[0].lower().rstrip(".") in _NOT_A_NAME_START:
        return False
    for position, word in enumerate(words):
        first = word[0]
        if first.isupper() or first.isdigit():
            continue
        if 0 < position < len(words) - 1 and word in _NAME_PARTICLES:
            continue
        return False
    return True


def match_speaker(line: str, rule: SpeakerRule) -> SpeakerMatch | None:
    """The speaker label at the start of ``line`` (a single line, no newline), if any."""
    found = rule.regex.match(line)
    if found is None:
        return None
    groups = found.groupdict()
    if rule.is_default:
        bracketed = groups.get("bracketed")
        label = normalise_speaker(bracketed or groups.get("speaker") or "")
        if not _looks_like_name(label):
            return None
        if bracketed is not None and label.lower() in _ANNOTATIONS:
            return None
        raw_time = groups.get("time") or groups.get("bare_time") or groups.get("time_after")
    else:
        label = normalise_speaker(groups.get("speaker") or "")
        if not label:
            return None
        raw_time = groups.get("time")
    time = parse_time(raw_time) if raw_time else None
    return SpeakerMatch(speaker=label, speech_offset=found.end(), time=time)


def is_interviewer(speaker: str | None, interviewer_labels: tuple[str, ...]) -> bool:
    """Whether ``speaker`` is one of the interviewer labels (case-insensitive)."""
    if speaker is None:
        return False
    wanted = normalise_speaker(speaker).casefold()
    return any(wanted == normalise_speaker(label).casefold() for label in interviewer_labels)


class TurnCollector:
    """Builds the turns of a text fed to it line by line, or turn by turn.

    ``feed_line`` looks for a label: a label starts a new turn, a line without one
    continues the current turn (text before any label belongs to a turn with speaker
    ``None``). ``start_turn`` opens a turn whose speaker is already known (a table
    row, a subtitle voice). Turns with no speech (a label alone) are dropped, so every
    turn returned has ``start < end`` and its speech has no surrounding whitespace.
    """

    def __init__(self, rule: SpeakerRule) -> None:
        self._rule = rule
        self._turns: list[Turn] = []
        self._speaker: str | None = None
        self._open = False
        self._start: int | None = None
        self._end = 0
        self._time_start: float | None = None
        self._time_end: float | None = None

    def feed_line(self, line: str, offset: int) -> None:
        """Add one line (without its newline) that starts at ``offset`` in the text."""
        found = match_speaker(line, self._rule)
        if found is not None:
            self.start_turn(found.speaker, time_start=found.time)
            self.extend(line[found.speech_offset :], offset + found.speech_offset)
        else:
            self.extend(line, offset)

    def start_turn(
        self, speaker: str | None, time_start: float | None = None, time_end: float | None = None
    ) -> None:
        """Close the current turn and open one for ``speaker``."""
        self._close()
        self._open = True
        self._speaker = speaker
        self._start = None
        self._time_start = time_start
        self._time_end = time_end

    def extend(self, content: str, offset: int) -> None:
        """Add speech (no label detection) that starts at ``offset`` to the current turn."""
        stripped = content.strip()
        if not stripped:
            return
        if not self._open:
            self.start_turn(None)
        leading = len(content) - len(content.lstrip())
        if self._start is None:
            self._start = offset + leading
        self._end = offset + leading + len(stripped)

    def finish(self) -> list[Turn]:
        """All turns, in text order."""
        self._close()
        return self._turns

    def _close(self) -> None:
        if self._open and self._start is not None:
            self._turns.append(
                Turn(self._speaker, self._start, self._end, self._time_start, self._time_end)
            )
        self._open = False
        self._start = None


def detect_turns(text: str, pattern: str | None = None) -> list[Turn]:
    """The speaker turns of a plain text whose lines end with ``"\\n"``."""
    collector = TurnCollector(compile_speaker_rule(pattern))
    position = 0
    length = len(text)
    while position <= length:
        newline = text.find("\n", position)
        line_end = length if newline == -1 else newline
        collector.feed_line(text[position:line_end], position)
        if newline == -1:
            break
        position = newline + 1
    return collector.finish()
