"""The roll-up of many plans: one row per plan, for a regional board following many councils.

Pure: plans + the as-at date (+ how many actions of each plan slipped, which only git
knows, so the caller passes it in) -> rows. The report and the dashboard both show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from .evaluate import evaluate, summarise
from .model import Plan, iso
from .names import authority_key, authority_of, fold_name

__all__ = ["RollupRow", "authority_key", "authority_of", "rollup", "rollup_row"]


@dataclass(frozen=True)
class RollupRow:
    """One plan as at a date. `slipped` is None where the plan's history was not read (not in
    git, or not asked for): unknown, never shown as 0."""

    plan: str  # the plan id
    title: str
    authority: str  # authority_of(plan)
    authority_given: bool  # the plan writes `authority:` (else `authority` is its id)
    inspectorate: str | None  # inspection.by, as written (Ofsted, CQC, HMI Probation ...)
    inspection: str | None  # inspection.kind, as written
    published: date | None  # inspection.published
    actions: int
    completed: int
    dropped: int
    open: int
    percent_complete: int  # of the actions not dropped, as the summary counts it
    overdue: int
    due_soon: int
    slipped: int | None  # actions whose deadline moved later (from git), None: not known
    last_update: date | None  # the newest dated update of any action, on or before the date
    file: str

    def as_dict(self) -> dict[str, object]:
        return {"plan": self.plan, "title": self.title, "authority": self.authority,
                "authority_given": self.authority_given, "inspectorate": self.inspectorate,
                "inspection": self.inspection, "published": iso(self.published),
                "actions": self.actions, "completed": self.completed, "dropped": self.dropped,
                "open": self.open, "percent_complete": self.percent_complete,
                "overdue": self.overdue, "due_soon": self.due_soon, "slipped": self.slipped,
                "last_update": iso(self.last_update), "file": self.file}


def _last_update(plan: Plan, today: date) -> date | None:
    latest = None
    for action in plan.actions:
        update = action.latest_update(today)
        if update is not None and (latest is None or update.date > latest):
            latest = update.date
    return latest


def rollup_row(plan: Plan, today: date, slipped: int | None = None) -> RollupRow:
    s = summarise(evaluate((plan,), today))
    return RollupRow(
        plan=plan.id, title=plan.title, authority=authority_of(plan),
        authority_given=bool((plan.authority or "").strip()),
        inspectorate=plan.inspection.by, inspection=plan.inspection.kind,
        published=plan.inspection.published, actions=s.total, completed=s.completed,
        dropped=s.dropped, open=s.total - s.completed - s.dropped,
        percent_complete=s.percent_complete, overdue=s.overdue, due_soon=s.due_soon,
        slipped=slipped, last_update=_last_update(plan, today), file=plan.path)


def rollup(plans: Iterable[Plan], today: date, *,
           slipped: Mapping[str, int] | None = None) -> list[RollupRow]:
    """One row per plan as at `today`, by authority (A-Z, case and accents aside), then plan
    id. `slipped`: plan id -> actions whose deadline moved later, from the plans' history
    (history.slippage); None where it was not read, and then every row's `slipped` is None.
    A plan the mapping leaves out had none slip."""
    rows = [rollup_row(p, today, None if slipped is None else slipped.get(p.id, 0))
            for p in plans]
    rows.sort(key=lambda r: (fold_name(r.authority), r.plan))
    return rows
