"""The commit a return is cut from: HEAD, and only when the plan files are exactly HEAD's.

A return points at a commit (`returns apply` follows each action from it to the plan as
it is then), so a plan file that is changed, new, or ignored by git refuses the cut:
the return would describe a plan no commit holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ...core.errors import GitError
from ..gitstore.repo import PLAN_SUFFIXES, open_repo
from ..gitstore.runner import WHOLE_TREE, git

NEEDS = "a return records the commit it was cut from"


class NotCommitted(GitError):
    """The plans have changes no commit holds (exit 4, as every git refusal)."""


def source_commit(paths: Sequence[Path]) -> str:
    """HEAD's 40-hex id, or GitError: not in git, no commit yet, or plan files that differ
    from HEAD (changed, untracked or ignored)."""
    try:
        repo, (sha,) = open_repo(paths, ["HEAD"])
    except GitError as exc:
        raise GitError(f"cannot cut returns: {exc}; returns are cut from the plans as "
                       "committed in git") from None
    specs = [f":(top,literal){s}" if s else WHOLE_TREE for s in repo.specs]
    out = git(["status", "--porcelain", "-z", "--untracked-files=all", "--ignored=matching",
               "--", *specs], repo.cwd, needs=NEEDS)
    changed = sorted({entry[3:] for entry in out.decode("utf-8", "surrogateescape").split("\0")
                      if len(entry) > 3 and entry[2] == " " and entry.endswith(PLAN_SUFFIXES)})
    if changed:
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        raise NotCommitted(f"cannot cut returns: the plans have uncommitted changes "
                           f"({', '.join(changed[:3])}{more}); commit them first (a return "
                           "records the commit it was cut from)")
    return sha
