"""The audit trail, computed from versions of the plans: history, slippage, diff, timeline.

Pure: works on `gitstore.Version`s (a commit and the plans at it) and never
runs git, prints or reads the clock. The JSON shapes are documented in
docs/audit-trail.md.

An action is followed across versions by identity (see `match_actions`):
its explicit id, else its content or text, so renumbering is not a change. Its deadline, for
slippage, is the latest date of its timescale or milestones: the date by
which the whole action is due to be done (for a repeating action, its first
date).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from itertools import chain, compress
from operator import attrgetter, is_
from typing import TYPE_CHECKING

from ..core.errors import UsageError
from ..core.evaluate import evaluate, id_sort_key, summarise
from ..core.model import Action, Plan, iso

if TYPE_CHECKING:
    from ..store.gitstore import Commit, Version

# The fields compared, in the order shown.
FIELDS = ("text", "recommendation", "due", "lead", "report_to", "status", "completed",
          "evidence", "updates", "repeat", "reported", "milestones")


def _key(a: Action) -> tuple:
    return (a.text, a.recommendation, a.timescale, a.leads, a.report_to, a.progress, a.completed,
            a.evidence, a.updates, a.repeat, a.reported, a.milestones)


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
    }


def due_date(a: Action) -> date | None:
    """The date the whole action is due (latest deadline); None for TBC, ongoing, no due."""
    dates = [d.due for d in a.timescale.deadlines] if a.timescale else []
    dates += [m.due for m in a.milestones]
    if a.repeat:
        return a.timescale.first_due if a.timescale else None
    return max(dates) if dates else None


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object
    new: object

    def as_dict(self) -> dict:
        return {"field": self.field, "from": self.old, "to": self.new}


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

    def as_dict(self) -> dict:
        return {"plan": self.plan, "id": self.id, "from_id": self.from_id, "change": self.change,
                "text": self.text, "fields": [f.as_dict() for f in self.fields],
                "reason": change_reason(self)}


@dataclass(frozen=True)
class PlanChange:
    plan: str
    change: str  # added | removed | renamed
    path: str
    from_path: str | None = None
    actions: int = 0

    def as_dict(self) -> dict:
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
        if before is None:
            plans.append(PlanChange(pid, "added", repo_path(after), None, sum(1 for _ in after.actions)))
        elif after is None:
            plans.append(PlanChange(pid, "removed", repo_path(before), None,
                                    sum(1 for _ in before.actions)))
        elif repo_path(before) != repo_path(after):
            plans.append(PlanChange(pid, "renamed", repo_path(after), repo_path(before),
                                    sum(1 for _ in after.actions)))
        actions += _compare_actions(pid, before, after)
    return plans, actions


# -- identity: which action of one version is which action of the other --------------------

# Two actions with positional ids are the same action when their texts are at least this
# similar (difflib's ratio: 2 * matching characters / total characters). 0.6 keeps a reworded
# action ("Audit of compliance" -> "Audit of compliance with the policy", 0.70) and tells
# apart two different actions of one recommendation; see docs/audit-trail.md.
SIMILARITY = 0.6
# At most this many text comparisons per plan and pair of versions; beyond it the actions
# left over are matched by position (their ids), as before identity was tracked.
MAX_PAIRS = 20_000
_ID = attrgetter("id")


def _pairs(old: Plan | None, new: Plan) -> list[tuple[Action | None, Action | None]]:
    """The actions of two versions of a plan paired by identity; an unchanged plan pairs
    each action with itself without comparing texts (most plans in most commits)."""
    if old is not None and old.recommendations == new.recommendations:
        return [(a, a) for a in new.actions]
    return match_actions(tuple(old.actions) if old else (), tuple(new.actions))


def match_actions(before: Sequence[Action],
                  after: Sequence[Action]) -> list[tuple[Action | None, Action | None]]:
    """Pairs (old, new) of one plan's actions: the same action in both versions, or an
    action only in one (None on the other side). Order: as in `after`, then removals.

    Identity, in this order: (1) an explicit `id:` written in both versions; (2) the same
    content (text and every other field) - the same id first, then the same recommendation,
    then the nearest position, so a reordered or renumbered action is found; (3) the most
    similar text, at least SIMILARITY, within the same recommendation first, then across
    recommendations (a move). What is left is an addition or a removal.
    """
    return _match(before, after, False)


def _match(before: Sequence[Action], after: Sequence[Action],
           changed_only: bool) -> list[tuple[Action | None, Action | None]]:
    """match_actions; with changed_only, without the pairs of an action with itself."""
    pairs: dict[int, Action] = {}  # index in after -> old action
    # Versions read from git share the objects of unchanged actions. When every id is
    # unique on both sides, an action that is the very object at the same position is the
    # pair step 0 would make (same id, same content, nothing else can take either), so
    # those are paired at C speed and only the rest goes through the steps below.
    same: list[int] = []
    if before and after and len(set(map(_ID, before))) == len(before) \
            and len(set(map(_ID, after))) == len(after):
        same = list(compress(range(min(len(before), len(after))), map(is_, before, after)))
    if same:
        pairs.update(zip(same, map(before.__getitem__, same), strict=True))
        old_left = dict.fromkeys(sorted(set(range(len(before))).difference(same)))  # ordered sets
        new_left = dict.fromkeys(sorted(set(range(len(after))).difference(same)))
    else:
        old_left = dict.fromkeys(range(len(before)))
        new_left = dict.fromkeys(range(len(after)))
    changed = tuple(new_left)  # the positions in after not yet paired with themselves

    def take(i_old: int, i_new: int) -> None:
        pairs[i_new] = before[i_old]
        del old_left[i_old]
        del new_left[i_new]

    # 0. the same id and the same content: most actions of most commits, cheaply (with
    # unique ids, an id whose action was paired above finds its index taken either way)
    at = {before[i].id: i for i in old_left} if same else {a.id: i for i, a in enumerate(before)}
    for j in changed:
        b = after[j]
        i = at.get(b.id)
        if i is not None and i in old_left:
            a = before[i]
            if a is b or (a.id_written == b.id_written and _key(a) == _key(b)):
                pairs[j] = a  # take(i, j), inline: this loop runs for every action of a commit
                del old_left[i]
                del new_left[j]
    # 1. explicit ids
    written = ({before[i].id: i for i in old_left if before[i].id_written} if same else
               {a.id: i for i, a in enumerate(before) if a.id_written})
    for j in list(new_left):
        i = written.get(after[j].id)
        if after[j].id_written and i is not None and i in old_left:
            take(i, j)
    # 2. unchanged content: the common case, found by hashing, nothing compared pairwise
    if old_left and new_left:
        by_key: dict[tuple, list[int]] = {}
        for i in old_left:
            if not before[i].id_written:
                by_key.setdefault(_key(before[i]), []).append(i)
        for j in list(new_left):
            if after[j].id_written:
                continue
            found = by_key.get(_key(after[j]))
            if found:
                b = after[j]
                i = min(found, key=lambda i: (before[i].id != b.id,
                                              before[i].recommendation != b.recommendation,
                                              abs(i - j)))
                found.remove(i)
                take(i, j)
    # 3. similar text
    olds = [i for i in old_left if not before[i].id_written]
    news = [j for j in new_left if not after[j].id_written]
    if olds and news:
        by_rec: dict[str, list[int]] = {}
        for j in news:
            by_rec.setdefault(after[j].recommendation, []).append(j)
        if len(olds) * len(news) <= MAX_PAIRS:
            candidates = [(i, j) for i in olds for j in news]
        elif sum(len(by_rec.get(before[i].recommendation, ())) for i in olds) <= MAX_PAIRS:
            candidates = [(i, j) for i in olds for j in by_rec.get(before[i].recommendation, ())]
        else:
            candidates = None
        if candidates is None:  # too many to compare: by position
            by_id = {before[i].id: i for i in olds}
            for j in news:
                i = by_id.get(after[j].id)
                if i is not None and i in old_left:
                    take(i, j)
        else:
            scored = []
            for i, j in candidates:
                a, b = before[i], after[j]
                sm = SequenceMatcher(None, a.text, b.text, autojunk=False)
                if sm.real_quick_ratio() < SIMILARITY or sm.quick_ratio() < SIMILARITY:
                    continue
                ratio = sm.ratio()
                if ratio >= SIMILARITY:
                    scored.append((a.recommendation != b.recommendation, -ratio, a.id != b.id,
                                   abs(i - j), i, j))
            scored.sort()
            for *_, i, j in scored:
                if i in old_left and j in new_left:
                    take(i, j)
    if changed_only:
        out = [(pairs.get(j), after[j]) for j in changed]
        out = [(a, b) for a, b in out if a is not b]
    else:
        out = [(pairs.get(j), b) for j, b in enumerate(after)]
    out += [(before[i], None) for i in old_left]
    return out


def _compare_actions(pid: str, before: Plan | None, after: Plan | None) -> list[ActionChange]:
    old_recs = before.recommendations if before else ()
    new_recs = after.recommendations if after else ()
    if old_recs == new_recs:
        return []
    out = []
    for a, b in _match(tuple(chain.from_iterable(r.actions for r in old_recs)),
                       tuple(chain.from_iterable(r.actions for r in new_recs)), True):
        if a is None:
            fields = tuple(FieldChange(f, None, v) for f, v in action_fields(b).items()
                           if v not in (None, [], "not-started") and f != "milestones")
            out.append(ActionChange(pid, b.id, "added", b.text, fields, None, b))
        elif b is None:
            out.append(ActionChange(pid, a.id, "removed", a.text, (), a, None))
        elif _key(a) != _key(b):
            kind = "moved" if a.recommendation != b.recommendation else "changed"
            out.append(ActionChange(pid, b.id, kind, b.text, field_changes(a, b), a, b))
        elif a.id != b.id:  # renumbered only: kept for following the action, never shown
            out.append(ActionChange(pid, b.id, "renumbered", b.text, (), a, b))
    out.sort(key=lambda c: id_sort_key(c.id))
    return out


# -- choosing actions: history ID -------------------------------------------------------


def ref_matcher(ref: str | None) -> Callable[[str, Action], bool]:
    """'3.1', 'PLAN:3.1', or a recommendation '3' (its actions)."""
    if not ref:
        return lambda plan_id, action: True
    plan, _, rest = ref.rpartition(":")

    def match(plan_id: str, action: Action) -> bool:
        if plan and plan != plan_id:
            return False
        return action.id == rest or (action.recommendation == rest and "." not in rest)

    return match


def _commit_dict(c: Commit | None) -> dict:
    if c is None:
        return {"commit": None, "sha": None, "date": None, "author": None, "email": None,
                "subject": None, "reason": None}
    return {"commit": c.short, "sha": c.sha, "date": iso(c.date), "author": c.author,
            "email": c.email, "subject": c.subject, "reason": c.reason}


# -- history ---------------------------------------------------------------------------


def history(versions: Iterable[Version], start: int = 0, ref: str | None = None) -> list[dict]:
    """Each commit's changes to the plans, newest first (JSON-ready dicts).

    `start`: the first version whose changes count (see gitstore.since_position).
    With `ref`, the actions it names in the newest version are followed back through
    renumbering (and removed actions it named when removed are shown too).
    """
    match = ref_matcher(ref)
    found_ref = not ref
    raw = []  # (version's commit, plan changes, action changes), oldest first
    before: Sequence[Plan] = ()
    latest: Sequence[Plan] = ()
    for i, v in enumerate(versions):
        if ref and not found_ref:
            found_ref = any(match(p.id, a) for p in v.plans for a in p.actions)
        if i >= start and not (i == 0 and not v.known_parent):  # a shallow clone's first commit:
            plans, actions = compare(before, v.plans)              # what it changed is not known
            if plans or actions:  # kept as ids and dicts: no model objects held per commit
                raw.append((v.commit, [p.as_dict() for p in plans],
                            [(c.plan, c.new.id if c.new else None, c.old.id if c.old else None,
                              c.change, c.old if c.new is None else None, c.as_dict())
                             for c in actions]))
        before = latest = v.plans
    if not found_ref:
        raise UsageError(f"no action or recommendation {ref!r} in the history of the plans")
    names = {(p.id, a.id) for p in latest for a in p.actions if match(p.id, a)}
    entries = []
    for commit, plans, actions in reversed(raw):
        shown = []
        renamed: dict[tuple[str, str], tuple[str, str] | None] = {}
        removed = set()  # ids in the older version
        for plan_id, new_id, old_id, change, gone, data in actions:
            now = (plan_id, new_id) if new_id else None
            followed = now in names if now else match(plan_id, gone)
            if ref and not followed:
                continue
            if change != "renumbered":
                shown.append(data)
            if new_id is None:
                removed.add((plan_id, old_id))
            elif old_id is None:
                renamed[now] = None  # new in this commit: nothing to follow before it
            elif old_id != new_id:
                renamed[now] = (plan_id, old_id)
        if ref:
            names = ({renamed.get(n, n) for n in names} - {None}) | removed
            plans = []
        if plans or shown:
            entry = _commit_dict(commit)
            entry["plans"] = plans
            entry["actions"] = shown
            entries.append(entry)
    return entries


# -- slippage --------------------------------------------------------------------------


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


def change_reason(c: ActionChange) -> str | None:
    return note_reason(c.old, c.new)


@dataclass
class _Track:
    plan: str
    id: str
    text: str
    first: date | None
    current: date | None
    changes: list[dict] = field(default_factory=list)
    later: bool = False
    present: bool = True


def _move_reason(commit: Commit, old: Action, new: Action) -> tuple[str, str]:
    """(reason, where it came from): the commit's Reason: trailer, the edit's update note,
    else the commit's subject (a move made by hand)."""
    if commit.reason:
        return commit.reason, "commit"
    noted = note_reason(old, new)
    if noted:
        return noted, "update"
    return commit.subject, "subject"


