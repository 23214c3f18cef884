"""Plan files on disk: which files are plans, reading them, loading them through the cache."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import Problem
from ..core.model import Plan
from ..format.loaded import MAX_FILE_BYTES, LoadResult, finish, too_big
from .cache import Index, Loaded
from .cache.index import Miss, parse_file
from .workers import read_all

if TYPE_CHECKING:
    from ..core.comparison import Comparison


def _not_a_plan_file(path: str) -> Problem | os.stat_result:
    """Why a found name cannot be read as a plan (broken link, loop, pipe, huge), or its stat.

    Checked before reading: a FIFO would block the read and /dev/zero never end it."""
    try:
        info = os.stat(path)
    except OSError as exc:
        if os.path.islink(path):
            why = ("it is a symbolic link loop" if exc.errno == errno.ELOOP
                   else "it is a broken symbolic link (its target does not exist)")
        else:
            why = exc.strerror or str(exc)
        return Problem(path, 1, 1, "E005", f"cannot read the file: {why}")
    if not stat.S_ISREG(info.st_mode):
        return Problem(path, 1, 1, "E005", "cannot read the file: it is not a regular file "
                       "(a pipe, socket or device); plans are plain files")
    if info.st_size > MAX_FILE_BYTES:
        return too_big(path, info.st_size)
    return info


def discover(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """Plan files under the given files and folders, sorted, each once."""
    found, problems = _discover(paths)
    return [Path(f) for f, _ in found], problems


_HERE = os.curdir + os.sep


def _under(folder: str, name: str) -> str:
    """str(Path(folder, name)), without building a Path for each of 2,000 files (a tenth
    of a warm run's time per file). `folder` is a Path's text, or _walk's join of one
    with folder names: only a leading "." (`--plans .`), which a Path drops, differs."""
    if folder == os.curdir:
        return name
    if folder.startswith(_HERE):
        folder = folder[len(_HERE):]
    return os.path.join(folder, name)


def _walk(top: str, onerror: Callable[[OSError], None]) -> list[tuple[str, str, bool, str]]:
    """(folder, name, is a symbolic link, the folder's real path) of every file under `top`,
    in os.walk's order (top-down, folders and names sorted), without following links to
    folders: a symlink loop in the plans folder cannot trap us. Real paths are worked out
    once, for `top`; a folder reached without a link is its parent's real path + its name
    (resolving every file took a quarter of a warm run over 2,000 files)."""
    out: list[tuple[str, str, bool, str]] = []
    stack = [(top, os.path.realpath(top))]
    while stack:
        root, real = stack.pop()
        try:
            with os.scandir(root) as it:
                entries = list(it)
        except OSError as exc:
            onerror(exc)
            continue
        names, folders = [], []
        for e in entries:
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                names.append((e.name, e.is_symlink()))
            elif not e.is_symlink():
                folders.append(e.name)
        out += [(root, n, link, real) for n, link in sorted(names)]
        stack += [(os.path.join(root, d), os.path.join(real, d)) for d in sorted(folders, reverse=True)]
    return out


def _discover(paths: Sequence[Path]) -> tuple[list[tuple[str, os.stat_result]], list[Problem]]:
    """discover(), each file as str(its Path), with its stat (taken before it is read)."""
    files: list[tuple[str, os.stat_result]] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    def unreadable_folder(exc: OSError) -> None:
        problems.append(Problem(str(exc.filename), 1, 1, "E005",
                                f"cannot read the folder: {exc.strerror or exc}"))

    for base in paths:
        if base.is_dir():
            base_real = os.path.realpath(base)
            # (path, its real path, or None for a link, which must be resolved and checked)
            candidates = [(_under(root, n), None if link else os.path.join(real, n))
                          for root, n, link, real in _walk(os.fspath(base), unreadable_folder)
                          if n.endswith((".yaml", ".yml")) and not n.startswith(".")]
        elif os.path.lexists(base):
            base_real, candidates = None, [(str(base), None)]
        else:
            problems.append(Problem(str(base), 1, 1, "E005", "no such file or folder; "
                                    "give plan files or folders with --plans or PLANCTL_PLANS"))
            continue
        for c, key in candidates:
            info = _not_a_plan_file(c)
            if isinstance(info, Problem):
                problems.append(info)
                continue
            if key is None:
                key = os.path.realpath(c)
                if base_real is not None and os.path.commonpath([key, base_real]) != base_real:
                    # A link committed into a plans folder must not make planctl read (and
                    # quote in its messages) a file elsewhere: ~/.ssh/..., a CI runner's secrets.
                    problems.append(Problem(c, 1, 1, "E005", "cannot read the file: it is "
                                            "a symbolic link to a file outside the plans "
                                            "folder; name that file with --plans to read it"))
                    continue
            if key not in seen:
                seen.add(key)
                files.append((c, info))
    return files, problems


def read_file(path: Path) -> tuple[bytes | None, list[Problem]]:
    try:
        return path.read_bytes(), []
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, [Problem(str(path), 1, 1, "E005", f"cannot read the file: {reason}")]


# Files the cache misses are read in windows of this many bytes: enough for the cores
# to share (store/workers.py), while the bytes waiting to be read stay bounded.
_WINDOW_BYTES = 32 * 1024 * 1024


def load_paths(paths: Sequence[Path], use_cache: bool | None = None) -> LoadResult:
    """Every plan under `paths`; each file is parsed once per content, and a file whose stat
    is unchanged is not even read again (see store/cache.py's Index). Files to parse are
    read on several cores when there are many (store/workers.py).

    use_cache: None follows --no-cache / PLANCTL_NO_CACHE.
    """
    found, problems = _discover(paths)
    index = Index([f"{p}\0{os.path.abspath(p)}" for p in paths], use=use_cache)
    # per file, in order: the problems of reading it and what it gave (None: unreadable)
    results: list[tuple[list[Problem], Loaded | None]] = []
    waiting: list[tuple[int, Miss]] = []  # results still to read, by their place
    waiting_bytes = 0

    def read_waiting() -> None:
        nonlocal waiting_bytes
        jobs = [(miss.data, miss.path) for _, miss in waiting]
        for (i, miss), (result, entry) in zip(waiting, read_all(jobs, parse_file, index.on), strict=True):
            results[i] = (results[i][0], index.complete(miss, result, entry))
        waiting.clear()
        waiting_bytes = 0

    try:
        for f, info in found:
            read_problems: list[Problem] = []

            def read(f: str = f, read_problems: list[Problem] = read_problems) -> bytes | None:
                data, problems_ = read_file(Path(f))
                read_problems += problems_
                return data

            loaded = index.lookup(f, info, read)
            if isinstance(loaded, Miss):
                waiting.append((len(results), loaded))
                waiting_bytes += len(loaded.data)
                loaded = None
            results.append((read_problems, loaded))
            if waiting_bytes >= _WINDOW_BYTES:
                read_waiting()
        read_waiting()
        index.save()
    finally:
        index.close()
    plans: list[Plan] = []
    comparisons: list[str] = []
    for (read_problems, loaded), (f, _) in zip(results, found, strict=True):
        problems += read_problems
        if loaded is None:
            continue
        plan, file_problems, is_comp = loaded
        problems += file_problems
        if is_comp:
            comparisons.append(f)
        elif plan is not None:
            plans.append(plan)
    return finish(plans, problems, comparisons)


def load_comparison_files(paths: Sequence[str]) -> tuple[list[Comparison], list[Problem]]:
    from ..format.comparisons import load_comparison_text  # check and findings only

    comparisons: list[Comparison] = []
    problems: list[Problem] = []
    for path in paths:
        data, read_problems = read_file(Path(path))
        problems += read_problems
        if data is None:
            continue
        comparison, file_problems = load_comparison_text(data, path)
        problems += file_problems
        if comparison is not None:
            comparisons.append(comparison)
    return comparisons, problems
