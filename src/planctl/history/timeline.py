"""The plans' figures over time, for charts: counts of actions per commit date, each version
judged as at its own commit date."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..core.evaluate import Summary, evaluate, summarise
from ..core.model import iso

if TYPE_CHECKING:
    from ..store.gitstore import Commit, Version


@dataclass(frozen=True)
class TimelinePoint:
    date: date
    commit: Commit | None  # None: not a commit (the report's last point, its own plans)
    counts: Summary
    open: int

    def as_dict(self, day: Callable[[datetime.date], object] = iso) -> dict[str, object]:
        """{"date", "commit" (short hash), the counts, "open"}; `day` writes the date."""
        return {"date": day(self.date), "commit": self.commit.short if self.commit else None,
                **self.counts.as_dict(), "open": self.open}


def timeline(versions: Iterable[Version], end: date | None = None) -> list[TimelinePoint]:
    """One point per commit date (the day's last commit), oldest first; with `end`, a last
    point judges the newest version as at `end` (e.g. today). open = total - completed -
    dropped."""
    points: dict[date, TimelinePoint] = {}
    last = None
    for v in versions:
        if v.commit is None:
            continue
        points[v.commit.date] = _point(v, v.commit, v.commit.date)
        last = v
    if end is not None and last is not None and last.commit is not None and end > last.commit.date:
        points[end] = _point(last, last.commit, end)
    return [points[d] for d in sorted(points)]


def _point(v: Version, commit: Commit, day: date) -> TimelinePoint:
    counts = summarise(evaluate(v.plans, day))
    return TimelinePoint(day, commit, counts, counts.total - counts.completed - counts.dropped)
