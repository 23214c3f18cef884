"""Read commands: status, overdue, upcoming, leads."""

from __future__ import annotations

from datetime import timedelta

import click

from ..core.evaluate import by_due_date, evaluate, most_late_first, summarise
from ..core.query import check_lead_names, filter_rows
from ..core.words import count
from ..render import emit, views
from ..render.json import json_out
from .completers import complete_leads
from .options import load, output_format, settings, shared_options, today


def filter_options(f):
    for opt in reversed([
        click.option("--lead", "leads", multiple=True, metavar="LEAD", shell_complete=complete_leads,
                     help="Only this lead (key, name or alias; repeatable)."),
        click.option("--rec", "recs", multiple=True, metavar="ID",
                     help="Only this recommendation (repeatable)."),
        click.option("--status", "statuses", multiple=True, metavar="STATUS",
                     help="Only this status: completed, dropped, overdue, due-soon, on-track, "
                          "no-date (repeatable)."),
        click.option("--body", "bodies", multiple=True, metavar="BODY",
                     help="Only actions reporting to this board, e.g. LSCB (repeatable)."),
        click.option("--plan", "plan_ids", multiple=True, metavar="PLAN",
                     help="Only this plan id (repeatable)."),
    ]):
        f = opt(f)
    return f


def _rows(leads=(), recs=(), statuses=(), bodies=(), plan_ids=()):
    result = load()
    day = today()
    check_lead_names(result.plans, leads)
    rows = filter_rows(evaluate(result.plans, day), leads, recs, statuses, bodies, plan_ids)
    return result.plans, rows, day


@click.command()
@shared_options
@filter_options
@click.option("--by-rec", is_flag=True, help="One row per recommendation, with counts.")
def status(leads, recs, statuses, bodies, plan_ids, by_rec):
    """Every action and its status as at today.

    \b
    Examples:
      planctl status
      planctl status --today 2012-10-09 --lead "Service Manager QA"
      planctl status --by-rec --format markdown > progress.md
      planctl status --format json | jq '.summary'
    """
    fmt = output_format()
    plans, rows, day = _rows(leads, recs, statuses, bodies, plan_ids)
    if by_rec:
        if fmt == "json":
            json_out({"as_of": day.isoformat(),
                      "recommendations": views.recommendation_rollup(rows),
                      "summary": summarise(rows).as_dict()})
        else:
            emit(views.rollup_view(rows, plans, day), fmt, settings().color)
        return
    if fmt == "json":
        json_out(views.actions_json(rows, day))
    else:
        emit(views.actions_view(rows, plans, day, "No actions match."), fmt, settings().color)


@click.command()
@shared_options
@filter_options
@click.option("--by-lead", is_flag=True, help="Group under each lead, with a count.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when anything is overdue (CI, cron).")
def overdue(leads, recs, statuses, bodies, plan_ids, by_lead, exit_code):
    """What is late, most late first.

    \b
    Examples:
      planctl overdue
      planctl overdue --by-lead --today 2012-10-09
      planctl overdue --lead "SM QA" --format csv > late.csv
      planctl overdue --exit-code || echo "something is late"
    """
    fmt = output_format()
    plans, rows, day = _rows(leads, recs, statuses, bodies, plan_ids)
    rows = most_late_first(r for r in rows if r.status == "overdue")
    if by_lead:
        if fmt == "json":
            json_out(views.by_lead_json(rows, day))
        else:
            emit(views.by_lead_view(rows, plans, day), fmt, settings().color)
    elif fmt == "json":
        json_out(views.actions_json(rows, day))
    else:
        view = views.actions_view(rows, plans, day, f"Nothing overdue as at {views.show_date(day)}.")
        view.summary = f"{count(len(rows), 'overdue action')} as at {views.show_date(day)}"
        emit(view, fmt, settings().color)
    if exit_code and rows:
        click.get_current_context().exit(1)


@click.command()
@shared_options
@filter_options
@click.option("--days", default=30, show_default=True, type=click.IntRange(min=0),
              help="How many days ahead to look.")
def upcoming(leads, recs, statuses, bodies, plan_ids, days):
    """Open actions due in the next N days, by date.

    \b
    Examples:
      planctl upcoming
      planctl upcoming --days 60 --body LSCB     # what must reach the LSCB
      planctl upcoming --today 2012-10-09 --format json
    """
    fmt = output_format()
    plans, rows, day = _rows(leads, recs, statuses, bodies, plan_ids)
    end = day + timedelta(days=days)
    rows = by_due_date(r for r in rows if r.open and r.due and day <= r.due <= end)
    if fmt == "json":
        json_out(views.actions_json(rows, day, days=days, until=end.isoformat()))
        return
    until = views.show_date(end)
    view = views.actions_view(rows, plans, day, f"Nothing due between now and {until}.")
    view.summary = f"{count(len(rows), 'action')} due from {views.show_date(day)} to {until}"
    emit(view, fmt, settings().color)


@click.command()
@shared_options
@click.option("--plan", "plan_ids", multiple=True, metavar="PLAN", help="Only this plan id.")
def leads(plan_ids):
    """Each lead with counts of open, overdue, due-soon and completed actions.

    \b
    Examples:
      planctl leads
      planctl leads --today 2012-10-09 --format csv
    """
    fmt = output_format()
    plans, rows, day = _rows(plan_ids=plan_ids)
    plans = [p for p in plans if not plan_ids or p.id in plan_ids]
    entries = views.leads_table(rows, plans)
    if fmt == "json":
        json_out({"as_of": day.isoformat(), "leads": entries})
    else:
        emit(views.leads_view(entries, day), fmt, settings().color)
