"""returns: a lead's actions as a spreadsheet to fill in (make) and read back (apply).

The workbook's layout is core/returns.py; docs/returns.md has the quarterly cycle.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..core.errors import OutputError, UsageError, safe_text
from ..loading.asat import as_at
from ..loading.plans import open_plans
from ..loading.settings import Settings
from .completers import complete_leads
from .options import date_option, pass_settings, print_notes, shared_options

if TYPE_CHECKING:
    from ..render.returns_xlsx import LeadReturn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def returns() -> None:
    """Quarterly returns: a spreadsheet per lead, filled in and read back.

    `returns make` writes each lead a workbook of their open actions to fill
    in (progress, a rating, a completion date, a new date and its reason,
    evidence); the lead replies with it attached; `returns apply` reads it
    back into the plan. See docs/returns.md.

    \b
    Examples:
      planctl returns make -o returns/ --by 2026-01-16
      planctl returns make --lead "HoS Ops" -o returns/
      planctl remind --from plans@council.example --attach-returns --save-to outbox/
    """


def cut_returns(s: Settings, leads: tuple[str, ...], day: date | None = None,
                plan_ids: tuple[str, ...] = ()) -> tuple[list[LeadReturn], str, date]:
    """Each lead's return from the plans as committed at HEAD (refused when the plan files
    differ from it), the commit's id and the day the returns are made (--today)."""
    from ..core.query import resolve_leads
    from ..render.returns_xlsx import lead_returns
    from ..store.returns.source import source_commit
    from .options import select_plans

    if s.as_of:
        raise UsageError("a return is cut from the plans as committed now; --as-of does not "
                         "apply (check out that commit instead)")
    loaded = open_plans(s, judge=False)
    plans = select_plans(loaded.plans, plan_ids)
    commit = source_commit(loaded.paths)
    if day is None:  # else the caller has worked it out, and said its notes
        at = as_at(s, None, loaded.paths)
        print_notes(at.notes)
        day = at.day
    made = day
    wanted = resolve_leads(plans, leads)
    return lead_returns(plans, made, [str(p) for p in loaded.paths], wanted), commit, made


@returns.command("make")
@shared_options
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=Path("returns"), show_default=True, metavar="DIR",
              help="The folder to write the returns to (made if missing).")
@click.option("--lead", "leads", multiple=True, metavar="LEAD", shell_complete=complete_leads,
              help="Only this lead (key, name or alias; repeatable).")
@click.option("--by", "by", metavar="DATE", callback=date_option,
              help="The day the returns are wanted back (said on their first sheet).")
@click.option("--plan", "plan_ids", multiple=True, metavar="PLAN",
              help="Only this plan id (repeatable).")
@pass_settings
def make(s: Settings, folder: Path, leads: tuple[str, ...], by: date | None,
         plan_ids: tuple[str, ...]) -> None:
    """Write one xlsx return per lead with that lead's open actions.

    One workbook per lead (named by the lead's key and name, e.g.
    hos-ops-head-of-operations.xlsx), one row per action not completed or
    dropped, across every plan file; an action with two leads is in both
    returns. The lead fills in Progress update, Rating, Completed on, New due
    date, Reason for new date and Evidence; planctl's columns are locked.
    Statuses are as at today (or --today). The return records the commit it
    was cut from, so the plans must be committed: uncommitted changes are
    refused (exit 4), as are plans not in git. With --format json, a summary
    of what was written on stdout. Exit codes: 0 written; 2 bad usage; 3 the
    plans cannot be read; 4 not committed or not in git; 5 cannot write.

    \b
    Examples:
      planctl returns make -o returns/ --by 2026-01-16
      planctl returns make --lead "HoS Ops" --lead sian -o returns/
      planctl returns make --today 2026-01-02 --format json
    """
    fmt = s.format or "table"
    if fmt not in ("table", "json"):
        raise UsageError(f"--format {fmt}: returns make prints table or json (the returns "
                         "themselves are always xlsx)")
    rets, commit, made = cut_returns(s, leads, None, plan_ids)
    if by is not None and by < made:
        raise UsageError(f"--by {by.isoformat()} is before the day the returns are made "
                         f"({made.isoformat()})")
    written = write_returns(folder, rets, commit, made, by)
    if not rets:
        click.echo("note: no lead has an open action: no returns written", err=True)
    if fmt == "json":
        click.echo(json.dumps({
            "commit": commit, "made": made.isoformat(), "by": by.isoformat() if by else None,
            "folder": str(folder),
            "returns": [{"lead": r.key, "name": r.name, "file": str(path),
                         "actions": len(r.rows), "emails": list(r.emails)}
                        for r, path in written]}, ensure_ascii=False, indent=2))


def write_returns(folder: Path, rets: list[LeadReturn], commit: str, made: date,
                  by: date | None) -> list[tuple[LeadReturn, Path]]:
    """Each return written atomically into `folder`; one line each on stderr."""
    from ..render.returns_xlsx import render_all
    from ..store.atomic import atomic_write

    out = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for ret, data in render_all(rets, commit, made, by):
            path = folder / ret.file_name
            atomic_write(path, data)
            out.append((ret, path))
            n = len(ret.rows)
            click.echo(f"wrote the return for {safe_text(ret.name, one_line=True)} ({n} action"
                       f"{'s' if n != 1 else ''}) to {safe_text(str(path), one_line=True)}",
                       err=True)
    except BrokenPipeError:
        raise  # stderr's reader went away (| head): a closed pipe, not a folder unwritable
    except OSError as exc:
        raise OutputError(f"cannot write to {str(folder)!r}: {exc.strerror or exc}") from None
    return out


from .returns_apply import apply  # noqa: E402 - the group's second command, in its own module

returns.add_command(apply)
