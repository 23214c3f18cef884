"""Who must be reminded of what: each lead's overdue and due-soon actions, as emails.

`plan_reminders` is pure (plans + date -> one Reminder per lead with something
due); `message` builds the email with the standard library's EmailMessage and
policy SMTP, so every header is folded and encoded by the email package and a
newline in plan text can never start a header of its own. Sending is the
command's business (commands/remind.py).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from ..core.errors import safe_text
from ..core.evaluate import Row, evaluate, id_sort_key
from ..core.model import Plan
from ..core.names import authority_key
from ..core.query import lead_spellings
from ..core.returns import XLSX_MIME
from .views import show_date

if TYPE_CHECKING:  # the email modules load only when a reminder is sent
    from email.headerregistry import Address
    from email.message import EmailMessage


@dataclass
class Reminder:
    lead: str
    emails: list[str] = field(default_factory=list)  # as written in the plans' leads:
    overdue: list[Row] = field(default_factory=list)
    due_soon: list[Row] = field(default_factory=list)

    @property
    def count(self) -> str:
        return f"{len(self.overdue)} overdue, {len(self.due_soon)} due soon"


def plan_reminders(plans: Sequence[Plan], today: date, days: int,
                   wanted: frozenset[str] | None = None) -> list[Reminder]:
    """One Reminder per lead with an overdue action or one due within `days`, leads A-Z.
    `wanted`: only these leads (core.query.resolve_leads: key, name or alias, any case)."""
    until = today + timedelta(days=days)
    out: dict[tuple[str, str], Reminder] = {}  # by authority and lead: two councils' "Head
    # of Service" are two people, never one email naming the other council's actions
    for row in evaluate(plans, today):
        late = row.status == "overdue"
        soon = row.open and not late and row.due is not None and today <= row.due <= until
        if not (late or soon):
            continue
        for name, key in zip(row.action.leads or ("(no lead)",),
                             row.action.lead_keys or (None,), strict=False):
            lead = next((x for x in row.plan.leads if key is not None and x.key == key), None)
            if wanted is not None and not lead_spellings((name,), (key,), row.plan)[0] & wanted:
                continue
            rem = out.setdefault((authority_key(row.plan), name), Reminder(name))
            if lead and lead.email and lead.email not in rem.emails:
                rem.emails.append(lead.email)
            (rem.overdue if late else rem.due_soon).append(row)
    for rem in out.values():
        rem.overdue.sort(key=lambda r: (-r.days_overdue, r.plan.id, id_sort_key(r.action.id)))
        rem.due_soon.sort(key=lambda r: (r.due, r.plan.id, id_sort_key(r.action.id)))
    return sorted(out.values(), key=lambda r: r.lead.casefold())


def one_line(text: str, limit: int = 200) -> str:
    """Header text: one line of visible characters, of a sane length."""
    words = " ".join(safe_text(text, one_line=True).split())
    return words if len(words) <= limit else words[: limit - 1] + "\u2026"


def _ref(row: Row, many: bool) -> str:
    return row.action.ref if many else row.action.id


def _title(plans: Sequence[Plan]) -> str:
    return one_line(plans[0].title, 300) if len(plans) == 1 else "Action plans"


@dataclass(frozen=True)
class Attached:
    """The lead's return attached to their email (`remind --attach-returns`)."""

    file_name: str
    data: bytes
    count: int  # the open actions in it
    by: date | None  # the day it is wanted back


def text_body(rem: Reminder, plans: Sequence[Plan], today: date, days: int,
              attached: Attached | None = None, commands: bool = False) -> str:
    many = len(plans) > 1
    lines = [f"Dear {one_line(rem.lead)},", "",
             f"This is a reminder from the action plan \"{_title(plans)}\", as at "
             f"{show_date(today)}.", ""]
    for title, rows in ((f"OVERDUE ({len(rem.overdue)})", rem.overdue),
                        (f"DUE IN THE NEXT {days} DAYS ({len(rem.due_soon)})", rem.due_soon)):
        if not rows:
            continue
        lines += [title, ""]
        for r in rows:
            when = f"due {show_date(r.due)}"
            if r.status == "overdue":
                when += f", {r.days_overdue} days late"
            lines.append(f"  {_ref(r, many)}  {' '.join(r.action.text.split())}")
            lines.append(f"        {when}" + (f" ({r.action.timescale_text})"
                                               if r.action.timescale_text else ""))
            lines.append("")
    lines += _how_text(rem, many, today, attached, commands)
    return safe_text("\n".join(lines)) + "\n"


