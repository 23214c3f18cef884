"""planctl's benchmarks: every row of issue 17's target table from one run.

Each timed figure is the median of --runs runs (at least 5) of a fresh process,
printed beside the median of its baseline, measured in the same run with the
runs interleaved (planctl, baseline, planctl, ...), with their ratio, the
target and whether it is met. The rows (`--only` takes their numbers or names):

  1 warm     `planctl overdue --format json`, 20k actions in 200 files, cache
             filled, vs Taskwarrior's `task overdue` on the same actions (the
             two must agree on how many are overdue)                  <= 0.6x
  2 cold     the same with an empty cache vs a bare Python process that only
             yaml.loads the same files (CSafeLoader)                  <= 1.0x
  3 status   `planctl status` on the bundled plan vs
             `python -c "import click, yaml, rich.console, rich.table"` <= 1.0x
  4 growth   cold and warm time, 2k -> 20k -> 100k actions (200 -> 1,000 files),
             each step at most linear plus 10% (<= 11x per 10x, 5.5x per 5x)
  5 memory   peak resident memory, cold and warm: <= 150 MB at 20k; at 100k no
             more than Taskwarrior's `task overdue` on the same 100k tasks
  6 history  `planctl history` and `planctl slippage` (--format json) on a plan
             with 1,000 commits vs `git log -p` of the plans           <= 3x;
             `history` with an empty cache (a first run)              <= 10x;
             peak memory at 10,000 commits                           <= 150 MB
  7 done     `planctl done ID` in one 5,000-action file (restored between runs,
             outside git) vs a bare CSafeLoader load of that file      <= 2x
  8 files    warm, 20k actions in 2,000 files vs the same in 200 files <= 1.2x

--quick skips the slowest figures (100k actions, 10,000 commits). planctl runs
as the console script beside this Python (what users run), or `python -m
planctl` when there is none. Timings are wall-clock.

    python bench/run.py                        # every row: about an hour on 2 shared cores,
                                               # 45 min of it the 10,000-commit history
    python bench/run.py --quick                # no 100k, no 10,000 commits: 10-20 minutes
    python bench/run.py --only warm,cold --runs 9 --keep /tmp/bench --json figures.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

TODAY = "2014-01-01"  # the generated plans run from 2011 to 2016: a mix of every status
DONE_DAY = "2030-01-01"  # after every deadline generate.py writes
BUNDLED = ROOT / "plans" / "thurrock-2012-slac.yaml"
MEMORY_LIMIT_MB = 150

BARE_YAML = """\
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*.yaml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""
IMPORTS_ONLY = "import click, yaml, rich.console, rich.table"

ROWS = {"warm": 1, "cold": 2, "status": 3, "growth": 4, "memory": 5, "history": 6, "done": 7,
        "files": 8, "today": 9}
PAST_DAY = "2012-10-09"  # row 9: a date judged in the past, so completion dates come from git


def parse_rows(values: list[str] | None) -> list[int]:
    """The row numbers named by --only (numbers or names, comma-separated, repeatable); all when none."""
    if not values:
        return sorted(ROWS.values())
    chosen = set()
    for value in values:
        for word in filter(None, (w.strip().lower() for w in value.split(","))):
            if word.isdigit() and int(word) in ROWS.values():
                chosen.add(int(word))
            elif word in ROWS:
                chosen.add(ROWS[word])
            else:
                raise ValueError(f"unknown row {word!r}: use 1-{len(ROWS)} or {', '.join(ROWS)}")
    return sorted(chosen)


def growth_limit(small: int, big: int) -> float:
    """The most a step from `small` to `big` actions may cost: linear plus 10% (11x per 10x)."""
    return round(1.1 * big / small, 2)


def verdict(f: dict) -> str:
    """'yes', 'NO', '-' (no baseline to compare with) or 'skipped'."""
    if f.get("skipped"):
        return "skipped"
    if f["kind"] == "value":
        return "yes" if f["planctl"] <= f["limit"] else "NO"
    if f["ratio"] is None:
        return "-"
    return "yes" if f["ratio"] <= f["limit"] else "NO"


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def planctl_command() -> tuple[list[str], str]:
    exe = Path(sys.executable).parent / "planctl"
    if exe.exists():
        return [str(exe)], f"console script {exe}"
    return [sys.executable, "-m", "planctl"], f"{sys.executable} -m planctl"


