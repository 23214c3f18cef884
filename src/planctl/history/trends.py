"""Trends from git: status counts, each action's council rating and each measure's actual
value at each committee meeting (or, without meeting tags, at each commit date), and how
many times each action's deadline moved.

Pure over versions, in the one pass the report already makes over the history: a
`TrendsBuilder` is fed each version as it is read (history.trail does it beside the
timeline), following actions by identity with slippage's own tracker (`Deadlines`), so a
renumbered action keeps its strip and a deadline move is exactly what `slippage` counts.

Bounded: at most MAX_POINTS points (the latest; the earlier ones are counted in `dropped`
with their first and last dates), and per point only references to the version's plans
and its tracks are kept, never a copy.
"""

from __future__ import annotations

import datetime
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from ..core.evaluate import Summary, evaluate, id_sort_key, summarise
from ..core.measures import Reading, read_value, unit_key
from ..core.model import Action, Plan, iso
from ..store.gitstore.records import Commit, Version
from .slippage import Deadlines

if TYPE_CHECKING:
    from .slippage import _Track

MAX_POINTS = 24  # two years of monthly meetings, six of quarterly ones
Basis = Literal["meetings", "commits"]
PointKind = Literal["meeting", "commit", "now"]
# A cell of a rating strip: the council's rating, "unrated" (in the plan, no `rag:`), or
# None (the action was not in the plan then).
UNRATED = "unrated"


@dataclass(frozen=True)
class Meeting:
    """A meeting the trends stop at: its date, its tag name(s), and the commit tagged."""

    day: date
    name: str
    commit: str  # full id


@dataclass(frozen=True)
class TrendPoint:
    """The plans at one meeting, commit date or the report's as-at date, with their counts
    (judged as at the point's own date, as the report's timeline does)."""

    kind: PointKind
    date: date
    label: str  # the meeting tag(s), the short commit, or "as at"
    commit: str | None  # short id (None: the report's own plans)
    counts: Summary
    open: int

    def as_dict(self, day: Callable[[datetime.date], object] = iso) -> dict[str, object]:
        return {"kind": self.kind, "date": day(self.date), "label": self.label,
                "commit": self.commit, **self.counts.as_dict(), "open": self.open}


@dataclass(frozen=True)
class RatingStrip:
    """One action's council rating at each point, and its deadline moves from git."""

    plan: str
    id: str  # as in the report's plans
    text: str
    ratings: tuple[str | None, ...]  # per point: red/amber/green/blue, "unrated", or None
    deadline_moves: int  # every move of its deadline in a commit (slippage's moves)
    moved_later: int  # of those, the moves later

    def as_dict(self) -> dict[str, object]:
        return {"plan": self.plan, "id": self.id, "text": self.text, "ratings": list(self.ratings),
                "deadline_moves": self.deadline_moves, "moved_later": self.moved_later}


@dataclass(frozen=True)
class MeasureTrend:
    """One measure's actual value at each point, against its baseline and target (as the
    report's plans give them). `unit` is the unit plotted: the latest numeric actual's; a
    value in another unit, or text, is listed and not plotted."""

    plan: str
    action: str  # the action's id in the report's plans
    measure: str
    baseline: Reading | None
    target: Reading | None
    unit: str | None  # None: no actual is a number (nothing to plot)
    values: tuple[Reading | None, ...]  # per point; None: no actual written then

    def plotted(self, r: Reading | None) -> bool:
        """Whether a value (or the baseline, or target) goes on the chart."""
        return r is not None and r.number is not None and r.unit == self.unit

    def as_dict(self) -> dict[str, object]:
        def reading(r: Reading | None) -> dict[str, object] | None:
            return None if r is None else {**r.as_dict(), "plotted": self.plotted(r)}

        return {"plan": self.plan, "action": self.action, "measure": self.measure,
                "baseline": reading(self.baseline), "target": reading(self.target),
                "unit": self.unit, "values": [reading(v) for v in self.values]}


