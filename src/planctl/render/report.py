"""The committee progress report as one data structure, which every format renders.

`build_report` is pure: plans + the as-at date (+ optional changes since a
revision and a timeline of counts) -> a dict of plain values (dates stay
`date` objects; render/report_json turns them into ISO strings). The JSON
output is this dict, so its shape is documented in docs/report.md.

Changes and the timeline come from git through history/trail.py, which the
report command calls only when they are shown; nothing here runs git.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ..core.errors import byte_escape
from ..core.evaluate import (
    Row,
    by_due_date,
    by_theme,
    deadlines,
    evaluate,
    evaluate_action,
    id_sort_key,
    lead_groups,
    most_late_first,
    summarise,
)
from ..core.jsondoc import JSONDict
from ..core.model import Plan, identity_key
from ..core.names import fold_name
from ..core.rollup import rollup
from ..core.words import count
from .json import action_dict
from .views import lead_title, recommendation_rollup, show_date

if TYPE_CHECKING:  # the report command imports history only when it shows changes
    from ..history.diff import Diff, DiffItem, Rescheduled
    from ..history.trail import Since

FORMAT_VERSION = 1
UPCOMING_DAYS = 30
CALENDAR_DAYS = 366  # how far ahead a repeating action's occurrences are listed
CHANGE_KINDS = ("completed", "slipped", "added", "dropped")
CHANGE_TITLES = {"completed": "Completed", "slipped": "Deadline moved later", "added": "Added",
                 "dropped": "Dropped"}


def change_detail(kind: str, item: JSONDict, to: str = "to") -> str:
    """What the report's Detail column says of one change (plain text; `to` between the
    old and new date): the same words in the HTML page and the Word paper."""
    if kind == "slipped":
        detail = (f"{show_date(item['was'])} {to} {show_date(item['now'])} "
                  f"({count(item['days'], 'day')} later)")
        return detail + (f"; reason: {item['reason']}" if item.get("reason") else "")
    if kind == "dropped":
        return "removed from the plan" if item.get("removed") else "marked dropped"
    if kind == "completed" and item.get("completed_on"):
        return f"completed {show_date(item['completed_on'])}"
    return ""


def _as_is(d: date | None) -> date | None:
    """Dates stay `date`s in the report; only its JSON form writes them as ISO strings."""
    return d


def action_entry(row: Row, today: date) -> JSONDict:
    """Every field of one action as at `today`: the CSV row and the JSON `actions` item."""
    a = row.action
    entry = action_dict(row, today, day=_as_is)
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
        identity=list(identity_key(a)),
        deadlines=[{"kind": d.kind, "number": d.number, "due": d.due, "label": d.label,
                    "done": d.done}
                   for d in deadlines(a, today, today + timedelta(days=CALENDAR_DAYS))],
    )
    return entry


def brief_entry(row: Row, today: date) -> JSONDict:
    """The action as the sections show it (the same keys as `status --format json`)."""
    return action_dict(row, today, day=_as_is)


def plan_header(plan: Plan) -> JSONDict:
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
        # Only when the plan gives them, so reports of other plans are unchanged.
        **({"themes": [{"theme": t.key, "title": t.title} for t in plan.themes]}
           if plan.themes else {}),
        **({"rag_key": {m.colour: m.meaning for m in plan.rag_key}} if plan.rag_key else {}),
    }


def lead_label(report: JSONDict, group: JSONDict) -> str:
    """An `overdue_by_lead` group's lead as a heading: with its authority where the report
    covers several (the same role name in two councils is two leads)."""
    scopes = {fold_name((p["authority"] or "").strip() or p["id"]) for p in report["plans"]}
    return lead_title(group["lead"], group["authority"], len(scopes) > 1)


def marking(plans: Sequence[Plan]) -> str | None:
    """The protective marking printed top and bottom: each distinct one, upper case."""
    seen: list[str] = []
    for plan in plans:
        c = (plan.classification or "").strip()
        if c and c.upper() not in seen:
            seen.append(c.upper())
    return " / ".join(seen) or None


def findings_of(plans: Sequence[Plan]) -> list[JSONDict]:
    return [
        {"plan": p.id, "scale": list(p.findings.scale),
         "areas": [{"area": a.area,
                    "judgements": [{"name": j.name, "grade": j.grade} for j in a.judgements]}
                   for a in p.findings.areas]}
        for p in plans if p.findings is not None
    ]


def theme_rollup(rows: Sequence[Row]) -> list[JSONDict]:
    """Per theme, in the order `themes:` lists them: counts by status and % complete."""
    out = []
    for key, title, group in by_theme(rows):
        s = summarise(group)
        out.append({"theme": key, "title": title, **s.as_dict(),
                    "open": s.total - s.completed - s.dropped,
                    "percent_complete": s.percent_complete})
    return out


def build_report(plans: Sequence[Plan], today: date, *, changes: JSONDict | None = None,
                 timeline: list[JSONDict] | None = None, upcoming_days: int = UPCOMING_DAYS,
                 slipped: Mapping[str, int] | None = None,
                 trends: JSONDict | None = None) -> JSONDict:
    """The whole report as at `today`; `changes`, `timeline` and `trends` (history.trends'
    as_dict, dates kept as `date`s) come from git through history.trail; `slipped` (plan id
    -> actions slipped, history.trail.slipped) feeds the roll-up."""
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
    themed = {"themes": theme_rollup(rows)} if any(p.themes for p in plans) else {}
    # Only where a plan requires sign-off, so reports of other plans are unchanged.
    signoff = ({"signoff": signoff_section(rows, changes, today)}
               if any(p.signoff_required for p in plans) else {})
    return {
        "report": "planctl progress report",
        "format_version": FORMAT_VERSION,
        "as_at": today,
        "classification": marking(plans),
        "plans": [plan_header(p) for p in plans],
        "summary": {**summary.as_dict(), "open": len(open_rows),
                    "percent_complete": summary.percent_complete},
        "recommendations": recommendations,
        **themed,
        **signoff,
        **rollup_section(plans, today, slipped),
        "overdue_by_lead": [
            {"lead": g.lead, "authority": g.authority, "count": len(g.rows),
             "actions": [brief_entry(r, today) for r in g.rows]}
            for g in lead_groups(overdue)
        ],
        "upcoming": {"days": upcoming_days, "from": today, "until": until,
                     "actions": [brief_entry(r, today) for r in upcoming]},
        "latest_updates": [brief_entry(r, today) for r in open_rows],
        "changes": changes,
        "timeline": timeline,
        "trends": trends,
        "findings": findings_of(plans),
        "actions": [action_entry(r, today) for r in rows],
    }


def signoff_section(rows: Sequence[Row], changes: JSONDict | None, today: date) -> JSONDict:
    """The completed actions not yet signed off: those completed since --since (the last
    meeting) when the report shows changes, else all of them."""
    waiting = [r for r in rows if r.awaiting]
    if changes is not None:
        done = {(i["plan"], i["id"]) for i in changes["completed"]}
        waiting = [r for r in waiting if (r.plan.id, r.action.id) in done]
    waiting.sort(key=lambda r: (r.plan.id, id_sort_key(r.action.id)))
    return {"since": changes["since"] if changes is not None else None,
            "awaiting": [brief_entry(r, today) for r in waiting]}


def signoff_title(section: JSONDict) -> str:
    """The heading every format gives the list."""
    since = section["since"]
    return (f"Completed since {since}, not yet signed off" if since
            else "Completed, not yet signed off")


def rollup_section(plans: Sequence[Plan], today: date,
                   slipped: Mapping[str, int] | None) -> JSONDict:
    """`rollup`: one row per plan (core.rollup), only when the report covers more than one
    plan, so that a one-plan report is unchanged. Dates stay `date`s, as elsewhere here."""
    if len(plans) < 2:
        return {}
    return {"rollup": [{**row.as_dict(), "published": row.published,
                        "last_update": row.last_update}
                       for row in rollup(plans, today, slipped=slipped)]}


# -- what changed since --since (history.trail reads it from git) ------------------------------


def _change_items(diff: Diff, plans: Sequence[Plan], old_plans: Sequence[Plan],
                  today: date) -> dict[str, list[JSONDict]]:
    """history.diff's categories -> the report's four: completed, slipped, added, dropped."""
    new_actions = {(a.plan, a.id): (p, a) for p in plans for a in p.actions}
    old_actions = {(a.plan, a.id): (p, a) for p in old_plans for a in p.actions}

    # A removed action is read from the old plans by its own text: its id may now belong to
    # another action (or, with duplicate ids, to two).
    gone = {(a.plan, a.id, a.text): (p, a) for p in old_plans for a in p.actions}

    def item(entry: DiffItem, old: bool = False, **extra: object) -> JSONDict:
        key = (entry.plan, entry.id)
        plan, action = ((gone.get((*key, entry.text)) if old else None) or new_actions.get(key)
                        or old_actions[key])
        return {"plan": plan.id, "recommendation": action.recommendation, "id": action.id,
                "text": action.text, "leads": list(action.leads), **extra}

    out: dict[str, list[JSONDict]] = {k: [] for k in CHANGE_KINDS}
    for done in diff.completed:
        _, action = new_actions[(done.plan, done.id)]
        out["completed"].append(item(done, completed_on=action.completed))
    for moved in diff.rescheduled:
        days = moved.days
        if days and days > 0:  # brought forward is not slippage
            out["slipped"].append(item(moved, was=moved.old_date, now=moved.new_date, days=days,
                                       reason=_move_reasons(moved), moves=[
                                           {"date": m.commit.date if m.commit else None,
                                            "was": m.old_date, "now": m.new_date,
                                            "reason": m.reason} for m in moved.moves]))
    for added in diff.added:
        plan, action = new_actions[(added.plan, added.id)]
        row = evaluate_action(plan, action, today)
        out["added"].append(item(added, due=row.due, status=row.status))
    out["dropped"] += [item(e, removed=False) for e in diff.dropped]
    out["dropped"] += [item(e, old=True, removed=True) for e in diff.removed]
    for items in out.values():
        items.sort(key=lambda i: (i["plan"], id_sort_key(i["id"])))
    return out


def _move_reasons(moved: Rescheduled) -> str | None:
    """Why it moved: each move's own reason, with the date it moved to when there were
    several (never the first move's reason against the whole slip)."""
    if len(moved.moves) <= 1:
        return moved.reason
    said = [f"{m.reason} (to {show_date(m.new_date) if m.new_date else m.new or 'no date'})"
            for m in moved.moves if m.reason]
    return "; ".join(said) or None


def changes_section(since: Since, plans: Sequence[Plan], today: date) -> JSONDict:
    """The report's "changes since" from a history.trail.Since: the four kinds, with dates."""
    commit = since.commit
    return {"since": since.rev, "commit": commit.short if commit else None,
            "commit_date": commit.date if commit else None,
            **_change_items(since.diff, plans, since.old_plans, today)}


# -- JSON ---------------------------------------------------------------------------

# Characters json.dumps leaves raw with ensure_ascii=False that a terminal would act on.
_TERMINAL_UNSAFE = {c: f"\\u{c:04x}" for c in [*range(0x7F, 0xA0), 0x2028, 0x2029,
                                                 *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
# Lone surrogates (bytes of a file name that is not UTF-8): the text `\xNN`, valid JSON.
_TERMINAL_UNSAFE.update({c: byte_escape(c).replace("\\", "\\\\") for c in range(0xD800, 0xE000)})


def jsonable(value: object) -> object:
    """The report with dates as ISO strings (the JSON shape in docs/report.md)."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


# What msgspec writes exactly as json.dumps(jsonable(...)) does (a date as its ISO date).
# Not floats (1e+16 is its 1e16, nan its null), datetimes (+00:00 is its Z), subclasses.
_ALIKE_LEAVES = frozenset({str, int, bool, type(None), date})
_NESTS = frozenset({dict, list, tuple})
_ALIKE = _ALIKE_LEAVES | _NESTS
_STR = frozenset({str})
MAX_CONTAINERS = 50_000_000  # walked before the check gives up (a bound; the json module decides)


def _writes_alike(value: object) -> bool:
    """Whether `value` holds only what msgspec and the json module write alike: dicts with
    string keys, lists and tuples of strings, ints, bools, None and dates. A check of
    types, container by container, each container's items looked at in C (sets of their
    types): a tenth of the json module's time on a 20,000-action report."""
    if type(value) not in _NESTS:
        return type(value) in _ALIKE_LEAVES
    stack: list[Any] = [value]
    for _ in range(MAX_CONTAINERS):
        if not stack:
            return True
        items = stack.pop()
        if type(items) is dict:
            if not _STR.issuperset(map(type, items)):
                return False
            items = items.values()
        kinds = set(map(type, items))
        if not kinds <= _ALIKE:
            return False
        if not kinds.isdisjoint(_NESTS):
            stack += [x for x in items if type(x) in _NESTS]
    return False


def render_json(report: JSONDict) -> str:
    """UTF-8 JSON; C0 controls are escaped by json, C1 and bidi controls by us (still valid JSON).

    The text of json.dumps(jsonable(report), indent=2, ensure_ascii=False), written by
    msgspec (dates are its ISO dates): json's indented encoder is pure Python, 2 s of a
    20,000-action report where msgspec takes a tenth of a second. What msgspec writes
    otherwise (floats, datetimes: see _writes_alike) or refuses (a lone surrogate, from a
    file name that is not UTF-8) goes to the json module.
    """
    import msgspec

    data = None
    if _writes_alike(report):
        # What msgspec refuses (a lone surrogate; an int past 64 bits) goes to the json module.
        with contextlib.suppress(TypeError, ValueError, msgspec.EncodeError):
            data = msgspec.json.format(msgspec.json.encode(report), indent=2)
    if data is not None:
        text = data.decode()
    else:
        import json

        text = json.dumps(jsonable(report), indent=2, ensure_ascii=False)
    if not text.isascii() or "\x7f" in text:  # DEL is the one ASCII character to escape
        text = text.translate(_TERMINAL_UNSAFE)
    return text + "\n"
