"""Tables of the audit trail: history, slippage and diff as render.Views.

The data comes from history/audit.py (plain dicts, the JSON shapes of
docs/audit-trail.md); this module only lays them out.
"""

from __future__ import annotations

from ..core.words import agree, count
from ..history.audit import DIFF_CATEGORIES
from . import Column, Section, View

_TITLES = {"added": "Added", "removed": "Removed", "moved": "Moved to another recommendation",
           "completed": "Completed", "dropped": "Dropped",
           "reopened": "Reopened", "progress": "Progress changed", "rescheduled": "Rescheduled",
           "reassigned": "Reassigned", "changed": "Other changes"}


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
        why = f" (reason: {e['reason']})" if e["reason"] else ""
        s = Section(f"{e['date']} {e['commit']} {e['author']}: {e['subject']}{why}", cols)
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
                if a["from_id"]:
                    s.add([name, "id", a["from_id"], a["id"]])
                for f in a["fields"]:
                    s.add([name, f["field"], *show_change(f["from"], f["to"])])
                if a["reason"]:
                    s.add([name, "reason", "", a["reason"]])
        sections.append(s)
    return View(sections, empty="No changes to the plans in this history.", group_header="commit")



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
                       c["commit"], c["reason"]])
    where = f" since {since}" if since else ""
    summary = (f"{count(len(actions), 'action')} slipped{where}, "
               f"{count(sum(a['days_slipped'] for a in actions), 'day')} in all") if actions else None
    return View([main, moves] if actions else [], summary=summary,
                empty=f"No deadline moved later{where}.", group_header="table")



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
                if cat == "moved":
                    frm, to = f"recommendation {frm} ({a['from_id']})", f"recommendation {to}"
                if cat == "rescheduled" and a["days"]:
                    to += f" ({a['days']:+d} {agree(abs(a['days']), 'day', 'days')})"
                if a.get("reason"):
                    to += f"; reason: {a['reason']}"
                s.add([name, a["text"], frm, to])
        sections.append(s)
    f, t = result["from"], result["to"]
    what = lambda end: end["rev"] + (f" ({end['commit']}, {end['date']})" if end["commit"] else "")  # noqa: E731
    counts = ", ".join(f"{len(result[c])} {c}" for c in DIFF_CATEGORIES if result[c])
    return View(sections, summary=f"From {what(f)} to {what(t)}: {counts}" if counts else None,
                empty=f"No changes to the actions from {what(f)} to {what(t)}.", group_header="change")
