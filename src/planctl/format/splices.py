"""A plan file's text, its composed node tree, and exact text splices at the nodes' positions.

Edits never re-serialise a file: each change is a splice of the text between two
node marks, so comments, quoting, key order, indentation, CRLF and a BOM stay as
they were. `Doc.of_item` composes only one list item's lines (an action of a file
of thousands) and gives the same node, with offsets into the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import yaml

from ..core.errors import InternalError, PlanctlError, UsageError
from .writer import Value, block, flow, inline, scalar

_NULLS = {"", "~", "null", "Null", "NULL"}
_BREAK_RE = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_LINE_BREAK = re.compile("\r\n|[\r\n]")
_ITEM_HEAD = re.compile(r"( *)- +")  # a block-list item's dash, its mapping on the same line
_LINE_LEAD = re.compile(r"([ \t]*)([^\r\n]?)")  # a line's indent and its first character

Splice = tuple[int, int, str, tuple[int, ...]]  # start, end, new text, rank (order at one offset)


def _loaders(fast: bool) -> list[type[yaml.SafeLoader] | type[yaml.CSafeLoader]]:
    """libyaml first (~10x faster; its marks are checked against the text before use), then
    the pure-Python composer, whose marks are str offsets."""
    c_loader = getattr(yaml, "CSafeLoader", None)
    return [c_loader, yaml.SafeLoader] if fast and c_loader is not None else [yaml.SafeLoader]


class Doc:
    """A file's text, its node tree (character-offset marks) and pending splices."""

    def __init__(self, text: str, fast: bool = True):
        loader = _loaders(fast)[0]
        self.text = text
        self.fast = loader is not yaml.SafeLoader
        self.root: yaml.Node | None = yaml.compose(text, Loader=loader)
        self.splices: list[Splice] = []

    @classmethod
    def of_item(cls, text: str, line: int, column: int | None = None) -> tuple[Doc, yaml.MappingNode] | None:
        """(Doc of the whole text, node) for the block-list item whose mapping starts at
        (line, column), 1-based as the reader gives them (column None: just after the dash
        that starts the line), composing only that item's lines;
        None when its lines cannot be told apart from the text around them (the caller then
        composes the whole text).

        An edit changes one action of a file of thousands: composing its twenty lines instead
        of the whole file gives the same node (same values, styles and offsets into the text),
        so the same splices. The item's lines run from its dash to the first line that is
        indented no deeper than the dash (blank and comment-only lines belong to it); text
        with a tab in an indent, a YAML-only line break or a directive goes the long way,
        and so does anything whose lone composition is not exactly one such item.
        """
        span = _item_span(text, line, column)
        if span is None:
            return None
        start, end, column = span
        for loader in _loaders(True):
            try:
                root = yaml.compose(text[start:end], Loader=loader)
            except (yaml.YAMLError, RecursionError):
                return None
            node = _lone_item(root, column)
            if root is None or node is None:
                return None
            _shift_marks(root, start, line - 1)
            doc = cls.__new__(cls)
            doc.text, doc.fast, doc.root, doc.splices = text, loader is not yaml.SafeLoader, root, []
            if doc.marks_agree(node):
                return doc, node
        return None

    def marks_agree(self, node: yaml.Node) -> bool:
        """Every node under `node` starts and ends where its text says it does."""
        t = self.text
        if isinstance(node, yaml.ScalarNode):
            start, end = node.start_mark.index, node.end_mark.index
            if node.style in ("'", '"'):
                return t[start:start + 1] == node.style and t[end - 1:end] == node.style
            if node.style is None and node.value and "\n" not in t[start:end]:
                return bool(t[start:end] == node.value)
            return True
        assert isinstance(node, yaml.CollectionNode)
        if node.flow_style and (t[node.start_mark.index:node.start_mark.index + 1] not in "[{"
                                or t[node.end_mark.index - 1:node.end_mark.index] not in "]}"):
            return False
        return all(self.marks_agree(child) for child in children(node))

    def splice(self, start: int, end: int, new: str, rank: tuple[int, ...] = (0, 0)) -> None:
        self.splices.append((start, end, new, (*rank, len(self.splices))))

    def result(self) -> str:
        out, pos = [], 0
        for start, end, new, _ in sorted(self.splices, key=lambda s: (s[0], s[1], s[3])):
            if start < pos:
                raise InternalError("internal error: overlapping edits; nothing was changed")
            out += [self.text[pos:start], new]
            pos = end
        out.append(self.text[pos:])
        return "".join(out)

    def content_end(self, node: yaml.Node) -> int:
        """Offset just after the last character that belongs to the node (no trailing comments)."""
        if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
            key, value = node.value[-1]
            return max(self.content_end(key), self.content_end(value))
        if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
            return self.content_end(node.value[-1])
        start, end = node.start_mark.index, node.end_mark.index
        return int(start + len(self.text[start:end].rstrip(" \t\r\n\x85\u2028\u2029")))

    def line_end(self, pos: int) -> tuple[int, str]:
        """(offset of the line break of the line holding pos, that break)."""
        m = _BREAK_RE.search(self.text, pos)
        if m:
            return m.start(), m.group(0)
        before = list(_BREAK_RE.finditer(self.text))
        return len(self.text), before[-1].group(0) if before else "\n"

    def line_start(self, pos: int) -> int:
        start = pos
        while start > 0 and self.text[start - 1] not in "\r\n\x85\u2028\u2029":
            start -= 1
        return start

    def colon_after(self, key_node: yaml.Node) -> int:
        pos = self.content_end(key_node)
        while pos < len(self.text) and self.text[pos] in " \t":
            pos += 1
        if pos >= len(self.text) or self.text[pos] != ":":
            raise PlanctlError("cannot edit this action: a key is laid out in a way planctl does "
                               "not edit (e.g. '? key'); edit it by hand")
        return pos

    def insert_lines_after(self, pos: int, lines: list[str], indent: int, kind: int) -> None:
        # Several insertions after one line: the more indented (inner) first, and list items
        # before keys at the same column (an indentless list), so each lands in its parent.
        at, nl = self.line_end(pos)
        self.splice(at, at, "".join(nl + line for line in lines), (-indent, kind))


