"""The last fact gaps known from 0.4 (issues 21 and 22's follow-up): each a wrong fact that
planctl accepted without a word. Real files, real git and a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import as_json
from test_remind import Inbox, free_port


@pytest.fixture
def smtp():
    """start() -> (inbox, "127.0.0.1:PORT"): a real SMTP server (aiosmtpd) that keeps what
    it is given."""
    controller_module = pytest.importorskip("aiosmtpd.controller")
    started = []

    def start():
        inbox = Inbox()
        c = controller_module.Controller(inbox, hostname="127.0.0.1", port=free_port())
        c.start()
        started.append(c)
        return inbox, f"127.0.0.1:{c.port}"

    yield start
    for c in started:
        c.stop()

FUTURE = """\
plan:
  title: Dates after today
  inspection:
    published: 2026-01-10
leads:
  hos: Head of Service
  qa: QA Team
recommendations:
  - text: Improve audits
    actions:
      - text: Audit the files
        due: By 30.9.26
        lead: hos
        status: completed
        completed: 2027-09-20
        signed_off: {by: QA Team, on: 2027-10-01}
      - text: Staged work
        lead: hos
        milestones:
          - {due: 30.6.26, text: Draft, done: 2027-06-01}
          - {due: 30.12.26, text: Final}
      - text: Quarterly report to the board
        due: Quarterly from April 2026
        lead: hos
        reported: [2026-07-01, 2027-01-05]
        updates:
          - date: 2027-02-01
            text: Written from the future
"""


def test_facts_dated_after_today_are_warned_at_each_date(write_plan, run):
    write_plan(FUTURE)
    r = run("check", "--today", "2026-12-01")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    p = "plans/p.yaml"
    assert (f"{p}:15:20: W144 action 1.1 completed: 20 September 2027 is after today "
            "(01 December 2026); write the day it was completed (until then it is not "
            "completed)") in lines
    assert any(line.startswith(f"{p}:16:39: W145 action 1.1 signed_off on: 01 October 2027 "
                               "is after today") for line in lines), lines
    assert any(line.startswith(f"{p}:20:47: W146 action 1.2 milestone 'Draft' done: "
                               "01 June 2027 is after today") for line in lines), lines
    assert any(line.startswith(f"{p}:25:32: W147 action 1.3 reported: 05 January 2027")
               for line in lines), lines
    assert any(line.startswith(f"{p}:27:19: W147 action 1.3 update date: "
                               "01 February 2027") for line in lines), lines
    # one warning per fact, and the report made before today is not one
    assert sum(" W14" in line and "after today" in line for line in lines) == 5
    assert run("check", "--today", "2026-12-01", "--strict").exit_code == 1


def test_facts_on_or_before_today_are_not_warned(write_plan, run):
    write_plan(FUTURE)
    r = run("check", "--today", "2027-10-01")
    assert "after today" not in r.stdout
    data = as_json(run("check", "--today", "2027-09-30", "--format", "json"))
    codes = [(p["code"], p["line"]) for p in data["problems"] if "after today" in p["message"]]
    assert codes == [("W145", 16)]


def test_a_future_completion_is_warned_from_the_cache_too(write_plan, run):
    write_plan(FUTURE)
    assert run("status", "--today", "2026-12-01").exit_code == 0  # the plan is now cached
    r = run("check", "--today", "2026-12-01")
    assert "plans/p.yaml:15:20: W144 action 1.1 completed: " in r.stdout


# -- 2. a lead's email with a control character -------------------------------------------

EMAIL_PLAN = """\
plan:
  title: Emails
leads:
  qa:
    name: Service Manager QA
    email: {email}
  fst: {{name: Service Manager FST, email: fst@example.org}}
recommendations:
  - text: R
    actions:
      - {{text: Audit the files, due: 14.9.12, lead: qa}}
      - {{text: Train staff, due: 1.10.12, lead: fst}}
