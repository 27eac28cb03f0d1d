"""Coders are explicit: a coder exists because someone added them on purpose.

A typo in a coder's name must never create a second coder silently: every command that
takes a coder's name asks ``require_known`` first, which raises with the nearest known
name ("did you mean 'ana'?"). A coder comes into being in one of three deliberate ways:
``add_coder`` (``themekit coders add``), a bulk apply of a whole table (which says so in
its summary) and the consensus coder a reconciliation is told to create. Imports and
merges bring their coders along with their codings. ``remove_coder`` takes back a coder
who has done nothing (such as a typo made before this rule).

The store's ``coders`` table has held every coder since the first schema (codings,
memos, exemplars and progress all reference it), so projects made before this rule need
no migration: everyone who ever coded, wrote a memo or saved a position is known.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from themekit.errors import CodingError

if TYPE_CHECKING:
    from themekit.project import Project


def known_coders(project: Project) -> list[str]:
    """Every coder of the project, in name order."""
    return project.store.coders()


def nearest_coder(name: str, known: list[str]) -> str | None:
    """The known name closest to ``name`` (same letters in another case first), or None."""
    folded = {k.casefold(): k for k in known}
    if name.casefold() in folded:
        return folded[name.casefold()]
    close = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def require_known(project: Project, name: str) -> str:
    """``name`` stripped, or a CodingError naming the nearest known coder."""
    name = name.strip()
    if not name:
        raise CodingError("A coder name is needed.", hint="Name the coder.", next_step="coder.name")
    known = known_coders(project)
    if name in known:
        return name
    guess = nearest_coder(name, known)
    message = f"Unknown coder '{name}'."
    if guess is not None:
        message += f" Did you mean '{guess}'?"
    else:
        message += f" Known coders: {', '.join(known) or 'none yet'}."
    raise CodingError(
        message,
        hint="Check the spelling, or add the coder first if they are new.",
        next_step="coders.add",
    )


def add_coder(project: Project, name: str) -> str:
    """Register a new coder (audit-logged); an error if the name is taken or empty."""
    name = name.strip()
    if not name:
        raise CodingError("A coder name is needed.", hint="Name the coder.", next_step="coder.name")
    if any(ch.isspace() for ch in name) or "," in name:
        raise CodingError(
            f"Coder name '{name}' has a space or a comma.",
            hint="Use one word, such as 'ana' or 'ben_k' (names are listed comma-separated).",
        )
    store = project.store
    known = store.coders()
    if name in known:
        raise CodingError(f"Coder '{name}' already exists.", hint="Use that coder.")
    same = [k for k in known if k.casefold() == name.casefold()]
    if same:
        raise CodingError(
            f"Coder '{name}' differs from the existing '{same[0]}' only in case.",
            hint="Use the existing coder, or choose a clearly different name.",
        )
    with store.db.transaction():
        store.ensure_coder(name)
        store.log("coder.add", actor=name, how="hand", details={"coder": name})
    return name


def remove_coder(project: Project, name: str) -> str:
    """Remove a coder who has done nothing yet (a typo made under an older version, say).

    A coder with codings, memos, exemplars or done marks is kept: their work would lose
    its author. Audit-logged.
    """
    name = require_known(project, name)
    store = project.store
    with store.db.transaction():
        if not store.remove_unused_coder(name):
            raise CodingError(
                f"Coder '{name}' has codings, memos, exemplars or done marks; nothing was removed.",
                hint="Only a coder with no work can be removed.",
            )
        store.log("coder.remove", actor=name, how="hand", details={"coder": name})
    return name


def coder_summaries(project: Project) -> list[dict[str, object]]:
    """One row per coder: name, codings, transcripts started and done, memos."""
    store = project.store
    counts = store.coder_counts()
    rows: list[dict[str, object]] = []
    for name in store.coders():
        codings, started, done, memos = counts.get(name, (0, 0, 0, 0))
        rows.append(
            {
                "coder": name,
                "codings": codings,
                "transcripts_started": started,
                "transcripts_done": done,
                "memos": memos,
            }
        )
    return rows