def slippage(versions: Iterable[Version], start: int = 0) -> list[dict]:
    """Every action whose deadline moved later (from `start` on), most days slipped first.

    An action is followed by identity (see match_actions): renumbering is not a move.
    """
    tracks: dict[tuple[str, str], _Track] = {}  # by (plan, id) in the latest version
    gone: list[_Track] = []
    seed = max(start - 1, 0)  # the version the deadlines are measured from
    before: dict[str, Plan] = {}
    # id(action) -> (action, its due date) for the version before: versions read from git
    # share the objects of unchanged actions, whose dates need not be worked out again
    dues: dict[int, tuple[Action, date | None]] = {}
    for i, v in enumerate(versions):
        if i < seed:
            continue
        now: dict[tuple[str, str], _Track] = {}
        new_dues: dict[int, tuple[Action, date | None]] = {}
        for plan in v.plans:
            pid = plan.id
            for a, b in _pairs(before.get(pid), plan):
                if b is None:
                    continue
                known = dues.get(id(b))
                d = known[1] if known is not None and known[0] is b else due_date(b)
                new_dues[id(b)] = (b, d)
                t = tracks.get((pid, a.id)) if a is not None else None
                if t is None:
                    now[(pid, b.id)] = _Track(pid, b.id, b.text, d, d)
                    continue
                now[(pid, b.id)] = t
                t.id, t.text = b.id, b.text
                if d is None or d == t.current:
                    continue  # TBC or ongoing for now: the last date still stands
                if t.current is None:  # a first date, not a move
                    t.first = t.first or d
                elif i > seed:
                    c = v.commit
                    reason, source = _move_reason(c, a, b)
                    t.changes.append({"date": iso(c.date), "author": c.author, "commit": c.short,
                                      "message": c.subject, "reason": reason,
                                      "reason_source": source, "from": iso(t.current),
                                      "to": iso(d), "days": (d - t.current).days})
                    t.later = t.later or d > t.current
                t.current = d
        kept = {id(t) for t in now.values()}
        for t in tracks.values():
            if id(t) not in kept:
                t.present = False
                gone.append(t)
        tracks, dues = now, new_dues
        before = {p.id: p for p in v.plans}
    out = [{"plan": t.plan, "id": t.id, "text": t.text, "first_due": iso(t.first),
            "current_due": iso(t.current), "days_slipped": (t.current - t.first).days,
            "moves": len(t.changes), "removed": not t.present, "changes": t.changes}
           for t in [*tracks.values(), *gone] if t.later]
    out.sort(key=lambda x: (-x["days_slipped"], x["plan"], id_sort_key(x["id"])))
    return out


