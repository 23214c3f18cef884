"""The plans as committed in git: any revision, any date, every version.

The only module that runs git. Whatever the length of the history, a command
costs a constant number of git processes: one `rev-parse` (repository, shallow,
revisions), one `git log --first-parent --raw -z` over every YAML file (renames
are followed here, from the raw diff), one `git cat-file --batch` for all the
blobs, and for history/slippage one `git status` (to say the working tree
differs). History versions are streamed: each is read from cat-file and parsed
by the real loader through the parse cache keyed by the blob id (a version seen
by an earlier run is not parsed again), and only the versions being compared
are held in memory. Consecutive versions share the objects of what a commit left
alone (_SharedDecoder), so the audit trail compares them by identity first.

History follows the first-parent line of HEAD: a merge counts as one change,
made by whoever merged it. That is the line a committee sees on main.

Public interface (also used by the report command):
- `plan_versions(paths, rev="HEAD") -> History`: every version of the plans (streamed).
- `commits_on_both_sides(paths, day)`: for the --today note.
- `load_at(paths, rev)`, `load_as_of(paths, spec) -> LoadResult`.
- `as_of_date(spec, paths) -> date`: the date --as-of judges statuses at.
- `pair(paths, rev1, rev2=None) -> (Version, Version)`: for diff (None: working tree).
- `since_position(history, spec) -> int`: where `--since DATE|REV` starts.
- `check_can_commit(path)`, `commit_file(path, subject, body)`: `--commit` on edits.
- `init_repo(path)`: `planctl init`.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path, PurePosixPath

from ..core.errors import GitError, Problem
from ..core.model import Plan
from ..core.timescale import date_or_none
from ..format.reader import LoadResult, finish, load_text
from .files import load_paths

PLAN_SUFFIXES = (".yaml", ".yml")
_YAML_PATHSPECS = (":(top,glob)**/*.yaml", ":(top,glob)**/*.yml")
_WHOLE_TREE = ":(top)"
_FIELD, _RECORD = "\x1f", "\x1e"
# The subject, then each `Reason:` trailer's value (joined by "; "): why the change was made.
_LOG_FORMAT = (f"--format={_RECORD}%H{_FIELD}%cI{_FIELD}%aN{_FIELD}%aE{_FIELD}%s{_FIELD}"
               "%(trailers:key=Reason,valueonly,unfold,separator=; )")


# -- data ------------------------------------------------------------------------


@dataclass(frozen=True)
class Commit:
    sha: str
    when: datetime  # committer date, in the committer's own zone
    author: str
    email: str
    subject: str
    reason: str | None = None  # the message's `Reason:` trailer(s), as the edit commands write

    @property
    def short(self) -> str:
        return self.sha[:7]

    @property
    def date(self) -> date:
        return self.when.date()


@dataclass(frozen=True)
class Version:
    """The plans at one commit (commit None: the working tree)."""

    commit: Commit | None
    plans: tuple[Plan, ...]
    files: tuple[tuple[str, str, str], ...] = ()  # (path in repo, blob, plan id)
    known_parent: bool = True  # False at a shallow clone's boundary: what came before is unknown

    @property
    def label(self) -> str:
        return self.commit.short if self.commit else "working tree"


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


# -- running git -------------------------------------------------------------------


# Settings that change what every pathspec means: planctl says what it means in each one.
_PATHSPEC_ENV = ("GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS",
                 "GIT_ICASE_PATHSPECS")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _PATHSPEC_ENV}
    # English messages we can recognise; never prompt; never take locks (others may commit).
    env.update(LC_ALL="C", LANGUAGE="C", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    return env


def literal(path: str) -> str:
    """A file name as a pathspec that matches that name only.

    Bare, git reads `:!x` as "everything but x", `*.yaml` as a glob and `:(top)`
    as magic; `:(literal)` turns all of that off.
    """
    return ":(literal)" + path


def _argv(args: Sequence[str]) -> list[str]:
    """The command line for git; every pathspec (after `--`) must say how it is to be read.

    A bare path there is a bug: git would read magic, globs or an exclusion into it.
    """
    args = list(args)
    if "--" in args:
        for spec in args[args.index("--") + 1:]:
            if not (spec.startswith((":(literal)", ":(top,literal)")) or spec == _WHOLE_TREE
                    or spec in _YAML_PATHSPECS):
                raise ValueError(f"bare pathspec {spec!r} handed to git; wrap it in literal()")
    return ["git", *args]


_READS = "history, slippage, diff and --as-of read the plans' history from git"


class _GitMissing(GitError):
    """git itself cannot be found: no other reason for a failure applies."""


def _git(args: Sequence[str], cwd: Path, data: bytes | None = None, *, needs: str = _READS) -> bytes:
    """The one git runner: git's stdout, or GitError with git's first line of complaint.

    needs: what git is for, said when git is missing.
    """
    try:
        proc = subprocess.run(_argv(args), cwd=cwd, input=data, capture_output=True, env=_env())
    except FileNotFoundError:
        raise _GitMissing(f"git is not installed (or not on PATH); {needs}") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        # `git commit` says "nothing to commit" on stdout, with nothing on stderr
        raise GitError(_first_line(proc.stderr) or _first_line(proc.stdout)
                       or f"git {args[0]} failed")
    return proc.stdout


def _first_line(stderr: bytes | str) -> str:
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    for line in text.splitlines():
        line = line.strip()
        if line:
            return re.sub(r"^(fatal|error): ", "", line)
    return ""


# -- the repository and the plan paths in it ---------------------------------------


@dataclass(frozen=True)
class Repo:
    top: Path
    cwd: Path
    shallow: bool
    specs: tuple[str, ...]  # plan files/folders relative to the top ("" = everything)

    def is_plan(self, path: str) -> bool:
        name = PurePosixPath(path).name
        if not name.endswith(PLAN_SUFFIXES) or name.startswith("."):
            return False
        return any(not s or path == s or path.startswith(s + "/") for s in self.specs)


def _start_folder(paths: Sequence[Path]) -> Path:
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
            out = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd)
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
        out = _git(["for-each-ref", f"--count={limit}", "--format=%(refname:short)",
                    "refs/tags", "refs/heads"], cwd)
    except GitError:
        return ""
    import difflib  # only when a revision is mistyped

    refs = out.decode("utf-8", "surrogateescape").splitlines()
    close = difflib.get_close_matches(name, refs, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def open_repo(paths: Sequence[Path], revs: Sequence[str] = ()) -> tuple[Repo, list[str]]:
    """The repository holding the plans, and each revision as a full commit id."""
    for rev in revs:
        _check_rev(rev)
    cwd = _start_folder(paths)
    args = ["rev-parse", "--show-toplevel", "--is-shallow-repository"]
    try:
        out = _git([*args, *(f"{r}^{{commit}}" for r in revs), "--"], cwd)
    except GitError as exc:
        msg = str(exc)
        if "not a git repository" in msg:
            raise GitError(f"not in a git repository ({cwd}): history, slippage, diff and "
                           "--as-of need the plans to be committed in git") from None
        bad = re.search(r"(?:bad revision|unknown revision[^']*) '([^']*)'", msg)
        if bad or "ambiguous argument" in msg or "Needed a single revision" in msg:
            name = bad.group(1).removesuffix("^{commit}") if bad else ", ".join(revs)
            if name == "HEAD":
                raise GitError("the repository has no commits yet; commit the plans first") from None
            raise GitError(f"unknown revision {name!r}: give a tag, branch, commit or a date "
                           "such as 2012-10-09" + _ref_hint(name, cwd)) from None
        raise
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    top = Path(lines[0])
    shas = [line for line in lines[2:] if line != "--"]
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
    return Repo(top, cwd, lines[1].strip() == "true", tuple(specs)), shas


# -- git log: the first-parent chain and the plan files at each commit --------------


@dataclass
class _Lineage:
    """One file followed through renames; `path` is its name at the tip (or when deleted)."""

    path: str
    plan: bool = False  # was a plan file under one of its names


@dataclass
class _Walk:
    chain: list[Commit] = field(default_factory=list)  # oldest first
    # per commit: the YAML files there, path -> (blob, lineage)
    states: list[dict[str, tuple[str, _Lineage]]] = field(default_factory=list)


def _parse_log(out: bytes) -> list[tuple[Commit, list[tuple[str, str, list[str]]]]]:
    """[(commit, [(status, blob, paths)])] newest first."""
    tokens = out.decode("utf-8", "surrogateescape").split("\0")
    commits: list = []
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip("\n")
        i += 1
        if token.startswith(_RECORD):
            sha, when, author, email, rest = token[1:].split(_FIELD, 4)
            subject, _, reason = rest.rpartition(_FIELD)
            commit = Commit(sha, datetime.fromisoformat(when), author, email, subject,
                            " ".join(reason.split()) or None)
            commits.append((commit, []))
        elif token.startswith(":") and commits:
            meta = token[1:].split()
            status = meta[4]
            count = 2 if status[0] in "RC" else 1
            commits[-1][1].append((status[0], meta[3], tokens[i:i + count]))
            i += count
    return commits


def _walk(repo: Repo, tip: str) -> _Walk:
    args = ["log", "--first-parent", "-m", "--sparse", "-z", "--raw", "--no-abbrev", "-M",
            "--no-color", "--no-show-signature", "--encoding=UTF-8", _LOG_FORMAT, tip, "--",
            *_YAML_PATHSPECS]
    walk = _Walk()
    state: dict[str, tuple[str, _Lineage]] = {}
    applied: list[list[tuple[str, str, str, _Lineage]]] = []  # per commit: (op, path, blob, lineage)
    for commit, entries in reversed(_parse_log(_git(args, repo.cwd))):
        # Sources first (renamed or deleted), then destinations: a rename and a new file
        # of the old name in one commit stay two files.
        ops = []
        moved: dict[str, _Lineage] = {}
        for status, _blob, names in entries:
            if status in "RD" and names[0] in state:
                lineage = state.pop(names[0])[1]
                ops.append(("-", names[0], "", lineage))
                if status == "R":
                    moved[names[-1]] = lineage
        for status, blob, names in entries:
            if status == "D":
                continue
            path = names[-1]
            lineage = moved.get(path) or (state[path][1] if path in state else _Lineage(path))
            lineage.path = path
            lineage.plan = lineage.plan or repo.is_plan(path)
            state[path] = (blob, lineage)
            ops.append(("+", path, blob, lineage))
        walk.chain.append(commit)
        applied.append(ops)
    # Replay keeping only files that are plans at some point: other YAML (CI files, a
    # monorepo's configs) costs nothing, and a commit that leaves the plans alone shares
    # its state with the one before.
    state = {}
    for ops in applied:
        ops = [op for op in ops if op[3].plan or repo.is_plan(op[3].path)]
        if ops or not walk.states:
            state = dict(state)
            for op, path, blob, lineage in ops:
                if op == "-":
                    state.pop(path, None)
                else:
                    state[path] = (blob, lineage)
        walk.states.append(state)
    return walk


def _plan_files(repo: Repo, state: dict[str, tuple[str, _Lineage]]) -> tuple[tuple[str, str, str], ...]:
    """(path, blob, plan id) of the plan files in one state; a file renamed into the
    plans later counts, and keeps the plan id of its latest name."""
    files = [(path, blob, PurePosixPath(lineage.path).stem)
             for path, (blob, lineage) in state.items()
             if repo.is_plan(path) or repo.is_plan(lineage.path)]
    return tuple(sorted(files))


def _cat_blobs(repo: Repo, blobs: set[str]) -> dict[str, bytes]:
    if not blobs:
        return {}
    order = sorted(blobs)
    out = _git(["cat-file", "--batch"], repo.cwd, ("\n".join(order) + "\n").encode())
    found: dict[str, bytes] = {}
    pos = 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        head = out[pos:end].split()
        pos = end + 1
        if len(head) == 3:
            size = int(head[2])
            found[head[0].decode()] = out[pos:pos + size]
            pos += size + 1
    return found


# -- reading many versions: streamed, each blob parsed once -----------------------------


class _BlobReader:
    """One `git cat-file --batch` process, asked for one blob at a time (it answers each
    request before the next, so only one blob is held in memory)."""

    def __init__(self, repo: Repo) -> None:
        self._repo = repo
        self._proc: subprocess.Popen | None = None

    def get(self, blob: str) -> bytes:
        if self._proc is None:
            try:
                self._proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self._repo.cwd,
                                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                              stderr=subprocess.DEVNULL, env=_env())
            except OSError as exc:
                raise GitError(f"cannot run git: {exc.strerror or exc}") from None
        proc = self._proc
        proc.stdin.write(blob.encode() + b"\n")
        proc.stdin.flush()
        head = proc.stdout.readline().split()
        if len(head) != 3:
            raise GitError(f"git cat-file could not read blob {blob}")
        data = proc.stdout.read(int(head[2]) + 1)
        return data[:-1]

    def close(self) -> None:
        if self._proc is not None:
            self._proc.stdin.close()
            self._proc.stdout.close()
            self._proc.wait()
            self._proc = None


class _SharedDecoder:
    """Plans rebuilt from the parse cache's plain tuples, reusing the objects of the parts a
    commit left alone.

    A commit changes a few actions; the other actions of the new version decode to objects
    equal to the previous version's, and `cache.decode` would build each of them again
    (most of a warm `history` run). Here a recommendation whose plain tuple was seen is the
    very object decoded before, and an action whose fields were seen (apart from its line
    and column, which shift when an earlier action grows a line) shares every field value
    with it. Equal plain tuples decode to equal objects, so the plans are exactly what
    `cache.decode` gives; sharing only makes comparing them cheap (identity before fields).
    Bounded: two generations of at most LIMIT entries each.
    """

    LIMIT = 2048  # entries; 8192 held 21 MB more at 1,000 commits for no speed we could measure

    def __init__(self) -> None:
        from dataclasses import fields

        from ..core.model import Action, Recommendation
        from . import cache

        names = [f.name for f in fields(Action)]
        line, column = names.index("line"), names.index("column")
        self._memo: dict = {}
        self._older: dict = {}
        # per plan id: the (plain, object) of each recommendation of the version decoded last,
        # compared by position first (equality of plain tuples costs less than hashing them)
        self._previous: dict[object, list] = {}
        self._last: Sequence = ()
        self._current: list = []
        decode_plan = cache.plan_decoder({Action: lambda dec: self._action(dec, line, column),
                                          Recommendation: self._recommendation})
        if decode_plan is None:
            raise TypeError("the cache cannot encode the model")
        self._decode_plan = decode_plan

    def decode(self, plain):
        """The Plan of the cache's plain tuple (as cache.decode gives it)."""
        plan_id = plain[0] if plain and isinstance(plain[0], str) else None
        self._last = self._previous.get(plan_id, ())
        self._current = []
        plan = self._decode_plan(plain)
        if plan_id is not None:
            self._previous[plan_id] = self._current
            if len(self._previous) > self.LIMIT:  # bounded whatever the number of plans
                del self._previous[next(iter(self._previous))]
        self._last = ()
        return plan

    def _lookup(self, key):
        found = self._memo.get(key)
        if found is None:
            found = self._older.get(key)
            if found is not None:
                self._remember(key, found)
        return found

    def _remember(self, key, value) -> None:
        if len(self._memo) >= self.LIMIT:
            self._older, self._memo = self._memo, {}
        self._memo[key] = value

    def _recommendation(self, dec):
        def decode(v):
            k = len(self._current)
            if k < len(self._last) and self._last[k][0] == v:
                found = self._last[k][1]
            else:
                found = self._lookup(v)
                if found is None:
                    found = dec(v)
                    self._remember(v, found)
            self._current.append((v, found))
            return found
        return decode

    def _action(self, dec, line: int, column: int):
        def decode(v):
            found = self._lookup(v)  # this very action seen before (a version put back)
            if found is not None:
                return found
            key = (v[:line], v[line + 1:column], v[column + 1:])  # its fields but where it is
            found = self._lookup(key)
            if found is None:
                found = dec(v)
            elif found.line != v[line] or found.column != v[column]:
                moved = object.__new__(type(found))  # as the cache's decoders build it
                moved.__dict__.update(found.__dict__, line=v[line], column=v[column])
                found = moved
            self._remember(key, found)
            self._remember(v, found)
            return found
        return decode


