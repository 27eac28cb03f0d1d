"""Identifiers with a shape: e-mail addresses, URLs, NHS numbers, phone numbers, postcodes.

Each kind is one compiled regex plus, where the shape alone is too loose, a check in
code: an NHS number must pass its Modulus 11 check digit, a phone number must have a
plausible count of digits (UK national 10-11 starting 0, international 8-15 after the
country code). The regexes are anchored on things ordinary speech does not produce (an
"@", a leading "+" or "0" followed by a long run of digits, the letter-digit shape of a
postcode in capitals), so "38 interviewees", "in 2019", "10 years" and "30-60 minutes"
are left alone.

Kinds are tried in a fixed order (``PATTERN_KINDS``: e-mail, URL, NHS number, phone,
postcode) and a later kind never claims characters an earlier one took, so the
domain inside an e-mail address is not also reported as a URL and a valid NHS number
is not also read as a phone number.

Each hit carries a ``key``, the identifier in a canonical form, so that the same
number written "01632 960412" and "+44 1632 960 412" gets the same placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from themekit.anonymise.register import PatternSettings
from themekit.anonymise.terms import SpanSet

PATTERN_CLASSES = {
    "email": "Email",
    "url": "URL",
    "nhs_number": "NHS number",
    "phone": "Phone",
    "postcode": "Postcode",
}


@dataclass(frozen=True)
class PatternHit:
    start: int
    end: int
    kind: str
    key: str

    @property
    def cls(self) -> str:
        return PATTERN_CLASSES[self.kind]


_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9_%+-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)

# A scheme or "www." starts a URL; so does a bare host ending in one of the top-level
# domains UK interviewees mention (a closed list, because "e.g." and "etc." must not match).
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'\u201c\u201d\u2018\u2019]+"
    r"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?:com|org|net|uk|io|info|eu|gov|edu)(?:/[^\s<>\"'\u201c\u201d\u2018\u2019]*)?(?![\w-])",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?)]}"

# 3-3-4 digits, one separator style throughout (or none).
_NHS_NUMBER = re.compile(r"(?<![\w+.-])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\w-]|\.\d)")

# A separator between digit groups: a space, hyphen or dot, optionally with brackets.
_SEP = r"[ .-]?"
_PHONE_INTERNATIONAL = re.compile(
    rf"(?<![\w+])(?:\+|00)\d{{1,3}}(?:{_SEP}\(0\))?(?:{_SEP}\(?\d{{1,5}}\)?){{1,7}}(?![\w])"
)
_PHONE_UK = re.compile(rf"(?<![\w+.,])\(?0\d{{2,5}}\)?(?:{_SEP}\d{{2,6}}){{1,3}}(?![\w])")
_PHONE_GROUP = re.compile(r"[ .-]?\(?\d+\)?")

# Outward code (area letters, district digits) then inward code (digit and two letters).
# Capitals only: transcripts write postcodes in capitals, and accepting lower case would
# turn phrases like "q1 2nd" into postcodes. The letters follow the Royal Mail rules
# (no Q, V, X first; no I, J, Z second; no C, I, K, M, O, V in the inward code).
_POSTCODE = re.compile(
    r"(?<![\w])(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR)[ \u00a0]?\d[ABD-HJLNP-UW-Z]{2}(?![\w])"
)


def nhs_check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit of an NHS number's first nine digits; None if none exists.

    Weights 10 down to 2, remainder of the sum by 11, check = 11 - remainder; 11 means 0
    and 10 means the number was never issued.
    """
    total = sum(int(digit) * (10 - position) for position, digit in enumerate(first_nine))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(number: str) -> bool:
    digits = re.sub(r"[ -]", "", number)
    if len(digits) != 10 or not digits.isdigit():
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _significant_digits(number: str) -> int:
    """Digits that count towards a number's length: not "(0)", not an "00" exit prefix."""
    number = number.replace("(0)", "").lstrip()
    if number.startswith("00"):
        number = number[2:]
    return len(_digits(number))


def _trim_phone(match: re.Match[str], *, low: int, high: int) -> tuple[int, int] | None:
    """The longest prefix of the match, ending at a digit group, whose digit count fits.

    Dropping trailing groups keeps a number followed by another figure
    ("07700 900123 2020") without swallowing the figure.
    """
    text = match.group(0)
    for group_end in reversed([g.end() for g in _PHONE_GROUP.finditer(text)]):
        count = _significant_digits(text[:group_end])
        if low <= count <= high:
            return match.start(), match.start() + group_end
        if count < low:
            return None
    return None


def _phone_key(text: str) -> str:
    digits = _digits(text.replace("(0)", ""))
    if text.lstrip().startswith("00"):
        digits = digits[2:]
    elif not text.lstrip().startswith("+"):
        return "phone:44" + digits[1:]  # UK national: drop the trunk 0
    return "phone:" + digits


def _find_emails(text: str) -> list[PatternHit]:
    return [
        PatternHit(m.start(), m.end(), "email", "email:" + m.group(0).casefold())
        for m in _EMAIL.finditer(text)
    ]


def _find_urls(text: str) -> list[PatternHit]:
    hits = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_URL_TRAILING)
        if not url or url.casefold() in ("www.", "http://", "https://"):
            continue
        key = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.casefold()).rstrip("/")
        hits.append(PatternHit(match.start(), match.start() + len(url), "url", "url:" + key))
    return hits


def _find_nhs_numbers(text: str) -> list[PatternHit]:
    return [
        PatternHit(m.start(), m.end(), "nhs_number", "nhs:" + _digits(m.group(0)))
        for m in _NHS_NUMBER.finditer(text)
        if is_valid_nhs_number(m.group(0))
    ]


def _find_phones(text: str) -> list[PatternHit]:
    hits = []
    for regex, low, high in ((_PHONE_INTERNATIONAL, 8, 15), (_PHONE_UK, 10, 11)):
        for match in regex.finditer(text):
            if regex is _PHONE_UK and match.group(0).lstrip("(").startswith("00"):
                continue  # "00" opens an international number, handled above
            span = _trim_phone(match, low=low, high=high)
            if span is not None:
                number = text[span[0] : span[1]]
                hits.append(PatternHit(span[0], span[1], "phone", _phone_key(number)))
    return hits


def _find_postcodes(text: str) -> list[PatternHit]:
    return [
        PatternHit(m.start(), m.end(), "postcode", "postcode:" + re.sub(r"\s", "", m.group(0)))
        for m in _POSTCODE.finditer(text)
    ]


_FINDERS: dict[str, Callable[[str], list[PatternHit]]] = {
    "email": _find_emails,
    "url": _find_urls,
    "nhs_number": _find_nhs_numbers,
    "phone": _find_phones,
    "postcode": _find_postcodes,
}


def find_patterns(text: str, settings: PatternSettings | None = None) -> list[PatternHit]:
    """Every enabled pattern hit, non-overlapping, sorted by position."""
    settings = settings or PatternSettings()
    taken: list[PatternHit] = []
    spans = SpanSet()
    for kind in settings.enabled_kinds():
        for hit in _FINDERS[kind](text):
            if not spans.overlaps(hit.start, hit.end):
                spans.add(hit.start, hit.end)
                taken.append(hit)
    return sorted(taken, key=lambda hit: hit.start)
