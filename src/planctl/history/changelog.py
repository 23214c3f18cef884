"""`planctl history`: each commit's changes to the plans, newest first, optionally followed
for one action or recommendation back through renumbering."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core.errors import UsageError
from ..core.model import Action, Plan
from ..core.names import nearest_ids
from .changes import ActionChange, ChangedAction, PlanChange, compare, repo_path
from .commits import commit_dict
from .matching import plan_pairs

if TYPE_CHECKING:
    from ..store.gitstore import Commit, Version

ActionMatcher = Callable[[str, Action], bool]


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


def _in_recommendation(ref: str | None) -> ActionMatcher:
    """The actions of the recommendation `ref` names ('3', 'PLAN:3'); none for an action id."""
    plan, _, rest = (ref or "").rpartition(":")
    return lambda plan_id, action: ("." not in rest and action.recommendation == rest
                                    and (not plan or plan == plan_id))


@dataclass(frozen=True)
class _Seen:
    """An action's change, kept as ids: no model objects held per commit but the removed
    action (matched against the ref when only removed actions have its name)."""

    plan: str
    token: int  # the action's identity through every version (with a ref; else 0)
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
    With `ref`, the actions it names in the newest version are followed back by identity
    (history.matching: through renumbering, moves, a plan deleted and restored), never by
    their id alone: another action that once held the same id is not theirs. A ref that
    names no action now follows the removed actions it named when they were removed.
    """
    match = ref_matcher(ref)
    walk = _Walk(match if ref else None)
    raw = walk.changes(versions, start)
    if not walk.found_ref:
        known = [x for p in walk.latest for r in p.recommendations
                 for x in (r.id, *(a.id for a in r.actions))]
        hint = nearest_ids(ref or "", known)
        raise UsageError(f"no action or recommendation {ref!r} in the history of the plans"
                         + (f"; did you mean {', '.join(hint)}?" if hint else ""))
    targets = walk.named_now()
    # Removed actions join when they were in the recommendation named, or when nothing is
    # named now (the history of an action since removed); never by an id they once shared.
    member = _in_recommendation(ref) if targets else match
    targets |= {s.token for c in raw for s in c.actions
                if s.gone is not None and member(s.plan, s.gone)}
    entries = []
    for c in reversed(raw):
        shown = tuple(s.shown for s in c.actions if s.shown.change != "renumbered"
                      and (not ref or s.token in targets))
        plans = () if ref else c.plans
        if plans or shown:
            entries.append(HistoryEntry(c.commit, plans, shown))
    return entries


class _Walk:
    """The versions read oldest first: each one's changes, and (with a ref) each action's
    identity as a token carried through the matching."""

    def __init__(self, match: ActionMatcher | None) -> None:
        self.match = match
        self.found_ref = match is None
        self.last: dict[str, Plan] = {}  # each plan as last seen, deleted ones too
        self.tokens: dict[str, list[int]] = {}  # plan id -> a token per action, in order
        self.latest: Sequence[Plan] = ()
        self._at: dict[int, int] = {}  # id() of an action of the version read -> its token
        self._pos: dict[int, tuple[str, int]] = {}  # ... -> (plan id, its place in tokens)
        self._next = 0

    def changes(self, versions: Iterable[Version], start: int) -> list[_Commit]:
        raw = []
        before: Sequence[Plan] = ()
        for i, v in enumerate(versions):
            match = self.match
            if not self.found_ref and match is not None:
                self.found_ref = any(match(p.id, a) for p in v.plans for a in p.actions)
            present = {p.id for p in before}
            # a plan deleted and restored is compared with its last version (as a renamed one)
            restored = [self.last[p.id] for p in v.plans
                        if p.id not in present and p.id in self.last]
            gone = self._follow(before, v.plans) if match is not None else {}
            if i >= start and not (i == 0 and not v.known_parent):  # a shallow clone's first
                found = self._commit(v, before, restored, gone)      # commit: what it changed
                if found is not None:                                # is not known
                    raw.append(found)
            before = v.plans
            self.last.update((p.id, p) for p in v.plans)
        self.latest = before
        return raw

    def _commit(self, v: Version, before: Sequence[Plan], restored: Sequence[Plan],
                gone: dict[int, int]) -> _Commit | None:
        plans, actions = compare([*before, *restored], v.plans)
        if restored:
            plans = _restored(plans, restored, v.plans)
        if not (plans or actions):
            return None
        seen = []
        for c in actions:
            token = 0
            if self.match is not None:
                token = self._token(c, gone)
            seen.append(_Seen(c.plan, token, c.old if c.new is None else None, c.shown()))
        return _Commit(v.commit, tuple(plans), tuple(seen))

    def _token(self, c: ActionChange, gone: dict[int, int]) -> int:
        """The change's action's token; an action moved from another plan file keeps its own."""
        if c.new is None:
            return gone.get(id(c.old), -1)
        if c.old is not None and c.old.plan != c.new.plan and id(c.old) in gone:
            pid, n = self._pos[id(c.new)]
            self.tokens[pid][n] = gone[id(c.old)]
            return gone[id(c.old)]
        return self._at.get(id(c.new), -1)

    def _new_token(self) -> int:
        self._next += 1
        return self._next

    def _follow(self, before: Sequence[Plan], plans: Sequence[Plan]) -> dict[int, int]:
        """Carry each action's token into `plans` (pairing only the plans that changed);
        the tokens of the actions removed, by id() of the removed action."""
        gone: dict[int, int] = {}
        self._at, self._pos = {}, {}
        ids = {p.id for p in plans}
        for deleted in before:  # a plan file deleted: its actions removed, their tokens kept
            if deleted.id not in ids:
                gone.update(zip(map(id, deleted.actions), self.tokens.get(deleted.id, ()),
                                strict=False))
        for plan in plans:
            pid, prev = plan.id, self.last.get(plan.id)
            if prev is not None and prev.recommendations == plan.recommendations:
                continue  # the same actions in the same order: the same tokens
            old_tokens = self.tokens.get(pid, [])
            at = {id(a): n for n, a in enumerate(prev.actions)} if prev is not None else {}
            new_tokens: list[int] = []
            for a, b in plan_pairs(prev, plan):
                if b is None:
                    if a is not None:
                        gone[id(a)] = old_tokens[at[id(a)]]
                    continue
                token = old_tokens[at[id(a)]] if a is not None else self._new_token()
                self._pos[id(b)] = (pid, len(new_tokens))
                new_tokens.append(token)
                self._at[id(b)] = token
            self.tokens[pid] = new_tokens
        return gone

    def named_now(self) -> set[int]:
        """The tokens of the actions the ref names in the newest version."""
        match = self.match
        if match is None:
            return set()
        return {t for p in self.latest for a, t in zip(p.actions, self.tokens.get(p.id, ()),
                                                        strict=False) if match(p.id, a)}


def _restored(plans: list[PlanChange], restored: Sequence[Plan],
              now: Sequence[Plan]) -> list[PlanChange]:
    """A plan file back after being deleted: one "restored" row (from_path: its path when
    deleted, if it differs), in place of the "renamed" a comparison with its last version
    gives; its actions are compared with that version, not added again."""
    back = {p.id: p for p in restored}
    out = [p for p in plans if p.plan not in back]
    for plan in now:
        old = back.get(plan.id)
        if old is not None:
            path, was = repo_path(plan), repo_path(old)
            out.append(PlanChange(plan.id, "restored", path, was if was != path else None,
                                  sum(1 for _ in plan.actions)))
    return sorted(out, key=lambda p: p.plan)
