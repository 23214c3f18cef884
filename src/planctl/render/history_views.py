"""Tables of the audit trail: history, slippage and diff as render.Views.

The data comes from history/ (changelog, slippage, diff: typed results whose JSON shapes
are in docs/audit-trail.md); this module only lays them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..core.model import iso
from ..core.words import agree, count
from ..history.diff import (
    Brief,
    Diff,
    DiffItem,
    End,
    Move,
    Moved,
    OtherChanges,
    Reassigned,
    Rescheduled,
    SignOffChanged,
)
from . import Column, Section, View

if TYPE_CHECKING:
    from ..history.changelog import HistoryEntry
    from ..history.changes import ChangedAction
    from ..history.slippage import SlippedAction
    from ..store.gitstore import Commit

_TITLES = {"added": "Added", "removed": "Removed", "moved": "Moved to another recommendation or plan",
           "completed": "Completed", "dropped": "Dropped",
           "reopened": "Reopened", "progress": "Progress changed", "rescheduled": "Rescheduled",
           "reassigned": "Reassigned", "signed_off": "Signed off", "unsigned": "Sign-off withdrawn",
           "changed": "Other changes"}


def _fmt_item(item: object) -> str:
    """One item of a list field: an update, a milestone, or a plain value; or a sign-off."""
    if isinstance(item, dict) and "by" in item and "on" in item:
        evidence = f" (evidence: {item['evidence']})" if item.get("evidence") else ""
        return f"{item['on']} by {item['by']}{evidence}"
    if isinstance(item, dict) and "text" in item and "date" in item:
        by = f" ({item['by']})" if item.get("by") else ""
        return f"{item['date']}{by}: {item['text']}"
    if isinstance(item, dict):
        return f"{item.get('due')} {item.get('text') or ''}".strip() + (" [done]" if item.get("done") else "")
    return str(item)


def show_change(old: object, new: object) -> tuple[str, str]:
    """(from, to) cells for a table: lists show only what left and what arrived."""
    if isinstance(old, list) or isinstance(new, list):
        before: list[object] = old if isinstance(old, list) else []
        after: list[object] = new if isinstance(new, list) else []
        gone = [x for x in before if x not in after]
        came = [x for x in after if x not in before]
        if not gone and not came:
            gone, came = before, after
        return "; ".join(map(_fmt_item, gone)), "; ".join(map(_fmt_item, came))
    return ("" if old is None else _fmt_item(old)), ("" if new is None else _fmt_item(new))


def _heading(c: Commit | None) -> str:
    """The commit's line: date, short hash, author, subject and the reason given."""
    date, short, author, subject, reason = ((iso(c.date), c.short, c.author, c.subject, c.reason)
                                            if c else (None, None, None, None, None))
    why = f" (reason: {reason})" if reason else ""
    return f"{date} {short} {author}: {subject}{why}"


def history_view(entries: Sequence[HistoryEntry]) -> View:
    cols = [Column("Action"), Column("Change"), Column("From", wrap=1), Column("To", wrap=1)]
    many = len({a.plan for e in entries for a in e.actions}) > 1
    sections = []
    for e in entries:
        s = Section(_heading(e.commit), cols)
        for p in e.plans:
            what = {"added": count(p.actions, "action"), "removed": count(p.actions, "action")}
            s.add([f"plan {p.plan}", p.change, p.from_path or "",
                   p.path if p.change == "renamed" else what.get(p.change, "")])
        added_plans = {p.plan for p in e.plans if p.change in ("added", "removed")}
        for a in e.actions:
            if a.plan not in added_plans:  # else said once on the plan's row
                _action_rows(s, a, f"{a.plan}:{a.id}" if many else a.id)
        sections.append(s)
    return View(sections, empty="No changes to the plans in this history.", group_header="commit")


def _action_rows(s: Section, a: ChangedAction, name: str) -> None:
    if a.change == "added":
        s.add([name, "added", "", a.text])
    elif a.change == "removed":
        s.add([name, "removed", a.text, ""])
    else:
        if a.from_id:
            s.add([name, "id", a.from_id, a.id])
        for f in a.fields:
            s.add([name, f.field, *show_change(f.old, f.new)])
        if a.reason:
            s.add([name, "reason", "", a.reason])


