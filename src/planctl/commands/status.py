"""Read commands: status, overdue, upcoming, leads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import click
import msgspec

from ..core.errors import UsageError
from ..core.evaluate import Row, by_due_date, evaluate, most_late_first, summarise
from ..core.model import Plan
from ..core.query import citing, filter_rows, resolve_leads
from ..core.words import count
from ..loading.plans import open_plans
from ..loading.settings import Settings, plan_paths
from ..render import View, views
from ..render.formats import names
from .completers import complete_leads
from .options import output, output_format, pass_settings, print_notes, shared_options

F = TypeVar("F", bound=Callable[..., Any])
Names = tuple[str, ...]  # a repeatable option's values


def filter_options(f: F) -> F:
    for opt in reversed([
        click.option("--lead", "leads", multiple=True, metavar="LEAD", shell_complete=complete_leads,
                     help="Only this lead (key, name or alias; repeatable). Where a name is a "
                          "lead of several authorities: 'AUTHORITY:LEAD'."),
        click.option("--rec", "recs", multiple=True, metavar="ID",
                     help="Only this recommendation (repeatable)."),
        click.option("--status", "statuses", multiple=True, metavar="STATUS",
                     help="Only this status: completed, dropped, overdue, due-soon, on-track, "
                          "no-date (repeatable)."),
        click.option("--body", "bodies", multiple=True, metavar="BODY",
                     help="Only actions reporting to this board, e.g. LSCB (repeatable)."),
        click.option("--plan", "plan_ids", multiple=True, metavar="PLAN",
                     help="Only this plan id (repeatable)."),
        click.option("--ref", "refs", multiple=True, metavar="TEXT",
                     help="Only actions whose ref:, or their recommendation's, contains TEXT "
                          "(any case; repeatable), e.g. --ref 'para 4'."),
    ]):
        f = opt(f)
    return f


output_option = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), metavar="FILE",
    help="Write to FILE (atomically; as for report -o) instead of stdout; for --format xlsx.")


class Actions(msgspec.Struct):
    """Actions as at `day`: what status, overdue and upcoming return (shape "actions")."""

    rows: Sequence[Row]
    plans: Sequence[Plan]
    day: date
    shape: ClassVar[str] = "actions"
    sheet_name: ClassVar[str] = "Actions"

    def sheet(self) -> tuple[list[dict[str, Any]], str | None, str, str, date]:
        """The xlsx form: the report's Actions sheet with these rows."""
        from ..render.report import action_entry, marking

        title = self.plans[0].title if len(self.plans) == 1 else "Action plans"
        return ([action_entry(r, self.day) for r in self.rows], marking(self.plans), title,
                self.sheet_name, self.day)


class StatusResult(Actions):
    by_rec: bool = False
    by_theme: bool = False

    def view(self) -> View:
        if self.by_theme:
            return views.by_theme_view(self.rows, self.plans, self.day)
        if self.by_rec:
            return views.rollup_view(self.rows, self.plans, self.day)
        return views.actions_view(self.rows, self.plans, self.day, "No actions match.")

    def data(self) -> dict[str, Any]:
        if self.by_theme:
            return views.by_theme_json(self.rows, self.day)
        if self.by_rec:
            return {"as_of": self.day.isoformat(),
                    "recommendations": views.recommendation_rollup(self.rows),
                    "summary": summarise(self.rows).as_dict()}
        return views.actions_json(self.rows, self.day)


class OverdueResult(Actions):
    by_lead: bool = False
    sheet_name: ClassVar[str] = "Overdue"

    def view(self) -> View:
        if self.by_lead:
            return views.by_lead_view(self.rows, self.plans, self.day)
        day = views.show_date(self.day)
        view = views.actions_view(self.rows, self.plans, self.day, f"Nothing overdue as at {day}.")
        view.summary = f"{count(len(self.rows), 'overdue action')} as at {day}"
        return view

    def data(self) -> dict[str, Any]:
        if self.by_lead:
            return views.by_lead_json(self.rows, self.day)
        return views.actions_json(self.rows, self.day)


class UpcomingResult(Actions):
    days: int = 30
    sheet_name: ClassVar[str] = "Upcoming"

    @property
    def end(self) -> date:
        return self.day + timedelta(days=self.days)

    def view(self) -> View:
        until = views.show_date(self.end)
        view = views.actions_view(self.rows, self.plans, self.day,
                                  f"Nothing due between now and {until}.")
        view.summary = f"{count(len(self.rows), 'action')} due from {views.show_date(self.day)} to {until}"
        return view

    def data(self) -> dict[str, Any]:
        return views.actions_json(self.rows, self.day, days=self.days,
                                  until=self.end.isoformat())


class LeadsResult(msgspec.Struct):
    entries: list[dict[str, Any]]
    day: date
    shape: ClassVar[str] = "view"

    def view(self) -> View:
        return views.leads_view(self.entries, self.day)

    def data(self) -> dict[str, Any]:
        return {"as_of": self.day.isoformat(), "leads": self.entries}


def _finish(s: Settings, result: Actions, fmt: str, out: str | None) -> None:
    """To stdout, or to -o FILE (never a plan file)."""
    target = None
    if out is not None:
        from .output import target_of
        from .report import refuse_plan_target

        target = target_of(out)
        if not target.is_stream:
            refuse_plan_target(Path(out), plan_paths(s), [p.path for p in result.plans])
    output(result, fmt, s, target, f"{result.sheet_name.lower()} ({fmt})")


