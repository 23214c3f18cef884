"""Every commit between two versions, action by action: what `diff` and the report's
"changes since" read the reason of each change from (each move with its own reason).

The two ends are compared directly (history.diff); the versions between them say which
commit made each part of the change, followed by identity (history.matching) as `slippage`
follows them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core.model import Action, Plan
from .matching import content_key, plan_pairs

if TYPE_CHECKING:
    from ..store.gitstore import Commit, Version

Name = tuple[str, str]  # (plan id, action id) in the newest version


@dataclass(frozen=True)
class Step:
    """One commit's change to one action (commit None: the working tree)."""

    commit: Commit | None
    old: Action
    new: Action


Steps = dict[Name, tuple[Step, ...]]


def steps_between(versions: Iterable[Version]) -> Steps:
    """Each action of the newest version -> the changes made to it after the first version,
    oldest first. A plan deleted and restored later is followed across the gap."""
    chains: dict[Name, tuple[Step, ...]] = {}
    last: dict[str, Plan] = {}  # each plan as last seen, deleted ones too
    for v in versions:
        now: dict[Name, tuple[Step, ...]] = {}
        for plan in v.plans:
            pid = plan.id
            for a, b in plan_pairs(last.get(pid), plan):
                if b is None:
                    continue
                chain = chains.get((pid, a.id), ()) if a is not None else ()
                if a is not None and a is not b and content_key(a) != content_key(b):
                    chain = (*chain, Step(v.commit, a, b))
                now[(pid, b.id)] = chain
        # an action of a deleted plan keeps its steps for when the plan comes back
        present = {p.id for p in v.plans}
        chains = {**{k: c for k, c in chains.items() if k[0] not in present}, **now}
        last.update((p.id, p) for p in v.plans)
    return chains
