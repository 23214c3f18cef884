"""What changed between two versions of the plans: plans added, removed or renamed, and each
action added, removed, changed, moved or renumbered, field by field.

Actions are followed by identity (history.matching). Also the two things read off an action
for the reports: its deadline (`due_date`) and the reason an edit's update note gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..core.evaluate import id_sort_key
from ..core.model import Action, Plan, iso
from .matching import changed_in_recommendations, content_key, match_actions

if TYPE_CHECKING:
    from ..store.gitstore import Commit

# The fields compared, in the order shown.
FIELDS = ("text", "recommendation", "due", "lead", "report_to", "status", "completed",
          "evidence", "updates", "repeat", "reported", "milestones", "signed_off")


def action_fields(a: Action) -> dict[str, object]:
    """An action's comparable fields, as JSON values (ISO dates, lists)."""
    return {
        "text": a.text,
        "recommendation": a.recommendation,
        "due": a.timescale_text or None,
        "lead": list(a.leads),
        "report_to": list(a.report_to),
        "status": a.progress,
        "completed": iso(a.completed),
        "evidence": list(a.evidence),
        "updates": [{"date": iso(u.date), "text": u.text, "by": u.by} for u in a.updates],
        "repeat": a.repeat,
        "reported": [iso(d) for d in a.reported],
        "milestones": [{"due": iso(m.due), "text": m.text, "done": m.done, "done_on": iso(m.done_on)}
                       for m in a.milestones],
        "signed_off": signoff_fields(a),
    }


def signoff_fields(a: Action) -> dict[str, object] | None:
    """The sign-off as JSON values ({by, on, evidence}), None when not signed off."""
    s = a.signed_off
    return None if s is None else {"by": s.by, "on": iso(s.on), "evidence": s.evidence}


def due_date(a: Action) -> date | None:
    """The date the whole action is due (latest deadline; for a repeating action its first
    date); None for TBC, ongoing, no due."""
    dates = [d.due for d in a.timescale.deadlines] if a.timescale else []
    dates += [m.due for m in a.milestones]
    if a.repeat:
        return a.timescale.first_due if a.timescale else None
    return max(dates) if dates else None


# The update notes the edit commands write, "Rescheduled from X to Y: REASON",
# "Dropped: REASON" (docs/editing.md): the words before the first ": " say what was done.
_NOTE_VERBS = ("rescheduled", "dropped", "reassigned", "assigned", "reopened", "lead")


def note_reason(old: Action | None, new: Action | None) -> str | None:
    """The reason in an update note that `new` has and `old` had not, written by an edit."""
    if new is None:
        return None
    had = set(old.updates) if old else set()
    for u in reversed(new.updates):
        if u in had:
            continue
        head, sep, reason = u.text.partition(": ")
        if sep and reason.strip() and head.split(" ", 1)[0].lower() in _NOTE_VERBS:
            return reason.strip()
    return None


def move_reason(commit: Commit | None, old: Action, new: Action) -> tuple[str, str] | None:
    """Why one commit changed an action, and where that was read: the commit's `Reason:`
    trailer ("commit"), else the edit's update note ("update"), else the commit's subject
    ("subject", a change made by hand). None: no commit (the working tree) and no note.
    The one reading of a reason for slippage, diff and the report."""
    if commit is not None and commit.reason:
        return commit.reason, "commit"
    noted = note_reason(old, new)
    if noted:
        return noted, "update"
    if commit is not None:
        return commit.subject, "subject"
    return None


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object  # JSON values, as action_fields gives them
    new: object

    def as_dict(self) -> dict[str, object]:
        return {"field": self.field, "from": self.old, "to": self.new}


@dataclass(frozen=True)
class ChangedAction:
    """One action's change as history shows it: no model objects, so a long history holds
    only these."""

    plan: str
    id: str
    from_id: str | None  # the id in the older version, when it changed (renumbered, moved)
    change: str  # added | removed | changed | moved | renumbered
    text: str
    fields: tuple[FieldChange, ...]
    reason: str | None  # from the edit's update note

    def as_dict(self) -> dict[str, object]:
        return {"plan": self.plan, "id": self.id, "from_id": self.from_id, "change": self.change,
                "text": self.text, "fields": [f.as_dict() for f in self.fields],
                "reason": self.reason}


@dataclass(frozen=True)
class ActionChange:
    plan: str
    id: str
    change: str  # added | removed | changed | moved (to another recommendation) | renumbered
    text: str
    fields: tuple[FieldChange, ...] = ()
    old: Action | None = None
    new: Action | None = None

    @property
    def from_id(self) -> str | None:
        """The id in the older version, when the action's id changed (renumbered, moved)."""
        return self.old.id if self.old and self.new and self.old.id != self.new.id else None

    @property
    def reason(self) -> str | None:
        return note_reason(self.old, self.new)

    def shown(self) -> ChangedAction:
        return ChangedAction(self.plan, self.id, self.from_id, self.change, self.text,
                             self.fields, self.reason)


@dataclass(frozen=True)
class PlanChange:
    plan: str
    change: str  # added | removed | renamed
    path: str
    from_path: str | None = None
    actions: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"plan": self.plan, "change": self.change, "path": self.path,
                "from_path": self.from_path, "actions": self.actions}


