"""show: everything about one recommendation or action."""

from __future__ import annotations

import click

from ..core.evaluate import evaluate_action
from ..core.query import find
from ..render import Column, Section, View, emit
from ..render.json import action_dict, iso, json_out
from ..render.views import show_date
from .completers import complete_ids
from .options import load, output_format, settings, shared_options, today


def _action_detail(plan, action, day) -> tuple[dict, list[tuple[str, str]], str]:
    row = evaluate_action(plan, action, day)
    data = action_dict(row, day)
    data.update(
        completed=iso(action.completed),
        completed_source=action.completed_source or ("plan" if action.completed else None),
        evidence=list(action.evidence),
        repeat=action.repeat,
        reported=[iso(d) for d in action.reported],
        milestones=[{"due": iso(m.due), "text": m.text, "done": m.done, "done_on": iso(m.done_on)}
                    for m in action.milestones],
        updates=[{"date": iso(u.date), "text": u.text, "by": u.by} for u in action.updates],
        file=plan.path, line=action.line,
    )
    late = f" ({row.days_overdue} days late)" if row.status == "overdue" else ""
    pairs = [
        ("Action", f"{plan.id}:{action.id}"),
        ("Text", action.text),
        ("Lead", "; ".join(action.leads)),
        ("Timescale", action.timescale_text),
        ("Next due", show_date(row.due) + (f" - {row.due_label}" if row.due_label else "")),
        ("Status", row.status + late),
        ("Progress", action.progress),
    ]
    if action.report_to:
        pairs.append(("Reports to", "; ".join(f"{plan.body_name(b)} ({b})"
                                               for b in action.report_to)))
    if action.repeat:
        pairs.append(("Repeats", action.repeat))
    for d in action.reported:
        pairs.append(("Reported", show_date(d)))
    for m in action.milestones:
        mark = "done" if m.done else "open"
        pairs.append(("Milestone", f"{show_date(m.due)} {m.text} [{mark}]".replace("  ", " ")))
    if action.completed:
        pairs.append(("Completed", show_date(action.completed) + (
            " (the date of the commit that completed it: the plan gives no date)"
            if action.completed_source == "git" else "")))
    for e in action.evidence:
        pairs.append(("Evidence", e))
    latest = action.latest_update(day)
    if latest:
        by = f" ({latest.by})" if latest.by else ""
        pairs.append(("Latest update", f"{show_date(latest.date)}{by}: {latest.text}"))
    pairs.append(("Source", f"{plan.path}:{action.line}"))
    return data, pairs, row.status


@click.command()
@shared_options
@click.argument("ref", metavar="ID", shell_complete=complete_ids)
def show(ref):
    """Everything about one action (3.1) or recommendation (3); PLAN:ID when ids repeat.

    \b
    Examples:
      planctl show 3.1
      planctl show thurrock-2012-slac:13.2 --format json
      planctl show 8           # recommendation 8 and its actions
    """
    fmt = output_format()
    result = load()
    day = today()
    found = find(result.plans, ref)
    cols = [Column("Field"), Column("Value", wrap=1)]
    if found.action is not None:
        data, pairs, status = _action_detail(found.plan, found.action, day)
        if fmt == "json":
            json_out({"as_of": iso(day), "action": data})
            return
        section = Section(None, cols)
        for k, v in pairs:
            section.add([k, v], status if k == "Status" else None)
        section.columns = [Column("Field"), Column("Value", wrap=1, status=True)]
        emit(View([section]), fmt, settings().color)
        return
    rec = found.recommendation
    details = [_action_detail(found.plan, a, day) for a in rec.actions]
    if fmt == "json":
        json_out({"as_of": iso(day), "recommendation": {
            "plan": found.plan.id, "id": rec.id, "text": rec.text,
            "actions": [d[0] for d in details]}})
        return
    head = Section(f"Recommendation {found.plan.id}:{rec.id}", cols)
    head.add(["Text", rec.text])
    actions = Section("Actions", [Column("ID"), Column("Action", wrap=3), Column("Lead", wrap=1),
                                  Column("Due"), Column("Status", status=True)])
    for a, (data, _, status) in zip(rec.actions, details, strict=True):
        actions.add([a.id, a.text, "; ".join(a.leads), data["due"] or "", status], status)
    emit(View([head, actions]), fmt, settings().color)
