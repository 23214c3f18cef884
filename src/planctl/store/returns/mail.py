"""Returns read out of saved emails: a .eml file or an mbox, every xlsx attached.

What a lead sends back is a reply with the return attached, maybe forwarded by a
colleague, maybe several returns in one message, maybe one mailbox of a quarter's
replies. Everything here is untrusted input: sizes, part counts and nesting are
bounded (core/returns.py), and a part that cannot be read is skipped, never guessed.

Whose return it is: the From of the innermost message that holds the attachment. A
return forwarded by a personal assistant keeps the lead's own message inside, and
that one says who filled it in; the forwarder's address is not the lead's.

A winmail.dat (application/ms-tnef: Outlook's "Rich Text" format) hides the
attachments where no standard reader finds them: refused with what to do.
"""

from __future__ import annotations

import email
import mailbox
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message

from ...core import returns as limits
from ...core.errors import EXIT_USAGE, PlanctlError

TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})


class MailError(PlanctlError):
    """A saved email that cannot be read as returns (exit 2, as any bad input file)."""

    exit_code = EXIT_USAGE


class WinmailError(MailError):
    """A winmail.dat attachment: Outlook sent the message in its own Rich Text format."""


@dataclass(frozen=True)
class MailedFile:
    name: str  # the attachment's file name, without any folder
    data: bytes
    source: str  # "reply.eml", or "inbox.mbox#3" (the 3rd message of the mbox)
    sender: str | None  # the From address of the innermost message holding it
    sent: datetime | None  # that message's Date header, timezone-aware


def read_mail(path: str | os.PathLike[str]) -> list[MailedFile]:
    """Every xlsx attached to the email(s) saved in `path`: an mbox when the file starts
    with a "From " line (whatever its extension), else one message (.eml)."""
    where = os.fspath(path)
    try:
        size = os.stat(where).st_size
        with open(where, "rb") as f:
            head = f.read(5)
    except OSError as exc:
        raise MailError(f"{where}: cannot read it: {exc.strerror or exc}") from None
    if size > limits.MAX_MAIL_BYTES:
        raise MailError(f"{where}: {size:,} bytes is more than the "
                        f"{limits.MAX_MAIL_BYTES:,} planctl reads from one mail file")
    if head == b"From ":
        return _read_mbox(where)
    with open(where, "rb") as f:
        msg = email.message_from_binary_file(f, policy=policy.default)
    return _attachments(msg, where)


def _read_mbox(where: str) -> list[MailedFile]:
    box = mailbox.mbox(where, create=False)
    out: list[MailedFile] = []
    try:
        for n, key in enumerate(box.iterkeys(), 1):
            if n > limits.MAX_MESSAGES:
                raise MailError(f"{where}: more than {limits.MAX_MESSAGES:,} messages; split "
                                "the mailbox")
            raw = box.get_bytes(key)
            source = f"{where}#{n}"
            if len(raw) > limits.MAX_MESSAGE_BYTES:
                raise MailError(f"{source}: {len(raw):,} bytes is more than the "
                                f"{limits.MAX_MESSAGE_BYTES:,} planctl reads from one message")
            out += _attachments(email.message_from_bytes(raw, policy=policy.default), source)
    finally:
        box.close()
    return out


def _sender(msg: Message) -> str | None:
    try:
        header = msg["From"]
        addresses = getattr(header, "addresses", ())
        return str(addresses[0].addr_spec) or None if addresses else None
    except (IndexError, ValueError, TypeError, AttributeError):
        return None


def _sent(msg: Message) -> datetime | None:
    try:
        when = getattr(msg["Date"], "datetime", None)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    if not isinstance(when, datetime):
        return None
    # "-0000": the time is UTC and the sender's zone unknown (RFC 5322 3.3).
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _base_name(name: str) -> str:
    """The file name alone: a name that carries a folder (C:\\x\\r.xlsx, ../r.xlsx) loses it."""
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()


class _Walk:
    """One message's parts, counted, with the innermost message around each."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.parts = 0
        self.found: list[MailedFile] = []

    def message(self, msg: Message, depth: int) -> None:
        if depth > limits.MAX_MAIL_DEPTH:
            raise MailError(f"{self.source}: messages forwarded more than "
                            f"{limits.MAX_MAIL_DEPTH} deep")
        stack = [msg]
        while stack:  # bounded: every part is counted against MAX_MAIL_PARTS
            part = stack.pop()
            self.parts += 1
            if self.parts > limits.MAX_MAIL_PARTS:
                raise MailError(f"{self.source}: more than {limits.MAX_MAIL_PARTS:,} parts "
                                "in one message")
            ctype = part.get_content_type()
            if ctype == "message/rfc822":
                for inner in part.get_payload() or []:
                    if isinstance(inner, Message):
                        self.message(inner, depth + 1)
            elif part.is_multipart():
                payload = part.get_payload()
                stack.extend(reversed([p for p in payload if isinstance(p, Message)]))
            else:
                self.leaf(part, msg)

    def leaf(self, part: Message, holder: Message) -> None:
        ctype = part.get_content_type()
        name = _base_name(part.get_filename() or "")
        if ctype in TNEF_TYPES or name.casefold() == "winmail.dat":
            raise WinmailError(
                f"{self.source}: the return came as winmail.dat (Outlook's Rich Text format), "
                "which hides the attachment; ask the sender to send it again as a plain "
                "attachment (in Outlook: File > Options > Mail > Compose messages in HTML "
                "format, or set the message to HTML before sending)")
        if not (name.casefold().endswith(".xlsx") or ctype == limits.XLSX_MIME):
            return
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            return
        if len(data) > limits.MAX_ATTACHMENT_BYTES:
            raise MailError(f"{self.source}: the attachment {name or '(no name)'} is "
                            f"{len(data):,} bytes, more than the "
                            f"{limits.MAX_ATTACHMENT_BYTES:,} a return can be")
        self.found.append(MailedFile(name or f"attachment-{len(self.found) + 1}.xlsx", data,
                                     self.source, _sender(holder), _sent(holder)))


def _attachments(msg: EmailMessage | Message, source: str) -> list[MailedFile]:
    walk = _Walk(source)
    walk.message(msg, 0)
    return walk.found
