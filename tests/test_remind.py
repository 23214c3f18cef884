"""planctl remind against a real SMTP server (aiosmtpd) on 127.0.0.1, started here; what it
received is read back with the email package."""

from __future__ import annotations

import email
import socket
from datetime import date
from email import policy

import pytest
import yaml

aiosmtpd = pytest.importorskip("aiosmtpd")

AS_AT = "2012-10-09"
DAY = date(2012, 10, 9)


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def messages(self):
        return [email.message_from_bytes(raw, policy=policy.default)
                for _, _, raw in self.received]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    def start(**kwargs):
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **kwargs)
        controller.start()
        started.append(controller)
        return inbox, f"127.0.0.1:{controller.port}"

    started: list = []
    yield start
    for c in started:
        c.stop()


def plan(title="Children's services plan", qa_name="Service Manager QA",
         text_31="Audit <script>alert(1)</script> files & records") -> dict:
    return {
        "plan": {"title": title, "classification": "OFFICIAL"},
        "leads": {"qa": {"name": qa_name, "aliases": ["SM QA"], "email": "qa@example.org"},
                  "fst": {"name": "Service Manager FST", "email": "fst@example.org"},
                  "hr": {"name": "Head of HR"}},
        "recommendations": [{"text": "R", "actions": [
            {"id": "3.1", "text": text_31, "due": "14.9.12", "lead": "qa"},
            {"id": "3.10", "text": "Report to the board", "due": "15.10.12", "lead": "SM QA"},
            {"id": "3.2", "text": "Far off", "due": "1.6.13", "lead": "qa"},
            {"id": "4.1", "text": "Train staff", "due": "1.10.12", "lead": ["fst", "hr"]},
            {"id": "4.2", "text": "Done already", "due": "1.9.12", "lead": "fst",
             "status": "completed"},
        ]}]}


def write(write_plan, data: dict):
    return write_plan(yaml.safe_dump(data, allow_unicode=True))


def test_one_email_per_lead_with_overdue_and_due_soon(run, write_plan, smtp_server):
    write(write_plan, plan())
    inbox, server = smtp_server()
    result = run("remind", "--today", AS_AT, "--smtp", server, "--from", "plans@example.org")
    # Head of HR has an overdue action and no email: listed, and the exit code says so.
    assert result.exit_code == 1, result.stderr
    assert "NOT reminded: Head of HR: 1 overdue, 0 due soon; no email" in result.stdout
    assert "sent: Service Manager QA <qa@example.org>: 1 overdue, 1 due soon" in result.stdout
    assert "2 reminders sent" in result.stdout
    by_to = {m["To"].addresses[0].addr_spec: m for m in inbox.messages()}
    assert set(by_to) == {"qa@example.org", "fst@example.org"}
    assert {tuple(r) for _, r, _ in inbox.received} == {("qa@example.org",), ("fst@example.org",)}
    qa = by_to["qa@example.org"]
    assert qa["From"].addresses[0].addr_spec == "plans@example.org"
    assert "Children's services plan" in qa["Subject"] and "1 overdue, 1 due soon" in qa["Subject"]
    text = qa.get_body(("plain",)).get_content()
    html = qa.get_body(("html",)).get_content()
    assert "3.1  Audit <script>alert(1)</script> files & records" in text
    assert "due 14 Sep 2012, 25 days late" in text
    assert "3.10  Report to the board" in text and "due 15 Oct 2012" in text
    assert "Far off" not in text and "Done already" not in by_to["fst@example.org"].as_string()
    # Leads are asked in plain words: no planctl or git command unless --with-commands.
    assert "reply to this email" in text and "planctl " not in text and "git " not in text
    assert "planctl " not in html.replace("Sent by planctl.", "")
    # The HTML part escapes plan text: the markup arrives as text, never as markup.
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "files &amp; records" in html and ">25</td>" in html


def test_newlines_in_plan_text_cannot_forge_headers(run, write_plan, smtp_server):
    write(write_plan, plan(title="Plan\r\nBcc: thief@example.net",
                           qa_name="QA\nBcc: thief@example.net"))
    inbox, server = smtp_server()
    result = run("remind", "--today", AS_AT, "--smtp", server, "--from", "plans@example.org",
                 "--lead", "qa")
    assert result.exit_code == 0, result.stdout + result.stderr
    [(_, rcpts, raw)] = inbox.received
    assert rcpts == ["qa@example.org"]
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["Bcc"] is None and b"\nBcc:" not in raw
    assert "thief@example.net" in msg["Subject"]  # still there, as text on one line


