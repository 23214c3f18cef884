"""Sign-off (issue 22, section 2): completed is not the same as assured.

Real plan files and real git repositories in tmp_path; each test asserts what a user sees:
status lines, JSON keys, the report's text (the Word paper read back with python-docx, the
workbook with openpyxl), check's warnings with file:line:col, history and diff."""

from __future__ import annotations

import csv
import io
import json

from conftest import as_json

PLAN = """\
plan:
  title: Sign-off test plan
  inspection:
    published: 2012-07-27{option}
leads:
  sm-qa: Service Manager QA
  hos: Head of Service
bodies:
  LSCB: Local Safeguarding Children Board
recommendations:
  - text: Improve audits
    actions:
      - text: Audit the files
        due: By 30.9.12
        lead: sm-qa
        status: completed
        completed: 2012-09-20{signed}
      # the second audit follows the first
      - text: Second audit
        due: By 30.11.12
        lead: hos
"""
REQUIRED = "\n  signoff: required"


def plan_text(option: str = REQUIRED, signed: str = "") -> str:
    return PLAN.format(option=option, signed=signed)


def status_rows(result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


# -- the format ------------------------------------------------------------------------


def test_required_shows_completed_awaiting_sign_off_and_counts_it_apart(write_plan, run):
    write_plan(plan_text())
    out = status_rows(run("status", "--today", "2012-10-09", env={"COLUMNS": "200"}))
    assert "1.1  Audit the files  Service Manager QA  By 30.9.12" in out
    assert "completed, awaiting sign-off" in out
    assert out.splitlines()[-1] == ("2 actions: 1 completed (50%, 1 of them awaiting sign-off), "
                                    "0 overdue, 0 due soon, 1 on track - as at 9 Oct 2012")


def test_json_status_stays_completed_and_signoff_says_the_state(write_plan, run):
    write_plan(plan_text())
    data = as_json(run("status", "--today", "2012-10-09", "--format", "json"))
    first, second = data["actions"]
    assert first["status"] == "completed"
    assert first["signoff"] == {"state": "awaiting", "by": None, "on": None, "evidence": None}
    assert second["signoff"] is None  # not completed: nothing to sign off yet
    assert data["summary"]["completed"] == 1 and data["summary"]["awaiting_signoff"] == 1


def test_signed_off_is_shown_completed_with_who_when_and_on_what(write_plan, run):
    write_plan(plan_text(signed="\n        signed_off: {by: QA Team, on: 2012-10-01, "
                                "evidence: Audit of 20 files}"))
    data = as_json(run("status", "--today", "2012-10-09", "--format", "json"))
    assert data["actions"][0]["signoff"] == {"state": "signed-off", "by": "QA Team",
                                             "on": "2012-10-01", "evidence": "Audit of 20 files"}
    assert data["summary"]["awaiting_signoff"] == 0
    out = status_rows(run("status", "--today", "2012-10-09", env={"COLUMNS": "200"}))
    assert "awaiting" not in out
    show = status_rows(run("show", "1.1", "--today", "2012-10-09", env={"COLUMNS": "200"}))
    assert "Signed off  by QA Team on 1 Oct 2012 (evidence: Audit of 20 files)" in show
    # As at a day before the sign-off, it was still awaiting it.
    before = as_json(run("status", "--today", "2012-09-25", "--format", "json"))
    assert before["actions"][0]["signoff"]["state"] == "awaiting"


def test_without_the_option_nothing_changes(write_plan, run):
    write_plan(plan_text(option=""))
    data = as_json(run("status", "--today", "2012-10-09", "--format", "json"))
    assert all("signoff" not in a for a in data["actions"])
    assert "awaiting_signoff" not in data["summary"]
    out = status_rows(run("status", "--today", "2012-10-09"))
    assert "awaiting" not in out
    leads = as_json(run("leads", "--today", "2012-10-09", "--format", "json"))
    assert all("awaiting_signoff" not in e for e in leads["leads"])


def test_optional_records_a_sign_off_without_asking_for_one(write_plan, run):
    write_plan(plan_text(option="\n  signoff: Optional"))
    data = as_json(run("status", "--today", "2012-10-09", "--format", "json"))
    assert "signoff" not in data["actions"][0] and "awaiting_signoff" not in data["summary"]


def test_a_bad_option_or_sign_off_is_an_error_with_its_location(write_plan, run):
    write_plan(plan_text(option="\n  signoff: yes please"))
    result = run("check")
    assert result.exit_code != 0
    assert ("plans/p.yaml:5:12: E024 plan.signoff 'yes please' is not one of required, optional"
            in result.stdout)
    write_plan(plan_text(signed="\n        signed_off: {by: QA Team}"))
    result = run("check")
    assert "plans/p.yaml:19:21: E011 action 1.1 signed_off needs a 'on' key" in result.stdout
    write_plan(plan_text(signed="\n        signed_off:\n          by: QA Team\n          on: 31.9.12"))
    result = run("check")
    assert "plans/p.yaml:21:15: E020 action 1.1 signed_off on: " in result.stdout
    write_plan(plan_text(signed="\n        signed_off: {by: QA, on: 2012-10-01, who: me}"))
    result = run("check")
    assert "plans/p.yaml:19:46: E012 unknown key 'who' in action 1.1 signed_off" in result.stdout


# -- check's warnings ---------------------------------------------------------------------


def test_check_warns_of_a_sign_off_by_the_actions_own_lead(write_plan, run):
    write_plan(plan_text(signed="\n        signed_off: {by: Service Manager QA, on: 2012-10-01}"))
    out = run("check").stdout
    assert ("plans/p.yaml:19:21: W140 action 1.1 is signed off by its own lead "
            "'Service Manager QA'") in out


def test_check_warns_of_a_sign_off_before_the_completion(write_plan, run):
    write_plan(plan_text(signed="\n        signed_off: {by: LSCB, on: 2012-09-01}"))
    out = run("check").stdout
    assert ("plans/p.yaml:19:21: W141 action 1.1 is signed off on 01 September 2012, before it "
            "was completed (20 September 2012)") in out
    assert "W140" not in out


def test_check_warns_of_a_sign_off_of_an_action_not_completed(write_plan, run):
    text = plan_text() + "        signed_off:\n          by: LSCB\n          on: 2012-10-01\n"
    write_plan(text)
    out = run("check").stdout
    assert ("plans/p.yaml:24:11: W142 action 1.2 is signed off but its status is not-started, "
            "not completed") in out


# -- signoff and unsign --------------------------------------------------------------------


def test_signoff_writes_only_its_own_lines(write_plan, run):
    path = write_plan(plan_text())
    before = path.read_bytes()
    result = run("signoff", "1.1", "--by", "LSCB", "--evidence", "Minutes, 4 Oct 2012",
                 "--on", "4.10.12", "--today", "2012-10-09")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("1.1: signed off by LSCB on 4 Oct 2012 (evidence: Minutes, 4 Oct "
                             "2012) (plans/p.yaml)\n")
    after = path.read_bytes()
    line = b"        signed_off: {by: LSCB, on: 2012-10-04, evidence: 'Minutes, 4 Oct 2012'}\n"
    assert after == before.replace(b"completed: 2012-09-20\n", b"completed: 2012-09-20\n" + line)
    out = status_rows(run("status", "--today", "2012-10-09"))
    assert "awaiting" not in out


def test_signoff_dry_run_prints_the_diff_and_writes_nothing(write_plan, run):
    path = write_plan(plan_text())
    before = path.read_bytes()
    result = run("signoff", "1.1", "--by", "LSCB", "--today", "2012-10-09", "--dry-run")
    assert result.exit_code == 0
    assert "+        signed_off: {by: LSCB, on: 2012-10-09}" in result.stdout
    assert path.read_bytes() == before


def test_signoff_refuses_what_would_be_a_wrong_fact(write_plan, run):
    path = write_plan(plan_text())
    before = path.read_bytes()
    not_done = run("signoff", "1.2", "--by", "LSCB", "--today", "2012-10-09")
    assert not_done.exit_code != 0
    assert not_done.stderr == ("planctl: error: 1.2 is not-started, not completed: only completed "
                               "work can be signed off ('planctl done 1.2' first); nothing was "
                               "changed\n")
    future = run("signoff", "1.1", "--by", "LSCB", "--on", "1.11.12", "--today", "2012-10-09")
    assert "a sign-off cannot be in the future" in future.stderr and future.exit_code != 0
    early = run("signoff", "1.1", "--by", "LSCB", "--on", "1.9.12", "--today", "2012-10-09")
    assert early.exit_code != 0
    assert ("--on 01 September 2012 is before 1.1 was completed (20 September 2012)"
            in early.stderr)
    blank = run("signoff", "1.1", "--by", "  ", "--today", "2012-10-09")
    assert blank.exit_code != 0 and "--by is empty" in blank.stderr
    assert path.read_bytes() == before
    assert run("signoff", "1.1", "--by", "LSCB", "--today", "2012-10-09").exit_code == 0
    again = run("signoff", "1.1", "--by", "QA", "--today", "2012-10-09")
    assert again.exit_code != 0
    assert ("1.1 is already signed off by LSCB on 9 Oct 2012; to record another sign-off, "
            "'planctl unsign 1.1' first") in again.stderr


def test_signoff_warns_of_an_unknown_signer_and_of_the_own_lead(write_plan, run):
    write_plan(plan_text())
    unknown = run("signoff", "1.1", "--by", "Quality Assurance Officer", "--today", "2012-10-09",
                  "--dry-run")
    assert ("planctl: warning: 'Quality Assurance Officer' is not one of the plan's leads or "
            "bodies; the sign-off is recorded as written") in unknown.stderr
    board = run("signoff", "1.1", "--by", "Local Safeguarding Children Board",
                "--today", "2012-10-09", "--dry-run")
    assert "warning" not in board.stderr
    own = run("signoff", "1.1", "--by", "sm-qa", "--today", "2012-10-09", "--dry-run")
    assert "planctl: warning: action 1.1 is signed off by its own lead 'sm-qa'" in own.stderr
    other = run("signoff", "1.1", "--by", "hos", "--today", "2012-10-09", "--dry-run")
    assert "warning" not in other.stderr  # a lead, not this action's


def test_unsign_and_reopen_clear_the_sign_off(write_plan, run):
    path = write_plan(plan_text())
    original = path.read_bytes()
    assert run("signoff", "1.1", "--by", "LSCB", "--today", "2012-10-09").exit_code == 0
    result = run("unsign", "1.1", "--today", "2012-10-09")
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes() == original
    again = run("unsign", "1.1", "--today", "2012-10-09")
    assert again.exit_code != 0 and "1.1 is not signed off" in again.stderr
    assert run("signoff", "1.1", "--by", "LSCB", "--today", "2012-10-09").exit_code == 0
    reopened = run("reopen", "1.1", "--reason", "Sample incomplete", "--today", "2012-10-10")
    assert reopened.exit_code == 0, reopened.stderr
    text = path.read_text()
    assert "signed_off" not in text and "status: in-progress" in text
    assert "Reopened (was completed on 2012-09-20): Sample incomplete" in text


def test_signoff_commit_says_who_when_and_on_what(write_plan, run, git_repo):
    write_plan(plan_text())
    git_repo("add", "-A")
    git_repo("commit", "-qm", "plan")
    result = run("signoff", "1.1", "--by", "LSCB", "--evidence", "Minutes", "--on", "4.10.12",
                 "--today", "2012-10-09", "--commit")
    assert result.exit_code == 0, result.stderr
    message = git_repo("log", "-1", "--format=%B")
    assert message == ("1.1: signed off by LSCB on 4 Oct 2012 (evidence: Minutes)\n\n"
                       "Signed-off-on: 2012-10-04\nEvidence: Minutes\n"
                       "Plan: p, action 1.1\n\n")


# -- leads and the report -----------------------------------------------------------------


def test_leads_count_what_awaits_sign_off(write_plan, run):
    write_plan(plan_text())
    data = as_json(run("leads", "--today", "2012-10-09", "--format", "json"))
    by_lead = {e["lead"]: e["awaiting_signoff"] for e in data["leads"]}
    assert by_lead == {"Service Manager QA": 1, "Head of Service": 0}
    out = status_rows(run("leads", "--today", "2012-10-09", env={"COLUMNS": "200"}))
    assert "Awaiting sign-off" in out.splitlines()[0]


def _committed_story(write_plan, git_repo, run):
    """1.1 completed before the meeting of 1 Oct; 1.2 completed after it; neither signed off."""
    path = write_plan(plan_text())
    git_repo("add", "-A")
    git_repo("commit", "-qm", "plan", date="2012-09-21T10:00:00+01:00")
    assert run("meeting", "2012-10-01", "--today", "2012-10-09").exit_code == 0
    text = path.read_text().replace("        lead: hos\n",
                                    "        lead: hos\n        status: completed\n"
                                    "        completed: 2012-10-05\n")
    path.write_text(text)
    git_repo("commit", "-qam", "1.2 done", date="2012-10-05T10:00:00+01:00")
    return path


def test_report_lists_what_was_completed_since_the_last_meeting_not_signed_off(
        write_plan, git_repo, run, tmp_path):
    _committed_story(write_plan, git_repo, run)
    md = run("report", "--since", "last", "--today", "2012-10-09")
    assert md.exit_code == 0, md.stderr
    section = md.stdout.split("## Completed since committee-2012-10-01, not yet signed off\n")[1]
    assert section.split("\n## ")[0].strip().splitlines()[2:] == [
        "| 1.2 | Second audit | Head of Service |"]
    assert "| of which awaiting sign-off | 2 |" in md.stdout
    data = as_json(run("report", "--since", "last", "--today", "2012-10-09", "--format", "json"))
    assert [a["id"] for a in data["signoff"]["awaiting"]] == ["1.2"]
    assert data["signoff"]["since"] == "committee-2012-10-01"
    # Without --since: every completed action not signed off.
    whole = as_json(run("report", "--today", "2012-10-09", "--format", "json"))
    assert [a["id"] for a in whole["signoff"]["awaiting"]] == ["1.1", "1.2"]


def test_report_formats_show_awaiting_sign_off(write_plan, git_repo, run, tmp_path):
    import docx
    import openpyxl

    _committed_story(write_plan, git_repo, run)
    for ext in ("docx", "xlsx", "html", "csv", "ics"):
        result = run("report", "--since", "last", "--today", "2012-10-09",
                     "-o", str(tmp_path / f"r.{ext}"))
        assert result.exit_code == 0, result.stderr
    paper = docx.Document(str(tmp_path / "r.docx"))
    headings = [p.text for p in paper.paragraphs]
    assert "Completed since committee-2012-10-01, not yet signed off" in headings
    cells = [c.text for t in paper.tables for r in t.rows for c in r.cells]
    assert cells.count("Completed, awaiting sign-off") == 2
    assert "of which awaiting sign-off" in cells
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    values = [c.value for row in book["Actions"].iter_rows() for c in row]
    assert values.count("Completed, awaiting sign-off") == 2
    summary = [c.value for row in book["Summary"].iter_rows() for c in row]
    assert "of which awaiting sign-off" in summary
    html = (tmp_path / "r.html").read_text()
    assert "<h2>Completed since committee-2012-10-01, not yet signed off</h2>" in html
    assert "2 completed (2 awaiting sign-off)" in html.replace(" are ", " ").replace(" is ", " ")
    all_actions = html[html.index('<section id="actions"'):]
    assert all_actions.count("awaiting sign-off</span>") == 2  # the paper's table of every action
    rows = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["status"], r["signoff"]) for r in rows] == [("completed", "awaiting sign-off")] * 2
    ics = (tmp_path / "r.ics").read_text().replace("\r\n ", "")
    assert "completed\\, awaiting sign-off" in ics