"""
HOSTILE_EMAILS = {
    "header": '"qa@example.org\\r\\nBcc: all@example.net"',
    "line feed": '"qa@example.org\\nBcc: all@example.net"',
    "tab": '"qa@example.org\\tall@example.net"',
    "escape": '"qa\\e[31m@example.org"',
    "bidi": '"qa@example.org\\u202e"',
    "next line": '"qa@example.org\\x85Bcc: all@example.net"',
}


@pytest.mark.parametrize("written", HOSTILE_EMAILS.values(), ids=HOSTILE_EMAILS.keys())
def test_check_refuses_a_lead_email_with_a_control_character_at_its_place(write_plan, run,
                                                                          written):
    write_plan(EMAIL_PLAN.format(email=written))
    r = run("check")
    assert r.exit_code == 1
    line = r.stdout.splitlines()[0]
    assert line.startswith("plans/p.yaml:6:12: E034 leads.qa.email 'qa")
    assert line.endswith("holds a control character (a line break, tab, escape or bidi "
                         "control); write one address on one line, as 'name@council.gov.uk'")
    assert "\r" not in r.stdout and "\x1b" not in r.stdout and "\u202e" not in r.stdout


def test_remind_sends_nothing_to_a_lead_email_with_a_line_break(write_plan, run, smtp):
    inbox, server = smtp()
    write_plan(EMAIL_PLAN.format(email=HOSTILE_EMAILS["header"]))
    r = run("remind", "--today", "2012-10-09", "--smtp", server, "--from", "plans@example.org")
    assert r.exit_code == 3
    assert "plans/p.yaml:6:12: leads.qa.email 'qa@example.org\\x0d\\x0aBcc: all@example.net' " \
           "holds a control character" in r.stderr
    assert inbox.received == []


def test_remind_refuses_a_from_address_with_a_bidi_control(write_plan, run, smtp):
    inbox, server = smtp()
    write_plan(EMAIL_PLAN.format(email="qa@example.org"))
    r = run("remind", "--today", "2012-10-09", "--smtp", server,
            "--from", "plans@example.org\u202e")
    assert r.exit_code == 2
    assert "--from 'plans@example.org\\u202e' holds a control character" in r.stderr
    assert inbox.received == []
    ok = run("remind", "--today", "2012-10-09", "--smtp", server, "--from", "plans@example.org")
    assert ok.exit_code == 0, ok.stdout + ok.stderr
    assert sorted(rcpt for _, rcpts, _ in inbox.received for rcpt in rcpts) == [
        "fst@example.org", "qa@example.org"]


# -- 3. returns apply DIR: entries that are not returns are named, never opened ---------------


@pytest.fixture
def returns_dir(tmp_path, git_repo, run):
    """replies/ holding one filled return (a progress note for 1.1), in a planctl repo."""
    from returns_helpers import RET, fill, make, setup_plan

    setup_plan(tmp_path, git_repo)
    make(run)
    replies = tmp_path / "replies"
    replies.mkdir()
    fill(Path(RET), {"1.1": {"Progress update": "Audit sample drawn"}},
         out=replies / "a-return.xlsx")
    return replies


def _apply(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """planctl in its own process, with a deadline: an entry opened by mistake (a FIFO)
    would block it for ever."""
    from returns_helpers import TODAY

    return subprocess.run([sys.executable, "-m", "planctl", "returns", "apply", *args,
                           "--today", TODAY], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "COLUMNS": "400"})


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")
def test_a_fifo_socket_or_device_in_the_folder_is_named_not_opened_and_not_applied(
        returns_dir, tmp_path):
    os.mkfifo(returns_dir / "b-pipe.xlsx")
    os.mkfifo(returns_dir / "c-pipe-any-name")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(returns_dir / "d-socket.eml"))
    (returns_dir / "e-null.xlsx").symlink_to(os.devnull)
    try:
        r = _apply("replies", cwd=tmp_path)
    finally:
        sock.close()
    assert r.returncode == 2, r.stdout + r.stderr  # a file not applied (as one unreadable)
    errors = [line for line in r.stderr.splitlines() if line.startswith("planctl: error:")]
    assert errors == [
        "planctl: error: replies/b-pipe.xlsx: skipped: a named pipe (FIFO), not a return; "
        "planctl does not open it (a return is an .xlsx, .eml or mbox file)",
        "planctl: error: replies/c-pipe-any-name: skipped: a named pipe (FIFO), not a "
        "return; planctl does not open it (a return is an .xlsx, .eml or mbox file)",
        "planctl: error: replies/d-socket.eml: skipped: a socket, not a return; planctl "
        "does not open it (a return is an .xlsx, .eml or mbox file)",
        "planctl: error: replies/e-null.xlsx: skipped: a character device (through a "
        "symbolic link), not a return; planctl does not open it (a return is an .xlsx, "
        ".eml or mbox file)"]
    assert "4 file(s) refused" in r.stdout
    assert "1 change(s) from replies/a-return.xlsx applied" in r.stderr  # the real one is
    assert "Audit sample drawn" in (tmp_path / "plans" / "p.yaml").read_text()


def test_a_link_to_a_return_outside_the_folder_is_named_and_not_read(returns_dir, tmp_path,
                                                                      run):
    outside = tmp_path / "elsewhere.xlsx"
    (returns_dir / "a-return.xlsx").rename(outside)
    (returns_dir / "linked.xlsx").symlink_to(outside)
    (returns_dir / "broken.xlsx").symlink_to(tmp_path / "gone.xlsx")
    r = _apply("replies", "--dry-run", "--format", "json", cwd=tmp_path)
    assert r.returncode == 2
    data = json.loads(r.stdout)
    assert data["errors"] == [
        "replies/broken.xlsx: skipped: a broken symbolic link (or a link loop)",
        "replies/linked.xlsx: skipped: a symbolic link to a file outside the folder; give "
        "that file itself to read it"]
    assert data["returns"] == []
    # named itself, the same file is read
    direct = _apply("elsewhere.xlsx", "--dry-run", "--format", "json", cwd=tmp_path)
    assert direct.returncode == 0, direct.stderr
    assert [c["value"] for c in json.loads(direct.stdout)["returns"][0]["changes"]] == [
        "Audit sample drawn"]


# -- 4. sign-off refusals say what is refused and what to do -------------------------------

KINDS = """\
plan:
  title: Sign-off of every kind of action
  inspection:
    published: 2026-01-10
