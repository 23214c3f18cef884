"""Reading the versions of a plan file one after another: only what a commit changed is parsed.

A history reads every version of a plan, and a commit usually changes one
recommendation. `SequenceReader.load` gives exactly what `reader.load_text` gives
for each version (the same Plan, the same problems at the same places), but parses
only the recommendations whose text it has not read before in the same context (the
rest of the file: leads, themes, named dates, bodies and plan settings change how a
recommendation reads); the others are the objects read then, their lines moved by
as many lines as the recommendation moved (`core.model.evolve`).

It is conservative: `split` cuts a text into the part before the top-level
`recommendations:` block sequence, its items and the part after, only for plain
block-style YAML it can prove it reads as the whole file would be read (see `split`).
Any other text, any version with a problem (error or warning from the reader) and any
doubt (an item not a mapping, an id twice) is read whole with load_text. The checks
over the model (core/validations.py) run on the assembled plan, as load_text runs them.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Hashable
from dataclasses import dataclass

import yaml

from ..core.errors import Problem
from ..core.model import Plan, Recommendation, evolve
from ..core.validations import Position
from .loaded import MAX_FILE_BYTES
from .nodes import NodeReader, TooManyProblems
from .reader import (
    Head,
    _read_recommendation,
    checked,
    default_plan_id,
    is_comparison,
    load_text,
    plan_of,
    read_head,
)
from .yamlsafe import _MAYBE_ANCHOR_ALIAS_TAG, _SHORT_TEXT, compose, decode

Loaded = tuple[Plan | None, list[Problem], bool]
# core.validations.Located's own table: id(model object) -> (it, where its keys were written)
Entries = dict[int, tuple[object, dict[str, Position]]]

# Characters that make YAML's lines differ from "\n"-separated lines or that this module
# does not reason about: CR, YAML-only line breaks, tabs (indentation), a BOM inside the text.
_ODD_CHARS = "\r\t\x85\u2028\u2029\ufeff"
# `|+` / `>+` keep trailing blank lines: which item they belong to depends on what follows.
_KEEP = re.compile(r"[|>][0-9]?\+")
_RECS_LINE = re.compile(r"recommendations:(?: *| +#.*)")
_TOP_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*:(?:[ \n]|$)")


@dataclass(frozen=True)
class Split:
    """A plan's text cut at its recommendations (lines are 0-based)."""

    head: str  # up to and including the `recommendations:` line
    items: tuple[tuple[int, str], ...]  # (the line each item starts on, its text)
    tail: str  # from the first top-level key after the items to the end
    recs_line: int
    block_lines: int  # how many lines the items take


def _content(line: str) -> bool:
    stripped = line.lstrip(" ")
    return bool(stripped) and not stripped.startswith("#")


_MARKERS = re.compile(r"^(?:---|\.\.\.|%)|^[ -]*\?(?: |$)", re.MULTILINE)


def _doubtful(text: str) -> bool:
    """Text `split` does not reason about (read whole instead): too big for the plain
    composer, odd line breaks or tabs, what may be an anchor, alias or tag, kept trailing
    lines, document markers, directives, complex keys. (Each looked for with `in` first:
    a regular expression over the whole text costs more than reading a changed item.)"""
    return (len(text) > _SHORT_TEXT or any(c in text for c in _ODD_CHARS)
            or (("&" in text or "*" in text or "!" in text)
                and _MAYBE_ANCHOR_ALIAS_TAG.search(text) is not None)
            or ("+" in text and _KEEP.search(text) is not None)
            or (("---" in text or "..." in text or "%" in text or "?" in text)
                and _MARKERS.search(text) is not None))


def _recs_line(text: str) -> int | None:
    """Where the one line `recommendations:` (at the left edge, nothing after it but a
    comment) starts; None when there is no such line or more than one."""
    found = None
    at = text.find("recommendations:")
    while at >= 0:
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        if (at == 0 or text[at - 1] == "\n") and _RECS_LINE.fullmatch(text, at, end):
            if found is not None:
                return None
            found = at
        at = text.find("recommendations:", at + 1)
    return found


_SHALLOW: dict[int, re.Pattern[str]] = {}  # indentation -> the line breaks before a line indented less


