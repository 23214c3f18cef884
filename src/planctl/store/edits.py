"""In-place edits of one action that keep every other byte of the plan file.

How: the file is composed with PyYAML's pure-Python composer (whose marks are
character offsets into the text), the action's mapping node is found, and the
edit is made as a few exact text splices inside that node's lines: a scalar is
replaced where it stands, a new key or list item is written on new lines after
the action's (or list's) last line. Nothing is re-serialised, so comments, blank
lines, quoting, key order, indentation, CRLF line endings and a UTF-8 BOM stay
as they were everywhere else.

Before anything is written, the edited text is loaded again with load.load_text:
it must have no errors and must give exactly the expected model (the old plan
with only the intended change); otherwise the edit is refused and the file is
left alone.

Writes: under an exclusive flock on the plan file itself (re-checked to be the
file at that path after locking), the file is read, edited, written to a temp
file in the same folder, fsynced, and moved over the original with os.replace,
keeping its mode. If the bytes on disk change between the read and the replace,
the edit is re-applied to the new bytes (or refused after a few tries).

The core never prints, never reads the clock and never exits.
"""

from __future__ import annotations

import dataclasses
import difflib
import errno
import os
import re
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from ..core.errors import ERROR, OutputError, PlanctlError, UsageError
from ..core.model import Action, Milestone, Plan, Update
from ..core.timescale import (
    PATTERNS,
    Deadline,
    Timescale,
    TimescaleError,
    match_to_date,
    parse_date,
    parse_timescale,
)
from ..format.reader import load_text, normalise_name
from .atomic import atomic_write

BOM = "\ufeff"
_NULLS = {"", "~", "null", "Null", "NULL"}
_BREAK_RE = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# What PyYAML's reader accepts unescaped; anything else goes out as an escape.
_PRINTABLE_RE = re.compile("[\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PLAIN_FIRST_BAD = set("-?:,[]{}#&*!|>'\"%@` ")
_FLOW_BAD = set(",[]{}:#")


@dataclass(frozen=True)
class Edit:
    """What to do to one action. `on` is the date of the event (completion, report, update)."""

    kind: str
    on: date
    text: str | None = None  # note text, drop/reschedule reason
    evidence: tuple[str, ...] = ()
    by: str | None = None
    value: str | None = None  # reschedule: the new date as typed; assign: the lead as typed


@dataclass(frozen=True)
class EditResult:
    path: str
    action_id: str
    old: bytes
    new: bytes
    subject: str  # "completed 2012-10-01": what happened, for messages and the commit subject
    body: str = ""  # evidence, reason or note text, for the commit body
    warnings: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def diff(self) -> str:
        """A unified diff of the edit, line endings left out (so CRLF files read cleanly)."""
        old = _decode(self.old)[0].splitlines()
        new = _decode(self.new)[0].splitlines()
        lines = difflib.unified_diff(old, new, f"a/{self.path}", f"b/{self.path}", lineterm="")
        return "".join(line + "\n" for line in lines)


# -- rendering values ------------------------------------------------------------


def _plain_ok(s: str, flow: bool) -> bool:
    if not s or s != s.strip() or s in _NULLS or s.lower() in ("null", "~"):
        return False
    if s[0] in _PLAIN_FIRST_BAD or ": " in s or " #" in s or s.endswith(":") or "\t" in s:
        return False
    if flow and _FLOW_BAD & set(s):
        return False
    return all(_PRINTABLE_RE.match(ch) for ch in s)


def _quoted(s: str) -> str:
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif _PRINTABLE_RE.match(ch) and ch != BOM:
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else
                       f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def scalar(value: str | date, flow: bool = False) -> str:
    """One YAML scalar that reads back as exactly `value`, on one line."""
    if isinstance(value, date):
        return value.isoformat()
    return value if _plain_ok(value, flow) else _quoted(value)


def flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value, flow=True)


def block(value, indent: int) -> list[str]:
    """Lines of a block list or mapping (of scalars or flat mappings) at `indent`."""
    pad = " " * indent
    if isinstance(value, dict):
        return [f"{pad}{k}: {scalar(v)}" for k, v in value.items()]
    lines = []
    for item in value:
        if isinstance(item, dict):
            inner = block(item, indent + 2)
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines += inner[1:]
        else:
            lines.append(f"{pad}- {scalar(item)}")
    return lines