def _shared_decoder() -> _SharedDecoder | None:
    """None when the cache's codec cannot be built here (the plans are then decoded whole)."""
    try:
        return _SharedDecoder()
    except (AttributeError, TypeError, ValueError):
        return None


def _read_plain(blob: str, repo_path: str, plan_id: str):
    """The parse cache's entry for this blob as plain tuples (marshal's), or None on a miss."""
    from . import cache

    return cache.read_plain(cache.entry_key(b"", repo_path, blob, f"\0{plan_id}"))


class _Parsed:
    """Plans by (blob, plan id), through the parse cache keyed by the blob id (so a version
    seen by an earlier run is not parsed again), with a few kept in memory for reverts.

    Each plan is decoded from the cache's plain tuples by a _SharedDecoder, so consecutive
    versions share the objects of what did not change."""

    KEEP = 16

    def __init__(self, reader: _BlobReader) -> None:
        self._reader = reader
        self._recent: dict[tuple[str, str], tuple[Plan | None, bool]] = {}
        self._decoder = _shared_decoder()

    def _load(self, blob: str, repo_path: str, plan_id: str) -> tuple[Plan | None, bool]:
        from . import cache

        if self._decoder is not None:
            plain = _read_plain(blob, repo_path, plan_id)
            if plain is not None:
                try:
                    plan = None if plain[0] is None else self._decoder.decode(plain[0])
                    return plan, bool(plain[2])
                except Exception:  # noqa: BLE001 - undecodable: a miss, read it again below
                    pass
        result = cache.load_cached(lambda: self._reader.get(blob), repo_path,
                                   content_id=blob, plan_id=plan_id)
        plan, _, is_comparison = result
        if self._decoder is not None and plan is not None:
            # parsed just now: decode the encoded form too, to share objects with its neighbours
            payload = cache.encode(result)
            if payload is not None:
                import marshal

                plan = self._decoder.decode(marshal.loads(payload)[0])
        return plan, is_comparison

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

    def __init__(self, repo: Repo, walk: _Walk, picks: Sequence[int], notes: list[str]) -> None:
        self._repo, self._walk, self._picks, self._notes = repo, walk, tuple(picks), notes
        self.commits = tuple(walk.chain[i] for i in self._picks)

    def __len__(self) -> int:
        return len(self._picks)

    def __getitem__(self, n: int) -> Version:
        for k, v in enumerate(self):
            if k == n % len(self):
                return v
        raise IndexError(n)

    def __iter__(self):
        repo, walk = self._repo, self._walk
        reader = _BlobReader(repo)
        parsed = _Parsed(reader)
        last_good: dict[str, Plan] = {}
        try:
            for i in self._picks:
                commit = walk.chain[i]
                files = _plan_files(repo, walk.states[i])
                plans = []
                for path, blob, plan_id in files:
                    where = f"{commit.short}:{path}"
                    plan, is_comparison = parsed.get(blob, path, plan_id)
                    if is_comparison:
                        continue
                    if plan is None:  # unreadable here: keep the last version that could be read
                        plan = last_good.get(plan_id)
                        note = (f"note: {where} could not be read as a plan ('planctl check' says "
                                "why); its changes show at the next version that can be read")
                        if note not in self._notes:
                            self._notes.append(note)
                    else:
                        plan = replace(plan, path=where)
                        last_good[plan_id] = plan
                    if plan is not None:
                        plans.append(plan)
                yield Version(commit, tuple(plans), files, i > 0 or not repo.shallow)
        finally:
            reader.close()


