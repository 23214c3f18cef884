"""The edit commands on the bundled plan: byte-for-byte diffs, git commits, many writers at once."""

from __future__ import annotations

import dataclasses
import difflib
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from conftest import planctl_exe
from planctl.core.model import Update
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
            assert after[aid] == dataclasses.replace(a, line=after[aid].line)
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