GNU_TIME = Path("/usr/bin/time")


def run_once(cmd: list[str], env: dict, before=None, cwd: Path | None = None) -> tuple[float, int]:
    """(wall seconds, peak RSS in KB) of one fresh process; output to /dev/null.

    The peak comes from GNU time's %M when it is installed: Linux reports, as a child's peak,
    at least the size of the process that forked it (this one, which may hold 100k tasks), so
    wait4's own figure is only an upper bound. GNU time is a small C program that forks the
    command itself; it costs about a millisecond, the same for planctl and its baseline.
    """
    if before:
        before()
    rss_file = None
    if GNU_TIME.exists():
        fd, name = tempfile.mkstemp(prefix="planctl-bench-rss-")
        os.close(fd)
        rss_file = Path(name)
        cmd = [str(GNU_TIME), "-f", "%M", "-o", name, *cmd]
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        err = proc.stderr.read()  # read while it runs: a full pipe would block the command
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.stderr.close()
        peak = usage.ru_maxrss
        if rss_file is not None:
            lines = rss_file.read_text().split()
            peak = int(lines[-1]) if lines and lines[-1].isdigit() else peak
    finally:
        if rss_file is not None:
            rss_file.unlink(missing_ok=True)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # overdue exits 0 or 1; nothing here should fail
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({code}):\n"
                         f"{err.decode(errors='replace')}")
    return elapsed, peak


def measure(group: dict, runs: int, label: str = "", peak_of_warmup: bool = False) -> dict:
    """Interleaved runs of {name: (cmd, env, before, cwd)}; each name's median, min, max, peak.

    The peak is over the timed runs, and over the warm-up too with peak_of_warmup (a first run
    that fills a cache may need more memory than the runs after it).
    """
    times = {name: [] for name in group}
    peaks = {name: 0 for name in group}
    for name, (cmd, env, before, cwd) in group.items():  # one warm-up each (page cache, .pyc, cache)
        _, rss = run_once(cmd, env, before, cwd)
        if peak_of_warmup:
            peaks[name] = rss
    for n in range(runs):
        for name, (cmd, env, before, cwd) in group.items():
            elapsed, rss = run_once(cmd, env, before, cwd)
            times[name].append(elapsed)
            peaks[name] = max(peaks[name], rss)
        shown = ", ".join(f"{name} {t[-1]:.2f}s" for name, t in times.items())
        say(f"  {label} run {n + 1}/{runs}: {shown}")
    return {name: {"median": statistics.median(t), "min": min(t), "max": max(t),
                   "peak_kb": peaks[name]} for name, t in times.items()}