def _how_text(rem: Reminder, many: bool, today: date, attached: Attached | None,
              commands: bool) -> list[str]:
    """What the lead is asked to do, in plain words; planctl's commands only when asked for
    (a team whose leads use planctl themselves)."""
    if attached is not None:
        lines = ["Your return", "",
                 f"Attached is your return, {attached.file_name}: a spreadsheet of the "
                 f"{attached.count} open action{'s' if attached.count != 1 else ''} you lead.",
                 "Please open it, fill in the yellow columns (progress, a rating, the date an "
                 "action was completed, a new date and its reason if one was agreed, evidence), "
                 "save it, and reply to this email with the file attached.",
                 "The first sheet of the file explains each column."]
        if attached.by is not None:
            lines.append(f"Please reply by {show_date(attached.by)}.")
    else:
        lines = ["How to send your progress", "",
                 "Please reply to this email with, for each action: what has been done and what "
                 "is next; the date it was completed and where the evidence is, if it is done; "
                 "and the new date and the reason, if the committee agreed to move it."]
    lines.append("")
    rows = rem.overdue or rem.due_soon
    if commands and rows:
        example = _ref(rows[0], many)
        lines += ["If you use planctl, record it in the plan's git repository:",
                  f"  planctl note {example} \"what has been done, and what is next\"",
                  f"  planctl done {example} --on {today.isoformat()} --evidence \"where the proof is\"",
                  f"  planctl reschedule {example} NEW-DATE --reason \"why\"   (if the committee agreed)",
                  ""]
    return [*lines, "Sent by planctl."]


def html_body(rem: Reminder, plans: Sequence[Plan], today: date, days: int,
              attached: Attached | None = None, commands: bool = False) -> str:
    def e(value: object) -> str:
        return html.escape(safe_text(str(value)), quote=True)

    many = len(plans) > 1
    parts = ["<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">",
             f"<title>{e(_title(plans))}</title></head>",
             "<body style=\"font-family:Arial,sans-serif;font-size:14px;color:#1b1f24\">",
             f"<p>Dear {e(one_line(rem.lead))},</p>",
             f"<p>This is a reminder from the action plan <strong>{e(_title(plans))}</strong>, "
             f"as at {e(show_date(today))}.</p>"]
    for title, rows, colour in ((f"Overdue ({len(rem.overdue)})", rem.overdue, "#8c0f1d"),
                                (f"Due in the next {days} days ({len(rem.due_soon)})",
                                 rem.due_soon, "#6b4500")):
        if not rows:
            continue
        parts.append(f"<h2 style=\"font-size:16px;color:{colour}\">{e(title)}</h2>")
        parts.append("<table style=\"border-collapse:collapse\" cellpadding=\"6\" border=\"1\">"
                     "<tr><th align=\"left\">ID</th><th align=\"left\">Action</th>"
                     "<th align=\"left\">Due</th><th align=\"right\">Days late</th></tr>")
        for r in rows:
            late = str(r.days_overdue) if r.status == "overdue" else ""
            parts.append(f"<tr><td>{e(_ref(r, many))}</td><td>{e(r.action.text)}</td>"
                         f"<td style=\"white-space:nowrap\">{e(show_date(r.due))}</td>"
                         f"<td align=\"right\">{e(late)}</td></tr>")
        parts.append("</table>")
    how = _how_text(rem, many, today, attached, commands)
    heading, paras = how[0], [line for line in how[2:] if line and not line.startswith("  ")]
    code = [line.strip() for line in how if line.startswith("  planctl ")]
    parts.append(f"<h2 style=\"font-size:16px\">{e(heading)}</h2>")
    parts += [f"<p>{e(p)}</p>" for p in paras[:-1]]
    if code:
        parts.append("<pre>" + "\n".join(e(c) for c in code) + "</pre>")
    parts.append("<p style=\"color:#5b6470\">Sent by planctl.</p></body></html>")
    return "".join(parts) + "\n"


def message(rem: Reminder, to: Sequence[Address], sender: Address, plans: Sequence[Plan],
            today: date, days: int, now: datetime, attached: Attached | None = None,
            commands: bool = False) -> EmailMessage:
    """The reminder as an EmailMessage (policy SMTP: CRLF, folded, encoded headers).
    `to` and `sender`: email.headerregistry.Address objects, already checked."""
    from email import policy
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    msg = EmailMessage(policy=policy.SMTP)
    what = rem.count if attached is None else f"your return to fill in ({rem.count})"
    msg["Subject"] = one_line(f"{_title(plans)}: {what} as at {show_date(today)}")
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid("planctl", domain=sender.domain or None)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    msg.set_content(text_body(rem, plans, today, days, attached, commands))
    msg.add_alternative(html_body(rem, plans, today, days, attached, commands), subtype="html")
    if attached is not None:
        maintype, subtype = XLSX_MIME.split("/")
        msg.add_attachment(attached.data, maintype=maintype, subtype=subtype,
                           filename=attached.file_name)
    return msg