def children(node: yaml.CollectionNode) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [x for pair in node.value for x in pair]
    return list(node.value)


def _item_span(text: str, line: int, column: int | None) -> tuple[int, int, int] | None:
    """(start, end, column) of the block-list item's lines (see Doc.of_item), or None."""
    if text.startswith("%") or "\n%" in text or "\r%" in text:  # %TAG may rename tags
        return None
    if not text.isascii() and any(ch in text for ch in "\x85\u2028\u2029"):
        return None  # YAML's lines are not an editor's: line numbers would disagree
    start = _line_offset(text, line)
    head = _ITEM_HEAD.match(text, start) if start is not None else None
    if start is None or head is None:
        return None
    if column is None:
        column = head.end() - start + 1
    elif head.end() - start != column - 1:
        return None
    end = _item_end(text, start, len(head.group(1)))
    return None if end is None else (start, end, column)


def _item_end(text: str, start: int, dash: int) -> int | None:
    """Offset where the first line indented no deeper than the dash starts (blank and
    comment-only lines belong to the item); None at a tab in an indent."""
    end = start
    while True:
        brk = _LINE_BREAK.search(text, end)
        if brk is None:
            return len(text)
        end = brk.end()
        lead = _LINE_LEAD.match(text, end)
        assert lead is not None  # it matches the empty string
        if "\t" in lead.group(1):
            return None
        if lead.group(2) not in ("", "#") and len(lead.group(1)) <= dash:
            return end


def _lone_item(root: yaml.Node | None, column: int) -> yaml.MappingNode | None:
    """The one mapping item of a block list composed alone, starting at `column`."""
    if not (isinstance(root, yaml.SequenceNode) and not root.flow_style
            and len(root.value) == 1 and isinstance(root.value[0], yaml.MappingNode)):
        return None
    node: yaml.MappingNode = root.value[0]
    return node if node.start_mark.index == column - 1 else None


def _line_offset(text: str, line: int) -> int | None:
    """Offset where the line-th line (1-based) starts, or None past the end."""
    pos = 0
    if "\r" not in text:
        for _ in range(line - 1):
            pos = text.find("\n", pos) + 1
            if pos == 0:
                return None
        return pos
    for _ in range(line - 1):
        brk = _LINE_BREAK.search(text, pos)
        if brk is None:
            return None
        pos = brk.end()
    return pos


def _shift_marks(root: yaml.Node, offset: int, lines: int) -> None:
    """Marks of a tree composed from text[offset:] made offsets into the whole text (a new
    mark per node: the composer may share one between nodes)."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias: the anchored node, already moved
            continue
        seen.add(id(node))
        for name in ("start_mark", "end_mark"):
            m = getattr(node, name)
            setattr(node, name, yaml.Mark(m.name, m.index + offset, m.line + lines, m.column, None, 0))
        if isinstance(node, yaml.CollectionNode):
            stack += children(node)


def is_null(node: yaml.Node | None) -> bool:
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value in _NULLS


def item_lines(item: Value, dash: int, inner: int) -> list[str]:
    """A new block-list item at `dash`, a mapping's keys at column `inner`."""
    if isinstance(item, dict):
        body = block(item, inner)
        return [" " * dash + "-" + " " * (inner - dash - 1) + body[0].lstrip(), *body[1:]]
    return [" " * dash + "- " + inline(item)]