leads:
  hos: Head of Service
recommendations:
  - text: Improve audits
    actions:
      - text: Quarterly report to the board
        due: Quarterly from April 2026
        lead: hos
        reported: [2026-07-01]
      - text: Staged work
        lead: hos
        milestones:
          - {due: 30.6.26, text: Draft, done: 2026-06-20}
          - {due: 30.9.26, text: Final}
      - text: Staged and finished
        lead: hos
        milestones:
          - {due: 30.6.26, text: Draft, done: 2026-06-20}
          - {due: 30.9.26, text: Final, done: 2026-09-15}
      - text: Given up
        due: By 30.9.26
        lead: hos
        status: dropped
"""


def test_signoff_of_a_recurring_action_says_reports_do_not_complete_it_and_what_to_do(
        write_plan, run):
    path = write_plan(KINDS)
    before = path.read_bytes()
    r = run("signoff", "1.1", "--by", "QA Team", "--today", "2026-10-01")
    assert r.exit_code == 2 and path.read_bytes() == before
    assert r.stderr == (
        "planctl: error: 1.1 recurs (quarterly) and is not-started: each report ('planctl "
        "done 1.1' records one) is not a completion, so there is nothing to sign off; to "
        "record who checked a report, 'planctl note 1.1 TEXT'; when the recurring work "
        "itself ends, write 'status: completed' and 'completed: DATE' in the plan, then "
        "sign it off; nothing was changed\n")


def test_signoff_of_a_milestone_action_says_how_many_are_done_and_which_is_next(
        write_plan, run):
    path = write_plan(KINDS)
    before = path.read_bytes()
    r = run("signoff", "1.2", "--by", "QA Team", "--today", "2026-10-01")
    assert r.exit_code == 2 and path.read_bytes() == before
    assert r.stderr == (
        "planctl: error: 1.2 has 1 of 2 milestones done: it is completed, and can be signed "
        "off, when every milestone is done; 'planctl done 1.2' marks the next one, due 30 "
        "September 2026 (Final), done; nothing was changed\n")
    early = run("signoff", "1.3", "--by", "QA Team", "--on", "1.9.26", "--today", "2026-10-01")
    assert early.exit_code == 2
    assert early.stderr == (
        "planctl: error: --on 01 September 2026 is before 1.3 was completed (15 September "
        "2026, its last milestone's done: date): a sign-off follows the completion; give "
        "--on 15.09.2026 or later; nothing was changed\n")
    assert run("signoff", "1.3", "--by", "QA Team", "--on", "15.9.26",
               "--today", "2026-10-01").exit_code == 0


def test_signoff_of_a_dropped_action_says_reopen_then_done(write_plan, run):
    write_plan(KINDS)
    r = run("signoff", "1.4", "--by", "QA Team", "--today", "2026-10-01")
    assert r.exit_code == 2
    assert r.stderr == (
        "planctl: error: 1.4 is dropped: only completed work can be signed off; if the work "
        "was done after all, 'planctl reopen 1.4 --reason TEXT', then 'planctl done 1.4'; "
        "nothing was changed\n")


def test_check_says_how_to_mend_a_sign_off_of_a_recurring_or_milestone_action(write_plan, run):
    signed = "\n        signed_off: {by: QA Team, on: 2026-09-20}"
    text = KINDS.replace("reported: [2026-07-01]", "reported: [2026-07-01]" + signed).replace(
        "Staged work\n        lead: hos", "Staged work\n        lead: hos" + signed)
    write_plan(text)
    out = run("check", "--today", "2026-10-01").stdout
    assert ("W142 action 1.1 is signed off but its status is not-started, not completed; "
            "remove signed_off: ('planctl unsign 1.1'), or, when the recurring work ends, write "
            "'status: completed' (its reports do not complete it)") in out
    assert ("W142 action 1.2 is signed off but its status is not-started, not completed; "
            "remove signed_off: ('planctl unsign 1.2'), or mark every milestone done "
            "('planctl done 1.2')") in out


# -- 5. a meeting tag whose dates disagree with the date in its name -------------------------

MEETING_PLAN = """\
plan:
  title: Meeting plan
