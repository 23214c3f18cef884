"""YAML hardening: text -> node tree, bounded, with nothing constructed and every problem located.

We only compose (no tag ever builds an object), refuse what a plan never needs
(deep nesting, alias bombs, foreign tags, huge files) before the recursive C
composer sees it, and report every position as an editor counts lines.
"""

from __future__ import annotations

import bisect
import re
from typing import Protocol

import yaml

from ..core.errors import Problem

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # prescan's event stream

YAML_TAG = "tag:yaml.org,2002:"
ALLOWED_TAGS = {YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}

# Bounds for hostile files. A real plan is tens of KB, a handful of levels deep
# and uses no aliases; these leave ample room (docs/security.md).
MAX_DEPTH = 64
MAX_NODES = 500_000  # counted as if every alias were written out (billion laughs)
MAX_PROBLEMS = 200  # errors per file; a broken file is not listed line by line forever


def quoted(value: str, limit: int = 60) -> str:
    """A value quoted for a message, cut short: messages never carry a whole hostile value."""
    return repr(value if len(value) <= limit else value[:limit] + "...")


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        msg = f"the file is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        return None, [Problem(path, line, col, "E004", msg)]


# -- editor lines ----------------------------------------------------------------

# YAML also breaks lines at NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR; editors,
# grep and git do not, so a position after one would name the wrong line.
_YAML_ONLY_BREAK = re.compile("[\x85\u2028\u2029]")
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_EDITOR_BREAK = re.compile("\r\n|[\r\n]")


class EditorLines:
    """Turns YAML's (line, column) into an editor's, for text where the two differ."""

    def __init__(self, text: str):
        self._yaml_starts = [0] + [m.end() for m in _YAML_BREAK.finditer(text)]
        self._editor_starts = [0] + [m.end() for m in _EDITOR_BREAK.finditer(text)]

    def position(self, line: int, column: int) -> tuple[int, int]:
        """1-based editor (line, column) of YAML's 0-based (line, column)."""
        index = self._yaml_starts[min(line, len(self._yaml_starts) - 1)] + column
        editor_line = bisect.bisect_right(self._editor_starts, index) - 1
        return editor_line + 1, index - self._editor_starts[editor_line] + 1

    def fix_marks(self, root: yaml.Node) -> None:
        """Give every node of the tree editor positions (each node once, aliases too)."""
        seen: set[int] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            mark = node.start_mark
            line, column = self.position(mark.line, mark.column)
            # A new mark: the composer may share one mark between nodes.
            node.start_mark = yaml.Mark(mark.name, mark.index, line - 1, column - 1, None, 0)
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    stack += (key, value)
            elif isinstance(node, yaml.SequenceNode):
                stack += node.value


class _Mark(Protocol):
    """A position as PyYAML's marks and libyaml's give it (0-based)."""

    line: int
    column: int


def editor_lines(text: str) -> EditorLines | None:
    """None when YAML and editors count lines alike (almost always: nothing to convert)."""
    # str's own search: 100x faster than the regex on a 7 MB set of plans (isascii: free).
    if text.isascii() or not ("\u2028" in text or "\u2029" in text or "\x85" in text):
        return None
    return EditorLines(text)


def _at(lines: EditorLines | None, mark: _Mark | None) -> tuple[int, int]:
    if mark is None:
        return 1, 1
    if lines is None:
        return mark.line + 1, mark.column + 1
    return lines.position(mark.line, mark.column)


def _line_col(text: str, position: int) -> tuple[int, int]:
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


# -- prescan -------------------------------------------------------------------------


