"""Status as at a date: pure functions of (plan, date). No clock, no I/O.

The rule, as documented in docs/plan-format.md:
- progress `completed` (with no `completed:` date, or one on or before the date)
  -> completed; `dropped` -> dropped;
- otherwise the next open deadline drives the status. Milestones are open
  until done (a `done:` date after the as-at date is not done yet); for a
  timescale with several dates, each entry of `reported:` closes the next one;
- a `repeat` action is due on its first date and every period after it
  (monthly, quarterly, ...); each report on or before the as-at date closes the
  earliest open occurrence, so missed reports pile up and show as overdue from
  the first missed one;
- when every milestone is done the action is completed, unless its timescale
  says "ongoing", which then has no deadline (no-date);
- before its start (`From June 2013`, `April - June 2013`) an action is not
  due: never due-soon or overdue, on-track (or no-date without a deadline).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from operator import attrgetter, neg
from typing import NamedTuple

import msgspec

from .errors import WARNING, Problem
from .model import Action, Milestone, Plan
from .names import authority_key, lead_authority
from .signoff import AWAITING, awaits
from .timescale import occurrence


class Row(NamedTuple):
    """One action as at a date: what every renderer shows.

    A named tuple, not a frozen dataclass: every action makes one on every run, and a
    frozen dataclass's constructor sets each field through object.__setattr__ (about
    5x the cost at 20,000 actions)."""

    plan: Plan
    action: Action
    status: str
    due: date | None  # the deadline that drives the status
    due_label: str
    days_overdue: int
    awaiting: bool = False  # completed, but the plan requires a sign-off not yet given

    @property
    def open(self) -> bool:
        return self.status not in ("completed", "dropped")

    @property
    def shown_status(self) -> str:
        """The status as people read it: "completed, awaiting sign-off" apart."""
        return AWAITING if self.awaiting else self.status


class Summary(msgspec.Struct, frozen=True):
    total: int
    completed: int
    overdue: int
    due_soon: int
    on_track: int
    no_date: int
    dropped: int
    awaiting_signoff: int | None = None  # of the completed; None: no plan requires sign-off

    @property
    def percent_complete(self) -> int:
        counted = self.total - self.dropped
        return round(100 * self.completed / counted) if counted else 0

    def as_dict(self) -> dict[str, int]:
        return {"total": self.total, "completed": self.completed, "overdue": self.overdue,
                "due_soon": self.due_soon, "on_track": self.on_track, "no_date": self.no_date,
                "dropped": self.dropped,
                # Only where a plan requires sign-off, so other plans' output is unchanged.
                **({"awaiting_signoff": self.awaiting_signoff}
                   if self.awaiting_signoff is not None else {})}


def _done_by(flag: bool, on: date | None, today: date) -> bool:
    return flag and (on is None or on <= today)


def next_deadline(action: Action, today: date) -> tuple[date | None, str, bool]:
    """(next open deadline, its label, every deadline met) as at `today`."""
    if action.repeat:
        first = action.timescale.first_due if action.timescale else None
        if first is None:
            return None, "", False
        count = sum(1 for d in action.reported if d <= today)
        return occurrence(first, action.repeat, count), "report", False
    for ms in action.milestones:
        if not _done_by(ms.done, ms.done_on, today):
            return ms.due, ms.text, False
    return None, "", bool(action.milestones)


MAX_OPEN_OCCURRENCES = 500  # of one repeating action, listed by `deadlines` (a bound, not a rule)


class Deadline(msgspec.Struct, frozen=True):
    """One deadline of an action: a milestone (kind "m") or a repeat's occurrence ("r").
    `number` counts from 1 in the action's own order, so it names the same deadline when
    its date moves."""

    kind: str
    number: int
    due: date
    label: str
    done: bool


def deadlines(action: Action, today: date, until: date) -> list[Deadline]:
    """Every deadline of `action` as at `today`, done or open, the way next_deadline counts
    them: each milestone; for a repeat, each occurrence reported (done), then the open ones
    up to `until` (at least the next one, at most MAX_OPEN_OCCURRENCES of them)."""
    if not action.repeat:
        return [Deadline("m", i, ms.due, ms.text, _done_by(ms.done, ms.done_on, today))
                for i, ms in enumerate(action.milestones, 1)]
    first = action.timescale.first_due if action.timescale else None
    if first is None:
        return []
    count = sum(1 for d in action.reported if d <= today)
    out = []
    for n in range(count + MAX_OPEN_OCCURRENCES):
        try:
            due = occurrence(first, action.repeat, n)
        except (ValueError, OverflowError):  # past the year 9999: no later dates exist
            break
        if n > count and due > until:
            break
        out.append(Deadline("r", n + 1, due, "report", n < count))
    return out


def milestones_done(row: Row, today: date) -> list[tuple[Milestone, bool, date | None]]:
    """Each milestone of the row's action, whether it is done as at `today`, and when. A
    completed action has every milestone done (on its own `done:` date, else the action's)."""
    action = row.action
    if row.status == "completed":
        return [(ms, True, ms.done_on or action.completed) for ms in action.milestones]
    return [(ms, _done_by(ms.done, ms.done_on, today), ms.done_on if _done_by(ms.done, ms.done_on, today)
             else None) for ms in action.milestones]


def evaluate_action(plan: Plan, action: Action, today: date, soon: date | None = None) -> Row:
    """soon: the last day counted as due soon (today + the plan's due_soon_days), when the
    caller has worked it out once for the whole plan."""
    if action.progress == "completed" and (action.completed is None or action.completed <= today):
        return Row(plan, action, "completed", None, "", 0, awaits(plan, action, today))
    if action.progress == "dropped":
        return Row(plan, action, "dropped", None, "", 0)
    due, label, all_met = next_deadline(action, today)
    if due is None:
        ongoing = action.timescale is not None and action.timescale.ongoing
        if all_met and not ongoing:
            return Row(plan, action, "completed", None, "", 0, awaits(plan, action, today))
        return Row(plan, action, "no-date", None, "", 0)
    if action.start is not None and today < action.start:  # not begun: nothing is due yet
        return Row(plan, action, "on-track", due, label, 0)
    if due < today:
        return Row(plan, action, "overdue", due, label, (today - due).days)
    if due <= (soon or today + timedelta(days=plan.due_soon_days)):
        return Row(plan, action, "due-soon", due, label, 0)
    return Row(plan, action, "on-track", due, label, 0)


def evaluate(plans: Iterable[Plan], today: date) -> list[Row]:
    rows = []
    for plan in plans:
        soon = today + timedelta(days=plan.due_soon_days)
        rows += [evaluate_action(plan, action, today, soon) for action in plan.actions]
    return rows


_STATUS, _SIGNOFF, _AWAITING = attrgetter("status"), attrgetter("plan.signoff"), attrgetter("awaiting")


def summarise(rows: Iterable[Row]) -> Summary:
    rows = rows if isinstance(rows, list | tuple) else list(rows)
    counts = Counter(map(_STATUS, rows))  # C loops: this runs per group at 20,000 actions
    required = "required" in set(map(_SIGNOFF, rows))  # Plan.signoff_required, row by row
    awaiting = sum(map(_AWAITING, rows)) if required else 0
    return Summary(
        total=sum(counts.values()), completed=counts["completed"], overdue=counts["overdue"],
        due_soon=counts["due-soon"], on_track=counts["on-track"], no_date=counts["no-date"],
        dropped=counts["dropped"], awaiting_signoff=awaiting if required else None,
    )


class LeadGroup(NamedTuple):
    """The rows of one lead of one authority (names.lead_authority): "Head of Service" in two
    councils is two groups; in two plan files of one council, one."""

    authority: str  # as the first plan of it writes it
    lead: str
    rows: list[Row]


def lead_groups(rows: Iterable[Row]) -> list[LeadGroup]:
    """Rows grouped under each lead of each authority (an action with two leads is under
    both), by authority then lead, A-Z."""
    groups: dict[tuple[str, str], LeadGroup] = {}
    scopes: dict[int, tuple[str, str]] = {}  # id(plan) -> (authority key, authority)
    for row in rows:
        scope = scopes.get(id(row.plan))
        if scope is None:
            scope = scopes[id(row.plan)] = (authority_key(row.plan), lead_authority(row.plan))
        for lead in row.action.leads or ("(no lead)",):
            group = groups.get((scope[0], lead))
            if group is None:
                group = groups[(scope[0], lead)] = LeadGroup(scope[1], lead, [])
            group.rows.append(row)
    return [groups[k] for k in sorted(groups, key=lambda k: (k[0], k[1].casefold()))]


def by_lead(rows: Iterable[Row]) -> list[tuple[str, list[Row]]]:
    """(lead, rows) of lead_groups: a lead of two authorities comes twice."""
    return [(g.lead, g.rows) for g in lead_groups(rows)]


_PLAN_ID, _ACTION_ID = attrgetter("plan.id"), attrgetter("action.id")
_DAYS_OVERDUE, _DUE = attrgetter("days_overdue"), attrgetter("due")


def _ordered(rows: list[Row], first: Iterable[object]) -> list[Row]:
    """`rows` by `first` (one key per row), then plan id, then action id ('3.10' after
    '3.9'). Each distinct id's key is worked out once and ranked (equal keys, equal
    ranks); then one sort of (first, plan id, rank) tuples, every key made in C (map,
    zip), so that no Python function runs per row. Stable: rows equal in all three keep
    their order."""
    ids = list(map(_ACTION_ID, rows))
    id_keys = {i: id_sort_key(i) for i in set(ids)}
    rank = {k: n for n, k in enumerate(sorted(set(id_keys.values())))}
    id_rank = {i: rank[k] for i, k in id_keys.items()}
    keys = list(zip(first, map(_PLAN_ID, rows), map(id_rank.__getitem__, ids), strict=True))
    return list(map(rows.__getitem__, sorted(range(len(rows)), key=keys.__getitem__)))


def most_late_first(rows: Iterable[Row]) -> list[Row]:
    """Most days overdue first, then by plan id and action id."""
    out = list(rows)
    return _ordered(out, map(neg, map(_DAYS_OVERDUE, out)))


def by_due_date(rows: Iterable[Row]) -> list[Row]:
    """Soonest due first (no date last), then by plan id and action id."""
    out = list(rows)
    return _ordered(out, [d or date.max for d in map(_DUE, out)])


def id_sort_key(action_id: str) -> tuple[tuple[int, int, str], ...]:
    """'3.10' after '3.9': compare the numeric parts as numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in action_id.split("."))


def rag_disagreements(plans: Iterable[Plan], today: date) -> list[Problem]:
    """Warnings where the council's own rating (`rag:`) and the computed status disagree
    as at `today` (W130: rated green or blue but overdue; W131: blue but not completed).
    The rating is shown beside the status, never instead of it; these say where to look."""
    out = []
    for plan in plans:
        for action in plan.actions:
            if action.rag not in ("green", "blue"):
                continue
            row = evaluate_action(plan, action, today)
            where = (plan.path, action.line, action.column)
            if row.status == "overdue":
                out.append(Problem(*where, "W130", f"action {action.id} is rated "
                                   f"{action.rag} but is overdue ({row.days_overdue} "
                                   f"{'day' if row.days_overdue == 1 else 'days'}, due "
                                   f"{row.due:%d %B %Y}) as at {today:%d %B %Y}", WARNING))
            elif action.rag == "blue" and row.status != "completed":
                out.append(Problem(*where, "W131", f"action {action.id} is rated blue "
                                   f"(complete) but its status is {row.status} as at "
                                   f"{today:%d %B %Y}; set 'status: completed' or change the "
                                   "rating", WARNING))
    return out


NO_THEME = "(no theme)"


def by_theme(rows: Iterable[Row]) -> list[tuple[str | None, str, list[Row]]]:
    """(theme key, title, rows) for each theme, in the order `themes:` lists them (plan by
    plan); rows whose recommendation names no theme come last, under key None."""
    groups: dict[tuple[str, str | None], list[Row]] = {}
    order: dict[tuple[str, str | None], tuple[int, int, str]] = {}
    titles: dict[tuple[str, str | None], str] = {}
    plan_rank: dict[str, int] = {}
    for row in rows:
        plan = row.plan
        rank = plan_rank.setdefault(plan.id, len(plan_rank))
        keys = [t.key for t in plan.themes]
        theme = row.plan.theme_of(row.action) if keys else None
        group = (plan.id, theme)
        if group not in groups:
            groups[group] = []
            titles[group] = plan.theme_title(theme) if theme is not None else NO_THEME
            order[group] = ((1, 0, "") if theme is None else (0, rank, f"{keys.index(theme):09d}"))
        groups[group].append(row)
    merged: dict[tuple[str | None, str], list[Row]] = {}
    for group in sorted(groups, key=lambda g: order[g]):
        merged.setdefault((group[1], titles[group]), []).extend(groups[group])
    return [(key, title, group) for (key, title), group in merged.items()]
