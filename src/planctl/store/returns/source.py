"""Where returns come from: the commit a return is cut from (HEAD, and only when the plan
files are exactly HEAD's), and the returns in a folder (`returns_in`).

A return points at a commit (`returns apply` follows each action from it to the plan as
it is then), so a plan file that is changed, new, or ignored by git refuses the cut:
the return would describe a plan no commit holds.
"""

from __future__ import annotations

import os
import stat
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


# -- the returns in a folder ------------------------------------------------------------
_SPECIAL = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
            (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _kind(mode: int) -> str | None:
    """What a folder entry that is not a regular file nor a folder is, in words."""
    return next((what for test, what in _SPECIAL if test(mode)), None)


def returns_in(folder: Path, suffixes: tuple[str, ...]) -> tuple[list[Path], list[str]]:
    """(the return files in `folder`, sorted; a line for each entry skipped and why).

    Nothing is opened here, only looked at (a FIFO opened for reading blocks until someone
    writes to it). Skipped, each named: a pipe, socket or device (of any name: none is a
    return), and a return-named entry that is a broken link or a link to a file outside
    the folder (as with plan folders, a link dropped into a shared folder must not make
    planctl read a file elsewhere: name that file itself to read it). Subfolders and other
    files are not returns and are passed over, as before."""
    found: list[Path] = []
    skipped: list[str] = []
    real = os.path.realpath(folder)
    with os.scandir(folder) as it:
        entries = sorted(it, key=lambda e: e.name)
    for e in entries:
        path = folder / e.name
        is_return = e.name.lower().endswith(suffixes)
        try:
            mode = os.stat(path).st_mode  # follows a link: what it names is what is read
        except OSError:
            if is_return and e.is_symlink():
                skipped.append(f"{path}: skipped: a broken symbolic link (or a link loop)")
            continue
        what = _kind(mode)
        if what is not None:
            link = " (through a symbolic link)" if e.is_symlink() else ""
            skipped.append(f"{path}: skipped: {what}{link}, not a return; planctl does not "
                           "open it (a return is an .xlsx, .eml or mbox file)")
        elif is_return and stat.S_ISREG(mode):
            if e.is_symlink() and os.path.commonpath([os.path.realpath(path), real]) != real:
                skipped.append(f"{path}: skipped: a symbolic link to a file outside the "
                               "folder; give that file itself to read it")
                continue
            found.append(path)
    return found, skipped
