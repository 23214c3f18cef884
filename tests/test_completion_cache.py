"""Completion dates from git, kept in the cache by the commit they were worked out at
(history/completion.py, store/cache/state.py): always the dates a walk from the first
commit gives, whatever happened to the history or to the cache since."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import as_json
from planctl.history.completion import completion_dates, kept_completion_dates
from planctl.store.cache import cache_dir, clear
from planctl.store.gitstore import plan_versions

STATUSES = ["not-started", "in-progress", "completed"]


def plan_text(status: dict[int, str], actions: int = 8) -> str:
    out = ["plan:\n  title: Kept dates\nrecommendations:\n"]
    for r in range(actions // 4):
        out.append(f'  - id: "{r + 1}"\n    text: Recommendation {r + 1}\n    actions:\n')
        for k in range(r * 4, r * 4 + 4):
            out.append(f"      - text: Action {k} checks the files and reports to the team\n"
                       f"        due: By 1.{k % 12 + 1}.13\n        lead: Service Manager\n"
                       f"        status: {status.get(k, 'not-started')}\n")
    return "".join(out)


@pytest.fixture
def repo(tmp_path, git_repo):
    """commit(status, day): write the plan with these statuses and commit it on that day."""
    path = tmp_path / "plans" / "p.yaml"
    path.parent.mkdir()

    def commit(status: dict[int, str], day: str, message: str = "edit") -> None:
        path.write_text(plan_text(status), encoding="utf-8")
        git_repo("add", "-A")
        git_repo("commit", "-q", "--allow-empty", "-m", message, date=f"{day}T10:00:00+01:00")

    commit({0: "completed"}, "2012-08-01", "Plan as agreed")
    commit({0: "completed", 1: "completed"}, "2012-09-03")
    commit({0: "completed", 1: "completed", 2: "in-progress"}, "2012-09-20")
    return commit


PATHS = [Path("plans")]
WANTED = {("p", f"{r + 1}.{k + 1}") for r in range(2) for k in range(4)}


def fresh() -> dict:
    return completion_dates(plan_versions(PATHS).versions, WANTED)


def kept() -> dict:
    return kept_completion_dates(PATHS, "HEAD", WANTED)



def git_commands(tmp_path, monkeypatch) -> list[str]:
    """The git commands kept_completion_dates starts (GIT_TRACE: git's own record)."""
    trace = tmp_path / "trace"
    trace.unlink(missing_ok=True)
    monkeypatch.setenv("GIT_TRACE", str(trace))
    kept()
    monkeypatch.delenv("GIT_TRACE")
    return [line.split("trace: built-in: git ", 1)[1].split()[0]
            for line in trace.read_text().splitlines() if "trace: built-in: git " in line]


def test_the_kept_dates_are_a_fresh_walks_and_a_second_run_reads_no_history(repo, tmp_path,
                                                                             monkeypatch):
    first = kept()
    assert first == fresh() and first[("p", "1.2")].isoformat() == "2012-09-03"
    assert ("p", "1.1") not in first  # completed when first committed: no date to give
    assert git_commands(tmp_path, monkeypatch) == ["rev-parse"]  # nothing new: no log, no blobs


def test_new_commits_extend_the_kept_dates(repo, tmp_path, monkeypatch):
    kept()
    repo({0: "completed", 1: "completed", 2: "completed"}, "2012-10-02")
    repo({0: "completed", 1: "in-progress", 2: "completed", 5: "completed"}, "2012-10-05")
    repo({0: "completed", 1: "completed", 2: "completed", 5: "completed"}, "2012-10-08")
    assert "log" in git_commands(tmp_path, monkeypatch)
    got = kept()
    assert got == fresh()
    assert {k[1]: d.isoformat() for k, d in got.items()} == {
        "1.2": "2012-10-08", "1.3": "2012-10-02", "2.2": "2012-10-05"}


def test_an_amended_commit_is_walked_again(repo, git_repo, tmp_path):
    repo({0: "completed", 1: "completed", 2: "completed"}, "2012-10-02")
    assert kept()[("p", "1.3")].isoformat() == "2012-10-02"
    git_repo("commit", "-q", "--amend", "-m", "done later", date="2012-10-04T10:00:00+01:00")
    got = kept()
    assert got == fresh() and got[("p", "1.3")].isoformat() == "2012-10-04"


def test_a_reset_drops_what_the_lost_commits_completed(repo, git_repo):
    repo({0: "completed", 1: "completed", 2: "completed"}, "2012-10-02")
    assert ("p", "1.3") in kept()
    git_repo("reset", "-q", "--hard", "HEAD~1")
    got = kept()
    assert got == fresh() and ("p", "1.3") not in got


def test_a_rename_after_the_kept_commit_gives_every_version_the_new_plan_id(repo, git_repo):
    kept()
    git_repo("mv", "plans/p.yaml", "plans/q.yaml")
    git_repo("commit", "-q", "-m", "renamed", date="2012-10-02T10:00:00+01:00")
    wanted = {("q", k) for _, k in WANTED}
    got = kept_completion_dates(PATHS, "HEAD", wanted)
    assert got == completion_dates(plan_versions(PATHS).versions, wanted)
    assert got[("q", "1.2")].isoformat() == "2012-09-03"


@pytest.mark.parametrize("damage", ["deleted", "truncated", "flipped", "forged"])
def test_a_damaged_cache_is_ignored(repo, damage):
    from planctl.store.cache import entries

    before = kept()
    files = [p for p in cache_dir().glob("v*/*") if p.is_file()]
    assert files
    if damage == "deleted":
        assert clear() == len(files)
    for p in files if damage != "deleted" else []:
        blob = p.read_bytes()
        if damage == "truncated":
            p.write_bytes(blob[: len(blob) // 2])
        elif damage == "flipped":
            p.write_bytes(blob[:-5] + bytes(b ^ 0xFF for b in blob[-5:]))
        else:  # a whole, well-formed entry whose payload is not a state
            key = blob.split(b"\n")[1].split()[1].decode()
            entries.write_entry(p, key, b"\x93\xa3abc\x01\xc0")
    repo({0: "completed", 1: "completed", 6: "completed"}, "2012-10-02")
    got = kept()
    assert got == fresh() and got != before and got[("p", "2.3")].isoformat() == "2012-10-02"


def test_status_at_a_past_date_uses_the_kept_dates(repo, run, git_repo):
    # 1.3 completed on 2 October (no `completed:` date): judged on 1 October it is not done.
    repo({0: "completed", 1: "completed", 2: "completed"}, "2012-10-02")
    for _ in range(2):  # the first run keeps the dates, the second reads them back
        early = as_json(run("show", "1.3", "--today", "2012-10-01", "--format", "json"))["action"]
        late = as_json(run("show", "1.3", "--today", "2012-10-09", "--format", "json"))["action"]
        assert early["status"] != "completed"
        assert (late["completed"], late["completed_source"]) == ("2012-10-02", "git")
    assert os.listdir(cache_dir())


def test_history_kept_in_parts_survives_losing_some_of_them(repo, run, git_repo):
    """A version kept in parts (store/cache/parts.py) whose recommendation entries are gone
    or damaged is read from git again: the same history."""
    repo({0: "completed", 1: "in-progress", 6: "completed"}, "2012-10-02")
    repo({0: "completed", 1: "completed", 6: "completed", 7: "in-progress"}, "2012-10-05")
    first = run("history", "--format", "json")
    assert first.exit_code == 0, first.stderr
    files = sorted(p for p in cache_dir().glob("v*/*") if p.is_file())
    for n, p in enumerate(files):
        if n % 3 == 0:
            p.unlink()
        elif n % 3 == 1:
            p.write_bytes(p.read_bytes()[:-3] + b"xyz")
    again = run("history", "--format", "json")
    assert again.exit_code == 0 and again.stdout == first.stdout


def test_the_today_note_follows_new_commits_within_one_process(repo, run):
    """The --today note reuses what was kept for HEAD only within the command that resolved
    it: a commit between two runs in one process is seen."""
    said = "changed in git after 2012-10-01"
    for _ in range(2):  # the second run reads what the first kept
        first = run("status", "--today", "2012-10-01")
        assert first.exit_code == 0 and said not in first.stderr
    repo({0: "completed", 1: "completed", 2: "completed"}, "2012-10-05")
    later = run("status", "--today", "2012-10-01")
    assert later.exit_code == 0 and said in later.stderr
    assert said in run("status", "--today", "2012-10-01").stderr


def test_the_today_note_is_not_taken_from_another_commands_head(repo, run):
    """`history` resolves HEAD too, and hands nothing over: a commit after it is seen by the
    next --today note even when that command reads no completion dates from git."""
    repo({}, "2012-09-25")  # nothing completed: a past --today reads no completion dates
    said = "changed in git after 2012-10-01"
    assert run("history").exit_code == 0
    assert said not in run("status", "--today", "2012-10-01").stderr
    assert run("history").exit_code == 0
    repo({3: "in-progress"}, "2012-10-05", "a later edit")
    assert said in run("status", "--today", "2012-10-01").stderr


def test_a_past_today_at_a_known_commit_starts_one_git_process(repo, run, tmp_path, monkeypatch):
    """The completion dates and the --today note both come from what was kept for HEAD:
    git is asked only what HEAD is, and not for the repository around a submodule (which
    git finds with a process of its own: nothing here says it)."""
    assert run("status", "--today", "2012-09-10").exit_code == 0  # keeps both
    trace = tmp_path / "trace"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    again = run("status", "--today", "2012-09-10")
    monkeypatch.delenv("GIT_TRACE")
    assert again.exit_code == 0 and "changed in git after 2012-09-10" in again.stderr
    started = [line.split("trace: built-in: git ", 1)[1].split()[0]
               for line in trace.read_text().splitlines() if "trace: built-in: git " in line]
    assert started == ["rev-parse"]
    assert "run_command" not in trace.read_text()  # git itself started no process
