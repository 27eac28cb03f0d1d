"""Reporting checklists for qualitative research: COREQ and SRQR, filled from the project.

COREQ: Tong A, Sainsbury P, Craig J. Consolidated criteria for reporting qualitative
research (COREQ): a 32-item checklist for interviews and focus groups. Int J Qual
Health Care 2007;19(6):349-357. Three domains: the research team and reflexivity, the
study design, and the analysis and findings.

SRQR: O'Brien BC, Harris IB, Beckman TJ, Reed DA, Cook DA. Standards for reporting
qualitative research: a synthesis of recommendations. Acad Med 2014;89(9):1245-1251.
21 items, S1-S21.

The item names here are our own short paraphrases (the checklists themselves are cited,
not copied); a journal will expect its own form, filled from this list. Each item is
``filled`` (the project holds the answer, given in ``text``), ``partly filled`` (the
project holds part of it; the user completes the rest, said in ``text``) or ``to
complete`` (only the researchers know: recruitment, ethics, reflexivity...). Nothing the
project cannot know is guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

FILLED = "filled"
PARTLY = "partly filled"
TO_COMPLETE = "to complete"

COREQ_REFERENCE = (
    "Tong A, Sainsbury P, Craig J. Consolidated criteria for reporting qualitative research"
    " (COREQ): a 32-item checklist for interviews and focus groups. Int J Qual Health Care"
    " 2007;19(6):349-357."
)
SRQR_REFERENCE = (
    "O'Brien BC, Harris IB, Beckman TJ, Reed DA, Cook DA. Standards for reporting"
    " qualitative research: a synthesis of recommendations. Acad Med 2014;89(9):1245-1251."
)

# (number, domain, short item name in our words, fact key that can fill it or "")
COREQ_ITEMS: tuple[tuple[int, str, str, str], ...] = (
    (1, "Research team and reflexivity", "Who conducted the interviews", ""),
    (2, "Research team and reflexivity", "Interviewers' credentials", ""),
    (3, "Research team and reflexivity", "Interviewers' occupation at the time", ""),
    (4, "Research team and reflexivity", "Interviewers' gender", ""),
    (5, "Research team and reflexivity", "Interviewers' experience and training", ""),
    (6, "Research team and reflexivity", "Relationship with participants beforehand", ""),
    (7, "Research team and reflexivity", "What participants knew about the researcher", ""),
    (8, "Research team and reflexivity", "Interviewer characteristics and biases reported", ""),
    (9, "Study design", "Methodological orientation and theory", "approach"),
    (10, "Study design", "How participants were sampled", ""),
    (11, "Study design", "How participants were approached", ""),
    (12, "Study design", "Number of participants", "sample_size"),
    (13, "Study design", "Refusals and drop-outs, with reasons", ""),
    (14, "Study design", "Where the data were collected", ""),
    (15, "Study design", "Anyone else present at the interviews", ""),
    (16, "Study design", "Important characteristics of the sample", "sample"),
    (17, "Study design", "Interview guide: provided, pilot-tested", ""),
    (18, "Study design", "Repeat interviews", "repeat"),
    (19, "Study design", "Audio or video recording", "recording"),
    (20, "Study design", "Field notes", ""),
    (21, "Study design", "Duration of the interviews", "duration"),
    (22, "Study design", "Data saturation discussed", ""),
    (23, "Study design", "Transcripts returned to participants", ""),
    (24, "Analysis and findings", "Number of data coders", "coders"),
    (25, "Analysis and findings", "Coding tree described", "codebook"),
    (26, "Analysis and findings", "Themes derived in advance or from the data", "derivation"),
    (27, "Analysis and findings", "Software used to manage the data", "software"),
    (28, "Analysis and findings", "Participant feedback on the findings", ""),
    (29, "Analysis and findings", "Quotations presented, each identified", "quotes"),
    (30, "Analysis and findings", "Consistency between data and findings", "consistency"),
    (31, "Analysis and findings", "Major themes clearly presented", "themes"),
    (32, "Analysis and findings", "Diverse cases or minor themes discussed", "minor_themes"),
)

SRQR_ITEMS: tuple[tuple[str, str, str, str], ...] = (
    ("S1", "Title and abstract", "Title names the study as qualitative", ""),
    ("S2", "Title and abstract", "Structured summary of the study", ""),
    ("S3", "Introduction", "The problem and why it matters", ""),
    ("S4", "Introduction", "Purpose or research question", ""),
    ("S5", "Methods", "Qualitative approach and research paradigm", "approach"),
    ("S6", "Methods", "Researchers' characteristics and reflexivity", ""),
    ("S7", "Methods", "Setting and context", ""),
    ("S8", "Methods", "Sampling strategy", "sampling"),
    ("S9", "Methods", "Ethics approval and consent", ""),
    ("S10", "Methods", "Data collection methods", "duration"),
    ("S11", "Methods", "Data collection instruments and technologies", "recording"),
    ("S12", "Methods", "Units of study (participants, documents)", "sample"),
    ("S13", "Methods", "Data processing (transcription, anonymisation, software)", "processing"),
    ("S14", "Methods", "Data analysis", "analysis"),
    ("S15", "Methods", "Techniques to enhance trustworthiness", "trustworthiness"),
    ("S16", "Results", "Synthesis and interpretation (themes)", "themes"),
    ("S17", "Results", "Links to empirical data (quotations)", "quotes"),
    ("S18", "Discussion", "Integration with prior work; implications; transferability", ""),
    ("S19", "Discussion", "Limitations", ""),
    ("S20", "Other", "Conflicts of interest", ""),
    ("S21", "Other", "Funding", ""),
)


@dataclass(frozen=True)
class Fact:
    """What the project knows for one checklist item, and whether that is all of it."""

    text: str
    complete: bool = True


@dataclass(frozen=True)
class ChecklistRow:
    number: str
    domain: str
    item: str
    status: str
    text: str  # the answer, or what the user must add


ADD = "Add in the manuscript: "


def fill(
    items: tuple[tuple[object, str, str, str], ...], facts: Mapping[str, Fact]
) -> list[ChecklistRow]:
    """One row per item: filled from ``facts`` where the project knows it."""
    rows = []
    for number, domain, item, key in items:
        fact = facts.get(key) if key else None
        if fact is None or not fact.text:
            rows.append(
                ChecklistRow(
                    str(number), domain, item, TO_COMPLETE, ADD + item[0].lower() + item[1:] + "."
                )
            )
        else:
            rows.append(
                ChecklistRow(
                    str(number), domain, item, FILLED if fact.complete else PARTLY, fact.text
                )
            )
    return rows


def coreq(facts: Mapping[str, Fact]) -> list[ChecklistRow]:
    return fill(COREQ_ITEMS, facts)


def srqr(facts: Mapping[str, Fact]) -> list[ChecklistRow]:
    return fill(SRQR_ITEMS, facts)
