"""The command line's wording of the next step after an error.

Library errors say what to do in the library's terms (``hint``: "Name the coder.") and
may name the same step by key (``next_step``: ``NextStep("coder.name")``). Here each key
gets its command-line wording, with flags and commands ("Pass --coder NAME."), filled
in with the step's facts. ``render_error`` is the one place the CLI turns an error into
its line; an error without a key here keeps its library hint. tests/test_error_hints.py
checks that every key raised in the library has a wording here, with the same facts.

A message that names library arguments (``exc.arguments``: "per_theme 0: must be at
least 1.") names the command's options instead ("--per-theme 0: must be at least 1."):
an argument ``per_theme`` is the option ``--per-theme``, unless ``CLI_OPTIONS`` says
otherwise.
"""

from __future__ import annotations

import re

from themekit.errors import ThemekitError, join_hint

# Library arguments whose command-line option is not simply --name-with-dashes.
CLI_OPTIONS: dict[str, str] = {}

CLI_STEPS: dict[str, str] = {
    # agree/
    "agree.bootstrap": "For example --bootstrap 1000.",
    "agree.check_coders": "Check the names in --coders; see 'themekit status'.",
    "agree.ci": "For example --ci 0.95.",
    "agree.codable_branch": "Choose a branch with codable codes ('themekit codebook show').",
    "agree.coders_once": "Name each coder once in --coders.",
    "agree.decisions_path": "Check the path to --decisions.",
    "agree.disagreements_csv": "Start from 'themekit agree --disagreements --format csv'.",
    "agree.drop_unit": "Drop --unit.",
    "agree.level_code": "Use --level code.",
    "agree.levels": "Use --level code, theme or category.",
    "agree.name_coders": "Name them with --coders A,B.",
    "agree.shared_transcripts": (
        "Mark finished transcripts with 'themekit transcripts done T --coder NAME',"
        " or add --include-partial, or name them with --transcripts."
    ),
    "agree.two_coders": "Name two coders, or use --unit segment for more.",
    "agree.units": "Use --unit segment or character.",
    # anonymise/
    "anonymise.init": "Check the file, or create one with 'themekit anonymise init'.",
    "anonymise.restore_backup": (
        "Restore the project from a backup ('themekit restore FILE');"
        " resetting it renumbers every placeholder."
    ),
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
    "codebook.show": "See 'themekit codebook show'.",
    "codebook.show_code_ids": "See 'themekit codebook show' for the code ids.",
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
    "code.start": "Code transcripts with 'themekit code' or 'themekit code --apply FILE'.",
    "coder.name": "Pass --coder NAME.",
    "coders.add": (
        "Check the spelling ('themekit coders list'), or add a new coder with"
        " 'themekit coders add NAME'."
    ),
    "codings.coder_in_file": (
        "Pass one of those names with --coder, or drop --coder to apply every row as recorded."
    ),
    "codings.export_json": "Export it again with 'themekit codings export --format json'.",
    "codings.file_types": "Use a .csv, .xlsx or .json file (as 'themekit codings export' writes).",
    "codings.xlsx_output": "Pass -o FILE.xlsx, or use --format csv or json for stdout.",
    # files/ and export/: where output goes
    "output.add_file": "Add -o FILE.{format}.",
    "output.another": "Choose another -o.",
    "output.another_path": "Choose another -o path.",
    "output.create_folder": "Create it or choose another -o.",
    "output.file_name": "Give a file name with -o.",
    "output.format": "Pass --format, or an -o file name ending in one of those.",
    "output.free_space": "Free some space or choose another -o path.",
    "output.regular_file": "Give a regular file with -o.",
    # participants
    "participants.import": "Import them with 'themekit participants import FILE'.",
    # files/writer.py: an existing output without --force (every command with -o)
    "output.overwrite": "Add --force to replace it, or choose another -o.",
    # export/quotes.py
    "quotes.unattributed": (
        "Link them in the participants table (transcript column), or pass --allow-unattributed."
    ),
    # project.py
    "project.backup_file": (
        "Give the path of a file made by 'themekit backup' (by default in"
        " the project's backups/ folder)."
    ),
    "project.choose_backup": "Choose a file made by 'themekit backup' (see the backups/ folder).",
    "project.init": "Run 'themekit init' to create one, or pass --project PATH.",
    "project.init_there": "Run 'themekit init' there, or pass --project PATH.",
    "project.status": "See 'themekit status'.",
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
    # export/quotes.py
    "quotes.per_theme": "For example --per-theme 3.",
    "quotes.theme_level": "Group codes under themes in the codebook, or use --level theme.",
    "quotes.words": "For example --min-words 8 --max-words 80.",
    # settings.py
    "settings.simpler_name": "Choose a simpler --name.",
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
    "transcripts.check_list": "Check 'themekit transcripts list'.",
    "transcripts.list": "See 'themekit transcripts list'.",
    "transcripts.show": "See 'themekit transcripts show {transcript}'.",
}


def cli_hint(exc: ThemekitError) -> str | None:
    """The command-line wording of ``exc``'s next step, or its library hint."""
    step = exc.next_step
    if step is not None and step.key in CLI_STEPS:
        return CLI_STEPS[step.key].format(**step.facts)
    return exc.hint


def cli_option(argument: str) -> str:
    """The command-line option for a library argument: ``per_theme`` -> ``--per-theme``."""
    return CLI_OPTIONS.get(argument, "--" + argument.replace("_", "-"))


def cli_message(exc: ThemekitError) -> str:
    """``exc``'s message with each library argument it names replaced by its option."""
    message = exc.message
    for argument in exc.arguments:
        # The first mention, as a whole word: "min_words 8 / max_words 80" names each once.
        pattern = rf"(?<![\w-]){re.escape(argument)}\b"
        found = re.search(pattern, message)
        if found is not None:
            message = message[: found.start()] + cli_option(argument) + message[found.end() :]
    return message


def render_error(exc: ThemekitError) -> str:
    """The one line the CLI shows for ``exc`` (after ``Error: ``)."""
    return join_hint(cli_message(exc), cli_hint(exc))
