"""The project side of anonymisation: the register file, the persisted map, the gate on output.

``themekit.anonymise`` transforms strings and knows nothing of projects. This module
binds it to one project so that every export behaves the same way:

* **The register** is ``redact.yaml`` in the project folder. The first export (or
  ``themekit anonymise init``) writes a commented one, pre-filled with what the project
  already knows: speaker labels that look like names (``Dr Fielding``, ``Sunita Rahman``)
  with their parts as aliases, the participants' sites, and the participant roles plus
  common programme acronyms on the allow-list (so NER does not turn "Probation Service"
  into ``[Organisation 1]``). Names that are also words are drafted with
  ``case: exact`` or left out with a note; ``init --accept`` and ``anonymise review``
  write ``reviewed: <date>``. The researcher is told to review it.
* **The project's own names** (speaker labels and participant columns that look like
  names, ``project_people``) are handed to the anonymiser as well, so a register
  written by hand that forgets a participant does not leak them.
* **What was done** is ``ExportAnonymiser.summary``: replacements per class and source,
  the possible names left for review, whether the register was reviewed, and
  warnings such as an empty register, for the export to print beside "(anonymised)".
* **The pseudonym map** is kept in the project database (``project_meta``, key
  ``pseudonyms``), saved after each export that produced output, so ``[Person 1]`` is the
  same person in every quote of every export and every run, and backups, bundles and
  restores carry it. It holds real names: it is the re-identification key and lives with
  the transcripts, never in an export (``themekit anonymise key`` writes it out on purpose).
* **NER results** are kept in the store's ``ner_cache`` table (``StoreNerCache``), keyed
  by model and text hash, and NER runs only on the texts being exported.
* **Two anonymisers share the map.** Interview text goes through the full one (register,
  patterns, NER). Short labels that come from the project's own tables (participant
  groups such as a site, attribution fields, participant ids) go through a
  register-and-patterns one: NER on "Probation Service" or "P03" only produces false
  hits, while a registered site used as a ``--by`` group still becomes ``[Site 1]``.
* **The gate on output.** ``ExportAnonymiser.gate`` runs ``check_leaks`` on every piece
  (code labels, captions, notes, quotes, with a ``where`` naming its place), and
  ``themekit.export.api`` runs it once more on the whole final output, as the format's
  reader (``themekit.export.readback``) finds it in the rendered bytes, before they are
  written atomically, so a leak leaves no file behind. There is no switch to skip the
  gate; ``anonymise=False`` (``--no-anonymise``) skips anonymisation altogether (and the
  exporter records it in the audit log), which is the only way to export text the gate
  has not seen.
* **Counts.** ``ExportAnonymiser.replacements`` counts the replacements it made per
  placeholder class (``Person``, ``Site`` ...), for the export's result.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from themekit.anonymise import (
    REGISTER_FILENAME,
    AnonymisationSummary,
    AnonymisedText,
    Anonymiser,
    NerBackend,
    PseudonymMap,
    Register,
    SpacyNer,
    check_leaks,
    load_register,
    parse_register,
)
from themekit.anonymise.terms import normalise_key
from themekit.errors import AnonymisationError, ExportError, NextStep
from themekit.files.text import decode_user_text, normalise_newlines
from themekit.files.writer import atomic_write_text, check_destination

if TYPE_CHECKING:
    from themekit.export.tables import Table
    from themekit.project import Project
    from themekit.store import Store

BINARY_FORMATS = frozenset({"docx", "xlsx", "png"})

# Words used as speaker labels that are roles, not names.
_GENERIC_LABELS = frozenset(
    {
        "respondent",
        "participant",
        "interviewee",
        "interviewer",
        "speaker",
        "moderator",
        "facilitator",
        "unknown",
        "researcher",
        "chair",
        "judge",
        "officer",
        "clinician",
    }
)
_TITLES = ("Dr", "Mr", "Mrs", "Ms", "Miss", "Mx", "Prof", "Professor", "Sir", "Dame")
_NAME_WORD = re.compile(r"^[A-Z][a-z]*(?:[-'\u2019][A-Z]?[a-z]+)*$")
# Programme names and acronyms of the worked example's field that NER tags as ORG.
# Programme and service names that identify nobody; plurals listed because the allow-list
# matches whole terms.
DEFAULT_ALLOW = (
    "MHTR",
    "MHTRs",
    "CSTR",
    "CSTRs",
    "DRR",
    "DRRs",
    "ATR",
    "ATRs",
    "RAR",
    "RARs",
    "CMHT",
    "CMHTs",
    "NHS",
    "NHS England",
    "GP",
    "GPs",
    "Probation Service",
    "Crown Court",
    "Magistrates' Court",
    "Ministry of Justice",
)


# -- the register file ---------------------------------------------------------------------


def register_path(project: Project) -> Path:
    return project.root / REGISTER_FILENAME


def looks_like_name(label: str, ignore: Sequence[str] = ()) -> bool:
    """True for speaker labels such as "Dr Fielding" or "Sunita Rahman", not "P01" or "R"."""
    words = label.replace(".", " ").split()
    if not words or label.casefold() in {i.casefold() for i in ignore}:
        return False
    if any(w.casefold() in _GENERIC_LABELS for w in words):
        return False
    names = [w for w in words if w not in _TITLES]
    return bool(names) and all(_NAME_WORD.match(w) and any(c.islower() for c in w) for w in names)


@dataclass(frozen=True)
class RegisterDraft:
    """What ``anonymise init`` found to put in a new register."""

    people: list[tuple[str, list[str]]]
    sites: list[str]
    allow: list[str]
    # Found by NER in the transcripts (``--scan``): (text, mentions), per register section.
    found_people: list[tuple[str, int]] = field(default_factory=list)
    found_places: list[tuple[str, int]] = field(default_factory=list)
    found_organisations: list[tuple[str, int]] = field(default_factory=list)
    # Found names that are also ordinary words, written with ``case: exact`` because the
    # transcripts use them as names (capitalised mid-sentence, in a name's context).
    exact: set[str] = field(default_factory=set)
    # Found names left out, each with the reason: ordinary words never used as a name.
    review: list[tuple[str, str]] = field(default_factory=list)
    # The date written as ``reviewed:`` (``anonymise init --accept``); None leaves it out.
    reviewed: str | None = None

    @property
    def found(self) -> int:
        return len(self.found_people) + len(self.found_places) + len(self.found_organisations)

    def render(self) -> str:
        def q(text: str) -> str:
            return json.dumps(text, ensure_ascii=False)

        def found_line(name: str, mentions: int) -> str:
            if name in self.exact:
                return (
                    f"  - {{name: {q(name)}, case: exact}}  # {mentions} mentions; also an"
                    " ordinary word, so only this spelling is replaced"
                )
            return f"  - {q(name)}  # {mentions} mentions"

        lines = [
            "# themekit anonymisation register. Everything listed here is replaced in every",
            "# export ([Person 1], [Site 2] ...) and the leak gate refuses any export that",
            "# still contains it. See docs/anonymisation.md and docs/exports.md.",
            "#",
            "# Written by themekit from the participants' speaker labels and sites. REVIEW IT:",
            "# add every colleague, clinician, judge, service, place and nickname you know of,",
            "# and remove any alias that is also an ordinary word. This file names real people:",
            "# keep it as confidential as the transcripts.",
            "",
            "people:                 # -> [Person n]",
        ]
        for name, aliases in self.people:
            lines.append(f"  - name: {q(name)}")
            if aliases:
                lines.append(f"    aliases: [{', '.join(q(a) for a in aliases)}]")
            if name in self.exact:
                lines.append("    case: exact   # also an ordinary word: only this spelling")
        if self.found_people:
            lines.append(FOUND_NOTE)
            lines += [found_line(name, n) for name, n in self.found_people]
        if not self.people and not self.found_people:
            lines.append("  # - name: Priya Castellano")
            lines.append("  #   aliases: [Dr Castellano, Priya]")
        lines.append("places:                 # -> [Place n]")
        if self.found_places:
            lines.append(FOUND_NOTE)
            lines += [found_line(name, n) for name, n in self.found_places]
        else:
            lines.append("  # - Milton Keynes")
        lines.append("sites:                  # -> [Site n]")
        lines += [
            f"  - {{name: {q(site)}, case: exact}}  # also an ordinary word: only this spelling"
            if site in self.exact
            else f"  - {q(site)}"
            for site in self.sites
        ] or ["  # - Northfield House"]
        lines += [
            "organisations:          # -> [Organisation n]",
        ]
        if self.found_organisations:
            lines.append(FOUND_NOTE)
            lines += [found_line(name, n) for name, n in self.found_organisations]
        else:
            lines += ["  # - name: Greenway Housing Trust", "  #   aliases: [Greenway]"]
        lines += [
            "terms:                  # anything else, with its own class",
            "  # - text: Operation Bluebell",
            "  #   class: Project",
        ]
        if self.review:
            lines.append(
                "  # Left out for review: NER tagged these, but the transcripts use them only"
                " as ordinary words. Add one (with 'case: exact') if it is a name after all."
            )
            lines += [f"  #   {q(name)}: {why}" for name, why in self.review]
        lines += [
            "allow:                  # kept even when NER or a pattern flags them",
        ]
        lines += [f"  - {q(term)}" for term in self.allow]
        lines += [
            "ner:",
            "  enabled: true         # false: the register and patterns only (no spaCy)",
            "  labels: [PERSON, GPE, LOC, FAC, ORG]",
            "  dates: false",
            "patterns: {email: true, url: true, nhs_number: true, phone: true, postcode: true}",
        ]
        if self.reviewed:
            lines.append(f"reviewed: {self.reviewed}   # accepted as drafted; see docs")
        else:
            lines.append(
                "# reviewed: YYYY-MM-DD   # written by 'themekit anonymise review' once you"
                " have read this file"
            )
        lines.append("")
        return "\n".join(lines)


FOUND_NOTE = (
    "  # Found by NER in the transcripts: check each one; delete ordinary words, add the"
    " aliases people use"
)
_SCAN_CLASSES = {
    "PERSON": "people",
    "ORG": "organisations",
    "GPE": "places",
    "LOC": "places",
    "FAC": "places",
}


# What a mention's context says that makes a found name a person's, whatever NER's label.
_PERSON_CONTEXTS = frozenset(
    {"after a title", "before 'who'", "before a verb of speech", "after a verb of speech"}
)


@dataclass
class _Scan:
    """What ``scan_transcripts`` found, with what the draft needs to judge each name."""

    found: dict[str, Counter[str]]
    exact: set[str] = field(default_factory=set)
    review: dict[str, str] = field(default_factory=dict)


def scan_transcripts(project: Project) -> dict[str, Counter[str]]:
    """Names the NER model finds in every transcript, by register section, with counts.

    Run once, for ``anonymise init``: exports still run NER on what they write, but a
    register built from the whole study catches the names the model misses in a short
    quote, and the leak gate then guards them. What the model tags that is plainly an
    ordinary word (it also occurs in lower case in the transcripts: "Motivation",
    "Voices"), a service acronym or a participant id is left out, since a registered
    word is replaced everywhere and checked by the leak gate, code labels included;
    but an ordinary word the transcripts also use as a name (capitalised in mid-sentence
    where a name's context says so: "I referred him to Anchor", "Grace from the team")
    is kept, for the register to match with ``case: exact``. A name is filed by what
    its mentions say rather than by the model's label alone: "Bex, who runs the drop-in"
    is a person even when tagged as an organisation.
    """
    return _scan_transcripts(project).found


def _scan_transcripts(project: Project) -> _Scan:
    from themekit.anonymise.names import (
        INSTITUTION_WORDS,
        TITLES,
        WORD_NAMES,
        is_first_name,
        is_surname,
        name_context,
        ordinary_context,
        sentence_initial,
    )
    from themekit.anonymise.ner import SpacyNer, entities_cached

    store = project.store
    texts = [
        s.text for tid in store.transcript_ids() for s in store.segments(tid) if s.text.strip()
    ]
    lower_words = {w for text in texts for w in re.findall(r"\b[a-z][a-z'\u2019-]+\b", text)}
    cache = StoreNerCache(store)
    found: dict[str, Counter[str]] = {
        "people": Counter(),
        "organisations": Counter(),
        "places": Counter(),
    }
    votes: dict[str, Counter[str]] = {}
    named: set[str] = set()  # ordinary words used as names at least once
    ordinary: set[str] = set()
    mid_sentence: set[str] = set()
    for text, entities in zip(texts, entities_cached(SpacyNer(), texts, cache), strict=True):
        for start, end, label in entities:
            section = _SCAN_CLASSES.get(label)
            if section is None:
                continue
            # "Dionne — Dionne Feltham", "P01 (Probation Service": one name per piece.
            offset = start
            for piece in re.split(r"(\s[\u2014\u2013-]\s|[,;()])", text[start:end]):
                piece_start, offset = offset, offset + len(piece)
                name = _clean_entity(piece)
                if not name:
                    continue
                at = text.find(name, piece_start, offset)
                at = at if at >= 0 else piece_start
                word = " " not in name and (
                    name.casefold() in lower_words or name.casefold() in WORD_NAMES
                )
                context = name_context(text, at, at + len(name))
                if word:
                    if context is not None or (
                        section != "people" and not ordinary_context(text, at)
                    ):
                        named.add(name)
                    else:
                        ordinary.add(name)
                        continue
                vote = section
                words = name.split()
                institution = any(w.casefold() in INSTITUTION_WORDS for w in words)
                if not institution and (
                    context in _PERSON_CONTEXTS
                    or words[0].casefold() in TITLES
                    or (len(words) == 2 and is_first_name(words[0]) and section == "people")
                ):
                    vote = "people"
                elif section == "people" and (
                    institution
                    or (
                        len(words) > 1
                        and context is None
                        and any(w.casefold() in lower_words for w in words)
                        and not any(is_first_name(w) or is_surname(w) for w in words)
                    )
                ):
                    # "St Aldric's Housing Trust", "Larkspur Recovery" (an ordinary word
                    # and no name from the lists): not a person.
                    vote = "organisations"
                votes.setdefault(name, Counter())[vote] += 1
                if not sentence_initial(text, at):
                    mid_sentence.add(name)
    cache.flush()
    review = {
        name: "used only as an ordinary word (sentence start, or after 'the', 'be'...)"
        for name in sorted(ordinary - named)
    }
    for name, by_section in votes.items():
        if " " not in name and name not in mid_sentence and name not in named:
            review[name] = "one word, only ever at the start of a sentence"
            continue
        section, _n = by_section.most_common(1)[0]
        found[section][name] += sum(by_section.values())
    return _Scan(found, exact=named, review=review)


def _clean_entity(text: str) -> str | None:
    """ "the Beacon Project's" -> "Beacon Project"; None for what is not a proper name."""
    words = text.replace("\n", " ").split()
    while words and words[0].casefold() in ("the", "a", "an"):
        words = words[1:]
    if words:
        words[-1] = re.sub(r"['\u2019]s?$", "", words[-1])
    while words and not words[-1][:1].isupper():
        words = words[:-1]  # names end at their last capitalised word
    name = " ".join(words).strip(" .,;:!?\"'()[]\u201c\u201d\u2018\u2019")
    if len(name) < 3 or not any(ch.isupper() for ch in name):
        return None
    if name.isupper() and len(name) <= 5:
        return None  # an acronym of a service (CBT, ICB, CPS): it names nobody
    if any(ch.isdigit() for ch in name):
        return None  # a participant id such as P01 is already a pseudonym
    return name


def _name_labels(project: Project) -> list[str]:
    """Speaker labels and name-like participant columns, in order, each once."""
    store = project.store
    labels: list[str] = []
    for transcript_id in store.transcript_ids():
        labels += [speaker for speaker, _c, _n in store.speakers(transcript_id) if speaker]
    labels += [speaker for (_t, speaker) in store.participant_links() if speaker != "*"]
    # Participant columns that hold names ("name", "full_name", ...) are people too.
    labels += [
        str(value)
        for p in store.participants()
        for column, value in p.attributes.items()
        if "name" in column.casefold() and isinstance(value, str) and value.strip()
    ]
    return list(dict.fromkeys(labels))


def project_people(project: Project) -> list[str]:
    """The people the project itself names: speaker labels and participant columns that
    look like names ("Dr Fielding", "Sunita Rahman"), for the anonymiser to find even
    when the register leaves them out."""
    ignore = project.settings.import_settings.interviewer_labels
    return [label for label in _name_labels(project) if looks_like_name(label, ignore)]


def draft_register(
    project: Project, *, scan: bool = False, reviewed: str | None = None
) -> RegisterDraft:
    """People from name-like speaker labels, sites from participants, roles to allow;
    with ``scan``, also the names NER finds anywhere in the transcripts. ``reviewed``
    (a date) marks the draft as accepted as it stands."""
    from themekit.anonymise.detect import lowercase_words
    from themekit.anonymise.names import is_word_name

    store = project.store
    ignore = project.settings.import_settings.interviewer_labels
    seen: set[str] = set()

    def fresh(text: str) -> bool:
        key = normalise_key(text)
        if len(key) < 2 or key in seen:
            return False
        seen.add(key)
        return True

    labels = _name_labels(project)
    participants = store.participants()
    people: list[tuple[str, list[str]]] = []
    for label in dict.fromkeys(labels):
        if not looks_like_name(label, ignore) or not fresh(label):
            continue
        # Each part of the name on its own ("Fielding" of "Dr Fielding"), since
        # colleagues are mentioned by first name or surname far more than in full.
        # A part that is also an ordinary word ("Grace", "Little") is left out: the
        # register derives it with the rule that it counts only in a name's context.
        parts = [w for w in label.replace(".", " ").split() if w not in _TITLES]
        people.append(
            (label, [p for p in parts if p != label and not is_word_name(p) and fresh(p)])
        )
    sites = [s for s in dict.fromkeys(p.site for p in participants if p.site) if fresh(s)]
    roles = [r for r in dict.fromkeys(p.role for p in participants if p.role)]
    allow = [t for t in dict.fromkeys([*roles, *DEFAULT_ALLOW]) if fresh(t)]
    draft = RegisterDraft(people, sites, allow, reviewed=reviewed)
    # A one-word name or site that is also an ordinary word ("Grace", "Anchor", or any
    # word the transcripts use in lower case) is drafted with 'case: exact', so that
    # "grace" and "drop anchor" stay.
    lower = lowercase_words([s.text for tid in store.transcript_ids() for s in store.segments(tid)])
    draft.exact.update(
        name
        for name in [*(n for n, _aliases in people), *sites]
        if " " not in name.strip() and is_word_name(name, lower)
    )
    if scan:
        lists = {
            "people": draft.found_people,
            "organisations": draft.found_organisations,
            "places": draft.found_places,
        }
        # A registered term wins over the allow-list and the leak gate checks code labels,
        # so a word inside a group name ("Liaison" of "Liaison and Diversion") or a code
        # label must not be proposed: it would break attributions and exports.
        current = project.store.current_codebook()
        labels = [e.code.label for e in current[1].walk()] if current else []
        protected = " | ".join(normalise_key(t) for t in [*allow, *roles, *sites, *labels])
        scanned = _scan_transcripts(project)
        for section, counts in scanned.found.items():
            for name, n in counts.most_common():
                key = normalise_key(name)
                if re.search(rf"(?<!\w){re.escape(key)}(?!\w)", protected):
                    continue
                if fresh(name):  # not already listed
                    lists[section].append((name, n))
                    if name in scanned.exact:
                        draft.exact.add(name)
        draft.review.extend(
            (name, why) for name, why in scanned.review.items() if normalise_key(name) not in seen
        )
        _drop_parts_of_people(draft)
    return draft


def _drop_parts_of_people(draft: RegisterDraft) -> None:
    """Leave out found one-word names that are part or nickname of a listed person.

    The register matches "Bill" and "Bex" through "Bill Thornton" and "Rebecca Hale"
    (the parts and nicknames of a person's name are forms of that entry), so listing
    them again as people of their own would give one person two placeholders.
    """
    from themekit.anonymise.names import nicknames_of

    parts: set[str] = set()
    for name in [n for n, _aliases in draft.people] + [n for n, _c in draft.found_people]:
        words = [w for w in name.replace(".", " ").split() if w not in _TITLES]
        if len(words) > 1 or len(words) < len(name.split()):
            parts |= {w.casefold() for w in words}
        if words:
            parts |= {n.casefold() for n in nicknames_of(words[0])}
    for found in (draft.found_people, draft.found_places, draft.found_organisations):
        for item in list(found):
            if " " not in item[0] and item[0].casefold() in parts:
                found.remove(item)
                draft.review.append(
                    (item[0], "part or nickname of a person listed above; matched as that person")
                )


def init_register(
    project: Project, *, force: bool = False, scan: bool = False, accept: bool = False
) -> tuple[Path, RegisterDraft]:
    """Write a pre-filled ``redact.yaml``; refuse to overwrite one unless ``force``.

    ``accept`` writes today's date as ``reviewed:``: the researcher takes the draft as
    it stands, and exports say so rather than "never reviewed".
    """
    path = register_path(project)
    if path.exists() and not force:
        raise AnonymisationError(
            f"{path}: a register already exists; nothing was changed.",
            hint="Edit it, or run 'themekit anonymise init --force' to start again"
            " (the old one is replaced).",
        )
    draft = draft_register(project, scan=scan, reviewed=_today() if accept else None)
    atomic_write_text(path, draft.render())
    return path, draft


_REVIEWED_LINE = re.compile(r"^#?\s*reviewed:.*$", re.MULTILINE)


def mark_register_reviewed(project: Project, when: str | None = None) -> Path:
    """Write ``reviewed: <date>`` into the project's register, after checking it loads.

    An existing ``reviewed:`` line (or the draft's commented one) is replaced; the rest
    of the file, comments included, is kept as the researcher wrote it (in UTF-8).
    """
    path = register_path(project)
    load_register(path)  # a register that does not load cannot be called reviewed
    # Through the one decoder, as load_register read it; written back as UTF-8 (so a
    # register saved as Windows-1252 is converted, and its warning goes away).
    text = normalise_newlines(decode_user_text(path.read_bytes(), path).text)
    line = f"reviewed: {when or _today()}"
    if _REVIEWED_LINE.search(text):
        text = _REVIEWED_LINE.sub(line, text, count=1)
    else:
        text = text.rstrip("\n") + ("\n" if text.strip() else "") + line + "\n"
    parse_register(text, source=str(path))  # the edit itself must not break the file
    atomic_write_text(path, text)
    return path


def _today() -> str:
    from datetime import date

    return date.today().isoformat()


def load_project_register(project: Project) -> tuple[Register, bool]:
    """The project's register, writing a pre-filled one first if there is none.

    Returns the register and whether it was just created (the caller should tell the
    researcher to review it).
    """
    path = register_path(project)
    created = False
    if not path.exists():
        init_register(project)
        created = True
    return load_register(path), created


# -- the pseudonym map -------------------------------------------------------------------


PSEUDONYMS_KEY = "pseudonyms"


def load_pseudonyms(project: Project) -> PseudonymMap:
    source = f"{project.root / 'themekit.db'} (pseudonym map)"
    text = project.store.get_meta(PSEUDONYMS_KEY)
    if text is None:
        return PseudonymMap()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnonymisationError(
            f"{source}: cannot be read as a pseudonym map ({type(exc).__name__}).",
            hint="Restore the project from a backup; resetting it renumbers every placeholder.",
            next_step="anonymise.restore_backup",
        ) from None
    return PseudonymMap.from_dict(data, source=source)


def save_pseudonyms(project: Project, pseudonyms: PseudonymMap) -> None:
    project.store.set_meta(
        PSEUDONYMS_KEY, json.dumps(pseudonyms.to_dict(), ensure_ascii=False, sort_keys=True)
    )


# -- the NER cache in the store ----------------------------------------------------------


class StoreNerCache(MutableMapping[str, Any]):
    """The store's ``ner_cache`` table as the mapping ``entities_cached`` expects.

    Reads are memoised; writes are collected and committed by ``flush`` in one
    transaction (one commit instead of one per text).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._known: dict[str, Any] = {}
        self._missing: set[str] = set()
        self._pending: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key in self._known:
            return self._known[key]
        if key not in self._missing:
            raw = self.store.ner_cached(key)
            if raw is not None:
                self._known[key] = json.loads(raw)
                return self._known[key]
            self._missing.add(key)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __setitem__(self, key: str, value: Any) -> None:
        self._known[key] = value
        self._missing.discard(key)
        self._pending[key] = value

    def __delitem__(self, key: str) -> None:  # pragma: no cover - not needed by callers
        raise TypeError("NER cache entries are not deleted")

    def __iter__(self) -> Iterator[str]:
        return iter(self._known)

    def __len__(self) -> int:
        return len(self._known)

    def flush(self) -> int:
        pending, self._pending = self._pending, {}
        if pending:
            with self.store.db.transaction():
                for key, value in pending.items():
                    self.store.ner_store(key, json.dumps(value))
        return len(pending)


# -- the export-side anonymiser ----------------------------------------------------------


class ExportAnonymiser:
    """Anonymises and gates everything one export writes, for one project.

    With ``enabled=False`` (``--no-anonymise``) every method passes text through
    unchanged and the gate is not run.
    """

    def __init__(
        self,
        project: Project,
        *,
        enabled: bool = True,
        register: Register | None = None,
        ner: NerBackend | None = None,
    ) -> None:
        self.project = project
        self.enabled = enabled
        self.created_register = False
        self.register: Register | None = None
        self.replacements: Counter[str] = Counter()
        if not enabled:
            return
        if register is None:
            register, self.created_register = load_project_register(project)
        self.register = register
        self.pseudonyms = load_pseudonyms(project)
        self._initial = len(self.pseudonyms)
        self.ner_cache = StoreNerCache(project.store)
        if ner is None and register.ner.enabled:
            ner = SpacyNer(register.ner.model)
        self._full = Anonymiser(
            register,
            pseudonyms=self.pseudonyms,
            ner=ner,
            ner_cache=self.ner_cache,
            known_people=project_people(project),
        )
        plain = replace(register, ner=replace(register.ner, enabled=False))
        self._plain = Anonymiser(plain, pseudonyms=self.pseudonyms)

    @property
    def summary(self) -> AnonymisationSummary | None:
        """What was replaced so far, per class and source, the candidates left for review,
        whether the register was ever marked reviewed, and warnings (an empty register);
        None with anonymisation off. Exports print it next to "(anonymised)"."""
        if not self.enabled:
            return None
        full, plain = self._full.summary, self._plain.summary
        by_class = Counter(full.by_class) + Counter(plain.by_class)
        by_source = Counter(full.by_source) + Counter(plain.by_source)
        return replace(
            full,
            texts=full.texts + plain.texts,
            by_class=dict(sorted(by_class.items())),
            by_source=dict(sorted(by_source.items())),
        )

    def texts(self, texts: Sequence[str], wheres: Sequence[str]) -> list[str]:
        """Interview text: register, patterns and NER (one batch), each result gated."""
        if not self.enabled or not texts:
            return list(texts)
        results = self._full.anonymise_many(texts, wheres=wheres)
        self.replacements.update(r.cls for result in results for r in result.replacements)
        return [result.text for result in results]

    def preview(self, texts: Sequence[str], wheres: Sequence[str]) -> list[AnonymisedText]:
        """Like ``texts`` but with every replacement, for ``themekit anonymise preview``."""
        if not self.enabled:
            raise AnonymisationError(
                "A preview needs anonymisation switched on.", hint="Drop --no-anonymise."
            )
        return self._full.anonymise_many(texts, wheres=wheres)

    def label(self, text: str, where: str) -> str:
        """A label from the project's tables (a site, a role, an id): register and patterns."""
        if not self.enabled:
            return text
        result = self._plain.anonymise(text, where=where)
        self.replacements.update(r.cls for r in result.replacements)
        return result.text

    def gate(self, text: str, where: str) -> None:
        if self.enabled:
            assert self.register is not None
            check_leaks(text, self.register, where)

    def finish(self) -> None:
        """Keep what this export learnt: NER results and any new pseudonyms."""
        if not self.enabled:
            return
        self.ner_cache.flush()
        if len(self.pseudonyms) != self._initial:
            save_pseudonyms(self.project, self.pseudonyms)
            self._initial = len(self.pseudonyms)


# -- writing the output --------------------------------------------------------------------


def check_output(
    output: Path | None,
    fmt: str,
    *,
    binary: frozenset[str] = BINARY_FORMATS,
    overwrite: bool = True,
) -> None:
    """Fail before any work when the output cannot be written where asked (an existing
    file too, with ``overwrite=False``)."""
    if output is None:
        if fmt in binary:
            raise ExportError(
                f"format {fmt} is written to a file, not the terminal.",
                hint="Give an output file.",
                next_step=NextStep("output.add_file", format=fmt),
                arguments=("format",),
            )
        return
    check_destination(output, overwrite=overwrite)


def extract_text(path: Path, fmt: str) -> str:
    """Every piece of text in a written export file, as the final gate reads it.

    Any format of the writer registry; an unregistered one is an ``ExportError``.
    """
    from themekit.export.formats import export_format
    from themekit.export.readback import Rendered

    return export_format(fmt).read_back(Rendered(path.read_bytes())).text


def record_export(
    project: Project,
    kind: str,
    fmt: str,
    output: Path | None,
    anonymiser: ExportAnonymiser,
    *,
    how: str = "cli",
) -> None:
    """The audit trail: every export, and unanonymised ones under their own action."""
    details = {"export": kind, "format": fmt, "output": str(output) if output else "stdout"}
    if not anonymiser.enabled:
        project.store.log("export.no_anonymise", how=how, details=details)
    else:
        project.store.log("export", how=how, details=details)


def clean_table(table: Table, anonymiser: ExportAnonymiser, what: str) -> Table:
    """Header cells through the register (they name participant groups); the rest gated.

    Code labels, captions and notes are the researchers' own words: a registered term
    there is a mistake to fix, so the gate names the cell instead of replacing it.
    """
    table.header = [
        anonymiser.label(cell, f"{what} column heading {number}")
        for number, cell in enumerate(table.header, start=1)
    ]
    anonymiser.gate(table.caption, f"the caption of {what}")
    for row_number, row in enumerate(table.rows, start=1):
        about = (
            f" ({table.row_keys[row_number - 1]}: rename it with 'themekit codebook rename')"
            if len(table.row_keys) >= row_number
            else ""
        )
        for column, cell in enumerate(row, start=1):
            for text in cell if isinstance(cell, list) else [cell]:
                anonymiser.gate(text, f"{what} row {row_number} column {column}{about}")
    for number, note in enumerate(table.notes, start=1):
        anonymiser.gate(note, f"note {number} of {what}")
    return table
