"""Who is the interviewer: decided per transcript, with the reason kept for the report.

A speaker is an interviewer, in this order of evidence:

1. ``named``: the project names it (``interviewers = [...]`` in the ``[import]`` table of
   themekit.toml, or ``--interviewer NAME`` on import), compared case-insensitively;
2. ``label``: its label says so (``speakers.is_interviewer``: "Interviewer 2", "INT1",
   "Q", or a role written after the name, "Sarah Khan (Interviewer):");
3. ``inferred``: only when 1 and 2 find nobody, in a two-party interview: the speaker
   facing a participant label ("R", "Respondent", "P3"), or else the one whose turns are
   mostly questions (at least half end with "?", and at least twice the other's share).

An inferred interviewer is flagged as such in the report with a note, so a wrong guess is
seen; when nothing identifies one, the report says so and every speaker stays codable.
Interviewer lines are kept and shown but not codable.
"""

from __future__ import annotations

from dataclasses import dataclass

from themekit.model.transcripts import ImportSettings, ParsedTranscript
from themekit.transcripts.speakers import (
    PARTICIPANT_ROLES,
    is_interviewer,
    normalise_speaker,
    role_of,
)

NAME_THE_INTERVIEWER = (
    "name the interviewer with --interviewer NAME or interviewers = [...] in themekit.toml"
)


@dataclass(frozen=True)
class SpeakerRole:
    """Whether one speaker is an interviewer, and why (``reason`` is None when not)."""

    speaker: str
    interviewer: bool
    reason: str | None  # "named" | "label" | "inferred"
    detail: str = ""


@dataclass(frozen=True)
class RoleDecision:
    roles: dict[str, SpeakerRole]
    notes: tuple[str, ...]

    def is_interviewer(self, speaker: str | None) -> bool:
        role = self.roles.get(speaker) if speaker is not None else None
        return role is not None and role.interviewer


def _key(name: str) -> str:
    return normalise_speaker(name).casefold()


def _is_question(speech: str) -> bool:
    return speech.rstrip(" \t\n\"'\u201d\u2019)]").endswith("?")


def decide_roles(parsed: ParsedTranscript, settings: ImportSettings) -> RoleDecision:
    """Each speaker's role in ``parsed`` (see the module docstring)."""
    speakers: list[str] = []
    turns_of: dict[str, list[str]] = {}
    role_hint: dict[str, str] = {}
    for turn in parsed.turns:
        if turn.speaker is None:
            continue
        if turn.speaker not in turns_of:
            speakers.append(turn.speaker)
            turns_of[turn.speaker] = []
        turns_of[turn.speaker].append(parsed.text[turn.start : turn.end])
        if turn.role:
            role_hint.setdefault(turn.speaker, turn.role)
    named = {_key(name) for name in settings.interviewers}
    roles: dict[str, SpeakerRole] = {}
    for speaker in speakers:
        hint = role_hint.get(speaker)
        if _key(speaker) in named:
            roles[speaker] = SpeakerRole(
                speaker, True, "named", "named in the settings or with --interviewer"
            )
        elif is_interviewer(speaker, settings.interviewer_labels):
            roles[speaker] = SpeakerRole(speaker, True, "label", "by its label")
        elif hint and is_interviewer(hint, settings.interviewer_labels):
            roles[speaker] = SpeakerRole(speaker, True, "label", f"by its label ({hint})")
        else:
            roles[speaker] = SpeakerRole(speaker, False, None)
    notes: list[str] = []
    if not speakers:
        if not parsed.notes:
            notes.append("no speaker labels: each paragraph is a turn")
        return RoleDecision(roles, tuple(notes))
    if len(speakers) == 1:
        notes.append(f"one speaker only ('{speakers[0]}')")
        return RoleDecision(roles, tuple(notes))
    if any(role.interviewer for role in roles.values()):
        return RoleDecision(roles, tuple(notes))
    inferred = _infer(speakers, turns_of)
    if inferred is None:
        notes.append(
            f"interviewer not identified: every speaker is codable; {NAME_THE_INTERVIEWER}"
        )
        return RoleDecision(roles, tuple(notes))
    speaker, detail = inferred
    roles[speaker] = SpeakerRole(speaker, True, "inferred", f"inferred: {detail}")
    notes.append(f"interviewer inferred: '{speaker}' ({detail}); if wrong, {NAME_THE_INTERVIEWER}")
    return RoleDecision(roles, tuple(notes))


def _infer(speakers: list[str], turns_of: dict[str, list[str]]) -> tuple[str, str] | None:
    if len(speakers) != 2:
        return None
    first, second = speakers
    participant = [s for s in speakers if role_of(s) in PARTICIPANT_ROLES]
    if len(participant) == 1:
        other = second if participant[0] == first else first
        return other, f"the other speaker is labelled '{participant[0]}'"
    share: dict[str, tuple[int, int]] = {}
    for speaker in speakers:
        speeches = turns_of[speaker]
        share[speaker] = (sum(1 for speech in speeches if _is_question(speech)), len(speeches))
    asker = max(speakers, key=lambda s: share[s][0] / share[s][1])
    other = second if asker == first else first
    questions, turns = share[asker]
    other_questions, other_turns = share[other]
    if turns < 2 or other_turns < 2:
        return None
    if questions * 2 < turns or questions * other_turns < 2 * other_questions * turns:
        return None
    return asker, f"{questions} of {turns} turns are questions"
