"""remind: email each lead their overdue and due-soon actions (SMTP, or .eml files)."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..core.errors import OutputError, PlanctlError, UsageError, safe_text
from ..core.model import Plan
from ..loading.asat import as_at
from ..loading.plans import open_plans
from ..loading.settings import Settings
from .completers import complete_leads
from .options import date_option, pass_settings, print_notes, select_plans, shared_options

if TYPE_CHECKING:
    from email.headerregistry import Address
    from email.message import EmailMessage

    from ..render.reminders import Attached, Reminder

    Ready = tuple[Reminder, EmailMessage]  # a lead's reminder and its message
    Unsent = tuple[Reminder, str]  # a lead not reminded, and why

_PRINT = "\x00print"  # --dry-run given alone (no file name holds NUL)
TIMEOUT = 30  # seconds for each step with the SMTP server: a dead server never hangs CI
PASSWORD_ENV = "PLANCTL_SMTP_PASSWORD"


class RemindFailed(PlanctlError):
    """Some lead with something due was not reminded (exit 1, after the summary)."""

    exit_code = 1


def _address(name: str, addr: str, what: str) -> Address:
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    from ..render.reminders import one_line

    if safe_text(addr, one_line=True) != addr:  # a CR/LF adds a header; bidi hides the domain
        raise ValueError(f"{what} '{safe_text(addr, one_line=True)}' holds a control character "
                         "(a line break, tab, escape or bidi control)")
    try:
        return Address(display_name=one_line(name, 120), addr_spec=addr.strip())
    except (ValueError, HeaderParseError):
        raise ValueError(f"{what} {safe_text(addr, one_line=True)!r} is not an email "
                         "address") from None


def _server(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"--smtp {value!r}: give HOST:PORT, e.g. smtp.example.org:587")
    return host.strip("[]"), int(port)


def _slug(text: str) -> str:
    from ..core.names import fold_name

    # Accents dropped, not the letters: Siân -> sian, not si-n.
    return re.sub(r"[^a-z0-9]+", "-", fold_name(text)).strip("-")[:60] or "lead"


@click.command()
@shared_options
@click.option("--smtp", "smtp", metavar="HOST:PORT", envvar="PLANCTL_SMTP",
              help="The SMTP server. Env: PLANCTL_SMTP.")
@click.option("--starttls", is_flag=True, help="Switch to TLS (STARTTLS) before sending.")
@click.option("--user", metavar="USER", help=f"Log in as USER; the password is read from "
                                             f"{PASSWORD_ENV}, never from a flag.")
@click.option("--from", "sender", metavar="ADDRESS", required=True,
              help="The From address, e.g. plans@council.example.")
# `--dry-run` is a flag, as in every other command; `--dry-run DIR` (planctl 0.2, where it
# wrote files) still works, with a warning: the option takes a value only when one follows
# it, and remind takes no argument, so a word after it can only be that old folder.
@click.option("--dry-run", "dry_run", is_flag=False, flag_value=_PRINT, default=None, metavar="",
              help="Print each email that would be sent; send nothing.")
@click.option("--save-to", "save_to", type=click.Path(file_okay=False, path_type=Path),
              metavar="DIR", help="Write each email to DIR as a .eml file instead of sending.")
@click.option("--lead", "leads", multiple=True, metavar="LEAD", shell_complete=complete_leads,
              help="Only this lead (key, name or alias; repeatable).")
@click.option("--days", default=14, show_default=True, type=click.IntRange(min=0),
              help="Open actions due within this many days are 'due soon'.")
@click.option("--plan", "plan_ids", multiple=True, metavar="PLAN",
              help="Only this plan id (repeatable).")
@click.option("--attach-returns", "attach", is_flag=True,
              help="Attach each lead's return (as 'returns make' cuts it) and email every lead "
                   "with an open action; the plans must be committed.")
@click.option("--by", "by", metavar="DATE", callback=date_option,
              help="With --attach-returns: the day the returns are wanted back.")
@click.option("--with-commands", "commands", is_flag=True,
              help="Show the planctl commands to record progress (for leads who use planctl); "
                   "by default the emails hold none.")
@pass_settings
def remind(s: Settings, smtp: str | None, starttls: bool, user: str | None, sender: str,
           dry_run: str | None, save_to: Path | None, leads: tuple[str, ...], days: int,
           plan_ids: tuple[str, ...], attach: bool, by: date | None, commands: bool) -> None:
    """Email each lead one reminder of their overdue and due-soon actions.

    Each email (text and HTML) lists the lead's actions with id, text, due date
    and days late, and asks for progress in plain words (no planctl or git
    commands unless --with-commands). With --attach-returns every lead with an
    open action gets their return attached (docs/returns.md), cut from the
    plans as committed (uncommitted changes are refused, exit 4), and is asked
    to fill it in and reply with it attached. The addresses come from the
    plan's leads: (`email:`). Leads with something due but no usable address
    are listed, and make the exit code 1. Run it weekly from CI: see
    docs/remind.md. Exit codes: 0 every reminder sent (or written); 1 some lead
    could not be reminded; 2 bad usage, plans or server.

    \b
    Examples:
      planctl remind --from plans@council.example --dry-run
      planctl remind --from plans@council.example --save-to outbox/
      planctl remind --from plans@council.example --smtp smtp.council.example:587 \\
          --starttls --user plans        # password in PLANCTL_SMTP_PASSWORD
      PLANCTL_SMTP=localhost:25 planctl remind --from plans@council.example --lead "SM QA"
      planctl remind --from plans@council.example --attach-returns --by 2026-01-16 \\
          --save-to outbox/
    """
    if by is not None and not attach:
        raise UsageError("--by is the day the returns are wanted back: give it with "
                         "--attach-returns")
    save_to = _folder(dry_run, save_to)
    rehearse = dry_run is not None or save_to is not None
    server, password, from_addr = _delivery(smtp, rehearse, user, sender)
    loaded = open_plans(s, judge=False)
    plans = select_plans(loaded.plans, plan_ids)  # an unknown --plan is said before --today
    at = as_at(s, loaded.as_of, loaded.paths)
    print_notes(at.notes)
    returns = _returns(s, leads, at.day, by, plan_ids) if attach else None
    ready, unreachable = _compose(plans, at.day, days, leads, from_addr, returns, commands)
    failed: list[Unsent] = []
    if save_to is not None:
        _write_all(save_to, ready)
    elif dry_run is not None:
        _print_all(ready)
    elif ready:
        assert server is not None  # _delivery: sending needs --smtp
        failed = _send_all(server, starttls, user, password, ready)
    verb = "written" if save_to is not None else "would be sent" if rehearse else "sent"
    _summary(ready, failed, unreachable, verb, save_to, at.day)
    if failed or unreachable:
        what = "a return" if attach else "overdue or due-soon actions"
        raise RemindFailed(f"{len(failed) + len(unreachable)} lead(s) with {what} were not "
                           "reminded (listed above)")


def _folder(dry_run: str | None, save_to: Path | None) -> Path | None:
    """Where to write the emails: --save-to, or the folder of the old `--dry-run DIR`."""
    if dry_run is None or dry_run == _PRINT:
        return save_to
    click.echo(f"planctl: warning: '--dry-run DIR' is deprecated: use '--save-to "
               f"{safe_text(dry_run, one_line=True)}' ('--dry-run' alone prints the emails)",
               err=True)
    if save_to is not None and save_to != Path(dry_run):
        raise UsageError(f"--dry-run {dry_run!r} and --save-to {str(save_to)!r} name two "
                         "folders; give --save-to DIR only")
    return Path(dry_run)


def _delivery(smtp: str | None, rehearse: bool, user: str | None,
              sender: str) -> tuple[tuple[str, int] | None, str | None, Address]:
    """The server (None when nothing is sent), the password and the From address; usage
    errors before anything is read."""
    if not rehearse and not smtp:
        raise UsageError("give --smtp HOST:PORT (or PLANCTL_SMTP); or --dry-run to print the "
                         "emails, or --save-to DIR to write them to files")
    server = _server(smtp) if not rehearse and smtp else None
    password = os.environ.get(PASSWORD_ENV)
    if server and user and not password:
        raise UsageError(f"--user {user!r} needs the password in the environment variable "
                         f"{PASSWORD_ENV}")
    try:
        return server, password, _address("", sender, "--from")
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _returns(s: Settings, leads: tuple[str, ...], day: date, by: date | None,
             plan_ids: tuple[str, ...]) -> dict[str, Attached]:
    """Each lead's return (as `returns make` cuts it), by the lead's name."""
    from ..render.reminders import Attached
    from ..render.returns_xlsx import render
    from .returns import cut_returns

    if by is not None and by < day:
        raise UsageError(f"--by {by.isoformat()} is before the day the returns are made "
                         f"({day.isoformat()})")
    rets, commit, made = cut_returns(s, leads, day, plan_ids)
    return {r.name: Attached(r.file_name, render(r, commit, made, by), len(r.rows), by)
            for r in rets}


def _compose(plans: list[Plan], day: date, days: int, leads: tuple[str, ...],
             from_addr: Address, returns: dict[str, Attached] | None = None,
             commands: bool = False) -> tuple[list[Ready], list[Unsent]]:
    """Each lead's message, and the leads that cannot be reminded (and why). With returns,
    every lead with a return is written to, whether or not anything is due."""
    from ..core.query import resolve_leads
    from ..render.reminders import Reminder, message, plan_reminders

    reminders = plan_reminders(plans, day, days, resolve_leads(plans, leads))
    if returns is not None:
        known = {rem.lead for rem in reminders}
        emails = _emails(plans)
        reminders += [Reminder(name, list(emails.get(name, ()))) for name in returns
                      if name not in known]
        reminders.sort(key=lambda r: r.lead.casefold())
    now = datetime.now(UTC)
    ready: list[Ready] = []
    unreachable: list[Unsent] = []
    for rem in reminders:
        if rem.lead == "(no lead)":
            unreachable.append((rem, "actions with no lead: give them a lead in the plan"))
            continue
        if not rem.emails:
            unreachable.append((rem, "no email: add one under leads: in the plan"))
            continue
        try:
            to = [_address(rem.lead, e, "email") for e in rem.emails]
        except ValueError as exc:
            unreachable.append((rem, f"{exc}; correct it under leads: in the plan"))
            continue
        attached = returns.get(rem.lead) if returns is not None else None
        ready.append((rem, message(rem, to, from_addr, plans, day, days, now, attached,
                                   commands)))
    return ready, unreachable


def _emails(plans: list[Plan]) -> dict[str, list[str]]:
    """Each lead's addresses (by name) across the plans' leads:."""
    out: dict[str, list[str]] = {}
    for plan in plans:
        for lead in plan.leads:
            if lead.email and lead.email not in out.setdefault(lead.name, []):
                out[lead.name].append(lead.email)
    return out


def _summary(ready: list[Ready], failed: list[Unsent], unreachable: list[Unsent],
             verb: str, folder: Path | None, day: date) -> None:
    """One line per lead (sent, NOT sent, NOT reminded), then the counts."""
    not_sent = {id(rem) for rem, _ in failed}
    for rem, _ in ready:
        if id(rem) in not_sent:
            continue
        click.echo(f"{verb}: {safe_text(rem.lead, one_line=True)} "
                   f"<{safe_text(', '.join(rem.emails), one_line=True)}>: "
                   f"{rem.count}")
    for rem, why in failed:
        click.echo(f"NOT sent: {safe_text(rem.lead, one_line=True)}: {rem.count}; {why}")
    for rem, why in unreachable:
        click.echo(f"NOT reminded: {safe_text(rem.lead, one_line=True)}: {rem.count}; "
                   f"{safe_text(why, one_line=True)}")
    done = len(ready) - len(failed)
    where = f" to {safe_text(str(folder))}" if folder is not None else ""
    click.echo(f"{done} reminder{'s' if done != 1 else ''} {verb}{where}; "
               f"{len(failed) + len(unreachable)} lead(s) not reminded; as at {day:%d/%m/%Y}")


def _print_all(ready: list[Ready]) -> None:
    """Each email as it would be sent: its addresses, subject and text (the HTML part says
    the same)."""
    for _, msg in ready:
        body = msg.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        files = "".join(f"Attached: {safe_text(part.get_filename() or '', one_line=True)}\n"
                        for part in msg.iter_attachments())
        click.echo(f"To: {safe_text(str(msg['To']), one_line=True)}\n"
                   f"Subject: {safe_text(str(msg['Subject']), one_line=True)}\n{files}\n{text}")


def _write_all(folder: Path, ready: list[Ready]) -> None:
    from ..store.atomic import atomic_write

    try:
        folder.mkdir(parents=True, exist_ok=True)
        for n, (rem, msg) in enumerate(ready, 1):
            atomic_write(folder / f"{n:02d}-{_slug(rem.lead)}.eml", msg.as_bytes())
    except OSError as exc:
        raise OutputError(f"cannot write to {str(folder)!r}: {exc.strerror or exc}") from None


def _send_all(server: tuple[str, int], starttls: bool, user: str | None, password: str | None,
              ready: list[Ready]) -> list[Unsent]:
    """Send each message on one connection; a message the server refuses is recorded and
    the rest still go. Returns [(reminder, why)] for those not sent."""
    import smtplib
    import ssl

    host, port = server
    failed: list[Unsent] = []
    try:
        smtp = smtplib.SMTP(host, port, timeout=TIMEOUT)
    except (OSError, smtplib.SMTPException) as exc:
        raise UsageError(f"cannot reach the SMTP server {host}:{port}: {exc}") from None
    try:
        smtp.ehlo()
        if starttls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if user and password:  # _delivery: --user comes with the password
            smtp.login(user, password)
        for rem, msg in ready:
            try:
                smtp.send_message(msg)
            except smtplib.SMTPServerDisconnected:
                raise
            except smtplib.SMTPException as exc:
                failed.append((rem, f"the server refused it: {exc}"))
    except ssl.SSLError as exc:  # before OSError, which it is
        raise UsageError(f"TLS with the SMTP server {host}:{port} failed ({exc.reason or exc}): "
                         "is its certificate trusted? Nothing more was sent") from None
    except smtplib.SMTPAuthenticationError:
        raise UsageError(f"the SMTP server {host}:{port} refused the login for {user!r}") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise UsageError(f"the SMTP server {host}:{port}: {exc}") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise UsageError(f"the SMTP server {host}:{port} failed: {exc}; some reminders may "
                         "not have been sent") from None
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return failed
