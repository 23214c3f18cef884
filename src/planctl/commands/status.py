"""Read commands: status, overdue, upcoming, leads."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from ..core.errors import UsageError
from ..core.evaluate import by_due_date, evaluate, most_late_first, summarise
from ..core.query import check_lead_names, filter_rows
from ..render import emit, views
from ..render.json import json_out
from .completers import complete_leads
from .options import FORMATS, load, output_format, plan_paths, settings, shared_options, today


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


ACTION_FORMATS = (*FORMATS, "xlsx")

output_option = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), metavar="FILE",
    help="Write to FILE (atomically; as for report -o) instead of stdout; for --format xlsx.")


def _finish(draw, fmt: str, output: str | None, rows, plans, day, sheet: str) -> None:
    """Draw the text formats to stdout or -o FILE; xlsx as the report's Actions sheet."""
    if output is None and fmt != "xlsx":
        draw()
        return
    from .output import captured_text, refuse_binary_on_terminal, target_of, write
    from .report import refuse_plan_target

    target = target_of(output)
    if not target.is_stream:
        refuse_plan_target(Path(output), plan_paths(), [p.path for p in plans])
    if fmt == "xlsx":
        refuse_binary_on_terminal(fmt, target)
        from ..render.report import action_entry, marking
        from ..render.report_xlsx import render_rows

        title = plans[0].title if len(plans) == 1 else "Action plans"
        data = render_rows([action_entry(r, day) for r in rows], marking(plans), title, sheet)
    else:
        with captured_text() as buffer:
            draw()
        data = buffer.getvalue().encode("utf-8")
    write(target, data, f"{sheet.lower()} ({fmt})")


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
@click.option("--by-theme", is_flag=True,
              help="Group under each theme (themes: and a recommendation's theme:).")
@output_option
def status(leads, recs, statuses, bodies, plan_ids, by_rec, by_theme, output):
    """Every action and its status as at today.

    \b
    Examples:
      planctl status
      planctl status --today 2012-10-09 --lead "Service Manager QA"
      planctl status --by-rec --format markdown > progress.md
      planctl status --by-theme
      planctl status --format json | jq '.summary'
      planctl status --format xlsx -o actions.xlsx
    """
    fmt = output_format(ACTION_FORMATS)
    if by_rec and fmt == "xlsx":
        raise UsageError("--by-rec has no xlsx form; 'planctl report -o FILE.xlsx' has a "
                         "Summary sheet with progress by recommendation")
    if by_rec and by_theme:
        raise UsageError("--by-rec and --by-theme are two different groupings; give one")
    if by_theme and fmt == "xlsx":
        raise UsageError("--by-theme has no xlsx form; the xlsx has a Theme column when "
                         "the plan has themes")
    plans, rows, day = _rows(leads, recs, statuses, bodies, plan_ids)

    def draw():
        if by_theme:
            if fmt == "json":
                json_out(views.by_theme_json(rows, day))
            else:
                emit(views.by_theme_view(rows, plans, day), fmt, settings().color)
        elif by_rec:
            if fmt == "json":
                json_out({"as_of": day.isoformat(),
                          "recommendations": views.recommendation_rollup(rows),
                          "summary": summarise(rows).as_dict()})
            else:
                emit(views.rollup_view(rows, plans, day), fmt, settings().color)
        elif fmt == "json":
            json_out(views.actions_json(rows, day))
        else:
            emit(views.actions_view(rows, plans, day, "No actions match."), fmt, settings().color)

    _finish(draw, fmt, output, rows, plans, day, "Actions")


@click.command()
@shared_options
@filter_options
@click.option("--by-lead", is_flag=True, help="Group under each lead, with a count.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when anything is overdue (CI, cron).")
@output_option
def overdue(leads, recs, statuses, bodies, plan_ids, by_lead, exit_code, output):
    """What is late, most late first.

    \b
    Examples:
      planctl overdue
      planctl overdue --by-lead --today 2012-10-09
      planctl overdue --lead "SM QA" --format csv > late.csv
      planctl overdue --exit-code || echo "something is late"
      planctl overdue --format xlsx -o overdue.xlsx
    """
    fmt = output_format(ACTION_FORMATS)
    plans, rows, day = _rows(leads, recs, statuses, bodies, plan_ids)
    rows = most_late_first(r for r in rows if r.status == "overdue")

    def draw():
        if by_lead:
            if fmt == "json":
                json_out(views.by_lead_json(rows, day))
            else:
                emit(views.by_lead_view(rows, plans, day), fmt, settings().color)
        elif fmt == "json":
            json_out(views.actions_json(rows, day))
        else:
            view = views.actions_view(rows, plans, day,
                                      f"Nothing overdue as at {views.show_date(day)}.")
            view.summary = f"{len(rows)} overdue actions as at {views.show_date(day)}"
            emit(view, fmt, settings().color)

    _finish(draw, fmt, output, rows, plans, day, "Overdue")
    if exit_code and rows:
        click.get_current_context().exit(1)


@click.command()
@shared_options
@filter_options
@click.option("--days", default=30, show_default=True, type=click.IntRange(min=0),
              help="How many days ahead to look.")
@output_option
def upcoming(leads, recs, statuses, bodies, plan_ids, days, output):
    """Open actions due in the next N days, by date.

    \b
    Examples:
      planctl upcoming
      planctl upcoming --days 60 --body LSCB     # what must reach the LSCB
      planctl upcoming --today 2012-10-09 --format json
      planctl upcoming --days 60 --format xlsx -o upcoming.xlsx
    """
    fmt = output_format(ACTION_FORMATS)
    plans, rows, day = _rows(leads, recs, statuses, bodies, plan_ids)
    end = day + timedelta(days=days)
    rows = by_due_date(r for r in rows if r.open and r.due and day <= r.due <= end)

    def draw():
        if fmt == "json":
            json_out(views.actions_json(rows, day, days=days, until=end.isoformat()))
            return
        until = views.show_date(end)
        view = views.actions_view(rows, plans, day, f"Nothing due between now and {until}.")
        view.summary = f"{len(rows)} actions due from {views.show_date(day)} to {until}"
        emit(view, fmt, settings().color)

    _finish(draw, fmt, output, rows, plans, day, "Upcoming")


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
