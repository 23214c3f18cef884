"""The repository holding the plans, the plan paths in it, and revisions as commit ids."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

import msgspec

from ...core.errors import GitError
from .runner import git

PLAN_SUFFIXES = (".yaml", ".yml")


class Repo(msgspec.Struct, frozen=True):
    top: Path
    cwd: Path
    shallow: bool
    specs: tuple[str, ...]  # plan files/folders relative to the top ("" = everything)
    superproject: str | None = None  # the repository around it, when this is a submodule

    def notes(self) -> list[str]:
        """Said on stderr whenever this repository's history is read."""
        if self.superproject is None:
            return []
        return [f"note: the plans are in a git submodule ({self.top}); its own history is "
                f"read, not that of the repository around it ({self.superproject})"]

    def is_plan(self, path: str) -> bool:
        name = PurePosixPath(path).name
        if not name.endswith(PLAN_SUFFIXES) or name.startswith("."):
            return False
        return any(not s or path == s or path.startswith(s + "/") for s in self.specs)


def start_folder(paths: Sequence[Path]) -> Path:
    for p in paths:
        p = Path(p).absolute()
        for folder in (p, *p.parents):
            if folder.is_dir():
                return folder
    return Path.cwd()


def _check_rev(spec: str) -> None:
    # A leading '-' would be an option to git (`--output=FILE` writes a file).
    if not spec or spec.startswith("-") or any(c in spec for c in "\0\n"):
        raise GitError(f"{spec!r} is not a revision")


_OBJECT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


def _one_commit_each(revs: Sequence[str], shas: list[str], cwd: Path) -> None:
    """Each revision named exactly one commit: a range (`A..B`, `^A`) gives more or other lines."""
    if len(shas) == len(revs) and all(_OBJECT_ID.fullmatch(s) for s in shas):
        return
    for rev in revs:  # find which one, to name it (an error path: one git call each is fine)
        try:
            out = git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd)
        except GitError:
            out = b""
        if not _OBJECT_ID.fullmatch(out.decode("ascii", "replace").strip()):
            break
    else:
        rev = ", ".join(revs)
    raise GitError(f"{rev!r} is not one commit: give a tag, branch, commit or a date such as "
                   "2012-10-09 (not a range)")


def _ref_hint(name: str, cwd: Path, limit: int = 5000) -> str:
    """'; did you mean TAG?' for the tag or branch nearest a mistyped revision, if one is close."""
    try:
        out = git(["for-each-ref", f"--count={limit}", "--format=%(refname:short)",
                   "refs/tags", "refs/heads"], cwd)
    except GitError:
        return ""
    import difflib  # only when a revision is mistyped

    refs = out.decode("utf-8", "surrogateescape").splitlines()
    close = difflib.get_close_matches(name, refs, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _shallow_hint(name: str, cwd: Path) -> str:
    """In a shallow clone a tag or an old commit may simply not have been fetched: say how."""
    try:
        shallow = git(["rev-parse", "--is-shallow-repository"], cwd).strip() == b"true"
    except GitError:
        return ""
    if not shallow:
        return ""
    return (f"; this is a shallow clone, which may not have it: fetch it with 'git fetch origin "
            f"tag {name}' (a tag) or 'git fetch --tags --unshallow' (all of the history)")


def _rev_parse_error(exc: GitError, revs: Sequence[str], cwd: Path) -> GitError:
    """What a failed `rev-parse` means, said in the plans' terms."""
    msg = str(exc)
    if "must be run in a work tree" in msg:
        return GitError(f"{cwd} is a bare git repository: it has no working files to read the "
                        f"plans from; clone it ('git clone {cwd}') and run planctl in the clone")
    if "not a git repository" in msg:
        return GitError(f"not in a git repository ({cwd}): history, slippage, diff and "
                        "--as-of need the plans to be committed in git")
    bad = re.search(r"(?:bad revision|unknown revision[^']*) '([^']*)'", msg)
    if bad or "ambiguous argument" in msg or "Needed a single revision" in msg:
        name = bad.group(1).removesuffix("^{commit}") if bad else ", ".join(revs)
        if name == "HEAD":
            return GitError("the repository has no commits yet; commit the plans first")
        return GitError(f"unknown revision {name!r}: give a tag, branch, commit or a date "
                        "such as 2012-10-09" + _ref_hint(name, cwd) + _shallow_hint(name, cwd))
    return exc


# HEAD as the completion dates of a past --today just resolved it, by the folder git was
# asked in, and when: lets the --today note of the same command (commits.py) find its
# answer kept for that commit without a git process of its own.
_heads: dict[Path, tuple[str, float]] = {}
FRESH = 2.0  # seconds: one command's two reads; later, or a second time, git is asked


def hand_over_head(repo: Repo, sha: str) -> None:
    """Say that HEAD is `sha` now, for the next resolved_head(repo.cwd) (history/completion.py)."""
    _heads[repo.cwd] = (sha, time.monotonic())


def resolved_head(folder: Path) -> str | None:
    """The commit handed over for `folder` in the last FRESH seconds, once (taken: a later
    call asks git); None when there is none."""
    found = _heads.pop(folder, None)
    if found is None or time.monotonic() - found[1] > FRESH:
        return None
    return found[0]


def open_repo(paths: Sequence[Path], revs: Sequence[str] = (), *,
              superproject: bool = True) -> tuple[Repo, list[str]]:
    """The repository holding the plans, and each revision as a full commit id.

    superproject=False: for a caller that never says the repository's notes (a past
    --today's completion dates); `Repo.superproject` is then None. Git finds the repository
    around a submodule with a second git process of its own (`ls-files` in the parent folder),
    which is most of the time of this one `rev-parse`."""
    for rev in revs:
        _check_rev(rev)
    cwd = start_folder(paths)
    args = ["rev-parse", "--show-toplevel", "--is-shallow-repository"]
    around = ["--show-superproject-working-tree"] if superproject else []
    try:  # the superproject's folder comes last, and only for a submodule
        out = git([*args, *(f"{r}^{{commit}}" for r in revs), *around, "--"], cwd)
    except GitError as exc:
        said = _rev_parse_error(exc, revs, cwd)
        if said is exc:
            raise
        raise said from None
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    top = Path(lines[0])
    shas = [line for line in lines[2:] if line != "--"]
    outer = None
    if len(shas) > len(revs) and not _OBJECT_ID.fullmatch(shas[-1]) \
            and not shas[-1].startswith("^"):
        outer = shas.pop()
    _one_commit_each(revs, shas, cwd)
    real_top = Path(os.path.realpath(top))
    specs = []
    for p in paths:
        real = Path(os.path.realpath(Path(p).absolute()))
        try:
            rel = real.relative_to(real_top).as_posix()
        except ValueError:
            raise GitError(f"{p} is outside the git repository at {top}") from None
        specs.append("" if rel == "." else rel)
    return Repo(top, cwd, lines[1].strip() == "true", tuple(specs), outer), shas
