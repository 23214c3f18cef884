"""Actions followed from one version of the plans to a later one, through every version
between, by the audit trail's identity (history.matching): what `returns apply` uses to
find, in the plan now, the action a return's row named at the commit it was cut from.

Each step pairs one version's actions with the next's, as `slippage` follows them, so an
action renumbered, moved to another recommendation or reworded along the way is still
found; one removed is None. A plan deleted and restored later is followed across the gap.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.model import Action, Plan
from .matching import plan_pairs

Key = tuple[str, str]  # (plan id, action id)


def follow(start: Iterable[Plan], versions: Iterable[Iterable[Plan]],
           wanted: Iterable[Key]) -> dict[Key, Action | None]:
    """Each wanted (plan id, action id) of the `start` plans -> its action in the last of
    `versions` (oldest first), or None when it was removed on the way (or never existed)."""
    last: dict[str, Plan] = {p.id: p for p in start}
    now: dict[Key, Key | None] = {}
    for key in wanted:
        plan = last.get(key[0])
        now[key] = key if plan is not None and any(a.id == key[1] for a in plan.actions) else None
    for plans in versions:
        for plan in plans:
            before = last.get(plan.id)
            if before is None or before is plan:
                last[plan.id] = plan
                continue
            moved = {a.id: (b.id if b is not None else None)
                     for a, b in plan_pairs(before, plan) if a is not None}
            for key, at in now.items():
                if at is not None and at[0] == plan.id:
                    to = moved.get(at[1])
                    now[key] = (plan.id, to) if to is not None else None
            last[plan.id] = plan
    out: dict[Key, Action | None] = {}
    for key, at in now.items():
        plan = last.get(at[0]) if at is not None else None
        out[key] = next((a for a in plan.actions if a.id == at[1]), None) \
            if plan is not None and at is not None else None
    return out
