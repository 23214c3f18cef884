"""Edit commands: done, start, drop, note, reschedule, assign, rate, reopen, signoff, unsign,
add (the work is in planctl.store.edits)."""

from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..core.errors import PlanLoadError, UsageError, safe_text
from ..core.model import Plan
from ..core.timescale import TimescaleError, parse_day
from ..loading.plans import Loaded, open_plans
from ..loading.settings import Settings
from .completers import complete_action_ids, complete_leads, complete_recommendation_ids
from .options import pass_settings, shared_options, today

if TYPE_CHECKING:
    from ..store.edits import Edit, EditResult

    # store.edits' apply_file or add_file with the file and the change already given
    Apply = Callable[..., EditResult]

F = TypeVar("F", bound=Callable[..., Any])


def edit_options(f: F) -> F:
    for opt in reversed([
        click.option("--dry-run", is_flag=True, help="Print the change as a unified diff; write nothing."),
        click.option("--commit", is_flag=True,
                     help="Commit the plan file alone in git, with a message saying what changed."),
    ]):
        f = opt(f)
    return f


class TextCommand(click.Command):
    """A command taking free text as an argument. Click reads an argument that starts
    with '-' ("- met with partners") as an option; the error says how to write one."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, list(args))
        except click.NoSuchOption as exc:
            hint = _dash_hint(self, ctx, args, exc.option_name)
            if hint is None:
                raise
            raise click.UsageError(f"{exc.format_message().rstrip('.')}; {hint}", ctx) from None


_LONG_OPTION = re.compile(r"--[A-Za-z][A-Za-z0-9_-]*(?:=.*)?", re.S)


def _dash_hint(command: click.Command, ctx: click.Context, args: list[str], name: str) -> str | None:
    """How to write the text Click took for the option `name`, with the command line given
    rewritten: planctl note 1.2 -- '- met with partners'. None for a mistyped long option."""
    takes_value = {n for p in command.params if isinstance(p, click.Option) and not p.is_flag
                   for n in p.opts}
    at, skip = None, False
    for i, arg in enumerate(args):
        if arg == "--":
            return None
        if skip:
            skip = False
        elif arg.startswith(name):
            at = i
            break
        else:
            skip = arg in takes_value
    if at is None:
        return None
    token = args[at]
    if _LONG_OPTION.fullmatch(token):
        return None
    rest = ["planctl", ctx.info_name or "", *args[:at], *args[at + 1:], "--", token]
    example = " ".join(shlex.quote(a) for a in rest)
    return (f"{shlex.quote(token)} looks like an option: to write a text starting with '-', "
            f"put -- before it, after the options: {safe_text(example, one_line=True)}")


def _parse(written: str, option: str) -> date:
    try:
        return parse_day(written)
    except TimescaleError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _date(s: Settings, written: str | None, option: str) -> date:
    """The option's date, else the date to judge at (today)."""
    return today(s) if written is None else _parse(written, option)


def _loaded(s: Settings, dry_run: bool, commit: bool) -> Loaded:
    if s.as_of:
        raise UsageError("--as-of reads old versions; edits change the working tree, so drop --as-of")
    if dry_run and commit:
        raise UsageError("--dry-run writes nothing, so there is nothing to --commit")
    # A broken plan elsewhere must not stop this edit; the file is wanted as written.
    return open_plans(s, allow_errors=True, dates_from_git=False, judge=False)


def _run(s: Settings, ref: str, edit: Edit, dry_run: bool, commit: bool) -> None:
    from ..core.query import find
    from ..store import edits as core

    loaded = _loaded(s, dry_run, commit)
    try:
        found = find(loaded.plans, ref, actions_only=True)
    except UsageError:
        if loaded.errors:  # the action may be in a file that cannot be read: say why
            raise PlanLoadError(sorted(loaded.errors)) from None
        raise
    assert found.action is not None  # actions_only
    path, action_id = found.plan.path, found.action.id
    _write(s, found.plan, functools.partial(core.apply_file, path, action_id, edit), dry_run, commit)


