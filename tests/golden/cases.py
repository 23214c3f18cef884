"""The read commands and report formats whose output is pinned byte for byte.

Each case runs planctl in a fresh folder laid out by its `setup`, with a fixed
--today, and records stdout, stderr and the exit code. tests/test_golden.py
compares against tests/golden/out/; `python tests/golden/cases.py --update`
rewrites them after an intended change (review the diff before committing).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "out"
BUNDLED = ROOT / "plans" / "thurrock-2012-slac.yaml"
COMPARISONS = ROOT / "plans" / "comparisons"
CORPUS = ROOT / "tests" / "corpus"

TODAY = ("--today", "2012-10-09")
READS = [
    ("status", ["status"]),
    ("status-by-rec", ["status", "--by-rec"]),
    ("overdue", ["overdue"]),
    ("overdue-by-lead", ["overdue", "--by-lead"]),
    ("upcoming", ["upcoming", "--days", "60"]),
    ("leads", ["leads"]),
    ("show-13.2", ["show", "13.2"]),
    ("show-rec-3", ["show", "3"]),
    ("findings", ["findings"]),
    ("compare", ["compare"]),
]
FORMATS = ["table", "json", "csv", "markdown"]


def cases() -> list[tuple[str, str, list[str]]]:
    """(name, setup, argv) for every pinned run."""
    out = []
    for name, args in READS:
        for fmt in FORMATS:
            out.append((f"bundled/{name}.{fmt}", "bundled", [*args, *TODAY, "--format", fmt]))
    out += [
        ("bundled/check", "bundled", ["check"]),
        ("bundled/check-strict", "bundled", ["check", "--strict"]),
        ("bundled/show-unknown", "bundled", ["show", "99.9", *TODAY]),
        ("bundled/today-bad", "bundled", ["status", "--today", "2012-13-01"]),
    ]
    for fmt in ("md", "html", "csv", "json", "ics"):
        out.append((f"bundled/report.{fmt}", "bundled", ["report", *TODAY, "--format", fmt]))
    for path in sorted((CORPUS / "bad").glob("*.yaml")) + sorted((CORPUS / "good").glob("*.yaml")):
        kind = path.parent.name
        out.append((f"corpus/{kind}/{path.stem}", f"corpus:{kind}/{path.name}", ["check", "--strict"]))
    for name, args in [("history", ["history"]), ("history-3.1", ["history", "3.1"]),
                       ("slippage", ["slippage"]),
                       ("diff", ["diff", "committee-2012-09", "committee-2012-10"]),
                       ("diff-worktree", ["diff", "committee-2012-10"]),
                       ("status-as-of", ["status", "--as-of", "committee-2012-09"])]:
        for fmt in ("table", "json"):
            out.append((f"git/{name}.{fmt}", "git", [*args, "--format", fmt]))
    out.append(("git/report-since.md", "git", ["report", *TODAY, "--since", "committee-2012-09",
                                                 "--format", "md"]))
    # the trends from git (issue 23): one deadline moved in a commit, one uncommitted
    out.append(("git/report-trends.json", "git", ["report", *TODAY, "--format", "json"]))
    return out


def _git(folder: Path, *args: str, date: str | None = None) -> None:
    env = dict(os.environ, HOME=str(folder / "home"), GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="Performance Officer", GIT_AUTHOR_EMAIL="officer@example.invalid",
               GIT_COMMITTER_NAME="Performance Officer", GIT_COMMITTER_EMAIL="officer@example.invalid")
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def setup(folder: Path, kind: str) -> None:
    """Lay out the folder a case runs in (always a plans/ folder under it)."""
    plans = folder / "plans"
    plans.mkdir(parents=True)
    if kind == "bundled":
        shutil.copy(BUNDLED, plans / BUNDLED.name)
        shutil.copytree(COMPARISONS, plans / "comparisons")
    elif kind.startswith("corpus:"):
        source = CORPUS / kind.split(":", 1)[1]
        shutil.copy(source, plans / source.name)
    elif kind == "git":
        plan = plans / BUNDLED.name
        shutil.copy(BUNDLED, plan)
        _git(folder, "init", "-q", "-b", "main")
        _git(folder, "add", "plans")
        _git(folder, "commit", "-q", "-m", "Plan as agreed", date="2012-08-01T10:00:00+01:00")
        _git(folder, "tag", "committee-2012-09")
        # Hand edits between meetings: one deadline moved later, then another (uncommitted).
        _replace(plan, "By 31.12.12", "By 31.3.13")
        _git(folder, "commit", "-q", "-am", "Move ICS work to March", date="2012-09-20T09:30:00+01:00")
        _git(folder, "tag", "committee-2012-10")
        _replace(plan, "By 27.10.12", "By 30.11.12")
    else:
        raise ValueError(kind)


def run_case(folder: Path, argv: list[str]) -> str:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PLANCTL_") and k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    env.update(TZ="Europe/London", XDG_CACHE_HOME=str(folder / ".cache"), HOME=str(folder / "home"),
               GIT_CONFIG_NOSYSTEM="1", COLUMNS="100", LC_ALL="C.UTF-8", PYTHONHASHSEED="0")
    exe = Path(sys.executable).parent / "planctl"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "planctl"]
    proc = subprocess.run([*cmd, "--no-cache", *argv], cwd=folder, env=env, capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=60)
    # An iCalendar DTSTAMP and SEQUENCE come from the moment of writing (a newer file must
    # win on re-import): the only fields that may differ between runs.
    stdout = re.sub(r"DTSTAMP:\d{8}T\d{6}Z", "DTSTAMP:<now>", proc.stdout.decode("utf-8", "replace"))
    stdout = re.sub(r"SEQUENCE:\d+", "SEQUENCE:<now>", stdout)
    return (f"exit: {proc.returncode}\n--- stdout\n{stdout}"
            f"--- stderr\n{proc.stderr.decode('utf-8', 'replace')}")


def golden_path(name: str) -> Path:
    return OUT / f"{name}.txt"


if __name__ == "__main__":
    import tempfile

    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/golden/cases.py --update")
    if OUT.exists():
        shutil.rmtree(OUT)
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, kind, argv) in enumerate(cases()):
            folder = Path(tmp) / str(i)
            setup(folder, kind)
            target = golden_path(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(run_case(folder, argv).encode("utf-8"))
    print(f"wrote {len(cases())} golden files under {OUT}")
