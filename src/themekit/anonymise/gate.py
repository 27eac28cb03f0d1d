"""The leak gate: the last check on any text leaving the project.

``check_leaks(text, register, where)`` looks for every registered name and alias in
the final text (the same matcher as detection: word-bounded, case-insensitive unless
an entry asks to match case, possessives and curly apostrophes included) and raises
``RegisteredTermLeak``, a ``LeakError``, if any is there. It has no switch to turn it
off; a caller that does not want it must not anonymise at all.

What the message says, and why. The researcher must be able to find the leak, but the
message itself must not become the leak: error lines end up in terminal scroll-back,
CI logs, bug reports and shared screens. So the message names

* the place, as the caller describes it (``where``: "quote 12 (Benefits > Filling a
  previous gap in services)") and the character offset in that text;
* the category of term ("registered person name", "registered site name", "registered
  term of class Project");
* which register entry and variant, and the register line it is on ("alias 2 of people
  entry 1, redact.yaml line 4"),

and never the term itself. Opening the register at that line shows the researcher
exactly which word to look for, with nothing identifying printed. The matched text is
kept on the exception (``findings[i].matched``) for code that needs it, such as a
preview run by the researcher on their own machine.
"""

from __future__ import annotations

from dataclasses import dataclass

from themekit.anonymise.register import Register, RegisterEntry
from themekit.errors import LeakError

_CATEGORY_WORDS = {
    "Person": "registered person name",
    "Place": "registered place name",
    "Site": "registered site name",
    "Organisation": "registered organisation name",
}
_MORE_SHOWN = 3


@dataclass(frozen=True)
class LeakFinding:
    """One registered term found in checked text. ``matched`` is the identifying text."""

    start: int
    end: int
    matched: str
    entry: RegisterEntry
    variant: int

    @property
    def category(self) -> str:
        return _CATEGORY_WORDS.get(self.entry.cls, f"registered term of class {self.entry.cls}")

    def describe(self, register: Register) -> str:
        """Category, register location and offset; never the term itself."""
        return (
            f"{self.category} ({register.describe_entry(self.entry, self.variant)})"
            f" at character {self.start}"
        )


class RegisteredTermLeak(LeakError):
    """A registered term reached text that was about to leave the project."""

    def __init__(self, where: str, findings: list[LeakFinding], register: Register) -> None:
        self.where = where
        self.findings = list(findings)
        count = len(findings)
        plural = "s" if count != 1 else ""
        message = f"leak gate: {count} registered term{plural} found in {where}: " + "; ".join(
            finding.describe(register) for finding in findings[:_MORE_SHOWN]
        )
        if len(findings) > _MORE_SHOWN:
            message += f"; and {len(findings) - _MORE_SHOWN} more"
        super().__init__(
            message,
            hint="Nothing was written. Open the register at the line given to see the term,"
            " then fix the text or the register and try again;"
            " `themekit anonymise preview` shows every replacement.",
        )


def find_leaks(text: str, register: Register) -> list[LeakFinding]:
    """Every occurrence of a registered name, alias or derived form in ``text``."""
    # The same forms and rules as detection (``Register.find_forms``): every registered
    # spelling in any letter case, as a whole word (possessives included), plus the parts
    # and nicknames of people's names, the ordinary-word ones where context makes them
    # names.
    return [
        LeakFinding(match.start, match.end, match.text, entry, variant)
        for match, _reason in register.find_forms(text)
        for entry, variant in [match.payload]
    ]


def check_leaks(text: str, register: Register, where: str) -> None:
    """Raise ``RegisteredTermLeak`` if any registered term is in ``text``."""
    findings = find_leaks(text, register)
    if findings:
        raise RegisteredTermLeak(where, findings, register)
