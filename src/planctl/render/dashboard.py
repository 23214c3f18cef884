"""The dashboard's data: every action with its history, the filters' choices, the summary.

`build_dashboard` is pure: plans + the as-at date (+ what render.dashboard_history read
from the versions git gave the command) -> a dict of JSON values (ISO dates). The
page (render/dashboard_html.py) embeds this dict and draws its table from it; `dashboard
--format json` prints it. Its keys are documented in docs/json.md.

Each action carries the keys of `status --format json` (render.json.action_dict), so the
dashboard's figures are the status command's figures for the same plans and date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..core.evaluate import Row, evaluate, summarise
from ..core.jsondoc import JSONDict
from ..core.model import Plan, iso
from ..core.names import authority_key, lead_authority
from .json import action_dict
from .report import jsonable, marking, plan_header

FORMAT_VERSION = 1
# The order statuses are listed in: the ones that need attention first.
STATUS_ORDER = ("overdue", "due-soon", "on-track", "no-date", "completed", "dropped")
STATUS_WORDS = {"overdue": "Overdue", "due-soon": "Due soon", "on-track": "On track",
                "no-date": "No date", "completed": "Completed", "dropped": "Dropped"}
RATING_ORDER = ("red", "amber", "green", "blue")
NOT_RATED = "none"  # the rating filter's value for an action the council has not rated


def lead_scope(plan: Plan, many_authorities: bool) -> str:
    """Whose leads these are (core.names.lead_authority, as `leads` scopes them): the same
    role name in two councils is two leads. Only written into the filter when the plans
    are of more than one authority."""
    return lead_authority(plan) if many_authorities else ""


def action_record(row: Row, today: date) -> JSONDict:
    """One action as `status --format json` gives it, and what the dashboard adds. What is
    the same for every action of a plan or recommendation (the file, the recommendation's
    text, whose leads they are) is said once, in `plans` and `filters`: at 20,000 actions
    the page stays small."""
    a, plan = row.action, row.plan
    out = action_dict(row, today)
    theme = plan.theme_of(a) if plan.themes else None
    if theme is not None:
        out["theme_title"] = plan.theme_title(theme)
    if a.rag is not None and plan.rag_meaning(a.rag):
        out["rag_meaning"] = plan.rag_meaning(a.rag)
    # Empty lists and unset dates are left out: said 20,000 times they would weigh megabytes.
    if a.completed is not None:
        out["completed"] = iso(a.completed)
    if a.evidence:
        out["evidence"] = list(a.evidence)
    if len(a.milestones) > 1 or any(m.text for m in a.milestones):  # not just the deadline
        out["milestones"] = [{"due": iso(m.due), "text": m.text, "done": m.done,
                              "done_on": iso(m.done_on)} for m in a.milestones]
    if a.updates:
        out["updates"] = [{"date": iso(u.date), "text": u.text, "by": u.by} for u in a.updates]
    out["line"] = a.line
    return out


def lead_key(lead: str, scope: str) -> str:
    """A lead as the Lead filter offers it: `AUTHORITY: LEAD` when the plans are of more
    than one authority (docs/dashboard.md)."""
    return f"{scope}: {lead}" if scope else lead


def _choices(actions: Sequence[JSONDict], plans: Sequence[Plan], scopes: dict[str, str]
             ) -> JSONDict:
    """What each filter offers: only values some action has, in a reader's order."""
    many = len(plans) > 1
    leads = sorted({lead_key(lead, scopes.get(a["plan"], "")) for a in actions
                    for lead in a["leads"]}, key=str.casefold)
    texts = {(p.id, r.id): r.text for p in plans for r in p.recommendations}
    recs: dict[str, str] = {}
    for a in actions:
        key = f"{a['plan']}:{a['recommendation']}" if many else a["recommendation"]
        recs.setdefault(key, texts.get((a["plan"], a["recommendation"]), ""))
    themes: dict[str, str] = {}
    for a in actions:
        if a.get("theme") is not None:
            themes.setdefault(a["theme"], a.get("theme_title") or a["theme"])
    statuses = {a["status"] for a in actions}
    ratings = {a.get("rag") or NOT_RATED for a in actions}
    return {
        "leads": leads,
        "recommendations": [{"value": k, "text": t} for k, t in recs.items()],
        "themes": [{"value": k, "text": t} for k, t in themes.items()],
        "statuses": [s for s in STATUS_ORDER if s in statuses],
        "ratings": [r for r in (*RATING_ORDER, NOT_RATED) if r in ratings],
        "plans": [{"value": p.id, "text": p.title or p.id} for p in plans],
    }


def build_dashboard(plans: Sequence[Plan], today: date, *, history: JSONDict | None = None,
                    trends: JSONDict | None = None, rollup: list[JSONDict] | None = None) -> JSONDict:
    """The whole dashboard as at `today`.

    history: render.dashboard_history.action_histories' result (None: the plans are not in
    git); trends and rollup: the trend figures and the one-row-per-plan table, when given.
    """
    rows = evaluate(plans, today)
    many_authorities = len({authority_key(p) for p in plans}) > 1
    scopes = {p.id: lead_scope(p, many_authorities) for p in plans if many_authorities}
    actions = [action_record(r, today) for r in rows]
    per_action = (history or {}).get("actions", {})
    for a in actions:
        found = per_action.get((a["plan"], a["id"]))
        if found and found["events"]:
            a["history"] = found["events"]
        if found and found.get("slipped"):
            a["slipped"] = found["slipped"]
    summary = summarise(rows)
    open_count = sum(1 for r in rows if r.open)
    return {
        "dashboard": "planctl dashboard",
        "format_version": FORMAT_VERSION,
        "as_of": iso(today),
        "classification": marking(plans),
        "plans": [jsonable(plan_header(p)) for p in plans],
        "summary": {**summary.as_dict(), "open": open_count,
                    "percent_complete": summary.percent_complete},
        "lead_scopes": scopes,
        "filters": _choices(actions, plans, scopes),
        "history": None if history is None else {
            "shallow": history["shallow"], "commits": history["commits"],
            "timeline": history["timeline"]},
        "trends": trends,
        "rollup": rollup,
        "actions": actions,
    }
