"""planctl's benchmarks: every figure of docs/benchmarks.md from one run.

Each figure is the median of --runs runs (at least 5) of a fresh process, and
is printed with the median of its baseline, measured in the same run with the
runs interleaved (planctl, baseline, planctl, ...), and their ratio:

  cold     `planctl overdue --format json` on N actions in M files, empty cache,
           vs a bare Python process that only yaml.loads the same files (CSafeLoader)
  warm     the same with the cache filled, vs Taskwarrior's `task overdue` on the
           same actions imported into it (skipped when `task` is not installed)
  growth   cold and warm time at N actions / time at N/10 actions (in M/10 files)
  memory   peak resident memory of the cold and warm runs at N actions
  status   `planctl status` on the bundled plan (warm) vs
           `python -c "import click, yaml, rich.console, rich.table"`

planctl runs as the console script beside this Python (what users run), or
`python -m planctl` when there is none. Timings are wall-clock.

    python bench/run.py                 # the figures of the issue (about 2 minutes)
    python bench/run.py --runs 9 --keep /tmp/bench
    python bench/run.py --actions 2000 --files 20 --runs 5   # quick look
"""

from __future__ import annotations

import argparse
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
BUNDLED = ROOT / "plans" / "thurrock-2012-slac.yaml"

BARE_YAML = """\
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*.yaml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""
IMPORTS_ONLY = "import click, yaml, rich.console, rich.table"


def planctl_command() -> tuple[list[str], str]:
    exe = Path(sys.executable).parent / "planctl"
    if exe.exists():
        return [str(exe)], f"console script {exe}"
    return [sys.executable, "-m", "planctl"], f"{sys.executable} -m planctl"


def run_once(cmd: list[str], env: dict, before=None) -> tuple[float, int]:
    """(wall seconds, peak RSS in KB) of one fresh process; output to /dev/null."""
    if before:
        before()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode not in (0, 1):  # overdue exits 0; nothing here should fail
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    return elapsed, usage.ru_maxrss


def measure(pair: dict, runs: int) -> dict:
    """Interleaved runs of {"name": (cmd, env, before)}; medians and peaks."""
    times = {name: [] for name in pair}
    peaks = {name: 0 for name in pair}
    for cmd, env, before in pair.values():  # one warm-up each (page cache, .pyc)
        run_once(cmd, env, before)
    for _ in range(runs):
        for name, (cmd, env, before) in pair.items():
            elapsed, rss = run_once(cmd, env, before)
            times[name].append(elapsed)
            peaks[name] = max(peaks[name], rss)
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
    return env


def taskwarrior_import(plans_dir: Path, out: Path, today: date, now: date) -> int:
    """A `task import` file of the same actions; the number of actions overdue at `today`.

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
    out.write_text(json.dumps(tasks), encoding="utf-8")
    return overdue