# -- diff between two versions ---------------------------------------------------------------


DIFF_CATEGORIES = ("added", "removed", "moved", "completed", "dropped", "reopened", "progress",
                   "rescheduled", "reassigned", "changed")


def _brief(a: Action) -> dict:
    return {"plan": a.plan, "id": a.id, "text": a.text, "due": a.timescale_text or None,
            "leads": list(a.leads), "status": a.progress}


def diff(old: Version, new: Version, old_name: str, new_name: str) -> dict:
    """What changed between two versions, by category (an action can be in several)."""
    _, changes = compare(old.plans, new.plans)
    out: dict = {"from": {"rev": old_name, **_commit_dict(old.commit)},
                 "to": {"rev": new_name, **_commit_dict(new.commit)}}
    for cat in DIFF_CATEGORIES:
        out[cat] = []
    for c in changes:
        if c.change in ("added", "removed"):
            out[c.change].append(_brief(c.new or c.old))
            continue
        if c.change == "renumbered":
            continue  # the same action, only its position changed: not a change to report
        base = {"plan": c.plan, "id": c.id, "text": c.text}
        reason = change_reason(c)
        rest = []
        for f in c.fields:
            if f.field == "recommendation":
                out["moved"].append({**base, "from_id": c.old.id, "from": f.old, "to": f.new})
            elif f.field == "status":
                cat = {"completed": "completed", "dropped": "dropped"}.get(f.new)
                if cat is None:
                    cat = "reopened" if f.old in ("completed", "dropped") else "progress"
                out[cat].append({**base, "from": f.old, "to": f.new, "reason": reason})
            elif f.field == "due":
                before, after = due_date(c.old), due_date(c.new)
                days = (after - before).days if before and after else None
                out["rescheduled"].append({**base, "from": f.old, "to": f.new, "from_date": iso(before),
                                           "to_date": iso(after), "days": days, "reason": reason})
            elif f.field == "lead":
                out["reassigned"].append({**base, "from": f.old, "to": f.new, "reason": reason})
            else:
                rest.append(f.as_dict())
        if rest:
            out["changed"].append({**base, "fields": rest})
    return out


