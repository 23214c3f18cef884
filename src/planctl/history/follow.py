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
    `versions` (oldest first), or None when it was removed on the way (or never existed).
    Each step costs one pairing per plan that changed, whatever the number wanted."""
    last: dict[str, Plan] = {p.id: p for p in start}
    # plan id -> action id there now -> the wanted keys it is
    at: dict[str, dict[str, list[Key]]] = {}
    out: dict[Key, Action | None] = {}
    for key in wanted:
        plan = last.get(key[0])
        out[key] = None
        if plan is not None and any(a.id == key[1] for a in plan.actions):
            at.setdefault(key[0], {}).setdefault(key[1], []).append(key)
    for plans in versions:
        for plan in plans:
            before = last.get(plan.id)
            last[plan.id] = plan
            here = at.get(plan.id)
            if before is None or before is plan or not here:
                continue
            moved: dict[str, list[Key]] = {}
            for a, b in plan_pairs(before, plan):
                if a is not None and b is not None and a.id in here:
                    moved.setdefault(b.id, []).extend(here[a.id])
            at[plan.id] = moved
    for plan_id, here in at.items():
        actions = {a.id: a for a in last[plan_id].actions}
        for action_id, keys in here.items():
            for key in keys:
                out[key] = actions.get(action_id)
    return out
