"""Edits of a plan file's bytes that keep every byte they do not change: pure, validated.

Each edit command is a pure change of the model (store/changes.py); format/'s
ActionText turns that change into a few exact text splices at the positions of
the composed nodes (nothing is re-serialised, so comments, blank lines, quoting,
key order, indentation, CRLF line endings and a UTF-8 BOM stay as they were).
`add` inserts new lines for a new action or recommendation the same way.

Before anything is written, the edited text is read again with the reader: it
must have no errors and must give exactly the expected model (the old plan with
only the intended change); otherwise the edit is refused and the file is left
alone.

At scale (issue 17: one file of 5,000 actions) the edit reads the file once: the
plan as read comes from the parse cache (the folder load has just put it there),
the action's node from composing only the action's own lines (format's
Doc.of_item; the whole text where they cannot be told apart), and the one full
read is the read-back, also through the cache, so the next command finds the
edited file's entry. Every cache hit is keyed by the exact bytes, so it is what the
reader gives for them.

store/edits.py writes the result to the file, under a lock.
"""

from __future__ import annotations

import difflib
import functools
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from ..core.errors import ERROR, InternalError, PlanctlError, Problem, UsageError
from ..core.model import Action, Body, Judgement, Lead, Plan, Recommendation, evolve, field_names
from ..core.timescale import Timescale, TimescaleError
from ..format.edit_nodes import ActionsText, ActionText, Fields, RecommendationsText, Written, action_fields
from .cache import load_cached
from .changes import CHANGES, Edit, check_text, read_timescale, resolve_lead, unknown_lead_note

BOM = "\ufeff"
L = TypeVar("L", Judgement, Lead, Body)  # the model's items with a line of their own


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



def _decode(data: bytes) -> tuple[str, bool]:
    bom = data.startswith(BOM.encode())
    return data.decode("utf-8-sig"), bom


# -- the model we expect after an edit ---------------------------------------------------


def _without_lines(plan: Plan) -> Plan:
    """The plan with every line/column set to 0: what _same_but_lines compares, by definition
    (tests/test_speed_edits.py checks that the two agree)."""
    def no_line(x: L) -> L:
        return evolve(x, line=0)

    recs = tuple(evolve(r, line=0, actions=tuple(
        evolve(a, line=0, column=0) for a in r.actions)) for r in plan.recommendations)
    findings = plan.findings and evolve(plan.findings, areas=tuple(
        evolve(area, judgements=tuple(map(no_line, area.judgements)))
        for area in plan.findings.areas))
    return evolve(plan, recommendations=recs, findings=findings,
                               leads=tuple(map(no_line, plan.leads)), bodies=tuple(map(no_line, plan.bodies)))