# -- building versions ----------------------------------------------------------------


def _versions(repo: Repo, walk: _Walk, picks: Sequence[int]) -> list[Version]:
    """A few versions at the chain positions `picks`, read exactly (diff's two ends)."""
    files_at = {i: _plan_files(repo, walk.states[i]) for i in picks}
    blobs = _cat_blobs(repo, {blob for files in files_at.values() for _, blob, _ in files})
    out = []
    for i in picks:
        commit = walk.chain[i]
        plans = []
        for path, blob, plan_id in files_at[i]:
            plan = load_text(blobs[blob], f"{commit.short}:{path}", plan_id)[0]
            if plan is not None:
                plans.append(plan)
        out.append(Version(commit, tuple(plans), files_at[i], i > 0 or not repo.shallow))
    return out


def plan_versions(paths: Sequence[Path], rev: str = "HEAD") -> History:
    """Every version of the plans along the first-parent history of `rev`, oldest first.

    `versions` is read from git as it is iterated; notes about versions that could not be
    read are added to `notes` as they are met.
    """
    repo, (tip,) = open_repo(paths, [rev])
    walk = _walk(repo, tip)
    picks, last = [], None
    for i, state in enumerate(walk.states):
        files = tuple((p, b) for p, b, _ in _plan_files(repo, state))
        if i == 0 or files != last:
            picks.append(i)
        last = files
    notes: list[str] = []
    if repo.shallow and walk.chain:
        first = walk.chain[0]
        notes.append(f"note: this is a shallow clone; history stops at {first.short} "
                     f"({first.date.isoformat()}); run 'git fetch --unshallow' for all of it")
    return History(Versions(repo, walk, picks, notes), tuple(walk.chain), repo.shallow, notes, repo)


