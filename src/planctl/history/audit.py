"""The audit trail, computed from versions of the plans: history, slippage, diff, timeline.

Pure: works on `gitstore.Version`s (a commit and the plans at it) and never
runs git, prints or reads the clock. The JSON shapes are documented in
docs/audit-trail.md.

An action is identified by its plan id and action id. Its deadline, for
slippage, is the latest date of its timescale or milestones: the date by
which the whole action is due to be done (for a repeating action, its first
date).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from ..core.errors import UsageError
from ..core.evaluate import evaluate, id_sort_key, summarise
from ..core.model import Action, Plan
from ..core.words import agree, count
from ..render import Column, Section, View
from ..render.json import iso

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
    change: str  # added | removed | changed
    text: str
    fields: tuple[FieldChange, ...] = ()
    old: Action | None = None
    new: Action | None = None

    def as_dict(self) -> dict:
        return {"plan": self.plan, "id": self.id, "change": self.change, "text": self.text,
                "fields": [f.as_dict() for f in self.fields]}


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


def _compare_actions(pid: str, before: Plan | None, after: Plan | None) -> list[ActionChange]:
    old_recs = before.recommendations if before else ()
    new_recs = after.recommendations if after else ()
    if old_recs == new_recs and all(x is y for x, y in zip(old_recs, new_recs, strict=True)):
        return []
    # A recommendation object shared by both versions is unchanged (the parser reuses them).
    shared = {id(r) for r in old_recs} & {id(r) for r in new_recs}
    old_actions = {a.id: a for r in old_recs if id(r) not in shared for a in r.actions}
    new_actions = {a.id: a for r in new_recs if id(r) not in shared for a in r.actions}
    out = []
    for aid in sorted(old_actions.keys() | new_actions.keys(), key=id_sort_key):
        a, b = old_actions.get(aid), new_actions.get(aid)
        if a is None:
            fields = tuple(FieldChange(f, None, v) for f, v in action_fields(b).items()
                           if v not in (None, [], "not-started") and f != "milestones")
            out.append(ActionChange(pid, aid, "added", b.text, fields, None, b))
        elif b is None:
            out.append(ActionChange(pid, aid, "removed", a.text, (), a, None))
        elif _key(a) != _key(b):
            out.append(ActionChange(pid, aid, "changed", b.text, field_changes(a, b), a, b))
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
                "subject": None}
    return {"commit": c.short, "sha": c.sha, "date": iso(c.date), "author": c.author,
            "email": c.email, "subject": c.subject}


# -- history ---------------------------------------------------------------------------


def history(versions: Sequence[Version], start: int = 0, ref: str | None = None) -> list[dict]:
    """Each commit's changes to the plans, newest first (JSON-ready dicts).

    `start`: the first version whose changes count (see gitstore.since_position).
    """
    match = ref_matcher(ref)
    if ref and not any(match(p.id, a) for v in versions for p in v.plans for a in p.actions):
        raise UsageError(f"no action or recommendation {ref!r} in the history of the plans")
    entries = []
    for i in range(start, len(versions)):
        v = versions[i]
        if i == 0 and not v.known_parent:
            continue  # a shallow clone's first commit: what it changed is not known
        before = versions[i - 1].plans if i > 0 else ()
        plans, actions = compare(before, v.plans)
        if ref:
            plans = []
            actions = [c for c in actions if match(c.plan, c.new or c.old)]
        if plans or actions:
            entry = _commit_dict(v.commit)
            entry["plans"] = [p.as_dict() for p in plans]
            entry["actions"] = [c.as_dict() for c in actions]
            entries.append(entry)
    entries.reverse()
    return entries


def _fmt_item(item) -> str:
    if isinstance(item, dict) and "text" in item and "date" in item:
        by = f" ({item['by']})" if item.get("by") else ""
        return f"{item['date']}{by}: {item['text']}"
    if isinstance(item, dict):
        return f"{item.get('due')} {item.get('text') or ''}".strip() + (" [done]" if item.get("done") else "")
    return str(item)


def show_change(old, new) -> tuple[str, str]:
    """(from, to) cells for a table: lists show only what left and what arrived."""
    if isinstance(old, list) or isinstance(new, list):
        old, new = old or [], new or []
        gone = [x for x in old if x not in new]
        came = [x for x in new if x not in old]
        if not gone and not came:
            gone, came = old, new
        return "; ".join(map(_fmt_item, gone)), "; ".join(map(_fmt_item, came))
    return ("" if old is None else str(old)), ("" if new is None else str(new))


def history_view(entries: list[dict]) -> View:
    cols = [Column("Action"), Column("Change"), Column("From", wrap=1), Column("To", wrap=1)]
    many = len({a["plan"] for e in entries for a in e["actions"]}) > 1
    sections = []
    for e in entries:
        s = Section(f"{e['date']} {e['commit']} {e['author']}: {e['subject']}", cols)
        for p in e["plans"]:
            what = {"added": count(p['actions'], "action"), "removed": count(p['actions'], "action")}
            s.add([f"plan {p['plan']}", p["change"], p["from_path"] or "",
                   p["path"] if p["change"] == "renamed" else what.get(p["change"], "")])
        added_plans = {p["plan"] for p in e["plans"] if p["change"] in ("added", "removed")}
        for a in e["actions"]:
            if a["plan"] in added_plans:
                continue  # said once on the plan's row
            name = f"{a['plan']}:{a['id']}" if many else a["id"]
            if a["change"] == "added":
                s.add([name, "added", "", a["text"]])
            elif a["change"] == "removed":
                s.add([name, "removed", a["text"], ""])
            else:
                for f in a["fields"]:
                    s.add([name, f["field"], *show_change(f["from"], f["to"])])
        sections.append(s)
    return View(sections, empty="No changes to the plans in this history.", group_header="commit")


# -- slippage --------------------------------------------------------------------------


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


def slippage(versions: Sequence[Version], start: int = 0) -> list[dict]:
    """Every action whose deadline moved later (from `start` on), most days slipped first."""
    tracks: dict[tuple[str, str], _Track] = {}
    due_cache: dict[int, date | None] = {}  # by object: the parser shares unchanged actions

    def due(a: Action) -> date | None:
        if id(a) not in due_cache:
            due_cache[id(a)] = due_date(a)
        return due_cache[id(a)]

    seed = max(start - 1, 0)  # the version the deadlines are measured from
    for i in range(seed, len(versions)):
        v = versions[i]
        seen = set()
        for plan in v.plans:
            for a in plan.actions:
                key = (plan.id, a.id)
                seen.add(key)
                d = due(a)
                t = tracks.get(key)
                if t is None:
                    tracks[key] = _Track(plan.id, a.id, a.text, d, d)
                    continue
                t.text, t.present = a.text, True
                if d is None or d == t.current:
                    continue  # TBC or ongoing for now: the last date still stands
                if t.current is None:  # a first date, not a move
                    t.first = t.first or d
                elif i > seed:
                    c = v.commit
                    t.changes.append({"date": iso(c.date), "author": c.author, "commit": c.short,
                                      "message": c.subject, "from": iso(t.current), "to": iso(d),
                                      "days": (d - t.current).days})
                    t.later = t.later or d > t.current
                t.current = d
        for key, t in tracks.items():
            if key not in seen:
                t.present = False
    out = [{"plan": t.plan, "id": t.id, "text": t.text, "first_due": iso(t.first),
            "current_due": iso(t.current), "days_slipped": (t.current - t.first).days,
            "moves": len(t.changes), "removed": not t.present, "changes": t.changes}
           for t in tracks.values() if t.later]
    out.sort(key=lambda x: (-x["days_slipped"], x["plan"], id_sort_key(x["id"])))
    return out


def slippage_view(actions: list[dict], since: str | None) -> View:
    many = len({a["plan"] for a in actions}) > 1
    main = Section(None, [Column("Action"), Column("Text", wrap=3), Column("First due"),
                          Column("Current due"), Column("Slipped", justify="right"),
                          Column("Moves", justify="right")])
    moves = Section("Moves", [Column("Action"), Column("Date"), Column("Author"),
                              Column("From"), Column("To"), Column("Days", justify="right"),
                              Column("Commit"), Column("Reason", wrap=1)])
    for a in actions:
        name = f"{a['plan']}:{a['id']}" if many else a["id"]
        main.add([name, a["text"], a["first_due"] or "", a["current_due"] or "",
                  count(a['days_slipped'], "day"), str(a["moves"])],
                 "overdue" if a["days_slipped"] > 0 else None)
        for c in a["changes"]:
            moves.add([name, c["date"], c["author"], c["from"], c["to"], f"{c['days']:+d}",
                       c["commit"], c["message"]])
    where = f" since {since}" if since else ""
    summary = (f"{count(len(actions), 'action')} slipped{where}, "
               f"{count(sum(a['days_slipped'] for a in actions), 'day')} in all") if actions else None
    return View([main, moves] if actions else [], summary=summary,
                empty=f"No deadline moved later{where}.", group_header="table")


# -- diff between two versions ---------------------------------------------------------------


DIFF_CATEGORIES = ("added", "removed", "completed", "dropped", "reopened", "progress",
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
        base = {"plan": c.plan, "id": c.id, "text": c.text}
        rest = []
        for f in c.fields:
            if f.field == "status":
                cat = {"completed": "completed", "dropped": "dropped"}.get(f.new)
                if cat is None:
                    cat = "reopened" if f.old in ("completed", "dropped") else "progress"
                out[cat].append({**base, "from": f.old, "to": f.new})
            elif f.field == "due":
                before, after = due_date(c.old), due_date(c.new)
                days = (after - before).days if before and after else None
                out["rescheduled"].append({**base, "from": f.old, "to": f.new, "from_date": iso(before),
                                           "to_date": iso(after), "days": days})
            elif f.field == "lead":
                out["reassigned"].append({**base, "from": f.old, "to": f.new})
            else:
                rest.append(f.as_dict())
        if rest:
            out["changed"].append({**base, "fields": rest})
    return out


_TITLES = {"added": "Added", "removed": "Removed", "completed": "Completed", "dropped": "Dropped",
           "reopened": "Reopened", "progress": "Progress changed", "rescheduled": "Rescheduled",
           "reassigned": "Reassigned", "changed": "Other changes"}


def diff_view(result: dict) -> View:
    items = [a for cat in DIFF_CATEGORIES for a in result[cat]]
    many = len({a["plan"] for a in items}) > 1
    sections = []
    for cat in DIFF_CATEGORIES:
        rows = result[cat]
        if not rows:
            continue
        s = Section(f"{_TITLES[cat]} ({len(rows)})", [Column("Action"), Column("Text", wrap=3),
                                                      Column("From", wrap=1), Column("To", wrap=1)])
        for a in rows:
            name = f"{a['plan']}:{a['id']}" if many else a["id"]
            if cat in ("added", "removed"):
                s.add([name, a["text"], "", a["due"] or ""] if cat == "added"
                      else [name, a["text"], a["due"] or "", ""])
            elif cat == "changed":
                for f in a["fields"]:
                    s.add([name, f"{a['text']} [{f['field']}]", *show_change(f["from"], f["to"])])
            else:
                frm, to = show_change(a["from"], a["to"])
                if cat == "rescheduled" and a["days"]:
                    to += f" ({a['days']:+d} {agree(abs(a['days']), 'day', 'days')})"
                s.add([name, a["text"], frm, to])
        sections.append(s)
    f, t = result["from"], result["to"]
    what = lambda end: end["rev"] + (f" ({end['commit']}, {end['date']})" if end["commit"] else "")  # noqa: E731
    counts = ", ".join(f"{len(result[c])} {c}" for c in DIFF_CATEGORIES if result[c])
    return View(sections, summary=f"From {what(f)} to {what(t)}: {counts}" if counts else None,
                empty=f"No changes to the actions from {what(f)} to {what(t)}.", group_header="change")


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