def check_text(text: str, what: str) -> str:
    """Text the user gave, refused when it cannot go into a plan."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{what} is not valid UTF-8 text") from None
    if not text.strip():
        raise UsageError(f"{what} is empty")
    return text


# -- the text and its nodes --------------------------------------------------------


def _decode(data: bytes) -> tuple[str, bool]:
    bom = data.startswith(BOM.encode())
    return data.decode("utf-8-sig"), bom


class _Doc:
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
                raise PlanctlError("internal error: overlapping edits; nothing was changed")
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


def _is_null(node) -> bool:
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value in _NULLS


class _Map:
    """Edits to one mapping node (block or flow) of a _Doc."""

    def __init__(self, doc: _Doc, node):
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
        if isinstance(node, yaml.ScalarNode) and not isinstance(value, list | dict) and not _is_null(node):
            self.doc.splice(node.start_mark.index, self.doc.content_end(node), scalar(value, self.flow))
        else:
            self._replace_from_colon(key_node, node, value)

    def extend(self, key: str, items: list) -> None:
        """Add items at the end of the list under key (made a list when it was one value)."""
        if key not in self.entries:
            self._add(key, items)
            return
        key_node, node = self.entries[key]
        if _is_null(node):
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
            self._insert_lines_after(self.doc.content_end(node.value[-1]), lines, dash, 0)
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
        self._insert_lines_after(self.doc.content_end(self.node), lines, self.indent, 1)

    def _replace_from_colon(self, key_node, node, value) -> None:
        colon = self.doc.colon_after(key_node)
        end = colon + 1 if _is_null(node) and not node.value else max(colon + 1, self.doc.content_end(node))
        if self.flow or not isinstance(value, list):
            text = f": {flow(value)}" if isinstance(value, list | dict) else f": {scalar(value, self.flow)}"
        else:
            _, nl = self.doc.line_end(colon)
            text = ":" + "".join(nl + line for line in block(value, self.indent + 2))
        self.doc.splice(colon, end, text)

    def _insert_lines_after(self, pos: int, lines: list[str], indent: int, kind: int) -> None:
        # Several insertions after one line: the more indented (inner) first, and list items
        # before keys at the same column (an indentless list), so each lands in its parent.
        at, nl = self.doc.line_end(pos)
        self.doc.splice(at, at, "".join(nl + line for line in lines), (-indent, kind))


def _find_action_node(root, action_id: str):
    """The mapping node of the action with this id, ids worked out as load.py does."""

    def value(mapping, key):
        for k, v in mapping.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
        return None

    def written_id(node):
        v = value(node, "id")
        if isinstance(v, yaml.ScalarNode) and not _is_null(v) and v.value.strip():
            return v.value.strip()
        return None

    recs = value(root, "recommendations") if isinstance(root, yaml.MappingNode) else None
    found = []
    for pos, rec in enumerate(recs.value if isinstance(recs, yaml.SequenceNode) else [], 1):
        if not isinstance(rec, yaml.MappingNode):
            continue
        rec_id = written_id(rec) or str(pos)
        actions = value(rec, "actions")
        for apos, node in enumerate(actions.value if isinstance(actions, yaml.SequenceNode) else [], 1):
            if isinstance(node, yaml.MappingNode) and (written_id(node) or f"{rec_id}.{apos}") == action_id:
                found.append(node)
    if len(found) != 1:
        raise PlanctlError(f"cannot find action {action_id!r} in the file's YAML; nothing was changed")
    return found[0]


# -- the model we expect after an edit ---------------------------------------------------


def _without_lines(plan: Plan) -> Plan:
    """The plan with every line/column set to 0, for comparing models across an edit."""
    def no_line(x):
        return dataclasses.replace(x, line=0)

    recs = tuple(dataclasses.replace(r, line=0, actions=tuple(
        dataclasses.replace(a, line=0, column=0) for a in r.actions)) for r in plan.recommendations)
    findings = plan.findings and dataclasses.replace(plan.findings, areas=tuple(
        dataclasses.replace(area, judgements=tuple(map(no_line, area.judgements)))
        for area in plan.findings.areas))
    return dataclasses.replace(plan, recommendations=recs, findings=findings,
                               leads=tuple(map(no_line, plan.leads)), bodies=tuple(map(no_line, plan.bodies)))


def _inline_milestones(timescale: Timescale | None, reported: tuple[date, ...]) -> tuple[Milestone, ...]:
    if timescale is None:
        return ()
    return tuple(Milestone(d.due, d.label, i < len(reported), reported[i] if i < len(reported) else None)
                 for i, d in enumerate(timescale.deadlines))


def _synthetic_timescale(milestones) -> Timescale:
    """The timescale load.py makes for an action with milestones and no due."""
    return Timescale("; ".join(f"{ms.text + ' ' if ms.text else ''}{ms.due:%d.%m.%y}" for ms in milestones),
                     tuple(Deadline(ms.due, ms.text) for ms in milestones))


def _resolve_lead(plan: Plan, written: str) -> tuple[str, str | None]:
    wanted = normalise_name(written)
    for lead in plan.leads:
        if wanted in {normalise_name(n) for n in (lead.key, lead.name, *lead.aliases)}:
            return lead.name, lead.key
    return written.strip(), None


# -- planning an edit ------------------------------------------------------------


@dataclass
class _Plan:
    """The splices are made on `doc`; the rest describes the result."""

    expected: Action
    subject: str
    body: str = ""
    notes: list[str] = field(default_factory=list)


def _update(edit: Edit, text: str) -> dict:
    item = {"date": edit.on, "text": text}
    if edit.by:
        item["by"] = edit.by.strip()
    return item


def _model_update(edit: Edit, text: str) -> Update:
    return Update(edit.on, text.strip(), edit.by.strip() if edit.by else None)


def _read_timescale(written: str, plan: Plan) -> Timescale:
    """A timescale read as the loader reads it in this plan (its publication, calendar, year)."""
    return parse_timescale(written, plan.inspection.published, calendar=plan.calendar,
                           year_starts=plan.year_starts)


def _milestone_maps(doc: _Doc, amap: _Map, plan: Plan) -> list[_Map]:
    """The `milestones:` entries as maps, in due order (the order load.py gives them)."""
    node = amap.get("milestones")
    maps = [_Map(doc, n) for n in (node.value if isinstance(node, yaml.SequenceNode) else [])]
    return sorted(maps, key=lambda m: _read_timescale(m.get("due").value, plan).deadlines[0].due)


def _next_open_milestone(doc, amap, plan, action, doing: str) -> tuple[int, _Map]:
    maps = _milestone_maps(doc, amap, plan)
    open_ = [i for i, ms in enumerate(action.milestones) if not ms.done]
    if not open_ or len(maps) != len(action.milestones):
        raise UsageError(f"every milestone of {action.id} is already done; {doing}")
    return open_[0], maps[open_[0]]


def _done(doc, amap, plan, action, edit) -> _Plan:
    if action.progress == "completed":
        when = f" on {action.completed.isoformat()}" if action.completed else ""
        raise UsageError(f"{action.id} is already completed{when}; nothing was changed")
    evidence = [check_text(t, "the evidence").strip() for t in edit.evidence]
    body = "\n".join(f"Evidence: {t}" for t in evidence)
    day = edit.on.isoformat()
    if action.repeat:
        amap.extend("reported", [edit.on])
        exp = dataclasses.replace(action, reported=action.reported + (edit.on,))
        planned = _Plan(exp, f"reported {day}", body)
    elif amap.get("milestones") is not None:
        i, mmap = _next_open_milestone(doc, amap, plan, action, "nothing was changed")
        mmap.set("done", edit.on)
        milestones = list(action.milestones)
        ms = milestones[i] = dataclasses.replace(milestones[i], done=True, done_on=edit.on)
        label = f" ({ms.text})" if ms.text else ""
        planned = _Plan(dataclasses.replace(action, milestones=tuple(milestones)),
                        f"milestone due {ms.due.isoformat()}{label} done {day}", body)
    elif action.timescale is not None and len(action.timescale.deadlines) > 1:
        if len(action.reported) >= len(action.timescale.deadlines):
            raise UsageError(f"every date of {action.id}'s timescale is already reported; "
                             "nothing was changed")
        deadline = action.timescale.deadlines[len(action.reported)]
        amap.extend("reported", [edit.on])
        reported = action.reported + (edit.on,)
        exp = dataclasses.replace(action, reported=reported,
                                  milestones=_inline_milestones(action.timescale, reported))
        label = f" ({deadline.label})" if deadline.label else ""
        planned = _Plan(exp, f"milestone due {deadline.due.isoformat()}{label} done {day}", body)
    else:
        amap.set("status", "completed")
        amap.set("completed", edit.on)
        planned = _Plan(dataclasses.replace(action, progress="completed", completed=edit.on),
                        f"completed {day}", body)
    if evidence:
        if amap.get("evidence") is None and len(evidence) == 1:
            amap.set("evidence", evidence[0])
        else:
            amap.extend("evidence", evidence)
        planned.expected = dataclasses.replace(planned.expected,
                                               evidence=action.evidence + tuple(evidence))
    return planned


def _start(doc, amap, plan, action, edit) -> _Plan:
    if action.progress == "completed":
        raise UsageError(f"{action.id} is completed; to reopen it, edit its status and "
                         "completed date by hand")
    if action.progress != "in-progress":
        amap.set("status", "in-progress")
    return _Plan(dataclasses.replace(action, progress="in-progress"), "started")


def _drop(doc, amap, plan, action, edit) -> _Plan:
    if action.progress == "dropped":
        raise UsageError(f"{action.id} is already dropped; nothing was changed")
    reason = check_text(edit.text or "", "the reason").strip()
    amap.set("status", "dropped")
    amap.extend("updates", [_update(edit, f"Dropped: {reason}")])
    exp = dataclasses.replace(action, progress="dropped",
                              updates=action.updates + (_model_update(edit, f"Dropped: {reason}"),))
    return _Plan(exp, "dropped", f"Reason: {reason}")


def _note(doc, amap, plan, action, edit) -> _Plan:
    text = check_text(edit.text or "", "the note").strip()
    amap.extend("updates", [_update(edit, text)])
    exp = dataclasses.replace(action, updates=action.updates + (_model_update(edit, text),))
    return _Plan(exp, f"update {edit.on.isoformat()}", text)


def _restyle(old: re.Match, new: date, typed: str) -> str:
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


def _move_date(written: str, index: int, new: date, typed: str, due: date | None = None) -> str:
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
    return text[: m.start()] + _restyle(m, new, typed) + text[m.end():]


def _reschedule(doc, amap, plan, action, edit) -> _Plan:
    typed = (edit.value or "").strip()
    try:
        new = parse_date(typed)
    except TimescaleError as exc:
        raise UsageError(f"the new date: {exc}") from None
    if action.progress == "completed":
        raise UsageError(f"{action.id} is completed; there is nothing to reschedule")
    reason = check_text(edit.text or "", "the reason").strip()
    if amap.get("milestones") is not None:
        i, mmap = _next_open_milestone(doc, amap, plan, action, "there is nothing to reschedule")
        old_text = " ".join(mmap.get("due").value.split())
        new_due = _move_date(old_text, 0, new, typed)
        try:
            label = _read_timescale(new_due, plan).deadlines[0].label
        except TimescaleError as exc:
            raise UsageError(f"{action.id} cannot move to {typed}: {exc}") from None
        mmap.set("due", new_due)
        ms = action.milestones[i]
        milestones = list(action.milestones)
        milestones[i] = dataclasses.replace(ms, due=new, text=ms.text if mmap.get("text") else label)
        milestones.sort(key=lambda m: m.due)
        exp = dataclasses.replace(action, milestones=tuple(milestones))
        if amap.get("due") is None:
            exp = dataclasses.replace(exp, timescale=_synthetic_timescale(milestones))
        what = f"milestone {ms.text} " if ms.text else "milestone "
    else:
        old_text = action.timescale_text
        if action.timescale is None or not (action.timescale.deadlines or action.timescale.start):
            new_due = typed
        elif not action.timescale.deadlines:  # "From June 2013": the start stays, a deadline joins
            new_due = f"{old_text}, by {typed}"
        else:
            # The next open date moves; a recurring action moves its first (the series start).
            index = 0 if action.repeat else min(len(action.reported), len(action.timescale.deadlines) - 1)
            new_due = _move_date(old_text, index, new, typed, action.timescale.deadlines[index].due)
            if new_due == typed and action.timescale.repeat:  # "Quarterly": keep the rhythm
                new_due = f"{old_text}, first by {typed}"
        try:
            timescale = _read_timescale(new_due, plan)
        except TimescaleError as exc:
            raise UsageError(f"{action.id} cannot move to {typed}: {exc}") from None
        amap.set("due", new_due)
        # The start and a recurring form come from the due as the loader reads it.
        repeat = action.repeat if amap.get("repeat") is not None else timescale.repeat
        exp = dataclasses.replace(action, timescale=timescale, start=timescale.start, repeat=repeat)
        if not repeat:
            exp = dataclasses.replace(exp, milestones=_inline_milestones(timescale, action.reported))
        what = ""
    change = f"Rescheduled {what}from {old_text or 'no date'} to {new_due}"
    amap.extend("updates", [_update(edit, f"{change}: {reason}")])
    exp = dataclasses.replace(exp, updates=exp.updates + (_model_update(edit, f"{change}: {reason}"),))
    return _Plan(exp, change[0].lower() + change[1:], f"Reason: {reason}")


def _assign(doc, amap, plan, action, edit) -> _Plan:
    written = check_text(edit.value or "", "the lead").strip()
    name, key = _resolve_lead(plan, written)
    if action.leads == (name,) and action.lead_keys == (key,):
        return _Plan(action, f"lead {name}")
    amap.set("lead", written)
    exp = dataclasses.replace(action, leads=(name,), lead_keys=(key,))
    notes = []
    if key is None and plan.leads:
        choices = [x for lead in plan.leads for x in (lead.key, lead.name, *lead.aliases)]
        close = difflib.get_close_matches(written, choices, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else "; add it under leads:"
        notes.append(f"{written!r} is not one of the plan's leads{hint}")
    return _Plan(exp, f"lead {name}", notes=notes)


_PLANNERS = {"done": _done, "start": _start, "drop": _drop, "note": _note,
             "reschedule": _reschedule, "assign": _assign}


def _swap_action(plan: Plan, action_id: str, new: Action) -> Plan:
    recs = tuple(dataclasses.replace(r, actions=tuple(new if a.id == action_id else a for a in r.actions))
                 for r in plan.recommendations)
    return dataclasses.replace(plan, recommendations=recs)


def edit_bytes(data: bytes, path: str, action_id: str, edit: Edit) -> EditResult:
    """The file's new bytes after the edit: pure, validated. Raises PlanctlError when refused."""
    if edit.kind not in _PLANNERS:
        raise UsageError(f"unknown edit {edit.kind!r}")
    try:
        text, bom = _decode(data)
    except UnicodeDecodeError:
        raise PlanctlError(f"{path} is not UTF-8; run 'planctl check'") from None
    plan, problems, _ = load_text(data, path)
    errors = [p for p in problems if p.severity == ERROR]
    if plan is None or errors:
        first = errors[0].for_error() if errors else f"{path}: not a plan"
        raise PlanctlError(f"{path} has errors, so it is not edited; fix them first "
                           f"('planctl check'): {first}")
    action = next((a for a in plan.actions if a.id == action_id), None)
    if action is None:
        raise UsageError(f"no action {action_id!r} in {path} (did the file change?); nothing was changed")
    doc = _Doc(text)
    node = _find_action_node(doc.root, action_id)
    if doc.fast and not doc.marks_agree(node):
        doc = _Doc(text, fast=False)
        node = _find_action_node(doc.root, action_id)
    planned = _PLANNERS[edit.kind](doc, _Map(doc, node), plan, action, edit)

    # Every splice must sit inside the action's own lines.
    first, last = doc.line_start(node.start_mark.index), doc.line_end(doc.content_end(node))[0]
    if any(s < first or e > last for s, e, _, _ in doc.splices):
        raise PlanctlError(f"cannot edit {action_id}: its YAML reaches outside its own lines "
                           "(anchors or aliases?); edit it by hand")
    new_text = doc.result()
    new = ((BOM if bom else "") + new_text).encode("utf-8")
    result = EditResult(path, action_id, data, new, planned.subject, planned.body, tuple(planned.notes))
    if not result.changed:
        return result

    new_plan, new_problems, _ = load_text(new, path)
    new_errors = [p for p in new_problems if p.severity == ERROR]
    if new_plan is None or new_errors:
        detail = new_errors[0].message if new_errors else "not a plan"
        raise PlanctlError(f"the edit would make {path} invalid ({detail}); nothing was changed")
    expected = _swap_action(plan, action_id, planned.expected)
    if _without_lines(new_plan) != _without_lines(expected):
        raise PlanctlError(f"the edit of {action_id} did not read back as intended; nothing was "
                           "changed (please report this with the plan file)")
    old_warnings = {(p.code, p.message) for p in problems if p.severity != ERROR}
    new_warnings = [p.message for p in new_problems
                    if p.severity not in (ERROR, "strict") and (p.code, p.message) not in old_warnings]
    notes = planned.notes or new_warnings
    return dataclasses.replace(result, warnings=tuple(notes))


