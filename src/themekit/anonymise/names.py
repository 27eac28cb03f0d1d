"""What a name looks like: name lists, words that are also names, nicknames, and context.

Detection needs to tell "Grace from the outreach team" from "by the grace of", "Mark
said" from "Mark my words", and to know that "Bex" is Rebecca. This module holds the
knowledge for that, and nothing else:

* **Name lists** (``first_names``, ``surnames``) come from the ``names`` package
  (MIT; the US Census 1990 lists of first names and surnames, read from the files it
  ships, offline). They are loaded once, on first use, into a module-level cache
  (about 0.2 s). If the package is missing the lists are empty and
  ``name_lists_available()`` says so; the anonymiser reports that as a warning instead
  of pretending to have looked.
* **Word-names** (``is_word_name``): first names that are also everyday English words
  ("Grace", "Bill", "Will", "Mark", "Hope"...). A word-name is replaced only where its
  context says it is a name (``name_context``); a capital at the start of a sentence is
  never enough on its own. Any word the batch of texts also uses in lower case is
  treated the same way, so the list need not be complete.
* **Nicknames** (``nicknames_of``): a small table of common English short forms
  ("Rebecca" -> "Bex", "Becky", "Becca"), written for themekit, so that a registered
  person's nickname gets the same placeholder as their full name.
* **Context** (``name_context``): the few signals that make a capitalised word a name:
  a title before it (Dr, Mrs, Cllr, Sister...), a verb of speech or address around it
  ("said", "told", "spoke to"), a capitalised surname after it, "from the" after it, or
  a possessive in mid-sentence. Articles, possessive pronouns and forms of "be" before
  it say the opposite ("the Grant money", "to be Frank").
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from themekit.anonymise.terms import APOSTROPHES


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: long word lists stay readable."""
    return frozenset(text.split())


# Titles that put a name after them. "Sister" and "Father" are titles only when a
# capitalised word follows, which is the only way they are used here.
TITLES = frozenset(
    {
        "dr",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "prof",
        "professor",
        "cllr",
        "councillor",
        "judge",
        "sister",
        "father",
        "sir",
        "dame",
        "nurse",
        "pc",
        "dc",
        "ds",
        "sgt",
        "rev",
        "revd",
    }
)

# First names that are also ordinary English words (or start ordinary sentences).
WORD_NAMES = word_set(
    """
    grace bill will mark grant frank little anchor hope faith rose may bob joy amber ivy
    june april august summer dawn sky hunter baker cook young long white brown green black
    king mason carter bishop fisher miller page ray pat sue rob jack art penny carol chase
    drew gene guy lance sunny victor wade woody earl hazel holly iris jewel pearl ruby
    violet daisy lily heather crystal misty autumn river storm patience charity constance
    prudence sterling major marshall said do don dot eve ed al van rich roy sandy rusty
    don bud buck cliff dale glen glenn heath lane neil norman price reed rod sonny stone
    ward west wood crow moss nick sol bell hall hill field ash birch rowan willow
    christian precious unique destiny blessing harmony melody liberty trinity journey
    genesis honor honour ernest noble royal earnest so well then now here there just
    """
)

# Words of an organisation's or a building's name, never part of a person's name.
INSTITUTION_WORDS = word_set(
    """
    service services court courts council hospital team trust centre center house road
    street school college university unit ward clinic surgery station prison police project
    housing health community mental care group partnership foundation charity association
    society network board authority department office agency company ltd limited church
    chapel lodge hall programme program commission tribunal practice institute
    """
)

