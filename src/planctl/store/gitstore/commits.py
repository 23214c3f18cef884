"""The working tree against git: the --today note, uncommitted changes, `--commit`, `init`."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from ...core.errors import GitError
from .repo import PLAN_SUFFIXES, open_repo, resolved_head, start_folder
from .runner import WHOLE_TREE, GitMissing, git, literal


def commits_on_both_sides(paths: Sequence[Path], day: date) -> bool:
    """Whether the plans have commits on or before `day` and after it (for the --today note).

    One git call, none when this process resolved HEAD already (the completion dates of
    a past --today do) and the answer for that commit is kept in the cache; False when
    anything goes wrong (no commits, git missing): it is only a note.
    """
    from ..cache import LogEnds, read_state, write_state

    folder = start_folder(paths)
    specs = [literal(os.path.realpath(Path(p).absolute())) for p in paths]
    head, name = resolved_head(folder), "\0".join(["plan-log-ends", *specs])
    kept = read_state(name, "", LogEnds) if head is not None else None
    if kept is None or kept.tip != head:
        try:
            out = git(["log", "--first-parent", "--no-show-signature", "--format=%cI", "HEAD",
                       "--", *specs], folder)
        except GitError:
            return False
        dates = out.decode("utf-8", "replace").split()  # newest first
        kept = LogEnds(head or "", dates[0] if dates else None, dates[-1] if dates else None)
        if head is not None:
            write_state(name, "", kept)
    try:
        return (kept.newest is not None and kept.oldest is not None
                and datetime.fromisoformat(kept.newest).date() > day
                and datetime.fromisoformat(kept.oldest).date() <= day)
    except ValueError:
        return False


def working_tree_differs(paths: Sequence[Path]) -> bool:
    """Whether a plan file has uncommitted changes (or is new and untracked)."""
    repo, _ = open_repo(paths)
    specs = [f":(top,literal){s}" if s else WHOLE_TREE for s in repo.specs]
    out = git(["status", "--porcelain", "-z", "--untracked-files=all", "--", *specs], repo.cwd)
    names = out.decode("utf-8", "surrogateescape").split("\0")
    return any(n.endswith(PLAN_SUFFIXES) for n in names)


# -- writing: commit one edited plan file, start a repository ----------------------


def _write_git(args: list[str], cwd: Path) -> str:
    """git for the write side (commit, init): its output as text."""
    return git(args, cwd, needs=f"it is needed for git {args[0]}").decode("utf-8", "replace")


def check_can_commit(path: str | os.PathLike[str]) -> Path:
    """The repository's root, or GitError saying why `--commit` cannot work for this file.

    Refused: outside git, no author identity, or the file already has changes of
    its own (they would go into the commit with the edit), or is not in git yet.
    """
    real = Path(os.path.realpath(path))
    folder = real.parent
    try:
        root = Path(_write_git(["rev-parse", "--show-toplevel"], folder).strip())
    except GitMissing:
        raise
    except GitError:
        raise GitError(f"--commit: {path} is not in a git repository; nothing was changed "
                       "(run without --commit, or 'git init' first)") from None
    try:
        _write_git(["var", "GIT_AUTHOR_IDENT"], folder)
    except GitMissing:
        raise
    except GitError:
        raise GitError("--commit: git does not know who you are; set user.name and user.email "
                       "('git config user.name ...'); nothing was changed") from None
    try:
        state = _write_git(["status", "--porcelain", "--", literal(real.name)], folder)
    except GitError as exc:
        raise GitError(f"--commit: git status failed: {exc}") from None
    if state.strip():
        what = "is not committed in git yet" if state.startswith("??") else \
            "has changes that are not committed"
        raise GitError(f"--commit: {path} {what}; commit that first so the commit holds only "
                       "this edit, or run without --commit; nothing was changed")
    return root


def commit_file(path: str | os.PathLike[str], subject: str, body: str = "", tries: int = 20) -> str:
    """Commit this one file as it is in the working tree, whatever else is staged; its hash.

    `git commit --only -- FILE` commits the file alone and leaves the rest of the
    index as it was. Another git command holding the index lock is waited for.
    """
    real = Path(os.path.realpath(path))
    message = subject + ("\n\n" + body if body else "") + "\n"
    for attempt in range(tries):
        try:
            _write_git(["commit", "--only", "--quiet", "-m", message, "--", literal(real.name)],
                       real.parent)
        except GitError as exc:
            if "index.lock" in str(exc) and attempt + 1 < tries:
                time.sleep(0.1 * (attempt + 1))
                continue
            raise GitError(f"the edit is saved in {path} but git commit failed: "
                           f"{exc}") from None
        return _write_git(["rev-parse", "--short", "HEAD"], real.parent).strip()
    raise GitError(f"the edit is saved in {path} but git stayed busy; commit it by hand")


def init_repo(path: Path) -> None:
    """`git init` in path (for `planctl init`)."""
    try:
        _write_git(["init", "-q"], path)
    except GitError as exc:
        raise GitError(f"git init failed: {exc}") from None