def test_lead_picks_one_and_dry_run_writes_eml_files(run, write_plan, tmp_path):
    write(write_plan, plan())
    out = tmp_path / "outbox"
    result = run("remind", "--today", AS_AT, "--from", "plans@example.org", "--lead", "SM QA",
                 "--dry-run", str(out))
    assert result.exit_code == 0, result.stdout + result.stderr
    files = sorted(out.iterdir())
    assert [f.name for f in files] == ["01-service-manager-qa.eml"]
    msg = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["To"].addresses[0].display_name == "Service Manager QA"
    assert "written: Service Manager QA" in result.stdout


def test_days_widens_due_soon(run, write_plan, tmp_path):
    write(write_plan, plan())
    run("remind", "--today", AS_AT, "--from", "p@example.org", "--lead", "qa", "--days", "300",
        "--dry-run", str(tmp_path / "o"))
    [f] = (tmp_path / "o").iterdir()
    body = email.message_from_bytes(f.read_bytes(), policy=policy.default)
    assert "Far off" in body.get_body(("plain",)).get_content()


def test_login_takes_the_password_from_the_environment_only(run, write_plan, smtp_server):
    from aiosmtpd.smtp import AuthResult

    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    write(write_plan, plan())
    inbox, server = smtp_server(authenticator=authenticator, auth_require_tls=False)
    no_password = run("remind", "--today", AS_AT, "--smtp", server, "--from", "p@example.org",
                      "--user", "plans", "--lead", "qa")
    assert no_password.exit_code == 2 and "PLANCTL_SMTP_PASSWORD" in no_password.stderr
    ok = run("remind", "--today", AS_AT, "--smtp", server, "--from", "p@example.org",
             "--user", "plans", "--lead", "qa", env={"PLANCTL_SMTP_PASSWORD": "s3cret"})
    assert ok.exit_code == 0, ok.stdout + ok.stderr
    assert seen == [(b"plans", b"s3cret")] and len(inbox.received) == 1


def test_server_from_the_environment_and_errors_are_one_line(run, write_plan, smtp_server):
    write(write_plan, plan())
    inbox, server = smtp_server()
    ok = run("remind", "--today", AS_AT, "--from", "p@example.org", "--lead", "fst",
             env={"PLANCTL_SMTP": server})
    assert ok.exit_code == 0 and len(inbox.received) == 1
    nowhere = run("remind", "--today", AS_AT, "--from", "p@example.org")
    assert nowhere.exit_code == 2 and "give --smtp HOST:PORT" in nowhere.stderr
    closed = run("remind", "--today", AS_AT, "--from", "p@example.org",
                 "--smtp", f"127.0.0.1:{free_port()}")
    assert closed.exit_code == 2 and "cannot reach the SMTP server" in closed.stderr
    assert len(closed.stderr.strip().splitlines()) == 1 and "Traceback" not in closed.stderr
    bad_from = run("remind", "--today", AS_AT, "--from", "not an address", "--dry-run", "x")
    assert bad_from.exit_code == 2 and "is not an email address" in bad_from.stderr


