"""Edits under faults, with real processes and real file systems: nothing half-written,
nothing acknowledged and then lost, nothing changed when planctl says it failed.

kill -9 at random moments, 16 editors at once, a read-only file and file system,
a full disk (a 64 KB tmpfs), and a file saved by someone else between planctl's
read and its write.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest

from conftest import BUNDLED, planctl_exe
from planctl.core.errors import ERROR, PlanctlError
from planctl.format.reader import load_text
from planctl.store import edits as edit
from planctl.store.files import load_paths


def big_plan(recs: int) -> str:
    """A valid plan of recs x 10 actions (ids 1.1 ... recs.10)."""
    out = ["# A large plan for fault tests\nplan:\n  title: Large plan\n  inspection:\n",
           "    published: 2012-07-27\nleads:\n  sm: Service Manager\nrecommendations:\n"]
    for r in range(1, recs + 1):
        out.append(f'  - id: "{r}"\n    text: Recommendation {r}, written out at some length\n'
                   "    actions:\n")
        for a in range(1, 11):
            out.append(f"      - text: Action {r}.{a}, with enough words to look like a real one\n"
                       "        due: By 27.10.12\n        lead: sm\n        status: in progress\n")
    return "".join(out)


def planctl(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*planctl_exe(), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def errors_in(path: Path) -> list:
    _, problems, _ = load_text(path.read_bytes(), str(path))
    return [p for p in problems if p.severity == ERROR]


# -- kill -9 ------------------------------------------------------------------------------


@pytest.mark.slow
def test_kill_9_at_random_moments_leaves_the_old_or_the_new_file(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    target = plans / "big.yaml"
    old = big_plan(100).encode()  # 1,000 actions
    command = [*planctl_exe(), "done", "50.5", "--on", "9.10.12", "--evidence", "Audit report"]

    target.write_bytes(old)
    started = time.monotonic()
    finished = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    duration = time.monotonic() - started
    assert finished.returncode == 0, finished.stderr
    new = target.read_bytes()
    assert new != old and not errors_in(target)

    chance = random.Random(8)  # reproducible moments
    outcomes = {"old": 0, "new": 0}
    for _ in range(12):
        target.write_bytes(old)
        proc = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(chance.uniform(0, duration * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = target.read_bytes()
        assert now in (old, new), "a killed edit left a file that is neither version"
        outcomes["old" if now == old else "new"] += 1
        # A temp file a killed edit leaves behind is hidden: the plans still load.
        assert not load_paths([plans]).errors
    assert sum(outcomes.values()) == 12


# -- 16 editors at once -----------------------------------------------------------------


@pytest.mark.slow
def test_sixteen_processes_editing_one_file_lose_no_acknowledged_edit(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    target = plans / "slac.yaml"
    shutil.copy(BUNDLED, target)
    from planctl.format.reader import load_text as read

    plan, _, _ = read(target.read_bytes(), str(target))
    ids = [a.id for a in plan.actions][:16]
    assert len(ids) == 16
    procs = {
        action_id: subprocess.Popen(
            [*planctl_exe(), "note", action_id, f"progress note from editor {n}", "--on", "9.10.12"],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n, action_id in enumerate(ids)
    }
    acknowledged = []
    for action_id, proc in procs.items():
        _, err = proc.communicate(timeout=180)
        assert "Traceback" not in err
        if proc.returncode == 0:
            acknowledged.append(action_id)
    assert acknowledged == ids  # the lock serialises them; none should need to give up
    final, problems, _ = read(target.read_bytes(), str(target))
    assert final is not None and not [p for p in problems if p.severity == ERROR]
    notes = {a.id: [u.text for u in a.updates] for a in final.actions}
    for n, action_id in enumerate(ids):
        assert f"progress note from editor {n}" in notes[action_id], action_id
    # and nothing else was touched
    untouched = [a for a in final.actions if a.id not in ids]
    before = {a.id: a for a in plan.actions}
    assert all(a.updates == before[a.id].updates for a in untouched)


# -- read-only and full file systems -------------------------------------------------------


@pytest.fixture
def tmpfs(tmp_path):
    """mount(options) -> a folder on a fresh tmpfs, unmounted afterwards; skips without root."""
    mounted: list[Path] = []

    def mount(options: str) -> Path:
        where = tmp_path / f"fs{len(mounted)}"
        where.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or 'not permitted'})")
        mounted.append(where)
        return where

    yield mount
    for where in reversed(mounted):
        with contextlib.suppress(Exception):
            subprocess.run(["umount", str(where)], check=False, capture_output=True)


def test_a_read_only_file_is_refused_and_left_alone(bundled, tmp_path):
    old = bundled.read_bytes()
    bundled.chmod(0o444)  # planctl honours the mode even for root, who could write anyway
    result = planctl("done", "1.2", "--on", "9.10.12", cwd=tmp_path)
    assert result.returncode == 5
    assert result.stderr.strip() == (f"planctl: error: plans/{bundled.name} is read-only; "
                                     "nothing was changed")
    assert bundled.read_bytes() == old


@pytest.mark.slow
def test_a_read_only_file_system_is_refused_and_left_alone(tmpfs, tmp_path):
    disk = tmpfs("size=1m")
    (disk / "plans").mkdir()
    target = disk / "plans" / "slac.yaml"
    shutil.copy(BUNDLED, target)
    old = target.read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    result = planctl("note", "1.2", "Reported to SMT", "--on", "9.10.12", cwd=disk)
    assert result.returncode == 5
    assert "read-only" in result.stderr and "nothing was changed" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert target.read_bytes() == old


@pytest.mark.slow
def test_a_full_disk_fails_cleanly_and_the_edit_works_once_there_is_room(tmpfs):
    disk = tmpfs("size=64k")
    (disk / "plans").mkdir()
    target = disk / "plans" / "slac.yaml"
    shutil.copy(BUNDLED, target)
    old = target.read_bytes()
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out, contextlib.suppress(OSError):
        while True:  # fill the disk to the last block
            out.write(b"\0" * 1024)
    result = planctl("done", "1.2", "--on", "9.10.12", cwd=disk)
    assert result.returncode == 5
    assert result.stderr.strip() == ("planctl: error: cannot write plans/slac.yaml: No space left "
                                     "on device; the file is unchanged")
    assert target.read_bytes() == old
    assert sorted(p.name for p in (disk / "plans").iterdir()) == ["slac.yaml"]  # no temp left
    filler.unlink()
    again = planctl("done", "1.2", "--on", "9.10.12", cwd=disk)
    assert again.returncode == 0, again.stderr
    assert target.read_bytes() != old and not errors_in(target)


# -- someone else saves between planctl's read and its write -----------------------------


def _editor_saves(path: Path, line: str) -> None:
    """Another program (not planctl) appends a line, as an editor saving would."""
    subprocess.run(["sh", "-c", 'printf "%s\\n" "$1" >> "$2"', "sh", line, str(path)], check=True)


def test_a_save_between_read_and_write_is_kept_and_the_edit_reapplied(bundled):
    saves = []

    def meanwhile(result):
        if not saves:
            _editor_saves(bundled, "# reviewed by the scrutiny officer")
            saves.append(1)

    result = edit.apply_file(bundled, "1.2", edit.Edit("note", date(2012, 10, 9), text="On track"),
                             before_write=meanwhile)
    text = bundled.read_text(encoding="utf-8")
    assert "# reviewed by the scrutiny officer" in text  # the other save is not lost
    plan, problems, _ = load_text(bundled.read_bytes(), str(bundled))
    assert not [p for p in problems if p.severity == ERROR]
    action = next(a for a in plan.actions if a.id == "1.2")
    assert action.updates[-1].text == "On track"
    assert result.new == bundled.read_bytes()


def test_a_file_that_keeps_changing_is_refused_and_the_other_saves_kept(bundled):
    count = []

    def meanwhile(result):
        count.append(1)
        _editor_saves(bundled, f"# save number {len(count)}")

    with pytest.raises(PlanctlError, match="kept changing on disk.*nothing was changed"):
        edit.apply_file(bundled, "1.2", edit.Edit("note", date(2012, 10, 9), text="On track"),
                        before_write=meanwhile)
    text = bundled.read_text(encoding="utf-8")
    assert f"# save number {len(count)}" in text
    assert "On track" not in text


# -- a cache on a shared machine ---------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("how", ["others can write it", "another user owns it"])
def test_a_cache_folder_others_control_is_not_used(bundled, tmp_path, how):
    folder = tmp_path / "cache" / "planctl"  # conftest points XDG_CACHE_HOME at tmp/cache
    folder.mkdir(parents=True)
    if how == "others can write it":
        folder.chmod(0o777)
    elif os.geteuid() == 0:
        os.chown(folder, 65534, 65534)
    else:
        pytest.skip("only root can give a folder to another user")
    for _ in range(2):  # the second run would read what the first wrote
        result = planctl("check", cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
    assert list(folder.rglob("*")) == []


def test_cache_entries_are_private_to_their_user(bundled, tmp_path):
    result = planctl("check", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    cache = tmp_path / "cache" / "planctl"
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert entries, "the cache was not used at all"
    for p in [cache, *cache.rglob("*")]:
        assert p.stat().st_mode & 0o077 == 0, (p, oct(p.stat().st_mode))
