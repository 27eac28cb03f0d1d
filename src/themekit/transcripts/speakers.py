"""Speaker-label detection: which lines of a transcript start a new speaker turn.

Transcripts mark turns with a label at the start of a line, in many shapes (each is
listed with an example in docs/transcripts.md):

* ``Sarah:``, ``SARAH:``, ``sarah:``, ``Dr. J. O'Neil-Smith:``, ``José Núñez:``;
* roles, numbered or not: ``Interviewer:``, ``Interviewer 1:``, ``Interviewer1:``,
  ``INT2:``, ``P3:``, ``Participant 12:``, ``Respondent:``, ``Speaker 1:`` and the short
  codes ``I:`` ``R:`` ``Q:`` ``A:`` ``Int:`` ``Resp:``;
* a time before or after the name: ``[00:01:02] Sarah:``, ``00:01:02 Sarah:``,
  ``Speaker 1 (00:01:02):``, ``Sarah: [00:01:02] speech``;
* a label alone on its line, the speech on the following lines (Rev, Temi:
  ``Speaker 1 (00:01):``), or a name and a time with no colon (Otter: ``Sarah Khan  0:03``;
  Trint/Descript: ``[00:00:05] Sarah Khan``), or a role with no colon (``INTERVIEWER``);
* ``[Sarah] speech``, ``**Sarah:** speech`` (Markdown bold), ``Sarah<TAB>speech``,
  ``Sarah Khan (Interviewer): speech`` (the role in brackets is kept as a hint).

A line is first read permissively (``match_speaker``: 1 to 4 words, at most 40
characters, before a colon followed by whitespace or the line end, so "10:30" never ends
a label; sentence openers such as "So", "Yes", "Note", "Monday" never start one;
``[Laughs]``-style annotations are not labels). Whether the candidates are really
speakers is then decided for the file as a whole (``accept_labels``), because a comment
dump ("Word: ...") or meeting notes ("Summary: ...") look like labels line by line:

* a role label (``Interviewer 2``, ``P3``, ``R``) or a capitalised name counts; a
  lower-case label, a tab-separated one and a label without colon count only when the
  same label starts at least two lines;
* the file passes when at least two lines carry such labels (one, if it is a role), at
  most ``MAX_NAMED_SPEAKERS`` different non-role labels are used, and (from
  ``MIN_LINES_FOR_REPEATS`` labelled lines on) at most half of them carry a non-role
  label used only once.

A file that fails has no speakers: each paragraph is a turn and everything is codable.
Lines without a label continue the previous speaker's turn. A line that is only a time
(``[00:05:00]``), or that starts with a bracketed time, starts a new turn of the same
speaker at that time, so timestamps are never part of the codable text.

A project can replace the rule with ``ImportSettings.speaker_pattern``: a regular
expression with a named group ``speaker`` (and optionally ``time``) matched at the start
of each line; the speech starts where the match ends. A custom pattern is trusted as is:
none of the filters or file-level tests above apply to it.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from themekit.errors import ThemekitError
from themekit.model.transcripts import ImportSettings, Turn

MAX_LABEL_WORDS = 4
MAX_LABEL_CHARS = 40
#: More different non-role labels than this in one file is not a conversation.
MAX_NAMED_SPEAKERS = 12
#: From this many labelled lines on, speakers are expected to come back: a file where
#: most labels are used once is a list ("Summary: ...", "Action: ..."), not a conversation.
MIN_LINES_FOR_REPEATS = 5

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_WORD = r"\#?[^\W_][\w.'\u2019\-]*"
# Words of a name are separated by spaces; a tab ends the label ("Joe<TAB>speech").
_NAME = rf"{_WORD}(?:[ ]+{_WORD}){{0,{MAX_LABEL_WORDS + 2}}}"

#: The built-in label rule (the word filters in the module docstring are applied after it).
DEFAULT_SPEAKER_PATTERN = rf"""
    [ \t]*
    (?:(?:\[(?P<time>{_TIME})\]|\((?P<paren_time>{_TIME})\))[ \t]*
      |(?P<bare_time>{_TIME})[ \t]+)?
    (?P<bold>\*\*)?
    (?:
        \[(?P<bracketed>{_NAME})\]
      | (?P<speaker>{_NAME})
    )
    (?:[ \t]*\((?P<role>[^\W\d_][^()\n]{{0,30}})\))?
    (?:\*\*)?
    (?:[ \t]*(?:[\[(](?P<time_after>{_TIME})[\])]|(?P<bare_after>{_TIME})))?
    (?:\*\*)?
    (?:
        (?P<colon>[ \t]*:(?:\*\*)?
            (?:[ \t]+[\[(](?P<time_colon>{_TIME})[\])])?(?=\s|$))
      | (?P<tab>\t)
      | (?P<alone>[ \t]*$)
      | (?P<space>(?<=\])[ \t]+)
    )
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
        "october", "november", "december", "is", "was", "are", "to", "in", "on", "at", "for", "of",
        "with", "as", "just", "not", "all", "one", "some", "there's", "it's", "i'm", "a.m.", "p.m.",
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