def prescan(text: str, path: str, lines: EditorLines | None = None) -> list[Problem]:
    """Refuse what the composer must never see: deep nesting, alias bombs, foreign tags.

    Walks libyaml's event stream (iterative, holds nothing), so it is cheap and
    cannot itself recurse or blow up; composing (C, recursive) comes after.
    """
    problems: list[Problem] = []
    depth = 0
    nodes = 0
    open_nodes: list[tuple[str | None, int]] = []  # (anchor, node count at its start)
    anchor_size: dict[str | None, int] = {}

    def at(event: yaml.Event, code: str, message: str) -> Problem:
        return Problem(path, *_at(lines, event.start_mark), code, message)

    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, yaml.AliasEvent):
            nodes += anchor_size.get(event.anchor, 1)
        elif isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            nodes += 1
            tag = event.tag
            if tag and tag not in ALLOWED_TAGS and tag != "!" and len(problems) < MAX_PROBLEMS:
                shown = "!!" + tag[len(YAML_TAG):] if tag.startswith(YAML_TAG) else tag
                problems.append(at(event, "E002", f"the tag {quoted(shown)} is not allowed in a "
                                   "plan (planctl never runs or builds tagged objects); remove it"))
            if isinstance(event, yaml.ScalarEvent):
                if event.anchor:
                    anchor_size[event.anchor] = 1
            else:
                depth += 1
                if depth > MAX_DEPTH:
                    return [at(event, "E006", f"the YAML is nested more than {MAX_DEPTH} levels "
                               "deep; a plan needs fewer than 10")]
                open_nodes.append((event.anchor, nodes))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            anchor, start = open_nodes.pop()
            if anchor:
                anchor_size[anchor] = nodes - start + 1
        if nodes > MAX_NODES:
            return [at(event, "E006", f"the YAML has more than {MAX_NODES:,} values "
                       "(counting each alias as a copy of its anchor: an alias bomb?); "
                       "planctl refuses it")]
    return problems


# -- the bounded composer ------------------------------------------------------------

# An anchor, alias or tag starts with one of &*! and a non-blank: text without
# any ("DMT & LSCB" has none) has nothing for prescan's alias and tag checks.
_MAYBE_ANCHOR_ALIAS_TAG = re.compile(r"[&*!][^\s,\[\]{}]")


class _OverLimits(Exception):
    """The composer passed MAX_DEPTH or MAX_NODES: prescan says where, exactly."""


_STR, _SEQ, _MAP = YAML_TAG + "str", YAML_TAG + "seq", YAML_TAG + "map"
# The only plain scalars YAML 1.1's implicit rules give a tag the reader acts on: null
# (an empty value), merge (<<, refused) and value (=, not allowed). Any other plain
# scalar (3, 3.10, yes, 2013-05-22) is read as the characters written, exactly as
# text is, so it is tagged str: one dict lookup, not the Python resolver's regexes.
_SPECIAL_PLAIN = {**dict.fromkeys(("", "~", "null", "Null", "NULL"), YAML_TAG + "null"),
                  "<<": YAML_TAG + "merge", "=": YAML_TAG + "value"}


