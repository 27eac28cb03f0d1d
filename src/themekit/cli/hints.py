"""The command line's wording of the next step after an error.

Library errors say what to do in the library's terms (``hint``: "Name the coder.") and
may name the same step by key (``next_step``: ``NextStep("coder.name")``). Here each key
gets its command-line wording, with flags and commands ("Pass --coder NAME."), filled
in with the step's facts. ``render_error`` is the one place the CLI turns an error into
its line; an error without a key here keeps its library hint. tests/test_error_hints.py
checks that every key raised in the library has a wording here, with the same facts.
"""

from __future__ import annotations

from themekit.errors import ThemekitError

CLI_STEPS: dict[str, str] = {
    # anonymise/
    "anonymise.init": "Check the file, or create one with 'themekit anonymise init'.",
    "anonymise.init_again": (
        "Fix the line named, or start again with 'themekit anonymise init --force'."
    ),
    # codebook/
    "codebook.add_codes": "Add codes with 'themekit codebook add' or load a codebook first.",
    "codebook.add_or_load": "Add codes with 'themekit codebook add' or load another codebook.",
    "codebook.choose_unused_id": "Choose another id (see `themekit codebook history`).",
    "codebook.load": "Load one with 'themekit codebook load FILE' first.",
    "codebook.load_example": (
        "Load one with 'themekit codebook load FILE' (e.g. codebooks/mhtr.yaml)."
    ),
    "codebook.merge_into_sibling": (
        "Choose another label, or merge into it: `themekit codebook merge SRC --into {id}`."
    ),
    "codebook.merge_or_move_children": (
        "Move or merge its children first, or merge it:"
        " `themekit codebook merge {id} --into OTHER`."
    ),
    "codebook.move_out": "Move {path} out first: `themekit codebook move {id} --under ...`.",
    "codebook.removed_codings": (
        "Keep them, or run again with --merge-into ID to move their codings,"
        " or --drop-codings to delete them."
    ),
    "codebook.merge_or_drop": (
        "Choose one: --merge-into moves the codings, --drop-codings deletes them."
    ),
    "codebook.show_ids": "Run `themekit codebook show` to list ids.",
    "codebook.validate": (
        "Run `themekit codebook validate {path}` to list every problem with its line."
    ),
    # coding/
    "code.id_or_path": (
        "Use a code id or a path like 'Benefits > Filling a previous gap in services'"
        " (see 'themekit codebook show')."
    ),
    "code.in_terminal": (
        "Run 'themekit code' in a terminal window, or apply codings from a table"
        " with 'themekit code --coder NAME --apply FILE.csv'."
    ),
    "coder.name": "Pass --coder NAME.",
    # project.py
    "project.backup_file": (
        "Give the path of a file made by 'themekit backup' (by default in"
        " the project's backups/ folder)."
    ),
    "project.choose_backup": "Choose a file made by 'themekit backup' (see the backups/ folder).",
    "project.init": "Run 'themekit init' to create one, or pass --project PATH.",
    "project.init_there": "Run 'themekit init' there, or pass --project PATH.",
    # refi/
    "refi.import_project": "Import the project with 'themekit import FILE.qdpx' instead.",
    "refi.partial": (
        "Export the project again with its sources, or import it without --strict to bring"
        " in what is there (everything left out is listed)."
    ),
    "refi.fresh_project": (
        "Import into a fresh project (themekit init), or rename the transcript"
        " in the project first."
    ),
    # suggest/
    "suggest.accept_above": "Scores are calibrated probabilities; try --accept-above 0.8.",
    "suggest.folds": "For example --folds 5.",
    "suggest.threshold": "For example --threshold 0.3.",
    "suggest.top": "For example --top 3.",
    "suggest.floor": "For example --floor 0.2, or --floor 0 to show every suggestion.",
    # team/
    "team.ask_bundle": (
        "Ask for the bundle again ('themekit bundle --coder NAME -o FILE'),"
        " or give the other project's folder instead."
    ),
    "team.bundle_instead": "Ask for a bundle instead: 'themekit bundle --coder NAME -o FILE'.",
    "team.bundle_path": (
        "Check the path; a bundle is made with 'themekit bundle --coder NAME -o FILE'."
    ),
    "team.bundle_coders": "Leave out --coder, or ask for a bundle of that coder.",
    "team.coder_spelling": "Check the spelling of --coder.",
    "team.load_codebook": (
        "Load the other project's codebook here first: 'themekit merge {source}"
        " --write-codebook other.yaml', check it, then 'themekit codebook load other.yaml'."
    ),
    "team.source": "Give another project's folder or a bundle made with 'themekit bundle'.",
    # transcripts (as the coding and suggestion code refers to them)
    "transcripts.import": "Import some with 'themekit import FILES'.",
    "transcripts.import_codable": (
        "Import transcripts with 'themekit import PATH' (interviewer lines are not codable)."
    ),
    "transcripts.list": "See 'themekit transcripts list'.",
    "transcripts.show": "See 'themekit transcripts show {transcript}'.",
}


def cli_hint(exc: ThemekitError) -> str | None:
    """The command-line wording of ``exc``'s next step, or its library hint."""
    step = exc.next_step
    if step is not None and step.key in CLI_STEPS:
        return CLI_STEPS[step.key].format(**step.facts)
    return exc.hint


def render_error(exc: ThemekitError) -> str:
    """The one line the CLI shows for ``exc`` (after ``Error: ``)."""
    return exc.render(hint=cli_hint(exc))
