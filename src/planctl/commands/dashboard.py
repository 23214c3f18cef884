"""dashboard: every action in one self-contained page that members filter, sort and search."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import click

from ..core.errors import GitError, UsageError, safe_text
from ..core.jsondoc import JSONDict
from ..core.model import Plan
from ..loading.plans import Loaded, open_plans
from ..loading.settings import Settings
from .options import pass_settings, print_notes, select_plans, shared_options

FORMATS = ("html", "json")


def choose_format(written: str | None, output_path: str | None) -> str:
    """--format when given, else .json names JSON, else HTML (the page)."""
    if written:
        fmt = {"htm": "html"}.get(written.lower(), written.lower())
        if fmt not in FORMATS:
            raise UsageError(f"--format {written!r} is not available for dashboard; "
                             f"choose from {', '.join(FORMATS)}")
        return fmt
    if output_path and Path(output_path).suffix.lower() == ".json":
        return "json"
    return "html"


def read_history(loaded: Loaded, plans: Sequence[Plan], day: date
                 ) -> tuple[JSONDict | None, JSONDict | None]:
    """Each action's deadline moves, reassignments and status changes, and the trends (at
    each meeting tag, else each commit date), from one read of git; (None, None) when the
    plans are not in a git repository. Up to --as-of REV when one is given."""
    from ..history.sharing import SharedObjects
    from ..history.trail import meetings_seen
    from ..history.trends import TrendsBuilder
    from ..render.dashboard_history import action_histories
    from ..store import gitstore
    from .progress import progress

    rev = loaded.as_of.spec if loaded.as_of is not None and loaded.as_of.day is None else "HEAD"
    ids = {p.id for p in plans}
    try:
        found = gitstore.plan_versions(loaded.paths, rev, share=SharedObjects())
        tags = gitstore.meeting_tags(loaded.paths)
        # Read once, with a bar on a terminal: the walks below go over them several times.
        # A date in the past (--today, --as-of DATE): what was committed after it is not known.
        versions = [gitstore.Version(v.commit, tuple(p for p in v.plans if p.id in ids))
                    for v in progress(found.versions, len(found.versions), "Reading the history")
                    if v.commit is None or v.commit.date <= day]
    except GitError:
        return None, None
    for note in found.notes:
        click.echo(note, err=True)
    meetings, warnings = meetings_seen(tags, found.chain, day)
    for warning in warnings:
        click.echo(f"planctl: warning: {safe_text(warning, one_line=True)}", err=True)
    builder = TrendsBuilder(day, meetings, found.chain)
    for v in versions:
        builder.add(v)
    trends = builder.finish(plans).as_dict()
    return action_histories(versions, plans, day, found.shallow, len(found.chain)), trends


@click.command()
@shared_options
@click.option("-o", "--output", "output_path", type=click.Path(dir_okay=False, allow_dash=True),
              metavar="FILE",
              help="Write the page to FILE (atomically; missing folders are made) instead of "
                   "stdout; a .json name gives JSON. '-' is stdout.")
@click.option("--plan", "plan_ids", multiple=True, metavar="PLAN",
              help="Only this plan id (repeatable).")
@pass_settings
def dashboard(s: Settings, output_path: str | None, plan_ids: tuple[str, ...]) -> None:
    """Every action in one page to filter, sort and search, with each action's history.

    One self-contained HTML file: no network request of any kind, so it works
    opened from disk, as an email attachment or from a static web host. Filters
    (lead, recommendation, theme, status, rating, plan), search and sorting live
    in the address (#view?status=overdue), so a link opens the same view; clicking
    an action shows its texts, updates, measures and its history from git
    (deadline moves with their reasons, reassignments, completion). --format json
    gives the same data. See docs/dashboard.md.

    \b
    Examples:
      planctl dashboard -o dashboard.html
      planctl dashboard --plans examples/ -o public/index.html
      planctl dashboard --today 2012-10-09 -o members.html
      planctl dashboard --format json -o - | jq '.summary'
    """
    from ..render.dashboard import build_dashboard
    from .output import target_of, write
    from .report import refuse_plan_target

    target = target_of(output_path)
    fmt = choose_format(s.format, output_path)
    loaded = open_plans(s, dates_from_git=True)  # the page prints completion dates
    print_notes(loaded.notes)
    plans = select_plans(loaded.plans, plan_ids)
    if not plans:
        raise UsageError("no plans to show")
    if output_path is not None and not target.is_stream:
        refuse_plan_target(Path(output_path), loaded.paths, [p.path for p in loaded.plans],
                           "the dashboard")
    day = loaded.day
    history, trends = read_history(loaded, plans, day)
    rollup = None
    if len(plans) > 1:
        from ..core.rollup import rollup as rollup_of

        slipped = history["slipped_per_plan"] if history is not None else None
        rollup = [r.as_dict() for r in rollup_of(plans, day, slipped=slipped)]
    data = build_dashboard(plans, day, history=history, trends=trends, rollup=rollup)
    if fmt == "json":
        from ..render.report import render_json

        text = render_json(data)
    else:
        from ..render.dashboard_html import render

        text = render(data)
    write(target, text.encode("utf-8"), f"{fmt} dashboard")