def _resolve(kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
    if kind is yaml.ScalarNode:
        return _SPECIAL_PLAIN.get(value, _STR) if implicit[0] else _STR
    return _SEQ if kind is yaml.SequenceNode else _MAP


class _PlainLoader(getattr(yaml, "CBaseLoader", yaml.BaseLoader)):  # type: ignore[misc]
    """libyaml's composer with the cheapest hooks it calls on every node: no path
    resolvers to descend through (slice and tuple are C callables that ignore their
    arguments) and _resolve for tags. Bounds are checked outside (see compose)."""

    descend_resolver = slice
    ascend_resolver = tuple
    resolve = staticmethod(_resolve)


class _CountingLoader(_PlainLoader):
    """The composer, counting depth and nodes as it goes: for texts too long for the
    length rule in compose(), or that could nest deep. Past a limit, compose() falls
    back to prescan, so the recursive C composer never goes deeper than MAX_DEPTH + 1."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    # The overrides differ from the base's hooks (C callables that ignore their arguments).
    def descend_resolver(self, current_node: yaml.Node | None,  # type: ignore[override]
                         current_index: object) -> None:
        self._nodes += 1
        self._depth += 1
        if self._depth > MAX_DEPTH or self._nodes > MAX_NODES:
            raise _OverLimits

    def ascend_resolver(self) -> None:  # type: ignore[override]
        self._depth -= 1


# Without aliases a node starts at a token, and no run of YAML makes more than 1.5 nodes
# a character ("[?,?]": a mapping, its empty key and value per "?,"); a text this short
# cannot reach MAX_NODES however it is written, so only depth needs counting.
_SHORT_TEXT = MAX_NODES // 3


# How deep libyaml's C composer may recurse before _too_deep looks (libyaml refuses 1,000
# levels itself, but not every build has that limit). Along any path of nested block
# collections the column grows at least every second level (a list under a key may share
# its column) and a block collection starts where a line's indentation and indicators
# (- ? :) end; flow collections nest at most once per bracket. So a text with fewer than
# _SAFE_DEPTH / 2 brackets and no line with _SAFE_DEPTH / 4 leading indentation and
# indicators is less than _SAFE_DEPTH + 2 levels deep; any other is composed counting.
_SAFE_DEPTH = 1000
# The first line apart: a pattern that starts with an alternation (\A or a break) is
# tried at every character, one that starts with a character class is scanned for it
# (4x faster on the bench's files).
_LONG_FIRST = re.compile("\ufeff?[ \t?:-]{" + str(_SAFE_DEPTH // 4) + "}")
_LONG_LEAD = re.compile("[\r\n\x85\u2028\u2029][ \t?:-]{" + str(_SAFE_DEPTH // 4) + "}")


def _shallow(text: str) -> bool:
    return (text.count("[") + text.count("{") < _SAFE_DEPTH // 2
            and _LONG_FIRST.match(text) is None and _LONG_LEAD.search(text) is None)


def _too_deep(root: yaml.Node) -> bool:
    """More than MAX_DEPTH collections nested (as prescan counts), level by level: one
    C-speed pass over each level's children, never recursion."""
    scalar, mapping = yaml.ScalarNode, yaml.MappingNode
    level = [] if type(root) is scalar else [root]
    for _ in range(MAX_DEPTH):
        below = []
        for node in level:
            if type(node) is mapping:
                below += [n for pair in node.value for n in pair if type(n) is not scalar]
            else:
                below += [n for n in node.value if type(n) is not scalar]
        if not below:
            return False
        level = below
    return True


def compose(text: str, path: str) -> tuple[yaml.Node | None, list[Problem]]:
    """The node tree of one YAML document (None when empty), or the problems that stop it."""
    lines = editor_lines(text)
    try:
        root = None
        if not _MAYBE_ANCHOR_ALIAS_TAG.search(text):
            try:
                if len(text) <= _SHORT_TEXT and _shallow(text):
                    root = yaml.compose(text, Loader=_PlainLoader)
                    over = root is not None and _too_deep(root)
                else:
                    root = yaml.compose(text, Loader=_CountingLoader)
                    over = False
            except (_OverLimits, yaml.YAMLError):
                # prescan reads the events in order: a limit passed before the error is
                # what to report, else composing again raises the same error
                over = True
            if not over:
                if lines is not None and root is not None:
                    lines.fix_marks(root)
                return root, []
        problems = prescan(text, path, lines)
        if problems:
            return None, problems
        root = yaml.compose(text, Loader=_PlainLoader)
        if lines is not None and root is not None:
            lines.fix_marks(root)
        return root, []
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, text, path, lines)]
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow (NUL, most control characters).
        line, col = _line_col(text, exc.position)
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return None, [Problem(path, line, col, "E004", f"the character {char!r} is not allowed "
                              "in a YAML file; remove it")]
    except yaml.YAMLError as exc:
        return None, [Problem(path, 1, 1, "E001", f"YAML syntax: {exc}")]
    except UnicodeEncodeError as exc:  # text given as str with lone surrogates
        line, col = _line_col(text, exc.start)
        return None, [Problem(path, line, col, "E004", "the text is not valid Unicode; "
                              "save it as UTF-8")]
    except RecursionError:
        return None, [Problem(path, 1, 1, "E001", "YAML nesting is too deep to be a plan")]


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, path: str,
                    lines: EditorLines | None) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = _at(lines, mark)
    what = " ".join(filter(None, [exc.context, exc.problem]))
    if "maximum nesting depth" in what:  # libyaml's own limit (1000) on [[[[...
        return Problem(path, line, col, "E006", f"the YAML is nested more than "
                       f"{MAX_DEPTH} levels deep; a plan needs fewer than 10")
    key = _key_without_colon(text, exc, lines)
    if key is not None:
        key_line, key_col, word = key
        return Problem(path, key_line, key_col, "E001", f"YAML syntax: missing ':' after {quoted(word)}?")
    if mark and text[mark.index:mark.index + 1] == "\t":
        what += " (a tab: YAML indents with spaces only)"
    if lines is not None:
        what += _odd_break_hint(text, exc, lines)
    return Problem(path, line, col, "E001", f"YAML syntax: {what}")


