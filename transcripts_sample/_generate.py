# ruff: noqa: E501
"""Write the fictional sample transcripts in this folder, byte for byte reproducibly.

Everything here is invented for themekit: eight stakeholder interviews about a fictional
pilot of Mental Health Treatment Requirements (MHTRs) in fictional sites, in the shapes a
research team actually receives (Word paragraphs, a Word table, UTF-8 and cp1252 text,
Markdown, WebVTT and SRT). Each interview is written once, as a script of paragraphs, and
rendered by the writer for its format, so the words are the same whatever the layout.

Script syntax: one paragraph per line; ``I: `` starts an interviewer turn, ``P: `` a
participant turn, and ``+ `` continues the current turn in a new paragraph (a transcriber's
paragraph break with no repeated label).

Run it with ``python transcripts_sample/_generate.py [OUTPUT_DIR]``; without an argument it
rewrites the files next to it. It is a script, not part of the themekit package, so it may
import python-docx at the top.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.shared import Pt

HERE = Path(__file__).resolve().parent

# A fixed moment for every timestamp that would otherwise record "now" (docx core
# properties, zip member dates), so that two runs produce identical bytes.
FIXED_MOMENT = datetime(2023, 6, 30, 9, 0, 0)

# Speech rate used to invent realistic timestamps: about 150 words a minute.
WORDS_PER_SECOND = 2.5


# ---------------------------------------------------------------------------------------------
# The interviews
# ---------------------------------------------------------------------------------------------

P01_SCRIPT = """
I: Thanks for making the time. Could you start by telling me a bit about your role and how you came to be involved with the MHTR pilot here in Ashbury?
P: Yeah, of course. So I'm a senior probation officer — I've been with the Probation Service, well, eleven years now, which makes me feel old. I manage the court team at Ashbury Magistrates' Court, so it's basically the pre-sentence report side: the officers who see people on the day, do the assessments and make the proposals to the bench. I got pulled into the pilot really because when the protocol came in, somebody had to be the link between the court and the new clinical team, and Dionne — Dionne Feltham, my manager — looked round the room and I think I was the only one who wasn't looking at the floor. [laughs] No, that's unfair. I'd been banging on about mental health requirements for years, so it made sense.
I: What had your experience of mental health treatment requirements been before the pilot?
P: Honestly? Almost none. In eleven years I think I'd seen two, maybe three MHTRs actually made. And that's not because the need wasn't there — it's everywhere. If you sit in the cells at Ashbury on a Monday morning, I'd say... more than half the people we see have something going on. Depression, anxiety, trauma, a lot of personality stuff, some psychosis. But to get an MHTR you needed a psychiatrist's report, you needed a named clinician willing to take the person on, and you needed them to meet the threshold for secondary care. And by the time you'd chased all that, the case had been adjourned three times and the bench was fed up. So, in practice, we just stopped proposing them. People got a community order with a rehabilitation activity requirement or, frankly, they got a short custodial.
I: And what changed with the pilot?
P: The big thing is that the assessment happens on the day, or near enough. Marcus — Marcus Oyelaran, he's the assistant psychologist based at court — he'll see someone in the morning, and if they're suitable and they consent, he writes it up and it goes into my officer's report. So the bench has, in front of it, an actual, deliverable package. Not "we'll see if someone in the NHS can pick this up", but: here's the intervention, here's who'll deliver it, here's when the first appointment is.
+ And the other thing is it's aimed at what people call the missing middle, which I think is the right phrase. It's people who are too unwell for us to just manage with a bit of signposting, but not unwell enough for the community mental health team. Those people were, historically, falling through the gap entirely. They'd go to their GP, they'd get a prescription for sertraline and a leaflet, and that was it. Now there's a primary care level MHTR — ten, twelve sessions of psychological work with someone from Ashbury and Wyle NHS Foundation Trust — and that simply didn't exist before.
I: You mentioned short custodial sentences. Has the pilot made a difference to those, do you think?
P: I'd like to say yes. I think... I think it has, but I'd be careful about putting a number on it. What I can tell you is that there have been cases where I was sitting there fully expecting the person to go down — you know, the bench has said "all options are open", which is code — and they've come back with an MHTR and a RAR, and District Judge Brightwater actually said in open court, "I was minded to send you to prison, and the only reason I'm not is this report." That's happened more than once. Whether those people then go on not to reoffend, I don't know yet, it's too early. But the sentence itself changed.
+ I'd also say, you know, four weeks in custody does nothing. It does worse than nothing. They lose the flat, they lose the benefits claim, they come out with a discharge grant and nowhere to go. So even if the MHTR only holds someone steady, that's a win in my book.
I: Can you tell me about a case that stands out for you?
P: There's one — I'll call him Kevin, that's not his name — early thirties, a string of shop thefts and a public order thing, really chaotic. Every time he'd been through court before it was a fine he couldn't pay or a few weeks inside. Marcus saw him and it turned out there was a lot of, sort of, unprocessed trauma, from care mostly, and very bad panic attacks — he was stealing, partly, because he couldn't stand in a queue. Which sounds... I mean, when he explained it, it made total sense. So he got an MHTR alongside a rehabilitation activity requirement, and he did the sessions. Not all of them — he missed two early on and we had a wobble — but he did them. And about four months in his offender manager rang me, just to say, "He's been to the jobcentre on his own." That was a big deal for him. He wrote a card to the clinician, actually, which, you know, you don't get that very often in this job.
I: That's a lovely example. You mentioned a wobble — what happens when someone misses appointments?
P: This is where it gets more complicated, and I'll be honest, it's where we've had the most disagreement with health colleagues. From our side, a community order is a court order. If someone doesn't comply, there are national standards — we have to issue warnings and eventually we have to take them back to court for breach. From the clinician's side, if someone misses a therapy session, that's a clinical matter; you re-engage them, you explore why. And they were very worried early on that we'd be breaching people for missing therapy, which they felt — and I get it — would completely undermine the therapeutic relationship.
+ So what we ended up agreeing — and this took a few steering group meetings, it wasn't quick — was that MHTR attendance is reported to the offender manager, but the decision about whether an absence is acceptable is, you know, informed by the clinician. And we try to enforce on the other requirements if there's non-compliance, not on the MHTR alone. It's not perfect. There are people in my own service who think that's too soft. There are people in health who think any involvement of probation in the therapy is too much. I sit somewhere in the middle.
I: What about consent? How does that work in practice?
P: The person has to agree to the MHTR. That's in the legislation. And most people do say yes — but you do wonder, sometimes, whether "yes" in the cells at half nine on a Monday, when the alternative might be custody, is really a free choice. Marcus is very good about that; he'll say to people, "If this isn't for you, tell me now, it's fine." And some people do say no. But I'd be lying if I said motivation wasn't an issue. Some people agree to anything on the day and then... they don't turn up. Their lives are very chaotic, a lot of them are using, a lot of them are homeless or sofa surfing. Getting to an appointment on a Tuesday afternoon on the other side of town is genuinely hard if you've got no money for the bus.
I: How has working with the other agencies been, more broadly?
P: Mixed. Genuinely mixed. With the court-based clinical team it's been brilliant — they sit next to us, literally, we share a kitchen, we talk all day. Where it's harder is the wider system. If someone needs more than primary care level, they need the community mental health team, and the CMHT has its own waiting list, its own thresholds, its own priorities. They've got people who are actively suicidal on their caseload; someone with a court order isn't going to jump the queue, and nor should they, I suppose. Same with the drug and alcohol service — if we want a combined order, an MHTR plus a DRR or an ATR, that needs their assessment too, and their capacity is, well, it's what it is. Everyone is stretched. Everyone has targets that don't quite line up with each other.
I: You've mentioned the steering group a few times. What's its role been?
P: I think without the steering group, honestly, the pilot wouldn't have got off the ground. It meets monthly — well, it did at the start, now it's every other month — and it's got everybody in the room: us, the trust, the court, the liaison and diversion team, the commissioners, Halden House, which is the women's centre. The chair is very good at, sort of, not letting people off the hook. If there's a problem, it gets an owner and a date. And it's where the breach agreement got thrashed out. I'd say the value of it is less about the formal minutes and more that you now know the person. If I've got a problem with the trust I know who to ring. Before, I didn't.
I: Is there anything that you think hasn't worked, or that you'd change?
P: Women. I think we've been slow on women. Halden House are fantastic, but the referral route for women wasn't really thought through at the start, the numbers are low, and I'm not sure we've understood why. I'd want to look at that.
+ The other thing is, it's all very dependent on people. Marcus is excellent. If Marcus left tomorrow — and, you know, he's on a fixed-term contract, so he might — I'm not sure how robust it all is. The same with the bench. District Judge Brightwater is very engaged, she asks for these reports, she understands them. Some of the lay benches, less so. One of the magistrates asked me, and I'm quoting, "Is this a soft option?" And I had to explain that actually it's quite a demanding order. You've got to turn up, you've got to talk about very difficult stuff, week after week.
I: And looking ahead — what about funding and the sustainability of the pilot?
P: That's the elephant in the room, isn't it. The clinical posts are funded for the pilot period and nobody can tell me what happens after that. [inaudible] ...the commissioners say they're making the case, and I believe them, but I've been in this job long enough to have seen good pilots just quietly stop. And then you've got a bench who've got used to having this option and suddenly don't, and people who would have got an MHTR go back to getting a few weeks inside. I think that would be a real shame. If I could say one thing to whoever decides the money, it'd be: look at what a short sentence costs, and look at what ten sessions with a psychologist costs. It's not close.
I: Is there anything else you'd like to add that we haven't covered?
P: Only that — I came into probation because I thought people could change, and you lose sight of that sometimes, with the caseloads we've got. This pilot's reminded me a bit. That sounds cheesy. But it's true. Oh, and if you want the breach protocol we agreed, I can ask Dionne to send it over, it's a two-page thing.
I: That would be really helpful, thank you. I'll stop the recording there.
"""

P02_SCRIPT = """
I: Could you describe your role and how the MHTR service is set up in Kelmscott Vale?
P: Sure. I'm a clinical psychologist — I've been qualified for about eleven years, but I've been in this particular post for six, if you count the two years before the pilot when I was doing general forensic outreach for Kelmscott Vale Healthcare NHS Trust. For the pilot I'm the clinical lead for what we call the primary care MHTR team. So that's me, one day a week on my job plan, though it's always more than that, and then two assistant psychologists, Aisling Murray and Tom Baptiste, who do the bulk of the face-to-face work under my supervision. The assistants do the assessment at court, or sometimes from a probation referral before sentence, and then if the order's made they deliver the intervention — up to twelve sessions, usually weekly — and I supervise every case.
I: What kind of intervention is it?
P: It's deliberately pragmatic. People sometimes imagine it's, you know, full CBT — it isn't, and it couldn't be with assistants. It's a manualised, low-intensity approach: psychoeducation, emotional regulation skills, some behavioural activation, a lot of work on sleep, honestly, because almost nobody sleeps. And a formulation, which is really the core of it — a shared, one-page understanding of why this person ends up where they end up. For a lot of people it's the first time anyone has put their story together in a way that makes sense to them. We had one woman who said — and I wrote it down because it stuck with me — "It's the first time anyone's asked me what happened to me instead of what's wrong with me." Which, you know, is trauma-informed practice in one sentence.
I: Who is it aimed at?
P: The target group is people whose mental health needs are, in the jargon, "mild to moderate" — people who wouldn't meet the criteria for secondary mental health care. And I have mixed feelings about that language, I should say. "Mild to moderate" sounds like we're talking about people who are a bit low. We're not. These are people with histories of significant trauma, self-harm, often complex presentations that don't fit neatly in any box. What they don't usually have is a severe and enduring illness like schizophrenia. So historically the community mental health team would say, "Not for us", and primary care psychology — Talking Therapies, as it's called now — would say, "We can't see someone who's this chaotic, or who's actively using, or who doesn't have a stable address." So there was a real gap. And the people falling through it were exactly the people coming through the courts.
I: How have you found working alongside probation and the court?
P: [pause] It's been... educational, on both sides. I'd describe it as a good relationship that took a while to get there. In the beginning there was a lot of mutual suspicion. Some of my clinical colleagues were uneasy about the whole idea of therapy being part of a sentence. The worry is coercion: can someone really consent to treatment when the alternative is prison? And then there's confidentiality — what do we tell probation? If someone discloses something in session, who needs to know?
+ From the probation side, I think they saw us, at first, as a bit precious. They've got national standards, they've got enforcement timescales, and here we are saying, well, we'd rather not report every missed session. Gareth — Gareth Penhaligon, the senior probation officer we work with most — said to me quite early on, "You do realise this is a court order, not a GP referral?" And he was right, to a point. But it's also true that if you breach someone for missing their third therapy session, you will never get them back in the room.
I: How was that resolved?
P: Partly through the steering group, partly just through time and cases. We agreed a three-way agreement at the start of every order — the person, the offender manager and the clinician — setting out what gets shared: attendance, yes, always; broad engagement, yes; content of sessions, no, unless there's a risk issue. And a missed session triggers a conversation between us before anything else happens. In practice — and I think this is the honest version — most of the breaches we've seen have been about other things. Reoffending, mainly, or not turning up to probation at all. I can only think of one case where the MHTR was really the centre of a breach, and even then, it went back to court and the order was varied rather than revoked, which I was pleased about.
I: What about service user motivation?
P: Motivation is... I'm wary of the word, actually. We tend to say someone's "not motivated" when what we mean is their life is on fire. If you don't know where you're sleeping tonight, a Thursday 2 p.m. appointment is not your priority, and that's rational. So a lot of what Aisling and Tom do, especially in the first few weeks, isn't therapy in the strict sense — it's ringing people, texting reminders, meeting them at the probation office because that's where they're already going, helping them get to the housing officer. And I've had to defend that to people who say, "That's not a psychologist's job." Well, maybe not. But nothing else works until that's done.
+ That said, there are some people for whom it doesn't work, and I don't want to pretend otherwise. We've had people who agreed at court and then, once the pressure was off, honestly didn't want it. I think we need to get better at spotting that at the assessment stage, rather than setting people up to fail.
I: What do you see as the main benefits of the pilot so far?
P: The first is the obvious one: there's now something for this group that didn't exist. I keep coming back to that. The second is access — once someone's engaged with us, doors open. We've referred people on to Larkspur Recovery for their alcohol use, to the Beacon Project for housing, to their GP for a medication review, and in some cases into secondary care when it turned out there was more going on. Those referrals land better because they're coming from a clinician with a relationship, rather than a leaflet.
+ And the third — I'd say the feedback from service users has been the most striking thing. We do a short questionnaire at the end, and the scores are good, but it's the comments. People saying they'd never talked to anyone before. People saying it's the first order they've ever finished. One man — quite an intimidating man, to be honest, very big, lots of tattoos, who'd spent most of his twenties in and out of prison — cried in his last session and said he wished he'd had this at nineteen.
I: And the challenges, from your perspective?
P: Workforce. Without a doubt. Aisling is on a twelve-month fixed-term contract. Tom's contract was extended by six months, which we found out about three weeks before it ended. We've already lost one assistant — very good, she went off to do her doctorate, which is what assistants do, but because the post was temporary we couldn't recruit in time and there was a two-month gap where we had to pause assessments at court. And the bench noticed. The magistrates had got used to having the option and suddenly, you know, "Sorry, no MHTR this month." That damages confidence.
+ The funding is all pilot money, and everybody's very supportive in meetings, and then nobody signs anything. The ICB says it's a criminal justice issue; the criminal justice side says it's a health issue. I'm not close to those conversations, but I hear about them.
I: You mentioned the court. How do the assessments at court work in practice?
P: It's quite a pressured environment, to be honest. The assistants get a list in the morning from the probation court team — names, charges, whatever liaison and diversion have flagged — and they have maybe forty minutes with someone in an interview room, sometimes less, with a solicitor knocking on the door wanting to take instructions. So the assessment has to be focused. Is there a mental health need that's driving or contributing to the offending? Is it at a level we can work with? Does the person understand what the order would involve, and do they want it? Are there risk issues that would make it unsafe or inappropriate? And then they write a short report, usually two pages, that goes to the probation officer.
+ I review every one of those by phone on the day, which is... it's a lot of phone calls. [laughs] But I think it's important, because the assistants are making judgements that really matter, and some of the people they see are quite unwell. We've had a handful of cases where the assistant rang me and said, "I don't think this is primary care, I think this person's psychotic", and we've been able to get the crisis team down to the court instead. So there's a safety function as well, which people don't always appreciate.
I: Have you had any disagreements about who's suitable?
P: Occasionally. Sometimes probation would very much like an MHTR for someone, because they can see it's the only thing that might keep them out of custody, and we've said no, because we don't think it would help or we don't think the person genuinely wants it. That's uncomfortable. Nobody wants to be the reason someone goes to prison. But if we start saying yes to everything to avoid that feeling, the whole thing loses its integrity, and the bench would stop trusting our reports. Gareth and I have had some quite robust conversations about it — respectful ones, I'd say.
I: If the pilot were rolled out elsewhere, what would you say are the things that really made it work?
P: Dedicated staff. People whose job this is, not people fitting it around a caseload of sixty. Co-location — being physically in the court building and in the probation office one day a week makes an enormous difference, because the relationships are built in corridors, not in meetings. Good clinical supervision, because this work is hard and the assistants are young and they hear terrible things. And a steering group that actually meets and actually makes decisions; ours has been good at unblocking things, even if it can't conjure up money.
+ And I'd say: build in the wider support from the start. The therapy is maybe a third of what these people need. If there's no housing, no benefits advice, nothing for the substance use, the sessions won't hold.
I: Is there anything you'd do differently?
P: I'd involve people with lived experience much earlier. We set up the service and then asked people what they thought of it; it should have been the other way round. And I'd collect better data from day one. We're now trying to pull outcomes together retrospectively, and it's a nightmare — three agencies, three IT systems, and [inaudible] ...none of them talk to each other.
I: Thank you, that's really rich. Is there anything you'd like to add?
P: Just... that I hope it continues. It's the most meaningful work I've done in the NHS, frankly, and it would be a shame if it ended up as another pilot that showed promise and then disappeared.
"""

P03_SCRIPT = """
I: Thank you for agreeing to take part. Could you tell me a little about your role and your involvement with the MHTR pilot?
P: Certainly. I sit as a District Judge in the magistrates' courts, principally at Fenwick, though I also cover two neighbouring benches. I've been in post for nine years; before that I was in practice as a defence solicitor for, oh, the best part of twenty. My involvement with the pilot is as — I suppose you'd call it the judicial lead, informally. I sit on the local steering group, I've done some of the training sessions for the lay magistrates, and I sentence a fair number of the cases that come through with these reports. I should say at the outset that I can only speak for myself. I'm not speaking for the judiciary, and some of my colleagues would take a different view on some of what I say.
I: Understood. What was your experience of mental health treatment requirements before the pilot began?
P: Very limited, and I think that's typical. The requirement has been on the statute book for a long time — it's one of the requirements a court may attach to a community order or a suspended sentence order, alongside the drug rehabilitation requirement, the alcohol treatment requirement and so on. But in practice the courts almost never saw one proposed. The difficulty was never the law; it was the delivery. To make an MHTR the court needs evidence from a registered medical practitioner or a psychologist that the offender's mental condition requires and may be susceptible to treatment, and that arrangements have been made for the treatment. And it was that last part — the arrangements — that almost never existed. One would ask for a psychiatric report, it would take six or eight weeks, and at the end of it one would be told that the defendant didn't meet the threshold for the local service. So one sentenced without it.
I: And has the pilot changed that?
P: Materially, yes. I'll give you the practical answer first. In Fenwick the assessment is now done, in most cases, on the day or within a short adjournment, by the clinical team attached to the court, and the pre-sentence report comes back to me with a clear proposal: this is the treatment, this is who will provide it, this is when it will start. That's what a sentencer needs. Confidence, really — confidence that if I make the order, it will actually be delivered. Without that, frankly, an MHTR is a requirement on paper and nothing else, and sentencers are right to be wary of it.
+ The other change is that it's widened the range of options. Before, for a defendant whose offending was plainly connected to their mental health, I'd have had — what — a rehabilitation activity requirement, perhaps, which is fairly generic; or a fine, which is often pointless; or custody. Now there's something targeted. I would describe that as the single biggest benefit from the bench's point of view.
I: Do you think it has had an effect on the use of short custodial sentences?
P: I'd want to be careful. There are cases — I can think of several — where I was at or very near the custody threshold and the MHTR proposal made the difference. The sentencing guidelines ask the court to consider whether a community order with a suitable requirement can be an appropriate alternative to a short or moderate custodial sentence, particularly where there's a realistic prospect of rehabilitation. The pilot has given me a way of acting on that which I didn't really have before.
+ But I'd put a caveat on it — and this is where I'd differ from some of the more enthusiastic voices on the steering group. There's a risk the other way as well. There's a risk of what we'd call up-tariffing: of an MHTR being attached to a community order for someone who would otherwise have received a fine or a conditional discharge, because, well, it's there and it seems helpful. That is not appropriate. A community order is a punishment, it carries obligations, and if it's breached the consequences can be serious. So the order has to be proportionate to the offence first; a treatment need doesn't justify a more onerous sentence. I've said that in the training and I'll keep saying it.
I: How have lay magistrates responded?
P: Mixed, to be candid. Many have welcomed it. Some remain sceptical — I've heard the phrase "soft option" more than once, and I've heard the opposite concern, that it's medicalising bad behaviour. I think those concerns are understandable and deserve a proper answer rather than being brushed aside. What has helped is when the clinicians themselves have come to the bench training sessions. Dr Castellano — who chairs the steering group — did a session last autumn which I thought was excellent; she was very clear about what the intervention is and, just as importantly, what it isn't. Magistrates like to know what they're buying, as it were.
I: You mentioned breach. How has that worked in practice?
P: It's an area where there's been a good deal of discussion. The position in law is straightforward: a failure without reasonable excuse to comply with any requirement of the order is a breach, and the court must deal with it. But treatment is different in character from, say, unpaid work. One can't compel someone to engage therapeutically, and a mental health difficulty may itself be the reason for the missed appointment — which might, of course, amount to a reasonable excuse.
+ What I've seen is that probation have been fairly judicious about which cases they bring back. When one does come back, I'll want to know what the clinician's view is. I've adjourned a breach for a short report from the treating practitioner on a couple of occasions, and in one case the outcome was to amend the order — to extend it slightly and add a rehabilitation activity requirement — rather than revoke and resentence. I think that's the right instinct. But the order must mean something. If defendants and their advisers come to think that the treatment requirement is optional, the whole thing loses its credibility with the bench, and then you'll see the proposals dry up.
I: Is there anything you'd want from the process that you're not currently getting?
P: Feedback. Without a doubt. With a drug rehabilitation requirement the court can hold periodic reviews — the offender comes back, one sees how they're getting on. There's no equivalent review for an MHTR, and so I make the order and that's generally the last I hear of it, unless it comes back in breach. Which means that what I hear about is the failures. I've asked, through the steering group, for some kind of anonymised summary — how many orders completed, how many breached, one or two case studies — and I understand that's in hand. It would be enormously helpful for judicial confidence. I have had one letter, actually, passed on through the probation officer, from a young man I'd sentenced who had completed his order, and that was... well. One doesn't get many of those.
I: How would you describe the working relationship between the agencies locally?
P: Much improved, from what I can see, though of course I see it from the outside and at one remove. The court is a fixed point; everyone comes to us. What I've noticed is that the probation officers and the clinicians now present as a team. The report is joined up. Two years ago, if I'd asked the probation officer at court whether the community mental health team would take someone, the answer would have been a shrug. Now the clinician is sitting there and can tell me.
+ I know, from the steering group, that there have been tensions behind the scenes — around information sharing, around priorities, around who pays for what. The mental health trust has a great many pressures that have nothing to do with the courts, and I'm conscious that, from their perspective, we are one customer among many. Fenwick Community Mental Health Trust has been, I think, genuinely committed at a senior level, but at the front line it depends on there being enough clinicians, and there aren't always.
I: What about the steering group itself? What has it contributed?
P: A forum. A place where the people who can actually solve a problem are in the same room. That sounds modest, but it isn't. The court, probation, the trust, liaison and diversion, the commissioners, the police, one or two of the voluntary organisations. Dr Castellano chairs it firmly — she's very good at making sure a discussion ends in an action. I've found it useful to hear, for example, why a particular proposal couldn't be delivered, rather than simply being told in court that it couldn't. I'm careful, of course, about my role. I'm there to help with process and with the court's needs; I'm not there to discuss individual cases that may come before me, and I won't.
I: Has the pilot changed anything about how you approach cases where mental health is raised?
P: I think it has, if I'm honest, though it's hard to separate from other things. Previously, when a defence advocate told me their client had mental health difficulties, there was often very little beneath it — a letter from a GP, perhaps, or nothing at all. One took it into account as mitigation, but in a rather general way. Now I'm more likely to ask, early, whether the clinical team have seen the defendant, and to adjourn briefly if they haven't. The quality of the information before the court has improved, and that helps with every sentencing decision, not only the ones that end in an MHTR.
+ I'd add one note of caution. We must be careful not to turn every case into a mental health case. Plenty of defendants have difficulties that have little to do with why they're before the court, and they're entitled to be sentenced for what they did, not for who they are. The clinicians have generally been very good about distinguishing those situations, I should say. Their reports are measured. They don't overclaim, and that's one reason I've come to trust them.
I: Looking to the future — what are your thoughts on sustainability?
P: My concern, put bluntly, is that the courts will be given a tool and then have it taken away. Funding isn't a matter for me, and I wouldn't presume to tell commissioners how to spend their budgets. But I can say that the value of a sentencing option depends entirely on its reliability. If for six months it's available and then it isn't, and then perhaps it is again, sentencers won't use it with confidence. And the defendants who would have benefited will simply receive other sentences, some of them custodial. So I'd urge anyone making that decision to think in terms of years rather than pilot periods.
I: Is there anything else you'd like to add?
P: Only one thing, perhaps. I'd encourage the evaluation to listen to the people who've been on the orders. We — the professionals — are, I'm sure, going to tell you that it's a good thing, because we've all invested in it. The people who've been through it will tell you whether it actually is. [inaudible] ...I think that's all. Thank you.
I: Thank you very much, that's been really helpful.
"""

P04_SCRIPT = """
I: Can you start by telling me about your role?
P: Yeah, so I'm a mental health nurse by background, and I'm one of the practitioners in the Harrowgate Bridge Liaison and Diversion team. I've been in L&D about eight years now — before that I was on an acute ward, which, honestly, was good preparation. We cover the custody suite at Castle\u00a0Street and the magistrates' court, and we're basically there to identify people with vulnerabilities as early as possible in the justice system — mental health, learning disability, substance use, autism, housing, the lot — and make sure that information gets to the people making decisions. So the custody sergeant, the CPS, the court, probation. And then link people in to services.
I: How does that fit with the MHTR pilot?
P: So we're sort of the front door, really. Before the pilot, we'd see someone in custody, we'd do a screen, we'd say, "This person's got, you know, significant depression, history of self-harm, never been in treatment", and we'd send that to the court. And then... nothing, mostly. The court would note it. Probation might mention it in the report. But there wasn't really anywhere for it to go. Now, when we flag someone who might be suitable, we can refer straight across to the MHTR clinicians — they're based in the same building two days a week — and it gets picked up the same day. It's made our work feel more... I don't know, more worthwhile? Because you're not just writing a report into a void.
I: Can you talk me through how a referral works now?
P: So, say someone comes in overnight, shoplifting, they're in the cells in the morning. My colleague Bev — Bev Kowalczyk, she does mornings mostly — will have screened them in custody. If there's a mental health need and it looks like a case that'll go to sentence, and not too serious, she'll flag it on our system and ring the MHTR team. We've got a dedicated line for them now, it's 01632 960 412, which sounds like a small thing but before, you were ringing a switchboard and hoping. Then one of their assistants comes down to the cells or the interview room, does their assessment, and if it's appropriate it goes in with the probation report. If it's not a same-day case, we email the details over — there's a shared mailbox, hb.mhtr@harrowgate-nhs.example.org — and they'll pick it up before the next hearing.
+ It's not always that smooth, mind. If there's three of us on and twelve people in the cells it gets... [laughs] it gets a bit creative.
I: What would you say are the main benefits you've seen?
P: Filling the gap, definitely, that's the main one. I've been saying for years that there's this huge group of people we see over and over — and I mean over and over, some of them I've screened ten, fifteen times — who are clearly unwell but not unwell enough for the CMHT to accept. Personality difficulties, trauma, low mood, anxiety, a lot of them drinking on top of it. Before, the best I could do was give them a leaflet for Talking Therapies and the number for the Samaritans. And they weren't going to ring. Now there's an actual route.
+ The other thing is, it's opened up other services for people. Once they're on the MHTR, the clinicians will get them registered with a GP — you'd be amazed how many people aren't — and get them a proper medication review. I had one woman who'd been on the same antidepressant, at the wrong dose, for about six years because nobody had ever looked at it. Little things like that.
I: Have you had any feedback from the people you've referred?
P: Some, yeah. Because we're in custody all the time, we see people again — sometimes for good reasons, [laughs] not always. One chap I'd screened in custody, I saw him at court about eight months later, he was there as a witness, would you believe, for something completely unrelated. And he came over and said, "You're the one who sent that psychologist to see me." And I thought, oh God, here we go. And he said, "It was the best thing that's happened to me." Said he'd not been arrested since. Stuff like that — you hang on to it, in this job.
I: What about the challenges?
P: Where do I start? [laughs] No — I mean, the main one for us, honestly, is that we've got our own KPIs and our own contract, and the MHTR isn't really part of it. Our commissioners want to know how many people we've screened in custody, how many referrals we've made, how quickly. They're not that interested in whether somebody ended up on an MHTR. So there's a tension, because doing a proper MHTR referral — ringing round, chasing, explaining it to the defence solicitor — takes time, and that time's not counted anywhere. I've raised it at the steering group. Everyone nodded. [laughs]
+ And then information sharing. That's been a real headache. We're NHS, probation is, well, the Probation Service, the court is HMCTS, and the clinicians are a different NHS trust from us, actually — so who can see what? There were weeks at the start where I'd know something really important about someone, like a safeguarding concern, and I wasn't sure if I was allowed to tell the MHTR assistant. We've got a data sharing agreement now, it took about six months to sign, and there's still bits that are grey.
I: And from the service users' side?
P: Their lives are chaotic. That's the honest answer. A lot of the people we see have nowhere stable to live. They might not have a phone, or the phone's been nicked, or they've no credit. They get released from court and we give them a time for their first appointment and, you know, half the time you think, are they even going to remember? Some of them are using heavily, and the MHTR team can't really work with someone who's intoxicated, so they need the drug service on board as well. And then you've got people who just say yes to whatever's going on the day because they're frightened of going to prison. I do worry about that. Is that really consent? I'm not sure.
I: Has the pilot changed anything about what happens in custody itself?
P: A bit, yeah. The custody sergeants know about it now, which sounds obvious but it wasn't at the start. We did a little briefing at shift change — me and Bev, with a flipchart, we were very proud of ourselves [laughs] — and now you get sergeants saying, "Have you seen the lad in cell four? I reckon he's one for your MHTR lot." Which is lovely, because they're the ones who see people at their worst, at three in the morning, and they know. And the duty solicitors — once a couple of them had clients who'd done well on an order, they started coming to find us. So there's been a bit of a culture shift. I wouldn't want to overstate it. But it's there.
+ The other thing is it's changed how we write our reports. Before, we'd write, you know, "presents with low mood, history of self-harm, advised to see GP". Now we're thinking, is this someone who could engage with a structured intervention, are they at the point where they'd want to? So it's made us sharper, I think. More focused on what happens next rather than just describing what's wrong.
I: Do you ever disagree with the MHTR team about who's suitable?
P: Now and then. There's been a few where I've thought, this person would really benefit, and they've come back and said no, too complex, or too risky, or they need secondary care. And I get it, they've got to be realistic about what an assistant psychologist can do. But it's frustrating, because then the person's back in the same gap as before — not ill enough for one service, too ill for the other. Nothing's changed for them. I think there's a group the pilot still doesn't reach, and I'd want that written down somewhere.
I: How do you find the relationship with the sentencers?
P: We don't have a lot to do with them directly, to be honest. I'd say the district judge we have at Harrowgate Bridge is very on board. Some of the magistrates are... not sceptical exactly, but they want to be convinced. I think they've come round. I've also heard defence solicitors say they've started asking for MHTR assessments, which is a sign it's bedding in, isn't it? That never happened before.
I: And do you think the sentences are the right ones, on the whole?
P: Mostly. There's been the odd one where I've thought, hang on, that's a lot to put on someone — an MHTR, a RAR, a curfew, the lot — for a bit of shoplifting. You worry you're setting them up to breach. But that's more the exception. And on the other side there's people I'm fairly sure would have got a few weeks inside before, and now they haven't. I can think of three or four off the top of my head.
I: What do you think have been the key success factors?
P: People. Genuinely. Having named people you can ring. Having the MHTR assistants actually in the building. When they're here, it works brilliantly. When they're not — like in the summer, when one of them was off and they didn't cover it — it just stopped. Referrals dropped right off, because we knew there was no one to take them. So dedicated staff, and enough of them, and cover for leave.
+ And the steering group, I'd say, though I'm not at all of them. It's our manager, Dev\u00a0Anand, who goes mostly. But the fact that there's a table where everyone sits, and if something's not working you can take it there — that's made a difference. Before the pilot, I'd never met anyone from probation's court team face to face. Now we have a brew together. [laughs]
I: Is there anything you'd change?
P: More for women. Much more. Women in custody have — I mean, the level of trauma is off the scale, and there's nowhere for them here. And better follow-up data, so we can actually see what happened to the people we referred. At the moment we refer in and we never find out. And obviously funding. I'd like to know it's still going to be here next year. We've had so many things start and stop in L&D... [inaudible 00:31:12] ...people lose faith in it, you know? The custody sergeants, the solicitors. They stop referring. You build it up and then you have to build it up all over again.
I: Thank you. Anything else before I stop the recording?
P: No, I think I've said plenty. [laughs] Thanks for asking, though — it's nice that someone's asking us.
"""

P05_SCRIPT = """
I: Okay, I think that's recording now. Can you just confirm you're happy for the interview to be recorded?
P: Yes, that's fine.
I: Great, thank you. So to start with, could you tell me a bit about your role?
P: Sure. So I'm a team leader at Northmoor Recovery Partnership — we're the adult drug and alcohol service for the whole of Northmoor, it's a partnership between an NHS trust and a couple of charities, which is a whole story in itself. I've been team leader for about four years, and before that I was a recovery worker, and before that, a long time ago, I was a support worker in a hostel. So I've kind of come up through it. My team does the criminal justice work — so we deliver the DRRs and ATRs for the courts, we do the prison release work, and we have a worker in the custody suite a couple of mornings a week alongside liaison and diversion.
I: And how have you been involved with the MHTR pilot?
P: So, we're not the MHTR provider, obviously — that's the mental health trust. But because so many of the people who get an MHTR also have substance use going on, we got pulled in quite early. The idea was that you could have what they call a combined order — an MHTR alongside a DRR or an ATR — for people with what used to be called dual diagnosis. Co-occurring conditions, is the phrase now. And honestly, in our world, co-occurring is the norm, not the exception. I'd say... seventy percent? Of the people on my team's caseload have a mental health need that's significant. Probably more.
I: What has that been like in practice?
P: Harder than it looks on paper. [laughs] So, the theory is great. The person gets their drug or alcohol treatment from us and their psychological work from the MHTR team and everyone talks to each other. The practice is that we've got two different services with two different sets of rules, and the person is in the middle. So, for example, historically a lot of mental health services wouldn't see someone who was actively using. The phrase was "come back when you're abstinent", or "come back when you're stable". And we'd say, well, they're never going to be stable until somebody deals with the trauma that's making them drink. And round and round.
I: Has the pilot changed that?
P: Partly. I'll give them credit — the MHTR clinicians here are much more flexible than what we were used to. They'll see someone who's on a script, they'll see someone who's still drinking, as long as they're not turning up intoxicated to the session. That's a big shift. There's still a bit of — I don't want to be unfair — a bit of "you sort the drugs, we'll do the head stuff", whereas we'd rather it was properly joined up. We've had a couple of cases where someone's relapsed and the MHTR sessions have been paused, and from our side that's exactly the moment they need the support. So there's a difference of opinion there, and I don't think it's fully resolved.
I: Can you say more about how the different orders fit together?
P: So with a DRR you've got testing and you've got court reviews. The person comes back to court every month or so and the judge or the magistrates look at how they're doing, their test results, the reports. And honestly, the reviews are one of the best bits of the DRR, because people respond to being praised by a judge. You'd be surprised. Some of them have never been praised by anyone in authority in their lives. With the MHTR there's no review, so it's sort of invisible to the court once it's made. And then with combined orders you've got this odd situation where half the order is being reviewed and half isn't. I've suggested — and I know others have too — that we could use the DRR review to cover the whole package. I think that's being looked at.
I: You mentioned the court. How have you found the sentencers?
P: Generally good. There's one of the district judges here, Judge Okwuosa, who's been really supportive of the combined orders. The magistrates vary. Sometimes I think the proposals are... maybe a bit ambitious? Like, we've had someone on a DRR, an MHTR, a rehabilitation activity requirement and unpaid work all at once. And you look at that and think, this person can barely get out of bed — how are they going to do four different things in a week? That's setting them up to breach. So I'd say getting the sentence right, making it realistic, is something we're still learning.
I: Sorry — you froze for a second there. Could you repeat that last bit?
P: Oh, sorry, the Wi-Fi in this building is terrible. I was just saying, getting the sentence right is something we're still learning. Sometimes less is more.
I: Thanks. And what about breach?
P: So with breach, I'll be honest, our service has a slightly different culture from probation. We work on a harm reduction model. Relapse is part of recovery. If someone misses an appointment, our instinct is to go and find them, not to write a warning letter. But when it's a court order, probation have to enforce, and we understand that. Where it works is when the offender manager rings us before they do anything and we talk it through. Where it doesn't work is when the first we hear is that someone's been breached and they're back in custody, and then they lose their script, and then... yeah. It can unravel very fast.
I: What do you think the main benefits have been, from your point of view?
P: Honestly, for us, it's that we finally have someone to refer to for the mental health side. Before, my workers were basically holding a lot of quite serious mental health stuff on their own. They're not trained for it, and it burned them out. Now, if someone on a DRR is clearly struggling with, say, flashbacks, PTSD, that kind of thing, there's a route. That's huge for the staff as well as the clients.
+ And the feedback from clients has been good. We had one guy — long history of heroin use, in and out of prison since he was eighteen — and he said to his recovery worker, "This is the first time I've had an order that was actually for me." Which I thought was really telling. He's been clean for nearly a year now. I mean, who knows what would have happened anyway, but still.
I: And the biggest challenges?
P: Funding. Funding, funding, funding. Drug and alcohol services have had cuts year on year for a decade. We're commissioned by the local authority through the public health grant, and every year it's a bit less. So when someone says, "Can you take on this extra work for the pilot?", my answer is, "With what?" We haven't had any extra money for the MHTR work. It's been absorbed. And the pilot money for the mental health side — I understand that's time limited too. So there's a real risk that we build all these relationships and then it goes.
+ And competing priorities, generally. Our commissioners measure us on successful completions, on waiting times, on the number of people in treatment. Nobody measures us on how well we work with the MHTR team.
I: How do you share information with the MHTR team about people you both work with?
P: That's been... a journey. [laughs] At the start, honestly, it was all informal. Callum would ring one of the assistants, or they'd bump into each other at probation. Which worked, sort of, but it wasn't recorded anywhere and if someone was off, it all fell apart. And then there were worries about consent — can we tell the MHTR team that someone's used on top of their script? Can they tell us if someone discloses something in a session that's relevant to their drug use? So now there's a consent form that people sign at the start of a combined order that covers sharing between the three services, us, the trust and probation. It's a bit clunky, but at least everyone knows where they stand.
I: Does that raise any issues with your service users?
P: Some of them are wary, definitely. A lot of our clients have had really bad experiences with services talking about them behind their backs, as they see it — social services, the police. So when you say, "We'll be sharing information with probation", some of them shut down. We try to be really upfront about what gets shared and what doesn't. Most people are fine with it once it's explained. But there's one or two who've said, "I'll do the DRR but I don't want the mental health bit", because they didn't want a psychologist's notes going anywhere near probation. And you can understand that.
I: Have there been any cases where the combined approach has worked particularly well?
P: Yeah, there was a woman — I'll be careful what I say — mid-forties, drinking very heavily, a lot of domestic abuse in her history. She'd been through an ATR before and relapsed every time. This time she had the ATR with us and the MHTR alongside, and for the first time someone was actually working with the trauma while we worked with the drinking. And she completed both. She still has the odd lapse, but she's in a completely different place. She's volunteering at Turning Tide now, actually.
I: What would you say helped make it work, where it has worked?
P: Knowing people. Honestly, that's the main thing. The steering group helped — I went to most of the meetings in the first year, and it meant that when there was a problem, I knew who to phone. And having named link workers on both sides. We've got a worker, Callum Reddaway, who's basically our MHTR link, and he meets with the MHTR assistants every fortnight to go through the shared cases. That's been really valuable.
+ And then all the other stuff around it. Housing. Benefits. Getting people a phone. There's a charity here, Turning Tide, that does a lot of that practical stuff, and without them I don't think a lot of our people would make it to any appointment at all, never mind therapy.
I: Is there anything you'd like to see change?
P: I'd like us to be properly funded as part of it. I'd like the combined orders to have a single review. And I'd like someone to look at women, because the women we see have such high levels of trauma and there's so little for them. Oh, and one more thing — the people themselves. I'd like people with lived experience to be involved in designing it. We've got a brilliant peer mentor, Lee, who's been through a DRR himself, and he's got more credibility with clients than any of us.
I: That's really helpful. Is there anything else you want to add before we finish?
P: No, I think that's it. Sorry about the Wi-Fi. If you need anything else, my email's s.rahman@northmoor-recovery.example.org, just drop me a line.
I: Brilliant, thank you so much. I'll stop the recording now.
"""

P06_SCRIPT = """
I: Thanks, Jo. Could we start with a bit about Halden House and your role there?
P: Yeah, of course. So Halden House is a women's centre — we're a small charity, we've been going about fifteen years, based in the middle of Ashbury just behind the bus station. We work with women who've got multiple disadvantage: domestic abuse, mental health, substance use, involvement with the criminal justice system, children's social care, all of it, usually all at once. I'm the service manager, so I look after the team — there's eleven of us, including the volunteers and peer mentors — and I still carry a small caseload, because I'd go mad otherwise. [laughs] Seven years I've been doing this job.
I: And how did Halden House come to be involved with the MHTR pilot?
P: Honestly? We invited ourselves. [laughs] When the pilot started, we heard about it from probation, and the initial plans didn't really have anything specific for women. And we know that women coming through the courts have incredibly high levels of mental health need, and they're very often on short sentences for quite low-level stuff — shoplifting, breach, that kind of thing — which, you know, can mean losing their kids, losing their tenancy. So we went to the steering group, well, we asked to go, and said, "Look, we're already working with these women, we could help." And to be fair they took us on. We now host the MHTR sessions for women in a women-only space here, with one of the trust's psychologists coming in, so the women don't have to go to the clinic.
I: Why does that matter, having it at Halden House?
P: Because a lot of our women won't go to a clinic. They associate it with, you know, social services, having their kids taken, being sectioned maybe. They won't sit in a waiting room with men — a lot of them have been abused by men. Here, they know us. They come in for the food bank, they come in for the Tuesday group, there's a creche. So if the psychologist is here on a Thursday, it's just... part of coming in. We've had much better attendance than when the women were being sent across town. I don't have exact figures in front of me, but it's noticeably better.
I: Before the pilot, what was there for these women?
P: Not a lot, if I'm honest. We'd do what we could, but we're not clinicians. If a woman needed proper trauma work, we'd refer her to her GP, and the GP would refer her to Talking Therapies, and Talking Therapies would say she was too complex, and the community mental health team would say she wasn't unwell enough. So she'd come back to us. We used to call it the revolving door, but really it was more like a wall. The MHTR is the first thing I've seen that actually sits in that gap.
I: What do you see as the main benefits of the pilot?
P: For our women, it's been an alternative to prison. Straightforwardly. I can think of at least four women who I'm pretty sure would have got a short custodial sentence, and they didn't, because there was an MHTR proposal. And for one of them, if she'd gone in, she'd have lost her flat and her youngest would have gone into care. Instead she did the order, she's still got her flat, and her daughter is still with her. You can't really put a price on that. Well — you can, actually, and someone should, because it'd be a very big number.
+ The other thing is the feedback. The women talk about it. One of them said to me, "She didn't judge me." About the psychologist. That's the most common thing we hear. "She didn't judge me."
I: What have the challenges been, from your perspective?
P: Money. [laughs] Always. So, we're not funded for the MHTR work. The psychologist's time is paid for by the pilot, but the room, the creche, the support worker who rings the women the day before and sometimes goes and knocks on their door — that's all us, out of our core funding, which is mostly grants and a small contract with the PCC. And that's fine for a pilot. But I can't do it indefinitely. Our funding runs year to year. I've had to tell the steering group that if there's no money for our part by next spring, we'll have to stop.
+ And then there's the multi-agency stuff. Which is... I mean, everyone means well. But the statutory agencies have their own ways of doing things, and sometimes it feels like the voluntary sector is the junior partner. You get invited to the meeting, but the decisions were made somewhere else. That's got better, I'll be honest. But it was a real issue at the start.
I: Can you give an example?
P: So there was a period where probation were, I think under pressure from their own management, breaching more quickly for missed appointments. And one of our women — she'd missed two sessions because her ex had turned up at her flat and she was, you know, in crisis, she was staying with her sister — she got breached. And nobody asked us. We knew exactly where she was and why. If someone had just picked up the phone to Halden House... the number's on every form, it's 01632 960 877, it's not a secret. [laughs] Anyway, it got sorted, the court took a sensible view, but it shouldn't have got that far. After that we agreed that for women on the MHTR, the offender manager would check with us before any warning letter. And to be fair, that's worked.
I: How about the women's own needs and motivation?
P: I'm always a bit careful with "motivation". Most of the women we work with are very motivated to, you know, keep their kids, keep a roof over their heads, stay safe. Therapy comes a long way down that list, and that's not because they're not motivated; it's because they're surviving. So the sessions have to fit round everything else. Sometimes a session is just sitting with someone while she rings the council about her housing. And the psychologist we work with — Dr Nadia Heskey, she's brilliant — she gets that. Not every clinician does.
+ And for some women, to be honest, it's not the right time. If you're still living with the person who's hurting you, it may not be safe to start opening up trauma. So we've had to be quite careful about who's suitable, and sometimes we've had to say to probation, "I don't think an MHTR is right for her at the moment." That can be a hard conversation, because the alternative might be worse.
I: How have you found working with the courts and with probation more generally?
P: Better than I expected, to be honest. I've been doing this long enough to be a bit cynical. [laughs] But the probation officers at court have really got behind it. They ring us now before they write a report on one of our women, which never used to happen. We'll say, "Actually, she's been coming here for six months, she's doing really well, she's got a support worker", and that goes in the report, and it makes a difference to the bench. The magistrates want to know there's something in place. Before, I think a lot of them assumed these women had nothing and nobody, and sometimes they were right, but often they weren't.
+ The court is still quite a frightening place for our women, though. One of them described waiting in the cells as the worst part of the whole thing — worse than the sentence. So anything that can be done earlier, before it gets to that point, is better.
I: Have there been any disagreements within the steering group about the women's pathway?
P: A few. [pause] The main one was about numbers. The women's pathway has relatively small numbers, and there was a view from one or two people — I won't say who — that it wasn't cost-effective to have a separate arrangement for, you know, fifteen or twenty women a year. And I understand the logic. But the point is that the women won't engage with the mixed clinic. So you're not comparing a women's service with a cheaper mixed service; you're comparing a women's service with nothing. Once we'd got the attendance figures, that argument sort of went away. But it might come back when the money gets tight.
+ The other one, honestly, was about who gets to be in the room. There was a bit of resistance to having a woman with lived experience on the steering group. Concerns about confidentiality, about whether it was fair on her. We said, well, ask her. And she's been brilliant. She asks the questions nobody else asks.
I: Can you say a bit more about the peer mentors?
P: So they're women who've been through the system — some of them have been to prison, some of them have been on orders — and they've done a training course with us and they volunteer, a few hours a week. They're the first face a lot of the women see. They'll meet them at court, sometimes, or at the probation office, and just say, "I've been where you are." You can't buy that. We pay their expenses and that's about it. It's one of the things I worry about most if the funding goes, because they need supervision and support too.
I: What do you think has made it work, where it's worked?
P: Relationships. It's always relationships. Having a named offender manager for women — there's one at Ashbury, Priti Lakhani, who's fantastic — and having the psychologist come here. The steering group was important too, once we were actually in it. It gave us a voice. And just the wraparound, really. The MHTR on its own wouldn't work for most of our women. It works because it sits inside everything else we do — the food, the housing help, the peer mentors, the creche. The peer mentors especially. Women who've been through the system themselves, and they'll walk someone to her first appointment and sit with her in the waiting room. You can't underestimate that.
I: If you could change one thing, what would it be?
P: Proper funding for the voluntary sector part of it. Multi-year. Not a grant here and there. We hold these women. When the order ends, the MHTR stops, probation stops, but we're still here. She'll still come in on a Tuesday. If there's going to be a lasting model, it has to recognise that.
+ And more say for the women themselves. We've started a little group — we call it the Voices group — where women who've been on orders tell us what worked and what didn't. Some of what they've said has been really uncomfortable to hear, to be honest, about how they felt in court, how they felt in the cells. It should be going straight to the steering group.
I: That's a great idea. Anything else you'd like to add?
P: Just — please make sure women are in the write-up. It's so easy for us to get lost in the numbers because there's fewer of us. But that doesn't mean the need is less. If anything it's the opposite.
I: Absolutely. Thank you so much, Jo.
"""

P07_SCRIPT = """
I: Thank you for joining. Could you start by describing your role and your connection to the pilot?
P: Yes, of course. I'm head of mental health commissioning for the Kelmscott Vale Integrated Care Board — I've been in this post for about three years, and before that I was in local authority commissioning, mostly adult social care. In terms of the pilot, my team co-commissions the MHTR service alongside NHS England's health and justice team and, in a slightly looser way, the Probation Service regionally. I sit on the steering group, and I'm, I suppose, one of the people who gets asked at every meeting, "So what happens when the money runs out?" [laughs]
I: We'll come to that. What was the rationale for commissioning the service, from your point of view?
P: There's a straightforward needs case. If you look at the population coming through the criminal justice system locally — and we did a needs assessment, which I can share, it's not secret — the prevalence of mental health need is many times that of the general population. Most of it sits in what we'd call the common mental health problems, plus trauma, plus personality disorder, plus substance use. That group is poorly served. Secondary care, for reasons that are understandable, prioritises severe and enduring mental illness, and our NHS Talking Therapies provider has, historically, struggled to engage people with complex needs. So there is a gap, and we knew there was a gap. The pilot gave us a way of testing a model to fill it, with national money attached, which — I'll be frank — is what made it possible.
+ The second argument is about the wider public purse. A short custodial sentence is extraordinarily expensive relative to a course of psychological intervention, and the evidence on short sentences and reoffending is not encouraging. If an MHTR displaces even a modest number of short sentences, there's a public sector case. The difficulty, and I'll come back to this, is that the savings fall in a different budget from the costs.
I: How would you describe the benefits so far?
P: I want to be careful here, because I'm conscious that everyone involved in a pilot has an interest in it looking good — myself included. What I can say with confidence is that the activity is there. Referrals have grown steadily. The proportion of assessed people who get an order has been reasonable. Completion rates look encouraging, though the numbers are still small enough that I wouldn't hang too much on them. The qualitative feedback — from service users, from the bench, from probation — is very positive. Dr Fielding's team does a good job of collecting it.
+ What I can't yet tell you is whether it reduces reoffending. We haven't had enough time, and frankly we didn't set the data up well enough at the start to answer that question cleanly. That's a lesson. If you want to make a case to a finance director, "people liked it" is necessary but not sufficient.
I: What have been the main challenges from a commissioning perspective?
P: Sustainability, without question. It's a pilot, funded for a fixed period with national money. To continue, it needs recurrent funding, and the honest position is that there isn't an obvious owner. The ICB's view — and I'm representing the organisation's position here, not necessarily my personal one — is that this is a criminal justice pathway and the justice system should contribute. The justice side tends to see it as a health need that health should meet. Both are partly right. What's needed is a co-commissioning arrangement where the costs are shared in some proportion to the benefits, and those conversations are happening, but they're slow. I'm not going to pretend otherwise.
+ The second challenge is competing priorities. I have a mental health budget that is under enormous pressure. Every pound I put into the MHTR is a pound I'm not putting into, say, crisis services or eating disorders or children and young people, where we've got waiting lists that are, frankly, frightening. So when someone asks, "Why won't the ICB just fund it?", that's the trade-off I'm looking at. It's not that I don't value it.
I: How have you found the multi-agency arrangements?
P: Better than I expected, honestly. I've sat on a lot of multi-agency boards and many of them are talking shops. This one has had a genuine sense of purpose, partly because it's small and focused, and partly because the chair keeps us to actions. There have been tensions, I won't pretend otherwise. Probation and health have different cultures around risk and enforcement; the voluntary sector has felt, at times, that it's being asked to do a lot for nothing; and the information sharing took far too long to sort out. But there's been a willingness to work through it.
+ One thing I'd say is that the statutory organisations underestimated the voluntary sector's contribution at the outset. Some of the third sector organisations are effectively subsidising the pilot, and that's not sustainable, and it's not fair.
I: You mentioned the data. Can you say more?
P: Each agency records different things in different systems. The trust records clinical activity, probation records orders and compliance, the court records sentences, and nobody agreed at the outset a common dataset or an identifier that would let you follow a person through. So when I ask a simple question — of the people who started an MHTR in the first year, how many were reconvicted within twelve months? — it takes weeks to answer, if it can be answered at all. For a national rollout, I'd want a minimum dataset agreed before the first referral. That's quite boring, but it's the difference between a pilot that can prove its value and one that can't.
I: What, in your view, has made the pilot work where it's worked?
P: Dedicated, ring-fenced clinical capacity. That's the first thing. The model only works if there's somebody whose job it is to be at the court and do the assessment. Wherever that's been patchy — vacancies, sickness — the referrals have dropped off quite quickly. The second is the steering group, as I said. And the third, which I'd underline, is the surrounding support. The clinical intervention is relatively light touch. It works when it sits within a network: housing, substance use treatment, benefits advice, the women's services. Take those away and I'm not convinced the intervention on its own would achieve much.
I: Is there anything you disagree with in the way the pilot has been presented?
P: [pause] That's a good question. I'd gently push back on the idea, which I hear quite a lot, that the MHTR is a straightforward alternative to custody. Some of the orders have undoubtedly been made in place of a short sentence. But I suspect some have been made for people who'd have got a community order anyway, and perhaps one or two for people who'd otherwise have got something lighter. That's not necessarily bad — they may still have benefited — but it does change the economic argument. If you're claiming savings on prison places, you need to be sure the prison places were really going to be used. I've raised that at the steering group, and not everyone enjoyed hearing it. [laughs]
I: And what about the service users themselves — what have you heard?
P: Mostly second-hand, of course; I'm a commissioner, I don't sit in the clinic. But we did a small engagement exercise with Larkspur Recovery and the lived-experience panel, and two things came through. People valued being listened to — that came up again and again. And people were confused, at the start, about what they'd agreed to. Some thought the MHTR was voluntary in the way a GP referral is voluntary, and were surprised to find probation asking about attendance. That's a consent and communication issue, and it's been fed back to the clinical team.
I: How did the commissioning partners come together in the first place?
P: Somewhat opportunistically, if I'm honest. The national programme approached a number of areas, and Kelmscott Vale had a few things going for it: a liaison and diversion service that was well regarded, a probation leadership that was keen, and a trust with some forensic psychology capacity already, which Dr Fielding was part of. So when the opportunity came, we could say yes fairly quickly. We agreed a memorandum of understanding between the ICB, NHS England and probation — it's not legally binding, it's a statement of intent — and the steering group grew out of that.
+ In hindsight, I'd have wanted the local authority more involved from the start. Housing and public health both sit with the council, and substance use treatment is commissioned by public health. A lot of what makes the MHTR work depends on those services, and they weren't at the table in the early months. That's been corrected, but it would have been better to begin with them.
I: You talked about costs falling in different budgets. Can you unpack that?
P: Yes. So the cost of the clinical team falls on health — on us, in the long run, if we pick it up. The benefits, if they're realised, fall mainly elsewhere: fewer prison places, which is the Ministry of Justice; fewer hearings for breach and reoffending, which is the courts and the CPS; perhaps fewer police call-outs. Some benefits do come back to health, to be fair — fewer A&E attendances, fewer crisis presentations — but they're diffuse and hard to measure. So from a narrow ICB perspective the return on investment looks weak even if, from a whole-system perspective, it looks strong. That's a well-known problem in public services and it isn't unique to this pilot. But it's why I keep saying that a pooled or co-commissioned budget is the only realistic long-term answer.
I: Do you think that's achievable?
P: Nationally, if there's a will. Locally, on our own, it's very difficult. I can't commit Ministry of Justice money and they can't commit mine. [laughs] So the national programme has an important role to play in brokering that, and I've said so to them, quite directly.
I: What would you want the national programme to take from your experience?
P: Plan for sustainability from day one, not month eighteen. Agree the funding split in principle before the pilot starts, so that if it works there's a known route to continuation. Agree the data. And fund the voluntary sector properly. If anyone reading your report wants the needs assessment or our evaluation framework, they can contact me — r.lindqvist@kv-icb.example.org — and I'll share what I can. [inaudible] ...subject to the usual caveats, obviously.
I: Thank you. Is there anything else you'd like to add?
P: Only that I'd like it to continue. For all my caveats, I've seen enough to think it's worth doing. Whether I can find the money is a different question. [laughs] That's the job.
"""

P08_SCRIPT = """
I: Thanks for making time — I know your diary is full. Could you start by telling me about your role, and how you came to chair the steering group?
P: Of course. I'm a consultant forensic psychiatrist with Fenwick Community Mental Health Trust. My day job is a mix of the community forensic team and some court and prison in-reach work, and I've been a consultant here for about five years. How I came to chair the steering group is... partly accident. When the trust agreed to be a test bed site, somebody had to convene the local partners, and because I'd done court reports for years and knew most of the people in the criminal justice system locally, I was asked. I think the logic was that a psychiatrist in the chair might reassure the health side, and someone who knew the courts might reassure the justice side. Whether that worked, you'd have to ask them. [laughs]
I: What did setting up the steering group involve?
P: The first job was getting the right people around the table, and "right" meaning people with enough seniority to commit their organisation but close enough to the front line to know what actually happens. So we had Noel Achterberg, who heads the local probation delivery unit; the service manager for the MHTR clinical team; the liaison and diversion manager; someone from the drug and alcohol service; the ICB and NHS England commissioners; a police inspector from Fenwick Police; St Aldric's Housing Trust, who run most of the supported housing here; and the judiciary — District Judge Morrow has attended almost every meeting, which has been enormously helpful. Later we added a lived-experience representative, which in hindsight we should have done from the start.
+ We agreed terms of reference at the first meeting — very short, one page — and the rule I set was that every item finishes with an action, an owner and a date. That sounds bureaucratic, but without it multi-agency meetings drift. Everybody describes the problem beautifully and nobody owns the solution.
I: What issues has the group had to deal with?
P: Three big ones, I'd say. The first was the pathway itself — who does what, when, from the first contact in custody through to the end of the order. We mapped it out on a wall with sticky notes, literally, over three sessions. Everybody had assumptions about what everyone else did, and about half of them were wrong. That exercise alone was worth the first six months.
+ The second was information sharing. It took us far longer than it should have to agree a data sharing agreement across the trust, probation, the court and liaison and diversion. Each organisation's information governance team had its own template and its own lawyers. At one point we had four versions of the same document in circulation. [laughs] In the end I convened a meeting of just the IG leads, and we got it done in an afternoon. Sometimes you just have to get the right three people in a room.
+ The third was breach, and compliance more broadly. That was the one with the most genuine disagreement, because it goes to the heart of the different professional cultures. Probation has a legal duty to enforce the order. Clinicians have an ethical duty not to coerce treatment, and a clinical understanding that missed appointments are, very often, a symptom. Both are legitimate. What we agreed was a protocol: missed MHTR appointments are reported to the offender manager within a working day; the clinician and the offender manager talk before any formal warning; and breach proceedings, where they happen, are informed by a short clinical update. It's not perfect, and I know some probation colleagues still feel it constrains them, and some clinicians still feel it's too close to coercion. But it's a workable compromise, and it's been stable for a year.
I: How would you describe multi-agency cooperation in Fenwick now?
P: Good — genuinely good, with caveats. The key thing that's changed is that people know each other. When the court duty officer has a query about a case, she rings the MHTR assistant directly, because they've met, they've had coffee. That sounds trivial. It isn't. Most failures in multi-agency systems are failures at the interfaces, and relationships are what make interfaces work.
+ The caveats are that every agency has its own priorities and pressures, and they don't go away because we have a nice meeting. The trust has huge pressure on inpatient beds and crisis services. Probation has been through a major reorganisation and has high staff turnover. Liaison and diversion has its own national KPIs. The drug and alcohol service has had year-on-year cuts. So when push comes to shove, the MHTR pathway is nobody's top priority except the people who work on it directly. That's the structural problem.
I: And those people who work on it directly — how important have they been?
P: Critical. I'd put dedicated staff at the top of any list of success factors. We have a small team — a clinical psychologist part-time, two assistant psychologists, and a band six mental health practitioner who does the court assessments — and they are the pathway. When we lost one of the assistants last winter and there was a gap before the post was filled, referrals fell by more than half within a month. The bench noticed. Probation noticed. It's very fragile.
+ The other side of that is supervision and support. The assistants are early in their careers, and they're hearing a great deal of trauma. The psychologist's supervision is essential, and I'd want any rollout to protect it.
I: What about sentencing — have there been concerns about who gets an MHTR?
P: Yes, and I think rightly. District Judge Morrow has been quite insistent that the order must be proportionate to the offence, and that we shouldn't be using treatment as a reason to impose a heavier sentence than the offence merits. I agree with that. From a clinical point of view there's a separate question about suitability. Not everyone with a mental health need is suitable for a primary care level intervention. Some people need secondary care, and the secondary care MHTR route is still much harder to access; that's one of the gaps the pilot hasn't really closed. Others are too chaotic at that moment, or their needs are primarily about substance use, or housing, and an MHTR would be setting them up to fail.
+ We had a period early on when, frankly, the enthusiasm for the new option ran a bit ahead of the assessment. Proposals were being made for people who were never going to manage twelve weekly sessions. We tightened up the assessment, and the completion rate improved.
I: Have you heard from service users about their experience?
P: Yes, both through the lived-experience representative and through the clinical team's feedback forms. The overwhelming theme is being listened to. Many of these people have had contact with services for years, and nobody has sat down and asked them about their life. One man wrote — I'm paraphrasing — that it was the first time he'd been treated as a person rather than a case number. There are criticisms too: the first appointment can be too slow, the setting in the probation office can feel punitive, and people don't always understand what the order involves when they agree to it at court. We've taken that last one seriously; the team now gives a simple leaflet at court and goes through it line by line.
I: How has the steering group handled disagreement between members?
P: Openly, I hope. My view is that the disagreements are the point. If everyone agreed, you wouldn't need a steering group. What you need is a place where disagreements can be had safely, without it becoming a matter of one organisation complaining about another to their managers. So I try to name the tension when I see it. I'll say, "I think probation and the clinical team see this differently — can we hear both views?" And then we try to find what each side actually needs, as opposed to what they're asking for. Usually there's more room than it first appears.
+ There have been times when it didn't work. We had a rather heated meeting about caseload numbers, where the commissioners wanted to see throughput go up and the clinical team felt they were at capacity already, and honestly that one didn't resolve in the room. It took several conversations outside the meeting. I think chairing is as much about what happens between meetings as in them.
I: How has the relationship with the national programme worked?
P: Supportively, on the whole. Yvonne Marchetti, the national programme manager, and her team ran regular calls between the test bed sites, which I found very helpful, partly just to know that other sites were struggling with the same things. The information sharing problem, for instance — every site had it. There's been a degree of tension between national expectations and local reality. The national programme, understandably, wants consistency, comparable data, a model that can be rolled out. Locally, we've had to adapt things to fit our services and our geography, and sometimes that's meant departing from the protocol. I think the national team have been reasonably pragmatic about that. But there's a balance to be struck, and I don't think we've always struck it right.
I: What about funding and the future?
P: That's the thing that keeps me awake. The pilot funding ends at the end of the financial year, and as of today there's no agreed continuation funding. There's goodwill — a great deal of goodwill — but goodwill doesn't pay salaries. I've written to the ICB and to the regional probation director, and Yvonne has been very supportive at national level. The difficulty is that the cost sits with health and the savings sit — if they sit anywhere — with justice, and our funding systems aren't built for that.
+ I'd also say that the longer the uncertainty goes on, the more we lose. Staff on fixed-term contracts start looking for other jobs in the last six months, quite reasonably. So you get a self-fulfilling decline... and then someone points at the falling numbers as evidence that it wasn't working.
I: If you were advising a new site, what would you tell them?
P: Get the steering group right, with people who can make decisions. Map the pathway together before you start. Agree information sharing and a breach protocol early — don't wait for the first difficult case. Protect the dedicated staff and plan cover. Involve the voluntary sector and people with lived experience as equals, not as guests. Collect data from day one. And start the sustainability conversation on the first day, not the last.
I: Thank you. Is there anything we haven't covered that you'd like to add?
P: Just that it's been — professionally — one of the more rewarding things I've done. I spent a lot of my early career writing reports that said someone would benefit from treatment, knowing there wasn't any available. It's nice, for once, to be able to say it and mean it.
"""


# ---------------------------------------------------------------------------------------------
# Scripts -> turns, and the typography each source would have
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    """One speaker turn of a script: one or more paragraphs of speech."""

    by_interviewer: bool
    paragraphs: tuple[str, ...]


def parse_script(script: str) -> list[Turn]:
    turns: list[Turn] = []
    for line in script.strip().splitlines():
        line = line.strip()
        if not line:
            continue
        marker, _, text = line.partition(" ")
        if marker == "+":
            last = turns[-1]
            turns[-1] = Turn(last.by_interviewer, (*last.paragraphs, text))
        elif marker in ("I:", "P:"):
            turns.append(Turn(marker == "I:", (text,)))
        else:
            raise ValueError(f"script line must start with 'I:', 'P:' or '+': {line[:40]!r}")
    return turns


def smarten(text: str, *, ellipsis_character: bool) -> str:
    """Curly quotes as Word's autocorrect types them; straight ones stay only in captions."""
    text = re.sub(r"(?<=\w)'", "\u2019", text)  # contractions and possessives
    text = re.sub(r"'(?=\w)", "\u2018", text)
    text = text.replace("'", "\u2019")
    text = re.sub(r'(^|[\s(\[\u2014])"', "\\1\u201c", text)
    text = text.replace('"', "\u201d")
    if ellipsis_character:
        text = text.replace("...", "\u2026")
    return text