def base_env(cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PLANCTL_") and k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    # Users run compiled bytecode (pip writes it); a development shell's
    # PYTHONDONTWRITEBYTECODE=1 would make every run compile planctl again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["XDG_CACHE_HOME"] = str(cache)
    env["TZ"] = "Europe/London"
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    return env


def taskwarrior_tasks(plans_dir: Path, today: date, now: date) -> tuple[list[dict], int]:
    """Taskwarrior tasks for the same actions; the number of actions overdue at `today`.

    Each task keeps the action's text, plan (as project), updates (as
    annotations) and the due date that drives its status at `today`, moved by
    (now - today + 1 day) so that Taskwarrior, which judges against the clock,
    finds overdue exactly the actions planctl finds overdue at `today`.
    """
    from planctl.core.evaluate import evaluate
    from planctl.store.files import load_paths

    result = load_paths([plans_dir], use_cache=False)
    shift = now - today + timedelta(days=1)
    tasks, overdue = [], 0
    for row in evaluate(result.plans, today):
        a = row.action
        entry = (row.plan.inspection.published or today).strftime("%Y%m%dT000000Z")
        task = {"uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"planctl:{a.plan}:{a.id}")),
                "description": a.text, "project": a.plan, "entry": entry, "status": "pending"}
        if row.status == "completed":
            task["status"] = "completed"
            task["end"] = (a.completed or today).strftime("%Y%m%dT000000Z")
        elif row.status == "dropped":
            task["status"] = "deleted"
            task["end"] = entry
        elif row.due is not None:
            task["due"] = (row.due + shift).strftime("%Y%m%dT000000Z")
            overdue += row.status == "overdue"
        if a.updates:
            task["annotations"] = [{"entry": u.date.strftime("%Y%m%dT000000Z"), "description": u.text}
                                   for u in a.updates]
        tasks.append(task)
    return tasks, overdue


def overdue_count(cmd: list[str], env: dict) -> int:
    out = subprocess.run(cmd, env=env, capture_output=True, check=True).stdout
    return len(json.loads(out)["actions"])


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} CPUs ({model}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def generator_stamp(actions: int, files: int) -> str:
    """What a kept folder of generated plans must match to be reused: the sizes and generate.py."""
    digest = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:16]
    return f"{actions} {files} {digest}\n"


