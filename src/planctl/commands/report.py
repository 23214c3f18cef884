"""report: the committee progress report in Markdown, HTML, CSV, JSON, iCalendar, Excel or Word."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import click

from ..core.errors import UsageError, safe_text
from ..format.reader import load_text
from ..loading.plans import open_plans
from ..loading.settings import Settings
from ..render import report as core
from ..render.formats import FORMATS, names
from .options import output, pass_settings, print_notes, select_plans, shared_options

ROLLUP_FORMATS = ("html", "markdown", "docx", "json")  # the formats that show the roll-up
TRENDS_FORMATS = ("html", "json", "docx")  # the formats that show the trends from git


@dataclass
class ReportResult:
    """The report (render.report.build_report) and how the calendar form is wanted."""

    report: dict[str, Any]
    stamp: datetime  # when it was made: iCalendar's DTSTAMP and SEQUENCE
    ics_tasks: bool = False
    shape: ClassVar[str] = "report"


def choose_format(written: str | None, output: Path | None, stream: bool = False) -> str:
    """--format when given, else the output file's extension, else Markdown.

    stream: the output is standard output, a device or a pipe, which need no extension.
    """
    formats = [FORMATS[name] for name in names(ReportResult.shape)]
    if written:
        aliases = {alias: f.name for f in formats for alias in f.aliases}
        fmt = aliases.get(written.lower(), written.lower())
        if fmt not in names(ReportResult.shape):
            raise UsageError(f"--format {written!r} is not available for report; "
                             f"choose from {', '.join(names(ReportResult.shape))}")
        return fmt
    if output is not None:
        extensions = {ext: f.name for f in formats for ext in f.extensions}
        by_extension = extensions.get(output.suffix.lower())
        if by_extension is None and stream:
            return "markdown"
        if by_extension is None:
            raise UsageError(f"cannot tell the format from {str(output)!r}; name the file "
                             f"{', '.join(extensions)} or give --format")
        return by_extension
    return "markdown"


def refuse_plan_target(target: Path, plans_paths: list[Path], plan_files: list[str],
                       what: str = "the report") -> None:
    """Never let a report overwrite a plan: not a plan or comparison file, nothing under plans/."""
    real = target.resolve()
    for base in plans_paths:
        base_real = base.resolve()
        if real == base_real or (base_real.is_dir() and real.is_relative_to(base_real)):
            raise UsageError(f"refusing to write {what} to {str(target)!r}: it is in the plans "
                             f"folder {str(base)!r}; write it somewhere else")
    if any(real == Path(p).resolve() for p in plan_files):
        raise UsageError(f"refusing to overwrite the plan file {str(target)!r}")
    if real.is_file() and real.suffix.lower() in (".yaml", ".yml"):
        try:
            plan, _, is_comparison = load_text(real.read_bytes(), str(target))
        except OSError:
            return
        if plan is not None or is_comparison:
            raise UsageError(f"refusing to overwrite {str(target)!r}: it is a plan file")


@click.command()
@shared_options
@click.option("-o", "--output", "output_path", type=click.Path(dir_okay=False, allow_dash=True),
              metavar="FILE",
              help="Write to FILE (atomically; missing folders are made) instead of stdout; the "
                   "extension chooses the format: .md .html .csv .json .ics .xlsx .docx. '-' is "
                   "stdout; devices and pipes are written into; a symbolic link is refused.")
@click.option("--since", metavar="REV", help="Add what changed since this git revision or date "
                                            "(completed, slipped, added, dropped); 'last' (or "
                                            "'last:BODY'): the latest meeting tag before the "
                                            "as-at date (see 'planctl meeting').")
@click.option("--plan", "plan_ids", multiple=True, metavar="PLAN",
              help="Only this plan id (repeatable).")
@click.option("--ics-tasks", is_flag=True,
              help="iCalendar as tasks (VTODO) for task apps, instead of calendar events.")
@pass_settings
def report(s: Settings, output_path: str | None, since: str | None, plan_ids: tuple[str, ...],
           ics_tasks: bool) -> None:
    """The committee progress report: Markdown (default), HTML, CSV, JSON, iCalendar, Excel, Word.

    HTML is one self-contained page with charts, ready to print to PDF; xlsx is
    a workbook (actions, summary, changes) with ids kept as text; docx is the
    committee paper for Word; the iCalendar file puts each deadline into
    Outlook or Google Calendar as an all-day event (--ics-tasks: tasks). See
    docs/report.md.

    \b
    Examples:
      planctl report --today 2012-10-09
      planctl report -o committee.html              # open in a browser, print to PDF
      planctl report --format csv > actions.csv
      planctl report -o deadlines.ics
      planctl report -o actions.xlsx
      planctl report --since committee-2012-07 -o paper.docx
      planctl report --since committee-2012-07 -o progress.md
      planctl report --since last -o paper.docx     # since the last meeting tag
      pandoc progress.md -o progress.docx
    """
    from .output import refuse_binary_on_terminal, target_of

    target = target_of(output_path)
    fmt = choose_format(s.format, Path(output_path) if output_path is not None else None,
                        stream=target.is_stream)
    if ics_tasks and fmt != "ics":
        raise UsageError("--ics-tasks goes with --format ics")
    if FORMATS[fmt].binary:
        refuse_binary_on_terminal(fmt, target)
    loaded = open_plans(s, dates_from_git=True)  # the report prints completion dates
    print_notes(loaded.notes)
    day, paths = loaded.day, loaded.paths
    plans = select_plans(loaded.plans, plan_ids)
    if not plans:
        raise UsageError("no plans to report on")
    if output_path is not None and not target.is_stream:
        refuse_plan_target(Path(output_path), paths, [p.path for p in loaded.plans])
    if since:
        from .meeting import since_meeting

        since = since_meeting(since, day, paths, tuple(loaded.plans))
    changes = timeline = trends = slipped = None
    rollup = len(plans) > 1 and fmt in ROLLUP_FORMATS
    if since or fmt in TRENDS_FORMATS or rollup:
        from ..history import trail  # only reports that show the trail pay for git

        changes = core.changes_section(trail.since(paths, since, plans), plans, day) if since else None
        if fmt in TRENDS_FORMATS:  # one pass over the history gives both
            timeline, found, warnings = trail.timeline_and_trends(paths, plans, day)
            for warning in warnings:
                click.echo(f"planctl: warning: {safe_text(warning, one_line=True)}", err=True)
            timeline = timeline if fmt in ("html", "json") else None
            trends = found.as_dict(day=lambda d: d) if found is not None else None
        slipped = trail.slipped(paths, plans, day) if rollup else None
    report = core.build_report(plans, day, changes=changes, timeline=timeline, trends=trends,
                               slipped=slipped)
    output(ReportResult(report, datetime.now(UTC), ics_tasks), fmt, s, target, f"{fmt} report")