#: Role words (``Interviewer``, ``P``, ``Speaker``...), optionally numbered: "INT2", "P 3".
ROLE_LABEL = re.compile(
    r"(?P<role>interviewer|interviewee|intvw|int|iv|ie|i|resp|respondent|participant|p|r|q|a"
    r"|speaker|spkr|spk|moderator|facilitator|researcher|interpreter|translator|person"
    r"|subject|client|patient)[ \t]*\#?[ \t]*\d{0,3}",
    re.IGNORECASE,
)
#: Role words that say the speaker asks the questions.
INTERVIEWER_ROLES = frozenset(
    ["interviewer", "intvw", "int", "iv", "i", "q", "moderator", "facilitator", "researcher"]
)
#: Role words that say the speaker answers them.
PARTICIPANT_ROLES = frozenset(
    ["interviewee", "ie", "resp", "respondent", "participant", "p", "r", "a", "client", "patient"]
)
_BRACKETED_TIME_LINE = re.compile(
    rf"[ \t]*(?:\[(?P<time>{_TIME})\]|\((?P<paren_time>{_TIME})\))[ \t]*"
)
_BARE_TIME_LINE = re.compile(r"[ \t]*(?P<time>\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?)[ \t]*$")
# A subtitle timing line kept in a text export ("0:0:2.340 --> 0:0:5.120", Teams).
_RANGE_LINE = re.compile(
    r"[ \t]*(?P<time>\d{1,2}:\d{1,2}(?::\d{1,2})?(?:[.,]\d{1,3})?)[ \t]*-->[ \t]*"
    r"\d{1,2}:\d{1,2}(?::\d{1,2})?(?:[.,]\d{1,3})?[ \t]*$"
)


@dataclass(frozen=True)
class SpeakerMatch:
    """A label found at the start of a line; ``line[speech_offset:]`` is the speech.

    ``form`` is how the label ends: ``"colon"``, ``"tab"``, ``"alone"`` (no colon, the
    line ends: needs a time or bold), ``"bracket"`` (``[Name] speech``) or ``"custom"``
    (a project pattern). ``role`` is a bracketed role after the name ("Sarah (Interviewer):").
    """

    speaker: str
    speech_offset: int
    time: float | None = None
    form: str = "colon"
    role: str | None = None


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
            hint="Fix the pattern (given, or [import] speaker_pattern in themekit.toml), or "
            "leave it out to use the built-in speaker labels.",
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


def role_of(label: str) -> str | None:
    """The role word of a role label ("Interviewer 2" -> "interviewer", "P3" -> "p")."""
    found = ROLE_LABEL.fullmatch(normalise_speaker(label))
    return found["role"].casefold() if found else None


def label_kind(label: str) -> str | None:
    """``"role"``, ``"name"`` (capitalised words) or ``"lower"``; None: not a label."""
    words = label.split()
    if not 1 <= len(words) <= MAX_LABEL_WORDS or len(label) > MAX_LABEL_CHARS:
        return None
    if role_of(label) is not None:
        return "role"
    if words[0].casefold().rstrip(".") in _NOT_A_NAME_START:
        return None
    capitalised = True
    for position, word in enumerate(words):
        first = word.lstrip("#")[:1]
        if first.isupper() or first.isdigit():
            continue
        if 0 < position < len(words) - 1 and word in _NAME_PARTICLES:
            continue
        capitalised = False
    if capitalised:
        return "name"
    if len(words) <= 2 and all(word.replace("-", "").replace("'", "").isalpha() for word in words):
        return "lower"
    return None


