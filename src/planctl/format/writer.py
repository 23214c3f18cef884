"""The one place that writes plan YAML: scalars, the node locator, and text splices.

Every value planctl writes into a plan (edits, add, import, init) goes through
`scalar`, so one set of rules decides when a value needs quotes. Edits never
re-serialise a file: `splice_action` turns a change of the model (old Action ->
new Action) into a few exact splices at the positions of the composed nodes, so
comments, quoting, key order, indentation, CRLF and a BOM stay as they were.

The locator (`recommendation_nodes`, `action_nodes`, `find_action`) gives nodes
the ids the reader gives the model (a written `id:`, else the position), so an
edit finds exactly the action the reader read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import yaml

from ..core.errors import InternalError, PlanctlError, UsageError
from ..core.model import Action, Milestone, Plan, Update
from ..core.timescale import PATTERNS, TimescaleError, match_to_date, parse_timescale

BOM = "\ufeff"
_NULLS = {"", "~", "null", "Null", "NULL"}
_BREAK_RE = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

# -- scalars ---------------------------------------------------------------------------

# Text a YAML 1.1 reader (PyYAML, editors in 1.1 mode, validators built on them) or a
# YAML 1.2 reader would type as something other than a string: nulls, booleans, numbers
# in any base or notation (3.10, 1e3, 0x1F, 0o17, 1_000, 1:20), infinities and NaN,
# dates and timestamps, and the merge and value keys. Deliberately broad (any word
# that starts like a number): a needless pair of quotes costs nothing, a missing one
# turns "NO" into false and "3.10" into 3.1.
_TYPED = re.compile(r"""
    ~ | null | Null | NULL
  | y | Y | yes | Yes | YES | n | N | no | No | NO
  | true | True | TRUE | false | False | FALSE | on | On | ON | off | Off | OFF
  | [-+]? [0-9] [0-9a-zA-Z_.:+-]*
  | [-+]? \. [0-9_] [0-9a-zA-Z_.:+-]*
  | [-+]? \. (?: inf | Inf | INF | nan | NaN | NAN )
  | [0-9]{4} - [0-9]{1,2} - [0-9]{1,2} (?: [Tt] | [ \t]+ ) .*
  | << | =
""", re.X | re.S)
# A plain or single-quoted scalar on one line may hold these; anything else (line
# breaks, including NEL, LS and PS, tabs, control characters, a BOM, non-characters)
# is written double-quoted as an escape.
_PLAIN_CHAR = re.compile(
    "[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*")
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_BAD = set(",[]{}:#?")  # PyYAML ends a plain scalar in a flow collection at any of these
_ESCAPES = {"\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v",
            "\f": "\\f", "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\",
            "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


def printable(ch: str) -> bool:
    """The character can stand as itself in a plain or single-quoted scalar."""
    return _PLAIN_CHAR.fullmatch(ch) is not None


def plain_ok(value: str, flow: bool = False) -> bool:
    """The text reads back as exactly itself, as a string, written without quotes."""
    if not value or value != value.strip(" ") or _TYPED.fullmatch(value):
        return False
    if value[0] in _INDICATORS or ": " in value or " #" in value or value.endswith(":"):
        return False
    if flow and _FLOW_BAD & set(value):
        return False
    return _PLAIN_CHAR.fullmatch(value) is not None


def single_quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def double_quoted(value: str) -> str:
    out = []
    for ch in value:
        escape = _ESCAPES.get(ch)
        if escape is not None:
            out.append(escape)
        elif printable(ch):
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else
                       f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def scalar(value: str | date | bool, flow: bool = False) -> str:
    """One YAML scalar, on one line, that every YAML reader reads back as exactly `value`.

    Plain when that is safe; single quotes when they are enough; otherwise double
    quotes with escapes (\\n, \\t, \\L, \\P, \\N, \\xNN, \\uNNNN) for line breaks and
    control characters.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if plain_ok(value, flow):
        return value
    if _PLAIN_CHAR.fullmatch(value):
        return single_quoted(value)
    return double_quoted(value)


def flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value, flow=True)


