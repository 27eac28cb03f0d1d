"""The layers in docs/architecture.md hold in the code.

The table in that page is the rule: each unit (a top-level package or module of
themekit; ``coding.tui`` counts on its own) sits on a layer and may import from lower
layers, and from units of its own layer only where the table says so. Imports inside
functions count (a lazy import is still a dependency); imports under ``if
TYPE_CHECKING:`` do not (they never run). The allowed arrows within a layer must not
form a cycle, so the packages can be read bottom-up.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from conftest import REPO

SRC = REPO / "src" / "themekit"
DOC = REPO / "docs" / "architecture.md"
ROW = re.compile(r"^\| `([\w.]+)` \| (\d) \|([^|]*)\|")


def layer_table() -> tuple[dict[str, int], dict[str, set[str]]]:
    layers: dict[str, int] = {}
    allowed: dict[str, set[str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            unit, layer, same_layer = match.groups()
            layers[unit] = int(layer)
            allowed[unit] = set(re.findall(r"`([\w.]+)`", same_layer))
    return layers, allowed


def unit_of(module: str, units: dict[str, int]) -> str:
    """The most specific unit a dotted themekit module belongs to."""
    parts = module.split(".")[1:]
    for size in range(len(parts), 0, -1):
        candidate = ".".join(parts[:size])
        if candidate in units:
            return candidate
    return "themekit"


def _type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def runtime_imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, module) of every themekit import that can run."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if _type_checking_block(node):
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "themekit" or node.module.startswith("themekit."):
                yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("themekit."):
                    yield node.lineno, alias.name
        stack.extend(ast.iter_child_nodes(node))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def violations() -> list[str]:
    layers, allowed = layer_table()
    found = []
    for path in sorted(SRC.rglob("*.py")):
        source = unit_of(module_name(path), layers)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, module in runtime_imports(tree):
            target = unit_of(module, layers)
            if target == source or (source == "themekit" and module == "themekit"):
                continue
            below = layers.get(target, 99) < layers.get(source, -1)
            if not below and target not in allowed.get(source, set()):
                where = path.relative_to(REPO)
                found.append(f"{where}:{line}: {source} must not import {target} ({module})")
    return found


def test_every_package_is_on_a_layer() -> None:
    layers, _allowed = layer_table()
    assert len(layers) >= 10, "the layer table in docs/architecture.md was not found"
    packages = {
        module_name(path).split(".")[1]
        for path in SRC.rglob("*.py")
        if module_name(path) != "themekit"
    }
    missing = sorted(name for name in packages if name not in layers)
    assert missing == [], f"add these to the table in docs/architecture.md: {missing}"


def test_imports_follow_the_layers() -> None:
    assert violations() == []


def test_arrows_within_a_layer_form_no_cycle() -> None:
    layers, allowed = layer_table()
    for unit, targets in allowed.items():
        for target in targets:
            assert layers[target] == layers[unit], f"{unit} -> {target}: not the same layer"
    done: set[str] = set()

    def visit(unit: str, path: tuple[str, ...]) -> None:
        assert unit not in path, "cycle: " + " -> ".join((*path, unit))
        if unit in done:
            return
        for target in allowed.get(unit, ()):
            visit(target, (*path, unit))
        done.add(unit)

    for unit in allowed:
        visit(unit, ())


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    """The rule can fail: an upward import, even inside a function, is reported."""
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from themekit.cli.app import app\n"
        "def f():\n    from themekit.cli.app import app\n"
    )
    assert list(runtime_imports(tree)) == [(5, "themekit.cli.app")]
    layers, _allowed = layer_table()
    assert layers[unit_of("themekit.cli.app", layers)] > layers["store"]