def test_an_unusable_email_in_the_plan_is_listed(run, write_plan, tmp_path):
    data = plan()
    data["leads"]["fst"]["email"] = "fst at example"
    write(write_plan, data)
    result = run("remind", "--today", AS_AT, "--from", "p@example.org",
                 "--dry-run", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "NOT reminded: Service Manager FST" in result.stdout
    assert "'fst at example' is not an email address" in result.stdout


def test_starttls_checks_the_certificate_and_then_sends(run, write_plan, smtp_server, tmp_path):
    import shutil
    import ssl
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate for the test server")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    write(write_plan, plan())
    inbox, server = smtp_server(tls_context=context, require_starttls=True)
    args = ["remind", "--today", AS_AT, "--smtp", server, "--from", "p@example.org", "--lead", "qa"]
    # The server insists on TLS: without --starttls the message is refused, and said so.
    plain = run(*args)
    assert plain.exit_code == 1 and "NOT sent: Service Manager QA" in plain.stdout
    # With --starttls, a certificate the client does not trust is refused ...
    untrusted = run(*args, "--starttls", env={"SSL_CERT_FILE": str(tmp_path / "none.pem"),
                                              "SSL_CERT_DIR": str(tmp_path)})
    assert untrusted.exit_code == 2 and "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr
    assert len(untrusted.stderr.strip().splitlines()) == 1
    assert inbox.received == []
    # ... and a trusted one carries the reminder.
    ok = run(*args, "--starttls", env={"SSL_CERT_FILE": str(cert), "SSL_CERT_DIR": str(tmp_path)})
    assert ok.exit_code == 0, ok.stdout + ok.stderr
    assert len(inbox.received) == 1


def test_lead_is_found_without_its_accents_and_an_unknown_one_is_refused(run, write_plan, tmp_path):
    data = plan(qa_name="Siân Prys")
    write(write_plan, data)
    out = tmp_path / "outbox"
    result = run("remind", "--today", AS_AT, "--from", "p@example.org", "--lead", "sian prys",
                 "--save-to", str(out))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert [f.name for f in sorted(out.iterdir())] == ["01-sian-prys.eml"]
    result = run("remind", "--today", AS_AT, "--from", "p@example.org", "--lead", "Sian Pris",
                 "--save-to", str(out))
    assert result.exit_code == 2
    assert result.stderr == "planctl: error: no lead 'Sian Pris'; did you mean 'Siân Prys'?\n"


# --- --dry-run is a flag, --save-to DIR writes files: issue 21 item 7 ---------------------------


def test_dry_run_prints_the_emails_and_sends_nothing(run, write_plan, smtp_server, tmp_path):
    write(write_plan, plan())
    inbox, server = smtp_server()
    result = run("remind", "--today", AS_AT, "--smtp", server, "--from", "plans@example.org",
                 "--dry-run", "--lead", "SM QA")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert inbox.received == []  # the server was there; nothing went to it
    assert "To: Service Manager QA <qa@example.org>\nSubject: Children's services plan: " \
        "1 overdue, 1 due soon" in result.stdout
    assert "3.1  Audit <script>alert(1)</script> files & records" in result.stdout
    assert "1 reminder would be sent; 0 lead(s) not reminded" in result.stdout
    assert result.stderr == "" and list(tmp_path.glob("**/*.eml")) == []
    # Last on the line, and with no server at all, it is a flag still.
    last = run("remind", "--today", AS_AT, "--from", "plans@example.org", "--lead", "qa",
               "--dry-run")
    assert last.exit_code == 0 and "would be sent" in last.stdout and last.stderr == ""


def test_save_to_writes_eml_files_and_sends_nothing(run, write_plan, smtp_server, tmp_path):
    write(write_plan, plan())
    inbox, server = smtp_server()
    out = tmp_path / "outbox"
    result = run("remind", "--today", AS_AT, "--smtp", server, "--from", "plans@example.org",
                 "--save-to", str(out), "--lead", "qa")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert inbox.received == [] and result.stderr == ""
    assert [f.name for f in out.iterdir()] == ["01-service-manager-qa.eml"]
    assert f"1 reminder written to {out}" in result.stdout


@pytest.mark.parametrize("where", ["first", "last", "equals"])
def test_the_old_dry_run_folder_still_writes_with_a_warning(run, write_plan, smtp_server,
                                                             tmp_path, where):
    write(write_plan, plan())
    inbox, server = smtp_server()
    out = tmp_path / "outbox"
    dry = {"first": ["--dry-run", str(out)], "last": ["--dry-run", str(out)],
           "equals": [f"--dry-run={out}"]}[where]
    rest = ["--today", AS_AT, "--smtp", server, "--from", "plans@example.org", "--lead", "qa"]
    args = dry + rest if where == "first" else rest + dry
    result = run("remind", *args)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert inbox.received == []
    assert [f.name for f in out.iterdir()] == ["01-service-manager-qa.eml"]
    assert result.stderr == (f"planctl: warning: '--dry-run DIR' is deprecated: use '--save-to "
                             f"{out}' ('--dry-run' alone prints the emails)\n")


def test_dry_run_folder_and_save_to_naming_two_folders_is_refused(run, write_plan, tmp_path):
    write(write_plan, plan())
    result = run("remind", "--today", AS_AT, "--from", "p@example.org", "--dry-run", "a",
                 "--save-to", "b")
    assert result.exit_code == 2 and "name two folders" in result.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_with_commands_puts_the_planctl_commands_back(run, write_plan, tmp_path):
    write(write_plan, plan())
    result = run("remind", "--today", AS_AT, "--from", "plans@example.org", "--lead", "qa",
                 "--with-commands", "--save-to", "outbox")
    assert result.exit_code == 0, result.stderr
    (eml,) = (tmp_path / "outbox").iterdir()
    msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    text = msg.get_body(("plain",)).get_content()
    assert 'planctl note 3.1 "' in text and "planctl done 3.1" in text
    assert "planctl note 3.1" in msg.get_body(("html",)).get_content()


def commit_plans(tmp_path):
    import subprocess

    for args in (["init", "-q", "-b", "main"], ["add", "plans"], ["commit", "-q", "-m", "plan"]):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)