def test_without_the_option_the_report_has_no_sign_off_section(write_plan, run):
    write_plan(plan_text(option=""))
    md = run("report", "--today", "2012-10-09")
    assert md.exit_code == 0 and "sign-off" not in md.stdout and "signed off" not in md.stdout
    data = as_json(run("report", "--today", "2012-10-09", "--format", "json"))
    assert "signoff" not in data


# -- history and diff -------------------------------------------------------------------------


def test_history_and_diff_show_signing_off_and_unsigning(write_plan, git_repo, run):
    write_plan(plan_text())
    git_repo("add", "-A")
    git_repo("commit", "-qm", "plan", date="2012-09-21T10:00:00+01:00")
    git_repo("tag", "before")
    assert run("signoff", "1.1", "--by", "LSCB", "--evidence", "Minutes", "--on", "4.10.12",
               "--today", "2012-10-09", "--commit").exit_code == 0
    git_repo("tag", "signed")
    diff = as_json(run("diff", "before", "signed", "--format", "json"))
    assert diff["signed_off"] == [{"plan": "p", "id": "1.1", "text": "Audit the files",
                                   "from": None, "to": {"by": "LSCB", "on": "2012-10-04",
                                                        "evidence": "Minutes"}}]
    assert "unsigned" not in diff and diff["changed"] == []
    table = run("diff", "before", "signed", env={"COLUMNS": "200"})
    assert "Signed off (1)" in table.stdout
    assert "2012-10-04 by LSCB (evidence: Minutes)" in table.stdout
    assert run("unsign", "1.1", "--reason", "Wrong board", "--commit",
               "--today", "2012-10-09").exit_code == 0
    undone = as_json(run("diff", "signed", "--format", "json"))
    assert [(u["id"], u["from"]["by"], u["to"]) for u in undone["unsigned"]] == [("1.1", "LSCB", None)]
    history = as_json(run("history", "1.1", "--format", "json"))
    fields = [[f["field"] for f in a["fields"]] for c in history["commits"] for a in c["actions"]]
    assert fields[0] == ["updates", "signed_off"] and fields[1] == ["signed_off"]
    shown = run("history", "1.1", env={"COLUMNS": "200"}).stdout
    assert "signed_off  2012-10-04 by LSCB (evidence: Minutes)" in shown


def test_diff_json_of_plans_without_sign_offs_has_no_new_keys(write_plan, git_repo, run):
    write_plan(plan_text(option=""))
    git_repo("add", "-A")
    git_repo("commit", "-qm", "plan")
    data = as_json(run("diff", "HEAD", "--format", "json"))
    assert "signed_off" not in data and "unsigned" not in data
    assert json.dumps(data)  # still a JSON document


def test_status_exports_say_awaiting_sign_off(write_plan, run, tmp_path):
    import openpyxl

    write_plan(plan_text())
    rows = list(csv.reader(io.StringIO(run("status", "--today", "2012-10-09", "--format", "csv")
                                       .stdout)))
    assert [r[rows[0].index("Status")] for r in rows[1:]] == [
        "completed, awaiting sign-off", "on-track"]
    md = run("status", "--today", "2012-10-09", "--format", "markdown").stdout
    assert "| completed, awaiting sign-off |" in md
    result = run("status", "--today", "2012-10-09", "--format", "xlsx", "-o", str(tmp_path / "s.xlsx"))
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(tmp_path / "s.xlsx")
    values = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert "Completed, awaiting sign-off" in values
