"""The plans at one revision or date: --as-of, diff's two ends, where --since starts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from ...core.errors import GitError, Problem
from ...core.timescale import date_or_none
from ...format.loaded import LoadResult, finish
from ...format.reader import load_text
from ..files import load_paths
from .lineage import Walk, plan_files, walk
from .records import Commit, Version
from .repo import Repo, open_repo
from .runner import cat_blobs, git
from .versions import History, read_versions


def _position(found: Walk, sha: str) -> int | None:
    for i in range(len(found.chain) - 1, -1, -1):
        if found.chain[i].sha == sha:
            return i
    return None


def _latest_on_or_before(found: Walk, day: date) -> int | None:
    for i in range(len(found.chain) - 1, -1, -1):
        if found.chain[i].date <= day:
            return i
    return None


_resolved_dates: dict[tuple[str, str], date] = {}


def _load_position(repo: Repo, found: Walk, i: int, paths: Sequence[Path], spec: str) -> LoadResult:
    commit = found.chain[i]
    _resolved_dates[(str(repo.top), spec)] = commit.date
    files = plan_files(repo, found.states[i])
    blobs = cat_blobs(repo.cwd, {b for _, b, _ in files})
    plans, problems, comparisons = [], [], []
    for path, blob, plan_id in files:
        where = f"{commit.short}:{path}"
        plan, file_problems, is_comparison = load_text(blobs[blob], where, plan_id)
        problems += file_problems
        if is_comparison:
            comparisons.append(str(repo.top / path))
        elif plan is not None:
            plans.append(plan)
    if not files:
        for p in paths:
            problems.append(Problem(str(p), 0, 0, "E005", f"no plan files here at {commit.short} "
                                    f"({commit.date.isoformat()})"))
    return finish(plans, problems, comparisons)


def load_at(paths: Sequence[Path], rev: str) -> LoadResult:
    """The plans as committed at `rev` (paths as in the working tree; renames followed)."""
    repo, (head, sha) = open_repo(paths, ["HEAD", rev])
    found = walk(repo, head)
    i = _position(found, sha)
    if i is None:  # not on HEAD's first-parent line (another branch): read its own line
        found = walk(repo, sha)
        i = len(found.chain) - 1
    return _load_position(repo, found, i, paths, rev)


def load_as_of(paths: Sequence[Path], spec: str) -> LoadResult:
    """--as-of: a date (the last commit on or before the end of it) or a revision."""
    day = date_or_none(spec)
    if day is None:
        return load_at(paths, spec)
    repo, (head,) = open_repo(paths, ["HEAD"])
    found = walk(repo, head)
    i = _latest_on_or_before(found, day)
    if i is None:
        first = found.chain[0]
        raise GitError(f"no commit on or before {day.isoformat()}: the history starts at "
                       f"{first.short} on {first.date.isoformat()}"
                       + (" (this is a shallow clone)" if repo.shallow else ""))
    return _load_position(repo, found, i, paths, spec)


def _commit_time(repo: Repo, sha: str) -> datetime:
    out = git(["show", "-s", "--no-show-signature", "--format=%cI", sha], repo.cwd)
    return datetime.fromisoformat(out.decode().strip())


def as_of_date(spec: str, paths: Sequence[Path]) -> date:
    """The date --as-of SPEC judges statuses at: the date itself, or the revision's commit date."""
    day = date_or_none(spec)
    if day is not None:
        return day
    repo, (sha,) = open_repo(paths, [spec])
    cached = _resolved_dates.get((str(repo.top), spec))
    if cached is not None:
        return cached
    return _commit_time(repo, sha).date()


def _cutoff(history: History, spec: str) -> Callable[[Commit], bool]:
    """Whether a commit counts for --since SPEC."""
    day = date_or_none(spec)
    if day is not None:
        return lambda c: c.date >= day
    if history.repo is None:
        raise GitError("--since needs the plans' repository")
    repo, (sha,) = open_repo([history.repo.top], [spec])
    chain_pos = {c.sha: n for n, c in enumerate(history.chain)}
    if sha in chain_pos:
        limit = chain_pos[sha]
        return lambda c: chain_pos[c.sha] > limit
    moment = _commit_time(repo, sha)
    return lambda c: c.when > moment


def since_position(history: History, spec: str | None) -> int:
    """Index in history.versions of the first version whose changes count for --since.

    A date: versions committed on or after it. A revision: versions after it
    (a revision off the first-parent line counts by its commit date).
    """
    if not spec:
        return 0
    cutoff = _cutoff(history, spec)
    for n, commit in enumerate(history.versions.commits):
        if cutoff(commit):
            return n
    return len(history.versions)


def pair(paths: Sequence[Path], rev1: str, rev2: str | None = None) -> tuple[Version, Version]:
    """The plans at rev1 and at rev2 (None: the working tree), with the same plan ids."""
    repo, shas = open_repo(paths, ["HEAD", rev1] + ([rev2] if rev2 else []))
    tip = shas[2] if rev2 else shas[0]
    found = walk(repo, tip)
    i = _position(found, shas[1])
    if i is None:  # rev1 is off rev2's first-parent line
        other = walk(repo, shas[1])
        old = read_versions(repo, other, [len(other.chain) - 1])[0]
    else:
        old = read_versions(repo, found, [i])[0]
    if rev2:
        new = read_versions(repo, found, [len(found.chain) - 1])[0]
    else:
        loaded = load_paths(paths)
        new = Version(None, loaded.plans)
    return old, new
