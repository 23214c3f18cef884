"""The audit trail against real git: dated commits, several authors, a renamed and a deleted
plan file, tags per committee meeting, shallow clones, detached HEAD, uncommitted changes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import as_json
from planctl.format.reader import load_text
from planctl.store.gitstore import load_as_of, plan_versions

PLAN = """\
plan:
  title: Test plan
  inspection:
    published: 2012-07-27
leads:
  fst: Service Manager FST
  qa: Service Manager QA
recommendations:
  - id: "3"
    text: Written responses to referrers
    actions:
      - text: Audit of compliance
        due: {due31}
        lead: fst
      - text: Report on audit to DMT
        due: By 27.10.12
        lead: qa{status32}
  - id: "4"
    text: Records kept on time
    actions:
      - text: Training for staff
        due: By 27.10.12
        lead: {lead41}
"""

EXTRA = """\
plan:
  title: Extra plan
recommendations:
  - text: Something else
    actions:
      - text: One more thing
        due: By 1.12.12
        lead: Someone
"""


def plan(due31="By 14.9.12", lead41="qa", status32=""):
    return PLAN.format(due31=due31, lead41=lead41, status32=status32)


def stamp(day: str) -> str:
    return f"{day}T12:00:00+01:00"


@pytest.fixture
def story(tmp_path, git_repo):
    """Seven commits by three people; tags committee-2012-09 (commit 2) and -10 (commit 5)."""
    git = git_repo
    plans = tmp_path / "plans"
    plans.mkdir()
    (tmp_path / "README").write_text("not a plan\n")

    def commit(day, author, message):
        git("add", "-A")
        git("commit", "-q", "-m", message, date=stamp(day), author=author)

    (plans / "slac.yaml").write_text(plan())
    commit("2012-08-20", "Alice Archer", "Plan as agreed by SMT")
    (plans / "slac.yaml").write_text(plan(due31="By 30.9.12"))
    commit("2012-09-10", "Bob Brown", "3.1 later: staff sickness")
    git("tag", "committee-2012-09")
    (plans / "slac.yaml").write_text(plan(due31="By 31.10.12", lead41="fst"))
    commit("2012-09-25", "Carol Clark", "3.1 later again; 4.1 moves to FST")
    git("mv", "plans/slac.yaml", "plans/slac-2012.yaml")
    commit("2012-10-02", "Bob Brown", "Rename the plan file")
    (plans / "slac-2012.yaml").write_text(plan(due31="By 31.10.12", lead41="fst",
                                               status32="\n        status: completed"))
    commit("2012-10-05", "Alice Archer", "3.2 done")
    git("tag", "committee-2012-10")
    (plans / "extra.yaml").write_text(EXTRA)
    commit("2012-10-08", "Carol Clark", "An extra plan")
    (plans / "extra.yaml").unlink()
    (tmp_path / "README").write_text("still not a plan\n")
    commit("2012-10-09", "Carol Clark", "Extra plan withdrawn")
    return git


def statuses(data):
    return {(a["plan"], a["id"]): (a["due"], a["status"]) for a in data["actions"]}


# -- --as-of ---------------------------------------------------------------------------


def test_as_of_a_date_reads_the_last_commit_on_or_before_it_and_judges_as_at_it(story, run):
    data = as_json(run("status", "--as-of", "2012-09-30", "--format", "json"))
    assert data["as_of"] == "2012-09-30"
    # Commit 3 (25 Sep): 3.1 due 31 Oct; 3.2 still open; the plan id is today's file name.
    assert statuses(data)[("slac-2012", "3.1")] == ("2012-10-31", "on-track")
    assert statuses(data)[("slac-2012", "3.2")] == ("2012-10-27", "on-track")


def test_as_of_a_tag_judges_as_at_its_commit_date(story, run):
    data = as_json(run("status", "--as-of", "committee-2012-09", "--format", "json"))
    assert data["as_of"] == "2012-09-10"
    assert statuses(data)[("slac-2012", "3.1")] == ("2012-09-30", "on-track")


def test_today_overrides_the_judging_date_of_as_of(story, run):
    data = as_json(run("overdue", "--as-of", "committee-2012-09", "--today", "2012-10-01",
                       "--format", "json"))
    assert data["as_of"] == "2012-10-01"
    assert [(a["id"], a["days_overdue"]) for a in data["actions"]] == [("3.1", 1)]


def test_as_of_sees_files_added_and_deleted_later(story, run):
    before = as_json(run("leads", "--as-of", "2012-10-08", "--format", "json"))
    now = as_json(run("leads", "--as-of", "HEAD", "--format", "json"))
    assert "Someone" in [entry["lead"] for entry in before["leads"]]
    assert "Someone" not in [entry["lead"] for entry in now["leads"]]


def test_as_of_show_uses_the_committed_text(story, run):
    data = as_json(run("show", "3.2", "--as-of", "committee-2012-09", "--format", "json"))
    assert data["action"]["progress"] == "not-started"
    data = as_json(run("show", "3.2", "--as-of", "committee-2012-10", "--format", "json"))
    assert data["action"]["status"] == "completed"


def test_as_of_before_the_first_commit_is_an_error(story, run):
    result = run("status", "--as-of", "2012-01-01")
    assert result.exit_code == 4
    assert "no commit on or before 2012-01-01" in result.stderr
    assert "2012-08-20" in result.stderr


def test_unknown_revision_is_one_line_and_exit_4(story, run):
    for args in (["status", "--as-of", "committee-2099"], ["diff", "nope"],
                 ["history", "--since", "nope"]):
        result = run(*args)
        assert result.exit_code == 4, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "unknown revision" in lines[0], result.stderr
        assert "Traceback" not in result.stderr


def test_a_revision_that_looks_like_an_option_is_refused(story, run, tmp_path):
    # Each reaches gitstore: Click takes what follows `--` as arguments and `--opt=VALUE`
    # as a value. Handed on, `git log --output=FILE` would write FILE.
    leak = tmp_path / "leak"
    option = f"--output={leak}"
    for args in (["diff", "--", option], ["diff", "HEAD", "--", option],
                 ["status", f"--as-of={option}"], ["history", f"--since={option}"],
                 ["report", f"--since={option}"]):
        result = run(*args)
        assert result.exit_code == 4, args
        assert result.stderr.strip().splitlines() == [f"planctl: error: {option!r} is not a revision"]
        assert not list(tmp_path.glob("leak*")), args


def test_load_as_of_gives_a_load_result_with_paths_at_the_commit(story, tmp_path):
    result = load_as_of([tmp_path / "plans"], "committee-2012-09")
    assert [p.id for p in result.plans] == ["slac-2012"]
    assert result.plans[0].path.endswith(":plans/slac.yaml")
    assert result.problems == ()


# -- from a subfolder, and outside git ------------------------------------------------------


def test_plan_paths_in_a_subfolder_map_into_the_repository(story, run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path / "plans")
    data = as_json(run("--plans", ".", "slippage", "--format", "json"))
    assert [(a["id"], a["days_slipped"]) for a in data["actions"]] == [("3.1", 47)]
    data = as_json(run("--plans", "slac-2012.yaml", "history", "--format", "json"))
    # one file followed through its rename back to the first commit
    assert [c["date"] for c in data["commits"]][-1] == "2012-08-20"
    assert all(a["plan"] == "slac-2012" for c in data["commits"] for a in c["actions"])


def test_outside_a_repository_the_git_commands_say_so_and_the_rest_works(run, bundled):
    for args in (["history"], ["slippage"], ["diff", "HEAD"], ["status", "--as-of", "HEAD"]):
        result = run(*args)
        assert result.exit_code == 4, args
        assert "not in a git repository" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert run("status").exit_code == 0


def test_without_git_installed_the_message_says_so(story, run, tmp_path, monkeypatch):
    empty = tmp_path / "no-git"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = run("history")
    assert result.exit_code == 4
    assert "git is not installed" in result.stderr


def test_a_repository_without_commits(run, git_repo, write_plan):
    write_plan(plan())
    result = run("history")
    assert result.exit_code == 4
    assert "no commits yet" in result.stderr


# -- shallow clones, detached HEAD, uncommitted changes --------------------------------------


def test_shallow_clone_history_stops_at_the_boundary_and_says_so(story, run, tmp_path, monkeypatch):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "3", f"file://{tmp_path}", str(clone)],
                   check=True, capture_output=True)
    monkeypatch.chdir(clone)
    result = run("history", "--format", "json")
    data = as_json(result)
    assert "shallow clone; history stops at" in result.stderr
    assert "2012-10-05" in result.stderr  # the boundary: the third commit from the tip
    assert data["shallow"] is True
    assert [c["subject"] for c in data["commits"]] == ["Extra plan withdrawn", "An extra plan"]
    # Nothing slipped within what the clone can see.
    assert as_json(run("slippage", "--format", "json"))["actions"] == []


def test_detached_head_reads_history_up_to_the_checked_out_commit(story, run):
    story("checkout", "-q", "--detach", "committee-2012-09")
    data = as_json(run("slippage", "--format", "json"))
    assert [(a["id"], a["first_due"], a["current_due"]) for a in data["actions"]] == [
        ("3.1", "2012-09-14", "2012-09-30")]
    assert len(as_json(run("history", "--format", "json"))["commits"]) == 2


def test_uncommitted_changes_are_noted_and_diff_shows_them(story, run, tmp_path):
    path = tmp_path / "plans" / "slac-2012.yaml"
    path.write_text(plan(due31="By 30.11.12", lead41="fst", status32="\n        status: completed"))
    result = run("history")
    assert result.exit_code == 0
    assert "working tree differs from HEAD" in result.stderr
    data = as_json(run("diff", "HEAD", "--format", "json"))
    assert data["to"]["rev"] == "working tree"
    assert [(r["id"], r["from_date"], r["to_date"], r["days"]) for r in data["rescheduled"]] == [
        ("3.1", "2012-10-31", "2012-11-30", 30)]


def test_clean_working_tree_has_no_note(story, run):
    result = run("history")
    assert result.exit_code == 0
    assert "differs" not in result.stderr


def test_merges_count_once_along_the_first_parent(story, run, tmp_path):
    git = story
    git("checkout", "-q", "-b", "side")
    (tmp_path / "plans" / "slac-2012.yaml").write_text(
        plan(due31="By 15.11.12", lead41="fst", status32="\n        status: completed"))
    git("commit", "-q", "-am", "3.1 later on a branch", date=stamp("2012-10-10"), author="Dan Dee")
    git("checkout", "-q", "main")
    git("merge", "-q", "--no-ff", "-m", "Merge the branch", "side", date=stamp("2012-10-11"))
    data = as_json(run("slippage", "--format", "json"))
    moves = data["actions"][0]["changes"]
    assert [(m["date"], m["message"], m["to"]) for m in moves][-1] == (
        "2012-10-11", "Merge the branch", "2012-11-15")
    assert data["actions"][0]["days_slipped"] == 16 + 31 + 15  # 14 Sep -> 15 Nov


# -- a constant number of git processes ------------------------------------------------------


REAL_GIT = shutil.which("git")


def git_calls(tmp_path, monkeypatch, run, *args) -> list[str]:
    """Run planctl with a git on PATH that logs each call and runs the real git."""
    shim = tmp_path / "shim"
    log = tmp_path / "git-calls.log"
    if not shim.exists():
        shim.mkdir()
        (shim / "git").write_text(f'#!/bin/sh\necho "$1" >> "{log}"\nexec "{REAL_GIT}" "$@"\n')
        (shim / "git").chmod(0o755)
        monkeypatch.setenv("PATH", f"{shim}{os.pathsep}{os.environ['PATH']}")
    log.unlink(missing_ok=True)
    assert run(*args).exit_code == 0
    return log.read_text().split()


@pytest.mark.slow
def test_git_processes_do_not_grow_with_the_history(story, run, tmp_path, monkeypatch):
    short = git_calls(tmp_path, monkeypatch, run, "history", "--format", "json")
    path = tmp_path / "plans" / "slac-2012.yaml"
    for n in range(1, 13):
        path.write_text(path.read_text() + f"# note {n}\n")
        story("commit", "-q", "-am", f"note {n}", date=stamp(f"2012-11-{n:02d}"))
    long = git_calls(tmp_path, monkeypatch, run, "history", "--format", "json")
    assert long == short
    assert long.count("log") == 1 and long.count("cat-file") == 1


# -- many versions: the real loader, through the parse cache keyed by blob id -------------


def test_versions_equal_load_text_of_each_commit(story, tmp_path):
    found = plan_versions([tmp_path / "plans"])
    for v in found.versions:
        for path, blob, plan_id in v.files:
            data = subprocess.run(["git", "cat-file", "blob", blob], cwd=tmp_path, check=True,
                                  capture_output=True).stdout
            expected = load_text(data, f"{v.commit.short}:{path}", plan_id)[0]
            assert [p for p in v.plans if p.id == plan_id] == [expected]


def test_history_parses_a_version_seen_before_from_the_cache(story, run, tmp_path):
    entries = tmp_path / "cache" / "planctl"
    first = run("history", "--format", "json")
    assert first.exit_code == 0
    count = len(list(entries.glob("v*/*")))
    assert count > 0
    # Back to an earlier content: the same blob, already in the cache, so no new entry.
    path = tmp_path / "plans" / "slac-2012.yaml"
    before = path.read_text()
    path.write_text(before + "# a comment\n")
    story("commit", "-q", "-am", "A comment", date=stamp("2012-11-01"))
    assert len(list(entries.glob("v*/*"))) == count
    run("history", "--format", "json")
    assert len(list(entries.glob("v*/*"))) == count + 1
    path.write_text(before)
    story("commit", "-q", "-am", "Comment taken out", date=stamp("2012-11-02"))
    again = run("history", "--format", "json")
    assert len(list(entries.glob("v*/*"))) == count + 1
    assert [c["subject"] for c in json.loads(again.stdout)["commits"]] == \
        [c["subject"] for c in json.loads(first.stdout)["commits"]]  # comments change no action


def test_plan_versions_follows_the_rename(story, tmp_path):
    found = plan_versions([tmp_path / "plans"])
    assert [len(v.plans) for v in found.versions] == [1, 1, 1, 1, 1, 2, 1]
    assert {p.id for v in found.versions for p in v.plans} == {"slac-2012", "extra"}
    assert found.versions[0].plans[0].path.endswith(":plans/slac.yaml")


def test_status_without_as_of_imports_no_git_code(bundled, tmp_path):
    code = ("import sys; from planctl.cli import cli; cli(['status'], standalone_mode=False); "
            "print('GIT' if 'planctl.store.gitstore' in sys.modules else 'NOGIT', file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert out.stderr.strip().endswith("NOGIT"), out.stderr
    assert Path(tmp_path / "plans").is_dir()


def test_a_mistyped_tag_gets_the_nearest_tag(story, run):
    for args, tag in ((["diff", "committee-2012-9"], "committee-2012-09"),
                      (["status", "--as-of", "comittee-2012-10"], "committee-2012-10")):
        result = run(*args)
        assert result.exit_code == 4, args
        assert result.stderr.rstrip().endswith(f"; did you mean {tag!r}?"), result.stderr
    nothing_close = run("diff", "zzzz")
    assert nothing_close.exit_code == 4 and "did you mean" not in nothing_close.stderr


def test_as_of_an_annotated_tag_judges_at_the_tags_own_date_and_says_so(committed, git_repo, run):
    # Issue 21, item 4: the plan was last committed on 1 Aug 2012 and tagged for the meeting
    # on 12 Oct 2012; 3.1 (By 14.9.12) was overdue at the meeting, not on 1 Aug.
    git_repo("tag", "-a", "committee-2012-10", "-m", "O&S Committee, 12 October 2012",
             date="2012-10-12T18:00:00+01:00")
    result = run("status", "--as-of", "committee-2012-10", "--format", "json")
    data = as_json(result)
    assert data["as_of"] == "2012-10-12"
    assert "note: judged as at 12 Oct 2012, the date of tag committee-2012-10" in result.stderr
    lightweight = run("status", "--as-of", "committee-2012-09", "--format", "json")
    assert as_json(lightweight)["as_of"] == "2012-08-01"
    assert ("note: judged as at 1 Aug 2012, the commit date of committee-2012-09"
            in lightweight.stderr)


# -- messages for unusual repositories (issue 21, item 5) -----------------------------------


def _git_in(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "protocol.file.allow=always", *args], cwd=folder,
                          check=True, capture_output=True, text=True).stdout


def test_diff_takes_a_date_as_it_suggests(committed, git_repo, run):
    text = committed.read_text(encoding="utf-8")
    committed.write_text(text.replace("due: By 27.1.13", "due: By 9.3.13"), encoding="utf-8")
    git_repo("commit", "-q", "-am", "4.2 later", date="2012-10-12T10:00:00+01:00")
    data = as_json(run("diff", "2012-10-09", "HEAD", "--format", "json"))
    assert data["from"]["rev"] == "2012-10-09" and data["from"]["date"] == "2012-08-01"
    assert [(r["id"], r["days"]) for r in data["rescheduled"]] == [("4.2", 41)]
    assert as_json(run("diff", "2012-10-12", "--format", "json"))["rescheduled"] == []
    early = run("diff", "2012-07-01")
    assert early.exit_code == 4
    assert "no commit on or before 2012-07-01" in early.stderr


def test_a_bare_repository_gets_a_planctl_message(committed, tmp_path, run):
    bare = tmp_path / "bare.git"
    _git_in(tmp_path, "clone", "-q", "--bare", str(tmp_path), str(bare))
    result = run("history", "--plans", str(bare))
    assert result.exit_code == 4
    assert result.stderr.startswith(f"planctl: error: {bare} is a bare git repository")
    assert "git clone" in result.stderr and "work tree" not in result.stderr


def test_plans_in_a_submodule_use_its_history_and_say_so(committed, git_repo, tmp_path, run):
    git_repo("tag", "committee-2012-10")
    outer = tmp_path / "outer"
    outer.mkdir()
    _git_in(outer, "init", "-q", "-b", "main")
    _git_in(outer, "submodule", "add", "-q", str(tmp_path), "council")
    _git_in(outer, "commit", "-q", "-m", "The council's plans as a submodule")
    plans = outer / "council" / "plans"
    result = run("history", "--plans", str(plans), "--format", "json")
    assert [c["subject"] for c in as_json(result)["commits"]] == ["Plan as agreed"]
    assert (f"note: the plans are in a git submodule ({outer / 'council'}); its own history is "
            f"read, not that of the repository around it ({outer})") in result.stderr
    diff = run("diff", "committee-2012-09", "--plans", str(plans))
    assert diff.exit_code == 0 and "git submodule" in diff.stderr
    plain = run("history", "--format", "json")  # the repository itself: no note
    assert "submodule" not in plain.stderr


def test_a_tag_missing_from_a_shallow_clone_gets_a_hint_to_fetch_it(committed, git_repo, tmp_path, run):
    text = committed.read_text(encoding="utf-8")
    committed.write_text(text.replace("due: By 27.1.13", "due: By 9.3.13"), encoding="utf-8")
    git_repo("commit", "-q", "-am", "4.2 later", date="2012-10-12T10:00:00+01:00")
    shallow = tmp_path / "shallow"
    _git_in(tmp_path, "clone", "-q", "--depth", "1", "--no-tags", f"file://{tmp_path}",
            str(shallow))
    result = run("diff", "committee-2012-09", "--plans", str(shallow / "plans"))
    assert result.exit_code == 4
    assert "this is a shallow clone" in result.stderr
    assert "git fetch origin tag committee-2012-09" in result.stderr
    assert "git fetch --tags --unshallow" in result.stderr