@functools.cache
def _getter(cls: type, skip: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """The model class's fields but `skip`, as a tuple (what its __eq__ compares, less those)."""
    names = [name for name in field_names(cls) if name not in skip]
    if len(names) > 1:
        return operator.attrgetter(*names)
    return lambda x: tuple(getattr(x, n) for n in names)


def _fields(x: object, skip: tuple[str, ...]) -> tuple[object, ...]:
    return _getter(type(x), skip)(x)  # type: ignore[arg-type]  # a class is hashable; mypy says not


def _same_items(a: Sequence[object], b: Sequence[object], skip: tuple[str, ...]) -> bool:
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


def _with_derived(expected: Plan, read: Plan, shapes: dict[str, Written]) -> Plan:
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
            a = evolve(a, milestones=r.milestones)
        elif "due" not in shape.keys:
            a = evolve(a, timescale=r.timescale)
        return a

    recs = tuple(evolve(rec, actions=tuple(map(fix, rec.actions)))
                 if any(a.id in shapes for a in rec.actions) else rec
                 for rec in expected.recommendations)
    return evolve(expected, recommendations=recs)


# -- from a change of the model to new bytes, validated -----------------------------------


@dataclass(frozen=True)
class _Source:
    """The file as read: a plan without errors."""

    data: bytes
    path: str
    text: str
    bom: bool
    plan: Plan
    problems: Sequence[Problem]

    def result(self, item_id: str, text: str, subject: str, body: str = "", notes: Sequence[str] = (),
               trailers: tuple[tuple[str, str], ...] = ()) -> EditResult:
        new = ((BOM if self.bom else "") + text).encode("utf-8")
        return EditResult(self.path, item_id, self.data, new, subject, body, tuple(notes), trailers)


def _read(data: bytes, path: str) -> _Source:
    """The file as read, when it is a plan without errors; else refused."""
    try:
        text, bom = _decode(data)
    except UnicodeDecodeError:
        raise PlanctlError(f"{path} is not UTF-8; run 'planctl check'") from None
    plan: Plan | None
    problems: list[Problem]
    plan, problems, _ = load_cached(data, path)
    errors = [p for p in problems if p.severity == ERROR]
    if plan is None or errors:
        first = errors[0].for_error() if errors else f"{path}: not a plan"
        raise PlanctlError(f"{path} has errors, so it is not edited; fix them first "
                           f"('planctl check'): {first}")
    return _Source(data, path, text, bom, plan, problems)


def _validated(result: EditResult, problems: Sequence[Problem], expected: Plan,
               shapes: dict[str, Written], what: str, notes: Sequence[str]) -> EditResult:
    """The result, once its bytes read back, without errors, as exactly `expected`."""
    if not result.changed:
        return result
    path = result.path
    new_plan: Plan | None
    new_problems: list[Problem]
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
    return replace(result, warnings=tuple(notes or new_warnings))


def _swap_action(plan: Plan, action_id: str, new: Action) -> Plan:
    recs = tuple(evolve(r, actions=tuple(new if a.id == action_id else a for a in r.actions))
                 if any(a.id == action_id for a in r.actions) else r
                 for r in plan.recommendations)
    return evolve(plan, recommendations=recs)


def edit_bytes(data: bytes, path: str, action_id: str, edit: Edit) -> EditResult:
    """The file's new bytes after the edit: pure, validated. Raises PlanctlError when refused."""
    if edit.kind not in CHANGES:
        raise UsageError(f"unknown edit {edit.kind!r}")
    source = _read(data, path)
    plan = source.plan
    action = next((a for a in plan.actions if a.id == action_id), None)
    if action is None:
        raise UsageError(f"no action {action_id!r} in {path} (did the file change?); nothing was changed")
    where = ActionText.find(source.text, action)
    shape = where.written(plan)
    change = CHANGES[edit.kind](plan, action, shape, edit)
    text = where.splice(action, change.action, plan, change.spelled)
    result = source.result(action_id, text, change.subject, change.body, change.notes, change.trailers)
    return _validated(result, source.problems, _swap_action(plan, action_id, change.action),
                      {action_id: shape}, action_id, change.notes)


# -- add: a new action or recommendation, as new lines only --------------------------------


def _next_number(ids: list[str], prefix: str, floor: int) -> int:
    """One more than the highest number n of an id `PREFIXn` (or than floor)."""
    numbers = [int(m[1]) for i in ids if (m := re.fullmatch(re.escape(prefix) + r"([0-9]{1,9})", i))]
    return max([floor, *numbers]) + 1


def _add_recommendation(source: _Source, add: Addition) -> EditResult:
    where = RecommendationsText(source.text)
    plan = source.plan
    recs = plan.recommendations
    ids = [r.id for r in recs]
    rec_id = add.id.strip() if add.id else str(_next_number(ids, "", len(recs)))
    if rec_id in ids:
        raise UsageError(f"there is already a recommendation {rec_id!r}; nothing was changed")
    # An `id:` when the position would not give this id, or when the others have theirs written.
    text = check_text(add.text, "the recommendation text").strip()
    fields: Fields = {"id": rec_id} if where.ids_written() or rec_id != str(len(recs) + 1) else {}
    fields["text"] = text
    new_text = where.insert(len(recs), fields)
    expected = evolve(plan, recommendations=(*recs, Recommendation(rec_id, text)))
    result = source.result(rec_id, new_text, "added recommendation", text)
    return _validated(result, source.problems, expected, {}, f"recommendation {rec_id}", [])


def _position(add: Addition, rec: Recommendation) -> int:
    """Where the new action goes among the recommendation's (--after, --before, else last)."""
    actions = rec.actions
    index = len(actions)
    for anchor, offset in ((add.after, 1), (add.before, 0)):
        if anchor is not None:
            where = next((i for i, a in enumerate(actions) if a.id == anchor), None)
            if where is None:
                raise UsageError(f"no action {anchor!r} in recommendation {rec.id}; its actions: "
                                 f"{', '.join(a.id for a in actions) or 'none'}")
            index = where + offset
    return index


def _new_id(add: Addition, plan: Plan, rec: Recommendation) -> str:
    """--id as given, else the recommendation's next free number."""
    all_ids = {a.id for a in plan.actions}
    if add.id:
        new_id = add.id.strip()
        if new_id in all_ids:
            raise UsageError(f"there is already an action {new_id!r}; nothing was changed")
        return new_id
    number = _next_number([a.id for a in rec.actions], f"{rec.id}.", len(rec.actions))
    while f"{rec.id}.{number}" in all_ids:
        number += 1
    return f"{rec.id}.{number}"


def _new_action(add: Addition, plan: Plan, rec: Recommendation, new_id: str) -> tuple[Action, list[str]]:
    """(the new action as the reader will read it, notes about its lead)."""
    timescale: Timescale | None = None
    if add.due is not None:
        try:
            timescale = read_timescale(check_text(add.due, "--due"), plan)
        except TimescaleError as exc:
            raise UsageError(f"--due: {exc}") from None
    leads: tuple[str, ...] = ()
    keys: tuple[str | None, ...] = ()
    notes: list[str] = []
    if add.lead is not None:
        written = check_text(add.lead, "--lead").strip()
        name, key = resolve_lead(plan, written)
        leads, keys, notes = (name,), (key,), unknown_lead_note(plan, written, key)
    report_to = tuple(check_text(b, "--report-to").strip() for b in add.report_to)
    new = Action(plan=plan.id, recommendation=rec.id, id=new_id,
                 text=check_text(add.text, "the action text").strip(), timescale=timescale,
                 leads=leads, lead_keys=keys, report_to=report_to,
                 start=timescale.start if timescale else None,
                 repeat=timescale.repeat if timescale else None)
    return new, notes


def add_bytes(data: bytes, path: str, add: Addition) -> EditResult:
    """The file's new bytes with a new action (or recommendation) added: pure, validated.

    The new action gets the next free number of its recommendation; no other action's
    id changes: when it goes in before actions whose ids are their positions, those
    actions get their ids written out (`id:`, a new line each).
    """
    source = _read(data, path)
    plan = source.plan
    if add.rec is None:
        return _add_recommendation(source, add)
    rec = next((r for r in plan.recommendations if r.id == add.rec), None)
    if rec is None:
        ids = ", ".join(r.id for r in plan.recommendations)
        raise UsageError(f"no recommendation {add.rec!r} in {path}; recommendations: {ids}")
    where = ActionsText.find(source.text, rec)
    index = _position(add, rec)
    new, notes = _new_action(add, plan, rec, _new_id(add, plan, rec))
    spelled = {"id": new.id} if where.ids_written() or new.id != f"{rec.id}.{index + 1}" else {}
    if add.lead is not None:
        spelled["lead"] = add.lead.strip()
    fields = action_fields(new, spelled)
    text, pinned = where.insert(index, fields)
    actions = [evolve(a, id_written=True) if a.id in pinned else a for a in rec.actions]
    actions.insert(index, evolve(new, id_written="id" in spelled))
    expected = _swap_rec(plan, evolve(rec, actions=tuple(actions)))
    result = source.result(new.id, text, "added", new.text)
    return _validated(result, source.problems, expected, {new.id: Written(frozenset(fields))}, new.id, notes)


def _swap_rec(plan: Plan, new: Recommendation) -> Plan:
    return evolve(plan, recommendations=tuple(
        new if r.id == new.id else r for r in plan.recommendations))