def typeset(turns: list[Turn], style: str) -> list[Turn]:
    """Apply a source's typography: "word" (curly, …), "typed" (curly, ...), "captions"."""
    if style == "captions":
        return turns
    if style not in ("word", "typed"):
        raise ValueError(f"unknown typography {style!r}")
    return [
        Turn(
            turn.by_interviewer,
            tuple(smarten(p, ellipsis_character=style == "word") for p in turn.paragraphs),
        )
        for turn in turns
    ]


# ---------------------------------------------------------------------------------------------
# Invented but plausible timings
# ---------------------------------------------------------------------------------------------


class SpeechClock:
    """Advances through an imaginary recording at a jittered speaking rate (seeded)."""

    def __init__(self, seed: int, start_seconds: float) -> None:
        self._rng = random.Random(seed)
        self.now = start_seconds

    def speak(self, text: str) -> tuple[float, float]:
        words = len(text.split())
        seconds = max(1.1, words / WORDS_PER_SECOND * self._rng.uniform(0.85, 1.2))
        start = self.now
        self.now += seconds
        return start, self.now

    def pause(self, low: float, high: float) -> None:
        self.now += self._rng.uniform(low, high)

    def chance(self, probability: float) -> bool:
        return self._rng.random() < probability


def clock_text(seconds: float, fraction_separator: str | None) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    if fraction_separator is None:
        return f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{fraction_separator}{millis:03d}"