def _position(walk: _Walk, sha: str) -> int | None:
    for i in range(len(walk.chain) - 1, -1, -1):
        if walk.chain[i].sha == sha:
            return i
    return None


def _latest_on_or_before(walk: _Walk, day: date) -> int | None:
    for i in range(len(walk.chain) - 1, -1, -1):
        if walk.chain[i].date <= day:
            return i
    return None


_resolved_dates: dict[tuple[str, str], date] = {}


def _load_position(repo: Repo, walk: _Walk, i: int, paths: Sequence[Path], spec: str) -> LoadResult:
    commit = walk.chain[i]
    _resolved_dates[(str(repo.top), spec)] = commit.date
    files = _plan_files(repo, walk.states[i])
    blobs = _cat_blobs(repo, {b for _, b, _ in files})
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
    walk = _walk(repo, head)
    i = _position(walk, sha)
    if i is None:  # not on HEAD's first-parent line (another branch): read its own line
        walk = _walk(repo, sha)
        i = len(walk.chain) - 1
    return _load_position(repo, walk, i, paths, rev)


def load_as_of(paths: Sequence[Path], spec: str) -> LoadResult:
    """--as-of: a date (the last commit on or before the end of it) or a revision."""
    day = date_or_none(spec)
    if day is None:
        return load_at(paths, spec)
    repo, (head,) = open_repo(paths, ["HEAD"])
    walk = _walk(repo, head)
    i = _latest_on_or_before(walk, day)
    if i is None:
        first = walk.chain[0]
        raise GitError(f"no commit on or before {day.isoformat()}: the history starts at "
                       f"{first.short} on {first.date.isoformat()}"
                       + (" (this is a shallow clone)" if repo.shallow else ""))
    return _load_position(repo, walk, i, paths, spec)