# -- files: lock, read, write atomically ------------------------------------------


def _oserror(path: str, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(f"cannot write {path}: {reason}; the file is unchanged")


def _lock(path: str, wait: float) -> int:
    """An fd of the file at path, exclusively flocked; the path still names that file."""
    import fcntl

    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError as exc:
            raise PlanctlError(f"cannot open {path}: {exc.strerror or exc}") from None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise PlanctlError(f"{path} is being edited by another planctl; "
                                       "try again") from None
                time.sleep(0.01)
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        # Another process replaced the file while we waited: lock the new one.
        os.close(fd)


def _read_fd(fd: int) -> bytes:
    chunks = []
    os.lseek(fd, 0, os.SEEK_SET)
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def _still(path: str, data: bytes) -> bool:
    """The file still holds what we read: someone outside planctl (an editor) may have saved."""
    try:
        return Path(path).read_bytes() == data
    except OSError:
        return False


def apply_file(path: str | os.PathLike, action_id: str, edit: Edit, *, dry_run: bool = False,
               before_write: Callable[[EditResult], None] | None = None,
               after_write: Callable[[EditResult], None] | None = None,
               lock_wait: float = 60.0, tries: int = 5) -> EditResult:
    """Edit the action in the file: read, edit, validate, write atomically, all under a lock.

    before_write runs under the lock before anything is written (to refuse early);
    after_write runs under the lock once the file is written (e.g. a git commit), so
    no other planctl edit can slip in between.
    """
    shown = str(path)
    real = os.path.realpath(path)  # a symlinked plan is edited where it lives
    if dry_run:
        try:
            data = Path(real).read_bytes()
        except OSError as exc:
            raise PlanctlError(f"cannot read {shown}: {exc.strerror or exc}") from None
        return edit_bytes(data, shown, action_id, edit)
    if not os.path.isdir(os.path.dirname(real) or "."):
        raise PlanctlError(f"cannot write {shown}: the folder does not exist")
    for _ in range(tries):
        fd = _lock(real, lock_wait)
        try:
            st = os.fstat(fd)
            data = _read_fd(fd)
            result = edit_bytes(data, shown, action_id, edit)
            if not result.changed:
                return result
            if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(real, os.W_OK):
                raise OutputError(f"{shown} is read-only; nothing was changed")
            if before_write is not None:
                before_write(result)

            try:
                written = atomic_write(real, result.new, mode=stat.S_IMODE(st.st_mode),
                                       owner=(st.st_uid, st.st_gid),
                                       unchanged=lambda read=data: _still(real, read))
            except OSError as exc:
                if exc.errno == errno.ENOENT and not os.path.isdir(os.path.dirname(real) or "."):
                    raise PlanctlError(f"cannot write {shown}: the folder does not exist") from None
                raise _oserror(shown, exc) from None
            if written:
                if after_write is not None:
                    after_write(result)
                return result
        finally:
            os.close(fd)
    raise PlanctlError(f"{shown} kept changing on disk while planctl was editing it; "
                       "nothing was changed, try again")