SENTENCE_BREAK = re.compile(r"(?<=[.?!])\s+(?=[\"\u201c\[A-Z])")


def split_long_sentence(sentence: str, max_words: int) -> list[str]:
    """Cut a long sentence into roughly equal pieces, after a comma where one is near."""
    words = sentence.split()
    pieces: list[str] = []
    while len(words) > max_words:
        target = min(len(words) // 2 if len(words) < 2 * max_words else max_words - 4, max_words)
        cut = target
        for offset in (0, 1, -1, 2, -2, 3, -3, 4, -4):
            index = target + offset
            if 3 <= index < len(words) - 3 and words[index - 1].endswith((",", ";", ":")):
                cut = index
                break
        pieces.append(" ".join(words[:cut]))
        words = words[cut:]
    pieces.append(" ".join(words))
    return pieces


def caption_cues(paragraph: str, clock: SpeechClock, max_words: int = 24) -> list[str]:
    """Teams-style cues: one or two sentences each, long sentences split across cues."""
    cues: list[str] = []
    pending = ""
    for sentence in SENTENCE_BREAK.split(paragraph):
        if len(sentence.split()) > max_words:
            if pending:
                cues.append(pending)
                pending = ""
            cues.extend(split_long_sentence(sentence, max_words))
        elif pending and len(pending.split()) + len(sentence.split()) <= 18 and clock.chance(0.65):
            cues.append(f"{pending} {sentence}")
            pending = ""
        else:
            if pending:
                cues.append(pending)
            pending = sentence
    if pending:
        cues.append(pending)
    return cues


def subtitle_cues(paragraph: str, clock: SpeechClock, max_chars: int = 70) -> list[str]:
    """SRT-style cues: short runs of words, cut at sentence ends when one comes early."""
    cues: list[str] = []
    current: list[str] = []
    for word in paragraph.split():
        if current and len(" ".join([*current, word])) > max_chars:
            cues.append(" ".join(current))
            current = []
        current.append(word)
        if len(current) >= 5 and word.endswith((".", "?", "!")) and clock.chance(0.7):
            cues.append(" ".join(current))
            current = []
    if current:
        # A one- or two-word tail reads as a glitch; captioners fold it into the cue before.
        if len(current) <= 2 and cues and not cues[-1].endswith((".", "?", "!")):
            cues[-1] = " ".join([cues[-1], *current])
        else:
            cues.append(" ".join(current))
    return cues


# ---------------------------------------------------------------------------------------------
# Writers: one per format, each returning the file's bytes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interview:
    participant_id: str
    role: str
    site: str
    filename: str
    interviewer_label: str
    participant_label: str
    years_in_role: int
    script: str
    typography: str
    render: Callable[[Interview, list[Turn]], bytes]
    header: tuple[str, ...] = ()
    seed: int = 0

    def turns(self) -> list[Turn]:
        return typeset(parse_script(self.script), self.typography)

    def label(self, turn: Turn) -> str:
        return self.interviewer_label if turn.by_interviewer else self.participant_label


def deterministic_docx_bytes(document: object) -> bytes:
    """Save with fixed metadata and zip dates so the file changes only when its text does."""
    properties = document.core_properties  # type: ignore[attr-defined]
    properties.author = "Clearword Transcription Services"
    properties.last_modified_by = "Clearword Transcription Services"
    properties.created = FIXED_MOMENT
    properties.modified = FIXED_MOMENT
    properties.revision = 1
    saved = io.BytesIO()
    document.save(saved)  # type: ignore[attr-defined]
    normalised = io.BytesIO()
    with (
        zipfile.ZipFile(saved) as source,
        zipfile.ZipFile(normalised, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            fixed = zipfile.ZipInfo(member.filename, date_time=FIXED_MOMENT.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 3
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(member.filename))
    return normalised.getvalue()


def render_docx_paragraphs(interview: Interview, turns: list[Turn]) -> bytes:
    """A transcription service's Word file: a short header, then "Label: text" paragraphs."""
    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    for index, line in enumerate(interview.header):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(line)
        run.bold = index == 0
    document.add_paragraph()
    for turn_index, turn in enumerate(turns):
        if turn_index:
            document.add_paragraph()  # transcribers leave an empty line between turns
        for paragraph_index, text in enumerate(turn.paragraphs):
            paragraph = document.add_paragraph()
            if paragraph_index == 0:
                paragraph.add_run(f"{interview.label(turn)}:").bold = True
                paragraph.add_run(f" {text}")
            else:
                paragraph.add_run(text)
    return deterministic_docx_bytes(document)


def render_docx_table(interview: Interview, turns: list[Turn]) -> bytes:
    """A Word table with a header row: Speaker | Text | Time (the turn's start)."""
    document = Document()
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, ("Speaker", "Text", "Time"), strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(heading).bold = True
    clock = SpeechClock(interview.seed, start_seconds=6.0)
    for turn in turns:
        start = clock.now
        for text in turn.paragraphs:
            clock.speak(text)
        clock.pause(0.6, 2.4)
        speaker_cell, text_cell, time_cell = table.add_row().cells
        speaker_cell.text = interview.label(turn)
        text_cell.text = turn.paragraphs[0]
        for text in turn.paragraphs[1:]:
            text_cell.add_paragraph(text)
        time_cell.text = clock_text(start, None)
    return deterministic_docx_bytes(document)


def labelled_text(
    interview: Interview,
    turns: list[Turn],
    label_format: str = "{label}: {text}",
    newline: str = "\n",
) -> str:
    """Paragraphs separated by blank lines; a continuation paragraph carries no label."""
    blocks = list(interview.header)
    for turn in turns:
        label = interview.label(turn)
        blocks.append(label_format.format(label=label, text=turn.paragraphs[0]))
        blocks.extend(turn.paragraphs[1:])
    return (2 * newline).join(blocks) + newline


def render_utf8_text(interview: Interview, turns: list[Turn]) -> bytes:
    return labelled_text(interview, turns).encode("utf-8")


def render_bracket_text(interview: Interview, turns: list[Turn]) -> bytes:
    return labelled_text(interview, turns, label_format="[{label}] {text}").encode("utf-8")


def render_windows_text(interview: Interview, turns: list[Turn]) -> bytes:
    """Saved from Word on Windows as "Plain Text": cp1252 bytes and CRLF line endings."""
    return labelled_text(interview, turns, newline="\r\n").encode("cp1252")


def teams_cue_id(interview: Interview, number: int) -> str:
    digest = hashlib.md5(f"{interview.participant_id}-{number}".encode()).hexdigest()
    guid = f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
    return f"{guid}/{number + 11}-{number % 3}"


def timed_cues(
    interview: Interview,
    turns: list[Turn],
    chunker: Callable[[str, SpeechClock], list[str]],
) -> Iterator[tuple[str, float, float, str]]:
    """(label, start, end, text) for every cue, with pauses between sentences and speakers."""
    clock = SpeechClock(interview.seed, start_seconds=3.4)
    for turn in turns:
        label = interview.label(turn)
        for paragraph in turn.paragraphs:
            for cue in chunker(paragraph, clock):
                start, end = clock.speak(cue)
                yield label, start, end, cue
                clock.pause(0.04, 0.5)
            clock.pause(0.3, 1.2)
        clock.pause(0.5, 1.6)


def render_vtt(interview: Interview, turns: list[Turn]) -> bytes:
    """WebVTT as Microsoft Teams exports it: GUID cue ids and <v Name> voice tags."""
    lines = ["WEBVTT", ""]
    cues = timed_cues(interview, turns, caption_cues)
    for number, (label, start, end, text) in enumerate(cues):
        lines.append(teams_cue_id(interview, number))
        lines.append(f"{clock_text(start, '.')} --> {clock_text(end, '.')}")
        lines.append(f"<v {label}>{text}</v>")
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def render_srt(interview: Interview, turns: list[Turn]) -> bytes:
    """SubRip with "Name: " at the start of every cue, text wrapped onto short lines."""
    lines: list[str] = []
    cues = timed_cues(interview, turns, subtitle_cues)
    for number, (label, start, end, text) in enumerate(cues, start=1):
        lines.append(str(number))
        lines.append(f"{clock_text(start, ',')} --> {clock_text(end, ',')}")
        lines.extend(wrap_subtitle(f"{label}: {text}"))
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def wrap_subtitle(text: str, width: int = 46) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


# ---------------------------------------------------------------------------------------------
# The set
# ---------------------------------------------------------------------------------------------

INTERVIEWS = (
    Interview(
        participant_id="P01",
        role="Probation Service",
        site="Ashbury",
        filename="P01.docx",
        interviewer_label="Interviewer",
        participant_label="P01",
        years_in_role=11,
        script=P01_SCRIPT,
        typography="word",
        render=render_docx_paragraphs,
        header=(
            "MHTR Service Evaluation \u2014 Ashbury site",
            "Interview with P01 (Probation Service), recorded 14 March 2023",
            "Transcribed verbatim by Clearword Transcription Services",
        ),
    ),
    Interview(
        participant_id="P02",
        role="Mental Health Service",
        site="Kelmscott Vale",
        filename="P02.docx",
        interviewer_label="INT",
        participant_label="Dr Fielding",
        years_in_role=6,
        script=P02_SCRIPT,
        typography="word",
        render=render_docx_table,
        seed=2,
    ),
    Interview(
        participant_id="P03",
        role="Judiciary",
        site="Fenwick",
        filename="P03.txt",
        interviewer_label="INTERVIEWER",
        participant_label="RESPONDENT",
        years_in_role=9,
        script=P03_SCRIPT,
        typography="typed",
        render=render_utf8_text,
        header=(
            "MHTR PROTOCOL SERVICE EVALUATION\nInterview reference P03 \u2014 Fenwick \u2014 recorded 2 May 2023\nTranscribed by Clearword Transcription Services",
        ),
    ),
    Interview(
        participant_id="P04",
        role="Liaison and Diversion",
        site="Harrowgate Bridge",
        filename="P04.txt",
        interviewer_label="I",
        participant_label="R",
        years_in_role=8,
        script=P04_SCRIPT,
        typography="word",
        render=render_windows_text,
    ),
    Interview(
        participant_id="P05",
        role="Drug and Alcohol Service",
        site="Northmoor",
        filename="P05.vtt",
        interviewer_label="Interviewer",
        participant_label="Sunita Rahman",
        years_in_role=4,
        script=P05_SCRIPT,
        typography="captions",
        render=render_vtt,
        seed=5,
    ),
    Interview(
        participant_id="P06",
        role="Third Sector",
        site="Ashbury",
        filename="P06.srt",
        interviewer_label="Interviewer",
        participant_label="Jo Tremaine",
        years_in_role=7,
        script=P06_SCRIPT,
        typography="captions",
        render=render_srt,
        seed=6,
    ),
    Interview(
        participant_id="P07",
        role="Commissioner",
        site="Kelmscott Vale",
        filename="P07.md",
        interviewer_label="Interviewer",
        participant_label="Rupert Lindqvist",
        years_in_role=3,
        script=P07_SCRIPT,
        typography="typed",
        render=render_utf8_text,
        header=(
            "# Interview P07 \u2014 Commissioner, Kelmscott Vale",
            "_Transcribed from an audio recording, 9 June 2023. [inaudible] marks unclear audio._",
        ),
    ),
    Interview(
        participant_id="P08",
        role="Steering Group Chair",
        site="Fenwick",
        filename="P08.txt",
        interviewer_label="Interviewer",
        participant_label="Dr Castellano",
        years_in_role=5,
        script=P08_SCRIPT,
        typography="typed",
        render=render_bracket_text,
    ),
)

PARTICIPANT_COLUMNS = ("id", "role", "site", "transcript", "speaker", "years_in_role")


def participants_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(PARTICIPANT_COLUMNS)
    for interview in INTERVIEWS:
        writer.writerow(
            (
                interview.participant_id,
                interview.role,
                interview.site,
                interview.filename,
                interview.participant_label,
                interview.years_in_role,
            )
        )
    return buffer.getvalue().encode("utf-8")


def write_all(output_dir: Path) -> list[Path]:
    """Write every transcript and participants.csv into ``output_dir``; return the paths."""
    output_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for interview in INTERVIEWS:
        path = output_dir / interview.filename
        path.write_bytes(interview.render(interview, interview.turns()))
        written.append(path)
    csv_path = output_dir / "participants.csv"
    csv_path.write_bytes(participants_csv())
    written.append(csv_path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for written_path in write_all(target):
        print(written_path)