@dataclass(frozen=True)
class Trends:
    basis: Basis  # one point per meeting tag, or (none before the as-at date) per commit date
    points: tuple[TrendPoint, ...]  # oldest first; the last is the report's own plans
    dropped: int  # earlier points left out (MAX_POINTS)
    dropped_from: date | None
    dropped_to: date | None
    ratings: tuple[RatingStrip, ...]  # actions with a rating at some point, or a deadline move
    measures: tuple[MeasureTrend, ...]  # measures with an actual value at some point

    def as_dict(self, day: Callable[[datetime.date], object] = iso) -> dict[str, object]:
        return {"basis": self.basis, "max_points": MAX_POINTS,
                "points": [p.as_dict(day) for p in self.points],
                "dropped": {"count": self.dropped,
                            "from": day(self.dropped_from) if self.dropped_from else None,
                            "to": day(self.dropped_to) if self.dropped_to else None},
                "ratings": [r.as_dict() for r in self.ratings],
                "measures": [m.as_dict() for m in self.measures]}


@dataclass(frozen=True)
class _Snap:
    """A point as kept while the history is read: references only."""

    kind: PointKind
    date: date
    label: str
    commit: str | None
    plans: tuple[Plan, ...]
    tracks: dict[tuple[str, str], _Track]


class TrendsBuilder:
    """Fed every version (oldest first) before the as-at date, then `finish`ed with the
    report's own plans. `meetings`: the meeting tags (any order) on or before the as-at date;
    `chain`: every commit of the first-parent line, to place a tagged commit between the
    versions (a tag on a commit off that line is left out)."""

    def __init__(self, today: date, meetings: Sequence[Meeting] = (),
                 chain: Sequence[Commit] = (), max_points: int = MAX_POINTS) -> None:
        self.today = today
        self._deadlines = Deadlines()
        self._max = max(1, max_points)
        self._snaps: deque[_Snap] = deque()
        self._seen = 0  # points met, kept or not
        self._first_dropped: date | None = None
        self._last_dropped: date | None = None
        position = {c.sha: i for i, c in enumerate(chain)}
        placed = [(position[m.commit], m) for m in meetings
                  if m.commit in position and m.day < today]
        self._meetings = deque(sorted(placed, key=lambda p: (p[0], p[1].day, p[1].name)))
        self._position = position
        self.basis: Basis = "meetings" if self._meetings else "commits"
        self._last: tuple[Version, dict[tuple[str, str], _Track]] | None = None

    def add(self, v: Version) -> None:
        """The next version of the plans (one read from git)."""
        if v.commit is None or v.commit.date >= self.today:
            return  # the as-at date's own plans come in `finish`; the future is not known yet
        if self.basis == "meetings":
            here = self._position.get(v.commit.sha, len(self._position))
            while self._last is None and self._meetings and self._meetings[0][0] < here:
                self._meetings.popleft()  # before the plans were in git: nothing to show
            self._meetings_before(here)
        self._deadlines.add(v)
        tracks = dict(self._deadlines.tracks)  # this version's map (Deadlines changes its own)
        self._last = (v, tracks)
        if self.basis == "commits":
            c = v.commit
            snap = _Snap("commit", c.date, c.short, c.short, v.plans, tracks)
            if self._snaps and self._snaps[-1].date == c.date:
                self._snaps[-1] = snap  # the day's last commit, as the timeline counts
            else:
                self._keep(snap)

    def _meetings_before(self, position: int) -> None:
        """The meetings held on the plans as they stood before the version at `position`
        (all that are left, at -1)."""
        while self._meetings and self._last is not None and (
                position < 0 or self._meetings[0][0] < position):
            _, m = self._meetings.popleft()
            v, tracks = self._last
            if self._snaps and self._snaps[-1].date == m.day and self._snaps[-1].kind == "meeting":
                prev = self._snaps[-1]  # two bodies met on one day: one point
                self._snaps[-1] = _Snap("meeting", m.day, f"{prev.label}, {m.name}",
                                        v.commit.short if v.commit else None, v.plans, tracks)
            else:
                self._keep(_Snap("meeting", m.day, m.name, v.commit.short if v.commit else None,
                                 v.plans, tracks))

    def _keep(self, snap: _Snap) -> None:
        self._seen += 1
        self._snaps.append(snap)
        if len(self._snaps) > self._max - 1:  # one place is the report's own plans
            old = self._snaps.popleft()
            self._first_dropped = self._first_dropped or old.date
            self._last_dropped = old.date

    def finish(self, plans: Sequence[Plan]) -> Trends:
        """The trends, ending with `plans` (the report's own) as at the as-at date."""
        if self.basis == "meetings":
            self._meetings_before(-1)
        now = self._deadlines
        now.add(Version(None, tuple(plans)))  # follows identity; a move needs a commit
        self._snaps.append(_Snap("now", self.today, "as at", None, tuple(plans), now.tracks))
        points = tuple(_point(s) for s in self._snaps)
        dropped = max(0, self._seen - (len(self._snaps) - 1))
        ratings, measures = _series(list(self._snaps))
        return Trends(self.basis, points, dropped, self._first_dropped, self._last_dropped,
                      ratings, measures)


