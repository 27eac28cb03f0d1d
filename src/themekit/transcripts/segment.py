"""Cut a parsed transcript into codable segments with line numbers and character offsets.

The unit (``ImportSettings.unit``) nests inside turns, which never share a segment:

* ``turn``: the whole speech of one speaker turn;
* ``paragraph``: in Markdown (``source_format == "md"``) a run of non-blank lines,
  paragraphs being separated by blank lines; in every other format one line, since
  Word's text export and the rendered docx/vtt/srt texts put each paragraph on a line;
* ``line``: one non-blank line of the canonical text;
* ``sentence`` (the default): each paragraph split by ``sentences.split_sentences``, a
  pure-Python copy of the decisions of spaCy's rule-based sentencizer (``spacy.blank("en")``
  + ``sentencizer``: punctuation rules only), so a sentence never runs across a paragraph
  break. Importing spaCy took longer than the rest of a one-file import;
  ``SENTENCE_SPLITTER = "spacy"`` still selects it (for the benchmark).

Every segment satisfies ``segment.text == parsed.text[segment.start:segment.end]``, has
no surrounding whitespace and is not empty; segments are in text order and do not
overlap. ``line`` numbers are 1-based and count every segment, interviewer ones
included; interviewer segments (``roles.decide_roles``) have ``codable=False``.

Speed (spaCy path): all paragraphs of a transcript go through ``nlp.pipe`` in batches,
and the spaCy pipeline is built once per process (``_sentencizer``). Text too long for one
spaCy call (``MAX_SENTENCIZE_CHARS``) is cut at line breaks, then at spaces.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

from themekit.errors import ThemekitError
from themekit.model.transcripts import ImportSettings, ParsedTranscript, Segment, Turn
from themekit.transcripts.roles import RoleDecision, decide_roles

UNITS = ("sentence", "turn", "paragraph", "line")
MAX_SENTENCIZE_CHARS = 1_000_000
PIPE_BATCH_SIZE = 256

_sentencizer: Any = None
_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")


def content_hash(text: str) -> str:
    """SHA-256 (hex) of a canonical text: equal hashes mean an identical re-import."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def segment_transcript(
    parsed: ParsedTranscript, settings: ImportSettings, roles: RoleDecision | None = None
) -> list[Segment]:
    """The segments of ``parsed`` for ``settings.unit``, numbered from line 1.

    Interviewer segments (``roles``, by default ``roles.decide_roles``) are not codable.
    """
    if settings.unit not in UNITS:
        raise ThemekitError(
            f"unknown segment unit {settings.unit!r}",
            hint=f"Set [import] unit in themekit.toml to one of: {', '.join(UNITS)}.",
        )
    text = parsed.text
    spans: list[tuple[int, int, int]] = []  # (turn index, start, end), in text order
    if settings.unit == "sentence":
        spans = _sentence_spans(parsed)
    else:
        for turn_index, turn in enumerate(parsed.turns):
            if settings.unit == "turn":
                pieces: Iterator[tuple[int, int]] = iter([(turn.start, turn.end)])
            elif settings.unit == "line" or parsed.source_format != "md":
                pieces = _split(text, turn.start, turn.end, "\n")
            else:
                pieces = _split_paragraphs(text, turn.start, turn.end)
            spans.extend((turn_index, start, end) for start, end in pieces)
    return _segments(parsed, spans, roles or decide_roles(parsed, settings))


def _segments(
    parsed: ParsedTranscript, spans: list[tuple[int, int, int]], roles: RoleDecision
) -> list[Segment]:
    segments: list[Segment] = []
    # Unlabelled text before the first speaker label of a labelled transcript is a title
    # or header ("Interview with P01, recorded 14 March"), not speech: keep it, don't code it.
    first_labelled = next((i for i, t in enumerate(parsed.turns) if t.speaker is not None), None)
    text = parsed.text
    for turn_index, raw_start, raw_end in spans:
        start, end = _strip(text, raw_start, raw_end)
        if start >= end:
            continue
        turn = parsed.turns[turn_index]
        codable = not roles.is_interviewer(turn.speaker)
        if turn.speaker is None and first_labelled is not None and turn_index < first_labelled:
            codable = False
        segments.append(
            Segment(
                line=len(segments) + 1,
                speaker=turn.speaker,
                turn_index=turn_index,
                start=start,
                end=end,
                text=text[start:end],
                codable=codable,
                time_start=turn.time_start,
                time_end=turn.time_end,
            )
        )
    return segments


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow [start, end) to exclude surrounding whitespace (``str.strip`` semantics)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split(text: str, start: int, end: int, separator: str) -> Iterator[tuple[int, int]]:
    """Pieces of text[start:end] between occurrences of ``separator``."""
    position = start
    while position < end:
        found = text.find(separator, position, end)
        if found == -1:
            break
        yield position, found
        position = found + len(separator)
    yield position, end


