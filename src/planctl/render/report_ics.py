"""The report as iCalendar (RFC 5545): events for calendars, or tasks for task apps.

Events (the default): one all-day VEVENT per deadline of each action: every
milestone, and every occurrence of a repeating action (those reported, then the
open ones up to a year ahead). Outlook's and Google's import ignore VTODO, so
events are what reaches people. Tasks (--ics-tasks): one VTODO per action.

Built with the icalendar library (imported here only, so other commands never
load it), which escapes text and folds long lines. Each UID comes from the
action's identity (model.identity_key), never its position in the file, so
importing a newer file updates each entry instead of adding a copy; a deadline
that is met, or an action completed or dropped, stays in the file under the
same UID as STATUS:CANCELLED (tasks: COMPLETED or CANCELLED) so that the
calendar updates it too. SEQUENCE grows with the time the file was made, so a
newer file wins over an older import; DTSTAMP is that time, passed in by the command.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..core.errors import safe_text
from ..core.jsondoc import JSONDict
from ..core.words import count
from .views import show_date, shown_words

if TYPE_CHECKING:  # imported when a calendar is made, so other commands never load it
    from icalendar import Calendar

SUMMARY_CHARS = 90
PRODID = "-//planctl//progress report//EN"
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
CLOSED_WORDS = {"completed": "Done", "dropped": "Dropped"}


def uid(identity: Iterable[object], deadline: str = "") -> str:
    """A UID from an action's identity (plan id, action id), plus which of its deadlines.

    Each part is percent-encoded, so the UID is ASCII and no two identities meet
    (plan "a-1" action "2" and plan "a" action "1-2" differ)."""
    parts = [quote(str(p), safe="") for p in identity] + ([deadline] if deadline else [])
    return "/".join(parts) + "@planctl"


def sequence(stamp: datetime) -> int:
    """Minutes since 2020: later files carry a higher SEQUENCE, which calendars honour."""
    return max(0, int((stamp - _EPOCH).total_seconds() // 60))


def _clean(text: str) -> str:
    """RFC 5545 forbids control characters other than tab in text; make them visible."""
    return safe_text(text)


def summary_line(a: JSONDict, prefix: str = "") -> str:
    text = " ".join(a["text"].split())
    if len(text) > SUMMARY_CHARS:
        text = text[: SUMMARY_CHARS - 1].rstrip() + "\u2026"
    return _clean(f"{prefix}{a['id']} {text}")


def description(a: JSONDict, plan_title: str, as_at: date,
                deadline: JSONDict | None = None) -> str:
    lines = [" ".join(a["text"].split()), ""]
    lines.append("Lead: " + ("; ".join(a["leads"]) or "(no lead)"))
    lines.append(f"Plan: {plan_title} ({a['plan']}), recommendation {a['recommendation']}")
    if a["timescale"]:
        lines.append(f"Timescale: {a['timescale']}")
    if deadline is not None and deadline["label"]:
        lines.append(f"This deadline: {deadline['label']}")
    late = f", {count(a['days_overdue'], 'day')} late" if a["status"] == "overdue" else ""
    lines.append(f"Status as at {show_date(as_at)}: {shown_words(a, a['status'])}{late}")
    if a["report_to_names"]:
        lines.append("Report to: " + "; ".join(a["report_to_names"]))
    if a["latest_update"]:
        u = a["latest_update"]
        by = f" ({u['by']})" if u["by"] else ""
        lines.append(f"Latest update {show_date(u['date'])}{by}: {u['text']}")
    return _clean("\n".join(lines))


def _calendar(report: JSONDict, titles: JSONDict) -> Calendar:
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = titles[report["plans"][0]["id"]] if len(titles) == 1 else "Action plans"
    cal.add("x-wr-calname", _clean(name))
    return cal


def events(report: JSONDict, stamp: datetime) -> bytes:
    from icalendar import Event

    titles = {p["id"]: p["title"] for p in report["plans"]}
    cal = _calendar(report, titles)
    seq = sequence(stamp)
    for a in report["actions"]:
        closed = CLOSED_WORDS.get(a["status"])
        for d in a["deadlines"]:
            event = Event()
            event.add("uid", uid(a["identity"], f"{d['kind']}{d['number']}"))
            event.add("dtstamp", stamp)
            event.add("sequence", seq)
            event.add("dtstart", d["due"])  # a date: an all-day event
            event.add("dtend", d["due"] + timedelta(days=1))
            event.add("transp", "TRANSPARENT")  # a deadline, not a meeting: leaves the day free
            prefix = f"{closed}: " if closed else "Done: " if d["done"] else ""
            event.add("summary", summary_line(a, prefix))
            event.add("description", description(a, titles.get(a["plan"], a["plan"]),
                                                 report["as_at"], d))
            # A deadline met, or an action closed, is no longer a deadline: cancelled, kept
            # under its UID so that a calendar which imported it before updates it.
            event.add("status", "CANCELLED" if closed or d["done"] else "CONFIRMED")
            event.add("categories", [_clean(a["plan"]), a["status"]])
            cal.add_component(event)
    ical: bytes = cal.to_ical()
    return ical


def tasks(report: JSONDict, stamp: datetime) -> bytes:
    from icalendar import Todo

    titles = {p["id"]: p["title"] for p in report["plans"]}
    cal = _calendar(report, titles)
    seq = sequence(stamp)
    for a in report["actions"]:
        closed = a["status"] in ("completed", "dropped")
        if not closed and a["due"] is None:
            continue
        if closed and not a["deadlines"]:
            continue  # never had a due date, so no task was ever exported for it
        todo = Todo()
        todo.add("uid", uid(a["identity"]))
        todo.add("dtstamp", stamp)
        todo.add("sequence", seq)
        due = a["due"] or a["deadlines"][-1]["due"]
        todo.add("due", due)  # a date: VALUE=DATE
        todo.add("summary", summary_line(a))
        todo.add("description", description(a, titles.get(a["plan"], a["plan"]), report["as_at"]))
        if a["status"] == "completed":
            todo.add("status", "COMPLETED")
            todo.add("percent-complete", 100)
        elif a["status"] == "dropped":
            todo.add("status", "CANCELLED")
        else:
            todo.add("status", "IN-PROCESS" if a["progress"] == "in-progress" else "NEEDS-ACTION")
        todo.add("categories", [_clean(a["plan"]), a["status"]])
        if a["status"] == "overdue":
            todo.add("priority", 1)
        cal.add_component(todo)
    ical: bytes = cal.to_ical()
    return ical


def render(report: JSONDict, stamp: datetime, *, as_tasks: bool = False) -> bytes:
    return tasks(report, stamp) if as_tasks else events(report, stamp)