def as_of_date(spec: str, paths: Sequence[Path]) -> date:
    """The date --as-of SPEC judges statuses at: the date itself, or the revision's commit date."""
    day = date_or_none(spec)
    if day is not None:
        return day
    repo, (sha,) = open_repo(paths, [spec])
    cached = _resolved_dates.get((str(repo.top), spec))
    if cached is not None:
        return cached
    out = _git(["show", "-s", "--no-show-signature", "--format=%cI", sha], repo.cwd)
    return datetime.fromisoformat(out.decode().strip()).date()


def since_position(history: History, spec: str | None) -> int:
    """Index in history.versions of the first version whose changes count for --since.

    A date: versions committed on or after it. A revision: versions after it
    (a revision off the first-parent line counts by its commit date).
    """
    if not spec:
        return 0
    day = date_or_none(spec)
    if day is not None:
        cutoff = lambda c: c.date >= day  # noqa: E731
    else:
        repo, (sha,) = open_repo([history.repo.top], [spec])
        chain_pos = {c.sha: n for n, c in enumerate(history.chain)}
        if sha in chain_pos:
            limit = chain_pos[sha]
            cutoff = lambda c: chain_pos[c.sha] > limit  # noqa: E731
        else:
            out = _git(["show", "-s", "--no-show-signature", "--format=%cI", sha], repo.cwd)
            moment = datetime.fromisoformat(out.decode().strip())
            cutoff = lambda c: c.when > moment  # noqa: E731
    for n, commit in enumerate(history.versions.commits):
        if cutoff(commit):
            return n
    return len(history.versions)