# Words before a capitalised word that say it is a name.
_SPEECH_BEFORE = (
    "said",
    "asked",
    "told",
    "tell",
    "tells",
    "called",
    "rang",
    "ring",
    "phoned",
    "phone",
    "emailed",
    "texted",
    "messaged",
    "met",
    "meet",
    "thanked",
    "thank",
    "thanks",
    "ask",
    "asks",
    "with",
    "spoke to",
    "spoke with",
    "speak to",
    "speak with",
    "speaking to",
    "speaking with",
    "talked to",
    "talked with",
    "talk to",
    "talk with",
    "talking to",
    "heard from",
    "wrote to",
    "according to",
    "referred by",
    "referred",
    "introduced",
    "dear",
    "hi",
    "hello",
)
# Words after a name that say it is one ("Grace said", "Bill told me").
_SPEECH_AFTER = frozenset(
    {
        "said",
        "says",
        "asked",
        "asks",
        "told",
        "tells",
        "rang",
        "phoned",
        "emailed",
        "texted",
        "reckons",
        "thinks",
        "thought",
        "explained",
        "mentioned",
        "replied",
        "suggested",
        "agreed",
        "wanted",
    }
)
# Words before a capitalised word that say it is an ordinary one.
_NOT_A_NAME_BEFORE = word_set(
    """
    the a an this that these those my your our their its his her be is was were are been
    being very so too quite more most some any no every each such what whose
    """
)
# Capitalised words that are not names whatever the lists say.
CALENDAR_WORDS = word_set(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december christmas easter
    """
)

_APOSTROPHE = "[" + re.escape(APOSTROPHES) + "]"
WORD = re.compile(r"\w+(?:[" + re.escape(APOSTROPHES) + r"-]\w+)*")
_POSSESSIVE_AFTER = re.compile(_APOSTROPHE + r"s?(?!\w)")
_SENTENCE_END = re.compile(r"[.!?:;\u2026\"\u201c\u201d]\s*$|^\s*$|\n\s*$|[-\u2013\u2014]\s*$")

# A short table of English nicknames, keyed by the full first name (lower case).
_NICKNAMES: dict[str, tuple[str, ...]] = {
    "rebecca": ("Bex", "Becky", "Becca", "Becki"),
    "william": ("Will", "Bill", "Billy", "Liam", "Wills"),
    "robert": ("Rob", "Bob", "Bobby", "Robbie", "Bert"),
    "elizabeth": ("Liz", "Lizzie", "Beth", "Betty", "Libby", "Eliza", "Lisa"),
    "margaret": ("Maggie", "Meg", "Peggy", "Mags"),
    "katherine": ("Kate", "Katie", "Kath", "Kathy", "Kat"),
    "catherine": ("Cath", "Cathy", "Kate", "Katie", "Cat"),
    "james": ("Jim", "Jimmy", "Jamie", "Jamesy"),
    "michael": ("Mike", "Mick", "Micky", "Mikey"),
    "richard": ("Rich", "Rick", "Ricky", "Richie", "Dick"),
    "christopher": ("Chris", "Kit", "Topher"),
    "christine": ("Chris", "Chrissie", "Tina"),
    "jennifer": ("Jen", "Jenny", "Jenni"),
    "alexander": ("Alex", "Sandy", "Xander"),
    "alexandra": ("Alex", "Lexi", "Sandra"),
    "samantha": ("Sam", "Sammy"),
    "samuel": ("Sam", "Sammy"),
    "daniel": ("Dan", "Danny"),
    "danielle": ("Dani",),
    "thomas": ("Tom", "Tommy"),
    "joseph": ("Joe", "Joey"),
    "anthony": ("Tony", "Ant"),
    "edward": ("Ed", "Eddie", "Ted", "Teddy"),
    "andrew": ("Andy", "Drew"),
    "nicholas": ("Nick", "Nicky"),
    "nicola": ("Nicky", "Nic"),
    "patricia": ("Pat", "Trish", "Patsy"),
    "susan": ("Sue", "Susie", "Suzy"),
    "deborah": ("Deb", "Debbie", "Debs"),
    "victoria": ("Vicky", "Vic", "Tori"),
    "jonathan": ("Jon", "Jonny"),
    "benjamin": ("Ben", "Benny"),
    "matthew": ("Matt", "Matty"),
    "stephen": ("Steve", "Stevie"),
    "steven": ("Steve", "Stevie"),
    "david": ("Dave", "Davey"),
    "gareth": ("Gaz",),
    "sarah": ("Sal", "Sally"),
    "rachel": ("Rach",),
    "abigail": ("Abi", "Abby", "Gail"),
    "frances": ("Fran", "Frankie"),
    "francis": ("Frank", "Frankie"),
    "kimberley": ("Kim",),
    "kimberly": ("Kim",),
    "gabriel": ("Gabe",),
    "gabriella": ("Gabby", "Ella"),
    "philip": ("Phil",),
    "phillip": ("Phil",),
    "timothy": ("Tim", "Timmy"),
    "peter": ("Pete",),
    "charlotte": ("Charlie", "Lottie"),
    "charles": ("Charlie", "Chas", "Chuck"),
    "eleanor": ("Ellie", "Nell", "Nora"),
    "helen": ("Nell",),
    "jacqueline": ("Jackie", "Jacqui"),
    "josephine": ("Jo", "Josie"),
    "joanne": ("Jo",),
    "kenneth": ("Ken", "Kenny"),
    "lawrence": ("Larry", "Laurie"),
    "leonard": ("Len", "Lenny"),
    "theresa": ("Tess", "Terri"),
    "teresa": ("Tess", "Terri"),
    "zachary": ("Zach", "Zack"),
    "dominic": ("Dom",),
    "gregory": ("Greg",),
    "jessica": ("Jess", "Jessie"),
    "natalie": ("Nat",),
    "natasha": ("Tash", "Tasha"),
    "penelope": ("Penny",),
    "raymond": ("Ray",),
    "ronald": ("Ron", "Ronnie"),
    "donald": ("Don", "Donnie"),
    "gerald": ("Gerry",),
    "harold": ("Harry",),
    "henry": ("Harry", "Hal"),
    "oliver": ("Ollie",),
    "olivia": ("Liv", "Livvy"),
    "amanda": ("Mandy",),
    "miranda": ("Randi",),
    "barbara": ("Barb", "Babs"),
    "dorothy": ("Dot", "Dottie"),
    "caroline": ("Caz", "Carrie"),
    "suzanne": ("Suze", "Sue"),
    "louise": ("Lou",),
    "lucinda": ("Lucy", "Cindy"),
}


def nicknames_of(first_name: str) -> tuple[str, ...]:
    """Common short forms of ``first_name`` ("Rebecca" -> ("Bex", "Becky", ...))."""
    return _NICKNAMES.get(first_name.casefold(), ())


@cache
def _name_lists() -> tuple[frozenset[str], frozenset[str], bool]:
    """(first names, surnames, available), lower case, read once from ``names``' files."""
    try:
        import names as names_package  # the US Census lists; MIT licence
    except ImportError:
        return frozenset(), frozenset(), False
    folder = Path(names_package.__file__).parent

    def read(*files: str) -> frozenset[str]:
        found: set[str] = set()
        for file_name in files:
            with open(folder / file_name, encoding="ascii", errors="replace") as handle:
                found.update(line.split(" ", 1)[0].casefold() for line in handle if line.strip())
        return frozenset(found)

    return read("dist.male.first", "dist.female.first"), read("dist.all.last"), True


def name_lists_available() -> bool:
    return _name_lists()[2]


def is_first_name(word: str) -> bool:
    key = word.casefold()
    return key in _name_lists()[0] and key not in CALENDAR_WORDS


def is_surname(word: str) -> bool:
    return word.casefold() in _name_lists()[1]


def is_word_name(word: str, lower_words: frozenset[str] | set[str] = frozenset()) -> bool:
    """True for a name that is also an ordinary word: listed, or used in lower case."""
    key = word.casefold()
    return key in WORD_NAMES or key in lower_words or key in CALENDAR_WORDS


def is_capitalised(word: str) -> bool:
    """ "Grace" yes; "grace", "GRACE", "I" and acronyms no."""
    return bool(word) and word[0].isupper() and not word.isupper()


def sentence_initial(text: str, start: int) -> bool:
    """True when ``start`` begins a sentence, a line, a quote or the text."""
    return bool(_SENTENCE_END.search(text[max(0, start - 40) : start]))


def _previousword_set(text: str, start: int, count: int) -> list[str]:
    window = text[max(0, start - 60) : start]
    words = WORD.findall(window)
    # A sentence boundary between the words and the name breaks the link.
    tail = window[window.rfind(words[-1]) + len(words[-1]) :] if words else ""
    if words and re.search(r"[.!?;:]", tail):
        return []
    return [w.casefold() for w in words[-count:]]


def next_word(text: str, end: int, *, allow_comma: bool = False) -> re.Match[str] | None:
    """The word right after ``end`` when only spaces (no line break) come between.

    With ``allow_comma`` a comma may come between too, and then only "who" is returned
    (", who runs the drop-in").
    """
    match = WORD.search(text, end, min(len(text), end + 40))
    if match is None:
        return None
    between = text[end : match.start()].strip(" \t")
    if between == "":
        return match
    if allow_comma and between == "," and match.group(0).casefold() == "who":
        return match
    return None


def name_context(text: str, start: int, end: int) -> str | None:
    """Why the capitalised word at ``start:end`` reads as a name here, or None.

    The reasons are short phrases shown in the preview: "after a title", "after a verb
    of speech", "before a verb of speech", "before a surname", "before 'from the'",
    "possessive mid-sentence".
    """
    before = _previousword_set(text, start, 2)
    if before and before[-1] in TITLES:
        return "after a title"
    if before and (before[-1] in _SPEECH_BEFORE or " ".join(before[-2:]) in _SPEECH_BEFORE):
        return "after a verb of speech"
    initial = sentence_initial(text, start)
    after = next_word(text, _skip_possessive(text, end), allow_comma=True)
    if after is not None:
        word = after.group(0)
        if word.casefold() in _SPEECH_AFTER:
            return "before a verb of speech"
        if (
            is_capitalised(word)
            and word.casefold() not in CALENDAR_WORDS
            and word != "I"
            and (not initial or (is_surname(word) and not is_first_name(word)))
        ):
            return "before a surname"
        if word.casefold() == "who" and text[end : after.start()].strip(" \t") in ("", ","):
            return "before 'who'"
        if word.casefold() == "from":
            following = next_word(text, after.end())
            if following is not None and following.group(0).casefold() in ("the", "our"):
                return "before 'from the'"
    if initial or (before and before[-1] in _NOT_A_NAME_BEFORE):
        return None
    if _POSSESSIVE_AFTER.match(text, end):
        return "possessive mid-sentence"
    return None


def ordinary_context(text: str, start: int) -> bool:
    """True when the word at ``start`` starts a sentence or follows "the", "be", "my"..."""
    before = _previousword_set(text, start, 1)
    return sentence_initial(text, start) or bool(before and before[-1] in _NOT_A_NAME_BEFORE)


def after_article(text: str, start: int) -> bool:
    """True when the word at ``start`` follows "the", "a", "my"... (not a person's name)."""
    before = _previousword_set(text, start, 1)
    return bool(before) and before[-1] in _ARTICLES


_ARTICLES = word_set("the a an this that these those my your our their its")


def _skip_possessive(text: str, end: int) -> int:
    match = _POSSESSIVE_AFTER.match(text, end)
    return match.end() if match else end