def _point(s: _Snap) -> TrendPoint:
    rows = evaluate(s.plans, s.date)
    counts = summarise(rows)
    return TrendPoint(s.kind, s.date, s.label, s.commit, counts,
                      sum(1 for r in rows if r.open))


def _actions(snap: _Snap) -> Iterable[tuple[_Track, Action]]:
    for plan in snap.plans:
        for a in plan.actions:
            t = snap.tracks.get((plan.id, a.id))
            if t is not None:
                yield t, a


def _series(snaps: list[_Snap]) -> tuple[tuple[RatingStrip, ...], tuple[MeasureTrend, ...]]:
    """Per action of the report's plans (the last point): its rating and measures at each
    point, found through its track (so renumbering between points does not matter)."""
    n = len(snaps)
    ratings: dict[int, list[str | None]] = {}
    actuals: dict[tuple[int, str], list[Reading | None]] = {}
    for k, snap in enumerate(snaps):
        for t, a in _actions(snap):
            ratings.setdefault(id(t), [None] * n)[k] = a.rag or UNRATED
            for m in a.measures:
                if m.actual is not None:
                    actuals.setdefault((id(t), _key(m.text)), [None] * n)[k] = read_value(m.actual)
    strips, trends = [], []
    for t, a in sorted(_actions(snaps[-1]), key=lambda p: (p[1].plan, id_sort_key(p[1].id))):
        cells = ratings.get(id(t), [None] * n)
        later = sum(1 for c in t.changes if c.new > c.old)
        if any(c not in (None, UNRATED) for c in cells) or t.changes:
            strips.append(RatingStrip(a.plan, a.id, a.text, tuple(cells), len(t.changes), later))
        for m in a.measures:
            values = actuals.get((id(t), _key(m.text)))
            if values is None:
                continue
            trends.append(_measure(a, m.text, m.baseline, m.target, values))
    return tuple(strips), tuple(trends)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _measure(a: Action, text: str, baseline: str | None, target: str | None,
             values: list[Reading | None]) -> MeasureTrend:
    numbers = [v for v in values if v is not None and v.number is not None]
    unit = numbers[-1].unit if numbers else None
    return MeasureTrend(a.plan, a.id, text,
                        read_value(baseline) if baseline is not None else None,
                        read_value(target) if target is not None else None,
                        unit_key(unit) if unit is not None else None, tuple(values))


def trends(versions: Iterable[Version], plans: Sequence[Plan], today: date,
           meetings: Sequence[Meeting] = (), chain: Sequence[Commit] = (),
           max_points: int = MAX_POINTS) -> Trends:
    """The trends of `plans` (the report's) from the versions before `today`, in one call."""
    builder = TrendsBuilder(today, meetings, chain, max_points)
    for v in versions:
        builder.add(v)
    return builder.finish(plans)