def _write(s: Settings, plan: Plan, apply: Apply, dry_run: bool, commit: bool) -> None:
    """Run the change (under the file's lock), commit it if asked, and say what happened."""
    from ..store.cache import use_cache

    path = plan.path
    before: Callable[[EditResult], None] | None = None
    after: Callable[[EditResult], None] | None = None
    committed: dict[str, str] = {}
    if commit:
        from ..store import gitstore

        def check(result: EditResult) -> None:
            gitstore.check_can_commit(path)

        def commit_it(result: EditResult) -> None:
            subject, body = result.message(plan.id)
            committed["hash"] = gitstore.commit_file(path, subject, body)

        before, after = check, commit_it

    # The edit reads the file, and its result, through the parse cache (--no-cache reaches it).
    with use_cache(False if s.no_cache else None):
        result = apply(dry_run=dry_run, before_write=before, after_write=after)
    action_id = result.action_id
    for warning in result.warnings:
        click.echo(f"planctl: warning: {safe_text(warning)}", err=True)
    if dry_run:
        click.echo(safe_text(result.diff()), nl=False)
        if not result.changed:
            click.echo(f"{action_id}: nothing to change", err=True)
        return
    if not result.changed:
        click.echo(f"{action_id}: nothing to change ({safe_text(result.subject)})", err=True)
        return
    done = f"{action_id}: {result.subject} ({path})"
    if commit:
        done += f", committed {committed['hash']}"
    click.echo(safe_text(done), err=True)


def _edit(kind: str, on: date, *, text: str | None = None, evidence: tuple[str, ...] = (),
          by: str | None = None, value: str | None = None) -> Edit:
    from ..store.edits import Edit

    return Edit(kind, on, text=text, evidence=evidence, by=by, value=value)


@click.command()
@shared_options
@edit_options
@click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
@click.option("--on", "on", metavar="DATE", help="When it was done (default: today).")
@click.option("--evidence", multiple=True, metavar="TEXT",
              help="What proves it: minutes, an audit report (repeatable).")
@pass_settings
def done(s: Settings, ref: str, on: str | None, evidence: tuple[str, ...], dry_run: bool,
         commit: bool) -> None:
    """Record that an action (or its next milestone or report) is done.

    An ordinary action becomes `status: completed` with `completed: DATE`. A
    recurring action (`repeat:`) gets DATE added to `reported:`. An action with
    milestones gets its next open milestone marked done.

    \b
    Examples:
      planctl done 3.1 --on 1.10.12 --evidence "Audit report to DMT, 1 Oct 2012"
      planctl done 8.4 --on 2012-12-20          # a quarterly report made
      planctl done thurrock-2012-slac:3.1 --dry-run
      planctl done 3.1 --commit
    """
    given = _parse(on, "--on") if on is not None else None  # said before --today is read
    day = today(s)
    when = day if given is None else given
    if when > day:
        raise UsageError(f"--on {on}: {when:%d %B %Y} is after today ({day:%d %B %Y}); "
                         "a completion cannot be in the future (a typo in the year?)")
    _run(s, ref, _edit("done", on=when, evidence=tuple(evidence)), dry_run, commit)


@click.command()
@shared_options
@edit_options
@click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
@pass_settings
def start(s: Settings, ref: str, dry_run: bool, commit: bool) -> None:
    """Mark an action as in progress (`status: in-progress`).

    \b
    Examples:
      planctl start 4.1
      planctl start 4.1 --commit
    """
    _run(s, ref, _edit("start", on=_date(s, None, "--on")), dry_run, commit)


@click.command()
@shared_options
@edit_options
@click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
@click.option("--reason", required=True, metavar="TEXT", help="Why it is dropped (kept in its updates).")
@click.option("--on", "on", metavar="DATE", help="Date of the update (default: today).")
@click.option("--by", "by", metavar="NAME", help="Who decided.")
@pass_settings
def drop(s: Settings, ref: str, reason: str, on: str | None, by: str | None, dry_run: bool,
         commit: bool) -> None:
    """Drop an action (`status: dropped`), recording the reason as an update.

    \b
    Examples:
      planctl drop 16.1 --reason "Same action as 15.1; tracked there"
      planctl drop 16.1 --reason "Superseded" --by "Head of CATO" --commit
    """
    _run(s, ref, _edit("drop", on=_date(s, on, "--on"), text=reason, by=by), dry_run, commit)


