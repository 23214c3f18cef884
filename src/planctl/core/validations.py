"""Checks over a loaded plan: warnings (W1xx) and strict-only checks (S2xx).

One registry and one loop, as beancount's ops/validation.py has: each check is a
small function of the plan's Context, listed with its code in BASIC_VALIDATIONS
(or STRICT_VALIDATIONS); validate() runs every listed check, in order. The
Context walks the plan once for all of them: each action (and recommendation)
with where its keys were written, so a check's own loop is a plain loop over a
list (this runs on every file a cold load reads: 20,000 actions).

The reader runs BASIC_VALIDATIONS on every file it loads (their warnings are
cached with the plan, in the registry's order: tests/golden pins it); `check
--strict` also runs STRICT_VALIDATIONS. Errors (E0xx) are the reader's: a plan
that breaks the format is not a plan to check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from .errors import STRICT, WARNING, Problem
from .model import Action, Plan, Recommendation
from .names import nearest
from .signoff import completed_on, is_completed, signer_is_lead

MAX_MESSAGE = 1000  # a hostile value quoted in a message stays readable

Position = tuple[int, int]  # (line, column)
Where = Mapping[str, Position]  # where the reader found each key of one model object
_UNPLACED: tuple[None, Where] = (None, {})
T = TypeVar("T")


class Located:
    """Where the reader found each key of each model object: (line, column) by key.

    Kept beside the model, not in it: only these checks need it, and only while
    the file is read (their results are what the cache keeps).
    """

    def __init__(self) -> None:
        self._at: dict[int, tuple[object, dict[str, Position]]] = {}

    def add(self, obj: object, where: dict[str, Position]) -> None:
        self._at[id(obj)] = (obj, where)  # holding obj keeps its id from being reused

    def entries(self) -> dict[int, tuple[object, dict[str, Position]]]:
        """A copy of the table (format/sequence.py keeps an item's, to add it again)."""
        return {key: (obj, dict(where)) for key, (obj, where) in self._at.items()}

    def update(self, entries: Mapping[int, tuple[object, dict[str, Position]]]) -> None:
        """Add a table from `entries` (of another Located): `add` for each, in one call."""
        self._at.update(entries)

    def placed(self, objs: Iterable[T]) -> list[tuple[T, Where]]:
        """Each object with where its keys were written (nowhere when not recorded)."""
        found = self._at.get
        return [(obj, (found(id(obj)) or _UNPLACED)[1]) for obj in objs]

    def get(self, obj: object, key: str) -> Position | None:
        return (self._at.get(id(obj)) or _UNPLACED)[1].get(key)


NOWHERE = Located()  # for plans that come without positions (the model's own lines serve)


@dataclass(frozen=True)
class Context:
    """The plan being checked, walked once for every check."""

    plan: Plan
    at: Located  # for what the lists below do not place (e.g. updates)
    actions: Sequence[tuple[Action, Where]]  # in the plan's order
    recommendations: Sequence[tuple[Recommendation, Where]]
    lead_names: tuple[str, ...]  # every name and alias in leads:
    body_keys: frozenset[str]  # every key in bodies:

    @classmethod
    def of(cls, plan: Plan, at: Located) -> Context:
        return cls(plan, at, at.placed([a for rec in plan.recommendations for a in rec.actions]),
                   at.placed(plan.recommendations),
                   tuple(x for lead in plan.leads for x in (lead.name, *lead.aliases)),
                   frozenset(b.key for b in plan.bodies))


@dataclass(frozen=True)
class Check:
    """One registered check: the code its problems carry, and the function finding them."""

    code: str
    run: Callable[[Context], Iterable[Problem]]


def _warn(plan: Plan, at: Position | None, code: str, message: str,
          severity: str = WARNING) -> Problem:
    line, column = at or (1, 1)
    return Problem(plan.path, line, column, code, message, severity)


def _action_at(action: Action) -> Position:
    return action.line, action.column


_CLOSED = ("completed", "dropped")  # what an open action's progress is not


def _hint(written: str, choices: Iterable[str], otherwise: str) -> str:
    hint = nearest(written, choices)
    return f"; did you mean {hint!r}?" if hint else otherwise


def lead_not_in_leads(ctx: Context) -> Iterator[Problem]:
    """W101: a lead written that names nobody in leads: (when the plan has leads:)."""
    if not ctx.plan.leads:
        return
    for a, where in ctx.actions:
        if None not in a.lead_keys:
            continue
        for i, (written, key) in enumerate(zip(a.leads, a.lead_keys, strict=False)):
            if key is None:
                yield _warn(ctx.plan, where.get(f"lead.{i}"), "W101",
                            f"action {a.id} lead {written!r} is not in leads:"
                            + _hint(written, ctx.lead_names, "; add it there"))


def unknown_body(ctx: Context) -> Iterator[Problem]:
    """W102: report_to names a body that bodies: does not declare."""
    keys = ctx.body_keys
    if not keys:
        return
    for a, where in ctx.actions:
        for body in a.report_to:
            if body not in keys:
                yield _warn(ctx.plan, where.get("report_to"), "W102",
                            f"action {a.id} reports to unknown body {body!r}"
                            + _hint(body, keys, "; add it under bodies:"))


def due_before_publication(ctx: Context) -> Iterator[Problem]:
    """W103: a due date (as written in due:) before the inspection report was published."""
    published = ctx.plan.inspection.published
    if published is None:
        return
    for a, where in ctx.actions:
        at = where.get("timescale")  # the due: that gave the timescale, not milestones
        if at is None or a.timescale is None:
            continue
        for d in a.timescale.deadlines:
            if d.due < published:
                yield _warn(ctx.plan, at, "W103", f"action {a.id} is due {d.due:%d %B %Y}, "
                            f"before the inspection report was published ({published:%d %B %Y}); "
                            "is the year right?")
                break


def due_to_be_confirmed(ctx: Context) -> Iterator[Problem]:
    """W104: due: says TBC (or the like): nobody can see slippage yet. Not when the timescale's
    own warning already says why its date is unknown (W125: an event the plan does not date)."""
    for a, where in ctx.actions:
        at = where.get("timescale")
        if at is not None and a.timescale is not None and a.timescale.tbc \
                and not any(w.code == "W125" for w in a.timescale.warnings):
            yield _warn(ctx.plan, at, "W104", f"action {a.id} has no date yet "
                        f"({a.timescale.text!r}); committees cannot see slippage until it has one")


def recommendation_without_actions(ctx: Context) -> Iterator[Problem]:
    """W105: a recommendation with no actions: key."""
    for rec, where in ctx.recommendations:
        if where.get("actions") is None:
            yield _warn(ctx.plan, where.get("self") or (rec.line, 1), "W105",
                        f"recommendation {rec.id} has no actions")


def open_action_without_due(ctx: Context) -> Iterator[Problem]:
    """W106: an open action with neither due: nor milestones:."""
    for a, where in ctx.actions:
        if a.progress not in _CLOSED and where.get("due") is None and where.get("milestones") is None:
            yield _warn(ctx.plan, _action_at(a), "W106",
                        f"action {a.id} has no 'due:'; write a date, 'ongoing' or 'TBC'")


def open_action_without_lead(ctx: Context) -> Iterator[Problem]:
    """W107: an open action nobody leads."""
    for a, _ in ctx.actions:
        if not a.leads and a.progress not in _CLOSED:
            yield _warn(ctx.plan, _action_at(a), "W107", f"action {a.id} has no lead; who must act?")


def updates_out_of_order(ctx: Context) -> Iterator[Problem]:
    """W108: an update dated before the one above it (newest goes last)."""
    for a, _ in ctx.actions:
        updates = a.updates
        for i in range(1, len(updates)):
            update = updates[i]
            if update.date < updates[i - 1].date:
                yield _warn(ctx.plan, ctx.at.get(update, "self"), "W108",
                            f"action {a.id} updates are not in date order; newest goes last")


def completed_without_date(ctx: Context) -> Iterator[Problem]:
    """S201: completed, but when? (strict: many plans never record it)"""
    for a, _ in ctx.actions:
        if a.progress == "completed" and a.completed is None:
            yield _warn(ctx.plan, _action_at(a), "S201",
                        f"action {a.id} is completed but has no 'completed:' date", STRICT)


def signed_off_by_own_lead(ctx: Context) -> Iterator[Problem]:
    """W140: signed off by the action's own lead: assurance is a second person's."""
    for a, where in ctx.actions:
        s = a.signed_off
        if s is not None and signer_is_lead(ctx.plan, a, s.by):
            yield _warn(ctx.plan, where.get("signed_off"), "W140",
                        f"action {a.id} is signed off by its own lead {s.by!r}; a sign-off is "
                        "assurance by someone else (a peer, the QA team or the board)")


def signed_off_before_completed(ctx: Context) -> Iterator[Problem]:
    """W141: signed off on a date before the action was completed."""
    for a, where in ctx.actions:
        s = a.signed_off
        if s is None:  # most actions: no completion date to work out
            continue
        done = completed_on(a)
        if done is not None and s.on < done and is_completed(a):
            yield _warn(ctx.plan, where.get("signed_off"), "W141",
                        f"action {a.id} is signed off on {s.on:%d %B %Y}, before it was "
                        f"completed ({done:%d %B %Y}); check both dates")


def signed_off_not_completed(ctx: Context) -> Iterator[Problem]:
    """W142: signed off, but not completed (reopened by hand, or signed off too soon)."""
    for a, where in ctx.actions:
        if a.signed_off is not None and not is_completed(a):
            how = ("or, when the recurring work ends, write 'status: completed' (its reports "
                   "do not complete it)" if a.repeat else
                   f"or mark every milestone done ('planctl done {a.id}')"
                   if len(a.milestones) > 1 and a.progress != "dropped" else "or complete it")
            yield _warn(ctx.plan, where.get("signed_off"), "W142",
                        f"action {a.id} is signed off but its status is {a.progress}, not "
                        f"completed; remove signed_off: ('planctl unsign {a.id}'), {how}")


# Recorded facts dated after the day the plans are judged at (`check --today`, else the
# clock): a completion, a sign-off, a milestone done, a report made or an update written
# tomorrow is a wrong fact (a mistyped year, a wrong clock), never a plan. These need the
# day, so they are not cached with the plan: `check` runs them (dated_validations), and
# every other command keeps judging such a fact as not yet happened (core/evaluate.py).
def _later(day: date, today: date) -> str:
    return f"{day:%d %B %Y} is after today ({today:%d %B %Y})"


def completed_after_today(today: date) -> Callable[[Context], Iterator[Problem]]:
    """W144: `completed:` after today."""
    def run(ctx: Context) -> Iterator[Problem]:
        for a, where in ctx.actions:
            if a.completed is not None and a.completed > today:
                yield _warn(ctx.plan, where.get("completed") or _action_at(a), "W144",
                            f"action {a.id} completed: {_later(a.completed, today)}; write the "
                            "day it was completed (until then it is not completed)")
    return run


def signed_off_after_today(today: date) -> Callable[[Context], Iterator[Problem]]:
    """W145: a sign-off `on:` after today."""
    def run(ctx: Context) -> Iterator[Problem]:
        for a, where in ctx.actions:
            s = a.signed_off
            if s is not None and s.on > today:
                at = ctx.at.get(s, "on") or where.get("signed_off") or _action_at(a)
                yield _warn(ctx.plan, at, "W145", f"action {a.id} signed_off on: "
                            f"{_later(s.on, today)}; write the day it was signed off (until then "
                            "it is not signed off)")
    return run


def milestone_done_after_today(today: date) -> Callable[[Context], Iterator[Problem]]:
    """W146: a milestone's `done:` date after today."""
    def run(ctx: Context) -> Iterator[Problem]:
        for a, where in ctx.actions:
            for m in a.milestones:
                if m.done_on is not None and m.done_on > today:
                    at = ctx.at.get(m, "done") or where.get("milestones") or _action_at(a)
                    yield _warn(ctx.plan, at, "W146", f"action {a.id} milestone "
                                f"{m.text or format(m.due, '%d %B %Y')!r} done: "
                                f"{_later(m.done_on, today)}; write the day it was done, or "
                                "'done: false' until then")
    return run


def recorded_after_today(today: date) -> Callable[[Context], Iterator[Problem]]:
    """W147: a report made (`reported:`) or an update written (`updates:` date) after today."""
    def run(ctx: Context) -> Iterator[Problem]:
        for a, where in ctx.actions:
            for i, day in enumerate(a.reported):
                if day > today:
                    yield _warn(ctx.plan, where.get(f"reported.{i}") or _action_at(a), "W147",
                                f"action {a.id} reported: {_later(day, today)}; write the "
                                "day the report was made")
            for u in a.updates:
                if u.date > today:
                    yield _warn(ctx.plan, ctx.at.get(u, "date") or ctx.at.get(u, "self")
                                or _action_at(a), "W147", f"action {a.id} update date: "
                                f"{_later(u.date, today)}; write the day it was written")
    return run


def dated_validations(today: date) -> tuple[Check, ...]:
    """The checks that need the day the plans are judged at (`check` runs them)."""
    return (Check("W144", completed_after_today(today)),
            Check("W145", signed_off_after_today(today)),
            Check("W146", milestone_done_after_today(today)),
            Check("W147", recorded_after_today(today)))


def _fact_days(plan: Plan) -> Iterator[date]:
    for a in plan.actions:
        if a.completed is not None:
            yield a.completed
        if a.signed_off is not None:
            yield a.signed_off.on
        yield from (m.done_on for m in a.milestones if m.done_on is not None)
        yield from a.reported
        yield from (u.date for u in a.updates)


def has_facts_after(plan: Plan, today: date) -> bool:
    """Whether dated_validations(today) can find anything (a plain scan: no positions)."""
    return any(day > today for day in _fact_days(plan))


# The registry. To add a check: write its function above, list it here with its code.
# Problems come out check by check, in this order.
BASIC_VALIDATIONS: tuple[Check, ...] = (
    Check("W101", lead_not_in_leads),
    Check("W102", unknown_body),
    Check("W103", due_before_publication),
    Check("W104", due_to_be_confirmed),
    Check("W105", recommendation_without_actions),
    Check("W106", open_action_without_due),
    Check("W107", open_action_without_lead),
    Check("W108", updates_out_of_order),
    Check("W140", signed_off_by_own_lead),
    Check("W141", signed_off_before_completed),
    Check("W142", signed_off_not_completed),
)
STRICT_VALIDATIONS: tuple[Check, ...] = (Check("S201", completed_without_date),)


def _bounded(p: Problem) -> Problem:
    if len(p.message) <= MAX_MESSAGE:
        return p
    return Problem(p.path, p.line, p.column, p.code, p.message[:MAX_MESSAGE] + "...", p.severity)


def validate(plan: Plan, at: Located = NOWHERE,
             validations: Sequence[Check] = BASIC_VALIDATIONS) -> list[Problem]:
    ctx = Context.of(plan, at)
    return [_bounded(p) for check in validations for p in check.run(ctx)]