def block(value, indent: int) -> list[str]:
    """Lines of a block list or mapping (of scalars, flat lists or flat mappings) at `indent`."""
    pad = " " * indent
    if isinstance(value, dict):
        return [f"{pad}{k}: {flow(v) if isinstance(v, list | tuple | dict) else scalar(v)}"
                for k, v in value.items()]
    lines = []
    for item in value:
        if isinstance(item, dict):
            inner = block(item, indent + 2)
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines += inner[1:]
        else:
            lines.append(f"{pad}- {scalar(item)}")
    return lines


# -- dates written the way the plan writes them ------------------------------------------


def restyle(old: re.Match, new: date, typed: str) -> str:
    """The new date written the way the old one was (27.10.12 -> 30.11.12), else as typed."""
    if old["iso_y"]:
        return new.isoformat()
    if old["num_d"]:
        day = f"{new.day:02d}" if old["num_d"].startswith("0") else str(new.day)
        month = f"{new.month:02d}" if old["num_m"].startswith("0") else str(new.month)
        short = len(old["num_y"]) == 2 and 2000 <= new.year < 2100
        year = str(new.year)[2:] if short else str(new.year)
        return f"{day}{old['sep']}{month}{old['sep']}{year}"
    return typed


def move_date(written: str, index: int, new: date, typed: str, due: date | None = None) -> str:
    """The timescale with its index-th date replaced (the one giving `due`, when a start
    such as "From June 2013 to March 2014" comes first); just the new date when it has none."""
    text = " ".join(written.split())
    matches = list(PATTERNS.date.finditer(text))
    if due is not None:
        for i, m in enumerate(matches):
            try:
                if match_to_date(m) == due:
                    index = i
                    break
            except TimescaleError:
                continue
    if index >= len(matches):
        return typed
    m = matches[index]
    return text[: m.start()] + restyle(m, new, typed) + text[m.end():]


# -- the text and its nodes --------------------------------------------------------------


class Doc:
    """A file's text, its node tree (character-offset marks) and pending splices."""

    def __init__(self, text: str, fast: bool = True):
        self.text = text
        # libyaml is ~10x faster; its marks are checked against the text before use
        # (marks_agree), and the pure-Python composer, whose marks are str offsets, is
        # the fallback.
        loader = getattr(yaml, "CSafeLoader", None) if fast else None
        self.fast = loader is not None
        self.root = yaml.compose(text, Loader=loader or yaml.SafeLoader)
        self.splices: list[tuple[int, int, str, tuple]] = []

    @classmethod
    def of_item(cls, text: str, line: int, column: int | None = None):
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
        if text.startswith("%") or "\n%" in text or "\r%" in text:  # %TAG may rename tags
            return None
        if not text.isascii() and any(ch in text for ch in "\x85\u2028\u2029"):
            return None  # YAML's lines are not an editor's: line numbers would disagree
        start = _line_offset(text, line)
        if start is None:
            return None
        head = _ITEM_HEAD.match(text, start)
        if head is None:
            return None
        if column is None:
            column = head.end() - start + 1
        elif head.end() - start != column - 1:
            return None
        dash = len(head.group(1))
        end, n = start, len(text)
        while True:
            brk = _LINE_BREAK.search(text, end)
            if brk is None:
                end = n
                break
            end = brk.end()
            lead = _LINE_LEAD.match(text, end)
            if "\t" in lead.group(1):
                return None
            if lead.group(2) not in ("", "#") and len(lead.group(1)) <= dash:
                break
        snippet = text[start:end]
        for fast in (True, False):
            loader = getattr(yaml, "CSafeLoader", None) if fast else yaml.SafeLoader
            if loader is None:
                continue
            try:
                root = yaml.compose(snippet, Loader=loader)
            except (yaml.YAMLError, RecursionError):
                return None
            if not (isinstance(root, yaml.SequenceNode) and not root.flow_style
                    and len(root.value) == 1 and isinstance(root.value[0], yaml.MappingNode)):
                return None
            node = root.value[0]
            if node.start_mark.index != column - 1:
                return None
            _shift_marks(root, start, line - 1)
            doc = cls.__new__(cls)
            doc.text, doc.fast, doc.root, doc.splices = text, loader is not yaml.SafeLoader, root, []
            if doc.marks_agree(node):
                return doc, node
        return None

    def marks_agree(self, node) -> bool:
        """Every node under `node` starts and ends where its text says it does."""
        t = self.text
        if isinstance(node, yaml.ScalarNode):
            start, end = node.start_mark.index, node.end_mark.index
            if node.style in ("'", '"'):
                return t[start:start + 1] == node.style and t[end - 1:end] == node.style
            if node.style is None and node.value and "\n" not in t[start:end]:
                return t[start:end] == node.value
            return True
        if node.flow_style and (t[node.start_mark.index:node.start_mark.index + 1] not in "[{"
                                or t[node.end_mark.index - 1:node.end_mark.index] not in "]}"):
            return False
        children = [x for pair in node.value for x in pair] if isinstance(node, yaml.MappingNode) \
            else node.value
        return all(self.marks_agree(child) for child in children)

    def splice(self, start: int, end: int, new: str, rank: tuple = (0, 0)) -> None:
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

    def content_end(self, node) -> int:
        """Offset just after the last character that belongs to the node (no trailing comments)."""
        if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
            key, value = node.value[-1]
            return max(self.content_end(key), self.content_end(value))
        if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
            return self.content_end(node.value[-1])
        start, end = node.start_mark.index, node.end_mark.index
        return start + len(self.text[start:end].rstrip(" \t\r\n\x85\u2028\u2029"))

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

    def colon_after(self, key_node) -> int:
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