def slippage_view(actions: Sequence[SlippedAction], since: str | None) -> View:
    many = len({a.plan for a in actions}) > 1
    main = Section(None, [Column("Action"), Column("Text", wrap=3), Column("First due"),
                          Column("Current due"), Column("Slipped", justify="right"),
                          Column("Moves", justify="right")])
    moves = Section("Moves", [Column("Action"), Column("Date"), Column("Author"),
                              Column("From"), Column("To"), Column("Days", justify="right"),
                              Column("Commit"), Column("Reason", wrap=1)])
    for a in actions:
        name = f"{a.plan}:{a.id}" if many else a.id
        main.add([name, a.text, iso(a.first_due) or "", iso(a.current_due) or "",
                  count(a.days_slipped, "day"), str(a.moves)],
                 "overdue" if a.days_slipped > 0 else None)
        for c in a.changes:
            moves.add([name, str(iso(c.commit.date)), c.commit.author, str(iso(c.old)),
                       str(iso(c.new)), f"{c.days:+d}", c.commit.short, c.reason])
    where = f" since {since}" if since else ""
    summary = (f"{count(len(actions), 'action')} slipped{where}, "
               f"{count(sum(a.days_slipped for a in actions), 'day')} in all") if actions else None
    return View([main, moves] if actions else [], summary=summary,
                empty=f"No deadline moved later{where}.", group_header="table")


def _diff_rows(cat: str, a: DiffItem, name: str) -> list[list[str]]:
    """The rows of one entry of the category `cat`."""
    if isinstance(a, Brief):
        return [[name, a.text, "", a.due or ""] if cat == "added" else [name, a.text, a.due or "", ""]]
    if isinstance(a, OtherChanges):
        return [[name, f"{a.text} [{f.field}]", *show_change(f.old, f.new)] for f in a.fields]
    if isinstance(a, Moved):
        frm, to = show_change(a.old, a.new)
        where = f"plan {a.from_plan}, " if a.from_plan else ""
        return [[name, a.text, f"{where}recommendation {frm} ({a.from_id})", f"recommendation {to}"]]
    if isinstance(a, SignOffChanged):
        return [[name, a.text, *show_change(a.old, a.new)]]
    if isinstance(a, Reassigned):
        frm, to = show_change(list(a.old), list(a.new))
    else:
        frm, to = show_change(a.old, a.new)
    if isinstance(a, Rescheduled) and a.days:
        to += f" ({a.days:+d} {agree(abs(a.days), 'day', 'days')})"
    if isinstance(a, Rescheduled) and len(a.moves) > 1:  # each move on its row, its own reason
        return [[name, a.text, frm, to], *([name, f"moved {m.commit_date or ''}".rstrip(),
                                             m.old or "", _move_to(m)] for m in a.moves)]
    if a.reason:
        to += f"; reason: {a.reason}"
    return [[name, a.text, frm, to]]


def _move_to(m: Move) -> str:
    days = m.days
    to = (m.new or "") + (f" ({days:+d} {agree(abs(days), 'day', 'days')})" if days else "")
    return to + (f"; reason: {m.reason}" if m.reason else "")


def diff_view(result: Diff) -> View:
    categories = result.categories()
    many = len({a.plan for rows in categories.values() for a in rows}) > 1
    sections = []
    for cat, rows in categories.items():
        if not rows:
            continue
        s = Section(f"{_TITLES[cat]} ({len(rows)})", [Column("Action"), Column("Text", wrap=3),
                                                      Column("From", wrap=1), Column("To", wrap=1)])
        for a in rows:
            for cells in _diff_rows(cat, a, f"{a.plan}:{a.id}" if many else a.id):
                s.add(cells)
        sections.append(s)

    def what(end: End) -> str:
        c = end.commit
        return end.rev + (f" ({c.short}, {iso(c.date)})" if c else "")

    counts = ", ".join(f"{len(rows)} {cat}" for cat, rows in categories.items() if rows)
    f, t = what(result.old), what(result.new)
    return View(sections, summary=f"From {f} to {t}: {counts}" if counts else None,
                empty=f"No changes to the actions from {f} to {t}.", group_header="change")
