"""Red team of 0.4's new commands: what a hostile or careless user did to them, and what
planctl must do instead of stating a wrong fact (each test failed before its fix)."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest

from returns_helpers import RET, TODAY, fill, make, setup_plan


@pytest.fixture
def plan(tmp_path, git_repo):
    return setup_plan(tmp_path, git_repo)


@pytest.mark.parametrize("lead", ["qa", "sian", "../../etc", "Nobody At All"])
def test_a_return_whose_hidden_lead_was_changed_is_refused_not_credited(run, plan, lead):
    # The hidden sheet says whose return it is; the commit is authored by that lead and the
    # notes say "by" them. Changed to another lead (or to anyone), the update would be
    # credited to someone who never led the actions: refused, the plan untouched.
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "News"}})
    wb = openpyxl.load_workbook(RET)
    ws = wb["planctl"]
    assert ws["A3"].value == "lead"
    ws["B3"] = lead
    wb.save(RET)
    before = plan.read_bytes()
    r = run("returns", "apply", RET, "--commit", "--today", TODAY, env={"COLUMNS": "400"})
    assert r.exit_code == 2, r.stdout + r.stderr
    assert f"is not led by {lead!r}" in r.stderr
    assert "Traceback" not in r.stderr
    assert plan.read_bytes() == before


@pytest.mark.parametrize("written", ["November 2026", "Nov 2026", "november-2026"])
def test_a_meeting_on_a_month_is_refused_not_tagged_on_its_last_day(run, plan, git_repo, written):
    # "meeting 'November 2026'" tagged committee-2026-11-30: a day nobody said the committee met.
    r = run("meeting", written, "--today", TODAY)
    assert r.exit_code == 2, r.stdout + r.stderr
    assert r.stderr.startswith("planctl: error: DATE: ")
    assert "is a month, not one day" in r.stderr
    assert git_repo("tag", "-l") == ""
    r = run("meeting", "30.11.2026", "--today", TODAY)  # the day itself is still taken
    assert r.exit_code == 0, r.stderr
    assert git_repo("tag", "-l").split() == ["committee-2026-11-30"]


@pytest.mark.parametrize("command", [["done", "1.1"], ["note", "1.1", "Chased"],
                                     ["signoff", "1.1", "--by", "QA Manager"]])
def test_an_event_on_a_month_is_refused_not_dated_its_last_day(run, plan, command):
    # `done --on "October 2026"` wrote completed: 2026-10-31, and `signoff --on` the same:
    # a completion or sign-off day the user never gave.
    if command[0] == "signoff":
        r = run("done", "1.1", "--on", "1.10.2026", "--today", TODAY)
        assert r.exit_code == 0, r.stderr
    before = plan.read_bytes()
    r = run(*command, "--on", "October 2026", "--today", TODAY)
    assert r.exit_code == 2, r.stdout + r.stderr
    assert r.stderr == ("planctl: error: --on: 'October 2026' is a month, not one day; give the "
                        "day (e.g. 31.10.2026 if it was the last)\n")
    assert plan.read_bytes() == before
    r = run(*command, "--on", "31.13.2026", "--today", TODAY)  # its error offers no month
    assert r.exit_code == 2 and "not a date" in r.stderr and "last day" not in r.stderr
    r = run(*command, "--on", "31.10.2026", "--today", TODAY)
    assert r.exit_code == 0, r.stderr
    assert "2026-10-31" in plan.read_text()


def test_a_return_saved_after_today_dates_its_notes_today_and_says_so(run, plan):
    # A lead's PC with its clock years ahead (or an edited docProps/core.xml) stamped the
    # workbook 2099: the progress note was written into the plan dated 2099-01-01.
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "News"}}, saved="2099-01-01T10:00:00Z")
    r = run("returns", "apply", RET, "--today", TODAY, env={"COLUMNS": "400"})
    assert r.exit_code == 0, r.stderr
    text = plan.read_text()
    assert "2099" not in text
    assert f"- date: {TODAY}\n            text: News" in text
    assert (f"warning: {RET}: the workbook's last-saved time (2099-01-01) is after today; its "
            f"notes are dated today ({TODAY})") in r.stderr
    assert f"notes dated {TODAY} (today, as the workbook's last-saved time is after it)" in r.stdout


def test_a_sign_off_cannot_be_withdrawn_before_it_was_given(run, plan):
    # `unsign --on` a day before the sign-off wrote "Sign-off withdrawn (was signed off ...
    # on 2 Nov 2026)" dated 1 October: a withdrawal a month before what it withdraws.
    for cmd in (["done", "1.1", "--on", "1.11.2026"],
                ["signoff", "1.1", "--by", "QA Manager", "--on", "2.11.2026"]):
        assert run(*cmd, "--today", TODAY).exit_code == 0
    before = plan.read_bytes()
    r = run("unsign", "1.1", "--on", "1.10.2026", "--reason", "oops", "--today", TODAY)
    assert r.exit_code == 2, r.stdout + r.stderr
    assert r.stderr == ("planctl: error: --on 01 October 2026 is before 1.1 was signed off "
                        "(02 November 2026); nothing was changed\n")
    assert plan.read_bytes() == before
    r = run("unsign", "1.1", "--on", "2.11.2026", "--reason", "oops", "--today", TODAY)
    assert r.exit_code == 0, r.stderr
    assert "signed_off" not in plan.read_text()


def test_a_completion_cannot_be_reopened_before_it_happened(run, plan):
    # The same rule for `reopen` (which also withdraws a sign-off): "Reopened (was completed
    # on 2026-11-01)" dated 1 October.
    assert run("done", "1.1", "--on", "1.11.2026", "--today", TODAY).exit_code == 0
    before = plan.read_bytes()
    r = run("reopen", "1.1", "--on", "1.10.2026", "--reason", "gap", "--today", TODAY)
    assert r.exit_code == 2, r.stdout + r.stderr
    assert r.stderr == ("planctl: error: --on 01 October 2026 is before 1.1 was completed "
                        "(01 November 2026); nothing was changed\n")
    assert plan.read_bytes() == before
    assert run("reopen", "1.1", "--on", "1.11.2026", "--reason", "gap",
               "--today", TODAY).exit_code == 0


def test_the_dashboard_refuses_to_write_into_the_plans_folder_in_its_own_words(run, plan):
    before = plan.read_bytes()
    r = run("dashboard", "-o", "plans/index.html", "--today", TODAY)
    assert r.exit_code == 2
    assert r.stderr == ("planctl: error: refusing to write the dashboard to 'plans/index.html': "
                        "it is in the plans folder 'plans'; write it somewhere else\n")
    assert plan.read_bytes() == before
    assert not Path("plans/index.html").exists()


def test_a_yes_no_value_in_a_date_cell_is_not_called_a_number(run, plan):
    make(run)
    fill(Path(RET), {"1.1": {"Completed on": True}})
    before = plan.read_bytes()
    r = run("returns", "apply", RET, "--today", TODAY, env={"COLUMNS": "400"})
    assert r.exit_code == 2
    assert "'TRUE' is a yes/no value, not a date; type the date" in r.stderr
    assert plan.read_bytes() == before


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_a_return_that_is_a_device_or_a_pipe_is_refused_not_read_forever(run, plan, tmp_path,
                                                                         kind):
    # A symlink named reply.xlsx to /dev/zero passed the size check (a device's size is 0)
    # and was read until memory ran out; a FIFO named reply.eml blocked for ever.
    target = tmp_path / ("reply.xlsx" if kind == "device" else "reply.eml")
    if kind == "device":
        target.symlink_to("/dev/zero")
    else:
        os.mkfifo(target)
    before = plan.read_bytes()
    r = run("returns", "apply", str(target), "--today", TODAY)
    assert r.exit_code == 2
    assert (f"planctl: error: {target}: not a file (a device, a pipe or a folder); a return is "
            "an .xlsx, .eml or mbox file") in r.stderr
    assert plan.read_bytes() == before


COUNCIL = """\
plan:
  title: Plan {a}
  authority: "Council: {a}"
  inspection:
    published: 2026-01-05
