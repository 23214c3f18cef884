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
from .changes import pairs_across_files
from .matching import Pair, plan_pairs

Key = tuple[str, str]  # (plan id, action id)
Where = dict[str, dict[str, list[Key]]]  # plan id -> action id there now -> the wanted keys it is


def follow(start: Iterable[Plan], versions: Iterable[Iterable[Plan]],
           wanted: Iterable[Key]) -> dict[Key, Action | None]:
    """Each wanted (plan id, action id) of the `start` plans -> its action in the last of
    `versions` (oldest first), or None when it was removed on the way (or never existed).
    An action removed from one plan file and added to another in the same version is
    followed there, paired as `diff` pairs a move between files (changes.pairs_across_files).
    Each step costs one pairing per plan that changed, whatever the number wanted."""
    last: dict[str, Plan] = {p.id: p for p in start}
    live = set(last)
    at: Where = {}
    out: dict[Key, Action | None] = {}
    for key in wanted:
        plan = last.get(key[0])
        out[key] = None
        if plan is not None and any(a.id == key[1] for a in plan.actions):
            at.setdefault(key[0], {}).setdefault(key[1], []).append(key)
    for plans in versions:
        live = _step(list(plans), last, live, at)
    for plan_id, here in at.items():
        actions = {a.id: a for a in last[plan_id].actions}
        for action_id, keys in here.items():
            for key in keys:
                out[key] = actions.get(action_id)
    return out


def _step(plans: list[Plan], last: dict[str, Plan], live: set[str], at: Where) -> set[str]:
    """One version: each followed action moved to its id there (in `at`); one removed from
    its plan, or left in a plan file deleted now, is looked for among the actions added to
    the other plans. Returns the plans present."""
    present = {p.id for p in plans}
    gone: list[tuple[Action, list[Key]]] = []
    pairs: dict[str, list[Pair]] = {}  # each changed plan's pairs, worked out once
    changed: list[tuple[Plan | None, Plan]] = []
    for pid in live - present:  # a plan file deleted: its actions may be in another now
        gone += [(a, at[pid][a.id]) for a in last[pid].actions if a.id in at.get(pid, {})]
    for plan in plans:
        before = last.get(plan.id)
        last[plan.id] = plan
        if before is plan:
            continue
        changed.append((before if plan.id in live else None, plan))
        here = at.get(plan.id)
        if before is None or not here:
            continue
        moved: dict[str, list[Key]] = {}
        for a, b in pairs.setdefault(plan.id, plan_pairs(before, plan)):
            if a is None or a.id not in here:
                continue
            if b is None:
                gone.append((a, here[a.id]))
            else:
                moved.setdefault(b.id, []).extend(here[a.id])
        at[plan.id] = moved
    if gone:
        came = [b for before, plan in changed for a, b in
                (pairs[plan.id] if plan.id in pairs else plan_pairs(before, plan))
                if a is None and b is not None]
        keys_of = {id(a): keys for a, keys in gone}
        for a, b in pairs_across_files([a for a, _ in gone], came):
            if a.plan not in present:  # out of the deleted plan file, where it waited
                at.get(a.plan, {}).pop(a.id, None)
            at.setdefault(b.plan, {}).setdefault(b.id, []).extend(keys_of[id(a)])
    return present