class MapEdit:
    """Edits to one mapping node (block or flow) of a Doc."""

    def __init__(self, doc: Doc, node: yaml.MappingNode):
        self.doc, self.node = doc, node
        self.flow = bool(node.flow_style)
        self.entries: dict[str, tuple[yaml.Node, yaml.Node]] = {
            k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        self.indent: int = node.value[0][0].start_mark.column if node.value else node.start_mark.column

    def get(self, key: str) -> yaml.Node | None:
        return self.entries.get(key, (None, None))[1]

    def set(self, key: str, value: Value) -> None:
        """key: value, replacing the value where it stands or adding the key at the end."""
        if key not in self.entries:
            self._add(key, value)
            return
        key_node, node = self.entries[key]
        if isinstance(node, yaml.ScalarNode) and not isinstance(value, list | dict) and not is_null(node):
            self.doc.splice(node.start_mark.index, self.doc.content_end(node), inline(value, self.flow))
        else:
            self._replace_from_colon(key_node, node, value)

    def set_first(self, key: str, value: str) -> None:
        """key: value as the mapping's first key (an `id:` reads best first)."""
        if not self.node.value:
            self.set(key, value)
            return
        at = self.node.value[0][0].start_mark.index
        if self.flow:
            self.doc.splice(at, at, f"{key}: {scalar(value, True)}, ")
        else:
            _, nl = self.doc.line_end(at)
            self.doc.splice(at, at, f"{key}: {scalar(value)}{nl}{' ' * self.indent}")

    def remove(self, key: str) -> None:
        """Take the key and its value out: its lines of a block mapping, or its entry of a flow one."""
        if key not in self.entries:
            return
        key_node, node = self.entries[key]
        start, end = key_node.start_mark.index, self.doc.content_end(node)
        if self.flow:
            pairs = self.node.value
            i = next(n for n, (k, _) in enumerate(pairs) if k is key_node)
            if i + 1 < len(pairs):
                end = pairs[i + 1][0].start_mark.index
            elif i > 0:
                start = self.doc.content_end(pairs[i - 1][1])
            self.doc.splice(start, end, "")
            return
        line = self.doc.line_start(start)
        if self.doc.text[line:start].strip() or len(self.node.value) == 1:
            raise PlanctlError(f"cannot remove {key!r}: it shares its line with the list item's "
                               "dash, or is the only key; edit it by hand")
        # From the break that ends the line before to the end of the value's last line, so
        # the splice stays inside the mapping's own lines even when the key comes last.
        before = line - (2 if self.doc.text[line - 2:line] == "\r\n" else 1)
        self.doc.splice(before, self.doc.line_end(end)[0], "")

    def extend(self, key: str, items: Sequence[Value]) -> None:
        """Add items at the end of the list under key (made a list when it was one value)."""
        if key not in self.entries:
            self._add(key, list(items))
            return
        key_node, node = self.entries[key]
        if is_null(node):
            self._replace_from_colon(key_node, node, list(items))
        elif isinstance(node, yaml.ScalarNode):
            self._replace_from_colon(key_node, node, [node.value, *items])
        elif isinstance(node, yaml.SequenceNode) and node.flow_style:
            added = ", ".join(flow(item) for item in items)
            if node.value:
                self.doc.splice(at := self.doc.content_end(node.value[-1]), at, ", " + added)
            else:
                self.doc.splice(at := node.start_mark.index + 1, at, added)
        elif isinstance(node, yaml.SequenceNode):
            dash = node.start_mark.column
            inner = next((n.start_mark.column for n in node.value
                          if isinstance(n, yaml.MappingNode) and not n.flow_style), dash + 2)
            lines = [line for item in items for line in item_lines(item, dash, inner)]
            self.doc.insert_lines_after(self.doc.content_end(node.value[-1]), lines, dash, 0)
        else:
            raise UsageError(f"{key!r} is a mapping, not a list; edit it by hand")

    def _add(self, key: str, value: Value) -> None:
        if self.flow:
            if self.node.value:
                k, v = self.node.value[-1]
                at = max(self.doc.content_end(k), self.doc.content_end(v))
                self.doc.splice(at, at, f", {key}: {flow(value)}")
            else:
                self.doc.splice(at := self.node.start_mark.index + 1, at, f"{key}: {flow(value)}")
            return
        pad = " " * self.indent
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines = [f"{pad}{key}:"] + block(value, self.indent + 2)
        else:
            lines = [f"{pad}{key}: {inline(value)}"]
        self.doc.insert_lines_after(self.doc.content_end(self.node), lines, self.indent, 1)

    def _replace_from_colon(self, key_node: yaml.Node, node: yaml.Node, value: Value) -> None:
        colon = self.doc.colon_after(key_node)
        end = colon + 1 if is_null(node) and not node.value else max(colon + 1, self.doc.content_end(node))
        if self.flow or not isinstance(value, list):
            text = f": {inline(value, self.flow)}"
        else:
            _, nl = self.doc.line_end(colon)
            text = ":" + "".join(nl + line for line in block(value, self.indent + 2))
        self.doc.splice(colon, end, text)

