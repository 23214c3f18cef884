"""The date statuses are judged at, and where it came from: --today, PLANCTL_TODAY, --as-of, the clock.

Each of --today and --as-of is parsed once here; the clock is read here and nowhere else
(core stays pure). Notes meant for stderr are returned, not printed.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Literal

import msgspec

from ..core.errors import UsageError, safe_text
from ..core.timescale import TimescaleError, date_or_none, parse_date
from .settings import Settings, in_git, plan_paths

Source = Literal["--today", "PLANCTL_TODAY", "--as-of date", "--as-of revision", "clock"]


class AsOf(msgspec.Struct, frozen=True):
    """--as-of, parsed once: the plans as committed at a date or at a revision."""

    spec: str  # as written, for git
    day: date | None  # None: a revision (a tag, branch or commit)


def parse_as_of(spec: str | None) -> AsOf | None:
    return AsOf(spec, date_or_none(spec)) if spec else None


class AsAt(msgspec.Struct, frozen=True):
    """The date statuses are judged at, where it came from, and notes for stderr."""

    day: date
    source: Source
    notes: tuple[str, ...] = ()


def as_at(s: Settings, as_of: AsOf | None, paths: list[Path] | None = None) -> AsAt:
    """--today, PLANCTL_TODAY, --as-of's date (a revision's commit date), else the clock.

    paths: where the plans are, when already known (else found from the settings, and
    only when git must be asked)."""
    written = s.today or os.environ.get("PLANCTL_TODAY")
    if written:
        source: Source = "--today" if s.today else "PLANCTL_TODAY"
        try:
            day = parse_date(written)
        except TimescaleError as exc:
            raise UsageError(f"{source}: {exc}") from None
        notes = _later_commits(s, day, paths) if s.today and as_of is None else ()
        return AsAt(day, source, notes)
    if as_of is not None:
        if as_of.day is not None:
            return AsAt(as_of.day, "--as-of date")
        from ..store.gitstore import as_of_when  # a revision: its tag's or commit's date

        day, what = as_of_when(as_of.spec, paths if paths is not None else plan_paths(s))
        return AsAt(day, "--as-of revision",
                    (safe_text(f"note: judged as at {day.day} {day:%b %Y}, {what} (--today "
                               "sets another date)", one_line=True),))
    return AsAt(date.today(), "clock")


def _later_commits(s: Settings, day: date, paths: list[Path] | None) -> tuple[str, ...]:
    """--today judges the plans as they are now; say so when git holds changes made after it."""
    if paths is None:
        try:
            paths = plan_paths(s)
        except UsageError:
            return ()
    if not in_git(paths):
        return ()  # not in git: no git call at all
    from ..store.gitstore import commits_on_both_sides

    if not commits_on_both_sides(paths, day):
        return ()
    return (f"note: the plans were changed in git after {day.isoformat()}; those later "
            "changes are included (--today only sets the date statuses are judged at); "
            f"--as-of {day.isoformat()} shows the plans as they stood then",)