leads:
  hos:
    name: Head of Service
recommendations:
  - text: Referrals
    actions:
      - text: Audit in {a}
        due: By 30.10.26
        lead: hos
"""


def test_a_lead_of_an_authority_whose_name_holds_a_colon_can_be_named(run, tmp_path, git_repo):
    # The refusal of a lead of two authorities offers 'Council: North:Head of Service';
    # typed back, it was split at the first colon and refused as "no lead".
    plans = tmp_path / "plans"
    plans.mkdir()
    for a in ("North", "South"):
        (plans / f"{a.lower()}.yaml").write_text(COUNCIL.format(a=a), encoding="utf-8")
    r = run("overdue", "--lead", "Head of Service", "--today", "2026-12-31")
    assert r.exit_code == 2
    assert "'Council: North:Head of Service', 'Council: South:Head of Service'" in r.stderr
    r = run("overdue", "--lead", "Council: North:Head of Service", "--today", "2026-12-31",
            "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert "Audit in North" in r.stdout and "Audit in South" not in r.stdout
    r = run("overdue", "--lead", "Council: North:Nobody", "--today", "2026-12-31")
    assert r.exit_code == 2
    assert r.stderr.startswith("planctl: error: no lead 'Nobody' in Council: North")


def test_a_lead_name_with_a_line_break_is_one_line_as_the_commit_author(run, tmp_path, git_repo):
    from returns_helpers import PLAN, setup_plan

    setup_plan(tmp_path, git_repo, PLAN.replace("name: Head of Operations",
                                                'name: "Head of\\r\\nOperations"'))
    make(run)
    fill(Path("out/hos-ops-head-of-operations.xlsx"), {"1.1": {"Progress update": "News"}})
    r = run("returns", "apply", "out/hos-ops-head-of-operations.xlsx", "--commit",
            "--today", TODAY, env={"COLUMNS": "400"})
    assert r.exit_code == 0, r.stderr
    assert git_repo("log", "-1", "--format=%an") == "Head of Operations\n"


def test_a_password_protected_return_says_what_to_ask_the_lead(run, plan, tmp_path):
    # Excel saves a workbook with a password to open in the old compound-file container
    # (magic D0 CF 11 E0 A1 B1 1A E1); it was refused as "cannot read workbook: : not a zip
    # file", which tells the officer nothing to ask the lead.
    locked = tmp_path / "reply.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    torn = tmp_path / "torn.xlsx"
    torn.write_bytes(b"PK\x03\x04 torn in transit")
    r = run("returns", "apply", str(locked), str(torn), "--today", TODAY)
    assert r.exit_code == 2
    assert (f"planctl: error: {locked}: the workbook is password-protected (or an old .xls "
            "file); ask the lead to save it without a password, as .xlsx, and send it again"
            ) in r.stderr
    assert f"planctl: error: {torn}: cannot read workbook: not a zip file" in r.stderr


def test_remind_to_a_folder_that_cannot_be_written_is_an_output_failure(run, plan, tmp_path):
    # exit 5 is "the output cannot be written" for every command; `remind --save-to` said 2
    # (bad usage), as if the command line were wrong.
    blocker = tmp_path / "taken"
    blocker.write_text("a file where the folder should go")
    r = run("remind", "--from", "plans@council.example", "--attach-returns",
            "--save-to", str(blocker / "outbox"), "--today", TODAY)
    assert r.exit_code == 5, r.stderr
    assert r.stderr.startswith(f"planctl: error: cannot write to '{blocker / 'outbox'}': ")


MANY_LEADS = "plan:\n  title: Many leads\nrecommendations:\n  - text: R\n    actions:\n" + "".join(
    f"      - text: Action {n}\n        due: By 30.12.26\n        lead: Lead {n}\n"
    for n in range(30))


def test_returns_make_with_stderr_closed_ends_as_a_closed_pipe(tmp_path, git_repo):
    # `returns make ... 2>&1 | head -1`: the reader of stderr goes away after the first line.
    # The "wrote the return" line's broken pipe was caught as "cannot write to the folder"
    # (OutputError), whose own message then failed: exit 1, a code `returns make` does not have.
    import signal
    import subprocess
    import sys

    from returns_helpers import setup_plan

    setup_plan(tmp_path, git_repo, MANY_LEADS)  # 30 lines: the pipe is closed long before
    proc = subprocess.Popen([sys.executable, "-m", "planctl", "returns", "make", "-o", "out",
                             "--today", "2026-10-01"], cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    assert proc.stderr is not None
    first = proc.stderr.readline()
    proc.stderr.close()
    assert proc.wait(timeout=120) == -signal.SIGPIPE
    assert first.startswith(b"wrote the return for ")


def test_a_meeting_body_too_long_for_a_tag_is_refused_as_usage(run, plan, git_repo):
    # A 300-character --body reached git as a 311-character ref (a file name): "cannot lock
    # ref" with the whole name, exit 4, as if git had failed.
    r = run("meeting", "30.11.2026", "--body", "y" * 300, "--today", TODAY)
    assert r.exit_code == 2, r.stderr
    assert r.stderr == ("planctl: error: --body names a tag of 300 characters, more than 80; "
                        "give the body's key (e.g. LSCB)\n")
    assert git_repo("tag", "-l") == ""


BOARD_PLAN = """\
plan:
  title: Board plan
  inspection:
    published: 2026-01-05
