"""When each completed action was completed, read from git: the date of the commit that
marked it completed, for actions that give no `completed:` date.

Worked out once per history and kept in the cache (store/cache/state.py) as of the
commit it was worked out at; a later run whose tip is that commit reads it back (one
`git rev-parse`), and one with newer commits on top carries on from it. A rewritten
history (the commit gone from the first-parent line, or its plan files named
otherwise now) is walked again from the start.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.model import Plan
from .matching import plan_pairs

if TYPE_CHECKING:
    from ..store.cache import Interner, WalkState
    from ..store.gitstore import Newer, Resume, Version

Dates = dict[tuple[str, str], date | None]  # (plan, action id) -> date, None: not known


class Completions:
    """The walk over the versions, oldest first: `done` holds, for every action completed
    in the version just read, the date it was completed (None when it was completed when
    first seen: the plan's first commit, or added as completed)."""

    def __init__(self, done: Dates | None = None, before: dict[str, Plan] | None = None) -> None:
        self.done: Dates = done or {}
        self.before: dict[str, Plan] = before or {}

    def add(self, v: Version) -> None:
        done, before = self.done, self.before
        now: Dates = {}
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
        self.done = now
        self.before = {p.id: p for p in v.plans}

    def wanted(self, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], date]:
        return {k: d for k, d in self.done.items() if k in wanted and d is not None}


def completion_dates(versions: Iterable[Version],
                     wanted: set[tuple[str, str]]) -> dict[tuple[str, str], date]:
    """{(plan, id as in the newest version): date of the commit that marked it completed}
    for the `wanted` actions (completed, no `completed:` date), followed by identity.

    Only a change seen in git counts: an action already completed when it first appears
    (the plan's first commit, or added as completed) has no known date and is left out.
    """
    walk = Completions()
    for v in versions:
        walk.add(v)
    return walk.wanted(wanted)


def kept_completion_dates(paths: Sequence[Path], rev: str,
                          wanted: set[tuple[str, str]]) -> dict[tuple[str, str], date]:
    """completion_dates over every version up to `rev`, through the cache (see the module's
    docstring); the same dates a walk from the first commit gives."""
    from ..store import cache, gitstore
    from ..store.gitstore.repo import hand_over_head
    from .sharing import SharedObjects

    # The one git process when nothing is new; no submodule note is said here, so git is
    # not asked for the repository around a submodule (a second process of git's own).
    repo, (tip,) = gitstore.open_repo(paths, [rev], superproject=False)
    if rev == "HEAD":
        hand_over_head(repo, tip)  # for this command's --today note (gitstore.commits)
    name = "completion\0" + "\0".join([str(repo.top), *repo.specs])
    code = cache.code_stamp("history")
    kept = cache.read_state(name, code, cache.WalkState)
    if kept is not None and kept.commit == tip:  # nothing new: the dates alone, no plan decoded
        return {(p, a): d for p, a, d in kept.facts if (p, a) in wanted and d is not None}
    share = SharedObjects()
    walk, since = _resumed(kept, share)
    newer = gitstore.resume_versions(repo, tip, since, share=share)
    if not newer.resumed:
        walk = Completions()
    if newer.versions is None:  # nothing new since the kept state
        return walk.wanted(wanted)
    for v in newer.versions:
        walk.add(v)
    state = _state(newer, walk)
    if state is not None:
        cache.write_state(name, code, state)
    return walk.wanted(wanted)


def _resumed(kept: WalkState | None, share: Interner) -> tuple[Completions, Resume | None]:
    """The walk and where it stopped, from a kept state (nothing when it does not decode)."""
    from ..store.cache import decode_plan
    from ..store.gitstore import Resume

    if kept is None:
        return Completions(), None
    last_good: dict[str, Plan] = {}
    for plan_id, payload in kept.plans:
        plan = decode_plan(payload, share)
        if plan is None:
            return Completions(), None
        last_good[plan_id] = plan
    if not set(kept.current) <= set(last_good):
        return Completions(), None
    done: Dates = {(p, a): d for p, a, d in kept.facts}
    walk = Completions(done, {pid: last_good[pid] for pid in kept.current})
    return walk, Resume(kept.commit, kept.files, last_good)


def _state(newer: Newer, walk: Completions) -> WalkState | None:
    """What to keep of a walk that reached the tip; None when a plan cannot be encoded."""
    from ..store.cache import WalkState, encode_plan

    assert newer.versions is not None
    plans = []
    for plan_id, plan in newer.versions.last_good.items():
        payload = encode_plan(plan)
        if payload is None:
            return None
        plans.append((plan_id, payload))
    facts = tuple((p, a, d) for (p, a), d in walk.done.items())
    return WalkState(newer.tip, newer.files, tuple(plans), tuple(walk.before), facts)