def repo_path(plan: Plan) -> str:
    """The plan's path in the repository ('abc1234:plans/x.yaml' -> 'plans/x.yaml')."""
    return plan.path.split(":", 1)[1] if ":" in plan.path else plan.path


def field_changes(old: Action, new: Action) -> tuple[FieldChange, ...]:
    a, b = action_fields(old), action_fields(new)
    changed = [f for f in FIELDS if a[f] != b[f]]
    if "milestones" in changed and ("due" in changed or "reported" in changed):
        changed.remove("milestones")  # milestones that follow from the due date: said once
    return tuple(FieldChange(f, a[f], b[f]) for f in changed)


def compare(old: Sequence[Plan], new: Sequence[Plan]) -> tuple[list[PlanChange], list[ActionChange]]:
    """What changed between two sets of plans: plans added/removed/renamed, and each action."""
    old_by_id = {p.id: p for p in old}
    new_by_id = {p.id: p for p in new}
    plans: list[PlanChange] = []
    actions: list[ActionChange] = []
    for pid in sorted(old_by_id.keys() | new_by_id.keys()):
        before, after = old_by_id.get(pid), new_by_id.get(pid)
        change = _plan_change(pid, before, after)
        if change is not None:
            plans.append(change)
        actions += _compare_actions(pid, before, after)
    return plans, _across_files(actions)


def _across_files(changes: list[ActionChange]) -> list[ActionChange]:
    """An action removed from one plan and added to another, paired by the same identity
    as within a plan (history.matching): "moved", with a `plan` field. Only when a commit
    both removes and adds actions in different plans (rare: no cost otherwise)."""
    gone = [c.old for c in changes if c.new is None and c.old is not None]
    came = [c.new for c in changes if c.old is None and c.new is not None]
    pairs = pairs_across_files(gone, came)
    if not pairs:
        return changes
    paired = {id(x) for pair in pairs for x in pair}
    out = [c for c in changes if id(c.old if c.new is None else c.new) not in paired]
    for a, b in pairs:
        fields = (FieldChange("plan", a.plan, b.plan), *field_changes(a, b))
        out.append(ActionChange(b.plan, b.id, "moved", b.text, fields, a, b))
    out.sort(key=lambda c: (c.plan, id_sort_key(c.id)))
    return out


def pairs_across_files(gone: Sequence[Action], came: Sequence[Action]) -> list[tuple[Action, Action]]:
    """Actions removed from one plan (`gone`) paired with actions added to another (`came`)
    in the same commit, by the same identity as within a plan (history.matching): the
    action moved between plan files. What `diff`/`history` show as "moved" and what
    `returns apply` follows (history.follow)."""
    if not gone or not came or {a.plan for a in gone} == {b.plan for b in came} == {gone[0].plan}:
        return []
    return [(a, b) for a, b in match_actions(gone, came)
            if a is not None and b is not None and a.plan != b.plan]


def _plan_change(pid: str, before: Plan | None, after: Plan | None) -> PlanChange | None:
    if before is None and after is not None:
        return PlanChange(pid, "added", repo_path(after), None, sum(1 for _ in after.actions))
    if after is None and before is not None:
        return PlanChange(pid, "removed", repo_path(before), None, sum(1 for _ in before.actions))
    if before is not None and after is not None and repo_path(before) != repo_path(after):
        return PlanChange(pid, "renamed", repo_path(after), repo_path(before),
                          sum(1 for _ in after.actions))
    return None


def _compare_actions(pid: str, before: Plan | None, after: Plan | None) -> list[ActionChange]:
    old_recs = before.recommendations if before else ()
    new_recs = after.recommendations if after else ()
    if old_recs == new_recs:
        return []
    out = []
    for a, b in changed_in_recommendations(old_recs, new_recs):
        if a is not None and b is not None and a.id == b.id and content_key(a) == content_key(b):
            continue  # equal copies, not shared objects: unchanged (most pairs; no call for them)
        change = _action_change(pid, a, b)
        if change is not None:
            out.append(change)
    out.sort(key=lambda c: id_sort_key(c.id))
    return out


def _action_change(pid: str, a: Action | None, b: Action | None) -> ActionChange | None:
    """The change of a pair of actions that are not equal (same id and content)."""
    if a is None and b is not None:
        fields = tuple(FieldChange(f, None, v) for f, v in action_fields(b).items()
                       if v not in (None, [], "not-started") and f != "milestones")
        return ActionChange(pid, b.id, "added", b.text, fields, None, b)
    if b is None and a is not None:
        return ActionChange(pid, a.id, "removed", a.text, (), a, None)
    if a is None or b is None:
        return None  # never both (a pair has an action on one side at least)
    if content_key(a) != content_key(b):
        kind = "moved" if a.recommendation != b.recommendation else "changed"
        return ActionChange(pid, b.id, kind, b.text, field_changes(a, b), a, b)
    # renumbered only (the caller skips unchanged pairs): kept for following the action, never shown
    return ActionChange(pid, b.id, "renumbered", b.text, (), a, b)
