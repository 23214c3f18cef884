"""Checks over a loaded plan: warnings (W1xx) and strict-only checks (S2xx).

Each check is a small named function of the plan (and where its keys were
written) yielding problems; a list of them is a policy, as beancount's
ops/validation.py has BASIC_VALIDATIONS. The reader runs BASIC_VALIDATIONS on
every file it loads (their warnings are cached with the plan); `check --strict`
also runs STRICT_VALIDATIONS. Errors (E0xx) are the reader's: a plan that
breaks the format is not a plan to check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from .errors import STRICT, WARNING, Problem
from .model import Action, Plan
from .names import nearest

MAX_MESSAGE = 1000  # a hostile value quoted in a message stays readable


class Located:
    """Where the reader found each key of each model object: (line, column) by key.

    Kept beside the model, not in it: only these checks need it, and only while
    the file is read (their results are what the cache keeps).
    """

    def __init__(self) -> None:
        self._at: dict[int, tuple[object, dict[str, tuple[int, int]]]] = {}

    def add(self, obj: object, where: dict[str, tuple[int, int]]) -> None:
        self._at[id(obj)] = (obj, where)  # holding obj keeps its id from being reused

    def get(self, obj: object, key: str) -> tuple[int, int] | None:
        found = self._at.get(id(obj))
        return found[1].get(key) if found else None

    def has(self, obj: object, key: str) -> bool:
        return self.get(obj, key) is not None


NOWHERE = Located()  # for plans that come without positions (the model's own lines serve)

Validation = Callable[[Plan, Located], Iterable[Problem]]


def _warn(plan: Plan, at: tuple[int, int] | None, code: str, message: str,
          severity: str = WARNING) -> Problem:
    line, column = at or (1, 1)
    return Problem(plan.path, line, column, code, message, severity)


def _action_at(action: Action) -> tuple[int, int]:
    return action.line, action.column


def _is_open(action: Action) -> bool:
    return action.progress not in ("completed", "dropped")


# The problems, one function each: the checks below and _basic_in_one_pass build them alike.
def _w101(plan: Plan, at, a: Action, written: str, choices) -> Problem:
    hint = nearest(written, choices)
    return _warn(plan, at, "W101", f"action {a.id} lead {written!r} is not in leads:"
                 + (f"; did you mean {hint!r}?" if hint else "; add it there"))


def _w102(plan: Plan, at, a: Action, body: str, keys) -> Problem:
    hint = nearest(body, keys)
    return _warn(plan, at, "W102", f"action {a.id} reports to unknown body {body!r}"
                 + (f"; did you mean {hint!r}?" if hint else "; add it under bodies:"))


def _w103(plan: Plan, at, a: Action, d, published) -> Problem:
    return _warn(plan, at, "W103", f"action {a.id} is due {d.due:%d %B %Y}, before "
                 f"the inspection report was published ({published:%d %B %Y}); "
                 "is the year right?")


def _w104(plan: Plan, at, a: Action) -> Problem:
    return _warn(plan, at, "W104", f"action {a.id} has no date yet "
                 f"({a.timescale.text!r}); committees cannot see slippage until it has one")


def _w106(plan: Plan, a: Action) -> Problem:
    return _warn(plan, _action_at(a), "W106",
                 f"action {a.id} has no 'due:'; write a date, 'ongoing' or 'TBC'")


def _w107(plan: Plan, a: Action) -> Problem:
    return _warn(plan, _action_at(a), "W107", f"action {a.id} has no lead; who must act?")


def _w108(plan: Plan, at, a: Action) -> Problem:
    return _warn(plan, at, "W108", f"action {a.id} updates are not in date order; newest goes last")


def lead_not_in_leads(plan: Plan, at: Located) -> Iterator[Problem]:
    """W101: a lead written that names nobody in leads: (when the plan has leads:)."""
    if not plan.leads:
        return
    choices = [x for lead in plan.leads for x in (lead.name, *lead.aliases)]
    for a in plan.actions:
        for i, (written, key) in enumerate(zip(a.leads, a.lead_keys, strict=False)):
            if key is None:
                yield _w101(plan, at.get(a, f"lead.{i}"), a, written, choices)


def unknown_body(plan: Plan, at: Located) -> Iterator[Problem]:
    """W102: report_to names a body that bodies: does not declare."""
    keys = {b.key for b in plan.bodies}
    if not keys:
        return
    for a in plan.actions:
        for body in a.report_to:
            if body not in keys:
                yield _w102(plan, at.get(a, "report_to"), a, body, keys)


def due_before_publication(plan: Plan, at: Located) -> Iterator[Problem]:
    """W103: a due date (as written in due:) before the inspection report was published."""
    published = plan.inspection.published
    if published is None:
        return
    for a in plan.actions:
        where = at.get(a, "timescale")  # the due: that gave the timescale, not milestones
        if where is None or a.timescale is None:
            continue
        for d in a.timescale.deadlines:
            if d.due < published:
                yield _w103(plan, where, a, d, published)
                break


def due_to_be_confirmed(plan: Plan, at: Located) -> Iterator[Problem]:
    """W104: due: says TBC (or the like): nobody can see slippage yet."""
    for a in plan.actions:
        where = at.get(a, "timescale")
        if where is not None and a.timescale is not None and a.timescale.tbc:
            yield _w104(plan, where, a)


def recommendation_without_actions(plan: Plan, at: Located) -> Iterator[Problem]:
    """W105: a recommendation with no actions: key."""
    for rec in plan.recommendations:
        if not at.has(rec, "actions"):
            yield _warn(plan, at.get(rec, "self") or (rec.line, 1), "W105",
                        f"recommendation {rec.id} has no actions")


def open_action_without_due(plan: Plan, at: Located) -> Iterator[Problem]:
    """W106: an open action with neither due: nor milestones:."""
    for a in plan.actions:
        if _is_open(a) and not at.has(a, "due") and not at.has(a, "milestones"):
            yield _w106(plan, a)


def open_action_without_lead(plan: Plan, at: Located) -> Iterator[Problem]:
    """W107: an open action nobody leads."""
    for a in plan.actions:
        if not a.leads and _is_open(a):
            yield _w107(plan, a)


def updates_out_of_order(plan: Plan, at: Located) -> Iterator[Problem]:
    """W108: an update dated before the one above it (newest goes last)."""
    for a in plan.actions:
        for before, update in zip(a.updates, a.updates[1:], strict=False):
            if update.date < before.date:
                yield _w108(plan, at.get(update, "self"), a)


def completed_without_date(plan: Plan, at: Located) -> Iterator[Problem]:
    """S201: completed, but when? (strict: many plans never record it)"""
    for a in plan.actions:
        if a.progress == "completed" and a.completed is None:
            yield _warn(plan, _action_at(a), "S201",
                        f"action {a.id} is completed but has no 'completed:' date", STRICT)


BASIC_VALIDATIONS: tuple[Validation, ...] = (
    lead_not_in_leads,
    unknown_body,
    due_before_publication,
    due_to_be_confirmed,
    recommendation_without_actions,
    open_action_without_due,
    open_action_without_lead,
    updates_out_of_order,
)
STRICT_VALIDATIONS: tuple[Validation, ...] = (completed_without_date,)


def _basic_in_one_pass(plan: Plan, at: Located) -> list[Problem]:
    """BASIC_VALIDATIONS' problems, in their order, from one walk over the actions (each
    check's own loop, above, walks them all: this runs on every file a cold load reads).
    tests/test_speed_cold.py checks it against the checks themselves."""
    found: tuple[list[Problem], ...] = ([], [], [], [], [], [], [])
    w101, w102, w103, w104, w106, w107, w108 = found
    choices = [x for lead in plan.leads for x in (lead.name, *lead.aliases)] if plan.leads else None
    keys = {b.key for b in plan.bodies}
    published = plan.inspection.published
    located = at._at
    for a in plan.actions:
        entry = located.get(id(a))
        where = entry[1] if entry else {}
        if choices is not None:
            for i, (written, key) in enumerate(zip(a.leads, a.lead_keys, strict=False)):
                if key is None:
                    w101.append(_w101(plan, where.get(f"lead.{i}"), a, written, choices))
        if keys:
            for body in a.report_to:
                if body not in keys:
                    w102.append(_w102(plan, where.get("report_to"), a, body, keys))
        timescale_at = where.get("timescale")
        if timescale_at is not None and a.timescale is not None:
            if published is not None:
                for d in a.timescale.deadlines:
                    if d.due < published:
                        w103.append(_w103(plan, timescale_at, a, d, published))
                        break
            if a.timescale.tbc:
                w104.append(_w104(plan, timescale_at, a))
        is_open = a.progress not in ("completed", "dropped")
        if is_open and where.get("due") is None and where.get("milestones") is None:
            w106.append(_w106(plan, a))
        if not a.leads and is_open:
            w107.append(_w107(plan, a))
        for before, update in zip(a.updates, a.updates[1:], strict=False):
            if update.date < before.date:
                w108.append(_w108(plan, at.get(update, "self"), a))
    w105 = list(recommendation_without_actions(plan, at))
    return w101 + w102 + w103 + w104 + w105 + w106 + w107 + w108


def validate(plan: Plan, at: Located = NOWHERE,
             validations: Sequence[Validation] = BASIC_VALIDATIONS) -> list[Problem]:
    problems = []
    found = (_basic_in_one_pass(plan, at) if validations is BASIC_VALIDATIONS
             else (p for check in validations for p in check(plan, at)))
    for p in found:
        if len(p.message) > MAX_MESSAGE:
            p = Problem(p.path, p.line, p.column, p.code, p.message[:MAX_MESSAGE] + "...",
                        p.severity)
        problems.append(p)
    return problems