# -- completion dates from git ---------------------------------------------------------------


def completion_dates(versions: Iterable[Version], wanted: set[tuple[str, str]]) -> dict:
    """{(plan, id as in the newest version): date of the commit that marked it completed}
    for the `wanted` actions (completed, no `completed:` date), followed by identity.

    Only a change seen in git counts: an action already completed when it first appears
    (the plan's first commit, or added as completed) has no known date and is left out.
    """
    done: dict[tuple[str, str], date | None] = {}  # by (plan, id) in the version just read
    before: dict[str, Plan] = {}
    for v in versions:
        now: dict[tuple[str, str], date | None] = {}
        for plan in v.plans:
            for a, b in _pairs(before.get(plan.id), plan):
                if b is None or b.progress != "completed":
                    continue
                if a is None or (plan.id, a.id) not in done and a.progress == "completed":
                    now[(plan.id, b.id)] = None  # completed when first seen: when is not known
                elif a.progress == "completed":
                    now[(plan.id, b.id)] = done[(plan.id, a.id)]
                else:
                    now[(plan.id, b.id)] = v.commit.date
        done = now
        before = {p.id: p for p in v.plans}
    return {k: d for k, d in done.items() if k in wanted and d is not None}


# -- timeline (for charts) ----------------------------------------------------------------


def timeline(versions: Iterable[Version], end: date | None = None) -> list[dict]:
    """Counts of actions per commit date, each version judged as at its own commit date.

    One point per date (the day's last commit), oldest first; with `end`, a last
    point judges the newest version as at `end` (e.g. today). Each point:
    {"date", "commit", "total", "open", "completed", "overdue", "due_soon",
    "on_track", "no_date", "dropped"}; open = total - completed - dropped.
    """
    points: dict[date, dict] = {}
    last = None
    for v in versions:
        if v.commit is None:
            continue
        points[v.commit.date] = _point(v, v.commit.date)
        last = v
    if end is not None and last is not None and end > last.commit.date:
        points[end] = _point(last, end)
    return [points[d] for d in sorted(points)]


def _point(v: Version, day: date) -> dict:
    counts = summarise(evaluate(v.plans, day)).as_dict()
    open_ = counts["total"] - counts["completed"] - counts["dropped"]
    return {"date": iso(day), "commit": v.commit.short, **counts, "open": open_}
