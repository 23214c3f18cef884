"""The plans as committed in git: any revision, any date, every version.

The only module that runs git. Whatever the length of the history, a command
costs a constant number of git processes: one `rev-parse` (repository, shallow,
revisions), one `git log --first-parent --raw -z` over every YAML file (renames
are followed here, from the raw diff), one `git cat-file --batch` for all the
blobs, and for history/slippage one `git status` (to say the working tree
differs). Each distinct blob is parsed once.

History follows the first-parent line of HEAD: a merge counts as one change,
made by whoever merged it. That is the line a committee sees on main.

Public interface (also used by the report command):
- `plan_versions(paths, rev="HEAD") -> History`: every version of the plans.
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
from ..core.timescale import TimescaleError, parse_date
from ..format.reader import LoadResult, finish, load_paths, load_text

PLAN_SUFFIXES = (".yaml", ".yml")
_YAML_PATHSPECS = (":(top,glob)**/*.yaml", ":(top,glob)**/*.yml")
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

    versions: tuple[Version, ...]
    chain: tuple[Commit, ...]
    shallow: bool
    notes: tuple[str, ...] = ()
    repo: Repo | None = None


# -- running git -------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # English messages we can recognise; never prompt; never take locks (others may commit).
    env.update(LC_ALL="C", LANGUAGE="C", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    return env


def _git(args: Sequence[str], cwd: Path, data: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, env=_env())
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH); history, slippage, diff and "
                       "--as-of read the plans' history from git") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        raise GitError(_first_line(proc.stderr) or f"git {args[0]} failed")
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
    if not spec or spec.startswith("-") or any(c in spec for c in "\0\n"):
        raise GitError(f"{spec!r} is not a revision")


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
                           "such as 2012-10-09") from None
        raise
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    top = Path(lines[0])
    shas = [line for line in lines[2:] if line != "--"]
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


# -- parsing many versions fast --------------------------------------------------------


# Each pattern starts with a newline: a literal first character lets re skip ahead fast.
_UNUSUAL = re.compile(r"\n[-%{\[.\t]")  # top-level lists, directives, flow style, tabs
_REC_LINE = re.compile(r"\nrecommendations:[ \t]*(?:#[^\n]*)?\r?(?=\n|$)")
_TOP_LINE = re.compile(r"\n[^ #\r\n]")
_CONTENT = re.compile(r"\n( *)[^ #\r\n]")
_ITEM_PATTERNS: dict[int, tuple[re.Pattern, re.Pattern]] = {}


def _item_patterns(indent: int) -> tuple[re.Pattern, re.Pattern]:
    """(a recommendation's first line, a line that breaks the one-item-per-dash layout)."""
    if indent not in _ITEM_PATTERNS:
        item = re.compile(rf"\n {{{indent}}}-(?=[ \r\n]|$)")
        bad = re.compile(rf"\n(?: {{0,{indent}}}[^ #\r\n-]| {{0,{indent - 1}}}-| {{{indent}}}-[^ \r\n])")
        _ITEM_PATTERNS[indent] = (item, bad)
    return _ITEM_PATTERNS[indent]


class VersionParser:
    """Plans from blobs, each distinct blob parsed once.

    A history holds hundreds of versions of one plan that differ in a line or
    two, so a version is read one recommendation at a time: each recommendation's
    text is parsed once (with the plan's leads, bodies and dates around it) and
    reused, moved to its new line, in every version where it is unchanged.
    Anything unusual (anchors across recommendations, flow style, directives)
    falls back to reading the whole file; the result equals `load_text` for
    every plan that loads without errors.
    """

    def __init__(self) -> None:
        self._by_blob: dict[tuple[str, str], Plan | None] = {}
        self._frames: dict[tuple[str, str, str], Plan | None] = {}
        self._recs: dict[tuple, tuple] = {}
        self._shifted: dict[tuple, object] = {}
        self.comparison_blobs: set[str] = set()

    def plan(self, blob: str, data: bytes, path: str, plan_id: str) -> Plan | None:
        key = (blob, plan_id)
        if key not in self._by_blob:
            self._by_blob[key] = self._parse(blob, data, path, plan_id)
        plan = self._by_blob[key]
        return replace(plan, path=path) if plan is not None and plan.path != path else plan

    def _parse(self, blob: str, data: bytes, path: str, plan_id: str) -> Plan | None:
        try:
            plan = self._fast(data.decode("utf-8-sig"), path, plan_id)
        except (UnicodeDecodeError, _Unusual):
            plan = None
        if plan is None:
            plan, _, is_comparison = load_text(data, path, plan_id)
            if is_comparison:
                self.comparison_blobs.add(blob)
        return plan

    def _fast(self, text: str, path: str, plan_id: str) -> Plan | None:
        # Whole-text regexes, not a Python loop over lines: this runs once per version.
        text = "\n" + text  # every line, the first too, starts after a newline; offsets shift by 1
        if _UNUSUAL.search(text):
            raise _Unusual
        found = list(_REC_LINE.finditer(text))
        if len(found) != 1:
            raise _Unusual
        rec_line = found[0]
        start = min(rec_line.end() + 1, len(text))  # the line after it
        top = _TOP_LINE.search(text, start - 1)
        end = top.start() + 1 if top else len(text)
        first = _CONTENT.search(text, start - 1, end)
        items: list[int] = []  # offset of each recommendation
        indent = 0
        if first is not None:
            indent = len(first.group(1))
            item_re, bad_re = _item_patterns(indent)
            if bad_re.search(text, start - 1, end):
                raise _Unusual
            items = [m.start() + 1 for m in item_re.finditer(text, start - 1, end)]
            if not items or items[0] != first.start() + 1:
                raise _Unusual
        frame_text = text[1:start] + "\n" * text.count("\n", start, end) + text[end:]
        frame_key = (frame_text, plan_id)
        if frame_key not in self._frames:
            self._frames[frame_key] = load_text(frame_text, path, plan_id)[0]
        frame = self._frames[frame_key]
        if frame is None:
            return None
        context = text[1:rec_line.start() + 1] + text[end:]
        if context and not context.endswith("\n"):
            context += "\n"
        context_lines = context.count("\n")
        recs = []
        bounds = [*items, end]
        line, offset = 0, 0  # the added newline counts as one
        for k, first_at in enumerate(items):
            line += text.count("\n", offset, first_at)
            offset = first_at
            chunk = text[first_at:bounds[k + 1]]
            rec, line_in_mini = self._rec(context, context_lines, plan_id, path, k, indent, chunk)
            delta = line - line_in_mini
            shift_key = (id(rec), delta)
            if shift_key not in self._shifted:
                self._shifted[shift_key] = rec if not delta else replace(
                    rec, line=rec.line + delta,
                    actions=tuple(replace(a, line=a.line + delta) for a in rec.actions))
            recs.append(self._shifted[shift_key])
        return replace(frame, recommendations=tuple(recs))

    def _rec(self, context, context_lines, plan_id, path, k, indent, chunk):
        key = (context, plan_id, k, chunk)
        if key not in self._recs:
            pad = " " * indent
            # Placeholders keep the position, so default ids (3, 3.1) come out the same.
            placeholders = "".join(f'{pad}- {{id: "~{j}", text: x, actions: []}}\n' for j in range(k))
            mini = context + "recommendations:\n" + placeholders + chunk
            plan = load_text(mini, path, plan_id)[0]
            if plan is None or len(plan.recommendations) != k + 1:
                raise _Unusual
            self._recs[key] = (plan.recommendations[-1], context_lines + 2 + k)
        return self._recs[key]


class _Unusual(Exception):
    """A file layout the recommendation-at-a-time reader does not handle."""


# -- building versions ----------------------------------------------------------------


def _versions(repo: Repo, walk: _Walk, picks: Sequence[int], parser: VersionParser | None = None,
              exact: bool = False, unreadable: list[str] | None = None) -> list[Version]:
    """Versions at the chain positions `picks`, blobs fetched in one cat-file."""
    unreadable = [] if unreadable is None else unreadable
    files_at = {i: _plan_files(repo, walk.states[i]) for i in picks}
    blobs = _cat_blobs(repo, {blob for files in files_at.values() for _, blob, _ in files})
    parser = parser or VersionParser()
    out = []
    last_good: dict[str, Plan] = {}
    for i in picks:
        commit = walk.chain[i]
        plans = []
        for path, blob, plan_id in files_at[i]:
            where = f"{commit.short}:{path}"
            if exact:
                plan = load_text(blobs[blob], where, plan_id)[0]
            else:
                plan = parser.plan(blob, blobs[blob], where, plan_id)
                if blob in parser.comparison_blobs:
                    continue
                if plan is None:  # unreadable here: keep the last version that could be read
                    plan = last_good.get(plan_id)
                    unreadable.append(where)
                else:
                    last_good[plan_id] = plan
            if plan is not None:
                plans.append(plan)
        known = i > 0 or not repo.shallow
        out.append(Version(commit, tuple(plans), files_at[i], known))
    return out


def plan_versions(paths: Sequence[Path], rev: str = "HEAD") -> History:
    """Every version of the plans along the first-parent history of `rev`, oldest first."""
    repo, (tip,) = open_repo(paths, [rev])
    walk = _walk(repo, tip)
    picks, last = [], None
    for i, state in enumerate(walk.states):
        files = tuple((p, b) for p, b, _ in _plan_files(repo, state))
        if i == 0 or files != last:
            picks.append(i)
        last = files
    unreadable: list[str] = []
    versions = _versions(repo, walk, picks, unreadable=unreadable)
    notes = []
    if repo.shallow and walk.chain:
        first = walk.chain[0]
        notes.append(f"note: this is a shallow clone; history stops at {first.short} "
                     f"({first.date.isoformat()}); run 'git fetch --unshallow' for all of it")
    for where in unreadable:
        notes.append(f"note: {where} could not be read as a plan ('planctl check' says why); "
                     "its changes show at the next version that can be read")
    return History(tuple(versions), tuple(walk.chain), repo.shallow, tuple(notes), repo)


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


def as_date(spec: str) -> date | None:
    try:
        return parse_date(spec)
    except TimescaleError:
        return None


def load_as_of(paths: Sequence[Path], spec: str) -> LoadResult:
    """--as-of: a date (the last commit on or before the end of it) or a revision."""
    day = as_date(spec)
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
    day = as_date(spec)
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
    day = as_date(spec)
    if day is not None:
        cutoff = lambda v: v.commit.date >= day  # noqa: E731
    else:
        repo, (sha,) = open_repo([history.repo.top], [spec])
        chain_pos = {c.sha: n for n, c in enumerate(history.chain)}
        if sha in chain_pos:
            limit = chain_pos[sha]
            cutoff = lambda v: chain_pos[v.commit.sha] > limit  # noqa: E731
        else:
            out = _git(["show", "-s", "--no-show-signature", "--format=%cI", sha], repo.cwd)
            moment = datetime.fromisoformat(out.decode().strip())
            cutoff = lambda v: v.commit.when > moment  # noqa: E731
    for n, v in enumerate(history.versions):
        if cutoff(v):
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
        old = _versions(repo, other, [len(other.chain) - 1], exact=True)[0]
    else:
        old = _versions(repo, walk, [i], exact=True)[0]
    if rev2:
        new = _versions(repo, walk, [len(walk.chain) - 1], exact=True)[0]
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
    specs = [f":(top,literal){s}" if s else ":(top)" for s in repo.specs]
    out = _git(["status", "--porcelain", "-z", "--untracked-files=all", "--", *specs], repo.cwd)
    names = out.decode("utf-8", "surrogateescape").split("\0")
    return any(n.endswith(PLAN_SUFFIXES) for n in names)


# -- writing: commit one edited plan file, start a repository ----------------------


def _git_run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """One git call for the write side (commit, init); a missing git is a GitError."""
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              encoding="utf-8", errors="replace", check=False, env=_env())
    except FileNotFoundError:
        raise GitError(f"git is not installed; it is needed for git {args[0]}") from None