@click.command(cls=TextCommand)
@shared_options
@edit_options
@click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
@click.argument("text")
@click.option("--on", "on", metavar="DATE", help="Date of the update (default: today).")
@click.option("--by", "by", metavar="NAME", help="Who reports it.")
@pass_settings
def note(s: Settings, ref: str, text: str, on: str | None, by: str | None, dry_run: bool,
         commit: bool) -> None:
    """Add a dated progress update to an action (`updates:`).

    \b
    Examples:
      planctl note 3.1 "Audit fieldwork done; report drafted"
      planctl note 3.1 "Chased IRT for the sample" --on 20.9.12 --by "SM QA"
      planctl note 3.1 "Report to DMT on 1 Oct" --commit
      planctl note 3.1 --by "SM QA" -- "- met with partners"   (a text starting with -)
    """
    _run(s, ref, _edit("note", on=_date(s, on, "--on"), text=text, by=by), dry_run, commit)


@click.command()
@shared_options
@edit_options
@click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
@click.argument("new_date", metavar="DATE")
@click.option("--reason", required=True, metavar="TEXT", help="Why it moves (kept in its updates).")
@click.option("--on", "on", metavar="DATE", help="Date of the update (default: today).")
@click.option("--by", "by", metavar="NAME", help="Who agreed the new date.")
@pass_settings
def reschedule(s: Settings, ref: str, new_date: str, reason: str, on: str | None, by: str | None,
               dry_run: bool, commit: bool) -> None:
    """Move an action's next deadline, keeping the old one and the reason in its updates.

    DATE is any form `due:` accepts ("30.11.12", "By end of January 2013").
    A bare date replaces the date inside the timescale, written the way the old
    one was ("By 14.9.12" -> "By 30.11.12"), or "By 30 November 2012" where the
    old one was not one day ("By end of March 2013"); what is written must read
    as the new date, or nothing is. An update "Rescheduled from <old> to <new>:
    <reason>" is added, so slippage is never hidden.

    \b
    Examples:
      planctl reschedule 3.1 30.11.12 --reason "Sample delayed by ICS upgrade"
      planctl reschedule 13.2 2012-12-01 --reason "LSCB meeting moved" --commit
      planctl reschedule 3.1 "By end of January 2013" --reason "Audit re-planned"
    """
    _run(s, ref, _edit("reschedule", on=_date(s, on, "--on"), text=reason, by=by, value=new_date),
         dry_run, commit)


@click.command(cls=TextCommand)
@shared_options
@edit_options
@click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
@click.argument("lead", metavar="LEAD", shell_complete=complete_leads)
@click.option("--reason", metavar="TEXT", help="Why the lead changes (kept in its updates).")
@click.option("--on", "on", metavar="DATE", help="Date of the update (default: today).")
@click.option("--by", "by", metavar="NAME", help="Who decided.")
@pass_settings
def assign(s: Settings, ref: str, lead: str, reason: str | None, on: str | None, by: str | None,
           dry_run: bool, commit: bool) -> None:
    """Give an action a new lead (`lead:`): a key, name or alias from `leads:`.

    A lead that is not in the plan's `leads:` is written as given, with a
    warning naming the nearest known lead. With --reason, an update
    "Reassigned from <old> to <new>: <reason>" is added too.

    \b
    Examples:
      planctl assign 3.1 sm-qa
      planctl assign 3.1 "Service Manager QA" --reason "FST restructured" --commit
    """
    _run(s, ref, _edit("assign", on=_date(s, on, "--on"), value=lead, text=reason, by=by), dry_run, commit)


@click.command()
@shared_options
@edit_options
@click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
@click.argument("colour", metavar="COLOUR",
                type=click.Choice(["red", "amber", "green", "blue", "r", "a", "g", "b"],
                                  case_sensitive=False))