def _looks_like_name(label: str) -> bool:
    return label_kind(label) is not None


def match_speaker(line: str, rule: SpeakerRule) -> SpeakerMatch | None:
    """The label candidate at the start of ``line`` (one line, no newline), if any.

    With the built-in rule this is only a candidate: ``accept_labels`` decides for the
    whole file which candidates are speakers.
    """
    found = rule.regex.match(line)
    if found is None:
        return None
    groups = found.groupdict()
    if not rule.is_default:
        label = normalise_speaker(groups.get("speaker") or "")
        if not label:
            return None
        raw_time = groups.get("time")
        time = parse_time(raw_time) if raw_time else None
        return SpeakerMatch(label, found.end(), time, "custom")
    bracketed = groups.get("bracketed")
    label = normalise_speaker(bracketed or groups.get("speaker") or "")
    if label_kind(label) is None:
        return None
    if label.lower() in _ANNOTATIONS:
        return None
    raw_time = next(
        (
            groups[name]
            for name in ("time", "paren_time", "bare_time", "time_after", "bare_after")
            if groups.get(name)
        ),
        None,
    ) or groups.get("time_colon")
    if groups.get("colon") is not None:
        form = "colon"
    elif groups.get("tab") is not None:
        form = "tab"
    elif groups.get("alone") is not None:
        form = "alone"
        # Without a colon, a line is a label only with a time, brackets, bold, or when it
        # is a role ("INTERVIEWER" on its own line): a name alone may be a heading or "Mm-hmm."
        unmarked = raw_time is None and bracketed is None and not groups.get("bold")
        if unmarked and role_of(label) is None:
            return None
    else:
        form = "bracket"
        if bracketed is None and groups.get("time_after") is None:
            return None
    time = parse_time(raw_time) if raw_time else None
    role = groups.get("role")
    return SpeakerMatch(label, found.end(), time, form, role.strip() if role else None)


#: The labels ``ImportSettings.interviewer_labels`` holds unless a project changes them.
DEFAULT_INTERVIEWER_LABELS = ImportSettings().interviewer_labels


def is_interviewer(speaker: str | None, interviewer_labels: tuple[str, ...]) -> bool:
    """Whether ``speaker`` is an interviewer by its label (case-insensitive).

    Numbered forms count ("Interviewer 2", "INT2" for "INT"). With the default list, the
    built-in interviewer roles (``INTERVIEWER_ROLES``: also ``Q``, ``Int``, ``Researcher``)
    count too; a project that sets its own ``interviewer_labels`` gets exactly those.
    """
    if speaker is None:
        return False
    key = normalise_speaker(speaker).casefold()
    bare = re.sub(r"[ \t]*#?[ \t]*\d+$", "", key)
    wanted = {normalise_speaker(label).casefold() for label in interviewer_labels}
    if tuple(interviewer_labels) == DEFAULT_INTERVIEWER_LABELS:
        wanted |= INTERVIEWER_ROLES
    return key in wanted or bare in wanted


class TurnCollector:
    """Builds turns from speech fed to it in text order.

    ``start_turn`` opens a turn for a speaker (``None``: unlabelled text), ``extend``
    adds speech to the current turn. Turns with no speech (a label alone) are dropped,
    so every turn returned has ``start < end`` and its speech has no surrounding
    whitespace.
    """

    def __init__(self) -> None:
        self._turns: list[Turn] = []
        self._speaker: str | None = None
        self._open = False
        self._start: int | None = None
        self._end = 0
        self._time_start: float | None = None
        self._time_end: float | None = None
        self._role: str | None = None

    @property
    def speaker(self) -> str | None:
        return self._speaker

    @property
    def role(self) -> str | None:
        return self._role

    def start_turn(
        self,
        speaker: str | None,
        time_start: float | None = None,
        time_end: float | None = None,
        role: str | None = None,
    ) -> None:
        """Close the current turn and open one for ``speaker``."""
        self._close()
        self._open = True
        self._role = role
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

    def has_speech(self) -> bool:
        return self._open and self._start is not None

    def finish(self) -> list[Turn]:
        """All turns, in text order."""
        self._close()
        return self._turns

    def _close(self) -> None:
        if self._open and self._start is not None:
            self._turns.append(
                Turn(
                    self._speaker,
                    self._start,
                    self._end,
                    self._time_start,
                    self._time_end,
                    self._role,
                )
            )
        self._open = False
        self._start = None


