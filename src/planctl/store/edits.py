"""Edits of a plan file that keep every byte they do not change.

Each edit command is a pure change of the model: the plan and the action as
read, in; the action as it should read afterwards, out (`dataclasses.replace`).
format/writer turns that change into a few exact text splices at the positions
of the composed nodes (nothing is re-serialised, so comments, blank lines,
quoting, key order, indentation, CRLF line endings and a UTF-8 BOM stay as they
were). `add` inserts new lines for a new action or recommendation the same way.

Before anything is written, the edited text is read again with the reader: it
must have no errors and must give exactly the expected model (the old plan with
only the intended change); otherwise the edit is refused and the file is left
alone.

At scale (issue 17: one file of 5,000 actions) the edit reads the file once: the
plan as read comes from the parse cache (the folder load has just put it there),
the action's node from composing only the action's own lines (writer.Doc.of_item;
the whole text where they cannot be told apart), and the one full read is the
read-back, also through the cache, so the next command finds the edited file's
entry. Every cache hit is keyed by the exact bytes, so it is what the reader
gives for them.

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
import functools
import operator
import os
import re
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from ..core.errors import ERROR, InternalError, OutputError, PlanctlError, UsageError
from ..core.model import Action, Plan, Recommendation, Update
from ..core.timescale import Timescale, TimescaleError, parse_date, parse_timescale
from ..format import writer
from ..format.reader import normalise_name
from .atomic import atomic_write
from .cache import load_cached

BOM = "\ufeff"


@dataclass(frozen=True)
class Edit:
    """What to do to one action. `on` is the date of the event (completion, report, update)."""

    kind: str
    on: date
    text: str | None = None  # note text; drop, reschedule, assign, reopen reason
    evidence: tuple[str, ...] = ()
    by: str | None = None
    value: str | None = None  # reschedule: the new date as typed; assign: the lead as typed


@dataclass(frozen=True)
class Addition:
    """A new action for recommendation `rec`, or a new recommendation when `rec` is None."""

    text: str
    rec: str | None = None
    due: str | None = None
    lead: str | None = None
    report_to: tuple[str, ...] = ()
    id: str | None = None
    after: str | None = None
    before: str | None = None


@dataclass(frozen=True)
class EditResult:
    path: str
    action_id: str
    old: bytes
    new: bytes
    subject: str  # "completed 2012-10-01": what happened, for messages and the commit subject
    body: str = ""  # free text for the commit body (a note's text)
    warnings: tuple[str, ...] = ()
    trailers: tuple[tuple[str, str], ...] = ()  # ("Reason", ...), ("Evidence", ...) for the commit

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def diff(self) -> str:
        """A unified diff of the edit, line endings left out (so CRLF files read cleanly)."""
        old = _decode(self.old)[0].splitlines()
        new = _decode(self.new)[0].splitlines()
        lines = difflib.unified_diff(old, new, f"a/{self.path}", f"b/{self.path}", lineterm="")
        return "".join(line + "\n" for line in lines)

    def message(self, plan_id: str) -> tuple[str, str]:
        """(subject, body) of the commit: the free text, then trailers (git interpret-trailers
        format: `Reason: ...`, one line each, in the last paragraph)."""
        trailers = [f"{key}: {' '.join(value.split())}" for key, value in self.trailers]
        what = "recommendation" if self.subject == "added recommendation" else "action"
        trailers.append(f"Plan: {plan_id}, {what} {self.action_id}")
        body = "\n\n".join(filter(None, [self.body.strip(), "\n".join(trailers)]))
        return f"{self.action_id}: {self.subject}", body


def check_text(text: str, what: str) -> str:
    """Text the user gave, refused when it cannot go into a plan."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{what} is not valid UTF-8 text") from None
    if not text.strip():
        raise UsageError(f"{what} is empty")
    return text


def _decode(data: bytes) -> tuple[str, bool]:
    bom = data.startswith(BOM.encode())
    return data.decode("utf-8-sig"), bom


# -- the model we expect after an edit ---------------------------------------------------


