"""Git for `returns apply`: a return's commit exists, and one commit of the lead's files,
authored by the lead (the committer is whoever runs planctl)."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from ...core.errors import GitError
from ..gitstore.runner import git, literal

NEEDS = "returns apply reads the commit a return was cut from"


def has_commit(cwd: Path, sha: str) -> bool:
    """Whether the repository holds this commit (a 40-hex id, checked by the reader)."""
    try:
        git(["cat-file", "-e", f"{sha}^{{commit}}"], cwd, needs=NEEDS)
    except GitError as exc:
        if "not installed" in str(exc):
            raise
        return False
    return True


def commit_files(paths: Sequence[str | os.PathLike[str]], message: str, author: tuple[str, str],
                 tries: int = 20) -> str:
    """Commit these files as they are in the working tree (`--only`: whatever else is staged
    stays staged), authored by (name, email); the new commit's short id."""
    reals = [Path(os.path.realpath(p)) for p in paths]
    cwd = reals[0].parent
    # One line: a line break or carriage return in a lead's name (a YAML "\r\n") would
    # reach `git log` as written, where a CR rewrites the line shown.
    env = {"GIT_AUTHOR_NAME": " ".join(author[0].split()), "GIT_AUTHOR_EMAIL": author[1]}
    args = ["commit", "--only", "--quiet", "--cleanup=verbatim", "-m", message, "--",
            *(literal(str(r)) for r in reals)]
    for attempt in range(tries):
        try:
            git(args, cwd, needs="it is needed for git commit", env=env)
        except GitError as exc:
            if "index.lock" in str(exc) and attempt + 1 < tries:
                time.sleep(0.1 * (attempt + 1))
                continue
            raise GitError(f"the return is saved in the plans but git commit failed: {exc}; "
                           "commit it by hand") from None
        out = git(["rev-parse", "--short", "HEAD"], cwd, needs="it is needed for git commit")
        return out.decode("ascii", "replace").strip()
    raise GitError("the return is saved in the plans but git stayed busy; commit it by hand")