def _block(text: str, start: int) -> tuple[list[int], int] | None:
    """(where each item starts, where the block ends) for the block starting at `start`
    (just after the `recommendations:` line). An item starts on a line indented as the
    first one and starting "- "; the block ends at the first other line (not blank, not a
    comment) indented no more than that. Lines indented more are found at C speed."""
    at = start
    while at < len(text):  # the first item's line sets the indentation
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        if _content(text[at:end]):
            break
        at = end + 1
    else:
        return None
    indent = len(text[at:end]) - len(text[at:end].lstrip(" "))
    item = " " * indent + "-"
    shallow = _SHALLOW.get(indent)
    if shallow is None:
        if len(_SHALLOW) > 64:  # bounded whatever the indentations met
            _SHALLOW.clear()
        shallow = _SHALLOW.setdefault(indent, re.compile("\n(?! {" + str(indent + 1) + "})"))
    starts: list[int] = []
    for m in shallow.finditer(text, at - 1) if at else [None, *shallow.finditer(text)]:
        line_at = m.end() if m is not None else 0
        end = text.find("\n", line_at)
        line = text[line_at:] if end < 0 else text[line_at:end]
        if not _content(line):
            continue
        if line.startswith(item) and line[len(item):len(item) + 1] in ("", " "):
            starts.append(line_at)
        else:
            return (starts, line_at) if starts else None
    return (starts, len(text)) if starts else None


def split(text: str) -> Split | None:
    """The text cut at its recommendations' items, or None when it is not plain block YAML
    this can cut safely. An item starts on a line whose indentation is the sequence's
    followed by "- "; every other line of the block is blank, a comment or indented more.
    What reading the parts proves (SequenceReader checks it): the `recommendations:` key
    is the top-level mapping's, on its line, and each item composes alone as one mapping,
    so no quoted scalar or flow collection runs from one part into the next."""
    if _doubtful(text):
        return None
    r = _recs_line(text)
    if r is None:
        return None
    head_end = text.find("\n", r) + 1
    found = _block(text, head_end) if head_end else None
    if found is None:
        return None
    starts, end = found
    if end < len(text) and not _TOP_KEY.match(text, end):
        return None
    recs_line = text.count("\n", 0, r)
    line = recs_line + 1
    items = []
    bounds = [*starts, end]
    for n in range(len(starts)):
        line += text.count("\n", bounds[n - 1] if n else head_end, bounds[n])
        items.append((line, text[bounds[n]:bounds[n + 1]]))
    block_lines = text.count("\n", head_end, end)
    return Split(text[:head_end], tuple(items), text[end:], recs_line, block_lines)


@dataclass
class _Context:
    """A context read once: the plan without its recommendations, and where its keys were."""

    serial: int
    reader: NodeReader
    head: Head
    template: Plan
    entries: Entries  # where the reader placed the objects of the context (reader.located)


@dataclass
class _Item:
    line: int  # the line it was read at
    rec: Recommendation
    entries: Entries


def _moved(item: _Item, line: int) -> _Item:
    """The item's objects with their lines moved to an item starting at `line`."""
    d = line - item.line
    rec = item.rec
    actions = tuple(evolve(a, line=a.line + d) for a in rec.actions)
    moved = evolve(rec, line=rec.line + d, actions=actions)
    swap: dict[int, object] = {id(a): b for a, b in zip(rec.actions, actions, strict=True)}
    swap[id(rec)] = moved
    entries: Entries = {}
    for obj, where in item.entries.values():
        new = swap.get(id(obj), obj)
        entries[id(new)] = (new, {k: (at[0] + d, at[1]) for k, at in where.items()})
    return _Item(line, moved, entries)


def _entries(reader: NodeReader) -> Entries:
    return reader.located.entries()