@click.option("--reason", metavar="TEXT", help="Why the rating changes (kept in its updates).")
@click.option("--on", "on", metavar="DATE", help="Date of the update (default: today).")
@click.option("--by", "by", metavar="NAME", help="Who decided.")
@pass_settings
def rate(s: Settings, ref: str, colour: str, reason: str | None, on: str | None, by: str | None,
         dry_run: bool, commit: bool) -> None:
    """Set the council's own rating of an action (`rag:`): red, amber, green or blue.

    The rating is shown beside planctl's computed status, never instead of it;
    `planctl check` warns where they disagree (W130, W131). R, A, G and B are
    read as the colours; case does not matter. With --reason, an update
    "Rated <colour> (was <old>): <reason>" is added too.

    \b
    Examples:
      planctl rate 3.1 amber
      planctl rate 3.1 green --reason "Audit found 85% compliant" --commit
      planctl rate 3.1 B --dry-run
    """
    _run(s, ref, _edit("rate", on=_date(s, on, "--on"), value=colour, text=reason, by=by), dry_run,
         commit)


@click.command()
@shared_options
@edit_options
@click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
@click.option("--reason", required=True, metavar="TEXT", help="Why it is reopened (kept in its updates).")
@click.option("--on", "on", metavar="DATE", help="Date of the update (default: today).")
@click.option("--by", "by", metavar="NAME", help="Who decided.")
@pass_settings
def reopen(s: Settings, ref: str, reason: str, on: str | None, by: str | None, dry_run: bool,
           commit: bool) -> None:
    """Reopen a completed or dropped action: back to `status: in-progress`.

    `completed:` (and a sign-off, `signed_off:`) is removed; an update "Reopened (was completed on <date>):
    <reason>" keeps the old completion and says why.

    \b
    Examples:
      planctl reopen 3.1 --reason "Audit found the sample incomplete"
      planctl reopen 16.1 --reason "No longer covered by 15.1" --by "Head of CATO" --commit
    """
    _run(s, ref, _edit("reopen", on=_date(s, on, "--on"), text=reason, by=by), dry_run, commit)


@click.command()
@shared_options
@edit_options
@click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
@click.option("--by", "by", required=True, metavar="NAME",
              help="Who signs it off: a lead, a QA officer or a board.")
@click.option("--evidence", metavar="TEXT", help="What the sign-off rests on (a report, minutes).")
@click.option("--on", "on", metavar="DATE", help="When it was signed off (default: today).")
@pass_settings
def signoff(s: Settings, ref: str, by: str, evidence: str | None, on: str | None, dry_run: bool,
            commit: bool) -> None:
    """Record that a completed action has been checked and signed off (`signed_off:`).

    Completed is not the same as assured: a peer, the quality assurance team or
    the board checks the evidence and signs the action off. Only a completed
    action can be signed off, on or after the day it was completed. NAME may
    be anyone; a warning says when it is not one of the plan's leads or
    bodies, and `planctl check` warns (W140) when it is the action's own lead.
    With `plan.signoff: required`, a completed action is shown as "completed,
    awaiting sign-off" until it is signed off. `planctl unsign` (or `reopen`)
    removes the sign-off.

    \b
    Examples:
      planctl signoff 3.1 --by "QA Team" --evidence "Audit of 20 files, 3 Oct 2012"
      planctl signoff 3.1 --by LSCB --on 15.10.12 --commit
      planctl signoff thurrock-2012-slac:3.1 --by "Head of CATO" --dry-run
    """
    given = _parse(on, "--on") if on is not None else None
    day = today(s)
    when = day if given is None else given
    if when > day:
        raise UsageError(f"--on {on}: {when:%d %B %Y} is after today ({day:%d %B %Y}); "
                         "a sign-off cannot be in the future (a typo in the year?)")
    _run(s, ref, _edit("signoff", on=when, by=by, text=evidence), dry_run, commit)


@click.command()
@shared_options
@edit_options
@click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
@click.option("--reason", metavar="TEXT", help="Why the sign-off is withdrawn (kept in its updates).")
@click.option("--on", "on", metavar="DATE", help="Date of the update (default: today).")
@click.option("--by", "by", metavar="NAME", help="Who withdrew it.")
@pass_settings
def unsign(s: Settings, ref: str, reason: str | None, on: str | None, by: str | None,
           dry_run: bool, commit: bool) -> None:
    """Withdraw an action's sign-off (remove `signed_off:`); the action stays completed.

    With --reason, an update "Sign-off withdrawn (was signed off by <name> on
    <date>): <reason>" is added too. `planctl reopen` also removes a sign-off.

    \b
    Examples:
      planctl unsign 3.1
      planctl unsign 3.1 --reason "Signed off by the wrong board" --commit
    """
    _run(s, ref, _edit("unsign", on=_date(s, on, "--on"), text=reason, by=by), dry_run, commit)


