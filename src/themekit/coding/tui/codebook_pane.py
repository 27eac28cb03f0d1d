"""The codebook pane of the coding app: a filter box above the codebook tree.

The tree shows every code in codebook order, the first nine codable ones with their
shortcut number. Typing in the filter keeps the codes whose label, id, definition,
include guidance or examples contain the text (and their parents, so the tree still
reads as a tree); the first matching codable
code is the *choice*, ↑/↓ step the choice through the matches and Enter posts it as
``FilterSubmitted`` (``None`` when nothing matches). Enter on a tree node posts
``CodeChosen``, and moving the tree's cursor posts ``CodeHighlighted`` (the screen shows
that code's guidance). The pane decides nothing about coding: the screen acts on these
messages.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Tree
from textual.widgets.tree import TreeNode

from themekit.coding.tui.widgets import CodeFilter
from themekit.model.codebook import CodeEntry


class CodebookPane(Vertical):
    """Filter box (``#filter``) and codebook tree (``#codebook``)."""

    DEFAULT_CSS = """
    CodebookPane { height: 1fr; }
    """

    class CodeChosen(Message):
        """Enter on a tree node: ``code_id`` may be a grouping code."""

        def __init__(self, code_id: str) -> None:
            super().__init__()
            self.code_id = code_id

    class CodeHighlighted(Message):
        """The tree's cursor is on a code (its guidance is worth showing)."""

        def __init__(self, code_id: str) -> None:
            super().__init__()
            self.code_id = code_id

    class FilterSubmitted(Message):
        """Enter in the filter (now cleared): the choice, or None if nothing matched."""

        def __init__(self, code_id: str | None) -> None:
            super().__init__()
            self.code_id = code_id

    def __init__(self, entries: list[CodeEntry], shortcuts: list[str], **kw: Any) -> None:
        super().__init__(**kw)
        self.entries = entries
        self.by_id = {e.code.id: e for e in entries}
        self.shortcuts = shortcuts
        self.filter_nodes: dict[str | None, TreeNode[str]] = {}
        self.filter_matches: list[str] = []
        self.filter_choice: str | None = None

    def compose(self) -> ComposeResult:
        yield CodeFilter(placeholder="/ filter codes", id="filter")
        tree: Tree[str] = Tree("codebook", id="codebook")
        tree.show_root = False
        tree.auto_expand = False
        tree.border_title = "Codebook"
        yield tree

    def on_mount(self) -> None:
        self.build_tree("")

    @property
    def filter_input(self) -> CodeFilter:
        return self.query_one("#filter", CodeFilter)

    def clear_filter(self) -> None:
        if self.filter_input.value:
            self.filter_input.value = ""

    def _matches(self, entry: CodeEntry, wanted: str) -> bool:
        code = entry.code
        searched = (code.label, code.id, code.definition, code.include, *code.examples)
        return any(wanted in text.casefold() for text in searched)

    def _kept(self, wanted: str) -> set[str]:
        """The codes matching ``wanted`` and all their parents."""
        keep: set[str] = set()
        for entry in self.entries:
            if self._matches(entry, wanted):
                keep.add(entry.code.id)
                parent = entry.parent_id
                while parent is not None:
                    keep.add(parent)
                    parent = self.by_id[parent].parent_id
        return keep

    def _label(self, entry: CodeEntry) -> Text:
        label = Text()
        if entry.code.id in self.shortcuts:
            label.append(f"[{self.shortcuts.index(entry.code.id) + 1}] ", "bold")
        label.append(entry.code.label, "" if entry.code.codable else "italic dim")
        return label

    def build_tree(self, text: str) -> None:
        """(Re)build the codebook tree, keeping codes that match ``text`` and their parents."""
        tree: Tree[str] = self.query_one("#codebook", Tree)
        tree.clear()
        wanted = text.casefold().strip()
        keep = self._kept(wanted) if wanted else set()
        nodes: dict[str | None, TreeNode[str]] = {None: tree.root}
        matches: list[str] = []
        for entry in self.entries:
            if wanted and entry.code.id not in keep:
                continue
            parent = nodes.get(entry.parent_id, tree.root)
            if entry.code.children:
                node = parent.add(self._label(entry), data=entry.code.id, expand=True)
            else:
                node = parent.add_leaf(self._label(entry), data=entry.code.id)
            nodes[entry.code.id] = node
            if entry.code.codable and (not wanted or self._matches(entry, wanted)):
                matches.append(entry.code.id)
        # Enter in the filter applies ``filter_choice``; ↑/↓ step through ``filter_matches``.
        self.filter_nodes = nodes
        self.filter_matches = matches
        self.filter_choice = matches[0] if matches else None
        self.show_filter_choice()

    def show_filter_choice(self) -> None:
        """Put the tree cursor on the filter's choice (once the tree has laid out lines)."""
        node = self.filter_nodes.get(self.filter_choice) if self.filter_choice else None
        if node is None:
            return
        tree: Tree[str] = self.query_one("#codebook", Tree)
        if node.line >= 0:
            tree.move_cursor(node)
        else:
            tree.call_after_refresh(self.show_filter_choice)

    def step_filter_choice(self, step: int) -> None:
        if not self.filter_matches:
            return
        index = self.filter_matches.index(self.filter_choice) if self.filter_choice else -1
        index = min(max(index + step, 0), len(self.filter_matches) - 1)
        self.filter_choice = self.filter_matches[index]
        self.show_filter_choice()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.build_tree(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        choice = self.filter_choice
        self.filter_input.value = ""
        self.post_message(self.FilterSubmitted(choice))

    @on(Tree.NodeHighlighted, "#codebook")
    def _tree_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.CodeHighlighted(str(event.node.data)))

    def highlighted_code(self) -> str | None:
        node = self.query_one("#codebook", Tree).cursor_node
        return None if node is None or node.data is None else str(node.data)

    @on(Tree.NodeSelected, "#codebook")
    def _tree_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.CodeChosen(str(event.node.data)))