_BREAK_NAMES = {"\x85": "U+0085 NEXT LINE", "\u2028": "U+2028 LINE SEPARATOR",
                "\u2029": "U+2029 PARAGRAPH SEPARATOR"}


def _odd_break_hint(text: str, exc: yaml.MarkedYAMLError, lines: EditorLines) -> str:
    """Name a YAML-only line break on the failing line(s): the likely cause, invisible
    in an editor (text pasted from Word); quoting the value keeps it as text."""
    rows = _EDITOR_BREAK.split(text)
    for mark in (exc.context_mark, exc.problem_mark):
        if mark is None:
            continue
        line = lines.position(mark.line, mark.column)[0]
        found = _YAML_ONLY_BREAK.search(rows[line - 1]) if line <= len(rows) else None
        if found:
            return (f" (line {line} column {found.start() + 1} has a {_BREAK_NAMES[found.group()]}, "
                    "which YAML reads as a line break; put the value in quotes)")
    return ""


# -- a key written without its colon -----------------------------------------------

# What the parser reports for `lead pcf` among keys: it reads the words as the start
# of a key or of a long plain value and fails on a later line.
_KEY_LINE = re.compile(r"(?:-[ \t]+)*[^\s#'\"\[\]{}|>&*!?%@`,-][^#]*?:(?:[ \t]|$)")
_PLAIN_WORDS = re.compile(r"[^\s#'\"\[\]{}|>&*!?%@`,:-][^:#]*")
_NEARBY = 50  # lines looked at around the error: bounded whatever the file


def _content(line: str) -> tuple[int, str]:
    """(column where the line's content starts after any '- ' markers, that content)."""
    stripped = line.lstrip(" ")
    col = len(line) - len(stripped)
    while stripped.startswith("- ") or stripped == "-":
        rest = stripped[1:].lstrip(" \t")
        col += len(stripped) - len(rest)
        stripped = rest
    return col, stripped.rstrip()


def _is_blank(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith("#")


def _key_without_colon(text: str, exc: yaml.MarkedYAMLError,
                       lines: EditorLines | None) -> tuple[int, int, str] | None:
    """(line, column, first word) of a line of plain words among `key:` lines at its indent,
    just before where the parser failed: a key whose ':' was forgotten. None otherwise."""
    if exc.problem_mark is None or exc.context not in (None, "while scanning a simple key"):
        return None
    rows = _EDITOR_BREAK.split(text)
    mark = exc.context_mark if exc.context else exc.problem_mark
    start = _at(lines, mark)[0] - 1
    # The failing key itself (its ':' not found), else the line before a misplaced ':'.
    tried = 0
    for i in range(min(start, len(rows) - 1), max(-1, start - _NEARBY), -1):
        if _is_blank(rows[i]):
            continue
        found = _plain_key_line(rows, i)
        if found is not None:
            return found
        tried += 1
        if tried == 2:
            break
    return None


def _plain_key_line(rows: list[str], i: int) -> tuple[int, int, str] | None:
    col, content = _content(rows[i])
    if col != len(rows[i]) - len(rows[i].lstrip(" ")) or not _PLAIN_WORDS.fullmatch(content):
        return None  # a list item ("- words") or anything but plain words
    for step in (-1, 1):  # a sibling `key:` at the same column makes this a mapping
        j = i + step
        while 0 <= j < len(rows) and abs(j - i) <= _NEARBY:
            if not _is_blank(rows[j]):
                other_col, other = _content(rows[j])
                if other_col < col:
                    break
                if other_col == col:
                    if _KEY_LINE.match(rows[j].lstrip(" ")):
                        return i + 1, col + 1, content.split()[0]
                    break
            j += step
    return None