_LINE_BREAK = re.compile("\r\n|[\r\n]")
_ITEM_HEAD = re.compile(r"( *)- +")  # a block-list item's dash, its mapping on the same line
_LINE_LEAD = re.compile(r"([ \t]*)([^\r\n]?)")  # a line's indent and its first character


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


def _shift_marks(root, offset: int, lines: int) -> None:
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
            setattr(node, name, yaml.Mark(m.name, m.index + offset, m.line + lines, m.column, None, None))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


def is_null(node) -> bool:
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value in _NULLS


class MapEdit:
    """Edits to one mapping node (block or flow) of a Doc."""

    def __init__(self, doc: Doc, node):
        self.doc, self.node = doc, node
        self.flow = bool(node.flow_style)
        self.entries = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        self.indent = node.value[0][0].start_mark.column if node.value else node.start_mark.column

    def get(self, key: str):
        return self.entries.get(key, (None, None))[1]

    def set(self, key: str, value) -> None:
        """key: value, replacing the value where it stands or adding the key at the end."""
        if key not in self.entries:
            self._add(key, value)
            return
        key_node, node = self.entries[key]
        if isinstance(node, yaml.ScalarNode) and not isinstance(value, list | dict) and not is_null(node):
            self.doc.splice(node.start_mark.index, self.doc.content_end(node), scalar(value, self.flow))
        else:
            self._replace_from_colon(key_node, node, value)

    def set_first(self, key: str, value) -> None:
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

    def extend(self, key: str, items: list) -> None:
        """Add items at the end of the list under key (made a list when it was one value)."""
        if key not in self.entries:
            self._add(key, items)
            return
        key_node, node = self.entries[key]
        if is_null(node):
            self._replace_from_colon(key_node, node, items)
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
            lines = []
            for item in items:
                if isinstance(item, dict):
                    body = block(item, inner)
                    lines += [" " * dash + "-" + " " * (inner - dash - 1) + body[0].lstrip(), *body[1:]]
                else:
                    lines.append(" " * dash + "- " + scalar(item))
            self.doc.insert_lines_after(self.doc.content_end(node.value[-1]), lines, dash, 0)
        else:
            raise UsageError(f"{key!r} is a mapping, not a list; edit it by hand")

    def _add(self, key: str, value) -> None:
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
        elif isinstance(value, list | dict):
            lines = [f"{pad}{key}: {flow(value)}"]
        else:
            lines = [f"{pad}{key}: {scalar(value)}"]
        self.doc.insert_lines_after(self.doc.content_end(self.node), lines, self.indent, 1)

    def _replace_from_colon(self, key_node, node, value) -> None:
        colon = self.doc.colon_after(key_node)
        end = colon + 1 if is_null(node) and not node.value else max(colon + 1, self.doc.content_end(node))
        if self.flow or not isinstance(value, list):
            text = f": {flow(value)}" if isinstance(value, list | dict) else f": {scalar(value, self.flow)}"
        else:
            _, nl = self.doc.line_end(colon)
            text = ":" + "".join(nl + line for line in block(value, self.indent + 2))
        self.doc.splice(colon, end, text)