def _split_paragraphs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Pieces of text[start:end] between blank lines."""
    position = start
    for gap in _BLANK_LINES.finditer(text, start, end):
        yield position, gap.start()
        position = gap.end()
    yield position, end


def _paragraph_spans(parsed: ParsedTranscript, turn: Turn) -> Iterator[tuple[int, int]]:
    if parsed.source_format == "md":
        pieces = _split_paragraphs(parsed.text, turn.start, turn.end)
    else:
        pieces = _split(parsed.text, turn.start, turn.end, "\n")
    for start, end in pieces:
        start, end = _strip(parsed.text, start, end)
        if start >= end:
            continue
        if end - start <= MAX_SENTENCIZE_CHARS:
            yield start, end
        else:
            yield from _bounded(parsed.text, start, end)


def _bounded(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut an over-long paragraph at line breaks, else at spaces, else anywhere."""
    while end - start > MAX_SENTENCIZE_CHARS:
        limit = start + MAX_SENTENCIZE_CHARS
        cut = text.rfind("\n", start, limit)
        if cut <= start:
            cut = text.rfind(" ", start, limit)
        if cut <= start:
            cut = limit
        yield start, cut
        start = cut
    yield start, end


#: "rules": ``sentences.split_sentences`` (pure Python, the default); "spacy": spaCy's
#: rule-based sentencizer, kept for the agreement benchmark (benchmarks/bench_sentences.py).
SENTENCE_SPLITTER = "rules"


def _sentence_spans(
    parsed: ParsedTranscript, splitter: str | None = None
) -> list[tuple[int, int, int]]:
    paragraphs = [
        (turn_index, start, end)
        for turn_index, turn in enumerate(parsed.turns)
        for start, end in _paragraph_spans(parsed, turn)
    ]
    if (splitter or SENTENCE_SPLITTER) == "spacy":
        return _spacy_sentence_spans(parsed, paragraphs)
    from themekit.transcripts.sentences import split_sentences

    spans: list[tuple[int, int, int]] = []
    for turn_index, start, end in paragraphs:
        paragraph = parsed.text[start:end]
        for a, b in _repair_boundaries(paragraph, split_sentences(paragraph)):
            spans.append((turn_index, start + a, start + b))
    return spans


def _spacy_sentence_spans(
    parsed: ParsedTranscript, paragraphs: list[tuple[int, int, int]]
) -> list[tuple[int, int, int]]:
    nlp = _get_sentencizer()
    texts = (parsed.text[start:end] for _, start, end in paragraphs)
    spans: list[tuple[int, int, int]] = []
    for (turn_index, start, _), doc in zip(
        paragraphs, nlp.pipe(texts, batch_size=PIPE_BATCH_SIZE), strict=True
    ):
        pieces = [(sentence.start_char, sentence.end_char) for sentence in doc.sents]
        for a, b in _repair_boundaries(doc.text, pieces):
            spans.append((turn_index, start + a, start + b))
    return spans


_OPENERS = "[(\u201c\u2018"


def _repair_boundaries(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Move an opening bracket or quote that the sentencizer left at a sentence's end.

    spaCy's rule-based sentencizer ends "...the floor. [laughs] No." after the "[", which
    would leave "[" on one line and "laughs] No." on the next. An opener (``[ ( “ ‘``,
    or an unpaired straight double quote) at the very end of a sentence belongs to the
    next one, so the boundary moves back before it.
    """
    repaired = list(pieces)
    for i in range(len(repaired) - 1):
        start, end = repaired[i]
        stripped = text[start:end].rstrip()
        if len(stripped) < 2:
            continue
        last = stripped[-1]
        opener = last in _OPENERS or (last == '"' and stripped.count('"') % 2 == 1)
        if not opener:
            continue
        cut = start + len(stripped) - 1
        repaired[i] = (start, cut)
        repaired[i + 1] = (cut, repaired[i + 1][1])
    return repaired


def _get_sentencizer() -> Any:
    """spaCy's blank English pipeline with the rule-based sentencizer, built once."""
    global _sentencizer
    if _sentencizer is None:
        import spacy

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp.max_length = MAX_SENTENCIZE_CHARS + 1
        _sentencizer = nlp
    return _sentencizer
