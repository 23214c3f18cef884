"""Completion dates from git: for actions marked completed without a `completed:` date, the
date of the commit that completed them (so a date judged before it does not count them)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.model import Action, Plan, evolve
from .asat import AsOf
from .settings import in_git

if TYPE_CHECKING:
    from ..store.gitstore import Version


def with_git_dates(plans: tuple[Plan, ...], paths: list[Path],
                   as_of: AsOf | None) -> tuple[Plan, ...]:
    """The plans, with those dates filled in (completed_source "git"); unchanged when git
    cannot tell. The history read is up to --as-of (its revision, or the last commit on or
    before its date), else HEAD; up to a revision, the dates are kept in the cache by the
    commit they were worked out at (history/completion.py)."""
    wanted = {(p.id, a.id) for p in plans for a in p.actions
              if a.progress == "completed" and a.completed is None}
    if not wanted or not in_git(paths):
        return plans
    from ..core.errors import GitError
    from ..history.completion import completion_dates, kept_completion_dates

    try:
        if as_of is None or as_of.day is None:  # HEAD or a revision: kept in the cache
            dates = kept_completion_dates(paths, as_of.spec if as_of is not None else "HEAD", wanted)
        else:
            # Imported here: the walk of versions (and git's log parsing under it) is not
            # needed by the common case above, a plain past --today served from the cache.
            from ..history.sharing import SharedObjects
            from ..store.gitstore import plan_versions

            last = as_of.day
            versions: Iterable[Version] = (
                v for v in plan_versions(paths, "HEAD", share=SharedObjects()).versions
                if v.commit is not None and v.commit.date <= last)
            dates = completion_dates(versions, wanted)
    except GitError:
        return plans
    if not dates:
        return plans

    def fill(action: Action) -> Action:
        when = dates.get((action.plan, action.id))
        if when is None or action.completed is not None or action.progress != "completed":
            return action
        return evolve(action, completed=when, completed_source="git")

    return tuple(evolve(p, recommendations=tuple(
        evolve(r, actions=tuple(fill(a) for a in r.actions)) for r in p.recommendations))
        for p in plans)