# -- the locator: nodes with the ids the reader gives them ---------------------------------


def _value(mapping, key: str):
    for k, v in mapping.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


def written_id(node) -> str | None:
    """The item's own `id:`, as the reader takes it (stripped; a null or blank one is none)."""
    v = _value(node, "id") if isinstance(node, yaml.MappingNode) else None
    if isinstance(v, yaml.ScalarNode) and not is_null(v) and v.value.strip():
        return v.value.strip()
    return None


def recommendation_nodes(root) -> list[tuple[str, object]]:
    """(id, mapping node) of each recommendation, ids as the reader gives them."""
    recs = _value(root, "recommendations") if isinstance(root, yaml.MappingNode) else None
    found = []
    for pos, rec in enumerate(recs.value if isinstance(recs, yaml.SequenceNode) else [], 1):
        if isinstance(rec, yaml.MappingNode):
            found.append((written_id(rec) or str(pos), rec))
    return found


def action_nodes(rec_node, rec_id: str) -> list[tuple[str, object]]:
    """(id, mapping node) of each action of a recommendation, ids as the reader gives them."""
    actions = _value(rec_node, "actions")
    return [(written_id(node) or f"{rec_id}.{pos}", node)
            for pos, node in enumerate(actions.value if isinstance(actions, yaml.SequenceNode) else [], 1)
            if isinstance(node, yaml.MappingNode)]


def find_action(root, action_id: str):
    """The mapping node of the action with this id."""
    found = [node for rec_id, rec in recommendation_nodes(root)
             for aid, node in action_nodes(rec, rec_id) if aid == action_id]
    if len(found) != 1:
        raise PlanctlError(f"cannot find action {action_id!r} in the file's YAML; nothing was changed")
    return found[0]


@dataclass(frozen=True)
class Written:
    """What the model does not keep of an action as written: which keys it has, and the
    `due:` text of each explicit milestone (in the model's order, earliest first)."""

    keys: frozenset[str]
    milestone_dues: tuple[str, ...] = ()


def _milestone_maps(doc: Doc, amap: MapEdit, plan: Plan) -> list[MapEdit]:
    """The `milestones:` entries as maps, in due order (the order the reader gives them)."""
    node = amap.get("milestones")
    maps = [MapEdit(doc, n) for n in (node.value if isinstance(node, yaml.SequenceNode) else [])
            if isinstance(n, yaml.MappingNode)]
    return sorted(maps, key=lambda m: parse_timescale(
        m.get("due").value, plan.inspection.published, calendar=plan.calendar,
        year_starts=plan.year_starts).deadlines[0].due)


def written(doc: Doc, node, plan: Plan) -> Written:
    amap = MapEdit(doc, node)
    dues = tuple(" ".join(m.get("due").value.split()) for m in _milestone_maps(doc, amap, plan))
    return Written(frozenset(amap.entries), dues)


# -- a model change as splices ----------------------------------------------------------------


def update_item(update: Update) -> dict:
    item = {"date": update.date, "text": update.text}
    if update.by:
        item["by"] = update.by
    return item


def _appended(old: tuple, new: tuple, what: str) -> list:
    if new[:len(old)] != old:
        raise InternalError(f"internal error: planctl only adds to {what}; nothing was changed")
    return list(new[len(old):])


