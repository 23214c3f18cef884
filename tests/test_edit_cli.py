"""The edit commands on the bundled plan: byte-for-byte diffs, git commits, many writers at once."""

from __future__ import annotations

import difflib
import json
import os
import shlex
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from conftest import planctl_exe
from planctl.core.model import Update, evolve
from planctl.format.reader import load_text

TODAY = "2012-10-09"


def plan_of(path: Path):
    plan, problems, _ = load_text(path.read_bytes(), str(path))
    assert plan is not None and not [p for p in problems if p.severity == "error"], problems
    return plan


def action_of(path: Path, action_id: str):
    return next(a for a in plan_of(path).actions if a.id == action_id)


def changed_old_lines(old: bytes, new: bytes) -> set[int]:
    """1-based numbers of the old lines a diff touches (an insertion touches the line before it)."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    touched = set()
    for op, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            touched.update(range(i1 + 1, i2 + 1))
        elif op == "insert":
            touched.add(i1)  # inserted after old line i1
    return touched


def action_span(path: Path, action_id: str) -> range:
    """The old file's lines of the action: from its first line to the line before the next item."""
    plan = plan_of(path)
    lines = path.read_text().splitlines()
    starts = sorted({a.line for a in plan.actions} | {r.line for r in plan.recommendations})
    first = action_of(path, action_id).line
    following = [s for s in starts if s > first]
    last = (following[0] - 1) if following else len(lines)
    while not lines[last - 1].strip() or lines[last - 1].lstrip().startswith("#"):
        last -= 1
    return range(first, last + 1)


CASES = [
    (["done", "3.1", "--on", "1.10.12", "--evidence", "Audit report to DMT"],
     "3.1", lambda a: (a.progress, a.completed, a.evidence) ==
     ("completed", date(2012, 10, 1), ("Audit report to DMT",))),
    (["done", "8.4", "--on", "9.10.12"], "8.4",
     lambda a: a.reported == (date(2012, 10, 9),) and a.progress == "not-started"),
    (["done", "13.2", "--on", "8.10.12"], "13.2",
     lambda a: [m.done for m in a.milestones] == [True, False]),
    (["start", "4.1"], "4.1", lambda a: a.progress == "in-progress"),
    (["drop", "16.1", "--reason", "Same as 15.1"], "16.1",
     lambda a: a.progress == "dropped" and a.updates[-1].text == "Dropped: Same as 15.1"),
    (["note", "19.3", "CiCC met on 2 Oct: report drafted", "--on", "3.10.12", "--by", "Open Door"],
     "19.3", lambda a: a.updates == (Update(date(2012, 10, 3), "CiCC met on 2 Oct: report drafted",
                                            "Open Door"),)),
    (["reschedule", "3.1", "30.11.12", "--reason", "Sample delayed"], "3.1",
     lambda a: a.timescale.first_due == date(2012, 11, 30)
     and a.updates[-1].text == "Rescheduled from By 14.9.12 to By 30.11.12: Sample delayed"),
    (["assign", "3.1", "sm-qa"], "3.1", lambda a: a.leads == ("Service Manager QA",)),
]


