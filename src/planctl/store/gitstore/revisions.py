"""The plans at one revision or date: --as-of, diff's two ends, where --since starts."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta, timezone
from itertools import chain
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
from .versions import History, Versions, read_versions


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
    return _load_position(repo, found, _on_or_before(repo, found, day), paths, spec)


def _commit_time(repo: Repo, sha: str) -> datetime:
    out = git(["show", "-s", "--no-show-signature", "--format=%cI", sha], repo.cwd)
    return datetime.fromisoformat(out.decode().strip())


def as_of_date(spec: str, paths: Sequence[Path]) -> date:
    """The date --as-of SPEC judges statuses at (as_of_when without its description)."""
    return as_of_when(spec, paths)[0]


def as_of_when(spec: str, paths: Sequence[Path]) -> tuple[date, str]:
    """The date --as-of SPEC judges statuses at, and what that date is: the date itself; an
    annotated tag's own date (the tagger date: when the meeting's version was tagged, which
    may be days after its last commit); else the revision's commit date."""
    day = date_or_none(spec)
    if day is not None:
        return day, "the date given"
    repo, (sha,) = open_repo(paths, [spec])
    tagged = _tag_date(repo, spec)
    if tagged is not None:
        return tagged, f"the date of tag {spec}"
    cached = _resolved_dates.get((str(repo.top), spec))
    return (cached if cached is not None else _commit_time(repo, sha).date(),
            f"the commit date of {spec}")


def _tag_date(repo: Repo, spec: str) -> date | None:
    """An annotated tag's tagger date, in the tagger's own zone; None for anything else."""
    try:
        tag = git(["rev-parse", "--verify", "--quiet", f"{spec}^{{tag}}"], repo.cwd)
        body = git(["cat-file", "tag", tag.decode("ascii", "replace").strip()], repo.cwd)
    except GitError:
        return None  # not an annotated tag (a lightweight tag, branch or commit)
    for line in body.decode("utf-8", "replace").splitlines():
        if not line:
            break  # the end of the headers
        found = re.fullmatch(r"tagger .*> (\d+) ([+-])(\d\d)(\d\d)", line)
        if found:
            seconds, sign, hours, minutes = found.groups()
            offset = (int(hours) * 60 + int(minutes)) * (-1 if sign == "-" else 1)
            zone = timezone(timedelta(minutes=offset))
            return datetime.fromtimestamp(int(seconds), zone).date()
    return None


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
    old, new, _, _ = span(paths, rev1, rev2)
    return old, new


def _on_or_before(repo: Repo, found: Walk, day: date) -> int:
    i = _latest_on_or_before(found, day)
    if i is None:
        first = found.chain[0]
        raise GitError(f"no commit on or before {day.isoformat()}: the history starts at "
                       f"{first.short} on {first.date.isoformat()}"
                       + (" (this is a shallow clone)" if repo.shallow else ""))
    return i


def _changed_positions(repo: Repo, found: Walk, first: int, last: int) -> list[int]:
    """The chain positions from `first` to `last` where the plan files differ from the one
    before (the versions worth comparing), `first` always."""
    picks: list[int] = []
    prev = None
    for i in range(first, last + 1):
        files = tuple((p, b) for p, b, _ in plan_files(repo, found.states[i]))
        if i == first or files != prev:
            picks.append(i)
        prev = files
    return picks


def span(paths: Sequence[Path], rev1: str, rev2: str | None = None
         ) -> tuple[Version, Version, Iterable[Version] | None, list[str]]:
    """The plans at rev1 and at rev2 (None: the working tree), and every version from one to
    the other, oldest first, both ends included (streamed; None when rev1 is not on rev2's
    first-parent line, so there is no line of commits between them), and notes for stderr
    (a submodule's history was read).

    Each end is a revision, or a date: the last commit on or before it (as --as-of reads it).
    """
    revs = ["HEAD", *(r for r in (rev1, rev2) if r and date_or_none(r) is None)]
    repo, shas = open_repo(paths, revs)
    sha_of = dict(zip(revs, shas, strict=True))
    day2 = date_or_none(rev2) if rev2 else None
    found = walk(repo, sha_of[rev2] if rev2 and day2 is None else sha_of["HEAD"])
    last = len(found.chain) - 1 if day2 is None else _on_or_before(repo, found, day2)
    day1 = date_or_none(rev1)
    i = _on_or_before(repo, found, day1) if day1 is not None else _position(found, sha_of[rev1])
    if i is None:  # rev1 is off rev2's first-parent line
        other = walk(repo, sha_of[rev1])
        old = read_versions(repo, other, [len(other.chain) - 1])[0]
    else:
        old = read_versions(repo, found, [i])[0]
    new = read_versions(repo, found, [last])[0] if rev2 else Version(None, load_paths(paths).plans)
    if i is None or i > last:
        return old, new, None, repo.notes()
    between: Iterable[Version] = Versions(repo, found, _changed_positions(repo, found, i, last),
                                          [])
    if not rev2:
        between = chain(between, (new,))
    return old, new, between, repo.notes()
