"""Builders for the suggestion tests: a tiny study put straight into the store.

Three codes with definitions and examples, two transcripts whose sentences share words
with one code each, and a call-counting fake embedder registered through the documented
seam (``THEMEKIT_EMBEDDER`` + ``register_embedder``). All text is fictional.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest

from themekit.model.codebook import Codebook
from themekit.model.transcripts import ParsedTranscript, Segment, Turn
from themekit.project import Project
from themekit.suggest.embedder import FakeEmbedder, register_embedder, unregister_embedder

CODEBOOK: dict[str, Any] = {
    "name": "Suggest test book",
    "codes": [
        {
            "id": "themes",
            "label": "Themes",
            "codable": False,
            "children": [
                {
                    "id": "funding",
                    "label": "Sustainability of funding",
                    "definition": "Worries about money, budgets and whether the funding"
                    " continues after the pilot.",
                    "examples": ["The money runs out in March. (Commissioner)"],
                },
                {
                    "id": "housing",
                    "label": "Access to housing",
                    "definition": "Getting service users into housing or accommodation.",
                    "include": "Referrals to housing officers and hostels.",
                },
                {
                    "id": "staff",
                    "label": "Dedicated staff",
                    "definition": "Named practitioners, psychologists and protected clinical time.",
                },
            ],
        }
    ],
}

# (speaker, sentence, turn); "Interviewer" lines are not codable.
P01 = [
    ("Interviewer", "Tell me about the pilot.", 0),
    ("R", "The budget for the pilot ends next March.", 1),
    ("R", "Nobody knows whether the funding continues.", 1),
    ("R", "Our housing officer found accommodation for two clients.", 2),
    ("R", "The hostel referral came through quickly.", 2),
]
P02 = [
    ("R", "Having a dedicated psychologist with protected clinical time matters.", 0),
    ("R", "The commissioners worry about money and budgets every year.", 1),
    ("R", "A hostel place and housing support made the difference.", 2),
]


def add_transcript(project: Project, tid: str, lines: Sequence[tuple[str, str, int]]) -> None:
    parts: list[str] = []
    segments: list[Segment] = []
    turns: list[Turn] = []
    offset = 0
    for index, (speaker, sentence, turn) in enumerate(lines):
        prefix = f"{speaker}: "
        start = offset + len(prefix)
        segments.append(
            Segment(
                index + 1,
                speaker,
                turn,
                start,
                start + len(sentence),
                sentence,
                speaker != "Interviewer",
            )
        )
        turns.append(Turn(speaker, start, start + len(sentence)))
        parts.append(prefix + sentence)
        offset += len(prefix) + len(sentence) + 1
    text = "\n".join(parts) + "\n"
    project.store.add_transcript_version(
        tid,
        ParsedTranscript(text, turns, "txt"),
        segments,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        source_name=f"{tid}.txt",
        unit="sentence",
    )


def load_codebook(project: Project, data: dict[str, Any] | None = None) -> None:
    project.store.add_codebook_version(
        Codebook.from_dict(data or CODEBOOK), source="test", changes={}
    )


def build(project: Project, *, codebook: bool = True) -> Project:
    add_transcript(project, "P01", P01)
    add_transcript(project, "P02", P02)
    if codebook:
        load_codebook(project)
    return project


def code(project: Project, coder: str, items: Sequence[tuple[str, int, str]]) -> None:
    from themekit.coding.service import CodingSession

    session = CodingSession(project, coder)
    for tid, line, code_id in items:
        session.apply(session.segment(tid, line), code_id)


@contextmanager
def counting_embedder(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeEmbedder]:
    """Make every project use one shared FakeEmbedder, through THEMEKIT_EMBEDDER."""
    shared = FakeEmbedder()
    register_embedder("counting-test", lambda settings: shared)
    monkeypatch.setenv("THEMEKIT_EMBEDDER", "counting-test")
    try:
        yield shared
    finally:
        unregister_embedder("counting-test")
