"""Leftovers of killed edits: the temp file a writer killed before its rename leaves in plans/.

The next write into that folder removes planctl's own stale temp files (dead writer, not a
link, ours, not in use), and `planctl init` tells git to ignore them. Real processes, real
git."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest


def dead_pid() -> int:
    """The PID of a process that has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def temp_name(plan: Path, pid: int, token: str) -> str:
    return f".{plan.name}.{pid}.{token}.planctl-tmp"


def test_the_next_edit_removes_stale_temp_files_and_keeps_live_ones(run, bundled, tmp_path):
    plans = bundled.parent
    dead = dead_pid()
    stale = plans / temp_name(bundled, dead, "0123abcd")
    stale.write_bytes(b"half an edit")
    other_plan_stale = plans / temp_name(plans / "other.yaml", dead, "4567cdef")
    other_plan_stale.write_bytes(b"half an edit of another plan")
    live = plans / temp_name(bundled, os.getpid(), "89abcdef")  # a writer still running
    live.write_bytes(b"being written")
    # Not planctl's, or not safe to judge: all kept.
    kept = [plans / f".notes.{dead}.planctl-tmp",          # not the temp-file pattern
            plans / f"{bundled.name}.{dead}.0123abcd.planctl-tmp",  # not a dot-file
            plans / temp_name(bundled, dead, "0123ABCD")]  # not planctl's hex
    for path in kept:
        path.write_bytes(b"someone else's")
    link = plans / temp_name(bundled, dead, "aaaabbbb")
    link.symlink_to(bundled)
    folder = plans / temp_name(bundled, dead, "ccccdddd")
    folder.mkdir()

    result = run("start", "4.1")
    assert result.exit_code == 0, result.stderr
    assert not stale.exists() and not other_plan_stale.exists()
    assert live.read_bytes() == b"being written"
    assert all(path.read_bytes() == b"someone else's" for path in kept)
    assert link.is_symlink() and bundled.is_file() and folder.is_dir()


def test_a_temp_file_a_writer_still_holds_is_kept_whatever_its_pid(run, bundled):
    """A writer in another PID namespace or on another machine: its PID means nothing here,
    but it holds the temp file's lock while writing."""
    in_use = bundled.parent / temp_name(bundled, dead_pid(), "0123abcd")
    in_use.write_bytes(b"being written elsewhere")
    with open(in_use, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert run("start", "4.1").exit_code == 0
        assert in_use.read_bytes() == b"being written elsewhere"
    assert run("start", "5.1").exit_code == 0
    assert not in_use.exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_someone_elses_temp_file_is_kept(run, bundled):
    theirs = bundled.parent / temp_name(bundled, dead_pid(), "0123abcd")
    theirs.write_bytes(b"theirs")
    os.chown(theirs, 65534, 65534)
    assert run("start", "4.1").exit_code == 0
    assert theirs.read_bytes() == b"theirs"


def test_a_report_or_import_sweeps_its_own_folder_too(run, bundled, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stale = out / temp_name(out / "paper.md", dead_pid(), "0123abcd")
    stale.write_bytes(b"half a report")
    result = run("report", "--today", "2012-10-09", "-o", "out/paper.md")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["paper.md"]


# -- planctl init: git ignores them -------------------------------------------------------


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


def test_init_makes_git_ignore_temp_files(run, tmp_path):
    result = run("init", "council", "--today", "2012-10-09")
    assert result.exit_code == 0, result.stderr
    council = tmp_path / "council"
    leftover = council / "plans" / ".action-plan.yaml.4242.0123abcd.planctl-tmp"
    leftover.write_bytes(b"half an edit")
    git(council, "add", "-A")
    staged = git(council, "diff", "--cached", "--name-only").stdout.split()
    assert "plans/action-plan.yaml" in staged
    assert not [name for name in staged if "planctl-tmp" in name]


def test_init_adds_the_pattern_once_and_keeps_what_is_there(run, tmp_path, git_repo):
    ignore = tmp_path / ".gitignore"
    ignore.write_bytes(b"build/\n*.pyc")  # no newline at the end
    assert run("init", "--no-git").exit_code == 0
    assert run("init", "--no-git", "--name", "second-plan").exit_code == 0
    lines = ignore.read_text().splitlines()
    assert lines[:2] == ["build/", "*.pyc"]
    assert lines.count("*.planctl-tmp") == 1
    assert git(tmp_path, "check-ignore", "-q", "plans/.x.yaml.1.0123abcd.planctl-tmp").returncode == 0
    assert git(tmp_path, "check-ignore", "-q", "build/x").returncode == 0
