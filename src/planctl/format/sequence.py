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
Entries = list[tuple[object, dict[str, Position]]]  # (model object, where its keys were written)

# Characters that make YAML's lines differ from "\n"-separated lines or that this module
# does not reason about: CR, YAML-only line breaks, tabs (indentation), a BOM inside the text.
_ODD_CHARS = "\r\t\x85\u2028\u2029\ufeff"
# `|+` / `>+` keep trailing blank lines: which item they belong to depends on what follows.
_KEEP = re.compile(r"[|>][0-9]?\+")
_RECS_LINE = re.compile(r"recommendations:[ ]*(?:#.*)?")
_TOP_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*:(?: |$)")


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


def _block_end(lines: list[str], r: int) -> tuple[list[int], int]:
    """(the lines items start on, the line after the block) for the block after line r."""
    starts: list[int] = []
    deeper = item = ""
    for i in range(r + 1, len(lines)):
        line = lines[i]
        if line.startswith(deeper) and deeper:  # most lines: inside an item
            continue
        if not _content(line):
            continue
        if not deeper:  # the first item sets the sequence's indentation
            at = len(line) - len(line.lstrip(" "))
            deeper, item = " " * (at + 1), " " * at + "-"
        if line.startswith(item) and line[len(item):len(item) + 1] in ("", " "):
            starts.append(i)
        else:  # less indented, or as indented but not an item: the block ends
            return starts, i
    return starts, len(lines)


def split(text: str) -> Split | None:
    """The text cut at its recommendations' items, or None when it is not plain block YAML
    this can cut safely. An item starts on a line whose indentation is the sequence's
    followed by "- "; every other line of the block is blank, a comment or indented more.
    What reading the parts proves (SequenceReader checks it): the `recommendations:` key
    is the top-level mapping's, on its line, and each item composes alone as one mapping,
    so no quoted scalar or flow collection runs from one part into the next."""
    if _doubtful(text):
        return None
    lines = text.split("\n")
    found = [i for i, line in enumerate(lines) if _RECS_LINE.fullmatch(line)]
    if len(found) != 1:
        return None
    r = found[0]
    starts, end = _block_end(lines, r)
    if not starts or starts[0] != next((i for i in range(r + 1, end) if _content(lines[i])), -1) \
            or (end < len(lines) and not _TOP_KEY.match(lines[end])):
        return None
    offsets = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
    bounds = [offsets[i] for i in (*starts, end)]
    items = tuple((line, text[bounds[n]:bounds[n + 1]]) for n, line in enumerate(starts))
    return Split(text[:offsets[r + 1]], items, text[bounds[-1]:], r, end - r - 1)


@dataclass
class _Context:
    """A context read once: the plan without its recommendations, and where its keys were."""

    serial: int
    reader: NodeReader
    head: Head
    template: Plan


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
    entries: Entries = [(swap.get(id(obj), obj), {k: (at[0] + d, at[1]) for k, at in where.items()})
                        for obj, where in item.entries]
    return _Item(line, moved, entries)


def _entries(reader: NodeReader) -> Entries:
    return [(obj, dict(where)) for obj, where in reader.located._at.values()]


class SequenceReader:
    """load_text for successive versions of plan files, reusing what did not change.

    split=False reads every version whole (the same results; for comparing the two).
    Bounded: at most `limit` items kept (the newest generation when it fills) and a few
    contexts.
    """

    CONTEXTS = 8

    def __init__(self, *, split: bool = True, limit: int = 4096) -> None:
        self.split = split
        self.limit = limit
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
        return _Context(serials[ident], reader, head, template)

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
        if len(self._items) >= self.limit:
            self._older, self._items = self._items, {}
        self._items[key] = found
        return found

    def _read(self, parts: Split, path: str, plan_id: str | None) -> Loaded | None:
        ctx = self._context(parts, path, plan_id)
        if ctx is None:
            return None
        reader = NodeReader(path)
        reader.located._at.update(ctx.reader.located._at)
        recs = []
        for pos, (line, text) in enumerate(parts.items, 1):
            item = self._item(ctx, pos, line, text)
            if item is None:
                return None
            recs.append(item.rec)
            for obj, where in item.entries:
                reader.located.add(obj, where)
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