def taskwarrior_setup(work: Path, plans_dir: Path) -> tuple[list[str], dict, int] | None:
    """A private Taskwarrior (own TASKRC and TASKDATA) holding the actions, or None."""
    task = shutil.which("task")
    if task is None:
        return None
    data = work / "taskdata"
    data.mkdir(parents=True, exist_ok=True)
    rc = work / "taskrc"
    rc.write_text(f"data.location={data}\nconfirmation=off\nhooks=off\nnews.version=9.9.9\n"
                  "color=off\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASK")}
    env.update(TASKRC=str(rc), TASKDATA=str(data), TZ="Europe/London")
    imp = work / "import.json"
    overdue = taskwarrior_import(plans_dir, imp, date.fromisoformat(TODAY), date.today())
    if not (data / "pending.data").exists():
        subprocess.run([task, "rc.verbose=nothing", "import", str(imp)], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    counted = subprocess.run([task, "rc.verbose=nothing", "+OVERDUE", "count"], env=env,
                             capture_output=True, text=True, check=True).stdout.strip()
    if counted != str(overdue):
        print(f"bench: warning: Taskwarrior counts {counted} overdue, planctl {overdue}",
              file=sys.stderr)
    return [task, "overdue"], env, overdue


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median; >= 5)")
    parser.add_argument("--actions", type=int, default=20000, help="actions at scale (default 20000)")
    parser.add_argument("--files", type=int, default=200, help="plan files at scale (default 200)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (plans, cache, "
                        "Taskwarrior data); default: a temporary folder")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5 (each figure is a median)")
    small_actions, small_files = args.actions // 10, max(1, args.files // 10)

    work = args.keep or Path(tempfile.mkdtemp(prefix="planctl-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return run_all(args, work, small_actions, small_files)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def run_all(args, work: Path, small_actions: int, small_files: int) -> int:
    planctl, how = planctl_command()
    big, small = work / f"plans-{args.actions}", work / f"plans-{small_actions}"
    generate(big, args.actions, args.files)
    generate(small, small_actions, small_files)
    cache = work / "cache"
    env = base_env(cache)
    py = sys.executable

    def clear_cache():
        shutil.rmtree(cache, ignore_errors=True)

    def overdue(plans: Path) -> list[str]:
        return [*planctl, "overdue", "--format", "json", "--today", TODAY, "--plans", str(plans)]

    print(f"bench: {machine()}\nbench: planctl as the {how}; {args.runs} runs per figure",
          file=sys.stderr)
    figures = []

    def figure(name, value, baseline, base_name, target, unit="s"):
        ratio = value / baseline if baseline else None
        figures.append({"figure": name, "planctl": value, "baseline": baseline,
                        "baseline_name": base_name, "ratio": ratio, "target": target, "unit": unit})
        shown = f"{ratio:.2f}x" if ratio is not None else "-"
        print(f"bench: {name}: {value:.3f}{unit} vs {baseline or 0:.3f}{unit} ({shown}; target {target})",
              file=sys.stderr)

    # Cold: the cache is emptied before every planctl run.
    cold = measure({"planctl": (overdue(big), env, clear_cache),
                    "bare": ([py, "-c", BARE_YAML, str(big)], env, None)}, args.runs)
    figure(f"cold cache, {args.actions:,} actions in {args.files} files", cold["planctl"]["median"],
           cold["bare"]["median"], "bare yaml.load (CSafeLoader)", "<= 1.2x")

    # Warm: fill the cache once, then never clear it.
    run_once(overdue(big), env)
    found = overdue_count(overdue(big), env)
    tw = taskwarrior_setup(work, big)
    pair = {"planctl": (overdue(big), env, None)}
    if tw:
        pair["task"] = (tw[0], tw[1], None)
    warm = measure(pair, args.runs)
    if tw:
        if tw[2] != found:
            print(f"bench: warning: {found} overdue in planctl, {tw[2]} imported as overdue",
                  file=sys.stderr)
        figure(f"warm cache, {args.actions:,} actions ({found:,} overdue)", warm["planctl"]["median"],
               warm["task"]["median"], "Taskwarrior `task overdue`", "<= 1.0x")
    else:
        print("bench: Taskwarrior (`task`) is not installed: warm figure has no baseline",
              file=sys.stderr)
        figure(f"warm cache, {args.actions:,} actions", warm["planctl"]["median"], None,
               "Taskwarrior (not installed)", "<= 1.0x")

    # Growth: the same at a tenth of the size.
    small_cold = measure({"planctl": (overdue(small), env, clear_cache)}, args.runs)
    run_once(overdue(small), env)
    small_warm = measure({"planctl": (overdue(small), env, None)}, args.runs)
    figure(f"growth {small_actions:,} -> {args.actions:,} actions, cold", cold["planctl"]["median"],
           small_cold["planctl"]["median"], f"cold at {small_actions:,}", "<= 11x")
    figure(f"growth {small_actions:,} -> {args.actions:,} actions, warm", warm["planctl"]["median"],
           small_warm["planctl"]["median"], f"warm at {small_actions:,}", "<= 11x")

    # Memory: peak RSS over the runs above.
    figure(f"peak memory at {args.actions:,} actions, cold", cold["planctl"]["peak_kb"] / 1024,
           cold["bare"]["peak_kb"] / 1024, "bare yaml.load", "<= 150 MB", unit=" MB")
    figure(f"peak memory at {args.actions:,} actions, warm", warm["planctl"]["peak_kb"] / 1024,
           None, "-", "<= 150 MB", unit=" MB")

    # status on the bundled plan, as a user runs it (cache warm after the first run).
    status = [*planctl, "status", "--plans", str(BUNDLED)]
    run_once(status, env)
    st = measure({"planctl": (status, env, None),
                  "imports": ([py, "-c", IMPORTS_ONLY], env, None)}, args.runs)
    figure("`planctl status`, bundled plan (62 actions)", st["planctl"]["median"],
           st["imports"]["median"], "python -c 'import click, yaml, rich...'", "<= 1.2x")

    print_table(figures, args)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "planctl": how, "runs": args.runs,
                                         "figures": figures}, indent=2) + "\n")
    return 0


def passes(f: dict) -> str:
    limit = float(f["target"].split()[1].rstrip("x"))
    if f["target"].endswith("MB"):
        return "yes" if f["planctl"] <= limit else "NO"
    if f["ratio"] is None:
        return "-"
    return "yes" if f["ratio"] <= limit else "NO"


def print_table(figures: list[dict], args) -> None:
    print(f"Machine: {machine()}; median of {args.runs} runs\n")
    print("| figure | planctl | baseline | ratio | target | met |")
    print("|---|---|---|---|---|---|")
    for f in figures:
        unit = f["unit"]
        value = f"{f['planctl']:.0f}{unit}" if unit.strip() == "MB" else f"{f['planctl']:.3f}{unit}"
        if f["baseline"] is None:
            base = "-"
        elif unit.strip() == "MB":
            base = f"{f['baseline']:.0f}{unit} ({f['baseline_name']})"
        else:
            base = f"{f['baseline']:.3f}{unit} ({f['baseline_name']})"
        ratio = f"{f['ratio']:.2f}x" if f["ratio"] is not None else "-"
        print(f"| {f['figure']} | {value} | {base} | {ratio} | {f['target']} | {passes(f)} |")


if __name__ == "__main__":
    raise SystemExit(main())
