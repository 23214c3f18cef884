"""Reading a composed node tree: values as written, every shape problem located at file:line:col.

NodeReader reads each scalar's characters itself, so YAML's implicit typing never
changes what a person typed (`id: 3.10` stays "3.10", `lead: NO` stays "NO"), and
collects problems instead of stopping at the first. format/reader.py reads plans
with it, format/comparisons.py comparison files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import yaml

from ..core.errors import ERROR, WARNING, Problem
from ..core.names import nearest
from ..core.timescale import TimescaleError, parse_date
from ..core.validations import Located
from .yamlsafe import ALLOWED_TAGS, MAX_PROBLEMS, YAML_TAG, quoted

_STR = YAML_TAG + "str"
_SCALAR = yaml.ScalarNode
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "yes", "on", "y"}
_FALSE = {"false", "no", "off", "n"}
MAX_WARNINGS = 20_000  # all problems per file: bounds memory on hostile input

Entry = tuple[yaml.Node, yaml.Node]  # a key's node and its value's node


class TooManyProblems(Exception):
    """Stops reading a file that is mostly problems (the reader has said so)."""


@dataclass
class NodeReader:
    """Walks one file's node tree; collects problems instead of stopping at the first."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    errors: int = 0
    located: Located = field(default_factory=Located)  # for core/validations.py

    @staticmethod
    def at(node: yaml.Node) -> tuple[int, int]:
        mark = node.start_mark
        return mark.line + 1, mark.column + 1

    def report(self, node: yaml.Node | None, code: str, message: str, severity: str = ERROR) -> None:
        mark = node.start_mark if node is not None else None
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if len(message) > 1000:  # a hostile value quoted in a message stays readable
            message = message[:1000] + "..."
        # Errors are capped so a broken file is not listed line by line forever; warnings
        # have a far higher cap, so a large valid plan with many warnings still loads.
        if severity == ERROR:
            self.errors += 1
        if self.errors > MAX_PROBLEMS or len(self.problems) >= MAX_WARNINGS:
            self.problems.append(Problem(self.path, line, col, "E009", f"more than {MAX_PROBLEMS} "
                                         "errors in this file; stopped reading it here"
                                         if self.errors > MAX_PROBLEMS else
                                         f"more than {MAX_WARNINGS} problems in this file; "
                                         "stopped reading it here"))
            raise TooManyProblems
        self.problems.append(Problem(self.path, line, col, code, message, severity))

    def warn(self, node: yaml.Node | None, code: str, message: str) -> None:
        self.report(node, code, message, WARNING)

    # -- shapes -------------------------------------------------------------
    def check_tag(self, node: yaml.Node) -> bool:
        if node.tag in ALLOWED_TAGS or node.tag in ("!", "?"):
            return True
        if node.tag == YAML_TAG + "merge":
            self.report(node, "E003", "merge keys (<<) are not supported; write the keys out")
            return False
        self.report(node, "E002", f"the tag {quoted(node.tag)} is not allowed in a plan; remove it")
        return False

    def is_null(self, node: yaml.Node) -> bool:
        return (
            isinstance(node, yaml.ScalarNode)
            and not node.style
            and node.value in _NULLS
            and node.tag != YAML_TAG + "str"
        )

    def mapping(self, node: yaml.Node | None, what: str, allowed: set[str],
                required: Sequence[str] = ()) -> dict[str, Entry] | None:
        """{key: (key_node, value_node)} or None when the node is not a mapping."""
        if not isinstance(node, yaml.MappingNode):
            self.report(node, "E010", f"{what} must be a mapping of keys, found {kind(node)}")
            return None
        if not self.check_tag(node):
            return None
        result: dict[str, Entry] = {}
        for key_node, value_node in node.value:
            if type(key_node) is _SCALAR:
                key = key_node.value
                # The common case first (a known text key, once), as the checks below find it.
                if key in allowed and key_node.tag == _STR and key not in result:
                    result[key] = (key_node, value_node)
                    continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.report(key_node, "E010", f"a key in {what} must be text, found {kind(key_node)}")
                continue
            key = key_node.value
            if key_node.tag == YAML_TAG + "merge":
                self.report(key_node, "E003", "merge keys (<<) are not supported; write the keys out")
                continue
            if key in result:
                first = result[key][0].start_mark.line + 1
                self.report(key_node, "E013",
                            f"duplicate key {quoted(key)} in {what} (first on line {first})")
                continue
            if key.startswith("x-"):
                continue
            if key not in allowed:
                hint = nearest(key, allowed)
                more = f"; did you mean {hint!r}?" if hint else f"; allowed: {', '.join(sorted(allowed))}"
                self.report(key_node, "E012", f"unknown key {quoted(key)} in {what}{more}")
                continue
            result[key] = (key_node, value_node)
        for key in required:
            if key not in result:
                self.report(node, "E011", f"{what} needs a {key!r} key")
        return result

    def scalar(self, node: yaml.Node, what: str) -> str | None:
        value: str  # a scalar node's characters (the stubs leave a node's value untyped)
        if type(node) is _SCALAR and node.tag == _STR:  # most values: text, never null
            value = node.value
            return value
        if not isinstance(node, yaml.ScalarNode):
            self.report(node, "E010", f"{what} must be text, found {kind(node)}")
            return None
        if not self.check_tag(node) or self.is_null(node):
            return None
        value = node.value
        return value

    def text(self, node: yaml.Node, what: str) -> str | None:
        if type(node) is _SCALAR and node.tag == _STR and (stripped := str.strip(node.value)):
            return stripped  # the common case, as the checks below would find it
        if self.is_null(node):
            self.report(node, "E014", f"{what} is empty")
            return None
        value = self.scalar(node, what)
        if value is not None and not value.strip():
            self.report(node, "E014", f"{what} is empty")
            return None
        return value.strip() if value is not None else None

    def items(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        """A list, or a single value standing for a list of one."""
        if self.is_null(node):
            return []
        if isinstance(node, yaml.SequenceNode):
            return list(node.value) if self.check_tag(node) else []
        return [node]

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if self.is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, "E010", f"{what} must be a list, found {kind(node)}")
            return []
        return list(node.value) if self.check_tag(node) else []

    def entries(self, node: yaml.MappingNode, what: str) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
        """(key, key_node, value_node) of a mapping whose keys people choose (leads, bodies ...),
        each key once: a repeated key is reported and skipped."""
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = self.scalar(key_node, f"a key in {what}")
            if key is None:
                continue
            if key in seen:
                self.report(key_node, "E013", f"duplicate key {quoted(key)} in {what}")
                continue
            seen.add(key)
            yield key, key_node, value_node

    def texts(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        return tuple(t for n in self.items(node, what) if (t := self.text(n, what)) is not None)

    def date(self, node: yaml.Node, what: str) -> dt.date | None:
        value = self.scalar(node, what)
        if value is None:
            return None
        try:
            return parse_date(value)
        except TimescaleError as exc:
            self.report(node, "E020", f"{what}: {exc}")
            return None

    def integer(self, node: yaml.Node, what: str) -> int | None:
        value = self.scalar(node, what)
        if value is None:
            return None
        if not (value.strip().isascii() and value.strip().isdigit()) or len(value.strip()) > 6:
            self.report(node, "E023", f"{what} must be a whole number of days, found {quoted(value)}")
            return None
        return int(value)

    def boolean_or_date(self, node: yaml.Node, what: str) -> tuple[bool, dt.date | None]:
        value = self.scalar(node, what)
        if value is None:
            return False, None
        if value.strip().lower() in _TRUE:
            return True, None
        if value.strip().lower() in _FALSE:
            return False, None
        done_on = self.date(node, what + " (true, false or the date it was done)")
        return done_on is not None, done_on


def kind(node: yaml.Node | None) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node is None:
        return "nothing"
    return quoted(node.value)

