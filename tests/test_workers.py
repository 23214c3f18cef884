"""First runs on several cores (store/workers.py): many plan files, and a history read
one stage ahead.

The plans, problems, histories and their order must be exactly what one process gives
(PLANCTL_JOBS=1); whatever goes wrong in a copy (killed, an exception, the list's lock
lost), what it did not send is read in the planctl process itself.
"""

from __future__ import annotations

import json
import os
import sys
import time

import pytest

from conftest import BUNDLED
from planctl.core.errors import Problem
from planctl.store import workers
from planctl.store.cache.index import parse_file

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")

BROKEN = "plan:\n  title: [unclosed\nrecommendations: []\n"


def _folder(tmp_path, copies: int = 16, broken: bool = False):
    """A folder of council plans over workers.MIN_BYTES (with a broken file among them)."""
    folder = tmp_path / ("broken" if broken else "plans")
    folder.mkdir()
    text = BUNDLED.read_text(encoding="utf-8")
    for i in range(copies):
        # each its own council; one in three with a lead nobody declared (a warning)
        body = text.replace("Thurrock Council", f"Council {i:02d}")
        if i % 3 == 0:
            body = body.replace("lead: Service Manager FST", "lead: Nobody Declared", 1)
        (folder / f"council-{i:02d}.yaml").write_text(body, encoding="utf-8")
    if broken:
        (folder / "council-07b.yaml").write_text(BROKEN, encoding="utf-8")
    assert sum(p.stat().st_size for p in folder.iterdir()) > workers.MIN_BYTES
    return folder


@pytest.mark.parametrize("cache", ["on", "off"])
def test_a_cold_run_on_two_processes_says_exactly_what_one_process_says(run, tmp_path, monkeypatch, cache):
    clean, broken = _folder(tmp_path), _folder(tmp_path, broken=True)
    if cache == "off":
        monkeypatch.setenv("PLANCTL_NO_CACHE", "1")
    outputs = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / f"cache-{jobs}"))
        monkeypatch.setenv("PLANCTL_JOBS", jobs)
        outputs[jobs] = [(r.exit_code, r.stdout, r.stderr) for r in (
            run("status", "--format", "json", "--plans", str(clean), "--today", "2013-01-01"),
            run("check", "--plans", str(clean), "--today", "2013-01-01"),
            run("check", "--plans", str(broken), "--today", "2013-01-01"))]
    assert outputs["1"] == outputs["2"]
    status, warned, refused = outputs["2"]
    assert status[0] == 0 and len({a["plan"] for a in json.loads(status[1])["actions"]}) == 16
    assert "Nobody Declared" in warned[1] + warned[2]
    assert refused[0] != 0 and "council-07b.yaml:3:16: E001" in refused[1] + refused[2]  # located
    if cache == "on":  # what the workers put in the cache serves the next run the same
        again = run("status", "--format", "json", "--plans", str(clean), "--today", "2013-01-01")
        assert (again.exit_code, again.stdout, again.stderr) == status


def _pid_parse(data: bytes, path: str):
    """A reader that says which process read the file, taking a while as libyaml does (a
    copy starts in a few milliseconds: it would find nothing left of instant reads)."""
    time.sleep(0.02)
    return None, [Problem(path, 1, 1, "W999", f"read by {os.getpid()}", "warning")], False


