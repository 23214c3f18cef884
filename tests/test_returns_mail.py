"""read_mail: the xlsx returns attached to saved emails (.eml and mbox), built with the email
package into real files in tmp_path."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from planctl.core import returns as limits
from planctl.store.returns.mail import MailError, WinmailError, read_mail

XLSX = limits.XLSX_MIME
WHEN = datetime(2026, 1, 14, 9, 30, tzinfo=timezone(timedelta(hours=1)))


def message(sender="qa@example.org", when=WHEN, attachments=(("qa.xlsx", b"PK\x03\x04one"),),
            subject="Re: your return") -> EmailMessage:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = f"Service Manager QA <{sender}>"
    msg["To"] = "plans@council.example"
    msg["Subject"] = subject
    if when is not None:
        msg["Date"] = format_datetime(when)
    msg.set_content("Here it is.\n")
    for name, data in attachments:
        maintype, subtype = XLSX.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def test_eml_with_one_return(tmp_path):
    path = tmp_path / "reply.eml"
    path.write_bytes(bytes(message()))
    (found,) = read_mail(path)
    assert found.name == "qa.xlsx" and found.data == b"PK\x03\x04one"
    assert found.source == str(path) and found.sender == "qa@example.org"
    assert found.sent == WHEN and found.sent.tzinfo is not None


def test_several_returns_in_one_message_and_xlsx_by_name_or_type(tmp_path):
    msg = message(attachments=(("a.xlsx", b"PK1"), ("b.XLSX", b"PK2")))
    msg.add_attachment(b"PK3", maintype="application", subtype="octet-stream",
                       filename="c.xlsx")
    msg.add_attachment(b"PK4", maintype=XLSX.split("/")[0], subtype=XLSX.split("/")[1])
    msg.add_attachment(b"not a return", maintype="application", subtype="pdf",
                       filename="minutes.pdf")
    path = tmp_path / "reply.eml"
    path.write_bytes(bytes(msg))
    found = read_mail(path)
    assert [(f.name, f.data) for f in found] == [
        ("a.xlsx", b"PK1"), ("b.XLSX", b"PK2"), ("c.xlsx", b"PK3"), ("attachment-4.xlsx", b"PK4")]


def test_a_name_with_a_folder_keeps_the_file_name_only(tmp_path):
    path = tmp_path / "reply.eml"
    path.write_bytes(bytes(message(attachments=(("..\\..\\C:\\evil/qa.xlsx", b"PK"),))))
    assert [f.name for f in read_mail(path)] == ["qa.xlsx"]


def test_forwarded_message_gives_the_inner_sender(tmp_path):
    inner = message(sender="lead@example.org", when=datetime(2026, 1, 10, 8, 0, tzinfo=UTC))
    outer = message(sender="pa@example.org", attachments=(), subject="Fwd: return")
    outer.add_attachment(inner)  # message/rfc822
    path = tmp_path / "fwd.eml"
    path.write_bytes(bytes(outer))
    (found,) = read_mail(path)
    assert found.sender == "lead@example.org"
    assert found.sent == datetime(2026, 1, 10, 8, 0, tzinfo=UTC)


def test_mbox_by_its_first_line_whatever_the_extension(tmp_path):
    path = tmp_path / "quarter.txt"
    box = mailbox.mbox(path)
    box.add(message(sender="qa@example.org", attachments=(("qa.xlsx", b"PK-old"),)))
    box.add(message(sender="nobody@example.org", attachments=()))
    box.add(message(sender="qa@example.org", when=WHEN + timedelta(days=1),
                    attachments=(("qa.xlsx", b"PK-new"),)))
    box.close()
    found = read_mail(path)
    assert [(f.source, f.data) for f in found] == [(f"{path}#1", b"PK-old"),
                                                   (f"{path}#3", b"PK-new")]
    assert found[1].sent == WHEN + timedelta(days=1)


def test_date_without_zone_is_utc_and_missing_date_is_none(tmp_path):
    msg = message(when=None)
    path = tmp_path / "a.eml"
    path.write_bytes(bytes(msg))
    assert read_mail(path)[0].sent is None
    undated = b"Date: Wed, 14 Jan 2026 09:30:00 -0000\r\nSubject:"
    raw = bytes(message(when=None)).replace(b"Subject:", undated, 1)
    path.write_bytes(raw)
    assert read_mail(path)[0].sent == datetime(2026, 1, 14, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("how", ["name", "type"])
def test_winmail_dat_is_refused_with_what_to_do(tmp_path, how):
    msg = message(attachments=())
    if how == "name":
        msg.add_attachment(b"\x78\x9f\x3e\x22", maintype="application", subtype="octet-stream",
                           filename="winmail.dat")
    else:
        msg.add_attachment(b"\x78\x9f\x3e\x22", maintype="application", subtype="ms-tnef",
                           filename="att.dat")
    path = tmp_path / "rtf.eml"
    path.write_bytes(bytes(msg))
    with pytest.raises(WinmailError) as caught:
        read_mail(path)
    assert caught.value.exit_code == 2
    assert str(path) in str(caught.value) and "plain attachment" in str(caught.value)


def test_bounds(tmp_path, monkeypatch):
    deep = message()
    for _ in range(limits.MAX_MAIL_DEPTH + 1):
        outer = message(attachments=())
        outer.add_attachment(deep)
        deep = outer
    path = tmp_path / "deep.eml"
    path.write_bytes(bytes(deep))
    with pytest.raises(MailError, match="forwarded more than"):
        read_mail(path)
    big = tmp_path / "big.eml"
    big.write_bytes(bytes(message(attachments=(("qa.xlsx", b"x" * 2000),))))
    monkeypatch.setattr(limits, "MAX_ATTACHMENT_BYTES", 1000)
    with pytest.raises(MailError, match="more than the 1,000"):
        read_mail(big)
    monkeypatch.setattr(limits, "MAX_MAIL_BYTES", 100)
    with pytest.raises(MailError, match="more than the 100"):
        read_mail(big)


def test_too_many_parts(tmp_path, monkeypatch):
    path = tmp_path / "many.eml"
    path.write_bytes(bytes(message(attachments=[(f"{i}.xlsx", b"PK") for i in range(20)])))
    monkeypatch.setattr(limits, "MAX_MAIL_PARTS", 10)
    with pytest.raises(MailError, match="more than 10 parts"):
        read_mail(path)


def test_a_missing_file_is_an_error_not_a_traceback(tmp_path):
    with pytest.raises(MailError, match="cannot read it"):
        read_mail(tmp_path / "nope.eml")
