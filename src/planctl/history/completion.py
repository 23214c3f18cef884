"""When each completed action was completed, read from git: the date of the commit that
marked it completed, for actions that give no `completed:` date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from ..core.model import Plan
from .matching import plan_pairs

if TYPE_CHECKING:
    from ..store.gitstore import Version


def completion_dates(versions: Iterable[Version],
                     wanted: set[tuple[str, str]]) -> dict[tuple[str, str], date]:
    """{(plan, id as in the newest version): date of the commit that marked it completed}
    for the `wanted` actions (completed, no `completed:` date), followed by identity.

    Only a change seen in git counts: an action already completed when it first appears
    (the plan's first commit, or added as completed) has no known date and is left out.
    """
    done: dict[tuple[str, str], date | None] = {}  # by (plan, id) in the version just read
    before: dict[str, Plan] = {}
    for v in versions:
        now: dict[tuple[str, str], date | None] = {}
        for plan in v.plans:
            for a, b in plan_pairs(before.get(plan.id), plan):
                if b is None or b.progress != "completed":
                    continue
                if a is None or (plan.id, a.id) not in done and a.progress == "completed":
                    now[(plan.id, b.id)] = None  # completed when first seen: when is not known
                elif a.progress == "completed":
                    now[(plan.id, b.id)] = done[(plan.id, a.id)]
                else:
                    now[(plan.id, b.id)] = v.commit.date if v.commit else None
        done = now
        before = {p.id: p for p in v.plans}
    return {k: d for k, d in done.items() if k in wanted and d is not None}
