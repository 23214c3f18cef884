"""Old against new: the planctl figures of bench/run.py's rows, with two installs interleaved.

A change that should not make planctl slower (a refactor) is judged against the noise of
the old code: each figure runs the old and the new planctl in turn (old, new, old, new ...),
--runs times after one warm-up each, on the same files, each with its own cache, and prints
both medians with their min-max, the ratio new/old, and whether the new median stays inside
the old runs' min-max ("noise") or below it ("faster").

    python bench/pair.py OLD_PLANCTL                          # the new one: beside this Python
    python bench/pair.py ../old/.venv/bin/planctl --new .venv/bin/planctl --runs 5 \\
        --keep /tmp/bench-pair --only warm,cold,status --json pair.json

The rows (names as in run.py): warm, cold, status, growth (2k cold and warm), history
(history and slippage, 1,000 commits), done, files (warm, 2,000 files). Memory figures are
the peaks of the same runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import BUNDLED, DONE_DAY, PAST_DAY, ROOT, Bench, measure, parse_rows, planctl_command, say  # noqa: E402


def verdict(old: dict, new: dict) -> str:
    if new["median"] < old["min"]:
        return "faster"
    return "noise" if new["median"] <= old["max"] else "SLOWER"


class Pair:
    def __init__(self, args, work: Path) -> None:
        self.args, self.work = args, work
        self.bench = Bench(args, work)  # its plans, repositories and environments
        self.exes = {"old": [str(args.old.absolute())], "new": args.new_cmd}
        self.figures: list[dict] = []

    def env(self, name: str, which: str) -> dict:
        return self.bench.env(f"{name}-{which}")

    def run(self, name: str, group: dict) -> None:
        r = measure(group, self.args.runs, name)
        old, new = r["old"], r["new"]
        f = {"figure": name, "old": old, "new": new, "ratio": new["median"] / old["median"],
             "verdict": verdict(old, new)}
        self.figures.append(f)
        say(f"{name}: old {old['median']:.3f}s ({old['min']:.3f}-{old['max']:.3f}), new "
            f"{new['median']:.3f}s ({new['min']:.3f}-{new['max']:.3f}), {f['ratio']:.2f}x: "
            f"{f['verdict']}")

    def overdue(self, which: str, plans: Path) -> list[str]:
        return [*self.exes[which], "overdue", "--format", "json", "--today", "2014-01-01",
                "--plans", str(plans)]

    def loads(self, kind: str, actions: int, files: int) -> None:
        plans = self.bench.plans(actions, files)
        group = {}
        for which in ("old", "new"):
            name = f"{kind}-{actions}x{files}"
            cache = self.bench.work / "cache" / f"{name}-{which}"
            before = (lambda c=cache: shutil.rmtree(c, ignore_errors=True)) if kind == "cold" else None
            group[which] = (self.overdue(which, plans), self.env(name, which), before, None)
        self.run(f"{kind}, {actions:,} actions / {files} files", group)

    def row_warm(self) -> None:
        self.loads("warm", self.bench.A, self.bench.F)

    def row_cold(self) -> None:
        self.loads("cold", self.bench.A, self.bench.F)

    def row_growth(self) -> None:
        small = (self.bench.A // 10, max(1, self.bench.F // 10))
        self.loads("cold", *small)
        self.loads("warm", *small)

    def row_files(self) -> None:
        self.loads("warm", self.bench.A, self.bench.F * 10)

    def row_status(self) -> None:
        self.run("`status`, bundled plan", {
            which: ([*self.exes[which], "status", "--plans", str(BUNDLED)], self.env("status", which),
                    None, None) for which in ("old", "new")})

    def row_today(self) -> None:
        self.run(f"`status --today {PAST_DAY}`, bundled plan in its repository", {
            which: ([*self.exes[which], "status", "--today", PAST_DAY, "--plans", str(BUNDLED)],
                    self.env("today", which), None, ROOT) for which in ("old", "new")})

    def row_history(self) -> None:
        commits = self.args.commits
        repo = self.bench.repo(commits)
        for cmd in ("history", "slippage"):
            group = {}
            for which in ("old", "new"):
                env = self.env(f"history-{commits}", which)
                env["GIT_CEILING_DIRECTORIES"] = str(repo.parent)
                group[which] = ([*self.exes[which], cmd, "--format", "json"], env, None, repo)
            self.run(f"`{cmd}`, {commits:,} commits", group)

    def row_done(self) -> None:
        actions = self.args.done_actions
        source = next(self.bench.plans(actions, 1).glob("*.yaml"))
        group = {}
        for which in ("old", "new"):
            folder = self.work / f"done-{which}"
            folder.mkdir(exist_ok=True)
            path = folder / source.name
            env = self.env(f"done-{actions}", which)
            env["GIT_CEILING_DIRECTORIES"] = str(self.work.parent)  # outside git: no commit
            cache = self.bench.work / "cache" / f"done-{actions}-{which}"
            shutil.copy2(source, path)
            shutil.rmtree(cache, ignore_errors=True)
            exe = self.exes[which]
            out = subprocess.run([*exe, "overdue", "--format", "json", "--today", DONE_DAY, "--plans",
                                  str(path)], env=env, capture_output=True, check=True).stdout
            action_id = json.loads(out)["actions"][0]["id"]
            before = self.work / f"done-{which}-cache-before"
            shutil.rmtree(before, ignore_errors=True)
            shutil.copytree(cache, before, symlinks=True)

            def restore(path=path, cache=cache, before=before) -> None:
                tmp = path.with_suffix(".restoring")
                shutil.copy2(source, tmp)
                os.replace(tmp, path)
                shutil.rmtree(cache, ignore_errors=True)
                shutil.copytree(before, cache, symlinks=True)

            cmd = [*exe, "done", action_id, "--on", DONE_DAY, "--today", DONE_DAY, "--plans", str(path)]
            group[which] = (cmd, env, restore, None)
        self.run(f"`done`, one {actions:,}-action file", group)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("old", type=Path, help="the old planctl (a console script)")
    parser.add_argument("--new", type=Path, help="the new planctl (default: beside this Python)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each, interleaved (>= 5)")
    parser.add_argument("--only", action="append", metavar="ROWS", help="rows, as run.py's --only")
    parser.add_argument("--actions", type=int, default=20000)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--done-actions", type=int, default=5000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it for next time")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5 (each figure is a median)")
    args.quick = True
    # absolute: the history rows run planctl inside the repository they build
    args.new_cmd = [str(args.new.absolute())] if args.new else planctl_command()[0]
    try:
        rows = parse_rows(args.only)
    except ValueError as exc:
        parser.error(f"--only: {exc}")
    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="planctl-pair-"))
    work.mkdir(parents=True, exist_ok=True)
    pair = Pair(args, work)
    names = {1: "warm", 2: "cold", 3: "status", 4: "growth", 6: "history", 7: "done", 8: "files",
             9: "today"}
    try:
        for row in rows:
            if row in names:
                getattr(pair, f"row_{names[row]}")()
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print("| figure | old median (min-max) | new median (min-max) | new/old | verdict | peak MB old / new |")
    print("|---|---|---|---|---|---|")
    for f in pair.figures:
        o, n = f["old"], f["new"]
        print(f"| {f['figure']} | {o['median']:.3f} s ({o['min']:.3f}-{o['max']:.3f}) | "
              f"{n['median']:.3f} s ({n['min']:.3f}-{n['max']:.3f}) | {f['ratio']:.2f}x | {f['verdict']} | "
              f"{o['peak_kb'] / 1024:.0f} / {n['peak_kb'] / 1024:.0f} |")
    if args.json:
        args.json.write_text(json.dumps(pair.figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