@click.command(cls=TextCommand)
@shared_options
@edit_options
@click.argument("rec", metavar="REC", required=False, shell_complete=complete_recommendation_ids)
@click.argument("text", required=False)
@click.option("--recommendation", "new_rec", metavar="TEXT", help="Add a recommendation instead.")
@click.option("--due", metavar="TIMESCALE", help="When it is due, as `due:` is written ('By 31.3.13').")
@click.option("--lead", metavar="LEAD", shell_complete=complete_leads, help="Who must act.")
@click.option("--report-to", "report_to", multiple=True, metavar="BODY",
              help="Body it reports to (repeatable).")
@click.option("--id", "new_id", metavar="ID", help="Its id (default: the next free number).")
@click.option("--after", metavar="ID", shell_complete=complete_action_ids,
              help="Put it after this action.")
@click.option("--before", metavar="ID", shell_complete=complete_action_ids,
              help="Put it before this action.")
@click.option("--plan", "plan_id", metavar="PLAN",
              help="The plan, when there are several (for --recommendation).")
@pass_settings
def add(s: Settings, rec: str | None, text: str | None, new_rec: str | None, due: str | None,
        lead: str | None, report_to: tuple[str, ...], new_id: str | None, after: str | None,
        before: str | None, plan_id: str | None, dry_run: bool, commit: bool) -> None:
    """Add an action to a recommendation, or (--recommendation) a new recommendation.

    The action goes last in its recommendation (or --after/--before an action)
    with the next free number (3.4 after 3.3); no other action is renumbered:
    when it goes in before actions numbered by their position, those actions
    get their ids written out. Only new lines are written.

    \b
    Examples:
      planctl add 3 "Re-audit the sample" --due 31.3.13 --lead sm-fst --report-to DMT
      planctl add 3 "Brief the team first" --due 1.12.12 --lead sm-qa --before 3.1
      planctl add thurrock-2012-slac:5 "Quarterly report" --due "Quarterly from 31.12.12" --commit
      planctl add --recommendation "Improve the quality of supervision"
    """
    from ..store import edits as core

    if new_rec is not None:
        if rec is not None or text is not None or due or lead or report_to or after or before:
            raise UsageError("--recommendation takes its text and, optionally, --id and --plan; "
                             "add its actions with 'planctl add REC TEXT' afterwards")
        addition = core.Addition(new_rec, id=new_id)
        scope = plan_id
    else:
        if rec is None or text is None:
            raise UsageError("say which recommendation and the action's text: planctl add REC TEXT")
        if after and before:
            raise UsageError("give --after or --before, not both")
        scope, _, rec = rec.rpartition(":")
        scope = scope or plan_id
        addition = core.Addition(text, rec=rec, due=due, lead=lead, report_to=tuple(report_to),
                                 id=new_id, after=after and after.rpartition(":")[2],
                                 before=before and before.rpartition(":")[2])
    loaded = _loaded(s, dry_run, commit)
    plans = [p for p in loaded.plans if scope in (None, "", p.id)]
    if addition.rec is not None:
        plans = [p for p in plans if any(r.id == addition.rec for r in p.recommendations)]
    if len(plans) != 1:
        if loaded.errors:
            raise PlanLoadError(sorted(loaded.errors))
        where = f"recommendation {addition.rec!r}" if addition.rec is not None else "a plan"
        if not plans:
            raise UsageError(f"no {where} in the plans{f' (plan {scope!r})' if scope else ''}")
        raise UsageError(f"{where} is in several plans; say which: "
                         + ", ".join(f"{p.id}:{addition.rec}" if addition.rec else f"--plan {p.id}"
                                     for p in plans))
    plan = plans[0]
    _write(s, plan, functools.partial(core.add_file, plan.path, addition), dry_run, commit)