@pytest.mark.parametrize("args,action_id,check", CASES, ids=[c[0][0] + " " + c[1] for c in CASES])
def test_each_command_changes_only_its_action(run, bundled, args, action_id, check):
    old = bundled.read_bytes()
    span = action_span(bundled, action_id)
    before = {a.id: a for a in plan_of(bundled).actions}
    result = run(*args, "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    new = bundled.read_bytes()
    assert new != old
    touched = changed_old_lines(old, new)
    assert touched and touched <= set(span), (touched, span)
    assert check(action_of(bundled, action_id))
    after = {a.id: a for a in plan_of(bundled).actions}
    for aid, a in before.items():
        if aid != action_id:
            assert after[aid] == evolve(a, line=after[aid].line)
    assert result.stdout == ""
    assert result.stderr.startswith(f"{action_id}: ")


def test_dry_run_prints_a_diff_and_writes_nothing(run, bundled):
    old = bundled.read_bytes()
    result = run("done", "3.1", "--dry-run", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert bundled.read_bytes() == old
    assert result.stdout.startswith("--- a/plans/thurrock-2012-slac.yaml\n+++ b/plans/")
    added = [line for line in result.stdout.splitlines() if line.startswith("+") and "+++" not in line]
    assert added == ["+        status: completed", "+        completed: 2012-10-09"]


def test_crlf_file_stays_crlf(run, bundled):
    bundled.write_bytes(b"\xef\xbb\xbf" + bundled.read_bytes().replace(b"\n", b"\r\n"))
    old = bundled.read_bytes()
    assert run("note", "3.1", "Chased", "--today", TODAY).exit_code == 0
    new = bundled.read_bytes()
    assert new.startswith(b"\xef\xbb\xbf") and b"\n" not in new.replace(b"\r\n", b"")
    assert changed_old_lines(old, new) == {118}  # insertion after the last line of 3.1


def test_unknown_id_exits_2_with_the_nearest(run, bundled):
    old = bundled.read_bytes()
    result = run("done", "3.9", "--today", TODAY)
    assert result.exit_code == 2
    assert result.stderr == "planctl: error: no action '3.9'; did you mean 3.2, 3.1?\n"
    assert bundled.read_bytes() == old


def test_an_id_in_two_plans_must_be_told_apart(run, bundled):
    other = bundled.parent / "other.yaml"
    other.write_text(bundled.read_text().replace("plan:\n", "plan:\n  id: other\n", 1))
    result = run("done", "3.1", "--today", TODAY)
    assert result.exit_code == 2
    assert "say which: other:3.1, thurrock-2012-slac:3.1" in result.stderr
    assert run("done", "other:3.1", "--today", TODAY).exit_code == 0
    assert action_of(other, "3.1").progress == "completed"
    assert action_of(bundled, "3.1").progress == "not-started"


def test_bad_date_and_missing_reason_are_usage_errors(run, bundled):
    old = bundled.read_bytes()
    assert run("done", "3.1", "--on", "10/27/12").exit_code == 2
    assert run("drop", "3.1").exit_code == 2
    assert run("reschedule", "3.1", "31.9.12", "--reason", "x").exit_code == 2
    assert bundled.read_bytes() == old


def test_missing_folder_is_one_line(run, tmp_path):
    result = run("--plans", str(tmp_path / "nowhere" / "p.yaml"), "done", "3.1")
    assert result.exit_code == 3
    assert len(result.stderr.splitlines()) == 1


def test_read_only_plan_is_one_line_and_untouched(run, bundled):
    old = bundled.read_bytes()
    bundled.chmod(0o444)
    result = run("done", "3.1", "--today", TODAY)
    assert result.exit_code == 5
    assert result.stderr == ("planctl: error: plans/thurrock-2012-slac.yaml is read-only; "
                             "nothing was changed\n")
    assert bundled.read_bytes() == old


def test_assign_to_an_unknown_lead_warns_with_the_nearest(run, bundled):
    result = run("assign", "3.1", "Service Manger QA")
    assert result.exit_code == 0
    assert "planctl: warning: 'Service Manger QA' is not one of the plan's leads; did you mean " \
           "'Service Manager QA'?" in result.stderr
    assert action_of(bundled, "3.1").leads == ("Service Manger QA",)


def test_a_no_op_writes_nothing(run, bundled):
    run("start", "3.1")
    stamp = bundled.stat().st_mtime_ns
    result = run("start", "3.1")
    assert result.exit_code == 0 and "nothing to change" in result.stderr
    assert bundled.stat().st_mtime_ns == stamp


def test_as_of_is_refused(run, bundled):
    assert run("done", "3.1", "--as-of", "2012-10-01").exit_code == 2


def test_every_edit_command_has_examples(run):
    for name in ("done", "start", "drop", "note", "reschedule", "assign"):
        result = run(name, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.stdout and f"planctl {name} " in result.stdout


# -- --commit ------------------------------------------------------------------------


@pytest.fixture
def repo(git_repo, bundled):
    git_repo("add", "plans")
    git_repo("commit", "-q", "-m", "The plan as published")
    return git_repo


def test_commit_commits_the_plan_alone_with_a_structured_message(run, repo, bundled, tmp_path):
    (tmp_path / "notes.txt").write_text("staged, not for this commit\n")
    repo("add", "notes.txt")
    result = run("done", "3.1", "--on", "2012-10-01", "--evidence", "Audit report", "--commit")
    assert result.exit_code == 0, result.stderr
    assert repo("log", "-1", "--format=%s") == "3.1: completed 2012-10-01\n"
    body = repo("log", "-1", "--format=%b")
    assert "Evidence: Audit report" in body and "Plan: thurrock-2012-slac, action 3.1" in body
    assert repo("show", "--name-only", "--format=", "HEAD").split() == ["plans/thurrock-2012-slac.yaml"]
    tracked = [line for line in repo("status", "--porcelain").splitlines() if not line.startswith("??")]
    assert tracked == ["A  notes.txt"]  # still staged, still not committed
    assert repo("show", "HEAD:plans/thurrock-2012-slac.yaml") == bundled.read_text()


def test_commit_messages_say_what_happened(run, repo):
    run("reschedule", "3.2", "30.11.12", "--reason", "DMT moved", "--today", TODAY, "--commit")
    run("drop", "16.1", "--reason", "Same as 15.1", "--today", TODAY, "--commit")
    subjects = repo("log", "-2", "--format=%s").splitlines()
    assert subjects == ["16.1: dropped", "3.2: rescheduled from By 27.10.12 to By 30.11.12"]
    assert "Reason: DMT moved" in repo("log", "-1", "--skip=1", "--format=%b")


def test_commit_outside_git_is_refused_before_writing(run, bundled):
    old = bundled.read_bytes()
    result = run("done", "3.1", "--commit")
    assert result.exit_code == 4
    assert "not in a git repository; nothing was changed" in result.stderr
    assert bundled.read_bytes() == old


def test_commit_refuses_a_plan_with_uncommitted_changes_of_its_own(run, repo, bundled):
    bundled.write_text(bundled.read_text() + "# a hand edit, not committed\n")
    old = bundled.read_bytes()
    result = run("done", "3.1", "--commit")
    assert result.exit_code == 4 and "has changes that are not committed" in result.stderr
    assert bundled.read_bytes() == old


# -- many writers at once ------------------------------------------------------------------


@pytest.mark.slow
def test_concurrent_edits_from_many_processes_are_all_kept(bundled, tmp_path):
    shutil.copy(bundled, tmp_path / "plan.yaml")
    ids = [a.id for a in plan_of(bundled).actions if a.progress == "not-started"][:12]
    env = {**os.environ, "PLANCTL_PLANS": str(tmp_path / "plan.yaml"), "PLANCTL_TODAY": TODAY}
    procs = []
    for i, aid in enumerate(ids):
        args = ["note", aid, f"note number {i}"] if i % 2 else ["done", aid, "--evidence", f"proof {i}"]
        procs.append(subprocess.Popen([*planctl_exe(), *args], env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    results = [(p.wait(), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    acknowledged = [aid for aid, (code, _) in zip(ids, results, strict=True) if code == 0]
    assert acknowledged == ids, results
    plan = plan_of(tmp_path / "plan.yaml")
    got = {a.id: a for a in plan.actions}
    for i, aid in enumerate(ids):
        if i % 2:
            assert got[aid].updates[-1].text == f"note number {i}"
        else:
            assert got[aid].progress == "completed" and got[aid].evidence == (f"proof {i}",)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_broken_plan_elsewhere_does_not_stop_an_edit_but_is_shown_when_the_id_is_missing(run, bundled):
    broken = bundled.parent / "broken.yaml"
    broken.write_text("plan:\n  title: Broken\nrecommendations:\n  - text: R\n    actions:\n"
                      "      - text: A\n        status: finished-ish\n")
    assert run("done", "3.1", "--today", TODAY).exit_code == 0
    result = run("done", "99.1", "--today", TODAY)
    assert result.exit_code == 3
    assert "broken.yaml:7:17: action 1.1 status 'finished-ish'" in result.stderr


def test_a_note_after_a_same_day_reschedule_is_the_latest_update(run, bundled):
    # Two updates on one day: the later in the file is the latest (it was written after).
    assert run("reschedule", "3.1", "30.11.12", "--reason", "Sample delayed",
               "--today", TODAY).exit_code == 0
    assert run("note", "3.1", "Fieldwork restarted", "--today", TODAY).exit_code == 0
    shown = run("show", "3.1", "--today", TODAY)
    assert shown.exit_code == 0, shown.stderr
    latest = [line for line in shown.stdout.splitlines() if "Latest update" in line]
    assert len(latest) == 1 and latest[0].endswith("Fieldwork restarted"), shown.stdout
    status = run("status", "--format", "json", "--today", TODAY)
    entry = next(a for a in json.loads(status.stdout)["actions"] if a["id"] == "3.1")
    assert entry["latest_update"]["text"] == "Fieldwork restarted"
    show_json = json.loads(run("show", "3.1", "--format", "json", "--today", TODAY).stdout)
    assert show_json["action"]["latest_update"]["text"] == "Fieldwork restarted"


DONE_TODAY_PLAN = """\
plan:
  title: Done on the day
  inspection:
    published: 2012-07-27
recommendations:
  - text: Reports
    actions:
      - text: One explicit milestone
        milestones:
          - {due: 27.10.12, text: Initial report}
      - text: Two dates in the timescale
        due: Initial report by 27.10.12, with follow up by 27.3.13
      - text: An ordinary action
        due: By 27.10.12
      - text: A quarterly report
        due: Quarterly, first by 27.10.12
"""


@pytest.mark.parametrize("action_id, status, next_due", [
    ("1.1", "completed", None),             # its one milestone done today: done
    ("1.2", "on-track", "2013-03-27"),      # the first date reported today: the follow-up is next
    ("1.3", "completed", None),             # completed today, as `completed:` always counted
    ("1.4", "on-track", "2013-01-27"),      # reported today: the next quarter is next
])
def test_done_on_the_as_at_date_counts_as_done_that_day(run, write_plan, action_id, status, next_due):
    # docs/plan-format.md, "Status as at a date" rule 1: a milestone done, a date
    # reported or an action completed ON the as-at date is done as at that date, the
    # same for all three (a milestone done today is not still due soon today).
    write_plan(DONE_TODAY_PLAN)
    day = "2012-10-26"
    assert run("done", action_id, "--today", day).exit_code == 0
    result = run("status", "--format", "json", "--today", day)
    entry = next(a for a in json.loads(result.stdout)["actions"] if a["id"] == action_id)
    assert (entry["status"], entry["due"]) == (status, next_due)


def test_a_report_made_on_the_as_at_date_is_done_in_the_calendar(run, write_plan):
    # The calendar counts deadlines as the status does (evaluate.deadlines).
    write_plan(DONE_TODAY_PLAN)
    assert run("done", "1.4", "--today", "2012-10-26").exit_code == 0
    ics = run("report", "--format", "ics", "--today", "2012-10-26").stdout
    assert "SUMMARY:Done: 1.4 A quarterly report" in ics


@pytest.mark.parametrize("args, text", [
    (["note", "3.1", "- met with partners", "--by", "SM QA"], "- met with partners"),
    (["note", "--on", "1.10.12", "3.1", "-1 day slip agreed"], "-1 day slip agreed"),
    (["add", "3", "- re-audit the sample", "--due", "31.3.13"], "- re-audit the sample"),
    (["assign", "3.1", "-Sian"], "-Sian"),
])
def test_a_text_starting_with_a_dash_gets_told_how_to_write_it(run, bundled, args, text):
    # Click reads "- met ..." as an option; the error must say to put -- before it, and the
    # command line it suggests must do what was meant.
    before = bundled.read_bytes()
    result = run(*args, "--today", TODAY)
    assert result.exit_code == 2 and bundled.read_bytes() == before
    message = result.stderr.strip()
    assert message.count("\n") == 0 and "put -- before it" in message, message
    suggested = shlex.split(message.split("after the options: ", 1)[1].split(" (see ")[0])
    assert suggested[0] == "planctl" and suggested[-2:] == ["--", text]
    done = run(*suggested[1:])
    assert done.exit_code == 0, done.stderr
    assert text.encode() in bundled.read_bytes()


def test_a_mistyped_long_option_is_not_taken_for_text(run, bundled):
    result = run("note", "3.1", "Chased", "--bogus", "--today", TODAY)
    assert result.exit_code == 2 and "put -- before it" not in result.stderr