def _pair_milestones(old: tuple[Milestone, ...], new: tuple[Milestone, ...]) -> list[tuple[int, Milestone]]:
    """(index in old, new milestone) for each milestone that changed, matched by due date,
    then text, then order: edits change milestones, never add or remove them."""
    if len(old) != len(new):
        raise InternalError("internal error: planctl does not add or remove milestones; nothing was changed")
    gone = [i for i, ms in enumerate(old) if ms not in new or old.count(ms) > new.count(ms)]
    came = [ms for ms in new if ms not in old or new.count(ms) > old.count(ms)]
    pairs = []
    for same in (lambda a, b: a.due == b.due, lambda a, b: a.text == b.text, lambda a, b: True):
        for ms in list(came):
            i = next((i for i in gone if same(old[i], ms)), None)
            if i is not None:
                pairs.append((i, ms))
                gone.remove(i)
                came.remove(ms)
    return pairs


def splice_action(doc: Doc, node, old: Action, new: Action, plan: Plan, spelled: dict | None = None) -> None:
    """Splices that make the action's node read as `new` where it read as `old`.

    `spelled` gives the words to write where the model keeps a normalised value (a lead
    as typed rather than its canonical name). Fields the reader derives (milestones
    from a timescale, a timescale from milestones) are written only where the file has
    them.
    """
    spelled = spelled or {}
    amap = MapEdit(doc, node)
    if new.text != old.text:
        amap.set("text", new.text)
    if new.progress != old.progress:
        amap.set("status", new.progress)
    if new.completed != old.completed:
        if new.completed is None:
            amap.remove("completed")
        else:
            amap.set("completed", new.completed)
    if (new.leads, new.lead_keys) != (old.leads, old.lead_keys):
        names = spelled.get("lead") or [k or n for n, k in zip(new.leads, new.lead_keys, strict=True)]
        amap.set("lead", names[0] if isinstance(names, list) and len(names) == 1 else names)
    if new.report_to != old.report_to:
        amap.set("report_to", list(new.report_to))
    if new.rag != old.rag:  # the other carried fields (start, progress, measures) are never edited
        amap.set("rag", new.rag)
    if new.timescale != old.timescale and ("due" in amap.entries or "milestones" not in amap.entries):
        amap.set("due", new.timescale.text if new.timescale else "TBC")
    if "milestones" in amap.entries and new.milestones != old.milestones:
        maps = _milestone_maps(doc, amap, plan)
        if len(maps) != len(old.milestones):
            raise PlanctlError("cannot edit the milestones: some are not written as '- due: ...'; "
                               "edit them by hand")
        for i, ms in _pair_milestones(old.milestones, new.milestones):
            mmap, was = maps[i], old.milestones[i]
            if ms.due != was.due:
                mmap.set("due", move_date(mmap.get("due").value, 0, ms.due, ms.due.isoformat()))
            if (ms.done, ms.done_on) != (was.done, was.done_on):
                mmap.set("done", ms.done_on if ms.done and ms.done_on else ms.done)
            if ms.text != was.text:
                mmap.set("text", ms.text)
    if new.reported != old.reported:
        amap.extend("reported", _appended(old.reported, new.reported, "reported:"))
    if new.evidence != old.evidence:
        added = _appended(old.evidence, new.evidence, "evidence:")
        if amap.get("evidence") is None and len(added) == 1:
            amap.set("evidence", added[0])
        else:
            amap.extend("evidence", added)
    if new.updates != old.updates:
        amap.extend("updates", [update_item(u) for u in _appended(old.updates, new.updates, "updates:")])


def action_fields(action: Action, spelled: dict | None = None) -> dict:
    """The keys and values of a new action, in the order a person writes them."""
    spelled = spelled or {}
    fields: dict = {}
    if spelled.get("id"):
        fields["id"] = spelled["id"]
    fields["text"] = action.text
    if action.timescale is not None:
        fields["due"] = action.timescale.text
    lead = spelled.get("lead") or [k or n for n, k in zip(action.leads, action.lead_keys, strict=True)]
    if lead:
        fields["lead"] = lead[0] if isinstance(lead, list) and len(lead) == 1 else lead
    if action.report_to:
        fields["report_to"] = list(action.report_to)
    if action.progress != "not-started":
        fields["status"] = action.progress
    return fields
