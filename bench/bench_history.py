"""Benchmark: `planctl history` over a 200-action plan with 100 and 1,000 commits.

Builds two repositories with `git fast-import` (each commit edits one action:
a deadline moved, a status, an update added or a lead changed), then times

- `planctl history --format json` (the installed console script) at 100 and
  1,000 commits;
- a baseline loop that runs `git show REV:path` per commit and parses each
  version with planctl's loader (in this process, so it pays no start-up).

Targets: 1,000 commits cost at most 11x what 100 cost, and at most 0.25x the
baseline. Run:  .venv/bin/python bench/bench_history.py [--runs-small 5] [--runs-big 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from planctl.format.reader import load_text

PATH = "plans/bench.yaml"
LEADS = ["Service Manager FST", "Service Manager QA", "Service Manager MAGS", "Head of CATO"]
STATUSES = ["not-started", "in-progress", "completed", "in-progress"]


class Plan:
    """The plan's state; `text()` writes it as a person would."""

    def __init__(self, actions: int = 200):
        start = date(2012, 9, 1)
        self.due = [start + timedelta(days=i % 120) for i in range(actions)]
        self.status = ["not-started"] * actions
        self.lead = [LEADS[i % len(LEADS)] for i in range(actions)]
        self.updates: list[list[tuple[date, str]]] = [[] for _ in range(actions)]

    def text(self) -> str:
        out = ["plan:\n  title: Benchmark plan\n  inspection:\n    published: 2012-07-27\n",
               "leads:\n", *(f"  l{i}: {name}\n" for i, name in enumerate(LEADS)),
               "bodies:\n  SMT: Senior Management Team\n", "recommendations:\n"]
        for r in range(len(self.due) // 5):
            out.append(f'  - id: "{r + 1}"\n    text: Recommendation {r + 1}, to be put right\n'
                       "    actions:\n")
            for k in range(r * 5, r * 5 + 5):
                d = self.due[k]
                out.append(f"      - text: Action {k} audits the practice and reports to SMT\n"
                           f"        due: By {d.day}.{d.month}.{d:%y}\n"
                           f"        lead: {self.lead[k]}\n        report_to: [SMT]\n"
                           f"        status: {self.status[k]}\n")
                if self.updates[k]:
                    out.append("        updates:\n")
                    for when, note in self.updates[k]:
                        out.append(f"          - date: {when.isoformat()}\n            text: {note}\n")
        return "".join(out)

    def edit(self, n: int, today: date) -> str:
        k = (n * 37) % len(self.due)
        kind = n % 4
        if kind == 0:
            self.due[k] += timedelta(days=7)
            return f"Action {k}: a week later, waiting for data"
        if kind == 1:
            self.status[k] = STATUSES[(STATUSES.index(self.status[k]) + 1) % len(STATUSES)]
            return f"Action {k}: {self.status[k]}"
        if kind == 2:
            self.updates[k] = (self.updates[k] + [(today, f"Progress note {n}")])[-3:]
            return f"Action {k}: progress note"
        self.lead[k] = LEADS[(LEADS.index(self.lead[k]) + 1) % len(LEADS)]
        return f"Action {k}: now led by {self.lead[k]}"


def build(repo: Path, commits: int, progress=None) -> None:
    """A repository at `repo` whose plans/bench.yaml has `commits` commits, one edit each.

    The commits are streamed into `git fast-import` as they are made, so memory stays flat at
    10,000 commits; `progress(done, total)` is called now and then when given.
    """
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    plan = Plan()
    start = 1346500000  # 1 Sep 2012
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=repo, stdin=subprocess.PIPE)
    try:
        for n in range(commits):
            when = start + n * 6 * 3600
            message = "Plan as agreed" if n == 0 else plan.edit(n, date.fromtimestamp(when))
            data = plan.text().encode()
            msg = message.encode()
            author = ["Alice Archer", "Bob Brown", "Carol Clark"][n % 3]
            proc.stdin.write(b"".join([
                b"commit refs/heads/main\n",
                f"author {author} <a@example.invalid> {when} +0100\n".encode(),
                f"committer {author} <a@example.invalid> {when} +0100\n".encode(),
                b"data %d\n%s\n" % (len(msg), msg),
                f"M 100644 inline {PATH}\n".encode(),
                b"data %d\n%s\n" % (len(data), data)]))
            if progress and (n + 1) % 1000 == 0:
                progress(n + 1, commits)
        proc.stdin.close()
    finally:
        if not proc.stdin.closed:  # an error above: let fast-import see the end and stop
            proc.stdin.close()
        if proc.wait() != 0:
            raise subprocess.CalledProcessError(proc.returncode, "git fast-import")
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=repo, check=True)


def planctl() -> list[str]:
    exe = Path(sys.executable).parent / "planctl"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "planctl"]


def time_history(repo: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([*planctl(), "history", "--format", "json"], cwd=repo, check=True,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def time_baseline(repo: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        revs = subprocess.run(["git", "rev-list", "--first-parent", "HEAD"], cwd=repo, check=True,
                              capture_output=True, text=True).stdout.split()
        for rev in revs:
            data = subprocess.run(["git", "show", f"{rev}:{PATH}"], cwd=repo, check=True,
                                  capture_output=True).stdout
            load_text(data, PATH)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs-small", type=int, default=5)
    parser.add_argument("--runs-big", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("GIT_CONFIG_NOSYSTEM", "1")
    with tempfile.TemporaryDirectory() as tmp:
        small, big = Path(tmp, "small"), Path(tmp, "big")
        t = time.perf_counter()
        build(small, 100)
        build(big, 1000)
        print(f"built the repositories in {time.perf_counter() - t:.1f} s "
              f"(plan: 200 actions, {len(Plan().text()) // 1024} KB)")
        h100 = time_history(small, args.runs_small)
        b100 = time_baseline(small, args.runs_small)
        h1000 = time_history(big, args.runs_big)
        b1000 = time_baseline(big, args.runs_big)
    print(f"history   100 commits: {h100:.3f} s (median of {args.runs_small})")
    print(f"history  1000 commits: {h1000:.3f} s (median of {args.runs_big})")
    print(f"baseline  100 commits: {b100:.3f} s (git show + parse per commit)")
    print(f"baseline 1000 commits: {b1000:.3f} s")
    print(f"growth 1000/100: {h1000 / h100:.1f}x (target <= 11x)")
    print(f"history/baseline at 1000: {h1000 / b1000:.3f}x (target <= 0.25x); "
          f"at 100: {h100 / b100:.3f}x")


if __name__ == "__main__":
    main()
