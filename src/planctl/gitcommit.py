"""Commit one plan file after an edit (`planctl done ... --commit`).

Kept apart from gitstore.py only while another engineer reworks that module;
it belongs there (the rule is that only gitstore runs git) and should be merged
into it. It runs git for exactly two things: checking that a commit can be
made, and making it.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from .errors import GitError


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              encoding="utf-8", errors="replace", check=False)
    except FileNotFoundError:
        raise GitError("--commit needs git, and git is not installed") from None


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "unknown error")


def check_can_commit(path: str | os.PathLike) -> Path:
    """The repository's root, or GitError saying why `--commit` cannot work for this file.

    Refused: outside git, no author identity, or the file already has changes of
    its own (they would go into the commit with the edit), or is not in git yet.
    """
    real = Path(os.path.realpath(path))
    folder = real.parent
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top.returncode != 0:
        raise GitError(f"--commit: {path} is not in a git repository; nothing was changed "
                       "(run without --commit, or 'git init' first)")
    root = Path(top.stdout.strip())
    ident = _git(["var", "GIT_AUTHOR_IDENT"], folder)
    if ident.returncode != 0:
        raise GitError("--commit: git does not know who you are; set user.name and user.email "
                       "('git config user.name ...'); nothing was changed")
    state = _git(["status", "--porcelain", "--", str(real)], folder)
    if state.returncode != 0:
        raise GitError(f"--commit: git status failed: {_first_line(state.stderr)}")
    if state.stdout.strip():
        what = "is not committed in git yet" if state.stdout.startswith("??") else \
            "has changes that are not committed"
        raise GitError(f"--commit: {path} {what}; commit that first so the commit holds only "
                       "this edit, or run without --commit; nothing was changed")
    return root


def commit_file(path: str | os.PathLike, subject: str, body: str = "", tries: int = 20) -> str:
    """Commit this one file as it is in the working tree, whatever else is staged; its hash.

    `git commit --only -- FILE` commits the file alone and leaves the rest of the
    index as it was. Another git command holding the index lock is waited for.
    """
    real = Path(os.path.realpath(path))
    message = subject + ("\n\n" + body if body else "") + "\n"
    for attempt in range(tries):
        done = _git(["commit", "--only", "--quiet", "-m", message, "--", real.name], real.parent)
        if done.returncode == 0:
            head = _git(["rev-parse", "--short", "HEAD"], real.parent)
            return head.stdout.strip()
        if "index.lock" in done.stderr and attempt + 1 < tries:
            time.sleep(0.1 * (attempt + 1))
            continue
        raise GitError(f"the edit is saved in {path} but git commit failed: "
                       f"{_first_line(done.stderr or done.stdout)}")
    raise GitError(f"the edit is saved in {path} but git stayed busy; commit it by hand")
