"""open_plans: the one call a command makes to get its plans and the date they are judged at."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import msgspec

from ..core.errors import ERROR, PlanLoadError, Problem
from ..core.model import Plan
from ..format.loaded import LoadResult
from ..store.cache import use_cache
from ..store.files import load_paths
from .asat import AsAt, AsOf, as_at, parse_as_of
from .settings import Settings, plan_paths


class Loaded(msgspec.Struct, frozen=True):
    """The plans as asked for, and (unless opened with judge=False) the date to judge them at."""

    plans: tuple[Plan, ...]
    problems: tuple[Problem, ...]
    comparison_files: tuple[str, ...]  # files with a top-level `comparison:` (see compare)
    paths: list[Path]  # where the plans were read from (--plans, PLANCTL_PLANS, ./plans ...)
    as_of: AsOf | None
    at: AsAt | None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def day(self) -> date:
        if self.at is None:
            raise ValueError("the plans were opened with judge=False: no date to judge them at")
        return self.at.day

    @property
    def notes(self) -> tuple[str, ...]:
        """Notes for stderr (the plans changed in git after --today), to print before output."""
        return self.at.notes if self.at is not None else ()


def open_plans(s: Settings, *, allow_errors: bool = False, dates_from_git: bool | None = None,
               judge: bool = True) -> Loaded:
    """The plans, as in the working tree or as of a revision or date; errors stop the command
    unless allowed.

    dates_from_git: fill in completion dates from git (False for edits and check, which
    need the file as written; True for show and report, which print them; None: when a
    past date is judged). judge: work out the date to judge at (False: the command does
    not judge, or works it out later with as_at)."""
    paths = plan_paths(s)
    as_of = parse_as_of(s.as_of)
    result = _read(paths, as_of, s.no_cache)
    if result.errors and not allow_errors:
        raise PlanLoadError(sorted(result.errors))
    if dates_from_git is None:
        # The walk through git costs a history read: do it when a date in the past is judged
        # (a completion later than it must not count). No output of the commands that get
        # here prints a completion date (show and report ask for them), so JSON does not
        # need them: `overdue --format json` in a repository no longer reads its history.
        dates_from_git = bool(s.today or as_of or os.environ.get("PLANCTL_TODAY"))
    plans = result.plans
    if dates_from_git:
        from .completed import with_git_dates  # only a past date, show and report pay for git

        plans = with_git_dates(plans, paths, as_of)
    at = as_at(s, as_of, paths) if judge else None
    return Loaded(plans, result.problems, result.comparison_files, paths, as_of, at)


def _read(paths: list[Path], as_of: AsOf | None, no_cache: bool) -> LoadResult:
    with use_cache(False if no_cache else None):
        if as_of is None:
            return load_paths(paths)
        from ..store.gitstore import load_as_of  # only --as-of pays for git

        return load_as_of(paths, as_of.spec)
