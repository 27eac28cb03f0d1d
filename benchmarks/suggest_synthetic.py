"""A synthetic, labelled interview set for measuring the suggester (all text invented).

Sentences are composed per code of the MHTR codebook (``codebooks/mhtr.yaml``) from a
small pool of code-specific phrases (paraphrases of what interviewees say about the
sub-theme, deliberately using words that are *not* all in the code's definition), joined
by generic interview filler. Realism knobs, all seeded:

* speaker **turns** of 2-5 sentences keep to one topic code;
* ``vague`` share of sentences carry no topical phrase at all ("That was the big thing
  for us.") yet are coded with the turn's code: only the turn context can find them;
* ``second`` share of sentences mix in a phrase of a second code and carry both codes
  (multi-label);
* ``noise`` share of sentences borrow one phrase from a random other code without being
  coded with it (a coder's judgement that lexical overlap does not decide);
* transcripts (``groups``) so folds can be grouped by transcript.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PHRASES: dict[str, list[str]] = {
    "benefits.options": [
        "the bench finally has something credible to choose",
        "we can put a real alternative in front of the magistrates",
        "sentencers now have another route instead of custody",
        "there is a proposal we could never make before",
        "the court feels more confident recommending a community order",
        "it widens what a judge can actually do",
        "there is a genuine choice other than a few weeks inside",
        "it gives the sentencer a treatment option that is deliverable",
        "report writers can propose something targeted now",
        "the menu of disposals is bigger than it used to be",
    ],
    "benefits.reoffending": [
        "most of them have not come back through the door",
        "the revolving door of short sentences has slowed down",
        "fewer people are cycling in and out of prison",
        "reconviction among our cohort looks lower",
        "they are staying out of trouble for longer",
        "the offending stopped once the treatment started",
        "it breaks the cycle of three weeks inside and out again",
        "we are seeing people complete without committing new offences",
        "short custodial terms are being used less",
        "the repeat arrests have dropped off",
    ],
    "benefits.gap": [
        "these people fell through the net between services",
        "too unwell for the GP but not unwell enough for the specialist team",
        "nobody was there for that middle group before",
        "there was a missing tier of care",
        "they never met the threshold for secondary care",
        "this cohort had no service of its own",
        "the need was always there but nobody picked it up",
        "primary care could not hold them and the mental health team would not take them",
        "it plugs a hole that everybody knew about",
        "a group that was invisible to every service",
    ],
    "benefits.access": [
        "we got her seen by the alcohol team",
        "he got a housing referral the same week",
        "it opens the door to benefits advice",
        "the practitioner signposts them to other help",
        "onward referrals happen much faster",
        "they end up registered with a GP for the first time",
        "we linked him in with the substance misuse service",
        "the debt advice came through because of the requirement",
        "the clinician can refer straight into secondary care",
        "it joins them up with support they did not know existed",
    ],
    "benefits.feedback": [
        "he told me it was the first time anyone listened",
        "the service users say they feel respected",
        "one woman wrote a card to thank the team",
        "the feedback forms have been overwhelmingly positive",
        "clients tell us the sessions really helped",
        "people on the order say they value the therapy",
        "a young man said it turned his life around",
        "they come back and tell us they appreciated it",
        "the evaluation questionnaires were glowing",
        "service users describe the practitioner as someone who cares",
    ],
    "challenges.multiagency": [
        "the agencies pull in different directions",
        "information sharing between organisations is a nightmare",
        "each service has its own targets",
        "the trust and probation have competing priorities",
        "nobody agrees who owns the case",
        "data protection rules stop us talking to each other",
        "health and justice speak different languages",
        "meetings end in arguments about whose job it is",
        "the partners protect their own budgets",
        "it is hard to get everyone round one table",
    ],
    "challenges.funding": [
        "the money runs out in March",
        "nobody knows if the budget will be renewed",
        "it is pilot money and pilots end",
        "the commissioners have not committed beyond this year",
        "we cannot recruit on a fixed-term grant",
        "the funding is short-term and precarious",
        "without recurrent investment it will fold",
        "there is no long-term financial plan",
        "the contract is only for twelve months",
        "the cost falls on a service that was never paid for it",
    ],
    "challenges.needs": [
        "some of them simply will not engage",
        "chaotic lives make appointments impossible",
        "motivation comes and goes",
        "their drinking gets in the way of therapy",
        "many are not ready to change",
        "they miss sessions because of housing crises",
        "the needs are far more complex than we expected",
        "trauma makes trust very difficult",
        "they drop out after the first few weeks",
        "engagement is the hardest part of the work",
    ],
    "challenges.sentencing": [
        "breach proceedings are a blunt instrument",
        "there is a risk of up-tariffing people",
        "missing an appointment can land them back in court",
        "the order has to be proportionate to the offence",
        "some defendants get a heavier sentence because treatment exists",
        "courts struggle to know what to do when someone does not comply",
        "enforcement and therapy do not sit easily together",
        "a reasonable excuse hearing takes weeks",
        "the wrong people are being put on orders",
        "the suitability assessment is sometimes skipped",
    ],
    "success.cooperation": [
        "everyone works together now",
        "the clinician and the probation officer present as one team",
        "joint working has become normal",
        "we share a desk with the mental health staff",
        "the partners genuinely trust each other",
        "a single point of contact across agencies makes it work",
        "the relationships between services are much stronger",
        "we solve problems together rather than passing them on",
        "the co-location made collaboration easy",
        "there is real goodwill between the organisations",
    ],
    "success.steering_group": [
        "the local board meets every month",
        "the chair keeps everyone to their actions",
        "problems get escalated to the governance group",
        "the oversight meeting has the right people round the table",
        "our board unblocks things quickly",
        "the group sets the local protocol",
        "decisions are made at the monthly partnership meeting",
        "the chair is brilliant at ending discussions with an action",
        "the governance structure gives us direction",
        "the group reviews the figures every quarter",
    ],
    "success.staff": [
        "having a dedicated psychologist makes all the difference",
        "the named practitioner is the key",
        "we have ring-fenced clinical time",
        "the assistant psychologists are brilliant",
        "continuity of the same worker matters",
        "a specialist post was created just for this",
        "the team is properly resourced",
        "the clinicians at court are always available",
        "protected caseloads let staff do the work properly",
        "without that one person it would collapse",
    ],
    "success.support": [
        "wraparound help with housing is essential",
        "they need support with the whole of their lives",
        "the peer mentors make it work",
        "practical help with benefits keeps them going",
        "families are involved in the support",
        "a holistic approach is what succeeds",
        "someone helps them get to appointments",
        "the third sector fills in around the treatment",
        "support does not stop at the clinic door",
        "meeting basic needs first is what makes therapy possible",
    ],
}

OPENERS = [
    "",
    "Honestly, ",
    "I think ",
    "From where I sit, ",
    "To be fair, ",
    "What I would say is ",
    "In our area ",
    "Over the last year ",
    "You know, ",
    "I suppose ",
]
CONNECTORS = [", and ", ", which means ", " and to be honest ", ", so ", "; ", " because "]
TAILS = ["", "", " in our area", " for the team", " on the whole", " most of the time"]
VAGUE = [
    "That was the big thing for us.",
    "It really matters.",
    "I can't stress that enough.",
    "We saw it again and again.",
    "That is the honest answer.",
    "It's been like that from the start.",
    "Everyone says the same.",
    "It surprised me, actually.",
    "I would put that first.",
    "You see it every week.",
]


@dataclass(frozen=True)
class SyntheticSegment:
    group: str  # transcript id
    turn: int
    text: str
    codes: tuple[str, ...]


def _sentence(rng: random.Random, code: str, extra: str | None) -> str:
    first = rng.choice(PHRASES[code])
    body = first
    if extra is not None:
        body += rng.choice(CONNECTORS) + rng.choice(PHRASES[extra])
    text = rng.choice(OPENERS) + body + rng.choice(TAILS)
    return text[0].upper() + text[1:] + "."


def generate(
    *,
    n_transcripts: int = 12,
    turns_per_transcript: int = 14,
    vague: float = 0.12,
    second: float = 0.10,
    noise: float = 0.10,
    seed: int = 7,
) -> list[SyntheticSegment]:
    rng = random.Random(seed)
    codes = list(PHRASES)
    segments: list[SyntheticSegment] = []
    for t in range(n_transcripts):
        group = f"S{t + 1:02d}"
        for turn in range(turns_per_transcript):
            topic = rng.choice(codes)
            for _ in range(rng.randint(2, 5)):
                roll = rng.random()
                if roll < vague:
                    segments.append(SyntheticSegment(group, turn, rng.choice(VAGUE), (topic,)))
                elif roll < vague + second:
                    other = rng.choice([c for c in codes if c != topic])
                    text = _sentence(rng, topic, other)
                    segments.append(SyntheticSegment(group, turn, text, (topic, other)))
                elif roll < vague + second + noise:
                    other = rng.choice([c for c in codes if c != topic])
                    text = _sentence(rng, topic, other)
                    segments.append(SyntheticSegment(group, turn, text, (topic,)))
                else:
                    text = _sentence(rng, topic, None)
                    segments.append(SyntheticSegment(group, turn, text, (topic,)))
    return segments
