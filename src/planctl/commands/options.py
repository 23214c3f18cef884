"""Options every command shares, and the few steps every command takes.

The shared options are accepted before or after the command name: each is
declared on the group and on every command, and whichever is given last wins.
Environment variables are read only when neither was given.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click

from ..core.errors import PlanLoadError, UsageError
from ..core.timescale import TimescaleError, date_or_none, parse_date
from ..format.loaded import LoadResult
from ..store.files import load_paths


@dataclass
class Settings:
    plans: tuple[str, ...] = ()
    today: str | None = None
    as_of: str | None = None
    format: str | None = None
    color: bool | None = None
    debug: bool = False
    no_cache: bool = False
    today_noted: bool = False


def pass_settings(f: Callable) -> Callable:
    """Give the command its Settings as the first argument (as todoman's pass_ctx): every
    step below the command takes them as an argument, never from Click's context."""
    @functools.wraps(f)
    def command(*args, **kwargs):
        s = click.get_current_context().find_root().ensure_object(Settings)
        return f(s, *args, **kwargs)

    return command


def _store(name: str):
    def callback(ctx: click.Context, param: click.Parameter, value):
        if value is None or value == ():
            return
        s = ctx.find_root().ensure_object(Settings)
        setattr(s, name, tuple(value) if isinstance(value, tuple) else value)

    return callback


def _no_cache(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:  # given before or after the command name: either turns the cache off
        ctx.find_root().ensure_object(Settings).no_cache = True


def shared_options(f: Callable) -> Callable:
    """--plans, --today, --as-of, --format and --color/--no-color, stored in Settings."""
    opts = [
        click.option("--plans", multiple=True, metavar="PATH", expose_value=False,
                     callback=_store("plans"),
                     help="Plan file or folder (repeatable). Env: PLANCTL_PLANS. "
                          "Default: ./plans, else plans/ at the git repository's root."),
        click.option("--today", metavar="DATE", expose_value=False, callback=_store("today"),
                     help="Judge statuses as at DATE (e.g. 2012-10-09 or 9.10.12). "
                          "Env: PLANCTL_TODAY."),
        click.option("--as-of", "as_of", metavar="DATE|REV", expose_value=False,
                     callback=_store("as_of"),
                     help="Read the plans as committed at a git revision or date."),
        click.option("--format", "format", metavar="FMT", expose_value=False,
                     callback=_store("format"),
                     help="Output format: table, json, csv or markdown "
                          "(report: also html, ics, xlsx, docx; status, overdue, upcoming: "
                          "also xlsx; see each command)."),
        click.option("--color/--no-color", default=None, expose_value=False,
                     callback=_store("color"),
                     help="Colour the table (default: only on a terminal; NO_COLOR turns it off)."),
        click.option("--no-cache", is_flag=True, expose_value=False, callback=_no_cache,
                     help="Parse every plan file again; do not read or write the parse cache "
                          "(~/.cache/planctl). Env: PLANCTL_NO_CACHE=1."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def output_format(s: Settings, shape: str = "view") -> str:
    """--format, refused unless the registry has a formatter for this shape of result."""
    from ..render.formats import choose

    return choose(shape, s.format)


def output(result, fmt: str, s: Settings, target=None, what: str = "") -> None:
    """Hand a command's result to the formatter registered for `fmt` (render/formats.py).

    target: an `-o` Output (commands/output.py), or None for stdout. Text formatters
    write to stdout (captured for a file); binary ones return bytes.
    """
    from ..render.formats import FORMATS, formatter

    draw = formatter(result.shape, fmt)
    binary = FORMATS[fmt].binary
    data = None
    if target is None and not binary:
        data = draw(result, s)  # text straight to stdout; no file machinery loaded
        if data is None:
            return
    from .output import captured_text, refuse_binary_on_terminal, target_of, write

    if target is None:
        target = target_of(None)
    if binary:
        refuse_binary_on_terminal(fmt, target)
    if data is None:
        with captured_text() as buffer:
            data = draw(result, s)
        if data is None:
            data = buffer.getvalue().encode("utf-8")
    write(target, data, what)


def find_git_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def plan_paths(s: Settings) -> list[Path]:
    if s.plans:
        return [Path(p) for p in s.plans]
    env = os.environ.get("PLANCTL_PLANS")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    if Path("plans").is_dir():
        return [Path("plans")]
    root = find_git_root(Path.cwd())
    if root is not None and (root / "plans").is_dir():
        return [root / "plans"]
    raise UsageError("no plans found: there is no ./plans folder here or at the root of this git "
                     "repository; give one with --plans PATH or PLANCTL_PLANS "
                     "(or start one with 'planctl init')")


def today(s: Settings) -> date:
    """The date statuses are judged against: --today, PLANCTL_TODAY, --as-of's date, the clock."""
    written = s.today or os.environ.get("PLANCTL_TODAY")
    source = "--today" if s.today else "PLANCTL_TODAY"
    if written:
        try:
            day = parse_date(written)
        except TimescaleError as exc:
            raise UsageError(f"{source}: {exc}") from None
        if s.today and not s.as_of and not s.today_noted:
            s.today_noted = True
            _note_later_commits(s, day)
        return day
    if s.as_of:
        try:
            return parse_date(s.as_of)
        except TimescaleError:
            from ..store.gitstore import as_of_date  # a revision: judged as at its commit date

            return as_of_date(s.as_of, plan_paths(s))
    return date.today()


def _note_later_commits(s: Settings, day: date) -> None:
    """--today judges the plans as they are now; say so when git holds changes made after it."""
    try:
        paths = plan_paths(s)
    except UsageError:
        return
    if not any(find_git_root(Path(p).absolute()) for p in paths):
        return  # not in git: no git call at all
    from ..store.gitstore import commits_on_both_sides

    if commits_on_both_sides(paths, day):
        click.echo(f"note: the plans were changed in git after {day.isoformat()}; those later "
                   "changes are included (--today only sets the date statuses are judged at); "
                   f"--as-of {day.isoformat()} shows the plans as they stood then", err=True)


def load(s: Settings, *, allow_errors: bool = False, dates_from_git: bool | None = None) -> LoadResult:
    """The plans, as in the working tree or as of a revision; errors stop the command.

    dates_from_git: fill in completion dates from git (False for edits and check, which
    need the file as written; True for show and report, which print them; None: when a
    past date is judged)."""
    paths = plan_paths(s)
    from ..store.cache import use_cache

    with use_cache(False if s.no_cache else None):
        if s.as_of:
            from ..store.gitstore import load_as_of  # only git commands pay for git

            result = load_as_of(paths, s.as_of)
        else:
            result = load_paths(paths)
    if result.errors and not allow_errors:
        raise PlanLoadError(sorted(result.errors))
    if dates_from_git is None:
        # The walk through git costs a history read: do it when a date in the past is judged
        # (a completion later than it must not count). No output of the commands that get
        # here prints a completion date (show and report ask for them), so JSON does not
        # need them: `overdue --format json` in a repository no longer reads its history.
        dates_from_git = bool(s.today or s.as_of or os.environ.get("PLANCTL_TODAY"))
    return _completion_dates_from_git(result, paths, s) if dates_from_git else result


def _completion_dates_from_git(result: LoadResult, paths: list[Path], s: Settings) -> LoadResult:
    """Actions marked completed without a date: the date of the commit that completed them,
    when the plans are in git (so --today before it does not count them completed)."""
    wanted = {(p.id, a.id) for p in result.plans for a in p.actions
              if a.progress == "completed" and a.completed is None}
    if not wanted or not any(find_git_root(Path(p).absolute()) for p in paths):
        return result
    import dataclasses

    from ..core.errors import GitError
    from ..history.completion import completion_dates
    from ..store.gitstore import plan_versions

    as_of_day = date_or_none(s.as_of) if s.as_of else None  # --as-of a date, else a revision
    try:
        history = plan_versions(paths, s.as_of if s.as_of and as_of_day is None else "HEAD")
        versions = history.versions
        if as_of_day is not None:
            versions = (v for v in versions if v.commit.date <= as_of_day)
        dates = completion_dates(versions, wanted)
    except GitError:
        return result
    if not dates:
        return result

    def fill(action):
        when = dates.get((action.plan, action.id))
        if when is None or action.completed is not None or action.progress != "completed":
            return action
        return dataclasses.replace(action, completed=when, completed_source="git")

    plans = tuple(dataclasses.replace(p, recommendations=tuple(
        dataclasses.replace(r, actions=tuple(fill(a) for a in r.actions)) for r in p.recommendations))
        for p in result.plans)
    return dataclasses.replace(result, plans=plans)


def date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """Click callback: an option's DATE, in any form `due` accepts."""
    if value is None:
        return None
    try:
        return parse_date(value)
    except TimescaleError as exc:
        raise click.BadParameter(str(exc)) from None


def select_plans(plans, plan_ids) -> list:
    """The plans named by --plan (all when none is named); an unknown id is a usage error."""
    plans = list(plans)
    if plan_ids:
        known = {p.id for p in plans}
        for pid in plan_ids:
            if pid not in known:
                raise UsageError(f"no plan {pid!r}; the plans are {', '.join(sorted(known))}")
        plans = [p for p in plans if p.id in plan_ids]
    return plans
