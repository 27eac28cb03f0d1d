"""Every error a user can see suggests the next step: each raise carries a hint."""

from __future__ import annotations

import ast
from pathlib import Path

import themekit.errors as errors

SOURCE = Path(errors.__file__).parent
# Errors whose message is built from parts that already end in the next step.
SELF_EXPLAINING = {"ThresholdNotMet", "LeakError", "BulkApplyError", "RegisteredTermLeak"}


def user_error_names() -> set[str]:
    return {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.ThemekitError)
    } - SELF_EXPLAINING


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