def pair(paths: Sequence[Path], rev1: str, rev2: str | None = None) -> tuple[Version, Version]:
    """The plans at rev1 and at rev2 (None: the working tree), with the same plan ids."""
    repo, shas = open_repo(paths, ["HEAD", rev1] + ([rev2] if rev2 else []))
    tip = shas[2] if rev2 else shas[0]
    walk = _walk(repo, tip)
    i = _position(walk, shas[1])
    if i is None:  # rev1 is off rev2's first-parent line
        other = _walk(repo, shas[1])
        old = _versions(repo, other, [len(other.chain) - 1])[0]
    else:
        old = _versions(repo, walk, [i])[0]
    if rev2:
        new = _versions(repo, walk, [len(walk.chain) - 1])[0]
    else:
        loaded = load_paths(paths)
        new = Version(None, loaded.plans)
    return old, new


def commits_on_both_sides(paths: Sequence[Path], day: date) -> bool:
    """Whether the plans have commits on or before `day` and after it (for the --today note).

    One git call; False when anything goes wrong (no commits, git missing): it is only a note.
    """
    folder = _start_folder(paths)
    specs = [f":(literal){os.path.realpath(Path(p).absolute())}" for p in paths]
    try:
        out = _git(["log", "--first-parent", "--no-show-signature", "--format=%cI", "HEAD", "--",
                    *specs], folder)
    except GitError:
        return False
    dates = out.decode("utf-8", "replace").split()
    try:  # newest first
        return (datetime.fromisoformat(dates[0]).date() > day
                and datetime.fromisoformat(dates[-1]).date() <= day)
    except (IndexError, ValueError):
        return False