@dataclass(frozen=True)
class LabelVerdict:
    """``accept_labels``'s answer: the accepted label keys and what to tell the user."""

    accepted: frozenset[str]
    notes: tuple[str, ...]


def _key(label: str) -> str:
    return normalise_speaker(label).casefold()


def accept_labels(
    candidates: list[tuple[int, SpeakerMatch]], *, known_speakers: int = 0
) -> LabelVerdict:
    """Which candidate labels (``(line number, match)``) are speakers in this file.

    See the module docstring for the test. ``known_speakers`` counts turns whose speaker
    is known without a label (a Word table row), which make a file a conversation too.
    """
    if not candidates:
        return LabelVerdict(frozenset(), ())
    if any(match.form == "custom" for _, match in candidates):
        return LabelVerdict(frozenset(_key(m.speaker) for _, m in candidates), ())
    counts = Counter(_key(match.speaker) for _, match in candidates)
    first_line: dict[str, tuple[int, str]] = {}
    eligible: set[str] = set()
    for line, match in candidates:
        key = _key(match.speaker)
        first_line.setdefault(key, (line, match.speaker))
        kind = label_kind(match.speaker)
        # A capitalised name before a colon counts even once; looser forms must repeat.
        strong_name = kind == "name" and match.form in ("colon", "bracket", "bold")
        if kind == "role" or counts[key] >= 2 or strong_name:
            eligible.add(key)
    labelled = [key for _, m in candidates if (key := _key(m.speaker)) in eligible]
    named = [key for key in eligible if label_kind(first_line[key][1]) != "role"]
    once = [
        key for key in labelled if counts[key] == 1 and label_kind(first_line[key][1]) != "role"
    ]
    problem = None
    if not labelled:
        problem = "no speaker labels"
    elif len(labelled) + known_speakers < 2 and label_kind(first_line[labelled[0]][1]) != "role":
        problem = f"one line-start label ('{first_line[labelled[0]][1]}') is not a conversation"
    elif len(named) > MAX_NAMED_SPEAKERS:
        shown = ", ".join(f"'{first_line[k][1]}'" for k in sorted(named)[:3])
        problem = f"{len(named)} different line-start labels ({shown}, ...) are too many speakers"
    elif len(labelled) >= MIN_LINES_FOR_REPEATS and len(once) * 2 > len(labelled):
        problem = (
            f"{len(once)} of {len(labelled)} line-start labels are used only once,"
            " which is not how speakers alternate"
        )
    if problem is not None:
        if problem == "no speaker labels":
            return LabelVerdict(frozenset(), ())
        return LabelVerdict(
            frozenset(), (f"labels not taken as speakers: {problem}; each paragraph is a turn",)
        )
    notes: list[str] = []
    if any(counts[key] >= 2 for key in eligible):
        for key in sorted(set(once), key=lambda k: first_line[k][0]):
            line, label = first_line[key]
            notes.append(f"'{label}' labels only line {line}: taken as a speaker")
    return LabelVerdict(frozenset(eligible), tuple(notes))


@dataclass(frozen=True)
class Detection:
    """The turns of a text and what the detection has to say about them."""

    turns: list[Turn]
    notes: tuple[str, ...]
    labelled: bool


