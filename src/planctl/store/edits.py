"""Edits written to plan files: under a lock, atomically, re-applied when the file moved.

Writes: under an exclusive flock on the plan file itself (re-checked to be the
file at that path after locking), the file is read, edited (store/rewrite.py:
pure, validated), written to a temp file in the same folder, fsynced, and moved
over the original with os.replace, keeping its mode. If the bytes on disk change
between the read and the replace, the edit is re-applied to the new bytes (or
refused after a few tries).

The commands' one door to editing: Edit, Addition and EditResult are here too.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict, Unpack

from ..core.errors import OutputError, PlanctlError
from .atomic import atomic_write
from .changes import Edit
from .rewrite import Addition, EditResult, add_bytes, edit_bytes

__all__ = ["Addition", "Edit", "EditResult", "add_file", "apply_bytes", "apply_file"]


def _oserror(path: str, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(f"cannot write {path}: {reason}; the file is unchanged")


def _lock(path: str, wait: float) -> int:
    """An fd of the file at path, exclusively flocked; the path still names that file."""
    import fcntl

    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError as exc:
            raise PlanctlError(f"cannot open {path}: {exc.strerror or exc}") from None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise PlanctlError(f"{path} is being edited by another planctl; "
                                       "try again") from None
                time.sleep(0.01)
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        # Another process replaced the file while we waited: lock the new one.
        os.close(fd)


def _read_fd(fd: int) -> bytes:
    chunks = []
    os.lseek(fd, 0, os.SEEK_SET)
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def _still(path: str, data: bytes) -> bool:
    """The file still holds what we read: someone outside planctl (an editor) may have saved."""
    try:
        return Path(path).read_bytes() == data
    except OSError:
        return False


class WriteOptions(TypedDict, total=False):
    """apply_bytes's keywords, passed on by apply_file and add_file."""

    dry_run: bool
    before_write: Callable[[EditResult], None] | None
    after_write: Callable[[EditResult], None] | None
    lock_wait: float
    tries: int


def apply_file(path: str | os.PathLike[str], action_id: str, edit: Edit,
               **options: Unpack[WriteOptions]) -> EditResult:
    """Edit the action in the file (see apply_bytes)."""
    return apply_bytes(path, lambda data, shown: edit_bytes(data, shown, action_id, edit), **options)


def add_file(path: str | os.PathLike[str], add: Addition, **options: Unpack[WriteOptions]) -> EditResult:
    """Add an action or recommendation to the file (see apply_bytes)."""
    return apply_bytes(path, lambda data, shown: add_bytes(data, shown, add), **options)


def apply_bytes(path: str | os.PathLike[str], change: Callable[[bytes, str], EditResult], *,
                dry_run: bool = False,
                before_write: Callable[[EditResult], None] | None = None,
                after_write: Callable[[EditResult], None] | None = None,
                lock_wait: float = 60.0, tries: int = 5) -> EditResult:
    """Change the file: read, change, validate, write atomically, all under a lock.

    before_write runs under the lock before anything is written (to refuse early);
    after_write runs under the lock once the file is written (e.g. a git commit), so
    no other planctl edit can slip in between.
    """
    shown = str(path)
    real = os.path.realpath(path)  # a symlinked plan is edited where it lives
    if dry_run:
        try:
            data = Path(real).read_bytes()
        except OSError as exc:
            raise PlanctlError(f"cannot read {shown}: {exc.strerror or exc}") from None
        return change(data, shown)
    if not os.path.isdir(os.path.dirname(real) or "."):
        raise PlanctlError(f"cannot write {shown}: the folder does not exist")
    for _ in range(tries):
        fd = _lock(real, lock_wait)
        try:
            st = os.fstat(fd)
            data = _read_fd(fd)
            result = change(data, shown)
            if not result.changed:
                return result
            if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(real, os.W_OK):
                raise OutputError(f"{shown} is read-only; nothing was changed")
            if before_write is not None:
                before_write(result)

            try:
                written = atomic_write(real, result.new, mode=stat.S_IMODE(st.st_mode),
                                       owner=(st.st_uid, st.st_gid),
                                       unchanged=functools.partial(_still, real, data))
            except OSError as exc:
                if exc.errno == errno.ENOENT and not os.path.isdir(os.path.dirname(real) or "."):
                    raise PlanctlError(f"cannot write {shown}: the folder does not exist") from None
                raise _oserror(shown, exc) from None
            if written:
                if after_write is not None:
                    after_write(result)
                return result
        finally:
            os.close(fd)
    raise PlanctlError(f"{shown} kept changing on disk while planctl was editing it; "
                       "nothing was changed, try again")