def working_tree_differs(paths: Sequence[Path]) -> bool:
    """Whether a plan file has uncommitted changes (or is new and untracked)."""
    repo, _ = open_repo(paths)
    specs = [f":(top,literal){s}" if s else _WHOLE_TREE for s in repo.specs]
    out = _git(["status", "--porcelain", "-z", "--untracked-files=all", "--", *specs], repo.cwd)
    names = out.decode("utf-8", "surrogateescape").split("\0")
    return any(n.endswith(PLAN_SUFFIXES) for n in names)


# -- writing: commit one edited plan file, start a repository ----------------------


def _write_git(args: list[str], cwd: Path) -> str:
    """_git for the write side (commit, init): its output as text."""
    return _git(args, cwd, needs=f"it is needed for git {args[0]}").decode("utf-8", "replace")


def check_can_commit(path: str | os.PathLike) -> Path:
    """The repository's root, or GitError saying why `--commit` cannot work for this file.

    Refused: outside git, no author identity, or the file already has changes of
    its own (they would go into the commit with the edit), or is not in git yet.
    """
    real = Path(os.path.realpath(path))
    folder = real.parent
    try:
        root = Path(_write_git(["rev-parse", "--show-toplevel"], folder).strip())
    except _GitMissing:
        raise
    except GitError:
        raise GitError(f"--commit: {path} is not in a git repository; nothing was changed "
                       "(run without --commit, or 'git init' first)") from None
    try:
        _write_git(["var", "GIT_AUTHOR_IDENT"], folder)
    except _GitMissing:
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


def commit_file(path: str | os.PathLike, subject: str, body: str = "", tries: int = 20) -> str:
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
