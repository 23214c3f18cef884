"""Edit commands: done, start, drop, note, reschedule, assign (the work is in planctl.store.edits)."""

from __future__ import annotations

import click

from ..core.errors import PlanLoadError, UsageError, safe_text
from ..core.timescale import TimescaleError, parse_date
from .completers import complete_action_ids, complete_leads
from .options import load, settings, shared_options, today


def edit_options(f):
    for opt in reversed([
        click.option("--dry-run", is_flag=True, help="Print the change as a unified diff; write nothing."),
        click.option("--commit", is_flag=True,
                     help="Commit the plan file alone in git, with a message saying what changed."),
    ]):
        f = opt(f)
    return f


def _date(written: str | None, option: str):
    if written is None:
        return today()
    try:
        return parse_date(written)
    except TimescaleError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _run(ref: str, edit, dry_run: bool, commit: bool) -> None:
    from ..core.query import find
    from ..store import edits as core

    if settings().as_of:
        raise UsageError("--as-of reads old versions; edits change the working tree, so drop --as-of")
    if dry_run and commit:
        raise UsageError("--dry-run writes nothing, so there is nothing to --commit")
    loaded = load(allow_errors=True, dates_from_git=False)  # a broken plan elsewhere must not stop this edit
    try:
        found = find(loaded.plans, ref, actions_only=True)
    except UsageError:
        if loaded.errors:  # the action may be in a file that cannot be read: say why
            raise PlanLoadError(sorted(loaded.errors)) from None
        raise
    path, action_id = found.plan.path, found.action.id

    before = after = None
    committed: dict[str, str] = {}
    if commit:
        from ..store import gitstore

        def before(result):
            gitstore.check_can_commit(path)

        def after(result):
            body = "\n".join(filter(None, [result.body, f"Plan: {found.plan.id}, action {action_id}"]))
            committed["hash"] = gitstore.commit_file(path, f"{action_id}: {result.subject}", body)

    result = core.apply_file(path, action_id, edit, dry_run=dry_run, before_write=before,
                             after_write=after)
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


def _edit(kind: str, **fields):
    from ..store.edits import Edit

    return Edit(kind, **fields)


@click.command()
@shared_options
@edit_options
@click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
@click.option("--on", "on", metavar="DATE", help="When it was done (default: today).")
@click.option("--evidence", multiple=True, metavar="TEXT",
              help="What proves it: minutes, an audit report (repeatable).")
def done(ref, on, evidence, dry_run, commit):
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
    _run(ref, _edit("done", on=_date(on, "--on"), evidence=tuple(evidence)), dry_run, commit)


@click.command()
@shared_options
@edit_options
@click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
def start(ref, dry_run, commit):
    """Mark an action as in progress (`status: in-progress`).

    \b
    Examples:
      planctl start 4.1
      planctl start 4.1 --commit
    """
    _run(ref, _edit("start", on=_date(None, "--on")), dry_run, commit)


@click.command()
@shared_options
@edit_options
@click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
@click.option("--reason", required=True, metavar="TEXT", help="Why it is dropped (kept in its updates).")
@click.option("--on", "on", metavar="DATE", help="Date of the update (default: today).")
@click.option("--by", "by", metavar="NAME", help="Who decided.")
def drop(ref, reason, on, by, dry_run, commit):
    """Drop an action (`status: dropped`), recording the reason as an update.

    \b
    Examples:
      planctl drop 16.1 --reason "Same action as 15.1; tracked there"
      planctl drop 16.1 --reason "Superseded" --by "Head of CATO" --commit
    """
    _run(ref, _edit("drop", on=_date(on, "--on"), text=reason, by=by), dry_run, commit)


@click.command()
@shared_options
@edit_options
@click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
@click.argument("text")
@click.option("--on", "on", metavar="DATE", help="Date of the update (default: today).")
@click.option("--by", "by", metavar="NAME", help="Who reports it.")
def note(ref, text, on, by, dry_run, commit):
    """Add a dated progress update to an action (`updates:`).

    \b
    Examples:
      planctl note 3.1 "Audit fieldwork done; report drafted"
      planctl note 3.1 "Chased IRT for the sample" --on 20.9.12 --by "SM QA"
      planctl note 3.1 "Report to DMT on 1 Oct" --commit
    """
    _run(ref, _edit("note", on=_date(on, "--on"), text=text, by=by), dry_run, commit)


@click.command()
@shared_options
@edit_options
@click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
@click.argument("new_date", metavar="DATE")
@click.option("--reason", required=True, metavar="TEXT", help="Why it moves (kept in its updates).")
@click.option("--on", "on", metavar="DATE", help="Date of the update (default: today).")
@click.option("--by", "by", metavar="NAME", help="Who agreed the new date.")
def reschedule(ref, new_date, reason, on, by, dry_run, commit):
    """Move an action's next deadline, keeping the old one and the reason in its updates.

    The date inside the timescale is replaced ("By 14.9.12" -> "By 30.11.12"),
    written the way the old one was; an update "Rescheduled from <old> to
    <new>: <reason>" is added, so slippage is never hidden.

    \b
    Examples:
      planctl reschedule 3.1 30.11.12 --reason "Sample delayed by ICS upgrade"
      planctl reschedule 13.2 2012-12-01 --reason "LSCB meeting moved" --commit
    """
    _run(ref, _edit("reschedule", on=_date(on, "--on"), text=reason, by=by, value=new_date),
         dry_run, commit)


@click.command()
@shared_options
@edit_options
@click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
@click.argument("lead", metavar="LEAD", shell_complete=complete_leads)
def assign(ref, lead, dry_run, commit):
    """Give an action a new lead (`lead:`): a key, name or alias from `leads:`.

    A lead that is not in the plan's `leads:` is written as given, with a
    warning naming the nearest known lead.

    \b
    Examples:
      planctl assign 3.1 sm-qa
      planctl assign 3.1 "Service Manager QA" --commit
    """
    _run(ref, _edit("assign", on=_date(None, "--on"), value=lead), dry_run, commit)