def check_can_commit(path: str | os.PathLike) -> Path:
    """The repository's root, or GitError saying why `--commit` cannot work for this file.

    Refused: outside git, no author identity, or the file already has changes of
    its own (they would go into the commit with the edit), or is not in git yet.
    """
    real = Path(os.path.realpath(path))
    folder = real.parent
    top = _git_run(["rev-parse", "--show-toplevel"], folder)
    if top.returncode != 0:
        raise GitError(f"--commit: {path} is not in a git repository; nothing was changed "
                       "(run without --commit, or 'git init' first)")
    root = Path(top.stdout.strip())
    ident = _git_run(["var", "GIT_AUTHOR_IDENT"], folder)
    if ident.returncode != 0:
        raise GitError("--commit: git does not know who you are; set user.name and user.email "
                       "('git config user.name ...'); nothing was changed")
    state = _git_run(["status", "--porcelain", "--", str(real)], folder)
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
        done = _git_run(["commit", "--only", "--quiet", "-m", message, "--", real.name], real.parent)
        if done.returncode == 0:
            head = _git_run(["rev-parse", "--short", "HEAD"], real.parent)
            return head.stdout.strip()
        if "index.lock" in done.stderr and attempt + 1 < tries:
            time.sleep(0.1 * (attempt + 1))
            continue
        raise GitError(f"the edit is saved in {path} but git commit failed: "
                       f"{_first_line(done.stderr or done.stdout) or 'unknown error'}")
    raise GitError(f"the edit is saved in {path} but git stayed busy; commit it by hand")


def init_repo(path: Path) -> None:
    """`git init` in path (for `planctl init`)."""
    done = _git_run(["init", "-q"], path)
    if done.returncode != 0:
        raise GitError(f"git init failed: {_first_line(done.stderr)}")