def _without_lines(plan: Plan) -> Plan:
    """The plan with every line/column set to 0: what _same_but_lines compares, by definition
    (tests/test_speed_edits.py checks that the two agree)."""
    def no_line(x):
        return dataclasses.replace(x, line=0)

    recs = tuple(dataclasses.replace(r, line=0, actions=tuple(
        dataclasses.replace(a, line=0, column=0) for a in r.actions)) for r in plan.recommendations)
    findings = plan.findings and dataclasses.replace(plan.findings, areas=tuple(
        dataclasses.replace(area, judgements=tuple(map(no_line, area.judgements)))
        for area in plan.findings.areas))
    return dataclasses.replace(plan, recommendations=recs, findings=findings,
                               leads=tuple(map(no_line, plan.leads)), bodies=tuple(map(no_line, plan.bodies)))


@functools.cache
def _getter(cls: type, skip: tuple[str, ...]) -> Callable:
    """The dataclass's fields but `skip`, as a tuple (what its __eq__ compares, less those)."""
    names = [f.name for f in dataclasses.fields(cls) if f.name not in skip]
    return operator.attrgetter(*names) if len(names) > 1 else (lambda x: tuple(getattr(x, n) for n in names))


def _fields(x, skip: tuple[str, ...]) -> tuple:
    return _getter(type(x), skip)(x)


def _same_items(a: tuple, b: tuple, skip: tuple[str, ...]) -> bool:
    return len(a) == len(b) and all(
        type(x) is type(y) and _fields(x, skip) == _fields(y, skip) for x, y in zip(a, b, strict=True))


def _same_but_lines(a: Plan, b: Plan) -> bool:
    """_without_lines(a) == _without_lines(b), without building two copies of a plan of
    thousands of actions: the fields compared one object at a time, lines and columns left out."""
    if type(a) is not type(b):
        return False
    outer = ("recommendations", "findings", "leads", "bodies")
    if _fields(a, outer) != _fields(b, outer):
        return False
    if not (_same_items(a.leads, b.leads, ("line",)) and _same_items(a.bodies, b.bodies, ("line",))):
        return False
    ra, rb = a.recommendations, b.recommendations
    if len(ra) != len(rb) or not all(
            type(x) is type(y) and _fields(x, ("line", "actions")) == _fields(y, ("line", "actions"))
            and _same_items(x.actions, y.actions, ("line", "column")) for x, y in zip(ra, rb, strict=True)):
        return False
    fa, fb = a.findings, b.findings
    if not (fa and fb):
        return fa == fb
    return (type(fa) is type(fb) and _fields(fa, ("areas",)) == _fields(fb, ("areas",))
            and len(fa.areas) == len(fb.areas) and all(
                type(x) is type(y) and _fields(x, ("judgements",)) == _fields(y, ("judgements",))
                and _same_items(x.judgements, y.judgements, ("line",))
                for x, y in zip(fa.areas, fb.areas, strict=True)))


def _with_derived(expected: Plan, read: Plan, shapes: dict[str, writer.Written]) -> Plan:
    """`expected` with the fields the reader derives taken from what it read: milestones of
    an action without `milestones:` (from its dates and reports), and the timescale of one
    with milestones but no `due:`. Those follow from the written fields, which are compared;
    edits never re-implement the reader's derivations."""
    got = {a.id: a for a in read.actions}

    def fix(a: Action) -> Action:
        shape, r = shapes.get(a.id), got.get(a.id)
        if shape is None or r is None:
            return a
        if "milestones" not in shape.keys:
            a = dataclasses.replace(a, milestones=r.milestones)
        elif "due" not in shape.keys:
            a = dataclasses.replace(a, timescale=r.timescale)
        return a

    recs = tuple(dataclasses.replace(rec, actions=tuple(map(fix, rec.actions)))
                 if any(a.id in shapes for a in rec.actions) else rec
                 for rec in expected.recommendations)
    return dataclasses.replace(expected, recommendations=recs)


def _resolve_lead(plan: Plan, written: str) -> tuple[str, str | None]:
    wanted = normalise_name(written)
    for lead in plan.leads:
        if wanted in {normalise_name(n) for n in (lead.key, lead.name, *lead.aliases)}:
            return lead.name, lead.key
    return written.strip(), None