def test_attach_returns_sends_each_lead_their_return(run, write_plan, smtp_server, tmp_path):
    from openpyxl import load_workbook

    from planctl.core import returns as layout

    data = plan()
    data["leads"]["hr"]["email"] = "hr@example.org"
    data["recommendations"][0]["actions"].append(
        {"id": "5.1", "text": "Nothing due yet", "due": "1.6.13", "lead": "hr"})
    write(write_plan, data)
    commit_plans(tmp_path)
    inbox, server = smtp_server()
    result = run("remind", "--today", AS_AT, "--smtp", server, "--from", "plans@example.org",
                 "--attach-returns", "--by", "2012-10-31")
    assert result.exit_code == 0, result.stderr
    by_to = {m["To"].addresses[0].addr_spec: m for m in inbox.messages()}
    assert set(by_to) == {"qa@example.org", "fst@example.org", "hr@example.org"}
    qa = by_to["qa@example.org"]
    (part,) = [p for p in qa.iter_attachments()]
    assert part.get_filename() == "qa-service-manager-qa.xlsx"
    assert part.get_content_type() == layout.XLSX_MIME
    saved = tmp_path / "qa.xlsx"
    saved.write_bytes(part.get_content())
    wb = load_workbook(saved)
    ids = [r[0] for r in wb[layout.ACTIONS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert ids == ["3.1", "3.10", "3.2"]
    text = qa.get_body(("plain",)).get_content()
    assert "qa-service-manager-qa.xlsx" in text and "reply to this email with the file attached" in text
    assert "31 Oct 2012" in text and "planctl " not in text and "git " not in text
    # A lead with nothing due still gets their return; the whole message saved as .eml
    # gives the workbook back to read_mail.
    from planctl.store.returns.mail import read_mail

    eml = tmp_path / "hr.eml"
    eml.write_bytes(bytes(by_to["hr@example.org"]))
    (found,) = read_mail(eml)
    assert found.name == "hr-head-of-hr.xlsx" and found.sender == "plans@example.org"


def test_attach_returns_refuses_uncommitted_plans(run, write_plan, tmp_path):
    path = write(write_plan, plan())
    commit_plans(tmp_path)
    path.write_text(path.read_text() + "# changed\n")
    result = run("remind", "--today", AS_AT, "--from", "plans@example.org",
                 "--attach-returns", "--save-to", "outbox")
    assert result.exit_code == 4 and "uncommitted changes" in result.stderr
    assert not (tmp_path / "outbox").exists()


def test_by_without_attach_returns_is_refused(run, write_plan):
    write(write_plan, plan())
    result = run("remind", "--today", AS_AT, "--from", "plans@example.org", "--by", "2012-10-31",
                 "--dry-run")
    assert result.exit_code == 2 and "--attach-returns" in result.stderr


def test_dry_run_names_the_attached_return(run, write_plan, tmp_path):
    write(write_plan, plan())
    commit_plans(tmp_path)
    result = run("remind", "--today", AS_AT, "--from", "plans@example.org", "--lead", "qa",
                 "--attach-returns", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "Attached: qa-service-manager-qa.xlsx\n" in result.stdout