bodies:
  hwb: Health and Wellbeing Board
leads:
  qa: QA Manager
recommendations:
  - text: Referrals
    actions:
      - text: Audit referrals
        due: By 30.9.26
        lead: qa
"""


def test_report_since_last_body_takes_the_body_name_as_meeting_does(run, tmp_path, git_repo):
    # `meeting --body "Health and Wellbeing Board"` tags hwb-DATE (the body's key); `report
    # --since "last:Health and Wellbeing Board"` looked for health-and-wellbeing-board-DATE
    # and refused.
    from returns_helpers import setup_plan

    setup_plan(tmp_path, git_repo, BOARD_PLAN)
    r = run("meeting", "30.11.2026", "--body", "Health and Wellbeing Board", "--today", TODAY)
    assert r.exit_code == 0, r.stderr
    assert git_repo("tag", "-l").split() == ["hwb-2026-11-30"]
    r = run("report", "--since", "last:Health and Wellbeing Board", "--today", TODAY)
    assert r.exit_code == 0, r.stderr
    assert "note: last:Health and Wellbeing Board is hwb-2026-11-30" in r.stderr
    r = run("diff", "last:Health and Wellbeing Board", "--today", TODAY)
    assert r.exit_code == 0, r.stderr
    assert "note: last:Health and Wellbeing Board is hwb-2026-11-30" in r.stderr
