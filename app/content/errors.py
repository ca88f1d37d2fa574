"""One clear error for a broken article file: the file, the line and the field, never a traceback.

A YAML syntax error names the file and the line PyYAML stopped at. A schema error names the
field's path (`sections[2].blocks[0].urgency`) and the line of that field in the file, found by
walking the YAML node tree (`yaml.compose`, which keeps every node's position) along the path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

Loc = tuple[str | int, ...]


class ArticleError(ValueError):
    """An article file that cannot be published, said in one line an editor can act on."""

    def __init__(self, path: str, line: int | None, field: str, message: str, more: int = 0) -> None:
        self.path, self.line, self.field, self.message, self.more = path, line, field, message, more
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        field = f" {self.field}:" if self.field else ""
        more = f" (and {self.more} more problem{'s' if self.more > 1 else ''} in this file)" if self.more else ""
        return f"{where}:{field} {self.message}{more}"


@dataclass(frozen=True)
class Positions:
    """The composed YAML tree of a file, to find the line of a field."""

    root: yaml.Node | None

    def line_of(self, loc: Loc) -> int | None:
        """The 1-based line of the deepest node along `loc` that exists in the file."""
        node = self.root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in loc:
            child = _child(node, part)
            if child is None:
                break
            key_line, node = child
            line = key_line
        return line


def _child(node: yaml.Node, part: str | int) -> tuple[int, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == part:
                return key.start_mark.line + 1, value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item = node.value[part]
        return item.start_mark.line + 1, item
    return None


def field_path(loc: Loc) -> str:
    """`("sections", 2, "blocks", 0, "urgency")` as `sections[2].blocks[0].urgency`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def describe_pydantic(error: ErrorDetails) -> str:
    """Pydantic's message, said for an editor: what is wrong and what was written."""
    kind, given = error["type"], error.get("input")
    if kind == "missing":
        return "missing: this field is required"
    if kind == "extra_forbidden":
        return "unknown field (a typo, or a field articles do not have; see docs/authoring.md)"
    if kind in {"bool_type", "bool_parsing"}:
        return f"true or false, not {given!r}"
    if kind == "string_pattern_mismatch" and error["loc"] and error["loc"][-1] in {"id", "slug"}:
        return f"an id is lower-case letters, digits and hyphens, not {given!r}"
    if kind == "string_pattern_mismatch" and error["loc"] and error["loc"][-1] == "url":
        return f"a source's url starts with https://, not {given!r}"
    message = error["msg"]
    if isinstance(given, str | int | float | bool):
        message += f"; got {given!r}"
    return message


def syntax_error(path: str, error: yaml.YAMLError) -> ArticleError:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    detail = f"{context}, {problem}" if context else problem
    return ArticleError(path, mark.line + 1 if mark else None, "", f"not valid YAML: {detail}")


def from_validation(path: str, error: ValidationError, positions: Positions) -> ArticleError:
    found = error.errors(include_url=False)
    first = found[0]
    loc: Loc = tuple(first["loc"])
    return ArticleError(path, positions.line_of(loc), field_path(loc), describe_pydantic(first), len(found) - 1)


def from_rules(path: str, problems: list[tuple[Loc, str]], positions: Positions) -> ArticleError:
    loc, message = problems[0]
    return ArticleError(path, positions.line_of(loc), field_path(loc), message, len(problems) - 1)


def shown_path(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
