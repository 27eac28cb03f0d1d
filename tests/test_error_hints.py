"""Every error a user can see suggests the next step, in the words of where it is seen.

Each raise carries a ``hint``: the next step in the library's terms, so that ``str(exc)``
reads right in a notebook. The command line phrases the same step with its flags and
commands (``themekit.cli.hints``), keyed by the error's ``next_step``. These tests scan
the source: hints everywhere, no CLI flag or ``themekit`` command in library errors, and
a CLI wording, with the same facts, for every next-step key the library raises.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path
from typing import Any

import typer.main

import themekit.errors as errors
from themekit.cli.app import app
from themekit.cli.hints import CLI_STEPS, cli_hint, cli_option, render_error

SOURCE = Path(errors.__file__).parent
# Errors whose message is built from parts that already end in the next step.
SELF_EXPLAINING = {"ThresholdNotMet", "LeakError", "BulkApplyError", "RegisteredTermLeak"}

# Modules other engineers own right now: their errors still name CLI flags or commands.
# The lead empties this list once they are converted (see themekit.errors for how).
CLI_WORDING_ALLOWED_IN = {
    "anonymise/gate.py",
    "transcripts/importer.py",
}
# Single messages in modules that are otherwise clean; same owner rule as above.
CLI_WORDING_ALLOWED_STRINGS = {
    # project.py's import code is being edited by another engineer.
    ("project.py", "--id can only be used when importing a single file."),
    # export/anonymised.py's register drafting and ExportAnonymiser: the same.
    (
        "export/anonymised.py",
        "Edit it, or run 'themekit anonymise init --force' to start again"
        " (the old one is replaced).",
    ),
    ("export/anonymised.py", "Drop --no-anonymise."),
}


def user_error_names() -> set[str]:
    return {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.ThemekitError)
    } - SELF_EXPLAINING


def library_modules() -> list[Path]:
    """Every module outside the command line (cli/ may name its own flags)."""
    return [p for p in sorted(SOURCE.rglob("*.py")) if "cli" not in p.relative_to(SOURCE).parts]


def test_every_raised_themekit_error_has_a_hint() -> None:
    names = user_error_names()
    missing = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in names and not any(k.arg == "hint" for k in node.exc.keywords):
                missing.append(f"{path.relative_to(SOURCE)}:{node.lineno}: {name}")
    assert missing == []


# -- no command-line wording in library errors ------------------------------------------


def cli_wording() -> re.Pattern[str]:
    """A long option (``--coder``) or a command (``themekit codebook``, not the noun in
    "a themekit bundle")."""
    commands = "|".join(sorted(typer.main.get_command(app).commands))  # type: ignore[attr-defined]
    return re.compile(rf"(?<![\w-])--[a-z]|(?<!\ba )(?<!\bthe )\bthemekit (?:{commands})\b")


def is_hint_value(node: ast.AST) -> bool:
    """``hint=...`` or ``SOME_HINT = ...``: the value is a hint."""
    if isinstance(node, ast.keyword):
        return node.arg == "hint"
    return isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Name) and "hint" in t.id.lower() for t in node.targets
    )


def error_texts(tree: ast.AST) -> list[tuple[int, str]]:
    """The string pieces a user can read in an error: everything inside a ``raise`` or an
    ``...Error(...)`` call, every ``hint=`` value and every variable named like a hint."""
    roots: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise):
            roots.append(node)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name.endswith(("Error", "Leak")):
                roots.append(node)
        elif is_hint_value(node):
            roots.append(node.value)  # type: ignore[attr-defined]
    found = set()
    for root in roots:
        for node in ast.walk(root):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add((node.lineno, node.value))
    return sorted(found)


def test_library_errors_name_no_cli_flag_or_command() -> None:
    pattern = cli_wording()
    offending = []
    for path in library_modules():
        module = path.relative_to(SOURCE).as_posix()
        if module in CLI_WORDING_ALLOWED_IN:
            continue
        for line, text in error_texts(ast.parse(path.read_text(encoding="utf-8"))):
            if pattern.search(text) and (module, text) not in CLI_WORDING_ALLOWED_STRINGS:
                offending.append(f"{module}:{line}: {text!r}")
    assert offending == [], "\n".join(offending)


def test_the_scan_finds_cli_wording() -> None:
    pattern = cli_wording()
    tree = ast.parse(
        "raise CodingError('A coder name is needed.', hint='Pass --coder NAME.')\n"
        "HINT = \"Load one with 'themekit codebook load FILE'.\"\n"
        "problem = ExportError('x', hint=f'Run themekit init in {where}.')\n"
    )
    assert [t for _, t in error_texts(tree) if pattern.search(t)] == [
        "Pass --coder NAME.",
        "Load one with 'themekit codebook load FILE'.",
        "Run themekit init in ",
    ]
    # Nouns are not commands.
    assert not pattern.search("is not a themekit bundle")
    assert not pattern.search("Make it again with the same themekit version.")


def test_allow_list_names_only_files_that_still_need_it() -> None:
    pattern = cli_wording()
    for module in sorted(CLI_WORDING_ALLOWED_IN):
        tree = ast.parse((SOURCE / module).read_text(encoding="utf-8"))
        assert any(pattern.search(t) for _, t in error_texts(tree)), f"{module}: drop it"


# -- the CLI's wording of next steps ----------------------------------------------------


def next_steps_raised() -> dict[str, set[frozenset[str]]]:
    """Every next-step key used in the library, with the sets of facts given for it."""
    used: dict[str, set[frozenset[str]]] = {}
    for path in library_modules():
        if path.name == "errors.py":
            continue  # defines NextStep
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "next_step"
                and isinstance(node.value, ast.Constant)
            ):
                used.setdefault(node.value.value, set()).add(frozenset())
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "NextStep"
            ):
                key = node.args[0]
                assert isinstance(key, ast.Constant), f"{path}:{node.lineno}: key not literal"
                facts = frozenset(k.arg for k in node.keywords if k.arg)
                used.setdefault(key.value, set()).add(facts)
    return used


def placeholders(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def test_every_next_step_has_cli_wording_with_the_same_facts() -> None:
    used = next_steps_raised()
    assert sorted(set(used) - set(CLI_STEPS)) == [], "next steps without CLI wording"
    assert sorted(set(CLI_STEPS) - set(used)) == [], "CLI wording no library error uses"
    mismatched = {
        key: (sorted(placeholders(CLI_STEPS[key])), sorted(sorted(f) for f in facts))
        for key, facts in used.items()
        if facts != {placeholders(CLI_STEPS[key])}
    }
    assert mismatched == {}


def test_cli_wording_neither_in_str_nor_missing_from_the_cli_line() -> None:
    step = errors.NextStep("codebook.move_out", path="Benefits > Gap", id="benefits.gap")
    exc = errors.CodebookError("cannot merge", hint="Move it out first.", next_step=step)
    assert str(exc) == "cannot merge. Move it out first."
    assert render_error(exc) == (
        "cannot merge. Move Benefits > Gap out first:"
        " `themekit codebook move benefits.gap --under ...`."
    )
    # An error without a key (or with a key the CLI does not know) keeps its own hint.
    plain = errors.ThemekitError("no such file", hint="Check the path.")
    assert render_error(plain) == "no such file. Check the path."
    unknown = errors.ThemekitError("x", hint="Do y.", next_step="nobody.knows")
    assert cli_hint(unknown) == "Do y."


def test_the_cli_names_its_options_where_the_message_names_arguments() -> None:
    exc = errors.ExportError(
        "min_words 9 / max_words 8: need 1 <= min <= max.",
        hint="For example 8 and 80.",
        next_step="quotes.words",
        arguments=("min_words", "max_words"),
    )
    assert str(exc) == "min_words 9 / max_words 8: need 1 <= min <= max. For example 8 and 80."
    assert render_error(exc) == (
        "--min-words 9 / --max-words 8: need 1 <= min <= max."
        " For example --min-words 8 --max-words 80."
    )
    # Only the first whole-word mention is the argument; a value that spells it is not.
    domain = errors.AgreementError("domain domain: no such code.", arguments=("domain",))
    assert render_error(domain) == "--domain domain: no such code."


def test_every_argument_named_in_an_error_is_an_option_of_some_command() -> None:
    options = {
        opt
        for command in walk_commands(typer.main.get_command(app))
        for param in command.params
        for opt in param.opts
        if opt.startswith("--")
    }
    named = set()
    for path in library_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "arguments":
                assert isinstance(node.value, ast.Tuple), f"{path}:{node.lineno}"
                named |= {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
    assert named, "the scan found no arguments"
    assert sorted(a for a in named if cli_option(a) not in options) == []


def walk_commands(command: Any) -> list[Any]:
    """A command and every command under it (typer's own command classes)."""
    found = [command]
    for sub in getattr(command, "commands", {}).values():
        found += walk_commands(sub)
    return found


# -- exit codes -------------------------------------------------------------------------


def test_every_error_declares_an_exit_code_from_the_enum() -> None:
    from themekit.anonymise.gate import RegisteredTermLeak

    classes = {
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, errors.ThemekitError)
    } | {RegisteredTermLeak}
    assert {
        c.__name__: c.exit_code for c in classes if type(c.exit_code) is not errors.ExitCode
    } == {}
    assert errors.ThresholdNotMet.exit_code == errors.ExitCode.THRESHOLD_NOT_MET
    assert errors.CodingError.exit_code == errors.ExitCode.USER_ERROR


def test_exit_code_values_are_the_documented_ones() -> None:
    from themekit.cli.reference import exit_code_table

    assert {c.name: int(c) for c in errors.ExitCode} == {
        "OK": 0,
        "USER_ERROR": 1,
        "USAGE": 2,
        "THRESHOLD_NOT_MET": 3,
        "INTERNAL": 70,
        "INTERRUPTED": 130,
    }
    table = exit_code_table()
    for code in errors.ExitCode:
        assert f"| {int(code)} | `{code.name}` |" in table
