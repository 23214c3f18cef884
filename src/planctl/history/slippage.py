"""`planctl slippage`: every action whose deadline moved later, with each move and its reason.

An action is followed by identity (history.matching): renumbering is not a move. Its
deadline is `changes.due_date`: the date by which the whole action is due.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from ..core.evaluate import id_sort_key
from ..core.model import Action, Plan, iso
from .changes import due_date, move_reason
from .matching import Pair, changed_in_recommendations

if TYPE_CHECKING:
    from ..store.gitstore import Commit, Version


@dataclass(frozen=True)
class DeadlineMove:
    """One commit's move of an action's deadline (later or earlier)."""

    commit: Commit
    reason: str
    reason_source: str  # commit (a Reason: trailer) | update (the edit's note) | subject
    old: date
    new: date

    @property
    def days(self) -> int:
        return (self.new - self.old).days

    def as_dict(self) -> dict[str, object]:
        c = self.commit
        return {"date": iso(c.date), "author": c.author, "commit": c.short, "message": c.subject,
                "reason": self.reason, "reason_source": self.reason_source,
                "from": iso(self.old), "to": iso(self.new), "days": self.days}


@dataclass(frozen=True)
class SlippedAction:
    plan: str
    id: str  # as in the latest version it is in
    text: str
    first_due: date
    current_due: date
    removed: bool  # no longer in the plan: current_due is its last one
    changes: tuple[DeadlineMove, ...]

    @property
    def days_slipped(self) -> int:
        return (self.current_due - self.first_due).days

    @property
    def moves(self) -> int:
        return len(self.changes)

    def as_dict(self) -> dict[str, object]:
        return {"plan": self.plan, "id": self.id, "text": self.text,
                "first_due": iso(self.first_due), "current_due": iso(self.current_due),
                "days_slipped": self.days_slipped, "moves": self.moves, "removed": self.removed,
                "changes": [c.as_dict() for c in self.changes]}


@dataclass(eq=False)  # compared and hashed by identity: one track per action
class _Track:
    plan: str
    id: str
    text: str
    first: date | None
    current: date | None
    changes: list[DeadlineMove] = field(default_factory=list)
    later: bool = False
    present: bool = True

    def slipped(self) -> SlippedAction | None:
        """The action, when its deadline ever moved later."""
        if not self.later or self.first is None or self.current is None:
            return None  # (a move later needs a date before and after it)
        return SlippedAction(self.plan, self.id, self.text, self.first, self.current,
                             not self.present, tuple(self.changes))


def _move(commit: Commit, old: Action, new: Action, was: date, now: date) -> DeadlineMove:
    """The move, with its reason and where that came from (changes.move_reason)."""
    reason, source = move_reason(commit, old, new) or (commit.subject, "subject")
    return DeadlineMove(commit, reason, source, was, now)


def slippage(versions: Iterable[Version], start: int = 0) -> list[SlippedAction]:
    """Every action whose deadline moved later (from `start` on), most days slipped first."""
    deadlines = Deadlines(start)
    for v in versions:
        deadlines.add(v)
    return deadlines.slipped()


class Deadlines:
    """slippage's one pass over the versions, a version at a time, so that another report
    (history.trends) follows the same actions and moves in the same pass.

    `tracks` maps (plan, id) in the version just added to its action's track. It is kept
    from version to version and changed only where an action changed: versions read from
    git share the objects of unchanged actions, which keep their id, date and track, so
    only the actions a commit touched are paired (changed_in_recommendations) and looked at. A reader
    that keeps a version's map copies it.
    """

    def __init__(self, start: int = 0) -> None:
        self.tracks: dict[tuple[str, str], _Track] = {}  # by (plan, id) in the latest version
        self._gone: list[_Track] = []
        self._asleep: dict[tuple[str, str], _Track] = {}  # actions of plan files deleted for now
        self._seed = max(start - 1, 0)  # the version the deadlines are measured from
        self._i = -1
        self._before: dict[str, Plan] = {}  # each plan as last seen, deleted ones too
        self._live: set[str] = set()  # the plans of the version before

    def add(self, v: Version) -> None:
        self._i += 1
        if self._i < self._seed:
            return
        present = {p.id for p in v.plans}
        self._sleep(self._live - present)
        commit = v.commit if self._i > self._seed else None  # moves need both ends from git
        for plan in v.plans:
            old = self._before.get(plan.id)
            if old is None:
                self._follow(plan.id, [(None, b) for b in plan.actions], commit)
            elif old is not plan and old.recommendations != plan.recommendations:
                self._follow(plan.id, changed_in_recommendations(old.recommendations,
                                                                 plan.recommendations), commit)
        # a plan file deleted and restored later is followed across the gap, as a renamed one
        # is (its actions' tracks wait in `asleep`, and wake when paired again)
        self._before.update((p.id, p) for p in v.plans)
        self._live = present
        for key in [k for k in self._asleep if k[0] in present]:
            self._gone.append(self._asleep.pop(key))  # restored without it: removed

    def _sleep(self, plans: set[str]) -> None:
        """The tracks of plan files no longer there wait, in case they come back."""
        for key in [k for k in self.tracks if k[0] in plans] if plans else ():
            t = self.tracks.pop(key)
            t.present = False
            self._asleep[key] = t

    def _follow(self, pid: str, pairs: list[Pair], commit: Commit | None) -> None:
        """One plan's changed actions (old, new): each track moved to its new id, its
        deadline followed; an action removed is gone."""
        tracks, asleep = self.tracks, self._asleep
        placed: list[tuple[tuple[str, str], _Track]] = []
        for a, b in pairs:
            t = tracks.pop((pid, a.id), None) if a is not None else None
            if t is None and a is not None and asleep:
                t = _wake(asleep, (pid, a.id))
            if b is None:
                if t is not None:
                    t.present = False
                    self._gone.append(t)
                continue
            d = due_date(b)
            if t is None:
                placed.append(((pid, b.id), _Track(pid, b.id, b.text, d, d)))
                continue
            placed.append(((pid, b.id), t))
            t.id, t.text = b.id, b.text
            if d is None or d == t.current:
                continue  # TBC or ongoing for now: the last date still stands
            if t.current is None:  # a first date, not a move
                t.first = t.first or d
            elif commit is not None and a is not None:
                t.changes.append(_move(commit, a, b, t.current, d))
                t.later = t.later or d > t.current
            t.current = d
        tracks.update(placed)  # after every pop: renumbered actions may swap ids

    def slipped(self) -> list[SlippedAction]:
        """Every action whose deadline moved later, most days slipped first."""
        out = [s for t in [*self.tracks.values(), *self._gone, *self._asleep.values()]
               if (s := t.slipped()) is not None]
        out.sort(key=lambda s: (-s.days_slipped, s.plan, id_sort_key(s.id)))
        return out


def _wake(asleep: dict[tuple[str, str], _Track], key: tuple[str, str]) -> _Track | None:
    """The track of an action of a plan file that was deleted and is back."""
    t = asleep.pop(key, None)
    if t is not None:
        t.present = True
    return t