def _unknown_lead_note(plan: Plan, written: str, key: str | None) -> list[str]:
    if key is not None or not plan.leads:
        return []
    choices = [x for lead in plan.leads for x in (lead.key, lead.name, *lead.aliases)]
    close = difflib.get_close_matches(written, choices, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else "; add it under leads:"
    return [f"{written!r} is not one of the plan's leads{hint}"]


# -- each edit: a pure change of one action ------------------------------------------------


@dataclass
class Change:
    """The action as it should read after the edit, and what to say about it."""

    action: Action
    subject: str
    body: str = ""
    trailers: tuple[tuple[str, str], ...] = ()
    notes: list[str] = field(default_factory=list)
    spelled: dict = field(default_factory=dict)  # words to write where the model normalises


def _update(edit: Edit, text: str) -> Update:
    return Update(edit.on, text.strip(), edit.by.strip() if edit.by else None)


def _read_timescale(written: str, plan: Plan) -> Timescale:
    """A timescale read as the loader reads it in this plan (its publication, calendar, year)."""
    return parse_timescale(written, plan.inspection.published, calendar=plan.calendar,
                           year_starts=plan.year_starts)


def _reason(edit: Edit) -> str:
    return check_text(edit.text or "", "the reason").strip()


def _next_open(action: Action, doing: str) -> int:
    open_ = [i for i, ms in enumerate(action.milestones) if not ms.done]
    if not open_:
        raise UsageError(f"every milestone of {action.id} is already done; {doing}")
    return open_[0]


def _done(plan: Plan, action: Action, shape: writer.Written, edit: Edit) -> Change:
    if action.progress == "completed":
        when = f" on {action.completed.isoformat()}" if action.completed else ""
        raise UsageError(f"{action.id} is already completed{when}; nothing was changed")
    evidence = tuple(check_text(t, "the evidence").strip() for t in edit.evidence)
    day = edit.on.isoformat()
    if action.repeat:
        new = dataclasses.replace(action, reported=action.reported + (edit.on,))
        subject = f"reported {day}"
    elif "milestones" in shape.keys:
        i = _next_open(action, "nothing was changed")
        milestones = list(action.milestones)
        ms = milestones[i] = dataclasses.replace(milestones[i], done=True, done_on=edit.on)
        label = f" ({ms.text})" if ms.text else ""
        new = dataclasses.replace(action, milestones=tuple(milestones))
        subject = f"milestone due {ms.due.isoformat()}{label} done {day}"
    elif action.timescale is not None and len(action.timescale.deadlines) > 1:
        if len(action.reported) >= len(action.timescale.deadlines):
            raise UsageError(f"every date of {action.id}'s timescale is already reported; "
                             "nothing was changed")
        deadline = action.timescale.deadlines[len(action.reported)]
        new = dataclasses.replace(action, reported=action.reported + (edit.on,))
        label = f" ({deadline.label})" if deadline.label else ""
        subject = f"milestone due {deadline.due.isoformat()}{label} done {day}"
    else:
        new = dataclasses.replace(action, progress="completed", completed=edit.on)
        subject = f"completed {day}"
    new = dataclasses.replace(new, evidence=action.evidence + evidence)
    return Change(new, subject, trailers=tuple(("Evidence", t) for t in evidence))


def _start(plan: Plan, action: Action, shape: writer.Written, edit: Edit) -> Change:
    if action.progress == "completed":
        raise UsageError(f"{action.id} is completed; to reopen it, use "
                         f"'planctl reopen {action.id} --reason TEXT'")
    return Change(dataclasses.replace(action, progress="in-progress"), "started")


def _drop(plan: Plan, action: Action, shape: writer.Written, edit: Edit) -> Change:
    if action.progress == "dropped":
        raise UsageError(f"{action.id} is already dropped; nothing was changed")
    reason = _reason(edit)
    new = dataclasses.replace(action, progress="dropped",
                              updates=action.updates + (_update(edit, f"Dropped: {reason}"),))
    return Change(new, "dropped", trailers=(("Reason", reason),))


def _reopen(plan: Plan, action: Action, shape: writer.Written, edit: Edit) -> Change:
    if action.progress not in ("completed", "dropped"):
        raise UsageError(f"{action.id} is {action.progress}, not completed or dropped; "
                         "there is nothing to reopen")
    reason = _reason(edit)
    was = action.progress + (f" on {action.completed.isoformat()}" if action.completed else "")
    new = dataclasses.replace(action, progress="in-progress", completed=None,
                              updates=action.updates + (_update(edit, f"Reopened (was {was}): {reason}"),))
    return Change(new, "reopened", trailers=(("Reason", reason),))


def _note(plan: Plan, action: Action, shape: writer.Written, edit: Edit) -> Change:
    text = check_text(edit.text or "", "the note").strip()
    new = dataclasses.replace(action, updates=action.updates + (_update(edit, text),))
    return Change(new, f"update {edit.on.isoformat()}", body=text)


def _reschedule(plan: Plan, action: Action, shape: writer.Written, edit: Edit) -> Change:
    typed = (edit.value or "").strip()
    try:
        new_date = parse_date(typed)
    except TimescaleError as exc:
        raise UsageError(f"the new date: {exc}") from None
    if action.progress == "completed":
        raise UsageError(f"{action.id} is completed; there is nothing to reschedule")
    reason = _reason(edit)
    if "milestones" in shape.keys:
        i = _next_open(action, "there is nothing to reschedule")
        old_text = shape.milestone_dues[i]
        new_due = writer.move_date(old_text, 0, new_date, typed)
        try:
            _read_timescale(new_due, plan)
        except TimescaleError as exc:
            raise UsageError(f"{action.id} cannot move to {typed}: {exc}") from None
        ms = action.milestones[i]
        milestones = list(action.milestones)
        milestones[i] = dataclasses.replace(ms, due=new_date)
        milestones.sort(key=lambda m: m.due)
        new = dataclasses.replace(action, milestones=tuple(milestones))
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
            due = action.timescale.deadlines[index].due
            new_due = writer.move_date(old_text, index, new_date, typed, due)
            if new_due == typed and action.timescale.repeat:  # "Quarterly": keep the rhythm
                new_due = f"{old_text}, first by {typed}"
        try:
            timescale = _read_timescale(new_due, plan)
        except TimescaleError as exc:
            raise UsageError(f"{action.id} cannot move to {typed}: {exc}") from None
        # The start and a recurring form come from the due as the loader reads it.
        repeat = action.repeat if "repeat" in shape.keys else timescale.repeat
        # An explicit `start:` stays; otherwise the start is the new due's (if it has one).
        start = action.start if "start" in shape.keys else timescale.start
        new = dataclasses.replace(action, timescale=timescale, start=start, repeat=repeat)
        what = ""
    change = f"Rescheduled {what}from {old_text or 'no date'} to {new_due}"
    new = dataclasses.replace(new, updates=new.updates + (_update(edit, f"{change}: {reason}"),))
    return Change(new, change[0].lower() + change[1:], trailers=(("Reason", reason),))


def _assign(plan: Plan, action: Action, shape: writer.Written, edit: Edit) -> Change:
    written = check_text(edit.value or "", "the lead").strip()
    name, key = _resolve_lead(plan, written)
    if action.leads == (name,) and action.lead_keys == (key,):
        return Change(action, f"lead {name}")
    new = dataclasses.replace(action, leads=(name,), lead_keys=(key,))
    trailers: tuple = ()
    if edit.text is not None:
        reason = _reason(edit)
        old = " and ".join(action.leads) or "no lead"
        new = dataclasses.replace(new, updates=action.updates + (
            _update(edit, f"Reassigned from {old} to {name}: {reason}"),))
        trailers = (("Reason", reason),)
    return Change(new, f"lead {name}", trailers=trailers,
                  notes=_unknown_lead_note(plan, written, key), spelled={"lead": written})


def _rate(plan: Plan, action: Action, shape: writer.Written, edit: Edit) -> Change:
    from ..core.model import RAG_VALUES
    from ..format.reader import RAG_WORDS

    written = (edit.value or "").strip()
    colour = RAG_WORDS.get(written.casefold())
    if colour is None:
        raise UsageError(f"{written!r} is not a rating; use one of {', '.join(RAG_VALUES)} "
                         "(or R, A, G, B)")
    if action.rag == colour:
        return Change(action, f"rated {colour}")
    new = dataclasses.replace(action, rag=colour)
    trailers: tuple = ()
    if edit.text is not None:
        reason = _reason(edit)
        was = f" (was {action.rag})" if action.rag else ""
        new = dataclasses.replace(new, updates=action.updates + (
            _update(edit, f"Rated {colour}{was}: {reason}"),))
        trailers = (("Reason", reason),)
    return Change(new, f"rated {colour}", trailers=trailers)


_CHANGES = {"done": _done, "start": _start, "drop": _drop, "note": _note,
            "reschedule": _reschedule, "assign": _assign, "reopen": _reopen, "rate": _rate}


# -- from a change of the model to new bytes, validated -----------------------------------


def _read(data: bytes, path: str):
    """(text, bom, plan, problems) of a plan that has no errors, else refused."""
    try:
        text, bom = _decode(data)
    except UnicodeDecodeError:
        raise PlanctlError(f"{path} is not UTF-8; run 'planctl check'") from None
    plan, problems, _ = load_cached(data, path)
    errors = [p for p in problems if p.severity == ERROR]
    if plan is None or errors:
        first = errors[0].for_error() if errors else f"{path}: not a plan"
        raise PlanctlError(f"{path} has errors, so it is not edited; fix them first "
                           f"('planctl check'): {first}")
    return text, bom, plan, problems


def _doc(text: str, node_of: Callable) -> tuple[writer.Doc, object]:
    """The composed text and the node to edit, with marks the text agrees with."""
    doc = writer.Doc(text)
    node = node_of(doc.root)
    if doc.fast and not doc.marks_agree(node):
        doc = writer.Doc(text, fast=False)
        node = node_of(doc.root)
    return doc, node


def _action_doc(text: str, action: Action) -> tuple[writer.Doc, object]:
    """The composed text and the action's node: from the action's own lines where they can be
    told apart (the plan read without errors, so its id is unique and its line is where the
    reader found it), else from the whole text."""
    found = writer.Doc.of_item(text, action.line, action.column)
    if found is not None:
        return found
    return _doc(text, lambda root: writer.find_action(root, action.id))


def _validated(result: EditResult, problems, expected: Plan, shapes: dict, what: str,
               notes: list[str]) -> EditResult:
    """The result, once its bytes read back, without errors, as exactly `expected`."""
    if not result.changed:
        return result
    path = result.path
    new_plan, new_problems, _ = load_cached(result.new, path)
    new_errors = [p for p in new_problems if p.severity == ERROR]
    if new_plan is None or new_errors:
        detail = new_errors[0].message if new_errors else "not a plan"
        raise PlanctlError(f"the edit would make {path} invalid ({detail}); nothing was changed")
    if not _same_but_lines(new_plan, _with_derived(expected, new_plan, shapes)):
        raise InternalError(f"the edit of {what} did not read back as intended; nothing was "
                           "changed (please report this with the plan file)")
    old_warnings = {(p.code, p.message) for p in problems if p.severity != ERROR}
    new_warnings = [p.message for p in new_problems
                    if p.severity not in (ERROR, "strict") and (p.code, p.message) not in old_warnings]
    return dataclasses.replace(result, warnings=tuple(notes or new_warnings))


def _swap_action(plan: Plan, action_id: str, new: Action) -> Plan:
    recs = tuple(dataclasses.replace(r, actions=tuple(new if a.id == action_id else a for a in r.actions))
                 if any(a.id == action_id for a in r.actions) else r
                 for r in plan.recommendations)
    return dataclasses.replace(plan, recommendations=recs)


def _encode(text: str, bom: bool) -> bytes:
    return ((BOM if bom else "") + text).encode("utf-8")


def edit_bytes(data: bytes, path: str, action_id: str, edit: Edit) -> EditResult:
    """The file's new bytes after the edit: pure, validated. Raises PlanctlError when refused."""
    if edit.kind not in _CHANGES:
        raise UsageError(f"unknown edit {edit.kind!r}")
    text, bom, plan, problems = _read(data, path)
    action = next((a for a in plan.actions if a.id == action_id), None)
    if action is None:
        raise UsageError(f"no action {action_id!r} in {path} (did the file change?); nothing was changed")
    doc, node = _action_doc(text, action)
    shape = writer.written(doc, node, plan)
    change = _CHANGES[edit.kind](plan, action, shape, edit)
    writer.splice_action(doc, node, action, change.action, plan, change.spelled)

    # Every splice must sit inside the action's own lines.
    first, last = doc.line_start(node.start_mark.index), doc.line_end(doc.content_end(node))[0]
    if any(s < first or e > last for s, e, _, _ in doc.splices):
        raise PlanctlError(f"cannot edit {action_id}: its YAML reaches outside its own lines "
                           "(anchors or aliases?); edit it by hand")
    result = EditResult(path, action_id, data, _encode(doc.result(), bom), change.subject,
                        change.body, tuple(change.notes), change.trailers)
    return _validated(result, problems, _swap_action(plan, action_id, change.action),
                      {action_id: shape}, action_id, change.notes)


# -- add: a new action or recommendation, as new lines only --------------------------------


def _next_number(ids: list[str], prefix: str, floor: int) -> int:
    """One more than the highest number n of an id `PREFIXn` (or than floor)."""
    numbers = [int(m[1]) for i in ids if (m := re.fullmatch(re.escape(prefix) + r"([0-9]{1,9})", i))]
    return max([floor, *numbers]) + 1


def _insert_item(doc: writer.Doc, parent: writer.MapEdit, key: str, index: int, fields: dict) -> None:
    """Write `fields` as a new item of the list under `key`, before its index-th item (or last)."""
    seq = parent.get(key)
    if not isinstance(seq, yaml.SequenceNode) or not seq.value:
        if seq is not None and not writer.is_null(seq):
            raise UsageError(f"{key!r} is not a list; edit it by hand")
        parent.set(key, [fields])
        return
    items = seq.value
    if seq.flow_style:
        if index < len(items):
            doc.splice(at := items[index].start_mark.index, at, writer.flow(fields) + ", ")
        else:
            doc.splice(at := doc.content_end(items[-1]), at, ", " + writer.flow(fields))
        return
    dash = seq.start_mark.column
    first = next((n for n in items if isinstance(n, yaml.MappingNode) and not n.flow_style and n.value), None)
    inner = first.value[0][0].start_mark.column if first is not None else dash + 2
    body = writer.block(fields, inner)
    lines = [" " * dash + "-" + " " * (inner - dash - 1) + body[0].lstrip(), *body[1:]]
    if index >= len(items):
        doc.insert_lines_after(doc.content_end(items[-1]), lines, dash, 0)
        return
    node = items[index]
    start = doc.line_start(node.start_mark.index)
    if doc.text[start:node.start_mark.index].strip() != "-":
        raise PlanctlError("cannot insert there: the item after it is not written as '- key: ...' "
                           "on one line; edit it by hand")
    _, nl = doc.line_end(start)
    doc.splice(start, start, "".join(line + nl for line in lines))


def _add_recommendation(text: str, bom: bool, plan: Plan, problems, data: bytes, path: str,
                        add: Addition) -> EditResult:
    doc, _ = _doc(text, lambda root: root)
    recs = plan.recommendations
    ids = [r.id for r in recs]
    rec_id = add.id.strip() if add.id else str(_next_number(ids, "", len(recs)))
    if rec_id in ids:
        raise UsageError(f"there is already a recommendation {rec_id!r}; nothing was changed")
    # An `id:` when the position would not give this id, or when the others have theirs written.
    written_ids = any(writer.written_id(node) for _, node in writer.recommendation_nodes(doc.root))
    fields = {"id": rec_id} if written_ids or rec_id != str(len(recs) + 1) else {}
    fields["text"] = check_text(add.text, "the recommendation text").strip()
    _insert_item(doc, writer.MapEdit(doc, doc.root), "recommendations", len(recs), fields)
    new_rec = Recommendation(rec_id, fields["text"])
    expected = dataclasses.replace(plan, recommendations=(*recs, new_rec))
    result = EditResult(path, rec_id, data, _encode(doc.result(), bom), "added recommendation",
                        fields["text"])
    return _validated(result, problems, expected, {}, f"recommendation {rec_id}", [])


def add_bytes(data: bytes, path: str, add: Addition) -> EditResult:
    """The file's new bytes with a new action (or recommendation) added: pure, validated.

    The new action gets the next free number of its recommendation; no other action's
    id changes: when it goes in before actions whose ids are their positions, those
    actions get their ids written out (`id:`, a new line each).
    """
    text, bom, plan, problems = _read(data, path)
    if add.rec is None:
        return _add_recommendation(text, bom, plan, problems, data, path, add)
    rec = next((r for r in plan.recommendations if r.id == add.rec), None)
    if rec is None:
        ids = ", ".join(r.id for r in plan.recommendations)
        raise UsageError(f"no recommendation {add.rec!r} in {path}; recommendations: {ids}")
    # From the recommendation's own lines where they can be told apart (its id is unique in
    # a plan without errors), else from the whole text.
    found = writer.Doc.of_item(text, rec.line)
    doc, rec_node = found or _doc(text, lambda root: dict(writer.recommendation_nodes(root))[rec.id])
    nodes = writer.action_nodes(rec_node, rec.id)
    if [aid for aid, _ in nodes] != [a.id for a in rec.actions]:
        raise PlanctlError(f"cannot add to recommendation {rec.id}: its actions are not all "
                           "written as mappings; edit it by hand")
    actions = list(rec.actions)
    index = len(actions)
    for anchor, offset in ((add.after, 1), (add.before, 0)):
        if anchor is not None:
            where = next((i for i, a in enumerate(actions) if a.id == anchor), None)
            if where is None:
                raise UsageError(f"no action {anchor!r} in recommendation {rec.id}; its actions: "
                                 f"{', '.join(a.id for a in actions) or 'none'}")
            index = where + offset
    all_ids = {a.id for a in plan.actions}
    if add.id:
        new_id = add.id.strip()
        if new_id in all_ids:
            raise UsageError(f"there is already an action {new_id!r}; nothing was changed")
    else:
        number = _next_number([a.id for a in actions], f"{rec.id}.", len(actions))
        while f"{rec.id}.{number}" in all_ids:
            number += 1
        new_id = f"{rec.id}.{number}"

    timescale = None
    if add.due is not None:
        try:
            timescale = _read_timescale(check_text(add.due, "--due"), plan)
        except TimescaleError as exc:
            raise UsageError(f"--due: {exc}") from None
    leads, keys, notes = (), (), []
    if add.lead is not None:
        written = check_text(add.lead, "--lead").strip()
        name, key = _resolve_lead(plan, written)
        leads, keys, notes = (name,), (key,), _unknown_lead_note(plan, written, key)
    report_to = tuple(check_text(b, "--report-to").strip() for b in add.report_to)
    new = Action(plan=plan.id, recommendation=rec.id, id=new_id,
                 text=check_text(add.text, "the action text").strip(), timescale=timescale,
                 leads=leads, lead_keys=keys, report_to=report_to,
                 start=timescale.start if timescale else None,
                 repeat=timescale.repeat if timescale else None)
    written_ids = any(writer.written_id(node) for _, node in nodes)
    spelled = {"id": new_id} if written_ids or new_id != f"{rec.id}.{index + 1}" else {}
    if add.lead is not None:
        spelled["lead"] = add.lead.strip()
    fields = writer.action_fields(new, spelled)

    # Actions after the new one whose ids are their positions would shift: write them out.
    pinned = set()
    for aid, node in nodes[index:]:
        if writer.written_id(node) is None:
            writer.MapEdit(doc, node).set("id", aid)
            pinned.add(aid)
    _insert_item(doc, writer.MapEdit(doc, rec_node), "actions", index, fields)
    actions = [dataclasses.replace(a, id_written=True) if a.id in pinned else a for a in actions]
    actions.insert(index, dataclasses.replace(new, id_written="id" in spelled))
    expected = _swap_rec(plan, dataclasses.replace(rec, actions=tuple(actions)))
    result = EditResult(path, new_id, data, _encode(doc.result(), bom), "added", new.text)
    shapes = {new_id: writer.Written(frozenset(fields))}
    return _validated(result, problems, expected, shapes, new_id, notes)


def _swap_rec(plan: Plan, new: Recommendation) -> Plan:
    return dataclasses.replace(plan, recommendations=tuple(
        new if r.id == new.id else r for r in plan.recommendations))


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


def apply_file(path: str | os.PathLike, action_id: str, edit: Edit, **options) -> EditResult:
    """Edit the action in the file (see apply_bytes)."""
    return apply_bytes(path, lambda data, shown: edit_bytes(data, shown, action_id, edit), **options)


def add_file(path: str | os.PathLike, add: Addition, **options) -> EditResult:
    """Add an action or recommendation to the file (see apply_bytes)."""
    return apply_bytes(path, lambda data, shown: add_bytes(data, shown, add), **options)


def apply_bytes(path: str | os.PathLike, change: Callable[[bytes, str], EditResult], *,
                dry_run: bool = False,
                before_write: Callable[[EditResult], None] | None = None,
                after_write: Callable[[EditResult], None] | None = None,
                lock_wait: float = 60.0, tries: int = 5) -> EditResult:
    """Change the file: read, change, validate, write atomically, all under a lock.

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
        return change(data, shown)
    if not os.path.isdir(os.path.dirname(real) or "."):
        raise PlanctlError(f"cannot write {shown}: the folder does not exist")
    for _ in range(tries):
        fd = _lock(real, lock_wait)
        try:
            st = os.fstat(fd)
            data = _read_fd(fd)
            result = change(data, shown)
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