def _jobs(n: int = 20):
    big = b"x" * (workers.MIN_BYTES // 4)
    return [(big, f"plan-{i:02d}.yaml") for i in range(n)]


def test_many_files_are_read_by_more_than_one_process_and_come_back_in_order(monkeypatch):
    monkeypatch.setenv("PLANCTL_JOBS", "2")
    results = workers.read_all(_jobs(), _pid_parse, want_entries=True)
    assert [r[0][1][0].path for r in results] == [f"plan-{i:02d}.yaml" for i in range(20)]
    readers = {r[0][1][0].message for r in results}
    assert f"read by {os.getpid()}" in readers and len(readers) == 2
    assert all(entry is not None for _, entry in results)  # each with its cache entry


def test_jobs_1_reads_everything_in_this_process(monkeypatch):
    monkeypatch.setenv("PLANCTL_JOBS", "1")
    results = workers.read_all(_jobs(), _pid_parse, want_entries=False)
    assert {r[0][1][0].message for r in results} == {f"read by {os.getpid()}"}


def test_a_small_folder_is_read_in_this_process(monkeypatch):
    monkeypatch.setenv("PLANCTL_JOBS", "4")
    small = [(b"x" * 100, f"plan-{i}.yaml") for i in range(10)]
    results = workers.read_all(small, _pid_parse, want_entries=False)
    assert {r[0][1][0].message for r in results} == {f"read by {os.getpid()}"}


_PARENT = os.getpid()


def _dies_in_a_worker(data: bytes, path: str):
    if os.getpid() != _PARENT:
        os._exit(9)  # a worker killed (out of memory, kill -9)
    return _pid_parse(data, path)


def test_a_worker_killed_leaves_its_files_to_this_process(monkeypatch):
    monkeypatch.setenv("PLANCTL_JOBS", "2")
    results = workers.read_all(_jobs(), _dies_in_a_worker, want_entries=True)
    assert [r[0][1][0].message for r in results] == [f"read by {_PARENT}"] * 20


def _dies_holding_the_lock(data: bytes, path: str):
    if os.getpid() != _PARENT:  # a copy killed while it holds the list's lock (see _take)
        sys._getframe(1).f_locals["ends"].get_lock().acquire()
        os._exit(9)
    return _pid_parse(data, path)


def test_a_copy_killed_holding_the_lock_leaves_its_files_to_this_process(monkeypatch):
    monkeypatch.setenv("PLANCTL_JOBS", "2")
    monkeypatch.setattr(workers, "_LOCK_WAIT", 0.5)
    results = workers.read_all(_jobs(), _dies_holding_the_lock, want_entries=True)
    assert [r[0][1][0].message for r in results] == [f"read by {_PARENT}"] * 20


def _fails_on_plan_03(data: bytes, path: str):
    if path == "plan-03.yaml":
        raise RuntimeError(f"a bug met in {path}")
    return _pid_parse(data, path)


def test_a_bug_met_in_a_worker_is_raised_by_this_process_as_without_workers(monkeypatch):
    monkeypatch.setenv("PLANCTL_JOBS", "2")
    with pytest.raises(RuntimeError, match="a bug met in plan-03.yaml") as raised:
        workers.read_all(_jobs(), _fails_on_plan_03, want_entries=True)
    assert raised.traceback[-1].name == "_fails_on_plan_03"  # this process's own traceback


def test_a_worker_result_is_decoded_like_the_cache_and_equals_a_read_here(monkeypatch, tmp_path):
    folder = _folder(tmp_path, copies=14)
    jobs = [(p.read_bytes(), str(p)) for p in sorted(folder.iterdir())]
    monkeypatch.setenv("PLANCTL_JOBS", "2")
    two = [result for result, _ in workers.read_all(jobs, parse_file, want_entries=True)]
    assert two == [parse_file(data, path) for data, path in jobs]


@pytest.mark.parametrize("value", ["0", "two", "-1", "1.5", "²"])
def test_planctl_jobs_that_is_not_a_whole_number_is_refused_before_reading(run, monkeypatch, value):
    monkeypatch.setenv("PLANCTL_JOBS", value)
    result = run("status", "--plans", str(BUNDLED))
    assert result.exit_code == 2
    assert result.stderr.startswith("planctl: error: PLANCTL_JOBS must be a whole number")
    assert result.stdout == ""


# -- one stage ahead (a first history run): items made by a copy, in order ------------------

def _numbered(n: int | None, then=None):
    """make(): n items (None: without end), each 'index:pid', then `then` (a way to stop)."""
    def make():
        i = 0
        while n is None or i < n:
            yield f"{i}:{os.getpid()}".encode()
            i += 1
        if then is not None:
            then()
    return make


def _took(ahead, count):
    return [ahead.take() for _ in range(count)]


def test_items_made_ahead_come_in_order_from_another_process(monkeypatch):
    monkeypatch.setenv("PLANCTL_JOBS", "2")
    ahead = workers.Ahead.start(_numbered(40), 40)
    assert ahead is not None
    got = _took(ahead, 41)
    ahead.close()
    assert all(made for made, _ in got[:40]) and got[40] == (False, None)
    assert [item.split(b":")[0] for _, item in got[:40]] == [str(i).encode() for i in range(40)]
    makers = {item.split(b":")[1] for _, item in got[:40]}
    assert len(makers) == 1 and makers != {str(os.getpid()).encode()}


def _dies():
    os._exit(3)  # the copy killed (out of memory, kill -9)


def _fails():
    raise RuntimeError("a bug met in the copy")


@pytest.mark.parametrize("stop", [_dies, _fails], ids=["killed", "exception"])
def test_a_copy_that_stops_early_hands_the_rest_back(monkeypatch, stop):
    monkeypatch.setenv("PLANCTL_JOBS", "2")
    ahead = workers.Ahead.start(_numbered(5, stop), 40)
    got = _took(ahead, 7)
    assert [made for made, _ in got] == [True] * 5 + [False, False]
    assert ahead.taken == 5


def test_closing_stops_a_copy_that_is_still_making(monkeypatch):
    monkeypatch.setenv("PLANCTL_JOBS", "2")
    ahead = workers.Ahead.start(_numbered(None), 10_000)
    assert [made for made, _ in _took(ahead, 3)] == [True] * 3
    ahead.close()
    assert not ahead._process.is_alive() and ahead._process.exitcode is not None


@pytest.mark.parametrize("jobs, items", [("1", 1000), ("2", workers.MIN_AHEAD - 1)])
def test_no_copy_with_jobs_1_or_for_a_few_items(monkeypatch, jobs, items):
    monkeypatch.setenv("PLANCTL_JOBS", jobs)
    assert workers.Ahead.start(_numbered(items), items) is None


@pytest.mark.slow
def test_a_first_history_run_read_ahead_says_exactly_what_one_process_says(tmp_path, git_repo, run,
                                                                        monkeypatch):
    from test_speed_history import _texts

    plans = tmp_path / "plans"
    plans.mkdir()
    texts = _texts(2013, workers.MIN_AHEAD + 12, recs=4, per_rec=4)
    texts[20] = BROKEN  # a version that cannot be read: the one before it stands for it

    def commit(texts, first):
        for n, text in enumerate(texts, first):
            (plans / "p.yaml").write_text(text, encoding="utf-8")
            git_repo("add", "plans")
            git_repo("commit", "-q", "--allow-empty", "-m", f"Change {n}",
                     date=f"2012-{9 + n // 28:02d}-{1 + n % 28:02d}T10:00:00+01:00")

    def said(jobs):
        monkeypatch.setenv("PLANCTL_JOBS", jobs)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / f"cache-{jobs}"))
        return [(r.exit_code, r.stdout, r.stderr) for r in (
            run("history", "--format", "json"), run("slippage", "--format", "json"),
            run("history", "--format", "json"))]  # the last from the cache the first filled

    commit(texts, 0)
    first = {jobs: said(jobs) for jobs in ("1", "2")}
    assert first["1"] == first["2"]
    history, slipped, warm = first["2"]
    assert history[0] == 0 and json.loads(slipped[1])["actions"] and warm == history
    assert "could not be read as a plan" in history[2]
    # more commits: the walk is kept up to them, and read ahead from the first one not kept
    commit(_texts(2014, workers.MIN_AHEAD + 4, recs=4, per_rec=4), len(texts))
    later = {jobs: said(jobs) for jobs in ("1", "2")}
    assert later["1"] == later["2"] and later["2"][0][1] != history[1]


def test_without_shared_memory_a_cold_run_is_read_in_one_process(tmp_path):
    """Some containers have no writable /dev/shm (no semaphores, no shared memory): planctl
    reads the files itself instead of failing."""
    import shutil
    import subprocess

    from conftest import planctl_exe

    folder = _folder(tmp_path)
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    command = " ".join(f"'{part}'" for part in [*planctl_exe(), "status", "--format", "json",
                                                 "--plans", str(folder), "--today", "2013-01-01"])
    env = {**os.environ, "PLANCTL_JOBS": "2"}
    walled = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o ro,size=1m tmpfs "
                             f"/dev/shm || exit 97; {command}"], env=env, capture_output=True, text=True)
    if walled.returncode == 97 or any(why in walled.stderr for why in ("unshare failed",
                                                                       "Operation not permitted")):
        pytest.skip(f"cannot make a mount namespace here: {walled.stderr.strip()[:200]}")
    one = subprocess.run(["sh", "-c", command], env={**env, "PLANCTL_JOBS": "1",
                                                     "XDG_CACHE_HOME": str(tmp_path / "one")},
                         capture_output=True, text=True)
    assert walled.returncode == 0, walled.stderr
    assert (walled.stdout, walled.stderr) == (one.stdout, one.stderr)