class Bench:
    """The plans, caches, Taskwarrior data and repositories the rows need, made once each."""

    def __init__(self, args, work: Path):
        self.args, self.work = args, work
        self.runs, self.quick = args.runs, args.quick
        self.planctl, self.how = planctl_command()
        self.py = sys.executable
        self.figures: list[dict] = []
        self.peaks: dict[str, int] = {}  # command label -> highest peak RSS (KB) seen in this run
        self.setup: dict[str, float] = {}  # slow preparation steps -> seconds
        self.notes: list[str] = []
        self._tw: dict = {}
        self.A, self.F = args.actions, args.files

    # -- what the rows run ------------------------------------------------------------------

    def plans(self, actions: int, files: int) -> Path:
        """Generated plans (reused from a kept folder when the generator and sizes match)."""
        out = self.work / f"plans-{actions}x{files}"
        stamp = self.work / f"plans-{actions}x{files}.stamp"
        want = generator_stamp(actions, files)
        if stamp.exists() and stamp.read_text() == want and out.is_dir():
            return out
        shutil.rmtree(out, ignore_errors=True)
        say(f"generating {actions:,} actions in {files:,} files ...")
        t = time.perf_counter()
        generate(out, actions, files)
        self.setup[f"generate {actions}x{files}"] = elapsed = time.perf_counter() - t
        stamp.write_text(want)
        say(f"  generated in {elapsed:.1f} s")
        return out

    def env(self, name: str) -> dict:
        return base_env(self.work / "cache" / name)

    def overdue(self, plans: Path) -> list[str]:
        return [*self.planctl, "overdue", "--format", "json", "--today", TODAY, "--plans", str(plans)]

    def cold(self, actions: int, files: int) -> tuple:
        cache = self.work / "cache" / f"cold-{actions}x{files}"
        return (self.overdue(self.plans(actions, files)), self.env(f"cold-{actions}x{files}"),
                lambda: shutil.rmtree(cache, ignore_errors=True), None)

    def warm(self, actions: int, files: int) -> tuple:
        # the cache fills on measure's warm-up run and is never cleared
        return (self.overdue(self.plans(actions, files)), self.env(f"warm-{actions}x{files}"),
                None, None)

    def bare(self, actions: int, files: int) -> tuple:
        return ([self.py, "-c", BARE_YAML, str(self.plans(actions, files))],
                self.env("bare"), None, None)

    def task(self, actions: int, files: int) -> tuple | None:
        tw = self.taskwarrior(actions, files)
        return (tw["cmd"], tw["env"], None, None) if tw else None

    def entry(self, label: str) -> tuple | None:
        """A labelled command: 'cold 20000x200', 'warm ...', 'bare ...', 'task ...'."""
        kind, size = label.split()
        actions, files = (int(n) for n in size.split("x"))
        return getattr(self, kind)(actions, files)

    def measure(self, labels: list[str], label: str, runs: int | None = None) -> dict:
        group = {name: self.entry(name) for name in labels}
        group = {name: e for name, e in group.items() if e is not None}
        result = measure(group, runs or self.runs, label)
        for name, r in result.items():
            self.peaks[name] = max(self.peaks.get(name, 0), r["peak_kb"])
        return result

    def taskwarrior(self, actions: int, files: int) -> dict | None:
        """A private Taskwarrior (own TASKRC and TASKDATA) holding the actions, or None.

        Its data is kept (with --keep) and reused on the day it was imported: the due dates are
        shifted by the clock, so another day needs a fresh import. Also checks that Taskwarrior
        and `planctl overdue` count the same actions overdue.
        """
        key = (actions, files)
        if key in self._tw:
            return self._tw[key]
        task = shutil.which("task")
        if task is None:
            self._tw[key] = None
            self.notes.append("Taskwarrior (`task`) is not installed: its rows have no baseline")
            say(self.notes[-1])
            return None
        plans = self.plans(actions, files)
        home = self.work / f"taskwarrior-{actions}x{files}"
        data, rc, stamp = home / "data", home / "taskrc", home / "imported.json"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TASK")}
        env.update(TASKRC=str(rc), TASKDATA=str(data), TZ="Europe/London")
        now = date.today()
        want = {"day": now.isoformat(), "plans": generator_stamp(actions, files)}
        kept = json.loads(stamp.read_text()) if stamp.exists() else {}
        if {k: kept.get(k) for k in want} != want or not (data / "pending.data").exists():
            shutil.rmtree(home, ignore_errors=True)
            data.mkdir(parents=True)
            rc.write_text(f"data.location={data}\nconfirmation=off\nhooks=off\nnews.version=9.9.9\n"
                          "color=off\n", encoding="utf-8")
            say(f"Taskwarrior: converting {actions:,} actions to tasks ...")
            t = time.perf_counter()
            tasks, overdue = taskwarrior_tasks(plans, date.fromisoformat(TODAY), now)
            self.setup[f"taskwarrior tasks {actions}x{files}"] = time.perf_counter() - t
            t = time.perf_counter()
            chunk = 25000  # progress while importing 100k; one import would do the same
            for start in range(0, len(tasks), chunk):
                part = home / "import.json"
                part.write_text(json.dumps(tasks[start:start + chunk]), encoding="utf-8")
                subprocess.run([task, "rc.verbose=nothing", "import", str(part)], env=env,
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                part.unlink()
                say(f"  Taskwarrior import {min(start + chunk, len(tasks)):,}/{len(tasks):,} "
                    f"({time.perf_counter() - t:.0f} s)")
            seconds = time.perf_counter() - t
            self.setup[f"taskwarrior import {actions}x{files}"] = seconds
            kept = {**want, "overdue": overdue, "import_seconds": round(seconds, 1)}
            stamp.write_text(json.dumps(kept) + "\n")
        elif kept.get("import_seconds") is not None:
            self.setup[f"taskwarrior import {actions}x{files} (kept; measured when imported)"] = \
                kept["import_seconds"]
        counted = int(subprocess.run([task, "rc.verbose=nothing", "+OVERDUE", "count"], env=env,
                                     capture_output=True, text=True, check=True).stdout.strip())
        cmd, penv, _, _ = self.warm(actions, files)
        found = overdue_count(cmd, penv)  # also fills the warm cache
        agree = counted == found == kept["overdue"]
        if not agree:
            self.notes.append(f"{actions:,} actions: Taskwarrior counts {counted:,} overdue, "
                              f"`planctl overdue` {found:,} (imported as overdue: {kept['overdue']:,})")
            say(f"warning: {self.notes[-1]}")
        self._tw[key] = {"cmd": [task, "overdue"], "env": env, "overdue": found, "task": counted,
                         "agree": agree, "import_seconds": kept.get("import_seconds")}
        return self._tw[key]

    # -- figures -----------------------------------------------------------------------------

    def figure(self, row: int, name: str, value, baseline, base_name: str, target: str,
               limit: float, kind: str = "ratio", unit: str = "s", note: str = "") -> None:
        ratio = value / baseline if (baseline and value is not None) else None
        f = {"row": row, "figure": name, "planctl": value, "baseline": baseline,
             "baseline_name": base_name, "ratio": ratio, "target": target, "limit": limit,
             "kind": kind, "unit": unit, "note": note, "skipped": value is None}
        f["met"] = verdict(f)
        self.figures.append(f)
        if f["skipped"]:
            say(f"{name}: skipped ({note})")
            return
        vs = f" vs {fmt(baseline, unit)} ({ratio:.2f}x)" if ratio is not None else ""
        say(f"{name}: {fmt(value, unit)}{vs}; target {target}: {f['met']}")

    def row_warm(self) -> None:
        A, F = self.A, self.F
        tw = self.taskwarrior(A, F)
        labels = [f"warm {A}x{F}"] + ([f"task {A}x{F}"] if tw else [])
        r = self.measure(labels, "warm")
        base = r.get(f"task {A}x{F}", {}).get("median")
        note = ""
        if tw:
            note = (f"{tw['overdue']:,} overdue in both" if tw["agree"] else
                    f"COUNTS DIFFER: planctl {tw['overdue']:,}, Taskwarrior {tw['task']:,}")
        self.figure(1, f"warm, {A:,} actions / {F} files, `overdue --format json`",
                    r[f"warm {A}x{F}"]["median"], base,
                    "Taskwarrior `task overdue`" if tw else "Taskwarrior (not installed)",
                    "<= 0.6x", 0.6, note=note)

    def row_cold(self) -> None:
        A, F = self.A, self.F
        r = self.measure([f"cold {A}x{F}", f"bare {A}x{F}"], "cold")
        self.figure(2, f"cold, {A:,} actions / {F} files", r[f"cold {A}x{F}"]["median"],
                    r[f"bare {A}x{F}"]["median"], "bare yaml.load (CSafeLoader)", "<= 1.0x", 1.0)

    def row_status(self) -> None:
        env = self.env("status")
        group = {"status": ([*self.planctl, "status", "--plans", str(BUNDLED)], env, None, None),
                 "imports": ([self.py, "-c", IMPORTS_ONLY], env, None, None)}
        r = measure(group, self.runs, "status")
        self.figure(3, "`planctl status`, bundled plan", r["status"]["median"],
                    r["imports"]["median"], "python -c 'import click, yaml, rich...'", "<= 1.0x", 1.0)

    def row_today(self) -> None:
        """`status --today` a past date on the bundled plan inside its git repository (this
        checkout): completion dates from git, kept in the cache after the warm-up run."""
        env = self.env("today")
        group = {"today": ([*self.planctl, "status", "--today", PAST_DAY, "--plans", str(BUNDLED)],
                           env, None, ROOT),
                 "imports": ([self.py, "-c", IMPORTS_ONLY], env, None, None),
                 "import cli": ([self.py, "-c", "import planctl.cli"], env, None, None)}
        r = measure(group, self.runs, "today")
        in_git = (ROOT / ".git").exists()
        note = "" if in_git else "the bundled plan is not in a git repository here: no git read"
        self.figure(9, f"`status --today {PAST_DAY}`, bundled plan in its repository",
                    r["today"]["median"], r["imports"]["median"],
                    "python -c 'import click, yaml, rich...'", "<= 1.0x", 1.0, note=note)
        self.figure(9, f"`status --today {PAST_DAY}`, against importing planctl's CLI",
                    r["today"]["median"], r["import cli"]["median"],
                    "python -c 'import planctl.cli'", "<= 1.0x", 1.0, note=note)

    def sizes(self) -> list[tuple[int, int]]:
        sizes = [(self.A // 10, max(1, self.F // 10)), (self.A, self.F)]
        if not self.quick:
            sizes.append((self.A * 5, self.F * 5))
        return sizes

    def row_growth(self) -> None:
        sizes = self.sizes()
        for kind in ("cold", "warm"):
            r = self.measure([f"{kind} {a}x{f}" for a, f in sizes], f"growth {kind}")
            steps = list(zip(sizes, sizes[1:], strict=False))
            if self.quick:
                steps.append(((self.A, self.F), (self.A * 5, self.F * 5)))
            for (a0, f0), (a1, f1) in steps:
                limit = growth_limit(a0, a1)
                name = f"growth {a0:,} -> {a1:,} actions ({f0} -> {f1} files), {kind}"
                if f"{kind} {a1}x{f1}" not in r:
                    self.figure(4, name, None, None, "-", f"<= {limit:g}x", limit,
                                note="--quick")
                    continue
                self.figure(4, name, r[f"{kind} {a1}x{f1}"]["median"], r[f"{kind} {a0}x{f0}"]["median"],
                            f"{kind} at {a0:,}", f"<= {limit:g}x", limit)

    def row_memory(self) -> None:
        A, F = self.A, self.F
        need = [f"cold {A}x{F}", f"warm {A}x{F}"]
        big = (A * 5, F * 5)
        if not self.quick:
            need += [f"cold {big[0]}x{big[1]}", f"warm {big[0]}x{big[1]}"]
            if self.taskwarrior(*big):
                need.append(f"task {big[0]}x{big[1]}")
        missing = [n for n in need if n not in self.peaks]
        if missing:
            self.measure(missing, "memory")
        for kind in ("cold", "warm"):
            self.figure(5, f"peak memory, {A:,} actions, {kind}", self.peaks[f"{kind} {A}x{F}"] / 1024,
                        None, "-", f"<= {MEMORY_LIMIT_MB} MB", MEMORY_LIMIT_MB, kind="value",
                        unit=" MB")
        for kind in ("cold", "warm"):
            name = f"peak memory, {big[0]:,} actions, {kind}"
            if self.quick:
                self.figure(5, name, None, None, "-", "<= 1.0x Taskwarrior", 1.0, unit=" MB",
                            note="--quick")
                continue
            task = self.peaks.get(f"task {big[0]}x{big[1]}")
            self.figure(5, name, self.peaks[f"{kind} {big[0]}x{big[1]}"] / 1024,
                        task / 1024 if task else None, "Taskwarrior `task overdue`",
                        "<= 1.0x Taskwarrior", 1.0, unit=" MB")

    def repo(self, commits: int) -> Path:
        """A git repository whose plans/bench.yaml has `commits` commits (bench_history's builder)."""
        from bench_history import build

        repo = self.work / f"history-{commits}"
        stamp = self.work / f"history-{commits}.stamp"
        want = hashlib.sha256((HERE / "bench_history.py").read_bytes()).hexdigest()[:16] + "\n"
        if stamp.exists() and stamp.read_text() == want and repo.is_dir():
            return repo
        shutil.rmtree(repo, ignore_errors=True)
        say(f"building a repository with {commits:,} commits ...")
        t = time.perf_counter()
        build(repo, commits, progress=lambda n, total: say(f"  {n:,}/{total:,} commits"))
        self.setup[f"repository {commits}"] = elapsed = time.perf_counter() - t
        stamp.write_text(want)
        say(f"  built in {elapsed:.1f} s")
        return repo

    def history_group(self, repo: Path, commits: int, with_git: bool) -> dict:
        env = self.env(f"history-{commits}")
        env["GIT_CEILING_DIRECTORIES"] = str(repo.parent)
        group = {cmd: ([*self.planctl, cmd, "--format", "json"], env, None, repo)
                 for cmd in ("history", "slippage")}
        if with_git:
            # the first run in a repository: an empty cache before each run (issue 25: <= 10x)
            cold_env = self.env(f"history-{commits}-cold")
            cold_env["GIT_CEILING_DIRECTORIES"] = str(repo.parent)
            cache = Path(cold_env["XDG_CACHE_HOME"])
            group["history, cold"] = ([*self.planctl, "history", "--format", "json"], cold_env,
                                      lambda: shutil.rmtree(cache, ignore_errors=True), repo)
            group["git log -p"] = (["git", "log", "-p", "--", "plans"], env, None, repo)
        return group

    def row_history(self) -> None:
        commits, big = self.args.commits, self.args.commits * 10
        repo = self.repo(commits)
        r = measure(self.history_group(repo, commits, True), self.runs, f"history {commits:,}")
        for cmd in ("history", "slippage"):
            self.figure(6, f"`{cmd}`, {commits:,} commits", r[cmd]["median"],
                        r["git log -p"]["median"], "`git log -p` of the plans", "<= 3x", 3.0)
        self.figure(6, f"`history`, {commits:,} commits, cold cache", r["history, cold"]["median"],
                    r["git log -p"]["median"], "`git log -p` of the plans", "<= 10x", 10.0)
        for cmd in ("history", "slippage"):
            name = f"peak memory, `{cmd}`, {big:,} commits"
            if self.quick:
                self.figure(6, name, None, None, "-", f"<= {MEMORY_LIMIT_MB} MB", MEMORY_LIMIT_MB,
                            kind="value", unit=" MB", note="--quick")
        if self.quick:
            return
        repo = self.repo(big)
        # memory only, a run takes minutes: the peak of the first run (which fills planctl's
        # cache) and of one run after it
        r = measure(self.history_group(repo, big, False), 1, f"history {big:,}", peak_of_warmup=True)
        for cmd in ("history", "slippage"):
            self.figure(6, f"peak memory, `{cmd}`, {big:,} commits", r[cmd]["peak_kb"] / 1024, None,
                        "-", f"<= {MEMORY_LIMIT_MB} MB", MEMORY_LIMIT_MB, kind="value", unit=" MB",
                        note=f"first and second run; the second took {r[cmd]['median']:.1f} s")

    def row_done(self) -> None:
        actions = self.args.done_actions
        plans = self.plans(actions, 1)
        path = next(plans.glob("*.yaml"))
        original = self.work / f"done-{actions}-original.yaml"
        shutil.copy2(path, original)
        env = self.env(f"done-{actions}")
        env["GIT_CEILING_DIRECTORIES"] = str(self.work.parent)  # outside git: no commit is made
        cache = self.work / "cache" / f"done-{actions}"
        shutil.rmtree(cache, ignore_errors=True)  # nothing from an earlier run (--keep)
        base = self.planctl
        # an action overdue at a date after every deadline in the plans: not done yet, so
        # `done` really edits the file
        out = subprocess.run([*base, "overdue", "--format", "json", "--today", DONE_DAY, "--plans",
                              str(path)], env=env, capture_output=True, check=True).stdout
        action_id = json.loads(out)["actions"][0]["id"]
        cmd = [*base, "done", action_id, "--on", DONE_DAY, "--today", DONE_DAY, "--plans", str(path)]
        # The cache as a user has it before a first edit: the file read (by the overdue above),
        # not the edited text (an edit stores what it read back; the same edit again would find it).
        before = self.work / "cache" / f"done-{actions}-before-the-edit"
        shutil.rmtree(before, ignore_errors=True)
        shutil.copytree(cache, before, symlinks=True)

        def restore():
            tmp = path.with_suffix(".restoring")
            shutil.copy2(original, tmp)
            os.replace(tmp, path)
            shutil.rmtree(cache, ignore_errors=True)
            shutil.copytree(before, cache, symlinks=True)

        try:
            run_once(cmd, env, restore)
            if path.read_bytes() == original.read_bytes():
                raise SystemExit(f"bench: `planctl done {action_id}` changed nothing in {path}")
            group = {"done": (cmd, env, restore, None),
                     "bare": ([self.py, "-c", BARE_YAML, str(plans)], env, None, None)}
            r = measure(group, self.runs, "done")
        finally:
            restore()
        self.figure(7, f"`done {action_id}`, one {actions:,}-action file", r["done"]["median"],
                    r["bare"]["median"], "bare yaml.load of the file", "<= 2x", 2.0)

    def row_files(self) -> None:
        A, F = self.A, self.F
        many = F * 10
        r = self.measure([f"warm {A}x{many}", f"warm {A}x{F}"], "files")
        self.figure(8, f"warm, {A:,} actions in {many:,} files", r[f"warm {A}x{many}"]["median"],
                    r[f"warm {A}x{F}"]["median"], f"warm, {F} files", "<= 1.2x", 1.2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median; >= 5)")
    parser.add_argument("--only", action="append", metavar="ROWS",
                        help="rows to run, by number or name, comma-separated (e.g. 1,2 or warm,cold)")
    parser.add_argument("--quick", action="store_true",
                        help="skip the slowest figures: 100k actions and 10,000 commits")
    parser.add_argument("--actions", type=int, default=20000, help="actions at scale (default 20000)")
    parser.add_argument("--files", type=int, default=200, help="plan files at scale (default 200)")
    parser.add_argument("--commits", type=int, default=1000,
                        help="commits for the history row (default 1000; memory at 10x)")
    parser.add_argument("--done-actions", type=int, default=5000,
                        help="actions in the file `done` edits (default 5000)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (plans, caches, "
                        "Taskwarrior data, repositories) to reuse next time; default: a temporary folder")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5 (each figure is a median)")
    if args.files < 10 or args.actions < args.files * 10:
        parser.error("need --files >= 10 and --actions >= 10 x --files (the growth row uses a tenth)")
    try:
        rows = parse_rows(args.only)
    except ValueError as exc:
        parser.error(f"--only: {exc}")

    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="planctl-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return run_all(args, work, rows)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def run_all(args, work: Path, rows: list[int]) -> int:
    bench = Bench(args, work)
    started = time.perf_counter()
    say(f"{machine()}")
    say(f"planctl as the {bench.how}; {args.runs} runs per figure; rows {rows}"
        + (" (--quick)" if args.quick else ""))
    names = {n: name for name, n in ROWS.items()}
    for row in rows:
        say(f"row {row} ({names[row]}) ...")
        t = time.perf_counter()
        getattr(bench, f"row_{names[row]}")()
        say(f"row {row} took {time.perf_counter() - t:.0f} s")
    total = time.perf_counter() - started
    print_table(bench, total)
    if args.json:
        args.json.write_text(json.dumps(
            {"machine": machine(), "planctl": bench.how, "runs": args.runs, "quick": args.quick,
             "rows": rows, "today": TODAY, "seconds": round(total, 1),
             "setup_seconds": {k: round(v, 1) for k, v in bench.setup.items()},
             "notes": bench.notes, "figures": bench.figures}, indent=2) + "\n")
    return 0


def fmt(value, unit: str) -> str:
    return f"{value:.0f}{unit}" if unit.strip() == "MB" else f"{value:.3f}{unit}"


def print_table(bench: Bench, total: float) -> None:
    args = bench.args
    print(f"Machine: {machine()}; median of {args.runs} runs"
          + ("; --quick" if args.quick else "") + f"; whole run {total / 60:.1f} min\n")
    print("| # | figure | planctl | baseline | ratio | target | met |")
    print("|---|---|---|---|---|---|---|")
    for f in bench.figures:
        unit = f["unit"]
        if f["skipped"]:
            print(f"| {f['row']} | {f['figure']} | - | - | - | {f['target']} | skipped ({f['note']}) |")
            continue
        base = "-" if f["baseline"] is None else f"{fmt(f['baseline'], unit)} ({f['baseline_name']})"
        ratio = f"{f['ratio']:.2f}x" if f["ratio"] is not None else "-"
        met = f["met"] + (f"; {f['note']}" if f["note"] else "")
        print(f"| {f['row']} | {f['figure']} | {fmt(f['planctl'], unit)} | {base} | {ratio} | "
              f"{f['target']} | {met} |")
    if bench.setup:
        print("\nPreparation (not timed in the figures): "
              + "; ".join(f"{k} {v:.1f} s" for k, v in bench.setup.items()))
    for note in bench.notes:
        print(f"Note: {note}")


if __name__ == "__main__":
    raise SystemExit(main())
