"""Reading a YAML codebook, with a location for every problem.

The file is read in three steps, each of which can only report, never crash:

1. bytes -> text with the one policy for users' text files
   (``themekit.files.text.decode_user_text``: BOMs, UTF-16, UTF-8, Windows-1252);
   undecodable bytes are a located problem, and a file read as Windows-1252 gets a
   warning, as the user may want to save it as UTF-8.
2. a streaming pass over the YAML *events* (``yaml.parse``) that finds syntax errors,
   extra documents and absurd nesting. It runs first because composing a document
   nested thousands of levels deep overflows the C stack of libyaml's composer (a
   segfault, not an exception); the event parser itself is iterative.
3. ``yaml.compose`` into nodes (not ``yaml.load``): nodes keep ``start_mark``, so every
   problem has a line and column, and scalars keep the text as written, so ``id: 007``
   stays ``"007"`` and ``label: No`` stays ``"No"`` instead of becoming ``False``.

The C loader (``CSafeLoader``) is used when PyYAML was built with libyaml: it makes a
2,000-code codebook load in a few tens of milliseconds instead of about a second.

The node tree is then turned into ``Code`` objects; shape problems (wrong types,
unknown keys with a "did you mean", duplicate keys) are reported here, and the meaning
of the tree (duplicate ids, sibling labels, missing definitions) by
``validate.check_codebook``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from themekit.codebook.validate import SourceMap, check_codebook, did_you_mean, errors_only
from themekit.errors import CodebookProblem, TextDecodeError
from themekit.files.text import decode_user_text
from themekit.model.codebook import Code, Codebook

Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

TOP_LEVEL_KEYS = ("name", "description", "codes", "guid")
CODE_KEYS = (
    "id",
    "label",
    "definition",
    "include",
    "exclude",
    "examples",
    "colour",
    "codable",
    "value",
    "guid",
    "children",
)
TEXT_KEYS = ("id", "label", "definition", "include", "exclude", "guid")
#: Deeper than this, a file is not a codebook (real ones have 2 to 5 levels).
MAX_YAML_NESTING = 200
MAX_CODE_DEPTH = 50
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

_TAG_NULL = "tag:yaml.org,2002:null"
_TAG_BOOL = "tag:yaml.org,2002:bool"
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def read_codebook_yaml(path: str | Path) -> tuple[Codebook | None, list[CodebookProblem]]:
    """Read and check a YAML codebook file; the codebook is ``None`` when there are errors."""
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return None, [CodebookProblem(file, 1, 1, f"cannot read file: {exc.strerror or exc}")]
    text, found = decode_text(data, file)
    if errors_only(found):
        return None, found
    codebook, problems = parse_codebook_yaml(text, file)
    return codebook, found + problems


def decode_text(data: bytes, file: str) -> tuple[str, list[CodebookProblem]]:
    """Text from bytes by the one decoding policy, and its problems.

    Undecodable bytes are an error at the first bad byte (the text is then empty); a
    file read as Windows-1252 is a warning, since its accents may be misread.
    """
    try:
        decoded = decode_user_text(data, file)
    except TextDecodeError as exc:
        line, col = 1, 1
        if exc.byte_offset is not None:
            before = data[: exc.byte_offset]
            line = before.count(b"\n") + 1
            col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        message = f"{exc.problem}; save it as UTF-8"
        return "", [CodebookProblem(file, line, col, message)]
    if decoded.encoding != "cp1252":
        return decoded.text, []
    warning = CodebookProblem(
        file,
        1,
        1,
        "file is not UTF-8; it was read as Windows-1252 (check accents and quotes,"
        " or save it as UTF-8)",
        severity="warning",
    )
    return decoded.text, [warning]


def parse_codebook_yaml(
    text: str, file: str = "<string>"
) -> tuple[Codebook | None, list[CodebookProblem]]:
    """Check YAML text as a codebook; ``file`` is only used in the problem locations."""
    if not text.strip():
        message = "file is empty; a codebook needs at least a `codes:` list"
        return None, [CodebookProblem(file, 1, 1, message)]
    problem = _scan_events(text, file, Loader)
    if problem is not None and Loader is not yaml.SafeLoader:
        # libyaml's scanner reads ahead of its parser and has its own nesting limit, so on
        # absurd nesting it fails before our depth check sees an event. Rescanning the
        # (already failing) text with the pure-Python parser gives one answer, ours where
        # it applies, whatever the installed libyaml.
        problem = _scan_events(text, file, yaml.SafeLoader)
    if problem is not None:
        return None, [problem]
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError as exc:  # pragma: no cover - the event scan catches these first
        return None, [_syntax_problem(exc, text, file)]
    if root is None:  # only comments or `---`
        message = "file has no content; a codebook needs at least a `codes:` list"
        return None, [CodebookProblem(file, 1, 1, message)]
    reader = _NodeReader(file)
    codebook = reader.read_book(root)
    problems = reader.problems
    if codebook is not None:
        problems += check_codebook(codebook, reader.source)
    problems.sort(key=lambda p: (p.line, p.col))
    if codebook is None or errors_only(problems):
        return None, problems
    return codebook, problems


def _scan_events(text: str, file: str, loader: type) -> CodebookProblem | None:
    depth = 0
    documents = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_NESTING:
                    return _at(
                        file,
                        event.start_mark,
                        f"YAML nested more than {MAX_YAML_NESTING} levels deep; this is not a"
                        " codebook",
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return _at(
                        file,
                        event.start_mark,
                        "a second YAML document (`---`) starts here; a codebook file holds one",
                    )
    except yaml.YAMLError as exc:
        return _syntax_problem(exc, text, file)
    return None


def _syntax_problem(exc: yaml.YAMLError, text: str, file: str) -> CodebookProblem:
    if isinstance(exc, yaml.reader.ReaderError):
        before = text[: exc.position]
        line = before.count("\n") + 1
        col = exc.position - (before.rfind("\n") + 1) + 1
        character = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"character U+{character:04X} is not allowed in YAML ({exc.reason})"
        return CodebookProblem(file, line, col, message)
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        if exc.context_mark is not None and exc.context_mark.line != mark.line:
            context += f" that starts on line {exc.context_mark.line + 1}"
        hint = ""
        if text[mark.index : mark.index + 1] == "\t":
            hint = "; indent with spaces, not tabs"
        elif "mapping values are not allowed" in problem:
            hint = "; put text containing `: ` in quotes"
        return _at(file, mark, f"YAML syntax error: {problem}{context}{hint}")
    return CodebookProblem(file, 1, 1, f"YAML syntax error: {exc}")


def _at(file: str, mark: Any, message: str) -> CodebookProblem:
    # ``Any``: the C and pure-Python loaders have different Mark classes.
    if mark is None:
        return CodebookProblem(file, 1, 1, message)
    return CodebookProblem(file, mark.line + 1, mark.column + 1, message)


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == _TAG_NULL:
        return "nothing"
    return f"`{node.value}`"


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _TAG_NULL


class _NodeReader:
    """Turns composed YAML nodes into ``Code``s, collecting shape problems as it goes."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.source = SourceMap(file)
        self.problems: list[CodebookProblem] = []
        # Nodes of the codes being read, from the root down: an alias that points back
        # at one of them would make a code contain itself.
        self.open_nodes: set[int] = set()

    def error(self, node: yaml.Node, message: str, path: str = "", severity: str = "error") -> None:
        mark = node.start_mark
        self.problems.append(
            CodebookProblem(self.file, mark.line + 1, mark.column + 1, message, path, severity)
        )

    def pairs(
        self, node: yaml.MappingNode, allowed: tuple[str, ...], path: str, where: str
    ) -> dict[str, yaml.Node]:
        """Key -> value node, reporting non-text, unknown and repeated keys."""
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, f"keys must be plain words, found {_kind(key_node)}", path)
                continue
            key = key_node.value
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                self.error(
                    key_node,
                    f"unknown key `{key}` {where}{hint}; known keys: {', '.join(allowed)}",
                    path,
                )
            elif key in seen:
                self.error(key_node, f"key `{key}` appears twice {where}", path)
            else:
                seen[key] = value_node
        return seen

    def read_book(self, root: yaml.Node) -> Codebook | None:
        if not isinstance(root, yaml.MappingNode):
            self.error(
                root,
                f"not a codebook: expected a mapping with `name`, `description` and `codes`"
                f" at the top, found {_kind(root)}",
            )
            return None
        fields = self.pairs(root, TOP_LEVEL_KEYS, "", "at the top level")
        if "codes" not in fields:
            others = [k for k in fields if k != "codes"]
            hint = ""
            for key_node, _ in root.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value not in fields:
                    hint = did_you_mean(key_node.value, ["codes"])
                    if hint:
                        break
            self.error(
                root,
                f"not a codebook: no `codes` list at the top level{hint}"
                + (f" (found {', '.join(others)})" if others else ""),
            )
            return None
        if "guid" in fields:
            self.error(
                fields["guid"],
                "a codebook-level `guid` is not kept; themekit keeps REFI-QDA GUIDs per code",
                severity="warning",
            )
        codebook = Codebook(
            name=self.text(fields.get("name"), "name", ""),
            description=self.text(fields.get("description"), "description", ""),
        )
        codes_node = fields["codes"]
        if _is_null(codes_node) or (
            isinstance(codes_node, yaml.SequenceNode) and not codes_node.value
        ):
            self.error(codes_node, "codebook has no codes yet", severity="warning")
            return codebook
        codebook.codes = self.code_list(codes_node, (), 0, "`codes`")
        return codebook

    def text(self, node: yaml.Node | None, key: str, path: str) -> str:
        """A text field as written; ``""`` for null; a problem for lists and mappings."""
        if node is None or _is_null(node):
            return ""
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"`{key}` must be text, found {_kind(node)}", path)
            return ""
        return str(node.value)

    def code_list(
        self, node: yaml.Node, parent_path: tuple[str, ...], depth: int, what: str
    ) -> list[Code]:
        parent_text = " > ".join(parent_path)
        if _is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(
                node,
                f"{what} must be a list of codes (each item starting with `- id:`),"
                f" found {_kind(node)}",
                parent_text,
            )
            return []
        if depth >= MAX_CODE_DEPTH:
            self.error(node, f"codes nested more than {MAX_CODE_DEPTH} levels deep", parent_text)
            return []
        codes = []
        for item in node.value:
            code = self.code(item, parent_path, depth)
            if code is not None:
                codes.append(code)
        return codes

    def code(self, node: yaml.Node, parent_path: tuple[str, ...], depth: int) -> Code | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(
                node,
                f"each code must be a mapping with `id` and `label`, found {_kind(node)}",
                " > ".join(parent_path),
            )
            return None
        if id(node) in self.open_nodes:
            self.error(
                node,
                "a YAML alias (`*name`) makes this code contain itself",
                " > ".join(parent_path),
            )
            return None
        self.open_nodes.add(id(node))
        try:
            return self.code_fields(node, parent_path, depth)
        finally:
            self.open_nodes.discard(id(node))

    def code_fields(self, node: yaml.MappingNode, parent_path: tuple[str, ...], depth: int) -> Code:
        label_node = next(
            (v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "label"),
            None,
        )
        label = self.text(label_node, "label", " > ".join(parent_path))
        here = (*parent_path, label or "?")
        path = " > ".join(here)
        fields = self.pairs(node, CODE_KEYS, path, "in a code")
        code = Code(id=self.text(fields.get("id"), "id", path), label=label)
        self.source.mark_code(code, (node.start_mark.line + 1, node.start_mark.column + 1))
        for key, value_node in fields.items():
            mark = value_node.start_mark
            self.source.mark_field(code, key, (mark.line + 1, mark.column + 1))
        code.definition = self.text(fields.get("definition"), "definition", path)
        code.include = self.text(fields.get("include"), "include", path)
        code.exclude = self.text(fields.get("exclude"), "exclude", path)
        code.guid = self.text(fields.get("guid"), "guid", path) or None
        if "examples" in fields:
            code.examples = self.examples(fields["examples"], path)
        if "colour" in fields:
            code.colour = self.colour(fields["colour"], path)
        if "codable" in fields:
            code.codable = self.codable(fields["codable"], path)
        if "value" in fields:
            code.value = self.number(fields["value"], path)
        if "children" in fields:
            code.children = self.code_list(fields["children"], here, depth + 1, "`children`")
        return code

    def examples(self, node: yaml.Node, path: str) -> list[str]:
        if _is_null(node):
            return []
        if isinstance(node, yaml.ScalarNode):
            return [str(node.value)]  # one example written without the list dash
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"`examples` must be a list of short texts, found {_kind(node)}", path)
            return []
        examples = []
        for item in node.value:
            if isinstance(item, yaml.ScalarNode) and not _is_null(item):
                examples.append(str(item.value))
            else:
                self.error(item, f"each example must be text, found {_kind(item)}", path)
        return examples

    def colour(self, node: yaml.Node, path: str) -> str | None:
        if _is_null(node):
            self.error(
                node,
                '`colour` is empty; quote hex colours, e.g. colour: "#1f77b4"'
                " (an unquoted # starts a YAML comment)",
                path,
            )
            return None
        if isinstance(node, yaml.ScalarNode) and HEX_COLOUR.match(str(node.value)):
            return str(node.value)
        self.error(node, f'`colour` must be a hex colour like "#1f77b4", found {_kind(node)}', path)
        return None

    def codable(self, node: yaml.Node, path: str) -> bool:
        if isinstance(node, yaml.ScalarNode) and node.tag == _TAG_BOOL:
            return str(node.value).casefold() in ("true", "yes", "on")
        self.error(node, f"`codable` must be true or false, found {_kind(node)}", path)
        return True

    def number(self, node: yaml.Node, path: str) -> float | None:
        if isinstance(node, yaml.ScalarNode) and node.tag in _NUMBER_TAGS:
            try:
                return float(yaml.load(node.value, Loader=Loader))
            except (TypeError, ValueError):  # pragma: no cover - resolver said it is a number
                pass
        if _is_null(node):
            return None
        self.error(node, f"`value` must be a number, found {_kind(node)}", path)
        return None
