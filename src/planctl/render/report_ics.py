"""The report as iCalendar (RFC 5545): one VTODO per open action with a due date.

Built with the icalendar library (imported here only, so other commands never
load it), which escapes text and folds long lines. The UID is stable per plan
and action, so importing a newer file updates each task instead of adding a
copy; DTSTAMP is when the file was made, passed in by the command.
"""

from __future__ import annotations

from datetime import datetime

from ..core.errors import safe_text
from ..core.words import count
from .views import show_date

SUMMARY_CHARS = 90
PRODID = "-//planctl//progress report//EN"


def uid(plan: str, action: str) -> str:
    return f"{plan}-{action}@planctl"


def _clean(text: str) -> str:
    """RFC 5545 forbids control characters other than tab in text; make them visible."""
    return safe_text(text)


def summary_line(a: dict) -> str:
    text = " ".join(a["text"].split())
    if len(text) > SUMMARY_CHARS:
        text = text[: SUMMARY_CHARS - 1].rstrip() + "\u2026"
    return _clean(f"{a['id']} {text}")


def description(a: dict, plan_title: str, as_at) -> str:
    lines = [" ".join(a["text"].split()), ""]
    lines.append("Lead: " + ("; ".join(a["leads"]) or "(no lead)"))
    lines.append(f"Plan: {plan_title} ({a['plan']}), recommendation {a['recommendation']}")
    if a["timescale"]:
        lines.append(f"Timescale: {a['timescale']}")
    late = f", {count(a['days_overdue'], 'day')} late" if a["status"] == "overdue" else ""
    lines.append(f"Status as at {show_date(as_at)}: {a['status']}{late}")
    if a["report_to_names"]:
        lines.append("Report to: " + "; ".join(a["report_to_names"]))
    if a["latest_update"]:
        u = a["latest_update"]
        by = f" ({u['by']})" if u["by"] else ""
        lines.append(f"Latest update {show_date(u['date'])}{by}: {u['text']}")
    return _clean("\n".join(lines))


def render(report: dict, stamp: datetime) -> bytes:
    from icalendar import Calendar, Todo

    titles = {p["id"]: p["title"] for p in report["plans"]}
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = titles[report["plans"][0]["id"]] if len(titles) == 1 else "Action plans"
    cal.add("x-wr-calname", _clean(name))
    for a in report["actions"]:
        if a["status"] in ("completed", "dropped") or a["due"] is None:
            continue
        todo = Todo()
        todo.add("uid", uid(a["plan"], a["id"]))
        todo.add("dtstamp", stamp)
        todo.add("due", a["due"])  # a date: VALUE=DATE
        todo.add("summary", summary_line(a))
        todo.add("description", description(a, titles.get(a["plan"], a["plan"]), report["as_at"]))
        todo.add("status", "IN-PROCESS" if a["progress"] == "in-progress" else "NEEDS-ACTION")
        todo.add("categories", [_clean(a["plan"]), a["status"]])
        if a["status"] == "overdue":
            todo.add("priority", 1)
        cal.add_component(todo)
    return cal.to_ical()
