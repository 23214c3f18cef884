"""The last fact gaps known from 0.4 (issues 21 and 22's follow-up): each a wrong fact that
planctl accepted without a word. Real files, real git and a real SMTP server on 127.0.0.1."""

from __future__ import annotations

from conftest import as_json

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
