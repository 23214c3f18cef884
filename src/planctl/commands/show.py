"""show: everything about one recommendation or action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

import click

from ..core.evaluate import evaluate_action, milestones_done
from ..core.model import Action, Plan, Recommendation, iso
from ..core.query import Found, find
from ..core.signoff import described
from ..core.words import count
from ..loading.plans import open_plans
from ..loading.settings import Settings
from ..render import Column, Section, View
from ..render.json import action_dict
from ..render.views import due_text, show_date
from .completers import complete_ids
from .options import output, output_format, pass_settings, print_notes, shared_options

Pairs = list[tuple[str, str]]  # (field, value) rows of the table


def _action_detail(plan: Plan, action: Action, day: date) -> tuple[dict[str, Any], Pairs, str]:
    row = evaluate_action(plan, action, day)
    milestones = milestones_done(row, day)
    data = action_dict(row, day)
    data.update(
        completed=iso(action.completed),
        completed_source=action.completed_source or ("plan" if action.completed else None),
        evidence=list(action.evidence),
        repeat=action.repeat,
        reported=[iso(d) for d in action.reported],
        milestones=[{"due": iso(m.due), "text": m.text, "done": done, "done_on": iso(on)}
                    for m, done, on in milestones],
        updates=[{"date": iso(u.date), "text": u.text, "by": u.by} for u in action.updates],
        file=plan.path, line=action.line,
    )
    late = f" ({count(row.days_overdue, 'day')} late)" if row.status == "overdue" else ""
    pairs = [
        ("Action", f"{plan.id}:{action.id}"),
        ("Text", action.text),
        ("Lead", "; ".join(action.leads)),
        ("Timescale", action.timescale_text),
        ("Next due", due_text(row) + (f" - {row.due_label}" if row.due_label else "")),
        ("Status", row.shown_status + late),
        ("Progress", action.progress),
    ]
    pairs += _carried(plan, action)
    if action.report_to:
        pairs.append(("Reports to", "; ".join(f"{plan.body_name(b)} ({b})"
                                               for b in action.report_to)))
    if action.repeat:
        pairs.append(("Repeats", action.repeat))
    for d in action.reported:
        pairs.append(("Reported", show_date(d)))
    for m, done, _ in milestones:
        mark = "done" if done else "open"
        pairs.append(("Milestone", f"{show_date(m.due)} {m.text} [{mark}]".replace("  ", " ")))
    if action.completed:
        pairs.append(("Completed", show_date(action.completed) + (
            " (the date of the commit that completed it: the plan gives no date)"
            if action.completed_source == "git" else "")))
    for e in action.evidence:
        pairs.append(("Evidence", e))
    if action.signed_off is not None:
        pairs.append(("Signed off", described(action.signed_off)[len("signed off "):]))
    latest = action.latest_update(day)
    if latest:
        by = f" ({latest.by})" if latest.by else ""
        pairs.append(("Latest update", f"{show_date(latest.date)}{by}: {latest.text}"))
    pairs.append(("Source", f"{plan.path}:{action.line}"))
    return data, pairs, row.status


def _carried(plan: Plan, action: Action) -> Pairs:
    """The fields real plans carry, each only when the plan gives it."""
    pairs: Pairs = []
    if action.start is not None:
        pairs.append(("Starts", show_date(action.start)))
    theme = plan.theme_of(action) if plan.themes else None
    if theme is not None:
        pairs.append(("Theme", f"{plan.theme_title(theme)} ({theme})"))
    if action.cites is not None:
        pairs.append(("Ref", action.cites))
    rec_cites = plan.cites_of(action)
    if rec_cites is not None:
        pairs.append(("Recommendation ref", rec_cites))
    if action.rag is not None:
        meaning = plan.rag_meaning(action.rag)
        pairs.append(("Council RAG", action.rag + (f" - {meaning}" if meaning else "")))
    if action.progress_note is not None:
        pairs.append(("Position", action.progress_note))
    for m in action.measures:
        values = [f"{k} {v}" for k, v in (("baseline", m.baseline), ("target", m.target),
                                          ("actual", m.actual)) if v is not None]
        pairs.append(("Measure", m.text + (f" ({', '.join(values)})" if values else "")))
    organisations = [lead.organisation for key in action.lead_keys for lead in plan.leads
                     if key is not None and lead.key == key and lead.organisation]
    if organisations:
        pairs.append(("Organisation", "; ".join(dict.fromkeys(organisations))))
    return pairs


@click.command()
@shared_options
@click.argument("ref", metavar="ID", shell_complete=complete_ids)
@pass_settings
def show(s: Settings, ref: str) -> None:
    """Everything about one action (3.1) or recommendation (3); PLAN:ID when ids repeat.

    \b
    Examples:
      planctl show 3.1
      planctl show thurrock-2012-slac:13.2 --format json
      planctl show 8           # recommendation 8 and its actions
    """
    fmt = output_format(s)
    loaded = open_plans(s, dates_from_git=True)  # show prints the completion date
    print_notes(loaded.notes)
    output(ShowResult(find(loaded.plans, ref), loaded.day), fmt, s)


@dataclass
class ShowResult:
    """One action, or one recommendation and its actions, as at `day`."""

    found: Found
    day: date
    shape: ClassVar[str] = "view"

    def data(self) -> dict[str, Any]:
        found, day = self.found, self.day
        if found.action is not None:
            return {"as_of": iso(day), "action": _action_detail(found.plan, found.action, day)[0]}
        rec = _recommendation(found)
        return {"as_of": iso(day), "recommendation": {
            "plan": found.plan.id, "id": rec.id, "text": rec.text,
            **({"ref": rec.cites} if rec.cites is not None else {}),
            "actions": [_action_detail(found.plan, a, day)[0] for a in rec.actions]}}

    def view(self) -> View:
        found, day = self.found, self.day
        cols = [Column("Field"), Column("Value", wrap=1)]
        if found.action is not None:
            _, pairs, status = _action_detail(found.plan, found.action, day)
            section = Section(None, cols)
            for k, v in pairs:
                section.add([k, v], status if k == "Status" else None)
            section.columns = [Column("Field"), Column("Value", wrap=1, status=True)]
            return View([section])
        rec = _recommendation(found)
        details = [_action_detail(found.plan, a, day) for a in rec.actions]
        head = Section(f"Recommendation {found.plan.id}:{rec.id}", cols)
        head.add(["Text", rec.text])
        if rec.cites is not None:
            head.add(["Ref", rec.cites])
        actions = Section("Actions", [Column("ID"), Column("Action", wrap=3),
                                      Column("Lead", wrap=1), Column("Due"),
                                      Column("Status", status=True)])
        for a, (data, _, status) in zip(rec.actions, details, strict=True):
            actions.add([a.id, a.text, "; ".join(a.leads), data["due"] or "", status], status)
        return View([head, actions])


def _recommendation(found: Found) -> Recommendation:
    """find gives an action or a recommendation: here, not an action."""
    assert found.recommendation is not None
    return found.recommendation