class SequenceReader:
    """load_text for successive versions of plan files, reusing what did not change.

    split=False reads every version whole (the same results; for comparing the two).
    Bounded: two generations of at most `limit` items (or twice a version's items, so a
    version always finds the last one's) and a few contexts.
    """

    CONTEXTS = 8

    def __init__(self, *, split: bool = True, limit: int = 1024) -> None:
        self.split = split
        self.limit = limit
        self._room = limit
        self._contexts: dict[Hashable, _Context | None] = {}
        self._items: dict[Hashable, _Item] = {}
        self._older: dict[Hashable, _Item] = {}
        # (path, plan id, text before, text after) -> a number naming that context in the
        # items' keys: an item reads the same wherever the lines around it moved.
        self._serials: dict[Hashable, int] = {}
        self._numbers = itertools.count(1)  # never one twice: items keyed by an old one stay apart
        self.items_read = 0  # recommendations parsed on their own
        self.read_whole = 0  # versions read whole (load_text)

    def load(self, data: bytes | str, path: str, plan_id: str | None = None) -> Loaded:
        """Exactly `load_text(data, path, plan_id)`."""
        if self.split and len(data) <= MAX_FILE_BYTES:
            text, problems = decode(data, path) if isinstance(data, bytes) else (data, [])
            if text is not None and not problems:
                parts = split(text)
                if parts is not None:
                    found = self._read(parts, path, plan_id)
                    if found is not None:
                        return found
        self.read_whole += 1
        return load_text(data, path, plan_id)

    # -- the parts ------------------------------------------------------------
    def _context(self, parts: Split, path: str, plan_id: str | None) -> _Context | None:
        key = (path, plan_id, parts.head, parts.tail, parts.block_lines)
        if key in self._contexts:
            return self._contexts[key]
        found = self._read_context(parts, path, plan_id)
        if len(self._contexts) >= self.CONTEXTS:
            del self._contexts[next(iter(self._contexts))]
        self._contexts[key] = found
        return found

    def _read_context(self, parts: Split, path: str, plan_id: str | None) -> _Context | None:
        # The items' lines left blank: every other line where it is in the file.
        root, problems = compose(parts.head + "\n" * parts.block_lines + parts.tail, path)
        if problems or not isinstance(root, yaml.MappingNode) or is_comparison(root):
            return None
        recs = [(k, v) for k, v in root.value
                if isinstance(k, yaml.ScalarNode) and k.value == "recommendations"]
        # The key split found is the top-level mapping's own, its value left empty
        if len(recs) != 1 or recs[0][0].start_mark.line != parts.recs_line or recs[0][0].style \
                or recs[0][0].start_mark.column != 0 or not isinstance(recs[0][1], yaml.ScalarNode) \
                or recs[0][1].value != "" or recs[0][1].style:
            return None
        reader = NodeReader(path)
        try:
            head = read_head(reader, root, default_plan_id(path, plan_id))
            template = plan_of(reader, head, ()) if head is not None else None
        except TooManyProblems:
            return None
        if head is None or template is None or reader.problems:
            return None
        serials = self._serials
        ident = (path, plan_id, parts.head, parts.tail)
        if ident not in serials:
            if len(serials) >= self.CONTEXTS:
                del serials[next(iter(serials))]
            serials[ident] = next(self._numbers)
        return _Context(serials[ident], reader, head, template, _entries(reader))

    def _item(self, ctx: _Context, pos: int, line: int, text: str) -> _Item | None:
        key: Hashable = (ctx.serial, text, None)
        found = self._items.get(key) or self._older.get(key)
        if found is None:
            key = (ctx.serial, text, pos)
            found = self._items.get(key) or self._older.get(key)
        if found is None:
            read = _read_item(ctx, pos, line, text)
            self.items_read += 1
            if read is None:
                return None
            found, has_id = read
            key = (ctx.serial, text, None if has_id else pos)
        elif found.line != line:
            found = _moved(found, line)
        if len(self._items) >= self._room:
            self._older, self._items = self._items, {}
        self._items[key] = found
        return found

    def _read(self, parts: Split, path: str, plan_id: str | None) -> Loaded | None:
        ctx = self._context(parts, path, plan_id)
        if ctx is None:
            return None
        reader = NodeReader(path)
        reader.located.update(ctx.entries)
        self._room = max(self.limit, 2 * len(parts.items))
        recs = []
        for pos, (line, text) in enumerate(parts.items, 1):
            item = self._item(ctx, pos, line, text)
            if item is None:
                return None
            recs.append(item.rec)
            reader.located.update(item.entries)
        # What the whole read reports across items (a recommendation or action id twice):
        # read whole instead, so that it is reported where load_text reports it.
        action_ids = [a.id for rec in recs for a in rec.actions]
        if len({rec.id for rec in recs}) != len(recs) or len(set(action_ids)) != len(action_ids):
            return None
        return checked(evolve(ctx.template, recommendations=tuple(recs)), reader)


def _read_item(ctx: _Context, pos: int, line: int, text: str) -> tuple[_Item, bool] | None:
    """(the item read at `line`, whether it writes its own id), or None when it is not one
    mapping read without a problem."""
    # Blank lines, then a key of our own holding the item: the item's lines are its lines.
    root, problems = compose("\n" * (line - 1) + "r:\n" + text, ctx.reader.path)
    if problems or not isinstance(root, yaml.MappingNode) or len(root.value) != 1:
        return None
    seq = root.value[0][1]
    if not isinstance(seq, yaml.SequenceNode) or len(seq.value) != 1:
        return None
    node = seq.value[0]
    if not isinstance(node, yaml.MappingNode) or node.start_mark.line != line:
        return None
    reader = NodeReader(ctx.reader.path)
    context = copy.copy(ctx.head.context)
    context.action_lines = {}  # ids seen in this item only; duplicates across items: see _read
    try:
        rec = _read_recommendation(reader, node, pos, context)
    except TooManyProblems:
        return None
    if rec is None or reader.problems:
        return None
    has_id = any(isinstance(k, yaml.ScalarNode) and k.value == "id" for k, _ in node.value)
    return _Item(line, rec, _entries(reader)), has_id
