"""Every version of the plans, streamed from git: each blob read once, parsed once ever.

History versions are read from one `git cat-file --batch` as they are iterated
and loaded through the parse cache keyed by the blob id (a version seen by an
earlier run is not parsed again); only the versions being compared are held in
memory. Given an `Interner` (history/sharing.py's), consecutive versions share the
objects of what a commit left alone, so the audit trail compares them by identity
first; without one every version is decoded whole (the same plans).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ...core.model import Plan, evolve
from ..cache import Interner, Loaded, load_cached
from ..cache.codec import encode
from ..cache.parts import WalkParts
from ..workers import Ahead
from .lineage import Walk, plan_files, walk
from .records import Commit, Version
from .repo import Repo, open_repo
from .runner import BlobReader, cat_blobs

if TYPE_CHECKING:
    from ...format.sequence import SequenceReader


# Versions missing from the cache are read by format/sequence.py, which parses only the
# recommendations a commit changed (the same plans and problems as reading each whole).
# False reads each whole: the tests compare the two.
READ_CHANGED_ONLY = True


class _Parsed:
    """Plans by (blob, plan id), through the parse cache keyed by the blob id, with a few
    kept in memory for reverts; decoded through `share` when there is one."""

    KEEP = 16

    def __init__(self, reader: BlobReader, share: Interner | None) -> None:
        self._reader = reader
        self._share = share
        self._recent: dict[tuple[str, str], tuple[Plan | None, bool]] = {}
        self._sequence: SequenceReader | None = None  # made on the first miss
        self._parts = WalkParts(share) if share is not None else None
        self._ahead: Ahead | None = None  # see read_ahead
        self._ahead_at: dict[tuple[str, str, str], int] = {}  # (blob, path, plan id): its place
        self._ahead_tried = False
        self._pending: tuple[int, bytes] | None = None  # taken from the copy, not yet asked for
        self._cwd: Path | None = None

    def _parse(self, blob: str, repo_path: str, plan_id: str) -> Loaded:
        if self._sequence is None:
            # here: a history read whole from the cache never imports the parser
            from ...format.sequence import SequenceReader

            self._sequence = SequenceReader(split=READ_CHANGED_ONLY)
        return self._sequence.load(self._reader.get(blob), repo_path, plan_id)

    def read_ahead(self, cwd: Path, versions: Iterable[tuple[str, str, str]]) -> None:
        """The versions a walk will ask for (path, blob, plan id), in order: from the first
        one not kept yet, a copy of this process (store/workers.py's Ahead) reads those not
        kept, while this one keeps and compares those before them; a first history run's
        reading and keeping then share two cores. A warm walk never starts it."""
        if self._parts is None:
            return
        self._cwd = cwd
        for path, blob, plan_id in versions:
            self._ahead_at.setdefault((blob, path, plan_id), len(self._ahead_at))

    def _start_ahead(self, first: int) -> None:
        parts, cwd, jobs = self._parts, self._cwd, list(self._ahead_at)[first:]
        assert parts is not None and cwd is not None  # read_ahead gave them

        def make() -> Iterator[bytes | None]:  # in the copy: what _parse does, ahead
            from ...format.sequence import SequenceReader

            reader, sequence = BlobReader(cwd), SequenceReader(split=READ_CHANGED_ONLY)
            try:
                for i, (blob, path, plan_id) in enumerate(jobs, first):
                    if not parts.has(path, blob, plan_id):
                        payload = encode(sequence.load(reader.get(blob), path, plan_id))
                        yield i.to_bytes(4, "big") + (b"" if payload is None else payload)
            finally:
                reader.close()

        self._ahead = Ahead.start(make, len(jobs))

    def _read_by_the_copy(self, blob: str, repo_path: str, plan_id: str) -> bytes | None:
        """The version as the copy encoded it; None when it is to be read here (the copy is
        not running, stopped, or did not read it)."""
        at = self._ahead_at.get((blob, repo_path, plan_id))
        if at is None:
            return None
        if not self._ahead_tried:  # the walk's first version not kept: from here on, ahead
            self._ahead_tried = True
            self._start_ahead(at)
        while self._ahead is not None:
            if self._pending is None:
                made, item = self._ahead.take()
                if not made or item is None:
                    self.close()
                    return None
                self._pending = int.from_bytes(item[:4], "big"), item[4:]
            i, payload = self._pending
            if i > at:  # the copy found it kept (this process did not: a damaged entry)
                return None
            self._pending = None
            if i == at:
                return payload or None
        return None

    def close(self) -> None:
        if self._ahead is not None:
            self._ahead.close()
            self._ahead = None

    def _load(self, blob: str, repo_path: str, plan_id: str) -> tuple[Plan | None, bool]:
        parts = self._parts
        if parts is None:
            plan, _, is_comparison = load_cached(lambda: self._reader.get(blob), repo_path,
                                                 content_id=blob, plan_id=plan_id)
            return plan, is_comparison
        # shared with its neighbours: kept in parts, each recommendation once along the walk
        found = parts.read(repo_path, blob, plan_id)
        if found is None:
            payload = self._read_by_the_copy(blob, repo_path, plan_id)
            found = (parts.keep(repo_path, blob, plan_id, self._parse(blob, repo_path, plan_id))
                     if payload is None else parts.keep_encoded(repo_path, blob, plan_id, payload))
        return found[0], found[2]

    def get(self, blob: str, repo_path: str, plan_id: str) -> tuple[Plan | None, bool]:
        """(plan or None when unreadable, whether it is a comparison file)."""
        key = (blob, plan_id)
        found = self._recent.pop(key, None)
        if found is None:
            found = self._load(blob, repo_path, plan_id)
        self._recent[key] = found
        if len(self._recent) > self.KEEP:
            del self._recent[next(iter(self._recent))]
        return found


class Versions:
    """The versions of a History, read from git as they are iterated (never all at once)."""

    def __init__(self, repo: Repo, found: Walk, picks: Sequence[int], notes: list[str],
                 share: Interner | None = None, last_good: dict[str, Plan] | None = None) -> None:
        self._repo, self._walk, self._picks, self._notes = repo, found, tuple(picks), notes
        self._share = share
        self.commits = tuple(found.chain[i] for i in self._picks)
        # plan id -> the last version of it that could be read: what an unreadable version
        # stands for. Seeded by a walk that resumes (resume_versions); read after iterating.
        self.last_good: dict[str, Plan] = dict(last_good or {})

    def __len__(self) -> int:
        return len(self._picks)

    def __getitem__(self, n: int) -> Version:
        for k, v in enumerate(self):
            if k == n % len(self):
                return v
        raise IndexError(n)

    def _note_unreadable(self, where: str) -> None:
        note = (f"note: {where} could not be read as a plan ('planctl check' says "
                "why); its changes show at the next version that can be read")
        if note not in self._notes:
            self._notes.append(note)

    def __iter__(self) -> Iterator[Version]:
        repo, found = self._repo, self._walk
        reader = BlobReader(repo.cwd)
        parsed = _Parsed(reader, self._share)
        last_good = self.last_good
        files_at = [plan_files(repo, found.states[i]) for i in self._picks]
        try:
            parsed.read_ahead(repo.cwd, (f for files in files_at for f in files))
            for i, files in zip(self._picks, files_at, strict=True):
                commit = found.chain[i]
                plans = []
                for path, blob, plan_id in files:
                    where = f"{commit.short}:{path}"
                    plan, is_comparison = parsed.get(blob, path, plan_id)
                    if is_comparison:
                        continue
                    if plan is None:  # unreadable here: keep the last version that could be read
                        plan = last_good.get(plan_id)
                        self._note_unreadable(where)
                    else:
                        plan = evolve(plan, path=where)
                        last_good[plan_id] = plan
                    if plan is not None:
                        plans.append(plan)
                yield Version(commit, tuple(plans), files, i > 0 or not repo.shallow)
        finally:
            parsed.close()
            reader.close()


def read_versions(repo: Repo, found: Walk, picks: Sequence[int]) -> list[Version]:
    """A few versions at the chain positions `picks`, read exactly (diff's two ends)."""
    from ...format.reader import load_text  # here: a history read through the cache needs no parser

    files_at = {i: plan_files(repo, found.states[i]) for i in picks}
    blobs = cat_blobs(repo.cwd, {blob for files in files_at.values() for _, blob, _ in files})
    out = []
    for i in picks:
        commit = found.chain[i]
        plans = []
        for path, blob, plan_id in files_at[i]:
            plan = load_text(blobs[blob], f"{commit.short}:{path}", plan_id)[0]
            if plan is not None:
                plans.append(plan)
        out.append(Version(commit, tuple(plans), files_at[i], i > 0 or not repo.shallow))
    return out


def plan_versions(paths: Sequence[Path], rev: str = "HEAD", *,
                  share: Interner | None = None) -> History:
    """Every version of the plans along the first-parent history of `rev`, oldest first.

    `versions` is read from git as it is iterated; notes about versions that could not be
    read are added to `notes` as they are met. share: see the module's docstring.
    """
    repo, (tip,) = open_repo(paths, [rev])
    found = walk(repo, tip)
    picks = _picks(repo, found)
    notes: list[str] = repo.notes()
    if repo.shallow and found.chain:
        first = found.chain[0]
        notes.append(f"note: this is a shallow clone; history stops at {first.short} "
                     f"({first.date.isoformat()}); run 'git fetch --unshallow' for all of it")
    return History(Versions(repo, found, picks, notes, share), tuple(found.chain), repo.shallow,
                   notes, repo)


def _picks(repo: Repo, found: Walk) -> list[int]:
    """The chain positions of the first commit and of each commit that changed the plans."""
    picks: list[int] = []
    last = None
    for i, state in enumerate(found.states):
        files = tuple((p, b) for p, b, _ in plan_files(repo, state))
        if i == 0 or files != last:
            picks.append(i)
        last = files
    return picks


Files = tuple[tuple[str, str, str], ...]  # (path, blob, plan id), as Version.files


@dataclass(frozen=True)
class Resume:
    """Where an earlier walk over the versions stopped: its last commit, the plan files
    there and the last readable version of each plan (Versions.last_good)."""

    commit: str
    files: Files
    last_good: dict[str, Plan]


@dataclass(frozen=True)
class Newer:
    """What resume_versions found: the tip, and the versions to read after `since` (all
    of them when `resumed` is False: the walk must start again from the first commit)."""

    tip: str
    resumed: bool
    versions: Versions | None  # None: the tip is `since`'s commit, nothing is new
    files: Files  # the plan files at the tip


def resume_versions(repo: Repo, tip: str, since: Resume | None, *,
                    share: Interner | None = None) -> Newer:
    """The versions of the plans up to `tip` (a commit id, from open_repo) that come after
    `since`, when `since` still describes this history; else every version (`resumed` False).

    `since` describes it when its commit is on the first-parent line of `rev` and the
    plan files there are what this walk finds there now, by path, blob and plan id: a
    later rename gives the older versions other plan ids, and an amended or reset
    history drops the commit. No git process when the tip is `since`'s commit; else one
    `git log` and a `git cat-file` for what is new.
    """
    if since is not None and since.commit == tip:
        return Newer(tip, True, None, since.files)
    found = walk(repo, tip)
    picks = _picks(repo, found)
    at_tip = plan_files(repo, found.states[-1]) if found.states else ()
    where = {c.sha: i for i, c in enumerate(found.chain)}
    k = where.get(since.commit) if since is not None else None
    if since is not None and k is not None and plan_files(repo, found.states[k]) == since.files:
        later = [i for i in picks if i > k]
        return Newer(tip, True, Versions(repo, found, later, [], share, since.last_good), at_tip)
    return Newer(tip, False, Versions(repo, found, picks, [], share), at_tip)


@dataclass(frozen=True)
class History:
    """Every version of the plans along the first-parent line, oldest first.

    `versions` holds the first commit and each commit after it that changed
    the plans; `chain` every commit (for --since and dates).
    """

    versions: Versions
    chain: tuple[Commit, ...]
    shallow: bool
    notes: list[str] = field(default_factory=list)  # grows as `versions` is read
    repo: Repo | None = None