recommendations:
  - text: R
    actions:
      - {text: Audit the files, due: By 14.9.26, lead: QA}
"""


@pytest.fixture
def history(tmp_path, git_repo):
    """Commits on 1 Sep 2026 ('agreed') and 20 Oct 2026 ('later'): {label: sha}."""
    plans = tmp_path / "plans"
    plans.mkdir()
    shas = {}
    for label, when, extra in (("agreed", "2026-09-01T10:00:00+01:00", ""),
                               ("later", "2026-10-20T10:00:00+01:00", "# moved on\n")):
        (plans / "p.yaml").write_text(MEETING_PLAN + extra)
        git_repo("add", "-A")
        git_repo("commit", "-q", "-m", label, date=when)
        shas[label] = git_repo("rev-parse", "HEAD").strip()
    return shas


def test_a_hand_made_tag_on_a_commit_after_its_meeting_is_named_and_refused_for_since_last(
        history, git_repo, run):
    # made by hand on 25 Oct, on HEAD: the commit of 20 Oct, after the meeting of 9 Oct
    git_repo("tag", "-a", "-m", "October committee", "committee-2026-10-09", history["later"],
             date="2026-10-09T12:00:00+00:00")
    listed = run("meetings", "--format", "json")
    assert listed.exit_code == 0
    why = ("tag committee-2026-10-09 names the meeting of 2026-10-09 but is on commit "
           f"{history['later'][:7]} made on 2026-10-20, after it: the plans it holds are not "
           "those the meeting saw; move it to the last commit on or before the meeting with "
           "'planctl meeting 2026-10-09 --force'")
    assert listed.stderr == f"planctl: warning: {why}\n"
    (meeting,) = as_json(listed)["meetings"]
    assert meeting["committed"] == "2026-10-20" and meeting["warning"] == why
    since = run("report", "--since", "last", "--today", "2026-11-01")
    assert since.exit_code == 4
    assert f"planctl: error: last: {why}; or give --since a date or the commit the meeting " \
           "saw" in since.stderr
    # the remedy it names works, and the tag is then used without a word
    assert run("meeting", "2026-10-09", "--force", "--today", "2026-11-01").exit_code == 0
    fixed = run("report", "--since", "last", "--today", "2026-11-01")
    assert fixed.exit_code == 0, fixed.stderr
    assert "warning" not in fixed.stderr
    assert "## Changes since committee-2026-10-09" in fixed.stdout


def test_a_tag_dated_another_day_than_its_meeting_is_warned_naming_it(history, git_repo, run):
    git_repo("tag", "-a", "-m", "LSCB", "lscb-2026-10-09", history["agreed"],
             date="2026-10-16T09:00:00+01:00")  # tagged a week after the meeting
    why = ("tag lscb-2026-10-09 names the meeting of 2026-10-09 but was tagged on 2026-10-16: "
           "planctl takes the meeting's date from the name, while --as-of lscb-2026-10-09 "
           "judges as at the tag's own date; give --as-of 2026-10-09 to judge as at the meeting")
    listed = run("meetings")
    assert listed.exit_code == 0 and listed.stderr == f"planctl: warning: {why}\n"
    diff = run("diff", "last:lscb", "--today", "2026-11-01")
    assert diff.exit_code == 0, diff.stderr
    assert f"planctl: warning: {why}" in diff.stderr.splitlines()


def test_tags_made_by_planctl_and_lightweight_tags_on_time_are_not_warned(history, git_repo,
                                                                          run):
    assert run("meeting", "2026-10-09", "--today", "2026-11-01").exit_code == 0
    git_repo("tag", "lscb-2026-09-02", history["agreed"])  # lightweight, commit before it
    r = run("meetings", "--format", "json")
    assert r.exit_code == 0 and r.stderr == ""
    assert [m["warning"] for m in as_json(r)["meetings"]] == [None, None]


def test_the_trends_show_a_late_hand_made_tag_at_the_plans_its_meeting_saw(tmp_path, git_repo,
                                                                           run):
    """A tag made by hand on a commit after its meeting: the trend chart (report and
    dashboard) shows the plans of the last commit on or before the meeting, and says so."""
    plans = tmp_path / "plans"
    plans.mkdir()
    shas = {}
    for label, when, status in (("agreed", "2026-09-01T10:00:00+01:00", "not-started"),
                                ("done", "2026-10-20T10:00:00+01:00", "completed")):
        (plans / "p.yaml").write_text(MEETING_PLAN.replace("lead: QA}", f"lead: QA, status: {status}}}"))
        git_repo("add", "-A")
        git_repo("commit", "-q", "-m", label, date=when)
        shas[label] = git_repo("rev-parse", "HEAD").strip()
    git_repo("tag", "-a", "-m", "October committee", "committee-2026-10-09", shas["done"],
             date="2026-10-09T12:00:00+00:00")
    warning = (f"planctl: warning: tag committee-2026-10-09 names the meeting of 2026-10-09 but "
               f"is on commit {shas['done'][:7]} made on 2026-10-20, after it: the plans it holds "
               "are not those the meeting saw; move it to the last commit on or before the "
               "meeting with 'planctl meeting 2026-10-09 --force'; the trends show the plans of "
               f"{shas['agreed'][:7]}, the last commit on or before the meeting")
    report = run("report", "--format", "json", "--today", "2026-11-01")
    assert report.exit_code == 0 and warning in report.stderr.splitlines()
    meeting = next(p for p in as_json(report)["trends"]["points"] if p["kind"] == "meeting")
    assert (meeting["label"], meeting["commit"]) == ("committee-2026-10-09", shas["agreed"][:7])
    assert meeting["completed"] == 0 and meeting["open"] == 1  # as the meeting saw it
    page = run("dashboard", "-o", str(tmp_path / "d.html"), "--today", "2026-11-01")
    assert page.exit_code == 0 and warning in page.stderr.splitlines()
    # moved as the warning says, the tag is the commit the meeting saw: no warning
    assert run("meeting", "2026-10-09", "--force", "--today", "2026-11-01").exit_code == 0
    again = run("report", "--format", "json", "--today", "2026-11-01")
    assert "warning" not in again.stderr
    assert next(p for p in as_json(again)["trends"]["points"]
                if p["kind"] == "meeting")["commit"] == shas["agreed"][:7]