def _rows(s: Settings, leads: Names = (), recs: Names = (), statuses: Names = (),
          bodies: Names = (), plan_ids: Names = (),
          refs: Names = ()) -> tuple[tuple[Plan, ...], list[Row], date]:
    """Settings -> the plans and the date to judge at -> the rows the filters keep."""
    loaded = open_plans(s)
    print_notes(loaded.notes)
    # Names are looked up among the plans --plan keeps: a lead of two councils is not
    # ambiguous once one council's plan is chosen.
    scope = [p for p in loaded.plans if p.id in plan_ids] if plan_ids else loaded.plans
    wanted = resolve_leads(scope or loaded.plans, leads)
    rows = filter_rows(evaluate(loaded.plans, loaded.day), wanted, recs, statuses, bodies, plan_ids)
    if refs:
        rows = citing(rows, refs)
    return loaded.plans, rows, loaded.day


@click.command()
@shared_options
@filter_options
@click.option("--by-rec", is_flag=True, help="One row per recommendation, with counts.")
@click.option("--by-theme", is_flag=True,
              help="Group under each theme (themes: and a recommendation's theme:).")
@output_option
@pass_settings
def status(s: Settings, leads: Names, recs: Names, statuses: Names, bodies: Names,
           plan_ids: Names, refs: Names, by_rec: bool, by_theme: bool, output: str | None) -> None:
    """Every action and its status as at today.

    \b
    Examples:
      planctl status
      planctl status --today 2012-10-09 --lead "Service Manager QA"
      planctl status --by-rec --format markdown > progress.md
      planctl status --by-theme
      planctl status --ref "para 4"   # what answers paragraph 4 of the report
      planctl status --format json | jq '.summary'
      planctl status --format xlsx -o actions.xlsx
    """
    fmt = output_format(s, StatusResult.shape)
    if by_rec and fmt not in names("view"):
        raise UsageError("--by-rec has no xlsx form; 'planctl report -o FILE.xlsx' has a "
                         "Summary sheet with progress by recommendation")
    if by_rec and by_theme:
        raise UsageError("--by-rec and --by-theme are two different groupings; give one")
    if by_theme and fmt not in names("view"):
        raise UsageError("--by-theme has no xlsx form; 'planctl report' groups by theme")
    plans, rows, day = _rows(s, leads, recs, statuses, bodies, plan_ids, refs)
    _finish(s, StatusResult(rows, plans, day, by_rec, by_theme), fmt, output)


@click.command()
@shared_options
@filter_options
@click.option("--by-lead", is_flag=True, help="Group under each lead, with a count.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when anything is overdue (CI, cron).")
@output_option
@pass_settings
def overdue(s: Settings, leads: Names, recs: Names, statuses: Names, bodies: Names,
            plan_ids: Names, refs: Names, by_lead: bool, exit_code: bool, output: str | None) -> None:
    """What is late, most late first.

    \b
    Examples:
      planctl overdue
      planctl overdue --by-lead --today 2012-10-09
      planctl overdue --lead "SM QA" --format csv > late.csv
      planctl overdue --exit-code || echo "something is late"
      planctl overdue --ref "Reg 13"
      planctl overdue --format xlsx -o overdue.xlsx
    """
    fmt = output_format(s, OverdueResult.shape)
    plans, rows, day = _rows(s, leads, recs, statuses, bodies, plan_ids, refs)
    rows = most_late_first(r for r in rows if r.status == "overdue")
    _finish(s, OverdueResult(rows, plans, day, by_lead), fmt, output)
    if exit_code and rows:
        click.get_current_context().exit(1)


@click.command()
@shared_options
@filter_options
@click.option("--days", default=30, show_default=True, type=click.IntRange(min=0),
              help="How many days ahead to look.")
@output_option
@pass_settings
def upcoming(s: Settings, leads: Names, recs: Names, statuses: Names, bodies: Names,
             plan_ids: Names, refs: Names, days: int, output: str | None) -> None:
    """Open actions due in the next N days, by date.

    \b
    Examples:
      planctl upcoming
      planctl upcoming --days 60 --body LSCB     # what must reach the LSCB
      planctl upcoming --today 2012-10-09 --format json
      planctl upcoming --days 60 --format xlsx -o upcoming.xlsx
    """
    fmt = output_format(s, UpcomingResult.shape)
    plans, rows, day = _rows(s, leads, recs, statuses, bodies, plan_ids, refs)
    end = day + timedelta(days=days)
    rows = by_due_date(r for r in rows if r.open and r.due and day <= r.due <= end)
    _finish(s, UpcomingResult(rows, plans, day, days), fmt, output)


@click.command()
@shared_options
@click.option("--plan", "plan_ids", multiple=True, metavar="PLAN", help="Only this plan id.")
@pass_settings
def leads(s: Settings, plan_ids: Names) -> None:
    """Each lead with counts of open, overdue, due-soon and completed actions.

    A lead belongs to its plan's authority: "Head of Service" in two councils
    is two leads (shown with an Authority column when plans of several are
    read); two plan files of one council share theirs.

    \b
    Examples:
      planctl leads
      planctl leads --today 2012-10-09 --format csv
      planctl leads --plans examples/councils --today 2026-03-01
    """
    fmt = output_format(s)
    plans, rows, day = _rows(s, plan_ids=plan_ids)
    chosen = [p for p in plans if not plan_ids or p.id in plan_ids]
    output(LeadsResult(views.leads_table(rows, chosen), day), fmt, s)
