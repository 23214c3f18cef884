"""`planctl history`: each commit's changes to the plans, newest first, optionally followed
for one action or recommendation back through renumbering."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core.errors import UsageError
from ..core.model import Action, Plan
from .changes import ChangedAction, PlanChange, compare
from .commits import commit_dict

if TYPE_CHECKING:
    from ..store.gitstore import Commit, Version

ActionMatcher = Callable[[str, Action], bool]
Name = tuple[str, str]  # (plan id, action id)


@dataclass(frozen=True)
class HistoryEntry:
    """One commit that changed the plans (or, with a ref, the actions followed)."""

    commit: Commit | None
    plans: tuple[PlanChange, ...]
    actions: tuple[ChangedAction, ...]

    def as_dict(self) -> dict[str, object]:
        return {**commit_dict(self.commit), "plans": [p.as_dict() for p in self.plans],
                "actions": [a.as_dict() for a in self.actions]}


def ref_matcher(ref: str | None) -> ActionMatcher:
    """'3.1', 'PLAN:3.1', or a recommendation '3' (its actions)."""
    if not ref:
        return lambda plan_id, action: True
    plan, _, rest = ref.rpartition(":")

    def match(plan_id: str, action: Action) -> bool:
        if plan and plan != plan_id:
            return False
        return action.id == rest or (action.recommendation == rest and "." not in rest)

    return match


@dataclass(frozen=True)
class _Seen:
    """An action's change, kept as ids: no model objects held per commit but the removed
    action (matched against the ref)."""

    plan: str
    now: Name | None  # its name in the newer version (None: removed)
    before: Name | None  # its name in the older version (None: added)
    gone: Action | None  # the action, when removed
    shown: ChangedAction


@dataclass(frozen=True)
class _Commit:
    commit: Commit | None
    plans: tuple[PlanChange, ...]
    actions: tuple[_Seen, ...]


def history(versions: Iterable[Version], start: int = 0, ref: str | None = None) -> list[HistoryEntry]:
    """Each commit's changes to the plans, newest first.

    `start`: the first version whose changes count (see gitstore.since_position).
    With `ref`, the actions it names in the newest version are followed back through
    renumbering (and removed actions it named when removed are shown too).
    """
    match = ref_matcher(ref)
    raw, latest, found_ref = _changes(versions, start, match if ref else None)
    if not found_ref:
        raise UsageError(f"no action or recommendation {ref!r} in the history of the plans")
    names = {(p.id, a.id) for p in latest for a in p.actions if match(p.id, a)}
    entries = []
    for c in reversed(raw):
        shown, older_names = _follow(c.actions, names, match, bool(ref))
        plans = c.plans
        if ref:
            names = older_names
            plans = ()
        if plans or shown:
            entries.append(HistoryEntry(c.commit, plans, tuple(shown)))
    return entries


def _changes(versions: Iterable[Version], start: int,
             match: ActionMatcher | None) -> tuple[list[_Commit], Sequence[Plan], bool]:
    """Each version's changes from `start` on, oldest first; the newest plans; whether
    `match` (the ref, when given) named an action in any version."""
    found_ref = match is None
    raw = []
    before: Sequence[Plan] = ()
    for i, v in enumerate(versions):
        if not found_ref and match is not None:
            found_ref = any(match(p.id, a) for p in v.plans for a in p.actions)
        if i >= start and not (i == 0 and not v.known_parent):  # a shallow clone's first commit:
            plans, actions = compare(before, v.plans)              # what it changed is not known
            if plans or actions:
                raw.append(_Commit(v.commit, tuple(plans), tuple(
                    _Seen(c.plan, (c.plan, c.new.id) if c.new else None,
                          (c.plan, c.old.id) if c.old else None,
                          c.old if c.new is None else None, c.shown()) for c in actions)))
        before = v.plans
    return raw, before, found_ref


def _follow(actions: Sequence[_Seen], names: set[Name], match: ActionMatcher,
            only_named: bool) -> tuple[list[ChangedAction], set[Name]]:
    """The changes shown of one commit (with `only_named`, those of the actions in `names`),
    and the names those actions had before the commit."""
    shown = []
    renamed: dict[Name, Name | None] = {}
    removed: set[Name] = set()  # names in the older version
    for seen in actions:
        followed = match(seen.plan, seen.gone) if seen.gone is not None else seen.now in names
        if only_named and not followed:
            continue
        if seen.shown.change != "renumbered":
            shown.append(seen.shown)
        if seen.now is None:
            if seen.before is not None:  # always: what was removed was there before
                removed.add(seen.before)
        elif seen.before is None:
            renamed[seen.now] = None  # new in this commit: nothing to follow before it
        elif seen.before != seen.now:
            renamed[seen.now] = seen.before
    if not only_named:
        return shown, names
    older = {o for n in names if (o := renamed.get(n, n)) is not None}
    return shown, older | removed
