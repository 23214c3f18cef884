"""The committee progress report as one data structure, which every format renders.

`build_report` is pure: plans + the as-at date (+ optional changes since a
revision and a timeline of counts) -> a dict of plain values (dates stay
`date` objects; render/report_json turns them into ISO strings). The JSON
output is this dict, so its shape is documented in docs/report.md.

Changes and the timeline come from git; the two small adapters at the end
(`changes_since`, `timeline`) are the only code here that reaches for git,
through gitstore/audit, and they are imported lazily.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from .evaluate import (
    Row,
    by_due_date,
    by_lead,
    evaluate,
    evaluate_action,
    id_sort_key,
    most_late_first,
    summarise,
)
from .model import Action, Plan
from .render.json import action_dict
from .views import recommendation_rollup

FORMAT_VERSION = 1
UPCOMING_DAYS = 30
CHANGE_KINDS = ("completed", "slipped", "added", "dropped")


def action_entry(row: Row, today: date) -> dict:
    """Every field of one action as at `today`: the CSV row and the JSON `actions` item."""
    a = row.action
    entry = action_dict(row, today)
    entry.update(
        report_to_names=[row.plan.body_name(b) for b in a.report_to],
        completed=a.completed,
        evidence=list(a.evidence),
        repeat=a.repeat,
        reported=list(a.reported),
        milestones=[{"due": m.due, "text": m.text, "done": m.done, "done_on": m.done_on}
                    for m in a.milestones],
        updates=[{"date": u.date, "text": u.text, "by": u.by} for u in a.updates],
        file=row.plan.path,
        line=a.line,
    )
    # action_dict gives ISO strings; keep dates as dates here, like everything else.
    entry["due"] = row.due
    latest = a.latest_update(today)
    entry["latest_update"] = (
        {"date": latest.date, "text": latest.text, "by": latest.by} if latest else None)
    return entry


def brief_entry(row: Row, today: date) -> dict:
    """The action as the sections show it (the same keys as `status --format json`)."""
    entry = action_dict(row, today)
    entry["due"] = row.due
    latest = row.action.latest_update(today)
    entry["latest_update"] = (
        {"date": latest.date, "text": latest.text, "by": latest.by} if latest else None)
    return entry


def plan_header(plan: Plan) -> dict:
    return {
        "id": plan.id,
        "title": plan.title,
        "authority": plan.authority,
        "inspection": {"by": plan.inspection.by, "kind": plan.inspection.kind,
                       "published": plan.inspection.published},
        "version": plan.version,
        "updated": plan.updated,
        "owner": plan.owner,
        "classification": plan.classification,
        "file": plan.path,
    }


def marking(plans: Sequence[Plan]) -> str | None:
    """The protective marking printed top and bottom: each distinct one, upper case."""
    seen: list[str] = []
    for plan in plans:
        c = (plan.classification or "").strip()
        if c and c.upper() not in seen:
            seen.append(c.upper())
    return " / ".join(seen) or None


def findings_of(plans: Sequence[Plan]) -> list[dict]:
    return [
        {"plan": p.id, "scale": list(p.findings.scale),
         "areas": [{"area": a.area,
                    "judgements": [{"name": j.name, "grade": j.grade} for j in a.judgements]}
                   for a in p.findings.areas]}
        for p in plans if p.findings is not None
    ]


def build_report(plans: Sequence[Plan], today: date, *, changes: dict | None = None,
                 timeline: list[dict] | None = None, upcoming_days: int = UPCOMING_DAYS) -> dict:
    """The whole report as at `today`; `changes` and `timeline` come from the adapters below."""
    rows = evaluate(plans, today)
    summary = summarise(rows)
    open_rows = [r for r in rows if r.open]
    overdue = most_late_first(r for r in rows if r.status == "overdue")
    until = today + timedelta(days=upcoming_days)
    upcoming = by_due_date(r for r in open_rows if r.due and today <= r.due <= until)
    recommendations = []
    for rec in recommendation_rollup(rows):
        rec["open"] = rec["total"] - rec["completed"] - rec["dropped"]
        recommendations.append(rec)
    return {
        "report": "planctl progress report",
        "format_version": FORMAT_VERSION,
        "as_at": today,
        "classification": marking(plans),
        "plans": [plan_header(p) for p in plans],
        "summary": {**summary.as_dict(), "open": len(open_rows),
                    "percent_complete": summary.percent_complete},
        "recommendations": recommendations,
        "overdue_by_lead": [
            {"lead": lead, "count": len(group), "actions": [brief_entry(r, today) for r in group]}
            for lead, group in by_lead(overdue)
        ],
        "upcoming": {"days": upcoming_days, "from": today, "until": until,
                     "actions": [brief_entry(r, today) for r in upcoming]},
        "latest_updates": [brief_entry(r, today) for r in open_rows],
        "changes": changes,
        "timeline": timeline,
        "findings": findings_of(plans),
        "actions": [action_entry(r, today) for r in rows],
    }


# -- what changed between two versions of the plans (pure) ----------------------


def _deadlines(action: Action) -> list[date]:
    if action.milestones:
        return [m.due for m in action.milestones]
    return [d.due for d in action.timescale.deadlines] if action.timescale else []


def _change_item(plan: Plan, action: Action, **extra) -> dict:
    return {"plan": plan.id, "recommendation": action.recommendation, "id": action.id,
            "text": action.text, "leads": list(action.leads), **extra}


def compare_plans(old: Sequence[Plan], new: Sequence[Plan], today: date) -> dict[str, list[dict]]:
    """Completed, slipped, added and dropped actions between two versions of the plans.

    Both versions are judged as at `today`, so "completed" means completed in
    the new version and not in the old; "slipped" means a deadline of the
    timescale moved later (by the largest move, in days); an action that is no
    longer in the plan at all counts as dropped, with `removed: true`.
    """
    old_actions = {(p.id, a.id): (p, a) for p in old for a in p.actions}
    new_actions = {(p.id, a.id): (p, a) for p in new for a in p.actions}
    out: dict[str, list[dict]] = {k: [] for k in CHANGE_KINDS}
    for key, (plan, action) in new_actions.items():
        row = evaluate_action(plan, action, today)
        if key not in old_actions:
            out["added"].append(_change_item(plan, action, due=row.due, status=row.status))
            continue
        old_plan, old_action = old_actions[key]
        before = evaluate_action(old_plan, old_action, today)
        if row.status == "completed" and before.status != "completed":
            out["completed"].append(_change_item(plan, action, completed_on=action.completed))
        if row.status == "dropped" and before.status != "dropped":
            out["dropped"].append(_change_item(plan, action, removed=False))
        moves = [(o, n) for o, n in zip(_deadlines(old_action), _deadlines(action), strict=False)
                 if n > o]
        if moves:
            was, now = max(moves, key=lambda m: (m[1] - m[0]).days)
            out["slipped"].append(_change_item(plan, action, was=was, now=now,
                                               days=(now - was).days))
    for key, (plan, action) in old_actions.items():
        if key not in new_actions:
            out["dropped"].append(_change_item(plan, action, removed=True))
    for items in out.values():
        items.sort(key=lambda i: (i["plan"], id_sort_key(i["id"])))
    return out


# -- adapters to the git side (gitstore / audit) ----------------------------------


def changes_since(paths, rev: str, plans: Sequence[Plan], today: date) -> dict:
    """What changed in the plans since `rev` (a revision or a date), for `--since`."""
    from .gitstore import load_as_of  # git is only paid for when asked

    then = load_as_of(paths, rev)
    return {"since": rev, **compare_plans(then.plans, plans, today)}


def timeline(paths, plans: Sequence[Plan], today: date) -> list[dict] | None:
    """Open / completed / overdue counts over time from git history, or None without history."""
    return None


# -- JSON ---------------------------------------------------------------------------

# Characters json.dumps leaves raw with ensure_ascii=False that a terminal would act on.
_TERMINAL_UNSAFE = {c: f"\\u{c:04x}" for c in [*range(0x7F, 0xA0), 0x2028, 0x2029,
                                                 *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


def jsonable(value):
    """The report with dates as ISO strings (the JSON shape in docs/report.md)."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def render_json(report: dict) -> str:
    """UTF-8 JSON; C0 controls are escaped by json, C1 and bidi controls by us (still valid JSON)."""
    import json

    text = json.dumps(jsonable(report), indent=2, ensure_ascii=False)
    return text.translate(_TERMINAL_UNSAFE) + "\n"