def time_line(line: str) -> tuple[float, int] | None:
    """(seconds, speech offset) when ``line`` is or starts with a timestamp, else None.

    A bracketed time may be followed by speech (``[00:05:00] And then...``); a bare time
    counts only as a whole line of the ``hh:mm:ss`` form, so "10:30 we met" stays speech,
    and so does a subtitle timing line (``0:0:2.340 --> 0:0:5.120``), which gives its start.
    """
    found = _BRACKETED_TIME_LINE.match(line)
    if found is not None:
        time = parse_time(found["time"] or found["paren_time"])
        if time is not None:
            return time, found.end()
    bare = _BARE_TIME_LINE.match(line) or _RANGE_LINE.match(line)
    if bare is not None:
        time = parse_time(bare["time"])
        if time is not None:
            return time, len(line)
    return None


def build_turns(
    lines: list[tuple[int, str, SpeakerMatch | None]],
    verdict: LabelVerdict,
    *,
    paragraph_breaks: bool,
) -> list[Turn]:
    """Turns from ``(offset, line, candidate)`` in text order, given the file's verdict.

    A blank line ends an unlabelled turn when ``paragraph_breaks`` (each paragraph of an
    unlabelled text is a turn); otherwise, in a text without labels, each line is one.
    """
    collector = TurnCollector()
    labelled = bool(verdict.accepted)
    previous_blank = False
    for offset, line, match in lines:
        if not line.strip():
            previous_blank = True
            continue
        if match is not None and _key(match.speaker) in verdict.accepted:
            collector.start_turn(match.speaker, time_start=match.time, role=match.role)
            collector.extend(line[match.speech_offset :], offset + match.speech_offset)
        elif (timed := time_line(line)) is not None:
            collector.start_turn(collector.speaker, time_start=timed[0], role=collector.role)
            collector.extend(line[timed[1] :], offset + timed[1])
        else:
            unlabelled_break = not labelled and (previous_blank or not paragraph_breaks)
            if unlabelled_break and collector.has_speech():
                collector.start_turn(None)
            collector.extend(line, offset)
        previous_blank = False
    return collector.finish()


def split_lines(text: str) -> list[tuple[int, str]]:
    """``(offset, line)`` for every line of ``text`` (lines end with ``"\\n"``)."""
    lines: list[tuple[int, str]] = []
    position = 0
    length = len(text)
    while position <= length:
        newline = text.find("\n", position)
        line_end = length if newline == -1 else newline
        lines.append((position, text[position:line_end]))
        if newline == -1:
            break
        position = newline + 1
    return lines


def detect_speakers(text: str, pattern: str | None = None) -> Detection:
    """The speaker turns of a plain text, with notes on what was (not) taken as a label."""
    rule = compile_speaker_rule(pattern)
    lines = [(offset, line, match_speaker(line, rule)) for offset, line in split_lines(text)]
    if rule.is_default:
        lines = names_under_times(lines)
    candidates = [(number, match) for number, (_, _, match) in enumerate(lines, 1) if match]
    verdict = accept_labels(candidates)
    nonblank = [line for _, line, _ in lines if line.strip()]
    paragraph_breaks = len(nonblank) < len(lines) - 1
    turns = build_turns(lines, verdict, paragraph_breaks=paragraph_breaks)
    return Detection(turns, verdict.notes, bool(verdict.accepted))


def names_under_times(
    lines: list[tuple[int, str, SpeakerMatch | None]],
) -> list[tuple[int, str, SpeakerMatch | None]]:
    """A name alone on the line after a time line is a label (Teams text: a timing line,
    then the name, then the speech). Like every label without a colon, it must repeat."""
    result = []
    previous_time: float | None = None
    for offset, line, match in lines:
        stripped = line.strip()
        if not stripped:
            result.append((offset, line, match))
            continue
        timed = time_line(line) if match is None else None
        whole_time = timed is not None and timed[1] >= len(line.rstrip())
        if (
            match is None
            and previous_time is not None
            and not whole_time
            and stripped[-1] not in ".?!,;"
            and label_kind(normalise_speaker(stripped)) is not None
        ):
            match = SpeakerMatch(normalise_speaker(stripped), len(line), previous_time, "alone")
        result.append((offset, line, match))
        previous_time = timed[0] if whole_time and timed is not None else None
    return result


def detect_turns(text: str, pattern: str | None = None) -> list[Turn]:
    """The speaker turns of a plain text whose lines end with ``"\\n"``."""
    return detect_speakers(text, pattern).turns
